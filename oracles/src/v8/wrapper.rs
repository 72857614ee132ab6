//! Wrapper modules (built with wasm-encoder) through which V8 runs a
//! function or reads globals without a single value passing through a JS
//! number, and the slot codec for the bytes they exchange.
//!
//! A call wrapper imports the function under test as `m.f` and exports
//! `run` and `mem`: `run` loads each argument from its 16-byte slot of
//! `mem`, calls `f`, and stores each result into the following slots. Loads
//! and stores are bit-exact, so NaN payloads, `-0.0`, i64 and v128 cross
//! unchanged. A reference slot holds a non-null flag (`u32`) and, for
//! `externref`, the host payload `N` of `ref.extern N` (`m.ext` makes the
//! host value from `N`, `m.unext` reads it back; -1 when unknown).
//!
//! A globals wrapper imports globals `g.0`, `g.1`, ... (exact type and
//! mutability) and `run` stores each into its slot.

use crate::value::ValType;
use crate::wast_session::WastVal;
use wasm_encoder::{
    BlockType, CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalType, HeapType,
    ImportSection, InstructionSink, MemArg, MemorySection, MemoryType, Module, TypeSection, ValType as W,
};

/// Bytes per argument, result or global slot.
pub const SLOT: usize = 16;

pub(super) fn wasm_type(t: ValType) -> W {
    match t {
        ValType::I32 => W::I32,
        ValType::I64 => W::I64,
        ValType::F32 => W::F32,
        ValType::F64 => W::F64,
        ValType::V128 => W::V128,
        ValType::FuncRef => W::FUNCREF,
        ValType::ExternRef => W::EXTERNREF,
    }
}

pub(super) fn mem_arg(slot: usize, extra: u64) -> MemArg {
    MemArg { offset: (slot * SLOT) as u64 + extra, align: 0, memory_index: 0 }
}

fn pages(slots: usize) -> u64 {
    ((slots * SLOT) as u64).div_ceil(65536).max(1)
}

// Type indices shared by both wrappers.
const T_RUN: u32 = 0;
const T_EXT: u32 = 1;
const T_UNEXT: u32 = 2;

fn common_types(types: &mut TypeSection) {
    types.ty().function([], []);
    types.ty().function([W::I32], [W::EXTERNREF]);
    types.ty().function([W::EXTERNREF], [W::I32]);
}

/// The wrapper module: `types`, `imports`, then `run` (of type `run_type`,
/// function `run_index`) and a memory of `slots` slots, both exported.
pub(super) fn finish(
    types: TypeSection,
    imports: ImportSection,
    run_type: u32,
    run_index: u32,
    slots: usize,
    body: Function,
) -> Vec<u8> {
    let mut funcs = FunctionSection::new();
    funcs.function(run_type);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: pages(slots),
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, run_index);
    exports.export("mem", ExportKind::Memory, 0);
    let mut code = CodeSection::new();
    code.function(&body);
    let mut module = Module::new();
    module.section(&types).section(&imports).section(&funcs).section(&memories).section(&exports).section(&code);
    module.finish()
}

/// Stores number local `local` of type `t` into `slot`.
pub(super) fn store_num(s: &mut InstructionSink<'_>, t: ValType, local: u32, slot: usize) {
    s.i32_const(0).local_get(local);
    match t {
        ValType::I32 => s.i32_store(mem_arg(slot, 0)),
        ValType::I64 => s.i64_store(mem_arg(slot, 0)),
        ValType::F32 => s.f32_store(mem_arg(slot, 0)),
        ValType::F64 => s.f64_store(mem_arg(slot, 0)),
        ValType::V128 => s.v128_store(mem_arg(slot, 0)),
        // References: their non-null flag.
        ValType::FuncRef | ValType::ExternRef => s.ref_is_null().i32_eqz().i32_store(mem_arg(slot, 0)),
    };
}

/// Pushes the number in `slot` (a null for a reference type).
pub(super) fn load_num(s: &mut InstructionSink<'_>, t: ValType, slot: usize) {
    match t {
        ValType::I32 => s.i32_const(0).i32_load(mem_arg(slot, 0)),
        ValType::I64 => s.i32_const(0).i64_load(mem_arg(slot, 0)),
        ValType::F32 => s.i32_const(0).f32_load(mem_arg(slot, 0)),
        ValType::F64 => s.i32_const(0).f64_load(mem_arg(slot, 0)),
        ValType::V128 => s.i32_const(0).v128_load(mem_arg(slot, 0)),
        ValType::FuncRef => s.ref_null(HeapType::FUNC),
        ValType::ExternRef => s.ref_null(HeapType::EXTERN),
    };
}

/// Stores local `local` of type `t` into `slot` (an externref's payload
/// read with function `unext`).
fn store_local(f: &mut Function, t: ValType, local: u32, slot: usize, unext: u32) {
    let mut s = f.instructions();
    store_num(&mut s, t, local, slot);
    if t == ValType::ExternRef {
        s.i32_const(0).local_get(local).call(unext).i32_store(mem_arg(slot, 4));
    }
}

/// The wrapper that calls a function of type `params -> results`.
pub fn call_wrapper(params: &[ValType], results: &[ValType]) -> Vec<u8> {
    const T_F: u32 = 3;
    let (f_index, ext, unext, run_index) = (0, 1, 2, 3);
    let mut types = TypeSection::new();
    common_types(&mut types);
    types.ty().function(params.iter().map(|t| wasm_type(*t)), results.iter().map(|t| wasm_type(*t)));
    let mut imports = ImportSection::new();
    imports.import("m", "f", EntityType::Function(T_F));
    imports.import("m", "ext", EntityType::Function(T_EXT));
    imports.import("m", "unext", EntityType::Function(T_UNEXT));

    let locals: Vec<(u32, W)> = results.iter().map(|t| (1, wasm_type(*t))).collect();
    let mut f = Function::new(locals);
    for (slot, t) in params.iter().enumerate() {
        let mut s = f.instructions();
        match t {
            ValType::ExternRef => s
                .i32_const(0)
                .i32_load(mem_arg(slot, 0))
                .if_(BlockType::Result(W::EXTERNREF))
                .i32_const(0)
                .i32_load(mem_arg(slot, 4))
                .call(ext)
                .else_()
                .ref_null(HeapType::EXTERN)
                .end(),
            // Only null function references can be passed.
            _ => {
                load_num(&mut s, *t, slot);
                &mut s
            }
        };
    }
    f.instructions().call(f_index);
    for i in (0..results.len()).rev() {
        f.instructions().local_set(i as u32);
    }
    for (i, t) in results.iter().enumerate() {
        store_local(&mut f, *t, i as u32, params.len() + i, unext);
    }
    f.instructions().end();
    finish(types, imports, T_RUN, run_index, params.len() + results.len(), f)
}

/// The wrapper that reads globals of the given types and mutability.
pub fn globals_wrapper(globals: &[(ValType, bool)]) -> Vec<u8> {
    let mut types = TypeSection::new();
    common_types(&mut types);
    let mut imports = ImportSection::new();
    // Function imports come first in the index space: ext 0, unext 1.
    imports.import("m", "ext", EntityType::Function(T_EXT));
    imports.import("m", "unext", EntityType::Function(T_UNEXT));
    for (i, (t, mutable)) in globals.iter().enumerate() {
        let ty = GlobalType { val_type: wasm_type(*t), mutable: *mutable, shared: false };
        imports.import("g", &i.to_string(), EntityType::Global(ty));
    }
    let locals: Vec<(u32, W)> = globals.iter().map(|(t, _)| (1, wasm_type(*t))).collect();
    let mut f = Function::new(locals);
    for (i, (t, _)) in globals.iter().enumerate() {
        f.instructions().global_get(i as u32).local_set(i as u32);
        store_local(&mut f, *t, i as u32, i, 1);
    }
    f.instructions().end();
    finish(types, imports, T_RUN, 2, globals.len(), f)
}

/// The argument slots for `args`; `None` for a value no wrapper can pass
/// (a non-null function reference).
pub fn encode_slots(args: &[WastVal]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; args.len() * SLOT];
    for (a, slot) in args.iter().zip(out.chunks_exact_mut(SLOT)) {
        match *a {
            WastVal::I32(x) | WastVal::F32(x) => slot[..4].copy_from_slice(&x.to_le_bytes()),
            WastVal::I64(x) | WastVal::F64(x) => slot[..8].copy_from_slice(&x.to_le_bytes()),
            WastVal::V128(x) => slot.copy_from_slice(&x.to_le_bytes()),
            WastVal::FuncRef { null: true } | WastVal::ExternRef(None) => {}
            WastVal::FuncRef { null: false } | WastVal::ExternAny(_) | WastVal::AnyRef(_) | WastVal::ExnRef { .. } => {
                return None;
            }
            WastVal::ExternRef(Some(n)) => {
                slot[..4].copy_from_slice(&1u32.to_le_bytes());
                slot[4..8].copy_from_slice(&n.to_le_bytes());
            }
        }
    }
    Some(out)
}

/// Decodes values of `types` from consecutive slots; `None` when the
/// bytes are too short.
pub fn decode_slots(types: &[ValType], bytes: &[u8]) -> Option<Vec<WastVal>> {
    if bytes.len() < types.len() * SLOT {
        return None;
    }
    let vals = types
        .iter()
        .zip(bytes.chunks_exact(SLOT))
        .map(|(t, s)| {
            let u32_at = |o: usize| u32::from_le_bytes([s[o], s[o + 1], s[o + 2], s[o + 3]]);
            let u64_at = || u64::from(u32_at(0)) | (u64::from(u32_at(4)) << 32);
            match t {
                ValType::I32 => WastVal::I32(u32_at(0)),
                ValType::F32 => WastVal::F32(u32_at(0)),
                ValType::I64 => WastVal::I64(u64_at()),
                ValType::F64 => WastVal::F64(u64_at()),
                ValType::V128 => {
                    let mut b = [0u8; 16];
                    b.copy_from_slice(s);
                    WastVal::V128(u128::from_le_bytes(b))
                }
                ValType::FuncRef => WastVal::FuncRef { null: u32_at(0) == 0 },
                ValType::ExternRef => WastVal::ExternRef((u32_at(0) != 0).then(|| u32_at(4))),
            }
        })
        .collect();
    Some(vals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_validate_for_every_type() {
        let all = [
            ValType::I32,
            ValType::I64,
            ValType::F32,
            ValType::F64,
            ValType::V128,
            ValType::FuncRef,
            ValType::ExternRef,
        ];
        let features = wasmparser::WasmFeatures::all();
        for w in [call_wrapper(&all, &all), call_wrapper(&[], &[]), globals_wrapper(&all.map(|t| (t, true)))] {
            wasmparser::Validator::new_with_features(features).validate_all(&w).unwrap();
        }
    }

    #[test]
    fn slots_round_trip_bits() {
        let vals = [
            WastVal::F32(0x7fa0_0001),
            WastVal::F64(0x8000_0000_0000_0000),
            WastVal::I64(u64::MAX - 1),
            WastVal::V128(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10),
            WastVal::ExternRef(Some(7)),
            WastVal::ExternRef(None),
            WastVal::FuncRef { null: true },
        ];
        let types: Vec<ValType> = vals.iter().map(|v| v.to_val().ty()).collect();
        let bytes = encode_slots(&vals).unwrap();
        assert_eq!(decode_slots(&types, &bytes).unwrap(), vals);
        assert!(encode_slots(&[WastVal::FuncRef { null: false }]).is_none());
    }
}
