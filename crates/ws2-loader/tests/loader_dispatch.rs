//! The client API routes socket calls to the provider that registered the handle (spec
//! checklist 25-27, 35, 67), through a C provider that mints its handles with
//! WPUCreateSocketHandle and records what reached it. Its own process: WSAStartup and the
//! catalog view are process-wide.
#![allow(unsafe_code)] // the exports are `unsafe extern "system"` functions

mod provider_kit;

use provider_kit::*;
use std::ptr::null_mut;
use ws2_32::client::*;
use ws2_32::upcalls::upcall_table;
use ws2_abi::*;

#[test]
fn calls_reach_the_provider_that_owns_the_handle() {
    // SAFETY: every call below passes valid pointers to locals.
    unsafe {
        let mut data: WSADATA = std::mem::zeroed();
        assert_eq!(ws2_32::winsock::WSAStartup(0x0202, &mut data), 0);
        let held = Held::new("libdispatch.so");
        let id = push_base(guid(60), "libdispatch.so");
        let mut info = *ws2_core::runtime()
            .catalog()
            .by_id(id)
            .map(|e| &e.info)
            .unwrap();

        let s = WSASocketW(
            AF_INET,
            SOCK_STREAM,
            IPPROTO_TCP,
            &mut info,
            0,
            WSA_FLAG_OVERLAPPED,
        );
        assert_ne!(s, !0, "WSASocketW: {}", ws2_32::last_error::get());
        assert_eq!(
            held.int("socket_entry_seen") as u32,
            id,
            "checklist 67: the named entry"
        );
        assert!(
            s >= 1 << 30 && s % 4 == 0,
            "a handle minted by WPUCreateSocketHandle"
        );

        let mut buf = *b"hello";
        let mut wsabuf = WSABUF {
            len: 5,
            buf: buf.as_mut_ptr().cast(),
        };
        let mut sent = 0;
        assert_eq!(
            WSASend(s, &mut wsabuf, 1, &mut sent, 0, null_mut(), None),
            0
        );
        assert_eq!((sent, held.int("send_calls")), (5, 1));
        assert_eq!(
            held.word("last_socket") as usize,
            s & 0xffff,
            "checklist 27: s == h"
        );

        ws2_32::last_error::set(0);
        let any = SOCKADDR {
            sa_family: AF_INET as u16,
            sa_data: [0; 14],
        };
        assert_eq!(bind(s, &any, 16), SOCKET_ERROR);
        assert_eq!(
            ws2_32::last_error::get(),
            WSASYSCALLFAILURE as u32,
            "silent failure"
        );

        assert_eq!(closesocket(s), 0);
        assert_eq!(
            held.int("close_calls"),
            1,
            "checklist 26: WSPCloseSocket once"
        );
        assert_eq!(closesocket(s), SOCKET_ERROR);
        assert_eq!(ws2_32::last_error::get(), WSAENOTSOCK as u32, "closed");
        assert_eq!(held.int("close_calls"), 1);

        // Checklist 25: WPUCloseSocketHandle does not call the provider's WSPCloseSocket.
        let t = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, &mut info, 0, 0);
        assert_eq!(
            upcall_table().lpWPUCloseSocketHandle.unwrap()(t, null_mut()),
            0
        );
        assert_eq!(held.int("close_calls"), 1);

        // Checklist 35: a never-registered handle.
        assert_eq!(
            send(0x4000_1234 as SOCKET, buf.as_ptr().cast(), 5, 0),
            SOCKET_ERROR
        );
        assert_eq!(ws2_32::last_error::get(), WSAENOTSOCK as u32);
        assert_eq!(listen(0x1234, 1), SOCKET_ERROR);
        assert_eq!(ws2_32::last_error::get(), WSAENOTSOCK as u32);
        assert_eq!(held.int("send_calls"), 1, "nothing reached the provider");

        // select with only empty sets.
        let mut empty: fd_set = std::mem::zeroed();
        assert_eq!(
            select(0, &mut empty, null_mut(), null_mut(), std::ptr::null()),
            SOCKET_ERROR
        );
        assert_eq!(ws2_32::last_error::get(), WSAEINVAL as u32);
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
}
