//! Rewrites behind the per-instruction faults of control and parametric
//! instructions: a `try_table` that tries its `catch_all` clauses before
//! the others ([`super::Fault::CatchAllFirst`]), a `return_call` made a
//! `call` and a `return`, inside whose handlers the callee then runs
//! ([`super::Fault::ReturnCallKeepsHandler`]), a `select` testing the low
//! byte of its condition ([`super::Fault::SelectLowByteCondition`]), and a
//! `return_call` passing two arguments of one type swapped
//! ([`super::Fault::ReturnCallSwapsArgs`]), and a `br_on_null` taking
//! an i31 of 0 for null ([`super::Fault::BrOnNullI31Zero`]). They share
//! the body rewriter of [`super::miscompile`].

use super::Fault;
use super::miscompile::{context, rewrite_code, rewrite_where_valid};
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
        let j = (0..params.len()).rev().find(|&j| params[..j].contains(&params[j]))?;
        let i = (0..j).rev().find(|&i| params[i] == params[j])?;
        // Pop the arguments from `i` on into locals, push them back with
        // `i` and `j` swapped.
        let locals: Vec<u32> = params[i..].iter().map(|t| scratch.local(*t)).collect();
        let mut code: Vec<I> = locals.iter().rev().map(|&l| I::LocalSet(l)).collect();
        for k in i..params.len() {
            let from = if k == i {
                j
            } else if k == j {
                i
            } else {
                k
            };
            code.push(I::LocalGet(locals[from - i]));
        }
        code.push(I::ReturnCall(function_index));
        Some(code)
    })
}

/// `wasm` with every `br_on_null` of an `anyref` also branching on an
/// i31 of 0 (the per-instruction fault [`super::Fault::BrOnNullI31Zero`]:
/// an engine whose i31 of 0 reads as a null pointer), each where the
/// module stays valid (its operand an `anyref`). `None` where there is no
/// such `br_on_null`.
fn br_on_null_taking_i31_zero(wasm: &[u8]) -> Option<Vec<u8>> {
    use wasm_encoder::{BlockType, HeapType, RefType, ValType};
    let ctx = context(wasm)?;
    rewrite_where_valid(wasm, &ctx, |op, scratch| {
        let O::BrOnNull { relative_depth } = *op else { return None };
        let t = scratch.local(ValType::Ref(RefType::ANYREF));
        let i31 = HeapType::Abstract { shared: false, ty: wasm_encoder::AbstractHeapType::I31 };
        Some(vec![
            I::LocalTee(t),
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
            I::BrIf(relative_depth),
            I::LocalGet(t),
            I::RefAsNonNull,
        ])
    })
}
