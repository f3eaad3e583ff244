//! The sample providers of examples/providers (issue 7), each installed over the real base
//! provider (libws2_base.so) in this process's private catalog, ordered first, and driven
//! through the client API: a blocking TCP echo, an overlapped WSARecv with an event, one with a
//! completion routine drained by an alertable SleepEx, WSAAsyncSelect FD_READ through a message
//! loop, and select(). The samples' own counters, read with a private getsockopt level, show the
//! calls went through them (for the non-IFS sample: its per-socket context). The non-IFS sample
//! also hands out AcceptEx/ConnectEx of its own, which an AcceptEx/ConnectEx pair goes through.
//!
//! Each sample is also checked as Windows C with the mingw-w64 cross compiler (required when
//! `WS2EMU_REQUIRE_MINGW` is set, as in tests/conformance). Its own process: the catalog snapshot
//! and WSAStartup are process-wide; the tests take `LOCK`.
#![allow(unsafe_code)] // the exports are `unsafe extern "system"` functions

mod over_base;
mod provider_kit;

use over_base::*;
use provider_kit::*;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use ws2_32::client::*;
use ws2_32::kernel32::{CloseHandle, CreateEventW, SleepEx, WaitForSingleObject};
use ws2_32::user32::*;
use ws2_abi::*;
use ws2_core::catalog::store;

static LOCK: Mutex<()> = Mutex::new(());

/// A bound on waits that should end at once (a failure, never a pacing device).
const LONG_MS: u32 = 10_000;

/// Installs `file` as a layered provider and a chain [it, base 1001] copying the base entry,
/// ordered first (as an LSP installer does).
fn install_first(file: &str, n: u32) {
    let path = wide(provider(file).to_str().unwrap());
    let mut layered = ws2_core::catalog::blank_protocol_info();
    layered.ProtocolChain.ChainLen = 0;
    layered.iVersion = 2;
    let layered_id = store().install(&guid(n), &path, &[layered]).unwrap()[0];
    let mut chain = *store()
        .load()
        .unwrap()
        .by_id(1001)
        .map(|e| &e.info)
        .unwrap();
    chain.ProtocolChain.ChainLen = 2;
    chain.ProtocolChain.ChainEntries = [layered_id, 1001, 0, 0, 0, 0, 0];
    if file == "libsample_lsp.so" {
        // A non-IFS layer's handles are not IFS handles (spec 5.4).
        chain.dwServiceFlags1 &= !XP1_IFS_HANDLES;
    }
    let chain_id = store().install(&guid(n + 1), &path, &[chain]).unwrap()[0];
    let mut order = vec![chain_id, layered_id];
    order.extend(
        store()
            .load()
            .unwrap()
            .entries()
            .iter()
            .map(|e| e.id())
            .filter(|id| *id != chain_id && *id != layered_id),
    );
    store().write_order(&order).unwrap();
}

static ROUTINE_CALLS: AtomicU32 = AtomicU32::new(0);
static ROUTINE_RESULT: AtomicU32 = AtomicU32::new(u32::MAX);
static ROUTINE_BYTES: AtomicU32 = AtomicU32::new(u32::MAX);

unsafe extern "system" fn completion_routine(
    error: DWORD,
    bytes: DWORD,
    _ov: LPWSAOVERLAPPED,
    _flags: DWORD,
) {
    ROUTINE_RESULT.store(error, Ordering::SeqCst);
    ROUTINE_BYTES.store(bytes, Ordering::SeqCst);
    ROUTINE_CALLS.fetch_add(1, Ordering::SeqCst);
}

/// A message-only window of the calling thread (DefWindowProcW).
fn message_window(name: &str) -> HWND {
    let name: Vec<u16> = name.encode_utf16().chain([0]).collect();
    let class = WNDCLASSEXW {
        cbSize: std::mem::size_of::<WNDCLASSEXW>() as UINT,
        style: 0,
        lpfnWndProc: Some(DefWindowProcW),
        cbClsExtra: 0,
        cbWndExtra: 0,
        hInstance: null_mut(),
        hIcon: null_mut(),
        hCursor: null_mut(),
        hbrBackground: null_mut(),
        lpszMenuName: null(),
        lpszClassName: name.as_ptr(),
        hIconSm: null_mut(),
    };
    // SAFETY: a valid class and NUL-terminated strings.
    unsafe {
        assert_ne!(RegisterClassExW(&class), 0);
        let hwnd = CreateWindowExW(
            0,
            name.as_ptr(),
            null(),
            0,
            0,
            0,
            0,
            0,
            HWND_MESSAGE,
            null_mut(),
            null_mut(),
            null_mut(),
        );
        assert!(!hwnd.is_null());
        hwnd
    }
}

/// The whole client-side run through whichever sample is first in the catalog. Returns the
/// (client, server) sockets still open, for the caller's counter checks, and the listener.
unsafe fn exercise(name: &str) -> (SOCKET, SOCKET, SOCKET) {
    unsafe {
        let (listener, client, server) = connected_pair();

        // 1. Blocking echo.
        send_all(client, b"hello");
        let mut buf = [0u8; 16];
        assert_eq!(recv(server, buf.as_mut_ptr().cast(), 16, 0), 5);
        assert_eq!(&buf[..5], b"hello");
        send_all(server, &buf[..5]);
        let mut echo = [0u8; 16];
        assert_eq!(recv(client, echo.as_mut_ptr().cast(), 16, 0), 5);
        assert_eq!(&echo[..5], b"hello");

        // 2. Overlapped WSARecv with an event, completed after the data arrives.
        let event = CreateEventW(null_mut(), TRUE, FALSE, null());
        assert!(!event.is_null());
        let mut ov = overlapped(event);
        let mut data = [0u8; 16];
        let mut wsabuf = WSABUF {
            len: 16,
            buf: data.as_mut_ptr().cast(),
        };
        let (mut received, mut flags) = (0u32, 0u32);
        let r = WSARecv(
            server,
            &mut wsabuf,
            1,
            &mut received,
            &mut flags,
            &mut ov,
            None,
        );
        assert!(
            r == 0 || last_error() == WSA_IO_PENDING as u32,
            "WSARecv(event): {r} {}",
            last_error()
        );
        send_all(client, b"overlap");
        assert_eq!(WaitForSingleObject(event, LONG_MS), WAIT_OBJECT_0);
        let (mut bytes, mut out_flags) = (0u32, 0u32);
        assert_eq!(
            WSAGetOverlappedResult(server, &mut ov, &mut bytes, FALSE, &mut out_flags),
            TRUE,
            "WSAGetOverlappedResult: {}",
            last_error()
        );
        assert_eq!(bytes, 7);
        assert_eq!(&data[..7], b"overlap");
        assert_eq!(ov.InternalHigh, 7, "InternalHigh carries the byte count");
        CloseHandle(event);

        // 3. Overlapped WSARecv with a completion routine, run by an alertable SleepEx.
        ROUTINE_CALLS.store(0, Ordering::SeqCst);
        let mut ov = overlapped(null_mut());
        let mut data = [0u8; 16];
        let mut wsabuf = WSABUF {
            len: 16,
            buf: data.as_mut_ptr().cast(),
        };
        let mut flags = 0u32;
        let r = WSARecv(
            server,
            &mut wsabuf,
            1,
            null_mut(),
            &mut flags,
            &mut ov,
            Some(completion_routine),
        );
        assert!(
            r == 0 || last_error() == WSA_IO_PENDING as u32,
            "WSARecv(routine): {r} {}",
            last_error()
        );
        send_all(client, b"apc!");
        let mut woke = 0;
        while ROUTINE_CALLS.load(Ordering::SeqCst) == 0 && woke < 100 {
            assert_eq!(
                SleepEx(LONG_MS, TRUE),
                WAIT_IO_COMPLETION,
                "{name}: no completion routine"
            );
            woke += 1;
        }
        assert_eq!(ROUTINE_CALLS.load(Ordering::SeqCst), 1);
        assert_eq!(ROUTINE_RESULT.load(Ordering::SeqCst), 0);
        assert_eq!(ROUTINE_BYTES.load(Ordering::SeqCst), 4);
        assert_eq!(&data[..4], b"apc!");

        // 4. WSAAsyncSelect FD_READ through a message loop (this thread's queue).
        let hwnd = message_window(&format!("sample_{name}"));
        const WM_SOCKET: UINT = WM_USER + 1;
        assert_eq!(
            WSAAsyncSelect(server, hwnd, WM_SOCKET, FD_READ),
            0,
            "WSAAsyncSelect: {}",
            last_error()
        );
        send_all(client, b"msg");
        let mut msg: MSG = std::mem::zeroed();
        loop {
            assert_eq!(
                MsgWaitForMultipleObjects(0, null(), FALSE, LONG_MS, QS_ALLINPUT),
                WAIT_OBJECT_0,
                "{name}: no FD_READ message"
            );
            if PeekMessageW(&mut msg, null_mut(), 0, 0, PM_REMOVE) != FALSE
                && msg.message == WM_SOCKET
            {
                break;
            }
        }
        assert_eq!(msg.hwnd, hwnd);
        assert_eq!(msg.wParam, server, "wParam is the application's handle");
        assert_eq!(
            msg.lParam as u32 & 0xFFFF,
            FD_READ as u32,
            "WSAGETSELECTEVENT"
        );
        assert_eq!(msg.lParam as u32 >> 16, 0, "WSAGETSELECTERROR");
        let mut buf = [0u8; 8];
        assert_eq!(recv(server, buf.as_mut_ptr().cast(), 8, 0), 3);
        assert_eq!(&buf[..3], b"msg");
        assert_eq!(WSAAsyncSelect(server, hwnd, 0, 0), 0);
        DestroyWindow(hwnd);

        // 5. select(): readable only once data is there.
        let mut set = fd_set {
            fd_count: 1,
            fd_array: [0; FD_SETSIZE],
        };
        set.fd_array[0] = client;
        let zero = TIMEVAL {
            tv_sec: 0,
            tv_usec: 0,
        };
        assert_eq!(select(0, &mut set, null_mut(), null_mut(), &zero), 0);
        assert_eq!(set.fd_count, 0);
        send_all(server, b"sel");
        set.fd_count = 1;
        set.fd_array[0] = client;
        let long = TIMEVAL {
            tv_sec: 10,
            tv_usec: 0,
        };
        assert_eq!(select(0, &mut set, null_mut(), null_mut(), &long), 1);
        assert_eq!((set.fd_count, set.fd_array[0]), (1, client));
        let mut buf = [0u8; 8];
        assert_eq!(recv(client, buf.as_mut_ptr().cast(), 8, 0), 3);
        assert_eq!(&buf[..3], b"sel");

        (listener, client, server)
    }
}

fn prepare(file: &str, source: &str, n: u32) {
    check_mingw(source);
    build_base_provider();
    std::env::set_var("WS2EMU_LIBDIR", profile_dir());
    keep_exports();
    install_first(file, n);
}

#[test]
fn the_non_ifs_sample_lsp_carries_tcp_through_its_socket_contexts() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    prepare("libsample_lsp.so", "sample_lsp.c", 80);
    // SAFETY: every call passes valid pointers to locals that outlive it.
    unsafe {
        startup();
        let (listener, client, server) = exercise("lsp");
        // Per-socket byte counters of the sample's context: client sent 5+7+4+3, received 5+3;
        // server sent 5+3, received 5+7+4+3.
        let read_counts = |s: SOCKET| {
            let mut counts = [0u64; 2];
            let mut len = 16;
            let r = getsockopt(s, 0x5350, 1, counts.as_mut_ptr().cast(), &mut len);
            assert_eq!(
                (r, len),
                (0, 16),
                "getsockopt(SAMPLE_LSP_BYTES): {}",
                last_error()
            );
            counts
        };
        assert_eq!(read_counts(client), [19, 8], "client [sent, received]");
        assert_eq!(read_counts(server), [8, 19], "server [sent, received]");
        // The handles are the sample's own (WPUCreateSocketHandle), not the base's: the base
        // provider does not know the private level.
        let mut counts = [0u64; 2];
        let mut len = 8;
        assert_eq!(
            getsockopt(client, 0x5350, 1, counts.as_mut_ptr().cast(), &mut len),
            SOCKET_ERROR
        );
        assert_eq!(last_error(), WSAEFAULT as u32, "too small a buffer");
        close_all([server, client, listener]);
    }
}

/// The extension function `id` of `s` (SIO_GET_EXTENSION_FUNCTION_POINTER), or the error.
unsafe fn extension_function(s: SOCKET, mut id: GUID) -> Result<usize, u32> {
    let (mut pointer, mut returned) = (0usize, 0u32);
    // SAFETY: the GUID and the pointer buffer with their sizes.
    let r = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&mut id as *mut GUID).cast(),
            16,
            (&mut pointer as *mut usize).cast(),
            8,
            &mut returned,
            null_mut(),
            None,
        )
    };
    if r != 0 {
        return Err(last_error());
    }
    assert_eq!(returned, 8);
    Ok(pointer)
}

/// Only TCP sockets, all through the sample: the base provider is started by the sample alone
/// (LoadLibraryW + WSPStartup), never by ws2emu's loader, so it has no host table and must still
/// report WSA_IO_PENDING from its AcceptEx (else the sample never watches the request).
#[test]
fn the_non_ifs_sample_lsp_hands_out_its_own_accept_ex_and_connect_ex() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    prepare("libsample_lsp.so", "sample_lsp.c", 100);
    // SAFETY: every call passes valid pointers to locals that outlive it; the requests are
    // waited for before their buffers and OVERLAPPEDs go out of scope.
    unsafe {
        startup();
        let listener = socket(AF_INET, SOCK_STREAM, 0);
        let accepted = socket(AF_INET, SOCK_STREAM, 0);
        let client = socket(AF_INET, SOCK_STREAM, 0);
        assert!([listener, accepted, client]
            .iter()
            .all(|s| *s != INVALID_SOCKET));
        let addr = listen_on_loopback(listener);
        let any = loopback(0);
        assert_eq!(bind(client, (&any as *const SOCKADDR_IN).cast(), 16), 0);

        let accept_ex = extension_function(listener, WSAID_ACCEPTEX).expect("AcceptEx");
        let connect_ex = extension_function(client, WSAID_CONNECTEX).expect("ConnectEx");
        let sockaddrs =
            extension_function(listener, WSAID_GETACCEPTEXSOCKADDRS).expect("GetAcceptExSockaddrs");
        // A function that would take the sample's handles and that it does not proxy.
        assert_eq!(
            extension_function(client, WSAID_TRANSMITFILE),
            Err(WSAEINVAL as u32)
        );
        let accept_ex: LPFN_ACCEPTEX = std::mem::transmute::<usize, LPFN_ACCEPTEX>(accept_ex);
        let connect_ex: LPFN_CONNECTEX = std::mem::transmute::<usize, LPFN_CONNECTEX>(connect_ex);
        let sockaddrs: LPFN_GETACCEPTEXSOCKADDRS =
            std::mem::transmute::<usize, LPFN_GETACCEPTEXSOCKADDRS>(sockaddrs);
        let (accept_ex, connect_ex, sockaddrs) =
            (accept_ex.unwrap(), connect_ex.unwrap(), sockaddrs.unwrap());

        // Not one of the sample's handles: the sample's own AcceptEx says so.
        let mut scratch = [0u8; 64];
        let mut ov = overlapped(null_mut());
        let mut got = 0u32;
        let forged = listener ^ 0x40;
        assert_eq!(
            accept_ex(
                forged,
                accepted,
                scratch.as_mut_ptr().cast(),
                0,
                32,
                32,
                &mut got,
                &mut ov
            ),
            FALSE
        );
        assert_eq!(
            last_error(),
            WSAENOTSOCK as u32,
            "AcceptEx(forged listener)"
        );

        // AcceptEx without a first block (as the conformance suite) and ConnectEx with one.
        let accept_event = CreateEventW(null_mut(), TRUE, FALSE, null());
        let connect_event = CreateEventW(null_mut(), TRUE, FALSE, null());
        let mut accept_ov = overlapped(accept_event);
        let mut connect_ov = overlapped(connect_event);
        let mut out = [0u8; 2 * 44];
        let r = accept_ex(
            listener,
            accepted,
            out.as_mut_ptr().cast(),
            0,
            44,
            44,
            &mut got,
            &mut accept_ov,
        );
        assert!(
            r == FALSE && last_error() == WSA_IO_PENDING as u32,
            "AcceptEx: {r} {}",
            last_error()
        );
        let mut hello = *b"hello ex";
        let mut sent = 0u32;
        let r = connect_ex(
            client,
            (&addr as *const SOCKADDR_IN).cast(),
            16,
            hello.as_mut_ptr().cast(),
            8,
            &mut sent,
            &mut connect_ov,
        );
        assert!(
            r == TRUE || last_error() == WSA_IO_PENDING as u32,
            "ConnectEx: {r} {}",
            last_error()
        );
        assert_eq!(WaitForSingleObject(connect_event, LONG_MS), WAIT_OBJECT_0);
        assert_eq!(WaitForSingleObject(accept_event, LONG_MS), WAIT_OBJECT_0);
        let (mut bytes, mut flags) = (0u32, 0u32);
        assert_eq!(
            WSAGetOverlappedResult(client, &mut connect_ov, &mut bytes, FALSE, &mut flags),
            TRUE,
            "ConnectEx result: {}",
            last_error()
        );
        assert_eq!(bytes, 8, "ConnectEx sent the first block");
        assert_eq!(
            WSAGetOverlappedResult(listener, &mut accept_ov, &mut bytes, FALSE, &mut flags),
            TRUE,
            "AcceptEx result: {}",
            last_error()
        );
        assert_eq!(bytes, 0, "AcceptEx without a first block");
        // The lower layer's GetAcceptExSockaddrs reads the buffer the lower AcceptEx wrote.
        let (mut local, mut remote) = (null_mut::<SOCKADDR>(), null_mut::<SOCKADDR>());
        let (mut local_len, mut remote_len) = (0, 0);
        sockaddrs(
            out.as_mut_ptr().cast(),
            0,
            44,
            44,
            &mut local,
            &mut local_len,
            &mut remote,
            &mut remote_len,
        );
        assert_eq!((local_len, remote_len), (16, 16));
        let mut client_addr = loopback(0);
        let mut len = 16;
        assert_eq!(
            getsockname(
                client,
                (&mut client_addr as *mut SOCKADDR_IN).cast(),
                &mut len
            ),
            0
        );
        assert_eq!(
            (*remote.cast::<SOCKADDR_IN>()).sin_port,
            client_addr.sin_port
        );
        assert_eq!((*local.cast::<SOCKADDR_IN>()).sin_port, addr.sin_port);

        // SO_UPDATE_ACCEPT_CONTEXT names the listener by the sample's handle, which it maps.
        assert_eq!(
            setsockopt(
                accepted,
                SOL_SOCKET,
                SO_UPDATE_ACCEPT_CONTEXT,
                (&listener as *const SOCKET).cast(),
                8
            ),
            0,
            "setsockopt(SO_UPDATE_ACCEPT_CONTEXT): {}",
            last_error()
        );
        let forged_listener = forged;
        assert_eq!(
            setsockopt(
                accepted,
                SOL_SOCKET,
                SO_UPDATE_ACCEPT_CONTEXT,
                (&forged_listener as *const SOCKET).cast(),
                8
            ),
            SOCKET_ERROR
        );
        assert_eq!(last_error(), WSAENOTSOCK as u32, "a forged listener handle");

        // The accepted socket receives the ConnectEx block and echoes it through the sample.
        let mut buf = [0u8; 16];
        assert_eq!(recv(accepted, buf.as_mut_ptr().cast(), 16, 0), 8);
        assert_eq!(&buf[..8], b"hello ex");
        send_all(accepted, &buf[..8]);
        let mut echo = [0u8; 16];
        assert_eq!(recv(client, echo.as_mut_ptr().cast(), 16, 0), 8);
        assert_eq!(&echo[..8], b"hello ex");
        let mut peer = loopback(0);
        let mut len = 16;
        assert_eq!(
            getpeername(accepted, (&mut peer as *mut SOCKADDR_IN).cast(), &mut len),
            0
        );
        assert_eq!(peer.sin_port, client_addr.sin_port);

        // The sample's counters saw the proxied ConnectEx (8 bytes sent by the client, counted
        // when the sample's worker completed it) and the echo.
        let read_counts = |s: SOCKET| {
            let mut counts = [0u64; 2];
            let mut len = 16;
            assert_eq!(
                getsockopt(s, 0x5350, 1, counts.as_mut_ptr().cast(), &mut len),
                0,
                "getsockopt(SAMPLE_LSP_BYTES): {}",
                last_error()
            );
            counts
        };
        assert_eq!(read_counts(accepted), [8, 8], "accepted [sent, received]");
        assert_eq!(read_counts(client), [8, 8], "client [sent, received]");
        CloseHandle(accept_event);
        CloseHandle(connect_event);
        close_all([accepted, client, listener]);
    }
}

#[test]
fn the_ifs_sample_lsp_returns_the_base_handles_registered_as_its_own() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    prepare("libsample_ifs_lsp.so", "sample_ifs_lsp.c", 90);
    // SAFETY: as above.
    unsafe {
        startup();
        let (listener, client, server) = exercise("ifs");
        let mut counters = [0i32; 3];
        let mut len = 12;
        assert_eq!(
            getsockopt(client, 0x5349, 1, counters.as_mut_ptr().cast(), &mut len),
            0,
            "getsockopt(SAMPLE_IFS_COUNTERS): {}",
            last_error()
        );
        // Three sockets registered with WPUModifyIFSHandle (listener, client, accepted);
        // sends: 4 by the client + 2 by the server; receives: 2 by the client + 4 by the server
        // (two of them overlapped).
        assert_eq!(counters, [3, 6, 6], "[registered, WSPSend, WSPRecv]");
        close_all([server, client, listener]);
    }
}
