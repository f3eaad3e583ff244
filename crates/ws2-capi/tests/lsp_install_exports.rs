//! The Windows Vista LSP installer exports: WSCInstallProviderAndChains (and its 64_32
//! variant), WSCSetProviderInfo and WSCGetProviderInfo, on a private catalog file.
//!
//! As in catalog_exports.rs, the store is chosen once per process from `WS2EMU_CATALOG`, so the
//! scenario runs in a child process with `WS2EMU_CATALOG` set to a private temporary file; the
//! user's catalog is never read or written.
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use std::path::Path;
use std::process::Command;
use std::ptr::null_mut;
use ws2_32::catalog::*;
use ws2_abi::*;
use ws2_core::catalog::{blank_protocol_info, Store};

const ROLE: &str = "LSP_INSTALL_CHILD";
const SENTINEL: i32 = 0x5EED;
const LSP: GUID = GUID {
    Data1: 0x15F0_0001,
    Data2: 1,
    Data3: 2,
    Data4: [3; 8],
};
const OTHER: GUID = GUID {
    Data1: 0x15F0_0002,
    Data2: 1,
    Data3: 2,
    Data4: [3; 8],
};

fn run_child(scenario: &str, catalog: &Path) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", scenario, "--nocapture", "--test-threads=1"])
        .env(ROLE, scenario)
        .env("WS2EMU_CATALOG", catalog)
        .output()
        .expect("spawn child");
    assert!(
        out.status.success(),
        "child {scenario} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn selected(scenario: &str) -> bool {
    std::env::var(ROLE).is_ok_and(|r| r == scenario)
}

fn wz(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

fn name(i: &WSAPROTOCOL_INFOW) -> String {
    let len = i.szProtocol.iter().position(|&c| c == 0).unwrap_or(256);
    String::from_utf16_lossy(&i.szProtocol[..len])
}

fn triple(af: i32, kind: i32, protocol: i32) -> WSAPROTOCOL_INFOW {
    let mut i = blank_protocol_info();
    i.iAddressFamily = af;
    i.iSocketType = kind;
    i.iProtocol = protocol;
    i
}

/// WSCInstallProviderAndChains with `path`/`name`; (return, errno, catalog id).
fn install(
    guid: Option<GUID>,
    path: Option<&str>,
    lsp_name: Option<&str>,
    flags: u32,
    list: Option<&mut [WSAPROTOCOL_INFOW]>,
    count: u32,
) -> (i32, i32, u32) {
    let mut guid = guid;
    let (path, lsp_name) = (path.map(wz), lsp_name.map(wz));
    let (mut errno, mut id) = (SENTINEL, 0xFFFF_FFFFu32);
    let list_ptr = list.map_or(null_mut(), |l| l.as_mut_ptr());
    // SAFETY: every pointer is NULL or valid for the call.
    let rc = unsafe {
        WSCInstallProviderAndChains(
            guid.as_mut().map_or(null_mut(), |g| g as *mut GUID),
            path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
            lsp_name.as_ref().map_or(std::ptr::null(), |p| p.as_ptr()),
            flags,
            list_ptr,
            count,
            &mut id,
            &mut errno,
        )
    };
    (rc, errno, id)
}

fn catalog_bytes() -> Vec<u8> {
    std::fs::read(std::env::var("WS2EMU_CATALOG").unwrap()).unwrap()
}

#[test]
fn lsp_installers_on_a_file_catalog() {
    let dir = common::scratch("catalog-lsp");
    let file = dir.join("catalog");
    run_child("child_lsp_installers", &file);
    // Persistence across a reload: a fresh read of the file has the chains and the categories.
    let catalog = Store::file(&file).load().unwrap();
    assert_eq!(
        catalog.lsp_categories(&LSP).unwrap(),
        LSP_INSPECTOR | LSP_SYSTEM
    );
    assert_eq!(catalog.entries()[0].info.ProviderId, OTHER);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("format = ws2emu-catalog 2\n"), "{text}");
    assert!(text.contains("LspCategories = 0x80000001\n"), "{text}");
}

#[test]
fn child_lsp_installers() {
    if !selected("child_lsp_installers") {
        return;
    }
    // NULL pointers and invalid arguments, each leaving the file unchanged byte for byte.
    let before = Store::from_env().load().map(drop);
    assert!(before.is_ok());
    let pristine = catalog_bytes();
    let mut tcp = [triple(AF_INET, SOCK_STREAM, IPPROTO_TCP)];
    let cases: Vec<((i32, i32, u32), i32, &str)> = vec![
        (
            install(None, Some("/opt/lsp.so"), Some("L"), 0, None, 0),
            WSAEINVAL,
            "NULL GUID",
        ),
        (
            install(Some(LSP), None, Some("L"), 0, None, 0),
            WSAEINVAL,
            "NULL path",
        ),
        (
            install(Some(LSP), Some("/opt/lsp.so"), None, 0, None, 0),
            WSAEINVAL,
            "NULL name",
        ),
        (
            install(Some(LSP), Some("lsp.so"), Some("L"), 0, None, 0),
            WSAEINVAL,
            "relative path",
        ),
        (
            install(Some(LSP), Some(""), Some("L"), 0, None, 0),
            WSAEINVAL,
            "empty path",
        ),
        (
            install(
                Some(LSP),
                Some(&format!("/{}", "a".repeat(300))),
                Some("L"),
                0,
                None,
                0,
            ),
            WSAEINVAL,
            "long path",
        ),
        (
            install(
                Some(LSP),
                Some("/opt/lsp.so"),
                Some(&"n".repeat(256)),
                0,
                None,
                0,
            ),
            WSAEINVAL,
            "long name",
        ),
        (
            install(
                Some(LSP),
                Some("/opt/lsp.so"),
                Some("L"),
                0,
                Some(&mut tcp),
                0,
            ),
            WSAEINVAL,
            "empty list",
        ),
        (
            install(
                Some(LSP),
                Some("/opt/lsp.so"),
                Some("L"),
                0,
                Some(&mut [triple(AF_INET, SOCK_RAW, 255)]),
                1,
            ),
            WSAEINVAL,
            "no match",
        ),
        (
            install(
                Some(ws2_core::catalog::BASE_PROVIDER_IPV4),
                Some("/opt/lsp.so"),
                Some("L"),
                0,
                None,
                0,
            ),
            WSAEINVAL,
            "GUID installed",
        ),
        (
            install(
                Some(LSP),
                Some("/opt/lsp.so"),
                Some("MSAFD Tcpip [TCP/IP]"),
                0,
                None,
                0,
            ),
            WSAEINVAL,
            "name taken",
        ),
    ];
    for ((rc, errno, id), code, what) in cases {
        assert_eq!((rc, errno, id), (SOCKET_ERROR, code, 0xFFFF_FFFF), "{what}");
        assert_eq!(catalog_bytes(), pristine, "{what} changed the file");
    }

    // Success with a NULL list: one chain per base triple, chains first, then the layered entry.
    let (rc, errno, layered) = install(Some(LSP), Some("/opt/lsp.so"), Some("My LSP"), 0, None, 0);
    assert_eq!((rc, errno), (0, SENTINEL));
    assert_eq!(layered, 1006);
    let catalog = Store::from_env().load().unwrap();
    let ids: Vec<u32> = catalog.entries().iter().map(|e| e.id()).collect();
    assert_eq!(ids, [1007, 1008, 1009, 1010, 1006, 1001, 1002, 1004, 1005]);
    let l = &catalog.by_id(1006).unwrap().info;
    assert_eq!(
        (l.ProtocolChain.ChainLen, l.ProviderId, name(l).as_str()),
        (0, LSP, "My LSP")
    );
    for (chain, base) in [(1007, 1001), (1008, 1002), (1009, 1004), (1010, 1005)] {
        let c = &catalog.by_id(chain).unwrap().info;
        let b = &catalog.by_id(base).unwrap().info;
        assert_eq!(c.ProtocolChain.ChainLen, 2);
        assert_eq!(c.ProtocolChain.ChainEntries[..2], [1006, base]);
        assert_eq!(c.ProviderId, LSP);
        assert_eq!(
            c.dwServiceFlags1,
            b.dwServiceFlags1 & !XP1_IFS_HANDLES,
            "non-IFS LSP"
        );
        assert_eq!(
            (c.iAddressFamily, c.iSocketType, c.iProtocol),
            (b.iAddressFamily, b.iSocketType, b.iProtocol)
        );
        assert_eq!(name(c), format!("My LSP over [{}]", name(b)));
    }
    // A second (IFS) LSP over TCP/IPv4 layers over the top-most TCP entry: the first chain.
    let mut list = [tcp[0], tcp[0]];
    let (mut errno, mut id) = (SENTINEL, 0u32);
    let mut other = OTHER;
    let (p, p32, n) = (wz("/opt/other.so"), wz("/opt/other32.so"), wz("Other"));
    // SAFETY: valid pointers.
    let rc = unsafe {
        WSCInstallProviderAndChains64_32(
            &mut other,
            p.as_ptr(),
            p32.as_ptr(),
            n.as_ptr(),
            XP1_IFS_HANDLES,
            list.as_mut_ptr(),
            2,
            &mut id,
            &mut errno,
        )
    };
    assert_eq!((rc, errno, id), (0, SENTINEL, 1011));
    let catalog = Store::from_env().load().unwrap();
    let c = &catalog.entries()[0].info;
    assert_eq!(
        c.dwCatalogEntryId, 1012,
        "one chain for the duplicate triple, ordered first"
    );
    assert_eq!(c.ProtocolChain.ChainLen, 3);
    assert_eq!(c.ProtocolChain.ChainEntries[..3], [1011, 1006, 1001]);
    assert_eq!(
        c.dwServiceFlags1 & XP1_IFS_HANDLES,
        0,
        "kept from the lower non-IFS chain"
    );
    assert_eq!(catalog.entries()[1].id(), 1011);
    // Duplicate GUID: WSAEINVAL, file unchanged.
    let pristine = catalog_bytes();
    assert_eq!(
        install(Some(LSP), Some("/opt/lsp.so"), Some("Again"), 0, None, 0),
        (SOCKET_ERROR, WSAEINVAL, 0xFFFF_FFFF)
    );
    assert_eq!(catalog_bytes(), pristine);

    // Categories: unset is 0; set, get back; errors.
    let get = |g: Option<GUID>, kind: i32, with_info: bool, size: usize| {
        let mut g = g;
        let (mut value, mut size, mut errno) = (0xAAAA_AAAAu32, size, SENTINEL);
        // SAFETY: valid pointers or NULL.
        let rc = unsafe {
            WSCGetProviderInfo(
                g.as_mut().map_or(null_mut(), |g| g as *mut GUID),
                kind,
                if with_info {
                    (&mut value as *mut u32).cast()
                } else {
                    null_mut()
                },
                &mut size,
                0,
                &mut errno,
            )
        };
        (rc, errno, value, size)
    };
    let set = |g: GUID, kind: i32, value: Option<u32>, size: usize| {
        let (mut g, mut value, mut errno) = (g, value, SENTINEL);
        // SAFETY: valid pointers or NULL.
        let rc = unsafe {
            WSCSetProviderInfo(
                &mut g,
                kind,
                value
                    .as_mut()
                    .map_or(null_mut(), |v| (v as *mut u32).cast()),
                size,
                0,
                &mut errno,
            )
        };
        (rc, errno)
    };
    assert_eq!(
        get(Some(LSP), ProviderInfoLspCategories, true, 4),
        (0, SENTINEL, 0, 4)
    );
    assert_eq!(
        get(Some(LSP), ProviderInfoLspCategories, false, 0),
        (SOCKET_ERROR, WSAEFAULT, 0xAAAA_AAAA, 4)
    );
    assert_eq!(
        get(Some(LSP), ProviderInfoLspCategories, true, 2),
        (SOCKET_ERROR, WSAEFAULT, 0xAAAA_AAAA, 4)
    );
    assert_eq!(get(None, ProviderInfoLspCategories, true, 4).1, WSAEFAULT);
    assert_eq!(
        get(
            Some(GUID { Data1: 9, ..LSP }),
            ProviderInfoLspCategories,
            true,
            4
        )
        .1,
        WSAEINVALIDPROVIDER
    );
    assert_eq!(
        get(Some(LSP), ProviderInfoAudit, true, 4).1,
        ERROR_CALL_NOT_IMPLEMENTED as i32
    );
    assert_eq!(get(Some(LSP), 7, true, 4).1, WSAEINVAL);
    let pristine = catalog_bytes();
    assert_eq!(
        set(LSP, ProviderInfoAudit, Some(1), 4),
        (SOCKET_ERROR, ERROR_CALL_NOT_IMPLEMENTED as i32)
    );
    assert_eq!(
        set(LSP, ProviderInfoLspCategories, None, 4),
        (SOCKET_ERROR, WSAEFAULT)
    );
    assert_eq!(
        set(LSP, ProviderInfoLspCategories, Some(1), 2),
        (SOCKET_ERROR, WSAEINVAL)
    );
    assert_eq!(
        set(
            GUID { Data1: 9, ..LSP },
            ProviderInfoLspCategories,
            Some(1),
            4
        ),
        (SOCKET_ERROR, WSAEINVAL)
    );
    assert_eq!(catalog_bytes(), pristine, "failed sets change nothing");
    assert_eq!(
        set(
            LSP,
            ProviderInfoLspCategories,
            Some(LSP_INSPECTOR | LSP_SYSTEM),
            4
        ),
        (0, SENTINEL)
    );
    assert_eq!(
        get(Some(LSP), ProviderInfoLspCategories, true, 8),
        (0, SENTINEL, LSP_INSPECTOR | LSP_SYSTEM, 4)
    );
    assert_eq!(
        get(Some(OTHER), ProviderInfoLspCategories, true, 4).2,
        0,
        "per provider"
    );
    // Enumeration is unaffected: WSCEnumProtocols still returns 628-byte entries of every kind.
    let (mut len, mut errno) = (0u32, SENTINEL);
    // SAFETY: valid pointers.
    let rc = unsafe { WSCEnumProtocols(null_mut(), null_mut(), &mut len, &mut errno) };
    assert_eq!((rc, errno, len), (SOCKET_ERROR, WSAENOBUFS, 11 * 628));
}
