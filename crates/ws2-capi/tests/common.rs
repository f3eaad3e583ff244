//! Helpers shared by the C ABI integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// target/<profile>, where cargo puts libws2_32.so and ws2emu.pc.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    // target/<profile>/deps/<test binary>
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("profile dir")
        .to_path_buf()
}

/// libws2_32.so, built now: `cargo test` compiles the crate's rlib for the tests but does not
/// always produce its cdylib, and a leftover one could be stale.
pub fn shared_library() -> PathBuf {
    static BUILT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let release = profile_dir().ends_with("release");
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "ws2-capi", "--lib"])
            .args(release.then_some("--release"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p ws2-capi failed");
    });
    let lib = profile_dir().join("libws2_32.so");
    assert!(lib.exists(), "{} is not built", lib.display());
    lib
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("capi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
