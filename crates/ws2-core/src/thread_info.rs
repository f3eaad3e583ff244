//! What kernel32 knows about threads beyond their [`ThreadObject`]: exit codes
//! (GetExitCodeThread) and the start gate of threads created suspended (ResumeThread).
//!
//! Windows contract: GetExitCodeThread reports STILL_ACTIVE until the thread has exited, then
//! the value its start routine returned or ExitThread passed. A thread created with
//! CREATE_SUSPENDED runs nothing (not even its pending APCs) until ResumeThread brings its
//! suspend count to 0; ResumeThread returns the previous count (0: it was not suspended).
//!
//! Emulation: a side table keyed by the thread object, holding a `Weak` to it (which keeps the
//! allocation, and so the key, unique while the entry exists); entries of objects nobody
//! references any more are swept on insertion. Threads ws2emu did not create have no entry:
//! their exit code reads as 0 and they are never suspended.

use crate::thread::ThreadObject;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};

/// Per-thread state of a thread created by CreateThread.
#[derive(Debug, Default)]
pub struct ThreadInfo {
    exit_code: Mutex<Option<u32>>,
    suspend_count: Mutex<u32>,
    resumed: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ThreadInfo {
    /// A thread that starts with `suspend_count` (1 for CREATE_SUSPENDED).
    pub fn new(suspend_count: u32) -> Self {
        Self {
            suspend_count: Mutex::new(suspend_count),
            ..Self::default()
        }
    }

    /// Records the exit code (the start routine returned or ExitThread was called).
    pub fn set_exit_code(&self, code: u32) {
        lock(&self.exit_code).get_or_insert(code);
    }

    pub fn exit_code(&self) -> Option<u32> {
        *lock(&self.exit_code)
    }

    /// ResumeThread: the previous suspend count; the thread runs when it reaches 0.
    pub fn resume(&self) -> u32 {
        let mut count = lock(&self.suspend_count);
        let previous = *count;
        if previous > 0 {
            *count -= 1;
            if *count == 0 {
                self.resumed.notify_all();
            }
        }
        previous
    }

    /// Blocks the new thread until its suspend count is 0.
    pub fn wait_until_resumed(&self) {
        let mut count = lock(&self.suspend_count);
        while *count > 0 {
            count = self.resumed.wait(count).unwrap_or_else(|p| p.into_inner());
        }
    }
}

type Table = HashMap<usize, (Weak<ThreadObject>, Arc<ThreadInfo>)>;

fn table() -> MutexGuard<'static, Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    lock(TABLE.get_or_init(Default::default))
}

/// Attaches `info` to `thread`.
pub fn register(thread: &Arc<ThreadObject>, info: Arc<ThreadInfo>) {
    let mut table = table();
    table.retain(|_, (weak, _)| weak.strong_count() > 0);
    table.insert(Arc::as_ptr(thread) as usize, (Arc::downgrade(thread), info));
}

/// The state attached to `thread`, if ws2emu created it.
pub fn info(thread: &Arc<ThreadObject>) -> Option<Arc<ThreadInfo>> {
    table()
        .get(&(Arc::as_ptr(thread) as usize))
        .filter(|(weak, _)| std::ptr::eq(weak.as_ptr(), Arc::as_ptr(thread)))
        .map(|(_, info)| info.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_counts_down_and_exit_code_sticks() {
        let info = ThreadInfo::new(1);
        assert_eq!(info.resume(), 1);
        assert_eq!(info.resume(), 0, "not suspended any more");
        info.wait_until_resumed();
        info.set_exit_code(7);
        info.set_exit_code(8);
        assert_eq!(info.exit_code(), Some(7), "the first exit wins");
        let me = crate::thread::current().unwrap();
        assert!(super::info(&me).is_none());
        register(&me, Arc::new(ThreadInfo::new(0)));
        assert!(super::info(&me).is_some());
    }
}
