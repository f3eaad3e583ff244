//! Who may change the catalog, from the command line: a catalog file others could change is
//! refused with one line naming the file and the reason, `WS2EMU_INSECURE_CATALOG=1` relaxes
//! it, `catalog list` shows which entries the loader would refuse and why, and the tests never
//! touch the catalog `WS2EMU_CATALOG` names.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LSP_GUID: &str = "{21111111-2222-3333-4444-555555555555}";
const CHAIN_GUID: &str = "{21111111-2222-3333-4444-555555555556}";

/// A private directory (0755) under the cargo target directory.
fn private_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-trust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    chmod(&dir, 0o755);
    dir
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn ws2emu(catalog: &Path, insecure: bool, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ws2emu"));
    command
        .args(args)
        .env("WS2EMU_CATALOG", catalog)
        .env_remove("WS2EMU_INSECURE_CATALOG");
    if insecure {
        command.env("WS2EMU_INSECURE_CATALOG", "1");
    }
    command.output().expect("run ws2emu")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_group_writable_catalog_is_refused_unless_relaxed() {
    let catalog = private_dir("file").join("catalog");
    let out = ws2emu(&catalog, false, &["catalog", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    chmod(&catalog, 0o664);
    let before = std::fs::read(&catalog).unwrap();
    for args in [
        &["catalog", "list"][..],
        &["catalog", "remove", LSP_GUID],
        &["catalog", "order", "1001"],
    ] {
        let out = ws2emu(&catalog, false, args);
        assert!(!out.status.success(), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "ws2emu: {}: refused: group-writable (mode 0664)",
                catalog.display()
            )),
            "{args:?}: {stderr}"
        );
        assert_eq!(std::fs::read(&catalog).unwrap(), before, "{args:?}");
    }
    let out = ws2emu(&catalog, true, &["catalog", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Catalog entry 1001"));
}

#[test]
fn list_shows_the_entries_the_loader_would_refuse() {
    let dir = private_dir("list");
    let catalog = dir.join("catalog");
    let lib = dir.join("liblsp.so");
    std::fs::copy(std::env::current_exe().unwrap(), &lib).unwrap();
    chmod(&lib, 0o755);
    let lib_text = lib.display().to_string();
    let install = [
        "catalog",
        "install",
        "--guid",
        LSP_GUID,
        "--chain-guid",
        CHAIN_GUID,
        "--path",
        &lib_text,
        "--name",
        "Trust LSP",
        "--over",
        "1001",
    ];
    let out = ws2emu(&catalog, false, &install);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = ws2emu(&catalog, false, &["catalog", "list"]);
    assert!(
        !text(&out.stdout).contains("would be refused"),
        "{}",
        text(&out.stdout)
    );

    chmod(&lib, 0o775);
    let out = ws2emu(&catalog, false, &["catalog", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout
            .matches("    would be refused: group-writable (mode 0775)\n")
            .count(),
        2,
        "the layered entry and its chain: {stdout}"
    );
    let json = ws2emu(&catalog, false, &["catalog", "list", "--json"]);
    assert_eq!(
        text(&json.stdout)
            .matches("\"refused\": \"group-writable (mode 0775)\"")
            .count(),
        2
    );
    let relaxed = ws2emu(&catalog, true, &["catalog", "list"]);
    assert!(text(&relaxed.stdout).contains(
        "would be refused: group-writable (mode 0775) (allowed by WS2EMU_INSECURE_CATALOG=1)"
    ));
}

/// The newest build of another test binary of this package (cargo puts them next to this one).
fn sibling_test_binary(name: &str) -> Option<PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    std::fs::read_dir(deps)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let file = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            file.starts_with(&format!("{name}-"))
                && !file.contains('.')
                && std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}

#[test]
fn the_tests_leave_a_read_only_user_catalog_untouched() {
    let catalog = private_dir("user").join("catalog");
    assert!(ws2emu(&catalog, false, &["catalog", "list"])
        .status
        .success());
    chmod(&catalog, 0o444);
    let meta = std::fs::metadata(&catalog).unwrap();
    let (bytes, mtime) = (std::fs::read(&catalog).unwrap(), meta.modified().unwrap());

    // Reading it, as a user's `catalog list` does, changes nothing.
    let out = ws2emu(&catalog, false, &["catalog", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The CLI's tests, run as a user would with WS2EMU_CATALOG set, each use a private file.
    match sibling_test_binary("cli_catalog") {
        Some(tests) => {
            let out = Command::new(&tests)
                .env("WS2EMU_CATALOG", &catalog)
                .output()
                .expect("run the CLI tests");
            assert!(
                out.status.success(),
                "{}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
        }
        None => println!("skipped the CLI tests: their binary is not built (cargo test builds it)"),
    }
    let meta = std::fs::metadata(&catalog).unwrap();
    assert_eq!(std::fs::read(&catalog).unwrap(), bytes, "byte for byte");
    assert_eq!(meta.modified().unwrap(), mtime, "mtime");
    assert_eq!(meta.permissions().mode() & 0o777, 0o444);
}
