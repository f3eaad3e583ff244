//! ABI check (b): the checked-in golden file is what the mingw-w64 cross compiler measures today
//! from its own Windows headers. CI installs gcc-mingw-w64-x86-64 and sets
//! WS2EMU_REQUIRE_MINGW=1, so there a missing cross compiler is a failure, not a skip.

use ws2emu_abi_check::*;

#[test]
fn golden_file_matches_mingw_w64() {
    if !have_tool("x86_64-w64-mingw32-gcc") {
        assert!(
            std::env::var_os("WS2EMU_REQUIRE_MINGW").is_none(),
            "x86_64-w64-mingw32-gcc is required (apt-get install gcc-mingw-w64-x86-64)"
        );
        eprintln!("SKIPPED: x86_64-w64-mingw32-gcc not installed; golden file not re-measured");
        return;
    }
    let probes = probes(&load_manifest());
    let values = compile_and_extract(
        "x86_64-w64-mingw32-gcc",
        "x86_64-w64-mingw32-objcopy",
        &["-std=c11", "-w"],
        &probe_source(&probes, "", ""),
        "c",
        &scratch_dir("golden-current"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let measured = keyed(&probes, &values).unwrap_or_else(|e| panic!("{e}"));
    let diffs = differences("checked-in golden file", &measured, &load_golden());
    assert!(
        diffs.is_empty(),
        "run ci/regen-abi-golden.sh:\n{}",
        diffs.join("\n")
    );
}
