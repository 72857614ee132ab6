//! Byte masks of memory instances in masked execution: reading and writing
//! the undetermined mask of a byte range. The mask array is allocated on
//! the first store of a byte with open bits; until then every byte reads
//! as determined.

use crate::store::MemInst;

/// Mask of `n <= 16` bytes at `ea`, little-endian like the data.
#[inline]
pub fn read(mem: &MemInst, ea: usize, n: usize) -> u128 {
    if mem.mask.is_empty() {
        return 0;
    }
    let mut buf = [0u8; 16];
    if let Some(src) = mem.mask.get(ea..ea + n) {
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

/// Allocates the mask array (all determined) if it is not yet.
fn ensure(mem: &mut MemInst) {
    if mem.mask.len() != mem.data.len() {
        mem.mask.resize(mem.data.len(), 0);
    }
}

/// Stores the mask of the low `n <= 16` bytes of a value at `ea`.
#[inline]
pub fn write(mem: &mut MemInst, ea: usize, n: usize, m: u128) {
    let m = if n >= 16 { m } else { m & ((1u128 << (8 * n)) - 1) };
    if m == 0 && mem.mask.is_empty() {
        return;
    }
    write_bytes(mem, ea, &m.to_le_bytes()[..n]);
}

/// Stores byte masks at `ea` (out-of-range writes are ignored: the data
/// access traps first).
pub fn write_bytes(mem: &mut MemInst, ea: usize, src: &[u8]) {
    if mem.mask.is_empty() && src.iter().all(|&b| b == 0) {
        return;
    }
    ensure(mem);
    if let Some(dst) = mem.mask.get_mut(ea..ea + src.len()) {
        dst.copy_from_slice(src);
    }
}

/// Sets the mask of every byte in `r` to `m` (`memory.fill`, `memory.init`).
pub fn fill(mem: &mut MemInst, r: std::ops::Range<usize>, m: u8) {
    if m == 0 && mem.mask.is_empty() {
        return;
    }
    ensure(mem);
    if let Some(dst) = mem.mask.get_mut(r) {
        dst.fill(m);
    }
}

/// A copy of the masks of `r` (all zero when the memory has none).
pub fn copy_out(mem: &MemInst, r: std::ops::Range<usize>) -> Option<Vec<u8>> {
    if mem.mask.is_empty() { None } else { mem.mask.get(r).map(<[u8]>::to_vec) }
}
