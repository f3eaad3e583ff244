//! WSPGetSockOpt/WSPSetSockOpt: Windows option numbers and value layouts mapped onto Linux.
//!
//! Windows contract: levels `SOL_SOCKET` (0xffff), `IPPROTO_TCP`, `IPPROTO_IP`, `IPPROTO_IPV6`
//! with Windows option numbers; BOOL/int/DWORD values are 4 bytes, `SO_LINGER` is `LINGER`
//! with two `u_short`s, timeouts are DWORD milliseconds. A buffer or `optlen` smaller than the
//! value is `WSAEFAULT`; an unknown level is `WSAEINVAL`; an unknown or inapplicable option is
//! `WSAENOPROTOOPT`. Get writes the value and its length.
//!
//! Mapping (Windows → Linux), with the reasons where they are not one to one:
//!
//! | Windows | Linux / emulation |
//! |---|---|
//! | `SO_ACCEPTCONN` (get) | the socket is listening |
//! | `SO_REUSEADDR` | Windows lets a socket bind over an address another socket uses; Linux `SO_REUSEADDR` alone does not (it only skips TIME_WAIT), so both `SO_REUSEADDR` and `SO_REUSEPORT` are set — the closest Linux gets (the other socket must have set it too, and the same user) |
//! | `SO_EXCLUSIVEADDRUSE` | nobody may bind over this socket: Linux's default when `SO_REUSEPORT` is clear, so it is recorded and both Linux options are kept clear; setting it together with `SO_REUSEADDR` is `WSAEINVAL`, as on Windows |
//! | `SO_KEEPALIVE`, `SO_DONTROUTE`, `SO_BROADCAST`, `SO_OOBINLINE` | same-named BOOLs |
//! | `SO_LINGER` | `LINGER {u_short, u_short}` ⇄ Linux `linger {int, int}` (seconds both); TCP only |
//! | `SO_DONTLINGER` | BOOL: the negation of `l_onoff`, the linger time kept; TCP only |
//! | `SO_SNDBUF`, `SO_RCVBUF` | the Linux option; get reports the value the application set (Linux doubles it) |
//! | `SO_SNDTIMEO`, `SO_RCVTIMEO` | DWORD ms kept by the provider (its blocking emulation honours them) |
//! | `SO_ERROR` (get) | a failed non-blocking connect's error, else Linux `SO_ERROR` mapped to WSA; cleared by reading |
//! | `SO_TYPE` (get) | `SOCK_STREAM`/`SOCK_DGRAM` |
//! | `SO_PROTOCOL_INFOW`/`A` (get) | the catalog entry the socket was created for (628/372 bytes) |
//! | `SO_MAX_MSG_SIZE` (get, UDP) | the entry's `dwMessageSize` |
//! | `TCP_NODELAY` | `TCP_NODELAY` (TCP only) |
//! | `IP_TOS` 3, `IP_TTL` 4, `IP_MULTICAST_IF` 9, `IP_MULTICAST_TTL` 10, `IP_MULTICAST_LOOP` 11, `IP_ADD_MEMBERSHIP` 12, `IP_DROP_MEMBERSHIP` 13 | Linux 1, 2, 32, 33, 34, 35, 36 (same value layouts) |
//! | `IP_DONTFRAGMENT` 14 | `IP_MTU_DISCOVER` = `IP_PMTUDISC_DO` (TRUE) / `IP_PMTUDISC_DONT` (FALSE) |
//! | `IPV6_UNICAST_HOPS` 4, `IPV6_MULTICAST_IF` 9, `IPV6_MULTICAST_HOPS` 10, `IPV6_MULTICAST_LOOP` 11, `IPV6_ADD_MEMBERSHIP` 12, `IPV6_DROP_MEMBERSHIP` 13, `IPV6_DONTFRAG` 14, `IPV6_V6ONLY` 27 | Linux 16, 17, 18, 19, 20, 21, 62, 26 |
//!
//! Divergence: `SO_CONDITIONAL_ACCEPT` is `WSAENOPROTOOPT` (Linux completes the handshake before
//! any accept, so the condition function always sees an established connection, which is what
//! Windows does with the option's default, FALSE).
#![forbid(unsafe_code)]

use crate::socket::{wsa, Kind, Socket, WsaResult};
use crate::sys;
use ws2_abi as w;
use ws2_abi::WSAPROTOCOL_INFOW;

fn need(len: usize, n: usize) -> WsaResult<()> {
    if len < n {
        Err(w::WSAEFAULT)
    } else {
        Ok(())
    }
}

fn read_u32(value: &[u8]) -> WsaResult<u32> {
    need(value.len(), 4)?;
    Ok(u32::from_ne_bytes([value[0], value[1], value[2], value[3]]))
}

fn int_bytes(v: i32) -> Vec<u8> {
    v.to_ne_bytes().to_vec()
}

/// A Linux option whose value is passed through as an `int`/BOOL.
fn linux_int(level: i32, name: i32) -> Option<(i32, i32)> {
    Some(match (level, name) {
        (w::SOL_SOCKET, w::SO_KEEPALIVE) => (libc::SOL_SOCKET, libc::SO_KEEPALIVE),
        (w::SOL_SOCKET, w::SO_DONTROUTE) => (libc::SOL_SOCKET, libc::SO_DONTROUTE),
        (w::SOL_SOCKET, w::SO_BROADCAST) => (libc::SOL_SOCKET, libc::SO_BROADCAST),
        (w::SOL_SOCKET, w::SO_OOBINLINE) => (libc::SOL_SOCKET, libc::SO_OOBINLINE),
        (w::IPPROTO_IP, w::IP_TOS) => (libc::IPPROTO_IP, libc::IP_TOS),
        (w::IPPROTO_IP, w::IP_TTL) => (libc::IPPROTO_IP, libc::IP_TTL),
        (w::IPPROTO_IP, w::IP_MULTICAST_TTL) => (libc::IPPROTO_IP, libc::IP_MULTICAST_TTL),
        (w::IPPROTO_IP, w::IP_MULTICAST_LOOP) => (libc::IPPROTO_IP, libc::IP_MULTICAST_LOOP),
        (w::IPPROTO_IPV6, w::IPV6_UNICAST_HOPS) => (libc::IPPROTO_IPV6, libc::IPV6_UNICAST_HOPS),
        (w::IPPROTO_IPV6, w::IPV6_MULTICAST_IF) => (libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_IF),
        (w::IPPROTO_IPV6, w::IPV6_MULTICAST_HOPS) => {
            (libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_HOPS)
        }
        (w::IPPROTO_IPV6, w::IPV6_MULTICAST_LOOP) => {
            (libc::IPPROTO_IPV6, libc::IPV6_MULTICAST_LOOP)
        }
        (w::IPPROTO_IPV6, w::IPV6_DONTFRAG) => (libc::IPPROTO_IPV6, libc::IPV6_DONTFRAG),
        (w::IPPROTO_IPV6, w::IPV6_V6ONLY) => (libc::IPPROTO_IPV6, libc::IPV6_V6ONLY),
        _ => return None,
    })
}

/// A Linux option whose value bytes have the same layout on both systems.
fn linux_bytes(level: i32, name: i32) -> Option<(i32, i32, usize)> {
    Some(match (level, name) {
        (w::IPPROTO_IP, w::IP_MULTICAST_IF) => (libc::IPPROTO_IP, libc::IP_MULTICAST_IF, 4),
        (w::IPPROTO_IP, w::IP_ADD_MEMBERSHIP) => (libc::IPPROTO_IP, libc::IP_ADD_MEMBERSHIP, 8),
        (w::IPPROTO_IP, w::IP_DROP_MEMBERSHIP) => (libc::IPPROTO_IP, libc::IP_DROP_MEMBERSHIP, 8),
        (w::IPPROTO_IPV6, w::IPV6_ADD_MEMBERSHIP) => {
            (libc::IPPROTO_IPV6, libc::IPV6_ADD_MEMBERSHIP, 20)
        }
        (w::IPPROTO_IPV6, w::IPV6_DROP_MEMBERSHIP) => {
            (libc::IPPROTO_IPV6, libc::IPV6_DROP_MEMBERSHIP, 20)
        }
        _ => return None,
    })
}

fn known_level(level: i32) -> WsaResult<()> {
    match level {
        w::SOL_SOCKET | w::IPPROTO_TCP | w::IPPROTO_IP | w::IPPROTO_IPV6 => Ok(()),
        _ => Err(w::WSAEINVAL),
    }
}

fn linux_linger(socket: &Socket) -> WsaResult<(i32, i32)> {
    let mut v = [0u8; 8];
    sys::getsockopt(socket.fd(), libc::SOL_SOCKET, libc::SO_LINGER, &mut v).map_err(wsa)?;
    Ok((
        i32::from_ne_bytes([v[0], v[1], v[2], v[3]]),
        i32::from_ne_bytes([v[4], v[5], v[6], v[7]]),
    ))
}

fn set_linux_linger(socket: &Socket, on: i32, seconds: i32) -> WsaResult<()> {
    let mut v = [0u8; 8];
    v[..4].copy_from_slice(&on.to_ne_bytes());
    v[4..].copy_from_slice(&seconds.to_ne_bytes());
    sys::setsockopt(socket.fd(), libc::SOL_SOCKET, libc::SO_LINGER, &v).map_err(wsa)
}

fn stream_only(socket: &Socket) -> WsaResult<()> {
    if socket.kind == Kind::Stream {
        Ok(())
    } else {
        Err(w::WSAENOPROTOOPT)
    }
}

/// WSPGetSockOpt: the value for a caller buffer of `len` bytes.
pub fn get(socket: &Socket, level: i32, name: i32, len: usize) -> WsaResult<Vec<u8>> {
    known_level(level)?;
    if let Some((l, n)) = linux_int(level, name) {
        need(len, 4)?;
        return sys::getsockopt_int(socket.fd(), l, n)
            .map(int_bytes)
            .map_err(wsa);
    }
    if let Some((l, n, size)) = linux_bytes(level, name) {
        if matches!(
            name,
            w::IP_ADD_MEMBERSHIP | w::IP_DROP_MEMBERSHIP // == IPV6_ADD/DROP_MEMBERSHIP
        ) {
            // Membership changes are set-only (Windows: WSAENOPROTOOPT on get).
            return Err(w::WSAENOPROTOOPT);
        }
        need(len, size)?;
        let mut v = vec![0u8; size];
        sys::getsockopt(socket.fd(), l, n, &mut v).map_err(wsa)?;
        return Ok(v);
    }
    match (level, name) {
        (w::SOL_SOCKET, w::SO_ACCEPTCONN) => {
            need(len, 4)?;
            Ok(int_bytes(i32::from(socket.state().listening)))
        }
        (w::SOL_SOCKET, w::SO_REUSEADDR) => {
            need(len, 4)?;
            Ok(int_bytes(i32::from(socket.state().reuse_addr)))
        }
        (w::SOL_SOCKET, w::SO_EXCLUSIVEADDRUSE) => {
            need(len, 4)?;
            Ok(int_bytes(i32::from(socket.state().exclusive)))
        }
        (w::SOL_SOCKET, w::SO_LINGER) => {
            stream_only(socket)?;
            need(len, 4)?;
            let (on, seconds) = linux_linger(socket)?;
            let mut v = Vec::with_capacity(4);
            v.extend_from_slice(&(u16::from(on != 0)).to_ne_bytes());
            v.extend_from_slice(&(seconds.clamp(0, 0xffff) as u16).to_ne_bytes());
            Ok(v)
        }
        (w::SOL_SOCKET, w::SO_DONTLINGER) => {
            stream_only(socket)?;
            need(len, 4)?;
            Ok(int_bytes(i32::from(linux_linger(socket)?.0 == 0)))
        }
        (w::SOL_SOCKET, w::SO_SNDBUF | w::SO_RCVBUF) => {
            need(len, 4)?;
            let set = {
                let s = socket.state();
                if name == w::SO_SNDBUF {
                    s.send_buffer
                } else {
                    s.recv_buffer
                }
            };
            if let Some(v) = set {
                return Ok(int_bytes(v));
            }
            let linux = if name == w::SO_SNDBUF {
                libc::SO_SNDBUF
            } else {
                libc::SO_RCVBUF
            };
            sys::getsockopt_int(socket.fd(), libc::SOL_SOCKET, linux)
                .map(int_bytes)
                .map_err(wsa)
        }
        (w::SOL_SOCKET, w::SO_RCVTIMEO | w::SO_SNDTIMEO) => {
            need(len, 4)?;
            let (recv, send) = socket.timeouts();
            let ms = if name == w::SO_RCVTIMEO { recv } else { send };
            Ok(ms.to_ne_bytes().to_vec())
        }
        (w::SOL_SOCKET, w::SO_ERROR) => {
            need(len, 4)?;
            let stored = std::mem::take(&mut socket.state().connect_error);
            if stored != 0 {
                return Ok(int_bytes(stored));
            }
            let e =
                sys::getsockopt_int(socket.fd(), libc::SOL_SOCKET, libc::SO_ERROR).map_err(wsa)?;
            Ok(int_bytes(if e == 0 { 0 } else { wsa(e) }))
        }
        (w::SOL_SOCKET, w::SO_TYPE) => {
            need(len, 4)?;
            Ok(int_bytes(match socket.kind {
                Kind::Stream => w::SOCK_STREAM,
                Kind::Datagram => w::SOCK_DGRAM,
            }))
        }
        (w::SOL_SOCKET, w::SO_PROTOCOL_INFOW) => {
            need(len, 628)?;
            Ok(protocol_info_bytes(&socket.info, true))
        }
        (w::SOL_SOCKET, w::SO_PROTOCOL_INFOA) => {
            need(len, 372)?;
            Ok(protocol_info_bytes(&socket.info, false))
        }
        (w::SOL_SOCKET, w::SO_MAX_MSG_SIZE) if socket.kind == Kind::Datagram => {
            need(len, 4)?;
            Ok(socket.info.dwMessageSize.to_ne_bytes().to_vec())
        }
        (w::IPPROTO_TCP, w::TCP_NODELAY) => {
            stream_only(socket)?;
            need(len, 4)?;
            sys::getsockopt_int(socket.fd(), libc::IPPROTO_TCP, libc::TCP_NODELAY)
                .map(int_bytes)
                .map_err(wsa)
        }
        (w::IPPROTO_IP, w::IP_DONTFRAGMENT) => {
            need(len, 4)?;
            let mode = sys::getsockopt_int(socket.fd(), libc::IPPROTO_IP, libc::IP_MTU_DISCOVER)
                .map_err(wsa)?;
            Ok(int_bytes(i32::from(mode == libc::IP_PMTUDISC_DO)))
        }
        _ => Err(w::WSAENOPROTOOPT),
    }
}

/// WSPSetSockOpt with the caller's `value` bytes (`optlen` of them).
pub fn set(socket: &Socket, level: i32, name: i32, value: &[u8]) -> WsaResult<()> {
    known_level(level)?;
    if let Some((l, n)) = linux_int(level, name) {
        let v = read_u32(value)? as i32;
        return sys::setsockopt_int(socket.fd(), l, n, v).map_err(wsa);
    }
    if let Some((l, n, size)) = linux_bytes(level, name) {
        need(value.len(), size)?;
        return sys::setsockopt(socket.fd(), l, n, &value[..size]).map_err(wsa);
    }
    match (level, name) {
        (w::SOL_SOCKET, w::SO_REUSEADDR) => {
            let on = read_u32(value)? != 0;
            let mut state = socket.state();
            if on && state.exclusive {
                return Err(w::WSAEINVAL);
            }
            for linux in [libc::SO_REUSEADDR, libc::SO_REUSEPORT] {
                sys::setsockopt_int(socket.fd(), libc::SOL_SOCKET, linux, i32::from(on))
                    .map_err(wsa)?;
            }
            state.reuse_addr = on;
            Ok(())
        }
        (w::SOL_SOCKET, w::SO_EXCLUSIVEADDRUSE) => {
            let on = read_u32(value)? != 0;
            let mut state = socket.state();
            if on && state.reuse_addr {
                return Err(w::WSAEINVAL);
            }
            state.exclusive = on;
            Ok(())
        }
        (w::SOL_SOCKET, w::SO_LINGER) => {
            stream_only(socket)?;
            need(value.len(), 4)?;
            let on = u16::from_ne_bytes([value[0], value[1]]);
            let seconds = u16::from_ne_bytes([value[2], value[3]]);
            set_linux_linger(socket, i32::from(on != 0), i32::from(seconds))
        }
        (w::SOL_SOCKET, w::SO_DONTLINGER) => {
            stream_only(socket)?;
            let dont = read_u32(value)? != 0;
            let (_, seconds) = linux_linger(socket)?;
            set_linux_linger(socket, i32::from(!dont), seconds)
        }
        (w::SOL_SOCKET, w::SO_SNDBUF | w::SO_RCVBUF) => {
            let v = read_u32(value)? as i32;
            let linux = if name == w::SO_SNDBUF {
                libc::SO_SNDBUF
            } else {
                libc::SO_RCVBUF
            };
            sys::setsockopt_int(socket.fd(), libc::SOL_SOCKET, linux, v).map_err(wsa)?;
            let mut state = socket.state();
            if name == w::SO_SNDBUF {
                state.send_buffer = Some(v);
            } else {
                state.recv_buffer = Some(v);
            }
            Ok(())
        }
        (w::SOL_SOCKET, w::SO_RCVTIMEO) => {
            socket.set_recv_timeout(read_u32(value)?);
            Ok(())
        }
        (w::SOL_SOCKET, w::SO_SNDTIMEO) => {
            socket.set_send_timeout(read_u32(value)?);
            Ok(())
        }
        (w::IPPROTO_TCP, w::TCP_NODELAY) => {
            stream_only(socket)?;
            let on = read_u32(value)? != 0;
            sys::setsockopt_int(
                socket.fd(),
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                i32::from(on),
            )
            .map_err(wsa)
        }
        (w::IPPROTO_IP, w::IP_DONTFRAGMENT) => {
            let mode = if read_u32(value)? != 0 {
                libc::IP_PMTUDISC_DO
            } else {
                libc::IP_PMTUDISC_DONT
            };
            sys::setsockopt_int(socket.fd(), libc::IPPROTO_IP, libc::IP_MTU_DISCOVER, mode)
                .map_err(wsa)
        }
        _ => Err(w::WSAENOPROTOOPT),
    }
}

/// A `WSAPROTOCOL_INFOW` (628 bytes) or `WSAPROTOCOL_INFOA` (372 bytes, the name narrowed with
/// '?' for characters outside ASCII) in the Windows x64 layout.
pub fn protocol_info_bytes(info: &WSAPROTOCOL_INFOW, wide: bool) -> Vec<u8> {
    let mut v = Vec::with_capacity(628);
    for d in [
        info.dwServiceFlags1,
        info.dwServiceFlags2,
        info.dwServiceFlags3,
        info.dwServiceFlags4,
        info.dwProviderFlags,
    ] {
        v.extend_from_slice(&d.to_ne_bytes());
    }
    v.extend_from_slice(&info.ProviderId.Data1.to_ne_bytes());
    v.extend_from_slice(&info.ProviderId.Data2.to_ne_bytes());
    v.extend_from_slice(&info.ProviderId.Data3.to_ne_bytes());
    v.extend_from_slice(&info.ProviderId.Data4);
    v.extend_from_slice(&info.dwCatalogEntryId.to_ne_bytes());
    v.extend_from_slice(&info.ProtocolChain.ChainLen.to_ne_bytes());
    for e in info.ProtocolChain.ChainEntries {
        v.extend_from_slice(&e.to_ne_bytes());
    }
    for i in [
        info.iVersion,
        info.iAddressFamily,
        info.iMaxSockAddr,
        info.iMinSockAddr,
        info.iSocketType,
        info.iProtocol,
        info.iProtocolMaxOffset,
        info.iNetworkByteOrder,
        info.iSecurityScheme,
    ] {
        v.extend_from_slice(&i.to_ne_bytes());
    }
    v.extend_from_slice(&info.dwMessageSize.to_ne_bytes());
    v.extend_from_slice(&info.dwProviderReserved.to_ne_bytes());
    debug_assert_eq!(v.len(), 116);
    if wide {
        for c in info.szProtocol {
            v.extend_from_slice(&c.to_ne_bytes());
        }
    } else {
        let len = info.szProtocol.iter().position(|&c| c == 0).unwrap_or(255);
        let mut name = [0u8; 256];
        for (dst, c) in name.iter_mut().zip(&info.szProtocol[..len.min(255)]) {
            *dst = if *c < 0x80 { *c as u8 } else { b'?' };
        }
        v.extend_from_slice(&name);
    }
    v
}
