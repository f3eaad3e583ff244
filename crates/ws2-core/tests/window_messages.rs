//! Windows and message queues: the Windows behaviour of ws2-core's user32 subset (window.rs).
//!
//! Each test runs its body on a fresh thread, so that it starts with an empty message queue and
//! no windows; class names are unique per test (classes are process-wide).

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ws2_abi as abi;
use ws2_core::upcalls;
use ws2_core::wait::WaitOutcome;
use ws2_core::window::{self, ClassName, ClassSpec, CreateParams, Filter, Procedure};
use ws2_core::{thread, WinError};

type Log = Arc<Mutex<Vec<(usize, u32, usize, isize)>>>;

fn on_fresh_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().expect("test thread panicked")
}

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// Registers `name` with a procedure that logs every call and answers like DefWindowProc.
fn register_logging(name: &str) -> Log {
    let log: Log = Arc::default();
    let sink = log.clone();
    window::register_class(ClassSpec {
        name: wide(name),
        style: 0,
        procedure: Procedure::new(0x1234, move |h, m, w, l| {
            sink.lock().unwrap().push((h, m, w, l));
            window::def_window_proc(h, m, w, l)
        }),
        cls_extra: 0,
        wnd_extra: 16,
        instance: 0,
    })
    .unwrap();
    log
}

fn register_default(name: &str) {
    window::register_class(ClassSpec {
        name: wide(name),
        style: 0,
        procedure: Procedure::default_proc(),
        cls_extra: 0,
        wnd_extra: 0,
        instance: 0,
    })
    .unwrap();
}

fn create(name: &str) -> ws2_core::Result<usize> {
    let class = wide(name);
    window::create_window(&params(&class))
}

fn params(class: &[u16]) -> CreateParams<'_> {
    CreateParams {
        class: ClassName::Name(class),
        ex_style: 0,
        style: 0,
        parent: window::HWND_MESSAGE,
        id: 0,
        instance: 0,
        create_struct: 0,
    }
}

fn messages(log: &Log) -> Vec<u32> {
    log.lock().unwrap().iter().map(|e| e.1).collect()
}

fn peek(filter: Filter, flags: u32) -> Option<(usize, u32, usize)> {
    window::peek_message(&filter, flags)
        .unwrap()
        .map(|m| (m.hwnd, m.message, m.wparam))
}

const WM_TEST: u32 = abi::WM_USER + 7;

#[test]
fn post_from_another_thread_wakes_a_blocked_get_message() {
    on_fresh_thread(|| {
        register_default("window_test_wake");
        let hwnd = create("window_test_wake").unwrap();
        let (ready_tx, ready_rx) = mpsc::channel::<()>();
        let poster = std::thread::spawn(move || {
            ready_rx.recv().unwrap();
            window::post_message(hwnd, WM_TEST, 42, -5).unwrap();
        });
        // Tell the poster to go only now: GetMessage below is then (or soon) blocked.
        ready_tx.send(()).unwrap();
        let m = window::get_message(&Filter::ALL).unwrap();
        assert_eq!(
            (m.hwnd, m.message, m.wparam, m.lparam),
            (hwnd, WM_TEST, 42, -5)
        );
        poster.join().unwrap();
        // A thread message from another thread, by id.
        let tid = thread::current().unwrap().tid();
        std::thread::spawn(move || window::post_thread_message(tid, WM_TEST + 1, 1, 2).unwrap())
            .join()
            .unwrap();
        let m = window::get_message(&Filter::ALL).unwrap();
        assert_eq!((m.hwnd, m.message, m.wparam), (0, WM_TEST + 1, 1));
    });
}

#[test]
fn messages_come_back_in_fifo_order() {
    on_fresh_thread(|| {
        register_default("window_test_fifo");
        let hwnd = create("window_test_fifo").unwrap();
        for i in 0..50usize {
            let target = if i % 3 == 0 { 0 } else { hwnd };
            window::post_message(target, WM_TEST, i, 0).unwrap();
        }
        for i in 0..50usize {
            assert_eq!(window::get_message(&Filter::ALL).unwrap().wparam, i);
        }
        assert_eq!(peek(Filter::ALL, abi::PM_REMOVE), None);
    });
}

#[test]
fn filters_select_window_thread_messages_and_ranges() {
    on_fresh_thread(|| {
        register_default("window_test_filters");
        let a = create("window_test_filters").unwrap();
        let b = create("window_test_filters").unwrap();
        window::post_message(a, 100, 1, 0).unwrap();
        window::post_message(0, 200, 2, 0).unwrap();
        window::post_message(b, 300, 3, 0).unwrap();
        window::post_message(a, 400, 4, 0).unwrap();

        let only_b = Filter::new(b, 0, 0);
        assert_eq!(peek(only_b, abi::PM_REMOVE), Some((b, 300, 3)));
        assert_eq!(peek(only_b, abi::PM_REMOVE), None);
        let threads = Filter::new(window::THREAD_MESSAGES_ONLY, 0, 0);
        assert_eq!(peek(threads, abi::PM_REMOVE), Some((0, 200, 2)));
        assert_eq!(peek(threads, abi::PM_REMOVE), None);
        let range = Filter::new(0, 300, 500);
        assert_eq!(peek(range, abi::PM_REMOVE), Some((a, 400, 4)));
        // PM_QS_SENDMESSAGE (no QS_POSTMESSAGE) excludes posted messages.
        let qs_send = abi::QS_SENDMESSAGE << 16;
        assert_eq!(peek(Filter::ALL, abi::PM_REMOVE | qs_send), None);
        let qs_post = (abi::QS_POSTMESSAGE | abi::QS_TIMER) << 16;
        assert_eq!(
            peek(Filter::ALL, abi::PM_REMOVE | qs_post),
            Some((a, 100, 1))
        );
        // A filter window that is not a window (a forged value, an event handle):
        // ERROR_INVALID_WINDOW_HANDLE.
        let event = upcalls::create_event().unwrap();
        for bogus in [0x1234usize, event] {
            let err = window::peek_message(&Filter::new(bogus, 0, 0), abi::PM_REMOVE);
            assert_eq!(err, Err(WinError::INVALID_WINDOW_HANDLE), "{bogus:#x}");
            let err = window::get_message(&Filter::new(bogus, 0, 0));
            assert_eq!(err, Err(WinError::INVALID_WINDOW_HANDLE), "{bogus:#x}");
        }
        upcalls::close_handle(event).unwrap();
    });
}

#[test]
fn pm_noremove_leaves_the_message() {
    on_fresh_thread(|| {
        window::post_message(0, WM_TEST, 9, 0).unwrap();
        assert_eq!(peek(Filter::ALL, abi::PM_NOREMOVE), Some((0, WM_TEST, 9)));
        assert_eq!(peek(Filter::ALL, abi::PM_NOREMOVE), Some((0, WM_TEST, 9)));
        assert_eq!(peek(Filter::ALL, abi::PM_REMOVE), Some((0, WM_TEST, 9)));
        assert_eq!(peek(Filter::ALL, abi::PM_REMOVE), None);
    });
}

#[test]
fn wm_quit_comes_after_posted_messages_whatever_the_range() {
    on_fresh_thread(|| {
        window::post_message(0, WM_TEST, 1, 0).unwrap();
        window::post_quit_message(-3).unwrap();
        window::post_message(0, WM_TEST, 2, 0).unwrap();
        let range = Filter::new(0, abi::WM_USER, abi::WM_USER + 100);
        assert_eq!(window::get_message(&range).unwrap().wparam, 1);
        assert_eq!(window::get_message(&range).unwrap().wparam, 2);
        // PM_NOREMOVE leaves the quit flag; the range filter does not hide WM_QUIT.
        assert_eq!(
            peek(range, abi::PM_NOREMOVE),
            Some((0, abi::WM_QUIT, -3isize as usize))
        );
        let quit = window::get_message(&range).unwrap();
        assert_eq!(
            (quit.hwnd, quit.message, quit.wparam),
            (0, abi::WM_QUIT, -3isize as usize)
        );
        assert_eq!(
            peek(Filter::ALL, abi::PM_REMOVE),
            None,
            "WM_QUIT is returned once"
        );
    });
}

#[test]
fn dead_windows_refuse_posts_and_lose_their_queued_messages() {
    on_fresh_thread(|| {
        let log = register_logging("window_test_dead");
        let hwnd = create("window_test_dead").unwrap();
        let other = create("window_test_dead").unwrap();
        window::post_message(hwnd, WM_TEST, 1, 0).unwrap();
        window::post_message(other, WM_TEST, 2, 0).unwrap();
        window::post_message(hwnd, WM_TEST, 3, 0).unwrap();
        window::destroy_window(hwnd).unwrap();
        assert!(!window::is_window(hwnd));
        assert_eq!(
            window::post_message(hwnd, WM_TEST, 4, 0),
            Err(WinError::INVALID_WINDOW_HANDLE)
        );
        assert_eq!(
            window::destroy_window(hwnd),
            Err(WinError::INVALID_WINDOW_HANDLE)
        );
        let m = window::get_message(&Filter::ALL).unwrap();
        assert_eq!(
            (m.hwnd, m.wparam),
            (other, 2),
            "the dead window's messages are gone"
        );
        assert_eq!(peek(Filter::ALL, abi::PM_REMOVE), None);
        // Dispatching a stale message does nothing.
        let stale = window::Message { hwnd, ..m };
        let before = log.lock().unwrap().len();
        assert_eq!(
            window::dispatch_message(&stale),
            Err(WinError::INVALID_WINDOW_HANDLE)
        );
        assert_eq!(log.lock().unwrap().len(), before, "no procedure call");
        // Posts from other threads also fail.
        let err = std::thread::spawn(move || window::post_message(hwnd, WM_TEST, 5, 0))
            .join()
            .unwrap();
        assert_eq!(err, Err(WinError::INVALID_WINDOW_HANDLE));
    });
}

#[test]
fn destroy_window_from_another_thread_is_denied() {
    on_fresh_thread(|| {
        register_default("window_test_denied");
        let hwnd = create("window_test_denied").unwrap();
        let err = std::thread::spawn(move || window::destroy_window(hwnd))
            .join()
            .unwrap();
        assert_eq!(err, Err(WinError::ACCESS_DENIED));
        assert!(window::is_window(hwnd));
        window::destroy_window(hwnd).unwrap();
    });
}

#[test]
fn thread_exit_destroys_windows() {
    let log = register_logging("window_test_exit");
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let hwnd = create("window_test_exit").unwrap();
        window::post_message(hwnd, WM_TEST, 0, 0).unwrap();
        tx.send((hwnd, thread::current().unwrap().tid())).unwrap();
    });
    let (hwnd, tid) = rx.recv().unwrap();
    worker.join().unwrap();
    assert!(!window::is_window(hwnd));
    assert_eq!(
        window::window_thread(hwnd),
        Err(WinError::INVALID_WINDOW_HANDLE)
    );
    assert_eq!(
        window::post_message(hwnd, WM_TEST, 0, 0),
        Err(WinError::INVALID_WINDOW_HANDLE)
    );
    assert_eq!(
        window::post_thread_message(tid, WM_TEST, 0, 0),
        Err(window::INVALID_THREAD_ID)
    );
    // Divergence: no WM_DESTROY/WM_NCDESTROY at thread exit (the thread runs no more code).
    assert_eq!(messages(&log), [abi::WM_NCCREATE, abi::WM_CREATE]);
    // The class has no windows left.
    window::unregister_class(ClassName::Name(&wide("window_test_exit"))).unwrap();
}

#[test]
fn post_thread_message_needs_a_live_thread_with_a_queue() {
    // A thread known to ws2emu that never made a user32 call has no queue.
    let (tid_tx, tid_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (queued_tx, queued_rx) = mpsc::channel::<()>();
    let worker = std::thread::spawn(move || {
        tid_tx.send(thread::current().unwrap().tid()).unwrap();
        go_rx.recv().unwrap();
        window::peek_message(&Filter::ALL, abi::PM_NOREMOVE).unwrap(); // creates the queue
        queued_tx.send(()).unwrap();
        window::get_message(&Filter::ALL).unwrap()
    });
    let tid = tid_rx.recv().unwrap();
    assert_eq!(
        window::post_thread_message(tid, WM_TEST, 0, 0),
        Err(window::INVALID_THREAD_ID),
        "no queue yet"
    );
    go_tx.send(()).unwrap();
    queued_rx.recv().unwrap();
    window::post_thread_message(tid, WM_TEST, 77, 0).unwrap();
    assert_eq!(worker.join().unwrap().wparam, 77);
    assert_eq!(
        window::post_thread_message(tid, WM_TEST, 0, 0),
        Err(window::INVALID_THREAD_ID),
        "exited"
    );
    assert_eq!(
        window::post_thread_message(0, WM_TEST, 0, 0),
        Err(window::INVALID_THREAD_ID),
        "no such thread"
    );
}

#[test]
fn the_queue_holds_ten_thousand_posted_messages() {
    on_fresh_thread(|| {
        register_default("window_test_quota");
        let hwnd = create("window_test_quota").unwrap();
        for i in 0..window::POSTED_MESSAGE_QUOTA {
            window::post_message(if i % 2 == 0 { hwnd } else { 0 }, WM_TEST, i, 0).unwrap();
        }
        assert_eq!(
            window::post_message(hwnd, WM_TEST, 0, 0),
            Err(WinError::NOT_ENOUGH_QUOTA)
        );
        assert_eq!(
            window::post_message(0, WM_TEST, 0, 0),
            Err(WinError::NOT_ENOUGH_QUOTA)
        );
        // PostQuitMessage is a flag, not a queue entry.
        window::post_quit_message(0).unwrap();
        assert_eq!(window::get_message(&Filter::ALL).unwrap().wparam, 0);
        window::post_message(hwnd, WM_TEST, 1, 0).unwrap();
    });
}

#[test]
fn msg_wait_returns_count_for_posted_input() {
    on_fresh_thread(|| {
        let event = upcalls::create_event().unwrap();
        let zero = Some(Duration::ZERO);
        let wait = |mask, flags| window::msg_wait(&[event], zero, mask, flags).unwrap();
        assert_eq!(wait(abi::QS_ALLINPUT, 0), WaitOutcome::Timeout);
        window::post_message(0, WM_TEST, 0, 0).unwrap();
        assert_eq!(
            wait(abi::QS_TIMER, 0),
            WaitOutcome::Timeout,
            "mask without posts"
        );
        assert_eq!(wait(abi::QS_POSTMESSAGE, 0), WaitOutcome::Extra);
        // Returning for it made the input old: only MWMO_INPUTAVAILABLE still sees it.
        assert_eq!(wait(abi::QS_POSTMESSAGE, 0), WaitOutcome::Timeout);
        assert_eq!(
            wait(abi::QS_POSTMESSAGE, abi::MWMO_INPUTAVAILABLE),
            WaitOutcome::Extra
        );
        // Looking at the queue (PeekMessage, even without removing) also makes input old.
        window::post_message(0, WM_TEST, 1, 0).unwrap();
        assert!(peek(Filter::ALL, abi::PM_NOREMOVE).is_some());
        assert_eq!(wait(abi::QS_ALLINPUT, 0), WaitOutcome::Timeout);
        // A filtered peek leaves QS_ALLPOSTMESSAGE's "new" bit set, not QS_POSTMESSAGE's.
        window::post_message(0, WM_TEST, 2, 0).unwrap();
        assert!(peek(Filter::new(0, 1, 2), abi::PM_NOREMOVE).is_none());
        assert_eq!(wait(abi::QS_POSTMESSAGE, 0), WaitOutcome::Timeout);
        assert_eq!(wait(abi::QS_ALLPOSTMESSAGE, 0), WaitOutcome::Extra);
        upcalls::close_handle(event).unwrap();
    });
}

#[test]
fn msg_wait_wakes_on_a_post_from_another_thread() {
    on_fresh_thread(|| {
        let event = upcalls::create_event().unwrap();
        let tid = thread::current().unwrap().tid();
        window::peek_message(&Filter::ALL, abi::PM_NOREMOVE).unwrap();
        let poster = std::thread::spawn(move || {
            window::post_thread_message(tid, WM_TEST, 5, 0).unwrap();
        });
        let outcome = window::msg_wait(&[event], None, abi::QS_ALLINPUT, 0).unwrap();
        assert_eq!(outcome, WaitOutcome::Extra);
        poster.join().unwrap();
        assert_eq!(peek(Filter::ALL, abi::PM_REMOVE), Some((0, WM_TEST, 5)));
    });
}

#[test]
fn signalled_objects_win_over_messages() {
    on_fresh_thread(|| {
        let a = upcalls::create_event().unwrap();
        let b = upcalls::create_event().unwrap();
        upcalls::set_event(b).unwrap();
        window::post_message(0, WM_TEST, 0, 0).unwrap();
        let outcome = window::msg_wait(&[a, b], Some(Duration::ZERO), abi::QS_ALLINPUT, 0).unwrap();
        assert_eq!(outcome, WaitOutcome::Object(1));
        upcalls::reset_event(b).unwrap();
        let outcome = window::msg_wait(&[a, b], Some(Duration::ZERO), abi::QS_ALLINPUT, 0).unwrap();
        assert_eq!(outcome, WaitOutcome::Extra, "the message is still new");
    });
}

#[test]
fn alertable_msg_wait_runs_apcs() {
    on_fresh_thread(|| {
        let me = thread::current().unwrap();
        let ran = Arc::new(Mutex::new(0));
        let r = ran.clone();
        me.queue_apc(Box::new(move || *r.lock().unwrap() += 1))
            .unwrap();
        let outcome = window::msg_wait(&[], Some(Duration::ZERO), abi::QS_ALLINPUT, 0).unwrap();
        assert_eq!(
            outcome,
            WaitOutcome::Timeout,
            "not alertable: the APC waits"
        );
        assert_eq!(*ran.lock().unwrap(), 0);
        let outcome = window::msg_wait(&[], None, abi::QS_ALLINPUT, abi::MWMO_ALERTABLE).unwrap();
        assert_eq!(outcome, WaitOutcome::IoCompletion);
        assert_eq!(*ran.lock().unwrap(), 1);
    });
}

#[test]
fn msg_wait_validates_its_arguments() {
    on_fresh_thread(|| {
        let e = upcalls::create_event().unwrap();
        let many = vec![e; 64];
        let zero = Some(Duration::ZERO);
        assert_eq!(
            window::msg_wait(&many, zero, abi::QS_ALLINPUT, 0),
            Err(WinError::INVALID_PARAMETER),
            "64 handles: one is reserved for the queue"
        );
        let sixty_three: Vec<usize> = (0..63).map(|_| upcalls::create_event().unwrap()).collect();
        assert_eq!(
            window::msg_wait(&sixty_three, zero, abi::QS_ALLINPUT, 0),
            Ok(WaitOutcome::Timeout)
        );
        assert_eq!(
            window::msg_wait(&[e, 0x1234], zero, abi::QS_ALLINPUT, 0),
            Err(WinError::INVALID_HANDLE)
        );
        assert_eq!(
            window::msg_wait(&[e, e], zero, abi::QS_ALLINPUT, abi::MWMO_WAITALL),
            Err(WinError::INVALID_PARAMETER),
            "duplicate in a wait-all"
        );
        for h in sixty_three.into_iter().chain([e]) {
            upcalls::close_handle(h).unwrap();
        }
    });
}

#[test]
fn msg_wait_all_needs_objects_and_input_together() {
    on_fresh_thread(|| {
        let a = upcalls::create_event().unwrap();
        let zero = Some(Duration::ZERO);
        let all = abi::MWMO_WAITALL;
        upcalls::set_event(a).unwrap();
        assert_eq!(
            window::msg_wait(&[a], zero, abi::QS_ALLINPUT, all),
            Ok(WaitOutcome::Timeout),
            "objects alone are not enough"
        );
        upcalls::reset_event(a).unwrap();
        window::post_message(0, WM_TEST, 0, 0).unwrap();
        assert_eq!(
            window::msg_wait(&[a], zero, abi::QS_ALLINPUT, all),
            Ok(WaitOutcome::Timeout),
            "input alone is not enough"
        );
        upcalls::set_event(a).unwrap();
        assert_eq!(
            window::msg_wait(&[a], zero, abi::QS_ALLINPUT, all),
            Ok(WaitOutcome::Object(0))
        );
    });
}

#[test]
fn window_procedure_sees_creation_and_destruction() {
    on_fresh_thread(|| {
        let log = register_logging("window_test_lifecycle");
        let class = wide("window_test_lifecycle");
        let hwnd = window::create_window(&CreateParams {
            create_struct: 0x5000,
            ..params(&class)
        })
        .unwrap();
        {
            let calls = log.lock().unwrap();
            assert_eq!(calls[0], (hwnd, abi::WM_NCCREATE, 0, 0x5000));
            assert_eq!(calls[1], (hwnd, abi::WM_CREATE, 0, 0x5000));
        }
        window::post_message(hwnd, WM_TEST, 3, 4).unwrap();
        let m = window::get_message(&Filter::ALL).unwrap();
        assert!(
            !window::translate_message(&m),
            "no keyboard: nothing to translate"
        );
        assert_eq!(window::dispatch_message(&m), Ok(0));
        assert_eq!(window::send_message(hwnd, WM_TEST + 1, 5, 6), Ok(0));
        window::destroy_window(hwnd).unwrap();
        assert_eq!(
            messages(&log),
            [
                abi::WM_NCCREATE,
                abi::WM_CREATE,
                WM_TEST,
                WM_TEST + 1,
                abi::WM_DESTROY,
                abi::WM_NCDESTROY
            ]
        );
        assert_eq!(log.lock().unwrap()[2], (hwnd, WM_TEST, 3, 4));
    });
}

/// Registers a class whose procedure answers `nccreate`/`create` and logs the rest.
fn register_refusing(name: &str, nccreate: isize, create: isize) -> Log {
    let log: Log = Arc::default();
    let sink = log.clone();
    window::register_class(ClassSpec {
        name: wide(name),
        style: 0,
        procedure: Procedure::new(0, move |h, m, w, l| {
            sink.lock().unwrap().push((h, m, w, l));
            match m {
                abi::WM_NCCREATE => nccreate,
                abi::WM_CREATE => create,
                _ => 0,
            }
        }),
        cls_extra: 0,
        wnd_extra: 0,
        instance: 0,
    })
    .unwrap();
    log
}

#[test]
fn the_procedure_can_refuse_creation() {
    on_fresh_thread(|| {
        let log = register_refusing("window_test_no_nccreate", 0, 0);
        assert_eq!(
            create("window_test_no_nccreate"),
            Err(window::CREATION_REFUSED)
        );
        assert_eq!(messages(&log), [abi::WM_NCCREATE, abi::WM_NCDESTROY]);
        let hwnd = log.lock().unwrap()[0].0;
        assert!(!window::is_window(hwnd));

        let log = register_refusing("window_test_no_create", 1, -1);
        assert_eq!(
            create("window_test_no_create"),
            Err(window::CREATION_REFUSED)
        );
        assert_eq!(
            messages(&log),
            [
                abi::WM_NCCREATE,
                abi::WM_CREATE,
                abi::WM_DESTROY,
                abi::WM_NCDESTROY
            ]
        );
        // The failed windows do not count against their classes.
        for name in ["window_test_no_nccreate", "window_test_no_create"] {
            window::unregister_class(ClassName::Name(&wide(name))).unwrap();
        }
    });
}

#[test]
fn classes_register_once_case_insensitively() {
    on_fresh_thread(|| {
        let spec = |name: &str| ClassSpec {
            name: wide(name),
            style: 0,
            procedure: Procedure::default_proc(),
            cls_extra: 0,
            wnd_extra: 0,
            instance: 0,
        };
        let atom = window::register_class(spec("Window_Test_Classes")).unwrap();
        assert!(atom >= 0xC000, "a string atom");
        assert_eq!(
            window::register_class(spec("WINDOW_TEST_CLASSES")),
            Err(WinError::CLASS_ALREADY_EXISTS)
        );
        let other = window::register_class(spec("window_test_classes_2")).unwrap();
        assert_ne!(atom, other, "atoms are unique");
        assert_eq!(
            window::register_class(spec("")),
            Err(WinError::INVALID_PARAMETER)
        );
        assert_eq!(
            window::register_class(ClassSpec {
                wnd_extra: -1,
                ..spec("window_test_classes_neg")
            }),
            Err(WinError::INVALID_PARAMETER)
        );
        // Creation by atom and by differently cased name.
        let by_atom = window::create_window(&CreateParams {
            class: ClassName::Atom(atom),
            ..params(&[])
        })
        .unwrap();
        let by_name = create("window_test_CLASSES").unwrap();
        assert_eq!(
            create("window_test_no_such_class"),
            Err(WinError::CANNOT_FIND_WND_CLASS)
        );
        let name = wide("window_test_classes");
        assert_eq!(
            window::unregister_class(ClassName::Name(&name)),
            Err(window::CLASS_HAS_WINDOWS)
        );
        window::destroy_window(by_atom).unwrap();
        assert_eq!(
            window::unregister_class(ClassName::Atom(atom)),
            Err(window::CLASS_HAS_WINDOWS)
        );
        window::destroy_window(by_name).unwrap();
        window::unregister_class(ClassName::Atom(atom)).unwrap();
        assert_eq!(
            window::unregister_class(ClassName::Name(&name)),
            Err(WinError::CLASS_DOES_NOT_EXIST)
        );
        window::unregister_class(ClassName::Name(&wide("window_test_classes_2"))).unwrap();
    });
}

#[test]
fn class_names_are_process_wide() {
    // Divergence: Windows keys application classes by (name, hInstance); ws2emu by name only.
    let spec = |instance| ClassSpec {
        name: wide("window_test_instances"),
        style: 0,
        procedure: Procedure::default_proc(),
        cls_extra: 0,
        wnd_extra: 0,
        instance,
    };
    window::register_class(spec(0x1000)).unwrap();
    assert_eq!(
        window::register_class(spec(0x2000)),
        Err(WinError::CLASS_ALREADY_EXISTS)
    );
    // And a class registered by one thread is usable from another.
    let hwnd = on_fresh_thread(|| create("window_test_instances"));
    assert!(hwnd.is_ok());
}

#[test]
fn window_longs_get_and_set() {
    on_fresh_thread(|| {
        let log = register_logging("window_test_longs");
        let class = wide("window_test_longs");
        let hwnd = window::create_window(&CreateParams {
            style: 0x8000_0000,
            ex_style: 0x80,
            id: 17,
            instance: 0x40_0000,
            ..params(&class)
        })
        .unwrap();
        let get = |i| window::get_window_long(hwnd, i);
        assert_eq!(get(abi::GWLP_WNDPROC), Ok(0x1234));
        assert_eq!(get(abi::GWLP_USERDATA), Ok(0));
        assert_eq!(get(abi::GWLP_ID), Ok(17));
        assert_eq!(get(abi::GWLP_HINSTANCE), Ok(0x40_0000));
        assert_eq!(get(abi::GWL_STYLE), Ok(0x8000_0000));
        assert_eq!(get(abi::GWL_EXSTYLE), Ok(0x80));
        assert_eq!(
            get(window::GWLP_HWNDPARENT),
            Ok(0),
            "HWND_MESSAGE is not a window"
        );
        assert_eq!(window::set_window_long(hwnd, abi::GWLP_USERDATA, -9), Ok(0));
        assert_eq!(
            window::set_window_long(hwnd, abi::GWLP_USERDATA, 10),
            Ok(-9)
        );
        // cbWndExtra = 16: offsets 0..=8 hold a LONG_PTR.
        assert_eq!(window::set_window_long(hwnd, 8, 0x77), Ok(0));
        assert_eq!(get(8), Ok(0x77));
        assert_eq!(get(9), Err(window::INVALID_INDEX));
        assert_eq!(get(-100), Err(window::INVALID_INDEX));
        assert_eq!(
            window::set_window_long(hwnd, abi::GWLP_WNDPROC, 0),
            Err(WinError::INVALID_PARAMETER)
        );
        // Subclassing: the new procedure receives what follows.
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let old = window::set_window_proc(
            hwnd,
            Procedure::new(0x5678, move |_, m, _, _| {
                s.lock().unwrap().push(m);
                99
            }),
        );
        assert_eq!(old, Ok(0x1234));
        assert_eq!(get(abi::GWLP_WNDPROC), Ok(0x5678));
        assert_eq!(window::send_message(hwnd, WM_TEST, 0, 0), Ok(99));
        assert_eq!(*seen.lock().unwrap(), [WM_TEST]);
        assert_eq!(messages(&log), [abi::WM_NCCREATE, abi::WM_CREATE]);
        // Another thread may read and write longs (same process).
        let from_other = std::thread::spawn(move || {
            (
                window::get_window_long(hwnd, abi::GWLP_USERDATA),
                window::window_thread(hwnd),
            )
        })
        .join()
        .unwrap();
        assert_eq!(from_other.0, Ok(10));
        assert_eq!(from_other.1, Ok(thread::current().unwrap().tid()));
        window::destroy_window(hwnd).unwrap();
        assert_eq!(
            get(abi::GWLP_USERDATA),
            Err(WinError::INVALID_WINDOW_HANDLE)
        );
    });
}

#[test]
fn cross_thread_send_and_dispatch_are_not_supported() {
    // Divergence: Windows delivers a cross-thread SendMessage on the owner thread and runs
    // DispatchMessage's procedure on the caller; ws2emu refuses both with ERROR_NOT_SUPPORTED.
    on_fresh_thread(|| {
        let log = register_logging("window_test_cross");
        let hwnd = create("window_test_cross").unwrap();
        let (send, dispatch) = std::thread::spawn(move || {
            let m = window::Message {
                hwnd,
                message: WM_TEST,
                wparam: 0,
                lparam: 0,
                time: 0,
                pt: (0, 0),
            };
            (
                window::send_message(hwnd, WM_TEST, 0, 0),
                window::dispatch_message(&m),
            )
        })
        .join()
        .unwrap();
        assert_eq!(send, Err(window::NOT_SUPPORTED));
        assert_eq!(dispatch, Err(window::NOT_SUPPORTED));
        assert_eq!(messages(&log), [abi::WM_NCCREATE, abi::WM_CREATE]);
        assert_eq!(
            window::send_message(0x1234, WM_TEST, 0, 0),
            Err(WinError::INVALID_WINDOW_HANDLE)
        );
    });
}

#[test]
fn window_is_message_only() {
    // Divergence: any parent (NULL, HWND_MESSAGE, a window) gives a message-only window, and
    // nothing but posted messages ever arrives.
    on_fresh_thread(|| {
        register_default("window_test_parent");
        let class = wide("window_test_parent");
        let top = window::create_window(&CreateParams {
            parent: 0,
            style: abi::WS_OVERLAPPEDWINDOW | abi::WS_VISIBLE,
            ..params(&class)
        })
        .unwrap();
        let child = window::create_window(&CreateParams {
            parent: top,
            style: abi::WS_CHILD,
            ..params(&class)
        })
        .unwrap();
        assert_eq!(
            window::get_window_long(child, window::GWLP_HWNDPARENT),
            Ok(top as isize)
        );
        assert_eq!(
            window::create_window(&CreateParams {
                parent: 0x1234,
                ..params(&class)
            }),
            Err(WinError::INVALID_WINDOW_HANDLE)
        );
        // No top-level windows to broadcast to: HWND_BROADCAST is not a window here.
        assert_eq!(
            window::post_message(0xffff, WM_TEST, 0, 0),
            Err(WinError::INVALID_WINDOW_HANDLE)
        );
        window::post_message(child, WM_TEST, 0, 0).unwrap();
        assert_eq!(window::get_message(&Filter::ALL).unwrap().hwnd, child);
        assert_eq!(
            peek(Filter::ALL, abi::PM_REMOVE),
            None,
            "no paint or other input"
        );
    });
}

#[test]
fn def_window_proc_answers_nccreate_and_close() {
    on_fresh_thread(|| {
        register_default("window_test_defproc");
        let hwnd = create("window_test_defproc").unwrap();
        assert_eq!(window::def_window_proc(hwnd, abi::WM_NCCREATE, 0, 0), 1);
        assert_eq!(window::def_window_proc(hwnd, WM_TEST, 0, 0), 0);
        assert_eq!(window::send_message(hwnd, abi::WM_CLOSE, 0, 0), Ok(0));
        assert!(!window::is_window(hwnd), "WM_CLOSE destroys the window");
    });
}

#[test]
fn a_storm_from_two_threads_is_delivered_once_in_per_sender_order() {
    const PER_SENDER: usize = 50_000;
    on_fresh_thread(|| {
        register_default("window_test_storm");
        let hwnd = create("window_test_storm").unwrap();
        let tid = thread::current().unwrap().tid();
        let senders: Vec<_> = (0..2usize)
            .map(|sender| {
                std::thread::spawn(move || {
                    for i in 0..PER_SENDER {
                        loop {
                            let posted = if sender == 0 {
                                window::post_message(hwnd, WM_TEST, sender, i as isize)
                            } else {
                                window::post_thread_message(tid, WM_TEST, sender, i as isize)
                            };
                            match posted {
                                Ok(()) => break,
                                // The consumer is behind: retry once it has caught up a bit.
                                Err(e) if e == WinError::NOT_ENOUGH_QUOTA => {
                                    std::thread::yield_now()
                                }
                                Err(e) => panic!("post failed: {e}"),
                            }
                        }
                    }
                })
            })
            .collect();
        let mut next = [0isize; 2];
        for _ in 0..2 * PER_SENDER {
            let m = window::get_message(&Filter::ALL).unwrap();
            let sender = m.wparam;
            assert_eq!(m.hwnd, if sender == 0 { hwnd } else { 0 });
            assert_eq!(
                m.lparam, next[sender],
                "sender {sender} out of order or duplicated"
            );
            next[sender] += 1;
        }
        for s in senders {
            s.join().unwrap();
        }
        assert_eq!(next, [PER_SENDER as isize; 2]);
        assert_eq!(peek(Filter::ALL, abi::PM_REMOVE), None, "nothing extra");
    });
}
