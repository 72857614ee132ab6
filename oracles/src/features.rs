//! WebAssembly proposals an engine supports, so a Case enables only what the
//! engines it is compared on have (see `crosscheck::swarm`).

use std::fmt;

macro_rules! features {
    ($($field:ident = $name:literal,)*) => {
        /// A set of WebAssembly proposals (beyond the 1.0 core).
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct Features {
            $(pub $field: bool,)*
        }

        impl Features {
            /// Every proposal crosscheck knows of.
            pub const ALL: Features = Features { $($field: true,)* };
            /// The 1.0 core alone.
            pub const NONE: Features = Features { $($field: false,)* };

            /// The proposals both sets have.
            pub fn intersect(self, other: Features) -> Features {
                Features { $($field: self.$field && other.$field,)* }
            }

            /// `(name, enabled)` for each proposal, in a fixed order.
            pub fn iter(&self) -> impl Iterator<Item = (&'static str, bool)> {
                [$(($name, self.$field),)*].into_iter()
            }

            /// The set with the proposal called `name` (as [`Features::iter`]
            /// names it) added, or `None` for a name it does not know.
            pub fn with_named(mut self, name: &str) -> Option<Features> {
                match name {
                    $($name => self.$field = true,)*
                    _ => return None,
                }
                Some(self)
            }
            /// The proposals in `self` that `other` lacks.
            pub fn missing_from(&self, other: &Features) -> Vec<&'static str> {
                let mut out = Vec::new();
                $(if self.$field && !other.$field { out.push($name); })*
                out
            }
        }
    };
}

features! {
    sign_extension = "sign-extension",
    saturating_float_to_int = "saturating-float-to-int",
    multi_value = "multi-value",
    bulk_memory = "bulk-memory",
    reference_types = "reference-types",
    simd = "simd",
    relaxed_simd = "relaxed-simd",
    tail_call = "tail-call",
    multi_memory = "multi-memory",
    extended_const = "extended-const",
    memory64 = "memory64",
    threads = "threads",
    wide_arithmetic = "wide-arithmetic",
    custom_page_sizes = "custom-page-sizes",
    gc = "gc",
    exceptions = "exceptions",
}

impl Features {
    /// The proposals of WebAssembly 2.0 (all on by default in every engine here).
    pub const WASM2: Features = Features {
        sign_extension: true,
        saturating_float_to_int: true,
        multi_value: true,
        bulk_memory: true,
        reference_types: true,
        simd: true,
        ..Features::NONE
    };
}

impl fmt::Display for Features {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on: Vec<_> = self.iter().filter(|(_, on)| *on).map(|(n, _)| n).collect();
        if on.is_empty() { f.write_str("(core 1.0 only)") } else { f.write_str(&on.join(",")) }
    }
}

impl Features {
    /// The wasmparser feature set that validates exactly these proposals
    /// (plus the 1.0 core and mutable globals).
    pub fn to_wasmparser(self) -> wasmparser::WasmFeatures {
        use wasmparser::WasmFeatures as W;
        let mut w = W::WASM1 | W::MUTABLE_GLOBAL | W::FLOATS;
        let pairs = [
            (self.sign_extension, W::SIGN_EXTENSION),
            (self.saturating_float_to_int, W::SATURATING_FLOAT_TO_INT),
            (self.multi_value, W::MULTI_VALUE),
            (self.bulk_memory, W::BULK_MEMORY),
            (self.reference_types, W::REFERENCE_TYPES),
            (self.simd, W::SIMD),
            (self.relaxed_simd, W::RELAXED_SIMD),
            (self.tail_call, W::TAIL_CALL),
            (self.multi_memory, W::MULTI_MEMORY),
            (self.extended_const, W::EXTENDED_CONST),
            (self.memory64, W::MEMORY64),
            (self.threads, W::THREADS),
            (self.wide_arithmetic, W::WIDE_ARITHMETIC),
            (self.custom_page_sizes, W::CUSTOM_PAGE_SIZES),
            (self.gc, W::GC | W::FUNCTION_REFERENCES | W::GC_TYPES),
            (self.exceptions, W::EXCEPTIONS),
        ];
        for (on, f) in pairs {
            if on {
                w |= f;
            }
        }
        w
    }

    /// Validates `wasm` against exactly these proposals.
    pub fn validate(self, wasm: &[u8]) -> Result<(), wasmparser::BinaryReaderError> {
        wasmparser::Validator::new_with_features(self.to_wasmparser()).validate_all(wasm).map(|_| ())
    }
}
