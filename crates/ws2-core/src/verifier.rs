//! The provider verifier (issue 7): reports provider misuse of the WPU upcalls and of the SPI
//! contract, naming the provider, the socket, the upcall, what went wrong and what Windows would
//! have done. Documented in docs/verifier.md.
//!
//! Off by default; `WS2EMU_VERIFIER=1` turns it on (read once, at the first check), and
//! [`set_enabled`] does so from Rust (tests, `ws2emu conform`). Off, every check costs one relaxed
//! atomic load ([`enabled`]). Each diagnostic is one line on stderr starting
//! `ws2emu verifier: ` and is also kept in a process-wide list ([`diagnostics`], [`count`]).
//! Misuse is only reported: the upcalls still return the documented errors, as on Windows.
//!
//! The provider is the one "current" on the calling thread: the loader and the client dispatch
//! enter a [`ProviderScope`] around every call into a provider (`WSPStartup`, each WSP slot,
//! `WSPCleanup`), so an upcall made from inside knows who made it. Objects created by upcalls
//! while a provider is current are attributed to it, so that what is still open when its
//! `WSPCleanup` returns can be listed ([`leaks_of`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The environment variable that turns the verifier on (`1`).
pub const ENV: &str = "WS2EMU_VERIFIER";

/// Bit 0: on; bit 7: the environment was read (or [`set_enabled`] decided).
static SWITCH: AtomicU8 = AtomicU8::new(0);
const ON: u8 = 1;
const LOADED: u8 = 0x80;

#[cold]
fn load() -> bool {
    let on = std::env::var(ENV).is_ok_and(|v| v.trim() == "1");
    // Only the first decision counts: set_enabled may have raced us.
    let _ = SWITCH.compare_exchange(
        0,
        LOADED | u8::from(on),
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    SWITCH.load(Ordering::Relaxed) & ON != 0
}

/// Whether the verifier is on: one relaxed atomic load once the environment was read.
#[inline]
pub fn enabled() -> bool {
    let bits = SWITCH.load(Ordering::Relaxed);
    if bits & LOADED != 0 {
        bits & ON != 0
    } else {
        load()
    }
}

/// Turns the verifier on or off for the whole process, overriding `WS2EMU_VERIFIER`.
pub fn set_enabled(on: bool) {
    SWITCH.store(LOADED | u8::from(on), Ordering::Relaxed);
}

/// One reported misuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The provider: its catalog entry name, or `"unknown provider"` when none was current.
    pub provider: String,
    /// The socket handle involved, if any.
    pub socket: Option<usize>,
    /// The upcall or SPI slot involved (`WPUCloseSocketHandle`, `WSPBind`, ...).
    pub call: String,
    /// The whole line as printed (without the trailing newline).
    pub line: String,
}

static DIAGNOSTICS: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Every diagnostic reported so far in this process, oldest first.
pub fn diagnostics() -> Vec<Diagnostic> {
    lock(&DIAGNOSTICS).clone()
}

/// How many diagnostics were reported so far.
pub fn count() -> usize {
    COUNT.load(Ordering::Relaxed)
}

/// Forgets the kept diagnostics (the count keeps counting).
pub fn clear() {
    lock(&DIAGNOSTICS).clear();
}

/// Reports one misuse by `provider` (the thread's current one when `None`): prints
/// `ws2emu verifier: PROVIDER: socket 0x...: CALL: WHAT; WINDOWS` and keeps it.
pub fn report_for(
    provider: Option<&str>,
    socket: Option<usize>,
    call: &str,
    what: &str,
    windows: &str,
) {
    let provider = provider
        .map(str::to_owned)
        .or_else(current)
        .unwrap_or_else(|| "unknown provider".into());
    let socket_part = socket.map_or(String::new(), |s| format!("socket {s:#x}: "));
    let line = format!("ws2emu verifier: {provider}: {socket_part}{call}: {what}; {windows}");
    eprintln!("{line}");
    COUNT.fetch_add(1, Ordering::Relaxed);
    lock(&DIAGNOSTICS).push(Diagnostic {
        provider,
        socket,
        call: call.into(),
        line,
    });
}

/// [`report_for`] the provider current on this thread.
pub fn report(socket: Option<usize>, call: &str, what: &str, windows: &str) {
    report_for(None, socket, call, what, windows)
}

thread_local! {
    /// The providers this thread is inside of, innermost last (a layered provider calls its
    /// lower layer through the same dispatch).
    static CURRENT: RefCell<Vec<Arc<str>>> = const { RefCell::new(Vec::new()) };
}

/// The provider current on this thread, if any.
pub fn current() -> Option<String> {
    CURRENT
        .try_with(|c| c.borrow().last().map(|p| p.to_string()))
        .ok()
        .flatten()
}

/// Marks a provider current on this thread until dropped. Does nothing when the verifier is off.
#[must_use]
pub struct ProviderScope(bool);

impl ProviderScope {
    /// Enters `name` (a catalog entry name or library path) when the verifier is on.
    #[inline]
    pub fn enter(name: impl FnOnce() -> String) -> Self {
        if !enabled() {
            return Self(false);
        }
        let name: Arc<str> = name().into();
        Self(CURRENT.try_with(|c| c.borrow_mut().push(name)).is_ok())
    }
}

impl Drop for ProviderScope {
    fn drop(&mut self) {
        if self.0 {
            let _ = CURRENT.try_with(|c| c.borrow_mut().pop());
        }
    }
}

/// A provider name from a NUL-padded WCHAR field (`szProtocol`).
pub fn wide_name(field: &[u16]) -> String {
    let end = field.iter().position(|&c| c == 0).unwrap_or(field.len());
    String::from_utf16_lossy(&field[..end])
}

/// What an attributed object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owned {
    /// From WPUCreateSocketHandle.
    Socket,
    /// From WPUCreateEvent.
    Event,
    /// From WPUOpenCurrentThread.
    Thread,
}

impl Owned {
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Owned::Socket => ("socket handle", "WPUCloseSocketHandle"),
            Owned::Event => ("event", "WPUCloseEvent"),
            Owned::Thread => ("thread id", "WPUCloseThread"),
        }
    }
}

/// Objects created by upcalls, by handle: what and for which provider.
static OWNED: Mutex<Option<OwnedMap>> = Mutex::new(None);
type OwnedMap = HashMap<usize, (Owned, Arc<str>)>;

/// Records that the current provider created `handle` (when the verifier is on and a provider
/// is current).
pub fn created(handle: usize, what: Owned) {
    if !enabled() {
        return;
    }
    let Some(provider) = CURRENT
        .try_with(|c| c.borrow().last().cloned())
        .ok()
        .flatten()
    else {
        return;
    };
    lock(&OWNED)
        .get_or_insert_with(HashMap::new)
        .insert(handle, (what, provider));
}

/// Records that `handle` was closed.
pub fn closed(handle: usize) {
    if !enabled() {
        return;
    }
    if let Some(map) = lock(&OWNED).as_mut() {
        map.remove(&handle);
    }
}

/// Removes and returns what `provider` created and did not close, sorted by handle.
pub fn leaks_of(provider: &str) -> Vec<(usize, Owned)> {
    let mut guard = lock(&OWNED);
    let Some(map) = guard.as_mut() else {
        return Vec::new();
    };
    let mut leaks: Vec<(usize, Owned)> = map
        .iter()
        .filter(|(_, (_, p))| &**p == provider)
        .map(|(h, (what, _))| (*h, *what))
        .collect();
    for (h, _) in &leaks {
        map.remove(h);
    }
    leaks.sort_unstable_by_key(|(h, _)| *h);
    leaks
}

/// Check 5: reports every object `provider` still holds after its `WSPCleanup` returned.
pub fn check_cleanup(provider: &str) {
    if !enabled() {
        return;
    }
    for (handle, what) in leaks_of(provider) {
        let (noun, closer) = what.describe();
        let socket = (what == Owned::Socket).then_some(handle);
        report_for(
            Some(provider),
            socket,
            "WSPCleanup",
            &format!("{noun} {handle:#x} is still open when WSPCleanup returns (never passed to {closer})"),
            "Windows does not close it for the provider: it stays allocated until the process exits",
        );
    }
}

/// Completed overlapped requests: address → the `Internal` value the completion stored.
static COMPLETED: Mutex<Option<HashMap<usize, usize>>> = Mutex::new(None);
/// Past this many remembered completions the record starts afresh (bounded memory).
const COMPLETED_LIMIT: usize = 1 << 14;

/// Check 2 (twice): called before a completion writes `Internal`; `internal` is its current
/// value. True when this request was already completed and the provider never set `Internal`
/// back to WSS_OPERATION_IN_PROGRESS (0x103) for a new request in between.
pub fn completed_before(overlapped: usize, internal: usize) -> bool {
    let guard = lock(&COMPLETED);
    guard
        .as_ref()
        .and_then(|map| map.get(&overlapped))
        .is_some_and(|&stored| stored == internal && internal != ws2_abi::WSS_OPERATION_IN_PROGRESS)
}

/// Records that `overlapped` was completed with `Internal = status`.
pub fn record_completion(overlapped: usize, status: usize) {
    let mut guard = lock(&COMPLETED);
    let map = guard.get_or_insert_with(HashMap::new);
    if map.len() >= COMPLETED_LIMIT {
        map.clear();
    }
    map.insert(overlapped, status);
}

/// Check 1 and 3: whether a failed handle lookup was for a handle that existed and was closed
/// (rather than a value that was never a handle).
pub fn is_stale(handle: usize) -> bool {
    crate::runtime().handles.is_stale(handle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upcalls;

    /// Serialises the tests that switch the verifier (process-wide state).
    static TEST_LOCK: Mutex<()> = Mutex::new(());

    #[test]
    fn stale_socket_handles_are_reported_forged_ones_are_not() {
        let _guard = lock(&TEST_LOCK);
        set_enabled(true);
        clear();
        let s = upcalls::create_socket_handle(1001, 7).unwrap();
        {
            let _scope = ProviderScope::enter(|| "Test Provider".into());
            upcalls::close_socket_handle(s).unwrap();
            assert_eq!(
                upcalls::close_socket_handle(s),
                Err(crate::WinError::WSAENOTSOCK),
                "the documented error is still returned"
            );
            assert_eq!(
                upcalls::close_socket_handle(0xDEAD0),
                Err(crate::WinError::WSAENOTSOCK)
            );
        }
        // Other tests of this crate may run meanwhile (with no provider current).
        let seen: Vec<_> = diagnostics()
            .into_iter()
            .filter(|d| d.provider == "Test Provider")
            .collect();
        set_enabled(false);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].socket, Some(s));
        assert_eq!(seen[0].call, "WPUCloseSocketHandle");
        assert!(seen[0].line.starts_with("ws2emu verifier: Test Provider: "));
        assert!(seen[0].line.contains("closed twice"), "{}", seen[0].line);
        assert!(seen[0].line.contains("WSAENOTSOCK"), "{}", seen[0].line);
    }

    #[test]
    fn leaks_are_attributed_to_the_current_provider() {
        let _guard = lock(&TEST_LOCK);
        set_enabled(true);
        clear();
        let (event, kept) = {
            let _scope = ProviderScope::enter(|| "Leaky".into());
            let event = upcalls::create_event().unwrap();
            created(event, Owned::Event);
            let kept = upcalls::create_event().unwrap();
            created(kept, Owned::Event);
            upcalls::close_event(kept).unwrap();
            closed(kept);
            (event, kept)
        };
        check_cleanup("Leaky");
        let seen: Vec<_> = diagnostics()
            .into_iter()
            .filter(|d| d.provider == "Leaky")
            .collect();
        set_enabled(false);
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].line.contains(&format!("event {event:#x}")));
        assert!(!seen[0].line.contains(&format!("{kept:#x}")));
        assert_eq!(seen[0].call, "WSPCleanup");
        upcalls::close_event(event).unwrap();
    }

    #[test]
    fn off_costs_nothing_and_reports_nothing() {
        let _guard = lock(&TEST_LOCK);
        set_enabled(false);
        let before = count();
        let s = upcalls::create_socket_handle(1001, 7).unwrap();
        upcalls::close_socket_handle(s).unwrap();
        assert!(upcalls::close_socket_handle(s).is_err());
        assert!(upcalls::query_socket_handle_context(s).is_err());
        assert_eq!(count(), before);
        assert!(!ProviderScope::enter(|| unreachable!("not formatted when off")).0);
    }
}
