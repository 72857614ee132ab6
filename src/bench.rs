//! `crosscheck bench`: throughput figures of the differential target —
//! execs/s on one core, where a Case's time goes (each engine, case
//! generation, the judge) and the harness's own share of it.

use crate::engines::EngineSet;
use crate::fuzz::stats::keys;
use crate::fuzz::{Campaign, CampaignOptions};
use crate::target::Target;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// Figures of one benchmark run.
#[derive(Clone, Debug)]
pub struct BenchResult {
    pub engines: Vec<String>,
    pub execs: u64,
    /// Fresh modules wasm-smith generated, and inputs per module.
    pub modules: u64,
    pub reuse: u32,
    pub wall: Duration,
    /// Per engine: total time inside it.
    pub engine_time: Vec<(String, Duration)>,
    pub generate: Duration,
    pub judge: Duration,
    /// Mean module size (bytes) and calls per judged Case.
    pub mean_wasm_bytes: f64,
    pub mean_calls: f64,
    /// Per engine that breaks its time down (V8: compile, run, round trip).
    pub breakdowns: Vec<(String, Vec<(&'static str, Duration)>)>,
}

impl BenchResult {
    pub fn execs_per_sec(&self) -> f64 {
        self.execs as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    /// Share of wall time spent outside the engines (generation, judging,
    /// bookkeeping), in percent.
    pub fn overhead_percent(&self) -> f64 {
        let inside: Duration = self.engine_time.iter().map(|(_, d)| *d).sum();
        100.0 * (1.0 - inside.as_secs_f64() / self.wall.as_secs_f64().max(1e-9))
    }
}

/// Runs the differential target on `engines` for `time` in this process.
pub fn run(engines: &[String], time: Duration, seed: u64, max_len: usize, reuse: u32) -> anyhow::Result<BenchResult> {
    let set = EngineSet::fuzzing(engines)?.leave_out_fatal_crashes();
    let mut options = CampaignOptions::new(Target::Differential, seed);
    options.max_len = max_len;
    options.min_len = options.min_len.min(max_len);
    options.reuse = reuse;
    let mut campaign = Campaign::new(options, set);
    let start = Instant::now();
    while start.elapsed() < time {
        campaign.step()?;
    }
    let wall = start.elapsed();
    let s = &campaign.stats;
    let judged = s.get(keys::EXECS) - s.get(keys::REJECTED);
    let micros = |k: &str| Duration::from_micros(s.get(&format!("{}{k}", keys::MICROS)));
    Ok(BenchResult {
        engines: engines.to_vec(),
        execs: s.get(keys::EXECS),
        modules: s.get(keys::MODULE_DRAWS),
        reuse,
        wall,
        engine_time: engines.iter().map(|e| (e.clone(), micros(&format!("engine.{e}")))).collect(),
        generate: micros("generate"),
        judge: micros("judge"),
        mean_wasm_bytes: s.get(keys::WASM_BYTES) as f64 / judged.max(1) as f64,
        mean_calls: s.get(keys::CALLS) as f64 / judged.max(1) as f64,
        breakdowns: campaign.engines.cost_breakdowns(),
    })
}

/// The figures as a table.
pub fn render(r: &BenchResult) -> String {
    let mut out = String::new();
    let per = |d: Duration| d.as_secs_f64() * 1e3 / r.execs.max(1) as f64;
    let share = |d: Duration| 100.0 * d.as_secs_f64() / r.wall.as_secs_f64().max(1e-9);
    let _ = writeln!(out, "differential target, engines {} (one core, one process)", r.engines.join(" + "));
    let _ = writeln!(
        out,
        "  execs            {} in {:.1}s = {:.1} execs/s",
        r.execs,
        r.wall.as_secs_f64(),
        r.execs_per_sec()
    );
    let _ = writeln!(
        out,
        "  cases            {:.0} bytes of wasm, {:.1} calls on average",
        r.mean_wasm_bytes, r.mean_calls
    );
    let _ = writeln!(
        out,
        "  modules          {} generated = {:.1} modules/s (--reuse {}: each module runs with that many draws of calls and engine configurations)",
        r.modules,
        r.modules as f64 / r.wall.as_secs_f64().max(1e-9),
        r.reuse
    );
    for (e, d) in &r.engine_time {
        let _ = writeln!(out, "  in {e:<13} {:.3} ms/case ({:.1}% of time)", per(*d), share(*d));
        if let Some((_, parts)) = r.breakdowns.iter().find(|(name, _)| name == e) {
            let parts: Vec<String> = parts.iter().map(|(what, d)| format!("{what} {:.3}", per(*d))).collect();
            let _ = writeln!(out, "    of which      {} ms/case", parts.join(", "));
        }
    }
    let _ = writeln!(out, "  case generation  {:.3} ms/case ({:.1}%)", per(r.generate), share(r.generate));
    let _ = writeln!(out, "  judge            {:.3} ms/case ({:.1}%)", per(r.judge), share(r.judge));
    let _ =
        writeln!(out, "  harness overhead {:.1}% of wall time (everything outside the engines)", r.overhead_percent());
    if let [(a, da), (b, db), ..] = r.engine_time.as_slice() {
        let _ = writeln!(
            out,
            "  ratio            {a} / {b} time per case = {:.2}",
            da.as_secs_f64() / db.as_secs_f64().max(1e-9)
        );
    }
    out
}

/// Time of one engine on a fixed module: a whole run of the calls on a
/// fresh instance (compile, instantiate, calls, state; the reference with
/// its masks), the fastest of several repetitions.
#[derive(Clone, Debug)]
pub struct ModuleTiming {
    pub engine: String,
    pub run: Duration,
}

/// Runs `calls` on `wasm` on each engine `repeat` times (default
/// configurations), the engines taking turns; every call must return.
pub fn run_module(
    engines: &[String],
    wasm: &[u8],
    calls: &[crosscheck_oracles::Call],
    repeat: u32,
) -> anyhow::Result<Vec<ModuleTiming>> {
    let plan = crosscheck_oracles::Plan {
        wasm: wasm.to_vec(),
        calls: calls.to_vec(),
        observe: crosscheck_oracles::Exports::of_module(wasm)?,
    };
    let mut created = Vec::new();
    for name in engines {
        created.push((name.clone(), crate::engines::create_default(name)?));
    }
    // Repetitions interleave the engines, so a slow spell of the machine
    // hits every engine alike; the fastest repetition counts.
    let mut best = vec![Duration::MAX; created.len()];
    for _ in 0..repeat.max(1) {
        for ((name, engine), best) in created.iter_mut().zip(&mut best) {
            let start = Instant::now();
            let obs = engine.run(&plan);
            *best = (*best).min(start.elapsed());
            if let Err(e) = &obs.instantiation {
                anyhow::bail!("{name}: {e}");
            }
            if let Some((call, outcome)) = plan
                .calls
                .iter()
                .zip(&obs.calls)
                .find(|(_, o)| !matches!(o, crosscheck_oracles::CallOutcome::Returned(_)))
            {
                anyhow::bail!("{name}: {} did not return: {outcome}", call.export);
            }
        }
    }
    Ok(created.into_iter().zip(best).map(|((engine, _), run)| ModuleTiming { engine, run }).collect())
}

/// The module timings as a table, each as a ratio to the last engine's (the peer).
pub fn render_module(label: &str, timings: &[ModuleTiming]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "module {label}: compile + instantiate + calls + state, best of repetitions, one core");
    let peer = timings.last().map(|t| t.run.as_secs_f64()).unwrap_or(1.0).max(1e-9);
    let peer_name = timings.last().map(|t| t.engine.as_str()).unwrap_or("");
    for t in timings {
        let _ = writeln!(
            out,
            "  {:<16} {:>9.3} ms   = {:.2}x {peer_name}",
            t.engine,
            t.run.as_secs_f64() * 1e3,
            t.run.as_secs_f64() / peer
        );
    }
    out
}
