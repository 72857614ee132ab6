//! Which of Cranelift's x64 lowering rules each catalog shape stands for:
//! reads `lower.isle` from the `cranelift-codegen` crate source (never
//! copied here), keeps the `lower`/`lower_branch` rules whose left-hand side
//! matches more than one operation or a constant, and maps each to a shape
//! by [`COVERAGE`], or to the reason Wasm cannot reach it.

use super::shapes::Shape;
use std::path::{Path, PathBuf};

/// How a rule is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The `patterns` generator builds this shape, which the rule matches.
    Shape(Shape),
    /// One Wasm instruction the generator emits as an operand (a load or
    /// constant form), which the frontend translates to the matched operations.
    Leaf(&'static str),
    /// Not generated, with the reason.
    Unreached(&'static str),
}

/// Rule families, by the rule's top operation and one operation or
/// constant matcher nested inside it (or, written `$TYPE`, the type the
/// rule lowers): first match wins. A rule no entry matches fails the
/// catalog test (the table must follow Cranelift).
pub const COVERAGE: &[(&str, &str, Reach)] = &[
    ("band", "bnot", Reach::Shape(Shape::AndNot)),
    ("band", "ineg", Reach::Shape(Shape::BitTrick)),
    ("band", "simm32_from_value", Reach::Shape(Shape::ImmBinary)),
    ("band", "sinkable_load", Reach::Shape(Shape::LoadBinary)),
    ("bor", "ishl", Reach::Shape(Shape::ShiftOr)),
    ("bor", "simm32_from_value", Reach::Shape(Shape::ImmBinary)),
    ("bor", "sinkable_load", Reach::Shape(Shape::LoadBinary)),
    ("bxor", "simm32_from_value", Reach::Shape(Shape::ImmBinary)),
    ("bxor", "sinkable_load", Reach::Shape(Shape::LoadBinary)),
    ("bitselect", "fcmp", Reach::Shape(Shape::BitSelect)),
    ("fadd", "sinkable_load", Reach::Shape(Shape::LoadBinary)),
    ("fmul", "sinkable_load", Reach::Shape(Shape::LoadBinary)),
    ("fcvt_from_sint", "swiden_low", Reach::Shape(Shape::LoadUnary)),
    ("fcvt_from_uint", "uwiden_low", Reach::Shape(Shape::LoadUnary)),
    ("iadd", "sinkable_load", Reach::Shape(Shape::LoadBinary)),
    ("iadd", "iadd_pairwise", Reach::Shape(Shape::LoadBinary)),
    ("iadd_pairwise", "imul", Reach::Shape(Shape::LoadBinary)),
    ("iadd_pairwise", "widen", Reach::Shape(Shape::LoadUnary)),
    ("icmp", "u64_from_iconst", Reach::Shape(Shape::CmpBranch)),
    ("imul", "widen", Reach::Shape(Shape::LoadBinary)),
    ("imul", "i32_from_iconst", Reach::Shape(Shape::ImmBinary)),
    ("imul", "sinkable_load", Reach::Shape(Shape::LoadBinary)),
    ("select", "fcmp", Reach::Shape(Shape::CmpSelect)),
    ("shuffle", "", Reach::Shape(Shape::Shuffle)),
    ("snarrow", "fcvt_to_sint_sat", Reach::Shape(Shape::LoadUnary)),
    ("snarrow", "x86_cvtt2dq", Reach::Shape(Shape::LoadUnary)),
    ("uunarrow", "fcvt_to_uint_sat", Reach::Shape(Shape::LoadUnary)),
    ("splat", "sinkable_load_8", Reach::Leaf("v128.load8_splat")),
    ("splat", "sinkable_load_16", Reach::Leaf("v128.load16_splat")),
    ("splat", "sinkable_load", Reach::Shape(Shape::LoadSplat)),
    ("srem", "iconst", Reach::Shape(Shape::ImmBinary)),
    ("sshr", "iconst", Reach::Shape(Shape::VecShiftConst)),
    ("store", "extractlane", Reach::Shape(Shape::StoreOp)),
    ("store", "load", Reach::Shape(Shape::StoreOp)),
    ("scalar_to_vector", "sinkable_load", Reach::Leaf("v128.load32_zero / v128.load64_zero")),
    ("vconst", "u128_from_constant", Reach::Leaf("v128.const")),
    ("uadd_overflow_trap", "", Reach::Shape(Shape::FoldedAddress)),
    ("insertlane", "", Reach::Shape(Shape::LaneInsert)),
    ("imul", "$I16", Reach::Unreached("$I16 scalars do not occur in Wasm")),
    ("imul", "extend", Reach::Shape(Shape::WideArith)),
    ("iadd", "iconcat", Reach::Shape(Shape::WideArith)),
    ("iadd", "uextend", Reach::Shape(Shape::WideArith)),
    ("isub", "", Reach::Shape(Shape::WideArith)),
    (
        "imul",
        "iconcat",
        Reach::Unreached("no Wasm operator multiplies 128-bit values (i64.mul_wide_* multiplies extended i64s)"),
    ),
    ("fma", "fneg", Reach::Shape(Shape::Relaxed)),
    ("f128const", "", Reach::Unreached("f128 does not occur in Wasm")),
    ("call", "", Reach::Unreached("direct calls: patterns functions make no calls (the differential target calls)")),
    ("return_call", "", Reach::Unreached("tail calls: patterns functions make no calls")),
    ("try_call", "", Reach::Unreached("exception handling: not in this target")),
    ("func_addr", "", Reach::Unreached("function addresses (ref.func, tables): not in this target")),
    ("symbol_value", "", Reach::Unreached("symbols: produced by the embedder, not by Wasm operators")),
    ("tls_value", "", Reach::Unreached("thread-local storage: Wasm has none")),
];

/// CLIF operations that can sit inside a rule's pattern (ISLE's own `and`
/// combinator is no operation).
const OPERATIONS: &[&str] = &[
    "load",
    "fcmp",
    "icmp",
    "swiden_low",
    "swiden_high",
    "uwiden_low",
    "uwiden_high",
    "extractlane",
    "uextend",
    "bnot",
    "bitcast",
    "maybe_uextend",
    "iadd",
    "iconcat",
    "iconst",
    "imul",
    "vconst",
    "ineg",
    "ishl",
    "ushr",
    "sextend",
    "band",
    "bor",
    "bxor",
    "iadd_pairwise",
    "splat",
    "fneg",
    "isub",
    "fcvt_to_sint_sat",
    "fcvt_to_uint_sat",
    "x86_cvtt2dq",
    "func_ref_data",
    "symbol_value_data",
];

/// Matchers of constants (immediates, shuffle masks) and of sinkable loads.
fn is_constant_matcher(s: &str) -> bool {
    s.starts_with("sinkable_load")
        || s.ends_with("_from_iconst")
        || s == "simm32_from_value"
        || s == "u128_from_constant"
        || s == "u128_from_immediate"
        || s.ends_with("_imm")
        || s.ends_with("_imm_from_immediate")
        || s == "vec_mask_from_immediate"
        || s == "perm_from_mask_with_zeros"
}

/// A lowering rule that matches more than one operation or a constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// 1-based line of the rule in the file.
    pub line: usize,
    /// The operation the rule lowers.
    pub top: String,
    /// Operations and constant matchers nested in its pattern.
    pub nested: Vec<String>,
    /// The type it lowers (`$I128`), when the pattern names one.
    pub ty: Option<String>,
}

impl Rule {
    /// How the catalog reaches this rule, `None` when [`COVERAGE`] has no entry.
    pub fn reach(&self) -> Option<Reach> {
        COVERAGE.iter().find_map(|(top, nested, reach)| self.is_matched_by(top, nested).then_some(*reach))
    }

    /// Whether the [`COVERAGE`] entry `(top, nested)` is about this rule.
    pub fn is_matched_by(&self, top: &str, nested: &str) -> bool {
        let inner = if nested.starts_with('$') {
            self.ty.as_deref() == Some(nested)
        } else {
            nested.is_empty() || self.nested.iter().any(|n| n.contains(nested))
        };
        self.top == top && inner
    }
}

/// An s-expression.
enum Sexp {
    Atom(String),
    List(Vec<Sexp>, usize),
}

/// Parses ISLE text into top-level forms (comments dropped); `None` if
/// parentheses do not balance.
fn parse(text: &str) -> Option<Vec<Sexp>> {
    let mut stack: Vec<(Vec<Sexp>, usize)> = vec![(Vec::new(), 0)];
    for (n, line) in text.lines().enumerate() {
        let code = line.split(';').next().unwrap_or("");
        let mut atom = String::new();
        let flush = |atom: &mut String, stack: &mut Vec<(Vec<Sexp>, usize)>| {
            if !atom.is_empty()
                && let Some(top) = stack.last_mut()
            {
                top.0.push(Sexp::Atom(std::mem::take(atom)));
            }
        };
        for c in code.chars() {
            match c {
                '(' => {
                    flush(&mut atom, &mut stack);
                    stack.push((Vec::new(), n + 1));
                }
                ')' => {
                    flush(&mut atom, &mut stack);
                    let (list, line) = stack.pop()?;
                    stack.last_mut()?.0.push(Sexp::List(list, line));
                }
                c if c.is_whitespace() => flush(&mut atom, &mut stack),
                c => atom.push(c),
            }
        }
        flush(&mut atom, &mut stack);
    }
    (stack.len() == 1).then(|| stack.pop().map(|s| s.0)).flatten()
}

fn head(list: &[Sexp]) -> Option<&str> {
    match list.first() {
        Some(Sexp::Atom(a)) => Some(a),
        _ => None,
    }
}

/// Heads of every list nested below `list` (not its own).
fn nested_heads(list: &[Sexp], out: &mut Vec<String>) {
    for item in list.iter().skip(1) {
        if let Sexp::List(inner, _) = item {
            if let Some(h) = head(inner) {
                out.push(h.to_string());
            }
            nested_heads(inner, out);
        }
    }
}

/// The multi-operation or constant-matching `lower` rules of an ISLE file.
pub fn rules(text: &str) -> Option<Vec<Rule>> {
    let mut out = Vec::new();
    for form in parse(text)? {
        let Sexp::List(rule, line) = form else { continue };
        if head(&rule) != Some("rule") {
            continue;
        }
        let Some(Sexp::List(lhs, _)) = rule.iter().skip(1).find(|x| matches!(x, Sexp::List(..))) else { continue };
        if !matches!(head(lhs), Some("lower" | "lower_branch")) {
            continue;
        }
        let Some(Sexp::List(pattern, _)) = lhs.get(1) else { continue };
        let mut pattern: &[Sexp] = pattern;
        let type_atom = |x: Option<&Sexp>| match x {
            Some(Sexp::Atom(a)) if a.starts_with('$') => Some(a.clone()),
            _ => None,
        };
        // `(has_type ty (op ...))` lowers `op`; `(op $TY ...)` names it too.
        let mut ty = None;
        if head(pattern) == Some("has_type")
            && let Some(Sexp::List(inner, _)) = pattern.get(2)
        {
            ty = type_atom(pattern.get(1));
            pattern = inner;
        }
        let ty = ty.or_else(|| type_atom(pattern.get(1)));
        let Some(top) = head(pattern) else { continue };
        let mut heads = Vec::new();
        nested_heads(pattern, &mut heads);
        let mut nested: Vec<String> =
            heads.into_iter().filter(|h| OPERATIONS.contains(&h.as_str()) || is_constant_matcher(h)).collect();
        nested.sort();
        nested.dedup();
        if !nested.is_empty() {
            out.push(Rule { line, top: top.to_string(), nested, ty });
        }
    }
    Some(out)
}

/// `lower.isle` of the x64 backend of the `cranelift-codegen` 0.135 crate
/// in cargo's registry, if cargo has unpacked it (any build does).
pub fn find_x64_lower_isle() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CROSSCHECK_X64_ISLE") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))?;
    let registry = home.join("registry").join("src");
    let mut found: Vec<PathBuf> = std::fs::read_dir(registry)
        .ok()?
        .flatten()
        .flat_map(|index| std::fs::read_dir(index.path()).into_iter().flatten().flatten())
        .filter(|d| d.file_name().to_string_lossy().starts_with("cranelift-codegen-0.135."))
        .map(|d| d.path().join("src/isa/x64/lower.isle"))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found.pop()
}

/// The coverage report: how many rules have a shape, and the others.
pub fn report(rules: &[Rule]) -> String {
    let mut shaped = 0;
    let mut leaf = 0;
    let mut lines = Vec::new();
    for r in rules {
        match r.reach() {
            Some(Reach::Shape(_)) => shaped += 1,
            Some(Reach::Leaf(_)) => leaf += 1,
            Some(Reach::Unreached(why)) => {
                lines.push(format!("  line {:>4} {} ({}): {why}", r.line, r.top, r.nested.join(", ")))
            }
            None => lines.push(format!("  line {:>4} {} ({}): NOT IN THE TABLE", r.line, r.top, r.nested.join(", "))),
        }
    }
    format!(
        "x64 lowering rules matching more than one operation or a constant: {}\n  with a shape: {shaped}\n  reached by one Wasm instruction the generator emits: {leaf}\n  not reached: {}\n{}\n",
        rules.len(),
        rules.len() - shaped - leaf,
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_reads_through_has_type() {
        let text = "(rule 1 (lower (has_type $I64 (band x (bnot y)))) ;; andn\n  (x64_andn x y))\n\
                    (rule (lower (iadd ty x y)) (x64_add ty x y))\n(decl foo (A) B)";
        let rules = rules(text).unwrap();
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].top, "band");
        assert_eq!(rules[0].nested, vec!["bnot".to_string()]);
        assert_eq!(rules[0].reach(), Some(Reach::Shape(Shape::AndNot)));
        assert_eq!(rules[0].ty.as_deref(), Some("$I64"));
        assert!(super::rules("(rule (lower (iadd").is_none());
    }

    #[test]
    fn a_type_entry_tells_the_forms_of_one_family_apart() {
        let text = "(rule -2 (lower (imul $I16 (sextend _ x) (sextend _ y))) (x64_mul8 true x y))\n\
                    (rule 5 (lower (imul $I128 (sextend _ x @ (value_type $I64)) (sextend _ y @ (value_type $I64)))) (x64_mul $I64 true x y))";
        let rules = rules(text).unwrap();
        assert!(matches!(rules[0].reach(), Some(Reach::Unreached(_))), "{:?}", rules[0]);
        assert_eq!(rules[1].reach(), Some(Reach::Shape(Shape::WideArith)));
    }
}
