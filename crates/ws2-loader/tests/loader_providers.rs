//! Provider start-up through the process-wide loader of libws2_32 (`ws2_32::loader`) with the
//! real upcall table: WSPStartup negotiation, the documented errors for broken providers
//! (10104/10105/10106), one WSPStartup and one WSPCleanup per provider, upcalls from inside
//! WSPStartup, a two-level layered chain over a mock base provider, and nothing left loaded
//! after a failure (spec §4.1, §4.3, checklist 58–65).
//!
//! Process-wide state: the started-provider registry and the catalog of this test process.
//! Every test takes `SERIAL` (tests in this binary run one at a time; other test binaries are
//! other processes).
#![allow(unsafe_code)] // the C ABI exports are `unsafe extern "system"` functions

mod provider_kit;

use provider_kit::*;
use std::sync::{Mutex, MutexGuard};
use ws2_32::loader::{cleanup_providers, loader, start_provider};
use ws2_32::upcalls::upcall_table;
use ws2_abi::*;
use ws2_core::WinError;
use ws2_os::is_mapped;

static SERIAL: Mutex<()> = Mutex::new(());

/// Takes the lock, and cleans up what a failed earlier test may have left started.
fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    cleanup_providers();
    guard
}

const E10104: WinError = WinError(WSAEINVALIDPROCTABLE as u32);
const E10105: WinError = WinError(WSAEINVALIDPROVIDER as u32);
const E10106: WinError = WinError(WSAEPROVIDERFAILEDINIT as u32);

#[test]
fn a_good_provider_starts_once_per_guid_and_is_cleaned_up_once() {
    let _serial = serial();
    let held = Held::new("libmock_good.so");
    let id = push_base(guid(1), "libmock_good.so");
    let second_id = push_base(guid(1), "libmock_good.so");

    let started = start_provider(id).expect("start");
    assert_eq!(held.int("startup_calls"), 1);
    assert_eq!(held.word("version_requested"), 0x0202, "checklist 58: 2.2");
    let seen = held.info("info_seen");
    assert_eq!(
        seen.dwCatalogEntryId, id,
        "checklist 58: the selected entry"
    );
    assert_eq!(seen.ProtocolChain.ChainLen, 1);
    assert_eq!(started.data().wVersion, 0x0202);
    assert!(ws2_loader::provider::first_null_slot(started.procs()).is_none());

    let again = start_provider(second_id).expect("second entry, same GUID");
    assert!(
        std::sync::Arc::ptr_eq(&started, &again),
        "one provider per GUID"
    );
    assert_eq!(held.int("startup_calls"), 1, "one WSPStartup per provider");
    assert_eq!(
        slots(&held.upcalls()[0]),
        slots(&upcall_table()),
        "checklist 64: the real upcall table"
    );

    assert_eq!(cleanup_providers(), 1);
    assert_eq!(held.int("cleanup_calls"), 1, "checklist 63");
    assert_eq!(cleanup_providers(), 0, "nothing left to clean up");
    assert_eq!(held.int("cleanup_calls"), 1);
    let path = provider("libmock_good.so");
    drop(held);
    assert!(!is_mapped(&path), "unloaded after cleanup");
}

/// Starts `file` through a fresh entry, expects `error`, and checks the provider's calls and
/// that nothing stays loaded. Returns (startup_calls, cleanup_calls).
fn expect_failure(file: &str, n: u32, error: WinError) -> (i32, i32) {
    let path = provider(file);
    let id = push_base(guid(n), path.to_str().unwrap());
    let counts = {
        let held = Held::new(file);
        assert_eq!(start_provider(id).err(), Some(error), "{file}");
        (held.int("startup_calls"), held.int("cleanup_calls"))
    };
    assert!(!is_mapped(&path), "{file} stays loaded after the failure");
    // Without our reference too: the loader's own reference is gone.
    assert_eq!(
        start_provider(id).err(),
        Some(error),
        "{file}, second attempt"
    );
    assert!(
        !is_mapped(&path),
        "{file} stays loaded after the second failure"
    );
    assert_eq!(loader().started_count(), 0);
    counts
}

#[test]
fn a_null_proc_table_slot_is_wsaeinvalidproctable_after_one_cleanup() {
    let _serial = serial();
    assert_eq!(
        expect_failure("libmock_null_slot.so", 2, E10104),
        (1, 1),
        "checklist 62"
    );
}

#[test]
fn version_1_1_is_wsaeinvalidprovider_after_one_cleanup() {
    let _serial = serial();
    assert_eq!(
        expect_failure("libmock_v11.so", 3, E10105),
        (1, 1),
        "checklist 61"
    );
}

#[test]
fn a_failing_wspstartup_is_wsaeproviderfailedinit_without_cleanup() {
    let _serial = serial();
    assert_eq!(
        expect_failure("libmock_failing.so", 4, E10106),
        (1, 0),
        "checklist 59"
    );
}

#[test]
fn no_wspstartup_export_fails_even_when_a_dependency_has_one() {
    let _serial = serial();
    let path = provider("libno_startup.so");
    let dependency = provider("libmock_good.so");
    let id = push_base(guid(5), path.to_str().unwrap());
    assert_eq!(start_provider(id).err(), Some(E10106), "checklist 60");
    assert!(!is_mapped(&path));
    assert!(!is_mapped(&dependency), "its dependency is unloaded too");
}

#[test]
fn unloadable_libraries_and_relative_paths_are_wsaeproviderfailedinit() {
    let _serial = serial();
    let missing = provider_dir().join("libmissing.so");
    let cases = [
        missing.to_str().unwrap().to_string(),
        provider("libnot_elf.so").to_str().unwrap().to_string(),
        provider("libunresolved.so").to_str().unwrap().to_string(),
        "libmock_good.so".to_string(),
        "%WS2EMU_TEST_UNSET_VARIABLE%/libmock_good.so".to_string(),
        relative_to_cwd(&provider("libmock_good.so")),
    ];
    for (n, path) in cases.iter().enumerate() {
        let id = push_entry(guid(100 + n as u32), path, &[0]);
        assert_eq!(start_provider(id).err(), Some(E10106), "{path}");
    }
    assert!(
        !is_mapped(&provider("libmock_good.so")),
        "a relative path that exists from the current directory is never loaded"
    );
    assert!(!is_mapped(&provider("libunresolved.so")));
    assert_eq!(
        start_provider(0xFFFF_FFF0).err(),
        Some(WinError::WSAEINVAL),
        "unknown catalog id"
    );
}

/// A relative path (with '/') that reaches `path` from the current directory.
fn relative_to_cwd(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().unwrap();
    let ups = cwd.components().count() - 1;
    let mut relative = "../".repeat(ups);
    relative.push_str(path.to_str().unwrap().trim_start_matches('/'));
    assert!(std::path::Path::new(&relative).exists());
    relative
}

#[test]
fn upcalls_work_from_inside_wspstartup_and_wsacleanup_runs_the_cleanup() {
    let _serial = serial();
    let mut data = std::mem::MaybeUninit::<WSADATA>::zeroed();
    // SAFETY: a writable WSADATA.
    assert_eq!(
        unsafe { ws2_32::winsock::WSAStartup(0x0202, data.as_mut_ptr()) },
        0
    );
    let held = Held::new("libupcall_provider.so");
    let stored = "%WS2EMU_TEST_PROVIDER_DIR%/libupcall_provider.so";
    std::env::set_var("WS2EMU_TEST_PROVIDER_DIR", provider_dir());
    install_path(guid(6), stored);
    let id = push_entry(guid(6), stored, &[0]);

    start_provider(id).expect("start");
    assert_eq!(
        held.int("path_result"),
        0,
        "WPUGetProviderPath from WSPStartup"
    );
    assert_eq!(held.int("path_length") as usize, stored.len());
    assert_eq!(
        held.int("event_ok"),
        1,
        "WPUCreateEvent/SetEvent/CloseEvent"
    );
    assert_eq!(
        held.int("socket_ok"),
        1,
        "WPUCreateSocketHandle/Query/Close"
    );

    assert_eq!(ws2_32::winsock::WSACleanup(), 0);
    assert_eq!(held.int("startup_calls"), 1);
    assert_eq!(
        held.int("cleanup_calls"),
        1,
        "the last WSACleanup runs WSPCleanup (checklist 63)"
    );
    assert_eq!(loader().started_count(), 0);
}

#[test]
fn a_two_level_layered_chain_loads_its_lower_layers_the_windows_way() {
    let _serial = serial();
    std::env::set_var("WS2EMU_TEST_PROVIDER_DIR", provider_dir());
    let [ga, gb, gbase] = [
        lsp_guid(0x5A5A_0001, 0x1111, 0x4111, 0x81, 0x11, 0x01),
        lsp_guid(0x5A5A_0002, 0x2222, 0x4222, 0x82, 0x22, 0x02),
        lsp_guid(0x5A5A_0003, 0x3333, 0x4333, 0x83, 0x33, 0x03),
    ];
    // As installers do: the base entry, the layered entries (ChainLen 0), then the chain.
    let base = push_entry(gbase, "%WS2EMU_TEST_PROVIDER_DIR%/libmock_base.so", &[0]);
    let layer_b = push_entry(gb, "%WS2EMU_TEST_PROVIDER_DIR%/liblsp_b.so", &[]);
    let layer_a = push_entry(ga, "%WS2EMU_TEST_PROVIDER_DIR%/liblsp_a.so", &[]);
    let chain = push_entry(
        ga,
        "%WS2EMU_TEST_PROVIDER_DIR%/liblsp_a.so",
        &[layer_a, layer_b, base],
    );
    std::env::set_var("WS2EMU_TEST_LSP_IDS", format!("{layer_a} {layer_b} {base}"));

    install_path(gb, "%WS2EMU_TEST_PROVIDER_DIR%/liblsp_b.so");
    install_path(gbase, "%WS2EMU_TEST_PROVIDER_DIR%/libmock_base.so");
    let (a, b, mock_base) = (
        Held::new("liblsp_a.so"),
        Held::new("liblsp_b.so"),
        Held::new("libmock_base.so"),
    );
    let top = start_provider(chain).expect("start the chain");
    assert_eq!(a.int("lower_result"), 0);
    assert_eq!(b.int("lower_result"), 0);
    assert_eq!(
        [
            a.int("startup_calls"),
            b.int("startup_calls"),
            mock_base.int("startup_calls")
        ],
        [1, 1, 1]
    );
    let a_info = a.info("info_seen");
    assert_eq!(a_info.dwCatalogEntryId, chain, "the chain entry itself");
    assert_eq!(a_info.ProtocolChain.ChainLen, 3);
    let b_info = b.info("info_seen");
    assert_eq!(
        b_info.dwCatalogEntryId, chain,
        "a lower layer gets the chain unchanged"
    );
    let base_info = mock_base.info("info_seen");
    assert_eq!(
        (base_info.ProtocolChain.ChainLen, base_info.dwCatalogEntryId),
        (1, base),
        "checklist 65: the base gets its own entry, not the chain"
    );
    assert_eq!(base_info.ProviderId, gbase);
    let real = slots(&upcall_table());
    for held in [&a, &b, &mock_base] {
        for table in held.upcalls() {
            assert_eq!(slots(&table), real, "checklist 64: identical in every copy");
        }
    }
    // The lower layers were loaded by this process's LoadLibraryW (one module registry).
    assert_eq!(
        ws2_loader::module::reference_count(b.module),
        2,
        "ours + LSP A's"
    );
    assert_eq!(
        ws2_loader::module::reference_count(mock_base.module),
        2,
        "ours + LSP B's"
    );
    assert!(ws2_loader::provider::first_null_slot(top.procs()).is_none());

    assert_eq!(
        cleanup_providers(),
        1,
        "one provider started by ws2_32: the chain's top"
    );
    assert_eq!(
        [
            a.int("cleanup_calls"),
            b.int("cleanup_calls"),
            mock_base.int("cleanup_calls")
        ],
        [1, 1, 1],
        "each WSPStartup matched by one WSPCleanup (checklist 63)"
    );
    assert_eq!(
        ws2_loader::module::reference_count(b.module),
        1,
        "LSP A freed B"
    );
    assert_eq!(ws2_loader::module::reference_count(mock_base.module), 1);
}

fn lsp_guid(d1: u32, d2: u16, d3: u16, b0: u8, b: u8, last: u8) -> GUID {
    GUID {
        Data1: d1,
        Data2: d2,
        Data3: d3,
        Data4: [b0, b, b, b, b, b, b, last],
    }
}

/// The ws2emu host-services extension: a provider exporting `ws2emu_attach_host` gets the host
/// table right after WSPStartup and completes requests on its IFS sockets through it, the way
/// the Windows I/O manager completes them; WPUCompleteOverlappedRequest stays refused for IFS
/// handles, as Windows documents.
#[test]
fn the_host_extension_completes_ifs_requests_like_the_io_manager() {
    use ws2_32::kernel32::{CloseHandle, CreateIoCompletionPort, GetQueuedCompletionStatus};
    let _serial = serial();
    let held = Held::new("libmock_host.so");
    let id = push_base(guid(40), "libmock_host.so");
    let _started = start_provider(id).expect("start");
    assert_eq!(
        held.int("host_attached"),
        1,
        "attached once, after WSPStartup"
    );
    assert_eq!(
        held.int("host_table_size") as usize,
        std::mem::size_of::<WS2EMU_HOST_TABLE>()
    );

    // An IFS socket of that provider (any open descriptor stands in for its socket).
    let file = std::fs::File::open("/proc/self/stat").unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&file) as SOCKET;
    // SAFETY: the upcalls are called with valid arguments.
    unsafe {
        let mut errno = 0;
        assert_eq!(
            upcall_table().lpWPUModifyIFSHandle.unwrap()(id, fd, &mut errno),
            fd
        );
        let port = CreateIoCompletionPort(fd as HANDLE, std::ptr::null_mut(), 0x77, 0);
        assert!(!port.is_null());
        let mut ov = WSAOVERLAPPED {
            Internal: WSS_OPERATION_IN_PROGRESS,
            InternalHigh: 0,
            Offset: 0,
            OffsetHigh: 0,
            hEvent: std::ptr::null_mut(),
        };
        let refused = ws2_32::upcalls::WPUCompleteOverlappedRequest(fd, &mut ov, 0, 5, &mut errno);
        assert_eq!(
            (refused, errno),
            (SOCKET_ERROR, WSAEINVAL),
            "checklist 88 still holds"
        );

        type HostComplete = unsafe extern "C" fn(SOCKET, LPWSAOVERLAPPED, DWORD, DWORD) -> i32;
        let complete: HostComplete = std::mem::transmute(held.export("host_complete"));
        assert_eq!(complete(fd, &mut ov, 0, 42), 0);
        assert_eq!((ov.InternalHigh, ov.Internal), (42, 0));
        let (mut bytes, mut key, mut done) = (0u32, 0usize, std::ptr::null_mut());
        assert_eq!(
            GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut done, 0),
            TRUE
        );
        assert_eq!((bytes, key, done), (42, 0x77, &mut ov as *mut _));
        assert_eq!(
            complete(0x1234, &mut ov, 0, 1),
            WSAEINVAL,
            "not a registered socket"
        );
        assert_eq!(
            complete(fd, std::ptr::null_mut(), 0, 1),
            WSA_INVALID_PARAMETER
        );
        CloseHandle(port);
        ws2_core::runtime().unregister_ifs(fd);
    }
    assert_eq!(cleanup_providers(), 1);
}

#[test]
fn a_provider_refusing_the_host_fails_to_start_and_is_cleaned_up() {
    let _serial = serial();
    let held = Held::new("libmock_host_refuses.so");
    let id = push_base(guid(41), "libmock_host_refuses.so");
    assert_eq!(start_provider(id).err(), Some(E10106));
    assert_eq!(
        (held.int("startup_calls"), held.int("cleanup_calls")),
        (1, 1),
        "matched by one WSPCleanup"
    );
}
