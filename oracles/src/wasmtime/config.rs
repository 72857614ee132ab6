//! Reproducible Wasmtime configurations: strategy, Cranelift options, CPU
//! features switched off (closed under dependencies), memory layout and
//! initialization.

use super::function_cache::FunctionCache;
use crate::engine_spec::{ConfigError, format_bytes, parse_bool, parse_bytes};
use crate::features::Features;
use crate::host::host_has;
use arbitrary::Unstructured;
use std::fmt;

/// Which of Wasmtime's compilers (or its interpreter) runs the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    Cranelift,
    Winch,
    Pulley,
}

impl Strategy {
    pub fn engine_name(self) -> &'static str {
        match self {
            Strategy::Cranelift => "wasmtime",
            Strategy::Winch => "winch",
            Strategy::Pulley => "pulley",
        }
    }
}

/// Cranelift's optimization level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptLevel {
    None,
    Speed,
    SpeedAndSize,
}

/// Cranelift's register allocator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Regalloc {
    Backtracking,
    SinglePass,
}

/// x86-64 features Cranelift can be told the host lacks, each with the
/// features that depend on it (disabling one disables those too).
pub const CPU_FEATURES: &[(&str, &[&str])] = &[
    ("has_sse3", &["has_ssse3"]),
    ("has_ssse3", &["has_sse41"]),
    ("has_sse41", &["has_sse42"]),
    ("has_sse42", &["has_avx"]),
    ("has_avx", &["has_avx2", "has_fma"]),
    ("has_avx2", &["has_avx512f"]),
    ("has_fma", &[]),
    ("has_avx512f", &["has_avx512dq", "has_avx512vl", "has_avx512bitalg", "has_avx512vbmi"]),
    ("has_avx512dq", &[]),
    ("has_avx512vl", &[]),
    ("has_avx512bitalg", &[]),
    ("has_avx512vbmi", &[]),
    ("has_bmi1", &[]),
    ("has_bmi2", &[]),
    ("has_lzcnt", &[]),
    ("has_popcnt", &[]),
];

/// A named x86-64 CPU-feature profile for Cranelift: the features switched
/// off (closed under dependencies), and the host features the profile
/// needs (it only ever turns features off, so a host without them cannot
/// run it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CpuProfile {
    pub name: &'static str,
    pub disabled: &'static [&'static str],
    pub requires: &'static [&'static str],
}

/// The profiles of the conformance sweep, oldest machine first.
pub const CPU_PROFILES: &[CpuProfile] = &[
    CpuProfile {
        name: "sse2",
        disabled: &["has_sse3", "has_bmi1", "has_bmi2", "has_lzcnt", "has_popcnt"],
        requires: &[],
    },
    CpuProfile {
        name: "ssse3",
        disabled: &["has_sse41", "has_bmi1", "has_bmi2", "has_lzcnt", "has_popcnt"],
        requires: &["sse3", "ssse3"],
    },
    CpuProfile {
        name: "sse4.2",
        disabled: &["has_avx", "has_bmi1", "has_bmi2", "has_lzcnt"],
        requires: &["sse3", "ssse3", "sse4.1", "sse4.2", "popcnt"],
    },
    CpuProfile {
        name: "avx",
        disabled: &["has_avx2", "has_fma", "has_bmi1", "has_bmi2", "has_lzcnt"],
        requires: &["sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx"],
    },
    CpuProfile {
        name: "avx2",
        disabled: &["has_avx512f"],
        requires: &["sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "lzcnt"],
    },
    CpuProfile {
        name: "avx512",
        disabled: &[],
        requires: &[
            "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "lzcnt", "avx512f",
            "avx512vl", "avx512dq",
        ],
    },
];

impl CpuProfile {
    pub fn by_name(name: &str) -> Option<&'static CpuProfile> {
        CPU_PROFILES.iter().find(|p| p.name == name)
    }

    /// The host features this profile needs that the host lacks.
    pub fn missing_on_host(&self) -> Vec<&'static str> {
        self.requires.iter().copied().filter(|f| !host_has(f)).collect()
    }

    /// Cranelift's default configuration with this profile's features off.
    pub fn config(&self) -> WasmtimeConfig {
        WasmtimeConfig {
            disabled_cpu_features: close_under_dependencies(self.disabled),
            ..WasmtimeConfig::default_for(Strategy::Cranelift)
        }
    }
}

/// Smallest reservation of a memory that may not move: covers the largest
/// memory a generated Case declares (crosscheck keeps them at 4 pages).
pub const MIN_FIXED_RESERVATION: u64 = 1 << 20;

/// Wasmtime's garbage collector (used only by modules with GC types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Collector {
    /// Deferred reference counting (Wasmtime's default).
    Drc,
    /// No collection: allocation fails once the heap is full (exhaustion).
    Null,
}

/// Linear-memory layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryLayout {
    pub reservation: u64,
    pub guard: u64,
    pub may_move: bool,
    pub signals_based_traps: bool,
    /// Whether Wasmtime initializes linear memories from a copy-on-write
    /// image made when the module is compiled (its default), or copies the
    /// data segments in at instantiation: two code paths to the same
    /// contents, drawn as Wasmtime's own fuzzing draws them.
    pub init_cow: bool,
}

/// One reproducible Wasmtime configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WasmtimeConfig {
    pub strategy: Strategy,
    pub opt_level: OptLevel,
    pub regalloc: Regalloc,
    /// Cranelift `has_*` flags forced off, closed under dependencies, in
    /// [`CPU_FEATURES`] order.
    pub disabled_cpu_features: Vec<&'static str>,
    pub memory: MemoryLayout,
    /// Drawn only for Cases whose engines all run GC (see
    /// [`WasmtimeConfig::draw_collector`]).
    pub collector: Collector,
}

impl WasmtimeConfig {
    /// Wasmtime's defaults for a strategy.
    pub fn default_for(strategy: Strategy) -> WasmtimeConfig {
        WasmtimeConfig {
            strategy,
            opt_level: OptLevel::Speed,
            regalloc: Regalloc::Backtracking,
            disabled_cpu_features: Vec::new(),
            memory: MemoryLayout {
                reservation: 4 << 30,
                guard: 32 << 20,
                may_move: true,
                signals_based_traps: true,
                init_cow: true,
            },
            collector: Collector::Drc,
        }
    }

    /// Draws the garbage collector, for Cases with GC on (Cases without
    /// consume no byte for it, so they stay what they were).
    pub fn draw_collector(&mut self, u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
        self.collector = if u.arbitrary()? { Collector::Null } else { Collector::Drc };
        Ok(())
    }

    /// Draws a configuration from fuzz bytes. The same bytes give the same
    /// configuration on any host: every choice consumes its bytes even where
    /// it ends up not applying.
    pub fn arbitrary(strategy: Strategy, u: &mut Unstructured<'_>) -> arbitrary::Result<Self> {
        let opt_level = *u.choose(&[OptLevel::None, OptLevel::Speed, OptLevel::SpeedAndSize])?;
        let regalloc = *u.choose(&[Regalloc::Backtracking, Regalloc::SinglePass])?;
        let mut off: Vec<&'static str> = Vec::new();
        for (flag, _) in CPU_FEATURES {
            // One in four: enough to reach every fallback lowering often
            // while most Cases still see the host's best code.
            if u.ratio(1u8, 4u8)? {
                off.push(flag);
            }
        }
        let disabled_cpu_features = close_under_dependencies(&off);
        let mut reservation = *u.choose(&[0, 1 << 16, 1 << 20, 4 << 30, 8 << 30])?;
        let guard = *u.choose(&[0, 1 << 16, 32 << 20, 2 << 30])?;
        let may_move: bool = u.arbitrary()?;
        let mut signals_based_traps = u.arbitrary()?;
        // Drawn after the others, so they read the bytes they read before
        // it was (what follows the configuration shifts by a byte);
        // run-out bytes keep Wasmtime's default (copy-on-write).
        let init_cow = !u.arbitrary::<bool>()?;
        if !may_move {
            // A memory that may not move cannot grow past its reservation:
            // `memory.grow` would fail (as the spec allows) where the other
            // engines grow. Reserve at least what a Case's memories may reach.
            reservation = reservation.max(MIN_FIXED_RESERVATION);
        }
        if strategy == Strategy::Winch {
            // Winch has no explicit trap checks; it requires signals.
            signals_based_traps = true;
        }
        Ok(WasmtimeConfig {
            strategy,
            opt_level,
            regalloc,
            disabled_cpu_features,
            memory: MemoryLayout { reservation, guard, may_move, signals_based_traps, init_cow },
            collector: Collector::Drc,
        })
    }

    /// The `wasmtime::Config` this stands for, with `features` enabled
    /// (Cranelift and Pulley compile through the process's
    /// [`FunctionCache`]).
    pub fn to_wasmtime(&self, features: Features) -> wasmtime::Result<wasmtime::Config> {
        let mut c = wasmtime::Config::new();
        match self.strategy {
            Strategy::Cranelift => {
                c.strategy(wasmtime::Strategy::Cranelift);
            }
            Strategy::Winch => {
                c.strategy(wasmtime::Strategy::Winch);
            }
            Strategy::Pulley => {
                c.strategy(wasmtime::Strategy::Cranelift);
                // The host pointer width decides the Pulley flavour.
                let target = if cfg!(target_pointer_width = "64") { "pulley64" } else { "pulley32" };
                c.target(target)?;
            }
        }
        c.cranelift_opt_level(match self.opt_level {
            OptLevel::None => wasmtime::OptLevel::None,
            OptLevel::Speed => wasmtime::OptLevel::Speed,
            OptLevel::SpeedAndSize => wasmtime::OptLevel::SpeedAndSize,
        });
        c.cranelift_regalloc_algorithm(match self.regalloc {
            Regalloc::Backtracking => wasmtime::RegallocAlgorithm::Backtracking,
            Regalloc::SinglePass => wasmtime::RegallocAlgorithm::SinglePass,
        });
        if self.strategy != Strategy::Pulley && cfg!(target_arch = "x86_64") {
            for flag in &self.disabled_cpu_features {
                // SAFETY: turning a CPU feature *off* only makes Cranelift
                // emit code for a smaller machine, which the host runs.
                unsafe {
                    c.cranelift_flag_set(flag, "false");
                }
            }
        }
        c.memory_reservation(self.memory.reservation);
        c.memory_guard_size(self.memory.guard);
        c.memory_may_move(self.memory.may_move);
        c.signals_based_traps(self.memory.signals_based_traps);
        c.memory_init_cow(self.memory.init_cow);
        c.wasm_backtrace_max_frames(None);
        c.native_unwind_info(false);
        c.wasm_simd(features.simd);
        c.wasm_relaxed_simd(features.relaxed_simd);
        c.wasm_bulk_memory(features.bulk_memory);
        c.wasm_reference_types(features.reference_types);
        c.wasm_multi_value(features.multi_value);
        c.wasm_tail_call(features.tail_call);
        c.wasm_multi_memory(features.multi_memory);
        c.wasm_extended_const(features.extended_const);
        c.wasm_memory64(features.memory64);
        c.wasm_threads(features.threads);
        c.shared_memory(features.threads);
        c.wasm_wide_arithmetic(features.wide_arithmetic);
        c.wasm_custom_page_sizes(features.custom_page_sizes);
        c.wasm_gc(features.gc);
        c.wasm_function_references(features.gc);
        c.wasm_exceptions(features.exceptions);
        if features.gc {
            c.collector(match self.collector {
                Collector::Drc => wasmtime::Collector::DeferredReferenceCounting,
                Collector::Null => wasmtime::Collector::Null,
            });
            // A GC heap that cannot grow past a fixed reservation: a module
            // allocating gigabytes (`array.new` of 1.6 billion elements) is
            // out of memory at once, exhaustion like the reference's own heap
            // limit, instead of a minute spent committing the memory.
            c.gc_heap_reservation(GC_HEAP_BYTES);
            c.gc_heap_reservation_for_growth(0);
            c.gc_heap_may_move(false);
        }
        c.wasm_stack_switching(false);
        if self.strategy != Strategy::Winch {
            c.enable_incremental_compilation(FunctionCache::shared())?;
        }
        Ok(c)
    }
}

/// The largest GC heap of a Case (see [`WasmtimeConfig`]'s GC settings).
pub const GC_HEAP_BYTES: u64 = 256 << 20;

/// The settings of a Wasmtime engine's bracket form, in printing order.
pub const SETTING_KEYS: &[&str] =
    &["opt", "regalloc", "cpu", "reservation", "guard", "may-move", "signals", "memory-init-cow", "collector"];

/// A CPU feature's usual name (`sse4.1`) for Cranelift's flag (`has_sse41`).
pub fn cpu_feature_name(flag: &str) -> String {
    match flag {
        "has_sse41" => "sse4.1".to_string(),
        "has_sse42" => "sse4.2".to_string(),
        f => f.trim_start_matches("has_").to_string(),
    }
}

/// Cranelift's flag for a CPU feature's usual name (`sse4.1` or `sse41`).
fn cpu_flag(name: &str) -> Option<&'static str> {
    CPU_FEATURES.iter().map(|(f, _)| *f).find(|f| cpu_feature_name(f) == name || f.trim_start_matches("has_") == name)
}

impl WasmtimeConfig {
    /// Sets one setting of the bracket form (see [`SETTING_KEYS`]).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let engine = self.strategy.engine_name();
        let bad = |expected: &str| ConfigError::bad_value(engine, key, value, expected);
        match key {
            "opt" => {
                self.opt_level = match value {
                    "none" => OptLevel::None,
                    "speed" => OptLevel::Speed,
                    "speed-and-size" => OptLevel::SpeedAndSize,
                    _ => return Err(bad("none, speed or speed-and-size")),
                }
            }
            "regalloc" => {
                self.regalloc = match value {
                    "backtracking" => Regalloc::Backtracking,
                    "single-pass" => Regalloc::SinglePass,
                    _ => return Err(bad("backtracking or single-pass")),
                }
            }
            "cpu" => {
                let expected = "host, or features to turn off: -avx,-sse4.1,...";
                let mut off = Vec::new();
                if value != "host" {
                    for item in value.split(',') {
                        let flag = item.trim().strip_prefix('-').and_then(cpu_flag).ok_or_else(|| bad(expected))?;
                        off.push(flag);
                    }
                }
                self.disabled_cpu_features = close_under_dependencies(&off);
            }
            "reservation" => self.memory.reservation = parse_bytes(engine, key, value)?,
            "guard" => self.memory.guard = parse_bytes(engine, key, value)?,
            "may-move" => self.memory.may_move = parse_bool(engine, key, value)?,
            "signals" => {
                let on = parse_bool(engine, key, value)?;
                if !on && self.strategy == Strategy::Winch {
                    return Err(bad("on (Winch needs signals-based traps)"));
                }
                self.memory.signals_based_traps = on;
            }
            "memory-init-cow" => self.memory.init_cow = parse_bool(engine, key, value)?,
            "collector" => {
                self.collector = match value {
                    "drc" => Collector::Drc,
                    "null" => Collector::Null,
                    _ => return Err(bad("drc or null")),
                }
            }
            _ => return Err(ConfigError::unknown_key(engine, key, SETTING_KEYS)),
        }
        Ok(())
    }

    /// Every setting, in the bracket form [`WasmtimeConfig::set`] reads:
    /// `opt=none,regalloc=single-pass,cpu=-sse4.1,reservation=4G,...`.
    /// CPU features are printed as the fewest that imply the rest.
    pub fn settings(&self) -> String {
        let opt = match self.opt_level {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
            OptLevel::SpeedAndSize => "speed-and-size",
        };
        let regalloc = match self.regalloc {
            Regalloc::Backtracking => "backtracking",
            Regalloc::SinglePass => "single-pass",
        };
        let implied: Vec<&str> = CPU_FEATURES
            .iter()
            .filter(|(f, _)| self.disabled_cpu_features.contains(f))
            .flat_map(|(_, deps)| deps.iter().copied())
            .collect();
        let roots: Vec<String> = self
            .disabled_cpu_features
            .iter()
            .filter(|f| !implied.contains(f))
            .map(|f| format!("-{}", cpu_feature_name(f)))
            .collect();
        let cpu = if roots.is_empty() { "host".to_string() } else { roots.join(",") };
        let m = &self.memory;
        let on = |b: bool| if b { "on" } else { "off" };
        // The collector only when it is not the default, so GC-less
        // configurations print as they always have.
        let collector = if self.collector == Collector::Null { ",collector=null" } else { "" };
        format!(
            "opt={opt},regalloc={regalloc},cpu={cpu},reservation={},guard={},may-move={},signals={},memory-init-cow={}{collector}",
            format_bytes(m.reservation),
            format_bytes(m.guard),
            on(m.may_move),
            on(m.signals_based_traps),
            on(m.init_cow)
        )
    }
}

/// Adds to `off` every feature that depends on one in it.
pub fn close_under_dependencies(off: &[&'static str]) -> Vec<&'static str> {
    let mut set: Vec<&'static str> = off.to_vec();
    // CPU_FEATURES lists a feature before its dependents, so one pass closes.
    for (flag, dependents) in CPU_FEATURES {
        if set.contains(flag) {
            for d in *dependents {
                if !set.contains(d) {
                    set.push(d);
                }
            }
        }
    }
    CPU_FEATURES.iter().map(|(f, _)| *f).filter(|f| set.contains(f)).collect()
}

impl fmt::Display for WasmtimeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.strategy)?;
        if self.strategy != Strategy::Winch {
            write!(f, " opt={:?} regalloc={:?}", self.opt_level, self.regalloc)?;
        }
        if !self.disabled_cpu_features.is_empty() && self.strategy != Strategy::Pulley {
            let off: Vec<_> = self.disabled_cpu_features.iter().map(|f| f.trim_start_matches("has_")).collect();
            write!(f, " cpu-off=[{}]", off.join(","))?;
        }
        let m = &self.memory;
        write!(
            f,
            " reservation={} guard={} may_move={} signals_based_traps={} memory_init_cow={}",
            m.reservation, m.guard, m.may_move, m.signals_based_traps, m.init_cow
        )
    }
}
