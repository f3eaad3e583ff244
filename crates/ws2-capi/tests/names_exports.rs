//! The name-resolution exports as C callers see them: getaddrinfo/GetAddrInfoW and their frees,
//! getnameinfo/GetNameInfoW, gethostname/GetHostNameW, gethostbyname/gethostbyaddr and the
//! services and protocols databases. Only numeric names, "localhost" and /etc/hosts are used
//! (no network). Every error path checks the return value and the last error (sentinel first).
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use common::{c, sentinel, start};
use std::ffi::{c_char, CStr};
use std::mem::zeroed;
use std::ptr::{null, null_mut};
use ws2_32::last_error;
use ws2_32::names::*;
use ws2_abi::*;

/// getnameinfo's expected error and its seven arguments.
type Case = (
    i32,
    *const SOCKADDR,
    i32,
    *mut c_char,
    u32,
    *mut c_char,
    u32,
    i32,
);

fn hints(flags: i32, family: i32, socktype: i32, protocol: i32) -> ADDRINFOA {
    // SAFETY: all-zero is the "no hints" value.
    let mut h: ADDRINFOA = unsafe { zeroed() };
    h.ai_flags = flags;
    h.ai_family = family;
    h.ai_socktype = socktype;
    h.ai_protocol = protocol;
    h
}

/// getaddrinfo as (return, list); the list is read into owned values and freed.
fn gai(node: Option<&str>, service: Option<&str>, h: Option<&ADDRINFOA>) -> (i32, Vec<Entry>) {
    let node = node.map(c);
    let service = service.map(c);
    let mut list: PADDRINFOA = 0x1 as PADDRINFOA; // not NULL: getaddrinfo must reset it
                                                  // SAFETY: NUL-terminated strings or NULL, hints NULL or valid, list writable.
    let r = unsafe {
        getaddrinfo(
            node.as_ref().map_or(null(), |n| n.as_ptr()),
            service.as_ref().map_or(null(), |s| s.as_ptr()),
            h.map_or(null(), |h| h as *const ADDRINFOA),
            &mut list,
        )
    };
    if r != 0 {
        assert!(list.is_null(), "the result pointer is NULL on failure");
        return (r, Vec::new());
    }
    let entries = read_list(list);
    // SAFETY: the list came from getaddrinfo.
    unsafe { freeaddrinfo(list) };
    (r, entries)
}

#[derive(Debug, PartialEq)]
struct Entry {
    flags: i32,
    family: i32,
    socktype: i32,
    protocol: i32,
    addrlen: usize,
    canonname: Option<String>,
    addr: Vec<u8>,
}

fn read_list(mut at: PADDRINFOA) -> Vec<Entry> {
    let mut out = Vec::new();
    while !at.is_null() {
        // SAFETY: a node of a getaddrinfo list.
        let ai = unsafe { &*at };
        let addr = unsafe { std::slice::from_raw_parts(ai.ai_addr.cast::<u8>(), ai.ai_addrlen) };
        out.push(Entry {
            flags: ai.ai_flags,
            family: ai.ai_family,
            socktype: ai.ai_socktype,
            protocol: ai.ai_protocol,
            addrlen: ai.ai_addrlen,
            canonname: (!ai.ai_canonname.is_null()).then(|| {
                unsafe { CStr::from_ptr(ai.ai_canonname) }
                    .to_string_lossy()
                    .into_owned()
            }),
            addr: addr.to_vec(),
        });
        at = ai.ai_next;
    }
    out
}

fn v4(ip: [u8; 4], port: u16) -> Vec<u8> {
    let mut b = vec![2, 0];
    b.extend(port.to_be_bytes());
    b.extend(ip);
    b.extend([0; 8]);
    b
}

#[test]
fn names_getaddrinfo_numeric_and_windows_layout() {
    start();
    let h = hints(0, AF_INET, 0, 0);
    sentinel();
    let (r, list) = gai(Some("1.2.3.010"), Some("80"), Some(&h));
    assert_eq!(r, 0);
    assert_eq!(
        last_error::get(),
        0,
        "success sets the last error to 0 (measured)"
    );
    assert_eq!(
        list,
        vec![Entry {
            flags: AI_NUMERICHOST,
            family: AF_INET,
            socktype: 0,
            protocol: 0,
            addrlen: 16,
            canonname: None,
            addr: v4([1, 2, 3, 8], 80),
        }]
    );
    // The Windows member order: ai_addrlen is a size_t at offset 16, ai_canonname before ai_addr.
    assert_eq!(std::mem::offset_of!(ADDRINFOA, ai_addrlen), 16);
    assert_eq!(std::mem::offset_of!(ADDRINFOA, ai_canonname), 24);
    assert_eq!(std::mem::offset_of!(ADDRINFOA, ai_addr), 32);

    let h6 = hints(AI_NUMERICHOST, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    let (r, list) = gai(Some("fe80::2%7"), Some("443"), Some(&h6));
    assert_eq!(r, 0);
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(
        (e.family, e.socktype, e.protocol, e.addrlen),
        (23, 1, 6, 28)
    );
    assert_eq!(
        &e.addr[0..4],
        &[23, 0, 1, 187],
        "family 23 and the port in network order"
    );
    assert_eq!(&e.addr[8..10], &[0xfe, 0x80]);
    assert_eq!(&e.addr[24..28], &7u32.to_ne_bytes(), "scope id");

    let (r, list) = gai(Some("[::1]"), None, None);
    assert_eq!((r, list.len()), (0, 1));
    assert_eq!(list[0].family, AF_INET6);
    let mapped = hints(AI_V4MAPPED, AF_INET6, 0, 0);
    let (r, list) = gai(Some("127.0.0.1"), None, Some(&mapped));
    assert_eq!(r, 0);
    assert_eq!(&list[0].addr[18..24], &[0xff, 0xff, 127, 0, 0, 1]);
    let canon = hints(AI_CANONNAME, AF_INET, 0, 0);
    let (r, list) = gai(Some("10.0.0.1"), None, Some(&canon));
    assert_eq!(r, 0);
    assert_eq!(list[0].canonname.as_deref(), Some("10.0.0.1"));
}

#[test]
fn names_getaddrinfo_null_node_localhost_and_services() {
    start();
    let h = hints(0, AF_INET, 0, 0);
    let (r, list) = gai(None, Some("123"), Some(&h));
    assert_eq!(r, 0);
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].addr,
        v4([127, 0, 0, 1], 123),
        "loopback without AI_PASSIVE"
    );
    let passive = hints(AI_PASSIVE, AF_UNSPEC, SOCK_STREAM, 0);
    let (r, list) = gai(None, Some("0"), Some(&passive));
    assert_eq!(r, 0);
    let families: Vec<i32> = list.iter().map(|e| e.family).collect();
    assert_eq!(families, vec![AF_INET6, AF_INET]);
    assert!(
        list.iter().all(|e| e.addr[2..].iter().all(|&b| b == 0)),
        "wildcard addresses"
    );
    assert!(list.iter().all(|e| e.socktype == SOCK_STREAM));

    let (r, list) = gai(Some("localhost"), Some("http"), Some(&h));
    assert_eq!(r, 0);
    assert_eq!(list[0].addr, v4([127, 0, 0, 1], 80));
    assert_eq!(list[0].socktype, SOCK_STREAM, "http is a TCP service");
    assert_eq!(list[0].flags, 0, "a name is not numeric");
    let (r, list) = gai(Some("localhost"), Some("-1"), Some(&h));
    assert_eq!(
        (r, u16::from_be_bytes([list[0].addr[2], list[0].addr[3]])),
        (0, 65535)
    );
    let canon = hints(AI_CANONNAME, AF_INET, 0, 0);
    let (r, list) = gai(Some("localhost"), None, Some(&canon));
    assert_eq!(r, 0);
    assert!(
        list[0].canonname.is_some(),
        "the first entry has the canonical name"
    );
    assert!(list.iter().skip(1).all(|e| e.canonname.is_none()));
}

#[test]
fn names_getaddrinfo_errors() {
    start();
    let check = |node: Option<&str>, service: Option<&str>, h: Option<&ADDRINFOA>, want: i32| {
        sentinel();
        let (r, _) = gai(node, service, h);
        assert_eq!(r, want, "{node:?} {service:?}");
        assert_eq!(last_error::get(), want as u32, "returned and set: {node:?}");
    };
    let h = hints(0, AF_INET, 0, 0);
    check(None, None, None, WSAHOST_NOT_FOUND);
    check(
        Some("1.2.3"),
        None,
        Some(&hints(AI_NUMERICHOST, AF_INET, 0, 0)),
        WSAHOST_NOT_FOUND,
    );
    check(
        Some("localhost"),
        None,
        Some(&hints(AI_NUMERICHOST, 0, 0, 0)),
        WSAHOST_NOT_FOUND,
    );
    check(
        Some("no-such-host.invalid"),
        None,
        Some(&h),
        WSAHOST_NOT_FOUND,
    );
    check(Some("::1"), None, Some(&h), WSAHOST_NOT_FOUND);
    check(
        Some("1.2.3.4"),
        Some("no-such-service"),
        Some(&h),
        WSATYPE_NOT_FOUND,
    );
    check(Some("1.2.3.4"), Some("28a"), Some(&h), WSATYPE_NOT_FOUND);
    check(
        Some("1.2.3.4"),
        None,
        Some(&hints(0, 10, 0, 0)),
        WSAEAFNOSUPPORT,
    );
    check(
        Some("1.2.3.4"),
        None,
        Some(&hints(0, AF_INET, 99, 0)),
        WSAESOCKTNOSUPPORT,
    );
    check(
        Some("1.2.3.4"),
        None,
        Some(&hints(AI_CANONNAME | AI_FQDN, 0, 0, 0)),
        WSAEINVAL,
    );
    check(
        None,
        Some("80"),
        Some(&hints(AI_CANONNAME, 0, 0, 0)),
        WSAEINVAL,
    );
    let mut dirty = hints(0, AF_INET, 0, 0);
    dirty.ai_addrlen = 16;
    check(Some("1.2.3.4"), None, Some(&dirty), WSANO_RECOVERY);
    // Divergence: a NULL result pointer fails instead of faulting.
    sentinel();
    // SAFETY: NULL result is handled.
    let r = unsafe { getaddrinfo(c("1.2.3.4").as_ptr(), null(), null(), null_mut()) };
    assert_eq!((r, last_error::get()), (WSAEINVAL, WSAEINVAL as u32));
}

#[test]
fn names_getaddrinfow_and_free() {
    start();
    let w = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let (node, service) = (w("localhost"), w("7"));
    // SAFETY: all-zero ADDRINFOW is "no hints".
    let mut h: ADDRINFOW = unsafe { zeroed() };
    h.ai_family = AF_INET;
    h.ai_flags = AI_CANONNAME;
    let mut list: PADDRINFOW = null_mut();
    // SAFETY: NUL-terminated wide strings, valid hints, writable result.
    unsafe {
        assert_eq!(
            GetAddrInfoW(node.as_ptr(), service.as_ptr(), &h, &mut list),
            0
        );
        let ai = &*list;
        assert_eq!((ai.ai_family, ai.ai_addrlen), (AF_INET, 16));
        assert!(!ai.ai_canonname.is_null());
        let addr = std::slice::from_raw_parts(ai.ai_addr.cast::<u8>(), 16);
        assert_eq!(addr, &v4([127, 0, 0, 1], 7)[..]);
        FreeAddrInfoW(list);
        FreeAddrInfoW(null_mut());
        freeaddrinfo(null_mut());
        let mut untouched: PADDRINFOW = 0x10 as PADDRINFOW;
        sentinel();
        assert_eq!(
            GetAddrInfoW(null(), null(), null(), &mut untouched),
            WSAHOST_NOT_FOUND
        );
        assert_eq!(last_error::get(), WSAHOST_NOT_FOUND as u32);
        assert_eq!(
            untouched, 0x10 as PADDRINFOW,
            "measured: GetAddrInfoW leaves it"
        );
    }
}

fn sockaddr4(ip: [u8; 4], port: u16) -> SOCKADDR_STORAGE {
    let b = v4(ip, port);
    // SAFETY: all-zero storage, then the 16 bytes of a SOCKADDR_IN.
    let mut s: SOCKADDR_STORAGE = unsafe { zeroed() };
    unsafe {
        std::ptr::copy_nonoverlapping(b.as_ptr(), (&mut s as *mut SOCKADDR_STORAGE).cast(), 16)
    };
    s
}

#[test]
fn names_getnameinfo_flags_and_buffers() {
    start();
    let sa = sockaddr4([127, 0, 0, 1], 80);
    let sp = &sa as *const SOCKADDR_STORAGE as *const SOCKADDR;
    let mut host = [0 as c_char; 1025];
    let mut serv = [0 as c_char; 32];
    let text = |b: &[c_char]| {
        unsafe { CStr::from_ptr(b.as_ptr()) }
            .to_str()
            .unwrap()
            .to_string()
    };
    // SAFETY (whole test): buffers are locals of the stated sizes.
    unsafe {
        let r = getnameinfo(
            sp,
            16,
            host.as_mut_ptr(),
            1025,
            serv.as_mut_ptr(),
            32,
            NI_NUMERICHOST | NI_NUMERICSERV,
        );
        assert_eq!(r, 0);
        assert_eq!(
            (text(&host), text(&serv)),
            ("127.0.0.1".into(), "80".into())
        );
        let r = getnameinfo(sp, 16, host.as_mut_ptr(), 1025, serv.as_mut_ptr(), 32, 0);
        assert_eq!(r, 0);
        assert_eq!(text(&serv), "http");
        assert!(!text(&host).is_empty());
        let r = getnameinfo(
            sp,
            16,
            host.as_mut_ptr(),
            1025,
            null_mut(),
            0,
            NI_NUMERICHOST,
        );
        assert_eq!(r, 0);
        let cases: [Case; 7] = [
            (
                WSAEFAULT,
                null(),
                16,
                host.as_mut_ptr(),
                1025,
                null_mut(),
                0,
                0,
            ),
            (WSAEFAULT, sp, 15, host.as_mut_ptr(), 1025, null_mut(), 0, 0),
            (
                WSAEFAULT,
                sp,
                16,
                host.as_mut_ptr(),
                9,
                null_mut(),
                0,
                NI_NUMERICHOST,
            ),
            (
                WSAEFAULT,
                sp,
                16,
                null_mut(),
                0,
                serv.as_mut_ptr(),
                2,
                NI_NUMERICSERV,
            ),
            (WSAEINVAL, sp, 16, host.as_mut_ptr(), 0, null_mut(), 0, 0),
            (
                WSAEINVAL,
                sp,
                16,
                host.as_mut_ptr(),
                1025,
                null_mut(),
                0,
                0x100,
            ),
            (WSAHOST_NOT_FOUND, sp, 16, null_mut(), 0, null_mut(), 0, 0),
        ];
        for (want, sa, len, h, hl, s, sl, flags) in cases {
            sentinel();
            assert_eq!(getnameinfo(sa, len, h, hl, s, sl, flags), want);
            assert_eq!(last_error::get(), want as u32);
        }
        let r = getnameinfo(sp, 16, host.as_mut_ptr(), 10, null_mut(), 0, NI_NUMERICHOST);
        assert_eq!(r, 0, "exact fit: 9 characters and the NUL");
        let mut other = sa;
        other.ss_family = 10;
        sentinel();
        let op = &other as *const SOCKADDR_STORAGE as *const SOCKADDR;
        assert_eq!(
            getnameinfo(op, 28, host.as_mut_ptr(), 1025, null_mut(), 0, 0),
            WSAEAFNOSUPPORT
        );
        assert_eq!(last_error::get(), WSAEAFNOSUPPORT as u32);
        let unknown = sockaddr4([192, 0, 2, 1], 0);
        let up = &unknown as *const SOCKADDR_STORAGE as *const SOCKADDR;
        sentinel();
        assert_eq!(
            getnameinfo(up, 16, host.as_mut_ptr(), 1025, null_mut(), 0, NI_NAMEREQD),
            WSAHOST_NOT_FOUND
        );
        assert_eq!(last_error::get(), WSAHOST_NOT_FOUND as u32);

        let mut whost = [0u16; 64];
        let mut wserv = [0u16; 8];
        let r = GetNameInfoW(
            sp,
            16,
            whost.as_mut_ptr(),
            64,
            wserv.as_mut_ptr(),
            8,
            NI_NUMERICHOST | NI_NUMERICSERV,
        );
        assert_eq!(r, 0);
        assert_eq!(String::from_utf16_lossy(&whost[..9]), "127.0.0.1");
        assert_eq!(&wserv[..3], &[b'8' as u16, b'0' as u16, 0]);
        sentinel();
        let r = GetNameInfoW(sp, 16, whost.as_mut_ptr(), 9, null_mut(), 0, NI_NUMERICHOST);
        assert_eq!(
            (r, last_error::get()),
            (WSAEFAULT, WSAEFAULT as u32),
            "size in WCHARs"
        );
    }
}

#[test]
fn names_gethostname_buffer_protocol() {
    start();
    let mut buf = [0 as c_char; 256];
    // SAFETY: sized local buffers.
    unsafe {
        assert_eq!(gethostname(buf.as_mut_ptr(), 256), 0);
        let name = CStr::from_ptr(buf.as_ptr()).to_str().unwrap().to_string();
        assert!(!name.is_empty());
        let n = name.len() as i32;
        assert_eq!(gethostname(buf.as_mut_ptr(), n + 1), 0, "exact fit");
        sentinel();
        assert_eq!(
            gethostname(buf.as_mut_ptr(), n),
            SOCKET_ERROR,
            "no room for the NUL"
        );
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        sentinel();
        assert_eq!(gethostname(null_mut(), 256), SOCKET_ERROR);
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        let mut wbuf = [0u16; 256];
        assert_eq!(GetHostNameW(wbuf.as_mut_ptr(), 256), 0);
        assert_eq!(String::from_utf16_lossy(&wbuf[..name.len()]), name);
        sentinel();
        assert_eq!(GetHostNameW(wbuf.as_mut_ptr(), n), SOCKET_ERROR);
        assert_eq!(last_error::get(), WSAEFAULT as u32);
    }
}

#[test]
fn names_hostent_windows_layout() {
    start();
    // SAFETY: the hostent is the thread's, read before the next call.
    unsafe {
        let h = gethostbyname(c("localhost").as_ptr());
        assert!(!h.is_null(), "{}", last_error::get());
        let h = &*h;
        assert_eq!((h.h_addrtype, h.h_length), (AF_INET as i16, 4));
        assert_eq!(CStr::from_ptr(h.h_name).to_str().unwrap(), "localhost");
        assert!(!h.h_aliases.is_null());
        let first = std::slice::from_raw_parts((*h.h_addr_list).cast::<u8>(), 4);
        assert_eq!(first, &[127, 0, 0, 1]);
        assert_eq!(
            std::mem::offset_of!(HOSTENT, h_addr_list),
            24,
            "short type and length"
        );

        let n = gethostbyname(c("10.9.8.7").as_ptr());
        assert!(!n.is_null());
        assert_eq!(
            std::slice::from_raw_parts((*(*n).h_addr_list).cast::<u8>(), 4),
            &[10, 9, 8, 7]
        );
        assert!(!gethostbyname(null()).is_null(), "NULL is the local host");

        sentinel();
        assert!(gethostbyname(c("no-such-host.invalid").as_ptr()).is_null());
        assert_eq!(last_error::get(), WSAHOST_NOT_FOUND as u32);

        let addr = [127u8, 0, 0, 1];
        let h = gethostbyaddr(addr.as_ptr().cast(), 4, AF_INET);
        assert!(!h.is_null(), "{}", last_error::get());
        assert_eq!((*h).h_addrtype, AF_INET as i16);
        sentinel();
        assert!(gethostbyaddr(addr.as_ptr().cast(), 3, AF_INET).is_null());
        assert_eq!(last_error::get(), WSAEFAULT as u32);
        sentinel();
        assert!(gethostbyaddr(addr.as_ptr().cast(), 4, 10).is_null());
        assert_eq!(last_error::get(), WSAEAFNOSUPPORT as u32);
        sentinel();
        assert!(gethostbyaddr(null(), 4, AF_INET).is_null());
        assert_eq!(last_error::get(), WSAEFAULT as u32);
    }
}

#[test]
fn names_servent_and_protoent() {
    start();
    // SAFETY: per-thread structures read before the next call of their kind.
    unsafe {
        let s = getservbyname(c("http").as_ptr(), c("tcp").as_ptr());
        assert!(!s.is_null());
        let s = &*s;
        assert_eq!(CStr::from_ptr(s.s_name).to_str().unwrap(), "http");
        assert_eq!(CStr::from_ptr(s.s_proto).to_str().unwrap(), "tcp");
        assert_eq!(s.s_port, 80u16.to_be() as i16, "network order");
        assert_eq!(
            std::mem::offset_of!(SERVENT, s_proto),
            16,
            "x64 order: s_proto before s_port"
        );
        let p = getservbyport(i32::from(80u16.to_be()), null());
        assert!(!p.is_null());
        assert_eq!(CStr::from_ptr((*p).s_name).to_str().unwrap(), "http");
        sentinel();
        assert!(getservbyname(c("no-such-service").as_ptr(), null()).is_null());
        assert_eq!(last_error::get(), WSANO_DATA as u32);
        sentinel();
        assert!(getservbyport(i32::from(1u16.to_be()), c("no-such-proto").as_ptr()).is_null());
        assert_eq!(last_error::get(), WSANO_DATA as u32);
        sentinel();
        assert!(getservbyname(null(), null()).is_null());
        assert_eq!(last_error::get(), WSAEFAULT as u32);

        let t = getprotobyname(c("tcp").as_ptr());
        assert!(!t.is_null());
        assert_eq!((*t).p_proto, 6);
        let u = getprotobynumber(17);
        assert_eq!(CStr::from_ptr((*u).p_name).to_str().unwrap(), "udp");
        sentinel();
        assert!(getprotobyname(c("no-such-protocol").as_ptr()).is_null());
        assert_eq!(last_error::get(), WSANO_DATA as u32);
        sentinel();
        assert!(getprotobynumber(4242).is_null());
        assert_eq!(last_error::get(), WSANO_DATA as u32);
    }
}
