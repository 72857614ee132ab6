//! Records the versions of the engine crates actually linked, read from
//! the workspace's Cargo.lock, for reports (`CROSSCHECK_WASMTIME_VERSION`,
//! `CROSSCHECK_WASMI_VERSION`): `48.0.2`, `48.0.2 (git abc1234)` when
//! the crate is patched in from a git repository, or `48.0.2 (path DIR,
//! git abc1234)` when a `[patch.crates-io]` of the workspace's Cargo.toml
//! points it at a local checkout (`scripts/use-wasmtime.sh PATH`).

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let lock = manifest.ancestors().map(|d| d.join("Cargo.lock")).find(|p| p.is_file());
    if let Some(lock) = &lock {
        println!("cargo:rerun-if-changed={}", lock.display());
        println!("cargo:rerun-if-changed={}", lock.with_file_name("Cargo.toml").display());
    }
    for (krate, var) in [("wasmtime", "CROSSCHECK_WASMTIME_VERSION"), ("wasmi", "CROSSCHECK_WASMI_VERSION")] {
        let mut version = lock.as_deref().and_then(|l| locked_version(l, krate)).unwrap_or_else(|| "unknown".into());
        if let Some(dir) = lock.as_deref().and_then(|l| patched_path(&l.with_file_name("Cargo.toml"), krate)) {
            version = format!("{version} ({})", checkout(&dir));
        }
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

/// The directory a `[patch.crates-io]` entry `krate = { path = "DIR" }` of
/// `manifest` points at.
fn patched_path(manifest: &Path, krate: &str) -> Option<PathBuf> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let mut in_patch = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_patch = line == "[patch.crates-io]";
            continue;
        }
        let Some((name, value)) = line.split_once('=') else { continue };
        if !in_patch || name.trim() != krate {
            continue;
        }
        let (_, rest) = value.split_once("path")?;
        let path = rest.trim_start().strip_prefix('=')?.trim_start().strip_prefix('"')?.split('"').next()?;
        let path = manifest.parent()?.join(path);
        println!("cargo:rerun-if-changed={}", path.display());
        return Some(path);
    }
    None
}

/// `path DIR, git COMMIT` (`+changes` when the work tree differs from it).
fn checkout(dir: &Path) -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(commit) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            format!("path {}, git {commit}{}", dir.display(), if dirty { " +changes" } else { "" })
        }
        None => format!("path {}", dir.display()),
    }
}
