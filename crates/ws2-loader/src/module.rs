//! Modules: `LoadLibrary`, `GetProcAddress`, `FreeLibrary`, `GetModuleHandle`,
//! `GetModuleFileName` on dlopen, with Windows' reference counting and `DllMain` calls.
//!
//! Windows contract:
//! - `LoadLibraryW(path)` maps a DLL once per process; each successful call adds a reference
//!   and returns the same `HMODULE` (the module's base address); the first one calls
//!   `DllMain(h, DLL_PROCESS_ATTACH, NULL)`, and if that returns FALSE the loader calls
//!   `DllMain(h, DLL_PROCESS_DETACH, NULL)`, unloads the DLL and fails with
//!   ERROR_DLL_INIT_FAILED (1114) [DOC DllMain]. A missing file fails with ERROR_MOD_NOT_FOUND
//!   (126), an image that is not loadable with ERROR_BAD_EXE_FORMAT (193), a missing import
//!   with ERROR_PROC_NOT_FOUND (127).
//! - `FreeLibrary(h)` drops one reference; the last one calls `DllMain(h, DLL_PROCESS_DETACH,
//!   NULL)` and unmaps the DLL. `FreeLibrary(NULL)` fails with ERROR_INVALID_HANDLE (6); an
//!   `HMODULE` that is not a loaded module fails with ERROR_MOD_NOT_FOUND (126) (ntdll's
//!   STATUS_DLL_NOT_FOUND, as Wine's LdrUnloadDll) [WINE].
//! - `GetProcAddress(h, name)` finds an export of that module only; an unknown name fails with
//!   ERROR_PROC_NOT_FOUND (127), an unknown module with ERROR_MOD_NOT_FOUND (126) [WINE].
//! - `GetModuleHandleW(NULL)` is the main program; `GetModuleHandleW(name)` a loaded module, with
//!   no reference added.
//!
//! Emulation: a registry of the modules loaded through this API, keyed by base address (the
//! HMODULE value, non-zero as on Windows). Every HMODULE a caller passes is looked up there
//! first, so a forged or freed value never reaches `dlsym`/`dlclose`. `DllMain` is an export
//! named `DllMain` *of the library itself* (default visibility or `__declspec(dllexport)`).
//! Load and unload are serialised by a re-entrant **loader gate**, the counterpart of Windows'
//! loader lock: a `DllMain` may call `LoadLibrary`/`FreeLibrary` on its own thread, other threads
//! wait. The registry's data lock is never held while foreign code runs.
//!
//! Divergences (each shown by a test in crates/ws2-loader/tests/loader_modules.rs):
//! - No search path: a path that is not absolute is never passed to `dlopen`. A bare file name
//!   finds a module already loaded under that file name (as Windows does first), otherwise
//!   ERROR_MOD_NOT_FOUND.
//! - Only modules loaded through this API (and the main program) are modules: libraries loaded
//!   by the dynamic linker (libc, ...) are unknown to `GetModuleHandleW`.
//! - File names are compared case-sensitively (Linux file names), and no `.dll` is appended.
//! - No ordinals (ELF has none): `GetProcAddress` by ordinal fails with ERROR_PROC_NOT_FOUND.
//! - No DLL_PROCESS_DETACH at process exit for modules still loaded; no DLL_THREAD_* calls.

use crate::ffi;
use std::collections::BTreeMap;
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use ws2_abi as abi;
use ws2_core::{Result, WinError};
use ws2_os::{OpenError, SharedLibrary};

/// `ERROR_MOD_NOT_FOUND` (126).
pub const MOD_NOT_FOUND: WinError = WinError(abi::ERROR_MOD_NOT_FOUND);
/// `ERROR_PROC_NOT_FOUND` (127).
pub const PROC_NOT_FOUND: WinError = WinError(abi::ERROR_PROC_NOT_FOUND);
/// `ERROR_BAD_EXE_FORMAT` (193).
pub const BAD_EXE_FORMAT: WinError = WinError(abi::ERROR_BAD_EXE_FORMAT);
/// `ERROR_DLL_INIT_FAILED` (1114).
pub const DLL_INIT_FAILED: WinError = WinError(abi::ERROR_DLL_INIT_FAILED);

const DLL_PROCESS_DETACH: u32 = 0;
const DLL_PROCESS_ATTACH: u32 = 1;

struct Module {
    library: Arc<SharedLibrary>,
    refs: usize,
    dll_main: Option<usize>,
    /// The main program: never unloaded, no DllMain.
    main: bool,
}

#[derive(Default)]
struct Registry {
    modules: BTreeMap<usize, Module>,
}

/// The loader gate: re-entrant for its owner thread, like Windows' loader lock. It is a logical
/// lock (owner and depth under a mutex), so no mutex guard is held while `DllMain` runs.
#[derive(Default)]
struct Gate {
    owner: Mutex<(u32, usize)>,
    released: Condvar,
}

struct GateGuard<'a>(&'a Gate);

impl Gate {
    fn enter(&self) -> GateGuard<'_> {
        let me = ws2_os::current_thread_id();
        let mut state = self.owner.lock().unwrap_or_else(|p| p.into_inner());
        while state.1 > 0 && state.0 != me {
            state = self.released.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        *state = (me, state.1 + 1);
        GateGuard(self)
    }
}

impl Drop for GateGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.0.owner.lock().unwrap_or_else(|p| p.into_inner());
        state.1 -= 1;
        if state.1 == 0 {
            state.0 = 0;
            self.0.released.notify_all();
        }
    }
}

struct Loader {
    gate: Gate,
    registry: Mutex<Registry>,
}

fn loader() -> &'static Loader {
    static LOADER: OnceLock<Loader> = OnceLock::new();
    LOADER.get_or_init(|| Loader {
        gate: Gate::default(),
        registry: Mutex::new(Registry::default()),
    })
}

fn registry() -> MutexGuard<'static, Registry> {
    loader().registry.lock().unwrap_or_else(|p| p.into_inner())
}

fn file_name(path: &Path) -> Option<&std::ffi::OsStr> {
    path.file_name()
}

/// The error `LoadLibrary` reports for a library `dlopen` refused.
pub fn open_error(error: &OpenError) -> WinError {
    match error {
        OpenError::NotAbsolute | OpenError::NotFound(_) => MOD_NOT_FOUND,
        OpenError::BadFormat(_) | OpenError::Other(_) => BAD_EXE_FORMAT,
        OpenError::MissingSymbol(_) => PROC_NOT_FOUND,
    }
}

/// The module already registered under `path`'s file name, for a path that is not absolute.
fn loaded_by_name(registry: &Registry, name: &Path) -> Option<usize> {
    let wanted = if name.components().count() == 1 {
        name.as_os_str()
    } else {
        return None;
    };
    registry
        .modules
        .iter()
        .find(|(_, m)| !m.main && file_name(m.library.path()) == Some(wanted))
        .map(|(base, _)| *base)
}

/// `LoadLibraryW`: loads (or adds a reference to) the module at `path` and returns its HMODULE.
#[doc(alias = "LoadLibraryW")]
pub fn load_library(path: &str) -> Result<usize> {
    let path = Path::new(path);
    let _gate = loader().gate.enter();
    if !path.is_absolute() {
        // Never searched, never resolved against the current directory (see module docs).
        let mut registry = registry();
        let base = loaded_by_name(&registry, path).ok_or(MOD_NOT_FOUND)?;
        if let Some(module) = registry.modules.get_mut(&base) {
            module.refs += 1;
        }
        return Ok(base);
    }
    let library = ffi::open_library(path).map_err(|e| {
        trace(format_args!(
            "LoadLibrary({}) failed: {e:?}",
            path.display()
        ));
        open_error(&e)
    })?;
    let base = library.base();
    {
        let mut registry = registry();
        if let Some(module) = registry.modules.get_mut(&base) {
            module.refs += 1;
            drop(registry);
            ffi::close_library(library); // balances this dlopen's reference
            return Ok(base);
        }
    }
    let dll_main = library.own_symbol(c"DllMain");
    let library = Arc::new(library);
    registry().modules.insert(
        base,
        Module {
            library: library.clone(),
            refs: 1,
            dll_main,
            main: false,
        },
    );
    if let Some(entry) = dll_main {
        if !ffi::call_dll_main(entry, base, DLL_PROCESS_ATTACH) {
            ffi::call_dll_main(entry, base, DLL_PROCESS_DETACH);
            registry().modules.remove(&base);
            release(library);
            return Err(DLL_INIT_FAILED);
        }
    }
    Ok(base)
}

/// Closes the registry's reference once nobody else holds the `Arc` (lookups clone it only for
/// the duration of a `dlsym`).
fn release(library: Arc<SharedLibrary>) {
    let mut library = library;
    loop {
        match Arc::try_unwrap(library) {
            Ok(owned) => return ffi::close_library(owned),
            Err(shared) => {
                library = shared;
                std::thread::yield_now();
            }
        }
    }
}

/// `FreeLibrary`: drops one reference; the last one runs DLL_PROCESS_DETACH and unloads.
#[doc(alias = "FreeLibrary")]
pub fn free_library(module: usize) -> Result<()> {
    if module == 0 {
        return Err(WinError::INVALID_HANDLE);
    }
    let _gate = loader().gate.enter();
    let (library, dll_main) = {
        let mut registry = registry();
        let entry = registry.modules.get_mut(&module).ok_or(MOD_NOT_FOUND)?;
        if entry.main {
            return Ok(());
        }
        entry.refs -= 1;
        if entry.refs > 0 {
            return Ok(());
        }
        let removed = registry.modules.remove(&module).ok_or(MOD_NOT_FOUND)?;
        (removed.library, removed.dll_main)
    };
    if let Some(entry) = dll_main {
        ffi::call_dll_main(entry, module, DLL_PROCESS_DETACH);
    }
    release(library);
    Ok(())
}

fn ensure_main(registry: &mut Registry) -> Option<usize> {
    if let Some((base, _)) = registry.modules.iter().find(|(_, m)| m.main) {
        return Some(*base);
    }
    let main = SharedLibrary::main_program()?;
    let base = main.base();
    registry.modules.insert(
        base,
        Module {
            library: Arc::new(main),
            refs: 1,
            dll_main: None,
            main: true,
        },
    );
    Some(base)
}

/// `GetProcAddress(module, name)`: the address of an export of that module itself.
/// `module == 0` means the main program, as on Windows.
#[doc(alias = "GetProcAddress")]
pub fn proc_address(module: usize, name: &[u8]) -> Result<usize> {
    let library = {
        let mut registry = registry();
        let module = if module == 0 {
            ensure_main(&mut registry).ok_or(MOD_NOT_FOUND)?
        } else {
            module
        };
        registry
            .modules
            .get(&module)
            .ok_or(MOD_NOT_FOUND)?
            .library
            .clone()
    };
    let name = CString::new(name).map_err(|_| PROC_NOT_FOUND)?;
    library.own_symbol(&name).ok_or(PROC_NOT_FOUND)
}

/// `GetModuleHandleW`: `None` is the main program; a name is a loaded module's full path or
/// file name. No reference is added. ERROR_MOD_NOT_FOUND when nothing matches.
#[doc(alias = "GetModuleHandleW")]
pub fn module_handle(name: Option<&str>) -> Result<usize> {
    let mut registry = registry();
    let Some(name) = name else {
        return ensure_main(&mut registry).ok_or(MOD_NOT_FOUND);
    };
    let path = Path::new(name);
    if path.is_absolute() {
        registry
            .modules
            .iter()
            .find(|(_, m)| !m.main && m.library.path() == path)
            .map(|(base, _)| *base)
            .ok_or(MOD_NOT_FOUND)
    } else {
        loaded_by_name(&registry, path).ok_or(MOD_NOT_FOUND)
    }
}

/// `GetModuleFileNameW`: the path a module was loaded from (`module == 0`: the main program).
#[doc(alias = "GetModuleFileNameW")]
pub fn module_file_name(module: usize) -> Result<PathBuf> {
    let mut registry = registry();
    let module = if module == 0 {
        ensure_main(&mut registry).ok_or(MOD_NOT_FOUND)?
    } else {
        module
    };
    registry
        .modules
        .get(&module)
        .map(|m| m.library.path().to_path_buf())
        .ok_or(MOD_NOT_FOUND)
}

/// Whether `module` is a loaded module (`DisableThreadLibraryCalls` validates its argument;
/// there are no thread notifications to disable).
pub fn is_module(module: usize) -> bool {
    registry().modules.contains_key(&module)
}

/// The number of references LoadLibrary holds on `module` (0 when it is not loaded).
pub fn reference_count(module: usize) -> usize {
    registry().modules.get(&module).map_or(0, |m| m.refs)
}

fn trace(line: std::fmt::Arguments<'_>) {
    use ws2_core::trace::{emit, enabled, Channel};
    if enabled(Channel::Api) {
        emit(Channel::Api, line);
    }
}
