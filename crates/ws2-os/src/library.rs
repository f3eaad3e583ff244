//! Shared libraries: dlopen, dlsym restricted to the library itself, dlclose.
//!
//! Windows contract this serves: `LoadLibraryW` maps one DLL, `GetProcAddress` finds an export
//! *of that DLL* (never of something it imports), `FreeLibrary` unmaps it when the last
//! reference goes.
//!
//! Emulation notes:
//! - [`SharedLibrary::open`] accepts **absolute paths only**. `dlopen` of a name without a `/`
//!   searches `LD_LIBRARY_PATH`, the run path and the system directories, and a relative path
//!   with a `/` is resolved against the current directory; neither may ever decide which code a
//!   catalog entry runs, so both are refused before `dlopen` sees them.
//! - Libraries are opened `RTLD_NOW | RTLD_LOCAL`: unresolved symbols fail the load (as a
//!   missing import fails `LoadLibrary`), and a provider's symbols never satisfy another
//!   library's references.
//! - `dlsym` on a handle searches the library *and its dependencies*, so
//!   [`SharedLibrary::own_symbol`] checks with `dladdr1(RTLD_DL_LINKMAP)` that the symbol's
//!   object is the library itself: a provider without `WSPStartup` is not "fixed" by a
//!   dependency that exports one.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

/// `RTLD_DL_LINKMAP` from <dlfcn.h> (dladdr1 returns the object's `struct link_map *`).
const RTLD_DL_LINKMAP: c_int = 2;

/// The leading members of glibc's `struct link_map` (<link.h>), which are public ABI.
#[repr(C)]
struct LinkMap {
    l_addr: usize,
    l_name: *const c_char,
    l_ld: *const c_void,
    l_next: *const LinkMap,
    l_prev: *const LinkMap,
}

/// Why a library could not be opened, sorted the way Windows reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenError {
    /// The path is not absolute (or contains a NUL): refused without touching the file system.
    NotAbsolute,
    /// The file, or a library it depends on, does not exist (Windows: ERROR_MOD_NOT_FOUND).
    NotFound(String),
    /// The file is not a loadable shared object for this machine (ERROR_BAD_EXE_FORMAT).
    BadFormat(String),
    /// A symbol it imports is defined nowhere (ERROR_PROC_NOT_FOUND).
    MissingSymbol(String),
    /// Anything else `dlopen` refused (the message is dlerror's).
    Other(String),
}

/// One `dlopen` reference to a shared library. Dropping it does **not** close the library
/// (closing runs foreign destructors and is an explicit, unsafe step: [`SharedLibrary::close`]).
#[derive(Debug)]
pub struct SharedLibrary {
    handle: NonNull<c_void>,
    link_map: usize,
    base: usize,
    path: PathBuf,
}

// SAFETY: a dlopen handle is a process-wide token; glibc's dl* functions are thread-safe.
unsafe impl Send for SharedLibrary {}
// SAFETY: as above; every method takes &self only to read immutable fields or call dl*.
unsafe impl Sync for SharedLibrary {}

fn dl_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated thread-local string, copied at once.
    let message = unsafe { libc::dlerror() };
    if message.is_null() {
        "unknown dlopen error".to_string()
    } else {
        // SAFETY: non-null, NUL-terminated (dlerror's contract).
        unsafe { CStr::from_ptr(message) }
            .to_string_lossy()
            .into_owned()
    }
}

fn classify(path: &Path, message: String) -> OpenError {
    if !path.exists() || message.contains("cannot open shared object file") {
        OpenError::NotFound(message)
    } else if message.contains("undefined symbol") {
        OpenError::MissingSymbol(message)
    } else if message.contains("invalid ELF header")
        || message.contains("file too short")
        || message.contains("wrong ELF class")
        || message.contains("ELF file")
        || message.contains("not an ELF")
        || message.contains("cannot dynamically load")
    {
        OpenError::BadFormat(message)
    } else {
        OpenError::Other(message)
    }
}

/// The link map (`struct link_map *`) and base address of the object containing `address`.
fn object_of(address: *const c_void) -> Option<(usize, usize)> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let mut map: *mut c_void = std::ptr::null_mut();
    // SAFETY: dladdr1 only inspects the loader's tables; both out-pointers are valid for writes
    // (RTLD_DL_LINKMAP stores one pointer in `map`).
    let found = unsafe {
        libc::dladdr1(
            address,
            info.as_mut_ptr(),
            (&mut map as *mut *mut c_void).cast(),
            RTLD_DL_LINKMAP,
        )
    };
    if found == 0 || map.is_null() {
        return None;
    }
    // SAFETY: dladdr1 succeeded and filled the structure.
    let info = unsafe { info.assume_init() };
    Some((map as usize, info.dli_fbase as usize))
}

/// The file of the loaded object (shared library or program) that contains `address`.
pub fn object_path_of(address: usize) -> Option<PathBuf> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    // SAFETY: dladdr only inspects the loader's tables and writes the structure.
    if unsafe { libc::dladdr(address as *const c_void, info.as_mut_ptr()) } == 0 {
        return None;
    }
    // SAFETY: dladdr succeeded and filled the structure; dli_fname, when non-null, is a
    // NUL-terminated string owned by the loader.
    let name = unsafe { info.assume_init() }.dli_fname;
    if name.is_null() {
        return None;
    }
    // SAFETY: see above.
    let bytes = unsafe { CStr::from_ptr(name) }.to_bytes();
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

impl SharedLibrary {
    /// `dlopen(path, RTLD_NOW | RTLD_LOCAL)` of an absolute path.
    ///
    /// # Safety
    /// Opening a library runs its initialisers (ELF constructors) and those of its
    /// dependencies: the caller trusts that code as much as it trusts the library itself.
    pub unsafe fn open(path: &Path) -> Result<Self, OpenError> {
        if !path.is_absolute() {
            return Err(OpenError::NotAbsolute);
        }
        let c_path =
            CString::new(path.as_os_str().as_bytes()).map_err(|_| OpenError::NotAbsolute)?;
        // SAFETY: c_path is NUL-terminated and absolute (no search); initialisers run by the
        // caller's contract.
        let handle = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        let Some(handle) = NonNull::new(handle) else {
            return Err(classify(path, dl_error()));
        };
        let mut map: *mut LinkMap = std::ptr::null_mut();
        // SAFETY: handle is a live dlopen handle; RTLD_DI_LINKMAP writes one pointer.
        let status = unsafe {
            libc::dlinfo(
                handle.as_ptr(),
                libc::RTLD_DI_LINKMAP,
                (&mut map as *mut *mut LinkMap).cast(),
            )
        };
        // SAFETY (both blocks): map, when non-null, points at the loader's link_map for this
        // handle, alive while the handle is open.
        let ld = (status == 0 && !map.is_null()).then(|| unsafe { (*map).l_ld });
        let base = ld.and_then(object_of).map(|(_, base)| base);
        let (Some(base), false) = (base, map.is_null()) else {
            // SAFETY: closing the handle just opened; no symbol of it has been handed out.
            unsafe { libc::dlclose(handle.as_ptr()) };
            return Err(OpenError::Other(format!(
                "{}: no link map for the opened library",
                path.display()
            )));
        };
        Ok(Self {
            handle,
            link_map: map as usize,
            base,
            path: path.to_path_buf(),
        })
    }

    /// The main program (`dlopen(NULL)`), for `GetModuleHandleW(NULL)`.
    pub fn main_program() -> Option<Self> {
        // SAFETY: dlopen(NULL) returns the already-initialised main program: no code runs.
        let handle = NonNull::new(unsafe { libc::dlopen(std::ptr::null(), libc::RTLD_NOW) })?;
        let mut map: *mut LinkMap = std::ptr::null_mut();
        // SAFETY: as in `open`.
        let status = unsafe {
            libc::dlinfo(
                handle.as_ptr(),
                libc::RTLD_DI_LINKMAP,
                (&mut map as *mut *mut LinkMap).cast(),
            )
        };
        if status != 0 || map.is_null() {
            return None;
        }
        // SAFETY: map is the main program's link_map, alive for the whole process.
        let (_, base) = object_of(unsafe { (*map).l_ld })?;
        Some(Self {
            handle,
            link_map: map as usize,
            base,
            path: std::fs::read_link("/proc/self/exe").unwrap_or_default(),
        })
    }

    /// The load address of the library (what Windows uses as the HMODULE value).
    pub fn base(&self) -> usize {
        self.base
    }

    /// The path it was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether two values refer to the same loaded object (glibc returns the same object for
    /// two `dlopen`s of one file, whatever the spelling of the path).
    pub fn same_object(&self, other: &SharedLibrary) -> bool {
        self.link_map == other.link_map
    }

    /// The address of `name` if **this library** defines it (not one of its dependencies).
    pub fn own_symbol(&self, name: &CStr) -> Option<usize> {
        // SAFETY: the handle is open (self exists and `close` consumes it); dlsym only reads
        // the loader's tables (a GNU IFUNC resolver may run: it belongs to the library).
        let address = unsafe { libc::dlsym(self.handle.as_ptr(), name.as_ptr()) };
        if address.is_null() {
            return None;
        }
        match object_of(address) {
            Some((map, _)) if map == self.link_map => Some(address as usize),
            _ => None,
        }
    }

    /// Drops this reference (`dlclose`); the library is unmapped when it was the last one.
    ///
    /// # Safety
    /// No code or data of the library is used afterwards by anyone relying on this reference;
    /// its finalisers (ELF destructors) run if this was the last reference.
    pub unsafe fn close(self) -> Result<(), String> {
        // SAFETY: the handle is open and consumed here (caller's contract for the rest).
        if unsafe { libc::dlclose(self.handle.as_ptr()) } == 0 {
            Ok(())
        } else {
            Err(dl_error())
        }
    }
}

/// Whether a file is currently mapped into the process (from `/proc/self/maps`), for tests
/// that check that nothing stays loaded after a failure.
pub fn is_mapped(path: &Path) -> bool {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return false;
    };
    let wanted = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    maps.lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .any(|mapped| Path::new(mapped) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_never_reach_dlopen() {
        // SAFETY: refused before any library is opened.
        unsafe {
            assert_eq!(
                SharedLibrary::open(Path::new("libc.so.6")).err(),
                Some(OpenError::NotAbsolute)
            );
            assert_eq!(
                SharedLibrary::open(Path::new("./libc.so.6")).err(),
                Some(OpenError::NotAbsolute)
            );
        }
    }

    #[test]
    fn missing_and_malformed_files() {
        // SAFETY: these files are not loadable, so no code runs.
        unsafe {
            assert!(matches!(
                SharedLibrary::open(Path::new("/nonexistent/libx.so")),
                Err(OpenError::NotFound(_))
            ));
            assert!(matches!(
                SharedLibrary::open(Path::new("/proc/self/stat")),
                Err(OpenError::BadFormat(_) | OpenError::Other(_))
            ));
        }
    }

    #[test]
    fn the_main_program_and_own_symbols() {
        let main = SharedLibrary::main_program().expect("main program");
        assert_ne!(main.base(), 0);
        // dlsym on the main program's handle would find libc's `malloc` through its
        // dependencies; the own-object check refuses it.
        assert_eq!(main.own_symbol(c"malloc"), None);
    }
}
