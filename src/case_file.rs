//! A Case on disk, independent of the fuzz bytes that made it: `case.wasm`
//! and a `plan` file (format version 1, documented in
//! `docs/case-files.md`) holding the calls with their arguments as exact
//! bits, the proposals and determinism the Case was built with, and each
//! engine in the bracket form that reproduces its configuration. Replaying
//! a saved Case needs neither wasm-smith nor the bytes, so it survives a
//! wasm-smith upgrade.

use crate::case::{Case, Determinism};
use crate::module_info::ModuleInfo;
use crosscheck_oracles::{Call, Features, Plan, Val};
use std::fmt::Write as _;
use std::path::Path;

/// The first line of every plan file; the number is the format's version.
pub const HEADER: &str = "crosscheck-plan 1";

/// The module's file name in a Case folder.
pub const WASM_FILE: &str = "case.wasm";
/// The plan's file name in a Case folder.
pub const PLAN_FILE: &str = "plan";

/// A Case as saved: the Case, the engines that ran it, what made it.
#[derive(Clone, Debug)]
pub struct SavedCase {
    pub case: Case,
    /// Engines in the bracket form, the baseline first.
    pub engines: Vec<String>,
    /// What made the Case (a target name, a file).
    pub origin: String,
}

/// A plan file or Case folder crosscheck cannot read.
#[derive(Debug, thiserror::Error)]
pub enum CaseFileError {
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path}:{line}: {why}")]
    Syntax { path: String, line: usize, why: String },
    #[error("{path}: {why}")]
    Invalid { path: String, why: String },
}

/// Whether `dir` is a Case folder (has a plan file).
pub fn is_case_dir(dir: &Path) -> bool {
    dir.join(PLAN_FILE).is_file() && dir.join(WASM_FILE).is_file()
}

/// The plan file's text for a Case run on `engines`.
pub fn plan_text(saved: &SavedCase) -> String {
    let c = &saved.case;
    let mut s = String::new();
    let _ = writeln!(s, "{HEADER}");
    let _ = writeln!(s, "# A crosscheck Case: replay with `crosscheck repro <target> <this folder>`.");
    let _ = writeln!(s, "# Format: docs/case-files.md. The module is case.wasm beside this file.");
    let _ = writeln!(s, "origin {}", escape(&saved.origin));
    let _ = writeln!(s, "engines {}", saved.engines.join(","));
    let on: Vec<&str> = c.features.iter().filter(|(_, on)| *on).map(|(n, _)| n).collect();
    let _ = writeln!(s, "features {}", if on.is_empty() { "none".to_string() } else { on.join(",") });
    let d = c.determinism;
    let _ = writeln!(s, "determinism canonicalize-nans={} relaxed-simd={}", d.canonicalize_nans, d.relaxed_simd);
    for call in &c.plan.calls {
        let _ = write!(s, "call \"{}\"", escape(&call.export));
        for a in &call.args {
            let _ = write!(s, " {}", val_text(a));
        }
        s.push('\n');
    }
    s
}

/// Writes a Case folder: `case.wasm`, `case.wat` (for reading) and `plan`.
pub fn write(dir: &Path, saved: &SavedCase) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(WASM_FILE), &saved.case.plan.wasm)?;
    if let Ok(wat) = wasmprinter::print_bytes(&saved.case.plan.wasm) {
        std::fs::write(dir.join("case.wat"), wat)?;
    }
    std::fs::write(dir.join(PLAN_FILE), plan_text(saved))
}

/// Reads a Case folder written by [`write`].
pub fn read(dir: &Path) -> Result<SavedCase, CaseFileError> {
    let plan_path = dir.join(PLAN_FILE);
    let path = plan_path.display().to_string();
    let io = |p: &Path| {
        let p = p.display().to_string();
        move |error| CaseFileError::Io { path: p, error }
    };
    let text = std::fs::read_to_string(&plan_path).map_err(io(&plan_path))?;
    let wasm = std::fs::read(dir.join(WASM_FILE)).map_err(io(&dir.join(WASM_FILE)))?;
    parse(&path, &text, wasm)
}

/// Parses a plan file's text, with its module.
pub fn parse(path: &str, text: &str, wasm: Vec<u8>) -> Result<SavedCase, CaseFileError> {
    let syntax = |line: usize, why: String| CaseFileError::Syntax { path: path.to_string(), line, why };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    match lines.next() {
        Some((_, HEADER)) => {}
        Some((n, other)) if other.starts_with("crosscheck-plan ") => {
            return Err(syntax(n, format!("format {other:?} is not one this crosscheck reads ({HEADER:?})")));
        }
        _ => return Err(syntax(1, format!("not a plan file (first line must be {HEADER:?})"))),
    }
    let mut engines = Vec::new();
    let mut features = None;
    let mut determinism = None;
    let mut origin = String::new();
    let mut calls = Vec::new();
    for (n, line) in lines {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "origin" => origin = unescape(rest).map_err(|why| syntax(n, why))?,
            "engines" => engines = crosscheck_oracles::engine_spec::split_engine_list(rest),
            "features" => {
                let mut f = Features::NONE;
                for name in rest.split(',').map(str::trim).filter(|s| !s.is_empty() && *s != "none") {
                    f = f.with_named(name).ok_or_else(|| syntax(n, format!("unknown proposal {name:?}")))?;
                }
                features = Some(f);
            }
            "determinism" => {
                let mut d = Determinism { canonicalize_nans: false, relaxed_simd: false };
                for item in rest.split_whitespace() {
                    let flag = match item.split_once('=') {
                        Some((k, "true")) => (k, true),
                        Some((k, "false")) => (k, false),
                        _ => return Err(syntax(n, format!("bad determinism item {item:?}"))),
                    };
                    match flag {
                        ("canonicalize-nans", v) => d.canonicalize_nans = v,
                        ("relaxed-simd", v) => d.relaxed_simd = v,
                        (k, _) => return Err(syntax(n, format!("unknown determinism item {k:?}"))),
                    }
                }
                determinism = Some(d);
            }
            "call" => {
                let mut words = rest.split_whitespace();
                let word = words.next().unwrap_or("");
                let quoted = word.strip_prefix('"').and_then(|w| w.strip_suffix('"'));
                let quoted = quoted.ok_or_else(|| syntax(n, format!("expected the export in quotes, got {word:?}")))?;
                let export = unescape(quoted).map_err(|why| syntax(n, why))?;
                let args = words
                    .map(|w| crate::run::parse_val(w).map_err(|e| syntax(n, e.0)))
                    .collect::<Result<Vec<Val>, _>>()?;
                calls.push(Call { export, args });
            }
            other => return Err(syntax(n, format!("unknown line {other:?}"))),
        }
    }
    let invalid = |why: String| CaseFileError::Invalid { path: path.to_string(), why };
    let features = features.ok_or_else(|| invalid("no `features` line".into()))?;
    let determinism = determinism.ok_or_else(|| invalid("no `determinism` line".into()))?;
    if engines.is_empty() {
        return Err(invalid("no `engines` line".into()));
    }
    let case = case_of(wasm, calls, features, determinism).map_err(invalid)?;
    Ok(SavedCase { case, engines, origin })
}

/// A Case from its parts, the calls checked against the module's exports.
pub fn case_of(wasm: Vec<u8>, calls: Vec<Call>, features: Features, determinism: Determinism) -> Result<Case, String> {
    let info = ModuleInfo::of(&wasm).map_err(|e| format!("case.wasm: {e}"))?;
    for call in &calls {
        let f = info
            .funcs
            .iter()
            .find(|f| f.name == call.export)
            .ok_or_else(|| format!("the plan calls {:?}, which the module does not export", call.export))?;
        let types: Vec<_> = call.args.iter().map(|a| a.ty()).collect();
        if types != f.params {
            return Err(format!("the plan calls {:?} with arguments of the wrong types", call.export));
        }
    }
    let observe = info.observe.clone();
    Ok(Case { plan: Plan { wasm, calls, observe }, info, features, determinism })
}

/// An argument as `TYPE:0xBITS` (what `crosscheck run --args` reads).
pub fn val_text(v: &Val) -> String {
    match v {
        Val::I32(x) => format!("i32:{x:#010x}"),
        Val::I64(x) => format!("i64:{x:#018x}"),
        Val::F32(x) => format!("f32:{x:#010x}"),
        Val::F64(x) => format!("f64:{x:#018x}"),
        Val::V128(x) => format!("v128:{x:#034x}"),
        Val::FuncRef { null } => format!("funcref:{}", if *null { "null" } else { "nonnull" }),
        Val::ExternRef { null } => format!("externref:{}", if *null { "null" } else { "nonnull" }),
    }
}

/// A name with every byte outside `[A-Za-z0-9_.-/:]` as `%XX`, so it is
/// one word on a line.
pub fn escape(name: &str) -> String {
    let mut s = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-/:".contains(&b) {
            s.push(b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    s
}

fn unescape(word: &str) -> Result<String, String> {
    let bytes = word.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = word.get(i + 1..i + 3).ok_or_else(|| format!("bad escape in {word:?}"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape in {word:?}"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{word:?} is not UTF-8 once unescaped"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_round_trips() {
        let wasm = wat::parse_str(
            r#"(module (func (export "f x") (param i32 f32 v128) (result i32) local.get 0) (func (export "")))"#,
        )
        .unwrap();
        let calls = vec![
            Call { export: "f x".into(), args: vec![Val::I32(u32::MAX), Val::F32(0x7fc0_0001), Val::V128(1 << 100)] },
            Call { export: String::new(), args: vec![] },
        ];
        let features = Features::WASM2;
        let case = case_of(wasm.clone(), calls, features, Determinism::JUDGED).unwrap();
        let saved = SavedCase {
            case,
            engines: vec!["reference".into(), "wasmtime[opt=none,cpu=-avx,-sse4.1]+i32-result-bit".into()],
            origin: "differential".into(),
        };
        let text = plan_text(&saved);
        let back = parse("plan", &text, wasm).unwrap();
        assert_eq!(back.case.plan.calls, saved.case.plan.calls);
        assert_eq!(back.engines, saved.engines);
        assert_eq!(back.case.features, features);
        assert_eq!(back.case.determinism, Determinism::JUDGED);
        assert_eq!(plan_text(&back), text);
        assert!(parse("plan", &text.replace("crosscheck-plan 1", "crosscheck-plan 9"), vec![]).is_err());
    }
}
