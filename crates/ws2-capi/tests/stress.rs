//! Stress tests of the upcall runtime through the real upcall table, in their own process so
//! that the process-wide counts (live handles, open descriptors) are meaningful.
//!
//! - handles: two threads each create/query/close 100k socket handles and create/set/close
//!   100k events, interleaved, while a third thread queries handles the others published
//!   (live and stale): a stale handle must answer WSAENOTSOCK (sockets) or
//!   WSA_INVALID_HANDLE (events), and a context, when one is returned, must be the one given
//!   for exactly that handle;
//! - APCs: several threads queue 100k APCs each to one alertable thread: each runs exactly
//!   once, on that thread, in per-sender FIFO order;
//! - messages: two threads post with WPUPostMessage to a window of a third thread: each
//!   message arrives exactly once, in per-sender order.
//!
//! Each test ends with the handle table and the descriptor table back where they started. The
//! tests share the process-wide counts, so they run one at a time (`SERIAL`).
#![allow(unsafe_code)] // calls the exported C ABI functions and the upcall table's slots

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, MutexGuard};
use ws2_32::upcalls::upcall_table;
use ws2_abi::{DWORD_PTR, SOCKET, WSADATA, WSATHREADID, WSPUPCALLTABLE};

const WSAENOTSOCK: i32 = 10038;
const WSA_INVALID_HANDLE: i32 = 6;
const INVALID_SOCKET: SOCKET = !0;
const BASE_TCP: u32 = 1001;

/// Rounds per worker (the 100k), scaled down for unoptimised builds only if asked.
const ROUNDS: usize = 100_000;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// The process-wide counts every test must leave as it found them.
fn counts() -> (usize, usize) {
    (
        ws2_core::runtime().handles.len(),
        ws2_os::open_descriptor_count().expect("count descriptors"),
    )
}

fn table() -> WSPUPCALLTABLE {
    upcall_table()
}

fn startup() {
    // SAFETY: WSADATA is plain data; all-zero is a valid value to pass for writing.
    let mut data: WSADATA = unsafe { std::mem::zeroed() };
    // SAFETY: `data` is writable.
    assert_eq!(unsafe { ws2_32::winsock::WSAStartup(0x0202, &mut data) }, 0);
}

fn cleanup() {
    assert_eq!(ws2_32::winsock::WSACleanup(), 0);
}

/// Context given to the socket created in round `round` of worker `worker`; never 0.
fn context_of(worker: usize, round: usize) -> DWORD_PTR {
    (1 << 63) | (worker << 32) | round
}

fn decode(context: DWORD_PTR) -> Option<(usize, usize)> {
    if context >> 63 != 1 {
        return None;
    }
    let worker = (context >> 32) & 0x7fff_ffff;
    let round = context & 0xffff_ffff;
    (worker < 2 && round < ROUNDS).then_some((worker, round))
}

#[test]
fn handles_under_concurrent_create_query_close() {
    let _serial = serial();
    let before = counts();
    let up = table();
    let (create, query, close) = (
        up.lpWPUCreateSocketHandle.unwrap(),
        up.lpWPUQuerySocketHandleContext.unwrap(),
        up.lpWPUCloseSocketHandle.unwrap(),
    );
    let (create_event, set_event, close_event) = (
        up.lpWPUCreateEvent.unwrap(),
        up.lpWPUSetEvent.unwrap(),
        up.lpWPUCloseEvent.unwrap(),
    );

    // issued[w][i]: the socket handle worker w got in round i (0 until published);
    // events[w]: the event handle worker w closed last (for the querier's stale checks).
    let issued: Arc<Vec<Vec<AtomicUsize>>> = Arc::new(
        (0..2)
            .map(|_| (0..ROUNDS).map(|_| AtomicUsize::new(0)).collect())
            .collect(),
    );
    let progress: Arc<Vec<AtomicUsize>> = Arc::new((0..2).map(|_| AtomicUsize::new(0)).collect());
    let closed_events: Arc<Vec<AtomicUsize>> =
        Arc::new((0..2).map(|_| AtomicUsize::new(0)).collect());
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(3));

    let workers: Vec<_> = (0..2)
        .map(|w| {
            let (issued, progress, closed_events, start) = (
                issued.clone(),
                progress.clone(),
                closed_events.clone(),
                start.clone(),
            );
            std::thread::spawn(move || {
                start.wait();
                for i in 0..ROUNDS {
                    let mut err = 0;
                    // SAFETY: the slots are the runtime's own functions; pointers are valid.
                    unsafe {
                        let s = create(BASE_TCP, context_of(w, i), &mut err);
                        assert!(s != INVALID_SOCKET && s != 0, "create failed: {err}");
                        issued[w][i].store(s, Ordering::Release);
                        progress[w].store(i, Ordering::Release);
                        let mut context = 0;
                        assert_eq!(
                            query(s, &mut context, &mut err),
                            0,
                            "query of a live handle: {err}"
                        );
                        assert_eq!(
                            context,
                            context_of(w, i),
                            "live handle {s:#x} has a foreign context"
                        );
                        let e = create_event(&mut err);
                        assert!(!e.is_null(), "WPUCreateEvent failed: {err}");
                        assert_eq!(set_event(e, &mut err), 1, "WPUSetEvent: {err}");
                        assert_eq!(close_event(e, &mut err), 1, "WPUCloseEvent: {err}");
                        closed_events[w].store(e as usize, Ordering::Release);
                        assert_eq!(close(s, &mut err), 0, "WPUCloseSocketHandle: {err}");
                    }
                }
            })
        })
        .collect();

    let querier = {
        let (issued, progress, closed_events, done, start) = (
            issued.clone(),
            progress.clone(),
            closed_events.clone(),
            done.clone(),
            start.clone(),
        );
        std::thread::spawn(move || {
            start.wait();
            let (mut checked, mut stale_answers, mut reused) = (0u64, 0u64, 0u64);
            let mut pick = 0usize;
            while !done.load(Ordering::Acquire) {
                for w in 0..2 {
                    // The newest published handle (usually live) and an older one (stale).
                    let newest = progress[w].load(Ordering::Acquire);
                    pick = pick
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let older = newest.saturating_sub(1 + (pick >> 33) % 1000);
                    for round in [newest, older] {
                        let h = issued[w][round].load(Ordering::Acquire);
                        if h == 0 {
                            continue;
                        }
                        let (mut context, mut err) = (0usize, 0i32);
                        // SAFETY: valid out-pointers.
                        let ret = unsafe { query(h, &mut context, &mut err) };
                        checked += 1;
                        if ret == 0 {
                            // A context, when answered, belongs to exactly this handle.
                            let owner = decode(context)
                                .map(|(cw, cr)| issued[cw][cr].load(Ordering::Acquire));
                            assert_eq!(
                                owner,
                                Some(h),
                                "handle {h:#x} answered context {context:#x}"
                            );
                            if decode(context) != Some((w, round)) {
                                reused += 1;
                            }
                        } else {
                            assert_eq!((ret, err), (-1, WSAENOTSOCK), "stale handle {h:#x}");
                            stale_answers += 1;
                        }
                    }
                    let e = closed_events[w].load(Ordering::Acquire);
                    if e != 0 {
                        let mut err = 0;
                        // SAFETY: valid errno pointer; the handle is a value, never dereferenced.
                        let ret = unsafe { set_event(e as _, &mut err) };
                        // A closed event is invalid unless its value was handed out again.
                        if ret == 0 {
                            assert_eq!(err, WSA_INVALID_HANDLE, "closed event {e:#x}");
                        } else {
                            reused += 1;
                        }
                    }
                }
            }
            (checked, stale_answers, reused)
        })
    };

    for worker in workers {
        worker.join().expect("worker panicked");
    }
    done.store(true, Ordering::Release);
    let (checked, stale_answers, reused) = querier.join().expect("querier panicked");
    eprintln!(
        "handles: {checked} concurrent queries, {stale_answers} stale, {reused} on reused values"
    );
    assert!(stale_answers > 0, "the querier never saw a stale handle");
    // ws2emu quarantines freed values (handle.rs): none comes back within this test.
    assert_eq!(
        reused, 0,
        "a closed handle value was handed out again within 400k allocations"
    );

    // Every handle is invalid now.
    for w in 0..2 {
        for i in [0, ROUNDS / 2, ROUNDS - 1] {
            let (mut context, mut err) = (0usize, 0i32);
            // SAFETY: valid out-pointers.
            let ret =
                unsafe { query(issued[w][i].load(Ordering::Acquire), &mut context, &mut err) };
            assert_eq!((ret, err), (-1, WSAENOTSOCK));
        }
    }
    assert_eq!(counts(), before, "(live handles, open descriptors) changed");
}

/// Per-sender sequence numbers seen by the APC target, and how many ran where.
static APC_NEXT: [AtomicU64; SENDERS] = [const { AtomicU64::new(0) }; SENDERS];
static APC_ERRORS: AtomicU64 = AtomicU64::new(0);
static APC_TOTAL: AtomicU64 = AtomicU64::new(0);
static APC_TARGET_TID: AtomicU64 = AtomicU64::new(0);

const SENDERS: usize = 3;

unsafe extern "system" fn counting_apc(context: DWORD_PTR) {
    let sender = context >> 32;
    let sequence = (context & 0xffff_ffff) as u64;
    let on_target =
        u64::from(ws2_os::current_thread_id()) == APC_TARGET_TID.load(Ordering::Relaxed);
    // The APC target is the only thread that runs these, so load + store is race-free.
    if sender >= SENDERS || !on_target || APC_NEXT[sender].load(Ordering::Relaxed) != sequence {
        APC_ERRORS.fetch_add(1, Ordering::Relaxed);
    }
    if sender < SENDERS {
        APC_NEXT[sender].store(sequence + 1, Ordering::Relaxed);
    }
    APC_TOTAL.fetch_add(1, Ordering::Release);
}

#[test]
fn apc_storm_runs_each_apc_once_in_sender_order() {
    let _serial = serial();
    startup();
    let before = counts();
    let up = table();
    let (open, close_thread, queue) = (
        up.lpWPUOpenCurrentThread.unwrap(),
        up.lpWPUCloseThread.unwrap(),
        up.lpWPUQueueApc.unwrap(),
    );
    let expected = (SENDERS * ROUNDS) as u64;

    let (tid_tx, tid_rx) = std::sync::mpsc::channel::<(usize, usize)>();
    let target = std::thread::spawn(move || {
        let mut id = WSATHREADID {
            ThreadHandle: std::ptr::null_mut(),
            Reserved: 0,
        };
        let mut err = 0;
        // SAFETY: valid pointers.
        assert_eq!(
            unsafe { open(&mut id, &mut err) },
            0,
            "WPUOpenCurrentThread: {err}"
        );
        APC_TARGET_TID.store(u64::from(ws2_os::current_thread_id()), Ordering::Relaxed);
        tid_tx
            .send((id.ThreadHandle as usize, id.Reserved))
            .unwrap();
        let mut waits = 0u64;
        while APC_TOTAL.load(Ordering::Acquire) < expected {
            assert_eq!(
                ws2_32::kernel32::SleepEx(ws2_abi::INFINITE, 1),
                ws2_abi::WAIT_IO_COMPLETION
            );
            waits += 1;
        }
        // SAFETY: valid pointers.
        assert_eq!(
            unsafe { close_thread(&mut id, &mut err) },
            0,
            "WPUCloseThread: {err}"
        );
        waits
    });
    let (handle, reserved) = tid_rx.recv().unwrap();
    let senders: Vec<_> = (0..SENDERS)
        .map(|sender| {
            std::thread::spawn(move || {
                // Each sender keeps its own copy of the identity.
                let mut id = WSATHREADID {
                    ThreadHandle: handle as _,
                    Reserved: reserved,
                };
                for sequence in 0..ROUNDS {
                    let mut err = 0;
                    let context = (sender << 32) | sequence;
                    // SAFETY: valid pointers; the routine is a valid LPWSAUSERAPC.
                    let ret = unsafe { queue(&mut id, Some(counting_apc), context, &mut err) };
                    assert_eq!(ret, 0, "WPUQueueApc: {err}");
                }
            })
        })
        .collect();
    for sender in senders {
        sender.join().expect("sender panicked");
    }
    let waits = target.join().expect("APC target panicked");
    eprintln!("apcs: {expected} APCs ran in {waits} alertable waits");
    assert_eq!(
        APC_TOTAL.load(Ordering::Acquire),
        expected,
        "APCs ran more or less than once"
    );
    assert_eq!(
        APC_ERRORS.load(Ordering::Relaxed),
        0,
        "APCs out of order, foreign, or on another thread"
    );
    for next in &APC_NEXT {
        assert_eq!(next.load(Ordering::Relaxed), ROUNDS as u64);
    }
    assert_eq!(counts(), before, "(live handles, open descriptors) changed");
    cleanup();
}

const POSTERS: usize = 2;
const MESSAGES: usize = 50_000;
const WM_STORM: u32 = 0x0400 + 7;

#[test]
fn message_storm_delivers_each_message_once_in_sender_order() {
    use ws2_32::user32;
    let _serial = serial();
    startup();
    let before = counts();
    let post = table().lpWPUPostMessage.unwrap();

    let (hwnd_tx, hwnd_rx) = std::sync::mpsc::channel::<usize>();
    let receiver = std::thread::spawn(move || {
        let name: Vec<u16> = "ws2emu-stress\0".encode_utf16().collect();
        // SAFETY: WNDCLASSEXW is plain data; all-zero is valid before the fields are set.
        let mut class: ws2_abi::WNDCLASSEXW = unsafe { std::mem::zeroed() };
        class.cbSize = std::mem::size_of::<ws2_abi::WNDCLASSEXW>() as u32;
        class.lpfnWndProc = Some(user32::DefWindowProcW);
        class.lpszClassName = name.as_ptr();
        // SAFETY: the class structure and its name are valid for the calls.
        let hwnd = unsafe {
            assert_ne!(user32::RegisterClassExW(&class), 0, "RegisterClassExW");
            user32::CreateWindowExW(
                0,
                name.as_ptr(),
                std::ptr::null(),
                0,
                0,
                0,
                0,
                0,
                ws2_abi::HWND_MESSAGE,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        assert!(!hwnd.is_null(), "CreateWindowExW(HWND_MESSAGE) failed");
        hwnd_tx.send(hwnd as usize).unwrap();
        let mut next = [0usize; POSTERS];
        for _ in 0..POSTERS * MESSAGES {
            // SAFETY: MSG is plain data; GetMessageW writes it.
            let mut msg: ws2_abi::MSG = unsafe { std::mem::zeroed() };
            // SAFETY: `msg` is writable.
            let ret = unsafe { user32::GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) };
            assert!(ret > 0, "GetMessageW returned {ret}");
            assert_eq!((msg.hwnd as usize, msg.message), (hwnd as usize, WM_STORM));
            let (sender, sequence) = (msg.wParam, msg.lParam as usize);
            assert!(sender < POSTERS, "foreign message {sender}");
            assert_eq!(
                sequence, next[sender],
                "sender {sender}: message out of order or repeated"
            );
            next[sender] += 1;
        }
        // SAFETY: MSG is plain data.
        let mut msg: ws2_abi::MSG = unsafe { std::mem::zeroed() };
        // SAFETY: `msg` is writable.
        assert_eq!(
            unsafe { user32::PeekMessageW(&mut msg, std::ptr::null_mut(), 0, 0, 1) },
            0,
            "extra message"
        );
        assert_eq!(user32::DestroyWindow(hwnd), 1);
        // SAFETY: the name is a valid NUL-terminated string.
        assert_eq!(
            unsafe { user32::UnregisterClassW(name.as_ptr(), std::ptr::null_mut()) },
            1
        );
        next
    });
    let hwnd = hwnd_rx.recv().unwrap();
    let posters: Vec<_> = (0..POSTERS)
        .map(|sender| {
            std::thread::spawn(move || {
                let mut quota_waits = 0u64;
                for sequence in 0..MESSAGES {
                    loop {
                        // SAFETY: plain values.
                        if unsafe { post(hwnd as _, WM_STORM, sender, sequence as isize) } != 0 {
                            break;
                        }
                        // A full queue (ERROR_NOT_ENOUGH_QUOTA) is the only acceptable failure.
                        assert_eq!(ws2_32::last_error::get(), ws2_abi::ERROR_NOT_ENOUGH_QUOTA);
                        quota_waits += 1;
                        std::thread::yield_now();
                    }
                }
                quota_waits
            })
        })
        .collect();
    let quota_waits: u64 = posters
        .into_iter()
        .map(|p| p.join().expect("poster panicked"))
        .sum();
    let next = receiver.join().expect("receiver panicked");
    eprintln!(
        "messages: {} delivered, {quota_waits} posts retried on a full queue",
        POSTERS * MESSAGES
    );
    assert_eq!(next, [MESSAGES; POSTERS]);
    assert_eq!(counts(), before, "(live handles, open descriptors) changed");
    cleanup();
}
