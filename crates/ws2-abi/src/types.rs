//! Base typedefs (windef.h, winnt.h, basetsd.h, minwindef.h), handles, `GUID` and
//! `LARGE_INTEGER`, in the Windows x64 (LLP64) widths.
//!
//! `LONG`/`ULONG`/`DWORD`/`u_long` are 32-bit here even though C `long` is 64-bit on Linux: never
//! use `core::ffi::c_long` for them. `WCHAR` is UTF-16 (`u16`), not Linux's 4-byte `wchar_t`.
//! `CHAR` is `i8` on every host (Windows `char` is signed), independent of `core::ffi::c_char`.

use core::ffi::c_void;

// --- integers (winnt.h, minwindef.h) ---
pub type BOOL = i32;
pub type BOOLEAN = u8;
pub type BYTE = u8;
pub type CHAR = i8;
pub type UCHAR = u8;
pub type SHORT = i16;
pub type USHORT = u16;
pub type WORD = u16;
pub type INT = i32;
pub type UINT = u32;
pub type LONG = i32;
pub type ULONG = u32;
pub type DWORD = u32;
pub type LONGLONG = i64;
pub type ULONGLONG = u64;
pub type WCHAR = u16;
pub type ATOM = WORD;
pub type HRESULT = LONG;
pub type NTSTATUS = LONG;

// --- pointer-width integers (basetsd.h) ---
pub type INT_PTR = isize;
pub type UINT_PTR = usize;
pub type LONG_PTR = isize;
pub type ULONG_PTR = usize;
pub type DWORD_PTR = ULONG_PTR;
pub type SIZE_T = ULONG_PTR;
pub type SSIZE_T = LONG_PTR;
pub type WPARAM = UINT_PTR;
pub type LPARAM = LONG_PTR;
pub type LRESULT = LONG_PTR;

// --- pointers (winnt.h, minwindef.h) ---
pub type PVOID = *mut c_void;
pub type LPVOID = *mut c_void;
pub type LPCVOID = *const c_void;
pub type LPINT = *mut INT;
pub type PINT = *mut INT;
pub type LPDWORD = *mut DWORD;
pub type PDWORD = *mut DWORD;
pub type PDWORD_PTR = *mut DWORD_PTR;
pub type PULONG_PTR = *mut ULONG_PTR;
pub type LPBOOL = *mut BOOL;
pub type LPSTR = *mut CHAR;
pub type LPCSTR = *const CHAR;
pub type LPWSTR = *mut WCHAR;
pub type PWSTR = *mut WCHAR;
pub type LPCWSTR = *const WCHAR;
pub type PCWSTR = *const WCHAR;

// --- handles (winnt.h, windef.h): opaque pointers, NULL is `core::ptr::null_mut()` ---
pub type HANDLE = *mut c_void;
pub type PHANDLE = *mut HANDLE;
pub type LPHANDLE = *mut HANDLE;
pub type HWND = HANDLE;
pub type HMODULE = HANDLE;
pub type HINSTANCE = HANDLE;
pub type HLOCAL = HANDLE;
pub type HGLOBAL = HANDLE;
pub type HICON = HANDLE;
pub type HCURSOR = HICON;
pub type HBRUSH = HANDLE;
pub type HMENU = HANDLE;

/// A 128-bit globally unique identifier (guiddef.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GUID {
    pub Data1: u32,
    pub Data2: u16,
    pub Data3: u16,
    pub Data4: [u8; 8],
}

pub type LPGUID = *mut GUID;
pub type LPCGUID = *const GUID;

/// The two 32-bit halves of a `LARGE_INTEGER` (winnt.h, the `u` member).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct LARGE_INTEGER_u {
    pub LowPart: DWORD,
    pub HighPart: LONG,
}

/// A signed 64-bit integer viewed whole or as two halves (winnt.h).
#[repr(C)]
#[derive(Clone, Copy)]
pub union LARGE_INTEGER {
    pub u: LARGE_INTEGER_u,
    pub QuadPart: LONGLONG,
}

pub type PLARGE_INTEGER = *mut LARGE_INTEGER;

// --- minwindef.h macros as const fns. The SDK first converts every argument to `DWORD_PTR`,
// so the extractors take `usize`; convert an `LPARAM` with `as usize`. ---

/// `MAKEWORD(low, high)`: e.g. `MAKEWORD(2, 2)` is version 2.2 (0x0202).
pub const fn MAKEWORD(low: BYTE, high: BYTE) -> WORD {
    (low as WORD) | ((high as WORD) << 8)
}

/// `MAKELONG(low, high)`.
pub const fn MAKELONG(low: WORD, high: WORD) -> LONG {
    ((low as DWORD) | ((high as DWORD) << 16)) as LONG
}

/// `LOWORD(l)`: bits 0..16.
pub const fn LOWORD(l: DWORD_PTR) -> WORD {
    (l & 0xffff) as WORD
}

/// `HIWORD(l)`: bits 16..32.
pub const fn HIWORD(l: DWORD_PTR) -> WORD {
    ((l >> 16) & 0xffff) as WORD
}

/// `LOBYTE(w)`: bits 0..8.
pub const fn LOBYTE(w: DWORD_PTR) -> BYTE {
    (w & 0xff) as BYTE
}

/// `HIBYTE(w)`: bits 8..16.
pub const fn HIBYTE(w: DWORD_PTR) -> BYTE {
    ((w >> 8) & 0xff) as BYTE
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, size_of};

    #[test]
    fn llp64_widths() {
        assert_eq!(size_of::<LONG>(), 4);
        assert_eq!(size_of::<DWORD>(), 4);
        assert_eq!(size_of::<WCHAR>(), 2);
        assert_eq!(size_of::<HANDLE>(), 8);
        assert_eq!(size_of::<ULONG_PTR>(), 8);
    }

    #[test]
    fn guid_layout() {
        assert_eq!(size_of::<GUID>(), 16);
        assert_eq!(align_of::<GUID>(), 4);
        assert_eq!(size_of::<LARGE_INTEGER>(), 8);
    }

    #[test]
    fn word_macros() {
        assert_eq!(MAKEWORD(2, 2), 0x0202);
        assert_eq!(MAKEWORD(1, 2), 0x0201);
        assert_eq!(LOBYTE(0x0201), 1);
        assert_eq!(HIBYTE(0x0201), 2);
        assert_eq!(MAKELONG(0x20, 0x2746), 0x27460020);
        assert_eq!(LOWORD(0x2746_0020), 0x20);
        assert_eq!(HIWORD(0x2746_0020), 0x2746);
    }
}
