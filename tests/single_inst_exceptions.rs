//! The exception instructions of `single_inst`
//! (`src/single_inst/exceptions.rs`) on real engines: `throw`,
//! `throw_ref` and `try_table` with payloads of every type mix, thrown in
//! `f`, from a frame it calls, or from one a relay tail-calls inside a
//! `try_table` of its own (which must not take it), caught back bit for bit — NaN payloads,
//! `-0.0`, `v128` lanes — on the reference interpreter, Wasmtime with
//! Cranelift and Pulley, each against what the spec says (the payload
//! unchanged; `try_table`'s first matching clause), computed here from the
//! arguments, not by an engine.

mod common;

use crosscheck::oracles::{CallOutcome, Val, ValType, registry};
use crosscheck::single_inst::catalog::{ENTRIES, Group, SplitMix, lookup};
use crosscheck::single_inst::exceptions::{PAYLOADS, payload};
use crosscheck::single_inst::operands::{self, Tuple};
use crosscheck::single_inst::{Immediates, Spec, case_for};

/// What the spec says `f` returns for `args` (the payload, the selector):
/// the payload and path 1 — for `try_table` path 1 for `$e`, 2 for
/// `$other`, 3 and zeros for `$third`, which only `catch_all` takes.
fn expected(name: &str, p: u8, args: &[Val]) -> CallOutcome {
    let sel = args[4].bits() as u32;
    let path = match (name, sel & 6) {
        ("try_table", 0) | ("throw" | "throw_ref", _) => 1,
        ("try_table", 2) => 2,
        _ => 3,
    };
    let mut out: Vec<Val> =
        if path == 3 { payload(p).iter().map(|t| Val::default_of(*t)).collect() } else { args[..4].to_vec() };
    out.push(Val::I32(path));
    CallOutcome::Returned(out)
}

#[test]
fn every_exception_instruction_returns_its_payload_on_every_engine() {
    let mut g = SplitMix(23);
    let mut seen_paths = std::collections::BTreeSet::new();
    let mut nans = 0;
    for e in ENTRIES.iter().filter(|e| e.group == Group::Exception) {
        for imm in e.sweep_immediates(1) {
            let Immediates::Tag(p) = imm else { panic!("{}: {imm:?}", e.name) };
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{text}");
            // Every selector, then drawn tuples.
            let mut tuples: Vec<Tuple> = (0..16)
                .map(|sel| {
                    let mut t = operands::tuple(&mut g, e, &imm);
                    t.args[4] = Val::I32(sel);
                    t
                })
                .collect();
            tuples.extend((0..24).map(|_| operands::tuple(&mut g, e, &imm)));
            nans += tuples
                .iter()
                .flat_map(|t| &t.args[..4])
                .filter(|v| match v {
                    Val::F32(b) => f32::from_bits(*b).is_nan(),
                    Val::F64(b) => f64::from_bits(*b).is_nan(),
                    _ => false,
                })
                .count();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            assert!(case.features.exceptions, "{text}");
            assert_eq!(case.features.simd, payload(p).contains(&ValType::V128), "{text}");
            for engine in ["reference", "wasmtime", "pulley"] {
                let run = registry::create(engine).unwrap().run(&case.plan);
                let of_f = common::outcomes_of_f(&case, &run.calls);
                assert_eq!(of_f.len(), tuples.len(), "{text} on {engine}");
                for (t, got) in tuples.iter().zip(of_f) {
                    assert_eq!(*got, expected(e.name, p, &t.args), "{text} on {engine}: {:?}", t.args);
                    if let CallOutcome::Returned(v) = got {
                        seen_paths.insert((e.name, v[4].bits() as u32));
                    }
                }
            }
        }
    }
    let want = [("throw", 1), ("throw_ref", 1), ("try_table", 1), ("try_table", 2), ("try_table", 3)];
    assert_eq!(seen_paths, want.into_iter().collect());
    assert!(nans > 0, "no NaN payload drawn");
}

/// The planted `throw-ref-loses-last-value` changes exactly what
/// `throw_ref` rethrows: the payload's last value comes back zero, on
/// every payload and path; `throw` and `try_table` are untouched.
#[test]
fn throw_ref_losing_its_last_value_changes_only_throw_ref() {
    let mut g = SplitMix(29);
    for e in ENTRIES.iter().filter(|e| e.group == Group::Exception) {
        for imm in e.sweep_immediates(1) {
            let Immediates::Tag(p) = imm else { panic!("{}: {imm:?}", e.name) };
            let spec = Spec { entry: e, imm };
            let tuples: Vec<Tuple> = (0..16)
                .map(|sel| {
                    let mut t = operands::tuple(&mut g, e, &imm);
                    t.args[4] = Val::I32(sel);
                    t
                })
                .collect();
            let case = case_for(&spec, &tuples).unwrap();
            let mut faulty = crosscheck::engines::create_default("wasmtime+throw-ref-loses-last-value").unwrap();
            let run = faulty.run(&case.plan);
            for (t, got) in tuples.iter().zip(common::outcomes_of_f(&case, &run.calls)) {
                let mut want = expected(e.name, p, &t.args);
                if e.name == "throw_ref" {
                    let CallOutcome::Returned(v) = &mut want else { unreachable!() };
                    v[3] = Val::default_of(payload(p)[3]);
                }
                assert_eq!(*got, want, "{} on the planted fault: {:?}", spec.section_text(), t.args);
            }
        }
    }
}

#[test]
fn each_payload_is_swept_on_each_instruction() {
    for name in ["throw", "throw_ref", "try_table"] {
        let imms = lookup(name).unwrap().sweep_immediates(1);
        assert_eq!(imms.len(), PAYLOADS.len(), "{name}");
    }
}
