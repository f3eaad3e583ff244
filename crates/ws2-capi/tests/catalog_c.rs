//! The catalog from C (tests/c/catalog_wsc.c, a Wine-style program on the conformance suite's
//! harness): compiled with `-Wall -Wextra -Werror` against the shim headers, run natively and,
//! when valgrind is installed, under valgrind. The program points `WS2EMU_CATALOG` at its own
//! temporary file before its first Winsock call; the parent removes the variable as well, so a
//! user's catalog is never touched.

mod common;

use std::path::Path;
use std::process::Command;

fn compile() -> std::path::PathBuf {
    let lib_dir = common::shared_library()
        .parent()
        .expect("profile dir")
        .to_path_buf();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = common::scratch("catalog-c");
    let exe = dir.join("catalog_wsc");
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fshort-wchar"])
        .args(["-Wno-unknown-pragmas", "-g"])
        .arg("-I")
        .arg(root.join("tests/conformance/include"))
        .arg("-I")
        .arg(root.join("shims/include"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/catalog_wsc.c"))
        .arg("-o")
        .arg(&exe)
        .arg(format!("-L{}", lib_dir.display()))
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .arg("-lws2_32")
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "compile catalog_wsc.c:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn check(command: &mut Command) {
    let out = command
        .env_remove("WS2EMU_CATALOG")
        .output()
        .expect("run catalog_wsc");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(" 0 failed"),
        "catalog_wsc failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn catalog_c_program_passes_natively_and_under_valgrind() {
    let exe = compile();
    check(&mut Command::new(&exe));
    if Command::new("valgrind").arg("--version").output().is_ok() {
        check(
            Command::new("valgrind")
                .args(["-q", "--error-exitcode=9", "--leak-check=full"])
                .arg(&exe)
                .env("WSTEST_VALGRIND", "1"),
        );
    }
}
