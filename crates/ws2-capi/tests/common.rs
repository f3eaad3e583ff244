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

pub fn shared_library() -> PathBuf {
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
