//! One test per C program of the conformance suite (see the crate documentation for what each
//! test does). `every_program_has_a_test` keeps this list in step with the directory.

use ws2emu_conformance::{check, programs};

/// The programs this file runs; a new `tests/conformance/*.c` needs a line here and a test.
const PROGRAMS: &[&str] = &[
    "async_db",
    "before_startup",
    "catalog_wsc",
    "client_extras",
    "exit_thread_callbacks",
    "names",
    "sockets_async_select",
    "sockets_client",
    "sockets_events",
    "sockets_iocp",
    "upcall_completion",
    "upcall_events",
    "upcall_messages",
    "upcall_misc",
    "upcall_sockets",
    "upcall_threads",
    "waits",
    "win32_memory",
    "win32_strings",
    "win32_sync",
    "win32_system",
    "win32_threads",
];

#[test]
fn every_program_has_a_test() {
    assert_eq!(
        programs(),
        PROGRAMS,
        "tests/conformance/*.c and the PROGRAMS list differ"
    );
}

#[test]
fn async_db() {
    check("async_db");
}

#[test]
fn before_startup() {
    check("before_startup");
}

#[test]
fn sockets_async_select() {
    check("sockets_async_select");
}

#[test]
fn exit_thread_callbacks() {
    check("exit_thread_callbacks");
}

#[test]
fn catalog_wsc() {
    check("catalog_wsc");
}

#[test]
fn client_extras() {
    check("client_extras");
}

#[test]
fn names() {
    check("names");
}

#[test]
fn sockets_client() {
    check("sockets_client");
}

#[test]
fn sockets_events() {
    check("sockets_events");
}

#[test]
fn sockets_iocp() {
    check("sockets_iocp");
}

#[test]
fn upcall_completion() {
    check("upcall_completion");
}

#[test]
fn upcall_events() {
    check("upcall_events");
}

#[test]
fn upcall_messages() {
    check("upcall_messages");
}

#[test]
fn upcall_misc() {
    check("upcall_misc");
}

#[test]
fn upcall_sockets() {
    check("upcall_sockets");
}

#[test]
fn upcall_threads() {
    check("upcall_threads");
}

#[test]
fn waits() {
    check("waits");
}

#[test]
fn win32_memory() {
    check("win32_memory");
}

#[test]
fn win32_strings() {
    check("win32_strings");
}

#[test]
fn win32_sync() {
    check("win32_sync");
}

#[test]
fn win32_system() {
    check("win32_system");
}

#[test]
fn win32_threads() {
    check("win32_threads");
}
