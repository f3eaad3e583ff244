//! Regenerates tests/abi/golden-x86_64-mingw.txt from the mingw-w64 cross compiler.
//! Run through `ci/regen-abi-golden.sh`; with `--check` it only compares and exits non-zero on a
//! difference (used by the test suite to prove the checked-in golden file is current).

use ws2emu_abi_check::*;

fn main() {
    let check_only = std::env::args().any(|a| a == "--check");
    let items = load_manifest();
    let probes = probes(&items);
    let source = probe_source(&probes, "", "");
    let dir = scratch_dir("mingw-golden");
    let values = compile_and_extract(
        "x86_64-w64-mingw32-gcc",
        "x86_64-w64-mingw32-objcopy",
        &["-std=c11", "-w"],
        &source,
        "c",
        &dir,
    )
    .unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let text = format_golden(&probes, &values);
    if check_only {
        let current = std::fs::read_to_string(golden_path()).unwrap_or_default();
        if current != text {
            let diffs = differences("golden file", &parse_golden(&text), &parse_golden(&current));
            for d in &diffs {
                eprintln!("{d}");
            }
            eprintln!("golden file is stale: run ci/regen-abi-golden.sh");
            std::process::exit(1);
        }
        println!("golden file matches mingw-w64 ({} values)", values.len());
    } else {
        std::fs::write(golden_path(), text).expect("write golden");
        println!(
            "wrote {} ({} values)",
            golden_path().display(),
            values.len()
        );
    }
}
