//! The faulty engine: an [`Engine`] wrapper that runs a real engine and
//! corrupts what it reports (or the module it compiles) by one planted
//! [`Fault`], so the self-test can prove the judge notices.

use super::faults::Fault;
use crate::module_info::ModuleInfo;
use crosscheck_oracles::{CallOutcome, Engine, Features, Instance, InstantiateError, TableState, TrapKind, Val};
use std::collections::HashMap;

/// An engine that runs `inner` and corrupts what it reports by `fault`.
pub struct Faulty {
    pub inner: Box<dyn Engine>,
    pub fault: Fault,
    name: String,
}

impl Faulty {
    pub fn new(inner: Box<dyn Engine>, fault: Fault) -> Faulty {
        let name = format!("{}+{}", inner.name(), fault.name());
        Faulty { inner, fault, name }
    }
}

impl Faulty {
    /// The fault as it acts under the inner engine's current configuration:
    /// [`Fault::I32ResultAtOptNone`] is [`Fault::I32Result`] at `opt=none`
    /// and does nothing otherwise.
    fn active_fault(&self) -> Fault {
        match self.fault {
            Fault::I32ResultAtOptNone if self.inner.config().split(',').any(|s| s == "opt=none") => Fault::I32Result,
            f => f,
        }
    }
}

/// A `.wast` session whose invocations return values corrupted by a
/// fault's value corruption (the faults on results only: enough to show a
/// regression script failing on a faulty engine).
struct FaultySession<'a> {
    inner: Box<dyn crosscheck_oracles::WastSession + 'a>,
    fault: Fault,
}

impl crosscheck_oracles::WastSession for FaultySession<'_> {
    fn compile(&mut self, wasm: &[u8]) -> Result<(), crosscheck_oracles::WastError> {
        self.inner.compile(wasm)
    }
    fn instantiate(&mut self, instance: &str, wasm: &[u8]) -> Result<(), crosscheck_oracles::WastError> {
        self.inner.instantiate(instance, wasm)
    }
    fn register(&mut self, as_name: &str, instance: &str) -> Result<(), crosscheck_oracles::WastError> {
        self.inner.register(as_name, instance)
    }
    fn invoke(
        &mut self,
        instance: &str,
        export: &str,
        args: &[crosscheck_oracles::WastVal],
    ) -> crosscheck_oracles::WastOutcome {
        use crosscheck_oracles::{WastOutcome, WastVal};
        match self.inner.invoke(instance, export, args) {
            WastOutcome::Returned(vals) => WastOutcome::Returned(
                vals.into_iter()
                    .map(|v| match v {
                        WastVal::ExternRef(_)
                        | WastVal::FuncRef { .. }
                        | WastVal::ExternAny(_)
                        | WastVal::AnyRef(_)
                        | WastVal::ExnRef { .. } => v,
                        v => WastVal::from(self.fault.corrupt_val(v.to_val())),
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    fn get(&mut self, instance: &str, global: &str) -> Option<crosscheck_oracles::WastVal> {
        self.inner.get(instance, global)
    }
}

impl Engine for Faulty {
    fn name(&self) -> &str {
        &self.name
    }
    fn version(&self) -> String {
        self.inner.version()
    }
    fn features(&self) -> Features {
        self.inner.features()
    }
    fn wast_features(&self) -> Features {
        self.inner.wast_features()
    }
    fn configure(&mut self, u: &mut arbitrary::Unstructured<'_>, features: Features) -> arbitrary::Result<()> {
        self.inner.configure(u, features)
    }
    fn config(&self) -> String {
        // The fault is in the name (`wasmtime+FAULT`).
        self.inner.config()
    }
    fn pin(&mut self, settings: &[crosscheck_oracles::Setting]) -> Result<(), crosscheck_oracles::ConfigError> {
        self.inner.pin(settings)
    }
    fn wast_session(&mut self) -> Option<Box<dyn crosscheck_oracles::WastSession + '_>> {
        let fault = self.active_fault();
        let inner = self.inner.wast_session()?;
        Some(Box::new(FaultySession { inner, fault }))
    }
    fn instantiate(&mut self, wasm: &[u8]) -> Result<Box<dyn Instance + '_>, InstantiateError> {
        let results: HashMap<String, Vec<crosscheck_oracles::ValType>> = ModuleInfo::of(wasm)
            .map(|info| info.funcs.into_iter().map(|f| (f.name, f.results)).collect())
            .unwrap_or_default();
        let fault = self.active_fault();
        if fault == Fault::Crash && crosscheck_oracles::observation::digest(wasm).is_multiple_of(40) {
            eprintln!("crosscheck: planted crash fault fires");
            std::process::abort();
        }
        let swapped;
        let wasm = match fault {
            Fault::RelaxedLane => {
                swapped = relaxed_min_to_max(wasm);
                &swapped[..]
            }
            Fault::ShuffleIndex => {
                swapped = shuffle_index_off_by_one(wasm);
                &swapped[..]
            }
            Fault::I31GetSUnsigned => {
                swapped = i31_get_s_as_u(wasm);
                &swapped[..]
            }
            f => match f
                .miscompile()
                .and_then(|bug| super::miscompile::plant(wasm, bug))
                .or_else(|| super::gc_faults::plant_fault(wasm, f))
                .or_else(|| super::instruction_faults::plant_fault(wasm, f))
                .or_else(|| super::control_faults::plant_fault(wasm, f))
            {
                Some(planted) => {
                    swapped = planted;
                    &swapped[..]
                }
                None => wasm,
            },
        };
        match fault {
            Fault::RejectsValidBrTable if OpsSeen::of(wasm).br_table => {
                return Err(InstantiateError::Rejected("planted: br_table refused".into()));
            }
            Fault::AcceptsInvalid if self.inner.features().validate(wasm).is_err() => {
                return Ok(Box::new(Hollow));
            }
            _ => {}
        }
        let ops = OpsSeen::of(wasm);
        let inner = self.inner.instantiate(wasm)?;
        if fault == Fault::InstantiationTrap {
            return Err(InstantiateError::Trapped(TrapKind::Unreachable));
        }
        Ok(Box::new(FaultyInstance { inner, fault, results, ops, calls: 0 }))
    }
}

/// What [`Fault::AcceptsInvalid`] instantiates an invalid module as: an
/// instance with no exports.
struct Hollow;

impl Instance for Hollow {
    fn call(&mut self, export: &str, _: &[Val]) -> CallOutcome {
        CallOutcome::Failed(format!("no exported function {export:?}"))
    }
    fn global(&mut self, _: &str) -> Option<Val> {
        None
    }
    fn memory(&mut self, _: &str) -> Option<Vec<u8>> {
        None
    }
    fn table(&mut self, _: &str) -> Option<TableState> {
        None
    }
}

struct FaultyInstance<'a> {
    inner: Box<dyn Instance + 'a>,
    fault: Fault,
    results: HashMap<String, Vec<crosscheck_oracles::ValType>>,
    ops: OpsSeen,
    /// Calls made on this instance (the relaxed choice alternates by it).
    calls: u64,
}

/// What a module's code uses, for the per-instruction faults.
#[derive(Default)]
struct OpsSeen {
    q15mulr: bool,
    f32x4_neg: bool,
    br_table: bool,
    relaxed: Option<crosscheck_reference::simd::relaxed::RelaxedOp>,
}

impl OpsSeen {
    fn of(wasm: &[u8]) -> OpsSeen {
        use crosscheck_reference::compile::{instr::Instr, ops::translate_numeric};
        use wasmparser::Operator;
        let mut seen = OpsSeen::default();
        for_each_operator(wasm, |op, _| {
            match op {
                Operator::I16x8Q15MulrSatS => seen.q15mulr = true,
                Operator::F32x4Neg => seen.f32x4_neg = true,
                Operator::BrTable { .. } => seen.br_table = true,
                _ => {}
            }
            if let Some(Instr::Relaxed(r)) = translate_numeric(op) {
                seen.relaxed = Some(r);
            }
        });
        seen
    }
}

impl FaultyInstance<'_> {
    /// The per-instruction faults, on a v128 result of a call with `args`.
    fn corrupt_v128(&mut self, x: u128, args: &[Val]) -> u128 {
        match self.fault {
            Fault::Q15mulrLane if self.ops.q15mulr => x ^ 1 << 48,
            Fault::F32x4NegNanSign if self.ops.f32x4_neg => (0..4).fold(x, |acc, lane| {
                let l = (x >> (32 * lane)) as u32;
                if f32::from_bits(l).is_nan() { acc ^ 1u128 << (32 * lane + 31) } else { acc }
            }),
            Fault::RelaxedChoiceFlip => match self.ops.relaxed {
                Some(op) if args.len() == op.arity() => {
                    let v: Vec<u128> = args.iter().map(|a| a.bits()).chain([0, 0]).collect();
                    op.eval(v[0], v[1], v[2], (self.calls % 2) as usize)
                }
                _ => x,
            },
            _ => x,
        }
    }
}

impl Instance for FaultyInstance<'_> {
    fn call(&mut self, export: &str, args: &[Val]) -> CallOutcome {
        let mut outcome = self.inner.call(export, args);
        self.calls += 1;
        if self.fault == Fault::LostReply && matches!(outcome, CallOutcome::Returned(_)) {
            return CallOutcome::Failed(format!("no reply to the call of {export:?} with {} arguments", args.len()));
        }
        if let CallOutcome::Returned(vals) = &mut outcome
            && let [Val::V128(x)] = vals.as_mut_slice()
        {
            *x = self.corrupt_v128(*x, args);
        }
        let results = self.results.get(export).map(|r| r.as_slice()).unwrap_or(&[]);
        self.fault.corrupt_outcome(outcome, results)
    }
    fn global(&mut self, name: &str) -> Option<Val> {
        let v = self.inner.global(name)?;
        Some(match self.fault {
            Fault::Global => Val::from_bits(v.ty(), v.bits() ^ 1),
            // The NaN faults corrupt every observable float.
            Fault::NanSign | Fault::NonCanonicalNan => self.fault.corrupt_val(v),
            _ => v,
        })
    }
    fn memory(&mut self, name: &str) -> Option<Vec<u8>> {
        let mut m = self.inner.memory(name)?;
        if self.fault == Fault::MemoryByte && !m.is_empty() {
            let mid = m.len() / 2;
            m[mid] ^= 0x20;
        }
        Some(m)
    }
    fn table(&mut self, name: &str) -> Option<TableState> {
        let mut t = self.inner.table(name)?;
        match self.fault {
            Fault::TableSize => {
                t.size += 1;
                t.null.push(true);
            }
            Fault::TableNull if !t.null.is_empty() => t.null[0] = !t.null[0],
            _ => {}
        }
        Some(t)
    }
    fn refused_grows(&mut self) -> u64 {
        self.inner.refused_grows()
    }
}

/// Calls `f` with every operator of every function body and its offset in
/// the module (a body that does not decode is passed over).
fn for_each_operator(wasm: &[u8], mut f: impl FnMut(&wasmparser::Operator, usize)) {
    use wasmparser::{Parser, Payload};
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let Ok(mut reader) = body.get_operators_reader() else { continue };
        while !reader.eof() {
            let Ok((op, offset)) = reader.read_with_offset() else { break };
            f(&op, offset);
        }
    }
}

/// The module with the first lane index of every `i8x16.shuffle` moved on
/// by one (mod 32). The opcode is `0xfd 0x0d`, then the 16 lane bytes.
fn shuffle_index_off_by_one(wasm: &[u8]) -> Vec<u8> {
    let mut out = wasm.to_vec();
    for_each_operator(wasm, |op, offset| {
        if let wasmparser::Operator::I8x16Shuffle { lanes } = op
            && out.get(offset + 1) == Some(&0x0d)
            && let Some(b) = out.get_mut(offset + 2)
        {
            *b = (lanes[0] + 1) % 32;
        }
    });
    out
}

/// The module with every `i31.get_s` turned into `i31.get_u`: `0xfb 0x1d`
/// becomes `0xfb 0x1e`, in place.
fn i31_get_s_as_u(wasm: &[u8]) -> Vec<u8> {
    let mut out = wasm.to_vec();
    for_each_operator(wasm, |op, offset| {
        if matches!(op, wasmparser::Operator::I31GetS) && out.get(offset..offset + 2) == Some(&[0xfb, 0x1d][..]) {
            out[offset + 1] = 0x1e;
        }
    });
    out
}

/// The module with every `f32x4.relaxed_min` / `f64x2.relaxed_min` turned
/// into the matching `relaxed_max`. Both encode as `0xfd` and a two-byte
/// LEB128 opcode (0x10d/0x10f → 0x10e/0x110), so the patch is in place.
fn relaxed_min_to_max(wasm: &[u8]) -> Vec<u8> {
    use wasmparser::Operator;
    let mut out = wasm.to_vec();
    for_each_operator(wasm, |op, offset| {
        let patch = match op {
            Operator::F32x4RelaxedMin => Some(0x8e),
            Operator::F64x2RelaxedMin => Some(0x90),
            _ => None,
        };
        // `0xfd`, then the opcode's low LEB byte: only if encoded minimally.
        if let Some(byte) = patch
            && out.get(offset + 2) == Some(&0x02)
            && let Some(b) = out.get_mut(offset + 1)
        {
            *b = byte;
        }
    });
    out
}
