//! File-descriptor checks.

/// Whether `value` is an open file descriptor of this process.
pub fn is_open_descriptor(value: usize) -> bool {
    let Ok(fd) = i32::try_from(value) else {
        return false;
    };
    // SAFETY: F_GETFD only reads the descriptor flags; an invalid descriptor yields EBADF.
    fd >= 0 && unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1
}

/// How many descriptors the process has open (entries of /proc/self/fd), for leak checks.
pub fn open_descriptor_count() -> std::io::Result<usize> {
    // The directory handle itself is one of the entries while it is being read.
    Ok(std::fs::read_dir("/proc/self/fd")?
        .count()
        .saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_open_descriptors() {
        assert!(is_open_descriptor(0) || is_open_descriptor(1) || is_open_descriptor(2));
        let file = std::fs::File::open("/proc/self/stat").unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&file) as usize;
        assert!(is_open_descriptor(fd));
        // (Other tests run in parallel threads and open descriptors, so counts are not compared.)
        assert!(open_descriptor_count().unwrap() >= 1);
        drop(file);
        assert!(!is_open_descriptor(fd));
        assert!(!is_open_descriptor(usize::MAX) && !is_open_descriptor(1 << 40));
    }
}
