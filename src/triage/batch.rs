//! `crosscheck triage DIR`: a folder of findings (Case folders, crash
//! folders) or libFuzzer/OSS-Fuzz crash files, grouped by what replaying
//! each gives (divergence signature, crash site, or the kind of failure of
//! an engine that could not run it), one per group reduced,
//! and written up as `DIR/TRIAGE.md` and `DIR/triage.json`. Every replay
//! and reduction runs in a `crosscheck repro` subprocess, so an engine
//! crash is a finding, not the end of triage.

use super::shrink::{Interest, interest_of, shell_word};
use crate::case_file;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder under DIR that triage writes its reduced Cases to.
pub const OUT_DIR: &str = "triage";

/// How to triage.
#[derive(Clone, Debug)]
pub struct TriageOptions {
    pub exe: PathBuf,
    /// Target of loose input files (a Case folder names its own engines).
    pub target: String,
    /// Engines for input files (not for Case folders).
    pub engines: Vec<String>,
    /// wasm-shrink attempts without progress.
    pub attempts: u32,
}

/// One thing to replay: a Case folder or an input file.
#[derive(Clone, Debug)]
pub struct Item {
    pub path: PathBuf,
    /// The target it belongs to (`artifacts/<target>/...`, else the option).
    pub target: String,
    pub is_case: bool,
}

/// One distinct bug: what its findings have in common ([`bug_key`]), the
/// interest of the one reduced, the items that show it (each with its own
/// interest), the reduced Case.
#[derive(Debug)]
pub struct Group {
    pub key: String,
    pub interest: Interest,
    pub items: Vec<Item>,
    /// Each item's own interest, in the order of `items`.
    pub interests: Vec<Interest>,
    /// The reduced Case's folder, if the reduction succeeded.
    pub reduced: Option<PathBuf>,
    /// Why not, when it did not.
    pub failure: Option<String>,
}

/// The whole triage.
#[derive(Debug, Default)]
pub struct Triage {
    pub groups: Vec<Group>,
    /// Items whose replay was not interesting (engines agree now, bad input).
    pub dull: Vec<(Item, String)>,
}

/// The items under `dir`: Case folders, crash folders' `input.bin`, and
/// other regular files (crash files), skipping triage's own output, reduced
/// Cases and the files a finding folder holds besides its Case.
pub fn items(dir: &Path, default_target: &str) -> std::io::Result<Vec<Item>> {
    let mut out = Vec::new();
    walk(dir, default_target, 0, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk(dir: &Path, target: &str, depth: usize, out: &mut Vec<Item>) -> std::io::Result<()> {
    if case_file::is_case_dir(dir) {
        out.push(Item { path: dir.to_path_buf(), target: target.to_string(), is_case: true });
        return Ok(());
    }
    if dir.join("input.bin").is_file() {
        out.push(Item { path: dir.join("input.bin"), target: target.to_string(), is_case: false });
        return Ok(());
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || (depth == 0 && (name == OUT_DIR || name == "TRIAGE.md" || name == "triage.json")) {
            continue;
        }
        if path.is_dir() && depth < 3 {
            let sub_target = if crate::target::Target::from_name(&name).is_some() { name.as_str() } else { target };
            walk(&path, sub_target, depth + 1, out)?;
        } else if path.is_file() {
            out.push(Item { path, target: target.to_string(), is_case: false });
        }
    }
    Ok(())
}

/// Why a replay was not interesting: the report's verdict, else the last
/// line `repro` wrote to stderr (bad input).
fn dull_reason(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Some(verdict) = stdout.lines().find_map(|l| l.strip_prefix("verdict: ")) {
        return verdict.to_string();
    }
    String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("engines agree").to_string()
}

impl TriageOptions {
    fn repro(&self, item: &Item) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.arg("repro").arg(&item.target).arg(&item.path).env("RUST_BACKTRACE", "0");
        if !item.is_case {
            cmd.arg("--engines").arg(self.engines.join(","));
        }
        cmd
    }
}

/// Replays every item under `dir`, groups them, reduces one per group into
/// `dir/triage/<id>/`.
pub fn triage(dir: &Path, opts: &TriageOptions, mut progress: impl FnMut(&str)) -> std::io::Result<Triage> {
    let mut by_interest: BTreeMap<String, Group> = BTreeMap::new();
    let mut t = Triage::default();
    for item in items(dir, &opts.target)? {
        let out = opts.repro(&item).output()?;
        match interest_of(&out) {
            Some(interest) => {
                progress(&format!("{}: {interest}", item.path.display()));
                let key = bug_key(&interest);
                let group = by_interest.entry(key.clone()).or_insert_with(|| Group {
                    key,
                    interest: interest.clone(),
                    items: Vec::new(),
                    interests: Vec::new(),
                    reduced: None,
                    failure: None,
                });
                group.items.push(item);
                group.interests.push(interest);
            }
            None => {
                let why = dull_reason(&out);
                progress(&format!("{}: not interesting ({why})", item.path.display()));
                t.dull.push((item, why));
            }
        }
    }
    for (key, mut group) in by_interest {
        // Case folders first: they replay without the bytes' engines.
        let mut pairs: Vec<(Item, Interest)> = group.items.drain(..).zip(group.interests.drain(..)).collect();
        pairs.sort_by_key(|(i, _)| !i.is_case);
        (group.items, group.interests) = pairs.into_iter().unzip();
        group.interest = group.interests[0].clone();
        let out = dir.join(OUT_DIR).join(crate::report::signature_id(&key));
        let _ = std::fs::remove_dir_all(&out);
        let first = &group.items[0];
        progress(&format!("reducing {} ({} finding(s)) from {}", key, group.items.len(), first.path.display()));
        let result = opts
            .repro(first)
            .arg("--shrink")
            .arg("--attempts")
            .arg(opts.attempts.to_string())
            .arg("--output")
            .arg(&out)
            .output()?;
        if result.status.success() && case_file::is_case_dir(&out) {
            group.reduced = Some(out);
        } else {
            let stderr = String::from_utf8_lossy(&result.stderr);
            group.failure = Some(stderr.lines().last().unwrap_or("the reduction failed").to_string());
        }
        t.groups.push(group);
    }
    Ok(t)
}

/// What tells one bug from another: a crash's site; an engine failure's
/// signature (the engine and its message's kind); a divergence traced to
/// a documented engine bug, that bug; otherwise the signature's engines
/// (each with its settings and planted fault) and instruction, when it
/// names one, with the class of difference coarsened to what was observed
/// — a result, a trap (wrong kind, missing or extra), an exported global,
/// memory or table, instantiation — so one wrong lowering seen through
/// values of several types, or through several trap kinds, is one bug.
/// Each finding's own signature stays listed in its group.
pub fn bug_key(interest: &Interest) -> String {
    let sig = match interest {
        Interest::Crash(site) => return format!("crash ({site})"),
        Interest::EngineFailure(sig) => return sig.clone(),
        Interest::Divergence(sig) if sig.starts_with("known-bug:") => return sig.clone(),
        Interest::Divergence(sig) => sig,
    };
    let parts: Vec<&str> = sig.split(':').collect();
    let Some(pair) = parts.iter().position(|p| p.contains('~')) else { return sig.clone() };
    let class = parts.get(pair + 1).copied().unwrap_or("");
    let coarse = match class {
        "trap-kind" | "missing-trap" | "extra-trap" => "trap",
        c if c.starts_with("instantiation") => "instantiation",
        c if c.starts_with("global") => "global",
        c if c.starts_with("memory") => "memory",
        c if c.starts_with("table") => "table",
        c => c,
    };
    format!("{}:{coarse}", parts[..=pair].join(":"))
}

/// `TRIAGE.md`: one section per distinct bug.
pub fn markdown(t: &Triage, dir: &Path) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Triage of {}\n", dir.display());
    let findings: usize = t.groups.iter().map(|g| g.items.len()).sum();
    let _ = writeln!(
        s,
        "{} distinct bug(s) from {findings} finding(s); {} item(s) no longer interesting.\n",
        t.groups.len(),
        t.dull.len()
    );
    for (n, g) in t.groups.iter().enumerate() {
        let _ = writeln!(s, "## {}. {}\n", n + 1, g.key);
        if let Interest::EngineFailure(_) = g.interest {
            let _ = writeln!(
                s,
                "No verdict: an engine could not run these Cases (a bug of crosscheck's adapter for it, or of the engine).\n"
            );
        }
        let _ = writeln!(s, "Findings ({}), reduced: the first, keeping its {}:\n", g.items.len(), g.interest);
        for (i, interest) in g.items.iter().zip(&g.interests) {
            let _ = writeln!(s, "- `{}`: {interest}", i.path.display());
        }
        s.push('\n');
        let Some(reduced) = &g.reduced else {
            let _ = writeln!(s, "Not reduced: {}\n", g.failure.as_deref().unwrap_or("unknown"));
            continue;
        };
        let read = |f: &str| std::fs::read_to_string(reduced.join(f)).unwrap_or_default();
        let shrink = read("shrink.txt");
        let field = |k: &str| shrink.lines().find_map(|l| l.strip_prefix(k)).unwrap_or("").trim().to_string();
        let _ = writeln!(s, "Engines, as configured when it reproduces:\n");
        for e in case_file::read(reduced).map(|c| c.engines).unwrap_or_default() {
            let _ = writeln!(s, "- `{e}`");
        }
        let _ = writeln!(s, "\nReduction: {}\n", field("reduction:"));
        let located = field("located:");
        if !located.is_empty() {
            let _ = writeln!(s, "First differing result: {located}\n");
        }
        let _ = writeln!(s, "Reproduce:\n\n```sh\n{}\n```\n", field("reproduce:"));
        let _ = writeln!(
            s,
            "Reduced module (`{}`):\n\n```wat\n{}```\n",
            reduced.join("case.wat").display(),
            read("case.wat")
        );
        let wast = read("case.wast");
        if !wast.is_empty() {
            let _ = writeln!(
                s,
                "Regression script (`{}`; `crosscheck wast {}` passes on the reference):\n\n```wast\n{}```\n",
                reduced.join("case.wast").display(),
                shell_word(&reduced.join("case.wast").display().to_string()),
                wast
            );
        }
    }
    if !t.dull.is_empty() {
        let _ = writeln!(s, "## Not interesting on replay\n");
        for (i, why) in &t.dull {
            let _ = writeln!(s, "- `{}`: {why}", i.path.display());
        }
    }
    s
}

/// `triage.json`: the groups as data.
pub fn json(t: &Triage) -> String {
    let mut s = String::from("{\n  \"groups\": [");
    for (n, g) in t.groups.iter().enumerate() {
        let items: Vec<String> = g.items.iter().map(|i| esc(&i.path.display().to_string())).collect();
        let reduced = g.reduced.as_ref().and_then(|r| case_file::read(r).ok());
        let shrink = g.reduced.as_ref().and_then(|r| std::fs::read_to_string(r.join("shrink.txt")).ok());
        let field =
            |k: &str| shrink.as_deref().and_then(|s| s.lines().find_map(|l| l.strip_prefix(k))).map(|v| esc(v.trim()));
        let _ = write!(
            s,
            "{}\n    {{\"bug\": {}, \"interest\": {}, \"id\": {}, \"findings\": [{}], \"reduced\": {}, \"engines\": [{}], \
             \"wasm_bytes\": {}, \"calls\": {}, \"reduction\": {}, \"located\": {}, \"reproduce\": {}, \"failure\": {}}}",
            if n == 0 { "" } else { "," },
            esc(&g.key),
            esc(&g.interest.to_string()),
            esc(&crate::report::signature_id(&g.key)),
            items.join(", "),
            g.reduced.as_ref().map_or("null".into(), |r| esc(&r.display().to_string())),
            reduced.as_ref().map_or(String::new(), |c| c.engines.iter().map(|e| esc(e)).collect::<Vec<_>>().join(", ")),
            reduced.as_ref().map_or("null".into(), |c| c.case.plan.wasm.len().to_string()),
            reduced.as_ref().map_or("null".into(), |c| c.case.plan.calls.len().to_string()),
            field("reduction:").unwrap_or_else(|| "null".into()),
            field("located:").unwrap_or_else(|| "null".into()),
            field("reproduce:").unwrap_or_else(|| "null".into()),
            g.failure.as_deref().map_or("null".into(), esc),
        );
    }
    s += "\n  ],\n  \"not_interesting\": [";
    let dull: Vec<String> = t.dull.iter().map(|(i, _)| esc(&i.path.display().to_string())).collect();
    s += &dull.join(", ");
    s += "]\n}\n";
    s
}

/// A JSON string literal.
fn esc(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => s += "\\\"",
            '\\' => s += "\\\\",
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}
