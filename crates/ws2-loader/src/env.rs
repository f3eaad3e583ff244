//! Environment strings: `ExpandEnvironmentStringsW`, `GetEnvironmentVariableW`,
//! `SetEnvironmentVariableW` on the process environment.
//!
//! Windows contract: `%NAME%` is replaced by the value of variable NAME (names compare
//! case-insensitively); a reference to an undefined variable, and a `%` without a closing one,
//! stay as written. Catalog paths are stored unexpanded (`%SystemRoot%\system32\mswsock.dll`)
//! and expanded before loading [DOC WSCInstallProvider].
//!
//! Emulation: the Linux process environment (`std::env`), UTF-16 at the edges. A name is looked
//! up exactly first, then ASCII-case-insensitively. Divergences: values that are not valid
//! Unicode are converted lossily (Linux environments are bytes).

/// The value of `name` (Windows semantics: case-insensitive; see `ws2_core::catalog::variable`),
/// converted lossily to a string.
pub fn variable(name: &str) -> Option<String> {
    ws2_core::catalog::variable(name).map(|value| value.to_string_lossy().into_owned())
}

/// Sets (`Some`) or deletes (`None`) a variable. `false` for a name Windows refuses (empty or
/// containing `=`) or a value with a NUL.
pub fn set_variable(name: &str, value: Option<&str>) -> bool {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return false;
    }
    match value {
        Some(value) if value.contains('\0') => false,
        Some(value) => {
            std::env::set_var(name, value);
            true
        }
        None => {
            std::env::remove_var(name);
            true
        }
    }
}

/// Expands `%NAME%` references in a UTF-16 string (no terminator), Windows' way.
pub use ws2_core::catalog::expand_environment as expand;

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn expansion_follows_windows() {
        // Names unique to this test: the environment is process-wide.
        assert!(set_variable("WS2EMU_ENV_TEST_A", Some("/opt/a")));
        assert_eq!(expand(&w("%WS2EMU_ENV_TEST_A%/lib.so")), w("/opt/a/lib.so"));
        assert_eq!(
            expand(&w("%ws2emu_env_test_a%/x")),
            w("/opt/a/x"),
            "names are case-insensitive"
        );
        assert_eq!(
            expand(&w("%WS2EMU_ENV_UNDEFINED%/x")),
            w("%WS2EMU_ENV_UNDEFINED%/x")
        );
        assert_eq!(
            expand(&w("%WS2EMU_ENV_UNDEFINED%WS2EMU_ENV_TEST_A%")),
            w("%WS2EMU_ENV_UNDEFINED/opt/a"),
            "the closing % of an unknown name can open the next one"
        );
        assert_eq!(expand(&w("100% sure")), w("100% sure"));
        assert_eq!(expand(&w("%%")), w("%%"));
        assert_eq!(expand(&w("")), w(""));
        assert!(set_variable("WS2EMU_ENV_TEST_A", None));
        assert_eq!(variable("WS2EMU_ENV_TEST_A"), None);
        assert!(!set_variable("A=B", Some("x")));
        assert!(!set_variable("", Some("x")));
    }
}
