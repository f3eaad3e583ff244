//! One ws2emu runtime per process: a provider linked with `-lws2_32` (or `-lkernel32`, a linker
//! script for libws2_32.so) is refused with WSAEPROVIDERFAILEDINIT (10106) before it is opened
//! when the process's runtime is not that libws2_32.so: this test executable, like the `ws2emu`
//! executable, has the runtime built in, so `dlopen` would map a second one. An application
//! linked with `-lws2_32` loads the same provider, because its dependency is the runtime
//! already running (a C program run as a child process); there, a provider linked with
//! another copy of libws2_32.so is refused. The reason is on stderr once and on the `api` trace
//! every time (checked in a child run of this executable).
//!
//! Process-wide state: the started-provider registry and this process's catalog. Every test
//! takes `SERIAL`.
#![allow(unsafe_code)] // provider_kit reads the providers' exports through raw pointers

mod provider_kit;

use provider_kit::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use ws2_32::loader::{cleanup_providers, start_provider};
use ws2_abi::WSAEPROVIDERFAILEDINIT;
use ws2_core::WinError;
use ws2_loader::dependencies::read_dynamic;
use ws2_os::is_mapped;

static SERIAL: Mutex<()> = Mutex::new(());

const E10106: WinError = WinError(WSAEPROVIDERFAILEDINIT as u32);

/// Set in the child run of `child_reports_the_reason`.
const CHILD_ENV: &str = "WS2EMU_TEST_SECOND_RUNTIME_CHILD";

fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    cleanup_providers();
    guard
}

/// target/<profile>, where cargo puts libws2_32.so and its linker scripts.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf()
}

/// A tiny C provider: WSPStartup fills the table and counts its calls; WSPSocket fails with
/// WSAEPROTONOSUPPORT (10043), so a client can tell "started" from "refused" (10106).
const PROVIDER_C: &str = r#"
#include <ws2spi.h>
#include <string.h>

__declspec(dllexport) int startup_calls;

static void stub(void) {}
static int WSPAPI cleanup(LPINT err) { (void)err; return 0; }
static SOCKET WSPAPI wsp_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                GROUP g, DWORD flags, LPINT err)
{
    (void)af; (void)type; (void)protocol; (void)info; (void)g; (void)flags;
    *err = WSAEPROTONOSUPPORT;
    return INVALID_SOCKET;
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcalls,
                                            LPWSPPROC_TABLE table)
{
    void (*any)(void) = stub;
    (void)version; (void)info; (void)upcalls;
    startup_calls++;
    data->wVersion = data->wHighVersion = 0x0202;
    for (size_t i = 0; i < sizeof(*table) / sizeof(any); i++)
        memcpy((char *)table + i * sizeof(any), &any, sizeof(any));
    table->lpWSPCleanup = cleanup;
    table->lpWSPSocket = wsp_socket;
    return 0;
}
"#;

/// A Wine-style C application linked with `-lws2_32`: installs the provider at argv[1] as a
/// base TCP entry (in the private catalog WS2EMU_CATALOG names), creates a socket through it
/// and checks the error: argv[2] is the one expected (10043 started, 10106 refused).
const APP_C: &str = r#"
#include <winsock2.h>
#include <ws2spi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
#define ok(cond, ...) do { if (cond) passed++; else { failed++; \
    printf("%s:%d: test failed: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)

int main(int argc, char **argv)
{
    GUID guid = {0x7E570400, 0x1234, 0x4567, {0x89, 0xAB, 0xCD, 0xEF, 0, 0, 4, 0}};
    WSAPROTOCOL_INFOW info, all[64];
    WCHAR path[4096];
    WSADATA data;
    DWORD size = sizeof(all);
    int err = 0, n, i, expected;
    SOCKET s;

    if (argc != 3) return 2;
    expected = atoi(argv[2]);
    for (i = 0; argv[1][i] && i < 4095; i++) path[i] = (WCHAR)argv[1][i];
    path[i] = 0;
    memset(&info, 0, sizeof(info));
    info.ProviderId = guid;
    info.iVersion = 2;
    info.iAddressFamily = AF_INET;
    info.iMaxSockAddr = info.iMinSockAddr = sizeof(SOCKADDR_IN);
    info.iSocketType = SOCK_STREAM;
    info.iProtocol = IPPROTO_TCP;
    info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    memcpy(info.szProtocol, L"second runtime test", sizeof(L"second runtime test"));
    ok(WSCInstallProvider(&guid, path, &info, 1, &err) == 0, "WSCInstallProvider: %d", err);
    ok(WSAStartup(0x0202, &data) == 0, "WSAStartup");
    n = WSAEnumProtocolsW(NULL, all, &size);
    ok(n > 0, "WSAEnumProtocolsW: %d", WSAGetLastError());
    for (i = 0; i < n; i++)
        if (!memcmp(&all[i].ProviderId, &guid, sizeof(guid))) break;
    ok(i < n, "the installed entry is enumerated");
    if (i < n) {
        WSASetLastError(0xdead);
        s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, &all[i], 0, 0);
        ok(s == INVALID_SOCKET, "WSASocketW: %d", (int)s);
        ok(WSAGetLastError() == expected, "WSASocketW error %d, expected %d", WSAGetLastError(),
           expected);
    }
    ok(WSACleanup() == 0, "WSACleanup");
    printf("second_runtime_app: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
"#;

/// A private 0755 directory with the sources, libws2_32.so built (`cargo test` does not always
/// produce the cdylib).
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "ws2-capi", "--lib"])
            .args(profile_dir().ends_with("release").then_some("--release"))
            .status()
            .expect("cargo build -p ws2-capi");
        assert!(status.success());
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("loader-second-runtime-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(dir.join("provider.c"), PROVIDER_C).unwrap();
        std::fs::write(dir.join("app.c"), APP_C).unwrap();
        dir
    })
}

/// gcc with the flags of README's guide (-Wall -Wextra -Werror, the shims), then `libs`.
fn gcc(source: &str, out: &str, shared: bool, libs: &[String]) -> PathBuf {
    let dir = scratch();
    let path = dir.join(out);
    let output = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fshort-wchar"])
        .args(["-Wno-unknown-pragmas", "-I"])
        .arg(repo().join("shims/include"))
        .args(
            shared
                .then_some(["-shared", "-fPIC", "-fvisibility=hidden"])
                .into_iter()
                .flatten(),
        )
        .arg(dir.join(source))
        .arg("-o")
        .arg(&path)
        .arg("-Wl,--no-as-needed") // keep DT_NEEDED even where nothing is imported
        .args(libs)
        .output()
        .expect("run gcc");
    assert!(
        output.status.success(),
        "gcc failed for {out}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `-L<dir> -Wl,-rpath,<dir> -l<name>`, as `pkg-config --libs ws2emu` spells it.
fn link(dir: &Path, name: &str) -> Vec<String> {
    vec![
        format!("-L{}", dir.display()),
        format!("-Wl,-rpath,{}", dir.display()),
        format!("-l{name}"),
    ]
}

fn provider_with(out: &str, libs: &[String]) -> PathBuf {
    gcc("provider.c", out, true, libs)
}

#[test]
fn the_elf_reader_sees_what_the_linker_recorded() {
    let profile = profile_dir();
    let with = provider_with("libread_ws2_32.so", &link(&profile, "ws2_32"));
    let dynamic = read_dynamic(&with).expect("an ELF file");
    assert!(
        dynamic.needed.iter().any(|n| n == "libws2_32.so"),
        "{dynamic:?}"
    );
    assert!(dynamic.needed.iter().any(|n| n.starts_with("libc.so")));
    assert_eq!(
        dynamic.runpath.or(dynamic.rpath).as_deref(),
        profile.to_str()
    );
    let script = provider_with("libread_kernel32.so", &link(&profile, "kernel32"));
    let needed = read_dynamic(&script).unwrap().needed;
    assert!(
        needed.contains(&profile.join("libws2_32.so").display().to_string()),
        "the linker script names the library by its path: {needed:?}"
    );
    let without = provider_with("libread_plain.so", &[]);
    assert!(!read_dynamic(&without)
        .unwrap()
        .needed
        .iter()
        .any(|n| n.contains("ws2_32")));
}

#[test]
fn a_provider_linked_with_ws2_32_is_refused_where_the_runtime_is_built_in() {
    let _serial = serial();
    let profile = profile_dir();
    let runtime = profile.join("libws2_32.so");
    for (n, name) in [(400, "ws2_32"), (401, "kernel32")] {
        let lib = provider_with(&format!("libneeds_{name}.so"), &link(&profile, name));
        let id = push_entry(guid(n), lib.to_str().unwrap(), &[0]);
        assert_eq!(start_provider(id).err(), Some(E10106), "-l{name}");
        assert!(!is_mapped(&lib), "-l{name}: refused before dlopen");
        assert!(!is_mapped(&runtime), "-l{name}: no second runtime mapped");
    }
    let plain = provider_with("libplain.so", &[]);
    let id = push_entry(guid(402), plain.to_str().unwrap(), &[0]);
    assert!(
        start_provider(id).is_ok(),
        "the same source built with --cflags only"
    );
    assert!(is_mapped(&plain));
    assert_eq!(cleanup_providers(), 1);
}

/// An LSP loads its lower layer itself (LoadLibraryW): a lower layer linked with -lws2_32 is
/// refused there too, with ERROR_DLL_INIT_FAILED, before it is mapped.
#[test]
fn load_library_refuses_a_second_runtime_too() {
    let _serial = serial();
    let profile = profile_dir();
    let lib = provider_with("liblower_ws2_32.so", &link(&profile, "ws2_32"));
    let wide: Vec<u16> = lib.to_str().unwrap().encode_utf16().chain([0]).collect();
    // SAFETY: a NUL-terminated UTF-16 path.
    let module = unsafe { ws2_32::loader::LoadLibraryW(wide.as_ptr()) };
    assert!(module.is_null());
    assert_eq!(
        ws2_32::last_error::GetLastError(),
        ws2_abi::ERROR_DLL_INIT_FAILED
    );
    assert!(!is_mapped(&lib), "refused before dlopen");
    let plain = provider_with("liblower_plain.so", &[]);
    let wide: Vec<u16> = plain.to_str().unwrap().encode_utf16().chain([0]).collect();
    // SAFETY: as above.
    let module = unsafe { ws2_32::loader::LoadLibraryW(wide.as_ptr()) };
    assert!(
        !module.is_null(),
        "the same source built with --cflags only"
    );
    assert_ne!(ws2_32::loader::FreeLibrary(module), 0);
}

/// The child half of `the_reason_is_printed_once_and_traced`: starts the provider that
/// WS2EMU_TEST_PROVIDER names twice.
#[test]
fn child_reports_the_reason() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let _serial = serial();
    let id = push_entry(guid(403), path.to_str().unwrap(), &[0]);
    assert_eq!(start_provider(id).err(), Some(E10106));
    assert_eq!(start_provider(id).err(), Some(E10106));
}

#[test]
fn the_reason_is_printed_once_and_traced() {
    let lib = provider_with("libneeds_reported.so", &link(&profile_dir(), "ws2_32"));
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_reports_the_reason", "--nocapture"])
        .env(CHILD_ENV, &lib)
        .env("WS2EMU_TRACE", "api")
        .output()
        .expect("run the child");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stderr}");
    let reason = format!(
        "provider library {} refused: it needs libws2_32.so",
        lib.display()
    );
    let printed = stderr
        .lines()
        .filter(|l| l.starts_with(&format!("ws2emu: {reason}")))
        .count();
    let traced = stderr
        .lines()
        .filter(|l| l.starts_with("ws2emu:api:") && l.contains(&reason))
        .count();
    assert_eq!(printed, 1, "once on stderr:\n{stderr}");
    assert_eq!(traced, 2, "on the api trace every time:\n{stderr}");
    assert!(
        stderr.contains("pkg-config --cflags ws2emu"),
        "names the fix:\n{stderr}"
    );
}

/// Runs the application (linked with `-lws2_32`) on `provider` with a fresh private catalog and
/// expects `error` from WSASocketW; returns its stderr.
fn run_app(app: &Path, provider: &Path, catalog: &str, error: u32) -> String {
    let catalog = scratch().join(catalog);
    let _ = std::fs::remove_file(&catalog);
    let output = Command::new(app)
        .arg(provider)
        .arg(error.to_string())
        .env("WS2EMU_CATALOG", &catalog)
        .env("WS2EMU_LIBDIR", profile_dir())
        .env_remove("WS2EMU_INSECURE_CATALOG")
        .output()
        .expect("run the application");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success() && stdout.contains(" passed, 0 failed"),
        "{}: {stdout}\n{stderr}",
        provider.display()
    );
    stderr
}

#[test]
fn an_application_linked_with_ws2_32_loads_it_and_refuses_another_copy() {
    let profile = profile_dir();
    let app = gcc("app.c", "app", false, &link(&profile, "ws2_32"));
    // The same runtime: by name (-lws2_32) and by path (the -lkernel32 linker script).
    for name in ["ws2_32", "kernel32"] {
        let lib = provider_with(&format!("libapp_{name}.so"), &link(&profile, name));
        let stderr = run_app(&app, &lib, &format!("catalog-{name}"), 10043);
        assert!(!stderr.contains("refused"), "-l{name}: {stderr}");
    }
    let plain = provider_with("libapp_plain.so", &[]);
    run_app(&app, &plain, "catalog-plain", 10043);
    // A copy of libws2_32.so elsewhere, named by its path: a second runtime.
    let copy_dir = scratch().join("copy");
    std::fs::create_dir_all(&copy_dir).unwrap();
    std::fs::set_permissions(&copy_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = copy_dir.join("libws2_32.so");
    std::fs::copy(profile.join("libws2_32.so"), &copy).unwrap();
    let lib = provider_with("libapp_copy.so", &[copy.display().to_string()]);
    let stderr = run_app(&app, &lib, "catalog-copy", 10106);
    assert!(
        stderr.contains(&format!(
            "provider library {} refused: it needs {}",
            lib.display(),
            copy.display()
        )),
        "{stderr}"
    );
}
