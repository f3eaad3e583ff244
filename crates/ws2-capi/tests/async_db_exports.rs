//! The WSAAsyncGetXByY exports and WSACancelAsyncRequest as C callers see them: each request
//! gets a nonzero task handle, its completion message arrives on a message-only window with
//! wParam = the handle and lParam = WSAMAKEASYNCREPLY(size, error), and the structure is packed
//! into the caller's buffer. Only "localhost", numeric addresses and the local services and
//! protocols databases are used (no network). Every call that can fail checks the return value
//! and the last error (sentinel first). Each test creates its own window on its own thread.
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use common::{c, message_window, on_fresh_thread, sentinel, start, wide, window_class, SENTINEL};
use std::ffi::{c_char, CStr};
use std::mem::zeroed;
use std::ptr::{null, null_mut};
use ws2_32::async_db::*;
use ws2_32::last_error;
use ws2_32::user32::*;
use ws2_abi::*;

const WM_ASYNC: u32 = WM_USER + 7;

/// A MAXGETHOSTSTRUCT buffer, 8-byte aligned as a malloc'd one would be.
#[repr(C, align(8))]
struct Buf([u8; MAXGETHOSTSTRUCT as usize]);

impl Buf {
    fn new() -> Box<Self> {
        Box::new(Buf([0xAB; MAXGETHOSTSTRUCT as usize]))
    }
    fn ptr(&mut self) -> *mut c_char {
        self.0.as_mut_ptr().cast()
    }
    fn range(&self) -> std::ops::Range<usize> {
        let start = self.0.as_ptr() as usize;
        start..start + self.0.len()
    }
    fn untouched(&self) -> bool {
        self.0.iter().all(|&b| b == 0xAB)
    }
}

/// A message-only window of the calling thread, destroyed on drop.
struct Window(HWND);

impl Window {
    fn new() -> Self {
        static CLASS: std::sync::Once = std::sync::Once::new();
        let name = wide("async_db_exports");
        CLASS.call_once(|| {
            // SAFETY: a valid WNDCLASSEXW.
            assert_ne!(
                unsafe { RegisterClassExW(&window_class(&name, Some(DefWindowProcW))) },
                0
            );
        });
        let hwnd = message_window(&name, 0);
        assert!(!hwnd.is_null(), "CreateWindowExW: {}", last_error::get());
        Window(hwnd)
    }

    /// The next completion message: (wParam, error, buffer length).
    fn reply(&self) -> (usize, i32, usize) {
        // SAFETY: all-zero is a valid MSG.
        let mut msg: MSG = unsafe { zeroed() };
        // SAFETY: `msg` is writable.
        let r = unsafe { GetMessageW(&mut msg, self.0, WM_ASYNC, WM_ASYNC) };
        assert_eq!(r, TRUE);
        assert_eq!((msg.hwnd, msg.message), (self.0, WM_ASYNC));
        (
            msg.wParam,
            i32::from(WSAGETASYNCERROR(msg.lParam)),
            usize::from(WSAGETASYNCBUFLEN(msg.lParam)),
        )
    }

    /// The reply to `handle`, which must be the next one.
    fn reply_to(&self, handle: HANDLE) -> (i32, usize) {
        let (w, error, len) = self.reply();
        assert_eq!(w, handle as usize, "wParam is the task handle");
        (error, len)
    }

    /// No completion message is waiting.
    fn quiet(&self) -> bool {
        // SAFETY: all-zero is a valid MSG.
        let mut msg: MSG = unsafe { zeroed() };
        // SAFETY: `msg` is writable.
        unsafe { PeekMessageW(&mut msg, self.0, WM_ASYNC, WM_ASYNC, PM_NOREMOVE) == FALSE }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        DestroyWindow(self.0);
    }
}

/// # Safety
/// `p` points into `buf` at a NUL-terminated string.
unsafe fn string_in(buf: &Buf, p: *const c_char) -> String {
    assert!(
        buf.range().contains(&(p as usize)),
        "{p:p} outside the buffer"
    );
    // SAFETY: contract.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
}

/// The strings of a NULL-terminated list, every pointer inside `buf`.
///
/// # Safety
/// `list` points into `buf` at a NULL-terminated list of strings in `buf`.
unsafe fn strings_in(buf: &Buf, list: *mut *mut c_char) -> Vec<String> {
    let mut out = Vec::new();
    let mut p = list;
    loop {
        assert!(
            buf.range().contains(&(p as usize)),
            "{p:p} outside the buffer"
        );
        assert_eq!(p as usize % 8, 0, "pointer list aligned");
        // SAFETY: inside the buffer, a list entry (contract).
        let item = unsafe { *p };
        if item.is_null() {
            return out;
        }
        // SAFETY: contract.
        out.push(unsafe { string_in(buf, item) });
        // SAFETY: the next entry; the list is NULL-terminated.
        p = unsafe { p.add(1) };
    }
}

#[test]
fn host_by_name_and_by_address_pack_a_hostent_into_the_buffer() {
    start();
    on_fresh_thread(|| {
        let window = Window::new();
        let mut buf = Buf::new();
        let name = c("localhost");
        // SAFETY: valid strings and buffer; the buffer outlives the request.
        unsafe {
            let h = WSAAsyncGetHostByName(
                window.0,
                WM_ASYNC,
                name.as_ptr(),
                buf.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert!(!h.is_null(), "{}", last_error::get());
            drop(name); // copied at call time
            let (error, len) = window.reply_to(h);
            assert_eq!(error, 0);
            assert!(len >= std::mem::size_of::<HOSTENT>() && len <= buf.0.len());
            assert!(buf.0[len..].iter().all(|&b| b == 0xAB), "only {len} bytes");
            let host = &*buf.ptr().cast::<HOSTENT>();
            assert_eq!(string_in(&buf, host.h_name), "localhost");
            assert_eq!((host.h_addrtype, host.h_length), (AF_INET as i16, 4));
            strings_in(&buf, host.h_aliases);
            let addrs = host.h_addr_list;
            assert!(buf.range().contains(&(addrs as usize)));
            let first = *addrs;
            assert!(buf.range().contains(&(first as usize)));
            assert_eq!(
                std::slice::from_raw_parts(first.cast::<u8>(), 4),
                [127, 0, 0, 1]
            );

            let mut buf2 = Buf::new();
            let addr = [127u8, 0, 0, 1];
            let h2 = WSAAsyncGetHostByAddr(
                window.0,
                WM_ASYNC,
                addr.as_ptr().cast(),
                4,
                AF_INET,
                buf2.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert!(!h2.is_null());
            assert_ne!(h2, h, "each request has its own handle");
            assert_eq!(window.reply_to(h2).0, 0);
            let host = &*buf2.ptr().cast::<HOSTENT>();
            assert_eq!(host.h_addrtype, AF_INET as i16);
            assert!(!string_in(&buf2, host.h_name).is_empty());
            assert_eq!(
                std::slice::from_raw_parts((*host.h_addr_list).cast::<u8>(), 4),
                addr
            );

            // A numeric name resolves to itself.
            let mut buf3 = Buf::new();
            let numeric = c("10.9.8.7");
            let h3 = WSAAsyncGetHostByName(
                window.0,
                WM_ASYNC,
                numeric.as_ptr(),
                buf3.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert_eq!(window.reply_to(h3).0, 0);
            let host = &*buf3.ptr().cast::<HOSTENT>();
            assert_eq!(
                std::slice::from_raw_parts((*host.h_addr_list).cast::<u8>(), 4),
                [10, 9, 8, 7]
            );
        }
    });
}

#[test]
fn protocols_and_services_pack_their_entries() {
    start();
    on_fresh_thread(|| {
        let window = Window::new();
        // SAFETY: valid strings and buffers that outlive their requests.
        unsafe {
            let mut buf = Buf::new();
            let h = WSAAsyncGetProtoByName(
                window.0,
                WM_ASYNC,
                c("tcp").as_ptr(),
                buf.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert!(!h.is_null());
            assert_eq!(window.reply_to(h).0, 0);
            let p = &*buf.ptr().cast::<PROTOENT>();
            assert_eq!(string_in(&buf, p.p_name), "tcp");
            assert_eq!(p.p_proto, 6);
            strings_in(&buf, p.p_aliases);

            let mut buf = Buf::new();
            let h = WSAAsyncGetProtoByNumber(window.0, WM_ASYNC, 17, buf.ptr(), MAXGETHOSTSTRUCT);
            assert_eq!(window.reply_to(h).0, 0);
            let p = &*buf.ptr().cast::<PROTOENT>();
            assert_eq!(string_in(&buf, p.p_name), "udp");

            let mut buf = Buf::new();
            let h = WSAAsyncGetServByName(
                window.0,
                WM_ASYNC,
                c("http").as_ptr(),
                c("tcp").as_ptr(),
                buf.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert_eq!(window.reply_to(h).0, 0);
            let s = &*buf.ptr().cast::<SERVENT>();
            assert_eq!(string_in(&buf, s.s_name), "http");
            assert_eq!(string_in(&buf, s.s_proto), "tcp");
            assert_eq!(s.s_port, 80u16.to_be() as i16, "network order");
            strings_in(&buf, s.s_aliases);

            let mut buf = Buf::new();
            let h = WSAAsyncGetServByPort(
                window.0,
                WM_ASYNC,
                i32::from(80u16.to_be()),
                null(),
                buf.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert_eq!(window.reply_to(h).0, 0);
            let s = &*buf.ptr().cast::<SERVENT>();
            assert_eq!(string_in(&buf, s.s_name), "http");
        }
    });
}

#[test]
fn a_small_buffer_gets_wsaenobufs_and_the_needed_size() {
    start();
    on_fresh_thread(|| {
        let window = Window::new();
        let name = c("localhost");
        // SAFETY: valid strings and buffers that outlive their requests.
        unsafe {
            let mut buf = Buf::new();
            let h = WSAAsyncGetHostByName(window.0, WM_ASYNC, name.as_ptr(), buf.ptr(), 8);
            assert!(!h.is_null());
            let (error, needed) = window.reply_to(h);
            assert_eq!(error, WSAENOBUFS);
            assert!(needed > std::mem::size_of::<HOSTENT>(), "{needed}");
            assert!(buf.untouched(), "nothing written");

            // One byte short still fails; the size reported is enough.
            let h = WSAAsyncGetHostByName(
                window.0,
                WM_ASYNC,
                name.as_ptr(),
                buf.ptr(),
                needed as i32 - 1,
            );
            assert_eq!(window.reply_to(h), (WSAENOBUFS, needed));
            assert!(buf.untouched());
            let h =
                WSAAsyncGetHostByName(window.0, WM_ASYNC, name.as_ptr(), buf.ptr(), needed as i32);
            assert_eq!(window.reply_to(h), (0, needed));
            assert!(buf.0[needed..].iter().all(|&b| b == 0xAB));
            let host = &*buf.ptr().cast::<HOSTENT>();
            assert_eq!(string_in(&buf, host.h_name), "localhost");

            // A negative length is no room at all.
            let mut buf = Buf::new();
            let h = WSAAsyncGetProtoByNumber(window.0, WM_ASYNC, 6, buf.ptr(), -1);
            let (error, needed) = window.reply_to(h);
            assert_eq!(error, WSAENOBUFS);
            assert!(needed > std::mem::size_of::<PROTOENT>());
            assert!(buf.untouched());
        }
    });
}

#[test]
fn unknown_names_report_the_blocking_functions_errors() {
    start();
    on_fresh_thread(|| {
        let window = Window::new();
        let mut buf = Buf::new();
        let b = buf.ptr();
        let n = MAXGETHOSTSTRUCT;
        let w = window.0;
        // SAFETY: valid strings (or NULL where the test says so) and a buffer that outlives
        // the requests.
        unsafe {
            let cases: Vec<(HANDLE, i32)> = vec![
                (
                    WSAAsyncGetHostByName(w, WM_ASYNC, c("no-such-host.invalid").as_ptr(), b, n),
                    WSAHOST_NOT_FOUND,
                ),
                (
                    WSAAsyncGetProtoByName(w, WM_ASYNC, c("no-such-protocol").as_ptr(), b, n),
                    WSANO_DATA,
                ),
                (
                    WSAAsyncGetProtoByNumber(w, WM_ASYNC, 4242, b, n),
                    WSANO_DATA,
                ),
                (
                    WSAAsyncGetServByName(w, WM_ASYNC, c("no-such-service").as_ptr(), null(), b, n),
                    WSANO_DATA,
                ),
                (
                    WSAAsyncGetServByPort(
                        w,
                        WM_ASYNC,
                        i32::from(1u16.to_be()),
                        c("no-such-proto").as_ptr(),
                        b,
                        n,
                    ),
                    WSANO_DATA,
                ),
                (
                    WSAAsyncGetHostByAddr(
                        w,
                        WM_ASYNC,
                        [127u8, 0, 0, 1].as_ptr().cast(),
                        4,
                        10,
                        b,
                        n,
                    ),
                    WSAEAFNOSUPPORT,
                ),
                (
                    WSAAsyncGetHostByAddr(
                        w,
                        WM_ASYNC,
                        [127u8, 0, 0].as_ptr().cast(),
                        3,
                        AF_INET,
                        b,
                        n,
                    ),
                    WSAEFAULT,
                ),
                // Divergence: Windows faults on a NULL name or buffer; here the message
                // carries WSAEFAULT.
                (WSAAsyncGetProtoByName(w, WM_ASYNC, null(), b, n), WSAEFAULT),
                (
                    WSAAsyncGetServByName(w, WM_ASYNC, null(), null(), b, n),
                    WSAEFAULT,
                ),
                (
                    WSAAsyncGetProtoByNumber(w, WM_ASYNC, 6, null_mut(), n),
                    WSAEFAULT,
                ),
            ];
            // Served in order: the replies come in the order of the requests.
            for (handle, error) in cases {
                assert!(!handle.is_null());
                assert_eq!(window.reply_to(handle), (error, 0), "{handle:p}");
            }
            assert!(buf.untouched());
        }
    });
}

#[test]
fn cancel_prevents_the_message_and_then_fails() {
    start();
    on_fresh_thread(|| {
        let window = Window::new();
        let name = c("localhost");
        let mut cancelled_buf = Buf::new();
        let mut buf = Buf::new();
        // SAFETY: valid strings and buffers that outlive their requests.
        unsafe {
            let hold = hold_worker(); // the request below stays queued
            let doomed = WSAAsyncGetHostByName(
                window.0,
                WM_ASYNC,
                name.as_ptr(),
                cancelled_buf.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert!(!doomed.is_null());
            sentinel();
            assert_eq!(WSACancelAsyncRequest(doomed), 0);
            assert_eq!(last_error::get(), SENTINEL, "success leaves the last error");
            sentinel();
            assert_eq!(WSACancelAsyncRequest(doomed), SOCKET_ERROR, "second cancel");
            assert_eq!(last_error::get(), WSAEALREADY as u32);
            drop(hold);

            // Requests are served in order, so once a later request has replied, the
            // cancelled one would have replied before it.
            let later = WSAAsyncGetHostByName(
                window.0,
                WM_ASYNC,
                name.as_ptr(),
                buf.ptr(),
                MAXGETHOSTSTRUCT,
            );
            assert_eq!(window.reply_to(later), (0, used_len(&buf)));
            assert!(window.quiet(), "no message for the cancelled request");
            assert!(cancelled_buf.untouched(), "its buffer is not written");

            // A finished request cannot be cancelled.
            sentinel();
            assert_eq!(WSACancelAsyncRequest(later), SOCKET_ERROR);
            assert_eq!(last_error::get(), WSAEALREADY as u32);

            for bogus in [0usize, 0x7fff_0000_0000, usize::MAX] {
                sentinel();
                assert_eq!(WSACancelAsyncRequest(bogus as HANDLE), SOCKET_ERROR);
                assert_eq!(last_error::get(), WSAEINVAL as u32, "{bogus:#x}");
            }
        }
    });
}

/// The bytes a completed request used: those no longer holding the fill pattern at the end.
fn used_len(buf: &Buf) -> usize {
    buf.0.len() - buf.0.iter().rev().take_while(|&&b| b == 0xAB).count()
}

#[test]
fn a_message_for_a_destroyed_window_is_dropped() {
    start();
    on_fresh_thread(|| {
        let gone = Window::new();
        let gone_hwnd = gone.0;
        drop(gone);
        let window = Window::new();
        let mut buf = Buf::new();
        // SAFETY: buffers outlive the requests.
        unsafe {
            let lost =
                WSAAsyncGetProtoByNumber(gone_hwnd, WM_ASYNC, 6, buf.ptr(), MAXGETHOSTSTRUCT);
            assert!(!lost.is_null(), "the window is not checked at call time");
            let mut buf2 = Buf::new();
            let h = WSAAsyncGetProtoByNumber(window.0, WM_ASYNC, 6, buf2.ptr(), MAXGETHOSTSTRUCT);
            assert_eq!(window.reply_to(h).0, 0);
        }
    });
}
