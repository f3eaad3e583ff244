//! The C boundary: the exported `WSPStartup` and the 30 `WSPPROC_TABLE` slot functions.
//!
//! Each slot function checks its pointers (a NULL `lpErrno` is never written, a NULL
//! out-pointer is `WSAEFAULT`), converts the C arguments to Rust values, runs the safe logic of
//! socket.rs/options.rs/addr.rs inside [`boundary`] (a panic becomes `WSASYSCALLFAILURE`
//! instead of unwinding into C), writes out-parameters only on success (the documented
//! exceptions are noted: a truncated datagram's byte count and the size needed by the address
//! string functions), and returns the documented failure value with `*lpErrno` set.
//!
//! # Safety (every slot function)
//! The caller honours the WSP contract of Microsoft's documentation for that function: each
//! pointer argument is NULL or valid for the reads and writes the function documents (a WSABUF
//! array of `dwBufferCount` entries whose buffers are valid for their lengths, an address of
//! `namelen` bytes, an `fd_set` holding `fd_count` handles, ...). NULL is checked here; the
//! rest cannot be checked and is trusted, as every provider does.
// The contract above applies to all slot functions alike, so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::addr::{self, Family};
use crate::events::{self, Target};
use crate::host::{self, Notify};
use crate::options;
use crate::overlapped::{self, Op, Work};
use crate::provider;
use crate::reactor;
use crate::socket::{self, Socket, WsaResult};
use std::io::{IoSlice, IoSliceMut};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;
use ws2_abi as w;
use ws2_abi::{
    fd_set, BOOL, CHAR, DWORD, DWORD_PTR, FALSE, GROUP, GUID, HWND, INT, LONG, LPCONDITIONPROC,
    LPDWORD, LPFN_ACCEPTEX, LPFN_CONNECTEX, LPFN_DISCONNECTEX, LPFN_GETACCEPTEXSOCKADDRS, LPINT,
    LPQOS, LPSOCKADDR, LPVOID, LPWSABUF, LPWSANETWORKEVENTS, LPWSAOVERLAPPED,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSAPROTOCOL_INFOW, LPWSATHREADID, LPWSPDATA,
    LPWSPPROC_TABLE, LPWSTR, SOCKADDR, SOCKET, SOCKET_ERROR, TIMEVAL, UINT, WORD,
    WS2EMU_HOST_TABLE, WSABUF, WSAEVENT, WSPPROC_TABLE, WSPUPCALLTABLE,
};

const INVALID_SOCKET: SOCKET = w::INVALID_SOCKET;

/// Stores `code` in `*errno` when the pointer is not NULL.
///
/// # Safety
/// `errno` is NULL or writable.
unsafe fn set_errno(errno: LPINT, code: i32) {
    if !errno.is_null() {
        // SAFETY: non-NULL, writable by the caller's contract.
        unsafe { *errno = code };
    }
}

/// Runs a slot body: its value on success; `failure` with `*errno` set on an error or a panic.
///
/// # Safety
/// `errno` is NULL or writable.
unsafe fn boundary<T>(errno: LPINT, failure: T, body: impl FnOnce() -> WsaResult<T>) -> T {
    let code = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => return value,
        Ok(Err(code)) => code,
        Err(_) => w::WSASYSCALLFAILURE,
    };
    // SAFETY: forwarded caller contract.
    unsafe { set_errno(errno, code) };
    failure
}

/// `len` bytes at `p` (`WSAEFAULT` for NULL or a negative length).
///
/// # Safety
/// `p` is NULL or readable for `len` bytes for `'a`.
unsafe fn bytes<'a>(p: *const u8, len: i64) -> WsaResult<&'a [u8]> {
    if p.is_null() || len < 0 {
        return Err(w::WSAEFAULT);
    }
    // SAFETY: non-NULL and readable for `len` bytes (caller's contract).
    Ok(unsafe { std::slice::from_raw_parts(p, len as usize) })
}

/// The WSABUF array as gather slices.
///
/// # Safety
/// `bufs` is NULL or an array of `count` WSABUFs whose buffers are readable for their lengths.
unsafe fn gather<'a>(bufs: LPWSABUF, count: DWORD) -> WsaResult<Vec<IoSlice<'a>>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if bufs.is_null() {
        return Err(w::WSAEFAULT);
    }
    // SAFETY: `count` WSABUFs at `bufs` (caller's contract).
    let bufs = unsafe { std::slice::from_raw_parts(bufs, count as usize) };
    bufs.iter()
        .map(|b| {
            if b.len == 0 {
                Ok(IoSlice::new(&[]))
            } else if b.buf.is_null() {
                Err(w::WSAEFAULT)
            } else {
                // SAFETY: the buffer is readable for `len` bytes (caller's contract).
                Ok(IoSlice::new(unsafe {
                    std::slice::from_raw_parts(b.buf as *const u8, b.len as usize)
                }))
            }
        })
        .collect()
}

/// The WSABUF array as scatter slices.
///
/// # Safety
/// `bufs` is NULL or an array of `count` WSABUFs whose buffers are writable for their lengths
/// and not aliased during `'a`.
unsafe fn scatter<'a>(bufs: LPWSABUF, count: DWORD) -> WsaResult<Vec<IoSliceMut<'a>>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if bufs.is_null() {
        return Err(w::WSAEFAULT);
    }
    // SAFETY: `count` WSABUFs at `bufs` (caller's contract).
    let bufs = unsafe { std::slice::from_raw_parts(bufs, count as usize) };
    bufs.iter()
        .map(|b| {
            if b.len == 0 {
                Ok(IoSliceMut::new(&mut []))
            } else if b.buf.is_null() {
                Err(w::WSAEFAULT)
            } else {
                // SAFETY: the buffer is writable for `len` bytes and exclusively ours for the
                // call (caller's contract).
                Ok(IoSliceMut::new(unsafe {
                    std::slice::from_raw_parts_mut(b.buf as *mut u8, b.len as usize)
                }))
            }
        })
        .collect()
}

/// Writes `addr` in its Windows layout to `name`/`*namelen`; a length below the family's
/// sockaddr size is `WSAEFAULT`. `*namelen` becomes the size written.
///
/// # Safety
/// `name` is NULL or writable for `*namelen` bytes; `namelen` is NULL or readable/writable.
unsafe fn write_address(
    addr: &std::net::SocketAddr,
    name: *mut SOCKADDR,
    namelen: LPINT,
) -> WsaResult<()> {
    if name.is_null() || namelen.is_null() {
        return Err(w::WSAEFAULT);
    }
    let size = Family::of(addr).sockaddr_len();
    // SAFETY: namelen is readable (caller's contract).
    if unsafe { *namelen } < size as i32 {
        return Err(w::WSAEFAULT);
    }
    let bytes = addr::to_windows(addr);
    // SAFETY: `name` is writable for *namelen ≥ size bytes; namelen is writable.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), name.cast::<u8>(), size);
        *namelen = size as i32;
    }
    Ok(())
}

/// Registers a new socket with ws2_32 (WPUModifyIFSHandle with the catalog entry's id) and
/// records it under the returned handle. On failure the descriptor is closed.
fn register(upcalls: &WSPUPCALLTABLE, catalog_id: DWORD, socket: Socket) -> WsaResult<SOCKET> {
    register_arc(upcalls, catalog_id, socket).map(|(handle, _)| handle)
}

/// [`register`], also returning the recorded socket.
fn register_arc(
    upcalls: &WSPUPCALLTABLE,
    catalog_id: DWORD,
    socket: Socket,
) -> WsaResult<(SOCKET, Arc<Socket>)> {
    let modify = upcalls.lpWPUModifyIFSHandle.ok_or(w::WSASYSCALLFAILURE)?;
    let mut error = 0;
    // SAFETY: ws2_32's upcall, called with a live descriptor and a valid lpErrno; no lock of
    // ours is held (the upcall may call back into the provider).
    let handle = unsafe { modify(catalog_id, socket.raw_fd() as SOCKET, &mut error) };
    if handle == INVALID_SOCKET {
        return Err(if error != 0 {
            error
        } else {
            w::WSASYSCALLFAILURE
        });
    }
    let socket = socket::insert(handle, socket);
    Ok((handle, socket))
}

fn upcalls() -> WsaResult<WSPUPCALLTABLE> {
    provider::upcalls().ok_or(w::WSANOTINITIALISED)
}

// ---------------------------------------------------------------------------------------------
// WSPStartup and the table
// ---------------------------------------------------------------------------------------------

const DESCRIPTION: &str = "ws2emu base provider (TCP/UDP over IPv4/IPv6)";

/// The provider's entry point (spec §4.1). Returns the error code itself: `WSAEFAULT` for a
/// NULL `lpWSPData`/`lpProcTable`, `WSAVERNOTSUPPORTED` below 2.0. On success reports
/// `wVersion` = min(requested, 2.2), `wHighVersion` = 2.2, fills all 30 slots, keeps the upcall
/// table (the latest one wins) and counts the startup for WSPCleanup.
///
/// # Safety
/// `lpWSPData` and `lpProcTable` are NULL or writable for their structures.
#[no_mangle]
#[allow(non_snake_case)]
pub unsafe extern "system" fn WSPStartup(
    wVersionRequested: WORD,
    lpWSPData: LPWSPDATA,
    _lpProtocolInfo: LPWSAPROTOCOL_INFOW,
    UpcallTable: WSPUPCALLTABLE,
    lpProcTable: LPWSPPROC_TABLE,
) -> INT {
    let result = catch_unwind(|| {
        if lpWSPData.is_null() || lpProcTable.is_null() {
            return w::WSAEFAULT;
        }
        let version = match provider::negotiate(wVersionRequested) {
            Ok(v) => v,
            Err(e) => return e,
        };
        let mut description = [0u16; w::WSPDESCRIPTION_LEN + 1];
        for (dst, c) in description.iter_mut().zip(DESCRIPTION.encode_utf16()) {
            *dst = c;
        }
        // SAFETY: both pointers are non-NULL and writable (caller's contract).
        unsafe {
            (*lpWSPData).wVersion = version;
            (*lpWSPData).wHighVersion = provider::HIGH_VERSION;
            (*lpWSPData).szDescription = description;
            *lpProcTable = proc_table();
        }
        provider::start(UpcallTable);
        0
    });
    result.unwrap_or(w::WSASYSCALLFAILURE)
}

/// All 30 slots.
pub fn proc_table() -> WSPPROC_TABLE {
    WSPPROC_TABLE {
        lpWSPAccept: Some(wsp_accept),
        lpWSPAddressToString: Some(wsp_address_to_string),
        lpWSPAsyncSelect: Some(wsp_async_select),
        lpWSPBind: Some(wsp_bind),
        lpWSPCancelBlockingCall: Some(wsp_cancel_blocking_call),
        lpWSPCleanup: Some(wsp_cleanup),
        lpWSPCloseSocket: Some(wsp_close_socket),
        lpWSPConnect: Some(wsp_connect),
        lpWSPDuplicateSocket: Some(wsp_duplicate_socket),
        lpWSPEnumNetworkEvents: Some(wsp_enum_network_events),
        lpWSPEventSelect: Some(wsp_event_select),
        lpWSPGetOverlappedResult: Some(wsp_get_overlapped_result),
        lpWSPGetPeerName: Some(wsp_get_peer_name),
        lpWSPGetSockName: Some(wsp_get_sock_name),
        lpWSPGetSockOpt: Some(wsp_get_sock_opt),
        lpWSPGetQOSByName: Some(wsp_get_qos_by_name),
        lpWSPIoctl: Some(wsp_ioctl),
        lpWSPJoinLeaf: Some(wsp_join_leaf),
        lpWSPListen: Some(wsp_listen),
        lpWSPRecv: Some(wsp_recv),
        lpWSPRecvDisconnect: Some(wsp_recv_disconnect),
        lpWSPRecvFrom: Some(wsp_recv_from),
        lpWSPSelect: Some(wsp_select),
        lpWSPSend: Some(wsp_send),
        lpWSPSendDisconnect: Some(wsp_send_disconnect),
        lpWSPSendTo: Some(wsp_send_to),
        lpWSPSetSockOpt: Some(wsp_set_sock_opt),
        lpWSPShutdown: Some(wsp_shutdown),
        lpWSPSocket: Some(wsp_socket),
        lpWSPStringToAddress: Some(wsp_string_to_address),
    }
}

// ---------------------------------------------------------------------------------------------
// Socket life cycle
// ---------------------------------------------------------------------------------------------

/// WSPSocket: a new socket for the catalog entry `lpProtocolInfo`, registered with
/// WPUModifyIFSHandle under that entry's id; returns the handle ws2_32 gave back. NULL
/// `lpProtocolInfo`: `WSAEFAULT`. Socket groups (`g`) are ignored, as Windows does.
#[doc(alias = "WSPSocket")]
pub unsafe extern "system" fn wsp_socket(
    af: INT,
    kind: INT,
    protocol: INT,
    info: LPWSAPROTOCOL_INFOW,
    _g: GROUP,
    _flags: DWORD,
    errno: LPINT,
) -> SOCKET {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, INVALID_SOCKET, || {
            if info.is_null() {
                return Err(w::WSAEFAULT);
            }
            // SAFETY: non-NULL and readable (caller's contract).
            let info = *info;
            let upcalls = upcalls()?;
            if info.dwProviderReserved != 0 {
                // A WSPDuplicateSocket protocol info: the same socket under a new handle.
                if let Some((fd, parts)) = socket::take_duplicate(info.dwProviderReserved) {
                    let socket = Socket::from_duplicate(fd, &parts);
                    return register(&upcalls, info.dwCatalogEntryId, socket);
                }
            }
            let socket = socket::open(af, kind, protocol, &info)?;
            register(&upcalls, info.dwCatalogEntryId, socket)
        })
    }
}

/// WSPCloseSocket: forgets the handle and closes the descriptor (with the socket's SO_LINGER
/// behaviour). A non-blocking socket that would have to linger: `WSAEWOULDBLOCK`, still open.
/// IFS handles need no upcall: ws2_32 forgets the handle when the application's closesocket
/// returns.
#[doc(alias = "WSPCloseSocket")]
pub unsafe extern "system" fn wsp_close_socket(s: SOCKET, errno: LPINT) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            socket::lookup(s)?.check_close()?;
            let socket = socket::remove(s)?;
            overlapped::abort_all(&socket);
            socket.mark_closed();
            Ok(0)
        })
    }
}

/// WSPCleanup: one per successful WSPStartup (else `WSANOTINITIALISED`); the last one closes
/// every socket still open, as if WSPCloseSocket had been called.
#[doc(alias = "WSPCleanup")]
pub unsafe extern "system" fn wsp_cleanup(errno: LPINT) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            if provider::stop()? {
                for socket in socket::remove_all() {
                    overlapped::abort_all(&socket);
                    socket.mark_closed();
                }
                socket::clear_duplicates();
                reactor::stop();
            }
            Ok(0)
        })
    }
}

/// WSPBind. A short or foreign-family address: `WSAEFAULT`.
#[doc(alias = "WSPBind")]
pub unsafe extern "system" fn wsp_bind(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            // SAFETY: name is readable for namelen bytes (caller's contract).
            let raw = bytes(name.cast(), namelen.into())?;
            let addr = addr::from_windows(raw).map_err(|_| w::WSAEFAULT)?;
            socket.bind(&addr)?;
            Ok(0)
        })
    }
}

/// WSPListen.
#[doc(alias = "WSPListen")]
pub unsafe extern "system" fn wsp_listen(s: SOCKET, backlog: INT, errno: LPINT) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            socket::lookup(s)?.listen(backlog)?;
            Ok(0)
        })
    }
}

/// WSPAccept. `addr`/`addrlen` (optional) receive the peer; a length below the family's
/// sockaddr size is `WSAEFAULT` before anything is accepted. The condition function sees the
/// caller id (peer address) and callee id (local address); no connect data or QOS exist for
/// TCP (NULL). Its verdict: `CF_ACCEPT` registers and returns the socket; `CF_REJECT` resets
/// the connection and fails with `WSAECONNREFUSED`; `CF_DEFER` fails with `WSATRY_AGAIN` and
/// keeps the connection for the next accept (Linux has already completed the handshake, as
/// Windows has with `SO_CONDITIONAL_ACCEPT` FALSE, its default); anything else resets the
/// connection and fails with `WSAEINVAL`.
#[doc(alias = "WSPAccept")]
pub unsafe extern "system" fn wsp_accept(
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: LPINT,
    condition: LPCONDITIONPROC,
    callback_data: DWORD_PTR,
    errno: LPINT,
) -> SOCKET {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, INVALID_SOCKET, || {
            let listener = socket::lookup(s)?;
            let size = listener.family.sockaddr_len() as i32;
            if !addr.is_null() && (addrlen.is_null() || *addrlen < size) {
                return Err(w::WSAEFAULT);
            }
            let upcalls = upcalls()?;
            let result = listener.accept();
            // accept re-enables FD_ACCEPT, even when it fails (spec §7.1).
            events::reenable(&listener, w::FD_ACCEPT);
            let (accepted, peer) = result?;
            if let Some(condition) = condition {
                let local = accepted.local_address()?;
                let mut caller = addr::to_windows(&peer);
                let mut callee = addr::to_windows(&local);
                let mut caller_id = WSABUF {
                    len: size as u32,
                    buf: caller.as_mut_ptr().cast::<CHAR>(),
                };
                let mut callee_id = WSABUF {
                    len: size as u32,
                    buf: callee.as_mut_ptr().cast::<CHAR>(),
                };
                let mut group: GROUP = 0;
                let null_buf: LPWSABUF = std::ptr::null_mut();
                let null_qos: LPQOS = std::ptr::null_mut();
                // SAFETY: the application's condition function, called as documented with
                // pointers valid for the call; no lock of ours is held.
                let verdict = condition(
                    &mut caller_id,
                    null_buf,
                    null_qos,
                    null_qos,
                    &mut callee_id,
                    null_buf,
                    &mut group,
                    callback_data,
                );
                match verdict {
                    w::CF_ACCEPT => {}
                    w::CF_REJECT => {
                        accepted.reject();
                        return Err(w::WSAECONNREFUSED);
                    }
                    w::CF_DEFER => {
                        listener.defer((accepted, peer));
                        // The deferred connection keeps FD_ACCEPT due.
                        events::reenable(&listener, w::FD_ACCEPT);
                        return Err(w::WSATRY_AGAIN);
                    }
                    _ => {
                        accepted.reject();
                        return Err(w::WSAEINVAL);
                    }
                }
            }
            let (handle, accepted) =
                register_arc(&upcalls, listener.info.dwCatalogEntryId, accepted)?;
            events::inherit(&listener, &accepted)?;
            if !addr.is_null() {
                // Checked above: addrlen holds at least the family's size.
                write_address(&peer, addr, addrlen)?;
            }
            Ok(handle)
        })
    }
}

/// WSPConnect. Connect data is not supported by TCP/UDP: `lpCalleeData`, when given, gets
/// length 0; QOS is ignored.
#[doc(alias = "WSPConnect")]
pub unsafe extern "system" fn wsp_connect(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    _caller_data: LPWSABUF,
    callee_data: LPWSABUF,
    _sqos: LPQOS,
    _gqos: LPQOS,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            // SAFETY: name is readable for namelen bytes (caller's contract).
            let raw = bytes(name.cast(), namelen.into())?;
            let to = addr::from_windows(raw)?;
            let stream = socket.kind == socket::Kind::Stream;
            let already = stream && {
                let st = socket.state();
                st.connected || st.connecting
            };
            if stream && !already {
                events::connect_starting(&socket);
            }
            let result = socket.connect(&to);
            if stream && !already {
                let started = matches!(result, Ok(()) | Err(w::WSAEWOULDBLOCK));
                events::connect_returned(&socket, started);
            }
            result?;
            if !callee_data.is_null() {
                (*callee_data).len = 0;
            }
            Ok(0)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Data transfer
// ---------------------------------------------------------------------------------------------

/// WSPSend. Non-overlapped: blocking or non-blocking per the socket's mode; a send that fails
/// with `WSAEWOULDBLOCK` makes FD_WRITE due. Overlapped (`lpOverlapped` non-NULL): see
/// [`start_request`]; `lpNumberOfBytesSent` may then be NULL.
#[doc(alias = "WSPSend")]
pub unsafe extern "system" fn wsp_send(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    sent: LPDWORD,
    flags: DWORD,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if !overlapped.is_null() {
                let work = Work::Send {
                    bufs: copy_bufs(bufs, count)?,
                    flags: flags as i32,
                    to: None,
                    sendto: false,
                    done: 0,
                };
                let done = start_request(&socket, s, overlapped, routine, thread, work, true)?;
                if !sent.is_null() {
                    *sent = done.0;
                }
                return Ok(0);
            }
            if sent.is_null() {
                return Err(w::WSAEFAULT);
            }
            let slices = gather(bufs, count)?;
            let n = sent_or_blocked(&socket, socket.send(&slices, flags as i32, None, false))?;
            *sent = n as DWORD;
            Ok(0)
        })
    }
}

/// WSPSendTo. `lpTo` is used by unconnected datagram sockets only; a short address is
/// `WSAEFAULT`, another family `WSAEAFNOSUPPORT`, none at all `WSAEDESTADDRREQ`. Overlapped as
/// WSPSend.
#[doc(alias = "WSPSendTo")]
pub unsafe extern "system" fn wsp_send_to(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    sent: LPDWORD,
    flags: DWORD,
    to: *const SOCKADDR,
    tolen: INT,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            let dest = if to.is_null() || socket.kind == socket::Kind::Stream {
                None
            } else {
                // SAFETY: `to` is readable for tolen bytes (caller's contract).
                Some(addr::from_windows(bytes(to.cast(), tolen.into())?)?)
            };
            if !overlapped.is_null() {
                let work = Work::Send {
                    bufs: copy_bufs(bufs, count)?,
                    flags: flags as i32,
                    to: dest,
                    sendto: true,
                    done: 0,
                };
                let done = start_request(&socket, s, overlapped, routine, thread, work, true)?;
                if !sent.is_null() {
                    *sent = done.0;
                }
                return Ok(0);
            }
            if sent.is_null() {
                return Err(w::WSAEFAULT);
            }
            let slices = gather(bufs, count)?;
            let result = socket.send(&slices, flags as i32, dest.as_ref(), true);
            let n = sent_or_blocked(&socket, result)?;
            *sent = n as DWORD;
            Ok(0)
        })
    }
}

/// A send's result; `WSAEWOULDBLOCK` makes FD_WRITE due (spec §7.1).
fn sent_or_blocked(socket: &Socket, result: WsaResult<usize>) -> WsaResult<usize> {
    if result == Err(w::WSAEWOULDBLOCK) {
        events::send_blocked(socket);
    }
    result
}

/// The WSABUF array as (address, length) pairs, kept by an overlapped request (the array itself
/// is transient; the buffers stay valid until completion by contract).
///
/// # Safety
/// `bufs` is NULL or an array of `count` WSABUFs.
unsafe fn copy_bufs(bufs: LPWSABUF, count: DWORD) -> WsaResult<Vec<(usize, usize)>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if bufs.is_null() {
        return Err(w::WSAEFAULT);
    }
    // SAFETY: `count` WSABUFs at `bufs` (caller's contract).
    let bufs = unsafe { std::slice::from_raw_parts(bufs, count as usize) };
    bufs.iter()
        .map(|b| {
            if b.len != 0 && b.buf.is_null() {
                Err(w::WSAEFAULT)
            } else {
                Ok((b.buf as usize, b.len as usize))
            }
        })
        .collect()
}

/// Starts an overlapped request (spec §6.1, §6.2). A completion routine (with `lpOverlapped`)
/// selects completion by APC to the thread `lpThreadId` names (copied; NULL is `WSAEFAULT`);
/// otherwise the event and/or completion port are notified. `Internal` becomes 0x103 and the
/// event is reset. Returns the byte count and flags when the request completed at once (it is
/// still announced), `WSA_IO_PENDING` when it will complete later, or the error that stopped it
/// (nothing is announced then).
///
/// # Safety
/// `overlapped` is a valid WSAOVERLAPPED; `thread` is NULL or readable.
unsafe fn start_request(
    socket: &Arc<Socket>,
    handle: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
    work: Work,
    write: bool,
) -> WsaResult<(u32, u32)> {
    // SAFETY: forwarded contract.
    let notify = unsafe { notify_of(overlapped, routine, thread)? };
    let op = Op {
        handle,
        overlapped: overlapped as usize,
        notify,
        work,
    };
    overlapped::submit(socket, op, write)?.ok_or(w::WSA_IO_PENDING)
}

/// The completion choice of an overlapped call, after [`host::begin`].
///
/// # Safety
/// As [`start_request`].
unsafe fn notify_of(
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
) -> WsaResult<Notify> {
    let thread = if routine.is_some() {
        if thread.is_null() {
            return Err(w::WSAEFAULT);
        }
        // SAFETY: readable for the call (contract); copied because it is transient.
        let t = unsafe { *thread };
        (t.ThreadHandle as usize, t.Reserved)
    } else {
        (0, 0)
    };
    // SAFETY: valid overlapped (contract).
    unsafe { host::begin(overlapped, routine.is_some())? };
    Ok(Notify {
        routine,
        thread,
        issuer: std::thread::current().id(),
    })
}

/// WSPRecv. A datagram longer than the buffers: the buffers hold its start,
/// `*lpNumberOfBytesRecvd` its length (written although the call fails, as Windows does), the
/// rest is lost, and the call fails with `WSAEMSGSIZE` (these UDP entries do not have
/// XP1_PARTIAL_MESSAGE, so MSG_PARTIAL is never reported). A graceful close reads 0 bytes.
/// Every receive re-enables FD_READ and FD_OOB. Overlapped (see [`start_request`]):
/// `lpNumberOfBytesRecvd` may be NULL, `lpFlags` may not.
#[doc(alias = "WSPRecv")]
pub unsafe extern "system" fn wsp_recv(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    received: LPDWORD,
    flags: LPDWORD,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            let result = recv_common(
                &socket, s, bufs, count, received, flags, None, overlapped, routine, thread,
            );
            events::reenable(&socket, w::FD_READ | w::FD_OOB);
            result
        })
    }
}

/// The body of WSPRecv and WSPRecvFrom (`from`: the sender's address and length, datagram
/// sockets only).
///
/// # Safety
/// The WSPRecv/WSPRecvFrom contract.
#[allow(clippy::too_many_arguments)]
unsafe fn recv_common(
    socket: &Arc<Socket>,
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    received: LPDWORD,
    flags: LPDWORD,
    from: Option<(*mut SOCKADDR, LPINT)>,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
) -> WsaResult<INT> {
    // SAFETY: the caller's contract throughout.
    unsafe {
        if flags.is_null() || (overlapped.is_null() && received.is_null()) {
            return Err(w::WSAEFAULT);
        }
        if !overlapped.is_null() {
            let work = Work::Recv {
                bufs: copy_bufs(bufs, count)?,
                flags: *flags as i32,
                from: from.map(|(a, l)| (a as usize, l as usize)),
            };
            let (n, f) = start_request(socket, s, overlapped, routine, thread, work, false)?;
            if !received.is_null() {
                *received = n;
            }
            *flags = f;
            return Ok(0);
        }
        let mut slices = scatter(bufs, count)?;
        let r = socket.recv(&mut slices, *flags as i32)?;
        *received = r.bytes as DWORD;
        if let (Some((name, len)), Some(peer)) = (from, r.from) {
            write_address(&peer, name, len)?;
        }
        if r.truncated {
            return Err(w::WSAEMSGSIZE);
        }
        *flags = 0;
        Ok(0)
    }
}

/// WSPRecvFrom: WSPRecv plus the sender in `lpFrom`/`*lpFromlen` (datagram sockets; ignored for
/// stream sockets, as documented). A `*lpFromlen` below the family's sockaddr size is
/// `WSAEFAULT` before anything is received. Overlapped: both must stay valid until completion.
#[doc(alias = "WSPRecvFrom")]
pub unsafe extern "system" fn wsp_recv_from(
    s: SOCKET,
    bufs: LPWSABUF,
    count: DWORD,
    received: LPDWORD,
    flags: LPDWORD,
    from: *mut SOCKADDR,
    fromlen: LPINT,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            let want_from = !from.is_null() && socket.kind == socket::Kind::Datagram;
            if want_from && (fromlen.is_null() || *fromlen < socket.family.sockaddr_len() as i32) {
                return Err(w::WSAEFAULT);
            }
            let from = want_from.then_some((from, fromlen));
            let result = recv_common(
                &socket, s, bufs, count, received, flags, from, overlapped, routine, thread,
            );
            events::reenable(&socket, w::FD_READ | w::FD_OOB);
            result
        })
    }
}

/// WSPRecvDisconnect: shutdown(SD_RECEIVE). TCP has no disconnect data: a non-NULL
/// `lpInboundDisconnectData` is `WSAENOPROTOOPT` (documented for that case).
#[doc(alias = "WSPRecvDisconnect")]
pub unsafe extern "system" fn wsp_recv_disconnect(s: SOCKET, data: LPWSABUF, errno: LPINT) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if !data.is_null() {
                return Err(w::WSAENOPROTOOPT);
            }
            socket.shutdown(w::SD_RECEIVE)?;
            Ok(0)
        })
    }
}

/// WSPSendDisconnect: shutdown(SD_SEND). A non-NULL `lpOutboundDisconnectData` is
/// `WSAENOPROTOOPT` (no disconnect data in TCP).
#[doc(alias = "WSPSendDisconnect")]
pub unsafe extern "system" fn wsp_send_disconnect(s: SOCKET, data: LPWSABUF, errno: LPINT) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if !data.is_null() {
                return Err(w::WSAENOPROTOOPT);
            }
            socket.shutdown(w::SD_SEND)?;
            Ok(0)
        })
    }
}

/// WSPShutdown.
#[doc(alias = "WSPShutdown")]
pub unsafe extern "system" fn wsp_shutdown(s: SOCKET, how: INT, errno: LPINT) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            socket::lookup(s)?.shutdown(how)?;
            Ok(0)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Names and options
// ---------------------------------------------------------------------------------------------

/// WSPGetSockName: unbound `WSAEINVAL`; a short buffer `WSAEFAULT`.
#[doc(alias = "WSPGetSockName")]
pub unsafe extern "system" fn wsp_get_sock_name(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if name.is_null() || namelen.is_null() {
                return Err(w::WSAEFAULT);
            }
            let local = socket.local_address()?;
            write_address(&local, name, namelen)?;
            Ok(0)
        })
    }
}

/// WSPGetPeerName: not connected `WSAENOTCONN`; a short buffer `WSAEFAULT`.
#[doc(alias = "WSPGetPeerName")]
pub unsafe extern "system" fn wsp_get_peer_name(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if name.is_null() || namelen.is_null() {
                return Err(w::WSAEFAULT);
            }
            let peer = socket.peer_address()?;
            write_address(&peer, name, namelen)?;
            Ok(0)
        })
    }
}

/// WSPGetSockOpt (mapping in options.rs). NULL `optval`/`optlen` or a short `*optlen`:
/// `WSAEFAULT`; `*optlen` becomes the value's size.
#[doc(alias = "WSPGetSockOpt")]
pub unsafe extern "system" fn wsp_get_sock_opt(
    s: SOCKET,
    level: INT,
    name: INT,
    optval: *mut CHAR,
    optlen: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if optval.is_null() || optlen.is_null() || *optlen < 0 {
                return Err(w::WSAEFAULT);
            }
            let value = options::get(&socket, level, name, *optlen as usize)?;
            // SAFETY: optval is writable for *optlen ≥ value.len() bytes (options::get checked
            // the length); optlen is writable.
            std::ptr::copy_nonoverlapping(value.as_ptr(), optval.cast::<u8>(), value.len());
            *optlen = value.len() as INT;
            Ok(0)
        })
    }
}

/// WSPSetSockOpt (mapping in options.rs). NULL `optval` or a short `optlen`: `WSAEFAULT`.
#[doc(alias = "WSPSetSockOpt")]
pub unsafe extern "system" fn wsp_set_sock_opt(
    s: SOCKET,
    level: INT,
    name: INT,
    optval: *const CHAR,
    optlen: INT,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if level == w::SOL_SOCKET && name == w::SO_UPDATE_CONNECT_CONTEXT {
                // ConnectEx already left the socket in its connected state.
                return Ok(0);
            }
            // SAFETY: optval is readable for optlen bytes (caller's contract).
            let value = bytes(optval.cast(), optlen.into())?;
            if level == w::SOL_SOCKET && name == w::SO_UPDATE_ACCEPT_CONTEXT {
                update_accept_context(&socket, value)?;
                return Ok(0);
            }
            options::set(&socket, level, name, value)?;
            Ok(0)
        })
    }
}

/// WSPIoctl: `FIONBIO` (to blocking while a WSPAsyncSelect/WSPEventSelect selection is active:
/// `WSAEINVAL`), `FIONREAD`, `SIOCATMARK`, `SIO_KEEPALIVE_VALS`,
/// `SIO_BASE_HANDLE`/`SIO_BSP_HANDLE`/`_SELECT`/`_POLL` (the socket itself: this is the base
/// provider) and `SIO_GET_EXTENSION_FUNCTION_POINTER` (AcceptEx, ConnectEx, DisconnectEx,
/// GetAcceptExSockaddrs; another GUID, TransmitFile's included, is `WSAEINVAL`) and
/// `SIO_EXT_SENDMSG` (WSASendMsg, see [`send_msg`]). A short input or
/// output buffer or a NULL `lpcbBytesReturned` (non-overlapped): `WSAEFAULT`; other codes:
/// `WSAEOPNOTSUPP`. Overlapped: these complete at once, and the completion is still announced.
#[doc(alias = "WSPIoctl")]
pub unsafe extern "system" fn wsp_ioctl(
    s: SOCKET,
    code: DWORD,
    input: LPVOID,
    input_len: DWORD,
    output: LPVOID,
    output_len: DWORD,
    returned: LPDWORD,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    thread: LPWSATHREADID,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if code == w::SIO_EXT_SENDMSG {
                return send_msg(s, input, input_len, overlapped, thread);
            }
            if returned.is_null() && overlapped.is_null() {
                return Err(w::WSAEFAULT);
            }
            let notify = if overlapped.is_null() {
                None
            } else {
                Some(notify_of(overlapped, routine, thread)?)
            };
            // SAFETY: input is readable for input_len bytes (caller's contract).
            let read_input = |n: usize| -> WsaResult<&[u8]> {
                if (input_len as usize) < n {
                    return Err(w::WSAEFAULT);
                }
                bytes(input as *const u8, n as i64)
            };
            let mut count: DWORD = 0;
            let mut write_output = |value: &[u8]| -> WsaResult<()> {
                if output.is_null() || (output_len as usize) < value.len() {
                    return Err(w::WSAEFAULT);
                }
                // SAFETY: output is writable for output_len ≥ value.len() bytes (caller's
                // contract).
                std::ptr::copy_nonoverlapping(value.as_ptr(), output.cast::<u8>(), value.len());
                count = value.len() as DWORD;
                Ok(())
            };
            let u32_at =
                |b: &[u8], i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            match code {
                w::FIONBIO => {
                    let v = read_input(4)?;
                    let on = u32_at(v, 0) != 0;
                    if !on && events::selected(&socket) {
                        return Err(w::WSAEINVAL);
                    }
                    socket.set_nonblocking(on);
                }
                w::FIONREAD => {
                    let n = socket.readable_bytes()?;
                    write_output(&n.to_ne_bytes())?;
                }
                w::SIOCATMARK => {
                    let at = socket.at_mark()?;
                    write_output(&i32::from(at).to_ne_bytes())?;
                }
                w::SIO_KEEPALIVE_VALS => {
                    let v = read_input(12)?;
                    socket.keepalive_values(u32_at(v, 0) != 0, u32_at(v, 4), u32_at(v, 8))?;
                }
                w::SIO_BASE_HANDLE
                | w::SIO_BSP_HANDLE
                | w::SIO_BSP_HANDLE_SELECT
                | w::SIO_BSP_HANDLE_POLL => {
                    write_output(&s.to_ne_bytes())?;
                }
                w::SIO_GET_EXTENSION_FUNCTION_POINTER => {
                    let v = read_input(std::mem::size_of::<GUID>())?;
                    let guid = std::ptr::read_unaligned(v.as_ptr().cast::<GUID>());
                    let f = extension_function(&guid).ok_or(w::WSAEINVAL)?;
                    write_output(&f.to_ne_bytes())?;
                }
                _ => return Err(w::WSAEOPNOTSUPP),
            }
            if !returned.is_null() {
                *returned = count;
            }
            if let Some(notify) = notify {
                overlapped::complete_now(s, overlapped as usize, notify, count);
            }
            Ok(0)
        })
    }
}

/// The argument block of `SIO_EXT_SENDMSG` (mswsock.h `WSASENDMSG`).
#[repr(C)]
struct SendMsgArgs {
    msg: w::LPWSAMSG,
    flags: DWORD,
    sent: LPDWORD,
    overlapped: LPWSAOVERLAPPED,
    routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
}

/// `SIO_EXT_SENDMSG` (how ws2_32 carries WSASendMsg to a provider): the `WSAMSG` buffers go to
/// `name` as WSPSendTo sends them (the name is ignored on a stream socket), overlapped through
/// the block's own `lpOverlapped`/`lpCompletionRoutine` with the ioctl's `lpThreadId`. The ioctl
/// itself must not be overlapped (`WSAEINVAL`); a short block or NULL `lpMsg` is `WSAEFAULT`.
/// Control data (IP_PKTINFO, ...) is not supported: a non-empty `Control` is `WSAEOPNOTSUPP`.
///
/// # Safety
/// `input` is readable for `input_len` bytes; the block's pointers follow the WSASendMsg
/// contract.
unsafe fn send_msg(
    s: SOCKET,
    input: LPVOID,
    input_len: DWORD,
    overlapped: LPWSAOVERLAPPED,
    thread: LPWSATHREADID,
) -> WsaResult<INT> {
    if !overlapped.is_null() {
        return Err(w::WSAEINVAL);
    }
    if input.is_null() || (input_len as usize) < std::mem::size_of::<SendMsgArgs>() {
        return Err(w::WSAEFAULT);
    }
    // SAFETY: readable for the block's size (checked above, caller's contract).
    let args = unsafe { std::ptr::read_unaligned(input.cast::<SendMsgArgs>()) };
    if args.msg.is_null() {
        return Err(w::WSAEFAULT);
    }
    // SAFETY: a readable WSAMSG (contract).
    let msg = unsafe { std::ptr::read_unaligned(args.msg) };
    if msg.Control.len != 0 {
        return Err(w::WSAEOPNOTSUPP);
    }
    let mut errno = 0;
    // SAFETY: forwarded contract; errno is a local.
    let r = unsafe {
        wsp_send_to(
            s,
            msg.lpBuffers,
            msg.dwBufferCount,
            args.sent,
            args.flags,
            msg.name,
            msg.namelen,
            args.overlapped,
            args.routine,
            thread,
            &mut errno,
        )
    };
    if r == SOCKET_ERROR {
        Err(errno)
    } else {
        Ok(0)
    }
}

/// The extension function for a `SIO_GET_EXTENSION_FUNCTION_POINTER` GUID (mswsock.h).
fn extension_function(guid: &GUID) -> Option<usize> {
    let same = |g: &GUID| {
        (g.Data1, g.Data2, g.Data3, g.Data4) == (guid.Data1, guid.Data2, guid.Data3, guid.Data4)
    };
    let accept_ex: LPFN_ACCEPTEX = Some(accept_ex);
    let connect_ex: LPFN_CONNECTEX = Some(connect_ex);
    let disconnect_ex: LPFN_DISCONNECTEX = Some(disconnect_ex);
    let sockaddrs: LPFN_GETACCEPTEXSOCKADDRS = Some(get_accept_ex_sockaddrs);
    let table: [(GUID, usize); 4] = [
        (w::WSAID_ACCEPTEX, accept_ex.map_or(0, |f| f as usize)),
        (w::WSAID_CONNECTEX, connect_ex.map_or(0, |f| f as usize)),
        (
            w::WSAID_DISCONNECTEX,
            disconnect_ex.map_or(0, |f| f as usize),
        ),
        (
            w::WSAID_GETACCEPTEXSOCKADDRS,
            sockaddrs.map_or(0, |f| f as usize),
        ),
    ];
    table.iter().find(|(g, _)| same(g)).map(|&(_, f)| f)
}

/// SO_UPDATE_ACCEPT_CONTEXT: the value is the listening socket an AcceptEx socket came from; the
/// accepted socket takes the listener's blocking mode and timeouts (its Windows properties).
/// A short value: `WSAEFAULT`; not one of our sockets: `WSAENOTSOCK`.
fn update_accept_context(socket: &Socket, value: &[u8]) -> WsaResult<()> {
    let raw: [u8; 8] = value
        .get(..8)
        .and_then(|v| v.try_into().ok())
        .ok_or(w::WSAEFAULT)?;
    let listener = socket::lookup(usize::from_ne_bytes(raw))?;
    socket.set_nonblocking(listener.is_nonblocking());
    let (recv, send) = listener.timeouts();
    socket.set_recv_timeout(recv);
    socket.set_send_timeout(send);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// select
// ---------------------------------------------------------------------------------------------

/// The handles of a Windows fd_set (a counted array; `fd_count` may exceed 64 when the
/// application redefined FD_SETSIZE).
///
/// # Safety
/// `set` is NULL or an fd_set holding `fd_count` handles.
unsafe fn read_set(set: *const fd_set) -> Vec<SOCKET> {
    if set.is_null() {
        return Vec::new();
    }
    // SAFETY: readable fd_set with fd_count entries (caller's contract); the array is read
    // through a raw pointer so that counts above FD_SETSIZE are honoured.
    unsafe {
        let count = (*set).fd_count as usize;
        let array = std::ptr::addr_of!((*set).fd_array).cast::<SOCKET>();
        std::slice::from_raw_parts(array, count).to_vec()
    }
}

/// Rewrites a Windows fd_set to hold `ready` (a subset of what it held, so it fits).
///
/// # Safety
/// `set` is NULL or a writable fd_set that held at least `ready.len()` handles.
unsafe fn write_set(set: *mut fd_set, ready: &[SOCKET]) {
    if set.is_null() {
        return;
    }
    // SAFETY: writable fd_set with room for ready.len() ≤ its old fd_count entries.
    unsafe {
        let array = std::ptr::addr_of_mut!((*set).fd_array).cast::<SOCKET>();
        std::ptr::copy_nonoverlapping(ready.as_ptr(), array, ready.len());
        (*set).fd_count = ready.len() as u32;
    }
}

/// WSPSelect: `nfds` is ignored; a NULL timeout blocks; all sets NULL or empty is `WSAEINVAL`;
/// a negative timeout is `WSAEINVAL`. Returns the number of ready memberships and rewrites
/// each set to its ready members.
#[doc(alias = "WSPSelect")]
pub unsafe extern "system" fn wsp_select(
    _nfds: INT,
    readfds: *mut fd_set,
    writefds: *mut fd_set,
    exceptfds: *mut fd_set,
    timeout: *const TIMEVAL,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let (r, wr, e) = (read_set(readfds), read_set(writefds), read_set(exceptfds));
            let timeout = if timeout.is_null() {
                None
            } else {
                let t = *timeout;
                if t.tv_sec < 0 || t.tv_usec < 0 {
                    return Err(w::WSAEINVAL);
                }
                Some(Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64))
            };
            let ready = socket::select(&r, &wr, &e, timeout)?;
            write_set(readfds, &ready.read);
            write_set(writefds, &ready.write);
            write_set(exceptfds, &ready.except);
            Ok(ready.count() as INT)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Address strings
// ---------------------------------------------------------------------------------------------

/// WSPAddressToString: `a.b.c.d[:port]` or `[addr%scope]:port` (addr.rs). A short address
/// `WSAEFAULT`, a family other than AF_INET/AF_INET6 `WSAEINVAL`. A buffer too small for the
/// text and its NUL (or NULL) is `WSAEFAULT` with `*lpdwAddressStringLength` set to the size
/// needed, in characters, as Windows does; on success it is the characters written including
/// the NUL.
#[doc(alias = "WSPAddressToString")]
pub unsafe extern "system" fn wsp_address_to_string(
    address: LPSOCKADDR,
    address_len: DWORD,
    _info: LPWSAPROTOCOL_INFOW,
    out: LPWSTR,
    out_len: LPDWORD,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            if out_len.is_null() {
                return Err(w::WSAEFAULT);
            }
            // SAFETY: address is readable for address_len bytes (caller's contract).
            let raw = bytes(address as *const u8, address_len.into())?;
            let addr = addr::from_windows(raw).map_err(|e| {
                if e == w::WSAEAFNOSUPPORT {
                    w::WSAEINVAL
                } else {
                    e
                }
            })?;
            let mut text: Vec<u16> = addr::to_text(&addr).encode_utf16().collect();
            text.push(0);
            if out.is_null() || (*out_len as usize) < text.len() {
                *out_len = text.len() as DWORD;
                return Err(w::WSAEFAULT);
            }
            // SAFETY: out is writable for *out_len ≥ text.len() characters.
            std::ptr::copy_nonoverlapping(text.as_ptr(), out, text.len());
            *out_len = text.len() as DWORD;
            Ok(0)
        })
    }
}

/// WSPStringToAddress: parses the forms WSPAddressToString prints plus the `inet_addr`
/// shorthand for IPv4 (addr.rs). Unparsable text or a family other than AF_INET/AF_INET6:
/// `WSAEINVAL`. A buffer smaller than the family's sockaddr (or NULL) is `WSAEFAULT` with
/// `*lpAddressLength` set to the size needed; on success it is the size written.
#[doc(alias = "WSPStringToAddress")]
pub unsafe extern "system" fn wsp_string_to_address(
    text: LPWSTR,
    family: INT,
    _info: LPWSAPROTOCOL_INFOW,
    out: LPSOCKADDR,
    out_len: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            if out_len.is_null() {
                return Err(w::WSAEFAULT);
            }
            if text.is_null() {
                return Err(w::WSAEINVAL);
            }
            let family = Family::from_windows(family).ok_or(w::WSAEINVAL)?;
            // SAFETY: text is a NUL-terminated UTF-16 string (caller's contract); reading stops
            // at the NUL or after 512 characters, far beyond any address.
            let mut chars = Vec::new();
            while chars.len() < 512 {
                let c = *text.add(chars.len());
                if c == 0 {
                    break;
                }
                chars.push(c);
            }
            let text = String::from_utf16(&chars).map_err(|_| w::WSAEINVAL)?;
            let addr = addr::from_text(&text, family)?;
            let size = family.sockaddr_len();
            if out.is_null() || *out_len < size as i32 {
                *out_len = size as i32;
                return Err(w::WSAEFAULT);
            }
            let bytes = addr::to_windows(&addr);
            // SAFETY: out is writable for *out_len ≥ size bytes.
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), size);
            *out_len = size as i32;
            Ok(0)
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Slots of later slices, and the permanently unsupported ones
// ---------------------------------------------------------------------------------------------

/// WSPAsyncSelect (spec §7.1, events.rs): `lEvent` FD_* events of `s` posted to `hWnd` as `wMsg`
/// with wParam = the socket and lParam = `WSAMAKESELECTREPLY(event, error)`, one message per
/// event. Replaces any previous selection; makes the socket non-blocking; `lEvent` 0 cancels.
/// A NULL window with a non-zero mask: `WSAEINVAL`.
#[doc(alias = "WSPAsyncSelect")]
pub unsafe extern "system" fn wsp_async_select(
    s: SOCKET,
    hwnd: HWND,
    msg: UINT,
    mask: LONG,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if mask != 0 && hwnd.is_null() {
                return Err(w::WSAEINVAL);
            }
            let target = Target::Window {
                hwnd: hwnd as usize,
                msg,
            };
            events::select(&socket, Some(target), mask)?;
            Ok(0)
        })
    }
}

/// WSPEventSelect (spec §7.2, events.rs): `lNetworkEvents` recorded for WSPEnumNetworkEvents and
/// signalled on `hEventObject` with WPUSetEvent. Replaces any previous selection and clears the
/// record; makes the socket non-blocking; `lNetworkEvents` 0 cancels (the event is ignored). A
/// NULL event with a non-zero mask: `WSAEINVAL`.
#[doc(alias = "WSPEventSelect")]
pub unsafe extern "system" fn wsp_event_select(
    s: SOCKET,
    event: WSAEVENT,
    mask: LONG,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if mask != 0 && event.is_null() {
                return Err(w::WSAEINVAL);
            }
            events::select(&socket, Some(Target::Event(event as usize)), mask)?;
            Ok(0)
        })
    }
}

/// WSPEnumNetworkEvents (spec §7.2): copies the record to `*lpNetworkEvents` (only the
/// `iErrorCode` entries of reported events are written), clears it and resets `hEventObject`
/// (optional) atomically. NULL `lpNetworkEvents`: `WSAEFAULT`; an invalid event: its
/// WPUResetEvent error; nothing is cleared on failure.
#[doc(alias = "WSPEnumNetworkEvents")]
pub unsafe extern "system" fn wsp_enum_network_events(
    s: SOCKET,
    event: WSAEVENT,
    out: LPWSANETWORKEVENTS,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if out.is_null() {
                return Err(w::WSAEFAULT);
            }
            let (record, errors) = events::enumerate(&socket, event as usize)?;
            // SAFETY: non-NULL and writable (caller's contract).
            (*out).lNetworkEvents = record;
            for (i, e) in errors.iter().enumerate() {
                if record & (1 << i) != 0 {
                    (*out).iErrorCode[i] = *e;
                }
            }
            Ok(0)
        })
    }
}

/// WSPGetOverlappedResult (spec §6.3): while `Internal` is 0x103, `fWait` FALSE is
/// `WSA_IO_INCOMPLETE` and `fWait` TRUE waits for the completion. Then `*lpcbTransfer` =
/// `InternalHigh`, `*lpdwFlags` = `Offset`, and TRUE when `OffsetHigh` (the WSA error) is 0,
/// else FALSE with that error and the out-parameters untouched. NULL pointers: `WSAEFAULT`.
#[doc(alias = "WSPGetOverlappedResult")]
pub unsafe extern "system" fn wsp_get_overlapped_result(
    s: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    transferred: LPDWORD,
    wait: BOOL,
    flags: LPDWORD,
    errno: LPINT,
) -> BOOL {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, FALSE, || {
            socket::lookup(s)?;
            if overlapped.is_null() || transferred.is_null() || flags.is_null() {
                return Err(w::WSAEFAULT);
            }
            if host::internal(overlapped) == w::WSS_OPERATION_IN_PROGRESS {
                if wait == FALSE {
                    return Err(w::WSA_IO_INCOMPLETE);
                }
                let ov = overlapped as usize;
                // SAFETY: the overlapped stays valid while its request is pending (contract).
                host::wait_until(|| {
                    host::internal(ov as LPWSAOVERLAPPED) != w::WSS_OPERATION_IN_PROGRESS
                });
            }
            let error = std::ptr::addr_of!((*overlapped).OffsetHigh).read_volatile();
            if error != 0 {
                return Err(error as i32);
            }
            *transferred = (*overlapped).InternalHigh as DWORD;
            *flags = (*overlapped).Offset;
            Ok(w::TRUE)
        })
    }
}

/// WSPDuplicateSocket: fills `*lpProtocolInfo` so that WSPSocket(FROM_PROTOCOL_INFO, ...) with it
/// creates a socket sharing `s`'s connection. Within this process only: the info's
/// `dwProviderReserved` names a duplicate descriptor kept for that one WSPSocket. Another process
/// id: `WSAEINVAL` (a descriptor cannot be handed to another process here). NULL info:
/// `WSAEFAULT`.
#[doc(alias = "WSPDuplicateSocket")]
pub unsafe extern "system" fn wsp_duplicate_socket(
    s: SOCKET,
    process: DWORD,
    info: LPWSAPROTOCOL_INFOW,
    errno: LPINT,
) -> INT {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, SOCKET_ERROR, || {
            let socket = socket::lookup(s)?;
            if info.is_null() {
                return Err(w::WSAEFAULT);
            }
            if process != std::process::id() {
                return Err(w::WSAEINVAL);
            }
            let (fd, parts) = socket.duplicate_parts()?;
            let token = socket::stash_duplicate(fd, parts);
            let mut out = socket.info;
            out.dwProviderReserved = token;
            // SAFETY: non-NULL and writable (caller's contract).
            *info = out;
            Ok(0)
        })
    }
}

/// WSPJoinLeaf: permanently INVALID_SOCKET with `WSAEOPNOTSUPP`: these entries offer no
/// multipoint root/leaf sessions (IP multicast is joined with IP_ADD_MEMBERSHIP/
/// IPV6_ADD_MEMBERSHIP).
#[doc(alias = "WSPJoinLeaf")]
pub unsafe extern "system" fn wsp_join_leaf(
    s: SOCKET,
    _name: *const SOCKADDR,
    _namelen: INT,
    _caller_data: LPWSABUF,
    _callee_data: LPWSABUF,
    _sqos: LPQOS,
    _gqos: LPQOS,
    _flags: DWORD,
    errno: LPINT,
) -> SOCKET {
    // SAFETY: errno contract.
    unsafe {
        boundary(errno, INVALID_SOCKET, || {
            socket::lookup(s).and(Err(w::WSAEOPNOTSUPP))
        })
    }
}

/// WSPGetQOSByName: permanently FALSE with `WSAEINVAL` ("the specified QOS template name is
/// invalid"): the entries do not have XP1_QOS_SUPPORTED, so no template exists.
#[doc(alias = "WSPGetQOSByName")]
pub unsafe extern "system" fn wsp_get_qos_by_name(
    s: SOCKET,
    _name: LPWSABUF,
    _qos: LPQOS,
    errno: LPINT,
) -> BOOL {
    // SAFETY: errno contract.
    unsafe { boundary(errno, FALSE, || socket::lookup(s).and(Err(w::WSAEINVAL))) }
}

/// WSPCancelBlockingCall: `WSAEOPNOTSUPP`, the Winsock 2.2 answer (blocking hooks and their
/// cancellation are Winsock 1.1; WPUQueryBlockingCallback reports none). A blocking call is
/// ended instead by closing its socket from another thread (it returns `WSAEINTR`).
#[doc(alias = "WSPCancelBlockingCall")]
pub unsafe extern "system" fn wsp_cancel_blocking_call(errno: LPINT) -> INT {
    // SAFETY: errno contract.
    unsafe { boundary(errno, SOCKET_ERROR, || Err(w::WSAEOPNOTSUPP)) }
}

// ---------------------------------------------------------------------------------------------
// ws2emu host attachment
// ---------------------------------------------------------------------------------------------

/// ws2emu extension (crates/ws2-abi/src/ext.rs): the loader calls it right after a successful
/// WSPStartup with ws2_32's host table, whose `lpCompleteIo` completes overlapped requests on
/// this provider's IFS sockets as the Windows I/O manager does. Returns 0; `WSAEFAULT` for NULL,
/// `WSAEINVAL` for a table too small.
///
/// # Safety
/// `host` is NULL or a readable table that stays valid for the process's life.
#[no_mangle]
pub unsafe extern "system" fn ws2emu_attach_host(host: *const WS2EMU_HOST_TABLE) -> i32 {
    // SAFETY: forwarded contract.
    catch_unwind(|| unsafe { host::attach(host) }).unwrap_or(w::WSASYSCALLFAILURE)
}

/// ws2emu extension (`LPWS2EMU_CANCEL_IO`, crates/ws2-abi/src/ext.rs): CancelIo and CancelIoEx
/// on this provider's sockets. Completes the matching pending requests (`lpOverlapped`, or all
/// for NULL; with `bCallingThreadOnly`, only those the calling thread issued) with
/// `WSA_OPERATION_ABORTED` through their usual notification, each exactly once (a request the
/// reactor completes first is not found). Returns 0, ERROR_NOT_FOUND (nothing matched) or
/// WSAENOTSOCK (not one of this provider's sockets).
///
/// # Safety
/// `lpOverlapped` is only compared, never dereferenced.
#[no_mangle]
pub unsafe extern "system" fn ws2emu_cancel_io(
    s: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    calling_thread_only: BOOL,
) -> i32 {
    catch_unwind(|| {
        let Ok(socket) = socket::lookup(s) else {
            return w::WSAENOTSOCK;
        };
        let thread = (calling_thread_only != FALSE).then(|| std::thread::current().id());
        if overlapped::cancel(&socket, overlapped as usize, thread) == 0 {
            w::ERROR_NOT_FOUND as i32
        } else {
            0
        }
    })
    .unwrap_or(w::WSASYSCALLFAILURE)
}

// ---------------------------------------------------------------------------------------------
// Extension functions (SIO_GET_EXTENSION_FUNCTION_POINTER)
// ---------------------------------------------------------------------------------------------

/// Runs an extension function's body: TRUE, or FALSE with the thread's Winsock last error set
/// (`WSA_IO_PENDING` for a request that will complete later), as mswsock's functions report.
fn extension(body: impl FnOnce() -> WsaResult<()>) -> BOOL {
    let code = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return w::TRUE,
        Ok(Err(code)) => code,
        Err(_) => w::WSASYSCALLFAILURE,
    };
    crate::host::set_last_error(code);
    FALSE
}

/// AcceptEx: accepts the next connection of `sListenSocket` onto `sAcceptSocket` (a socket the
/// caller created and did not bind or connect; its handle stays the same: the accepted Linux
/// connection is dup3'd onto its descriptor), receives the first `dwReceiveDataLength` bytes
/// into `lpOutputBuffer` when that is not 0 (completing once data arrives), and writes the local
/// and remote addresses after the data (areas of `dwLocalAddressLength`/`dwRemoteAddressLength`
/// bytes, at least the family's sockaddr size + 16, read back by GetAcceptExSockaddrs).
/// Completion is announced on the listening socket (its event, port or routine). Errors: NULL
/// `lpOverlapped` `WSA_INVALID_PARAMETER`; NULL buffer `WSAEFAULT`; a listener that is not
/// listening, an accept socket that is bound or connected, or short address areas `WSAEINVAL`;
/// an unknown socket `WSAENOTSOCK`.
///
/// # Safety
/// The AcceptEx contract: the buffer, `lpdwBytesReceived` and the overlapped stay valid until
/// completion.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn accept_ex(
    listen: SOCKET,
    accept: SOCKET,
    buffer: LPVOID,
    recv_len: DWORD,
    local_len: DWORD,
    remote_len: DWORD,
    received: LPDWORD,
    overlapped: LPWSAOVERLAPPED,
) -> BOOL {
    extension(|| {
        let listener = socket::lookup(listen)?;
        let target = socket::lookup(accept)?;
        if overlapped.is_null() {
            return Err(w::WSA_INVALID_PARAMETER);
        }
        if buffer.is_null() {
            return Err(w::WSAEFAULT);
        }
        let need = listener.family.sockaddr_len() as u32 + 16;
        if local_len < need || remote_len < need {
            return Err(w::WSAEINVAL);
        }
        if !listener.state().listening {
            return Err(w::WSAEINVAL);
        }
        {
            let s = target.state();
            if s.bound || s.connected || s.listening || target.kind != socket::Kind::Stream {
                return Err(w::WSAEINVAL);
            }
        }
        let work = Work::Accept {
            accept: target,
            buffer: buffer as usize,
            recv_len,
            local_len,
            remote_len,
        };
        // SAFETY: valid overlapped (contract).
        let result = unsafe {
            start_request(
                &listener,
                listen,
                overlapped,
                None,
                null_thread(),
                work,
                false,
            )
        };
        events::reenable(&listener, w::FD_ACCEPT);
        let (n, _) = result?;
        if !received.is_null() {
            // SAFETY: writable (contract).
            unsafe { *received = n };
        }
        Ok(())
    })
}

fn null_thread() -> LPWSATHREADID {
    std::ptr::null_mut()
}

/// GetAcceptExSockaddrs: the local and remote addresses AcceptEx wrote into its buffer (the
/// same three lengths must be passed). NULL out-pointers are skipped.
///
/// # Safety
/// `lpOutputBuffer` holds what a completed AcceptEx with these lengths wrote.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn get_accept_ex_sockaddrs(
    buffer: LPVOID,
    recv_len: DWORD,
    local_len: DWORD,
    _remote_len: DWORD,
    local: *mut *mut SOCKADDR,
    local_size: LPINT,
    remote: *mut *mut SOCKADDR,
    remote_size: LPINT,
) {
    if buffer.is_null() {
        return;
    }
    let base = buffer as usize + recv_len as usize;
    // SAFETY: the areas AcceptEx wrote (contract); out-pointers checked for NULL.
    let _ = catch_unwind(|| unsafe {
        let (l, ll) = overlapped::accept_ex_sockaddr(base);
        let (r, rl) = overlapped::accept_ex_sockaddr(base + local_len as usize);
        if !local.is_null() {
            *local = l as *mut SOCKADDR;
        }
        if !local_size.is_null() {
            *local_size = ll;
        }
        if !remote.is_null() {
            *remote = r as *mut SOCKADDR;
        }
        if !remote_size.is_null() {
            *remote_size = rl;
        }
    });
}

/// ConnectEx: connects a bound stream socket to `name` without blocking and then sends the
/// optional first block (`lpSendBuffer`, `dwSendDataLength`); completes with the bytes sent.
/// Errors: NULL `lpOverlapped` `WSA_INVALID_PARAMETER`; an unbound, listening or datagram socket
/// `WSAEINVAL` (Microsoft: ConnectEx needs a bound socket); connected `WSAEISCONN`; a short
/// address `WSAEFAULT`; a connect that fails at once its error (no completion then).
///
/// # Safety
/// The ConnectEx contract: the send buffer and the overlapped stay valid until completion.
pub unsafe extern "system" fn connect_ex(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    buffer: LPVOID,
    len: DWORD,
    sent: LPDWORD,
    overlapped: LPWSAOVERLAPPED,
) -> BOOL {
    extension(|| {
        let socket = socket::lookup(s)?;
        if overlapped.is_null() {
            return Err(w::WSA_INVALID_PARAMETER);
        }
        if len > 0 && buffer.is_null() {
            return Err(w::WSAEFAULT);
        }
        {
            let st = socket.state();
            if !st.bound || st.listening || socket.kind != socket::Kind::Stream {
                return Err(w::WSAEINVAL);
            }
            if st.connected || st.connecting {
                return Err(w::WSAEISCONN);
            }
        }
        // SAFETY: name is readable for namelen bytes (contract).
        let raw = unsafe { bytes(name.cast(), namelen.into())? };
        let to = addr::from_windows(raw)?;
        // SAFETY: valid overlapped (contract).
        let notify = unsafe { notify_of(overlapped, None, null_thread())? };
        match socket.connect_mode(&to, true) {
            Ok(()) | Err(w::WSAEWOULDBLOCK) => {}
            Err(e) => return Err(e),
        }
        let op = Op {
            handle: s,
            overlapped: overlapped as usize,
            notify,
            work: Work::Connect {
                buffer: buffer as usize,
                len,
                sent: 0,
            },
        };
        let (n, _) = overlapped::submit(&socket, op, true)?.ok_or(w::WSA_IO_PENDING)?;
        if !sent.is_null() {
            // SAFETY: writable (contract).
            unsafe { *sent = n };
        }
        Ok(())
    })
}

/// DisconnectEx: shuts the connection down for sending (graceful close) and, with
/// `TF_REUSE_SOCKET`, gives the handle a fresh unbound socket so that AcceptEx or ConnectEx can
/// use it again. Completes at once (announced when `lpOverlapped` is given). Other flags or a
/// non-zero `dwReserved`: `WSAEINVAL`; not connected: `WSAENOTCONN`.
///
/// # Safety
/// `lpOverlapped` is NULL or valid.
pub unsafe extern "system" fn disconnect_ex(
    s: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    flags: DWORD,
    reserved: DWORD,
) -> BOOL {
    extension(|| {
        let socket = socket::lookup(s)?;
        if flags & !w::TF_REUSE_SOCKET != 0 || reserved != 0 {
            return Err(w::WSAEINVAL);
        }
        if socket.kind != socket::Kind::Stream || !socket.state().connected {
            return Err(w::WSAENOTCONN);
        }
        let notify = if overlapped.is_null() {
            None
        } else {
            // SAFETY: valid overlapped (contract).
            Some(unsafe { notify_of(overlapped, None, null_thread())? })
        };
        socket.shutdown(w::SD_SEND)?;
        if flags & w::TF_REUSE_SOCKET != 0 {
            overlapped::abort_all(&socket);
            socket.renew()?;
        }
        if let Some(notify) = notify {
            overlapped::complete_now(s, overlapped as usize, notify, 0);
        }
        Ok(())
    })
}
