//! Where does Case generation spend its time? Prints per-phase averages.
use arbitrary::Unstructured;
use crosscheck::case::{Determinism, smith_config, split_for_plan};
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

fn main() {
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let features = crosscheck::engines::EngineSet::fuzzing(&["wasmtime", "wasmi"]).unwrap().features();
    let (mut t_cfg, mut t_gen, mut t_term, mut t_bytes, mut t_info) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let n = 3000;
    for _ in 0..n {
        let len = rng.random_range(256..=4096);
        let mut data = vec![0u8; len];
        rng.fill(&mut data[..]);
        let (m, _) = split_for_plan(&data);
        let mut u = Unstructured::new(m);
        let t = Instant::now();
        let c = smith_config(&mut u, features, Determinism::PAIRWISE).unwrap();
        t_cfg += t.elapsed();
        let t = Instant::now();
        let mut module = wasm_smith::Module::new(c, &mut u).unwrap();
        t_gen += t.elapsed();
        let t = Instant::now();
        module.ensure_termination(1000).unwrap();
        t_term += t.elapsed();
        let t = Instant::now();
        let wasm = module.to_bytes();
        t_bytes += t.elapsed();
        let t = Instant::now();
        let _ = crosscheck::module_info::ModuleInfo::of(&wasm).unwrap();
        t_info += t.elapsed();
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "config {:.1}us  generate {:.1}us  terminate {:.1}us  to_bytes {:.1}us  info {:.1}us",
        us(t_cfg),
        us(t_gen),
        us(t_term),
        us(t_bytes),
        us(t_info)
    );
}
