//! The library never exports a symbol that libc also exports (it would interpose libc for the
//! whole process, including our own base provider), and it exports the Winsock-only names under
//! their own spelling.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

fn defined_dynamic_symbols(path: &std::path::Path) -> BTreeSet<String> {
    let out = Command::new("nm")
        .args(["-D", "--defined-only", "--format=just-symbols"])
        .arg(path)
        .output()
        .expect("nm");
    assert!(
        out.status.success(),
        "nm {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('@').next().unwrap_or(l).to_string())
        .collect()
}

fn libc_path() -> std::path::PathBuf {
    let out = Command::new("gcc")
        .arg("-print-file-name=libc.so.6")
        .output()
        .expect("gcc");
    let path = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(
        path.is_absolute() && path.exists(),
        "cannot locate libc.so.6: {}",
        path.display()
    );
    path
}

#[test]
fn no_exported_symbol_is_also_a_libc_symbol() {
    let ours = defined_dynamic_symbols(&common::shared_library());
    let libc = defined_dynamic_symbols(&libc_path());
    assert!(
        libc.contains("socket") && libc.contains("select"),
        "libc symbol list looks wrong"
    );
    let clashes: Vec<_> = ours.intersection(&libc).collect();
    assert!(
        clashes.is_empty(),
        "libws2_32.so exports libc names: {clashes:?}"
    );
}

#[test]
fn winsock_only_names_keep_their_spelling() {
    let ours = defined_dynamic_symbols(&common::shared_library());
    for name in [
        "__WSAFDIsSet",
        "WSAGetLastError",
        "WSASetLastError",
        "GetLastError",
        "SetLastError",
    ] {
        assert!(ours.contains(name), "{name} is not exported: {ours:?}");
    }
}
