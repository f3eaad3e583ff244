//! Winsock 1.1 blocking hooks: WSASetBlockingHook, WSAUnhookBlockingHook, WSAIsBlocking,
//! WSACancelBlockingCall and what WPUQueryBlockingCallback gives providers.
//!
//! Windows contract: a Winsock 1.1 application may install, per thread, a hook that ws2_32 runs
//! while a blocking call waits; providers get a callback from WPUQueryBlockingCallback (NULL when
//! no hook is installed) and call it repeatedly while they block; it returns FALSE once the
//! application cancelled the call with WSACancelBlockingCall, and the provider then fails the call
//! with WSAEINTR. For applications that negotiated Winsock 2, these functions are removed:
//! WSASetBlockingHook, WSAUnhookBlockingHook and WSACancelBlockingCall fail with WSAEOPNOTSUPP.
//!
//! Emulation: per-thread state in the thread object; the hook itself is a C function pointer
//! held as an opaque address (the C ABI crate calls it).

use crate::error::{Result, WinError};
use crate::thread;

/// The blocking-hook state of one thread.
#[derive(Debug, Default)]
pub struct BlockingState {
    /// The application's hook (a C function address), 0 when none is installed.
    pub hook: usize,
    /// A blocking call is running its hook loop on this thread.
    pub blocking: bool,
    /// WSACancelBlockingCall was called for the current blocking call.
    pub cancelled: bool,
}

/// Runs `f` on the calling thread's state.
pub fn with_state<R>(f: impl FnOnce(&mut BlockingState) -> R) -> Result<R> {
    let me = thread::current()?;
    let mut state = me.blocking.lock().unwrap_or_else(|p| p.into_inner());
    Ok(f(&mut state))
}

/// WSASetBlockingHook for an application that negotiated `version` (MAKEWORD order): returns
/// the previous hook address (0 for the default).
pub fn set_hook(version: u16, hook: usize) -> Result<usize> {
    if version & 0xff >= 2 {
        return Err(WinError::WSAEOPNOTSUPP);
    }
    if hook == 0 {
        return Err(WinError::WSAEFAULT);
    }
    with_state(|s| std::mem::replace(&mut s.hook, hook))
}

/// WSAUnhookBlockingHook.
pub fn unhook(version: u16) -> Result<()> {
    if version & 0xff >= 2 {
        return Err(WinError::WSAEOPNOTSUPP);
    }
    with_state(|s| s.hook = 0)
}

/// WSACancelBlockingCall: WSAEINVAL when no blocking call is in progress on this thread.
pub fn cancel(version: u16) -> Result<()> {
    if version & 0xff >= 2 {
        return Err(WinError::WSAEOPNOTSUPP);
    }
    with_state(|s| {
        if s.blocking {
            s.cancelled = true;
            Ok(())
        } else {
            Err(WinError::WSAEINVAL)
        }
    })?
}

/// WSAIsBlocking: whether a blocking call is in progress on this thread.
pub fn is_blocking() -> bool {
    with_state(|s| s.blocking).unwrap_or(false)
}

/// The hook WPUQueryBlockingCallback reports for this thread (0: none).
pub fn current_hook() -> usize {
    with_state(|s| s.hook).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winsock2_applications_have_no_hooks() {
        assert_eq!(set_hook(0x0202, 0x1000), Err(WinError::WSAEOPNOTSUPP));
        assert_eq!(unhook(0x0202), Err(WinError::WSAEOPNOTSUPP));
        assert_eq!(cancel(0x0202), Err(WinError::WSAEOPNOTSUPP));
    }

    #[test]
    fn winsock11_hooks_are_per_thread() {
        assert_eq!(set_hook(0x0101, 0x1000), Ok(0));
        assert_eq!(set_hook(0x0101, 0x2000), Ok(0x1000));
        assert_eq!(current_hook(), 0x2000);
        assert_eq!(
            std::thread::spawn(current_hook).join().unwrap(),
            0,
            "other threads unaffected"
        );
        assert_eq!(
            cancel(0x0101),
            Err(WinError::WSAEINVAL),
            "nothing is blocking"
        );
        assert!(!is_blocking());
        unhook(0x0101).unwrap();
        assert_eq!(current_hook(), 0);
    }
}
