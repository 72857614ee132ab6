//! The single-instruction side: the catalog against wasmparser's own
//! operator list (counted independently: the spec's 236 SIMD and 20
//! relaxed-SIMD instructions, every numeric one, the 29 memory ones, the
//! threads proposal's 67 atomic ones), every module
//! assembling to the instruction it names, the `single_inst` fuzz target's
//! determinism and agreement on real engines, bulk memory and reference
//! instructions on real engines, the operand sources and the dispatcher
//! (the planted faults: `tests/single_inst_faults.rs`).

use crosscheck::engines::EngineSet;
use crosscheck::judge::Verdict;
use crosscheck::single_inst::catalog::{ENTRIES, Group, Imm, Immediates, Memory, SplitMix};
use crosscheck::single_inst::{Spec, operands};
use crosscheck::target::{Target, check};
use std::collections::BTreeSet;

/// `(proposal, text-format name)` of every operator wasmparser knows.
fn wasmparser_operators() -> Vec<(&'static str, String)> {
    macro_rules! collect {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            vec![$( (stringify!($proposal), stringify!($visit)), )*]
        };
    }
    let ops: Vec<(&'static str, &'static str)> = wasmparser::for_each_operator!(collect);
    ops.into_iter()
        .map(|(p, visit)| {
            // `visit_i8x16_shuffle` → `i8x16.shuffle`
            let name = visit.trim_start_matches("visit_").replacen('_', ".", 1);
            (p, name)
        })
        .collect()
}

fn names_of(group: Group) -> BTreeSet<String> {
    ENTRIES.iter().filter(|e| e.group == group).map(|e| e.name.to_string()).collect()
}

#[test]
fn catalog_has_every_simd_instruction_of_the_spec() {
    let simd: BTreeSet<String> =
        wasmparser_operators().into_iter().filter(|(p, _)| *p == "simd").map(|(_, n)| n).collect();
    assert_eq!(simd.len(), 236, "the spec's SIMD index has 236 instructions");
    assert_eq!(names_of(Group::Simd), simd);
}

#[test]
fn catalog_has_every_relaxed_simd_instruction() {
    let relaxed: BTreeSet<String> =
        wasmparser_operators().into_iter().filter(|(p, _)| *p == "relaxed_simd").map(|(_, n)| n).collect();
    assert_eq!(relaxed.len(), 20);
    assert_eq!(names_of(Group::Relaxed), relaxed);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Relaxed) {
        assert!(e.relaxed_op().is_some(), "{} maps to the reference's relaxed operator", e.name);
    }
}

#[test]
fn catalog_has_every_numeric_instruction() {
    let numeric_proposals = ["mvp", "sign_extension", "saturating_float_to_int", "wide_arithmetic"];
    let numeric: BTreeSet<String> = wasmparser_operators()
        .into_iter()
        .filter(|(p, n)| {
            numeric_proposals.contains(p)
                && ["i32.", "i64.", "f32.", "f64."].iter().any(|t| n.starts_with(t))
                && !n.contains("load")
                && !n.contains("store")
        })
        .map(|(_, n)| n)
        .collect();
    // 4 constants, 123 MVP operators, 5 sign extensions, 8 saturating
    // truncations, 4 wide-arithmetic operators.
    assert_eq!(numeric.len(), 144);
    assert_eq!(names_of(Group::Numeric), numeric);
}

#[test]
fn catalog_has_every_memory_instruction() {
    let memory: BTreeSet<String> = wasmparser_operators()
        .into_iter()
        .filter(|(p, n)| {
            let scalar = *p == "mvp"
                && ["i32.", "i64.", "f32.", "f64."].iter().any(|t| n.starts_with(t))
                && (n.contains("load") || n.contains("store"));
            let bulk = *p == "bulk_memory" && (n.starts_with("memory.") || n.starts_with("data."));
            scalar || bulk || n == "memory.size" || n == "memory.grow"
        })
        .map(|(_, n)| n)
        .collect();
    // 14 loads, 9 stores, `memory.size`, `memory.grow`, `memory.init`,
    // `data.drop`, `memory.copy`, `memory.fill`.
    assert_eq!(memory.len(), 29);
    assert_eq!(names_of(Group::Memory), memory);
}

#[test]
fn catalog_has_every_atomic_instruction() {
    // wasmparser's names keep underscores where the spec has dots
    // (`i32.atomic_rmw8_add_u`): compared with both spelled with `_`.
    let spelled = |n: &str| n.replace('.', "_");
    let threads: BTreeSet<String> =
        wasmparser_operators().into_iter().filter(|(p, _)| *p == "threads").map(|(_, n)| spelled(&n)).collect();
    // notify, wait32, wait64, fence; 7 loads, 7 stores, 6 × 7
    // read-modify-writes, 7 cmpxchg.
    assert_eq!(threads.len(), 67);
    let catalog: BTreeSet<String> = names_of(Group::Atomic).iter().map(|n| spelled(n)).collect();
    assert_eq!(catalog, threads);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Atomic) {
        assert!(e.features().threads, "{} needs threads", e.name);
        // The only alignment an atomic access may have is its natural one.
        assert_eq!(e.alignments().count(), usize::from(e.is_memory()), "{}", e.name);
    }
}

#[test]
fn catalog_has_the_reference_instructions_on_values_alone() {
    // Issue 16's list and the branches on a cast, each a wasmparser
    // operator of the GC, function-references or reference-types proposal.
    let want: BTreeSet<String> = [
        "ref.i31",
        "i31.get_s",
        "i31.get_u",
        "ref.eq",
        "any.convert_extern",
        "extern.convert_any",
        "ref.is_null",
        "ref.as_non_null",
        "ref.test",
        "ref.cast",
        "br_on_cast",
        "br_on_cast_fail",
        "br_on_null",
        "br_on_non_null",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let known: BTreeSet<String> = wasmparser_operators()
        .into_iter()
        .filter(|(p, _)| ["gc", "function_references", "reference_types"].contains(p))
        .map(|(_, n)| n)
        .collect();
    // `ref.test` and `ref.cast` are one entry each for their two encodings
    // (to a nullable type or not: an immediate of the entry).
    let encodings: BTreeSet<String> = want
        .iter()
        .flat_map(|n| match n.as_str() {
            "ref.test" | "ref.cast" => vec![format!("{n}_non_null"), format!("{n}_nullable")],
            // As the operator list spells a name without a dot.
            "br_on_cast" | "br_on_cast_fail" | "br_on_null" | "br_on_non_null" => vec![n.replacen('_', ".", 1)],
            _ => vec![n.clone()],
        })
        .collect();
    assert!(encodings.is_subset(&known), "{:?}", encodings.difference(&known).collect::<Vec<_>>());
    assert_eq!(names_of(Group::Reference), want);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Reference) {
        assert!(e.features().gc, "{} needs gc", e.name);
        // What crosses the engine boundary is numbers only.
        assert!(e.params.iter().chain(e.results).all(|t| *t == crosscheck::oracles::ValType::I32), "{}", e.name);
    }
}

#[test]
fn catalog_has_every_array_instruction() {
    let gc_arrays: BTreeSet<String> = wasmparser_operators()
        .into_iter()
        .filter(|(p, n)| *p == "gc" && n.starts_with("array."))
        .map(|(_, n)| n)
        .collect();
    assert_eq!(gc_arrays.len(), 14, "{gc_arrays:?}");
    assert_eq!(names_of(Group::Array), gc_arrays);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Array) {
        let f = e.features();
        assert!(f.gc && f.bulk_memory, "{} needs gc and a data count", e.name);
    }
}

#[test]
fn catalog_has_every_struct_instruction() {
    let gc_structs: BTreeSet<String> = wasmparser_operators()
        .into_iter()
        .filter(|(p, n)| *p == "gc" && n.starts_with("struct."))
        .map(|(_, n)| n)
        .collect();
    assert_eq!(names_of(Group::Struct), gc_structs);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Struct) {
        assert!(e.features().gc, "{} needs gc", e.name);
    }
}

/// The body of the exported function `f` (single_inst modules import
/// nothing, so its index counts the code section's bodies).
fn body_of_f(wasm: &[u8]) -> wasmparser::FunctionBody<'_> {
    use wasmparser::{ExternalKind, Parser, Payload};
    let (mut f, mut index) = (None, 0);
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.unwrap() {
            Payload::ImportSection(_) => panic!("single_inst modules import nothing"),
            Payload::ExportSection(exports) => {
                let mut exports = exports.into_iter().map(Result::unwrap);
                f = exports.find(|e| e.name == "f" && e.kind == ExternalKind::Func).map(|e| e.index);
            }
            Payload::CodeSectionEntry(body) if Some(index) == f => return body,
            Payload::CodeSectionEntry(_) => index += 1,
            _ => {}
        }
    }
    panic!("no code for f")
}

/// The instruction `f` runs: its first instruction that is not a
/// `local.get` — for a reference, table or array instruction, the operator after
/// its operands are made (the first that is not a move, a constant,
/// control, a `select`, an `i32.and`, or a `ref.i31`/`ref.null`/`ref.func`
/// of the operand code, nor with `table`, the `struct.new`, `ref.i31` and
/// `extern.convert_any` that make an `externref` element). With `cast`
/// (the operand of `ref.test`, `ref.cast` and the branches on a cast: an
/// i31, null or an object, picked by a `br_table` in blocks, and a
/// branch's label blocks) every operator of that code is skipped.
fn instruction_of(wasm: &[u8], made: bool, table: bool, cast: bool) -> String {
    use wasmparser::Operator;
    let mut r = body_of_f(wasm).get_operators_reader().unwrap();
    let mut depth = 0;
    loop {
        let op = r.read().unwrap();
        let casting = cast
            && matches!(
                op,
                Operator::Block { .. }
                                | Operator::If { .. }
                                | Operator::End
                                | Operator::Br { .. }
                                | Operator::BrTable { .. }
                                | Operator::LocalSet { .. }
                                | Operator::I32Const { .. }
                                | Operator::I32Eqz
                                | Operator::I32Eq
                                | Operator::I32Sub
                                | Operator::I32And
                                | Operator::I32Xor
                                | Operator::I64ExtendI32S
                                | Operator::RefI31
                                | Operator::RefNull { .. }
                                | Operator::StructNew { .. }
                                | Operator::ArrayNewFixed { .. }
                                // A function of the `func` hierarchy.
                                | Operator::RefFunc { .. }
                                | Operator::Else
            );
        let making = casting
            || !cast
                && made
                && (depth > 0
                            || matches!(
                                op,
                                Operator::LocalSet { .. }
                                    | Operator::If { .. }
                                    | Operator::End
                                    | Operator::RefNull { .. }
                                    | Operator::RefFunc { .. }
                                    // An array element or struct field of a reference (`call $pick_func`, `call $pick_box`).
                                    | Operator::Call { .. }
                                    | Operator::I32Const { .. }
                                    | Operator::I32And
                                    | Operator::TypedSelect { .. }
                            )
                            // A table of `externref`s' elements.
                            || table
                                && matches!(
                                    op,
                                    Operator::RefI31 | Operator::StructNew { .. } | Operator::ExternConvertAny
                                ));
        match op {
            Operator::If { .. } if made => depth += 1,
            Operator::End if made => depth -= 1,
            _ => {}
        }
        if !making && !matches!(op, Operator::LocalGet { .. }) {
            return format!("{op:?}");
        }
    }
}

/// Every operator of the exported function `f`, as wasmparser prints it.
fn operators_of_f(wasm: &[u8]) -> Vec<String> {
    let mut r = body_of_f(wasm).get_operators_reader().unwrap();
    let mut out = Vec::new();
    while !r.eof() {
        out.push(format!("{:?}", r.read().unwrap()));
    }
    out
}

#[test]
fn catalog_has_every_exception_instruction() {
    // `visit_throw_ref` reads `throw.ref` through `wasmparser_operators`.
    let exceptions: BTreeSet<String> = wasmparser_operators()
        .into_iter()
        .filter(|(p, _)| *p == "exceptions")
        .map(|(_, n)| n.replace('.', "_"))
        .collect();
    assert_eq!(names_of(Group::Exception), exceptions);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Exception) {
        assert!(e.features().exceptions, "{} needs exceptions", e.name);
    }
}

#[test]
fn every_entry_assembles_and_names_itself() {
    let mut g = SplitMix(11);
    let mut memory_types = std::collections::HashSet::new();
    for e in ENTRIES {
        for imm in e.sweep_immediates(3) {
            let spec = Spec { entry: e, imm };
            let tuples: Vec<_> = (0..3).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let wasm = spec.wasm(&tuples).unwrap_or_else(|err| panic!("{err}"));
            // Valid with the proposals the Case declares, and no others.
            spec.features().validate(&wasm).unwrap_or_else(|err| panic!("{}: {err}", spec.section_text()));
            // The operator wasmparser decodes is the one the entry names
            // (`I8x16Shuffle { .. }` for `i8x16.shuffle`).
            let camel: String = e
                .name
                .split(['.', '_'])
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
                })
                .collect();
            // An exception instruction sits inside the code that throws and
            // catches around it, a call after its arguments are moved, a
            // branch on null inside the blocks it branches to: one of
            // `f`'s operators is it.
            let op = if matches!(e.group, Group::Exception | Group::Call)
                || matches!(e.name, "br_on_null" | "br_on_non_null")
            {
                operators_of_f(&wasm)
                    .into_iter()
                    .find(|o| o.split([' ', '{', '(']).next() == Some(camel.as_str()))
                    .unwrap_or_else(|| panic!("{}: not in f", e.name))
            } else {
                instruction_of(
                    &wasm,
                    matches!(e.group, Group::Reference | Group::Table | Group::Array | Group::Struct),
                    e.group == Group::Table,
                    e.imm == Imm::Cast,
                )
            };
            let op_name = op.split([' ', '{', '(']).next().unwrap();
            // `RefTestNonNull`, `RefCastNullable`: the type's nullability.
            let op_name = match e.imm {
                Imm::Cast => op_name.strip_suffix("NonNull").or(op_name.strip_suffix("Nullable")).unwrap_or(op_name),
                // `select (result t)` is `TypedSelect`.
                Imm::Select => op_name.strip_prefix("Typed").unwrap_or(op_name),
                _ => op_name,
            };
            assert_eq!(op_name.to_lowercase(), camel.to_lowercase(), "{}: decoded {op}", e.name);
            // The custom section gives the same spec back (reports, repro).
            assert_eq!(Spec::of_module(&wasm), Some(spec), "{}", spec.instruction_text());
            // Memory arguments stay within their domains, on memories of
            // both address types.
            if let Immediates::Mem { align, offset, memory } | Immediates::MemLane { align, offset, memory, .. } = imm {
                assert!(1u32 << align <= e.access_width(), "{}: alignment above natural", e.name);
                let memory64 = memory.memory64;
                assert!(memory64 || offset <= u32::MAX as u64, "{}: offset {offset} on a 32-bit memory", e.name);
                assert_eq!(spec.features().memory64, memory64, "{}", e.name);
                memory_types.insert((e.group, memory64, memory.unbounded));
            }
        }
    }
    // The sweep tries each kind of memory instruction on all four kinds
    // of memory (32- or 64-bit, with a maximum or without).
    for group in [Group::Memory, Group::Simd, Group::Atomic] {
        for memory64 in [false, true] {
            for unbounded in [false, true] {
                assert!(memory_types.contains(&(group, memory64, unbounded)), "{group:?} {memory64} {unbounded}");
            }
        }
    }
}

#[test]
fn float_constants_keep_their_bits() {
    for (name, bits) in [
        ("f32.const", 0xffc0_0001u128),
        ("f32.const", 0x8000_0001),
        ("f32.const", 0x7f80_0001),
        ("f64.const", 0x8000_0000_0000_0000),
        ("f64.const", 0x000f_ffff_ffff_ffff),
        ("f64.const", 0xfff0_0000_0000_0001),
        ("v128.const", 0x8000_0000_0000_0000_ffff_ffff_ffff_fffe),
    ] {
        let entry = crosscheck::single_inst::catalog::lookup(name).unwrap();
        let spec = Spec { entry, imm: Immediates::Const(bits) };
        let wasm = spec.wasm(&[]).unwrap();
        assert_eq!(
            crosscheck::single_inst::readback::const_of_module(&wasm),
            Some(bits),
            "{}",
            spec.instruction_text()
        );
    }
}

#[test]
fn the_same_bytes_give_the_same_case() {
    let data: Vec<u8> = (0..2000u32).map(|i| ((i * 2654435761u32) >> 13) as u8).collect();
    let (a, sa, _) = crosscheck::single_inst::case_from_bytes(&data).unwrap();
    let (b, sb, _) = crosscheck::single_inst::case_from_bytes(&data).unwrap();
    assert_eq!(sa, sb);
    assert_eq!(a.plan, b.plan);
    assert!(a.plan.calls.iter().any(|c| c.export == "f"));
}

#[test]
fn fuzz_target_agrees_on_real_engines() {
    // No false positives: a few hundred inputs across the catalog on every
    // default engine, judged exactly.
    let mut engines = EngineSet::fuzzing(crosscheck::oracles::registry::DEFAULT_ENGINES).unwrap();
    let mut g = SplitMix(42);
    let mut judged = 0;
    for _ in 0..300 {
        let data: Vec<u8> = (0..600).map(|_| g.next_u64() as u8).collect();
        // A documented engine crash (docs/findings: Winch's load-splat
        // panic on CPU profiles without AVX2) is a panic in process here,
        // allowed only if it is one of the known crashes.
        let checked = match crosscheck::triage::catch_panic(|| check(Target::SingleInst, &data, &mut engines)) {
            Ok(Ok(checked)) => checked,
            Ok(Err(_)) => continue,
            Err(panic) => {
                let known = crosscheck::triage::known_crash(&panic)
                    .unwrap_or_else(|| panic!("an engine panicked (not a known crash):\n{panic}"));
                println!("known crash {} (input skipped)", known.name);
                continue;
            }
        };
        judged += 1;
        if let Verdict::Diverge(d) = &checked.verdict {
            panic!("{}\n{}", d.signature, crosscheck::report::render(&checked));
        }
    }
    assert!(judged > 250, "only {judged} inputs gave a judged Case");
}

/// The bulk memory instructions on every kind of memory, on the reference
/// and Wasmtime: each both completes and traps out of bounds over its
/// tuples (the operands reach both sides of the end), the two engines
/// agree call by call, and what `memory.fill` and `memory.init` wrote
/// shows in a `peek`.
#[test]
fn bulk_memory_instructions_complete_and_trap_on_every_kind_of_memory() {
    use crosscheck::oracles::{CallOutcome, TrapKind, registry};
    use crosscheck::single_inst::catalog::lookup;
    let mut g = SplitMix(0xb01c);
    for name in ["memory.fill", "memory.copy", "memory.init"] {
        let entry = lookup(name).unwrap();
        for memory64 in [false, true] {
            for unbounded in [false, true] {
                let spec = Spec { entry, imm: Immediates::Memory(Memory { memory64, unbounded, shared: false }) };
                let tuples: Vec<operands::Tuple> =
                    (0..200).map(|_| operands::tuple(&mut g, entry, &spec.imm)).collect();
                let case = crosscheck::single_inst::case_for(&spec, &tuples).unwrap();
                let reference = registry::create("reference").unwrap().run(&case.plan);
                let wasmtime = registry::create("wasmtime").unwrap().run(&case.plan);
                assert_eq!(reference.calls, wasmtime.calls, "{name} memory64={memory64} unbounded={unbounded}");
                let f: Vec<&CallOutcome> = case
                    .plan
                    .calls
                    .iter()
                    .zip(&reference.calls)
                    .filter(|(c, _)| c.export == "f")
                    .map(|(_, o)| o)
                    .collect();
                let label = format!("{name} memory64={memory64} unbounded={unbounded}");
                assert!(f.iter().any(|o| matches!(o, CallOutcome::Returned(_))), "{label}: never completed");
                assert!(
                    f.iter().any(|o| matches!(o, CallOutcome::Trapped(TrapKind::MemoryOutOfBounds))),
                    "{label}: never out of bounds"
                );
                // A peek after a completed fill or init with a non-zero
                // length at an address below the poke window shows bytes
                // the instruction wrote (the fill byte; the segment's
                // 0xa0.. bytes).
                if name != "memory.copy" {
                    let wrote = case.plan.calls.windows(2).zip(reference.calls.windows(2)).any(|(c, o)| {
                        let (CallOutcome::Returned(_), CallOutcome::Returned(peeked)) = (&o[0], &o[1]) else {
                            return false;
                        };
                        let len = c[0].args.get(2).map_or(0, |a| a.bits());
                        let low = peeked.first().map_or(0, |v| v.bits() as u8);
                        c[0].export == "f"
                            && c[1].export == "peek"
                            && len > 0
                            && c[0].args[0].bits() < 65520
                            && if name == "memory.fill" {
                                low == c[0].args[1].bits() as u8
                            } else {
                                (0xa0..=0xbf).contains(&low)
                            }
                    });
                    assert!(wrote, "{label}: no peek shows what was written");
                }
            }
        }
    }
}

/// Each reference instruction, with each operand heap type, on the
/// reference interpreter and Wasmtime: the spec's model holds on every
/// call, and a null operand of `ref.as_non_null` / `i31.get_s/u` traps
/// with a null reference on both.
#[test]
fn reference_instructions_follow_the_spec_model_on_reference_and_wasmtime() {
    use crosscheck::oracles::{CallOutcome, TrapKind, Val, registry};
    use crosscheck::single_inst::check::check_model;
    let mut g = SplitMix(5);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Reference) {
        for imm in e.sweep_immediates(1) {
            let spec = Spec { entry: e, imm };
            // A null operand first (value 3, null flag 1), then drawn ones.
            let null = operands::Tuple { args: vec![Val::I32(3), Val::I32(1)], poke: None };
            let traps = matches!(e.name, "ref.as_non_null" | "i31.get_s" | "i31.get_u");
            let first = traps.then_some(null);
            let tuples: Vec<_> = first.into_iter().chain((0..16).map(|_| operands::tuple(&mut g, e, &imm))).collect();
            let case = crosscheck::single_inst::case_for(&spec, &tuples).unwrap();
            for engine in ["reference", "wasmtime"] {
                let obs = registry::create(engine).unwrap().run(&case.plan);
                if traps {
                    assert_eq!(obs.calls[0], CallOutcome::Trapped(TrapKind::NullReference), "{} on {engine}", e.name);
                }
                let run = crosscheck::judge::EngineRun {
                    engine: engine.into(),
                    version: String::new(),
                    config: String::new(),
                    observation: obs,
                };
                match check_model(&spec, &case, &run, 1) {
                    Some(Ok(true)) => {}
                    other => panic!("{} on {engine}: {other:?}", spec.section_text()),
                }
            }
            let nulls = tuples.iter().filter(|t| t.args.len() == 2 && t.args[1].bits() != 0).count();
            assert!(nulls > 0 || e.params.len() != 2, "{}: no null operand drawn", e.name);
        }
    }
}

/// Every operand source computes what `f` computes on the same operands
/// (on the reference interpreter): the loads read back the operands from
/// the end of memory, the globals and `local.tee` pass them unchanged, the
/// shift-and-add address equals the address.
#[test]
fn operand_sources_feed_the_same_operands() {
    use crosscheck::oracles::{CallOutcome, Val, registry};
    use crosscheck::single_inst::catalog::lookup;
    let cases: &[(&str, Vec<Val>)] = &[
        ("i64.sub", vec![Val::I64(0x8000_0000_0000_0001), Val::I64(7)]),
        ("f64.copysign", vec![Val::F64(0x7ff0_0000_0000_0001), Val::F64(1 << 63)]),
        ("i8x16.swizzle", vec![Val::V128(0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100), Val::V128(0x1f_0f_03)]),
        ("v128.load32_zero", vec![Val::I32(65531)]),
        ("v128.store", vec![Val::I32(65519), Val::V128(0x0102_0304)]),
        ("i64.load16_s", vec![Val::I32(65533)]),
        ("i32.atomic.rmw8.sub_u", vec![Val::I32(65519), Val::I32(0x1ff)]),
        ("memory.init", vec![Val::I32(65530), Val::I32(3), Val::I32(6)]),
        ("ref.eq", vec![Val::I32(0x8000_0000), Val::I32(0), Val::I32(0), Val::I32(0)]),
        ("any.convert_extern", vec![Val::I32(0xc000_0000), Val::I32(0)]),
        ("i31.get_s", vec![Val::I32(0x4000_0000), Val::I32(1)]),
    ];
    // On a 64-bit memory: the address an `i64`.
    let memory64: &[(&str, Vec<Val>)] = &[
        ("f64.load", vec![Val::I64(65527)]),
        ("v128.load8_splat", vec![Val::I64(65534)]),
        ("i64.atomic.rmw16.cmpxchg_u", vec![Val::I64(65521), Val::I64(0xffff), Val::I64(7)]),
        ("memory.copy", vec![Val::I64(65500), Val::I64(65520), Val::I64(16)]),
    ];
    let all = cases.iter().map(|(n, a)| (n, a, false)).chain(memory64.iter().map(|(n, a)| (n, a, true)));
    for (name, args, memory64) in all {
        let entry = lookup(name).unwrap_or_else(|| panic!("{name} in the catalog"));
        let align = *entry.alignments().start();
        let memory = Memory { memory64, unbounded: memory64, shared: false };
        let imm = match entry.imm {
            Imm::Mem { .. } => Immediates::Mem { offset: 1, align, memory },
            Imm::Memory | Imm::Data => Immediates::Memory(memory),
            _ => Immediates::None,
        };
        let spec = Spec { entry, imm };
        let poke = entry.is_memory().then_some((65520u32, u128::MAX - 5));
        let tuple = operands::Tuple { args: args.clone(), poke };
        let case = crosscheck::single_inst::case_for(&spec, std::slice::from_ref(&tuple)).unwrap();
        let exports: Vec<&str> = case.plan.calls.iter().map(|c| c.export.as_str()).collect();
        let variants: &[&str] = if entry.is_memory() { &["k", "t0", "g0", "s0"] } else { &["k", "t0", "g0", "l0"] };
        for v in variants {
            assert!(exports.contains(v), "{name}: no call of {v} in {exports:?}");
        }
        let obs = registry::create("reference").unwrap().run(&case.plan);
        let of = |export: &str| -> &CallOutcome {
            let i = case.plan.calls.iter().position(|c| c.export == export).unwrap();
            &obs.calls[i]
        };
        for v in variants {
            assert_eq!(of(v), of("f"), "{name}: {v} differs from f");
        }
    }
}

/// The dispatcher `k`: one function for every const-fed tuple, arm `i`
/// running the instruction on tuple `i`'s operands as constants. For an
/// instruction, a lane instruction and a reference instruction (whose arms
/// hold blocks of their own), with 16 tuples: each arm's constants read
/// back as its tuple, `k(i)` returns what `f` returns on tuple `i` on the
/// reference and on Wasmtime, and `k` out of range traps.
#[test]
fn the_dispatcher_runs_each_tuple_on_its_own_arm() {
    use crosscheck::oracles::{Call, CallOutcome, Plan, Val, registry};
    use crosscheck::single_inst::catalog::lookup;
    use crosscheck::single_inst::module::DISPATCHER;
    use crosscheck::single_inst::readback::tuple_operands;
    let mut rng = SplitMix(0x5eed);
    for (name, imm) in [
        ("i32.rotl", Immediates::None),
        ("i16x8.extract_lane_s", Immediates::Lane(5)),
        ("ref.eq", Immediates::None),
        ("i64.div_s", Immediates::None),
    ] {
        let entry = lookup(name).unwrap_or_else(|| panic!("{name} in the catalog"));
        let spec = Spec { entry, imm };
        let tuples: Vec<operands::Tuple> = (0..16).map(|_| operands::tuple(&mut rng, entry, &imm)).collect();
        let wasm = spec.wasm(&tuples).unwrap();
        let mut calls = Vec::new();
        for (i, t) in tuples.iter().enumerate() {
            let k = Call { export: DISPATCHER.into(), args: vec![Val::I32(i as u32)] };
            assert_eq!(tuple_operands(&wasm, &k, entry.params.len()).as_ref(), Some(&t.args), "{name}: arm {i}");
            calls.push(Call { export: "f".into(), args: t.args.clone() });
            calls.push(k);
        }
        calls.push(Call { export: DISPATCHER.into(), args: vec![Val::I32(16)] });
        let plan = Plan { wasm, calls, observe: Default::default() };
        for engine in ["reference", "wasmtime"] {
            let obs = registry::create(engine).unwrap().run(&plan);
            for i in 0..16 {
                assert_eq!(obs.calls[2 * i + 1], obs.calls[2 * i], "{name} on {engine}: k({i}) differs from f");
                assert!(matches!(obs.calls[2 * i], CallOutcome::Returned(_) | CallOutcome::Trapped(_)), "{name}");
            }
            assert!(matches!(obs.calls[32], CallOutcome::Trapped(_)), "{name} on {engine}: k(16) {:?}", obs.calls[32]);
        }
    }
}

/// A module from before the dispatcher (one `k{i}` function per tuple,
/// taking no argument) still reads back its tuples, so old findings keep
/// their pairing.
#[test]
fn a_module_with_one_function_per_tuple_still_reads_its_tuples() {
    use crosscheck::oracles::{Call, Val};
    use crosscheck::single_inst::readback::{plan_is_consistent, tuple_operands};
    let wasm = wat::parse_str(
        r#"(module
          (func (export "f") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub)
          (func (export "k0") (result i32) i32.const 7 i32.const -1 i32.sub)
          (func (export "k1") (result i32) i32.const 3 i32.const 9 i32.sub)
          (@custom "crosscheck-single-inst" "i32.sub"))"#,
    )
    .unwrap();
    let k1 = Call { export: "k1".into(), args: vec![] };
    assert_eq!(tuple_operands(&wasm, &k1, 2), Some(vec![Val::I32(3), Val::I32(9)]));
    let f = |a: u32, b: u32| Call { export: "f".into(), args: vec![Val::I32(a), Val::I32(b)] };
    assert!(plan_is_consistent(
        &wasm,
        &[f(7, u32::MAX), Call { export: "k0".into(), args: vec![] }, f(3, 9), k1.clone()]
    ));
    assert!(!plan_is_consistent(&wasm, &[f(7, u32::MAX), k1]));
}
