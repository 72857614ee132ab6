//! Cutting runs of instructions out of function bodies, delta-debugging
//! style: for each body (largest first), runs of half its instructions,
//! then a quarter, ... down to single instructions are replaced by what
//! keeps the stack as it was — a `drop` for each operand the run consumed
//! from before it, a zero (or null) constant for each value it left — and
//! a replacement that is shorter and leaves a valid module (checked in
//! process, so only those cost a run) is kept when the Case stays
//! interesting. This reaches what neither cutting the called function
//! short nor wasm-shrink's random edits reach in few runs: code in the
//! middle of a body without results, or of a function that is compiled
//! but not called (a compiler crash).

use wasmparser::{Operator, Parser, Payload, ValType, ValidPayload, Validator};

/// What the validator knows between two instructions.
#[derive(Clone, Debug)]
struct Boundary {
    /// Byte offset in the module.
    pos: usize,
    /// Operand types on the whole stack, bottom first (`None`: unknown,
    /// in unreachable code).
    stack: Vec<Option<ValType>>,
    control: u32,
    reachable: bool,
    /// The instruction that starts here is an `else` (it ends a frame's
    /// first half: a run across it changes frames).
    is_else: bool,
}

/// A function body: its code index, its locals' bytes, and the boundaries
/// between its instructions (the last one before the final `end`).
struct Body {
    index: u32,
    locals: Vec<u8>,
    bounds: Vec<Boundary>,
    end: usize,
}

impl Body {
    /// Instructions that may be cut (all but the final `end`).
    fn len(&self) -> usize {
        self.bounds.len() - 1
    }
}

fn bodies(wasm: &[u8]) -> Option<Vec<Body>> {
    let mut validator = Validator::new_with_features(crosscheck_oracles::Features::ALL.to_wasmparser());
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        let valid = validator.payload(&payload).ok()?;
        let (Payload::CodeSectionEntry(body), ValidPayload::Func(to_validate, _)) = (&payload, valid) else {
            continue;
        };
        let mut fv = to_validate.into_validator(Default::default());
        let mut locals = body.get_binary_reader();
        fv.read_locals(&mut locals).ok()?;
        let mut ops = body.get_operators_reader().ok()?;
        let ops_start = ops.original_position();
        let mut bounds = Vec::new();
        while !ops.eof() {
            let pos = ops.original_position();
            let (op, offset) = ops.read_with_offset().ok()?;
            let height = fv.operand_stack_height() as usize;
            bounds.push(Boundary {
                pos,
                stack: (0..height).rev().map(|d| fv.get_operand_type(d).flatten()).collect(),
                control: fv.control_stack_height(),
                reachable: fv.get_control_frame(0).is_some_and(|f| !f.unreachable),
                is_else: matches!(op, Operator::Else),
            });
            fv.op(offset, &op).ok()?;
        }
        let range = body.range();
        out.push(Body {
            index: out.len() as u32,
            locals: wasm[range.start..ops_start].to_vec(),
            bounds,
            end: range.end,
        });
    }
    Some(out)
}

/// Bytes that push a zero or null of type `t`.
fn zero(t: ValType) -> Option<Vec<u8>> {
    Some(match t {
        ValType::I32 => vec![0x41, 0],
        ValType::I64 => vec![0x42, 0],
        ValType::F32 => [&[0x43][..], &[0; 4]].concat(),
        ValType::F64 => [&[0x44][..], &[0; 8]].concat(),
        ValType::V128 => [&[0xfd, 0x0c][..], &[0; 16]].concat(),
        ValType::Ref(r) if r == wasmparser::RefType::FUNCREF => vec![0xd0, 0x70],
        ValType::Ref(r) if r == wasmparser::RefType::EXTERNREF => vec![0xd0, 0x6f],
        ValType::Ref(_) => return None,
    })
}

/// The bytes that stand for instructions `from..to`: drops for what the
/// run consumed, zeros for what it left; `None` when the run crosses a
/// frame's edge or unreachable code.
fn replacement(body: &Body, from: usize, to: usize) -> Option<Vec<u8>> {
    let (a, b) = (&body.bounds[from], &body.bounds[to]);
    let inner = &body.bounds[from..=to];
    let crosses =
        inner.iter().any(|x| x.control < a.control) || inner[1..].iter().any(|x| x.control == a.control && x.is_else);
    if crosses || a.control != b.control || !a.reachable || !b.reachable {
        return None;
    }
    let low = inner.iter().map(|x| x.stack.len()).min()?;
    let mut bytes = vec![0x1a; a.stack.len() - low];
    for t in &b.stack[low..] {
        bytes.extend(zero((*t)?)?);
    }
    Some(bytes)
}

/// The module with instructions `from..to` of `body` replaced, if shorter
/// and valid.
fn without(wasm: &[u8], body: &Body, from: usize, to: usize) -> Option<Vec<u8>> {
    let stand_in = replacement(body, from, to)?;
    if stand_in.len() >= body.bounds[to].pos - body.bounds[from].pos {
        return None;
    }
    let mut bytes = body.locals.clone();
    bytes.extend_from_slice(&wasm[body.bounds[0].pos..body.bounds[from].pos]);
    bytes.extend(stand_in);
    bytes.extend_from_slice(&wasm[body.bounds[to].pos..body.end]);
    super::locate::with_body(wasm, body.index, &bytes)
}

/// Cuts runs of instructions out of every body while `interesting` says
/// so, running it at most `budget` times; the smallest module found.
pub fn reduce_bodies(
    mut wasm: Vec<u8>,
    mut budget: u32,
    mut interesting: impl FnMut(&[u8]) -> anyhow::Result<bool>,
) -> anyhow::Result<Vec<u8>> {
    let Some(all) = bodies(&wasm) else { return Ok(wasm) };
    let mut order: Vec<(usize, u32)> = all.iter().map(|b| (b.len(), b.index)).collect();
    order.sort_by(|a, b| b.cmp(a));
    for (len, index) in order {
        let mut chunk = len.div_ceil(2).max(1);
        loop {
            let mut at = 0;
            while let Some(body) = bodies(&wasm).and_then(|b| b.into_iter().nth(index as usize)) {
                if at >= body.len() {
                    break;
                }
                if budget == 0 {
                    return Ok(wasm);
                }
                if let Some(candidate) = without(&wasm, &body, at, (at + chunk).min(body.len())) {
                    budget -= 1;
                    if interesting(&candidate)? {
                        wasm = candidate;
                        continue;
                    }
                }
                at += chunk;
            }
            if chunk == 1 {
                break;
            }
            chunk = chunk.div_ceil(2);
        }
    }
    Ok(wasm)
}
