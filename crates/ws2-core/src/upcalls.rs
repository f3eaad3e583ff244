//! The semantics of the WPU upcalls (spec §5) and of the kernel32 calls that share them, in safe
//! Rust. The C ABI crate wraps each in its `extern "system"` function: it checks pointers, writes
//! `*lpErrno` or the last error, traces, and catches panics. Each function documents the Windows
//! contract; divergences are named where they exist.

use crate::error::{Result, WinError};
use crate::handle::Kind;
use crate::port::Port;
use crate::runtime::{runtime, Object};
use crate::signal::{Signal, SignalKind};
use crate::thread::{self, Apc};
use crate::verifier;
use std::sync::Arc;
use ws2_abi::GUID;

/// `INVALID_SOCKET` / `INVALID_HANDLE_VALUE` as a handle value.
pub const INVALID: usize = usize::MAX;

/// WPUCreateEvent / WSACreateEvent: a manual-reset, non-signalled event.
/// Failure: `WSA_NOT_ENOUGH_MEMORY` (8) when no object can be made.
#[doc(alias = "WPUCreateEvent")]
pub fn create_event() -> Result<usize> {
    create_signal(SignalKind::ManualReset, 0)
}

/// CreateEvent/CreateSemaphore: a new waitable object; `ERROR_NOT_ENOUGH_MEMORY` on failure.
pub fn create_signal(kind: SignalKind, initial: u32) -> Result<usize> {
    let signal = Arc::new(Signal::new(kind, initial)?);
    runtime()
        .insert(Object::Signal(signal))
        .ok_or(WinError::NOT_ENOUGH_MEMORY)
}

fn event(handle: usize) -> Result<Arc<Signal>> {
    runtime()
        .signal(handle, &[Kind::Event])
        .ok_or(WinError::INVALID_HANDLE)
}

/// WPUSetEvent / SetEvent: signalled; `WSA_INVALID_HANDLE` (6) for anything but a live event.
#[doc(alias = "WPUSetEvent")]
pub fn set_event(handle: usize) -> Result<()> {
    event(handle).map(|e| e.set())
}

/// WPUResetEvent / ResetEvent: not signalled; `WSA_INVALID_HANDLE` (6) otherwise.
#[doc(alias = "WPUResetEvent")]
pub fn reset_event(handle: usize) -> Result<()> {
    event(handle).map(|e| e.reset())
}

/// WPUCloseEvent: closes an event handle; `WSA_INVALID_HANDLE` (6) for NULL, stale or
/// non-event handles. Waiters keep the object alive (the wait neither completes nor fails).
#[doc(alias = "WPUCloseEvent")]
pub fn close_event(handle: usize) -> Result<()> {
    runtime()
        .handles
        .remove(handle, &[Kind::Event])
        .map(|_| verifier::closed(handle))
        .ok_or(WinError::INVALID_HANDLE)
}

/// CloseHandle / WSACloseEvent: closes an event, semaphore, thread, completion-port or socket
/// handle. `ERROR_INVALID_HANDLE` otherwise (window handles are closed by DestroyWindow).
/// Divergence: closing a minted socket handle this way does not tell its provider, as on
/// Windows (closesocket is the call that does).
pub fn close_handle(handle: usize) -> Result<()> {
    let kinds = [
        Kind::Event,
        Kind::Semaphore,
        Kind::Mutex,
        Kind::Thread,
        Kind::Port,
        Kind::Socket,
    ];
    runtime()
        .handles
        .remove(handle, &kinds)
        .map(|_| verifier::closed(handle))
        .ok_or(WinError::INVALID_HANDLE)
}

/// `WSAEINVAL` unless `id` is a catalog entry id (checked without copying the entry).
fn known_catalog_id(id: u32) -> Result<()> {
    if runtime().catalog().by_id(id).is_some() {
        Ok(())
    } else {
        Err(WinError::WSAEINVAL)
    }
}

/// WPUCreateSocketHandle: a new socket handle owned by catalog entry `catalog_id`, carrying
/// `context`. Unknown catalog id: `WSAEINVAL` (undocumented; spec §5.4). Table full: `WSAENOBUFS`.
#[doc(alias = "WPUCreateSocketHandle")]
pub fn create_socket_handle(catalog_id: u32, context: usize) -> Result<usize> {
    known_catalog_id(catalog_id)?;
    runtime()
        .create_socket(catalog_id, context)
        .ok_or(WinError::WSAENOBUFS)
}

/// WPUCloseSocketHandle: forgets a handle from WPUCreateSocketHandle (never calls the provider);
/// `WSAENOTSOCK` for anything else, including IFS registrations and stale handles. Its
/// completion-port association ends with it.
#[doc(alias = "WPUCloseSocketHandle")]
pub fn close_socket_handle(socket: usize) -> Result<()> {
    match runtime().handles.remove(socket, &[Kind::Socket]) {
        Some(_) => {
            verifier::closed(socket);
            Ok(())
        }
        None => {
            if verifier::enabled() && verifier::is_stale(socket) {
                verifier::report(
                    Some(socket),
                    "WPUCloseSocketHandle",
                    "handle closed twice (it was already closed)",
                    "Windows returns WSAENOTSOCK, and once the value is reused the call closes \
                     another socket",
                );
            }
            Err(WinError::WSAENOTSOCK)
        }
    }
}

/// Verifier check 1 for WPUQuerySocketHandleContext (called on its failure path only).
pub fn verify_stale_context_query(socket: usize) {
    if verifier::enabled() && verifier::is_stale(socket) {
        verifier::report(
            Some(socket),
            "WPUQuerySocketHandleContext",
            "socket handle used after close",
            "Windows returns WSAENOTSOCK and the handle may already belong to another socket \
             (whose context would be returned)",
        );
    }
}

/// WPUQuerySocketHandleContext: the context given to WPUCreateSocketHandle, lock-free.
/// `WSAENOTSOCK` for any other handle (strict, spec §5.10).
#[doc(alias = "WPUQuerySocketHandleContext")]
#[inline]
pub fn query_socket_handle_context(socket: usize) -> Result<usize> {
    runtime()
        .handles
        .context(socket, Kind::Socket)
        .ok_or(WinError::WSAENOTSOCK)
}

/// WPUModifyIFSHandle: registers a provider's own handle (its descriptor) as a socket of
/// `catalog_id` and returns it unchanged; a later registration of the same value replaces the
/// earlier one. `WSAEINVAL` for an unknown catalog id or a proposed handle that is neither an open
/// descriptor nor a live socket handle (0 and INVALID_SOCKET included).
#[doc(alias = "WPUModifyIFSHandle")]
pub fn modify_ifs_handle(catalog_id: u32, proposed: usize) -> Result<usize> {
    known_catalog_id(catalog_id)?;
    let live = ws2_os::is_open_descriptor(proposed) || runtime().created_socket(proposed).is_some();
    if proposed == 0 || proposed == INVALID || !live {
        return Err(WinError::WSAEINVAL);
    }
    runtime().register_ifs(proposed, catalog_id);
    Ok(proposed)
}

/// WPUGetProviderPath / WSCGetProviderPath: the provider's DLL path, unexpanded, without the
/// terminator, from the stored catalog (not the WSAStartup snapshot; spec §4.2). `WSAEINVAL`
/// when no catalog entry has that provider id; `WSANO_RECOVERY` when the catalog file cannot be
/// read (reported on stderr).
#[doc(alias = "WPUGetProviderPath")]
pub fn provider_path(provider: &GUID) -> Result<Vec<u16>> {
    crate::catalog::stored_provider_path(provider)
}

/// WPUQueryBlockingCallback: the calling thread's Winsock 1.1 blocking hook (0 when none, always
/// for Winsock 2 applications) and the context to pass to the callback (the catalog id, so that
/// a cancel can reach that provider). `WSAEINVAL` for an unknown catalog id.
#[doc(alias = "WPUQueryBlockingCallback")]
pub fn query_blocking_callback(catalog_id: u32) -> Result<(usize, usize)> {
    known_catalog_id(catalog_id)?;
    let hook = crate::blocking::current_hook();
    Ok(if hook == 0 {
        (0, 0)
    } else {
        (hook, catalog_id as usize)
    })
}

/// WPUOpenCurrentThread: a new handle to the calling thread, usable as a WSATHREADID.
/// `WSANOTINITIALISED` before any WSAStartup/WSPStartup.
#[doc(alias = "WPUOpenCurrentThread")]
pub fn open_current_thread() -> Result<(usize, u32)> {
    if !runtime().upcalls_available() {
        return Err(WinError::WSANOTINITIALISED);
    }
    let me = thread::current()?;
    let tid = me.tid();
    let handle = runtime()
        .insert(Object::Thread(me))
        .ok_or(WinError::WSAENOBUFS)?;
    Ok((handle, tid))
}

/// WPUCloseThread: releases what WPUOpenCurrentThread acquired. APCs already queued stay queued
/// (they belong to the thread, not to the handle). `WSANOTINITIALISED` before startup; an
/// invalid or already-closed identity gives `WSAEFAULT` (the documentation names no code;
/// ReactOS rejects it as an invalid parameter).
#[doc(alias = "WPUCloseThread")]
pub fn close_thread(handle: usize) -> Result<()> {
    if !runtime().upcalls_available() {
        return Err(WinError::WSANOTINITIALISED);
    }
    runtime()
        .handles
        .remove(handle, &[Kind::Thread])
        .map(|_| verifier::closed(handle))
        .ok_or(WinError::WSAEFAULT)
}

/// WPUQueueApc: queues `apc` to the thread behind a WSATHREADID's handle. `WSAEFAULT` when the
/// identity is not a live thread handle or the thread has exited (QueueUserAPC's
/// ERROR_GEN_FAILURE, mapped as spec §5.11 recommends).
#[doc(alias = "WPUQueueApc")]
pub fn queue_apc(thread_handle: usize, apc: Apc) -> Result<()> {
    let Some(target) = runtime().thread(thread_handle) else {
        if verifier::enabled() && verifier::is_stale(thread_handle) {
            verifier::report(
                None,
                "WPUQueueApc",
                &format!(
                    "APC queued to WSATHREADID {thread_handle:#x}, which was already closed \
                     (WPUCloseThread)"
                ),
                "Windows fails with WSAEFAULT and the completion routine never runs; once the \
                 handle value is reused the APC runs in an unrelated thread",
            );
        }
        return Err(WinError::WSAEFAULT);
    };
    target.queue_apc(apc).map_err(|_| WinError::WSAEFAULT)
}

/// QueueUserAPC: like [`queue_apc`] with kernel32's errors (`ERROR_INVALID_HANDLE`,
/// `ERROR_GEN_FAILURE` for an exited thread).
pub fn queue_user_apc(thread_handle: usize, apc: Apc) -> Result<()> {
    let target = runtime()
        .thread(thread_handle)
        .ok_or(WinError::INVALID_HANDLE)?;
    target.queue_apc(apc)
}

/// WPUCompleteOverlappedRequest's target: the completion-port association of a socket minted by
/// WPUCreateSocketHandle. `WSAEINVAL` for any other handle (IFS registrations included).
pub fn completion_target(socket: usize) -> Result<Option<(Arc<Port>, usize)>> {
    let entry = runtime()
        .created_socket(socket)
        .ok_or(WinError::WSAEINVAL)?;
    Ok(entry.association())
}

/// CreateIoCompletionPort. `file == INVALID_HANDLE_VALUE` creates a port (`existing` must be 0);
/// otherwise `file` must be a socket, which is associated with `existing` (or with a new port
/// when `existing` is 0) under `key`. Returns the port handle.
pub fn create_io_completion_port(file: usize, existing: usize, key: usize) -> Result<usize> {
    let rt = runtime();
    if file == INVALID {
        if existing != 0 {
            return Err(WinError::INVALID_PARAMETER);
        }
        return new_port().map(|(handle, _)| handle);
    }
    let socket = rt.socket(file).ok_or(WinError::INVALID_HANDLE)?;
    if existing == 0 {
        let (handle, port) = new_port()?;
        if let Err(e) = socket.associate(port, key) {
            let _ = rt.handles.remove(handle, &[Kind::Port]);
            return Err(e);
        }
        return Ok(handle);
    }
    let port = rt.port(existing).ok_or(WinError::INVALID_HANDLE)?;
    socket.associate(port, key)?;
    Ok(existing)
}

fn new_port() -> Result<(usize, Arc<Port>)> {
    let port = Arc::new(Port::new()?);
    let handle = runtime()
        .insert(Object::Port(port.clone()))
        .ok_or(WinError::NOT_ENOUGH_MEMORY)?;
    Ok((handle, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_follow_the_checklist() {
        let h = create_event().unwrap();
        let e = event(h).unwrap();
        assert!(!e.is_signalled(), "item 9: created non-signalled");
        set_event(h).unwrap();
        set_event(h).unwrap();
        assert!(e.is_signalled());
        reset_event(h).unwrap();
        reset_event(h).unwrap();
        assert!(!e.is_signalled(), "item 11");
        assert_eq!(set_event(0), Err(WinError::INVALID_HANDLE), "item 12");
        assert_eq!(reset_event(0x1234), Err(WinError::INVALID_HANDLE));
        close_event(h).unwrap();
        assert_eq!(close_event(h), Err(WinError::INVALID_HANDLE), "item 14");
        assert_eq!(set_event(h), Err(WinError::INVALID_HANDLE));
    }

    #[test]
    fn socket_handles_follow_the_checklist() {
        let a = create_socket_handle(1001, 0x1122_3344_5566_7788).unwrap();
        let b = create_socket_handle(1001, 2).unwrap();
        assert!(
            a != 0 && a != INVALID && a % 4 == 0 && a != b,
            "items 18, 20"
        );
        assert_eq!(
            query_socket_handle_context(a),
            Ok(0x1122_3344_5566_7788),
            "item 19"
        );
        assert_eq!(query_socket_handle_context(b), Ok(2));
        assert_eq!(
            query_socket_handle_context(0xDEAD0),
            Err(WinError::WSAENOTSOCK),
            "item 21"
        );
        assert_eq!(
            create_socket_handle(0xFFFF_FFF0, 0),
            Err(WinError::WSAEINVAL),
            "item 28"
        );
        close_socket_handle(a).unwrap();
        assert_eq!(
            query_socket_handle_context(a),
            Err(WinError::WSAENOTSOCK),
            "item 23"
        );
        assert_eq!(
            close_socket_handle(a),
            Err(WinError::WSAENOTSOCK),
            "item 24"
        );
        close_socket_handle(b).unwrap();
    }

    #[test]
    fn ifs_registrations_are_not_minted_sockets() {
        let file = std::fs::File::open("/proc/self/stat").unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&file) as usize;
        assert_eq!(modify_ifs_handle(1001, fd), Ok(fd), "item 31");
        assert_eq!(runtime().socket(fd).unwrap().catalog_id, 1001);
        assert_eq!(
            modify_ifs_handle(1002, fd),
            Ok(fd),
            "item 34: re-registration"
        );
        assert_eq!(runtime().socket(fd).unwrap().catalog_id, 1002);
        assert_eq!(
            query_socket_handle_context(fd),
            Err(WinError::WSAENOTSOCK),
            "item 22"
        );
        assert_eq!(
            close_socket_handle(fd),
            Err(WinError::WSAENOTSOCK),
            "item 24"
        );
        assert_eq!(
            completion_target(fd).err(),
            Some(WinError::WSAEINVAL),
            "item 88"
        );
        assert_eq!(
            modify_ifs_handle(1001, INVALID),
            Err(WinError::WSAEINVAL),
            "item 32"
        );
        assert_eq!(
            modify_ifs_handle(77, fd),
            Err(WinError::WSAEINVAL),
            "item 33"
        );
        runtime().unregister_ifs(fd);
    }

    #[test]
    fn ports_associate_sockets_once() {
        let port = create_io_completion_port(INVALID, 0, 0).unwrap();
        let s = create_socket_handle(1001, 0).unwrap();
        assert_eq!(
            create_io_completion_port(s, port, 0x4B),
            Ok(port),
            "item 30"
        );
        let (_, key) = completion_target(s).unwrap().unwrap();
        assert_eq!(key, 0x4B);
        assert_eq!(
            create_io_completion_port(s, port, 1),
            Err(WinError::INVALID_PARAMETER)
        );
        assert_eq!(
            create_io_completion_port(0x1234, port, 1),
            Err(WinError::INVALID_HANDLE)
        );
        assert_eq!(
            create_io_completion_port(INVALID, port, 0),
            Err(WinError::INVALID_PARAMETER)
        );
        close_socket_handle(s).unwrap();
        close_handle(port).unwrap();
        assert_eq!(close_handle(port), Err(WinError::INVALID_HANDLE));
    }

    #[test]
    fn provider_paths_and_blocking_callbacks() {
        let path = provider_path(&crate::catalog::BASE_PROVIDER_IPV4).unwrap();
        assert_eq!(
            String::from_utf16(&path).unwrap(),
            crate::catalog::BASE_PROVIDER_PATH
        );
        let unknown = GUID {
            Data1: 1,
            Data2: 2,
            Data3: 3,
            Data4: [4; 8],
        };
        assert_eq!(provider_path(&unknown), Err(WinError::WSAEINVAL), "item 42");
        assert_eq!(query_blocking_callback(1001), Ok((0, 0)), "item 120");
        assert_eq!(query_blocking_callback(9), Err(WinError::WSAEINVAL));
    }
}
