//! Subexpressions of straight-line code: for each instruction of each
//! function body, the instructions that compute each of its operands (from
//! wasmparser's operator arity, with the module's types as the validator
//! sees them), so a rewrite can recognize whole operand expressions, the
//! way wasm-mutate's peephole mutator sees a basic block as a forest of
//! expression trees.

use std::ops::Range;
use wasmparser::{FuncValidatorAllocations, Operator, Parser, ValidPayload, Validator};

/// One function body's instructions, each with the code computing its
/// operands: `operands[i]` lists, in order, for each operand of `ops[i]`
/// the range of instructions that computes it, ending at the instruction
/// that pushes it (an instruction without a result that runs between two
/// operands is in neither range). `None` when an operand comes from before a control
/// instruction (block boundaries end the straight-line code), and for
/// control instructions themselves.
pub struct Body<'a> {
    pub ops: Vec<Operator<'a>>,
    pub operands: Vec<Option<Vec<Range<usize>>>>,
}

/// Whether `op` ends straight-line code (or starts new code).
fn is_control(op: &Operator<'_>) -> bool {
    use Operator::*;
    matches!(
        op,
        Block { .. }
            | Loop { .. }
            | If { .. }
            | Else
            | End
            | Br { .. }
            | BrIf { .. }
            | BrTable { .. }
            | Return
            | Unreachable
            | ReturnCall { .. }
            | ReturnCallIndirect { .. }
            | ReturnCallRef { .. }
            | TryTable { .. }
            | Throw { .. }
            | ThrowRef
            | BrOnNull { .. }
            | BrOnNonNull { .. }
            | BrOnCast { .. }
            | BrOnCastFail { .. }
    )
}

/// Every function body of `wasm` (a valid module), in code section order.
pub fn bodies(wasm: &[u8]) -> Option<Vec<Body<'_>>> {
    let mut validator = Validator::new_with_features(wasmparser::WasmFeatures::all());
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.ok()?;
        let ValidPayload::Func(func, body) = validator.payload(&payload).ok()? else { continue };
        let mut fv = func.into_validator(FuncValidatorAllocations::default());
        let mut locals = body.get_locals_reader().ok()?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, ty) = locals.read().ok()?;
            fv.define_locals(offset, count, ty).ok()?;
        }
        let mut reader = body.get_operators_reader().ok()?;
        let mut ops = Vec::new();
        let mut operands = Vec::new();
        // The code computing each value on the operand stack, `None` when
        // it was pushed before the current straight-line code.
        let mut stack: Vec<Option<Range<usize>>> = Vec::new();
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset().ok()?;
            let arity = if is_control(&op) { None } else { op.operator_arity(&fv) };
            fv.op(offset, &op).ok()?;
            let i = ops.len();
            let these = match arity {
                None => {
                    stack.clear();
                    None
                }
                Some((params, results)) => {
                    let split = stack.len().checked_sub(params as usize);
                    let popped: Option<Vec<Range<usize>>> = match split {
                        Some(at) => stack.split_off(at).into_iter().collect(),
                        None => {
                            stack.clear();
                            None
                        }
                    };
                    let start = popped.as_ref().map(|p| p.first().map_or(i, |r| r.start));
                    stack.extend(std::iter::repeat_n(start.map(|s| s..i + 1), results as usize));
                    popped
                }
            };
            ops.push(op);
            operands.push(these);
        }
        out.push(Body { ops, operands });
    }
    Some(out)
}
