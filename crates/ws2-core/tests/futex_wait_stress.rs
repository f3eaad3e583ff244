//! Stress: waits that sleep on one notifier's futex (one object; SleepEx's doorbell; a port
//! alone) and waits that poll several descriptors, mixed on the same objects, never miss a
//! wake-up. Every wait is bounded: a lost wake-up shows as a round not completed within seconds,
//! never as a timing assertion.
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use ws2_core::port::{Dequeued, Packet, Port};
use ws2_core::signal::{Signal, SignalKind};
use ws2_core::thread;
use ws2_core::wait::{sleep, wait, Wait, WaitOutcome};

const BOUND: Duration = Duration::from_secs(10);

fn wait_on(objects: &[&Signal], timeout: Option<Duration>) -> WaitOutcome {
    wait(&Wait {
        objects,
        wait_all: false,
        timeout,
        alertable: false,
        extra: None,
    })
    .unwrap()
}

/// Waits until `object` is acquired, in slices of `slice` (None: one infinite wait); panics
/// after [`BOUND`].
fn acquire(object: &Signal, slice: Option<Duration>, what: &str) {
    let deadline = Instant::now() + BOUND;
    while wait_on(&[object], slice) != WaitOutcome::Object(0) {
        assert!(Instant::now() < deadline, "{what}: wake-up lost");
    }
}

#[test]
fn single_object_ping_pong_with_and_without_timeouts() {
    const ROUNDS: usize = 20_000;
    let ping = Arc::new(Signal::new(SignalKind::AutoReset, 0).unwrap());
    let pong = Arc::new(Signal::new(SignalKind::AutoReset, 0).unwrap());
    let (ping2, pong2) = (ping.clone(), pong.clone());
    let slice = |round: usize| match round % 4 {
        0 => None,
        1 => Some(Duration::from_micros(50)),
        2 => Some(Duration::from_millis(1)),
        _ => Some(BOUND),
    };
    let partner = std::thread::spawn(move || {
        for round in 0..ROUNDS {
            acquire(&ping2, slice(round + 1), "partner");
            pong2.set();
        }
    });
    for round in 0..ROUNDS {
        ping.set();
        acquire(&pong, slice(round), "main");
    }
    partner.join().unwrap();
    assert!(!ping.is_signalled() && !pong.is_signalled());
}

#[test]
fn single_and_multi_object_waiters_share_one_event() {
    const ROUNDS: usize = 10_000;
    const CONSUMERS: usize = 4;
    let event = Arc::new(Signal::new(SignalKind::AutoReset, 0).unwrap());
    let idle = Arc::new(Signal::new(SignalKind::ManualReset, 0).unwrap());
    let taken = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|id| {
            let (event, idle, taken, stop) =
                (event.clone(), idle.clone(), taken.clone(), stop.clone());
            std::thread::spawn(move || {
                // Even ids sleep on the futex (one object), odd ones poll (two objects); half of
                // each kind with a timeout.
                let timeout = (id % 4 >= 2).then_some(Duration::from_micros(200));
                while !stop.load(Ordering::SeqCst) {
                    let outcome = if id % 2 == 0 {
                        wait_on(&[&event], timeout)
                    } else {
                        wait_on(&[&idle, &event], timeout)
                    };
                    match outcome {
                        WaitOutcome::Object(0) if id % 2 == 0 => {}
                        WaitOutcome::Object(1) if id % 2 == 1 => {}
                        WaitOutcome::Timeout => continue,
                        other => panic!("consumer {id}: unexpected {other:?}"),
                    }
                    taken.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for round in 0..ROUNDS {
        event.set();
        let deadline = Instant::now() + BOUND;
        while taken.load(Ordering::SeqCst) <= round {
            assert!(Instant::now() < deadline, "set {round} never woke a waiter");
            std::thread::yield_now();
        }
        assert_eq!(
            taken.load(Ordering::SeqCst),
            round + 1,
            "one set, one waiter"
        );
    }
    stop.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + BOUND;
    while !consumers.iter().all(|c| c.is_finished()) {
        assert!(Instant::now() < deadline, "consumers did not stop");
        event.set(); // releases the infinite waiters
        std::thread::yield_now();
    }
    for consumer in consumers {
        consumer.join().unwrap();
    }
}

#[test]
fn manual_reset_releases_every_kind_of_waiter() {
    const ROUNDS: usize = 2_000;
    const WAITERS: usize = 4;
    let go = Arc::new(Signal::new(SignalKind::ManualReset, 0).unwrap());
    let other = Arc::new(Signal::new(SignalKind::ManualReset, 0).unwrap());
    // Each waiter acknowledges a round on its own auto-reset event.
    let acks: Vec<Arc<Signal>> = (0..WAITERS)
        .map(|_| Arc::new(Signal::new(SignalKind::AutoReset, 0).unwrap()))
        .collect();
    let resumes: Vec<Arc<Signal>> = (0..WAITERS)
        .map(|_| Arc::new(Signal::new(SignalKind::AutoReset, 0).unwrap()))
        .collect();
    let waiters: Vec<_> = (0..WAITERS)
        .map(|id| {
            let (go, other, ack, resume) = (
                go.clone(),
                other.clone(),
                acks[id].clone(),
                resumes[id].clone(),
            );
            std::thread::spawn(move || {
                for _ in 0..ROUNDS {
                    let deadline = Instant::now() + BOUND;
                    loop {
                        let timeout = Some(Duration::from_micros(100 * id as u64 + 1));
                        let outcome = match id % 2 {
                            0 => wait_on(&[&go], timeout),
                            _ => wait_on(&[&other, &go], timeout),
                        };
                        if outcome != WaitOutcome::Timeout {
                            break;
                        }
                        assert!(Instant::now() < deadline, "waiter {id}: wake-up lost");
                    }
                    ack.set();
                    acquire(&resume, None, "resume");
                }
            })
        })
        .collect();
    for _ in 0..ROUNDS {
        go.set();
        for ack in &acks {
            acquire(ack, Some(Duration::from_millis(1)), "ack");
        }
        go.reset();
        for resume in &resumes {
            resume.set();
        }
    }
    for waiter in waiters {
        waiter.join().unwrap();
    }
}

#[test]
fn apc_and_port_ping_pong() {
    const ROUNDS: usize = 10_000;
    let ran = Arc::new(AtomicUsize::new(0));
    let port = Arc::new(Port::new().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let (ran2, port2) = (ran.clone(), port.clone());
    let sleeper = std::thread::spawn(move || {
        tx.send(thread::current().unwrap()).unwrap();
        for round in 0..ROUNDS {
            let deadline = Instant::now() + BOUND;
            // SleepEx(alertable): the doorbell alone; some rounds with short timeouts.
            let timeout = (round % 2 == 0).then_some(Duration::from_micros(100));
            while ran2.load(Ordering::SeqCst) <= round {
                let _ = sleep(timeout, true).unwrap();
                assert!(Instant::now() < deadline, "APC {round} never ran");
            }
            port2.post(Packet {
                bytes: round as u32,
                key: 0,
                overlapped: 0,
                status: 0,
            });
        }
    });
    let target = rx.recv().unwrap();
    for round in 0..ROUNDS {
        let r = ran.clone();
        target
            .queue_apc(Box::new(move || {
                r.fetch_add(1, Ordering::SeqCst);
            }))
            .unwrap();
        // A non-alertable dequeue: the port's notifier alone.
        let deadline = Instant::now() + BOUND;
        loop {
            let timeout = (round % 3 == 0).then_some(Duration::from_micros(100));
            match port.dequeue(1, timeout, false).unwrap() {
                Dequeued::Packets(p) => {
                    assert_eq!(p[0].bytes, round as u32);
                    break;
                }
                Dequeued::Timeout => assert!(Instant::now() < deadline, "packet {round} lost"),
                Dequeued::IoCompletion => unreachable!("non-alertable"),
            }
        }
    }
    sleeper.join().unwrap();
}
