//! Waitable kernel-object state: events (manual- and auto-reset) and semaphores.
//!
//! Windows contract: an event is signalled or not; a wait satisfied by a manual-reset event
//! leaves it signalled (it releases every waiter), one satisfied by an auto-reset event resets
//! it (it releases one waiter); a semaphore is signalled while its count is above zero and each
//! satisfied wait takes one unit. `SetEvent`/`ResetEvent` are idempotent.
//!
//! Emulation: the count lives under a mutex and is the truth; a [`Notifier`] wakes waiters when
//! it may have risen (its futex word for a wait on this object alone, its eventfd for waiters
//! polling several objects at once). The notifier's descriptor is cleared under the lock
//! whenever the count drops to 0 (no system call unless a poller made it readable), and raised
//! *after* the lock is released when the count rises from 0 (so a woken waiter never finds the
//! lock still held by the thread that woke it). A raise that lands after a later reset is stale:
//! the wait engine clears it ([`Signal::clear_if_unsignalled`]) when poll reports it, and a futex
//! waiter takes a fresh snapshot, so no wake-up is lost and none spins.

use crate::error::{Result, WinError};
use std::sync::{Arc, Mutex, MutexGuard};
use ws2_os::Notifier;

/// What kind of waitable object this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalKind {
    /// Stays signalled until reset; a wait does not change it.
    ManualReset,
    /// A satisfied wait resets it.
    AutoReset,
    /// Signalled while the count is positive; a satisfied wait decrements it.
    Semaphore { maximum: u32 },
    /// Count 1 while unowned; signalled for its owner too (see [`crate::mutex`]).
    Mutex,
}

#[derive(Debug)]
pub struct Signal {
    kind: SignalKind,
    count: Mutex<u32>,
    notifier: Notifier,
    /// Mutexes only: owner, recursion, abandonment ([`crate::mutex`]).
    mutex: Option<crate::mutex::MutexPart>,
}

/// The locked state a wait checks: the count as the calling thread sees it. For a mutex the
/// view is 1 while it is free *or owned by the caller* (a recursive acquire).
pub(crate) struct SignalGuard<'a> {
    count: MutexGuard<'a, u32>,
    view: Option<u32>,
}

impl std::ops::Deref for SignalGuard<'_> {
    type Target = u32;
    fn deref(&self) -> &u32 {
        self.view.as_ref().unwrap_or(&self.count)
    }
}

impl Signal {
    /// A new object. Fails with `ERROR_NOT_ENOUGH_MEMORY` when no descriptor is available
    /// (Windows' answer when it cannot allocate the object).
    pub fn new(kind: SignalKind, initial: u32) -> Result<Self> {
        let notifier = Notifier::new().map_err(|_| WinError::NOT_ENOUGH_MEMORY)?;
        if initial > 0 {
            notifier.raise();
        }
        Ok(Self {
            kind,
            count: Mutex::new(initial),
            notifier,
            mutex: None,
        })
    }

    /// A mutex, free or owned by the calling thread (`CreateMutex`, see [`crate::mutex`]).
    pub fn new_mutex(initially_owned: bool) -> Result<Arc<Self>> {
        let notifier = Notifier::new().map_err(|_| WinError::NOT_ENOUGH_MEMORY)?;
        if !initially_owned {
            notifier.raise();
        }
        let signal = Arc::new_cyclic(|this| Self {
            kind: SignalKind::Mutex,
            count: Mutex::new(u32::from(!initially_owned)),
            notifier,
            mutex: Some(crate::mutex::MutexPart::new(this.clone())),
        });
        if initially_owned {
            let mut guard = signal.lock();
            signal.consume(&mut guard);
        }
        Ok(signal)
    }

    /// The mutex part, for [`crate::mutex`].
    pub(crate) fn mutex_part(&self) -> Option<&crate::mutex::MutexPart> {
        self.mutex.as_ref()
    }

    /// Locks the raw count (mutex release and abandonment in [`crate::mutex`]).
    pub(crate) fn lock_raw(&self) -> MutexGuard<'_, u32> {
        self.count.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets the raw count of a mutex under its lock; true when the notifier must be raised
    /// after unlocking.
    #[must_use]
    pub(crate) fn store_raw(&self, count: &mut u32, value: u32) -> bool {
        self.store(count, value)
    }

    /// Raises the notifier (after a [`store_raw`](Self::store_raw) that asked for it).
    pub(crate) fn raise(&self) {
        self.notifier.raise();
    }

    pub fn kind(&self) -> SignalKind {
        self.kind
    }

    pub(crate) fn lock(&self) -> SignalGuard<'_> {
        let count = self.lock_raw();
        let view = self
            .mutex
            .as_ref()
            .map(|part| u32::from(*count > 0 || part.owned_by_caller()));
        SignalGuard { count, view }
    }

    /// Stores a new count under the lock; returns whether the notifier must be raised once the
    /// lock is released (the count rose from 0).
    #[must_use]
    fn store(&self, count: &mut u32, value: u32) -> bool {
        let rose = *count == 0 && value > 0;
        *count = value;
        if value == 0 {
            self.notifier.clear();
        }
        rose
    }

    /// `SetEvent`: signalled (idempotent).
    pub fn set(&self) {
        let rose = self.store(&mut self.lock_raw(), 1);
        if rose {
            self.notifier.raise();
        }
    }

    /// `ResetEvent`: not signalled (idempotent).
    pub fn reset(&self) {
        let _ = self.store(&mut self.lock_raw(), 0);
    }

    /// Clears a stale wake-up: the notifier was raised, but the object is not signalled.
    pub(crate) fn clear_if_unsignalled(&self) {
        let count = self.lock_raw();
        if *count == 0 {
            self.notifier.clear();
        }
    }

    /// `ReleaseSemaphore`: adds `n`; returns the previous count. Exceeding the maximum fails
    /// with `ERROR_TOO_MANY_POSTS` and changes nothing.
    pub fn release(&self, n: u32) -> Result<u32> {
        let SignalKind::Semaphore { maximum } = self.kind else {
            return Err(WinError::INVALID_HANDLE);
        };
        let mut count = self.lock_raw();
        let previous = *count;
        match previous.checked_add(n) {
            Some(next) if n > 0 && next <= maximum => {
                let rose = self.store(&mut count, next);
                drop(count);
                if rose {
                    self.notifier.raise();
                }
                Ok(previous)
            }
            _ if n == 0 => Err(WinError::INVALID_PARAMETER),
            _ => Err(WinError::TOO_MANY_POSTS),
        }
    }

    /// Whether a wait on this object would be satisfied now (without consuming it).
    pub fn is_signalled(&self) -> bool {
        *self.lock() > 0
    }

    /// Takes what a satisfied wait takes, given the locked count (which must be positive).
    pub(crate) fn consume(&self, guard: &mut SignalGuard<'_>) {
        let count = &mut *guard.count;
        // Consuming only lowers the count, so it never needs a raise.
        let _ = match self.kind {
            SignalKind::ManualReset => false,
            SignalKind::AutoReset => self.store(count, 0),
            SignalKind::Semaphore { .. } => self.store(count, *count - 1),
            SignalKind::Mutex => {
                if let Some(part) = &self.mutex {
                    part.acquired(count);
                }
                self.store(count, 0)
            }
        };
    }

    /// Satisfies one wait if the object is signalled.
    pub(crate) fn try_acquire(&self) -> bool {
        let mut count = self.lock();
        if *count == 0 {
            return false;
        }
        self.consume(&mut count);
        true
    }
}

impl Signal {
    /// The notifier raised when the object may have become signalled: a hint for the wait
    /// engine, not the truth.
    pub(crate) fn notifier(&self) -> &Notifier {
        &self.notifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_reset_stays_signalled_auto_reset_is_consumed() {
        let manual = Signal::new(SignalKind::ManualReset, 0).unwrap();
        assert!(!manual.try_acquire(), "starts non-signalled");
        manual.set();
        manual.set();
        assert!(
            manual.try_acquire() && manual.try_acquire(),
            "two waits both satisfied"
        );
        manual.reset();
        manual.reset();
        assert!(!manual.is_signalled());

        let auto = Signal::new(SignalKind::AutoReset, 1).unwrap();
        assert!(auto.try_acquire());
        assert!(!auto.try_acquire(), "one wait consumed it");
    }

    #[test]
    fn semaphore_counts_and_rejects_overflow() {
        let sem = Signal::new(SignalKind::Semaphore { maximum: 2 }, 0).unwrap();
        assert_eq!(sem.release(2), Ok(0));
        assert_eq!(sem.release(1), Err(WinError::TOO_MANY_POSTS));
        assert_eq!(sem.release(0), Err(WinError::INVALID_PARAMETER));
        assert!(sem.try_acquire() && sem.try_acquire() && !sem.try_acquire());
        let event = Signal::new(SignalKind::ManualReset, 0).unwrap();
        assert_eq!(event.release(1), Err(WinError::INVALID_HANDLE));
    }
}
