//! [`WsaError`]: a Windows Sockets error code as a Rust error.
#![forbid(unsafe_code)]

use std::fmt;
use std::io;
use ws2_abi as w;

/// A Windows Sockets error code (`WSAE*`, `WSA_*`, or a Win32 `ERROR_*` where Winsock reports
/// one). The newtype is open: any `i32` is representable, the associated constants name the
/// common ones, and `.0` is the code a C caller sees in `*lpErrno` or `WSAGetLastError()`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct WsaError(pub i32);

/// The result type of provider methods, upcalls and the client API.
pub type WsaResult<T> = Result<T, WsaError>;

impl WsaError {
    pub const WSAEINTR: Self = Self(w::WSAEINTR);
    pub const WSAEFAULT: Self = Self(w::WSAEFAULT);
    pub const WSAEINVAL: Self = Self(w::WSAEINVAL);
    pub const WSAEWOULDBLOCK: Self = Self(w::WSAEWOULDBLOCK);
    pub const WSAENOTSOCK: Self = Self(w::WSAENOTSOCK);
    pub const WSAEMSGSIZE: Self = Self(w::WSAEMSGSIZE);
    pub const WSAENOPROTOOPT: Self = Self(w::WSAENOPROTOOPT);
    pub const WSAEPROTONOSUPPORT: Self = Self(w::WSAEPROTONOSUPPORT);
    pub const WSAESOCKTNOSUPPORT: Self = Self(w::WSAESOCKTNOSUPPORT);
    pub const WSAEOPNOTSUPP: Self = Self(w::WSAEOPNOTSUPP);
    pub const WSAEAFNOSUPPORT: Self = Self(w::WSAEAFNOSUPPORT);
    pub const WSAEADDRINUSE: Self = Self(w::WSAEADDRINUSE);
    pub const WSAECONNRESET: Self = Self(w::WSAECONNRESET);
    pub const WSAENOBUFS: Self = Self(w::WSAENOBUFS);
    pub const WSAEISCONN: Self = Self(w::WSAEISCONN);
    pub const WSAENOTCONN: Self = Self(w::WSAENOTCONN);
    pub const WSAESHUTDOWN: Self = Self(w::WSAESHUTDOWN);
    pub const WSAECONNREFUSED: Self = Self(w::WSAECONNREFUSED);
    pub const WSAVERNOTSUPPORTED: Self = Self(w::WSAVERNOTSUPPORTED);
    pub const WSANOTINITIALISED: Self = Self(w::WSANOTINITIALISED);
    pub const WSASYSCALLFAILURE: Self = Self(w::WSASYSCALLFAILURE);
    pub const WSA_IO_PENDING: Self = Self(w::WSA_IO_PENDING);
    pub const WSA_INVALID_HANDLE: Self = Self(w::WSA_INVALID_HANDLE);

    /// The numeric code.
    pub const fn code(self) -> i32 {
        self.0
    }

    /// The code of a failed call that reported none: `WSASYSCALLFAILURE` for 0 (what ws2_32
    /// reports for a provider that fails silently), else `code`.
    pub const fn reported(code: i32) -> Self {
        if code == 0 {
            Self::WSASYSCALLFAILURE
        } else {
            Self(code)
        }
    }

    /// The Winsock code of an I/O error: an OS error through ws2emu's one errno → WSA table
    /// (`ws2_os::wsa_error_from_errno`); errors std makes up itself by their kind
    /// (`WouldBlock` → `WSAEWOULDBLOCK`, `InvalidInput` → `WSAEINVAL`), else
    /// `WSASYSCALLFAILURE`.
    pub fn from_io(error: &io::Error) -> Self {
        match error.raw_os_error() {
            Some(errno) => Self(ws2_os::wsa_error_from_errno(errno)),
            None => match error.kind() {
                io::ErrorKind::WouldBlock => Self::WSAEWOULDBLOCK,
                io::ErrorKind::InvalidInput => Self::WSAEINVAL,
                _ => Self::WSASYSCALLFAILURE,
            },
        }
    }

    /// The symbolic name of well-known codes.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            w::WSAEINTR => "WSAEINTR",
            w::WSAEFAULT => "WSAEFAULT",
            w::WSAEINVAL => "WSAEINVAL",
            w::WSAEWOULDBLOCK => "WSAEWOULDBLOCK",
            w::WSAENOTSOCK => "WSAENOTSOCK",
            w::WSAEMSGSIZE => "WSAEMSGSIZE",
            w::WSAENOPROTOOPT => "WSAENOPROTOOPT",
            w::WSAEPROTONOSUPPORT => "WSAEPROTONOSUPPORT",
            w::WSAESOCKTNOSUPPORT => "WSAESOCKTNOSUPPORT",
            w::WSAEOPNOTSUPP => "WSAEOPNOTSUPP",
            w::WSAEAFNOSUPPORT => "WSAEAFNOSUPPORT",
            w::WSAEADDRINUSE => "WSAEADDRINUSE",
            w::WSAEADDRNOTAVAIL => "WSAEADDRNOTAVAIL",
            w::WSAECONNABORTED => "WSAECONNABORTED",
            w::WSAECONNRESET => "WSAECONNRESET",
            w::WSAENOBUFS => "WSAENOBUFS",
            w::WSAEISCONN => "WSAEISCONN",
            w::WSAENOTCONN => "WSAENOTCONN",
            w::WSAESHUTDOWN => "WSAESHUTDOWN",
            w::WSAETIMEDOUT => "WSAETIMEDOUT",
            w::WSAECONNREFUSED => "WSAECONNREFUSED",
            w::WSAVERNOTSUPPORTED => "WSAVERNOTSUPPORTED",
            w::WSANOTINITIALISED => "WSANOTINITIALISED",
            w::WSAEINVALIDPROCTABLE => "WSAEINVALIDPROCTABLE",
            w::WSAEINVALIDPROVIDER => "WSAEINVALIDPROVIDER",
            w::WSAEPROVIDERFAILEDINIT => "WSAEPROVIDERFAILEDINIT",
            w::WSASYSCALLFAILURE => "WSASYSCALLFAILURE",
            w::WSA_IO_PENDING => "WSA_IO_PENDING",
            w::WSA_IO_INCOMPLETE => "WSA_IO_INCOMPLETE",
            w::WSA_INVALID_HANDLE => "WSA_INVALID_HANDLE",
            w::WSA_OPERATION_ABORTED => "WSA_OPERATION_ABORTED",
            _ => return None,
        })
    }
}

impl fmt::Debug for WsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "WsaError({})", self.0),
        }
    }
}

impl fmt::Display for WsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Windows Sockets error {name} ({})", self.0),
            None => write!(f, "Windows Sockets error {}", self.0),
        }
    }
}

impl std::error::Error for WsaError {}

impl From<io::Error> for WsaError {
    fn from(error: io::Error) -> Self {
        Self::from_io(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_map_through_the_errno_table() {
        let refused = io::Error::from_raw_os_error(111); // ECONNREFUSED
        assert_eq!(WsaError::from_io(&refused), WsaError::WSAECONNREFUSED);
        let would_block = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(WsaError::from(would_block), WsaError::WSAEWOULDBLOCK);
        assert_eq!(
            WsaError::from(io::Error::other("x")),
            WsaError::WSASYSCALLFAILURE
        );
    }

    #[test]
    fn silent_failures_are_syscall_failures() {
        assert_eq!(WsaError::reported(0), WsaError::WSASYSCALLFAILURE);
        assert_eq!(WsaError::reported(10022), WsaError::WSAEINVAL);
        assert_eq!(format!("{:?}", WsaError(10045)), "WSAEOPNOTSUPP (10045)");
        assert_eq!(
            format!("{}", WsaError(12345)),
            "Windows Sockets error 12345"
        );
    }
}
