//! The provider verifier (docs/verifier.md) against a deliberately misbehaving C provider
//! (tests/verifier_providers/misuse_provider.c): each misuse is reported once, naming the
//! provider, the socket and the upcall, and the calls still return what Windows returns. Its own
//! process: WSAStartup, the catalog view and the verifier switch are process-wide.
#![allow(unsafe_code)] // the exports are `unsafe extern "system"` functions

mod provider_kit;

use std::path::PathBuf;
use std::process::Command;
use ws2_32::client::*;
use ws2_abi::*;
use ws2_core::catalog::{blank_protocol_info, CatalogEntry};
use ws2_core::verifier;

/// Builds one library from tests/verifier_providers, as the provider kit builds its providers.
fn build(out: &str, source: &str, extra: &[&str]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("verifier-providers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let repo = provider_kit::repo();
    let path = dir.join(out);
    let status = Command::new("gcc")
        .args(["-shared", "-fPIC", "-Wall", "-Wextra", "-Werror"])
        .args([
            "-fvisibility=hidden",
            "-fshort-wchar",
            "-Wno-unknown-pragmas",
            "-I",
        ])
        .arg(repo.join("shims/include"))
        .args(extra)
        .arg(repo.join("tests/verifier_providers").join(source))
        .arg("-o")
        .arg(&path)
        .status()
        .expect("run gcc");
    assert!(status.success(), "gcc failed for {out}");
    path
}

/// Pushes a TCP base entry named `name` for the library at `path`; returns its protocol info.
fn push(n: u32, name: &str, path: &std::path::Path, flags: u32) -> WSAPROTOCOL_INFOW {
    let mut info = blank_protocol_info();
    info.ProviderId = provider_kit::guid(n);
    info.ProtocolChain.ChainLen = 1;
    info.iVersion = 2;
    info.iAddressFamily = AF_INET;
    info.iSocketType = SOCK_STREAM;
    info.iProtocol = IPPROTO_TCP;
    info.dwServiceFlags1 = flags;
    for (slot, c) in info.szProtocol.iter_mut().zip(name.encode_utf16()) {
        *slot = c;
    }
    let id = ws2_core::runtime().catalog_mut().push(CatalogEntry {
        info,
        path: provider_kit::wide(path.to_str().unwrap()),
        lsp_categories: 0,
    });
    *ws2_core::runtime()
        .catalog()
        .by_id(id)
        .map(|e| &e.info)
        .unwrap()
}

/// The diagnostics reported since `from` whose line contains every one of `parts`.
fn reported(from: usize, parts: &[&str]) -> usize {
    verifier::diagnostics()[from..]
        .iter()
        .filter(|d| parts.iter().all(|p| d.line.contains(p)))
        .count()
}

#[test]
fn the_verifier_reports_each_misuse_once() {
    let misuse = build("libverifier_misuse.so", "misuse_provider.c", &[]);
    let ifs = build(
        "libverifier_unregistered.so",
        "misuse_provider.c",
        &["-DUNREGISTERED_IFS"],
    );
    verifier::set_enabled(false);
    verifier::clear();
    // SAFETY: every call below passes valid pointers to locals.
    unsafe {
        let mut data: WSADATA = std::mem::zeroed();
        assert_eq!(ws2_32::winsock::WSAStartup(0x0202, &mut data), 0);
        let mut info = push(90, "Verifier Misuse", &misuse, 0);
        let s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, &mut info, 0, 0);
        assert_ne!(s, !0, "WSASocketW: {}", ws2_32::last_error::get());
        let any = SOCKADDR {
            sa_family: AF_INET as u16,
            sa_data: [0; 14],
        };

        // Off: the same misuse, the same result, nothing reported.
        let before = verifier::count();
        assert_eq!(bind(s, &any, 16), SOCKET_ERROR);
        assert_eq!(ws2_32::last_error::get(), WSASYSCALLFAILURE as u32);
        assert_eq!(verifier::count(), before, "off: no diagnostics");
        assert!(verifier::diagnostics().is_empty());

        verifier::set_enabled(true);
        let socket = format!("socket {s:#x}");
        let provider = "ws2emu verifier: Verifier Misuse: ";

        // Check 4: SOCKET_ERROR without *lpErrno.
        assert_eq!(bind(s, &any, 16), SOCKET_ERROR);
        assert_eq!(ws2_32::last_error::get(), WSASYSCALLFAILURE as u32);
        assert_eq!(
            reported(
                0,
                &[provider, &socket, "WSPBind", "without setting *lpErrno"]
            ),
            1,
            "{:#?}",
            verifier::diagnostics()
        );

        // Check 2: one request completed twice (both completions still succeed, as on Windows).
        let mut buf = *b"hi";
        let mut wsabuf = WSABUF {
            len: 2,
            buf: buf.as_mut_ptr().cast(),
        };
        let mut ov: WSAOVERLAPPED = std::mem::zeroed();
        let mut done = 0;
        assert_eq!(WSASend(s, &mut wsabuf, 1, &mut done, 0, &mut ov, None), 0);
        assert_eq!(
            reported(
                0,
                &[
                    provider,
                    &socket,
                    "WPUCompleteOverlappedRequest",
                    "completed twice"
                ]
            ),
            1,
            "{:#?}",
            verifier::diagnostics()
        );

        // Check 2: completion on an IFS handle (still WSAEINVAL).
        let mut flags = 0;
        ov = std::mem::zeroed();
        assert_eq!(
            WSARecv(s, &mut wsabuf, 1, &mut done, &mut flags, &mut ov, None),
            SOCKET_ERROR
        );
        assert_eq!(ws2_32::last_error::get(), WSAEINVAL as u32);
        assert_eq!(
            reported(
                0,
                &[
                    provider,
                    "WPUCompleteOverlappedRequest",
                    "IFS handle",
                    "WSAEINVAL"
                ]
            ),
            1,
            "{:#?}",
            verifier::diagnostics()
        );

        // Check 3: an APC to a closed WSATHREADID (still WSAEFAULT).
        assert_eq!(shutdown(s, SD_BOTH), SOCKET_ERROR);
        assert_eq!(ws2_32::last_error::get(), WSAEFAULT as u32);
        assert_eq!(
            reported(0, &[provider, "WPUQueueApc", "already closed", "WSAEFAULT"]),
            1,
            "{:#?}",
            verifier::diagnostics()
        );

        // Check 1: use after close and a second close, inside WSPCloseSocket.
        assert_eq!(closesocket(s), 0);
        assert_eq!(
            reported(
                0,
                &[
                    provider,
                    &socket,
                    "WPUQuerySocketHandleContext",
                    "used after close"
                ]
            ),
            1,
            "{:#?}",
            verifier::diagnostics()
        );
        assert_eq!(
            reported(
                0,
                &[
                    provider,
                    &socket,
                    "WPUCloseSocketHandle",
                    "closed twice",
                    "WSAENOTSOCK"
                ]
            ),
            1,
            "{:#?}",
            verifier::diagnostics()
        );

        // Check 7: an IFS provider's WSPSocket that never called WPUModifyIFSHandle.
        let mut ifs_info = push(91, "Verifier Unregistered IFS", &ifs, XP1_IFS_HANDLES);
        let fd = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, &mut ifs_info, 0, 0);
        assert_ne!(fd, !0);
        assert_eq!(
            reported(
                0,
                &[
                    "ws2emu verifier: Verifier Unregistered IFS: ",
                    &format!("socket {fd:#x}"),
                    "WSPSocket",
                    "WPUModifyIFSHandle"
                ]
            ),
            1,
            "{:#?}",
            verifier::diagnostics()
        );
        assert_eq!(
            closesocket(fd),
            SOCKET_ERROR,
            "ws2_32 does not know the handle"
        );
        assert_eq!(ws2_32::last_error::get(), WSAENOTSOCK as u32);

        // Check 6: a provider that kept &UpcallTable; its upcalls keep working.
        let kept_lib = build(
            "libverifier_kept_table.so",
            "misuse_provider.c",
            &["-DKEEP_POINTER"],
        );
        let mut kept_info = push(92, "Verifier Kept Table", &kept_lib, 0);
        let k = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, &mut kept_info, 0, 0);
        assert_ne!(
            k,
            !0,
            "the trampolines forward: {}",
            ws2_32::last_error::get()
        );
        assert!(ws2_core::runtime().created_socket(k).is_some());
        assert_eq!(
            reported(
                0,
                &[
                    "ws2emu verifier: Verifier Kept Table: ",
                    "WPUCreateEvent",
                    "kept &UpcallTable"
                ]
            ),
            1,
            "{:#?}",
            verifier::diagnostics()
        );
        assert_eq!(
            reported(0, &["kept &UpcallTable"]),
            1,
            "once per provider, never for the providers that copied the table"
        );

        // Check 5: what WSPSocket leaks (an event, a thread id) and a socket never closed, at
        // WSPCleanup (objects made while the verifier was off are not tracked).
        let kept = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, &mut info, 0, 0);
        assert_ne!(kept, !0);
        let at_cleanup = verifier::diagnostics().len();
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
        let leaks: Vec<_> = verifier::diagnostics()[at_cleanup..]
            .iter()
            .filter(|d| d.provider == "Verifier Misuse")
            .cloned()
            .collect();
        assert_eq!(leaks.len(), 3, "{leaks:#?}");
        assert!(leaks.iter().all(|d| d.line.starts_with(provider)
            && d.call == "WSPCleanup"
            && d.line.contains("still open when WSPCleanup returns")));
        assert!(leaks.iter().any(|d| d.line.contains("event 0x")));
        assert!(leaks.iter().any(|d| d.line.contains("thread id 0x")));
        assert!(leaks.iter().any(
            |d| d.socket == Some(kept) && d.line.contains(&format!("socket handle {kept:#x}"))
        ));
        verifier::set_enabled(false);
    }
}
