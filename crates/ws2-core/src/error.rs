//! Error codes: one open newtype over the Windows error number space.
//!
//! Win32 codes (`ERROR_INVALID_HANDLE` = 6) and Winsock codes (`WSAENOTSOCK` = 10038) share one
//! numbering on Windows (`WSAGetLastError` and `GetLastError` read the same value), so one type
//! carries both. It is a newtype, not an enum: any value a provider reports passes through intact.

use std::fmt;
use ws2_abi as abi;

/// A Windows error code (Win32 `ERROR_*` or Winsock `WSA*`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WinError(pub u32);

pub type Result<T> = std::result::Result<T, WinError>;

impl WinError {
    pub const INVALID_HANDLE: Self = Self(abi::ERROR_INVALID_HANDLE);
    pub const NOT_ENOUGH_MEMORY: Self = Self(abi::ERROR_NOT_ENOUGH_MEMORY);
    pub const GEN_FAILURE: Self = Self(abi::ERROR_GEN_FAILURE);
    pub const INVALID_PARAMETER: Self = Self(abi::ERROR_INVALID_PARAMETER);
    pub const INVALID_WINDOW_HANDLE: Self = Self(abi::ERROR_INVALID_WINDOW_HANDLE);
    pub const NOT_ENOUGH_QUOTA: Self = Self(abi::ERROR_NOT_ENOUGH_QUOTA);
    pub const CLASS_ALREADY_EXISTS: Self = Self(abi::ERROR_CLASS_ALREADY_EXISTS);
    pub const CANNOT_FIND_WND_CLASS: Self = Self(abi::ERROR_CANNOT_FIND_WND_CLASS);
    pub const CLASS_DOES_NOT_EXIST: Self = Self(abi::ERROR_CLASS_DOES_NOT_EXIST);
    pub const NOT_OWNER: Self = Self(abi::ERROR_NOT_OWNER);
    pub const TOO_MANY_POSTS: Self = Self(abi::ERROR_TOO_MANY_POSTS);
    pub const ACCESS_DENIED: Self = Self(abi::ERROR_ACCESS_DENIED);
    pub const WSAEINTR: Self = Self(abi::WSAEINTR as u32);
    pub const WSAEFAULT: Self = Self(abi::WSAEFAULT as u32);
    pub const WSAEINVAL: Self = Self(abi::WSAEINVAL as u32);
    pub const WSAENOTSOCK: Self = Self(abi::WSAENOTSOCK as u32);
    pub const WSAENOBUFS: Self = Self(abi::WSAENOBUFS as u32);
    pub const WSAEOPNOTSUPP: Self = Self(abi::WSAEOPNOTSUPP as u32);
    pub const WSANOTINITIALISED: Self = Self(abi::WSANOTINITIALISED as u32);
    pub const WSAVERNOTSUPPORTED: Self = Self(abi::WSAVERNOTSUPPORTED as u32);
    pub const WSASYSNOTREADY: Self = Self(abi::WSASYSNOTREADY as u32);

    /// The value as a Winsock `int` error (`*lpErrno`, `WSAGetLastError`).
    pub fn as_i32(self) -> i32 {
        self.0 as i32
    }

    /// The symbolic name (`WSAENOTSOCK`), or `None` for a code this table does not know.
    pub fn name(self) -> Option<&'static str> {
        NAMES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, name)| *name)
    }
}

impl fmt::Debug for WinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name}"),
            None => write!(f, "error {}", self.0),
        }
    }
}

impl fmt::Display for WinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "error {}", self.0),
        }
    }
}

impl std::error::Error for WinError {}

macro_rules! names {
    ($($name:ident),* $(,)?) => { &[$((abi::$name as u32, stringify!($name))),*] };
}

/// Codes printed by name in traces and messages.
const NAMES: &[(u32, &str)] = names![
    ERROR_SUCCESS,
    ERROR_INVALID_FUNCTION,
    ERROR_FILE_NOT_FOUND,
    ERROR_PATH_NOT_FOUND,
    ERROR_ACCESS_DENIED,
    ERROR_INVALID_HANDLE,
    ERROR_NOT_ENOUGH_MEMORY,
    ERROR_INVALID_DATA,
    ERROR_OUTOFMEMORY,
    ERROR_NOT_SUPPORTED,
    ERROR_GEN_FAILURE,
    ERROR_HANDLE_EOF,
    ERROR_NETNAME_DELETED,
    ERROR_INVALID_PARAMETER,
    ERROR_BROKEN_PIPE,
    ERROR_CALL_NOT_IMPLEMENTED,
    ERROR_INSUFFICIENT_BUFFER,
    ERROR_INVALID_NAME,
    ERROR_MOD_NOT_FOUND,
    ERROR_PROC_NOT_FOUND,
    ERROR_ALREADY_EXISTS,
    ERROR_ENVVAR_NOT_FOUND,
    ERROR_MORE_DATA,
    ERROR_NO_MORE_ITEMS,
    ERROR_NOT_OWNER,
    ERROR_TOO_MANY_POSTS,
    ERROR_OPERATION_ABORTED,
    ERROR_IO_INCOMPLETE,
    ERROR_IO_PENDING,
    ERROR_NOT_FOUND,
    ERROR_CONNECTION_ABORTED,
    ERROR_INVALID_WINDOW_HANDLE,
    ERROR_CLASS_ALREADY_EXISTS,
    ERROR_CLASS_DOES_NOT_EXIST,
    ERROR_CANNOT_FIND_WND_CLASS,
    ERROR_NOT_ENOUGH_QUOTA,
    ERROR_TIMEOUT,
    WSAEINTR,
    WSAEBADF,
    WSAEACCES,
    WSAEFAULT,
    WSAEINVAL,
    WSAEMFILE,
    WSAEWOULDBLOCK,
    WSAEINPROGRESS,
    WSAEALREADY,
    WSAENOTSOCK,
    WSAEDESTADDRREQ,
    WSAEMSGSIZE,
    WSAEPROTOTYPE,
    WSAENOPROTOOPT,
    WSAEPROTONOSUPPORT,
    WSAESOCKTNOSUPPORT,
    WSAEOPNOTSUPP,
    WSAEPFNOSUPPORT,
    WSAEAFNOSUPPORT,
    WSAEADDRINUSE,
    WSAEADDRNOTAVAIL,
    WSAENETDOWN,
    WSAENETUNREACH,
    WSAENETRESET,
    WSAECONNABORTED,
    WSAECONNRESET,
    WSAENOBUFS,
    WSAEISCONN,
    WSAENOTCONN,
    WSAESHUTDOWN,
    WSAETOOMANYREFS,
    WSAETIMEDOUT,
    WSAECONNREFUSED,
    WSAELOOP,
    WSAENAMETOOLONG,
    WSAEHOSTDOWN,
    WSAEHOSTUNREACH,
    WSAENOTEMPTY,
    WSAEPROCLIM,
    WSAEUSERS,
    WSAEDQUOT,
    WSAESTALE,
    WSAEREMOTE,
    WSASYSNOTREADY,
    WSAVERNOTSUPPORTED,
    WSANOTINITIALISED,
    WSAEDISCON,
    WSAENOMORE,
    WSAECANCELLED,
    WSAEINVALIDPROCTABLE,
    WSAEINVALIDPROVIDER,
    WSAEPROVIDERFAILEDINIT,
    WSASYSCALLFAILURE,
    WSASERVICE_NOT_FOUND,
    WSATYPE_NOT_FOUND,
    WSA_E_NO_MORE,
    WSA_E_CANCELLED,
    WSAEREFUSED,
    WSAHOST_NOT_FOUND,
    WSATRY_AGAIN,
    WSANO_RECOVERY,
    WSANO_DATA,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_win32_and_winsock_codes() {
        assert_eq!(WinError::WSAENOTSOCK.name(), Some("WSAENOTSOCK"));
        assert_eq!(
            WinError::INVALID_HANDLE.name(),
            Some("ERROR_INVALID_HANDLE")
        );
        assert_eq!(
            format!("{}", WinError(10106)),
            "WSAEPROVIDERFAILEDINIT (10106)"
        );
        assert_eq!(format!("{:?}", WinError(123456)), "error 123456");
    }
}
