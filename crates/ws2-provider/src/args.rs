//! The Rust-typed arguments the trampolines build from C pointers: [`AddrOut`] (an
//! address/length out-pair), [`Overlapped`] (the overlapped triple), [`IoctlBuffers`].
//!
//! They are built only by the kit (or from Rust references in tests), after its NULL checks;
//! their methods never create references into memory that may alias (ioctlsocket passes one
//! buffer as both input and output), they copy.

use crate::addr::{self, WinSockAddr};
use crate::{WsaError, WsaResult};
use std::marker::PhantomData;
use std::net::SocketAddr;
use ws2_abi::{
    LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE, LPWSATHREADID, SOCKADDR, WSATHREADID,
};

/// An address out-parameter: a `SOCKADDR` buffer and its in/out length (`accept`,
/// `getsockname`, `getpeername`, `recvfrom`). Either pointer may be NULL: the pair is then
/// "not requested" ([`is_requested`](Self::is_requested) false), and writing it is `WSAEFAULT`.
pub struct AddrOut<'a> {
    name: *mut SOCKADDR,
    len: *mut i32,
    _borrow: PhantomData<&'a mut [u8]>,
}

impl std::fmt::Debug for AddrOut<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddrOut")
            .field("capacity", &self.capacity())
            .finish()
    }
}

impl<'a> AddrOut<'a> {
    /// The pair from C.
    ///
    /// # Safety
    /// `len` is NULL or readable and writable for `'a`; `name` is NULL or writable for
    /// `*len` bytes for `'a`.
    pub unsafe fn from_raw(name: *mut SOCKADDR, len: *mut i32) -> Self {
        Self {
            name,
            len,
            _borrow: PhantomData,
        }
    }

    /// A pair over Rust memory (tests, or a provider calling another provider's code).
    pub fn new(buf: &'a mut [u8], len: &'a mut i32) -> Self {
        *len = (*len).min(i32::try_from(buf.len()).unwrap_or(i32::MAX));
        Self {
            name: buf.as_mut_ptr().cast(),
            len,
            _borrow: PhantomData,
        }
    }

    /// Not requested: both NULL (`accept(s, NULL, NULL)`).
    pub fn none() -> Self {
        Self {
            name: std::ptr::null_mut(),
            len: std::ptr::null_mut(),
            _borrow: PhantomData,
        }
    }

    /// Whether the caller passed a buffer.
    pub fn is_requested(&self) -> bool {
        !self.name.is_null()
    }

    /// The caller's `*len` (`None` when the length pointer is NULL).
    pub fn capacity(&self) -> Option<i32> {
        // SAFETY: NULL or readable (from_raw contract / a Rust reference).
        (!self.len.is_null()).then(|| unsafe { self.len.read() })
    }

    /// `WSAEFAULT` unless a buffer of at least `needed` bytes was passed — for calls that must
    /// fail before doing anything (accept checks before it accepts). Not requested: `Ok` when
    /// `optional`.
    pub fn check(&self, needed: usize, optional: bool) -> WsaResult<()> {
        if !self.is_requested() && optional {
            return Ok(());
        }
        match self.capacity() {
            Some(cap) if self.is_requested() && cap >= 0 && cap as usize >= needed => Ok(()),
            _ => Err(WsaError::WSAEFAULT),
        }
    }

    /// Writes `bytes` and sets the length to `bytes.len()`: `WSAEFAULT` when not requested or
    /// too small (nothing written).
    pub fn write(&mut self, bytes: &[u8]) -> WsaResult<()> {
        self.check(bytes.len(), false)?;
        // SAFETY: `name` is writable for *len ≥ bytes.len() bytes and `len` is writable
        // (checked above; from_raw contract).
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.name.cast::<u8>(), bytes.len());
            self.len.write(bytes.len() as i32);
        }
        Ok(())
    }

    /// Writes `addr` in its Windows layout.
    pub fn write_addr(&mut self, addr: &SocketAddr) -> WsaResult<()> {
        let raw: WinSockAddr = addr::to_windows(addr);
        self.write(raw.as_bytes())
    }
}

/// The overlapped triple of `WSPSend`/`WSPRecv`/`WSPSendTo`/`WSPRecvFrom`/`WSPIoctl` (spec
/// §6.1). NULL `overlapped` means a plain (blocking or non-blocking) call, and the kit then
/// drops the routine, as the spec recommends for the NULL/non-NULL case. The thread id is a
/// copy of the caller's structure (its pointer is valid only during the call), ready for
/// `Upcalls::queue_apc`.
#[derive(Clone, Copy, Debug)]
pub struct Overlapped {
    /// The caller's `WSAOVERLAPPED` (valid until the request completes).
    pub overlapped: LPWSAOVERLAPPED,
    /// The completion routine; `None` for event/completion-port notification.
    pub completion_routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    /// The initiating thread, when the caller passed one.
    pub thread_id: Option<WSATHREADID>,
}

impl Overlapped {
    /// A non-overlapped call.
    pub fn none() -> Self {
        Self {
            overlapped: std::ptr::null_mut(),
            completion_routine: None,
            thread_id: None,
        }
    }

    /// The triple from C.
    ///
    /// # Safety
    /// `thread_id` is NULL or readable.
    pub unsafe fn from_raw(
        overlapped: LPWSAOVERLAPPED,
        routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        thread_id: LPWSATHREADID,
    ) -> Self {
        if overlapped.is_null() {
            return Self::none();
        }
        Self {
            overlapped,
            completion_routine: routine,
            // SAFETY: NULL or readable (contract); copied, never kept as a pointer.
            thread_id: unsafe { thread_id.as_ref() }.copied(),
        }
    }

    /// Whether this is an overlapped request.
    pub fn is_overlapped(&self) -> bool {
        !self.overlapped.is_null()
    }
}

/// `WSPIoctl`'s input and output buffers. They may be the same memory (ioctlsocket passes its
/// `u_long*` as both), so they are only ever copied from and to.
#[derive(Debug)]
pub struct IoctlBuffers<'a> {
    input: *const u8,
    input_len: usize,
    output: *mut u8,
    output_len: usize,
    _borrow: PhantomData<&'a mut [u8]>,
}

impl<'a> IoctlBuffers<'a> {
    /// The buffers from C.
    ///
    /// # Safety
    /// `input` is NULL or readable for `input_len` bytes, `output` NULL or writable for
    /// `output_len` bytes, both for `'a`.
    pub unsafe fn from_raw(
        input: *const u8,
        input_len: usize,
        output: *mut u8,
        output_len: usize,
    ) -> Self {
        Self {
            input,
            input_len: if input.is_null() { 0 } else { input_len },
            output,
            output_len: if output.is_null() { 0 } else { output_len },
            _borrow: PhantomData,
        }
    }

    /// Distinct Rust buffers.
    pub fn new(input: &'a [u8], output: &'a mut [u8]) -> Self {
        Self {
            input: input.as_ptr(),
            input_len: input.len(),
            output: output.as_mut_ptr(),
            output_len: output.len(),
            _borrow: PhantomData,
        }
    }

    /// A copy of the input (empty for NULL).
    pub fn input(&self) -> Vec<u8> {
        let mut copy = vec![0u8; self.input_len];
        if self.input_len > 0 {
            // SAFETY: readable for input_len bytes (contract); `copy` is distinct memory.
            unsafe { std::ptr::copy(self.input, copy.as_mut_ptr(), self.input_len) };
        }
        copy
    }

    /// The input as a `u_long` (`WSAEFAULT` when shorter than 4 bytes).
    pub fn input_u32(&self) -> WsaResult<u32> {
        let input = self.input();
        let bytes: [u8; 4] = input
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .ok_or(WsaError::WSAEFAULT)?;
        Ok(u32::from_ne_bytes(bytes))
    }

    pub fn output_len(&self) -> usize {
        self.output_len
    }

    /// Copies `bytes` to the output: `WSAEFAULT` when it does not fit. Returns the count, the
    /// value for `*lpcbBytesReturned`.
    pub fn write_output(&mut self, bytes: &[u8]) -> WsaResult<usize> {
        if bytes.len() > self.output_len {
            return Err(WsaError::WSAEFAULT);
        }
        if !bytes.is_empty() {
            // SAFETY: writable for output_len ≥ bytes.len() bytes (contract); `copy` tolerates
            // the output overlapping the input.
            unsafe { std::ptr::copy(bytes.as_ptr(), self.output, bytes.len()) };
        }
        Ok(bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addr_out_checks_sizes() {
        let mut buf = [0u8; 16];
        let mut len = 16;
        let v4: SocketAddr = "127.0.0.1:80".parse().unwrap();
        let v6: SocketAddr = "[::1]:80".parse().unwrap();
        let mut out = AddrOut::new(&mut buf, &mut len);
        assert_eq!(out.write_addr(&v6), Err(WsaError::WSAEFAULT));
        assert_eq!(out.write_addr(&v4), Ok(()));
        assert_eq!(len, 16);
        assert_eq!(buf[4..8], [127, 0, 0, 1]);
        let mut none = AddrOut::none();
        assert!(none.check(16, true).is_ok());
        assert_eq!(none.check(16, false), Err(WsaError::WSAEFAULT));
        assert_eq!(none.write_addr(&v4), Err(WsaError::WSAEFAULT));
    }

    #[test]
    fn ioctl_buffers_may_alias() {
        let mut word = 7u32.to_ne_bytes();
        let p = word.as_mut_ptr();
        // SAFETY: both views are the 4 bytes of `word`, as ioctlsocket passes them.
        let mut io = unsafe { IoctlBuffers::from_raw(p, 4, p, 4) };
        assert_eq!(io.input_u32(), Ok(7));
        assert_eq!(io.write_output(&9u32.to_ne_bytes()), Ok(4));
        assert_eq!(io.write_output(&[0; 5]), Err(WsaError::WSAEFAULT));
        assert_eq!(u32::from_ne_bytes(word), 9);
        // SAFETY: NULL buffers.
        let empty = unsafe { IoctlBuffers::from_raw(std::ptr::null(), 4, std::ptr::null_mut(), 4) };
        assert_eq!(empty.input_u32(), Err(WsaError::WSAEFAULT));
        assert_eq!(empty.output_len(), 0);
    }
}
