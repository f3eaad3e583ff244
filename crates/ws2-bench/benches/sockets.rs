//! The socket benchmarks (issues 5 and 6): the client API (`ws2_32::client`, routed through the
//! catalog and the loader into the built-in base provider libws2_base.so) against the same
//! operations on raw Linux sockets, measured in the same run with the same thread placement.
//! Method: the `ws2_bench` crate documentation; list and results: BENCHMARKS.md.
//! Run with `cargo bench -p ws2-bench --bench sockets`.
#![allow(unsafe_code)] // calls the C ABI the way an application does; each call has a SAFETY note

use std::net::{Ipv4Addr, TcpListener};
use std::os::fd::OwnedFd;
use std::process::Command;
use std::ptr::null_mut;
use std::time::Instant;
use ws2_32::client::{
    accept, bind, closesocket, connect, getsockname, listen, recv, send, shutdown, socket,
    WSAGetOverlappedResult, WSARecv,
};
use ws2_32::winsock::{
    WSACloseEvent, WSACreateEvent, WSAResetEvent, WSASetEvent, WSAStartup, WSAWaitForMultipleEvents,
};
use ws2_abi::{
    IN_ADDR_S_un, AF_INET, FALSE, INVALID_SOCKET, IN_ADDR, SD_SEND, SOCKADDR, SOCKADDR_IN, SOCKET,
    SOCKET_ERROR, SOCK_STREAM, TRUE, WSABUF, WSADATA, WSAEOPNOTSUPP, WSAEVENT, WSAOVERLAPPED,
    WSA_INFINITE, WSA_IO_PENDING, WSPPROC_TABLE,
};
use ws2_bench::{
    compare, compare_throughput, eventfd_ping_pong, online_cpus, partner_cpu, pin_to_cpu,
    ping_pong, ping_pong_round_trip, raw, scaled, set_partner_cpu, time_per_op, Bound, EventFd,
    Row, MAIN_CPU,
};

/// Repetitions per benchmark (after one discarded repetition).
const REPS: usize = 15;
/// Repetitions of the bulk transfer (each moves the whole size once per side).
const BULK_REPS: usize = 7;
/// The echo message.
const MESSAGE: usize = 64;
/// The bulk transfer's write size.
const CHUNK: usize = 64 << 10;

// ---------------------------------------------------------------------------------------------
// The stack: libws2_base.so, WSAStartup, connections through the client API
// ---------------------------------------------------------------------------------------------

/// target/<profile>, where cargo puts libws2_base.so (this executable is in target/<profile>/deps).
fn profile_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf()
}

/// Builds the base provider in this profile's directory and starts Winsock with the default
/// catalog, the base provider found at %WS2EMU_LIBDIR% (as tests/conformance/sockets_client.c (the whole stack from C)
/// and crates/ws2-loader/tests/loader_real_base.rs do).
fn start_winsock() {
    let dir = profile_dir();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
        .args(dir.ends_with("release").then_some("--release"))
        .status()
        .expect("cargo build -p ws2-base");
    assert!(status.success(), "building libws2_base.so failed");
    std::env::remove_var("WS2EMU_CATALOG");
    std::env::set_var("WS2EMU_LIBDIR", &dir);
    // SAFETY: WSADATA is plain old data (integers, arrays and a pointer); all-zero is valid.
    let mut data: WSADATA = unsafe { std::mem::zeroed() };
    // SAFETY: `data` is writable.
    assert_eq!(unsafe { WSAStartup(0x0202, &mut data) }, 0, "WSAStartup");
}

fn last_error() -> u32 {
    ws2_32::last_error::get()
}

fn loopback(port: u16) -> SOCKADDR_IN {
    SOCKADDR_IN {
        sin_family: AF_INET as u16,
        sin_port: port.to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_S_un {
                S_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be(),
            },
        },
        sin_zero: [0; 8],
    }
}

fn ws_socket() -> SOCKET {
    let s = socket(AF_INET, SOCK_STREAM, 0);
    assert_ne!(s, INVALID_SOCKET, "socket: {}", last_error());
    s
}

fn ws_close(s: SOCKET) {
    assert_eq!(closesocket(s), 0, "closesocket: {}", last_error());
}

fn ws_connect(s: SOCKET, addr: &SOCKADDR_IN) {
    // SAFETY: `addr` is a readable SOCKADDR_IN of 16 bytes.
    let r = unsafe { connect(s, (addr as *const SOCKADDR_IN).cast::<SOCKADDR>(), 16) };
    assert_eq!(r, 0, "connect: {}", last_error());
}

/// A connected pair of client-API TCP sockets on 127.0.0.1 (client side, accepted side).
fn ws_pair() -> (SOCKET, SOCKET) {
    let listener = ws_socket();
    let mut addr = loopback(0);
    let mut len = 16;
    // SAFETY: `addr` and `len` are locals valid for the calls.
    unsafe {
        assert_eq!(bind(listener, (&addr as *const SOCKADDR_IN).cast(), 16), 0);
        assert_eq!(listen(listener, 1), 0);
        assert_eq!(
            getsockname(listener, (&mut addr as *mut SOCKADDR_IN).cast(), &mut len),
            0
        );
    }
    let client = ws_socket();
    ws_connect(client, &addr);
    // SAFETY: NULL address and length are allowed.
    let server = unsafe { accept(listener, null_mut(), null_mut()) };
    assert_ne!(server, INVALID_SOCKET, "accept: {}", last_error());
    ws_close(listener);
    (client, server)
}

#[inline]
fn ws_send_all(s: SOCKET, mut buf: &[u8]) {
    while !buf.is_empty() {
        // SAFETY: `buf` is readable for its length during the call.
        let n = unsafe { send(s, buf.as_ptr().cast(), buf.len() as i32, 0) };
        assert!(n > 0, "send: {}", last_error());
        buf = &buf[n as usize..];
    }
}

/// One `recv`; the byte count (0 only at a graceful close).
#[inline]
fn ws_recv_some(s: SOCKET, buf: &mut [u8]) -> usize {
    // SAFETY: `buf` is writable for its length during the call.
    let n = unsafe { recv(s, buf.as_mut_ptr().cast(), buf.len() as i32, 0) };
    assert!(n >= 0, "recv: {}", last_error());
    n as usize
}

#[inline]
fn ws_recv_exact(s: SOCKET, buf: &mut [u8]) {
    let mut got = 0;
    while got < buf.len() {
        got += ws_recv_some(s, &mut buf[got..]);
    }
}

// ---------------------------------------------------------------------------------------------
// 1. 64-byte TCP echo round trip
// ---------------------------------------------------------------------------------------------

fn echo_ours(rounds: u64) -> f64 {
    let (client, server) = ws_pair();
    let message = [0x5a_u8; MESSAGE];
    let mut reply = [0_u8; MESSAGE];
    let ns = ping_pong_round_trip(
        rounds / 10,
        rounds,
        move |total| {
            let mut buf = [0_u8; MESSAGE];
            for _ in 0..total {
                ws_recv_exact(server, &mut buf);
                ws_send_all(server, &buf);
            }
        },
        || {
            ws_send_all(client, &message);
            ws_recv_exact(client, &mut reply);
        },
    );
    assert_eq!(reply, message);
    ws_close(client);
    ws_close(server);
    ns
}

fn echo_raw(rounds: u64) -> f64 {
    let (client, server) = raw::tcp_pair();
    let message = [0x5a_u8; MESSAGE];
    let mut reply = [0_u8; MESSAGE];
    let server = &server;
    let ns = ping_pong_round_trip(
        rounds / 10,
        rounds,
        move |total| {
            let mut buf = [0_u8; MESSAGE];
            for _ in 0..total {
                raw::recv_exact(server, &mut buf);
                raw::send_all(server, &buf);
            }
        },
        || {
            raw::send_all(&client, &message);
            raw::recv_exact(&client, &mut reply);
        },
    );
    assert_eq!(reply, message);
    ns
}

/// Reference: the raw echo with the base provider's syscall pattern (non-blocking descriptors;
/// a receive that finds nothing polls, then receives again).
fn echo_raw_polling(rounds: u64) -> f64 {
    let (client, server) = raw::tcp_pair();
    raw::set_nonblocking(&client);
    raw::set_nonblocking(&server);
    let message = [0x5a_u8; MESSAGE];
    let mut reply = [0_u8; MESSAGE];
    let server = &server;
    let ns = ping_pong_round_trip(
        rounds / 10,
        rounds,
        move |total| {
            let mut buf = [0_u8; MESSAGE];
            for _ in 0..total {
                raw::recv_exact_polling(server, &mut buf);
                raw::send_all(server, &buf);
            }
        },
        || {
            raw::send_all(&client, &message);
            raw::recv_exact_polling(&client, &mut reply);
        },
    );
    assert_eq!(reply, message);
    ns
}

/// The base provider's WSPSend/WSPRecv for `s`, called directly (no client API routing).
fn wsp_table(s: SOCKET) -> WSPPROC_TABLE {
    let entry = ws2_core::runtime::runtime()
        .socket(s)
        .expect("registered socket");
    *ws2_32::loader::start_provider(entry.catalog_id)
        .expect("provider")
        .procs()
}

#[inline]
fn wsp_send_all(p: &WSPPROC_TABLE, s: SOCKET, buf: &[u8]) {
    let mut wsabuf = WSABUF {
        len: buf.len() as u32,
        buf: buf.as_ptr().cast_mut().cast(),
    };
    let (mut sent, mut errno) = (0_u32, 0);
    // SAFETY: a validated slot; every pointer is a local valid for the call.
    let r = unsafe {
        p.lpWSPSend.unwrap()(
            s,
            &mut wsabuf,
            1,
            &mut sent,
            0,
            null_mut(),
            None,
            null_mut(),
            &mut errno,
        )
    };
    assert!(r == 0 && sent as usize == buf.len(), "WSPSend: {errno}");
}

#[inline]
fn wsp_recv_exact(p: &WSPPROC_TABLE, s: SOCKET, buf: &mut [u8]) {
    let mut got = 0;
    while got < buf.len() {
        let rest = &mut buf[got..];
        let mut wsabuf = WSABUF {
            len: rest.len() as u32,
            buf: rest.as_mut_ptr().cast(),
        };
        let (mut n, mut flags, mut errno) = (0_u32, 0_u32, 0);
        // SAFETY: a validated slot; every pointer is a local valid for the call.
        let r = unsafe {
            p.lpWSPRecv.unwrap()(
                s,
                &mut wsabuf,
                1,
                &mut n,
                &mut flags,
                null_mut(),
                None,
                null_mut(),
                &mut errno,
            )
        };
        assert!(r == 0 && n > 0, "WSPRecv: {errno}");
        got += n as usize;
    }
}

/// Reference: the echo through the base provider's slots directly (no client API).
fn echo_wsp_direct(rounds: u64) -> f64 {
    let (client, server) = ws_pair();
    let p = wsp_table(client);
    let message = [0x5a_u8; MESSAGE];
    let mut reply = [0_u8; MESSAGE];
    let ns = ping_pong_round_trip(
        rounds / 10,
        rounds,
        move |total| {
            let mut buf = [0_u8; MESSAGE];
            for _ in 0..total {
                wsp_recv_exact(&p, server, &mut buf);
                wsp_send_all(&p, server, &buf);
            }
        },
        || {
            wsp_send_all(&p, client, &message);
            wsp_recv_exact(&p, client, &mut reply);
        },
    );
    assert_eq!(reply, message);
    ws_close(client);
    ws_close(server);
    ns
}

// ---------------------------------------------------------------------------------------------
// 2. One-way bulk transfer, 64 KiB writes
// ---------------------------------------------------------------------------------------------

/// Sends `total` bytes in CHUNK writes from this thread to a receiver on the partner CPU that
/// reads CHUNK at a time; seconds from the first write until the receiver has everything.
fn bulk(
    total: u64,
    send_chunk: impl Fn(&[u8]),
    finish: impl FnOnce(),
    recv_chunk: impl Fn(&mut [u8]) -> usize + Send,
) -> f64 {
    let data = vec![0xa5_u8; CHUNK];
    std::thread::scope(|s| {
        let receiver = s.spawn(move || {
            pin_to_cpu(partner_cpu());
            let mut buf = vec![0_u8; CHUNK];
            let mut got = 0_u64;
            while got < total {
                let n = recv_chunk(&mut buf);
                assert!(n > 0, "early end of stream at {got}");
                got += n as u64;
            }
            got
        });
        let start = Instant::now();
        let mut sent = 0_u64;
        while sent < total {
            let n = CHUNK.min((total - sent) as usize);
            send_chunk(&data[..n]);
            sent += n as u64;
        }
        let got = receiver.join().expect("receiver");
        let secs = start.elapsed().as_secs_f64();
        finish();
        assert_eq!(got, total);
        secs
    })
}

fn bulk_ours(total: u64) -> f64 {
    let (client, server) = ws_pair();
    let secs = bulk(
        total,
        |chunk| ws_send_all(client, chunk),
        || assert_eq!(shutdown(client, SD_SEND), 0),
        |buf| ws_recv_some(server, buf),
    );
    ws_close(client);
    ws_close(server);
    secs
}

fn bulk_raw(total: u64) -> f64 {
    let (client, server) = raw::tcp_pair();
    let server = &server;
    bulk(
        total,
        |chunk| raw::send_all(&client, chunk),
        || raw::shutdown_send(&client),
        |buf| raw::recv_some(server, buf),
    )
}

// ---------------------------------------------------------------------------------------------
// 3. socket + closesocket
// ---------------------------------------------------------------------------------------------

fn socket_close_ours(iterations: u64) -> f64 {
    time_per_op(iterations / 10, iterations, || ws_close(ws_socket()))
}

fn socket_close_raw(iterations: u64) -> f64 {
    time_per_op(iterations / 10, iterations, raw::socket_close)
}

// ---------------------------------------------------------------------------------------------
// 4. WSACreateEvent / WSASetEvent / WSAWaitForMultipleEvents ping-pong
// ---------------------------------------------------------------------------------------------

/// A WSAEVENT that can cross threads (HANDLE is a raw pointer, hence not Send).
#[derive(Clone, Copy)]
struct Event(usize);

impl Event {
    fn create() -> Self {
        let e = WSACreateEvent();
        assert!(!e.is_null(), "WSACreateEvent: {}", last_error());
        Self(e as usize)
    }

    fn handle(self) -> WSAEVENT {
        self.0 as WSAEVENT
    }

    fn set(self) {
        assert_eq!(WSASetEvent(self.handle()), TRUE, "WSASetEvent");
    }

    fn reset(self) {
        assert_eq!(WSAResetEvent(self.handle()), TRUE, "WSAResetEvent");
    }

    /// WSAWaitForMultipleEvents on this one event, forever.
    fn wait(self) {
        let e = self.handle();
        // SAFETY: a one-element array that lives for the call.
        let r = unsafe { WSAWaitForMultipleEvents(1, &e, FALSE, WSA_INFINITE, FALSE) };
        assert_eq!(r, 0, "WSAWaitForMultipleEvents: {}", last_error());
    }

    fn close(self) {
        assert_eq!(WSACloseEvent(self.handle()), TRUE, "WSACloseEvent");
    }
}

/// WSACreateEvent makes manual-reset events: each waiter resets the event it woke on.
fn wsa_event_ping_pong(rounds: u64) -> f64 {
    let (a, b) = (Event::create(), Event::create());
    let ns = ping_pong(
        rounds / 10,
        rounds,
        |total| {
            for _ in 0..total {
                a.wait();
                a.reset();
                b.set();
            }
        },
        || {
            a.set();
            b.wait();
            b.reset();
        },
    );
    a.close();
    b.close();
    ns
}

// ---------------------------------------------------------------------------------------------
// 5. Overlapped WSARecv completed by an event
// ---------------------------------------------------------------------------------------------

/// A client-API socket connected to a raw Linux socket (the echo side, the same for both lines).
fn ws_to_raw() -> (SOCKET, OwnedFd) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = listener.local_addr().unwrap().port();
    let client = ws_socket();
    ws_connect(client, &loopback(port));
    let (server, _) = listener.accept().expect("accept");
    (client, server.into())
}

/// One overlapped receive into `buf`, event-notified, on socket `s`.
struct OverlappedRecv {
    s: SOCKET,
    event: Event,
    overlapped: WSAOVERLAPPED,
}

impl OverlappedRecv {
    fn new(s: SOCKET) -> Self {
        let event = Event::create();
        // SAFETY: OVERLAPPED is plain data (integers and a pointer); all-zero is valid.
        let mut overlapped: WSAOVERLAPPED = unsafe { std::mem::zeroed() };
        overlapped.hEvent = event.handle();
        Self {
            s,
            event,
            overlapped,
        }
    }

    /// Posts the receive: Ok(()) when it completed at once or is pending, else the error.
    fn post(&mut self, buf: &mut [u8]) -> Result<(), i32> {
        let mut wsabuf = WSABUF {
            len: buf.len() as u32,
            buf: buf.as_mut_ptr().cast(),
        };
        let (mut n, mut flags) = (0_u32, 0_u32);
        // SAFETY: the WSABUF array is read during the call; `buf` and `self.overlapped` stay
        // valid and untouched until `complete` returns (the caller keeps both borrowed/owned).
        let r = unsafe {
            WSARecv(
                self.s,
                &mut wsabuf,
                1,
                &mut n,
                &mut flags,
                &mut self.overlapped,
                None,
            )
        };
        match (r, last_error() as i32) {
            (0, _) => Ok(()),
            (SOCKET_ERROR, WSA_IO_PENDING) => Ok(()),
            (_, e) => Err(e),
        }
    }

    /// Waits for the event, then collects the result; the byte count.
    fn complete(&mut self) -> u32 {
        self.event.wait();
        let (mut n, mut flags) = (0_u32, 0_u32);
        // SAFETY: the overlapped structure of the request; both out-pointers are locals.
        let ok = unsafe {
            WSAGetOverlappedResult(self.s, &mut self.overlapped, &mut n, FALSE, &mut flags)
        };
        assert_eq!(ok, TRUE, "WSAGetOverlappedResult: {}", last_error());
        n
    }
}

impl Drop for OverlappedRecv {
    fn drop(&mut self) {
        self.event.close();
    }
}

/// Whether the base provider completes an overlapped WSARecv by event; the reason when not.
fn overlapped_works() -> Result<(), String> {
    let (client, peer) = ws_to_raw();
    let mut request = OverlappedRecv::new(client);
    let mut buf = [0_u8; MESSAGE];
    let result = match request.post(&mut buf) {
        Ok(()) => {
            raw::send_all(&peer, &[1; MESSAGE]);
            let n = request.complete();
            if n == 0 {
                Err("the overlapped WSARecv completed with 0 bytes".to_string())
            } else {
                Ok(())
            }
        }
        Err(e) if e == WSAEOPNOTSUPP => Err("overlapped I/O not implemented yet".to_string()),
        Err(e) => Err(format!("overlapped WSARecv failed with {e}")),
    };
    drop(request);
    ws_close(client);
    result
}

/// Round trip: post an overlapped WSARecv, send 64 bytes to the raw echo partner, wait for the
/// receive's event, WSAGetOverlappedResult. The base provider's reactor thread does the receive.
fn overlapped_ours(rounds: u64) -> f64 {
    let (client, peer) = ws_to_raw();
    let message = [0x5a_u8; MESSAGE];
    let mut reply = [0_u8; MESSAGE];
    let mut request = OverlappedRecv::new(client);
    let peer = &peer;
    let ns = ping_pong_round_trip(
        rounds / 10,
        rounds,
        move |total| raw_echo(peer, total),
        || {
            request.post(&mut reply).expect("overlapped WSARecv");
            ws_send_all(client, &message);
            let n = request.complete() as usize;
            if n < MESSAGE {
                ws_recv_exact(client, &mut reply[n..]);
            }
        },
    );
    assert_eq!(reply, message);
    drop(request);
    ws_close(client);
    ns
}

fn raw_echo(peer: &OwnedFd, total: u64) {
    let mut buf = [0_u8; MESSAGE];
    for _ in 0..total {
        raw::recv_exact(peer, &mut buf);
        raw::send_all(peer, &buf);
    }
}

/// The raw counterpart: a completion thread (on the main thread's CPU, like the base provider's
/// reactor, which inherits it) sleeps in `recv`, then signals an eventfd the main thread sleeps
/// on. `inline`: no completion thread; the main thread sleeps in `recv` itself (reference).
fn overlapped_raw(rounds: u64, inline: bool) -> f64 {
    let (client, peer) = raw::tcp_pair();
    let message = [0x5a_u8; MESSAGE];
    let done = EventFd::blocking();
    let warmup = rounds / 10;
    let (client, peer, done) = (&client, &peer, &done);
    std::thread::scope(|s| {
        if !inline {
            s.spawn(move || {
                pin_to_cpu(MAIN_CPU);
                let mut buf = [0_u8; MESSAGE];
                for _ in 0..warmup + rounds {
                    raw::recv_exact(client, &mut buf);
                    assert_eq!(buf, message);
                    done.write();
                }
            });
        }
        let mut reply = [0_u8; MESSAGE];
        ping_pong_round_trip(
            warmup,
            rounds,
            move |total| raw_echo(peer, total),
            || {
                raw::send_all(client, &message);
                if inline {
                    raw::recv_exact(client, &mut reply);
                } else {
                    done.read();
                }
            },
        )
    })
}

// ---------------------------------------------------------------------------------------------

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters benchmarks by substring.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));

    let cpus = online_cpus(); // before pinning narrows this thread's mask
    let pinned = pin_to_cpu(MAIN_CPU);
    start_winsock();
    let bulk_bytes = scaled(1 << 30);
    println!(
        "ws2-bench sockets: {} CPUs online; main thread on CPU {MAIN_CPU}, partner on CPU {} ({}); \
         {REPS} repetitions ({BULK_REPS} for bulk), medians; bulk size {} MiB{}",
        cpus,
        partner_cpu(),
        if pinned { "pinned" } else { "pinning failed" },
        bulk_bytes >> 20,
        if bulk_bytes == 1 << 30 {
            ""
        } else {
            " (scaled by WS2BENCH_SCALE; the issue's size is 1024 MiB)"
        }
    );
    println!("{}", Row::header());
    let mut misses = 0;
    let mut lines = 0;
    let mut report = |line: &dyn std::fmt::Display, pass: bool| {
        println!("{line}");
        lines += 1;
        misses += usize::from(!pass);
    };

    let overlapped = overlapped_works();
    let echo_rounds = scaled(2_000);
    let rounds = scaled(5_000);
    let partner_cpu_default = partner_cpu();
    let placements = [(partner_cpu(), "[2 CPUs]"), (MAIN_CPU, "[1 CPU]")];
    for (cpu, place) in placements {
        set_partner_cpu(cpu);
        let name = format!("1  TCP echo 64 B round trip {place}");
        let name6 = format!("1c  same, client-level bound (i6) {place}");
        if wanted(&name) || wanted(&name6) {
            let mut row = compare(
                &name,
                Bound::Ratio(1.15),
                REPS,
                || echo_ours(echo_rounds),
                || echo_raw(echo_rounds),
            );
            report(&row, row.passes());
            row.name = name6;
            row.bound = Bound::Ratio(1.2);
            report(&row, row.passes());
        }
        let name = format!("1d  ref: WSPSend/WSPRecv direct vs raw {place}");
        if wanted(&name) {
            let row = compare(
                &name,
                Bound::Info,
                REPS,
                || echo_wsp_direct(echo_rounds),
                || echo_raw(echo_rounds),
            );
            report(&row, true);
        }
        let name = format!("1p  ref: raw nonblock+poll vs raw {place}");
        if wanted(&name) {
            let row = compare(
                &name,
                Bound::Info,
                REPS,
                || echo_raw_polling(echo_rounds),
                || echo_raw(echo_rounds),
            );
            report(&row, true);
        }
        let name = format!("2  1 GiB TCP bulk, 64 KiB writes {place}");
        if wanted(&name) {
            let line = compare_throughput(
                &name,
                0.9,
                BULK_REPS,
                bulk_bytes,
                || bulk_ours(bulk_bytes),
                || bulk_raw(bulk_bytes),
            );
            report(&line, line.passes());
        }
        let name = format!("4  WSASetEvent -> WSAWait.. wakes {place}");
        if wanted(&name) {
            let row = compare(
                &name,
                Bound::Ratio(1.2),
                REPS,
                || wsa_event_ping_pong(rounds),
                || eventfd_ping_pong(rounds, false),
            );
            report(&row, row.passes());
        }
        let name = format!("4r  ref: raw poll+read vs read {place}");
        if wanted(&name) {
            let row = compare(
                &name,
                Bound::Info,
                REPS,
                || eventfd_ping_pong(rounds, true),
                || eventfd_ping_pong(rounds, false),
            );
            report(&row, true);
        }
        let name = format!("5  overlapped WSARecv by event, RTT {place}");
        if wanted(&name) {
            match &overlapped {
                Ok(()) => {
                    let row = compare(
                        &name,
                        Bound::Ratio(1.3),
                        REPS,
                        || overlapped_ours(echo_rounds),
                        || overlapped_raw(echo_rounds, false),
                    );
                    report(&row, row.passes());
                    let row = compare(
                        &format!("5r  ref: 5 vs raw inline recv {place}"),
                        Bound::Info,
                        REPS,
                        || overlapped_ours(echo_rounds),
                        || overlapped_raw(echo_rounds, true),
                    );
                    report(&row, true);
                }
                Err(why) => println!("{name:<44} not measured ({why})"),
            }
        }
    }
    set_partner_cpu(partner_cpu_default);

    let iterations = scaled(50_000);
    let name = "3  socket + closesocket";
    if wanted(name) {
        let row = compare(
            name,
            Bound::Ratio(1.3),
            REPS,
            || socket_close_ours(iterations),
            || socket_close_raw(iterations),
        );
        report(&row, row.passes());
    }

    println!("{lines} lines, {misses} missed their bound");
}
