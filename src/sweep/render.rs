//! The conformance matrix as text (summary, failures, speed), Markdown,
//! JSON (every instruction, every column) or one self-contained HTML page.

use super::{Cell, Matrix};
use std::fmt::Write;

/// Output formats of `crosscheck sweep`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Html,
}

impl Format {
    pub fn from_name(s: &str) -> Option<Format> {
        Some(match s {
            "text" => Format::Text,
            "md" | "markdown" => Format::Markdown,
            "json" => Format::Json,
            "html" => Format::Html,
            _ => return None,
        })
    }
}

pub fn render(m: &Matrix, format: Format) -> String {
    match format {
        Format::Text => text(m),
        Format::Markdown => markdown(m),
        Format::Json => json(m),
        Format::Html => html(m),
    }
}

/// `R=0,2` for a choice bit set.
pub fn choice_list(bits: u32) -> String {
    let v: Vec<String> = (0..32).filter(|r| bits >> r & 1 == 1).map(|r| format!("R={r}")).collect();
    v.join(",")
}

fn tag(c: &Cell) -> &'static str {
    match c {
        Cell::Pass { .. } => "pass",
        Cell::Fail(_) => "fail",
        Cell::Known { .. } => "known-bug",
        Cell::Unsupported(_) => "unsupported",
        Cell::Inconclusive(_) => "inconclusive",
    }
}

/// Per column: passes, failures, unsupported, inconclusive, known bugs.
fn column_counts(m: &Matrix, i: usize) -> [usize; 5] {
    let mut n = [0; 5];
    for r in &m.rows {
        n[match &r.cells[i] {
            Cell::Pass { .. } => 0,
            Cell::Fail(_) => 1,
            Cell::Unsupported(_) => 2,
            Cell::Inconclusive(_) => 3,
            Cell::Known { .. } => 4,
        }] += 1;
    }
    n
}

/// `bug (doc)` for a known bug's name.
fn known_bug_line(bug: &str) -> String {
    match crate::triage::KNOWN_BUGS.iter().find(|b| b.name == bug) {
        Some(b) => format!("known engine bug {} ({}) — see {}", b.name, b.versions.describe(), b.doc),
        None => format!("known engine bug {bug}"),
    }
}

/// Per group: how many instructions.
fn group_counts(m: &Matrix) -> String {
    use crate::single_inst::Group;
    let count = |g: Group| m.rows.iter().filter(|r| r.entry.group == g).count();
    format!(
        "{} instructions: {} numeric, {} memory, {} SIMD, {} relaxed SIMD, {} atomic, {} table, {} reference, {} array, {} struct, {} exception, {} parametric, {} call",
        m.rows.len(),
        count(Group::Numeric),
        count(Group::Memory),
        count(Group::Simd),
        count(Group::Relaxed),
        count(Group::Atomic),
        count(Group::Table),
        count(Group::Reference),
        count(Group::Array),
        count(Group::Struct),
        count(Group::Exception),
        count(Group::Parametric),
        count(Group::Call)
    )
}

/// The speed lines: checks per second per column.
pub fn speed(m: &Matrix) -> String {
    let mut s = String::new();
    let total: u64 = m.columns.iter().map(|c| c.checks).sum();
    for c in &m.columns {
        let secs = c.time.as_secs_f64();
        let rate = if secs > 0.0 { c.checks as f64 / secs } else { 0.0 };
        let refused = match c.refused {
            0 => String::new(),
            n => format!(" ({n} Cases stopped by resource limits)"),
        };
        let _ = writeln!(
            s,
            "  {:<24} {:>9} checks in {:>7.2}s = {:>10.0} checks/s{refused}",
            c.label, c.checks, secs, rate
        );
    }
    let secs = m.elapsed.as_secs_f64();
    let _ = writeln!(
        s,
        "  total: {total} instruction checks in {secs:.1}s = {:.0} checks/s (reference judge {:.1}s)",
        if secs > 0.0 { total as f64 / secs } else { 0.0 },
        m.reference_time.as_secs_f64()
    );
    s
}

fn text(m: &Matrix) -> String {
    let mut s = String::new();
    let _ =
        writeln!(s, "crosscheck sweep — {} × {} columns, {} tuples each", group_counts(m), m.columns.len(), m.samples);
    let _ = writeln!(s, "host: {}", m.host);
    let _ = writeln!(s, "columns (pass / fail / unsupported / inconclusive / known bug):");
    for (i, c) in m.columns.iter().enumerate() {
        let [p, f, u, n, k] = column_counts(m, i);
        let _ = writeln!(s, "  {:<24} {p:>4} / {f:>3} / {u:>3} / {n:>3} / {k:>3}   {}", c.label, c.config);
    }
    for sk in &m.skipped {
        let _ = writeln!(s, "  {:<24} skipped: {}", sk.label, sk.reason);
    }
    let cells = || m.rows.iter().flat_map(|r| r.cells.iter().enumerate().map(move |(i, c)| (r, i, c)));
    let failures: Vec<_> =
        cells().filter_map(|(r, i, c)| if let Cell::Fail(f) = c { Some((r, i, f, None)) } else { None }).collect();
    let known: Vec<_> = cells()
        .filter_map(
            |(r, i, c)| if let Cell::Known { bug, failure } = c { Some((r, i, failure, Some(*bug))) } else { None },
        )
        .collect();
    let _ = writeln!(s, "failing cells: {}", failures.len());
    if !known.is_empty() {
        let _ = writeln!(s, "failing cells labelled with a known engine bug: {}", known.len());
    }
    for (r, i, f, bug) in failures.into_iter().chain(known) {
        let what = if bug.is_some() { "KNOWN" } else { "FAIL" };
        let _ =
            writeln!(s, "  {what} {} on {} [{}] after {} checks", r.entry.name, m.columns[i].label, f.class, f.checks);
        if let Some(bug) = bug {
            let _ = writeln!(s, "       {}", known_bug_line(bug));
        }
        let _ = writeln!(s, "       instruction: {}", f.instruction);
        let _ = writeln!(s, "       call:        {}", f.call);
        let _ = writeln!(s, "       expected:    {}", f.expected);
        let _ = writeln!(s, "       actual:      {}", f.actual);
    }
    let relaxed: Vec<_> = m.rows.iter().filter(|r| r.entry.relaxed_op().is_some()).collect();
    if !relaxed.is_empty() {
        let _ = writeln!(s, "relaxed-SIMD choices consistent with every result (R as in the spec's relaxed(R)[...]):");
        for r in relaxed {
            let per: Vec<String> = r
                .cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| match c {
                    Cell::Pass { choices: Some(ch), .. } => {
                        Some(format!("{} {}", m.columns[i].label, choice_list(*ch)))
                    }
                    _ => None,
                })
                .collect();
            let _ = writeln!(s, "  {:<36} {}", r.entry.name, per.join("; "));
        }
    }
    let _ = writeln!(s, "speed:");
    s.push_str(&speed(m));
    s
}

fn markdown(m: &Matrix) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}; {} operand tuples per instruction; host {}.\n", group_counts(m), m.samples, m.host);
    let _ = write!(s, "| instruction |");
    for c in &m.columns {
        let _ = write!(s, " {} |", c.label);
    }
    let _ = write!(s, "\n| --- |");
    for _ in &m.columns {
        let _ = write!(s, " --- |");
    }
    s.push('\n');
    for r in &m.rows {
        let _ = write!(s, "| `{}` |", r.entry.name);
        for c in &r.cells {
            let _ = write!(
                s,
                " {} |",
                match c {
                    Cell::Pass { choices: Some(ch), .. } => format!("pass ({})", choice_list(*ch)),
                    Cell::Pass { .. } => "pass".to_string(),
                    Cell::Fail(_) => "**FAIL**".to_string(),
                    Cell::Known { bug, .. } => format!("known bug `{bug}`"),
                    Cell::Unsupported(_) => "–".to_string(),
                    Cell::Inconclusive(_) => "?".to_string(),
                }
            );
        }
        s.push('\n');
    }
    for sk in &m.skipped {
        let _ = writeln!(s, "\n{} skipped: {}", sk.label, sk.reason);
    }
    s
}

fn esc_json(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn json(m: &Matrix) -> String {
    let mut s = String::from("{\n  \"samples\": ");
    let _ = write!(
        s,
        "{},\n  \"elapsed_seconds\": {:.3},\n  \"host\": {},\n  \"columns\": [",
        m.samples,
        m.elapsed.as_secs_f64(),
        esc_json(&m.host)
    );
    for (i, c) in m.columns.iter().enumerate() {
        let secs = c.time.as_secs_f64();
        let _ = write!(
            s,
            "{}\n    {{\"label\": {}, \"config\": {}, \"checks\": {}, \"refused\": {}, \"seconds\": {:.3}, \"checks_per_second\": {:.0}}}",
            if i > 0 { "," } else { "" },
            esc_json(&c.label),
            esc_json(&c.config),
            c.checks,
            c.refused,
            secs,
            if secs > 0.0 { c.checks as f64 / secs } else { 0.0 }
        );
    }
    s.push_str("\n  ],\n  \"skipped\": [");
    for (i, sk) in m.skipped.iter().enumerate() {
        let _ = write!(
            s,
            "{}{{\"label\": {}, \"reason\": {}}}",
            if i > 0 { ", " } else { "" },
            esc_json(&sk.label),
            esc_json(&sk.reason)
        );
    }
    s.push_str("],\n  \"instructions\": [");
    for (n, r) in m.rows.iter().enumerate() {
        let _ = write!(
            s,
            "{}\n    {{\"name\": {}, \"group\": {}, \"results\": {{",
            if n > 0 { "," } else { "" },
            esc_json(r.entry.name),
            esc_json(r.entry.group.name())
        );
        for (i, c) in r.cells.iter().enumerate() {
            let _ = write!(
                s,
                "{}{}: {{\"status\": \"{}\"",
                if i > 0 { ", " } else { "" },
                esc_json(&m.columns[i].label),
                tag(c)
            );
            match c {
                Cell::Pass { checks, choices } => {
                    let _ = write!(s, ", \"checks\": {checks}");
                    if let Some(c) = choices {
                        let list: Vec<String> = (0..32).filter(|r| c >> r & 1 == 1).map(|r| r.to_string()).collect();
                        let _ = write!(s, ", \"relaxed_choices\": [{}]", list.join(", "));
                    }
                }
                Cell::Fail(f) | Cell::Known { failure: f, .. } => {
                    if let Cell::Known { bug, .. } = c {
                        let _ = write!(s, ", \"known_bug\": {}", esc_json(bug));
                    }
                    let _ = write!(
                        s,
                        ", \"instruction\": {}, \"class\": {}, \"call\": {}, \"expected\": {}, \"actual\": {}",
                        esc_json(&f.instruction),
                        esc_json(&f.class),
                        esc_json(&f.call),
                        esc_json(&f.expected),
                        esc_json(&f.actual)
                    );
                }
                Cell::Unsupported(why) | Cell::Inconclusive(why) => {
                    let _ = write!(s, ", \"reason\": {}", esc_json(why));
                }
            }
            s.push('}');
        }
        s.push_str("}}");
    }
    s.push_str("\n  ]\n}\n");
    s
}

fn esc_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(m: &Matrix) -> String {
    let mut s = String::from(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>crosscheck sweep</title><style>\n\
         body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;font-size:12px}\n\
         td,th{border:1px solid #ccc;padding:2px 5px}th{position:sticky;top:0;background:#eee}\n\
         .pass{background:#cfc}.fail{background:#f99;font-weight:bold}.known-bug{background:#fc9}.unsupported{background:#eee;color:#888}\n\
         .inconclusive{background:#ffd}code{font-size:12px}details{margin:.5em 0}\n</style></head><body>\n",
    );
    let _ = writeln!(
        s,
        "<h1>crosscheck sweep</h1><p>{}; {} operand tuples per instruction; host {}; {} failing cells; {} labelled with a known engine bug; {:.1}s.</p>",
        esc_html(&group_counts(m)),
        m.samples,
        esc_html(&m.host),
        m.failures(),
        m.known_bugs(),
        m.elapsed.as_secs_f64()
    );
    let _ = writeln!(s, "<pre>{}</pre>", esc_html(&speed(m)));
    for sk in &m.skipped {
        let _ = writeln!(s, "<p>{} skipped: {}</p>", esc_html(&sk.label), esc_html(&sk.reason));
    }
    s.push_str("<table><tr><th>instruction</th><th>group</th>");
    for c in &m.columns {
        let _ = write!(s, "<th title=\"{}\">{}</th>", esc_html(&c.config), esc_html(&c.label));
    }
    s.push_str("</tr>\n");
    for r in &m.rows {
        let _ = write!(s, "<tr><td><code>{}</code></td><td>{}</td>", esc_html(r.entry.name), r.entry.group.name());
        for c in &r.cells {
            let title = match c {
                Cell::Pass { checks, choices: None } => format!("{checks} checks"),
                Cell::Pass { checks, choices: Some(c) } => {
                    format!("{checks} checks; relaxed choices {}", choice_list(*c))
                }
                Cell::Fail(f) => format!(
                    "{}\n{}\ncall: {}\nexpected: {}\nactual: {}",
                    f.class, f.instruction, f.call, f.expected, f.actual
                ),
                Cell::Known { bug, failure: f } => format!(
                    "{}\n{}\n{}\ncall: {}\nexpected: {}\nactual: {}",
                    known_bug_line(bug),
                    f.class,
                    f.instruction,
                    f.call,
                    f.expected,
                    f.actual
                ),
                Cell::Unsupported(w) | Cell::Inconclusive(w) => w.clone(),
            };
            let _ = write!(s, "<td class=\"{}\" title=\"{}\">{}</td>", tag(c), esc_html(&title), tag(c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    for r in &m.rows {
        for (i, c) in r.cells.iter().enumerate() {
            if let Cell::Fail(f) = c {
                let _ = writeln!(
                    s,
                    "<details open><summary><code>{}</code> on {}: {}</summary><pre>instruction: {}\ncall:        {}\nexpected:    {}\nactual:      {}</pre></details>",
                    esc_html(r.entry.name),
                    esc_html(&m.columns[i].label),
                    esc_html(&f.class),
                    esc_html(&f.instruction),
                    esc_html(&f.call),
                    esc_html(&f.expected),
                    esc_html(&f.actual)
                );
            }
        }
    }
    s.push_str("</body></html>\n");
    s
}
