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

/// Like [`LPWS2EMU_COMPLETE_IO`], with `dwFlags`: [`WS2EMU_COMPLETE_SYNCHRONOUS`] says that the
/// request completed within the call that issued it (the call returned success, not
/// `WSA_IO_PENDING`), so that a socket with `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`
/// (SetFileCompletionNotificationModes) gets no completion-port packet for it. Other bits: 0.
pub type LPWS2EMU_COMPLETE_IO_EX = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpOverlapped: LPWSAOVERLAPPED,
        dwError: DWORD,
        cbTransferred: DWORD,
        dwFlags: DWORD,
    ) -> i32,
>;

/// `lpCompleteIoEx` flag: the request completed within its call (see [`LPWS2EMU_COMPLETE_IO_EX`]).
pub const WS2EMU_COMPLETE_SYNCHRONOUS: DWORD = 0x1;

/// Host services libws2_32 offers a provider that asks for them (`ws2emu_attach_host`).
/// Members are only ever appended; a provider reads a member only when `cbSize` covers it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WS2EMU_HOST_TABLE {
    /// `size_of::<WS2EMU_HOST_TABLE>()`, so that later versions can append members.
    pub cbSize: DWORD,
    pub lpCompleteIo: LPWS2EMU_COMPLETE_IO,
    pub lpSetLastError: LPWS2EMU_SET_LAST_ERROR,
    /// Appended: [`LPWS2EMU_COMPLETE_IO_EX`].
    pub lpCompleteIoEx: LPWS2EMU_COMPLETE_IO_EX,
}

/// The optional provider export `ws2emu_attach_host`, called by the loader right after a
/// successful `WSPStartup` (and only then) with a table that stays valid for the process's life.
/// A non-zero return fails the start-up like a failing `WSPStartup` (WSAEPROVIDERFAILEDINIT).
pub type LPWS2EMU_ATTACH_HOST =
    Option<unsafe extern "system" fn(host: *const WS2EMU_HOST_TABLE) -> i32>;

/// The export's name.
pub const WS2EMU_ATTACH_HOST_EXPORT: &[u8] = b"ws2emu_attach_host";

/// The optional provider export `ws2emu_cancel_io`, through which CancelIo and CancelIoEx reach
/// the pending requests of a provider's own (IFS) sockets, which on Windows the I/O manager
/// cancels. It completes every pending overlapped request on `s` that was issued with
/// `lpOverlapped` (every one for NULL) and, when `bCallingThreadOnly` is TRUE, by the calling
/// thread, with `WSA_OPERATION_ABORTED` through the request's usual notification (completion
/// routine, or `lpCompleteIo`: `Internal` = STATUS_CANCELLED, port packet, event), exactly once.
/// Returns 0 when at least one request was cancelled, ERROR_NOT_FOUND (1168) when none matched,
/// WSAENOTSOCK when `s` is not one of the provider's sockets.
pub type LPWS2EMU_CANCEL_IO = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpOverlapped: LPWSAOVERLAPPED,
        bCallingThreadOnly: crate::BOOL,
    ) -> i32,
>;

/// The export's name.
pub const WS2EMU_CANCEL_IO_EXPORT: &[u8] = b"ws2emu_cancel_io";
