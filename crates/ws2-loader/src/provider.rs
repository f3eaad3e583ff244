//! Starting providers: load the catalog entry's DLL, negotiate `WSPStartup`, validate what it
//! returned, and run exactly one `WSPCleanup` per successful start.
//!
//! Windows contract (spec §4.1, checklist 58–65):
//! - ws2_32 calls `WSPStartup(MAKEWORD(2,2), &data, &entry, upcalls, &procs)` with
//!   `lpProtocolInfo` = the catalog entry being started (for a chain entry: the chain entry
//!   itself) and the upcall table by value.
//! - A DLL that cannot be loaded, has no `WSPStartup`, or whose `WSPStartup` returns non-zero:
//!   WSAEPROVIDERFAILEDINIT (10106), and the DLL is unloaded.
//! - `wVersion` whose major version is not 2: `WSPCleanup` is called once, the DLL unloaded,
//!   WSAEINVALIDPROVIDER (10105) [DOC; INF for "major 2"].
//! - A NULL slot in the returned `WSPPROC_TABLE`: `WSPCleanup` (if that slot is filled) once,
//!   unload, WSAEINVALIDPROCTABLE (10104).
//! - One started provider per provider GUID per process; every successful `WSPStartup` is
//!   matched by exactly one `WSPCleanup` when the last `WSACleanup` runs.
//!
//! Emulation: [`Loader`] keeps the started providers keyed by GUID. Start-up runs with **no
//! lock held**: a provider may call any upcall (including catalog reads such as
//! `WPUGetProviderPath`) and `LoadLibraryW` from inside `WSPStartup`. A second thread asking for
//! a provider that is starting waits for the outcome and shares it. The catalog path is expanded
//! (`%VAR%`) and must then be absolute: a relative path is refused with 10106 and never resolved
//! against the current directory or a search path. A library that others than its owner and
//! root could change is refused with 10106 before it is opened ([`trusted_library`]), and so is
//! one that would load a second ws2emu runtime into the process ([`single_runtime`]).
//!
//! Divergences: a provider whose `WSPStartup` asks (on the same thread) for itself to be
//! started again gets WSAEPROVIDERFAILEDINIT instead of a deadlock (Windows documents nothing).

use crate::module;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use ws2_abi as abi;
use ws2_abi::{
    GUID, WS2EMU_ATTACH_HOST_EXPORT, WS2EMU_HOST_TABLE, WSAPROTOCOL_INFOW, WSPDATA, WSPPROC_TABLE,
    WSPUPCALLTABLE,
};
use ws2_core::{runtime, verifier, Result, WinError};

/// WSAEINVALIDPROCTABLE (10104).
pub const INVALID_PROC_TABLE: WinError = WinError(abi::WSAEINVALIDPROCTABLE as u32);
/// WSAEINVALIDPROVIDER (10105).
pub const INVALID_PROVIDER: WinError = WinError(abi::WSAEINVALIDPROVIDER as u32);
/// WSAEPROVIDERFAILEDINIT (10106).
pub const PROVIDER_FAILED_INIT: WinError = WinError(abi::WSAEPROVIDERFAILEDINIT as u32);

/// The version ws2_32 requests, MAKEWORD(2, 2).
pub const REQUESTED_VERSION: u16 = 0x0202;

/// A started provider: its module, what `WSPStartup` reported and the table it filled.
#[derive(Debug)]
pub struct Provider {
    guid: GUID,
    catalog_id: u32,
    module: usize,
    /// The protocol info passed to WSPStartup, kept alive as long as the provider.
    info: Box<WSAPROTOCOL_INFOW>,
    data: WSPDATA,
    procs: WSPPROC_TABLE,
    /// With the verifier on: the stack WSPStartup ran on, whose top holds the table argument
    /// (now trampolines), kept as long as the provider may still use a pointer to it.
    _startup_stack: Option<crate::ffi::StartupStack>,
}

impl Provider {
    /// The dispatch table `WSPStartup` filled (every slot non-NULL). Valid until
    /// [`Loader::cleanup_all`] unloads the provider.
    pub fn procs(&self) -> &WSPPROC_TABLE {
        &self.procs
    }
    /// What `WSPStartup` wrote into `WSPDATA`.
    pub fn data(&self) -> &WSPDATA {
        &self.data
    }
    /// The provider GUID (the key of the started-provider registry).
    pub fn guid(&self) -> GUID {
        self.guid
    }
    /// The catalog entry it was started through.
    pub fn catalog_id(&self) -> u32 {
        self.catalog_id
    }
    /// The protocol info `WSPStartup` received.
    pub fn protocol_info(&self) -> &WSAPROTOCOL_INFOW {
        &self.info
    }
    /// The name the verifier gives it: the catalog entry name (`szProtocol`) it was started
    /// through, or its catalog id when that is empty.
    pub fn name(&self) -> String {
        entry_name(&self.info, self.catalog_id)
    }
    /// The provider's HMODULE.
    pub fn module(&self) -> usize {
        self.module
    }
}

/// The verifier's name for a provider started through `info` (see [`Provider::name`]).
fn entry_name(info: &WSAPROTOCOL_INFOW, catalog_id: u32) -> String {
    let name = verifier::wide_name(&info.szProtocol);
    if name.is_empty() {
        format!("catalog entry {catalog_id}")
    } else {
        name
    }
}

type GuidKey = (u32, u16, u16, [u8; 8]);

fn key(guid: &GUID) -> GuidKey {
    (guid.Data1, guid.Data2, guid.Data3, guid.Data4)
}

enum Slot {
    /// `WSPStartup` is running on the thread with this id.
    Starting(u32),
    Started(Arc<Provider>),
}

#[derive(Default)]
struct State {
    slots: HashMap<GuidKey, Slot>,
    /// Started providers by the catalog id they were asked for: the hot path of every socket
    /// call, which needs no catalog copy once a provider runs.
    by_id: HashMap<u32, Arc<Provider>>,
    /// Started providers in start order (cleanup runs in reverse).
    order: Vec<GuidKey>,
}

/// Starts providers with one upcall table and cleans them up once.
pub struct Loader {
    upcalls: WSPUPCALLTABLE,
    /// ws2emu host services offered to providers that export `ws2emu_attach_host`.
    host: Option<&'static WS2EMU_HOST_TABLE>,
    state: Mutex<State>,
    changed: Condvar,
}

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader").finish_non_exhaustive()
    }
}

/// Which slot of a `WSPPROC_TABLE` is NULL, if any (the first one, in table order).
pub fn first_null_slot(procs: &WSPPROC_TABLE) -> Option<usize> {
    let p = procs;
    let filled = [
        p.lpWSPAccept.is_some(),
        p.lpWSPAddressToString.is_some(),
        p.lpWSPAsyncSelect.is_some(),
        p.lpWSPBind.is_some(),
        p.lpWSPCancelBlockingCall.is_some(),
        p.lpWSPCleanup.is_some(),
        p.lpWSPCloseSocket.is_some(),
        p.lpWSPConnect.is_some(),
        p.lpWSPDuplicateSocket.is_some(),
        p.lpWSPEnumNetworkEvents.is_some(),
        p.lpWSPEventSelect.is_some(),
        p.lpWSPGetOverlappedResult.is_some(),
        p.lpWSPGetPeerName.is_some(),
        p.lpWSPGetSockName.is_some(),
        p.lpWSPGetSockOpt.is_some(),
        p.lpWSPGetQOSByName.is_some(),
        p.lpWSPIoctl.is_some(),
        p.lpWSPJoinLeaf.is_some(),
        p.lpWSPListen.is_some(),
        p.lpWSPRecv.is_some(),
        p.lpWSPRecvDisconnect.is_some(),
        p.lpWSPRecvFrom.is_some(),
        p.lpWSPSelect.is_some(),
        p.lpWSPSend.is_some(),
        p.lpWSPSendDisconnect.is_some(),
        p.lpWSPSendTo.is_some(),
        p.lpWSPSetSockOpt.is_some(),
        p.lpWSPShutdown.is_some(),
        p.lpWSPSocket.is_some(),
        p.lpWSPStringToAddress.is_some(),
    ];
    filled.iter().position(|filled| !filled)
}

/// Whether a negotiated `wVersion` is usable: major version (low byte) 2.
pub fn version_usable(version: u16) -> bool {
    version & 0xff == 2
}

/// The DLL path of a catalog entry, expanded (`ws2_core::catalog::expanded_path`, the one
/// implementation); WSAEPROVIDERFAILEDINIT unless it is absolute afterwards, so a provider is
/// never looked up in the current directory or a search path.
pub fn expanded_path(stored: &[u16]) -> Result<String> {
    let path = ws2_core::catalog::expanded_path(stored).map_err(|_| PROVIDER_FAILED_INIT)?;
    path.into_os_string()
        .into_string()
        .map_err(|_| PROVIDER_FAILED_INIT)
}

/// Refuses (WSAEPROVIDERFAILEDINIT) a provider library that someone other than its owner (you
/// or root) could change, unless `WS2EMU_INSECURE_CATALOG=1` (`ws2_os::check_trusted`: mode,
/// owner, symlink target, directories up to `/`). The reason goes to stderr once per library
/// and process, and on the `api` trace channel every time. ws2emu's own rule: on Windows the
/// catalog's administrator-only ACL does this job.
pub fn trusted_library(path: &str) -> Result<()> {
    let Err(untrusted) = ws2_os::check_trusted(std::path::Path::new(path)) else {
        return Ok(());
    };
    if ws2_os::insecure_allowed() {
        return Ok(());
    }
    refuse(format!(
        "provider library {path} refused: {untrusted} ({}=1 allows it for throwaway test \
         directories)",
        ws2_os::INSECURE_ENV
    ))
}

/// Refuses (WSAEPROVIDERFAILEDINIT) a provider library that depends on a ws2emu runtime
/// (libws2_32.so, linked with `-lws2_32` or `pkg-config --libs ws2emu`) other than the one this
/// process runs, before it is opened: `dlopen` would map a second runtime, with its own handle
/// space and catalog, and bind the provider's imports to it ([`crate::dependencies`]). A
/// provider linked with the same libws2_32.so the process runs from loads. Reported like
/// [`trusted_library`]. ws2emu's own rule: Windows has one ws2_32.dll per process.
pub fn single_runtime(path: &str) -> Result<()> {
    let path = std::path::Path::new(path);
    let Some(dynamic) = crate::dependencies::read_dynamic(path) else {
        return Ok(()); // not an ELF file we read: dlopen reports it
    };
    let Some(runtime) = crate::dependencies::running_runtime() else {
        return Ok(());
    };
    let Some(needed) = crate::dependencies::second_runtime(path, &dynamic, &runtime) else {
        return Ok(());
    };
    refuse(format!(
        "provider library {} refused: it needs {needed} (linked with -lws2_32 or \
         `pkg-config --libs ws2emu`), a second ws2emu runtime next to the one in {}; build \
         providers with `pkg-config --cflags ws2emu` only (README, \"Testing your provider\")",
        path.display(),
        runtime.display()
    ))
}

/// WSAEPROVIDERFAILEDINIT with `message` on the `api` trace channel every time and on stderr
/// once per message and process.
fn refuse(message: String) -> Result<()> {
    use ws2_core::trace::{emit, enabled, Channel};
    if enabled(Channel::Api) {
        emit(Channel::Api, format_args!("{message}"));
    }
    static PRINTED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut printed = PRINTED.lock().unwrap_or_else(|p| p.into_inner());
    if !printed.contains(&message) {
        eprintln!("ws2emu: {message}");
        printed.push(message);
    }
    Err(PROVIDER_FAILED_INIT)
}

impl Loader {
    /// A loader that hands `upcalls` (by value) to every `WSPStartup`.
    pub fn new(upcalls: WSPUPCALLTABLE) -> Self {
        Self {
            upcalls,
            host: None,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    }

    /// Offers `host` to every provider that exports `ws2emu_attach_host` (the built-in base
    /// provider does, for the completion of overlapped requests on its IFS sockets).
    pub fn with_host(mut self, host: &'static WS2EMU_HOST_TABLE) -> Self {
        self.host = Some(host);
        self
    }

    /// Offers the host table to `module` if it exports `ws2emu_attach_host`: whether it took
    /// it, `None` when there is nothing to offer or nobody to take it. Also for modules a
    /// layered provider loads itself (LoadLibraryW of its lower layer), which need the same
    /// services as the ones the loader starts.
    pub fn offer_host(&self, module: usize) -> Option<bool> {
        let host = self.host?;
        let attach = module::proc_address(module, WS2EMU_ATTACH_HOST_EXPORT).ok()?;
        Some(crate::ffi::call_attach_host(attach, host) == 0)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts the provider of catalog entry `catalog_id`, or returns the one already started
    /// for its GUID. WSAEINVAL for an unknown catalog id.
    pub fn start(&self, catalog_id: u32) -> Result<Arc<Provider>> {
        if let Some(provider) = self.state().by_id.get(&catalog_id) {
            return Ok(provider.clone());
        }
        let provider = self.start_entry(catalog_id)?;
        self.state().by_id.insert(catalog_id, provider.clone());
        Ok(provider)
    }

    /// [`start`](Self::start) without the by-id index: reads the catalog entry.
    fn start_entry(&self, catalog_id: u32) -> Result<Arc<Provider>> {
        let (info, path) = {
            let catalog = runtime().catalog();
            let entry = catalog.by_id(catalog_id).ok_or(WinError::WSAEINVAL)?;
            (entry.info, entry.path.clone())
        };
        let guid_key = key(&info.ProviderId);
        let me = ws2_os::current_thread_id();
        {
            let mut state = self.state();
            loop {
                match state.slots.get(&guid_key) {
                    Some(Slot::Started(provider)) => return Ok(provider.clone()),
                    Some(Slot::Starting(owner)) if *owner == me => {
                        return Err(PROVIDER_FAILED_INIT)
                    }
                    Some(Slot::Starting(_)) => {
                        state = self.changed.wait(state).unwrap_or_else(|p| p.into_inner());
                    }
                    None => break,
                }
            }
            state.slots.insert(guid_key, Slot::Starting(me));
        }
        let outcome = self.start_unlocked(catalog_id, info, &path);
        let mut state = self.state();
        match &outcome {
            Ok(provider) => {
                state
                    .slots
                    .insert(guid_key, Slot::Started(provider.clone()));
                state.order.push(guid_key);
            }
            Err(_) => {
                state.slots.remove(&guid_key);
            }
        }
        drop(state);
        self.changed.notify_all();
        outcome
    }

    /// The start-up sequence, with no lock of ours held.
    fn start_unlocked(
        &self,
        catalog_id: u32,
        info: WSAPROTOCOL_INFOW,
        stored_path: &[u16],
    ) -> Result<Arc<Provider>> {
        let path = expanded_path(stored_path)?;
        trusted_library(&path)?;
        single_runtime(&path)?;
        let module = module::load_library(&path).map_err(|_| PROVIDER_FAILED_INIT)?;
        let fail = |error: WinError| {
            let _ = module::free_library(module);
            Err(error)
        };
        let Ok(startup) = module::proc_address(module, b"WSPStartup") else {
            return fail(PROVIDER_FAILED_INIT);
        };
        let mut info = Box::new(info);
        let name = entry_name(&info, catalog_id);
        let scope = verifier::ProviderScope::enter(|| name.clone());
        let (outcome, startup_stack) = if verifier::enabled() {
            let (outcome, stack) = crate::ffi::call_wsp_startup_verified(
                startup,
                REQUESTED_VERSION,
                &mut info,
                self.upcalls,
            );
            (outcome, Some(stack))
        } else {
            let outcome =
                crate::ffi::call_wsp_startup(startup, REQUESTED_VERSION, &mut info, self.upcalls);
            (outcome, None)
        };
        drop(scope);
        if outcome.result != 0 {
            return fail(PROVIDER_FAILED_INIT);
        }
        let problem = if !version_usable(outcome.data.wVersion) {
            Some(INVALID_PROVIDER)
        } else if first_null_slot(&outcome.procs).is_some() {
            Some(INVALID_PROC_TABLE)
        } else {
            None
        };
        // The host extension: a provider that asks for it and refuses it failed to start.
        let problem = problem
            .or_else(|| (self.offer_host(module) == Some(false)).then_some(PROVIDER_FAILED_INIT));
        if let Some(error) = problem {
            // The start succeeded, so it is matched by one WSPCleanup before the unload.
            let scope = verifier::ProviderScope::enter(|| name.clone());
            crate::ffi::call_wsp_cleanup(&outcome.procs);
            drop(scope);
            verifier::check_cleanup(&name);
            return fail(error);
        }
        Ok(Arc::new(Provider {
            guid: info.ProviderId,
            catalog_id,
            module,
            info,
            data: outcome.data,
            procs: outcome.procs,
            _startup_stack: startup_stack,
        }))
    }

    /// The started provider for `guid`, if any.
    pub fn started(&self, guid: &GUID) -> Option<Arc<Provider>> {
        match self.state().slots.get(&key(guid)) {
            Some(Slot::Started(provider)) => Some(provider.clone()),
            _ => None,
        }
    }

    /// How many providers are started.
    pub fn started_count(&self) -> usize {
        self.state().order.len()
    }

    /// Runs `WSPCleanup` once for every started provider (in reverse start order) and unloads
    /// each one; returns how many were cleaned up. Called when the last `WSACleanup` happens.
    /// Providers keep running their cleanup with no lock held.
    pub fn cleanup_all(&self) -> usize {
        let providers: Vec<Arc<Provider>> = {
            let mut state = self.state();
            state.by_id.clear();
            let order = std::mem::take(&mut state.order);
            order
                .iter()
                .rev()
                .filter_map(|k| match state.slots.remove(k) {
                    Some(Slot::Started(p)) => Some(p),
                    _ => None,
                })
                .collect()
        };
        for provider in &providers {
            let name = provider.name();
            let scope = verifier::ProviderScope::enter(|| name.clone());
            crate::ffi::call_wsp_cleanup(&provider.procs);
            drop(scope);
            verifier::check_cleanup(&name);
            let _ = module::free_library(provider.module);
        }
        providers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_paths() {
        assert!(version_usable(0x0202));
        assert!(version_usable(0x0002), "2.0");
        assert!(!version_usable(0x0101));
        assert!(!version_usable(0x0003), "3.0");
        assert!(!version_usable(0x0201), "1.2");
        let w = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
        assert_eq!(
            expanded_path(&w("/abs/lib.so")).as_deref(),
            Ok("/abs/lib.so")
        );
        assert_eq!(expanded_path(&w("lib.so")), Err(PROVIDER_FAILED_INIT));
        assert_eq!(expanded_path(&w("./lib.so")), Err(PROVIDER_FAILED_INIT));
        assert_eq!(
            expanded_path(&w("%WS2EMU_PROVIDER_TEST_UNSET%/lib.so")),
            Err(PROVIDER_FAILED_INIT),
            "an unexpanded variable leaves a relative path"
        );
    }

    #[test]
    fn null_slots_are_found() {
        let table = crate::ffi::empty_proc_table();
        assert_eq!(first_null_slot(&table), Some(0));
    }
}
