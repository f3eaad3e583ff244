//! Waiting on kernel objects: the engine behind WaitForMultipleObjectsEx,
//! WSAWaitForMultipleEvents, SleepEx and MsgWaitForMultipleObjectsEx.
//!
//! Windows contract:
//! - wait-any returns the lowest index among signalled objects; wait-all returns only when every
//!   object is signalled at once, and changes no object's state until then (auto-reset objects
//!   are consumed together, atomically); wait-all with a duplicated object fails with
//!   ERROR_INVALID_PARAMETER, as does a count above MAXIMUM_WAIT_OBJECTS;
//! - in an alertable wait, objects are checked first (a signalled object wins over pending APCs,
//!   which then stay queued); otherwise, if APCs are queued, all of them run in FIFO order and the
//!   wait returns WAIT_IO_COMPLETION; a non-alertable wait never runs APCs;
//! - a timeout of zero polls; `None` never times out; a wait never ends before its timeout.
//!
//! Emulation: objects are checked under their locks; when nothing is ready the thread sleeps on
//! the objects' notifiers, its APC doorbell (alertable waits) and an extra source (the message
//! queue, for MsgWait), then checks again. Wake-ups are hints; the locked state is the truth, so
//! a lost race just means one more loop. When exactly one notifier can end the wait (one object,
//! not alertable, no extra source; SleepEx's doorbell alone; GetMessage's queue alone) the thread
//! sleeps on that notifier's futex word, with the sequence snapshot taken before the checks;
//! otherwise it registers as a poller on every notifier (before the checks) and sleeps in
//! poll(2) on their descriptors. See [`ws2_os::Notifier`] for why neither misses a raise.

use crate::error::{Result, WinError};
use crate::signal::Signal;
use crate::thread;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};
use ws2_os::{Notifier, PollRegistration, PollSet};

/// MAXIMUM_WAIT_OBJECTS.
pub const MAX_OBJECTS: usize = ws2_abi::MAXIMUM_WAIT_OBJECTS as usize;

/// Something other than a kernel object that can end a wait (the thread's message queue).
pub trait WakeSource {
    /// Raised when [`is_ready`](Self::is_ready) may have become true.
    fn notifier(&self) -> &Notifier;
    /// Whether the wait should end now.
    fn is_ready(&self) -> bool;
    /// Called when the wake descriptor was readable but the source was not ready: clear the
    /// stale wake-up (under the source's lock, only if still not ready).
    fn disarm(&self) {}
}

/// One wait request.
pub struct Wait<'a> {
    pub objects: &'a [&'a Signal],
    pub wait_all: bool,
    /// `None`: INFINITE.
    pub timeout: Option<Duration>,
    pub alertable: bool,
    pub extra: Option<&'a dyn WakeSource>,
}

/// How a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitOutcome {
    /// Object `index` satisfied a wait-any; 0 for a satisfied wait-all.
    Object(usize),
    /// The extra source became ready (WAIT_OBJECT_0 + count for MsgWait).
    Extra,
    /// APCs ran (WAIT_IO_COMPLETION).
    IoCompletion,
    Timeout,
}

/// Waits as described in the module documentation.
pub fn wait(request: &Wait<'_>) -> Result<WaitOutcome> {
    let objects = request.objects;
    if objects.len() > MAX_OBJECTS {
        return Err(WinError::INVALID_PARAMETER);
    }
    if request.wait_all && has_duplicates(objects) {
        return Err(WinError::INVALID_PARAMETER);
    }
    let me = if request.alertable {
        Some(thread::current()?)
    } else {
        None
    };
    let deadline = request.timeout.map(|t| Instant::now() + t);
    // With one object, wait-all and wait-any are the same wait (and this one allocates nothing).
    let wait_all = request.wait_all && objects.len() != 1;
    let single = single_notifier(request, me.as_deref());
    let mut poll = PollSet::new();
    // What each descriptor of the last poll stands for.
    let mut polled: Vec<Polled> = Vec::new();
    let mut registrations: Vec<PollRegistration<'_>> = Vec::new();
    // Whether this pass's checks were preceded by the futex snapshot or the poll registrations,
    // so that sleeping after them cannot miss a raise. The first pass checks without either
    // (a wait that is satisfied at once touches no notifier).
    let mut armed = false;
    loop {
        let seen = single.filter(|_| armed).map(Notifier::sequence);
        let waiting_on = if wait_all {
            match try_all(objects) {
                Ok(()) => return Ok(WaitOutcome::Object(0)),
                Err(unsignalled) => Some(unsignalled),
            }
        } else {
            if let Some(index) = objects.iter().position(|o| o.try_acquire()) {
                return Ok(WaitOutcome::Object(index));
            }
            None // all of them
        };
        if request.extra.is_some_and(|e| e.is_ready()) {
            return Ok(WaitOutcome::Extra);
        }
        if let Some(me) = &me {
            if me.run_apcs() > 0 {
                return Ok(WaitOutcome::IoCompletion);
            }
        }
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if remaining == Some(Duration::ZERO) {
            return Ok(WaitOutcome::Timeout);
        }
        if !armed {
            armed = true;
            if single.is_none() {
                registrations.extend(objects.iter().map(|o| o.notifier().register_poller()));
                registrations.extend(request.extra.map(|e| e.notifier().register_poller()));
                registrations.extend(me.as_ref().map(|t| t.doorbell().register_poller()));
            }
            continue; // check again, now that a raise cannot be missed
        }
        if let (Some(notifier), Some(seen)) = (single, seen) {
            notifier.wait_for_raise(seen, remaining);
            continue;
        }
        // Wake-ups the last poll reported that did not end the wait are stale (a raise that
        // landed after the state changed back): clear them, or poll would return at once again.
        for (position, source) in polled.iter().enumerate() {
            if poll.is_ready(position) {
                match *source {
                    Polled::Object(index) => objects[index].clear_if_unsignalled(),
                    Polled::Extra => request.extra.iter().for_each(|e| e.disarm()),
                    Polled::Doorbell => me.iter().for_each(|t| t.clear_doorbell_if_idle()),
                }
            }
        }
        poll.clear();
        polled.clear();
        let all = 0..objects.len();
        for index in waiting_on.unwrap_or_else(|| all.collect()) {
            poll.push(objects[index].notifier().as_raw_fd());
            polled.push(Polled::Object(index));
        }
        if let Some(extra) = request.extra {
            poll.push(extra.notifier().as_raw_fd());
            polled.push(Polled::Extra);
        }
        if let Some(me) = &me {
            poll.push(me.doorbell().as_raw_fd());
            polled.push(Polled::Doorbell);
        }
        poll.wait(remaining).map_err(|_| WinError::GEN_FAILURE)?;
    }
}

/// The one notifier that can end this wait, when there is exactly one: the futex path.
fn single_notifier<'a>(
    request: &Wait<'a>,
    me: Option<&'a thread::ThreadObject>,
) -> Option<&'a Notifier> {
    match (request.objects, request.extra, me) {
        ([object], None, None) => Some(object.notifier()),
        ([], Some(extra), None) => Some(extra.notifier()),
        ([], None, Some(me)) => Some(me.doorbell()),
        _ => None,
    }
}

/// What one descriptor in the wait's poll set stands for.
#[derive(Clone, Copy)]
enum Polled {
    Object(usize),
    Extra,
    Doorbell,
}

fn has_duplicates(objects: &[&Signal]) -> bool {
    let mut addresses: Vec<*const Signal> = objects.iter().map(|o| *o as *const Signal).collect();
    addresses.sort_unstable();
    addresses.windows(2).any(|pair| pair[0] == pair[1])
}

/// Satisfies a wait-all atomically, or returns the indices of the objects not signalled.
fn try_all(objects: &[&Signal]) -> std::result::Result<(), Vec<usize>> {
    // Lock in address order so that concurrent wait-alls never deadlock.
    let mut order: Vec<usize> = (0..objects.len()).collect();
    order.sort_unstable_by_key(|&i| objects[i] as *const Signal);
    let mut guards: Vec<_> = order.iter().map(|&i| (i, objects[i].lock())).collect();
    let unsignalled: Vec<usize> = guards
        .iter()
        .filter(|(_, count)| **count == 0)
        .map(|(i, _)| *i)
        .collect();
    if !unsignalled.is_empty() {
        return Err(unsignalled);
    }
    for (i, count) in &mut guards {
        objects[*i].consume(count);
    }
    Ok(())
}

/// SleepEx: waits for `timeout`; alertable sleeps end early, with IoCompletion, when APCs ran.
pub fn sleep(timeout: Option<Duration>, alertable: bool) -> Result<WaitOutcome> {
    wait(&Wait {
        objects: &[],
        wait_all: false,
        timeout,
        alertable,
        extra: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::SignalKind;
    use std::sync::{Arc, Mutex};

    fn event(signalled: bool) -> Signal {
        Signal::new(SignalKind::ManualReset, signalled as u32).unwrap()
    }

    fn wait_any(objects: &[&Signal], timeout_ms: u64, alertable: bool) -> WaitOutcome {
        wait(&Wait {
            objects,
            wait_all: false,
            timeout: Some(Duration::from_millis(timeout_ms)),
            alertable,
            extra: None,
        })
        .unwrap()
    }

    #[test]
    fn lowest_signalled_index_wins() {
        let e: Vec<Signal> = (0..5).map(|i| event(i == 1 || i == 3)).collect();
        let refs: Vec<&Signal> = e.iter().collect();
        assert_eq!(wait_any(&refs, 0, false), WaitOutcome::Object(1));
        assert_eq!(
            wait_any(&refs, 0, false),
            WaitOutcome::Object(1),
            "manual reset stays set"
        );
    }

    #[test]
    fn wait_all_is_atomic() {
        let manual = event(true);
        let auto = Signal::new(SignalKind::AutoReset, 1).unwrap();
        let off = event(false);
        let all = |objects: &[&Signal]| {
            wait(&Wait {
                objects,
                wait_all: true,
                timeout: Some(Duration::ZERO),
                alertable: false,
                extra: None,
            })
            .unwrap()
        };
        assert_eq!(all(&[&manual, &auto, &off]), WaitOutcome::Timeout);
        assert!(auto.is_signalled(), "a failed wait-all consumes nothing");
        off.set();
        assert_eq!(all(&[&manual, &auto, &off]), WaitOutcome::Object(0));
        assert!(!auto.is_signalled() && manual.is_signalled());
    }

    #[test]
    fn wait_all_rejects_duplicates_and_too_many_objects() {
        let e = event(true);
        let err = wait(&Wait {
            objects: &[&e, &e],
            wait_all: true,
            timeout: None,
            alertable: false,
            extra: None,
        });
        assert_eq!(err, Err(WinError::INVALID_PARAMETER));
        let many: Vec<Signal> = (0..65).map(|_| event(false)).collect();
        let refs: Vec<&Signal> = many.iter().collect();
        let err = wait(&Wait {
            objects: &refs,
            wait_all: false,
            timeout: None,
            alertable: false,
            extra: None,
        });
        assert_eq!(err, Err(WinError::INVALID_PARAMETER));
    }

    #[test]
    fn signalled_object_wins_over_pending_apcs() {
        let me = thread::current().unwrap();
        let ran = Arc::new(Mutex::new(0));
        let r = ran.clone();
        me.queue_apc(Box::new(move || *r.lock().unwrap() += 1))
            .unwrap();
        let e = event(true);
        assert_eq!(wait_any(&[&e], 0, true), WaitOutcome::Object(0));
        assert_eq!(*ran.lock().unwrap(), 0, "APC still pending");
        assert_eq!(
            wait_any(&[&event(false)], 0, false),
            WaitOutcome::Timeout,
            "non-alertable runs none"
        );
        assert_eq!(
            sleep(Some(Duration::ZERO), true).unwrap(),
            WaitOutcome::IoCompletion
        );
        assert_eq!(*ran.lock().unwrap(), 1);
        assert_eq!(
            sleep(Some(Duration::ZERO), true).unwrap(),
            WaitOutcome::Timeout,
            "queue empty"
        );
    }

    #[test]
    fn a_stale_wake_up_is_cleared_not_spun_on() {
        // A raise that lands after the object was reset (the setter raises after unlocking),
        // seen by a poll waiter (two objects) and by a futex waiter (one object).
        let (e, other) = (event(false), event(false));
        {
            let _poller = e.notifier().register_poller();
            e.notifier().raise();
        }
        assert!(e.notifier().is_raised());
        assert_eq!(wait_any(&[&e, &other], 30, false), WaitOutcome::Timeout);
        assert!(
            !e.notifier().is_raised(),
            "the wait cleared the stale wake-up"
        );
        e.notifier().raise();
        assert_eq!(wait_any(&[&e], 30, false), WaitOutcome::Timeout);
        // The same for the APC doorbell of an alertable wait.
        let me = thread::current().unwrap();
        me.queue_apc(Box::new(|| {})).unwrap();
        assert_eq!(
            sleep(Some(Duration::ZERO), true).unwrap(),
            WaitOutcome::IoCompletion
        );
        assert_eq!(wait_any(&[&e], 30, true), WaitOutcome::Timeout);
    }

    #[test]
    fn set_from_another_thread_wakes_an_infinite_wait() {
        let e = Arc::new(event(false));
        let setter = {
            let e = e.clone();
            std::thread::spawn(move || e.set())
        };
        let outcome = wait(&Wait {
            objects: &[&e],
            wait_all: false,
            timeout: None,
            alertable: false,
            extra: None,
        });
        assert_eq!(outcome, Ok(WaitOutcome::Object(0)));
        setter.join().unwrap();
    }

    #[test]
    fn apc_from_another_thread_wakes_an_alertable_infinite_wait() {
        let me = thread::current().unwrap();
        let e = event(false);
        let ran_on = Arc::new(Mutex::new(None));
        let r = ran_on.clone();
        let queuer = std::thread::spawn(move || {
            me.queue_apc(Box::new(move || {
                *r.lock().unwrap() = Some(ws2_os::current_thread_id())
            }))
            .unwrap();
        });
        let outcome = wait(&Wait {
            objects: &[&e],
            wait_all: false,
            timeout: None,
            alertable: true,
            extra: None,
        });
        queuer.join().unwrap();
        assert_eq!(outcome, Ok(WaitOutcome::IoCompletion));
        assert_eq!(
            *ran_on.lock().unwrap(),
            Some(ws2_os::current_thread_id()),
            "ran on the waiting thread"
        );
    }
}
