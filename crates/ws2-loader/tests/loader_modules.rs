//! The kernel32 module and environment exports of libws2_32 (`ws2_32::loader`), called the way
//! C code calls them: LoadLibraryW reference counting and DllMain attach/detach, the documented
//! errors (126, 127, 193, 1114, 6, 203), forged and freed HMODULEs, and the divergences of
//! `ws2_loader::module` (no search path, no ordinals).
//!
//! Process-wide state (loaded modules, environment): each test uses its own libraries and
//! variable names; `SERIAL` orders the tests that load the same files.
#![allow(unsafe_code)] // the exports are `unsafe extern "system"` functions

mod provider_kit;

use provider_kit::*;
use std::ptr::null_mut;
use std::sync::Mutex;
use ws2_32::last_error::{get as last_error, set as set_last_error};
use ws2_32::loader::*;
use ws2_abi::*;
use ws2_os::is_mapped;

static SERIAL: Mutex<()> = Mutex::new(());
const SENTINEL: u32 = 0xDEAD;

fn wz(s: &str) -> Vec<u16> {
    s.encode_utf16().chain([0]).collect()
}

fn load(path: &str) -> (HMODULE, u32) {
    set_last_error(SENTINEL);
    // SAFETY: NUL-terminated UTF-16 string.
    let module = unsafe { LoadLibraryW(wz(path).as_ptr()) };
    (module, last_error())
}

fn counter(name: &str) -> i32 {
    std::env::var(name).map_or(0, |v| v.parse().unwrap())
}

#[test]
fn dllmain_attach_and_detach_follow_the_reference_count() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let path = provider("libdllmain.so");
    let (first, _) = load(path.to_str().unwrap());
    assert!(!first.is_null());
    let (second, _) = load(path.to_str().unwrap());
    assert_eq!(first, second, "one module, one HMODULE");
    assert_eq!(counter("WS2EMU_TEST_DLLMAIN_ATTACH"), 1, "attach once");
    // SAFETY: exported `attach_module` is an HMODULE; the module is loaded.
    let seen = unsafe {
        let address = GetProcAddress(first, c"attach_module".as_ptr());
        assert!(!address.is_null());
        (address as *const HMODULE).read()
    };
    assert_eq!(seen, first, "DllMain receives the module handle");
    // SAFETY: NULL name is the main program; a bare name finds the loaded module.
    unsafe {
        assert_eq!(GetModuleHandleW(wz("libdllmain.so").as_ptr()), first);
        assert_eq!(GetModuleHandleW(wz(path.to_str().unwrap()).as_ptr()), first);
        assert!(!GetModuleHandleW(null_mut()).is_null());
    }
    let mut name = [0u16; 512];
    // SAFETY: buffer of 512 WCHARs.
    let n = unsafe { GetModuleFileNameW(first, name.as_mut_ptr(), 512) } as usize;
    assert_eq!(
        String::from_utf16(&name[..n]).unwrap(),
        path.to_str().unwrap()
    );
    let mut small = [0xFFFFu16; 4];
    set_last_error(SENTINEL);
    // SAFETY: buffer of 4 WCHARs.
    assert_eq!(
        unsafe { GetModuleFileNameW(first, small.as_mut_ptr(), 4) },
        4
    );
    assert_eq!((small[3], last_error()), (0, ERROR_INSUFFICIENT_BUFFER));

    assert_eq!(FreeLibrary(first), TRUE);
    assert!(is_mapped(&path), "one reference left");
    assert_eq!(counter("WS2EMU_TEST_DLLMAIN_DETACH"), 0);
    assert_eq!(FreeLibrary(first), TRUE);
    assert_eq!(
        counter("WS2EMU_TEST_DLLMAIN_DETACH"),
        1,
        "detach on the last FreeLibrary"
    );
    assert!(!is_mapped(&path));

    set_last_error(SENTINEL);
    assert_eq!(FreeLibrary(first), FALSE, "a freed HMODULE");
    assert_eq!(last_error(), ERROR_MOD_NOT_FOUND);
    set_last_error(SENTINEL);
    // SAFETY: the name is a valid string; the module value is what is under test.
    assert!(unsafe { GetProcAddress(first, c"dllmain_answer".as_ptr()) }.is_null());
    assert_eq!(last_error(), ERROR_MOD_NOT_FOUND, "never reaches dlsym");
}

#[test]
fn a_dllmain_failing_attach_fails_loadlibrary_and_unloads() {
    let path = provider("libdllmain_fail.so");
    let (module, error) = load(path.to_str().unwrap());
    assert!(module.is_null());
    assert_eq!(error, ERROR_DLL_INIT_FAILED);
    assert_eq!(counter("WS2EMU_TEST_DLLMAIN_FAIL_ATTACH"), 1);
    assert_eq!(
        counter("WS2EMU_TEST_DLLMAIN_FAIL_DETACH"),
        1,
        "DLL_PROCESS_DETACH right after the failed attach [DOC DllMain]"
    );
    assert!(!is_mapped(&path));
}

#[test]
fn loadlibrary_errors() {
    let dir = provider_dir();
    let cases = [
        (dir.join("libmissing.so"), ERROR_MOD_NOT_FOUND),
        (dir.join("libnot_elf.so"), ERROR_BAD_EXE_FORMAT),
        (dir.join("libunresolved.so"), ERROR_PROC_NOT_FOUND),
    ];
    for (path, expected) in cases {
        let (module, error) = load(path.to_str().unwrap());
        assert!(module.is_null(), "{}", path.display());
        assert_eq!(error, expected, "{}", path.display());
    }
    assert!(!is_mapped(&dir.join("libunresolved.so")));
    set_last_error(SENTINEL);
    // SAFETY: NULL is what is under test (a divergence: Windows would fault).
    assert!(unsafe { LoadLibraryW(null_mut()) }.is_null());
    assert_eq!(last_error(), ERROR_INVALID_PARAMETER);
}

#[test]
fn no_search_path_divergence() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // Windows would search the DLL search path; ws2emu never passes a relative path to dlopen.
    let (module, error) = load("libmock_failing.so");
    assert_eq!((module, error), (null_mut(), ERROR_MOD_NOT_FOUND));
    assert!(!is_mapped(&provider("libmock_failing.so")));
    let (module, error) = load("libc.so.6");
    assert_eq!(
        (module, error),
        (null_mut(), ERROR_MOD_NOT_FOUND),
        "not even libc"
    );
    // A bare name does find a module already loaded under that file name (as Windows).
    let (loaded, _) = load(provider("libmock_failing.so").to_str().unwrap());
    let (by_name, _) = load("libmock_failing.so");
    assert_eq!(loaded, by_name);
    assert_eq!(FreeLibrary(by_name), TRUE);
    assert_eq!(FreeLibrary(loaded), TRUE);
    assert!(!is_mapped(&provider("libmock_failing.so")));
}

#[test]
fn getprocaddress_and_freelibrary_validate_their_arguments() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let (module, _) = load(provider("libmock_v11.so").to_str().unwrap());
    assert!(!module.is_null());
    // SAFETY: valid names; the module values are what is under test.
    unsafe {
        assert!(!GetProcAddress(module, c"WSPStartup".as_ptr()).is_null());
        set_last_error(SENTINEL);
        assert!(GetProcAddress(module, c"NoSuchExport".as_ptr()).is_null());
        assert_eq!(last_error(), ERROR_PROC_NOT_FOUND);
        set_last_error(SENTINEL);
        assert!(
            GetProcAddress(module, c"malloc".as_ptr()).is_null(),
            "a dependency's symbol is not the module's export"
        );
        assert_eq!(last_error(), ERROR_PROC_NOT_FOUND);
        set_last_error(SENTINEL);
        assert!(
            GetProcAddress(module, 1 as LPCSTR).is_null(),
            "no ordinals (divergence)"
        );
        assert_eq!(last_error(), ERROR_PROC_NOT_FOUND);
        let forged = (module as usize + 0x1000) as HMODULE;
        set_last_error(SENTINEL);
        assert!(GetProcAddress(forged, c"WSPStartup".as_ptr()).is_null());
        assert_eq!(last_error(), ERROR_MOD_NOT_FOUND);
        set_last_error(SENTINEL);
        assert_eq!(FreeLibrary(forged), FALSE);
        assert_eq!(last_error(), ERROR_MOD_NOT_FOUND);
        set_last_error(SENTINEL);
        assert_eq!(FreeLibrary(null_mut()), FALSE);
        assert_eq!(last_error(), ERROR_INVALID_HANDLE);
        set_last_error(SENTINEL);
        assert!(GetModuleHandleW(wz("libnever_loaded.so").as_ptr()).is_null());
        assert_eq!(last_error(), ERROR_MOD_NOT_FOUND);
        assert_eq!(DisableThreadLibraryCalls(module), TRUE);
        assert_eq!(DisableThreadLibraryCalls(forged), FALSE);
    }
    assert_eq!(FreeLibrary(module), TRUE);
}

#[test]
fn environment_strings() {
    // SAFETY (whole test): NUL-terminated strings and buffers of the sizes given.
    unsafe {
        assert_eq!(
            SetEnvironmentVariableW(wz("WS2EMU_MODULES_TEST").as_ptr(), wz("/opt/x").as_ptr()),
            TRUE
        );
        let source = wz("%WS2EMU_MODULES_TEST%/lib.so");
        let needed = ExpandEnvironmentStringsW(source.as_ptr(), null_mut(), 0);
        assert_eq!(
            needed as usize,
            "/opt/x/lib.so".len() + 1,
            "size with the NUL"
        );
        let mut small = [0x5555u16; 4];
        assert_eq!(
            ExpandEnvironmentStringsW(source.as_ptr(), small.as_mut_ptr(), 4),
            needed
        );
        assert_eq!(small, [0x5555; 4], "too small: nothing written");
        let mut buffer = [0u16; 64];
        assert_eq!(
            ExpandEnvironmentStringsW(source.as_ptr(), buffer.as_mut_ptr(), 64),
            needed
        );
        assert_eq!(&buffer[..needed as usize], wz("/opt/x/lib.so").as_slice());

        let mut narrow = [0u8; 64];
        let source_a = c"%WS2EMU_MODULES_TEST%/a";
        assert_eq!(
            ExpandEnvironmentStringsA(source_a.as_ptr(), narrow.as_mut_ptr().cast(), 64),
            9
        );
        assert_eq!(&narrow[..9], b"/opt/x/a\0");

        let mut value = [0u16; 64];
        let name = wz("WS2EMU_MODULES_TEST");
        assert_eq!(
            GetEnvironmentVariableW(name.as_ptr(), value.as_mut_ptr(), 64),
            6
        );
        assert_eq!(
            GetEnvironmentVariableW(name.as_ptr(), value.as_mut_ptr(), 6),
            7
        );
        let mut value_a = [0u8; 64];
        assert_eq!(
            GetEnvironmentVariableA(
                c"WS2EMU_MODULES_TEST".as_ptr(),
                value_a.as_mut_ptr().cast(),
                64
            ),
            6
        );
        assert_eq!(
            SetEnvironmentVariableW(name.as_ptr(), null_mut()),
            TRUE,
            "delete"
        );
        set_last_error(SENTINEL);
        assert_eq!(
            GetEnvironmentVariableW(name.as_ptr(), value.as_mut_ptr(), 64),
            0
        );
        assert_eq!(last_error(), ERROR_ENVVAR_NOT_FOUND);
        set_last_error(SENTINEL);
        assert_eq!(
            SetEnvironmentVariableW(wz("A=B").as_ptr(), wz("x").as_ptr()),
            FALSE
        );
        assert_eq!(last_error(), ERROR_INVALID_PARAMETER);
    }
}
