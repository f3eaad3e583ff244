//! ABI check (c): calling convention across the Rust/C boundary, in both directions.
//!
//! tests/abi/c/cc_provider.c is compiled against shims/include as a shared library. Its
//! WSPStartup receives a Rust-built WSPUPCALLTABLE **by value** and calls each of the 15 slots
//! with distinct sentinel arguments; the Rust upcalls below record what arrives and return
//! sentinels that the C side records. Then Rust calls all 30 slots of the WSPPROC_TABLE the C side
//! filled, again with sentinels, and reads back what each C function received.
#![allow(unsafe_code)] // calls into a C library through raw function pointers

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use ws2_abi::*;
use ws2emu_abi_check::*;

// The sentinel scheme shared with cc_provider.c: distinct per slot and argument, full width.
fn s64(slot: u64, arg: u64) -> u64 {
    0x5A5A_0000_0000_0000 | (slot << 8) | arg
}
fn s32(slot: u64, arg: u64) -> u32 {
    0xC300_0000 | ((slot as u32) << 8) | arg as u32
}
fn sint(slot: u64, arg: u64) -> i32 {
    -(1000 + slot as i32 * 16 + arg as i32)
}
fn p<T>(slot: u64, arg: u64) -> *mut T {
    s64(slot, arg) as usize as *mut T
}
fn cp<T>(slot: u64, arg: u64) -> *const T {
    p::<T>(slot, arg).cast_const()
}
fn sock(slot: u64, arg: u64) -> SOCKET {
    s64(slot, arg) as SOCKET
}

/// What one upcall received, widened to u64 (pointers and unsigned zero-extended).
static UPCALLS: Mutex<Vec<(usize, Vec<u64>)>> = Mutex::new(Vec::new());

fn record(slot: usize, args: &[u64]) {
    UPCALLS.lock().unwrap().push((slot, args.to_vec()));
}
fn ptr<T>(p: *const T) -> u64 {
    p as usize as u64
}
/// Value the Rust upcall of `slot` returns (int/BOOL kinds).
fn upcall_ret(slot: usize) -> i32 {
    0x200 + slot as i32
}

unsafe extern "system" fn up_close_event(h: WSAEVENT, e: *mut i32) -> BOOL {
    record(0, &[ptr(h), ptr(e)]);
    upcall_ret(0)
}
unsafe extern "system" fn up_close_socket_handle(s: SOCKET, e: *mut i32) -> i32 {
    record(1, &[s as u64, ptr(e)]);
    upcall_ret(1)
}
unsafe extern "system" fn up_create_event(e: *mut i32) -> WSAEVENT {
    record(2, &[ptr(e)]);
    p(2, 14)
}
unsafe extern "system" fn up_create_socket_handle(id: u32, ctx: DWORD_PTR, e: *mut i32) -> SOCKET {
    record(3, &[id as u64, ctx as u64, ptr(e)]);
    sock(3, 14)
}
unsafe extern "system" fn up_fd_is_set(s: SOCKET, set: *mut fd_set) -> i32 {
    record(4, &[s as u64, ptr(set)]);
    upcall_ret(4)
}
unsafe extern "system" fn up_get_provider_path(
    g: *mut GUID,
    path: *mut u16,
    len: *mut i32,
    e: *mut i32,
) -> i32 {
    record(5, &[ptr(g), ptr(path), ptr(len), ptr(e)]);
    upcall_ret(5)
}
unsafe extern "system" fn up_modify_ifs_handle(id: u32, s: SOCKET, e: *mut i32) -> SOCKET {
    record(6, &[id as u64, s as u64, ptr(e)]);
    sock(6, 14)
}
unsafe extern "system" fn up_post_message(h: HWND, msg: u32, w: WPARAM, l: LPARAM) -> BOOL {
    record(7, &[ptr(h), msg as u64, w as u64, l as u64]);
    upcall_ret(7)
}
unsafe extern "system" fn up_query_blocking_callback(
    id: u32,
    cb: *mut LPBLOCKINGCALLBACK,
    ctx: *mut DWORD_PTR,
    e: *mut i32,
) -> i32 {
    record(8, &[id as u64, ptr(cb), ptr(ctx), ptr(e)]);
    upcall_ret(8)
}
unsafe extern "system" fn up_query_socket_handle_context(
    s: SOCKET,
    ctx: *mut DWORD_PTR,
    e: *mut i32,
) -> i32 {
    record(9, &[s as u64, ptr(ctx), ptr(e)]);
    upcall_ret(9)
}
unsafe extern "system" fn up_queue_apc(
    t: *mut WSATHREADID,
    f: LPWSAUSERAPC,
    ctx: DWORD_PTR,
    e: *mut i32,
) -> i32 {
    let f = f.map_or(0, |f| f as usize as u64);
    record(10, &[ptr(t), f, ctx as u64, ptr(e)]);
    upcall_ret(10)
}
unsafe extern "system" fn up_reset_event(h: WSAEVENT, e: *mut i32) -> BOOL {
    record(11, &[ptr(h), ptr(e)]);
    upcall_ret(11)
}
unsafe extern "system" fn up_set_event(h: WSAEVENT, e: *mut i32) -> BOOL {
    record(12, &[ptr(h), ptr(e)]);
    upcall_ret(12)
}
unsafe extern "system" fn up_open_current_thread(t: *mut WSATHREADID, e: *mut i32) -> i32 {
    record(13, &[ptr(t), ptr(e)]);
    upcall_ret(13)
}
unsafe extern "system" fn up_close_thread(t: *mut WSATHREADID, e: *mut i32) -> i32 {
    record(14, &[ptr(t), ptr(e)]);
    upcall_ret(14)
}

fn upcall_table() -> WSPUPCALLTABLE {
    WSPUPCALLTABLE {
        lpWPUCloseEvent: Some(up_close_event),
        lpWPUCloseSocketHandle: Some(up_close_socket_handle),
        lpWPUCreateEvent: Some(up_create_event),
        lpWPUCreateSocketHandle: Some(up_create_socket_handle),
        lpWPUFDIsSet: Some(up_fd_is_set),
        lpWPUGetProviderPath: Some(up_get_provider_path),
        lpWPUModifyIFSHandle: Some(up_modify_ifs_handle),
        lpWPUPostMessage: Some(up_post_message),
        lpWPUQueryBlockingCallback: Some(up_query_blocking_callback),
        lpWPUQuerySocketHandleContext: Some(up_query_socket_handle_context),
        lpWPUQueueApc: Some(up_queue_apc),
        lpWPUResetEvent: Some(up_reset_event),
        lpWPUSetEvent: Some(up_set_event),
        lpWPUOpenCurrentThread: Some(up_open_current_thread),
        lpWPUCloseThread: Some(up_close_thread),
    }
}

/// Argument kinds per upcall slot, as cc_provider.c passes them: P = 64-bit sentinel,
/// D = 32-bit unsigned sentinel.
const UPCALL_KINDS: [&str; 15] = [
    "PP", "PP", "P", "DPP", "PP", "PPPP", "DPP", "PDPP", "DPPP", "PPP", "PPPP", "PP", "PP", "PP",
    "PP",
];

/// Expected widened argument for kind `k` (P, D, or I = signed int) at (slot, arg).
fn expected(kind: u8, slot: u64, arg: u64) -> u64 {
    match kind {
        b'P' => s64(slot, arg),
        b'D' => s32(slot, arg) as u64,
        b'I' => sint(slot, arg) as i64 as u64,
        other => panic!("bad kind {other}"),
    }
}

fn build_provider() -> PathBuf {
    let dir = scratch_dir("cc-provider");
    let lib = dir.join("libcc_provider.so");
    let src = repo_root().join("tests/abi/c/cc_provider.c");
    let out = Command::new("gcc")
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-shared",
            "-fPIC",
            "-fvisibility=hidden",
        ])
        .arg(format!("-I{}", shims_include().display()))
        .arg(&src)
        .arg("-o")
        .arg(&lib)
        .output()
        .expect("run gcc");
    assert!(
        out.status.success(),
        "cc_provider.c:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}

/// Reads an exported C array of `n` u64 values.
fn c_array(lib: &libloading::Library, name: &[u8], n: usize) -> Vec<u64> {
    // SAFETY: the symbol is an `unsigned long long[n]` exported by cc_provider.c, which stays
    // loaded while `lib` lives; we only read it on this thread after the C code wrote it.
    unsafe {
        let sym: libloading::Symbol<*const u64> = lib.get(name).expect("array symbol");
        std::slice::from_raw_parts(*sym, n).to_vec()
    }
}

fn c_int(lib: &libloading::Library, name: &[u8]) -> i32 {
    // SAFETY: the symbol is an `int` exported by cc_provider.c; see c_array.
    unsafe { **lib.get::<*const i32>(name).expect("int symbol") }
}

#[test]
fn upcall_table_by_value_and_proc_table_cross_the_boundary_intact() {
    let path = build_provider();
    // SAFETY: loading our own test library runs no initialisers beyond libc's.
    let lib = unsafe { libloading::Library::new(&path) }.expect("dlopen cc provider");
    // SAFETY: WSPStartup is exported by cc_provider.c with exactly this prototype (ws2spi.h).
    let startup: libloading::Symbol<LPWSPSTARTUP> =
        unsafe { lib.get(b"WSPStartup") }.expect("WSPStartup export");
    let startup = (*startup).expect("non-null WSPStartup");

    // SAFETY: all-zero is a valid value for these plain C structs (NULL slots, zero fields).
    let mut data: WSPDATA = unsafe { std::mem::zeroed() };
    let mut info: WSAPROTOCOL_INFOW = unsafe { std::mem::zeroed() };
    let mut procs: WSPPROC_TABLE = unsafe { std::mem::zeroed() };
    UPCALLS.lock().unwrap().clear();
    // SAFETY: arguments are valid for the duration of the call, as WSPStartup requires.
    let rc = unsafe { startup(0x0202, &mut data, &mut info, upcall_table(), &mut procs) };
    assert_eq!(rc, 0, "WSPStartup failed");

    // WSPStartup's own arguments.
    let startup_args = c_array(&lib, b"cc_startup_args", 4);
    assert_eq!(startup_args[0], 0x0202, "wVersionRequested");
    assert_eq!(startup_args[1], ptr(&data), "lpWSPData");
    assert_eq!(startup_args[2], ptr(&info), "lpProtocolInfo");
    assert_eq!(startup_args[3], ptr(&procs), "lpProcTable");
    assert_eq!(data.wVersion, 0x0202);
    assert_eq!(
        String::from_utf16_lossy(&data.szDescription[..31]),
        "ws2emu calling-convention probe"
    );

    // Upcall direction: every slot called once, in order, with its sentinels.
    let calls = UPCALLS.lock().unwrap().clone();
    assert_eq!(
        calls.len(),
        15,
        "each upcall is called exactly once: {calls:x?}"
    );
    for (slot, (got_slot, args)) in calls.iter().enumerate() {
        assert_eq!(*got_slot, slot, "upcall order");
        let want: Vec<u64> = UPCALL_KINDS[slot]
            .bytes()
            .enumerate()
            .map(|(j, k)| expected(k, slot as u64, j as u64))
            .collect();
        assert_eq!(args, &want, "upcall slot {slot} arguments");
    }
    let returns = c_array(&lib, b"cc_upcall_returns", 15);
    for (slot, got) in returns.iter().enumerate() {
        let want = match slot {
            2 | 3 | 6 => s64(slot as u64, 14),
            _ => upcall_ret(slot) as i64 as u64,
        };
        assert_eq!(*got, want, "value returned by upcall slot {slot}");
    }

    // Dispatch direction.
    check_proc_table(&lib, &procs);
}

/// Argument kinds of each WSPPROC_TABLE slot as cc_provider.c records them (P 64-bit, D 32-bit
/// unsigned, I signed int) and which slots return a SOCKET.
const PROC_KINDS: [&str; 30] = [
    "PPPPPP",
    "PDPPPP",
    "PPDIP",
    "PPIP",
    "P",
    "P",
    "PP",
    "PPIPPPPP",
    "PDPP",
    "PPPP",
    "PPIP",
    "PPPIPP",
    "PPPP",
    "PPPP",
    "PIIPPP",
    "PPPP",
    "PDPDPDPPPPP",
    "PPIPPPPDP",
    "PIP",
    "PPDPPPPPP",
    "PPP",
    "PPDPPPPPPPP",
    "IPPPPP",
    "PPDPDPPPP",
    "PPP",
    "PPDPDPIPPPP",
    "PIIPIP",
    "PIP",
    "IIIPDDP",
    "PIPPPP",
];
const SOCKET_SLOTS: [usize; 3] = [0, 17, 28];

/// A sentinel function-pointer argument: the recorders only store it, never call it.
fn fn_sentinel<F>(slot: u64, arg: u64) -> Option<F> {
    assert_eq!(
        std::mem::size_of::<Option<F>>(),
        std::mem::size_of::<usize>()
    );
    let bits = s64(slot, arg) as usize;
    // SAFETY: Option<extern fn> has the size of a pointer and a non-zero value is a `Some`; the
    // value is never called (the C recorders only store it).
    Some(unsafe { std::mem::transmute_copy::<usize, F>(&bits) })
}

fn check_proc_table(lib: &libloading::Library, t: &WSPPROC_TABLE) {
    let (d, i) = (s32, sint);
    // After each call: the C recorder stored its slot, its arguments and returned its marker.
    let check = |slot: usize, returned: u64| {
        let kinds = PROC_KINDS[slot].as_bytes();
        assert_eq!(
            c_int(lib, b"cc_proc_slot"),
            slot as i32,
            "call reached the wrong slot"
        );
        assert_eq!(
            c_int(lib, b"cc_proc_nargs"),
            kinds.len() as i32,
            "slot {slot} arity"
        );
        let args = c_array(lib, b"cc_proc_args", kinds.len());
        for (j, (&kind, got)) in kinds.iter().zip(&args).enumerate() {
            let want = expected(kind, slot as u64, j as u64);
            assert_eq!(
                *got, want,
                "WSPPROC_TABLE slot {slot} argument {j}: {got:#x} != {want:#x}"
            );
        }
        let want = if SOCKET_SLOTS.contains(&slot) {
            s64(slot as u64, 15)
        } else {
            0x100 + slot as u64
        };
        assert_eq!(returned, want, "return value of WSPPROC_TABLE slot {slot}");
    };
    // SAFETY (every block below): each slot points at a recorder in cc_provider.c that only
    // records its arguments and never dereferences them, so sentinel pointers are harmless.
    unsafe {
        check(
            0,
            t.lpWSPAccept.unwrap()(
                sock(0, 0),
                p(0, 1),
                p(0, 2),
                fn_sentinel(0, 3),
                s64(0, 4) as DWORD_PTR,
                p(0, 5),
            ) as u64,
        );
        check(
            1,
            t.lpWSPAddressToString.unwrap()(p(1, 0), d(1, 1), p(1, 2), p(1, 3), p(1, 4), p(1, 5))
                as u64,
        );
        check(
            2,
            t.lpWSPAsyncSelect.unwrap()(sock(2, 0), p(2, 1), d(2, 2), i(2, 3), p(2, 4)) as u64,
        );
        check(
            3,
            t.lpWSPBind.unwrap()(sock(3, 0), cp(3, 1), i(3, 2), p(3, 3)) as u64,
        );
        check(4, t.lpWSPCancelBlockingCall.unwrap()(p(4, 0)) as u64);
        check(5, t.lpWSPCleanup.unwrap()(p(5, 0)) as u64);
        check(6, t.lpWSPCloseSocket.unwrap()(sock(6, 0), p(6, 1)) as u64);
        check(
            7,
            t.lpWSPConnect.unwrap()(
                sock(7, 0),
                cp(7, 1),
                i(7, 2),
                p(7, 3),
                p(7, 4),
                p(7, 5),
                p(7, 6),
                p(7, 7),
            ) as u64,
        );
        check(
            8,
            t.lpWSPDuplicateSocket.unwrap()(sock(8, 0), d(8, 1), p(8, 2), p(8, 3)) as u64,
        );
        check(
            9,
            t.lpWSPEnumNetworkEvents.unwrap()(sock(9, 0), p(9, 1), p(9, 2), p(9, 3)) as u64,
        );
        check(
            10,
            t.lpWSPEventSelect.unwrap()(sock(10, 0), p(10, 1), i(10, 2), p(10, 3)) as u64,
        );
        check(
            11,
            t.lpWSPGetOverlappedResult.unwrap()(
                sock(11, 0),
                p(11, 1),
                p(11, 2),
                i(11, 3),
                p(11, 4),
                p(11, 5),
            ) as u64,
        );
        check(
            12,
            t.lpWSPGetPeerName.unwrap()(sock(12, 0), p(12, 1), p(12, 2), p(12, 3)) as u64,
        );
        check(
            13,
            t.lpWSPGetSockName.unwrap()(sock(13, 0), p(13, 1), p(13, 2), p(13, 3)) as u64,
        );
        check(
            14,
            t.lpWSPGetSockOpt.unwrap()(
                sock(14, 0),
                i(14, 1),
                i(14, 2),
                p(14, 3),
                p(14, 4),
                p(14, 5),
            ) as u64,
        );
        check(
            15,
            t.lpWSPGetQOSByName.unwrap()(sock(15, 0), p(15, 1), p(15, 2), p(15, 3)) as u64,
        );
        check(
            16,
            t.lpWSPIoctl.unwrap()(
                sock(16, 0),
                d(16, 1),
                p(16, 2),
                d(16, 3),
                p(16, 4),
                d(16, 5),
                p(16, 6),
                p(16, 7),
                fn_sentinel(16, 8),
                p(16, 9),
                p(16, 10),
            ) as u64,
        );
        check(
            17,
            t.lpWSPJoinLeaf.unwrap()(
                sock(17, 0),
                cp(17, 1),
                i(17, 2),
                p(17, 3),
                p(17, 4),
                p(17, 5),
                p(17, 6),
                d(17, 7),
                p(17, 8),
            ) as u64,
        );
        check(
            18,
            t.lpWSPListen.unwrap()(sock(18, 0), i(18, 1), p(18, 2)) as u64,
        );
        check(
            19,
            t.lpWSPRecv.unwrap()(
                sock(19, 0),
                p(19, 1),
                d(19, 2),
                p(19, 3),
                p(19, 4),
                p(19, 5),
                fn_sentinel(19, 6),
                p(19, 7),
                p(19, 8),
            ) as u64,
        );
        check(
            20,
            t.lpWSPRecvDisconnect.unwrap()(sock(20, 0), p(20, 1), p(20, 2)) as u64,
        );
        check(
            21,
            t.lpWSPRecvFrom.unwrap()(
                sock(21, 0),
                p(21, 1),
                d(21, 2),
                p(21, 3),
                p(21, 4),
                p(21, 5),
                p(21, 6),
                p(21, 7),
                fn_sentinel(21, 8),
                p(21, 9),
                p(21, 10),
            ) as u64,
        );
        check(
            22,
            t.lpWSPSelect.unwrap()(i(22, 0), p(22, 1), p(22, 2), p(22, 3), cp(22, 4), p(22, 5))
                as u64,
        );
        check(
            23,
            t.lpWSPSend.unwrap()(
                sock(23, 0),
                p(23, 1),
                d(23, 2),
                p(23, 3),
                d(23, 4),
                p(23, 5),
                fn_sentinel(23, 6),
                p(23, 7),
                p(23, 8),
            ) as u64,
        );
        check(
            24,
            t.lpWSPSendDisconnect.unwrap()(sock(24, 0), p(24, 1), p(24, 2)) as u64,
        );
        check(
            25,
            t.lpWSPSendTo.unwrap()(
                sock(25, 0),
                p(25, 1),
                d(25, 2),
                p(25, 3),
                d(25, 4),
                cp(25, 5),
                i(25, 6),
                p(25, 7),
                fn_sentinel(25, 8),
                p(25, 9),
                p(25, 10),
            ) as u64,
        );
        check(
            26,
            t.lpWSPSetSockOpt.unwrap()(
                sock(26, 0),
                i(26, 1),
                i(26, 2),
                cp(26, 3),
                i(26, 4),
                p(26, 5),
            ) as u64,
        );
        check(
            27,
            t.lpWSPShutdown.unwrap()(sock(27, 0), i(27, 1), p(27, 2)) as u64,
        );
        check(
            28,
            t.lpWSPSocket.unwrap()(
                i(28, 0),
                i(28, 1),
                i(28, 2),
                p(28, 3),
                d(28, 4),
                d(28, 5),
                p(28, 6),
            ) as u64,
        );
        check(
            29,
            t.lpWSPStringToAddress.unwrap()(
                p(29, 0),
                i(29, 1),
                p(29, 2),
                p(29, 3),
                p(29, 4),
                p(29, 5),
            ) as u64,
        );
    }
}
