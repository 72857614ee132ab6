//! The `crosscheck` command line: a thin layer over the library.
//!
//! Exit codes: 0 engines agree (or a campaign ended with no finding),
//! 1 a divergence, 2 bad input or any other error, 3 an engine crashed
//! `crosscheck run` (the crash report is printed).

mod args;
mod commands;

use args::{Cli, Command};

use anyhow::{Context, bail};
use clap::Parser;
use crosscheck::engines::default_engines;
use crosscheck::fuzz::summary::summary_text;
use crosscheck::fuzz::supervisor::{self, FuzzOptions, WorkerOptions};
use crosscheck::judge::Verdict;
use crosscheck::target::{MutationCheck, Target};
use crosscheck::{bench, engines::EngineSet, report, run, selftest, triage};
use crosscheck_oracles::registry;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

fn target(name: &str) -> anyhow::Result<Target> {
    Target::from_name(name).with_context(|| {
        let known: Vec<_> = Target::ALL.iter().map(|t| t.name()).collect();
        format!("unknown target {name:?} (known: {})", known.join(", "))
    })
}

fn seconds(s: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(s).map_err(|_| anyhow::anyhow!("bad number of seconds: {s}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = crosscheck::selftest::mutator::planted() {
        eprintln!("crosscheck: error: {e}");
        return ExitCode::from(2);
    }
    if let Command::Run { file, engines, .. } = &cli.command
        && std::env::var_os(commands::RUN_CHILD).is_none()
    {
        return commands::run_supervised(file, &engine_list(engines.clone()));
    }
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("crosscheck: error: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

/// Which Node.js the v8 engines use, and a warning when it is older than
/// the pinned one.
fn node_lines() -> Vec<String> {
    #[cfg(feature = "v8")]
    {
        match crosscheck::oracles::v8::node() {
            Ok(n) => {
                let mut lines = vec![format!("v8 engines use {}", n.describe())];
                lines.extend(n.age_warning().map(|w| format!("warning: {w}")));
                lines
            }
            Err(why) => vec![format!("v8 engines unavailable: {why}")],
        }
    }
    #[cfg(not(feature = "v8"))]
    {
        vec!["v8 engines unavailable: this build has no V8 (cargo feature \"v8\")".to_string()]
    }
}

/// [`node_lines`] on stderr, when `engines` has a v8 engine.
fn note_node(engines: &[String]) {
    if engines.iter().any(|e| e.starts_with("v8")) {
        for line in node_lines() {
            eprintln!("crosscheck: {line}");
        }
    }
}

fn verdict_code(v: &Verdict) -> ExitCode {
    match v {
        Verdict::Diverge(_) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// The engines of every `--engines` value (comma-separated lists whose
/// commas inside brackets belong to a setting).
/// Before a replay runs: each engine that has a documented crash which
/// kills the process and whose trigger the module has (the replay runs it
/// all the same, so the crash reproduces; this is said first because
/// nothing is said after).
fn note_fatal_triggers(set: &EngineSet, wasm: &[u8]) {
    for bug in set.names().iter().filter_map(|e| triage::fatal_crash_for(e, wasm)) {
        eprintln!(
            "crosscheck: the module has the trigger of known-bug:{} ({}): {} may kill this process",
            bug.name, bug.doc, bug.engine
        );
    }
}

fn engine_list(values: Vec<String>) -> Vec<String> {
    crosscheck::engines::split_engine_args(&values)
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run { file, args, engines, wat } => {
            let engines = engine_list(engines);
            let given = args.iter().map(|a| run::parse_invocation(a)).collect::<Result<Vec<_>, _>>()?;
            let (checked, skipped) = run::run_file(&file, &engines, &given)?;
            for s in skipped {
                eprintln!("crosscheck: skipped {s}");
            }
            print!("{}", report::render_with(&checked, wat));
            Ok(verdict_code(&checked.verdict))
        }
        Command::Fuzz {
            target: t,
            time,
            runs,
            jobs,
            seed,
            engines,
            artifacts,
            max_len,
            reuse,
            swarm,
            hang_timeout,
            no_triage,
            triage: _,
        } => {
            let engines = engine_list(engines);
            let t = target(&t)?;
            if jobs == 0 {
                bail!("--jobs must be at least 1");
            }
            if max_len == 0 || max_len > 1 << 20 {
                bail!("--max-len must be between 1 and 1048576 bytes");
            }
            if reuse == 0 {
                bail!("--reuse must be at least 1");
            }
            if let Some(name) = &swarm {
                crosscheck::swarm::indices_named(name).map_err(|e| anyhow::anyhow!("--swarm: {e}"))?;
            }
            // Fail on a bad engine list here, not in every worker.
            EngineSet::fuzzing(&engines)?;
            if let Some(note) = registry::default_engines_note().filter(|_| engines == default_engines()) {
                eprintln!("crosscheck: {note}");
            }
            note_node(&engines);
            let seed = seed.unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0)
            });
            let opts = FuzzOptions {
                target: t,
                engines,
                jobs,
                seed,
                time: time.map(seconds).transpose()?,
                runs,
                artifacts,
                max_len,
                reuse,
                swarm,
                hang_timeout: Duration::from_secs(hang_timeout),
                triage: !no_triage,
            };
            let interrupted = Arc::new(AtomicBool::new(false));
            let flag = interrupted.clone();
            let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
            eprintln!(
                "crosscheck fuzz {t}: engines {} | jobs {jobs} | seed {seed} | artifacts {}",
                opts.engines.join(","),
                opts.artifacts.display()
            );
            let summary = supervisor::run(&opts, interrupted)?;
            print!("{}", summary_text(&summary, &opts));
            let unknown = crosscheck::fuzz::summary::untraced(&summary);
            Ok(if unknown == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Repro { target: t, file, engines, shrink, attempts, output, emit_wast, wasm_out } => {
            let given = engine_list(engines);
            let t = target(&t)?;
            if file.is_dir() {
                let saved = commands::read_case_dir(&file)?;
                if shrink {
                    let out = output.unwrap_or_else(|| file.join("shrunk"));
                    return commands::shrink_case_dir(saved, t, attempts, &out, emit_wast.as_deref());
                }
                let given = if given.is_empty() { None } else { Some(given.as_slice()) };
                let mut set = triage::replay::engines_for(&saved, given)?;
                if let Some(path) = &wasm_out {
                    commands::write_module(path, &saved.case.plan.wasm)?;
                }
                for c in set.configs() {
                    eprintln!("crosscheck: {c}");
                }
                note_fatal_triggers(&set, &saved.case.plan.wasm);
                let checked =
                    crosscheck::target::check_case(saved.origin.clone(), saved.case, &mut set, Duration::ZERO);
                print!("{}", report::render(&checked));
                return Ok(verdict_code(&checked.verdict));
            }
            let engines = if given.is_empty() { default_engines() } else { given };
            let input = std::fs::read(&file).with_context(|| format!("{}", file.display()))?;
            if input.is_empty() {
                bail!("{}: empty input file: nothing to replay", file.display());
            }
            let mut set = EngineSet::fuzzing(&engines)?;
            let case = crosscheck::target::prepare(t, &input, &mut set)
                .map_err(|e| anyhow::anyhow!("{}: these bytes give no {t} Case ({e})", file.display()))?;
            // Said before running, so an engine that crashes still leaves them.
            if let Some(path) = &wasm_out {
                commands::write_module(path, &case.plan.wasm)?;
            }
            if shrink {
                let saved = crosscheck::case_file::SavedCase { case, engines: set.configs(), origin: t.name().into() };
                drop(set);
                let out = output.unwrap_or_else(|| PathBuf::from(format!("{}.shrunk", file.display())));
                return commands::shrink_case_dir(saved, t, attempts, &out, emit_wast.as_deref());
            }
            for c in set.configs() {
                eprintln!("crosscheck: {c}");
            }
            note_fatal_triggers(&set, &case.plan.wasm);
            drop(case);
            // Again from the bytes: a mutation's oracle runs too.
            let checked = crosscheck::target::check(t, &input, &mut set)
                .map_err(|e| anyhow::anyhow!("{}: these bytes give no {t} Case ({e})", file.display()))?;
            print!("{}", report::render(&checked));
            // A mutator divergence not traced to a documented wasm-mutate
            // bug is a finding too (the `mutate` target's oracle).
            if checked.mutation.as_ref().and_then(MutationCheck::unknown_mutator_divergence).is_some() {
                return Ok(ExitCode::from(1));
            }
            Ok(verdict_code(&checked.verdict))
        }
        Command::Shrink { file, engines, args, attempts, output, emit_wast } => {
            let engines = engine_list(engines);
            if file.is_dir() {
                let saved = commands::read_case_dir(&file)?;
                let t = target(&saved.origin).unwrap_or(Target::Differential);
                let out = output.unwrap_or_else(|| file.join("shrunk"));
                return commands::shrink_case_dir(saved, t, attempts, &out, emit_wast.as_deref());
            }
            let wasm = run::read_module(&file)?;
            let scratch = std::env::temp_dir().join(format!("crosscheck-shrink-{}", std::process::id()));
            std::fs::create_dir_all(&scratch)?;
            let runner =
                triage::shrink::Runner { exe: std::env::current_exe()?, engines, args, scratch: scratch.clone() };
            let result = triage::shrink::shrink(wasm, &runner, attempts);
            let _ = std::fs::remove_dir_all(&scratch);
            let shrunk = result?;
            let out = output.unwrap_or_else(|| triage::shrink::default_output(&file));
            std::fs::write(&out, &shrunk.output).with_context(|| format!("{}", out.display()))?;
            let wat = wasmprinter::print_bytes(&shrunk.output)?;
            std::fs::write(out.with_extension("wat"), &wat)?;
            println!(
                "{}: {} bytes -> {} bytes, still {}",
                out.display(),
                shrunk.input_size,
                shrunk.output.len(),
                shrunk.interest
            );
            print!("{wat}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Triage { dir, target: t, engines, attempts } => {
            commands::triage(&dir, target(&t)?, engine_list(engines), attempts)
        }
        Command::Wast { files, engine, max_failures } => {
            if let Some(missing) = files.iter().find(|f| !f.is_file()) {
                bail!("{}: no such file", missing.display());
            }
            let mut engine = crosscheck::engines::create_default(&engine)?;
            let mut total = crosscheck::wast::Tally::default();
            for file in &files {
                let report = crosscheck::wast::run_file(engine.as_mut(), file)?;
                print!("{}", report.render(max_failures));
                total.add(report.tally);
            }
            println!("total: {total}");
            Ok(if total.failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::MutateOracle { count, seed, dump } => {
            let mut reference = registry::create("reference")?;
            let start = std::time::Instant::now();
            let stats = crosscheck::mutate::oracle::campaign(count, seed, reference.as_mut(), |s| {
                if s.mutations % 1000 == 0 {
                    eprintln!("  {} mutations, {} mutator divergences", s.mutations, s.diverge);
                }
            });
            let kinds: Vec<String> = stats.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            println!(
                "mutation steps applied, by mutator (wasm-mutate's and crosscheck's own rewrites): {}",
                kinds.join(", ")
            );
            for (i, ((sig, what), m)) in stats.divergences.iter().zip(&stats.diverging).enumerate() {
                println!("MUTATOR DIVERGENCE {sig}\n  {what}");
                if let Some(dir) = &dump {
                    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
                    for (name, wasm) in [("original", &m.original), ("mutant", &m.mutant)] {
                        let path = dir.join(format!("{i}-{name}.wasm"));
                        std::fs::write(&path, wasm).with_context(|| path.display().to_string())?;
                        if let Ok(wat) = wasmprinter::print_bytes(wasm) {
                            std::fs::write(path.with_extension("wat"), wat)?;
                        }
                    }
                    println!("  written to {}", dir.join(format!("{i}-{{original,mutant}}.wat")).display());
                }
            }
            println!(
                "{} mutations in {:.1}s: {} judged (agree {}, of which {} agreed only thanks to the NaN/relaxed masks), {} mutator divergences ({} traced to documented wasm-mutate bugs, {} not), {} inconclusive; {} with no semantics-preserving mutation applicable, {} without a runnable module",
                stats.mutations,
                start.elapsed().as_secs_f64(),
                stats.agree + stats.diverge,
                stats.agree,
                stats.saved_by_masks,
                stats.diverge,
                stats.known_bug,
                stats.diverge - stats.known_bug,
                stats.inconclusive,
                stats.unmutated,
                stats.skipped
            );
            Ok(if stats.diverge == stats.known_bug { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::MutateCorpus { dir } => {
            let seeds = crosscheck::mutate::corpus::compile_all().map_err(anyhow::Error::msg)?;
            std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
            for s in &seeds {
                let path = dir.join(format!("{}.wasm", s.name));
                std::fs::write(&path, &s.wasm).with_context(|| path.display().to_string())?;
            }
            println!("{} modules written to {}", seeds.len(), dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::IsleCoverage { isle } => {
            use crosscheck::patterns::isle;
            let path = isle.or_else(isle::find_x64_lower_isle).context(
                "no cranelift-codegen 0.135 source in cargo's registry: give the path of src/isa/x64/lower.isle",
            )?;
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            let rules = isle::rules(&text).with_context(|| format!("{}: unbalanced parentheses", path.display()))?;
            println!("{}", path.display());
            print!("{}", isle::report(&rules));
            let unknown = rules.iter().filter(|r| r.reach().is_none()).count();
            Ok(if unknown > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Engines => {
            for name in registry::ENGINE_NAMES.iter().chain(registry::OPTIONAL_ENGINE_NAMES) {
                match registry::create(name) {
                    Ok(e) => println!("{name:<10} available  {:<14} proposals: {}", e.version(), e.features()),
                    Err(why) => println!("{name:<10} unavailable: {why}"),
                }
            }
            for line in node_lines() {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Selftest { budget, seed, only } => {
            let opts = selftest::SelftestOptions { budget, seed, ..Default::default() };
            let plan: Vec<_> = selftest::plan(&opts)
                .into_iter()
                .filter(|(f, _)| only.is_empty() || only.iter().any(|o| o == f.name()))
                .collect();
            if plan.is_empty() {
                bail!("--only: no planted fault of the self-test is called {}", only.join(", "));
            }
            // The fault column as wide as the longest name planted.
            let w = plan.iter().map(|(f, _)| f.name().len()).max().unwrap_or(0).max("planted fault".len());
            println!("{:<w$} {:<13} {:<27} planted in ~ judged against", "planted fault", "target", "detected after");
            let mut runs = Vec::new();
            for (fault, opts) in plan {
                let r = selftest::run_fault(fault, &opts)?;
                let found = match r.detected_after {
                    Some(n) => format!("{n} cases, {:.1}s", r.seconds),
                    None => format!(
                        "{}NOT DETECTED in {} cases, {:.0}s",
                        if selftest::counts(fault, &opts) { "" } else { "(measured) " },
                        r.cases,
                        r.seconds
                    ),
                };
                println!(
                    "{:<w$} {:<13} {:<27} {} ~ {}",
                    fault.name(),
                    opts.target.name(),
                    found,
                    opts.faulty_engine,
                    opts.baseline
                );
                if r.unplanted_divergences > 0 {
                    println!(
                        "  (and {} divergences that happen without the fault: real findings)",
                        r.unplanted_divergences
                    );
                }
                runs.push((fault, opts, r));
            }
            let missed = selftest::missed(&runs);
            if !missed.is_empty() {
                let names: Vec<&str> = missed.iter().map(|f| f.name()).collect();
                println!("selftest: {} planted fault(s) undetected: {}", missed.len(), names.join(", "));
                return Ok(ExitCode::from(1));
            }
            println!("selftest: every planted fault detected");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { time, engines, seed, max_len, reuse, module, args, repeat } => {
            let engines = engine_list(engines);
            if let Some(file) = module {
                let wasm = run::read_module(&file)?;
                let calls = args.iter().map(|a| run::parse_invocation(a)).collect::<Result<Vec<_>, _>>()?;
                let timings = bench::run_module(&engines, &wasm, &calls, repeat)?;
                print!("{}", bench::render_module(&file.display().to_string(), &timings));
                return Ok(ExitCode::SUCCESS);
            }
            if reuse == 0 {
                bail!("--reuse must be at least 1");
            }
            let r = bench::run(&engines, seconds(time)?, seed, max_len, reuse)?;
            print!("{}", bench::render(&r));
            Ok(ExitCode::SUCCESS)
        }
        Command::Sweep { engines, profiles, samples, seed, only, format, out } => {
            let engines = engine_list(engines);
            let format = crosscheck::sweep::render::Format::from_name(&format)
                .with_context(|| format!("unknown format {format:?} (text, md, json, html)"))?;
            let profiles =
                if profiles.iter().any(|p| p == "all") { crosscheck::sweep::all_profiles() } else { profiles };
            let ran_v8: Vec<String> = engines.iter().filter(|e| e.starts_with("v8")).cloned().collect();
            let opts = crosscheck::sweep::SweepOptions { engines, profiles, samples, seed, only };
            let matrix = crosscheck::sweep::run(&opts, |n, total, name| {
                if n % 25 == 0 {
                    eprintln!("crosscheck sweep: {n}/{total} {name}");
                }
            })?;
            // After the sweep validated its request: bad input stays a one-line error.
            note_node(&ran_v8);
            let report = crosscheck::sweep::render::render(&matrix, format);
            let to_stdout_as_text = out.is_none() && format == crosscheck::sweep::render::Format::Text;
            match out {
                Some(path) => std::fs::write(&path, report).with_context(|| format!("{}", path.display()))?,
                None => print!("{report}"),
            }
            if !to_stdout_as_text {
                // The text report has them already.
                eprint!("speed:\n{}", crosscheck::sweep::render::speed(&matrix));
            }
            eprintln!(
                "crosscheck sweep: {} failing cell(s), {} labelled with a known engine bug of that version",
                matrix.failures(),
                matrix.known_bugs()
            );
            Ok(if matrix.failures() == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Worker { target: t, engines, seed, runs, time, max_len, reuse, swarm, artifacts, inflight } => {
            let engines = engine_list(engines);
            let opts = WorkerOptions {
                target: target(&t)?,
                engines,
                seed,
                runs,
                time: time.map(seconds).transpose()?,
                max_len,
                reuse,
                swarm,
                artifacts,
                inflight,
            };
            supervisor::worker(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
