//! CancelIo, CancelIoEx and SetFileCompletionNotificationModes on sockets of the built-in base
//! provider, through the client API as a C caller uses them: cancelled requests complete with
//! 995 through their event and their completion port, exactly once; CancelIo only touches the
//! calling thread's requests; ERROR_NOT_FOUND / ERROR_INVALID_HANDLE / ERROR_INVALID_PARAMETER;
//! FILE_SKIP_COMPLETION_PORT_ON_SUCCESS suppresses the packet of an immediate completion only.
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use common::{pair, start_with_base, SENTINEL};
use std::ptr::null_mut;
use ws2_32::client::*;
use ws2_32::io::{CancelIo, CancelIoEx, SetFileCompletionNotificationModes};
use ws2_32::kernel32::{
    CloseHandle, CreateIoCompletionPort, GetOverlappedResult, GetQueuedCompletionStatus,
    WaitForSingleObject,
};
use ws2_32::last_error;
use ws2_32::winsock::{WSACloseEvent, WSACreateEvent};
use ws2_abi::*;

const LONG_MS: DWORD = 10_000;

/// A pending request: its overlapped, its buffer and WSABUF (kept alive until completion).
struct Pending {
    ov: Box<WSAOVERLAPPED>,
    buf: Box<[u8; 64]>,
    wsabuf: Box<WSABUF>,
}

fn overlapped(event: WSAEVENT) -> Box<WSAOVERLAPPED> {
    // SAFETY: all-zero is a valid overlapped.
    let mut ov: Box<WSAOVERLAPPED> = Box::new(unsafe { std::mem::zeroed() });
    ov.hEvent = event;
    ov
}

/// WSARecv on `s` with `event`: returns the request, asserting `pending` (WSA_IO_PENDING) or
/// immediate success.
fn recv(s: SOCKET, event: WSAEVENT, pending: bool) -> Pending {
    let mut p = Pending {
        ov: overlapped(event),
        buf: Box::new([0; 64]),
        wsabuf: Box::new(WSABUF {
            len: 64,
            buf: null_mut(),
        }),
    };
    p.wsabuf.buf = p.buf.as_mut_ptr().cast();
    let mut flags = 0;
    let mut n = 0;
    // SAFETY: everything stays alive in `p` until the request completes.
    let rc = unsafe { WSARecv(s, &mut *p.wsabuf, 1, &mut n, &mut flags, &mut *p.ov, None) };
    if pending {
        assert_eq!(
            (rc, ws2_32::last_error::WSAGetLastError()),
            (SOCKET_ERROR, WSA_IO_PENDING)
        );
    } else {
        assert_eq!(
            rc,
            0,
            "immediate receive, error {}",
            ws2_32::last_error::WSAGetLastError()
        );
    }
    p
}

fn send_bytes(s: SOCKET, data: &[u8]) {
    // SAFETY: a readable buffer of that length.
    let n = unsafe { send(s, data.as_ptr().cast(), data.len() as i32, 0) };
    assert_eq!(n, data.len() as i32);
}

fn ovp(ov: &WSAOVERLAPPED) -> usize {
    ov as *const WSAOVERLAPPED as usize
}

/// The next packet of `port` within `ms`: (ok, bytes, key, overlapped, last error).
fn dequeue(port: HANDLE, ms: DWORD) -> (BOOL, DWORD, usize, usize, u32) {
    let (mut n, mut key, mut got) = (0, 0, null_mut());
    last_error::set(SENTINEL);
    // SAFETY: writable out-parameters.
    let ok = unsafe { GetQueuedCompletionStatus(port, &mut n, &mut key, &mut got, ms) };
    (ok, n, key, got as usize, last_error::get())
}

fn aborted_by_event(s: SOCKET, p: &mut Pending) {
    assert_eq!(WaitForSingleObject(p.ov.hEvent, LONG_MS), WAIT_OBJECT_0);
    assert_eq!(p.ov.Internal, STATUS_CANCELLED as usize);
    let (mut n, mut flags) = (SENTINEL, 0);
    last_error::set(SENTINEL);
    // SAFETY: the completed request's overlapped.
    let ok = unsafe { WSAGetOverlappedResult(s, &mut *p.ov, &mut n, FALSE, &mut flags) };
    assert_eq!(
        (ok, ws2_32::last_error::WSAGetLastError()),
        (FALSE, WSA_OPERATION_ABORTED)
    );
    last_error::set(SENTINEL);
    // SAFETY: as above.
    let ok = unsafe { GetOverlappedResult(s as HANDLE, &mut *p.ov, &mut n, FALSE) };
    assert_eq!((ok, last_error::get()), (FALSE, ERROR_OPERATION_ABORTED));
}

#[test]
fn cancel_io_ex_one_request_completes_it_with_995_by_event() {
    let (client, server) = pair();
    let event = WSACreateEvent();
    let mut p = recv(server, event, true);
    last_error::set(SENTINEL);
    assert_eq!(CancelIoEx(server as HANDLE, &mut *p.ov), TRUE);
    aborted_by_event(server, &mut p);
    // Once only: it is no longer pending.
    last_error::set(SENTINEL);
    assert_eq!(CancelIoEx(server as HANDLE, &mut *p.ov), FALSE);
    assert_eq!(last_error::get(), ERROR_NOT_FOUND);
    // The connection still works: a new receive gets the data.
    let event2 = WSACreateEvent();
    let mut q = recv(server, event2, true);
    send_bytes(client, b"after");
    assert_eq!(WaitForSingleObject(event2, LONG_MS), WAIT_OBJECT_0);
    assert_eq!((q.ov.Internal, q.ov.InternalHigh), (0, 5));
    assert_eq!(&q.buf[..5], b"after");
    let _ = &mut q;
    assert_eq!(WSACloseEvent(event), TRUE);
    assert_eq!(WSACloseEvent(event2), TRUE);
    assert_eq!(closesocket(client), 0);
    assert_eq!(closesocket(server), 0);
}

#[test]
fn cancel_io_ex_with_null_cancels_all_through_the_completion_port() {
    let (client, server) = pair();
    let port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null_mut(), 0, 0);
    assert!(!port.is_null());
    assert_eq!(
        CreateIoCompletionPort(server as HANDLE, port, 0x77, 0),
        port
    );
    let a = recv(server, null_mut(), true);
    let b = recv(server, null_mut(), true);
    // Matching a third, never-issued overlapped finds nothing.
    let mut other = overlapped(null_mut());
    last_error::set(SENTINEL);
    assert_eq!(CancelIoEx(server as HANDLE, &mut *other), FALSE);
    assert_eq!(last_error::get(), ERROR_NOT_FOUND);
    assert_eq!(CancelIoEx(server as HANDLE, null_mut()), TRUE);
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (ok, n, key, got, err) = dequeue(port, LONG_MS);
        assert_eq!((ok, n, key, err), (FALSE, 0, 0x77, ERROR_OPERATION_ABORTED));
        seen.push(got);
    }
    seen.sort();
    let mut want = vec![ovp(&a.ov), ovp(&b.ov)];
    want.sort();
    assert_eq!(seen, want);
    // Exactly once: no third packet, and nothing left to cancel.
    assert_eq!(dequeue(port, 50).4, WAIT_TIMEOUT);
    last_error::set(SENTINEL);
    assert_eq!(CancelIoEx(server as HANDLE, null_mut()), FALSE);
    assert_eq!(last_error::get(), ERROR_NOT_FOUND);
    assert_eq!(closesocket(client), 0);
    assert_eq!(closesocket(server), 0);
    assert_eq!(CloseHandle(port), TRUE);
}

#[test]
fn cancel_io_touches_only_the_calling_threads_requests() {
    let (client, server) = pair();
    let event = WSACreateEvent();
    let mut mine = recv(server, event, true);
    let handle = server;
    // Another thread: CancelIo succeeds (nothing of its own to cancel) and leaves ours pending;
    // CancelIoEx from there cancels it.
    let (ok, err) = std::thread::spawn(move || {
        last_error::set(SENTINEL);
        let ok = CancelIo(handle as HANDLE);
        (ok, last_error::get())
    })
    .join()
    .unwrap();
    assert_eq!((ok, err), (TRUE, SENTINEL));
    assert_eq!(mine.ov.Internal, WSS_OPERATION_IN_PROGRESS);
    assert_eq!(WaitForSingleObject(event, 0), WAIT_TIMEOUT);
    // This thread's CancelIo cancels it.
    assert_eq!(CancelIo(server as HANDLE), TRUE);
    aborted_by_event(server, &mut mine);
    // Cross-thread CancelIoEx.
    let mut again = recv(server, event, true);
    let target = ovp(&again.ov);
    let ok = std::thread::spawn(move || CancelIoEx(handle as HANDLE, target as LPOVERLAPPED))
        .join()
        .unwrap();
    assert_eq!(ok, TRUE);
    aborted_by_event(server, &mut again);
    assert_eq!(WSACloseEvent(event), TRUE);
    assert_eq!(closesocket(client), 0);
    assert_eq!(closesocket(server), 0);
}

#[test]
fn errors_for_handles_that_are_not_sockets_and_bad_flags() {
    start_with_base();
    let event = WSACreateEvent();
    for h in [event as HANDLE, 0x4000_1234usize as HANDLE, null_mut()] {
        last_error::set(SENTINEL);
        assert_eq!(CancelIoEx(h, null_mut()), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        last_error::set(SENTINEL);
        assert_eq!(CancelIo(h), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        last_error::set(SENTINEL);
        assert_eq!(SetFileCompletionNotificationModes(h, 1), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
    }
    let (client, server) = pair();
    // Nothing pending on a socket: CancelIoEx fails, CancelIo succeeds.
    last_error::set(SENTINEL);
    assert_eq!(CancelIoEx(server as HANDLE, null_mut()), FALSE);
    assert_eq!(last_error::get(), ERROR_NOT_FOUND);
    assert_eq!(CancelIo(server as HANDLE), TRUE);
    for bad in [4u8, 0x80, 0xff] {
        last_error::set(SENTINEL);
        assert_eq!(
            SetFileCompletionNotificationModes(server as HANDLE, bad),
            FALSE
        );
        assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
    }
    assert_eq!(
        SetFileCompletionNotificationModes(server as HANDLE, 0),
        TRUE
    );
    assert_eq!(
        SetFileCompletionNotificationModes(server as HANDLE, FILE_SKIP_SET_EVENT_ON_HANDLE),
        TRUE
    );
    assert_eq!(WSACloseEvent(event), TRUE);
    assert_eq!(closesocket(client), 0);
    assert_eq!(closesocket(server), 0);
}

#[test]
fn skip_completion_port_on_success_drops_only_immediate_packets() {
    let (client, server) = pair();
    let port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null_mut(), 0, 0);
    assert_eq!(
        CreateIoCompletionPort(server as HANDLE, port, 0x31, 0),
        port
    );
    // Default mode: an immediate completion still queues a packet.
    send_bytes(client, b"one");
    wait_readable(server);
    let first = recv(server, null_mut(), false);
    let (ok, n, key, got, _) = dequeue(port, LONG_MS);
    assert_eq!((ok, n, key, got), (TRUE, 3, 0x31, ovp(&first.ov)));
    assert_eq!(
        SetFileCompletionNotificationModes(server as HANDLE, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS),
        TRUE
    );
    // Immediate success: no packet, the fields are written.
    send_bytes(client, b"two!");
    wait_readable(server);
    let second = recv(server, null_mut(), false);
    assert_eq!((second.ov.Internal, second.ov.InternalHigh), (0, 4));
    assert_eq!(dequeue(port, 50).4, WAIT_TIMEOUT);
    // Pending, then completed: the packet still comes.
    let third = recv(server, null_mut(), true);
    send_bytes(client, b"three");
    let (ok, n, key, got, _) = dequeue(port, LONG_MS);
    assert_eq!((ok, n, key, got), (TRUE, 5, 0x31, ovp(&third.ov)));
    // Cancelled while pending: the packet comes too.
    let fourth = recv(server, null_mut(), true);
    assert_eq!(CancelIoEx(server as HANDLE, null_mut()), TRUE);
    let (ok, _, _, got, err) = dequeue(port, LONG_MS);
    assert_eq!(
        (ok, got, err),
        (FALSE, ovp(&fourth.ov), ERROR_OPERATION_ABORTED)
    );
    assert_eq!(closesocket(client), 0);
    assert_eq!(closesocket(server), 0);
    assert_eq!(CloseHandle(port), TRUE);
}

/// Waits until `s` has data (select), so that the next receive completes at once.
fn wait_readable(s: SOCKET) {
    // SAFETY: all-zero is an empty fd_set.
    let mut set: fd_set = unsafe { std::mem::zeroed() };
    set.fd_count = 1;
    set.fd_array[0] = s;
    let tv = TIMEVAL {
        tv_sec: 10,
        tv_usec: 0,
    };
    // SAFETY: valid sets and timeout.
    let n = unsafe { select(0, &mut set, null_mut(), null_mut(), &tv) };
    assert_eq!(n, 1);
}

/// Divergence (ARCHITECTURE.md): a socket minted by WPUCreateSocketHandle (a non-IFS provider's,
/// whose requests only that provider knows) cannot be cancelled or given completion modes here.
#[test]
fn minted_sockets_are_not_supported() {
    start_with_base();
    let mut errno = 0;
    // SAFETY: a writable errno.
    let s = unsafe { ws2_32::upcalls::wpu_create_socket_handle(1001, 0x1234, &mut errno) };
    assert_ne!(s, INVALID_SOCKET, "WPUCreateSocketHandle: {errno}");
    last_error::set(SENTINEL);
    assert_eq!(CancelIoEx(s as HANDLE, null_mut()), FALSE);
    assert_eq!(last_error::get(), ERROR_NOT_SUPPORTED);
    last_error::set(SENTINEL);
    assert_eq!(CancelIo(s as HANDLE), FALSE);
    assert_eq!(last_error::get(), ERROR_NOT_SUPPORTED);
    last_error::set(SENTINEL);
    assert_eq!(
        SetFileCompletionNotificationModes(s as HANDLE, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS),
        FALSE
    );
    assert_eq!(last_error::get(), ERROR_NOT_SUPPORTED);
    // SAFETY: as above.
    assert_eq!(
        unsafe { ws2_32::upcalls::wpu_close_socket_handle(s, &mut errno) },
        0
    );
}
