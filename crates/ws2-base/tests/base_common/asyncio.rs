//! Helpers for the asynchronous tests: the host table, thread identities, events, message-only
//! windows with a message buffer, extension functions and overlapped calls.
#![allow(dead_code)]

use super::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::ptr::{null, null_mut};
use ws2_32::kernel32::{CloseHandle, CreateEventW, WaitForSingleObject};
use ws2_32::user32::*;

/// Generous bound on waits that should end quickly (a failure, never a pacing device).
pub const LONG_MS: u32 = 10_000;

/// Starts the provider (once per process) and attaches ws2_32's host table, as the loader does.
pub fn started() -> &'static Provider {
    static ATTACHED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    let p = provider();
    ATTACHED.get_or_init(|| {
        assert_eq!(attach_host(&ws2_32::upcalls::HOST_TABLE), 0);
        // ws2_32's own start-up, which WPUOpenCurrentThread requires (never cleaned up here).
        let mut data = std::mem::MaybeUninit::<WSADATA>::zeroed();
        // SAFETY: a writable WSADATA.
        assert_eq!(
            unsafe { ws2_32::winsock::WSAStartup(0x0202, data.as_mut_ptr()) },
            0
        );
    });
    p
}

pub fn manual_event() -> HANDLE {
    let e = CreateEventW(null_mut(), TRUE, FALSE, null());
    assert!(!e.is_null());
    e
}

pub fn signalled(e: HANDLE, ms: u32) -> bool {
    WaitForSingleObject(e, ms) == WAIT_OBJECT_0
}

pub fn close_handle(h: HANDLE) {
    CloseHandle(h);
}

/// The calling thread's WSATHREADID (WPUOpenCurrentThread); close with [`close_thread`].
pub fn current_thread() -> WSATHREADID {
    let mut t = WSATHREADID {
        ThreadHandle: null_mut(),
        Reserved: 0,
    };
    let mut e = 0;
    // SAFETY: valid pointers.
    let r = unsafe {
        ws2_32::upcalls::upcall_table()
            .lpWPUOpenCurrentThread
            .unwrap()(&mut t, &mut e)
    };
    assert_eq!(r, 0);
    t
}

pub fn close_thread(mut t: WSATHREADID) {
    let mut e = 0;
    // SAFETY: valid pointers.
    unsafe { ws2_32::upcalls::upcall_table().lpWPUCloseThread.unwrap()(&mut t, &mut e) };
}

pub fn overlapped(event: HANDLE) -> Box<WSAOVERLAPPED> {
    Box::new(WSAOVERLAPPED {
        Internal: 0,
        InternalHigh: 0,
        Offset: 0,
        OffsetHigh: 0,
        hEvent: event,
    })
}

// ---------------------------------------------------------------------------------------------
// Windows and messages
// ---------------------------------------------------------------------------------------------

thread_local! {
    static BUFFERED: RefCell<VecDeque<MSG>> = const { RefCell::new(VecDeque::new()) };
}

/// A message-only window owned by the calling thread.
pub fn message_window() -> HWND {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name: Vec<u16> = format!("ws2base_async_{n}")
        .encode_utf16()
        .chain([0])
        .collect();
    let class = WNDCLASSEXW {
        cbSize: std::mem::size_of::<WNDCLASSEXW>() as UINT,
        style: 0,
        lpfnWndProc: Some(DefWindowProcW),
        cbClsExtra: 0,
        cbWndExtra: 0,
        hInstance: null_mut(),
        hIcon: null_mut(),
        hCursor: null_mut(),
        hbrBackground: null_mut(),
        lpszMenuName: null(),
        lpszClassName: name.as_ptr(),
        hIconSm: null_mut(),
    };
    // SAFETY: valid class and strings.
    unsafe {
        assert_ne!(RegisterClassExW(&class), 0);
        let hwnd = CreateWindowExW(
            0,
            name.as_ptr(),
            null(),
            0,
            0,
            0,
            0,
            0,
            HWND_MESSAGE,
            null_mut(),
            null_mut(),
            null_mut(),
        );
        assert!(!hwnd.is_null());
        hwnd
    }
}

fn pump() {
    loop {
        let mut m = MSG {
            hwnd: null_mut(),
            message: 0,
            wParam: 0,
            lParam: 0,
            time: 0,
            pt: POINT { x: 0, y: 0 },
        };
        // SAFETY: valid MSG.
        if unsafe { PeekMessageW(&mut m, null_mut(), 0, 0, PM_REMOVE) } == FALSE {
            return;
        }
        BUFFERED.with(|b| b.borrow_mut().push_back(m));
    }
}

fn take(msg: UINT, s: SOCKET) -> Option<LPARAM> {
    BUFFERED.with(|b| {
        let mut b = b.borrow_mut();
        let i = b.iter().position(|m| m.message == msg && m.wParam == s)?;
        b.remove(i).map(|m| m.lParam)
    })
}

/// The next message `msg` for socket `s` (its lParam), waiting up to LONG_MS.
pub fn next_message(msg: UINT, s: SOCKET) -> LPARAM {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(LONG_MS.into());
    loop {
        pump();
        if let Some(l) = take(msg, s) {
            return l;
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        assert!(!left.is_zero(), "no message {msg:#x} for socket {s:#x}");
        // SAFETY: no handles.
        unsafe {
            MsgWaitForMultipleObjects(0, null(), FALSE, left.as_millis() as u32, QS_ALLINPUT)
        };
    }
}

/// The lParams of every message `msg` for `s` queued now (removing them).
pub fn queued_messages(msg: UINT, s: SOCKET) -> Vec<LPARAM> {
    pump();
    std::iter::from_fn(|| take(msg, s)).collect()
}

// ---------------------------------------------------------------------------------------------
// Provider calls
// ---------------------------------------------------------------------------------------------

pub type AcceptEx = unsafe extern "system" fn(
    SOCKET,
    SOCKET,
    PVOID,
    DWORD,
    DWORD,
    DWORD,
    LPDWORD,
    LPOVERLAPPED,
) -> BOOL;
pub type ConnectEx = unsafe extern "system" fn(
    SOCKET,
    *const SOCKADDR,
    INT,
    PVOID,
    DWORD,
    LPDWORD,
    LPOVERLAPPED,
) -> BOOL;

impl Provider {
    pub fn async_select(&self, s: SOCKET, hwnd: HWND, msg: UINT, mask: i32) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPAsyncSelect.unwrap()(s, hwnd, msg, mask, e) }).map(drop)
    }

    pub fn event_select(&self, s: SOCKET, ev: HANDLE, mask: i32) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPEventSelect.unwrap()(s, ev, mask, e) }).map(drop)
    }

    pub fn enum_events(&self, s: SOCKET, ev: HANDLE, ne: &mut WSANETWORKEVENTS) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPEnumNetworkEvents.unwrap()(s, ev, ne, e) }).map(drop)
    }

    /// Overlapped WSPRecv of up to `buf.len()` bytes; Ok((bytes, flags)) when it completed at
    /// once, Err(WSA_IO_PENDING) when pending.
    pub fn recv_ov(
        &self,
        s: SOCKET,
        buf: &mut [u8],
        ov: &mut WSAOVERLAPPED,
        routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        thread: Option<&mut WSATHREADID>,
    ) -> R<(u32, u32)> {
        let mut b = WSABUF {
            len: buf.len() as u32,
            buf: buf.as_mut_ptr().cast(),
        };
        let (mut n, mut f) = (0xFFFF_FFFFu32, 0u32);
        let t = thread.map_or(null_mut(), |t| t as *mut WSATHREADID);
        // SAFETY: valid pointers; the buffer outlives the request in every test.
        int(|e| unsafe {
            self.t.lpWSPRecv.unwrap()(s, &mut b, 1, &mut n, &mut f, ov, routine, t, e)
        })?;
        Ok((n, f))
    }

    pub fn send_ov(
        &self,
        s: SOCKET,
        data: &[u8],
        ov: &mut WSAOVERLAPPED,
        routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        thread: Option<&mut WSATHREADID>,
    ) -> R<u32> {
        let mut b = WSABUF {
            len: data.len() as u32,
            buf: data.as_ptr() as *mut CHAR,
        };
        let mut n = 0xFFFF_FFFFu32;
        let t = thread.map_or(null_mut(), |t| t as *mut WSATHREADID);
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPSend.unwrap()(s, &mut b, 1, &mut n, 0, ov, routine, t, e) })?;
        Ok(n)
    }

    /// WSPGetOverlappedResult: Ok((bytes, flags)) or Err(error).
    pub fn result(&self, s: SOCKET, ov: &mut WSAOVERLAPPED, wait: bool) -> R<(u32, u32)> {
        let (mut n, mut f) = (0xAAAA_AAAAu32, 0xAAAA_AAAAu32);
        let mut e = 0x5EED;
        // SAFETY: valid pointers.
        let r = unsafe {
            self.t.lpWSPGetOverlappedResult.unwrap()(s, ov, &mut n, i32::from(wait), &mut f, &mut e)
        };
        if r == FALSE {
            assert_eq!(
                (n, f),
                (0xAAAA_AAAA, 0xAAAA_AAAA),
                "out-parameters written on failure"
            );
            Err(e)
        } else {
            Ok((n, f))
        }
    }

    /// SIO_GET_EXTENSION_FUNCTION_POINTER for `guid`.
    pub fn extension(&self, s: SOCKET, guid: &GUID) -> R<usize> {
        // SAFETY: GUID is 16 plain bytes.
        let g: [u8; 16] = unsafe { std::mem::transmute(*guid) };
        let out = self.ioctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &g, 8)?;
        Ok(usize::from_ne_bytes(out.try_into().unwrap()))
    }

    pub fn accept_ex_fn(&self, s: SOCKET) -> AcceptEx {
        // SAFETY: the provider returns AcceptEx for this GUID.
        unsafe { std::mem::transmute(self.extension(s, &WSAID_ACCEPTEX).unwrap()) }
    }

    pub fn connect_ex_fn(&self, s: SOCKET) -> ConnectEx {
        // SAFETY: the provider returns ConnectEx for this GUID.
        unsafe { std::mem::transmute(self.extension(s, &WSAID_CONNECTEX).unwrap()) }
    }
}
