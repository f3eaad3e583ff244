//! The name-resolution and address-conversion exports from C (tests/c/names.c), built with the
//! pkg-config flags and run natively and under valgrind with the default catalog and the
//! built-in base provider; the same source is checked as Windows C with the mingw-w64 cross
//! compiler (`-fsyntax-only`; required when WS2EMU_REQUIRE_MINGW is set).

mod common;

use std::path::PathBuf;
use std::process::Command;

fn source() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/names.c")
}

/// Builds names.c once per test process (the tests of this file run in parallel and must not
/// rebuild, or delete, the executable another one is running).
fn build() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_once).clone()
}

fn build_once() -> PathBuf {
    common::shared_library();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
        .args(
            common::profile_dir()
                .ends_with("release")
                .then_some("--release"),
        )
        .status()
        .expect("cargo build -p ws2-base");
    assert!(status.success(), "building libws2_base.so failed");
    let exe = common::scratch("names-c").join("names");
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "ws2emu"])
        .env("PKG_CONFIG_PATH", common::profile_dir())
        .output()
        .expect("pkg-config");
    let flags = String::from_utf8_lossy(&flags.stdout).to_string();
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g"])
        .arg(source())
        .arg("-o")
        .arg(&exe)
        .args(flags.split_whitespace())
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "names.c:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn run(program: &std::ffi::OsStr, args: &[std::ffi::OsString]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .env_remove("WS2EMU_CATALOG")
        .env_remove("WS2EMU_LIBDIR")
        .output()
        .unwrap_or_else(|e| panic!("run {program:?}: {e}"))
}

fn assert_clean(out: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("names: ") && stdout.contains(" 0 failed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn names_c_natively() {
    let exe = build();
    assert_clean(&run(exe.as_os_str(), &[]));
}

#[test]
fn names_c_under_valgrind() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("WS2EMU_REQUIRE_VALGRIND").is_none(),
            "valgrind is required"
        );
        eprintln!("SKIPPED: valgrind not installed");
        return;
    }
    let exe = build();
    let args: Vec<std::ffi::OsString> = [
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--quiet",
    ]
    .iter()
    .map(Into::into)
    .chain([exe.into_os_string()])
    .collect();
    assert_clean(&run("valgrind".as_ref(), &args));
}

#[test]
fn names_c_is_windows_c() {
    const MINGW: &str = "x86_64-w64-mingw32-gcc";
    if Command::new(MINGW).arg("--version").output().is_err() {
        assert!(
            std::env::var_os("WS2EMU_REQUIRE_MINGW").is_none(),
            "{MINGW} is required (WS2EMU_REQUIRE_MINGW is set)"
        );
        eprintln!("SKIPPED: {MINGW} not installed");
        return;
    }
    let out = Command::new(MINGW)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
        .arg(source())
        .output()
        .expect("run the mingw-w64 compiler");
    assert!(
        out.status.success(),
        "names.c is not valid Windows C:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
