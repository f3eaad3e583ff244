//! The one errno → Windows Sockets error table.
//!
//! Windows contract: every Winsock function reports a `WSAE*` code (10000 + a BSD-like offset),
//! never an errno. Every syscall failure anywhere in ws2emu (the base provider above all) is
//! translated by [`wsa_error_from_errno`], so one errno always means one Winsock code.
//!
//! Emulation: a plain `match`. Where the BSD numbering lines up (`EINTR` 4 ↔ `WSAEINTR` 10004,
//! ...) the mapping is the obvious one; where Linux has an errno Windows does not, the closest
//! documented Winsock code is chosen and the reason is written next to it.
//!
//! Context the table cannot see is the caller's job (documented at each call site):
//! - `EINPROGRESS` from a non-blocking `connect` is `WSAEWOULDBLOCK` on Windows (the table's
//!   answer); a caller that needs `WSAEINPROGRESS` (a Winsock 1.1 blocking call in progress) says
//!   so itself.
//! - `EPIPE`: Linux reports it both after the local side shut down sending and after the peer
//!   reset the connection. The table answers `WSAECONNRESET` (the peer case, what Windows reports
//!   when a send finds the connection gone); the base provider answers `WSAESHUTDOWN` itself
//!   when the socket was shut down for sending, and `WSAENOTCONN` when it was never connected.
//! - An errno the table does not know becomes `WSASYSCALLFAILURE` (10107), Microsoft's code for a
//!   system call that failed unexpectedly.

/// The Winsock codes this table produces (winsock2.h values; the ws2-abi crate defines the same
/// names, and the base provider's tests check that they agree). ws2-os depends on libc only.
#[allow(missing_docs)]
pub mod wsa {
    pub const WSAEINTR: i32 = 10000 + 4;
    pub const WSAEACCES: i32 = 10000 + 13;
    pub const WSAEFAULT: i32 = 10000 + 14;
    pub const WSAEINVAL: i32 = 10000 + 22;
    pub const WSAEMFILE: i32 = 10000 + 24;
    pub const WSAEWOULDBLOCK: i32 = 10000 + 35;
    pub const WSAEALREADY: i32 = 10000 + 37;
    pub const WSAENOTSOCK: i32 = 10000 + 38;
    pub const WSAEDESTADDRREQ: i32 = 10000 + 39;
    pub const WSAEMSGSIZE: i32 = 10000 + 40;
    pub const WSAEPROTOTYPE: i32 = 10000 + 41;
    pub const WSAENOPROTOOPT: i32 = 10000 + 42;
    pub const WSAEPROTONOSUPPORT: i32 = 10000 + 43;
    pub const WSAESOCKTNOSUPPORT: i32 = 10000 + 44;
    pub const WSAEOPNOTSUPP: i32 = 10000 + 45;
    pub const WSAEPFNOSUPPORT: i32 = 10000 + 46;
    pub const WSAEAFNOSUPPORT: i32 = 10000 + 47;
    pub const WSAEADDRINUSE: i32 = 10000 + 48;
    pub const WSAEADDRNOTAVAIL: i32 = 10000 + 49;
    pub const WSAENETDOWN: i32 = 10000 + 50;
    pub const WSAENETUNREACH: i32 = 10000 + 51;
    pub const WSAENETRESET: i32 = 10000 + 52;
    pub const WSAECONNABORTED: i32 = 10000 + 53;
    pub const WSAECONNRESET: i32 = 10000 + 54;
    pub const WSAENOBUFS: i32 = 10000 + 55;
    pub const WSAEISCONN: i32 = 10000 + 56;
    pub const WSAENOTCONN: i32 = 10000 + 57;
    pub const WSAESHUTDOWN: i32 = 10000 + 58;
    pub const WSAETOOMANYREFS: i32 = 10000 + 59;
    pub const WSAETIMEDOUT: i32 = 10000 + 60;
    pub const WSAECONNREFUSED: i32 = 10000 + 61;
    pub const WSAELOOP: i32 = 10000 + 62;
    pub const WSAENAMETOOLONG: i32 = 10000 + 63;
    pub const WSAEHOSTDOWN: i32 = 10000 + 64;
    pub const WSAEHOSTUNREACH: i32 = 10000 + 65;
    pub const WSAENOTEMPTY: i32 = 10000 + 66;
    pub const WSAEUSERS: i32 = 10000 + 68;
    pub const WSAEDQUOT: i32 = 10000 + 69;
    pub const WSAESTALE: i32 = 10000 + 70;
    pub const WSAEREMOTE: i32 = 10000 + 71;
    pub const WSAECANCELLED: i32 = 10000 + 103;
    pub const WSASYSCALLFAILURE: i32 = 10000 + 107;
}

/// The Windows Sockets error code (`WSAE*`) for a Linux `errno` value.
///
/// Every mapping (Microsoft's meaning of the code on the right):
///
/// | errno | WSA code | why |
/// |---|---|---|
/// | `EINTR` | `WSAEINTR` | interrupted call |
/// | `EBADF` | `WSAENOTSOCK` | the handle is not an (open) socket; Windows' `WSAEBADF` is not used by Winsock 2 functions |
/// | `ENOTSOCK` | `WSAENOTSOCK` | |
/// | `EACCES`, `EPERM` | `WSAEACCES` | e.g. broadcast without `SO_BROADCAST`, privileged port |
/// | `EFAULT` | `WSAEFAULT` | bad pointer |
/// | `EINVAL` | `WSAEINVAL` | |
/// | `EMFILE`, `ENFILE` | `WSAEMFILE` | no more socket descriptors |
/// | `EAGAIN` (= `EWOULDBLOCK`) | `WSAEWOULDBLOCK` | |
/// | `EINPROGRESS` | `WSAEWOULDBLOCK` | a non-blocking `connect` that has started: Windows reports `WSAEWOULDBLOCK` |
/// | `EALREADY` | `WSAEALREADY` | a non-blocking `connect` still in progress |
/// | `EDESTADDRREQ` | `WSAEDESTADDRREQ` | |
/// | `EMSGSIZE` | `WSAEMSGSIZE` | |
/// | `EPROTOTYPE` | `WSAEPROTOTYPE` | |
/// | `ENOPROTOOPT` | `WSAENOPROTOOPT` | |
/// | `EPROTONOSUPPORT` | `WSAEPROTONOSUPPORT` | |
/// | `ESOCKTNOSUPPORT` | `WSAESOCKTNOSUPPORT` | |
/// | `EOPNOTSUPP` (= `ENOTSUP`) | `WSAEOPNOTSUPP` | |
/// | `EPFNOSUPPORT` | `WSAEPFNOSUPPORT` | |
/// | `EAFNOSUPPORT` | `WSAEAFNOSUPPORT` | |
/// | `EADDRINUSE` | `WSAEADDRINUSE` | |
/// | `EADDRNOTAVAIL` | `WSAEADDRNOTAVAIL` | |
/// | `ENETDOWN` | `WSAENETDOWN` | |
/// | `ENETUNREACH` | `WSAENETUNREACH` | |
/// | `ENETRESET` | `WSAENETRESET` | |
/// | `ECONNABORTED` | `WSAECONNABORTED` | |
/// | `ECONNRESET` | `WSAECONNRESET` | |
/// | `EPIPE` | `WSAECONNRESET` | the connection is gone; callers substitute `WSAESHUTDOWN` after a local shutdown (module docs) |
/// | `ENOBUFS`, `ENOMEM` | `WSAENOBUFS` | no buffer space |
/// | `EISCONN` | `WSAEISCONN` | |
/// | `ENOTCONN` | `WSAENOTCONN` | |
/// | `ESHUTDOWN` | `WSAESHUTDOWN` | |
/// | `ETOOMANYREFS` | `WSAETOOMANYREFS` | |
/// | `ETIMEDOUT` | `WSAETIMEDOUT` | |
/// | `ECONNREFUSED` | `WSAECONNREFUSED` | |
/// | `ELOOP` | `WSAELOOP` | |
/// | `ENAMETOOLONG` | `WSAENAMETOOLONG` | |
/// | `EHOSTDOWN` | `WSAEHOSTDOWN` | |
/// | `EHOSTUNREACH` | `WSAEHOSTUNREACH` | |
/// | `ENOTEMPTY` | `WSAENOTEMPTY` | |
/// | `EUSERS` | `WSAEUSERS` | |
/// | `EDQUOT` | `WSAEDQUOT` | |
/// | `ESTALE` | `WSAESTALE` | |
/// | `EREMOTE` | `WSAEREMOTE` | |
/// | `ECANCELED` | `WSAECANCELLED` | |
/// | `ENONET`, `ENODEV` | `WSAENETDOWN` | no network / no such interface |
/// | `ENOSR`, `ENOSPC` | `WSAENOBUFS` | out of stream/kernel resources |
/// | `EPROTO` | `WSAECONNABORTED` | protocol error on the connection (Linux `accept` reports it for an aborted connection) |
/// | `ENOTTY` | `WSAEOPNOTSUPP` | unsupported ioctl |
/// | `ENOSYS` | `WSAEOPNOTSUPP` | the kernel lacks the call |
/// | anything else | `WSASYSCALLFAILURE` | unexpected system call failure |
pub fn wsa_error_from_errno(errno: i32) -> i32 {
    use wsa as w;
    match errno {
        libc::EINTR => w::WSAEINTR,
        libc::EBADF | libc::ENOTSOCK => w::WSAENOTSOCK,
        libc::EACCES | libc::EPERM => w::WSAEACCES,
        libc::EFAULT => w::WSAEFAULT,
        libc::EINVAL => w::WSAEINVAL,
        libc::EMFILE | libc::ENFILE => w::WSAEMFILE,
        libc::EAGAIN | libc::EINPROGRESS => w::WSAEWOULDBLOCK,
        libc::EALREADY => w::WSAEALREADY,
        libc::EDESTADDRREQ => w::WSAEDESTADDRREQ,
        libc::EMSGSIZE => w::WSAEMSGSIZE,
        libc::EPROTOTYPE => w::WSAEPROTOTYPE,
        libc::ENOPROTOOPT => w::WSAENOPROTOOPT,
        libc::EPROTONOSUPPORT => w::WSAEPROTONOSUPPORT,
        libc::ESOCKTNOSUPPORT => w::WSAESOCKTNOSUPPORT,
        libc::EOPNOTSUPP | libc::ENOTTY | libc::ENOSYS => w::WSAEOPNOTSUPP,
        libc::EPFNOSUPPORT => w::WSAEPFNOSUPPORT,
        libc::EAFNOSUPPORT => w::WSAEAFNOSUPPORT,
        libc::EADDRINUSE => w::WSAEADDRINUSE,
        libc::EADDRNOTAVAIL => w::WSAEADDRNOTAVAIL,
        libc::ENETDOWN | libc::ENONET | libc::ENODEV => w::WSAENETDOWN,
        libc::ENETUNREACH => w::WSAENETUNREACH,
        libc::ENETRESET => w::WSAENETRESET,
        libc::ECONNABORTED | libc::EPROTO => w::WSAECONNABORTED,
        libc::ECONNRESET | libc::EPIPE => w::WSAECONNRESET,
        libc::ENOBUFS | libc::ENOMEM | libc::ENOSR | libc::ENOSPC => w::WSAENOBUFS,
        libc::EISCONN => w::WSAEISCONN,
        libc::ENOTCONN => w::WSAENOTCONN,
        libc::ESHUTDOWN => w::WSAESHUTDOWN,
        libc::ETOOMANYREFS => w::WSAETOOMANYREFS,
        libc::ETIMEDOUT => w::WSAETIMEDOUT,
        libc::ECONNREFUSED => w::WSAECONNREFUSED,
        libc::ELOOP => w::WSAELOOP,
        libc::ENAMETOOLONG => w::WSAENAMETOOLONG,
        libc::EHOSTDOWN => w::WSAEHOSTDOWN,
        libc::EHOSTUNREACH => w::WSAEHOSTUNREACH,
        libc::ENOTEMPTY => w::WSAENOTEMPTY,
        libc::EUSERS => w::WSAEUSERS,
        libc::EDQUOT => w::WSAEDQUOT,
        libc::ESTALE => w::WSAESTALE,
        libc::EREMOTE => w::WSAEREMOTE,
        libc::ECANCELED => w::WSAECANCELLED,
        _ => w::WSASYSCALLFAILURE,
    }
}

/// The WSA code of the calling thread's current `errno` (read right after a failed syscall).
pub fn last_wsa_error() -> i32 {
    wsa_error_from_errno(last_errno())
}

/// The calling thread's current `errno`.
pub fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsa as w;

    #[test]
    fn every_documented_mapping() {
        let table = [
            (libc::EINTR, w::WSAEINTR),
            (libc::EBADF, w::WSAENOTSOCK),
            (libc::ENOTSOCK, w::WSAENOTSOCK),
            (libc::EACCES, w::WSAEACCES),
            (libc::EPERM, w::WSAEACCES),
            (libc::EFAULT, w::WSAEFAULT),
            (libc::EINVAL, w::WSAEINVAL),
            (libc::EMFILE, w::WSAEMFILE),
            (libc::ENFILE, w::WSAEMFILE),
            (libc::EAGAIN, w::WSAEWOULDBLOCK),
            (libc::EWOULDBLOCK, w::WSAEWOULDBLOCK),
            (libc::EINPROGRESS, w::WSAEWOULDBLOCK),
            (libc::EALREADY, w::WSAEALREADY),
            (libc::EDESTADDRREQ, w::WSAEDESTADDRREQ),
            (libc::EMSGSIZE, w::WSAEMSGSIZE),
            (libc::EPROTOTYPE, w::WSAEPROTOTYPE),
            (libc::ENOPROTOOPT, w::WSAENOPROTOOPT),
            (libc::EPROTONOSUPPORT, w::WSAEPROTONOSUPPORT),
            (libc::ESOCKTNOSUPPORT, w::WSAESOCKTNOSUPPORT),
            (libc::EOPNOTSUPP, w::WSAEOPNOTSUPP),
            (libc::ENOTSUP, w::WSAEOPNOTSUPP),
            (libc::ENOTTY, w::WSAEOPNOTSUPP),
            (libc::ENOSYS, w::WSAEOPNOTSUPP),
            (libc::EPFNOSUPPORT, w::WSAEPFNOSUPPORT),
            (libc::EAFNOSUPPORT, w::WSAEAFNOSUPPORT),
            (libc::EADDRINUSE, w::WSAEADDRINUSE),
            (libc::EADDRNOTAVAIL, w::WSAEADDRNOTAVAIL),
            (libc::ENETDOWN, w::WSAENETDOWN),
            (libc::ENONET, w::WSAENETDOWN),
            (libc::ENODEV, w::WSAENETDOWN),
            (libc::ENETUNREACH, w::WSAENETUNREACH),
            (libc::ENETRESET, w::WSAENETRESET),
            (libc::ECONNABORTED, w::WSAECONNABORTED),
            (libc::EPROTO, w::WSAECONNABORTED),
            (libc::ECONNRESET, w::WSAECONNRESET),
            (libc::EPIPE, w::WSAECONNRESET),
            (libc::ENOBUFS, w::WSAENOBUFS),
            (libc::ENOMEM, w::WSAENOBUFS),
            (libc::ENOSR, w::WSAENOBUFS),
            (libc::ENOSPC, w::WSAENOBUFS),
            (libc::EISCONN, w::WSAEISCONN),
            (libc::ENOTCONN, w::WSAENOTCONN),
            (libc::ESHUTDOWN, w::WSAESHUTDOWN),
            (libc::ETOOMANYREFS, w::WSAETOOMANYREFS),
            (libc::ETIMEDOUT, w::WSAETIMEDOUT),
            (libc::ECONNREFUSED, w::WSAECONNREFUSED),
            (libc::ELOOP, w::WSAELOOP),
            (libc::ENAMETOOLONG, w::WSAENAMETOOLONG),
            (libc::EHOSTDOWN, w::WSAEHOSTDOWN),
            (libc::EHOSTUNREACH, w::WSAEHOSTUNREACH),
            (libc::ENOTEMPTY, w::WSAENOTEMPTY),
            (libc::EUSERS, w::WSAEUSERS),
            (libc::EDQUOT, w::WSAEDQUOT),
            (libc::ESTALE, w::WSAESTALE),
            (libc::EREMOTE, w::WSAEREMOTE),
            (libc::ECANCELED, w::WSAECANCELLED),
        ];
        for (errno, wsa) in table {
            assert_eq!(wsa_error_from_errno(errno), wsa, "errno {errno}");
        }
    }

    #[test]
    fn codes_are_the_documented_numbers() {
        // Spot checks against Microsoft's numeric values (spec §1.1).
        assert_eq!(wsa_error_from_errno(libc::EAGAIN), 10035);
        assert_eq!(wsa_error_from_errno(libc::ECONNREFUSED), 10061);
        assert_eq!(wsa_error_from_errno(libc::ENOTCONN), 10057);
        assert_eq!(wsa_error_from_errno(libc::ETIMEDOUT), 10060);
    }

    #[test]
    fn unknown_errno_is_a_syscall_failure() {
        assert_eq!(wsa_error_from_errno(0), w::WSASYSCALLFAILURE);
        assert_eq!(wsa_error_from_errno(libc::ENOENT), w::WSASYSCALLFAILURE);
        assert_eq!(wsa_error_from_errno(-1), w::WSASYSCALLFAILURE);
        assert_eq!(wsa_error_from_errno(100_000), w::WSASYSCALLFAILURE);
    }
}
