//! A safe Rust client API over ws2emu's Winsock exports, for Rust tests.
//!
//! Everything goes through the C exports of the `ws2_32` crate (package ws2-capi), called as
//! Rust functions — the same code path a C client takes: the catalog picks the provider, the
//! loader starts it, and every socket call is dispatched to the provider that registered the
//! handle. Errors are [`WsaError`]s carrying the code `WSAGetLastError()` reported (or that
//! `WSAStartup` returned).
//!
//! - [`Winsock::startup`]: `WSAStartup`; dropping the guard calls `WSACleanup`.
//! - [`Socket`]: `socket`/`WSASocketW`, bind, listen, accept, connect, send, recv, sendto,
//!   recvfrom, shutdown, ioctlsocket(FIONBIO), getsockname, getpeername, WSAEventSelect,
//!   WSAEnumNetworkEvents; `closesocket` on drop (or [`Socket::close`] to see its result).
//!   Addresses are [`std::net::SocketAddr`], converted to and from the Windows `SOCKADDR_IN`
//!   / `SOCKADDR_IN6` layouts (`AF_INET6` = 23) by [`ws2_provider::addr`].
//! - [`Event`]: `WSACreateEvent`, set, reset, wait (`WSAWaitForMultipleEvents`); closed on drop.
//!
//! Winsock state is process-wide, as on Windows: tests that depend on it not being started (or
//! on the catalog) run in a process of their own.

use std::net::{Shutdown, SocketAddr};
use std::ptr::null_mut;
use ws2_32::{client as c, winsock as ws};
use ws2_abi as w;
use ws2_abi::{SOCKADDR, SOCKET, SOCKET_ERROR, WSAEVENT, WSANETWORKEVENTS, WSAPROTOCOL_INFOW};
pub use ws2_provider::addr::{from_windows, to_windows};
pub use ws2_provider::{WsaError, WsaResult};

/// The calling thread's last Winsock error (`WSAGetLastError`).
pub fn last_error() -> WsaError {
    WsaError::reported(ws2_32::last_error::WSAGetLastError())
}

fn check(r: i32) -> WsaResult<i32> {
    if r == SOCKET_ERROR {
        Err(last_error())
    } else {
        Ok(r)
    }
}

/// An aligned sockaddr buffer (the alignment of `SOCKADDR_STORAGE`), so that providers may read
/// `sa_family` as a field.
#[repr(C, align(8))]
struct SockAddrBuf([u8; 128]);

impl SockAddrBuf {
    fn empty() -> Self {
        Self([0; 128])
    }

    fn from(addr: &SocketAddr) -> (Self, i32) {
        let raw = to_windows(addr);
        let mut buf = Self::empty();
        buf.0[..raw.len()].copy_from_slice(raw.as_bytes());
        (buf, raw.len() as i32)
    }

    fn ptr(&self) -> *const SOCKADDR {
        self.0.as_ptr().cast()
    }

    fn mut_ptr(&mut self) -> *mut SOCKADDR {
        self.0.as_mut_ptr().cast()
    }

    /// The address a call wrote (`len` bytes); a length beyond the buffer is WSAEFAULT.
    fn read(&self, len: i32) -> WsaResult<SocketAddr> {
        let len = usize::try_from(len).map_err(|_| WsaError::WSAEFAULT)?;
        from_windows(self.0.get(..len).ok_or(WsaError::WSAEFAULT)?)
    }
}

/// A started Winsock (`WSAStartup`); `WSACleanup` when dropped.
#[derive(Debug)]
pub struct Winsock {
    version: u16,
}

impl Winsock {
    /// `WSAStartup(version)` (`MAKEWORD(major, minor)`, e.g. 0x0202): the negotiated version,
    /// or the code `WSAStartup` returned (`WSAVERNOTSUPPORTED` below 1.1).
    pub fn startup(version: u16) -> WsaResult<Self> {
        // SAFETY: WSADATA is plain data (zero is a valid value) and `data` is a writable local.
        let mut data: w::WSADATA = unsafe { std::mem::zeroed() };
        // SAFETY: `data` is a valid, writable WSADATA.
        match unsafe { ws::WSAStartup(version, &mut data) } {
            0 => Ok(Self {
                version: data.wVersion,
            }),
            code => Err(WsaError(code)),
        }
    }

    /// The negotiated version.
    pub fn version(&self) -> u16 {
        self.version
    }

    /// `WSACleanup` now, with its result.
    pub fn cleanup(self) -> WsaResult<()> {
        std::mem::forget(self);
        check(ws::WSACleanup()).map(drop)
    }
}

impl Drop for Winsock {
    fn drop(&mut self) {
        let _ = ws::WSACleanup();
    }
}

/// A socket handle; `closesocket` when dropped.
#[derive(Debug)]
pub struct Socket {
    handle: SOCKET,
}

impl Socket {
    /// `socket(af, kind, protocol)`: the first catalog entry that matches.
    pub fn new(af: i32, kind: i32, protocol: i32) -> WsaResult<Self> {
        match c::socket(af, kind, protocol) {
            w::INVALID_SOCKET => Err(last_error()),
            handle => Ok(Self { handle }),
        }
    }

    /// A TCP socket of `addr`'s family (`socket(AF_INET or AF_INET6, SOCK_STREAM, 0)`).
    pub fn tcp(addr: &SocketAddr) -> WsaResult<Self> {
        Self::new(ws2_provider::addr::family(addr), w::SOCK_STREAM, 0)
    }

    /// A UDP socket of `addr`'s family.
    pub fn udp(addr: &SocketAddr) -> WsaResult<Self> {
        Self::new(ws2_provider::addr::family(addr), w::SOCK_DGRAM, 0)
    }

    /// `WSASocketW(FROM_PROTOCOL_INFO × 3, info, 0, flags)`: a socket of exactly the catalog
    /// entry `info` describes (its `dwCatalogEntryId`).
    pub fn with_protocol_info(info: &WSAPROTOCOL_INFOW, flags: u32) -> WsaResult<Self> {
        let mut info = *info;
        let from = w::FROM_PROTOCOL_INFO;
        // SAFETY: `info` is a readable local copy.
        match unsafe { c::WSASocketW(from, from, from, &mut info, 0, flags) } {
            w::INVALID_SOCKET => Err(last_error()),
            handle => Ok(Self { handle }),
        }
    }

    /// Takes ownership of a handle.
    pub fn from_raw(handle: SOCKET) -> Self {
        Self { handle }
    }

    /// The handle.
    pub fn raw(&self) -> SOCKET {
        self.handle
    }

    /// Gives the handle up without closing it.
    pub fn into_raw(self) -> SOCKET {
        let handle = self.handle;
        std::mem::forget(self);
        handle
    }

    /// `closesocket`, with its result.
    pub fn close(self) -> WsaResult<()> {
        check(c::closesocket(self.into_raw())).map(drop)
    }

    pub fn bind(&self, addr: &SocketAddr) -> WsaResult<()> {
        let (buf, len) = SockAddrBuf::from(addr);
        // SAFETY: `buf` holds `len` bytes of a Windows sockaddr.
        check(unsafe { c::bind(self.handle, buf.ptr(), len) }).map(drop)
    }

    pub fn listen(&self, backlog: i32) -> WsaResult<()> {
        check(c::listen(self.handle, backlog)).map(drop)
    }

    /// `accept`: the new socket and its peer.
    pub fn accept(&self) -> WsaResult<(Socket, SocketAddr)> {
        let mut buf = SockAddrBuf::empty();
        let mut len = buf.0.len() as i32;
        // SAFETY: `buf` is writable for `len` bytes; `len` is a writable local.
        match unsafe { c::accept(self.handle, buf.mut_ptr(), &mut len) } {
            w::INVALID_SOCKET => Err(last_error()),
            handle => {
                let socket = Socket { handle };
                Ok((socket, buf.read(len)?))
            }
        }
    }

    pub fn connect(&self, addr: &SocketAddr) -> WsaResult<()> {
        let (buf, len) = SockAddrBuf::from(addr);
        // SAFETY: `buf` holds `len` bytes of a Windows sockaddr.
        check(unsafe { c::connect(self.handle, buf.ptr(), len) }).map(drop)
    }

    /// `send`: the bytes sent.
    pub fn send(&self, data: &[u8]) -> WsaResult<usize> {
        let len = i32::try_from(data.len()).unwrap_or(i32::MAX);
        // SAFETY: `data` is readable for `len` bytes.
        check(unsafe { c::send(self.handle, data.as_ptr().cast(), len, 0) }).map(|n| n as usize)
    }

    /// Sends all of `data` (repeating `send` while it sends less).
    pub fn send_all(&self, mut data: &[u8]) -> WsaResult<()> {
        while !data.is_empty() {
            let n = self.send(data)?;
            data = &data[n..];
        }
        Ok(())
    }

    /// `recv`: the bytes received, 0 at a graceful close.
    pub fn recv(&self, buf: &mut [u8]) -> WsaResult<usize> {
        let len = i32::try_from(buf.len()).unwrap_or(i32::MAX);
        // SAFETY: `buf` is writable for `len` bytes.
        check(unsafe { c::recv(self.handle, buf.as_mut_ptr().cast(), len, 0) }).map(|n| n as usize)
    }

    /// `sendto`: the bytes sent.
    pub fn send_to(&self, data: &[u8], to: &SocketAddr) -> WsaResult<usize> {
        let (addr, addr_len) = SockAddrBuf::from(to);
        let len = i32::try_from(data.len()).unwrap_or(i32::MAX);
        // SAFETY: `data` is readable for `len` bytes, `addr` holds `addr_len` bytes.
        let r = unsafe {
            c::sendto(
                self.handle,
                data.as_ptr().cast(),
                len,
                0,
                addr.ptr(),
                addr_len,
            )
        };
        check(r).map(|n| n as usize)
    }

    /// `recvfrom`: the bytes received and the source.
    pub fn recv_from(&self, buf: &mut [u8]) -> WsaResult<(usize, SocketAddr)> {
        let mut from = SockAddrBuf::empty();
        let mut from_len = from.0.len() as i32;
        let len = i32::try_from(buf.len()).unwrap_or(i32::MAX);
        // SAFETY: `buf` is writable for `len` bytes, `from` for `from_len` bytes.
        let r = unsafe {
            c::recvfrom(
                self.handle,
                buf.as_mut_ptr().cast(),
                len,
                0,
                from.mut_ptr(),
                &mut from_len,
            )
        };
        let n = check(r)? as usize;
        Ok((n, from.read(from_len)?))
    }

    /// `shutdown` (`SD_RECEIVE`, `SD_SEND`, `SD_BOTH`).
    pub fn shutdown(&self, how: Shutdown) -> WsaResult<()> {
        let how = match how {
            Shutdown::Read => w::SD_RECEIVE,
            Shutdown::Write => w::SD_SEND,
            Shutdown::Both => w::SD_BOTH,
        };
        check(c::shutdown(self.handle, how)).map(drop)
    }

    /// `ioctlsocket(FIONBIO)`.
    pub fn set_nonblocking(&self, nonblocking: bool) -> WsaResult<()> {
        let mut arg = u32::from(nonblocking);
        // SAFETY: `arg` is a readable and writable u_long.
        check(unsafe { c::ioctlsocket(self.handle, w::FIONBIO as i32, &mut arg) }).map(drop)
    }

    /// `getsockname`.
    pub fn local_addr(&self) -> WsaResult<SocketAddr> {
        let mut buf = SockAddrBuf::empty();
        let mut len = buf.0.len() as i32;
        // SAFETY: `buf` is writable for `len` bytes; `len` is a writable local.
        check(unsafe { c::getsockname(self.handle, buf.mut_ptr(), &mut len) })?;
        buf.read(len)
    }

    /// `getpeername`.
    pub fn peer_addr(&self) -> WsaResult<SocketAddr> {
        let mut buf = SockAddrBuf::empty();
        let mut len = buf.0.len() as i32;
        // SAFETY: as in local_addr.
        check(unsafe { c::getpeername(self.handle, buf.mut_ptr(), &mut len) })?;
        buf.read(len)
    }

    /// `WSAEventSelect(events)` (`FD_READ | FD_WRITE | ...`) on `event`.
    pub fn event_select(&self, event: &Event, events: i32) -> WsaResult<()> {
        // SAFETY: plain values.
        check(unsafe { c::WSAEventSelect(self.handle, event.raw(), events) }).map(drop)
    }

    /// `WSAEnumNetworkEvents`: the recorded events, resetting `event` when given.
    pub fn enum_network_events(&self, event: Option<&Event>) -> WsaResult<WSANETWORKEVENTS> {
        let mut record = WSANETWORKEVENTS {
            lNetworkEvents: 0,
            iErrorCode: [0; w::FD_MAX_EVENTS],
        };
        let event = event.map_or(null_mut(), Event::raw);
        // SAFETY: `record` is a writable local.
        check(unsafe { c::WSAEnumNetworkEvents(self.handle, event, &mut record) })?;
        Ok(record)
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = c::closesocket(self.handle);
    }
}

/// A Winsock event object (`WSACreateEvent`: manual-reset, initially non-signalled);
/// `WSACloseEvent` when dropped.
#[derive(Debug)]
pub struct Event {
    handle: WSAEVENT,
}

// SAFETY: an event handle is a value in ws2emu's process-wide handle table; every operation on
// it is thread-safe (the object model locks it), as on Windows.
unsafe impl Send for Event {}
// SAFETY: as above.
unsafe impl Sync for Event {}

impl Event {
    pub fn new() -> WsaResult<Self> {
        let handle = ws::WSACreateEvent();
        if handle.is_null() {
            Err(last_error())
        } else {
            Ok(Self { handle })
        }
    }

    pub fn raw(&self) -> WSAEVENT {
        self.handle
    }

    pub fn set(&self) -> WsaResult<()> {
        match ws::WSASetEvent(self.handle) {
            w::FALSE => Err(last_error()),
            _ => Ok(()),
        }
    }

    pub fn reset(&self) -> WsaResult<()> {
        match ws::WSAResetEvent(self.handle) {
            w::FALSE => Err(last_error()),
            _ => Ok(()),
        }
    }

    /// Waits up to `timeout_ms` (`WSA_INFINITE` for ever): `true` when signalled, `false` on
    /// timeout.
    pub fn wait(&self, timeout_ms: u32) -> WsaResult<bool> {
        let handles = [self.handle];
        // SAFETY: `handles` holds one handle.
        match unsafe {
            ws::WSAWaitForMultipleEvents(1, handles.as_ptr(), w::FALSE, timeout_ms, w::FALSE)
        } {
            w::WSA_WAIT_EVENT_0 => Ok(true),
            w::WSA_WAIT_TIMEOUT => Ok(false),
            _ => Err(last_error()),
        }
    }
}

impl Drop for Event {
    fn drop(&mut self) {
        let _ = ws::WSACloseEvent(self.handle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_buffers_round_trip() {
        for text in ["127.0.0.1:7", "[::1]:9"] {
            let addr: SocketAddr = text.parse().unwrap();
            let (buf, len) = SockAddrBuf::from(&addr);
            assert_eq!(buf.read(len), Ok(addr));
        }
        assert_eq!(SockAddrBuf::empty().read(-1), Err(WsaError::WSAEFAULT));
        assert_eq!(SockAddrBuf::empty().read(200), Err(WsaError::WSAEFAULT));
    }
}
