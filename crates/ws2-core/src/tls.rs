//! Thread-local storage slots (TlsAlloc, TlsGetValue, TlsSetValue, TlsFree).
//!
//! Windows contract: a process has [`SLOTS`] (1088) indexes; TlsAlloc hands out the lowest free
//! one and fails with TLS_OUT_OF_INDEXES when none is left; a newly allocated index reads as
//! NULL in every thread (TlsFree clears the slot in all threads); a value is per thread.
//!
//! Emulation: one process-wide table of allocation generations (0 = free) and, per thread, a
//! vector of (generation, value) pairs: a value stored under an older allocation of the same
//! index reads as NULL, which clears it in every thread without visiting them. Values are
//! pointer-sized integers (the C ABI crate converts). Divergence: Windows checks only that the
//! index is below 1088; ws2emu also rejects an index that is not allocated
//! (ERROR_INVALID_PARAMETER), so a use after TlsFree is reported instead of reading garbage.

use crate::error::{Result, WinError};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// TLS_MINIMUM_AVAILABLE (64) plus the 1024 expansion slots.
pub const SLOTS: usize = 1088;

static GENERATIONS: [AtomicU64; SLOTS] = [const { AtomicU64::new(0) }; SLOTS];
/// Serialises allocation; holds the last generation handed out.
static ALLOCATOR: Mutex<u64> = Mutex::new(0);

thread_local! {
    static VALUES: RefCell<Vec<(u64, usize)>> = const { RefCell::new(Vec::new()) };
}

/// TlsAlloc: the lowest free index; ERROR_NO_MORE_ITEMS when all are in use (Wine's code).
pub fn alloc() -> Result<u32> {
    let mut last = ALLOCATOR.lock().unwrap_or_else(|p| p.into_inner());
    let index = GENERATIONS
        .iter()
        .position(|g| g.load(Ordering::Acquire) == 0)
        .ok_or(WinError(ws2_abi::ERROR_NO_MORE_ITEMS))?;
    *last += 1;
    GENERATIONS[index].store(*last, Ordering::Release);
    Ok(index as u32)
}

fn generation(index: u32) -> Result<u64> {
    match GENERATIONS
        .get(index as usize)
        .map(|g| g.load(Ordering::Acquire))
    {
        Some(g) if g != 0 => Ok(g),
        _ => Err(WinError::INVALID_PARAMETER),
    }
}

/// TlsFree: the index becomes free (and NULL in every thread once reallocated).
pub fn free(index: u32) -> Result<()> {
    let _serial = ALLOCATOR.lock().unwrap_or_else(|p| p.into_inner());
    generation(index)?;
    GENERATIONS[index as usize].store(0, Ordering::Release);
    Ok(())
}

/// TlsGetValue: this thread's value (0 if never set under the current allocation).
pub fn get(index: u32) -> Result<usize> {
    let current = generation(index)?;
    Ok(VALUES
        .try_with(|values| match values.borrow().get(index as usize) {
            Some(&(g, value)) if g == current => value,
            _ => 0,
        })
        .unwrap_or(0))
}

/// TlsSetValue.
pub fn set(index: u32, value: usize) -> Result<()> {
    let current = generation(index)?;
    VALUES
        .try_with(|values| {
            let mut values = values.borrow_mut();
            if values.len() <= index as usize {
                values.resize(index as usize + 1, (0, 0));
            }
            values[index as usize] = (current, value);
        })
        .map_err(|_| WinError::NOT_ENOUGH_MEMORY)
}
