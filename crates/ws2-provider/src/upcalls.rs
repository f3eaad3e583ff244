//! [`Upcalls`]: safe methods over the `WSPUPCALLTABLE` ws2_32 hands to `WSPStartup`.
//!
//! Windows contract (spec §5): every upcall may be called from any thread; int-returning ones
//! report failure as `SOCKET_ERROR` with `*lpErrno`, BOOL ones as FALSE with `*lpErrno`,
//! SOCKET ones as `INVALID_SOCKET` with `*lpErrno`. Each method here passes a fresh `lpErrno`
//! and returns `Err(WsaError)`; an upcall that fails without setting it is reported as
//! `WSASYSCALLFAILURE` (what ws2_32 itself reports for a silent failure), and so is a NULL slot
//! (ws2_32 never hands out one; spec §3.1).
//!
//! The table is shared: the kit updates it on every `WSPStartup` ("the provider keeps the most
//! recently supplied upcall table", spec §4.1), so a clone kept by a provider always calls the
//! latest table. The table is copied, never the caller's pointer.

// Event and window handles are `*mut c_void` in the ABI but are values in ws2_32's handle
// table, never dereferenced; passing one to an upcall is safe.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use crate::{WsaError, WsaResult};
use std::sync::{Arc, RwLock};
use ws2_abi as w;
use ws2_abi::{
    fd_set, BOOL, FALSE, GUID, HWND, LPARAM, SOCKET, SOCKET_ERROR, UINT, WPARAM, WSAEVENT,
    WSATHREADID, WSPUPCALLTABLE,
};

/// A blocking hook from `WPUQueryBlockingCallback` and the context to pass it.
pub type BlockingCallback = (unsafe extern "system" fn(usize) -> BOOL, usize);

/// An APC routine for [`Upcalls::queue_apc`].
pub type ApcRoutine = unsafe extern "system" fn(usize);

/// The shared, latest upcall table. Cheap to clone.
#[derive(Clone)]
pub struct Upcalls {
    table: Arc<RwLock<WSPUPCALLTABLE>>,
}

impl std::fmt::Debug for Upcalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upcalls").finish_non_exhaustive()
    }
}

fn missing() -> WsaError {
    WsaError::WSASYSCALLFAILURE
}

impl Upcalls {
    /// A table of its own (a copy of `table`); the kit makes one per provider type.
    pub fn new(table: WSPUPCALLTABLE) -> Self {
        Self {
            table: Arc::new(RwLock::new(table)),
        }
    }

    /// Replaces the table every clone sees.
    pub fn replace(&self, table: WSPUPCALLTABLE) {
        *self.table.write().unwrap_or_else(|p| p.into_inner()) = table;
    }

    /// A copy of the current table.
    pub fn table(&self) -> WSPUPCALLTABLE {
        *self.table.read().unwrap_or_else(|p| p.into_inner())
    }

    /// `WPUCloseEvent` (slot 0): `WSA_INVALID_HANDLE` for a bad handle.
    #[doc(alias = "WPUCloseEvent")]
    pub fn close_event(&self, event: WSAEVENT) -> WsaResult<()> {
        let f = self.table().lpWPUCloseEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: ws2_32's upcall with a valid lpErrno; the handle is a plain value.
        bool_result(unsafe { f(event, &mut errno) }, errno)
    }

    /// `WPUCloseSocketHandle` (slot 1): for handles from [`create_socket_handle`]
    /// (`WSAENOTSOCK` otherwise). Call it from `close_socket`, after completing pending I/O.
    ///
    /// [`create_socket_handle`]: Self::create_socket_handle
    #[doc(alias = "WPUCloseSocketHandle")]
    pub fn close_socket_handle(&self, s: SOCKET) -> WsaResult<()> {
        let f = self.table().lpWPUCloseSocketHandle.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as above.
        int_result(unsafe { f(s, &mut errno) }, errno).map(drop)
    }

    /// `WPUCreateEvent` (slot 2): a manual-reset, non-signalled event.
    #[doc(alias = "WPUCreateEvent")]
    pub fn create_event(&self) -> WsaResult<WSAEVENT> {
        let f = self.table().lpWPUCreateEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as above.
        let event = unsafe { f(&mut errno) };
        if event.is_null() {
            Err(WsaError::reported(errno))
        } else {
            Ok(event)
        }
    }

    /// `WPUCreateSocketHandle` (slot 3): a new socket handle owned by catalog entry
    /// `catalog_id`, carrying `context` (read back with [`query_socket_handle_context`]). For
    /// non-IFS providers, which must not advertise `XP1_IFS_HANDLES`.
    ///
    /// [`query_socket_handle_context`]: Self::query_socket_handle_context
    #[doc(alias = "WPUCreateSocketHandle")]
    pub fn create_socket_handle(&self, catalog_id: u32, context: usize) -> WsaResult<SOCKET> {
        let f = self.table().lpWPUCreateSocketHandle.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as above.
        socket_result(unsafe { f(catalog_id, context, &mut errno) }, errno)
    }

    /// `WPUFDIsSet` (slot 4): whether `s` is among the `fd_count` handles of `set` (false for
    /// NULL).
    ///
    /// # Safety
    /// `set` is NULL or a readable `fd_set` holding `fd_count` handles (which may exceed 64).
    #[doc(alias = "WPUFDIsSet")]
    pub unsafe fn fd_is_set(&self, s: SOCKET, set: *mut fd_set) -> bool {
        match self.table().lpWPUFDIsSet {
            // SAFETY: forwarded caller contract.
            Some(f) => unsafe { f(s, set) != 0 },
            None => false,
        }
    }

    /// `WPUGetProviderPath` (slot 5): the stored DLL path of `provider` (unexpanded, without
    /// the terminator). Asks for the length first, as Microsoft's samples do.
    #[doc(alias = "WPUGetProviderPath")]
    pub fn provider_path(&self, provider: &GUID) -> WsaResult<Vec<u16>> {
        let f = self.table().lpWPUGetProviderPath.ok_or_else(missing)?;
        let mut guid = *provider;
        let mut len = 0;
        let mut errno = 0;
        // SAFETY: a NULL buffer with length 0 asks for the required length; every other
        // pointer is a local.
        let r = unsafe { f(&mut guid, std::ptr::null_mut(), &mut len, &mut errno) };
        if r == 0 {
            return Ok(Vec::new());
        }
        if errno != w::WSAEFAULT || len <= 0 {
            return Err(WsaError::reported(errno));
        }
        let mut buf = vec![0u16; len as usize];
        let mut errno = 0;
        // SAFETY: `buf` holds `len` WCHARs; the other pointers are locals.
        let r = unsafe { f(&mut guid, buf.as_mut_ptr(), &mut len, &mut errno) };
        int_result(r, errno)?;
        let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
        buf.truncate(end);
        Ok(buf)
    }

    /// `WPUModifyIFSHandle` (slot 6): registers an IFS provider's own handle under
    /// `catalog_id`; use the returned value from then on.
    #[doc(alias = "WPUModifyIFSHandle")]
    pub fn modify_ifs_handle(&self, catalog_id: u32, proposed: SOCKET) -> WsaResult<SOCKET> {
        let f = self.table().lpWPUModifyIFSHandle.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: as above.
        socket_result(unsafe { f(catalog_id, proposed, &mut errno) }, errno)
    }

    /// `WPUPostMessage` (slot 7). It has no `lpErrno`: `false` on failure (the reason is in
    /// ws2_32's last error: ERROR_INVALID_WINDOW_HANDLE for a dead window).
    #[doc(alias = "WPUPostMessage")]
    pub fn post_message(&self, hwnd: HWND, msg: UINT, wparam: WPARAM, lparam: LPARAM) -> bool {
        match self.table().lpWPUPostMessage {
            // SAFETY: plain values.
            Some(f) => unsafe { f(hwnd, msg, wparam, lparam) != FALSE },
            None => false,
        }
    }

    /// `WPUQueryBlockingCallback` (slot 8): `None` when no Winsock 1.1 blocking hook is
    /// installed (always for 2.x applications); then block natively.
    #[doc(alias = "WPUQueryBlockingCallback")]
    pub fn query_blocking_callback(&self, catalog_id: u32) -> WsaResult<Option<BlockingCallback>> {
        let f = self
            .table()
            .lpWPUQueryBlockingCallback
            .ok_or_else(missing)?;
        let (mut callback, mut context, mut errno) = (None, 0usize, 0);
        // SAFETY: every pointer is a local.
        int_result(
            unsafe { f(catalog_id, &mut callback, &mut context, &mut errno) },
            errno,
        )?;
        Ok(callback.map(|c| (c, context)))
    }

    /// `WPUQuerySocketHandleContext` (slot 9): the context given to `create_socket_handle`;
    /// `WSAENOTSOCK` for other handles.
    #[doc(alias = "WPUQuerySocketHandleContext")]
    pub fn query_socket_handle_context(&self, s: SOCKET) -> WsaResult<usize> {
        let f = self
            .table()
            .lpWPUQuerySocketHandleContext
            .ok_or_else(missing)?;
        let (mut context, mut errno) = (0usize, 0);
        // SAFETY: every pointer is a local.
        int_result(unsafe { f(s, &mut context, &mut errno) }, errno)?;
        Ok(context)
    }

    /// `WPUQueueApc` (slot 10): runs `routine(context)` in the thread `thread` identifies at
    /// its next alertable wait. `thread` is a copy kept from an overlapped call (see
    /// [`Overlapped::thread_id`](crate::Overlapped)) or from [`open_current_thread`].
    ///
    /// [`open_current_thread`]: Self::open_current_thread
    #[doc(alias = "WPUQueueApc")]
    pub fn queue_apc(
        &self,
        thread: &WSATHREADID,
        routine: ApcRoutine,
        context: usize,
    ) -> WsaResult<()> {
        let f = self.table().lpWPUQueueApc.ok_or_else(missing)?;
        let mut id = *thread;
        let mut errno = 0;
        // SAFETY: `id` is a local copy (the upcall may discard it on return).
        int_result(
            unsafe { f(&mut id, Some(routine), context, &mut errno) },
            errno,
        )
        .map(drop)
    }

    /// `WPUResetEvent` (slot 11).
    #[doc(alias = "WPUResetEvent")]
    pub fn reset_event(&self, event: WSAEVENT) -> WsaResult<()> {
        let f = self.table().lpWPUResetEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: plain values and a local lpErrno.
        bool_result(unsafe { f(event, &mut errno) }, errno)
    }

    /// `WPUSetEvent` (slot 12).
    #[doc(alias = "WPUSetEvent")]
    pub fn set_event(&self, event: WSAEVENT) -> WsaResult<()> {
        let f = self.table().lpWPUSetEvent.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: plain values and a local lpErrno.
        bool_result(unsafe { f(event, &mut errno) }, errno)
    }

    /// `WPUOpenCurrentThread` (slot 13): an identity of the calling thread, to be released
    /// with [`close_thread`](Self::close_thread).
    #[doc(alias = "WPUOpenCurrentThread")]
    pub fn open_current_thread(&self) -> WsaResult<WSATHREADID> {
        let f = self.table().lpWPUOpenCurrentThread.ok_or_else(missing)?;
        let mut id = WSATHREADID {
            ThreadHandle: std::ptr::null_mut(),
            Reserved: 0,
        };
        let mut errno = 0;
        // SAFETY: every pointer is a local.
        int_result(unsafe { f(&mut id, &mut errno) }, errno)?;
        Ok(id)
    }

    /// `WPUCloseThread` (slot 14): releases an identity from `open_current_thread`.
    #[doc(alias = "WPUCloseThread")]
    pub fn close_thread(&self, thread: &mut WSATHREADID) -> WsaResult<()> {
        let f = self.table().lpWPUCloseThread.ok_or_else(missing)?;
        let mut errno = 0;
        // SAFETY: `thread` is a valid, writable WSATHREADID; lpErrno is a local.
        int_result(unsafe { f(thread, &mut errno) }, errno).map(drop)
    }
}

fn int_result(r: i32, errno: i32) -> WsaResult<i32> {
    if r == SOCKET_ERROR {
        Err(WsaError::reported(errno))
    } else {
        Ok(r)
    }
}

fn bool_result(r: BOOL, errno: i32) -> WsaResult<()> {
    if r == FALSE {
        Err(WsaError::reported(errno))
    } else {
        Ok(())
    }
}

fn socket_result(s: SOCKET, errno: i32) -> WsaResult<SOCKET> {
    if s == w::INVALID_SOCKET {
        Err(WsaError::reported(errno))
    } else {
        Ok(s)
    }
}
