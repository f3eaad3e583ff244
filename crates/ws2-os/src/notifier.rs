//! A pollable flag: `raise` makes the descriptor readable until `clear`.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// A level-triggered flag backed by an eventfd (or a non-blocking pipe).
///
/// Raising twice is the same as raising once; `clear` makes the descriptor unreadable again.
/// Both may be called from any thread. The descriptor can be put in a [`crate::PollSet`].
#[derive(Debug)]
pub struct Notifier {
    read: OwnedFd,
    /// The write end for the pipe fallback; `None` for an eventfd (one descriptor does both).
    write: Option<OwnedFd>,
}

impl Notifier {
    /// An eventfd-backed notifier; falls back to a pipe if the kernel has no eventfd.
    pub fn new() -> io::Result<Self> {
        // SAFETY: eventfd has no memory preconditions; the flags are valid.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd >= 0 {
            // SAFETY: `fd` was just returned by eventfd and is owned by nobody else.
            return Ok(Self {
                read: unsafe { OwnedFd::from_raw_fd(fd) },
                write: None,
            });
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
        Ok(Self {
            read,
            write: Some(write),
        })
    }

    /// Makes the descriptor readable. Never blocks.
    pub fn raise(&self) {
        let one: u64 = 1;
        let (fd, len) = match &self.write {
            None => (self.read.as_raw_fd(), 8),
            Some(write) => (write.as_raw_fd(), 1),
        };
        // SAFETY: `one` is valid for `len` (<= 8) bytes. EAGAIN means the flag is already up
        // (counter or pipe full); any other failure cannot happen on a descriptor we own.
        let _ = unsafe { libc::write(fd, (&one as *const u64).cast(), len) };
    }

    /// Makes the descriptor unreadable again. Never blocks.
    pub fn clear(&self) {
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

    /// Whether the flag is raised, without waiting.
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
    /// The descriptor to poll for readability.
    fn as_raw_fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raise_clear_cycle(n: &Notifier) {
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
        let n = std::sync::Arc::new(Notifier::new().unwrap());
        let m = n.clone();
        std::thread::spawn(move || m.raise()).join().unwrap();
        assert!(n.is_raised());
    }
}
