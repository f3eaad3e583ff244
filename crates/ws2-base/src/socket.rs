//! The sockets: Windows semantics on top of non-blocking Linux sockets.
//!
//! Every socket is a Linux socket opened non-blocking and close-on-exec; its handle (what
//! `WPUModifyIFSHandle` returned for the descriptor, in practice the descriptor itself) keys a
//! process-wide table. Windows' blocking mode (the default) is emulated here: an operation that
//! would block waits with poll(2) for readiness, honouring `SO_RCVTIMEO`/`SO_SNDTIMEO` (DWORD
//! milliseconds, 0 = forever; a receive that times out is `WSAETIMEDOUT`), so that a later
//! reactor can share the descriptors. `FIONBIO` switches the emulated mode only.
//!
//! Windows behaviours the Linux calls do not give by themselves, each emulated here:
//! - `getsockname` before `bind` is `WSAEINVAL`; `listen` before `bind` is `WSAEINVAL` (Linux
//!   would bind implicitly); a UDP receive before the socket is bound is `WSAEINVAL`.
//! - `connect` to `INADDR_ANY`/`in6addr_any` or port 0 is `WSAEADDRNOTAVAIL` (Linux connects to
//!   the loopback address); `connect` on a listening socket is `WSAEINVAL`. A UDP `connect` to
//!   an all-zero address dissolves the association.
//! - A send after `SD_SEND` is `WSAESHUTDOWN`, a receive after `SD_RECEIVE` is `WSAESHUTDOWN`
//!   (Linux returns EPIPE and 0 bytes). A send on a never-connected TCP socket is `WSAENOTCONN`
//!   (Linux: EPIPE); a send on a reset connection is `WSAECONNRESET`.
//! - A UDP receive after an ICMP port unreachable reports `WSAECONNRESET` (Windows'
//!   `SIO_UDP_CONNRESET` default); Linux reports ECONNREFUSED, and only on connected sockets.
//! - `MSG_WAITALL` on a blocking socket waits until the buffers are full, the peer closes or the
//!   timeout passes (the descriptor itself never blocks).
//! - `closesocket` on a non-blocking socket whose `SO_LINGER` has a non-zero timeout and unsent
//!   data fails with `WSAEWOULDBLOCK` and leaves the socket open (Linux would block in close).
//! - `CF_DEFER`: a deferred connection is kept by the listener and offered again by the next
//!   accept (and makes the listener readable for select).
//! - A blocking call on a socket that another thread closes returns `WSAEINTR`: the closer shuts
//!   the socket down to wake it, and the descriptor is closed when the last call using it ends.
#![forbid(unsafe_code)]

use crate::addr::{self, Family};
use crate::sys::{self, PollFd};
use std::collections::{BTreeMap, VecDeque};
use std::io::{IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use ws2_abi as w;
use ws2_abi::WSAPROTOCOL_INFOW;

/// A Winsock error code.
pub type WsaResult<T> = Result<T, i32>;

/// The WSA code for an errno (the one table in ws2-os).
pub fn wsa(errno: i32) -> i32 {
    ws2_os::wsa_error_from_errno(errno)
}

/// Stream (TCP) or datagram (UDP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Stream,
    Datagram,
}

/// What a socket has done so far (the parts of its state Linux does not report the Windows way).
#[derive(Debug, Default)]
pub struct State {
    pub bound: bool,
    pub listening: bool,
    /// A non-blocking connect has started and its outcome is not known yet.
    pub connecting: bool,
    /// TCP: connected (it may since have been shut down or reset); UDP: has a default peer.
    pub connected: bool,
    /// The last non-blocking connect failed (select reports it in `exceptfds`).
    pub connect_failed: bool,
    /// WSA error of that failure, reported once by `SO_ERROR`.
    pub connect_error: i32,
    pub send_shut: bool,
    pub recv_shut: bool,
    pub reuse_addr: bool,
    pub exclusive: bool,
    /// Values the application set for `SO_SNDBUF`/`SO_RCVBUF` (Linux reports them doubled).
    pub send_buffer: Option<i32>,
    pub recv_buffer: Option<i32>,
    /// Connections a condition function deferred, oldest first.
    pub deferred: VecDeque<(Socket, SocketAddr)>,
    /// The outcome of the last non-blocking connect once known (0 or its WSA error), for
    /// FD_CONNECT; `None` while it runs or when none was started.
    pub connect_outcome: Option<i32>,
    /// A stream's fatal error once observed (WSAECONNRESET, ...): Linux reports it once, Windows
    /// on every later receive, and FD_CLOSE carries it.
    pub conn_error: i32,
}

/// One socket of this provider.
#[derive(Debug)]
pub struct Socket {
    fd: OwnedFd,
    pub family: Family,
    pub kind: Kind,
    /// The catalog entry it was created for (`SO_PROTOCOL_INFO`).
    pub info: WSAPROTOCOL_INFOW,
    nonblocking: AtomicBool,
    recv_timeout: AtomicU32,
    send_timeout: AtomicU32,
    state: Mutex<State>,
    waiters: AtomicUsize,
    closed: AtomicBool,
    /// The handle ws2_32 returned for it (set by [`insert`]).
    handle: AtomicUsize,
    /// Network-event selection and pending overlapped requests (events.rs, overlapped.rs).
    /// Lock order: `io` before `state`.
    pub io: Mutex<crate::events::Io>,
}

// ---------------------------------------------------------------------------------------------
// The handle table
// ---------------------------------------------------------------------------------------------

static SOCKETS: Mutex<BTreeMap<usize, Arc<Socket>>> = Mutex::new(BTreeMap::new());

fn table() -> MutexGuard<'static, BTreeMap<usize, Arc<Socket>>> {
    SOCKETS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Records `socket` under the handle ws2_32 returned for it.
pub fn insert(handle: usize, socket: Socket) -> Arc<Socket> {
    socket.handle.store(handle, Ordering::Relaxed);
    let socket = Arc::new(socket);
    table().insert(handle, socket.clone());
    socket
}

/// The socket behind `handle`; `WSAENOTSOCK` when it is not one of ours.
pub fn lookup(handle: usize) -> WsaResult<Arc<Socket>> {
    table().get(&handle).cloned().ok_or(w::WSAENOTSOCK)
}

/// Forgets `handle` (closesocket); `WSAENOTSOCK` when it is not one of ours.
pub fn remove(handle: usize) -> WsaResult<Arc<Socket>> {
    table().remove(&handle).ok_or(w::WSAENOTSOCK)
}

/// Duplicates made by WSPDuplicateSocket, waiting for their WSPSocket, by token.
static DUPLICATES: Mutex<BTreeMap<u32, (OwnedFd, Duplicate)>> = Mutex::new(BTreeMap::new());
static NEXT_TOKEN: AtomicU32 = AtomicU32::new(1);

fn duplicates() -> MutexGuard<'static, BTreeMap<u32, (OwnedFd, Duplicate)>> {
    DUPLICATES.lock().unwrap_or_else(|p| p.into_inner())
}

/// Keeps a duplicate for one later WSPSocket; returns its token (never 0).
pub fn stash_duplicate(fd: OwnedFd, parts: Duplicate) -> u32 {
    let mut token = NEXT_TOKEN.fetch_add(1, Ordering::Relaxed);
    if token == 0 {
        token = NEXT_TOKEN.fetch_add(1, Ordering::Relaxed);
    }
    duplicates().insert(token, (fd, parts));
    token
}

/// The duplicate for `token`, once.
pub fn take_duplicate(token: u32) -> Option<(OwnedFd, Duplicate)> {
    duplicates().remove(&token)
}

/// Closes the duplicates nobody used (the last WSPCleanup).
pub fn clear_duplicates() {
    duplicates().clear();
}

/// Forgets every socket (the last WSPCleanup), returning them for closing.
pub fn remove_all() -> Vec<Arc<Socket>> {
    std::mem::take(&mut *table()).into_values().collect()
}

// ---------------------------------------------------------------------------------------------
// Creation
// ---------------------------------------------------------------------------------------------

/// WSPSocket's checks and the Linux socket. `af`, `kind` and `protocol` may be
/// `FROM_PROTOCOL_INFO` (and `protocol` 0, `PFL_MATCHES_PROTOCOL_ZERO`); the result must match
/// the catalog entry: a foreign family is `WSAEAFNOSUPPORT`, type `WSAESOCKTNOSUPPORT`, protocol
/// `WSAEPROTONOSUPPORT`, TCP with a datagram type (or UDP with stream) `WSAEPROTOTYPE`.
/// IPv6 sockets start with `IPV6_V6ONLY` TRUE, Windows' default.
pub fn open(af: i32, kind: i32, protocol: i32, info: &WSAPROTOCOL_INFOW) -> WsaResult<Socket> {
    let af = if af == w::FROM_PROTOCOL_INFO {
        info.iAddressFamily
    } else {
        af
    };
    let kind = if kind == w::FROM_PROTOCOL_INFO {
        info.iSocketType
    } else {
        kind
    };
    let protocol = if protocol == w::FROM_PROTOCOL_INFO || protocol == 0 {
        info.iProtocol
    } else {
        protocol
    };
    let family = Family::from_windows(af).ok_or(w::WSAEAFNOSUPPORT)?;
    if af != info.iAddressFamily {
        return Err(w::WSAEAFNOSUPPORT);
    }
    let (k, linux_kind) = match kind {
        w::SOCK_STREAM => (Kind::Stream, libc::SOCK_STREAM),
        w::SOCK_DGRAM => (Kind::Datagram, libc::SOCK_DGRAM),
        _ => return Err(w::WSAESOCKTNOSUPPORT),
    };
    if kind != info.iSocketType {
        return Err(w::WSAESOCKTNOSUPPORT);
    }
    match (protocol, k) {
        (w::IPPROTO_TCP, Kind::Stream) | (w::IPPROTO_UDP, Kind::Datagram) => {}
        (w::IPPROTO_TCP | w::IPPROTO_UDP, _) => return Err(w::WSAEPROTOTYPE),
        _ => return Err(w::WSAEPROTONOSUPPORT),
    }
    if protocol != info.iProtocol {
        return Err(w::WSAEPROTONOSUPPORT);
    }
    let fd = sys::socket(family.linux(), linux_kind, protocol).map_err(wsa)?;
    if family == Family::V6 {
        sys::setsockopt_int(&fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 1).map_err(wsa)?;
    }
    Ok(Socket::new(fd, family, k, *info))
}

impl Socket {
    fn new(fd: OwnedFd, family: Family, kind: Kind, info: WSAPROTOCOL_INFOW) -> Self {
        Self {
            fd,
            family,
            kind,
            info,
            nonblocking: AtomicBool::new(false),
            recv_timeout: AtomicU32::new(0),
            send_timeout: AtomicU32::new(0),
            state: Mutex::new(State::default()),
            waiters: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            handle: AtomicUsize::new(0),
            io: Mutex::new(crate::events::Io::default()),
        }
    }

    /// A socket for a descriptor that [`Socket::duplicate_parts`] produced (WSPSocket with a
    /// WSPDuplicateSocket protocol info): same connection, copied state flags.
    pub fn from_duplicate(fd: OwnedFd, parts: &Duplicate) -> Self {
        let socket = Self::new(fd, parts.family, parts.kind, parts.info);
        {
            let mut s = socket.state();
            s.bound = parts.bound;
            s.listening = parts.listening;
            s.connected = parts.connected;
        }
        socket
    }

    /// What [`Socket::from_duplicate`] needs, with a new descriptor for the same socket.
    pub fn duplicate_parts(&self) -> WsaResult<(OwnedFd, Duplicate)> {
        let fd = sys::dup(&self.fd).map_err(wsa)?;
        let s = self.state();
        Ok((
            fd,
            Duplicate {
                family: self.family,
                kind: self.kind,
                info: self.info,
                bound: s.bound,
                listening: s.listening,
                connected: s.connected,
            },
        ))
    }

    /// The handle ws2_32 gave this socket.
    pub fn handle(&self) -> usize {
        self.handle.load(Ordering::Relaxed)
    }

    pub fn io(&self) -> MutexGuard<'_, crate::events::Io> {
        self.io.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// AcceptEx: makes this (unbound, unconnected) socket the accepted connection `accepted`,
    /// keeping its descriptor number, hence the application's handle (dup3 onto it).
    pub fn adopt(&self, accepted: Socket) -> WsaResult<()> {
        sys::dup_onto(&accepted.fd, &self.fd).map_err(wsa)?;
        let mut s = self.state();
        *s = State::default();
        s.bound = true;
        s.connected = true;
        Ok(())
    }

    /// DisconnectEx with TF_REUSE_SOCKET: a fresh, unbound socket of the same kind under the same
    /// descriptor number (the old connection is closed, gracefully after the shutdown).
    pub fn renew(&self) -> WsaResult<()> {
        let linux_kind = match self.kind {
            Kind::Stream => libc::SOCK_STREAM,
            Kind::Datagram => libc::SOCK_DGRAM,
        };
        let fresh =
            sys::socket(self.family.linux(), linux_kind, self.info.iProtocol).map_err(wsa)?;
        if self.family == Family::V6 {
            sys::setsockopt_int(&fresh, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 1).map_err(wsa)?;
        }
        sys::dup_onto(&fresh, &self.fd).map_err(wsa)?;
        *self.state() = State::default();
        Ok(())
    }

    /// The Linux descriptor (what the handle was proposed as).
    pub fn raw_fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    pub fn fd(&self) -> &OwnedFd {
        &self.fd
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_nonblocking(&self) -> bool {
        self.nonblocking.load(Ordering::Relaxed)
    }

    /// FIONBIO.
    pub fn set_nonblocking(&self, on: bool) {
        self.nonblocking.store(on, Ordering::Relaxed);
    }

    pub fn timeouts(&self) -> (u32, u32) {
        (
            self.recv_timeout.load(Ordering::Relaxed),
            self.send_timeout.load(Ordering::Relaxed),
        )
    }

    pub fn set_recv_timeout(&self, ms: u32) {
        self.recv_timeout.store(ms, Ordering::Relaxed);
    }

    pub fn set_send_timeout(&self, ms: u32) {
        self.send_timeout.store(ms, Ordering::Relaxed);
    }

    /// Waits until `events` (poll bits) are ready; `timeout_ms` 0 is forever. `WSAETIMEDOUT` when
    /// the time passes, `WSAEINTR` when another thread closed the socket meanwhile.
    fn wait(&self, events: i16, timeout_ms: u32) -> WsaResult<i16> {
        if self.closed.load(Ordering::Acquire) {
            return Err(w::WSAEINTR);
        }
        self.waiters.fetch_add(1, Ordering::AcqRel);
        // Re-check after announcing ourselves, so a concurrent close either sees the waiter
        // (and shuts the socket down) or is seen here.
        let result = if self.closed.load(Ordering::Acquire) {
            Err(w::WSAEINTR)
        } else {
            let timeout = (timeout_ms != 0).then(|| Duration::from_millis(timeout_ms.into()));
            let mut fds = [PollFd {
                fd: self.raw_fd(),
                events,
                revents: 0,
            }];
            sys::poll(&mut fds, timeout)
                .map_err(wsa)
                .map(|n| (n, fds[0].revents))
        };
        self.waiters.fetch_sub(1, Ordering::AcqRel);
        let (n, revents) = result?;
        if self.closed.load(Ordering::Acquire) {
            return Err(w::WSAEINTR);
        }
        if n == 0 {
            return Err(w::WSAETIMEDOUT);
        }
        Ok(revents)
    }

    /// The family check for an address argument: another family is `mismatch`.
    fn check_family(&self, addr: &SocketAddr, mismatch: i32) -> WsaResult<()> {
        if Family::of(addr) == self.family {
            Ok(())
        } else {
            Err(mismatch)
        }
    }

    // -----------------------------------------------------------------------------------------
    // bind, listen, accept, connect
    // -----------------------------------------------------------------------------------------

    /// WSPBind. Another family is `WSAEFAULT` (Microsoft: "an incorrect address format for the
    /// associated address family"); already bound is `WSAEINVAL`.
    pub fn bind(&self, addr: &SocketAddr) -> WsaResult<()> {
        self.check_family(addr, w::WSAEFAULT)?;
        let mut state = self.state();
        if state.bound {
            return Err(w::WSAEINVAL);
        }
        sys::bind(&self.fd, &addr::to_linux(addr)).map_err(wsa)?;
        state.bound = true;
        Ok(())
    }

    /// WSPListen. UDP: `WSAEOPNOTSUPP`; connected: `WSAEISCONN`; unbound: `WSAEINVAL`. The
    /// backlog: `SOMAXCONN` (0x7fffffff) and anything above the system limit clamp to it (Linux
    /// clamps to `net.core.somaxconn`), `SOMAXCONN_HINT(n)` (= -n) is n clamped to 200..=65535,
    /// as Windows does.
    pub fn listen(&self, backlog: i32) -> WsaResult<()> {
        if self.kind == Kind::Datagram {
            return Err(w::WSAEOPNOTSUPP);
        }
        let mut state = self.state();
        if state.connected || state.connecting {
            return Err(w::WSAEISCONN);
        }
        if !state.bound {
            return Err(w::WSAEINVAL);
        }
        let backlog = if backlog < 0 {
            backlog.saturating_neg().clamp(200, 65535)
        } else {
            backlog
        };
        sys::listen(&self.fd, backlog).map_err(wsa)?;
        state.listening = true;
        Ok(())
    }

    /// WSPAccept without the condition function: the next connection (a deferred one first) and
    /// its peer. UDP: `WSAEOPNOTSUPP`; not listening: `WSAEINVAL`; non-blocking and none
    /// pending: `WSAEWOULDBLOCK`. The new socket inherits the listener's blocking mode and
    /// timeouts, as Windows' accepted sockets inherit the listener's properties.
    pub fn accept(&self) -> WsaResult<(Socket, SocketAddr)> {
        self.accept_mode(self.is_nonblocking())
    }

    /// [`Socket::accept`] with the blocking mode given (overlapped AcceptEx never blocks).
    pub fn accept_mode(&self, nonblocking: bool) -> WsaResult<(Socket, SocketAddr)> {
        if self.kind == Kind::Datagram {
            return Err(w::WSAEOPNOTSUPP);
        }
        loop {
            {
                let mut state = self.state();
                if !state.listening {
                    return Err(w::WSAEINVAL);
                }
                if let Some(pending) = state.deferred.pop_front() {
                    return Ok(pending);
                }
            }
            match sys::accept(&self.fd) {
                Ok((fd, peer)) => {
                    let Some(peer) = addr::from_linux(&peer) else {
                        continue;
                    };
                    let socket = Socket::new(fd, self.family, self.kind, self.info);
                    socket.set_nonblocking(self.is_nonblocking());
                    let (recv, send) = self.timeouts();
                    socket.set_recv_timeout(recv);
                    socket.set_send_timeout(send);
                    {
                        let mut s = socket.state();
                        s.bound = true;
                        s.connected = true;
                    }
                    return Ok((socket, peer));
                }
                // A connection that was reset before we took it: Windows never shows it.
                Err(libc::ECONNABORTED | libc::EPROTO) => continue,
                Err(libc::EAGAIN) if nonblocking => return Err(w::WSAEWOULDBLOCK),
                Err(libc::EAGAIN) => {
                    self.wait(sys::POLLIN, 0)?;
                }
                Err(e) => return Err(wsa(e)),
            }
        }
    }

    /// CF_DEFER: keeps `pending` to be offered first by the next accept.
    pub fn defer(&self, pending: (Socket, SocketAddr)) {
        self.state().deferred.push_front(pending);
    }

    /// CF_REJECT: resets the connection (SO_LINGER {1, 0}) and closes it.
    pub fn reject(self) {
        let _ = self.set_linux_linger(true, 0);
    }

    fn set_linux_linger(&self, on: bool, seconds: u16) -> WsaResult<()> {
        let mut value = [0u8; 8];
        value[..4].copy_from_slice(&i32::from(on).to_ne_bytes());
        value[4..].copy_from_slice(&i32::from(seconds).to_ne_bytes());
        sys::setsockopt(&self.fd, libc::SOL_SOCKET, libc::SO_LINGER, &value).map_err(wsa)
    }

    /// WSPConnect. Blocking: waits for the outcome (TCP's own timeout; Windows ignores
    /// SO_SNDTIMEO here). Non-blocking: `WSAEWOULDBLOCK` once started, then `WSAEALREADY` while
    /// in progress and `WSAEISCONN` once connected. Listening: `WSAEINVAL`; any address or port
    /// 0 (TCP): `WSAEADDRNOTAVAIL`; another family: `WSAEAFNOSUPPORT`.
    pub fn connect(&self, to: &SocketAddr) -> WsaResult<()> {
        self.connect_mode(to, self.is_nonblocking())
    }

    /// [`Socket::connect`] with the blocking mode given (ConnectEx never blocks).
    pub fn connect_mode(&self, to: &SocketAddr, nonblocking: bool) -> WsaResult<()> {
        self.check_family(to, w::WSAEAFNOSUPPORT)?;
        if self.kind == Kind::Datagram {
            return self.connect_datagram(to);
        }
        {
            let mut state = self.state();
            if state.listening {
                return Err(w::WSAEINVAL);
            }
            if to.ip().is_unspecified() || to.port() == 0 {
                return Err(w::WSAEADDRNOTAVAIL);
            }
            if state.connected {
                return Err(w::WSAEISCONN);
            }
            match sys::connect(&self.fd, &addr::to_linux(to)) {
                // Linux reports a finished non-blocking connect as success on the next call;
                // Windows says the socket is connected.
                Ok(()) if state.connecting => {
                    state.connecting = false;
                    state.connected = true;
                    return Err(w::WSAEISCONN);
                }
                Ok(()) => {
                    state.bound = true;
                    state.connected = true;
                    state.connect_outcome = Some(0);
                    return Ok(());
                }
                Err(libc::EINPROGRESS) => {
                    state.bound = true;
                    state.connecting = true;
                    state.connect_outcome = None;
                    state.connect_failed = false;
                    state.connect_error = 0;
                    if nonblocking {
                        return Err(w::WSAEWOULDBLOCK);
                    }
                }
                Err(libc::EISCONN) => {
                    state.connecting = false;
                    state.connected = true;
                    return Err(w::WSAEISCONN);
                }
                Err(libc::EALREADY) => return Err(w::WSAEALREADY),
                Err(e) => {
                    state.connecting = false;
                    return Err(wsa(e));
                }
            }
        }
        // Blocking: wait for the handshake's outcome.
        self.wait(sys::POLLOUT, 0)?;
        let error = sys::getsockopt_int(&self.fd, libc::SOL_SOCKET, libc::SO_ERROR).map_err(wsa)?;
        let mut state = self.state();
        state.connecting = false;
        if error == 0 {
            state.connected = true;
            Ok(())
        } else {
            Err(wsa(error))
        }
    }

    fn connect_datagram(&self, to: &SocketAddr) -> WsaResult<()> {
        let mut state = self.state();
        if to.ip().is_unspecified() && to.port() == 0 {
            // Microsoft: an all-zero address disconnects a connectionless socket.
            match sys::disconnect(&self.fd) {
                Ok(()) | Err(libc::EAFNOSUPPORT) => {}
                Err(e) => return Err(wsa(e)),
            }
            state.connected = false;
            return Ok(());
        }
        sys::connect(&self.fd, &addr::to_linux(to)).map_err(wsa)?;
        state.bound = true;
        state.connected = true;
        Ok(())
    }

    /// Settles a non-blocking connect that poll reported as finished: `Some(true)` connected,
    /// `Some(false)` failed (the error kept for SO_ERROR), `None` still in progress.
    pub fn settle_connect(&self, revents: i16) -> Option<bool> {
        let mut state = self.state();
        if !state.connecting {
            return None;
        }
        if revents & (sys::POLLOUT | sys::POLLERR | sys::POLLHUP) == 0 {
            return None;
        }
        let error = sys::getsockopt_int(&self.fd, libc::SOL_SOCKET, libc::SO_ERROR).unwrap_or(0);
        state.connecting = false;
        if error == 0 {
            state.connected = true;
            state.connect_outcome = Some(0);
            Some(true)
        } else {
            state.connect_failed = true;
            state.connect_error = wsa(error);
            state.connect_outcome = Some(wsa(error));
            Some(false)
        }
    }

    // -----------------------------------------------------------------------------------------
    // Data
    // -----------------------------------------------------------------------------------------

    /// WSPSend/WSPSendTo (non-overlapped). `flags` are Windows `MSG_*`; `to` is used by
    /// unconnected datagram sockets only (ignored on stream and connected datagram sockets, as
    /// documented). `sendto` (WSPSendTo) decides the error of a datagram send without any
    /// destination: `WSAEDESTADDRREQ` for WSPSendTo, `WSAENOTCONN` for WSPSend. A blocking stream
    /// send returns when everything was sent.
    pub fn send(
        &self,
        bufs: &[IoSlice<'_>],
        flags: i32,
        to: Option<&SocketAddr>,
        sendto: bool,
    ) -> WsaResult<usize> {
        self.send_mode(bufs, flags, to, sendto, self.is_nonblocking())
    }

    /// [`Socket::send`] with the blocking mode given (overlapped sends never block: a stream
    /// send returns what fit, `WSAEWOULDBLOCK` when nothing did).
    pub fn send_mode(
        &self,
        bufs: &[IoSlice<'_>],
        flags: i32,
        to: Option<&SocketAddr>,
        sendto: bool,
        nonblocking: bool,
    ) -> WsaResult<usize> {
        let mut linux_flags = 0;
        if flags & !(w::MSG_OOB | w::MSG_DONTROUTE) != 0 {
            return Err(w::WSAEOPNOTSUPP);
        }
        if flags & w::MSG_OOB != 0 {
            if self.kind == Kind::Datagram {
                return Err(w::WSAEOPNOTSUPP);
            }
            linux_flags |= libc::MSG_OOB;
        }
        if flags & w::MSG_DONTROUTE != 0 {
            linux_flags |= libc::MSG_DONTROUTE;
        }
        let (send_shut, connected) = {
            let s = self.state();
            (s.send_shut, s.connected)
        };
        if send_shut {
            return Err(w::WSAESHUTDOWN);
        }
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        match self.kind {
            Kind::Datagram => {
                let dest = if connected { None } else { to };
                if let Some(dest) = dest {
                    self.check_family(dest, w::WSAEAFNOSUPPORT)?;
                    if dest.ip().is_unspecified() || dest.port() == 0 {
                        return Err(w::WSAEADDRNOTAVAIL);
                    }
                } else if !connected {
                    return Err(if sendto {
                        w::WSAEDESTADDRREQ
                    } else {
                        w::WSAENOTCONN
                    });
                }
                let raw = dest.map(addr::to_linux);
                loop {
                    match sys::send(&self.fd, bufs, linux_flags, raw.as_ref()) {
                        Ok(n) => {
                            self.state().bound = true;
                            return Ok(n);
                        }
                        Err(libc::EAGAIN) if nonblocking => return Err(w::WSAEWOULDBLOCK),
                        Err(libc::EAGAIN) => {
                            self.wait(sys::POLLOUT, self.timeouts().1)?;
                        }
                        Err(e) => return Err(self.send_error(e)),
                    }
                }
            }
            Kind::Stream => {
                if total == 0 {
                    // A zero-length send still reaches the kernel once, for its errors.
                    return sys::send(&self.fd, bufs, linux_flags, None)
                        .map_err(|e| self.send_error(e));
                }
                let mut storage: Vec<IoSlice<'_>> = bufs.to_vec();
                let mut rest: &mut [IoSlice<'_>] = &mut storage;
                let mut sent = 0;
                while sent < total {
                    match sys::send(&self.fd, rest, linux_flags, None) {
                        Ok(n) => {
                            sent += n;
                            IoSlice::advance_slices(&mut rest, n);
                        }
                        Err(libc::EAGAIN) if nonblocking => {
                            return if sent > 0 {
                                Ok(sent)
                            } else {
                                Err(w::WSAEWOULDBLOCK)
                            };
                        }
                        Err(libc::EAGAIN) => {
                            self.wait(sys::POLLOUT, self.timeouts().1)?;
                        }
                        Err(e) => return Err(self.send_error(e)),
                    }
                }
                Ok(sent)
            }
        }
    }

    /// The Windows code of a failed send: EPIPE is `WSAESHUTDOWN` after SD_SEND, `WSAENOTCONN`
    /// on a never-connected TCP socket, else `WSAECONNRESET` (the table's answer).
    fn send_error(&self, errno: i32) -> i32 {
        if errno == libc::EPIPE {
            let state = self.state();
            if state.send_shut {
                return w::WSAESHUTDOWN;
            }
            if self.kind == Kind::Stream && !state.connected {
                return w::WSAENOTCONN;
            }
            if state.conn_error != 0 {
                return state.conn_error;
            }
        }
        wsa(errno)
    }

    /// WSPRecv/WSPRecvFrom (non-overlapped). Returns the byte count, whether a datagram was
    /// truncated (the caller reports `WSAEMSGSIZE` with the data) and the sender. Flags:
    /// `MSG_PEEK`, `MSG_OOB` (stream only), `MSG_WAITALL` (blocking stream only),
    /// `MSG_PUSH_IMMEDIATE` (ignored); `MSG_PARTIAL` and anything else are `WSAEOPNOTSUPP` (these
    /// UDP entries lack XP1_PARTIAL_MESSAGE).
    pub fn recv(&self, bufs: &mut [IoSliceMut<'_>], flags: i32) -> WsaResult<Received> {
        self.recv_mode(bufs, flags, self.is_nonblocking())
    }

    /// [`Socket::recv`] with the blocking mode given (overlapped receives never block).
    pub fn recv_mode(
        &self,
        bufs: &mut [IoSliceMut<'_>],
        flags: i32,
        nonblocking: bool,
    ) -> WsaResult<Received> {
        let allowed = w::MSG_PEEK | w::MSG_OOB | w::MSG_WAITALL | w::MSG_PUSH_IMMEDIATE;
        if flags & !allowed != 0 {
            return Err(w::WSAEOPNOTSUPP);
        }
        let oob = flags & w::MSG_OOB != 0;
        let waitall = flags & w::MSG_WAITALL != 0;
        if self.kind == Kind::Datagram && (oob || waitall) {
            return Err(w::WSAEOPNOTSUPP);
        }
        if waitall && (nonblocking || oob || flags & w::MSG_PEEK != 0) {
            return Err(w::WSAEOPNOTSUPP);
        }
        let mut linux_flags = 0;
        if flags & w::MSG_PEEK != 0 {
            linux_flags |= libc::MSG_PEEK;
        }
        if oob {
            linux_flags |= libc::MSG_OOB;
        }
        {
            let state = self.state();
            if state.recv_shut {
                return Err(w::WSAESHUTDOWN);
            }
            if self.kind == Kind::Datagram && !state.bound {
                return Err(w::WSAEINVAL);
            }
        }
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let mut rest: &mut [IoSliceMut<'_>] = bufs;
        let mut got = 0;
        loop {
            match sys::recv(&self.fd, rest, linux_flags) {
                Ok(r) if r.bytes == 0 && total > 0 && self.kind == Kind::Stream => {
                    // End of stream, or a reset whose error the reactor already took.
                    let error = self.state().conn_error;
                    if error != 0 && got == 0 {
                        return Err(error);
                    }
                    return Ok(Received {
                        bytes: got,
                        truncated: false,
                        from: None,
                    });
                }
                Ok(r) => {
                    got += r.bytes;
                    if waitall && r.bytes > 0 && got < total {
                        IoSliceMut::advance_slices(&mut rest, r.bytes);
                        continue;
                    }
                    let from = addr::from_linux(&r.from);
                    return Ok(Received {
                        bytes: got,
                        truncated: self.kind == Kind::Datagram && r.flags & libc::MSG_TRUNC != 0,
                        from,
                    });
                }
                // Nothing to read yet. For MSG_OOB, Linux says EINVAL when no urgent data is
                // signalled at all; Windows waits (or would block) as for normal data.
                Err(e) if e == libc::EAGAIN || (oob && e == libc::EINVAL) => {
                    if nonblocking {
                        return Err(w::WSAEWOULDBLOCK);
                    }
                    let events = if oob { sys::POLLPRI } else { sys::POLLIN };
                    self.wait(events, self.timeouts().0)?;
                }
                Err(libc::ECONNREFUSED) if self.kind == Kind::Datagram => {
                    return Err(w::WSAECONNRESET)
                }
                Err(e) => {
                    let error = wsa(e);
                    if self.kind == Kind::Stream && Self::is_connection_error(error) {
                        self.state().conn_error = error;
                    }
                    return Err(error);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // shutdown, names, close
    // -----------------------------------------------------------------------------------------

    /// WSPShutdown: `SD_RECEIVE`, `SD_SEND`, `SD_BOTH`, else `WSAEINVAL`. A TCP socket that is not
    /// connected is `WSAENOTCONN`; UDP sockets may be shut down unconnected (as on Windows).
    pub fn shutdown(&self, how: i32) -> WsaResult<()> {
        let linux = match how {
            w::SD_RECEIVE => libc::SHUT_RD,
            w::SD_SEND => libc::SHUT_WR,
            w::SD_BOTH => libc::SHUT_RDWR,
            _ => return Err(w::WSAEINVAL),
        };
        let mut state = self.state();
        if self.kind == Kind::Stream && (state.listening || !state.connected) {
            return Err(w::WSAENOTCONN);
        }
        match sys::shutdown(&self.fd, linux) {
            Ok(()) => {}
            // Linux applies the shutdown to an unconnected UDP socket but reports ENOTCONN.
            Err(libc::ENOTCONN) if self.kind == Kind::Datagram => {}
            Err(e) => return Err(wsa(e)),
        }
        if how != w::SD_SEND {
            state.recv_shut = true;
        }
        if how != w::SD_RECEIVE {
            state.send_shut = true;
        }
        Ok(())
    }

    /// WSPGetSockName: `WSAEINVAL` before the socket is bound.
    pub fn local_address(&self) -> WsaResult<SocketAddr> {
        if !self.state().bound {
            return Err(w::WSAEINVAL);
        }
        let raw = sys::sockname(&self.fd).map_err(wsa)?;
        addr::from_linux(&raw).ok_or(w::WSAEINVAL)
    }

    /// WSPGetPeerName: `WSAENOTCONN` when not connected.
    pub fn peer_address(&self) -> WsaResult<SocketAddr> {
        let raw = sys::peername(&self.fd).map_err(wsa)?;
        addr::from_linux(&raw).ok_or(w::WSAENOTCONN)
    }

    /// The part of WSPCloseSocket that may refuse: a non-blocking socket with a non-zero
    /// SO_LINGER timeout and unsent data cannot close at once (`WSAEWOULDBLOCK`).
    pub fn check_close(&self) -> WsaResult<()> {
        if self.kind != Kind::Stream || !self.is_nonblocking() {
            return Ok(());
        }
        let mut linger = [0u8; 8];
        if sys::getsockopt(&self.fd, libc::SOL_SOCKET, libc::SO_LINGER, &mut linger).is_err() {
            return Ok(());
        }
        let on = i32::from_ne_bytes([linger[0], linger[1], linger[2], linger[3]]);
        let seconds = i32::from_ne_bytes([linger[4], linger[5], linger[6], linger[7]]);
        if on != 0 && seconds > 0 && sys::ioctl_int(&self.fd, libc::TIOCOUTQ).unwrap_or(0) > 0 {
            return Err(w::WSAEWOULDBLOCK);
        }
        Ok(())
    }

    /// WSPCloseSocket after the handle was forgotten: wakes blocked callers (they return
    /// `WSAEINTR`). The descriptor closes, with the socket's SO_LINGER behaviour, when the last
    /// reference is dropped.
    pub fn mark_closed(&self) {
        self.closed.store(true, Ordering::Release);
        if self.waiters.load(Ordering::Acquire) > 0 {
            let _ = sys::shutdown(&self.fd, libc::SHUT_RDWR);
        }
    }

    // -----------------------------------------------------------------------------------------
    // ioctls
    // -----------------------------------------------------------------------------------------

    /// FIONREAD: bytes that a receive can return (for UDP: the size of the next datagram, see
    /// the divergence in lib.rs).
    pub fn readable_bytes(&self) -> WsaResult<u32> {
        if self.state().listening {
            return Err(w::WSAEINVAL);
        }
        let n = sys::ioctl_int(&self.fd, libc::FIONREAD).map_err(wsa)?;
        Ok(n.max(0) as u32)
    }

    /// SIOCATMARK: TRUE when no urgent (OOB) data waits to be read with MSG_OOB; always TRUE
    /// with SO_OOBINLINE (Microsoft's definition, not the BSD "at the mark" one).
    pub fn at_mark(&self) -> WsaResult<bool> {
        if self.kind != Kind::Stream {
            return Err(w::WSAEINVAL);
        }
        let inline =
            sys::getsockopt_int(&self.fd, libc::SOL_SOCKET, libc::SO_OOBINLINE).map_err(wsa)?;
        if inline != 0 {
            return Ok(true);
        }
        let mut byte = [0u8; 1];
        let mut bufs = [IoSliceMut::new(&mut byte)];
        Ok(sys::recv(&self.fd, &mut bufs, libc::MSG_OOB | libc::MSG_PEEK).is_err())
    }

    /// SIO_KEEPALIVE_VALS: keep-alive on/off with its idle time and interval in milliseconds
    /// (rounded up to Linux's whole seconds).
    pub fn keepalive_values(&self, on: bool, time_ms: u32, interval_ms: u32) -> WsaResult<()> {
        if self.kind != Kind::Stream {
            return Err(w::WSAEINVAL);
        }
        let secs = |ms: u32| i32::try_from(ms.div_ceil(1000).clamp(1, 32767)).unwrap_or(32767);
        if on {
            sys::setsockopt_int(
                &self.fd,
                libc::IPPROTO_TCP,
                libc::TCP_KEEPIDLE,
                secs(time_ms),
            )
            .map_err(wsa)?;
            sys::setsockopt_int(
                &self.fd,
                libc::IPPROTO_TCP,
                libc::TCP_KEEPINTVL,
                secs(interval_ms),
            )
            .map_err(wsa)?;
        }
        sys::setsockopt_int(
            &self.fd,
            libc::SOL_SOCKET,
            libc::SO_KEEPALIVE,
            i32::from(on),
        )
        .map_err(wsa)
    }
}

impl Socket {
    /// The errors that end a connection (kept in `conn_error`, reported by FD_CLOSE).
    pub fn is_connection_error(error: i32) -> bool {
        matches!(
            error,
            w::WSAECONNRESET | w::WSAECONNABORTED | w::WSAETIMEDOUT | w::WSAENETRESET
        )
    }
}

/// The parts of a socket that a duplicate shares (WSPDuplicateSocket).
#[derive(Debug)]
pub struct Duplicate {
    pub family: Family,
    pub kind: Kind,
    pub info: WSAPROTOCOL_INFOW,
    pub bound: bool,
    pub listening: bool,
    pub connected: bool,
}

/// What a receive produced.
#[derive(Debug)]
pub struct Received {
    pub bytes: usize,
    /// A datagram longer than the buffers: the buffers hold its start, the rest is lost.
    pub truncated: bool,
    pub from: Option<SocketAddr>,
}

// ---------------------------------------------------------------------------------------------
// select
// ---------------------------------------------------------------------------------------------

/// The members of the three sets that are ready.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ready {
    pub read: Vec<usize>,
    pub write: Vec<usize>,
    pub except: Vec<usize>,
}

impl Ready {
    pub fn count(&self) -> usize {
        self.read.len() + self.write.len() + self.except.len()
    }
}

/// WSPSelect on handle lists. Windows readiness: readable = data, a connection to accept, or the
/// connection closed/reset; writable = a non-blocking connect succeeded or data can be sent;
/// except = a non-blocking connect failed or OOB data is waiting. A TCP socket that is neither
/// listening nor connected(ing) is never ready (Linux would report it writable and hung up).
/// Handles this provider does not know are polled as descriptors; one that is not open is
/// `WSAENOTSOCK`. All sets empty: `WSAEINVAL`. `timeout` `None` waits forever.
pub fn select(
    read: &[usize],
    write: &[usize],
    except: &[usize],
    timeout: Option<Duration>,
) -> WsaResult<Ready> {
    if read.is_empty() && write.is_empty() && except.is_empty() {
        return Err(w::WSAEINVAL);
    }
    struct Entry {
        handle: usize,
        socket: Option<Arc<Socket>>,
        set: usize,
    }
    let mut entries = Vec::new();
    let mut fds = Vec::new();
    let mut preready = false;
    for (set, handles) in [read, write, except].into_iter().enumerate() {
        for &handle in handles {
            let socket = lookup(handle).ok();
            let fd = match &socket {
                Some(s) => s.raw_fd(),
                None => i32::try_from(handle).map_err(|_| w::WSAENOTSOCK)?,
            };
            if set == 0 {
                if let Some(s) = &socket {
                    preready |= !s.state().deferred.is_empty();
                }
            }
            let events = [sys::POLLIN, sys::POLLOUT, sys::POLLPRI][set];
            fds.push(PollFd {
                fd,
                events,
                revents: 0,
            });
            entries.push(Entry {
                handle,
                socket,
                set,
            });
        }
    }
    let deadline = if preready {
        Some(Instant::now())
    } else {
        timeout.map(|t| Instant::now() + t)
    };
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        sys::poll(&mut fds, left).map_err(wsa)?;
        if fds.iter().any(|p| p.revents & sys::POLLNVAL != 0) {
            return Err(w::WSAENOTSOCK);
        }
        let mut ready = Ready::default();
        for (entry, p) in entries.iter().zip(fds.iter_mut()) {
            let revents = p.revents;
            let is_ready = match &entry.socket {
                None => revents != 0,
                Some(s) => {
                    s.settle_connect(revents);
                    let state = s.state();
                    let idle_stream = s.kind == Kind::Stream
                        && !state.listening
                        && !state.connected
                        && !state.connecting;
                    match entry.set {
                        0 if state.listening => {
                            !state.deferred.is_empty() || revents & sys::POLLIN != 0
                        }
                        0 => {
                            !idle_stream
                                && !state.connecting
                                && revents & (sys::POLLIN | sys::POLLHUP | sys::POLLERR) != 0
                        }
                        1 => {
                            !idle_stream
                                && !state.connecting
                                && !state.listening
                                && revents & sys::POLLOUT != 0
                        }
                        _ => state.connect_failed || revents & sys::POLLPRI != 0,
                    }
                }
            };
            if is_ready {
                [&mut ready.read, &mut ready.write, &mut ready.except][entry.set]
                    .push(entry.handle);
            } else if revents != 0 {
                // Poll reported a condition Windows does not count here (a fresh TCP socket is
                // "hung up" for Linux, an error for a set that ignores it); poll(2) would report
                // it again at once, so this entry sits out the rest of the call.
                p.fd = -1;
            }
        }
        if ready.count() > 0 || deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(ready);
        }
    }
}
