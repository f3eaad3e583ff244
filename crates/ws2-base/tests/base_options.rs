//! Socket options and ioctls: Windows numbers and layouts over Linux.

mod base_common;
use base_common::*;
use ws2_abi::*;

#[test]
fn linger_uses_u_short_fields() {
    let p = provider();
    let s = p.socket(TCP4).unwrap();
    assert_eq!(
        p.get_opt(s, SOL_SOCKET, SO_LINGER, 4).unwrap(),
        [0, 0, 0, 0]
    );
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_DONTLINGER), Ok(1));
    let linger = LINGER {
        l_onoff: 1,
        l_linger: 7,
    };
    let bytes = [linger.l_onoff.to_ne_bytes(), linger.l_linger.to_ne_bytes()].concat();
    p.set_opt(s, SOL_SOCKET, SO_LINGER, &bytes).unwrap();
    let got = p.get_opt(s, SOL_SOCKET, SO_LINGER, 4).unwrap();
    assert_eq!(got, bytes, "two u_shorts, 4 bytes");
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_DONTLINGER), Ok(0));
    p.set_int(s, SOL_SOCKET, SO_DONTLINGER, 1).unwrap();
    assert_eq!(
        p.get_opt(s, SOL_SOCKET, SO_LINGER, 4).unwrap(),
        [0, 0, 7, 0],
        "time kept"
    );
    assert_eq!(p.get_opt(s, SOL_SOCKET, SO_LINGER, 3), Err(WSAEFAULT));
    assert_eq!(
        p.set_opt(s, SOL_SOCKET, SO_LINGER, &bytes[..3]),
        Err(WSAEFAULT)
    );
    let u = p.socket(UDP4).unwrap();
    assert_eq!(p.get_opt(u, SOL_SOCKET, SO_LINGER, 4), Err(WSAENOPROTOOPT));
    assert_eq!(
        p.set_int(u, SOL_SOCKET, SO_DONTLINGER, 1),
        Err(WSAENOPROTOOPT)
    );
    p.close(s).unwrap();
    p.close(u).unwrap();
}

#[test]
fn timeouts_are_dword_milliseconds() {
    let p = provider();
    let s = p.socket(UDP4).unwrap();
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_RCVTIMEO), Ok(0));
    p.set_int(s, SOL_SOCKET, SO_RCVTIMEO, 25).unwrap();
    p.set_int(s, SOL_SOCKET, SO_SNDTIMEO, 1234).unwrap();
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_RCVTIMEO), Ok(25));
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_SNDTIMEO), Ok(1234));
    p.bind(s, &v4(LOOP4, 0)).unwrap();
    assert_eq!(p.recv(s, 4), Err(WSAETIMEDOUT));
    p.close(s).unwrap();
}

#[test]
fn reuse_and_exclusive_address() {
    let p = provider();
    let s = p.socket(TCP4).unwrap();
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_REUSEADDR), Ok(0));
    p.set_int(s, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_REUSEADDR), Ok(1));
    assert_eq!(
        p.set_int(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1),
        Err(WSAEINVAL)
    );
    p.bind(s, &v4(LOOP4, 0)).unwrap();
    let addr = p.sockname(s).unwrap();
    // Both sockets asked for reuse: the second may bind over the first.
    let t = p.socket(TCP4).unwrap();
    p.set_int(t, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
    p.bind(t, &addr).unwrap();
    // An exclusive socket cannot be bound over.
    let x = p.socket(TCP4).unwrap();
    p.set_int(x, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1).unwrap();
    assert_eq!(p.get_int(x, SOL_SOCKET, SO_EXCLUSIVEADDRUSE), Ok(1));
    assert_eq!(p.set_int(x, SOL_SOCKET, SO_REUSEADDR, 1), Err(WSAEINVAL));
    p.bind(x, &v4(LOOP4, 0)).unwrap();
    let y = p.socket(TCP4).unwrap();
    p.set_int(y, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
    assert_eq!(p.bind(y, &p.sockname(x).unwrap()), Err(WSAEADDRINUSE));
    for h in [s, t, x, y] {
        p.close(h).unwrap();
    }
}

#[test]
fn read_only_and_info_options() {
    let p = provider();
    let s = p.socket(TCP4).unwrap();
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_TYPE), Ok(SOCK_STREAM));
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_ACCEPTCONN), Ok(0));
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_ERROR), Ok(0));
    p.bind(s, &v4(LOOP4, 0)).unwrap();
    p.listen(s, 1).unwrap();
    assert_eq!(p.get_int(s, SOL_SOCKET, SO_ACCEPTCONN), Ok(1));
    assert_eq!(
        p.set_int(s, SOL_SOCKET, SO_ACCEPTCONN, 1),
        Err(WSAENOPROTOOPT)
    );
    let w = p.get_opt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, 628).unwrap();
    assert_eq!(w.len(), 628);
    assert_eq!(u32::from_ne_bytes(w[36..40].try_into().unwrap()), TCP4);
    let expected = info(TCP4);
    let name: Vec<u8> = w[116..]
        .chunks(2)
        .map(|c| u16::from_ne_bytes([c[0], c[1]]))
        .take_while(|&c| c != 0)
        .map(|c| c as u8)
        .collect();
    assert_eq!(name, b"MSAFD Tcpip [TCP/IP]");
    assert_eq!(
        u32::from_ne_bytes(w[0..4].try_into().unwrap()),
        expected.dwServiceFlags1
    );
    let a = p.get_opt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, 372).unwrap();
    assert_eq!(a.len(), 372);
    assert_eq!(&a[116..136], b"MSAFD Tcpip [TCP/IP]");
    assert_eq!(a[136], 0);
    assert_eq!(
        p.get_opt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, 627),
        Err(WSAEFAULT)
    );
    let u = p.socket(UDP6).unwrap();
    assert_eq!(p.get_int(u, SOL_SOCKET, SO_TYPE), Ok(SOCK_DGRAM));
    assert_eq!(p.get_int(u, SOL_SOCKET, SO_MAX_MSG_SIZE), Ok(65467));
    p.close(s).unwrap();
    p.close(u).unwrap();
}

#[test]
fn boolean_and_integer_round_trips() {
    let p = provider();
    let t = p.socket(TCP6).unwrap();
    let u = p.socket(UDP4).unwrap();
    for (s, level, name) in [
        (t, SOL_SOCKET, SO_KEEPALIVE),
        (t, SOL_SOCKET, SO_OOBINLINE),
        (t, IPPROTO_TCP, TCP_NODELAY),
        (u, SOL_SOCKET, SO_BROADCAST),
        (u, IPPROTO_IP, IP_MULTICAST_LOOP),
        (u, IPPROTO_IP, IP_DONTFRAGMENT),
        (t, IPPROTO_IPV6, IPV6_V6ONLY),
    ] {
        let before = p.get_int(s, level, name).unwrap();
        p.set_int(s, level, name, i32::from(before == 0)).unwrap();
        assert_eq!(
            p.get_int(s, level, name),
            Ok(i32::from(before == 0)),
            "{level}/{name}"
        );
    }
    for (s, level, name, value) in [
        (u, IPPROTO_IP, IP_TTL, 33),
        (u, IPPROTO_IP, IP_MULTICAST_TTL, 5),
        (t, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 17),
        (u, SOL_SOCKET, SO_SNDBUF, 65536),
        (u, SOL_SOCKET, SO_RCVBUF, 32768),
    ] {
        p.set_int(s, level, name, value).unwrap();
        assert_eq!(p.get_int(s, level, name), Ok(value), "{level}/{name}");
    }
    p.close(t).unwrap();
    p.close(u).unwrap();
}

#[test]
fn option_errors() {
    let p = provider();
    let t = p.socket(TCP4).unwrap();
    let u = p.socket(UDP4).unwrap();
    assert_eq!(p.get_opt(t, SOL_SOCKET, 0x7777, 4), Err(WSAENOPROTOOPT));
    assert_eq!(p.set_int(t, SOL_SOCKET, 0x7777, 1), Err(WSAENOPROTOOPT));
    assert_eq!(
        p.get_opt(t, 0x1234, SO_TYPE, 4),
        Err(WSAEINVAL),
        "unknown level"
    );
    assert_eq!(p.get_opt(t, SOL_SOCKET, SO_TYPE, 2), Err(WSAEFAULT));
    assert_eq!(p.set_opt(t, SOL_SOCKET, SO_KEEPALIVE, &[1]), Err(WSAEFAULT));
    assert_eq!(
        p.get_opt(u, IPPROTO_TCP, TCP_NODELAY, 4),
        Err(WSAENOPROTOOPT)
    );
    assert_eq!(
        p.set_int(t, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1),
        Err(WSAENOPROTOOPT)
    );
    assert_eq!(
        p.get_opt(t, IPPROTO_IP, IP_ADD_MEMBERSHIP, 8),
        Err(WSAENOPROTOOPT)
    );
    assert_eq!(p.get_opt(99999, SOL_SOCKET, SO_TYPE, 4), Err(WSAENOTSOCK));
    let mut e = 0;
    let mut len = 4;
    // SAFETY: NULL optval is checked by the provider.
    let r = unsafe {
        p.t.lpWSPGetSockOpt.unwrap()(
            t,
            SOL_SOCKET,
            SO_TYPE,
            std::ptr::null_mut(),
            &mut len,
            &mut e,
        )
    };
    assert_eq!((r, e), (SOCKET_ERROR, WSAEFAULT));
    p.close(t).unwrap();
    p.close(u).unwrap();
}

#[test]
fn multicast_membership() {
    let p = provider();
    let u = p.socket(UDP4).unwrap();
    p.bind(u, &v4([0; 4], 0)).unwrap();
    // ip_mreq { 239.1.2.3, 127.0.0.1 }
    let mreq = [239, 1, 2, 3, 127, 0, 0, 1];
    match p.set_opt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq) {
        Ok(()) => p.set_opt(u, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq).unwrap(),
        // Containers without a multicast-capable interface.
        Err(e) => assert!(
            matches!(e, WSAEADDRNOTAVAIL | WSAENETDOWN | WSAENOBUFS),
            "{e}"
        ),
    }
    assert_eq!(
        p.set_opt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq[..7]),
        Err(WSAEFAULT)
    );
    p.close(u).unwrap();
}

#[test]
fn ioctls() {
    let p = provider();
    let (l, c, s) = p.tcp_pair(TCP4);
    for code in [
        SIO_BASE_HANDLE,
        SIO_BSP_HANDLE,
        SIO_BSP_HANDLE_SELECT,
        SIO_BSP_HANDLE_POLL,
    ] {
        assert_eq!(
            p.ioctl(c, code, &[], 8).unwrap(),
            c.to_ne_bytes(),
            "{code:#x}"
        );
        assert_eq!(p.ioctl(c, code, &[], 7), Err(WSAEFAULT));
    }
    assert_eq!(p.ioctl(c, FIONBIO, &[1, 0], 0), Err(WSAEFAULT));
    assert_eq!(p.ioctl(s, FIONREAD, &[], 4).unwrap(), 0u32.to_ne_bytes());
    assert_eq!(p.ioctl(s, FIONREAD, &[], 3), Err(WSAEFAULT));
    p.send(c, b"12345").unwrap();
    p.select(&[s], &[], &[], None).unwrap();
    assert_eq!(p.ioctl(s, FIONREAD, &[], 4).unwrap(), 5u32.to_ne_bytes());
    let vals: Vec<u8> = [1u32, 3000, 500]
        .iter()
        .flat_map(|v| v.to_ne_bytes())
        .collect();
    p.ioctl(c, SIO_KEEPALIVE_VALS, &vals, 0).unwrap();
    assert_eq!(p.get_int(c, SOL_SOCKET, SO_KEEPALIVE), Ok(1));
    assert_eq!(
        p.ioctl(c, SIO_KEEPALIVE_VALS, &vals[..8], 0),
        Err(WSAEFAULT)
    );
    assert_eq!(
        p.ioctl(c, SIO_GET_EXTENSION_FUNCTION_POINTER, &[0; 16], 8),
        Err(WSAEINVAL),
        "an unknown extension GUID"
    );
    assert_eq!(p.ioctl(c, 0x1234_5678, &[], 0), Err(WSAEOPNOTSUPP));
    for h in [l, c, s] {
        p.close(h).unwrap();
    }
}
