//! String conversion (MultiByteToWideChar, WideCharToMultiByte) and the lstr* functions.
//!
//! Code pages: CP_UTF8 is UTF-8; **CP_ACP, CP_OEMCP and CP_THREAD_ACP are UTF-8 too** on ws2emu
//! (as on Windows with the "UTF-8 for worldwide language support" setting, where the ANSI code
//! page is 65001): so the CP_UTF8 rules apply to them as well — flags other than
//! MB_ERR_INVALID_CHARS / WC_ERR_INVALID_CHARS fail with ERROR_INVALID_FLAGS, and a non-NULL
//! `lpDefaultChar`/`lpUsedDefaultChar` fails with ERROR_INVALID_PARAMETER. Other code pages
//! fail with ERROR_INVALID_PARAMETER (GetACP/GetOEMCP report 65001).
//!
//! Lengths: -1 means NUL-terminated input, the terminator included in the count and the output;
//! an output size of 0 returns the size needed; a too-small buffer fails with
//! ERROR_INSUFFICIENT_BUFFER (nothing is written: ws2emu writes out-parameters only on success,
//! where Windows leaves a partial result). Invalid input (malformed UTF-8, unpaired surrogates)
//! becomes U+FFFD, or fails with ERROR_NO_UNICODE_TRANSLATION under the *_ERR_INVALID_CHARS flag.
//!
//! lstrcmpW/lstrcmpiW/lstrcmpA/lstrcmpiA return -1, 0 or 1. Windows compares linguistically
//! (CompareString); ws2emu compares code points after simple case folding, breaking ties so that
//! lower case sorts before upper case ("a" < "A" < "b", as Windows sorts them). Punctuation and
//! accent weights of the Windows collation are not reproduced (a documented divergence).
//! A NULL string counts as empty in lstrlen and sorts first in lstrcmp; lstrcpy/lstrcat with a
//! NULL argument return NULL (Windows catches the fault and returns NULL too).

use crate::boundary::{fail_api, ffi_boundary};
use ws2_abi::{DWORD, LPBOOL, LPCSTR, LPCWSTR, LPSTR, LPWSTR, UINT};
use ws2_core::WinError;

const CP_ACP: UINT = 0;
const CP_OEMCP: UINT = 1;
const CP_THREAD_ACP: UINT = 3;
const CP_UTF8: UINT = 65001;
const MB_ERR_INVALID_CHARS: DWORD = 0x08;
const WC_ERR_INVALID_CHARS: DWORD = 0x80;

fn check_code_page(code_page: UINT) -> ws2_core::Result<()> {
    match code_page {
        CP_ACP | CP_OEMCP | CP_THREAD_ACP | CP_UTF8 => Ok(()),
        _ => Err(WinError::INVALID_PARAMETER),
    }
}

/// Length of a NUL-terminated string of `T`, without the terminator.
///
/// # Safety
/// `s` is non-null and NUL-terminated.
unsafe fn length<T: Copy + PartialEq + Default>(s: *const T) -> usize {
    let mut n = 0;
    // SAFETY: reads stop at the terminator (contract).
    while unsafe { *s.add(n) } != T::default() {
        n += 1;
    }
    n
}

/// The input slice: `count` -1 means NUL-terminated, terminator included.
///
/// # Safety
/// `s` is non-null and valid for `count` elements (or NUL-terminated when -1).
unsafe fn input<'a, T: Copy + PartialEq + Default>(
    s: *const T,
    count: i32,
) -> ws2_core::Result<&'a [T]> {
    let n = match count {
        // SAFETY: NUL-terminated when -1 (contract).
        -1 => (unsafe { length(s) }) + 1,
        n if n > 0 => n as usize,
        _ => return Err(WinError::INVALID_PARAMETER),
    };
    // SAFETY: valid for n elements (contract).
    Ok(unsafe { std::slice::from_raw_parts(s, n) })
}

/// Writes `out` into the caller's buffer of `capacity` (0: report the size).
///
/// # Safety
/// `buffer` is valid for `capacity` writes when `capacity > 0`.
unsafe fn output<T: Copy>(out: &[T], buffer: *mut T, capacity: i32) -> ws2_core::Result<i32> {
    let n = i32::try_from(out.len()).map_err(|_| WinError::INVALID_PARAMETER)?;
    if capacity == 0 {
        return Ok(n);
    }
    if out.len() > capacity as usize {
        return Err(WinError(ws2_abi::ERROR_INSUFFICIENT_BUFFER));
    }
    // SAFETY: capacity >= out.len() elements are writable (contract).
    unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), buffer, out.len()) };
    Ok(n)
}

fn no_translation() -> WinError {
    WinError(ws2_abi::ERROR_NO_UNICODE_TRANSLATION)
}

/// MultiByteToWideChar (see the module documentation).
///
/// # Safety
/// `source` is valid for `source_len` bytes (or NUL-terminated when -1); `target` is valid for
/// `target_len` WCHARs.
#[no_mangle]
pub unsafe extern "system" fn MultiByteToWideChar(
    code_page: UINT,
    flags: DWORD,
    source: LPCSTR,
    source_len: i32,
    target: LPWSTR,
    target_len: i32,
) -> i32 {
    ffi_boundary("MultiByteToWideChar", 0, || {
        let result = (|| {
            check_code_page(code_page)?;
            if flags & !MB_ERR_INVALID_CHARS != 0 {
                return Err(WinError(ws2_abi::ERROR_INVALID_FLAGS));
            }
            if source.is_null()
                || target_len < 0
                || target_len > 0 && target.is_null()
                || std::ptr::eq(source.cast::<u8>(), target.cast::<u8>())
            {
                return Err(WinError::INVALID_PARAMETER);
            }
            // SAFETY: forwarded contract.
            let bytes: &[u8] = unsafe { input(source.cast::<u8>(), source_len)? };
            let text = match std::str::from_utf8(bytes) {
                Ok(s) => std::borrow::Cow::Borrowed(s),
                Err(_) if flags & MB_ERR_INVALID_CHARS != 0 => return Err(no_translation()),
                Err(_) => String::from_utf8_lossy(bytes),
            };
            let wide: Vec<u16> = text.encode_utf16().collect();
            // SAFETY: forwarded contract.
            unsafe { output(&wide, target.cast::<u16>(), target_len) }
        })();
        result.unwrap_or_else(|e| fail_api(e, 0))
    })
}

/// WideCharToMultiByte (see the module documentation).
///
/// # Safety
/// `source` is valid for `source_len` WCHARs (or NUL-terminated when -1); `target` is valid for
/// `target_len` bytes.
#[no_mangle]
pub unsafe extern "system" fn WideCharToMultiByte(
    code_page: UINT,
    flags: DWORD,
    source: LPCWSTR,
    source_len: i32,
    target: LPSTR,
    target_len: i32,
    default_char: LPCSTR,
    used_default: LPBOOL,
) -> i32 {
    ffi_boundary("WideCharToMultiByte", 0, || {
        let result = (|| {
            check_code_page(code_page)?;
            if flags & !WC_ERR_INVALID_CHARS != 0 {
                return Err(WinError(ws2_abi::ERROR_INVALID_FLAGS));
            }
            if source.is_null()
                || target_len < 0
                || target_len > 0 && target.is_null()
                || !default_char.is_null()
                || !used_default.is_null()
                || std::ptr::eq(source.cast::<u8>(), target.cast::<u8>())
            {
                return Err(WinError::INVALID_PARAMETER);
            }
            // SAFETY: forwarded contract.
            let units: &[u16] = unsafe { input(source.cast::<u16>(), source_len)? };
            let mut text = String::with_capacity(units.len());
            for c in char::decode_utf16(units.iter().copied()) {
                match c {
                    Ok(c) => text.push(c),
                    Err(_) if flags & WC_ERR_INVALID_CHARS != 0 => return Err(no_translation()),
                    Err(_) => text.push(char::REPLACEMENT_CHARACTER),
                }
            }
            // SAFETY: forwarded contract.
            unsafe { output(text.as_bytes(), target.cast::<u8>(), target_len) }
        })();
        result.unwrap_or_else(|e| fail_api(e, 0))
    })
}

/// GetACP: 65001 (UTF-8; see the module documentation).
#[no_mangle]
pub extern "system" fn GetACP() -> UINT {
    CP_UTF8
}

/// GetOEMCP: 65001 (UTF-8).
#[no_mangle]
pub extern "system" fn GetOEMCP() -> UINT {
    CP_UTF8
}

/// # Safety
/// `s` is NULL or NUL-terminated.
unsafe fn len_or_zero<T: Copy + PartialEq + Default>(s: *const T) -> usize {
    if s.is_null() {
        0
    } else {
        // SAFETY: forwarded contract.
        unsafe { length(s) }
    }
}

#[no_mangle]
/// lstrlenW: 0 for NULL.
///
/// # Safety
/// `s` is NULL or NUL-terminated.
pub unsafe extern "system" fn lstrlenW(s: LPCWSTR) -> i32 {
    // SAFETY: forwarded contract.
    ffi_boundary("lstrlenW", 0, || unsafe { len_or_zero(s.cast::<u16>()) }
        as i32)
}

/// lstrlenA: 0 for NULL.
///
/// # Safety
/// `s` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn lstrlenA(s: LPCSTR) -> i32 {
    // SAFETY: forwarded contract.
    ffi_boundary("lstrlenA", 0, || unsafe { len_or_zero(s.cast::<u8>()) }
        as i32)
}

/// # Safety
/// `dst` is NULL or has room for `src` (with terminator) at offset `at`; `src` is NULL or
/// NUL-terminated.
unsafe fn copy_at<T: Copy + PartialEq + Default>(dst: *mut T, at: usize, src: *const T) -> *mut T {
    if dst.is_null() || src.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: forwarded contract; `copy` tolerates overlap.
    unsafe {
        let n = length(src) + 1;
        std::ptr::copy(src, dst.add(at), n);
    }
    dst
}

/// lstrcpyW: `dst`; NULL when either argument is NULL.
///
/// # Safety
/// `dst` has room for `src`; both NULL or valid.
#[no_mangle]
pub unsafe extern "system" fn lstrcpyW(dst: LPWSTR, src: LPCWSTR) -> LPWSTR {
    ffi_boundary("lstrcpyW", std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { copy_at(dst.cast::<u16>(), 0, src.cast::<u16>()) }.cast()
    })
}

/// lstrcpyA: `dst`; NULL when either argument is NULL.
///
/// # Safety
/// `dst` has room for `src`; both NULL or valid.
#[no_mangle]
pub unsafe extern "system" fn lstrcpyA(dst: LPSTR, src: LPCSTR) -> LPSTR {
    ffi_boundary("lstrcpyA", std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { copy_at(dst.cast::<u8>(), 0, src.cast::<u8>()) }.cast()
    })
}

/// lstrcatW: `dst`; NULL when either argument is NULL.
///
/// # Safety
/// `dst` is NUL-terminated with room for `src` after it; both NULL or valid.
#[no_mangle]
pub unsafe extern "system" fn lstrcatW(dst: LPWSTR, src: LPCWSTR) -> LPWSTR {
    ffi_boundary("lstrcatW", std::ptr::null_mut(), || {
        if dst.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded contract.
        unsafe {
            copy_at(
                dst.cast::<u16>(),
                length(dst.cast::<u16>()),
                src.cast::<u16>(),
            )
        }
        .cast()
    })
}

/// lstrcatA: `dst`; NULL when either argument is NULL.
///
/// # Safety
/// `dst` is NUL-terminated with room for `src` after it; both NULL or valid.
#[no_mangle]
pub unsafe extern "system" fn lstrcatA(dst: LPSTR, src: LPCSTR) -> LPSTR {
    ffi_boundary("lstrcatA", std::ptr::null_mut(), || {
        if dst.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded contract.
        unsafe { copy_at(dst.cast::<u8>(), length(dst.cast::<u8>()), src.cast::<u8>()) }.cast()
    })
}

/// # Safety
/// `dst` has room for `max` elements; `src` is NUL-terminated or has `max - 1` readable.
unsafe fn copy_n<T: Copy + PartialEq + Default>(dst: *mut T, src: *const T, max: i32) -> *mut T {
    if dst.is_null() || src.is_null() {
        return std::ptr::null_mut();
    }
    if max <= 0 {
        return dst;
    }
    let mut i = 0usize;
    // SAFETY: at most max - 1 elements are read and max written (contract).
    unsafe {
        while i + 1 < max as usize && *src.add(i) != T::default() {
            *dst.add(i) = *src.add(i);
            i += 1;
        }
        *dst.add(i) = T::default();
    }
    dst
}

/// lstrcpynW: copies at most `max - 1` characters and always terminates (`max` > 0).
///
/// # Safety
/// `dst` has room for `max` WCHARs; `src` is NULL or valid.
#[no_mangle]
pub unsafe extern "system" fn lstrcpynW(dst: LPWSTR, src: LPCWSTR, max: i32) -> LPWSTR {
    ffi_boundary("lstrcpynW", std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { copy_n(dst.cast::<u16>(), src.cast::<u16>(), max) }.cast()
    })
}

/// lstrcpynA: copies at most `max - 1` bytes and always terminates (`max` > 0).
///
/// # Safety
/// `dst` has room for `max` bytes; `src` is NULL or valid.
#[no_mangle]
pub unsafe extern "system" fn lstrcpynA(dst: LPSTR, src: LPCSTR, max: i32) -> LPSTR {
    ffi_boundary("lstrcpynA", std::ptr::null_mut(), || {
        // SAFETY: forwarded contract.
        unsafe { copy_n(dst.cast::<u8>(), src.cast::<u8>(), max) }.cast()
    })
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// -1/0/1 comparison (see the module documentation).
fn compare(a: &[char], b: &[char], ignore_case: bool) -> i32 {
    let key = |s: &[char]| s.iter().map(|&c| fold(c)).collect::<Vec<_>>();
    let order = key(a).cmp(&key(b)).then_with(|| {
        if ignore_case {
            return std::cmp::Ordering::Equal;
        }
        // Same letters: the first case difference decides, lower case first.
        a.iter()
            .zip(b)
            .find(|(x, y)| x != y)
            .map_or(std::cmp::Ordering::Equal, |(x, _)| {
                if x.is_lowercase() {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                }
            })
    });
    order as i32
}

/// # Safety
/// NULL or NUL-terminated.
unsafe fn wide_chars(s: LPCWSTR) -> Option<Vec<char>> {
    if s.is_null() {
        return None;
    }
    // SAFETY: forwarded contract.
    let units = unsafe { std::slice::from_raw_parts(s.cast::<u16>(), length(s.cast::<u16>())) };
    Some(
        char::decode_utf16(units.iter().copied())
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// # Safety
/// NULL or NUL-terminated.
unsafe fn narrow_chars(s: LPCSTR) -> Option<Vec<char>> {
    if s.is_null() {
        return None;
    }
    // SAFETY: forwarded contract.
    let bytes = unsafe { std::slice::from_raw_parts(s.cast::<u8>(), length(s.cast::<u8>())) };
    Some(String::from_utf8_lossy(bytes).chars().collect())
}

fn compare_optional(a: Option<Vec<char>>, b: Option<Vec<char>>, ignore_case: bool) -> i32 {
    match (a, b) {
        (None, None) => 0,
        (None, Some(_)) => -1,
        (Some(_), None) => 1,
        (Some(a), Some(b)) => compare(&a, &b, ignore_case),
    }
}

/// lstrcmpW: -1, 0 or 1 (NULL sorts first).
///
/// # Safety
/// Both NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn lstrcmpW(a: LPCWSTR, b: LPCWSTR) -> i32 {
    // SAFETY: forwarded contract.
    ffi_boundary("lstrcmpW", 0, || unsafe {
        compare_optional(wide_chars(a), wide_chars(b), false)
    })
}

/// lstrcmpiW: -1, 0 or 1, ignoring case (NULL sorts first).
///
/// # Safety
/// Both NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn lstrcmpiW(a: LPCWSTR, b: LPCWSTR) -> i32 {
    // SAFETY: forwarded contract.
    ffi_boundary("lstrcmpiW", 0, || unsafe {
        compare_optional(wide_chars(a), wide_chars(b), true)
    })
}

/// lstrcmpA: -1, 0 or 1 (NULL sorts first; the strings are UTF-8, the ANSI code page).
///
/// # Safety
/// Both NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn lstrcmpA(a: LPCSTR, b: LPCSTR) -> i32 {
    // SAFETY: forwarded contract.
    ffi_boundary("lstrcmpA", 0, || unsafe {
        compare_optional(narrow_chars(a), narrow_chars(b), false)
    })
}

/// lstrcmpiA: -1, 0 or 1, ignoring case.
///
/// # Safety
/// Both NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn lstrcmpiA(a: LPCSTR, b: LPCSTR) -> i32 {
    // SAFETY: forwarded contract.
    ffi_boundary("lstrcmpiA", 0, || unsafe {
        compare_optional(narrow_chars(a), narrow_chars(b), true)
    })
}

#[cfg(test)]
mod tests {
    use super::compare;

    fn cmp(a: &str, b: &str, i: bool) -> i32 {
        compare(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
            i,
        )
    }

    #[test]
    fn lower_case_first_then_letters() {
        assert_eq!(cmp("a", "A", false), -1);
        assert_eq!(cmp("A", "b", false), -1);
        assert_eq!(cmp("abc", "ABC", true), 0);
        assert_eq!(cmp("abc", "abd", true), -1);
        assert_eq!(cmp("", "a", false), -1);
    }
}
