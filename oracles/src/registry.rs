//! Engines by name: which exist, which this build has, and constructing them.

use crate::engine::Engine;

/// Every engine name crosscheck knows, in report order, but the
/// [`OPTIONAL_ENGINE_NAMES`].
pub const ENGINE_NAMES: &[&str] =
    &["wasmtime", "winch", "pulley", "wasmi", "reference", "reference-plain", "v8", "v8-liftoff"];

/// Engines that need a program only the user installs (the official spec
/// interpreter, `spec`): `crosscheck engines` lists them and `--engines`
/// takes them, but nothing that runs every engine (tests, CI) needs them.
pub const OPTIONAL_ENGINE_NAMES: &[&str] = &["spec"];

/// The engines a plain `crosscheck fuzz` compares, the baseline first: the
/// reference interpreter judges, the others are compared with it.
#[cfg(feature = "reference")]
pub const DEFAULT_ENGINES: &[&str] = &["reference", "wasmtime", "winch", "pulley", "wasmi"];
/// The engines a plain `crosscheck fuzz` compares (no reference interpreter
/// in this build: Wasmtime's Cranelift is the baseline).
#[cfg(not(feature = "reference"))]
pub const DEFAULT_ENGINES: &[&str] = &["wasmtime", "winch", "pulley", "wasmi"];

/// The engines a plain `crosscheck fuzz` compares: [`DEFAULT_ENGINES`],
/// then `v8` when this build has it and a Node.js is found.
pub fn default_engines() -> Vec<String> {
    let mut names: Vec<String> = DEFAULT_ENGINES.iter().map(|s| s.to_string()).collect();
    if default_engines_note().is_none() {
        names.push("v8".to_string());
    }
    names
}

/// Why `v8` is left out of [`default_engines`], if it is. Only looks for
/// Node (cheap: every command line computes its defaults); probing it is
/// left to building the engine.
pub fn default_engines_note() -> Option<String> {
    #[cfg(feature = "v8")]
    let why = crate::v8::node::find_node().err();
    #[cfg(not(feature = "v8"))]
    let why = Some("this build has no V8 (cargo feature \"v8\")".to_string());
    why.map(|w| format!("v8 left out of the default engines: {w}"))
}

/// Why an engine cannot be used here.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("unknown engine {0:?} (known: {known})", known = [ENGINE_NAMES, OPTIONAL_ENGINE_NAMES].concat().join(", "))]
    Unknown(String),
    #[error("engine {0:?} was not compiled in (enable the cargo feature {1:?})")]
    NotCompiled(String, &'static str),
    #[error("engine {0:?} is not available: {1}")]
    Missing(String, String),
}

/// Builds the engine called `name`, drawing a fresh configuration per Case.
pub fn create(name: &str) -> Result<Box<dyn Engine>, Unavailable> {
    match name {
        #[cfg(feature = "wasmtime")]
        "wasmtime" => Ok(Box::new(crate::wasmtime::WasmtimeEngine::new(crate::wasmtime::Strategy::Cranelift))),
        #[cfg(feature = "wasmtime")]
        "winch" => Ok(Box::new(crate::wasmtime::WasmtimeEngine::new(crate::wasmtime::Strategy::Winch))),
        #[cfg(feature = "wasmtime")]
        "pulley" => Ok(Box::new(crate::wasmtime::WasmtimeEngine::new(crate::wasmtime::Strategy::Pulley))),
        #[cfg(not(feature = "wasmtime"))]
        "wasmtime" | "winch" | "pulley" => Err(Unavailable::NotCompiled(name.into(), "wasmtime")),
        #[cfg(feature = "wasmi")]
        "wasmi" => Ok(Box::new(crate::wasmi::WasmiEngine::new())),
        #[cfg(not(feature = "wasmi"))]
        "wasmi" => Err(Unavailable::NotCompiled(name.into(), "wasmi")),
        #[cfg(feature = "reference")]
        "reference" => Ok(Box::new(crate::reference::ReferenceEngine::new())),
        // The interpreter without undetermined masks (benchmarks, checks).
        #[cfg(feature = "reference")]
        "reference-plain" => Ok(Box::new(crate::reference::ReferenceEngine::without_masks())),
        #[cfg(not(feature = "reference"))]
        "reference" | "reference-plain" => Err(Unavailable::NotCompiled(name.into(), "reference")),
        #[cfg(feature = "v8")]
        "v8" | "v8-liftoff" => {
            let tier = if name == "v8" { crate::v8::Tier::Optimizing } else { crate::v8::Tier::Liftoff };
            match crate::v8::V8Engine::new(tier) {
                Ok(e) => Ok(Box::new(e)),
                Err(why) => Err(Unavailable::Missing(name.into(), why)),
            }
        }
        #[cfg(not(feature = "v8"))]
        "v8" | "v8-liftoff" => Err(Unavailable::NotCompiled(name.into(), "v8")),
        #[cfg(feature = "spec")]
        "spec" => match crate::spec::SpecEngine::new() {
            Ok(e) => Ok(Box::new(e)),
            Err(why) => Err(Unavailable::Missing(name.into(), why)),
        },
        #[cfg(not(feature = "spec"))]
        "spec" => Err(Unavailable::NotCompiled(name.into(), "spec")),
        other => Err(Unavailable::Unknown(other.to_string())),
    }
}

/// Builds the engine called `name` with its default configuration (no
/// per-Case randomization): what `crosscheck run` uses.
pub fn create_default(name: &str) -> Result<Box<dyn Engine>, Unavailable> {
    match name {
        #[cfg(feature = "wasmtime")]
        "wasmtime" | "winch" | "pulley" => {
            use crate::wasmtime::{Strategy, WasmtimeConfig, WasmtimeEngine};
            let strategy = match name {
                "winch" => Strategy::Winch,
                "pulley" => Strategy::Pulley,
                _ => Strategy::Cranelift,
            };
            Ok(Box::new(WasmtimeEngine::with_config(WasmtimeConfig::default_for(strategy))))
        }
        #[cfg(feature = "wasmi")]
        "wasmi" => Ok(Box::new(crate::wasmi::WasmiEngine::with_translation(crate::wasmi::Translation::Eager))),
        _ => create(name),
    }
}
