//! Who may put code into a process: a provider library that someone other than its owner and
//! root could change is refused before it is opened, with WSAEPROVIDERFAILEDINIT (10106), and
//! nothing of it is mapped; `WS2EMU_INSECURE_CATALOG=1` lets it load (ws2emu's counterpart of the
//! administrator-only catalog on Windows; see `ws2_os::check_trusted`).
//!
//! Process-wide state: the started-provider registry, the catalog of this test process and the
//! environment. Every test takes `SERIAL`.
#![allow(unsafe_code)] // provider_kit reads the providers' exports through raw pointers

mod provider_kit;

use provider_kit::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use ws2_32::loader::{cleanup_providers, start_provider};
use ws2_abi::WSAEPROVIDERFAILEDINIT;
use ws2_core::WinError;
use ws2_os::is_mapped;

static SERIAL: Mutex<()> = Mutex::new(());

const E10106: WinError = WinError(WSAEPROVIDERFAILEDINIT as u32);

fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    cleanup_providers();
    guard
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A private directory (0755) holding a fresh copy of the good mock provider (0755) under
/// `name`, so that no other test has it loaded.
fn private_copy(dir_name: &str, name: &str) -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("loader-trust-{dir_name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    chmod(&dir, 0o755);
    let lib = dir.join(name);
    std::fs::copy(provider("libmock_good.so"), &lib).unwrap();
    chmod(&lib, 0o755);
    (dir, lib)
}

fn entry(n: u32, path: &Path) -> u32 {
    push_entry(guid(n), path.to_str().unwrap(), &[0])
}

#[test]
fn a_group_writable_library_is_refused_until_fixed() {
    let _serial = serial();
    let (_dir, lib) = private_copy("group", "libtrust_group.so");
    chmod(&lib, 0o775);
    let id = entry(300, &lib);
    assert_eq!(start_provider(id).err(), Some(E10106));
    assert!(!is_mapped(&lib), "refused before dlopen");
    chmod(&lib, 0o755);
    assert!(
        start_provider(id).is_ok(),
        "the same entry once the mode is fixed"
    );
    assert!(is_mapped(&lib));
    assert_eq!(cleanup_providers(), 1);
}

#[test]
fn a_world_writable_directory_is_refused_a_sticky_one_is_not() {
    let _serial = serial();
    let (dir, lib) = private_copy("dir", "libtrust_dir.so");
    chmod(&dir, 0o777);
    let id = entry(301, &lib);
    assert_eq!(start_provider(id).err(), Some(E10106));
    assert!(!is_mapped(&lib));
    chmod(&dir, 0o1777);
    assert!(start_provider(id).is_ok(), "a sticky directory, like /tmp");
    assert_eq!(cleanup_providers(), 1);
    chmod(&dir, 0o755);
}

#[test]
fn a_symlink_to_a_writable_library_is_refused() {
    let _serial = serial();
    let (dir, lib) = private_copy("link", "libtrust_target.so");
    chmod(&lib, 0o757);
    let link = dir.join("libtrust_link.so");
    std::os::unix::fs::symlink(&lib, &link).unwrap();
    let id = entry(302, &link);
    assert_eq!(
        start_provider(id).err(),
        Some(E10106),
        "the target's mode counts"
    );
    assert!(!is_mapped(&lib));
}

#[test]
fn a_library_of_another_user_is_refused() {
    let _serial = serial();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc_geteuid() } != 0 {
        println!("skipped: chown to uid 65534 needs root");
        return;
    }
    let (_dir, lib) = private_copy("owner", "libtrust_owner.so");
    std::os::unix::fs::chown(&lib, Some(65534), None).unwrap();
    let id = entry(303, &lib);
    assert_eq!(start_provider(id).err(), Some(E10106));
    assert!(!is_mapped(&lib));
}

#[test]
fn the_variable_relaxes_the_check() {
    let _serial = serial();
    let (_dir, lib) = private_copy("relaxed", "libtrust_relaxed.so");
    chmod(&lib, 0o777);
    let id = entry(304, &lib);
    assert_eq!(start_provider(id).err(), Some(E10106));
    std::env::set_var(ws2_os::INSECURE_ENV, "1");
    let started = start_provider(id);
    std::env::remove_var(ws2_os::INSECURE_ENV);
    assert!(started.is_ok(), "{:?}", started.err());
    assert_eq!(cleanup_providers(), 1);
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}
