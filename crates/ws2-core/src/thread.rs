//! Thread objects and their APC queues.
//!
//! Windows contract (QueueUserAPC, WPUQueueApc): each thread has one FIFO queue of user APCs.
//! Queueing runs nothing; the thread runs *all* pending APCs, in order, the next time it enters an
//! alertable wait, and that wait then returns WAIT_IO_COMPLETION. Queueing to a thread that has
//! exited (or is exiting) fails with ERROR_GEN_FAILURE; APCs pending when a thread exits are
//! discarded without running. A thread object is signalled once the thread has exited.
//!
//! Emulation: every OS thread that touches ws2emu gets a [`ThreadObject`] on first use (a
//! thread-local owns it). Its queue is a mutex-protected `VecDeque`, and a [`Notifier`] (the
//! doorbell) is raised when an APC arrives so that an alertable wait wakes.
//! APCs are Rust closures: the C ABI crate wraps a C routine and its context in one, so this
//! crate never calls foreign code directly. The thread-local's destructor marks the object
//! exited, drops pending APCs unrun and signals the object.

use crate::error::{Result, WinError};
use crate::signal::{Signal, SignalKind};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use ws2_os::Notifier;

/// A queued APC: the routine and its context, packaged by the caller.
pub type Apc = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct ApcQueue {
    pending: VecDeque<Apc>,
    /// Set when the thread exits: nothing more is accepted.
    closed: bool,
}

/// The kernel object behind a thread handle.
pub struct ThreadObject {
    tid: u32,
    apcs: Mutex<ApcQueue>,
    doorbell: Notifier,
    exited: Signal,
    /// The thread's message queue, created when first needed (window messages).
    pub(crate) messages: OnceLock<Arc<crate::window::MessageQueue>>,
    /// Winsock 1.1 blocking-hook state of this thread.
    pub(crate) blocking: Mutex<crate::blocking::BlockingState>,
}

impl std::fmt::Debug for ThreadObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadObject")
            .field("tid", &self.tid)
            .finish_non_exhaustive()
    }
}

impl ThreadObject {
    fn new() -> Result<Self> {
        Ok(Self {
            tid: ws2_os::current_thread_id(),
            apcs: Mutex::new(ApcQueue::default()),
            doorbell: Notifier::new().map_err(|_| WinError::NOT_ENOUGH_MEMORY)?,
            exited: Signal::new(SignalKind::ManualReset, 0)?,
            messages: OnceLock::new(),
            blocking: Mutex::new(crate::blocking::BlockingState::default()),
        })
    }

    /// The OS thread id.
    pub fn tid(&self) -> u32 {
        self.tid
    }

    fn queue(&self) -> MutexGuard<'_, ApcQueue> {
        self.apcs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends an APC. `ERROR_GEN_FAILURE` if the thread has exited.
    pub fn queue_apc(&self, apc: Apc) -> Result<()> {
        let was_empty = {
            let mut queue = self.queue();
            if queue.closed {
                return Err(WinError::GEN_FAILURE);
            }
            queue.pending.push_back(apc);
            queue.pending.len() == 1
        };
        // Rung after unlocking, so the woken thread does not block on the queue lock.
        if was_empty {
            self.doorbell.raise();
        }
        Ok(())
    }

    /// Whether APCs are waiting.
    pub fn has_pending_apcs(&self) -> bool {
        !self.queue().pending.is_empty()
    }

    /// Runs every pending APC in FIFO order, including ones queued while they run; returns how
    /// many ran. Must be called on this thread. APCs run with no lock held.
    pub(crate) fn run_apcs(&self) -> usize {
        let mut ran = 0;
        loop {
            let batch = {
                let mut queue = self.queue();
                if queue.pending.is_empty() {
                    return ran;
                }
                self.doorbell.clear();
                std::mem::take(&mut queue.pending)
            };
            for apc in batch {
                apc();
                ran += 1;
            }
        }
    }

    /// Clears a stale doorbell (rung for APCs that have already run).
    pub(crate) fn clear_doorbell_if_idle(&self) {
        let queue = self.queue();
        if queue.pending.is_empty() {
            self.doorbell.clear();
        }
    }

    /// Whether the thread has exited.
    pub fn has_exited(&self) -> bool {
        self.exited.is_signalled()
    }

    /// The waitable part: signalled once the thread has exited.
    pub fn exit_signal(&self) -> &Signal {
        &self.exited
    }

    /// The notifier raised when an APC is queued.
    pub(crate) fn doorbell(&self) -> &Notifier {
        &self.doorbell
    }

    fn exit(&self) {
        registry().remove(&self.tid);
        let discarded = {
            let mut queue = self.queue();
            queue.closed = true;
            std::mem::take(&mut queue.pending)
        };
        // Dropped, never run: the documented fate of APCs pending at thread exit.
        drop(discarded);
        crate::window::thread_exited(self);
        self.exited.set();
    }
}

/// Live threads by OS thread id (PostThreadMessage and thread lookups by id).
fn registry() -> MutexGuard<'static, HashMap<u32, Weak<ThreadObject>>> {
    static THREADS: OnceLock<Mutex<HashMap<u32, Weak<ThreadObject>>>> = OnceLock::new();
    THREADS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// The object of a live thread that has used ws2emu, by OS thread id.
pub fn by_tid(tid: u32) -> Option<Arc<ThreadObject>> {
    registry()
        .get(&tid)
        .and_then(Weak::upgrade)
        .filter(|t| !t.has_exited())
}

/// Owned by the thread-local; marks the thread exited when the OS thread ends.
struct CurrentThread(Arc<ThreadObject>);

impl Drop for CurrentThread {
    fn drop(&mut self) {
        self.0.exit();
    }
}

thread_local! {
    static CURRENT: std::cell::OnceCell<CurrentThread> = const { std::cell::OnceCell::new() };
}

/// The calling thread's object, created on first use. Fails only when the thread is already
/// being torn down or no descriptor is left.
pub fn current() -> Result<Arc<ThreadObject>> {
    CURRENT
        .try_with(|cell| {
            if let Some(current) = cell.get() {
                return Ok(current.0.clone());
            }
            let object = Arc::new(ThreadObject::new()?);
            registry().insert(object.tid, Arc::downgrade(&object));
            let _ = cell.set(CurrentThread(object.clone()));
            Ok(object)
        })
        .unwrap_or(Err(WinError::GEN_FAILURE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn apcs_run_in_fifo_order_only_when_asked() {
        let me = current().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        for i in 1..=3 {
            let log = log.clone();
            me.queue_apc(Box::new(move || log.lock().unwrap().push(i)))
                .unwrap();
        }
        assert!(log.lock().unwrap().is_empty(), "queueing runs nothing");
        assert_eq!(me.run_apcs(), 3);
        assert_eq!(*log.lock().unwrap(), [1, 2, 3]);
        assert_eq!(me.run_apcs(), 0);
    }

    #[test]
    fn exited_thread_rejects_apcs_and_drops_pending_ones() {
        let ran = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let worker = std::thread::spawn(move || {
            tx.send(current().unwrap()).unwrap();
            go_rx.recv().unwrap(); // exit only after the APC is queued
        });
        let target = rx.recv().unwrap();
        let counter = ran.clone();
        target
            .queue_apc(Box::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }))
            .unwrap();
        go_tx.send(()).unwrap();
        worker.join().unwrap();
        assert!(target.has_exited());
        assert_eq!(ran.load(Ordering::SeqCst), 0, "pending APC never ran");
        assert_eq!(
            target.queue_apc(Box::new(|| {})).err(),
            Some(WinError::GEN_FAILURE)
        );
    }
}
