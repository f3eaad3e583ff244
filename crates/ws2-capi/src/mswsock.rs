//! The mswsock exports Windows programs call directly: AcceptEx, GetAcceptExSockaddrs and
//! TransmitFile.
//!
//! Windows contract: mswsock.dll is the base provider's own library, and its exported AcceptEx
//! works for any socket by asking the socket's provider for its extension function
//! (SIO_GET_EXTENSION_FUNCTION_POINTER) and calling it. Emulation: the same, through the client
//! API's WSAIoctl. GetAcceptExSockaddrs takes no socket, so it parses the buffer with the
//! GetAcceptExSockaddrs of the provider that served the last AcceptEx through these exports (the
//! buffer format is that provider's; a program always calls AcceptEx first). Divergence: with no
//! AcceptEx before it, GetAcceptExSockaddrs leaves its out-parameters untouched.

use crate::boundary::{fail_api, ffi_boundary};
use crate::client::WSAIoctl;
use std::sync::atomic::{AtomicUsize, Ordering};
use ws2_abi::*;
use ws2_core::WinError;

/// The GetAcceptExSockaddrs of the provider that served the last AcceptEx (0: none yet).
static SOCKADDRS_PARSER: AtomicUsize = AtomicUsize::new(0);

/// The provider's extension function `id` for socket `s`, as an address.
fn extension(s: SOCKET, id: GUID) -> Result<usize, WinError> {
    let mut guid = id;
    let mut function: usize = 0;
    let mut returned: DWORD = 0;
    // SAFETY: every pointer is to a local of the right size for the ioctl.
    let r = unsafe {
        WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&mut guid as *mut GUID).cast(),
            std::mem::size_of::<GUID>() as DWORD,
            (&mut function as *mut usize).cast(),
            std::mem::size_of::<usize>() as DWORD,
            &mut returned,
            std::ptr::null_mut(),
            None,
        )
    };
    if r == 0 && function != 0 {
        Ok(function)
    } else {
        Err(WinError(crate::last_error::get()))
    }
}

/// AcceptEx: the listening socket's provider's AcceptEx.
///
/// # Safety
/// The AcceptEx contract (the buffer, counts and overlapped as Microsoft documents).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn AcceptEx(
    listen: SOCKET,
    accept: SOCKET,
    buffer: PVOID,
    receive_len: DWORD,
    local_len: DWORD,
    remote_len: DWORD,
    received: LPDWORD,
    overlapped: LPOVERLAPPED,
) -> BOOL {
    ffi_boundary("AcceptEx", FALSE, || {
        let function = match extension(listen, WSAID_ACCEPTEX) {
            Ok(f) => f,
            Err(e) => return fail_api(e, FALSE),
        };
        if let Ok(parser) = extension(listen, WSAID_GETACCEPTEXSOCKADDRS) {
            SOCKADDRS_PARSER.store(parser, Ordering::Release);
        }
        type AcceptExFn = unsafe extern "system" fn(
            SOCKET,
            SOCKET,
            PVOID,
            DWORD,
            DWORD,
            DWORD,
            LPDWORD,
            LPOVERLAPPED,
        ) -> BOOL;
        // SAFETY: the provider returned its AcceptEx for WSAID_ACCEPTEX; the arguments are the
        // caller's, passed unchanged.
        unsafe {
            let accept_ex = std::mem::transmute::<usize, AcceptExFn>(function);
            accept_ex(
                listen,
                accept,
                buffer,
                receive_len,
                local_len,
                remote_len,
                received,
                overlapped,
            )
        }
    })
}

/// GetAcceptExSockaddrs: the addresses the last AcceptEx wrote into its buffer.
///
/// # Safety
/// The GetAcceptExSockaddrs contract (the buffer of a completed AcceptEx with these lengths).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn GetAcceptExSockaddrs(
    buffer: PVOID,
    receive_len: DWORD,
    local_len: DWORD,
    remote_len: DWORD,
    local: *mut *mut SOCKADDR,
    local_size: LPINT,
    remote: *mut *mut SOCKADDR,
    remote_size: LPINT,
) {
    ffi_boundary("GetAcceptExSockaddrs", (), || {
        let parser = SOCKADDRS_PARSER.load(Ordering::Acquire);
        if parser == 0 {
            return;
        }
        type ParserFn = unsafe extern "system" fn(
            PVOID,
            DWORD,
            DWORD,
            DWORD,
            *mut *mut SOCKADDR,
            LPINT,
            *mut *mut SOCKADDR,
            LPINT,
        );
        // SAFETY: the provider returned this function for WSAID_GETACCEPTEXSOCKADDRS; the
        // arguments are the caller's, passed unchanged.
        unsafe {
            let parse = std::mem::transmute::<usize, ParserFn>(parser);
            parse(
                buffer,
                receive_len,
                local_len,
                remote_len,
                local,
                local_size,
                remote,
                remote_size,
            )
        }
    })
}

/// TransmitFile: the socket's provider's TransmitFile; a provider without one (the built-in
/// base provider has none yet) makes it fail with that provider's error for the GUID.
///
/// # Safety
/// The TransmitFile contract.
#[no_mangle]
pub unsafe extern "system" fn TransmitFile(
    socket: SOCKET,
    file: HANDLE,
    bytes: DWORD,
    per_send: DWORD,
    overlapped: LPOVERLAPPED,
    buffers: LPTRANSMIT_FILE_BUFFERS,
    flags: DWORD,
) -> BOOL {
    ffi_boundary("TransmitFile", FALSE, || {
        let function = match extension(socket, WSAID_TRANSMITFILE) {
            Ok(f) => f,
            Err(e) => return fail_api(e, FALSE),
        };
        type TransmitFileFn = unsafe extern "system" fn(
            SOCKET,
            HANDLE,
            DWORD,
            DWORD,
            LPOVERLAPPED,
            LPTRANSMIT_FILE_BUFFERS,
            DWORD,
        ) -> BOOL;
        // SAFETY: the provider returned its TransmitFile for WSAID_TRANSMITFILE.
        unsafe {
            let transmit = std::mem::transmute::<usize, TransmitFileFn>(function);
            transmit(socket, file, bytes, per_send, overlapped, buffers, flags)
        }
    })
}

/// WSARecvEx: recv whose `*flags` also returns information. The input flags (MSG_PEEK,
/// MSG_OOB) go to the provider's WSPRecv; on return `*flags` holds the flags WSPRecv reported
/// (MSG_PARTIAL from a provider with XP1_PARTIAL_MESSAGE); an input MSG_PARTIAL (left from an
/// earlier call) is ignored. A message larger than `buf` on a
/// message-oriented socket is a partial message, as mswsock treats it: the call returns the
/// `len` bytes that fit and sets MSG_PARTIAL instead of failing with WSAEMSGSIZE (on UDP the
/// rest of the datagram is lost, as with recv). Stream sockets: exactly recv, MSG_PARTIAL never
/// set. NULL `flags`: WSAEFAULT.
///
/// # Safety
/// `buf` is writable for `len` bytes; `flags` is NULL or readable and writable.
#[no_mangle]
pub unsafe extern "system" fn WSARecvEx(s: SOCKET, buf: *mut i8, len: i32, flags: *mut i32) -> i32 {
    ffi_boundary("WSARecvEx", SOCKET_ERROR, || {
        if flags.is_null() {
            return fail_api(WinError::WSAEFAULT, SOCKET_ERROR);
        }
        let mut wsabuf = WSABUF {
            len: len.max(0) as u32,
            buf,
        };
        // SAFETY: non-null and readable (contract). MSG_PARTIAL is this function's own output
        // bit; a caller reusing its variable passes it back, and it is not an input flag.
        let mut io_flags = unsafe { flags.read() } as u32 & !(MSG_PARTIAL as u32);
        let mut received: DWORD = 0;
        // SAFETY: one local WSABUF over the caller's buffer; not overlapped.
        let r = unsafe {
            crate::client::WSARecv(
                s,
                &mut wsabuf,
                1,
                &mut received,
                &mut io_flags,
                std::ptr::null_mut(),
                None,
            )
        };
        if r == 0 {
            // SAFETY: as above.
            unsafe { flags.write(io_flags as i32) };
            return received as i32;
        }
        if crate::last_error::get() == WSAEMSGSIZE as u32 {
            // SAFETY: as above.
            unsafe { flags.write(MSG_PARTIAL) };
            return len.max(0);
        }
        SOCKET_ERROR
    })
}
