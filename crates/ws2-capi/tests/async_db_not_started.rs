//! Before WSAStartup (and after the last WSACleanup) the WSAAsyncGetXByY functions return 0 and
//! WSACancelAsyncRequest SOCKET_ERROR, with WSANOTINITIALISED, and no message is posted. A
//! request still pending at the last WSACleanup completes and posts (a divergence: ReactOS's
//! ws2_32 stops its async thread at the last cleanup). Its own process: WSAStartup is
//! process-wide.
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use common::{message_window, wide, window_class, SENTINEL};
use std::ffi::{c_char, CString};
use std::mem::zeroed;
use std::ptr::null;
use ws2_32::async_db::*;
use ws2_32::last_error;
use ws2_32::user32::*;
use ws2_32::winsock::{WSACleanup, WSAStartup};
use ws2_abi::*;

const WM_ASYNC: u32 = WM_USER + 9;

fn check_not_started(hwnd: HWND, buf: *mut c_char) {
    let name = CString::new("localhost").unwrap();
    let n = WSANOTINITIALISED as u32;
    let len = MAXGETHOSTSTRUCT;
    let addr = [127u8, 0, 0, 1];
    // SAFETY: valid strings and buffer; no request is accepted.
    unsafe {
        let calls: [(&str, (HANDLE, u32)); 6] = [
            (
                "WSAAsyncGetHostByName",
                call(|| WSAAsyncGetHostByName(hwnd, WM_ASYNC, name.as_ptr(), buf, len)),
            ),
            (
                "WSAAsyncGetHostByAddr",
                call(|| {
                    WSAAsyncGetHostByAddr(
                        hwnd,
                        WM_ASYNC,
                        addr.as_ptr().cast(),
                        4,
                        AF_INET,
                        buf,
                        len,
                    )
                }),
            ),
            (
                "WSAAsyncGetProtoByName",
                call(|| WSAAsyncGetProtoByName(hwnd, WM_ASYNC, name.as_ptr(), buf, len)),
            ),
            (
                "WSAAsyncGetProtoByNumber",
                call(|| WSAAsyncGetProtoByNumber(hwnd, WM_ASYNC, 6, buf, len)),
            ),
            (
                "WSAAsyncGetServByName",
                call(|| WSAAsyncGetServByName(hwnd, WM_ASYNC, name.as_ptr(), null(), buf, len)),
            ),
            (
                "WSAAsyncGetServByPort",
                call(|| {
                    WSAAsyncGetServByPort(hwnd, WM_ASYNC, 80u16.to_be().into(), null(), buf, len)
                }),
            ),
        ];
        for (what, (handle, error)) in calls {
            assert!(handle.is_null(), "{what}");
            assert_eq!(error, n, "{what}");
        }
        last_error::set(SENTINEL);
        assert_eq!(WSACancelAsyncRequest(1 as HANDLE), SOCKET_ERROR);
        assert_eq!(last_error::get(), n);
    }
}

/// Runs one call after setting the sentinel: its result and the last error right after.
fn call(f: impl FnOnce() -> HANDLE) -> (HANDLE, u32) {
    last_error::set(SENTINEL);
    let handle = f();
    (handle, last_error::get())
}

fn no_message(hwnd: HWND) -> bool {
    // SAFETY: all-zero is a valid MSG; `msg` is writable.
    unsafe {
        let mut msg: MSG = zeroed();
        PeekMessageW(&mut msg, hwnd, WM_ASYNC, WM_ASYNC, PM_NOREMOVE) == FALSE
    }
}

fn wait(hwnd: HWND) -> (usize, u16) {
    // SAFETY: all-zero is a valid MSG; `msg` is writable.
    unsafe {
        let mut msg: MSG = zeroed();
        assert_eq!(GetMessageW(&mut msg, hwnd, WM_ASYNC, WM_ASYNC), TRUE);
        (msg.wParam, WSAGETASYNCERROR(msg.lParam))
    }
}

#[test]
fn before_startup_and_after_cleanup() {
    let class = wide("async_db_not_started");
    let mut buf = vec![0xABu8; MAXGETHOSTSTRUCT as usize];
    // SAFETY: valid structures, strings and buffer throughout.
    unsafe {
        assert_ne!(
            RegisterClassExW(&window_class(&class, Some(DefWindowProcW))),
            0
        );
        let hwnd = message_window(&class, 0);
        assert!(!hwnd.is_null());
        let b = buf.as_mut_ptr().cast::<c_char>();

        check_not_started(hwnd, b);

        let mut data: WSADATA = zeroed();
        assert_eq!(WSAStartup(0x0202, &mut data), 0);
        let h = WSAAsyncGetProtoByNumber(hwnd, WM_ASYNC, 6, b, MAXGETHOSTSTRUCT);
        assert!(!h.is_null());
        assert_eq!(wait(hwnd), (h as usize, 0));

        // Pending at the last WSACleanup: still completes (divergence, see above).
        let hold = hold_worker();
        let pending = WSAAsyncGetProtoByNumber(hwnd, WM_ASYNC, 17, b, MAXGETHOSTSTRUCT);
        assert!(!pending.is_null());
        assert_eq!(WSACleanup(), 0);
        check_not_started(hwnd, b);
        drop(hold);
        assert_eq!(wait(hwnd), (pending as usize, 0));
        assert!(no_message(hwnd), "the refused calls posted nothing");
        DestroyWindow(hwnd);
    }
}
