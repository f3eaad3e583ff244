//! The build produces target/<profile>/ws2emu.pc, and a C client compiles with
//! `pkg-config --cflags --libs ws2emu` (plus -Wall -Wextra -Werror) and runs.

mod common;

use std::process::Command;

#[test]
fn c_client_builds_and_runs_with_pkg_config_flags() {
    common::shared_library();
    let pc_dir = common::profile_dir();
    assert!(
        pc_dir.join("ws2emu.pc").exists(),
        "ws2emu.pc not generated in {}",
        pc_dir.display()
    );
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "ws2emu"])
        .env("PKG_CONFIG_PATH", &pc_dir)
        .output()
        .expect("pkg-config (apt-get install pkg-config)");
    assert!(
        flags.status.success(),
        "pkg-config: {}",
        String::from_utf8_lossy(&flags.stderr)
    );
    let flags = String::from_utf8_lossy(&flags.stdout).to_string();

    let dir = common::scratch("pkg-config");
    let exe = dir.join("client");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/pkgconfig_client.c");
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .args(flags.split_whitespace())
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "compile with `{flags}`:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().expect("run client");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && stdout.contains(" 0 failed"),
        "client failed:\n{stdout}"
    );
}
