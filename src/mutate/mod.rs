//! The `mutate` target: real modules — the project's corpus
//! (`corpus/mutate/`) or a fresh wasm-smith module — mutated with
//! wasm-mutate (or, where it offers nothing, as for every Wasm 3.0 module,
//! with crosscheck's own [`rewrites`]), made to terminate ([`crate::fuel`])
//! and run through the differential pipeline; with semantics-preserving
//! mutations, the [`oracle`] also checks the mutant against the original.
//!
//! Input bytes mean one of three things:
//!
//! - a `.wasm` module (starts with `\0asm`): the module itself, as
//!   libFuzzer's custom mutator ([`libfuzzer_mutate`]) made it; the calls
//!   are planned from a digest of the module;
//! - a derived module ([`DERIVED_MAGIC`], then eight bytes of mutation
//!   seed, then a `.wasm` module, the parent): the parent after one
//!   semantics-preserving step from that seed ([`mutate`]), checked by the
//!   oracle against the parent — what the custom mutator writes for a
//!   preserving step, so the oracle judges those under libFuzzer too; the
//!   calls are planned from a digest of the input;
//! - anything else: a recipe. One byte picks a corpus module (or a fresh
//!   wasm-smith one), eight bytes seed the steps, one byte gives the
//!   number of steps (1–8), one whether they preserve semantics; the rest
//!   plans the calls. The same bytes always give the same mutant.

pub mod corpus;
pub mod kinds;
pub mod known_bugs;
pub mod oracle;
pub mod rewrites;
pub mod spans;

use crate::case::{Case, Determinism, Reject};
use crate::swarm;
use arbitrary::Unstructured;
use crosscheck_oracles::Features;

/// Fuel of the termination instrumentation for mutated modules: function
/// entries and loop iterations one instance may make (the corpus's loops
/// run a few thousand iterations).
pub const FUEL: u32 = 20_000;

/// Most wasm-mutate steps in one recipe.
pub const MAX_STEPS: u32 = 8;

/// Fuel wasm-mutate may spend on one step before giving up.
const MUTATE_FUEL: u64 = 1_000;

/// The proposals a mutated module may use: every proposal the reference
/// runs, Wasm 3.0's GC, typed function references and exceptions
/// included (the corpus has a module of each); engines lacking one the
/// module uses sit out.
pub const FEATURES: Features = swarm::WASM3;

/// The proposals of a recipe's fresh wasm-smith module: all but GC and
/// exceptions, whose generated modules `differential`'s `wasm3` swarm
/// profile covers (they cost a check two to three times as much).
pub const SMITH_FEATURES: Features = swarm::FULL;

/// Where a module under test came from and what was done to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mutation {
    /// `corpus/mutate/NAME`, `wasm-smith`, or `input` (the input was the module).
    pub source: String,
    /// The module before mutation (no fuel yet).
    pub original: Vec<u8>,
    /// The module after mutation (no fuel yet).
    pub mutant: Vec<u8>,
    /// The seed of step 0 (wasm-mutate's, or a rewrite's); step `i` uses
    /// `seed + i`.
    pub seed: u64,
    pub preserve_semantics: bool,
    /// Steps asked for (fewer apply when neither wasm-mutate nor a rewrite
    /// finds anything to do).
    pub steps: u32,
    /// The mutators that succeeded, in order (one per step applied).
    pub kinds: Vec<String>,
}

impl Mutation {
    /// One line for reports.
    pub fn describe(&self) -> String {
        format!(
            "source {}, wasm-mutate seed {}, preserve_semantics {}, {} step(s): {}",
            self.source,
            self.seed,
            self.preserve_semantics,
            self.kinds.len(),
            if self.kinds.is_empty() { "(none)".to_string() } else { self.kinds.join(", ") }
        )
    }
}

/// Applies up to `steps` mutation steps to `wasm` (step `i` seeded with
/// `seed + i`): wasm-mutate's, or one of [`rewrites`] where wasm-mutate
/// offers nothing; a step that finds nothing to do ends the chain. Returns
/// the mutant and the mutators that succeeded.
pub fn mutate(wasm: &[u8], seed: u64, steps: u32, preserve_semantics: bool) -> (Vec<u8>, Vec<String>) {
    let chain = chain(wasm, seed, steps, preserve_semantics);
    let mutant = chain.last().map_or_else(|| wasm.to_vec(), |(m, _)| m.clone());
    (mutant, chain.into_iter().map(|(_, kind)| kind).filter(|k| !k.is_empty()).collect())
}

/// [`mutate`] step by step: the module after each step applied, with the
/// mutator that made it (empty when wasm-mutate's log did not say). With
/// `$CROSSCHECK_MUTATOR_FAULT` set, a semantics-preserving chain ends with
/// the planted fault's step ([`crate::selftest::mutator`]).
pub fn chain(wasm: &[u8], seed: u64, steps: u32, preserve_semantics: bool) -> Vec<(Vec<u8>, String)> {
    let mut out: Vec<(Vec<u8>, String)> = Vec::new();
    for step in 0..steps {
        let current = out.last().map_or(wasm, |(m, _)| m);
        let step_seed = seed.wrapping_add(u64::from(step));
        let (next, names) = kinds::capture(|| one_step(current, step_seed, preserve_semantics));
        let next = match next {
            // The mutator of the candidate kept (earlier tries may have
            // succeeded with a module the validation refused).
            Some(next) => (next, names.last().cloned().unwrap_or_default()),
            // Nothing from wasm-mutate (it reads no Wasm 3.0 module): one
            // of crosscheck's own rewrites, which all preserve semantics.
            None => match own_step(current, step_seed) {
                Some((next, rewrite)) => (next, rewrite.kind().to_string()),
                None => break,
            },
        };
        out.push(next);
    }
    if preserve_semantics && crate::selftest::mutator::planted() == Ok(true) {
        let last = out.last().map_or(wasm, |(m, _)| m);
        if FEATURES.validate(last).is_ok()
            && let Some(flipped) = crate::selftest::mutator::add_to_sub(last)
        {
            out.push((flipped, crate::selftest::mutator::ADD_TO_SUB_KIND.to_string()));
        }
    }
    out
}

/// Seeds one step may try: wasm-mutate gives up on the first mutator it
/// picks that fails (a peephole rewrite with nothing to rewrite), so a few
/// derived seeds give each step several picks.
const TRIES_PER_STEP: u64 = 4;

/// The first valid mutant wasm-mutate offers, if any.
///
/// A panic inside wasm-mutate (it has some on odd inputs, e.g. the byte
/// mutator's near-modules under libFuzzer) counts as no mutation: it is the
/// mutator's bug, not an engine's, and must not end a fuzzing run.
fn one_step(wasm: &[u8], seed: u64, preserve_semantics: bool) -> Option<Vec<u8>> {
    crate::triage::catch_panic(|| one_step_unguarded(wasm, seed, preserve_semantics)).ok().flatten()
}

/// One of [`rewrites`]' rewrites; a panic counts as none, as in [`one_step`].
fn own_step(wasm: &[u8], seed: u64) -> Option<(Vec<u8>, rewrites::Rewrite)> {
    crate::triage::catch_panic(|| rewrites::rewrite(wasm, seed)).ok().flatten()
}

fn one_step_unguarded(wasm: &[u8], seed: u64, preserve_semantics: bool) -> Option<Vec<u8>> {
    (0..TRIES_PER_STEP).find_map(|t| {
        let mut m = wasm_mutate::WasmMutate::default();
        m.seed(seed ^ t.wrapping_mul(0x9e37_79b9_7f4a_7c15)).preserve_semantics(preserve_semantics).fuel(MUTATE_FUEL);
        let mut mutants = m.run(wasm).ok()?;
        // wasm-mutate's iterators may be long: a few candidates at most.
        mutants.by_ref().take(4).filter_map(Result::ok).find(|w| FEATURES.validate(w).is_ok() && w != wasm)
    })
}

/// The recipe of a non-module input, and the bytes left for the plan.
pub fn recipe<'a>(data: &'a [u8]) -> Result<(Mutation, Unstructured<'a>), Reject> {
    let mut u = Unstructured::new(data);
    let seeds = corpus::seeds();
    let pick = u.int_in_range(0..=seeds.len())?;
    let seed: u64 = u.arbitrary()?;
    let steps = u.int_in_range(1..=MAX_STEPS)?;
    let preserve_semantics: bool = u.arbitrary()?;
    let (source, original) = match seeds.get(pick) {
        Some(s) => (format!("corpus/mutate/{}", s.name), s.wasm.clone()),
        None => {
            // A fresh wasm-smith module from the next bytes (at most 2 KiB).
            let n = u.int_in_range(64..=2048usize)?.min(u.len());
            let bytes = u.bytes(n)?;
            ("wasm-smith".to_string(), crate::case::smith_module(bytes, SMITH_FEATURES, Determinism::JUDGED)?)
        }
    };
    let (mutant, kinds) = mutate(&original, seed, steps, preserve_semantics);
    Ok((Mutation { source, original, mutant, seed, preserve_semantics, steps, kinds }, u))
}

/// A module ready to run: start section dropped when judged (instantiation
/// runs without masks), fuel added, standalone.
pub fn runnable(wasm: &[u8], det: Determinism) -> Result<Vec<u8>, Reject> {
    let bad = |e: String| Reject::Module(e);
    FEATURES.validate(wasm).map_err(|e| bad(e.to_string()))?;
    let wasm = if det.is_judged() {
        crate::case::without_start_section(wasm).map_err(|e| bad(e.to_string()))?
    } else {
        wasm.to_vec()
    };
    crate::fuel::instrument(&wasm, FUEL).map_err(|e| bad(e.to_string()))
}

/// The Case of a `mutate` input (see the module docs), and the mutation
/// that made it. The bytes left go to the engines' configurations.
pub fn case_from_bytes(data: &[u8], det: Determinism) -> Result<(Case, Mutation, Vec<u8>), Reject> {
    let (mutation, plan_bytes): (Mutation, Vec<u8>) = if let Some((seed, parent)) = derived(data) {
        let (mutant, kinds) = derived_mutant(seed, parent);
        let m = Mutation {
            source: "input (a parent module and a wasm-mutate seed)".into(),
            original: parent.to_vec(),
            mutant,
            seed,
            // Nothing to judge when wasm-mutate made nothing of the parent.
            preserve_semantics: !kinds.is_empty(),
            steps: 1,
            kinds,
        };
        (m, plan_bytes_from(crosscheck_oracles::observation::digest(data)))
    } else if data.starts_with(b"\0asm") {
        // The module itself: plan from its digest, so the same file always
        // gives the same calls.
        let digest = crosscheck_oracles::observation::digest(data);
        let plan_bytes = plan_bytes_from(digest);
        let m = Mutation {
            source: "input".into(),
            original: data.to_vec(),
            mutant: data.to_vec(),
            seed: 0,
            preserve_semantics: false,
            steps: 0,
            kinds: Vec::new(),
        };
        (m, plan_bytes)
    } else {
        let (m, u) = recipe(data)?;
        let rest = u.take_rest().to_vec();
        (m, rest)
    };
    let wasm = runnable(&mutation.mutant, det)?;
    let mut u = Unstructured::new(&plan_bytes);
    let case = Case::from_wasm(wasm, &mut u, FEATURES, det)?;
    if case.info.has_imports {
        return Err(Reject::Module("the module has imports".into()));
    }
    let rest = u.take_rest().to_vec();
    Ok((case, mutation, rest))
}

/// The first bytes of a derived module input (see the module docs).
pub const DERIVED_MAGIC: &[u8; 4] = b"\0wmd";

/// A derived module input: `DERIVED_MAGIC`, the seed, the parent.
pub fn derived_input(seed: u64, parent: &[u8]) -> Vec<u8> {
    [&DERIVED_MAGIC[..], &seed.to_le_bytes(), parent].concat()
}

/// The seed and the parent of a derived module input.
pub fn derived(data: &[u8]) -> Option<(u64, &[u8])> {
    let (seed, parent) = data.strip_prefix(DERIVED_MAGIC)?.split_first_chunk::<8>()?;
    Some((u64::from_le_bytes(*seed), parent))
}

/// The module a derived input stands for: its parent after one
/// semantics-preserving step from its seed, and the mutator applied.
pub fn derived_mutant(seed: u64, parent: &[u8]) -> (Vec<u8>, Vec<String>) {
    mutate(parent, seed, 1, true)
}

/// 512 plan bytes drawn from a digest (xorshift), for module inputs.
fn plan_bytes_from(digest: u64) -> Vec<u8> {
    let mut x = digest | 1;
    (0..64)
        .flat_map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()
        })
        .collect()
}

/// libFuzzer's custom mutator for the `mutate` target: about half the time
/// one mutation step ([`mutate`]) seeded from libFuzzer's `seed`, otherwise
/// libFuzzer's own byte mutator (`byte_mutate`, `LLVMFuzzerMutate`). A
/// step that claims to preserve semantics (one in two of them) is written
/// as a derived input (the module and the seed: the target makes the
/// mutant again and the oracle judges it against the module); any other
/// as the mutant itself. A derived input's own module is its mutant.
/// Returns the new length of `data`.
pub fn libfuzzer_mutate(
    data: &mut [u8],
    size: usize,
    max_size: usize,
    seed: u32,
    byte_mutate: impl FnOnce(&mut [u8], usize, usize) -> usize,
) -> usize {
    let input = &data[..size];
    if seed.is_multiple_of(2) {
        let module = match derived(input) {
            Some((s, parent)) => derived_mutant(s, parent).0,
            None => input.to_vec(),
        };
        if module.starts_with(b"\0asm") {
            let preserve = seed.is_multiple_of(4);
            let (mutant, kinds) = mutate(&module, u64::from(seed), 1, preserve);
            let out = if preserve { derived_input(u64::from(seed), &module) } else { mutant };
            if !kinds.is_empty() && out.len() <= max_size {
                data[..out.len()].copy_from_slice(&out);
                return out.len();
            }
        }
    }
    byte_mutate(data, size, max_size)
}
