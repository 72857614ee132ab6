//! `memory.copy 0 1` in `single_inst`: a copy from a second memory, for
//! every pair of address types. The module reads back as the spec it was
//! built for; the length is an `i64` only where both memories are 64-bit;
//! the reference, Wasmtime and wasmi agree call by call and on both
//! memories; copies complete and trap out of bounds; and the bytes `poke`
//! wrote into the source memory are what `peek` reads from the
//! destination after a copy (not the destination's own bytes); an engine
//! copying within the destination is caught through the fuzz target (and
//! the sweep: tests/sweep.rs).

use crosscheck::oracles::{CallOutcome, Observation, TrapKind, Val, ValType, registry};
use crosscheck::selftest::{Fault, run_fault, single_inst_options};
use crosscheck::single_inst::catalog::{Immediates, SplitMix, lookup};
use crosscheck::single_inst::{Spec, case_for, operands};

fn run(engine: &str, case: &crosscheck::case::Case) -> Observation {
    registry::create(engine).unwrap_or_else(|e| panic!("{engine}: {e}")).run(&case.plan)
}

/// The sweep's copies between two memories: every pair of address types.
fn pairs() -> Vec<Immediates> {
    let e = lookup("memory.copy").unwrap();
    e.sweep_immediates(1).into_iter().filter(|i| i.source_memory().is_some()).collect()
}

#[test]
fn the_sweep_copies_between_every_pair_of_address_types() {
    let kinds: std::collections::BTreeSet<(bool, bool)> =
        pairs().iter().map(|i| (i.memory64(), i.source_memory().unwrap().memory64)).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

#[test]
fn copies_between_two_memories_agree_complete_and_trap_on_every_pair() {
    let e = lookup("memory.copy").unwrap();
    let mut g = SplitMix(0xc0b1);
    for imm in pairs() {
        let spec = Spec { entry: e, imm };
        let text = spec.section_text();
        let (dst64, src64) = (imm.memory64(), imm.source_memory().unwrap().memory64);
        let of = |is64: bool| if is64 { ValType::I64 } else { ValType::I32 };
        assert_eq!(spec.params(), vec![of(dst64), of(src64), of(dst64 && src64)], "{text}");
        let tuples: Vec<operands::Tuple> = (0..200).map(|_| operands::tuple(&mut g, e, &imm)).collect();
        let case = case_for(&spec, &tuples).unwrap_or_else(|r| panic!("{text}: {r:?}"));
        assert!(case.features.multi_memory, "{text}");
        assert_eq!(Spec::of_module(&case.plan.wasm), Some(spec), "{text} reads back");
        let reference = run("reference", &case);
        for engine in ["wasmtime", "wasmi"] {
            let other = run(engine, &case);
            assert_eq!(other.calls, reference.calls, "{text} on {engine}");
            assert_eq!(other.state, reference.state, "{text} on {engine}");
        }
        assert_eq!(reference.state.memories.len(), 2, "{text}: both memories observed");
        let f: Vec<&CallOutcome> =
            case.plan.calls.iter().zip(&reference.calls).filter(|(c, _)| c.export == "f").map(|(_, o)| o).collect();
        assert!(f.iter().any(|o| matches!(o, CallOutcome::Returned(_))), "{text}: never completed");
        assert!(f.contains(&&CallOutcome::Trapped(TrapKind::MemoryOutOfBounds)), "{text}: never out of bounds");
    }
}

/// 16 bytes poked at 200 in the source memory, copied to 100 in the
/// destination: `peek(100)` reads them. An engine copying within the
/// destination (its bytes at 200 are zero) would read zeros.
#[test]
fn a_copy_moves_the_source_memorys_bytes() {
    let e = lookup("memory.copy").unwrap();
    let bytes = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128 | 1 << 127;
    for imm in pairs() {
        let spec = Spec { entry: e, imm };
        let (dst64, src64) = (imm.memory64(), imm.source_memory().unwrap().memory64);
        let at = |x: u64, is64: bool| if is64 { Val::I64(x) } else { Val::I32(x as u32) };
        let tuple = operands::Tuple {
            args: vec![at(100, dst64), at(200, src64), at(16, dst64 && src64)],
            poke: Some((200, bytes)),
        };
        let case = case_for(&spec, std::slice::from_ref(&tuple)).unwrap();
        let peek = case.plan.calls.iter().position(|c| c.export == "peek").unwrap();
        assert_eq!(case.plan.calls[peek].args, vec![at(100, dst64)], "{}", spec.section_text());
        for engine in ["reference", "wasmtime", "wasmi"] {
            let obs = run(engine, &case);
            assert_eq!(
                obs.calls[peek],
                CallOutcome::Returned(vec![Val::I64(bytes as u64), Val::I64((bytes >> 64) as u64)]),
                "{} on {engine}",
                spec.section_text()
            );
        }
    }
}

/// `memory.copy 0 1` copying within memory 0: caught through the fuzz
/// target within the budget the selftest gives it (4 × 3,000 inputs).
#[test]
fn a_copy_from_the_wrong_memory_is_caught_by_the_fuzz_target() {
    let opts = single_inst_options(Fault::MemoryCopyWrongSource.budget(3000), 1);
    let r = run_fault(Fault::MemoryCopyWrongSource, &opts).expect("selftest runs");
    let n = r.detected_after.unwrap_or_else(|| panic!("not detected in {} inputs", opts.budget));
    println!("memory-copy-wrong-source: detected by single_inst after {n} inputs");
}
