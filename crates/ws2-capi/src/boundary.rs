//! The panic boundary: no Rust panic ever unwinds into C.
//!
//! Each export wraps its body in [`ffi_boundary`] and names the value C callers must see if the
//! body panics — the same failure value the export documents for an internal error
//! (`SOCKET_ERROR`, `FALSE`, `INVALID_SOCKET`, `NULL`, ...). The panic message goes to stderr; the
//! process keeps running, as a Windows process does when a provider returns an error.
//!
//! The one unwind that passes through is ExitThread's (see `threads`): a C callback that ws2emu
//! called from inside an export (an APC, a completion routine, a window procedure) may end its
//! thread. The boundary re-raises it, so every export through which a callback can run is
//! `extern "system-unwind"` (the same C calling convention; only Rust's view of whether it may
//! unwind differs) and calls callbacks through `"system-unwind"` function pointers.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use ws2_core::trace::{self, Channel};
use ws2_core::WinError;

thread_local! {
    /// How many exports are running on this thread (nested when a callback calls an export).
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Whether an export is running on the calling thread (ExitThread unwinds to it).
pub(crate) fn inside_export() -> bool {
    DEPTH.try_with(|d| d.get() > 0).unwrap_or(false)
}

/// Counts one running export; undone on return and on unwind.
struct Nesting;

impl Nesting {
    fn enter() -> Nesting {
        let _ = DEPTH.try_with(|d| d.set(d.get() + 1));
        Nesting
    }
}

impl Drop for Nesting {
    fn drop(&mut self) {
        let _ = DEPTH.try_with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Runs `body`; if it panics, reports the panic for `export` and returns `on_panic`. An
/// ExitThread unwind is not a panic: it continues (see `threads::continue_exit`).
pub fn ffi_boundary<T>(export: &str, on_panic: T, body: impl FnOnce() -> T) -> T {
    let nesting = Nesting::enter();
    let outcome = catch_unwind(AssertUnwindSafe(body));
    drop(nesting);
    match outcome {
        Ok(value) => value,
        Err(payload) if crate::threads::is_exit_thread(&*payload) => {
            crate::threads::continue_exit(payload)
        }
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

/// Stores `error` in a caller's `*lpErrno` (SPI convention) unless the pointer is NULL, and
/// returns `failure`, the call's failure value.
///
/// # Safety
/// `errno` is NULL or valid for a write of an `int`.
pub unsafe fn fail_spi<T>(errno: *mut i32, error: WinError, failure: T) -> T {
    if !errno.is_null() {
        // SAFETY: non-null, and valid by the caller's contract.
        unsafe { errno.write(error.as_i32()) };
    }
    failure
}

/// Traces one call on `channel`: `name(args) -> outcome`, formatting only when the channel is on.
pub fn trace_call(
    channel: Channel,
    name: &str,
    args: impl FnOnce() -> String,
    outcome: impl FnOnce() -> String,
) {
    if trace::enabled(channel) {
        trace::emit(channel, format_args!("{name}({}) -> {}", args(), outcome()));
    }
}

/// Runs an SPI-convention call: the body's value on success, or SOCKET_ERROR with the error in
/// `*lpErrno`; inside the panic boundary, traced on `channel`.
///
/// # Safety
/// `errno` is NULL or writable.
pub unsafe fn spi_call(
    channel: Channel,
    name: &str,
    errno: *mut i32,
    args: impl FnOnce() -> String,
    body: impl FnOnce() -> ws2_core::Result<i32>,
) -> i32 {
    const SOCKET_ERROR: i32 = ws2_abi::SOCKET_ERROR;
    ffi_boundary(name, SOCKET_ERROR, || {
        let result = body();
        trace_call(channel, name, args, || match result {
            Ok(v) => v.to_string(),
            Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
        });
        // SAFETY: errno is NULL or writable (caller's contract).
        result.unwrap_or_else(|e| unsafe { fail_spi(errno, e, SOCKET_ERROR) })
    })
}

/// Stores `error` as the thread's last error (API convention) and returns `failure`.
pub fn fail_api<T>(error: WinError, failure: T) -> T {
    crate::last_error::set(error.0);
    failure
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
