//! Stress: an alertable wait on several objects never misses an APC queued from other threads
//! while the objects are being set and reset.
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use ws2_core::signal::{Signal, SignalKind};
use ws2_core::thread;
use ws2_core::wait::{wait, Wait, WaitOutcome};

#[test]
fn alertable_multi_object_waits_never_miss_an_apc() {
    const ROUNDS: usize = 20_000;
    let stop = Arc::new(Signal::new(SignalKind::ManualReset, 0).unwrap());
    let other = Arc::new(Signal::new(SignalKind::AutoReset, 0).unwrap());
    let ran = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = std::sync::mpsc::channel();
    let (s2, o2) = (stop.clone(), other.clone());
    let worker = std::thread::spawn(move || {
        tx.send(thread::current().unwrap()).unwrap();
        loop {
            match wait(&Wait {
                objects: &[&s2, &o2],
                wait_all: false,
                timeout: None,
                alertable: true,
                extra: None,
            })
            .unwrap()
            {
                WaitOutcome::Object(0) => return,
                _ => continue,
            }
        }
    });
    let target = rx.recv().unwrap();
    let noise_on = Arc::new(AtomicBool::new(true));
    let (n2, o3) = (noise_on.clone(), other.clone());
    let noise = std::thread::spawn(move || {
        while n2.load(Ordering::Relaxed) {
            o3.set();
            std::thread::yield_now();
        }
    });
    for round in 0..ROUNDS {
        let r = ran.clone();
        target
            .queue_apc(Box::new(move || {
                r.fetch_add(1, Ordering::SeqCst);
            }))
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while ran.load(Ordering::SeqCst) <= round {
            assert!(Instant::now() < deadline, "APC {round} never ran");
            std::hint::spin_loop();
        }
    }
    noise_on.store(false, Ordering::Relaxed);
    noise.join().unwrap();
    stop.set();
    worker.join().unwrap();
}
