//! Thread identity.

/// The kernel thread id of the calling thread (what `gettid(2)` returns).
/// Cached per thread: the id of a thread never changes, and gettid is a system call.
pub fn current_thread_id() -> u32 {
    thread_local! {
        // SAFETY: gettid has no preconditions and cannot fail.
        static TID: u32 = unsafe { libc::gettid() as u32 };
    }
    // During thread-local destruction the cache may be gone: ask the kernel again.
    // SAFETY: as above.
    TID.try_with(|tid| *tid)
        .unwrap_or_else(|_| unsafe { libc::gettid() as u32 })
}

#[cfg(test)]
mod tests {
    #[test]
    fn distinct_per_thread_and_stable_within_one() {
        let here = super::current_thread_id();
        assert_eq!(here, super::current_thread_id());
        let there = std::thread::spawn(super::current_thread_id).join().unwrap();
        assert_ne!(here, there);
    }
}
