//! ABI checks on the C shims (shims/include), compiled natively by gcc and g++:
//! (a)/(b) every manifest quantity equals the Windows x64 golden value, whatever the include
//! order relative to glibc; (d) every header compiles standalone as C11 and C++17 with
//! -Wall -Wextra -Werror; and glibc coexistence: Winsock names win and bind to ws2emu_ symbols.

use std::path::{Path, PathBuf};
use std::process::Command;
use ws2emu_abi_check::*;

const STRICT: &[&str] = &["-Wall", "-Wextra", "-Werror"];
const GLIBC_HEADERS: &str =
    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include <pthread.h>\n";

fn include_flag() -> String {
    format!("-I{}", shims_include().display())
}

/// Every header the shims provide.
fn shim_headers() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(shims_include())
        .expect("shims/include")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".h"))
        .collect();
    names.sort();
    names
}

/// One way of compiling C or C++.
struct Language {
    compiler: &'static str,
    std: &'static str,
    suffix: &'static str,
}

const C11: Language = Language {
    compiler: "gcc",
    std: "-std=c11",
    suffix: "c",
};
const CXX17: Language = Language {
    compiler: "g++",
    std: "-std=c++17",
    suffix: "cpp",
};

fn native_probe(
    lang: &Language,
    extra: &[&str],
    before: &str,
    after: &str,
    tag: &str,
) -> Vec<String> {
    let probes = probes(&load_manifest());
    let source = probe_source(&probes, before, after);
    let include = include_flag();
    let mut args = vec![lang.std, include.as_str()];
    args.extend_from_slice(STRICT);
    args.extend_from_slice(extra);
    let values = compile_and_extract(
        lang.compiler,
        "objcopy",
        &args,
        &source,
        lang.suffix,
        &scratch_dir(tag),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let native = keyed(&probes, &values).unwrap_or_else(|e| panic!("{e}"));
    differences(
        &format!("{} {} {}", lang.compiler, extra.join(" "), tag),
        &load_golden(),
        &native,
    )
}

fn assert_no_differences(diffs: Vec<String>) {
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn c11_shims_match_windows_x64() {
    assert_no_differences(native_probe(&C11, &[], "", "", "c11"));
}

#[test]
fn c11_shims_match_windows_x64_with_short_wchar() {
    assert_no_differences(native_probe(
        &C11,
        &["-fshort-wchar"],
        "",
        "",
        "c11-short-wchar",
    ));
}

#[test]
fn cxx17_shims_match_windows_x64() {
    assert_no_differences(native_probe(&CXX17, &[], "", "", "cxx17"));
}

#[test]
fn layout_is_the_same_when_glibc_is_included_first() {
    assert_no_differences(native_probe(&C11, &[], GLIBC_HEADERS, "", "glibc-first"));
}

#[test]
fn layout_is_the_same_when_glibc_is_included_last() {
    assert_no_differences(native_probe(&C11, &[], "", GLIBC_HEADERS, "glibc-last"));
}

/// Compiles `source` (given as text) and returns the compiler's result.
fn compile_text(lang: &Language, extra: &[&str], source: &str, dir: &Path) -> std::process::Output {
    let src = dir.join(format!("t.{}", lang.suffix));
    std::fs::write(&src, source).expect("write source");
    Command::new(lang.compiler)
        .arg(lang.std)
        .arg(include_flag())
        .args(STRICT)
        .args(extra)
        .arg("-fsyntax-only")
        .arg(&src)
        .output()
        .expect("run compiler")
}

#[test]
fn every_header_compiles_standalone_as_c11_and_cxx17() {
    let headers = shim_headers();
    assert!(
        headers.len() >= 14,
        "expected the full header set, found {headers:?}"
    );
    let dir = scratch_dir("standalone");
    let mut failures = Vec::new();
    for header in &headers {
        for lang in [&C11, &CXX17] {
            for extra in [&[][..], &["-fshort-wchar"][..]] {
                let out = compile_text(lang, extra, &format!("#include <{header}>\n"), &dir);
                if !out.status.success() {
                    failures.push(format!(
                        "{header} ({} {}):\n{}",
                        lang.std,
                        extra.join(" "),
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Compiles tests/abi/c/coexist.c to an object file and returns its undefined symbols.
fn coexist_undefined_symbols(lang: &Language, defines: &[&str], tag: &str) -> Vec<String> {
    let dir = scratch_dir(tag);
    let src: PathBuf = repo_root().join("tests/abi/c/coexist.c");
    let obj = dir.join("coexist.o");
    let out = Command::new(lang.compiler)
        .args(if lang.suffix == "cpp" {
            &["-x", "c++"][..]
        } else {
            &[][..]
        })
        .arg(lang.std)
        .arg(include_flag())
        .args(STRICT)
        .args(defines)
        .arg("-c")
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .output()
        .expect("run compiler");
    assert!(
        out.status.success(),
        "coexist.c {tag} does not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nm = Command::new("nm")
        .args(["-u", "--format=just-symbols"])
        .arg(&obj)
        .output()
        .expect("nm");
    String::from_utf8_lossy(&nm.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn winsock_names_win_over_glibc_in_either_order() {
    for lang in [&C11, &CXX17] {
        for (defines, tag) in [
            (&["-DGLIBC_FIRST"][..], "glibc-first"),
            (&[][..], "glibc-last"),
            (&["-DGLIBC_FIRST", "-DFD_SETSIZE=64"][..], "fd-setsize-64"),
        ] {
            let symbols =
                coexist_undefined_symbols(lang, defines, &format!("coexist-{}-{tag}", lang.suffix));
            for wanted in [
                "ws2emu_socket",
                "ws2emu_send",
                "ws2emu_recv",
                "ws2emu_select",
                "ws2emu_gethostname",
                "__WSAFDIsSet",
                "closesocket",
                "ioctlsocket",
            ] {
                assert!(
                    symbols.iter().any(|s| s == wanted),
                    "{tag} {}: {wanted} not referenced; got {symbols:?}",
                    lang.std
                );
            }
            for libc_name in ["socket", "send", "recv", "select", "gethostname"] {
                assert!(
                    !symbols.iter().any(|s| s == libc_name),
                    "{tag} {}: binds to libc's {libc_name}",
                    lang.std
                );
            }
        }
    }
}

#[test]
fn application_fd_setsize_is_kept_when_defined_before_winsock2() {
    let src = "#define FD_SETSIZE 128\n#include <winsock2.h>\n#include <stdlib.h>\n\
               _Static_assert(FD_SETSIZE == 128, \"kept\");\n\
               _Static_assert(sizeof(fd_set) == 8 + 128 * 8, \"sized by FD_SETSIZE\");\n";
    let out = compile_text(&C11, &[], src, &scratch_dir("fd-setsize"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn posix_socket_header_before_winsock_is_a_clear_error() {
    let src = "#include <sys/socket.h>\n#include <winsock2.h>\n";
    let out = compile_text(&C11, &[], src, &scratch_dir("posix-first"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "mixing POSIX sockets and Winsock must not compile"
    );
    assert!(
        stderr.contains("ws2emu: a POSIX networking header"),
        "unhelpful message:\n{stderr}"
    );
}

#[test]
fn posix_socket_header_after_winsock_keeps_windows_values() {
    let src = "#include <winsock2.h>\n#include <ws2tcpip.h>\n#include <sys/socket.h>\n#include <netinet/in.h>\n\
               _Static_assert(AF_INET6 == 23, \"Windows value\");\n\
               _Static_assert(sizeof(struct sockaddr_in6) == 28, \"Windows layout\");\n";
    let out = compile_text(&C11, &[], src, &scratch_dir("posix-after"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn l_literals_are_wchar_strings_with_short_wchar() {
    let src = "#include <windows.h>\nstatic const WCHAR *s = L\"ws2emu\";\n\
               _Static_assert(sizeof(WCHAR) == 2, \"16-bit WCHAR\");\n\
               _Static_assert(sizeof(L\"ab\") == 6, \"16-bit literal\");\n\
               const WCHAR *get(void) { return s; }\n";
    let dir = scratch_dir("wchar");
    let out = compile_text(&C11, &["-fshort-wchar"], src, &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without -fshort-wchar a wide literal is not a WCHAR string: a compile error, never a
    // silent mismatch.
    let out = compile_text(&C11, &[], src, &dir);
    assert!(
        !out.status.success(),
        "L\"...\" must not silently convert to a 16-bit WCHAR*"
    );
}

#[test]
fn microsoft_keywords_are_harmless() {
    let src = "#include <windows.h>\n#pragma comment(lib, \"ws2_32.lib\")\n\
               __declspec(dllexport) int WINAPI exported(int x) {\n\
                 int r = 0;\n  __try { r = x; } __except (EXCEPTION_EXECUTE_HANDLER) { r = -1; }\n\
                 __try { r++; } __finally { r++; }\n  return r;\n}\n\
               BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)\n\
               { (void)h; (void)reserved; return reason == DLL_PROCESS_ATTACH; }\n";
    let dir = scratch_dir("keywords");
    // -Wno-unknown-pragmas is part of the documented flags (pkg-config cflags): g++ 12 does not
    // honour the header's diagnostic pragma for `#pragma comment`.
    for lang in [&C11, &CXX17] {
        let out = compile_text(lang, &["-Wno-unknown-pragmas"], src, &dir);
        assert!(
            out.status.success(),
            "{}: {}",
            lang.std,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
