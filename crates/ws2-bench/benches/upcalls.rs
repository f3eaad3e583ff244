//! The upcall benchmarks (method and list: the `ws2_bench` crate documentation).
//! Run with `cargo bench -p ws2-bench`.
#![allow(unsafe_code)] // calls the C ABI the way a provider does; each call has a SAFETY note

use std::cell::Cell;
use std::hint::black_box;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Barrier};
use ws2_32::kernel32::{CloseHandle, CreateEventW, SleepEx};
use ws2_32::upcalls::upcall_table;
use ws2_32::winsock::{WSAStartup, WSAWaitForMultipleEvents};
use ws2_abi::{
    DWORD_PTR, FALSE, HANDLE, TRUE, WAIT_IO_COMPLETION, WSADATA, WSAEVENT, WSATHREADID,
    WSA_INFINITE, WSPUPCALLTABLE,
};
use ws2_bench::{
    compare, dup_close, eventfd_ping_pong, online_cpus, partner_cpu, pin_to_cpu, ping_pong,
    poll_readable, scaled, set_partner_cpu, time_per_op, Bound, EventFd, RawQueue, Row, MAIN_CPU,
};

/// Repetitions per benchmark (after one discarded repetition).
const REPS: usize = 15;
/// The catalog id of the built-in TCP/IP entry (always present).
const CATALOG_ID: u32 = 1001;

/// A handle value that can cross threads (HANDLE is a raw pointer, hence not Send).
#[derive(Clone, Copy)]
struct Sendable(usize);

impl Sendable {
    fn handle(self) -> HANDLE {
        self.0 as HANDLE
    }
}

fn table() -> WSPUPCALLTABLE {
    upcall_table()
}

// ---------------------------------------------------------------------------------------------
// 1. WPUSetEvent -> a waiting thread wakes
// ---------------------------------------------------------------------------------------------

fn wait_one(event: HANDLE) {
    // SAFETY: a one-element array that lives for the call.
    let r = unsafe { WSAWaitForMultipleEvents(1, &event, FALSE, WSA_INFINITE, FALSE) };
    assert_eq!(r, 0, "WSAWaitForMultipleEvents");
}

fn set(t: &WSPUPCALLTABLE, event: HANDLE) {
    let mut errno = 0;
    // SAFETY: the slot is a valid WPUSetEvent; errno is writable.
    let ok = unsafe { t.lpWPUSetEvent.unwrap()(event, &mut errno) };
    assert_eq!(ok, TRUE, "WPUSetEvent: {errno}");
}

fn reset(t: &WSPUPCALLTABLE, event: HANDLE) {
    let mut errno = 0;
    // SAFETY: the slot is a valid WPUResetEvent; errno is writable.
    let ok = unsafe { t.lpWPUResetEvent.unwrap()(event, &mut errno) };
    assert_eq!(ok, TRUE, "WPUResetEvent: {errno}");
}

/// Two events; auto-reset ones come from CreateEventW, manual-reset ones from WPUCreateEvent.
fn two_events(t: &WSPUPCALLTABLE, auto_reset: bool) -> [Sendable; 2] {
    [(); 2].map(|()| {
        let h = if auto_reset {
            CreateEventW(std::ptr::null_mut(), FALSE, FALSE, std::ptr::null())
        } else {
            let mut errno = 0;
            // SAFETY: the slot is a valid WPUCreateEvent; errno is writable.
            unsafe { t.lpWPUCreateEvent.unwrap()(&mut errno) }
        };
        assert!(!h.is_null(), "event creation");
        Sendable(h as usize)
    })
}

fn event_ping_pong_ours(rounds: u64, auto_reset: bool) -> f64 {
    let t = table();
    let [a, b] = two_events(&t, auto_reset);
    let ns = ping_pong(
        rounds / 10,
        rounds,
        |total| {
            for _ in 0..total {
                wait_one(a.handle());
                if !auto_reset {
                    reset(&t, a.handle());
                }
                set(&t, b.handle());
            }
        },
        || {
            set(&t, a.handle());
            wait_one(b.handle());
            if !auto_reset {
                reset(&t, b.handle());
            }
        },
    );
    for e in [a, b] {
        assert_eq!(CloseHandle(e.handle()), TRUE);
    }
    ns
}

// ---------------------------------------------------------------------------------------------
// 2. WPUQueueApc -> an alertable wait runs the APC
// ---------------------------------------------------------------------------------------------

thread_local! {
    /// How many APCs (or raw closures) ran on this thread.
    static RAN: Cell<u64> = const { Cell::new(0) };
}

unsafe extern "system" fn count_apc(_context: DWORD_PTR) {
    RAN.with(|r| r.set(r.get() + 1));
}

fn open_current_thread(t: &WSPUPCALLTABLE) -> WSATHREADID {
    let mut id = WSATHREADID {
        ThreadHandle: std::ptr::null_mut(),
        Reserved: 0,
    };
    let mut errno = 0;
    // SAFETY: the slot is a valid WPUOpenCurrentThread; both pointers are writable.
    let r = unsafe { t.lpWPUOpenCurrentThread.unwrap()(&mut id, &mut errno) };
    assert_eq!(r, 0, "WPUOpenCurrentThread: {errno}");
    id
}

fn close_thread(t: &WSPUPCALLTABLE, mut id: WSATHREADID) {
    let mut errno = 0;
    // SAFETY: the slot is a valid WPUCloseThread; both pointers are writable.
    let r = unsafe { t.lpWPUCloseThread.unwrap()(&mut id, &mut errno) };
    assert_eq!(r, 0, "WPUCloseThread: {errno}");
}

fn queue_apc(t: &WSPUPCALLTABLE, target: Sendable) {
    let mut id = WSATHREADID {
        ThreadHandle: target.handle(),
        Reserved: 0,
    };
    let mut errno = 0;
    // SAFETY: the slot is a valid WPUQueueApc; the routine has the LPWSAUSERAPC signature.
    let r = unsafe { t.lpWPUQueueApc.unwrap()(&mut id, Some(count_apc), 0, &mut errno) };
    assert_eq!(r, 0, "WPUQueueApc: {errno}");
}

fn alertable_sleep() {
    let r = SleepEx(WSA_INFINITE, TRUE);
    assert_eq!(r, WAIT_IO_COMPLETION, "SleepEx");
}

fn apc_ping_pong_ours(rounds: u64) -> f64 {
    let t = table();
    let me = open_current_thread(&t);
    let main_id = Sendable(me.ThreadHandle as usize);
    let warmup = rounds / 10;
    let (tx, rx) = mpsc::channel();
    let ns = std::thread::scope(|s| {
        let h = s.spawn(|| {
            pin_to_cpu(partner_cpu());
            let id = open_current_thread(&t);
            tx.send(Sendable(id.ThreadHandle as usize)).unwrap();
            for _ in 0..warmup + rounds {
                alertable_sleep();
                queue_apc(&t, main_id);
            }
            close_thread(&t, id);
        });
        let partner = rx.recv().unwrap();
        let ns = time_per_op(warmup, rounds, || {
            queue_apc(&t, partner);
            alertable_sleep();
        });
        h.join().unwrap();
        ns / 2.0
    });
    close_thread(&t, me);
    ns
}

type Closure = Box<dyn FnOnce() + Send>;

fn apc_ping_pong_raw(rounds: u64) -> f64 {
    let (to_partner, to_main) = (
        RawQueue::<Closure>::default(),
        RawQueue::<Closure>::default(),
    );
    let run = |apc: Closure| apc();
    let bump = || RAN.with(|r| r.set(r.get() + 1));
    ping_pong(
        rounds / 10,
        rounds,
        |total| {
            for _ in 0..total {
                assert_eq!(to_partner.wait_and_drain(run), 1);
                to_main.push(Box::new(bump));
            }
        },
        || {
            to_partner.push(Box::new(bump));
            assert_eq!(to_main.wait_and_drain(run), 1);
        },
    )
}

// ---------------------------------------------------------------------------------------------
// 4. WPUQuerySocketHandleContext
// ---------------------------------------------------------------------------------------------

fn create_socket(t: &WSPUPCALLTABLE, context: usize) -> usize {
    let mut errno = 0;
    // SAFETY: the slot is a valid WPUCreateSocketHandle; errno is writable.
    let s = unsafe { t.lpWPUCreateSocketHandle.unwrap()(CATALOG_ID, context, &mut errno) };
    assert_ne!(s, !0, "WPUCreateSocketHandle: {errno}");
    s
}

fn close_socket(t: &WSPUPCALLTABLE, s: usize) {
    let mut errno = 0;
    // SAFETY: the slot is a valid WPUCloseSocketHandle; errno is writable.
    let r = unsafe { t.lpWPUCloseSocketHandle.unwrap()(s, &mut errno) };
    assert_eq!(r, 0, "WPUCloseSocketHandle: {errno}");
}

const CONTEXT: usize = 0x1122_3344_5566_7788;

fn query_loop(t: &WSPUPCALLTABLE, s: usize, iterations: u64) -> f64 {
    let query = t.lpWPUQuerySocketHandleContext.unwrap();
    time_per_op(iterations / 10, iterations, || {
        let (mut context, mut errno) = (0, 0);
        // SAFETY: a valid WPUQuerySocketHandleContext; both out-pointers are writable.
        let r = unsafe { query(black_box(s), &mut context, &mut errno) };
        assert!(r == 0 && context == CONTEXT, "WPUQuerySocketHandleContext");
    })
}

static SHARED: AtomicUsize = AtomicUsize::new(CONTEXT);

fn load_loop(iterations: u64) -> f64 {
    time_per_op(iterations / 10, iterations, || {
        let v = black_box(&SHARED).load(Ordering::Acquire);
        assert!(v == CONTEXT, "atomic load");
    })
}

/// Runs `f` on this thread and on the partner CPU at once; the mean of their times.
fn on_two_threads(f: impl Fn() -> f64 + Sync) -> f64 {
    let start = Barrier::new(2);
    std::thread::scope(|s| {
        let h = s.spawn(|| {
            pin_to_cpu(partner_cpu());
            start.wait();
            f()
        });
        start.wait();
        let here = f();
        (here + h.join().unwrap()) / 2.0
    })
}

// ---------------------------------------------------------------------------------------------
// 5. WPUCreateSocketHandle + WPUCloseSocketHandle
// ---------------------------------------------------------------------------------------------

fn create_close_ours(t: &WSPUPCALLTABLE, iterations: u64) -> f64 {
    time_per_op(iterations / 10, iterations, || {
        let s = create_socket(t, black_box(CONTEXT));
        close_socket(t, s);
    })
}

fn dup_close_raw(fd: &EventFd, iterations: u64) -> f64 {
    time_per_op(iterations / 10, iterations, || dup_close(fd.as_raw_fd()))
}

// ---------------------------------------------------------------------------------------------
// 6. WSAWaitForMultipleEvents over 64 events, one signalled
// ---------------------------------------------------------------------------------------------

const MANY: usize = 64;

fn wait_many_ours(events: &[WSAEVENT], iterations: u64) -> f64 {
    time_per_op(iterations / 10, iterations, || {
        // SAFETY: `events` holds MANY live handles for the whole call.
        let r = unsafe {
            WSAWaitForMultipleEvents(MANY as u32, events.as_ptr(), FALSE, WSA_INFINITE, FALSE)
        };
        assert_eq!(r as usize, MANY - 1, "WSAWaitForMultipleEvents");
    })
}

fn poll_many_raw(fds: &mut [libc::pollfd], iterations: u64) -> f64 {
    time_per_op(iterations / 10, iterations, || {
        let n = poll_readable(fds);
        assert_eq!(n, 1, "poll");
    })
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters benchmarks by substring.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));

    let cpus = online_cpus(); // before pinning narrows this thread's mask
    let pinned = pin_to_cpu(MAIN_CPU);
    println!(
        "ws2-bench: {} CPUs online; main thread on CPU {MAIN_CPU}, partner on CPU {} ({}); \
         {REPS} repetitions, medians",
        cpus,
        partner_cpu(),
        if pinned { "pinned" } else { "pinning failed" }
    );
    let mut data: WSADATA = unsafe_zeroed_wsadata();
    // SAFETY: `data` is writable.
    assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0, "WSAStartup");
    let t = table();
    let partner_cpu_default = partner_cpu();
    println!("{}", Row::header());
    let mut rows = Vec::new();
    let mut report = |row: Row| {
        println!("{row}");
        rows.push(row);
    };

    let rounds = scaled(5_000);
    // Ping-pongs run twice: threads on two CPUs (a wake-up crosses CPUs, as on an idle machine)
    // and both threads on one CPU (a wake-up is a context switch, as on a busy machine).
    let placements = [(partner_cpu(), "[2 CPUs]"), (MAIN_CPU, "[1 CPU]")];
    for (cpu, place) in placements {
        set_partner_cpu(cpu);
        let name = format!("1  WPUSetEvent -> wait wakes {place}");
        if wanted(&name) {
            report(compare(
                &name,
                Bound::Ratio(1.2),
                REPS,
                || event_ping_pong_ours(rounds, true),
                || eventfd_ping_pong(rounds, false),
            ));
        }
        let name = format!("1b  manual-reset, +WPUResetEvent {place}");
        if wanted(&name) {
            report(compare(
                &name,
                Bound::Ratio(1.2),
                REPS,
                || event_ping_pong_ours(rounds, false),
                || eventfd_ping_pong(rounds, false),
            ));
        }
        let name = format!("1r  ref: raw poll+read vs read {place}");
        if wanted(&name) {
            report(compare(
                &name,
                Bound::Info,
                REPS,
                || eventfd_ping_pong(rounds, true),
                || eventfd_ping_pong(rounds, false),
            ));
        }
        let name = format!("2  WPUQueueApc -> SleepEx runs it {place}");
        if wanted(&name) {
            report(compare(
                &name,
                Bound::Ratio(1.2),
                REPS,
                || apc_ping_pong_ours(rounds),
                || apc_ping_pong_raw(rounds),
            ));
        }
        let name = format!("3  WPUPostMessage -> GetMessageW {place}");
        if wanted(&name) {
            report(compare(
                &name,
                Bound::Ratio(1.2),
                REPS,
                || messages::ping_pong_ours(rounds),
                || messages::ping_pong_raw(rounds),
            ));
        }
    }
    set_partner_cpu(partner_cpu_default);

    let iterations = scaled(1_000_000);
    let name = "1c  ref: WPUSetEvent+wait, no sleep, 1 thread";
    if wanted(name) {
        let [e, _] = two_events(&t, true);
        let fd = EventFd::blocking();
        report(compare(
            name,
            Bound::Info,
            REPS,
            || {
                time_per_op(iterations / 10, iterations, || {
                    set(&t, e.handle());
                    wait_one(e.handle());
                })
            },
            || {
                time_per_op(iterations / 10, iterations, || {
                    fd.write();
                    fd.read();
                })
            },
        ));
    }

    let iterations = scaled(2_000_000);
    let socket = create_socket(&t, CONTEXT);
    let name = "4  WPUQuerySocketHandleContext, 1 thread";
    if wanted(name) {
        report(compare(
            name,
            Bound::Nanos(10.0),
            REPS,
            || query_loop(&t, socket, iterations),
            || load_loop(iterations),
        ));
    }
    let name = "4b WPUQuerySocketHandleContext, 2 threads";
    if wanted(name) {
        report(compare(
            name,
            Bound::Nanos(50.0),
            REPS,
            || on_two_threads(|| query_loop(&t, socket, iterations)),
            || on_two_threads(|| load_loop(iterations)),
        ));
    }
    let name = "4r  ref: ws2_core context read, no C boundary";
    if wanted(name) {
        let handles = &ws2_core::runtime().handles;
        report(compare(
            name,
            Bound::Info,
            REPS,
            || {
                time_per_op(iterations / 10, iterations, || {
                    let c = handles.context(black_box(socket), ws2_core::handle::Kind::Socket);
                    assert!(c == Some(CONTEXT), "context");
                })
            },
            || load_loop(iterations),
        ));
    }
    close_socket(&t, socket);

    let iterations = scaled(500_000);
    let name = "5  WPUCreateSocketHandle + Close";
    if wanted(name) {
        let fd = EventFd::nonblocking();
        report(compare(
            name,
            Bound::Nanos(100.0),
            REPS,
            || create_close_ours(&t, iterations),
            || dup_close_raw(&fd, iterations),
        ));
    }

    let name = "5c  ref: catalog entry clone (in 5)";
    if wanted(name) {
        let fd = EventFd::nonblocking();
        report(compare(
            name,
            Bound::Info,
            REPS,
            || {
                time_per_op(iterations / 10, iterations, || {
                    let entry = ws2_core::runtime().catalog().by_id(CATALOG_ID).cloned();
                    assert!(black_box(entry).is_some(), "catalog entry");
                })
            },
            || dup_close_raw(&fd, iterations),
        ));
    }
    let name = "5t  ref: runtime create_socket+remove (in 5)";
    if wanted(name) {
        let fd = EventFd::nonblocking();
        let rt = ws2_core::runtime();
        report(compare(
            name,
            Bound::Info,
            REPS,
            || {
                time_per_op(iterations / 10, iterations, || {
                    let s = rt.create_socket(CATALOG_ID, black_box(CONTEXT)).unwrap();
                    assert!(rt
                        .handles
                        .remove(s, &[ws2_core::handle::Kind::Socket])
                        .is_some());
                })
            },
            || dup_close_raw(&fd, iterations),
        ));
    }

    let iterations = scaled(100_000);
    let name = "6  WSAWaitForMultipleEvents, 64 events";
    if wanted(name) {
        let events: Vec<WSAEVENT> = (0..MANY)
            .map(|_| {
                let mut errno = 0;
                // SAFETY: the slot is a valid WPUCreateEvent; errno is writable.
                unsafe { t.lpWPUCreateEvent.unwrap()(&mut errno) }
            })
            .collect();
        set(&t, events[MANY - 1]);
        let eventfds: Vec<EventFd> = (0..MANY).map(|_| EventFd::nonblocking()).collect();
        eventfds[MANY - 1].write();
        let mut fds: Vec<libc::pollfd> = eventfds
            .iter()
            .map(|e| libc::pollfd {
                fd: e.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        report(compare(
            name,
            Bound::Ratio(1.2),
            REPS,
            || wait_many_ours(&events, iterations),
            || poll_many_raw(&mut fds, iterations),
        ));
        for e in events {
            assert_eq!(CloseHandle(e), TRUE);
        }
    }

    let misses = rows.iter().filter(|r| !r.passes()).count();
    println!("{} benchmarks, {misses} missed their bound", rows.len());
}

/// 3. WPUPostMessage -> GetMessageW returns.
mod messages {
    use super::{table, Sendable};
    use std::sync::{mpsc, OnceLock};
    use ws2_32::upcalls::upcall_table;
    use ws2_32::user32::{
        CreateWindowExW, DefWindowProcW, DestroyWindow, GetMessageW, RegisterClassW,
    };
    use ws2_abi::{HWND, HWND_MESSAGE, MSG, TRUE, WM_USER, WNDCLASSW};
    use ws2_bench::{partner_cpu, pin_to_cpu, ping_pong, time_per_op, RawQueue};

    /// A message-only window of the calling thread (the class is registered once).
    fn create_window() -> Sendable {
        static CLASS: OnceLock<Vec<u16>> = OnceLock::new();
        let name = CLASS.get_or_init(|| {
            let name: Vec<u16> = "ws2bench".encode_utf16().chain([0]).collect();
            // SAFETY: WNDCLASSW is plain data (integers, pointers, an Option fn); all-zero is
            // valid and the fields that matter are set below.
            let mut class: WNDCLASSW = unsafe { std::mem::zeroed() };
            class.lpfnWndProc = Some(DefWindowProcW);
            class.lpszClassName = name.as_ptr();
            // SAFETY: `class` is valid and its name is NUL-terminated and outlives the call.
            assert_ne!(unsafe { RegisterClassW(&class) }, 0, "RegisterClassW");
            name
        });
        let null = std::ptr::null_mut();
        // SAFETY: the class name is NUL-terminated and registered; other pointers are NULL.
        let hwnd = unsafe {
            CreateWindowExW(
                0,
                name.as_ptr(),
                std::ptr::null(),
                0,
                0,
                0,
                0,
                0,
                HWND_MESSAGE,
                null,
                null,
                null,
            )
        };
        assert!(!hwnd.is_null(), "CreateWindowExW");
        Sendable(hwnd as usize)
    }

    fn post(hwnd: Sendable) {
        let post = upcall_table().lpWPUPostMessage.unwrap();
        // SAFETY: the slot is a valid WPUPostMessage; the window is live.
        assert_eq!(
            unsafe { post(hwnd.handle(), WM_USER, 1, 2) },
            TRUE,
            "WPUPostMessage"
        );
    }

    fn get() {
        // SAFETY: MSG is plain data; all-zero is valid.
        let mut msg: MSG = unsafe { std::mem::zeroed() };
        // SAFETY: `msg` is writable; NULL hwnd and 0, 0 mean any message.
        let r = unsafe { GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) };
        assert!(r == TRUE && msg.message == WM_USER, "GetMessageW");
    }

    pub fn ping_pong_ours(rounds: u64) -> f64 {
        let _ = table();
        let mine = create_window();
        let warmup = rounds / 10;
        let (tx, rx) = mpsc::channel();
        let ns = std::thread::scope(|s| {
            let h = s.spawn(move || {
                pin_to_cpu(partner_cpu());
                let theirs = create_window();
                tx.send(theirs).unwrap();
                for _ in 0..warmup + rounds {
                    get();
                    post(mine);
                }
                assert_eq!(DestroyWindow(theirs.handle() as HWND), TRUE);
            });
            let partner = rx.recv().unwrap();
            let ns = time_per_op(warmup, rounds, || {
                post(partner);
                get();
            });
            h.join().unwrap();
            ns / 2.0
        });
        assert_eq!(DestroyWindow(mine.handle()), TRUE);
        ns
    }

    /// What a posted message carries.
    #[derive(Clone, Copy)]
    struct RawMessage {
        _hwnd: usize,
        message: u32,
        _wparam: usize,
        _lparam: isize,
    }

    pub fn ping_pong_raw(rounds: u64) -> f64 {
        let (to_partner, to_main) = (RawQueue::default(), RawQueue::default());
        let message = RawMessage {
            _hwnd: 4,
            message: WM_USER,
            _wparam: 1,
            _lparam: 2,
        };
        let check = |m: RawMessage| assert_eq!(m.message, WM_USER);
        ping_pong(
            rounds / 10,
            rounds,
            |total| {
                for _ in 0..total {
                    assert_eq!(to_partner.wait_and_drain(check), 1);
                    to_main.push(message);
                }
            },
            || {
                to_partner.push(message);
                assert_eq!(to_main.wait_and_drain(check), 1);
            },
        )
    }
}

fn unsafe_zeroed_wsadata() -> WSADATA {
    // SAFETY: WSADATA is plain old data (integers, arrays and a pointer); all-zero is valid.
    unsafe { std::mem::zeroed() }
}
