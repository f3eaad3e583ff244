//! ws2emu extensions: interfaces between libws2_32 and the built-in providers that Windows does
//! not define (on Windows the kernel's I/O manager plays this part). Not part of the SDK: they
//! are not in the ABI manifest and no Windows source uses them.

use crate::{DWORD, LPWSAOVERLAPPED, SOCKET};

/// Completes an overlapped request on an IFS socket the way the Windows I/O manager would:
/// `InternalHigh` = bytes, `Internal` = the NTSTATUS for `error`, a packet to the socket's
/// completion port (unless bit 0 of `hEvent` is set), and `hEvent` signalled. The provider stores
/// its result flags in `Offset` and the WSA error in `OffsetHigh` first. Returns 0, WSAEINVAL for
/// a handle that is not a registered socket, or WSA_INVALID_PARAMETER for a NULL overlapped.
pub type LPWS2EMU_COMPLETE_IO = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpOverlapped: LPWSAOVERLAPPED,
        dwError: DWORD,
        cbTransferred: DWORD,
    ) -> i32,
>;

/// Sets the calling thread's Winsock last error (`WSASetLastError`): how functions a provider
/// hands out directly (AcceptEx, ConnectEx, ... through SIO_GET_EXTENSION_FUNCTION_POINTER)
/// report errors, as mswsock's do on Windows.
pub type LPWS2EMU_SET_LAST_ERROR = Option<unsafe extern "system" fn(error: i32)>;

/// Host services libws2_32 offers a provider that asks for them (`ws2emu_attach_host`).
/// Members are only ever appended; a provider reads a member only when `cbSize` covers it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WS2EMU_HOST_TABLE {
    /// `size_of::<WS2EMU_HOST_TABLE>()`, so that later versions can append members.
    pub cbSize: DWORD,
    pub lpCompleteIo: LPWS2EMU_COMPLETE_IO,
    pub lpSetLastError: LPWS2EMU_SET_LAST_ERROR,
}

/// The optional provider export `ws2emu_attach_host`, called by the loader right after a
/// successful `WSPStartup` (and only then) with a table that stays valid for the process's life.
/// A non-zero return fails the start-up like a failing `WSPStartup` (WSAEPROVIDERFAILEDINIT).
pub type LPWS2EMU_ATTACH_HOST =
    Option<unsafe extern "system" fn(host: *const WS2EMU_HOST_TABLE) -> i32>;

/// The export's name.
pub const WS2EMU_ATTACH_HOST_EXPORT: &[u8] = b"ws2emu_attach_host";
