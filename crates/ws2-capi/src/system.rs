//! Time, system information, version, debug output and system messages.
//!
//! - **GetTickCount/GetTickCount64**: milliseconds since boot from CLOCK_BOOTTIME (it keeps
//!   counting across suspend, as Windows' tick count does); GetTickCount wraps after 49.7 days.
//! - **QueryPerformanceCounter/Frequency**: CLOCK_MONOTONIC in units of 100 ns, frequency
//!   10 000 000, the value Windows 10 and later report. A NULL pointer fails with
//!   ERROR_INVALID_PARAMETER (a fault on Windows).
//! - **GetSystemTimeAsFileTime**: 100-ns intervals since 1601-01-01 UTC.
//! - **GetSystemInfo**: PROCESSOR_ARCHITECTURE_AMD64, page size 4096, allocation granularity
//!   65536, the user address range of Windows x64, the processors this process may run on.
//! - **GetVersionExW/A** report Windows 10.0.19041 (VER_PLATFORM_WIN32_NT, workstation, no
//!   service pack). Divergence: Windows reports 6.2.9200 to programs without a compatibility
//!   manifest; ws2emu has no manifests and reports the version it implements. The size field
//!   must be that of OSVERSIONINFO(EX)W/A, else ERROR_INSUFFICIENT_BUFFER.
//! - **OutputDebugStringA/W**: Windows sends the text to an attached debugger and drops it
//!   otherwise; ws2emu prints it on the `api` trace channel (`WS2EMU_TRACE=api`) as one line
//!   `ws2emu:api:<tid>: OutputDebugString: <text>`, and drops it otherwise.
//! - **FormatMessageW/A** with FORMAT_MESSAGE_FROM_SYSTEM: the English text (written for ws2emu)
//!   of the Win32 and Winsock codes ws2emu reports, ending in "\r\n" like the system messages
//!   (no line break with FORMAT_MESSAGE_MAX_WIDTH_MASK). The texts have no inserts. Unknown code:
//!   ERROR_MR_MID_NOT_FOUND; a language other than neutral or English:
//!   ERROR_RESOURCE_LANG_NOT_FOUND. Divergence: messages from strings or modules
//!   (FORMAT_MESSAGE_FROM_STRING/FROM_HMODULE without FROM_SYSTEM) fail with ERROR_NOT_SUPPORTED.

use crate::boundary::{fail_api, ffi_boundary};
use std::time::{SystemTime, UNIX_EPOCH};
use ws2_abi::{BOOL, DWORD, FALSE, LPCSTR, LPCVOID, LPCWSTR, LPVOID, TRUE};
use ws2_core::trace::{self, Channel};
use ws2_core::WinError;

const CLOCK_MONOTONIC: i32 = 1;
const CLOCK_BOOTTIME: i32 = 7;

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// Nanoseconds on `clock`.
fn clock_ns(clock: i32) -> u64 {
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec (x86-64 layout: two 64-bit fields).
    if unsafe { clock_gettime(clock, &mut ts) } != 0 {
        return 0;
    }
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

#[no_mangle]
pub extern "system" fn GetTickCount64() -> u64 {
    clock_ns(CLOCK_BOOTTIME) / 1_000_000
}

#[no_mangle]
pub extern "system" fn GetTickCount() -> DWORD {
    GetTickCount64() as DWORD
}

/// QueryPerformanceCounter: 100-ns units of CLOCK_MONOTONIC.
///
/// # Safety
/// `counter` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn QueryPerformanceCounter(counter: *mut i64) -> BOOL {
    ffi_boundary("QueryPerformanceCounter", FALSE, || {
        if counter.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        // SAFETY: non-null and writable (contract).
        unsafe { counter.write((clock_ns(CLOCK_MONOTONIC) / 100) as i64) };
        TRUE
    })
}

/// QueryPerformanceFrequency: 10 000 000.
///
/// # Safety
/// `frequency` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn QueryPerformanceFrequency(frequency: *mut i64) -> BOOL {
    ffi_boundary("QueryPerformanceFrequency", FALSE, || {
        if frequency.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        // SAFETY: non-null and writable (contract).
        unsafe { frequency.write(10_000_000) };
        TRUE
    })
}

/// Seconds from 1601-01-01 to 1970-01-01.
const EPOCH_DIFFERENCE: u64 = 11_644_473_600;

/// GetSystemTimeAsFileTime. NULL is ignored (a fault on Windows).
///
/// # Safety
/// `time` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn GetSystemTimeAsFileTime(time: ws2_abi::LPFILETIME) {
    ffi_boundary("GetSystemTimeAsFileTime", (), || {
        if time.is_null() {
            return;
        }
        let since_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let ticks = (since_unix.as_secs() + EPOCH_DIFFERENCE) * 10_000_000
            + u64::from(since_unix.subsec_nanos()) / 100;
        // SAFETY: non-null and writable (contract).
        unsafe {
            time.write(ws2_abi::FILETIME {
                dwLowDateTime: ticks as DWORD,
                dwHighDateTime: (ticks >> 32) as DWORD,
            })
        };
    })
}

/// GetSystemInfo. NULL is ignored (a fault on Windows).
///
/// # Safety
/// `info` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn GetSystemInfo(info: ws2_abi::LPSYSTEM_INFO) {
    ffi_boundary("GetSystemInfo", (), || {
        if info.is_null() {
            return;
        }
        let processors = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(64);
        let mask = if processors == 64 {
            usize::MAX
        } else {
            (1usize << processors) - 1
        };
        // SAFETY: non-null and writable (contract).
        unsafe {
            info.write(ws2_abi::SYSTEM_INFO {
                wProcessorArchitecture: 9, // PROCESSOR_ARCHITECTURE_AMD64
                wReserved: 0,
                dwPageSize: 4096,
                lpMinimumApplicationAddress: 0x1_0000 as LPVOID,
                lpMaximumApplicationAddress: 0x7FFF_FFFE_FFFF as LPVOID,
                dwActiveProcessorMask: mask,
                dwNumberOfProcessors: processors as DWORD,
                dwProcessorType: 8664, // PROCESSOR_AMD_X8664
                dwAllocationGranularity: 65536,
                wProcessorLevel: 6,
                wProcessorRevision: 0,
            })
        };
    })
}

/// Fills an OSVERSIONINFO(EX) of either width; `char_size` is 1 (A) or 2 (W).
///
/// # Safety
/// `info` is NULL or points to a structure whose first DWORD is its writable size.
unsafe fn version(info: *mut u8, char_size: usize) -> BOOL {
    if info.is_null() {
        return fail_api(WinError::INVALID_PARAMETER, FALSE);
    }
    let base = 20 + 128 * char_size;
    let ex = base + 8;
    // SAFETY: the size field is readable (contract).
    let size = unsafe { info.cast::<DWORD>().read_unaligned() } as usize;
    if size != base && size != ex {
        return fail_api(WinError(ws2_abi::ERROR_INSUFFICIENT_BUFFER), FALSE);
    }
    // SAFETY: the caller declared `size` writable bytes.
    unsafe {
        std::ptr::write_bytes(info.add(4), 0, size - 4);
        let dwords = info.cast::<DWORD>();
        dwords.add(1).write_unaligned(10);
        dwords.add(2).write_unaligned(0);
        dwords.add(3).write_unaligned(19041);
        dwords.add(4).write_unaligned(2); // VER_PLATFORM_WIN32_NT
        if size == ex {
            // wServicePackMajor/Minor 0, wSuiteMask VER_SUITE_SINGLEUSERTS, VER_NT_WORKSTATION.
            info.add(base + 4).cast::<u16>().write_unaligned(0x100);
            info.add(base + 6).write(1);
        }
    }
    TRUE
}

/// GetVersionExW: Windows 10.0.19041 (see the module documentation).
///
/// # Safety
/// `info` is NULL or a writable OSVERSIONINFOW/OSVERSIONINFOEXW with its size set.
#[no_mangle]
pub unsafe extern "system" fn GetVersionExW(info: ws2_abi::LPOSVERSIONINFOW) -> BOOL {
    // SAFETY: forwarded contract.
    ffi_boundary("GetVersionExW", FALSE, || unsafe {
        version(info.cast(), 2)
    })
}

/// GetVersionExA: Windows 10.0.19041 (see the module documentation).
///
/// # Safety
/// `info` is NULL or a writable OSVERSIONINFOA/OSVERSIONINFOEXA with its size set.
#[no_mangle]
pub unsafe extern "system" fn GetVersionExA(info: LPVOID) -> BOOL {
    // SAFETY: forwarded contract.
    ffi_boundary("GetVersionExA", FALSE, || unsafe {
        version(info.cast(), 1)
    })
}

fn debug_output(text: &str) {
    if trace::enabled(Channel::Api) {
        trace::emit(
            Channel::Api,
            format_args!("OutputDebugString: {}", text.trim_end_matches(['\r', '\n'])),
        );
    }
}

/// OutputDebugStringA: to the `api` trace channel (see the module documentation).
///
/// # Safety
/// `text` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn OutputDebugStringA(text: LPCSTR) {
    ffi_boundary("OutputDebugStringA", (), || {
        if !text.is_null() {
            // SAFETY: NUL-terminated (contract).
            let text = unsafe { std::ffi::CStr::from_ptr(text) };
            debug_output(&text.to_string_lossy());
        }
    })
}

/// OutputDebugStringW: to the `api` trace channel (see the module documentation).
///
/// # Safety
/// `text` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn OutputDebugStringW(text: LPCWSTR) {
    ffi_boundary("OutputDebugStringW", (), || {
        if !text.is_null() {
            // SAFETY: NUL-terminated (contract).
            let units = unsafe {
                let mut n = 0;
                while *text.add(n) != 0 {
                    n += 1;
                }
                std::slice::from_raw_parts(text.cast::<u16>(), n)
            };
            debug_output(&String::from_utf16_lossy(units));
        }
    })
}

const FORMAT_MESSAGE_ALLOCATE_BUFFER: DWORD = 0x100;
const FORMAT_MESSAGE_FROM_SYSTEM: DWORD = 0x1000;
const FORMAT_MESSAGE_MAX_WIDTH_MASK: DWORD = 0xFF;
const ERROR_MR_MID_NOT_FOUND: u32 = 317;
const ERROR_RESOURCE_LANG_NOT_FOUND: u32 = 1815;

/// The system message for `code`, with its line break.
pub fn system_message(code: u32) -> Option<&'static str> {
    MESSAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, text)| *text)
}

/// The message FormatMessage produces, or why not.
fn message(flags: DWORD, code: DWORD, language: DWORD) -> ws2_core::Result<String> {
    if flags & FORMAT_MESSAGE_FROM_SYSTEM == 0 {
        return Err(WinError(ws2_abi::ERROR_NOT_SUPPORTED));
    }
    let primary = language & 0x3FF;
    if language != 0 && primary != 0 && primary != 0x09 {
        return Err(WinError(ERROR_RESOURCE_LANG_NOT_FOUND));
    }
    let text = system_message(code).ok_or(WinError(ERROR_MR_MID_NOT_FOUND))?;
    Ok(
        if flags & FORMAT_MESSAGE_MAX_WIDTH_MASK == FORMAT_MESSAGE_MAX_WIDTH_MASK {
            text.to_string()
        } else {
            format!("{text}\r\n")
        },
    )
}

/// Delivers `units` (terminator included) as FormatMessage does; returns the length without it.
///
/// # Safety
/// With ALLOCATE_BUFFER `buffer` is NULL or a writable `T*`; otherwise NULL or writable for
/// `size` elements.
unsafe fn deliver<T: Copy>(flags: DWORD, units: &[T], buffer: *mut T, size: DWORD) -> DWORD {
    if buffer.is_null() {
        return fail_api(WinError::INVALID_PARAMETER, 0);
    }
    let length = units.len() as DWORD - 1;
    if flags & FORMAT_MESSAGE_ALLOCATE_BUFFER != 0 {
        let count = units.len().max(size as usize);
        let bytes = count * std::mem::size_of::<T>();
        let block = match crate::memory::allocate(ws2_core::heap::PROCESS_HEAP, bytes, true, false)
        {
            Ok(p) => p.cast::<T>(),
            Err(e) => return fail_api(e, 0),
        };
        // SAFETY: the new block holds `count >= units.len()` elements; `buffer` is really a
        // `T**` under ALLOCATE_BUFFER (contract).
        unsafe {
            std::ptr::copy_nonoverlapping(units.as_ptr(), block, units.len());
            buffer.cast::<*mut T>().write(block);
        }
        return length;
    }
    if units.len() > size as usize {
        return fail_api(WinError(ws2_abi::ERROR_INSUFFICIENT_BUFFER), 0);
    }
    // SAFETY: `size >= units.len()` elements are writable (contract).
    unsafe { std::ptr::copy_nonoverlapping(units.as_ptr(), buffer, units.len()) };
    length
}

/// FormatMessageW (see the module documentation). Returns the number of WCHARs stored, without
/// the terminator; with FORMAT_MESSAGE_ALLOCATE_BUFFER the buffer is freed with LocalFree.
///
/// # Safety
/// `buffer` as FormatMessageW documents it.
#[no_mangle]
pub unsafe extern "system" fn FormatMessageW(
    flags: DWORD,
    _source: LPCVOID,
    code: DWORD,
    language: DWORD,
    buffer: *mut u16,
    size: DWORD,
    _arguments: *mut std::ffi::c_void,
) -> DWORD {
    ffi_boundary("FormatMessageW", 0, || {
        match message(flags, code, language) {
            Ok(text) => {
                let units: Vec<u16> = text.encode_utf16().chain([0]).collect();
                // SAFETY: forwarded contract.
                unsafe { deliver(flags, &units, buffer, size) }
            }
            Err(e) => fail_api(e, 0),
        }
    })
}

/// FormatMessageA: as FormatMessageW, in UTF-8 (the ANSI code page).
///
/// # Safety
/// `buffer` as FormatMessageA documents it.
#[no_mangle]
pub unsafe extern "system" fn FormatMessageA(
    flags: DWORD,
    _source: LPCVOID,
    code: DWORD,
    language: DWORD,
    buffer: *mut u8,
    size: DWORD,
    _arguments: *mut std::ffi::c_void,
) -> DWORD {
    ffi_boundary("FormatMessageA", 0, || {
        match message(flags, code, language) {
            Ok(text) => {
                let bytes: Vec<u8> = text.bytes().chain([0]).collect();
                // SAFETY: forwarded contract.
                unsafe { deliver(flags, &bytes, buffer, size) }
            }
            Err(e) => fail_api(e, 0),
        }
    })
}

/// The system messages ws2emu knows (English, written for ws2emu).
const MESSAGES: &[(u32, &str)] = &[
    (0, "The operation completed successfully."),
    (1, "The function is not valid for this object."),
    (2, "The file could not be found."),
    (3, "The path could not be found."),
    (5, "Access was denied."),
    (6, "The handle is not valid."),
    (8, "There is not enough memory to complete the operation."),
    (13, "The data is not valid."),
    (14, "There is not enough memory to complete the operation."),
    (50, "The request is not supported."),
    (31, "A device attached to the system is not working."),
    (38, "The end of the file was reached."),
    (64, "The network name is no longer available."),
    (87, "A parameter is not valid."),
    (109, "The pipe was closed."),
    (120, "This function is not supported on this system."),
    (122, "The buffer passed to the function is too small."),
    (
        123,
        "The file name, directory name or volume label syntax is not valid.",
    ),
    (126, "The module could not be found."),
    (127, "The procedure could not be found."),
    (158, "The memory block is not locked."),
    (183, "The object already exists."),
    (203, "The environment variable could not be found."),
    (234, "More data is available."),
    (259, "There are no more items."),
    (288, "The calling thread does not own the mutex."),
    (298, "Too many posts were made to the semaphore."),
    (
        317,
        "No message exists for this number in the message table.",
    ),
    (
        995,
        "The I/O operation was aborted because the thread exited or the application asked for it.",
    ),
    (996, "The overlapped I/O event is not in a signalled state."),
    (997, "Overlapped I/O is in progress."),
    (998, "The memory location is not accessible."),
    (1004, "The flags are not valid."),
    (
        1113,
        "The character has no mapping in the target code page.",
    ),
    (1168, "The element could not be found."),
    (1236, "The local system aborted the network connection."),
    (1400, "The window handle is not valid."),
    (1410, "The class already exists."),
    (1411, "The class does not exist."),
    (1407, "The window class could not be found."),
    (1816, "There is not enough quota to complete the operation."),
    (1460, "The operation timed out."),
    (
        1815,
        "The language of the requested resource could not be found.",
    ),
    (
        10004,
        "A blocking call was interrupted by WSACancelBlockingCall.",
    ),
    (10009, "The file handle is not valid."),
    (
        10013,
        "The socket was accessed in a way its permissions do not allow.",
    ),
    (
        10014,
        "A pointer argument does not point to valid memory, or a buffer is too small.",
    ),
    (10022, "An argument is not valid."),
    (10024, "Too many sockets are open."),
    (
        10035,
        "A non-blocking operation could not be completed at once.",
    ),
    (10036, "A blocking operation is in progress."),
    (
        10037,
        "An operation is already in progress on a non-blocking socket.",
    ),
    (10038, "The handle is not a socket."),
    (10039, "A destination address is required."),
    (
        10040,
        "The message was longer than the buffer or a limit of the protocol.",
    ),
    (
        10041,
        "The protocol does not support the semantics of this socket type.",
    ),
    (10042, "The option or level is unknown or not supported."),
    (10043, "The protocol is not supported or not configured."),
    (
        10044,
        "The socket type is not supported in this address family.",
    ),
    (
        10045,
        "The operation is not supported for this kind of socket.",
    ),
    (
        10046,
        "The protocol family is not supported or not configured.",
    ),
    (
        10047,
        "The address family is not supported by the protocol.",
    ),
    (10048, "The address is already in use."),
    (10049, "The requested address is not valid in its context."),
    (10050, "The network is down."),
    (10051, "The network cannot be reached."),
    (
        10052,
        "The connection was dropped because of a network reset.",
    ),
    (10053, "The connection was aborted by the local system."),
    (10054, "The connection was reset by the remote host."),
    (10055, "No buffer space is available, or a queue is full."),
    (10056, "The socket is already connected."),
    (10057, "The socket is not connected."),
    (10058, "The socket was shut down in that direction."),
    (10059, "There are too many references to a kernel object."),
    (10060, "The connection attempt timed out."),
    (10061, "The remote host refused the connection."),
    (10062, "The name could not be translated."),
    (10063, "A name component or the name is too long."),
    (10064, "The destination host is down."),
    (10065, "The destination host cannot be reached."),
    (10066, "The directory is not empty."),
    (
        10067,
        "Too many processes use the Windows Sockets implementation.",
    ),
    (10068, "The user quota was exceeded."),
    (10069, "The disk quota was exceeded."),
    (10070, "The file handle reference is stale."),
    (10071, "The item is not available locally."),
    (10091, "The network subsystem is not ready."),
    (
        10092,
        "The requested Windows Sockets version is not supported.",
    ),
    (10093, "WSAStartup has not been called successfully."),
    (10101, "The remote side started a graceful shutdown."),
    (10102, "There are no more results."),
    (10103, "The call was cancelled."),
    (10104, "The procedure call table is not valid."),
    (10105, "The service provider is not valid."),
    (10106, "The service provider failed to initialise."),
    (10107, "A system call that should never fail failed."),
    (10108, "The service is not known in this name space."),
    (10109, "The class type could not be found."),
    (10110, "There are no more results."),
    (10111, "The call was cancelled."),
    (10112, "The query was refused."),
    (11001, "The host is not known."),
    (
        11002,
        "The host name was not found; the server may be busy, try again later.",
    ),
    (
        11003,
        "A non-recoverable error occurred during a database lookup.",
    ),
    (
        11004,
        "The name is valid but no data of the requested type was found.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_has_a_message() {
        for code in [0u32, 6, 87, 122, 288, 10022, 10038, 10093, 10106, 11001] {
            let text = system_message(code).unwrap_or_else(|| panic!("no message for {code}"));
            assert!(text.ends_with('.'), "{code}: {text}");
        }
        let mut codes: Vec<u32> = MESSAGES.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), MESSAGES.len(), "one message per code");
    }
}
