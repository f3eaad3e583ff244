//! The client API against the built-in base provider (the default catalog, libws2_base.so
//! beside this test binary): TCP and UDP echo, errors as WsaError, events. Its own process:
//! WSAStartup is process-wide.

use std::net::{Shutdown, SocketAddr};
use std::process::Command;
use ws2_abi::{FD_MAX_EVENTS, FD_READ};
use ws2_client::{Event, Socket, Winsock, WsaError};

fn profile_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf()
}

/// Builds the base provider and points %WS2EMU_LIBDIR% at it, once per process (before any
/// test thread reads the environment through WSAStartup).
fn start() -> Winsock {
    static SETUP: std::sync::Once = std::sync::Once::new();
    SETUP.call_once(setup);
    Winsock::startup(0x0202).unwrap()
}

fn setup() {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
        .args(profile_dir().ends_with("release").then_some("--release"))
        .status()
        .expect("cargo build -p ws2-base");
    assert!(status.success());
    std::env::set_var("WS2EMU_LIBDIR", profile_dir());
    std::env::remove_var("WS2EMU_CATALOG");
}

/// Taken by the tests that create sockets in a loop and by the one that checks a closed handle:
/// the base provider's handles are descriptors, which the system may hand to another thread's
/// next socket at once, so "closed means not a socket" holds only while nobody else opens one.
static SOCKETS: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn tcp_and_udp_echo_through_the_base_provider() {
    let _sockets = SOCKETS.lock().unwrap_or_else(|e| e.into_inner());
    let winsock = start();
    assert_eq!(winsock.version(), 0x0202);
    for loopback in ["127.0.0.1:0", "[::1]:0"] {
        let any: SocketAddr = loopback.parse().unwrap();
        let listener = Socket::tcp(&any).unwrap();
        listener.bind(&any).unwrap();
        listener.listen(4).unwrap();
        let addr = listener.local_addr().unwrap();
        let client = Socket::tcp(&any).unwrap();
        client.connect(&addr).unwrap();
        let (server, peer) = listener.accept().unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        assert_eq!(client.peer_addr().unwrap(), addr);
        client.send_all(b"ping").unwrap();
        let mut buf = [0u8; 8];
        let mut n = 0;
        while n < 4 {
            n += server.recv(&mut buf[n..]).unwrap();
        }
        assert_eq!(&buf[..4], b"ping");
        server.set_nonblocking(true).unwrap();
        assert_eq!(server.recv(&mut buf), Err(WsaError::WSAEWOULDBLOCK));
        server.set_nonblocking(false).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        assert_eq!(server.recv(&mut buf), Ok(0));

        let a = Socket::udp(&any).unwrap();
        a.bind(&any).unwrap();
        let b = Socket::udp(&any).unwrap();
        b.bind(&any).unwrap();
        let a_addr = a.local_addr().unwrap();
        assert_eq!(b.send_to(b"datagram", &a_addr), Ok(8));
        let (n, from) = a.recv_from(&mut buf).unwrap();
        assert_eq!(
            (&buf[..n], from),
            (&b"datagram"[..], b.local_addr().unwrap())
        );
    }
    // A closed handle is not a socket any more.
    let s = Socket::tcp(&"127.0.0.1:0".parse().unwrap()).unwrap();
    let raw = s.raw();
    s.close().unwrap();
    let stale = Socket::from_raw(raw);
    assert_eq!(stale.listen(1), Err(WsaError::WSAENOTSOCK));
    std::mem::forget(stale);
    winsock.cleanup().unwrap();
}

#[test]
fn events() {
    let _winsock = start();
    let event = Event::new().unwrap();
    assert_eq!(event.wait(0), Ok(false));
    event.set().unwrap();
    assert_eq!(event.wait(0), Ok(true));
    assert_eq!(event.wait(0), Ok(true), "manual reset");
    event.reset().unwrap();
    assert_eq!(event.wait(0), Ok(false));
    // Notifications are a later slice of the base provider: whatever it answers, the record
    // is only read on success.
    let s = Socket::udp(&"127.0.0.1:0".parse().unwrap()).unwrap();
    if s.event_select(&event, FD_READ).is_ok() {
        let record = s.enum_network_events(Some(&event)).unwrap();
        assert_eq!(record.iErrorCode.len(), FD_MAX_EVENTS);
    }
}

/// Two threads cycling WSAStartup, socket, bind, closesocket, WSACleanup. The base provider's
/// handles are its descriptors, which the system hands out again as soon as one is closed: a
/// closesocket on one thread must never forget the other thread's new socket that got the same
/// value (it used to, and that socket's next call failed with WSAENOTSOCK); and a WSAStartup
/// waits for another thread's last WSACleanup to finish cleaning up the providers.
#[test]
fn concurrent_startup_socket_close_cleanup_cycles() {
    let _sockets = SOCKETS.lock().unwrap_or_else(|e| e.into_inner());
    drop(start()); // the base provider is built and the environment set
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let cycles = |_| {
        for _ in 0..200 {
            let winsock = Winsock::startup(0x0202).unwrap();
            let socket = Socket::udp(&any).unwrap();
            socket.bind(&any).unwrap();
            assert!(socket.local_addr().unwrap().port() != 0);
            socket.close().unwrap();
            winsock.cleanup().unwrap();
        }
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2).map(|i| scope.spawn(move || cycles(i))).collect();
        for worker in workers {
            worker.join().unwrap();
        }
    });
}
