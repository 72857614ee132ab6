//! The per-instruction planted faults caught through the `single_inst`
//! fuzz target (a wrong `i16x8.q15mulr_sat_s` lane, a shuffle index off by
//! one, a NaN sign flip in `f32x4.neg`, a relaxed choice changing mid-run,
//! `i31.get_s` read unsigned, a `ref.cast` to a nullable type taken as one
//! to the non-nullable type, casts blind to rec groups, a `br_on_cast` to a
//! nullable type taken as one to the non-nullable type, an `array.copy`
//! within one array copying front to back, a `struct.set` of the wrong
//! field, a float stored into an array or struct with its NaN made
//! canonical) and the planted miscompiles of 64-bit
//! memories and atomics through it; a relaxed choice changing mid-run
//! reported as such by the sweep; every per-instruction fault with a test.
//! The table faults are in `tests/single_inst_tables.rs`.

use crosscheck::selftest::{Fault, run_fault, single_inst_options};

fn caught(fault: Fault) {
    let opts = single_inst_options(fault.budget(4000), 1);
    let r = run_fault(fault, &opts).expect("selftest runs");
    let n = r.detected_after.unwrap_or_else(|| panic!("{} not detected in {} inputs", fault.name(), opts.budget));
    println!("{}: detected by single_inst after {n} inputs", fault.name());
}

#[test]
fn q15mulr_wrong_lane_is_caught_by_the_fuzz_target() {
    caught(Fault::Q15mulrLane);
}

#[test]
fn shuffle_index_off_by_one_is_caught_by_the_fuzz_target() {
    caught(Fault::ShuffleIndex);
}

#[test]
fn f32x4_neg_nan_sign_is_caught_by_the_fuzz_target() {
    caught(Fault::F32x4NegNanSign);
}

#[test]
fn relaxed_choice_changing_mid_run_is_caught_by_the_fuzz_target() {
    caught(Fault::RelaxedChoiceFlip);
}

#[test]
fn i31_get_s_read_unsigned_is_caught_by_the_fuzz_target() {
    caught(Fault::I31GetSUnsigned);
}

#[test]
fn ref_cast_nullable_as_non_null_is_caught_by_the_fuzz_target() {
    caught(Fault::RefCastNullableAsNonNull);
}

#[test]
fn cast_blind_to_rec_groups_is_caught_by_the_fuzz_target() {
    caught(Fault::CastRecGroupBlind);
}

#[test]
fn br_on_cast_nullable_as_non_null_is_caught_by_the_fuzz_target() {
    caught(Fault::BrOnCastNullableAsNonNull);
}

#[test]
fn array_copy_overlapping_forward_is_caught_by_the_fuzz_target() {
    caught(Fault::ArrayCopyOverlapForward);
}

#[test]
fn struct_set_of_the_wrong_field_is_caught_by_the_fuzz_target() {
    caught(Fault::StructSetWrongField);
}

#[test]
fn cast_finality_blind_is_caught_by_the_fuzz_target() {
    caught(Fault::CastFinalityBlind);
}

#[test]
fn array_new_fixed_reversed_is_caught_by_the_fuzz_target() {
    caught(Fault::ArrayNewFixedReversed);
}

#[test]
fn elem_segment_offset_ignored_is_caught_by_the_fuzz_target() {
    caught(Fault::ElemSegmentOffsetIgnored);
}

#[test]
fn gc_ref_store_null_is_caught_by_the_fuzz_target() {
    caught(Fault::GcRefStoreNull);
}

#[test]
fn catch_all_first_is_caught_by_the_fuzz_target() {
    caught(Fault::CatchAllFirst);
}

#[test]
fn return_call_keeping_its_callers_handler_is_caught_by_the_fuzz_target() {
    caught(Fault::ReturnCallKeepsHandler);
}

#[test]
fn select_on_the_low_byte_is_caught_by_the_fuzz_target() {
    caught(Fault::SelectLowByteCondition);
}

#[test]
fn return_call_swapping_arguments_is_caught_by_the_fuzz_target() {
    caught(Fault::ReturnCallSwapsArgs);
}

#[test]
fn br_on_null_taking_i31_zero_for_null_is_caught_by_the_fuzz_target() {
    caught(Fault::BrOnNullI31Zero);
}

#[test]
fn br_on_non_null_taking_i31_zero_for_null_is_caught_by_the_fuzz_target() {
    caught(Fault::BrOnNonNullI31Zero);
}

#[test]
fn call_repeating_a_stack_argument_is_caught_by_the_fuzz_target() {
    caught(Fault::CallStackArgRepeated);
}

#[test]
fn throw_ref_losing_its_last_value_is_caught_by_the_fuzz_target() {
    caught(Fault::ThrowRefLosesLastValue);
}

#[test]
fn gc_store_canonicalizing_nans_is_caught_by_the_fuzz_target() {
    caught(Fault::GcStoreCanonicalizesNan);
}

/// The planted miscompiles of 64-bit memories and atomics, caught by the
/// target since it has both.
#[test]
fn memory64_offset_wrapping_is_caught_by_the_fuzz_target() {
    caught(Fault::Offset64Wraps);
}

#[test]
fn memory64_index_truncated_is_caught_by_the_fuzz_target() {
    caught(Fault::Index64Truncated);
}

#[test]
fn narrow_atomic_sign_extending_is_caught_by_the_fuzz_target() {
    caught(Fault::AtomicNarrowSignExtends);
}

#[test]
fn relaxed_choice_flip_is_a_choice_violation_not_a_disallowed_value() {
    // Each result of the flipping engine is allowed on its own: only the
    // one-choice-per-engine rule catches it.
    let entry = crosscheck::single_inst::catalog::lookup("i32x4.relaxed_laneselect").unwrap();
    let opts = crosscheck::sweep::SweepOptions {
        engines: vec!["wasmtime+relaxed-choice-flip".into()],
        profiles: vec!["avx2".into()],
        samples: 200,
        seed: 1,
        only: vec![entry.name.into()],
    };
    let m = crosscheck::sweep::run(&opts, |_, _, _| {}).unwrap();
    match &m.rows[0].cells[0] {
        crosscheck::sweep::Cell::Fail(f) => assert_eq!(f.class, "relaxed-choice-changed"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn every_per_instruction_fault_has_a_test() {
    let tested = [
        Fault::Q15mulrLane,
        Fault::ShuffleIndex,
        Fault::F32x4NegNanSign,
        Fault::RelaxedChoiceFlip,
        Fault::I31GetSUnsigned,
        // tests/single_inst_tables.rs, tests/sweep.rs
        Fault::CallIndirectSiblingAccepted,
        // tests/single_inst_copies.rs, tests/sweep.rs
        Fault::MemoryCopyWrongSource,
        Fault::TableCopyWrongSource,
        // tests/single_inst_extern_tables.rs, tests/sweep.rs
        Fault::ExternrefTableFillNull,
        Fault::RefCastNullableAsNonNull,
        // here and tests/sweep.rs
        Fault::CastRecGroupBlind,
        Fault::CastFinalityBlind,
        Fault::BrOnCastNullableAsNonNull,
        Fault::ArrayCopyOverlapForward,
        Fault::StructSetWrongField,
        Fault::GcStoreCanonicalizesNan,
        Fault::ArrayNewFixedReversed,
        Fault::ElemSegmentOffsetIgnored,
        Fault::GcRefStoreNull,
        Fault::CatchAllFirst,
        Fault::ReturnCallKeepsHandler,
        Fault::SelectLowByteCondition,
        Fault::ReturnCallSwapsArgs,
        Fault::BrOnNullI31Zero,
        // here, tests/single_inst_casts.rs and tests/sweep.rs
        Fault::BrOnNonNullI31Zero,
        // here, tests/single_inst_calls.rs and tests/sweep.rs
        Fault::CallStackArgRepeated,
        // here, tests/single_inst_exceptions.rs and tests/sweep.rs
        Fault::ThrowRefLosesLastValue,
    ];
    for f in Fault::SINGLE_INST {
        assert!(tested.contains(f), "{} has no single_inst test", f.name());
        assert_eq!(Fault::from_name(f.name()), Some(*f));
    }
}
