//! Rewrites behind the per-instruction faults of control and parametric
//! instructions: a `try_table` that tries its `catch_all` clauses before
//! the others ([`super::Fault::CatchAllFirst`]), a `return_call` made a
//! `call` and a `return`, inside whose handlers the callee then runs
//! ([`super::Fault::ReturnCallKeepsHandler`]), a `select` testing the low
//! byte of its condition ([`super::Fault::SelectLowByteCondition`]), a
//! `return_call` passing two arguments of one type swapped
//! ([`super::Fault::ReturnCallSwapsArgs`]), a `call` of many arguments
//! passing one stack argument's value in another's place
//! ([`super::Fault::CallStackArgRepeated`]), a `throw_ref` losing the
//! last value of its payload ([`super::Fault::ThrowRefLosesLastValue`]),
//! and a `br_on_null` or `br_on_non_null` taking an i31 of 0 for null
//! ([`super::Fault::BrOnNullI31Zero`], [`super::Fault::BrOnNonNullI31Zero`]).
//! They share the body rewriter of [`super::miscompile`].

use super::Fault;
use super::gc_faults::Types;
use super::miscompile::{Scratch, context, rewrite_code, rewrite_where_valid};
use crate::triage::prune;
use wasm_encoder::Instruction as I;
use wasmparser::Operator as O;

/// `wasm` with `fault` planted, for the faults this module rewrites for;
/// `None` for the others, or where the module has no place for it.
pub(super) fn plant_fault(wasm: &[u8], fault: Fault) -> Option<Vec<u8>> {
    match fault {
        Fault::CatchAllFirst => catch_alls_first(wasm),
        Fault::ReturnCallKeepsHandler => return_calls_as_calls(wasm),
        Fault::SelectLowByteCondition => selects_on_the_low_byte(wasm),
        Fault::ReturnCallSwapsArgs => return_calls_swapping_args(wasm),
        Fault::BrOnNullI31Zero => br_on_null_taking_i31_zero(wasm),
        Fault::CallStackArgRepeated => calls_repeating_a_stack_arg(wasm),
        Fault::ThrowRefLosesLastValue => throw_refs_losing_the_last_value(wasm),
        Fault::BrOnNonNullI31Zero => br_on_non_null_taking_i31_zero(wasm),
        _ => None,
    }
}

/// `wasm` with the `catch_all` and `catch_all_ref` clauses of every
/// `try_table` moved before its other clauses (the per-instruction fault
/// [`super::Fault::CatchAllFirst`]): an exception a `catch` of its tag
/// should take goes to the `catch_all`. `None` where no `try_table` has
/// both kinds.
fn catch_alls_first(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, _| {
        let O::TryTable { try_table } = op else { return None };
        let is_all =
            |c: &wasmparser::Catch| matches!(c, wasmparser::Catch::All { .. } | wasmparser::Catch::AllRef { .. });
        let (all, tagged): (Vec<_>, Vec<_>) = try_table.catches.iter().cloned().partition(is_all);
        if all.is_empty() || tagged.is_empty() {
            return None;
        }
        let catches: Vec<wasm_encoder::Catch> =
            all.into_iter().chain(tagged).map(|c| RoundtripReencoder.catch(c).ok()).collect::<Option<_>>()?;
        let ty = RoundtripReencoder.block_type(try_table.ty).ok()?;
        Some(vec![I::TryTable(ty, catches.into())])
    })
}

/// `wasm` with every `return_call` made a `call` followed by `return`
/// (the per-instruction fault [`super::Fault::ReturnCallKeepsHandler`]):
/// the same results, but the callee runs inside the caller's frame, so a
/// `try_table` around the tail call takes what the callee throws. `None`
/// where there is no `return_call`.
fn return_calls_as_calls(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, _| match *op {
        O::ReturnCall { function_index } => Some(vec![I::Call(function_index), I::Return]),
        _ => None,
    })
}

/// `wasm` with every `select` testing only the low byte of its condition
/// (the per-instruction fault [`super::Fault::SelectLowByteCondition`]):
/// `c & 0xff` for `c`. `None` where there is no `select`.
fn selects_on_the_low_byte(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, _| {
        let select = match op {
            O::Select => I::Select,
            O::TypedSelect { ty } => I::TypedSelect(RoundtripReencoder.val_type(*ty).ok()?),
            _ => return None,
        };
        Some(vec![I::I32Const(0xff), I::I32And, select])
    })
}

/// `wasm` with every `return_call` of a function with two parameters of
/// one type passing the arguments of the last such pair swapped (the
/// per-instruction fault [`super::Fault::ReturnCallSwapsArgs`]: an engine
/// rearranging its frame for a tail call that moves one argument into
/// another's place). `None` where no `return_call` has such a callee.
fn return_calls_swapping_args(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let O::ReturnCall { function_index } = *op else { return None };
        let params = ctx.func_params.get(function_index as usize)?;
        let (i, j) = last_pair_of_one_type(params)?;
        let source = |k| {
            if k == i {
                j
            } else if k == j {
                i
            } else {
                k
            }
        };
        Some(rearranged(params, i, source, I::ReturnCall(function_index), scratch))
    })
}

/// The parameters a call passes on the stack, past the registers of any
/// ABI crosscheck runs on (x64 System V passes at most 6 integers and 8
/// floats in registers, AArch64 8 and 8).
const REGISTER_ARGS: usize = 16;

/// `wasm` with every `call` of a function with more than
/// [`REGISTER_ARGS`] parameters passing, as its last argument of a type
/// an earlier one shares, that earlier argument's value (the
/// per-instruction fault [`super::Fault::CallStackArgRepeated`]: an engine
/// computing a stack argument's slot wrong, so two arguments share one).
/// `None` where no `call` has such a callee.
fn calls_repeating_a_stack_arg(wasm: &[u8]) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let O::Call { function_index } = *op else { return None };
        let params = ctx.func_params.get(function_index as usize)?;
        if params.len() <= REGISTER_ARGS {
            return None;
        }
        let (i, j) = last_pair_of_one_type(params)?;
        Some(rearranged(params, i, |k| if k == j { i } else { k }, I::Call(function_index), scratch))
    })
}

/// `(i, j)`, `i < j`: the last parameter `j` whose type an earlier one
/// has, and the nearest such `i`.
fn last_pair_of_one_type(params: &[wasm_encoder::ValType]) -> Option<(usize, usize)> {
    let j = (0..params.len()).rev().find(|&j| params[..j].contains(&params[j]))?;
    let i = (0..j).rev().find(|&i| params[i] == params[j])?;
    Some((i, j))
}

/// Code that pops the arguments of a call to a function of `params` from
/// argument `from` on into scratch locals, pushes back in each place `k`
/// the argument `source(k)`, and makes the call `call`.
fn rearranged(
    params: &[wasm_encoder::ValType],
    from: usize,
    source: impl Fn(usize) -> usize,
    call: I<'static>,
    scratch: &mut Scratch,
) -> Vec<I<'static>> {
    let locals: Vec<u32> = params[from..].iter().map(|t| scratch.local(*t)).collect();
    let mut code: Vec<I> = locals.iter().rev().map(|&l| I::LocalSet(l)).collect();
    code.extend((from..params.len()).map(|k| I::LocalGet(locals[source(k) - from])));
    code.push(call);
    code
}

/// `wasm` with every `throw_ref` of an exception of tag 0 rethrowing its
/// payload with the last value zeroed (the per-instruction fault
/// [`super::Fault::ThrowRefLosesLastValue`]: an engine copying a rethrown
/// exception's payload one value short). The rewrite catches the
/// exception back into a block of the payload's types, so it needs a
/// function type of no parameters with those results (a multi-value
/// block's). `None` where there is no `throw_ref`, or no such type.
fn throw_refs_losing_the_last_value(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    use wasm_encoder::{BlockType, Catch};
    let ctx = context(wasm)?;
    let types = Types::of(wasm)?;
    let payload = types.tag_params(0)?;
    let block = types.func_type_index(&[], &payload)?;
    let zero = match prune::default_of(*payload.last()?)? {
        prune::Default::Const(i) => i,
        prune::Default::Ref(heap) => I::RefNull(RoundtripReencoder.heap_type(heap).ok()?),
    };
    rewrite_code(wasm, &ctx, |op, _, _, scratch| {
        let O::ThrowRef = op else { return None };
        let x = scratch.local(wasm_encoder::ValType::EXNREF);
        Some(vec![
            I::LocalSet(x),
            I::Block(BlockType::FunctionType(block)),
            I::TryTable(BlockType::Empty, vec![Catch::One { tag: 0, label: 0 }].into()),
            I::LocalGet(x),
            I::ThrowRef,
            I::End,
            I::Unreachable,
            I::End,
            I::Drop,
            zero.clone(),
            I::Throw(0),
        ])
    })
}

/// `wasm` with every `br_on_null` of an `anyref` also branching on an
/// i31 of 0 (the per-instruction fault [`super::Fault::BrOnNullI31Zero`]:
/// an engine whose i31 of 0 reads as a null pointer), each where the
/// module stays valid (its operand an `anyref`). `None` where there is no
/// such `br_on_null`.
fn br_on_null_taking_i31_zero(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::{RefType, ValType};
    let ctx = context(wasm)?;
    rewrite_where_valid(wasm, &ctx, |op, scratch| {
        let O::BrOnNull { relative_depth } = *op else { return None };
        let t = scratch.local(ValType::Ref(RefType::ANYREF));
        let mut code = vec![I::LocalSet(t)];
        code.extend(null_or_i31_zero(t));
        code.extend([I::BrIf(relative_depth), I::LocalGet(t), I::RefAsNonNull]);
        Some(code)
    })
}

/// `wasm` with every `br_on_non_null` of an `anyref` falling through on
/// an i31 of 0 (the per-instruction fault
/// [`super::Fault::BrOnNonNullI31Zero`], the other side of
/// [`super::Fault::BrOnNullI31Zero`]), each where the module stays valid
/// (its operand an `anyref`, its label's type the reference alone). `None`
/// where there is no such `br_on_non_null`.
fn br_on_non_null_taking_i31_zero(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::{BlockType, RefType, ValType};
    let ctx = context(wasm)?;
    rewrite_where_valid(wasm, &ctx, |op, scratch| {
        let O::BrOnNonNull { relative_depth } = *op else { return None };
        let t = scratch.local(ValType::Ref(RefType::ANYREF));
        let mut code = vec![I::LocalSet(t), I::Block(BlockType::Empty)];
        code.extend(null_or_i31_zero(t));
        code.extend([I::BrIf(0), I::LocalGet(t), I::RefAsNonNull, I::Br(relative_depth.checked_add(1)?), I::End]);
        Some(code)
    })
}

/// Code that pushes whether the `anyref` in local `t` is null to an
/// engine whose `ref.i31 0` is a null pointer: 1 for null or an i31 of 0.
fn null_or_i31_zero(t: u32) -> Vec<I<'static>> {
    use wasm_encoder::{BlockType, HeapType, ValType};
    let i31 = HeapType::Abstract { shared: false, ty: wasm_encoder::AbstractHeapType::I31 };
    vec![
        I::LocalGet(t),
        I::RefIsNull,
        I::LocalGet(t),
        I::RefTestNonNull(i31),
        I::If(BlockType::Result(ValType::I32)),
        I::LocalGet(t),
        I::RefCastNonNull(i31),
        I::I31GetU,
        I::I32Eqz,
        I::Else,
        I::I32Const(0),
        I::End,
        I::I32Or,
    ]
}
