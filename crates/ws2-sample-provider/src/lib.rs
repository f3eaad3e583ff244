//! A Rust sample provider built with the ws2-provider kit: a **non-IFS base provider** for TCP
//! over IPv4 and IPv6, on Linux sockets (through the `socket2` crate), with no `unsafe` code of
//! its own — `ws2_provider::export_provider!` is its whole C boundary.
//!
//! Non-IFS means the handles applications see are not its descriptors: every socket it creates
//! (`WSPSocket`, `WSPAccept`) gets a handle minted by ws2_32 with `WPUCreateSocketHandle`,
//! whose context is the provider's key for the socket; every later call maps the handle back
//! with `WPUQuerySocketHandleContext` (`WSAENOTSOCK` for handles it did not mint), and
//! `WSPCloseSocket` releases it with `WPUCloseSocketHandle` (spec §4.3, §5.2–§5.4, §5.10). Its
//! catalog entries therefore must not carry `XP1_IFS_HANDLES`.
//!
//! Supported: socket (AF_INET/AF_INET6, SOCK_STREAM, IPPROTO_TCP or 0), bind, listen, accept,
//! connect (blocking, or `WSAEWOULDBLOCK` when non-blocking), send/recv with WSABUF arrays
//! (flags 0 only; MSG_PEEK/MSG_OOB are `WSAEOPNOTSUPP`), shutdown, closesocket, getsockname,
//! getpeername, ioctlsocket(FIONBIO). Everything else keeps the kit's "not supported" default:
//! overlapped requests, notifications (WSAEventSelect/WSAAsyncSelect), select, socket options,
//! address strings, and WSAAccept condition functions (`WSAEOPNOTSUPP`).
//!
//! The last `WSPCleanup` closes every socket still open and releases its handle.

use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::collections::HashMap;
use std::io::{IoSlice, IoSliceMut, Read};
use std::net::{Shutdown, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use ws2_abi as w;
use ws2_abi::{GROUP, LPCONDITIONPROC, LPQOS, LPWSABUF, SOCKET, WSAPROTOCOL_INFOW};
use ws2_provider::{
    addr, export_provider, AddrOut, IoctlBuffers, Overlapped, Provider, Startup, Upcalls, WsaError,
    WsaResult,
};

/// Linux `MSG_NOSIGNAL`: a send on a reset connection reports an error instead of raising
/// SIGPIPE (Windows has no such signal).
const MSG_NOSIGNAL: i32 = 0x4000;

/// The provider's description in `WSPDATA`.
pub const DESCRIPTION: &str = "ws2emu Rust sample provider (non-IFS TCP)";

/// One socket of the provider.
struct Entry {
    socket: Socket,
    family: i32,
    catalog_id: u32,
    /// The handle ws2_32 minted for it.
    handle: AtomicUsize,
}

/// The provider: its upcalls and its sockets by context key.
pub struct SampleProvider {
    upcalls: Upcalls,
    sockets: Mutex<HashMap<usize, Arc<Entry>>>,
    next_key: AtomicUsize,
}

fn io(e: std::io::Error) -> WsaError {
    WsaError::from_io(&e)
}

impl SampleProvider {
    fn table(&self) -> MutexGuard<'_, HashMap<usize, Arc<Entry>>> {
        self.sockets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The socket behind handle `s`: its context from ws2_32, then our table.
    fn lookup(&self, s: SOCKET) -> WsaResult<Arc<Entry>> {
        let key = self.upcalls.query_socket_handle_context(s)?;
        self.table().get(&key).cloned().ok_or(WsaError::WSAENOTSOCK)
    }

    /// Keeps `socket` and registers it with WPUCreateSocketHandle under `catalog_id`.
    fn register(&self, socket: Socket, family: i32, catalog_id: u32) -> WsaResult<SOCKET> {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        let entry = Arc::new(Entry {
            socket,
            family,
            catalog_id,
            handle: AtomicUsize::new(0),
        });
        self.table().insert(key, entry.clone());
        match self.upcalls.create_socket_handle(catalog_id, key) {
            Ok(handle) => {
                entry.handle.store(handle, Ordering::Release);
                Ok(handle)
            }
            Err(e) => {
                self.table().remove(&key);
                Err(e)
            }
        }
    }

    /// The peer address of this socket's family, from the caller's bytes (`WSAEFAULT` for a
    /// short or foreign address, as for the built-in provider).
    fn address(entry: &Entry, raw: &[u8]) -> WsaResult<SocketAddr> {
        let addr = addr::from_windows(raw).map_err(|_| WsaError::WSAEFAULT)?;
        if addr::family(&addr) != entry.family {
            return Err(WsaError::WSAEFAULT);
        }
        Ok(addr)
    }
}

fn std_addr(addr: &SockAddr) -> WsaResult<SocketAddr> {
    addr.as_socket().ok_or(WsaError::WSAEAFNOSUPPORT)
}

impl Provider for SampleProvider {
    const DESCRIPTION: &'static str = DESCRIPTION;

    fn start(startup: &Startup<'_>) -> WsaResult<Self> {
        Ok(Self {
            upcalls: startup.upcalls.clone(),
            sockets: Mutex::new(HashMap::new()),
            next_key: AtomicUsize::new(1),
        })
    }

    /// Closes every socket still open and releases its handle.
    fn cleanup(&self) {
        let entries: Vec<Arc<Entry>> = self.table().drain().map(|(_, e)| e).collect();
        for entry in entries {
            let _ = self
                .upcalls
                .close_socket_handle(entry.handle.load(Ordering::Acquire));
        }
    }

    fn socket(
        &self,
        af: i32,
        kind: i32,
        protocol: i32,
        info: &WSAPROTOCOL_INFOW,
        _group: GROUP,
        _flags: u32,
    ) -> WsaResult<SOCKET> {
        let domain = match af {
            w::AF_INET => Domain::IPV4,
            w::AF_INET6 => Domain::IPV6,
            _ => return Err(WsaError::WSAEAFNOSUPPORT),
        };
        if kind != w::SOCK_STREAM {
            return Err(WsaError::WSAESOCKTNOSUPPORT);
        }
        if protocol != 0 && protocol != w::IPPROTO_TCP {
            return Err(WsaError::WSAEPROTONOSUPPORT);
        }
        let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP)).map_err(io)?;
        self.register(socket, af, info.dwCatalogEntryId)
    }

    fn close_socket(&self, s: SOCKET) -> WsaResult<()> {
        let key = self.upcalls.query_socket_handle_context(s)?;
        let entry = self.table().remove(&key).ok_or(WsaError::WSAENOTSOCK)?;
        self.upcalls.close_socket_handle(s)?;
        drop(entry); // closes the descriptor
        Ok(())
    }

    fn bind(&self, s: SOCKET, raw: &[u8]) -> WsaResult<()> {
        let entry = self.lookup(s)?;
        let addr = Self::address(&entry, raw)?;
        entry.socket.bind(&addr.into()).map_err(io)
    }

    /// Windows refuses to listen on an unbound socket (`WSAEINVAL`); Linux would bind it.
    fn listen(&self, s: SOCKET, backlog: i32) -> WsaResult<()> {
        let entry = self.lookup(s)?;
        let local = std_addr(&entry.socket.local_addr().map_err(io)?)?;
        if local.port() == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        entry.socket.listen(backlog).map_err(io)
    }

    fn accept(
        &self,
        s: SOCKET,
        mut addr: AddrOut<'_>,
        condition: LPCONDITIONPROC,
        _callback_data: usize,
    ) -> WsaResult<SOCKET> {
        if condition.is_some() {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let listener = self.lookup(s)?;
        let size = if listener.family == w::AF_INET {
            addr::SOCKADDR_IN_LEN
        } else {
            addr::SOCKADDR_IN6_LEN
        };
        addr.check(size, true)?;
        let (socket, peer) = listener.socket.accept().map_err(io)?;
        let peer = std_addr(&peer)?;
        let handle = self.register(socket, listener.family, listener.catalog_id)?;
        if addr.is_requested() {
            addr.write_addr(&peer)?;
        }
        Ok(handle)
    }

    fn connect(
        &self,
        s: SOCKET,
        raw: &[u8],
        _caller: LPWSABUF,
        _callee: LPWSABUF,
        _sqos: LPQOS,
        _gqos: LPQOS,
    ) -> WsaResult<()> {
        let entry = self.lookup(s)?;
        let addr = Self::address(&entry, raw)?;
        entry.socket.connect(&addr.into()).map_err(io)
    }

    fn send(
        &self,
        s: SOCKET,
        buffers: &[IoSlice<'_>],
        flags: u32,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        if overlapped.is_overlapped() || flags != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let entry = self.lookup(s)?;
        entry
            .socket
            .send_vectored_with_flags(buffers, MSG_NOSIGNAL)
            .map_err(io)
    }

    fn recv(
        &self,
        s: SOCKET,
        buffers: &mut [IoSliceMut<'_>],
        flags: &mut u32,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        if overlapped.is_overlapped() || *flags != 0 {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        let entry = self.lookup(s)?;
        let n = (&entry.socket).read_vectored(buffers).map_err(io)?;
        *flags = 0;
        Ok(n)
    }

    fn shutdown(&self, s: SOCKET, how: i32) -> WsaResult<()> {
        let how = match how {
            w::SD_RECEIVE => Shutdown::Read,
            w::SD_SEND => Shutdown::Write,
            w::SD_BOTH => Shutdown::Both,
            _ => return Err(WsaError::WSAEINVAL),
        };
        self.lookup(s)?.socket.shutdown(how).map_err(io)
    }

    /// An unbound socket has no name on Windows (`WSAEINVAL`).
    fn get_sock_name(&self, s: SOCKET, mut name: AddrOut<'_>) -> WsaResult<()> {
        let entry = self.lookup(s)?;
        let local = std_addr(&entry.socket.local_addr().map_err(io)?)?;
        if local.port() == 0 {
            return Err(WsaError::WSAEINVAL);
        }
        name.write_addr(&local)
    }

    fn get_peer_name(&self, s: SOCKET, mut name: AddrOut<'_>) -> WsaResult<()> {
        let entry = self.lookup(s)?;
        let peer = std_addr(&entry.socket.peer_addr().map_err(io)?)?;
        name.write_addr(&peer)
    }

    /// FIONBIO only; other codes are `WSAEINVAL` ("not a valid command", Microsoft's WSPIoctl
    /// page).
    fn ioctl(
        &self,
        s: SOCKET,
        code: u32,
        buffers: IoctlBuffers<'_>,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        let entry = self.lookup(s)?;
        if overlapped.is_overlapped() {
            return Err(WsaError::WSAEOPNOTSUPP);
        }
        match code {
            w::FIONBIO => {
                let on = buffers.input_u32()? != 0;
                entry.socket.set_nonblocking(on).map_err(io)?;
                Ok(0)
            }
            _ => Err(WsaError::WSAEINVAL),
        }
    }
}

export_provider!(SampleProvider);
