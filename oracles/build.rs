//! Records the versions of the engine crates actually linked, read from
//! the workspace's Cargo.lock, for reports (`CROSSCHECK_WASMTIME_VERSION`,
//! `CROSSCHECK_WASMI_VERSION`): `48.0.2`, or `48.0.2 (git abc1234)` when
//! the crate is patched in from a git repository.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let lock = manifest.ancestors().map(|d| d.join("Cargo.lock")).find(|p| p.is_file());
    if let Some(lock) = &lock {
        println!("cargo:rerun-if-changed={}", lock.display());
    }
    for (krate, var) in [("wasmtime", "CROSSCHECK_WASMTIME_VERSION"), ("wasmi", "CROSSCHECK_WASMI_VERSION")] {
        let version = lock.as_deref().and_then(|l| locked_version(l, krate)).unwrap_or_else(|| "unknown".into());
        println!("cargo:rustc-env={var}={version}");
    }
}

/// The version of `krate` in a Cargo.lock (the commit too for a git source).
fn locked_version(lock: &Path, krate: &str) -> Option<String> {
    let text = std::fs::read_to_string(lock).ok()?;
    text.split("[[package]]").find_map(|block| {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        if field("name")? != krate {
            return None;
        }
        let version = field("version")?;
        Some(
            match field("source")
                .filter(|s| s.starts_with("git+"))
                .and_then(|s| s.rsplit_once('#').map(|(_, c)| c.to_string()))
            {
                Some(commit) => format!("{version} (git {})", &commit[..commit.len().min(12)]),
                None => version,
            },
        )
    })
}
