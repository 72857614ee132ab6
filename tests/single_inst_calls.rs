//! `select` on every value type, and `call` and `return_call` with many
//! arguments of mixed types (`src/single_inst/calls.rs`), on real
//! engines: each returns what the spec says, computed here from the
//! arguments — `select` the first value where the condition is not zero,
//! bit for bit (NaN payloads, `v128` lanes); a call the callee's arguments
//! rotated by one — on the reference interpreter, Wasmtime (Cranelift,
//! Pulley, and Winch but for `return_call`) and wasmi. The planted faults
//! of each are caught through the fuzz target (tests/single_inst_faults.rs)
//! and the sweep (tests/sweep.rs).

mod common;

use crosscheck::oracles::{CallOutcome, Engine, Val, registry};
use crosscheck::single_inst::calls::{ArgShape, SELECT_TYPES, select_type};
use crosscheck::single_inst::catalog::{ENTRIES, Group, Imm, SplitMix, lookup};
use crosscheck::single_inst::operands::{self, Tuple};
use crosscheck::single_inst::{Immediates, Spec, case_for};

const ENGINES: [&str; 5] = ["reference", "wasmtime", "pulley", "winch", "wasmi"];

/// `f`'s outcomes for `tuples` on `engine`; `None` where the engine lacks
/// a proposal of the Case.
fn outcomes(engine: &str, spec: &Spec, tuples: &[Tuple]) -> Option<Vec<CallOutcome>> {
    outcomes_on(registry::create(engine).unwrap(), spec, tuples)
}

/// `f`'s outcomes for `tuples` on the engine `e`.
fn outcomes_on(mut e: Box<dyn Engine>, spec: &Spec, tuples: &[Tuple]) -> Option<Vec<CallOutcome>> {
    let case = case_for(spec, tuples).unwrap_or_else(|r| panic!("{}: {r:?}", spec.section_text()));
    if !case.features.missing_from(&e.features()).is_empty() {
        return None;
    }
    let run = e.run(&case.plan);
    Some(common::outcomes_of_f(&case, &run.calls).into_iter().cloned().collect())
}

/// The arguments `$callee` gets for tuple `t` of `f`'s parameters.
fn passed(shape: ArgShape, t: &Tuple) -> Vec<Val> {
    shape.args().into_iter().map(|i| t.args[i]).collect()
}

/// What the spec says `f` returns when `$callee` got `args`: them,
/// rotated by one.
fn returned(mut args: Vec<Val>) -> CallOutcome {
    args.rotate_left(1);
    CallOutcome::Returned(args)
}

#[test]
fn select_picks_its_first_value_exactly_where_the_condition_is_not_zero() {
    let e = lookup("select").unwrap();
    let mut g = SplitMix(31);
    let mut conditions = std::collections::BTreeSet::new();
    for imm in e.sweep_immediates(1) {
        let Immediates::Select { ty, .. } = imm else { panic!("{imm:?}") };
        let spec = Spec { entry: e, imm };
        assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{}", spec.section_text());
        let tuples: Vec<Tuple> = (0..64).map(|_| operands::tuple(&mut g, e, &imm)).collect();
        let expected: Vec<CallOutcome> = tuples
            .iter()
            .map(|t| {
                conditions.insert(t.args[2].bits() as u32);
                CallOutcome::Returned(vec![if t.args[2].bits() as u32 != 0 { t.args[0] } else { t.args[1] }])
            })
            .collect();
        for engine in ENGINES {
            let got = outcomes(engine, &spec, &tuples).unwrap_or_else(|| panic!("{engine} lacks select"));
            assert_eq!(got, expected, "{} ({:?}) on {engine}", spec.section_text(), select_type(ty));
        }
    }
    // Conditions at zero, one, the sign bit alone and all ones were drawn.
    for c in [0, 1, 0x8000_0000, u32::MAX] {
        assert!(conditions.contains(&c), "condition {c:#x} never drawn");
    }
    assert_eq!(e.sweep_immediates(1).len(), 2 * SELECT_TYPES.len());
}

#[test]
fn calls_pass_every_argument_to_its_place() {
    let mut g = SplitMix(37);
    for name in ["call", "return_call"] {
        let e = lookup(name).unwrap();
        for shape in ArgShape::ALL {
            let spec = Spec { entry: e, imm: Immediates::Callee(shape) };
            let text = spec.section_text();
            assert_eq!(Spec::of_module(&spec.wasm(&[]).unwrap()), Some(spec), "{text}");
            assert_eq!(spec.results(), shape.results(), "{text}");
            let tuples: Vec<Tuple> = (0..16).map(|_| operands::tuple(&mut g, e, &spec.imm)).collect();
            let expected: Vec<CallOutcome> = tuples.iter().map(|t| returned(passed(shape, t))).collect();
            let mut ran = 0;
            for engine in ENGINES {
                if let Some(got) = outcomes(engine, &spec, &tuples) {
                    assert_eq!(got, expected, "{text} on {engine}");
                    ran += 1;
                }
            }
            // Winch has no tail calls; every other engine runs both.
            assert_eq!(ran, if name == "return_call" { 4 } else { 5 }, "{text}");
        }
    }
}

/// The planted `call-stack-arg-repeated` changes exactly the `call` with
/// more arguments than registers (the doubled shape, 24): its last `f32`
/// argument arrives as the `f32` before it. The other shapes and
/// `return_call` are untouched.
#[test]
fn call_stack_arg_repeated_changes_only_the_call_of_many_arguments() {
    let mut g = SplitMix(41);
    for name in ["call", "return_call"] {
        let e = lookup(name).unwrap();
        for shape in ArgShape::ALL {
            let spec = Spec { entry: e, imm: Immediates::Callee(shape) };
            let tuples: Vec<Tuple> = (0..16).map(|_| operands::tuple(&mut g, e, &spec.imm)).collect();
            let aimed = name == "call" && shape == ArgShape::Doubled;
            let expected: Vec<CallOutcome> = tuples
                .iter()
                .map(|t| {
                    let mut args = passed(shape, t);
                    if aimed {
                        // Argument 23 is `f32` parameter 11; the `f32`
                        // before it, argument 19, is parameter 7.
                        assert_eq!(shape.args()[23], 11);
                        assert_eq!(shape.args()[19], 7);
                        args[23] = args[19];
                    }
                    returned(args)
                })
                .collect();
            let faulty = crosscheck::engines::create_default("wasmtime+call-stack-arg-repeated").unwrap();
            let got = outcomes_on(faulty, &spec, &tuples).unwrap();
            assert_eq!(got, expected, "{} on the planted fault", spec.section_text());
        }
    }
}

#[test]
fn catalog_has_select_call_and_return_call() {
    let names = |g: Group| ENTRIES.iter().filter(|e| e.group == g).map(|e| e.name).collect::<Vec<_>>();
    assert_eq!(names(Group::Parametric), ["select"]);
    assert_eq!(names(Group::Call), ["call", "return_call"]);
    assert_eq!(lookup("select").unwrap().imm, Imm::Select);
    assert!(lookup("return_call").unwrap().features().tail_call && !lookup("call").unwrap().features().tail_call);
}
