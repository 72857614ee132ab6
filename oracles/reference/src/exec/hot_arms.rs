//! The plain loop's handlers of the specialized instructions
//! ([`crate::compile::hot`]): a [`hot_ops`](crate::compile::hot::hot_ops)
//! callback expanding to one `match` arm per instruction, each with its
//! operator a constant. It reaches the loop's state only through the
//! loop's own macros (`operand!`, `drop_operands!`, `local!`, `put!`,
//! `push!`, `trap!`, `guard!`, `br_if_table!`, `br_if_table_or_skip!`,
//! `memory!`, `memory_mut!`), which are looked up where it is expanded.

macro_rules! plain_hot_arms {
    (
        { $ins:ident }
        [ $( $op:ident $ss:ident $ll:ident $lc:ident $sl:ident $sc:ident $ls:ident; )* ]
        [ $( $cop:ident $bss:ident $bll:ident $blc:ident $bsc:ident; )* ]
        [ $( $lop:ident $lbc:ident $lbl:ident $lc_br:ident $ll_br:ident; )* ]
    ) => {
        match $ins {
            $(
                Instr::$ss => {
                    let r = trap!(numeric::binary(ScalarBin::$op, operand!(2), operand!(1)));
                    guard!(opens::scalar_bin(ScalarBin::$op, r));
                    drop_operands!(1);
                    operand!(1) = r;
                }
                Instr::$ll { a, b, dst } => {
                    let r = trap!(numeric::binary(ScalarBin::$op, local!(a), local!(b)));
                    guard!(opens::scalar_bin(ScalarBin::$op, r));
                    put!(dst, r)
                }
                Instr::$lc { a, dst, c } => {
                    let r = trap!(numeric::binary(ScalarBin::$op, local!(a), c as u128));
                    guard!(opens::scalar_bin(ScalarBin::$op, r));
                    put!(dst, r)
                }
                Instr::$sl { b, dst } => {
                    let r = trap!(numeric::binary(ScalarBin::$op, operand!(1), local!(b)));
                    guard!(opens::scalar_bin(ScalarBin::$op, r));
                    drop_operands!(1);
                    put!(dst, r);
                }
                Instr::$sc { dst, c } => {
                    let r = trap!(numeric::binary(ScalarBin::$op, operand!(1), c as u128));
                    guard!(opens::scalar_bin(ScalarBin::$op, r));
                    drop_operands!(1);
                    put!(dst, r);
                }
                Instr::$ls { a, dst } => {
                    let r = trap!(numeric::binary(ScalarBin::$op, local!(a), operand!(1)));
                    guard!(opens::scalar_bin(ScalarBin::$op, r));
                    drop_operands!(1);
                    put!(dst, r);
                }
            )*
            $(
                Instr::$bss { t } => {
                    let r = trap!(numeric::binary(ScalarBin::$cop, operand!(2), operand!(1)));
                    drop_operands!(2);
                    br_if_table!(r, t);
                }
                Instr::$bll { a, b, t } => {
                    br_if_table!(trap!(numeric::binary(ScalarBin::$cop, local!(a), local!(b))), t)
                }
                Instr::$blc { a, t, c } => {
                    br_if_table!(trap!(numeric::binary(ScalarBin::$cop, local!(a), c as u128)), t)
                }
                Instr::$bsc { t, c } => {
                    let r = trap!(numeric::binary(ScalarBin::$cop, operand!(1), c as u128));
                    drop_operands!(1);
                    br_if_table!(r, t);
                }
            )*
            Instr::Load4 { mem, offset } => {
                operand!(1) = trap!(memory::load(memory!(mem), LoadKind::U(4), operand!(1), offset))
            }
            Instr::Load8 { mem, offset } => {
                operand!(1) = trap!(memory::load(memory!(mem), LoadKind::U(8), operand!(1), offset))
            }
            Instr::Load4L { mem, a, offset } => {
                push!(trap!(memory::load(memory!(mem), LoadKind::U(4), local!(a), offset)))
            }
            Instr::Load8L { mem, a, offset } => {
                push!(trap!(memory::load(memory!(mem), LoadKind::U(8), local!(a), offset)))
            }
            Instr::Store4 { mem, offset } => {
                trap!(memory::store(memory_mut!(mem), 4, operand!(2), offset, operand!(1)));
                drop_operands!(2);
            }
            Instr::Store8 { mem, offset } => {
                trap!(memory::store(memory_mut!(mem), 8, operand!(2), offset, operand!(1)));
                drop_operands!(2);
            }
            Instr::Store4LL { mem, a, v, offset } => {
                trap!(memory::store(memory_mut!(mem), 4, local!(a), offset, local!(v)))
            }
            Instr::Store8LL { mem, a, v, offset } => {
                trap!(memory::store(memory_mut!(mem), 8, local!(a), offset, local!(v)))
            }
            $(
                Instr::$lbc { dst, c, x, n, t } => {
                    local!(dst) = numeric::binary(ScalarBin::I32Add, local!(dst), c as u128).unwrap_or(0);
                    // Not taken: past the `br_if` this stands for.
                    br_if_table_or_skip!(numeric::binary(ScalarBin::$lop, local!(x), n as u128).unwrap_or(0), t);
                }
                Instr::$lbl { dst, c, x, n, t } => {
                    local!(dst) = numeric::binary(ScalarBin::I32Add, local!(dst), c as u128).unwrap_or(0);
                    // Not taken: past the `br_if` this stands for.
                    br_if_table_or_skip!(numeric::binary(ScalarBin::$lop, local!(x), local!(n)).unwrap_or(0), t);
                }
            )*
            _ => return Err(CallError::Exhausted("internal error: not a specialized instruction".into())),
        }
    };
}

pub(crate) use plain_hot_arms;
