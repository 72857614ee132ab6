//! The judge on hand-made observations: every rule, and that each kind of
//! difference is caught while open bits are not.

use crosscheck::case::{Case, Determinism};
use crosscheck::judge::{EngineRun, InconclusiveReason, PairOutcome, Verdict, judge};
use crosscheck::module_info::ModuleInfo;
use crosscheck_oracles::*;

fn case(calls: usize, globals: &[&str], memories: &[&str], tables: &[&str]) -> Case {
    let names = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
    let plan = Plan {
        wasm: Vec::new(),
        calls: (0..calls).map(|i| Call { export: format!("f{i}"), args: vec![] }).collect(),
        observe: Exports { globals: names(globals), memories: names(memories), tables: names(tables) },
    };
    Case { plan, info: ModuleInfo::default(), features: Features::WASM2, determinism: Determinism::PAIRWISE }
}

fn obs(calls: Vec<CallOutcome>) -> Observation {
    Observation::new(Ok(()), calls, State::default(), None)
}

fn run(engine: &str, observation: Observation) -> EngineRun {
    EngineRun { engine: engine.into(), version: "test".into(), config: "test".into(), observation }
}

fn ret(v: Val) -> CallOutcome {
    CallOutcome::Returned(vec![v])
}

fn verdict(c: &Case, runs: Vec<EngineRun>) -> Verdict {
    judge(c, &runs).0
}

fn class(v: &Verdict) -> String {
    match v {
        Verdict::Diverge(d) => d.differences[0].class.clone(),
        other => panic!("expected a divergence, got {other:?}"),
    }
}

#[test]
fn identical_observations_agree() {
    let c = case(2, &[], &[], &[]);
    let o = obs(vec![ret(Val::I32(7)), CallOutcome::Trapped(TrapKind::Unreachable)]);
    assert_eq!(verdict(&c, vec![run("a", o.clone()), run("b", o)]), Verdict::Agree);
}

#[test]
fn scalar_floats_compare_as_bits() {
    let c = case(1, &[], &[], &[]);
    let pos = obs(vec![ret(Val::F64(0))]);
    let neg = obs(vec![ret(Val::F64(1 << 63))]);
    let v = verdict(&c, vec![run("a", pos.clone()), run("b", neg)]);
    assert_eq!(class(&v), "result:f64");
    // Two different NaN payloads are different bits too.
    let n1 = obs(vec![ret(Val::F32(0x7fc0_0000))]);
    let n2 = obs(vec![ret(Val::F32(0x7fc0_0001))]);
    assert_eq!(class(&verdict(&c, vec![run("a", n1), run("b", n2)])), "result:f32");
}

#[test]
fn open_bits_in_the_baseline_mask_are_not_compared() {
    let c = case(1, &[], &[], &[]);
    let mut base = obs(vec![ret(Val::F32(0x7fc0_0000))]);
    // Sign and payload open, quiet bit and exponent determined.
    base.masks = Some(Masks { results: vec![vec![0x803f_ffff]], ..Default::default() });
    let other_payload = obs(vec![ret(Val::F32(0xffc1_2345))]);
    assert_eq!(verdict(&c, vec![run("ref", base.clone()), run("b", other_payload)]), Verdict::Agree);
    // A signalling NaN flips a determined bit (the quiet bit).
    let signalling = obs(vec![ret(Val::F32(0x7f80_0001))]);
    assert_eq!(class(&verdict(&c, vec![run("ref", base), run("b", signalling)])), "result:f32");
}

#[test]
fn value_types_must_match_even_with_equal_bits() {
    let c = case(1, &[], &[], &[]);
    let v = verdict(&c, vec![run("a", obs(vec![ret(Val::I32(1))])), run("b", obs(vec![ret(Val::F32(1))]))]);
    assert_eq!(class(&v), "result:i32");
}

#[test]
fn v128_lanes_are_compared_in_full() {
    let c = case(1, &[], &[], &[]);
    let a = obs(vec![ret(Val::V128(1 << 127))]);
    let b = obs(vec![ret(Val::V128(0))]);
    assert_eq!(class(&verdict(&c, vec![run("a", a), run("b", b)])), "result:v128");
}

#[test]
fn traps_compare_by_kind_and_against_values() {
    let c = case(1, &[], &[], &[]);
    let t = |k| obs(vec![CallOutcome::Trapped(k)]);
    let v = verdict(&c, vec![run("a", t(TrapKind::Unreachable)), run("b", t(TrapKind::MemoryOutOfBounds))]);
    assert_eq!(class(&v), "trap-kind:unreachable/memory-oob");
    let v = verdict(&c, vec![run("a", t(TrapKind::IntegerDivideByZero)), run("b", obs(vec![ret(Val::I32(0))]))]);
    assert_eq!(class(&v), "missing-trap:div-by-zero");
    let v = verdict(&c, vec![run("a", obs(vec![ret(Val::I32(0))])), run("b", t(TrapKind::IntegerOverflow))]);
    assert_eq!(class(&v), "extra-trap:int-overflow");
}

#[test]
fn exhaustion_is_inconclusive_for_that_pair_only() {
    let c = case(2, &[], &[], &[]);
    let good = obs(vec![ret(Val::I32(1)), ret(Val::I32(2))]);
    let exhausted = obs(vec![ret(Val::I32(1)), CallOutcome::Exhausted("stack".into())]);
    let (v, pairs) = judge(&c, &[run("a", good.clone()), run("b", exhausted.clone())]);
    assert!(matches!(v, Verdict::Inconclusive(InconclusiveReason::Exhaustion { ref engine, .. }) if engine == "b"));
    assert!(matches!(pairs[0], PairOutcome::Inconclusive(_)));
    // With a third engine that agrees, the Case is judged: it agrees.
    let (v, pairs) = judge(&c, &[run("a", good.clone()), run("b", exhausted), run("c", good)]);
    assert_eq!(v, Verdict::Agree);
    assert_eq!(pairs[1], PairOutcome::Agree);
}

#[test]
fn a_difference_before_exhaustion_still_diverges() {
    let c = case(2, &[], &[], &[]);
    let a = obs(vec![ret(Val::I32(1)), ret(Val::I32(2))]);
    let b = obs(vec![ret(Val::I32(9)), CallOutcome::Exhausted("stack".into())]);
    assert_eq!(class(&verdict(&c, vec![run("a", a), run("b", b)])), "result:i32");
}

/// An observation that refused a grow at each of `steps`.
fn refusing(o: Observation, steps: &[Step]) -> Observation {
    Observation { refused_grows: steps.to_vec(), ..o }
}

fn grow_refused_by(v: &Verdict) -> &str {
    match v {
        Verdict::Inconclusive(InconclusiveReason::GrowRefused { engine, .. }) => engine,
        other => panic!("expected grow-refused, got {other:?}"),
    }
}

#[test]
fn a_grow_one_engine_refused_makes_what_follows_inconclusive() {
    let c = case(3, &[], &["m"], &[]);
    let calls = |x: u32| vec![ret(Val::I32(1)), ret(Val::I32(x)), ret(Val::I32(3))];
    let performed = obs(calls(1));
    let refused = refusing(obs(calls(u32::MAX)), &[Step::Call(1)]);
    // The engine refused the grow of call #1 (-1) where the baseline grew.
    let (v, pairs) = judge(&c, &[run("ref", performed.clone()), run("b", refused.clone())]);
    assert_eq!(grow_refused_by(&v), "b");
    assert_eq!(
        InconclusiveReason::GrowRefused { engine: "b".into(), detail: String::new() }.category(),
        "grow-refused"
    );
    assert!(matches!(pairs[0], PairOutcome::Inconclusive(_)));
    // The baseline refused it, the engine grew.
    assert_eq!(grow_refused_by(&verdict(&c, vec![run("ref", refused.clone()), run("b", performed.clone())])), "ref");
    // A difference in the final state follows every step.
    let memory =
        |pages: usize| State { memories: vec![Some(MemoryState::new(vec![0; pages * 65536]))], ..State::default() };
    let grew = Observation::new(Ok(()), calls(1), memory(2), None);
    let small = refusing(Observation::new(Ok(()), calls(1), memory(1), None), &[Step::Call(2)]);
    assert_eq!(grow_refused_by(&verdict(&c, vec![run("ref", grew), run("b", small)])), "b");
    // A start function's refusal covers the calls too.
    let at_start = refusing(obs(calls(7)), &[Step::Instantiation]);
    assert_eq!(grow_refused_by(&verdict(&c, vec![run("ref", performed.clone()), run("b", at_start)])), "b");
    // A third engine that agrees gets the Case judged.
    assert_eq!(
        verdict(&c, vec![run("ref", performed.clone()), run("b", refused), run("c", performed)]),
        Verdict::Agree
    );
}

#[test]
fn a_refused_grow_hides_no_difference_before_it_or_after_the_same_refusal() {
    let c = case(3, &[], &[], &[]);
    let calls = |x: u32, y: u32| vec![ret(Val::I32(x)), ret(Val::I32(1)), ret(Val::I32(y))];
    // A difference at call #0, before the refusal of call #1: a divergence.
    let a = obs(calls(0, 3));
    let b = refusing(obs(calls(9, 3)), &[Step::Call(1)]);
    assert_eq!(class(&verdict(&c, vec![run("ref", a), run("b", b)])), "result:i32");
    // Both refused the same grow: they took the same path, and a later
    // difference is one.
    let a = refusing(obs(calls(0, 3)), &[Step::Call(1)]);
    let b = refusing(obs(calls(0, 4)), &[Step::Call(1)]);
    assert_eq!(class(&verdict(&c, vec![run("ref", a.clone()), run("b", b)])), "result:i32");
    // Past a shared refusal, the first refusal of one engine alone is
    // where the runs part.
    let b = refusing(obs(calls(0, 4)), &[Step::Call(1), Step::Call(2)]);
    assert_eq!(grow_refused_by(&verdict(&c, vec![run("ref", a.clone()), run("b", b)])), "b");
    let b = refusing(obs(calls(0, 4)), &[Step::Call(1), Step::Call(1)]);
    assert_eq!(grow_refused_by(&verdict(&c, vec![run("ref", a.clone()), run("b", b)])), "b");
    // A refusal with no difference at all: the runs agree.
    let b = refusing(obs(calls(0, 3)), &[Step::Call(0), Step::Call(1)]);
    assert_eq!(verdict(&c, vec![run("ref", a), run("b", b)]), Verdict::Agree);
}

#[test]
fn instantiation_outcomes() {
    let c = case(0, &[], &[], &[]);
    let fail = |e| Observation::failed(e);
    let v =
        verdict(&c, vec![run("a", fail(InstantiateError::Trapped(TrapKind::TableOutOfBounds))), run("b", obs(vec![]))]);
    assert_eq!(class(&v), "instantiation");
    let v = verdict(
        &c,
        vec![
            run("a", fail(InstantiateError::Trapped(TrapKind::TableOutOfBounds))),
            run("b", fail(InstantiateError::Trapped(TrapKind::MemoryOutOfBounds))),
        ],
    );
    assert_eq!(class(&v), "instantiation-trap-kind:table-oob/memory-oob");
    let v = verdict(&c, vec![run("a", obs(vec![])), run("b", fail(InstantiateError::Unsupported("simd".into())))]);
    assert!(matches!(v, Verdict::Inconclusive(InconclusiveReason::Unsupported { .. })));
}

#[test]
fn state_globals_memories_tables() {
    let c = case(0, &["g"], &["m"], &["t"]);
    let state = State {
        globals: vec![Some(Val::I64(5))],
        memories: vec![Some(MemoryState::new(vec![0; 65536]))],
        tables: vec![Some(TableState { size: 2, null: vec![true, false] })],
    };
    let base = Observation::new(Ok(()), vec![], state, None);
    let with = |f: &dyn Fn(&mut State)| {
        let mut o = base.clone();
        f(&mut o.state);
        o
    };
    let v = verdict(&c, vec![run("a", base.clone()), run("b", with(&|s| s.globals[0] = Some(Val::I64(4))))]);
    assert_eq!(class(&v), "global:i64");
    let v = verdict(
        &c,
        vec![
            run("a", base.clone()),
            run(
                "b",
                with(&|s| {
                    let mut m = vec![0; 65536];
                    m[0x1234] = 1;
                    s.memories[0] = Some(MemoryState::new(m));
                }),
            ),
        ],
    );
    let Verdict::Diverge(d) = &v else { panic!() };
    assert_eq!(d.differences[0].class, "memory-bytes");
    assert!(d.differences[0].actual.contains("offset 0x1234"), "{:?}", d.differences[0]);
    let v = verdict(
        &c,
        vec![run("a", base.clone()), run("b", with(&|s| s.memories[0] = Some(MemoryState::new(vec![0; 131072]))))],
    );
    assert_eq!(class(&v), "memory-size");
    let v = verdict(
        &c,
        vec![
            run("a", base.clone()),
            run("b", with(&|s| s.tables[0] = Some(TableState { size: 3, null: vec![true, false, true] }))),
        ],
    );
    assert_eq!(class(&v), "table-size");
    let v = verdict(
        &c,
        vec![
            run("a", base.clone()),
            run("b", with(&|s| s.tables[0] = Some(TableState { size: 2, null: vec![true, true] }))),
        ],
    );
    assert_eq!(class(&v), "table-null");
    assert_eq!(verdict(&c, vec![run("a", base.clone()), run("b", base)]), Verdict::Agree);
}

#[test]
fn memory_mask_hides_only_open_bytes() {
    let c = case(0, &[], &["m"], &[]);
    let mut bytes = vec![0u8; 16];
    let memory = |b: &Vec<u8>| State { memories: vec![Some(MemoryState::new(b.clone()))], ..Default::default() };
    let mut base = Observation::new(Ok(()), vec![], memory(&bytes), None);
    let mut mask = vec![0u8; 16];
    mask[3] = 0xff;
    base.masks = Some(Masks { memories: vec![mask], ..Default::default() });
    bytes[3] = 0x7f;
    let other = |b: &Vec<u8>| Observation::new(Ok(()), vec![], memory(b), None);
    assert_eq!(verdict(&c, vec![run("ref", base.clone()), run("b", other(&bytes))]), Verdict::Agree);
    bytes[4] = 1;
    assert_eq!(class(&verdict(&c, vec![run("ref", base), run("b", other(&bytes))])), "memory-bytes");
}

#[test]
fn signature_names_the_engines_and_the_observable() {
    let c = case(1, &[], &[], &[]);
    let v = verdict(&c, vec![run("wasmtime", obs(vec![ret(Val::I32(1))])), run("wasmi", obs(vec![ret(Val::I32(2))]))]);
    let Verdict::Diverge(d) = v else { panic!() };
    assert_eq!(d.signature, "wasmtime~wasmi:result:i32");
}
