//! `crosscheck shrink`: reduces a module while it stays interesting — it
//! still diverges under `crosscheck run` with the same signature, or still
//! crashes an engine at the same panic site. Each candidate runs in a
//! `crosscheck run` subprocess, so a crashing engine cannot take the
//! reducer down with it.

use crate::artifacts::crash_signature;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What makes a module interesting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interest {
    /// `crosscheck run` exits 1 with this signature.
    Divergence(String),
    /// An engine crashes with this crash signature (panic site).
    Crash(String),
}

impl std::fmt::Display for Interest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Interest::Divergence(s) => write!(f, "divergence {s}"),
            Interest::Crash(s) => write!(f, "crash ({s})"),
        }
    }
}

/// How to run a candidate.
#[derive(Clone, Debug)]
pub struct Runner {
    pub exe: PathBuf,
    pub engines: Vec<String>,
    /// `--args` passed through to `crosscheck run`.
    pub args: Vec<String>,
    pub scratch: PathBuf,
}

impl Runner {
    /// What `crosscheck run` makes of `wasm`: its interest, or `None` when
    /// the engines agree (or the candidate is not a usable module).
    pub fn observe(&self, wasm: &[u8]) -> std::io::Result<Option<Interest>> {
        let file = self.scratch.join("candidate.wasm");
        std::fs::write(&file, wasm)?;
        let mut cmd = Command::new(&self.exe);
        cmd.arg("run").arg(&file).arg("--engines").arg(self.engines.join(","));
        for a in &self.args {
            cmd.arg("--args").arg(a);
        }
        let out = cmd.env("RUST_BACKTRACE", "0").output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        Ok(match out.status.code() {
            Some(0) | Some(2) => None,
            Some(1) => stdout
                .lines()
                .find_map(|l| l.strip_prefix("signature: "))
                .map(|s| Interest::Divergence(s.split("  (id").next().unwrap_or(s).to_string())),
            _ => Some(Interest::Crash(crash_signature(&stderr, &out.status.to_string()))),
        })
    }
}

/// The result of a reduction.
pub struct Shrunk {
    pub interest: Interest,
    pub input_size: u64,
    pub output: Vec<u8>,
}

/// Reduces `wasm` while [`Runner::observe`] keeps giving the interest it
/// gives the original.
pub fn shrink(wasm: Vec<u8>, runner: &Runner, attempts: u32) -> anyhow::Result<Shrunk> {
    let Some(interest) = runner.observe(&wasm)? else {
        anyhow::bail!(
            "the module is not interesting to begin with: the engines agree (pass the --args that make it diverge)"
        );
    };
    let want = interest.clone();
    let info = wasm_shrink::WasmShrink::default()
        .attempts(attempts)
        .run(wasm, |candidate| Ok(runner.observe(candidate)?.as_ref() == Some(&want)))?;
    Ok(Shrunk { interest, input_size: info.input_size, output: info.output })
}

/// `FILE.shrunk.wasm` beside `FILE`.
pub fn default_output(input: &Path) -> PathBuf {
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "module".into());
    input.with_file_name(format!("{stem}.shrunk.wasm"))
}
