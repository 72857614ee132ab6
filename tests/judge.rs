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
    Observation { instantiation: Ok(()), calls, state: State::default(), masks: None }
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
    let base = Observation {
        instantiation: Ok(()),
        calls: vec![],
        state: State {
            globals: vec![Some(Val::I64(5))],
            memories: vec![Some(MemoryState::new(vec![0; 65536]))],
            tables: vec![Some(TableState { size: 2, null: vec![true, false] })],
        },
        masks: None,
    };
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
    let mut base = Observation {
        instantiation: Ok(()),
        calls: vec![],
        state: State { memories: vec![Some(MemoryState::new(bytes.clone()))], ..Default::default() },
        masks: None,
    };
    let mut mask = vec![0u8; 16];
    mask[3] = 0xff;
    base.masks = Some(Masks { memories: vec![mask], ..Default::default() });
    bytes[3] = 0x7f;
    let other = |b: &Vec<u8>| Observation {
        instantiation: Ok(()),
        calls: vec![],
        state: State { memories: vec![Some(MemoryState::new(b.clone()))], ..Default::default() },
        masks: None,
    };
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
