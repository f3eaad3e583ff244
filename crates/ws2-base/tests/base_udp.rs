//! UDP over the base provider: echo (v4/v6), truncation, connected sockets and errors.

mod base_common;
use base_common::*;
use ws2_abi::*;

fn echo(id: u32) {
    let p = provider();
    let lo = if id == UDP6 {
        v6(LOOP6, 0)
    } else {
        v4(LOOP4, 0)
    };
    let a = p.socket(id).unwrap();
    let b = p.socket(id).unwrap();
    for h in [a, b] {
        assert_eq!(ws2_core::runtime().socket(h).unwrap().catalog_id, id);
    }
    assert_eq!(
        p.recv_from(a, 8).map(|x| x.0),
        Err(WSAEINVAL),
        "not bound yet"
    );
    p.bind(a, &lo).unwrap();
    p.bind(b, &lo).unwrap();
    let (aa, ba) = (p.sockname(a).unwrap(), p.sockname(b).unwrap());
    assert_eq!(p.send_to(a, b"ping", &ba), Ok(4));
    let (data, from) = p.recv_from(b, 64).unwrap();
    assert_eq!((data.as_slice(), from), (&b"ping"[..], aa));
    assert_eq!(p.send_to(b, b"pong", &from), Ok(4));
    assert_eq!(p.recv_from(a, 64).unwrap(), (b"pong".to_vec(), ba));
    // An empty datagram is a datagram.
    assert_eq!(p.send_to(a, b"", &ba), Ok(0));
    assert_eq!(p.recv_from(b, 64).unwrap().0, b"");
    p.close(a).unwrap();
    p.close(b).unwrap();
}

#[test]
fn echo_v4() {
    echo(UDP4);
}

#[test]
fn echo_v6() {
    echo(UDP6);
}

#[test]
fn truncated_datagram_is_msgsize_with_data() {
    let p = provider();
    let a = p.socket(UDP4).unwrap();
    let b = p.socket(UDP4).unwrap();
    p.bind(b, &v4(LOOP4, 0)).unwrap();
    let to = p.sockname(b).unwrap();
    p.send_to(a, b"0123456789", &to).unwrap();
    p.send_to(a, b"next", &to).unwrap();
    let mut buf = [0u8; 4];
    // Peeking a datagram that does not fit is WSAEMSGSIZE too, and leaves it queued.
    assert_eq!(
        p.recv_into(b, &mut [&mut buf], MSG_PEEK),
        Err((WSAEMSGSIZE, 4))
    );
    assert_eq!(p.recv_into(b, &mut [&mut buf], 0), Err((WSAEMSGSIZE, 4)));
    assert_eq!(&buf, b"0123");
    // The rest of the datagram is lost.
    assert_eq!(p.recv(b, 16).unwrap(), b"next");
    assert_eq!(
        p.recv_into(b, &mut [&mut buf], MSG_PARTIAL),
        Err((WSAEOPNOTSUPP, 0xFFFF_FFFF))
    );
    assert_eq!(
        p.recv_into(b, &mut [&mut buf], MSG_OOB),
        Err((WSAEOPNOTSUPP, 0xFFFF_FFFF))
    );
    assert_eq!(p.send_flags(a, &[b"x"], MSG_OOB), Err(WSAEOPNOTSUPP));
    p.close(a).unwrap();
    p.close(b).unwrap();
}

#[test]
fn connected_datagram_socket() {
    let p = provider();
    let a = p.socket(UDP6).unwrap();
    let b = p.socket(UDP6).unwrap();
    assert_eq!(p.send(a, b"x"), Err(WSAENOTCONN), "send without a peer");
    p.bind(b, &v6(LOOP6, 0)).unwrap();
    let to = p.sockname(b).unwrap();
    p.connect(a, &to).unwrap();
    assert_eq!(p.peername(a).unwrap(), to);
    assert_eq!(p.send(a, b"hello"), Ok(5));
    assert_eq!(p.recv(b, 16).unwrap(), b"hello");
    // An all-zero address dissolves the association.
    p.connect(a, &v6([0; 16], 0)).unwrap();
    assert_eq!(p.peername(a), Err(WSAENOTCONN));
    p.close(a).unwrap();
    p.close(b).unwrap();
}

#[test]
fn port_unreachable_on_a_connected_socket_is_connreset() {
    let p = provider();
    let holder = p.socket(UDP4).unwrap();
    p.bind(holder, &v4(LOOP4, 0)).unwrap();
    let dead = p.sockname(holder).unwrap();
    p.close(holder).unwrap();
    let a = p.socket(UDP4).unwrap();
    p.connect(a, &dead).unwrap();
    p.send(a, b"anyone?").unwrap();
    p.set_int(a, SOL_SOCKET, SO_RCVTIMEO, 10_000).unwrap();
    assert_eq!(p.recv(a, 16), Err(WSAECONNRESET));
    p.close(a).unwrap();
}

#[test]
fn send_to_errors() {
    let p = provider();
    let a = p.socket(UDP4).unwrap();
    assert_eq!(p.send_to(a, b"x", &v4([0; 4], 9)), Err(WSAEADDRNOTAVAIL));
    assert_eq!(p.send_to(a, b"x", &v4(LOOP4, 0)), Err(WSAEADDRNOTAVAIL));
    assert_eq!(p.send_to(a, b"x", &v6(LOOP6, 9)), Err(WSAEAFNOSUPPORT));
    let mut short = v4(LOOP4, 9);
    short.len = 10;
    assert_eq!(p.send_to(a, b"x", &short), Err(WSAEFAULT));
    // WSPSendTo without a destination.
    let mut buf = WSABUF {
        len: 1,
        buf: b"x".as_ptr() as *mut CHAR,
    };
    let (mut sent, mut e) = (0, 0);
    // SAFETY: valid pointers.
    let r = unsafe {
        p.t.lpWSPSendTo.unwrap()(
            a,
            &mut buf,
            1,
            &mut sent,
            0,
            std::ptr::null(),
            0,
            std::ptr::null_mut(),
            None,
            std::ptr::null_mut(),
            &mut e,
        )
    };
    assert_eq!((r, e), (SOCKET_ERROR, WSAEDESTADDRREQ));
    p.close(a).unwrap();
}

#[test]
fn recv_from_length_check() {
    let p = provider();
    let a = p.socket(UDP6).unwrap();
    p.bind(a, &v6(LOOP6, 0)).unwrap();
    let mut data = [0u8; 4];
    let mut buf = WSABUF {
        len: 4,
        buf: data.as_mut_ptr().cast(),
    };
    let (mut got, mut flags, mut e) = (0, 0, 0);
    let mut from = [0u8; 28];
    let mut fromlen = 16; // too small for a SOCKADDR_IN6
                          // SAFETY: valid pointers.
    let r = unsafe {
        p.t.lpWSPRecvFrom.unwrap()(
            a,
            &mut buf,
            1,
            &mut got,
            &mut flags,
            from.as_mut_ptr().cast(),
            &mut fromlen,
            std::ptr::null_mut(),
            None,
            std::ptr::null_mut(),
            &mut e,
        )
    };
    assert_eq!((r, e), (SOCKET_ERROR, WSAEFAULT));
    p.close(a).unwrap();
}

#[test]
fn shutdown_unconnected_datagram() {
    let p = provider();
    let a = p.socket(UDP4).unwrap();
    p.bind(a, &v4(LOOP4, 0)).unwrap();
    p.shutdown(a, SD_BOTH).unwrap();
    assert_eq!(p.send_to(a, b"x", &v4(LOOP4, 9)), Err(WSAESHUTDOWN));
    assert_eq!(p.recv(a, 1), Err(WSAESHUTDOWN));
    p.close(a).unwrap();
}
