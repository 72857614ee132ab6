//! Memory instructions on a memory instance: bounds-checked loads and
//! stores (scalar, vector, lane), `memory.grow`, the bulk operations
//! `fill` / `copy` / `init`, and the atomic accesses (single-threaded).

use crate::compile::instr::{LoadKind, RmwOp};
use crate::error::TrapKind;
use crate::simd::lanes::*;
use crate::simd::widen;
use crate::store::{GrowFailure, MemInst, PAGE_SIZE};

type R<T> = Result<T, TrapKind>;

/// Spec effective address `i + offset`; traps unless `[ea, ea + n)` is
/// inside the memory. `i` is the operand slot (i32 zero-extended or i64).
#[inline]
pub fn effective(mem: &MemInst, i: u128, offset: u64, n: usize) -> R<usize> {
    let ea = (i as u64).checked_add(offset).ok_or(TrapKind::MemoryOutOfBounds)?;
    match ea.checked_add(n as u64) {
        Some(end) if end <= mem.data.len() as u64 => Ok(ea as usize),
        _ => Err(TrapKind::MemoryOutOfBounds),
    }
}

/// Little-endian read of `n <= 16` bytes, zero-extended. The access
/// widths get fixed-size copies (no `memcpy` call in the loop).
#[inline(always)]
fn read(mem: &MemInst, ea: usize, n: usize) -> u128 {
    fn get<const N: usize>(d: &[u8], ea: usize) -> [u8; N] {
        d[ea..ea + N].try_into().unwrap_or([0; N])
    }
    let d = &mem.data[..];
    match n {
        1 => d[ea] as u128,
        2 => u16::from_le_bytes(get(d, ea)) as u128,
        4 => u32::from_le_bytes(get(d, ea)) as u128,
        8 => u64::from_le_bytes(get(d, ea)) as u128,
        16 => u128::from_le_bytes(get(d, ea)),
        _ => {
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(&d[ea..ea + n]);
            u128::from_le_bytes(buf)
        }
    }
}

/// Little-endian write of the low `n <= 16` bytes of `v`.
#[inline(always)]
fn write(mem: &mut MemInst, ea: usize, n: usize, v: u128) {
    let d = &mut mem.data[..];
    match n {
        1 => d[ea] = v as u8,
        2 => d[ea..ea + 2].copy_from_slice(&(v as u16).to_le_bytes()),
        4 => d[ea..ea + 4].copy_from_slice(&(v as u32).to_le_bytes()),
        8 => d[ea..ea + 8].copy_from_slice(&(v as u64).to_le_bytes()),
        _ => d[ea..ea + n].copy_from_slice(&v.to_le_bytes()[..n]),
    }
}

fn sext(v: u128, bytes: u8) -> i64 {
    widen::lane(v, bytes as u32 * 8, 0, true) as i64
}

/// Bytes read by a load of `kind`.
#[inline]
pub fn width(kind: LoadKind) -> usize {
    match kind {
        LoadKind::U(n) | LoadKind::S32(n) | LoadKind::S64(n) | LoadKind::Splat(n) | LoadKind::Zero(n) => n as usize,
        LoadKind::V128 => 16,
        LoadKind::Extend { .. } => 8,
    }
}

/// The loaded value from the raw little-endian bytes `v` (extension,
/// splat), as [`load`] computes it: applied to a byte mask it gives the
/// mask of the value.
#[inline]
pub fn shape(kind: LoadKind, v: u128) -> u128 {
    match kind {
        LoadKind::U(_) | LoadKind::V128 | LoadKind::Zero(_) => v,
        LoadKind::S32(n) => sext(v, n) as u32 as u128,
        LoadKind::S64(n) => sext(v, n) as u64 as u128,
        LoadKind::Extend { bits, signed } => widen::extend(v, bits as u32, false, signed),
        LoadKind::Splat(n) => match n {
            1 => from_u8x16([v as u8; 16]),
            2 => from_u16x8([v as u16; 8]),
            4 => from_u32x4([v as u32; 4]),
            _ => from_u64x2([v as u64; 2]),
        },
    }
}

#[inline(always)]
pub fn load(mem: &MemInst, kind: LoadKind, i: u128, offset: u64) -> R<u128> {
    Ok(match kind {
        LoadKind::U(n) => read(mem, effective(mem, i, offset, n as usize)?, n as usize),
        LoadKind::S32(n) => {
            let v = read(mem, effective(mem, i, offset, n as usize)?, n as usize);
            sext(v, n) as u32 as u128
        }
        LoadKind::S64(n) => {
            let v = read(mem, effective(mem, i, offset, n as usize)?, n as usize);
            sext(v, n) as u64 as u128
        }
        LoadKind::V128 => read(mem, effective(mem, i, offset, 16)?, 16),
        LoadKind::Extend { bits, signed } => {
            let v = read(mem, effective(mem, i, offset, 8)?, 8);
            widen::extend(v, bits as u32, false, signed)
        }
        LoadKind::Splat(n) => {
            let v = read(mem, effective(mem, i, offset, n as usize)?, n as usize);
            match n {
                1 => from_u8x16([v as u8; 16]),
                2 => from_u16x8([v as u16; 8]),
                4 => from_u32x4([v as u32; 4]),
                _ => from_u64x2([v as u64; 2]),
            }
        }
        LoadKind::Zero(n) => read(mem, effective(mem, i, offset, n as usize)?, n as usize),
    })
}

#[inline(always)]
pub fn store(mem: &mut MemInst, bytes: u8, i: u128, offset: u64, v: u128) -> R<()> {
    let ea = effective(mem, i, offset, bytes as usize)?;
    write(mem, ea, bytes as usize, v);
    Ok(())
}

/// `v128.loadN_lane`: replaces lane `lane` of `v` with memory.
pub fn load_lane(mem: &MemInst, bytes: u8, lane: u8, i: u128, offset: u64, v: u128) -> R<u128> {
    let x = read(mem, effective(mem, i, offset, bytes as usize)?, bytes as usize);
    let shift = (bytes as u32 * 8) * (lane as u32 % (16 / bytes as u32));
    let mask = if bytes == 16 { u128::MAX } else { ((1u128 << (bytes as u32 * 8)) - 1) << shift };
    Ok((v & !mask) | (x << shift))
}

/// `v128.storeN_lane`: stores lane `lane` of `v`.
pub fn store_lane(mem: &mut MemInst, bytes: u8, lane: u8, i: u128, offset: u64, v: u128) -> R<()> {
    let ea = effective(mem, i, offset, bytes as usize)?;
    let shift = (bytes as u32 * 8) * (lane as u32 % (16 / bytes as u32));
    write(mem, ea, bytes as usize, v >> shift);
    Ok(())
}

/// Spec `memory.grow`: the old size in pages, or why the new size is not
/// allowed — past the declared maximum or the index type's limit, or past
/// `cap` or the host's memory (a refusal of the interpreter's own).
pub(crate) fn grow(mem: &mut MemInst, delta: u128, cap: u64) -> Result<u64, GrowFailure> {
    let old = mem.data.len() as u64 / PAGE_SIZE;
    let delta = delta as u64;
    let type_limit = if mem.ty.memory64 { 1u64 << 48 } else { 1u64 << 16 };
    let limit = mem.ty.max.unwrap_or(type_limit).min(type_limit);
    let new = match old.checked_add(delta) {
        Some(n) if n <= limit => n,
        _ => return Err(GrowFailure::Limit),
    };
    if new > cap {
        return Err(GrowFailure::Refused);
    }
    let Some(new_len) = new.checked_mul(PAGE_SIZE).and_then(|b| usize::try_from(b).ok()) else {
        return Err(GrowFailure::Refused);
    };
    if mem.data.try_reserve_exact(new_len - mem.data.len()).is_err() {
        return Err(GrowFailure::Refused);
    }
    mem.data.resize(new_len, 0);
    Ok(old)
}

/// Bounds of `[d, d + n)` in a buffer of `len`, as a range; traps otherwise.
#[inline]
pub fn range(d: u128, n: u128, len: usize, trap: TrapKind) -> R<std::ops::Range<usize>> {
    let (d, n) = (d as u64, n as u64);
    match d.checked_add(n) {
        Some(end) if end <= len as u64 => Ok(d as usize..end as usize),
        _ => Err(trap),
    }
}

/// `memory.fill`: traps (writing nothing) if out of bounds.
pub fn fill(mem: &mut MemInst, d: u128, val: u128, n: u128) -> R<()> {
    let r = range(d, n, mem.data.len(), TrapKind::MemoryOutOfBounds)?;
    mem.data[r].fill(val as u8);
    Ok(())
}

/// Atomic accesses trap on a misaligned or out-of-bounds effective
/// address. Where both hold, the spec does not say which trap comes first
/// (its prose checks bounds first, its reference interpreter alignment),
/// so the trap is the two-way kind.
#[inline]
pub fn atomic_ea(mem: &MemInst, i: u128, offset: u64, n: usize) -> R<usize> {
    // The spec's ea is an unbounded integer: alignment is judged on the
    // true sum, even where it exceeds 2^64 (memory64).
    let ea = (i as u64 as u128) + offset as u128;
    let in_bounds = effective(mem, i, offset, n);
    if !ea.is_multiple_of(n as u128) {
        return Err(match in_bounds {
            Ok(_) => TrapKind::UnalignedAtomic,
            Err(_) => TrapKind::UnalignedAtomicOrOutOfBounds,
        });
    }
    in_bounds
}

pub fn atomic_load(mem: &MemInst, bytes: u8, i: u128, offset: u64) -> R<u128> {
    let ea = atomic_ea(mem, i, offset, bytes as usize)?;
    Ok(read(mem, ea, bytes as usize))
}

pub fn atomic_store(mem: &mut MemInst, bytes: u8, i: u128, offset: u64, v: u128) -> R<()> {
    let ea = atomic_ea(mem, i, offset, bytes as usize)?;
    write(mem, ea, bytes as usize, v);
    Ok(())
}

/// Read-modify-write on `bytes` bytes; returns the old value zero-extended.
pub fn atomic_rmw(mem: &mut MemInst, op: RmwOp, bytes: u8, i: u128, offset: u64, v: u128) -> R<u128> {
    let n = bytes as usize;
    let ea = atomic_ea(mem, i, offset, n)?;
    let old = read(mem, ea, n);
    let (a, b) = (old as u64, v as u64);
    let new = match op {
        RmwOp::Add => a.wrapping_add(b),
        RmwOp::Sub => a.wrapping_sub(b),
        RmwOp::And => a & b,
        RmwOp::Or => a | b,
        RmwOp::Xor => a ^ b,
        RmwOp::Xchg => b,
    };
    write(mem, ea, n, new as u128);
    Ok(old)
}

/// Compare-exchange: the expected operand is wrapped to the access width
/// before comparing; returns the old value zero-extended.
pub fn atomic_cmpxchg(mem: &mut MemInst, bytes: u8, i: u128, offset: u64, expected: u128, repl: u128) -> R<u128> {
    let n = bytes as usize;
    let ea = atomic_ea(mem, i, offset, n)?;
    let old = read(mem, ea, n);
    let mask = if n == 16 { u128::MAX } else { (1u128 << (8 * n)) - 1 };
    if old == expected & mask {
        write(mem, ea, n, repl);
    }
    Ok(old)
}
