//! Helpers shared by the C ABI integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// target/<profile>, where cargo puts libws2_32.so and ws2emu.pc.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    // target/<profile>/deps/<test binary>
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("profile dir")
        .to_path_buf()
}

/// libws2_32.so, built now: `cargo test` compiles the crate's rlib for the tests but does not
/// always produce its cdylib, and a leftover one could be stale.
pub fn shared_library() -> PathBuf {
    static BUILT: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let release = profile_dir().ends_with("release");
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "ws2-capi", "--lib"])
            .args(release.then_some("--release"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p ws2-capi failed");
    });
    let lib = profile_dir().join("libws2_32.so");
    assert!(lib.exists(), "{} is not built", lib.display());
    lib
}

pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("capi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The last-error value tests set before a call, to see whether the call changed it.
pub const SENTINEL: u32 = 0x5EED;

/// Sets the last error to [`SENTINEL`].
pub fn sentinel() {
    ws2_32::last_error::set(SENTINEL);
}

/// A C string of `s` (which has no NUL).
pub fn c(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s).unwrap()
}

/// `s` as a NUL-terminated UTF-16 string.
pub fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

/// Runs `f` on a new thread and returns its result (a panic there fails the test).
pub fn on_fresh_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().expect("test thread panicked")
}

/// WSAStartup(2.2) once for the process (Winsock state is process-wide; nothing here calls
/// WSACleanup).
pub fn start() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // SAFETY: a writable WSADATA.
        let mut data: ws2_abi::WSADATA = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { ws2_32::winsock::WSAStartup(0x0202, &mut data) }, 0);
    });
}

/// [`start`] with the default catalog and the base provider built beside this test.
pub fn start_with_base() {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
            .args(profile_dir().ends_with("release").then_some("--release"))
            .status()
            .expect("cargo build -p ws2-base");
        assert!(status.success());
        std::env::remove_var("WS2EMU_CATALOG");
        std::env::set_var("WS2EMU_LIBDIR", profile_dir());
    });
    start();
}

/// The size of a SOCKADDR_IN, as the `namelen` arguments take it.
pub const ADDR_LEN: i32 = std::mem::size_of::<ws2_abi::SOCKADDR_IN>() as i32;

/// 127.0.0.1, port 0.
pub fn loopback() -> ws2_abi::SOCKADDR_IN {
    // SAFETY: all-zero is a valid sockaddr_in.
    let mut a: ws2_abi::SOCKADDR_IN = unsafe { std::mem::zeroed() };
    a.sin_family = ws2_abi::AF_INET as ws2_abi::ADDRESS_FAMILY;
    // SAFETY: IN_ADDR is four bytes in network order.
    unsafe {
        std::ptr::write_unaligned(
            std::ptr::addr_of_mut!(a.sin_addr).cast::<[u8; 4]>(),
            [127, 0, 0, 1],
        )
    };
    a
}

/// A socket of `kind` through the base provider bound to 127.0.0.1 on a free port, with its
/// address.
pub fn bound(kind: i32, protocol: i32) -> (ws2_abi::SOCKET, ws2_abi::SOCKADDR_IN) {
    use ws2_32::client::{bind, getsockname, socket};
    start_with_base();
    let s = socket(ws2_abi::AF_INET, kind, protocol);
    assert_ne!(s, ws2_abi::INVALID_SOCKET);
    let mut a = loopback();
    let mut n = ADDR_LEN;
    // SAFETY: a valid sockaddr of ADDR_LEN bytes, writable for getsockname.
    unsafe {
        assert_eq!(bind(s, std::ptr::addr_of!(a).cast(), ADDR_LEN), 0);
        assert_eq!(getsockname(s, std::ptr::addr_of_mut!(a).cast(), &mut n), 0);
    }
    (s, a)
}

/// A connected TCP pair through the base provider: (client, server side).
pub fn pair() -> (ws2_abi::SOCKET, ws2_abi::SOCKET) {
    use ws2_32::client::{accept, closesocket, connect, listen, socket};
    use ws2_abi::{AF_INET, INVALID_SOCKET, IPPROTO_TCP, SOCK_STREAM};
    let (listener, a) = bound(SOCK_STREAM, IPPROTO_TCP);
    assert_eq!(listen(listener, 4), 0);
    let client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    // SAFETY: a valid sockaddr of ADDR_LEN bytes; NULL address out-parameters.
    let server = unsafe {
        assert_eq!(connect(client, std::ptr::addr_of!(a).cast(), ADDR_LEN), 0);
        accept(listener, std::ptr::null_mut(), std::ptr::null_mut())
    };
    assert_ne!(server, INVALID_SOCKET);
    assert_eq!(closesocket(listener), 0);
    (client, server)
}

/// A window class of `proc_` named `name` (NUL-terminated), all else zero.
pub fn window_class(name: &[u16], proc_: ws2_abi::WNDPROC) -> ws2_abi::WNDCLASSEXW {
    use std::ptr::{null, null_mut};
    ws2_abi::WNDCLASSEXW {
        cbSize: std::mem::size_of::<ws2_abi::WNDCLASSEXW>() as ws2_abi::UINT,
        style: 0,
        lpfnWndProc: proc_,
        cbClsExtra: 0,
        cbWndExtra: 0,
        hInstance: null_mut(),
        hIcon: null_mut(),
        hCursor: null_mut(),
        hbrBackground: null_mut(),
        lpszMenuName: null(),
        lpszClassName: name.as_ptr(),
        hIconSm: null_mut(),
    }
}

/// CreateWindowExW(HWND_MESSAGE) of the registered class `class` (NUL-terminated) with `param`
/// as lpParam; NULL when it fails.
pub fn message_window(class: &[u16], param: usize) -> ws2_abi::HWND {
    use std::ptr::{null, null_mut};
    // SAFETY: `class` is a NUL-terminated string.
    unsafe {
        ws2_32::user32::CreateWindowExW(
            0,
            class.as_ptr(),
            null(),
            0,
            0,
            0,
            0,
            0,
            ws2_abi::HWND_MESSAGE,
            null_mut(),
            null_mut(),
            param as ws2_abi::LPVOID,
        )
    }
}
