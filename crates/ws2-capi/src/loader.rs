//! The provider loader wired into libws2_32: the process-wide [`Loader`] with the real upcall
//! table, and the kernel32 module and environment exports providers use to load their lower
//! layer the Windows way (`WPUGetProviderPath` → `ExpandEnvironmentStringsW` → `LoadLibraryW` →
//! `GetProcAddress("WSPStartup")`).
//!
//! The semantics live in `ws2_loader` (module registry, `%VAR%` expansion, WSPStartup
//! negotiation); this file converts strings and pointers at the C boundary, stores errors as
//! the thread's last error and writes out-buffers only on success. Divergences are documented
//! in `ws2_loader::module` and `ws2_loader::env`; the ones specific to this boundary: a NULL
//! string or buffer pointer where Windows would fault fails with ERROR_INVALID_PARAMETER;
//! `LoadLibraryExW` accepts only `hFile == NULL` and flags 0 or `LOAD_WITH_ALTERED_SEARCH_PATH`
//! (no search path exists to alter), anything else is ERROR_INVALID_PARAMETER; the ANSI
//! functions use UTF-8 as their code page.

use crate::boundary::{fail_api, ffi_boundary};
use crate::upcalls::upcall_table;
use std::ffi::c_void;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use ws2_abi::{BOOL, DWORD, FALSE, HANDLE, HMODULE, LPCSTR, LPCWSTR, LPSTR, LPWSTR, TRUE};
use ws2_core::WinError;
use ws2_loader::{env, module, Loader, Provider};

/// The process's provider loader, handing the real upcall table to every `WSPStartup`.
pub fn loader() -> &'static Loader {
    static LOADER: OnceLock<Loader> = OnceLock::new();
    LOADER.get_or_init(|| {
        // %WS2EMU_LIBDIR% defaults to the directory of the object that holds this code
        // (libws2_32.so for C programs), where the base provider is built and installed.
        let here = loader as fn() -> &'static Loader as usize;
        if let Some(dir) =
            ws2_os::object_path_of(here).and_then(|p| p.parent().map(Path::to_path_buf))
        {
            ws2_core::catalog::set_library_dir(dir);
        }
        Loader::new(upcall_table()).with_host(&crate::upcalls::HOST_TABLE)
    })
}

/// Starts (or shares) the provider of a catalog entry: what `socket()`/`WSASocket` will call.
/// Errors: WSAEPROVIDERFAILEDINIT, WSAEINVALIDPROVIDER, WSAEINVALIDPROCTABLE, WSAEINVAL.
pub fn start_provider(catalog_id: u32) -> ws2_core::Result<Arc<Provider>> {
    loader().start(catalog_id)
}

/// Runs one `WSPCleanup` per started provider and unloads them (the last `WSACleanup`).
pub fn cleanup_providers() -> usize {
    loader().cleanup_all()
}

const INVALID_PARAMETER: WinError = WinError::INVALID_PARAMETER;
const LOAD_WITH_ALTERED_SEARCH_PATH: DWORD = 0x8;

/// Reads a NUL-terminated string of `T` units (without the NUL).
///
/// # Safety
/// `s` is non-null and points to a NUL-terminated string that outlives `'a`.
unsafe fn terminated<'a, T: Copy + Default + PartialEq>(s: *const T) -> &'a [T] {
    let mut len = 0;
    // SAFETY: every unit up to and including the NUL is readable (contract).
    while unsafe { *s.add(len) } != T::default() {
        len += 1;
    }
    // SAFETY: the `len` units before the NUL were just read.
    unsafe { std::slice::from_raw_parts(s, len) }
}

/// A C wide string as Rust text; ERROR_INVALID_PARAMETER for NULL or invalid UTF-16.
///
/// # Safety
/// `s` is NULL or a NUL-terminated UTF-16 string.
unsafe fn wide_arg(s: LPCWSTR) -> ws2_core::Result<String> {
    if s.is_null() {
        return Err(INVALID_PARAMETER);
    }
    // SAFETY: non-null, terminated (contract).
    String::from_utf16(unsafe { terminated(s) }).map_err(|_| INVALID_PARAMETER)
}

/// A C narrow string (UTF-8) as Rust text.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
unsafe fn narrow_arg(s: LPCSTR) -> ws2_core::Result<String> {
    if s.is_null() {
        return Err(INVALID_PARAMETER);
    }
    // SAFETY: non-null, terminated (contract).
    let bytes: &[u8] = unsafe { terminated(s.cast::<u8>()) };
    String::from_utf8(bytes.to_vec()).map_err(|_| INVALID_PARAMETER)
}

/// Copies `text` plus a NUL into `buffer` of `size` units when it fits. Returns the
/// `*Environment*` convention: the length without the NUL on success, the size needed
/// (with the NUL) when the buffer is too small.
///
/// # Safety
/// `buffer` is NULL or writable for `size` units.
unsafe fn copy_out<T: Copy + Default>(text: &[T], buffer: *mut T, size: DWORD) -> DWORD {
    let needed = text.len() + 1;
    if buffer.is_null() || (size as usize) < needed {
        return needed as DWORD;
    }
    // SAFETY: room for `needed` units (checked against the caller's size).
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buffer, text.len());
        buffer.add(text.len()).write(T::default());
    }
    text.len() as DWORD
}

fn load(path: ws2_core::Result<String>) -> HMODULE {
    // A library that would bring a second runtime (an LSP's lower layer linked with -lws2_32)
    // is refused as the loader refuses such a provider, with the same reason on stderr.
    let checked = path.and_then(|p| {
        ws2_loader::provider::single_runtime(&p)
            .map(|()| p)
            .map_err(|_| WinError(ws2_abi::ERROR_DLL_INIT_FAILED))
    });
    match checked.and_then(|p| module::load_library(&p)) {
        Ok(h) => {
            // A layered provider loading its lower layer: the base provider completes IFS
            // requests and sets last errors through the host table, as when the loader starts it.
            let _ = loader().offer_host(h);
            h as HMODULE
        }
        Err(e) => fail_api(e, std::ptr::null_mut()),
    }
}

/// LoadLibraryW: absolute paths only are loaded (see `ws2_loader::module`).
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn LoadLibraryW(name: LPCWSTR) -> HMODULE {
    // SAFETY: forwarded caller contract.
    ffi_boundary("LoadLibraryW", std::ptr::null_mut(), || {
        load(unsafe { wide_arg(name) })
    })
}

/// LoadLibraryA (UTF-8 code page).
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn LoadLibraryA(name: LPCSTR) -> HMODULE {
    // SAFETY: forwarded caller contract.
    ffi_boundary("LoadLibraryA", std::ptr::null_mut(), || {
        load(unsafe { narrow_arg(name) })
    })
}

/// LoadLibraryExW: `hFile` must be NULL; flags 0 or LOAD_WITH_ALTERED_SEARCH_PATH.
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn LoadLibraryExW(name: LPCWSTR, file: HANDLE, flags: DWORD) -> HMODULE {
    ffi_boundary("LoadLibraryExW", std::ptr::null_mut(), || {
        if !file.is_null() || flags & !LOAD_WITH_ALTERED_SEARCH_PATH != 0 {
            return fail_api(INVALID_PARAMETER, std::ptr::null_mut());
        }
        // SAFETY: forwarded caller contract.
        load(unsafe { wide_arg(name) })
    })
}

/// GetProcAddress: an export of that module itself. NULL module: the main program. Ordinals
/// (values below 0x10000) fail with ERROR_PROC_NOT_FOUND: ELF has none.
///
/// # Safety
/// `name` is an ordinal value or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn GetProcAddress(module: HMODULE, name: LPCSTR) -> *mut c_void {
    ffi_boundary("GetProcAddress", std::ptr::null_mut(), || {
        let result = if (name as usize) >> 16 == 0 {
            if module.is_null() || module::is_module(module as usize) {
                Err(module::PROC_NOT_FOUND)
            } else {
                Err(module::MOD_NOT_FOUND)
            }
        } else {
            // SAFETY: not an ordinal, so a string (contract).
            let bytes: &[u8] = unsafe { terminated(name.cast::<u8>()) };
            module::proc_address(module as usize, bytes)
        };
        match result {
            Ok(address) => address as *mut c_void,
            Err(e) => fail_api(e, std::ptr::null_mut()),
        }
    })
}

/// FreeLibrary: ERROR_INVALID_HANDLE for NULL, ERROR_MOD_NOT_FOUND for a value that is not a
/// loaded module (forged or already freed).
#[no_mangle]
pub extern "system" fn FreeLibrary(module: HMODULE) -> BOOL {
    ffi_boundary("FreeLibrary", FALSE, || {
        match module::free_library(module as usize) {
            Ok(()) => TRUE,
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// GetModuleHandleW: NULL is the main program; otherwise a loaded module by path or file name.
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn GetModuleHandleW(name: LPCWSTR) -> HMODULE {
    ffi_boundary("GetModuleHandleW", std::ptr::null_mut(), || {
        let result = if name.is_null() {
            module::module_handle(None)
        } else {
            // SAFETY: forwarded caller contract.
            unsafe { wide_arg(name) }.and_then(|n| module::module_handle(Some(&n)))
        };
        match result {
            Ok(h) => h as HMODULE,
            Err(e) => fail_api(e, std::ptr::null_mut()),
        }
    })
}

/// GetModuleFileNameW: the module's path. Returns its length without the NUL; a buffer too
/// small gets the truncated, NUL-terminated path, the return value is `size` and the last
/// error ERROR_INSUFFICIENT_BUFFER (Windows Vista and later).
///
/// # Safety
/// `buffer` is NULL or writable for `size` WCHARs.
#[no_mangle]
pub unsafe extern "system" fn GetModuleFileNameW(
    module: HMODULE,
    buffer: LPWSTR,
    size: DWORD,
) -> DWORD {
    ffi_boundary("GetModuleFileNameW", 0, || {
        let path = match module::module_file_name(module as usize) {
            Ok(path) => path,
            Err(e) => return fail_api(e, 0),
        };
        if buffer.is_null() && size > 0 {
            return fail_api(INVALID_PARAMETER, 0);
        }
        let wide: Vec<u16> = path.to_string_lossy().encode_utf16().collect();
        if size == 0 {
            return fail_api(WinError(ws2_abi::ERROR_INSUFFICIENT_BUFFER), 0);
        }
        let copied = wide.len().min(size as usize - 1);
        // SAFETY: buffer is writable for `size` > copied units (contract).
        unsafe {
            std::ptr::copy_nonoverlapping(wide.as_ptr(), buffer, copied);
            buffer.add(copied).write(0);
        }
        if copied < wide.len() {
            fail_api(WinError(ws2_abi::ERROR_INSUFFICIENT_BUFFER), size)
        } else {
            copied as DWORD
        }
    })
}

/// DisableThreadLibraryCalls: TRUE for a loaded module (ws2emu never sends DLL_THREAD_*
/// notifications), FALSE with ERROR_MOD_NOT_FOUND otherwise.
#[no_mangle]
pub extern "system" fn DisableThreadLibraryCalls(module: HMODULE) -> BOOL {
    ffi_boundary("DisableThreadLibraryCalls", FALSE, || {
        if module::is_module(module as usize) {
            TRUE
        } else {
            fail_api(module::MOD_NOT_FOUND, FALSE)
        }
    })
}

/// ExpandEnvironmentStringsW: returns the size of the expanded string in WCHARs *including*
/// the NUL; writes it only when `size` is at least that (else returns the size needed).
///
/// # Safety
/// `source` is NULL or a NUL-terminated UTF-16 string; `buffer` is NULL or writable for `size`.
#[no_mangle]
pub unsafe extern "system" fn ExpandEnvironmentStringsW(
    source: LPCWSTR,
    buffer: LPWSTR,
    size: DWORD,
) -> DWORD {
    ffi_boundary("ExpandEnvironmentStringsW", 0, || {
        if source.is_null() {
            return fail_api(INVALID_PARAMETER, 0);
        }
        // SAFETY: non-null, terminated (contract).
        let expanded = env::expand(unsafe { terminated(source) });
        let needed = expanded.len() as DWORD + 1;
        // SAFETY: buffer contract forwarded.
        unsafe { copy_out(&expanded, buffer, size) };
        needed
    })
}

/// ExpandEnvironmentStringsA (UTF-8): the size in bytes including the NUL.
///
/// # Safety
/// As [`ExpandEnvironmentStringsW`], in bytes.
#[no_mangle]
pub unsafe extern "system" fn ExpandEnvironmentStringsA(
    source: LPCSTR,
    buffer: LPSTR,
    size: DWORD,
) -> DWORD {
    ffi_boundary("ExpandEnvironmentStringsA", 0, || {
        // SAFETY: forwarded caller contract.
        let source = match unsafe { narrow_arg(source) } {
            Ok(s) => s,
            Err(e) => return fail_api(e, 0),
        };
        let wide: Vec<u16> = source.encode_utf16().collect();
        let expanded = String::from_utf16_lossy(&env::expand(&wide)).into_bytes();
        let needed = expanded.len() as DWORD + 1;
        // SAFETY: buffer contract forwarded.
        unsafe { copy_out(&expanded, buffer.cast::<u8>(), size) };
        needed
    })
}

fn variable_value(name: ws2_core::Result<String>) -> ws2_core::Result<String> {
    env::variable(&name?).ok_or(WinError(ws2_abi::ERROR_ENVVAR_NOT_FOUND))
}

/// GetEnvironmentVariableW: the length without the NUL when it fits, else the size needed with
/// the NUL; 0 with ERROR_ENVVAR_NOT_FOUND (203) for an undefined variable.
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string; `buffer` NULL or writable for `size`.
#[no_mangle]
pub unsafe extern "system" fn GetEnvironmentVariableW(
    name: LPCWSTR,
    buffer: LPWSTR,
    size: DWORD,
) -> DWORD {
    ffi_boundary("GetEnvironmentVariableW", 0, || {
        // SAFETY: forwarded caller contract.
        match variable_value(unsafe { wide_arg(name) }) {
            Ok(value) => {
                let wide: Vec<u16> = value.encode_utf16().collect();
                // SAFETY: buffer contract forwarded.
                unsafe { copy_out(&wide, buffer, size) }
            }
            Err(e) => fail_api(e, 0),
        }
    })
}

/// GetEnvironmentVariableA (UTF-8), as [`GetEnvironmentVariableW`] in bytes.
///
/// # Safety
/// As [`GetEnvironmentVariableW`].
#[no_mangle]
pub unsafe extern "system" fn GetEnvironmentVariableA(
    name: LPCSTR,
    buffer: LPSTR,
    size: DWORD,
) -> DWORD {
    ffi_boundary("GetEnvironmentVariableA", 0, || {
        // SAFETY: forwarded caller contract.
        match variable_value(unsafe { narrow_arg(name) }) {
            // SAFETY: buffer contract forwarded.
            Ok(value) => unsafe { copy_out(value.as_bytes(), buffer.cast::<u8>(), size) },
            Err(e) => fail_api(e, 0),
        }
    })
}

/// SetEnvironmentVariableW: sets, or deletes with a NULL value. FALSE with
/// ERROR_INVALID_PARAMETER for an empty name or one containing `=`.
///
/// # Safety
/// `name` and `value` are NULL or NUL-terminated UTF-16 strings.
#[no_mangle]
pub unsafe extern "system" fn SetEnvironmentVariableW(name: LPCWSTR, value: LPCWSTR) -> BOOL {
    ffi_boundary("SetEnvironmentVariableW", FALSE, || {
        // SAFETY: forwarded caller contract.
        let name = unsafe { wide_arg(name) };
        let value = if value.is_null() {
            Ok(None)
        } else {
            // SAFETY: forwarded caller contract.
            unsafe { wide_arg(value) }.map(Some)
        };
        match (name, value) {
            (Ok(name), Ok(value)) if env::set_variable(&name, value.as_deref()) => TRUE,
            _ => fail_api(INVALID_PARAMETER, FALSE),
        }
    })
}
