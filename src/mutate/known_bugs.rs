//! wasm-mutate bugs written up in `docs/findings/`, recognized the way
//! engine bugs are ([`crate::triage`]): a mutator divergence is traced to a
//! bug when undoing the bug's rewrite in the mutant makes the oracle agree.

use super::spans;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Operator, Parser, Payload};

/// A documented wasm-mutate bug.
pub struct KnownMutatorBug {
    pub name: &'static str,
    pub doc: &'static str,
    pub trace: Trace,
}

/// How a mutator divergence is traced to a bug.
pub enum Trace {
    /// The mutant with the bug's rewrites undone (`None`: nothing to
    /// undo): traced when it agrees with the original.
    Undo(fn(&[u8]) -> Option<Vec<u8>>),
    /// The original with the bug's rewrite done, once for each place the
    /// mutant may have had it (given the original and the mutant): traced
    /// when the mutant agrees with one of them (for a rewrite that cannot
    /// be undone from the mutant alone).
    Redo(fn(&[u8], &[u8]) -> Vec<Vec<u8>>),
}

/// Every known wasm-mutate bug.
pub const KNOWN_MUTATOR_BUGS: &[KnownMutatorBug] = &[
    KnownMutatorBug {
        name: "wasm-mutate-peephole-float-identities",
        doc: "docs/findings/wasm-mutate-peephole-float-identities.md",
        trace: Trace::Undo(without_float_identities),
    },
    KnownMutatorBug {
        name: "wasm-mutate-peephole-duplicates-effects",
        doc: "docs/findings/wasm-mutate-peephole-duplicates-effects.md",
        trace: Trace::Undo(without_duplicated_effects),
    },
    KnownMutatorBug {
        name: "wasm-mutate-peephole-reorders-effects",
        doc: "docs/findings/wasm-mutate-peephole-reorders-effects.md",
        trace: Trace::Redo(reemitted_prefixes),
    },
];

/// Whether `op` is `fN.const 0.0` (positive zero) or `fN.const 1.0`, and
/// the operator that makes it an identity (`fN.add`, `fN.mul`).
fn identity_operand(op: &Operator<'_>) -> Option<fn(&Operator<'_>) -> bool> {
    match op {
        Operator::F32Const { value } if value.bits() == 0 => Some(|o| matches!(o, Operator::F32Add)),
        Operator::F64Const { value } if value.bits() == 0 => Some(|o| matches!(o, Operator::F64Add)),
        Operator::F32Const { value } if value.bits() == 1.0f32.to_bits() => Some(|o| matches!(o, Operator::F32Mul)),
        Operator::F64Const { value } if value.bits() == 1.0f64.to_bits() => Some(|o| matches!(o, Operator::F64Mul)),
        _ => None,
    }
}

/// The module with every function body replaced by `rewrite`'s version of
/// it (`None`: left as is), repeated until no body changes (a rewrite may
/// be hidden under another one); `None` when no body changed at all.
fn rewrite_bodies(wasm: &[u8], mut rewrite: impl FnMut(&spans::Body<'_>) -> Option<Vec<usize>>) -> Option<Vec<u8>> {
    let mut current = wasm.to_vec();
    let mut changed = false;
    loop {
        let bodies = spans::bodies(&current)?;
        let dropped: Vec<Option<Vec<usize>>> = bodies.iter().map(&mut rewrite).collect();
        if dropped.iter().all(Option::is_none) {
            return changed.then_some(current);
        }
        changed = true;
        let order: Vec<Option<Vec<usize>>> = (bodies.iter().zip(&dropped))
            .map(|(b, d)| d.as_ref().map(|d| (0..b.ops.len()).filter(|i| d.binary_search(i).is_err()).collect()))
            .collect();
        current = with_instructions(&current, &bodies, &order)?;
    }
}

/// `wasm` with body `f` made of its instructions at the indices
/// `order[f]`, in that order (`None`: unchanged).
fn with_instructions(wasm: &[u8], bodies: &[spans::Body<'_>], order: &[Option<Vec<usize>>]) -> Option<Vec<u8>> {
    let mut re = RoundtripReencoder;
    let mut module = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        let Some((id, range)) = payload.as_section() else { continue };
        if let Payload::CodeSectionStart { .. } = payload {
            let mut code = wasm_encoder::CodeSection::new();
            let reader = wasmparser::CodeSectionReader::new(wasmparser::BinaryReader::new(&wasm[range], 0)).ok()?;
            for (n, body) in reader.into_iter().enumerate() {
                let body = body.ok()?;
                let mut f = re.new_function_with_parsed_locals(&body).ok()?;
                let ops = &bodies.get(n)?.ops;
                let all: Vec<usize> = (0..ops.len()).collect();
                for &i in order.get(n)?.as_deref().unwrap_or(&all) {
                    f.instruction(&re.instruction(ops.get(i)?.clone()).ok()?);
                }
                code.function(&f);
            }
            module.section(&code);
        } else {
            module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
        }
    }
    Some(module.finish())
}

/// The module with every `fN.const 0; fN.add` and `fN.const 1; fN.mul`
/// pair dropped (the peephole rules `x => x + 0.0` and `x => x * 1.0`, in
/// the order wasm-mutate emits them, the constant possibly stored to and
/// reloaded from a global in between, or itself rewritten into
/// `0.0 * 1.0`); `None` when there is none.
pub fn without_float_identities(wasm: &[u8]) -> Option<Vec<u8>> {
    rewrite_bodies(wasm, |body| {
        let ops = &body.ops;
        let mut gone = Vec::new();
        let mut i = 0;
        while i < ops.len() {
            if let Some(is_identity) = identity_operand(&ops[i]) {
                // The constant may take a detour through a global
                // (`global.set g; global.get g`, another rewrite).
                let detour = match (ops.get(i + 1), ops.get(i + 2)) {
                    (Some(Operator::GlobalSet { global_index: s }), Some(Operator::GlobalGet { global_index: g }))
                        if s == g =>
                    {
                        2
                    }
                    _ => 0,
                };
                if ops.get(i + 1 + detour).is_some_and(is_identity) {
                    gone.extend(i..i + 2 + detour);
                    i += 2 + detour;
                    continue;
                }
            }
            i += 1;
        }
        (!gone.is_empty()).then_some(gone)
    })
}

/// Whether `op` has an effect beyond its result that running it twice
/// repeats: a call, a `grow`, a `local.tee` (its local written again from
/// the value the first copy left there).
fn has_effect(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        Call { .. } | CallIndirect { .. } | CallRef { .. } | MemoryGrow { .. } | TableGrow { .. } | LocalTee { .. }
    )
}

/// The end of `ops[range]` without the integer identities wasm-mutate's
/// peephole rules wrap around an expression (`x => x ^ 0`, `x << 0`,
/// `x >> 0`, `x + 0`, `x - 0`, `x * 1`), outermost first.
fn without_identity_wrappers(ops: &[Operator<'_>], range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    use Operator::*;
    let mut end = range.end;
    while end >= range.start + 3 {
        let wrapped = matches!(
            (&ops[end - 2], &ops[end - 1]),
            (I32Const { value: 0 }, I32Xor | I32Shl | I32ShrU | I32ShrS | I32Add | I32Sub)
                | (I64Const { value: 0 }, I64Xor | I64Shl | I64ShrU | I64ShrS | I64Add | I64Sub)
                | (I32Const { value: 1 }, I32Mul)
                | (I64Const { value: 1 }, I64Mul)
        );
        if !wrapped {
            break;
        }
        end -= 2;
    }
    range.start..end
}

/// The module with every `iN.and`/`iN.or` whose two operands are the same
/// expression with an effect (a call, a `grow` or a `local.tee`; each copy possibly
/// wrapped in integer identities) replaced by its first operand: the
/// peephole rules `x => (iN.and x x)` and `x => (iN.or x x)` undone, which
/// run the effect twice; `None` when there is none. The first copy may
/// take a detour through a global (`x; global.set g; global.get g`, the
/// way wasm-mutate's encoder sometimes writes a value used twice): then
/// `x` stays and the detour goes with the second copy.
pub fn without_duplicated_effects(wasm: &[u8]) -> Option<Vec<u8>> {
    use Operator::*;
    rewrite_bodies(wasm, |body| {
        let ops = &body.ops;
        let mut gone = Vec::new();
        // Outermost first (a doubled `or` may itself have been doubled):
        // undoing an inner copy first would leave the outer two unequal.
        let mut floor = ops.len();
        for i in (0..floor).rev() {
            if i >= floor || !matches!(ops[i], I32And | I32Or | I64And | I64Or) {
                continue;
            }
            let Some([a, b]) = body.operands[i].as_deref() else { continue };
            // The first copy, and where what goes with the second starts.
            let (first, cut) = through_global(body, a).unwrap_or((a.clone(), b.start));
            let (x, y) = (without_identity_wrappers(ops, first), without_identity_wrappers(ops, b.clone()));
            if ops[x.clone()] == ops[y] && ops[x].iter().any(has_effect) {
                gone.extend(cut..=i);
                floor = cut;
            }
        }
        gone.sort_unstable();
        (!gone.is_empty()).then_some(gone)
    })
}

/// When `operand` is `global.get g` right after `x; global.set g` (`nop`s
/// between), the range of `x` and the index of the `global.set`.
fn through_global(body: &spans::Body<'_>, operand: &std::ops::Range<usize>) -> Option<(std::ops::Range<usize>, usize)> {
    let ops = &body.ops;
    let Operator::GlobalGet { global_index: g } = ops[operand.start] else { return None };
    if operand.len() != 1 {
        return None;
    }
    let set = (0..operand.start).rev().find(|&k| !matches!(ops[k], Operator::Nop))?;
    match (&ops[set], body.operands[set].as_deref()) {
        (Operator::GlobalSet { global_index }, Some([x])) if *global_index == g => Some((x.clone(), set)),
        _ => None,
    }
}

/// Most candidates [`reemitted_prefixes`] offers.
const MAX_REEMISSIONS: usize = 64;

/// The original re-encoded the way wasm-mutate's peephole encoder writes
/// the basic block it mutates: the block from its start up to the mutated
/// instruction `p`, as a forest of expression trees (one per instruction
/// whose result the prefix does not consume, and per instruction without
/// a result), each tree written out whole, in the order of the trees'
/// roots. A tree's leaves then move after every root between them and the
/// tree's root: `global.get g` past a `global.set g`, a load past a store.
/// One candidate per `p` in each function the mutant changed where this
/// reorders anything (at most [`MAX_REEMISSIONS`]), those that reproduce
/// more of the mutant's first instructions first: in a long function the
/// `p` wasm-mutate picked can lie past the first 64 that reorder anything.
pub fn reemitted_prefixes(original: &[u8], mutant: &[u8]) -> Vec<Vec<u8>> {
    let (Some(before), Some(after)) = (spans::bodies(original), spans::bodies(mutant)) else { return Vec::new() };
    let mut out = Vec::new();
    for (f, body) in before.iter().enumerate() {
        let mutant_ops = after.get(f).map(|a| &a.ops[..]);
        if mutant_ops == Some(&body.ops[..]) {
            continue;
        }
        // Each reordering, with how many of the mutant's first
        // instructions it gives as they are.
        let mut candidates: Vec<(usize, Vec<usize>)> = (0..body.ops.len())
            .filter_map(|p| reemitted_prefix(body, p))
            .map(|order| {
                let shared = mutant_ops
                    .map_or(0, |ops| order.iter().zip(ops).take_while(|&(&i, op)| body.ops[i] == *op).count());
                (shared, order)
            })
            .collect();
        // Stable: among equals, the earlier `p` first.
        candidates.sort_by_key(|(shared, _)| std::cmp::Reverse(*shared));
        for (_, order) in candidates {
            let mut orders = vec![None; before.len()];
            orders[f] = Some(order);
            if let Some(wasm) = with_instructions(original, &before, &orders)
                && !out.contains(&wasm)
            {
                out.push(wasm);
            }
            if out.len() == MAX_REEMISSIONS {
                return out;
            }
        }
    }
    out
}

/// The instruction order of `body` with the straight-line prefix ending at
/// `p` written tree by tree (see [`reemitted_prefixes`]); `None` when a
/// tree takes an operand from before the prefix or nothing moves.
fn reemitted_prefix(body: &spans::Body<'_>, p: usize) -> Option<Vec<usize>> {
    body.operands[p].as_ref()?;
    let start = (0..p).rev().find(|&i| body.operands[i].is_none()).map_or(0, |i| i + 1);
    // Which instruction consumes each result (within the prefix).
    let mut consumer = vec![None; p + 1];
    for i in start..=p {
        for r in body.operands[i].as_ref()? {
            let producer = r.end - 1;
            // (Results of one instruction taken apart, as of a multi-value
            // call, are no tree: wasm-mutate gives up on those too.)
            if producer < start || consumer[producer].is_some() {
                return None;
            }
            consumer[producer] = Some(i);
        }
    }
    fn tree(body: &spans::Body<'_>, root: usize, out: &mut Vec<usize>) {
        for r in body.operands[root].iter().flatten() {
            tree(body, r.end - 1, out);
        }
        out.push(root);
    }
    let mut order: Vec<usize> = (0..start).collect();
    for root in (start..=p).filter(|&i| consumer[i].is_none()) {
        tree(body, root, &mut order);
    }
    order.extend(p + 1..body.ops.len());
    (order.iter().enumerate().any(|(k, &i)| k != i)).then_some(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_exactly_the_identity_pairs() {
        let wat = r#"(module (func (param f32 f64) (result f32 f64)
            local.get 0 f32.const 0 f32.add f32.const 1 f32.mul
            local.get 1 f64.const -0 f64.add f64.const 2 f64.mul
            f64.const 0 global.set 0 global.get 0 f64.add)
            (global (mut f64) (f64.const 0)))"#;
        let out = without_float_identities(&wat::parse_str(wat).unwrap()).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert!(!text.contains("f32.add") && !text.contains("f32.mul"), "{text}");
        assert_eq!(text.matches("f64.add").count(), 1, "-0.0 stays, the detour through a global goes: {text}");
        assert!(text.contains("f64.mul"), "2.0 is no identity: {text}");
    }

    #[test]
    fn drops_identities_hidden_under_identities() {
        // `x + 0.0`, then the constant rewritten into `0.0 * 1.0`.
        let wat = "(module (func (param f32) (result f32) local.get 0 f32.const 0 f32.const 1 f32.mul f32.add))";
        let out = without_float_identities(&wat::parse_str(wat).unwrap()).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert!(!text.contains("f32.const") && !text.contains("f32.add"), "{text}");
    }

    #[test]
    fn undoes_a_duplicated_call_and_keeps_other_ands() {
        let wat = r#"(module (global (mut i32) (i32.const 0))
            (func $bump (param i32) (result i32) global.get 0 local.get 0 i32.add global.set 0 global.get 0)
            (func (param i32) (result i32)
              local.get 0 call $bump local.get 0 call $bump i64.const 3 drop i32.or
              local.get 0 call $bump i32.const 1 call $bump i32.and
              i32.add))"#;
        let out = without_duplicated_effects(&wat::parse_str(wat).unwrap()).unwrap();
        let text = wasmprinter::print_bytes(&out).unwrap();
        assert_eq!(text.matches("call $bump").count(), 3, "{text}");
        assert!(!text.contains("i32.or") && text.contains("i32.and"), "{text}");
    }

    #[test]
    fn undoes_a_duplicated_grow_whose_first_copy_goes_through_a_global() {
        // What three peephole steps made of `local.get 0 memory.grow`
        // (`mutate` campaign, seed 1206): the first copy kept in a new
        // global, the `or` itself then doubled by `x => (i64.and x x)`.
        let wat = r#"(module (memory i64 1 10) (global (mut i64) (i64.const 0))
            (func (param i64) (result i64)
              local.get 0 memory.grow global.set 0 nop
              global.get 0 local.get 0 memory.grow i64.or
              global.get 0 local.get 0 memory.grow i64.or
              i64.and)
            (func (param i64) (result i64)
              local.get 0 memory.grow global.set 0 global.get 0 local.get 0 memory.grow i64.const 0 i64.shl i64.or))"#;
        let out = without_duplicated_effects(&wat::parse_str(wat).unwrap()).unwrap();
        let original = "(module (memory i64 1 10) (global (mut i64) (i64.const 0))
            (func (param i64) (result i64) local.get 0 memory.grow)
            (func (param i64) (result i64) local.get 0 memory.grow))";
        assert_eq!(
            wasmprinter::print_bytes(&out).unwrap(),
            wasmprinter::print_bytes(wat::parse_str(original).unwrap()).unwrap()
        );
    }

    #[test]
    fn keeps_a_global_read_that_is_no_detour() {
        // The global is set from another expression: `or` of two values.
        let wat = r#"(module (memory 1 10) (global (mut i32) (i32.const 0))
            (func (param i32) (result i32)
              i32.const 7 global.set 0 global.get 0 local.get 0 memory.grow i32.or))"#;
        assert!(without_duplicated_effects(&wat::parse_str(wat).unwrap()).is_none());
    }

    #[test]
    fn reemits_a_prefix_tree_by_tree() {
        let wat = "(module (global (mut i32) (i32.const 1)) (func (result i32)
            global.get 0 i32.const 7 global.set 0 i32.const 1 i32.add i32.const 5 i32.mul))";
        let wasm = wat::parse_str(wat).unwrap();
        let bodies = spans::bodies(&wasm).unwrap();
        // Up to `i32.const 5` (index 5): roots global.set (2), i32.add (4), i32.const 5.
        assert_eq!(reemitted_prefix(&bodies[0], 5), Some(vec![1, 2, 0, 3, 4, 5, 6, 7]));
        // Up to `i32.const 7`: nothing moves.
        assert_eq!(reemitted_prefix(&bodies[0], 1), None);
    }
}
