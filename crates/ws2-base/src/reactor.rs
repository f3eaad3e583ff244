//! The readiness reactor: one thread and one epoll instance for every socket that has a
//! network-event selection or a pending overlapped request.
//!
//! Descriptors are registered edge-triggered (in, out, priority, read hang-up) with their
//! handle as the token. On each edge the reactor runs the socket's pending overlapped requests
//! (overlapped.rs) and re-evaluates its network events (events.rs); both look at the socket's
//! current state, so an edge is only a hint and a spurious one is harmless. A request or
//! selection is registered *before* its first attempt under the socket's `io` lock, which the
//! reactor also takes, so readiness that arrives in between is never lost.
//!
//! The thread starts with the first registration and is stopped and joined by the last
//! WSPCleanup (no thread is left behind; a later WSPStartup starts a new one on demand).
#![forbid(unsafe_code)]

use crate::events::Io;
use crate::socket::{self, wsa, Socket, WsaResult};
use crate::sys;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// The reactor thread's name (visible in /proc/<pid>/task/*/comm).
pub const THREAD_NAME: &str = "ws2base-reactor";

/// The doorbell's token (never a socket handle).
const BELL: u64 = u64::MAX;

struct Reactor {
    epoll: Arc<OwnedFd>,
    bell: Arc<OwnedFd>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

static REACTOR: Mutex<Option<Reactor>> = Mutex::new(None);

fn reactor() -> MutexGuard<'static, Option<Reactor>> {
    REACTOR.lock().unwrap_or_else(|p| p.into_inner())
}

fn start() -> WsaResult<Reactor> {
    let epoll = Arc::new(sys::epoll_create().map_err(wsa)?);
    let bell = Arc::new(sys::eventfd().map_err(wsa)?);
    sys::epoll_add(
        &epoll,
        std::os::fd::AsRawFd::as_raw_fd(&*bell),
        libc::EPOLLIN as u32,
        BELL,
    )
    .map_err(wsa)?;
    let stop = Arc::new(AtomicBool::new(false));
    let (e, b, s) = (epoll.clone(), bell.clone(), stop.clone());
    let (ready, running) = std::sync::mpsc::sync_channel(0);
    let thread = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || {
            let _ = ready.send(());
            run(&e, &b, &s)
        })
        .map_err(|_| ws2_abi::WSAENOBUFS)?;
    // Returns once the thread runs (named), so that it is observable as soon as it exists.
    let _ = running.recv();
    Ok(Reactor {
        epoll,
        bell,
        stop,
        thread,
    })
}

fn run(epoll: &OwnedFd, bell: &OwnedFd, stop: &AtomicBool) {
    let mut tokens = Vec::new();
    loop {
        if sys::epoll_wait(epoll, &mut tokens).is_err() {
            return;
        }
        for &token in &tokens {
            if token == BELL {
                sys::eventfd_drain(bell);
                continue;
            }
            if let Ok(socket) = socket::lookup(token as usize) {
                // A panic in one socket's processing must not stop the others' notifications.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    crate::overlapped::on_ready(&socket)
                }));
            }
        }
        if stop.load(Ordering::Acquire) {
            return;
        }
    }
}

/// Registers `socket` with the reactor (starting it if needed) unless it already is.
pub fn ensure(socket: &Socket, io: &mut Io) -> WsaResult<()> {
    if io.registered {
        return Ok(());
    }
    let mut r = reactor();
    if r.is_none() {
        *r = Some(start()?);
    }
    let epoll = &r.as_ref().expect("started").epoll;
    sys::epoll_add(
        epoll,
        socket.raw_fd(),
        sys::EPOLL_SOCKET_EVENTS,
        socket.handle() as u64,
    )
    .map_err(wsa)?;
    io.registered = true;
    Ok(())
}

/// Forgets `socket`'s descriptor (closesocket, or before its descriptor is replaced).
pub fn forget(socket: &Socket, io: &mut Io) {
    if !io.registered {
        return;
    }
    io.registered = false;
    if let Some(r) = reactor().as_ref() {
        let _ = sys::epoll_del(&r.epoll, socket.raw_fd());
    }
}

/// Stops the reactor thread and waits for it (the last WSPCleanup).
pub fn stop() {
    let Some(r) = reactor().take() else {
        return;
    };
    r.stop.store(true, Ordering::Release);
    sys::eventfd_ring(&r.bell);
    if r.thread.thread().id() != std::thread::current().id() {
        let _ = r.thread.join();
    }
}

/// Whether the reactor thread is running (tests).
pub fn running() -> bool {
    reactor().is_some()
}
