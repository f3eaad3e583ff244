//! ABI check (a)+(b), Rust side: every size, alignment, field offset and constant of the
//! manifest, measured on the ws2-abi crate, equals the Windows x64 value in the golden file.

use std::collections::BTreeMap;
use ws2emu_abi_check::*;

// Generated code widens every constant the same way, whatever its type.
#[allow(non_snake_case, clippy::unnecessary_cast)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/rust_layout.rs"));
}

#[test]
fn rust_abi_crate_matches_windows_x64() {
    let golden = load_golden();
    let rust: BTreeMap<String, u64> = generated::rust_values()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    assert_eq!(
        rust.len(),
        probes(&load_manifest()).len(),
        "generated code is out of date"
    );
    let diffs = differences("ws2-abi", &golden, &rust);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
