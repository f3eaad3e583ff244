//! Mutex objects (CreateMutex, ReleaseMutex).
//!
//! Windows contract: a mutex is signalled while no thread owns it. A satisfied wait makes the
//! waiting thread its owner; the owner's further waits succeed at once and count recursions,
//! and it stays owned until `ReleaseMutex` was called once per acquisition. `ReleaseMutex` by
//! any other thread fails with ERROR_NOT_OWNER. When the owner exits without releasing it, the
//! mutex is *abandoned*: it becomes free, and the wait that acquires it next returns
//! `WAIT_ABANDONED_0 + i` instead of `WAIT_OBJECT_0 + i` (it still owns the mutex).
//!
//! Emulation: a mutex is a [`Signal`] of kind [`SignalKind::Mutex`](crate::signal::SignalKind)
//! whose count is 1 while it is free; the owner (kernel thread id), the recursion count and the
//! abandoned flag live in a [`MutexPart`] locked only under the count's lock. A wait sees the
//! count through the calling thread's eyes (1 for the owner). Each thread keeps the mutexes it
//! owns in a thread-local whose destructor abandons them when the thread exits. A satisfied wait
//! that acquired an abandoned mutex records it in a thread-local flag that the wait's caller
//! reads with [`take_abandoned`].

use crate::error::{Result, WinError};
use crate::signal::Signal;
use std::cell::{Cell, RefCell};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

#[derive(Default)]
struct Owner {
    /// Kernel thread id of the owner; 0 when free.
    tid: u32,
    recursion: u32,
    abandoned: bool,
}

/// The mutex-only state of a [`Signal`].
pub(crate) struct MutexPart {
    this: Weak<Signal>,
    owner: Mutex<Owner>,
}

impl std::fmt::Debug for MutexPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MutexPart").finish_non_exhaustive()
    }
}

impl MutexPart {
    pub(crate) fn new(this: Weak<Signal>) -> Self {
        Self {
            this,
            owner: Mutex::new(Owner::default()),
        }
    }

    fn owner(&self) -> MutexGuard<'_, Owner> {
        self.owner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the calling thread owns the mutex (called under the count lock).
    pub(crate) fn owned_by_caller(&self) -> bool {
        self.owner().tid == ws2_os::current_thread_id()
    }

    /// A satisfied wait by the calling thread (called under the count lock).
    pub(crate) fn acquired(&self, _count: &mut u32) {
        let me = ws2_os::current_thread_id();
        let mut owner = self.owner();
        if owner.tid == me {
            owner.recursion = owner.recursion.saturating_add(1);
            return;
        }
        owner.tid = me;
        owner.recursion = 1;
        if std::mem::take(&mut owner.abandoned) {
            let _ = ABANDONED.try_with(|flag| flag.set(true));
        }
        if let Some(this) = self.this.upgrade() {
            let _ = OWNED.try_with(|owned| owned.list.borrow_mut().push(this));
        }
    }
}

/// ReleaseMutex: one recursion less; the mutex is free after the last one. ERROR_NOT_OWNER
/// when the calling thread does not own it; ERROR_INVALID_HANDLE for a signal that is not a
/// mutex.
pub fn release(signal: &Signal) -> Result<()> {
    let part = signal.mutex_part().ok_or(WinError::INVALID_HANDLE)?;
    let me = ws2_os::current_thread_id();
    let mut count = signal.lock_raw();
    let mut owner = part.owner();
    if owner.tid != me {
        return Err(WinError::NOT_OWNER);
    }
    owner.recursion -= 1;
    if owner.recursion > 0 {
        return Ok(());
    }
    owner.tid = 0;
    let raise = signal.store_raw(&mut count, 1);
    drop(owner);
    drop(count);
    if raise {
        signal.raise();
    }
    let _ = OWNED.try_with(|owned| {
        owned
            .list
            .borrow_mut()
            .retain(|m| !std::ptr::eq(Arc::as_ptr(m), signal))
    });
    Ok(())
}

/// Whether a wait of this thread acquired an abandoned mutex since the last call (clears it).
pub fn take_abandoned() -> bool {
    ABANDONED
        .try_with(|flag| flag.replace(false))
        .unwrap_or(false)
}

/// Abandons the mutexes the calling thread owns, now: CreateThread's threads call it when their
/// start routine ends, so the mutexes are abandoned before the thread object is signalled
/// (other threads rely on the thread-local destructor, whose order is not defined).
pub fn thread_exiting() {
    let _ = OWNED.try_with(|owned| owned.abandon());
}

/// Frees the mutexes a thread still owns when it exits, marking them abandoned.
struct OwnedMutexes {
    tid: u32,
    list: RefCell<Vec<Arc<Signal>>>,
}

impl Drop for OwnedMutexes {
    fn drop(&mut self) {
        self.abandon();
    }
}

impl OwnedMutexes {
    fn abandon(&self) {
        for signal in self.list.take() {
            let Some(part) = signal.mutex_part() else {
                continue;
            };
            let mut count = signal.lock_raw();
            let mut owner = part.owner();
            if owner.tid != self.tid {
                continue;
            }
            *owner = Owner {
                tid: 0,
                recursion: 0,
                abandoned: true,
            };
            let raise = signal.store_raw(&mut count, 1);
            drop(owner);
            drop(count);
            if raise {
                signal.raise();
            }
        }
    }
}

thread_local! {
    static ABANDONED: Cell<bool> = const { Cell::new(false) };
    static OWNED: OwnedMutexes = OwnedMutexes {
        tid: ws2_os::current_thread_id(),
        list: RefCell::new(Vec::new()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wait::{wait, Wait, WaitOutcome};
    use std::time::Duration;

    fn wait_one(m: &Signal) -> WaitOutcome {
        wait(&Wait {
            objects: &[m],
            wait_all: false,
            timeout: Some(Duration::ZERO),
            alertable: false,
            extra: None,
        })
        .unwrap()
    }

    #[test]
    fn owner_recurses_others_wait_and_abandonment_is_reported_once() {
        let m = Signal::new_mutex(true).unwrap();
        assert_eq!(wait_one(&m), WaitOutcome::Object(0), "recursive acquire");
        let other = {
            let m = m.clone();
            std::thread::spawn(move || {
                let busy = wait_one(&m);
                let not_owner = release(&m);
                (busy, not_owner)
            })
            .join()
            .unwrap()
        };
        assert_eq!(other, (WaitOutcome::Timeout, Err(WinError::NOT_OWNER)));
        release(&m).unwrap();
        release(&m).unwrap();
        assert_eq!(release(&m), Err(WinError::NOT_OWNER), "no longer owned");
        // A thread that exits owning it abandons it.
        {
            let m = m.clone();
            std::thread::spawn(move || assert_eq!(wait_one(&m), WaitOutcome::Object(0)))
                .join()
                .unwrap();
        }
        let _ = take_abandoned();
        assert_eq!(wait_one(&m), WaitOutcome::Object(0));
        assert!(take_abandoned(), "the acquiring wait saw the abandonment");
        assert!(!take_abandoned(), "reported once");
        release(&m).unwrap();
        assert_eq!(wait_one(&m), WaitOutcome::Object(0));
        assert!(!take_abandoned(), "a normal acquire after that");
        release(&m).unwrap();
    }
}
