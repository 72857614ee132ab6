//! Which checked inputs libFuzzer may keep in its corpus.
//!
//! libFuzzer keeps every input that adds coverage and mutates the inputs it
//! kept, the newest most often. In `differential`, an input that adds
//! coverage is often one with a larger module (Cranelift's register
//! allocator and GC lowering have more to do, and touch new counters), and
//! its mutants are large too: over ten minutes a run's corpus drifts to
//! modules many times slower than the seeds', and its execs/s fall by half
//! (docs/benchmarks.md, "Slow inputs are checked, not kept").
//!
//! So an input whose check took more than [`KeepRule`]'s factor times the
//! median of the run's recent inputs is still checked — a divergence or a
//! crash in it is reported like any other — but the fuzz target tells
//! libFuzzer not to keep it (`Corpus::Reject`), so it is not mutated
//! further. Nothing about a Case depends on this: the same bytes give the
//! same Case and verdict; only which inputs become parents depends on the
//! run's timing.
//!
//! `$CROSSCHECK_KEEP_FACTOR` overrides the target's factor (a number ≥ 1,
//! or `off` to keep every input that adds coverage).

use crate::target::Target;
use std::collections::VecDeque;
use std::time::Duration;

/// The variable that overrides each target's factor.
pub const KEEP_FACTOR_VAR: &str = "CROSSCHECK_KEEP_FACTOR";

/// Inputs the median is taken over.
const WINDOW: usize = 255;

/// Inputs checked before any is refused: the seeds of a small corpus are
/// always kept, and the first inputs (which build the engines) do not set
/// the median alone.
const WARM_UP: usize = 64;

/// The factor each target ships with: only where a side-by-side run showed
/// it helps (docs/benchmarks.md); the others keep every input.
pub fn default_factor(target: Target) -> Option<f64> {
    match target {
        Target::Differential => Some(4.0),
        Target::SingleInst | Target::Mutate | Target::Validate | Target::Patterns => None,
    }
}

/// Parses a `$CROSSCHECK_KEEP_FACTOR` value: `off`, or a number ≥ 1.
pub fn parse_factor(value: &str) -> Result<Option<f64>, String> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    match value.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 1.0 => Ok(Some(f)),
        _ => Err(format!("{KEEP_FACTOR_VAR}={value:?}: expected `off` or a number ≥ 1 (times the median check time)")),
    }
}

/// Whether each checked input may be kept, from its check time against the
/// median of the last [`WINDOW`] inputs.
#[derive(Clone, Debug)]
pub struct KeepRule {
    factor: Option<f64>,
    recent: VecDeque<Duration>,
    refused: u64,
    /// The limit the last input was refused under and how many inputs
    /// its median was taken over (`None`: it was kept).
    last_refusal: Option<(Duration, usize)>,
}

impl KeepRule {
    /// A rule with `factor` (`None`: every input may be kept).
    pub fn new(factor: Option<f64>) -> KeepRule {
        KeepRule { factor, recent: VecDeque::with_capacity(WINDOW), refused: 0, last_refusal: None }
    }

    /// `target`'s rule: its [`default_factor`], or `$CROSSCHECK_KEEP_FACTOR`.
    pub fn for_target(target: Target) -> Result<KeepRule, String> {
        let factor = match std::env::var(KEEP_FACTOR_VAR) {
            Ok(v) if !v.trim().is_empty() => parse_factor(&v)?,
            _ => default_factor(target),
        };
        Ok(KeepRule::new(factor))
    }

    /// Inputs refused so far.
    pub fn refused(&self) -> u64 {
        self.refused
    }

    /// Records that an input's check took `took`, and says whether
    /// libFuzzer may keep it.
    pub fn keep(&mut self, took: Duration) -> bool {
        let limit = self.limit().map(|limit| (limit, self.recent.len()));
        if self.recent.len() == WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back(took);
        self.last_refusal = limit.filter(|&(limit, _)| took > limit);
        if self.last_refusal.is_some() {
            self.refused += 1;
        }
        self.last_refusal.is_none()
    }

    /// Right after the 1st, 10th, 100th, … refused input, a line for the
    /// run's log (so a user sees why an input that found coverage was not
    /// kept); else `None`.
    pub fn log_line(&self) -> Option<String> {
        let ((limit, over), factor, n) = (self.last_refusal?, self.factor?, self.refused);
        (10u64.pow(n.ilog10()) == n).then(|| {
            format!(
                "crosscheck: {n} input(s) checked but not kept in the corpus: slower than {:.1} ms ({factor} × the median of the last {} inputs; {KEEP_FACTOR_VAR}=off keeps them)",
                limit.as_secs_f64() * 1e3,
                over
            )
        })
    }

    /// The longest check time kept now (`None` while warming up, or with no
    /// factor).
    pub fn limit(&self) -> Option<Duration> {
        let factor = self.factor?;
        if self.recent.len() < WARM_UP {
            return None;
        }
        let mut recent: Vec<Duration> = self.recent.iter().copied().collect();
        let middle = recent.len() / 2;
        Some(recent.select_nth_unstable(middle).1.mul_f64(factor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn slow_inputs_are_refused_after_the_warm_up_only() {
        let mut rule = KeepRule::new(Some(4.0));
        // During the warm-up even a very slow input is kept.
        for i in 0..WARM_UP {
            let took = if i == 3 { ms(10_000) } else { ms(10) };
            assert!(rule.keep(took), "input {i} refused during the warm-up");
        }
        assert_eq!(rule.limit(), Some(ms(40)));
        assert!(rule.keep(ms(40)), "exactly the limit is kept");
        assert!(!rule.keep(ms(41)));
        let line = rule.log_line().expect("the first refusal is logged");
        assert!(line.contains("1 input(s)") && line.contains("40.0 ms") && line.contains(KEEP_FACTOR_VAR), "{line}");
        assert!(line.contains(&format!("the last {} inputs", WARM_UP + 1)), "{line}");
        assert!(rule.keep(ms(1)));
        assert!(rule.log_line().is_none(), "only refusals are logged");
        assert_eq!(rule.refused(), 1);
        // Then the 10th, 100th, ...: not the 2nd to 9th.
        let mut logged = vec![];
        for _ in 0..99 {
            assert!(rule.keep(ms(10)) && rule.keep(ms(10)));
            assert!(rule.log_line().is_none(), "only refusals are logged");
            assert!(!rule.keep(ms(1000)));
            if rule.log_line().is_some() {
                logged.push(rule.refused());
            }
        }
        assert_eq!(logged, [10, 100]);
    }

    #[test]
    fn the_median_follows_the_recent_inputs() {
        let mut rule = KeepRule::new(Some(2.0));
        for _ in 0..WINDOW {
            rule.keep(ms(10));
        }
        assert_eq!(rule.limit(), Some(ms(20)));
        // The run's inputs become slower: once they are most of the
        // window, the limit has followed them.
        for _ in 0..WINDOW / 2 + 1 {
            rule.keep(ms(100));
        }
        assert_eq!(rule.limit(), Some(ms(200)));
        assert!(rule.keep(ms(150)));
    }

    #[test]
    fn without_a_factor_everything_is_kept() {
        let mut rule = KeepRule::new(None);
        for i in 0..1000u64 {
            assert!(rule.keep(ms(1 + (i % 7) * 1000)));
        }
        assert_eq!(rule.limit(), None);
        assert_eq!(rule.refused(), 0);
    }

    #[test]
    fn factors_parse_or_explain() {
        assert_eq!(parse_factor("off"), Ok(None));
        assert_eq!(parse_factor(" OFF "), Ok(None));
        assert_eq!(parse_factor("4"), Ok(Some(4.0)));
        assert_eq!(parse_factor("2.5"), Ok(Some(2.5)));
        for bad in ["0", "0.5", "-3", "NaN", "inf", "four", ""] {
            let err = parse_factor(bad).expect_err(bad);
            assert!(err.contains(KEEP_FACTOR_VAR), "{err}");
        }
    }

    #[test]
    fn only_differential_refuses_by_default() {
        for &t in Target::ALL {
            assert_eq!(default_factor(t).is_some(), t == Target::Differential, "{t}");
        }
    }
}
