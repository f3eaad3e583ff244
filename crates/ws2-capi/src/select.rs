//! `__WSAFDIsSet`: the function behind the `FD_ISSET` macro of winsock2.h.
//!
//! Windows contract: non-zero if `fd` occurs among `set->fd_array[0 .. set->fd_count)`, else 0.
//! `fd_set` is a counted array, and an application may compile with a larger `FD_SETSIZE`, so
//! `fd_count` may exceed 64: the scan covers `fd_count` entries of the caller's memory and never
//! clamps. Emulation: a linear scan, as on Windows. Divergence: a NULL `set` returns 0 instead of
//! faulting.

use crate::boundary::ffi_boundary;
use ws2_abi::{fd_set, SOCKET};

/// Scans a caller-owned Windows `fd_set` for `fd`.
///
/// # Safety
/// `set` is NULL or points to an `fd_set` whose `fd_array` holds at least `fd_count` entries.
pub unsafe fn fd_is_set(fd: SOCKET, set: *const fd_set) -> bool {
    if set.is_null() {
        return false;
    }
    // SAFETY: `set` is non-null and, by the caller's contract, readable for the header and
    // `fd_count` array entries. The array pointer is derived from the raw `set` pointer (not from
    // a reference to the 64-entry Rust array), so reading past index 63 stays within the
    // caller's allocation when the application was built with a larger FD_SETSIZE.
    unsafe {
        let count = std::ptr::addr_of!((*set).fd_count).read() as usize;
        let first = std::ptr::addr_of!((*set).fd_array).cast::<SOCKET>();
        std::slice::from_raw_parts(first, count).contains(&fd)
    }
}

/// The export behind `FD_ISSET`.
///
/// # Safety
/// `set` is NULL or points to an `fd_set` holding at least `fd_count` entries.
#[no_mangle]
pub unsafe extern "system" fn __WSAFDIsSet(fd: SOCKET, set: *mut fd_set) -> i32 {
    // SAFETY: the C caller passes the fd_set it built with FD_SET (FD_ISSET's contract).
    ffi_boundary("__WSAFDIsSet", 0, || {
        i32::from(unsafe { fd_is_set(fd, set) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(members: &[SOCKET]) -> fd_set {
        // SAFETY: fd_set is plain data; all-zero is an empty set.
        let mut set: fd_set = unsafe { std::mem::zeroed() };
        set.fd_array[..members.len()].copy_from_slice(members);
        set.fd_count = members.len() as u32;
        set
    }

    #[test]
    fn finds_members_within_fd_count_only() {
        let mut set = set_of(&[4, 8, 12]);
        // SAFETY: `set` is a valid fd_set for every call below.
        unsafe {
            assert_eq!(__WSAFDIsSet(4, &mut set), 1, "first member");
            assert_eq!(__WSAFDIsSet(12, &mut set), 1, "last member");
            assert_eq!(__WSAFDIsSet(16, &mut set), 0, "absent");
            set.fd_count = 2;
            assert_eq!(
                __WSAFDIsSet(12, &mut set),
                0,
                "value beyond fd_count is not a member"
            );
            set.fd_count = 0;
            assert_eq!(__WSAFDIsSet(4, &mut set), 0, "empty set");
            assert_eq!(__WSAFDIsSet(4, std::ptr::null_mut()), 0, "NULL set");
        }
    }

    #[test]
    fn scans_past_64_entries_of_a_larger_fd_setsize() {
        /// An fd_set compiled with FD_SETSIZE 128.
        #[repr(C)]
        struct BigSet {
            fd_count: u32,
            fd_array: [SOCKET; 128],
        }
        let mut big = BigSet {
            fd_count: 100,
            fd_array: [0; 128],
        };
        big.fd_array[99] = 0x1234;
        // SAFETY: BigSet starts like fd_set and holds fd_count entries.
        let found = unsafe { __WSAFDIsSet(0x1234, (&mut big as *mut BigSet).cast()) };
        assert_eq!(found, 1);
    }
}
