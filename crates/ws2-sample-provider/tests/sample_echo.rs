//! The sample provider installed in this process's catalog and reached through the client API:
//! proves the kit's exported WSPStartup (started by the loader), the trampolines, handle
//! registration with WPUCreateSocketHandle (non-IFS) and dispatch by handle. Its own process:
//! the catalog and WSAStartup are process-wide.
#![allow(unsafe_code)] // reads a handle's context through the upcall, as a provider would

use std::net::{Shutdown, SocketAddr};
use std::process::Command;
use ws2_abi::*;
use ws2_client::{Socket, Winsock, WsaError};
use ws2_core::catalog::{blank_protocol_info, store};

/// target/<profile>, where cargo puts libws2_sample_provider.so.
fn profile_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf()
}

fn build_provider() -> std::path::PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ws2-sample-provider", "--lib"])
        .args(profile_dir().ends_with("release").then_some("--release"))
        .status()
        .expect("cargo build -p ws2-sample-provider");
    assert!(status.success());
    profile_dir().join("libws2_sample_provider.so")
}

const SAMPLE_GUID: GUID = GUID {
    Data1: 0x5A3B_1E00,
    Data2: 0x2024,
    Data3: 0x0006,
    Data4: [0x52, 0x55, 0x53, 0x54, 0, 0, 0, 1],
};

/// A base entry of the sample provider: non-IFS TCP for `af`.
fn entry(af: i32, name: &str) -> WSAPROTOCOL_INFOW {
    let mut info = blank_protocol_info();
    info.ProviderId = SAMPLE_GUID;
    info.ProtocolChain.ChainLen = 1;
    info.iVersion = 2;
    info.iAddressFamily = af;
    info.iSocketType = SOCK_STREAM;
    info.iProtocol = IPPROTO_TCP;
    info.iMaxSockAddr = 28;
    info.iMinSockAddr = if af == AF_INET { 16 } else { 28 };
    info.dwServiceFlags1 = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER; // no XP1_IFS_HANDLES
    for (dst, c) in info.szProtocol.iter_mut().zip(name.encode_utf16()) {
        *dst = c;
    }
    info
}

/// The context ws2_32 keeps for a WPUCreateSocketHandle handle (WSAENOTSOCK for others).
fn context_of(s: SOCKET) -> Result<usize, i32> {
    let (mut context, mut errno) = (0usize, 0);
    // SAFETY: valid locals.
    let r =
        unsafe { ws2_32::upcalls::wpu_query_socket_handle_context(s, &mut context, &mut errno) };
    if r == 0 {
        Ok(context)
    } else {
        Err(errno)
    }
}

fn echo(listener_info: &WSAPROTOCOL_INFOW, loopback: &str, catalog_id: u32) {
    let listener = Socket::with_protocol_info(listener_info, WSA_FLAG_OVERLAPPED).unwrap();
    assert!(
        context_of(listener.raw()).is_ok(),
        "registered with WPUCreateSocketHandle"
    );
    assert_eq!(
        ws2_core::runtime::runtime()
            .socket(listener.raw())
            .map(|e| e.catalog_id),
        Some(catalog_id),
        "the handle belongs to the sample's catalog entry"
    );
    assert_eq!(listener.local_addr(), Err(WsaError::WSAEINVAL), "unbound");
    assert_eq!(
        listener.listen(1),
        Err(WsaError::WSAEINVAL),
        "listen before bind"
    );
    let any: SocketAddr = format!("{loopback}:0").parse().unwrap();
    listener.bind(&any).unwrap();
    listener.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    assert_ne!(addr.port(), 0);

    let client = Socket::with_protocol_info(listener_info, WSA_FLAG_OVERLAPPED).unwrap();
    client.connect(&addr).unwrap();
    let (server, peer) = listener.accept().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(server.peer_addr().unwrap(), peer);
    assert_eq!(client.peer_addr().unwrap(), addr);
    let (a, b) = (
        context_of(client.raw()).unwrap(),
        context_of(server.raw()).unwrap(),
    );
    assert_ne!(a, b, "each socket has its own context");

    client.send_all(b"hello through a Rust provider").unwrap();
    let mut buf = [0u8; 64];
    let mut got = 0;
    while got < 29 {
        got += server.recv(&mut buf[got..]).unwrap();
    }
    assert_eq!(&buf[..got], b"hello through a Rust provider");
    server.send_all(&buf[..got]).unwrap();
    let mut back = [0u8; 64];
    let mut n = 0;
    while n < got {
        n += client.recv(&mut back[n..]).unwrap();
    }
    assert_eq!(&back[..n], &buf[..got]);

    // Non-blocking: nothing to read yet.
    server.set_nonblocking(true).unwrap();
    assert_eq!(server.recv(&mut buf), Err(WsaError::WSAEWOULDBLOCK));
    server.set_nonblocking(false).unwrap();
    // Graceful close: recv returns 0.
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(server.recv(&mut buf), Ok(0));
    // A slot the sample leaves to the kit's default.
    assert_eq!(client.send_to(b"x", &addr), Err(WsaError::WSAEOPNOTSUPP));

    let handle = client.raw();
    client.close().unwrap();
    assert_eq!(
        context_of(handle),
        Err(WSAENOTSOCK),
        "WPUCloseSocketHandle ran"
    );
    let stale = Socket::from_raw(handle);
    assert_eq!(stale.recv(&mut buf), Err(WsaError::WSAENOTSOCK));
    std::mem::forget(stale);
    server.close().unwrap();
    listener.close().unwrap();
}

#[test]
fn tcp_echo_through_the_rust_sample_provider() {
    let path = build_provider();
    let wide: Vec<u16> = path.to_str().unwrap().encode_utf16().collect();
    let ids = store()
        .install(
            &SAMPLE_GUID,
            &wide,
            &[
                entry(AF_INET, "Rust sample TCP/IP"),
                entry(AF_INET6, "Rust sample TCP/IPv6"),
            ],
        )
        .unwrap();
    let catalog = store().load().unwrap();
    let v4 = catalog.by_id(ids[0]).unwrap().info;
    let v6 = catalog.by_id(ids[1]).unwrap().info;

    let winsock = Winsock::startup(0x0202).unwrap();
    assert_eq!(winsock.version(), 0x0202);
    echo(&v4, "127.0.0.1", ids[0]);
    echo(&v6, "[::1]", ids[1]);

    // The provider's own checks: wrong type for its entry.
    // WSASocketW with explicit arguments that the sample refuses.
    let mut info = v4;
    // SAFETY: `info` is a readable local.
    let s = unsafe { ws2_32::client::WSASocketW(AF_INET, SOCK_DGRAM, 0, &mut info, 0, 0) };
    assert_eq!(s, INVALID_SOCKET);
    assert_eq!(ws2_client::last_error(), WsaError::WSAESOCKTNOSUPPORT);

    // Sockets left open are closed by the provider's cleanup on the last WSACleanup.
    let left = Socket::with_protocol_info(&v4, 0).unwrap();
    let handle = left.into_raw();
    assert!(context_of(handle).is_ok());
    winsock.cleanup().unwrap();
    assert_eq!(
        context_of(handle),
        Err(WSAENOTSOCK),
        "cleanup released the handle"
    );
}
