//! `ws2emu catalog ...` end to end, each test on its own private catalog file (never a user's).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LSP_GUID: &str = "{11111111-2222-3333-4444-555555555555}";
const CHAIN_GUID: &str = "{11111111-2222-3333-4444-555555555556}";

fn private_catalog(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("catalog")
}

fn ws2emu(catalog: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ws2emu"))
        .args(args)
        .env("WS2EMU_CATALOG", catalog)
        .output()
        .expect("run ws2emu")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An existing absolute file to stand in for the provider library.
fn some_library() -> String {
    std::env::current_exe().unwrap().display().to_string()
}

#[test]
fn list_shows_the_default_catalog_and_creates_the_file() {
    let catalog = private_catalog("list");
    let out = ws2emu(&catalog, &["catalog", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for id in ["1001", "1002", "1004", "1005"] {
        assert!(
            stdout(&out).contains(&format!("Catalog entry {id} (base provider)")),
            "{}",
            stdout(&out)
        );
    }
    assert!(catalog.exists(), "created from the default when missing");
    let json = ws2emu(&catalog, &["catalog", "list", "--json"]);
    assert!(json.status.success() && stdout(&json).trim_start().starts_with('['));
    assert_eq!(stdout(&json).matches("\"id\":").count(), 4);
}

#[test]
fn install_order_remove_reset() {
    let catalog = private_catalog("install");
    let lib = some_library();
    let args = [
        "catalog",
        "install",
        "--guid",
        LSP_GUID,
        "--chain-guid",
        CHAIN_GUID,
        "--path",
        &lib,
        "--name",
        "Test LSP",
        "--over",
        "1001",
    ];
    let out = ws2emu(&catalog, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("installed layered entry 1006 and chain entries [1007]"),
        "{}",
        stdout(&out)
    );
    let listed = stdout(&ws2emu(&catalog, &["catalog", "list"]));
    assert!(listed.contains("Catalog entry 1006 (layered (LSP) entry)"));
    assert!(
        listed.contains("length 2 [1006, 1001]"),
        "chain over the chosen base entry"
    );

    let order = [
        "catalog", "order", "1007", "1006", "1005", "1004", "1002", "1001",
    ];
    assert!(ws2emu(&catalog, &order).status.success());
    let listed = stdout(&ws2emu(&catalog, &["catalog", "list", "--json"]));
    assert!(
        listed.find("\"id\": 1007").unwrap() < listed.find("\"id\": 1001").unwrap(),
        "new order"
    );

    let out = ws2emu(&catalog, &["catalog", "remove", CHAIN_GUID, LSP_GUID]);
    assert!(
        out.status.success() && stdout(&out).contains("removed 2 catalog entries"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&ws2emu(&catalog, &["catalog", "list"])).contains("Test LSP"));

    let out = ws2emu(&catalog, &["catalog", "reset"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        catalog.with_extension("bak").exists()
            || PathBuf::from(format!("{}.bak", catalog.display())).exists()
    );
}

#[test]
fn bad_input_is_one_line_nonzero_and_changes_nothing() {
    let catalog = private_catalog("bad");
    assert!(ws2emu(&catalog, &["catalog", "list"]).status.success());
    let before = std::fs::read(&catalog).unwrap();
    let lib = some_library();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["catalog", "install", "--guid", "{1234}"], "bad GUID"),
        (
            vec![
                "catalog",
                "install",
                "--guid",
                LSP_GUID,
                "--chain-guid",
                CHAIN_GUID,
                "--path",
                "/nonexistent/lsp.so",
                "--name",
                "x",
            ],
            "does not exist",
        ),
        (
            vec![
                "catalog",
                "install",
                "--guid",
                LSP_GUID,
                "--chain-guid",
                CHAIN_GUID,
                "--path",
                "lsp.so",
                "--name",
                "x",
            ],
            "not absolute",
        ),
        (
            vec![
                "catalog",
                "install",
                "--guid",
                LSP_GUID,
                "--chain-guid",
                CHAIN_GUID,
                "--path",
                &lib,
                "--name",
                "x",
                "--over",
                "4242",
            ],
            "no catalog entry 4242",
        ),
        (vec!["catalog", "remove", LSP_GUID], "not installed"),
        (vec!["catalog", "order", "1001"], "order"),
        (vec!["catalog", "frobnicate"], "unknown"),
    ];
    for (args, expected) in cases {
        let out = ws2emu(&catalog, &args);
        let err = stderr(&out);
        assert!(!out.status.success(), "{args:?} must fail");
        assert!(
            err.starts_with("ws2emu: ") && err.contains(expected),
            "{args:?}: {err}"
        );
        assert_eq!(
            std::fs::read(&catalog).unwrap(),
            before,
            "{args:?} changed the catalog"
        );
    }
}

#[test]
fn a_corrupt_catalog_is_reported_and_left_alone() {
    let catalog = private_catalog("corrupt");
    std::fs::write(&catalog, b"this is not a catalog\n").unwrap();
    let out = ws2emu(&catalog, &["catalog", "list"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&catalog.display().to_string()),
        "names the file: {}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&catalog).unwrap(), b"this is not a catalog\n");
}

#[test]
fn list_reads_a_version_2_file_with_lsp_categories() {
    let catalog = private_catalog("categories");
    // Writes the catalog with the library's own store: one LSP with its chains and categories.
    let store = ws2_core::catalog::Store::file(&catalog);
    let guid = ws2_core::catalog::parse_guid(LSP_GUID).unwrap();
    let path: Vec<u16> = some_library().encode_utf16().collect();
    let name: Vec<u16> = "Categorised LSP".encode_utf16().collect();
    store
        .modify(|c| {
            c.install_provider_and_chains(&guid, &path, &name, 0, None)?;
            c.set_lsp_categories(&guid, 0x8000_0001)
        })
        .unwrap();
    let text = std::fs::read_to_string(&catalog).unwrap();
    assert!(text.contains("format = ws2emu-catalog 2\n"), "{text}");
    let out = ws2emu(&catalog, &["catalog", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Categorised LSP over ["),
        "{}",
        stdout(&out)
    );
    let json = ws2emu(&catalog, &["catalog", "list", "--json"]);
    assert_eq!(stdout(&json).matches("\"id\":").count(), 9);
}
