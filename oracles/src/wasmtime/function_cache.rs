//! Cranelift's incremental compilation cache, in memory, shared by every
//! Wasmtime engine of the process (Cranelift and Pulley; Winch compiles
//! without it): a function Cranelift compiled once is not compiled again
//! under the same settings.
//!
//! Cranelift keys a compiled function by a SHA-256 of its IR (with the
//! function's index and external names abstracted) and of every shared
//! and ISA flag, so a hit is the code a fresh compile gives (a test
//! compares the two). Every function of every Case still runs; only a
//! second compile of the same function under the same settings is saved.
//! Under libFuzzer most inputs are near relatives of one another (a byte
//! changed, one function mutated, new operands for the same instruction):
//! their unchanged functions come from here. The cache is emptied when it
//! holds [`FUNCTION_CACHE_MAX_BYTES`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Bytes of compiled code kept before the cache is emptied.
pub const FUNCTION_CACHE_MAX_BYTES: usize = 64 << 20;

/// The process's cache of compiled functions.
#[derive(Debug, Default)]
pub struct FunctionCache {
    entries: Mutex<Entries>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<Vec<u8>, Vec<u8>>,
    bytes: usize,
}

impl FunctionCache {
    /// The one cache every engine of this process shares.
    pub fn shared() -> Arc<FunctionCache> {
        static CACHE: OnceLock<Arc<FunctionCache>> = OnceLock::new();
        CACHE.get_or_init(|| Arc::new(FunctionCache::default())).clone()
    }

    /// Functions found in the cache and functions compiled, so far.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

impl wasmtime::CacheStore for FunctionCache {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let found = entries.map.get(key).map(|v| Cow::Owned(v.clone()));
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let size = key.len() + value.len();
        if entries.bytes + size > FUNCTION_CACHE_MAX_BYTES {
            entries.map.clear();
            entries.bytes = 0;
        }
        if entries.map.insert(key.to_vec(), value).is_none() {
            entries.bytes += size;
        }
        true
    }
}
