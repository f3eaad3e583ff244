//! Thread identity.

/// The kernel thread id of the calling thread (what `gettid(2)` returns).
pub fn current_thread_id() -> u32 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as u32 }
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
