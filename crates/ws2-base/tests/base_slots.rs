//! The permanently unsupported slots return their documented errors; only WSPStartup and the
//! ws2emu host hook `ws2emu_attach_host` are exported.
#![allow(unsafe_code)] // calls the slots through raw C function pointers

mod base_common;
use base_common::*;
use std::ptr::{null, null_mut};
use ws2_abi::*;

#[test]
fn all_slots_are_filled() {
    let t = provider().t;
    // SAFETY: WSPPROC_TABLE is 30 pointer-sized Option<fn> fields.
    let slots: [usize; 30] = unsafe { std::mem::transmute(t) };
    assert!(slots.iter().all(|&s| s != 0));
}

#[test]
fn only_wspstartup_is_exported() {
    let out = std::process::Command::new("nm")
        .args(["-D", "--defined-only", "--format=just-symbols"])
        .arg(library_path())
        .output()
        .expect("nm (binutils) is installed by ci/setup.sh");
    assert!(out.status.success());
    let symbols: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        symbols,
        ["WSPStartup", "ws2emu_attach_host", "ws2emu_cancel_io"]
    );
}

#[test]
fn unsupported_slots_and_argument_errors() {
    let p = provider();
    let t = p.t;
    let s = p.socket(UDP4).unwrap();
    p.bind(s, &v4(LOOP4, 0)).unwrap();
    let mut e = 0;
    let mut ov = OVERLAPPED {
        Internal: 0,
        InternalHigh: 0,
        Offset: 0,
        OffsetHigh: 0,
        hEvent: null_mut(),
    };
    let mut data = [0u8; 4];
    let mut buf = WSABUF {
        len: 4,
        buf: data.as_mut_ptr().cast(),
    };
    let (mut n, mut flags) = (0u32, 0u32);
    let mut events = WSANETWORKEVENTS {
        lNetworkEvents: 0,
        iErrorCode: [0; 10],
    };
    let to = p.sockname(s).unwrap();
    // SAFETY: valid pointers throughout.
    unsafe {
        let check = |r: i32, e: &mut i32, code: i32, what: &str| {
            assert_eq!((r, *e), (SOCKET_ERROR, code), "{what}");
            *e = 0;
        };
        // The asynchronous slots' argument errors (their behaviour: base_notify.rs,
        // base_overlapped.rs).
        check(
            t.lpWSPAsyncSelect.unwrap()(s, null_mut(), 0x401, FD_READ, &mut e),
            &mut e,
            WSAEINVAL,
            "WSPAsyncSelect without a window",
        );
        check(
            t.lpWSPEventSelect.unwrap()(s, null_mut(), FD_READ, &mut e),
            &mut e,
            WSAEINVAL,
            "WSPEventSelect without an event",
        );
        check(
            t.lpWSPEnumNetworkEvents.unwrap()(s, null_mut(), null_mut(), &mut e),
            &mut e,
            WSAEFAULT,
            "WSPEnumNetworkEvents without an output",
        );
        assert_eq!(
            t.lpWSPEnumNetworkEvents.unwrap()(s, null_mut(), &mut events, &mut e),
            0
        );
        assert_eq!(events.lNetworkEvents, 0);
        check(
            t.lpWSPDuplicateSocket.unwrap()(s, std::process::id(), null_mut(), &mut e),
            &mut e,
            WSAEFAULT,
            "WSPDuplicateSocket without an output",
        );
        let r =
            t.lpWSPGetOverlappedResult.unwrap()(s, null_mut(), &mut n, FALSE, &mut flags, &mut e);
        assert_eq!(
            (r, e),
            (FALSE, WSAEFAULT),
            "WSPGetOverlappedResult without an overlapped"
        );
        e = 0;
        check(
            t.lpWSPRecv.unwrap()(
                s,
                &mut buf,
                1,
                &mut n,
                null_mut(),
                &mut ov,
                None,
                null_mut(),
                &mut e,
            ),
            &mut e,
            WSAEFAULT,
            "overlapped WSPRecv without lpFlags",
        );
        // Permanently unsupported.
        let r = t.lpWSPJoinLeaf.unwrap()(
            s,
            to.ptr(),
            to.len,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            JL_BOTH,
            &mut e,
        );
        assert_eq!((r, e), (INVALID_SOCKET, WSAEOPNOTSUPP), "WSPJoinLeaf");
        e = 0;
        let r = t.lpWSPGetQOSByName.unwrap()(s, &mut buf, null_mut(), &mut e);
        assert_eq!((r, e), (FALSE, WSAEINVAL), "WSPGetQOSByName");
        e = 0;
        check(
            t.lpWSPCancelBlockingCall.unwrap()(&mut e),
            &mut e,
            WSAEOPNOTSUPP,
            "WSPCancelBlockingCall",
        );
        // A socket that is not ours is WSAENOTSOCK first.
        check(
            t.lpWSPEventSelect.unwrap()(0x7fff_fff0, null_mut(), FD_READ, &mut e),
            &mut e,
            WSAENOTSOCK,
            "foreign socket",
        );
        // A NULL lpErrno is never written.
        assert_eq!(t.lpWSPCancelBlockingCall.unwrap()(null_mut()), SOCKET_ERROR);
    }
    let _ = null::<u8>();
    // The socket still works after all that.
    assert_eq!(p.send_to(s, b"ok", &to), Ok(2));
    assert_eq!(p.recv(s, 4).unwrap(), b"ok");
    p.close(s).unwrap();
}
