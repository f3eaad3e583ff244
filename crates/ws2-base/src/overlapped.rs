//! Overlapped requests: WSPSend/WSPSendTo/WSPRecv/WSPRecvFrom with an overlapped structure,
//! AcceptEx and ConnectEx, and their completion.
//!
//! Windows contract (spec §6): a request that completes at once returns success with its byte
//! count and is *still* announced (event, completion-port packet or completion routine); one
//! that cannot returns `WSA_IO_PENDING` and is announced later; any other error means nothing
//! was started and nothing will be announced. Requests on one socket are served in issue order
//! per direction (buffers are filled in posting order). Closing the socket completes every
//! pending request with `WSA_OPERATION_ABORTED`.
//!
//! Emulation: a request is an [`Op`] holding the caller's buffer addresses (the caller keeps
//! them valid until completion, as the contract says) and a copy of its WSABUF array and thread
//! identity (both transient). It is attempted at once with a non-blocking syscall; if it would
//! block it waits in the socket's queue, and the reactor retries the queue's head on each
//! readiness edge. Completions are delivered by host.rs, outside the socket's lock.
//!
//! `unsafe` here: reading and writing the application's buffers through the stored addresses.
#![allow(unsafe_code)]

use crate::addr::{self, Family};
use crate::events;
use crate::host::{self, Completion, Notify};
use crate::reactor;
use crate::socket::{Kind, Socket, WsaResult};
use crate::sys::{self, PollFd};
use std::collections::VecDeque;
use std::io::{IoSlice, IoSliceMut};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use ws2_abi as w;

/// A pending overlapped request.
#[derive(Debug)]
pub struct Op {
    /// The socket to complete on (AcceptEx completes on the listening socket).
    pub handle: usize,
    pub overlapped: usize,
    pub notify: Notify,
    pub work: Work,
}

/// What a request does. Buffers are (address, length) pairs of the application's memory.
#[derive(Debug)]
pub enum Work {
    Recv {
        bufs: Vec<(usize, usize)>,
        flags: i32,
        /// WSPRecvFrom's `lpFrom` and `lpFromlen`.
        from: Option<(usize, usize)>,
    },
    Send {
        bufs: Vec<(usize, usize)>,
        flags: i32,
        to: Option<SocketAddr>,
        sendto: bool,
        done: usize,
    },
    /// AcceptEx on the listening socket.
    Accept {
        accept: Arc<Socket>,
        buffer: usize,
        recv_len: u32,
        local_len: u32,
        remote_len: u32,
    },
    /// AcceptEx's first data block, on the accepted socket.
    FirstRecv { buffer: usize, recv_len: u32 },
    /// ConnectEx after its connect started: the outcome, then the optional first block.
    Connect {
        buffer: usize,
        len: u32,
        sent: usize,
    },
}

enum Step {
    Pending,
    Done(Completion),
    Moved(Arc<Socket>, Op),
}

#[derive(Default)]
struct Outcome {
    done: Vec<Completion>,
    /// Completed within the call that issued them (the call returns success).
    synchronous: Vec<Completion>,
    moved: Vec<(Arc<Socket>, Op)>,
}

fn done(op: &Op, error: i32, bytes: usize, flags: u32) -> Step {
    Step::Done(Completion {
        handle: op.handle,
        overlapped: op.overlapped,
        notify: op.notify,
        error,
        bytes: bytes as u32,
        flags,
    })
}

/// Writes `addr` (Windows layout) to `name`/`*namelen` when it fits.
///
/// # Safety
/// `name` is writable for `*namelen` bytes and `namelen` is a valid int (checked at issue).
unsafe fn write_from(addr: &SocketAddr, name: usize, namelen: usize) {
    let size = Family::of(addr).sockaddr_len();
    let len = namelen as *mut i32;
    // SAFETY: the caller's contract.
    unsafe {
        if *len >= size as i32 {
            let bytes = addr::to_windows(addr);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), name as *mut u8, size);
            *len = size as i32;
        }
    }
}

/// One AcceptEx address area: the sockaddr's length (an int) and the sockaddr (Windows layout);
/// [`accept_ex_sockaddr`] reads it back. Areas are at least sockaddr size + 16 bytes.
///
/// # Safety
/// `area` is writable for `len` bytes.
unsafe fn write_area(area: usize, len: u32, addr: &SocketAddr) {
    let size = Family::of(addr).sockaddr_len();
    if (len as usize) < size + 4 {
        return;
    }
    let bytes = addr::to_windows(addr);
    // SAFETY: `len` ≥ size + 4 writable bytes at `area`.
    unsafe {
        std::ptr::copy_nonoverlapping((size as i32).to_ne_bytes().as_ptr(), area as *mut u8, 4);
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), (area + 4) as *mut u8, size);
    }
}

/// GetAcceptExSockaddrs' view of one area: its sockaddr's address and length.
///
/// # Safety
/// `area` is readable for 4 bytes (written by AcceptEx).
pub unsafe fn accept_ex_sockaddr(area: usize) -> (usize, i32) {
    // SAFETY: the caller's contract; unaligned read of the length.
    let len = unsafe { (area as *const i32).read_unaligned() };
    (area + 4, len)
}

fn attempt(socket: &Socket, op: &mut Op) -> Step {
    match &mut op.work {
        Work::Recv { bufs, flags, from } => {
            // SAFETY: the application's buffers, valid and not otherwise used while the
            // request is pending (contract).
            let mut slices: Vec<IoSliceMut<'_>> = bufs
                .iter()
                .map(|&(p, n)| unsafe {
                    IoSliceMut::new(std::slice::from_raw_parts_mut(p as *mut u8, n))
                })
                .collect();
            let from = *from;
            match socket.recv_mode(&mut slices, *flags, true) {
                Ok(r) => {
                    if let (Some((name, len)), Some(peer)) = (from, r.from) {
                        if socket.kind == Kind::Datagram {
                            // SAFETY: checked at issue (contract).
                            unsafe { write_from(&peer, name, len) };
                        }
                    }
                    let error = if r.truncated { w::WSAEMSGSIZE } else { 0 };
                    done(op, error, r.bytes, 0)
                }
                Err(w::WSAEWOULDBLOCK) => Step::Pending,
                Err(e) => done(op, e, 0, 0),
            }
        }
        Work::Send {
            bufs,
            flags,
            to,
            sendto,
            done: sent,
        } => {
            let total: usize = bufs.iter().map(|b| b.1).sum();
            let mut skip = *sent;
            // SAFETY: the application's buffers, valid while pending (contract).
            let slices: Vec<IoSlice<'_>> = bufs
                .iter()
                .filter_map(|&(p, n)| {
                    if skip >= n {
                        skip -= n;
                        return None;
                    }
                    let s =
                        unsafe { std::slice::from_raw_parts((p + skip) as *const u8, n - skip) };
                    skip = 0;
                    Some(IoSlice::new(s))
                })
                .collect();
            match socket.send_mode(&slices, *flags, to.as_ref(), *sendto, true) {
                Ok(n) => {
                    *sent += n;
                    if *sent >= total || socket.kind == Kind::Datagram {
                        let n = *sent;
                        done(op, 0, n, 0)
                    } else {
                        Step::Pending
                    }
                }
                Err(w::WSAEWOULDBLOCK) => Step::Pending,
                Err(e) => {
                    let n = *sent;
                    done(op, e, n, 0)
                }
            }
        }
        Work::Accept {
            accept,
            buffer,
            recv_len,
            local_len,
            remote_len,
        } => match socket.accept_mode(true) {
            Ok((accepted, peer)) => {
                {
                    let mut io = accept.io();
                    reactor::forget(accept, &mut io);
                }
                if let Err(e) = accept.adopt(accepted) {
                    return done(op, e, 0, 0);
                }
                let base = *buffer + *recv_len as usize;
                if let Ok(local) = accept.local_address() {
                    // SAFETY: the output buffer holds recv_len + local_len + remote_len bytes
                    // (AcceptEx contract).
                    unsafe { write_area(base, *local_len, &local) };
                }
                // SAFETY: as above.
                unsafe { write_area(base + *local_len as usize, *remote_len, &peer) };
                if *recv_len > 0 {
                    let next = Op {
                        handle: op.handle,
                        overlapped: op.overlapped,
                        notify: op.notify,
                        work: Work::FirstRecv {
                            buffer: *buffer,
                            recv_len: *recv_len,
                        },
                    };
                    Step::Moved(accept.clone(), next)
                } else {
                    done(op, 0, 0, 0)
                }
            }
            Err(w::WSAEWOULDBLOCK) => Step::Pending,
            Err(e) => done(op, e, 0, 0),
        },
        Work::FirstRecv { buffer, recv_len } => {
            // SAFETY: the AcceptEx output buffer, valid while pending (contract).
            let data =
                unsafe { std::slice::from_raw_parts_mut(*buffer as *mut u8, *recv_len as usize) };
            let mut slices = [IoSliceMut::new(data)];
            match socket.recv_mode(&mut slices, 0, true) {
                Ok(r) => done(op, 0, r.bytes, 0),
                Err(w::WSAEWOULDBLOCK) => Step::Pending,
                Err(e) => done(op, e, 0, 0),
            }
        }
        Work::Connect { buffer, len, sent } => {
            let connecting = socket.state().connecting;
            if connecting {
                let mut fds = [PollFd {
                    fd: socket.raw_fd(),
                    events: sys::POLLOUT,
                    revents: 0,
                }];
                if sys::poll(&mut fds, Some(Duration::ZERO)).is_err() {
                    return Step::Pending;
                }
                if socket.settle_connect(fds[0].revents).is_none() {
                    return Step::Pending;
                }
            }
            let (connected, outcome) = {
                let s = socket.state();
                (s.connected, s.connect_outcome)
            };
            if !connected {
                return done(op, outcome.unwrap_or(w::WSAENOTCONN), 0, 0);
            }
            if (*len as usize) <= *sent {
                let n = *sent;
                return done(op, 0, n, 0);
            }
            // SAFETY: ConnectEx's send buffer, valid while pending (contract).
            let data = unsafe {
                std::slice::from_raw_parts((*buffer + *sent) as *const u8, *len as usize - *sent)
            };
            match socket.send_mode(&[IoSlice::new(data)], 0, None, false, true) {
                Ok(n) => {
                    *sent += n;
                    if *sent >= *len as usize {
                        let n = *sent;
                        done(op, 0, n, 0)
                    } else {
                        Step::Pending
                    }
                }
                Err(w::WSAEWOULDBLOCK) => Step::Pending,
                Err(e) => {
                    let n = *sent;
                    done(op, e, n, 0)
                }
            }
        }
    }
}

fn run_queue(socket: &Socket, queue: &mut VecDeque<Op>, out: &mut Outcome) {
    while let Some(op) = queue.front_mut() {
        match attempt(socket, op) {
            Step::Pending => return,
            Step::Done(c) => {
                queue.pop_front();
                out.done.push(c);
            }
            Step::Moved(s, next) => {
                queue.pop_front();
                out.moved.push((s, next));
            }
        }
    }
}

fn finish(out: Outcome) {
    for c in out.synchronous {
        host::deliver_synchronous(c);
    }
    for c in out.done {
        host::deliver(c);
    }
    for (socket, op) in out.moved {
        // Its call already returned WSA_IO_PENDING: never a synchronous completion.
        if let Err(e) = enqueue_as(&socket, op, false, false) {
            // The accepted socket could not be watched: fail the request.
            let _ = e;
        }
    }
}

/// The reactor saw readiness on `socket`: run its queues, then re-evaluate its events.
pub fn on_ready(socket: &Arc<Socket>) {
    let mut out = Outcome::default();
    {
        let mut guard = socket.io();
        let io = &mut *guard;
        run_queue(socket, &mut io.reads, &mut out);
        run_queue(socket, &mut io.writes, &mut out);
        events::evaluate(socket, io);
    }
    finish(out);
}

/// Queues `op` behind the requests already pending in its direction, attempting it at once when
/// it is first. `Ok(Some((bytes, flags)))`: completed at once (and announced);
/// `Ok(None)`: pending; `Err`: failed at once, nothing will be announced.
pub fn submit(socket: &Arc<Socket>, op: Op, write: bool) -> WsaResult<Option<(u32, u32)>> {
    enqueue_as(socket, op, write, true)
}

/// `issuing`: called from the request's own call, whose immediate success is then synchronous.
fn enqueue_as(
    socket: &Arc<Socket>,
    mut op: Op,
    write: bool,
    issuing: bool,
) -> WsaResult<Option<(u32, u32)>> {
    let mut out = Outcome::default();
    let result = {
        let mut guard = socket.io();
        let io = &mut *guard;
        reactor::ensure(socket, io)?;
        let queue = if write { &mut io.writes } else { &mut io.reads };
        if !queue.is_empty() {
            queue.push_back(op);
            Ok(None)
        } else {
            match attempt(socket, &mut op) {
                Step::Pending => {
                    queue.push_back(op);
                    Ok(None)
                }
                Step::Done(c) if c.error == 0 => {
                    let r = (c.bytes, c.flags);
                    if issuing {
                        out.synchronous.push(c);
                    } else {
                        out.done.push(c);
                    }
                    Ok(Some(r))
                }
                Step::Done(c) => Err(c.error),
                Step::Moved(s, next) => {
                    out.moved.push((s, next));
                    Ok(None)
                }
            }
        }
    };
    finish(out);
    result
}

/// Announces a request that completed within its call (overlapped WSPIoctl, DisconnectEx).
pub fn complete_now(handle: usize, overlapped: usize, notify: Notify, bytes: u32) {
    host::deliver_synchronous(Completion {
        handle,
        overlapped,
        notify,
        error: 0,
        bytes,
        flags: 0,
    });
}

/// The bytes a request had transferred when it was aborted.
fn transferred(op: &Op) -> usize {
    match op.work {
        Work::Send { done, .. } | Work::Connect { sent: done, .. } => done,
        _ => 0,
    }
}

/// CancelIo/CancelIoEx: removes the pending requests of `socket` issued with `overlapped` (all
/// for 0) and, with `thread`, by that thread, under the socket's `io` lock (so each is either
/// completed by the reactor or removed here, never both), completes them with
/// `WSA_OPERATION_ABORTED` and returns how many. The requests behind them get their chance at
/// once: an edge that arrived while a cancelled request was at the head is not repeated.
pub fn cancel(
    socket: &Arc<Socket>,
    overlapped: usize,
    thread: Option<std::thread::ThreadId>,
) -> usize {
    let matches = |op: &Op| {
        (overlapped == 0 || op.overlapped == overlapped)
            && thread.is_none_or(|t| op.notify.issuer == t)
    };
    let mut out = Outcome::default();
    let cancelled: Vec<Op> = {
        let mut guard = socket.io();
        let io = &mut *guard;
        let mut taken = Vec::new();
        for queue in [&mut io.reads, &mut io.writes] {
            let (hit, kept): (VecDeque<Op>, VecDeque<Op>) =
                queue.drain(..).partition(|op| matches(op));
            *queue = kept;
            taken.extend(hit);
        }
        if !taken.is_empty() {
            run_queue(socket, &mut io.reads, &mut out);
            run_queue(socket, &mut io.writes, &mut out);
        }
        taken
    };
    let count = cancelled.len();
    for op in cancelled {
        let bytes = transferred(&op);
        host::deliver(Completion {
            handle: op.handle,
            overlapped: op.overlapped,
            notify: op.notify,
            error: w::WSA_OPERATION_ABORTED,
            bytes: bytes as u32,
            flags: 0,
        });
    }
    finish(out);
    count
}

/// closesocket: stops watching the socket, drops its selection and completes every pending
/// request with `WSA_OPERATION_ABORTED`.
pub fn abort_all(socket: &Socket) {
    let ops: Vec<Op> = {
        let mut guard = socket.io();
        let io = &mut *guard;
        reactor::forget(socket, io);
        io.target = None;
        io.mask = 0;
        io.reads.drain(..).chain(io.writes.drain(..)).collect()
    };
    for op in ops {
        let bytes = match op.work {
            Work::Send { done, .. } | Work::Connect { sent: done, .. } => done,
            _ => 0,
        };
        host::deliver(Completion {
            handle: op.handle,
            overlapped: op.overlapped,
            notify: op.notify,
            error: w::WSA_OPERATION_ABORTED,
            bytes: bytes as u32,
            flags: 0,
        });
    }
}
