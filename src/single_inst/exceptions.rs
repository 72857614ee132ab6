//! Exception-handling instructions (catalog group
//! [`Group::Exception`](super::catalog::Group::Exception)): `throw`,
//! `throw_ref` and `try_table`, each throwing a payload of four values
//! from `f`'s parameters and catching it back into `f`'s results, where
//! the judge compares every bit (a NaN's payload, a `v128`'s lanes: the
//! spec passes values through an exception unchanged).
//!
//! The immediates name the payload's types ([`PAYLOADS`]); the module
//! declares three tags of that type, `$e`, `$other` and `$third`, and for
//! each a function `$thrower_{tag}` that throws its parameters with it
//! from a frame of its own. `f` takes the four values and a selector
//! `sel`, and returns the four values it caught and the path they took
//! (an `i32`):
//!
//! - bit 0 of `sel`: the throw is in `f` itself (0) or in a function it
//!   calls (1), so the exception unwinds a frame: `$thrower_{tag}`, or
//!   where bit 3 is set too, `$relay_{tag}`, which `return_call`s the
//!   thrower from inside a `try_table` catching the same tag — a tail
//!   call leaves its caller's handlers behind, so that `try_table` must
//!   not take it (were it taken, `$relay` returns and `f` traps);
//! - `throw`: caught by `(catch $e)` around it; path 1;
//! - `throw_ref`: caught first by `(catch_ref $e)` (bit 2 of `sel` clear)
//!   or `(catch_all_ref)` (set), rethrown from its `exnref` by
//!   `throw_ref`, caught by `(catch $e)` around it; path 1;
//! - `try_table`: `(catch $other) (catch $e) (catch_all)` around a throw
//!   of `$e` (bits 1–2 of `sel` 0), `$other` (1) or `$third` (2, 3):
//!   path 1 for `$e`, 2 for `$other`, 3 and the four values zeroed for
//!   `$third` (a `catch_all` has no payload).

use super::catalog::Entry;
use super::operands::{Source, scalar};
use super::scaffold::Scaffold;
use crosscheck_oracles::{Features, Val, ValType};

/// The payload types a tag may have: every number type, two `v128`s,
/// mixed so that values of one register class sit between another's.
pub const PAYLOADS: [[ValType; 4]; 5] = {
    use ValType::*;
    [[I32, I64, F32, F64], [F64, V128, I32, F32], [V128, V128, F64, I64], [F32, F32, F32, F32], [I64, F64, V128, I32]]
};

/// The tags, in the order `try_table`'s selector names them.
const TAGS: [&str; 3] = ["$e", "$other", "$third"];

/// The payload's types for immediates `payload`.
pub fn payload(payload: u8) -> [ValType; 4] {
    PAYLOADS[payload as usize % PAYLOADS.len()]
}

/// `f`'s parameters: the payload and the selector.
pub fn params(payload: u8) -> Vec<ValType> {
    let mut p = self::payload(payload).to_vec();
    p.push(ValType::I32);
    p
}

/// `f`'s results: the payload caught and its path.
pub fn results(payload: u8) -> Vec<ValType> {
    params(payload)
}

/// Whether the payload has a `v128` (the module needs SIMD).
pub fn needs_simd(payload: u8) -> bool {
    self::payload(payload).contains(&ValType::V128)
}

/// The payload's types in the text format (`i32 i64 f32 f64`).
fn types_text(payload: u8) -> String {
    self::payload(payload).iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")
}

/// The tags, their throwers and relays.
pub fn declarations(payload: u8) -> String {
    let types = types_text(payload);
    let values = "local.get 0 local.get 1 local.get 2 local.get 3";
    let mut m = String::new();
    for tag in TAGS {
        let name = &tag[1..];
        m.push_str(&format!(
            "  (tag {tag} (param {types}))\n  (func $thrower_{name} (param {types})\n    {values} throw {tag})\n  \
             (func $relay_{name} (param {types})\n    \
             block $wrong (result {types}) try_table (catch {tag} $wrong) {values} return_call $thrower_{name} end \
             unreachable end drop drop drop drop)\n"
        ));
    }
    m
}

/// The instruction's text as the custom section records it.
pub fn instruction_text(entry: &Entry) -> String {
    match entry.name {
        "throw" => "throw $e".to_string(),
        "try_table" => "try_table (catch $other) (catch $e) (catch_all)".to_string(),
        name => name.to_string(),
    }
}

/// The locals [`wrapped`] uses: the parameters, an `exnref`.
pub fn locals(payload: u8) -> String {
    let mut s: String = params(payload).iter().enumerate().map(|(i, t)| format!(" (local $p{i} {t})")).collect();
    s.push_str(" (local $x exnref)");
    s
}

/// Code that throws the payload with `tag`, in `f` or (bit 0 of `sel`)
/// from its thrower, directly or (bit 3) through its relay; it does not
/// fall through.
fn throw(tag: &str, types: &str) -> String {
    let (values, name) = ("local.get $p0 local.get $p1 local.get $p2 local.get $p3", &tag[1..]);
    format!(
        "local.get $p4 i32.const 1 i32.and if {values} \
         local.get $p4 i32.const 8 i32.and if (param {types}) call $relay_{name} else call $thrower_{name} end \
         else {values} throw {tag} end unreachable"
    )
}

/// The instruction with the code around it (see the module's
/// documentation), from the parameters on the stack to the results.
pub fn wrapped(entry: &Entry, payload: u8) -> String {
    let types = types_text(payload);
    let mut s: String = (0..5).rev().map(|i| format!("local.set $p{i} ")).collect();
    let caught = |body: &str| {
        format!("block $h (result {types}) try_table (catch $e $h) {body} end unreachable end i32.const 1")
    };
    s.push_str(&match entry.name {
        "throw" => caught(&throw("$e", &types)),
        "throw_ref" => caught(&format!(
            "local.get $p4 i32.const 4 i32.and if \
             block $r (result exnref) try_table (catch_all_ref $r) {} end unreachable end throw_ref \
             else \
             block $r (result {types} exnref) try_table (catch_ref $e $r) {} end unreachable end \
             local.set $x drop drop drop drop local.get $x throw_ref \
             end unreachable",
            throw("$e", &types),
            throw("$e", &types)
        )),
        _ => format!(
            "block $done (result {types} i32) block $la block $le (result {types}) block $lo (result {types}) \
             try_table (catch $other $lo) (catch $e $le) (catch_all $la) {} end unreachable \
             end i32.const 2 br $done \
             end i32.const 1 br $done \
             end {}i32.const 3 end",
            selector_throws(&types),
            payload_zeros(payload)
        ),
    });
    s
}

/// The throw of `try_table`'s body: `$e`, `$other` or `$third` by bits
/// 1–2 of the selector.
fn selector_throws(types: &str) -> String {
    format!(
        "local.get $p4 i32.const 6 i32.and i32.eqz if {} end \
         local.get $p4 i32.const 6 i32.and i32.const 2 i32.eq if {} end {}",
        throw("$e", types),
        throw("$other", types),
        throw("$third", types)
    )
}

/// Zeros of the payload's types (what a `catch_all` path returns).
fn payload_zeros(payload: u8) -> String {
    self::payload(payload)
        .iter()
        .map(|t| match t {
            ValType::V128 => "v128.const i64x2 0 0 ".to_string(),
            t => format!("{t}.const 0 "),
        })
        .collect()
}

/// One tuple of `f`'s parameters: the payload (edge values: NaNs with
/// payloads, -0.0, lane patterns) and a selector of every path.
pub fn operands(s: &mut dyn Source, payload: u8) -> Vec<Val> {
    let mut args: Vec<Val> = self::payload(payload).iter().map(|t| scalar(s, *t)).collect();
    args.push(Val::I32(s.below(16) as u32));
    args
}

/// The exception group's [`Scaffold`]: tags, throwers and relays of
/// payload `payload`, the throw caught back in `f`.
pub struct TagScaffold {
    pub payload: u8,
}

impl Scaffold for TagScaffold {
    fn instruction_text(&self, entry: &Entry) -> String {
        instruction_text(entry)
    }

    fn section_words(&self) -> String {
        format!(" payload={}", self.payload)
    }

    fn params(&self, _: &Entry, _: Vec<ValType>) -> Vec<ValType> {
        params(self.payload)
    }

    fn results(&self, _: &Entry, _: Vec<ValType>) -> Vec<ValType> {
        results(self.payload)
    }

    fn add_features(&self, features: &mut Features) {
        features.simd |= needs_simd(self.payload);
    }

    fn declarations(&self) -> String {
        declarations(self.payload)
    }

    fn locals(&self, _: &[ValType]) -> Option<String> {
        Some(locals(self.payload))
    }

    fn body(&self, entry: &Entry, _: &str) -> Option<String> {
        Some(wrapped(entry, self.payload))
    }

    fn operands(&self, s: &mut dyn Source, _: &Entry) -> Vec<Val> {
        operands(s, self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_has_four_values_and_some_a_v128() {
        assert!((0..PAYLOADS.len() as u8).any(needs_simd) && !(0..PAYLOADS.len() as u8).all(needs_simd));
        for p in 0..PAYLOADS.len() as u8 {
            assert_eq!(params(p).len(), 5);
            assert_eq!(payload_zeros(p).matches(".const").count(), 4);
        }
    }
}
