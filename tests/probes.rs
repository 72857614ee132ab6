//! Probe exports (`crosscheck::probes`): a module passing structs, arrays,
//! `i31`s and exceptions across its exports is observed through numbers —
//! checked here on hand-written modules against values computed from the
//! module's own constants, on every engine with GC, and on wasm-smith's
//! Wasm 3.0 modules, whose augmented form must validate.
#![cfg(feature = "wasmtime")]

use arbitrary::Unstructured;
use crosscheck::case::{Case, Determinism};
use crosscheck::probes;
use crosscheck_oracles::{CallOutcome, Engine, Features, Val, registry};

const GC: &str = r#"(module
  (rec (type $grouped (func (param i32) (result i32))) (type $box (struct (field i32))))
  (type $point (struct (field i8) (field (mut f32)) (field i64) (field anyref)))
  (type $shorts (array (mut i16)))
  (tag $oops (param i32 f64))
  (tag $bare)
  (global $g (export "g") (mut anyref) (ref.i31 (i32.const -5)))
  (global (export "n") i32 (i32.const 4))
  (func (export "point") (result (ref $point))
    (struct.new $point (i32.const 200) (f32.const -0.5) (i64.const 7) (ref.i31 (i32.const 1))))
  (func (export "shorts") (param i32) (result (ref null $shorts))
    (if (result (ref null $shorts)) (i32.lt_s (local.get 0) (i32.const 0))
      (then (ref.null $shorts))
      (else (array.new $shorts (i32.const -1) (local.get 0)))))
  (func (export "throws") (param i32) (result i32)
    (if (local.get 0) (then (throw $oops (i32.const 3) (f64.const 1.5))))
    (i32.const 9))
  (func (export "takes") (param anyref i32) (result i32)
    (i32.add (local.get 1) (ref.is_null (local.get 0))))
  (func (export "nonnull") (param (ref any)))
  (func (export "grouped") (type $grouped) (i32.mul (local.get 0) (i32.const 3)))
)"#;

const WASM3: Features = Features { custom_page_sizes: false, ..Features::ALL };
const DET: Determinism = Determinism { canonicalize_nans: false, relaxed_simd: true };

fn case(wat: &str, plan: &[u8]) -> Case {
    let wasm = wat::parse_str(wat).unwrap();
    Case::from_wasm(wasm, &mut Unstructured::new(plan), WASM3, DET).unwrap()
}

/// The value of slot `name` of a wrapped export's results.
fn slot(case: &Case, export: &str, results: &[Val], name: &str) -> Val {
    let legend = probes::legend(&case.plan.wasm);
    let (_, names) = legend.iter().find(|(e, _)| e == export).unwrap_or_else(|| panic!("{export} has no legend"));
    assert_eq!(names.len(), results.len(), "{export}: one name per result");
    let i = names.iter().position(|n| n == name).unwrap_or_else(|| panic!("{export}: no slot {name:?} in {names:?}"));
    results[i]
}

fn call(engine: &mut dyn Engine, case: &Case, export: &str, args: &[Val]) -> Vec<Val> {
    let name = engine.name().to_string();
    let mut instance = engine.instantiate(&case.plan.wasm).unwrap_or_else(|e| panic!("{name}: {e}"));
    match instance.call(export, args) {
        CallOutcome::Returned(v) => v,
        other => panic!("{name}: {export}: {other}"),
    }
}

/// How many operators of the module's function bodies `pick` matches.
fn count_operators(wasm: &[u8], pick: impl Fn(&wasmparser::Operator) -> bool) -> usize {
    let mut n = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            let mut ops = body.get_operators_reader().unwrap();
            while !ops.eof() {
                n += usize::from(pick(&ops.read().unwrap()));
            }
        }
    }
    n
}

#[test]
fn the_augmented_module_validates_and_keeps_uncallable_exports_alone() {
    let c = case(GC, &[]);
    WASM3.validate(&c.plan.wasm).expect("augmented module validates");
    let names: Vec<&str> = c.info.funcs.iter().map(|f| f.name.as_str()).collect();
    // Every export with a numeric signature (and getters for the anyref
    // global), none with a non-nullable reference parameter.
    assert_eq!(names, ["g", "point", "shorts", "throws", "takes", "grouped"]);
    assert!(!names.contains(&"nonnull"));
    assert_eq!(c.info.observe.globals, ["n"], "the anyref global is observed through its getter");
    // Augmenting again changes nothing (a saved case.wasm replays as it was).
    let again = Case::from_wasm(c.plan.wasm.clone(), &mut Unstructured::new(&[]), WASM3, DET).unwrap();
    assert_eq!(again.plan.wasm, c.plan.wasm);
}

/// What every engine with GC and exceptions must see, from the module's
/// own constants.
#[test]
fn probes_show_fields_types_and_exceptions_on_every_gc_engine() {
    let c = case(GC, &[]);
    let mut engines: Vec<Box<dyn Engine>> = vec![
        registry::create_default("reference").unwrap(),
        registry::create_default("wasmtime").unwrap(),
        registry::create_default("pulley").unwrap(),
    ];
    match registry::create_default("v8") {
        Ok(v8) if v8.features().gc && v8.features().exceptions => engines.push(v8),
        Ok(_) | Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI: V8 with GC and exceptions is required (scripts/install-node.sh)")
        }
        _ => println!("v8 left out: no V8 with GC and exceptions"),
    }
    for engine in &mut engines {
        let e = engine.as_mut();
        let name = e.name().to_string();
        let point = call(e, &c, "point", &[]);
        let s = |n: &str| slot(&c, "point", &point, n);
        assert_eq!(s("result 0 non-null"), Val::I32(1), "{name}");
        assert_eq!(s("result 0 $2.0"), Val::I32(200), "{name}: i8 field read zero-extended");
        assert_eq!(s("result 0 $2.1"), Val::F32((-0.5f32).to_bits()), "{name}");
        assert_eq!(s("result 0 $2.2"), Val::I64(7), "{name}");
        assert_eq!(s("result 0 $2.3"), Val::I32(1), "{name}: anyref field non-null");
        assert_eq!(s("result 0 array.len"), Val::I32(0), "{name}");
        assert_eq!(s("thrown: 0 none, k+1 tag k"), Val::I32(0), "{name}");
        let bits = s("result 0 ref.test bits [i31 struct array eq $1 $2 $3]");
        assert_eq!(bits, Val::I32(0b010_1010), "{name}: a struct, eq, $point, not $box or $shorts");

        let shorts = call(e, &c, "shorts", &[Val::I32(3)]);
        let s = |n: &str| slot(&c, "shorts", &shorts, n);
        assert_eq!(s("result 0 array.len"), Val::I32(3), "{name}");
        assert_eq!(s("result 0 $3[1]"), Val::I32(0xffff), "{name}: i16 element zero-extended");
        assert_eq!(s("result 0 $3[1] signed"), Val::I32(-1i32 as u32), "{name}: i16 element sign-extended");
        assert_eq!(s("result 0 $2.0"), Val::I32(0), "{name}: not a $point");
        let one = call(e, &c, "shorts", &[Val::I32(1)]);
        let s = |n: &str| slot(&c, "shorts", &one, n);
        assert_eq!(s("result 0 $3[0]"), Val::I32(0xffff), "{name}");
        assert_eq!(s("result 0 $3[1]"), Val::I32(0), "{name}: past the end of a one-element array");
        let null = call(e, &c, "shorts", &[Val::I32(u32::MAX)]);
        let s = |n: &str| slot(&c, "shorts", &null, n);
        assert_eq!(s("result 0 non-null"), Val::I32(0), "{name}: a null array");
        assert_eq!(s("result 0 $3[0]"), Val::I32(0), "{name}: no element of a null array");

        let thrown = call(e, &c, "throws", &[Val::I32(1)]);
        let s = |n: &str| slot(&c, "throws", &thrown, n);
        assert_eq!(s("thrown: 0 none, k+1 tag k"), Val::I32(1), "{name}: tag 0 escaped");
        assert_eq!(s("tag 0 payload 0"), Val::I32(3), "{name}");
        assert_eq!(s("tag 0 payload 1"), Val::F64(1.5f64.to_bits()), "{name}");
        let quiet = call(e, &c, "throws", &[Val::I32(0)]);
        assert_eq!(slot(&c, "throws", &quiet, "result 0"), Val::I32(9), "{name}");

        let g = call(e, &c, "g", &[]);
        assert_eq!(slot(&c, "g", &g, "global i31.get_s"), Val::I32(-5i32 as u32), "{name}");
        let takes = call(e, &c, "takes", &[Val::I32(41)]);
        assert_eq!(slot(&c, "takes", &takes, "result 0"), Val::I32(42), "{name}: null passed for anyref");
        let grouped = call(e, &c, "grouped", &[Val::I32(5)]);
        assert_eq!(slot(&c, "grouped", &grouped, "result 0"), Val::I32(15), "{name}: a type of a rec group");
    }
}

#[test]
fn a_module_without_functions_gets_its_sections() {
    let c = case(r#"(module (global (export "a") anyref (ref.i31 (i32.const 3))) (memory (export "m") 1))"#, &[]);
    WASM3.validate(&c.plan.wasm).expect("augmented module validates");
    assert_eq!(c.info.funcs.len(), 1);
    let mut reference = registry::create_default("reference").unwrap();
    let got = call(reference.as_mut(), &c, "a", &[]);
    assert_eq!(slot(&c, "a", &got, "global i31.get_s"), Val::I32(3));
}

#[test]
fn modules_without_gc_or_exceptions_are_left_as_they_are() {
    let wat = r#"(module (func (export "f") (param i32) (result i32 funcref externref) (local.get 0) (ref.null func) (ref.null extern)))"#;
    let wasm = wat::parse_str(wat).unwrap();
    assert_eq!(probes::augment(&wasm).unwrap(), None);
}

/// wasm-smith's Wasm 3.0 modules, as the `wasm3` swarm profile makes them:
/// every augmented module validates, and some are augmented at all.
#[test]
fn every_augmented_wasm_smith_module_validates() {
    let mut augmented = 0;
    let mut made = 0;
    for seed in 0..300u64 {
        let bytes: Vec<u8> = (0..4096u64)
            .map(|i| (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(i.wrapping_mul(0x2545_f491)) >> 29) as u8)
            .collect();
        let Ok((c, _)) = Case::smith(&bytes, WASM3, DET) else { continue };
        made += 1;
        if !probes::legend(&c.plan.wasm).is_empty() {
            augmented += 1;
            WASM3.validate(&c.plan.wasm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        }
    }
    println!("{made} modules, {augmented} augmented");
    assert!(made > 250, "{made}");
    assert!(augmented > 20, "only {augmented} of {made} modules were augmented");
}

/// A GC heap that runs out is exhaustion (inconclusive), not a divergence:
/// the null collector never frees, the reference has a heap limit of its
/// own, and a collecting engine finishes the same call.
#[test]
fn a_full_gc_heap_is_exhaustion() {
    let wat = r#"(module
      (type $big (array (mut i64)))
      (func (export "alloc") (param $n i32) (result i32)
        (local $last (ref null $big))
        (loop $l
          (local.set $last (array.new_default $big (i32.const 1000000)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br_if $l (local.get $n)))
        (array.len (local.get $last))))"#;
    let c = case(wat, &[]);
    let outcome = |spec: &str| {
        let mut e = crosscheck::engines::create_default(spec).unwrap();
        let mut instance = e.instantiate(&c.plan.wasm).unwrap();
        instance.call("alloc", &[Val::I32(2000)])
    };
    for spec in ["wasmtime[collector=null]", "reference"] {
        assert!(matches!(outcome(spec), CallOutcome::Exhausted(_)), "{spec}: {}", outcome(spec));
    }
    let drc = outcome("wasmtime[collector=drc]");
    let CallOutcome::Returned(vals) = drc else { panic!("drc: {drc}") };
    assert_eq!(vals, [Val::I32(1_000_000)]);

    // One array past the GC heap's fixed reservation (256 MiB) is out of
    // memory at once on every collector, not gigabytes committed.
    let huge = case(
        r#"(module (type $b (array (mut i8)))
             (func (export "huge") (result i32) (array.len (array.new_default $b (i32.const 0x60000000)))))"#,
        &[],
    );
    for spec in ["wasmtime[collector=drc]", "wasmtime[collector=null]", "pulley", "reference"] {
        let mut e = crosscheck::engines::create_default(spec).unwrap();
        let got = e.instantiate(&huge.plan.wasm).unwrap().call("huge", &[]);
        assert!(matches!(got, CallOutcome::Exhausted(_)), "{spec}: {got}");
    }
}

/// A divergence inside a probe wrapper's results is reported by slot name:
/// an engine reading `struct.get_s` as `struct.get_u` (a planted fault)
/// differs at the signed read of the `i8` field holding 200.
#[test]
fn the_report_names_the_probe_numbers_that_differ() {
    let mut c = case(GC, &[]);
    c.plan.calls = vec![crosscheck_oracles::Call { export: "point".into(), args: vec![] }];
    let mut engines = crosscheck::engines::EngineSet::defaults(&[
        "reference".to_string(),
        "wasmtime+struct-get-s-unsigned".to_string(),
    ])
    .unwrap();
    let checked = crosscheck::target::check_case("test".into(), c, &mut engines, std::time::Duration::ZERO);
    assert!(matches!(checked.verdict, crosscheck::judge::Verdict::Diverge(_)), "{:?}", checked.verdict);
    let report = crosscheck::report::render(&checked);
    assert!(report.contains("probe of call #0 (export \"point\")"), "{report}");
    let line = report.lines().find(|l| l.contains("result 0 $2.0 signed:")).unwrap_or_else(|| panic!("{report}"));
    assert!(line.contains("reference=i32:-56") && line.contains("=i32:200"), "{line}");
    assert!(!report.contains("result 0 $2.1:"), "an agreeing slot is listed:\n{report}");
}

/// The probe's field and element reads share one `ref.test` and one
/// `ref.cast` per type, and still read each field and element as the
/// module's constants say (zero for a value of another type).
#[test]
fn the_probe_tests_and_casts_each_type_once_for_its_fields() {
    // A struct of four packed fields (eight reads: zero- and sign-extended)
    // and an array of a packed type (two elements, four reads).
    let wat = r#"(module
      (type $s (struct (field i8) (field i8) (field i16) (field (mut i16))))
      (type $a (array (mut i8)))
      (func (export "s") (result anyref) (struct.new $s (i32.const -1) (i32.const 2) (i32.const -3) (i32.const 4)))
      (func (export "a") (result anyref) (array.new $a (i32.const 200) (i32.const 2))))"#;
    let c = case(wat, &[]);
    WASM3.validate(&c.plan.wasm).expect("augmented module validates");
    let tests = count_operators(&c.plan.wasm, |op| matches!(op, wasmparser::Operator::RefTestNonNull { .. }));
    let casts = count_operators(&c.plan.wasm, |op| matches!(op, wasmparser::Operator::RefCastNonNull { .. }));
    // The dynamic-type bits (i31 struct array eq $0 $1), then a test and a
    // cast each for `i31.get_s`, `array.len`, $s's fields, $a's elements.
    assert_eq!((tests, casts), (6 + 4, 4), "one test and one cast per type, not per read");
    let mut reference = registry::create_default("reference").unwrap();
    let got = call(reference.as_mut(), &c, "s", &[]);
    let s = |n: &str| slot(&c, "s", &got, n);
    assert_eq!((s("result 0 $0.0"), s("result 0 $0.0 signed")), (Val::I32(255), Val::I32(-1i32 as u32)));
    assert_eq!((s("result 0 $0.2"), s("result 0 $0.2 signed")), (Val::I32(0xfffd), Val::I32(-3i32 as u32)));
    assert_eq!(s("result 0 $0.3"), Val::I32(4));
    assert_eq!(s("result 0 $1[1]"), Val::I32(0), "not an array");
    let got = call(reference.as_mut(), &c, "a", &[]);
    let s = |n: &str| slot(&c, "a", &got, n);
    assert_eq!((s("result 0 $1[1]"), s("result 0 $1[1] signed")), (Val::I32(200), Val::I32(-56i32 as u32)));
    assert_eq!(s("result 0 $0.3"), Val::I32(0), "not a struct");
}

/// Each hierarchy's probe is one function every wrapper calls: the probe
/// code does not grow with the exports and tag payloads that need it.
#[test]
fn probe_code_is_shared_by_every_wrapper() {
    let module = |exports: usize| {
        let funcs: String = (0..exports)
            .map(|i| format!(r#"(func (export "f{i}") (result anyref) (struct.new $s (i32.const {i})))"#))
            .collect();
        format!(
            r#"(module (type $s (struct (field i32))) (tag (param anyref)) (tag (param anyref eqref))
                 (func (param anyref eqref) (throw 0 (local.get 0)) (throw 1 (local.get 0) (local.get 1))) {funcs})"#
        )
    };
    let ref_tests = |wasm: &[u8]| count_operators(wasm, |op| matches!(op, wasmparser::Operator::RefTestNonNull { .. }));
    let (two, eight) = (case(&module(2), &[]), case(&module(8), &[]));
    for c in [&two, &eight] {
        WASM3.validate(&c.plan.wasm).expect("augmented module validates");
    }
    assert!(ref_tests(&two.plan.wasm) > 0);
    assert_eq!(ref_tests(&two.plan.wasm), ref_tests(&eight.plan.wasm), "probe code repeated per wrapper");
    // One probe function (any) and a wrapper per export.
    assert_eq!(probes::wrapper_count(&eight.plan.wasm), 1 + 8);
    // Every wrapper still reads all three references: its result and both tags' payloads.
    let legend = probes::legend(&eight.plan.wasm);
    let (_, slots) = legend.iter().find(|(e, _)| e == "f5").unwrap();
    for prefix in ["result 0 ", "tag 0 payload 0 ", "tag 1 payload 0 ", "tag 1 payload 1 "] {
        assert!(slots.iter().any(|s| s == &format!("{prefix}non-null")), "{prefix}: {slots:?}");
    }
    let mut reference = registry::create_default("reference").unwrap();
    let got = call(reference.as_mut(), &eight, "f5", &[]);
    assert_eq!(slot(&eight, "f5", &got, "result 0 $0.0"), Val::I32(5));
}

/// A tag no `throw` names cannot reach an export: it gets no handler and
/// no slots, so a module observes the same with or without such a tag
/// (crosscheck's own mutations add one: `mutate::rewrites`); a thrown tag
/// is caught and observed.
#[test]
fn only_thrown_tags_are_observed() {
    let module = |tags: &str, body: &str| {
        format!(r#"(module {tags} (func (export "f") (param i32) (result i32) {body} (local.get 0)))"#)
    };
    let slots = |wat: &str| {
        let c = case(wat, &[]);
        WASM3.validate(&c.plan.wasm).expect("augmented module validates");
        probes::legend(&c.plan.wasm)
    };
    // No tag thrown: no wrapper at all, as without tags.
    assert!(slots(&module("(tag (param i64))", "")).is_empty());
    assert_eq!(slots(&module("(tag (param i64))", "")), slots(&module("", "")));
    // Tag 1 thrown, tag 0 not: tag 1's payload only.
    let thrown = module("(tag (param i64)) (tag (param f32))", "(if (local.get 0) (then (throw 1 (f32.const 1.5))))");
    let legend = slots(&thrown);
    let (_, f) = legend.iter().find(|(e, _)| e == "f").expect("a wrapper of f");
    assert!(f.iter().any(|s| s.starts_with("tag 1 payload 0")), "{f:?}");
    assert!(!f.iter().any(|s| s.starts_with("tag 0 ")), "{f:?}");
    let c = case(&thrown, &[]);
    let mut reference = registry::create_default("reference").unwrap();
    let got = call(reference.as_mut(), &c, "f", &[Val::I32(1)]);
    assert_eq!(slot(&c, "f", &got, "thrown: 0 none, k+1 tag k"), Val::I32(2), "tag 1 caught");
    assert_eq!(slot(&c, "f", &got, "tag 1 payload 0"), Val::F32(1.5f32.to_bits()));
}
