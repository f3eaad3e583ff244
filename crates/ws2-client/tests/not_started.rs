//! Before WSAStartup (its own process, so nothing else started Winsock): socket creation fails
//! with WSANOTINITIALISED, and a refused version is the code WSAStartup returned.

use ws2_client::{Socket, Winsock, WsaError};

#[test]
fn not_started_and_refused_versions() {
    assert_eq!(
        Socket::tcp(&"127.0.0.1:0".parse().unwrap()).err(),
        Some(WsaError::WSANOTINITIALISED)
    );
    assert_eq!(
        Winsock::startup(0x0001).err(),
        Some(WsaError::WSAVERNOTSUPPORTED)
    );
    let ws = Winsock::startup(0x0101).unwrap();
    assert_eq!(ws.version(), 0x0101);
    ws.cleanup().unwrap();
    assert_eq!(
        Socket::tcp(&"127.0.0.1:0".parse().unwrap()).err(),
        Some(WsaError::WSANOTINITIALISED)
    );
}
