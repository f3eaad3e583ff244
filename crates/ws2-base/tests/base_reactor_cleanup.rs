//! The reactor thread starts with the first selection and is gone after the last WSPCleanup
//! (its own process: it starts and cleans the provider up itself).
#![allow(unsafe_code)] // calls the provider through C function pointers

mod base_common;
use base_common::*;
use ws2_abi::*;

fn reactor_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "ws2base-reactor")
        .count()
}

#[test]
fn no_reactor_thread_is_left_after_the_last_wspcleanup() {
    let (rc, _, table) = start(0x0202, TCP4);
    assert_eq!(rc, 0);
    let (rc2, _, _) = start(0x0202, TCP4);
    assert_eq!(rc2, 0);
    let p = Provider { t: table.unwrap() };
    assert_eq!(reactor_threads(), 0, "started on demand");
    let s = p.socket(UDP4).unwrap();
    p.bind(s, &v4(LOOP4, 0)).unwrap();
    let ev = ws2_32::kernel32::CreateEventW(std::ptr::null_mut(), TRUE, FALSE, std::ptr::null());
    // SAFETY: valid pointers.
    int(|e| unsafe { p.t.lpWSPEventSelect.unwrap()(s, ev, FD_READ, e) }).unwrap();
    assert_eq!(reactor_threads(), 1, "one reactor");
    let s2 = p.socket(UDP4).unwrap();
    p.bind(s2, &v4(LOOP4, 0)).unwrap();
    // SAFETY: valid pointers.
    int(|e| unsafe { p.t.lpWSPEventSelect.unwrap()(s2, ev, FD_READ, e) }).unwrap();
    assert_eq!(reactor_threads(), 1, "not a thread per socket");
    p.close(s2).unwrap();
    assert_eq!(
        p.close(s2),
        Err(WSAENOTSOCK),
        "closed twice (no other thread here)"
    );
    // SAFETY: valid pointers.
    int(|e| unsafe { p.t.lpWSPCleanup.unwrap()(e) }).unwrap();
    assert_eq!(reactor_threads(), 1, "not the last cleanup");
    // SAFETY: valid pointers.
    int(|e| unsafe { p.t.lpWSPCleanup.unwrap()(e) }).unwrap();
    assert_eq!(reactor_threads(), 0, "joined by the last WSPCleanup");
    ws2_32::kernel32::CloseHandle(ev);
}
