//! The base provider started without the ws2emu host table, as a layered provider starts it on
//! Windows: LoadLibraryW on the path WPUGetProviderPath gave, then its WSPStartup, and no
//! `ws2emu_attach_host` (only ws2emu's loader calls that). Its extension functions must still
//! report through the thread's last error, else a layer that issues AcceptEx reads a stale code
//! (0 or an earlier WSAEINVAL) instead of WSA_IO_PENDING and never watches the request.
//!
//! Here the process's ws2_32 is libws2_32.so, loaded RTLD_GLOBAL as a C client has it, whose
//! exported WSASetLastError the provider falls back on; the last error is read from the same
//! library. This process never attaches a host table (its own test binary).
#![allow(unsafe_code)] // calls the provider and libws2_32.so through C function pointers

mod base_common;
use base_common::asyncio::*;
use base_common::*;
use libloading::os::unix::{Library, RTLD_GLOBAL, RTLD_NOW};
use std::path::PathBuf;
use std::sync::OnceLock;
use ws2_abi::*;

/// libws2_32.so (built now, as base_common builds libws2_base.so), loaded into the global scope.
fn ws2_32_library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "ws2-capi", "--lib"])
            .args(
                library_path()
                    .parent()
                    .is_some_and(|d| d.ends_with("release"))
                    .then_some("--release"),
            )
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p ws2-capi failed");
        let path: PathBuf = library_path().with_file_name("libws2_32.so");
        // SAFETY: ws2emu's own client library; its initialisers are Rust's.
        unsafe { Library::open(Some(&path), RTLD_NOW | RTLD_GLOBAL).expect("dlopen libws2_32.so") }
    })
}

fn set_last_error(code: i32) {
    // SAFETY: WSASetLastError is `void WSASetLastError(int)`.
    unsafe {
        ws2_32_library()
            .get::<unsafe extern "system" fn(i32)>(b"WSASetLastError\0")
            .expect("WSASetLastError export")(code)
    }
}

fn last_error() -> i32 {
    // SAFETY: WSAGetLastError is `int WSAGetLastError(void)`.
    unsafe {
        ws2_32_library()
            .get::<unsafe extern "system" fn() -> i32>(b"WSAGetLastError\0")
            .expect("WSAGetLastError export")()
    }
}

#[test]
fn extension_functions_set_the_last_error_without_a_host_table() {
    ws2_32_library();
    let p = provider(); // WSPStartup only, as a layered provider calls it
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 1).unwrap();
    let laddr = p.sockname(l).unwrap();
    let accept_ex = p.accept_ex_fn(l);
    let accepted = p.socket(TCP4).unwrap();
    let ev = manual_event();
    let mut buf = [0u8; 2 * 44];

    // A refused call: its own error, not what the thread had before.
    let bound = p.socket(TCP4).unwrap();
    p.bind(bound, &v4(LOOP4, 0)).unwrap();
    let mut ov = overlapped(ev);
    let mut n = 0;
    set_last_error(0);
    // SAFETY: valid pointers.
    let r = unsafe {
        accept_ex(
            l,
            bound,
            buf.as_mut_ptr().cast(),
            0,
            44,
            44,
            &mut n,
            &mut *ov,
        )
    };
    assert_eq!((r, last_error()), (FALSE, WSAEINVAL), "bound accept socket");

    // A pending AcceptEx: WSA_IO_PENDING over a stale WSAEINVAL (an earlier refused
    // SIO_GET_EXTENSION_FUNCTION_POINTER, as in the IFS sample's case).
    let mut ov = overlapped(ev);
    set_last_error(WSAEINVAL);
    // SAFETY: valid pointers that outlive the request (waited for below).
    let r = unsafe {
        accept_ex(
            l,
            accepted,
            buf.as_mut_ptr().cast(),
            0,
            44,
            44,
            &mut n,
            &mut *ov,
        )
    };
    assert_eq!((r, last_error()), (FALSE, WSA_IO_PENDING));

    // Without the host the provider completes the event request itself.
    let c = p.socket(TCP4).unwrap();
    p.connect(c, &laddr).unwrap();
    assert!(signalled(ev, LONG_MS), "AcceptEx completed");
    assert_eq!(p.result(l, &mut ov, false), Ok((0, 0)));
    for h in [accepted, c, bound, l] {
        p.close(h).unwrap();
    }
}
