//! The provider's calls into ws2_32: the upcalls the asynchronous paths use (WPUPostMessage,
//! WPUSetEvent, WPUResetEvent, WPUQueueApc) and the ws2emu host table (`lpCompleteIo`), and the
//! one place where an overlapped request's completion is written and announced.
//!
//! Windows contract (spec §6): the provider stores the result flags in `Offset` and the WSA
//! error in `OffsetHigh`, then completes. A request with a completion routine is completed by
//! `WPUQueueApc` to the requesting thread (a copied `WSATHREADID`) with a trampoline that calls
//! `routine(error, bytes, ov, flags)`; any other request goes to the host's `lpCompleteIo`, which
//! does what the Windows I/O manager does for IFS handles (`InternalHigh`, `Internal`, a packet
//! to the socket's completion port unless bit 0 of `hEvent` is set, `hEvent` signalled).
//! Without a host table (a process whose ws2_32 offers none, or a layered provider that loaded
//! this library itself with LoadLibraryW and started it with WSPStartup) the provider writes
//! `InternalHigh` and `Internal` and signals `hEvent` itself, and no completion-port packet is
//! possible then; the thread's last error is set through the process's exported
//! `WSASetLastError` ([`set_last_error`]).
//!
//! None of these calls re-enters the provider, so callers may hold a socket's `io` lock (the
//! event-select record and its event are updated atomically that way).

use crate::provider;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use ws2_abi as w;
use ws2_abi::{
    DWORD, DWORD_PTR, HANDLE, LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    WS2EMU_HOST_TABLE, WSATHREADID,
};

/// The `lpCompleteIo` of the host table `ws2emu_attach_host` received (0: none).
static COMPLETE_IO: AtomicUsize = AtomicUsize::new(0);
/// The `lpSetLastError` of that table (0: none).
static SET_LAST_ERROR: AtomicUsize = AtomicUsize::new(0);
/// The `lpCompleteIoEx` of that table (0: none, or a table from before it was appended).
static COMPLETE_IO_EX: AtomicUsize = AtomicUsize::new(0);

/// Keeps the host's completion service (the table stays valid for the process's life).
/// `WSAEFAULT` for NULL, `WSAEINVAL` for a table too small to hold `lpCompleteIo` and
/// `lpSetLastError`; `lpCompleteIoEx` (appended later) is read only when `cbSize` covers it.
///
/// # Safety
/// `host` is NULL or points to a readable `WS2EMU_HOST_TABLE` prefix of `cbSize` bytes.
pub unsafe fn attach(host: *const WS2EMU_HOST_TABLE) -> i32 {
    if host.is_null() {
        return w::WSAEFAULT;
    }
    // SAFETY: non-NULL and readable (contract); cbSize is its first member.
    let size = unsafe { (*host).cbSize } as usize;
    if size < std::mem::offset_of!(WS2EMU_HOST_TABLE, lpCompleteIoEx) {
        return w::WSAEINVAL;
    }
    // SAFETY: the table holds both members (size checked).
    let (complete, set_last_error) = unsafe { ((*host).lpCompleteIo, (*host).lpSetLastError) };
    let complete_ex = if size >= std::mem::size_of::<WS2EMU_HOST_TABLE>() {
        // SAFETY: the table holds the member (size checked).
        unsafe { (*host).lpCompleteIoEx }
    } else {
        None
    };
    COMPLETE_IO.store(complete.map_or(0, |f| f as usize), Ordering::Release);
    SET_LAST_ERROR.store(set_last_error.map_or(0, |f| f as usize), Ordering::Release);
    COMPLETE_IO_EX.store(complete_ex.map_or(0, |f| f as usize), Ordering::Release);
    0
}

/// Sets the calling thread's Winsock last error through the host (the extension functions
/// AcceptEx, ConnectEx, ... report errors that way, as mswsock's do).
///
/// Without a host table (ws2emu's loader attaches one only to the providers it starts itself; a
/// layered provider that loads this library with LoadLibraryW and calls its WSPStartup, as LSPs
/// do on Windows, attaches none) it uses the process's exported `WSASetLastError`: the one the
/// layered provider's own `WSAGetLastError` resolves to (libws2_32, or an executable linked
/// with -rdynamic). Without either, it does nothing.
pub fn set_last_error(code: i32) {
    let mut f = SET_LAST_ERROR.load(Ordering::Acquire);
    if f == 0 {
        f = global_set_last_error();
    }
    if f != 0 {
        // SAFETY: the value is ws2_32's `void WSASetLastError(int)`, from the host table or
        // the process's export of that name (ws2emu's, `extern "system"`, a plain C call on x64).
        unsafe { std::mem::transmute::<usize, unsafe extern "system" fn(i32)>(f)(code) };
    }
}

/// The process's `WSASetLastError` (0: not exported), looked up once.
fn global_set_last_error() -> usize {
    static FOUND: OnceLock<usize> = OnceLock::new();
    *FOUND.get_or_init(|| crate::sys::global_symbol(c"WSASetLastError").unwrap_or(0))
}

fn complete_io() -> w::LPWS2EMU_COMPLETE_IO {
    let f = COMPLETE_IO.load(Ordering::Acquire);
    if f == 0 {
        return None;
    }
    // SAFETY: the value was stored from a function pointer of exactly this type.
    Some(unsafe {
        std::mem::transmute::<
            usize,
            unsafe extern "system" fn(w::SOCKET, LPWSAOVERLAPPED, DWORD, DWORD) -> i32,
        >(f)
    })
}

fn complete_io_ex() -> w::LPWS2EMU_COMPLETE_IO_EX {
    let f = COMPLETE_IO_EX.load(Ordering::Acquire);
    if f == 0 {
        return None;
    }
    // SAFETY: the value was stored from a function pointer of exactly this type.
    Some(unsafe {
        std::mem::transmute::<
            usize,
            unsafe extern "system" fn(w::SOCKET, LPWSAOVERLAPPED, DWORD, DWORD, DWORD) -> i32,
        >(f)
    })
}

/// WPUPostMessage (FALSE when the window is gone: nothing to do about it, as on Windows).
pub fn post_message(hwnd: usize, msg: u32, wparam: usize, lparam: isize) -> bool {
    let Some(post) = provider::upcalls().and_then(|u| u.lpWPUPostMessage) else {
        return false;
    };
    // SAFETY: ws2_32's upcall with plain values.
    unsafe { post(hwnd as w::HWND, msg, wparam, lparam) != w::FALSE }
}

/// WPUSetEvent (an event that is no longer valid is ignored, as Windows ignores it).
pub fn set_event(event: usize) {
    if event == 0 {
        return;
    }
    if let Some(set) = provider::upcalls().and_then(|u| u.lpWPUSetEvent) {
        let mut errno = 0;
        // SAFETY: ws2_32's upcall; `errno` is a local.
        unsafe { set(event as HANDLE, &mut errno) };
    }
}

/// WPUResetEvent; the WSA error for an invalid event.
pub fn reset_event(event: usize) -> Result<(), i32> {
    if event == 0 {
        return Ok(());
    }
    let reset = provider::upcalls()
        .and_then(|u| u.lpWPUResetEvent)
        .ok_or(w::WSANOTINITIALISED)?;
    let mut errno = 0;
    // SAFETY: ws2_32's upcall; `errno` is a local.
    if unsafe { reset(event as HANDLE, &mut errno) } == w::FALSE {
        return Err(errno);
    }
    Ok(())
}

/// Who is told when a request completes: the completion routine and the copied thread
/// identity (`WSATHREADID` as two words, so that requests can cross threads), or nobody (the
/// event and the completion port, through the host). `issuer` is the thread that issued the
/// request (CancelIo cancels only the calling thread's requests).
#[derive(Clone, Copy, Debug)]
pub struct Notify {
    pub routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    pub thread: (usize, usize),
    pub issuer: std::thread::ThreadId,
}

/// One finished overlapped request.
#[derive(Debug)]
pub struct Completion {
    /// The socket the request was issued on (its completion port gets the packet).
    pub handle: usize,
    pub overlapped: usize,
    pub notify: Notify,
    pub error: i32,
    pub bytes: u32,
    pub flags: u32,
}

/// The NTSTATUS the I/O manager leaves in `Internal` (as ws2_32's host service maps it).
fn status(error: i32) -> u32 {
    match error {
        0 => 0,
        w::WSAECONNRESET => w::STATUS_CONNECTION_RESET,
        w::WSAECONNABORTED => w::STATUS_CONNECTION_ABORTED,
        w::WSA_OPERATION_ABORTED => w::STATUS_CANCELLED,
        _ => w::STATUS_UNSUCCESSFUL,
    }
}

/// Wakes WSPGetOverlappedResult(fWait TRUE) callers after completions.
static DONE: (Mutex<u64>, Condvar) = (Mutex::new(0), Condvar::new());

/// Waits until `done()` holds, re-checking after every completion the provider delivers.
pub fn wait_until(done: impl Fn() -> bool) {
    let (lock, cv) = &DONE;
    let mut guard = lock.lock().unwrap_or_else(|p| p.into_inner());
    while !done() {
        // A bounded wait re-checks even if a completion came from elsewhere.
        guard = cv
            .wait_timeout(guard, std::time::Duration::from_millis(200))
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
}

/// A completion routine as the trampoline calls it: allowed to unwind (ExitThread in the
/// routine unwinds through the trampoline to ws2_32's alertable wait).
type CompletionRoutine = unsafe extern "system-unwind" fn(DWORD, DWORD, LPWSAOVERLAPPED, DWORD);

struct Apc {
    routine: CompletionRoutine,
    error: i32,
    bytes: u32,
    overlapped: usize,
    flags: u32,
}

/// The LPWSAUSERAPC queued for completion routines: unpacks its context and calls the
/// application's routine, on the requesting thread during its alertable wait.
unsafe extern "system-unwind" fn trampoline(context: DWORD_PTR) {
    // SAFETY: `context` is the Box::into_raw of `deliver`, queued once and run once.
    let apc = unsafe { Box::from_raw(context as *mut Apc) };
    // SAFETY: the application's completion routine with the request's own overlapped.
    unsafe {
        (apc.routine)(
            apc.error as DWORD,
            apc.bytes,
            apc.overlapped as LPWSAOVERLAPPED,
            apc.flags,
        )
    };
}

/// Writes a request's result and announces it by the mechanism the application chose. Called
/// without socket locks (a completion may be observed and a new request issued at once).
pub fn deliver(c: Completion) {
    deliver_as(c, false)
}

/// [`deliver`] for a request that completed within the call that issued it (the call returns
/// success): the host then skips the completion-port packet when the socket asked for
/// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS.
pub fn deliver_synchronous(c: Completion) {
    deliver_as(c, true)
}

fn deliver_as(c: Completion, synchronous: bool) {
    let ov = c.overlapped as LPWSAOVERLAPPED;
    // SAFETY: the overlapped belongs to a request that is still pending (the application must
    // keep it valid until completion); the fields are written before completion is announced.
    unsafe {
        std::ptr::addr_of_mut!((*ov).Offset).write_volatile(c.flags);
        std::ptr::addr_of_mut!((*ov).OffsetHigh).write_volatile(c.error as u32);
    }
    if let Some(routine) = c.notify.routine {
        // SAFETY: as above; Internal/InternalHigh are read concurrently by pollers, hence the
        // atomics (InternalHigh first, Internal released last).
        unsafe {
            let high = AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).InternalHigh));
            let internal = AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).Internal));
            high.store(c.bytes as usize, Ordering::Relaxed);
            internal.store(status(c.error) as usize, Ordering::Release);
        }
        let apc = Box::into_raw(Box::new(Apc {
            // SAFETY: the same function; only Rust's view of whether it may unwind changes.
            routine: unsafe {
                std::mem::transmute::<
                    unsafe extern "system" fn(DWORD, DWORD, LPWSAOVERLAPPED, DWORD),
                    CompletionRoutine,
                >(routine)
            },
            error: c.error,
            bytes: c.bytes,
            overlapped: c.overlapped,
            flags: c.flags,
        }));
        let mut thread = WSATHREADID {
            ThreadHandle: c.notify.thread.0 as HANDLE,
            Reserved: c.notify.thread.1,
        };
        let queued = provider::upcalls()
            .and_then(|u| u.lpWPUQueueApc)
            .map(|queue| {
                let mut errno = 0;
                // SAFETY: the trampoline has the LPWSAUSERAPC signature; ws2_32 calls it through a
                // "system-unwind" pointer, so its unwind (ExitThread) is allowed.
                let routine = unsafe {
                    std::mem::transmute::<
                        unsafe extern "system-unwind" fn(DWORD_PTR),
                        unsafe extern "system" fn(DWORD_PTR),
                    >(trampoline)
                };
                // SAFETY: ws2_32's upcall with a local copy of the thread identity.
                unsafe { queue(&mut thread, Some(routine), apc as DWORD_PTR, &mut errno) }
            });
        if queued != Some(0) {
            // The thread is gone (its routines never run, as on Windows): free the context.
            // SAFETY: not queued, so still ours.
            drop(unsafe { Box::from_raw(apc) });
        }
    } else if let Some(complete) = complete_io_ex() {
        let flags = if synchronous {
            w::WS2EMU_COMPLETE_SYNCHRONOUS
        } else {
            0
        };
        // SAFETY: the host's service with a registered socket and a pending overlapped.
        unsafe { complete(c.handle as w::SOCKET, ov, c.error as DWORD, c.bytes, flags) };
    } else if let Some(complete) = complete_io() {
        // SAFETY: the host's service with a registered socket and a pending overlapped.
        unsafe { complete(c.handle as w::SOCKET, ov, c.error as DWORD, c.bytes) };
    } else {
        // SAFETY: as for the routine case.
        let event = unsafe {
            let high = AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).InternalHigh));
            let internal = AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).Internal));
            high.store(c.bytes as usize, Ordering::Relaxed);
            internal.store(status(c.error) as usize, Ordering::Release);
            std::ptr::addr_of!((*ov).hEvent).read_volatile() as usize
        };
        set_event(event & !1);
    }
    let (lock, cv) = &DONE;
    *lock.lock().unwrap_or_else(|p| p.into_inner()) += 1;
    cv.notify_all();
}

/// Starts a request on `ov`: `Internal` = STATUS_PENDING (0x103), `InternalHigh` = 0, and (no
/// completion routine) its event reset (bit 0 masked), as the I/O manager does.
///
/// # Safety
/// `ov` is a valid, writable WSAOVERLAPPED.
pub unsafe fn begin(ov: LPWSAOVERLAPPED, routine: bool) -> Result<(), i32> {
    // SAFETY: valid and writable (contract).
    let event = unsafe {
        AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).InternalHigh))
            .store(0, Ordering::Relaxed);
        AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).Internal))
            .store(w::WSS_OPERATION_IN_PROGRESS, Ordering::Release);
        std::ptr::addr_of!((*ov).hEvent).read() as usize
    };
    if !routine {
        reset_event(event & !1)?;
    }
    Ok(())
}

/// `ov->Internal` (acquire: a reader that sees the final value sees the byte count).
///
/// # Safety
/// `ov` is a valid WSAOVERLAPPED.
pub unsafe fn internal(ov: LPWSAOVERLAPPED) -> usize {
    // SAFETY: valid (contract); concurrently written by completions, hence the atomic.
    unsafe { AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).Internal)).load(Ordering::Acquire) }
}
