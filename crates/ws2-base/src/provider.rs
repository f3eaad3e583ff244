//! The provider's process-wide state: the `WSPStartup`/`WSPCleanup` reference count and the
//! upcall table.
//!
//! Windows contract (spec §4.1): `WSPStartup` negotiates the version (the provider supports
//! 2.0–2.2: `wVersion` = min(requested, 2.2), `wHighVersion` = 2.2, a request below 2.0 is
//! `WSAVERNOTSUPPORTED`), each successful call must be matched by one `WSPCleanup`, only the last
//! cleanup releases the provider's resources, and the provider keeps the most recently supplied
//! upcall table. `WSPCleanup` without a matching startup is `WSANOTINITIALISED`.
#![forbid(unsafe_code)]

use std::sync::Mutex;
use ws2_abi as w;
use ws2_abi::WSPUPCALLTABLE;

/// The highest (and preferred) version: 2.2.
pub const HIGH_VERSION: u16 = w::MAKEWORD(2, 2);

struct Provider {
    refs: usize,
    upcalls: Option<WSPUPCALLTABLE>,
}

static STATE: Mutex<Provider> = Mutex::new(Provider {
    refs: 0,
    upcalls: None,
});

fn state() -> std::sync::MutexGuard<'static, Provider> {
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// The version to report for `requested` (`MAKEWORD(major, minor)`), or `WSAVERNOTSUPPORTED`.
pub fn negotiate(requested: u16) -> Result<u16, i32> {
    let (major, minor) = (requested & 0xff, requested >> 8);
    if major < 2 {
        return Err(w::WSAVERNOTSUPPORTED);
    }
    Ok(if (major, minor) > (2, 2) {
        HIGH_VERSION
    } else {
        requested
    })
}

/// One successful `WSPStartup`: counts it and keeps `upcalls` as the current table.
pub fn start(upcalls: WSPUPCALLTABLE) {
    let mut s = state();
    s.refs += 1;
    s.upcalls = Some(upcalls);
}

/// One `WSPCleanup`: `Ok(true)` when it was the last one (the caller then closes every socket),
/// `WSANOTINITIALISED` without a matching startup.
pub fn stop() -> Result<bool, i32> {
    let mut s = state();
    if s.refs == 0 {
        return Err(w::WSANOTINITIALISED);
    }
    s.refs -= 1;
    Ok(s.refs == 0)
}

/// The most recently supplied upcall table, while started.
pub fn upcalls() -> Option<WSPUPCALLTABLE> {
    let s = state();
    if s.refs == 0 {
        None
    } else {
        s.upcalls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_negotiation() {
        assert_eq!(negotiate(0x0202), Ok(0x0202));
        assert_eq!(negotiate(0x0002), Ok(0x0002));
        assert_eq!(negotiate(0x0102), Ok(0x0102));
        assert_eq!(negotiate(0x0302), Ok(0x0202));
        assert_eq!(negotiate(0x0003), Ok(0x0202));
        assert_eq!(negotiate(0x0101), Err(w::WSAVERNOTSUPPORTED));
        assert_eq!(negotiate(0x0001), Err(w::WSAVERNOTSUPPORTED));
        assert_eq!(negotiate(0), Err(w::WSAVERNOTSUPPORTED));
    }
}
