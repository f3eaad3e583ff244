//! Mutex abandonment seen from Rust threads that are not CreateThread's (their thread-local
//! destructor abandons the mutex), and CloseHandle/DuplicateHandle on mutexes.

use ws2_32::kernel32::{CloseHandle, WaitForSingleObject};
use ws2_32::last_error::GetLastError;
use ws2_32::sync::{CreateMutexW, ReleaseMutex};
use ws2_abi::{WAIT_ABANDONED_0, WAIT_OBJECT_0};

#[test]
fn win32_mutex_abandoned_by_a_foreign_thread() {
    let mutex = CreateMutexW(std::ptr::null_mut(), 0, std::ptr::null()) as usize;
    assert_ne!(mutex, 0);
    std::thread::spawn(move || {
        assert_eq!(WaitForSingleObject(mutex as _, 0), WAIT_OBJECT_0);
        assert_eq!(
            WaitForSingleObject(mutex as _, 0),
            WAIT_OBJECT_0,
            "recursion"
        );
    })
    .join()
    .unwrap();
    // join() returns after the thread's thread-local destructors ran.
    assert_eq!(WaitForSingleObject(mutex as _, 0), WAIT_ABANDONED_0);
    assert_eq!(
        ReleaseMutex(mutex as _),
        1,
        "the abandoned wait owns it, once"
    );
    assert_eq!(ReleaseMutex(mutex as _), 0);
    assert_eq!(GetLastError(), ws2_abi::ERROR_NOT_OWNER);
    let busy = std::thread::spawn(move || {
        assert_eq!(WaitForSingleObject(mutex as _, 0), WAIT_OBJECT_0);
        assert_eq!(ReleaseMutex(mutex as _), 1);
    });
    busy.join().unwrap();
    assert_eq!(
        WaitForSingleObject(mutex as _, 0),
        WAIT_OBJECT_0,
        "not abandoned"
    );
    assert_eq!(ReleaseMutex(mutex as _), 1);
    assert_eq!(CloseHandle(mutex as _), 1);
    assert_eq!(WaitForSingleObject(mutex as _, 0), u32::MAX, "closed");
}
