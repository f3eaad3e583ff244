//! Windows socket addresses as bytes ⇄ [`std::net::SocketAddr`].
//!
//! Windows contract: `SOCKADDR_IN` is 16 bytes (family `AF_INET` = 2 in host order, port and
//! address in network order, 8 zero bytes); `SOCKADDR_IN6` is 28 bytes (family `AF_INET6` =
//! **23**, port, flow info, address, scope id). A buffer shorter than its family's structure is
//! `WSAEFAULT`; another family is `WSAEAFNOSUPPORT`. The pre-XP 24-byte `SOCKADDR_IN6` without a
//! scope id is accepted on input, as Windows does. Flow info and scope id are copied as stored,
//! the way std and Linux keep them.
#![forbid(unsafe_code)]

use crate::{WsaError, WsaResult};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use ws2_abi as w;

/// `sizeof(SOCKADDR_IN)`.
pub const SOCKADDR_IN_LEN: usize = 16;
/// `sizeof(SOCKADDR_IN6)`.
pub const SOCKADDR_IN6_LEN: usize = 28;
/// The largest Windows sockaddr this module writes.
pub const MAX_SOCKADDR_LEN: usize = SOCKADDR_IN6_LEN;

/// A Windows sockaddr: its bytes and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WinSockAddr {
    bytes: [u8; MAX_SOCKADDR_LEN],
    len: usize,
}

impl WinSockAddr {
    /// The meaningful bytes (16 for IPv4, 28 for IPv6).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The size of the Windows sockaddr of `addr`'s family.
pub fn sockaddr_len(addr: &SocketAddr) -> usize {
    match addr {
        SocketAddr::V4(_) => SOCKADDR_IN_LEN,
        SocketAddr::V6(_) => SOCKADDR_IN6_LEN,
    }
}

/// The Windows address family of `addr` (`AF_INET` or `AF_INET6` = 23).
pub fn family(addr: &SocketAddr) -> i32 {
    match addr {
        SocketAddr::V4(_) => w::AF_INET,
        SocketAddr::V6(_) => w::AF_INET6,
    }
}

/// `addr` in its Windows layout.
pub fn to_windows(addr: &SocketAddr) -> WinSockAddr {
    let mut bytes = [0u8; MAX_SOCKADDR_LEN];
    bytes[2..4].copy_from_slice(&addr.port().to_be_bytes());
    match addr {
        SocketAddr::V4(v4) => {
            bytes[0..2].copy_from_slice(&(w::AF_INET as u16).to_ne_bytes());
            bytes[4..8].copy_from_slice(&v4.ip().octets());
        }
        SocketAddr::V6(v6) => {
            bytes[0..2].copy_from_slice(&(w::AF_INET6 as u16).to_ne_bytes());
            bytes[4..8].copy_from_slice(&v6.flowinfo().to_ne_bytes());
            bytes[8..24].copy_from_slice(&v6.ip().octets());
            bytes[24..28].copy_from_slice(&v6.scope_id().to_ne_bytes());
        }
    }
    WinSockAddr {
        bytes,
        len: sockaddr_len(addr),
    }
}

fn array<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[at..at + N]);
    out
}

/// Reads a Windows `SOCKADDR_IN`/`SOCKADDR_IN6`: `WSAEFAULT` when too short for its family,
/// `WSAEAFNOSUPPORT` for another family.
pub fn from_windows(bytes: &[u8]) -> WsaResult<SocketAddr> {
    if bytes.len() < 2 {
        return Err(WsaError::WSAEFAULT);
    }
    let port = u16::from_be_bytes(array(bytes, 2));
    match i32::from(u16::from_ne_bytes(array(bytes, 0))) {
        w::AF_INET => {
            if bytes.len() < SOCKADDR_IN_LEN {
                return Err(WsaError::WSAEFAULT);
            }
            let ip = Ipv4Addr::from(array::<4>(bytes, 4));
            Ok(SocketAddr::V4(SocketAddrV4::new(ip, port)))
        }
        w::AF_INET6 => {
            if bytes.len() < 24 {
                return Err(WsaError::WSAEFAULT);
            }
            let flow = u32::from_ne_bytes(array(bytes, 4));
            let ip = Ipv6Addr::from(array::<16>(bytes, 8));
            let scope = if bytes.len() >= SOCKADDR_IN6_LEN {
                u32::from_ne_bytes(array(bytes, 24))
            } else {
                0
            };
            Ok(SocketAddr::V6(SocketAddrV6::new(ip, port, flow, scope)))
        }
        _ => Err(WsaError::WSAEAFNOSUPPORT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_layouts() {
        let v4: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let raw = to_windows(&v4);
        assert_eq!(
            raw.as_bytes(),
            &[2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(from_windows(raw.as_bytes()), Ok(v4));
        let v6: SocketAddr = "[::1%3]:443".parse().unwrap();
        let raw = to_windows(&v6);
        assert_eq!(raw.len(), 28);
        assert_eq!(&raw.as_bytes()[..4], &[23, 0, 1, 0xbb]);
        assert_eq!(from_windows(raw.as_bytes()), Ok(v6));
        // The pre-XP layout without a scope id.
        let old = from_windows(&raw.as_bytes()[..24]).unwrap();
        assert_eq!(old, "[::1]:443".parse::<SocketAddr>().unwrap());
    }

    #[test]
    fn short_and_foreign_addresses() {
        let v4 = to_windows(&"10.0.0.1:1".parse().unwrap());
        assert_eq!(from_windows(&v4.as_bytes()[..15]), Err(WsaError::WSAEFAULT));
        assert_eq!(from_windows(&[]), Err(WsaError::WSAEFAULT));
        // Linux AF_INET6 (10) is not a Windows family.
        let mut linux6 = [0u8; 28];
        linux6[0] = 10;
        assert_eq!(from_windows(&linux6), Err(WsaError::WSAEAFNOSUPPORT));
    }
}
