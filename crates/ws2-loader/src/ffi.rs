//! The loader's foreign calls: the only `unsafe` of this crate (CONVENTIONS.md).
//!
//! Everything here runs code that is not ours: library initialisers and finalisers (`dlopen`,
//! `dlclose`), `DllMain`, `WSPStartup` and `WSPCleanup`. Callers never hold a lock of ours
//! while calling these functions (ARCHITECTURE.md), except the loader gate of [`crate::module`],
//! which plays the role of Windows' loader lock and is not a data lock.
//!
//! Common premises of the SAFETY comments below:
//! - (P1) a function address comes from [`ws2_os::SharedLibrary::own_symbol`] of a library
//!   that this crate holds a reference to for the whole call, so the code stays mapped;
//! - (P2) the export has the prototype its name documents (`DllMain`, `WSPStartup`): Windows
//!   trusts an export's name the same way, and a mismatch is the provider's defect.
#![allow(unsafe_code)]

use std::path::Path;
use ws2_abi::{
    BOOL, DWORD, FALSE, HMODULE, LPVOID, WORD, WSAPROTOCOL_INFOW, WSPDATA, WSPPROC_TABLE,
    WSPUPCALLTABLE,
};
use ws2_os::{OpenError, SharedLibrary};

type DllMainFn = unsafe extern "system" fn(HMODULE, DWORD, LPVOID) -> BOOL;
type WspStartupFn = unsafe extern "system" fn(
    WORD,
    *mut WSPDATA,
    *mut WSAPROTOCOL_INFOW,
    WSPUPCALLTABLE,
    *mut WSPPROC_TABLE,
) -> i32;

/// `dlopen` of an absolute path (its initialisers run).
pub(crate) fn open_library(path: &Path) -> Result<SharedLibrary, OpenError> {
    // SAFETY: running the library's initialisers is what loading a provider means; ws2_32 on
    // Windows runs a DLL's initialisation code the same way. The path is absolute (checked by
    // `open` itself).
    unsafe { SharedLibrary::open(path) }
}

/// `dlclose` of one reference (finalisers run if it was the last).
pub(crate) fn close_library(library: SharedLibrary) {
    // SAFETY: the module registry gives up its only reference here, after the library's
    // DLL_PROCESS_DETACH; pointers into it that providers still hold are their own defect, as
    // after FreeLibrary on Windows.
    if let Err(message) = unsafe { library.close() } {
        eprintln!("ws2emu: dlclose failed: {message}");
    }
}

/// Calls `DllMain(module, reason, NULL)`; returns whether it reported success.
pub(crate) fn call_dll_main(address: usize, module: usize, reason: DWORD) -> bool {
    // SAFETY: P1 and P2; a non-null own symbol address is a valid function address.
    let entry: DllMainFn = unsafe { std::mem::transmute::<usize, DllMainFn>(address) };
    // SAFETY: P1, P2; the arguments are plain values (a dynamic load passes NULL reserved).
    unsafe { entry(module as HMODULE, reason, std::ptr::null_mut()) != FALSE }
}

/// What one `WSPStartup` call produced.
pub(crate) struct StartupOutcome {
    pub result: i32,
    pub data: WSPDATA,
    pub procs: WSPPROC_TABLE,
}

/// A `WSPPROC_TABLE` with every slot NULL.
pub(crate) fn empty_proc_table() -> WSPPROC_TABLE {
    // SAFETY: every field is an `Option<extern fn>`, for which all-zero bytes are `None`.
    unsafe { std::mem::zeroed() }
}

/// Calls `WSPStartup(version, &data, info, upcalls, &procs)` with zeroed outputs.
pub(crate) fn call_wsp_startup(
    address: usize,
    version: WORD,
    info: &mut WSAPROTOCOL_INFOW,
    upcalls: WSPUPCALLTABLE,
) -> StartupOutcome {
    // SAFETY: WSPDATA is a plain C struct of integers; all-zero bytes are a valid value.
    let mut data: WSPDATA = unsafe { std::mem::zeroed() };
    let mut procs = empty_proc_table();
    // SAFETY: P1 and P2.
    let entry: WspStartupFn = unsafe { std::mem::transmute::<usize, WspStartupFn>(address) };
    // SAFETY: P1, P2; `data`, `info` and `procs` are valid for the whole call; the upcall table
    // is passed by value as the prototype says.
    let result = unsafe { entry(version, &mut data, info, upcalls, &mut procs) };
    StartupOutcome {
        result,
        data,
        procs,
    }
}

/// Calls a provider's `WSPCleanup(&errno)`; returns its result and error.
/// Calls a provider's `ws2emu_attach_host` export (a ws2emu extension) with the host table.
pub(crate) fn call_attach_host(address: usize, host: &'static ws2_abi::WS2EMU_HOST_TABLE) -> i32 {
    type AttachHostFn = unsafe extern "system" fn(*const ws2_abi::WS2EMU_HOST_TABLE) -> i32;
    // SAFETY: (P1) and (P2) for `ws2emu_attach_host` (LPWS2EMU_ATTACH_HOST); the table is a
    // 'static value, valid for as long as the provider keeps the pointer.
    unsafe {
        let attach = std::mem::transmute::<usize, AttachHostFn>(address);
        attach(host)
    }
}

pub(crate) fn call_wsp_cleanup(procs: &WSPPROC_TABLE) -> Option<(i32, i32)> {
    let cleanup = procs.lpWSPCleanup?;
    let mut errno = 0;
    // SAFETY: the slot was filled by the provider's WSPStartup (P2 for the table it returned),
    // its library is still loaded by the caller (P1); errno is a valid int.
    let result = unsafe { cleanup(&mut errno) };
    Some((result, errno))
}
