//! The array instructions of `single_inst` (`src/single_inst/arrays.rs`)
//! on real engines: every instruction on every storage (and `array.copy`
//! within one array and between two), with drawn tuples, agrees call by
//! call on the reference interpreter, Wasmtime with Cranelift and Pulley;
//! what they return follows the spec where it can be told from the
//! results alone (`array.get_s` and `array.get_u` of one element differ
//! exactly in the sign extension, `array.len` is the made length, a null
//! array traps, a float keeps its NaN payload through `array.set` and
//! `array.get`); and the trap kinds the spec leaves open — a null array
//! with the other's range out of bounds in `array.copy`, both ranges out
//! of bounds in `array.init_data` — are two-way on the reference and
//! agree with what Wasmtime reports.

mod common;

use crosscheck::oracles::{CallOutcome, TrapKind, Val, registry};
use crosscheck::single_inst::catalog::{ENTRIES, Group, SplitMix, lookup};
use crosscheck::single_inst::operands::{self, Tuple};
use crosscheck::single_inst::storage::Storage;
use crosscheck::single_inst::{Immediates, Spec, case_for};

/// The outcomes of `f` for `tuples` of `name` on `storage` on `engine`.
fn outcomes(engine: &str, name: &str, storage: Storage, same: bool, tuples: &[Tuple]) -> Vec<CallOutcome> {
    let spec = Spec { entry: lookup(name).unwrap(), imm: Immediates::Array { storage, same } };
    let case = case_for(&spec, tuples).unwrap_or_else(|r| panic!("{}: {r:?}", spec.section_text()));
    let run = registry::create(engine).unwrap().run(&case.plan);
    common::outcomes_of_f(&case, &run.calls).into_iter().cloned().collect()
}

fn i32s(args: &[u32]) -> Tuple {
    Tuple { args: args.iter().map(|&x| Val::I32(x)).collect(), poke: None }
}

#[test]
fn every_array_instruction_agrees_on_reference_cranelift_and_pulley() {
    let mut g = SplitMix(17);
    let mut immediates = 0;
    for e in ENTRIES.iter().filter(|e| e.group == Group::Array) {
        for imm in e.sweep_immediates(1) {
            immediates += 1;
            let spec = Spec { entry: e, imm };
            let text = spec.section_text();
            assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{text}");
            let tuples: Vec<Tuple> = (0..48).map(|_| operands::tuple(&mut g, e, &imm)).collect();
            let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
            assert!(case.features.gc, "{text}");
            let reference = registry::create("reference").unwrap().run(&case.plan);
            let of_f = common::outcomes_of_f(&case, &reference.calls);
            // The tuples reach both sides of the bounds: some calls return,
            // some trap (but for the allocations, which only trap on a
            // segment's bounds, and `array.len`, only on null).
            let returned = of_f.iter().filter(|o| matches!(o, CallOutcome::Returned(_))).count();
            assert!(returned > 0, "{text}: no call returned");
            if !matches!(e.name, "array.new" | "array.new_default" | "array.new_fixed" | "array.len") {
                assert!(returned < of_f.len(), "{text}: no call trapped");
            }
            for engine in ["wasmtime", "pulley"] {
                let run = registry::create(engine).unwrap().run(&case.plan);
                assert_eq!(run.calls.len(), reference.calls.len(), "{text} on {engine}");
                for (i, (r, o)) in reference.calls.iter().zip(&run.calls).enumerate() {
                    let agree = match (r, o) {
                        (CallOutcome::Trapped(a), CallOutcome::Trapped(b)) => a.agrees_with(b),
                        _ => r == o,
                    };
                    assert!(agree, "{text} on {engine}, call {i} {:?}: {r} vs {o}", case.plan.calls[i]);
                }
            }
        }
    }
    // i32, i64, f32, f64 and the two references for `array.get`; i8, i16
    // for `_s`, `_u`; the six numbers for `new_data` and `init_data`;
    // those and the two references for `array.new`, `new_default`,
    // `new_fixed`, `set`, `len`, `fill` and `copy`, `array.copy` twice
    // (within one array, between two); the references alone for
    // `new_elem`, `init_elem`.
    assert_eq!(immediates, 6 + 2 * 2 + 2 * 6 + 6 * 8 + 2 * 8 + 2 * 2);
}

#[test]
fn packed_reads_differ_exactly_in_sign_extension() {
    for storage in [Storage::I8, Storage::I16] {
        let bits = 8 * storage.bytes();
        // Every element of a full array, and a null one.
        let mut tuples: Vec<Tuple> = (0..31).map(|i| i32s(&[31, 0, i])).collect();
        tuples.push(i32s(&[31, 1, 0]));
        let signed = outcomes("wasmtime", "array.get_s", storage, false, &tuples);
        let unsigned = outcomes("wasmtime", "array.get_u", storage, false, &tuples);
        let mut negative = 0;
        for (s, u) in signed.iter().zip(&unsigned).take(31) {
            let (CallOutcome::Returned(s), CallOutcome::Returned(u)) = (s, u) else { panic!("{s} {u}") };
            let (s, u) = (s[0].bits() as u32, u[0].bits() as u32);
            assert!(u < 1 << bits, "{storage:?}: get_u {u:#x} not zero-extended");
            assert_eq!(s, ((u << (32 - bits)) as i32 >> (32 - bits)) as u32, "{storage:?}: get_s of {u:#x}");
            negative += (s != u) as usize;
        }
        // The segment's bytes run through every value: both signs show.
        assert!(negative > 3 && negative < 28, "{storage:?}: {negative} of 31 negative");
        assert_eq!(signed[31], CallOutcome::Trapped(TrapKind::NullReference));
    }
}

#[test]
fn floats_keep_their_bits_through_an_array() {
    // Element 3 of an 8-element array set to each of four floats —
    // signalling and quiet NaNs with payloads, the canonical NaN, -0 —
    // reads back (in the digest) as four different arrays, as on the
    // reference; the made array's elements read alike on Pulley and the
    // reference.
    let f32s: [u64; 4] = [0x7f80_0001, 0xffbf_ffff, 0x7fc0_0000, 0x8000_0000];
    let f64s: [u64; 4] = [0x7ff0_0000_0000_0001, 0xfff7_ffff_ffff_ffff, 0x7ff8_0000_0000_0000, 1 << 63];
    for (storage, bits) in [(Storage::F32, f32s), (Storage::F64, f64s)] {
        let value = |b: u64| if storage == Storage::F32 { Val::F32(b as u32) } else { Val::F64(b) };
        let sets: Vec<Tuple> = bits
            .iter()
            .map(|&b| Tuple { args: vec![Val::I32(8), Val::I32(0), Val::I32(3), value(b)], poke: None })
            .collect();
        let digests = outcomes("wasmtime", "array.set", storage, false, &sets);
        let reference = outcomes("reference", "array.set", storage, false, &sets);
        assert_eq!(digests, reference, "{storage:?}");
        // Four payloads, four digests: no two NaNs stored alike.
        let distinct: std::collections::BTreeSet<String> = digests.iter().map(|d| d.to_string()).collect();
        assert_eq!(distinct.len(), 4, "{storage:?}: {digests:?}");
        // What the made array holds reads back as its bits too: the
        // segment's elements, on every engine alike.
        let gets: Vec<Tuple> = (0..8).map(|i| i32s(&[8, 0, i])).collect();
        let got = outcomes("pulley", "array.get", storage, false, &gets);
        assert_eq!(got, outcomes("reference", "array.get", storage, false, &gets), "{storage:?}");
    }
}

#[test]
fn array_len_is_the_made_length_and_traps_on_null() {
    let tuples: Vec<Tuple> =
        [0, 1, 17, 31, 32, 0xffff_ffe5].iter().map(|&n| i32s(&[n, 0])).chain([i32s(&[5, 1])]).collect();
    let got = outcomes("wasmtime", "array.len", Storage::I32, false, &tuples);
    let lens: Vec<CallOutcome> = [0, 1, 17, 31, 0, 5]
        .iter()
        .map(|&n| CallOutcome::Returned(vec![Val::I32(n)]))
        .chain([CallOutcome::Trapped(TrapKind::NullReference)])
        .collect();
    assert_eq!(got, lens, "lengths are masked to 0..=31 in the module");
}

#[test]
fn open_trap_kinds_are_two_way_on_the_reference_and_agree_with_wasmtime() {
    // array.copy: a one-element destination, 30 copied into it (out of
    // bounds) from a null source; and a null destination, a source range
    // out of bounds.
    let copy = [i32s(&[1, 0, 0, 25, 1, 0x8000_0000, 30]), i32s(&[3, 1, 0, 2, 0, 1, 5])];
    // array.init_data: the array's range and the segment's both out of
    // bounds; a null array and the segment's range out of bounds; the
    // array's range alone out of bounds.
    let init = [i32s(&[15, 0, 15, u32::MAX, 0x8000_0000]), i32s(&[15, 1, 0, 300, 1]), i32s(&[3, 0, 2, 0, 2])];
    let reference_copy = outcomes("reference", "array.copy", Storage::I8, false, &copy);
    let reference_init = outcomes("reference", "array.init_data", Storage::I8, false, &init);
    let trapped = |k| CallOutcome::Trapped(k);
    assert_eq!(
        reference_copy,
        [trapped(TrapKind::NullReferenceOrArrayOutOfBounds), trapped(TrapKind::NullReferenceOrArrayOutOfBounds)]
    );
    assert_eq!(
        reference_init,
        [
            trapped(TrapKind::ArrayOutOfBounds),
            trapped(TrapKind::NullReferenceOrMemoryOutOfBounds),
            trapped(TrapKind::ArrayOutOfBounds)
        ]
    );
    for (reference, got) in [
        (&reference_copy, outcomes("wasmtime", "array.copy", Storage::I8, false, &copy)),
        (&reference_init, outcomes("wasmtime", "array.init_data", Storage::I8, false, &init)),
    ] {
        for (r, w) in reference.iter().zip(&got) {
            let (CallOutcome::Trapped(r), CallOutcome::Trapped(w)) = (r, w) else { panic!("{r} vs {w}") };
            assert!(r.agrees_with(w) && w.agrees_with(r), "{r} vs {w}");
        }
    }
    // A two-way kind allows its two and nothing else.
    let either = TrapKind::NullReferenceOrArrayOutOfBounds;
    assert!(either.agrees_with(&TrapKind::NullReference) && either.agrees_with(&TrapKind::ArrayOutOfBounds));
    assert!(!either.agrees_with(&TrapKind::MemoryOutOfBounds) && !either.agrees_with(&TrapKind::CastFailure));
    assert!(!TrapKind::NullReference.agrees_with(&TrapKind::ArrayOutOfBounds));
}

/// `array.init_elem` on an array of `i31ref`s (the catalog's are of
/// function references): its trap conditions — a null
/// array, the array's range, the element segment's range — overlap like
/// `array.init_data`'s, and the reference reports the two-way kinds there
/// too; Wasmtime agrees with each, Pulley as well.
#[test]
fn array_init_elem_open_trap_kinds_agree_with_wasmtime() {
    use crosscheck::oracles::{Call, Exports, Plan};
    let wasm = wat::parse_str(
        r#"(module
          (type $t (array (mut i31ref)))
          (elem $e i31ref (item (ref.i31 (i32.const 1))) (item (ref.i31 (i32.const 2))))
          (func (export "f") (param $len i32) (param $null i32) (param $d i32) (param $s i32) (param $n i32)
            local.get $null
            if (result (ref null $t)) ref.null $t else local.get $len array.new_default $t end
            local.get $d local.get $s local.get $n
            array.init_elem $t $e))"#,
    )
    .unwrap();
    // (array length, null, index, segment offset, count) and the kind.
    let cases: [([u32; 5], TrapKind); 4] = [
        ([3, 0, 2, 1, 2], TrapKind::ArrayOutOfBounds),
        ([3, 1, 0, 1, 2], TrapKind::NullReferenceOrTableOutOfBounds),
        ([3, 0, 2, 0, 2], TrapKind::ArrayOutOfBounds),
        ([3, 0, 0, 1, 2], TrapKind::TableOutOfBounds),
    ];
    let calls = cases
        .iter()
        .map(|(a, _)| Call { export: "f".into(), args: a.iter().map(|&x| Val::I32(x)).collect() })
        .collect();
    let plan = Plan { wasm, calls, observe: Exports::default() };
    let reference = registry::create("reference").unwrap().run(&plan);
    let expected: Vec<CallOutcome> = cases.iter().map(|(_, k)| CallOutcome::Trapped(k.clone())).collect();
    assert_eq!(reference.calls, expected);
    for engine in ["wasmtime", "pulley"] {
        let run = registry::create(engine).unwrap().run(&plan);
        for (r, o) in reference.calls.iter().zip(&run.calls) {
            let (CallOutcome::Trapped(r), CallOutcome::Trapped(o)) = (r, o) else { panic!("{engine}: {r} vs {o}") };
            assert!(r.agrees_with(o), "{engine}: {r} vs {o}");
        }
    }
}

/// `$digest` of elements read as `i64`s: the length and the polynomial
/// hash `arrays::declarations` computes.
fn digest(elements: &[u64]) -> Vec<Val> {
    let h = elements.iter().fold(0u64, |h, &x| h.wrapping_mul(1_000_003).wrapping_add(x));
    vec![Val::I32(elements.len() as u32), Val::I64(h)]
}

/// An array of function or struct references made from the element
/// segment reads back as the items' constants and nulls the segment holds
/// from the offset on (computed here from `arrays::elem_item`, not by an
/// engine); `array.init_elem` writes them over a made array from the index
/// on, and `array.get` reads one, `array.set` writes the selected one; a
/// range past the segment's end traps as a table access.
#[test]
fn arrays_of_references_read_back_the_segment() {
    use crosscheck::single_inst::arrays::{ELEM_LEN, elem_item};
    use crosscheck::single_inst::storage::{ITEMS, item_constant};
    let item = |i: u32| elem_item(i).map_or(u64::MAX, |k| u64::from(item_constant(k)));
    let new: Vec<[u32; 2]> = vec![[0, 0], [0, ELEM_LEN], [3, 7], [ELEM_LEN - 1, 1], [ELEM_LEN, 0]];
    let new_expected: Vec<CallOutcome> =
        new.iter().map(|&[s, n]| CallOutcome::Returned(digest(&(s..s + n).map(item).collect::<Vec<_>>()))).collect();
    // (length, null, index, offset, count) into an array made from
    // offset 0.
    let init: Vec<[u32; 5]> = vec![[10, 0, 2, 5, 4], [31, 0, 0, 9, 31], [6, 0, 6, 0, 0], [4, 0, 1, 2, 3]];
    let init_expected: Vec<CallOutcome> = init
        .iter()
        .map(|&[len, _, d, s, n]| {
            let mut elements: Vec<u64> = (0..len).map(item).collect();
            for i in 0..n {
                elements[(d + i) as usize] = item(s + i);
            }
            CallOutcome::Returned(digest(&elements))
        })
        .collect();
    let past: Vec<[u32; 2]> = vec![[ELEM_LEN, 1], [1, ELEM_LEN], [u32::MAX, 2]];
    // (length, null, index) of an array made from offset 0.
    let get: Vec<[u32; 3]> = (0..31).map(|i| [31, 0, i]).collect();
    let get_expected: Vec<CallOutcome> =
        get.iter().map(|&[_, _, i]| CallOutcome::Returned(vec![Val::I64(item(i))])).collect();
    // (length, null, index, selector): every function, and null.
    let set: Vec<[u32; 4]> = (0..=ITEMS).map(|k| [5, 0, k % 5, k]).collect();
    let set_expected: Vec<CallOutcome> = set
        .iter()
        .map(|&[len, _, d, k]| {
            let mut elements: Vec<u64> = (0..len).map(item).collect();
            elements[d as usize] = if k < ITEMS { u64::from(item_constant(k)) } else { u64::MAX };
            CallOutcome::Returned(digest(&elements))
        })
        .collect();
    for (engine, storage) in ["reference", "wasmtime", "pulley"].into_iter().flat_map(|e| Storage::REFS.map(|s| (e, s)))
    {
        let on = format!("{engine}, {}", storage.name());
        let tuples: Vec<Tuple> = get.iter().map(|a| i32s(a)).collect();
        assert_eq!(outcomes(engine, "array.get", storage, false, &tuples), get_expected, "{on}");
        let tuples: Vec<Tuple> = set.iter().map(|a| i32s(a)).collect();
        assert_eq!(outcomes(engine, "array.set", storage, false, &tuples), set_expected, "{on}");
        let tuples: Vec<Tuple> = new.iter().map(|a| i32s(a)).collect();
        assert_eq!(outcomes(engine, "array.new_elem", storage, false, &tuples), new_expected, "{on}");
        let tuples: Vec<Tuple> = init.iter().map(|a| i32s(a)).collect();
        assert_eq!(outcomes(engine, "array.init_elem", storage, false, &tuples), init_expected, "{on}");
        let tuples: Vec<Tuple> = past.iter().map(|a| i32s(a)).collect();
        for o in outcomes(engine, "array.new_elem", storage, false, &tuples) {
            assert_eq!(o, CallOutcome::Trapped(TrapKind::TableOutOfBounds), "{on}");
        }
    }
}

/// `array.new_fixed $t 3` holds its three operands in order, on every
/// storage (a float's bits as they are).
#[test]
fn array_new_fixed_keeps_its_operands_in_order() {
    for storage in Storage::ALL {
        let bits = 8 * storage.bytes();
        let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
        let values = [0x8765_4321_fedc_ba98u64, 0x7ff4_0000_0000_0001, 0x0123_4567_7fa0_0001];
        let val = |x: u64| match storage {
            Storage::I64 => Val::I64(x),
            Storage::F32 => Val::F32(x as u32),
            Storage::F64 => Val::F64(x),
            _ => Val::I32(x as u32),
        };
        let tuple = Tuple { args: values.iter().map(|&x| val(x)).collect(), poke: None };
        let expected = vec![CallOutcome::Returned(digest(&values.map(|x| x & mask)))];
        for engine in ["reference", "wasmtime", "pulley"] {
            let got = outcomes(engine, "array.new_fixed", storage, false, std::slice::from_ref(&tuple));
            assert_eq!(got, expected, "{} on {engine}", storage.name());
        }
    }
}
