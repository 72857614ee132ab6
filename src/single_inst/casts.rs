//! The operands and target types of `ref.test` and `ref.cast`: a few
//! defined struct and array types whose relations are where engines get
//! casts wrong, objects of each made from two i32 parameters, what a
//! cast's result is read back as, and which types the spec says each
//! value has (the exact judge's model, used by [`super::refs::expected`]).
//!
//! The types ([`declarations`]) put each canonicalization and subtyping
//! rule of the spec's iso-recursive type system within one cast's reach:
//!
//! | type | what it is | the edge |
//! | --- | --- | --- |
//! | `$s0` | `(sub (struct (field i32)))`, its own rec group | the base |
//! | `$s0dup` | the same definition in a rec group of its own | the same type as `$s0`: casts to either pass for both |
//! | `$s1` | a subtype of `$s0` with a second field (`i64`) | passes casts to `$s0` (and `$s0dup`), not the reverse |
//! | `$sf` | `(struct (field i32))`: final, no supertype | reads like `$s0` but is not it |
//! | `$r0`, `$r1` | `$s0`'s definition, and a subtype of it, in one rec group of two | a type's rec group is part of it: neither is `$s0` |
//! | `$a` | `(array (mut i32))` | arrays |
//! | `$ai` | `(array i32)` | differs from `$a` in mutability only |
//!
//! An operand is made from `(value, kind)`: kind 0 is `ref.i31 value` and
//! kind 1 is null, as for the other reference instructions (so modules of
//! the earlier operands, with kinds 0 and 1 only, read the same); any
//! other kind `k` is a new object of the type [`OBJECTS`]`[(k - 2) & 7]`
//! holding `value` (its first field, or its one element).
//!
//! Casts in the `func` hierarchy (target `func`, `nofunc` or a defined
//! function type, [`is_func`]) take a `funcref` instead, made from the
//! same `(value, kind)`: kind 1 is null, any other kind `k` a function of
//! the type [`FUNC_OBJECTS`]`[(k - 2) & 3]` ([`func_declarations`]):
//!
//! | type | what it is | the edge |
//! | --- | --- | --- |
//! | `$f0` | `(sub (func (result i32)))` | the base |
//! | `$f1` | a subtype of `$f0` of the same signature | passes casts to `$f0`, not the reverse |
//! | `$ff` | `(func (result i32))`: final, no supertype | the same signature, not `$f0` |
//! | `$g` | `(func (param i32) (result i32))` | another signature |
//!
//! Each type has two functions, `value`'s low bit picks one; a function
//! reads back as its type's tag and the constant it returns.

/// The struct and array types the module declares for `ref.test` and
/// `ref.cast` (see the module's documentation), and `$read`, which reads
/// a cast's result back ([`observe_text`]): one function that each
/// function running the instruction calls, not its code in each of them
/// (the dispatcher `k` has an arm per tuple).
pub fn declarations() -> String {
    format!(
        "  (type $s0 (sub (struct (field i32))))
  (rec (type $s0dup (sub (struct (field i32)))))
  (type $s1 (sub $s0 (struct (field i32) (field i64))))
  (type $sf (struct (field i32)))
  (rec (type $r0 (sub (struct (field i32)))) (type $r1 (sub $r0 (struct (field i32) (field i32)))))
  (type $a (array (mut i32)))
  (type $ai (array i32))
  (func $read (param $r anyref) (result i32 i32 i32)
    {})
",
        observe_text()
    )
}

/// The type of each kind of object (kind `k` ≥ 2 makes `OBJECTS[(k - 2) & 7]`).
pub const OBJECTS: [&str; 8] = ["$s0", "$s0dup", "$s1", "$sf", "$r0", "$r1", "$a", "$ai"];

/// The types an object is read back as by [`observe_text`], most derived
/// first, and its tag: the position here plus 2 (1 is an i31; a null, or
/// anything else, reads 0). `$s0dup` is `$s0`, so has no tag of its own.
const READ_AS: [&str; 7] = ["$s1", "$s0", "$sf", "$r1", "$r0", "$a", "$ai"];

/// The heap types `ref.test` and `ref.cast` test against
/// ([`super::catalog::Immediates::Cast`]): the `any` hierarchy's abstract
/// types, then the defined types of [`declarations`], then the `func`
/// hierarchy's (from [`FIRST_FUNC_HEAP`]). Types are only ever appended:
/// the indices of the earlier ones stay.
pub const CAST_HEAPS: &[&str] = &[
    "any", "eq", "i31", "struct", "array", "none", "$s0", "$s0dup", "$s1", "$sf", "$r0", "$r1", "$a", "$ai", "func",
    "nofunc", "$f0", "$f1", "$ff", "$g",
];

/// Where the `func` hierarchy starts in [`CAST_HEAPS`].
pub const FIRST_FUNC_HEAP: u8 = 14;

/// Whether the heap type at `heap` in [`CAST_HEAPS`] is of the `func`
/// hierarchy (its operand a `funcref`, [`func_make_text`]).
pub fn is_func(heap: u8) -> bool {
    heap >= FIRST_FUNC_HEAP
}

/// The type of each kind of function (kind `k` ≠ 1 makes one of
/// `FUNC_OBJECTS[(k - 2) & 3]`).
pub const FUNC_OBJECTS: [&str; 4] = ["$f0", "$f1", "$ff", "$g"];

/// The types a function is read back as by `$readf`, most derived first;
/// its tag is the position here plus 2.
const READ_AS_FUNC: [&str; 4] = ["$f1", "$f0", "$ff", "$g"];

/// The constant the function of `FUNC_OBJECTS[ty]` picked by `bit`
/// returns.
pub fn func_constant(ty: usize, bit: u32) -> u32 {
    0x5000 + 0x10 * ty as u32 + (bit & 1)
}

/// The function types and functions of the `func` hierarchy's casts (see
/// the module's documentation), and `$readf`, which reads a `funcref`
/// back as three i32s like `$read`: null bit, tag, and the constant the
/// function returns (a `$g` called with 0).
pub fn func_declarations() -> String {
    let mut s = String::from(
        "  (type $f0 (sub (func (result i32))))
  (type $f1 (sub $f0 (func (result i32))))
  (type $ff (func (result i32)))
  (type $g (func (param i32) (result i32)))
",
    );
    let mut names = Vec::new();
    for (t, ty) in FUNC_OBJECTS.iter().enumerate() {
        for bit in 0..2 {
            let name = format!("{ty}_{bit}");
            s.push_str(&format!("  (func {name} (type {ty}) i32.const {})\n", func_constant(t, bit)));
            names.push(name);
        }
    }
    s.push_str(&format!("  (elem declare func {})\n", names.join(" ")));
    s.push_str("  (func $readf (param $r funcref) (result i32 i32 i32)\n    local.get $r ref.is_null ");
    for (tag, ty) in READ_AS_FUNC.iter().enumerate() {
        let args = if *ty == "$g" { "i32.const 0 " } else { "" };
        let els = if tag == 0 { "" } else { "else " };
        s.push_str(&format!(
            "{els}local.get $r ref.test (ref {ty}) if (result i32 i32) i32.const {} {args}local.get $r ref.cast (ref {ty}) call_ref {ty} ",
            tag + 2
        ));
    }
    s.push_str("else i32.const 0 i32.const -1 ");
    s.push_str(&"end ".repeat(READ_AS_FUNC.len()));
    s.pop();
    s.push_str(")\n");
    s
}

/// Code that leaves the `funcref` made from the i32 locals `$p{value}` and
/// `$p{kind}`.
pub fn func_make_text(value: usize, kind: usize) -> String {
    let mut s =
        format!("block $made (result funcref) local.get $p{kind} i32.const 1 i32.eq if ref.null func br $made end ");
    let labels: Vec<String> = (0..FUNC_OBJECTS.len()).map(|i| format!("$o{i}")).collect();
    for label in labels.iter().rev() {
        s.push_str(&format!("block {label} "));
    }
    s.push_str(&format!("local.get $p{kind} i32.const 2 i32.sub i32.const 3 i32.and br_table {} ", labels.join(" ")));
    for ty in FUNC_OBJECTS {
        s.push_str(&format!(
            "end local.get $p{value} i32.const 1 i32.and if (result funcref) ref.func {ty}_1 else ref.func {ty}_0 end br $made "
        ));
    }
    s.push_str("end");
    s
}

/// `ref.test`'s and `ref.cast`'s reference type in the text format.
pub fn cast_type(heap: u8, nullable: bool) -> String {
    let heap = CAST_HEAPS.get(heap as usize).copied().unwrap_or("?");
    if nullable { format!("(ref null {heap})") } else { format!("(ref {heap})") }
}

/// Whether the heap type at `heap` in [`CAST_HEAPS`] is a defined type,
/// which needs [`declarations`] in the module.
pub fn is_defined(heap: u8) -> bool {
    CAST_HEAPS.get(heap as usize).is_some_and(|h| h.starts_with('$'))
}

/// Code that leaves the `anyref` made from the i32 locals `$p{value}` and
/// `$p{kind}`.
pub fn make_text(value: usize, kind: usize) -> String {
    let v = format!("local.get $p{value}");
    let mut s = format!(
        "block $made (result anyref) local.get $p{kind} i32.eqz if {v} ref.i31 br $made end \
         local.get $p{kind} i32.const 1 i32.eq if ref.null any br $made end "
    );
    let labels: Vec<String> = (0..OBJECTS.len()).map(|i| format!("$o{i}")).collect();
    for label in labels.iter().rev() {
        s.push_str(&format!("block {label} "));
    }
    s.push_str(&format!("local.get $p{kind} i32.const 2 i32.sub i32.const 7 i32.and br_table {} ", labels.join(" ")));
    for ty in OBJECTS {
        let new = match ty {
            "$s1" => format!("{v} {v} i64.extend_i32_s struct.new $s1"),
            "$r1" => format!("{v} {v} i32.const -1 i32.xor struct.new $r1"),
            "$a" | "$ai" => format!("{v} array.new_fixed {ty} 1"),
            _ => format!("{v} struct.new {ty}"),
        };
        s.push_str(&format!("end {new} br $made "));
    }
    s.push_str("end");
    s
}

/// Code that reads the `anyref` in `$r` (`$read`'s parameter) as three
/// i32s: whether it
/// is null, its tag (1 an i31, 2 and up an object of the type at that
/// position less 2 in the read-back order, 0 otherwise), and its i31
/// value or first field or element (-1 when it has none).
fn observe_text() -> String {
    let mut s = String::from(
        "local.get $r ref.is_null \
         local.get $r ref.test (ref i31) if (result i32 i32) i32.const 1 local.get $r ref.cast (ref i31) i31.get_u ",
    );
    for (tag, ty) in READ_AS.iter().enumerate() {
        let read =
            if ty.starts_with("$a") { format!("i32.const 0 array.get {ty}") } else { format!("struct.get {ty} 0") };
        s.push_str(&format!(
            "else local.get $r ref.test (ref {ty}) if (result i32 i32) i32.const {} local.get $r ref.cast (ref {ty}) {read} ",
            tag + 2
        ));
    }
    s.push_str("else i32.const 0 i32.const -1 ");
    s.push_str(&"end ".repeat(READ_AS.len() + 1));
    s.pop();
    s
}

/// A value of the `any` or `func` hierarchy as the spec lets a program
/// tell it apart: null, an i31 and its 31 bits, an object of a type of
/// [`OBJECTS`] (`$s0dup`'s are `$s0`'s: one type) and its first field or
/// element, a function of a type of [`FUNC_OBJECTS`] and the constant it
/// returns (as an `Object` of that type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyValue {
    Null,
    I31(u32),
    Object { ty: &'static str, field: u32 },
}

/// The value the module makes from `(value, kind)` ([`make_text`]).
pub fn made(value: u32, kind: u32) -> AnyValue {
    match kind {
        0 => AnyValue::I31(value & 0x7fff_ffff),
        1 => AnyValue::Null,
        k => {
            let ty = OBJECTS[(k.wrapping_sub(2) & 7) as usize];
            AnyValue::Object { ty: if ty == "$s0dup" { "$s0" } else { ty }, field: value }
        }
    }
}

/// The `funcref` the module makes from `(value, kind)`
/// ([`func_make_text`]).
pub fn made_func(value: u32, kind: u32) -> AnyValue {
    if kind == 1 {
        return AnyValue::Null;
    }
    let t = (kind.wrapping_sub(2) & 3) as usize;
    AnyValue::Object { ty: FUNC_OBJECTS[t], field: func_constant(t, value) }
}

/// The heap types (abstract and defined, by their names in
/// [`CAST_HEAPS`]) a non-null value is of: its own and every supertype's.
fn heap_types_of(v: AnyValue) -> &'static [&'static str] {
    match v {
        AnyValue::Null => &[],
        AnyValue::I31(_) => &["any", "eq", "i31"],
        AnyValue::Object { ty, .. } => match ty {
            "$s0" => &["any", "eq", "struct", "$s0", "$s0dup"],
            "$s1" => &["any", "eq", "struct", "$s0", "$s0dup", "$s1"],
            "$sf" => &["any", "eq", "struct", "$sf"],
            "$r0" => &["any", "eq", "struct", "$r0"],
            "$r1" => &["any", "eq", "struct", "$r0", "$r1"],
            "$a" => &["any", "eq", "array", "$a"],
            "$ai" => &["any", "eq", "array", "$ai"],
            "$f0" => &["func", "$f0"],
            "$f1" => &["func", "$f0", "$f1"],
            "$ff" => &["func", "$ff"],
            "$g" => &["func", "$g"],
            _ => &[],
        },
    }
}

/// Whether `v` is of the reference type `(ref null? CAST_HEAPS[heap])`:
/// null where the type is nullable, anything else where the heap type is
/// its own or a supertype's.
pub fn is_of_type(v: AnyValue, heap: u8, nullable: bool) -> bool {
    match v {
        AnyValue::Null => nullable,
        _ => CAST_HEAPS.get(heap as usize).is_some_and(|h| heap_types_of(v).contains(h)),
    }
}

/// The three i32s [`observe_text`] reads from `v`.
pub fn observed(v: AnyValue) -> [u32; 3] {
    match v {
        AnyValue::Null => [1, 0, u32::MAX],
        AnyValue::I31(x) => [0, 1, x],
        AnyValue::Object { ty, field } => {
            match READ_AS.iter().position(|t| *t == ty).or_else(|| READ_AS_FUNC.iter().position(|t| *t == ty)) {
                Some(tag) => [0, tag as u32 + 2, field],
                None => [0, 0, u32::MAX],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_follow_canonical_types_and_declared_subtypes() {
        let heap = |name: &str| CAST_HEAPS.iter().position(|h| *h == name).unwrap() as u8;
        let of = |kind: u32, ty: &str| is_of_type(made(7, kind), heap(ty), false);
        // Kinds: 2 $s0, 3 $s0dup, 4 $s1, 5 $sf, 6 $r0, 7 $r1, 8 $a, 9 $ai.
        assert!(of(2, "$s0dup") && of(3, "$s0") && of(3, "$s0dup"));
        assert!(of(4, "$s0") && of(4, "$s0dup") && !of(2, "$s1"));
        assert!(!of(5, "$s0") && !of(2, "$sf") && of(5, "struct"));
        assert!(!of(6, "$s0") && !of(2, "$r0") && of(7, "$r0") && !of(6, "$r1"));
        assert!(of(8, "array") && !of(8, "$ai") && !of(9, "$a") && !of(8, "struct"));
        assert!(!of(0, "struct") && of(0, "eq") && !of(2, "i31") && !of(2, "none"));
        assert!(is_of_type(made(7, 1), heap("$r1"), true) && !is_of_type(made(7, 1), heap("any"), false));
        // Kinds wrap: 10 is 2 again, and u32::MAX is (MAX - 2) & 7 = 5, `$r1`.
        assert_eq!(made(1, 10), made(1, 2));
        assert_eq!(made(1, u32::MAX), AnyValue::Object { ty: "$r1", field: 1 });
        assert_eq!(observed(made(9, 3)), observed(made(9, 2)));
        assert_eq!(observed(made(0x8000_0005, 0)), [0, 1, 5]);
        assert_eq!(observed(made(9, 4)), [0, 2, 9]);
    }

    #[test]
    fn function_casts_follow_declared_subtypes_and_finality() {
        let heap = |name: &str| CAST_HEAPS.iter().position(|h| *h == name).unwrap() as u8;
        assert!((0..CAST_HEAPS.len()).all(|i| is_func(i as u8) == (i >= 14)) && is_func(heap("$g")));
        let of = |kind: u32, ty: &str| is_of_type(made_func(3, kind), heap(ty), false);
        // Kinds: 2 $f0, 3 $f1, 4 $ff, 5 $g; 0 is (0 - 2) & 3 = 2, $ff.
        assert!(of(2, "$f0") && of(3, "$f0") && !of(2, "$f1") && of(3, "$f1"));
        assert!(!of(4, "$f0") && !of(2, "$ff") && of(4, "$ff") && of(0, "$ff"));
        assert!(!of(5, "$f0") && of(5, "$g") && of(5, "func") && !of(5, "nofunc"));
        assert!(is_of_type(made_func(3, 1), heap("nofunc"), true) && !is_of_type(made_func(3, 1), heap("func"), false));
        assert_eq!(observed(made_func(3, 3)), [0, 2, func_constant(1, 1)]);
        assert_eq!(observed(made_func(2, 5)), [0, 5, func_constant(3, 0)]);
        assert_eq!(observed(made_func(2, 1)), [1, 0, u32::MAX]);
    }
}
