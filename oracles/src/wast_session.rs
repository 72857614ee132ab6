//! The seam for running `.wast` scripts on an engine: a [`WastSession`] is
//! one store in which modules are instantiated under names, registered for
//! other modules to import, invoked and inspected, with the spec tests'
//! `spectest` host module already defined.
//!
//! Every adapter (in process or, later, out of process) implements the same
//! four verbs; the script runner in the `crosscheck` crate parses scripts
//! and judges assertions, so no engine carries its own `.wast` logic.
//! Values cross the seam as [`WastVal`]: [`Val`]'s bits plus the host
//! payload of an `externref` (`ref.extern N`), which scripts compare.

use crate::features::Features;
use crate::value::{CallOutcome, TrapKind, Val};
use std::fmt;

/// A value passed to or returned by a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WastVal {
    I32(u32),
    I64(u64),
    /// The f32's bits.
    F32(u32),
    /// The f64's bits.
    F64(u64),
    V128(u128),
    /// A function reference: only null or not is observable.
    FuncRef {
        null: bool,
    },
    /// An external reference with its host payload (`ref.extern N`);
    /// `None` is `ref.null extern`.
    ExternRef(Option<u32>),
    /// An external reference wrapping an internal one
    /// (`extern.convert_any` of an `i31`, a struct or an array).
    ExternAny(AnyRef),
    /// A reference of the `any` hierarchy (GC); `None` is its null.
    AnyRef(Option<AnyRef>),
    /// An exception reference: only null or not is observable.
    ExnRef {
        null: bool,
    },
}

/// A non-null reference of the `any` hierarchy, as far as a host can see
/// it: a host payload, an `i31`'s value, or the kind of a GC object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnyRef {
    Host(u32),
    I31(u32),
    Struct,
    Array,
}

impl WastVal {
    /// The [`Val`] for this value (an externref keeps only null or not).
    /// [`Val`] has no GC or exception references yet: those become an
    /// externref that keeps null or not (Plans do not carry them).
    pub fn to_val(self) -> Val {
        match self {
            WastVal::I32(x) => Val::I32(x),
            WastVal::I64(x) => Val::I64(x),
            WastVal::F32(x) => Val::F32(x),
            WastVal::F64(x) => Val::F64(x),
            WastVal::V128(x) => Val::V128(x),
            WastVal::FuncRef { null } => Val::FuncRef { null },
            WastVal::ExternRef(r) => Val::ExternRef { null: r.is_none() },
            WastVal::ExternAny(_) => Val::ExternRef { null: false },
            WastVal::AnyRef(r) => Val::ExternRef { null: r.is_none() },
            WastVal::ExnRef { null } => Val::ExternRef { null },
        }
    }
}

impl fmt::Display for WastVal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WastVal::ExternRef(Some(n)) => write!(f, "ref.extern {n}"),
            WastVal::ExternRef(None) => f.write_str("ref.null extern"),
            WastVal::FuncRef { null: true } => f.write_str("ref.null func"),
            WastVal::FuncRef { null: false } => f.write_str("ref.func"),
            WastVal::ExternAny(r) => write!(f, "ref.extern ({})", WastVal::AnyRef(Some(*r))),
            WastVal::AnyRef(None) => f.write_str("ref.null any"),
            WastVal::AnyRef(Some(AnyRef::Host(n))) => write!(f, "ref.host {n}"),
            WastVal::AnyRef(Some(AnyRef::I31(n))) => write!(f, "ref.i31 {n}"),
            WastVal::AnyRef(Some(AnyRef::Struct)) => f.write_str("ref.struct"),
            WastVal::AnyRef(Some(AnyRef::Array)) => f.write_str("ref.array"),
            WastVal::ExnRef { null: true } => f.write_str("ref.null exn"),
            WastVal::ExnRef { null: false } => f.write_str("ref.exn"),
            other => write!(f, "{}", other.to_val()),
        }
    }
}

/// What an invocation did, with [`WastVal`] results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WastOutcome {
    Returned(Vec<WastVal>),
    Trapped(TrapKind),
    /// A resource limit (call stack, memory) was hit.
    Exhausted(String),
    /// An exception escaped the call (described: its tag and payload).
    Exception(String),
    /// The session could not make the call (no such instance or export, a
    /// value it cannot represent).
    Failed(String),
}

impl WastOutcome {
    /// The same outcome with plain [`Val`] results.
    pub fn from_call(outcome: CallOutcome) -> WastOutcome {
        match outcome {
            CallOutcome::Returned(vals) => WastOutcome::Returned(vals.into_iter().map(WastVal::from).collect()),
            CallOutcome::Trapped(k) => WastOutcome::Trapped(k),
            CallOutcome::Exhausted(m) => WastOutcome::Exhausted(m),
            CallOutcome::Failed(m) => WastOutcome::Failed(m),
            // Sessions run plain (unmasked) execution, which never reports it.
            CallOutcome::Undetermined(m) => WastOutcome::Failed(format!("undetermined: {m}")),
        }
    }
}

impl From<Val> for WastVal {
    /// A [`Val`] as a session value; a non-null externref without a known
    /// payload becomes `ref.extern 0`.
    fn from(v: Val) -> WastVal {
        match v {
            Val::I32(x) => WastVal::I32(x),
            Val::I64(x) => WastVal::I64(x),
            Val::F32(x) => WastVal::F32(x),
            Val::F64(x) => WastVal::F64(x),
            Val::V128(x) => WastVal::V128(x),
            Val::FuncRef { null } => WastVal::FuncRef { null },
            Val::ExternRef { null } => WastVal::ExternRef(if null { None } else { Some(0) }),
        }
    }
}

impl fmt::Display for WastOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WastOutcome::Returned(vals) if vals.is_empty() => f.write_str("()"),
            WastOutcome::Returned(vals) => {
                let parts: Vec<String> = vals.iter().map(|v| v.to_string()).collect();
                f.write_str(&parts.join(", "))
            }
            WastOutcome::Trapped(k) => write!(f, "trap: {k}"),
            WastOutcome::Exhausted(m) => write!(f, "exhausted: {m}"),
            WastOutcome::Exception(m) => write!(f, "uncaught exception: {m}"),
            WastOutcome::Failed(m) => write!(f, "failed: {m}"),
        }
    }
}

/// Why a session did not compile, instantiate or register a module.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WastError {
    /// The module is malformed or invalid (decoding, validation, compilation).
    #[error("invalid module: {0}")]
    Invalid(String),
    /// An import is missing or has an incompatible type.
    #[error("unlinkable: {0}")]
    Unlinkable(String),
    /// Instantiation trapped (a segment out of bounds, the start function).
    #[error("trapped during instantiation: {0}")]
    Trapped(TrapKind),
    /// A resource limit of the engine.
    #[error("exhausted: {0}")]
    Exhausted(String),
    /// The module needs something this engine does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// No instance of that name, or the engine itself failed.
    #[error("{0}")]
    Failed(String),
}

/// One `.wast` script's worth of engine state: a store with the `spectest`
/// module, instances by name and the names registered for importing.
///
/// Instance names are chosen by the caller (the runner names anonymous
/// modules itself); instantiating under a name already used replaces it.
pub trait WastSession {
    /// Decodes, validates and compiles a module without instantiating it.
    fn compile(&mut self, wasm: &[u8]) -> Result<(), WastError>;

    /// Compiles and instantiates a module as `instance`, resolving its
    /// imports against `spectest` and the registered names.
    fn instantiate(&mut self, instance: &str, wasm: &[u8]) -> Result<(), WastError>;

    /// Makes the exports of `instance` importable under the module name `as_name`.
    fn register(&mut self, as_name: &str, instance: &str) -> Result<(), WastError>;

    /// Calls an exported function of `instance`.
    fn invoke(&mut self, instance: &str, export: &str, args: &[WastVal]) -> WastOutcome;

    /// The current value of an exported global of `instance`.
    fn get(&mut self, instance: &str, global: &str) -> Option<WastVal>;
}

/// The contents of the `spectest` host module every session provides, as
/// the reference interpreter defines it.
pub mod spectest {
    use super::Features;
    use crate::value::ValType::{self, F32, F64, I32, I64};

    /// The module name.
    pub const MODULE: &str = "spectest";
    /// `print*` functions: name and parameter types (none return anything).
    pub const PRINT_FUNCS: &[(&str, &[ValType])] = &[
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    pub const GLOBAL_I32: i32 = 666;
    pub const GLOBAL_I64: i64 = 666;
    pub const GLOBAL_F32: f32 = 666.6;
    pub const GLOBAL_F64: f64 = 666.6;
    /// `table` (and `table64` where memory64 is supported): funcref, 10..20.
    pub const TABLE_MIN: u32 = 10;
    pub const TABLE_MAX: u32 = 20;
    /// `memory`: 1..2 pages.
    pub const MEMORY_MIN: u32 = 1;
    pub const MEMORY_MAX: u32 = 2;
    /// `shared_memory` (where threads are supported): 1..1 pages, shared.
    pub const SHARED_MEMORY_PAGES: u32 = 1;

    /// Whether `shared_memory` is defined for an engine with `features`.
    pub fn has_shared_memory(features: Features) -> bool {
        features.threads
    }

    /// Whether `table64` is defined for an engine with `features`.
    pub fn has_table64(features: Features) -> bool {
        features.memory64
    }
}
