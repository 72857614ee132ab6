//! Engine panics caught in process, with their message: a panic hook that,
//! while [`catch_panic`] runs on a thread, records the panic's text instead
//! of passing it on (libFuzzer's hook would abort the process), and
//! otherwise defers to the hook installed before it.

use std::cell::{Cell, RefCell};
use std::sync::Once;

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    static LAST: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs `f`; a panic comes back as its text (location and message, as a
/// worker's stderr would show it) instead of unwinding further.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                LAST.with(|l| *l.borrow_mut() = info.to_string());
            } else {
                previous(info);
            }
        }))
    });
    let was = CATCHING.with(|c| c.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    out.map_err(|_| LAST.with(|l| l.borrow_mut().split_off(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_keeps_its_message_and_a_documented_one_is_recognized_whatever_its_case() {
        let msg = catch_panic(|| -> u32 { panic!("CANNOT EMIT INST 'VPBROADCASTB' (needs AVX2)") }).unwrap_err();
        assert!(msg.contains("VPBROADCASTB"), "{msg}");
        assert_eq!(crate::triage::known_crash(&msg).map(|c| c.name), Some("winch-load-splat-needs-avx2"));
        let other = catch_panic(|| -> u32 { panic!("index out of bounds") }).unwrap_err();
        assert!(crate::triage::known_crash(&other).is_none());
        assert_eq!(catch_panic(|| 7), Ok(7));
    }
}
