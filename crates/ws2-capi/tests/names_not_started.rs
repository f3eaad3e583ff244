//! Before WSAStartup (and after the last WSACleanup), the name and address functions that
//! Windows documents as needing Winsock fail with WSANOTINITIALISED and touch no output; the
//! pure conversions (inet_addr, inet_pton, inet_ntop) work. Its own process: nothing else here
//! calls WSAStartup.
#![allow(unsafe_code)] // calls the extern "system" exports

use std::ffi::CString;
use std::ptr::{null, null_mut};
use ws2_32::addresses::*;
use ws2_32::last_error;
use ws2_32::names::*;
use ws2_abi::*;

fn check_not_started() {
    let node = CString::new("127.0.0.1").unwrap();
    let n = WSANOTINITIALISED;
    // SAFETY: every pointer is a local or NULL.
    unsafe {
        let mut list: PADDRINFOA = 0x10 as PADDRINFOA;
        assert_eq!(getaddrinfo(node.as_ptr(), null(), null(), &mut list), n);
        assert_eq!(last_error::get(), n as u32);
        assert_eq!(list, 0x10 as PADDRINFOA, "untouched");
        let mut wlist: PADDRINFOW = null_mut();
        let w: Vec<u16> = "x".encode_utf16().chain([0]).collect();
        assert_eq!(GetAddrInfoW(w.as_ptr(), null(), null(), &mut wlist), n);
        let sa = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut host = [0i8; 64];
        last_error::set(0);
        assert_eq!(
            getnameinfo(
                sa.as_ptr().cast(),
                16,
                host.as_mut_ptr(),
                64,
                null_mut(),
                0,
                0
            ),
            n
        );
        assert_eq!(last_error::get(), n as u32);
        assert_eq!(gethostname(host.as_mut_ptr(), 64), SOCKET_ERROR);
        assert_eq!(last_error::get(), n as u32);
        last_error::set(0);
        assert!(gethostbyname(node.as_ptr()).is_null());
        assert_eq!(last_error::get(), n as u32);
        last_error::set(0);
        assert!(getprotobynumber(6).is_null());
        assert_eq!(last_error::get(), n as u32);
        let mut len = 64u32;
        let mut wbuf = [0u16; 64];
        assert_eq!(
            WSAAddressToStringW(
                sa.as_ptr() as *mut SOCKADDR,
                16,
                null_mut(),
                wbuf.as_mut_ptr(),
                &mut len
            ),
            SOCKET_ERROR
        );
        assert_eq!((last_error::get(), len), (n as u32, 64));
        let mut text: Vec<u16> = "1.2.3.4".encode_utf16().chain([0]).collect();
        let mut out = [0u8; 16];
        let mut olen = 16;
        last_error::set(0);
        assert_eq!(
            WSAStringToAddressW(
                text.as_mut_ptr(),
                AF_INET,
                null_mut(),
                out.as_mut_ptr().cast(),
                &mut olen
            ),
            SOCKET_ERROR
        );
        assert_eq!(last_error::get(), n as u32);
        let mut v = 0u32;
        assert_eq!(WSAHtonl(1, 1, &mut v), SOCKET_ERROR);
        assert_eq!(last_error::get(), n as u32);

        // Pure conversions need no WSAStartup.
        assert_eq!(inet_addr(node.as_ptr()), u32::from_ne_bytes([127, 0, 0, 1]));
        let mut a = [0u8; 4];
        assert_eq!(inet_pton(AF_INET, node.as_ptr(), a.as_mut_ptr().cast()), 1);
        let mut s = [0i8; 16];
        assert!(!inet_ntop(AF_INET, a.as_ptr().cast(), s.as_mut_ptr(), 16).is_null());
    }
}

#[test]
fn names_before_startup_and_after_cleanup() {
    check_not_started();
    // SAFETY: a writable WSADATA.
    let mut data: WSADATA = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { ws2_32::winsock::WSAStartup(0x0202, &mut data) }, 0);
    assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    check_not_started();
}
