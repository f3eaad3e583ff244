//! The whole stack from C: a Windows-style client (tests/c/client_echo.c) built with the
//! pkg-config flags, reaching the built-in base provider through the default catalog and the
//! loader, natively and under valgrind.

mod common;

use std::process::Command;

/// Builds the client once per test process (the tests of this file run in parallel and must
/// not rebuild, or delete, the executable another one is running).
fn build_client() -> std::path::PathBuf {
    static BUILT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(build_client_once).clone()
}

fn build_client_once() -> std::path::PathBuf {
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
    let dir = common::scratch("client-echo");
    let exe = dir.join("client_echo");
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "ws2emu"])
        .env("PKG_CONFIG_PATH", common::profile_dir())
        .output()
        .expect("pkg-config");
    let flags = String::from_utf8_lossy(&flags.stdout).to_string();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/client_echo.c");
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g"])
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .args(flags.split_whitespace())
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "client_echo.c:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// Runs the client with the default catalog (never a user's) and the base provider beside
/// libws2_32 (the default of %WS2EMU_LIBDIR%).
fn run(program: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .env_remove("WS2EMU_CATALOG")
        .env_remove("WS2EMU_LIBDIR")
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

#[test]
fn client_echo_through_the_base_provider() {
    let exe = build_client();
    let out = run(exe.to_str().unwrap(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(
        out.status.success() && stdout.contains(" 0 failed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn client_echo_is_valgrind_clean() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("WS2EMU_REQUIRE_VALGRIND").is_none(),
            "valgrind is required"
        );
        eprintln!("SKIPPED: valgrind not installed");
        return;
    }
    let exe = build_client();
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
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let out = run("valgrind", &refs);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(" 0 failed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
