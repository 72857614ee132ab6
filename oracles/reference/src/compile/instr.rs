//! The interpreter's instruction set: a compact, pre-resolved form of Wasm
//! instructions. Structured control flow is gone: branches carry their
//! target instruction index plus the stack adjustment the spec's label
//! semantics require (keep `arity` values, drop down to `height`), both
//! computed once at decode time.

use super::func_gc::GcOp;
use super::hot::hot_ops;
use super::ops::{ScalarBin, ScalarUn, VecBin, VecUn};
use crate::simd::relaxed::RelaxedOp;
use crate::values::RefType;

/// Target pc meaning "return from the function".
pub const RETURN_PC: u32 = u32::MAX;

/// `dst` of a fused instruction meaning "push the result" (any other
/// value is the local the result is stored into).
pub const PUSH: u32 = u32::MAX;

/// One resolved branch target (used by `br_table`).
#[derive(Debug, Clone, Copy)]
pub struct BrTarget {
    /// Instruction index to continue at, or [`RETURN_PC`].
    pub pc: u32,
    /// Frame-relative stack height the label's values are moved to.
    pub height: u32,
    /// Number of values the branch carries.
    pub arity: u32,
}

/// One catch clause of a `try_table`.
#[derive(Debug, Clone, Copy)]
pub struct CatchClause {
    /// The module tag index caught; `None` for `catch_all`.
    pub tag: Option<u32>,
    /// Whether the exception reference is pushed too (`catch_ref`).
    pub with_ref: bool,
    /// The target-table entry branched to.
    pub t: u32,
}

/// The handlers of one `try_table`: the instructions `[start, end)` it
/// covers and its catch clauses in order.
#[derive(Debug, Clone, Default)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub catches: Vec<CatchClause>,
}

/// Memory load kinds: scalar (with sign/zero extension) and vector loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    /// `n` bytes zero-extended (i32/i64/f32/f64 loads and `_u` loads).
    U(u8),
    /// `n` bytes sign-extended to 32 bits (`i32.loadN_s`).
    S32(u8),
    /// `n` bytes sign-extended to 64 bits (`i64.loadN_s`).
    S64(u8),
    /// `v128.load`.
    V128,
    /// `v128.loadMxN_s/u`: 8 bytes, lanes of `m` bits widened.
    Extend { bits: u8, signed: bool },
    /// `v128.loadN_splat`.
    Splat(u8),
    /// `v128.loadN_zero`.
    Zero(u8),
}

/// Atomic read-modify-write operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RmwOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Xchg,
}

/// Lane shapes of `extract_lane` / `replace_lane`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneShape {
    I8x16S,
    I8x16U,
    I16x8S,
    I16x8U,
    I32x4,
    I64x2,
    F32x4,
    F64x2,
}

/// Wide-arithmetic operators (two results).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WideOp {
    Add128,
    Sub128,
    MulWideS,
    MulWideU,
}

/// Defines [`Instr`]: the variants written out below, then the hot
/// operators' specialized variants from [`hot_ops`] with the mapping to
/// them ([`Instr::specialized`]).
macro_rules! instr_enum {
    (
        { $(#[$meta:meta])* pub enum Instr { $($body:tt)* } }
        [ $( $op:ident $ss:ident $ll:ident $lc:ident $sl:ident $sc:ident $ls:ident; )* ]
        [ $( $cop:ident $bss:ident $bll:ident $blc:ident $bsc:ident; )* ]
        [ $( $lop:ident $lbc:ident $lbl:ident $lc_br:ident $ll_br:ident; )* ]
    ) => {
        $(#[$meta])*
        pub enum Instr {
            $($body)*
            $(
                #[doc = concat!("`", stringify!($op), "`, both operands from the stack (specialized `Bin`).")]
                $ss,
                #[doc = concat!("`", stringify!($op), "` as `BinLL`.")]
                $ll { a: u32, b: u32, dst: u32 },
                #[doc = concat!("`", stringify!($op), "` as `BinLC`.")]
                $lc { a: u32, dst: u32, c: u64 },
                #[doc = concat!("`", stringify!($op), "` as `BinSL`.")]
                $sl { b: u32, dst: u32 },
                #[doc = concat!("`", stringify!($op), "` as `BinSC`.")]
                $sc { dst: u32, c: u64 },
                #[doc = concat!("`", stringify!($op), "` as `BinLS`.")]
                $ls { a: u32, dst: u32 },
            )*
            $(
                #[doc = concat!("`", stringify!($cop), "; br_if` (specialized `BrIfBin`).")]
                $bss { t: u32 },
                #[doc = concat!("`", stringify!($cop), "` as `BrIfLL`.")]
                $bll { a: u32, b: u32, t: u32 },
                #[doc = concat!("`", stringify!($cop), "` as `BrIfLC`.")]
                $blc { a: u32, t: u32, c: u64 },
                #[doc = concat!("`", stringify!($cop), "` as `BrIfSC`.")]
                $bsc { t: u32, c: u64 },
            )*
            /// `Load` of 4 bytes, zero-extended (`i32.load`, `f32.load`).
            Load4 { mem: u32, offset: u64 },
            /// `Load` of 8 bytes (`i64.load`, `f64.load`).
            Load8 { mem: u32, offset: u64 },
            /// `LoadL` of 4 bytes.
            Load4L { mem: u32, a: u32, offset: u64 },
            /// `LoadL` of 8 bytes.
            Load8L { mem: u32, a: u32, offset: u64 },
            /// `Store` of 4 bytes (`i32.store`, `f32.store`).
            Store4 { mem: u32, offset: u64 },
            /// `Store` of 8 bytes (`i64.store`, `f64.store`).
            Store8 { mem: u32, offset: u64 },
            /// `StoreLL` of 4 bytes.
            Store4LL { mem: u32, a: u32, v: u32, offset: u64 },
            /// `StoreLL` of 8 bytes.
            Store8LL { mem: u32, a: u32, v: u32, offset: u64 },
            $(
                #[doc = concat!("`I32AddLC` into `dst` (from `dst`), then the `", stringify!($lc_br),
                    "` after it (at pc + 1, skipped when the branch is not taken): `hot::fuse_loop_back`.")]
                $lbc { dst: u32, c: u32, x: u32, n: u32, t: u32 },
                #[doc = concat!("`I32AddLC` into `dst` (from `dst`), then the `", stringify!($ll_br),
                    "` after it (at pc + 1, skipped when the branch is not taken): `hot::fuse_loop_back`.")]
                $lbl { dst: u32, c: u32, x: u32, n: u32, t: u32 },
            )*
        }

        impl Instr {
            /// The specialized instruction that means exactly `self`, or
            /// `self` when there is none.
            pub fn specialized(self) -> Instr {
                use ScalarBin as B;
                match self {
                    $(
                        Instr::Bin(B::$op) => Instr::$ss,
                        Instr::BinLL { op: B::$op, a, b, dst } => Instr::$ll { a, b, dst },
                        Instr::BinLC { op: B::$op, a, dst, c } => Instr::$lc { a, dst, c },
                        Instr::BinSL { op: B::$op, b, dst } => Instr::$sl { b, dst },
                        Instr::BinSC { op: B::$op, dst, c } => Instr::$sc { dst, c },
                        Instr::BinLS { op: B::$op, a, dst } => Instr::$ls { a, dst },
                    )*
                    $(
                        Instr::BrIfBin { op: B::$cop, t } => Instr::$bss { t },
                        Instr::BrIfLL { op: B::$cop, a, b, t } => Instr::$bll { a, b, t },
                        Instr::BrIfLC { op: B::$cop, a, t, c } => Instr::$blc { a, t, c },
                        Instr::BrIfSC { op: B::$cop, t, c } => Instr::$bsc { t, c },
                    )*
                    Instr::Load { kind: LoadKind::U(4), mem, offset } => Instr::Load4 { mem, offset },
                    Instr::Load { kind: LoadKind::U(8), mem, offset } => Instr::Load8 { mem, offset },
                    Instr::LoadL { kind: LoadKind::U(4), mem, a, offset } => Instr::Load4L { mem, a, offset },
                    Instr::LoadL { kind: LoadKind::U(8), mem, a, offset } => Instr::Load8L { mem, a, offset },
                    Instr::Store { bytes: 4, mem, offset } => Instr::Store4 { mem, offset },
                    Instr::Store { bytes: 8, mem, offset } => Instr::Store8 { mem, offset },
                    Instr::StoreLL { bytes: 4, mem, a, v, offset } => Instr::Store4LL { mem, a, v, offset },
                    Instr::StoreLL { bytes: 8, mem, a, v, offset } => Instr::Store8LL { mem, a, v, offset },
                    other => other,
                }
            }
        }
    };
}

hot_ops!(instr_enum {
/// A pre-decoded instruction. Indices (`func`, `table`, `mem`, ...) are the
/// module's own index spaces, resolved through the instance at run time.
#[derive(Debug, Clone, Copy)]
pub enum Instr {
    Unreachable,
    Nop,
    /// Unconditional branch.
    Br {
        target: u32,
        height: u32,
        arity: u32,
    },
    /// Branch if the popped i32 is non-zero.
    BrIf {
        target: u32,
        height: u32,
        arity: u32,
    },
    /// Jump if the popped i32 is zero (the `if` of an if/else).
    BrUnless {
        target: u32,
    },
    /// Plain jump, no stack change (end of a `then` arm).
    Jump {
        target: u32,
    },
    /// `br_table`: `len` targets (the last being the default) in the
    /// function's target table starting at `start`.
    BrTable {
        start: u32,
        len: u32,
    },
    Return,
    Call(u32),
    CallIndirect {
        ty: u32,
        table: u32,
    },
    ReturnCall(u32),
    ReturnCallIndirect {
        ty: u32,
        table: u32,
    },
    Drop,
    Select,
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(u32),
    GlobalSet(u32),
    TableGet(u32),
    TableSet(u32),
    TableSize(u32),
    TableGrow(u32),
    TableFill(u32),
    TableCopy {
        dst: u32,
        src: u32,
    },
    TableInit {
        elem: u32,
        table: u32,
    },
    ElemDrop(u32),
    RefFunc(u32),
    /// Any constant up to 64 bits (numbers, null references).
    Const(u64),
    /// A v128 constant from the function's constant pool.
    ConstV128(u32),
    Load {
        kind: LoadKind,
        mem: u32,
        offset: u64,
    },
    /// Stores the low `bytes` bytes of the popped value.
    Store {
        bytes: u8,
        mem: u32,
        offset: u64,
    },
    LoadLane {
        bytes: u8,
        lane: u8,
        mem: u32,
        offset: u64,
    },
    StoreLane {
        bytes: u8,
        lane: u8,
        mem: u32,
        offset: u64,
    },
    MemorySize(u32),
    MemoryGrow(u32),
    MemoryFill(u32),
    MemoryCopy {
        dst: u32,
        src: u32,
    },
    MemoryInit {
        data: u32,
        mem: u32,
    },
    DataDrop(u32),
    Un(ScalarUn),
    Bin(ScalarBin),
    VUn(VecUn),
    VBin(VecBin),
    Bitselect,
    Relaxed(RelaxedOp),
    ExtractLane {
        shape: LaneShape,
        lane: u8,
    },
    ReplaceLane {
        shape: LaneShape,
        lane: u8,
    },
    /// `i8x16.shuffle` with lane indices from the function's shuffle pool.
    Shuffle(u32),
    Wide(WideOp),
    AtomicLoad {
        bytes: u8,
        mem: u32,
        offset: u64,
    },
    AtomicStore {
        bytes: u8,
        mem: u32,
        offset: u64,
    },
    AtomicRmw {
        op: RmwOp,
        bytes: u8,
        mem: u32,
        offset: u64,
    },
    AtomicCmpxchg {
        bytes: u8,
        mem: u32,
        offset: u64,
    },
    AtomicNotify {
        mem: u32,
        offset: u64,
    },
    AtomicWait {
        bytes: u8,
        mem: u32,
        offset: u64,
    },
    AtomicFence,
    /// `ref.as_non_null`.
    RefAsNonNull,
    /// `br_on_null` (or, with `non_null`, `br_on_non_null`) to target-table entry `t`.
    BrOnNull {
        t: u32,
        non_null: bool,
    },
    /// `br_on_cast` (or, with `fail`, `br_on_cast_fail`) to target-table
    /// entry `t`, testing against `ty` (module type indices).
    BrOnCast {
        t: u32,
        ty: RefType,
        fail: bool,
    },
    /// `call_ref`.
    CallRef,
    /// `return_call_ref`.
    ReturnCallRef,
    /// `throw` of a module tag index.
    Throw(u32),
    /// `throw_ref`.
    ThrowRef,
    /// A struct, array, i31 or cast instruction.
    Gc(GcOp),
    // Fused forms (superinstructions) built by `compile::fuse`: each one
    // is exactly the sequence named in its comment, with the operands read
    // straight from locals or the instruction instead of the stack. `dst`
    // is a local index or [`PUSH`]; `t` indexes the function's target table.
    /// `op; local.set dst`.
    BinSet {
        op: ScalarBin,
        dst: u32,
    },
    /// `local.get a; local.get b; op` (then `local.set dst` unless `PUSH`).
    BinLL {
        op: ScalarBin,
        a: u32,
        b: u32,
        dst: u32,
    },
    /// `local.get a; const c; op` (then `local.set dst` unless `PUSH`).
    BinLC {
        op: ScalarBin,
        a: u32,
        dst: u32,
        c: u64,
    },
    /// `local.get b; op` (then `local.set dst` unless `PUSH`).
    BinSL {
        op: ScalarBin,
        b: u32,
        dst: u32,
    },
    /// `const c; op` (then `local.set dst` unless `PUSH`).
    BinSC {
        op: ScalarBin,
        dst: u32,
        c: u64,
    },
    /// `op; br_if`.
    BrIfBin {
        op: ScalarBin,
        t: u32,
    },
    /// `local.get a; local.get b; op; br_if`.
    BrIfLL {
        op: ScalarBin,
        a: u32,
        b: u32,
        t: u32,
    },
    /// `local.get a; const c; op; br_if`.
    BrIfLC {
        op: ScalarBin,
        a: u32,
        t: u32,
        c: u64,
    },
    /// `local.get b; op; br_if`.
    BrIfSL {
        op: ScalarBin,
        b: u32,
        t: u32,
    },
    /// `const c; op; br_if`.
    BrIfSC {
        op: ScalarBin,
        t: u32,
        c: u64,
    },
    /// `local.get src; local.set dst`.
    LocalCopy {
        src: u32,
        dst: u32,
    },
    /// `const c; local.set dst`.
    LocalSetConst {
        dst: u32,
        c: u64,
    },
    /// `local.get a; load`.
    LoadL {
        kind: LoadKind,
        mem: u32,
        a: u32,
        offset: u64,
    },
    /// `local.get a; X; op` where `X` pushes one value and touches no
    /// local: emitted as `X; BinLS`, the second operand from the stack.
    BinLS {
        op: ScalarBin,
        a: u32,
        dst: u32,
    },
    /// `local.get a; local.get v; store`.
    StoreLL {
        bytes: u8,
        mem: u32,
        a: u32,
        v: u32,
        offset: u64,
    },
    /// `local.get a; vun`.
    VUnL {
        op: VecUn,
        a: u32,
    },
    /// `local.get b; vbin` (then `local.set dst` unless `PUSH`).
    VBinSL {
        op: VecBin,
        b: u32,
        dst: u32,
    },
    /// `vbin; local.set dst`.
    VBinSet {
        op: VecBin,
        dst: u32,
    },
    /// `local.get a; local.get b; i8x16.shuffle` (then `local.set dst`
    /// unless `PUSH`); `i` indexes the shuffle pool.
    ShuffleLL {
        i: u32,
        a: u32,
        b: u32,
        dst: u32,
    },
}
});

/// A translated function body.
#[derive(Debug, Clone, Default)]
pub struct Code {
    /// Type index of the function in its module.
    pub type_index: u32,
    pub num_params: u32,
    pub num_results: u32,
    /// Declared locals beyond the parameters (all zero-initialized slots).
    pub num_locals: u32,
    /// Upper bound of slots used above the frame base (locals + operands).
    pub max_height: u32,
    /// The instructions, as the masked loop runs them.
    pub body: Vec<Instr>,
    /// `body` with the hot operators specialized (same length, same pcs):
    /// what the plain loop runs.
    pub fast: Vec<Instr>,
    pub br_tables: Vec<BrTarget>,
    /// The `try_table` handlers, innermost first for any pc.
    pub handlers: Vec<Handler>,
    pub v128_pool: Vec<u128>,
    pub shuffles: Vec<[u8; 16]>,
}
