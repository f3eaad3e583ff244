//! Winsock exports that stand on the object model alone: startup and cleanup, event objects and
//! waits, and the Winsock 1.1 blocking-hook functions. (Socket calls arrive with the client API.)

use crate::boundary::{fail_api, ffi_boundary};
use crate::kernel32::{handle_array, wait_for};
use ws2_abi::{BOOL, DWORD, FALSE, SOCKET_ERROR, TRUE, WORD, WSADATA, WSAEVENT, WSA_WAIT_FAILED};
use ws2_core::runtime::runtime;
use ws2_core::{blocking, upcalls, WinError};

/// The highest version ws2emu implements, MAKEWORD(2, 2).
pub const HIGHEST_VERSION: WORD = 0x0202;

/// Version negotiation (MAKEWORD order: low byte major, high byte minor): requests below 1.1
/// fail with WSAVERNOTSUPPORTED; others get min(requested, 2.2).
pub fn negotiate(requested: WORD) -> Result<WORD, WinError> {
    let key = |v: WORD| ((v & 0xff) << 8) | (v >> 8); // (major, minor) ordered
    if key(requested) < key(0x0101) {
        Err(WinError::WSAVERNOTSUPPORTED)
    } else if key(requested) > key(HIGHEST_VERSION) {
        Ok(HIGHEST_VERSION)
    } else {
        Ok(requested)
    }
}

fn fill(data: &mut WSADATA, version: WORD) {
    data.wVersion = version;
    data.wHighVersion = HIGHEST_VERSION;
    data.iMaxSockets = 0;
    data.iMaxUdpDg = 0;
    data.lpVendorInfo = std::ptr::null_mut();
    data.szDescription = [0; 257];
    data.szSystemStatus = [0; 129];
    for (dst, src) in data.szDescription.iter_mut().zip(b"WinSock 2.0") {
        *dst = *src as _;
    }
    for (dst, src) in data.szSystemStatus.iter_mut().zip(b"Running") {
        *dst = *src as _;
    }
}

/// WSAStartup: returns the error code itself (0 on success), as Windows does; each success must
/// be matched by a WSACleanup. WSADATA describes the negotiated version even when the request is
/// refused. When Winsock is not started, the process's catalog view is refreshed from the stored
/// catalog (it is kept until the last WSACleanup and the next WSAStartup); a catalog file that
/// cannot be read gives WSASYSNOTREADY (with the file and problem on stderr).
///
/// # Safety
/// `data` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn WSAStartup(requested: WORD, data: *mut WSADATA) -> i32 {
    ffi_boundary("WSAStartup", ws2_abi::WSASYSNOTREADY, || {
        if data.is_null() {
            return ws2_abi::WSAEFAULT;
        }
        let negotiated = negotiate(requested);
        // SAFETY: non-null and writable (contract).
        unsafe { fill(&mut *data, negotiated.unwrap_or(HIGHEST_VERSION)) };
        match negotiated {
            // The first WSAStartup (or the first after the last WSACleanup) snapshots the stored
            // catalog (spec item 57); an unreadable catalog file fails the call with
            // WSASYSNOTREADY ("the network subsystem is unavailable") and is reported on stderr.
            Ok(version) => match runtime().startup(version) {
                Ok(()) => 0,
                Err(e) => {
                    e.reported();
                    ws2_abi::WSASYSNOTREADY
                }
            },
            Err(e) => e.as_i32(),
        }
    })
}

/// WSACleanup: SOCKET_ERROR with WSANOTINITIALISED when there is no WSAStartup to undo. The
/// catalog snapshot stays until the next WSAStartup after the last WSACleanup replaces it.
#[no_mangle]
pub extern "system" fn WSACleanup() -> i32 {
    // Provider loader (issue 4): the last WSACleanup runs one WSPCleanup per started provider
    // and unloads it (spec checklist 63), with the upcalls still working, before another
    // thread's WSAStartup can start Winsock again (it waits; the providers' own calls do not).
    let cleanup = || {
        runtime().cleanup(|| {
            crate::loader::cleanup_providers();
        })
    };
    ffi_boundary("WSACleanup", SOCKET_ERROR, || match cleanup() {
        Ok(()) => 0,
        Err(e) => fail_api(e, SOCKET_ERROR),
    })
}

/// WSACreateEvent: a manual-reset, non-signalled event; NULL with WSA_NOT_ENOUGH_MEMORY.
#[no_mangle]
pub extern "system" fn WSACreateEvent() -> WSAEVENT {
    ffi_boundary(
        "WSACreateEvent",
        std::ptr::null_mut(),
        || match upcalls::create_event() {
            Ok(h) => h as WSAEVENT,
            Err(_) => fail_api(WinError::NOT_ENOUGH_MEMORY, std::ptr::null_mut()),
        },
    )
}

/// WSACloseEvent (CloseHandle): FALSE with WSA_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn WSACloseEvent(event: WSAEVENT) -> BOOL {
    ffi_boundary(
        "WSACloseEvent",
        FALSE,
        || match crate::kernel32::close_kernel_handle(event as usize) {
            Ok(()) => TRUE,
            Err(_) => fail_api(WinError::INVALID_HANDLE, FALSE),
        },
    )
}

#[no_mangle]
pub extern "system" fn WSASetEvent(event: WSAEVENT) -> BOOL {
    crate::kernel32::SetEvent(event)
}

#[no_mangle]
pub extern "system" fn WSAResetEvent(event: WSAEVENT) -> BOOL {
    crate::kernel32::ResetEvent(event)
}

/// WSAWaitForMultipleEvents (WaitForMultipleObjectsEx): 1..=64 events, else WSA_WAIT_FAILED
/// with WSA_INVALID_PARAMETER; a bad handle gives WSA_INVALID_HANDLE.
///
/// # Safety
/// `events` is NULL or valid for reading `count` handles.
#[no_mangle]
pub unsafe extern "system-unwind" fn WSAWaitForMultipleEvents(
    count: DWORD,
    events: *const WSAEVENT,
    wait_all: BOOL,
    ms: DWORD,
    alertable: BOOL,
) -> DWORD {
    ffi_boundary("WSAWaitForMultipleEvents", WSA_WAIT_FAILED, || {
        if count == 0 || count as usize > ws2_core::wait::MAX_OBJECTS {
            return fail_api(WinError::INVALID_PARAMETER, WSA_WAIT_FAILED);
        }
        // SAFETY: forwarded caller contract.
        match unsafe { handle_array(events, count) } {
            Ok(list) => wait_for(&list, wait_all != FALSE, ms, alertable != FALSE),
            Err(e) => fail_api(e, WSA_WAIT_FAILED),
        }
    })
}

fn started_version() -> Result<WORD, WinError> {
    if runtime().is_started() {
        Ok(runtime().version())
    } else {
        Err(WinError::WSANOTINITIALISED)
    }
}

type BlockingHook = Option<unsafe extern "system" fn() -> BOOL>;

/// WSASetBlockingHook: Winsock 1.1 applications only (Winsock 2: WSAEOPNOTSUPP). Returns the
/// previous hook, or NULL for the default one.
#[no_mangle]
pub extern "system" fn WSASetBlockingHook(hook: BlockingHook) -> BlockingHook {
    ffi_boundary("WSASetBlockingHook", None, || {
        let result =
            started_version().and_then(|v| blocking::set_hook(v, hook.map_or(0, |h| h as usize)));
        match result {
            Ok(0) => None,
            // SAFETY: a non-zero value was stored from a non-null hook of this type.
            Ok(previous) => Some(unsafe {
                std::mem::transmute::<usize, unsafe extern "system" fn() -> BOOL>(previous)
            }),
            Err(e) => fail_api(e, None),
        }
    })
}

#[no_mangle]
pub extern "system" fn WSAUnhookBlockingHook() -> i32 {
    ffi_boundary(
        "WSAUnhookBlockingHook",
        SOCKET_ERROR,
        || match started_version().and_then(blocking::unhook) {
            Ok(()) => 0,
            Err(e) => fail_api(e, SOCKET_ERROR),
        },
    )
}

/// WSACancelBlockingCall: WSAEINVAL when no blocking call is in progress on this thread.
#[no_mangle]
pub extern "system" fn WSACancelBlockingCall() -> i32 {
    ffi_boundary(
        "WSACancelBlockingCall",
        SOCKET_ERROR,
        || match started_version().and_then(blocking::cancel) {
            Ok(()) => 0,
            Err(e) => fail_api(e, SOCKET_ERROR),
        },
    )
}

/// WSAIsBlocking: whether a blocking call is running its hook on this thread.
#[no_mangle]
pub extern "system" fn WSAIsBlocking() -> BOOL {
    ffi_boundary("WSAIsBlocking", FALSE, || {
        if blocking::is_blocking() {
            TRUE
        } else {
            FALSE
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_negotiation() {
        assert_eq!(negotiate(0x0202), Ok(0x0202));
        assert_eq!(negotiate(0x0101), Ok(0x0101));
        assert_eq!(negotiate(0x0002), Ok(0x0002), "2.0");
        assert_eq!(negotiate(0x0303), Ok(0x0202), "newer than 2.2");
        assert_eq!(negotiate(0x0001), Err(WinError::WSAVERNOTSUPPORTED), "1.0");
        assert_eq!(negotiate(0x0000), Err(WinError::WSAVERNOTSUPPORTED));
    }
}
