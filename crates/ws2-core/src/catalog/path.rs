//! Provider paths: `%VAR%` expansion (ExpandEnvironmentStringsW) and the absolute-path rule.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

/// The value of environment variable `name`: an exact match first, then a match ignoring ASCII
/// case (Windows variable names are case-insensitive, Linux ones are not). Names Windows cannot
/// hold (empty, containing `=` or NUL) have no value.
pub fn variable(name: &str) -> Option<OsString> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return None;
    }
    if let Some(value) = std::env::var_os(name) {
        return Some(value);
    }
    std::env::vars_os()
        .find(|(key, _)| key.to_str().is_some_and(|k| k.eq_ignore_ascii_case(name)))
        .map(|(_, value)| value)
        .or_else(|| built_in(name))
}

/// `WS2EMU_LIBDIR`: where the default catalog's providers live.
pub const LIBRARY_DIR_VARIABLE: &str = "WS2EMU_LIBDIR";

static LIBRARY_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Records the directory of the ws2emu library (the C ABI crate does, on first use), which
/// `%WS2EMU_LIBDIR%` means when the environment does not set it: the default catalog's
/// `%WS2EMU_LIBDIR%/libws2_base.so` then finds the base provider installed beside libws2_32.
pub fn set_library_dir(dir: PathBuf) {
    let _ = LIBRARY_DIR.set(dir);
}

/// Variables ws2emu itself defines when the environment does not.
fn built_in(name: &str) -> Option<OsString> {
    if name.eq_ignore_ascii_case(LIBRARY_DIR_VARIABLE) {
        return LIBRARY_DIR.get().map(|dir| dir.clone().into_os_string());
    }
    None
}

/// ExpandEnvironmentStringsW's rule: each `%NAME%` whose variable is set is replaced by its
/// value; the reference to an unset variable stays as written, and scanning resumes at its
/// closing `%` (which may open the next reference); a `%` without a partner stays. Values are
/// converted to UTF-16 (bytes that are not UTF-8 become U+FFFD). This is the one implementation
/// behind catalog paths, the loader and the ExpandEnvironmentStrings exports.
#[doc(alias = "ExpandEnvironmentStringsW")]
pub fn expand_environment(source: &[u16]) -> Vec<u16> {
    const PERCENT: u16 = b'%' as u16;
    let mut out = Vec::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.iter().position(|&c| c == PERCENT) {
        out.extend_from_slice(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.iter().position(|&c| c == PERCENT) else {
            out.extend_from_slice(&rest[start..]);
            return out;
        };
        match variable(&String::from_utf16_lossy(&after[..end])) {
            Some(value) => {
                out.extend(value.to_string_lossy().encode_utf16());
                rest = &after[end + 1..];
            }
            None => {
                out.extend_from_slice(&rest[start..start + 1 + end]);
                rest = &after[end..];
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

/// The provider path expanded and as a file-system path, when it is absolute (starts with `/`).
/// `Err` carries the expanded text for the message. ws2emu refuses relative provider paths
/// (Windows would search the DLL path), so a provider cannot be picked up from whatever the
/// current directory holds.
pub fn expanded_path(path: &[u16]) -> Result<PathBuf, String> {
    let expanded = expand_environment(path);
    let text = String::from_utf16_lossy(&expanded);
    if text.starts_with('/') {
        Ok(PathBuf::from(OsString::from_vec(text.into_bytes())))
    } else {
        Err(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn expand(s: &str) -> String {
        String::from_utf16(&expand_environment(&w(s))).unwrap()
    }

    #[test]
    fn expands_known_variables_and_keeps_unknown_ones() {
        // HOME and PATH are set in any test environment; a name nobody sets is unknown.
        let home = std::env::var("HOME").unwrap();
        assert_eq!(expand("%HOME%/x.so"), format!("{home}/x.so"));
        assert_eq!(
            expand("%home%/x.so"),
            format!("{home}/x.so"),
            "case-insensitive"
        );
        assert_eq!(
            expand("/a/%WS2EMU_SURELY_UNSET_VAR%/b"),
            "/a/%WS2EMU_SURELY_UNSET_VAR%/b"
        );
        assert_eq!(expand("/a/%%/b"), "/a/%%/b");
        assert_eq!(expand("/a/50%"), "/a/50%");
        assert_eq!(expand("%HOME%%HOME%"), format!("{home}{home}"));
        assert_eq!(expand(""), "");
    }

    #[test]
    fn ws2emu_libdir_defaults_to_the_library_directory() {
        if std::env::var_os(LIBRARY_DIR_VARIABLE).is_some() {
            return; // the environment's value wins, as for any variable
        }
        set_library_dir(PathBuf::from("/opt/ws2emu/lib"));
        assert_eq!(
            expand("%WS2EMU_LIBDIR%/libws2_base.so"),
            "/opt/ws2emu/lib/libws2_base.so"
        );
    }

    #[test]
    fn only_absolute_paths_are_accepted() {
        assert!(expanded_path(&w("/usr/lib/x.so")).is_ok());
        assert!(expanded_path(&w("%HOME%/x.so")).is_ok());
        assert_eq!(expanded_path(&w("x.so")), Err("x.so".into()));
        assert!(expanded_path(&w("%WS2EMU_SURELY_UNSET_VAR%/x.so")).is_err());
        assert!(expanded_path(&w("C:\\Windows\\x.dll")).is_err());
    }
}
