//! Byte masks of memory instances in masked execution: reading and writing
//! the undetermined mask of a byte range. A memory's mask array (kept in
//! the store next to the memory) is allocated on the first store of a byte
//! with open bits; until then every byte reads as determined. `len` is the
//! memory's current size, which an allocated array always matches.

use crate::store::MemInst;
use std::ops::Range;

/// Mask of `n <= 16` bytes at `ea`, little-endian like the data.
#[inline]
pub fn read(mask: &[u8], ea: usize, n: usize) -> u128 {
    if mask.is_empty() {
        return 0;
    }
    let mut buf = [0u8; 16];
    if let Some(src) = mask.get(ea..ea + n) {
        buf[..n].copy_from_slice(src);
    }
    u128::from_le_bytes(buf)
}

/// The data bytes (not masks) at `ea`, `n <= 16`, zero-extended.
#[inline]
pub fn data(mem: &MemInst, ea: usize, n: usize) -> u128 {
    let mut buf = [0u8; 16];
    if let Some(src) = mem.data.get(ea..ea + n) {
        buf[..n].copy_from_slice(src);
    }
    u128::from_le_bytes(buf)
}

/// Keeps an allocated mask array as long as its memory (after a grow).
pub fn sync_len(mask: &mut Vec<u8>, len: usize) {
    if !mask.is_empty() && mask.len() != len {
        mask.resize(len, 0);
    }
}

/// Stores the mask of the low `n <= 16` bytes of a value at `ea`.
#[inline]
pub fn write(mask: &mut Vec<u8>, len: usize, ea: usize, n: usize, m: u128) {
    let m = if n >= 16 { m } else { m & ((1u128 << (8 * n)) - 1) };
    if m == 0 && mask.is_empty() {
        return;
    }
    write_bytes(mask, len, ea, &m.to_le_bytes()[..n]);
}

/// Stores byte masks at `ea` (out-of-range writes are ignored: the data
/// access traps first).
pub fn write_bytes(mask: &mut Vec<u8>, len: usize, ea: usize, src: &[u8]) {
    if mask.is_empty() && src.iter().all(|&b| b == 0) {
        return;
    }
    if mask.len() != len {
        mask.resize(len, 0);
    }
    if let Some(dst) = mask.get_mut(ea..ea + src.len()) {
        dst.copy_from_slice(src);
    }
}

/// Sets the mask of every byte in `r` to `m` (`memory.fill`, `memory.init`).
pub fn fill(mask: &mut Vec<u8>, len: usize, r: Range<usize>, m: u8) {
    if m == 0 && mask.is_empty() {
        return;
    }
    if mask.len() != len {
        mask.resize(len, 0);
    }
    if let Some(dst) = mask.get_mut(r) {
        dst.fill(m);
    }
}

/// A copy of the masks of `r`; `None` when the memory has none.
pub fn copy_out(mask: &[u8], r: Range<usize>) -> Option<Vec<u8>> {
    if mask.is_empty() { None } else { mask.get(r).map(<[u8]>::to_vec) }
}
