//! What a campaign shows: the live progress line and the end-of-campaign
//! summary, both read from the merged [`Stats`] (and the supervisor's
//! [`Summary`] of findings).

use super::stats::{Stats, keys};
use super::supervisor::{FuzzOptions, Summary};
use crate::artifacts::signature_of;
use std::path::Path;
use std::time::Duration;

/// The live progress line.
pub fn progress_line(s: &Stats, elapsed: Duration) -> String {
    let execs = s.get(keys::EXECS);
    let rate = execs as f64 / elapsed.as_secs_f64().max(1e-9);
    let pairs: Vec<String> = s.with_prefix(keys::PAIR).map(|(p, n)| format!("{p} {n}")).collect();
    // Engine failures only when there are any: each is a bug to look at.
    let failed: u64 = s.with_prefix(&format!("{}engine-failure.", keys::PAIR_INCONCLUSIVE_BY)).map(|(_, n)| n).sum();
    let failed = if failed > 0 { format!(" | engine failures {failed}") } else { String::new() };
    format!(
        "[{:>5.0}s] execs {execs} ({rate:.0}/s) | agree {} | diverge {} ({} known-bug) | new findings {} | inconclusive {:.1}%{failed} | rejected {} | crashes {} | {}",
        elapsed.as_secs_f64(),
        s.get(keys::AGREE),
        s.get(keys::DIVERGE),
        s.get(keys::KNOWN_BUG),
        s.get(keys::NEW_FINDINGS),
        s.inconclusive_percent(),
        s.get(keys::REJECTED),
        s.get(keys::CRASHES),
        pairs.join(", ")
    )
}

/// The end-of-campaign summary.
pub fn summary_text(summary: &Summary, opts: &FuzzOptions) -> String {
    let s = &summary.stats;
    let secs = summary.elapsed.as_secs_f64().max(1e-9);
    let mut out = String::new();
    let execs = s.get(keys::EXECS);
    out += &format!("crosscheck fuzz {} — summary\n", opts.target);
    out += &format!("  engines       {}\n", opts.engines.join(", "));
    out += &format!("  seed          {}  jobs {}\n", opts.seed, opts.jobs);
    out += &format!("  time          {secs:.1}s\n");
    out += &format!("  execs         {execs} ({:.1} execs/s)\n", execs as f64 / secs);
    out += &format!("  agree         {}\n", s.get(keys::AGREE));
    out += &format!(
        "  diverge       {} ({} traced to known engine bugs; {} new findings, {} duplicates)\n",
        s.get(keys::DIVERGE),
        s.get(keys::KNOWN_BUG),
        s.get(keys::NEW_FINDINGS),
        s.get(keys::DUP_FINDINGS)
    );
    out += &format!("  inconclusive  {} ({:.2}%)", s.get(keys::INCONCLUSIVE), s.inconclusive_percent());
    let why: Vec<String> = s.with_prefix(keys::INCONCLUSIVE_BY).map(|(k, n)| format!("{k} {n}")).collect();
    if !why.is_empty() {
        out += &format!(" — {}", why.join(", "));
    }
    out += "\n";
    let left_out = s.by_category(keys::PAIR_INCONCLUSIVE_BY);
    if !left_out.is_empty() {
        out += &format!("  pairs left out of judged Cases: {}\n", left_out.join(", "));
    }
    for dir in &summary.mutator_divergences {
        out += &format!("  mutator diverged {} ({})\n", dir.display(), signature_of(dir));
    }
    for dir in &summary.engine_failures {
        let reduced = match summary.reduced.iter().find(|(d, _)| d == dir) {
            Some((_, r)) => format!(", {}", reduction(dir, r)),
            None => String::new(),
        };
        out += &format!("  engine failed {} ({}){reduced}\n", dir.display(), signature_of(dir));
    }
    out += &format!(
        "  judged        {} by the reference's masks (NaNs and relaxed SIMD as generated), {} pairwise with canonical NaNs\n",
        s.get(keys::JUDGED_BY_REFERENCE),
        s.get(keys::JUDGED_PAIRWISE)
    );
    let swarm: Vec<String> = s.with_prefix(keys::ALLOWED_BY_SWARM).map(|(k, n)| format!("{k} {n}")).collect();
    if !swarm.is_empty() {
        out += &format!("  swarm         Cases allowing a proposal not every engine has: {}\n", swarm.join(", "));
    }
    let execs = s.get(keys::EXECS).saturating_sub(s.get(keys::REJECTED)).max(1) as f64;
    let wasm3: Vec<String> = ["any", "gc", "exceptions", "function-references"]
        .iter()
        .map(|p| {
            let n = s.get(&format!("{}{p}", keys::USES_WASM3));
            format!("{p} {n} ({:.1}%)", 100.0 * n as f64 / execs)
        })
        .collect();
    out += &format!("  wasm 3.0      Cases whose module uses it: {}\n", wasm3.join(", "));
    out += &format!("  rejected      {} (bytes that gave no Case)\n", s.get(keys::REJECTED));
    out += &format!("  crashes       {}\n", s.get(keys::CRASHES));
    if s.get(keys::ORACLE_JUDGED) > 0 {
        out += &format!(
            "  oracle        {} semantics-preserving mutations judged against their originals: {} mutator divergences ({}), {} agreed only on the masks' determined bits\n",
            s.get(keys::ORACLE_JUDGED),
            s.get(keys::ORACLE_DIVERGE),
            opts.artifacts.join("mutate-oracle").display(),
            s.get(keys::ORACLE_MASKS_NEEDED)
        );
    }
    for (pair, n) in s.with_prefix(keys::PAIR) {
        out += &format!("  compared      {pair}: {n} Cases\n");
    }
    let cases = s.get(keys::AGREE) + s.get(keys::DIVERGE) + s.get(keys::INCONCLUSIVE);
    if cases > 0 {
        let share = |n: u64| 100.0 * n as f64 / cases as f64;
        out += &format!(
            "  reach         {:.1}% of Cases call with an address at a memory's edge\n",
            share(s.get(keys::EDGE_ADDRESS))
        );
        let shapes: Vec<String> = s.with_prefix(keys::SHAPE).map(|(k, n)| format!("{k} {:.1}%", share(n))).collect();
        if !shapes.is_empty() {
            out += &format!("  shapes        share of Cases containing each: {}\n", shapes.join(", "));
        }
    }
    for (i, dir) in summary.new_findings.iter().enumerate() {
        match summary.found_after.get(i) {
            Some(f) => {
                out += &format!("  finding       {} (after {:.1}s, {} Cases)\n", dir.display(), f.seconds, f.cases)
            }
            None => out += &format!("  finding       {}\n", dir.display()),
        }
    }
    if opts.triage {
        // One line per bug (see `triage::batch::bug_key`): its findings,
        // the first one's reduction.
        let mut bugs: Vec<(String, usize, String)> = Vec::new();
        // (Engine failures are reduced too, and said on their own line.)
        let findings: Vec<_> = summary.reduced.iter().filter(|(d, _)| !summary.engine_failures.contains(d)).collect();
        for (dir, r) in &findings {
            let key = crate::triage::batch::bug_key(&crate::triage::shrink::Interest::Divergence(signature_of(dir)));
            let size = reduction(dir, r);
            match bugs.iter_mut().find(|(k, _, _)| *k == key) {
                Some(bug) => bug.1 += 1,
                None => bugs.push((key, 1, size)),
            }
        }
        out += &format!(
            "  distinct bugs {} from {} new findings (each reduced in FINDING/shrunk)\n",
            bugs.len(),
            findings.len()
        );
        for (key, n, size) in bugs {
            out += &format!("  bug           {key} — {n} finding(s), {size}\n");
        }
    }
    out
}

/// What became of a folder's background reduction (into `DIR/shrunk`).
fn reduction(dir: &Path, result: &Result<u64, String>) -> String {
    match result {
        Ok(bytes) => format!("reduced to {bytes} bytes: {}", dir.join("shrunk").display()),
        Err(why) => format!("not reduced ({why})"),
    }
}

/// How many of a campaign's new findings are not traced to a documented
/// engine bug, with its new mutator divergences not traced to a documented
/// wasm-mutate bug: `crosscheck fuzz` exits 1 when there is one.
pub fn untraced(summary: &Summary) -> usize {
    summary
        .new_findings
        .iter()
        .chain(&summary.mutator_divergences)
        .filter(|d| !crate::artifacts::is_known_bug(d))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untraced_findings_and_mutator_divergences_count() {
        let root = std::env::temp_dir().join(format!("crosscheck-untraced-{}", std::process::id()));
        let folder = |name: &str, signature: &str| {
            let dir = root.join(name);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("signature.txt"), signature).unwrap();
            dir
        };
        let mut summary = Summary::default();
        summary.new_findings.push(folder("a", "known-bug:wasmi-select-eqz-ignores-operand"));
        summary.mutator_divergences.push(folder("b", "known-bug:wasm-mutate-peephole-float-identities"));
        assert_eq!(untraced(&summary), 0);
        summary
            .mutator_divergences
            .push(folder("c", "mutator:wasm_mutate::mutators::peephole::PeepholeMutator:table-size"));
        assert_eq!(untraced(&summary), 1);
        summary.new_findings.push(folder("d", "reference~wasmtime:result:i32"));
        assert_eq!(untraced(&summary), 2);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_progress_line_counts_engine_failures_only_when_there_are_any() {
        let mut s = Stats::default();
        s.add(keys::EXECS, 10);
        s.add("pair-inconclusive.exhaustion.wasmi", 2);
        assert!(!progress_line(&s, Duration::from_secs(1)).contains("engine failures"));
        s.add("pair-inconclusive.engine-failure.v8", 2);
        s.add("pair-inconclusive.engine-failure.wasmi", 1);
        let line = progress_line(&s, Duration::from_secs(1));
        assert!(line.contains("inconclusive 0.0% | engine failures 3 | rejected"), "{line}");
    }
}
