//! Threads, handle duplication, process identity and thread-local storage.
//!
//! - **CreateThread** creates the new thread's object before its start routine can run, so
//!   QueueUserAPC works on the returned handle at once; the new thread runs the APCs queued
//!   before it started first thing, then the start routine (spec §8). CREATE_SUSPENDED holds it
//!   until ResumeThread. The handle is signalled when the thread has exited; GetExitCodeThread
//!   reports STILL_ACTIVE until then, afterwards what the routine returned or ExitThread passed.
//!   Mutexes the thread still owns are abandoned when its routine ends.
//! - **ExitThread** on a CreateThread thread unwinds the C frames back to ws2emu's thread entry
//!   (a Rust unwind with a private payload; C frames have unwind tables on x86-64 by default).
//!   It works inside a callback that ws2emu runs from an export (an APC or completion routine in
//!   an alertable wait, a window procedure run by DispatchMessage, SendMessage, CreateWindowEx or
//!   DestroyWindow): those exports and their callback calls may unwind, and the panic boundary
//!   re-raises ExitThread's payload. On a thread ws2emu did not create (the main thread, a
//!   pthread), ExitThread ends the thread with `pthread_exit`; inside a callback it first unwinds
//!   to the outermost export (catch_unwind would abort on pthread_exit's forced unwind), which
//!   then calls `pthread_exit`. Divergences: C code built with
//!   `-fno-asynchronous-unwind-tables -fno-exceptions` cannot be unwound (the process aborts with
//!   a message); ExitThread inside a callback that a provider calls (a WSAAccept condition
//!   function, a Winsock 1.1 blocking hook) aborts: the provider's own panic boundary (a
//!   separate Rust runtime in ws2-base) cannot let another runtime's unwind through.
//! - **DuplicateHandle** duplicates event, semaphore, mutex, thread and completion-port handles
//!   within the process (source and target process: GetCurrentProcess()); the duplicate refers to
//!   the same object. GetCurrentThread()'s pseudo handle duplicates into a real thread handle.
//!   Divergences: socket handles fail with ERROR_NOT_SUPPORTED (use WSADuplicateSocket), as does
//!   the current-process pseudo handle (ws2emu has no process objects); access masks and
//!   inheritance are ignored (one process, no security).
//! - **TLS**: see `ws2_core::tls` (1088 slots; an unallocated index is ERROR_INVALID_PARAMETER).

use crate::boundary::{fail_api, ffi_boundary};
use std::sync::Arc;
use std::time::Duration;
use ws2_abi::{
    BOOL, DWORD, FALSE, HANDLE, LPDWORD, LPHANDLE, LPSECURITY_ATTRIBUTES, LPTHREAD_START_ROUTINE,
    LPVOID, SIZE_T, TRUE,
};
use ws2_core::handle::Kind;
use ws2_core::runtime::{runtime, Object, CURRENT_THREAD_PSEUDO_HANDLE};
use ws2_core::thread_info::{self, ThreadInfo};
use ws2_core::WinError;

/// GetCurrentProcess's pseudo handle, `(HANDLE)-1`.
pub const CURRENT_PROCESS_PSEUDO_HANDLE: usize = usize::MAX;
const CREATE_SUSPENDED: DWORD = 0x4;
const DUPLICATE_CLOSE_SOURCE: DWORD = 0x1;
const TLS_OUT_OF_INDEXES: DWORD = 0xFFFF_FFFF;

/// The start routine as ws2emu calls it: allowed to unwind (ExitThread).
type StartRoutine = unsafe extern "system-unwind" fn(LPVOID) -> DWORD;

/// The payload ExitThread unwinds with.
struct ExitThreadPayload(DWORD);

/// Whether an unwind's payload is ExitThread's.
pub(crate) fn is_exit_thread(payload: &(dyn std::any::Any + Send)) -> bool {
    payload.is::<ExitThreadPayload>()
}

/// Continues ExitThread's unwind that an export's boundary caught: on to the CreateThread entry,
/// or to the outermost export on another thread, which ends the thread with `pthread_exit`.
pub(crate) fn continue_exit(payload: Box<dyn std::any::Any + Send>) -> ! {
    if created() || crate::boundary::inside_export() {
        std::panic::resume_unwind(payload);
    }
    let code = payload
        .downcast::<ExitThreadPayload>()
        .map_or(0, |exit| exit.0);
    exit_foreign_thread(code)
}

/// Whether CreateThread made the calling thread.
fn created() -> bool {
    CREATED.try_with(|c| c.get()).unwrap_or(false)
}

/// Ends a thread ws2emu did not create: records the exit code, then `pthread_exit`. Called with
/// no catch_unwind of ws2emu's on the stack (the forced unwind would abort there).
fn exit_foreign_thread(code: DWORD) -> ! {
    extern "C-unwind" {
        fn pthread_exit(value: *mut std::ffi::c_void) -> !;
    }
    if let Ok(me) = ws2_core::thread::current() {
        if let Some(info) = thread_info::info(&me) {
            info.set_exit_code(code);
        }
    }
    // SAFETY: ends the calling thread; the frames above are C frames and ws2emu frames that may
    // unwind (`"system-unwind"` exports, Rust frames without catch_unwind).
    unsafe { pthread_exit(std::ptr::null_mut()) }
}

thread_local! {
    /// Set on threads CreateThread made: their entry catches ExitThread's unwind.
    static CREATED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The body of a CreateThread thread, after its object exists.
fn run_thread(info: &ThreadInfo, start: StartRoutine, parameter: usize) {
    info.wait_until_resumed();
    // APCs queued before the thread started run first (an alertable zero wait runs them all).
    let _ = ws2_core::wait::sleep(Some(Duration::ZERO), true);
    CREATED.with(|c| c.set(true));
    // SAFETY: the caller of CreateThread supplied the routine for this parameter.
    let outcome = std::panic::catch_unwind(|| unsafe { start(parameter as LPVOID) });
    let code = match outcome {
        Ok(code) => code,
        Err(payload) => match payload.downcast::<ExitThreadPayload>() {
            Ok(exit) => exit.0,
            Err(_) => {
                eprintln!("ws2emu: a thread's start routine panicked; its exit code is 0");
                0
            }
        },
    };
    info.set_exit_code(code);
    ws2_core::mutex::thread_exiting();
}

/// CreateThread: the handle, or NULL with ERROR_INVALID_PARAMETER (NULL start routine, a
/// fault on Windows) or ERROR_NOT_ENOUGH_MEMORY (no thread or no handle available).
///
/// # Safety
/// `thread_id` is NULL or writable; `start` is a valid routine for `parameter`.
#[no_mangle]
pub unsafe extern "system" fn CreateThread(
    _attributes: LPSECURITY_ATTRIBUTES,
    stack_size: SIZE_T,
    start: LPTHREAD_START_ROUTINE,
    parameter: LPVOID,
    flags: DWORD,
    thread_id: LPDWORD,
) -> HANDLE {
    ffi_boundary("CreateThread", std::ptr::null_mut(), || {
        let Some(start) = start else {
            return fail_api(WinError::INVALID_PARAMETER, std::ptr::null_mut());
        };
        // SAFETY: the same function with the same arguments; only Rust's view of whether it may
        // unwind changes (it may, through ExitThread).
        let start: StartRoutine = unsafe { std::mem::transmute(start) };
        let suspended = u32::from(flags & CREATE_SUSPENDED != 0);
        let info = Arc::new(ThreadInfo::new(suspended));
        let parameter = parameter as usize;
        let (tx, rx) = std::sync::mpsc::channel();
        let mut builder = std::thread::Builder::new();
        if stack_size > 0 {
            builder = builder.stack_size(stack_size.max(64 * 1024));
        }
        let thread_info = info.clone();
        // A thread a provider starts works for that provider: the verifier attributes what it
        // does (and what it leaves open) to the provider current here.
        let creator = ws2_core::verifier::current();
        let spawned = builder.spawn(move || {
            let _provider = creator.map(|name| ws2_core::verifier::ProviderScope::enter(|| name));
            let object = ws2_core::thread::current();
            let ok = object.is_ok();
            let _ = tx.send(object);
            if ok {
                run_thread(&thread_info, start, parameter);
            }
        });
        let object = match spawned.map(|_| rx.recv()) {
            Ok(Ok(Ok(object))) => object,
            _ => return fail_api(WinError::NOT_ENOUGH_MEMORY, std::ptr::null_mut()),
        };
        thread_info::register(&object, info.clone());
        let tid = object.tid();
        let Some(handle) = runtime().insert(Object::Thread(object)) else {
            // No handle: let the thread run to completion unobserved.
            info.resume();
            return fail_api(WinError::NOT_ENOUGH_MEMORY, std::ptr::null_mut());
        };
        if !thread_id.is_null() {
            // SAFETY: non-null and writable (contract).
            unsafe { thread_id.write(tid) };
        }
        handle as HANDLE
    })
}

/// ExitThread: ends the calling thread with `code` (see the module documentation).
#[no_mangle]
pub extern "system-unwind" fn ExitThread(code: DWORD) -> ! {
    if created() || crate::boundary::inside_export() {
        std::panic::resume_unwind(Box::new(ExitThreadPayload(code)));
    }
    exit_foreign_thread(code)
}

/// GetExitCodeThread: STILL_ACTIVE while the thread runs. ERROR_INVALID_HANDLE for anything but
/// a thread handle; ERROR_INVALID_PARAMETER for a NULL `code` (a fault on Windows).
///
/// # Safety
/// `code` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn GetExitCodeThread(thread: HANDLE, code: LPDWORD) -> BOOL {
    ffi_boundary("GetExitCodeThread", FALSE, || {
        let Some(thread) = runtime().thread(thread as usize) else {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        };
        if code.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        let value = if thread.has_exited() {
            thread_info::info(&thread)
                .and_then(|i| i.exit_code())
                .unwrap_or(0)
        } else {
            ws2_abi::STILL_ACTIVE
        };
        // SAFETY: non-null and writable (contract).
        unsafe { code.write(value) };
        TRUE
    })
}

/// ResumeThread: the previous suspend count (0 for a running thread); (DWORD)-1 with
/// ERROR_INVALID_HANDLE for anything but a thread handle.
#[no_mangle]
pub extern "system" fn ResumeThread(thread: HANDLE) -> DWORD {
    ffi_boundary("ResumeThread", DWORD::MAX, || {
        let Some(thread) = runtime().thread(thread as usize) else {
            return fail_api(WinError::INVALID_HANDLE, DWORD::MAX);
        };
        thread_info::info(&thread).map_or(0, |i| i.resume())
    })
}

/// GetThreadId: the thread's id; 0 with ERROR_INVALID_HANDLE for anything else.
#[no_mangle]
pub extern "system" fn GetThreadId(thread: HANDLE) -> DWORD {
    ffi_boundary("GetThreadId", 0, || {
        match runtime().thread(thread as usize) {
            Some(t) => t.tid(),
            None => fail_api(WinError::INVALID_HANDLE, 0),
        }
    })
}

/// GetCurrentProcess: the pseudo handle `(HANDLE)-1`.
#[no_mangle]
pub extern "system" fn GetCurrentProcess() -> HANDLE {
    CURRENT_PROCESS_PSEUDO_HANDLE as HANDLE
}

#[no_mangle]
pub extern "system" fn GetCurrentProcessId() -> DWORD {
    std::process::id()
}

/// SwitchToThread: yields the processor. Always nonzero (Linux does not say whether another
/// thread ran).
#[no_mangle]
pub extern "system" fn SwitchToThread() -> BOOL {
    ffi_boundary("SwitchToThread", FALSE, || {
        std::thread::yield_now();
        TRUE
    })
}

fn duplicate(source: usize, target: LPHANDLE) -> ws2_core::Result<()> {
    let object = if source == CURRENT_THREAD_PSEUDO_HANDLE {
        Object::Thread(ws2_core::thread::current()?)
    } else if let Some((_, object)) = runtime().handles.get(
        source,
        &[
            Kind::Event,
            Kind::Semaphore,
            Kind::Mutex,
            Kind::Thread,
            Kind::Port,
        ],
    ) {
        object
    } else if source == CURRENT_PROCESS_PSEUDO_HANDLE
        || runtime().handles.get(source, &[Kind::Socket]).is_some()
    {
        return Err(WinError(ws2_abi::ERROR_NOT_SUPPORTED));
    } else {
        return Err(WinError::INVALID_HANDLE);
    };
    if target.is_null() {
        // Windows creates a duplicate nobody can name; not creating it is the same.
        return Ok(());
    }
    let handle = runtime()
        .insert(object)
        .ok_or(WinError::NOT_ENOUGH_MEMORY)?;
    // SAFETY: non-null and writable (DuplicateHandle's contract).
    unsafe { target.write(handle as HANDLE) };
    Ok(())
}

/// DuplicateHandle (see the module documentation). ERROR_INVALID_HANDLE for a process handle
/// other than GetCurrentProcess() or a source that is not a live handle. With
/// DUPLICATE_CLOSE_SOURCE the source is closed whatever the outcome, as documented.
///
/// # Safety
/// `target` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn DuplicateHandle(
    source_process: HANDLE,
    source: HANDLE,
    target_process: HANDLE,
    target: LPHANDLE,
    _access: DWORD,
    _inherit: BOOL,
    options: DWORD,
) -> BOOL {
    ffi_boundary("DuplicateHandle", FALSE, || {
        let processes_ok = source_process as usize == CURRENT_PROCESS_PSEUDO_HANDLE
            && target_process as usize == CURRENT_PROCESS_PSEUDO_HANDLE;
        let result = if processes_ok {
            duplicate(source as usize, target)
        } else {
            Err(WinError::INVALID_HANDLE)
        };
        if options & DUPLICATE_CLOSE_SOURCE != 0
            && source_process as usize == CURRENT_PROCESS_PSEUDO_HANDLE
        {
            let _ = ws2_core::upcalls::close_handle(source as usize);
        }
        match result {
            Ok(()) => TRUE,
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// TlsAlloc: the lowest free index; TLS_OUT_OF_INDEXES with ERROR_NO_MORE_ITEMS when all 1088
/// are in use.
#[no_mangle]
pub extern "system" fn TlsAlloc() -> DWORD {
    ffi_boundary("TlsAlloc", TLS_OUT_OF_INDEXES, || {
        ws2_core::tls::alloc().unwrap_or_else(|e| fail_api(e, TLS_OUT_OF_INDEXES))
    })
}

/// TlsGetValue: the thread's value, with the last error set to ERROR_SUCCESS (so that a NULL
/// value can be told from a failure); NULL with ERROR_INVALID_PARAMETER for a bad index.
#[no_mangle]
pub extern "system" fn TlsGetValue(index: DWORD) -> LPVOID {
    ffi_boundary(
        "TlsGetValue",
        std::ptr::null_mut(),
        || match ws2_core::tls::get(index) {
            Ok(value) => {
                crate::last_error::set(0);
                value as LPVOID
            }
            Err(e) => fail_api(e, std::ptr::null_mut()),
        },
    )
}

/// TlsSetValue: ERROR_INVALID_PARAMETER for a bad index.
#[no_mangle]
pub extern "system" fn TlsSetValue(index: DWORD, value: LPVOID) -> BOOL {
    ffi_boundary("TlsSetValue", FALSE, || {
        match ws2_core::tls::set(index, value as usize) {
            Ok(()) => TRUE,
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// TlsFree: ERROR_INVALID_PARAMETER for an index that is not allocated.
#[no_mangle]
pub extern "system" fn TlsFree(index: DWORD) -> BOOL {
    ffi_boundary("TlsFree", FALSE, || match ws2_core::tls::free(index) {
        Ok(()) => TRUE,
        Err(e) => fail_api(e, FALSE),
    })
}
