//! One ws2emu runtime per process: finds provider libraries that would load a second one.
//!
//! A provider linked with `-lws2_32` (or `-lkernel32`/`-luser32`/`-lmswsock`, linker scripts
//! for libws2_32.so) records libws2_32.so as a `DT_NEEDED` dependency. When the process's runtime
//! is that same shared object (an application linked with `-lws2_32`), the dynamic linker reuses
//! it and nothing is wrong. When the runtime is built into the program (the `ws2emu` executable,
//! a Rust program linking the `ws2_32` rlib) or is another copy of the file, `dlopen` maps a
//! second runtime: a second handle space and catalog, and every import the program does not
//! export binds to the copy, so upcalls silently reach the wrong runtime. Windows has one
//! ws2_32.dll per process, so this cannot happen there; here it is refused before `dlopen`.
//!
//! Why the ELF file and not the loaded library: the decision is made before `dlopen`, so none
//! of the second runtime's code (initialisers, symbol binding) ever runs, and it does not
//! depend on which symbols the program happens to export. The price is that only the provider's
//! own `DT_NEEDED` entries are read (a dependency of a dependency is not followed), and that a
//! bare name is matched as the dynamic linker matches it (see [`second_runtime`]).

use std::fs::File;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

/// The file names crates/ws2-capi builds for the runtime: the library and the linker scripts
/// that stand for it (a `DT_NEEDED` can only name a script if someone copied one by hand).
const RUNTIME_ALIASES: [&str; 3] = ["libkernel32.so", "libuser32.so", "libmswsock.so"];

/// Whether a library file name is one of the runtime's (`libws2_32.so`, `libws2_32.so.N`, the
/// aliases).
pub fn is_runtime_name(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.starts_with("libws2_32.so") || RUNTIME_ALIASES.contains(&file)
}

/// What the dynamic section of an ELF file says about its dependencies.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Dynamic {
    /// `DT_NEEDED` entries, in order.
    pub needed: Vec<String>,
    /// `DT_RPATH`, if any.
    pub rpath: Option<String>,
    /// `DT_RUNPATH`, if any.
    pub runpath: Option<String>,
}

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_STRSZ: u64 = 10;
const DT_RPATH: u64 = 15;
const DT_RUNPATH: u64 = 29;
const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
/// Bounds on what a malformed file can make us allocate.
const MAX_DYNAMIC: u64 = 1 << 20;
const MAX_STRINGS: u64 = 16 << 20;

fn read(file: &File, offset: u64, len: u64) -> Option<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(len).ok()?];
    file.read_exact_at(&mut bytes, offset).ok()?;
    Some(bytes)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The dynamic section of a 64-bit little-endian ELF file (the only kind this x86-64 port
/// loads); `None` for anything else or a malformed file, which `dlopen` then reports itself.
pub fn read_dynamic(path: &Path) -> Option<Dynamic> {
    let file = File::open(path).ok()?;
    let header = read(&file, 0, 64)?;
    if header[..4] != *b"\x7fELF" || header[4] != 2 || header[5] != 1 {
        return None;
    }
    let (phoff, phentsize, phnum) = (
        u64_at(&header, 32)?,
        u64::from(u16_at(&header, 54)?),
        u64::from(u16_at(&header, 56)?),
    );
    if phentsize < 56 {
        return None;
    }
    let headers = read(&file, phoff, phentsize * phnum)?;
    // (p_type, p_offset, p_vaddr, p_filesz) of each program header.
    let segments: Vec<(u32, u64, u64, u64)> = (0..phnum as usize)
        .map(|i| {
            let h = &headers[i * phentsize as usize..];
            Some((u32_at(h, 0)?, u64_at(h, 8)?, u64_at(h, 16)?, u64_at(h, 32)?))
        })
        .collect::<Option<_>>()?;
    let &(_, dyn_offset, _, dyn_size) = segments.iter().find(|s| s.0 == PT_DYNAMIC)?;
    let entries = read(&file, dyn_offset, dyn_size.min(MAX_DYNAMIC))?;
    let (mut strtab, mut strsz) = (None, None);
    let mut needed = Vec::new();
    let (mut rpath, mut runpath) = (None, None);
    for entry in entries.chunks_exact(16) {
        let (tag, value) = (u64_at(entry, 0)?, u64_at(entry, 8)?);
        match tag {
            DT_NULL => break,
            DT_NEEDED => needed.push(value),
            DT_STRTAB => strtab = Some(value),
            DT_STRSZ => strsz = Some(value),
            DT_RPATH => rpath = Some(value),
            DT_RUNPATH => runpath = Some(value),
            _ => {}
        }
    }
    // DT_STRTAB is an address: find the file offset of the loaded segment holding it.
    let (strtab, strsz) = (strtab?, strsz?.min(MAX_STRINGS));
    let &(_, offset, vaddr, _) = segments
        .iter()
        .find(|s| s.0 == PT_LOAD && s.2 <= strtab && strtab - s.2 < s.3)?;
    let strings = read(&file, offset + (strtab - vaddr), strsz)?;
    let string = |at: u64| -> Option<String> {
        let tail = strings.get(usize::try_from(at).ok()?..)?;
        let end = tail.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&tail[..end]).into_owned())
    };
    Some(Dynamic {
        needed: needed.into_iter().map(string).collect::<Option<_>>()?,
        rpath: rpath.map(string).unwrap_or(None),
        runpath: runpath.map(string).unwrap_or(None),
    })
}

/// The loaded object (shared library or program) this code, and so the process's runtime,
/// lives in.
pub fn running_runtime() -> Option<PathBuf> {
    ws2_os::object_path_of(running_runtime as fn() -> Option<PathBuf> as usize)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// The file a bare `DT_NEEDED` name would be found as in the provider's own search path
/// (`DT_RPATH` when there is no `DT_RUNPATH`, `LD_LIBRARY_PATH`, `DT_RUNPATH`; `$ORIGIN` is the
/// provider's directory), as the dynamic linker searches before its cache.
fn search(name: &str, provider: &Path, dynamic: &Dynamic) -> Option<PathBuf> {
    let origin = provider
        .parent()
        .unwrap_or(Path::new("/"))
        .to_string_lossy();
    let expand = |list: &str| -> Vec<PathBuf> {
        list.split(':')
            .filter(|d| !d.is_empty())
            .map(|d| {
                let d = d.replace("${ORIGIN}", &origin).replace("$ORIGIN", &origin);
                PathBuf::from(d)
            })
            .collect()
    };
    let mut dirs = Vec::new();
    if dynamic.runpath.is_none() {
        dirs.extend(dynamic.rpath.as_deref().map(expand).unwrap_or_default());
    }
    if let Ok(list) = std::env::var("LD_LIBRARY_PATH") {
        dirs.extend(expand(&list));
    }
    dirs.extend(dynamic.runpath.as_deref().map(expand).unwrap_or_default());
    dirs.into_iter()
        .map(|d| d.join(name))
        .find(|candidate| candidate.exists())
}

/// The `DT_NEEDED` entry of `provider` that would load a second ws2emu runtime next to the
/// one at `runtime` (the object [`running_runtime`] names), if any.
///
/// None of the runtime's names: fine. The runtime built into the program (not a runtime
/// library): any runtime dependency is a second copy. The runtime in a shared library: the
/// dependency is that library when it names the same file (a path) or, for a bare name, when
/// the name is the library's file name (the dynamic linker first reuses a loaded library by
/// the name it was loaded under: `-lws2_32` records `libws2_32.so`) or the provider's search
/// path finds the same file.
pub fn second_runtime(provider: &Path, dynamic: &Dynamic, runtime: &Path) -> Option<String> {
    let runtime_file = runtime
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let shared_runtime = runtime_file.as_deref().is_some_and(is_runtime_name);
    dynamic
        .needed
        .iter()
        .filter(|name| is_runtime_name(name))
        .find(|name| {
            if !shared_runtime {
                return true;
            }
            let same = if name.contains('/') {
                same_file(Path::new(name.as_str()), runtime)
            } else {
                runtime_file.as_deref() == Some(name.as_str())
                    || search(name, provider, dynamic).is_some_and(|f| same_file(&f, runtime))
            };
            !same
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_names() {
        assert!(is_runtime_name("libws2_32.so"));
        assert!(is_runtime_name("libws2_32.so.1"));
        assert!(is_runtime_name("/opt/ws2emu/lib/libws2_32.so"));
        assert!(is_runtime_name("libkernel32.so"));
        assert!(!is_runtime_name("libc.so.6"));
        assert!(!is_runtime_name("libws2_base.so"));
        assert!(!is_runtime_name("libws2_32_helper.so"));
    }

    #[test]
    fn not_elf_is_none() {
        assert_eq!(read_dynamic(Path::new("/proc/self/stat")), None);
        assert_eq!(read_dynamic(Path::new("/nonexistent/lib.so")), None);
    }

    #[test]
    fn the_rules() {
        let dynamic = |needed: &[&str]| Dynamic {
            needed: needed.iter().map(|s| s.to_string()).collect(),
            ..Dynamic::default()
        };
        let provider = Path::new("/nonexistent/dir/libp.so");
        let exe = Path::new("/usr/bin/ws2emu");
        let lib = Path::new("/nonexistent/target/libws2_32.so");
        assert_eq!(
            second_runtime(provider, &dynamic(&["libc.so.6"]), exe),
            None
        );
        assert_eq!(
            second_runtime(provider, &dynamic(&["libc.so.6", "libws2_32.so"]), exe).as_deref(),
            Some("libws2_32.so"),
            "the runtime is built into the program"
        );
        assert_eq!(
            second_runtime(provider, &dynamic(&["libws2_32.so"]), lib),
            None,
            "the library the process already runs, by its name"
        );
        assert_eq!(
            second_runtime(provider, &dynamic(&["/elsewhere/libws2_32.so"]), lib).as_deref(),
            Some("/elsewhere/libws2_32.so"),
            "another file"
        );
    }
}
