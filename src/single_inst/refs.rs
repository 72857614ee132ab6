//! Reference instructions on values alone (catalog group
//! [`Group::Reference`]): how each reference operand is made inside the
//! module from i32 parameters, how each reference result is made
//! observable as i32 results, and what the spec says each instruction
//! computes on them — the exact judge's model ([`expected`]).
//!
//! The module's functions take and return i32s only, so every engine is
//! judged exactly on i32 results, V8 included (its JS boundary cannot
//! carry every reference type as it is). An operand that may be null is
//! made from two parameters, `(value, null flag)`: `ref.null` when the flag
//! is non-zero, else `ref.i31 value` (for an `externref`, then
//! `extern.convert_any`). The same code sits in every function that runs
//! the instruction (`f`, `k`, `t{i}`, `g{i}`, `l{i}`), after the
//! operands are pushed, so each operand source feeds it alike. `ref.test`
//! and `ref.cast` (and the branches on casts) test an `anyref` made from
//! `(value, kind)` — an i31, null, or an object of a defined struct or
//! array type — or, against a type of the `func` hierarchy, a `funcref`
//! made from the same, against a type of [`casts::CAST_HEAPS`], nullable
//! or not ([`super::casts`]). `br_on_null` and `br_on_non_null` branch on
//! an i31 or null `anyref`.

use super::casts::{self, AnyValue};
use super::catalog::{Entry, Group, Immediates};
use crosscheck_oracles::{CallOutcome, TrapKind, Val};

/// How one operand of the instruction is made from i32 parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Make {
    /// The i32 parameter itself (`ref.i31`'s operand).
    I32,
    /// From `(value, null flag)`: `ref.null HEAP` when the flag is
    /// non-zero, else `ref.i31 value`, typed `(ref null HEAP)`.
    I31OrNull(&'static str),
    /// From `(value, null flag)`: `ref.null extern` when the flag is
    /// non-zero, else `extern.convert_any (ref.i31 value)`: an `externref`.
    ExternOrNull,
    /// From `(value, kind)`: an i31, null, or a new struct or array
    /// holding `value`, typed `anyref` ([`casts::make_text`]).
    AnyOf,
    /// From `(value, kind)`: null or a function of one of four types,
    /// typed `funcref` ([`casts::func_make_text`]).
    FuncOf,
}

impl Make {
    /// The i32 parameters the operand is made from.
    pub fn params(self) -> usize {
        match self {
            Make::I32 => 1,
            Make::I31OrNull(_) | Make::ExternOrNull | Make::AnyOf | Make::FuncOf => 2,
        }
    }
}

/// How the instruction's result is made observable as i32s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observe {
    /// An i32 already (`ref.eq`, `ref.is_null`, `i31.get_s/u`).
    I32,
    /// A `(ref i31)`: its `i31.get_u`.
    I31,
    /// An `anyref`: `ref.is_null`, `ref.test (ref i31)`, and its
    /// `i31.get_u` (-1 when it is not an i31).
    Any,
    /// An `externref`: `any.convert_extern`, then as [`Observe::Any`].
    Extern,
    /// An `anyref` that may be an object: whether it is null, its tag and
    /// its i31 value or first field (`$read`, [`casts::declarations`]); a null or
    /// an i31 reads as with [`Observe::Any`].
    Object,
    /// A branch on a cast (`br_on_cast`, `br_on_cast_fail`): whether it was
    /// taken, then the value that left on it or fell through, as
    /// [`Observe::Object`].
    Branch,
}

impl Observe {
    /// The i32 results the observation leaves.
    pub fn results(self) -> usize {
        match self {
            Observe::I32 | Observe::I31 => 1,
            Observe::Any | Observe::Extern | Observe::Object => 3,
            Observe::Branch => 4,
        }
    }
}

/// A reference instruction's operands and result, as the module makes
/// and observes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefSig {
    pub operands: &'static [Make],
    pub result: Observe,
}

impl RefSig {
    /// The i32 parameters of the module's functions.
    pub fn params(&self) -> usize {
        self.operands.iter().map(|m| m.params()).sum()
    }

    /// Whether its operand is a `funcref` (a cast in the `func`
    /// hierarchy).
    pub fn of_funcs(&self) -> bool {
        self.operands.contains(&Make::FuncOf)
    }

    /// The top type of its operand's hierarchy, and the function that
    /// reads such a value back ([`casts::declarations`],
    /// [`casts::func_declarations`]).
    fn top(&self) -> (&'static str, &'static str) {
        if self.of_funcs() { ("funcref", "$readf") } else { ("anyref", "$read") }
    }
}

/// The heap types an operand of `ref.is_null` or `ref.as_non_null` is
/// typed with ([`Immediates::HeapType`]): engines represent each their own
/// way (an `externref` of an externalized i31 0 is not null).
pub const HEAP_TYPES: &[&str] = &["any", "eq", "i31", "extern"];

/// The signature of a reference entry with immediates `imm`; `None` for
/// any other entry.
pub fn sig(entry: &Entry, imm: &Immediates) -> Option<RefSig> {
    use Make::*;
    if entry.group != Group::Reference {
        return None;
    }
    // An operand of the heap type `imm` names, and the observation of
    // `ref.as_non_null`'s result of that type.
    let typed: (&'static [Make], Observe) = match imm {
        Immediates::HeapType(0) => (&[I31OrNull("any")], Observe::Any),
        Immediates::HeapType(1) => (&[I31OrNull("eq")], Observe::Any),
        Immediates::HeapType(2) => (&[I31OrNull("i31")], Observe::Any),
        Immediates::HeapType(3) => (&[ExternOrNull], Observe::Extern),
        _ => (&[I31OrNull("any")], Observe::Any),
    };
    let (operands, result): (&'static [Make], Observe) = match entry.name {
        "ref.is_null" => (typed.0, Observe::I32),
        "ref.eq" => (&[I31OrNull("eq"), I31OrNull("eq")], Observe::I32),
        "ref.as_non_null" => typed,
        "ref.i31" => (&[I32], Observe::I31),
        "i31.get_s" | "i31.get_u" => (&[I31OrNull("i31")], Observe::I32),
        "any.convert_extern" => (&[ExternOrNull], Observe::Any),
        "extern.convert_any" => (&[I31OrNull("any")], Observe::Extern),
        "br_on_null" | "br_on_non_null" => (&[I31OrNull("any")], Observe::Branch),
        "ref.test" | "ref.cast" | "br_on_cast" | "br_on_cast_fail" => {
            let operands: &'static [Make] = match imm {
                Immediates::Cast { heap, .. } if casts::is_func(*heap) => &[FuncOf],
                _ => &[AnyOf],
            };
            let result = match entry.name {
                "ref.test" => Observe::I32,
                "ref.cast" => Observe::Object,
                _ => Observe::Branch,
            };
            (operands, result)
        }
        _ => return None,
    };
    Some(RefSig { operands, result })
}

/// The locals [`wrapped`] uses: one i32 per parameter and an `anyref` (a
/// `funcref` for a cast of functions), and for a branch on a cast whether
/// it was taken.
pub fn locals(sig: &RefSig) -> String {
    let mut s: String = (0..sig.params()).map(|i| format!(" (local $p{i} i32)")).collect();
    s.push_str(&format!(" (local $r {})", sig.top().0));
    if sig.result == Observe::Branch {
        s.push_str(" (local $taken i32)");
    }
    s
}

/// `instr` (with immediates `imm`) with its operands made before it (from
/// the i32 parameters on the stack, in order) and its result observed
/// after it. A branch on a cast gets its label `$l` here: a block taking
/// the operand, of the cast's type for `br_on_cast` and `anyref` for
/// `br_on_cast_fail`, whose end sets `$taken`; the value, on either path,
/// is read once after (by `$read`, as a cast's result).
pub fn wrapped(sig: &RefSig, imm: &Immediates, instr: &str) -> String {
    let n = sig.params();
    let mut s: String = (0..n).rev().map(|i| format!("local.set $p{i} ")).collect();
    let mut at = 0;
    for m in sig.operands {
        let (v, null) = (at, at + 1);
        s.push_str(&match m {
            Make::I32 => format!("local.get $p{v} "),
            Make::I31OrNull(heap) => format!(
                "local.get $p{null} if (result (ref null {heap})) ref.null {heap} else local.get $p{v} ref.i31 end "
            ),
            Make::ExternOrNull => format!(
                "local.get $p{null} if (result externref) ref.null extern else local.get $p{v} ref.i31 extern.convert_any end "
            ),
            Make::AnyOf => casts::make_text(v, null) + " ",
            Make::FuncOf => casts::func_make_text(v, null) + " ",
        });
        at += m.params();
    }
    let (top, read) = sig.top();
    if sig.result == Observe::Branch {
        // The block `$l` the branch goes to takes the operand; it leaves
        // with the cast's type (`br_on_cast`), the operand's
        // (`br_on_cast_fail`), nothing (`br_on_null`: null is pushed
        // after) or the non-null reference (`br_on_non_null`: null is
        // pushed on the fall-through). What leaves either way is read
        // once after.
        let (label, branch, fall_through, on_taken) = match instr {
            "br_on_null" => (String::new(), "br_on_null $l", "", " ref.null any"),
            "br_on_non_null" => (" (result (ref any))".to_string(), "br_on_non_null $l", " ref.null any", ""),
            _ => {
                let label = match imm {
                    Immediates::Cast { heap, nullable } if !instr.starts_with("br_on_cast_fail") => {
                        casts::cast_type(*heap, *nullable)
                    }
                    _ => top.to_string(),
                };
                (format!(" (result {label})"), instr, "", "")
            }
        };
        s.push_str(&format!(
            "block $out (param {top}) (result {top}) block $l (param {top}){label} {branch}{fall_through} br $out end \
             i32.const 1 local.set $taken{on_taken} end local.set $r local.get $taken local.get $r call {read}"
        ));
        return s;
    }
    s.push_str(instr);
    let any = " local.set $r local.get $r ref.is_null local.get $r ref.test (ref i31) \
               local.get $r ref.test (ref i31) if (result i32) local.get $r ref.cast (ref i31) i31.get_u \
               else i32.const -1 end";
    match sig.result {
        Observe::I32 => {}
        Observe::I31 => s.push_str(" i31.get_u"),
        Observe::Any => s.push_str(any),
        Observe::Extern => {
            s.push_str(" any.convert_extern");
            s.push_str(any);
        }
        Observe::Object => s.push_str(&format!(" call {read}")),
        Observe::Branch => {}
    }
    s
}

/// A value of the model: an i32, or a reference by what the spec lets a
/// program tell apart (null, an i31 and its 31 bits, an i31 externalized,
/// an object of [`casts::OBJECTS`] and its first field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    I32(u32),
    Null,
    I31(u32),
    ExternI31(u32),
    Object { ty: &'static str, field: u32 },
}

impl Value {
    /// The value as the `any` hierarchy's (`None` for an i32 or an
    /// externalized i31).
    fn any(self) -> Option<AnyValue> {
        Some(match self {
            Value::Null => AnyValue::Null,
            Value::I31(x) => AnyValue::I31(x),
            Value::Object { ty, field } => AnyValue::Object { ty, field },
            Value::I32(_) | Value::ExternI31(_) => return None,
        })
    }
}

/// The spec's outcome of one call with the i32 parameters `args`: the
/// i32 results, or the trap (`ref.as_non_null` and `i31.get_s/u` on null
/// trap with a null reference). `None`: not a reference entry, or the
/// arguments do not fit its parameters.
pub fn expected(entry: &Entry, imm: &Immediates, args: &[Val]) -> Option<CallOutcome> {
    let sig = sig(entry, imm)?;
    let words: Vec<u32> = args.iter().map(|a| a.bits() as u32).collect();
    if words.len() != sig.params() || args.iter().any(|a| !matches!(a, Val::I32(_))) {
        return None;
    }
    let mut operands = Vec::with_capacity(sig.operands.len());
    let mut at = 0;
    for m in sig.operands {
        let (v, null) = (words[at], words.get(at + 1).copied().unwrap_or(0));
        operands.push(match m {
            Make::I32 => Value::I32(v),
            Make::AnyOf | Make::FuncOf => {
                match if *m == Make::AnyOf { casts::made(v, null) } else { casts::made_func(v, null) } {
                    AnyValue::Null => Value::Null,
                    AnyValue::I31(x) => Value::I31(x),
                    AnyValue::Object { ty, field } => Value::Object { ty, field },
                }
            }
            _ if null != 0 => Value::Null,
            Make::I31OrNull(_) => Value::I31(v & 0x7fff_ffff),
            Make::ExternOrNull => Value::ExternI31(v & 0x7fff_ffff),
        });
        at += m.params();
    }
    let trap = || Some(CallOutcome::Trapped(TrapKind::NullReference));
    // Whether a value is of `ref.test`'s or `ref.cast`'s type.
    let of_type = |v: &Value| match imm {
        Immediates::Cast { heap, nullable } => Some(casts::is_of_type(v.any()?, *heap, *nullable)),
        _ => None,
    };
    // A branch's outcome: whether it was taken, and the reference that
    // leaves either way, read once after.
    let branched = |taken: bool, left: &Value| {
        let read = casts::observed(left.any()?);
        Some(CallOutcome::Returned([taken as u32].iter().chain(&read).map(|&x| Val::I32(x)).collect()))
    };
    let result = match (entry.name, operands.as_slice()) {
        // Whether the branch is taken, and the operand, which leaves
        // either way.
        ("br_on_cast" | "br_on_cast_fail", [a]) => return branched(of_type(a)? == (entry.name == "br_on_cast"), a),
        // Taken on null (`br_on_null`) or not (`br_on_non_null`); what
        // leaves is the operand where it is not null, else null.
        ("br_on_null" | "br_on_non_null", [a]) => {
            return branched((*a == Value::Null) == (entry.name == "br_on_null"), a);
        }
        ("ref.test", [a]) => Value::I32(of_type(a)? as u32),
        ("ref.cast", [a]) if of_type(a)? => *a,
        ("ref.cast", [_]) => return Some(CallOutcome::Trapped(TrapKind::CastFailure)),
        ("ref.i31", [Value::I32(x)]) => Value::I31(x & 0x7fff_ffff),
        ("i31.get_s" | "i31.get_u" | "ref.as_non_null", [Value::Null]) => return trap(),
        // Sign-extend from bit 30.
        ("i31.get_s", [Value::I31(x)]) => Value::I32((((x << 1) as i32) >> 1) as u32),
        ("i31.get_u", [Value::I31(x)]) => Value::I32(*x),
        ("ref.eq", [a, b]) => Value::I32((a == b) as u32),
        ("ref.is_null", [a]) => Value::I32((*a == Value::Null) as u32),
        ("ref.as_non_null", [a]) => *a,
        ("any.convert_extern", [Value::Null]) | ("extern.convert_any", [Value::Null]) => Value::Null,
        ("any.convert_extern", [Value::ExternI31(x)]) => Value::I31(*x),
        ("extern.convert_any", [Value::I31(x)]) => Value::ExternI31(*x),
        _ => return None,
    };
    // What the observation code reads of it.
    let observed: Vec<u32> = match (sig.result, result) {
        (Observe::I32, Value::I32(x)) | (Observe::I31, Value::I31(x)) => vec![x],
        (Observe::Any, Value::Null) | (Observe::Extern, Value::Null) => vec![1, 0, u32::MAX],
        (Observe::Any, Value::I31(x)) | (Observe::Extern, Value::ExternI31(x)) => vec![0, 1, x],
        (Observe::Object, v) => casts::observed(v.any()?).to_vec(),
        _ => return None,
    };
    Some(CallOutcome::Returned(observed.into_iter().map(Val::I32).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::single_inst::casts::CAST_HEAPS;
    use crate::single_inst::catalog::{ENTRIES, lookup};

    #[test]
    fn every_reference_entry_has_a_signature_matching_its_parameters() {
        for e in ENTRIES.iter().filter(|e| e.group == Group::Reference) {
            for imm in e.sweep_immediates(1) {
                let s = sig(e, &imm).unwrap_or_else(|| panic!("{} has no signature", e.name));
                assert_eq!(s.params(), e.params.len(), "{} {imm:?}", e.name);
                assert_eq!(s.result.results(), e.results.len(), "{} {imm:?}", e.name);
            }
        }
    }

    #[test]
    fn model_follows_the_spec_on_edges() {
        let typed = |name: &str, heap: u8, args: &[u32]| {
            let args: Vec<Val> = args.iter().map(|&x| Val::I32(x)).collect();
            let e = lookup(name).unwrap();
            let imm = if e.imm == crate::single_inst::catalog::Imm::HeapType {
                Immediates::HeapType(heap)
            } else {
                Immediates::None
            };
            expected(e, &imm, &args).unwrap()
        };
        let call = |name: &str, args: &[u32]| typed(name, 0, args);
        let ret = |v: &[u32]| CallOutcome::Returned(v.iter().map(|&x| Val::I32(x)).collect());
        let null = CallOutcome::Trapped(TrapKind::NullReference);
        assert_eq!(call("i31.get_s", &[0x4000_0000, 0]), ret(&[0xc000_0000]));
        assert_eq!(call("i31.get_s", &[0xbfff_ffff, 0]), ret(&[0x3fff_ffff]));
        assert_eq!(call("i31.get_u", &[0xffff_ffff, 0]), ret(&[0x7fff_ffff]));
        assert_eq!(call("i31.get_u", &[5, 1]), null);
        assert_eq!(call("ref.i31", &[0x8000_0001]), ret(&[1]));
        assert_eq!(call("ref.eq", &[0, 0, 0x8000_0000, 0]), ret(&[1]));
        assert_eq!(call("ref.eq", &[0, 1, 0, 1]), ret(&[1]));
        assert_eq!(call("ref.eq", &[0, 1, 0, 0]), ret(&[0]));
        assert_eq!(call("ref.is_null", &[0, 0]), ret(&[0]));
        assert_eq!(call("ref.as_non_null", &[7, 3]), null);
        assert_eq!(call("ref.as_non_null", &[7, 0]), ret(&[0, 1, 7]));
        assert_eq!(call("extern.convert_any", &[7, 1]), ret(&[1, 0, u32::MAX]));
        assert_eq!(call("any.convert_extern", &[u32::MAX, 0]), ret(&[0, 1, 0x7fff_ffff]));
        // An externalized i31 0 is not null; its `ref.as_non_null` is
        // observed through `any.convert_extern`.
        assert_eq!(typed("ref.is_null", 3, &[0, 0]), ret(&[0]));
        assert_eq!(typed("ref.is_null", 3, &[0, 1]), ret(&[1]));
        assert_eq!(typed("ref.as_non_null", 3, &[0x8000_0000, 0]), ret(&[0, 1, 0]));
        assert_eq!(typed("ref.as_non_null", 2, &[1, 1]), null);
        // `ref.test` and `ref.cast` against (nullable) `i31`, `struct`,
        // `none`: an i31 passes its supertypes only, null the nullable.
        let cast = |name: &str, heap: &str, nullable: bool, args: &[u32]| {
            let heap = CAST_HEAPS.iter().position(|h| *h == heap).unwrap() as u8;
            let args: Vec<Val> = args.iter().map(|&x| Val::I32(x)).collect();
            expected(lookup(name).unwrap(), &Immediates::Cast { heap, nullable }, &args).unwrap()
        };
        let cast_failure = CallOutcome::Trapped(TrapKind::CastFailure);
        assert_eq!(cast("ref.test", "i31", false, &[5, 0]), ret(&[1]));
        assert_eq!(cast("ref.test", "eq", false, &[5, 1]), ret(&[0]));
        assert_eq!(cast("ref.test", "eq", true, &[5, 1]), ret(&[1]));
        assert_eq!(cast("ref.test", "struct", true, &[5, 0]), ret(&[0]));
        assert_eq!(cast("ref.test", "none", true, &[5, 1]), ret(&[1]));
        assert_eq!(cast("ref.cast", "any", false, &[0x8000_0007, 0]), ret(&[0, 1, 7]));
        assert_eq!(cast("ref.cast", "array", false, &[7, 0]), cast_failure);
        assert_eq!(cast("ref.cast", "i31", false, &[7, 1]), cast_failure);
        assert_eq!(cast("ref.cast", "none", true, &[7, 1]), ret(&[1, 0, u32::MAX]));
    }
}
