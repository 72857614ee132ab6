//! The generator's tests: what its modules contain, drawn over many seeds.

use super::*;

fn bytes(seed: u32, n: usize) -> Vec<u8> {
    (0..n as u32).map(|i| (i.wrapping_add(seed).wrapping_mul(2654435761) >> 11) as u8).collect()
}

#[test]
fn modules_validate_and_cover_every_shape() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..400 {
        let data = bytes(seed, 2048);
        let g = module(&mut Unstructured::new(&data)).unwrap();
        super::super::features(&g)
            .validate(&g.wasm)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}\n{}", wasmprinter::print_bytes(&g.wasm).unwrap_or_default()));
        seen.extend(g.shapes);
    }
    let missing: Vec<_> = Shape::ALL.iter().filter(|s| !seen.contains(s)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

#[test]
fn some_memories_are_64_bit_with_offsets_and_addresses_past_4_gib() {
    use wasmparser::{Operator as O, Parser, Payload};
    let (mut modules, mut huge_offsets, mut huge_consts, mut extended_index) = (0, 0, 0, 0);
    for seed in 0..400 {
        let data = bytes(seed, 2048);
        let g = module(&mut Unstructured::new(&data)).unwrap();
        if !g.memory64 {
            continue;
        }
        modules += 1;
        for payload in Parser::new(0).parse_all(&g.wasm) {
            match payload.unwrap() {
                Payload::MemorySection(r) => assert!(r.into_iter().all(|m| m.unwrap().memory64)),
                Payload::CodeSectionEntry(body) => {
                    let mut ops = body.get_operators_reader().unwrap();
                    let mut window: Vec<O<'_>> = Vec::new();
                    while !ops.eof() {
                        let op = ops.read().unwrap();
                        if crate::addresses::memarg(&op).is_some_and(|m| m.offset > u64::from(u32::MAX)) {
                            huge_offsets += 1;
                        }
                        if let O::I64Const { value } = op
                            && (value as u64) >> 32 != 0
                        {
                            huge_consts += 1;
                        }
                        // `(i64.add base (i64.shl (i64.extend_i32_u x) k))`.
                        if matches!(
                            window.as_slice(),
                            [.., O::I64ExtendI32U, O::I64Const { value: 0..=3 }, O::I64Shl, O::I64Add]
                        ) && crate::addresses::memarg(&op).is_some()
                        {
                            extended_index += 1;
                        }
                        window.push(op);
                    }
                }
                _ => {}
            }
        }
    }
    assert!((60..=140).contains(&modules), "{modules} of 400 modules with a 64-bit memory");
    assert!(huge_offsets > 20, "offsets past 2^32 in {huge_offsets} accesses");
    assert!(huge_consts > 20, "i64 constants past 2^32: {huge_consts}");
    assert!(extended_index > 40, "zero-extended shifted indexes: {extended_index}");
}

#[test]
fn same_bytes_same_module() {
    let data = bytes(7, 1024);
    let a = module(&mut Unstructured::new(&data)).unwrap().wasm;
    let b = module(&mut Unstructured::new(&data)).unwrap().wasm;
    assert_eq!(a, b);
}

#[test]
fn threads_modules_share_memory_store_atomically_notify_and_wait() {
    use wasmparser::{Operator as O, Parser, Payload};
    let (mut threads, mut shared) = (0, 0);
    let (mut stores, mut fences, mut notifies, mut waits) = (0, 0, 0, 0);
    for seed in 0..1000 {
        let data = bytes(seed, 2048);
        let g = module(&mut Unstructured::new(&data)).unwrap();
        assert!(g.threads || !g.shared, "a shared memory only with threads");
        threads += usize::from(g.threads);
        shared += usize::from(g.shared);
        for payload in Parser::new(0).parse_all(&g.wasm) {
            match payload.unwrap() {
                Payload::MemorySection(r) => assert!(r.into_iter().all(|m| m.unwrap().shared == g.shared)),
                Payload::CodeSectionEntry(body) => {
                    let mut ops = body.get_operators_reader().unwrap();
                    while !ops.eof() {
                        match ops.read().unwrap() {
                            O::I32AtomicStore { .. }
                            | O::I32AtomicStore8 { .. }
                            | O::I32AtomicStore16 { .. }
                            | O::I64AtomicStore { .. }
                            | O::I64AtomicStore8 { .. }
                            | O::I64AtomicStore16 { .. }
                            | O::I64AtomicStore32 { .. } => stores += 1,
                            O::AtomicFence { .. } => fences += 1,
                            O::MemoryAtomicNotify { .. } => notifies += 1,
                            O::MemoryAtomicWait32 { .. } | O::MemoryAtomicWait64 { .. } => {
                                // Only where it returns: on a shared memory.
                                assert!(g.shared, "seed {seed}: wait on an unshared memory");
                                waits += 1;
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // Both kinds, in numbers (this byte generator draws the half unevenly).
    assert!((threads / 8..=threads * 7 / 8).contains(&shared), "{shared} of {threads} threads modules shared");
    assert!(stores > 20 && fences > 3 && notifies > 5 && waits > 5, "{stores} {fences} {notifies} {waits}");
}
