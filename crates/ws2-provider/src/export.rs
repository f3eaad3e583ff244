//! The C boundary of a Rust provider: `WSPStartup`'s body, the reference count, and the 30
//! `WSPPROC_TABLE` trampolines into [`Provider`].
//!
//! Every trampoline: takes the started instance (`WSANOTINITIALISED` between the last
//! `WSPCleanup` and the next `WSPStartup`), checks the pointers its arguments come from
//! (`WSAEFAULT` for NULL or negative lengths where the call needs them), builds the Rust
//! arguments, calls the method with no lock held, writes out-parameters only on `Ok`, and on
//! `Err` returns the slot's failure value (`SOCKET_ERROR`, `INVALID_SOCKET` or FALSE) with
//! `*lpErrno` set. A NULL `lpErrno` is never written. A panic is caught and reported as
//! `WSASYSCALLFAILURE`: it never unwinds into C.
//!
//! # Safety (every trampoline)
//! ws2_32 honours the WSP contract Microsoft documents for the slot: each pointer is NULL or
//! valid for what the function reads and writes (a WSABUF array of `dwBufferCount` entries
//! whose buffers are valid for their lengths, an address of `namelen` bytes, an fd_set of
//! `fd_count` handles, ...). NULL is checked here; the rest cannot be and is trusted.
// The contract above is the same for all trampolines, so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::args::{AddrOut, IoctlBuffers, Overlapped};
use crate::provider::{Provider, Startup};
use crate::upcalls::Upcalls;
use crate::{WsaError, WsaResult};
use std::io::{IoSlice, IoSliceMut};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;
use ws2_abi as w;
use ws2_abi::{
    fd_set, BOOL, CHAR, DWORD, DWORD_PTR, FALSE, GROUP, HWND, INT, LONG, LPCONDITIONPROC, LPDWORD,
    LPINT, LPQOS, LPSOCKADDR, LPVOID, LPWSABUF, LPWSANETWORKEVENTS, LPWSAOVERLAPPED,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSAPROTOCOL_INFOW, LPWSATHREADID, LPWSPDATA,
    LPWSPPROC_TABLE, LPWSTR, SOCKADDR, SOCKET, SOCKET_ERROR, TIMEVAL, TRUE, UINT, WORD, WSABUF,
    WSAEVENT, WSPPROC_TABLE, WSPUPCALLTABLE,
};

const INVALID_SOCKET: SOCKET = w::INVALID_SOCKET;

/// The highest version the kit negotiates: 2.2.
pub const HIGHEST_VERSION: WORD = w::MAKEWORD(2, 2);

/// `WSPStartup` negotiation (spec §4.1; `MAKEWORD(major, minor)`): a request below 2.0 is
/// `WSAVERNOTSUPPORTED`; otherwise min(requested, 2.2).
pub fn negotiate(requested: WORD) -> WsaResult<WORD> {
    let (major, minor) = (requested & 0xff, requested >> 8);
    if major < 2 {
        Err(WsaError::WSAVERNOTSUPPORTED)
    } else if (major, minor) > (2, 2) {
        Ok(HIGHEST_VERSION)
    } else {
        Ok(requested)
    }
}

struct Inner<P> {
    refs: usize,
    provider: Option<Arc<P>>,
}

/// A provider type's process-wide state: the `WSPStartup`/`WSPCleanup` count, the started
/// instance and the upcall table. [`export_provider!`](crate::export_provider) defines one
/// static per provider type.
pub struct State<P> {
    inner: Mutex<Inner<P>>,
    upcalls: OnceLock<Upcalls>,
}

impl<P> std::fmt::Debug for State<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("refs", &self.lock().refs)
            .finish()
    }
}

impl<P> Default for State<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P> State<P> {
    pub const fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                refs: 0,
                provider: None,
            }),
            upcalls: OnceLock::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<P>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many `WSPStartup`s are not yet matched by a `WSPCleanup`.
    pub fn references(&self) -> usize {
        self.lock().refs
    }

    /// The started instance (`WSANOTINITIALISED` when not started).
    pub fn provider(&self) -> WsaResult<Arc<P>> {
        self.lock()
            .provider
            .clone()
            .ok_or(WsaError::WSANOTINITIALISED)
    }

    /// The upcalls of the latest `WSPStartup` (`WSANOTINITIALISED` before the first).
    pub fn upcalls(&self) -> WsaResult<Upcalls> {
        self.upcalls
            .get()
            .cloned()
            .ok_or(WsaError::WSANOTINITIALISED)
    }

    fn keep_upcalls(&self, table: WSPUPCALLTABLE) -> Upcalls {
        let upcalls = self.upcalls.get_or_init(|| Upcalls::new(table));
        upcalls.replace(table);
        upcalls.clone()
    }
}

/// Implemented by [`export_provider!`](crate::export_provider): where a provider type's
/// [`State`] lives.
pub trait Export: Provider + Sized {
    fn state() -> &'static State<Self>;
}

/// The started instance of `P` and its upcalls, for code outside the trampolines (worker
/// threads completing overlapped requests).
pub fn instance<P: Export>() -> WsaResult<Arc<P>> {
    P::state().provider()
}

/// The latest upcall table `P` was started with.
pub fn upcalls<P: Export>() -> WsaResult<Upcalls> {
    P::state().upcalls()
}

/// Stores `code` in `*errno` when the pointer is not NULL.
unsafe fn set_errno(errno: LPINT, code: i32) {
    if !errno.is_null() {
        // SAFETY: non-NULL and writable (trampoline contract).
        unsafe { errno.write(code) };
    }
}

/// The body of every trampoline: the instance, the call, the panic boundary, `*lpErrno`.
unsafe fn run<P: Export, T>(errno: LPINT, failure: T, body: impl FnOnce(&P) -> WsaResult<T>) -> T {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let provider = P::state().provider()?;
        body(&provider)
    }));
    let code = match outcome {
        Ok(Ok(value)) => return value,
        Ok(Err(e)) => WsaError::reported(e.0).0,
        Err(_) => w::WSASYSCALLFAILURE,
    };
    // SAFETY: forwarded contract.
    unsafe { set_errno(errno, code) };
    failure
}

/// `len` bytes at `p`: `WSAEFAULT` for NULL or a negative length.
unsafe fn bytes<'a>(p: *const u8, len: i32) -> WsaResult<&'a [u8]> {
    if p.is_null() || len < 0 {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: readable for `len` bytes (contract).
    Ok(unsafe { std::slice::from_raw_parts(p, len as usize) })
}

/// The WSABUF array as gather slices (`WSAEFAULT` for a NULL array or a NULL non-empty buffer).
unsafe fn gather<'a>(bufs: LPWSABUF, count: DWORD) -> WsaResult<Vec<IoSlice<'a>>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if bufs.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: `count` WSABUFs (contract).
    let bufs: &[WSABUF] = unsafe { std::slice::from_raw_parts(bufs, count as usize) };
    bufs.iter()
        .map(|b| match (b.len, b.buf.is_null()) {
            (0, _) => Ok(IoSlice::new(&[])),
            (_, true) => Err(WsaError::WSAEFAULT),
            // SAFETY: readable for `len` bytes (contract).
            (len, false) => Ok(IoSlice::new(unsafe {
                std::slice::from_raw_parts(b.buf as *const u8, len as usize)
            })),
        })
        .collect()
}

/// The WSABUF array as scatter slices.
unsafe fn scatter<'a>(bufs: LPWSABUF, count: DWORD) -> WsaResult<Vec<IoSliceMut<'a>>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if bufs.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: `count` WSABUFs (contract).
    let bufs: &[WSABUF] = unsafe { std::slice::from_raw_parts(bufs, count as usize) };
    bufs.iter()
        .map(|b| match (b.len, b.buf.is_null()) {
            (0, _) => Ok(IoSliceMut::new(&mut [])),
            (_, true) => Err(WsaError::WSAEFAULT),
            // SAFETY: writable for `len` bytes and the caller's alone during the call
            // (contract).
            (len, false) => Ok(IoSliceMut::new(unsafe {
                std::slice::from_raw_parts_mut(b.buf.cast::<u8>(), len as usize)
            })),
        })
        .collect()
}

/// Writes `value` to `p` (`WSAEFAULT` for NULL).
unsafe fn write_out<T>(p: *mut T, value: T) -> WsaResult<()> {
    if p.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    // SAFETY: non-NULL and writable (contract).
    unsafe { p.write(value) };
    Ok(())
}

/// `WSAEFAULT` for a NULL out-pointer of a non-overlapped call (overlapped calls may pass
/// NULL counts).
fn require<T>(p: *mut T, overlapped: &Overlapped) -> WsaResult<()> {
    if p.is_null() && !overlapped.is_overlapped() {
        Err(WsaError::WSAEFAULT)
    } else {
        Ok(())
    }
}

/// Writes `text` + NUL to a caller buffer of `*len` units, or the size needed with
/// `WSAEFAULT`; `*len` becomes the units written including the terminator.
unsafe fn write_counted<T: Copy + Default>(
    buf: *mut T,
    len: *mut u32,
    text: &[T],
) -> WsaResult<()> {
    if len.is_null() {
        return Err(WsaError::WSAEFAULT);
    }
    let needed = text.len() as u32;
    // SAFETY: `len` readable and writable (contract).
    unsafe {
        if buf.is_null() || len.read() < needed {
            len.write(needed);
            return Err(WsaError::WSAEFAULT);
        }
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
        len.write(needed);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// WSPStartup, WSPCleanup
// ---------------------------------------------------------------------------------------------

/// The body of the `WSPStartup` that [`export_provider!`](crate::export_provider) exports.
///
/// Returns the error code itself (spec §4.1): `WSAEFAULT` for NULL `lpWSPData`/`lpProcTable`,
/// `WSAVERNOTSUPPORTED` below 2.0, the code of a failing [`Provider::start`], a panic as
/// `WSASYSCALLFAILURE`. On success: `wVersion` = min(requested, 2.2), `wHighVersion` = 2.2,
/// the description, all 30 slots; the upcall table is copied and becomes the one every
/// [`Upcalls`] clone calls; the start is counted for `WSPCleanup`. `Provider::start` runs on
/// the first start (or the first after the last cleanup), without the kit's lock held.
pub unsafe fn startup<P: Export>(
    requested: WORD,
    data: LPWSPDATA,
    info: LPWSAPROTOCOL_INFOW,
    upcall_table: WSPUPCALLTABLE,
    procs: LPWSPPROC_TABLE,
) -> INT {
    let result = catch_unwind(AssertUnwindSafe(|| -> WsaResult<()> {
        if data.is_null() || procs.is_null() {
            return Err(WsaError::WSAEFAULT);
        }
        let version = negotiate(requested)?;
        let state = P::state();
        let upcalls = state.keep_upcalls(upcall_table);
        let started = {
            let mut inner = state.lock();
            if inner.provider.is_some() {
                inner.refs += 1;
                true
            } else {
                false
            }
        };
        if !started {
            let startup = Startup {
                version,
                // SAFETY: NULL or readable (contract).
                protocol_info: unsafe { info.as_ref() },
                upcalls,
            };
            let fresh = Arc::new(P::start(&startup)?);
            let mut inner = state.lock();
            inner.refs += 1;
            if inner.provider.is_none() {
                inner.provider = Some(fresh);
            } else {
                // Another thread started an instance meanwhile: count ours against it.
                drop(inner);
                fresh.cleanup();
            }
        }
        let mut description = [0u16; w::WSPDESCRIPTION_LEN + 1];
        for (dst, c) in description[..w::WSPDESCRIPTION_LEN]
            .iter_mut()
            .zip(P::DESCRIPTION.encode_utf16())
        {
            *dst = c;
        }
        // SAFETY: both non-NULL and writable (contract).
        unsafe {
            (*data).wVersion = version;
            (*data).wHighVersion = HIGHEST_VERSION;
            (*data).szDescription = description;
            procs.write(proc_table::<P>());
        }
        Ok(())
    }));
    match result {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => WsaError::reported(e.0).0,
        Err(_) => w::WSASYSCALLFAILURE,
    }
}

/// WSPCleanup: one per successful WSPStartup (else `WSANOTINITIALISED`); the last one runs
/// [`Provider::cleanup`] (no lock held) and drops the instance.
#[doc(alias = "WSPCleanup")]
pub unsafe extern "system" fn wsp_cleanup<P: Export>(errno: LPINT) -> INT {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> WsaResult<()> {
        let last = {
            let mut inner = P::state().lock();
            if inner.refs == 0 {
                return Err(WsaError::WSANOTINITIALISED);
            }
            inner.refs -= 1;
            if inner.refs == 0 {
                inner.provider.take()
            } else {
                None
            }
        };
        if let Some(provider) = last {
            provider.cleanup();
        }
        Ok(())
    }));
    let code = match outcome {
        Ok(Ok(())) => return 0,
        Ok(Err(e)) => e.0,
        Err(_) => w::WSASYSCALLFAILURE,
    };
    // SAFETY: forwarded contract.
    unsafe { set_errno(errno, code) };
    SOCKET_ERROR
}

/// All 30 slots, each a trampoline into `P`.
pub fn proc_table<P: Export>() -> WSPPROC_TABLE {
    WSPPROC_TABLE {
        lpWSPAccept: Some(wsp_accept::<P>),
        lpWSPAddressToString: Some(wsp_address_to_string::<P>),
        lpWSPAsyncSelect: Some(wsp_async_select::<P>),
        lpWSPBind: Some(wsp_bind::<P>),
        lpWSPCancelBlockingCall: Some(wsp_cancel_blocking_call::<P>),
        lpWSPCleanup: Some(wsp_cleanup::<P>),
        lpWSPCloseSocket: Some(wsp_close_socket::<P>),
        lpWSPConnect: Some(wsp_connect::<P>),
        lpWSPDuplicateSocket: Some(wsp_duplicate_socket::<P>),
        lpWSPEnumNetworkEvents: Some(wsp_enum_network_events::<P>),
        lpWSPEventSelect: Some(wsp_event_select::<P>),
        lpWSPGetOverlappedResult: Some(wsp_get_overlapped_result::<P>),
        lpWSPGetPeerName: Some(wsp_get_peer_name::<P>),
        lpWSPGetSockName: Some(wsp_get_sock_name::<P>),
        lpWSPGetSockOpt: Some(wsp_get_sock_opt::<P>),
        lpWSPGetQOSByName: Some(wsp_get_qos_by_name::<P>),
        lpWSPIoctl: Some(wsp_ioctl::<P>),
        lpWSPJoinLeaf: Some(wsp_join_leaf::<P>),
        lpWSPListen: Some(wsp_listen::<P>),
        lpWSPRecv: Some(wsp_recv::<P>),
        lpWSPRecvDisconnect: Some(wsp_recv_disconnect::<P>),
        lpWSPRecvFrom: Some(wsp_recv_from::<P>),
        lpWSPSelect: Some(wsp_select::<P>),
        lpWSPSend: Some(wsp_send::<P>),
        lpWSPSendDisconnect: Some(wsp_send_disconnect::<P>),
        lpWSPSendTo: Some(wsp_send_to::<P>),
        lpWSPSetSockOpt: Some(wsp_set_sock_opt::<P>),
        lpWSPShutdown: Some(wsp_shutdown::<P>),
        lpWSPSocket: Some(wsp_socket::<P>),
        lpWSPStringToAddress: Some(wsp_string_to_address::<P>),
    }
}

// ---------------------------------------------------------------------------------------------
// The trampolines, in slot order
// ---------------------------------------------------------------------------------------------

#[doc(alias = "WSPAccept")]
pub unsafe extern "system" fn wsp_accept<P: Export>(
    s: SOCKET,
    addr: *mut SOCKADDR,
    addrlen: LPINT,
    condition: LPCONDITIONPROC,
    data: DWORD_PTR,
    errno: LPINT,
) -> SOCKET {
    // SAFETY: trampoline contract (module docs), here and in every trampoline below.
    unsafe {
        run::<P, _>(errno, INVALID_SOCKET, |p| {
            if !addr.is_null() && addrlen.is_null() {
                return Err(WsaError::WSAEFAULT);
            }
            p.accept(s, AddrOut::from_raw(addr, addrlen), condition, data)
        })
    }
}

#[doc(alias = "WSPAddressToString")]
pub unsafe extern "system" fn wsp_address_to_string<P: Export>(
    address: LPSOCKADDR,
    address_len: DWORD,
    info: LPWSAPROTOCOL_INFOW,
    text: LPWSTR,
    text_len: LPDWORD,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let len = i32::try_from(address_len).map_err(|_| WsaError::WSAEFAULT)?;
            if text_len.is_null() {
                return Err(WsaError::WSAEFAULT);
            }
            let raw = bytes(address.cast(), len)?;
            let mut string = p.address_to_string(raw, info.as_ref())?;
            string.push(0);
            write_counted(text, text_len, &string)?;
            Ok(0)
        })
    }
}

#[doc(alias = "WSPAsyncSelect")]
pub unsafe extern "system" fn wsp_async_select<P: Export>(
    s: SOCKET,
    hwnd: HWND,
    msg: UINT,
    events: LONG,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            p.async_select(s, hwnd, msg, events).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPBind")]
pub unsafe extern "system" fn wsp_bind<P: Export>(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            p.bind(s, bytes(name.cast(), namelen)?).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPCancelBlockingCall")]
pub unsafe extern "system" fn wsp_cancel_blocking_call<P: Export>(errno: LPINT) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            p.cancel_blocking_call().map(|()| 0)
        })
    }
}

#[doc(alias = "WSPCloseSocket")]
pub unsafe extern "system" fn wsp_close_socket<P: Export>(s: SOCKET, errno: LPINT) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe { run::<P, _>(errno, SOCKET_ERROR, |p| p.close_socket(s).map(|()| 0)) }
}

#[doc(alias = "WSPConnect")]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_connect<P: Export>(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    caller: LPWSABUF,
    callee: LPWSABUF,
    sqos: LPQOS,
    gqos: LPQOS,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let addr = bytes(name.cast(), namelen)?;
            p.connect(s, addr, caller, callee, sqos, gqos).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPDuplicateSocket")]
pub unsafe extern "system" fn wsp_duplicate_socket<P: Export>(
    s: SOCKET,
    process: DWORD,
    info: LPWSAPROTOCOL_INFOW,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let info = info.as_mut().ok_or(WsaError::WSAEFAULT)?;
            p.duplicate_socket(s, process, info).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPEnumNetworkEvents")]
pub unsafe extern "system" fn wsp_enum_network_events<P: Export>(
    s: SOCKET,
    event: WSAEVENT,
    record: LPWSANETWORKEVENTS,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            if record.is_null() {
                return Err(WsaError::WSAEFAULT);
            }
            let events = p.enum_network_events(s, event)?;
            write_out(record, events).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPEventSelect")]
pub unsafe extern "system" fn wsp_event_select<P: Export>(
    s: SOCKET,
    event: WSAEVENT,
    events: LONG,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            p.event_select(s, event, events).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPGetOverlappedResult")]
pub unsafe extern "system" fn wsp_get_overlapped_result<P: Export>(
    s: SOCKET,
    overlapped: LPWSAOVERLAPPED,
    transferred: LPDWORD,
    wait: BOOL,
    flags: LPDWORD,
    errno: LPINT,
) -> BOOL {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, FALSE, |p| {
            if overlapped.is_null() || transferred.is_null() || flags.is_null() {
                return Err(WsaError::WSAEFAULT);
            }
            let (bytes, result_flags) = p.get_overlapped_result(s, overlapped, wait != FALSE)?;
            transferred.write(bytes);
            flags.write(result_flags);
            Ok(TRUE)
        })
    }
}

#[doc(alias = "WSPGetPeerName")]
pub unsafe extern "system" fn wsp_get_peer_name<P: Export>(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            if name.is_null() || namelen.is_null() {
                return Err(WsaError::WSAEFAULT);
            }
            p.get_peer_name(s, AddrOut::from_raw(name, namelen))
                .map(|()| 0)
        })
    }
}

#[doc(alias = "WSPGetSockName")]
pub unsafe extern "system" fn wsp_get_sock_name<P: Export>(
    s: SOCKET,
    name: *mut SOCKADDR,
    namelen: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            if name.is_null() || namelen.is_null() {
                return Err(WsaError::WSAEFAULT);
            }
            p.get_sock_name(s, AddrOut::from_raw(name, namelen))
                .map(|()| 0)
        })
    }
}

#[doc(alias = "WSPGetSockOpt")]
pub unsafe extern "system" fn wsp_get_sock_opt<P: Export>(
    s: SOCKET,
    level: INT,
    name: INT,
    value: *mut CHAR,
    len: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            if value.is_null() || len.is_null() || len.read() < 0 {
                return Err(WsaError::WSAEFAULT);
            }
            let buf = std::slice::from_raw_parts_mut(value.cast::<u8>(), len.read() as usize);
            let used = p.get_sock_opt(s, level, name, buf)?;
            len.write(used.min(i32::MAX as usize) as i32);
            Ok(0)
        })
    }
}

#[doc(alias = "WSPGetQOSByName")]
pub unsafe extern "system" fn wsp_get_qos_by_name<P: Export>(
    s: SOCKET,
    name: LPWSABUF,
    qos: LPQOS,
    errno: LPINT,
) -> BOOL {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, FALSE, |p| {
            p.get_qos_by_name(s, name, qos).map(|()| TRUE)
        })
    }
}

#[doc(alias = "WSPIoctl")]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_ioctl<P: Export>(
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
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let ov = Overlapped::from_raw(overlapped, routine, thread);
            require(returned, &ov)?;
            let buffers = IoctlBuffers::from_raw(
                input.cast_const().cast(),
                input_len as usize,
                output.cast(),
                output_len as usize,
            );
            let count = p.ioctl(s, code, buffers, ov)?;
            if !returned.is_null() {
                returned.write(count as DWORD);
            }
            Ok(0)
        })
    }
}

#[doc(alias = "WSPJoinLeaf")]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_join_leaf<P: Export>(
    s: SOCKET,
    name: *const SOCKADDR,
    namelen: INT,
    caller: LPWSABUF,
    callee: LPWSABUF,
    sqos: LPQOS,
    gqos: LPQOS,
    flags: DWORD,
    errno: LPINT,
) -> SOCKET {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, INVALID_SOCKET, |p| {
            let addr = bytes(name.cast(), namelen)?;
            p.join_leaf(s, addr, caller, callee, sqos, gqos, flags)
        })
    }
}

#[doc(alias = "WSPListen")]
pub unsafe extern "system" fn wsp_listen<P: Export>(s: SOCKET, backlog: INT, errno: LPINT) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe { run::<P, _>(errno, SOCKET_ERROR, |p| p.listen(s, backlog).map(|()| 0)) }
}

#[doc(alias = "WSPRecv")]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_recv<P: Export>(
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
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let ov = Overlapped::from_raw(overlapped, routine, thread);
            require(received, &ov)?;
            if flags.is_null() {
                return Err(WsaError::WSAEFAULT);
            }
            let mut slices = scatter(bufs, count)?;
            let mut in_out = flags.read();
            let n = p.recv(s, &mut slices, &mut in_out, ov)?;
            if !received.is_null() {
                received.write(n as DWORD);
            }
            flags.write(in_out);
            Ok(0)
        })
    }
}

#[doc(alias = "WSPRecvDisconnect")]
pub unsafe extern "system" fn wsp_recv_disconnect<P: Export>(
    s: SOCKET,
    data: LPWSABUF,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            p.recv_disconnect(s, data).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPRecvFrom")]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_recv_from<P: Export>(
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
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let ov = Overlapped::from_raw(overlapped, routine, thread);
            require(received, &ov)?;
            if flags.is_null() || (!from.is_null() && fromlen.is_null()) {
                return Err(WsaError::WSAEFAULT);
            }
            let mut slices = scatter(bufs, count)?;
            let mut in_out = flags.read();
            let from = AddrOut::from_raw(from, fromlen);
            let n = p.recv_from(s, &mut slices, &mut in_out, from, ov)?;
            if !received.is_null() {
                received.write(n as DWORD);
            }
            flags.write(in_out);
            Ok(0)
        })
    }
}

/// The handles of a caller's fd_set (`None` for NULL).
unsafe fn read_set(set: *mut fd_set) -> Option<Vec<SOCKET>> {
    if set.is_null() {
        return None;
    }
    // SAFETY: a readable fd_set holding fd_count handles, which may exceed FD_SETSIZE
    // (contract); read through raw pointers, never through a 64-entry reference.
    // SAFETY: trampoline contract (module docs).
    unsafe {
        let count = std::ptr::addr_of!((*set).fd_count).read() as usize;
        let first = std::ptr::addr_of!((*set).fd_array).cast::<SOCKET>();
        Some((0..count).map(|i| first.add(i).read()).collect())
    }
}

/// Writes the ready handles back (never more than the set held).
unsafe fn write_set(set: *mut fd_set, handles: &[SOCKET]) {
    if set.is_null() {
        return;
    }
    // SAFETY: as in read_set; the provider only removes handles, so they fit.
    unsafe {
        let first = std::ptr::addr_of_mut!((*set).fd_array).cast::<SOCKET>();
        for (i, h) in handles.iter().enumerate() {
            first.add(i).write(*h);
        }
        std::ptr::addr_of_mut!((*set).fd_count).write(handles.len() as u32);
    }
}

#[doc(alias = "WSPSelect")]
pub unsafe extern "system" fn wsp_select<P: Export>(
    _nfds: INT,
    read: *mut fd_set,
    write: *mut fd_set,
    except: *mut fd_set,
    timeout: *const TIMEVAL,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let timeout = match timeout.as_ref() {
                None => None,
                Some(t) if t.tv_sec < 0 || t.tv_usec < 0 => return Err(WsaError::WSAEINVAL),
                Some(t) => Some(
                    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64),
                ),
            };
            let (mut r, mut wr, mut e) = (read_set(read), read_set(write), read_set(except));
            let held = [&r, &wr, &e].map(|s| s.as_ref().map_or(0, Vec::len));
            let n = p.select(r.as_mut(), wr.as_mut(), e.as_mut(), timeout)?;
            for ((set, handles), held) in
                [(read, r), (write, wr), (except, e)].into_iter().zip(held)
            {
                if let Some(mut handles) = handles {
                    handles.truncate(held);
                    write_set(set, &handles);
                }
            }
            Ok(n.min(i32::MAX as usize) as i32)
        })
    }
}

#[doc(alias = "WSPSend")]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_send<P: Export>(
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
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let ov = Overlapped::from_raw(overlapped, routine, thread);
            require(sent, &ov)?;
            let slices = gather(bufs, count)?;
            let n = p.send(s, &slices, flags, ov)?;
            if !sent.is_null() {
                sent.write(n as DWORD);
            }
            Ok(0)
        })
    }
}

#[doc(alias = "WSPSendDisconnect")]
pub unsafe extern "system" fn wsp_send_disconnect<P: Export>(
    s: SOCKET,
    data: LPWSABUF,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            p.send_disconnect(s, data).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPSendTo")]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn wsp_send_to<P: Export>(
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
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let ov = Overlapped::from_raw(overlapped, routine, thread);
            require(sent, &ov)?;
            let slices = gather(bufs, count)?;
            let to = if to.is_null() {
                None
            } else {
                Some(bytes(to.cast(), tolen)?)
            };
            let n = p.send_to(s, &slices, flags, to, ov)?;
            if !sent.is_null() {
                sent.write(n as DWORD);
            }
            Ok(0)
        })
    }
}

#[doc(alias = "WSPSetSockOpt")]
pub unsafe extern "system" fn wsp_set_sock_opt<P: Export>(
    s: SOCKET,
    level: INT,
    name: INT,
    value: *const CHAR,
    len: INT,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            let value = if value.is_null() && len == 0 {
                &[][..]
            } else {
                bytes(value.cast(), len)?
            };
            p.set_sock_opt(s, level, name, value).map(|()| 0)
        })
    }
}

#[doc(alias = "WSPShutdown")]
pub unsafe extern "system" fn wsp_shutdown<P: Export>(s: SOCKET, how: INT, errno: LPINT) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe { run::<P, _>(errno, SOCKET_ERROR, |p| p.shutdown(s, how).map(|()| 0)) }
}

#[doc(alias = "WSPSocket")]
pub unsafe extern "system" fn wsp_socket<P: Export>(
    af: INT,
    kind: INT,
    protocol: INT,
    info: LPWSAPROTOCOL_INFOW,
    group: GROUP,
    flags: DWORD,
    errno: LPINT,
) -> SOCKET {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, INVALID_SOCKET, |p| {
            let info = info.as_ref().ok_or(WsaError::WSAEFAULT)?;
            p.socket(af, kind, protocol, info, group, flags)
        })
    }
}

#[doc(alias = "WSPStringToAddress")]
pub unsafe extern "system" fn wsp_string_to_address<P: Export>(
    text: LPWSTR,
    family: INT,
    info: LPWSAPROTOCOL_INFOW,
    address: LPSOCKADDR,
    address_len: LPINT,
    errno: LPINT,
) -> INT {
    // SAFETY: trampoline contract (module docs).
    unsafe {
        run::<P, _>(errno, SOCKET_ERROR, |p| {
            if text.is_null() || address_len.is_null() || address_len.read() < 0 {
                return Err(WsaError::WSAEFAULT);
            }
            let mut n = 0;
            while text.add(n).read() != 0 {
                n += 1;
            }
            let string = std::slice::from_raw_parts(text.cast_const(), n);
            let raw = p.string_to_address(string, family, info.as_ref())?;
            let mut len = address_len.read() as u32;
            let result = write_counted(address.cast::<u8>(), &mut len, &raw);
            address_len.write(len as i32);
            result.map(|()| 0)
        })
    }
}
