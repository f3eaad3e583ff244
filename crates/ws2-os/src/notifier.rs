//! A wake-up flag two kinds of sleeper can wait on: a futex word (one waiter, one notifier) and a
//! pollable descriptor (a wait on several notifiers at once).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::SeqCst};
use std::time::Duration;

/// A wake-up hint backed by a futex word and an eventfd (or a non-blocking pipe).
///
/// [`raise`](Self::raise) bumps a sequence number and wakes the threads sleeping on it: those in
/// [`wait_for_raise`](Self::wait_for_raise) (a futex) and, by making the descriptor readable,
/// those registered with [`register_poller`](Self::register_poller). The descriptor is written
/// only while a poller is registered, so a raise nobody polls for costs no descriptor traffic.
/// [`clear`](Self::clear) makes the descriptor unreadable again. Both may be called from any
/// thread.
///
/// Protocol (no lost wake-up): a sleeper takes its snapshot ([`sequence`](Self::sequence)) or
/// registers as a poller *before* it checks its condition, then sleeps; a raiser changes the
/// condition, then raises. When the condition is protected by a mutex the lock order alone
/// guarantees it: either the sleeper's check sees the change, or its snapshot/registration
/// happened before the raiser's lock and hence before the raise, which then sees the poller
/// (and writes) or bumps the sequence past the snapshot (and the futex wait returns at once).
/// Between the futex-sleeper count and the sequence it is the Dekker pattern: the sleeper
/// increments the count (SeqCst), then the kernel compares the sequence; the raiser bumps the
/// sequence (SeqCst), then loads the count (SeqCst). One of the two sees the other's store.
#[derive(Debug)]
pub struct Notifier {
    read: OwnedFd,
    /// The write end for the pipe fallback; `None` for an eventfd (one descriptor does both).
    write: Option<OwnedFd>,
    /// The futex word: bumped by every raise.
    sequence: AtomicU32,
    /// Threads inside [`wait_for_raise`](Self::wait_for_raise).
    futex_sleepers: AtomicU32,
    /// Live [`PollRegistration`]s.
    poll_sleepers: AtomicU32,
    /// The descriptor may be readable: set after every write, taken by [`clear`](Self::clear),
    /// which reads only when it was set. Set *after* the write, so a readable descriptor always
    /// has it set once the raiser returns (a clear that takes it drains writes made so far).
    written: AtomicBool,
}

/// A thread that may poll the notifier's descriptor (see [`Notifier::register_poller`]).
#[derive(Debug)]
#[must_use]
pub struct PollRegistration<'a>(&'a Notifier);

impl Drop for PollRegistration<'_> {
    fn drop(&mut self) {
        self.0.poll_sleepers.fetch_sub(1, SeqCst);
    }
}

impl Notifier {
    fn from_fds(read: OwnedFd, write: Option<OwnedFd>) -> Self {
        Self {
            read,
            write,
            sequence: AtomicU32::new(0),
            futex_sleepers: AtomicU32::new(0),
            poll_sleepers: AtomicU32::new(0),
            written: AtomicBool::new(false),
        }
    }

    /// An eventfd-backed notifier; falls back to a pipe if the kernel has no eventfd.
    pub fn new() -> io::Result<Self> {
        // SAFETY: eventfd has no memory preconditions; the flags are valid.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd >= 0 {
            // SAFETY: `fd` was just returned by eventfd and is owned by nobody else.
            return Ok(Self::from_fds(unsafe { OwnedFd::from_raw_fd(fd) }, None));
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::ENOSYS) {
            return Self::with_pipe();
        }
        Err(err)
    }

    /// A pipe-backed notifier (the portable fallback; two descriptors instead of one).
    pub fn with_pipe() -> io::Result<Self> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both descriptors were just created by pipe2 and are owned by nobody else.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        Ok(Self::from_fds(read, Some(write)))
    }

    /// Wakes every sleeper: bumps the sequence, wakes futex sleepers and makes the descriptor
    /// readable if a poller is registered. Never blocks.
    pub fn raise(&self) {
        self.sequence.fetch_add(1, SeqCst);
        if self.futex_sleepers.load(SeqCst) > 0 {
            // SAFETY: the futex word is a live, aligned u32; FUTEX_WAKE reads no other memory.
            unsafe {
                libc::syscall(
                    libc::SYS_futex,
                    self.sequence.as_ptr(),
                    libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                    i32::MAX,
                )
            };
        }
        if self.poll_sleepers.load(SeqCst) > 0 {
            self.write_descriptor();
        }
    }

    fn write_descriptor(&self) {
        let one: u64 = 1;
        let (fd, len) = match &self.write {
            None => (self.read.as_raw_fd(), 8),
            Some(write) => (write.as_raw_fd(), 1),
        };
        // SAFETY: `one` is valid for `len` (<= 8) bytes. EAGAIN means the flag is already up
        // (counter or pipe full); any other failure cannot happen on a descriptor we own.
        let _ = unsafe { libc::write(fd, (&one as *const u64).cast(), len) };
        self.written.store(true, SeqCst);
    }

    /// Makes the descriptor unreadable again. Never blocks. No system call when nothing was
    /// written since the last clear and no poller is registered; with a poller registered it
    /// always reads, so a poller never spins on a write whose `written` flag is not yet set.
    pub fn clear(&self) {
        if !self.written.swap(false, SeqCst) && self.poll_sleepers.load(SeqCst) == 0 {
            return;
        }
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: `buf` is valid for its length; the descriptor is non-blocking.
            let n =
                unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            // An eventfd drains in one read; a pipe may need several.
            if n <= 0 || self.write.is_none() {
                break;
            }
        }
    }

    /// Registers the caller as a poller until the registration is dropped: raises make the
    /// descriptor readable while it lives. Register *before* checking the condition polled for.
    pub fn register_poller(&self) -> PollRegistration<'_> {
        self.poll_sleepers.fetch_add(1, SeqCst);
        PollRegistration(self)
    }

    /// The raise count, to pass to [`wait_for_raise`](Self::wait_for_raise). Take it *before*
    /// checking the condition waited for.
    pub fn sequence(&self) -> u32 {
        self.sequence.load(SeqCst)
    }

    /// Sleeps on the futex until a raise after the snapshot `seen` (returns at once if one
    /// already happened), `timeout` passes (`None`: no timeout) or a signal interrupts. May
    /// return early: the caller re-checks its condition and deadline and loops.
    pub fn wait_for_raise(&self, seen: u32, timeout: Option<Duration>) {
        let timespec = timeout.map(|t| libc::timespec {
            tv_sec: libc::time_t::try_from(t.as_secs()).unwrap_or(libc::time_t::MAX),
            tv_nsec: t.subsec_nanos() as _,
        });
        let timespec_ptr = timespec
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        self.futex_sleepers.fetch_add(1, SeqCst);
        // SAFETY: the futex word is a live, aligned u32; `timespec_ptr` is null or points to a
        // timespec that outlives the call. EAGAIN (already raised), ETIMEDOUT and EINTR all
        // just return: the caller loops.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                self.sequence.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                seen,
                timespec_ptr,
            )
        };
        self.futex_sleepers.fetch_sub(1, SeqCst);
    }

    /// Whether the descriptor is readable, without waiting.
    pub fn is_raised(&self) -> bool {
        let mut set = crate::PollSet::new();
        set.push(self.as_raw_fd());
        matches!(
            set.wait(Some(std::time::Duration::ZERO)),
            Ok(crate::Readiness::Ready(_))
        )
    }
}

impl AsRawFd for Notifier {
    /// The descriptor to poll for readability (raised only while a poller is registered).
    fn as_raw_fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    fn raise_clear_cycle(n: &Notifier) {
        let _poller = n.register_poller();
        assert!(!n.is_raised(), "starts lowered");
        n.raise();
        n.raise();
        assert!(n.is_raised(), "raised");
        n.clear();
        assert!(!n.is_raised(), "one clear lowers it after two raises");
        n.clear();
        assert!(!n.is_raised(), "clearing twice is harmless");
    }

    #[test]
    fn eventfd_is_level_triggered() {
        raise_clear_cycle(&Notifier::new().unwrap());
    }

    #[test]
    fn pipe_fallback_behaves_the_same() {
        raise_clear_cycle(&Notifier::with_pipe().unwrap());
    }

    #[test]
    fn raised_from_another_thread() {
        let n = Arc::new(Notifier::new().unwrap());
        let _poller = n.register_poller();
        let m = n.clone();
        std::thread::spawn(move || m.raise()).join().unwrap();
        assert!(n.is_raised());
    }

    #[test]
    fn descriptor_untouched_without_pollers() {
        let n = Notifier::new().unwrap();
        let before = n.sequence();
        n.raise();
        assert!(!n.is_raised(), "nobody polls: no write");
        assert_ne!(n.sequence(), before, "the futex word moved");
        let poller = n.register_poller();
        n.raise();
        drop(poller);
        assert!(n.is_raised(), "written while registered");
        n.clear();
        assert!(!n.is_raised());
    }

    #[test]
    fn futex_wait_returns_at_once_after_a_raise_and_times_out_otherwise() {
        let n = Notifier::new().unwrap();
        let seen = n.sequence();
        n.raise();
        n.wait_for_raise(seen, None); // would hang if the raise were lost
        let start = Instant::now();
        n.wait_for_raise(n.sequence(), Some(Duration::from_millis(20)));
        assert!(start.elapsed() >= Duration::from_millis(15));
    }

    #[test]
    fn futex_sleeper_woken_by_another_thread() {
        let n = Arc::new(Notifier::new().unwrap());
        for _ in 0..200 {
            let seen = n.sequence();
            let m = n.clone();
            let t = std::thread::spawn(move || m.raise());
            while n.sequence() == seen {
                n.wait_for_raise(seen, None);
            }
            t.join().unwrap();
        }
    }
}
