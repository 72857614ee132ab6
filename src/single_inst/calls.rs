//! `select` on every value type (catalog group
//! [`Group::Parametric`](super::catalog::Group::Parametric)) and `call`
//! and `return_call` with many arguments of mixed types (catalog group
//! [`Group::Call`](super::catalog::Group::Call)): the places where a
//! compiler moves values between registers and the stack by type —
//! a conditional move or blend of floats and vectors, the argument and
//! result moves of a call, and a tail call's rearranging of its caller's
//! frame, which must not lose a NaN's payload or a `v128` lane.
//!
//! `select` takes its two values of the immediates' type ([`SELECT_TYPES`];
//! `select` or, `typed`, `select (result t)`) and a condition drawn around
//! zero and the sign bit. `call $callee` and `return_call $callee` take
//! `f`'s twelve parameters of [`CALL_PARAMS`] and pass `$callee` an
//! argument list the immediates' [`ArgShape`] makes of them: reversed (as
//! many), doubled (twice as many: more on the stack than the caller has),
//! or three (fewer); `$callee` returns its arguments rotated by one, so
//! every argument lands in a result of its own.

use super::catalog::Entry;
use super::operands::{Source, scalar};
use super::scaffold::Scaffold;
use crosscheck_oracles::{Features, Val, ValType};

/// The value types `select` is swept on.
pub const SELECT_TYPES: [ValType; 5] = [ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128];

/// `f`'s parameters for `call` and `return_call`: every number type and
/// `v128`, interleaved so that integer, float and vector registers fill
/// at once.
pub const CALL_PARAMS: [ValType; 12] = {
    use ValType::*;
    [I32, I64, F32, F64, V128, I32, F64, F32, I64, V128, I32, F32]
};

/// How `$callee`'s arguments are made of `f`'s parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgShape {
    /// All twelve, last first.
    Reversed,
    /// All twelve, twice: more arguments than the caller's parameters.
    Doubled,
    /// Parameters 0, 4 and 9: fewer.
    Three,
}

impl ArgShape {
    pub const ALL: [ArgShape; 3] = [ArgShape::Reversed, ArgShape::Doubled, ArgShape::Three];

    pub fn name(self) -> &'static str {
        match self {
            ArgShape::Reversed => "reversed",
            ArgShape::Doubled => "doubled",
            ArgShape::Three => "three",
        }
    }

    pub fn from_name(name: &str) -> Option<ArgShape> {
        ArgShape::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The indices of `f`'s parameters passed, in order.
    pub fn args(self) -> Vec<usize> {
        match self {
            ArgShape::Reversed => (0..CALL_PARAMS.len()).rev().collect(),
            ArgShape::Doubled => (0..CALL_PARAMS.len()).chain(0..CALL_PARAMS.len()).collect(),
            ArgShape::Three => vec![0, 4, 9],
        }
    }

    /// `$callee`'s parameter types.
    pub fn callee_params(self) -> Vec<ValType> {
        self.args().into_iter().map(|i| CALL_PARAMS[i]).collect()
    }

    /// `$callee`'s (and `f`'s) result types: its parameters rotated by one.
    pub fn results(self) -> Vec<ValType> {
        let mut r = self.callee_params();
        r.rotate_left(1);
        r
    }
}

/// `select`'s value type for the immediates' index (wrapping).
pub fn select_type(ty: u8) -> ValType {
    SELECT_TYPES[ty as usize % SELECT_TYPES.len()]
}

/// `select`'s text: typed (`select (result f32)`) or not.
pub fn select_text(ty: ValType, typed: bool) -> String {
    if typed { format!("select (result {ty})") } else { "select".to_string() }
}

/// `$callee` for `shape`.
pub fn callee_declaration(shape: ArgShape) -> String {
    let join = |ts: Vec<ValType>| ts.into_iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    let n = shape.args().len();
    let gets: String = (1..n).chain([0]).map(|i| format!("local.get {i} ")).collect();
    format!(
        "  (func $callee (param {}) (result {})\n    {})\n",
        join(shape.callee_params()),
        join(shape.results()),
        gets.trim_end()
    )
}

/// The locals [`call_body`] uses: one per parameter.
pub fn call_locals() -> String {
    CALL_PARAMS.iter().enumerate().map(|(i, t)| format!(" (local $p{i} {t})")).collect()
}

/// The code around the call, from the parameters on the stack (set into
/// locals) to the results: the arguments pushed, the call. (Every
/// function running the instruction has it, whatever its own
/// parameters.)
pub fn call_body(shape: ArgShape, instr: &str) -> String {
    let mut s: String = (0..CALL_PARAMS.len()).rev().map(|i| format!("local.set $p{i} ")).collect();
    s.extend(shape.args().into_iter().map(|i| format!("local.get $p{i} ")));
    s.push_str(instr);
    s
}

/// A condition for `select`: zero, one, all ones, the sign bit alone, or
/// any.
fn condition(s: &mut dyn Source) -> Val {
    Val::I32(match s.below(6) {
        0 => 0,
        1 => 1,
        2 => u32::MAX,
        3 => 0x8000_0000,
        _ => scalar(s, ValType::I32).bits() as u32,
    })
}

/// One tuple of `select`'s operands on `ty`.
pub fn select_operands(s: &mut dyn Source, ty: ValType) -> Vec<Val> {
    vec![scalar(s, ty), scalar(s, ty), condition(s)]
}

/// One tuple of `f`'s parameters for a call.
pub fn call_operands(s: &mut dyn Source) -> Vec<Val> {
    CALL_PARAMS.iter().map(|t| scalar(s, *t)).collect()
}

/// `select`'s [`Scaffold`]: its value type `ty` (an index into
/// [`SELECT_TYPES`]), named in the instruction where `typed`. The
/// instruction runs alone.
pub struct SelectScaffold {
    pub ty: u8,
    pub typed: bool,
}

impl Scaffold for SelectScaffold {
    fn instruction_text(&self, _: &Entry) -> String {
        select_text(select_type(self.ty), self.typed)
    }

    fn section_words(&self) -> String {
        format!(" type={}", select_type(self.ty))
    }

    fn params(&self, _: &Entry, _: Vec<ValType>) -> Vec<ValType> {
        let ty = select_type(self.ty);
        vec![ty, ty, ValType::I32]
    }

    fn results(&self, _: &Entry, _: Vec<ValType>) -> Vec<ValType> {
        vec![select_type(self.ty)]
    }

    fn add_features(&self, features: &mut Features) {
        features.simd |= select_type(self.ty) == ValType::V128;
        // A typed `select` is of reference types' encoding.
        features.reference_types |= self.typed;
    }

    fn operands(&self, s: &mut dyn Source, _: &Entry) -> Vec<Val> {
        select_operands(s, select_type(self.ty))
    }
}

/// The calls' [`Scaffold`]: `$callee` taking the arguments `shape` makes
/// of `f`'s parameters.
pub struct CallScaffold {
    pub shape: ArgShape,
}

impl Scaffold for CallScaffold {
    fn instruction_text(&self, entry: &Entry) -> String {
        format!("{} $callee", entry.name)
    }

    fn section_words(&self) -> String {
        format!(" args={}", self.shape.name())
    }

    fn results(&self, _: &Entry, _: Vec<ValType>) -> Vec<ValType> {
        self.shape.results()
    }

    fn declarations(&self) -> String {
        callee_declaration(self.shape)
    }

    fn locals(&self, _: &[ValType]) -> Option<String> {
        Some(call_locals())
    }

    fn body(&self, _: &Entry, instr: &str) -> Option<String> {
        Some(call_body(self.shape, instr))
    }

    fn operands(&self, s: &mut dyn Source, _: &Entry) -> Vec<Val> {
        call_operands(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_pass_more_as_many_and_fewer_arguments_and_rotate_them_back() {
        let counts: Vec<usize> = ArgShape::ALL.iter().map(|s| s.args().len()).collect();
        assert_eq!(counts, [12, 24, 3]);
        for s in ArgShape::ALL {
            assert_eq!(ArgShape::from_name(s.name()), Some(s));
            assert_eq!(s.results().len(), s.callee_params().len());
            assert!(callee_declaration(s).contains("local.get 0)"));
        }
        assert_eq!(ArgShape::Three.callee_params(), [ValType::I32, ValType::V128, ValType::V128]);
    }
}
