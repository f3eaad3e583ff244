//! ws2emu's provider loader: C providers the Windows way.
//!
//! - [`module`]: `LoadLibraryW`, `GetProcAddress`, `FreeLibrary`, `GetModuleHandleW`,
//!   `GetModuleFileNameW` on dlopen, with Windows' reference counting, `DllMain`
//!   attach/detach and validated HMODULE values;
//! - [`dependencies`]: reads a provider's ELF `DT_NEEDED` entries to refuse one that would
//!   load a second ws2emu runtime (linked with `-lws2_32` into a process that has its own);
//! - [`env`]: `%VAR%` expansion and the environment-variable functions providers use to expand
//!   catalog paths;
//! - [`provider`]: [`Loader`] starts a catalog entry's provider (`WSPStartup` 2.2 negotiation,
//!   `WSPDATA` and `WSPPROC_TABLE` validation, one provider per GUID, one `WSPCleanup` per
//!   successful `WSPStartup`).
//!
//! The core never names this crate; the C ABI crate (`ws2-capi`) builds the process-wide
//! [`Loader`] with the real upcall table and exports the kernel32 functions. All foreign calls
//! (library initialisers, `DllMain`, `WSPStartup`, `WSPCleanup`) are in one file, `ffi.rs`, the
//! only place of this crate allowed to use `unsafe`.

pub mod dependencies;
pub mod env;
mod ffi;
pub mod module;
pub mod provider;

pub use provider::{Loader, Provider};
