//! The protocol catalog and its stores (spec §4.2, items 48–57): the file format, the WSC*
//! operations and their errors, nothing changed by a failing call, concurrent installers in two
//! processes, a corrupt file, and a writer killed mid-write.
//!
//! Every test uses its own catalog file under the cargo target directory, through an explicit
//! `Store::file(path)`: the process-wide `WS2EMU_CATALOG` store is never touched, so a user's
//! catalog cannot be. Child processes are this test binary itself, selected with
//! `CATALOG_TEST_CHILD` (a child test that sees no such variable does nothing).

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use ws2_abi as abi;
use ws2_abi::{GUID, WSAPROTOCOL_INFOW};
use ws2_core::catalog::{
    blank_protocol_info, parse, same_info, serialize, Catalog, CatalogEntry, CatalogError, Store,
    Visibility, BASE_PROVIDER_IPV4, WSANO_RECOVERY,
};
use ws2_core::WinError;

const CHILD_ROLE: &str = "CATALOG_TEST_CHILD";
const CHILD_FILE: &str = "CATALOG_TEST_FILE";

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("catalog-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn guid(n: u32) -> GUID {
    GUID {
        Data1: 0xC0DE_0000 | n,
        Data2: 0x1234,
        Data3: 0x5678,
        Data4: [1, 2, 3, 4, 5, 6, 7, (n & 0xff) as u8],
    }
}

/// A protocol entry with every field set to something distinctive.
fn info(chain_len: i32, chain: &[u32], name: &str) -> WSAPROTOCOL_INFOW {
    let mut i = blank_protocol_info();
    i.dwServiceFlags1 = abi::XP1_GUARANTEED_DELIVERY | abi::XP1_GUARANTEED_ORDER;
    i.dwServiceFlags2 = 2;
    i.dwServiceFlags3 = 3;
    i.dwServiceFlags4 = 0xFFFF_FFFF;
    i.dwProviderFlags = abi::PFL_MATCHES_PROTOCOL_ZERO;
    i.ProviderId = guid(0xEE); // overwritten by install
    i.dwCatalogEntryId = 77; // ignored by install
    i.ProtocolChain.ChainLen = chain_len;
    i.ProtocolChain.ChainEntries[..chain.len()].copy_from_slice(chain);
    i.iVersion = 2;
    i.iAddressFamily = abi::AF_INET;
    i.iMaxSockAddr = 16;
    i.iMinSockAddr = 16;
    i.iSocketType = abi::SOCK_STREAM;
    i.iProtocol = abi::IPPROTO_TCP;
    i.iProtocolMaxOffset = 0;
    i.iNetworkByteOrder = -7;
    i.iSecurityScheme = i32::MIN;
    i.dwMessageSize = 0xFFFF_FFFF;
    i.dwProviderReserved = 0x1234_5678;
    for (dst, src) in i.szProtocol.iter_mut().zip(name.encode_utf16()) {
        *dst = src;
    }
    i
}

/// Both kinds of store, each with a fresh catalog, for tests of the shared semantics.
fn stores(name: &str) -> Vec<(Store, PathBuf)> {
    let dir = scratch(name);
    vec![
        (Store::in_memory(Catalog::default()), dir.join("unused")),
        (Store::file(dir.join("catalog")), dir.join("catalog")),
    ]
}

fn bytes(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// Runs a call that must fail with `code` and checks that the stored catalog did not change.
fn refused<T: std::fmt::Debug>(
    store: &Store,
    file: &Path,
    code: WinError,
    call: impl FnOnce(&Store) -> Result<T, CatalogError>,
) -> CatalogError {
    let before = store.load().unwrap();
    let raw = bytes(file);
    let error = call(store).expect_err("the call must fail");
    assert_eq!(error.code(), code, "{error}");
    assert_eq!(
        store.load().unwrap(),
        before,
        "a failing call changed the catalog"
    );
    assert_eq!(bytes(file), raw, "a failing call rewrote the file");
    error
}

#[test]
fn the_default_catalog_round_trips_through_a_file() {
    let dir = scratch("default");
    let path = dir.join("catalog");
    let store = Store::file(&path);
    assert!(!path.exists());
    let loaded = store.load().unwrap();
    assert!(path.exists(), "a missing file is created from the default");
    let default = Catalog::default();
    assert_eq!(loaded, default, "every field of every entry");
    assert_eq!(loaded.next_id(), 1006);
    for (a, b) in loaded.entries().iter().zip(default.entries()) {
        assert!(same_info(&a.info, &b.info));
        assert_eq!(a.path, b.path);
    }
    // Reading again gives the same catalog and leaves the file as it is.
    let raw = bytes(&path);
    assert_eq!(store.load().unwrap(), default);
    assert_eq!(bytes(&path), raw);
    let text = String::from_utf8(raw.unwrap()).unwrap();
    assert!(text.contains("format = ws2emu-catalog 1\n"), "{text}");
    assert!(text.contains("ProviderId = {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"));
    assert!(text.ends_with("[end]\n"));
}

#[test]
fn every_field_round_trips_including_odd_values() {
    let mut catalog = Catalog::default();
    let odd = "\"quoted\" \\ tab\t ünïcödé 😀 \u{7f}";
    let layered = catalog
        .install(&guid(1), &wide("/opt/lsp/liblsp.so"), &[info(0, &[], odd)])
        .unwrap()[0];
    let mut full_name = info(2, &[layered, 1001], "");
    full_name.szProtocol = [u16::from(b'x'); 256]; // no terminator: all 256 units kept
    let mut hidden = info(1, &[9, 8, 7, 6, 5, 4, 3], "hidden");
    hidden.dwProviderFlags |= abi::PFL_HIDDEN;
    let mut path = wide("%HOME%/odd path/\"lib\".so");
    path.push(0xDC00); // an unpaired surrogate survives as \uDC00
    catalog
        .install(&guid(2), &path, &[full_name, hidden])
        .unwrap();
    let text = serialize(&catalog);
    let back = parse(text.as_bytes(), Path::new("/x")).unwrap();
    assert_eq!(back, catalog);
    assert_eq!(back.next_id(), catalog.next_id());
    assert_eq!(serialize(&back), text, "serialisation is stable");
}

#[test]
fn install_assigns_ids_and_the_provider_guid() {
    for (store, _) in stores("install") {
        let before = store.load().unwrap();
        let ids = store
            .install(
                &guid(1),
                &wide("/opt/x.so"),
                &[info(1, &[], "a"), info(1, &[], "b")],
            )
            .unwrap();
        assert_eq!(
            ids,
            [1006, 1007],
            "fresh ids from next-id; caller's 77 ignored"
        );
        let after = store.load().unwrap();
        assert_eq!(after.entries().len(), before.entries().len() + 2);
        assert_eq!(after.next_id(), 1008);
        let entry = after.by_id(1006).unwrap();
        assert_eq!(
            entry.info.ProviderId,
            guid(1),
            "ProviderId is the installed GUID"
        );
        let mut expected = info(1, &[], "a");
        expected.ProviderId = guid(1);
        expected.dwCatalogEntryId = 1006;
        assert!(same_info(&entry.info, &expected));
        assert_eq!(after.path_of(&guid(1)), Some(&wide("/opt/x.so")[..]));
        assert_eq!(store.provider_path(&guid(1)).unwrap(), wide("/opt/x.so"));
        // Paths are stored unexpanded.
        store
            .install(&guid(2), &wide("%HOME%/y.so"), &[info(1, &[], "c")])
            .unwrap();
        assert_eq!(store.provider_path(&guid(2)).unwrap(), wide("%HOME%/y.so"));

        // Deinstall removes every entry of the GUID; ids are not reused afterwards.
        assert_eq!(store.deinstall(&guid(1)).unwrap(), 2);
        assert!(store.load().unwrap().by_id(1006).is_none());
        let again = store
            .install(&guid(1), &wide("/opt/x.so"), &[info(1, &[], "a")])
            .unwrap();
        assert_eq!(again, [1009]);
    }
}

#[test]
fn layered_entries_and_chains() {
    for (store, _) in stores("chains") {
        let layered = store
            .install(&guid(1), &wide("/opt/lsp.so"), &[info(0, &[], "LSP")])
            .unwrap()[0];
        let chain = store
            .install(
                &guid(2),
                &wide("/opt/lsp.so"),
                &[info(2, &[layered, 1001], "LSP over TCP")],
            )
            .unwrap()[0];
        let mut top = store.load().unwrap();
        assert_eq!(top.by_id(chain).unwrap().info.ProtocolChain.ChainLen, 2);
        // A 7-long chain: six layers over a base.
        let mut layers = Vec::new();
        for n in 0..6 {
            layers.push(
                store
                    .install(&guid(10 + n), &wide("/opt/l.so"), &[info(0, &[], "L")])
                    .unwrap()[0],
            );
        }
        layers.push(1004);
        store
            .install(&guid(30), &wide("/opt/l.so"), &[info(7, &layers, "deep")])
            .unwrap();
        top = store.load().unwrap();
        assert_eq!(top.entries().len(), 4 + 2 + 6 + 1);
    }
}

#[test]
fn refused_installs_change_nothing() {
    for (store, file) in stores("refused") {
        store
            .install(&guid(1), &wide("/opt/x.so"), &[info(1, &[], "x")])
            .unwrap();
        let layered = store
            .install(&guid(2), &wide("/opt/l.so"), &[info(0, &[], "l")])
            .unwrap()[0];
        let e = refused(&store, &file, WSANO_RECOVERY, |s| {
            s.install(&guid(1), &wide("/opt/y.so"), &[info(1, &[], "y")])
        });
        assert!(e.to_string().contains("already installed"), "{e}");
        // A duplicate inside a failing list does not install the good ones either.
        let inval = WinError::WSAEINVAL;
        refused(&store, &file, inval, |s| {
            s.install(&guid(3), &wide("/opt/x.so"), &[])
        });
        refused(&store, &file, inval, |s| {
            s.install(&guid(3), &wide("x.so"), &[info(1, &[], "rel")])
        });
        refused(&store, &file, inval, |s| {
            s.install(
                &guid(3),
                &wide("%WS2EMU_SURELY_UNSET%/x.so"),
                &[info(1, &[], "rel")],
            )
        });
        refused(&store, &file, inval, |s| {
            s.install(&guid(3), &wide(""), &[info(1, &[], "empty")])
        });
        for len in [8, -1, i32::MAX] {
            let e = refused(&store, &file, inval, |s| {
                s.install(
                    &guid(3),
                    &wide("/x.so"),
                    &[info(1, &[], "ok"), info(len, &[], "bad")],
                )
            });
            assert!(e.to_string().contains("ChainLen"), "{e}");
        }
        // Chains naming unknown ids, a non-base last element, a non-layered middle element.
        for chain in [
            vec![layered, 4242],
            vec![4242, 1001],
            vec![layered, layered],
            vec![1001, 1002],
        ] {
            refused(&store, &file, inval, |s| {
                s.install(&guid(3), &wide("/x.so"), &[info(2, &chain, "c")])
            });
        }
        // A chain may not name an entry of the same install (its id does not exist yet).
        let next = store.load().unwrap().next_id();
        refused(&store, &file, inval, |s| {
            s.install(
                &guid(3),
                &wide("/x.so"),
                &[info(0, &[], "l"), info(2, &[next, 1001], "c")],
            )
        });
    }
}

#[test]
fn deinstall_update_and_order_errors() {
    for (store, file) in stores("errors") {
        let inval = WinError::WSAEINVAL;
        refused(&store, &file, inval, |s| s.deinstall(&guid(9)));
        let ids = store
            .install(
                &guid(1),
                &wide("/opt/x.so"),
                &[info(1, &[], "a"), info(1, &[], "b")],
            )
            .unwrap();
        let other = store
            .install(&guid(2), &wide("/opt/y.so"), &[info(1, &[], "c")])
            .unwrap()[0];

        // Update: unknown GUID, empty list, foreign id, unknown id, duplicate id, bad path.
        let mut a = info(1, &[], "a2");
        a.dwCatalogEntryId = ids[0];
        refused(&store, &file, inval, |s| {
            s.update(&guid(9), &wide("/z.so"), &[a])
        });
        refused(&store, &file, inval, |s| {
            s.update(&guid(1), &wide("/z.so"), &[])
        });
        let mut foreign = a;
        foreign.dwCatalogEntryId = other;
        refused(&store, &file, inval, |s| {
            s.update(&guid(1), &wide("/z.so"), &[foreign])
        });
        let mut unknown = a;
        unknown.dwCatalogEntryId = 4242;
        refused(&store, &file, inval, |s| {
            s.update(&guid(1), &wide("/z.so"), &[unknown])
        });
        refused(&store, &file, inval, |s| {
            s.update(&guid(1), &wide("/z.so"), &[a, a])
        });
        refused(&store, &file, inval, |s| {
            s.update(&guid(1), &wide("z.so"), &[a])
        });
        let mut bad_chain = a;
        bad_chain.ProtocolChain.ChainLen = 9;
        refused(&store, &file, inval, |s| {
            s.update(&guid(1), &wide("/z.so"), &[bad_chain])
        });

        // A good update replaces the listed entry, keeps ids and order, moves the path.
        let order_before: Vec<u32> = store
            .load()
            .unwrap()
            .entries()
            .iter()
            .map(CatalogEntry::id)
            .collect();
        store.update(&guid(1), &wide("/z.so"), &[a]).unwrap();
        let after = store.load().unwrap();
        let order_after: Vec<u32> = after.entries().iter().map(CatalogEntry::id).collect();
        assert_eq!(order_before, order_after);
        let mut expected = a;
        expected.ProviderId = guid(1);
        assert!(same_info(&after.by_id(ids[0]).unwrap().info, &expected));
        assert_eq!(after.by_id(ids[1]).unwrap().path, wide("/z.so"));
        assert_eq!(after.by_id(other).unwrap().path, wide("/opt/y.so"));

        // Order: wrong count, missing id, duplicate id, unknown id.
        let mut order = order_after.clone();
        refused(&store, &file, inval, |s| s.write_order(&order[1..]));
        refused(&store, &file, inval, |s| s.write_order(&[]));
        let mut longer = order.clone();
        longer.push(order[0]);
        refused(&store, &file, inval, |s| s.write_order(&longer));
        let mut duplicate = order.clone();
        duplicate[1] = duplicate[0];
        refused(&store, &file, inval, |s| s.write_order(&duplicate));
        let mut unknown_id = order.clone();
        unknown_id[0] = 4242;
        refused(&store, &file, inval, |s| s.write_order(&unknown_id));
        order.reverse();
        store.write_order(&order).unwrap();
        let reordered: Vec<u32> = store
            .load()
            .unwrap()
            .entries()
            .iter()
            .map(CatalogEntry::id)
            .collect();
        assert_eq!(reordered, order);
    }
}

#[test]
fn enumeration_visibility_and_filters() {
    let mut catalog = Catalog::default();
    catalog
        .install(&guid(1), &wide("/l.so"), &[info(0, &[], "layered")])
        .unwrap();
    let mut hidden = info(1, &[], "hidden");
    hidden.dwProviderFlags |= abi::PFL_HIDDEN;
    catalog
        .install(&guid(2), &wide("/h.so"), &[hidden])
        .unwrap();
    let mut raw = info(1, &[], "raw");
    raw.iProtocol = 0;
    raw.iProtocolMaxOffset = 255;
    catalog.install(&guid(3), &wide("/r.so"), &[raw]).unwrap();
    let names = |list: Vec<WSAPROTOCOL_INFOW>| -> Vec<u32> {
        list.iter().map(|i| i.dwCatalogEntryId).collect()
    };
    assert_eq!(
        names(catalog.enumerate(None, Visibility::All)),
        [1001, 1002, 1004, 1005, 1006, 1007, 1008]
    );
    assert_eq!(
        names(catalog.enumerate(None, Visibility::Application)),
        [1001, 1002, 1004, 1005, 1008],
        "no layered, no PFL_HIDDEN"
    );
    // Item 52: 6 lies in [iProtocol, iProtocol + iProtocolMaxOffset]; the iProtocol-0 entry
    // with offset 255 matches both 6 and 17.
    assert_eq!(
        names(catalog.enumerate(Some(&[abi::IPPROTO_TCP]), Visibility::All)),
        [1001, 1004, 1006, 1007, 1008]
    );
    assert_eq!(
        names(catalog.enumerate(Some(&[abi::IPPROTO_UDP]), Visibility::Application)),
        [1002, 1005, 1008]
    );
    assert_eq!(
        names(catalog.enumerate(Some(&[256]), Visibility::All)),
        [] as [u32; 0]
    );
    assert_eq!(
        names(catalog.enumerate(Some(&[]), Visibility::All)),
        [] as [u32; 0]
    );
    // A range reaching past i32::MAX does not overflow.
    let mut wide_range = info(1, &[], "big");
    wide_range.iProtocol = i32::MAX - 1;
    wide_range.iProtocolMaxOffset = i32::MAX;
    catalog
        .install(&guid(4), &wide("/b.so"), &[wide_range])
        .unwrap();
    assert_eq!(
        names(catalog.enumerate(Some(&[i32::MAX]), Visibility::All)),
        [1009]
    );
}

#[test]
fn reset_rewrites_the_default_and_keeps_a_backup() {
    let dir = scratch("reset");
    let path = dir.join("catalog");
    let store = Store::file(&path);
    store
        .install(&guid(1), &wide("/x.so"), &[info(1, &[], "x")])
        .unwrap();
    let old = bytes(&path).unwrap();
    let reset = store.reset().unwrap();
    assert_eq!(
        reset.backup.as_deref(),
        Some(dir.join("catalog.bak").as_path())
    );
    assert_eq!(bytes(&dir.join("catalog.bak")).unwrap(), old);
    let fresh = store.load().unwrap();
    assert_eq!(fresh.entries(), Catalog::default().entries());
    assert_eq!(fresh.next_id(), 1007, "ids are not reused after a reset");
    // A corrupt file can be reset; its bytes are kept in the backup.
    std::fs::write(&path, b"garbage").unwrap();
    store.reset().unwrap();
    assert_eq!(bytes(&dir.join("catalog.bak")).unwrap(), b"garbage");
    assert_eq!(store.load().unwrap(), Catalog::default());
}

#[test]
fn a_corrupt_file_is_reported_and_left_alone() {
    let dir = scratch("corrupt");
    let path = dir.join("catalog");
    let good = serialize(&Catalog::default());
    let bad_guid = good.replacen(
        "ProviderId = {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}",
        "ProviderId = {E70F1AA0-AB8B-11CF-8CA3}",
        1,
    );
    let guid_line = bad_guid
        .lines()
        .position(|l| l.contains("{E70F1AA0-AB8B-11CF-8CA3}"))
        .unwrap()
        + 1;
    let cases: Vec<(Vec<u8>, Option<usize>, &str)> = vec![
        (
            bad_guid.into_bytes(),
            Some(guid_line),
            "bad GUID \"{E70F1AA0-AB8B-11CF-8CA3}\"",
        ),
        (
            good[..good.rfind("\n[end]").unwrap()].into(),
            None,
            "without [end]",
        ),
        (
            good[..good.len() / 2].into(),
            None,
            "expected \"key = value\"",
        ),
        (Vec::new(), None, "empty"),
        (
            good.replacen("ws2emu-catalog 1", "ws2emu-catalog 3", 1)
                .into_bytes(),
            Some(3),
            "unsupported format version 3",
        ),
        (
            good.replacen("iProtocol = 6", "iProtocol = six", 1)
                .into_bytes(),
            None,
            "bad number \"six\"",
        ),
        (
            good.replacen("iProtocol = 6\n", "", 1).into_bytes(),
            None,
            "lacks iProtocol",
        ),
        (
            good.replacen("iVersion = 2", "iVersion = 2\niVersion = 2", 1)
                .into_bytes(),
            None,
            "twice",
        ),
        (
            good.replacen("dwCatalogEntryId = 1002", "dwCatalogEntryId = 1001", 1)
                .into_bytes(),
            None,
            "1001 appears twice",
        ),
        (
            good.replacen("next-id = 1006", "next-id = 1005", 1)
                .into_bytes(),
            None,
            "ids would be reused",
        ),
        (
            good.replacen("ChainLen = 1", "ChainLen = 8", 1)
                .into_bytes(),
            None,
            "ChainLen 8",
        ),
        (
            good.replacen("iVersion", "iVerzion", 1).into_bytes(),
            None,
            "unknown key \"iVerzion\"",
        ),
        (
            good.replacen("MSAFD Tcpip [TCP/IP]\"", "MSAFD Tcpip [TCP/IP]", 1)
                .into_bytes(),
            None,
            "quoted string",
        ),
        (
            [&good.as_bytes()[..40], b"\xff\xfe", &good.as_bytes()[40..]].concat(),
            Some(1),
            "not UTF-8",
        ),
    ];
    for (content, line, problem) in cases {
        std::fs::write(&path, &content).unwrap();
        let store = Store::file(&path);
        let e = store.load().expect_err(problem);
        assert_eq!(e.code(), WSANO_RECOVERY);
        assert_eq!(e.file_path(), Some(path.as_path()), "{e}");
        let text = e.to_string();
        assert!(text.starts_with(&format!("{}: ", path.display())), "{text}");
        assert!(text.contains(problem), "{text} lacks {problem}");
        if let Some(line) = line {
            assert_eq!(e.line(), Some(line), "{text}");
            assert!(text.contains(&format!(": line {line}: ")), "{text}");
        }
        assert!(!text.contains('\n'), "one line: {text}");
        // Neither reads nor refused changes touch the file.
        let e2 = store
            .install(&guid(1), &wide("/x.so"), &[info(1, &[], "x")])
            .expect_err("install on a corrupt file");
        assert_eq!(e2, e);
        assert!(store.deinstall(&BASE_PROVIDER_IPV4).is_err());
        assert!(store.write_order(&[1001]).is_err());
        assert!(store.provider_path(&BASE_PROVIDER_IPV4).is_err());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            content,
            "{problem}: file changed"
        );
    }
    // A line number points at the right line for an entry-level problem too.
    let missing = good.replacen("iProtocol = 6\n", "", 1);
    std::fs::write(&path, &missing).unwrap();
    let e = Store::file(&path).load().unwrap_err();
    let entry_line = missing.lines().position(|l| l == "[entry]").unwrap() + 1;
    assert_eq!(e.line(), Some(entry_line), "{e}");
}

#[test]
fn an_unreadable_path_names_the_file() {
    let dir = scratch("unreadable");
    let path = dir.join("no-such-dir").join("catalog");
    let e = Store::file(&path).load().unwrap_err();
    assert_eq!(e.code(), WSANO_RECOVERY);
    assert!(
        e.to_string().starts_with(&path.display().to_string()),
        "{e}"
    );
    // A directory where the file should be.
    let e = Store::file(&dir).load().unwrap_err();
    assert!(e.to_string().contains("cannot read"), "{e}");
}

/// The GUID a child installs as its `n`th provider.
fn child_guid(child: u32, n: u32) -> GUID {
    guid((child << 12) | n)
}

/// Child role: installs providers into `CATALOG_TEST_FILE`, printing `installed N` after each.
/// `CATALOG_TEST_CHILD=install:K:COUNT` (child K installs COUNT providers).
#[test]
fn child_installer() {
    let Ok(role) = std::env::var(CHILD_ROLE) else {
        return; // not a child: nothing to do
    };
    let path = std::env::var(CHILD_FILE).expect("child without a catalog file");
    let parts: Vec<u32> = role
        .strip_prefix("install:")
        .unwrap()
        .split(':')
        .map(|p| p.parse().unwrap())
        .collect();
    let (child, count) = (parts[0], parts[1]);
    let store = Store::file(path);
    let mut out = std::io::stdout().lock();
    for n in 0..count {
        let mut entry = info(1, &[], "child");
        entry.dwProviderReserved = (child << 16) | n;
        store
            .install(&child_guid(child, n), &wide("/opt/child.so"), &[entry])
            .unwrap();
        use std::io::Write;
        writeln!(out, "installed {n}").unwrap();
        out.flush().unwrap();
    }
}

fn spawn_child(path: &Path, role: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_installer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ROLE, role)
        .env(CHILD_FILE, path)
        .env_remove("WS2EMU_CATALOG")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child")
}

/// Every entry a child installed must be complete: all fields as the child wrote them.
fn check_child_entries(catalog: &Catalog, child: u32) -> usize {
    let mut found = 0;
    for entry in catalog.entries() {
        if entry.info.ProviderId.Data1 & 0xFFFF_F000 != 0xC0DE_0000 | (child << 12) {
            continue;
        }
        let n = entry.info.ProviderId.Data1 & 0xFFF;
        let mut expected = info(1, &[], "child");
        expected.dwProviderReserved = (child << 16) | n;
        expected.ProviderId = child_guid(child, n);
        expected.dwCatalogEntryId = entry.id();
        assert!(
            same_info(&entry.info, &expected),
            "entry {} is damaged",
            entry.id()
        );
        assert_eq!(entry.path, wide("/opt/child.so"));
        found += 1;
    }
    found
}

#[test]
fn two_processes_installing_concurrently_lose_nothing() {
    let dir = scratch("concurrent");
    let path = dir.join("catalog");
    let children: Vec<_> = (1..=2)
        .map(|k| spawn_child(&path, &format!("install:{k}:50")))
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "child failed: {out:?}");
    }
    let catalog = Store::file(&path).load().unwrap();
    assert_eq!(check_child_entries(&catalog, 1), 50);
    assert_eq!(check_child_entries(&catalog, 2), 50);
    assert_eq!(catalog.entries().len(), 4 + 100);
    let mut ids: Vec<u32> = catalog.entries().iter().map(CatalogEntry::id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 104, "catalog ids are unique");
    assert_eq!(catalog.next_id(), 1006 + 100);
    assert_eq!(*ids.last().unwrap(), 1105);
}

#[test]
fn a_writer_killed_mid_write_leaves_a_valid_catalog() {
    let dir = scratch("killed");
    let path = dir.join("catalog");
    let mut child = spawn_child(&path, "install:3:4000");
    // Wait until the child has stored some entries (it reports each after its rename), then
    // kill it while it keeps writing.
    let stdout = child.stdout.take().unwrap();
    let mut reported = 0;
    for line in std::io::BufReader::new(stdout).lines() {
        if line.unwrap().starts_with("installed ") {
            reported += 1;
            if reported == 20 {
                break;
            }
        }
    }
    assert_eq!(reported, 20, "the child stopped early");
    let stored_before_kill = check_child_entries(&Store::file(&path).load().unwrap(), 3);
    assert!(stored_before_kill >= 20);
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the child finished before the kill: {status:?}"
    );

    let store = Store::file(&path);
    let catalog = store.load().expect("the catalog is valid after the kill");
    let found = check_child_entries(&catalog, 3);
    assert!(
        found >= stored_before_kill,
        "entries were lost: {found} < {stored_before_kill}"
    );
    // The kill released the lock: a new installer proceeds.
    store
        .install(&guid(0xABC), &wide("/x.so"), &[info(1, &[], "after")])
        .unwrap();
    assert_eq!(check_child_entries(&store.load().unwrap(), 3), found);
}
