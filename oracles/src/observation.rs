//! What a Case asks of an engine (a [`Plan`]) and what the engine was seen
//! to do (an [`Observation`]): instantiation, every call's outcome, and the
//! final exported state. Both are plain data, so in-process and
//! out-of-process engines produce the same thing.

use crate::value::{CallOutcome, TrapKind, Val};
use std::fmt;

/// One call of an exported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub export: String,
    pub args: Vec<Val>,
}

/// The exports whose final state is observed, in the module's export order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exports {
    pub globals: Vec<String>,
    pub memories: Vec<String>,
    pub tables: Vec<String>,
}

impl Exports {
    /// Reads the exported globals, memories and tables of a module.
    pub fn of_module(wasm: &[u8]) -> Result<Exports, wasmparser::BinaryReaderError> {
        let mut exports = Exports::default();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::ExportSection(reader) = payload? {
                for export in reader {
                    let export = export?;
                    let list = match export.kind {
                        wasmparser::ExternalKind::Global => &mut exports.globals,
                        wasmparser::ExternalKind::Memory => &mut exports.memories,
                        wasmparser::ExternalKind::Table => &mut exports.tables,
                        _ => continue,
                    };
                    list.push(export.name.to_string());
                }
            }
        }
        Ok(exports)
    }
}

/// Everything one engine is asked to do for a Case: instantiate the module,
/// make the calls in order, then report the state of the observed exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub wasm: Vec<u8>,
    pub calls: Vec<Call>,
    pub observe: Exports,
}

/// Why an engine did not produce an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstantiateError {
    /// The engine rejected the module (validation or compilation).
    Rejected(String),
    /// Instantiation trapped (a segment out of bounds, the start function).
    Trapped(TrapKind),
    /// A resource limit of the engine: inconclusive.
    Exhausted(String),
    /// The module needs a feature this engine (as configured) lacks.
    Unsupported(String),
    /// The engine itself failed (a crashed worker, a time-out): inconclusive.
    Failed(String),
}

impl fmt::Display for InstantiateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiateError::Rejected(m) => write!(f, "rejected: {m}"),
            InstantiateError::Trapped(k) => write!(f, "trapped during instantiation: {k}"),
            InstantiateError::Exhausted(m) => write!(f, "exhausted: {m}"),
            InstantiateError::Unsupported(m) => write!(f, "unsupported: {m}"),
            InstantiateError::Failed(m) => write!(f, "engine failed: {m}"),
        }
    }
}

/// Size and null pattern of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableState {
    pub size: u64,
    /// `true` where the element is null, one entry per element.
    pub null: Vec<bool>,
}

/// A memory's bytes with a digest to compare cheaply.
#[derive(Clone, PartialEq, Eq)]
pub struct MemoryState {
    pub digest: u64,
    pub bytes: Vec<u8>,
}

impl MemoryState {
    pub fn new(bytes: Vec<u8>) -> MemoryState {
        MemoryState { digest: digest(&bytes), bytes }
    }
}

impl fmt::Debug for MemoryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemoryState({} bytes, digest {:016x})", self.bytes.len(), self.digest)
    }
}

/// FNV-1a over 8-byte words: fast, and stable across hosts and runs.
pub fn digest(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
        h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3);
    }
    for &b in chunks.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The final state of the observed exports, in [`Exports`] order. `None`
/// where the engine does not see an export the module declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub globals: Vec<Option<Val>>,
    pub memories: Vec<Option<MemoryState>>,
    pub tables: Vec<Option<TableState>>,
}

/// Bits the spec leaves open, parallel to an [`Observation`]: a set bit
/// means "any value is allowed here". Engines other than the reference
/// interpreter report none (every bit determined).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Masks {
    /// Per call, per result value.
    pub results: Vec<Vec<u128>>,
    pub globals: Vec<u128>,
    /// Per memory, per byte (empty: every byte determined).
    pub memories: Vec<Vec<u8>>,
}

impl Masks {
    pub fn result(&self, call: usize, index: usize) -> u128 {
        self.results.get(call).and_then(|r| r.get(index)).copied().unwrap_or(0)
    }
    pub fn global(&self, index: usize) -> u128 {
        self.globals.get(index).copied().unwrap_or(0)
    }
    /// The mask of memory `index`; `None` (also for an empty mask) when
    /// every byte is determined.
    pub fn memory(&self, index: usize) -> Option<&[u8]> {
        self.memories.get(index).filter(|m| !m.is_empty()).map(|m| m.as_slice())
    }
}

/// What one engine did with a [`Plan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    pub instantiation: Result<(), InstantiateError>,
    /// One outcome per planned call (empty when instantiation failed).
    pub calls: Vec<CallOutcome>,
    pub state: State,
    /// The open bits of this observation (reference interpreter only).
    pub masks: Option<Masks>,
    /// Where the engine refused a `memory.grow` or `table.grow` for its own
    /// reasons, one entry per refused grow, in order (see [`Step`]).
    pub refused_grows: Vec<Step>,
}

impl Observation {
    /// An observation of an engine that failed before doing anything.
    pub fn failed(err: InstantiateError) -> Observation {
        Observation::new(Err(err), Vec::new(), State::default(), None)
    }

    /// An observation in which the engine refused no grow.
    pub fn new(
        instantiation: Result<(), InstantiateError>,
        calls: Vec<CallOutcome>,
        state: State,
        masks: Option<Masks>,
    ) -> Observation {
        Observation { instantiation, calls, state, masks, refused_grows: Vec::new() }
    }
}

/// Where in a run something happened: instantiation (a start function) or
/// one of the plan's calls.
///
/// Used for the grows an engine refuses for its own reasons: the spec lets
/// `memory.grow` and `table.grow` fail (return -1) for any reason of the
/// implementation, so a grow one engine refuses and another performs sends
/// the two down different paths that are both correct. Only the engine's
/// own refusals count — a resource limit, a reservation it cannot grow
/// past, a failed allocation — never a failure every engine must report (a
/// new size past the declared maximum or the address type's limit).
/// Engines that cannot tell ([`Instance::refused_grows`](crate::Instance::refused_grows)
/// answers 0) report none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Instantiation,
    Call(usize),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Instantiation => f.write_str("instantiation"),
            Step::Call(i) => write!(f, "call #{i}"),
        }
    }
}
