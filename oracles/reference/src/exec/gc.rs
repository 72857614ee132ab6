//! The GC instructions (§4.4.7-4.4.8 of Wasm 3.0): allocation of structs
//! and arrays, field and element access with packed storage, bulk array
//! operations, `i31`, `ref.eq`, `ref.test` and `ref.cast` — for plain and
//! (with `M`) masked execution. Masks move with field and element values
//! as they do with memory bytes; indices and lengths must be determined
//! (rule 7), and so must both operands of `ref.eq` (an `i31` may carry
//! open bits).

use super::memory::range;
use super::memory_ops::Stacks;
use crate::compile::func_gc::{Ext, GcOp};
use crate::error::{CallError, TrapKind};
use crate::store::{InstanceData, Object, Store};
use crate::types::{Composite, FieldType, StorageType, map_heap};
use crate::values::{HeapType, Ref, RefType, slot};

type R<T> = Result<T, CallError>;

fn trap<T>(k: TrapKind) -> R<T> {
    Err(CallError::Trap(k))
}

/// The mask of a packed value read with sign or zero extension.
fn extend_mask(storage: StorageType, m: u128, ext: Ext) -> u128 {
    let m = storage.wrap(m);
    match (storage, ext) {
        (StorageType::I8, Ext::Signed) if m & 0x80 != 0 => m | 0xffff_ff00,
        (StorageType::I16, Ext::Signed) if m & 0x8000 != 0 => m | 0xffff_0000,
        _ => m,
    }
}

impl Store {
    /// The fields of struct type `id`, or the element of array type `id`.
    fn fields_of(&self, id: u32) -> (&[FieldType], Option<FieldType>) {
        match &self.def(id).composite {
            Composite::Struct(fs) => (fs, None),
            Composite::Array(f) => (&[], Some(*f)),
            Composite::Func(_) => (&[], None),
        }
    }

    fn reserve_heap(&mut self, n: u64) -> R<()> {
        let total = (self.heap_slots as u64).saturating_add(n);
        if total > self.config.max_heap_slots as u64 {
            return Err(CallError::Exhausted(format!("GC heap exhausted ({n} more fields)")));
        }
        self.heap_slots = total as usize;
        Ok(())
    }

    /// Allocates a struct (or an array, by its elements) of type `id`
    /// holding `fields` (packed ones wrapped) with `masks` (empty: determined).
    pub(crate) fn alloc_object(&mut self, id: u32, mut fields: Vec<u128>, mut masks: Vec<u128>) -> R<u128> {
        self.reserve_heap(fields.len() as u64)?;
        let (fs, elem) = self.fields_of(id);
        for (i, v) in fields.iter_mut().enumerate() {
            let storage = elem.or_else(|| fs.get(i).copied()).map_or(StorageType::I8, |f| f.storage);
            *v = storage.wrap(*v);
            if let Some(m) = masks.get_mut(i) {
                *m = storage.wrap(*m);
            }
        }
        if masks.iter().all(|&m| m == 0) {
            masks = Vec::new();
        } else {
            self.heap_masks_open = true;
        }
        let tag = if elem.is_some() { slot::ARRAY } else { slot::STRUCT };
        self.objects.push(Object { ty: id, fields, masks });
        Ok(tag | (self.objects.len() - 1) as u128)
    }

    /// Allocates an array of type `id` with `n` elements `v` (mask `m`).
    pub(crate) fn alloc_array(&mut self, id: u32, n: u64, v: u128, m: u128) -> R<u128> {
        self.reserve_heap(n)?;
        self.heap_slots -= n as usize;
        let masks = if m == 0 { Vec::new() } else { vec![m; n as usize] };
        self.alloc_object(id, vec![v; n as usize], masks)
    }

    /// The object a non-null struct or array reference points to.
    fn object(&mut self, r: u128) -> R<&mut Object> {
        if r == 0 {
            return trap(TrapKind::NullReference);
        }
        Ok(&mut self.objects[slot::payload(r) as usize])
    }

    /// Whether reference slot `s` matches reference type `rt` (type ids), §4.4.7.
    pub(crate) fn ref_matches(&self, s: u128, rt: RefType) -> bool {
        use HeapType as H;
        if s == 0 {
            return rt.nullable;
        }
        match (slot::tag(s), rt.heap) {
            (_, H::Any | H::Extern) => slot::tag(s) != 0,
            (0, H::Func) => true,
            (0, H::Concrete(t)) => self.funcs.get((s - 1) as usize).is_some_and(|f| self.type_sub(f.ty(), t)),
            (slot::I31, H::Eq | H::I31) => true,
            (slot::STRUCT | slot::ARRAY, H::Eq) => true,
            (slot::STRUCT, H::Struct) | (slot::ARRAY, H::Array) => true,
            (slot::STRUCT | slot::ARRAY, H::Concrete(t)) => {
                self.type_sub(self.objects[slot::payload(s) as usize].ty, t)
            }
            (slot::EXN, H::Exn) => true,
            _ => false,
        }
    }

    /// A module's reference type with its type indices as the instance's type ids.
    pub(crate) fn canonical(rt: RefType, inst: &InstanceData) -> RefType {
        RefType { heap: map_heap(rt.heap, &|i| inst.types[i as usize]), ..rt }
    }

    /// Reads `n` elements of storage type `st` from data instance `d` at byte `s`.
    fn data_elements(&self, d: usize, st: StorageType, s: u128, n: u128) -> R<Vec<u128>> {
        let z = st.byte_size() as u128;
        let bytes = &self.datas[d];
        let r = range(s, n.saturating_mul(z), bytes.len(), TrapKind::MemoryOutOfBounds).map_err(CallError::Trap)?;
        let out =
            bytes[r].chunks(z as usize).map(|c| c.iter().rev().fold(0u128, |acc, b| (acc << 8) | *b as u128)).collect();
        Ok(out)
    }

    /// Runs one GC instruction.
    pub(crate) fn exec_gc<const M: bool>(
        &mut self,
        op: GcOp,
        inst: &InstanceData,
        values: &mut Vec<u128>,
        masks: &mut Vec<u128>,
    ) -> R<()> {
        let mut s = Stacks::<M> { values, masks };
        let ty = |t: u32| inst.types[t as usize];
        match op {
            GcOp::StructNew { ty: t, default } => {
                let id = ty(t);
                let n = self.fields_of(id).0.len();
                let (mut f, mut m) = (vec![0; n], vec![0; if M { n } else { 0 }]);
                if !default {
                    for i in (0..n).rev() {
                        let (v, vm) = s.popm();
                        f[i] = v;
                        if M {
                            m[i] = vm;
                        }
                    }
                }
                let r = self.alloc_object(id, f, m)?;
                s.pushm(r, 0);
            }
            GcOp::StructGet { ty: t, field, ext } => {
                let storage = self.fields_of(ty(t)).0[field as usize].storage;
                let (r, _) = s.popm();
                let o = self.object(r)?;
                let v = storage.extend(o.fields[field as usize], ext == Ext::Signed);
                let m =
                    if M { extend_mask(storage, o.masks.get(field as usize).copied().unwrap_or(0), ext) } else { 0 };
                s.pushm(v, m);
            }
            GcOp::StructSet { ty: t, field } => {
                let storage = self.fields_of(ty(t)).0[field as usize].storage;
                let (v, m) = s.popm();
                let (r, _) = s.popm();
                let o = self.object(r)?;
                set_field(o, field as usize, storage.wrap(v), storage.wrap(m));
                self.heap_masks_open |= m != 0;
            }
            GcOp::ArrayNew { ty: t, default } => {
                let n = s.popk("array.new", "the length")?;
                let (v, m) = if default { (0, 0) } else { s.popm() };
                let r = self.alloc_array(ty(t), n as u32 as u64, v, m)?;
                s.pushm(r, 0);
            }
            GcOp::ArrayNewFixed { ty: t, n } => {
                let n = n as usize;
                let (mut f, mut m) = (vec![0; n], vec![0; if M { n } else { 0 }]);
                for i in (0..n).rev() {
                    let (v, vm) = s.popm();
                    f[i] = v;
                    if M {
                        m[i] = vm;
                    }
                }
                let r = self.alloc_object(ty(t), f, m)?;
                s.pushm(r, 0);
            }
            GcOp::ArrayNewData { ty: t, data } => {
                let n = s.popk("array.new_data", "the length")?;
                let off = s.popk("array.new_data", "the offset")?;
                let st = self.fields_of(ty(t)).1.map_or(StorageType::I8, |f| f.storage);
                let f = self.data_elements(inst.datas[data as usize] as usize, st, off, n)?;
                let r = self.alloc_object(ty(t), f, Vec::new())?;
                s.pushm(r, 0);
            }
            GcOp::ArrayNewElem { ty: t, elem } => {
                let n = s.popk("array.new_elem", "the length")?;
                let off = s.popk("array.new_elem", "the offset")?;
                let e = &self.elems[inst.elems[elem as usize] as usize];
                let r = range(off, n, e.len(), TrapKind::TableOutOfBounds).map_err(CallError::Trap)?;
                let f = e[r].to_vec();
                let r = self.alloc_object(ty(t), f, Vec::new())?;
                s.pushm(r, 0);
            }
            GcOp::ArrayGet { ty: t, ext } => {
                let storage = self.fields_of(ty(t)).1.map_or(StorageType::I8, |f| f.storage);
                let i = s.popk("array.get", "the index")?;
                let (r, _) = s.popm();
                let o = self.object(r)?;
                let Some(&v) = o.fields.get(i as u32 as usize) else { return trap(TrapKind::ArrayOutOfBounds) };
                let m = if M { extend_mask(storage, o.masks.get(i as usize).copied().unwrap_or(0), ext) } else { 0 };
                s.pushm(storage.extend(v, ext == Ext::Signed), m);
            }
            GcOp::ArraySet { ty: t } => {
                let storage = self.fields_of(ty(t)).1.map_or(StorageType::I8, |f| f.storage);
                let (v, m) = s.popm();
                let i = s.popk("array.set", "the index")?;
                let (r, _) = s.popm();
                let o = self.object(r)?;
                if i as u32 as usize >= o.fields.len() {
                    return trap(TrapKind::ArrayOutOfBounds);
                }
                set_field(o, i as usize, storage.wrap(v), storage.wrap(m));
                self.heap_masks_open |= m != 0;
            }
            GcOp::ArrayLen => {
                let (r, _) = s.popm();
                let n = self.object(r)?.fields.len();
                s.pushm(n as u128, 0);
            }
            GcOp::ArrayFill { ty: t } => {
                let storage = self.fields_of(ty(t)).1.map_or(StorageType::I8, |f| f.storage);
                let n = s.popk("array.fill", "the length")?;
                let (v, m) = s.popm();
                let d = s.popk("array.fill", "the index")?;
                let (r, _) = s.popm();
                let o = self.object(r)?;
                let rg = range(d, n, o.fields.len(), TrapKind::ArrayOutOfBounds).map_err(CallError::Trap)?;
                for i in rg {
                    set_field(o, i, storage.wrap(v), storage.wrap(m));
                }
                self.heap_masks_open |= m != 0;
            }
            GcOp::ArrayCopy { .. } => {
                let n = s.popk("array.copy", "the length")?;
                let si = s.popk("array.copy", "the source index")?;
                let (sr, _) = s.popm();
                let di = s.popk("array.copy", "the destination index")?;
                let (dr, _) = s.popm();
                let oob = TrapKind::ArrayOutOfBounds;
                // A null array traps; where the other's range is out of
                // bounds too, the spec allows either kind.
                if dr == 0 || sr == 0 {
                    let (other, at) = if dr == 0 { (sr, si) } else { (dr, di) };
                    let both = other != 0 && range(at, n, self.object(other)?.fields.len(), oob).is_err();
                    return trap(if both {
                        TrapKind::NullReferenceOrArrayOutOfBounds
                    } else {
                        TrapKind::NullReference
                    });
                }
                let src_len = self.object(sr)?.fields.len();
                let dst_len = self.object(dr)?.fields.len();
                let d = range(di, n, dst_len, oob).map_err(CallError::Trap)?;
                let src = range(si, n, src_len, oob).map_err(CallError::Trap)?;
                let so = &self.objects[slot::payload(sr) as usize];
                let (vals, ms) = (so.fields[src.clone()].to_vec(), so.masks.get(src).map(<[u128]>::to_vec));
                let o = self.object(dr)?;
                o.fields[d.clone()].copy_from_slice(&vals);
                if let Some(ms) = ms {
                    o.masks.resize(o.fields.len(), 0);
                    o.masks[d].copy_from_slice(&ms);
                } else if !o.masks.is_empty() {
                    o.masks[d].fill(0);
                }
            }
            GcOp::ArrayInitData { ty: t, data } => {
                let st = self.fields_of(ty(t)).1.map_or(StorageType::I8, |f| f.storage);
                let n = s.popk("array.init_data", "the length")?;
                let off = s.popk("array.init_data", "the offset")?;
                let d = s.popk("array.init_data", "the index")?;
                let (r, _) = s.popm();
                // A null array with the segment's range out of bounds: the
                // spec's null rule and bounds rule are separate, and no
                // order between them is pinned, so either kind. Both
                // ranges out of bounds: the array's first, as the prose
                // and the official suite (array_init_data.wast) have it.
                let f = self.data_elements(inst.datas[data as usize] as usize, st, off, n);
                if r == 0 {
                    return trap(match f {
                        Ok(_) => TrapKind::NullReference,
                        Err(_) => TrapKind::NullReferenceOrMemoryOutOfBounds,
                    });
                }
                let len = self.object(r)?.fields.len();
                let rg = range(d, n, len, TrapKind::ArrayOutOfBounds).map_err(CallError::Trap)?;
                self.write_elements(r, rg, &f?)?;
            }
            GcOp::ArrayInitElem { elem, .. } => {
                let n = s.popk("array.init_elem", "the length")?;
                let off = s.popk("array.init_elem", "the offset")?;
                let d = s.popk("array.init_elem", "the index")?;
                let (r, _) = s.popm();
                // As `array.init_data`: a null array with the segment's
                // range out of bounds allows either kind; both ranges out
                // of bounds trap on the array's (array_init_elem.wast).
                let e = &self.elems[inst.elems[elem as usize] as usize];
                let src = range(off, n, e.len(), TrapKind::TableOutOfBounds);
                if r == 0 {
                    return trap(match src {
                        Ok(_) => TrapKind::NullReference,
                        Err(_) => TrapKind::NullReferenceOrTableOutOfBounds,
                    });
                }
                let len = self.object(r)?.fields.len();
                let rg = range(d, n, len, TrapKind::ArrayOutOfBounds).map_err(CallError::Trap)?;
                let src = src.map_err(CallError::Trap)?;
                let e = &self.elems[inst.elems[elem as usize] as usize];
                let f = e[src].to_vec();
                self.write_elements(r, rg, &f)?;
            }
            GcOp::RefTest(rt) => {
                let (r, _) = s.popm();
                let ok = self.ref_matches(r, Store::canonical(rt, inst));
                s.pushm(ok as u128, 0);
            }
            GcOp::RefCast(rt) => {
                let (r, m) = s.popm();
                if !self.ref_matches(r, Store::canonical(rt, inst)) {
                    return trap(TrapKind::CastFailure);
                }
                s.pushm(r, m);
            }
            GcOp::RefEq => {
                let b = s.popk("ref.eq", "an i31 operand")?;
                let a = s.popk("ref.eq", "an i31 operand")?;
                s.pushm((a == b) as u128, 0);
            }
            GcOp::RefI31 => {
                let (v, m) = s.popm();
                s.pushm(Ref::I31(v as u32).to_slot(), m & 0x7fff_ffff);
            }
            GcOp::I31Get { signed } => {
                let (r, m) = s.popm();
                if r == 0 {
                    return trap(TrapKind::NullReference);
                }
                let (v, m) = (slot::payload(r) & 0x7fff_ffff, m as u32 & 0x7fff_ffff);
                let ext = |x: u32| if signed { ((x << 1) as i32 >> 1) as u32 } else { x };
                s.pushm(
                    ext(v) as u128,
                    if signed && m & 0x4000_0000 != 0 { (m | 0x8000_0000) as u128 } else { m as u128 },
                );
            }
        }
        Ok(())
    }

    /// Overwrites the elements `rg` of the array `r` with determined values.
    fn write_elements(&mut self, r: u128, rg: std::ops::Range<usize>, f: &[u128]) -> R<()> {
        let o = self.object(r)?;
        if !o.masks.is_empty() {
            o.masks[rg.clone()].fill(0);
        }
        o.fields[rg].copy_from_slice(f);
        Ok(())
    }
}

/// Stores a field's value and mask (masks allocated on the first open one).
fn set_field(o: &mut Object, i: usize, v: u128, m: u128) {
    o.fields[i] = v;
    if m != 0 && o.masks.is_empty() {
        o.masks.resize(o.fields.len(), 0);
    }
    if let Some(x) = o.masks.get_mut(i) {
        *x = m;
    }
}
