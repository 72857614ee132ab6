//! The fixed, named table of proposal sets a differential input's first
//! byte (the swarm byte) picks from, so the same bytes give the same module
//! on every host whatever engines are installed or selected.
//!
//! Each profile is the proposal set of one engine (or of a group of
//! engines) as crosscheck knows it at build time — never probed at run
//! time. A Case allowed a proposal some engine of the campaign lacks is
//! still run: the engine sits out (the judge counts the pair as
//! "unsupported") when the module really uses that proposal.

use crosscheck_oracles::Features;

/// One entry of [`PROFILES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Whose proposal set this is.
    pub name: &'static str,
    pub features: Features,
}

/// Every proposal of WebAssembly 3.0 and beyond that the reference
/// interpreter, Wasmtime's Cranelift and V8 run: GC (with typed function
/// references) and exception handling included (no custom page sizes).
pub const WASM3: Features = Features { custom_page_sizes: false, ..Features::ALL };

/// The same without GC and exceptions, which Winch and wasmi lack.
pub const FULL: Features = Features { gc: false, exceptions: false, ..WASM3 };

/// What Winch lacks.
const WINCH: Features = Features { relaxed_simd: false, tail_call: false, ..FULL };

/// What Pulley and wasmi lack.
const NO_THREADS: Features = Features { threads: false, ..FULL };

const WASM3_P: Profile = Profile { name: "wasm3", features: WASM3 };
const FULL_P: Profile = Profile { name: "full", features: FULL };
const NO_THREADS_P: Profile = Profile { name: "pulley-wasmi", features: NO_THREADS };
const BASELINE_P: Profile = Profile { name: "winch-pulley-wasmi", features: Features { threads: false, ..WINCH } };

/// The proposal sets a swarm byte picks from, by `swarm % PROFILES.len()`.
/// Weights: relaxed SIMD and tail calls in 12 of 16 (the planted
/// `relaxed-lane` fault needs modules that use relaxed SIMD), threads in 8,
/// GC and exceptions in 3 (Winch and wasmi sit those Cases out when the
/// module uses them), Winch's whole set in 3 (Winch also runs any Case
/// whose module happens not to use what it lacks), WebAssembly 2.0 alone
/// in 1.
pub const PROFILES: &[Profile] = &[
    FULL_P,
    WASM3_P,
    FULL_P,
    FULL_P,
    WASM3_P,
    FULL_P,
    WASM3_P,
    NO_THREADS_P,
    NO_THREADS_P,
    NO_THREADS_P,
    NO_THREADS_P,
    NO_THREADS_P,
    Profile { name: "winch", features: WINCH },
    BASELINE_P,
    BASELINE_P,
    Profile { name: "wasm2", features: Features::WASM2 },
];

/// The swarm bytes that pick the profile called `name`, or an error that
/// lists the names.
pub fn indices_named(name: &str) -> Result<Vec<u8>, String> {
    let found: Vec<u8> = (0..PROFILES.len() as u8).filter(|&i| PROFILES[i as usize].name == name).collect();
    if found.is_empty() {
        let mut names: Vec<&str> = PROFILES.iter().map(|p| p.name).collect();
        names.dedup();
        names.sort();
        names.dedup();
        return Err(format!("no swarm profile {name:?} (profiles: {})", names.join(", ")));
    }
    Ok(found)
}

/// The profile the swarm byte `swarm` picks.
pub fn profile(swarm: u8) -> Profile {
    PROFILES[swarm as usize % PROFILES.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_is_within_the_full_set() {
        for p in PROFILES {
            assert!(p.features.missing_from(&WASM3).is_empty(), "{}", p.name);
        }
        assert_eq!(profile(0).features, FULL);
        assert_eq!(profile(1).features, WASM3);
        assert_eq!(profile(12).name, "winch");
        assert_eq!(profile(16 + 15).name, "wasm2");
        let with = |f: fn(&Features) -> bool| PROFILES.iter().filter(|p| f(&p.features)).count();
        assert_eq!(with(|f| f.relaxed_simd), 12);
        assert_eq!(with(|f| f.tail_call), 12);
        assert_eq!(with(|f| f.threads), 8);
        assert_eq!(with(|f| f.gc), 3);
        assert_eq!(with(|f| f.exceptions), 3);
    }
}
