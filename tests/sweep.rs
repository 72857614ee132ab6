//! `crosscheck sweep`: a small sweep of the whole catalog over every
//! engine and CPU profile passes (no false positives), the per-instruction
//! planted faults fail exactly their cell, the reports list every
//! instruction for every column, and the CLI's exit codes.

use crosscheck::single_inst::catalog::ENTRIES;
use crosscheck::sweep::{Cell, SweepOptions, render, run};
use std::process::{Command, Output};

fn crosscheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosscheck")).args(args).output().expect("binary runs")
}

#[test]
fn small_sweep_of_the_whole_catalog_passes_on_every_engine() {
    let opts = SweepOptions { samples: 24, ..SweepOptions::new() };
    let m = run(&opts, |_, _, _| {}).unwrap();
    assert_eq!(m.rows.len(), ENTRIES.len());
    // wasmtime per host profile (at least baseline and the host's own),
    // winch, pulley, wasmi.
    assert!(m.columns.len() >= 5, "columns: {}", m.columns.len());
    let mut failures = Vec::new();
    for r in &m.rows {
        assert_eq!(r.cells.len(), m.columns.len());
        for (i, c) in r.cells.iter().enumerate() {
            match c {
                Cell::Fail(f) => failures.push(format!("{} on {}: {f:?}", r.entry.name, m.columns[i].label)),
                Cell::Inconclusive(why) => {
                    failures.push(format!("{} on {} inconclusive: {why}", r.entry.name, m.columns[i].label))
                }
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every column judged something; relaxed SIMD is unsupported only
    // where the engine says so (Winch).
    for (i, col) in m.columns.iter().enumerate() {
        assert!(col.checks > 0, "{} judged nothing", col.label);
        let passed = m.rows.iter().filter(|r| matches!(r.cells[i], Cell::Pass { .. })).count();
        assert!(passed >= 380, "{}: only {passed} instructions passed", col.label);
    }
    let json = render::render(&m, render::Format::Json);
    assert_eq!(json.matches("\"name\": ").count(), ENTRIES.len());
    assert_eq!(json.matches("\"status\": ").count(), ENTRIES.len() * m.columns.len());
}

/// Every report names the machine that ran it and the CPU features
/// engines' results have been seen to depend on (detected here on their
/// own).
#[test]
fn every_report_names_the_host_and_its_cpu_features() {
    let opts = SweepOptions {
        engines: vec!["wasmtime".into()],
        profiles: vec!["sse2".into()],
        samples: 4,
        seed: 1,
        only: vec!["i32.add".into()],
    };
    let m = run(&opts, |_, _, _| {}).unwrap();
    assert!(m.host.starts_with(std::env::consts::ARCH), "{}", m.host);
    #[cfg(target_arch = "x86_64")]
    {
        let listed = |f: &str| m.host.split_whitespace().any(|w| w == f);
        assert_eq!(listed("avx2"), std::arch::is_x86_feature_detected!("avx2"), "{}", m.host);
        assert_eq!(listed("avxvnni"), std::arch::is_x86_feature_detected!("avxvnni"), "{}", m.host);
        assert_eq!(listed("avx512vnni"), std::arch::is_x86_feature_detected!("avx512vnni"), "{}", m.host);
    }
    for format in [render::Format::Text, render::Format::Markdown, render::Format::Json, render::Format::Html] {
        let report = render::render(&m, format);
        assert!(report.contains(&m.host), "{format:?}: {report}");
    }
}

/// A sweep of a few instructions with `fault` planted in Wasmtime: exactly
/// `target`'s cell fails.
fn caught_by_sweep(fault: &str, target: &str) {
    let only: Vec<String> = [target, "i16x8.add", "f32x4.abs", "i8x16.swizzle", "i32x4.relaxed_trunc_f32x4_u"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let opts = SweepOptions {
        engines: vec![format!("wasmtime+{fault}"), "wasmtime".into()],
        profiles: vec!["sse2".into(), "avx2".into()],
        samples: 300,
        seed: 3,
        only,
    };
    let m = run(&opts, |_, _, _| {}).unwrap();
    for r in &m.rows {
        for (i, c) in r.cells.iter().enumerate() {
            let faulty = m.columns[i].label.contains(fault);
            let expect_fail = faulty && r.entry.name == target;
            assert_eq!(matches!(c, Cell::Fail(_)), expect_fail, "{} on {}: {c:?}", r.entry.name, m.columns[i].label);
        }
    }
}

#[test]
fn sweep_catches_a_wrong_q15mulr_lane() {
    caught_by_sweep("q15mulr-lane", "i16x8.q15mulr_sat_s");
}

#[test]
fn sweep_catches_a_shuffle_index_off_by_one() {
    caught_by_sweep("shuffle-index", "i8x16.shuffle");
}

#[test]
fn sweep_catches_a_nan_sign_flip_in_f32x4_neg() {
    caught_by_sweep("f32x4-neg-nan-sign", "f32x4.neg");
}

#[test]
fn sweep_catches_a_relaxed_choice_changing_mid_run() {
    caught_by_sweep("relaxed-choice-flip", "i32x4.relaxed_trunc_f32x4_u");
}

#[test]
fn sweep_catches_i31_get_s_read_unsigned() {
    caught_by_sweep("i31-get-s-unsigned", "i31.get_s");
}

/// The planted miscompiles of 64-bit memories and atomics: the sweep tries
/// every memory instruction on a 64-bit memory too.
#[test]
fn sweep_catches_a_memory64_offset_that_wraps() {
    caught_by_sweep("memory64-offset-wraps", "i64.load8_u");
}

#[test]
fn sweep_catches_a_memory64_address_cut_to_32_bits() {
    caught_by_sweep("memory64-index-truncated", "f64.load");
}

#[test]
fn sweep_catches_a_narrow_atomic_that_sign_extends() {
    caught_by_sweep("atomic-narrow-sign-extends", "i32.atomic.rmw16.xchg_u");
}

/// A 64-bit table's index cut to 32 bits: the sweep tries every table
/// instruction on a 64-bit table too.
#[test]
fn sweep_catches_a_table64_index_cut_to_32_bits() {
    caught_by_sweep("table64-index-truncated", "table.get");
    caught_by_sweep("table64-index-truncated", "call_indirect");
}

/// A 64-bit memory's `memory.grow` cutting its delta to 32 bits: the
/// sweep grows every kind of memory by deltas that must fail.
#[test]
fn sweep_catches_a_memory64_grow_delta_cut_to_32_bits() {
    caught_by_sweep("memory64-grow-truncated", "memory.grow");
}

/// `memory.copy 0 1` and `table.copy $tab $src` copying within their
/// destination: the sweep copies between two memories and two tables of
/// every pair of address types.
#[test]
fn sweep_catches_a_copy_from_the_wrong_memory_or_table() {
    caught_by_sweep("memory-copy-wrong-source", "memory.copy");
    caught_by_sweep("table-copy-wrong-source", "table.copy");
}

/// `ref.cast` to a nullable type taken as one to a non-nullable type: the
/// sweep casts null operands to both.
#[test]
fn sweep_catches_a_nullable_cast_taken_as_non_null() {
    caught_by_sweep("ref-cast-nullable-as-non-null", "ref.cast");
}

/// Casts to a type of a rec group of two checked as to the type that reads
/// alike in a group of its own; and casts to a defined type checked as to
/// its abstract kind (a GC fault of `differential`): the sweep's objects
/// of each defined type tell both.
#[test]
fn sweep_catches_casts_blind_to_rec_groups_and_too_lenient() {
    caught_by_sweep("cast-rec-group-blind", "ref.test");
    caught_by_sweep("cast-too-lenient", "ref.cast");
}

/// A `try_table` trying its `catch_all` before its `catch` clauses: the
/// sweep throws tags each clause takes.
#[test]
fn sweep_catches_catch_all_tried_first() {
    caught_by_sweep("catch-all-first", "try_table");
}

/// A `return_call` inside a `try_table` that keeps the caller's handler:
/// the sweep's relays tail-call their throwers from inside one.
#[test]
fn sweep_catches_a_return_call_keeping_its_callers_handler() {
    caught_by_sweep("return-call-keeps-handler", "throw");
}

/// `br_on_null` and `br_on_non_null` taking an i31 of 0 for null: the
/// sweep's i31 operands include 0.
#[test]
fn sweep_catches_br_on_null_taking_i31_zero_for_null() {
    caught_by_sweep("br-on-null-i31-zero", "br_on_null");
    caught_by_sweep("br-on-non-null-i31-zero", "br_on_non_null");
}

/// A `call` of many arguments repeating one on the stack, and a
/// `throw_ref` losing the last value of its payload: the sweep's callees
/// return every argument, its catches the whole payload.
#[test]
fn sweep_catches_call_and_throw_ref_faults() {
    caught_by_sweep("call-stack-arg-repeated", "call");
    caught_by_sweep("throw-ref-loses-last-value", "throw_ref");
}

/// A `select` testing the low byte of its condition, and a tail call
/// swapping two arguments of one type: the sweep's conditions include the
/// sign bit alone, its callees return every argument.
#[test]
fn sweep_catches_select_and_return_call_faults() {
    caught_by_sweep("select-low-byte-condition", "select");
    caught_by_sweep("return-call-swaps-args", "return_call");
}

/// A reference stored into an array or a struct stored as null: the
/// sweep's arrays and structs of references read every element and field
/// back.
#[test]
fn sweep_catches_gc_reference_stores_of_null() {
    caught_by_sweep("gc-ref-store-null", "array.fill");
    caught_by_sweep("gc-ref-store-null", "struct.set");
}

/// Casts to a final type checked as to the type that differs in finality
/// alone (`$sf` as `$s0`, `$ff` as `$f0`): the sweep's `br_on_cast_fail`
/// cell shows it.
#[test]
fn sweep_catches_casts_blind_to_finality() {
    caught_by_sweep("cast-finality-blind", "br_on_cast_fail");
}

/// An `array.copy` within one array copying front to back, an
/// `array.get_s` read unsigned and an `array.len` one too many (the last
/// two GC faults of `differential`): the sweep's arrays show each.
#[test]
fn sweep_catches_array_faults() {
    caught_by_sweep("array-copy-overlap-forward", "array.copy");
    caught_by_sweep("struct-get-s-unsigned", "array.get_s");
    caught_by_sweep("array-len-off-by-one", "array.len");
}

/// `array.new_fixed` taking its operands in reverse, and the element
/// segment's instructions reading it from its first item: the sweep reads
/// back every element they place.
#[test]
fn sweep_catches_array_new_fixed_and_element_segment_faults() {
    caught_by_sweep("array-new-fixed-reversed", "array.new_fixed");
    caught_by_sweep("elem-segment-offset-ignored", "array.new_elem");
    caught_by_sweep("elem-segment-offset-ignored", "array.init_elem");
}

/// A `struct.set` of another field of the same type, and a `struct.get_s`
/// read unsigned: the sweep's structs read back every field.
#[test]
fn sweep_catches_struct_faults() {
    caught_by_sweep("struct-set-wrong-field", "struct.set");
    caught_by_sweep("struct-get-s-unsigned", "struct.get_s");
}

/// A float stored into an array or a struct with its NaN made canonical:
/// the sweep stores NaNs with payloads into `f32` and `f64` elements and
/// fields and reads their bits back.
#[test]
fn sweep_catches_gc_stores_canonicalizing_nans() {
    caught_by_sweep("gc-store-canonicalizes-nan", "array.set");
    caught_by_sweep("gc-store-canonicalizes-nan", "struct.set");
}

/// `br_on_cast` and `br_on_cast_fail` to a nullable type taken as to the
/// non-nullable one: the sweep branches on null operands to both.
#[test]
fn sweep_catches_a_nullable_branch_on_cast_taken_as_non_null() {
    caught_by_sweep("br-on-cast-nullable-as-non-null", "br_on_cast");
    caught_by_sweep("br-on-cast-nullable-as-non-null", "br_on_cast_fail");
}

/// `table.fill` of `externref`s storing null: the sweep fills tables of
/// `externref`s as well as of `funcref`s.
#[test]
fn sweep_catches_an_externref_fill_storing_null() {
    caught_by_sweep("externref-table-fill-null", "table.fill");
}

/// `call_indirect` accepting a sibling subtype: the sweep calls through
/// `$sibling` on every kind of table.
#[test]
fn sweep_catches_call_indirect_accepting_a_sibling_subtype() {
    caught_by_sweep("call-indirect-sibling-accepted", "call_indirect");
}

/// Every reference instruction, swept on the reference interpreter itself
/// (judged by the spec's model) and Wasmtime: every cell passes, wasmi
/// (no GC) sits each one out as unsupported.
#[test]
fn reference_instructions_sweep_clean_on_reference_and_wasmtime() {
    use crosscheck::single_inst::catalog::Group;
    let only: Vec<String> =
        ENTRIES.iter().filter(|e| e.group == Group::Reference).map(|e| e.name.to_string()).collect();
    assert_eq!(only.len(), 14);
    let opts = SweepOptions {
        engines: vec!["reference".into(), "wasmtime".into(), "pulley".into(), "wasmi".into()],
        profiles: vec!["sse2".into()],
        samples: 400,
        seed: 7,
        only,
    };
    let m = run(&opts, |_, _, _| {}).unwrap();
    assert_eq!(m.rows.len(), 14);
    for r in &m.rows {
        for (i, c) in r.cells.iter().enumerate() {
            let label = &m.columns[i].label;
            if label == "wasmi" {
                assert!(matches!(c, Cell::Unsupported(_)), "{} on wasmi: {c:?}", r.entry.name);
            } else {
                assert!(matches!(c, Cell::Pass { checks, .. } if *checks >= 400), "{} on {label}: {c:?}", r.entry.name);
            }
        }
    }
}

#[test]
fn cli_exit_codes_and_formats() {
    let ok = crosscheck(&[
        "sweep",
        "--engines",
        "wasmi,pulley",
        "--only",
        "i32.add,i8x16.shuffle",
        "--samples",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let json = String::from_utf8_lossy(&ok.stdout);
    assert!(
        json.contains("\"name\": \"i8x16.shuffle\"") && json.contains("\"pulley\": {\"status\": \"pass\""),
        "{json}"
    );

    let fail = crosscheck(&[
        "sweep",
        "--engines",
        "wasmtime+q15mulr-lane",
        "--profiles",
        "avx2",
        "--only",
        "i16x8.q15mulr_sat_s",
        "--samples",
        "50",
    ]);
    assert_eq!(fail.status.code(), Some(1));
    let text = String::from_utf8_lossy(&fail.stdout);
    assert!(text.contains("FAIL i16x8.q15mulr_sat_s") && text.contains("expected:"), "{text}");

    let html = std::env::temp_dir().join(format!("crosscheck-sweep-{}.html", std::process::id()));
    let h = crosscheck(&[
        "sweep",
        "--engines",
        "wasmi",
        "--only",
        "f32x4.neg",
        "--samples",
        "10",
        "--format",
        "html",
        "--out",
        html.to_str().unwrap(),
    ]);
    assert_eq!(h.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).unwrap();
    let _ = std::fs::remove_file(&html);
    assert!(
        page.starts_with("<!doctype html>")
            && page.contains("f32x4.neg")
            && !page.contains("src=")
            && !page.contains("<link")
    );

    for bad in [
        vec!["sweep", "--profiles", "pentium"],
        vec!["sweep", "--only", "i32.frobnicate"],
        vec!["sweep", "--format", "xml"],
        vec!["sweep", "--engines", "nosuch"],
    ] {
        let o = crosscheck(&bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim().lines().count(), 1, "one-line error for {bad:?}: {err}");
    }
}
