//! The upcall table at the C boundary, driven from Rust the way a provider calls it: pointer
//! checks, `*lpErrno`, out-parameters written only on success, the length protocol of
//! WPUGetProviderPath and the field writes of WPUCompleteOverlappedRequest.
#![allow(unsafe_code)] // calls the extern "system" upcalls through their table

use std::ptr::null_mut;
use ws2_32::upcalls::{upcall_table, WPUCompleteOverlappedRequest};
use ws2_abi::*;

const SENTINEL: i32 = 0x5EED;

fn table() -> WSPUPCALLTABLE {
    upcall_table()
}

/// `*lpErrno` after a call that fails, starting from a sentinel.
fn errno_after(call: impl FnOnce(*mut i32) -> bool) -> i32 {
    let mut errno = SENTINEL;
    assert!(call(&mut errno), "call was expected to fail");
    errno
}

#[test]
fn every_slot_is_filled_and_every_copy_is_identical() {
    let (a, b) = (table(), table());
    let slots = |t: &WSPUPCALLTABLE| -> [usize; 15] {
        [
            t.lpWPUCloseEvent.unwrap() as usize,
            t.lpWPUCloseSocketHandle.unwrap() as usize,
            t.lpWPUCreateEvent.unwrap() as usize,
            t.lpWPUCreateSocketHandle.unwrap() as usize,
            t.lpWPUFDIsSet.unwrap() as usize,
            t.lpWPUGetProviderPath.unwrap() as usize,
            t.lpWPUModifyIFSHandle.unwrap() as usize,
            t.lpWPUPostMessage.unwrap() as usize,
            t.lpWPUQueryBlockingCallback.unwrap() as usize,
            t.lpWPUQuerySocketHandleContext.unwrap() as usize,
            t.lpWPUQueueApc.unwrap() as usize,
            t.lpWPUResetEvent.unwrap() as usize,
            t.lpWPUSetEvent.unwrap() as usize,
            t.lpWPUOpenCurrentThread.unwrap() as usize,
            t.lpWPUCloseThread.unwrap() as usize,
        ]
    };
    assert_eq!(
        slots(&a),
        slots(&b),
        "checklist 64: the same pointers in every copy"
    );
}

#[test]
fn null_errno_never_crashes() {
    let t = table();
    // SAFETY: NULL lpErrno is what is under test; the other arguments are plain values.
    unsafe {
        assert_eq!(t.lpWPUSetEvent.unwrap()(null_mut(), null_mut()), FALSE);
        assert_eq!(
            t.lpWPUCloseSocketHandle.unwrap()(0x1234, null_mut()),
            SOCKET_ERROR
        );
        let event = t.lpWPUCreateEvent.unwrap()(null_mut());
        assert!(!event.is_null(), "checklist 16");
        assert_eq!(t.lpWPUCloseEvent.unwrap()(event, null_mut()), TRUE);
    }
}

#[test]
fn socket_context_out_pointer_is_written_only_on_success() {
    let t = table();
    // SAFETY: valid pointers to locals.
    unsafe {
        let s = t.lpWPUCreateSocketHandle.unwrap()(1001, 0x1122_3344_5566_7788, null_mut());
        assert_ne!(s, !0);
        let mut context: DWORD_PTR = 7;
        let errno = errno_after(|e| {
            t.lpWPUQuerySocketHandleContext.unwrap()(s, null_mut(), e) == SOCKET_ERROR
        });
        assert_eq!(errno, WSAEFAULT, "NULL context pointer");
        let errno = errno_after(|e| {
            t.lpWPUQuerySocketHandleContext.unwrap()(0xDEAD0, &mut context, e) == SOCKET_ERROR
        });
        assert_eq!((errno, context), (WSAENOTSOCK, 7), "untouched on failure");
        let mut errno = SENTINEL;
        assert_eq!(
            t.lpWPUQuerySocketHandleContext.unwrap()(s, &mut context, &mut errno),
            0
        );
        assert_eq!(context, 0x1122_3344_5566_7788, "checklist 19: full width");
        assert_eq!(t.lpWPUCloseSocketHandle.unwrap()(s, &mut errno), 0);
    }
}

/// The base provider's GUID and unexpanded path in the default catalog.
const BASE: GUID = GUID {
    Data1: 0xE70F_1AA0,
    Data2: 0xAB8B,
    Data3: 0x11CF,
    Data4: [0x8C, 0xA3, 0x00, 0x80, 0x5F, 0x48, 0xA1, 0x92],
};
const BASE_PATH: &str = "%WS2EMU_LIBDIR%/libws2_base.so";

#[test]
fn provider_path_length_protocol() {
    let t = table();
    let get = t.lpWPUGetProviderPath.unwrap();
    let n = BASE_PATH.encode_utf16().count() as i32;
    let mut guid = BASE;
    // SAFETY: valid pointers to locals; buffer lengths match what is passed.
    unsafe {
        let mut len = 0;
        let errno = errno_after(|e| get(&mut guid, null_mut(), &mut len, e) == SOCKET_ERROR);
        assert_eq!(
            (errno, len),
            (WSAEFAULT, n + 1),
            "checklist 43: room for the terminator"
        );

        let mut buf = [0xAAAAu16; 300];
        let mut len = n;
        let errno = errno_after(|e| get(&mut guid, buf.as_mut_ptr(), &mut len, e) == SOCKET_ERROR);
        assert_eq!((errno, len), (WSAEFAULT, n + 1), "checklist 44");
        assert!(buf.iter().all(|&c| c == 0xAAAA), "buffer untouched");

        let mut len = n + 1;
        let mut errno = SENTINEL;
        assert_eq!(get(&mut guid, buf.as_mut_ptr(), &mut len, &mut errno), 0);
        assert_eq!(len, n, "checklist 45: wcslen on success");
        assert_eq!(
            String::from_utf16(&buf[..n as usize]).unwrap(),
            BASE_PATH,
            "checklist 41: unexpanded"
        );
        assert_eq!(buf[n as usize], 0, "NUL-terminated");

        let mut unknown = GUID {
            Data1: 1,
            Data2: 2,
            Data3: 3,
            Data4: [0; 8],
        };
        let mut len = 300;
        let errno =
            errno_after(|e| get(&mut unknown, buf.as_mut_ptr(), &mut len, e) == SOCKET_ERROR);
        assert_eq!((errno, len), (WSAEINVAL, 300), "checklist 42");

        let errno = errno_after(|e| get(null_mut(), buf.as_mut_ptr(), &mut len, e) == SOCKET_ERROR);
        assert_eq!(errno, WSAEFAULT, "checklist 46: NULL GUID");
        let errno =
            errno_after(|e| get(&mut guid, buf.as_mut_ptr(), null_mut(), e) == SOCKET_ERROR);
        assert_eq!(errno, WSAEFAULT, "checklist 46: NULL length");
    }
}

#[test]
fn apc_and_thread_id_pointers_are_checked() {
    let t = table();
    unsafe extern "system" fn apc(_: DWORD_PTR) {}
    // SAFETY: valid pointers to locals; the APC routine is a real function.
    unsafe {
        let mut data: WSADATA = std::mem::zeroed();
        assert_eq!(ws2_32::winsock::WSAStartup(0x0202, &mut data), 0);
        let errno =
            errno_after(|e| t.lpWPUOpenCurrentThread.unwrap()(null_mut(), e) == SOCKET_ERROR);
        assert_eq!(errno, WSAEFAULT);
        let mut tid = WSATHREADID {
            ThreadHandle: null_mut(),
            Reserved: 0,
        };
        let mut errno = SENTINEL;
        assert_eq!(t.lpWPUOpenCurrentThread.unwrap()(&mut tid, &mut errno), 0);
        assert!(!tid.ThreadHandle.is_null(), "checklist 69");
        let errno = errno_after(|e| t.lpWPUQueueApc.unwrap()(&mut tid, None, 0, e) == SOCKET_ERROR);
        assert_eq!(errno, WSAEFAULT, "checklist 80: NULL routine");
        let errno =
            errno_after(|e| t.lpWPUQueueApc.unwrap()(null_mut(), Some(apc), 0, e) == SOCKET_ERROR);
        assert_eq!(errno, WSAEFAULT, "NULL thread id");
        let mut errno = SENTINEL;
        assert_eq!(t.lpWPUCloseThread.unwrap()(&mut tid, &mut errno), 0);
        assert!(
            tid.ThreadHandle.is_null() && tid.Reserved == 0,
            "checklist 79: zeroed"
        );
        let errno =
            errno_after(|e| t.lpWPUQueueApc.unwrap()(&mut tid, Some(apc), 0, e) == SOCKET_ERROR);
        assert_eq!(errno, WSAEFAULT, "checklist 79: closed identity");
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
}

fn overlapped(event: HANDLE) -> WSAOVERLAPPED {
    WSAOVERLAPPED {
        Internal: WSS_OPERATION_IN_PROGRESS,
        InternalHigh: 0,
        Offset: 0,
        OffsetHigh: 0,
        hEvent: event,
    }
}

#[test]
fn complete_overlapped_request_writes_fields_then_notifies() {
    let t = table();
    // SAFETY: valid pointers to locals; handles come from the upcalls themselves.
    unsafe {
        let s = t.lpWPUCreateSocketHandle.unwrap()(1001, 0, null_mut());
        let event = t.lpWPUCreateEvent.unwrap()(null_mut());
        let mut ov = overlapped(event);
        let mut errno = SENTINEL;
        assert_eq!(
            WPUCompleteOverlappedRequest(s, &mut ov, 0, 123, &mut errno),
            0
        );
        assert_eq!((ov.InternalHigh, ov.Internal), (123, 0), "checklist 85");
        assert_eq!(ov.hEvent, event, "hEvent untouched");
        assert_eq!(
            ws2_32::kernel32::WaitForSingleObject(event, 0),
            WAIT_OBJECT_0,
            "event signalled"
        );

        let errno =
            errno_after(|e| WPUCompleteOverlappedRequest(s, null_mut(), 0, 0, e) == SOCKET_ERROR);
        assert_eq!(errno, WSA_INVALID_PARAMETER, "checklist 89");

        let mut untouched = overlapped(null_mut());
        let errno = errno_after(|e| {
            WPUCompleteOverlappedRequest(0x1234, &mut untouched, 0, 5, e) == SOCKET_ERROR
        });
        assert_eq!(
            (errno, untouched.Internal),
            (WSAEINVAL, WSS_OPERATION_IN_PROGRESS),
            "checklist 88"
        );

        let mut reset = overlapped(null_mut());
        let mut errno = SENTINEL;
        assert_eq!(
            WPUCompleteOverlappedRequest(s, &mut reset, WSAECONNRESET as u32, 7, &mut errno),
            0
        );
        assert_eq!(
            reset.Internal, STATUS_CONNECTION_RESET as usize,
            "an NTSTATUS, never 0x103"
        );

        assert_eq!(t.lpWPUCloseSocketHandle.unwrap()(s, &mut errno), 0);
        let errno =
            errno_after(|e| WPUCompleteOverlappedRequest(s, &mut ov, 0, 0, e) == SOCKET_ERROR);
        assert_eq!(errno, WSAEINVAL, "checklist 94");
        t.lpWPUCloseEvent.unwrap()(event, null_mut());
    }
}

#[test]
fn completion_port_packets_and_the_event_bit() {
    use ws2_32::kernel32::{
        CloseHandle, CreateIoCompletionPort, GetQueuedCompletionStatus, WaitForSingleObject,
    };
    let t = table();
    // SAFETY: valid pointers to locals; handles come from the runtime itself.
    unsafe {
        let s = t.lpWPUCreateSocketHandle.unwrap()(1001, 0, null_mut());
        let port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null_mut(), 0, 0);
        assert_eq!(
            CreateIoCompletionPort(s as HANDLE, port, 0x4B, 0),
            port,
            "checklist 30"
        );
        let event = t.lpWPUCreateEvent.unwrap()(null_mut());

        let mut both = overlapped(event);
        assert_eq!(
            WPUCompleteOverlappedRequest(s, &mut both, 0, 123, null_mut()),
            0
        );
        let (mut bytes, mut key, mut ov) = (0u32, 0usize, null_mut());
        assert_eq!(
            GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut ov, 0),
            TRUE,
            "checklist 90"
        );
        assert_eq!((bytes, key, ov), (123, 0x4B, &mut both as *mut _));
        assert_eq!(
            WaitForSingleObject(event, 0),
            WAIT_OBJECT_0,
            "checklist 91: event too"
        );

        t.lpWPUResetEvent.unwrap()(event, null_mut());
        let mut no_port = overlapped((event as usize | 1) as HANDLE);
        assert_eq!(
            WPUCompleteOverlappedRequest(s, &mut no_port, 0, 1, null_mut()),
            0
        );
        assert_eq!(
            WaitForSingleObject(event, 0),
            WAIT_OBJECT_0,
            "checklist 92: event signalled"
        );
        assert_eq!(
            GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut ov, 0),
            FALSE,
            "no packet"
        );
        assert!(ov.is_null());
        assert_eq!(ws2_32::last_error::get(), WAIT_TIMEOUT);

        let mut failed = overlapped(null_mut());
        assert_eq!(
            WPUCompleteOverlappedRequest(s, &mut failed, WSAECONNRESET as u32, 9, null_mut()),
            0
        );
        assert_eq!(
            GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut ov, 0),
            FALSE,
            "checklist 95"
        );
        assert_eq!((bytes, ov), (9, &mut failed as *mut _));
        assert_eq!(ws2_32::last_error::get(), ERROR_NETNAME_DELETED);

        t.lpWPUCloseSocketHandle.unwrap()(s, null_mut());
        assert_eq!(CloseHandle(port), TRUE);
        t.lpWPUCloseEvent.unwrap()(event, null_mut());
    }
}
