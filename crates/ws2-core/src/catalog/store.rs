//! Where the catalog is kept: a file (`WS2EMU_CATALOG`) or this process's memory.
//!
//! Windows keeps the catalog in the registry; every `WSC*` call reads and writes it there, and
//! processes that have called `WSAStartup` keep their own snapshot. Here the stored catalog is
//! a [`Store`]:
//! - [`Store::File`]: read fresh on every call; every change is read-modify-write under an
//!   exclusive `flock` on `FILE.lock`, written to `FILE.tmp`, fsynced and renamed over `FILE`
//!   (then the directory is fsynced). Two installers never lose each other's entries and a
//!   crash leaves the old or the new catalog. A missing file is created from the default
//!   catalog; a file that cannot be read or parsed is an error naming the file, the line and the
//!   problem (`WSANO_RECOVERY` for C callers) and is never replaced or truncated, except by an
//!   explicit [`Store::reset`], which first saves it as `FILE.bak`. A file (or a directory
//!   above it) that others than its owner and root could change is refused before it is read
//!   ([`Store::check_trusted`]; `WS2EMU_INSECURE_CATALOG=1` relaxes it); `reset` does not check
//!   (it keeps the file's mode: fix the permissions with chmod).
//! - [`Store::Memory`]: when `WS2EMU_CATALOG` is unset or empty, installs live only in this
//!   process (a divergence: on Windows they reach every later process).
//!
//! The CLI (`ws2emu catalog list/install/remove/order/reset`) calls these methods; the `WSC*`
//! exports call the same ones on [`store()`].

use super::{Catalog, CatalogEntry};
use crate::error::WinError;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use ws2_abi::{GUID, WSAPROTOCOL_INFOW};

/// Counts the changes made to in-memory stores (every successful [`Store::modify`] and
/// [`Store::reset`] of a [`Store::Memory`]); WSAProviderConfigChange compares it. A file store
/// needs no counter: every write renames a new file over the old one, so the file's identity
/// (inode, modification time) changes, whichever process wrote it.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The number of changes stored in this process's in-memory catalogs so far.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

fn changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// The environment variable naming the catalog file, read once per process (at the first use
/// of the catalog) into the runtime.
pub const CATALOG_ENV: &str = "WS2EMU_CATALOG";

/// A catalog failure: the Windows error code C callers get, and a one-line message for people.
///
/// `Display` prints `FILE: line N: PROBLEM` for file problems (the line when one is to blame)
/// and `PROBLEM` for refused calls, e.g. `/home/u/catalog: line 12: bad GUID "{1234}"`. The CLI
/// prints it after `ws2emu: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    code: WinError,
    file: Option<PathBuf>,
    line: Option<usize>,
    problem: String,
}

impl CatalogError {
    /// A refused call (bad argument, duplicate GUID, ...), not tied to a file.
    pub fn call(code: WinError, problem: impl Into<String>) -> Self {
        Self {
            code,
            file: None,
            line: None,
            problem: problem.into(),
        }
    }

    /// A problem with the catalog file (`WSANO_RECOVERY`: "error opening or writing a catalog
    /// entry", Microsoft's code for registry failures).
    pub(crate) fn file(file: &Path, line: Option<usize>, problem: impl Into<String>) -> Self {
        Self {
            code: super::WSANO_RECOVERY,
            file: Some(file.to_path_buf()),
            line,
            problem: problem.into(),
        }
    }

    fn io(file: &Path, action: &str, error: &io::Error) -> Self {
        Self::file(file, None, format!("cannot {action}: {error}"))
    }

    /// The Windows error code (`*lpErrno`, `WSAGetLastError`).
    pub fn code(&self) -> WinError {
        self.code
    }

    /// The catalog file at fault, if a file is.
    pub fn file_path(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The 1-based line of the file at fault, if one line is.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The problem, without the file and line.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// Prints file problems on stderr (`ws2emu: FILE: ...`), once per distinct message per
    /// process, so that a C program whose call failed with `WSANO_RECOVERY` still tells its user
    /// what is wrong. Refused calls are not printed (the caller gets the code). Returns `self`.
    pub fn reported(self) -> Self {
        static PRINTED: Mutex<Vec<String>> = Mutex::new(Vec::new());
        if self.file.is_some() {
            let message = self.to_string();
            let mut printed = PRINTED.lock().unwrap_or_else(|p| p.into_inner());
            if !printed.contains(&message) {
                eprintln!("ws2emu: {message}");
                printed.push(message);
            }
        }
        self
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        f.write_str(&self.problem)
    }
}

impl std::error::Error for CatalogError {}

/// Where a catalog is stored. Cloning shares the storage.
#[derive(Clone, Debug)]
pub enum Store {
    /// This process's memory (`WS2EMU_CATALOG` unset).
    Memory(Arc<Mutex<Catalog>>),
    /// A catalog file (`WS2EMU_CATALOG=FILE`), as an absolute path.
    File(PathBuf),
}

/// What [`Store::reset`] did with the previous catalog file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reset {
    /// Where the previous file's bytes were saved (`FILE.bak`), when there was a file.
    pub backup: Option<PathBuf>,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl Store {
    /// A store in memory holding `catalog`.
    pub fn in_memory(catalog: Catalog) -> Self {
        Self::Memory(Arc::new(Mutex::new(catalog)))
    }

    /// A store in the file `path` (made absolute against the current directory now, so that a
    /// later `chdir` does not move the catalog). Nothing is read or created until first use.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self::File(std::path::absolute(&path).unwrap_or(path))
    }

    /// The store `WS2EMU_CATALOG` selects: that file, or memory seeded with the default
    /// catalog when the variable is unset or empty.
    pub fn from_env() -> Self {
        // This crate's unit tests never touch a catalog the environment names.
        if cfg!(test) {
            return Self::in_memory(Catalog::default());
        }
        match std::env::var_os(CATALOG_ENV) {
            Some(path) if !path.is_empty() => Self::file(path),
            _ => Self::in_memory(Catalog::default()),
        }
    }

    /// The catalog file, for a file store.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::File(path) => Some(path),
            Self::Memory(_) => None,
        }
    }

    /// The advisory lock file of a file store (`FILE.lock`, created on first write and kept).
    pub fn lock_path(&self) -> Option<PathBuf> {
        self.path().map(|p| with_suffix(p, ".lock"))
    }

    fn memory(catalog: &Mutex<Catalog>) -> std::sync::MutexGuard<'_, Catalog> {
        catalog.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock(path: &Path) -> Result<ws2_os::FileLock, CatalogError> {
        let lock = with_suffix(path, ".lock");
        ws2_os::FileLock::exclusive(&lock)
            .map_err(|e| CatalogError::io(path, &format!("lock {}", lock.display()), &e))
    }

    /// Refuses a catalog file that someone other than its owner (you or root) could change
    /// (`ws2_os::check_trusted`: its mode, owner and directories up to `/`), unless
    /// `WS2EMU_INSECURE_CATALOG=1`. Every entry is a library that runs in every process using
    /// the catalog, so the file is as sensitive as HKLM is on Windows.
    pub fn check_trusted(path: &Path) -> Result<(), CatalogError> {
        match ws2_os::check_trusted(path) {
            Err(untrusted) if !ws2_os::insecure_allowed() => Err(CatalogError::file(
                path,
                None,
                format!(
                    "refused: {untrusted} (only its owner and root may be able to change a \
                     catalog; {}=1 allows it for throwaway test directories)",
                    ws2_os::INSECURE_ENV
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Reads the file, once it passed [`Store::check_trusted`]; `None` when it does not exist.
    fn read(path: &Path) -> Result<Option<Catalog>, CatalogError> {
        Self::check_trusted(path)?;
        match ws2_os::read_file(path) {
            Ok(Some(bytes)) => super::parse(&bytes, path).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(CatalogError::io(path, "read it", &e)),
        }
    }

    fn write(path: &Path, catalog: &Catalog) -> Result<(), CatalogError> {
        ws2_os::replace_file_atomically(path, super::serialize(catalog).as_bytes())
            .map_err(|e| CatalogError::io(path, "write it", &e))
    }

    /// The stored catalog. A missing file is created from the default catalog (under the lock,
    /// so a concurrent installer's file is never overwritten).
    pub fn load(&self) -> Result<Catalog, CatalogError> {
        match self {
            Self::Memory(catalog) => Ok(Self::memory(catalog).clone()),
            Self::File(path) => {
                if let Some(catalog) = Self::read(path)? {
                    return Ok(catalog);
                }
                let _lock = Self::lock(path)?;
                if let Some(catalog) = Self::read(path)? {
                    return Ok(catalog);
                }
                let catalog = Catalog::default();
                Self::write(path, &catalog)?;
                Ok(catalog)
            }
        }
    }

    /// Read-modify-write: runs `change` on the stored catalog and stores the result if it
    /// succeeds; when it fails (or the file cannot be read) nothing is written.
    pub fn modify<T>(
        &self,
        change: impl FnOnce(&mut Catalog) -> Result<T, CatalogError>,
    ) -> Result<T, CatalogError> {
        match self {
            Self::Memory(catalog) => {
                let mut stored = Self::memory(catalog);
                let mut copy = stored.clone();
                let out = change(&mut copy)?;
                *stored = copy;
                changed();
                Ok(out)
            }
            Self::File(path) => {
                let _lock = Self::lock(path)?;
                let mut catalog = Self::read(path)?.unwrap_or_default();
                let out = change(&mut catalog)?;
                Self::write(path, &catalog)?;
                Ok(out)
            }
        }
    }

    /// WSCInstallProvider on the stored catalog ([`Catalog::install`]); the new catalog ids.
    #[doc(alias = "WSCInstallProvider")]
    pub fn install(
        &self,
        provider: &GUID,
        path: &[u16],
        infos: &[WSAPROTOCOL_INFOW],
    ) -> Result<Vec<u32>, CatalogError> {
        self.modify(|c| c.install(provider, path, infos))
    }

    /// WSCDeinstallProvider on the stored catalog ([`Catalog::deinstall`]); how many entries
    /// were removed.
    #[doc(alias = "WSCDeinstallProvider")]
    pub fn deinstall(&self, provider: &GUID) -> Result<usize, CatalogError> {
        self.modify(|c| c.deinstall(provider))
    }

    /// WSCUpdateProvider on the stored catalog ([`Catalog::update`]).
    #[doc(alias = "WSCUpdateProvider")]
    pub fn update(
        &self,
        provider: &GUID,
        path: &[u16],
        infos: &[WSAPROTOCOL_INFOW],
    ) -> Result<(), CatalogError> {
        self.modify(|c| c.update(provider, path, infos))
    }

    /// WSCWriteProviderOrder on the stored catalog ([`Catalog::write_order`]).
    #[doc(alias = "WSCWriteProviderOrder")]
    pub fn write_order(&self, ids: &[u32]) -> Result<(), CatalogError> {
        self.modify(|c| c.write_order(ids))
    }

    /// WSCGetProviderPath / WPUGetProviderPath on the stored catalog: the path, unexpanded,
    /// without a terminator; `WSAEINVAL` for an unknown GUID.
    #[doc(alias = "WSCGetProviderPath")]
    pub fn provider_path(&self, provider: &GUID) -> Result<Vec<u16>, CatalogError> {
        let path = match self {
            Self::Memory(catalog) => Self::memory(catalog).path_of(provider).map(<[u16]>::to_vec),
            Self::File(_) => self.load()?.path_of(provider).map(<[u16]>::to_vec),
        };
        path.ok_or_else(|| {
            CatalogError::call(
                WinError::WSAEINVAL,
                format!("provider {} is not installed", super::guid_string(provider)),
            )
        })
    }

    /// Replaces the stored catalog with the default one (ws2emu extension, for `ws2emu catalog
    /// reset`). The next id is kept when the old catalog is readable, so ids are still not
    /// reused. A file store first saves the previous file's bytes, readable or not, as
    /// `FILE.bak` (atomically), so that nothing a user stored is lost.
    pub fn reset(&self) -> Result<Reset, CatalogError> {
        let fresh = |old: Option<&Catalog>| {
            let mut catalog = Catalog::default();
            if let Some(old) = old {
                catalog.next_id = catalog.next_id.max(old.next_id);
            }
            catalog
        };
        match self {
            Self::Memory(catalog) => {
                let mut stored = Self::memory(catalog);
                *stored = fresh(Some(&stored));
                changed();
                Ok(Reset { backup: None })
            }
            Self::File(path) => {
                let _lock = Self::lock(path)?;
                let old =
                    ws2_os::read_file(path).map_err(|e| CatalogError::io(path, "read it", &e))?;
                let mut backup = None;
                let mut previous = None;
                if let Some(bytes) = old {
                    previous = super::parse(&bytes, path).ok();
                    let bak = with_suffix(path, ".bak");
                    ws2_os::replace_file_atomically(&bak, &bytes).map_err(|e| {
                        CatalogError::io(path, &format!("save it as {}", bak.display()), &e)
                    })?;
                    backup = Some(bak);
                }
                Self::write(path, &fresh(previous.as_ref()))?;
                Ok(Reset { backup })
            }
        }
    }
}

/// The process's store: the one `WS2EMU_CATALOG` selected when the runtime first needed it.
pub fn store() -> &'static Store {
    crate::runtime::runtime().store()
}

/// Entries of a catalog as (id, GUID, path) for messages and tests.
impl CatalogEntry {
    /// The provider path as text (lossy for unpaired surrogates).
    pub fn path_text(&self) -> String {
        String::from_utf16_lossy(&self.path)
    }
}
