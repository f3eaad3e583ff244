//! What the tests that run C providers over the real base provider (sample_providers.rs,
//! broken_providers.rs) share: building libws2_base.so and a connected TCP pair driven through
//! the client API.
#![allow(dead_code)]

use std::process::Command;
use std::ptr::null_mut;
use ws2_32::client::*;
use ws2_abi::*;

/// target/<profile>, where cargo puts libws2_base.so.
pub fn profile_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf()
}

pub fn build_base_provider() {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
        .args(profile_dir().ends_with("release").then_some("--release"))
        .status()
        .expect("cargo build -p ws2-base");
    assert!(status.success());
}

pub fn loopback(port: u16) -> SOCKADDR_IN {
    SOCKADDR_IN {
        sin_family: AF_INET as u16,
        sin_port: port.to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_S_un {
                S_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be(),
            },
        },
        sin_zero: [0; 8],
    }
}

pub fn last_error() -> u32 {
    ws2_32::last_error::get()
}

/// Binds `listener` to 127.0.0.1 on a free port and listens (backlog 1): its address.
///
/// # Safety
/// `listener` is a TCP socket of the client API, not yet bound.
pub unsafe fn listen_on_loopback(listener: SOCKET) -> SOCKADDR_IN {
    unsafe {
        let mut addr = loopback(0);
        assert_eq!(bind(listener, (&addr as *const SOCKADDR_IN).cast(), 16), 0);
        assert_eq!(listen(listener, 1), 0);
        let mut len = 16;
        assert_eq!(
            getsockname(listener, (&mut addr as *mut SOCKADDR_IN).cast(), &mut len),
            0
        );
        addr
    }
}

/// A connected pair through the installed chain: (listener, client, server).
pub unsafe fn connected_pair() -> (SOCKET, SOCKET, SOCKET) {
    unsafe {
        let listener = socket(AF_INET, SOCK_STREAM, 0);
        assert_ne!(listener, INVALID_SOCKET, "socket: {}", last_error());
        let addr = listen_on_loopback(listener);
        let client = socket(AF_INET, SOCK_STREAM, 0);
        assert_eq!(
            connect(client, (&addr as *const SOCKADDR_IN).cast(), 16),
            0,
            "connect: {}",
            last_error()
        );
        let server = accept(listener, null_mut(), null_mut());
        assert_ne!(server, INVALID_SOCKET, "accept: {}", last_error());
        (listener, client, server)
    }
}

pub unsafe fn send_all(s: SOCKET, data: &[u8]) {
    assert_eq!(
        unsafe { send(s, data.as_ptr().cast(), data.len() as i32, 0) },
        data.len() as i32,
        "send: {}",
        last_error()
    );
}

pub fn overlapped(event: HANDLE) -> WSAOVERLAPPED {
    WSAOVERLAPPED {
        Internal: 0,
        InternalHigh: 0,
        Offset: 0,
        OffsetHigh: 0,
        hEvent: event,
    }
}

pub unsafe fn startup() {
    unsafe {
        let mut data: WSADATA = std::mem::zeroed();
        assert_eq!(ws2_32::winsock::WSAStartup(0x0202, &mut data), 0);
    }
}

pub fn close_all(sockets: [SOCKET; 3]) {
    for s in sockets {
        assert_eq!(closesocket(s), 0, "closesocket: {}", last_error());
    }
    assert_eq!(ws2_32::winsock::WSACleanup(), 0);
}
