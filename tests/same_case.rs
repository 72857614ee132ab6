//! The same input bytes give the same Case — same module bytes, same call
//! plan, same proposals — whatever engines are installed or selected: with
//! and without V8 in the list, and with other engine lists (Winch alone
//! lacks relaxed SIMD and tail calls, wasmi lacks threads). A crash file
//! from a host without Node.js replays on one with it.

use crosscheck::engines::EngineSet;
use crosscheck::fuzz::{Campaign, CampaignOptions};
use crosscheck::target::{Target, prepare};
use crosscheck_oracles::Plan;

/// Inputs: the seed corpus and a campaign's own draws.
fn inputs() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/differential");
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .expect("corpus/differential")
        .map(|e| std::fs::read(e.expect("entry").path()).expect("seed"))
        .collect();
    let set = EngineSet::fuzzing(&["reference"]).expect("reference");
    let mut c = Campaign::new(CampaignOptions::new(Target::Differential, 12), set);
    inputs.extend((0..120).map(|_| c.next_input()));
    // Every swarm byte at least once on a seed's module bytes.
    let base = inputs[0].clone();
    inputs.extend((0..=255u8).map(|b| [&[b][..], &base[1..]].concat()));
    inputs
}

fn plans(engines: &[&str], inputs: &[Vec<u8>]) -> Vec<Option<(Plan, String)>> {
    let mut set = EngineSet::fuzzing(engines).expect("engines");
    inputs
        .iter()
        .map(|input| prepare(Target::Differential, input, &mut set).ok().map(|c| (c.plan, c.features.to_string())))
        .collect()
}

fn assert_same(a: &[Option<(Plan, String)>], b: &[Option<(Plan, String)>], what: &str) {
    let mut built = 0;
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert_eq!(x, y, "input #{i}: {what} changed the Case");
        built += usize::from(x.is_some());
    }
    assert!(built > a.len() / 2, "only {built} of {} inputs gave a Case", a.len());
}

#[test]
fn engine_lists_do_not_change_the_case() {
    let inputs = inputs();
    let default = ["reference", "wasmtime", "winch", "pulley", "wasmi"];
    let base = plans(&default, &inputs);
    assert_same(&base, &plans(&["reference", "winch"], &inputs), "a list of reference and Winch");
    assert_same(&base, &plans(&["reference", "wasmi"], &inputs), "a list of reference and wasmi");
    assert_same(&base, &plans(&["reference", "pulley", "wasmtime"], &inputs), "another order");
    let kinds: std::collections::BTreeSet<&String> = base.iter().flatten().map(|(_, f)| f).collect();
    assert!(kinds.len() >= 4, "the swarm byte picks several proposal sets: {kinds:?}");
}

#[test]
fn v8_in_the_list_does_not_change_the_case() {
    if let Err(why) = crosscheck_oracles::v8::node() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("this test needs Node.js under CI: {why}");
        }
        println!("not run: {why}");
        return;
    }
    let inputs = inputs();
    let without = plans(&["reference", "wasmtime", "winch", "pulley", "wasmi"], &inputs);
    let with = plans(&["reference", "wasmtime", "winch", "pulley", "wasmi", "v8"], &inputs);
    assert_same(&without, &with, "adding v8");
}
