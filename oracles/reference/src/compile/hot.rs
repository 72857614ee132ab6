//! The hot operators' specialized instructions: for the binary operators
//! that dominate loops, one instruction per operator and operand form
//! instead of a generic fused instruction carrying the operator, so the
//! plain loop dispatches once per instruction, not twice (on the form, then
//! on the operator). [`Instr::specialized`](super::instr::Instr::specialized)
//! maps a function's body to its specialized twin, instruction for
//! instruction (same pcs); the masked loop keeps the generic body.
//!
//! The 4- and 8-byte plain loads and stores get the same treatment (the
//! access width a constant in each), and the loop-back idiom of counted
//! loops one instruction of its own ([`fuse_loop_back`]).
//!
//! Operand forms, first operand then second: `S` the operand stack, `L` a
//! local, `C` a constant in the instruction. A value form's `dst` is a local
//! or [`PUSH`](super::instr::PUSH), as in the generic fused forms.

/// Calls `$cb! { { $($args)* } [arithmetic table] [comparison table]
/// [loop-back table] }` with the hot operators: each arithmetic operator (a
/// [`ScalarBin`] variant) with its `SS LL LC SL SC LS` value forms, each
/// comparison with its `SS LL LC SC` forms fused with `br_if`, and each
/// comparison of the counted-loop idiom ([`fuse_loop_back`]) with its two
/// instructions (bound a constant, bound a local) and the two `br_if` forms
/// they stand for.
///
/// [`ScalarBin`]: super::ops::ScalarBin
macro_rules! hot_ops {
    ($cb:ident { $($args:tt)* }) => {
        $cb! {
            { $($args)* }
            [
            I32Add I32AddSS I32AddLL I32AddLC I32AddSL I32AddSC I32AddLS;
            I32Sub I32SubSS I32SubLL I32SubLC I32SubSL I32SubSC I32SubLS;
            I32Mul I32MulSS I32MulLL I32MulLC I32MulSL I32MulSC I32MulLS;
            I32And I32AndSS I32AndLL I32AndLC I32AndSL I32AndSC I32AndLS;
            I32Or I32OrSS I32OrLL I32OrLC I32OrSL I32OrSC I32OrLS;
            I32Xor I32XorSS I32XorLL I32XorLC I32XorSL I32XorSC I32XorLS;
            I32Shl I32ShlSS I32ShlLL I32ShlLC I32ShlSL I32ShlSC I32ShlLS;
            I32ShrS I32ShrSSS I32ShrSLL I32ShrSLC I32ShrSSL I32ShrSSC I32ShrSLS;
            I32ShrU I32ShrUSS I32ShrULL I32ShrULC I32ShrUSL I32ShrUSC I32ShrULS;
            I64Add I64AddSS I64AddLL I64AddLC I64AddSL I64AddSC I64AddLS;
            I64Sub I64SubSS I64SubLL I64SubLC I64SubSL I64SubSC I64SubLS;
            I64Mul I64MulSS I64MulLL I64MulLC I64MulSL I64MulSC I64MulLS;
            I64And I64AndSS I64AndLL I64AndLC I64AndSL I64AndSC I64AndLS;
            I64Or I64OrSS I64OrLL I64OrLC I64OrSL I64OrSC I64OrLS;
            I64Xor I64XorSS I64XorLL I64XorLC I64XorSL I64XorSC I64XorLS;
            I64Shl I64ShlSS I64ShlLL I64ShlLC I64ShlSL I64ShlSC I64ShlLS;
            I64ShrS I64ShrSSS I64ShrSLL I64ShrSLC I64ShrSSL I64ShrSSC I64ShrSLS;
            I64ShrU I64ShrUSS I64ShrULL I64ShrULC I64ShrUSL I64ShrUSC I64ShrULS;
            F32Add F32AddSS F32AddLL F32AddLC F32AddSL F32AddSC F32AddLS;
            F32Sub F32SubSS F32SubLL F32SubLC F32SubSL F32SubSC F32SubLS;
            F32Mul F32MulSS F32MulLL F32MulLC F32MulSL F32MulSC F32MulLS;
            F32Div F32DivSS F32DivLL F32DivLC F32DivSL F32DivSC F32DivLS;
            F64Add F64AddSS F64AddLL F64AddLC F64AddSL F64AddSC F64AddLS;
            F64Sub F64SubSS F64SubLL F64SubLC F64SubSL F64SubSC F64SubLS;
            F64Mul F64MulSS F64MulLL F64MulLC F64MulSL F64MulSC F64MulLS;
            F64Div F64DivSS F64DivLL F64DivLC F64DivSL F64DivSC F64DivLS;
            ]
            [
            I32Eq BrIfI32EqSS BrIfI32EqLL BrIfI32EqLC BrIfI32EqSC;
            I32Ne BrIfI32NeSS BrIfI32NeLL BrIfI32NeLC BrIfI32NeSC;
            I32LtS BrIfI32LtSSS BrIfI32LtSLL BrIfI32LtSLC BrIfI32LtSSC;
            I32LtU BrIfI32LtUSS BrIfI32LtULL BrIfI32LtULC BrIfI32LtUSC;
            I32GtS BrIfI32GtSSS BrIfI32GtSLL BrIfI32GtSLC BrIfI32GtSSC;
            I32GtU BrIfI32GtUSS BrIfI32GtULL BrIfI32GtULC BrIfI32GtUSC;
            I32LeS BrIfI32LeSSS BrIfI32LeSLL BrIfI32LeSLC BrIfI32LeSSC;
            I32LeU BrIfI32LeUSS BrIfI32LeULL BrIfI32LeULC BrIfI32LeUSC;
            I32GeS BrIfI32GeSSS BrIfI32GeSLL BrIfI32GeSLC BrIfI32GeSSC;
            I32GeU BrIfI32GeUSS BrIfI32GeULL BrIfI32GeULC BrIfI32GeUSC;
            I64Eq BrIfI64EqSS BrIfI64EqLL BrIfI64EqLC BrIfI64EqSC;
            I64Ne BrIfI64NeSS BrIfI64NeLL BrIfI64NeLC BrIfI64NeSC;
            I64LtS BrIfI64LtSSS BrIfI64LtSLL BrIfI64LtSLC BrIfI64LtSSC;
            I64LtU BrIfI64LtUSS BrIfI64LtULL BrIfI64LtULC BrIfI64LtUSC;
            I64GtS BrIfI64GtSSS BrIfI64GtSLL BrIfI64GtSLC BrIfI64GtSSC;
            I64GtU BrIfI64GtUSS BrIfI64GtULL BrIfI64GtULC BrIfI64GtUSC;
            I64LeS BrIfI64LeSSS BrIfI64LeSLL BrIfI64LeSLC BrIfI64LeSSC;
            I64LeU BrIfI64LeUSS BrIfI64LeULL BrIfI64LeULC BrIfI64LeUSC;
            I64GeS BrIfI64GeSSS BrIfI64GeSLL BrIfI64GeSLC BrIfI64GeSSC;
            I64GeU BrIfI64GeUSS BrIfI64GeULL BrIfI64GeULC BrIfI64GeUSC;
            F32Eq BrIfF32EqSS BrIfF32EqLL BrIfF32EqLC BrIfF32EqSC;
            F32Ne BrIfF32NeSS BrIfF32NeLL BrIfF32NeLC BrIfF32NeSC;
            F32Lt BrIfF32LtSS BrIfF32LtLL BrIfF32LtLC BrIfF32LtSC;
            F32Gt BrIfF32GtSS BrIfF32GtLL BrIfF32GtLC BrIfF32GtSC;
            F32Le BrIfF32LeSS BrIfF32LeLL BrIfF32LeLC BrIfF32LeSC;
            F32Ge BrIfF32GeSS BrIfF32GeLL BrIfF32GeLC BrIfF32GeSC;
            F64Eq BrIfF64EqSS BrIfF64EqLL BrIfF64EqLC BrIfF64EqSC;
            F64Ne BrIfF64NeSS BrIfF64NeLL BrIfF64NeLC BrIfF64NeSC;
            F64Lt BrIfF64LtSS BrIfF64LtLL BrIfF64LtLC BrIfF64LtSC;
            F64Gt BrIfF64GtSS BrIfF64GtLL BrIfF64GtLC BrIfF64GtSC;
            F64Le BrIfF64LeSS BrIfF64LeLL BrIfF64LeLC BrIfF64LeSC;
            F64Ge BrIfF64GeSS BrIfF64GeLL BrIfF64GeLC BrIfF64GeSC;
            ]
            [
            I32LtU I32AddLCBrIfLtULC I32AddLCBrIfLtULL BrIfI32LtULC BrIfI32LtULL;
            I32LtS I32AddLCBrIfLtSLC I32AddLCBrIfLtSLL BrIfI32LtSLC BrIfI32LtSLL;
            I32Ne I32AddLCBrIfNeLC I32AddLCBrIfNeLL BrIfI32NeLC BrIfI32NeLL;
            ]
        }
    };
}
pub(crate) use hot_ops;

/// The or-pattern of every specialized instruction (a [`hot_ops`]
/// callback): `hot_ops!(specialized_pattern {})` in pattern position.
macro_rules! specialized_pattern {
    (
        {}
        [ $( $op:ident $ss:ident $ll:ident $lc:ident $sl:ident $sc:ident $ls:ident; )* ]
        [ $( $cop:ident $bss:ident $bll:ident $blc:ident $bsc:ident; )* ]
        [ $( $lop:ident $lbc:ident $lbl:ident $lc_br:ident $ll_br:ident; )* ]
    ) => {
        $( Instr::$ss | Instr::$ll { .. } | Instr::$lc { .. } | Instr::$sl { .. } | Instr::$sc { .. } | Instr::$ls { .. } )|*
        $( | Instr::$bss { .. } | Instr::$bll { .. } | Instr::$blc { .. } | Instr::$bsc { .. } )*
        | Instr::Load4 { .. } | Instr::Load8 { .. } | Instr::Load4L { .. } | Instr::Load8L { .. }
        | Instr::Store4 { .. } | Instr::Store8 { .. } | Instr::Store4LL { .. } | Instr::Store8LL { .. }
        $( | Instr::$lbc { .. } | Instr::$lbl { .. } )*
    };
}
pub(crate) use specialized_pattern;

/// Fuses the loop-back idiom of counted loops, `i += c; br_if (i < n)`
/// (`I32AddLC` into its own operand, then an i32 `lt_u`, `lt_s` or `ne`
/// `br_if` against a constant or a local), into one instruction that takes
/// the first one's place: it does both and, when the branch is not taken,
/// skips the second, which stays in place for any jump that lands on it.
/// So the body keeps its length and every pc its meaning.
pub fn fuse_loop_back(fast: &mut [super::instr::Instr]) {
    hot_ops!(fuse_loop_back_pairs { fast })
}

/// The body of [`fuse_loop_back`] (a [`hot_ops`] callback).
macro_rules! fuse_loop_back_pairs {
    (
        { $fast:ident }
        [ $( $op:ident $ss:ident $ll:ident $lc:ident $sl:ident $sc:ident $ls:ident; )* ]
        [ $( $cop:ident $bss:ident $bll:ident $blc:ident $bsc:ident; )* ]
        [ $( $lop:ident $lbc:ident $lbl:ident $lc_br:ident $ll_br:ident; )* ]
    ) => {{
        use super::instr::Instr as I;
        for i in 0..$fast.len().saturating_sub(1) {
            $fast[i] = match ($fast[i], $fast[i + 1]) {
                $(
                    (I::I32AddLC { a, dst, c }, I::$lc_br { a: x, t, c: n }) if a == dst => {
                        I::$lbc { dst, c: c as u32, x, n: n as u32, t }
                    }
                    (I::I32AddLC { a, dst, c }, I::$ll_br { a: x, b: n, t }) if a == dst => {
                        I::$lbl { dst, c: c as u32, x, n, t }
                    }
                )*
                _ => continue,
            };
        }
    }};
}
use fuse_loop_back_pairs;
