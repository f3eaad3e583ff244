//! kernel32 and user32 structures, callbacks and constants that the socket layer and its event,
//! APC, thread and window-message machinery use (minwinbase.h, winnt.h, winbase.h, synchapi.h,
//! processthreadsapi.h, libloaderapi.h, sysinfoapi.h, winnls.h, winuser.h).

use core::ffi::c_void;

use crate::types::*;

// ---------------------------------------------------------------------------------------------
// Structures
// ---------------------------------------------------------------------------------------------

/// State of an overlapped (asynchronous) operation (minwinbase.h).
///
/// The C declaration puts `Offset`/`OffsetHigh` in an anonymous union with `PVOID Pointer`; the
/// union is represented by the two `DWORD` fields, which occupy the same 8 bytes at offset 16.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OVERLAPPED {
    pub Internal: ULONG_PTR,
    pub InternalHigh: ULONG_PTR,
    pub Offset: DWORD,
    pub OffsetHigh: DWORD,
    pub hEvent: HANDLE,
}

pub type LPOVERLAPPED = *mut OVERLAPPED;

/// One dequeued completion packet, as returned by `GetQueuedCompletionStatusEx` (minwinbase.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OVERLAPPED_ENTRY {
    pub lpCompletionKey: ULONG_PTR,
    pub lpOverlapped: LPOVERLAPPED,
    pub Internal: ULONG_PTR,
    pub dwNumberOfBytesTransferred: DWORD,
}

pub type LPOVERLAPPED_ENTRY = *mut OVERLAPPED_ENTRY;

/// Security descriptor and inheritability of a new object (minwinbase.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SECURITY_ATTRIBUTES {
    pub nLength: DWORD,
    pub lpSecurityDescriptor: LPVOID,
    pub bInheritHandle: BOOL,
}

pub type LPSECURITY_ATTRIBUTES = *mut SECURITY_ATTRIBUTES;

/// Doubly linked list links (winnt.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LIST_ENTRY {
    pub Flink: *mut LIST_ENTRY,
    pub Blink: *mut LIST_ENTRY,
}

/// Debug information attached to a critical section (winnt.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RTL_CRITICAL_SECTION_DEBUG {
    pub Type: WORD,
    pub CreatorBackTraceIndex: WORD,
    pub CriticalSection: *mut RTL_CRITICAL_SECTION,
    pub ProcessLocksList: LIST_ENTRY,
    pub EntryCount: DWORD,
    pub ContentionCount: DWORD,
    pub Flags: DWORD,
    pub CreatorBackTraceIndexHigh: WORD,
    pub SpareWORD: WORD,
}

pub type PRTL_CRITICAL_SECTION_DEBUG = *mut RTL_CRITICAL_SECTION_DEBUG;

/// A critical section object (winnt.h `RTL_CRITICAL_SECTION`, minwinbase.h `CRITICAL_SECTION`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct RTL_CRITICAL_SECTION {
    pub DebugInfo: PRTL_CRITICAL_SECTION_DEBUG,
    pub LockCount: LONG,
    pub RecursionCount: LONG,
    pub OwningThread: HANDLE,
    pub LockSemaphore: HANDLE,
    pub SpinCount: ULONG_PTR,
}

pub type CRITICAL_SECTION = RTL_CRITICAL_SECTION;
pub type LPCRITICAL_SECTION = *mut CRITICAL_SECTION;

/// Processor and memory-layout information from `GetSystemInfo` (sysinfoapi.h).
///
/// In C, `wProcessorArchitecture`/`wReserved` sit in an anonymous union with `DWORD dwOemId`;
/// the two `WORD` fields cover the same 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SYSTEM_INFO {
    pub wProcessorArchitecture: WORD,
    pub wReserved: WORD,
    pub dwPageSize: DWORD,
    pub lpMinimumApplicationAddress: LPVOID,
    pub lpMaximumApplicationAddress: LPVOID,
    pub dwActiveProcessorMask: DWORD_PTR,
    pub dwNumberOfProcessors: DWORD,
    pub dwProcessorType: DWORD,
    pub dwAllocationGranularity: DWORD,
    pub wProcessorLevel: WORD,
    pub wProcessorRevision: WORD,
}

pub type LPSYSTEM_INFO = *mut SYSTEM_INFO;

/// Operating-system version from `GetVersionExW` (winnt.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OSVERSIONINFOW {
    pub dwOSVersionInfoSize: DWORD,
    pub dwMajorVersion: DWORD,
    pub dwMinorVersion: DWORD,
    pub dwBuildNumber: DWORD,
    pub dwPlatformId: DWORD,
    pub szCSDVersion: [WCHAR; 128],
}

pub type LPOSVERSIONINFOW = *mut OSVERSIONINFOW;

/// Extended operating-system version from `GetVersionExW` (winnt.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct OSVERSIONINFOEXW {
    pub dwOSVersionInfoSize: DWORD,
    pub dwMajorVersion: DWORD,
    pub dwMinorVersion: DWORD,
    pub dwBuildNumber: DWORD,
    pub dwPlatformId: DWORD,
    pub szCSDVersion: [WCHAR; 128],
    pub wServicePackMajor: WORD,
    pub wServicePackMinor: WORD,
    pub wSuiteMask: WORD,
    pub wProductType: BYTE,
    pub wReserved: BYTE,
}

pub type LPOSVERSIONINFOEXW = *mut OSVERSIONINFOEXW;

/// A 64-bit count of 100-nanosecond intervals since 1601-01-01 UTC (minwindef.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FILETIME {
    pub dwLowDateTime: DWORD,
    pub dwHighDateTime: DWORD,
}

pub type LPFILETIME = *mut FILETIME;

/// A point in screen or client coordinates (windef.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct POINT {
    pub x: LONG,
    pub y: LONG,
}

/// A window message as retrieved by `GetMessageW`/`PeekMessageW` (winuser.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MSG {
    pub hwnd: HWND,
    pub message: UINT,
    pub wParam: WPARAM,
    pub lParam: LPARAM,
    pub time: DWORD,
    pub pt: POINT,
}

pub type LPMSG = *mut MSG;

/// Window-class registration data for `RegisterClassW` (winuser.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WNDCLASSW {
    pub style: UINT,
    pub lpfnWndProc: WNDPROC,
    pub cbClsExtra: INT,
    pub cbWndExtra: INT,
    pub hInstance: HINSTANCE,
    pub hIcon: HICON,
    pub hCursor: HCURSOR,
    pub hbrBackground: HBRUSH,
    pub lpszMenuName: LPCWSTR,
    pub lpszClassName: LPCWSTR,
}

/// Window-class registration data for `RegisterClassExW` (winuser.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WNDCLASSEXW {
    pub cbSize: UINT,
    pub style: UINT,
    pub lpfnWndProc: WNDPROC,
    pub cbClsExtra: INT,
    pub cbWndExtra: INT,
    pub hInstance: HINSTANCE,
    pub hIcon: HICON,
    pub hCursor: HCURSOR,
    pub hbrBackground: HBRUSH,
    pub lpszMenuName: LPCWSTR,
    pub lpszClassName: LPCWSTR,
    pub hIconSm: HICON,
}

// ---------------------------------------------------------------------------------------------
// Callbacks (`None` is the NULL pointer)
// ---------------------------------------------------------------------------------------------

/// Window procedure (winuser.h).
/// What WM_NCCREATE/WM_CREATE receive in lParam (winuser.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CREATESTRUCTW {
    pub lpCreateParams: LPVOID,
    pub hInstance: HINSTANCE,
    pub hMenu: HMENU,
    pub hwndParent: HWND,
    pub cy: INT,
    pub cx: INT,
    pub y: INT,
    pub x: INT,
    pub style: LONG,
    pub lpszName: LPCWSTR,
    pub lpszClass: LPCWSTR,
    pub dwExStyle: DWORD,
}

pub type WNDPROC = Option<
    unsafe extern "system" fn(hWnd: HWND, Msg: UINT, wParam: WPARAM, lParam: LPARAM) -> LRESULT,
>;
/// User-mode APC routine for `QueueUserAPC` (winnt.h).
pub type PAPCFUNC = Option<unsafe extern "system" fn(Parameter: ULONG_PTR)>;
/// Thread entry point for `CreateThread` (minwinbase.h).
pub type PTHREAD_START_ROUTINE =
    Option<unsafe extern "system" fn(lpThreadParameter: LPVOID) -> DWORD>;
pub type LPTHREAD_START_ROUTINE = PTHREAD_START_ROUTINE;

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

// Booleans and limits (minwindef.h, winnt.h). The MIN*/MAX* limits other than MAXDWORD are int
// literals in C, so they are `i32` here (MINCHAR is 0x80, not -128).
pub const TRUE: BOOL = 1;
pub const FALSE: BOOL = 0;
pub const MAX_PATH: usize = 260;
pub const ANYSIZE_ARRAY: usize = 1;
pub const MINCHAR: i32 = 0x80;
pub const MAXCHAR: i32 = 0x7f;
pub const MINSHORT: i32 = 0x8000;
pub const MAXSHORT: i32 = 0x7fff;
pub const MAXLONG: i32 = 0x7fffffff;
pub const MAXBYTE: i32 = 0xff;
pub const MAXWORD: i32 = 0xffff;
pub const MAXDWORD: u32 = 0xffffffff;

/// `(HANDLE)(LONG_PTR)-1` (handleapi.h).
pub const INVALID_HANDLE_VALUE: HANDLE = usize::MAX as *mut c_void;
/// `(HWND)-3`, the parent of message-only windows (winuser.h).
pub const HWND_MESSAGE: HWND = (usize::MAX - 2) as *mut c_void;

// Wait results and timeouts (winnt.h, winbase.h, winerror.h), DWORD.
pub const MAXIMUM_WAIT_OBJECTS: u32 = 64;
pub const STATUS_WAIT_0: u32 = 0x00000000;
pub const STATUS_ABANDONED_WAIT_0: u32 = 0x00000080;
pub const STATUS_USER_APC: u32 = 0x000000c0;
pub const STATUS_TIMEOUT: u32 = 0x00000102;
pub const STATUS_PENDING: u32 = 0x00000103;
pub const WAIT_OBJECT_0: u32 = STATUS_WAIT_0;
pub const WAIT_ABANDONED: u32 = STATUS_ABANDONED_WAIT_0;
pub const WAIT_ABANDONED_0: u32 = STATUS_ABANDONED_WAIT_0;
pub const WAIT_IO_COMPLETION: u32 = STATUS_USER_APC;
pub const WAIT_TIMEOUT: u32 = 258;
pub const WAIT_FAILED: u32 = 0xffffffff;
pub const INFINITE: u32 = 0xffffffff;
pub const STILL_ACTIVE: u32 = STATUS_PENDING;

// NTSTATUS values an overlapped request's `Internal` may carry (ntstatus.h), as DWORD like the
// STATUS_* values above.
pub const STATUS_SUCCESS: u32 = 0x00000000;
pub const STATUS_UNSUCCESSFUL: u32 = 0xc0000001;
pub const STATUS_CANCELLED: u32 = 0xc0000120;
pub const STATUS_CONNECTION_RESET: u32 = 0xc000020d;
pub const STATUS_CONNECTION_ABORTED: u32 = 0xc0000241;

// Access rights (winnt.h, synchapi.h), DWORD.
pub const DELETE: u32 = 0x00010000;
pub const READ_CONTROL: u32 = 0x00020000;
pub const WRITE_DAC: u32 = 0x00040000;
pub const WRITE_OWNER: u32 = 0x00080000;
pub const SYNCHRONIZE: u32 = 0x00100000;
pub const STANDARD_RIGHTS_REQUIRED: u32 = 0x000f0000;
pub const EVENT_MODIFY_STATE: u32 = 0x0002;
pub const EVENT_ALL_ACCESS: u32 = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3;
pub const SEMAPHORE_MODIFY_STATE: u32 = 0x0002;
pub const SEMAPHORE_ALL_ACCESS: u32 = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3;
pub const MUTANT_QUERY_STATE: u32 = 0x0001;
pub const MUTEX_ALL_ACCESS: u32 = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | MUTANT_QUERY_STATE;
pub const THREAD_ALL_ACCESS: u32 = STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xffff;

// DuplicateHandle options, handle flags (winnt.h, handleapi.h), DWORD.
pub const DUPLICATE_CLOSE_SOURCE: u32 = 0x00000001;
pub const DUPLICATE_SAME_ACCESS: u32 = 0x00000002;
pub const HANDLE_FLAG_INHERIT: u32 = 0x00000001;
pub const HANDLE_FLAG_PROTECT_FROM_CLOSE: u32 = 0x00000002;

// SetFileCompletionNotificationModes flags (winbase.h), UCHAR.
pub const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: u8 = 0x1;
pub const FILE_SKIP_SET_EVENT_ON_HANDLE: u8 = 0x2;

// CreateEventEx flags (synchapi.h), DWORD.
pub const CREATE_EVENT_MANUAL_RESET: u32 = 0x00000001;
pub const CREATE_EVENT_INITIAL_SET: u32 = 0x00000002;

// Heap flags (winnt.h), DWORD.
pub const HEAP_NO_SERIALIZE: u32 = 0x00000001;
pub const HEAP_GENERATE_EXCEPTIONS: u32 = 0x00000004;
pub const HEAP_ZERO_MEMORY: u32 = 0x00000008;
pub const HEAP_REALLOC_IN_PLACE_ONLY: u32 = 0x00000010;

// GlobalAlloc / LocalAlloc flags (winbase.h, minwinbase.h), UINT.
pub const GMEM_FIXED: u32 = 0x0000;
pub const GMEM_MOVEABLE: u32 = 0x0002;
pub const GMEM_ZEROINIT: u32 = 0x0040;
pub const GPTR: u32 = 0x0040;
pub const GHND: u32 = 0x0042;
pub const LMEM_FIXED: u32 = 0x0000;
pub const LMEM_MOVEABLE: u32 = 0x0002;
pub const LMEM_ZEROINIT: u32 = 0x0040;
pub const LPTR: u32 = 0x0040;
pub const LHND: u32 = 0x0042;

// DllMain reasons (winnt.h), DWORD.
pub const DLL_PROCESS_DETACH: u32 = 0;
pub const DLL_PROCESS_ATTACH: u32 = 1;
pub const DLL_THREAD_ATTACH: u32 = 2;
pub const DLL_THREAD_DETACH: u32 = 3;

// Threads and TLS (winbase.h, processthreadsapi.h).
pub const CREATE_SUSPENDED: u32 = 0x00000004;
pub const TLS_OUT_OF_INDEXES: u32 = 0xffffffff;
pub const THREAD_PRIORITY_LOWEST: i32 = -2;
pub const THREAD_PRIORITY_BELOW_NORMAL: i32 = -1;
pub const THREAD_PRIORITY_NORMAL: i32 = 0;
pub const THREAD_PRIORITY_ABOVE_NORMAL: i32 = 1;
pub const THREAD_PRIORITY_HIGHEST: i32 = 2;
pub const THREAD_PRIORITY_TIME_CRITICAL: i32 = 15;
pub const THREAD_PRIORITY_IDLE: i32 = -15;

// Version and system information (winnt.h), DWORD / WORD.
pub const VER_PLATFORM_WIN32_NT: u32 = 2;
pub const PROCESSOR_ARCHITECTURE_INTEL: u16 = 0;
pub const PROCESSOR_ARCHITECTURE_AMD64: u16 = 9;

// FormatMessage flags (winbase.h), DWORD.
pub const FORMAT_MESSAGE_ALLOCATE_BUFFER: u32 = 0x00000100;
pub const FORMAT_MESSAGE_IGNORE_INSERTS: u32 = 0x00000200;
pub const FORMAT_MESSAGE_FROM_SYSTEM: u32 = 0x00001000;
pub const FORMAT_MESSAGE_ARGUMENT_ARRAY: u32 = 0x00002000;

// LoadLibraryEx and GetModuleHandleEx flags (libloaderapi.h), DWORD.
pub const DONT_RESOLVE_DLL_REFERENCES: u32 = 0x00000001;
pub const LOAD_WITH_ALTERED_SEARCH_PATH: u32 = 0x00000008;
pub const LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR: u32 = 0x00000100;
pub const LOAD_LIBRARY_SEARCH_SYSTEM32: u32 = 0x00000800;
pub const GET_MODULE_HANDLE_EX_FLAG_PIN: u32 = 0x00000001;
pub const GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT: u32 = 0x00000002;
pub const GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS: u32 = 0x00000004;

// Code pages (UINT) and conversion flags (DWORD) (winnls.h).
pub const CP_ACP: u32 = 0;
pub const CP_OEMCP: u32 = 1;
pub const CP_UTF8: u32 = 65001;
pub const MB_PRECOMPOSED: u32 = 0x00000001;
pub const MB_ERR_INVALID_CHARS: u32 = 0x00000008;
pub const WC_ERR_INVALID_CHARS: u32 = 0x00000080;
pub const WC_NO_BEST_FIT_CHARS: u32 = 0x00000400;

// Window messages (winuser.h), UINT.
pub const WM_NULL: u32 = 0x0000;
pub const WM_CREATE: u32 = 0x0001;
pub const WM_DESTROY: u32 = 0x0002;
pub const WM_SETTEXT: u32 = 0x000c;
pub const WM_PAINT: u32 = 0x000f;
pub const WM_CLOSE: u32 = 0x0010;
pub const WM_QUIT: u32 = 0x0012;
pub const WM_NCCREATE: u32 = 0x0081;
pub const WM_NCDESTROY: u32 = 0x0082;
pub const WM_COMMAND: u32 = 0x0111;
pub const WM_TIMER: u32 = 0x0113;
pub const WM_USER: u32 = 0x0400;
pub const WM_APP: u32 = 0x8000;

// PeekMessage options (winuser.h), UINT.
pub const PM_NOREMOVE: u32 = 0x0000;
pub const PM_REMOVE: u32 = 0x0001;
pub const PM_NOYIELD: u32 = 0x0002;

// Queue status flags (winuser.h), UINT.
pub const QS_KEY: u32 = 0x0001;
pub const QS_MOUSEMOVE: u32 = 0x0002;
pub const QS_MOUSEBUTTON: u32 = 0x0004;
pub const QS_POSTMESSAGE: u32 = 0x0008;
pub const QS_TIMER: u32 = 0x0010;
pub const QS_PAINT: u32 = 0x0020;
pub const QS_SENDMESSAGE: u32 = 0x0040;
pub const QS_HOTKEY: u32 = 0x0080;
pub const QS_ALLPOSTMESSAGE: u32 = 0x0100;
pub const QS_RAWINPUT: u32 = 0x0400;
pub const QS_TOUCH: u32 = 0x0800;
pub const QS_POINTER: u32 = 0x1000;
pub const QS_MOUSE: u32 = QS_MOUSEMOVE | QS_MOUSEBUTTON;
pub const QS_INPUT: u32 = QS_MOUSE | QS_KEY | QS_RAWINPUT | QS_TOUCH | QS_POINTER;
pub const QS_ALLEVENTS: u32 = QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY;
pub const QS_ALLINPUT: u32 =
    QS_INPUT | QS_POSTMESSAGE | QS_TIMER | QS_PAINT | QS_HOTKEY | QS_SENDMESSAGE;

// MsgWaitForMultipleObjectsEx flags (winuser.h), DWORD.
pub const MWMO_WAITALL: u32 = 0x0001;
pub const MWMO_ALERTABLE: u32 = 0x0002;
pub const MWMO_INPUTAVAILABLE: u32 = 0x0004;

// GetWindowLongPtr indices (winuser.h), int.
pub const GWLP_WNDPROC: i32 = -4;
pub const GWLP_HINSTANCE: i32 = -6;
pub const GWLP_ID: i32 = -12;
pub const GWL_STYLE: i32 = -16;
pub const GWL_EXSTYLE: i32 = -20;
pub const GWLP_USERDATA: i32 = -21;

// CreateWindowEx position default (int) and window styles (DWORD) (winuser.h).
pub const CW_USEDEFAULT: i32 = i32::MIN;
pub const WS_OVERLAPPED: u32 = 0x00000000;
pub const WS_POPUP: u32 = 0x80000000;
pub const WS_CHILD: u32 = 0x40000000;
pub const WS_VISIBLE: u32 = 0x10000000;
pub const WS_CAPTION: u32 = 0x00c00000;
pub const WS_SYSMENU: u32 = 0x00080000;
pub const WS_THICKFRAME: u32 = 0x00040000;
pub const WS_MINIMIZEBOX: u32 = 0x00020000;
pub const WS_MAXIMIZEBOX: u32 = 0x00010000;
pub const WS_OVERLAPPEDWINDOW: u32 =
    WS_OVERLAPPED | WS_CAPTION | WS_SYSMENU | WS_THICKFRAME | WS_MINIMIZEBOX | WS_MAXIMIZEBOX;
pub const WS_EX_NOACTIVATE: u32 = 0x08000000;

// Window-class styles (winuser.h), UINT.
pub const CS_VREDRAW: u32 = 0x0001;
pub const CS_HREDRAW: u32 = 0x0002;
pub const CS_DBLCLKS: u32 = 0x0008;
pub const CS_NOCLOSE: u32 = 0x0200;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn overlapped_layout() {
        // Spec §13 item 4.
        assert_eq!(size_of::<OVERLAPPED>(), 32);
        assert_eq!(offset_of!(OVERLAPPED, Offset), 16);
        assert_eq!(offset_of!(OVERLAPPED, OffsetHigh), 20);
        assert_eq!(offset_of!(OVERLAPPED, hEvent), 24);
    }

    #[test]
    fn composite_values() {
        assert_eq!(QS_ALLINPUT, 0x1cff);
        assert_eq!(WS_OVERLAPPEDWINDOW, 0x00cf0000);
        assert_eq!(INVALID_HANDLE_VALUE as usize, usize::MAX);
    }
}
