//! Planted GC and exception-handling bugs: rewrites of a module that make a
//! correct engine behave like one that reads packed fields without sign
//! extension, casts too leniently, corrupts an exception's payload, tries
//! a `try_table`'s catch clauses in the wrong order, or miscounts an array.
//! Function bodies are re-encoded (wasmparser in, wasm-encoder out, through
//! `super::miscompile::rewrite_code`); everything else is copied as is.

use super::Fault;
use super::miscompile::{Context, context, rewrite_code, rewrite_where_valid};
use wasm_encoder::Instruction as I;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{
    AbstractHeapType, Catch, CompositeInnerType, HeapType, Operator as O, Parser, Payload, RefType, TryTable, TypeRef,
    ValType,
};

/// One planted GC or exception-handling bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GcBug {
    /// `struct.get_s` compiled as `struct.get_u`, `array.get_s` as
    /// `array.get_u`: a packed i8/i16 field read without sign extension.
    StructGetSUnsigned,
    /// A cast against a defined struct, array or function type checked
    /// only against its abstract kind (`ref.test (ref null $S)` runs as
    /// `ref.test (ref null struct)`): it succeeds where it must fail.
    /// Planted in every `ref.test`, and in every `ref.cast`, `br_on_cast`
    /// and `br_on_cast_fail` where the module still validates with the
    /// abstract type (their output type changes, so mostly where it only
    /// reaches `drop`, `ref.is_null` or a label of an abstract type).
    CastTooLenient,
    /// `throw $t` whose tag's last parameter is a number or vector throws
    /// it corrupted: the low bit of an i32/i64 flipped, the sign of an
    /// f32/f64 flipped, every bit of a v128 flipped.
    ExceptionPayload,
    /// A `try_table` with two or more catch clauses tries them last to
    /// first: visible where more than one clause matches.
    ExceptionWrongHandler,
    /// `array.len` reports one more than the array's length.
    ArrayLenOffByOne,
}

impl GcBug {
    pub fn name(self) -> &'static str {
        match self {
            GcBug::StructGetSUnsigned => "struct-get-s-unsigned",
            GcBug::CastTooLenient => "cast-too-lenient",
            GcBug::ExceptionPayload => "exception-payload",
            GcBug::ExceptionWrongHandler => "exception-wrong-handler",
            GcBug::ArrayLenOffByOne => "array-len-off-by-one",
        }
    }
}

/// `wasm` with the bug of `fault` planted, when it is one of [`Fault::GC`]
/// and the module has a place for it.
pub fn plant_fault(wasm: &[u8], fault: Fault) -> Option<Vec<u8>> {
    match fault {
        Fault::Gc(bug) => plant(wasm, bug),
        _ => None,
    }
}

/// `wasm` with `bug` planted; `None` when the module has no place for it
/// (or does not parse).
pub fn plant(wasm: &[u8], bug: GcBug) -> Option<Vec<u8>> {
    let ctx = context(wasm)?;
    let types = Types::of(wasm)?;
    match bug {
        GcBug::CastTooLenient => plant_casts(wasm, &ctx, &types),
        _ => rewrite_code(wasm, &ctx, |op, _, _, _| plant_at(bug, op, &types)),
    }
}

/// The defined types and tags of a module.
pub(super) struct Types {
    /// Each defined type, by type index.
    composite: Vec<wasmparser::CompositeType>,
    /// The type index of each tag (imports first).
    tags: Vec<u32>,
}

impl Types {
    pub(super) fn of(wasm: &[u8]) -> Option<Types> {
        let mut types = Types { composite: Vec::new(), tags: Vec::new() };
        for payload in Parser::new(0).parse_all(wasm) {
            match payload.ok()? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        types.composite.extend(group.ok()?.into_types().map(|sub| sub.composite_type));
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if let TypeRef::Tag(t) = import.ok()?.ty {
                            types.tags.push(t.func_type_idx);
                        }
                    }
                }
                Payload::TagSection(reader) => {
                    for t in reader {
                        types.tags.push(t.ok()?.func_type_idx);
                    }
                }
                _ => {}
            }
        }
        Some(types)
    }

    /// The abstract kind of a defined heap type (`$S` → `struct`).
    fn abstract_of(&self, hty: HeapType) -> Option<HeapType> {
        let HeapType::Concrete(index) = hty else { return None };
        let ty = self.composite.get(index.as_module_index()? as usize)?;
        let kind = match ty.inner {
            CompositeInnerType::Struct(_) => AbstractHeapType::Struct,
            CompositeInnerType::Array(_) => AbstractHeapType::Array,
            CompositeInnerType::Func(_) => AbstractHeapType::Func,
            CompositeInnerType::Cont(_) => return None,
        };
        Some(HeapType::Abstract { shared: ty.shared, ty: kind })
    }

    /// The last parameter of tag `tag`.
    fn tag_payload(&self, tag: u32) -> Option<ValType> {
        self.tag_params(tag)?.last().copied()
    }

    /// The parameters of tag `tag` (its payload's types).
    pub(super) fn tag_params(&self, tag: u32) -> Option<Vec<ValType>> {
        let ty = self.composite.get(*self.tags.get(tag as usize)? as usize)?;
        match &ty.inner {
            CompositeInnerType::Func(f) => Some(f.params().to_vec()),
            _ => None,
        }
    }

    /// The index of a function type with `params` and `results`, if the
    /// module defines one.
    pub(super) fn func_type_index(&self, params: &[ValType], results: &[ValType]) -> Option<u32> {
        let index = self.composite.iter().position(|ty| match &ty.inner {
            CompositeInnerType::Func(f) => f.params() == params && f.results() == results,
            _ => false,
        })?;
        u32::try_from(index).ok()
    }
}

/// The instructions that replace `op` when `bug` (other than the casts)
/// applies there.
fn plant_at(bug: GcBug, op: &O<'_>, types: &Types) -> Option<Vec<I<'static>>> {
    let mut planted: Vec<I<'static>> = Vec::new();
    let replaced: O<'static> = match (bug, op) {
        (GcBug::StructGetSUnsigned, O::StructGetS { struct_type_index, field_index }) => {
            O::StructGetU { struct_type_index: *struct_type_index, field_index: *field_index }
        }
        (GcBug::StructGetSUnsigned, O::ArrayGetS { array_type_index }) => {
            O::ArrayGetU { array_type_index: *array_type_index }
        }
        (GcBug::ArrayLenOffByOne, O::ArrayLen) => {
            return Some(vec![I::ArrayLen, I::I32Const(1), I::I32Add]);
        }
        (GcBug::ExceptionPayload, O::Throw { tag_index }) => {
            planted.extend(match types.tag_payload(*tag_index)? {
                ValType::I32 => vec![I::I32Const(1), I::I32Xor],
                ValType::I64 => vec![I::I64Const(1), I::I64Xor],
                ValType::F32 => vec![I::F32Neg],
                ValType::F64 => vec![I::F64Neg],
                ValType::V128 => vec![I::V128Not],
                ValType::Ref(_) => return None,
            });
            O::Throw { tag_index: *tag_index }
        }
        (GcBug::ExceptionWrongHandler, O::TryTable { try_table }) => {
            let catches: Vec<Catch> = try_table.catches.iter().rev().copied().collect();
            if catches == try_table.catches {
                return None;
            }
            O::TryTable { try_table: TryTable { ty: try_table.ty, catches } }
        }
        _ => return None,
    };
    planted.push(RoundtripReencoder.instruction(replaced).ok()?);
    Some(planted)
}

/// The cast `op` against the abstract kind of its defined target type.
fn lenient_cast(op: &O<'_>, types: &Types) -> Option<O<'static>> {
    let lenient_ref = |rt: &RefType| RefType::new(rt.is_nullable(), types.abstract_of(rt.heap_type())?);
    Some(match op {
        O::RefTestNonNull { hty } => O::RefTestNonNull { hty: types.abstract_of(*hty)? },
        O::RefTestNullable { hty } => O::RefTestNullable { hty: types.abstract_of(*hty)? },
        O::RefCastNonNull { hty } => O::RefCastNonNull { hty: types.abstract_of(*hty)? },
        O::RefCastNullable { hty } => O::RefCastNullable { hty: types.abstract_of(*hty)? },
        O::BrOnCast { relative_depth, from_ref_type, to_ref_type } => O::BrOnCast {
            relative_depth: *relative_depth,
            from_ref_type: *from_ref_type,
            to_ref_type: lenient_ref(to_ref_type)?,
        },
        O::BrOnCastFail { relative_depth, from_ref_type, to_ref_type } => O::BrOnCastFail {
            relative_depth: *relative_depth,
            from_ref_type: *from_ref_type,
            to_ref_type: lenient_ref(to_ref_type)?,
        },
        _ => return None,
    })
}

/// `wasm` with the casts made lenient, each where the module still
/// validates ([`rewrite_where_valid`]).
fn plant_casts(wasm: &[u8], ctx: &Context, types: &Types) -> Option<Vec<u8>> {
    rewrite_where_valid(wasm, ctx, |op, _| Some(vec![RoundtripReencoder.instruction(lenient_cast(op, types)?).ok()?]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selftest::Faulty;
    use crosscheck_oracles::{CallOutcome, Val, registry};

    /// Each export's outcome on the reference interpreter, with `bug`
    /// planted (through the faulty engine) or not.
    fn run(wasm: &[u8], exports: &[&str], bug: Option<GcBug>) -> Vec<CallOutcome> {
        let mut engine = registry::create("reference").expect("the reference interpreter");
        if let Some(bug) = bug {
            engine = Box::new(Faulty::new(engine, Fault::Gc(bug)));
        }
        let mut instance = engine.instantiate(wasm).expect("instantiates");
        exports.iter().map(|e| instance.call(e, &[])).collect()
    }

    fn returned(v: Val) -> CallOutcome {
        CallOutcome::Returned(vec![v])
    }

    /// `bug` is planted in `text`, the planted module validates, and each
    /// export returns `(export, without the bug, with it)`.
    fn planted_changes(bug: GcBug, text: &str, expected: &[(&str, CallOutcome, CallOutcome)]) {
        let wasm = wat::parse_str(text).unwrap();
        let planted = plant(&wasm, bug).unwrap_or_else(|| panic!("{bug:?} found no place"));
        let features = wasmparser::WasmFeatures::all();
        wasmparser::Validator::new_with_features(features)
            .validate_all(&planted)
            .expect("the planted module validates");
        let exports: Vec<&str> = expected.iter().map(|(e, _, _)| *e).collect();
        let (before, after) = (run(&wasm, &exports, None), run(&wasm, &exports, Some(bug)));
        for (i, (export, want_before, want_after)) in expected.iter().enumerate() {
            assert_eq!(&before[i], want_before, "{export} without {bug:?}");
            assert_eq!(&after[i], want_after, "{export} with {bug:?}");
        }
    }

    /// `bug` finds no place in `text`, and the faulty engine's outcomes
    /// are the reference's.
    fn no_place(bug: GcBug, text: &str, exports: &[&str]) {
        let wasm = wat::parse_str(text).unwrap();
        assert!(plant(&wasm, bug).is_none(), "{bug:?} planted without its instruction");
        assert_eq!(run(&wasm, exports, None), run(&wasm, exports, Some(bug)));
    }

    #[test]
    fn struct_get_s_reads_packed_fields_unsigned() {
        let m = r#"(module
            (type $S (struct (field i8) (field i16)))
            (type $A (array (mut i16)))
            (func (export "field8") (result i32) (struct.get_s $S 0 (struct.new $S (i32.const 0x80) (i32.const 0))))
            (func (export "field16") (result i32) (struct.get_s $S 1 (struct.new $S (i32.const 0) (i32.const -2))))
            (func (export "elem16") (result i32)
              (array.get_s $A (array.new $A (i32.const 0x8001) (i32.const 2)) (i32.const 1)))
            (func (export "get_u") (result i32) (struct.get_u $S 0 (struct.new $S (i32.const 0x80) (i32.const 0)))))"#;
        let r = |x: u32| returned(Val::I32(x));
        planted_changes(
            GcBug::StructGetSUnsigned,
            m,
            &[
                ("field8", r(0xffff_ff80), r(0x80)),
                ("field16", r(0xffff_fffe), r(0xfffe)),
                ("elem16", r(0xffff_8001), r(0x8001)),
                ("get_u", r(0x80), r(0x80)),
            ],
        );
        no_place(
            GcBug::StructGetSUnsigned,
            r#"(module (type $S (struct (field i8)))
                (func (export "f") (result i32) (struct.get_u $S 0 (struct.new $S (i32.const -1)))))"#,
            &["f"],
        );
    }

    #[test]
    fn casts_succeed_against_the_abstract_kind_where_still_valid() {
        let m = r#"(module
            (type $S (struct (field i32)))
            (type $T (struct (field i64)))
            (type $A (array i8))
            (type $B (array i32))
            (func (export "test") (result i32) (ref.test (ref $S) (struct.new $T (i64.const 1))))
            (func (export "test_array") (result i32) (ref.test (ref null $A) (array.new_default $B (i32.const 1))))
            (func (export "cast_dropped") (result i32)
              (ref.is_null (ref.cast (ref null $S) (struct.new $T (i64.const 1)))))
            (func (export "cast_used") (result i32) (struct.get $S 0 (ref.cast (ref $S) (struct.new $S (i32.const 9)))))
            (func (export "br_on_cast") (result i32)
              (drop (block $l (result structref)
                (br_on_cast $l anyref (ref $S) (struct.new $T (i64.const 1)))
                (drop)
                (return (i32.const 0))))
              (i32.const 1))
            (func (export "br_on_cast_fail") (result i32)
              (drop (block $l (result anyref)
                (br_on_cast_fail $l anyref (ref $S) (struct.new $T (i64.const 1)))
                (drop)
                (return (i32.const 1))))
              (i32.const 0)))"#;
        let r = |x: u32| returned(Val::I32(x));
        let cast_trap = run(&wat::parse_str(m).unwrap(), &["cast_dropped"], None).remove(0);
        assert!(matches!(cast_trap, CallOutcome::Trapped(_)), "a failing ref.cast traps: {cast_trap:?}");
        planted_changes(
            GcBug::CastTooLenient,
            m,
            &[
                ("test", r(0), r(1)),
                ("test_array", r(0), r(1)),
                ("cast_dropped", cast_trap, r(0)),
                // Its result reaches `struct.get $S`: not planted there.
                ("cast_used", r(9), r(9)),
                ("br_on_cast", r(0), r(1)),
                ("br_on_cast_fail", r(0), r(1)),
            ],
        );
        no_place(
            GcBug::CastTooLenient,
            r#"(module (type $S (struct))
                (func (export "f") (result i32) (ref.test (ref struct) (struct.new $S)))
                (func (export "g") (result i32) (ref.test (ref i31) (struct.new $S))))"#,
            &["f", "g"],
        );
        // An invalid module: no cast is planted.
        let invalid = r#"(module (type $S (struct (field i32))) (type $T (struct))
            (func (result i32) (ref.test (ref $S) (struct.new $T))) (func (result i32)))"#;
        let wasm = wat::parse_str(invalid).unwrap();
        assert!(plant(&wasm, GcBug::CastTooLenient).is_none());
    }

    #[test]
    fn thrown_payloads_are_corrupted() {
        let m = r#"(module
            (tag $i (param i32))
            (tag $l (param f64 i64))
            (tag $f (param f32))
            (tag $r (param externref))
            (func (export "i32") (result i32)
              (block $h (result i32) (try_table (catch $i $h) (throw $i (i32.const 42))) (i32.const -1)))
            (func (export "i64") (result i64) (local $x i64)
              (block $h (result f64 i64) (try_table (catch $l $h) (throw $l (f64.const 1) (i64.const 8))) (unreachable))
              (local.set $x) (drop) (local.get $x))
            (func (export "f32") (result f32)
              (block $h (result f32) (try_table (catch $f $h) (throw $f (f32.const 1.5))) (unreachable)))
            (func (export "ref") (result i32)
              (block $h (result externref) (try_table (catch $r $h) (throw $r (ref.null extern))) (unreachable))
              (ref.is_null)))"#;
        planted_changes(
            GcBug::ExceptionPayload,
            m,
            &[
                ("i32", returned(Val::I32(42)), returned(Val::I32(43))),
                ("i64", returned(Val::I64(8)), returned(Val::I64(9))),
                ("f32", returned(Val::F32(1.5f32.to_bits())), returned(Val::F32((-1.5f32).to_bits()))),
                ("ref", returned(Val::I32(1)), returned(Val::I32(1))),
            ],
        );
        no_place(
            GcBug::ExceptionPayload,
            r#"(module (tag $r (param externref)) (tag $n)
                (func (export "f") (result i32)
                  (block $h (result externref) (try_table (catch $r $h) (throw $r (ref.null extern))) (unreachable))
                  (ref.is_null))
                (func (export "g") (result i32) (block $h (try_table (catch $n $h) (throw $n))) (i32.const 3)))"#,
            &["f", "g"],
        );
    }

    #[test]
    fn catch_clauses_are_tried_last_to_first() {
        let m = r#"(module
            (tag $e (param i32))
            (func (export "which") (result i32)
              (block $all
                (return (block $one (result i32)
                  (try_table (catch $e $one) (catch_all $all) (throw $e (i32.const 7)))
                  (i32.const 0))))
              (i32.const 100))
            (func (export "single") (result i32)
              (block $one (result i32) (try_table (catch $e $one) (throw $e (i32.const 7))) (i32.const 0))))"#;
        let r = |x: u32| returned(Val::I32(x));
        planted_changes(GcBug::ExceptionWrongHandler, m, &[("which", r(7), r(100)), ("single", r(7), r(7))]);
        no_place(
            GcBug::ExceptionWrongHandler,
            r#"(module (tag $e (param i32))
                (func (export "f") (result i32)
                  (block $one (result i32) (try_table (catch $e $one) (throw $e (i32.const 7))) (i32.const 0))))"#,
            &["f"],
        );
    }

    #[test]
    fn array_len_is_one_more() {
        let m = r#"(module (type $A (array i32))
            (func (export "len") (result i32) (array.len (array.new_default $A (i32.const 5))))
            (func (export "empty") (result i32) (array.len (array.new_fixed $A 0))))"#;
        let r = |x: u32| returned(Val::I32(x));
        planted_changes(GcBug::ArrayLenOffByOne, m, &[("len", r(5), r(6)), ("empty", r(0), r(1))]);
        no_place(
            GcBug::ArrayLenOffByOne,
            r#"(module (type $A (array i32))
                (func (export "f") (result i32) (array.get $A (array.new_default $A (i32.const 5)) (i32.const 4))))"#,
            &["f"],
        );
    }

    #[test]
    fn no_bug_applies_to_a_module_without_gc_or_exceptions() {
        let plain = wat::parse_str(
            "(module (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))",
        )
        .unwrap();
        for fault in Fault::GC {
            assert!(plant_fault(&plain, *fault).is_none(), "{fault:?}");
            assert!(plant_fault(b"\0asm\x01\0\0\0\x0a\xff", *fault).is_none(), "{fault:?} on a truncated module");
            assert_eq!(Fault::from_name(fault.name()), Some(*fault));
        }
        assert!(plant_fault(&plain, Fault::WideLoad).is_none());
    }
}
