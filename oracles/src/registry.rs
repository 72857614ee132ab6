//! Engines by name: which exist, which this build has, and constructing them.

use crate::engine::Engine;

/// Every engine name crosscheck knows, in report order.
pub const ENGINE_NAMES: &[&str] = &["wasmtime", "winch", "pulley", "wasmi", "reference", "reference-plain"];

/// The engines a plain `crosscheck fuzz` compares, the baseline first: the
/// reference interpreter judges, the others are compared with it.
#[cfg(feature = "reference")]
pub const DEFAULT_ENGINES: &[&str] = &["reference", "wasmtime", "winch", "pulley", "wasmi"];
/// The engines a plain `crosscheck fuzz` compares (no reference interpreter
/// in this build: Wasmtime's Cranelift is the baseline).
#[cfg(not(feature = "reference"))]
pub const DEFAULT_ENGINES: &[&str] = &["wasmtime", "winch", "pulley", "wasmi"];

/// Why an engine cannot be used here.
#[derive(Debug, thiserror::Error)]
pub enum Unavailable {
    #[error("unknown engine {0:?} (known: {known})", known = ENGINE_NAMES.join(", "))]
    Unknown(String),
    #[error("engine {0:?} was not compiled in (enable the cargo feature {1:?})")]
    NotCompiled(String, &'static str),
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
