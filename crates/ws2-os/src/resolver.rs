//! Name resolution through the C library: host names (`getaddrinfo`, `gethostbyname_r`,
//! `gethostbyaddr_r`), addresses to names (`getnameinfo`), the services and protocols
//! databases (`getservbyname_r`, `getprotobyname_r`, ...) and the host name (`gethostname`).
//!
//! Everything returned is owned Rust data (strings, [`SocketAddr`]s) with the C library's
//! results freed before returning; the Winsock layer above builds the Windows structures. glibc
//! reads `/etc/hosts` first (nsswitch `files`), so `localhost` resolves without a network.

use std::ffi::{c_char, c_int, CStr, CString};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::ptr::{null, null_mut};

/// Which addresses a host lookup wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupFamily {
    Any,
    V4,
    V6,
}

/// The `getaddrinfo` flags that matter for a host-name lookup (the numeric and passive cases
/// are handled above this layer).
#[derive(Clone, Copy, Debug, Default)]
pub struct LookupFlags {
    pub canonical_name: bool,
    pub address_config: bool,
    pub v4_mapped: bool,
    pub all: bool,
}

/// The addresses of a name (in the resolver's order, duplicates removed) and its canonical name
/// when asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostAddresses {
    pub addresses: Vec<IpAddr>,
    pub canonical_name: Option<String>,
}

/// Why a lookup failed, in the resolver's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// The name is unknown (`EAI_NONAME`, `HOST_NOT_FOUND`).
    NoName,
    /// The name exists but has no address of the requested kind (`EAI_NODATA`,
    /// `EAI_ADDRFAMILY`, `NO_DATA`).
    NoData,
    /// A temporary failure (`EAI_AGAIN`, `TRY_AGAIN`).
    Again,
    /// A permanent failure (`EAI_FAIL`, `NO_RECOVERY`).
    Fail,
    /// The family is not supported (`EAI_FAMILY`).
    Family,
    /// Invalid flags (`EAI_BADFLAGS`).
    BadFlags,
    /// Out of memory (`EAI_MEMORY`).
    Memory,
    /// The service is unknown (`EAI_SERVICE`).
    Service,
    /// The socket type is not supported (`EAI_SOCKTYPE`).
    SocketType,
    /// A result did not fit (`EAI_OVERFLOW`).
    Overflow,
    /// A system error, with its errno (`EAI_SYSTEM`).
    System(i32),
}

fn lookup_error(code: c_int) -> LookupError {
    match code {
        libc::EAI_NONAME => LookupError::NoName,
        libc::EAI_NODATA | EAI_ADDRFAMILY => LookupError::NoData,
        libc::EAI_AGAIN => LookupError::Again,
        libc::EAI_FAIL => LookupError::Fail,
        libc::EAI_FAMILY => LookupError::Family,
        libc::EAI_BADFLAGS => LookupError::BadFlags,
        libc::EAI_MEMORY => LookupError::Memory,
        libc::EAI_SERVICE => LookupError::Service,
        libc::EAI_SOCKTYPE => LookupError::SocketType,
        libc::EAI_OVERFLOW => LookupError::Overflow,
        _ => LookupError::System(crate::last_errno()),
    }
}

/// glibc's `EAI_ADDRFAMILY` (not in the libc crate for every target).
const EAI_ADDRFAMILY: c_int = -9;

fn c_string(text: &str) -> Result<CString, LookupError> {
    CString::new(text).map_err(|_| LookupError::NoName)
}

/// Reads a Linux `sockaddr` the resolver returned.
///
/// # Safety
/// `addr` is NULL or points to `len` readable bytes of a sockaddr.
unsafe fn socket_address(addr: *const libc::sockaddr, len: usize) -> Option<SocketAddr> {
    if addr.is_null() {
        return None;
    }
    // SAFETY: non-null and `len` bytes readable (contract); each read checks the length first.
    unsafe {
        match i32::from((*addr).sa_family) {
            libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
                let a = &*addr.cast::<libc::sockaddr_in>();
                Some(SocketAddr::V4(SocketAddrV4::new(
                    Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                    u16::from_be(a.sin_port),
                )))
            }
            libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
                let a = &*addr.cast::<libc::sockaddr_in6>();
                Some(SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(a.sin6_addr.s6_addr),
                    u16::from_be(a.sin6_port),
                    u32::from_be(a.sin6_flowinfo),
                    a.sin6_scope_id,
                )))
            }
            _ => None,
        }
    }
}

/// Resolves a host name to its addresses with the C library's `getaddrinfo` (no service; one
/// socket type so that every address comes once).
pub fn lookup_host(
    name: &str,
    family: LookupFamily,
    flags: LookupFlags,
) -> Result<HostAddresses, LookupError> {
    let node = c_string(name)?;
    // SAFETY: an all-zero addrinfo is a valid "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_family = match family {
        LookupFamily::Any => libc::AF_UNSPEC,
        LookupFamily::V4 => libc::AF_INET,
        LookupFamily::V6 => libc::AF_INET6,
    };
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut bits = 0;
    for (on, bit) in [
        (flags.canonical_name, libc::AI_CANONNAME),
        (flags.address_config, libc::AI_ADDRCONFIG),
        (flags.v4_mapped, libc::AI_V4MAPPED),
        (flags.all, libc::AI_ALL),
    ] {
        if on {
            bits |= bit;
        }
    }
    hints.ai_flags = bits;
    let mut list: *mut libc::addrinfo = null_mut();
    // SAFETY: node is NUL-terminated, hints is a valid addrinfo, list receives the result.
    let code = unsafe { libc::getaddrinfo(node.as_ptr(), null(), &hints, &mut list) };
    if code != 0 {
        return Err(lookup_error(code));
    }
    let mut result = HostAddresses {
        addresses: Vec::new(),
        canonical_name: None,
    };
    let mut at = list;
    while !at.is_null() {
        // SAFETY: `at` is a node of the list getaddrinfo returned, not yet freed.
        let ai = unsafe { &*at };
        if result.canonical_name.is_none() && !ai.ai_canonname.is_null() {
            // SAFETY: the canonical name is a NUL-terminated string of the list.
            let text = unsafe { CStr::from_ptr(ai.ai_canonname) };
            result.canonical_name = Some(text.to_string_lossy().into_owned());
        }
        // SAFETY: ai_addr holds ai_addrlen bytes.
        if let Some(addr) = unsafe { socket_address(ai.ai_addr, ai.ai_addrlen as usize) } {
            if !result.addresses.contains(&addr.ip()) {
                result.addresses.push(addr.ip());
            }
        }
        at = ai.ai_next;
    }
    // SAFETY: the list came from getaddrinfo and is freed once.
    unsafe { libc::freeaddrinfo(list) };
    Ok(result)
}

/// The `getnameinfo` flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct NameFlags {
    pub no_fqdn: bool,
    pub numeric_host: bool,
    pub name_required: bool,
    pub numeric_service: bool,
    pub datagram: bool,
}

/// The host and service names of a socket address (each only when asked for), from the C
/// library's `getnameinfo` with buffers of the maximum sizes (`NI_MAXHOST`, `NI_MAXSERV`).
pub fn name_of(
    addr: &SocketAddr,
    flags: NameFlags,
    want_host: bool,
    want_service: bool,
) -> Result<(Option<String>, Option<String>), LookupError> {
    let (storage, len) = linux_sockaddr(addr);
    let mut host = [0 as c_char; 1025];
    let mut service = [0 as c_char; 32];
    let mut bits = 0;
    for (on, bit) in [
        (flags.no_fqdn, libc::NI_NOFQDN),
        (flags.numeric_host, libc::NI_NUMERICHOST),
        (flags.name_required, libc::NI_NAMEREQD),
        (flags.numeric_service, libc::NI_NUMERICSERV),
        (flags.datagram, libc::NI_DGRAM),
    ] {
        if on {
            bits |= bit;
        }
    }
    let (host_ptr, host_len) = if want_host {
        (host.as_mut_ptr(), host.len() as libc::socklen_t)
    } else {
        (null_mut(), 0)
    };
    let (service_ptr, service_len) = if want_service {
        (service.as_mut_ptr(), service.len() as libc::socklen_t)
    } else {
        (null_mut(), 0)
    };
    // SAFETY: storage holds `len` bytes of a Linux sockaddr; each buffer is NULL with length 0
    // or a local array of the given length.
    let code = unsafe {
        libc::getnameinfo(
            (&storage as *const libc::sockaddr_storage).cast(),
            len,
            host_ptr,
            host_len,
            service_ptr,
            service_len,
            bits,
        )
    };
    if code != 0 {
        return Err(lookup_error(code));
    }
    // SAFETY: on success getnameinfo NUL-terminated every buffer it was given.
    let text = |b: &[c_char]| {
        unsafe { CStr::from_ptr(b.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    };
    Ok((
        want_host.then(|| text(&host)),
        want_service.then(|| text(&service)),
    ))
}

fn linux_sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is valid.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            let sin = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>()
            };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr.s_addr = u32::from(*a.ip()).to_be();
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in6.
            let sin6 = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_flowinfo = a.flowinfo().to_be();
            sin6.sin6_addr.s6_addr = a.ip().octets();
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// The machine's host name (`gethostname`); the errno on failure.
pub fn host_name() -> Result<String, i32> {
    let mut buf = [0 as c_char; 256];
    // SAFETY: buf is writable for its length; glibc NUL-terminates within it or fails.
    if unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len()) } != 0 {
        return Err(crate::last_errno());
    }
    buf[buf.len() - 1] = 0;
    // SAFETY: NUL-terminated within buf (just ensured).
    Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned())
}

// ---------------------------------------------------------------------------------------------
// The hosts, services and protocols databases (reentrant glibc functions)
// ---------------------------------------------------------------------------------------------

#[repr(C)]
struct CHostent {
    h_name: *mut c_char,
    h_aliases: *mut *mut c_char,
    h_addrtype: c_int,
    h_length: c_int,
    h_addr_list: *mut *mut c_char,
}

#[repr(C)]
struct CServent {
    s_name: *mut c_char,
    s_aliases: *mut *mut c_char,
    s_port: c_int,
    s_proto: *mut c_char,
}

#[repr(C)]
struct CProtoent {
    p_name: *mut c_char,
    p_aliases: *mut *mut c_char,
    p_proto: c_int,
}

extern "C" {
    fn gethostbyname2_r(
        name: *const c_char,
        af: c_int,
        ret: *mut CHostent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut CHostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn gethostbyaddr_r(
        addr: *const libc::c_void,
        len: libc::socklen_t,
        af: c_int,
        ret: *mut CHostent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut CHostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    fn getservbyname_r(
        name: *const c_char,
        proto: *const c_char,
        ret: *mut CServent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut CServent,
    ) -> c_int;
    fn getservbyport_r(
        port: c_int,
        proto: *const c_char,
        ret: *mut CServent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut CServent,
    ) -> c_int;
    fn getprotobyname_r(
        name: *const c_char,
        ret: *mut CProtoent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut CProtoent,
    ) -> c_int;
    fn getprotobynumber_r(
        proto: c_int,
        ret: *mut CProtoent,
        buf: *mut c_char,
        buflen: usize,
        result: *mut *mut CProtoent,
    ) -> c_int;
}

/// glibc's `h_errno` values.
const HOST_NOT_FOUND: c_int = 1;
const TRY_AGAIN: c_int = 2;
const NO_RECOVERY: c_int = 3;

/// A hosts-database entry: the official name, aliases and addresses (4 or 16 bytes each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostEntry {
    pub name: String,
    pub aliases: Vec<String>,
    pub v6: bool,
    pub addresses: Vec<Vec<u8>>,
}

/// A services-database entry; `port` in host byte order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEntry {
    pub name: String,
    pub aliases: Vec<String>,
    pub port: u16,
    pub protocol: String,
}

/// A protocols-database entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolEntry {
    pub name: String,
    pub aliases: Vec<String>,
    pub number: i32,
}

/// # Safety
/// `p` is a NUL-terminated string.
unsafe fn owned(p: *const c_char) -> String {
    // SAFETY: contract.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// # Safety
/// `list` is NULL or a NULL-terminated array of NUL-terminated strings.
unsafe fn owned_list(list: *mut *mut c_char) -> Vec<String> {
    let mut out = Vec::new();
    if list.is_null() {
        return out;
    }
    let mut i = 0;
    // SAFETY: every element up to the NULL terminator is readable (contract).
    unsafe {
        while !(*list.add(i)).is_null() {
            out.push(owned(*list.add(i)));
            i += 1;
        }
    }
    out
}

/// Calls a reentrant database function with a growing scratch buffer until it fits.
fn with_buffer<T>(
    mut call: impl FnMut(&mut [c_char]) -> Result<Option<T>, c_int>,
) -> Result<Option<T>, c_int> {
    let mut size = 1024;
    loop {
        let mut buf = vec![0 as c_char; size];
        match call(&mut buf) {
            Err(libc::ERANGE) if size < (1 << 20) => size *= 4,
            other => return other,
        }
    }
}

/// # Safety
/// `h` is a hostent glibc filled.
unsafe fn host_entry(h: &CHostent) -> HostEntry {
    let len = h.h_length.max(0) as usize;
    let mut addresses = Vec::new();
    // SAFETY: the name, aliases and address list are glibc's, NULL-terminated.
    unsafe {
        if !h.h_addr_list.is_null() {
            let mut i = 0;
            while !(*h.h_addr_list.add(i)).is_null() {
                let a = *h.h_addr_list.add(i) as *const u8;
                addresses.push(std::slice::from_raw_parts(a, len).to_vec());
                i += 1;
            }
        }
        HostEntry {
            name: owned(h.h_name),
            aliases: owned_list(h.h_aliases),
            v6: h.h_addrtype == libc::AF_INET6,
            addresses,
        }
    }
}

fn host_error(h_errno: c_int) -> LookupError {
    match h_errno {
        HOST_NOT_FOUND => LookupError::NoName,
        TRY_AGAIN => LookupError::Again,
        NO_RECOVERY => LookupError::Fail,
        _ => LookupError::NoData,
    }
}

/// The IPv4 hosts entry of a name (`gethostbyname2_r(AF_INET)`).
pub fn host_by_name(name: &str) -> Result<HostEntry, LookupError> {
    let name = c_string(name)?;
    let mut h_errno = 0;
    let found = with_buffer(|buf| {
        // SAFETY: an all-zero hostent is valid storage for glibc to fill.
        let mut entry: CHostent = unsafe { std::mem::zeroed() };
        let mut result = null_mut();
        // SAFETY: every pointer is valid for the call; buf is writable for its length.
        let rc = unsafe {
            gethostbyname2_r(
                name.as_ptr(),
                libc::AF_INET,
                &mut entry,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
                &mut h_errno,
            )
        };
        if rc != 0 {
            return Err(rc);
        }
        // SAFETY: on success with a result, entry was filled by glibc.
        Ok((!result.is_null()).then(|| unsafe { host_entry(&entry) }))
    });
    match found {
        Ok(Some(entry)) => Ok(entry),
        _ => Err(host_error(h_errno)),
    }
}

/// The hosts entry of an address (4 bytes IPv4 or 16 bytes IPv6).
pub fn host_by_address(address: &[u8]) -> Result<HostEntry, LookupError> {
    let af = match address.len() {
        4 => libc::AF_INET,
        16 => libc::AF_INET6,
        _ => return Err(LookupError::Family),
    };
    let mut h_errno = 0;
    let found = with_buffer(|buf| {
        // SAFETY: as in host_by_name.
        let mut entry: CHostent = unsafe { std::mem::zeroed() };
        let mut result = null_mut();
        // SAFETY: address is readable for its length; the rest as in host_by_name.
        let rc = unsafe {
            gethostbyaddr_r(
                address.as_ptr().cast(),
                address.len() as libc::socklen_t,
                af,
                &mut entry,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
                &mut h_errno,
            )
        };
        if rc != 0 {
            return Err(rc);
        }
        // SAFETY: filled by glibc.
        Ok((!result.is_null()).then(|| unsafe { host_entry(&entry) }))
    });
    match found {
        Ok(Some(entry)) => Ok(entry),
        _ => Err(host_error(h_errno)),
    }
}

fn optional(text: Option<&str>) -> Option<CString> {
    text.and_then(|t| CString::new(t).ok())
}

fn service_call(
    call: impl Fn(*mut CServent, *mut c_char, usize, *mut *mut CServent) -> c_int,
) -> Option<ServiceEntry> {
    with_buffer(|buf| {
        // SAFETY: an all-zero servent is valid storage for glibc to fill.
        let mut entry: CServent = unsafe { std::mem::zeroed() };
        let mut result = null_mut();
        let rc = call(&mut entry, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 {
            return Err(rc);
        }
        // SAFETY: on success with a result, glibc filled entry with strings in buf.
        Ok((!result.is_null()).then(|| unsafe {
            ServiceEntry {
                name: owned(entry.s_name),
                aliases: owned_list(entry.s_aliases),
                port: u16::from_be(entry.s_port as u16),
                protocol: owned(entry.s_proto),
            }
        }))
    })
    .ok()
    .flatten()
}

/// The services entry of a name (any protocol when `protocol` is `None`).
pub fn service_by_name(name: &str, protocol: Option<&str>) -> Option<ServiceEntry> {
    let name = CString::new(name).ok()?;
    let proto = optional(protocol);
    if protocol.is_some() && proto.is_none() {
        return None;
    }
    let proto_ptr = proto.as_ref().map_or(null(), |p| p.as_ptr());
    // SAFETY: name and proto are NUL-terminated (or NULL); the rest is service_call's.
    service_call(|e, b, l, r| unsafe { getservbyname_r(name.as_ptr(), proto_ptr, e, b, l, r) })
}

/// The services entry of a port (host byte order).
pub fn service_by_port(port: u16, protocol: Option<&str>) -> Option<ServiceEntry> {
    let proto = optional(protocol);
    if protocol.is_some() && proto.is_none() {
        return None;
    }
    let proto_ptr = proto.as_ref().map_or(null(), |p| p.as_ptr());
    let net = c_int::from(port.to_be());
    // SAFETY: proto is NUL-terminated or NULL; the rest is service_call's.
    service_call(|e, b, l, r| unsafe { getservbyport_r(net, proto_ptr, e, b, l, r) })
}

fn protocol_call(
    call: impl Fn(*mut CProtoent, *mut c_char, usize, *mut *mut CProtoent) -> c_int,
) -> Option<ProtocolEntry> {
    with_buffer(|buf| {
        // SAFETY: an all-zero protoent is valid storage for glibc to fill.
        let mut entry: CProtoent = unsafe { std::mem::zeroed() };
        let mut result = null_mut();
        let rc = call(&mut entry, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 {
            return Err(rc);
        }
        // SAFETY: filled by glibc.
        Ok((!result.is_null()).then(|| unsafe {
            ProtocolEntry {
                name: owned(entry.p_name),
                aliases: owned_list(entry.p_aliases),
                number: entry.p_proto,
            }
        }))
    })
    .ok()
    .flatten()
}

/// The protocols entry of a name.
pub fn protocol_by_name(name: &str) -> Option<ProtocolEntry> {
    let name = CString::new(name).ok()?;
    // SAFETY: name is NUL-terminated; the rest is protocol_call's.
    protocol_call(|e, b, l, r| unsafe { getprotobyname_r(name.as_ptr(), e, b, l, r) })
}

/// The protocols entry of a number.
pub fn protocol_by_number(number: i32) -> Option<ProtocolEntry> {
    // SAFETY: protocol_call's pointers only.
    protocol_call(|e, b, l, r| unsafe { getprotobynumber_r(number, e, b, l, r) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_resolves_offline() {
        let r = lookup_host("localhost", LookupFamily::V4, LookupFlags::default()).unwrap();
        assert!(r.addresses.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(
            lookup_host(
                "no-such-host.invalid",
                LookupFamily::Any,
                LookupFlags::default()
            ),
            Err(LookupError::NoName)
        );
        let h = host_by_name("localhost").unwrap();
        assert_eq!(h.addresses[0], vec![127, 0, 0, 1]);
        assert!(!h.v6);
    }

    #[test]
    fn names_of_addresses() {
        let a: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let flags = NameFlags {
            numeric_host: true,
            numeric_service: true,
            ..NameFlags::default()
        };
        let (h, s) = name_of(&a, flags, true, true).unwrap();
        assert_eq!(
            (h.as_deref(), s.as_deref()),
            (Some("127.0.0.1"), Some("80"))
        );
    }

    #[test]
    fn databases() {
        let tcp = protocol_by_name("tcp").unwrap();
        assert_eq!(tcp.number, 6);
        assert_eq!(protocol_by_number(17).unwrap().name, "udp");
        assert!(protocol_by_name("no-such-protocol").is_none());
        let http = service_by_name("http", Some("tcp")).unwrap();
        assert_eq!((http.port, http.protocol.as_str()), (80, "tcp"));
        assert_eq!(service_by_port(80, Some("tcp")).unwrap().name, "http");
        assert!(service_by_name("no-such-service", None).is_none());
        assert!(!host_name().unwrap().is_empty());
    }
}
