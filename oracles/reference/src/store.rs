//! The store (§4.2.3): all function, table, memory, global, element and
//! data instances, addressed by index, plus the interpreter's limits.

use crate::error::Error;
use crate::module::ModuleInner;
use crate::types::{SubType, TypeRegistry};
use crate::values::*;
use std::rc::Rc;
use std::sync::Arc;

/// Why a `memory.grow` or `table.grow` failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GrowFailure {
    /// Past the declared maximum or the address type's limit: every
    /// engine fails it.
    Limit,
    /// Past the store's own cap, or the host out of memory: the spec lets
    /// an implementation fail it, and another may perform it.
    Refused,
}

/// Bytes per Wasm page.
pub const PAGE_SIZE: u64 = 65536;

/// Resource limits of a [`Store`]. Hitting one is reported as
/// `Exhausted` (or, for `memory.grow` / `table.grow`, as the spec-allowed
/// failure result -1, counted in [`Store::refused_grows`]), never as a
/// trap.
#[derive(Debug, Clone)]
pub struct Config {
    /// Maximum number of nested call frames.
    pub max_call_depth: usize,
    /// Maximum memory size in pages (initial or grown), for any memory.
    pub max_memory_pages: u64,
    /// Maximum number of table elements (initial or grown).
    pub max_table_elements: u64,
    /// Maximum number of value-stack slots in one invocation.
    pub max_stack_slots: usize,
    /// Maximum number of fields and elements of all GC objects together
    /// (there is no collector: objects live as long as the store).
    pub max_heap_slots: usize,
    /// Optional step budget per invocation: each call and each taken branch
    /// costs one unit. `None` (the default) is unlimited.
    pub fuel: Option<u64>,
    /// Masked invocations run the masked loop from their first instruction.
    /// `false` (the default): they start in the plain loop, guarded, and
    /// switch at the first result with open bits, with the same outcome
    /// (a knob for testing exactly that).
    pub masked_from_start: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_call_depth: 10_000,
            max_memory_pages: 65536,
            max_table_elements: 10_000_000,
            max_stack_slots: 1 << 22,
            max_heap_slots: 1 << 24,
            fuel: None,
            masked_from_start: false,
        }
    }
}

/// A host function callback.
pub type HostFunc = Box<dyn FnMut(&[Value]) -> Vec<Value>>;

pub(crate) enum FuncInst {
    Wasm { ty: u32, inst: Rc<InstanceData>, code: u32 },
    Host { ty: u32, f: HostFunc },
}

impl FuncInst {
    pub fn ty(&self) -> u32 {
        match self {
            FuncInst::Wasm { ty, .. } | FuncInst::Host { ty, .. } => *ty,
        }
    }
}

pub(crate) struct TableInst {
    pub ty: TableType,
    pub elems: Vec<u128>,
}

pub(crate) struct MemInst {
    pub ty: MemoryType,
    pub data: Vec<u8>,
}

/// A struct or an array (§4.2.14-15): its type id and its fields or
/// elements as slots (packed ones wrapped), with their undetermined masks
/// (masked execution; empty: every bit determined).
pub(crate) struct Object {
    pub ty: u32,
    pub fields: Vec<u128>,
    pub masks: Vec<u128>,
}

/// An exception instance (§4.2.16): its tag's address and payload, with
/// masks as for objects.
pub(crate) struct ExnInst {
    pub tag: u32,
    pub fields: Vec<u128>,
    pub masks: Vec<u128>,
}

pub(crate) struct GlobalInst {
    pub ty: GlobalType,
    pub value: u128,
}

/// Per-instance address maps (the spec's module instance).
pub(crate) struct InstanceData {
    pub module: Arc<ModuleInner>,
    /// Store type id of each of the module's types.
    pub types: Vec<u32>,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub mems: Vec<u32>,
    pub globals: Vec<u32>,
    /// Tag addresses.
    pub tags: Vec<u32>,
    pub elems: Vec<u32>,
    pub datas: Vec<u32>,
}

/// Owns every runtime instance. Addresses index into it.
pub struct Store {
    pub(crate) config: Config,
    /// Canonical defined types; a type id indexes them.
    pub(crate) registry: TypeRegistry,
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) mems: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    /// Tag instances: the type id of each tag's function type.
    pub(crate) tags: Vec<u32>,
    /// Structs and arrays, by heap address.
    pub(crate) objects: Vec<Object>,
    /// Exceptions, by address.
    pub(crate) exns: Vec<ExnInst>,
    /// Fields and elements allocated so far (see `Config::max_heap_slots`).
    pub(crate) heap_slots: usize,
    /// Whether an object or exception was ever given open bits.
    pub(crate) heap_masks_open: bool,
    /// Element instances (dropped ones are emptied).
    pub(crate) elems: Vec<Vec<u128>>,
    /// Data instances (dropped ones are emptied).
    pub(crate) datas: Vec<Arc<[u8]>>,
    /// Undetermined byte masks of memories, by address (masked execution
    /// only; kept apart from `mems` so plain execution's data layout is
    /// untouched). Missing or empty: every byte determined; otherwise as
    /// long as the memory.
    pub(crate) mem_masks: Vec<Vec<u8>>,
    /// Undetermined masks of globals, by address (missing: determined).
    pub(crate) global_masks: Vec<u128>,
    /// Grows refused for the interpreter's own reasons (see
    /// [`Store::refused_grows`]).
    pub(crate) refused_grows: u64,
}

impl Default for Store {
    fn default() -> Store {
        Store::new()
    }
}

impl Store {
    /// An empty store with default limits.
    pub fn new() -> Store {
        Store::with_config(Config::default())
    }

    /// An empty store with the given limits.
    pub fn with_config(config: Config) -> Store {
        Store {
            config,
            registry: TypeRegistry::default(),
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            tags: Vec::new(),
            objects: Vec::new(),
            exns: Vec::new(),
            heap_slots: 0,
            heap_masks_open: false,
            elems: Vec::new(),
            datas: Vec::new(),
            mem_masks: Vec::new(),
            global_masks: Vec::new(),
            refused_grows: 0,
        }
    }

    /// How many `memory.grow` and `table.grow` this store has failed for
    /// its own reasons — past [`Config::max_memory_pages`] or
    /// [`Config::max_table_elements`], or the host out of memory — where
    /// the module's limits let the grow succeed. The spec allows such a
    /// failure; another engine may perform the same grow.
    pub fn refused_grows(&self) -> u64 {
        self.refused_grows
    }

    /// The result of a grow: its old size, or -1 (of the address type's
    /// width) when it failed, counting a refusal of the store's own.
    pub(crate) fn grow_result(&mut self, grown: Result<u64, GrowFailure>, is64: bool) -> u128 {
        match grown {
            Ok(old) => old as u128,
            Err(why) => {
                if why == GrowFailure::Refused {
                    self.refused_grows += 1;
                }
                if is64 { u64::MAX as u128 } else { u32::MAX as u128 }
            }
        }
    }

    /// The limits in force.
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// Interns a function type; equal types get equal ids (this is the
    /// structural type equality `call_indirect` checks).
    pub(crate) fn intern_type(&mut self, t: &FuncType) -> u32 {
        self.registry.intern_group(&[SubType::func(t.clone())], 0, &[])[0]
    }

    /// Adds a tag whose payload has the types `params` (host tags for tests).
    pub fn host_tag(&mut self, params: Vec<ValType>) -> TagAddr {
        let ty = self.intern_type(&FuncType { params, results: Vec::new() });
        self.tags.push(ty);
        TagAddr(self.tags.len() as u32 - 1)
    }

    /// Adds a host function.
    pub fn host_func(
        &mut self,
        params: Vec<ValType>,
        results: Vec<ValType>,
        f: impl FnMut(&[Value]) -> Vec<Value> + 'static,
    ) -> FuncAddr {
        let ty = self.intern_type(&FuncType { params, results });
        self.funcs.push(FuncInst::Host { ty, f: Box::new(f) });
        FuncAddr(self.funcs.len() as u32 - 1)
    }

    /// Adds a host global holding `value` (of type `ty.ty`).
    pub fn host_global(&mut self, ty: GlobalType, value: Value) -> GlobalAddr {
        self.globals.push(GlobalInst { ty, value: value.to_slot() });
        GlobalAddr(self.globals.len() as u32 - 1)
    }

    /// Adds a host table of `ty.min` elements, all `init`.
    pub fn host_table(&mut self, ty: TableType, init: Value) -> Result<TableAddr, Error> {
        self.check_table(&ty)?;
        Ok(self.alloc_table(ty, init.to_slot()))
    }

    /// Adds a host memory of `ty.min` zeroed pages.
    pub fn host_memory(&mut self, ty: MemoryType) -> Result<MemAddr, Error> {
        self.alloc_memory(ty)
    }

    pub(crate) fn alloc_table(&mut self, ty: TableType, init: u128) -> TableAddr {
        self.tables.push(TableInst { ty, elems: vec![init; ty.min as usize] });
        TableAddr(self.tables.len() as u32 - 1)
    }

    pub(crate) fn check_table(&self, ty: &TableType) -> Result<(), Error> {
        if ty.min > self.config.max_table_elements {
            return Err(Error::Exhausted(format!("table of {} elements exceeds the limit", ty.min)));
        }
        Ok(())
    }

    pub(crate) fn alloc_memory(&mut self, ty: MemoryType) -> Result<MemAddr, Error> {
        if ty.min > self.config.max_memory_pages {
            return Err(Error::Exhausted(format!("memory of {} pages exceeds the limit", ty.min)));
        }
        let bytes = ty
            .min
            .checked_mul(PAGE_SIZE)
            .and_then(|b| usize::try_from(b).ok())
            .ok_or_else(|| Error::Exhausted(format!("memory of {} pages is too large", ty.min)))?;
        // `vec![0; n]` allocates zeroed memory lazily (calloc), so a large
        // initial size costs address space, not time.
        let data = vec![0u8; bytes];
        self.mems.push(MemInst { ty, data });
        Ok(MemAddr(self.mems.len() as u32 - 1))
    }

    /// The type of a function.
    pub fn func_type(&self, f: FuncAddr) -> Option<&FuncType> {
        let fi = self.funcs.get(f.0 as usize)?;
        self.func_type_of(fi.ty())
    }

    /// The current value of a global.
    pub fn global_get(&self, g: GlobalAddr) -> Value {
        match self.globals.get(g.0 as usize) {
            Some(gi) => Value::from_slot(gi.ty.ty, gi.value),
            None => Value::I32(0),
        }
    }

    /// Sets a global (regardless of mutability: this is the host's view).
    pub fn global_set(&mut self, g: GlobalAddr, v: Value) {
        if let Some(gi) = self.globals.get_mut(g.0 as usize) {
            gi.value = v.to_slot();
        }
        if let Some(m) = self.global_masks.get_mut(g.0 as usize) {
            *m = 0;
        }
    }

    /// The undetermined mask of a global's value, as left by
    /// [`Store::invoke_masked`] (0: fully determined). Plain
    /// [`Store::invoke`] does not maintain masks.
    pub fn global_mask(&self, g: GlobalAddr) -> u128 {
        self.global_masks.get(g.0 as usize).copied().unwrap_or(0)
    }

    /// The undetermined mask of each byte of a memory, as left by
    /// [`Store::invoke_masked`]; `None` when every byte is determined (no
    /// byte with open bits was ever stored). Plain [`Store::invoke`] and
    /// [`Store::memory_data_mut`] do not maintain masks.
    pub fn memory_mask(&self, m: MemAddr) -> Option<&[u8]> {
        self.mem_masks.get(m.0 as usize).filter(|v| !v.is_empty()).map(Vec::as_slice)
    }

    /// Memory `m` and its byte-mask array (masked execution).
    pub(crate) fn mem_and_mask(&mut self, m: usize) -> (&mut MemInst, &mut Vec<u8>) {
        if self.mem_masks.len() <= m {
            self.mem_masks.resize_with(m + 1, Vec::new);
        }
        (&mut self.mems[m], &mut self.mem_masks[m])
    }

    /// The mask slot of global `g` (masked execution).
    pub(crate) fn global_mask_mut(&mut self, g: usize) -> &mut u128 {
        if self.global_masks.len() <= g {
            self.global_masks.resize(g + 1, 0);
        }
        &mut self.global_masks[g]
    }

    /// The type of an exception's tag and its payload, if `r` is one.
    pub fn exception(&self, r: Ref) -> Option<(TagAddr, Vec<Value>)> {
        let Ref::Exn(a) = r else { return None };
        let e = self.exns.get(a as usize)?;
        let ty = self.func_type_of(*self.tags.get(e.tag as usize)?)?;
        Some((TagAddr(e.tag), ty.params.iter().zip(&e.fields).map(|(t, s)| Value::from_slot(*t, *s)).collect()))
    }

    /// The bytes of a memory.
    pub fn memory_data(&self, m: MemAddr) -> &[u8] {
        self.mems.get(m.0 as usize).map_or(&[], |mi| &mi.data)
    }

    /// The bytes of a memory, mutably.
    pub fn memory_data_mut(&mut self, m: MemAddr) -> &mut [u8] {
        match self.mems.get_mut(m.0 as usize) {
            Some(mi) => &mut mi.data,
            None => &mut [],
        }
    }

    /// The number of elements of a table.
    pub fn table_size(&self, t: TableAddr) -> u64 {
        self.tables.get(t.0 as usize).map_or(0, |ti| ti.elems.len() as u64)
    }

    /// Element `i` of a table, `None` if out of bounds.
    pub fn table_get(&self, t: TableAddr, i: u64) -> Option<Value> {
        let ti = self.tables.get(t.0 as usize)?;
        let s = *ti.elems.get(usize::try_from(i).ok()?)?;
        Some(Value::from_slot(ti.ty.elem, s))
    }

    /// The current type of an external value (tables and memories report
    /// their current size as minimum, as the spec's `external types` do).
    pub fn extern_type(&self, e: Extern) -> Option<ExternType> {
        Some(match e {
            Extern::Func(f) => ExternType::Func(self.func_type(f)?.clone()),
            Extern::Table(t) => {
                let ti = self.tables.get(t.0 as usize)?;
                ExternType::Table(TableType { min: ti.elems.len() as u64, ..ti.ty })
            }
            Extern::Memory(m) => {
                let mi = self.mems.get(m.0 as usize)?;
                ExternType::Memory(MemoryType { min: mi.data.len() as u64 / PAGE_SIZE, ..mi.ty })
            }
            Extern::Global(g) => ExternType::Global(self.globals.get(g.0 as usize)?.ty),
            Extern::Tag(t) => ExternType::Tag(self.func_type_of(*self.tags.get(t.0 as usize)?)?.clone()),
        })
    }
}
