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

/// A region used as the stack of one verified `WSPStartup` call (verifier check 6). Its top
/// holds the by-value upcall table the provider receives, so the address a provider can keep
/// (`&UpcallTable`) points into memory ws2emu owns for as long as the provider is started.
/// After `WSPStartup` returns, that copy is replaced by [`kept_table_trampolines`].
pub struct StartupStack {
    memory: Box<[std::mem::MaybeUninit<u128>]>,
}

impl std::fmt::Debug for StartupStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartupStack").finish_non_exhaustive()
    }
}

/// The stack size of a verified `WSPStartup` (the default Rust thread stack is 2 MiB; memory is
/// only committed as it is touched).
const STARTUP_STACK: usize = 4 << 20;
/// Room for the table at the top (120 bytes, rounded up to whole 16-byte units).
const TABLE_UNITS: usize = std::mem::size_of::<WSPUPCALLTABLE>().div_ceil(16);

impl StartupStack {
    fn new() -> Self {
        Self {
            memory: Box::new_uninit_slice(STARTUP_STACK / 16 + TABLE_UNITS),
        }
    }

    /// Where the table lives: 16-byte aligned, the stack grows down from here.
    fn table(&mut self) -> *mut WSPUPCALLTABLE {
        let units = self.memory.len() - TABLE_UNITS;
        self.memory[units..].as_mut_ptr().cast()
    }
}

/// [`call_wsp_startup`] for the verifier: runs `WSPStartup` on a [`StartupStack`] whose top is
/// the by-value table argument, then overwrites that argument with trampolines that report a
/// call through a kept pointer and forward to the real upcall. The stack must outlive the
/// provider.
#[cfg(target_arch = "x86_64")]
pub(crate) fn call_wsp_startup_verified(
    address: usize,
    version: WORD,
    info: &mut WSAPROTOCOL_INFOW,
    upcalls: WSPUPCALLTABLE,
) -> (StartupOutcome, StartupStack) {
    let _ = REAL_UPCALLS.set(upcalls);
    // SAFETY: WSPDATA is a plain C struct of integers; all-zero bytes are a valid value.
    let mut data: WSPDATA = unsafe { std::mem::zeroed() };
    let mut procs = empty_proc_table();
    let mut stack = StartupStack::new();
    let top = stack.table();
    let result: i32;
    // SAFETY: P1 and P2 for `address`. Under the SysV x86-64 ABI a 120-byte struct argument is
    // passed in memory at [rsp] when the call is made, the remaining arguments in rdi, rsi, rdx
    // and rcx (the struct takes no register). `top` is 16-byte aligned, writable for the table,
    // and has STARTUP_STACK bytes below it for the callee's frames. rsp is restored from r12,
    // which the callee preserves (callee-saved); every caller-saved register is declared
    // clobbered; the asm switches away from our stack before `call`, so the red zone is
    // untouched. `data`, `info` and `procs` are valid for the whole call.
    unsafe {
        top.write(upcalls);
        std::arch::asm!(
            "mov r12, rsp",
            "mov rsp, {top}",
            "call {entry}",
            "mov rsp, r12",
            top = in(reg) top,
            entry = in(reg) address,
            in("rdi") u64::from(version),
            in("rsi") std::ptr::addr_of_mut!(data),
            in("rdx") std::ptr::from_mut(info),
            in("rcx") std::ptr::addr_of_mut!(procs),
            out("r12") _,
            lateout("eax") result,
            clobber_abi("C"),
        );
        top.write(kept_table_trampolines());
    }
    let outcome = StartupOutcome {
        result,
        data,
        procs,
    };
    (outcome, stack)
}

/// Other architectures: the plain call (check 6 is x86-64 only).
#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn call_wsp_startup_verified(
    address: usize,
    version: WORD,
    info: &mut WSAPROTOCOL_INFOW,
    upcalls: WSPUPCALLTABLE,
) -> (StartupOutcome, StartupStack) {
    let outcome = call_wsp_startup(address, version, info, upcalls);
    (outcome, StartupStack::new())
}

/// The real upcall table the trampolines forward to (the first loader's table).
static REAL_UPCALLS: std::sync::OnceLock<WSPUPCALLTABLE> = std::sync::OnceLock::new();

/// Reports, once per provider, a call through the table pointer `WSPStartup` was given.
fn kept_pointer_used(upcall: &str) {
    use std::collections::HashSet;
    use std::sync::Mutex;
    static REPORTED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let provider = ws2_core::verifier::current().unwrap_or_else(|| "unknown provider".into());
    let first = REPORTED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(HashSet::new)
        .insert(provider.clone());
    if first {
        ws2_core::verifier::report_for(
            Some(&provider),
            None,
            upcall,
            "called through the pointer to the upcall table WSPStartup received: the provider \
             kept &UpcallTable instead of copying the table (reported once per provider)",
            "on Windows that table is a temporary of ws2_32 that is gone after WSPStartup \
             returns: the call reads freed memory and jumps to garbage",
        );
    }
}

macro_rules! trampolines {
    ($($name:ident => $field:ident, $upcall:literal, $failure:expr,
       ($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(
            unsafe extern "system" fn $name($($arg: $ty),*) -> $ret {
                kept_pointer_used($upcall);
                match REAL_UPCALLS.get().and_then(|t| t.$field) {
                    // SAFETY: forwards the provider's arguments unchanged to the real upcall,
                    // whose contract the provider owes either way.
                    Some(real) => unsafe { real($($arg),*) },
                    None => $failure,
                }
            }
        )*

        /// The table a kept upcall-table pointer finds after WSPStartup (check 6).
        fn kept_table_trampolines() -> WSPUPCALLTABLE {
            WSPUPCALLTABLE { $($field: Some($name),)* }
        }
    };
}

use ws2_abi::{
    fd_set, DWORD_PTR, GUID, HWND, LPARAM, LPBLOCKINGCALLBACK, LPWSATHREADID, LPWSAUSERAPC, SOCKET,
    UINT, WPARAM, WSAEVENT,
};
const FAIL: i32 = ws2_abi::SOCKET_ERROR;
const NO_SOCKET: SOCKET = !0;

trampolines! {
    t_close_event => lpWPUCloseEvent, "WPUCloseEvent", FALSE, (h: WSAEVENT, e: *mut i32) -> BOOL;
    t_close_socket => lpWPUCloseSocketHandle, "WPUCloseSocketHandle", FAIL,
        (s: SOCKET, e: *mut i32) -> i32;
    t_create_event => lpWPUCreateEvent, "WPUCreateEvent", std::ptr::null_mut(),
        (e: *mut i32) -> WSAEVENT;
    t_create_socket => lpWPUCreateSocketHandle, "WPUCreateSocketHandle", NO_SOCKET,
        (id: DWORD, c: DWORD_PTR, e: *mut i32) -> SOCKET;
    t_fd_is_set => lpWPUFDIsSet, "WPUFDIsSet", 0, (s: SOCKET, set: *mut fd_set) -> i32;
    t_provider_path => lpWPUGetProviderPath, "WPUGetProviderPath", FAIL,
        (g: *mut GUID, p: *mut u16, l: *mut i32, e: *mut i32) -> i32;
    t_modify_ifs => lpWPUModifyIFSHandle, "WPUModifyIFSHandle", NO_SOCKET,
        (id: DWORD, h: SOCKET, e: *mut i32) -> SOCKET;
    t_post_message => lpWPUPostMessage, "WPUPostMessage", FALSE,
        (w: HWND, m: UINT, wp: WPARAM, lp: LPARAM) -> BOOL;
    t_blocking => lpWPUQueryBlockingCallback, "WPUQueryBlockingCallback", FAIL,
        (id: DWORD, cb: *mut LPBLOCKINGCALLBACK, c: *mut DWORD_PTR, e: *mut i32) -> i32;
    t_context => lpWPUQuerySocketHandleContext, "WPUQuerySocketHandleContext", FAIL,
        (s: SOCKET, c: *mut DWORD_PTR, e: *mut i32) -> i32;
    t_queue_apc => lpWPUQueueApc, "WPUQueueApc", FAIL,
        (t: LPWSATHREADID, r: LPWSAUSERAPC, c: DWORD_PTR, e: *mut i32) -> i32;
    t_reset_event => lpWPUResetEvent, "WPUResetEvent", FALSE, (h: WSAEVENT, e: *mut i32) -> BOOL;
    t_set_event => lpWPUSetEvent, "WPUSetEvent", FALSE, (h: WSAEVENT, e: *mut i32) -> BOOL;
    t_open_thread => lpWPUOpenCurrentThread, "WPUOpenCurrentThread", FAIL,
        (t: LPWSATHREADID, e: *mut i32) -> i32;
    t_close_thread => lpWPUCloseThread, "WPUCloseThread", FAIL,
        (t: LPWSATHREADID, e: *mut i32) -> i32;
}

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

/// Calls a provider's `WSPCleanup(&errno)`; returns its result and error.
pub(crate) fn call_wsp_cleanup(procs: &WSPPROC_TABLE) -> Option<(i32, i32)> {
    let cleanup = procs.lpWSPCleanup?;
    let mut errno = 0;
    // SAFETY: the slot was filled by the provider's WSPStartup (P2 for the table it returned),
    // its library is still loaded by the caller (P1); errno is a valid int.
    let result = unsafe { cleanup(&mut errno) };
    Some((result, errno))
}
