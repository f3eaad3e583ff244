//! Files that must survive crashes and concurrent writers: whole-file reads, atomic replacement
//! and advisory locks. Used by the protocol catalog store (`ws2_core::catalog::Store`).
//!
//! Windows keeps the catalog in the registry, which is transactional; here the same guarantees
//! come from POSIX: a writer holds an exclusive `flock(2)` on a separate lock file, writes the
//! new contents to a temporary file in the same directory, `fsync`s it, `rename(2)`s it over the
//! old file and `fsync`s the directory. A reader therefore sees the old or the new file, never a
//! mixture, and a crash at any point leaves one of the two.

use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The whole contents of `path`, or `None` when it does not exist.
pub fn read_file(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match File::open(path) {
        Ok(mut file) => {
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)?;
            Ok(Some(bytes))
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The temporary file [`replace_file_atomically`] writes before renaming: `FILE.tmp`, in the
/// same directory (a rename is only atomic within one file system). Callers serialise writers
/// with a [`FileLock`], so one fixed name suffices and a leftover from a killed writer is simply
/// overwritten by the next one.
pub fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Replaces `path` with `contents` atomically and durably: temporary file, fsync, rename,
/// fsync of the directory. The file keeps the permission bits of the file it replaces (0644
/// for a new file, less the umask). On failure the temporary file is removed and `path` is
/// untouched. Writers must hold the file's [`FileLock`].
pub fn replace_file_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temp = temporary_path(path);
    let result = write_and_rename(path, &temp, contents);
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn write_and_rename(path: &Path, temp: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .open(temp)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let mode = meta.permissions().mode() & 0o7777;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(temp, path)?;
    sync_directory_of(path)
}

/// fsync of the directory holding `path`, so that a rename into it is durable.
fn sync_directory_of(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(dir)?;
    dir.sync_all()
}

/// An exclusive advisory lock (`flock(2)`, LOCK_EX) held until drop. `flock` locks belong to the
/// open file description, so two threads of one process exclude each other as two processes
/// do, and the kernel releases the lock when a holder dies.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Waits until the exclusive lock on `lock_path` is held; the file is created (empty, 0644)
    /// if missing and is never removed (removing it would let two writers lock different
    /// inodes).
    pub fn exclusive(lock_path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(lock_path)?;
        loop {
            // SAFETY: flock only operates on the descriptor, which `file` keeps open.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(Self { _file: file });
            }
            let error = io::Error::last_os_error();
            if error.kind() != ErrorKind::Interrupted {
                return Err(error);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ws2-os-file-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_contents_and_keeps_the_mode() {
        let dir = scratch("replace");
        let path = dir.join("data");
        assert_eq!(read_file(&path).unwrap(), None);
        replace_file_atomically(&path, b"one").unwrap();
        assert_eq!(read_file(&path).unwrap().as_deref(), Some(&b"one"[..]));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        replace_file_atomically(&path, b"two").unwrap();
        assert_eq!(read_file(&path).unwrap().as_deref(), Some(&b"two"[..]));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(!temporary_path(&path).exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_replace_leaves_the_file() {
        let dir = scratch("fail");
        let path = dir.join("missing-dir").join("data");
        assert!(replace_file_atomically(&path, b"x").is_err());
        assert!(!path.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn locks_exclude_each_other_across_threads() {
        let dir = scratch("lock");
        let lock = dir.join("lock");
        let held = FileLock::exclusive(&lock).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let lock2 = lock.clone();
        let waiter = std::thread::spawn(move || {
            let _second = FileLock::exclusive(&lock2).unwrap();
            tx.send(()).unwrap();
        });
        // While the first lock is held the second cannot be taken.
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(50))
            .is_err());
        drop(held);
        rx.recv().unwrap();
        waiter.join().unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
