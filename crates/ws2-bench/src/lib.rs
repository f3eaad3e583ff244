//! Benchmarks of the WPU upcall runtime and of the socket stack against the raw POSIX
//! primitives they are built on.
//!
//! Run everything with `cargo bench -p ws2-bench` (the `upcalls` and `sockets` bench targets,
//! release builds with `harness = false`; `--bench sockets` runs one). It prints one line per benchmark: the ws2emu time, the time of the
//! raw POSIX counterpart measured in the same run with the same thread placement, their ratio,
//! the bound from the issue and PASS/MISS. Results and their analysis live in `BENCHMARKS.md`.
//!
//! # What is measured
//!
//! ws2emu is always called through its C ABI (the `upcall_table()` slots and the exported
//! `WSAWaitForMultipleEvents`, `SleepEx`, ...), which is what a provider pays:
//!
//! | # | ws2emu | raw counterpart |
//! |---|---|---|
//! | 1 | ping-pong of two threads through two auto-reset events: `WPUSetEvent` + `WSAWaitForMultipleEvents` | two threads, two blocking eventfds: `write` + `read` |
//! | 1b | the same with manual-reset events (`WPUCreateEvent`), the waiter resetting with `WPUResetEvent` | as 1 |
//! | 2 | ping-pong of `WPUQueueApc` into a thread sleeping in `SleepEx(INFINITE, TRUE)` | `Mutex<VecDeque<Box<dyn FnOnce>>>` push + eventfd `write`; the other thread blocked in `read` pops and runs the closure |
//! | 3 | ping-pong of `WPUPostMessage` to a message-only window, received by `GetMessageW` | `Mutex<VecDeque<MSG>>` push + eventfd `write`; the other thread blocked in `read` pops |
//! | 4 | `WPUQuerySocketHandleContext`, 1 thread and 2 threads on the same socket | an atomic load of a shared `usize` |
//! | 5 | `WPUCreateSocketHandle` + `WPUCloseSocketHandle` | `dup` + `close` (the kernel minting and freeing a descriptor) |
//! | 6 | `WSAWaitForMultipleEvents` over 64 events, the last one signalled | `poll` over 64 eventfds, the last one readable |
//!
//! Ping-pong times are per one-way hop (round trip / 2). Bounds 1-3 and 6 are ratios; 4 and 5
//! are absolute (their ratio is printed for information). Ping-pongs run in two placements,
//! `[2 CPUs]` (partner on CPU 1) and `[1 CPU]` (both threads on CPU 0, so a wake-up is a context
//! switch). Lines marked `info` have no bound: they isolate a component of another line (`1r`:
//! raw `poll`+`read` against raw `read`; `1c`: set + satisfied wait without sleeping; `4r`: the
//! handle-table read without the C boundary; `5c`/`5t`: the catalog clone and the handle-table
//! part of 5).
//!
//! The `sockets` target (issues 5 and 6) drives the whole stack as an application does: the
//! client API (`ws2_32::client`: catalog, loader, the built-in base provider libws2_base.so,
//! which it builds and finds through `%WS2EMU_LIBDIR%`), against libc sockets:
//!
//! | # | ws2emu | raw counterpart |
//! |---|---|---|
//! | 1 | 64-byte TCP echo round trip on loopback, `send`/`recv` on both sides (bounds 1.15× issue 5, 1.2× issue 6 as line `1c`) | the same with blocking libc sockets |
//! | 2 | one-way TCP bulk transfer, 64 KiB `send`s, receiver on the partner CPU (throughput, ≥ 0.9×) | the same with libc |
//! | 3 | `socket` + `closesocket` | `socket` + `close` |
//! | 4 | `WSASetEvent` → `WSAWaitForMultipleEvents` ping-pong (`WSACreateEvent` events are manual-reset: the waiter `WSAResetEvent`s) | eventfd ping-pong |
//! | 5 | round trip: overlapped `WSARecv` with an event, `send`, wait, `WSAGetOverlappedResult` (the echo side is a raw socket) | a completion thread on the main CPU sleeps in `recv` and writes an eventfd the main thread reads |
//!
//! Echo times are per round trip. References: `1d` (the base provider's WSPSend/WSPRecv called
//! directly, without the client API), `1p` (raw echo with the base provider's syscall pattern:
//! non-blocking descriptors, `recv`, EAGAIN, `poll`, `recv`), `4r` (raw `poll`+`read` vs `read`),
//! `5r` (line 5 against a plain blocking `recv` on the main thread).
//!
//! # Method
//!
//! - Placement: the measuring thread is pinned to CPU 0 and the partner thread (ping-pongs, the
//!   second reader of 4) to CPU 1, identically for both sides (`sched_setaffinity`).
//! - Each benchmark runs `REPS` repetitions; each repetition runs the ws2emu side and then the raw
//!   side, so that slow drifts of the machine (frequency, other load) hit both alike. Every
//!   repetition starts with warm-up iterations that are not timed; the first repetition is
//!   discarded as a whole.
//! - A repetition's time is its elapsed time divided by its iteration count; the reported time is
//!   the median over repetitions, and the ratio is median(ws2emu) / median(raw). The spread
//!   printed next to each time is the interquartile range in percent of the median.
//! - Return values are checked on every iteration on both sides (a failed call would otherwise
//!   be measured as a fast one); the check is one comparison.
//! - Environment: `WS2BENCH_SCALE` multiplies the iteration counts and the bulk transfer's size
//!   (default 1, i.e. 1 GiB; 0.1 for a quick smoke run; the run prints the size used).
//! - Bulk transfers: 7 repetitions; a repetition's throughput is the size over the time from the
//!   first `send` until the receiver has every byte; the line shows median throughputs.
#![allow(unsafe_code)] // libc calls (eventfd, poll, dup, socket, sched_setaffinity), each with a SAFETY note

use std::collections::VecDeque;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// The CPU the measuring thread runs on.
pub const MAIN_CPU: usize = 0;

static PARTNER_CPU: AtomicUsize = AtomicUsize::new(usize::MAX);

/// The CPU partner threads run on: CPU 1 by default (CPU 0 on a one-CPU machine), or what
/// [`set_partner_cpu`] chose.
pub fn partner_cpu() -> usize {
    match PARTNER_CPU.load(Ordering::Relaxed) {
        usize::MAX if online_cpus() > 1 => 1,
        usize::MAX => 0,
        cpu => cpu,
    }
}

/// Places partner threads on `cpu` (`MAIN_CPU`: both threads share one CPU).
pub fn set_partner_cpu(cpu: usize) {
    PARTNER_CPU.store(cpu, Ordering::Relaxed);
}

/// How many CPUs this process may run on, as measured by the first call (call it before
/// pinning: afterwards the calling thread's affinity mask has one CPU).
pub fn online_cpus() -> usize {
    static CPUS: OnceLock<usize> = OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Pins the calling thread to `cpu`; false if the kernel refused (the run then goes on unpinned).
pub fn pin_to_cpu(cpu: usize) -> bool {
    // SAFETY: cpu_set_t is plain data for which all-zero is the empty set; CPU_SET writes inside
    // it (cpu < CPU_SETSIZE is checked by the macro); pid 0 is the calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

/// Iteration counts are multiplied by `WS2BENCH_SCALE` (default 1).
pub fn scaled(iterations: u64) -> u64 {
    let scale = std::env::var("WS2BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(1.0);
    ((iterations as f64 * scale) as u64).max(10)
}

/// Times `iterations` calls of `op` after `warmup` untimed ones; nanoseconds per call.
pub fn time_per_op(warmup: u64, iterations: u64, mut op: impl FnMut()) -> f64 {
    for _ in 0..warmup {
        op();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        op();
    }
    start.elapsed().as_nanos() as f64 / iterations as f64
}

/// The median and the interquartile range (in percent of the median) of `samples`.
pub fn median_and_spread(samples: &[f64]) -> (f64, f64) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (sorted.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
    };
    let median = at(0.5);
    (median, 100.0 * (at(0.75) - at(0.25)) / median)
}

/// A benchmark's bound from the issue.
#[derive(Clone, Copy, Debug)]
pub enum Bound {
    /// ws2emu time / raw time must not exceed this.
    Ratio(f64),
    /// ws2emu time in nanoseconds must not exceed this.
    Nanos(f64),
    /// No bound: a reference line that helps explain another one.
    Info,
}

/// One result line.
#[derive(Debug)]
pub struct Row {
    pub name: String,
    pub ours: f64,
    pub ours_spread: f64,
    pub raw: f64,
    pub raw_spread: f64,
    pub bound: Bound,
}

impl Row {
    pub fn ratio(&self) -> f64 {
        self.ours / self.raw
    }

    /// Whether the bound holds (always for [`Bound::Info`] lines).
    pub fn passes(&self) -> bool {
        match self.bound {
            Bound::Ratio(max) => self.ratio() <= max,
            Bound::Nanos(max) => self.ours <= max,
            Bound::Info => true,
        }
    }

    pub fn header() -> String {
        format!(
            "{:<44} {:>16} {:>16} {:>8} {:>9}  result",
            "benchmark", "ws2emu (IQR)", "raw (IQR)", "ratio", "bound"
        )
    }
}

fn format_nanos(ns: f64) -> String {
    if ns >= 10_000.0 {
        format!("{:.2} us", ns / 1000.0)
    } else if ns >= 100.0 {
        format!("{ns:.0} ns")
    } else {
        format!("{ns:.1} ns")
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound = match self.bound {
            Bound::Ratio(r) => format!("<={r:.2}x"),
            Bound::Nanos(n) => format!("<={n:.0} ns"),
            Bound::Info => "-".to_string(),
        };
        let ours = format!("{} ({:.0}%)", format_nanos(self.ours), self.ours_spread);
        let raw = format!("{} ({:.0}%)", format_nanos(self.raw), self.raw_spread);
        write!(
            f,
            "{:<44} {:>16} {:>16} {:>7.2}x {:>9}  {}",
            self.name,
            ours,
            raw,
            self.ratio(),
            bound,
            match (self.bound, self.passes()) {
                (Bound::Info, _) => "info",
                (_, true) => "PASS",
                (_, false) => "MISS",
            }
        )
    }
}

/// Runs `reps` + 1 interleaved repetitions of both sides (the first is discarded) and builds
/// the row from the medians. Each closure returns nanoseconds per operation for one repetition.
pub fn compare(
    name: &str,
    bound: Bound,
    reps: usize,
    mut ours: impl FnMut() -> f64,
    mut raw: impl FnMut() -> f64,
) -> Row {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for rep in 0..=reps {
        let (x, y) = (ours(), raw());
        if rep > 0 {
            a.push(x);
            b.push(y);
        }
    }
    let (ours, ours_spread) = median_and_spread(&a);
    let (raw, raw_spread) = median_and_spread(&b);
    Row {
        name: name.to_string(),
        ours,
        ours_spread,
        raw,
        raw_spread,
        bound,
    }
}

/// One throughput line (bulk transfers): ws2emu's and the raw side's throughput (median over
/// repetitions, IQR in percent of the median), their ratio and the minimum ratio from the issue.
#[derive(Debug)]
pub struct Throughput {
    pub name: String,
    /// Bytes per second.
    pub ours: f64,
    pub ours_spread: f64,
    /// Bytes per second.
    pub raw: f64,
    pub raw_spread: f64,
    /// ours / raw must be at least this.
    pub min_ratio: f64,
}

impl Throughput {
    pub fn ratio(&self) -> f64 {
        self.ours / self.raw
    }

    pub fn passes(&self) -> bool {
        self.ratio() >= self.min_ratio
    }
}

impl std::fmt::Display for Throughput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const GIB: f64 = (1u64 << 30) as f64;
        let ours = format!("{:.2} GiB/s ({:.0}%)", self.ours / GIB, self.ours_spread);
        let raw = format!("{:.2} GiB/s ({:.0}%)", self.raw / GIB, self.raw_spread);
        write!(
            f,
            "{:<44} {:>16} {:>16} {:>7.2}x {:>9}  {}",
            self.name,
            ours,
            raw,
            self.ratio(),
            format!(">={:.2}x", self.min_ratio),
            if self.passes() { "PASS" } else { "MISS" }
        )
    }
}

/// As [`compare`] for bulk transfers: each closure moves `bytes` once and returns the seconds it
/// took; the line holds the median throughputs.
pub fn compare_throughput(
    name: &str,
    min_ratio: f64,
    reps: usize,
    bytes: u64,
    mut ours: impl FnMut() -> f64,
    mut raw: impl FnMut() -> f64,
) -> Throughput {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for rep in 0..=reps {
        let (x, y) = (ours(), raw());
        if rep > 0 {
            a.push(bytes as f64 / x);
            b.push(bytes as f64 / y);
        }
    }
    let (ours, ours_spread) = median_and_spread(&a);
    let (raw, raw_spread) = median_and_spread(&b);
    Throughput {
        name: name.to_string(),
        ours,
        ours_spread,
        raw,
        raw_spread,
        min_ratio,
    }
}

/// Runs a two-thread ping-pong: `partner(total)` on the partner CPU answers `warmup + rounds`
/// rounds, `round` on this thread does one round trip (`warmup` untimed ones first).
/// Nanoseconds per round trip.
pub fn ping_pong_round_trip(
    warmup: u64,
    rounds: u64,
    partner: impl FnOnce(u64) + Send,
    round: impl FnMut(),
) -> f64 {
    std::thread::scope(|s| {
        let h = s.spawn(move || {
            pin_to_cpu(partner_cpu());
            partner(warmup + rounds);
        });
        let ns = time_per_op(warmup, rounds, round);
        h.join().expect("partner thread");
        ns
    })
}

/// [`ping_pong_round_trip`] per one-way hop (round trip / 2).
pub fn ping_pong(
    warmup: u64,
    rounds: u64,
    partner: impl FnOnce(u64) + Send,
    round: impl FnMut(),
) -> f64 {
    ping_pong_round_trip(warmup, rounds, partner, round) / 2.0
}

/// The raw event ping-pong: two threads, two blocking eventfds, `write` + `read`; nanoseconds
/// per one-way hop. `via_poll`: each side sleeps in poll(2) and then reads, instead of sleeping
/// in read(2).
pub fn eventfd_ping_pong(rounds: u64, via_poll: bool) -> f64 {
    let (a, b) = (EventFd::blocking(), EventFd::blocking());
    let wait = |fd: &EventFd| {
        if via_poll {
            fd.poll_then_read();
        } else {
            fd.read();
        }
    };
    ping_pong(
        rounds / 10,
        rounds,
        |total| {
            for _ in 0..total {
                wait(&a);
                b.write();
            }
        },
        || {
            a.write();
            wait(&b);
        },
    )
}

/// Raw Linux TCP over loopback: the counterpart of the socket benchmarks. Connections are set up
/// with `std::net` (blocking libc sockets) and measured with `libc::send`/`recv`/`socket`/`close`
/// directly.
pub mod raw {
    use std::net::{Ipv4Addr, TcpListener, TcpStream};
    use std::os::fd::{AsRawFd, OwnedFd, RawFd};

    /// A connected pair of blocking TCP sockets on 127.0.0.1 (client, server side).
    pub fn tcp_pair() -> (OwnedFd, OwnedFd) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let client = TcpStream::connect(listener.local_addr().unwrap()).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        (client.into(), server.into())
    }

    /// `send(2)` until all of `buf` went out.
    #[inline]
    pub fn send_all(fd: &OwnedFd, mut buf: &[u8]) {
        while !buf.is_empty() {
            // SAFETY: `buf` is readable for its length during the call.
            let n = unsafe { libc::send(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len(), 0) };
            assert!(n > 0, "send: {}", std::io::Error::last_os_error());
            buf = &buf[n as usize..];
        }
    }

    /// `recv(2)` until `buf` is full.
    #[inline]
    pub fn recv_exact(fd: &OwnedFd, buf: &mut [u8]) {
        let mut got = 0;
        while got < buf.len() {
            got += recv_some(fd, &mut buf[got..]);
        }
    }

    /// One `recv(2)`; the byte count (0 only at end of stream).
    #[inline]
    pub fn recv_some(fd: &OwnedFd, buf: &mut [u8]) -> usize {
        // SAFETY: `buf` is writable for its length during the call.
        let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        assert!(n >= 0, "recv: {}", std::io::Error::last_os_error());
        n as usize
    }

    /// Sets O_NONBLOCK on `fd` (how the base provider keeps every descriptor).
    pub fn set_nonblocking(fd: &OwnedFd) {
        // SAFETY: fcntl with F_GETFL/F_SETFL takes plain integers.
        unsafe {
            let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
            assert!(
                flags >= 0
                    && libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) == 0
            );
        }
    }

    /// A blocking receive emulated on a non-blocking descriptor, as the base provider does it:
    /// `recv`; on EAGAIN `poll` for POLLIN, then `recv` again. Until `buf` is full.
    #[inline]
    pub fn recv_exact_polling(fd: &OwnedFd, buf: &mut [u8]) {
        let mut got = 0;
        while got < buf.len() {
            let rest = &mut buf[got..];
            // SAFETY: `rest` is writable for its length during the call.
            let n = unsafe { libc::recv(fd.as_raw_fd(), rest.as_mut_ptr().cast(), rest.len(), 0) };
            if n > 0 {
                got += n as usize;
                continue;
            }
            let e = std::io::Error::last_os_error();
            assert!(n < 0 && e.raw_os_error() == Some(libc::EAGAIN), "recv: {e}");
            let mut fds = [libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            assert_eq!(crate::poll_readable(&mut fds), 1, "poll");
        }
    }

    /// `socket(AF_INET, SOCK_STREAM, 0)` + `close`.
    #[inline]
    pub fn socket_close() {
        // SAFETY: plain integers; the descriptor is closed right away and never used otherwise.
        unsafe {
            let fd: RawFd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket");
            libc::close(fd);
        }
    }

    /// `shutdown(fd, SHUT_WR)`: the end of a bulk transfer.
    pub fn shutdown_send(fd: &OwnedFd) {
        // SAFETY: plain integers.
        assert_eq!(unsafe { libc::shutdown(fd.as_raw_fd(), libc::SHUT_WR) }, 0);
    }
}

/// A blocking eventfd: the raw primitive ws2emu's notifiers are built on.
#[derive(Debug)]
pub struct EventFd(OwnedFd);

impl EventFd {
    /// A blocking eventfd (reads sleep until the counter is non-zero).
    pub fn blocking() -> Self {
        Self::with_flags(libc::EFD_CLOEXEC)
    }

    /// A non-blocking eventfd (for poll).
    pub fn nonblocking() -> Self {
        Self::with_flags(libc::EFD_CLOEXEC | libc::EFD_NONBLOCK)
    }

    fn with_flags(flags: i32) -> Self {
        // SAFETY: eventfd has no memory preconditions.
        let fd = unsafe { libc::eventfd(0, flags) };
        assert!(fd >= 0, "eventfd: {}", std::io::Error::last_os_error());
        // SAFETY: fd was just created and is owned by nobody else.
        Self(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// Adds 1 to the counter (wakes a reader).
    #[inline]
    pub fn write(&self) {
        let one: u64 = 1;
        // SAFETY: `one` is valid for 8 bytes.
        let n = unsafe { libc::write(self.0.as_raw_fd(), (&one as *const u64).cast(), 8) };
        assert_eq!(n, 8, "eventfd write");
    }

    /// Sleeps in `poll` until the descriptor is readable, then reads it (how a waiter that must
    /// watch several descriptors, like ws2emu's wait engine, sleeps).
    #[inline]
    pub fn poll_then_read(&self) {
        let mut fds = [libc::pollfd {
            fd: self.0.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        assert_eq!(poll_readable(&mut fds), 1, "poll");
        self.read();
    }

    /// Waits for a non-zero counter and resets it (a blocking eventfd read).
    #[inline]
    pub fn read(&self) {
        let mut value: u64 = 0;
        // SAFETY: `value` is valid for 8 bytes of writing.
        let n = unsafe { libc::read(self.0.as_raw_fd(), (&mut value as *mut u64).cast(), 8) };
        assert_eq!(n, 8, "eventfd read");
    }
}

impl AsRawFd for EventFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

/// The raw counterpart of an APC or message queue: a mutex-protected FIFO plus an eventfd doorbell
/// the consumer sleeps on in a blocking `read`.
#[derive(Debug)]
pub struct RawQueue<T> {
    items: Mutex<VecDeque<T>>,
    doorbell: EventFd,
}

impl<T> Default for RawQueue<T> {
    fn default() -> Self {
        Self {
            items: Mutex::new(VecDeque::new()),
            doorbell: EventFd::blocking(),
        }
    }
}

impl<T> RawQueue<T> {
    /// Appends an item and rings the doorbell.
    pub fn push(&self, item: T) {
        self.items.lock().unwrap().push_back(item);
        self.doorbell.write();
    }

    /// Sleeps until the doorbell rang, then hands every queued item to `each`; returns how many.
    pub fn wait_and_drain(&self, mut each: impl FnMut(T)) -> usize {
        self.doorbell.read();
        let mut n = 0;
        loop {
            let next = self.items.lock().unwrap().pop_front();
            match next {
                Some(item) => {
                    each(item);
                    n += 1;
                }
                None => return n,
            }
        }
    }
}

/// `poll` over `fds` for readability with no timeout; the number of ready descriptors.
pub fn poll_readable(fds: &mut [libc::pollfd]) -> i32 {
    // SAFETY: `fds` is a valid array of `len` pollfd structures for the whole call.
    unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) }
}

/// `dup` + `close` of `fd`: the kernel minting and freeing a descriptor.
#[inline]
pub fn dup_close(fd: RawFd) {
    // SAFETY: dup and close take plain integers; the duplicate is closed right away and never
    // used otherwise.
    unsafe {
        let copy = libc::dup(fd);
        assert!(copy >= 0, "dup");
        libc::close(copy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread_of_known_samples() {
        let (m, s) = median_and_spread(&[4.0, 1.0, 3.0, 2.0, 5.0]);
        assert_eq!(m, 3.0);
        assert!((s - 100.0 * 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn bounds_decide_pass_or_miss() {
        let row = |ours, raw, bound| Row {
            name: String::new(),
            ours,
            ours_spread: 0.0,
            raw,
            raw_spread: 0.0,
            bound,
        };
        assert!(row(1.1, 1.0, Bound::Ratio(1.2)).passes());
        assert!(!row(1.3, 1.0, Bound::Ratio(1.2)).passes());
        assert!(row(90.0, 1.0, Bound::Nanos(100.0)).passes());
        assert!(!row(110.0, 1000.0, Bound::Nanos(100.0)).passes());
    }

    #[test]
    fn raw_queue_delivers_in_order() {
        let q = RawQueue::default();
        q.push(1);
        q.push(2);
        let mut got = Vec::new();
        assert_eq!(q.wait_and_drain(|x| got.push(x)), 2);
        assert_eq!(got, [1, 2]);
    }
}
