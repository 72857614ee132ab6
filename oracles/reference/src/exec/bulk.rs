//! Table instructions and bulk memory/table operations that may touch two
//! instances at once (`memory.copy`, `memory.init`, `table.copy`,
//! `table.init`). Every bounds check happens before any write, per spec.

use super::memory::range;
use crate::error::TrapKind;
use crate::store::{GrowFailure, Store};

type R<T> = Result<T, TrapKind>;

impl Store {
    /// `memory.copy` from memory `s_mem` to `d_mem` (store addresses).
    pub(crate) fn memory_copy(&mut self, d_mem: usize, s_mem: usize, d: u128, s: u128, n: u128) -> R<()> {
        let oob = TrapKind::MemoryOutOfBounds;
        let dr = range(d, n, self.mems[d_mem].data.len(), oob)?;
        let sr = range(s, n, self.mems[s_mem].data.len(), oob)?;
        if d_mem == s_mem {
            self.mems[d_mem].data.copy_within(sr, dr.start);
        } else {
            let (lo, hi) = self.mems.split_at_mut(d_mem.max(s_mem));
            let (dm, sm) = if d_mem < s_mem { (&mut lo[d_mem], &hi[0]) } else { (&mut hi[0], &lo[s_mem]) };
            dm.data[dr].copy_from_slice(&sm.data[sr]);
        }
        Ok(())
    }

    /// `memory.init` from data instance `data` into memory `mem`.
    pub(crate) fn memory_init(&mut self, mem: usize, data: usize, d: u128, s: u128, n: u128) -> R<()> {
        let oob = TrapKind::MemoryOutOfBounds;
        let sr = range(s, n, self.datas[data].len(), oob)?;
        let dr = range(d, n, self.mems[mem].data.len(), oob)?;
        let bytes = self.datas[data].clone();
        self.mems[mem].data[dr].copy_from_slice(&bytes[sr]);
        Ok(())
    }

    pub(crate) fn table_get_slot(&self, t: usize, i: u128) -> R<u128> {
        let tab = &self.tables[t].elems;
        usize::try_from(i as u64).ok().and_then(|i| tab.get(i).copied()).ok_or(TrapKind::TableOutOfBounds)
    }

    pub(crate) fn table_set_slot(&mut self, t: usize, i: u128, v: u128) -> R<()> {
        let tab = &mut self.tables[t].elems;
        match usize::try_from(i as u64).ok().and_then(|i| tab.get_mut(i)) {
            Some(slot) => {
                *slot = v;
                Ok(())
            }
            None => Err(TrapKind::TableOutOfBounds),
        }
    }

    /// Spec `table.grow`: old size, or -1 past the declared maximum, the
    /// index type's limit, the configured cap or the host's memory (the
    /// last two counted as the store's own refusals).
    pub(crate) fn table_grow(&mut self, t: usize, init: u128, n: u128) -> u128 {
        let cap = self.config.max_table_elements;
        let tab = &mut self.tables[t];
        let is64 = tab.ty.table64;
        let old = tab.elems.len() as u64;
        let type_limit = if is64 { u64::MAX } else { u32::MAX as u64 };
        let limit = tab.ty.max.unwrap_or(type_limit).min(type_limit);
        let grown = match old.checked_add(n as u64) {
            Some(new) if new <= limit => {
                if new > cap || tab.elems.try_reserve_exact((new - old) as usize).is_err() {
                    Err(GrowFailure::Refused)
                } else {
                    tab.elems.resize(new as usize, init);
                    Ok(old)
                }
            }
            _ => Err(GrowFailure::Limit),
        };
        self.grow_result(grown, is64)
    }

    pub(crate) fn table_fill(&mut self, t: usize, i: u128, v: u128, n: u128) -> R<()> {
        let tab = &mut self.tables[t].elems;
        let r = range(i, n, tab.len(), TrapKind::TableOutOfBounds)?;
        tab[r].fill(v);
        Ok(())
    }

    pub(crate) fn table_copy(&mut self, dt: usize, st: usize, d: u128, s: u128, n: u128) -> R<()> {
        let oob = TrapKind::TableOutOfBounds;
        let dr = range(d, n, self.tables[dt].elems.len(), oob)?;
        let sr = range(s, n, self.tables[st].elems.len(), oob)?;
        if dt == st {
            self.tables[dt].elems.copy_within(sr, dr.start);
        } else {
            let (lo, hi) = self.tables.split_at_mut(dt.max(st));
            let (dm, sm) = if dt < st { (&mut lo[dt], &hi[0]) } else { (&mut hi[0], &lo[st]) };
            dm.elems[dr].copy_from_slice(&sm.elems[sr]);
        }
        Ok(())
    }

    pub(crate) fn table_init(&mut self, t: usize, elem: usize, d: u128, s: u128, n: u128) -> R<()> {
        let oob = TrapKind::TableOutOfBounds;
        let sr = range(s, n, self.elems[elem].len(), oob)?;
        let dr = range(d, n, self.tables[t].elems.len(), oob)?;
        let (tables, elems) = (&mut self.tables, &self.elems);
        tables[t].elems[dr].copy_from_slice(&elems[elem][sr]);
        Ok(())
    }
}
