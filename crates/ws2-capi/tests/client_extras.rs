//! GetOverlappedResult, SetHandleInformation/GetHandleInformation, WSAPoll, WSASendMsg,
//! WSARecvEx, WSAGetQOSByName, WSAJoinLeaf and WSAProviderConfigChange as a C caller uses them,
//! on sockets of the built-in base provider (default in-memory catalog): results, out-parameters
//! and the documented error codes (NULL pointers, invalid and stale handles, bad arguments).
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use common::{bound, pair, start_with_base, ADDR_LEN};
use std::mem::zeroed;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};
use ws2_32::catalog::{WSAProviderConfigChange, WSCDeinstallProvider, WSCInstallProvider};
use ws2_32::client::*;
use ws2_32::kernel32::{
    CloseHandle, CreateEventW, GetHandleInformation, GetOverlappedResult, SetHandleInformation,
    WaitForSingleObject,
};
use ws2_32::last_error;
use ws2_32::mswsock::WSARecvEx;
use ws2_abi::*;

fn send_bytes(s: SOCKET, data: &[u8]) {
    // SAFETY: a readable buffer of data.len() bytes.
    let n = unsafe { send(s, data.as_ptr().cast(), data.len() as i32, 0) };
    assert_eq!(n, data.len() as i32);
}

fn overlapped(event: HANDLE) -> Box<WSAOVERLAPPED> {
    // SAFETY: all-zero is a valid overlapped.
    let mut ov: Box<WSAOVERLAPPED> = Box::new(unsafe { zeroed() });
    ov.hEvent = event;
    ov
}

fn event() -> HANDLE {
    let e = CreateEventW(null_mut(), TRUE, FALSE, null());
    assert!(!e.is_null());
    e
}

/// Starts an overlapped WSARecv that stays pending (nothing was sent yet).
fn pending_recv(
    s: SOCKET,
    ev: HANDLE,
    buf: &mut [u8; 16],
    wsabuf: &mut WSABUF,
) -> Box<WSAOVERLAPPED> {
    let mut ov = overlapped(ev);
    *wsabuf = WSABUF {
        len: buf.len() as u32,
        buf: buf.as_mut_ptr().cast(),
    };
    let (mut n, mut flags) = (0u32, 0u32);
    // SAFETY: buffer, WSABUF and overlapped outlive the request (the caller keeps them).
    let rc = unsafe { WSARecv(s, wsabuf, 1, &mut n, &mut flags, &mut *ov, None) };
    assert_eq!(
        (rc, last_error::get()),
        (SOCKET_ERROR, WSA_IO_PENDING as u32)
    );
    ov
}

// ------------------------------------------------------------------------------------------
// GetOverlappedResult
// ------------------------------------------------------------------------------------------

#[test]
fn get_overlapped_result_on_a_socket_request() {
    let (client, server) = pair();
    let ev = event();
    let (mut buf, mut wsabuf) = (
        [0u8; 16],
        WSABUF {
            len: 0,
            buf: null_mut(),
        },
    );
    let mut ov = pending_recv(server, ev, &mut buf, &mut wsabuf);
    let mut n = 0xDEAD;
    // SAFETY (all calls): the overlapped and out-pointers are live locals.
    unsafe {
        assert_eq!(
            GetOverlappedResult(server as HANDLE, &mut *ov, &mut n, FALSE),
            FALSE
        );
        assert_eq!(last_error::get(), ERROR_IO_INCOMPLETE);
        assert_eq!(n, 0xDEAD, "nothing written while incomplete");
        send_bytes(client, b"hello");
        assert_eq!(
            GetOverlappedResult(server as HANDLE, &mut *ov, &mut n, TRUE),
            TRUE
        );
        assert_eq!(n, 5);
        assert_eq!(&buf[..5], b"hello");
    }
    // No event: the wait falls back to watching the request (a socket is not waitable here).
    let (mut buf2, mut wsabuf2) = (
        [0u8; 16],
        WSABUF {
            len: 0,
            buf: null_mut(),
        },
    );
    let mut ov2 = pending_recv(server, null_mut(), &mut buf2, &mut wsabuf2);
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        send_bytes(client, b"abc");
        client
    });
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            GetOverlappedResult(server as HANDLE, &mut *ov2, &mut n, TRUE),
            TRUE
        );
    }
    assert_eq!(n, 3);
    let client = sender.join().unwrap();
    assert_eq!(closesocket(client), 0);
    assert_eq!(closesocket(server), 0);
    assert_eq!(CloseHandle(ev), TRUE);
}

#[test]
fn get_overlapped_result_maps_the_ntstatus() {
    start_with_base();
    let ev = event();
    let mut n = 0;
    for (status, error) in [
        (STATUS_CANCELLED, ERROR_OPERATION_ABORTED),
        (STATUS_CONNECTION_RESET, ERROR_NETNAME_DELETED),
        (STATUS_CONNECTION_ABORTED, ERROR_CONNECTION_ABORTED),
    ] {
        let mut ov = overlapped(ev);
        ov.Internal = status as usize;
        ov.InternalHigh = 7;
        // SAFETY: live locals.
        let r = unsafe { GetOverlappedResult(ev, &mut *ov, &mut n, FALSE) };
        assert_eq!((r, last_error::get(), n), (FALSE, error, 7));
    }
    let mut ov = overlapped(ev);
    ov.InternalHigh = 9;
    // SAFETY: live locals; NULL pointers are refused before use.
    unsafe {
        assert_eq!(GetOverlappedResult(ev, &mut *ov, &mut n, TRUE), TRUE);
        assert_eq!(n, 9);
        assert_eq!(GetOverlappedResult(ev, null_mut(), &mut n, FALSE), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
        assert_eq!(GetOverlappedResult(ev, &mut *ov, null_mut(), FALSE), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
    }
    // Pending with wait and an event: completes once the event is set by the completer.
    let mut ov = overlapped(ev);
    ov.Internal = STATUS_PENDING as usize;
    let addr = &mut *ov as *mut WSAOVERLAPPED as usize;
    let evv = ev as usize;
    let completer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        let ov = addr as *mut WSAOVERLAPPED;
        // SAFETY: the overlapped outlives this thread (joined below).
        unsafe {
            (*ov).InternalHigh = 4;
            std::sync::atomic::AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).Internal))
                .store(0, std::sync::atomic::Ordering::Release);
        }
        ws2_32::kernel32::SetEvent(evv as HANDLE);
    });
    // SAFETY: live locals.
    assert_eq!(
        unsafe { GetOverlappedResult(ev, &mut *ov, &mut n, TRUE) },
        TRUE
    );
    assert_eq!(n, 4);
    completer.join().unwrap();
    assert_eq!(CloseHandle(ev), TRUE);
}

// ------------------------------------------------------------------------------------------
// SetHandleInformation / GetHandleInformation
// ------------------------------------------------------------------------------------------

#[test]
fn handle_information_on_events_and_sockets() {
    start_with_base();
    let ev = event();
    let mut flags = 0xFFFF;
    // SAFETY (all calls): live locals.
    unsafe {
        assert_eq!(GetHandleInformation(ev, &mut flags), TRUE);
        assert_eq!(flags, 0);
        assert_eq!(
            SetHandleInformation(ev, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT),
            TRUE
        );
        assert_eq!(GetHandleInformation(ev, &mut flags), TRUE);
        assert_eq!(flags, HANDLE_FLAG_INHERIT);
        let both = HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE;
        assert_eq!(
            SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, both),
            TRUE
        );
        assert_eq!(GetHandleInformation(ev, &mut flags), TRUE);
        assert_eq!(flags, both);
        // Protected: CloseHandle fails and the handle stays usable.
        assert_eq!(CloseHandle(ev), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        assert_eq!(ws2_32::kernel32::SetEvent(ev), TRUE);
        assert_eq!(SetHandleInformation(ev, both, 0), TRUE);
        assert_eq!(GetHandleInformation(ev, &mut flags), TRUE);
        assert_eq!(flags, 0);
        // Unknown mask bits.
        assert_eq!(SetHandleInformation(ev, 0x80, 0x80), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
        assert_eq!(GetHandleInformation(ev, null_mut()), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
        assert_eq!(CloseHandle(ev), TRUE);
        // Stale and invalid handles.
        assert_eq!(GetHandleInformation(ev, &mut flags), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        assert_eq!(SetHandleInformation(ev, HANDLE_FLAG_INHERIT, 0), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        assert_eq!(GetHandleInformation(0x1234 as HANDLE, &mut flags), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
        assert_eq!(GetHandleInformation(null_mut(), &mut flags), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
    }
    // Sockets are handles too; closesocket forgets the flags.
    let (s, _) = bound(SOCK_DGRAM, IPPROTO_UDP);
    // SAFETY: live locals.
    unsafe {
        assert_eq!(
            SetHandleInformation(s as HANDLE, HANDLE_FLAG_INHERIT, 1),
            TRUE
        );
        assert_eq!(GetHandleInformation(s as HANDLE, &mut flags), TRUE);
        assert_eq!(flags, HANDLE_FLAG_INHERIT);
    }
    assert_eq!(closesocket(s), 0);
    // SAFETY: live locals.
    unsafe {
        assert_eq!(GetHandleInformation(s as HANDLE, &mut flags), FALSE);
        assert_eq!(last_error::get(), ERROR_INVALID_HANDLE);
    }
}

// ------------------------------------------------------------------------------------------
// WSAPoll
// ------------------------------------------------------------------------------------------

fn pollfd(fd: SOCKET, events: i16) -> WSAPOLLFD {
    WSAPOLLFD {
        fd,
        events,
        revents: 0x7777,
    }
}

#[test]
fn wsapoll_argument_errors() {
    start_with_base();
    let (s, _) = bound(SOCK_DGRAM, IPPROTO_UDP);
    // SAFETY (all calls): arrays of the stated length.
    unsafe {
        assert_eq!(WSAPoll(null_mut(), 1, 0), SOCKET_ERROR);
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        let mut one = [pollfd(s, POLLIN)];
        assert_eq!(WSAPoll(one.as_mut_ptr(), 0, 0), SOCKET_ERROR);
        assert_eq!(last_error::get(), WSAEINVAL as u32);
        let mut pri = [pollfd(s, POLLPRI)];
        assert_eq!(WSAPoll(pri.as_mut_ptr(), 1, 0), SOCKET_ERROR);
        assert_eq!(last_error::get(), WSAEINVAL as u32);
        let mut ignored = [pollfd(!0, POLLIN)];
        assert_eq!(WSAPoll(ignored.as_mut_ptr(), 1, 0), SOCKET_ERROR);
        assert_eq!(last_error::get(), WSAEINVAL as u32);
        // A value that is not a socket: POLLNVAL, and the call succeeds.
        let mut bad = [pollfd(0x1234, POLLIN), pollfd(!0, POLLIN)];
        assert_eq!(WSAPoll(bad.as_mut_ptr(), 2, 1000), 1);
        assert_eq!(bad[0].revents, POLLNVAL);
        assert_eq!(bad[1].revents, 0, "a negative fd is skipped");
    }
    assert_eq!(closesocket(s), 0);
    // A closed (stale) socket handle.
    let mut stale = [pollfd(s, POLLIN)];
    // SAFETY: as above.
    assert_eq!(unsafe { WSAPoll(stale.as_mut_ptr(), 1, 0) }, 1);
    assert_eq!(stale[0].revents, POLLNVAL);
}

#[test]
fn wsapoll_reports_readiness_and_hangup() {
    let (client, server) = pair();
    let mut fds = [pollfd(client, POLLOUT), pollfd(server, POLLIN)];
    // SAFETY (all calls): arrays of the stated length.
    unsafe {
        assert_eq!(WSAPoll(fds.as_mut_ptr(), 2, 0), 1);
        assert_eq!(fds[0].revents, POLLWRNORM);
        assert_eq!(fds[1].revents, 0);
        let mut idle = [pollfd(server, POLLIN)];
        let t = Instant::now();
        assert_eq!(WSAPoll(idle.as_mut_ptr(), 1, 100), 0);
        assert!(t.elapsed() >= Duration::from_millis(90));
        send_bytes(client, b"x");
        let mut readable = [pollfd(server, POLLIN)];
        assert_eq!(WSAPoll(readable.as_mut_ptr(), 1, 5000), 1);
        assert_eq!(readable[0].revents, POLLRDNORM);
        // The data is still there (WSAPoll only peeks).
        let mut b = [0u8; 4];
        assert_eq!(recv(server, b.as_mut_ptr().cast(), 4, 0), 1);
        assert_eq!(closesocket(client), 0);
        let mut hup = [pollfd(server, POLLIN)];
        assert_eq!(WSAPoll(hup.as_mut_ptr(), 1, 5000), 1);
        assert_ne!(hup[0].revents & POLLHUP, 0, "revents {:#x}", hup[0].revents);
        // Errors are reported even when not asked for.
        let mut hup_quiet = [pollfd(server, POLLOUT)];
        assert_eq!(WSAPoll(hup_quiet.as_mut_ptr(), 1, 0), 1);
    }
    assert_eq!(closesocket(server), 0);
}

#[test]
fn wsapoll_datagram_and_infinite_timeout() {
    let (a, addr_a) = bound(SOCK_DGRAM, IPPROTO_UDP);
    let (b, _) = bound(SOCK_DGRAM, IPPROTO_UDP);
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        let data = b"dgram";
        // SAFETY: valid buffer and address.
        let n = unsafe {
            sendto(
                b,
                data.as_ptr().cast(),
                5,
                0,
                std::ptr::addr_of!(addr_a).cast(),
                ADDR_LEN,
            )
        };
        assert_eq!(n, 5);
        b
    });
    let mut fds = [pollfd(a, POLLRDNORM)];
    // SAFETY: array of one.
    assert_eq!(unsafe { WSAPoll(fds.as_mut_ptr(), 1, -1) }, 1);
    assert_eq!(fds[0].revents, POLLRDNORM);
    let b = sender.join().unwrap();
    assert_eq!(closesocket(a), 0);
    assert_eq!(closesocket(b), 0);
}

// ------------------------------------------------------------------------------------------
// WSASendMsg
// ------------------------------------------------------------------------------------------

fn recv_some(s: SOCKET) -> Vec<u8> {
    let mut b = [0u8; 64];
    // SAFETY: writable buffer.
    let n = unsafe { recv(s, b.as_mut_ptr().cast(), 64, 0) };
    assert!(n >= 0, "recv failed with {}", last_error::get());
    b[..n as usize].to_vec()
}

#[test]
fn wsasendmsg_datagram_and_stream() {
    let (rx, mut to) = bound(SOCK_DGRAM, IPPROTO_UDP);
    let (tx, _) = bound(SOCK_DGRAM, IPPROTO_UDP);
    let (mut p1, mut p2) = (*b"hello ", *b"world");
    let mut bufs = [
        WSABUF {
            len: 6,
            buf: p1.as_mut_ptr().cast(),
        },
        WSABUF {
            len: 5,
            buf: p2.as_mut_ptr().cast(),
        },
    ];
    let mut msg = WSAMSG {
        name: std::ptr::addr_of_mut!(to).cast(),
        namelen: ADDR_LEN,
        lpBuffers: bufs.as_mut_ptr(),
        dwBufferCount: 2,
        Control: WSABUF {
            len: 0,
            buf: null_mut(),
        },
        dwFlags: 0,
    };
    let mut sent = 0;
    // SAFETY (all calls): live locals.
    unsafe {
        assert_eq!(WSASendMsg(tx, &mut msg, 0, &mut sent, null_mut(), None), 0);
        assert_eq!(sent, 11);
        assert_eq!(recv_some(rx), b"hello world");
        // Overlapped with an event.
        let ev = event();
        let mut ov = overlapped(ev);
        let rc = WSASendMsg(tx, &mut msg, 0, null_mut(), &mut *ov, None);
        assert!(
            rc == 0 || last_error::get() == WSA_IO_PENDING as u32,
            "rc {rc} error {}",
            last_error::get()
        );
        assert_eq!(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
        let (mut n, mut flags) = (0, 0);
        assert_eq!(
            WSAGetOverlappedResult(tx, &mut *ov, &mut n, FALSE, &mut flags),
            TRUE
        );
        assert_eq!(n, 11);
        assert_eq!(recv_some(rx), b"hello world");
        assert_eq!(CloseHandle(ev), TRUE);
        // Errors.
        assert_eq!(
            WSASendMsg(tx, null_mut(), 0, &mut sent, null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        assert_eq!(
            WSASendMsg(tx, &mut msg, 0, null_mut(), null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        let mut control = [0u8; 32];
        msg.Control = WSABUF {
            len: 32,
            buf: control.as_mut_ptr().cast(),
        };
        assert_eq!(
            WSASendMsg(tx, &mut msg, 0, &mut sent, null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEOPNOTSUPP as u32);
        msg.Control.len = 0;
        assert_eq!(
            WSASendMsg(0x1234, &mut msg, 0, &mut sent, null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAENOTSOCK as u32);
        assert_eq!(
            WSASendMsg(0x1234, null_mut(), 0, &mut sent, null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAENOTSOCK as u32);
    }
    assert_eq!(closesocket(rx), 0);
    assert_eq!(closesocket(tx), 0);
    // A connected stream socket: no name needed.
    let (client, server) = pair();
    msg.name = null_mut();
    msg.namelen = 0;
    // SAFETY: live locals.
    unsafe {
        assert_eq!(
            WSASendMsg(client, &mut msg, 0, &mut sent, null_mut(), None),
            0
        );
    }
    assert_eq!(sent, 11);
    let mut got = Vec::new();
    while got.len() < 11 {
        got.extend(recv_some(server));
    }
    assert_eq!(got, b"hello world");
    assert_eq!(closesocket(client), 0);
    assert_eq!(closesocket(server), 0);
}

// ------------------------------------------------------------------------------------------
// WSARecvEx
// ------------------------------------------------------------------------------------------

#[test]
fn wsarecvex_partial_datagram_and_stream() {
    let (rx, to) = bound(SOCK_DGRAM, IPPROTO_UDP);
    let (tx, _) = bound(SOCK_DGRAM, IPPROTO_UDP);
    let send_to = |data: &[u8]| {
        // SAFETY: valid buffer and address.
        let n = unsafe {
            sendto(
                tx,
                data.as_ptr().cast(),
                data.len() as i32,
                0,
                std::ptr::addr_of!(to).cast(),
                ADDR_LEN,
            )
        };
        assert_eq!(n, data.len() as i32);
    };
    let mut buf = [0u8; 16];
    // SAFETY (all calls): writable buffers of the stated lengths.
    unsafe {
        send_to(b"0123456789");
        let mut flags = 0;
        assert_eq!(WSARecvEx(rx, buf.as_mut_ptr().cast(), 4, &mut flags), 4);
        assert_eq!(flags, MSG_PARTIAL);
        assert_eq!(&buf[..4], b"0123");
        send_to(b"abc");
        let mut flags = MSG_PARTIAL;
        assert_eq!(WSARecvEx(rx, buf.as_mut_ptr().cast(), 16, &mut flags), 3);
        assert_eq!(flags, 0);
        assert_eq!(&buf[..3], b"abc");
        assert_eq!(
            WSARecvEx(rx, buf.as_mut_ptr().cast(), 16, null_mut()),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        let mut flags = 0;
        assert_eq!(
            WSARecvEx(0x1234, buf.as_mut_ptr().cast(), 16, &mut flags),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAENOTSOCK as u32);
    }
    assert_eq!(closesocket(rx), 0);
    assert_eq!(closesocket(tx), 0);
    let (client, server) = pair();
    send_bytes(client, b"stream data");
    std::thread::sleep(Duration::from_millis(20));
    let mut flags = 0;
    // SAFETY: as above.
    let n = unsafe { WSARecvEx(server, buf.as_mut_ptr().cast(), 6, &mut flags) };
    assert_eq!(
        (n, flags),
        (6, 0),
        "stream sockets never report MSG_PARTIAL"
    );
    assert_eq!(closesocket(client), 0);
    // SAFETY: as above.
    let n = unsafe { WSARecvEx(server, buf.as_mut_ptr().cast(), 16, &mut flags) };
    assert_eq!(n, 5);
    // SAFETY: as above.
    let n = unsafe { WSARecvEx(server, buf.as_mut_ptr().cast(), 16, &mut flags) };
    assert_eq!(n, 0, "graceful close");
    assert_eq!(closesocket(server), 0);
}

// ------------------------------------------------------------------------------------------
// WSAGetQOSByName, WSAJoinLeaf
// ------------------------------------------------------------------------------------------

#[test]
fn qos_and_join_leaf_reach_the_provider() {
    let (s, a) = bound(SOCK_DGRAM, IPPROTO_UDP);
    let mut name = *b"G711\0";
    let mut wsabuf = WSABUF {
        len: 5,
        buf: name.as_mut_ptr().cast(),
    };
    // SAFETY (all calls): live locals.
    unsafe {
        let mut qos: QOS = zeroed();
        assert_eq!(WSAGetQOSByName(s, &mut wsabuf, &mut qos), FALSE);
        assert_eq!(last_error::get(), WSAEINVAL as u32);
        assert_eq!(WSAGetQOSByName(0x1234, &mut wsabuf, &mut qos), FALSE);
        assert_eq!(last_error::get(), WSAENOTSOCK as u32);
        let r = WSAJoinLeaf(
            s,
            std::ptr::addr_of!(a).cast(),
            ADDR_LEN,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            JL_BOTH,
        );
        assert_eq!(
            (r, last_error::get()),
            (INVALID_SOCKET, WSAEOPNOTSUPP as u32)
        );
        let r = WSAJoinLeaf(
            0x1234,
            std::ptr::addr_of!(a).cast(),
            ADDR_LEN,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            JL_BOTH,
        );
        assert_eq!((r, last_error::get()), (INVALID_SOCKET, WSAENOTSOCK as u32));
    }
    assert_eq!(closesocket(s), 0);
}

// ------------------------------------------------------------------------------------------
// WSAProviderConfigChange
// ------------------------------------------------------------------------------------------

fn layered_info(name: &str) -> WSAPROTOCOL_INFOW {
    let mut i = ws2_core::catalog::blank_protocol_info();
    i.dwServiceFlags1 = XP1_GUARANTEED_DELIVERY;
    i.ProtocolChain.ChainLen = LAYERED_PROTOCOL;
    i.iVersion = 2;
    i.iAddressFamily = AF_INET;
    i.iSocketType = SOCK_STREAM;
    i.iProtocol = IPPROTO_TCP;
    for (dst, src) in i.szProtocol.iter_mut().zip(name.encode_utf16()) {
        *dst = src;
    }
    i
}

/// Installs and removes a layered entry in the (in-memory) stored catalog: two changes.
fn change_catalog(n: u32) {
    let mut guid = GUID {
        Data1: 0xC0F1_0000 | n,
        Data2: 1,
        Data3: 2,
        Data4: [3; 8],
    };
    let path: Vec<u16> = "/nonexistent/lsp.so".encode_utf16().chain([0]).collect();
    let info = layered_info("config change test");
    let mut errno = 0;
    // SAFETY: live locals.
    unsafe {
        assert_eq!(
            WSCInstallProvider(&mut guid, path.as_ptr(), &info, 1, &mut errno),
            0,
            "errno {errno}"
        );
        assert_eq!(
            WSCDeinstallProvider(&mut guid, &mut errno),
            0,
            "errno {errno}"
        );
    }
}

#[test]
fn provider_config_change_notifies() {
    start_with_base();
    // SAFETY (all calls): live locals; overlapped requests complete before their locals die.
    unsafe {
        assert_eq!(
            WSAProviderConfigChange(null_mut(), null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        let mut bogus = 0x1234 as HANDLE;
        assert_eq!(
            WSAProviderConfigChange(&mut bogus, null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSA_INVALID_HANDLE as u32);
        // An ordinary event is not a notification handle.
        let mut ev = event();
        assert_eq!(
            WSAProviderConfigChange(&mut ev, null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSA_INVALID_HANDLE as u32);

        let mut h: HANDLE = null_mut();
        assert_eq!(WSAProviderConfigChange(&mut h, null_mut(), None), 0);
        assert!(!h.is_null());

        // Overlapped: pending until the catalog changes.
        let mut ov = overlapped(ev);
        assert_eq!(
            WSAProviderConfigChange(&mut h, &mut *ov, None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSA_IO_PENDING as u32);
        assert_eq!(WaitForSingleObject(ev, 150), WAIT_TIMEOUT);
        let mut n = 0;
        assert_eq!(GetOverlappedResult(h, &mut *ov, &mut n, FALSE), FALSE);
        assert_eq!(last_error::get(), ERROR_IO_INCOMPLETE);
        change_catalog(1);
        assert_eq!(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
        assert_eq!(GetOverlappedResult(h, &mut *ov, &mut n, TRUE), TRUE);

        // Blocking: returns once another thread changes the catalog.
        let changer = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            change_catalog(2);
        });
        let t = Instant::now();
        assert_eq!(WSAProviderConfigChange(&mut h, null_mut(), None), 0);
        assert!(t.elapsed() >= Duration::from_millis(50));
        changer.join().unwrap();

        // Closing the handle ends a pending request with WSA_OPERATION_ABORTED.
        let mut ov = overlapped(ev);
        assert_eq!(
            WSAProviderConfigChange(&mut h, &mut *ov, None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSA_IO_PENDING as u32);
        assert_eq!(CloseHandle(h), TRUE);
        assert_eq!(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
        assert_eq!(GetOverlappedResult(h, &mut *ov, &mut n, FALSE), FALSE);
        assert_eq!(last_error::get(), ERROR_OPERATION_ABORTED);
        // The closed handle is no longer a notification handle.
        assert_eq!(
            WSAProviderConfigChange(&mut h, null_mut(), None),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSA_INVALID_HANDLE as u32);
        assert_eq!(CloseHandle(ev), TRUE);
    }
}

/// Another process writing the catalog file completes a pending WSAProviderConfigChange: the
/// child (this binary, `CLIENT_EXTRAS_CHILD=config_file`, `WS2EMU_CATALOG` = a private file)
/// waits while the parent installs a provider into the file with the store API.
#[test]
fn provider_config_change_sees_other_processes() {
    const ROLE: &str = "CLIENT_EXTRAS_CHILD";
    if std::env::var(ROLE).is_ok_and(|r| r == "config_file") {
        // SAFETY: a writable WSADATA; live locals.
        unsafe {
            let mut data: WSADATA = zeroed();
            assert_eq!(ws2_32::winsock::WSAStartup(0x0202, &mut data), 0);
            let mut h: HANDLE = null_mut();
            assert_eq!(WSAProviderConfigChange(&mut h, null_mut(), None), 0);
            println!("ready");
            use std::io::Write;
            std::io::stdout().flush().unwrap();
            assert_eq!(WSAProviderConfigChange(&mut h, null_mut(), None), 0);
            println!("changed");
        }
        return;
    }
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let dir = common::scratch("config-change");
    let file = dir.join("catalog.txt");
    let store = ws2_core::catalog::Store::file(&file);
    store.load().expect("create the catalog file");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "provider_config_change_sees_other_processes",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, "config_file")
        .env("WS2EMU_CATALOG", &file)
        .env("WS2EMU_LIBDIR", common::profile_dir())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn child");
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert_ne!(
            std::io::BufRead::read_line(&mut out, &mut line).unwrap(),
            0,
            "child ended early"
        );
        if line.trim_end().ends_with("ready") {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(100));
    let guid = GUID {
        Data1: 0xC0F1_F11E,
        Data2: 1,
        Data3: 2,
        Data4: [3; 8],
    };
    let path: Vec<u16> = "/nonexistent/lsp.so".encode_utf16().collect();
    store
        .install(&guid, &path, &[layered_info("from another process")])
        .expect("install");
    let status = child.wait().expect("child");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(status.success(), "child failed: {rest}");
    assert!(rest.contains("changed"), "{rest}");
}
