//! The catalog exports as C callers see them (spec items 41–57): WSCEnumProtocols,
//! WSAEnumProtocolsW/A, WSCInstallProvider, WSCDeinstallProvider, WSCUpdateProvider,
//! WSCWriteProviderOrder, WSCGetProviderPath, and the WSAStartup snapshot.
//!
//! The catalog store is chosen once per process from `WS2EMU_CATALOG`, and WSAStartup state is
//! process-wide, so each scenario runs in its own child process: the parent test spawns this
//! binary with `CATALOG_EXPORTS_CHILD=<scenario>` and `WS2EMU_CATALOG` set to a private
//! temporary file (or removed, for the in-memory store). A child test whose scenario is not
//! selected does nothing.
#![allow(unsafe_code)] // calls the extern "system" exports

mod common;

use std::mem::{size_of, zeroed};
use std::path::Path;
use std::process::Command;
use std::ptr::{null, null_mut};
use ws2_32::catalog::*;
use ws2_32::winsock::{WSACleanup, WSAStartup};
use ws2_abi::*;
use ws2_core::catalog::{blank_protocol_info, Store};

const ROLE: &str = "CATALOG_EXPORTS_CHILD";
const W: u32 = size_of::<WSAPROTOCOL_INFOW>() as u32;
const A: u32 = size_of::<WSAPROTOCOL_INFOA>() as u32;
const SENTINEL: i32 = 0x5EED;

/// Runs `scenario` in a child process with the given catalog file (None: in-memory store);
/// returns its stderr.
fn run_child(scenario: &str, catalog: Option<&Path>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", scenario, "--nocapture", "--test-threads=1"])
        .env(ROLE, scenario);
    match catalog {
        Some(path) => command.env("WS2EMU_CATALOG", path),
        None => command.env_remove("WS2EMU_CATALOG"),
    };
    let out = command.output().expect("spawn child");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "child {scenario} failed:\n{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

fn selected(scenario: &str) -> bool {
    std::env::var(ROLE).is_ok_and(|r| r == scenario)
}

fn wz(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

fn guid(n: u32) -> GUID {
    GUID {
        Data1: 0xFACE_0000 | n,
        Data2: 1,
        Data3: 2,
        Data4: [3; 8],
    }
}

fn info(chain_len: i32, chain: &[u32], protocol: i32, name: &str) -> WSAPROTOCOL_INFOW {
    let mut i = blank_protocol_info();
    i.dwServiceFlags1 = XP1_GUARANTEED_DELIVERY;
    i.dwCatalogEntryId = 99;
    i.ProtocolChain.ChainLen = chain_len;
    i.ProtocolChain.ChainEntries[..chain.len()].copy_from_slice(chain);
    i.iVersion = 2;
    i.iAddressFamily = AF_INET;
    i.iSocketType = SOCK_STREAM;
    i.iProtocol = protocol;
    for (dst, src) in i.szProtocol.iter_mut().zip(name.encode_utf16()) {
        *dst = src;
    }
    i
}

/// WSCEnumProtocols into a fresh vector: the entries, or the error and the size reported.
fn wsc_enum(filter: Option<&[i32]>) -> Result<Vec<WSAPROTOCOL_INFOW>, (i32, u32)> {
    let mut list: Vec<i32> = filter.map(|f| f.to_vec()).unwrap_or_default();
    list.push(0);
    let filter_ptr = if filter.is_some() {
        list.as_mut_ptr()
    } else {
        null_mut()
    };
    let (mut len, mut errno) = (0u32, SENTINEL);
    // SAFETY: NULL buffer with length 0 and valid pointers.
    let r = unsafe { WSCEnumProtocols(filter_ptr, null_mut(), &mut len, &mut errno) };
    match (r, errno) {
        (0, SENTINEL) => return Ok(Vec::new()),
        (SOCKET_ERROR, WSAENOBUFS) => {}
        _ => return Err((errno, len)),
    }
    assert_eq!(len % W, 0);
    let mut buffer = vec![blank_protocol_info(); (len / W) as usize];
    errno = SENTINEL;
    // SAFETY: buffer holds len bytes.
    let n = unsafe { WSCEnumProtocols(filter_ptr, buffer.as_mut_ptr(), &mut len, &mut errno) };
    assert_eq!(n as usize, buffer.len(), "errno {errno}");
    assert_eq!(errno, SENTINEL, "errno untouched on success");
    Ok(buffer)
}

fn ids(list: &[WSAPROTOCOL_INFOW]) -> Vec<u32> {
    list.iter().map(|i| i.dwCatalogEntryId).collect()
}

fn wsa_enum_w() -> Result<Vec<u32>, i32> {
    let mut len = 0u32;
    // SAFETY: NULL buffer with length 0.
    let r = unsafe { WSAEnumProtocolsW(null_mut(), null_mut(), &mut len) };
    assert_eq!(r, SOCKET_ERROR);
    let e = ws2_32::last_error::WSAGetLastError();
    if e != WSAENOBUFS {
        return Err(e);
    }
    let mut buffer = vec![blank_protocol_info(); (len / W) as usize];
    // SAFETY: buffer holds len bytes.
    let n = unsafe { WSAEnumProtocolsW(null_mut(), buffer.as_mut_ptr(), &mut len) };
    assert_eq!(n as usize, buffer.len());
    Ok(ids(&buffer))
}

fn install(g: u32, path: &str, infos: &[WSAPROTOCOL_INFOW]) -> Result<(), i32> {
    let mut id = guid(g);
    let path = wz(path);
    let mut errno = SENTINEL;
    // SAFETY: valid pointers.
    let r = unsafe {
        WSCInstallProvider(
            &mut id,
            path.as_ptr(),
            infos.as_ptr(),
            infos.len() as u32,
            &mut errno,
        )
    };
    match r {
        0 => {
            assert_eq!(errno, SENTINEL);
            Ok(())
        }
        SOCKET_ERROR => Err(errno),
        other => panic!("WSCInstallProvider returned {other}"),
    }
}

fn deinstall(g: u32) -> Result<(), i32> {
    let mut id = guid(g);
    let mut errno = SENTINEL;
    // SAFETY: valid pointers.
    match unsafe { WSCDeinstallProvider(&mut id, &mut errno) } {
        0 => Ok(()),
        _ => Err(errno),
    }
}

/// Both path functions on the same arguments; they must agree (item 47).
fn provider_path(g: &GUID, room: i32, with_buffer: bool) -> (i32, i32, i32, Vec<u16>) {
    let table = ws2_32::upcalls::upcall_table();
    let mut results = Vec::new();
    for use_wsc in [true, false] {
        let mut id = *g;
        let mut buffer = vec![0xAAAAu16; 300];
        let mut len = room;
        let mut errno = SENTINEL;
        let ptr = if with_buffer {
            buffer.as_mut_ptr()
        } else {
            null_mut()
        };
        // SAFETY: buffer has 300 >= room WCHARs; valid pointers.
        let r = unsafe {
            if use_wsc {
                WSCGetProviderPath(&mut id, ptr, &mut len, &mut errno)
            } else {
                table.lpWPUGetProviderPath.unwrap()(&mut id, ptr, &mut len, &mut errno)
            }
        };
        results.push((r, errno, len, buffer));
    }
    assert_eq!(
        results[0], results[1],
        "WSCGetProviderPath and WPUGetProviderPath differ"
    );
    results.remove(0)
}

#[test]
fn wsc_exports_on_a_file_catalog() {
    let dir = common::scratch("catalog-wsc");
    let file = dir.join("catalog");
    run_child("child_wsc_exports", Some(&file));
    // The child's installs are in the file.
    let catalog = Store::file(&file).load().unwrap();
    assert!(catalog.path_of(&guid(1)).is_some());
}

#[test]
fn child_wsc_exports() {
    if !selected("child_wsc_exports") {
        return;
    }
    // Items 48–50: sizes.
    let (mut len, mut errno) = (0u32, SENTINEL);
    // SAFETY: valid pointers throughout; NULL where the test says so.
    unsafe {
        assert_eq!(
            WSCEnumProtocols(null_mut(), null_mut(), &mut len, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!((errno, len), (WSAENOBUFS, 4 * W), "item 48");
        let mut buffer = vec![blank_protocol_info(); 4];
        len = 4 * W - 1;
        errno = SENTINEL;
        assert_eq!(
            WSCEnumProtocols(null_mut(), buffer.as_mut_ptr(), &mut len, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!((errno, len), (WSAENOBUFS, 4 * W), "item 50");
        assert_eq!(buffer[0].dwCatalogEntryId, 0, "nothing copied on failure");
        len = 4 * W;
        errno = SENTINEL;
        assert_eq!(
            WSCEnumProtocols(null_mut(), buffer.as_mut_ptr(), &mut len, &mut errno),
            4
        );
        assert_eq!(ids(&buffer), [1001, 1002, 1004, 1005], "item 49");
        errno = SENTINEL;
        assert_eq!(
            WSCEnumProtocols(null_mut(), null_mut(), null_mut(), &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT);
        // A NULL lpErrno is never written.
        assert_eq!(
            WSCEnumProtocols(null_mut(), null_mut(), &mut len, null_mut()),
            SOCKET_ERROR
        );
    }
    assert_eq!(
        ids(&wsc_enum(Some(&[IPPROTO_UDP])).unwrap()),
        [1002, 1005],
        "item 52"
    );

    // Item 53: install; caller ids ignored; 55: NULL list; 54: duplicate GUID.
    install(1, "%SystemRoot%/../opt/x.so", &[info(1, &[], 6, "x")])
        .expect_err("a path relative after expansion is refused");
    install(1, "/opt/x.so", &[info(1, &[], 6, "x")]).unwrap();
    let all = wsc_enum(None).unwrap();
    assert_eq!(ids(&all), [1001, 1002, 1004, 1005, 1006]);
    assert_eq!(all[4].ProviderId, guid(1));
    assert_eq!(
        install(1, "/opt/y.so", &[info(1, &[], 6, "y")]),
        Err(WSANO_RECOVERY),
        "item 54"
    );
    assert_eq!(
        install(2, "relative.so", &[info(1, &[], 6, "r")]),
        Err(WSAEINVAL)
    );
    assert_eq!(install(2, "/x.so", &[]), Err(WSAEINVAL), "zero entries");
    assert_eq!(install(2, "/x.so", &[info(8, &[], 6, "c")]), Err(WSAEINVAL));
    assert_eq!(
        install(2, "/x.so", &[info(2, &[4242, 1001], 6, "c")]),
        Err(WSAEINVAL)
    );
    let path = wz("/x.so");
    let one = [info(1, &[], 6, "n")];
    let mut g = guid(2);
    let mut errno = SENTINEL;
    // SAFETY: NULL arguments are the point; others valid.
    unsafe {
        assert_eq!(
            WSCInstallProvider(&mut g, path.as_ptr(), null(), 1, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT, "item 55");
        errno = SENTINEL;
        assert_eq!(
            WSCInstallProvider(null_mut(), path.as_ptr(), one.as_ptr(), 1, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT);
        errno = SENTINEL;
        assert_eq!(
            WSCInstallProvider(&mut g, null(), one.as_ptr(), 1, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT);
        assert_eq!(
            WSCInstallProvider(&mut g, null(), one.as_ptr(), 1, null_mut()),
            SOCKET_ERROR
        );
    }
    assert_eq!(
        ids(&wsc_enum(None).unwrap()).len(),
        5,
        "failed installs changed nothing"
    );

    // Items 41–47 through both functions.
    let stored = "/opt/x.so";
    let n = stored.len() as i32;
    let (r, errno, len, buffer) = provider_path(&guid(1), 260, true);
    assert_eq!(
        (r, errno, len),
        (0, SENTINEL, n),
        "item 41/45: length without terminator"
    );
    assert_eq!(&buffer[..=n as usize], &wz(stored)[..]);
    let (r, errno, len, _) = provider_path(&guid(7), 260, true);
    assert_eq!((r, errno, len), (SOCKET_ERROR, WSAEINVAL, 260), "item 42");
    let (r, errno, len, _) = provider_path(&guid(1), 0, false);
    assert_eq!((r, errno, len), (SOCKET_ERROR, WSAEFAULT, n + 1), "item 43");
    let (r, errno, len, buffer) = provider_path(&guid(1), n, true);
    assert_eq!((r, errno, len), (SOCKET_ERROR, WSAEFAULT, n + 1), "item 44");
    assert!(buffer.iter().all(|&c| c == 0xAAAA), "buffer untouched");
    let (r, errno, len, _) = provider_path(&guid(1), n + 1, true);
    assert_eq!((r, errno, len), (0, SENTINEL, n), "item 45");
    let (mut len, mut errno) = (260, SENTINEL);
    // SAFETY: NULL GUID / length are the point.
    unsafe {
        assert_eq!(
            WSCGetProviderPath(null_mut(), null_mut(), &mut len, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT, "item 46");
        let mut g = guid(1);
        errno = SENTINEL;
        assert_eq!(
            WSCGetProviderPath(&mut g, null_mut(), null_mut(), &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT, "item 46");
    }

    // Update: the listed entry changes, the path moves; an unknown id changes nothing.
    let mut changed = info(1, &[], 17, "updated");
    changed.dwCatalogEntryId = 1006;
    let newpath = wz("/opt/z.so");
    let mut g = guid(1);
    let mut errno = SENTINEL;
    // SAFETY: valid pointers.
    unsafe {
        assert_eq!(
            WSCUpdateProvider(&mut g, newpath.as_ptr(), &changed, 1, &mut errno),
            0
        );
        let mut bad = changed;
        bad.dwCatalogEntryId = 1001; // not this provider's
        assert_eq!(
            WSCUpdateProvider(&mut g, newpath.as_ptr(), &bad, 1, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEINVAL);
        errno = SENTINEL;
        assert_eq!(
            WSCUpdateProvider(&mut g, newpath.as_ptr(), null(), 1, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT);
    }
    let all = wsc_enum(None).unwrap();
    assert_eq!(all[4].iProtocol, 17);
    let (_, _, _, buffer) = provider_path(&guid(1), 260, true);
    assert_eq!(&buffer[..newpath.len()], &newpath[..]);

    // WSCWriteProviderOrder returns the code itself.
    let mut order = [1006u32, 1005, 1004, 1002, 1001];
    // SAFETY: valid arrays of the given lengths; NULL is the point.
    unsafe {
        assert_eq!(
            WSCWriteProviderOrder(order.as_mut_ptr(), 4),
            WSAEINVAL,
            "wrong count"
        );
        let mut dup = [1006u32, 1006, 1004, 1002, 1001];
        assert_eq!(
            WSCWriteProviderOrder(dup.as_mut_ptr(), 5),
            WSAEINVAL,
            "duplicate id"
        );
        let mut unknown = [1006u32, 1003, 1004, 1002, 1001];
        assert_eq!(
            WSCWriteProviderOrder(unknown.as_mut_ptr(), 5),
            WSAEINVAL,
            "unknown id"
        );
        assert_eq!(WSCWriteProviderOrder(null_mut(), 5), WSAEINVAL, "NULL list");
        assert_eq!(
            ids(&wsc_enum(None).unwrap()),
            [1001, 1002, 1004, 1005, 1006]
        );
        assert_eq!(WSCWriteProviderOrder(order.as_mut_ptr(), 5), 0);
    }
    assert_eq!(ids(&wsc_enum(None).unwrap()), order);

    // Item 56: deinstall, then the path is gone, and a second deinstall fails.
    assert_eq!(deinstall(1), Ok(()));
    assert_eq!(provider_path(&guid(1), 260, true).1, WSAEINVAL);
    assert_eq!(deinstall(1), Err(WSAEINVAL));
    // SAFETY: NULL GUID is the point.
    unsafe {
        let mut errno = SENTINEL;
        assert_eq!(WSCDeinstallProvider(null_mut(), &mut errno), SOCKET_ERROR);
        assert_eq!(errno, WSAEFAULT);
    }
    // Leave one install for the parent to find in the file.
    install(1, "/opt/x.so", &[info(1, &[], 6, "x")]).unwrap();
}

#[test]
fn snapshot_semantics_on_a_file_catalog() {
    let dir = common::scratch("catalog-snapshot");
    run_child("child_snapshot", Some(&dir.join("catalog")));
}

#[test]
fn snapshot_semantics_in_memory() {
    run_child("child_snapshot", None);
}

#[test]
fn child_snapshot() {
    if !selected("child_snapshot") {
        return;
    }
    assert_eq!(
        wsa_enum_w(),
        Err(WSANOTINITIALISED),
        "WSAEnumProtocols needs WSAStartup"
    );
    // SAFETY: valid WSADATA.
    let mut data: WSADATA = unsafe { zeroed() };
    // SAFETY: as above.
    assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
    assert_eq!(wsa_enum_w(), Ok(vec![1001, 1002, 1004, 1005]));

    // Item 57: installs after WSAStartup are not seen by this process's snapshot...
    install(1, "/opt/lsp.so", &[info(0, &[], 6, "layered")]).unwrap(); // 1006
    install(2, "/opt/lsp.so", &[info(2, &[1006, 1001], 6, "chain")]).unwrap(); // 1007
    let mut hidden = info(1, &[], 6, "hidden");
    hidden.dwProviderFlags = PFL_HIDDEN;
    install(3, "/opt/h.so", &[hidden]).unwrap(); // 1008
    assert_eq!(wsa_enum_w(), Ok(vec![1001, 1002, 1004, 1005]), "item 57");
    let upcalls = ws2_32::upcalls::upcall_table();
    let mut errno = SENTINEL;
    // SAFETY: valid pointer.
    let s = unsafe { upcalls.lpWPUCreateSocketHandle.unwrap()(1007, 0, &mut errno) };
    assert_eq!(
        (s, errno),
        (!0, WSAEINVAL),
        "the snapshot has no entry 1007"
    );
    // ...but the stored catalog has them (WSC* and the provider path read it).
    assert_eq!(
        ids(&wsc_enum(None).unwrap()),
        [1001, 1002, 1004, 1005, 1006, 1007, 1008],
        "item 51: WSCEnumProtocols returns layered and hidden entries"
    );
    assert_eq!(provider_path(&guid(2), 260, true).0, 0);

    // A nested WSAStartup does not refresh; the last WSACleanup and a new WSAStartup do.
    // SAFETY: as above.
    assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
    assert_eq!(wsa_enum_w(), Ok(vec![1001, 1002, 1004, 1005]));
    assert_eq!(WSACleanup(), 0);
    assert_eq!(
        wsa_enum_w(),
        Ok(vec![1001, 1002, 1004, 1005]),
        "still started once"
    );
    assert_eq!(WSACleanup(), 0);
    // SAFETY: as above.
    assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0);
    assert_eq!(
        wsa_enum_w(),
        Ok(vec![1001, 1002, 1004, 1005, 1007]),
        "item 51: WSAEnumProtocols omits layered and PFL_HIDDEN entries"
    );
    errno = SENTINEL;
    // SAFETY: valid pointers.
    let s = unsafe { upcalls.lpWPUCreateSocketHandle.unwrap()(1007, 0, &mut errno) };
    assert_ne!(s, !0);
    // SAFETY: s is ours.
    assert_eq!(
        unsafe { upcalls.lpWPUCloseSocketHandle.unwrap()(s, &mut errno) },
        0
    );

    // Deinstalling does not shrink the snapshot either.
    assert_eq!(deinstall(2), Ok(()));
    assert_eq!(wsa_enum_w(), Ok(vec![1001, 1002, 1004, 1005, 1007]));

    // WSAEnumProtocolsA: 372-byte entries, sizes counted in them; filters apply.
    let mut len = 0u32;
    let mut filter = [IPPROTO_UDP, 0];
    // SAFETY: NULL buffer with length 0, then a buffer of len bytes.
    unsafe {
        assert_eq!(
            WSAEnumProtocolsA(filter.as_mut_ptr(), null_mut(), &mut len),
            SOCKET_ERROR
        );
        assert_eq!(ws2_32::last_error::WSAGetLastError(), WSAENOBUFS);
        assert_eq!(len, 2 * A);
        let mut buffer: Vec<WSAPROTOCOL_INFOA> = vec![zeroed(); 2];
        assert_eq!(
            WSAEnumProtocolsA(filter.as_mut_ptr(), buffer.as_mut_ptr(), &mut len),
            2
        );
        let name: Vec<u8> = buffer[0]
            .szProtocol
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        assert_eq!(name, b"MSAFD Tcpip [UDP/IP]");
        assert_eq!(buffer[1].dwCatalogEntryId, 1005);
        assert_eq!(
            WSAEnumProtocolsA(null_mut(), null_mut(), null_mut()),
            SOCKET_ERROR
        );
        assert_eq!(ws2_32::last_error::WSAGetLastError(), WSAEFAULT);
    }
    assert_eq!(WSACleanup(), 0);
}

#[test]
fn a_corrupt_catalog_file_is_reported_and_kept() {
    let dir = common::scratch("catalog-corrupt");
    let file = dir.join("catalog");
    let content = "format = ws2emu-catalog 1\nnext-id = 1006\n\n[entry]\nProviderId = {1234}\n";
    std::fs::write(&file, content).unwrap();
    let stderr = run_child("child_corrupt", Some(&file));
    assert!(
        stderr.contains(&format!(
            "ws2emu: {}: line 5: bad GUID \"{{1234}}\"",
            file.display()
        )),
        "stderr: {stderr}"
    );
    assert_eq!(
        stderr.matches("bad GUID").count(),
        1,
        "reported once: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        content,
        "file unchanged"
    );
}

#[test]
fn child_corrupt() {
    if !selected("child_corrupt") {
        return;
    }
    // SAFETY: valid WSADATA.
    let mut data: WSADATA = unsafe { zeroed() };
    // SAFETY: as above.
    assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, WSASYSNOTREADY);
    assert_eq!(
        WSACleanup(),
        SOCKET_ERROR,
        "the failed WSAStartup started nothing"
    );
    assert_eq!(wsc_enum(None).map(|l| ids(&l)), Err((WSANO_RECOVERY, 0)));
    assert_eq!(
        install(1, "/x.so", &[info(1, &[], 6, "x")]),
        Err(WSANO_RECOVERY)
    );
    assert_eq!(deinstall(1), Err(WSANO_RECOVERY));
    let mut order = [1001u32];
    // SAFETY: valid array.
    assert_eq!(
        unsafe { WSCWriteProviderOrder(order.as_mut_ptr(), 1) },
        WSANO_RECOVERY
    );
    assert_eq!(provider_path(&guid(1), 260, true).1, WSANO_RECOVERY);
}
