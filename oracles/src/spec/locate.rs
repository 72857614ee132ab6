//! Finding the spec interpreter — `$WASM_SPEC_INTERPRETER`, else `wasm` on
//! `PATH` — and learning, once per process, its version (its banner) and
//! which proposals it supports: one small module per proposal, sent to a
//! REPL; the proposals whose module it takes are the supported ones.

use super::repl::Repl;
use super::transcript::Response;
use crate::features::Features;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// The environment variable naming the interpreter binary.
pub const ENV: &str = "WASM_SPEC_INTERPRETER";

/// The call-depth budget the interpreter runs with (`-b`): the reference
/// interpreter's `max_call_depth`.
pub fn call_depth() -> usize {
    #[cfg(feature = "reference")]
    {
        crosscheck_reference::Config::default().max_call_depth
    }
    #[cfg(not(feature = "reference"))]
    {
        10_000
    }
}

/// A probed interpreter.
#[derive(Clone, Debug)]
pub struct SpecInfo {
    pub path: PathBuf,
    /// `$WASM_SPEC_INTERPRETER` or `PATH`.
    pub source: &'static str,
    /// Its banner: `wasm 3.0.0 reference interpreter`.
    pub banner: String,
    /// The proposals its probe modules showed it supports.
    pub features: Features,
}

impl SpecInfo {
    /// The version from the banner (`3.0.0`).
    pub fn version(&self) -> &str {
        self.banner.split_whitespace().nth(1).unwrap_or("?")
    }
}

/// A module per proposal, in the text format, using it.
pub const PROBES: &[(&str, &str)] = &[
    ("sign-extension", "(module (func (result i32) (i32.extend8_s (i32.const 0))))"),
    ("saturating-float-to-int", "(module (func (result i32) (i32.trunc_sat_f32_s (f32.const 0))))"),
    ("multi-value", "(module (func (result i32 i32) (i32.const 0) (i32.const 0)))"),
    ("bulk-memory", "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))"),
    ("reference-types", "(module (table 1 externref) (func (result externref) (ref.null extern)))"),
    ("simd", "(module (func (result v128) (v128.const i64x2 0 0)))"),
    (
        "relaxed-simd",
        "(module (func (result v128) (f32x4.relaxed_madd (v128.const i64x2 0 0) (v128.const i64x2 0 0) (v128.const i64x2 0 0))))",
    ),
    ("tail-call", "(module (func $f (return_call $f)))"),
    ("multi-memory", "(module (memory 1) (memory 1))"),
    ("extended-const", "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))"),
    ("memory64", "(module (memory i64 1) (func (result i64) (memory.size)))"),
    ("threads", "(module (memory 1 1 shared) (func (result i32) (i32.atomic.load (i32.const 0))))"),
    (
        "wide-arithmetic",
        "(module (func (result i64 i64) (i64.add128 (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0))))",
    ),
    ("custom-page-sizes", "(module (memory 1 (pagesize 1)))"),
    ("gc", "(module (type (struct (field i32))) (func (result anyref) (struct.new_default 0)))"),
    ("exceptions", "(module (tag) (func (throw 0)))"),
];

/// The interpreter to use and where it was found, or why there is none.
pub fn find() -> Result<(PathBuf, &'static str), String> {
    if let Some(p) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok((p, "$WASM_SPEC_INTERPRETER"))
        } else {
            Err(format!("${ENV} is {}, which is not a file", p.display()))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join("wasm")).find(|p| p.is_file()).map(|p| (p, "PATH")).ok_or_else(|| {
        format!(
            "no spec interpreter: set ${ENV} to a `wasm` binary or put one on PATH \
                 (scripts/build-spec-interpreter.sh builds it from a WebAssembly/spec checkout)"
        )
    })
}

/// Probes the interpreter at `path`.
pub fn probe(path: &Path, source: &'static str) -> Result<SpecInfo, String> {
    let mut repl = Repl::spawn(path, call_depth())?;
    if !repl.banner.contains("reference interpreter") {
        return Err(format!("{} is not the spec interpreter (it printed {:?})", path.display(), repl.banner));
    }
    let modules: Vec<String> = PROBES.iter().map(|(_, m)| m.to_string()).collect();
    let ex = repl.exchange(&modules, Duration::from_secs(10));
    if let Some(why) = ex.failure {
        return Err(format!("probing {}: {why}", path.display()));
    }
    let mut features = Features::NONE;
    for ((name, _), response) in PROBES.iter().zip(&ex.responses) {
        if matches!(response, Response::Output(_)) {
            features = features.with_named(name).unwrap_or(features);
        }
    }
    Ok(SpecInfo { path: path.to_path_buf(), source, banner: repl.banner.clone(), features })
}

/// The interpreter [`find`] finds, probed once per process.
pub fn spec_interpreter() -> Result<&'static SpecInfo, String> {
    static INFO: OnceLock<Result<SpecInfo, String>> = OnceLock::new();
    INFO.get_or_init(|| {
        let (path, source) = find()?;
        probe(&path, source)
    })
    .as_ref()
    .map_err(Clone::clone)
}
