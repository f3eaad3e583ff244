//! Who may change the catalog: a catalog file that someone other than its owner and root could
//! change (its mode, its owner, a directory above it, or the target of a symlink to it) is
//! refused before it is read, with WSANO_RECOVERY and a message naming the file and the reason
//! (ws2emu's counterpart of the administrator-only catalog on Windows). The relaxing variable
//! (`WS2EMU_INSECURE_CATALOG=1`) is tested through the CLI (crates/ws2emu/tests/cli_trust.rs),
//! in child processes, so that this process's environment never changes.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use ws2_core::catalog::{Store, WSANO_RECOVERY};

/// A private directory (0755) under the cargo target directory with a valid catalog file
/// (0644) in it.
fn private_catalog(name: &str) -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("catalog-trust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    chmod(&dir, 0o755);
    let file = dir.join("catalog");
    Store::file(&file)
        .load()
        .expect("a private catalog is trusted");
    chmod(&file, 0o644);
    (dir, file)
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

const NOT_INSTALLED: ws2_abi::GUID = ws2_abi::GUID {
    Data1: 0x7275_5354,
    Data2: 1,
    Data3: 2,
    Data4: [3; 8],
};

/// Loads `file` (as named) expecting a refusal; returns the message.
fn refused(file: &Path) -> String {
    let before = std::fs::read(file).ok();
    let e = Store::file(file).load().unwrap_err();
    assert_eq!(e.code(), WSANO_RECOVERY, "{e}");
    assert_eq!(
        e.file_path(),
        Some(std::path::absolute(file).unwrap().as_path())
    );
    let message = e.to_string();
    assert!(
        message.starts_with(&format!("{}: refused: ", file.display())),
        "{message}"
    );
    assert!(message.contains("WS2EMU_INSECURE_CATALOG=1"), "{message}");
    // A refused install does not write either.
    assert!(Store::file(file).deinstall(&NOT_INSTALLED).is_err());
    assert_eq!(std::fs::read(file).ok(), before, "the file is left alone");
    message
}

#[test]
fn a_group_or_world_writable_file_is_refused() {
    let (_dir, file) = private_catalog("mode");
    chmod(&file, 0o664);
    assert!(refused(&file).ends_with("refused: group-writable (mode 0664) (only its owner and root may be able to change a catalog; WS2EMU_INSECURE_CATALOG=1 allows it for throwaway test directories)"));
    chmod(&file, 0o666);
    assert!(refused(&file).contains("refused: world-writable (mode 0666)"));
    chmod(&file, 0o600);
    assert!(Store::file(&file).load().is_ok());
}

#[test]
fn a_world_writable_directory_is_refused_unless_sticky() {
    let (dir, file) = private_catalog("dir");
    chmod(&dir, 0o777);
    let message = refused(&file);
    assert!(
        message.contains(&format!(
            "directory {} is world-writable without the sticky bit",
            dir.canonicalize().unwrap().display()
        )),
        "{message}"
    );
    // Not even created there when missing.
    let missing = dir.join("new-catalog");
    assert!(Store::file(&missing).load().is_err());
    assert!(!missing.exists());
    chmod(&dir, 0o1777);
    assert!(
        Store::file(&file).load().is_ok(),
        "a sticky, /tmp-like directory"
    );
    chmod(&dir, 0o775);
    assert!(refused(&file).contains("group-writable without the sticky bit"));
    chmod(&dir, 0o755);
    assert!(Store::file(&file).load().is_ok());
}

#[test]
fn a_symlink_to_a_writable_file_is_refused() {
    let (dir, file) = private_catalog("link");
    let link = dir.join("link");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    assert!(Store::file(&link).load().is_ok());
    chmod(&file, 0o646);
    let message = refused(&link);
    assert!(
        message.contains(&format!(
            "its target {} is world-writable (mode 0646)",
            file.canonicalize().unwrap().display()
        )),
        "{message}"
    );
    // The target's directories count too.
    chmod(&file, 0o644);
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    chmod(&sub, 0o777);
    let moved = sub.join("catalog");
    std::fs::rename(&file, &moved).unwrap();
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&moved, &link).unwrap();
    assert!(refused(&link).contains("world-writable without the sticky bit"));
}

#[test]
fn a_file_of_another_user_is_refused() {
    if !is_root() {
        println!("skipped: chown to uid 65534 needs root");
        return;
    }
    let (_dir, file) = private_catalog("owner");
    std::os::unix::fs::chown(&file, Some(65534), None).unwrap();
    assert!(refused(&file).contains("refused: owned by uid 65534, not by you (uid 0) or root"));
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // Whoever created a fresh file owns it.
    let probe = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("catalog-trust-uid-{}", std::process::id()));
    std::fs::write(&probe, b"").unwrap();
    let uid = std::fs::metadata(&probe).unwrap().uid();
    let _ = std::fs::remove_file(&probe);
    uid == 0
}
