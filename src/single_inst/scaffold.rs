//! The code a group builds around its instruction, behind one trait
//! ([`Scaffold`]): for the groups whose `f` does not run the instruction
//! alone on its parameters — arrays and structs (the object made, the
//! instruction run on it, the object read back), exceptions (thrown and
//! caught back), calls (the arguments rearranged for a callee), `select`
//! (its type drawn) — what each adds to [`super::Spec`]'s signature and
//! text and to [`super::module`]'s module, and the operands it draws.
//! Each group implements it in its own file; [`of`] picks the one for a
//! Spec's immediates, so the module builder asks once, not group by group.

use super::arrays::ArrayScaffold;
use super::calls::{CallScaffold, SelectScaffold};
use super::catalog::{Entry, Immediates};
use super::exceptions::TagScaffold;
use super::operands::Source;
use super::structs::StructScaffold;
use crosscheck_oracles::{Features, Val, ValType};

/// What a group adds around its instruction. Every method but the
/// instruction's text and the operands has a default: nothing added.
pub trait Scaffold {
    /// The instruction as it appears in the text format.
    fn instruction_text(&self, entry: &Entry) -> String;

    /// What the custom section's record adds after the instruction's
    /// text (` payload=2`, ` storage=i8`).
    fn section_words(&self) -> String {
        String::new()
    }

    /// `f`'s parameters, from the entry's.
    fn params(&self, _entry: &Entry, params: Vec<ValType>) -> Vec<ValType> {
        params
    }

    /// `f`'s results, from the entry's.
    fn results(&self, _entry: &Entry, results: Vec<ValType>) -> Vec<ValType> {
        results
    }

    /// The proposals the module needs besides the instruction's.
    fn add_features(&self, _features: &mut Features) {}

    /// The module's declarations besides `f` (types, segments, helper
    /// functions, tags).
    fn declarations(&self) -> String {
        String::new()
    }

    /// `f`'s locals for its parameters `params`; `None` where the
    /// instruction runs alone.
    fn locals(&self, _params: &[ValType]) -> Option<String> {
        None
    }

    /// `f`'s body around `instr`, from the parameters on the stack to the
    /// results; `None` where the instruction runs alone.
    fn body(&self, _entry: &Entry, _instr: &str) -> Option<String> {
        None
    }

    /// One tuple of `f`'s parameters.
    fn operands(&self, s: &mut dyn Source, entry: &Entry) -> Vec<Val>;
}

/// The scaffold of the group `imm` belongs to, if it builds one.
pub fn of(imm: &Immediates) -> Option<Box<dyn Scaffold>> {
    Some(match *imm {
        Immediates::Array { storage, same } => Box::new(ArrayScaffold { storage, same }),
        Immediates::Struct { field } => Box::new(StructScaffold { field }),
        Immediates::Tag(payload) => Box::new(TagScaffold { payload }),
        Immediates::Select { ty, typed } => Box::new(SelectScaffold { ty, typed }),
        Immediates::Callee(shape) => Box::new(CallScaffold { shape }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::single_inst::catalog::{ENTRIES, Group};

    /// Every instruction of the five groups builds its scaffold, no other
    /// one does, and its text is the scaffold's.
    #[test]
    fn exactly_the_scaffolded_groups_have_a_scaffold() {
        let scaffolded = [Group::Array, Group::Struct, Group::Exception, Group::Parametric, Group::Call];
        for e in ENTRIES {
            for imm in e.sweep_immediates(1) {
                let scaffold = of(&imm);
                assert_eq!(scaffold.is_some(), scaffolded.contains(&e.group), "{} {imm:?}", e.name);
                if let Some(s) = scaffold {
                    let spec = crate::single_inst::Spec { entry: e, imm };
                    assert_eq!(spec.instruction_text(), s.instruction_text(e));
                    assert!(spec.section_text().ends_with(&s.section_words()) || s.section_words().is_empty());
                    assert_eq!(spec.results(), s.results(e, e.results.to_vec()), "{}", e.name);
                }
            }
        }
    }
}
