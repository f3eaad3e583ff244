//! ws2emu's object model, in safe Rust.
//!
//! Everything the WPU upcalls and the Win32 subset act on lives here: one process-wide handle
//! space ([`handle`]), the error type ([`error`]), waitable objects and waits, threads and their
//! APC queues, message queues, completion ports and socket entries. System calls go through
//! `ws2-os`; C function pointers never reach this crate (the C ABI crate wraps them in closures),
//! so no `unsafe` is needed here.

pub mod blocking;
pub mod catalog;
pub mod error;
pub mod handle;
pub mod heap;
pub mod mutex;
pub mod port;
pub mod runtime;
pub mod signal;
pub mod thread;
pub mod thread_info;
pub mod tls;
pub mod trace;
pub mod upcalls;
pub mod verifier;
pub mod wait;
pub mod window;

pub use error::{Result, WinError};
pub use runtime::{runtime, Object, Runtime};
