//! The base provider's system calls: thin, safe wrappers over the Linux socket API.
//!
//! Every syscall the provider makes is here (the shared pieces, like the errno table, come from
//! ws2-os). Each wrapper takes Rust types, retries nothing except where noted, and returns the raw
//! `errno` on failure; the callers translate it with `ws2_os::wsa_error_from_errno` and add the
//! Windows context (see socket.rs). Socket addresses cross as [`RawAddr`], the Linux
//! `sockaddr_storage` bytes that addr.rs builds and reads.

use crate::addr::RawAddr;
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

/// A failed syscall's errno.
pub type SysResult<T> = Result<T, i32>;

fn check(ret: libc::c_int) -> SysResult<libc::c_int> {
    if ret < 0 {
        Err(ws2_os::last_errno())
    } else {
        Ok(ret)
    }
}

fn check_size(ret: libc::ssize_t) -> SysResult<usize> {
    if ret < 0 {
        Err(ws2_os::last_errno())
    } else {
        Ok(ret as usize)
    }
}

/// dlsym(RTLD_DEFAULT, name): the address of `name` in the process's global scope (the
/// executable and the libraries loaded with it or with RTLD_GLOBAL, where the symbols a C
/// provider imports resolve), or None.
pub fn global_symbol(name: &std::ffi::CStr) -> Option<usize> {
    // SAFETY: dlsym only reads the NUL-terminated name; RTLD_DEFAULT is a valid pseudo-handle.
    let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!address.is_null()).then_some(address as usize)
}

/// socket(2), always non-blocking and close-on-exec (the provider emulates blocking itself).
pub fn socket(domain: i32, kind: i32, protocol: i32) -> SysResult<OwnedFd> {
    let flags = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: socket(2) takes plain integers; a non-negative result is a new descriptor that
    // nothing else owns, so OwnedFd may take it.
    unsafe {
        let fd = check(libc::socket(domain, kind | flags, protocol))?;
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

pub fn bind(fd: &OwnedFd, addr: &RawAddr) -> SysResult<()> {
    // SAFETY: `addr.bytes` is valid for `addr.len` bytes (len ≤ its size) during the call.
    check(unsafe { libc::bind(fd.as_raw_fd(), addr.as_ptr(), addr.len) }).map(drop)
}

pub fn connect(fd: &OwnedFd, addr: &RawAddr) -> SysResult<()> {
    // SAFETY: as in `bind`.
    check(unsafe { libc::connect(fd.as_raw_fd(), addr.as_ptr(), addr.len) }).map(drop)
}

/// connect(2) with AF_UNSPEC: dissolves a datagram socket's association.
pub fn disconnect(fd: &OwnedFd) -> SysResult<()> {
    let mut addr = RawAddr::empty();
    addr.len = std::mem::size_of::<libc::sa_family_t>() as u32;
    // SAFETY: as in `bind`; the family bytes are zero (AF_UNSPEC).
    check(unsafe { libc::connect(fd.as_raw_fd(), addr.as_ptr(), addr.len) }).map(drop)
}

pub fn listen(fd: &OwnedFd, backlog: i32) -> SysResult<()> {
    // SAFETY: plain integers.
    check(unsafe { libc::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

/// accept4(2), the new descriptor non-blocking and close-on-exec; returns it and the peer.
pub fn accept(fd: &OwnedFd) -> SysResult<(OwnedFd, RawAddr)> {
    let mut peer = RawAddr::empty();
    let flags = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: `peer.bytes` is writable for `peer.len` bytes and `peer.len` is a valid socklen_t;
    // a non-negative result is a new descriptor nothing else owns.
    unsafe {
        let new = check(libc::accept4(
            fd.as_raw_fd(),
            peer.as_mut_ptr(),
            &mut peer.len,
            flags,
        ))?;
        Ok((OwnedFd::from_raw_fd(new), peer))
    }
}

pub fn sockname(fd: &OwnedFd) -> SysResult<RawAddr> {
    let mut addr = RawAddr::empty();
    // SAFETY: as in `accept`.
    check(unsafe { libc::getsockname(fd.as_raw_fd(), addr.as_mut_ptr(), &mut addr.len) })?;
    Ok(addr)
}

pub fn peername(fd: &OwnedFd) -> SysResult<RawAddr> {
    let mut addr = RawAddr::empty();
    // SAFETY: as in `accept`.
    check(unsafe { libc::getpeername(fd.as_raw_fd(), addr.as_mut_ptr(), &mut addr.len) })?;
    Ok(addr)
}

/// sendmsg(2) of a gather list, to `to` when given. Never raises SIGPIPE.
pub fn send(
    fd: &OwnedFd,
    bufs: &[IoSlice<'_>],
    flags: i32,
    to: Option<&RawAddr>,
) -> SysResult<usize> {
    // SAFETY: msghdr is plain data; zeroed is a valid value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // IoSlice is guaranteed ABI-compatible with iovec on Unix; sendmsg only reads through it.
    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = bufs.len();
    if let Some(to) = to {
        msg.msg_name = to.as_ptr() as *mut libc::c_void;
        msg.msg_namelen = to.len;
    }
    // SAFETY: every pointer in `msg` is valid for the call (the slices and `to` outlive it).
    check_size(unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, flags | libc::MSG_NOSIGNAL) })
}

/// What recvmsg(2) returned.
#[derive(Debug)]
pub struct Received {
    pub bytes: usize,
    /// `msg_flags` (MSG_TRUNC: the datagram was longer than the buffers).
    pub flags: i32,
    pub from: RawAddr,
}

/// recvmsg(2) into a scatter list.
pub fn recv(fd: &OwnedFd, bufs: &mut [IoSliceMut<'_>], flags: i32) -> SysResult<Received> {
    let mut from = RawAddr::empty();
    // SAFETY: msghdr is plain data; zeroed is a valid value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // IoSliceMut is guaranteed ABI-compatible with iovec on Unix.
    msg.msg_iov = bufs.as_mut_ptr() as *mut libc::iovec;
    msg.msg_iovlen = bufs.len();
    msg.msg_name = from.as_mut_ptr() as *mut libc::c_void;
    msg.msg_namelen = from.len;
    // SAFETY: every pointer in `msg` is valid and writable for the call.
    let bytes = check_size(unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, flags) })?;
    from.len = msg.msg_namelen;
    Ok(Received {
        bytes,
        flags: msg.msg_flags,
        from,
    })
}

pub fn shutdown(fd: &OwnedFd, how: i32) -> SysResult<()> {
    // SAFETY: plain integers.
    check(unsafe { libc::shutdown(fd.as_raw_fd(), how) }).map(drop)
}

/// getsockopt(2) into `value`; returns the length the kernel wrote.
pub fn getsockopt(fd: &OwnedFd, level: i32, name: i32, value: &mut [u8]) -> SysResult<usize> {
    let mut len = value.len() as libc::socklen_t;
    // SAFETY: `value` is writable for `len` bytes during the call.
    check(unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_mut_ptr().cast(),
            &mut len,
        )
    })?;
    Ok(len as usize)
}

pub fn setsockopt(fd: &OwnedFd, level: i32, name: i32, value: &[u8]) -> SysResult<()> {
    // SAFETY: `value` is readable for its length during the call.
    check(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value.as_ptr().cast(),
            value.len() as libc::socklen_t,
        )
    })
    .map(drop)
}

pub fn getsockopt_int(fd: &OwnedFd, level: i32, name: i32) -> SysResult<i32> {
    let mut value = [0u8; 4];
    getsockopt(fd, level, name, &mut value)?;
    Ok(i32::from_ne_bytes(value))
}

pub fn setsockopt_int(fd: &OwnedFd, level: i32, name: i32, value: i32) -> SysResult<()> {
    setsockopt(fd, level, name, &value.to_ne_bytes())
}

/// An ioctl(2) that reads one `int` (FIONREAD, SIOCOUTQ, SIOCATMARK).
pub fn ioctl_int(fd: &OwnedFd, request: libc::c_ulong) -> SysResult<i32> {
    let mut value: libc::c_int = 0;
    // SAFETY: the requests used here write one int through the pointer.
    check(unsafe { libc::ioctl(fd.as_raw_fd(), request as _, &mut value) })?;
    Ok(value)
}

/// One descriptor of a [`poll`] call.
#[derive(Clone, Copy, Debug)]
pub struct PollFd {
    pub fd: RawFd,
    pub events: i16,
    pub revents: i16,
}

pub const POLLIN: i16 = libc::POLLIN;
pub const POLLPRI: i16 = libc::POLLPRI;
pub const POLLOUT: i16 = libc::POLLOUT;
pub const POLLERR: i16 = libc::POLLERR;
pub const POLLHUP: i16 = libc::POLLHUP;
pub const POLLNVAL: i16 = libc::POLLNVAL;

/// poll(2) until something is ready or `timeout` passes (`None`: forever). Returns the number
/// of ready descriptors (0 on timeout). A signal does not end the wait (Windows calls are not
/// interrupted by signals): it resumes with the time left.
pub fn poll(fds: &mut [PollFd], timeout: Option<Duration>) -> SysResult<usize> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut raw: Vec<libc::pollfd> = fds
        .iter()
        .map(|p| libc::pollfd {
            fd: p.fd,
            events: p.events,
            revents: 0,
        })
        .collect();
    loop {
        let millis = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                // Round up so that a wait never ends before its deadline.
                i32::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX)
            }
        };
        // SAFETY: `raw` is a valid array of `len` pollfd structures for the whole call.
        let n = unsafe { libc::poll(raw.as_mut_ptr(), raw.len() as libc::nfds_t, millis) };
        if n >= 0 {
            if n == 0 && deadline.is_some_and(|d| Instant::now() < d) {
                continue;
            }
            for (p, r) in fds.iter_mut().zip(&raw) {
                p.revents = r.revents;
            }
            return Ok(n as usize);
        }
        let errno = ws2_os::last_errno();
        if errno != libc::EINTR {
            return Err(errno);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The reactor's syscalls (epoll, eventfd) and descriptor plumbing (dup3)
// ---------------------------------------------------------------------------------------------

/// epoll_create1(EPOLL_CLOEXEC).
pub fn epoll_create() -> SysResult<OwnedFd> {
    // SAFETY: a plain flag; a non-negative result is a new descriptor nothing else owns.
    unsafe {
        let fd = check(libc::epoll_create1(libc::EPOLL_CLOEXEC))?;
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

/// The readiness bits the reactor asks for, edge-triggered.
pub const EPOLL_SOCKET_EVENTS: u32 =
    (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLPRI | libc::EPOLLRDHUP | libc::EPOLLET) as u32;

/// epoll_ctl ADD (or MOD when `fd` is already registered) with `events` and `token`.
pub fn epoll_add(epoll: &OwnedFd, fd: RawFd, events: u32, token: u64) -> SysResult<()> {
    let mut ev = libc::epoll_event { events, u64: token };
    // SAFETY: `ev` is a valid epoll_event for the call.
    let added =
        check(unsafe { libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut ev) });
    match added {
        Err(libc::EEXIST) => {
            // SAFETY: as above.
            check(unsafe { libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_MOD, fd, &mut ev) })
                .map(drop)
        }
        other => other.map(drop),
    }
}

/// epoll_ctl DEL (errors ignored by callers: the descriptor may be gone already).
pub fn epoll_del(epoll: &OwnedFd, fd: RawFd) -> SysResult<()> {
    let mut ev = libc::epoll_event { events: 0, u64: 0 };
    // SAFETY: `ev` is valid (older kernels require a non-NULL pointer).
    check(unsafe { libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_DEL, fd, &mut ev) }).map(drop)
}

/// epoll_wait without a timeout; returns the tokens of the ready descriptors (EINTR: none).
pub fn epoll_wait(epoll: &OwnedFd, tokens: &mut Vec<u64>) -> SysResult<()> {
    let mut events = [libc::epoll_event { events: 0, u64: 0 }; 64];
    // SAFETY: `events` is a writable array of 64 epoll_event structures.
    let n = unsafe { libc::epoll_wait(epoll.as_raw_fd(), events.as_mut_ptr(), 64, -1) };
    tokens.clear();
    if n < 0 {
        let errno = ws2_os::last_errno();
        return if errno == libc::EINTR {
            Ok(())
        } else {
            Err(errno)
        };
    }
    tokens.extend(events[..n as usize].iter().map(|e| e.u64));
    Ok(())
}

/// eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK): the reactor's doorbell.
pub fn eventfd() -> SysResult<OwnedFd> {
    // SAFETY: plain integers; a non-negative result is a new descriptor nothing else owns.
    unsafe {
        let fd = check(libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK))?;
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

/// Adds one to an eventfd.
pub fn eventfd_ring(fd: &OwnedFd) {
    let one = 1u64.to_ne_bytes();
    // SAFETY: writes 8 bytes from a local buffer; failure (counter saturated) still wakes.
    let _ = unsafe { libc::write(fd.as_raw_fd(), one.as_ptr().cast(), 8) };
}

/// Empties an eventfd.
pub fn eventfd_drain(fd: &OwnedFd) {
    let mut value = [0u8; 8];
    // SAFETY: reads 8 bytes into a local buffer; EAGAIN when already empty is fine.
    let _ = unsafe { libc::read(fd.as_raw_fd(), value.as_mut_ptr().cast(), 8) };
}

/// dup3(from, onto, O_CLOEXEC): `onto` now refers to `from`'s socket (its old one is closed).
/// Used to bind an accepted connection to the application's accept socket (AcceptEx) and to
/// give a socket a fresh descriptor for reuse (DisconnectEx with TF_REUSE_SOCKET).
pub fn dup_onto(from: &OwnedFd, onto: &OwnedFd) -> SysResult<()> {
    // SAFETY: both descriptors are open for the call; dup3 replaces `onto` atomically and the
    // OwnedFd keeps owning that descriptor number.
    check(unsafe { libc::dup3(from.as_raw_fd(), onto.as_raw_fd(), libc::O_CLOEXEC) }).map(drop)
}

/// A second descriptor for the same socket (WSPDuplicateSocket).
pub fn dup(fd: &OwnedFd) -> SysResult<OwnedFd> {
    fd.try_clone()
        .map_err(|e| e.raw_os_error().unwrap_or(libc::EBADF))
}
