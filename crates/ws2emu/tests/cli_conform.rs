//! `ws2emu conform` end to end: the default run (base provider and the sample layered
//! providers) passes with a table and `N passed, 0 failed`; a misbehaving provider fails with
//! the verifier's diagnosis; the catalog `WS2EMU_CATALOG` names is never touched (here a
//! read-only one, which `--catalog` may still copy from).

use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// target/<profile>, where the ws2emu executable and libws2_base.so live.
fn profile_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_ws2emu"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The default catalog names %WS2EMU_LIBDIR%/libws2_base.so: build it (cargo does not build a
/// cdylib of another package for this test).
fn build_base_provider() {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
        .args(profile_dir().ends_with("release").then_some("--release"))
        .status()
        .expect("cargo build -p ws2-base");
    assert!(status.success());
}

/// A fresh directory of mode 0700 under the temp directory (trusted by the loader).
fn private_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cli-conform-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
    dir
}

fn conform(args: &[&str], catalog: Option<&Path>) -> Output {
    build_base_provider();
    let mut command = Command::new(env!("CARGO_BIN_EXE_ws2emu"));
    command
        .arg("conform")
        .args(args)
        .env_remove("WS2EMU_CATALOG")
        .env_remove("WS2EMU_INSECURE_CATALOG")
        .env_remove("WS2EMU_LIBDIR")
        .env_remove("WS2EMU_VERIFIER");
    if let Some(file) = catalog {
        command.env("WS2EMU_CATALOG", file);
    }
    command.output().expect("run ws2emu conform")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The final line's counts.
fn totals(stdout: &str) -> (usize, usize) {
    let last = stdout.lines().last().unwrap_or_default();
    let words: Vec<&str> = last.split_whitespace().collect();
    match words.as_slice() {
        [p, "passed,", f, "failed"] => (p.parse().unwrap(), f.parse().unwrap()),
        _ => panic!("no `N passed, N failed` line:\n{stdout}"),
    }
}

#[test]
fn the_default_run_passes_with_a_table() {
    let out = conform(&[], None);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let (passed, failed) = totals(&stdout);
    assert_eq!(failed, 0, "{stdout}");
    assert!(passed > 300, "{stdout}");
    for title in ["base provider", "Sample LSP (", "Sample IFS LSP ("] {
        assert!(stdout.contains(title), "run {title:?} missing:\n{stdout}");
    }
    for area in ws2_conform::AREAS {
        let row = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(*area))
            .unwrap_or_else(|| panic!("no row for {area}:\n{stdout}"));
        assert!(row.trim_end().ends_with(" 0"), "{row}");
    }
    // Every run goes through every area (the non-IFS sample hands out its own extension
    // functions, so it needs no skip either).
    assert!(!stdout.contains("skipped"), "{stdout}");
    // Progress on stderr, area by area, for each run.
    assert!(stderr.contains("conform [1/3]: base provider"), "{stderr}");
    assert_eq!(
        stderr.matches("  overlapped-routine ...").count(),
        3,
        "{stderr}"
    );
}

#[test]
fn a_misbehaving_provider_fails_with_the_verifiers_diagnosis() {
    let dir = private_dir("misuse");
    let library = dir.join("libconform_misuse.so");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status = Command::new("gcc")
        .args(["-shared", "-fPIC", "-Wall", "-Wextra", "-Werror"])
        .args([
            "-fvisibility=hidden",
            "-fshort-wchar",
            "-Wno-unknown-pragmas",
            "-I",
        ])
        .arg(repo.join("shims/include"))
        .arg(repo.join("tests/verifier_providers/misuse_provider.c"))
        .arg("-o")
        .arg(&library)
        .status()
        .expect("run gcc");
    assert!(status.success());
    std::fs::set_permissions(&library, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = conform(&["--provider", library.to_str().unwrap()], None);
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    let (_, failed) = totals(&stdout);
    assert!(failed > 0);
    // Each diagnosis names the provider (its catalog name), the socket and the call.
    for diagnosis in [
        "ws2emu verifier: libconform_misuse.so: socket 0x",
        "WSPBind: returned SOCKET_ERROR without setting *lpErrno",
        "WPUCloseSocketHandle: handle closed twice",
        "WPUQuerySocketHandleContext: socket handle used after close",
        "still open when WSPCleanup returns",
    ] {
        assert!(
            stdout.contains(diagnosis),
            "{diagnosis:?} missing:\n{stdout}"
        );
    }
    // The application sees what Windows gives it, with expected and observed values.
    assert!(
        stdout.contains("expected: success\n        observed: WSASYSCALLFAILURE (10107)"),
        "{stdout}"
    );
    // Every area is reported, also after one crashed the suite (it resumes).
    assert!(stdout.contains("\n  close "), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_users_catalog_is_never_touched() {
    let dir = private_dir("readonly");
    let catalog = dir.join("catalog");
    // A real catalog file, then read-only.
    let made = Command::new(env!("CARGO_BIN_EXE_ws2emu"))
        .args(["catalog", "list"])
        .env("WS2EMU_CATALOG", &catalog)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    std::fs::set_permissions(&catalog, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&catalog).unwrap();
    let mtime = std::fs::metadata(&catalog).unwrap().modified().unwrap();
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();

    // WS2EMU_CATALOG names it, and --catalog starts from a copy of it.
    let out = conform(&["--catalog", catalog.to_str().unwrap()], Some(&catalog));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert_eq!(totals(&stdout).1, 0, "{stdout}");

    assert_eq!(std::fs::read(&catalog).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&catalog).unwrap().modified().unwrap(),
        mtime
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        entries.len(),
        "no lock or temporary file next to it"
    );

    // Not even read: a WS2EMU_CATALOG that is no catalog at all changes nothing.
    let garbage = dir.join("garbage");
    std::fs::write(&garbage, b"not a catalog\n").unwrap();
    std::fs::set_permissions(&garbage, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = conform(&[], Some(&garbage));
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert_eq!(std::fs::read(&garbage).unwrap(), b"not a catalog\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_are_one_line_errors() {
    for (args, message) in [
        (&["--provider", "relative/lib.so"][..], "is not absolute"),
        (&["--provider", "/nonexistent/lib.so"], "does not exist"),
        (&["--provider"], "--provider needs a value"),
        (&["--frobnicate"], "unknown option"),
        (&["--skip", "nonsense"], "unknown area \"nonsense\""),
    ] {
        let out = conform(args, None);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}: nothing ran");
    }
}

/// Builds the provider `source` into the shared library `out` (C11, warnings as errors, the
/// shims' headers; mode 0755, trusted by the loader).
fn build_provider(source: &Path, out: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let status = Command::new("gcc")
        .args([
            "-std=c11", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror",
        ])
        .args([
            "-fvisibility=hidden",
            "-fshort-wchar",
            "-Wno-unknown-pragmas",
        ])
        .arg("-I")
        .arg(repo.join("shims/include"))
        .arg(source)
        .arg("-o")
        .arg(out)
        .status()
        .expect("run gcc");
    let name = source.file_name().unwrap_or_default().to_string_lossy();
    assert!(status.success(), "gcc {name}");
    std::fs::set_permissions(out, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Builds examples/providers/broken/`name`.c into `dir` (mode 0755, trusted by the loader).
fn build_broken(dir: &Path, name: &str) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let library = dir.join(format!("lib{name}.so"));
    build_provider(
        &repo.join(format!("examples/providers/broken/{name}.c")),
        &library,
    );
    library
}

/// The broken examples: `conform --provider` (no other option) exits non-zero and its table
/// carries the diagnosis. The runs go in parallel: most of each is waiting.
#[test]
fn broken_examples_fail_conform_with_their_diagnosis() {
    let dir = private_dir("broken");
    let runs: Vec<_> = [
        (
            "broken_leak",
            "--provider",
            "libbroken_leak.so: WSPCleanup: event 0x",
        ),
        (
            "broken_close_twice",
            "--provider",
            "WPUCloseSocketHandle: handle closed twice",
        ),
        (
            "broken_complete_twice",
            "--provider",
            "WPUCompleteOverlappedRequest: request 0x",
        ),
        (
            "broken_apc_closed_thread",
            "--provider",
            "libbroken_apc_closed_thread.so: WPUQueueApc: APC queued to WSATHREADID 0x",
        ),
        (
            "broken_ifs_no_modify",
            "--ifs-provider",
            "WSPSocket: returned a socket of an IFS provider (XP1_IFS_HANDLES) that was never \
             registered with WPUModifyIFSHandle",
        ),
        (
            "broken_null_slot",
            "--provider",
            "observed: WSAEINVALIDPROCTABLE (10104)",
        ),
        (
            "broken_startup_fails",
            "--provider",
            "observed: WSAEPROVIDERFAILEDINIT (10106)",
        ),
    ]
    .into_iter()
    .map(|(name, option, diagnosis)| {
        let library = build_broken(&dir, name);
        let run = std::thread::spawn(move || conform(&[option, library.to_str().unwrap()], None));
        (name, diagnosis, run)
    })
    .collect();
    for (name, diagnosis, run) in runs {
        let out = run.join().unwrap();
        let stdout = text(&out.stdout);
        assert!(!out.status.success(), "{name}: {stdout}");
        let (_, failed) = totals(&stdout);
        assert!(failed > 0, "{name}: {stdout}");
        assert!(
            stdout.contains(diagnosis),
            "{name}: {diagnosis:?} missing:\n{stdout}"
        );
        assert!(
            !stdout.contains("killed (hung)"),
            "{name}: no area hangs:\n{stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--under valgrind`: the default run (base provider and samples) is clean under valgrind, and
/// a provider that reads freed memory fails with valgrind's own report in the table.
#[test]
fn under_valgrind_the_samples_are_clean_and_a_memory_error_is_caught() {
    const UNDER: &str =
        "valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite";
    if Command::new("valgrind").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("WS2EMU_REQUIRE_VALGRIND").is_none(),
            "valgrind is required (WS2EMU_REQUIRE_VALGRIND is set)"
        );
        eprintln!("SKIPPED: valgrind not installed");
        return;
    }
    let out = conform(&["--under", UNDER], None);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert_eq!(totals(&stdout).1, 0, "{stdout}");

    // The non-IFS sample with one bug: WSPGetSockName reads a heap block it has just freed.
    let dir = private_dir("under");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let source = dir.join("use_after_free.c");
    std::fs::write(
        &source,
        format!(
            "#define SAMPLE_LSP_AS_LIBRARY\n#include \"{}\"\n{}",
            repo.join("examples/providers/sample_lsp.c")
                .canonicalize()
                .unwrap()
                .display(),
            r#"
static int WSPAPI freed_get_sock_name(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
{
    volatile char *block = HeapAlloc(GetProcessHeap(), 0, 16);
    HeapFree(GetProcessHeap(), 0, (void *)block);
    block[3]++; /* the bug */
    return sample_get_sock_name(s, name, namelen, err);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcalls_,
                                            LPWSPPROC_TABLE table)
{
    int result = sample_startup(version, data, info, upcalls_, table);
    if (result == 0)
        table->lpWSPGetSockName = freed_get_sock_name;
    return result;
}
"#
        ),
    )
    .unwrap();
    let library = dir.join("libuse_after_free.so");
    build_provider(&source, &library);
    let args = [
        "--under",
        UNDER,
        "--tcp-only",
        "--provider",
        library.to_str().unwrap(),
    ];
    let out = conform(&args, None);
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("FAIL suite under valgrind"), "{stdout}");
    assert!(
        stdout.contains("exit status Some(99); Invalid read of size 1")
            && stdout.contains("freed_get_sock_name"),
        "valgrind's report, without its banner:\n{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
