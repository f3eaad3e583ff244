//! Socket addresses: Windows layouts ⇄ Rust ⇄ Linux layouts, and their text forms.
//!
//! Windows contract: `SOCKADDR_IN` (16 bytes: family `AF_INET` = 2, port and address in network
//! order, 8 zero bytes) and `SOCKADDR_IN6` (28 bytes: family `AF_INET6` = **23**, port, flow
//! info, address, scope id). A buffer shorter than the family's structure is `WSAEFAULT`; an
//! unknown family is `WSAEAFNOSUPPORT`. `WSAAddressToString` prints `a.b.c.d[:port]` and
//! `[addr%scope]:port` (brackets only with a port), `WSAStringToAddress` parses the same forms
//! plus the classic `inet_addr` shorthand (`127.1`, octal and hex parts).
//!
//! Emulation: all translation is byte-level and safe; the Linux side (`AF_INET6` = 10) is a
//! [`RawAddr`] holding `sockaddr_storage` bytes that sys.rs hands to the kernel. The 24-byte
//! pre-XP `sockaddr_in6` (no scope id) is accepted on input, as Windows does.
#![forbid(unsafe_code)]

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use ws2_abi as w;

/// Windows `AF_INET6` as the `u16` stored in a sockaddr.
const WIN_AF_INET: u16 = w::AF_INET as u16;
const WIN_AF_INET6: u16 = w::AF_INET6 as u16;
/// `sizeof(SOCKADDR_IN)` and `sizeof(SOCKADDR_IN6)`.
pub const SOCKADDR_IN_LEN: usize = 16;
pub const SOCKADDR_IN6_LEN: usize = 28;
/// The pre-XP `SOCKADDR_IN6` without `sin6_scope_id`.
const SOCKADDR_IN6_OLD_LEN: usize = 24;

/// A Linux socket address as the kernel sees it (`sockaddr_storage` bytes and their length).
#[repr(C, align(8))]
#[derive(Clone, Copy, Debug)]
pub struct RawAddr {
    pub bytes: [u8; 128],
    pub len: u32,
}

impl RawAddr {
    /// Zeroed storage whose length is the full buffer (ready for the kernel to fill).
    pub fn empty() -> Self {
        Self {
            bytes: [0; 128],
            len: 128,
        }
    }

    pub fn as_ptr(&self) -> *const libc::sockaddr {
        self.bytes.as_ptr().cast()
    }

    pub fn as_mut_ptr(&mut self) -> *mut libc::sockaddr {
        self.bytes.as_mut_ptr().cast()
    }
}

/// Which IP version a socket speaks (its Windows address family).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn from_windows(af: i32) -> Option<Self> {
        match af {
            w::AF_INET => Some(Self::V4),
            w::AF_INET6 => Some(Self::V6),
            _ => None,
        }
    }

    pub fn windows(self) -> i32 {
        match self {
            Self::V4 => w::AF_INET,
            Self::V6 => w::AF_INET6,
        }
    }

    pub fn linux(self) -> i32 {
        match self {
            Self::V4 => libc::AF_INET,
            Self::V6 => libc::AF_INET6,
        }
    }

    /// Size of this family's Windows sockaddr.
    pub fn sockaddr_len(self) -> usize {
        match self {
            Self::V4 => SOCKADDR_IN_LEN,
            Self::V6 => SOCKADDR_IN6_LEN,
        }
    }

    pub fn of(addr: &SocketAddr) -> Self {
        match addr {
            SocketAddr::V4(_) => Self::V4,
            SocketAddr::V6(_) => Self::V6,
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> [u8; 2] {
    [b[at], b[at + 1]]
}

fn u32_at(b: &[u8], at: usize) -> [u8; 4] {
    [b[at], b[at + 1], b[at + 2], b[at + 3]]
}

/// The family of a Windows sockaddr (`WSAEFAULT` when not even the family fits).
pub fn windows_family(bytes: &[u8]) -> Result<u16, i32> {
    if bytes.len() < 2 {
        return Err(w::WSAEFAULT);
    }
    Ok(u16::from_ne_bytes(u16_at(bytes, 0)))
}

/// Reads a Windows `SOCKADDR_IN`/`SOCKADDR_IN6`. Too short: `WSAEFAULT`; another family:
/// `WSAEAFNOSUPPORT`.
pub fn from_windows(bytes: &[u8]) -> Result<SocketAddr, i32> {
    match windows_family(bytes)? {
        WIN_AF_INET => {
            if bytes.len() < SOCKADDR_IN_LEN {
                return Err(w::WSAEFAULT);
            }
            let port = u16::from_be_bytes(u16_at(bytes, 2));
            let ip = Ipv4Addr::from(u32_at(bytes, 4));
            Ok(SocketAddr::V4(SocketAddrV4::new(ip, port)))
        }
        WIN_AF_INET6 => {
            if bytes.len() < SOCKADDR_IN6_OLD_LEN {
                return Err(w::WSAEFAULT);
            }
            let port = u16::from_be_bytes(u16_at(bytes, 2));
            let flow = u32::from_be_bytes(u32_at(bytes, 4));
            let mut ip = [0u8; 16];
            ip.copy_from_slice(&bytes[8..24]);
            let scope = if bytes.len() >= SOCKADDR_IN6_LEN {
                u32::from_ne_bytes(u32_at(bytes, 24))
            } else {
                0
            };
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(ip),
                port,
                flow,
                scope,
            )))
        }
        _ => Err(w::WSAEAFNOSUPPORT),
    }
}

/// Writes `addr` in its Windows layout; returns the bytes (only the first
/// `Family::of(addr).sockaddr_len()` are meaningful).
pub fn to_windows(addr: &SocketAddr) -> [u8; SOCKADDR_IN6_LEN] {
    let mut b = [0u8; SOCKADDR_IN6_LEN];
    match addr {
        SocketAddr::V4(a) => {
            b[0..2].copy_from_slice(&WIN_AF_INET.to_ne_bytes());
            b[2..4].copy_from_slice(&a.port().to_be_bytes());
            b[4..8].copy_from_slice(&a.ip().octets());
        }
        SocketAddr::V6(a) => {
            b[0..2].copy_from_slice(&WIN_AF_INET6.to_ne_bytes());
            b[2..4].copy_from_slice(&a.port().to_be_bytes());
            b[4..8].copy_from_slice(&a.flowinfo().to_be_bytes());
            b[8..24].copy_from_slice(&a.ip().octets());
            b[24..28].copy_from_slice(&a.scope_id().to_ne_bytes());
        }
    }
    b
}

/// The Linux sockaddr for `addr`.
pub fn to_linux(addr: &SocketAddr) -> RawAddr {
    let mut raw = RawAddr::empty();
    let b = &mut raw.bytes;
    match addr {
        SocketAddr::V4(a) => {
            b[0..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
            b[2..4].copy_from_slice(&a.port().to_be_bytes());
            b[4..8].copy_from_slice(&a.ip().octets());
            raw.len = std::mem::size_of::<libc::sockaddr_in>() as u32;
        }
        SocketAddr::V6(a) => {
            b[0..2].copy_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
            b[2..4].copy_from_slice(&a.port().to_be_bytes());
            b[4..8].copy_from_slice(&a.flowinfo().to_be_bytes());
            b[8..24].copy_from_slice(&a.ip().octets());
            b[24..28].copy_from_slice(&a.scope_id().to_ne_bytes());
            raw.len = std::mem::size_of::<libc::sockaddr_in6>() as u32;
        }
    }
    raw
}

/// Reads a Linux sockaddr the kernel returned (`None`: not an IP address, e.g. AF_UNSPEC).
pub fn from_linux(raw: &RawAddr) -> Option<SocketAddr> {
    let b = &raw.bytes;
    let len = raw.len as usize;
    let family = u16::from_ne_bytes(u16_at(b, 0)) as i32;
    let port = u16::from_be_bytes(u16_at(b, 2));
    if family == libc::AF_INET && len >= 8 {
        Some(SocketAddr::V4(SocketAddrV4::new(
            Ipv4Addr::from(u32_at(b, 4)),
            port,
        )))
    } else if family == libc::AF_INET6 && len >= 24 {
        let mut ip = [0u8; 16];
        ip.copy_from_slice(&b[8..24]);
        let scope = if len >= 28 {
            u32::from_ne_bytes(u32_at(b, 24))
        } else {
            0
        };
        Some(SocketAddr::V6(SocketAddrV6::new(
            Ipv6Addr::from(ip),
            port,
            u32::from_be_bytes(u32_at(b, 4)),
            scope,
        )))
    } else {
        None
    }
}

/// `WSAAddressToString`'s text: `a.b.c.d` or `a.b.c.d:port`; `addr%scope` or
/// `[addr%scope]:port` (the scope only when non-zero, brackets only with a port).
pub fn to_text(addr: &SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) if a.port() == 0 => a.ip().to_string(),
        SocketAddr::V4(a) => format!("{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => {
            let mut host = a.ip().to_string();
            if a.scope_id() != 0 {
                host.push_str(&format!("%{}", a.scope_id()));
            }
            if a.port() == 0 {
                host
            } else {
                format!("[{host}]:{}", a.port())
            }
        }
    }
}

/// `WSAStringToAddress`'s parser for one family; `WSAEINVAL` for text that is not an address
/// of that family.
pub fn from_text(text: &str, family: Family) -> Result<SocketAddr, i32> {
    match family {
        Family::V4 => parse_v4(text).ok_or(w::WSAEINVAL),
        Family::V6 => parse_v6(text).ok_or(w::WSAEINVAL),
    }
}

fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_v4(text: &str) -> Option<SocketAddr> {
    let (host, port) = match text.split_once(':') {
        Some((h, p)) => (h, parse_port(p)?),
        None => (text, 0),
    };
    Some(SocketAddr::V4(SocketAddrV4::new(inet_aton(host)?, port)))
}

/// The classic `inet_addr` forms: 1–4 parts, each decimal, octal (leading 0) or hex (0x); the
/// last part fills the remaining bytes.
fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        values.push(u32::from_str_radix(digits, radix).ok()?);
    }
    let (last, leading) = values.split_last()?;
    if leading.iter().any(|&v| v > 0xff) {
        return None;
    }
    let room = 8 * (4 - leading.len() as u32);
    if room < 32 && *last >= 1u32 << room {
        return None;
    }
    let mut value = *last;
    for (i, &v) in leading.iter().enumerate() {
        value |= v << (24 - 8 * i as u32);
    }
    Some(Ipv4Addr::from(value))
}

fn parse_v6(text: &str) -> Option<SocketAddr> {
    let (inner, port) = if let Some(rest) = text.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        let port = match after {
            "" => 0,
            _ => parse_port(after.strip_prefix(':')?)?,
        };
        (inner, port)
    } else {
        (text, 0)
    };
    let (host, scope) = match inner.split_once('%') {
        Some((h, s)) => (h, parse_scope(s)?),
        None => (inner, 0),
    };
    let ip: Ipv6Addr = host.parse().ok()?;
    Some(SocketAddr::V6(SocketAddrV6::new(ip, port, 0, scope)))
}

fn parse_scope(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_layouts_round_trip() {
        let v4: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let b = to_windows(&v4);
        assert_eq!(&b[..8], &[2, 0, 0x1f, 0x90, 127, 0, 0, 1]);
        assert_eq!(from_windows(&b[..16]).unwrap(), v4);
        let v6 = SocketAddr::V6(SocketAddrV6::new("fe80::1".parse().unwrap(), 80, 7, 3));
        let b = to_windows(&v6);
        assert_eq!(&b[..4], &[23, 0, 0, 80]);
        assert_eq!(&b[24..], &[3, 0, 0, 0]);
        assert_eq!(from_windows(&b).unwrap(), v6);
        // Pre-XP length: no scope id.
        let old = from_windows(&b[..24]).unwrap();
        assert!(matches!(old, SocketAddr::V6(a) if a.scope_id() == 0));
        assert_eq!(from_windows(&b[..20]), Err(w::WSAEFAULT));
        assert_eq!(from_windows(&to_windows(&v4)[..15]), Err(w::WSAEFAULT));
        assert_eq!(from_windows(&[10, 0, 0, 0]), Err(w::WSAEAFNOSUPPORT));
        assert_eq!(from_windows(&[2]), Err(w::WSAEFAULT));
    }

    #[test]
    fn linux_layouts_round_trip() {
        for text in ["10.1.2.3:1", "[::1]:65535", "[fe80::2%4]:9"] {
            let a: SocketAddr = text.parse().unwrap_or_else(|_| parse_v6(text).unwrap());
            let raw = to_linux(&a);
            assert_eq!(from_linux(&raw), Some(a), "{text}");
        }
        let raw = to_linux(&"[::1]:1".parse().unwrap());
        assert_eq!(u16::from_ne_bytes([raw.bytes[0], raw.bytes[1]]), 10);
        assert_eq!(raw.len, 28);
    }

    #[test]
    fn text_forms() {
        let cases = [
            ("1.2.3.4", Family::V4),
            ("1.2.3.4:5", Family::V4),
            ("::1", Family::V6),
            ("[::1]:80", Family::V6),
            ("fe80::1%3", Family::V6),
            ("[fe80::1%3]:443", Family::V6),
            ("::ffff:1.2.3.4", Family::V6),
        ];
        for (text, family) in cases {
            let a = from_text(text, family).unwrap();
            assert_eq!(to_text(&a), text);
        }
        assert_eq!(
            from_text("127.1", Family::V4).unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert_eq!(
            from_text("0x7f.0.0.010", Family::V4).unwrap(),
            "127.0.0.8:0".parse().unwrap()
        );
        assert_eq!(
            from_text("[::1]", Family::V6).unwrap(),
            "[::1]:0".parse().unwrap()
        );
        for bad in [
            "",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.4:",
            "1.2.3.4:65536",
            "a.b.c.d",
            "::1",
            "1..2",
            "1.2.3.4:x",
        ] {
            assert_eq!(from_text(bad, Family::V4), Err(w::WSAEINVAL), "{bad:?}");
        }
        for bad in [
            "",
            "1.2.3.4",
            "[::1",
            "[::1]:",
            "[::1]x",
            "::1%",
            "::1%x",
            "[::1]:70000",
        ] {
            assert_eq!(from_text(bad, Family::V6), Err(w::WSAEINVAL), "{bad:?}");
        }
    }
}
