//! A layered provider over the built-in base provider (issue 4: "layered providers load their
//! lower layer the Windows way ... and that works for the built-in base provider too"): the
//! chain is installed with the catalog API and ordered first, `socket()` picks it, the loader
//! starts the LSP, and the LSP loads libws2_base.so through WPUGetProviderPath,
//! ExpandEnvironmentStringsW (%WS2EMU_LIBDIR%), LoadLibraryW and GetProcAddress. A TCP echo then
//! runs through the chain. Its own process: the catalog snapshot and WSAStartup are
//! process-wide.
#![allow(unsafe_code)] // the exports are `unsafe extern "system"` functions

mod provider_kit;

use provider_kit::*;
use std::process::Command;
use std::ptr::null_mut;
use ws2_32::client::*;
use ws2_abi::*;
use ws2_core::catalog::{blank_protocol_info, store};

/// target/<profile>, where cargo puts libws2_base.so.
fn profile_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf()
}

fn build_base_provider() {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
        .args(profile_dir().ends_with("release").then_some("--release"))
        .status()
        .expect("cargo build -p ws2-base");
    assert!(status.success());
}

fn loopback(port: u16) -> SOCKADDR_IN {
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

#[test]
fn an_lsp_loads_the_built_in_base_provider_the_windows_way() {
    build_base_provider();
    std::env::set_var("WS2EMU_LIBDIR", profile_dir());
    let lsp_path = provider("libpass_through_lsp.so");
    let held = Held::new("libpass_through_lsp.so");
    let path: Vec<u16> = wide(lsp_path.to_str().unwrap());

    // Install the layered entry, then a chain [layered, 1001] copying the base entry, first.
    let layered_guid = guid(70);
    let chain_guid = guid(71);
    let mut layered = blank_protocol_info();
    layered.ProtocolChain.ChainLen = 0;
    layered.iVersion = 2;
    let layered_id = store().install(&layered_guid, &path, &[layered]).unwrap()[0];
    let base = *store()
        .load()
        .unwrap()
        .by_id(1001)
        .map(|e| &e.info)
        .unwrap();
    let mut chain = base;
    chain.ProtocolChain.ChainLen = 2;
    chain.ProtocolChain.ChainEntries = [layered_id, 1001, 0, 0, 0, 0, 0];
    let chain_id = store().install(&chain_guid, &path, &[chain]).unwrap()[0];
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

    // SAFETY: every call below passes valid pointers to locals.
    unsafe {
        let mut data: WSADATA = std::mem::zeroed();
        assert_eq!(ws2_32::winsock::WSAStartup(0x0202, &mut data), 0);
        let listener = socket(AF_INET, SOCK_STREAM, 0);
        assert_ne!(
            listener,
            !0,
            "socket through the chain: {}",
            ws2_32::last_error::get()
        );
        assert_eq!(
            held.int("startup_calls"),
            1,
            "the LSP started once, for the chain"
        );
        assert_eq!(
            held.int("lower_startup_result"),
            0,
            "the base provider's WSPStartup"
        );
        let lower_path = (held.export("lower_path") as *const [u16; 260]).read();
        let end = lower_path.iter().position(|&c| c == 0).unwrap();
        let expected = profile_dir().join("libws2_base.so");
        assert_eq!(
            String::from_utf16_lossy(&lower_path[..end]),
            expected.to_str().unwrap(),
            "%WS2EMU_LIBDIR% expanded"
        );
        let lower_info = (held.export("lower_info") as *const WSAPROTOCOL_INFOW).read();
        assert_eq!(
            (
                lower_info.dwCatalogEntryId,
                lower_info.ProtocolChain.ChainLen
            ),
            (1001, 1),
            "checklist 65"
        );

        // A TCP echo through the chain.
        let mut addr = loopback(0);
        assert_eq!(bind(listener, (&addr as *const SOCKADDR_IN).cast(), 16), 0);
        assert_eq!(listen(listener, 1), 0);
        let mut len = 16;
        assert_eq!(
            getsockname(listener, (&mut addr as *mut SOCKADDR_IN).cast(), &mut len),
            0
        );
        let client = socket(AF_INET, SOCK_STREAM, 0);
        assert_eq!(
            connect(client, (&addr as *const SOCKADDR_IN).cast(), 16),
            0,
            "{}",
            ws2_32::last_error::get()
        );
        let server = accept(listener, null_mut(), null_mut());
        assert_ne!(server, !0);
        assert_eq!(send(client, b"chain".as_ptr().cast(), 5, 0), 5);
        let mut buf = [0u8; 8];
        assert_eq!(recv(server, buf.as_mut_ptr().cast(), 8, 0), 5);
        assert_eq!(&buf[..5], b"chain");
        for s in [server, client, listener] {
            assert_eq!(closesocket(s), 0);
        }
        assert_eq!(ws2_32::winsock::WSACleanup(), 0);
        assert_eq!(
            held.int("cleanup_calls"),
            1,
            "one WSPCleanup for the one WSPStartup"
        );
    }
}
