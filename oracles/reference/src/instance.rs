//! Module instantiation (§4.5.4): import type checking, allocation of the
//! module's instances in the store, evaluation of constant expressions,
//! active segment initialization and the start function.

use crate::error::{Error, TrapKind};
use crate::module::{ConstOp, ExportKind, Module, SegmentMode};
use crate::store::{FuncInst, InstanceData, Store};
use crate::types::{Composite, map_val};
use crate::values::*;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// An instantiated module: its exports by name.
#[derive(Debug, Clone)]
pub struct Instance {
    exports: Vec<(String, Extern)>,
    by_name: HashMap<String, Extern>,
}

/// Spec limits matching: `actual` is within `expected`.
fn limits_match(act_min: u64, act_max: Option<u64>, exp_min: u64, exp_max: Option<u64>) -> bool {
    act_min >= exp_min
        && match exp_max {
            None => true,
            Some(em) => act_max.is_some_and(|am| am <= em),
        }
}

/// Whether an external value of type `actual` matches the import type
/// `want` (§4.5.2 import matching; types already canonical).
fn import_matches(store: &Store, want: &ExternType, want_id: Option<u32>, got: Extern) -> Result<(), String> {
    let actual = store.extern_type(got).ok_or("unknown import address")?;
    let r = &store.registry;
    let ok = match (want, &actual) {
        (ExternType::Func(_), ExternType::Func(_)) => match got {
            Extern::Func(f) => want_id.is_some_and(|w| store.type_sub(store.funcs[f.0 as usize].ty(), w)),
            _ => false,
        },
        (ExternType::Tag(_), ExternType::Tag(_)) => match got {
            Extern::Tag(t) => want_id == store.tags.get(t.0 as usize).copied(),
            _ => false,
        },
        (ExternType::Table(w), ExternType::Table(a)) => {
            w.elem == a.elem && w.table64 == a.table64 && limits_match(a.min, a.max, w.min, w.max)
        }
        (ExternType::Memory(w), ExternType::Memory(a)) => {
            w.memory64 == a.memory64 && w.shared == a.shared && limits_match(a.min, a.max, w.min, w.max)
        }
        (ExternType::Global(w), ExternType::Global(a)) => {
            w.mutable == a.mutable && if w.mutable { w.ty == a.ty } else { r.val_sub(a.ty, w.ty) }
        }
        _ => false,
    };
    if ok { Ok(()) } else { Err(format!("incompatible import type: expected {want:?}, got {actual:?}")) }
}

/// What constant expressions of one instance can refer to: its functions,
/// globals (store addresses) and types (type ids).
pub(crate) struct ConstCtx<'a> {
    pub funcs: &'a [u32],
    pub globals: &'a [u32],
    pub types: &'a [u32],
}

/// Evaluates a constant expression against the instance's functions and
/// globals built so far (it may allocate structs and arrays).
pub(crate) fn eval_const(store: &mut Store, cx: &ConstCtx<'_>, expr: &[ConstOp]) -> Result<u128, Error> {
    let mut st: Vec<u128> = Vec::with_capacity(4);
    let pop = |st: &mut Vec<u128>| st.pop().unwrap_or(0);
    for op in expr {
        let v = match *op {
            ConstOp::Const(c) => c,
            ConstOp::RefFunc(i) => cx.funcs.get(i as usize).map_or(0, |a| *a as u128 + 1),
            ConstOp::GlobalGet(i) => {
                cx.globals.get(i as usize).and_then(|a| store.globals.get(*a as usize)).map_or(0, |g| g.value)
            }
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let (b, a) = (pop(&mut st) as u32, pop(&mut st) as u32);
                (match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as u128
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (b, a) = (pop(&mut st) as u64, pop(&mut st) as u64);
                (match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as u128
            }
            ConstOp::RefI31 => Ref::I31(pop(&mut st) as u32).to_slot(),
            ConstOp::Convert => pop(&mut st),
            ConstOp::StructNew(t, default) => {
                let id = cx.types.get(t as usize).copied().unwrap_or(0);
                let n = match &store.def(id).composite {
                    Composite::Struct(fs) => fs.len(),
                    _ => 0,
                };
                let fields = if default { vec![0; n] } else { st.split_off(st.len().saturating_sub(n)) };
                store.alloc_object(id, fields, Vec::new())?
            }
            ConstOp::ArrayNew(t, default) => {
                let id = cx.types.get(t as usize).copied().unwrap_or(0);
                let n = pop(&mut st) as u32;
                let v = if default { 0 } else { pop(&mut st) };
                store.alloc_array(id, n as u64, v, 0)?
            }
            ConstOp::ArrayNewFixed(t, n) => {
                let id = cx.types.get(t as usize).copied().unwrap_or(0);
                let fields = st.split_off(st.len().saturating_sub(n as usize));
                store.alloc_object(id, fields, Vec::new())?
            }
        };
        st.push(v);
    }
    Ok(pop(&mut st))
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import
    /// order. Unlinkable imports give `Error::Link`; a trap while
    /// initializing segments or running the start function gives
    /// `Error::Trap` (effects on imported tables/memories persist, as the
    /// spec requires).
    pub fn instantiate(store: &mut Store, module: &Module, imports: &[Extern]) -> Result<Instance, Error> {
        let m = &module.inner;
        if imports.len() != m.imports.len() {
            return Err(Error::Link(format!("expected {} imports, got {}", m.imports.len(), imports.len())));
        }
        let mut types: Vec<u32> = Vec::with_capacity(m.types.len());
        for &(start, len) in &m.rec_groups {
            let group = &m.types[start as usize..(start + len) as usize];
            let ids = store.registry.intern_group(group, start, &types);
            types.extend(ids);
        }
        let canon = |v: ValType| map_val(v, &|i| types.get(i as usize).copied().unwrap_or(0));
        let canon_extern = |t: &ExternType| match t {
            ExternType::Table(t) => ExternType::Table(TableType { elem: canon(t.elem), ..*t }),
            ExternType::Global(g) => ExternType::Global(GlobalType { ty: canon(g.ty), ..*g }),
            other => other.clone(),
        };
        let (mut funcs, mut tables, mut mems, mut globals, mut tags) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, (imp, ext)) in m.imports.iter().zip(imports).enumerate() {
            let want_id = m.import_type_index[i].and_then(|t| types.get(t as usize).copied());
            import_matches(store, &canon_extern(&imp.ty), want_id, *ext)
                .map_err(|e| Error::Link(format!("{}::{}: {e}", imp.module, imp.name)))?;
            match *ext {
                Extern::Func(a) => funcs.push(a.0),
                Extern::Table(a) => tables.push(a.0),
                Extern::Memory(a) => mems.push(a.0),
                Extern::Global(a) => globals.push(a.0),
                Extern::Tag(a) => tags.push(a.0),
            }
        }
        for &t in &m.tags[tags.len()..] {
            store.tags.push(types.get(t as usize).copied().unwrap_or(0));
            tags.push(store.tags.len() as u32 - 1);
        }
        let base = store.funcs.len() as u32;
        funcs.extend((0..m.code.len() as u32).map(|i| base + i));

        let n_imp_globals = globals.len();
        for (i, init) in m.global_inits.iter().enumerate() {
            let value = eval_const(store, &ConstCtx { funcs: &funcs, globals: &globals, types: &types }, init)?;
            let ty = m.globals[n_imp_globals + i];
            let ty = GlobalType { ty: canon(ty.ty), ..ty };
            globals.push(store.host_global(ty, Value::from_slot(ty.ty, value)).0);
        }
        let n_imp_tables = tables.len();
        for (i, init) in m.table_inits.iter().enumerate() {
            let ty = m.tables[n_imp_tables + i];
            let ty = TableType { elem: canon(ty.elem), ..ty };
            store.check_table(&ty)?;
            let v = match init {
                Some(e) => eval_const(store, &ConstCtx { funcs: &funcs, globals: &globals, types: &types }, e)?,
                None => 0,
            };
            tables.push(store.alloc_table(ty, v).0);
        }
        for ty in &m.memories[mems.len()..] {
            mems.push(store.alloc_memory(*ty)?.0);
        }
        let mut elems = Vec::new();
        for seg in &m.elems {
            let mut items = Vec::new();
            if !matches!(seg.mode, SegmentMode::Declared) {
                for e in &seg.items {
                    items.push(eval_const(store, &ConstCtx { funcs: &funcs, globals: &globals, types: &types }, e)?);
                }
            }
            store.elems.push(items);
            elems.push(store.elems.len() as u32 - 1);
        }
        let mut datas = Vec::new();
        for seg in &m.datas {
            store.datas.push(seg.bytes.clone());
            datas.push(store.datas.len() as u32 - 1);
        }
        let data = Rc::new(InstanceData {
            module: m.clone(),
            types,
            funcs: funcs.clone(),
            tables,
            mems,
            globals,
            tags,
            elems,
            datas,
        });
        for (i, code) in m.code.iter().enumerate() {
            let ty = data.types.get(code.type_index as usize).copied().unwrap_or(0);
            store.funcs.push(FuncInst::Wasm { ty, inst: data.clone(), code: i as u32 });
        }

        let mut exports = Vec::new();
        for e in &m.exports {
            let idx = e.index as usize;
            let ext = match e.kind {
                ExportKind::Func => data.funcs.get(idx).map(|a| Extern::Func(FuncAddr(*a))),
                ExportKind::Table => data.tables.get(idx).map(|a| Extern::Table(TableAddr(*a))),
                ExportKind::Memory => data.mems.get(idx).map(|a| Extern::Memory(MemAddr(*a))),
                ExportKind::Global => data.globals.get(idx).map(|a| Extern::Global(GlobalAddr(*a))),
                ExportKind::Tag => data.tags.get(idx).map(|a| Extern::Tag(TagAddr(*a))),
            };
            if let Some(ext) = ext {
                exports.push((e.name.clone(), ext));
            }
        }
        let by_name = exports.iter().cloned().collect();
        let instance = Instance { exports, by_name };

        init_segments(store, &data)?;
        if let Some(start) = m.start {
            let f = data.funcs.get(start as usize).copied().unwrap_or(0);
            store.invoke(FuncAddr(f), &[])?;
        }
        Ok(instance)
    }

    /// The export called `name`.
    pub fn export(&self, name: &str) -> Option<Extern> {
        self.by_name.get(name).copied()
    }

    /// All exports in declaration order.
    pub fn exports(&self) -> &[(String, Extern)] {
        &self.exports
    }
}

/// Runs the active element then data segments (`table.init` / `memory.init`
/// followed by a drop), and drops declarative element segments.
fn init_segments(store: &mut Store, data: &InstanceData) -> Result<(), Error> {
    let m = &data.module;
    for (i, seg) in m.elems.iter().enumerate() {
        let ea = data.elems[i] as usize;
        match &seg.mode {
            SegmentMode::Active { index, offset } => {
                let cx = ConstCtx { funcs: &data.funcs, globals: &data.globals, types: &data.types };
                let off = eval_const(store, &cx, offset)? as u64;
                let ta = data.tables.get(*index as usize).copied().unwrap_or(0) as usize;
                let items = std::mem::take(&mut store.elems[ea]);
                let table = &mut store.tables[ta].elems;
                let end = off.checked_add(items.len() as u64);
                match end {
                    Some(end) if end <= table.len() as u64 => {
                        table[off as usize..end as usize].copy_from_slice(&items);
                    }
                    _ => return Err(Error::Trap(TrapKind::TableOutOfBounds)),
                }
            }
            SegmentMode::Declared => store.elems[ea].clear(),
            SegmentMode::Passive => {}
        }
    }
    for (i, seg) in m.datas.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            let cx = ConstCtx { funcs: &data.funcs, globals: &data.globals, types: &data.types };
            let off = eval_const(store, &cx, offset)? as u64;
            let ma = data.mems.get(*index as usize).copied().unwrap_or(0) as usize;
            let da = data.datas[i] as usize;
            let bytes = std::mem::replace(&mut store.datas[da], Arc::from(&[][..]));
            let mem = &mut store.mems[ma].data;
            match off.checked_add(bytes.len() as u64) {
                Some(end) if end <= mem.len() as u64 => {
                    mem[off as usize..end as usize].copy_from_slice(&bytes);
                }
                _ => return Err(Error::Trap(TrapKind::MemoryOutOfBounds)),
            }
        }
    }
    Ok(())
}
