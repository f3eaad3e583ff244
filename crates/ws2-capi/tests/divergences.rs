//! Known divergences from Windows (ARCHITECTURE.md), each shown by a test so that a change of
//! behaviour is noticed and the documentation updated with it.
#![allow(unsafe_code)] // calls the extern "system" exports

use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering};
use ws2_32::kernel32::{CloseHandle, CreateEventW, CreateSemaphoreW};
use ws2_32::upcalls::{upcall_table, WSApSetPostRoutine};
use ws2_abi::*;

#[test]
fn named_kernel_objects_are_not_supported() {
    let name: Vec<u16> = "Global\\ws2emu".encode_utf16().chain([0]).collect();
    ws2_32::last_error::set(0);
    assert!(CreateEventW(null_mut(), TRUE, FALSE, name.as_ptr()).is_null());
    assert_eq!(ws2_32::last_error::get(), ERROR_NOT_SUPPORTED);
    assert!(CreateSemaphoreW(null_mut(), 0, 1, name.as_ptr()).is_null());
    assert_eq!(ws2_32::last_error::get(), ERROR_NOT_SUPPORTED);
    let unnamed = CreateEventW(null_mut(), TRUE, FALSE, std::ptr::null());
    assert!(!unnamed.is_null());
    assert_eq!(CloseHandle(unnamed), TRUE);
}

#[test]
fn close_thread_with_an_invalid_identity_is_wsaefault() {
    let t = upcall_table();
    // SAFETY: valid pointers to locals.
    unsafe {
        let mut data: WSADATA = std::mem::zeroed();
        assert_eq!(ws2_32::winsock::WSAStartup(0x0202, &mut data), 0);
        let mut zeroed = WSATHREADID {
            ThreadHandle: null_mut(),
            Reserved: 0,
        };
        let mut errno = 0;
        assert_eq!(
            t.lpWPUCloseThread.unwrap()(&mut zeroed, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT);
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
}

static POSTED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "system" fn counting_post_routine(_: HWND, msg: UINT, _: WPARAM, _: LPARAM) -> BOOL {
    POSTED.store(msg as usize, Ordering::SeqCst);
    TRUE
}

// The post routine is process-wide: this is the only test in this binary that posts.
#[test]
fn post_routine_replacement_and_null_restores_postmessage() {
    let post = upcall_table().lpWPUPostMessage.unwrap();
    // SAFETY: the routine is a valid LPWPUPOSTMESSAGE; the HWND is deliberately bogus.
    unsafe {
        assert_eq!(WSApSetPostRoutine(Some(counting_post_routine)), 0);
        assert_eq!(
            post(0x1234 as HWND, WM_USER + 5, 0, 0),
            TRUE,
            "goes through the routine"
        );
        assert_eq!(POSTED.load(Ordering::SeqCst), (WM_USER + 5) as usize);
        assert_eq!(WSApSetPostRoutine(None), 0);
        assert_eq!(
            post(0x1234 as HWND, WM_USER + 6, 0, 0),
            FALSE,
            "PostMessage semantics again"
        );
        assert_eq!(ws2_32::last_error::get(), ERROR_INVALID_WINDOW_HANDLE);
        assert_eq!(POSTED.load(Ordering::SeqCst), (WM_USER + 5) as usize);
    }
}

#[test]
fn close_handle_on_a_minted_socket_forgets_it() {
    let t = upcall_table();
    // SAFETY: plain values and valid pointers to locals.
    unsafe {
        let s = t.lpWPUCreateSocketHandle.unwrap()(1001, 42, null_mut());
        assert_eq!(CloseHandle(s as HANDLE), TRUE);
        let (mut context, mut errno) = (0, 0);
        assert_eq!(
            t.lpWPUQuerySocketHandleContext.unwrap()(s, &mut context, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAENOTSOCK);
    }
}
