//! Tracing in the style of Wine's WINEDEBUG.
//!
//! `WS2EMU_TRACE` selects channels, comma-separated: `upcall` (every WPU upcall, with its
//! arguments and result), `api` (Winsock and Win32 entry points), or `all`. Each traced call is
//! one line on stderr:
//!
//! ```text
//! ws2emu:upcall:4711: WPUCreateSocketHandle(1001, 0x1122334455667788) -> 0x40000004
//! ws2emu:upcall:4711: WPUQuerySocketHandleContext(0xdead0, ...) -> SOCKET_ERROR WSAENOTSOCK
//! ```
//!
//! Error codes print by name and network-event masks symbolically (`FD_READ|FD_CLOSE`). The
//! variable is read once, at the first traced call; a disabled channel costs one atomic load.

use crate::error::WinError;
use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};
use ws2_abi as abi;

/// A trace channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Upcall,
    Api,
}

impl Channel {
    fn name(self) -> &'static str {
        match self {
            Channel::Upcall => "upcall",
            Channel::Api => "api",
        }
    }
}

/// Parses a WS2EMU_TRACE value into (upcall, api).
fn parse(spec: &str) -> (bool, bool) {
    let mut on = (false, false);
    for word in spec.split(',').map(str::trim) {
        match word {
            "all" => on = (true, true),
            "upcall" => on.0 = true,
            "api" => on.1 = true,
            _ => {}
        }
    }
    on
}

/// Channel switches: bit 0 upcall, bit 1 api, bit 7 "read from the environment".
static SWITCHES: AtomicU8 = AtomicU8::new(0);
const LOADED: u8 = 0x80;

fn switches() -> u8 {
    let bits = SWITCHES.load(Ordering::Relaxed);
    if bits & LOADED != 0 {
        return bits;
    }
    let (upcall, api) = std::env::var("WS2EMU_TRACE")
        .map(|v| parse(&v))
        .unwrap_or((false, false));
    let bits = LOADED | u8::from(upcall) | (u8::from(api) << 1);
    SWITCHES.store(bits, Ordering::Relaxed);
    bits
}

/// Whether `channel` is on (one relaxed atomic load once the environment was read).
#[inline]
pub fn enabled(channel: Channel) -> bool {
    let bit = match channel {
        Channel::Upcall => 1,
        Channel::Api => 2,
    };
    switches() & bit != 0
}

/// Writes one trace line (callers check [`enabled`] first to skip formatting).
pub fn emit(channel: Channel, line: fmt::Arguments<'_>) {
    eprintln!(
        "ws2emu:{}:{}: {line}",
        channel.name(),
        ws2_os::current_thread_id()
    );
}

/// A call's outcome as a trace shows it: the value returned, and the error on failure.
pub fn outcome<T: fmt::Display>(value: T, error: Option<WinError>) -> String {
    match error {
        None => value.to_string(),
        Some(e) => format!("{value} {e:?}"),
    }
}

/// A network-event mask, symbolically: `FD_READ|FD_WRITE`, `0` when empty.
pub fn fd_events(mask: i32) -> String {
    const NAMES: [(i32, &str); 10] = [
        (abi::FD_READ, "FD_READ"),
        (abi::FD_WRITE, "FD_WRITE"),
        (abi::FD_OOB, "FD_OOB"),
        (abi::FD_ACCEPT, "FD_ACCEPT"),
        (abi::FD_CONNECT, "FD_CONNECT"),
        (abi::FD_CLOSE, "FD_CLOSE"),
        (abi::FD_QOS, "FD_QOS"),
        (abi::FD_GROUP_QOS, "FD_GROUP_QOS"),
        (
            abi::FD_ROUTING_INTERFACE_CHANGE,
            "FD_ROUTING_INTERFACE_CHANGE",
        ),
        (abi::FD_ADDRESS_LIST_CHANGE, "FD_ADDRESS_LIST_CHANGE"),
    ];
    let mut parts: Vec<String> = NAMES
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    let rest = mask & !abi::FD_ALL_EVENTS;
    if rest != 0 {
        parts.push(format!("{rest:#x}"));
    }
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join("|")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse_like_winedebug() {
        assert_eq!(parse("upcall"), (true, false));
        assert_eq!(parse("api, upcall"), (true, true));
        assert_eq!(parse("all"), (true, true));
        assert_eq!(parse("nothing"), (false, false));
    }

    #[test]
    fn masks_and_errors_print_symbolically() {
        assert_eq!(fd_events(abi::FD_READ | abi::FD_CLOSE), "FD_READ|FD_CLOSE");
        assert_eq!(fd_events(0), "0");
        assert_eq!(fd_events(0x1001), "FD_READ|0x1000");
        assert_eq!(
            outcome("SOCKET_ERROR", Some(WinError::WSAENOTSOCK)),
            "SOCKET_ERROR WSAENOTSOCK"
        );
        assert_eq!(outcome(0, None), "0");
    }
}
