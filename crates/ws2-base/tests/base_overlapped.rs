//! Overlapped I/O on the base provider (spec §6, checklist 83–99): every completion style, the
//! results, errors and aborts, and the extension functions (AcceptEx, GetAcceptExSockaddrs,
//! ConnectEx, DisconnectEx), plus WSPDuplicateSocket.
#![allow(unsafe_code)] // calls the provider and ws2_32 through C function pointers

mod base_common;
use base_common::asyncio::*;
use base_common::*;
use std::cell::RefCell;
use std::ptr::null_mut;
use ws2_32::kernel32::{CloseHandle, CreateIoCompletionPort, GetQueuedCompletionStatus, SleepEx};
use ws2_32::last_error::WSAGetLastError;
use ws2_abi::*;

/// (thread, error, bytes, overlapped, flags) of a completion routine call.
type Call = (std::thread::ThreadId, u32, u32, usize, u32);

thread_local! {
    static RAN: RefCell<Vec<Call>> =
        const { RefCell::new(Vec::new()) };
}

unsafe extern "system" fn routine(error: DWORD, bytes: DWORD, ov: LPWSAOVERLAPPED, flags: DWORD) {
    RAN.with(|r| {
        r.borrow_mut().push((
            std::thread::current().id(),
            error,
            bytes,
            ov as usize,
            flags,
        ))
    });
}

fn ran() -> Vec<(u32, u32, usize, u32)> {
    RAN.with(|r| {
        r.borrow_mut()
            .drain(..)
            .map(|(t, e, b, o, f)| {
                assert_eq!(t, std::thread::current().id(), "on the issuing thread");
                (e, b, o, f)
            })
            .collect()
    })
}

fn ovp(ov: &mut WSAOVERLAPPED) -> usize {
    ov as *mut WSAOVERLAPPED as usize
}

#[test]
fn event_completion_and_get_overlapped_result() {
    let p = started();
    let (_l, c, s) = p.tcp_pair(TCP4);
    let ev = manual_event();
    let mut ov = overlapped(ev);
    let mut buf = [0u8; 16];
    assert_eq!(
        p.recv_ov(s, &mut buf, &mut ov, None, None),
        Err(WSA_IO_PENDING),
        "checklist 83"
    );
    assert_eq!(ov.Internal, WSS_OPERATION_IN_PROGRESS);
    assert_eq!(
        p.result(s, &mut ov, false),
        Err(WSA_IO_INCOMPLETE),
        "checklist 84"
    );
    assert!(!signalled(ev, 0));
    p.send(c, b"hello").unwrap();
    assert!(signalled(ev, LONG_MS));
    assert_eq!(p.result(s, &mut ov, true), Ok((5, 0)), "checklist 86");
    assert_eq!((ov.Internal, ov.InternalHigh), (0, 5));
    assert_eq!(&buf[..5], b"hello");

    // fWait TRUE waits for a completion that comes from another thread.
    let mut ov2 = overlapped(ev);
    assert_eq!(
        p.recv_ov(s, &mut buf, &mut ov2, None, None),
        Err(WSA_IO_PENDING)
    );
    assert!(!signalled(ev, 0), "the request reset its event");
    let sender = std::thread::spawn(move || started().send(c, b"abc").unwrap());
    assert_eq!(p.result(s, &mut ov2, true), Ok((3, 0)));
    sender.join().unwrap();

    // Immediate success still signals the event.
    p.send(c, b"now").unwrap();
    readable(p, s);
    let mut ov3 = overlapped(ev);
    assert_eq!(p.recv_ov(s, &mut buf, &mut ov3, None, None), Ok((3, 0)));
    assert!(signalled(ev, 0));
    assert_eq!(p.result(s, &mut ov3, false), Ok((3, 0)));
    close_handle(ev);
}

fn readable(p: &Provider, s: SOCKET) {
    let t = TIMEVAL {
        tv_sec: 10,
        tv_usec: 0,
    };
    assert_eq!(p.select(&[s], &[], &[], Some(t)).unwrap().0, 1);
}

#[test]
fn completion_routines_run_on_the_issuing_thread_in_alertable_waits() {
    let p = started();
    let (_l, c, s) = p.tcp_pair(TCP4);
    let mut me = current_thread();
    let mut ov = overlapped(null_mut());
    let mut buf = [0u8; 16];
    let r = p.recv_ov(s, &mut buf, &mut ov, Some(routine), Some(&mut me));
    assert_eq!(r, Err(WSA_IO_PENDING));
    p.send(c, b"12345").unwrap();
    assert!(ran().is_empty(), "never inside the call");
    assert_eq!(SleepEx(LONG_MS, TRUE), WAIT_IO_COMPLETION, "checklist 97");
    assert_eq!(ran(), [(0, 5, ovp(&mut ov), 0)]);

    // Immediate success: the routine still runs, at the next alertable wait (checklist 98).
    p.send(c, b"xy").unwrap();
    readable(p, s);
    let mut ov2 = overlapped(null_mut());
    let r = p.recv_ov(s, &mut buf, &mut ov2, Some(routine), Some(&mut me));
    assert_eq!(r, Ok((2, 0)));
    assert!(ran().is_empty());
    assert_eq!(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    assert_eq!(ran(), [(0, 2, ovp(&mut ov2), 0)]);

    // A routine without a thread identity: WSAEFAULT.
    let mut ov3 = overlapped(null_mut());
    assert_eq!(
        p.recv_ov(s, &mut buf, &mut ov3, Some(routine), None),
        Err(WSAEFAULT)
    );
    close_thread(me);
}

#[test]
fn completion_ports_get_bytes_key_and_overlapped() {
    let p = started();
    let (_l, c, s) = p.tcp_pair(TCP4);
    // The socket handle is registered with ws2_32 (WPUModifyIFSHandle).
    let port = CreateIoCompletionPort(s as HANDLE, null_mut(), 0x55, 0);
    assert!(!port.is_null());
    let mut ov = overlapped(null_mut());
    let mut buf = [0u8; 16];
    assert_eq!(
        p.recv_ov(s, &mut buf, &mut ov, None, None),
        Err(WSA_IO_PENDING)
    );
    p.send(c, b"port!").unwrap();
    let (mut n, mut key, mut got) = (0u32, 0usize, null_mut());
    // SAFETY: valid out-pointers.
    let r = unsafe { GetQueuedCompletionStatus(port, &mut n, &mut key, &mut got, LONG_MS) };
    assert_eq!(
        (r, n, key, got as usize),
        (TRUE, 5, 0x55, ovp(&mut ov)),
        "checklist 90"
    );

    // An error completion: the peer resets during a pending receive.
    let mut ov2 = overlapped(null_mut());
    assert_eq!(
        p.recv_ov(s, &mut buf, &mut ov2, None, None),
        Err(WSA_IO_PENDING)
    );
    p.set_opt(c, SOL_SOCKET, SO_LINGER, &[1, 0, 0, 0]).unwrap();
    p.close(c).unwrap();
    // SAFETY: valid out-pointers.
    let r = unsafe { GetQueuedCompletionStatus(port, &mut n, &mut key, &mut got, LONG_MS) };
    assert_eq!((r, got as usize), (FALSE, ovp(&mut ov2)), "checklist 95");
    assert_eq!(p.result(s, &mut ov2, false), Err(WSAECONNRESET));

    // Closing with a pending request: WSA_OPERATION_ABORTED through the port.
    let mut ov3 = overlapped(null_mut());
    let (_l2, _c2, s2) = p.tcp_pair(TCP4);
    assert!(!CreateIoCompletionPort(s2 as HANDLE, port, 0x66, 0).is_null());
    assert_eq!(
        p.recv_ov(s2, &mut buf, &mut ov3, None, None),
        Err(WSA_IO_PENDING)
    );
    p.close(s2).unwrap();
    // SAFETY: valid out-pointers.
    let r = unsafe { GetQueuedCompletionStatus(port, &mut n, &mut key, &mut got, LONG_MS) };
    assert_eq!(
        (r, key, got as usize),
        (FALSE, 0x66, ovp(&mut ov3)),
        "checklist 99"
    );
    assert_eq!(ov3.OffsetHigh, WSA_OPERATION_ABORTED as u32);
    CloseHandle(port);
}

#[test]
fn errors_and_aborts_through_events_and_routines() {
    let p = started();
    let mut buf = [0u8; 16];
    // Reset during a pending receive, event style.
    let (_l, c, s) = p.tcp_pair(TCP4);
    let ev = manual_event();
    let mut ov = overlapped(ev);
    assert_eq!(
        p.recv_ov(s, &mut buf, &mut ov, None, None),
        Err(WSA_IO_PENDING)
    );
    p.set_opt(c, SOL_SOCKET, SO_LINGER, &[1, 0, 0, 0]).unwrap();
    p.close(c).unwrap();
    assert!(signalled(ev, LONG_MS));
    assert_eq!(p.result(s, &mut ov, true), Err(WSAECONNRESET));

    // Reset during a pending receive, routine style.
    let (_l, c, s) = p.tcp_pair(TCP4);
    let mut me = current_thread();
    let mut ov = overlapped(null_mut());
    let r = p.recv_ov(s, &mut buf, &mut ov, Some(routine), Some(&mut me));
    assert_eq!(r, Err(WSA_IO_PENDING));
    p.set_opt(c, SOL_SOCKET, SO_LINGER, &[1, 0, 0, 0]).unwrap();
    p.close(c).unwrap();
    assert_eq!(SleepEx(LONG_MS, TRUE), WAIT_IO_COMPLETION);
    assert_eq!(ran(), [(WSAECONNRESET as u32, 0, ovp(&mut ov), 0)]);

    // closesocket with pending requests: 995 by event and by routine.
    let (_l, _c, s) = p.tcp_pair(TCP4);
    let mut ov_ev = overlapped(ev);
    let mut ov_apc = overlapped(null_mut());
    let mut buf2 = [0u8; 16];
    assert_eq!(
        p.recv_ov(s, &mut buf, &mut ov_ev, None, None),
        Err(WSA_IO_PENDING)
    );
    let r = p.recv_ov(s, &mut buf2, &mut ov_apc, Some(routine), Some(&mut me));
    assert_eq!(r, Err(WSA_IO_PENDING));
    p.close(s).unwrap();
    assert!(signalled(ev, 0), "completed within closesocket");
    assert_eq!(ov_ev.OffsetHigh, WSA_OPERATION_ABORTED as u32);
    assert_ne!(ov_ev.Internal, WSS_OPERATION_IN_PROGRESS);
    assert_eq!(SleepEx(LONG_MS, TRUE), WAIT_IO_COMPLETION);
    assert_eq!(
        ran(),
        [(WSA_OPERATION_ABORTED as u32, 0, ovp(&mut ov_apc), 0)]
    );
    close_thread(me);
    close_handle(ev);
}

#[test]
fn overlapped_send_and_ioctl_complete_and_notify() {
    let p = started();
    let (_l, c, s) = p.tcp_pair(TCP4);
    let ev = manual_event();
    let mut ov = overlapped(ev);
    assert_eq!(p.send_ov(c, b"over", &mut ov, None, None), Ok(4));
    assert!(signalled(ev, 0));
    assert_eq!(p.result(c, &mut ov, false), Ok((4, 0)));
    assert_eq!(p.recv(s, 10).unwrap(), b"over");
    let mut ov2 = overlapped(ev);
    let mut out = [0u8; 4];
    let mut returned = 0u32;
    // SAFETY: valid pointers.
    let r = int(|e| unsafe {
        p.t.lpWSPIoctl.unwrap()(
            s,
            FIONREAD,
            null_mut(),
            0,
            out.as_mut_ptr().cast(),
            4,
            &mut returned,
            &mut *ov2,
            None,
            null_mut(),
            e,
        )
    });
    assert_eq!((r, returned), (Ok(0), 4));
    assert!(signalled(ev, 0));
    assert_eq!(p.result(s, &mut ov2, false), Ok((4, 0)));
    close_handle(ev);
}

#[test]
fn extension_function_pointers() {
    let p = started();
    let s = p.socket(TCP4).unwrap();
    for g in [
        WSAID_ACCEPTEX,
        WSAID_CONNECTEX,
        WSAID_DISCONNECTEX,
        WSAID_GETACCEPTEXSOCKADDRS,
    ] {
        assert_ne!(p.extension(s, &g).unwrap(), 0);
    }
    assert_eq!(
        p.extension(s, &WSAID_WSARECVMSG),
        Err(WSAEINVAL),
        "unknown GUID"
    );
    assert_eq!(
        p.extension(s, &WSAID_TRANSMITFILE),
        Err(WSAEINVAL),
        "TransmitFile: not offered"
    );
}

type GetSockaddrs = unsafe extern "system" fn(
    PVOID,
    DWORD,
    DWORD,
    DWORD,
    *mut *mut SOCKADDR,
    LPINT,
    *mut *mut SOCKADDR,
    LPINT,
);

fn sockaddrs(p: &Provider, s: SOCKET, buf: &mut [u8], recv_len: u32) -> (SockAddr, SockAddr) {
    // SAFETY: the provider returns GetAcceptExSockaddrs for this GUID.
    let f: GetSockaddrs =
        unsafe { std::mem::transmute(p.extension(s, &WSAID_GETACCEPTEXSOCKADDRS).unwrap()) };
    let (mut l, mut ll, mut r, mut rl) = (null_mut(), 0, null_mut(), 0);
    // SAFETY: the buffer a completed AcceptEx filled, with the same lengths.
    unsafe {
        f(
            buf.as_mut_ptr().cast(),
            recv_len,
            32,
            32,
            &mut l,
            &mut ll,
            &mut r,
            &mut rl,
        )
    };
    let read = |p: *mut SOCKADDR, len: i32| {
        let mut b = [0u8; 28];
        // SAFETY: len bytes of sockaddr inside the buffer.
        unsafe { std::ptr::copy_nonoverlapping(p.cast::<u8>(), b.as_mut_ptr(), len as usize) };
        SockAddr { b, len }
    };
    (read(l, ll), read(r, rl))
}

#[test]
fn accept_ex_with_and_without_receive_data() {
    let p = started();
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 5).unwrap();
    let laddr = p.sockname(l).unwrap();
    let accept_ex = p.accept_ex_fn(l);
    let ev = manual_event();
    for recv_len in [0u32, 10] {
        let a = p.socket(TCP4).unwrap();
        let mut buf = vec![0u8; recv_len as usize + 64];
        let mut ov = overlapped(ev);
        let mut n = 0xFFFF;
        // SAFETY: valid pointers that outlive the request.
        let r = unsafe {
            accept_ex(
                l,
                a,
                buf.as_mut_ptr().cast(),
                recv_len,
                32,
                32,
                &mut n,
                &mut *ov,
            )
        };
        assert_eq!((r, WSAGetLastError()), (FALSE, WSA_IO_PENDING));
        let c = p.socket(TCP4).unwrap();
        p.connect(c, &laddr).unwrap();
        p.send(c, b"hello").unwrap();
        assert!(signalled(ev, LONG_MS));
        let expect = if recv_len > 0 { 5 } else { 0 };
        assert_eq!(
            p.result(l, &mut ov, true),
            Ok((expect, 0)),
            "completes on the listener"
        );
        if recv_len > 0 {
            assert_eq!(&buf[..5], b"hello");
        }
        let (local, remote) = sockaddrs(p, l, &mut buf, recv_len);
        assert_eq!(local.len, 16);
        assert_eq!(local.port(), laddr.port());
        assert_eq!(remote.b[..16], p.sockname(c).unwrap().b[..16]);
        p.set_opt(a, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, &l.to_ne_bytes())
            .unwrap();
        assert_eq!(
            p.peername(a).unwrap().b[..16],
            p.sockname(c).unwrap().b[..16],
            "same handle, now connected"
        );
        if recv_len == 0 {
            assert_eq!(p.recv(a, 10).unwrap(), b"hello");
        }
        p.send(a, b"back").unwrap();
        assert_eq!(p.recv(c, 10).unwrap(), b"back");
        for h in [a, c] {
            p.close(h).unwrap();
        }
    }
    // Misuse.
    let bound = p.socket(TCP4).unwrap();
    p.bind(bound, &v4(LOOP4, 0)).unwrap();
    let mut buf = [0u8; 64];
    let mut ov = overlapped(ev);
    let mut n = 0;
    // SAFETY: valid pointers.
    let r = unsafe {
        accept_ex(
            l,
            bound,
            buf.as_mut_ptr().cast(),
            0,
            32,
            32,
            &mut n,
            &mut *ov,
        )
    };
    assert_eq!(
        (r, WSAGetLastError()),
        (FALSE, WSAEINVAL),
        "bound accept socket"
    );
    let fresh = p.socket(TCP4).unwrap();
    // SAFETY: valid pointers.
    let r = unsafe {
        accept_ex(
            l,
            fresh,
            buf.as_mut_ptr().cast(),
            0,
            16,
            32,
            &mut n,
            &mut *ov,
        )
    };
    assert_eq!(
        (r, WSAGetLastError()),
        (FALSE, WSAEINVAL),
        "address area below sockaddr + 16"
    );
    close_handle(ev);
}

#[test]
fn connect_ex_needs_a_bound_socket_and_sends_the_first_block() {
    let p = started();
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 5).unwrap();
    let laddr = p.sockname(l).unwrap();
    let c = p.socket(TCP4).unwrap();
    let connect_ex = p.connect_ex_fn(c);
    let ev = manual_event();
    let mut ov = overlapped(ev);
    let mut sent = 0u32;
    let data = b"first";
    // SAFETY: valid pointers.
    let r = unsafe {
        connect_ex(
            c,
            laddr.ptr(),
            laddr.len,
            data.as_ptr() as PVOID,
            5,
            &mut sent,
            &mut *ov,
        )
    };
    assert_eq!((r, WSAGetLastError()), (FALSE, WSAEINVAL), "unbound");
    p.bind(c, &v4(LOOP4, 0)).unwrap();
    // SAFETY: valid pointers that outlive the request.
    let r = unsafe {
        connect_ex(
            c,
            laddr.ptr(),
            laddr.len,
            data.as_ptr() as PVOID,
            5,
            &mut sent,
            &mut *ov,
        )
    };
    assert!(r == TRUE || WSAGetLastError() == WSA_IO_PENDING);
    assert!(signalled(ev, LONG_MS));
    assert_eq!(p.result(c, &mut ov, true), Ok((5, 0)));
    p.set_opt(c, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, &[])
        .unwrap();
    let a = p.accept(l).unwrap();
    assert_eq!(p.recv(a, 10).unwrap(), b"first");

    // DisconnectEx: a graceful close for the peer; TF_REUSE_SOCKET leaves a fresh socket.
    // SAFETY: the provider returns DisconnectEx for this GUID.
    let disconnect_ex: unsafe extern "system" fn(SOCKET, LPOVERLAPPED, DWORD, DWORD) -> BOOL =
        unsafe { std::mem::transmute(p.extension(c, &WSAID_DISCONNECTEX).unwrap()) };
    // SAFETY: valid arguments.
    unsafe {
        assert_eq!(
            (disconnect_ex(c, null_mut(), 0x80, 0), WSAGetLastError()),
            (FALSE, WSAEINVAL)
        );
        assert_eq!(disconnect_ex(c, null_mut(), TF_REUSE_SOCKET, 0), TRUE);
    }
    assert_eq!(
        p.recv(a, 10).unwrap(),
        b"",
        "the peer sees the end of stream"
    );
    assert_eq!(p.sockname(c), Err(WSAEINVAL), "reusable: unbound again");
    p.bind(c, &v4(LOOP4, 0)).unwrap();
    let mut ov2 = overlapped(ev);
    // SAFETY: valid pointers.
    let r = unsafe {
        connect_ex(
            c,
            laddr.ptr(),
            laddr.len,
            null_mut(),
            0,
            &mut sent,
            &mut *ov2,
        )
    };
    assert!(r == TRUE || WSAGetLastError() == WSA_IO_PENDING);
    assert_eq!(p.result(c, &mut ov2, true), Ok((0, 0)));
    // SAFETY: valid arguments.
    assert_eq!(unsafe { disconnect_ex(l, null_mut(), 0, 0) }, FALSE);
    assert_eq!(WSAGetLastError(), WSAENOTCONN);
    close_handle(ev);
}

#[test]
fn duplicated_sockets_share_the_connection() {
    let p = started();
    let (_l, c, s) = p.tcp_pair(TCP4);
    let mut info = info(TCP4);
    // SAFETY: valid pointers.
    let dup = |pid: u32, info: &mut WSAPROTOCOL_INFOW| {
        int(|e| unsafe { p.t.lpWSPDuplicateSocket.unwrap()(c, pid, info, e) })
    };
    assert_eq!(
        dup(std::process::id() ^ 1, &mut info),
        Err(WSAEINVAL),
        "another process"
    );
    dup(std::process::id(), &mut info).unwrap();
    assert_ne!(info.dwProviderReserved, 0);
    let mut e = 0;
    // SAFETY: valid pointers.
    let d = unsafe {
        p.t.lpWSPSocket.unwrap()(
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            FROM_PROTOCOL_INFO,
            &mut info,
            0,
            0,
            &mut e,
        )
    };
    assert_ne!(d, INVALID_SOCKET);
    assert_ne!(d, c);
    p.close(c).unwrap();
    p.send(d, b"dup").unwrap();
    assert_eq!(p.recv(s, 10).unwrap(), b"dup");
    assert_eq!(p.peername(d).unwrap().port(), p.sockname(s).unwrap().port());
}
