//! Campaign counters: named, additive, and sent between processes as one
//! text line (`key=value ...`).

use std::collections::BTreeMap;
use std::fmt::Write;

/// Named counters of a campaign.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    counters: BTreeMap<String, u64>,
}

/// Counter names used across the harness.
pub mod keys {
    pub const EXECS: &str = "execs";
    pub const AGREE: &str = "agree";
    pub const DIVERGE: &str = "diverge";
    pub const INCONCLUSIVE: &str = "inconclusive";
    /// Divergences traced to a documented engine bug.
    pub const KNOWN_BUG: &str = "diverge.known-bug";
    pub const REJECTED: &str = "rejected";
    /// Fresh inputs drawn (each a new module; see `CampaignOptions::reuse`).
    pub const MODULE_DRAWS: &str = "module-draws";
    pub const NEW_FINDINGS: &str = "findings.new";
    pub const DUP_FINDINGS: &str = "findings.dup";
    pub const CRASHES: &str = "crashes";
    /// `mutate` target: mutations judged by the semantics-preservation
    /// oracle, its divergences (mutator bugs, saved under
    /// `artifacts/mutate-oracle/`), and agreements only the masks allowed.
    pub const ORACLE_JUDGED: &str = "oracle.judged";
    pub const ORACLE_DIVERGE: &str = "oracle.diverge";
    pub const ORACLE_MASKS_NEEDED: &str = "oracle.masks-needed";
    /// Sum of module sizes (bytes) and of planned calls, over judged Cases.
    pub const WASM_BYTES: &str = "wasm-bytes";
    pub const CALLS: &str = "calls";
    /// Cases judged with the reference's masks (NaNs and relaxed SIMD kept),
    /// and Cases compared pairwise with NaN canonicalization.
    pub const JUDGED_BY_REFERENCE: &str = "judged.reference";
    pub const JUDGED_PAIRWISE: &str = "judged.pairwise";
    /// Prefix: `inconclusive.<category>`.
    pub const INCONCLUSIVE_BY: &str = "inconclusive.";
    /// Prefix: `pair-inconclusive.<category>.<engine>` counts engine pairs
    /// left out of an otherwise judged Case (see [`Stats::by_category`]).
    pub const PAIR_INCONCLUSIVE_BY: &str = "pair-inconclusive.";
    /// Prefix: `pair.<baseline>~<engine>` counts conclusive comparisons.
    pub const PAIR: &str = "pair.";
    /// Prefix: `swarm.<proposal>` counts Cases that allowed a proposal
    /// some engine of the set lacks (that engine sat those Cases out when
    /// their module used it).
    pub const ALLOWED_BY_SWARM: &str = "swarm.";
    /// Prefix: `uses.<proposal>` counts Cases whose module really uses a
    /// Wasm 3.0 proposal (`crosscheck::wasm3`).
    pub const USES_WASM3: &str = "uses.";
    /// Cases with a call argument at an edge of a memory (see
    /// [`crate::addresses::is_edge`]).
    pub const EDGE_ADDRESS: &str = "reach.edge-address";
    /// Prefix: `reach.shape.<shape>` counts Cases whose code contains a
    /// catalog shape ([`crate::patterns::detect`]).
    pub const SHAPE: &str = "reach.shape.";
    /// Prefix: `micros.<phase>` accumulates time.
    pub const MICROS: &str = "micros.";
}

impl Stats {
    pub fn add(&mut self, key: &str, n: u64) {
        *self.counters.entry(key.to_string()).or_default() += n;
    }

    pub fn get(&self, key: &str) -> u64 {
        self.counters.get(key).copied().unwrap_or(0)
    }

    pub fn merge(&mut self, other: &Stats) {
        for (k, v) in &other.counters {
            self.add(k, *v);
        }
    }

    /// Counters whose names start with `prefix`, prefix removed.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, u64)> + 'a {
        self.counters.iter().filter_map(move |(k, v)| k.strip_prefix(prefix).map(|k| (k, *v)))
    }

    /// Counters named `<prefix><category>.<engine>`, summed per category,
    /// each with its engines: `exhaustion 257 (wasmi 200, v8 57)`.
    pub fn by_category(&self, prefix: &str) -> Vec<String> {
        let mut grouped: BTreeMap<&str, (u64, Vec<String>)> = BTreeMap::new();
        for (key, n) in self.with_prefix(prefix) {
            let (category, engine) = key.split_once('.').unwrap_or((key, ""));
            let entry = grouped.entry(category).or_default();
            entry.0 += n;
            if !engine.is_empty() {
                entry.1.push(format!("{engine} {n}"));
            }
        }
        grouped
            .into_iter()
            .map(
                |(c, (n, engines))| {
                    if engines.is_empty() { format!("{c} {n}") } else { format!("{c} {n} ({})", engines.join(", ")) }
                },
            )
            .collect()
    }

    /// `key=value` pairs separated by spaces.
    pub fn to_line(&self) -> String {
        let mut s = String::new();
        for (k, v) in &self.counters {
            let _ = write!(s, "{k}={v} ");
        }
        s.trim_end().to_string()
    }

    /// Parses [`Stats::to_line`]; malformed pairs are ignored.
    pub fn from_line(line: &str) -> Stats {
        let mut stats = Stats::default();
        for pair in line.split_whitespace() {
            if let Some((k, v)) = pair.split_once('=')
                && let Ok(v) = v.parse()
            {
                stats.add(k, v);
            }
        }
        stats
    }

    /// Share of checked Cases that were inconclusive, in percent.
    pub fn inconclusive_percent(&self) -> f64 {
        let checked = self.get(keys::AGREE) + self.get(keys::DIVERGE) + self.get(keys::INCONCLUSIVE);
        if checked == 0 { 0.0 } else { 100.0 * self.get(keys::INCONCLUSIVE) as f64 / checked as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_round_trip_and_merge() {
        let mut a = Stats::default();
        a.add("execs", 3);
        a.add("pair.wasmtime~wasmi", 2);
        let b = Stats::from_line(&a.to_line());
        assert_eq!(a, b);
        a.merge(&b);
        assert_eq!(a.get("execs"), 6);
        assert_eq!(a.with_prefix("pair.").collect::<Vec<_>>(), vec![("wasmtime~wasmi", 4)]);
        assert_eq!(Stats::from_line("execs=x agree=2 junk").get("agree"), 2);
    }

    #[test]
    fn counters_grouped_by_category_name_their_engines() {
        let mut s = Stats::default();
        s.add("pair-inconclusive.exhaustion.wasmi", 200);
        s.add("pair-inconclusive.exhaustion.v8", 57);
        s.add("pair-inconclusive.engine-failure.v8", 3);
        s.add("pair-inconclusive.open-bits", 2);
        s.add("pair.reference~v8", 9);
        assert_eq!(
            s.by_category("pair-inconclusive."),
            vec!["engine-failure 3 (v8 3)", "exhaustion 257 (v8 57, wasmi 200)", "open-bits 2"]
        );
    }
}
