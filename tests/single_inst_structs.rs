//! The struct instructions of `single_inst` (`src/single_inst/structs.rs`)
//! on real engines: every instruction on every field it takes, with drawn
//! tuples, agrees call by call on the reference interpreter, Wasmtime with
//! Cranelift and Pulley; packed reads differ exactly in sign extension; a
//! default struct reads back as all zeros; a set changes what reads back,
//! a float field's NaN payload included.

mod common;

use crosscheck::oracles::{CallOutcome, TrapKind, Val, registry};
use crosscheck::single_inst::catalog::{ENTRIES, Group, SplitMix, lookup};
use crosscheck::single_inst::operands::{self, Tuple};
use crosscheck::single_inst::structs::FIELDS;
use crosscheck::single_inst::{Immediates, Spec, case_for};

/// The outcomes of `f` for `tuples` of `name` on `field` on `engine`.
fn outcomes(engine: &str, name: &str, field: u8, tuples: &[Tuple]) -> Vec<CallOutcome> {
    let spec = Spec { entry: lookup(name).unwrap(), imm: Immediates::Struct { field } };
    let case = case_for(&spec, tuples).unwrap_or_else(|r| panic!("{}: {r:?}", spec.section_text()));
    let run = registry::create(engine).unwrap().run(&case.plan);
    common::outcomes_of_f(&case, &run.calls).into_iter().cloned().collect()
}

fn tuple(args: Vec<Val>) -> Tuple {
    Tuple { args, poke: None }
}

#[test]
fn every_struct_instruction_agrees_on_reference_cranelift_and_pulley() {
    let mut g = SplitMix(23);
    let mut immediates = 0;
    for e in ENTRIES.iter().filter(|e| e.group == Group::Struct) {
        for imm in e.sweep_immediates(1) {
            immediates += 1;
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{text}");
            let tuples: Vec<Tuple> = (0..32).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            let reference = registry::create("reference").unwrap().run(&case.plan);
            for engine in ["wasmtime", "pulley"] {
                let run = registry::create(engine).unwrap().run(&case.plan);
                assert_eq!(run.calls, reference.calls, "{text} on {engine}");
            }
        }
    }
    // new, new_default; get on the six unpacked fields; get_s, get_u on
    // the four packed; set on all ten.
    assert_eq!(immediates, 1 + 1 + 6 + 4 + 4 + 10);
}

#[test]
fn packed_fields_read_signed_and_unsigned_and_a_default_struct_is_zero() {
    let seeds: Vec<Tuple> =
        [1u32, 0x80, 0xff, 0x8001, 0xdead_beef, 7].iter().map(|&s| tuple(vec![Val::I32(s), Val::I32(0)])).collect();
    let mut negative = 0;
    for k in (0..FIELDS.len() as u8).filter(|&k| FIELDS[k as usize].packed()) {
        let bits = 8 * FIELDS[k as usize].bytes();
        let signed = outcomes("wasmtime", "struct.get_s", k, &seeds);
        let unsigned = outcomes("wasmtime", "struct.get_u", k, &seeds);
        for (s, u) in signed.iter().zip(&unsigned) {
            let (CallOutcome::Returned(s), CallOutcome::Returned(u)) = (s, u) else { panic!("{s} {u}") };
            let (s, u) = (s[0].bits() as u32, u[0].bits() as u32);
            assert!(u < 1 << bits, "field {k}: get_u {u:#x} not zero-extended");
            assert_eq!(s, ((u << (32 - bits)) as i32 >> (32 - bits)) as u32, "field {k}: get_s of {u:#x}");
            negative += (s != u) as usize;
        }
    }
    assert!(negative > 0, "no packed field had its sign bit set");
    let null = outcomes("wasmtime", "struct.get_s", 0, &[tuple(vec![Val::I32(1), Val::I32(1)])]);
    assert_eq!(null, [CallOutcome::Trapped(TrapKind::NullReference)]);
    assert_eq!(
        outcomes("pulley", "struct.new_default", 0, &[tuple(vec![])]),
        [CallOutcome::Returned(vec![Val::I64(0)])]
    );
}

#[test]
fn a_set_shows_in_what_reads_back_unless_it_writes_what_was_there() {
    for k in 0..FIELDS.len() as u8 {
        use crosscheck::oracles::ValType;
        let value = |v: u64| match FIELDS[k as usize].value_type() {
            ValType::I64 => Val::I64(v),
            ValType::F32 => Val::F32(0x7f80_0000 | v as u32),
            ValType::F64 => Val::F64(0x7ff0_0000_0000_0000 | v),
            _ => Val::I32(v as u32),
        };
        // The same made struct, field `k` set to two different values (for
        // a float field, two NaNs that differ in their payload alone).
        let sets = [tuple(vec![Val::I32(3), Val::I32(0), value(1)]), tuple(vec![Val::I32(3), Val::I32(0), value(2)])];
        let got = outcomes("wasmtime", "struct.set", k, &sets);
        assert_ne!(got[0], got[1], "field {k}: two values set, one digest");
    }
}
