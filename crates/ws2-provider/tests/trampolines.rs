//! The kit's C boundary, driven the way ws2_32 drives a provider: WSPStartup negotiation and
//! its errors, the reference count, the upcall table copy, and the trampolines' error paths
//! (NULL pointers, NULL lpErrno, panics → WSASYSCALLFAILURE, defaults, calls while not
//! started). No ws2_32 is involved: the upcall table is made of local functions.
#![allow(unsafe_code)] // calls the trampolines as ws2_32 does, with raw pointers

use std::io::{IoSlice, IoSliceMut};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;
use ws2_abi::*;
use ws2_provider::{export_provider, AddrOut, Overlapped, Provider, Startup, Upcalls};
use ws2_provider::{WsaError, WsaResult};

// ---------------------------------------------------------------------------------------------
// A fake upcall table: WPUCreateSocketHandle answers `context * 4 + tag`, where `tag` tells
// which table was called.
// ---------------------------------------------------------------------------------------------

unsafe extern "system" fn create_a(_id: DWORD, context: DWORD_PTR, _e: LPINT) -> SOCKET {
    context * 4 + 1
}

unsafe extern "system" fn create_b(_id: DWORD, context: DWORD_PTR, _e: LPINT) -> SOCKET {
    context * 4 + 2
}

unsafe extern "system" fn create_fails(_id: DWORD, _c: DWORD_PTR, e: LPINT) -> SOCKET {
    // SAFETY: the kit always passes a valid lpErrno.
    unsafe { *e = WSAENOBUFS };
    INVALID_SOCKET
}

unsafe extern "system" fn create_silent(_id: DWORD, _c: DWORD_PTR, _e: LPINT) -> SOCKET {
    INVALID_SOCKET
}

fn table(create: LPWPUCREATESOCKETHANDLE) -> WSPUPCALLTABLE {
    WSPUPCALLTABLE {
        lpWPUCloseEvent: None,
        lpWPUCloseSocketHandle: None,
        lpWPUCreateEvent: None,
        lpWPUCreateSocketHandle: create,
        lpWPUFDIsSet: None,
        lpWPUGetProviderPath: None,
        lpWPUModifyIFSHandle: None,
        lpWPUPostMessage: None,
        lpWPUQueryBlockingCallback: None,
        lpWPUQuerySocketHandleContext: None,
        lpWPUQueueApc: None,
        lpWPUResetEvent: None,
        lpWPUSetEvent: None,
        lpWPUOpenCurrentThread: None,
        lpWPUCloseThread: None,
    }
}

fn blank_data() -> WSPDATA {
    WSPDATA {
        wVersion: 0,
        wHighVersion: 0,
        szDescription: [0; WSPDESCRIPTION_LEN + 1],
    }
}

fn blank_procs() -> WSPPROC_TABLE {
    // SAFETY: a table of 30 `Option<fn>` is valid all-zero (all None).
    unsafe { std::mem::zeroed() }
}

fn blank_info() -> WSAPROTOCOL_INFOW {
    // SAFETY: plain data, zero is valid.
    unsafe { std::mem::zeroed() }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle: its own provider type, so its state is this test's alone.
// ---------------------------------------------------------------------------------------------

static STARTS: AtomicUsize = AtomicUsize::new(0);
static CLEANUPS: AtomicUsize = AtomicUsize::new(0);

struct Lifecycle {
    upcalls: Upcalls,
}

impl Provider for Lifecycle {
    const DESCRIPTION: &'static str = "lifecycle test provider";

    fn start(startup: &Startup<'_>) -> WsaResult<Self> {
        STARTS.fetch_add(1, Ordering::SeqCst);
        assert_eq!(
            startup.protocol_info.map(|i| i.dwCatalogEntryId),
            Some(4711)
        );
        Ok(Self {
            upcalls: startup.upcalls.clone(),
        })
    }

    fn cleanup(&self) {
        CLEANUPS.fetch_add(1, Ordering::SeqCst);
    }

    fn socket(
        &self,
        _af: i32,
        _kind: i32,
        _protocol: i32,
        info: &WSAPROTOCOL_INFOW,
        _group: GROUP,
        _flags: u32,
    ) -> WsaResult<SOCKET> {
        self.upcalls.create_socket_handle(info.dwCatalogEntryId, 10)
    }
}

export_provider!(Lifecycle, lifecycle_startup);

unsafe fn start_lifecycle(version: WORD, upcalls: WSPUPCALLTABLE) -> (i32, WSPDATA, WSPPROC_TABLE) {
    let (mut data, mut procs) = (blank_data(), blank_procs());
    let mut info = blank_info();
    info.dwCatalogEntryId = 4711;
    // SAFETY: valid, writable locals.
    let r = unsafe { lifecycle_startup(version, &mut data, &mut info, upcalls, &mut procs) };
    (r, data, procs)
}

fn all_slots_filled(procs: &WSPPROC_TABLE) -> bool {
    // SAFETY: WSPPROC_TABLE is 30 pointer-sized Option<fn>, viewed as words.
    let words: [usize; 30] = unsafe { std::mem::transmute(*procs) };
    words.iter().all(|&w| w != 0)
}

#[test]
fn startup_negotiates_counts_and_keeps_the_latest_upcalls() {
    // SAFETY (whole test): every pointer passed is a valid local or NULL on purpose.
    unsafe {
        // Refused versions and NULL pointers: the code itself, nothing counted.
        let (r, _, _) = start_lifecycle(0x0101, table(Some(create_a)));
        assert_eq!(r, WSAVERNOTSUPPORTED);
        let (r, _, _) = start_lifecycle(0x0001, table(Some(create_a)));
        assert_eq!(r, WSAVERNOTSUPPORTED);
        let mut procs = blank_procs();
        let mut data = blank_data();
        assert_eq!(
            lifecycle_startup(0x0202, null_mut(), null_mut(), table(None), &mut procs),
            WSAEFAULT
        );
        assert_eq!(
            lifecycle_startup(0x0202, &mut data, null_mut(), table(None), null_mut()),
            WSAEFAULT
        );
        assert_eq!(STARTS.load(Ordering::SeqCst), 0);
        let mut errno = 0;
        let cleanup = ws2_provider::export::wsp_cleanup::<Lifecycle>;
        assert_eq!(cleanup(&mut errno), SOCKET_ERROR);
        assert_eq!(errno, WSANOTINITIALISED, "WSPCleanup without WSPStartup");

        // 2.2 requested: 2.2; the description and all 30 slots.
        let (r, data, procs) = start_lifecycle(0x0202, table(Some(create_a)));
        assert_eq!(r, 0);
        assert_eq!((data.wVersion, data.wHighVersion), (0x0202, 0x0202));
        let end = data.szDescription.iter().position(|&c| c == 0).unwrap();
        assert_eq!(
            String::from_utf16_lossy(&data.szDescription[..end]),
            "lifecycle test provider"
        );
        assert!(all_slots_filled(&procs));
        // Above 2.2: 2.2; 2.0: 2.0.
        let (r, data, _) = start_lifecycle(0x0303, table(Some(create_a)));
        assert_eq!((r, data.wVersion), (0, 0x0202));
        let (r, data, procs2) = start_lifecycle(0x0002, table(Some(create_b)));
        assert_eq!((r, data.wVersion, data.wHighVersion), (0, 0x0002, 0x0202));
        assert_eq!(
            STARTS.load(Ordering::SeqCst),
            1,
            "one instance for three starts"
        );

        // The latest table is the one the provider's Upcalls calls (create_b tags with 2),
        // through the first table the caller received as well.
        let mut info = blank_info();
        let mut errno = 0;
        let s = procs.lpWSPSocket.unwrap()(2, 1, 6, &mut info, 0, 0, &mut errno);
        assert_eq!(s, 10 * 4 + 2);
        let s = procs2.lpWSPSocket.unwrap()(2, 1, 6, &mut info, 0, 0, &mut errno);
        assert_eq!(s, 10 * 4 + 2);

        // Three cleanups for three starts; the provider's cleanup runs on the last only.
        for expected in [0, 0, 1] {
            let mut errno = 0;
            assert_eq!(procs.lpWSPCleanup.unwrap()(&mut errno), 0);
            assert_eq!(CLEANUPS.load(Ordering::SeqCst), expected);
        }
        let mut errno = 0;
        assert_eq!(procs.lpWSPCleanup.unwrap()(&mut errno), SOCKET_ERROR);
        assert_eq!(errno, WSANOTINITIALISED);
        // Slots after the last cleanup.
        let mut errno = 0;
        let s = procs.lpWSPSocket.unwrap()(2, 1, 6, &mut info, 0, 0, &mut errno);
        assert_eq!((s, errno), (INVALID_SOCKET, WSANOTINITIALISED));

        // A new start after the last cleanup builds a new instance.
        let (r, _, procs) = start_lifecycle(0x0202, table(Some(create_a)));
        assert_eq!(r, 0);
        assert_eq!(STARTS.load(Ordering::SeqCst), 2);
        assert_eq!(procs.lpWSPCleanup.unwrap()(&mut errno), 0);
        assert_eq!(CLEANUPS.load(Ordering::SeqCst), 2);
    }
}

// ---------------------------------------------------------------------------------------------
// A failing start and a panicking start.
// ---------------------------------------------------------------------------------------------

struct Refuses;

impl Provider for Refuses {
    const DESCRIPTION: &'static str = "refuses";
    fn start(_: &Startup<'_>) -> WsaResult<Self> {
        Err(WsaError(WSASYSNOTREADY))
    }
}

export_provider!(Refuses, refuses_startup);

struct Panics;

impl Provider for Panics {
    const DESCRIPTION: &'static str = "panics";
    fn start(_: &Startup<'_>) -> WsaResult<Self> {
        panic!("start panics on purpose")
    }
}

export_provider!(Panics, panics_startup);

#[test]
fn failing_and_panicking_starts_are_reported_and_not_counted() {
    let (mut data, mut procs) = (blank_data(), blank_procs());
    // SAFETY: valid locals.
    unsafe {
        let r = refuses_startup(0x0202, &mut data, null_mut(), table(None), &mut procs);
        assert_eq!(r, WSASYSNOTREADY);
        let r = panics_startup(0x0202, &mut data, null_mut(), table(None), &mut procs);
        assert_eq!(r, WSASYSCALLFAILURE, "a panic never unwinds into C");
    }
    assert_eq!(Refuses::state_refs(), 0);
    assert_eq!(Panics::state_refs(), 0);
}

trait Refs {
    fn state_refs() -> usize;
}

impl<P: ws2_provider::Export> Refs for P {
    fn state_refs() -> usize {
        P::state().references()
    }
}

// ---------------------------------------------------------------------------------------------
// Probe: started once for the whole binary (never cleaned up), for the error-path tests,
// which may then run in parallel.
// ---------------------------------------------------------------------------------------------

struct Probe;

const PANIC_PORT: u16 = 1;

impl Provider for Probe {
    const DESCRIPTION: &'static str = "probe";

    fn start(_: &Startup<'_>) -> WsaResult<Self> {
        Ok(Probe)
    }

    /// Panics for port 1, fails silently (Err(0)) for port 2, else succeeds.
    fn bind(&self, _s: SOCKET, addr: &[u8]) -> WsaResult<()> {
        let addr = ws2_provider::addr::from_windows(addr)?;
        match addr.port() {
            PANIC_PORT => panic!("bind panics on purpose"),
            2 => Err(WsaError(0)),
            _ => Ok(()),
        }
    }

    fn recv(
        &self,
        _s: SOCKET,
        buffers: &mut [IoSliceMut<'_>],
        flags: &mut u32,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        if overlapped.is_overlapped() {
            return Err(WsaError::WSA_IO_PENDING);
        }
        let mut n = 0;
        for b in buffers.iter_mut() {
            b.fill(b'x');
            n += b.len();
        }
        *flags = 0x8000; // MSG_PARTIAL, to see that flags are written back
        Ok(n)
    }

    fn send(
        &self,
        _s: SOCKET,
        buffers: &[IoSlice<'_>],
        _flags: u32,
        _overlapped: Overlapped,
    ) -> WsaResult<usize> {
        Ok(buffers.iter().map(|b| b.len()).sum())
    }

    fn get_sock_name(&self, _s: SOCKET, mut name: AddrOut<'_>) -> WsaResult<()> {
        name.write_addr(&"127.0.0.1:80".parse().unwrap())
    }

    fn get_sock_opt(&self, _s: SOCKET, _l: i32, _n: i32, value: &mut [u8]) -> WsaResult<usize> {
        let v = 1u32.to_ne_bytes();
        value
            .get_mut(..4)
            .ok_or(WsaError::WSAEFAULT)?
            .copy_from_slice(&v);
        Ok(4)
    }

    /// Keeps the odd handles of the read set.
    fn select(
        &self,
        read: Option<&mut Vec<SOCKET>>,
        _write: Option<&mut Vec<SOCKET>>,
        _except: Option<&mut Vec<SOCKET>>,
        timeout: Option<Duration>,
    ) -> WsaResult<usize> {
        assert_eq!(timeout, Some(Duration::from_millis(1500)));
        let read = read.ok_or(WsaError::WSAEINVAL)?;
        read.retain(|s| s % 2 == 1);
        Ok(read.len())
    }

    fn address_to_string(
        &self,
        _addr: &[u8],
        _info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WsaResult<Vec<u16>> {
        Ok("1.2.3.4".encode_utf16().collect())
    }
}

export_provider!(Probe, probe_startup);

fn probe() -> &'static WSPPROC_TABLE {
    static PROCS: OnceLock<WSPPROC_TABLE> = OnceLock::new();
    PROCS.get_or_init(|| {
        let (mut data, mut procs) = (blank_data(), blank_procs());
        // SAFETY: valid locals.
        let r = unsafe { probe_startup(0x0202, &mut data, null_mut(), table(None), &mut procs) };
        assert_eq!(r, 0);
        procs
    })
}

fn v4(port: u16) -> Vec<u8> {
    ws2_provider::addr::to_windows(&format!("127.0.0.1:{port}").parse().unwrap())
        .as_bytes()
        .to_vec()
}

#[test]
fn panics_and_silent_failures_become_wsasyscallfailure() {
    let bind = probe().lpWSPBind.unwrap();
    let mut errno = 0;
    // SAFETY (all calls): valid local buffers, or NULL on purpose.
    unsafe {
        let addr = v4(PANIC_PORT);
        assert_eq!(bind(4, addr.as_ptr().cast(), 16, &mut errno), SOCKET_ERROR);
        assert_eq!(errno, WSASYSCALLFAILURE);
        let addr = v4(2);
        errno = 0;
        assert_eq!(bind(4, addr.as_ptr().cast(), 16, &mut errno), SOCKET_ERROR);
        assert_eq!(errno, WSASYSCALLFAILURE, "Err(0) is reported as a failure");
        // A panic with a NULL lpErrno: the failure value, nothing written, no unwinding.
        let addr = v4(PANIC_PORT);
        assert_eq!(bind(4, addr.as_ptr().cast(), 16, null_mut()), SOCKET_ERROR);
        let addr = v4(3);
        assert_eq!(bind(4, addr.as_ptr().cast(), 16, &mut errno), 0);
    }
}

#[test]
fn null_pointers_are_wsaefault() {
    let p = probe();
    // SAFETY (all calls): valid local buffers, or NULL on purpose.
    unsafe {
        let mut errno = 0;
        assert_eq!(
            p.lpWSPBind.unwrap()(4, null(), 16, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT);
        let addr = v4(3);
        errno = 0;
        assert_eq!(
            p.lpWSPBind.unwrap()(4, addr.as_ptr().cast(), -1, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT, "negative namelen");
        // WSPRecv: NULL flags, NULL byte count (not overlapped), NULL WSABUF array.
        let mut buf = [0u8; 4];
        let mut wsabuf = WSABUF {
            len: 4,
            buf: buf.as_mut_ptr().cast(),
        };
        let (mut got, mut flags) = (0u32, 0u32);
        let recv = p.lpWSPRecv.unwrap();
        for (bufs, got_p, flags_p) in [
            (&mut wsabuf as *mut WSABUF, &mut got as *mut u32, null_mut()),
            (&mut wsabuf, null_mut(), &mut flags as *mut u32),
            (null_mut(), &mut got, &mut flags),
        ] {
            errno = 0;
            let r = recv(
                4,
                bufs,
                1,
                got_p,
                flags_p,
                null_mut(),
                None,
                null_mut(),
                &mut errno,
            );
            assert_eq!((r, errno), (SOCKET_ERROR, WSAEFAULT));
        }
        // A NULL buffer inside the array.
        let mut bad = WSABUF {
            len: 4,
            buf: null_mut(),
        };
        errno = 0;
        let r = recv(
            4,
            &mut bad,
            1,
            &mut got,
            &mut flags,
            null_mut(),
            None,
            null_mut(),
            &mut errno,
        );
        assert_eq!((r, errno), (SOCKET_ERROR, WSAEFAULT));
        // WSPGetSockName: NULL name or length.
        let mut len = 16;
        errno = 0;
        assert_eq!(
            p.lpWSPGetSockName.unwrap()(4, null_mut(), &mut len, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEFAULT);
        // WSPSocket: NULL protocol info.
        errno = 0;
        let s = p.lpWSPSocket.unwrap()(2, 1, 6, null_mut(), 0, 0, &mut errno);
        assert_eq!((s, errno), (INVALID_SOCKET, WSAEFAULT));
        // WSPGetOverlappedResult: NULL overlapped.
        let (mut n, mut f) = (0u32, 0u32);
        errno = 0;
        let r = p.lpWSPGetOverlappedResult.unwrap()(4, null_mut(), &mut n, 0, &mut f, &mut errno);
        assert_eq!((r, errno), (FALSE, WSAEFAULT));
    }
}

#[test]
fn success_writes_out_parameters_and_failure_does_not() {
    let p = probe();
    // SAFETY (all calls): valid local buffers.
    unsafe {
        let mut errno = 0;
        let (mut a, mut b) = ([0u8; 3], [0u8; 2]);
        let mut bufs = [
            WSABUF {
                len: 3,
                buf: a.as_mut_ptr().cast(),
            },
            WSABUF {
                len: 2,
                buf: b.as_mut_ptr().cast(),
            },
        ];
        let (mut got, mut flags) = (0u32, 0u32);
        let recv = p.lpWSPRecv.unwrap();
        let r = recv(
            4,
            bufs.as_mut_ptr(),
            2,
            &mut got,
            &mut flags,
            null_mut(),
            None,
            null_mut(),
            &mut errno,
        );
        assert_eq!((r, got, flags), (0, 5, 0x8000));
        assert_eq!((&a, &b), (b"xxx", b"xx"));
        // Overlapped and pending: WSA_IO_PENDING, the count and flags untouched.
        let mut ov: WSAOVERLAPPED = std::mem::zeroed();
        let mut tid = WSATHREADID {
            ThreadHandle: null_mut(),
            Reserved: 7,
        };
        let (mut got, mut flags) = (99u32, 0u32);
        let r = recv(
            4,
            bufs.as_mut_ptr(),
            2,
            &mut got,
            &mut flags,
            &mut ov,
            None,
            &mut tid,
            &mut errno,
        );
        assert_eq!(
            (r, errno, got, flags),
            (SOCKET_ERROR, WSA_IO_PENDING, 99, 0)
        );
        // Send counts gathered bytes.
        let mut sent = 0u32;
        let r = p.lpWSPSend.unwrap()(
            4,
            bufs.as_mut_ptr(),
            2,
            &mut sent,
            0,
            null_mut(),
            None,
            null_mut(),
            &mut errno,
        );
        assert_eq!((r, sent), (0, 5));
        // getsockname: too small → WSAEFAULT and the length untouched; big enough → 16.
        let mut name = [0u8; 28];
        let mut len = 8;
        errno = 0;
        let r = p.lpWSPGetSockName.unwrap()(4, name.as_mut_ptr().cast(), &mut len, &mut errno);
        assert_eq!((r, errno, len), (SOCKET_ERROR, WSAEFAULT, 8));
        len = 28;
        let r = p.lpWSPGetSockName.unwrap()(4, name.as_mut_ptr().cast(), &mut len, &mut errno);
        assert_eq!((r, len), (0, 16));
        assert_eq!(&name[..4], &[2, 0, 0, 80]);
        // getsockopt: the length used is written back.
        let mut value = [0u8; 8];
        let mut len = 8;
        let r = p.lpWSPGetSockOpt.unwrap()(
            4,
            0xffff,
            8,
            value.as_mut_ptr().cast(),
            &mut len,
            &mut errno,
        );
        assert_eq!((r, len), (0, 4));
        // Address strings: too small → WSAEFAULT with the size needed (terminator included).
        let mut text = [0u16; 4];
        let mut text_len = 4u32;
        let addr = v4(3);
        errno = 0;
        let r = p.lpWSPAddressToString.unwrap()(
            addr.as_ptr().cast_mut().cast(),
            16,
            null_mut(),
            text.as_mut_ptr(),
            &mut text_len,
            &mut errno,
        );
        assert_eq!((r, errno, text_len), (SOCKET_ERROR, WSAEFAULT, 8));
        let mut text = [0u16; 8];
        let r = p.lpWSPAddressToString.unwrap()(
            addr.as_ptr().cast_mut().cast(),
            16,
            null_mut(),
            text.as_mut_ptr(),
            &mut text_len,
            &mut errno,
        );
        assert_eq!((r, text_len), (0, 8));
        assert_eq!(String::from_utf16_lossy(&text[..7]), "1.2.3.4");
        assert_eq!(text[7], 0);
    }
}

#[test]
fn select_reads_and_writes_back_the_sets() {
    let p = probe();
    let mut read: fd_set = fd_set {
        fd_count: 4,
        fd_array: [0; FD_SETSIZE],
    };
    read.fd_array[..4].copy_from_slice(&[4, 5, 8, 9]);
    let timeout = TIMEVAL {
        tv_sec: 1,
        tv_usec: 500_000,
    };
    let mut errno = 0;
    // SAFETY: valid locals.
    let r = unsafe {
        p.lpWSPSelect.unwrap()(0, &mut read, null_mut(), null_mut(), &timeout, &mut errno)
    };
    assert_eq!(r, 2);
    assert_eq!(read.fd_count, 2);
    assert_eq!(&read.fd_array[..2], &[5, 9]);
    let negative = TIMEVAL {
        tv_sec: -1,
        tv_usec: 0,
    };
    // SAFETY: valid locals.
    let r = unsafe {
        p.lpWSPSelect.unwrap()(0, &mut read, null_mut(), null_mut(), &negative, &mut errno)
    };
    assert_eq!((r, errno), (SOCKET_ERROR, WSAEINVAL));
}

#[test]
fn slots_left_out_fail_as_documented() {
    let p = probe();
    let mut errno = 0;
    // SAFETY: plain values and valid locals.
    unsafe {
        assert_eq!(p.lpWSPListen.unwrap()(4, 5, &mut errno), SOCKET_ERROR);
        assert_eq!(errno, WSAEOPNOTSUPP);
        assert_eq!(
            p.lpWSPEventSelect.unwrap()(4, null_mut(), 1, &mut errno),
            SOCKET_ERROR
        );
        assert_eq!(errno, WSAEOPNOTSUPP);
        assert_eq!(p.lpWSPCancelBlockingCall.unwrap()(&mut errno), SOCKET_ERROR);
        assert_eq!(errno, WSAEOPNOTSUPP);
        assert_eq!(
            p.lpWSPGetQOSByName.unwrap()(4, null_mut(), null_mut(), &mut errno),
            FALSE
        );
        assert_eq!(errno, WSAEINVAL);
        let one = 1u32;
        let r =
            p.lpWSPSetSockOpt.unwrap()(4, 0xffff, 4, (&one as *const u32).cast(), 4, &mut errno);
        assert_eq!((r, errno), (SOCKET_ERROR, WSAENOPROTOOPT));
        let s = p.lpWSPJoinLeaf.unwrap()(
            4,
            v4(3).as_ptr().cast(),
            16,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            0,
            &mut errno,
        );
        assert_eq!((s, errno), (INVALID_SOCKET, WSAEOPNOTSUPP));
    }
}

#[test]
fn upcall_errors_are_results() {
    let failing = Upcalls::new(table(Some(create_fails)));
    assert_eq!(
        failing.create_socket_handle(1, 2),
        Err(WsaError::WSAENOBUFS)
    );
    let silent = Upcalls::new(table(Some(create_silent)));
    assert_eq!(
        silent.create_socket_handle(1, 2),
        Err(WsaError::WSASYSCALLFAILURE),
        "a failure without lpErrno"
    );
    let missing = Upcalls::new(table(None));
    assert_eq!(missing.create_event(), Err(WsaError::WSASYSCALLFAILURE));
    assert_eq!(
        missing.create_socket_handle(1, 2),
        Err(WsaError::WSASYSCALLFAILURE)
    );
    // A clone follows replace(): the latest table wins.
    let shared = Upcalls::new(table(Some(create_a)));
    let kept = shared.clone();
    shared.replace(table(Some(create_b)));
    assert_eq!(kept.create_socket_handle(1, 3), Ok(14));
}

#[test]
fn negotiation() {
    use ws2_provider::negotiate;
    assert_eq!(negotiate(0x0202), Ok(0x0202));
    assert_eq!(negotiate(0x0102), Ok(0x0102));
    assert_eq!(negotiate(0x0002), Ok(0x0002));
    assert_eq!(negotiate(0x0302), Ok(0x0202));
    assert_eq!(negotiate(0x0003), Ok(0x0202));
    assert_eq!(negotiate(0x0101), Err(WsaError::WSAVERNOTSUPPORTED));
    assert_eq!(negotiate(0x0201), Err(WsaError::WSAVERNOTSUPPORTED));
    assert_eq!(negotiate(0), Err(WsaError::WSAVERNOTSUPPORTED));
}
