//! TCP over the base provider: echo (v4/v6, blocking and non-blocking), connection errors,
//! shutdown, graceful close, conditional accept, OOB data, timeouts and IFS registration.
#![allow(unsafe_code)] // the condition functions are C callbacks

mod base_common;
use base_common::*;
use ws2_abi::*;

fn echo(id: u32) {
    let p = provider();
    let (l, c, s) = p.tcp_pair(id);
    for h in [l, c, s] {
        let entry = ws2_core::runtime()
            .socket(h)
            .expect("registered with WPUModifyIFSHandle");
        assert_eq!(entry.catalog_id, id);
        assert!(entry.ifs);
        assert!(
            ws2_os::is_open_descriptor(h),
            "the handle is the descriptor"
        );
    }
    // Gather send from two WSABUFs, scatter receive into two.
    assert_eq!(p.send_flags(c, &[b"hel", b"lo"], 0), Ok(5));
    let (mut a, mut b) = ([0u8; 2], [0u8; 8]);
    let mut got = 0;
    while got < 5 {
        let (n, flags) = p.recv_into(s, &mut [&mut a, &mut b], 0).unwrap();
        assert_eq!(flags, 0);
        got += n;
    }
    assert_eq!(&a, b"he");
    assert_eq!(&b[..3], b"llo");
    assert_eq!(p.send(s, b"world"), Ok(5));
    assert_eq!(p.recv(c, 5).unwrap(), b"world");
    // Names agree across the connection.
    assert_eq!(p.peername(c).unwrap(), p.sockname(s).unwrap());
    assert_eq!(p.sockname(c).unwrap(), p.peername(s).unwrap());
    let family = if id == TCP6 { AF_INET6 } else { AF_INET };
    assert_eq!(p.sockname(c).unwrap().family(), family as u16);
    for h in [l, c, s] {
        p.close(h).unwrap();
    }
}

#[test]
fn echo_v4() {
    echo(TCP4);
}

#[test]
fn echo_v6() {
    echo(TCP6);
}

fn nonblocking_echo(id: u32) {
    let p = provider();
    let lo = if id == TCP6 {
        v6(LOOP6, 0)
    } else {
        v4(LOOP4, 0)
    };
    let l = p.socket(id).unwrap();
    p.bind(l, &lo).unwrap();
    p.listen(l, 5).unwrap();
    p.set_nonblocking(l, true);
    assert_eq!(p.accept(l), Err(WSAEWOULDBLOCK));
    let port = p.sockname(l).unwrap().port();
    let c = p.socket(id).unwrap();
    p.set_nonblocking(c, true);
    assert_eq!(p.connect(c, &lo.with_port(port)), Err(WSAEWOULDBLOCK));
    // Writable once connected; then a second connect says so.
    let (n, _, w, _) = p.select(&[], &[c], &[c], None).unwrap();
    assert_eq!((n, w), (1, vec![c]));
    assert_eq!(p.connect(c, &lo.with_port(port)), Err(WSAEISCONN));
    let (n, r, _, _) = p.select(&[l], &[], &[], None).unwrap();
    assert_eq!((n, r), (1, vec![l]));
    let s = p.accept(l).unwrap();
    // The accepted socket inherits non-blocking mode.
    assert_eq!(p.recv(s, 10), Err(WSAEWOULDBLOCK));
    assert_eq!(p.recv(c, 10), Err(WSAEWOULDBLOCK));
    assert_eq!(p.send(c, b"ping"), Ok(4));
    p.select(&[s], &[], &[], None).unwrap();
    assert_eq!(p.recv(s, 10).unwrap(), b"ping");
    // Fill the send path until it would block: a non-blocking send then says WSAEWOULDBLOCK.
    let chunk = vec![7u8; 1 << 16];
    let result = loop {
        match p.send(c, &chunk) {
            Ok(_) => continue,
            Err(e) => break e,
        }
    };
    assert_eq!(result, WSAEWOULDBLOCK);
    for h in [l, c, s] {
        p.close(h).unwrap();
    }
}

#[test]
fn nonblocking_echo_v4() {
    nonblocking_echo(TCP4);
}

#[test]
fn nonblocking_echo_v6() {
    nonblocking_echo(TCP6);
}

#[test]
fn connect_in_progress_is_already() {
    let p = provider();
    // A listener with backlog 0 whose queue is full drops further SYNs, so a non-blocking
    // connect stays in progress.
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 0).unwrap();
    let to = v4(LOOP4, p.sockname(l).unwrap().port());
    let first = p.socket(TCP4).unwrap();
    p.connect(first, &to).unwrap();
    let c = p.socket(TCP4).unwrap();
    p.set_nonblocking(c, true);
    assert_eq!(p.connect(c, &to), Err(WSAEWOULDBLOCK));
    assert_eq!(p.connect(c, &to), Err(WSAEALREADY));
    let (n, ..) = p.select(&[c], &[c], &[c], ZERO_TIMEOUT).unwrap();
    assert_eq!(n, 0, "an unfinished connect is not ready");
    for h in [l, first, c] {
        p.close(h).unwrap();
    }
}

/// A loopback port nobody listens on (bound, never listening, so nothing else gets it).
fn closed_port(p: &Provider) -> (SOCKET, u16) {
    let holder = p.socket(TCP4).unwrap();
    p.bind(holder, &v4(LOOP4, 0)).unwrap();
    (holder, p.sockname(holder).unwrap().port())
}

#[test]
fn connect_refused() {
    let p = provider();
    let (holder, port) = closed_port(p);
    let c = p.socket(TCP4).unwrap();
    assert_eq!(p.connect(c, &v4(LOOP4, port)), Err(WSAECONNREFUSED));
    // Non-blocking: the failure shows in exceptfds, SO_ERROR tells which.
    let c2 = p.socket(TCP4).unwrap();
    p.set_nonblocking(c2, true);
    match p.connect(c2, &v4(LOOP4, port)) {
        Err(WSAECONNREFUSED) => {}
        Err(WSAEWOULDBLOCK) => {
            let (n, r, w, x) = p.select(&[c2], &[c2], &[c2], None).unwrap();
            assert_eq!((n, r, w, x), (1, vec![], vec![], vec![c2]));
            assert_eq!(p.get_int(c2, SOL_SOCKET, SO_ERROR), Ok(WSAECONNREFUSED));
            assert_eq!(p.get_int(c2, SOL_SOCKET, SO_ERROR), Ok(0), "read clears it");
        }
        other => panic!("connect: {other:?}"),
    }
    for h in [holder, c, c2] {
        p.close(h).unwrap();
    }
}

#[test]
fn connect_argument_errors() {
    let p = provider();
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 1).unwrap();
    let port = p.sockname(l).unwrap().port();
    assert_eq!(p.connect(l, &v4(LOOP4, port)), Err(WSAEINVAL), "listening");
    let c = p.socket(TCP4).unwrap();
    assert_eq!(p.connect(c, &v4([0; 4], port)), Err(WSAEADDRNOTAVAIL));
    assert_eq!(p.connect(c, &v4(LOOP4, 0)), Err(WSAEADDRNOTAVAIL));
    assert_eq!(p.connect(c, &v6(LOOP6, port)), Err(WSAEAFNOSUPPORT));
    let mut short = v4(LOOP4, port);
    short.len = 15;
    assert_eq!(p.connect(c, &short), Err(WSAEFAULT));
    p.close(l).unwrap();
    p.close(c).unwrap();
}

#[test]
fn listen_and_bind_errors() {
    let p = provider();
    let s = p.socket(TCP4).unwrap();
    assert_eq!(p.listen(s, 5), Err(WSAEINVAL), "not bound");
    assert_eq!(p.bind(s, &v6(LOOP6, 0)), Err(WSAEFAULT), "other family");
    let mut short = v4(LOOP4, 0);
    short.len = 8;
    assert_eq!(p.bind(s, &short), Err(WSAEFAULT));
    p.bind(s, &v4(LOOP4, 0)).unwrap();
    assert_eq!(p.bind(s, &v4(LOOP4, 0)), Err(WSAEINVAL), "already bound");
    let taken = p.sockname(s).unwrap();
    let t = p.socket(TCP4).unwrap();
    assert_eq!(p.bind(t, &taken), Err(WSAEADDRINUSE));
    p.listen(s, SOMAXCONN).unwrap();
    p.listen(s, -300).unwrap(); // SOMAXCONN_HINT(300): listen again changes the backlog
    let u = p.socket(UDP4).unwrap();
    p.bind(u, &v4(LOOP4, 0)).unwrap();
    assert_eq!(p.listen(u, 5), Err(WSAEOPNOTSUPP));
    assert_eq!(p.accept(u), Err(WSAEOPNOTSUPP));
    assert_eq!(p.accept(t), Err(WSAEINVAL), "not listening");
    for h in [s, t, u] {
        p.close(h).unwrap();
    }
    // "Closed twice is WSAENOTSOCK" is checked in base_reactor_cleanup.rs, a process with one
    // test: here a parallel test may already have a new socket with the same descriptor number.
}

#[test]
fn socket_argument_errors() {
    let p = provider();
    assert_eq!(
        p.socket_with(TCP4, 99, SOCK_STREAM, 0),
        Err(WSAEAFNOSUPPORT)
    );
    assert_eq!(
        p.socket_with(TCP4, AF_INET6, SOCK_STREAM, 0),
        Err(WSAEAFNOSUPPORT)
    );
    assert_eq!(
        p.socket_with(TCP4, AF_INET, SOCK_RAW, 0),
        Err(WSAESOCKTNOSUPPORT)
    );
    assert_eq!(
        p.socket_with(TCP4, AF_INET, SOCK_DGRAM, 0),
        Err(WSAESOCKTNOSUPPORT)
    );
    assert_eq!(
        p.socket_with(TCP4, AF_INET, SOCK_STREAM, 99),
        Err(WSAEPROTONOSUPPORT)
    );
    assert_eq!(
        p.socket_with(TCP4, AF_INET, SOCK_STREAM, IPPROTO_UDP),
        Err(WSAEPROTOTYPE)
    );
    let s = p.socket_with(TCP4, AF_INET, SOCK_STREAM, 0).unwrap();
    p.close(s).unwrap();
    let s = p
        .socket_with(TCP6, AF_INET6, SOCK_STREAM, IPPROTO_TCP)
        .unwrap();
    assert_eq!(
        p.get_int(s, IPPROTO_IPV6, IPV6_V6ONLY),
        Ok(1),
        "Windows default"
    );
    p.close(s).unwrap();
}

#[test]
fn unconnected_and_shut_down() {
    let p = provider();
    let s = p.socket(TCP4).unwrap();
    assert_eq!(p.recv(s, 4), Err(WSAENOTCONN));
    assert_eq!(p.send(s, b"x"), Err(WSAENOTCONN));
    assert_eq!(p.peername(s), Err(WSAENOTCONN));
    assert_eq!(p.shutdown(s, SD_SEND), Err(WSAENOTCONN));
    p.close(s).unwrap();

    let (l, c, srv) = p.tcp_pair(TCP4);
    assert_eq!(p.shutdown(c, 7), Err(WSAEINVAL));
    p.shutdown(c, SD_SEND).unwrap();
    assert_eq!(p.send(c, b"late"), Err(WSAESHUTDOWN));
    assert_eq!(
        p.recv(srv, 4).unwrap(),
        b"",
        "the peer sees a graceful close"
    );
    p.shutdown(srv, SD_RECEIVE).unwrap();
    assert_eq!(p.recv(srv, 4), Err(WSAESHUTDOWN));
    // The other direction still works.
    assert_eq!(p.send(srv, b"ok"), Ok(2));
    assert_eq!(p.recv(c, 2).unwrap(), b"ok");
    for h in [l, c, srv] {
        p.close(h).unwrap();
    }
}

#[test]
fn disconnect_slots() {
    let p = provider();
    let (l, c, s) = p.tcp_pair(TCP4);
    let mut data = WSABUF {
        len: 0,
        buf: std::ptr::null_mut(),
    };
    let mut e = 0;
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(
            p.t.lpWSPSendDisconnect.unwrap()(c, &mut data, &mut e),
            SOCKET_ERROR
        );
        assert_eq!(e, WSAENOPROTOOPT, "no disconnect data in TCP");
        assert_eq!(
            p.t.lpWSPSendDisconnect.unwrap()(c, std::ptr::null_mut(), &mut e),
            0
        );
        assert_eq!(
            p.t.lpWSPRecvDisconnect.unwrap()(s, std::ptr::null_mut(), &mut e),
            0
        );
    }
    assert_eq!(p.send(c, b"x"), Err(WSAESHUTDOWN));
    assert_eq!(p.recv(s, 1), Err(WSAESHUTDOWN));
    for h in [l, c, s] {
        p.close(h).unwrap();
    }
}

#[test]
fn graceful_close_reads_zero() {
    let p = provider();
    let (l, c, s) = p.tcp_pair(TCP6);
    p.send(c, b"last").unwrap();
    p.close(c).unwrap();
    assert_eq!(p.recv(s, 16).unwrap(), b"last");
    assert_eq!(p.recv(s, 16).unwrap(), b"");
    assert_eq!(p.recv(s, 16).unwrap(), b"");
    p.close(s).unwrap();
    p.close(l).unwrap();
}

#[test]
fn abortive_close_resets() {
    let p = provider();
    let (l, c, s) = p.tcp_pair(TCP4);
    p.set_opt(c, SOL_SOCKET, SO_LINGER, &[1, 0, 0, 0]).unwrap();
    p.close(c).unwrap();
    assert_eq!(p.recv(s, 16), Err(WSAECONNRESET));
    p.close(s).unwrap();
    p.close(l).unwrap();
}

/// What a condition function saw: caller id, callee id, its verdict.
type Seen = (Vec<u8>, Vec<u8>, usize);

static SEEN: std::sync::Mutex<Vec<Seen>> = std::sync::Mutex::new(Vec::new());

unsafe extern "system" fn condition(
    caller_id: LPWSABUF,
    caller_data: LPWSABUF,
    sqos: LPQOS,
    _gqos: LPQOS,
    callee_id: LPWSABUF,
    callee_data: LPWSABUF,
    _g: *mut GROUP,
    verdict: DWORD_PTR,
) -> INT {
    // SAFETY: the provider passes valid WSABUFs for the ids.
    let (caller, callee) = unsafe {
        let a = &*caller_id;
        let b = &*callee_id;
        (
            std::slice::from_raw_parts(a.buf as *const u8, a.len as usize).to_vec(),
            std::slice::from_raw_parts(b.buf as *const u8, b.len as usize).to_vec(),
        )
    };
    assert!(caller_data.is_null() && callee_data.is_null() && sqos.is_null());
    SEEN.lock().unwrap().push((caller, callee, verdict));
    verdict as INT
}

#[test]
fn conditional_accept() {
    let p = provider();
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 5).unwrap();
    let to = v4(LOOP4, p.sockname(l).unwrap().port());

    // CF_REJECT: WSAECONNREFUSED, and the peer's connection is reset.
    let c = p.socket(TCP4).unwrap();
    p.connect(c, &to).unwrap();
    assert_eq!(
        p.accept_with(l, Some(condition), CF_REJECT as usize)
            .map(|x| x.0),
        Err(WSAECONNREFUSED)
    );
    let (caller, callee, _) = SEEN.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        caller,
        p.sockname(c).unwrap().b[..16].to_vec(),
        "caller id = peer address"
    );
    assert_eq!(callee, to.b[..16].to_vec(), "callee id = local address");
    assert_eq!(p.recv(c, 4), Err(WSAECONNRESET));
    p.close(c).unwrap();

    // CF_DEFER: WSATRY_AGAIN; the same connection is offered again (and keeps the listener
    // readable).
    let c = p.socket(TCP4).unwrap();
    p.connect(c, &to).unwrap();
    assert_eq!(
        p.accept_with(l, Some(condition), CF_DEFER as usize)
            .map(|x| x.0),
        Err(WSATRY_AGAIN)
    );
    let (n, r, _, _) = p.select(&[l], &[], &[], ZERO_TIMEOUT).unwrap();
    assert_eq!((n, r), (1, vec![l]));
    let (s, peer) = p
        .accept_with(l, Some(condition), CF_ACCEPT as usize)
        .unwrap();
    assert_eq!(peer, p.sockname(c).unwrap());
    assert_eq!(ws2_core::runtime().socket(s).unwrap().catalog_id, TCP4);
    p.send(c, b"hi").unwrap();
    assert_eq!(p.recv(s, 2).unwrap(), b"hi");
    for h in [l, c, s] {
        p.close(h).unwrap();
    }
}

#[test]
fn accept_address_length() {
    let p = provider();
    let l = p.socket(TCP6).unwrap();
    p.bind(l, &v6(LOOP6, 0)).unwrap();
    p.listen(l, 5).unwrap();
    let mut a = [0u8; 28];
    let mut len = 27;
    let mut e = 0;
    // SAFETY: valid pointers.
    let r =
        unsafe { p.t.lpWSPAccept.unwrap()(l, a.as_mut_ptr().cast(), &mut len, None, 0, &mut e) };
    assert_eq!((r, e), (INVALID_SOCKET, WSAEFAULT));
    p.close(l).unwrap();
}

#[test]
fn out_of_band_and_peek() {
    let p = provider();
    let (l, c, s) = p.tcp_pair(TCP4);
    assert_eq!(p.ioctl(s, SIOCATMARK, &[], 4).unwrap(), 1i32.to_ne_bytes());
    p.send(c, b"ab").unwrap();
    assert_eq!(p.send_flags(c, &[b"!"], MSG_OOB), Ok(1));
    let (_, _, _, x) = p.select(&[], &[], &[s], None).unwrap();
    assert_eq!(x, vec![s]);
    assert_eq!(
        p.ioctl(s, SIOCATMARK, &[], 4).unwrap(),
        0i32.to_ne_bytes(),
        "OOB waiting"
    );
    let mut b = [0u8; 4];
    assert_eq!(p.recv_into(s, &mut [&mut b], MSG_OOB), Ok((1, 0)));
    assert_eq!(b[0], b'!');
    assert_eq!(p.ioctl(s, SIOCATMARK, &[], 4).unwrap(), 1i32.to_ne_bytes());
    let mut b = [0u8; 2];
    assert_eq!(
        p.recv_into(s, &mut [&mut b], MSG_PEEK | MSG_WAITALL)
            .map_err(|x| x.0)
            .map(drop),
        Err(WSAEOPNOTSUPP)
    );
    let (n, _) = p.recv_into(s, &mut [&mut b], MSG_PEEK).unwrap();
    assert!(n >= 1);
    assert_eq!(p.ioctl(s, FIONREAD, &[], 4).unwrap(), 2u32.to_ne_bytes());
    let mut b = [0u8; 2];
    assert_eq!(p.recv_into(s, &mut [&mut b], MSG_WAITALL), Ok((2, 0)));
    assert_eq!(&b, b"ab");
    assert_eq!(
        p.recv_into(s, &mut [&mut b], MSG_PARTIAL)
            .map_err(|x| x.0)
            .map(drop),
        Err(WSAEOPNOTSUPP)
    );
    for h in [l, c, s] {
        p.close(h).unwrap();
    }
}

#[test]
fn receive_timeout() {
    let p = provider();
    let (l, c, s) = p.tcp_pair(TCP4);
    p.set_int(s, SOL_SOCKET, SO_RCVTIMEO, 30).unwrap();
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_RCVTIMEO), Ok(30));
    assert_eq!(p.recv(s, 4), Err(WSAETIMEDOUT));
    p.set_int(l, SOL_SOCKET, SO_RCVTIMEO, 30).unwrap();
    for h in [l, c, s] {
        p.close(h).unwrap();
    }
}

#[test]
fn close_wakes_a_blocked_receive() {
    let p = provider();
    let (l, c, s) = p.tcp_pair(TCP4);
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        tx.send(()).unwrap();
        provider().recv(s, 4)
    });
    rx.recv().unwrap();
    p.close(s).unwrap();
    // Either the receive was already waiting (WSAEINTR) or it started after the close.
    let r = t.join().unwrap();
    assert!(matches!(r, Err(WSAEINTR) | Err(WSAENOTSOCK)), "{r:?}");
    p.close(c).unwrap();
    p.close(l).unwrap();
}
