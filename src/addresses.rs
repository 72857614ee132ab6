//! Addresses at the edges of memories: which values they are for a given
//! module (the first bytes, the last 1–16 bytes below the current size,
//! just past it, and the same around a `memory.grow`), drawing them from
//! fuzz bytes for arguments and operands, and recognizing them in a Case.

use crate::module_info::{MemoryInfo, ModuleInfo};
use arbitrary::Unstructured;
use crosscheck_oracles::Val;

/// A Wasm page.
pub const PAGE: u64 = 65536;

/// How far from an edge an address still counts as "at" it: the widest
/// access (v128) is 16 bytes.
pub const REACH: u64 = 16;

/// The sizes an edge can be relative to: the memory now, one page grown,
/// and its maximum.
fn sizes(m: &MemoryInfo) -> [u64; 3] {
    let grown = m.initial.saturating_add(PAGE);
    [m.initial, m.maximum.map_or(grown, |max| grown.min(max)), m.maximum.unwrap_or(grown)]
}

/// An address at an edge of `m` for an access with constant `offset`:
/// `base + offset` is one of the first [`REACH`] bytes, or within
/// [`REACH`] bytes below or above one of the memory's sizes. For a 64-bit
/// memory, one time in four that place plus 2^32: out of bounds, and in
/// bounds for an engine that cuts addresses to 32 bits. (When `offset`
/// is larger than the place, `base + offset` passes 2^64: out of bounds,
/// and in bounds for an engine that adds modulo 2^64.)
pub fn draw(u: &mut Unstructured<'_>, m: &MemoryInfo, offset: u64) -> arbitrary::Result<u64> {
    let k = u.int_in_range(0..=REACH - 1)?;
    let mut effective = match u.int_in_range(0..=3u8)? {
        0 => k,
        which => {
            let size = sizes(m)[usize::from(which - 1)];
            if u.arbitrary()? { size.wrapping_sub(k + 1) } else { size.wrapping_add(k) }
        }
    };
    if m.memory64 && u.ratio(1, 4)? {
        effective = effective.wrapping_add(1 << 32);
    }
    Ok(effective.wrapping_sub(offset))
}

/// Whether `value`, used as an address by an access with one of the
/// module's offsets (or none), lands at an edge of one of its memories
/// other than its first bytes (small numbers are everywhere).
pub fn is_edge(info: &ModuleInfo, value: u64) -> bool {
    info.memories.iter().any(|m| {
        sizes(m).iter().any(|&size| {
            size > 0
                && std::iter::once(0).chain(info.offsets.iter().copied()).any(|offset| {
                    let effective = value.wrapping_add(offset);
                    effective.wrapping_sub(size.saturating_sub(REACH)) < 2 * REACH
                })
        })
    })
}

/// Whether an argument of a Case's calls is an edge address ([`is_edge`]);
/// i32 arguments are addresses zero-extended.
pub fn has_edge_argument(info: &ModuleInfo, calls: &[crosscheck_oracles::Call]) -> bool {
    calls.iter().flat_map(|c| &c.args).any(|a| match a {
        Val::I32(x) => is_edge(info, u64::from(*x)),
        Val::I64(x) => is_edge(info, *x),
        _ => false,
    })
}

/// An integer argument: for a module with memories, one time in three an
/// edge address of one of them (offset by one of the code's constant
/// offsets), otherwise `other`.
pub fn maybe_edge(
    u: &mut Unstructured<'_>,
    info: &ModuleInfo,
    other: impl FnOnce(&mut Unstructured<'_>) -> arbitrary::Result<u64>,
) -> arbitrary::Result<u64> {
    if info.memories.is_empty() || u.int_in_range(0..=2u8)? != 0 {
        return other(u);
    }
    let m = u.choose(&info.memories)?;
    let offset = if info.offsets.is_empty() || u.arbitrary()? { 0 } else { *u.choose(&info.offsets)? };
    draw(u, m, offset)
}

/// The memory argument of a load or store, if `op` is one (atomics left out).
pub fn memarg(op: &wasmparser::Operator<'_>) -> Option<wasmparser::MemArg> {
    use wasmparser::Operator::*;
    match *op {
        I32Load { memarg }
        | I64Load { memarg }
        | F32Load { memarg }
        | F64Load { memarg }
        | I32Load8S { memarg }
        | I32Load8U { memarg }
        | I32Load16S { memarg }
        | I32Load16U { memarg }
        | I64Load8S { memarg }
        | I64Load8U { memarg }
        | I64Load16S { memarg }
        | I64Load16U { memarg }
        | I64Load32S { memarg }
        | I64Load32U { memarg }
        | I32Store { memarg }
        | I64Store { memarg }
        | F32Store { memarg }
        | F64Store { memarg }
        | I32Store8 { memarg }
        | I32Store16 { memarg }
        | I64Store8 { memarg }
        | I64Store16 { memarg }
        | I64Store32 { memarg }
        | V128Load { memarg }
        | V128Load8x8S { memarg }
        | V128Load8x8U { memarg }
        | V128Load16x4S { memarg }
        | V128Load16x4U { memarg }
        | V128Load32x2S { memarg }
        | V128Load32x2U { memarg }
        | V128Load8Splat { memarg }
        | V128Load16Splat { memarg }
        | V128Load32Splat { memarg }
        | V128Load64Splat { memarg }
        | V128Load32Zero { memarg }
        | V128Load64Zero { memarg }
        | V128Store { memarg }
        | V128Load8Lane { memarg, .. }
        | V128Load16Lane { memarg, .. }
        | V128Load32Lane { memarg, .. }
        | V128Load64Lane { memarg, .. }
        | V128Store8Lane { memarg, .. }
        | V128Store16Lane { memarg, .. }
        | V128Store32Lane { memarg, .. }
        | V128Store64Lane { memarg, .. } => Some(memarg),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_page() -> ModuleInfo {
        ModuleInfo {
            memories: vec![MemoryInfo { initial: PAGE, maximum: Some(2 * PAGE), memory64: false }],
            offsets: vec![8],
            ..ModuleInfo::default()
        }
    }

    #[test]
    fn drawn_addresses_are_edges_and_cover_every_kind() {
        let info = one_page();
        let data: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let mut u = Unstructured::new(&data);
        let (mut low, mut below, mut past, mut grown) = (0, 0, 0, 0);
        for _ in 0..400 {
            let offset = if u.arbitrary().unwrap() { 0 } else { 8 };
            let a = draw(&mut u, &info.memories[0], offset).unwrap();
            let eff = a.wrapping_add(offset);
            match eff {
                0..16 => low += 1,
                x if (PAGE - 16..PAGE).contains(&x) => below += 1,
                x if (PAGE..PAGE + 16).contains(&x) => past += 1,
                x if (2 * PAGE - 16..2 * PAGE + 16).contains(&x) => grown += 1,
                x => panic!("{x:#x} is no edge"),
            }
            if eff >= 16 {
                assert!(is_edge(&info, a), "{a:#x}");
            }
        }
        assert!(low > 0 && below > 0 && past > 0 && grown > 0, "{low} {below} {past} {grown}");
        assert!(!is_edge(&info, PAGE / 2));
    }
}
