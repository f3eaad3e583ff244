//! The provider conformance suite behind `ws2emu conform` (issue 7).
//!
//! [`run`] drives the Winsock client API area by area (startup and catalog, TCP and UDP over
//! IPv4 and IPv6, errors, socket options, select, WSAEventSelect, WSAAsyncSelect, overlapped
//! I/O by event, completion routine and completion port, AcceptEx/ConnectEx, close and cleanup) through whichever providers the
//! process's catalog puts first, with the provider verifier on. It must run in a process of its
//! own (the `ws2emu` executable re-runs itself for it): WSAStartup, the catalog snapshot and the
//! verifier are process-wide, and the process must export the Winsock/Win32 functions C
//! providers import (`-rdynamic` plus [`keep_exports`]).
//!
//! Output: one line per event on stdout, tab-separated, for `ws2emu conform` to read:
//!
//! ```text
//! area    NAME
//! pass    AREA    CHECK
//! fail    AREA    CHECK   EXPECTED    OBSERVED
//! skip    AREA
//! done
//! ```
//!
//! A verifier diagnostic raised during an area is one `fail` of check `verifier` whose observed
//! value is the diagnostic's line. Values are Rust `{:?}` renderings (no tabs or newlines).

mod suite;

pub use suite::{run, AREAS};

/// A sample layered provider of examples/providers, built by build.rs.
#[derive(Debug)]
pub struct Sample {
    /// Its catalog name.
    pub name: &'static str,
    pub path: &'static str,
    pub ifs: bool,
}

/// The samples; both layer over every base entry (TCP and UDP, IPv4 and IPv6).
pub const SAMPLES: &[Sample] = &[
    Sample {
        name: "Sample LSP",
        path: concat!(env!("OUT_DIR"), "/libsample_lsp.so"),
        ifs: false,
    },
    Sample {
        name: "Sample IFS LSP",
        path: concat!(env!("OUT_DIR"), "/libsample_ifs_lsp.so"),
        ifs: true,
    },
];

/// Keeps the Winsock/Win32 exports C providers import from the hosting process in the
/// executable (the linker drops unreferenced ones even with -rdynamic).
pub fn keep_exports() {
    use ws2_32::{catalog, kernel32, last_error, loader, memory, sync, threads, upcalls};
    std::hint::black_box((
        threads::CreateThread as unsafe extern "system" fn(_, _, _, _, _, _) -> _,
        kernel32::WaitForSingleObject as extern "system" fn(_, _) -> _,
        kernel32::WaitForSingleObjectEx as extern "system-unwind" fn(_, _, _) -> _,
        kernel32::WaitForMultipleObjects as unsafe extern "system" fn(_, _, _, _) -> _,
        kernel32::WaitForMultipleObjectsEx as unsafe extern "system-unwind" fn(_, _, _, _, _) -> _,
        last_error::WSAGetLastError as extern "system" fn() -> _,
        last_error::WSASetLastError as extern "system" fn(_),
        kernel32::CloseHandle as extern "system" fn(_) -> _,
        memory::HeapAlloc as extern "system" fn(_, _, _) -> _,
        memory::HeapFree as unsafe extern "system" fn(_, _, _) -> _,
        memory::GetProcessHeap as extern "system" fn() -> _,
        sync::InitializeCriticalSection as unsafe extern "system" fn(_),
        sync::EnterCriticalSection as unsafe extern "system" fn(_),
        sync::LeaveCriticalSection as unsafe extern "system" fn(_),
        sync::DeleteCriticalSection as unsafe extern "system" fn(_),
        catalog::WSCEnumProtocols as unsafe extern "system" fn(_, _, _, _) -> _,
        upcalls::WPUCompleteOverlappedRequest as unsafe extern "system" fn(_, _, _, _, _) -> _,
        loader::LoadLibraryW as unsafe extern "system" fn(_) -> _,
        loader::GetProcAddress as unsafe extern "system" fn(_, _) -> _,
        loader::FreeLibrary as extern "system" fn(_) -> _,
        loader::ExpandEnvironmentStringsW as unsafe extern "system" fn(_, _, _) -> _,
        loader::GetModuleHandleW as unsafe extern "system" fn(_) -> _,
    ));
}
