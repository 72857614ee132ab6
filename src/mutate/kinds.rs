//! Which wasm-mutate mutator made a mutation. wasm-mutate does not return
//! it; it logs `mutator `NAME` succeeded` at debug level. A logger that
//! keeps only those lines, per thread, turns them into mutation kinds.

use std::cell::RefCell;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads inside [`capture`] now.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

struct KindLogger;

impl log::Log for KindLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target().starts_with("wasm_mutate") && CAPTURED.with(|c| c.borrow().is_some())
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let line = record.args().to_string();
        if let Some(name) = line.strip_prefix("mutator `").and_then(|r| r.strip_suffix("` succeeded")) {
            CAPTURED.with(|c| {
                if let Some(v) = c.borrow_mut().as_mut() {
                    v.push(name.to_string());
                }
            });
        }
    }

    fn flush(&self) {}
}

/// Runs `f`, returning what it returned and the names of the wasm-mutate
/// mutators that succeeded meanwhile on this thread. When another logger
/// was installed first, the names are not seen (an empty list).
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        if log::set_logger(&KindLogger).is_ok() {
            log::set_max_level(log::LevelFilter::Off);
        }
    });
    CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
    // Debug level only while some thread's mutation runs: engines' own
    // debug logging stays off (it would cost them time to format).
    if ACTIVE.fetch_add(1, Ordering::SeqCst) == 0 {
        log::set_max_level(log::LevelFilter::Debug);
    }
    let out = f();
    if ACTIVE.fetch_sub(1, Ordering::SeqCst) == 1 {
        log::set_max_level(log::LevelFilter::Off);
    }
    let kinds = CAPTURED.with(|c| c.borrow_mut().take()).unwrap_or_default();
    (out, kinds)
}
