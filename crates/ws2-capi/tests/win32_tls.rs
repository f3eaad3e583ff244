//! TLS exhaustion (process-wide state: this file holds one test, so it runs alone in its
//! process): 1088 slots, then TLS_OUT_OF_INDEXES with ERROR_NO_MORE_ITEMS; a freed slot is
//! handed out again and reads NULL in every thread.

use ws2_32::last_error::GetLastError;
use ws2_32::threads::{TlsAlloc, TlsFree, TlsGetValue, TlsSetValue};

#[test]
fn win32_tls_slots_run_out_at_1088_and_come_back() {
    let mut slots = Vec::new();
    loop {
        let index = TlsAlloc();
        if index == u32::MAX {
            break;
        }
        slots.push(index);
        assert!(slots.len() <= 1088, "more than 1088 slots");
    }
    assert_eq!(slots.len(), 1088);
    assert_eq!(GetLastError(), ws2_abi::ERROR_NO_MORE_ITEMS);
    let victim = slots[500];
    assert_eq!(TlsSetValue(victim, 0x55 as _), 1);
    assert_eq!(TlsFree(victim), 1);
    assert_eq!(TlsFree(victim), 0, "double free");
    assert_eq!(GetLastError(), ws2_abi::ERROR_INVALID_PARAMETER);
    assert_eq!(TlsAlloc(), victim, "the freed slot");
    assert!(
        TlsGetValue(victim).is_null(),
        "reads NULL after reallocation"
    );
    assert_eq!(GetLastError(), 0, "TlsGetValue clears the last error");
    for index in slots {
        assert_eq!(TlsFree(index), 1);
    }
}
