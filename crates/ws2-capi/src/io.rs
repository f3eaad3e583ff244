//! kernel32's I/O control on socket handles: `CancelIo`, `CancelIoEx` and
//! `SetFileCompletionNotificationModes`, which IOCP servers use on sockets.
//!
//! Windows contract (Microsoft docs, "CancelIoEx function", "CancelIo function",
//! "SetFileCompletionNotificationModes function"):
//! - `CancelIoEx(h, ov)` cancels the pending requests on `h` issued with `ov` (all of them for
//!   NULL), whichever thread issued them; each completes normally (event, completion-port packet
//!   or completion routine) with `ERROR_OPERATION_ABORTED` (995; `Internal` = STATUS_CANCELLED,
//!   `WSAGetOverlappedResult` reports `WSA_OPERATION_ABORTED`, 995). Nothing to cancel: FALSE with
//!   `ERROR_NOT_FOUND` (1168). A request that completes before the cancellation reaches it
//!   completes normally.
//! - `CancelIo(h)` cancels the requests the calling thread issued on `h`; it succeeds when there
//!   is nothing to cancel (NtCancelIoFile reports success then; only CancelIoEx documents
//!   ERROR_NOT_FOUND).
//! - `SetFileCompletionNotificationModes(h, flags)` adds modes, which cannot be removed:
//!   `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` (a request that succeeds within its call queues no
//!   packet to the handle's port) and `FILE_SKIP_SET_EVENT_ON_HANDLE` (the handle itself, as a
//!   waitable object, is not signalled; an explicit `hEvent` still is). Other bits:
//!   ERROR_INVALID_PARAMETER.
//! - A handle that is not a file (an event, a thread, a forged value): ERROR_INVALID_HANDLE.
//!
//! Emulation: on Windows the I/O manager does both jobs for every socket; here the requests of a
//! provider's own (IFS) sockets live in that provider, which offers the optional export
//! `ws2emu_cancel_io` (`ws2_abi::LPWS2EMU_CANCEL_IO`; the built-in base provider does), found
//! in the module of the provider that registered the handle, and for an IFS handle that an IFS
//! layered provider re-registered, in the built-in base provider underneath. The modes are kept
//! in ws2_32's socket entry and applied by the host's `lpCompleteIoEx`, to which the provider
//! says whether a request completed within its call.
//!
//! Divergences (each shown by crates/ws2-capi/tests/io_exports.rs):
//! - Sockets whose provider cannot cancel (non-IFS layered providers' `WPUCreateSocketHandle`
//!   handles, whose requests only the provider knows; on Windows the ws2ifsl driver holds them
//!   and what it does with a cancellation is not documented): CancelIo/CancelIoEx fail with
//!   ERROR_NOT_SUPPORTED (50).
//! - `SetFileCompletionNotificationModes` on such a socket fails with ERROR_NOT_SUPPORTED: ws2_32
//!   cannot tell whether `WPUCompleteOverlappedRequest` reports a request that completed within
//!   its call. Windows accepts the call and then loses completion-port packets (Microsoft
//!   KB 2568167, "SetFileCompletionNotificationModes API causes an I/O completion port not to
//!   work correctly if a non-IFS LSP is installed"); refusing lets the application keep the
//!   default mode (libuv and others check the result).
//! - `FILE_SKIP_SET_EVENT_ON_HANDLE` is accepted and recorded; it changes nothing because socket
//!   handles are not waitable objects here.

use crate::boundary::{fail_api, ffi_boundary, trace_call};
use ws2_abi::{
    BOOL, ERROR_NOT_FOUND, ERROR_NOT_SUPPORTED, FALSE, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS,
    FILE_SKIP_SET_EVENT_ON_HANDLE, HANDLE, LPOVERLAPPED, SOCKET, TRUE, UCHAR,
    WS2EMU_CANCEL_IO_EXPORT,
};
use ws2_core::runtime::SocketEntry;
use ws2_core::trace::{self, Channel};
use ws2_core::{runtime, WinError};
use ws2_loader::module;

const NOT_FOUND: WinError = WinError(ERROR_NOT_FOUND);
const NOT_SUPPORTED: WinError = WinError(ERROR_NOT_SUPPORTED);
/// The built-in base provider's file name (its module exports `ws2emu_cancel_io`).
const BASE_PROVIDER: &str = "libws2_base.so";

type CancelIoFn = unsafe extern "system" fn(SOCKET, LPOVERLAPPED, BOOL) -> i32;

/// The socket entry behind `handle`: ERROR_INVALID_HANDLE for anything that is not a socket.
fn socket_entry(handle: HANDLE) -> ws2_core::Result<std::sync::Arc<SocketEntry>> {
    runtime()
        .socket(handle as usize)
        .ok_or(WinError::INVALID_HANDLE)
}

/// `module`'s `ws2emu_cancel_io`, if it exports one.
fn cancel_export(module: usize) -> Option<CancelIoFn> {
    let address = module::proc_address(module, WS2EMU_CANCEL_IO_EXPORT).ok()?;
    // SAFETY: the export has the LPWS2EMU_CANCEL_IO signature (ws2_abi::ext).
    Some(unsafe { std::mem::transmute::<usize, CancelIoFn>(address) })
}

/// The providers' `ws2emu_cancel_io` functions that may hold the requests of `entry`: the
/// registering provider's, then (IFS handles) the built-in base provider's.
fn cancel_functions(entry: &SocketEntry) -> Vec<CancelIoFn> {
    let mut found = Vec::new();
    if let Ok(provider) = crate::loader::start_provider(entry.catalog_id) {
        found.extend(cancel_export(provider.module()));
    }
    if entry.ifs {
        if let Ok(base) = module::module_handle(Some(BASE_PROVIDER)) {
            if let Some(f) = cancel_export(base) {
                if !found.iter().any(|&g| g as usize == f as usize) {
                    found.push(f);
                }
            }
        }
    }
    found
}

/// The shared body: cancels through the first provider that knows the socket.
fn cancel(
    handle: HANDLE,
    overlapped: LPOVERLAPPED,
    calling_thread_only: bool,
) -> ws2_core::Result<()> {
    let entry = socket_entry(handle)?;
    let functions = cancel_functions(&entry);
    if functions.is_empty() {
        return Err(NOT_SUPPORTED);
    }
    let flag = if calling_thread_only { TRUE } else { FALSE };
    let mut outcome = NOT_SUPPORTED;
    for f in functions {
        // SAFETY: the provider's export with a registered socket; `overlapped` is only compared.
        let code = unsafe { f(handle as SOCKET, overlapped, flag) };
        match code {
            0 => return Ok(()),
            c if c == ws2_abi::WSAENOTSOCK => continue,
            c => outcome = WinError(c as u32),
        }
    }
    if outcome == NOT_FOUND && calling_thread_only {
        // CancelIo succeeds with nothing to cancel.
        return Ok(());
    }
    Err(outcome)
}

fn bool_export(
    name: &str,
    args: impl FnOnce() -> String,
    body: impl FnOnce() -> ws2_core::Result<()>,
) -> BOOL {
    ffi_boundary(name, FALSE, || {
        let result = body();
        trace_call(Channel::Api, name, args, || match result {
            Ok(()) => "TRUE".into(),
            Err(e) => trace::outcome("FALSE", Some(e)),
        });
        match result {
            Ok(()) => TRUE,
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// CancelIoEx: cancels the requests on `hFile` issued with `lpOverlapped` (all for NULL) by any
/// thread. FALSE with ERROR_NOT_FOUND when none is pending, ERROR_INVALID_HANDLE for a handle
/// that is not a socket, ERROR_NOT_SUPPORTED for a socket whose provider cannot cancel.
#[no_mangle]
pub extern "system" fn CancelIoEx(file: HANDLE, overlapped: LPOVERLAPPED) -> BOOL {
    bool_export(
        "CancelIoEx",
        || format!("{file:p}, {overlapped:p}"),
        || cancel(file, overlapped, false),
    )
}

/// CancelIo: cancels the requests the calling thread issued on `hFile` (TRUE also when there
/// are none). ERROR_INVALID_HANDLE / ERROR_NOT_SUPPORTED as [`CancelIoEx`].
#[no_mangle]
pub extern "system" fn CancelIo(file: HANDLE) -> BOOL {
    bool_export(
        "CancelIo",
        || format!("{file:p}"),
        || cancel(file, std::ptr::null_mut(), true),
    )
}

/// SetFileCompletionNotificationModes on a socket: adds `Flags` to the socket's modes.
/// ERROR_INVALID_PARAMETER for unknown bits, ERROR_INVALID_HANDLE for a handle that is not a
/// socket, ERROR_NOT_SUPPORTED for a socket minted by WPUCreateSocketHandle (non-IFS).
#[no_mangle]
pub extern "system" fn SetFileCompletionNotificationModes(file: HANDLE, flags: UCHAR) -> BOOL {
    bool_export(
        "SetFileCompletionNotificationModes",
        || format!("{file:p}, {flags:#x}"),
        || {
            let known = FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE;
            if flags & !known != 0 {
                return Err(WinError::INVALID_PARAMETER);
            }
            let entry = socket_entry(file)?;
            if !entry.ifs {
                return Err(NOT_SUPPORTED);
            }
            entry.add_modes(flags);
            Ok(())
        },
    )
}
