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
    // `struct.get` on the eight unpacked fields (the references among
    // them), `_s` and `_u` on the four packed ones, `struct.set` on all
    // twelve.
    assert_eq!(immediates, 1 + 1 + 8 + 4 + 4 + 12);
}

#[test]
fn packed_fields_read_signed_and_unsigned_and_a_default_struct_is_zeros_and_nulls() {
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
    // A default struct: zero numbers, null references (read as all ones).
    let default = FIELDS
        .iter()
        .map(|f| if f.is_ref() { u64::MAX } else { 0 })
        .fold(0u64, |h, x| h.wrapping_mul(1_000_003).wrapping_add(x));
    assert_eq!(
        outcomes("pulley", "struct.new_default", 0, &[tuple(vec![])]),
        [CallOutcome::Returned(vec![Val::I64(default)])]
    );
}

#[test]
fn a_set_shows_in_what_reads_back_unless_it_writes_what_was_there() {
    for k in 0..FIELDS.len() as u8 {
        use crosscheck::oracles::ValType;
        let value = |v: u64| match FIELDS[k as usize].param_type() {
            ValType::I64 => Val::I64(v),
            ValType::F32 => Val::F32(0x7f80_0000 | v as u32),
            ValType::F64 => Val::F64(0x7ff0_0000_0000_0000 | v),
            _ => Val::I32(v as u32),
        };
        // The same made struct, field `k` set to two different values (for
        // a float field, two NaNs that differ in their payload alone; for a
        // reference, items 1 and 2).
        let sets = [tuple(vec![Val::I32(3), Val::I32(0), value(1)]), tuple(vec![Val::I32(3), Val::I32(0), value(2)])];
        let got = outcomes("wasmtime", "struct.set", k, &sets);
        assert_ne!(got[0], got[1], "field {k}: two values set, one digest");
    }
}

/// A made struct's reference fields hold the item the seed selects (seed
/// × 3 for the struct field, × 5 for the function field, modulo
/// `ITEMS + 1`, the last null), read back as its constant (computed here
/// from `storage::item_constant`); `struct.set` of a selector stores that
/// item, and a field of a null struct traps.
#[test]
fn reference_fields_hold_the_selected_items() {
    use crosscheck::single_inst::storage::{ITEMS, item_constant};
    let read = |sel: u32| if sel < ITEMS { u64::from(item_constant(sel)) } else { u64::MAX };
    for (k, multiplier) in [(10u8, 3u32), (11, 5)] {
        assert!(FIELDS[k as usize].is_ref());
        let seeds: Vec<u32> = (0..2 * (ITEMS + 1)).collect();
        let tuples: Vec<Tuple> = seeds.iter().map(|&s| tuple(vec![Val::I32(s), Val::I32(0)])).collect();
        let expected: Vec<CallOutcome> = seeds
            .iter()
            .map(|&s| CallOutcome::Returned(vec![Val::I64(read(s.wrapping_mul(multiplier) % (ITEMS + 1)))]))
            .collect();
        for engine in ["reference", "wasmtime", "pulley"] {
            assert_eq!(outcomes(engine, "struct.get", k, &tuples), expected, "field {k} on {engine}");
            let null = outcomes(engine, "struct.get", k, &[tuple(vec![Val::I32(1), Val::I32(1)])]);
            assert_eq!(null, [CallOutcome::Trapped(TrapKind::NullReference)], "field {k} on {engine}");
        }
        // Every item and null set into the same struct: all digests differ.
        let sets: Vec<Tuple> = (0..=ITEMS).map(|sel| tuple(vec![Val::I32(2), Val::I32(0), Val::I32(sel)])).collect();
        let got = outcomes("wasmtime", "struct.set", k, &sets);
        assert_eq!(got, outcomes("reference", "struct.set", k, &sets), "field {k}");
        let distinct: std::collections::BTreeSet<String> = got.iter().map(|o| format!("{o:?}")).collect();
        assert_eq!(distinct.len(), sets.len(), "field {k}: {got:?}");
    }
}
