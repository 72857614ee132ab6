//! A Case: one module, the calls to make on it, and what to observe —
//! built deterministically from fuzz bytes.
//!
//! The module comes from wasm-smith with a swarm configuration drawn from
//! the same bytes, restricted to a proposal set picked from a fixed table
//! ([`crate::swarm`]; never from the engines at hand), with no imports, every item exported, small required maximums
//! for memories and tables, and fuel instrumentation so every call
//! terminates on its own (no engine fuel needed).

use crate::module_info::ModuleInfo;
use crate::values::arbitrary_val;
use arbitrary::Unstructured;
use crosscheck_oracles::{Call, Features, Plan, Val, ValType};

/// Fuel of wasm-smith's termination instrumentation: loop iterations and
/// calls a whole Case may make before it traps with `unreachable`.
pub const FUEL: u32 = 1_000;

/// Most calls in one Case's plan.
pub const MAX_CALLS: usize = 8;

/// Largest memory a generated module may declare (bytes): small memories
/// compare quickly and make `memory.grow` failures rare.
pub const MAX_MEMORY_BYTES: u64 = 4 * 65536;

/// Largest table a generated module may declare.
pub const MAX_TABLE_ELEMENTS: u64 = 64;

/// Splits fuzz bytes into the module's part and the part left for the call
/// plan and engine configurations (an eighth, at most 512 bytes): wasm-smith
/// would otherwise consume every byte and leave the plan empty.
pub fn split_for_plan(data: &[u8]) -> (&[u8], &[u8]) {
    data.split_at(data.len() - plan_tail_len(data.len()))
}

/// Length of the plan part of `len` bytes given to [`Case::smith`] (see
/// [`split_for_plan`]): bytes past the module's, free to change without
/// changing the module.
pub fn plan_tail_len(len: usize) -> usize {
    (len / 8).min(512)
}

/// How a Case treats values the spec leaves open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Determinism {
    /// wasm-smith rewrites float results to canonical NaNs.
    pub canonicalize_nans: bool,
    /// Relaxed SIMD instructions may appear.
    pub relaxed_simd: bool,
}

impl Determinism {
    /// Without a judge that knows the open bits, compare only what every
    /// engine must compute identically.
    pub const PAIRWISE: Determinism = Determinism { canonicalize_nans: true, relaxed_simd: false };

    /// With the reference interpreter judging (it reports the open bits):
    /// NaNs as the module computes them, relaxed SIMD on.
    pub const JUDGED: Determinism = Determinism { canonicalize_nans: false, relaxed_simd: true };

    /// Whether open bits are left in the Case for a masking judge.
    pub fn is_judged(self) -> bool {
        !self.canonicalize_nans || self.relaxed_simd
    }
}

/// A module plus the calls to make on it.
#[derive(Clone, Debug)]
pub struct Case {
    pub plan: Plan,
    pub info: ModuleInfo,
    /// The proposals the module was allowed to use.
    pub features: Features,
    pub determinism: Determinism,
}

/// Why fuzz bytes gave no Case (not a failure: the input is skipped).
#[derive(Debug, thiserror::Error)]
pub enum Reject {
    #[error("not enough fuzz bytes: {0}")]
    Bytes(#[from] arbitrary::Error),
    #[error("wasm-smith: {0}")]
    Smith(String),
    #[error("module: {0}")]
    Module(String),
}

/// The wasm-smith configuration for a Case: swarm-style from the bytes,
/// then bounded and restricted to `features`.
pub fn smith_config(
    u: &mut Unstructured<'_>,
    features: Features,
    det: Determinism,
) -> arbitrary::Result<wasm_smith::Config> {
    let mut c: wasm_smith::Config = u.arbitrary()?;
    c.min_imports = 0;
    c.max_imports = 0;
    c.max_types = c.max_types.min(32);
    c.max_funcs = c.max_funcs.clamp(1, 24);
    c.min_funcs = 1;
    c.max_globals = c.max_globals.min(24);
    c.max_exports = c.max_exports.min(64);
    c.max_element_segments = c.max_element_segments.min(8);
    c.max_elements = c.max_elements.min(64);
    c.max_data_segments = c.max_data_segments.min(8);
    c.max_instructions = c.max_instructions.min(400);
    c.max_memories = c.max_memories.min(if features.multi_memory { 2 } else { 1 });
    c.max_tables = c.max_tables.min(if features.reference_types { 4 } else { 1 });
    // A quarter of the modules keep every memory to one page at most: the
    // end of the first page is where most addresses are (the others range
    // up to the configured maximum). Decided by the low bits of the drawn
    // limit rather than a byte of its own, so the module bytes that follow
    // mean what they meant before.
    let one_page = c.max_memory32_bytes.is_multiple_of(4);
    let max_bytes = if one_page { crate::addresses::PAGE } else { MAX_MEMORY_BYTES };
    c.max_memory32_bytes = c.max_memory32_bytes.min(max_bytes);
    c.max_memory64_bytes = c.max_memory64_bytes.min(max_bytes as u128);
    c.memory_max_size_required = true;
    c.max_table_elements = c.max_table_elements.min(MAX_TABLE_ELEMENTS);
    c.table_max_size_required = true;
    c.export_everything = true;
    c.allow_start_export = true;
    c.generate_custom_sections = false;
    c.allow_invalid_funcs = false;
    c.canonicalize_nans = det.canonicalize_nans;

    c.sign_extension_ops_enabled &= features.sign_extension;
    c.saturating_float_to_int_enabled &= features.saturating_float_to_int;
    c.multi_value_enabled &= features.multi_value;
    c.bulk_memory_enabled &= features.bulk_memory;
    c.reference_types_enabled &= features.reference_types;
    c.simd_enabled &= features.simd;
    c.relaxed_simd_enabled &= features.relaxed_simd && det.relaxed_simd && c.simd_enabled;
    c.tail_call_enabled &= features.tail_call;
    c.extended_const_enabled &= features.extended_const;
    c.memory64_enabled &= features.memory64;
    c.threads_enabled &= features.threads;
    // Proposals the swarm config leaves off by default: draw them here.
    c.wide_arithmetic_enabled = features.wide_arithmetic && u.arbitrary()?;
    c.custom_page_sizes_enabled = false;
    // Wasm 3.0 where the swarm profile allows it: GC (with typed function
    // references) needs reference types; exception handling does not.
    c.gc_enabled = features.gc && c.reference_types_enabled;
    c.exceptions_enabled = features.exceptions;
    c.shared_everything_threads_enabled = false;
    c.custom_descriptors_enabled = false;
    if !c.reference_types_enabled {
        c.max_tables = c.max_tables.min(1);
    }
    Ok(c)
}

impl Case {
    /// A wasm-smith Case: the module from the head of `data`, the call plan
    /// from its tail (see [`split_for_plan`]). Returns what is left of the
    /// tail, for the engines' configurations.
    pub fn smith<'a>(data: &'a [u8], features: Features, det: Determinism) -> Result<(Case, Unstructured<'a>), Reject> {
        let (module_bytes, plan_bytes) = split_for_plan(data);
        let wasm = LAST_MODULE.with(|last| {
            let mut last = last.borrow_mut();
            let key = (features, det);
            match &*last {
                Some(hit) if hit.key == key && hit.bytes == module_bytes => Ok(hit.wasm.clone()),
                _ => {
                    let wasm = smith_module(module_bytes, features, det)?;
                    *last = Some(CachedModule { key, bytes: module_bytes.to_vec(), wasm: wasm.clone() });
                    Ok::<_, Reject>(wasm)
                }
            }
        })?;
        let mut u = Unstructured::new(plan_bytes);
        let case = Case::from_wasm(wasm, &mut u, features, det)?;
        Ok((case, u))
    }

    /// A Case for an existing module, calls planned from the bytes.
    pub fn from_wasm(
        wasm: Vec<u8>,
        u: &mut Unstructured<'_>,
        features: Features,
        det: Determinism,
    ) -> Result<Case, Reject> {
        // GC references and exceptions are observed through probe exports
        // (added once: a saved module that has them keeps them).
        let wasm = crate::probes::with_probes(wasm).map_err(Reject::Module)?;
        let info = ModuleInfo::of(&wasm).map_err(|e| Reject::Module(e.to_string()))?;
        let calls = plan_calls(u, &info)?;
        Ok(Case { plan: Plan { wasm, calls, observe: info.observe.clone() }, info, features, determinism: det })
    }
}

/// The last module [`Case::smith`] generated on this thread, by the bytes,
/// proposals and determinism it came from. The module is a pure function
/// of those, so the cache changes no Case; it saves wasm-smith's time when
/// consecutive inputs differ only in their plan part (see
/// [`crate::fuzz::CampaignOptions::reuse`]).
struct CachedModule {
    key: (Features, Determinism),
    bytes: Vec<u8>,
    wasm: Vec<u8>,
}

thread_local! {
    static LAST_MODULE: std::cell::RefCell<Option<CachedModule>> = const { std::cell::RefCell::new(None) };
}

/// wasm-smith's module for `module_bytes`: configured by [`smith_config`],
/// made to terminate, without a start section when the Case is judged.
pub(crate) fn smith_module(module_bytes: &[u8], features: Features, det: Determinism) -> Result<Vec<u8>, Reject> {
    smith_module_with(module_bytes, features, det, false)
}

/// [`smith_module`], with functions wasm-smith makes invalid on purpose
/// when `allow_invalid_funcs` (the `validate` target); those modules get
/// no termination instrumentation (they never run).
pub(crate) fn smith_module_with(
    module_bytes: &[u8],
    features: Features,
    det: Determinism,
    allow_invalid_funcs: bool,
) -> Result<Vec<u8>, Reject> {
    smith_module_configured(module_bytes, features, det, |c| c.allow_invalid_funcs = allow_invalid_funcs)
}

/// [`smith_module`] with the drawn configuration adjusted by `adjust`
/// (e.g. more functions, for measuring the reducer on large modules).
pub fn smith_module_configured(
    module_bytes: &[u8],
    features: Features,
    det: Determinism,
    adjust: impl FnOnce(&mut wasm_smith::Config),
) -> Result<Vec<u8>, Reject> {
    let mut m = Unstructured::new(module_bytes);
    let mut config = smith_config(&mut m, features, det)?;
    adjust(&mut config);
    let allow_invalid_funcs = config.allow_invalid_funcs;
    let mut module = wasm_smith::Module::new(config, &mut m).map_err(|e| Reject::Smith(e.to_string()))?;
    if !allow_invalid_funcs {
        module.ensure_termination(FUEL).map_err(|e| Reject::Smith(e.to_string()))?;
    }
    let mut wasm = module.to_bytes();
    if det.is_judged() {
        // Instantiation runs the start function without masks: keep it
        // out of judged Cases (it stays exported and callable).
        wasm = without_start_section(&wasm).map_err(|e| Reject::Module(e.to_string()))?;
    }
    Ok(wasm)
}

/// The module without its start section (every other section as it was).
pub fn without_start_section(wasm: &[u8]) -> Result<Vec<u8>, wasmparser::BinaryReaderError> {
    let mut module = wasm_encoder::Module::new();
    let mut has_start = false;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let wasmparser::Payload::StartSection { .. } = payload {
            has_start = true;
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            module.section(&wasm_encoder::RawSection { id, data: &wasm[range] });
        }
    }
    Ok(if has_start { module.finish() } else { wasm.to_vec() })
}

/// Up to [`MAX_CALLS`] calls of exported functions, arguments edge-biased.
pub fn plan_calls(u: &mut Unstructured<'_>, info: &ModuleInfo) -> arbitrary::Result<Vec<Call>> {
    let mut calls = Vec::new();
    if info.funcs.is_empty() {
        return Ok(calls);
    }
    // Every export once first (in export order) unless the bytes say
    // otherwise (running out of bytes reads as "yes"), so small modules are
    // fully exercised; then random extra calls.
    if !u.arbitrary::<bool>()? {
        for f in info.funcs.iter().take(MAX_CALLS) {
            let args = f.params.iter().map(|t| argument(u, info, *t)).collect::<arbitrary::Result<_>>()?;
            calls.push(Call { export: f.name.clone(), args });
        }
    }
    let extra = u.int_in_range(0..=MAX_CALLS - calls.len().min(MAX_CALLS))?;
    for _ in 0..extra {
        let f = u.choose(&info.funcs)?;
        let args = f.params.iter().map(|t| argument(u, info, *t)).collect::<arbitrary::Result<_>>()?;
        calls.push(Call { export: f.name.clone(), args });
    }
    Ok(calls)
}

/// One argument: integers may be edge addresses of the module's memories
/// ([`crate::addresses::maybe_edge`]), everything else edge-biased values.
fn argument(u: &mut Unstructured<'_>, info: &ModuleInfo, ty: ValType) -> arbitrary::Result<Val> {
    use crate::addresses::maybe_edge;
    Ok(match ty {
        ValType::I32 => Val::I32(maybe_edge(u, info, |u| arbitrary_val(u, ty).map(|v| v.bits() as u64))? as u32),
        ValType::I64 => Val::I64(maybe_edge(u, info, |u| arbitrary_val(u, ty).map(|v| v.bits() as u64))?),
        _ => arbitrary_val(u, ty)?,
    })
}
