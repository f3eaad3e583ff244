//! Every function the shim headers declare links: a C program that takes the address of each
//! one (found by scanning shims/include for `WINAPI name(`, `WSAAPI name(`, `WSPAPI name(` and
//! `PASCAL name(`; provider entry points such as `WSPStartup` excepted)
//! builds against libws2_32.so with the pkg-config flags. A declaration without an export
//! would compile in a user's program and fail only at link time.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// `text` without its /* */ and // comments (declarations quoted in comments do not count).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
        } else if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// C tokens, roughly: identifiers and single punctuation characters (enough to find
/// `CONVENTION name (`).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let ident = c.is_ascii_alphanumeric() || c == '_';
        match (ident, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
        if !ident && !c.is_whitespace() {
            out.push(&text[i..i + c.len_utf8()]);
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// The names declared as `CONVENTION name(` in one header (not `(CONVENTION *pointer_type)`),
/// except the entry points a provider exports (`WSPStartup`, `NSPStartup`, ...) and the upcalls
/// ws2spi.h declares but ws2_32.dll does not export either (a provider reaches them through its
/// WSPUPCALLTABLE; of the WPU functions only WPUCompleteOverlappedRequest is an export).
fn declared_functions(header: &str) -> BTreeSet<String> {
    let text = without_comments(header);
    tokens(&text)
        .windows(3)
        .filter(|t| matches!(t[0], "WINAPI" | "WSAAPI" | "WSPAPI" | "PASCAL") && t[2] == "(")
        .filter(|t| !t[1].starts_with("WSP") && !t[1].starts_with("NSP"))
        .filter(|t| !t[1].starts_with("WPU") || t[1] == "WPUCompleteOverlappedRequest")
        .filter(|t| t[1].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .map(|t| t[1].to_string())
        .collect()
}

fn all_declared(include: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(include).expect("shims/include") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "h") {
            let text = std::fs::read_to_string(&path).unwrap();
            names.extend(declared_functions(&text));
        }
    }
    names
}

#[test]
fn the_scan_finds_declarations_and_skips_comments_and_pointer_types() {
    let found = declared_functions(
        "/* WSAAPI commented_out(int); */\n\
         WINSOCK_API_LINKAGE int WSAAPI WSAPoll(LPWSAPOLLFD a, ULONG b, INT c);\n\
         typedef int (WSAAPI *LPFN_CONNECTEX)(SOCKET);\n\
         WINBASEAPI BOOL WINAPI\nCancelIo(HANDLE h); // WINAPI also_commented(\n",
    );
    let expected: BTreeSet<String> = ["CancelIo", "WSAPoll"].map(String::from).into();
    assert_eq!(found, expected);
}

#[test]
fn every_declared_function_links() {
    common::shared_library();
    let dir = common::profile_dir();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let names = all_declared(&repo.join("shims/include"));
    assert!(
        names.len() > 200
            && names.contains("WSASocketW")
            && names.contains("CreateThread")
            && names.contains("WSCInstallProvider")
            && names.contains("WPUCompleteOverlappedRequest"),
        "the scan found too little: {names:?}"
    );
    let mut source = String::from(
        "#include <winsock2.h>\n#include <ws2tcpip.h>\n#include <ws2spi.h>\n\
         #include <mswsock.h>\n#include <windows.h>\n#include <stdio.h>\n\
         int main(void)\n{\n    void *volatile all[] = {\n",
    );
    for name in &names {
        source.push_str(&format!("        (void *)&{name},\n"));
    }
    source.push_str(
        "    };\n    printf(\"%u\\n\", (unsigned)(sizeof(all) / sizeof(all[0])));\n    \
         return all[0] == NULL;\n}\n",
    );
    let scratch = common::scratch("header-exports");
    let src = scratch.join("all.c");
    std::fs::write(&src, source).unwrap();
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "ws2emu"])
        .env("PKG_CONFIG_PATH", &dir)
        .output()
        .expect("pkg-config (apt-get install pkg-config)");
    let flags = String::from_utf8_lossy(&flags.stdout).to_string();
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-pedantic"])
        .arg(&src)
        .arg("-o")
        .arg(scratch.join("all"))
        .args(flags.split_whitespace())
        .output()
        .expect("gcc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let undefined: BTreeSet<&str> = stderr
        .lines()
        .filter_map(|l| l.split("undefined reference to `").nth(1))
        .filter_map(|l| l.split('\'').next())
        .collect();
    assert!(
        out.status.success(),
        "declared in shims/include but not exported by libws2_32.so: {undefined:?}\n{stderr}"
    );
}
