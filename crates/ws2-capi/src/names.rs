//! Name resolution: `getaddrinfo`/`GetAddrInfoW`, `freeaddrinfo`/`FreeAddrInfoW`,
//! `getnameinfo`/`GetNameInfoW`, `gethostname`/`GetHostNameW`, `gethostbyname`,
//! `gethostbyaddr`, `getservbyname`, `getservbyport`, `getprotobyname`, `getprotobynumber`.
//! (`gai_strerrorA/W` are inline functions of ws2tcpip.h, as in the SDK.)
//!
//! Windows contract (Microsoft documentation; ReactOS's and Wine's measurements where it is
//! silent):
//! - Every function fails with WSANOTINITIALISED before WSAStartup, touching no output.
//! - getaddrinfo returns 0 (and sets the last error to 0) or an EAI_* code, which is a WSA code
//!   and is also the last error: both names NULL → WSAHOST_NOT_FOUND; hints members other than
//!   flags/family/socktype/protocol not zero → WSANO_RECOVERY; a family other than AF_UNSPEC,
//!   AF_INET, AF_INET6 (23) → WSAEAFNOSUPPORT; an unknown socket type → WSAESOCKTNOSUPPORT;
//!   AI_CANONNAME with AI_FQDN, or with no node name (RFC 3493) → WSAEINVAL; an unknown service
//!   name → WSATYPE_NOT_FOUND; an unknown host → WSAHOST_NOT_FOUND. `*ppResult` is NULL on
//!   failure (getaddrinfo) or untouched (GetAddrInfoW, as measured).
//! - Numeric hosts are Windows' forms: four IPv4 parts (decimal, octal, hex; "1.2.3" is not
//!   numeric), IPv6 with an optional numeric `%scope`, and `[v6]`; the result carries
//!   AI_NUMERICHOST. "" is the local host name. Numeric services are decimal, with leading
//!   whitespace and a sign, taken modulo 65536 after 32-bit saturation ("" is port 0). A named
//!   service sets the socket type when it exists for one protocol only ("http" → SOCK_STREAM).
//!   One entry per address (not one per socket type as glibc returns), socket type and
//!   protocol as hinted, the canonical name on the first entry only.
//! - Host names are resolved by the C library (/etc/hosts first; see ws2_os::resolver).
//! - getnameinfo: a NULL address or a length shorter than the family's sockaddr → WSAEFAULT;
//!   another family → WSAEAFNOSUPPORT; unknown flags, or a buffer given with size 0 →
//!   WSAEINVAL; no buffer at all → WSAHOST_NOT_FOUND; a name that does not fit its buffer →
//!   WSAEFAULT (Windows documents only that the buffer must be large enough).
//! - gethostname/GetHostNameW: WSAEFAULT for NULL or a buffer too small for the name and NUL.
//! - The database functions return per-thread structures in the Windows layouts (valid until
//!   the thread's next call of the same kind), ports in network order; NULL with
//!   WSAHOST_NOT_FOUND/WSANO_DATA/WSATRY_AGAIN/WSANO_RECOVERY (hosts) or WSANO_DATA (services,
//!   protocols).
//!
//! Divergences (each shown by a test in tests/names_exports.rs): a NULL `ppResult` or NULL
//! name string fails with WSAEINVAL/WSAEFAULT where Windows faults; text is UTF-8 (no IDN
//! punycode conversion in GetAddrInfoW); gethostbyname of the local host name returns what the
//! resolver gives it (no routing-table address list).
// The pointer contract is the same for every export (NULL or valid as the Winsock
// documentation of the function requires), so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::addresses::{copy_out, parse_classic_v4, wide_units};
use crate::boundary::{fail_api, ffi_boundary, trace_call};
use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::ptr::null_mut;
use ws2_abi::*;
use ws2_core::runtime::runtime;
use ws2_core::trace::{self, Channel};
use ws2_core::WinError;
use ws2_os::resolver::{self, LookupError, LookupFamily, LookupFlags, NameFlags};

fn code(c: i32) -> WinError {
    WinError(c as u32)
}

fn started() -> ws2_core::Result<()> {
    if runtime().is_started() {
        Ok(())
    } else {
        Err(WinError::WSANOTINITIALISED)
    }
}

/// The resolver's failure as the Winsock code getaddrinfo/getnameinfo/gethostby* report
/// (also used by the WSAAsyncGetXByY functions in async_db.rs).
pub(crate) fn lookup_code(e: LookupError) -> WinError {
    code(match e {
        LookupError::NoName => WSAHOST_NOT_FOUND,
        LookupError::NoData => WSANO_DATA,
        LookupError::Again => WSATRY_AGAIN,
        LookupError::Fail | LookupError::System(_) => WSANO_RECOVERY,
        LookupError::Family => WSAEAFNOSUPPORT,
        LookupError::BadFlags => WSAEINVAL,
        LookupError::Memory => WSA_NOT_ENOUGH_MEMORY,
        LookupError::Service => WSATYPE_NOT_FOUND,
        LookupError::SocketType => WSAESOCKTNOSUPPORT,
        LookupError::Overflow => WSAEFAULT,
    })
}

// ---------------------------------------------------------------------------------------------
// getaddrinfo: the resolution, independent of the character set
// ---------------------------------------------------------------------------------------------

/// The four hint members that may be set.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints {
    pub flags: i32,
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
}

/// What one getaddrinfo call resolved to: one entry per address.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub addresses: Vec<SocketAddr>,
    pub canonical_name: Option<String>,
    pub flags: i32,
    pub socktype: i32,
    pub protocol: i32,
}

/// A numeric service as Windows reads it: optional leading whitespace and sign, decimal digits
/// to the end; 32-bit saturation, negation modulo 2^32, then the low 16 bits. "" is 0.
pub fn numeric_port(text: &str) -> Option<u16> {
    if text.is_empty() {
        return Some(0);
    }
    let rest = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let (negative, digits) = match rest.as_bytes().first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut value: u64 = 0;
    let mut saturated = false;
    for d in digits.bytes() {
        value = value * 10 + u64::from(d - b'0');
        if value > u64::from(u32::MAX) {
            saturated = true;
            value = u64::from(u32::MAX);
        }
    }
    let value = value as u32;
    let value = if negative && !saturated {
        value.wrapping_neg()
    } else {
        value
    };
    Some(value as u16)
}

/// A numeric host: four-part IPv4 (`parse_classic_v4` forms with exactly four parts, nothing
/// after), or IPv6 with an optional numeric scope.
pub fn numeric_host(text: &str) -> Option<IpAddr> {
    if text.split('.').count() == 4 && !text.bytes().any(|c| c.is_ascii_whitespace()) {
        if let Some(b) = parse_classic_v4(text.as_bytes()) {
            return Some(IpAddr::V4(Ipv4Addr::from(b)));
        }
    }
    let host = text.split_once('%').map_or(text, |(h, _)| h);
    host.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

fn scope_of(text: &str) -> Option<u32> {
    match text.split_once('%') {
        None => Some(0),
        Some((_, s)) if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) => s.parse().ok(),
        Some(_) => None,
    }
}

/// The port and socket type of a service (`None`: no service).
fn resolve_service(service: Option<&str>, hints: &Hints) -> ws2_core::Result<(u16, i32)> {
    let Some(service) = service else {
        return Ok((0, hints.socktype));
    };
    if let Some(port) = numeric_port(service) {
        return Ok((port, hints.socktype));
    }
    if hints.flags & AI_NUMERICSERV != 0 {
        return Err(code(WSAHOST_NOT_FOUND));
    }
    let not_found = code(WSATYPE_NOT_FOUND);
    let by = |proto| resolver::service_by_name(service, Some(proto)).map(|s| s.port);
    match (hints.socktype, hints.protocol) {
        (SOCK_STREAM, _) | (0, IPPROTO_TCP) => {
            by("tcp").map(|p| (p, hints.socktype)).ok_or(not_found)
        }
        (SOCK_DGRAM, _) | (0, IPPROTO_UDP) => {
            by("udp").map(|p| (p, hints.socktype)).ok_or(not_found)
        }
        (0, _) => match (by("tcp"), by("udp")) {
            (Some(t), Some(_)) => Ok((t, 0)),
            (Some(t), None) => Ok((t, SOCK_STREAM)),
            (None, Some(u)) => Ok((u, SOCK_DGRAM)),
            (None, None) => Err(not_found),
        },
        _ => resolver::service_by_name(service, None)
            .map(|s| (s.port, hints.socktype))
            .ok_or(not_found),
    }
}

fn wants(family: i32, ip: &IpAddr) -> bool {
    match family {
        AF_INET => ip.is_ipv4(),
        AF_INET6 => ip.is_ipv6(),
        _ => true,
    }
}

/// getaddrinfo's whole algorithm on Rust text (see the module documentation).
pub fn resolve(
    node: Option<&str>,
    service: Option<&str>,
    hints: Hints,
) -> ws2_core::Result<Resolution> {
    if node.is_none() && service.is_none() {
        return Err(code(WSAHOST_NOT_FOUND));
    }
    if !matches!(hints.family, AF_UNSPEC | AF_INET | AF_INET6) {
        return Err(code(WSAEAFNOSUPPORT));
    }
    if !(0..=SOCK_SEQPACKET).contains(&hints.socktype) {
        return Err(code(WSAESOCKTNOSUPPORT));
    }
    let canon = hints.flags & AI_CANONNAME != 0;
    if canon && (hints.flags & AI_FQDN != 0 || node.is_none()) {
        return Err(WinError::WSAEINVAL);
    }
    let (port, socktype) = resolve_service(service, &hints)?;
    let mut flags = hints.flags;
    let mut canonical_name = None;
    let ips: Vec<(IpAddr, u32)> = match node {
        None => {
            let (v6, v4) = if hints.flags & AI_PASSIVE != 0 {
                (Ipv6Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
            } else {
                (Ipv6Addr::LOCALHOST, Ipv4Addr::LOCALHOST)
            };
            [IpAddr::V6(v6), IpAddr::V4(v4)]
                .into_iter()
                .filter(|ip| wants(hints.family, ip))
                .map(|ip| (ip, 0))
                .collect()
        }
        Some(text) => {
            let local;
            let mut text = text;
            if text.is_empty() {
                local = resolver::host_name().map_err(|_| code(WSANO_RECOVERY))?;
                text = &local;
            }
            if hints.family != AF_INET {
                if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                    text = inner;
                }
            }
            if let Some(ip) = numeric_host(text) {
                let scope = scope_of(text).ok_or(code(WSAHOST_NOT_FOUND))?;
                let ip = match (ip, hints.family) {
                    (IpAddr::V4(v4), AF_INET6) if hints.flags & AI_V4MAPPED != 0 => {
                        IpAddr::V6(v4.to_ipv6_mapped())
                    }
                    (ip, family) if !wants(family, &ip) => return Err(code(WSAHOST_NOT_FOUND)),
                    (ip, _) => ip,
                };
                flags |= AI_NUMERICHOST;
                if canon {
                    canonical_name = Some(text.to_string());
                }
                vec![(ip, scope)]
            } else if hints.flags & AI_NUMERICHOST != 0 {
                return Err(code(WSAHOST_NOT_FOUND));
            } else {
                let family = match hints.family {
                    AF_INET => LookupFamily::V4,
                    AF_INET6 => LookupFamily::V6,
                    _ => LookupFamily::Any,
                };
                let lookup = LookupFlags {
                    canonical_name: canon,
                    address_config: hints.flags & AI_ADDRCONFIG != 0,
                    v4_mapped: hints.family == AF_INET6 && hints.flags & AI_V4MAPPED != 0,
                    all: hints.family == AF_INET6 && hints.flags & AI_ALL != 0,
                };
                let found = resolver::lookup_host(text, family, lookup).map_err(lookup_code)?;
                if canon {
                    canonical_name = Some(found.canonical_name.unwrap_or_else(|| text.to_string()));
                }
                found.addresses.into_iter().map(|ip| (ip, 0)).collect()
            }
        }
    };
    if ips.is_empty() {
        return Err(code(WSAHOST_NOT_FOUND));
    }
    Ok(Resolution {
        addresses: ips
            .into_iter()
            .map(|(ip, scope)| match ip {
                IpAddr::V4(a) => SocketAddr::V4(SocketAddrV4::new(a, port)),
                IpAddr::V6(a) => SocketAddr::V6(SocketAddrV6::new(a, port, 0, scope)),
            })
            .collect(),
        canonical_name,
        flags,
        socktype,
        protocol: hints.protocol,
    })
}

/// A socket address in its Windows layout (SOCKADDR_IN or SOCKADDR_IN6) and its length.
pub fn windows_sockaddr(addr: &SocketAddr) -> (SOCKADDR_STORAGE, usize) {
    let mut bytes = [0u8; 128];
    let len = match addr {
        SocketAddr::V4(a) => {
            bytes[0..2].copy_from_slice(&(AF_INET as u16).to_ne_bytes());
            bytes[2..4].copy_from_slice(&a.port().to_be_bytes());
            bytes[4..8].copy_from_slice(&a.ip().octets());
            16
        }
        SocketAddr::V6(a) => {
            bytes[0..2].copy_from_slice(&(AF_INET6 as u16).to_ne_bytes());
            bytes[2..4].copy_from_slice(&a.port().to_be_bytes());
            bytes[4..8].copy_from_slice(&a.flowinfo().to_be_bytes());
            bytes[8..24].copy_from_slice(&a.ip().octets());
            bytes[24..28].copy_from_slice(&a.scope_id().to_ne_bytes());
            28
        }
    };
    // SAFETY: SOCKADDR_STORAGE is 128 bytes of plain integers; any bytes are a valid value.
    (
        unsafe { std::mem::transmute::<[u8; 128], SOCKADDR_STORAGE>(bytes) },
        len,
    )
}

/// Reads a Windows sockaddr of `len` bytes: WSAEFAULT when too short, WSAEAFNOSUPPORT for a
/// family other than AF_INET/AF_INET6.
///
/// # Safety
/// `sa` is NULL or readable for `len` bytes.
unsafe fn read_sockaddr(sa: *const SOCKADDR, len: i32) -> ws2_core::Result<SocketAddr> {
    if sa.is_null() || len < 2 {
        return Err(WinError::WSAEFAULT);
    }
    // SAFETY: readable for len bytes (contract).
    let b = unsafe { std::slice::from_raw_parts(sa.cast::<u8>(), len as usize) };
    let port = u16::from_be_bytes([b[2 % b.len()], b[3 % b.len()]]);
    match i32::from(u16::from_ne_bytes([b[0], b[1]])) {
        AF_INET if b.len() >= 16 => Ok(SocketAddr::V4(SocketAddrV4::new(
            Ipv4Addr::new(b[4], b[5], b[6], b[7]),
            port,
        ))),
        AF_INET6 if b.len() >= 28 => {
            let mut ip = [0u8; 16];
            ip.copy_from_slice(&b[8..24]);
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(ip),
                port,
                u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
                u32::from_ne_bytes([b[24], b[25], b[26], b[27]]),
            )))
        }
        AF_INET | AF_INET6 => Err(WinError::WSAEFAULT),
        _ => Err(code(WSAEAFNOSUPPORT)),
    }
}

// ---------------------------------------------------------------------------------------------
// getaddrinfo / GetAddrInfoW / freeaddrinfo / FreeAddrInfoW
// ---------------------------------------------------------------------------------------------

/// One result node: the ADDRINFO header first (so the node's address is the list pointer) and
/// the socket address it points to.
#[repr(C)]
struct Node<T> {
    info: T,
    addr: SOCKADDR_STORAGE,
}

/// Builds a result list of `T` nodes (ADDRINFOA or ADDRINFOW) with `make(info fields)`.
fn build_list<T>(
    r: &Resolution,
    canonical: Option<*mut std::ffi::c_void>,
    make: impl Fn(i32, i32, i32, i32, usize) -> T,
    link: impl Fn(&mut T, *mut SOCKADDR, *mut std::ffi::c_void, *mut T),
) -> *mut T {
    let mut head: *mut T = null_mut();
    for (i, addr) in r.addresses.iter().enumerate().rev() {
        let (storage, len) = windows_sockaddr(addr);
        let family = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
        let node = Box::into_raw(Box::new(Node {
            info: make(r.flags, family, r.socktype, r.protocol, len),
            addr: storage,
        }));
        let name = if i == 0 {
            canonical.unwrap_or(null_mut())
        } else {
            null_mut()
        };
        // SAFETY: node was just allocated; its fields are ours to link.
        unsafe {
            let addr_ptr = std::ptr::addr_of_mut!((*node).addr).cast::<SOCKADDR>();
            link(&mut (*node).info, addr_ptr, name, head);
        }
        head = node.cast();
    }
    head
}

fn trace_result(name: &str, node: &dyn Fn() -> String, result: &ws2_core::Result<Resolution>) {
    trace_call(Channel::Api, name, node, || match result {
        Ok(r) => format!("0 {:?}", r.addresses),
        Err(e) => trace::outcome("error", Some(*e)),
    });
}

/// Reads the hints (NULL: all zero); WSANO_RECOVERY when a member that must be zero is not.
fn read_hints(hints: Option<(i32, i32, i32, i32, bool)>) -> ws2_core::Result<Hints> {
    match hints {
        None => Ok(Hints::default()),
        Some((_, _, _, _, true)) => Err(code(WSANO_RECOVERY)),
        Some((flags, family, socktype, protocol, false)) => Ok(Hints {
            flags,
            family,
            socktype,
            protocol,
        }),
    }
}

#[export_name = "ws2emu_getaddrinfo"]
pub unsafe extern "system" fn getaddrinfo(
    node: *const c_char,
    service: *const c_char,
    hints: *const ADDRINFOA,
    result: *mut PADDRINFOA,
) -> i32 {
    ffi_boundary("getaddrinfo", WSANO_RECOVERY, || {
        if let Err(e) = started() {
            return fail_api(e, e.as_i32());
        }
        if result.is_null() {
            return fail_api(WinError::WSAEINVAL, WSAEINVAL);
        }
        // SAFETY: writable (contract).
        unsafe { result.write(null_mut()) };
        // SAFETY: NULL or NUL-terminated (contract).
        let text = |p: *const c_char| {
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        };
        let (node, service) = (text(node), text(service));
        // SAFETY: NULL or readable (contract).
        let h = unsafe { hints.as_ref() }.map(|h| {
            let dirty = h.ai_addrlen != 0
                || !h.ai_canonname.is_null()
                || !h.ai_addr.is_null()
                || !h.ai_next.is_null();
            (h.ai_flags, h.ai_family, h.ai_socktype, h.ai_protocol, dirty)
        });
        let resolved = read_hints(h).and_then(|h| resolve(node.as_deref(), service.as_deref(), h));
        trace_result(
            "getaddrinfo",
            &|| format!("{node:?}, {service:?}"),
            &resolved,
        );
        match resolved {
            Ok(r) => {
                let canonical = r
                    .canonical_name
                    .as_ref()
                    .map(|c| CString::new(c.replace('\0', "")).unwrap().into_raw().cast());
                let list = build_list(
                    &r,
                    canonical,
                    |flags, family, socktype, protocol, len| ADDRINFOA {
                        ai_flags: flags,
                        ai_family: family,
                        ai_socktype: socktype,
                        ai_protocol: protocol,
                        ai_addrlen: len,
                        ai_canonname: null_mut(),
                        ai_addr: null_mut(),
                        ai_next: null_mut(),
                    },
                    |info, addr, name, next| {
                        info.ai_addr = addr;
                        info.ai_canonname = name.cast();
                        info.ai_next = next;
                    },
                );
                // SAFETY: writable (contract).
                unsafe { result.write(list) };
                crate::last_error::set(0);
                0
            }
            Err(e) => fail_api(e, e.as_i32()),
        }
    })
}

#[no_mangle]
pub unsafe extern "system" fn GetAddrInfoW(
    node: *const u16,
    service: *const u16,
    hints: *const ADDRINFOW,
    result: *mut PADDRINFOW,
) -> i32 {
    ffi_boundary("GetAddrInfoW", WSANO_RECOVERY, || {
        if let Err(e) = started() {
            return fail_api(e, e.as_i32());
        }
        if result.is_null() {
            return fail_api(WinError::WSAEINVAL, WSAEINVAL);
        }
        // SAFETY: NULL or NUL-terminated (contract).
        let text = |p: *const u16| {
            (!p.is_null()).then(|| String::from_utf16_lossy(unsafe { wide_units(p) }))
        };
        let (node, service) = (text(node), text(service));
        // SAFETY: NULL or readable (contract).
        let h = unsafe { hints.as_ref() }.map(|h| {
            let dirty = h.ai_addrlen != 0
                || !h.ai_canonname.is_null()
                || !h.ai_addr.is_null()
                || !h.ai_next.is_null();
            (h.ai_flags, h.ai_family, h.ai_socktype, h.ai_protocol, dirty)
        });
        let resolved = read_hints(h).and_then(|h| resolve(node.as_deref(), service.as_deref(), h));
        trace_result(
            "GetAddrInfoW",
            &|| format!("{node:?}, {service:?}"),
            &resolved,
        );
        match resolved {
            Ok(r) => {
                let canonical = r.canonical_name.as_ref().map(|c| {
                    let mut w: Vec<u16> = c.encode_utf16().filter(|&u| u != 0).collect();
                    w.push(0);
                    Box::into_raw(w.into_boxed_slice()).cast()
                });
                let list = build_list(
                    &r,
                    canonical,
                    |flags, family, socktype, protocol, len| ADDRINFOW {
                        ai_flags: flags,
                        ai_family: family,
                        ai_socktype: socktype,
                        ai_protocol: protocol,
                        ai_addrlen: len,
                        ai_canonname: null_mut(),
                        ai_addr: null_mut(),
                        ai_next: null_mut(),
                    },
                    |info, addr, name, next| {
                        info.ai_addr = addr;
                        info.ai_canonname = name.cast();
                        info.ai_next = next;
                    },
                );
                // SAFETY: writable (contract).
                unsafe { result.write(list) };
                crate::last_error::set(0);
                0
            }
            Err(e) => fail_api(e, e.as_i32()),
        }
    })
}

/// freeaddrinfo: frees a list getaddrinfo returned (NULL is ignored).
#[export_name = "ws2emu_freeaddrinfo"]
pub unsafe extern "system" fn freeaddrinfo(list: PADDRINFOA) {
    ffi_boundary("freeaddrinfo", (), || {
        let mut at = list;
        while !at.is_null() {
            // SAFETY: every node of the list is a Node<ADDRINFOA> getaddrinfo allocated, with
            // its canonical name from CString::into_raw (contract: the list is getaddrinfo's).
            unsafe {
                let next = (*at).ai_next;
                if !(*at).ai_canonname.is_null() {
                    drop(CString::from_raw((*at).ai_canonname.cast()));
                }
                drop(Box::from_raw(at.cast::<Node<ADDRINFOA>>()));
                at = next;
            }
        }
    })
}

/// FreeAddrInfoW: frees a list GetAddrInfoW returned (NULL is ignored).
#[no_mangle]
pub unsafe extern "system" fn FreeAddrInfoW(list: PADDRINFOW) {
    ffi_boundary("FreeAddrInfoW", (), || {
        let mut at = list;
        while !at.is_null() {
            // SAFETY: as freeaddrinfo; the canonical name is a boxed slice of its length + NUL.
            unsafe {
                let next = (*at).ai_next;
                let name = (*at).ai_canonname;
                if !name.is_null() {
                    let len = wide_units(name).len() + 1;
                    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(name, len)));
                }
                drop(Box::from_raw(at.cast::<Node<ADDRINFOW>>()));
                at = next;
            }
        }
    })
}

// ---------------------------------------------------------------------------------------------
// getnameinfo / GetNameInfoW
// ---------------------------------------------------------------------------------------------

const NI_KNOWN: i32 = NI_NOFQDN | NI_NUMERICHOST | NI_NAMEREQD | NI_NUMERICSERV | NI_DGRAM;

/// The host and service names of an address for the buffers given (`want_*`: a buffer
/// pointer was given; `*_size`: its size).
fn name_info(
    addr: ws2_core::Result<SocketAddr>,
    host: (bool, usize),
    service: (bool, usize),
    flags: i32,
) -> ws2_core::Result<(Option<String>, Option<String>)> {
    started()?;
    let addr = addr?;
    if flags & !NI_KNOWN != 0 || (host.0 && host.1 == 0) || (service.0 && service.1 == 0) {
        return Err(WinError::WSAEINVAL);
    }
    if !host.0 && !service.0 {
        return Err(code(WSAHOST_NOT_FOUND));
    }
    let flags = NameFlags {
        no_fqdn: flags & NI_NOFQDN != 0,
        numeric_host: flags & NI_NUMERICHOST != 0,
        name_required: flags & NI_NAMEREQD != 0,
        numeric_service: flags & NI_NUMERICSERV != 0,
        datagram: flags & NI_DGRAM != 0,
    };
    resolver::name_of(&addr, flags, host.0, service.0).map_err(lookup_code)
}

fn trace_names(name: &str, result: &ws2_core::Result<(Option<String>, Option<String>)>) {
    trace_call(
        Channel::Api,
        name,
        || "...".into(),
        || match result {
            Ok(v) => format!("0 {v:?}"),
            Err(e) => trace::outcome("error", Some(*e)),
        },
    );
}

#[export_name = "ws2emu_getnameinfo"]
pub unsafe extern "system" fn getnameinfo(
    sa: *const SOCKADDR,
    salen: i32,
    host: *mut c_char,
    host_size: DWORD,
    service: *mut c_char,
    service_size: DWORD,
    flags: i32,
) -> i32 {
    ffi_boundary("getnameinfo", WSANO_RECOVERY, || {
        // SAFETY: NULL or readable for salen bytes (contract).
        let addr = unsafe { read_sockaddr(sa, salen) };
        let host_arg = (!host.is_null(), host_size as usize);
        let service_arg = (!service.is_null(), service_size as usize);
        let result = name_info(addr, host_arg, service_arg, flags).and_then(|(h, s)| {
            let h = h.map(|t| t.into_bytes()).unwrap_or_default();
            let s = s.map(|t| t.into_bytes()).unwrap_or_default();
            let fits = |t: &[u8], (given, size): (bool, usize)| !given || t.len() < size;
            if !fits(&h, host_arg) || !fits(&s, service_arg) {
                return Err(WinError::WSAEFAULT);
            }
            // SAFETY: each buffer is NULL or writable for its size (contract); sizes checked.
            unsafe {
                copy_out(&h, host.cast::<u8>(), host_size as usize);
                copy_out(&s, service.cast::<u8>(), service_size as usize);
            }
            Ok((None, None))
        });
        trace_names("getnameinfo", &result);
        match result {
            Ok(_) => 0,
            Err(e) => fail_api(e, e.as_i32()),
        }
    })
}

#[no_mangle]
pub unsafe extern "system" fn GetNameInfoW(
    sa: *const SOCKADDR,
    salen: i32,
    host: *mut u16,
    host_size: DWORD,
    service: *mut u16,
    service_size: DWORD,
    flags: i32,
) -> i32 {
    ffi_boundary("GetNameInfoW", WSANO_RECOVERY, || {
        // SAFETY: NULL or readable for salen bytes (contract).
        let addr = unsafe { read_sockaddr(sa, salen) };
        let host_arg = (!host.is_null(), host_size as usize);
        let service_arg = (!service.is_null(), service_size as usize);
        let result = name_info(addr, host_arg, service_arg, flags).and_then(|(h, s)| {
            let h: Vec<u16> = h.map(|t| t.encode_utf16().collect()).unwrap_or_default();
            let s: Vec<u16> = s.map(|t| t.encode_utf16().collect()).unwrap_or_default();
            let fits = |t: &[u16], (given, size): (bool, usize)| !given || t.len() < size;
            if !fits(&h, host_arg) || !fits(&s, service_arg) {
                return Err(WinError::WSAEFAULT);
            }
            // SAFETY: each buffer is NULL or writable for its size in WCHARs (contract).
            unsafe {
                copy_out(&h, host, host_size as usize);
                copy_out(&s, service, service_size as usize);
            }
            Ok((None, None))
        });
        trace_names("GetNameInfoW", &result);
        match result {
            Ok(_) => 0,
            Err(e) => fail_api(e, e.as_i32()),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// gethostname / GetHostNameW
// ---------------------------------------------------------------------------------------------

fn host_name() -> ws2_core::Result<String> {
    started()?;
    resolver::host_name().map_err(|e| code(ws2_os::wsa_error_from_errno(e)))
}

/// gethostname (exported as ws2emu_gethostname; the header renames the call).
#[export_name = "ws2emu_gethostname"]
pub unsafe extern "system" fn gethostname(name: *mut c_char, len: i32) -> i32 {
    ffi_boundary("gethostname", SOCKET_ERROR, || {
        let result = host_name().and_then(|h| {
            // SAFETY: NULL or writable for len bytes (contract).
            if unsafe { copy_out(h.as_bytes(), name.cast::<u8>(), len.max(0) as usize) } {
                Ok(())
            } else {
                Err(WinError::WSAEFAULT)
            }
        });
        match result {
            Ok(()) => 0,
            Err(e) => fail_api(e, SOCKET_ERROR),
        }
    })
}

#[no_mangle]
pub unsafe extern "system" fn GetHostNameW(name: *mut u16, len: i32) -> i32 {
    ffi_boundary("GetHostNameW", SOCKET_ERROR, || {
        let result = host_name().and_then(|h| {
            let wide: Vec<u16> = h.encode_utf16().collect();
            // SAFETY: NULL or writable for len WCHARs (contract).
            if unsafe { copy_out(&wide, name, len.max(0) as usize) } {
                Ok(())
            } else {
                Err(WinError::WSAEFAULT)
            }
        });
        match result {
            Ok(()) => 0,
            Err(e) => fail_api(e, SOCKET_ERROR),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The database functions: per-thread structures in Windows layouts
// ---------------------------------------------------------------------------------------------

/// Storage that keeps a returned structure and everything it points to alive until the
/// thread's next call of the same kind (moving the vectors does not move their contents).
#[derive(Default)]
struct Kept {
    strings: Vec<CString>,
    lists: Vec<Vec<*mut c_char>>,
    bytes: Vec<Vec<u8>>,
}

impl Kept {
    fn string(&mut self, s: &str) -> *mut c_char {
        let c = CString::new(s.replace('\0', "")).expect("no NUL left");
        let p = c.as_ptr().cast_mut();
        self.strings.push(c);
        p
    }

    fn list(&mut self, items: Vec<*mut c_char>) -> *mut *mut c_char {
        let mut items = items;
        items.push(null_mut());
        let p = items.as_mut_ptr();
        self.lists.push(items);
        p
    }

    fn strings_list(&mut self, items: &[String]) -> *mut *mut c_char {
        let ptrs = items.iter().map(|s| self.string(s)).collect();
        self.list(ptrs)
    }
}

/// A thread's current structure of one kind and what it points to.
type Slot<T> = RefCell<Option<(Box<T>, Kept)>>;

thread_local! {
    static HOST: Slot<HOSTENT> = const { RefCell::new(None) };
    static SERVICE: Slot<SERVENT> = const { RefCell::new(None) };
    static PROTOCOL: Slot<PROTOENT> = const { RefCell::new(None) };
}

fn keep<T>(slot: &'static std::thread::LocalKey<Slot<T>>, value: Box<T>, kept: Kept) -> *mut T {
    slot.with(|cell| {
        let mut cell = cell.borrow_mut();
        *cell = Some((value, kept));
        let (boxed, _) = cell.as_mut().expect("just stored");
        &mut **boxed as *mut T
    })
}

fn host_entry(entry: resolver::HostEntry) -> *mut HOSTENT {
    let mut kept = Kept::default();
    let name = kept.string(&entry.name);
    let aliases = kept.strings_list(&entry.aliases);
    let mut addrs = Vec::new();
    for a in entry.addresses {
        let mut bytes = a;
        addrs.push(bytes.as_mut_ptr().cast::<c_char>());
        kept.bytes.push(bytes);
    }
    let length = if entry.v6 { 16 } else { 4 };
    let list = kept.list(addrs);
    let host = Box::new(HOSTENT {
        h_name: name,
        h_aliases: aliases,
        h_addrtype: if entry.v6 {
            AF_INET6 as i16
        } else {
            AF_INET as i16
        },
        h_length: length,
        h_addr_list: list,
    });
    keep(&HOST, host, kept)
}

fn database<T>(name: &str, result: ws2_core::Result<*mut T>) -> *mut T {
    trace_call(
        Channel::Api,
        name,
        || "...".into(),
        || match result {
            Ok(p) => format!("{p:p}"),
            Err(e) => trace::outcome("NULL", Some(e)),
        },
    );
    result.unwrap_or_else(|e| fail_api(e, null_mut()))
}

/// gethostbyname: the IPv4 hosts entry of a name; NULL or "" is the local host name.
#[export_name = "ws2emu_gethostbyname"]
pub unsafe extern "system" fn gethostbyname(name: *const c_char) -> *mut HOSTENT {
    ffi_boundary("gethostbyname", null_mut(), || {
        let result = started().and_then(|()| {
            let text = if name.is_null() {
                String::new()
            } else {
                // SAFETY: NUL-terminated (contract).
                unsafe { CStr::from_ptr(name) }
                    .to_string_lossy()
                    .into_owned()
            };
            let text = if text.is_empty() { host_name()? } else { text };
            resolver::host_by_name(&text)
                .map(host_entry)
                .map_err(lookup_code)
        });
        database("gethostbyname", result)
    })
}

/// gethostbyaddr: the hosts entry of an IPv4 (4 bytes) or IPv6 (16 bytes) address.
#[export_name = "ws2emu_gethostbyaddr"]
pub unsafe extern "system" fn gethostbyaddr(
    addr: *const c_char,
    len: i32,
    family: i32,
) -> *mut HOSTENT {
    ffi_boundary("gethostbyaddr", null_mut(), || {
        let result = started().and_then(|()| {
            let size = match family {
                AF_INET => 4,
                AF_INET6 => 16,
                _ => return Err(code(WSAEAFNOSUPPORT)),
            };
            if addr.is_null() || len != size {
                return Err(WinError::WSAEFAULT);
            }
            // SAFETY: readable for len bytes (contract).
            let bytes = unsafe { std::slice::from_raw_parts(addr.cast::<u8>(), size as usize) };
            resolver::host_by_address(bytes)
                .map(host_entry)
                .map_err(lookup_code)
        });
        database("gethostbyaddr", result)
    })
}

fn service_entry(entry: resolver::ServiceEntry) -> *mut SERVENT {
    let mut kept = Kept::default();
    let serv = Box::new(SERVENT {
        s_name: kept.string(&entry.name),
        s_aliases: kept.strings_list(&entry.aliases),
        s_proto: kept.string(&entry.protocol),
        s_port: entry.port.to_be() as i16,
    });
    keep(&SERVICE, serv, kept)
}

/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn optional_text(p: *const c_char) -> Option<String> {
    // SAFETY: contract.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// getservbyname: the services entry of a name (any protocol when `proto` is NULL).
#[export_name = "ws2emu_getservbyname"]
pub unsafe extern "system" fn getservbyname(
    name: *const c_char,
    proto: *const c_char,
) -> *mut SERVENT {
    ffi_boundary("getservbyname", null_mut(), || {
        let result = started().and_then(|()| {
            // SAFETY: NULL or NUL-terminated (contract).
            let (name, proto) = unsafe { (optional_text(name), optional_text(proto)) };
            let name = name.ok_or(WinError::WSAEFAULT)?;
            resolver::service_by_name(&name, proto.as_deref())
                .map(service_entry)
                .ok_or(code(WSANO_DATA))
        });
        database("getservbyname", result)
    })
}

/// getservbyport: the services entry of a port given in network order.
#[export_name = "ws2emu_getservbyport"]
pub unsafe extern "system" fn getservbyport(port: i32, proto: *const c_char) -> *mut SERVENT {
    ffi_boundary("getservbyport", null_mut(), || {
        let result = started().and_then(|()| {
            // SAFETY: NULL or NUL-terminated (contract).
            let proto = unsafe { optional_text(proto) };
            resolver::service_by_port(u16::from_be(port as u16), proto.as_deref())
                .map(service_entry)
                .ok_or(code(WSANO_DATA))
        });
        database("getservbyport", result)
    })
}

fn protocol_entry(entry: resolver::ProtocolEntry) -> *mut PROTOENT {
    let mut kept = Kept::default();
    let proto = Box::new(PROTOENT {
        p_name: kept.string(&entry.name),
        p_aliases: kept.strings_list(&entry.aliases),
        p_proto: entry.number as i16,
    });
    keep(&PROTOCOL, proto, kept)
}

#[export_name = "ws2emu_getprotobyname"]
pub unsafe extern "system" fn getprotobyname(name: *const c_char) -> *mut PROTOENT {
    ffi_boundary("getprotobyname", null_mut(), || {
        let result = started().and_then(|()| {
            // SAFETY: NULL or NUL-terminated (contract).
            let name = unsafe { optional_text(name) }.ok_or(WinError::WSAEFAULT)?;
            resolver::protocol_by_name(&name)
                .map(protocol_entry)
                .ok_or(code(WSANO_DATA))
        });
        database("getprotobyname", result)
    })
}

#[export_name = "ws2emu_getprotobynumber"]
pub extern "system" fn getprotobynumber(number: i32) -> *mut PROTOENT {
    ffi_boundary("getprotobynumber", null_mut(), || {
        let result = started().and_then(|()| {
            resolver::protocol_by_number(number)
                .map(protocol_entry)
                .ok_or(code(WSANO_DATA))
        });
        database("getprotobynumber", result)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_services_as_windows_reads_them() {
        let cases = [
            ("", Some(0)),
            ("0", Some(0)),
            ("010", Some(10)),
            ("0x1a", None),
            (" 123", Some(123)),
            ("28 ", None),
            ("+5", Some(5)),
            ("-1", Some(65535)),
            ("-4", Some(65532)),
            ("-65537", Some(65535)),
            ("65537", Some(1)),
            ("4294967296", Some(65535)),
            ("999999999999999999999999", Some(65535)),
            ("a", None),
            (":0", None),
        ];
        for (text, port) in cases {
            assert_eq!(numeric_port(text), port, "{text:?}");
        }
    }

    #[test]
    fn numeric_hosts_as_windows_reads_them() {
        let v4 = |t: &str| numeric_host(t).map(|ip| ip.to_string());
        assert_eq!(v4("1.2.3.0x4").as_deref(), Some("1.2.3.4"));
        assert_eq!(v4("1.2.3.010").as_deref(), Some("1.2.3.8"));
        for not in [
            "1.2.3",
            "1.1.1.256",
            "0.0.0.0 ",
            "0.0.0.0:80",
            "localhost",
            " ",
        ] {
            assert_eq!(v4(not), None, "{not:?}");
        }
        assert_eq!(v4("fe80::1%4").as_deref(), Some("fe80::1"));
        assert_eq!(scope_of("fe80::1%4"), Some(4));
        assert_eq!(scope_of("fe80::1%eth0"), None);
    }
}
