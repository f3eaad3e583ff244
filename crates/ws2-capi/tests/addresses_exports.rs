//! The address-conversion exports as C callers see them: inet_addr, inet_ntoa, inet_pton,
//! InetPtonW, inet_ntop, InetNtopW, WSAAddressToStringA/W and WSAStringToAddressA/W (answered by
//! the built-in base provider of the default catalog) and WSAHtonl/WSAHtons/WSANtohl/WSANtohs.
//! Each error path checks the return value and the last error against a sentinel.
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use common::{sentinel, start_with_base, wide, SENTINEL};
use std::ffi::c_void;
use std::ptr::{null, null_mut};
use ws2_32::addresses::*;
use ws2_32::last_error;
use ws2_abi::*;

fn inet_addr_of(s: &str) -> u32 {
    let c = std::ffi::CString::new(s).unwrap();
    // SAFETY: NUL-terminated.
    unsafe { inet_addr(c.as_ptr()) }
}

#[test]
fn addresses_inet_addr_windows_forms() {
    let net = |a: [u8; 4]| u32::from_ne_bytes(a);
    sentinel();
    assert_eq!(inet_addr_of("127.0.0.1"), net([127, 0, 0, 1]));
    assert_eq!(last_error::get(), SENTINEL, "success leaves the last error");
    assert_eq!(inet_addr_of("127.1"), net([127, 0, 0, 1]));
    assert_eq!(inet_addr_of("10.1.2"), net([10, 1, 0, 2]));
    assert_eq!(inet_addr_of("0x7f.0.0.010"), net([127, 0, 0, 8]));
    assert_eq!(inet_addr_of("2130706433"), net([127, 0, 0, 1]));
    assert_eq!(inet_addr_of("1.2.3.4 trailing"), net([1, 2, 3, 4]));
    assert_eq!(inet_addr_of(" "), 0, "documented: a single space gives 0");
    assert_eq!(inet_addr_of("255.255.255.255"), INADDR_NONE);
    for bad in [
        "",
        "1.2.3.256",
        "1.2.3.4.5",
        "a.b.c.d",
        "1..2.3",
        " 1.2.3.4",
        "0x",
    ] {
        assert_eq!(inet_addr_of(bad), INADDR_NONE, "{bad:?}");
    }
    sentinel();
    // SAFETY: NULL is handled.
    assert_eq!(unsafe { inet_addr(null()) }, INADDR_NONE);
    assert_eq!(last_error::get(), WSAEFAULT as u32);
}

#[test]
fn addresses_inet_ntoa_per_thread_buffer() {
    let text = |p: *mut std::ffi::c_char| {
        // SAFETY: inet_ntoa returns a NUL-terminated per-thread buffer.
        unsafe { std::ffi::CStr::from_ptr(p) }
            .to_str()
            .unwrap()
            .to_string()
    };
    // SAFETY: IN_ADDR is four plain bytes.
    let a: IN_ADDR = unsafe { std::mem::transmute(u32::from_ne_bytes([192, 168, 1, 20])) };
    let b: IN_ADDR = unsafe { std::mem::transmute(u32::from_ne_bytes([255, 255, 255, 255])) };
    let p = inet_ntoa(a);
    assert_eq!(text(p), "192.168.1.20");
    let q = inet_ntoa(b);
    assert_eq!(p, q, "one buffer per thread, overwritten by the next call");
    assert_eq!(text(p), "255.255.255.255");
    let other = std::thread::spawn(move || inet_ntoa(a) as usize)
        .join()
        .unwrap();
    assert_ne!(other, p as usize, "another thread has its own buffer");
    assert_eq!(text(p), "255.255.255.255");
}

#[test]
fn addresses_inet_pton_return_conventions() {
    let mut v4 = [0xAAu8; 4];
    let mut v6 = [0xAAu8; 16];
    let pton = |family: i32, s: &str, out: *mut c_void| {
        let c = std::ffi::CString::new(s).unwrap();
        // SAFETY: NUL-terminated text; out is NULL or sized for the family.
        unsafe { inet_pton(family, c.as_ptr(), out) }
    };
    assert_eq!(pton(AF_INET, "192.0.2.33", v4.as_mut_ptr().cast()), 1);
    assert_eq!(v4, [192, 0, 2, 33]);
    assert_eq!(pton(AF_INET6, "fe80::1:2", v6.as_mut_ptr().cast()), 1);
    assert_eq!(v6[..2], [0xfe, 0x80]);
    assert_eq!(v6[12..], [0, 1, 0, 2]);
    assert_eq!(pton(AF_INET6, "::ffff:1.2.3.4", v6.as_mut_ptr().cast()), 1);
    assert_eq!(v6[10..], [0xff, 0xff, 1, 2, 3, 4]);
    v4 = [0xAA; 4];
    for bad in ["127.1", "0x7f.0.0.1", "1.2.3.256", "1.2.3.4 ", "", "::1"] {
        sentinel();
        assert_eq!(pton(AF_INET, bad, v4.as_mut_ptr().cast()), 0, "{bad:?}");
        assert_eq!(last_error::get(), SENTINEL);
    }
    assert_eq!(v4, [0xAA; 4], "untouched on failure");
    assert_eq!(
        pton(AF_INET6, "1:2:3:4:5:6:7:8:9", v6.as_mut_ptr().cast()),
        0
    );
    assert_eq!(pton(AF_INET6, "fe80::1%3", v6.as_mut_ptr().cast()), 0);
    sentinel();
    assert_eq!(
        pton(10, "::1", v6.as_mut_ptr().cast()),
        -1,
        "Linux's AF_INET6 is not 23"
    );
    assert_eq!(last_error::get(), WSAEAFNOSUPPORT as u32);
    sentinel();
    assert_eq!(pton(AF_INET, "1.2.3.4", null_mut()), -1);
    assert_eq!(last_error::get(), WSAEFAULT as u32);
    sentinel();
    // SAFETY: NULL text is handled.
    assert_eq!(
        unsafe { inet_pton(AF_INET, null(), v4.as_mut_ptr().cast()) },
        -1
    );
    assert_eq!(last_error::get(), WSAEFAULT as u32);

    // InetPtonW: the same, and WSAEINVAL with 0.
    let w = wide("10.0.0.1");
    // SAFETY: NUL-terminated wide text; sized output.
    assert_eq!(
        unsafe { InetPtonW(AF_INET, w.as_ptr(), v4.as_mut_ptr().cast()) },
        1
    );
    assert_eq!(v4, [10, 0, 0, 1]);
    let w = wide("10.0.0");
    sentinel();
    assert_eq!(
        unsafe { InetPtonW(AF_INET, w.as_ptr(), v4.as_mut_ptr().cast()) },
        0
    );
    assert_eq!(last_error::get(), WSAEINVAL as u32);
    sentinel();
    assert_eq!(
        unsafe { InetPtonW(AF_INET6, null(), v6.as_mut_ptr().cast()) },
        -1
    );
    assert_eq!(last_error::get(), WSAEFAULT as u32);
    sentinel();
    assert_eq!(
        unsafe { InetPtonW(99, w.as_ptr(), v6.as_mut_ptr().cast()) },
        -1
    );
    assert_eq!(last_error::get(), WSAEAFNOSUPPORT as u32);
}

#[test]
fn addresses_inet_ntop_buffer_sizes() {
    let v4 = [10u8, 20, 30, 40];
    let mut v6 = [0u8; 16];
    v6[0] = 0x20;
    v6[1] = 0x01;
    v6[2] = 0x0d;
    v6[3] = 0xb8;
    v6[15] = 1;
    let mut buf = [0x55 as std::ffi::c_char; 64];
    let ntop = |family: i32, addr: *const c_void, buf: &mut [std::ffi::c_char], size: usize| {
        // SAFETY: buf is writable for at least `size` (callers pass size <= buf.len()).
        unsafe { inet_ntop(family, addr, buf.as_mut_ptr(), size) }
    };
    let text = |b: &[std::ffi::c_char]| {
        // SAFETY: NUL-terminated by inet_ntop.
        unsafe { std::ffi::CStr::from_ptr(b.as_ptr()) }
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        ntop(AF_INET, v4.as_ptr().cast(), &mut buf, 16),
        buf.as_ptr()
    );
    assert_eq!(text(&buf), "10.20.30.40");
    assert_eq!(
        ntop(AF_INET, v4.as_ptr().cast(), &mut buf, 12),
        buf.as_ptr(),
        "exact fit"
    );
    sentinel();
    assert!(
        ntop(AF_INET, v4.as_ptr().cast(), &mut buf, 11).is_null(),
        "no room for the NUL"
    );
    assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
    assert_eq!(
        ntop(AF_INET6, v6.as_ptr().cast(), &mut buf, 64),
        buf.as_ptr()
    );
    assert_eq!(text(&buf), "2001:db8::1");
    sentinel();
    assert!(ntop(AF_INET6, v6.as_ptr().cast(), &mut buf, 0).is_null());
    assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
    sentinel();
    assert!(ntop(2 + 8, v6.as_ptr().cast(), &mut buf, 64).is_null());
    assert_eq!(last_error::get(), WSAEAFNOSUPPORT as u32);
    sentinel();
    // SAFETY: NULL buffer is handled.
    assert!(unsafe { inet_ntop(AF_INET, v4.as_ptr().cast(), null_mut(), 16) }.is_null());
    assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
    // Divergence: a NULL address fails instead of faulting.
    sentinel();
    assert!(ntop(AF_INET, null(), &mut buf, 16).is_null());
    assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);

    let mut wbuf = [0u16; 65];
    // SAFETY: sized buffers.
    let r = unsafe { InetNtopW(AF_INET6, v6.as_ptr().cast(), wbuf.as_mut_ptr(), wbuf.len()) };
    assert_eq!(r, wbuf.as_ptr());
    assert_eq!(String::from_utf16_lossy(&wbuf[..11]), "2001:db8::1");
    assert_eq!(wbuf[11], 0);
    sentinel();
    let r = unsafe { InetNtopW(AF_INET6, v6.as_ptr().cast(), wbuf.as_mut_ptr(), 11) };
    assert!(r.is_null());
    assert_eq!(last_error::get(), ERROR_INVALID_PARAMETER);
}

fn sockaddr_in(ip: [u8; 4], port: u16) -> SOCKADDR_IN {
    // SAFETY: all-zero is a valid SOCKADDR_IN.
    let mut a: SOCKADDR_IN = unsafe { std::mem::zeroed() };
    a.sin_family = AF_INET as u16;
    a.sin_port = port.to_be();
    a.sin_addr = unsafe { std::mem::transmute::<[u8; 4], IN_ADDR>(ip) };
    a
}

#[test]
fn addresses_address_to_string_through_the_provider() {
    start_with_base();
    let a = sockaddr_in([127, 0, 0, 1], 8080);
    let ap = &a as *const SOCKADDR_IN as *mut SOCKADDR;
    let mut buf = [0u16; 64];
    let mut len = buf.len() as u32;
    // SAFETY (whole test): every pointer is a local of the stated size.
    unsafe {
        assert_eq!(
            WSAAddressToStringW(ap, 16, null_mut(), buf.as_mut_ptr(), &mut len),
            0
        );
        assert_eq!(len, 15, "characters written, NUL included");
        assert_eq!(String::from_utf16_lossy(&buf[..14]), "127.0.0.1:8080");
        let mut len = 14;
        sentinel();
        assert_eq!(
            WSAAddressToStringW(ap, 16, null_mut(), buf.as_mut_ptr(), &mut len),
            SOCKET_ERROR
        );
        assert_eq!(
            (last_error::get(), len),
            (WSAEFAULT as u32, 15),
            "needed length"
        );
        sentinel();
        assert_eq!(
            WSAAddressToStringW(ap, 15, null_mut(), buf.as_mut_ptr(), &mut len),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32, "short address");
        let mut other = a;
        other.sin_family = 10;
        sentinel();
        let op = &other as *const SOCKADDR_IN as *mut SOCKADDR;
        assert_eq!(
            WSAAddressToStringW(op, 16, null_mut(), buf.as_mut_ptr(), &mut len),
            SOCKET_ERROR
        );
        assert_eq!(
            last_error::get(),
            WSAEINVAL as u32,
            "no catalog entry for family 10"
        );
        sentinel();
        assert_eq!(
            WSAAddressToStringW(null_mut(), 16, null_mut(), buf.as_mut_ptr(), &mut len),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        sentinel();
        assert_eq!(
            WSAAddressToStringW(ap, 16, null_mut(), buf.as_mut_ptr(), null_mut()),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);

        // ANSI: the same text and length protocol in bytes.
        let mut abuf = [0i8; 64];
        let mut alen = 15u32;
        let no_port = sockaddr_in([10, 1, 2, 3], 0);
        let np = &no_port as *const SOCKADDR_IN as *mut SOCKADDR;
        assert_eq!(
            WSAAddressToStringA(np, 16, null_mut(), abuf.as_mut_ptr(), &mut alen),
            0
        );
        assert_eq!(alen, 9);
        assert_eq!(
            std::ffi::CStr::from_ptr(abuf.as_ptr()).to_str().unwrap(),
            "10.1.2.3"
        );
        let mut alen = 8u32;
        sentinel();
        assert_eq!(
            WSAAddressToStringA(np, 16, null_mut(), abuf.as_mut_ptr(), &mut alen),
            SOCKET_ERROR
        );
        assert_eq!((last_error::get(), alen), (WSAEFAULT as u32, 9));

        // IPv6 with port and scope.
        let mut a6: SOCKADDR_IN6 = std::mem::zeroed();
        a6.sin6_family = AF_INET6 as u16;
        a6.sin6_port = 443u16.to_be();
        a6.sin6_addr.u.Byte[0] = 0xfe;
        a6.sin6_addr.u.Byte[1] = 0x80;
        a6.sin6_addr.u.Byte[15] = 1;
        a6.sin6_scope_id = 3;
        let mut len = buf.len() as u32;
        let a6p = &a6 as *const SOCKADDR_IN6 as *mut SOCKADDR;
        assert_eq!(
            WSAAddressToStringW(a6p, 28, null_mut(), buf.as_mut_ptr(), &mut len),
            0
        );
        assert_eq!(
            String::from_utf16_lossy(&buf[..len as usize - 1]),
            "[fe80::1%3]:443"
        );
    }
}

#[test]
fn addresses_string_to_address_through_the_provider() {
    start_with_base();
    // SAFETY (whole test): every pointer is a local of the stated size.
    unsafe {
        let mut out: SOCKADDR_STORAGE = std::mem::zeroed();
        let op = &mut out as *mut SOCKADDR_STORAGE as *mut SOCKADDR;
        let mut len = 128;
        let mut text = wide("192.168.7.9:21");
        assert_eq!(
            WSAStringToAddressW(text.as_mut_ptr(), AF_INET, null_mut(), op, &mut len),
            0
        );
        assert_eq!(len, 16);
        let a = *(op as *const SOCKADDR_IN);
        assert_eq!(a.sin_family, 2);
        assert_eq!(u16::from_be(a.sin_port), 21);
        assert_eq!(a.sin_addr.S_un.S_addr.to_ne_bytes(), [192, 168, 7, 9]);
        let mut len = 15;
        sentinel();
        assert_eq!(
            WSAStringToAddressW(text.as_mut_ptr(), AF_INET, null_mut(), op, &mut len),
            SOCKET_ERROR
        );
        assert_eq!((last_error::get(), len), (WSAEFAULT as u32, 16));
        let mut bad = wide("192.168.7");
        let mut len = 128;
        sentinel();
        assert_eq!(
            WSAStringToAddressW(bad.as_mut_ptr(), AF_INET6, null_mut(), op, &mut len),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEINVAL as u32);
        sentinel();
        assert_eq!(
            WSAStringToAddressW(null_mut(), AF_INET, null_mut(), op, &mut len),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEINVAL as u32);
        sentinel();
        assert_eq!(
            WSAStringToAddressW(bad.as_mut_ptr(), 99, null_mut(), op, &mut len),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEINVAL as u32);
        sentinel();
        assert_eq!(
            WSAStringToAddressW(bad.as_mut_ptr(), AF_INET, null_mut(), op, null_mut()),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);

        let mut narrow = *b"[::1]:80\0";
        let mut len = 128;
        assert_eq!(
            WSAStringToAddressA(
                narrow.as_mut_ptr().cast(),
                AF_INET6,
                null_mut(),
                op,
                &mut len
            ),
            0
        );
        assert_eq!(len, 28);
        let a6 = *(op as *const SOCKADDR_IN6);
        assert_eq!((a6.sin6_family, u16::from_be(a6.sin6_port)), (23, 80));
        assert_eq!(a6.sin6_addr.u.Byte[15], 1);
        let mut len = 27;
        sentinel();
        assert_eq!(
            WSAStringToAddressA(
                narrow.as_mut_ptr().cast(),
                AF_INET6,
                null_mut(),
                op,
                &mut len
            ),
            SOCKET_ERROR
        );
        assert_eq!((last_error::get(), len), (WSAEFAULT as u32, 28));

        // lpProtocolInfo names the entry: the default catalog's first entry.
        let mut infos = [std::mem::zeroed::<WSAPROTOCOL_INFOW>(); 16];
        let mut size = std::mem::size_of_val(&infos) as u32;
        let n = ws2_32::catalog::WSAEnumProtocolsW(null_mut(), infos.as_mut_ptr(), &mut size);
        assert!(n > 0);
        let v4 = infos
            .iter()
            .take(n as usize)
            .find(|i| i.iAddressFamily == AF_INET)
            .unwrap();
        let mut info = *v4;
        let mut len = 128;
        let mut text = wide("1.2.3.4");
        assert_eq!(
            WSAStringToAddressW(text.as_mut_ptr(), AF_INET, &mut info, op, &mut len),
            0
        );
        info.dwCatalogEntryId = 0xdead;
        sentinel();
        assert_eq!(
            WSAStringToAddressW(text.as_mut_ptr(), AF_INET, &mut info, op, &mut len),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), WSAEINVAL as u32, "unknown catalog entry");
    }
}

#[test]
fn addresses_wsa_byte_order_checks_the_socket() {
    start_with_base();
    let mut l = 0u32;
    let mut s = 0u16;
    // SAFETY: output pointers are locals or NULL.
    unsafe {
        sentinel();
        assert_eq!(WSAHtonl(0x1234, 1, &mut l), SOCKET_ERROR);
        assert_eq!(last_error::get(), WSAENOTSOCK as u32);
        let sock = ws2_32::client::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        assert_ne!(sock, !0, "socket: {}", last_error::get());
        assert_eq!(WSAHtonl(sock, 0x0102_0304, &mut l), 0);
        assert_eq!(l.to_ne_bytes(), [1, 2, 3, 4]);
        assert_eq!(WSANtohl(sock, l, &mut l), 0);
        assert_eq!(l, 0x0102_0304);
        assert_eq!(WSAHtons(sock, 0x0102, &mut s), 0);
        assert_eq!(s.to_ne_bytes(), [1, 2]);
        assert_eq!(WSANtohs(sock, s, &mut s), 0);
        assert_eq!(s, 0x0102);
        for r in [
            WSAHtonl(sock, 1, null_mut()),
            WSANtohl(sock, 1, null_mut()),
            WSAHtons(sock, 1, null_mut()),
            WSANtohs(sock, 1, null_mut()),
        ] {
            assert_eq!(r, SOCKET_ERROR);
            assert_eq!(last_error::get(), WSAEFAULT as u32);
        }
        assert_eq!(ws2_32::client::closesocket(sock), 0);
        sentinel();
        assert_eq!(WSANtohs(sock, 1, &mut s), SOCKET_ERROR, "closed socket");
        assert_eq!(last_error::get(), WSAENOTSOCK as u32);
    }
}
