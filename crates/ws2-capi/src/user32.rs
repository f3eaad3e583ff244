//! user32 exports: window classes, message-only windows and the per-thread message queue
//! (`shims/include/winuser.h`), on `ws2_core::window`.
//!
//! Conventions (CONVENTIONS.md): each export returns the failure value Microsoft documents
//! (0/NULL/FALSE, -1 for GetMessage, WAIT_FAILED) with the reason in the thread's last error,
//! writes `MSG` out-structs only on success, and never dereferences a NULL pointer. C window
//! procedures are wrapped into `ws2_core::window::Procedure` closures; their address is what
//! `GetWindowLongPtrW(GWLP_WNDPROC)` returns.
//!
//! Divergences from Windows, beyond those of `ws2_core::window` (each tested in
//! `tests/window_exports.rs`):
//! - a NULL `MSG*` (GetMessage, PeekMessage, DispatchMessage) or NULL class structure
//!   (RegisterClass(Ex)W) faults on Windows; here the call fails with ERROR_INVALID_PARAMETER
//!   (GetMessage returns -1, which Microsoft documents for "lpMsg is an invalid pointer");
//! - a class registered with a NULL `lpfnWndProc` gets DefWindowProcW (Windows would fault when
//!   calling it); registering under an integer atom name (`MAKEINTATOM`) fails with
//!   ERROR_INVALID_PARAMETER (Windows accepts atoms from GlobalAddAtom, which ws2emu lacks);
//! - the A functions (PostMessageA, GetMessageA, ...) are the W functions: no message carries
//!   text here, so there is nothing to convert.

use crate::boundary::{fail_api, ffi_boundary};
use crate::kernel32::{handle_array, timeout, wait_code};
use ws2_abi::{
    ATOM, BOOL, CREATESTRUCTW, DWORD, FALSE, HANDLE, HINSTANCE, HMENU, HWND, INT, LONG, LONG_PTR,
    LPARAM, LPCWSTR, LPDWORD, LPVOID, LRESULT, MSG, MWMO_WAITALL, POINT, TRUE, UINT, WAIT_FAILED,
    WM_QUIT, WNDCLASSEXW, WNDCLASSW, WNDPROC, WPARAM,
};
use ws2_core::wait::MAX_OBJECTS;
use ws2_core::window::{self, ClassName, ClassSpec, CreateParams, Filter, Message, Procedure};
use ws2_core::WinError;

/// A window procedure as ws2emu calls it: allowed to unwind (ExitThread in the procedure).
type RawWndProc = unsafe extern "system-unwind" fn(HWND, UINT, WPARAM, LPARAM) -> LRESULT;

/// Wraps a C window procedure; NULL becomes DefWindowProcW (a divergence: Windows would fault).
fn procedure(proc_: WNDPROC) -> Procedure {
    match proc_ {
        Some(f) => Procedure::new(f as usize as isize, move |hwnd, msg, wparam, lparam| {
            // SAFETY: the same function; only Rust's view of whether it may unwind changes.
            let f = unsafe {
                std::mem::transmute::<
                    unsafe extern "system" fn(HWND, UINT, WPARAM, LPARAM) -> LRESULT,
                    RawWndProc,
                >(f)
            };
            // SAFETY: `f` is the window procedure the application registered or installed; it is
            // called as Windows calls it, with the four message arguments, on the window's thread.
            unsafe { f(hwnd as HWND, msg, wparam, lparam) }
        }),
        None => Procedure::default_proc(),
    }
}

/// Reads a NUL-terminated UTF-16 string (without the NUL).
///
/// # Safety
/// `s` is non-null and points to a NUL-terminated UTF-16 string that outlives `'a`.
unsafe fn wide_str<'a>(s: LPCWSTR) -> &'a [u16] {
    let mut len = 0;
    // SAFETY: every unit up to and including the NUL is readable (contract).
    while unsafe { *s.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: the `len` units before the NUL were just read.
    unsafe { std::slice::from_raw_parts(s, len) }
}

/// A class name argument: an atom when `IS_INTRESOURCE` (NULL is atom 0, which no class has).
///
/// # Safety
/// `name` is an atom value or a NUL-terminated UTF-16 string that outlives `'a`.
unsafe fn class_name<'a>(name: LPCWSTR) -> ClassName<'a> {
    let value = name as usize;
    if value >> 16 == 0 {
        ClassName::Atom(value as u16)
    } else {
        // SAFETY: not an atom, so a string (contract).
        ClassName::Name(unsafe { wide_str(name) })
    }
}

fn bool_result(result: ws2_core::Result<()>) -> BOOL {
    result.map_or_else(|e| fail_api(e, FALSE), |()| TRUE)
}

/// Registers a class from the fields RegisterClassW and RegisterClassExW share.
///
/// # Safety
/// `name` is an atom value or a NUL-terminated UTF-16 string.
unsafe fn register(
    style: UINT,
    proc_: WNDPROC,
    cls_extra: INT,
    wnd_extra: INT,
    instance: HINSTANCE,
    name: LPCWSTR,
) -> ATOM {
    // SAFETY: forwarded caller contract.
    let ClassName::Name(name) = (unsafe { class_name(name) }) else {
        return fail_api(WinError::INVALID_PARAMETER, 0);
    };
    let spec = ClassSpec {
        name: name.to_vec(),
        style,
        procedure: procedure(proc_),
        cls_extra,
        wnd_extra,
        instance: instance as usize,
    };
    window::register_class(spec).unwrap_or_else(|e| fail_api(e, 0))
}

/// RegisterClassW: registers a window class; returns its atom, or 0 with
/// ERROR_CLASS_ALREADY_EXISTS (a name is registered once per process, case-insensitively) or
/// ERROR_INVALID_PARAMETER (NULL structure, empty or integer name, negative extra bytes).
///
/// # Safety
/// `class` is NULL or points to a `WNDCLASSW` whose class name is an atom value or a
/// NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn RegisterClassW(class: *const WNDCLASSW) -> ATOM {
    ffi_boundary("RegisterClassW", 0, || {
        if class.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, 0);
        }
        // SAFETY: non-null and readable (contract).
        let c = unsafe { class.read() };
        // SAFETY: the class name is an atom or a string (contract).
        unsafe {
            register(
                c.style,
                c.lpfnWndProc,
                c.cbClsExtra,
                c.cbWndExtra,
                c.hInstance,
                c.lpszClassName,
            )
        }
    })
}

/// RegisterClassExW: as RegisterClassW; `cbSize` must be `sizeof(WNDCLASSEXW)` (else 0 with
/// ERROR_INVALID_PARAMETER, as Wine measures). `hIconSm` and the other drawing fields are ignored.
///
/// # Safety
/// `class` is NULL or points to a `WNDCLASSEXW` whose class name is an atom value or a
/// NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn RegisterClassExW(class: *const WNDCLASSEXW) -> ATOM {
    ffi_boundary("RegisterClassExW", 0, || {
        if class.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, 0);
        }
        // SAFETY: non-null, and at least cbSize is readable (contract).
        let size = unsafe { std::ptr::addr_of!((*class).cbSize).read() };
        if size as usize != std::mem::size_of::<WNDCLASSEXW>() {
            return fail_api(WinError::INVALID_PARAMETER, 0);
        }
        // SAFETY: cbSize says the whole structure is there.
        let c = unsafe { class.read() };
        // SAFETY: the class name is an atom or a string (contract).
        unsafe {
            register(
                c.style,
                c.lpfnWndProc,
                c.cbClsExtra,
                c.cbWndExtra,
                c.hInstance,
                c.lpszClassName,
            )
        }
    })
}

/// UnregisterClassW: FALSE with ERROR_CLASS_DOES_NOT_EXIST (unknown name or atom) or
/// ERROR_CLASS_HAS_WINDOWS (1412). `hInstance` is ignored (classes are keyed by name).
///
/// # Safety
/// `name` is an atom value or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "system" fn UnregisterClassW(name: LPCWSTR, _instance: HINSTANCE) -> BOOL {
    ffi_boundary("UnregisterClassW", FALSE, || {
        // SAFETY: forwarded caller contract.
        bool_result(window::unregister_class(unsafe { class_name(name) }))
    })
}

/// CreateWindowExW: a message-only window owned by the calling thread, whatever the parent
/// (`HWND_MESSAGE`, NULL or a window); WM_NCCREATE and WM_CREATE reach the procedure with a
/// `CREATESTRUCTW*` before this returns. NULL on failure: ERROR_CANNOT_FIND_WND_CLASS,
/// ERROR_INVALID_WINDOW_HANDLE (bad parent), or last error 0 when the procedure refused creation.
///
/// # Safety
/// `class_name` is an atom value or a NUL-terminated UTF-16 string; `window_name` is passed to
/// the procedure untouched.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system-unwind" fn CreateWindowExW(
    ex_style: DWORD,
    class_name_: LPCWSTR,
    window_name: LPCWSTR,
    style: DWORD,
    x: INT,
    y: INT,
    width: INT,
    height: INT,
    parent: HWND,
    menu: HMENU,
    instance: HINSTANCE,
    param: LPVOID,
) -> HWND {
    ffi_boundary("CreateWindowExW", std::ptr::null_mut(), || {
        let create = CREATESTRUCTW {
            lpCreateParams: param,
            hInstance: instance,
            hMenu: menu,
            hwndParent: parent,
            cy: height,
            cx: width,
            y,
            x,
            style: style as LONG,
            lpszName: window_name,
            lpszClass: class_name_,
            dwExStyle: ex_style,
        };
        let params = CreateParams {
            // SAFETY: forwarded caller contract.
            class: unsafe { class_name(class_name_) },
            ex_style,
            style,
            parent: parent as usize,
            id: menu as usize,
            instance: instance as usize,
            create_struct: &create as *const CREATESTRUCTW as isize,
        };
        window::create_window(&params)
            .map_or_else(|e| fail_api(e, std::ptr::null_mut()), |h| h as HWND)
    })
}

/// DestroyWindow: FALSE with ERROR_INVALID_WINDOW_HANDLE, or ERROR_ACCESS_DENIED from a thread
/// other than the creator.
#[no_mangle]
pub extern "system-unwind" fn DestroyWindow(hwnd: HWND) -> BOOL {
    ffi_boundary("DestroyWindow", FALSE, || {
        bool_result(window::destroy_window(hwnd as usize))
    })
}

/// IsWindow: TRUE for a live window of any thread; never sets the last error.
#[no_mangle]
pub extern "system" fn IsWindow(hwnd: HWND) -> BOOL {
    ffi_boundary("IsWindow", FALSE, || {
        BOOL::from(window::is_window(hwnd as usize))
    })
}

/// DefWindowProcW: TRUE for WM_NCCREATE, destroys the window for WM_CLOSE, 0 otherwise.
#[no_mangle]
pub extern "system" fn DefWindowProcW(
    hwnd: HWND,
    msg: UINT,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    ffi_boundary("DefWindowProcW", 0, || {
        window::def_window_proc(hwnd as usize, msg, wparam, lparam)
    })
}

/// GetWindowLongPtrW: 0 with ERROR_INVALID_WINDOW_HANDLE or ERROR_INVALID_INDEX on failure; a
/// successful 0 leaves the last error alone, as on Windows.
#[no_mangle]
pub extern "system" fn GetWindowLongPtrW(hwnd: HWND, index: INT) -> LONG_PTR {
    ffi_boundary("GetWindowLongPtrW", 0, || {
        window::get_window_long(hwnd as usize, index).unwrap_or_else(|e| fail_api(e, 0))
    })
}

/// SetWindowLongPtrW: returns the previous value; 0 with ERROR_INVALID_WINDOW_HANDLE or
/// ERROR_INVALID_INDEX on failure. `GWLP_WNDPROC` installs `value` as the window procedure
/// (NULL installs DefWindowProcW).
///
/// # Safety
/// For `GWLP_WNDPROC`, `value` is NULL or the address of a `WNDPROC`.
#[no_mangle]
pub unsafe extern "system" fn SetWindowLongPtrW(
    hwnd: HWND,
    index: INT,
    value: LONG_PTR,
) -> LONG_PTR {
    ffi_boundary("SetWindowLongPtrW", 0, || {
        let result = if index == ws2_abi::GWLP_WNDPROC {
            // SAFETY: a non-null GWLP_WNDPROC value is a window procedure's address (contract);
            // WNDPROC is a nullable function pointer of LONG_PTR's size, and 0 is None.
            let proc_ = unsafe { std::mem::transmute::<usize, WNDPROC>(value as usize) };
            window::set_window_proc(hwnd as usize, procedure(proc_))
        } else {
            window::set_window_long(hwnd as usize, index, value)
        };
        result.unwrap_or_else(|e| fail_api(e, 0))
    })
}

/// GetWindowThreadProcessId: the creating thread's id, and the process id in `*process_id` if
/// that is not NULL; 0 with ERROR_INVALID_WINDOW_HANDLE for a dead window (nothing written).
///
/// # Safety
/// `process_id` is NULL or valid for writing a DWORD.
#[no_mangle]
pub unsafe extern "system" fn GetWindowThreadProcessId(hwnd: HWND, process_id: LPDWORD) -> DWORD {
    ffi_boundary("GetWindowThreadProcessId", 0, || {
        match window::window_thread(hwnd as usize) {
            Ok(tid) => {
                if !process_id.is_null() {
                    // SAFETY: non-null and writable (contract).
                    unsafe { process_id.write(std::process::id()) };
                }
                tid
            }
            Err(e) => fail_api(e, 0),
        }
    })
}

/// PostMessageW: appends to the queue of the thread owning `hwnd` (NULL: the calling thread's
/// queue, as a thread message), from any thread. FALSE with ERROR_INVALID_WINDOW_HANDLE (1400)
/// or ERROR_NOT_ENOUGH_QUOTA (1816, 10000 messages queued).
#[no_mangle]
pub extern "system" fn PostMessageW(hwnd: HWND, msg: UINT, wparam: WPARAM, lparam: LPARAM) -> BOOL {
    ffi_boundary("PostMessageW", FALSE, || {
        bool_result(window::post_message(hwnd as usize, msg, wparam, lparam))
    })
}

/// PostMessageA: PostMessageW (no message carries text here).
#[no_mangle]
pub extern "system" fn PostMessageA(hwnd: HWND, msg: UINT, wparam: WPARAM, lparam: LPARAM) -> BOOL {
    PostMessageW(hwnd, msg, wparam, lparam)
}

/// PostThreadMessageW: FALSE with ERROR_INVALID_THREAD_ID (1444) for an unknown or exited
/// thread, or one without a message queue; ERROR_NOT_ENOUGH_QUOTA when its queue is full.
#[no_mangle]
pub extern "system" fn PostThreadMessageW(
    thread_id: DWORD,
    msg: UINT,
    wparam: WPARAM,
    lparam: LPARAM,
) -> BOOL {
    ffi_boundary("PostThreadMessageW", FALSE, || {
        bool_result(window::post_thread_message(thread_id, msg, wparam, lparam))
    })
}

/// PostThreadMessageA: PostThreadMessageW.
#[no_mangle]
pub extern "system" fn PostThreadMessageA(
    thread_id: DWORD,
    msg: UINT,
    wparam: WPARAM,
    lparam: LPARAM,
) -> BOOL {
    PostThreadMessageW(thread_id, msg, wparam, lparam)
}

/// SendMessageW: calls the procedure of a window of the calling thread and returns its result.
/// 0 with ERROR_INVALID_WINDOW_HANDLE for a dead window, ERROR_NOT_SUPPORTED for a window of
/// another thread (cross-thread sends are not implemented).
#[no_mangle]
pub extern "system-unwind" fn SendMessageW(
    hwnd: HWND,
    msg: UINT,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    ffi_boundary("SendMessageW", 0, || {
        window::send_message(hwnd as usize, msg, wparam, lparam).unwrap_or_else(|e| fail_api(e, 0))
    })
}

/// Writes a retrieved message to the caller's MSG.
///
/// # Safety
/// `out` is non-null and valid for writing a MSG.
unsafe fn write_msg(out: *mut MSG, m: &Message) {
    let msg = MSG {
        hwnd: m.hwnd as HWND,
        message: m.message,
        wParam: m.wparam,
        lParam: m.lparam,
        time: m.time,
        pt: POINT {
            x: m.pt.0,
            y: m.pt.1,
        },
    };
    // SAFETY: contract.
    unsafe { out.write(msg) };
}

/// # Safety
/// `msg` is NULL or valid for writing a MSG.
unsafe fn get_message(export: &str, msg: *mut MSG, hwnd: HWND, min: UINT, max: UINT) -> BOOL {
    ffi_boundary(export, -1, || {
        if msg.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, -1);
        }
        match window::get_message(&Filter::new(hwnd as usize, min, max)) {
            Ok(m) => {
                // SAFETY: non-null and writable (contract).
                unsafe { write_msg(msg, &m) };
                BOOL::from(m.message != WM_QUIT)
            }
            Err(e) => fail_api(e, -1),
        }
    })
}

/// GetMessageW: waits for a message of the calling thread matching the filter (hwnd NULL: any;
/// `(HWND)-1`: thread messages; a window: its messages; range `0, 0`: all) and removes it.
/// Returns nonzero, 0 for WM_QUIT, or -1 with ERROR_INVALID_WINDOW_HANDLE (filter is not a
/// window) or ERROR_INVALID_PARAMETER (NULL `msg`).
///
/// # Safety
/// `msg` is NULL or valid for writing a MSG.
#[no_mangle]
pub unsafe extern "system" fn GetMessageW(msg: *mut MSG, hwnd: HWND, min: UINT, max: UINT) -> BOOL {
    // SAFETY: forwarded caller contract.
    unsafe { get_message("GetMessageW", msg, hwnd, min, max) }
}

/// GetMessageA: GetMessageW.
///
/// # Safety
/// `msg` is NULL or valid for writing a MSG.
#[no_mangle]
pub unsafe extern "system" fn GetMessageA(msg: *mut MSG, hwnd: HWND, min: UINT, max: UINT) -> BOOL {
    // SAFETY: forwarded caller contract.
    unsafe { get_message("GetMessageA", msg, hwnd, min, max) }
}

/// # Safety
/// `msg` is NULL or valid for writing a MSG.
unsafe fn peek_message(
    export: &str,
    msg: *mut MSG,
    hwnd: HWND,
    min: UINT,
    max: UINT,
    flags: UINT,
) -> BOOL {
    ffi_boundary(export, FALSE, || {
        if msg.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, FALSE);
        }
        match window::peek_message(&Filter::new(hwnd as usize, min, max), flags) {
            Ok(Some(m)) => {
                // SAFETY: non-null and writable (contract).
                unsafe { write_msg(msg, &m) };
                TRUE
            }
            Ok(None) => FALSE,
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// PeekMessageW: like GetMessageW without waiting; PM_REMOVE removes the message, PM_NOREMOVE
/// leaves it. FALSE when nothing matches (last error untouched), or with
/// ERROR_INVALID_WINDOW_HANDLE / ERROR_INVALID_PARAMETER (NULL `msg`).
///
/// # Safety
/// `msg` is NULL or valid for writing a MSG.
#[no_mangle]
pub unsafe extern "system" fn PeekMessageW(
    msg: *mut MSG,
    hwnd: HWND,
    min: UINT,
    max: UINT,
    flags: UINT,
) -> BOOL {
    // SAFETY: forwarded caller contract.
    unsafe { peek_message("PeekMessageW", msg, hwnd, min, max, flags) }
}

/// PeekMessageA: PeekMessageW.
///
/// # Safety
/// `msg` is NULL or valid for writing a MSG.
#[no_mangle]
pub unsafe extern "system" fn PeekMessageA(
    msg: *mut MSG,
    hwnd: HWND,
    min: UINT,
    max: UINT,
    flags: UINT,
) -> BOOL {
    // SAFETY: forwarded caller contract.
    unsafe { peek_message("PeekMessageA", msg, hwnd, min, max, flags) }
}

/// TranslateMessage: there is no keyboard input, so nothing is translated: FALSE, always.
#[no_mangle]
pub extern "system" fn TranslateMessage(_msg: *const MSG) -> BOOL {
    ffi_boundary("TranslateMessage", FALSE, || FALSE)
}

/// # Safety
/// `msg` is NULL or valid for reading a MSG.
unsafe fn dispatch_message(export: &str, msg: *const MSG) -> LRESULT {
    ffi_boundary(export, 0, || {
        if msg.is_null() {
            return fail_api(WinError::INVALID_PARAMETER, 0);
        }
        // SAFETY: non-null and readable (contract).
        let m = unsafe { msg.read() };
        let message = Message {
            hwnd: m.hwnd as usize,
            message: m.message,
            wparam: m.wParam,
            lparam: m.lParam,
            time: m.time,
            pt: (m.pt.x, m.pt.y),
        };
        window::dispatch_message(&message).unwrap_or_else(|e| fail_api(e, 0))
    })
}

/// DispatchMessageW: calls the procedure of `msg->hwnd` (a window of the calling thread) and
/// returns its result; 0 for a thread message. 0 with ERROR_INVALID_WINDOW_HANDLE for a dead
/// window (nothing is called), ERROR_NOT_SUPPORTED for another thread's window,
/// ERROR_INVALID_PARAMETER for NULL.
///
/// # Safety
/// `msg` is NULL or valid for reading a MSG.
#[no_mangle]
pub unsafe extern "system-unwind" fn DispatchMessageW(msg: *const MSG) -> LRESULT {
    // SAFETY: forwarded caller contract.
    unsafe { dispatch_message("DispatchMessageW", msg) }
}

/// DispatchMessageA: DispatchMessageW.
///
/// # Safety
/// `msg` is NULL or valid for reading a MSG.
#[no_mangle]
pub unsafe extern "system-unwind" fn DispatchMessageA(msg: *const MSG) -> LRESULT {
    // SAFETY: forwarded caller contract.
    unsafe { dispatch_message("DispatchMessageA", msg) }
}

/// PostQuitMessage: the calling thread's next GetMessage, once the posted messages are
/// retrieved, returns 0 with WM_QUIT (wParam = `code`).
#[no_mangle]
pub extern "system" fn PostQuitMessage(code: INT) {
    ffi_boundary("PostQuitMessage", (), || {
        if let Err(e) = window::post_quit_message(code) {
            fail_api(e, ())
        }
    })
}

/// MsgWaitForMultipleObjects: MsgWaitForMultipleObjectsEx with MWMO_WAITALL when `wait_all`.
///
/// # Safety
/// `handles` is NULL or valid for reading `count` handles.
#[no_mangle]
pub unsafe extern "system" fn MsgWaitForMultipleObjects(
    count: DWORD,
    handles: *const HANDLE,
    wait_all: BOOL,
    ms: DWORD,
    wake_mask: DWORD,
) -> DWORD {
    let flags = if wait_all != FALSE { MWMO_WAITALL } else { 0 };
    // SAFETY: forwarded caller contract.
    unsafe { MsgWaitForMultipleObjectsEx(count, handles, ms, wake_mask, flags) }
}

/// MsgWaitForMultipleObjectsEx: WAIT_OBJECT_0 + i for a signalled object, WAIT_OBJECT_0 + count
/// for posted input of `wake_mask` (new since the queue was last looked at, or any with
/// MWMO_INPUTAVAILABLE), WAIT_IO_COMPLETION after APCs (MWMO_ALERTABLE), WAIT_TIMEOUT.
/// WAIT_FAILED with ERROR_INVALID_PARAMETER (more than 63 handles, NULL array, duplicate in a
/// wait-all) or ERROR_INVALID_HANDLE.
///
/// # Safety
/// `handles` is NULL or valid for reading `count` handles.
#[no_mangle]
pub unsafe extern "system-unwind" fn MsgWaitForMultipleObjectsEx(
    count: DWORD,
    handles: *const HANDLE,
    ms: DWORD,
    wake_mask: DWORD,
    flags: DWORD,
) -> DWORD {
    ffi_boundary("MsgWaitForMultipleObjectsEx", WAIT_FAILED, || {
        if count as usize > MAX_OBJECTS - 1 {
            return fail_api(WinError::INVALID_PARAMETER, WAIT_FAILED);
        }
        // SAFETY: forwarded caller contract.
        let list = match unsafe { handle_array(handles, count) } {
            Ok(list) => list,
            Err(e) => return fail_api(e, WAIT_FAILED),
        };
        wait_code(
            window::msg_wait(&list, timeout(ms), wake_mask, flags),
            list.len(),
        )
    })
}
