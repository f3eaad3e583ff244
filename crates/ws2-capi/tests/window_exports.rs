//! The user32 exports through their C declarations, Wine-style: a sentinel last error before
//! each call, then both the return value and the last error are checked. Window procedures are
//! Rust `extern "system"` functions logging to a thread-local (each test body runs on a fresh
//! thread, which owns its windows, so procedures run there).

mod common;

use common::{message_window, on_fresh_thread, wide, window_class};
use std::cell::RefCell;
use std::ptr::{null, null_mut};
use ws2_32::kernel32::{CloseHandle, CreateEventW, SetEvent};
use ws2_32::last_error::{GetLastError, SetLastError};
use ws2_32::user32::*;
use ws2_abi::*;

const SENTINEL: u32 = 0xdead_beef;
const WM_TEST: u32 = WM_USER + 5;

thread_local! {
    static LOG: RefCell<Vec<(HWND, UINT, WPARAM, LPARAM)>> = const { RefCell::new(Vec::new()) };
    static CREATE_PARAM: RefCell<usize> = const { RefCell::new(0) };
}

fn logged() -> Vec<UINT> {
    LOG.with(|l| l.borrow().iter().map(|e| e.1).collect())
}

fn last_logged() -> (HWND, UINT, WPARAM, LPARAM) {
    LOG.with(|l| *l.borrow().last().unwrap())
}

unsafe extern "system" fn logging_proc(
    hwnd: HWND,
    msg: UINT,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    LOG.with(|l| l.borrow_mut().push((hwnd, msg, wparam, lparam)));
    if msg == WM_NCCREATE || msg == WM_CREATE {
        // SAFETY: for these two messages lParam is the CREATESTRUCTW CreateWindowExW built.
        let cs = unsafe { &*(lparam as *const CREATESTRUCTW) };
        CREATE_PARAM.with(|p| *p.borrow_mut() = cs.lpCreateParams as usize);
    }
    match msg {
        WM_TEST => 0x1234,
        // SAFETY: plain values forwarded.
        _ => DefWindowProcW(hwnd, msg, wparam, lparam),
    }
}

unsafe extern "system" fn refusing_proc(
    hwnd: HWND,
    msg: UINT,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    LOG.with(|l| l.borrow_mut().push((hwnd, msg, wparam, lparam)));
    if msg == WM_NCCREATE {
        return FALSE as LRESULT;
    }
    0
}

unsafe extern "system" fn subclass_proc(
    _hwnd: HWND,
    msg: UINT,
    _wparam: WPARAM,
    _lparam: LPARAM,
) -> LRESULT {
    LOG.with(|l| l.borrow_mut().push((null_mut(), msg, 0, 0)));
    77
}

fn empty_msg() -> MSG {
    MSG {
        hwnd: null_mut(),
        message: 0xffff,
        wParam: 0,
        lParam: 0,
        time: 0,
        pt: POINT { x: 0, y: 0 },
    }
}

#[test]
fn register_create_post_get_dispatch_round_trip() {
    on_fresh_thread(|| {
        let name = wide("window_exports_round_trip");
        let class = window_class(&name, Some(logging_proc));
        // SAFETY: a valid WNDCLASSEXW.
        let atom = unsafe { RegisterClassExW(&class) };
        assert_ne!(atom, 0, "RegisterClassExW: {}", GetLastError());

        let hwnd = message_window(&name, 0xc0ffee);
        assert!(!hwnd.is_null(), "CreateWindowExW: {}", GetLastError());
        assert_eq!(logged(), [WM_NCCREATE, WM_CREATE]);
        assert_eq!(
            CREATE_PARAM.with(|p| *p.borrow()),
            0xc0ffee,
            "CREATESTRUCTW.lpCreateParams"
        );
        assert_eq!(IsWindow(hwnd), TRUE);
        let mut pid = 0;
        // SAFETY: `pid` is writable.
        let tid = unsafe { GetWindowThreadProcessId(hwnd, &mut pid) };
        assert_eq!(
            (tid, pid),
            (ws2_os::current_thread_id(), std::process::id())
        );

        SetLastError(SENTINEL);
        assert_eq!(PostMessageW(hwnd, WM_TEST, 11, -22), TRUE);
        assert_eq!(GetLastError(), SENTINEL, "success leaves the last error");
        let mut msg = empty_msg();
        // SAFETY: `msg` is writable.
        assert_eq!(unsafe { GetMessageW(&mut msg, null_mut(), 0, 0) }, TRUE);
        assert_eq!(
            (msg.hwnd, msg.message, msg.wParam, msg.lParam),
            (hwnd, WM_TEST, 11, -22)
        );
        assert_eq!(TranslateMessage(&msg), FALSE);
        // SAFETY: `msg` is a valid MSG.
        assert_eq!(
            unsafe { DispatchMessageW(&msg) },
            0x1234,
            "the procedure's result"
        );
        assert_eq!(last_logged(), (hwnd, WM_TEST, 11, -22));

        assert_eq!(DestroyWindow(hwnd), TRUE);
        assert_eq!(&logged()[3..], [WM_DESTROY, WM_NCDESTROY]);
        assert_eq!(IsWindow(hwnd), FALSE);
        SetLastError(SENTINEL);
        assert_eq!(PostMessageW(hwnd, WM_TEST, 0, 0), FALSE);
        assert_eq!(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
        // By atom, as MAKEINTATOM.
        // SAFETY: an atom value.
        assert_eq!(
            unsafe { UnregisterClassW(atom as usize as LPCWSTR, null_mut()) },
            TRUE
        );
    });
}

#[test]
fn failures_set_the_documented_last_error() {
    on_fresh_thread(|| {
        let name = wide("window_exports_errors");
        let class = window_class(&name, Some(logging_proc));
        // SAFETY: valid structures and strings throughout; NULL where the test says so.
        unsafe {
            assert_ne!(RegisterClassExW(&class), 0);
            SetLastError(SENTINEL);
            assert_eq!(RegisterClassExW(&class), 0);
            assert_eq!(GetLastError(), ERROR_CLASS_ALREADY_EXISTS);
            let bad_size = WNDCLASSEXW { cbSize: 0, ..class };
            SetLastError(SENTINEL);
            assert_eq!(RegisterClassExW(&bad_size), 0);
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
            SetLastError(SENTINEL);
            assert_eq!(RegisterClassExW(null()), 0);
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);

            SetLastError(SENTINEL);
            assert!(message_window(&wide("window_exports_no_such_class"), 0).is_null());
            assert_eq!(GetLastError(), ERROR_CANNOT_FIND_WND_CLASS);
            SetLastError(SENTINEL);
            assert_eq!(
                UnregisterClassW(wide("window_exports_no_such_class").as_ptr(), null_mut()),
                FALSE
            );
            assert_eq!(GetLastError(), ERROR_CLASS_DOES_NOT_EXIST);

            let hwnd = message_window(&name, 0);
            assert!(!hwnd.is_null());
            SetLastError(SENTINEL);
            assert_eq!(UnregisterClassW(name.as_ptr(), null_mut()), FALSE);
            assert_eq!(GetLastError(), 1412, "ERROR_CLASS_HAS_WINDOWS");
            SetLastError(SENTINEL);
            assert_eq!(GetWindowLongPtrW(hwnd, 1000), 0);
            assert_eq!(GetLastError(), ERROR_INVALID_INDEX);
            SetLastError(SENTINEL);
            assert_eq!(PostThreadMessageW(0, WM_TEST, 0, 0), FALSE);
            assert_eq!(GetLastError(), ERROR_INVALID_THREAD_ID);

            // A NULL MSG: Windows faults; ws2emu fails with ERROR_INVALID_PARAMETER.
            PostMessageW(hwnd, WM_TEST, 0, 0);
            SetLastError(SENTINEL);
            assert_eq!(GetMessageW(null_mut(), null_mut(), 0, 0), -1);
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
            SetLastError(SENTINEL);
            assert_eq!(PeekMessageW(null_mut(), null_mut(), 0, 0, PM_REMOVE), FALSE);
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
            SetLastError(SENTINEL);
            assert_eq!(DispatchMessageW(null()), 0);
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
            let mut msg = empty_msg();
            assert_eq!(
                PeekMessageW(&mut msg, null_mut(), 0, 0, PM_REMOVE),
                TRUE,
                "still queued"
            );

            // A filter window that is not a window; MSG untouched.
            let mut msg = empty_msg();
            SetLastError(SENTINEL);
            assert_eq!(GetMessageW(&mut msg, 0x1234 as HWND, 0, 0), -1);
            assert_eq!(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
            assert_eq!(msg.message, 0xffff, "MSG written only on success");
            SetLastError(SENTINEL);
            assert_eq!(PeekMessageW(&mut msg, null_mut(), 0, 0, PM_REMOVE), FALSE);
            assert_eq!(GetLastError(), SENTINEL, "an empty queue is not an error");
            assert_eq!(msg.message, 0xffff);

            SetLastError(SENTINEL);
            assert_eq!(GetWindowThreadProcessId(0x1234 as HWND, null_mut()), 0);
            assert_eq!(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);

            let handles = [null_mut(); 64];
            SetLastError(SENTINEL);
            assert_eq!(
                MsgWaitForMultipleObjectsEx(64, handles.as_ptr(), 0, QS_ALLINPUT, 0),
                WAIT_FAILED
            );
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
            SetLastError(SENTINEL);
            assert_eq!(
                MsgWaitForMultipleObjectsEx(1, handles.as_ptr(), 0, QS_ALLINPUT, 0),
                WAIT_FAILED
            );
            assert_eq!(GetLastError(), ERROR_INVALID_HANDLE);
            SetLastError(SENTINEL);
            assert_eq!(
                MsgWaitForMultipleObjectsEx(2, null(), 0, QS_ALLINPUT, 0),
                WAIT_FAILED
            );
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);

            assert_eq!(DestroyWindow(hwnd), TRUE);
            SetLastError(SENTINEL);
            assert_eq!(DestroyWindow(hwnd), FALSE);
            assert_eq!(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
            assert_eq!(UnregisterClassW(name.as_ptr(), null_mut()), TRUE);
        }
    });
}

#[test]
fn refused_creation_returns_null_with_last_error_zero() {
    on_fresh_thread(|| {
        let name = wide("window_exports_refused");
        // SAFETY: valid structures and strings.
        unsafe {
            assert_ne!(
                RegisterClassExW(&window_class(&name, Some(refusing_proc))),
                0
            );
            SetLastError(SENTINEL);
            assert!(message_window(&name, 0).is_null());
            assert_eq!(GetLastError(), 0);
        }
        assert_eq!(logged(), [WM_NCCREATE, WM_NCDESTROY]);
    });
}

#[test]
fn wm_quit_makes_get_message_return_zero() {
    on_fresh_thread(|| {
        PostQuitMessage(3);
        assert_eq!(
            PostThreadMessageA(ws2_os::current_thread_id(), WM_TEST, 1, 0),
            TRUE
        );
        let mut msg = empty_msg();
        // SAFETY: `msg` is writable.
        unsafe {
            assert_eq!(GetMessageA(&mut msg, null_mut(), 0, 0), TRUE);
            assert_eq!((msg.message, msg.wParam), (WM_TEST, 1));
            assert_eq!(PeekMessageA(&mut msg, null_mut(), 0, 0, PM_NOREMOVE), TRUE);
            assert_eq!((msg.message, msg.wParam), (WM_QUIT, 3));
            assert_eq!(GetMessageW(&mut msg, null_mut(), 0, 0), FALSE);
            assert_eq!(
                (msg.hwnd, msg.message, msg.wParam),
                (null_mut(), WM_QUIT, 3)
            );
            assert_eq!(PeekMessageW(&mut msg, null_mut(), 0, 0, PM_REMOVE), FALSE);
        }
    });
}

#[test]
fn window_longs_and_subclassing() {
    on_fresh_thread(|| {
        let name = wide("window_exports_longs");
        let mut class = window_class(&name, Some(logging_proc));
        class.cbWndExtra = 8;
        // SAFETY: valid structures and strings.
        unsafe {
            assert_ne!(RegisterClassExW(&class), 0);
            let hwnd = message_window(&name, 0);
            assert_eq!(
                GetWindowLongPtrW(hwnd, GWLP_WNDPROC),
                logging_proc as *const () as LONG_PTR
            );
            SetLastError(SENTINEL);
            assert_eq!(SetWindowLongPtrW(hwnd, GWLP_USERDATA, 5), 0);
            assert_eq!(
                GetLastError(),
                SENTINEL,
                "a previous value of 0 is not an error"
            );
            assert_eq!(GetWindowLongPtrW(hwnd, GWLP_USERDATA), 5);
            assert_eq!(SetWindowLongPtrW(hwnd, 0, -1), 0);
            assert_eq!(GetWindowLongPtrW(hwnd, 0), -1);
            let old = SetWindowLongPtrW(hwnd, GWLP_WNDPROC, subclass_proc as *const () as LONG_PTR);
            assert_eq!(old, logging_proc as *const () as LONG_PTR);
            assert_eq!(SendMessageW(hwnd, WM_TEST, 0, 0), 77);
            // Restore the original procedure from the value GetWindowLongPtr gave.
            SetWindowLongPtrW(hwnd, GWLP_WNDPROC, old);
            assert_eq!(SendMessageW(hwnd, WM_TEST, 0, 0), 0x1234);
            assert_eq!(logged(), [WM_NCCREATE, WM_CREATE, WM_TEST, WM_TEST]);
            // Cross-thread SendMessage is not implemented (documented divergence).
            let h = hwnd as usize;
            let (result, error) = std::thread::spawn(move || {
                SetLastError(SENTINEL);
                (SendMessageW(h as HWND, WM_TEST, 0, 0), GetLastError())
            })
            .join()
            .unwrap();
            assert_eq!((result, error), (0, ERROR_NOT_SUPPORTED));
            assert_eq!(DestroyWindow(hwnd), TRUE);
        }
    });
}

#[test]
fn null_window_procedure_and_atom_names() {
    // Divergences: a NULL lpfnWndProc gets DefWindowProcW (Windows would fault calling it);
    // registering under an integer atom name is refused (no GlobalAddAtom here).
    on_fresh_thread(|| {
        let name = wide("window_exports_null_proc");
        let wc = WNDCLASSW {
            style: 0,
            lpfnWndProc: None,
            cbClsExtra: 0,
            cbWndExtra: 0,
            hInstance: null_mut(),
            hIcon: null_mut(),
            hCursor: null_mut(),
            hbrBackground: null_mut(),
            lpszMenuName: null(),
            lpszClassName: name.as_ptr(),
        };
        // SAFETY: valid structures and strings.
        unsafe {
            assert_ne!(RegisterClassW(&wc), 0);
            let hwnd = message_window(&name, 0);
            assert!(
                !hwnd.is_null(),
                "DefWindowProc answered WM_NCCREATE with TRUE"
            );
            assert_eq!(SendMessageW(hwnd, WM_TEST, 0, 0), 0);
            assert_eq!(SendMessageW(hwnd, WM_CLOSE, 0, 0), 0);
            assert_eq!(
                IsWindow(hwnd),
                FALSE,
                "DefWindowProc destroyed it on WM_CLOSE"
            );
            let by_atom = WNDCLASSW {
                lpszClassName: 0xC123 as LPCWSTR,
                ..wc
            };
            SetLastError(SENTINEL);
            assert_eq!(RegisterClassW(&by_atom), 0);
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
            SetLastError(SENTINEL);
            assert_eq!(RegisterClassW(null()), 0);
            assert_eq!(GetLastError(), ERROR_INVALID_PARAMETER);
        }
    });
}

#[test]
fn msg_wait_reports_objects_then_input() {
    on_fresh_thread(|| {
        // SAFETY: plain calls; arrays outlive them.
        unsafe {
            let event = CreateEventW(null_mut(), TRUE, FALSE, null());
            assert!(!event.is_null());
            let handles = [event];
            assert_eq!(
                MsgWaitForMultipleObjects(1, handles.as_ptr(), FALSE, 0, QS_ALLINPUT),
                WAIT_TIMEOUT
            );
            assert_eq!(PostMessageA(null_mut(), WM_TEST, 0, 0), TRUE);
            assert_eq!(SetEvent(event), TRUE);
            assert_eq!(
                MsgWaitForMultipleObjects(1, handles.as_ptr(), FALSE, INFINITE, QS_ALLINPUT),
                WAIT_OBJECT_0,
                "objects win"
            );
            assert_eq!(
                MsgWaitForMultipleObjects(1, handles.as_ptr(), TRUE, INFINITE, QS_ALLINPUT),
                WAIT_OBJECT_0,
                "wait-all: the event and input together"
            );
            assert_eq!(
                MsgWaitForMultipleObjectsEx(
                    0,
                    null(),
                    INFINITE,
                    QS_POSTMESSAGE,
                    MWMO_INPUTAVAILABLE
                ),
                WAIT_OBJECT_0,
                "count 0: input is WAIT_OBJECT_0 + 0"
            );
            assert_eq!(CloseHandle(event), TRUE);
        }
    });
}
