//! What the command line accepts: every subcommand and its options, as
//! clap parses them (`crosscheck --help`); `main.rs` carries them out.

use clap::{Parser, Subcommand};
use crosscheck::engines::default_engines;
use crosscheck::fuzz::DEFAULT_REUSE;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "crosscheck",
    version,
    about = "Differential fuzzing of WebAssembly engines against each other and the spec"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run a .wasm or .wat file: call every export on every engine and compare.
    Run {
        file: PathBuf,
        /// Arguments for one call: EXPORT=TYPE:VALUE,... (repeatable; e.g. f=i32:-1,f32:0x7fc00000).
        #[arg(long = "args", value_name = "EXPORT=ARGS")]
        args: Vec<String>,
        /// Engines to compare, the first is the baseline; settings in brackets (wasmtime[opt=none,cpu=-avx]).
        #[arg(long, default_values_t = default_engines())]
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
        /// Engines to compare, the first is the baseline; settings in brackets (wasmtime[opt=none,cpu=-avx]).
        #[arg(long, default_values_t = default_engines())]
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
        /// Only the differential swarm profile of this name (e.g. `wasm3`:
        /// GC, exceptions and typed function references allowed in every
        /// Case); see `crosscheck::swarm::PROFILES`.
        #[arg(long, value_name = "PROFILE")]
        swarm: Option<String>,
        /// Seconds a worker may stay silent before it counts as hung.
        #[arg(long, default_value_t = 60)]
        hang_timeout: u64,
        /// Do not reduce each new finding in the background. By default each one is reduced (into FINDING/shrunk)
        /// while the campaign runs and the summary lists each distinct bug with its reduced size; a campaign
        /// with --runs waits for the last reduction, one with --time at most 30 s more, Ctrl-C stops it.
        #[arg(long)]
        no_triage: bool,
        /// The default (kept so scripts that pass it still work).
        #[arg(long, hide = true, conflicts_with = "no_triage")]
        triage: bool,
    },
    /// Replay an input file (ours or a libFuzzer/OSS-Fuzz crash file) or a finding folder (case.wasm + plan) and print the report.
    Repro {
        target: String,
        /// Fuzz input bytes, or a Case folder (a finding: case.wasm + plan).
        file: PathBuf,
        /// Engines to compare, the first is the baseline; settings in brackets (wasmtime[opt=none,cpu=-avx]).
        /// Default: a Case folder's own engines, else the default engines.
        #[arg(long)]
        engines: Vec<String>,
        /// Reduce the Case (module and call plan, under its engine configurations) and write it to --output.
        #[arg(long)]
        shrink: bool,
        /// Shrink attempts without progress before stopping.
        #[arg(long, default_value_t = 1000)]
        attempts: u32,
        /// Where --shrink writes the reduced Case folder (default: FILE.shrunk, or DIR/shrunk).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// With --shrink: also write the reduced Case as a .wast regression script here
        /// (the folder always gets one, case.wast).
        #[arg(long, value_name = "OUT.wast", requires = "shrink")]
        emit_wast: Option<PathBuf>,
        /// Write the Case's module here (.wasm, or .wat by extension) before
        /// running anything: the module survives an engine crash.
        #[arg(long, value_name = "PATH")]
        wasm_out: Option<PathBuf>,
    },
    /// Reduce a finding folder's Case (module and call plan, under its engine configurations), or a module file
    /// under `run`, while it keeps diverging with the same signature (or crashing at the same site).
    Shrink {
        /// A finding folder (case.wasm + plan), or a .wasm or .wat file.
        file: PathBuf,
        /// Engines to compare, the first is the baseline; settings in brackets (wasmtime[opt=none,cpu=-avx]).
        #[arg(long, default_values_t = default_engines())]
        engines: Vec<String>,
        /// Arguments for `run`, as there (EXPORT=ARGS, repeatable).
        #[arg(long = "args", value_name = "EXPORT=ARGS")]
        args: Vec<String>,
        /// Shrink attempts without progress before stopping.
        #[arg(long, default_value_t = 1000)]
        attempts: u32,
        /// Output: for a folder, the reduced Case folder (default DIR/shrunk); for a module, a .wasm
        /// (a .wat is written beside it; default FILE.shrunk.wasm).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// For a folder: also write the reduced Case as a .wast regression script here (the folder always gets
        /// one, case.wast).
        #[arg(long, value_name = "OUT.wast")]
        emit_wast: Option<PathBuf>,
    },
    /// Group a folder of findings (or crash files) by signature, reduce one per group, write DIR/TRIAGE.md and
    /// DIR/triage.json.
    Triage {
        dir: PathBuf,
        /// Target of loose crash files (findings under artifacts/<target>/ use their folder's).
        #[arg(long, default_value = "differential")]
        target: String,
        /// Engines to replay input files on (Case folders use their own).
        #[arg(long, default_values_t = default_engines())]
        engines: Vec<String>,
        /// Shrink attempts without progress, per group.
        #[arg(long, default_value_t = 1000)]
        attempts: u32,
    },
    /// Run official .wast spec scripts on one engine; prints `N passed, M failed, K skipped` per file and in total.
    Wast {
        /// The .wast scripts.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The engine to run them on (settings in brackets: wasmtime[opt=none]).
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
        #[arg(long, default_values_t = vec!["wasmtime".to_string(), "wasmi".to_string()])]
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
        /// Engines (columns); `wasmtime` gives one column per CPU profile, `wasmtime[...]` the configuration written.
        #[arg(long, default_values_t = crosscheck::sweep::default_engines())]
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
    /// The semantics-preservation oracle: COUNT semantics-preserving
    /// wasm-mutate mutations of the corpus (and of fresh wasm-smith modules),
    /// each original and mutant compared on the reference; prints the
    /// mutator divergences and how many agreements needed the NaN masks.
    MutateOracle {
        #[arg(long, default_value_t = 10_000)]
        count: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write each divergence's original and mutant (.wasm and .wat) here.
        #[arg(long, value_name = "DIR")]
        dump: Option<PathBuf>,
    },
    /// Write the `mutate` target's seed modules (corpus/mutate/*.wat,
    /// compiled) as .wasm files into DIR (for libFuzzer's corpus).
    MutateCorpus { dir: PathBuf },
    /// One fuzzing job (spawned by `fuzz`; not for direct use).
    #[command(hide = true)]
    Worker {
        target: String,
        #[arg(long)]
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
        swarm: Option<String>,
        #[arg(long)]
        artifacts: PathBuf,
        #[arg(long)]
        inflight: PathBuf,
    },
}
