//! The host machine as the reports name it: which x86-64 features its CPU
//! has. Wasmtime's CPU profiles are checked against it, and a sweep prints
//! it, since some engines' results depend on it.

/// The host CPU features a report names ([`host_features`]): the ones the
/// CPU profiles turn off, and those an engine's results have been seen to
/// depend on (V8's relaxed dot product sums differently with AVX-VNNI:
/// docs/findings/v8-relaxed-dot-add-unsaturated.md).
pub const REPORTED_HOST_FEATURES: &[&str] = &[
    "sse3",
    "ssse3",
    "sse4.1",
    "sse4.2",
    "popcnt",
    "avx",
    "avx2",
    "fma",
    "bmi1",
    "bmi2",
    "lzcnt",
    "avx512f",
    "avx512vl",
    "avx512dq",
    "avx512bw",
    "avx512vnni",
    "avxvnni",
];

/// The host: its architecture and which of [`REPORTED_HOST_FEATURES`] its
/// CPU has (`x86_64: sse3 ssse3 … avxvnni`), so a report read on
/// another machine says what ran it.
pub fn host_features() -> String {
    let present: Vec<&str> = REPORTED_HOST_FEATURES.iter().copied().filter(|f| host_has(f)).collect();
    format!("{}: {}", std::env::consts::ARCH, if present.is_empty() { "-".to_string() } else { present.join(" ") })
}

/// Whether the host CPU has an x86-64 feature (by its usual name).
pub fn host_has(feature: &str) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        match feature {
            "sse3" => std::arch::is_x86_feature_detected!("sse3"),
            "ssse3" => std::arch::is_x86_feature_detected!("ssse3"),
            "sse4.1" => std::arch::is_x86_feature_detected!("sse4.1"),
            "sse4.2" => std::arch::is_x86_feature_detected!("sse4.2"),
            "popcnt" => std::arch::is_x86_feature_detected!("popcnt"),
            "avx" => std::arch::is_x86_feature_detected!("avx"),
            "avx2" => std::arch::is_x86_feature_detected!("avx2"),
            "fma" => std::arch::is_x86_feature_detected!("fma"),
            "bmi1" => std::arch::is_x86_feature_detected!("bmi1"),
            "bmi2" => std::arch::is_x86_feature_detected!("bmi2"),
            "lzcnt" => std::arch::is_x86_feature_detected!("lzcnt"),
            "avx512f" => std::arch::is_x86_feature_detected!("avx512f"),
            "avx512vl" => std::arch::is_x86_feature_detected!("avx512vl"),
            "avx512dq" => std::arch::is_x86_feature_detected!("avx512dq"),
            "avx512bw" => std::arch::is_x86_feature_detected!("avx512bw"),
            "avx512vnni" => std::arch::is_x86_feature_detected!("avx512vnni"),
            "avxvnni" => std::arch::is_x86_feature_detected!("avxvnni"),
            _ => false,
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = feature;
        false
    }
}
