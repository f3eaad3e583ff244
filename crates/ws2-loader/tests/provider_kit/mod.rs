//! Builds the C test providers of tests/providers and the sample providers of
//! examples/providers (gcc -shared -fPIC -Wall -Wextra -Werror
//! against shims/include, as tests/abi/tests/calling_convention.rs builds its probe) and helps
//! the loader tests read what they recorded.
#![allow(dead_code)]
#![allow(unsafe_code)] // reads the providers' exported counters through raw pointers

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use ws2_abi::{GUID, WSAPROTOCOL_INFOW, WSPUPCALLTABLE};
use ws2_core::catalog::{blank_protocol_info, CatalogEntry};
use ws2_core::runtime;
use ws2_loader::module;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// One provider to build: output name, source, extra gcc arguments.
const PROVIDERS: &[(&str, &str, &[&str])] = &[
    ("libmock_good.so", "mock_provider.c", &[]),
    ("libmock_base.so", "mock_provider.c", &[]),
    (
        "libmock_null_slot.so",
        "mock_provider.c",
        &["-DNULL_SLOT=16"],
    ),
    (
        "libmock_failing.so",
        "mock_provider.c",
        &["-DSTARTUP_RESULT=10091"],
    ),
    (
        "libmock_v11.so",
        "mock_provider.c",
        &["-DNEGOTIATED=0x0101"],
    ),
    ("libupcall_provider.so", "upcall_provider.c", &[]),
    (
        "libdllmain.so",
        "dllmain_provider.c",
        &["-DNAME=\"DLLMAIN\""],
    ),
    (
        "libdllmain_fail.so",
        "dllmain_provider.c",
        &["-DNAME=\"DLLMAIN_FAIL\"", "-DFAIL_ATTACH"],
    ),
    ("libmock_host.so", "mock_provider.c", &["-DHOST_ATTACH=0"]),
    ("libdispatch.so", "dispatch_provider.c", &[]),
    ("libpass_through_lsp.so", "pass_through_lsp.c", &[]),
    (
        "libmock_host_refuses.so",
        "mock_provider.c",
        &["-DHOST_ATTACH=1"],
    ),
    ("liblsp_a.so", "lsp.c", &["-DSELF_INDEX=0"]),
    ("liblsp_b.so", "lsp.c", &["-DSELF_INDEX=1"]),
    ("libunresolved.so", "unresolved.c", &[]),
];

/// The sample providers of examples/providers (C11, Windows provider code): output name, source.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("libsample_lsp.so", "sample_lsp.c"),
    ("libsample_ifs_lsp.so", "sample_ifs_lsp.c"),
];

/// The directory holding the built providers (built once per test process).
pub fn provider_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        keep_exports();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("loader-providers-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let include = repo().join("shims/include");
        let gcc = |out: &str, source: &str, extra: &[&str], libs: &[String]| {
            let sources = if EXAMPLES.iter().any(|(_, s)| *s == source) {
                repo().join("examples/providers")
            } else {
                repo().join("tests/providers")
            };
            let status = Command::new("gcc")
                .args([
                    "-shared",
                    "-fPIC",
                    "-Wall",
                    "-Wextra",
                    "-Werror",
                    "-fvisibility=hidden",
                ])
                .args(["-fshort-wchar", "-Wno-unknown-pragmas", "-I"])
                .arg(&include)
                .args(extra)
                .arg(sources.join(source))
                .arg("-o")
                .arg(dir.join(out))
                .args(libs)
                .status()
                .expect("run gcc");
            assert!(status.success(), "gcc failed for {out}");
        };
        for (out, source, extra) in PROVIDERS {
            gcc(out, source, extra, &[]);
        }
        for (out, source) in EXAMPLES {
            gcc(out, source, &["-std=c11"], &[]);
        }
        // Linked against libmock_good.so, which exports a WSPStartup.
        gcc(
            "libno_startup.so",
            "no_startup.c",
            &[],
            &[
                format!("-L{}", dir.display()),
                format!("-Wl,-rpath,{}", dir.display()),
                "-Wl,--no-as-needed".into(),
                "-lmock_good".into(),
            ],
        );
        std::fs::write(dir.join("libnot_elf.so"), b"this is not an ELF file\n").unwrap();
        dir
    })
}

pub fn provider(name: &str) -> PathBuf {
    provider_dir().join(name)
}

pub fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

pub fn guid(n: u32) -> GUID {
    GUID {
        Data1: 0x7E57_0000 | n,
        Data2: 0x1234,
        Data3: 0x4567,
        Data4: [0x89, 0xAB, 0xCD, 0xEF, 0, 0, 0, n as u8],
    }
}

/// Pushes a catalog entry into this process's in-memory catalog; returns its id.
pub fn push_entry(provider: GUID, path: &str, chain: &[u32]) -> u32 {
    let mut info: WSAPROTOCOL_INFOW = blank_protocol_info();
    info.ProviderId = provider;
    info.ProtocolChain.ChainLen = chain.len() as i32;
    info.ProtocolChain.ChainEntries[..chain.len()].copy_from_slice(chain);
    info.iVersion = 2;
    info.iAddressFamily = ws2_abi::AF_INET;
    info.iSocketType = ws2_abi::SOCK_STREAM;
    info.iProtocol = ws2_abi::IPPROTO_TCP;
    runtime().catalog_mut().push(CatalogEntry {
        info,
        path: wide(path),
        lsp_categories: 0,
    })
}

/// Makes `path` the stored DLL path of `provider` through WSCInstallProvider, the Windows
/// installer API: WPUGetProviderPath reads the *stored* catalog (spec §4.2), while the loader
/// starts entries of the process's view, where `push_entry` puts them.
pub fn install_path(provider: GUID, path: &str) {
    let mut info = blank_protocol_info();
    info.ProtocolChain.ChainLen = 1;
    info.iAddressFamily = ws2_abi::AF_INET;
    let mut guid = provider;
    let mut wide_path = wide(path);
    wide_path.push(0);
    let mut errno = 0;
    // SAFETY: valid GUID, NUL-terminated path, one entry, writable errno.
    let result = unsafe {
        ws2_32::catalog::WSCInstallProvider(&mut guid, wide_path.as_ptr(), &info, 1, &mut errno)
    };
    assert!(
        result == 0 || errno == ws2_abi::WSANO_RECOVERY,
        "WSCInstallProvider({path}): {errno}"
    );
}

/// Pushes a base-protocol entry (ChainLen 1) for a built provider.
pub fn push_base(provider_guid: GUID, file: &str) -> u32 {
    // ChainLen 1 (BASE_PROTOCOL); the chain entries of a base entry are unused.
    push_entry(provider_guid, provider(file).to_str().unwrap(), &[0])
}

/// A reference of our own on a built provider, so its exported counters stay readable after
/// the loader unloads it. Dropping it frees the reference.
pub struct Held {
    pub module: usize,
}

impl Held {
    pub fn new(file: &str) -> Self {
        let module = module::load_library(provider(file).to_str().unwrap()).expect("load");
        Self { module }
    }

    fn address(&self, symbol: &str) -> usize {
        module::proc_address(self.module, symbol.as_bytes())
            .unwrap_or_else(|e| panic!("{symbol}: {e}"))
    }

    pub fn int(&self, symbol: &str) -> i32 {
        // SAFETY: the symbol is an exported `int` of a library we hold a reference on.
        unsafe { (self.address(symbol) as *const i32).read() }
    }

    pub fn word(&self, symbol: &str) -> u16 {
        // SAFETY: as above, a WORD.
        unsafe { (self.address(symbol) as *const u16).read() }
    }

    pub fn info(&self, symbol: &str) -> WSAPROTOCOL_INFOW {
        // SAFETY: as above, a WSAPROTOCOL_INFOW.
        unsafe { (self.address(symbol) as *const WSAPROTOCOL_INFOW).read() }
    }

    /// The address of an exported function or object.
    pub fn export(&self, symbol: &str) -> usize {
        self.address(symbol)
    }

    /// The upcall tables the provider recorded (`upcalls_seen[upcalls_count]`).
    pub fn upcalls(&self) -> Vec<WSPUPCALLTABLE> {
        let count = self.int("upcalls_count") as usize;
        let base = self.address("upcalls_seen") as *const WSPUPCALLTABLE;
        // SAFETY: the provider wrote `count` (<= 16) tables into its exported array.
        (0..count).map(|i| unsafe { base.add(i).read() }).collect()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = module::free_library(self.module);
    }
}

/// The 15 upcall pointers of a table, for comparisons (checklist 64).
pub fn slots(t: &WSPUPCALLTABLE) -> [usize; 15] {
    [
        t.lpWPUCloseEvent.map_or(0, |f| f as usize),
        t.lpWPUCloseSocketHandle.map_or(0, |f| f as usize),
        t.lpWPUCreateEvent.map_or(0, |f| f as usize),
        t.lpWPUCreateSocketHandle.map_or(0, |f| f as usize),
        t.lpWPUFDIsSet.map_or(0, |f| f as usize),
        t.lpWPUGetProviderPath.map_or(0, |f| f as usize),
        t.lpWPUModifyIFSHandle.map_or(0, |f| f as usize),
        t.lpWPUPostMessage.map_or(0, |f| f as usize),
        t.lpWPUQueryBlockingCallback.map_or(0, |f| f as usize),
        t.lpWPUQuerySocketHandleContext.map_or(0, |f| f as usize),
        t.lpWPUQueueApc.map_or(0, |f| f as usize),
        t.lpWPUResetEvent.map_or(0, |f| f as usize),
        t.lpWPUSetEvent.map_or(0, |f| f as usize),
        t.lpWPUOpenCurrentThread.map_or(0, |f| f as usize),
        t.lpWPUCloseThread.map_or(0, |f| f as usize),
    ]
}

/// Keeps the Winsock/Win32 exports the C providers (tests/providers, the samples and the broken
/// examples) import in the test executable, which exports them with -rdynamic (see build.rs):
/// referencing them makes the linker keep their code.
pub fn keep_exports() {
    use ws2_32::{catalog, kernel32, last_error, loader, memory, sync, threads, upcalls};
    std::hint::black_box((
        loader::LoadLibraryW as unsafe extern "system" fn(_) -> _,
        loader::GetProcAddress as unsafe extern "system" fn(_, _) -> _,
        loader::FreeLibrary as extern "system" fn(_) -> _,
        loader::ExpandEnvironmentStringsW as unsafe extern "system" fn(_, _, _) -> _,
        loader::GetModuleHandleW as unsafe extern "system" fn(_) -> _,
        threads::CreateThread as unsafe extern "system" fn(_, _, _, _, _, _) -> _,
        kernel32::WaitForSingleObject as extern "system" fn(_, _) -> _,
        kernel32::WaitForSingleObjectEx as extern "system-unwind" fn(_, _, _) -> _,
        kernel32::WaitForMultipleObjects as unsafe extern "system" fn(_, _, _, _) -> _,
        kernel32::WaitForMultipleObjectsEx as unsafe extern "system-unwind" fn(_, _, _, _, _) -> _,
        kernel32::CloseHandle as extern "system" fn(_) -> _,
        last_error::WSAGetLastError as extern "system" fn() -> _,
        last_error::WSASetLastError as extern "system" fn(_),
        memory::HeapAlloc as extern "system" fn(_, _, _) -> _,
        memory::HeapFree as unsafe extern "system" fn(_, _, _) -> _,
        memory::GetProcessHeap as extern "system" fn() -> _,
        sync::InitializeCriticalSection as unsafe extern "system" fn(_),
        sync::EnterCriticalSection as unsafe extern "system" fn(_),
        sync::LeaveCriticalSection as unsafe extern "system" fn(_),
        sync::DeleteCriticalSection as unsafe extern "system" fn(_),
        catalog::WSCEnumProtocols as unsafe extern "system" fn(_, _, _, _) -> _,
        upcalls::WPUCompleteOverlappedRequest as unsafe extern "system" fn(_, _, _, _, _) -> _,
    ));
}

/// `source` (a file of examples/providers) is valid Windows C for the mingw-w64 cross
/// compiler; skipped with a note when it is not installed, unless WS2EMU_REQUIRE_MINGW is set.
pub fn check_mingw(source: &str) {
    const MINGW: &str = "x86_64-w64-mingw32-gcc";
    if std::process::Command::new(MINGW)
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("WS2EMU_REQUIRE_MINGW").is_none(),
            "{MINGW} is required (WS2EMU_REQUIRE_MINGW is set)"
        );
        eprintln!("SKIPPED: {MINGW} not installed; {source} not compiled as Windows code");
        return;
    }
    let output = std::process::Command::new(MINGW)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
        .arg(repo().join("examples/providers").join(source))
        .output()
        .expect("run the mingw-w64 compiler");
    assert!(
        output.status.success(),
        "{source} is not valid Windows C:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
