//! The `crosscheck` command line: a thin layer over the library.
//!
//! Exit codes: 0 engines agree (or a campaign ended with no finding),
//! 1 a divergence, 2 bad input or any other error.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use crosscheck::fuzz::DEFAULT_REUSE;
use crosscheck::fuzz::supervisor::{self, FuzzOptions, WorkerOptions};
use crosscheck::judge::Verdict;
use crosscheck::target::Target;
use crosscheck::{bench, engines::EngineSet, report, run, selftest, triage};
use crosscheck_oracles::registry;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "crosscheck",
    version,
    about = "Differential fuzzing of WebAssembly engines against each other and the spec"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a .wasm or .wat file: call every export on every engine and compare.
    Run {
        file: PathBuf,
        /// Arguments for one call: EXPORT=TYPE:VALUE,... (repeatable; e.g. f=i32:-1,f32:0x7fc00000).
        #[arg(long = "args", value_name = "EXPORT=ARGS")]
        args: Vec<String>,
        /// Engines to compare, the first is the baseline.
        #[arg(long, value_delimiter = ',', default_values_t = default_engines())]
        engines: Vec<String>,
        /// Also print the module as WAT.
        #[arg(long)]
        wat: bool,
    },
    /// The built-in fuzzing loop: random inputs into a target, one process per job.
    Fuzz {
        /// Target to fuzz.
        #[arg(default_value = "differential")]
        target: String,
        /// Stop after this many seconds (default: until interrupted).
        #[arg(long)]
        time: Option<f64>,
        /// Stop after this many inputs (all jobs together).
        #[arg(long)]
        runs: Option<u64>,
        /// Parallel worker processes.
        #[arg(long, default_value_t = 1)]
        jobs: usize,
        /// Seed of the input stream (default: from the clock; printed).
        #[arg(long)]
        seed: Option<u64>,
        /// Engines to compare, the first is the baseline.
        #[arg(long, value_delimiter = ',', default_values_t = default_engines())]
        engines: Vec<String>,
        /// Where findings are written.
        #[arg(long, default_value = "artifacts")]
        artifacts: PathBuf,
        /// Largest input in bytes.
        #[arg(long, default_value_t = 4096)]
        max_len: usize,
        /// Inputs in a row that share one generated module, each with its own
        /// calls, arguments and engine configurations (differential target).
        #[arg(long, default_value_t = DEFAULT_REUSE)]
        reuse: u32,
        /// Seconds a worker may stay silent before it counts as hung.
        #[arg(long, default_value_t = 60)]
        hang_timeout: u64,
    },
    /// Replay an input file (ours or a libFuzzer/OSS-Fuzz crash file) and print the report.
    Repro {
        target: String,
        file: PathBuf,
        #[arg(long, value_delimiter = ',', default_values_t = default_engines())]
        engines: Vec<String>,
        /// Write the Case's module here (.wasm, or .wat by extension) before
        /// running anything: the module survives an engine crash.
        #[arg(long, value_name = "PATH")]
        wasm_out: Option<PathBuf>,
    },
    /// Reduce a module while it keeps diverging with the same signature (or crashing at the same site).
    Shrink {
        /// A .wasm or .wat file.
        file: PathBuf,
        #[arg(long, value_delimiter = ',', default_values_t = default_engines())]
        engines: Vec<String>,
        /// Arguments for `run`, as there (EXPORT=ARGS, repeatable).
        #[arg(long = "args", value_name = "EXPORT=ARGS")]
        args: Vec<String>,
        /// Shrink attempts without progress before stopping.
        #[arg(long, default_value_t = 1000)]
        attempts: u32,
        /// Output (.wasm; a .wat is written beside it). Default: FILE.shrunk.wasm.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Run official .wast spec scripts on one engine; prints `N passed, M failed, K skipped` per file and in total.
    Wast {
        /// The .wast scripts.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The engine to run them on.
        #[arg(long, default_value = "reference")]
        engine: String,
        /// Failures listed per file.
        #[arg(long, default_value_t = 5)]
        max_failures: usize,
    },
    /// List engines: version, proposals, availability.
    Engines,
    /// Coverage of Cranelift's x64 lowering rules by the `patterns` catalog:
    /// how many multi-operation or constant-matching rules have a shape, and
    /// why the others are not reached.
    IsleCoverage {
        /// `lower.isle` of cranelift-codegen's x64 backend (default: cargo's
        /// unpacked crate source, or CROSSCHECK_X64_ISLE).
        isle: Option<PathBuf>,
    },
    /// Plant faults in an engine and prove the judge catches each one.
    Selftest {
        /// Cases each fault may take to be caught (the faults only masks
        /// can see get 4×, the relaxed-SIMD one 16×).
        #[arg(long, default_value_t = 3000)]
        budget: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Run only these faults (by name).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Throughput of the differential target (execs/s, time per engine, harness overhead).
    Bench {
        /// Seconds to measure.
        #[arg(long, default_value_t = 20.0)]
        time: f64,
        #[arg(long, value_delimiter = ',', default_values_t = vec!["wasmtime".to_string(), "wasmi".to_string()])]
        engines: Vec<String>,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Largest input in bytes (as `fuzz --max-len`).
        #[arg(long, default_value_t = 4096)]
        max_len: usize,
        /// Inputs in a row sharing one module (as `fuzz --reuse`).
        #[arg(long, default_value_t = DEFAULT_REUSE)]
        reuse: u32,
        /// Instead of the fuzz target: time a fixed module (.wasm/.wat) on each engine.
        #[arg(long, value_name = "FILE")]
        module: Option<PathBuf>,
        /// Calls for `--module`, as `run --args` (repeatable).
        #[arg(long = "args", value_name = "EXPORT=ARGS", requires = "module")]
        args: Vec<String>,
        /// Repetitions for `--module` (the fastest counts).
        #[arg(long, default_value_t = 5, requires = "module")]
        repeat: u32,
    },
    /// The conformance matrix: every instruction × engine × Wasmtime CPU profile, judged exactly.
    Sweep {
        /// Engines (columns); `wasmtime` gives one column per CPU profile.
        #[arg(long, value_delimiter = ',', default_values_t = crosscheck::sweep::default_engines())]
        engines: Vec<String>,
        /// Wasmtime CPU profiles: `all` or a list (sse2, ssse3, sse4.2, avx, avx2, avx512).
        #[arg(long, value_delimiter = ',', default_value = "all")]
        profiles: Vec<String>,
        /// Operand tuples per instruction.
        #[arg(long, default_value_t = 1000)]
        samples: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Only these instructions (text-format names).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// text, md, json or html.
        #[arg(long, default_value = "text")]
        format: String,
        /// Write the report here instead of stdout.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// One fuzzing job (spawned by `fuzz`; not for direct use).
    #[command(hide = true)]
    Worker {
        target: String,
        #[arg(long, value_delimiter = ',')]
        engines: Vec<String>,
        #[arg(long)]
        seed: u64,
        #[arg(long, default_value_t = 0)]
        runs: u64,
        #[arg(long)]
        time: Option<f64>,
        #[arg(long)]
        max_len: usize,
        #[arg(long, default_value_t = 1)]
        reuse: u32,
        #[arg(long)]
        artifacts: PathBuf,
        #[arg(long)]
        inflight: PathBuf,
    },
}

fn default_engines() -> Vec<String> {
    registry::default_engines()
}

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
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("crosscheck: error: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

fn verdict_code(v: &Verdict) -> ExitCode {
    match v {
        Verdict::Diverge(_) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run { file, args, engines, wat } => {
            let given = args.iter().map(|a| run::parse_invocation(a)).collect::<Result<Vec<_>, _>>()?;
            let (checked, skipped) = run::run_file(&file, &engines, &given)?;
            for s in skipped {
                eprintln!("crosscheck: skipped {s}");
            }
            print!("{}", report::render_with(&checked, wat));
            Ok(verdict_code(&checked.verdict))
        }
        Command::Fuzz { target: t, time, runs, jobs, seed, engines, artifacts, max_len, reuse, hang_timeout } => {
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
            // Fail on a bad engine list here, not in every worker.
            EngineSet::fuzzing(&engines)?;
            if let Some(note) = registry::default_engines_note().filter(|_| engines == default_engines()) {
                eprintln!("crosscheck: {note}");
            }
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
                hang_timeout: Duration::from_secs(hang_timeout),
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
            print!("{}", supervisor::summary_text(&summary, &opts));
            // Exit 1 for findings not traced to a documented engine bug.
            let unknown = summary.new_findings.iter().filter(|d| !crosscheck::artifacts::is_known_bug(d)).count();
            Ok(if unknown == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Repro { target: t, file, engines, wasm_out } => {
            let t = target(&t)?;
            let input = std::fs::read(&file).with_context(|| format!("{}", file.display()))?;
            if input.is_empty() {
                bail!("{}: empty input file: nothing to replay", file.display());
            }
            let mut set = EngineSet::fuzzing(&engines)?;
            let case = crosscheck::target::prepare(t, &input, &mut set)
                .map_err(|e| anyhow::anyhow!("{}: these bytes give no {t} Case ({e})", file.display()))?;
            // Said before running, so an engine that crashes still leaves them.
            if let Some(path) = &wasm_out {
                let bytes = if path.extension().is_some_and(|e| e == "wat") {
                    wasmprinter::print_bytes(&case.plan.wasm)?.into_bytes()
                } else {
                    case.plan.wasm.clone()
                };
                std::fs::write(path, bytes).with_context(|| format!("{}", path.display()))?;
            }
            for c in set.configs() {
                eprintln!("crosscheck: {c}");
            }
            let checked = crosscheck::target::check_case(t.name().to_string(), case, &mut set, Duration::ZERO);
            print!("{}", report::render(&checked));
            Ok(verdict_code(&checked.verdict))
        }
        Command::Shrink { file, engines, args, attempts, output } => {
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
        Command::Wast { files, engine, max_failures } => {
            if let Some(missing) = files.iter().find(|f| !f.is_file()) {
                bail!("{}: no such file", missing.display());
            }
            let mut engine = registry::create_default(&engine)?;
            let mut total = crosscheck::wast::Tally::default();
            for file in &files {
                let report = crosscheck::wast::run_file(engine.as_mut(), file)?;
                print!("{}", report.render(max_failures));
                total.add(report.tally);
            }
            println!("total: {total}");
            Ok(if total.failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
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
            for name in registry::ENGINE_NAMES {
                match registry::create(name) {
                    Ok(e) => println!("{name:<10} available  {:<14} proposals: {}", e.version(), e.features()),
                    Err(why) => println!("{name:<10} unavailable: {why}"),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Selftest { budget, seed, only } => {
            let opts = selftest::SelftestOptions { budget, seed, ..Default::default() };
            let mut missed = 0;
            println!("planted fault          target        detected after              planted in ~ judged against");
            for (fault, opts) in selftest::plan(&opts) {
                if !only.is_empty() && !only.iter().any(|o| o == fault.name()) {
                    continue;
                }
                let r = selftest::run_fault(fault, &opts)?;
                let found = match r.detected_after {
                    Some(n) => format!("{n} cases, {:.1}s", r.seconds),
                    None => {
                        let required = selftest::required(fault, &opts);
                        missed += usize::from(required);
                        format!(
                            "{}NOT DETECTED in {} cases, {:.0}s",
                            if required { "" } else { "(measured) " },
                            r.cases,
                            r.seconds
                        )
                    }
                };
                println!(
                    "{:<22} {:<13} {:<27} {} ~ {}",
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
            }
            if missed > 0 {
                println!("selftest: {missed} planted fault(s) undetected");
                return Ok(ExitCode::from(1));
            }
            println!("selftest: every planted fault detected");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { time, engines, seed, max_len, reuse, module, args, repeat } => {
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
            let format = crosscheck::sweep::render::Format::from_name(&format)
                .with_context(|| format!("unknown format {format:?} (text, md, json, html)"))?;
            let profiles =
                if profiles.iter().any(|p| p == "all") { crosscheck::sweep::all_profiles() } else { profiles };
            let opts = crosscheck::sweep::SweepOptions { engines, profiles, samples, seed, only };
            let matrix = crosscheck::sweep::run(&opts, |n, total, name| {
                if n % 25 == 0 {
                    eprintln!("crosscheck sweep: {n}/{total} {name}");
                }
            })?;
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
            eprintln!("crosscheck sweep: {} failing cell(s)", matrix.failures());
            Ok(if matrix.failures() == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Worker { target: t, engines, seed, runs, time, max_len, reuse, artifacts, inflight } => {
            let opts = WorkerOptions {
                target: target(&t)?,
                engines,
                seed,
                runs,
                time: time.map(seconds).transpose()?,
                max_len,
                reuse,
                artifacts,
                inflight,
            };
            supervisor::worker(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
