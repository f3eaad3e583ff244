//! The panic boundary: no Rust panic ever unwinds into C.
//!
//! Each export wraps its body in [`ffi_boundary`] and names the value C callers must see if the
//! body panics — the same failure value the export documents for an internal error
//! (`SOCKET_ERROR`, `FALSE`, `INVALID_SOCKET`, `NULL`, ...). The panic message goes to stderr; the
//! process keeps running, as a Windows process does when a provider returns an error.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`; if it panics, reports the panic for `export` and returns `on_panic`.
pub fn ffi_boundary<T>(export: &str, on_panic: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            eprintln!("ws2emu: internal error in {export}: {message}; returning its failure value");
            on_panic
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_failure_value() {
        assert_eq!(ffi_boundary("test", -1, || -> i32 { panic!("boom") }), -1);
        assert_eq!(ffi_boundary("test", -1, || 7), 7);
    }
}
