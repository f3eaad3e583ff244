//! I/O completion ports.
//!
//! Windows contract: a port is a FIFO of completion packets (bytes transferred, completion key,
//! OVERLAPPED pointer, status). `PostQueuedCompletionStatus` and I/O completions on associated
//! handles append; `GetQueuedCompletionStatus(Ex)` removes the oldest packets, waiting up to a
//! timeout; the Ex form may wait alertably (returning WAIT_IO_COMPLETION after running APCs).
//!
//! Emulation: a mutex-protected queue plus a notifier raised while the queue is non-empty; the
//! wait engine sleeps on it through [`WakeSource`].

use crate::error::{Result, WinError};
use crate::wait::{self, Wait, WaitOutcome, WakeSource};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use ws2_os::Notifier;

/// One completion packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    pub bytes: u32,
    pub key: usize,
    /// The OVERLAPPED pointer, as an address (never dereferenced here).
    pub overlapped: usize,
    /// NTSTATUS-style completion status (0 = success), as stored in `OVERLAPPED.Internal`.
    pub status: u32,
}

#[derive(Debug)]
pub struct Port {
    packets: Mutex<VecDeque<Packet>>,
    notifier: Notifier,
}

/// How a dequeue ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Dequeued {
    Packets(Vec<Packet>),
    Timeout,
    /// APCs ran during an alertable dequeue.
    IoCompletion,
}

impl Port {
    pub fn new() -> Result<Self> {
        Ok(Self {
            packets: Mutex::new(VecDeque::new()),
            notifier: Notifier::new().map_err(|_| WinError::NOT_ENOUGH_MEMORY)?,
        })
    }

    fn queue(&self) -> MutexGuard<'_, VecDeque<Packet>> {
        self.packets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends a packet.
    pub fn post(&self, packet: Packet) {
        let was_empty = {
            let mut queue = self.queue();
            queue.push_back(packet);
            queue.len() == 1
        };
        // Raised after unlocking, so the woken thread does not block on the queue lock.
        if was_empty {
            self.notifier.raise();
        }
    }

    /// Removes up to `max` packets (at least one), oldest first, waiting up to `timeout`.
    pub fn dequeue(
        &self,
        max: usize,
        timeout: Option<Duration>,
        alertable: bool,
    ) -> Result<Dequeued> {
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            {
                let mut queue = self.queue();
                if !queue.is_empty() {
                    let n = max.max(1).min(queue.len());
                    let packets: Vec<Packet> = queue.drain(..n).collect();
                    if queue.is_empty() {
                        self.notifier.clear();
                    }
                    return Ok(Dequeued::Packets(packets));
                }
            }
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let outcome = wait::wait(&Wait {
                objects: &[],
                wait_all: false,
                timeout: remaining,
                alertable,
                extra: Some(self),
            })?;
            match outcome {
                WaitOutcome::Extra | WaitOutcome::Object(_) => continue,
                WaitOutcome::IoCompletion => return Ok(Dequeued::IoCompletion),
                WaitOutcome::Timeout => return Ok(Dequeued::Timeout),
            }
        }
    }

    /// Packets waiting.
    pub fn len(&self) -> usize {
        self.queue().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl WakeSource for Port {
    fn notifier(&self) -> &Notifier {
        &self.notifier
    }

    fn is_ready(&self) -> bool {
        !self.queue().is_empty()
    }

    fn disarm(&self) {
        let queue = self.queue();
        if queue.is_empty() {
            self.notifier.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn packet(key: usize) -> Packet {
        Packet {
            bytes: 123,
            key,
            overlapped: 0x1000 + key,
            status: 0,
        }
    }

    #[test]
    fn fifo_with_batches_and_timeouts() {
        let port = Port::new().unwrap();
        assert_eq!(
            port.dequeue(1, Some(Duration::ZERO), false).unwrap(),
            Dequeued::Timeout
        );
        for key in 1..=3 {
            port.post(packet(key));
        }
        assert_eq!(
            port.dequeue(1, None, false).unwrap(),
            Dequeued::Packets(vec![packet(1)])
        );
        assert_eq!(
            port.dequeue(10, None, false).unwrap(),
            Dequeued::Packets(vec![packet(2), packet(3)])
        );
        assert!(port.is_empty());
    }

    #[test]
    fn post_from_another_thread_wakes_a_blocked_dequeue() {
        let port = Arc::new(Port::new().unwrap());
        let poster = {
            let port = port.clone();
            std::thread::spawn(move || port.post(packet(7)))
        };
        assert_eq!(
            port.dequeue(1, None, false).unwrap(),
            Dequeued::Packets(vec![packet(7)])
        );
        poster.join().unwrap();
    }

    #[test]
    fn alertable_dequeue_runs_apcs() {
        let port = Port::new().unwrap();
        crate::thread::current()
            .unwrap()
            .queue_apc(Box::new(|| {}))
            .unwrap();
        assert_eq!(port.dequeue(1, None, true).unwrap(), Dequeued::IoCompletion);
    }
}
