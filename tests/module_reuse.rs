//! Module reuse in the fuzz loop (`fuzz --reuse`): consecutive inputs that
//! share a module differ only in their plan part, give the same module and
//! new Cases, and the module cache behind it changes no Case.

use crosscheck::engines::EngineSet;
use crosscheck::fuzz::{Campaign, CampaignOptions};
use crosscheck::target::{Target, differential_plan_start, prepare};

fn engines() -> EngineSet {
    EngineSet::fuzzing(&["wasmtime".to_string(), "wasmi".to_string()]).expect("engines")
}

fn campaign(reuse: u32) -> Campaign {
    let mut options = CampaignOptions::new(Target::Differential, 5);
    options.reuse = reuse;
    Campaign::new(options, engines())
}

/// The module part of an input: everything before the plan tail.
fn head(input: &[u8]) -> &[u8] {
    &input[..differential_plan_start(input.len())]
}

#[test]
fn reused_inputs_keep_the_module_bytes_and_redraw_the_plan_part() {
    let mut c = campaign(3);
    let inputs: Vec<Vec<u8>> = (0..7).map(|_| c.next_input()).collect();
    for group in inputs.chunks(3) {
        for other in &group[1..] {
            assert_eq!(head(&group[0]), head(other), "a reused input must keep the module bytes");
            assert_ne!(group[0], *other, "a reused input must redraw its plan part");
        }
    }
    assert_ne!(head(&inputs[0]), head(&inputs[3]), "after `reuse` inputs, a fresh module");
    assert_ne!(head(&inputs[3]), head(&inputs[6]));

    let mut single = campaign(1);
    let a = single.next_input();
    let b = single.next_input();
    assert_ne!(head(&a), head(&b), "--reuse 1 draws every input afresh");
}

#[test]
fn the_module_cache_changes_no_case() {
    let mut c = campaign(4);
    let mut set = engines();
    let mut generated = 0;
    let mut differing_plans = 0;
    for _ in 0..40 {
        let input = c.next_input();
        // Warm: this thread's cache holds the previous input's module.
        let warm = prepare(Target::Differential, &input, &mut set);
        let warm_config: Vec<String> = set.configs();
        // Cold: a fresh thread generates the module from scratch.
        let (cold, cold_config) = std::thread::scope(|s| {
            s.spawn(|| {
                let mut set = engines();
                let case = prepare(Target::Differential, &input, &mut set);
                let config: Vec<String> = set.configs();
                (case, config)
            })
            .join()
            .expect("cold thread")
        });
        match (warm, cold) {
            (Ok(w), Ok(k)) => {
                generated += 1;
                assert_eq!(w.plan.wasm, k.plan.wasm);
                assert_eq!(format!("{:?}", w.plan.calls), format!("{:?}", k.plan.calls));
                assert_eq!(warm_config, cold_config);
            }
            (Err(_), Err(_)) => {}
            (w, k) => panic!("cache changed the outcome: warm {:?} vs cold {:?}", w.is_ok(), k.is_ok()),
        }
    }
    assert!(generated >= 20, "only {generated} of 40 inputs gave a Case");

    // Inputs sharing a module give the same wasm and, overall, new plans.
    let mut c = campaign(4);
    let mut set = engines();
    for _ in 0..10 {
        let first = c.next_input();
        let Ok(base) = prepare(Target::Differential, &first, &mut set) else {
            for _ in 0..3 {
                c.next_input();
            }
            continue;
        };
        let base_config: Vec<String> = set.configs();
        for _ in 0..3 {
            let input = c.next_input();
            let case = prepare(Target::Differential, &input, &mut set).expect("same module, same acceptance");
            assert_eq!(case.plan.wasm, base.plan.wasm);
            let config: Vec<String> = set.configs();
            if format!("{:?}", case.plan.calls) != format!("{:?}", base.plan.calls) || config != base_config {
                differing_plans += 1;
            }
        }
    }
    assert!(differing_plans >= 15, "reused modules should get new calls or configurations ({differing_plans}/30)");
}
