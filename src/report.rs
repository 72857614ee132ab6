//! Reports a person can read: the engines and their configurations, a
//! side-by-side table of every call with each engine's outcome (the first
//! difference marked), the final state, and the module as WAT.

use crate::judge::{PairOutcome, Site, Verdict};
use crate::target::Checked;
use std::fmt::Write;

/// Longest cell in the call table before it is cut.
const CELL_WIDTH: usize = 44;

/// Every engine of a checked Case in the form that reproduces its
/// configuration, comma-separated: what `--engines` takes.
pub fn engine_line(c: &Checked) -> String {
    let specs: Vec<String> =
        c.runs.iter().map(|r| crosscheck_oracles::engine_spec::spec_string(&r.engine, &r.config)).collect();
    specs.join(",")
}

/// The whole report of a checked Case.
pub fn render(checked: &Checked) -> String {
    render_with(checked, true)
}

/// The report, with or without the module's WAT at the end.
pub fn render_with(checked: &Checked, with_module: bool) -> String {
    let mut out = String::new();
    let _ = write_report(&mut out, checked, with_module);
    out
}

fn write_report(out: &mut String, c: &Checked, with_module: bool) -> std::fmt::Result {
    writeln!(out, "crosscheck report — {}", c.origin)?;
    match &c.verdict {
        Verdict::Agree => writeln!(out, "verdict: agree")?,
        Verdict::Inconclusive(r) => writeln!(out, "verdict: inconclusive ({r})")?,
        Verdict::Diverge(d) => {
            writeln!(out, "verdict: DIVERGE")?;
            writeln!(out, "signature: {}  (id {})", d.signature, signature_id(&d.signature))?;
            if let Some(bug) = d.known_bug.and_then(|n| crate::triage::KNOWN_BUGS.iter().find(|b| b.name == n)) {
                writeln!(out, "known engine bug: {} in {} — see {}", bug.name, bug.engine, bug.doc)?;
            }
            for diff in &d.differences {
                writeln!(
                    out,
                    "  {} vs {} at {}: expected {}, got {}",
                    c.runs[0].engine, c.runs[diff.engine].engine, diff.site, diff.expected, diff.actual
                )?;
            }
        }
    }
    // An engine that could not run the Case (no finding, so no exit code
    // says it): what `crosscheck shrink` keeps while it reduces one.
    if let Some(sig) = crate::artifacts::engine_failure_signature(c) {
        writeln!(out, "signature: {sig}  (id {})", signature_id(&sig))?;
    }
    writeln!(out, "\nengines (the first is the baseline):")?;
    for (i, r) in c.runs.iter().enumerate() {
        let pair = if i == 0 {
            "baseline".to_string()
        } else {
            match &c.pairs[i - 1] {
                PairOutcome::Agree => "agrees".to_string(),
                PairOutcome::Differ(_) => "DIFFERS".to_string(),
                PairOutcome::Inconclusive(r) => format!("inconclusive: {r}"),
            }
        };
        let spec = crosscheck_oracles::engine_spec::spec_string(&r.engine, &r.config);
        writeln!(out, "  [{i}] {spec} ({}) — {pair}", r.version)?;
    }
    writeln!(out, "engines as configured (paste into --engines): '{}'", engine_line(c))?;
    if let Some(m) = &c.mutation {
        writeln!(out, "mutation: {}", m.mutation.describe())?;
        match &m.oracle {
            Some(crate::mutate::oracle::OracleVerdict::Diverge { class, detail, known_bug }) => {
                writeln!(
                    out,
                    "MUTATOR DIVERGENCE ({class}): the mutation claimed to preserve semantics, but on the reference {detail}"
                )?;
                if let Some(bug) = known_bug {
                    writeln!(out, "known wasm-mutate bug: {bug} — see docs/findings/{bug}.md")?;
                }
            }
            Some(v) => writeln!(out, "semantics-preservation oracle: {v:?}")?,
            None => {}
        }
    }
    writeln!(out, "features allowed: {}", c.case.features)?;
    writeln!(
        out,
        "determinism: canonicalize_nans={} relaxed_simd={}",
        c.case.determinism.canonicalize_nans, c.case.determinism.relaxed_simd
    )?;

    let first_diff = first_difference_site(c);
    writeln!(out, "\ninstantiation:")?;
    for r in &c.runs {
        let s = match &r.observation.instantiation {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        writeln!(out, "  {:<10} {s}", r.engine)?;
    }
    write_call_table(out, c, first_diff.as_ref())?;
    write_probe_slots(out, c, first_diff.as_ref())?;
    write_state(out, c)?;

    if !with_module {
        return Ok(());
    }
    writeln!(out, "\nmodule ({} bytes):", c.case.plan.wasm.len())?;
    match wasmprinter::print_bytes(&c.case.plan.wasm) {
        Ok(wat) => out.push_str(&wat),
        Err(e) => writeln!(out, "  (wasmprinter failed: {e})")?,
    }
    Ok(())
}

fn first_difference_site(c: &Checked) -> Option<Site> {
    match &c.verdict {
        Verdict::Diverge(d) => d.differences.first().map(|d| d.site.clone()),
        _ => None,
    }
}

fn cut(s: String) -> String {
    if s.chars().count() <= CELL_WIDTH {
        s
    } else {
        let mut t: String = s.chars().take(CELL_WIDTH - 1).collect();
        t.push('…');
        t
    }
}

fn write_call_table(out: &mut String, c: &Checked, first: Option<&Site>) -> std::fmt::Result {
    let calls = &c.case.plan.calls;
    writeln!(out, "\ncalls ({}):", calls.len())?;
    if calls.is_empty() {
        return Ok(());
    }
    let mut header = vec!["#".to_string(), "export".to_string(), "args".to_string()];
    header.extend(c.runs.iter().map(|r| r.engine.clone()));
    let mut rows = vec![header];
    let mut marks = vec![false];
    for (i, call) in calls.iter().enumerate() {
        let args: Vec<String> = call.args.iter().map(|a| a.to_string()).collect();
        let mut row = vec![i.to_string(), format!("{:?}", call.export), cut(args.join(", "))];
        for r in &c.runs {
            let cell = match (&r.observation.instantiation, r.observation.calls.get(i)) {
                (Err(_), _) => "-".to_string(),
                (Ok(()), Some(o)) => o.to_string(),
                (Ok(()), None) => "(not run)".to_string(),
            };
            row.push(cut(cell));
        }
        rows.push(row);
        marks.push(matches!(first, Some(Site::Call { index, .. }) if *index == i));
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|col| rows.iter().map(|r| r[col].chars().count()).max().unwrap_or(0)).collect();
    for (row, mark) in rows.iter().zip(marks) {
        let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        let line = line.join(" | ");
        writeln!(out, "  {}{}", line.trim_end(), if mark { "  <<< first difference" } else { "" })?;
    }
    Ok(())
}

/// At a first difference in the results of a probe wrapper (an export
/// returning GC references or escaping exceptions as numbers, see
/// [`crate::probes`]), each differing number by name: which field, type
/// test, payload or result it is.
fn write_probe_slots(out: &mut String, c: &Checked, first: Option<&Site>) -> std::fmt::Result {
    let Some(Site::Call { index, .. }) = first else { return Ok(()) };
    let Some(call) = c.case.plan.calls.get(*index) else { return Ok(()) };
    let legend = crate::probes::legend(&c.case.plan.wasm);
    let Some((_, names)) = legend.iter().find(|(e, _)| *e == call.export) else { return Ok(()) };
    let results: Vec<Option<&Vec<crosscheck_oracles::Val>>> = c
        .runs
        .iter()
        .map(|r| match r.observation.calls.get(*index) {
            Some(crosscheck_oracles::CallOutcome::Returned(v)) if v.len() == names.len() => Some(v),
            _ => None,
        })
        .collect();
    let Some(base) = results[0] else { return Ok(()) };
    writeln!(
        out,
        "
probe of call #{index} (export {:?}), the numbers that differ from {}:",
        call.export, c.runs[0].engine
    )?;
    for (slot, name) in names.iter().enumerate() {
        let differs = results.iter().flatten().any(|v| v[slot] != base[slot]);
        if !differs {
            continue;
        }
        let cells: Vec<String> = c
            .runs
            .iter()
            .zip(&results)
            .map(|(r, v)| format!("{}={}", r.engine, v.map_or("-".to_string(), |v| v[slot].to_string())))
            .collect();
        writeln!(out, "  {name}: {}", cells.join("  "))?;
    }
    Ok(())
}

fn write_state(out: &mut String, c: &Checked) -> std::fmt::Result {
    let obs = &c.case.plan.observe;
    if obs.globals.is_empty() && obs.memories.is_empty() && obs.tables.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nfinal state:")?;
    let usable = |r: &crate::judge::EngineRun| {
        r.observation.instantiation.is_ok() && r.observation.calls.len() == c.case.plan.calls.len()
    };
    for (i, name) in obs.globals.iter().enumerate() {
        let cells: Vec<String> = c
            .runs
            .iter()
            .map(|r| match r.observation.state.globals.get(i) {
                Some(Some(v)) if usable(r) => format!("{}={v}", r.engine),
                _ => format!("{}=-", r.engine),
            })
            .collect();
        writeln!(out, "  global {name:?}: {}", cells.join("  "))?;
    }
    for (i, name) in obs.memories.iter().enumerate() {
        let cells: Vec<String> = c
            .runs
            .iter()
            .map(|r| match r.observation.state.memories.get(i) {
                Some(Some(m)) if usable(r) => format!("{}={} bytes #{:016x}", r.engine, m.bytes.len(), m.digest),
                _ => format!("{}=-", r.engine),
            })
            .collect();
        writeln!(out, "  memory {name:?}: {}", cells.join("  "))?;
    }
    for (i, name) in obs.tables.iter().enumerate() {
        let cells: Vec<String> = c
            .runs
            .iter()
            .map(|r| match r.observation.state.tables.get(i) {
                Some(Some(t)) if usable(r) => {
                    let nulls = t.null.iter().filter(|n| **n).count();
                    format!("{}=size {} ({} null)", r.engine, t.size, nulls)
                }
                _ => format!("{}=-", r.engine),
            })
            .collect();
        writeln!(out, "  table {name:?}: {}", cells.join("  "))?;
    }
    Ok(())
}

/// A stable short id for a signature: its directory name under artifacts/.
pub fn signature_id(signature: &str) -> String {
    format!("{:016x}", crosscheck_oracles::observation::digest(signature.as_bytes()))
}

/// One line for a verdict (CLI summaries).
pub fn one_line(c: &Checked) -> String {
    match &c.verdict {
        Verdict::Agree => "agree".to_string(),
        Verdict::Inconclusive(r) => format!("inconclusive: {r}"),
        Verdict::Diverge(d) => format!("DIVERGE {}", d.signature),
    }
}
