//! The asynchronous database functions: `WSAAsyncGetHostByName`, `WSAAsyncGetHostByAddr`,
//! `WSAAsyncGetProtoByName`, `WSAAsyncGetProtoByNumber`, `WSAAsyncGetServByName`,
//! `WSAAsyncGetServByPort` and `WSACancelAsyncRequest`.
//!
//! Windows contract (Microsoft documentation of each function; ReactOS's ws2_32 for what it
//! leaves open):
//! - A call returns a nonzero asynchronous task handle, or 0 with the last error set:
//!   WSANOTINITIALISED before WSAStartup, WSAEWOULDBLOCK when the request cannot be scheduled
//!   for lack of resources. Whether the lookup itself succeeds is reported later.
//! - When the lookup finishes, `wMsg` is posted to `hWnd` with wParam = the task handle and
//!   lParam = `WSAMAKEASYNCREPLY(buflen, error)`. On success (error 0) `buf` starts with the
//!   HOSTENT/PROTOENT/SERVENT, and everything it points to (strings, pointer lists, addresses)
//!   lies in `buf` too. When `buflen` is too small the error is WSAENOBUFS and the low word is
//!   the size that would have been needed; nothing is written. Lookup failures carry the codes
//!   of the blocking functions (names.rs): WSAHOST_NOT_FOUND, WSATRY_AGAIN, WSANO_RECOVERY,
//!   WSANO_DATA; WSAEFAULT for a NULL buffer or name.
//! - Requests are served one at a time, in the order they were made (the documentation says
//!   applications must not expect concurrent resolution; ReactOS has one worker thread).
//! - WSACancelAsyncRequest returns 0 when the request had not finished: no message is posted
//!   and `buf` is not written. Otherwise SOCKET_ERROR with WSAEALREADY for a handle this process
//!   was given that has finished (completed, whether or not its message was retrieved, or
//!   already cancelled), WSAEINVAL for 0 and values never returned as task handles.
//!   The documentation lets either code stand for "not in progress".
//!
//! Emulation: one worker thread started on first use; the request's name, address and protocol
//! strings are copied at call time (the caller may free them when the call returns), `buf` must
//! stay valid until the message arrives or a cancel succeeds, as on Windows. The structure is
//! built for `buf`'s address: pointer lists are 8-byte aligned in memory, so the needed size can
//! differ by up to 7 bytes between a misaligned and an aligned buffer. On success the low word
//! of lParam is the number of bytes used.
//!
//! Divergences (tests/async_db_exports.rs): a NULL name or buffer is reported as WSAEFAULT in
//! the message where Windows faults; a needed size above 65535 is reported as 65535 (the low
//! word cannot hold more); messages are posted with PostMessage semantics (not through a routine
//! installed by WSApSetPostRoutine); requests still pending at the last WSACleanup complete and
//! post their messages.
// The pointer contract is the same for every export (NULL or valid as the Winsock
// documentation of the function requires), so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::boundary::{fail_api, ffi_boundary, trace_call};
use crate::names::lookup_code;
use std::collections::VecDeque;
use std::ffi::{c_char, CStr};
use std::mem::{offset_of, size_of};
use std::ptr::null_mut;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use ws2_abi::*;
use ws2_core::runtime::runtime;
use ws2_core::trace::{self, Channel};
use ws2_core::WinError;
use ws2_os::resolver;

fn code(c: i32) -> WinError {
    WinError(c as u32)
}

/// Requests queued beyond this many fail with WSAEWOULDBLOCK ("resource constraints").
const MAX_QUEUED: usize = 4096;

// ---------------------------------------------------------------------------------------------
// Queries and their results
// ---------------------------------------------------------------------------------------------

/// One lookup, with everything copied out of the caller's memory.
#[derive(Debug)]
enum Query {
    /// `None`: the local host (NULL or "" as gethostbyname reads it).
    HostByName(Option<String>),
    HostByAddr(Vec<u8>),
    ProtoByName(String),
    ProtoByNumber(i32),
    ServByName(String, Option<String>),
    /// The port in host order.
    ServByPort(u16, Option<String>),
}

enum Entry {
    Host(resolver::HostEntry),
    Protocol(resolver::ProtocolEntry),
    Service(resolver::ServiceEntry),
}

fn lookup(query: &Query) -> ws2_core::Result<Entry> {
    let no_data = code(WSANO_DATA);
    match query {
        Query::HostByName(name) => {
            let name = match name {
                Some(n) if !n.is_empty() => n.clone(),
                _ => resolver::host_name().map_err(|e| code(ws2_os::wsa_error_from_errno(e)))?,
            };
            resolver::host_by_name(&name)
                .map(Entry::Host)
                .map_err(lookup_code)
        }
        Query::HostByAddr(bytes) => resolver::host_by_address(bytes)
            .map(Entry::Host)
            .map_err(lookup_code),
        Query::ProtoByName(name) => resolver::protocol_by_name(name)
            .map(Entry::Protocol)
            .ok_or(no_data),
        Query::ProtoByNumber(n) => resolver::protocol_by_number(*n)
            .map(Entry::Protocol)
            .ok_or(no_data),
        Query::ServByName(name, proto) => resolver::service_by_name(name, proto.as_deref())
            .map(Entry::Service)
            .ok_or(no_data),
        Query::ServByPort(port, proto) => resolver::service_by_port(*port, proto.as_deref())
            .map(Entry::Service)
            .ok_or(no_data),
    }
}

// ---------------------------------------------------------------------------------------------
// Packing a structure and its data into the caller's buffer
// ---------------------------------------------------------------------------------------------

/// The image of a buffer that will live at address `base`: pointers are absolute addresses.
struct Packer {
    base: usize,
    bytes: Vec<u8>,
}

impl Packer {
    /// Starts with `header` zero bytes for the structure itself.
    fn new(base: usize, header: usize) -> Self {
        Self {
            base,
            bytes: vec![0; header],
        }
    }

    fn here(&self) -> usize {
        self.base.wrapping_add(self.bytes.len())
    }

    fn put_usize(&mut self, offset: usize, value: usize) {
        self.bytes[offset..offset + 8].copy_from_slice(&(value as u64).to_ne_bytes());
    }

    fn put_i16(&mut self, offset: usize, value: i16) {
        self.bytes[offset..offset + 2].copy_from_slice(&value.to_ne_bytes());
    }

    /// Reserves a NULL-terminated list of `n` pointers, 8-byte aligned in memory; returns its
    /// offset in the image.
    fn list(&mut self, n: usize) -> usize {
        while self.here() % 8 != 0 {
            self.bytes.push(0);
        }
        let offset = self.bytes.len();
        self.bytes.resize(offset + (n + 1) * 8, 0);
        offset
    }

    /// Appends raw bytes; returns their address.
    fn data(&mut self, data: &[u8]) -> usize {
        let at = self.here();
        self.bytes.extend_from_slice(data);
        at
    }

    /// Appends a NUL-terminated string (interior NULs dropped); returns its address.
    fn string(&mut self, s: &str) -> usize {
        let at = self.here();
        self.bytes.extend(s.bytes().filter(|&b| b != 0));
        self.bytes.push(0);
        at
    }

    /// Fills a reserved list with strings appended now; returns the list's address.
    fn strings(&mut self, list: usize, items: &[String]) -> usize {
        for (i, s) in items.iter().enumerate() {
            let at = self.string(s);
            self.put_usize(list + i * 8, at);
        }
        self.base.wrapping_add(list)
    }
}

/// The bytes to place at `base`: the structure first, then its lists, addresses and strings.
fn pack(entry: &Entry, base: usize) -> Vec<u8> {
    match entry {
        Entry::Host(h) => {
            let mut p = Packer::new(base, size_of::<HOSTENT>());
            let aliases = p.list(h.aliases.len());
            let addrs = p.list(h.addresses.len());
            for (i, a) in h.addresses.iter().enumerate() {
                let at = p.data(a);
                p.put_usize(addrs + i * 8, at);
            }
            let name = p.string(&h.name);
            let aliases = p.strings(aliases, &h.aliases);
            let (family, length) = if h.v6 { (AF_INET6, 16) } else { (AF_INET, 4) };
            p.put_usize(offset_of!(HOSTENT, h_name), name);
            p.put_usize(offset_of!(HOSTENT, h_aliases), aliases);
            p.put_i16(offset_of!(HOSTENT, h_addrtype), family as i16);
            p.put_i16(offset_of!(HOSTENT, h_length), length);
            p.put_usize(offset_of!(HOSTENT, h_addr_list), base.wrapping_add(addrs));
            p.bytes
        }
        Entry::Protocol(e) => {
            let mut p = Packer::new(base, size_of::<PROTOENT>());
            let aliases = p.list(e.aliases.len());
            let name = p.string(&e.name);
            let aliases = p.strings(aliases, &e.aliases);
            p.put_usize(offset_of!(PROTOENT, p_name), name);
            p.put_usize(offset_of!(PROTOENT, p_aliases), aliases);
            p.put_i16(offset_of!(PROTOENT, p_proto), e.number as i16);
            p.bytes
        }
        Entry::Service(e) => {
            let mut p = Packer::new(base, size_of::<SERVENT>());
            let aliases = p.list(e.aliases.len());
            let name = p.string(&e.name);
            let aliases = p.strings(aliases, &e.aliases);
            let proto = p.string(&e.protocol);
            p.put_usize(offset_of!(SERVENT, s_name), name);
            p.put_usize(offset_of!(SERVENT, s_aliases), aliases);
            p.put_usize(offset_of!(SERVENT, s_proto), proto);
            p.put_i16(offset_of!(SERVENT, s_port), e.port.to_be() as i16);
            p.bytes
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tasks, the worker and cancellation
// ---------------------------------------------------------------------------------------------

struct Task {
    handle: usize,
    hwnd: usize,
    msg: u32,
    /// The caller's buffer (an address: the worker thread writes it).
    buf: usize,
    buflen: i32,
    /// The lookup, or the error to report without one.
    query: ws2_core::Result<Query>,
}

#[derive(Default)]
struct State {
    /// The last task handle given out (handles are 1, 2, 3, ...).
    last_handle: usize,
    queue: VecDeque<Task>,
    /// The task the worker is running and whether it was cancelled meanwhile.
    current: Option<(usize, bool)>,
    worker_started: bool,
    /// Test holds: while nonzero the worker starts no task.
    holds: usize,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| Shared {
        state: Mutex::new(State::default()),
        wake: Condvar::new(),
    })
}

fn lock() -> MutexGuard<'static, State> {
    // A panic never happens under this lock; recover the state if one did.
    shared().state.lock().unwrap_or_else(|e| e.into_inner())
}

/// The worker: serves the queue in order, forever.
fn worker() {
    let shared = shared();
    loop {
        let task = {
            let mut state = lock();
            loop {
                if state.holds == 0 {
                    if let Some(task) = state.queue.pop_front() {
                        state.current = Some((task.handle, false));
                        break task;
                    }
                }
                state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        };
        let outcome = task
            .query
            .as_ref()
            .map_err(|e| *e)
            .and_then(lookup_on_own_thread);
        let cancelled = {
            let mut state = lock();
            let cancelled = matches!(state.current, Some((_, true)));
            state.current = None;
            cancelled
        };
        if !cancelled {
            complete(&task, outcome);
        }
    }
}

/// Runs one lookup on a thread of its own: the C library keeps a resolver state per thread that
/// it releases only when the thread exits, and the worker lives as long as the process (memory
/// checkers would report it). Inline if no thread can be started.
fn lookup_on_own_thread(query: &Query) -> ws2_core::Result<Entry> {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("ws2emu-async-lookup".into())
            .spawn_scoped(scope, || lookup(query))
        {
            Ok(thread) => thread.join().unwrap_or(Err(code(WSANO_RECOVERY))),
            Err(_) => lookup(query),
        }
    })
}

/// Writes the result into the caller's buffer (if it fits) and posts the message.
fn complete(task: &Task, outcome: ws2_core::Result<Entry>) {
    let (used, error) = match outcome {
        Err(e) => (0, e.as_i32()),
        Ok(_) if task.buf == 0 => (0, WSAEFAULT),
        Ok(entry) => {
            let image = pack(&entry, task.buf);
            if image.len() > task.buflen.max(0) as usize {
                (image.len(), WSAENOBUFS)
            } else {
                // SAFETY: the caller promised `buf` writable for `buflen` bytes until the
                // message is posted (the request was not cancelled); the image fits.
                unsafe {
                    std::ptr::copy_nonoverlapping(image.as_ptr(), task.buf as *mut u8, image.len())
                };
                (image.len(), 0)
            }
        }
    };
    let lparam = WSAMAKEASYNCREPLY(used.min(0xFFFF) as u16, error);
    // A window that is gone gets nothing, as with PostMessage on Windows.
    let posted = ws2_core::window::post_message(task.hwnd, task.msg, task.handle, lparam as LPARAM);
    trace_call(
        Channel::Api,
        "WSAAsyncGetXByY completion",
        || format!("{:#x}", task.handle),
        || match posted {
            Ok(()) => format!("posted {used} bytes, error {error}"),
            Err(e) => trace::outcome("not posted", Some(e)),
        },
    );
}

/// Queues a request and returns its task handle.
fn submit(
    hwnd: HWND,
    msg: u32,
    buf: *mut c_char,
    buflen: i32,
    query: ws2_core::Result<Query>,
) -> ws2_core::Result<usize> {
    if !runtime().is_started() {
        return Err(WinError::WSANOTINITIALISED);
    }
    let mut state = lock();
    if state.queue.len() >= MAX_QUEUED {
        return Err(code(WSAEWOULDBLOCK));
    }
    if !state.worker_started {
        std::thread::Builder::new()
            .name("ws2emu-async-db".into())
            .spawn(worker)
            .map_err(|_| code(WSAEWOULDBLOCK))?;
        state.worker_started = true;
    }
    state.last_handle += 1;
    let handle = state.last_handle;
    state.queue.push_back(Task {
        handle,
        hwnd: hwnd as usize,
        msg,
        buf: buf as usize,
        buflen,
        query,
    });
    shared().wake.notify_all();
    Ok(handle)
}

fn cancel(handle: usize) -> ws2_core::Result<()> {
    if !runtime().is_started() {
        return Err(WinError::WSANOTINITIALISED);
    }
    let mut state = lock();
    if let Some(i) = state.queue.iter().position(|t| t.handle == handle) {
        state.queue.remove(i);
        return Ok(());
    }
    match state.current {
        Some((h, false)) if h == handle => {
            state.current = Some((h, true));
            Ok(())
        }
        _ if handle != 0 && handle <= state.last_handle => Err(code(WSAEALREADY)),
        _ => Err(WinError::WSAEINVAL),
    }
}

/// Keeps the worker from starting another request while alive (requests already running
/// finish). Test support: lets a test cancel a request that is certainly still queued.
#[doc(hidden)]
pub struct WorkerHold(());

impl Drop for WorkerHold {
    fn drop(&mut self) {
        lock().holds -= 1;
        shared().wake.notify_all();
    }
}

/// See [`WorkerHold`].
#[doc(hidden)]
pub fn hold_worker() -> WorkerHold {
    lock().holds += 1;
    WorkerHold(())
}

// ---------------------------------------------------------------------------------------------
// The exports
// ---------------------------------------------------------------------------------------------

/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn text(p: *const c_char) -> Option<String> {
    // SAFETY: contract.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

fn start(
    name: &str,
    hwnd: HWND,
    msg: u32,
    buf: *mut c_char,
    buflen: i32,
    query: ws2_core::Result<Query>,
) -> HANDLE {
    let args = format!("{hwnd:p}, {msg:#x}, {query:?}, {buf:p}, {buflen}");
    let result = submit(hwnd, msg, buf, buflen, query);
    trace_call(
        Channel::Api,
        name,
        || args,
        || match result {
            Ok(h) => format!("{h:#x}"),
            Err(e) => trace::outcome("0", Some(e)),
        },
    );
    match result {
        Ok(h) => h as HANDLE,
        Err(e) => fail_api(e, null_mut()),
    }
}

/// WSAAsyncGetHostByName: the asynchronous gethostbyname (NULL or "" is the local host, as
/// there).
#[no_mangle]
pub unsafe extern "system" fn WSAAsyncGetHostByName(
    hwnd: HWND,
    msg: u32,
    name: *const c_char,
    buf: *mut c_char,
    buflen: i32,
) -> HANDLE {
    ffi_boundary("WSAAsyncGetHostByName", null_mut(), || {
        // SAFETY: NULL or NUL-terminated (contract).
        let query = Ok(Query::HostByName(unsafe { text(name) }));
        start("WSAAsyncGetHostByName", hwnd, msg, buf, buflen, query)
    })
}

/// WSAAsyncGetHostByAddr: the asynchronous gethostbyaddr (`len` 4 for AF_INET, 16 for
/// AF_INET6; otherwise WSAEFAULT, or WSAEAFNOSUPPORT for another family, in the message).
#[no_mangle]
pub unsafe extern "system" fn WSAAsyncGetHostByAddr(
    hwnd: HWND,
    msg: u32,
    addr: *const c_char,
    len: i32,
    family: i32,
    buf: *mut c_char,
    buflen: i32,
) -> HANDLE {
    ffi_boundary("WSAAsyncGetHostByAddr", null_mut(), || {
        let query = match family {
            AF_INET => Ok(4),
            AF_INET6 => Ok(16),
            _ => Err(code(WSAEAFNOSUPPORT)),
        }
        .and_then(|size| {
            if addr.is_null() || len != size {
                return Err(WinError::WSAEFAULT);
            }
            // SAFETY: readable for len bytes (contract), len checked above.
            let bytes = unsafe { std::slice::from_raw_parts(addr.cast::<u8>(), size as usize) };
            Ok(Query::HostByAddr(bytes.to_vec()))
        });
        start("WSAAsyncGetHostByAddr", hwnd, msg, buf, buflen, query)
    })
}

/// WSAAsyncGetProtoByName: the asynchronous getprotobyname.
#[no_mangle]
pub unsafe extern "system" fn WSAAsyncGetProtoByName(
    hwnd: HWND,
    msg: u32,
    name: *const c_char,
    buf: *mut c_char,
    buflen: i32,
) -> HANDLE {
    ffi_boundary("WSAAsyncGetProtoByName", null_mut(), || {
        // SAFETY: NULL or NUL-terminated (contract).
        let query = unsafe { text(name) }
            .map(Query::ProtoByName)
            .ok_or(WinError::WSAEFAULT);
        start("WSAAsyncGetProtoByName", hwnd, msg, buf, buflen, query)
    })
}

/// WSAAsyncGetProtoByNumber: the asynchronous getprotobynumber.
#[no_mangle]
pub unsafe extern "system" fn WSAAsyncGetProtoByNumber(
    hwnd: HWND,
    msg: u32,
    number: i32,
    buf: *mut c_char,
    buflen: i32,
) -> HANDLE {
    ffi_boundary("WSAAsyncGetProtoByNumber", null_mut(), || {
        let query = Ok(Query::ProtoByNumber(number));
        start("WSAAsyncGetProtoByNumber", hwnd, msg, buf, buflen, query)
    })
}

/// WSAAsyncGetServByName: the asynchronous getservbyname (any protocol when `proto` is NULL).
#[no_mangle]
pub unsafe extern "system" fn WSAAsyncGetServByName(
    hwnd: HWND,
    msg: u32,
    name: *const c_char,
    proto: *const c_char,
    buf: *mut c_char,
    buflen: i32,
) -> HANDLE {
    ffi_boundary("WSAAsyncGetServByName", null_mut(), || {
        // SAFETY: NULL or NUL-terminated (contract).
        let (name, proto) = unsafe { (text(name), text(proto)) };
        let query = name
            .map(|n| Query::ServByName(n, proto))
            .ok_or(WinError::WSAEFAULT);
        start("WSAAsyncGetServByName", hwnd, msg, buf, buflen, query)
    })
}

/// WSAAsyncGetServByPort: the asynchronous getservbyport (`port` in network order).
#[no_mangle]
pub unsafe extern "system" fn WSAAsyncGetServByPort(
    hwnd: HWND,
    msg: u32,
    port: i32,
    proto: *const c_char,
    buf: *mut c_char,
    buflen: i32,
) -> HANDLE {
    ffi_boundary("WSAAsyncGetServByPort", null_mut(), || {
        // SAFETY: NULL or NUL-terminated (contract).
        let proto = unsafe { text(proto) };
        let query = Ok(Query::ServByPort(u16::from_be(port as u16), proto));
        start("WSAAsyncGetServByPort", hwnd, msg, buf, buflen, query)
    })
}

/// WSACancelAsyncRequest: 0 if the request had not finished (no message will be posted);
/// SOCKET_ERROR with WSAEALREADY (finished) or WSAEINVAL (not a task handle).
#[no_mangle]
pub extern "system" fn WSACancelAsyncRequest(handle: HANDLE) -> i32 {
    ffi_boundary("WSACancelAsyncRequest", SOCKET_ERROR, || {
        let result = cancel(handle as usize);
        trace_call(
            Channel::Api,
            "WSACancelAsyncRequest",
            || format!("{handle:p}"),
            || match result {
                Ok(()) => "0".into(),
                Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
            },
        );
        match result {
            Ok(()) => 0,
            Err(e) => fail_api(e, SOCKET_ERROR),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_servent_points_into_its_buffer() {
        let entry = Entry::Service(resolver::ServiceEntry {
            name: "http".into(),
            aliases: vec!["www".into(), "www-http".into()],
            port: 80,
            protocol: "tcp".into(),
        });
        let base = 0x1000;
        let image = pack(&entry, base);
        let ptr = |o: usize| u64::from_ne_bytes(image[o..o + 8].try_into().unwrap()) as usize;
        let cstr = |a: usize| {
            let at = a - base;
            let end = image[at..].iter().position(|&b| b == 0).unwrap();
            std::str::from_utf8(&image[at..at + end])
                .unwrap()
                .to_string()
        };
        assert_eq!(cstr(ptr(0)), "http");
        assert_eq!(cstr(ptr(16)), "tcp");
        let aliases = ptr(8);
        assert_eq!(aliases % 8, 0);
        assert_eq!(cstr(ptr(aliases - base)), "www");
        assert_eq!(cstr(ptr(aliases - base + 8)), "www-http");
        assert_eq!(ptr(aliases - base + 16), 0, "NULL-terminated");
        assert_eq!(&image[24..26], &80u16.to_be_bytes());
        // A misaligned base keeps the list aligned in memory.
        let shifted = pack(&entry, base + 3);
        let aliases = u64::from_ne_bytes(shifted[8..16].try_into().unwrap()) as usize;
        assert_eq!(aliases % 8, 0);
    }
}
