//! Who may put code into a process: the permission check on catalog files and provider
//! libraries, in the style of ssh's `StrictModes`.
//!
//! Windows contract: only an administrator can change the Winsock catalog (it lives in
//! HKLM), and every catalog entry names a DLL that runs inside every process using the catalog.
//!
//! Emulation: there is no registry ACL, so a catalog file or provider library is trusted only
//! when nobody but its owner and root can change it: the file (after following symlinks) must be
//! owned by the effective user or root and be neither group- nor world-writable, and every
//! directory from it up to `/` (of the path as given and of the symlink target) must be owned
//! by the effective user or root and not be group- or world-writable unless it has the sticky
//! bit (a `/tmp`-like directory, where others cannot rename or delete our files).
//! `WS2EMU_INSECURE_CATALOG=1` ([`INSECURE_ENV`]) relaxes the check, for throwaway test
//! directories; [`check_trusted`] itself ignores it, the callers consult [`insecure_allowed`].
//!
//! Divergences: the check and the later open are not atomic (a directory chain that passed the
//! check cannot be changed by others, which is what closes the race for files that passed).

use std::fmt;
use std::fs::Metadata;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The environment variable that, set to `1`, turns refusals into no-ops (for throwaway test
/// directories). Read at every check.
pub const INSECURE_ENV: &str = "WS2EMU_INSECURE_CATALOG";

/// Why a file is not trusted: the path checked and a one-line reason such as
/// `group-writable (mode 0664)` or `directory /x is world-writable without the sticky bit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Untrusted {
    /// The file as the caller named it.
    pub path: PathBuf,
    /// What is wrong, without the path of the file.
    pub reason: String,
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Untrusted {}

/// Whether [`INSECURE_ENV`] is set to `1`.
pub fn insecure_allowed() -> bool {
    std::env::var_os(INSECURE_ENV).is_some_and(|v| v == "1")
}

fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn owner_problem(meta: &Metadata, me: u32) -> Option<String> {
    let uid = meta.uid();
    (uid != me && uid != 0).then(|| format!("owned by uid {uid}, not by you (uid {me}) or root"))
}

fn file_problem(meta: &Metadata, me: u32) -> Option<String> {
    let mode = meta.mode() & 0o7777;
    if mode & 0o002 != 0 {
        Some(format!("world-writable (mode {mode:04o})"))
    } else if mode & 0o020 != 0 {
        Some(format!("group-writable (mode {mode:04o})"))
    } else {
        owner_problem(meta, me)
    }
}

fn directory_problem(dir: &Path, meta: &Metadata, me: u32) -> Option<String> {
    let mode = meta.mode() & 0o7777;
    let sticky = mode & 0o1000 != 0;
    if mode & 0o002 != 0 && !sticky {
        Some(format!(
            "directory {} is world-writable without the sticky bit",
            dir.display()
        ))
    } else if mode & 0o020 != 0 && !sticky {
        Some(format!(
            "directory {} is group-writable without the sticky bit (mode {mode:04o})",
            dir.display()
        ))
    } else {
        owner_problem(meta, me).map(|p| format!("directory {} is {p}", dir.display()))
    }
}

/// Checks every directory from `dir` (canonical) up to `/`.
fn check_directories(dir: &Path, me: u32) -> Result<(), String> {
    for ancestor in dir.ancestors() {
        let meta = std::fs::metadata(ancestor)
            .map_err(|e| format!("cannot check directory {}: {e}", ancestor.display()))?;
        if let Some(problem) = directory_problem(ancestor, &meta, me) {
            return Err(problem);
        }
    }
    Ok(())
}

fn canonical_parent(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let parent = absolute.parent().unwrap_or(Path::new("/"));
    std::fs::canonicalize(parent)
}

fn check(path: &Path, me: u32) -> Result<(), String> {
    // The directories of the path as given: whoever can write one can swap the file or link.
    let dir = match canonical_parent(path) {
        Ok(dir) => {
            check_directories(&dir, me)?;
            dir
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot check its directory: {e}")),
    };
    let real = match std::fs::canonicalize(path) {
        Ok(real) => real,
        // A missing file: its directories were checked; the caller's open reports it.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot check it: {e}")),
    };
    let meta = std::fs::metadata(&real).map_err(|e| format!("cannot check it: {e}"))?;
    let linked = path.file_name().is_none_or(|name| dir.join(name) != real);
    if let Some(problem) = file_problem(&meta, me) {
        return Err(if linked {
            format!("its target {} is {problem}", real.display())
        } else {
            problem
        });
    }
    if let Some(dir) = real.parent() {
        check_directories(dir, me)?;
    }
    Ok(())
}

/// Whether `path` may be trusted to hold code or a catalog: `Err` with the reason when someone
/// other than its owner (the effective user or root) could change it (see the module docs).
/// A missing file is not refused when its directories pass (the caller's open reports it).
/// Ignores [`INSECURE_ENV`].
pub fn check_trusted(path: &Path) -> Result<(), Untrusted> {
    check(path, effective_uid()).map_err(|reason| Untrusted {
        path: path.to_path_buf(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A private directory (mode 0755) under the system temporary directory (sticky, so it
    /// passes the check wherever the checkout is), owned by the user running the tests.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ws2-os-trust-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        chmod(&dir, 0o755);
        dir
    }

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn file(dir: &Path, mode: u32) -> PathBuf {
        let path = dir.join("file");
        std::fs::write(&path, b"x").unwrap();
        chmod(&path, mode);
        path
    }

    fn reason(path: &Path) -> String {
        check_trusted(path).unwrap_err().reason
    }

    #[test]
    fn file_modes() {
        let dir = scratch("modes");
        let path = file(&dir, 0o644);
        assert_eq!(check_trusted(&path), Ok(()));
        chmod(&path, 0o664);
        assert_eq!(reason(&path), "group-writable (mode 0664)");
        chmod(&path, 0o646);
        assert_eq!(reason(&path), "world-writable (mode 0646)");
        chmod(&path, 0o600);
        assert_eq!(check_trusted(&path), Ok(()));
        assert_eq!(check_trusted(&dir.join("missing")), Ok(()), "missing file");
    }

    #[test]
    fn directories_up_to_the_root() {
        let dir = scratch("dirs");
        let inner = dir.join("inner");
        std::fs::create_dir(&inner).unwrap();
        chmod(&inner, 0o755);
        let path = file(&inner, 0o644);
        chmod(&dir, 0o777);
        assert_eq!(
            reason(&path),
            format!(
                "directory {} is world-writable without the sticky bit",
                dir.canonicalize().unwrap().display()
            )
        );
        assert!(
            check_trusted(&inner.join("missing")).is_err(),
            "a missing file in an insecure directory"
        );
        chmod(&dir, 0o1777);
        assert_eq!(check_trusted(&path), Ok(()), "sticky, like /tmp");
        chmod(&dir, 0o775);
        assert!(reason(&path).contains("is group-writable without the sticky bit (mode 0775)"));
        chmod(&dir, 0o755);
        assert_eq!(check_trusted(&path), Ok(()));
    }

    #[test]
    fn symlinks_are_followed() {
        let dir = scratch("links");
        let target_dir = dir.join("target");
        std::fs::create_dir(&target_dir).unwrap();
        chmod(&target_dir, 0o755);
        let target = file(&target_dir, 0o644);
        let link = dir.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(check_trusted(&link), Ok(()));
        chmod(&target, 0o666);
        assert_eq!(
            reason(&link),
            format!(
                "its target {} is world-writable (mode 0666)",
                target.canonicalize().unwrap().display()
            )
        );
        chmod(&target, 0o644);
        chmod(&target_dir, 0o777);
        assert!(reason(&link).contains("world-writable without the sticky bit"));
    }

    #[test]
    fn foreign_owner() {
        if effective_uid() != 0 {
            println!("skipped: chown to uid 65534 needs root");
            return;
        }
        let dir = scratch("owner");
        let path = file(&dir, 0o644);
        std::os::unix::fs::chown(&path, Some(65534), None).unwrap();
        assert_eq!(
            reason(&path),
            "owned by uid 65534, not by you (uid 0) or root"
        );
        std::os::unix::fs::chown(&path, Some(0), None).unwrap();
        std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
        assert!(reason(&path).ends_with("is owned by uid 65534, not by you (uid 0) or root"));
    }
}
