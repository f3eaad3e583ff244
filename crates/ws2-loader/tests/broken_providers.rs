//! The deliberately broken providers of examples/providers/broken (issue 7), each installed as a
//! layered provider over the real base provider (libws2_base.so) in this process's private
//! catalog, ordered first, and driven through the client API with the provider verifier on
//! (docs/verifier.md): each test asserts the diagnosis its example's header comment promises
//! (call, provider, socket), or for the providers the loader refuses the error the application
//! sees. Each example is also checked as Windows C with the mingw-w64 cross compiler (required
//! when `WS2EMU_REQUIRE_MINGW` is set). Its own process: the catalog, WSAStartup and the verifier
//! switch are process-wide; the tests take `LOCK`.
#![allow(unsafe_code)] // the exports are `unsafe extern "system"` functions

mod over_base;
mod provider_kit;

use over_base::*;
use provider_kit::*;
use std::path::PathBuf;
use std::process::Command;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use ws2_32::client::*;
use ws2_32::kernel32::{CloseHandle, CreateIoCompletionPort, GetQueuedCompletionStatus, SleepEx};
use ws2_abi::*;
use ws2_core::catalog::store;
use ws2_core::verifier::{self, Diagnostic};

static LOCK: Mutex<()> = Mutex::new(());

/// A bound on waits that should end at once (a failure, never a pacing device).
const LONG_MS: u32 = 10_000;

fn examples() -> PathBuf {
    repo().join("examples/providers/broken")
}

/// Builds one example as the provider kit builds the samples (C11, -Wall -Wextra -Werror).
fn build(source: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("broken-providers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let out = dir.join(format!("lib{}.so", source.trim_end_matches(".c")));
    let status = Command::new("gcc")
        .args([
            "-std=c11", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror",
        ])
        .args([
            "-fvisibility=hidden",
            "-fshort-wchar",
            "-Wno-unknown-pragmas",
            "-I",
        ])
        .arg(repo().join("shims/include"))
        .arg(examples().join(source))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("run gcc");
    assert!(status.success(), "gcc failed for {source}");
    out
}

/// Builds `source` and installs it as a layered provider with a chain [it, base 1001] named
/// `name`, ordered first (as an LSP installer does); turns the verifier on with an empty list.
fn install_first(source: &str, name: &str, n: u32, ifs: bool) {
    check_mingw(&format!("broken/{source}"));
    build_base_provider();
    std::env::set_var("WS2EMU_LIBDIR", profile_dir());
    keep_exports();
    let path = wide(build(source).to_str().unwrap());
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
    if !ifs {
        // A non-IFS layer's handles are not IFS handles (spec 5.4).
        chain.dwServiceFlags1 &= !XP1_IFS_HANDLES;
    }
    chain.szProtocol = [0; 256];
    for (slot, c) in chain.szProtocol.iter_mut().zip(name.encode_utf16()) {
        *slot = c;
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
    // A test that failed half-way left WSAStartup unbalanced, and with it the catalog snapshot
    // of its own run: start from no WSAStartup at all.
    while ws2_32::winsock::WSACleanup() == 0 {}
    verifier::set_enabled(true);
    verifier::clear();
}

/// The diagnostics naming `provider` whose call is `call`.
fn of(provider: &str, call: &str) -> Vec<Diagnostic> {
    verifier::diagnostics()
        .into_iter()
        .filter(|d| d.provider == provider && d.call == call)
        .collect()
}

/// Checks the fixed parts of one diagnostic line.
fn assert_line(d: &Diagnostic, provider: &str, socket: Option<SOCKET>, call: &str, what: &str) {
    let socket_part = socket.map_or(String::new(), |s| format!("socket {s:#x}: "));
    let head = format!("ws2emu verifier: {provider}: {socket_part}{call}: ");
    assert!(
        d.line.starts_with(&head),
        "{:?} does not start with {head:?}",
        d.line
    );
    assert!(d.line.contains(what), "{:?} does not say {what:?}", d.line);
    assert_eq!(d.socket, socket, "{}", d.line);
}

static ROUTINE_CALLS: AtomicU32 = AtomicU32::new(0);

unsafe extern "system" fn completion_routine(_: DWORD, _: DWORD, _: LPWSAOVERLAPPED, _: DWORD) {
    ROUTINE_CALLS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn broken_leak_is_told_what_is_still_open_at_wsp_cleanup() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    const NAME: &str = "Broken LSP leak";
    install_first("broken_leak.c", NAME, 200, false);
    // SAFETY: every call passes valid pointers to locals that outlive it.
    let sockets = unsafe {
        startup();
        let (listener, client, server) = connected_pair();
        assert!(
            of(NAME, "WSPCleanup").is_empty(),
            "nothing before WSPCleanup"
        );
        close_all([server, client, listener]);
        let mut sockets = vec![listener, client, server];
        sockets.sort_unstable();
        sockets
    };
    let leaks = of(NAME, "WSPCleanup");
    assert_eq!(
        verifier::diagnostics().len(),
        leaks.len(),
        "only the leaks: {:#?}",
        verifier::diagnostics()
    );
    // The three sockets (closesocket never called WPUCloseSocketHandle) ...
    let mut leaked: Vec<usize> = leaks.iter().filter_map(|d| d.socket).collect();
    leaked.sort_unstable();
    assert_eq!(leaked, sockets, "{leaks:#?}");
    for d in leaks.iter().filter(|d| d.socket.is_some()) {
        assert_line(
            d,
            NAME,
            d.socket,
            "WSPCleanup",
            &format!(
                "socket handle {:#x} is still open when WSPCleanup returns (never passed to \
                 WPUCloseSocketHandle)",
                d.socket.unwrap()
            ),
        );
    }
    // ... the event and thread id WSPSocket made for each of the two sockets it created, and
    // the event of each socket's context (never freed either).
    let events: Vec<_> = leaks
        .iter()
        .filter(|d| d.line.contains(": event 0x"))
        .collect();
    let threads: Vec<_> = leaks
        .iter()
        .filter(|d| d.line.contains(": thread id 0x"))
        .collect();
    assert_eq!((events.len(), threads.len()), (2 + 3, 2), "{leaks:#?}");
    for d in events {
        assert_line(
            d,
            NAME,
            None,
            "WSPCleanup",
            "(never passed to WPUCloseEvent)",
        );
    }
    for d in threads {
        assert_line(
            d,
            NAME,
            None,
            "WSPCleanup",
            "(never passed to WPUCloseThread)",
        );
    }
    assert_eq!(leaks.len(), 10, "{leaks:#?}");
    verifier::set_enabled(false);
}

#[test]
fn broken_close_twice_is_caught_at_the_second_wpu_close_socket_handle() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    const NAME: &str = "Broken LSP close twice";
    install_first("broken_close_twice.c", NAME, 210, false);
    // SAFETY: as above.
    unsafe {
        startup();
        let (listener, client, server) = connected_pair();
        assert!(of(NAME, "WPUCloseSocketHandle").is_empty());
        assert_eq!(closesocket(client), 0, "closesocket: {}", last_error());
        let seen = of(NAME, "WPUCloseSocketHandle");
        assert_eq!(seen.len(), 1, "{:#?}", verifier::diagnostics());
        assert_line(
            &seen[0],
            NAME,
            Some(client),
            "WPUCloseSocketHandle",
            "handle closed twice (it was already closed)",
        );
        assert!(seen[0].line.contains("WSAENOTSOCK"), "{}", seen[0].line);
        assert_eq!(closesocket(server), 0);
        assert_eq!(closesocket(listener), 0);
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
    let all = verifier::diagnostics();
    assert_eq!(all.len(), 3, "one per closesocket, nothing else: {all:#?}");
    assert!(all.iter().all(|d| d.provider == NAME
        && d.call == "WPUCloseSocketHandle"
        && d.line.contains("closed twice")));
    verifier::set_enabled(false);
}

#[test]
fn broken_complete_twice_is_caught_at_the_second_completion() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    const NAME: &str = "Broken LSP complete twice";
    install_first("broken_complete_twice.c", NAME, 220, false);
    // SAFETY: as above.
    unsafe {
        startup();
        let (listener, client, server) = connected_pair();
        let port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null_mut(), 0, 0);
        assert!(!port.is_null());
        assert_eq!(CreateIoCompletionPort(server as HANDLE, port, 7, 0), port);
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
            None,
        );
        assert_eq!((r, last_error()), (SOCKET_ERROR, WSA_IO_PENDING as u32));
        send_all(client, b"overlap");
        // The port sees the request finish twice; the second packet is posted after the
        // verifier has reported the second completion.
        let ov_address = &mut ov as *mut WSAOVERLAPPED as usize;
        for packet in ["first", "second"] {
            let (mut bytes, mut key) = (0u32, 0usize);
            let mut got: LPOVERLAPPED = null_mut();
            let ok = GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut got, LONG_MS);
            assert_eq!(
                (ok, bytes, key, got as usize),
                (TRUE, 7, 7, ov_address),
                "the {packet} packet"
            );
        }
        assert_eq!(&data[..7], b"overlap");
        CloseHandle(port);
        let seen = of(NAME, "WPUCompleteOverlappedRequest");
        assert_eq!(seen.len(), 1, "{:#?}", verifier::diagnostics());
        assert_line(
            &seen[0],
            NAME,
            Some(server),
            "WPUCompleteOverlappedRequest",
            &format!("request {ov_address:#x} completed twice"),
        );
        close_all([server, client, listener]);
    }
    assert_eq!(
        verifier::diagnostics().len(),
        1,
        "{:#?}",
        verifier::diagnostics()
    );
    verifier::set_enabled(false);
}

#[test]
fn broken_apc_closed_thread_is_caught_at_wpu_queue_apc() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    const NAME: &str = "Broken LSP APC to a closed thread";
    install_first("broken_apc_closed_thread.c", NAME, 230, false);
    // SAFETY: as above.
    unsafe {
        startup();
        let (listener, client, server) = connected_pair();
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
        assert_eq!((r, last_error()), (SOCKET_ERROR, WSA_IO_PENDING as u32));
        send_all(client, b"apc!");
        // The sample's worker queues the routine when the lower receive completes; wait for
        // the report of that WPUQueueApc (bounded: a failure, not pacing).
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(LONG_MS.into());
        while of(NAME, "WPUQueueApc").is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(SleepEx(0, TRUE), 0, "no APC is queued to this thread");
        assert_eq!(
            ROUTINE_CALLS.load(Ordering::SeqCst),
            0,
            "the routine never runs"
        );
        let seen = of(NAME, "WPUQueueApc");
        assert_eq!(seen.len(), 1, "{:#?}", verifier::diagnostics());
        assert_line(
            &seen[0],
            NAME,
            None,
            "WPUQueueApc",
            "which was already closed (WPUCloseThread)",
        );
        assert!(seen[0].line.contains("WSAEFAULT"), "{}", seen[0].line);
        close_all([server, client, listener]);
    }
    assert_eq!(
        verifier::diagnostics().len(),
        1,
        "{:#?}",
        verifier::diagnostics()
    );
    verifier::set_enabled(false);
}

/// The chain entry `install_first` made for `name`.
fn chain_id(name: &str) -> u32 {
    store()
        .load()
        .unwrap()
        .entries()
        .iter()
        .find(|e| verifier::wide_name(&e.info.szProtocol) == name)
        .map(|e| e.id())
        .expect("chain entry")
}

const IFS_NAME: &str = "Broken IFS LSP no WPUModifyIFSHandle";
const IFS_REPORTED_NAME: &str = "Broken IFS LSP no WPUModifyIFSHandle (reported)";

#[test]
fn broken_ifs_no_modify_is_bypassed_for_every_call_after_socket() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    install_first("broken_ifs_no_modify.c", IFS_NAME, 240, true);
    // SAFETY: as above.
    unsafe {
        startup();
        let s = socket(AF_INET, SOCK_STREAM, 0);
        assert_ne!(s, INVALID_SOCKET, "socket: {}", last_error());
        // What goes wrong: the handle stays the base provider's (entry 1001), so ws2emu sends
        // every later call on it to the base provider, past the layer.
        let registered = ws2_core::runtime().socket(s).map(|e| e.catalog_id);
        assert_ne!(chain_id(IFS_NAME), 1001);
        assert_eq!(
            registered,
            Some(1001),
            "registered by the base, not by the layer"
        );
        assert_eq!(closesocket(s), 0);
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
    verifier::set_enabled(false);
}

/// The diagnosis docs/verifier.md promises for an IFS layer that skips WPUModifyIFSHandle: the
/// handle is known to ws2emu, but registered by the lower layer, not by this provider.
#[test]
fn broken_ifs_no_modify_is_reported_at_wsp_socket() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    install_first("broken_ifs_no_modify.c", IFS_REPORTED_NAME, 244, true);
    // SAFETY: as above.
    unsafe {
        startup();
        let s = socket(AF_INET, SOCK_STREAM, 0);
        assert_ne!(s, INVALID_SOCKET, "socket: {}", last_error());
        let seen = of(IFS_REPORTED_NAME, "WSPSocket");
        assert_eq!(seen.len(), 1, "{:#?}", verifier::diagnostics());
        assert_line(
            &seen[0],
            IFS_REPORTED_NAME,
            Some(s),
            "WSPSocket",
            "returned a socket of an IFS provider (XP1_IFS_HANDLES) that was never registered \
             with WPUModifyIFSHandle",
        );
        assert!(
            seen[0].line.contains("bypassing this one"),
            "{}",
            seen[0].line
        );
        assert_eq!(closesocket(s), 0);
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
    verifier::set_enabled(false);
}

#[test]
fn broken_null_slot_is_refused_with_wsaeinvalidproctable() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    install_first("broken_null_slot.c", "Broken LSP NULL slot", 250, false);
    // SAFETY: as above.
    unsafe {
        startup();
        assert_eq!(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
        assert_eq!(last_error(), WSAEINVALIDPROCTABLE as u32, "10104");
        let r = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, null_mut(), 0, 0);
        assert_eq!(
            (r, last_error()),
            (INVALID_SOCKET, WSAEINVALIDPROCTABLE as u32)
        );
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
    assert_eq!(
        verifier::diagnostics().len(),
        0,
        "{:#?}",
        verifier::diagnostics()
    );
    verifier::set_enabled(false);
}

#[test]
fn broken_startup_fails_gives_the_application_wsaeproviderfailedinit() {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    install_first(
        "broken_startup_fails.c",
        "Broken LSP startup fails",
        260,
        false,
    );
    // SAFETY: as above.
    unsafe {
        startup();
        assert_eq!(socket(AF_INET, SOCK_STREAM, 0), INVALID_SOCKET);
        assert_eq!(
            last_error(),
            WSAEPROVIDERFAILEDINIT as u32,
            "10106, not 10091"
        );
        let r = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, null_mut(), 0, 0);
        assert_eq!(
            (r, last_error()),
            (INVALID_SOCKET, WSAEPROVIDERFAILEDINIT as u32)
        );
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    }
    assert_eq!(
        verifier::diagnostics().len(),
        0,
        "{:#?}",
        verifier::diagnostics()
    );
    verifier::set_enabled(false);
}
