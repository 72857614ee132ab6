//! Runs the official WebAssembly spec test suite (every top-level `.wast`
//! plus `proposals/wide-arithmetic/`) on the interpreter. Modules needing
//! out-of-scope features are skipped by feature name; any other mismatch
//! fails the test.
//!
//! The suite is read from `$WASM_SPEC_TESTSUITE`, else from
//! `../../../shared/testsuite` relative to this crate. Set `SPEC_FILTER` to
//! a substring of a file path to run only matching files; run with
//! `--nocapture` to see the per-file `N passed, M failed, K skipped` lines.

use crosscheck_reference::*;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

fn suite_dir() -> PathBuf {
    match std::env::var_os("WASM_SPEC_TESTSUITE") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testsuite"),
    }
}

/// Outcome of one directive.
enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

type Inst = Result<Instance, String>; // Err = skip reason

struct Runner {
    store: Store,
    registered: HashMap<String, Result<HashMap<String, Extern>, String>>,
    named: HashMap<String, Inst>,
    definitions: HashMap<String, Result<Module, String>>,
    current: Option<Inst>,
}

fn spectest(store: &mut Store) -> HashMap<String, Extern> {
    let mut m = HashMap::new();
    let mut f = |name: &str, params: Vec<ValType>| {
        let a = store.host_func(params, vec![], |_| vec![]);
        m.insert(name.to_string(), Extern::Func(a));
    };
    use ValType::*;
    f("print", vec![]);
    f("print_i32", vec![I32]);
    f("print_i64", vec![I64]);
    f("print_f32", vec![F32]);
    f("print_f64", vec![F64]);
    f("print_i32_f32", vec![I32, F32]);
    f("print_f64_f64", vec![F64, F64]);
    let g = |ty| GlobalType { ty, mutable: false };
    let mut globals = vec![
        ("global_i32", store.host_global(g(I32), Value::I32(666))),
        ("global_i64", store.host_global(g(I64), Value::I64(666))),
        ("global_f32", store.host_global(g(F32), Value::F32(666.6f32.to_bits()))),
        ("global_f64", store.host_global(g(F64), Value::F64(666.6f64.to_bits()))),
    ];
    for (n, a) in globals.drain(..) {
        m.insert(n.to_string(), Extern::Global(a));
    }
    let t = |table64| TableType { elem: FuncRef, min: 10, max: Some(20), table64 };
    let table = store.host_table(t(false), Value::FuncRef(None)).expect("spectest table");
    let table64 = store.host_table(t(true), Value::FuncRef(None)).expect("spectest table64");
    let mem = store
        .host_memory(MemoryType { min: 1, max: Some(2), memory64: false, shared: false })
        .expect("spectest memory");
    m.insert("table".into(), Extern::Table(table));
    m.insert("table64".into(), Extern::Table(table64));
    m.insert("memory".into(), Extern::Memory(mem));
    let shared = store
        .host_memory(MemoryType { min: 1, max: Some(1), memory64: false, shared: true })
        .expect("spectest shared memory");
    m.insert("shared_memory".into(), Extern::Memory(shared));
    m
}

fn arg(a: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(a) = a else { return Err("component-model".into()) };
    Ok(match a {
        WastArgCore::I32(x) => Value::I32(*x as u32),
        WastArgCore::I64(x) => Value::I64(*x as u64),
        WastArgCore::F32(x) => Value::F32(x.bits),
        WastArgCore::F64(x) => Value::F64(x.bits),
        WastArgCore::V128(x) => Value::V128(u128::from_le_bytes(x.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Func, shared: false }) => Value::FuncRef(None),
        WastArgCore::RefNull(HeapType::Abstract { ty: AbstractHeapType::Extern, shared: false }) => {
            Value::ExternRef(None)
        }
        WastArgCore::RefExtern(n) => Value::ExternRef(Some(*n)),
        _ => return Err("gc".into()),
    })
}

fn f32_matches(bits: u32, p: &NanPattern<wast::token::F32>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, p: &NanPattern<wast::token::F64>) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn v128_matches(v: u128, p: &V128Pattern) -> bool {
    let lane = |bits: u32, i: usize| (v >> (bits as usize * i)) & ((1u128 << bits) - 1);
    match p {
        V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, x)| lane(8, i) == *x as u8 as u128),
        V128Pattern::I16x8(l) => l.iter().enumerate().all(|(i, x)| lane(16, i) == *x as u16 as u128),
        V128Pattern::I32x4(l) => l.iter().enumerate().all(|(i, x)| lane(32, i) == *x as u32 as u128),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(64, i) == *x as u64 as u128),
        V128Pattern::F32x4(l) => l.iter().enumerate().all(|(i, p)| f32_matches(lane(32, i) as u32, p)),
        V128Pattern::F64x2(l) => l.iter().enumerate().all(|(i, p)| f64_matches(lane(64, i) as u64, p)),
    }
}

fn ret_matches(v: &Value, r: &WastRetCore<'_>) -> bool {
    match (r, v) {
        (WastRetCore::I32(x), Value::I32(y)) => *x as u32 == *y,
        (WastRetCore::I64(x), Value::I64(y)) => *x as u64 == *y,
        (WastRetCore::F32(p), Value::F32(b)) => f32_matches(*b, p),
        (WastRetCore::F64(p), Value::F64(b)) => f64_matches(*b, p),
        (WastRetCore::V128(p), Value::V128(b)) => v128_matches(*b, p),
        (WastRetCore::RefNull(_), Value::FuncRef(None) | Value::ExternRef(None)) => true,
        (WastRetCore::RefExtern(None), Value::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Value::ExternRef(Some(m))) => n == m,
        (WastRetCore::RefFunc(_), Value::FuncRef(Some(_))) => true,
        (WastRetCore::Either(alts), _) => alts.iter().any(|a| ret_matches(v, a)),
        _ => false,
    }
}

/// Loose match of a trap kind against the suite's message text.
fn trap_matches(k: TrapKind, msg: &str) -> bool {
    let keys: &[&str] = match k {
        TrapKind::Unreachable => &["unreachable"],
        TrapKind::IntegerDivideByZero => &["integer divide by zero"],
        TrapKind::IntegerOverflow => &["integer overflow"],
        TrapKind::InvalidConversionToInteger => &["invalid conversion to integer"],
        TrapKind::MemoryOutOfBounds => &["out of bounds memory access", "memory access out of bounds"],
        TrapKind::TableOutOfBounds => &["out of bounds table access", "undefined element", "table"],
        TrapKind::IndirectCallToNull => &["uninitialized element", "uninitialized"],
        TrapKind::BadSignature => &["indirect call type mismatch", "signature mismatch"],
        TrapKind::NullReference => &["null"],
        TrapKind::UnalignedAtomic => &["unaligned atomic"],
        TrapKind::ExpectedSharedMemory => &["expected shared memory"],
        TrapKind::HostError => &["host"],
    };
    keys.iter().any(|key| msg.contains(key))
}

fn unsupported_reason(e: &Error) -> Option<String> {
    match e {
        Error::Unsupported(f) => Some(f.to_string()),
        _ => None,
    }
}

impl Runner {
    fn new() -> Runner {
        let mut store = Store::new();
        let spec = spectest(&mut store);
        let mut registered = HashMap::new();
        registered.insert("spectest".to_string(), Ok(spec));
        Runner { store, registered, named: HashMap::new(), definitions: HashMap::new(), current: None }
    }

    /// Decodes; `Err(Ok(reason))` = skip, `Err(Err(e))` = error.
    fn module(bytes: &[u8]) -> Result<Module, Error> {
        Module::new(bytes)
    }

    fn link(&mut self, module: &Module) -> Result<Vec<Extern>, Result<String, Error>> {
        let mut out = Vec::new();
        for imp in module.imports() {
            match self.registered.get(&imp.module) {
                Some(Ok(m)) => match m.get(&imp.name) {
                    Some(e) => out.push(*e),
                    None => return Err(Err(Error::Link(format!("unknown import {}::{}", imp.module, imp.name)))),
                },
                Some(Err(reason)) => return Err(Ok(reason.clone())),
                None => return Err(Err(Error::Link(format!("unknown module {}", imp.module)))),
            }
        }
        Ok(out)
    }

    /// Instantiates; `Err(Ok(reason))` means skip.
    fn instantiate(&mut self, module: &Module) -> Result<Instance, Result<String, Error>> {
        let imports = self.link(module)?;
        Instance::instantiate(&mut self.store, module, &imports).map_err(|e| match unsupported_reason(&e) {
            Some(r) => Ok(r),
            None => Err(e),
        })
    }

    fn encode(qw: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
        if let QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..) = qw {
            return Err("component-model".into());
        }
        qw.encode().map_err(|e| format!("encode: {e}"))
    }

    fn instance(&self, name: Option<wast::token::Id<'_>>) -> Result<&Instance, Outcome> {
        let inst = match name {
            Some(id) => self.named.get(id.name()),
            None => self.current.as_ref(),
        };
        match inst {
            Some(Ok(i)) => Ok(i),
            Some(Err(reason)) => Err(Outcome::Skip(reason.clone())),
            None => Err(Outcome::Fail("no such module".into())),
        }
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Result<Vec<Value>, CallError>, Outcome> {
        let inst = self.instance(inv.module)?;
        let Some(Extern::Func(f)) = inst.export(inv.name) else {
            return Err(Outcome::Fail(format!("no exported function {}", inv.name)));
        };
        let args = inv.args.iter().map(arg).collect::<Result<Vec<_>, _>>().map_err(Outcome::Skip)?;
        Ok(self.store.invoke(f, &args))
    }

    fn exec(&mut self, exec: &mut WastExecute<'_>) -> Result<Result<Vec<Value>, String>, Outcome> {
        match exec {
            WastExecute::Invoke(inv) => Ok(self.invoke(inv)?.map_err(|e| e.to_string())),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(*module)?;
                match inst.export(global) {
                    Some(Extern::Global(g)) => Ok(Ok(vec![self.store.global_get(g)])),
                    _ => Err(Outcome::Fail(format!("no exported global {global}"))),
                }
            }
            WastExecute::Wat(w) => {
                let bytes = w.encode().map_err(|e| Outcome::Fail(format!("encode: {e}")))?;
                let m = Self::module(&bytes).map_err(|e| match unsupported_reason(&e) {
                    Some(r) => Outcome::Skip(r),
                    None => Outcome::Fail(e.to_string()),
                })?;
                match self.instantiate(&m) {
                    Ok(_) => Ok(Ok(vec![])),
                    Err(Ok(r)) => Err(Outcome::Skip(r)),
                    Err(Err(e)) => Ok(Err(e.to_string())),
                }
            }
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Option<Outcome> {
        Some(match d {
            WastDirective::Module(mut qw) => {
                let name = qw.name().map(|n| n.name().to_string());
                let inst: Inst = match Self::encode(&mut qw) {
                    Err(e) if e == "component-model" => Err(e),
                    Err(e) => return Some(Outcome::Fail(e)),
                    Ok(bytes) => match Self::module(&bytes) {
                        Err(e) => match unsupported_reason(&e) {
                            Some(r) => Err(r),
                            None => {
                                self.current = Some(Err("previous module failed".into()));
                                return Some(Outcome::Fail(e.to_string()));
                            }
                        },
                        Ok(m) => match self.instantiate(&m) {
                            Ok(i) => Ok(i),
                            Err(Ok(r)) => Err(r),
                            Err(Err(e)) => {
                                self.current = Some(Err("previous module failed".into()));
                                return Some(Outcome::Fail(e.to_string()));
                            }
                        },
                    },
                };
                let outcome = match &inst {
                    Ok(_) => Outcome::Pass,
                    Err(r) => Outcome::Skip(r.clone()),
                };
                if let Some(n) = name {
                    self.named.insert(n, inst.clone());
                }
                self.current = Some(inst);
                outcome
            }
            WastDirective::ModuleDefinition(mut qw) => {
                let name = qw.name().map(|n| n.name().to_string()).unwrap_or_default();
                let def = match Self::encode(&mut qw) {
                    Err(e) => Err(e),
                    Ok(bytes) => Self::module(&bytes).map_err(|e| match unsupported_reason(&e) {
                        Some(r) => r,
                        None => format!("error: {e}"),
                    }),
                };
                let out = match &def {
                    Ok(_) => Outcome::Pass,
                    Err(e) if e.starts_with("error: ") || e.starts_with("encode: ") => Outcome::Fail(e.clone()),
                    Err(e) => Outcome::Skip(e.clone()),
                };
                self.definitions.insert(name, def);
                out
            }
            WastDirective::ModuleInstance { instance, module, .. } => {
                let def = self.definitions.get(module.map(|m| m.name()).unwrap_or_default()).cloned();
                let inst: Inst = match def {
                    Some(Ok(m)) => match self.instantiate(&m) {
                        Ok(i) => Ok(i),
                        Err(Ok(r)) => Err(r),
                        Err(Err(e)) => return Some(Outcome::Fail(e.to_string())),
                    },
                    Some(Err(e)) => Err(e),
                    None => return Some(Outcome::Fail("unknown module definition".into())),
                };
                let out = match &inst {
                    Ok(_) => Outcome::Pass,
                    Err(r) => Outcome::Skip(r.clone()),
                };
                if let Some(id) = instance {
                    self.named.insert(id.name().to_string(), inst.clone());
                }
                self.current = Some(inst);
                out
            }
            WastDirective::Register { name, module, .. } => {
                let entry = match self.instance(module) {
                    Ok(i) => Ok(i.exports().iter().cloned().collect()),
                    Err(Outcome::Skip(r)) => Err(r),
                    Err(_) => Err("unregistrable".into()),
                };
                self.registered.insert(name.to_string(), entry);
                return None;
            }
            WastDirective::Invoke(inv) => match self.invoke(&inv) {
                Err(o) => o,
                Ok(Ok(_)) => Outcome::Pass,
                Ok(Err(e)) => Outcome::Fail(format!("invoke {}: {e}", inv.name)),
            },
            WastDirective::AssertReturn { mut exec, results, .. } => match self.exec(&mut exec) {
                Err(o) => o,
                Ok(Err(e)) => Outcome::Fail(format!("expected return, got {e}")),
                Ok(Ok(vals)) => {
                    let mut rets = Vec::new();
                    for r in &results {
                        match r {
                            WastRet::Core(c) => rets.push(c),
                            _ => return Some(Outcome::Skip("component-model".into())),
                        }
                    }
                    if vals.len() == rets.len() && vals.iter().zip(&rets).all(|(v, r)| ret_matches(v, r)) {
                        Outcome::Pass
                    } else {
                        Outcome::Fail(format!("got {vals:x?}, expected {rets:?}"))
                    }
                }
            },
            WastDirective::AssertTrap { mut exec, message, .. } => {
                let is_inst = matches!(exec, WastExecute::Wat(_));
                match exec {
                    WastExecute::Invoke(ref inv) => match self.invoke(inv) {
                        Err(o) => o,
                        Ok(Err(CallError::Trap(k))) if trap_matches(k, message) => Outcome::Pass,
                        Ok(r) => Outcome::Fail(format!("expected trap `{message}`, got {r:?}")),
                    },
                    _ => match self.exec(&mut exec) {
                        Err(o) => o,
                        Ok(Err(e)) if is_inst && (e.contains(message) || e.contains("trap")) => Outcome::Pass,
                        Ok(r) => Outcome::Fail(format!("expected trap `{message}`, got {r:?}")),
                    },
                }
            }
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Err(o) => o,
                Ok(Err(CallError::Exhausted(_))) => Outcome::Pass,
                Ok(r) => Outcome::Fail(format!("expected exhaustion `{message}`, got {r:?}")),
            },
            WastDirective::AssertInvalid { mut module, message, .. }
            | WastDirective::AssertMalformed { mut module, message, .. } => match Self::encode(&mut module) {
                Err(e) if e == "component-model" => Outcome::Skip(e),
                Err(_) => Outcome::Pass, // rejected by the text parser / encoder
                Ok(bytes) => match Self::module(&bytes) {
                    Err(_) => Outcome::Pass,
                    Ok(_) => Outcome::Fail(format!("expected invalid/malformed `{message}`, module accepted")),
                },
            },
            WastDirective::AssertUnlinkable { mut module, message, .. } => match module.encode() {
                Err(e) => Outcome::Fail(format!("encode: {e}")),
                Ok(bytes) => match Self::module(&bytes) {
                    Err(e) => match unsupported_reason(&e) {
                        Some(r) => Outcome::Skip(r),
                        None => Outcome::Fail(e.to_string()),
                    },
                    Ok(m) => match self.instantiate(&m) {
                        Err(Ok(r)) => Outcome::Skip(r),
                        Err(Err(Error::Link(_))) => Outcome::Pass,
                        r => Outcome::Fail(format!("expected unlinkable `{message}`, got {:?}", r.err())),
                    },
                },
            },
            WastDirective::AssertInvalidCustom { .. } | WastDirective::AssertMalformedCustom { .. } => {
                Outcome::Skip("custom-sections".into())
            }
            WastDirective::AssertException { .. } => Outcome::Skip("exceptions".into()),
            WastDirective::AssertSuspension { .. } => Outcome::Skip("stack-switching".into()),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => Outcome::Skip("threads-wast-threads".into()),
        })
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

fn run_file(path: &Path, total: &mut Tally) {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut t = Tally::default();
    let mut reasons = BTreeSet::new();
    let mut failures = Vec::new();
    let text = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            println!("{name}: cannot read: {e}");
            total.failed += 1;
            return;
        }
    };
    let mut lexer = wast::lexer::Lexer::new(&text);
    lexer.allow_confusing_unicode(true); // names.wast uses bidi control characters on purpose
    let buf = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            println!("{name}: 0 passed, 1 failed, 0 skipped (lex error: {e})");
            total.failed += 1;
            return;
        }
    };
    let wast = match wast::parser::parse::<Wast<'_>>(&buf) {
        Ok(w) => w,
        Err(e) => {
            println!("{name}: 0 passed, 1 failed, 0 skipped (parse error: {e})");
            total.failed += 1;
            return;
        }
    };
    let mut runner = Runner::new();
    for d in wast.directives {
        let (line, col) = d.span().linecol_in(&text);
        match runner.directive(d) {
            None => {}
            Some(Outcome::Pass) => t.passed += 1,
            Some(Outcome::Skip(r)) => {
                t.skipped += 1;
                reasons.insert(r);
            }
            Some(Outcome::Fail(m)) => {
                t.failed += 1;
                failures.push(format!("  {name}:{}:{}: {m}", line + 1, col + 1));
            }
        }
    }
    let why = if reasons.is_empty() {
        String::new()
    } else {
        format!(" (skipped: {})", reasons.into_iter().collect::<Vec<_>>().join(", "))
    };
    println!("{name}: {} passed, {} failed, {} skipped{why}", t.passed, t.failed, t.skipped);
    for f in failures.iter().take(15) {
        println!("{f}");
    }
    total.passed += t.passed;
    total.failed += t.failed;
    total.skipped += t.skipped;
}

fn wast_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "wast"));
    v.sort();
    v
}

#[test]
fn spec_testsuite() {
    let dir = suite_dir();
    if !dir.is_dir() {
        let msg = format!("spec test suite not found at {} (set WASM_SPEC_TESTSUITE)", dir.display());
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        println!("{msg}; skipping");
        return;
    }
    let filter = std::env::var("SPEC_FILTER").ok();
    let mut files = wast_files(&dir);
    files.extend(wast_files(&dir.join("proposals/wide-arithmetic")));
    let mut total = Tally::default();
    for f in &files {
        if let Some(flt) = &filter
            && !f.to_string_lossy().contains(flt.as_str())
        {
            continue;
        }
        run_file(f, &mut total);
    }
    println!("TOTAL: {} passed, {} failed, {} skipped", total.passed, total.failed, total.skipped);
    assert_eq!(total.failed, 0, "spec test failures");
}
