//! The WPU upcalls as providers see them: the 15 slots of the WSPUPCALLTABLE handed to every
//! WSPStartup, plus the exported WPUCompleteOverlappedRequest and WSApSetPostRoutine.
//!
//! As on Windows, only WPUCompleteOverlappedRequest (and WSApSetPostRoutine) are exported
//! symbols; the other upcalls exist only as table slots (spec §0). Each slot function checks its
//! pointers (a NULL `lpErrno` or out-pointer is never dereferenced), runs the semantics from
//! `ws2_core::upcalls` inside the panic boundary, stores the error in `*lpErrno` on failure,
//! writes out-parameters only on success, and traces itself on the `upcall` channel.
//!
//! `ws2emu_upcall_table` is a ws2emu extension: it gives test harnesses and the provider test kit
//! the same table the loader passes to WSPStartup.
//!
//! # Safety (every slot function)
//! The caller honours the WPU contract of Microsoft's documentation for that upcall: each
//! pointer argument is NULL or valid for the reads and writes the upcall documents (an
//! `lpErrno` for one `int`, a buffer for the length given with it, ...). NULL is checked here;
//! anything else cannot be checked and is trusted, as ws2_32 does.
// The contract above applies to all slot functions alike, so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::boundary::{fail_api, fail_spi, ffi_boundary, spi_call, trace_call};
use std::sync::atomic::{AtomicUsize, Ordering};
use ws2_abi::{
    fd_set, BOOL, DWORD, DWORD_PTR, FALSE, GUID, HANDLE, HWND, LPARAM, LPBLOCKINGCALLBACK,
    LPWSAOVERLAPPED, LPWSAUSERAPC, SOCKET, SOCKET_ERROR, TRUE, UINT, WPARAM, WSAEVENT, WSATHREADID,
    WSPUPCALLTABLE,
};
use ws2_core::trace::{self, Channel};
use ws2_core::verifier::{self, Owned};
use ws2_core::{upcalls, WinError};

const INVALID_SOCKET: SOCKET = !0;

/// Traces one upcall: `name(args) -> outcome`. Arguments are formatted only when tracing is on.
fn trace_upcall(name: &str, args: impl FnOnce() -> String, result: impl FnOnce() -> String) {
    trace_call(Channel::Upcall, name, args, result)
}

/// Runs an int-returning upcall body: 0 on success, SOCKET_ERROR + `*errno` on failure.
///
/// # Safety
/// `errno` is NULL or writable.
unsafe fn int_upcall(
    name: &str,
    errno: *mut i32,
    args: impl FnOnce() -> String,
    body: impl FnOnce() -> ws2_core::Result<()>,
) -> i32 {
    // SAFETY: forwarded caller contract on errno.
    unsafe { spi_call(Channel::Upcall, name, errno, args, || body().map(|()| 0)) }
}

/// Runs a BOOL-returning upcall body: TRUE on success, FALSE + `*errno` on failure.
///
/// # Safety
/// `errno` is NULL or writable.
unsafe fn bool_upcall(
    name: &str,
    errno: *mut i32,
    args: impl FnOnce() -> String,
    body: impl FnOnce() -> ws2_core::Result<()>,
) -> BOOL {
    ffi_boundary(name, FALSE, || {
        let result = body();
        trace_upcall(name, args, || match result {
            Ok(()) => "TRUE".into(),
            Err(e) => trace::outcome("FALSE", Some(e)),
        });
        // SAFETY: errno is NULL or writable (caller's contract).
        result.map_or_else(|e| unsafe { fail_spi(errno, e, FALSE) }, |()| TRUE)
    })
}

/// Runs a handle-returning upcall body: the handle, or `failure` + `*errno`.
///
/// # Safety
/// `errno` is NULL or writable.
unsafe fn handle_upcall(
    name: &str,
    errno: *mut i32,
    failure: usize,
    args: impl FnOnce() -> String,
    body: impl FnOnce() -> ws2_core::Result<usize>,
) -> usize {
    ffi_boundary(name, failure, || {
        let result = body();
        trace_upcall(name, args, || match result {
            Ok(h) => format!("{h:#x}"),
            Err(e) => trace::outcome(format!("{failure:#x}"), Some(e)),
        });
        // SAFETY: errno is NULL or writable (caller's contract).
        result.unwrap_or_else(|e| unsafe { fail_spi(errno, e, failure) })
    })
}

/// Slot 0.
#[doc(alias = "WPUCloseEvent")]
pub unsafe extern "system" fn wpu_close_event(event: WSAEVENT, errno: *mut i32) -> BOOL {
    // SAFETY: forwarded caller contract on errno.
    unsafe {
        bool_upcall(
            "WPUCloseEvent",
            errno,
            || format!("{event:p}"),
            || upcalls::close_event(event as usize),
        )
    }
}

/// Slot 1.
#[doc(alias = "WPUCloseSocketHandle")]
pub unsafe extern "system" fn wpu_close_socket_handle(socket: SOCKET, errno: *mut i32) -> i32 {
    // SAFETY: forwarded caller contract on errno.
    unsafe {
        int_upcall(
            "WPUCloseSocketHandle",
            errno,
            || format!("{socket:#x}"),
            || upcalls::close_socket_handle(socket),
        )
    }
}

/// Slot 2.
#[doc(alias = "WPUCreateEvent")]
pub unsafe extern "system" fn wpu_create_event(errno: *mut i32) -> WSAEVENT {
    // SAFETY: forwarded caller contract on errno.
    let handle = unsafe {
        handle_upcall("WPUCreateEvent", errno, 0, String::new, || {
            upcalls::create_event().inspect(|&h| verifier::created(h, Owned::Event))
        })
    };
    handle as WSAEVENT
}

/// Slot 3.
#[doc(alias = "WPUCreateSocketHandle")]
pub unsafe extern "system" fn wpu_create_socket_handle(
    catalog_id: DWORD,
    context: DWORD_PTR,
    errno: *mut i32,
) -> SOCKET {
    // SAFETY: forwarded caller contract on errno.
    unsafe {
        handle_upcall(
            "WPUCreateSocketHandle",
            errno,
            INVALID_SOCKET,
            || format!("{catalog_id}, {context:#x}"),
            || {
                upcalls::create_socket_handle(catalog_id, context)
                    .inspect(|&h| verifier::created(h, Owned::Socket))
            },
        )
    }
}

/// Slot 4: a pure scan of the caller's fd_set (no lpErrno).
#[doc(alias = "WPUFDIsSet")]
pub unsafe extern "system" fn wpu_fd_is_set(socket: SOCKET, set: *mut fd_set) -> i32 {
    ffi_boundary("WPUFDIsSet", 0, || {
        // SAFETY: the provider passes an fd_set it was given by the application (or NULL).
        let found = i32::from(unsafe { crate::select::fd_is_set(socket, set) });
        trace_upcall(
            "WPUFDIsSet",
            || format!("{socket:#x}, {set:p}"),
            || found.to_string(),
        );
        found
    })
}

/// Slot 5: copies the provider's unexpanded DLL path. Length in WCHARs: on success it is the
/// path length without the terminator; when the buffer is too small (or NULL) the call fails
/// with WSAEFAULT and stores the length needed *including* the terminator (spec §5.7).
#[doc(alias = "WPUGetProviderPath")]
pub unsafe extern "system" fn wpu_get_provider_path(
    provider: *mut GUID,
    path: *mut u16,
    length: *mut i32,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract on errno; the pointers are checked for NULL and
    // otherwise valid by the documented contract (path for *length WCHARs).
    unsafe {
        int_upcall(
            "WPUGetProviderPath",
            errno,
            || format!("{provider:p}, {path:p}, {length:p}"),
            || copy_provider_path(provider, path, length),
        )
    }
}

/// The shared body of WPUGetProviderPath and WSCGetProviderPath.
///
/// # Safety
/// Non-null pointers are valid: `provider` for reading a GUID, `length` for reading and writing
/// an int, `path` for writing `*length` WCHARs.
pub unsafe fn copy_provider_path(
    provider: *const GUID,
    path: *mut u16,
    length: *mut i32,
) -> ws2_core::Result<()> {
    if provider.is_null() || length.is_null() {
        return Err(WinError::WSAEFAULT);
    }
    // SAFETY: provider is non-null and readable (contract).
    let stored = upcalls::provider_path(unsafe { &*provider })?;
    let needed = stored.len() + 1;
    // SAFETY: length is non-null and readable/writable (contract).
    let room = unsafe { length.read() };
    if path.is_null() || room <= 0 || (room as usize) < needed {
        // SAFETY: as above.
        unsafe { length.write(needed as i32) };
        return Err(WinError::WSAEFAULT);
    }
    // SAFETY: path has room for `room >= needed` WCHARs (contract); length is writable.
    unsafe {
        std::ptr::copy_nonoverlapping(stored.as_ptr(), path, stored.len());
        path.add(stored.len()).write(0);
        length.write(stored.len() as i32);
    }
    Ok(())
}

/// Slot 6.
#[doc(alias = "WPUModifyIFSHandle")]
pub unsafe extern "system" fn wpu_modify_ifs_handle(
    catalog_id: DWORD,
    proposed: SOCKET,
    errno: *mut i32,
) -> SOCKET {
    // SAFETY: forwarded caller contract on errno.
    unsafe {
        handle_upcall(
            "WPUModifyIFSHandle",
            errno,
            INVALID_SOCKET,
            || format!("{catalog_id}, {proposed:#x}"),
            || upcalls::modify_ifs_handle(catalog_id, proposed),
        )
    }
}

/// The routine WPUPostMessage posts through: 0 for PostMessage semantics, else an
/// `LPWPUPOSTMESSAGE` installed by WSApSetPostRoutine.
static POST_ROUTINE: AtomicUsize = AtomicUsize::new(0);

type PostRoutine = unsafe extern "system" fn(HWND, UINT, WPARAM, LPARAM) -> BOOL;

/// Slot 7: posts like PostMessage (or through the routine WSApSetPostRoutine installed). No
/// lpErrno: failure is FALSE with the thread's last error (ERROR_INVALID_WINDOW_HANDLE for a dead
/// window, ERROR_NOT_ENOUGH_QUOTA for a full queue).
#[doc(alias = "WPUPostMessage")]
pub unsafe extern "system" fn wpu_post_message(
    hwnd: HWND,
    msg: UINT,
    wparam: WPARAM,
    lparam: LPARAM,
) -> BOOL {
    ffi_boundary("WPUPostMessage", FALSE, || {
        let routine = POST_ROUTINE.load(Ordering::Acquire);
        let posted = if routine != 0 {
            // SAFETY: a non-zero value was stored by WSApSetPostRoutine from a non-null
            // LPWPUPOSTMESSAGE, which the caller promised stays callable.
            let routine: PostRoutine =
                unsafe { std::mem::transmute::<usize, PostRoutine>(routine) };
            // SAFETY: calling the installed routine with the caller's arguments.
            unsafe { routine(hwnd, msg, wparam, lparam) }
        } else {
            match ws2_core::window::post_message(hwnd as usize, msg, wparam, lparam) {
                Ok(()) => TRUE,
                Err(e) => fail_api(e, FALSE),
            }
        };
        trace_upcall(
            "WPUPostMessage",
            || format!("{hwnd:p}, {msg:#x}, {wparam:#x}, {lparam:#x}"),
            || posted.to_string(),
        );
        posted
    })
}

/// WSApSetPostRoutine: replaces the routine WPUPostMessage posts through (the Winsock 1.1 shim
/// uses it). NULL restores PostMessage semantics (a ws2emu choice; Windows documents no NULL
/// case). Returns 0.
#[no_mangle]
pub unsafe extern "system" fn WSApSetPostRoutine(routine: Option<PostRoutine>) -> i32 {
    ffi_boundary("WSApSetPostRoutine", SOCKET_ERROR, || {
        POST_ROUTINE.store(routine.map_or(0, |r| r as usize), Ordering::Release);
        0
    })
}

/// Slot 8: the calling thread's blocking callback (NULL unless a Winsock 1.1 application
/// installed a blocking hook) and its context.
#[doc(alias = "WPUQueryBlockingCallback")]
pub unsafe extern "system" fn wpu_query_blocking_callback(
    catalog_id: DWORD,
    callback: *mut LPBLOCKINGCALLBACK,
    context: *mut DWORD_PTR,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract on errno; out-pointers checked for NULL.
    unsafe {
        int_upcall(
            "WPUQueryBlockingCallback",
            errno,
            || format!("{catalog_id}, {callback:p}, {context:p}"),
            || {
                if callback.is_null() || context.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                let (hook, value) = upcalls::query_blocking_callback(catalog_id)?;
                // SAFETY: both out-pointers are non-null and writable (contract).
                callback.write(if hook == 0 {
                    None
                } else {
                    Some(blocking_callback)
                });
                context.write(value);
                Ok(())
            },
        )
    }
}

/// The callback WPUQueryBlockingCallback hands out when a blocking hook is installed: runs the
/// application's hook until it reports no more work, and returns FALSE once the blocking call
/// was cancelled with WSACancelBlockingCall (the provider then fails the call with WSAEINTR).
unsafe extern "system" fn blocking_callback(_context: DWORD_PTR) -> BOOL {
    ffi_boundary("blocking callback", FALSE, || {
        let hook = ws2_core::blocking::with_state(|s| {
            s.blocking = true;
            s.hook
        })
        .unwrap_or(0);
        if hook != 0 {
            type Hook = unsafe extern "system" fn() -> BOOL;
            // SAFETY: a non-zero hook was installed by WSASetBlockingHook from a non-null
            // FARPROC that the application keeps valid while installed.
            let hook: Hook = unsafe { std::mem::transmute::<usize, Hook>(hook) };
            // SAFETY: calling the application's hook, as Windows does, on the blocking thread.
            while unsafe { hook() } != FALSE {}
        }
        let cancelled = ws2_core::blocking::with_state(|s| {
            s.blocking = false;
            std::mem::take(&mut s.cancelled)
        })
        .unwrap_or(false);
        if cancelled {
            FALSE
        } else {
            TRUE
        }
    })
}

/// Slot 9: the provider context of a WPUCreateSocketHandle socket (lock-free).
#[doc(alias = "WPUQuerySocketHandleContext")]
pub unsafe extern "system" fn wpu_query_socket_handle_context(
    socket: SOCKET,
    context: *mut DWORD_PTR,
    errno: *mut i32,
) -> i32 {
    // Fast path (providers call this on every SPI entry): a successful untraced lookup runs
    // outside the panic boundary. It cannot panic: a null check, one relaxed atomic load for the
    // trace switch, and the table's lock-free read, which uses only Option-returning accessors
    // and atomics (no indexing, arithmetic overflow, allocation or formatting).
    if !context.is_null() && !trace::enabled(Channel::Upcall) {
        if let Ok(value) = upcalls::query_socket_handle_context(socket) {
            // SAFETY: non-null and writable (caller's contract).
            unsafe { context.write(value) };
            return 0;
        }
    }
    // SAFETY: forwarded caller contract on errno; context checked for NULL.
    unsafe {
        int_upcall(
            "WPUQuerySocketHandleContext",
            errno,
            || format!("{socket:#x}, {context:p}"),
            || {
                if context.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                let value = upcalls::query_socket_handle_context(socket)
                    .inspect_err(|_| upcalls::verify_stale_context_query(socket))?;
                // SAFETY: non-null and writable (contract).
                context.write(value);
                Ok(())
            },
        )
    }
}

/// An LPWSAUSERAPC as ws2emu calls it: allowed to unwind (ExitThread).
type UserApc = unsafe extern "system-unwind" fn(DWORD_PTR);

/// Slot 10: queues `routine(context)` to the thread a WSATHREADID identifies.
#[doc(alias = "WPUQueueApc")]
pub unsafe extern "system" fn wpu_queue_apc(
    thread: *mut WSATHREADID,
    routine: LPWSAUSERAPC,
    context: DWORD_PTR,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract on errno; thread checked for NULL.
    unsafe {
        int_upcall(
            "WPUQueueApc",
            errno,
            || {
                format!(
                    "{thread:p}, {:?}, {context:#x}",
                    routine.map(|r| r as usize)
                )
            },
            || {
                let (Some(routine), false) = (routine, thread.is_null()) else {
                    return Err(WinError::WSAEFAULT);
                };
                // SAFETY: non-null and readable (contract); the provider may discard its copy after
                // this call, so only the handle value is kept.
                let handle = thread.read().ThreadHandle as usize;
                // SAFETY: the same function; only Rust's view of whether it may unwind changes
                // (it may: ExitThread in an APC or in the completion routine it calls).
                let routine =
                    std::mem::transmute::<unsafe extern "system" fn(DWORD_PTR), UserApc>(routine);
                // SAFETY (when the APC runs): the provider supplied the routine for this context.
                upcalls::queue_apc(handle, Box::new(move || routine(context)))
            },
        )
    }
}

/// Slot 11.
#[doc(alias = "WPUResetEvent")]
pub unsafe extern "system" fn wpu_reset_event(event: WSAEVENT, errno: *mut i32) -> BOOL {
    // SAFETY: forwarded caller contract on errno.
    unsafe {
        bool_upcall(
            "WPUResetEvent",
            errno,
            || format!("{event:p}"),
            || upcalls::reset_event(event as usize),
        )
    }
}

/// Slot 12.
#[doc(alias = "WPUSetEvent")]
pub unsafe extern "system" fn wpu_set_event(event: WSAEVENT, errno: *mut i32) -> BOOL {
    // SAFETY: forwarded caller contract on errno.
    unsafe {
        bool_upcall(
            "WPUSetEvent",
            errno,
            || format!("{event:p}"),
            || upcalls::set_event(event as usize),
        )
    }
}

/// Slot 13: a new thread identity for the calling thread (`ThreadHandle` a handle to it,
/// `Reserved` its OS thread id).
#[doc(alias = "WPUOpenCurrentThread")]
pub unsafe extern "system" fn wpu_open_current_thread(
    thread: *mut WSATHREADID,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract on errno; thread checked for NULL.
    unsafe {
        int_upcall(
            "WPUOpenCurrentThread",
            errno,
            || format!("{thread:p}"),
            || {
                if thread.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                let (handle, tid) = upcalls::open_current_thread()?;
                verifier::created(handle, Owned::Thread);
                // SAFETY: non-null and writable (contract).
                thread.write(WSATHREADID {
                    ThreadHandle: handle as HANDLE,
                    Reserved: tid as DWORD_PTR,
                });
                Ok(())
            },
        )
    }
}

/// Slot 14: closes a WSATHREADID from WPUOpenCurrentThread and zeroes it.
#[doc(alias = "WPUCloseThread")]
pub unsafe extern "system" fn wpu_close_thread(thread: *mut WSATHREADID, errno: *mut i32) -> i32 {
    // SAFETY: forwarded caller contract on errno; thread checked for NULL.
    unsafe {
        int_upcall(
            "WPUCloseThread",
            errno,
            || format!("{thread:p}"),
            || {
                if thread.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                upcalls::close_thread(thread.read().ThreadHandle as usize)?;
                // SAFETY: non-null and writable (contract).
                thread.write(WSATHREADID {
                    ThreadHandle: std::ptr::null_mut(),
                    Reserved: 0,
                });
                Ok(())
            },
        )
    }
}

/// The NTSTATUS stored in `OVERLAPPED.Internal` for a completion with this WSA error
/// (spec §5.16): 0 for success, never STATUS_PENDING.
pub fn completion_status(error: DWORD) -> u32 {
    match error as i32 {
        0 => 0,
        ws2_abi::WSAECONNRESET => ws2_abi::STATUS_CONNECTION_RESET,
        ws2_abi::WSAECONNABORTED => ws2_abi::STATUS_CONNECTION_ABORTED,
        ws2_abi::WSA_OPERATION_ABORTED => ws2_abi::STATUS_CANCELLED,
        _ => ws2_abi::STATUS_UNSUCCESSFUL,
    }
}

/// WPUCompleteOverlappedRequest: completes an overlapped request on a socket minted by
/// WPUCreateSocketHandle. Writes `InternalHigh = cbTransferred`, then `Internal` = the
/// completion status (release ordering: a reader that sees the final `Internal` sees the byte
/// count), then queues a packet to the socket's completion port (unless bit 0 of `hEvent` is
/// set) and signals `hEvent` (bit 0 masked) if it is non-NULL — both when both exist (spec
/// checklist 91). `WSAEINVAL` for any other socket; `WSA_INVALID_PARAMETER` for a NULL
/// overlapped; nothing is touched on failure.
///
/// # Safety
/// `overlapped` is NULL or a valid, 8-byte aligned WSAOVERLAPPED that stays valid for the call.
#[no_mangle]
pub unsafe extern "system" fn WPUCompleteOverlappedRequest(
    socket: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    error: DWORD,
    transferred: DWORD,
    errno: *mut i32,
) -> i32 {
    let args = || format!("{socket:#x}, {overlapped:p}, {error}, {transferred}");
    // SAFETY: forwarded caller contract on errno and overlapped.
    unsafe {
        int_upcall("WPUCompleteOverlappedRequest", errno, args, || {
            let target = upcalls::completion_target(socket);
            if verifier::enabled() {
                verify_completion(socket, overlapped, target.is_ok());
            }
            complete(target?, overlapped, error, transferred)
        })
    }
}

/// Verifier check 2 (and 1 for a stale handle) on WPUCompleteOverlappedRequest, before it acts:
/// an IFS handle, a closed handle, or a request completed a second time.
///
/// # Safety
/// `overlapped` is NULL or a valid, 8-byte aligned WSAOVERLAPPED for the duration of the call.
unsafe fn verify_completion(socket: SOCKET, overlapped: LPWSAOVERLAPPED, minted: bool) {
    const NAME: &str = "WPUCompleteOverlappedRequest";
    if !minted {
        if ws2_core::runtime().socket(socket).is_some() {
            verifier::report(
                Some(socket),
                NAME,
                "called on an IFS handle (registered with WPUModifyIFSHandle)",
                "Windows returns WSAEINVAL and completes nothing: requests on IFS handles are \
                 completed by the I/O manager, so the application never sees this completion",
            );
        } else if verifier::is_stale(socket) {
            verifier::report(
                Some(socket),
                NAME,
                "socket handle used after close",
                "Windows returns WSAEINVAL and completes nothing, or completes the request on \
                 another socket once the handle value is reused",
            );
        }
        return;
    }
    if overlapped.is_null() {
        return;
    }
    // SAFETY: non-null, aligned and valid (contract); read atomically like the completion does.
    let internal = unsafe {
        std::sync::atomic::AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*overlapped).Internal))
            .load(Ordering::Acquire)
    };
    if verifier::completed_before(overlapped as usize, internal) {
        verifier::report(
            Some(socket),
            NAME,
            &format!(
                "request {overlapped:p} completed twice (Internal still holds the status of \
                 the earlier completion; a new request sets it to WSS_OPERATION_IN_PROGRESS)"
            ),
            "Windows completes it again: the event is signalled and a second completion-port \
             packet is queued for one request, which the application may treat as a new I/O",
        );
    }
}

/// What completing an overlapped request does, for WPUCompleteOverlappedRequest (minted
/// sockets) and the host's IFS completion alike: `InternalHigh`, then `Internal` (release), a
/// packet to the associated port unless bit 0 of `hEvent` is set, and the event signalled.
///
/// # Safety
/// `overlapped` is NULL or a valid, 8-byte aligned WSAOVERLAPPED for the duration of the call.
unsafe fn complete(
    port: Option<(std::sync::Arc<ws2_core::port::Port>, usize)>,
    overlapped: LPWSAOVERLAPPED,
    error: DWORD,
    transferred: DWORD,
) -> ws2_core::Result<()> {
    if overlapped.is_null() {
        return Err(WinError::INVALID_PARAMETER);
    }
    let status = completion_status(error);
    // SAFETY: overlapped is non-null, aligned and valid (contract); the fields are pointer-sized
    // words also read concurrently by waiters, hence the atomics.
    let (internal, internal_high, event) = unsafe {
        (
            std::sync::atomic::AtomicUsize::from_ptr(std::ptr::addr_of_mut!(
                (*overlapped).Internal
            )),
            std::sync::atomic::AtomicUsize::from_ptr(std::ptr::addr_of_mut!(
                (*overlapped).InternalHigh
            )),
            std::ptr::addr_of!((*overlapped).hEvent).read() as usize,
        )
    };
    internal_high.store(transferred as usize, Ordering::Relaxed);
    internal.store(status as usize, Ordering::Release);
    if verifier::enabled() {
        verifier::record_completion(overlapped as usize, status as usize);
    }
    if let Some((port, key)) = port {
        if event & 1 == 0 {
            port.post(ws2_core::port::Packet {
                bytes: transferred,
                key,
                overlapped: overlapped as usize,
                status,
            });
        }
    }
    if event & !1 != 0 {
        // An hEvent that is not a live event cannot be signalled; Windows ignores it too.
        let _ = upcalls::set_event(event & !1);
    }
    Ok(())
}

/// Host service (ws2emu extension, `WS2EMU_HOST_TABLE.lpCompleteIo`): completes an overlapped
/// request on any registered socket, IFS sockets included, as the Windows I/O manager completes
/// requests on IFS handles. Returns 0, WSAEINVAL (not a registered socket) or
/// WSA_INVALID_PARAMETER (NULL overlapped).
unsafe extern "system" fn host_complete_io(
    socket: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    error: DWORD,
    transferred: DWORD,
) -> i32 {
    let args = || format!("{socket:#x}, {overlapped:p}, {error}, {transferred}");
    let mut code = 0;
    // SAFETY: the built-in provider passes its caller's overlapped (valid while pending);
    // `code` is a local.
    unsafe {
        int_upcall("ws2emu host complete_io", &mut code, args, || {
            let entry = ws2_core::runtime()
                .socket(socket)
                .ok_or(WinError::WSAEINVAL)?;
            complete(entry.association(), overlapped, error, transferred)
        })
    };
    code
}

/// Host service (ws2emu extension, `WS2EMU_HOST_TABLE.lpCompleteIoEx`): as
/// [`host_complete_io`]; with `WS2EMU_COMPLETE_SYNCHRONOUS` (the request completed within its
/// call) on a socket whose SetFileCompletionNotificationModes included
/// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, no completion-port packet is queued (the fields and
/// the event are still written and signalled, as the Windows I/O manager does).
unsafe extern "system" fn host_complete_io_ex(
    socket: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    error: DWORD,
    transferred: DWORD,
    flags: DWORD,
) -> i32 {
    let args = || format!("{socket:#x}, {overlapped:p}, {error}, {transferred}, {flags:#x}");
    let mut code = 0;
    // SAFETY: as host_complete_io.
    unsafe {
        int_upcall("ws2emu host complete_io_ex", &mut code, args, || {
            let entry = ws2_core::runtime()
                .socket(socket)
                .ok_or(WinError::WSAEINVAL)?;
            let skip = flags & ws2_abi::WS2EMU_COMPLETE_SYNCHRONOUS != 0
                && error == 0
                && entry.modes() & ws2_abi::FILE_SKIP_COMPLETION_PORT_ON_SUCCESS != 0;
            let port = if skip { None } else { entry.association() };
            complete(port, overlapped, error, transferred)
        })
    };
    code
}

/// The host services offered to built-in providers (see ws2_abi::ext).
pub static HOST_TABLE: ws2_abi::WS2EMU_HOST_TABLE = ws2_abi::WS2EMU_HOST_TABLE {
    cbSize: std::mem::size_of::<ws2_abi::WS2EMU_HOST_TABLE>() as DWORD,
    lpCompleteIo: Some(host_complete_io),
    lpSetLastError: Some(crate::last_error::WSASetLastError as unsafe extern "system" fn(i32)),
    lpCompleteIoEx: Some(host_complete_io_ex),
};

/// The table every WSPStartup receives (the same pointers in every copy, spec checklist 64).
pub fn upcall_table() -> WSPUPCALLTABLE {
    WSPUPCALLTABLE {
        lpWPUCloseEvent: Some(wpu_close_event),
        lpWPUCloseSocketHandle: Some(wpu_close_socket_handle),
        lpWPUCreateEvent: Some(wpu_create_event),
        lpWPUCreateSocketHandle: Some(wpu_create_socket_handle),
        lpWPUFDIsSet: Some(wpu_fd_is_set),
        lpWPUGetProviderPath: Some(wpu_get_provider_path),
        lpWPUModifyIFSHandle: Some(wpu_modify_ifs_handle),
        lpWPUPostMessage: Some(wpu_post_message),
        lpWPUQueryBlockingCallback: Some(wpu_query_blocking_callback),
        lpWPUQuerySocketHandleContext: Some(wpu_query_socket_handle_context),
        lpWPUQueueApc: Some(wpu_queue_apc),
        lpWPUResetEvent: Some(wpu_reset_event),
        lpWPUSetEvent: Some(wpu_set_event),
        lpWPUOpenCurrentThread: Some(wpu_open_current_thread),
        lpWPUCloseThread: Some(wpu_close_thread),
    }
}

/// ws2emu extension: copies the upcall table into `*table` (for test harnesses and the
/// provider test kit). Returns 0, or WSAEFAULT for a NULL pointer.
///
/// # Safety
/// `table` is NULL or valid for writing a WSPUPCALLTABLE.
#[no_mangle]
pub unsafe extern "system" fn ws2emu_upcall_table(table: *mut WSPUPCALLTABLE) -> i32 {
    ffi_boundary("ws2emu_upcall_table", ws2_abi::WSAEFAULT, || {
        if table.is_null() {
            return ws2_abi::WSAEFAULT;
        }
        // SAFETY: non-null and writable (contract).
        unsafe { table.write(upcall_table()) };
        0
    })
}
