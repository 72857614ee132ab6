//! Translation of one function body into a [`Code`]: validates each
//! operator with wasmparser's `FuncValidator` and, in the same pass, emits
//! the pre-resolved [`Instr`] form. Operand-stack heights come from the
//! validator, so every branch knows statically where its label's values go.

use super::fuse::Fuser;
use super::instr::*;
use super::ops::translate_numeric;
use crate::module::ModuleInner;
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, OperatorsReader, ValidatorResources};

/// Why a body could not be translated.
pub enum TranslateError {
    /// Decoding or validation failed (classified by the caller).
    Wasm(wasmparser::BinaryReaderError),
    /// A valid construct outside the supported feature set.
    Unsupported(&'static str),
}

impl From<wasmparser::BinaryReaderError> for TranslateError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        TranslateError::Wasm(e)
    }
}

/// Module-level facts the translator needs.
pub struct ModuleCtx<'a> {
    pub(crate) module: &'a ModuleInner,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

enum Fixup {
    Instr(usize),
    Table(usize),
}

/// A control frame of the translator (mirrors the validator's).
struct Ctl {
    kind: Kind,
    /// Loop header pc (branch target of a `loop`).
    start: u32,
    /// Frame-relative height of the label's base.
    height: u32,
    /// Values carried by a branch to this label.
    br_arity: u32,
    /// Forward branches waiting for the `end` pc.
    fixups: Vec<Fixup>,
    /// The `BrUnless` of an `if` still waiting for its else/end pc.
    if_instr: Option<usize>,
    /// A `try_table`'s handler, waiting for its end pc.
    handler: Option<Handler>,
}

struct Translator<'a> {
    ctx: &'a ModuleCtx<'a>,
    code: Code,
    ctl: Vec<Ctl>,
    nlocals: u32,
    fuser: Fuser,
}

/// Translates (and validates) one function body.
pub fn translate(
    ctx: &ModuleCtx<'_>,
    type_index: u32,
    body: &FunctionBody<'_>,
    fv: &mut FuncValidator<ValidatorResources>,
) -> Result<Code, TranslateError> {
    let fty = ctx.module.func_type(type_index);
    let num_params = fty.map_or(0, |t| t.params.len() as u32);
    let num_results = fty.map_or(0, |t| t.results.len() as u32);
    let mut reader = body.get_binary_reader();
    fv.read_locals(&mut reader)?;
    reader.set_features(*fv.features());
    let declared = fv.len_locals().saturating_sub(num_params);
    let nlocals = num_params + declared; // bounded by the validator's local limit
    let mut t = Translator {
        ctx,
        code: Code { type_index, num_params, num_results, num_locals: declared, ..Code::default() },
        ctl: vec![Ctl {
            kind: Kind::Func,
            start: 0,
            height: nlocals,
            br_arity: num_results,
            fixups: Vec::new(),
            if_instr: None,
            handler: None,
        }],
        nlocals,
        fuser: Fuser::default(),
    };
    let mut ops = OperatorsReader::new(reader);
    let mut max_operands = 0u32;
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset()?;
        fv.op(offset, &op)?;
        t.op(&op, fv)?;
        max_operands = max_operands.max(fv.operand_stack_height());
    }
    ops.finish()?;
    t.code.max_height = nlocals.saturating_add(max_operands).saturating_add(4);
    t.code.fast = t.code.body.iter().map(|i| i.specialized()).collect();
    super::hot::fuse_loop_back(&mut t.code.fast);
    Ok(t.code)
}

impl Translator<'_> {
    fn pc(&self) -> u32 {
        self.code.body.len() as u32
    }

    fn emit(&mut self, i: Instr) {
        self.code.body.push(i);
    }

    /// Emits an instruction that may fuse with the ones before it.
    fn emit_fused(&mut self, i: Instr) {
        self.fuser.emit(&mut self.code.body, i);
    }

    /// Marks the next instruction as a branch target.
    fn label(&mut self) {
        self.fuser.label(&self.code.body);
    }

    fn block_arity(&self, bt: BlockType) -> (u32, u32) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(i) => {
                self.ctx.module.func_type(i).map_or((0, 0), |t| (t.params.len() as u32, t.results.len() as u32))
            }
        }
    }

    fn push_ctl(&mut self, kind: Kind, bt: BlockType, fv: &FuncValidator<ValidatorResources>) {
        let (params, results) = self.block_arity(bt);
        if kind == Kind::Loop {
            self.label();
        }
        let base = fv.get_control_frame(0).map_or(0, |f| f.height as u32);
        self.ctl.push(Ctl {
            kind,
            start: self.pc(),
            height: self.nlocals + base,
            br_arity: if kind == Kind::Loop { params } else { results },
            fixups: Vec::new(),
            if_instr: None,
            handler: None,
        });
    }

    /// A target-table entry for a branch to relative depth `depth`
    /// (patched at the label's `end` when it is a forward one).
    fn table_target(&mut self, depth: u32) -> u32 {
        let (idx, pc, height, arity) = self.target(depth);
        let at = self.code.br_tables.len();
        self.code.br_tables.push(BrTarget { pc: pc.unwrap_or(0), height, arity });
        if pc.is_none() {
            self.ctl[idx].fixups.push(Fixup::Table(at));
        }
        at as u32
    }

    /// `try_table`: its catch clauses' targets are resolved outside the
    /// block; the block itself is a plain one covering `[start, end)`.
    fn try_table(&mut self, t: &wasmparser::TryTable, fv: &FuncValidator<ValidatorResources>) {
        let catches = t
            .catches
            .iter()
            .map(|c| {
                let (tag, with_ref, label) = match *c {
                    wasmparser::Catch::One { tag, label } => (Some(tag), false, label),
                    wasmparser::Catch::OneRef { tag, label } => (Some(tag), true, label),
                    wasmparser::Catch::All { label } => (None, false, label),
                    wasmparser::Catch::AllRef { label } => (None, true, label),
                };
                CatchClause { tag, with_ref, t: self.table_target(label) }
            })
            .collect();
        self.push_ctl(Kind::Block, t.ty, fv);
        self.label();
        let start = self.pc();
        if let Some(c) = self.ctl.last_mut() {
            c.handler = Some(Handler { start, end: start, catches });
        }
    }

    /// Resolves a branch by relative depth: `Some((pc, height, arity))`
    /// with pc known now (loops, function return), or `None` plus the
    /// label index when the target is a forward `end`.
    fn target(&self, depth: u32) -> (usize, Option<u32>, u32, u32) {
        let idx = self.ctl.len().saturating_sub(1 + depth as usize);
        let c = &self.ctl[idx];
        let pc = match c.kind {
            Kind::Loop => Some(c.start),
            Kind::Func => Some(RETURN_PC),
            _ => None,
        };
        (idx, pc, c.height, c.br_arity)
    }

    fn branch(&mut self, depth: u32, conditional: bool) {
        let (idx, pc, height, arity) = self.target(depth);
        if pc == Some(RETURN_PC) && !conditional {
            self.emit(Instr::Return);
            return;
        }
        let target = pc.unwrap_or(0);
        if conditional && self.fuser.can_br_if(&self.code.body) {
            let t = self.code.br_tables.len();
            self.code.br_tables.push(BrTarget { pc: target, height, arity });
            if pc.is_none() {
                self.ctl[idx].fixups.push(Fixup::Table(t));
            }
            self.fuser.br_if(&mut self.code.body, t as u32);
            return;
        }
        let at = self.code.body.len();
        self.emit(if conditional {
            Instr::BrIf { target, height, arity }
        } else {
            Instr::Br { target, height, arity }
        });
        if pc.is_none() {
            self.ctl[idx].fixups.push(Fixup::Instr(at));
        }
    }

    fn patch(&mut self, f: Fixup, to: u32) {
        match f {
            Fixup::Instr(i) => match &mut self.code.body[i] {
                Instr::Br { target, .. }
                | Instr::BrIf { target, .. }
                | Instr::BrUnless { target }
                | Instr::Jump { target } => *target = to,
                _ => {}
            },
            Fixup::Table(i) => self.code.br_tables[i].pc = to,
        }
    }

    fn op(&mut self, op: &Operator<'_>, fv: &FuncValidator<ValidatorResources>) -> Result<(), TranslateError> {
        use Instr as I;
        if let Some(i) = translate_numeric(op).or_else(|| super::func_mem::translate_memory(op)) {
            self.emit_fused(i);
            return Ok(());
        }
        match super::func_gc::translate_gc(op) {
            Ok(Some(Instr::Nop)) => return Ok(()),
            Ok(Some(i)) => {
                self.emit(i);
                return Ok(());
            }
            Ok(None) => {}
            Err(f) => return Err(TranslateError::Unsupported(f)),
        }
        match op {
            Operator::Unreachable => self.emit(I::Unreachable),
            Operator::Nop => {}
            Operator::Block { blockty } => self.push_ctl(Kind::Block, *blockty, fv),
            Operator::Loop { blockty } => self.push_ctl(Kind::Loop, *blockty, fv),
            Operator::If { blockty } => {
                let at = self.code.body.len();
                self.emit(I::BrUnless { target: 0 });
                self.push_ctl(Kind::If, *blockty, fv);
                if let Some(c) = self.ctl.last_mut() {
                    c.if_instr = Some(at);
                }
            }
            Operator::Else => {
                let at = self.code.body.len();
                self.emit(I::Jump { target: 0 });
                self.label();
                let pc = self.pc();
                if let Some(c) = self.ctl.last_mut() {
                    c.fixups.push(Fixup::Instr(at));
                    c.kind = Kind::Else;
                    if let Some(i) = c.if_instr.take()
                        && let Instr::BrUnless { target } = &mut self.code.body[i]
                    {
                        *target = pc;
                    }
                }
            }
            Operator::End => {
                if let Some(c) = self.ctl.pop() {
                    if c.kind == Kind::Func {
                        self.emit(I::Return);
                    } else {
                        self.label();
                        let pc = self.pc();
                        if let Some(mut h) = c.handler {
                            h.end = pc;
                            self.code.handlers.push(h);
                        }
                        if let Some(i) = c.if_instr {
                            self.patch(Fixup::Instr(i), pc);
                        }
                        for f in c.fixups {
                            self.patch(f, pc);
                        }
                    }
                }
            }
            Operator::Br { relative_depth } => self.branch(*relative_depth, false),
            Operator::BrIf { relative_depth } => self.branch(*relative_depth, true),
            Operator::BrTable { targets } => {
                let start = self.code.br_tables.len() as u32;
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for d in targets.targets() {
                    depths.push(d?);
                }
                depths.push(targets.default());
                for d in depths.iter().copied() {
                    self.table_target(d);
                }
                self.emit(I::BrTable { start, len: depths.len() as u32 });
            }
            Operator::Return => self.emit(I::Return),
            Operator::TryTable { try_table } => self.try_table(try_table, fv),
            Operator::BrOnNull { relative_depth } => {
                let t = self.table_target(*relative_depth);
                self.emit(I::BrOnNull { t, non_null: false });
            }
            Operator::BrOnNonNull { relative_depth } => {
                let t = self.table_target(*relative_depth);
                self.emit(I::BrOnNull { t, non_null: true });
            }
            Operator::BrOnCast { relative_depth, to_ref_type, .. }
            | Operator::BrOnCastFail { relative_depth, to_ref_type, .. } => {
                let ty = crate::types::ref_type(*to_ref_type).map_err(TranslateError::Unsupported)?;
                let t = self.table_target(*relative_depth);
                let fail = matches!(op, Operator::BrOnCastFail { .. });
                self.emit(I::BrOnCast { t, ty, fail });
            }
            Operator::Call { function_index } => self.emit(I::Call(*function_index)),
            Operator::CallIndirect { type_index, table_index } => {
                self.emit(I::CallIndirect { ty: *type_index, table: *table_index })
            }
            Operator::ReturnCall { function_index } => self.emit(I::ReturnCall(*function_index)),
            Operator::ReturnCallIndirect { type_index, table_index } => {
                self.emit(I::ReturnCallIndirect { ty: *type_index, table: *table_index })
            }
            Operator::Drop => self.emit(I::Drop),
            Operator::Select | Operator::TypedSelect { .. } => self.emit(I::Select),
            Operator::LocalGet { local_index } => self.emit(I::LocalGet(*local_index)),
            Operator::LocalSet { local_index } => self.emit_fused(I::LocalSet(*local_index)),
            Operator::LocalTee { local_index } => self.emit(I::LocalTee(*local_index)),
            Operator::GlobalGet { global_index } => self.emit(I::GlobalGet(*global_index)),
            Operator::GlobalSet { global_index } => self.emit(I::GlobalSet(*global_index)),
            Operator::I32Const { value } => self.emit(I::Const(*value as u32 as u64)),
            Operator::I64Const { value } => self.emit(I::Const(*value as u64)),
            Operator::F32Const { value } => self.emit(I::Const(value.bits() as u64)),
            Operator::F64Const { value } => self.emit(I::Const(value.bits())),
            Operator::V128Const { value } => {
                let idx = self.code.v128_pool.len() as u32;
                self.code.v128_pool.push(u128::from_le_bytes(*value.bytes()));
                self.emit(I::ConstV128(idx));
            }
            Operator::RefNull { .. } => self.emit(I::Const(0)),
            Operator::RefFunc { function_index } => self.emit(I::RefFunc(*function_index)),
            Operator::TableGet { table } => self.emit(I::TableGet(*table)),
            Operator::TableSet { table } => self.emit(I::TableSet(*table)),
            Operator::TableSize { table } => self.emit(I::TableSize(*table)),
            Operator::TableGrow { table } => self.emit(I::TableGrow(*table)),
            Operator::TableFill { table } => self.emit(I::TableFill(*table)),
            Operator::TableCopy { dst_table, src_table } => {
                self.emit(I::TableCopy { dst: *dst_table, src: *src_table })
            }
            Operator::TableInit { elem_index, table } => self.emit(I::TableInit { elem: *elem_index, table: *table }),
            Operator::ElemDrop { elem_index } => self.emit(I::ElemDrop(*elem_index)),
            Operator::V128Bitselect => self.emit(I::Bitselect),
            Operator::I8x16Shuffle { lanes } => {
                let idx = self.code.shuffles.len() as u32;
                self.code.shuffles.push(*lanes);
                self.emit(I::Shuffle(idx));
            }
            Operator::I8x16ExtractLaneS { lane } => self.lane(true, LaneShape::I8x16S, *lane),
            Operator::I8x16ExtractLaneU { lane } => self.lane(true, LaneShape::I8x16U, *lane),
            Operator::I16x8ExtractLaneS { lane } => self.lane(true, LaneShape::I16x8S, *lane),
            Operator::I16x8ExtractLaneU { lane } => self.lane(true, LaneShape::I16x8U, *lane),
            Operator::I32x4ExtractLane { lane } => self.lane(true, LaneShape::I32x4, *lane),
            Operator::I64x2ExtractLane { lane } => self.lane(true, LaneShape::I64x2, *lane),
            Operator::F32x4ExtractLane { lane } => self.lane(true, LaneShape::F32x4, *lane),
            Operator::F64x2ExtractLane { lane } => self.lane(true, LaneShape::F64x2, *lane),
            Operator::I8x16ReplaceLane { lane } => self.lane(false, LaneShape::I8x16U, *lane),
            Operator::I16x8ReplaceLane { lane } => self.lane(false, LaneShape::I16x8U, *lane),
            Operator::I32x4ReplaceLane { lane } => self.lane(false, LaneShape::I32x4, *lane),
            Operator::I64x2ReplaceLane { lane } => self.lane(false, LaneShape::I64x2, *lane),
            Operator::F32x4ReplaceLane { lane } => self.lane(false, LaneShape::F32x4, *lane),
            Operator::F64x2ReplaceLane { lane } => self.lane(false, LaneShape::F64x2, *lane),
            Operator::I64Add128 => self.emit(I::Wide(WideOp::Add128)),
            Operator::I64Sub128 => self.emit(I::Wide(WideOp::Sub128)),
            Operator::I64MulWideS => self.emit(I::Wide(WideOp::MulWideS)),
            Operator::I64MulWideU => self.emit(I::Wide(WideOp::MulWideU)),
            other => return Err(TranslateError::Unsupported(crate::features::operator_feature(other))),
        }
        Ok(())
    }

    fn lane(&mut self, extract: bool, shape: LaneShape, lane: u8) {
        self.emit(if extract { Instr::ExtractLane { shape, lane } } else { Instr::ReplaceLane { shape, lane } });
    }
}
