//! Critical sections and mutexes.
//!
//! **Critical sections** (InitializeCriticalSection*, Enter/TryEnter/Leave/DeleteCriticalSection)
//! work in the caller's 40-byte `RTL_CRITICAL_SECTION`, with no allocation:
//! - `LockCount` is -1 while free; the thread that moves it from -1 to 0 owns the section, and
//!   each waiter adds one (the classic NT scheme);
//! - `OwningThread` holds the owner's thread id, `RecursionCount` its recursion depth;
//! - `LockSemaphore` counts hand-offs: a leaving owner that sees waiters leaves the section owned
//!   (`LockCount` never returns to -1) and adds a token that exactly one waiter takes, so a
//!   spinning newcomer cannot steal a hand-off;
//! - waiters sleep on one of 64 process-wide condition variables chosen by the section's
//!   address (a futex-style parking lot), checking the token count under that bucket's lock;
//! - `SpinCount` (low 24 bits) is how often a contended `EnterCriticalSection` retries before it
//!   sleeps; `DebugInfo` is `(PRTL_CRITICAL_SECTION_DEBUG)-1` (no debug information), as Windows
//!   sets it for CRITICAL_SECTION_NO_DEBUG_INFO.
//!
//! Divergences: leaving a section the caller does not own is undefined on Windows (it corrupts
//! the section); ws2emu ignores the call and reports it on the `api` trace channel. A NULL
//! section pointer (a fault on Windows) is ignored the same way, and the BOOL-returning
//! initialisers fail with ERROR_INVALID_PARAMETER. Windows 7 and later let `LockCount` encode
//! more than the waiter count; programs must not read the fields, and none of the Windows
//! encodings is reproduced.
//!
//! **Mutexes** (CreateMutexW/A, ReleaseMutex) are kernel objects of the shared handle space;
//! see `ws2_core::mutex` for the semantics (recursion, ERROR_NOT_OWNER, abandonment reported as
//! WAIT_ABANDONED_0 + i by the wait functions). Named mutexes: NULL, ERROR_NOT_SUPPORTED.

use crate::boundary::{fail_api, ffi_boundary};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use ws2_abi::{
    BOOL, DWORD, FALSE, HANDLE, LPCRITICAL_SECTION, LPCSTR, LPCWSTR, LPSECURITY_ATTRIBUTES,
    PRTL_CRITICAL_SECTION_DEBUG, TRUE,
};
use ws2_core::handle::Kind;
use ws2_core::runtime::{runtime, Object};
use ws2_core::signal::Signal;
use ws2_core::trace::{self, Channel};
use ws2_core::WinError;

/// CRITICAL_SECTION_NO_DEBUG_INFO and the other flag bits RtlInitializeCriticalSectionEx knows.
const CRITICAL_SECTION_FLAGS: DWORD = 0x1F00_0000;
const SPIN_MASK: DWORD = 0x00FF_FFFF;
const BUCKETS: usize = 64;

struct Bucket {
    lock: Mutex<()>,
    wake: Condvar,
}

static PARKING: [Bucket; BUCKETS] = [const {
    Bucket {
        lock: Mutex::new(()),
        wake: Condvar::new(),
    }
}; BUCKETS];

fn bucket(section: LPCRITICAL_SECTION) -> &'static Bucket {
    &PARKING[(section as usize >> 4) % BUCKETS]
}

fn park_lock(bucket: &Bucket) -> MutexGuard<'_, ()> {
    bucket.lock.lock().unwrap_or_else(|p| p.into_inner())
}

/// Atomic views of a section's fields.
struct Section {
    lock_count: &'static AtomicI32,
    recursion: &'static AtomicI32,
    owner: &'static AtomicUsize,
    tokens: &'static AtomicUsize,
    spin: &'static AtomicUsize,
}

/// # Safety
/// `cs` is non-null, aligned, and points to a CRITICAL_SECTION that outlives the use.
unsafe fn section(cs: LPCRITICAL_SECTION) -> Section {
    // SAFETY: the fields are naturally aligned in the x64 layout and live as long as the
    // caller's section (contract); atomics have the same layout as the plain integers.
    unsafe {
        Section {
            lock_count: AtomicI32::from_ptr(std::ptr::addr_of_mut!((*cs).LockCount)),
            recursion: AtomicI32::from_ptr(std::ptr::addr_of_mut!((*cs).RecursionCount)),
            owner: AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*cs).OwningThread).cast()),
            tokens: AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*cs).LockSemaphore).cast()),
            spin: AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*cs).SpinCount)),
        }
    }
}

fn me() -> usize {
    ws2_os::current_thread_id() as usize
}

fn diagnose(what: &str, cs: LPCRITICAL_SECTION) {
    if trace::enabled(Channel::Api) {
        trace::emit(Channel::Api, format_args!("{what}({cs:p}) ignored"));
    }
}

/// # Safety
/// `cs` is NULL or points to writable memory for a CRITICAL_SECTION.
unsafe fn initialize(cs: LPCRITICAL_SECTION, spin: DWORD) -> bool {
    if cs.is_null() {
        return false;
    }
    // SAFETY: non-null and writable (contract).
    unsafe {
        cs.write(ws2_abi::RTL_CRITICAL_SECTION {
            DebugInfo: usize::MAX as PRTL_CRITICAL_SECTION_DEBUG,
            LockCount: -1,
            RecursionCount: 0,
            OwningThread: std::ptr::null_mut(),
            LockSemaphore: std::ptr::null_mut(),
            SpinCount: (spin & SPIN_MASK) as usize,
        })
    };
    true
}

/// InitializeCriticalSection. NULL is ignored (a fault on Windows).
///
/// # Safety
/// `cs` is NULL or writable for a CRITICAL_SECTION.
#[no_mangle]
pub unsafe extern "system" fn InitializeCriticalSection(cs: LPCRITICAL_SECTION) {
    ffi_boundary("InitializeCriticalSection", (), || {
        // SAFETY: forwarded contract.
        if !unsafe { initialize(cs, 0) } {
            diagnose("InitializeCriticalSection", cs);
        }
    })
}

/// InitializeCriticalSectionAndSpinCount: TRUE (Windows Vista and later never fail).
///
/// # Safety
/// `cs` is NULL or writable for a CRITICAL_SECTION.
#[no_mangle]
pub unsafe extern "system" fn InitializeCriticalSectionAndSpinCount(
    cs: LPCRITICAL_SECTION,
    spin: DWORD,
) -> BOOL {
    ffi_boundary("InitializeCriticalSectionAndSpinCount", FALSE, || {
        // SAFETY: forwarded contract.
        if unsafe { initialize(cs, spin) } {
            TRUE
        } else {
            fail_api(WinError::INVALID_PARAMETER, FALSE)
        }
    })
}

/// InitializeCriticalSectionEx: flags outside the RTL_CRITICAL_SECTION_FLAG_* bits fail with
/// ERROR_INVALID_PARAMETER (as RtlInitializeCriticalSectionEx); the flags change nothing else.
///
/// # Safety
/// `cs` is NULL or writable for a CRITICAL_SECTION.
#[no_mangle]
pub unsafe extern "system" fn InitializeCriticalSectionEx(
    cs: LPCRITICAL_SECTION,
    spin: DWORD,
    flags: DWORD,
) -> BOOL {
    ffi_boundary("InitializeCriticalSectionEx", FALSE, || {
        if flags & !CRITICAL_SECTION_FLAGS != 0 {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        // SAFETY: forwarded contract.
        if unsafe { initialize(cs, spin) } {
            TRUE
        } else {
            fail_api(WinError::INVALID_PARAMETER, FALSE)
        }
    })
}

fn take_ownership(s: &Section) {
    s.owner.store(me(), Ordering::Relaxed);
    s.recursion.store(1, Ordering::Relaxed);
}

/// EnterCriticalSection: recursive for the owner; otherwise spins `SpinCount` times, then sleeps
/// until a leaving owner hands the section over.
///
/// # Safety
/// `cs` is NULL or an initialised CRITICAL_SECTION.
#[no_mangle]
pub unsafe extern "system" fn EnterCriticalSection(cs: LPCRITICAL_SECTION) {
    ffi_boundary("EnterCriticalSection", (), || {
        if cs.is_null() {
            return diagnose("EnterCriticalSection", cs);
        }
        // SAFETY: non-null initialised section (contract).
        let s = unsafe { section(cs) };
        if s.owner.load(Ordering::Relaxed) == me() {
            s.recursion.fetch_add(1, Ordering::Relaxed);
            return;
        }
        for _ in 0..s.spin.load(Ordering::Relaxed) {
            if s.lock_count
                .compare_exchange(-1, 0, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return take_ownership(&s);
            }
            std::hint::spin_loop();
        }
        if s.lock_count.fetch_add(1, Ordering::AcqRel) == -1 {
            return take_ownership(&s);
        }
        // A registered waiter: sleep until a hand-off token is there.
        let bucket = bucket(cs);
        let mut guard = park_lock(bucket);
        loop {
            let tokens = s.tokens.load(Ordering::Acquire);
            if tokens > 0
                && s.tokens
                    .compare_exchange(tokens, tokens - 1, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                break;
            }
            guard = bucket.wake.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
        drop(guard);
        take_ownership(&s);
    })
}

/// TryEnterCriticalSection: TRUE when the caller now owns the section (including recursion).
///
/// # Safety
/// `cs` is NULL or an initialised CRITICAL_SECTION.
#[no_mangle]
pub unsafe extern "system" fn TryEnterCriticalSection(cs: LPCRITICAL_SECTION) -> BOOL {
    ffi_boundary("TryEnterCriticalSection", FALSE, || {
        if cs.is_null() {
            diagnose("TryEnterCriticalSection", cs);
            return FALSE;
        }
        // SAFETY: non-null initialised section (contract).
        let s = unsafe { section(cs) };
        if s.owner.load(Ordering::Relaxed) == me() {
            s.recursion.fetch_add(1, Ordering::Relaxed);
            return TRUE;
        }
        if s.lock_count
            .compare_exchange(-1, 0, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            take_ownership(&s);
            return TRUE;
        }
        FALSE
    })
}

/// LeaveCriticalSection: one recursion less; the last one frees the section or hands it to one
/// waiter. A caller that does not own the section: ignored, reported on the `api` trace.
///
/// # Safety
/// `cs` is NULL or an initialised CRITICAL_SECTION.
#[no_mangle]
pub unsafe extern "system" fn LeaveCriticalSection(cs: LPCRITICAL_SECTION) {
    ffi_boundary("LeaveCriticalSection", (), || {
        if cs.is_null() {
            return diagnose("LeaveCriticalSection", cs);
        }
        // SAFETY: non-null initialised section (contract).
        let s = unsafe { section(cs) };
        if s.owner.load(Ordering::Relaxed) != me() {
            return diagnose("LeaveCriticalSection by a thread that does not own it", cs);
        }
        if s.recursion.fetch_sub(1, Ordering::Relaxed) > 1 {
            return;
        }
        s.owner.store(0, Ordering::Relaxed);
        if s.lock_count.fetch_sub(1, Ordering::AcqRel) > 0 {
            let bucket = bucket(cs);
            let _guard = park_lock(bucket);
            s.tokens.fetch_add(1, Ordering::AcqRel);
            bucket.wake.notify_all();
        }
    })
}

/// DeleteCriticalSection: nothing to free (no allocation); the fields are reset so that a use
/// after deletion does not look owned.
///
/// # Safety
/// `cs` is NULL or an initialised CRITICAL_SECTION that no thread waits on.
#[no_mangle]
pub unsafe extern "system" fn DeleteCriticalSection(cs: LPCRITICAL_SECTION) {
    ffi_boundary("DeleteCriticalSection", (), || {
        if cs.is_null() {
            return diagnose("DeleteCriticalSection", cs);
        }
        // SAFETY: non-null and writable (contract).
        unsafe {
            cs.write(ws2_abi::RTL_CRITICAL_SECTION {
                DebugInfo: std::ptr::null_mut(),
                LockCount: -1,
                RecursionCount: 0,
                OwningThread: std::ptr::null_mut(),
                LockSemaphore: std::ptr::null_mut(),
                SpinCount: 0,
            })
        };
    })
}

fn create_mutex(initial_owner: BOOL, named: bool) -> HANDLE {
    if named {
        // Named objects are shared between processes on Windows; ws2emu has none.
        return fail_api(WinError(ws2_abi::ERROR_NOT_SUPPORTED), std::ptr::null_mut());
    }
    let created = Signal::new_mutex(initial_owner != FALSE).and_then(|m| {
        runtime()
            .insert(Object::Signal(m))
            .ok_or(WinError::NOT_ENOUGH_MEMORY)
    });
    created.map_or_else(|e| fail_api(e, std::ptr::null_mut()), |h| h as HANDLE)
}

/// CreateMutexW. Named mutexes are not supported (NULL, ERROR_NOT_SUPPORTED).
#[no_mangle]
pub extern "system" fn CreateMutexW(
    _attributes: LPSECURITY_ATTRIBUTES,
    initial_owner: BOOL,
    name: LPCWSTR,
) -> HANDLE {
    ffi_boundary("CreateMutexW", std::ptr::null_mut(), || {
        create_mutex(initial_owner, !name.is_null())
    })
}

/// CreateMutexA. Named mutexes are not supported (NULL, ERROR_NOT_SUPPORTED).
#[no_mangle]
pub extern "system" fn CreateMutexA(
    _attributes: LPSECURITY_ATTRIBUTES,
    initial_owner: BOOL,
    name: LPCSTR,
) -> HANDLE {
    ffi_boundary("CreateMutexA", std::ptr::null_mut(), || {
        create_mutex(initial_owner, !name.is_null())
    })
}

/// ReleaseMutex: ERROR_NOT_OWNER unless the calling thread owns the mutex; ERROR_INVALID_HANDLE
/// for anything that is not a live mutex handle.
#[no_mangle]
pub extern "system" fn ReleaseMutex(mutex: HANDLE) -> BOOL {
    ffi_boundary("ReleaseMutex", FALSE, || {
        let Some(signal) = runtime().signal(mutex as usize, &[Kind::Mutex]) else {
            return fail_api(WinError::INVALID_HANDLE, FALSE);
        };
        match ws2_core::mutex::release(&signal) {
            Ok(()) => TRUE,
            Err(e) => fail_api(e, FALSE),
        }
    })
}
