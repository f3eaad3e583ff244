//! kernel32 exports on the shared object model: events, semaphores, handles, waits, sleeps,
//! APCs and I/O completion ports.
//!
//! Conventions (CONVENTIONS.md): failure values as Windows documents them with the reason in the
//! thread's last error; out-parameters written only on success (GetQueuedCompletionStatus writes
//! what Windows writes on a failed dequeue); NULL pointers never dereferenced. Where Windows
//! would fault on a NULL out-pointer, ws2emu fails with ERROR_INVALID_PARAMETER (a documented
//! divergence).

use crate::boundary::{fail_api, ffi_boundary};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;
use ws2_abi::{
    BOOL, DWORD, ERROR_IO_INCOMPLETE, FALSE, HANDLE, HANDLE_FLAG_INHERIT,
    HANDLE_FLAG_PROTECT_FROM_CLOSE, INFINITE, LONG, LPCSTR, LPCWSTR, LPOVERLAPPED,
    LPOVERLAPPED_ENTRY, LPSECURITY_ATTRIBUTES, OVERLAPPED_ENTRY, PAPCFUNC, PULONG_PTR,
    STATUS_PENDING, TRUE, ULONG, ULONG_PTR, WAIT_FAILED, WAIT_IO_COMPLETION, WAIT_OBJECT_0,
    WAIT_TIMEOUT,
};
use ws2_core::port::{Dequeued, Packet};
use ws2_core::runtime::{runtime, Waitable, CURRENT_THREAD_PSEUDO_HANDLE};
use ws2_core::signal::SignalKind;
use ws2_core::upcalls;
use ws2_core::wait::{self, Wait, WaitOutcome};
use ws2_core::WinError;

/// A Windows millisecond timeout: INFINITE waits forever.
pub(crate) fn timeout(ms: DWORD) -> Option<Duration> {
    (ms != INFINITE).then(|| Duration::from_millis(ms.into()))
}

/// Resolves handles to waitable objects; ERROR_INVALID_HANDLE for any other value.
pub(crate) fn waitables(handles: &[usize]) -> ws2_core::Result<Vec<Waitable>> {
    handles
        .iter()
        .map(|&h| runtime().waitable(h).ok_or(WinError::INVALID_HANDLE))
        .collect()
}

/// Reads `count` handles from a caller's array. ERROR_INVALID_PARAMETER for a NULL array.
///
/// # Safety
/// `handles` is NULL or valid for reading `count` handles.
pub(crate) unsafe fn handle_array(
    handles: *const HANDLE,
    count: DWORD,
) -> ws2_core::Result<Vec<usize>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if handles.is_null() {
        return Err(WinError::INVALID_PARAMETER);
    }
    // SAFETY: non-null and readable for `count` entries (contract).
    Ok(
        unsafe { std::slice::from_raw_parts(handles, count as usize) }
            .iter()
            .map(|&h| h as usize)
            .collect(),
    )
}

/// Waits on handles and translates the outcome into the DWORD Windows returns.
pub(crate) fn wait_for(handles: &[usize], wait_all: bool, ms: DWORD, alertable: bool) -> DWORD {
    // Mutexes (sync.rs): a wait that acquired an abandoned mutex returns WAIT_ABANDONED_0 + i.
    let _ = ws2_core::mutex::take_abandoned();
    let code = wait_objects(handles, wait_all, ms, alertable);
    if ws2_core::mutex::take_abandoned() && code < WAIT_OBJECT_0 + handles.len() as DWORD {
        return code - WAIT_OBJECT_0 + ws2_abi::WAIT_ABANDONED_0;
    }
    code
}

fn wait_objects(handles: &[usize], wait_all: bool, ms: DWORD, alertable: bool) -> DWORD {
    let outcome = waitables(handles).and_then(|objects| {
        let signals: Vec<_> = objects.iter().map(Waitable::signal).collect();
        wait::wait(&Wait {
            objects: &signals,
            wait_all,
            timeout: timeout(ms),
            alertable,
            extra: None,
        })
    });
    wait_code(outcome, handles.len())
}

/// The DWORD a wait returns for `outcome` (`extra_index` is what WaitOutcome::Extra means).
pub(crate) fn wait_code(outcome: ws2_core::Result<WaitOutcome>, extra_index: usize) -> DWORD {
    match outcome {
        Ok(WaitOutcome::Object(i)) => WAIT_OBJECT_0 + i as DWORD,
        Ok(WaitOutcome::Extra) => WAIT_OBJECT_0 + extra_index as DWORD,
        Ok(WaitOutcome::IoCompletion) => WAIT_IO_COMPLETION,
        Ok(WaitOutcome::Timeout) => WAIT_TIMEOUT,
        Err(e) => fail_api(e, WAIT_FAILED),
    }
}

fn bool_result(result: ws2_core::Result<()>) -> BOOL {
    result.map_or_else(|e| fail_api(e, FALSE), |()| TRUE)
}

fn handle_result(result: ws2_core::Result<usize>) -> HANDLE {
    result.map_or_else(|e| fail_api(e, std::ptr::null_mut()), |h| h as HANDLE)
}

fn create_event(manual: BOOL, initial: BOOL, named: bool) -> HANDLE {
    if named {
        // Named objects are shared between processes on Windows; ws2emu has none.
        return fail_api(WinError(ws2_abi::ERROR_NOT_SUPPORTED), std::ptr::null_mut());
    }
    let kind = if manual != FALSE {
        SignalKind::ManualReset
    } else {
        SignalKind::AutoReset
    };
    handle_result(upcalls::create_signal(kind, u32::from(initial != FALSE)))
}

/// CreateEventW. Named events are not supported (NULL, ERROR_NOT_SUPPORTED).
#[no_mangle]
pub extern "system" fn CreateEventW(
    _attributes: LPSECURITY_ATTRIBUTES,
    manual: BOOL,
    initial: BOOL,
    name: LPCWSTR,
) -> HANDLE {
    ffi_boundary("CreateEventW", std::ptr::null_mut(), || {
        create_event(manual, initial, !name.is_null())
    })
}

/// CreateEventA. Named events are not supported (NULL, ERROR_NOT_SUPPORTED).
#[no_mangle]
pub extern "system" fn CreateEventA(
    _attributes: LPSECURITY_ATTRIBUTES,
    manual: BOOL,
    initial: BOOL,
    name: LPCSTR,
) -> HANDLE {
    ffi_boundary("CreateEventA", std::ptr::null_mut(), || {
        create_event(manual, initial, !name.is_null())
    })
}

#[no_mangle]
pub extern "system" fn SetEvent(event: HANDLE) -> BOOL {
    ffi_boundary("SetEvent", FALSE, || {
        bool_result(upcalls::set_event(event as usize))
    })
}

#[no_mangle]
pub extern "system" fn ResetEvent(event: HANDLE) -> BOOL {
    ffi_boundary("ResetEvent", FALSE, || {
        bool_result(upcalls::reset_event(event as usize))
    })
}

/// CloseHandle: events, semaphores, threads, completion ports and sockets. A handle protected
/// with HANDLE_FLAG_PROTECT_FROM_CLOSE stays open: FALSE with ERROR_INVALID_HANDLE (NtClose's
/// STATUS_HANDLE_NOT_CLOSABLE as Win32 reports it; Windows raises an exception first when a
/// debugger is attached).
#[no_mangle]
pub extern "system" fn CloseHandle(handle: HANDLE) -> BOOL {
    ffi_boundary("CloseHandle", FALSE, || {
        bool_result(close_kernel_handle(handle as usize))
    })
}

/// What CloseHandle (and WSACloseEvent, which is CloseHandle on Windows) does: refuses a
/// protected handle, closes, forgets the handle's flags.
pub(crate) fn close_kernel_handle(handle: usize) -> ws2_core::Result<()> {
    if handle_flags(handle) & HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 {
        return Err(WinError::INVALID_HANDLE);
    }
    upcalls::close_handle(handle)?;
    forget_handle_flags(handle);
    Ok(())
}

/// The flags SetHandleInformation stored, by handle value (absent: 0). Entries are removed when
/// the handle is closed (CloseHandle, closesocket), so a later handle with the same value starts
/// with no flags.
static HANDLE_FLAGS: Mutex<BTreeMap<usize, DWORD>> = Mutex::new(BTreeMap::new());

fn flags_table() -> std::sync::MutexGuard<'static, BTreeMap<usize, DWORD>> {
    HANDLE_FLAGS.lock().unwrap_or_else(|p| p.into_inner())
}

/// The HANDLE_FLAG_* bits of `handle` (0 when none were set).
pub(crate) fn handle_flags(handle: usize) -> DWORD {
    flags_table().get(&handle).copied().unwrap_or(0)
}

/// Forgets the flags of a closed handle.
pub(crate) fn forget_handle_flags(handle: usize) {
    flags_table().remove(&handle);
}

/// Whether `handle` is a live kernel-object handle of the runtime: an event, semaphore, mutex,
/// thread, completion port or socket (minted or IFS-registered). Windows (HWND) are not
/// kernel handles.
fn is_kernel_handle(handle: usize) -> bool {
    use ws2_core::handle::Kind;
    let kinds = [
        Kind::Event,
        Kind::Semaphore,
        Kind::Mutex,
        Kind::Thread,
        Kind::Port,
        Kind::Socket,
    ];
    runtime().handles.get(handle, &kinds).is_some() || runtime().socket(handle).is_some()
}

const HANDLE_FLAGS_KNOWN: DWORD = HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE;

/// SetHandleInformation: sets the `mask` bits of the handle's flags to those of `flags`
/// (HANDLE_FLAG_INHERIT, HANDLE_FLAG_PROTECT_FROM_CLOSE). Not a live handle:
/// ERROR_INVALID_HANDLE; other bits in `mask`: ERROR_INVALID_PARAMETER. HANDLE_FLAG_INHERIT is
/// stored and reported only: ws2emu never creates child processes.
#[no_mangle]
pub extern "system" fn SetHandleInformation(handle: HANDLE, mask: DWORD, flags: DWORD) -> BOOL {
    ffi_boundary("SetHandleInformation", FALSE, || {
        let handle = handle as usize;
        if !is_kernel_handle(handle) {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        }
        if mask & !HANDLE_FLAGS_KNOWN != 0 {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        let mut table = flags_table();
        let old = table.get(&handle).copied().unwrap_or(0);
        let new = (old & !mask) | (flags & mask);
        if new == 0 {
            table.remove(&handle);
        } else {
            table.insert(handle, new);
        }
        TRUE
    })
}

/// GetHandleInformation: the handle's HANDLE_FLAG_* bits. Not a live handle:
/// ERROR_INVALID_HANDLE; NULL `flags`: ERROR_INVALID_PARAMETER (Windows faults).
///
/// # Safety
/// `flags` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn GetHandleInformation(handle: HANDLE, flags: *mut DWORD) -> BOOL {
    ffi_boundary("GetHandleInformation", FALSE, || {
        if !is_kernel_handle(handle as usize) {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        }
        if flags.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        // SAFETY: non-null and writable (contract).
        unsafe { flags.write(handle_flags(handle as usize)) };
        TRUE
    })
}

/// `OVERLAPPED.Internal`, read atomically (a provider or the host completes it concurrently).
///
/// # Safety
/// `ov` is a valid OVERLAPPED.
unsafe fn overlapped_status(ov: LPOVERLAPPED) -> usize {
    // SAFETY: valid and 8-byte aligned (contract); completions store it with release order.
    unsafe {
        std::sync::atomic::AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).Internal))
            .load(std::sync::atomic::Ordering::Acquire)
    }
}

/// The Win32 error for a completed request's NTSTATUS (RtlNtStatusToDosError for the statuses
/// the runtime and its providers store, spec §6.4); None for success (NT_SUCCESS).
fn status_error(status: usize) -> Option<WinError> {
    let status = status as u32;
    ((status as i32) < 0).then(|| packet_error(status))
}

/// GetOverlappedResult: the outcome of an overlapped request on any handle (sockets included,
/// as on Windows, by `Internal`/`InternalHigh`). While `Internal` is STATUS_PENDING (0x103):
/// `wait` FALSE fails with ERROR_IO_INCOMPLETE; `wait` TRUE waits on `hEvent` (bit 0 masked)
/// or, with no event, on the handle itself when it is waitable (event, thread, ...). A socket
/// handle is not a waitable object here, so for a socket without `hEvent` the call sleeps until
/// `Internal` changes, re-checking every few milliseconds (Windows waits on the file object).
/// Then `*transferred` = `InternalHigh` (also on failure, as Windows writes it) and the result
/// is TRUE, or FALSE with the Win32 error of the NTSTATUS (STATUS_CANCELLED →
/// ERROR_OPERATION_ABORTED, STATUS_CONNECTION_RESET → ERROR_NETNAME_DELETED, ...). NULL
/// `overlapped` or `transferred`: ERROR_INVALID_PARAMETER (Windows faults).
///
/// # Safety
/// `overlapped` is NULL or a valid OVERLAPPED of a request started on `handle`; `transferred`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn GetOverlappedResult(
    handle: HANDLE,
    overlapped: LPOVERLAPPED,
    transferred: *mut DWORD,
    wait: BOOL,
) -> BOOL {
    ffi_boundary("GetOverlappedResult", FALSE, || {
        if overlapped.is_null() || transferred.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        // SAFETY (all overlapped accesses): valid for the call (contract).
        if unsafe { overlapped_status(overlapped) } == STATUS_PENDING as usize {
            if wait == FALSE {
                return fail_api(WinError(ERROR_IO_INCOMPLETE), FALSE);
            }
            let event = unsafe { (*overlapped).hEvent } as usize & !1;
            let target = if event != 0 {
                Some(event)
            } else {
                (runtime().waitable(handle as usize).is_some()).then_some(handle as usize)
            };
            let pending = || unsafe { overlapped_status(overlapped) } == STATUS_PENDING as usize;
            match target {
                Some(h) => {
                    while pending() {
                        let code = wait_for(&[h], false, INFINITE, false);
                        if code == WAIT_FAILED {
                            return FALSE;
                        }
                        if pending() {
                            // Signalled for something else (a shared or stale event): do not
                            // spin on it while the request is still pending.
                            std::thread::sleep(Duration::from_millis(1));
                        }
                    }
                }
                None => {
                    let mut pause = 1;
                    while pending() {
                        std::thread::sleep(Duration::from_millis(pause));
                        pause = (pause * 2).min(10);
                    }
                }
            }
        }
        let status = unsafe { overlapped_status(overlapped) };
        // SAFETY: non-null and writable (contract).
        unsafe { transferred.write((*overlapped).InternalHigh as DWORD) };
        match status_error(status) {
            None => TRUE,
            Some(e) => fail_api(e, FALSE),
        }
    })
}

fn create_semaphore(initial: LONG, maximum: LONG, named: bool) -> HANDLE {
    if named {
        return fail_api(WinError(ws2_abi::ERROR_NOT_SUPPORTED), std::ptr::null_mut());
    }
    if maximum <= 0 || initial < 0 || initial > maximum {
        return fail_api(WinError::INVALID_PARAMETER, std::ptr::null_mut());
    }
    handle_result(upcalls::create_signal(
        SignalKind::Semaphore {
            maximum: maximum as u32,
        },
        initial as u32,
    ))
}

/// CreateSemaphoreW. Named semaphores are not supported (NULL, ERROR_NOT_SUPPORTED).
#[no_mangle]
pub extern "system" fn CreateSemaphoreW(
    _attributes: LPSECURITY_ATTRIBUTES,
    initial: LONG,
    maximum: LONG,
    name: LPCWSTR,
) -> HANDLE {
    ffi_boundary("CreateSemaphoreW", std::ptr::null_mut(), || {
        create_semaphore(initial, maximum, !name.is_null())
    })
}

/// CreateSemaphoreA. Named semaphores are not supported (NULL, ERROR_NOT_SUPPORTED).
#[no_mangle]
pub extern "system" fn CreateSemaphoreA(
    _attributes: LPSECURITY_ATTRIBUTES,
    initial: LONG,
    maximum: LONG,
    name: LPCSTR,
) -> HANDLE {
    ffi_boundary("CreateSemaphoreA", std::ptr::null_mut(), || {
        create_semaphore(initial, maximum, !name.is_null())
    })
}

/// ReleaseSemaphore: ERROR_TOO_MANY_POSTS beyond the maximum (nothing changes).
///
/// # Safety
/// `previous` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn ReleaseSemaphore(
    semaphore: HANDLE,
    release: LONG,
    previous: *mut LONG,
) -> BOOL {
    ffi_boundary("ReleaseSemaphore", FALSE, || {
        let Some(signal) =
            runtime().signal(semaphore as usize, &[ws2_core::handle::Kind::Semaphore])
        else {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        };
        if release <= 0 {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        match signal.release(release as u32) {
            Ok(before) => {
                if !previous.is_null() {
                    // SAFETY: non-null and writable (contract).
                    unsafe { previous.write(before as LONG) };
                }
                TRUE
            }
            Err(e) => fail_api(e, FALSE),
        }
    })
}

#[no_mangle]
pub extern "system" fn WaitForSingleObject(handle: HANDLE, ms: DWORD) -> DWORD {
    ffi_boundary("WaitForSingleObject", WAIT_FAILED, || {
        wait_for(&[handle as usize], false, ms, false)
    })
}

#[no_mangle]
pub extern "system-unwind" fn WaitForSingleObjectEx(
    handle: HANDLE,
    ms: DWORD,
    alertable: BOOL,
) -> DWORD {
    ffi_boundary("WaitForSingleObjectEx", WAIT_FAILED, || {
        wait_for(&[handle as usize], false, ms, alertable != FALSE)
    })
}

/// WaitForMultipleObjects.
///
/// # Safety
/// `handles` is NULL or valid for reading `count` handles.
#[no_mangle]
pub unsafe extern "system" fn WaitForMultipleObjects(
    count: DWORD,
    handles: *const HANDLE,
    wait_all: BOOL,
    ms: DWORD,
) -> DWORD {
    // SAFETY: forwarded caller contract.
    unsafe { WaitForMultipleObjectsEx(count, handles, wait_all, ms, FALSE) }
}

/// WaitForMultipleObjectsEx: 1..=64 handles (ERROR_INVALID_PARAMETER otherwise).
///
/// # Safety
/// `handles` is NULL or valid for reading `count` handles.
#[no_mangle]
pub unsafe extern "system-unwind" fn WaitForMultipleObjectsEx(
    count: DWORD,
    handles: *const HANDLE,
    wait_all: BOOL,
    ms: DWORD,
    alertable: BOOL,
) -> DWORD {
    ffi_boundary("WaitForMultipleObjectsEx", WAIT_FAILED, || {
        if count == 0 || count as usize > wait::MAX_OBJECTS {
            return fail_api(WinError::INVALID_PARAMETER, WAIT_FAILED);
        }
        // SAFETY: forwarded caller contract.
        match unsafe { handle_array(handles, count) } {
            Ok(list) => wait_for(&list, wait_all != FALSE, ms, alertable != FALSE),
            Err(e) => fail_api(e, WAIT_FAILED),
        }
    })
}

#[no_mangle]
pub extern "system" fn Sleep(ms: DWORD) {
    ffi_boundary("Sleep", (), || {
        let _ = wait::sleep(timeout(ms), false);
    })
}

/// SleepEx: 0 when the time passed, WAIT_IO_COMPLETION when an alertable sleep ran APCs.
#[no_mangle]
pub extern "system-unwind" fn SleepEx(ms: DWORD, alertable: BOOL) -> DWORD {
    ffi_boundary("SleepEx", 0, || {
        match wait::sleep(timeout(ms), alertable != FALSE) {
            Ok(WaitOutcome::IoCompletion) => WAIT_IO_COMPLETION,
            _ => 0,
        }
    })
}

/// A PAPCFUNC as ws2emu calls it: allowed to unwind (ExitThread in the APC).
type ApcRoutine = unsafe extern "system-unwind" fn(ULONG_PTR);

/// QueueUserAPC: non-zero on success; 0 with ERROR_INVALID_HANDLE for a bad thread handle or
/// ERROR_GEN_FAILURE for an exited thread.
#[no_mangle]
pub extern "system" fn QueueUserAPC(routine: PAPCFUNC, thread: HANDLE, data: ULONG_PTR) -> DWORD {
    ffi_boundary("QueueUserAPC", 0, || {
        let Some(routine) = routine else {
            return fail_api(WinError::INVALID_PARAMETER, 0);
        };
        // SAFETY: the same function; only Rust's view of whether it may unwind changes (it may,
        // through ExitThread).
        let routine = unsafe {
            std::mem::transmute::<unsafe extern "system" fn(ULONG_PTR), ApcRoutine>(routine)
        };
        // SAFETY (when the APC runs): the caller supplied the routine for this data.
        let apc = Box::new(move || unsafe { routine(data) });
        match upcalls::queue_user_apc(thread as usize, apc) {
            Ok(()) => 1,
            Err(e) => fail_api(e, 0),
        }
    })
}

/// GetCurrentThread: the pseudo handle `(HANDLE)-2`.
#[no_mangle]
pub extern "system" fn GetCurrentThread() -> HANDLE {
    CURRENT_THREAD_PSEUDO_HANDLE as HANDLE
}

#[no_mangle]
pub extern "system" fn GetCurrentThreadId() -> DWORD {
    ws2_os::current_thread_id()
}

/// CreateIoCompletionPort: a new port, or an association of a socket with a port.
#[no_mangle]
pub extern "system" fn CreateIoCompletionPort(
    file: HANDLE,
    existing: HANDLE,
    key: ULONG_PTR,
    _threads: DWORD,
) -> HANDLE {
    ffi_boundary("CreateIoCompletionPort", std::ptr::null_mut(), || {
        handle_result(upcalls::create_io_completion_port(
            file as usize,
            existing as usize,
            key,
        ))
    })
}

/// The Win32 error GetQueuedCompletionStatus reports for a packet's NTSTATUS (spec §6.4).
pub fn packet_error(status: u32) -> WinError {
    WinError(match status {
        ws2_abi::STATUS_CONNECTION_RESET => ws2_abi::ERROR_NETNAME_DELETED,
        ws2_abi::STATUS_CONNECTION_ABORTED => ws2_abi::ERROR_CONNECTION_ABORTED,
        ws2_abi::STATUS_CANCELLED => ws2_abi::ERROR_OPERATION_ABORTED,
        _ => ws2_abi::ERROR_GEN_FAILURE,
    })
}

/// GetQueuedCompletionStatus: TRUE with the packet; FALSE with `*overlapped` non-NULL when the
/// dequeued request failed (last error from its status); FALSE with `*overlapped` NULL on
/// timeout (WAIT_TIMEOUT) or error.
///
/// # Safety
/// The out-pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn GetQueuedCompletionStatus(
    port: HANDLE,
    bytes: *mut DWORD,
    key: PULONG_PTR,
    overlapped: *mut LPOVERLAPPED,
    ms: DWORD,
) -> BOOL {
    ffi_boundary("GetQueuedCompletionStatus", FALSE, || {
        if bytes.is_null() || key.is_null() || overlapped.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        // SAFETY: the three out-pointers are non-null and writable (contract).
        unsafe { overlapped.write(std::ptr::null_mut()) };
        let Some(port) = runtime().port(port as usize) else {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        };
        match port.dequeue(1, timeout(ms), false) {
            Ok(Dequeued::Packets(packets)) => {
                let Packet {
                    bytes: n,
                    key: k,
                    overlapped: ov,
                    status,
                } = packets[0];
                // SAFETY: as above.
                unsafe {
                    bytes.write(n);
                    key.write(k);
                    overlapped.write(ov as LPOVERLAPPED);
                }
                if status == 0 {
                    TRUE
                } else {
                    fail_api(packet_error(status), FALSE)
                }
            }
            Ok(Dequeued::Timeout) => fail_api(WinError(WAIT_TIMEOUT), FALSE),
            Ok(Dequeued::IoCompletion) => fail_api(WinError(WAIT_IO_COMPLETION), FALSE),
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// GetQueuedCompletionStatusEx: up to `count` packets into `entries`. FALSE with WAIT_TIMEOUT
/// on timeout and WAIT_IO_COMPLETION when an alertable dequeue ran APCs.
///
/// # Safety
/// `entries` is NULL or writable for `count` entries; `removed` is NULL or writable.
#[no_mangle]
pub unsafe extern "system-unwind" fn GetQueuedCompletionStatusEx(
    port: HANDLE,
    entries: LPOVERLAPPED_ENTRY,
    count: ULONG,
    removed: *mut ULONG,
    ms: DWORD,
    alertable: BOOL,
) -> BOOL {
    ffi_boundary("GetQueuedCompletionStatusEx", FALSE, || {
        if entries.is_null() || removed.is_null() || count == 0 {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        let Some(port) = runtime().port(port as usize) else {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        };
        match port.dequeue(count as usize, timeout(ms), alertable != FALSE) {
            Ok(Dequeued::Packets(packets)) => {
                for (i, p) in packets.iter().enumerate() {
                    let entry = OVERLAPPED_ENTRY {
                        lpCompletionKey: p.key,
                        lpOverlapped: p.overlapped as LPOVERLAPPED,
                        Internal: p.status as usize,
                        dwNumberOfBytesTransferred: p.bytes,
                    };
                    // SAFETY: i < packets.len() <= count entries are writable (contract).
                    unsafe { entries.add(i).write(entry) };
                }
                // SAFETY: non-null and writable (contract).
                unsafe { removed.write(packets.len() as ULONG) };
                TRUE
            }
            Ok(Dequeued::Timeout) => fail_api(WinError(WAIT_TIMEOUT), FALSE),
            Ok(Dequeued::IoCompletion) => fail_api(WinError(WAIT_IO_COMPLETION), FALSE),
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// PostQueuedCompletionStatus: appends a successful packet.
#[no_mangle]
pub extern "system" fn PostQueuedCompletionStatus(
    port: HANDLE,
    bytes: DWORD,
    key: ULONG_PTR,
    overlapped: LPOVERLAPPED,
) -> BOOL {
    ffi_boundary("PostQueuedCompletionStatus", FALSE, || {
        let Some(port) = runtime().port(port as usize) else {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        };
        port.post(Packet {
            bytes,
            key,
            overlapped: overlapped as usize,
            status: 0,
        });
        TRUE
    })
}
