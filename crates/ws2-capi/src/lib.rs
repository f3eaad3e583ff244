//! The C ABI of ws2emu: `libws2_32.so` and `libws2_32.a`.
//!
//! Every symbol a C provider or client links against is exported from this crate, and only from
//! it. Three rules hold for every export (see CONVENTIONS.md):
//! - **No libc names.** A Winsock function whose name libc also exports (`socket`, `send`,
//!   `select`, ...) is exported as `ws2emu_<name>`; the shim headers bind the Winsock name to it.
//!   A test lists the library's dynamic symbols and fails on any overlap with libc.
//! - **Errors cross one way.** Internal code returns `Result`; only this crate turns an error into
//!   the documented failure value plus `*lpErrno` (SPI) or the thread's last error (API), and
//!   out-parameters are written only on success.
//! - **No unwinding into C.** Every export runs its body inside [`boundary::ffi_boundary`], which
//!   turns a Rust panic into the export's documented failure value.
//!
//! What is exported today: the per-thread last error (`GetLastError`, `SetLastError`,
//! `WSAGetLastError`, `WSASetLastError`) and `__WSAFDIsSet`. The rest of the Winsock and Win32
//! surface arrives with the upcall runtime, the catalog and the client API.

pub mod addresses;
pub mod async_db;
pub mod boundary;
pub mod catalog;
pub mod client;
pub mod io;
pub mod kernel32;
pub mod last_error;
pub mod loader;
pub mod memory;
pub mod mswsock;
pub mod names;
pub mod select;
pub mod strings;
pub mod sync;
pub mod system;
pub mod threads;
pub mod upcalls;
pub mod user32;
pub mod winsock;
