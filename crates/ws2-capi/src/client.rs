//! The Winsock 2 client API for sockets: every call is routed, as ws2_32 routes it on Windows,
//! from the socket handle to the catalog entry that owns it (registered by the provider with
//! WPUModifyIFSHandle or WPUCreateSocketHandle) to that entry's provider, and into the matching
//! WSPPROC_TABLE slot with a fresh `lpErrno`. Socket creation picks the catalog entry from the
//! process's catalog snapshot (chains installed ahead of base entries are found first) and calls
//! the top provider's WSPSocket with that entry.
//!
//! Windows contract: WSANOTINITIALISED before WSAStartup; WSAENOTSOCK for a handle no provider
//! registered (never another socket's data); the provider's error in the thread's last error on
//! failure; a provider that fails without setting `*lpErrno` is reported as WSASYSCALLFAILURE
//! (as ws2_32 does). Names that libc also exports are exported as `ws2emu_<name>` (the headers
//! bind the Winsock names to them).
//!
//! # Safety (every export)
//! Pointer arguments are the application's and are passed to the provider unchanged, as ws2_32
//! does: each is NULL or valid as the Winsock documentation of that function requires. The
//! provider checks them (the built-in base provider reports NULL with WSAEFAULT).
// The contract above is the same for every export of this module, so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::boundary::{fail_api, ffi_boundary, trace_call};
use crate::loader::start_provider;
use std::cell::RefCell;
use std::ptr::null_mut;
use std::sync::Arc;
use ws2_abi::*;
use ws2_core::runtime::runtime;
use ws2_core::trace::{self, Channel};
use ws2_core::verifier;
use ws2_core::WinError;
use ws2_loader::Provider;

const INVALID: SOCKET = !0;
const SYSCALL_FAILURE: WinError = WinError(WSASYSCALLFAILURE as u32);

fn started() -> ws2_core::Result<()> {
    if runtime().is_started() {
        Ok(())
    } else {
        Err(WinError::WSANOTINITIALISED)
    }
}

/// The provider of socket `s`: WSAENOTSOCK when no provider registered the handle.
fn provider_of(s: SOCKET) -> ws2_core::Result<Arc<Provider>> {
    started()?;
    let entry = runtime().socket(s).ok_or(WinError::WSAENOTSOCK)?;
    start_provider(entry.catalog_id).map_err(|_| WinError::WSAENOTSOCK)
}

/// The provider's error, or WSASYSCALLFAILURE when it failed without one.
fn provider_error(errno: i32) -> WinError {
    if errno == 0 {
        SYSCALL_FAILURE
    } else {
        WinError(errno as u32)
    }
}

/// What `*lpErrno` holds before a provider slot runs while the verifier is on (0 when it is
/// off): a failure that leaves it unchanged did not set the error (verifier check 4).
const ERRNO_SENTINEL: i32 = 0x5EA7_1E55;

fn errno_start() -> i32 {
    if verifier::enabled() {
        ERRNO_SENTINEL
    } else {
        0
    }
}

/// The WSPPROC_TABLE slot behind a client API name (for verifier diagnostics).
fn slot_name(api: &str) -> String {
    let fixed = [
        ("ioctlsocket", "WSPIoctl"),
        ("sendto", "WSPSendTo"),
        ("recvfrom", "WSPRecvFrom"),
        ("getsockname", "WSPGetSockName"),
        ("getpeername", "WSPGetPeerName"),
        ("getsockopt", "WSPGetSockOpt"),
        ("setsockopt", "WSPSetSockOpt"),
        ("closesocket", "WSPCloseSocket"),
        ("WSADuplicateSocketW", "WSPDuplicateSocket"),
        ("WSASocketW", "WSPSocket"),
        ("WSADuplicateSocketA", "WSPDuplicateSocket"),
    ];
    if let Some((_, slot)) = fixed.iter().find(|(name, _)| *name == api) {
        return (*slot).into();
    }
    let rest = api.strip_prefix("WSA").unwrap_or(api);
    let mut chars = rest.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase());
    format!(
        "WSP{}{}",
        first.map(String::from).unwrap_or_default(),
        chars.as_str()
    )
}

/// The error of a failed provider slot; with the verifier on, reports a failure that left
/// `*lpErrno` unset (check 4).
fn slot_error(p: &Provider, api: &str, s: Option<SOCKET>, failure: &str, errno: i32) -> WinError {
    if errno == ERRNO_SENTINEL && verifier::enabled() {
        verifier::report_for(
            Some(&p.name()),
            s,
            &slot_name(api),
            &format!("returned {failure} without setting *lpErrno"),
            "Windows (ws2_32) gives the application WSASYSCALLFAILURE, which says nothing about \
             the cause",
        );
        return SYSCALL_FAILURE;
    }
    provider_error(errno)
}

/// Marks `p` current on this thread while its slot runs (verifier attribution).
fn enter(p: &Provider) -> verifier::ProviderScope {
    verifier::ProviderScope::enter(|| p.name())
}

/// Verifier check 7: a socket returned by WSPSocket/WSPAccept must be registered for an entry
/// of the provider that returned it. One registered by a lower layer only (an IFS layer that
/// hands out its lower layer's handle without WPUModifyIFSHandle) would route every later call
/// past the layer.
fn verify_registered(p: &Provider, slot: &str, s: SOCKET, ifs: bool) {
    if !verifier::enabled() {
        return;
    }
    let registered_by = runtime().socket(s).and_then(|entry| {
        runtime()
            .catalog()
            .by_id(entry.catalog_id)
            .map(|e| e.info.ProviderId)
    });
    if registered_by == Some(p.guid()) {
        return;
    }
    let what = if ifs {
        "returned a socket of an IFS provider (XP1_IFS_HANDLES) that was never registered with \
         WPUModifyIFSHandle"
    } else {
        "returned a socket that was never created with WPUCreateSocketHandle or registered with \
         WPUModifyIFSHandle"
    };
    verifier::report_for(
        Some(&p.name()),
        Some(s),
        slot,
        what,
        if registered_by.is_some() {
            "ws2_32 routes every later call on the handle to the provider that registered it \
             (a lower layer), bypassing this one"
        } else {
            "Windows (ws2_32) does not know the handle: every later call on it fails with \
             WSAENOTSOCK"
        },
    );
}

/// The calling thread's identity for overlapped calls (opened once per thread, as ws2_32 does,
/// and closed when the thread exits).
struct ThreadIdentity(WSATHREADID);

impl Drop for ThreadIdentity {
    fn drop(&mut self) {
        let _ = ws2_core::upcalls::close_handle(self.0.ThreadHandle as usize);
    }
}

thread_local! {
    static THREAD_ID: RefCell<Option<ThreadIdentity>> = const { RefCell::new(None) };
}

fn thread_id() -> WSATHREADID {
    THREAD_ID
        .try_with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                if let Ok((handle, tid)) = ws2_core::upcalls::open_current_thread() {
                    *cell = Some(ThreadIdentity(WSATHREADID {
                        ThreadHandle: handle as HANDLE,
                        Reserved: tid as DWORD_PTR,
                    }));
                }
            }
            cell.as_ref().map(|t| t.0)
        })
        .ok()
        .flatten()
        .unwrap_or(WSATHREADID {
            ThreadHandle: null_mut(),
            Reserved: 0,
        })
}

/// Runs an int-returning socket call: 0 or a count, or SOCKET_ERROR with the last error.
fn api_int(name: &str, s: SOCKET, call: impl FnOnce(&WSPPROC_TABLE, *mut i32) -> i32) -> i32 {
    ffi_boundary(name, SOCKET_ERROR, || {
        let result = provider_of(s).and_then(|p| {
            let mut errno = errno_start();
            let scope = enter(&p);
            let r = call(p.procs(), &mut errno);
            drop(scope);
            if r == SOCKET_ERROR {
                Err(slot_error(&p, name, Some(s), "SOCKET_ERROR", errno))
            } else {
                Ok(r)
            }
        });
        trace_call(
            Channel::Api,
            name,
            || format!("{s:#x}, ..."),
            || match result {
                Ok(v) => v.to_string(),
                Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
            },
        );
        result.unwrap_or_else(|e| fail_api(e, SOCKET_ERROR))
    })
}

/// Runs a BOOL-returning socket call.
fn api_bool(name: &str, s: SOCKET, call: impl FnOnce(&WSPPROC_TABLE, *mut i32) -> BOOL) -> BOOL {
    ffi_boundary(name, FALSE, || {
        let result = provider_of(s).and_then(|p| {
            let mut errno = errno_start();
            let scope = enter(&p);
            let r = call(p.procs(), &mut errno);
            drop(scope);
            match r {
                FALSE => Err(slot_error(&p, name, Some(s), "FALSE", errno)),
                r => Ok(r),
            }
        });
        trace_call(
            Channel::Api,
            name,
            || format!("{s:#x}, ..."),
            || match result {
                Ok(_) => "TRUE".into(),
                Err(e) => trace::outcome("FALSE", Some(e)),
            },
        );
        result.unwrap_or_else(|e| fail_api(e, FALSE))
    })
}

/// Runs a SOCKET-returning call on socket `s` (accept).
fn api_socket(
    name: &str,
    s: SOCKET,
    call: impl FnOnce(&WSPPROC_TABLE, *mut i32) -> SOCKET,
) -> SOCKET {
    ffi_boundary(name, INVALID, || {
        let result = provider_of(s).and_then(|p| {
            let mut errno = errno_start();
            let scope = enter(&p);
            let r = call(p.procs(), &mut errno);
            drop(scope);
            match r {
                INVALID => Err(slot_error(&p, name, Some(s), "INVALID_SOCKET", errno)),
                new => {
                    verify_registered(&p, &slot_name(name), new, is_ifs(&p));
                    Ok(new)
                }
            }
        });
        trace_call(
            Channel::Api,
            name,
            || format!("{s:#x}, ..."),
            || match result {
                Ok(new) => format!("{new:#x}"),
                Err(e) => trace::outcome("INVALID_SOCKET", Some(e)),
            },
        );
        result.unwrap_or_else(|e| fail_api(e, INVALID))
    })
}

/// Whether `p` was started through an entry with XP1_IFS_HANDLES.
fn is_ifs(p: &Provider) -> bool {
    p.protocol_info().dwServiceFlags1 & XP1_IFS_HANDLES != 0
}

/// WSAEINVAL when an overlapped call asks for a completion routine on a socket associated with
/// a completion port (the NT I/O manager refuses an APC on a port-bound handle, spec §6.1).
fn check_completion_mode(
    s: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> ws2_core::Result<()> {
    let port_bound = runtime()
        .socket(s)
        .is_some_and(|e| e.association().is_some());
    if !overlapped.is_null() && routine.is_some() && port_bound {
        Err(WinError::WSAEINVAL)
    } else {
        Ok(())
    }
}

/// Runs an overlapped-capable call: the completion-mode check, then the provider slot with the
/// calling thread's WSATHREADID.
fn api_overlapped(
    name: &str,
    s: SOCKET,
    ov: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    call: impl FnOnce(&WSPPROC_TABLE, LPWSATHREADID, *mut i32) -> i32,
) -> i32 {
    if let Err(e) = check_completion_mode(s, ov, routine) {
        return fail_api(e, SOCKET_ERROR);
    }
    let mut tid = thread_id();
    api_int(name, s, |p, e| call(p, &mut tid, e))
}

/// Creates a socket through the catalog: the entry `info` names, or the first entry matching
/// the triple; then the top provider's WSPSocket with that entry.
fn create_socket(
    af: i32,
    kind: i32,
    protocol: i32,
    info: Option<&WSAPROTOCOL_INFOW>,
    group: GROUP,
    flags: DWORD,
) -> ws2_core::Result<SOCKET> {
    started()?;
    let entry = {
        let catalog = runtime().catalog();
        match info {
            Some(i) => catalog
                .by_id(i.dwCatalogEntryId)
                .cloned()
                .ok_or(WinError::WSAEINVAL)?,
            None => catalog.select(af, kind, protocol)?.clone(),
        }
    };
    let pick = |requested: i32, own: i32| {
        if requested == FROM_PROTOCOL_INFO {
            own
        } else {
            requested
        }
    };
    let (af, kind, protocol) = (
        pick(af, entry.info.iAddressFamily),
        pick(kind, entry.info.iSocketType),
        pick(protocol, entry.info.iProtocol),
    );
    let provider = start_provider(entry.id())?;
    let mut info = entry.info;
    let mut errno = errno_start();
    let wsp_socket = provider
        .procs()
        .lpWSPSocket
        .expect("validated by the loader");
    let scope = enter(&provider);
    // SAFETY: the loader validated the slot; `info` and `errno` are locals valid for the call.
    let s = unsafe { wsp_socket(af, kind, protocol, &mut info, group, flags, &mut errno) };
    drop(scope);
    if s == INVALID {
        Err(slot_error(
            &provider,
            "WSASocketW",
            None,
            "INVALID_SOCKET",
            errno,
        ))
    } else {
        let ifs = entry.info.dwServiceFlags1 & XP1_IFS_HANDLES != 0;
        verify_registered(&provider, "WSPSocket", s, ifs);
        Ok(s)
    }
}

fn creation(name: &str, result: ws2_core::Result<SOCKET>, args: impl FnOnce() -> String) -> SOCKET {
    trace_call(Channel::Api, name, args, || match result {
        Ok(s) => format!("{s:#x}"),
        Err(e) => trace::outcome("INVALID_SOCKET", Some(e)),
    });
    result.unwrap_or_else(|e| fail_api(e, INVALID))
}

/// socket: an overlapped-capable socket, as on Windows (WSA_FLAG_OVERLAPPED).
#[export_name = "ws2emu_socket"]
pub extern "system" fn socket(af: i32, kind: i32, protocol: i32) -> SOCKET {
    ffi_boundary("socket", INVALID, || {
        let result = create_socket(af, kind, protocol, None, 0, WSA_FLAG_OVERLAPPED);
        creation("socket", result, || format!("{af}, {kind}, {protocol}"))
    })
}

/// WSASocketW: by triple, or by the catalog entry a WSAPROTOCOL_INFOW names (its provider's
/// WSPSocket receives that entry).
///
/// # Safety
/// `info` is NULL or a readable WSAPROTOCOL_INFOW.
#[no_mangle]
pub unsafe extern "system" fn WSASocketW(
    af: i32,
    kind: i32,
    protocol: i32,
    info: LPWSAPROTOCOL_INFOW,
    group: GROUP,
    flags: DWORD,
) -> SOCKET {
    ffi_boundary("WSASocketW", INVALID, || {
        // SAFETY: NULL or readable (contract).
        let info = unsafe { info.as_ref() };
        let result = create_socket(af, kind, protocol, info, group, flags);
        creation("WSASocketW", result, || {
            format!("{af}, {kind}, {protocol}, {info:?}, {group}, {flags:#x}")
        })
    })
}

/// WSASocketA: WSASocketW with an ANSI protocol info (converted; ws2emu's ANSI is UTF-8).
#[no_mangle]
pub unsafe extern "system" fn WSASocketA(
    af: i32,
    kind: i32,
    protocol: i32,
    info: LPWSAPROTOCOL_INFOA,
    group: GROUP,
    flags: DWORD,
) -> SOCKET {
    ffi_boundary("WSASocketA", INVALID, || {
        // SAFETY: NULL or readable (contract).
        let wide = unsafe { info.as_ref() }.map(crate::catalog::from_ansi);
        let result = create_socket(af, kind, protocol, wide.as_ref(), group, flags);
        creation("WSASocketA", result, || {
            format!("{af}, {kind}, {protocol}, {info:?}, {group}, {flags:#x}")
        })
    })
}

/// WSADuplicateSocketA: WSADuplicateSocketW into an ANSI protocol info.
#[no_mangle]
pub unsafe extern "system" fn WSADuplicateSocketA(
    s: SOCKET,
    process: DWORD,
    info: LPWSAPROTOCOL_INFOA,
) -> i32 {
    if info.is_null() {
        return fail_api(WinError::WSAEFAULT, SOCKET_ERROR);
    }
    let mut wide = ws2_core::catalog::blank_protocol_info();
    let r = api_int("WSADuplicateSocketA", s, |p, e| unsafe {
        p.lpWSPDuplicateSocket.unwrap()(s, process, &mut wide, e)
    });
    if r == 0 {
        // SAFETY: non-null and writable (contract).
        unsafe { info.write(crate::catalog::to_ansi(&wide)) };
    }
    r
}

/// closesocket: the provider's WSPCloseSocket; an IFS registration ends with it.
#[no_mangle]
pub extern "system" fn closesocket(s: SOCKET) -> i32 {
    // Taken before the provider closes its descriptor: afterwards the value may already be
    // another thread's new socket (see Runtime::unregister_ifs_entry).
    let registration = runtime().ifs_entry(s);
    let result = api_int("closesocket", s, |p, e| {
        // SAFETY: validated slot; errno is a local of api_int.
        unsafe { p.lpWSPCloseSocket.unwrap()(s, e) }
    });
    if result == 0 {
        if let Some(entry) = &registration {
            runtime().unregister_ifs_entry(s, entry);
        }
        crate::kernel32::forget_handle_flags(s);
    }
    result
}

#[export_name = "ws2emu_bind"]
pub unsafe extern "system" fn bind(s: SOCKET, name: *const SOCKADDR, namelen: i32) -> i32 {
    // SAFETY (all slot calls below): the loader validated every slot; pointers are the
    // application's, passed through unchanged as on Windows; errno is api_int's local.
    api_int("bind", s, |p, e| unsafe {
        p.lpWSPBind.unwrap()(s, name, namelen, e)
    })
}

#[export_name = "ws2emu_listen"]
pub extern "system" fn listen(s: SOCKET, backlog: i32) -> i32 {
    api_int("listen", s, |p, e| unsafe {
        p.lpWSPListen.unwrap()(s, backlog, e)
    })
}

#[export_name = "ws2emu_accept"]
pub unsafe extern "system" fn accept(s: SOCKET, addr: *mut SOCKADDR, addrlen: *mut i32) -> SOCKET {
    api_socket("accept", s, |p, e| unsafe {
        p.lpWSPAccept.unwrap()(s, addr, addrlen, None, 0, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAAccept(
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: *mut i32,
    condition: LPCONDITIONPROC,
    data: DWORD_PTR,
) -> SOCKET {
    api_socket("WSAAccept", s, |p, e| unsafe {
        p.lpWSPAccept.unwrap()(s, addr, addrlen, condition, data, e)
    })
}

#[export_name = "ws2emu_connect"]
pub unsafe extern "system" fn connect(s: SOCKET, name: *const SOCKADDR, namelen: i32) -> i32 {
    api_int("connect", s, |p, e| unsafe {
        p.lpWSPConnect.unwrap()(
            s,
            name,
            namelen,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            e,
        )
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAConnect(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: i32,
    caller: LPWSABUF,
    callee: LPWSABUF,
    sqos: LPQOS,
    gqos: LPQOS,
) -> i32 {
    api_int("WSAConnect", s, |p, e| unsafe {
        p.lpWSPConnect.unwrap()(s, name, namelen, caller, callee, sqos, gqos, e)
    })
}

/// send: one WSABUF through WSPSend; returns the bytes sent.
#[export_name = "ws2emu_send"]
pub unsafe extern "system" fn send(s: SOCKET, buf: *const i8, len: i32, flags: i32) -> i32 {
    let mut wsabuf = WSABUF {
        len: len as u32,
        buf: buf.cast_mut(),
    };
    let mut sent = 0u32;
    let r = api_int("send", s, |p, e| unsafe {
        p.lpWSPSend.unwrap()(
            s,
            &mut wsabuf,
            1,
            &mut sent,
            flags as u32,
            null_mut(),
            None,
            null_mut(),
            e,
        )
    });
    if r == SOCKET_ERROR {
        r
    } else {
        sent as i32
    }
}

/// recv: one WSABUF through WSPRecv; returns the bytes received (0 at a graceful close).
#[export_name = "ws2emu_recv"]
pub unsafe extern "system" fn recv(s: SOCKET, buf: *mut i8, len: i32, flags: i32) -> i32 {
    let mut wsabuf = WSABUF {
        len: len as u32,
        buf,
    };
    let (mut received, mut flags) = (0u32, flags as u32);
    let r = api_int("recv", s, |p, e| unsafe {
        p.lpWSPRecv.unwrap()(
            s,
            &mut wsabuf,
            1,
            &mut received,
            &mut flags,
            null_mut(),
            None,
            null_mut(),
            e,
        )
    });
    if r == SOCKET_ERROR {
        r
    } else {
        received as i32
    }
}

#[export_name = "ws2emu_sendto"]
pub unsafe extern "system" fn sendto(
    s: SOCKET,
    buf: *const i8,
    len: i32,
    flags: i32,
    to: *const SOCKADDR,
    tolen: i32,
) -> i32 {
    let mut wsabuf = WSABUF {
        len: len as u32,
        buf: buf.cast_mut(),
    };
    let mut sent = 0u32;
    let r = api_int("sendto", s, |p, e| unsafe {
        p.lpWSPSendTo.unwrap()(
            s,
            &mut wsabuf,
            1,
            &mut sent,
            flags as u32,
            to,
            tolen,
            null_mut(),
            None,
            null_mut(),
            e,
        )
    });
    if r == SOCKET_ERROR {
        r
    } else {
        sent as i32
    }
}

#[export_name = "ws2emu_recvfrom"]
pub unsafe extern "system" fn recvfrom(
    s: SOCKET,
    buf: *mut i8,
    len: i32,
    flags: i32,
    from: *mut SOCKADDR,
    fromlen: *mut i32,
) -> i32 {
    let mut wsabuf = WSABUF {
        len: len as u32,
        buf,
    };
    let (mut received, mut flags) = (0u32, flags as u32);
    let r = api_int("recvfrom", s, |p, e| unsafe {
        p.lpWSPRecvFrom.unwrap()(
            s,
            &mut wsabuf,
            1,
            &mut received,
            &mut flags,
            from,
            fromlen,
            null_mut(),
            None,
            null_mut(),
            e,
        )
    });
    if r == SOCKET_ERROR {
        r
    } else {
        received as i32
    }
}

/// WSASend (overlapped or not); the provider gets this thread's identity for completion
/// routines.
#[no_mangle]
pub unsafe extern "system" fn WSASend(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    sent: LPDWORD,
    flags: DWORD,
    ov: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    api_overlapped("WSASend", s, ov, routine, |p, tid, e| unsafe {
        p.lpWSPSend.unwrap()(s, bufs, count, sent, flags, ov, routine, tid, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSARecv(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    received: LPDWORD,
    flags: LPDWORD,
    ov: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    api_overlapped("WSARecv", s, ov, routine, |p, tid, e| unsafe {
        p.lpWSPRecv.unwrap()(s, bufs, count, received, flags, ov, routine, tid, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSASendTo(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    sent: LPDWORD,
    flags: DWORD,
    to: *const SOCKADDR,
    tolen: i32,
    ov: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    api_overlapped("WSASendTo", s, ov, routine, |p, tid, e| unsafe {
        p.lpWSPSendTo.unwrap()(s, bufs, count, sent, flags, to, tolen, ov, routine, tid, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSARecvFrom(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    received: LPDWORD,
    flags: LPDWORD,
    from: *mut SOCKADDR,
    fromlen: *mut i32,
    ov: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    api_overlapped("WSARecvFrom", s, ov, routine, |p, tid, e| unsafe {
        p.lpWSPRecvFrom.unwrap()(
            s, bufs, count, received, flags, from, fromlen, ov, routine, tid, e,
        )
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAGetOverlappedResult(
    s: SOCKET,
    ov: LPWSAOVERLAPPED,
    transferred: LPDWORD,
    wait: BOOL,
    flags: LPDWORD,
) -> BOOL {
    api_bool("WSAGetOverlappedResult", s, |p, e| unsafe {
        p.lpWSPGetOverlappedResult.unwrap()(s, ov, transferred, wait, flags, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSASendDisconnect(s: SOCKET, data: LPWSABUF) -> i32 {
    api_int("WSASendDisconnect", s, |p, e| unsafe {
        p.lpWSPSendDisconnect.unwrap()(s, data, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSARecvDisconnect(s: SOCKET, data: LPWSABUF) -> i32 {
    api_int("WSARecvDisconnect", s, |p, e| unsafe {
        p.lpWSPRecvDisconnect.unwrap()(s, data, e)
    })
}

#[export_name = "ws2emu_shutdown"]
pub extern "system" fn shutdown(s: SOCKET, how: i32) -> i32 {
    api_int("shutdown", s, |p, e| unsafe {
        p.lpWSPShutdown.unwrap()(s, how, e)
    })
}

#[export_name = "ws2emu_getsockname"]
pub unsafe extern "system" fn getsockname(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut i32,
) -> i32 {
    api_int("getsockname", s, |p, e| unsafe {
        p.lpWSPGetSockName.unwrap()(s, name, namelen, e)
    })
}

#[export_name = "ws2emu_getpeername"]
pub unsafe extern "system" fn getpeername(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: *mut i32,
) -> i32 {
    api_int("getpeername", s, |p, e| unsafe {
        p.lpWSPGetPeerName.unwrap()(s, name, namelen, e)
    })
}

#[export_name = "ws2emu_getsockopt"]
pub unsafe extern "system" fn getsockopt(
    s: SOCKET,
    level: i32,
    name: i32,
    value: *mut i8,
    len: *mut i32,
) -> i32 {
    api_int("getsockopt", s, |p, e| unsafe {
        p.lpWSPGetSockOpt.unwrap()(s, level, name, value, len, e)
    })
}

#[export_name = "ws2emu_setsockopt"]
pub unsafe extern "system" fn setsockopt(
    s: SOCKET,
    level: i32,
    name: i32,
    value: *const i8,
    len: i32,
) -> i32 {
    api_int("setsockopt", s, |p, e| unsafe {
        p.lpWSPSetSockOpt.unwrap()(s, level, name, value, len, e)
    })
}

/// ioctlsocket: WSPIoctl with the 32-bit u_long argument as both input and output.
#[no_mangle]
pub unsafe extern "system" fn ioctlsocket(s: SOCKET, cmd: i32, arg: *mut u32) -> i32 {
    let mut returned = 0u32;
    api_int("ioctlsocket", s, |p, e| unsafe {
        p.lpWSPIoctl.unwrap()(
            s,
            cmd as u32,
            arg.cast(),
            4,
            arg.cast(),
            4,
            &mut returned,
            null_mut(),
            None,
            null_mut(),
            e,
        )
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAIoctl(
    s: SOCKET,
    code: DWORD,
    input: LPVOID,
    in_len: DWORD,
    output: LPVOID,
    out_len: DWORD,
    returned: LPDWORD,
    ov: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    api_overlapped("WSAIoctl", s, ov, routine, |p, tid, e| unsafe {
        p.lpWSPIoctl.unwrap()(
            s, code, input, in_len, output, out_len, returned, ov, routine, tid, e,
        )
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAEventSelect(s: SOCKET, event: WSAEVENT, events: i32) -> i32 {
    api_int("WSAEventSelect", s, |p, e| unsafe {
        p.lpWSPEventSelect.unwrap()(s, event, events, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAEnumNetworkEvents(
    s: SOCKET,
    event: WSAEVENT,
    record: LPWSANETWORKEVENTS,
) -> i32 {
    api_int("WSAEnumNetworkEvents", s, |p, e| unsafe {
        p.lpWSPEnumNetworkEvents.unwrap()(s, event, record, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAAsyncSelect(s: SOCKET, hwnd: HWND, msg: u32, events: i32) -> i32 {
    api_int("WSAAsyncSelect", s, |p, e| unsafe {
        p.lpWSPAsyncSelect.unwrap()(s, hwnd, msg, events, e)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSADuplicateSocketW(
    s: SOCKET,
    process: DWORD,
    info: LPWSAPROTOCOL_INFOW,
) -> i32 {
    api_int("WSADuplicateSocketW", s, |p, e| unsafe {
        p.lpWSPDuplicateSocket.unwrap()(s, process, info, e)
    })
}

/// The first socket named in the three sets (read, write, except order), as ws2_32 picks the
/// provider that serves a select.
///
/// # Safety
/// Each set is NULL or a readable fd_set holding `fd_count` entries.
unsafe fn first_member(sets: [*mut fd_set; 3]) -> Option<SOCKET> {
    sets.into_iter()
        .filter(|set| !set.is_null())
        .find_map(|set| {
            // SAFETY: non-null and readable (contract); the first entry exists when fd_count > 0.
            unsafe {
                let count = std::ptr::addr_of!((*set).fd_count).read();
                (count > 0).then(|| std::ptr::addr_of!((*set).fd_array).cast::<SOCKET>().read())
            }
        })
}

/// select: dispatched to the provider of the first socket in the sets; all sets empty (or
/// NULL) → WSAEINVAL.
#[export_name = "ws2emu_select"]
pub unsafe extern "system" fn select(
    nfds: i32,
    read: *mut fd_set,
    write: *mut fd_set,
    except: *mut fd_set,
    timeout: *const TIMEVAL,
) -> i32 {
    ffi_boundary("select", SOCKET_ERROR, || {
        if let Err(e) = started() {
            return fail_api(e, SOCKET_ERROR);
        }
        // SAFETY: the sets are the application's (contract).
        let Some(first) = (unsafe { first_member([read, write, except]) }) else {
            return fail_api(WinError::WSAEINVAL, SOCKET_ERROR);
        };
        api_int("select", first, |p, e| unsafe {
            p.lpWSPSelect.unwrap()(nfds, read, write, except, timeout, e)
        })
    })
}

/// WSAGetQOSByName: the socket's provider's WSPGetQOSByName (the built-in base provider has no
/// QOS templates: FALSE with WSAEINVAL).
#[no_mangle]
pub unsafe extern "system" fn WSAGetQOSByName(s: SOCKET, name: LPWSABUF, qos: LPQOS) -> BOOL {
    api_bool("WSAGetQOSByName", s, |p, e| unsafe {
        p.lpWSPGetQOSByName.unwrap()(s, name, qos, e)
    })
}

/// WSAJoinLeaf: the socket's provider's WSPJoinLeaf (the built-in base provider offers no
/// multipoint sessions: INVALID_SOCKET with WSAEOPNOTSUPP).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn WSAJoinLeaf(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: i32,
    caller: LPWSABUF,
    callee: LPWSABUF,
    sqos: LPQOS,
    gqos: LPQOS,
    flags: DWORD,
) -> SOCKET {
    api_socket("WSAJoinLeaf", s, |p, e| unsafe {
        p.lpWSPJoinLeaf.unwrap()(s, name, namelen, caller, callee, sqos, gqos, flags, e)
    })
}

/// The argument block of SIO_EXT_SENDMSG (mswsock.h `WSASENDMSG`).
#[repr(C)]
struct SendMsgArgs {
    msg: LPWSAMSG,
    flags: DWORD,
    sent: LPDWORD,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
}

/// WSASendMsg: as ws2_32 does it, WSPIoctl(SIO_EXT_SENDMSG) on the socket's provider with a
/// WSASENDMSG block; the ioctl itself is not overlapped (the request's overlapped and completion
/// routine travel in the block, and the provider gets this thread's WSATHREADID). NULL `lpMsg`:
/// WSAEFAULT. The built-in base provider sends the buffers to `name` (ignored on a connected
/// stream socket) like WSASendTo, overlapped or not.
#[no_mangle]
pub unsafe extern "system" fn WSASendMsg(
    s: SOCKET,
    msg: LPWSAMSG,
    flags: DWORD,
    sent: LPDWORD,
    ov: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    ffi_boundary("WSASendMsg", SOCKET_ERROR, || {
        if msg.is_null() {
            if let Err(e) = provider_of(s) {
                return fail_api(e, SOCKET_ERROR);
            }
            return fail_api(WinError::WSAEFAULT, SOCKET_ERROR);
        }
        let mut args = SendMsgArgs {
            msg,
            flags,
            sent,
            overlapped: ov,
            routine,
        };
        let mut returned = 0u32;
        api_overlapped("WSASendMsg", s, ov, routine, |p, tid, e| unsafe {
            p.lpWSPIoctl.unwrap()(
                s,
                SIO_EXT_SENDMSG,
                (&mut args as *mut SendMsgArgs).cast(),
                std::mem::size_of::<SendMsgArgs>() as DWORD,
                null_mut(),
                0,
                &mut returned,
                null_mut(),
                None,
                tid,
                e,
            )
        })
    })
}

/// The entries of a WSAPoll array served by one provider.
struct PollGroup {
    provider: Arc<Provider>,
    /// Indexes into the caller's array.
    members: Vec<usize>,
}

/// A Windows fd_set holding `sockets` (any count: the array is allocated to fit).
fn fd_set_of(sockets: &[SOCKET]) -> Vec<usize> {
    let mut set = Vec::with_capacity(sockets.len() + 1);
    set.push(sockets.len()); // fd_count (u_int) and its padding, little-endian
    set.extend_from_slice(sockets);
    set
}

/// The members of an fd_set built by [`fd_set_of`] after a select rewrote it.
fn fd_set_members(set: &[usize]) -> &[usize] {
    let count = (set[0] as u32 as usize).min(set.len() - 1);
    &set[1..=count]
}

const POLL_REQUESTS: i16 = POLLRDNORM | POLLRDBAND | POLLWRNORM;

/// One WSPSelect over a group: the revents of each member (by index into `fds`). `timeout`
/// None blocks.
fn poll_group(
    group: &PollGroup,
    fds: &[WSAPOLLFD],
    timeout: Option<std::time::Duration>,
) -> ws2_core::Result<Vec<(usize, i16)>> {
    let (mut read, mut write, mut except) = (Vec::new(), Vec::new(), Vec::new());
    for &i in &group.members {
        let fd = &fds[i];
        if fd.events & POLLRDNORM != 0 {
            read.push(fd.fd);
        }
        if fd.events & POLLWRNORM != 0 {
            write.push(fd.fd);
        }
        // Errors (a failed connect) and out-of-band data are both in the except set.
        except.push(fd.fd);
    }
    let (mut r, mut w, mut x) = (fd_set_of(&read), fd_set_of(&write), fd_set_of(&except));
    let tv = timeout.map(|t| TIMEVAL {
        tv_sec: t.as_secs() as i32,
        tv_usec: t.subsec_micros() as i32,
    });
    let tv_ptr = tv
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const TIMEVAL);
    let set_ptr = |v: &mut Vec<usize>| -> *mut fd_set {
        if v[0] == 0 {
            null_mut()
        } else {
            v.as_mut_ptr().cast()
        }
    };
    let (rp, wp, xp) = (set_ptr(&mut r), set_ptr(&mut w), set_ptr(&mut x));
    let p = &group.provider;
    let mut errno = errno_start();
    let scope = enter(p);
    // SAFETY: validated slot; the sets are local arrays laid out as fd_sets holding their
    // counts; the timeout is NULL or a local.
    let n = unsafe { p.procs().lpWSPSelect.unwrap()(0, rp, wp, xp, tv_ptr, &mut errno) };
    drop(scope);
    if n == SOCKET_ERROR {
        return Err(slot_error(p, "WSAPoll", None, "SOCKET_ERROR", errno));
    }
    let (r, w, x) = (
        if rp.is_null() {
            &[][..]
        } else {
            fd_set_members(&r)
        },
        if wp.is_null() {
            &[][..]
        } else {
            fd_set_members(&w)
        },
        fd_set_members(&x),
    );
    let mut out = Vec::new();
    for &i in &group.members {
        let fd = fds[i];
        let mut revents = 0i16;
        if w.contains(&fd.fd) {
            revents |= POLLWRNORM;
        }
        if x.contains(&fd.fd) {
            revents |= exceptional(p, fd.fd, fd.events);
        }
        if r.contains(&fd.fd) {
            revents |= readable(p, fd.fd, fd.events);
        }
        out.push((i, revents));
    }
    Ok(out)
}

/// Calls a provider's getsockopt for an int option (None when it fails).
fn int_option(p: &Provider, s: SOCKET, name: i32) -> Option<i32> {
    let (mut value, mut len, mut errno) = (0i32, 4i32, 0i32);
    // SAFETY: validated slot; value and len are locals of the right size.
    let r = unsafe {
        p.procs().lpWSPGetSockOpt.unwrap()(
            s,
            SOL_SOCKET,
            name,
            (&mut value as *mut i32).cast(),
            &mut len,
            &mut errno,
        )
    };
    (r == 0).then_some(value)
}

/// The revents of a socket in the except set: POLLERR (and POLLHUP) for a pending error such as
/// a failed connect; otherwise out-of-band data, POLLRDBAND when asked for.
fn exceptional(p: &Provider, s: SOCKET, events: i16) -> i16 {
    match int_option(p, s, SO_ERROR) {
        Some(e) if e != 0 => POLLERR | POLLHUP,
        _ if events & POLLRDBAND != 0 => POLLRDBAND,
        _ => 0,
    }
}

/// The revents of a socket in the read set: on a connected stream socket, a one-byte MSG_PEEK
/// tells data (POLLRDNORM) from a graceful close (POLLHUP, plus POLLRDNORM: recv returns 0
/// without blocking) or a reset (POLLHUP); anything else readable is POLLRDNORM.
fn readable(p: &Provider, s: SOCKET, events: i16) -> i16 {
    if int_option(p, s, SO_TYPE) != Some(SOCK_STREAM) {
        return POLLRDNORM;
    }
    let mut byte = 0u8;
    let mut buf = WSABUF {
        len: 1,
        buf: (&mut byte as *mut u8).cast(),
    };
    let (mut got, mut flags, mut errno) = (0u32, MSG_PEEK as u32, 0i32);
    // SAFETY: validated slot; the buffer and counters are locals; not overlapped. The socket
    // was just reported readable, so the peek does not block.
    let r = unsafe {
        p.procs().lpWSPRecv.unwrap()(
            s,
            &mut buf,
            1,
            &mut got,
            &mut flags,
            null_mut(),
            None,
            null_mut(),
            &mut errno,
        )
    };
    match (r, errno) {
        (0, _) if got == 0 => POLLHUP | (events & POLLRDNORM),
        (0, _) => POLLRDNORM,
        (_, WSAECONNRESET) | (_, WSAECONNABORTED) => POLLHUP,
        // A listening socket (WSAENOTCONN / WSAEINVAL): a connection is waiting.
        _ => POLLRDNORM,
    }
}

/// WSAPoll over the providers' WSPSelect. NULL array: WSAEFAULT; `fds` 0 or no entry with a
/// non-negative `fd`: WSAEINVAL; `events` other than POLLRDNORM/POLLRDBAND/POLLWRNORM
/// (POLLIN, POLLOUT) on an entry: WSAEINVAL (POLLPRI and POLLWRBAND are refused as Microsoft's
/// provider refuses them). An entry whose `fd` is negative is skipped (`revents` 0); one that is
/// not a socket gets POLLNVAL and counts, the call still succeeds. Errors (POLLERR, POLLHUP) are
/// reported without being asked for. `timeout` < 0 waits forever, 0 polls. Sockets of one
/// provider take one WSPSelect with the timeout; sockets of several providers are polled by
/// each provider without waiting, every 10 ms at most, until one is ready or the time is up.
#[no_mangle]
pub unsafe extern "system" fn WSAPoll(fds: LPWSAPOLLFD, count: ULONG, timeout: INT) -> i32 {
    ffi_boundary("WSAPoll", SOCKET_ERROR, || {
        // SAFETY: the caller's array of `count` entries (contract).
        let result = unsafe { poll(fds, count, timeout) };
        trace_call(
            Channel::Api,
            "WSAPoll",
            || format!("{fds:?}, {count}, {timeout}"),
            || match result {
                Ok(v) => v.to_string(),
                Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
            },
        );
        result.unwrap_or_else(|e| fail_api(e, SOCKET_ERROR))
    })
}

/// The body of [`WSAPoll`].
///
/// # Safety
/// `fds` is NULL or valid for reading and writing `count` entries.
unsafe fn poll(fds: LPWSAPOLLFD, count: ULONG, timeout: INT) -> ws2_core::Result<i32> {
    use std::time::{Duration, Instant};
    started()?;
    if fds.is_null() {
        return Err(WinError::WSAEFAULT);
    }
    if count == 0 {
        return Err(WinError::WSAEINVAL);
    }
    // SAFETY: valid for `count` entries (contract).
    let entries = unsafe { std::slice::from_raw_parts_mut(fds, count as usize) };
    let skipped = |fd: &WSAPOLLFD| (fd.fd as isize) < 0;
    if entries.iter().all(skipped) {
        return Err(WinError::WSAEINVAL);
    }
    if entries
        .iter()
        .any(|fd| !skipped(fd) && fd.events & !POLL_REQUESTS != 0)
    {
        return Err(WinError::WSAEINVAL);
    }
    let snapshot: Vec<WSAPOLLFD> = entries.to_vec();
    let mut revents = vec![0i16; entries.len()];
    let mut groups: Vec<PollGroup> = Vec::new();
    for (i, fd) in snapshot.iter().enumerate() {
        if skipped(fd) {
            continue;
        }
        match provider_of(fd.fd) {
            Ok(p) => match groups.iter_mut().find(|g| Arc::ptr_eq(&g.provider, &p)) {
                Some(g) => g.members.push(i),
                None => groups.push(PollGroup {
                    provider: p,
                    members: vec![i],
                }),
            },
            Err(_) => revents[i] = POLLNVAL,
        }
    }
    let invalid = revents.iter().any(|&r| r != 0);
    let limit = (timeout >= 0).then(|| Duration::from_millis(timeout as u64));
    if groups.len() == 1 {
        let wait = if invalid { Some(Duration::ZERO) } else { limit };
        for (i, r) in poll_group(&groups[0], &snapshot, wait)? {
            revents[i] = r;
        }
    } else if !groups.is_empty() {
        let deadline = limit.map(|l| Instant::now() + l);
        loop {
            for g in &groups {
                for (i, r) in poll_group(g, &snapshot, Some(Duration::ZERO))? {
                    revents[i] = r;
                }
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if revents.iter().any(|&r| r != 0) || left == Some(Duration::ZERO) {
                break;
            }
            let slice = Duration::from_millis(10);
            std::thread::sleep(left.map_or(slice, |l| l.min(slice)));
        }
    }
    for (fd, r) in entries.iter_mut().zip(&revents) {
        fd.revents = *r;
    }
    Ok(revents.iter().filter(|&&r| r != 0).count() as i32)
}
