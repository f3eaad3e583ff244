//! Network-event notification: WSPAsyncSelect, WSPEventSelect, WSPEnumNetworkEvents.
//!
//! Windows contract (spec §7): a selection (window + message, or event object) and a mask per
//! socket; a new selection replaces the old one and clears the record; the socket becomes
//! non-blocking and `FIONBIO` back to blocking is `WSAEINVAL` while a selection is active. An
//! event is reported once, then not again until its re-enabling call: FD_READ and FD_OOB by a
//! receive, FD_ACCEPT by an accept, FD_WRITE only after a send failed with `WSAEWOULDBLOCK` (and
//! once after connect/accept), FD_CONNECT and FD_CLOSE once. FD_READ, FD_OOB and FD_ACCEPT are
//! level-triggered: a condition that still holds after the re-enabling call is reported again
//! (read 50 of 100 bytes → another FD_READ), and conditions that hold when the selection is made
//! are reported at once. FD_CONNECT comes before FD_WRITE; FD_CLOSE carries the error of a reset
//! (`WSAECONNRESET`), is reported for a graceful close only once all data has been read, and never
//! for a local close. Async select posts one message per event through WPUPostMessage with
//! `WSAMAKESELECTREPLY(event, error)`; event select records the event and its error and sets the
//! event object with WPUSetEvent; WSPEnumNetworkEvents copies and clears the record and resets the
//! event atomically (both happen under the socket's `io` lock, which the recording side holds
//! while it sets the event).
//!
//! Emulation: every check is [`evaluate`], which looks at the socket's current readiness (a
//! zero-timeout poll, FIONREAD, SO_ERROR) and reports each selected, enabled event whose
//! condition holds. It runs when a selection is made, after each re-enabling call, and on every
//! readiness edge the reactor sees (reactor.rs), so level-triggered events are re-checked exactly
//! when Windows re-checks them, and no thread per socket is needed.
#![forbid(unsafe_code)]

use crate::host;
use crate::overlapped::Op;
use crate::socket::{Kind, Socket};
use crate::sys::{self, PollFd};
use std::collections::VecDeque;
use std::time::Duration;
use ws2_abi as w;

/// Where notifications go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// WSPAsyncSelect: `WPUPostMessage(hwnd, msg, socket, WSAMAKESELECTREPLY(event, error))`.
    Window { hwnd: usize, msg: u32 },
    /// WSPEventSelect: the record, and `WPUSetEvent(event)`.
    Event(usize),
}

/// A socket's asynchronous state (guarded by `Socket::io`).
#[derive(Debug, Default)]
pub struct Io {
    pub target: Option<Target>,
    pub mask: i32,
    /// Events that may be reported now; cleared when reported, set by the re-enabling call.
    /// FD_WRITE uses `write_armed` instead.
    pub enabled: i32,
    /// FD_WRITE may be reported: after a connect or accept, or after a send would have blocked.
    pub write_armed: bool,
    /// A connect was started (WSPConnect that did not fail at once): FD_CONNECT is due when its
    /// outcome is known.
    pub connect_watch: bool,
    /// WSPEventSelect's record: reported events and their errors.
    pub record: i32,
    pub errors: [i32; w::FD_MAX_EVENTS],
    /// The descriptor is registered with the reactor.
    pub registered: bool,
    /// Pending overlapped requests, in issue order: receives (and AcceptEx) and sends (and
    /// ConnectEx).
    pub reads: VecDeque<Op>,
    pub writes: VecDeque<Op>,
}

/// Order in which events found together are reported (FD_CONNECT before FD_WRITE).
const ORDER: [i32; 6] = [
    w::FD_CONNECT,
    w::FD_ACCEPT,
    w::FD_READ,
    w::FD_OOB,
    w::FD_WRITE,
    w::FD_CLOSE,
];

fn bit(event: i32) -> usize {
    event.trailing_zeros() as usize
}

/// The selected events whose conditions hold now, each with its error, among `wanted`.
fn conditions(socket: &Socket, wanted: i32) -> Vec<(i32, i32)> {
    let mut fds = [PollFd {
        fd: socket.raw_fd(),
        events: sys::POLLIN | sys::POLLOUT | sys::POLLPRI | libc::POLLRDHUP,
        revents: 0,
    }];
    if sys::poll(&mut fds, Some(Duration::ZERO)).is_err() {
        return Vec::new();
    }
    let revents = fds[0].revents;
    socket.settle_connect(revents);
    let mut state = socket.state();
    let mut found = Vec::new();
    let want = |e: i32| wanted & e != 0;
    if want(w::FD_CONNECT) {
        if let Some(outcome) = state.connect_outcome {
            found.push((w::FD_CONNECT, outcome));
        }
    }
    if state.listening {
        if want(w::FD_ACCEPT) && (revents & sys::POLLIN != 0 || !state.deferred.is_empty()) {
            found.push((w::FD_ACCEPT, 0));
        }
        return found;
    }
    match socket.kind {
        Kind::Datagram => {
            if want(w::FD_READ) && state.bound && revents & sys::POLLIN != 0 {
                found.push((w::FD_READ, 0));
            }
            if want(w::FD_WRITE) && revents & sys::POLLOUT != 0 {
                found.push((w::FD_WRITE, 0));
            }
        }
        Kind::Stream => {
            if !state.connected {
                return found;
            }
            let unread = sys::ioctl_int(socket.fd(), libc::FIONREAD).unwrap_or(0);
            if want(w::FD_READ) && unread > 0 {
                found.push((w::FD_READ, 0));
            }
            if want(w::FD_OOB) && revents & sys::POLLPRI != 0 {
                let inline = sys::getsockopt_int(socket.fd(), libc::SOL_SOCKET, libc::SO_OOBINLINE);
                if inline == Ok(0) {
                    found.push((w::FD_OOB, 0));
                }
            }
            if want(w::FD_WRITE) && revents & sys::POLLOUT != 0 && !state.send_shut {
                found.push((w::FD_WRITE, 0));
            }
            if want(w::FD_CLOSE) {
                if revents & sys::POLLERR != 0 && state.conn_error == 0 {
                    // Linux reports a connection's error once; keep it for later receives.
                    let e = sys::getsockopt_int(socket.fd(), libc::SOL_SOCKET, libc::SO_ERROR)
                        .unwrap_or(0);
                    if e != 0 {
                        state.conn_error = crate::socket::wsa(e);
                    }
                }
                let hung_up = revents & (libc::POLLRDHUP | sys::POLLHUP) != 0;
                if state.conn_error != 0 {
                    found.push((w::FD_CLOSE, state.conn_error));
                } else if hung_up && unread == 0 && !state.recv_shut {
                    found.push((w::FD_CLOSE, 0));
                }
            }
        }
    }
    found
}

/// Reports every selected, enabled event whose condition holds (see the module comment).
/// Notifications are posted or recorded while the caller holds the `io` lock.
pub fn evaluate(socket: &Socket, io: &mut Io) {
    let Some(target) = io.target else {
        return;
    };
    // A successful FD_CONNECT arms FD_WRITE, reported after it in a second round.
    for _ in 0..2 {
        let mut wanted = io.mask & io.enabled & !w::FD_WRITE & !w::FD_CONNECT;
        if io.write_armed {
            wanted |= io.mask & w::FD_WRITE;
        }
        if io.connect_watch {
            wanted |= io.mask & w::FD_CONNECT;
        }
        if wanted == 0 {
            return;
        }
        let found = conditions(socket, wanted);
        let mut connected = false;
        for event in ORDER {
            let Some(&(_, error)) = found.iter().find(|(e, _)| *e == event) else {
                continue;
            };
            match event {
                w::FD_WRITE => io.write_armed = false,
                w::FD_CONNECT => {
                    io.connect_watch = false;
                    connected = error == 0 && !io.write_armed;
                    io.write_armed |= error == 0;
                }
                _ => io.enabled &= !event,
            }
            notify(socket, io, target, event, error);
        }
        if !connected {
            return;
        }
    }
}

fn notify(socket: &Socket, io: &mut Io, target: Target, event: i32, error: i32) {
    match target {
        Target::Window { hwnd, msg } => {
            let lparam = w::WSAMAKESELECTREPLY(event, error) as u32 as isize;
            host::post_message(hwnd, msg, socket.handle(), lparam);
        }
        Target::Event(handle) => {
            io.record |= event;
            io.errors[bit(event)] = error;
            host::set_event(handle);
        }
    }
}

/// WSPAsyncSelect / WSPEventSelect: replaces the selection (and clears the record), makes the
/// socket non-blocking, and reports the conditions that already hold. `mask` 0 cancels.
pub fn select(socket: &Socket, target: Option<Target>, mask: i32) -> crate::socket::WsaResult<()> {
    socket.set_nonblocking(true);
    let mut io = socket.io();
    io.record = 0;
    io.errors = [0; w::FD_MAX_EVENTS];
    if mask == 0 || target.is_none() {
        io.target = None;
        io.mask = 0;
        return Ok(());
    }
    crate::reactor::ensure(socket, &mut io)?;
    io.target = target;
    io.mask = mask;
    io.enabled = w::FD_ALL_EVENTS;
    io.write_armed = true;
    evaluate(socket, &mut io);
    Ok(())
}

/// Whether a selection is active (FIONBIO to blocking is refused then).
pub fn selected(socket: &Socket) -> bool {
    socket.io().target.is_some()
}

/// The re-enabling call for `events` happened (a receive: FD_READ|FD_OOB; an accept: FD_ACCEPT).
pub fn reenable(socket: &Socket, events: i32) {
    let mut io = socket.io();
    if io.target.is_none() {
        return;
    }
    io.enabled |= events;
    evaluate(socket, &mut io);
}

/// A send failed with WSAEWOULDBLOCK: FD_WRITE is due when space becomes available.
pub fn send_blocked(socket: &Socket) {
    let mut io = socket.io();
    if io.target.is_none() {
        return;
    }
    io.write_armed = true;
    evaluate(socket, &mut io);
}

/// A connect is about to start: FD_CONNECT becomes due (before the connect, so that the reactor
/// never sees the connection without knowing that FD_CONNECT must precede FD_WRITE).
pub fn connect_starting(socket: &Socket) {
    let mut io = socket.io();
    io.connect_watch = true;
    socket.state().connect_outcome = None;
}

/// The connect's call returned: it failed at once (`started` false: no FD_CONNECT, as on
/// Windows) or succeeded/is in progress (FD_CONNECT when its outcome is known).
pub fn connect_returned(socket: &Socket, started: bool) {
    let mut io = socket.io();
    if !started {
        io.connect_watch = false;
    }
    if io.target.is_some() {
        evaluate(socket, &mut io);
    }
}

/// An accepted socket inherits the listener's selection (with a fresh record and FD_WRITE due).
pub fn inherit(listener: &Socket, accepted: &Socket) -> crate::socket::WsaResult<()> {
    let (target, mask) = {
        let io = listener.io();
        (io.target, io.mask)
    };
    if target.is_some() {
        select(accepted, target, mask)?;
    }
    Ok(())
}

/// WSPEnumNetworkEvents: the record (events, errors) copied and cleared, and `event` (if not 0)
/// reset, atomically with respect to new recordings.
pub fn enumerate(socket: &Socket, event: usize) -> crate::socket::WsaResult<(i32, [i32; 10])> {
    let mut io = socket.io();
    host::reset_event(event)?;
    let record = (io.record, io.errors);
    io.record = 0;
    io.errors = [0; w::FD_MAX_EVENTS];
    Ok(record)
}
