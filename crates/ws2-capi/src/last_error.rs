//! The thread's last error, shared by `GetLastError`/`SetLastError` and
//! `WSAGetLastError`/`WSASetLastError`.
//!
//! Windows contract: one 32-bit value per thread; Winsock's accessors are the same storage as
//! kernel32's (`WSAGetLastError` returns what `SetLastError` stored and vice versa); a new
//! thread starts with 0. Emulation: a `thread_local!` cell. Divergence: none known.

use crate::boundary::ffi_boundary;
use std::cell::Cell;

thread_local! {
    static LAST_ERROR: Cell<u32> = const { Cell::new(0) };
}

/// Stores `code` as the calling thread's last error.
pub fn set(code: u32) {
    LAST_ERROR.with(|cell| cell.set(code));
}

/// The calling thread's last error.
pub fn get() -> u32 {
    LAST_ERROR.with(Cell::get)
}

#[no_mangle]
pub extern "system" fn GetLastError() -> u32 {
    ffi_boundary("GetLastError", 0, get)
}

#[no_mangle]
pub extern "system" fn SetLastError(code: u32) {
    ffi_boundary("SetLastError", (), || set(code))
}

#[no_mangle]
pub extern "system" fn WSAGetLastError() -> i32 {
    ffi_boundary("WSAGetLastError", 0, || get() as i32)
}

#[no_mangle]
pub extern "system" fn WSASetLastError(code: i32) {
    ffi_boundary("WSASetLastError", (), || set(code as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winsock_and_kernel32_share_one_value_per_thread() {
        SetLastError(ws2_abi::ERROR_INVALID_HANDLE);
        assert_eq!(WSAGetLastError(), 6);
        WSASetLastError(ws2_abi::WSAENOTSOCK);
        assert_eq!(GetLastError(), 10038);
        let other = std::thread::spawn(|| (GetLastError(), WSAGetLastError()))
            .join()
            .unwrap();
        assert_eq!(other, (0, 0), "a new thread starts with no error");
        assert_eq!(
            WSAGetLastError(),
            10038,
            "other threads do not disturb ours"
        );
    }
}
