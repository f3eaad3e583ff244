//! The process-wide state: the handle table and what it holds, the socket registry, the catalog
//! and whether Winsock has been started.

use crate::catalog::{Catalog, CatalogError, Store};
use crate::error::{Result, WinError};
use crate::handle::{HandleTable, Kind};
use crate::port::Port;
use crate::signal::Signal;
use crate::thread::ThreadObject;
use crate::window::Window;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{
    Arc, Condvar, Mutex, MutexGuard, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard,
};
use std::thread::ThreadId;

/// GetCurrentThread's pseudo handle, `(HANDLE)-2`.
pub const CURRENT_THREAD_PSEUDO_HANDLE: usize = usize::MAX - 1;

/// What a handle refers to.
#[derive(Clone, Debug)]
pub enum Object {
    /// Events and semaphores.
    Signal(Arc<Signal>),
    Thread(Arc<ThreadObject>),
    Port(Arc<Port>),
    Socket(Arc<SocketEntry>),
    Window(Arc<Window>),
}

/// What ws2_32 knows about a socket: which catalog entry owns it and its completion-port
/// association. The provider's context of a `WPUCreateSocketHandle` socket lives in the handle
/// table slot (read lock-free by `WPUQuerySocketHandleContext`).
#[derive(Debug)]
pub struct SocketEntry {
    pub catalog_id: u32,
    /// Registered by `WPUModifyIFSHandle` (the provider's own descriptor), not minted by us.
    pub ifs: bool,
    pub port: Mutex<Option<(Arc<Port>, usize)>>,
    /// SetFileCompletionNotificationModes flags (`FILE_SKIP_*`), only ever added to.
    pub modes: std::sync::atomic::AtomicU8,
}

impl SocketEntry {
    pub fn new(catalog_id: u32, ifs: bool) -> Self {
        Self {
            catalog_id,
            ifs,
            port: Mutex::new(None),
            modes: std::sync::atomic::AtomicU8::new(0),
        }
    }

    /// Adds completion notification modes (SetFileCompletionNotificationModes: a mode once set
    /// cannot be removed).
    pub fn add_modes(&self, flags: u8) {
        self.modes
            .fetch_or(flags, std::sync::atomic::Ordering::AcqRel);
    }

    /// The completion notification modes set so far.
    pub fn modes(&self) -> u8 {
        self.modes.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The completion port and key this socket is associated with.
    pub fn association(&self) -> Option<(Arc<Port>, usize)> {
        self.port.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Associates the socket with a port; a socket can be associated once
    /// (ERROR_INVALID_PARAMETER afterwards, as for a file handle).
    pub fn associate(&self, port: Arc<Port>, key: usize) -> Result<()> {
        let mut slot = self.port.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return Err(WinError::INVALID_PARAMETER);
        }
        *slot = Some((port, key));
        Ok(())
    }
}

/// The process's ws2emu state.
pub struct Runtime {
    pub handles: HandleTable<Object>,
    /// IFS sockets: provider descriptors registered with WPUModifyIFSHandle.
    ifs_sockets: Mutex<BTreeMap<usize, Arc<SocketEntry>>>,
    /// The process's view of the catalog (the snapshot WSAStartup takes).
    catalog: OnceLock<RwLock<Catalog>>,
    /// Where the catalog is stored (`WS2EMU_CATALOG`, read once).
    store: OnceLock<Store>,
    /// Serialises WSAStartup with WSAStartup and WSACleanup: the first WSAStartup's snapshot, and
    /// the last WSACleanup's provider clean-up, which no other thread's WSAStartup may overtake
    /// (it would start using providers that are being cleaned up). Holds the thread running
    /// that clean-up, if any: no lock is held while the providers run; other threads wait on
    /// `cleaned`.
    startup: Mutex<Option<ThreadId>>,
    cleaned: Condvar,
    /// Successful WSAStartup calls not yet matched by WSACleanup, plus started providers.
    started: AtomicUsize,
    /// The Winsock version the process negotiated (MAKEWORD order), 0 before WSAStartup.
    version: AtomicU16,
}

/// The process-wide runtime (a constant-initialised static: no lazy check on the hot path).
pub fn runtime() -> &'static Runtime {
    static RUNTIME: Runtime = Runtime::new();
    &RUNTIME
}

impl Runtime {
    const fn new() -> Self {
        Self {
            handles: HandleTable::new(),
            ifs_sockets: Mutex::new(BTreeMap::new()),
            catalog: OnceLock::new(),
            store: OnceLock::new(),
            startup: Mutex::new(None),
            cleaned: Condvar::new(),
            started: AtomicUsize::new(0),
            version: AtomicU16::new(0),
        }
    }

    /// The snapshot, read from the store on first use. A store that cannot be read gives an
    /// empty view (reported once on stderr); WSAStartup then fails with WSASYSNOTREADY.
    fn catalog_lock(&self) -> &RwLock<Catalog> {
        self.catalog.get_or_init(|| {
            let catalog = self.store().load().unwrap_or_else(|e| {
                e.reported();
                Catalog::empty(crate::catalog::FIRST_ID)
            });
            RwLock::new(catalog)
        })
    }

    /// The process's catalog view: the snapshot taken by the first WSAStartup (or, before any
    /// WSAStartup, the stored catalog as read at first use). `WSAEnumProtocols`, socket
    /// creation, the loader and the WPU upcalls that take a catalog id read it; the `WSC*`
    /// functions work on the [`store`](Self::store) instead.
    pub fn catalog(&self) -> RwLockReadGuard<'_, Catalog> {
        self.catalog_lock()
            .read()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Write access to the process's view (tests and harnesses; installers use the store).
    pub fn catalog_mut(&self) -> RwLockWriteGuard<'_, Catalog> {
        self.catalog_lock()
            .write()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Where the catalog is stored: chosen from `WS2EMU_CATALOG` at first use, for the life of
    /// the process.
    pub fn store(&self) -> &Store {
        self.store.get_or_init(Store::from_env)
    }

    /// WSAStartup's part: when Winsock is not started (the first WSAStartup, or the first after
    /// the last WSACleanup), the view is replaced by the stored catalog; then
    /// [`start`](Self::start). A store that cannot be read fails the call and starts nothing.
    pub fn startup(&self, version: u16) -> std::result::Result<(), CatalogError> {
        let _serial = self.serial();
        if !self.is_started() {
            let fresh = self.store().load()?;
            *self.catalog_mut() = fresh;
        }
        self.start(version);
        Ok(())
    }

    fn ifs(&self) -> MutexGuard<'_, BTreeMap<usize, Arc<SocketEntry>>> {
        self.ifs_sockets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a successful WSAStartup (or provider start) with the negotiated version.
    pub fn start(&self, version: u16) {
        if self.started.fetch_add(1, Ordering::SeqCst) == 0 {
            self.version.store(version, Ordering::SeqCst);
        }
    }

    /// Undoes one [`start`](Self::start); `WSANOTINITIALISED` when nothing is started.
    pub fn stop(&self) -> Result<()> {
        self.started
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .map(|_| ())
            .map_err(|_| WinError::WSANOTINITIALISED)
    }

    pub fn is_started(&self) -> bool {
        self.started.load(Ordering::SeqCst) > 0
    }

    /// The WSAStartup/WSACleanup lock, once no other thread is cleaning up the providers (the
    /// cleaning thread itself goes on: a provider may call WSAStartup from its WSPCleanup).
    fn serial(&self) -> MutexGuard<'_, Option<ThreadId>> {
        let me = std::thread::current().id();
        let mut serial = self.startup.lock().unwrap_or_else(|p| p.into_inner());
        while serial.is_some_and(|cleaner| cleaner != me) {
            serial = self.cleaned.wait(serial).unwrap_or_else(|p| p.into_inner());
        }
        serial
    }

    /// WSACleanup's part: undoes one [`start`](Self::start) (`WSANOTINITIALISED` when nothing
    /// is started); the last one runs `on_last` (the providers' WSPCleanup) before any other
    /// thread's WSAStartup can start Winsock again, as Windows serialises them, and with the
    /// upcalls still available to it.
    pub fn cleanup(&self, on_last: impl FnOnce()) -> Result<()> {
        let mut serial = self.serial();
        self.stop()?;
        if self.is_started() {
            return Ok(());
        }
        /// Lets the waiting WSAStartups go when the clean-up ends (also on unwind).
        struct Cleaned<'a>(&'a Runtime);
        impl Drop for Cleaned<'_> {
            fn drop(&mut self) {
                *self.0.startup.lock().unwrap_or_else(|p| p.into_inner()) = None;
                self.0.cleaned.notify_all();
            }
        }
        *serial = Some(std::thread::current().id());
        drop(serial);
        let _cleaned = Cleaned(self);
        on_last();
        Ok(())
    }

    /// Whether a provider may use the upcalls that need Winsock started: after a WSAStartup
    /// (or a provider start) and while the last WSACleanup runs the providers' WSPCleanup (a
    /// provider closes its events and thread ids there).
    pub fn upcalls_available(&self) -> bool {
        self.is_started()
            || self
                .startup
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_some()
    }

    /// The version negotiated by the first WSAStartup.
    pub fn version(&self) -> u16 {
        self.version.load(Ordering::SeqCst)
    }

    /// Stores a new object; `None` when the handle table is full.
    pub fn insert(&self, object: Object) -> Option<usize> {
        let kind = match &object {
            Object::Signal(s) => match s.kind() {
                crate::signal::SignalKind::Semaphore { .. } => Kind::Semaphore,
                crate::signal::SignalKind::Mutex => Kind::Mutex,
                _ => Kind::Event,
            },
            Object::Thread(_) => Kind::Thread,
            Object::Port(_) => Kind::Port,
            Object::Socket(_) => Kind::Socket,
            Object::Window(_) => Kind::Window,
        };
        self.handles.insert(kind, object, 0)
    }

    /// The event or semaphore behind `handle`.
    pub fn signal(&self, handle: usize, kinds: &[Kind]) -> Option<Arc<Signal>> {
        match self.handles.get(handle, kinds)? {
            (_, Object::Signal(s)) => Some(s),
            _ => None,
        }
    }

    /// Any waitable object behind `handle`: its signal (events, semaphores, thread exit).
    pub fn waitable(&self, handle: usize) -> Option<Waitable> {
        match self
            .handles
            .get(
                handle,
                &[Kind::Event, Kind::Semaphore, Kind::Mutex, Kind::Thread],
            )?
            .1
        {
            Object::Signal(s) => Some(Waitable::Signal(s)),
            Object::Thread(t) => Some(Waitable::Thread(t)),
            _ => None,
        }
    }

    pub fn port(&self, handle: usize) -> Option<Arc<Port>> {
        match self.handles.get(handle, &[Kind::Port])?.1 {
            Object::Port(p) => Some(p),
            _ => None,
        }
    }

    /// The thread behind `handle`, including the current-thread pseudo handle (`(HANDLE)-2`).
    pub fn thread(&self, handle: usize) -> Option<Arc<ThreadObject>> {
        if handle == CURRENT_THREAD_PSEUDO_HANDLE {
            return crate::thread::current().ok();
        }
        match self.handles.get(handle, &[Kind::Thread])?.1 {
            Object::Thread(t) => Some(t),
            _ => None,
        }
    }

    /// The socket registered under `handle`: an IFS registration, or a minted handle.
    pub fn socket(&self, handle: usize) -> Option<Arc<SocketEntry>> {
        if let Some(entry) = self.ifs().get(&handle) {
            return Some(entry.clone());
        }
        self.created_socket(handle)
    }

    /// The socket behind a handle minted by WPUCreateSocketHandle (not IFS registrations).
    pub fn created_socket(&self, handle: usize) -> Option<Arc<SocketEntry>> {
        match self.handles.get(handle, &[Kind::Socket])?.1 {
            Object::Socket(s) => Some(s),
            _ => None,
        }
    }

    /// Mints a socket handle with a provider context.
    pub fn create_socket(&self, catalog_id: u32, context: usize) -> Option<usize> {
        let entry = Arc::new(SocketEntry::new(catalog_id, false));
        self.handles
            .insert(Kind::Socket, Object::Socket(entry), context)
    }

    /// Registers (or re-registers) a provider's own handle as an IFS socket of `catalog_id`.
    pub fn register_ifs(&self, handle: usize, catalog_id: u32) {
        self.ifs()
            .insert(handle, Arc::new(SocketEntry::new(catalog_id, true)));
    }

    /// Forgets an IFS registration (the socket was closed).
    pub fn unregister_ifs(&self, handle: usize) -> Option<Arc<SocketEntry>> {
        self.ifs().remove(&handle)
    }

    /// The IFS registration of `handle`, if it is one.
    pub fn ifs_entry(&self, handle: usize) -> Option<Arc<SocketEntry>> {
        self.ifs().get(&handle).cloned()
    }

    /// Forgets `entry`, the registration `handle` had when its closesocket began, but not a
    /// newer one: an IFS handle is the provider's descriptor, which the system may hand to
    /// another thread's new socket (registered under the same value) as soon as the provider
    /// closed it, before closesocket returns here.
    pub fn unregister_ifs_entry(&self, handle: usize, entry: &Arc<SocketEntry>) {
        let mut registrations = self.ifs();
        if registrations
            .get(&handle)
            .is_some_and(|current| Arc::ptr_eq(current, entry))
        {
            registrations.remove(&handle);
        }
    }

    /// Number of IFS registrations.
    pub fn ifs_count(&self) -> usize {
        self.ifs().len()
    }
}

/// A waitable object: something whose state a wait can check.
#[derive(Clone, Debug)]
pub enum Waitable {
    Signal(Arc<Signal>),
    Thread(Arc<ThreadObject>),
}

impl Waitable {
    pub fn signal(&self) -> &Signal {
        match self {
            Self::Signal(s) => s,
            Self::Thread(t) => t.exit_signal(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_and_stop_balance() {
        let rt = Runtime::new();
        assert!(!rt.is_started());
        assert_eq!(rt.stop(), Err(WinError::WSANOTINITIALISED));
        rt.start(0x0202);
        rt.start(0x0101);
        assert_eq!(rt.version(), 0x0202, "the first negotiation wins");
        rt.stop().unwrap();
        assert!(rt.is_started());
        rt.stop().unwrap();
        assert!(!rt.is_started());
    }

    #[test]
    fn upcalls_stay_available_while_providers_clean_up() {
        let rt = Runtime::new();
        rt.start(0x0202);
        rt.stop().unwrap();
        assert!(!rt.upcalls_available(), "after the last WSACleanup");
        rt.start(0x0202);
        let mut inside = None;
        rt.cleanup(|| inside = Some((rt.is_started(), rt.upcalls_available())))
            .unwrap();
        assert_eq!(inside, Some((false, true)), "during WSPCleanup");
        assert!(!rt.upcalls_available(), "after it");
    }

    #[test]
    fn a_socket_associates_with_one_port() {
        let entry = SocketEntry::new(1001, false);
        let port = Arc::new(Port::new().unwrap());
        entry.associate(port.clone(), 7).unwrap();
        assert_eq!(entry.associate(port, 8), Err(WinError::INVALID_PARAMETER));
        assert_eq!(entry.association().map(|(_, k)| k), Some(7));
    }
}
