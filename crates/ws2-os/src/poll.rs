//! Waiting for readability of several descriptors with a timeout.

use std::io;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

/// What [`PollSet::wait`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// This many descriptors are readable (at least one); see [`PollSet::is_ready`].
    Ready(usize),
    /// The timeout passed first.
    TimedOut,
}

/// A reusable list of descriptors to wait on (poll(2) with EINTR and deadline handling).
#[derive(Debug, Default)]
pub struct PollSet {
    fds: Vec<libc::pollfd>,
}

impl PollSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Empties the set, keeping its allocation.
    pub fn clear(&mut self) {
        self.fds.clear();
    }

    /// Adds a descriptor to wait for readability; returns its index.
    pub fn push(&mut self, fd: RawFd) -> usize {
        self.fds.push(libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
        self.fds.len() - 1
    }

    pub fn len(&self) -> usize {
        self.fds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fds.is_empty()
    }

    /// Whether descriptor `index` was readable (or hung up / in error, which a read reports) at
    /// the last [`wait`](Self::wait).
    pub fn is_ready(&self, index: usize) -> bool {
        self.fds.get(index).is_some_and(|p| p.revents != 0)
    }

    /// Waits until a descriptor is readable or `timeout` passes (`None`: no timeout). A signal
    /// interrupting the wait resumes it with the remaining time; the wait never returns early.
    pub fn wait(&mut self, timeout: Option<Duration>) -> io::Result<Readiness> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let millis = match deadline {
                None => -1,
                // Round up so that a wait never ends before its deadline.
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    let ms = left.as_nanos().div_ceil(1_000_000);
                    i32::try_from(ms).unwrap_or(i32::MAX)
                }
            };
            for p in &mut self.fds {
                p.revents = 0;
            }
            // SAFETY: `fds` is a valid array of `len` pollfd structures for the whole call.
            let n = unsafe {
                libc::poll(
                    self.fds.as_mut_ptr(),
                    self.fds.len() as libc::nfds_t,
                    millis,
                )
            };
            if n > 0 {
                return Ok(Readiness::Ready(n as usize));
            }
            if n == 0 {
                if deadline.is_none_or(|d| Instant::now() >= d) {
                    return Ok(Readiness::TimedOut);
                }
                continue; // woke a little early (coarse clock): wait out the rest
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Notifier;
    use std::os::fd::AsRawFd;

    #[test]
    fn reports_which_descriptor_is_ready() {
        let (a, b) = (Notifier::new().unwrap(), Notifier::new().unwrap());
        let _pollers = (a.register_poller(), b.register_poller());
        let mut set = PollSet::new();
        set.push(a.as_raw_fd());
        set.push(b.as_raw_fd());
        assert_eq!(set.wait(Some(Duration::ZERO)).unwrap(), Readiness::TimedOut);
        b.raise();
        assert_eq!(
            set.wait(Some(Duration::from_secs(5))).unwrap(),
            Readiness::Ready(1)
        );
        assert!(!set.is_ready(0) && set.is_ready(1));
    }

    #[test]
    fn timeout_is_never_shorter_than_asked() {
        let a = Notifier::new().unwrap();
        let mut set = PollSet::new();
        set.push(a.as_raw_fd());
        let start = Instant::now();
        assert_eq!(
            set.wait(Some(Duration::from_millis(20))).unwrap(),
            Readiness::TimedOut
        );
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn wakes_when_another_thread_raises() {
        let a = std::sync::Arc::new(Notifier::new().unwrap());
        let _poller = a.register_poller();
        let mut set = PollSet::new();
        set.push(a.as_raw_fd());
        let b = a.clone();
        let t = std::thread::spawn(move || b.raise());
        assert_eq!(set.wait(None).unwrap(), Readiness::Ready(1));
        t.join().unwrap();
    }
}
