//! Module instantiation (§4.5.4): import type checking, allocation of the
//! module's instances in the store, evaluation of constant expressions,
//! active segment initialization and the start function.

use crate::error::{Error, TrapKind};
use crate::module::{ConstOp, ExportKind, Module, SegmentMode};
use crate::store::{FuncInst, InstanceData, Store};
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

fn check_import(store: &Store, want: &ExternType, got: Extern) -> Result<(), String> {
    let actual = store.extern_type(got).ok_or("unknown import address")?;
    let ok = match (want, &actual) {
        (ExternType::Func(w), ExternType::Func(a)) => w == a,
        (ExternType::Table(w), ExternType::Table(a)) => {
            w.elem == a.elem && w.table64 == a.table64 && limits_match(a.min, a.max, w.min, w.max)
        }
        (ExternType::Memory(w), ExternType::Memory(a)) => {
            w.memory64 == a.memory64 && w.shared == a.shared && limits_match(a.min, a.max, w.min, w.max)
        }
        (ExternType::Global(w), ExternType::Global(a)) => w == a,
        _ => false,
    };
    if ok { Ok(()) } else { Err(format!("incompatible import type: expected {want:?}, got {actual:?}")) }
}

/// Evaluates a constant expression against the instance's functions and
/// globals built so far.
pub(crate) fn eval_const(store: &Store, funcs: &[u32], globals: &[u32], expr: &[ConstOp]) -> u128 {
    let mut st: Vec<u128> = Vec::with_capacity(4);
    let pop = |st: &mut Vec<u128>| st.pop().unwrap_or(0);
    for op in expr {
        let v = match *op {
            ConstOp::Const(c) => c,
            ConstOp::RefFunc(i) => funcs.get(i as usize).map_or(0, |a| *a as u128 + 1),
            ConstOp::GlobalGet(i) => {
                globals.get(i as usize).and_then(|a| store.globals.get(*a as usize)).map_or(0, |g| g.value)
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
        };
        st.push(v);
    }
    pop(&mut st)
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
        let (mut funcs, mut tables, mut mems, mut globals) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (imp, ext) in m.imports.iter().zip(imports) {
            check_import(store, &imp.ty, *ext)
                .map_err(|e| Error::Link(format!("{}::{}: {e}", imp.module, imp.name)))?;
            match *ext {
                Extern::Func(a) => funcs.push(a.0),
                Extern::Table(a) => tables.push(a.0),
                Extern::Memory(a) => mems.push(a.0),
                Extern::Global(a) => globals.push(a.0),
            }
        }
        let types: Vec<u32> = m.types.iter().map(|t| store.intern_type(t)).collect();
        let base = store.funcs.len() as u32;
        funcs.extend((0..m.code.len() as u32).map(|i| base + i));

        let n_imp_globals = globals.len();
        for (i, init) in m.global_inits.iter().enumerate() {
            let value = eval_const(store, &funcs, &globals, init);
            let ty = m.globals[n_imp_globals + i];
            globals.push(store.host_global(ty, Value::from_slot(ty.ty, value)).0);
        }
        let n_imp_tables = tables.len();
        for (i, init) in m.table_inits.iter().enumerate() {
            let ty = m.tables[n_imp_tables + i];
            store.check_table(&ty)?;
            let v = init.as_ref().map_or(0, |e| eval_const(store, &funcs, &globals, e));
            tables.push(store.alloc_table(ty, v).0);
        }
        for ty in &m.memories[mems.len()..] {
            mems.push(store.alloc_memory(*ty)?.0);
        }
        let mut elems = Vec::new();
        for seg in &m.elems {
            let items = match seg.mode {
                SegmentMode::Declared => Vec::new(),
                _ => seg.items.iter().map(|e| eval_const(store, &funcs, &globals, e)).collect(),
            };
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
                let off = eval_const(store, &data.funcs, &data.globals, offset) as u64;
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
            let off = eval_const(store, &data.funcs, &data.globals, offset) as u64;
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
