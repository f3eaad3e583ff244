//! WSPAddressToString / WSPStringToAddress through the provider's table.

mod base_common;
use base_common::*;
use ws2_abi::*;

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

fn to_string(a: &SockAddr, len: u32, room: u32) -> Result<String, (i32, u32)> {
    let p = provider();
    let mut out = vec![0u16; room as usize + 1];
    let mut n = room;
    let mut e = 0;
    let mut info = info(TCP4);
    // SAFETY: valid pointers.
    let r = unsafe {
        p.t.lpWSPAddressToString.unwrap()(
            a.b.as_ptr() as *mut SOCKADDR,
            len,
            &mut info,
            out.as_mut_ptr(),
            &mut n,
            &mut e,
        )
    };
    if r == SOCKET_ERROR {
        return Err((e, n));
    }
    assert_eq!(out[n as usize - 1], 0, "NUL counted");
    Ok(String::from_utf16(&out[..n as usize - 1]).unwrap())
}

fn to_address(text: &str, af: i32, room: i32) -> Result<SockAddr, (i32, i32)> {
    let p = provider();
    let mut t = wide(text);
    let mut a = SockAddr {
        b: [0xEE; 28],
        len: room,
    };
    let mut e = 0;
    let mut info = info(TCP4);
    // SAFETY: valid pointers; the buffer holds 28 bytes.
    let r = unsafe {
        p.t.lpWSPStringToAddress.unwrap()(
            t.as_mut_ptr(),
            af,
            &mut info,
            a.b.as_mut_ptr().cast(),
            &mut a.len,
            &mut e,
        )
    };
    if r == SOCKET_ERROR {
        Err((e, a.len))
    } else {
        Ok(a)
    }
}

#[test]
fn round_trips() {
    for (text, af, len) in [
        ("127.0.0.1", AF_INET, 16),
        ("10.1.2.3:8080", AF_INET, 16),
        ("::1", AF_INET6, 28),
        ("[::1]:80", AF_INET6, 28),
        ("fe80::1%4", AF_INET6, 28),
        ("[fe80::abcd%12]:65535", AF_INET6, 28),
        ("::ffff:1.2.3.4", AF_INET6, 28),
    ] {
        let a = to_address(text, af, 28).unwrap();
        assert_eq!(a.len, len, "{text}");
        assert_eq!(a.family(), af as u16);
        assert_eq!(to_string(&a, len as u32, 64).as_deref(), Ok(text));
    }
    let a = to_address("[::1]:80", AF_INET6, 28).unwrap();
    assert_eq!(a.port(), 80);
    assert_eq!(a, v6(LOOP6, 80));
    // inet_addr shorthand.
    assert_eq!(
        to_address("127.1", AF_INET, 16).unwrap().b[..16],
        v4(LOOP4, 0).b[..16]
    );
    assert_eq!(
        to_address("0x7f.0.0.1:9", AF_INET, 16).unwrap().b[..16],
        v4(LOOP4, 9).b[..16]
    );
}

#[test]
fn errors() {
    // Too small: WSAEFAULT and the size needed.
    assert_eq!(to_address("1.2.3.4", AF_INET, 15), Err((WSAEFAULT, 16)));
    assert_eq!(to_address("::1", AF_INET6, 27), Err((WSAEFAULT, 28)));
    let a = v4([192, 168, 100, 200], 65535);
    assert_eq!(to_string(&a, 16, 21), Err((WSAEFAULT, 22)));
    assert_eq!(
        to_string(&a, 16, 22).as_deref(),
        Ok("192.168.100.200:65535")
    );
    assert_eq!(to_string(&a, 15, 64), Err((WSAEFAULT, 64)), "short address");
    let mut odd = a;
    odd.b[0] = 99;
    assert_eq!(
        to_string(&odd, 16, 64),
        Err((WSAEINVAL, 64)),
        "unknown family"
    );
    // Unparsable text or family.
    for (text, af) in [
        ("", AF_INET),
        ("1.2.3.4.5", AF_INET),
        ("300.1.1.1", AF_INET),
        ("1.2.3.4:70000", AF_INET),
        ("::1", AF_INET),
        ("1.2.3.4", AF_INET6),
        ("[::1", AF_INET6),
        ("fe80::1%eth0", AF_INET6),
        ("1.2.3.4", 99),
    ] {
        assert_eq!(to_address(text, af, 28), Err((WSAEINVAL, 28)), "{text:?}");
    }
}
