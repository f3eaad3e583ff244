//! Known divergences from Windows (lib.rs lists them). Each test asserts what ws2emu does and
//! says what Windows does; a fix must update both the test and the documentation.

mod base_common;
use base_common::*;
use ws2_abi::*;

/// Windows: FIONREAD on a datagram socket is all queued bytes (10 here). Linux: the next
/// datagram's size.
#[test]
fn fionread_on_udp_is_the_next_datagram() {
    let p = provider();
    let a = p.socket(UDP4).unwrap();
    p.bind(a, &v4(LOOP4, 0)).unwrap();
    let me = p.sockname(a).unwrap();
    p.send_to(a, b"12345", &me).unwrap();
    p.send_to(a, b"67890", &me).unwrap();
    p.select(&[a], &[], &[], None).unwrap();
    assert_eq!(p.ioctl(a, FIONREAD, &[], 4).unwrap(), 5u32.to_ne_bytes());
    p.close(a).unwrap();
}

/// Windows (SO_CONDITIONAL_ACCEPT TRUE): a rejected peer's connect fails with
/// WSAECONNREFUSED. Here the handshake is complete before the condition function runs: the
/// peer's connect succeeded and the rejection reaches it as a reset; the option itself is
/// refused.
#[test]
fn conditional_accept_happens_after_the_handshake() {
    let p = provider();
    let l = p.socket(TCP4).unwrap();
    assert_eq!(
        p.set_int(l, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1),
        Err(WSAENOPROTOOPT)
    );
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 1).unwrap();
    let c = p.socket(TCP4).unwrap();
    p.connect(c, &v4(LOOP4, p.sockname(l).unwrap().port()))
        .unwrap();
    unsafe extern "system" fn reject(
        _: LPWSABUF,
        _: LPWSABUF,
        _: LPQOS,
        _: LPQOS,
        _: LPWSABUF,
        _: LPWSABUF,
        _: *mut GROUP,
        _: DWORD_PTR,
    ) -> INT {
        CF_REJECT
    }
    assert_eq!(
        p.accept_with(l, Some(reject), 0).map(|x| x.0),
        Err(WSAECONNREFUSED)
    );
    assert_eq!(p.recv(c, 1), Err(WSAECONNRESET));
    p.close(c).unwrap();
    p.close(l).unwrap();
}

/// Windows: SO_REUSEADDR on the second socket alone lets it bind over the first. Linux needs
/// both to have asked.
#[test]
fn reuseaddr_needs_both_sockets() {
    let p = provider();
    let first = p.socket(UDP4).unwrap();
    p.bind(first, &v4(LOOP4, 0)).unwrap();
    let second = p.socket(UDP4).unwrap();
    p.set_int(second, SOL_SOCKET, SO_REUSEADDR, 1).unwrap();
    assert_eq!(
        p.bind(second, &p.sockname(first).unwrap()),
        Err(WSAEADDRINUSE)
    );
    p.close(first).unwrap();
    p.close(second).unwrap();
}

/// Windows: an unconnected UDP socket that sent to a closed port reports WSAECONNRESET on its
/// next receive. Linux reports ICMP errors to connected sockets only: the next datagram simply
/// arrives.
#[test]
fn unconnected_udp_sees_no_port_unreachable() {
    let p = provider();
    let holder = p.socket(UDP4).unwrap();
    p.bind(holder, &v4(LOOP4, 0)).unwrap();
    let dead = p.sockname(holder).unwrap();
    p.close(holder).unwrap();
    let a = p.socket(UDP4).unwrap();
    p.bind(a, &v4(LOOP4, 0)).unwrap();
    p.send_to(a, b"anyone?", &dead).unwrap();
    p.send_to(a, b"me", &p.sockname(a).unwrap()).unwrap();
    assert_eq!(p.recv(a, 8).unwrap(), b"me");
    p.close(a).unwrap();
}

/// Windows reports the SO_RCVBUF value set; Linux doubles it internally. ws2emu reports the
/// value set, and Linux's own (doubled-at-set) default before any set.
#[test]
fn receive_buffer_reports_the_value_set() {
    let p = provider();
    let a = p.socket(UDP4).unwrap();
    assert!(p.get_int(a, SOL_SOCKET, SO_RCVBUF).unwrap() > 0);
    p.set_int(a, SOL_SOCKET, SO_RCVBUF, 4096).unwrap();
    assert_eq!(p.get_int(a, SOL_SOCKET, SO_RCVBUF), Ok(4096));
    p.close(a).unwrap();
}
