//! The registry behind the heap functions (HeapAlloc, GlobalAlloc, LocalAlloc and friends).
//!
//! Windows contract: HeapSize reports a block's requested size; a block belongs to one heap;
//! HeapDestroy frees every block of a private heap; the process heap cannot be destroyed.
//! Freeing a pointer that is not a live block of the heap is undefined on Windows (often a
//! crash or silent heap corruption).
//!
//! Emulation: the C ABI crate allocates the memory; this registry records every live block
//! (address → heap, requested size, capacity, lock count for movable memory), so a double free
//! or a foreign pointer is detected and fails with ERROR_INVALID_PARAMETER instead. Heap handles
//! are values outside the kernel handle space (`0x7e57_0000_0000 | n << 16`): CloseHandle
//! rejects them as on Windows, where heaps are not kernel objects.

use crate::error::{Result, WinError};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The handle GetProcessHeap returns.
pub const PROCESS_HEAP: usize = HEAP_BASE | 1 << 16;
const HEAP_BASE: usize = 0x7e57_0000_0000;

/// One live block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub heap: usize,
    /// What the caller asked for (HeapSize).
    pub size: usize,
    /// What was allocated (in-place reallocation limit).
    pub capacity: usize,
    /// GMEM_MOVEABLE / LMEM_MOVEABLE memory (has a lock count).
    pub movable: bool,
    pub locks: u32,
}

#[derive(Default)]
struct Registry {
    heaps: Vec<usize>,
    next_heap: usize,
    blocks: HashMap<usize, Block>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            Mutex::new(Registry {
                heaps: vec![PROCESS_HEAP],
                next_heap: 2,
                blocks: HashMap::new(),
            })
        })
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// HeapCreate: a new private heap handle.
pub fn create_heap() -> Result<usize> {
    let mut r = registry();
    if r.next_heap >= 1 << 16 {
        return Err(WinError::NOT_ENOUGH_MEMORY);
    }
    let handle = HEAP_BASE | r.next_heap << 16;
    r.next_heap += 1;
    r.heaps.push(handle);
    Ok(handle)
}

/// Whether `heap` is a live heap handle.
pub fn is_heap(heap: usize) -> bool {
    registry().heaps.contains(&heap)
}

/// HeapDestroy: forgets the heap and returns its blocks (address, block) for the caller to free.
/// ERROR_INVALID_HANDLE for an unknown heap, ERROR_INVALID_PARAMETER for the process heap.
pub fn destroy_heap(heap: usize) -> Result<Vec<(usize, Block)>> {
    let mut r = registry();
    if heap == PROCESS_HEAP {
        return Err(WinError::INVALID_PARAMETER);
    }
    let position = r
        .heaps
        .iter()
        .position(|&h| h == heap)
        .ok_or(WinError::INVALID_HANDLE)?;
    r.heaps.swap_remove(position);
    let addresses: Vec<usize> = r
        .blocks
        .iter()
        .filter(|(_, b)| b.heap == heap)
        .map(|(&a, _)| a)
        .collect();
    Ok(addresses
        .into_iter()
        .filter_map(|a| r.blocks.remove(&a).map(|b| (a, b)))
        .collect())
}

/// Records a new block.
pub fn insert(address: usize, block: Block) {
    registry().blocks.insert(address, block);
}

/// The live block at `address` in `heap` (any heap when `heap` is `None`).
pub fn block(address: usize, heap: Option<usize>) -> Result<Block> {
    registry()
        .blocks
        .get(&address)
        .copied()
        .filter(|b| heap.is_none_or(|h| h == b.heap))
        .ok_or(WinError::INVALID_PARAMETER)
}

/// Removes the block at `address` (of `heap`, or any heap).
pub fn remove(address: usize, heap: Option<usize>) -> Result<Block> {
    let mut r = registry();
    match r.blocks.get(&address) {
        Some(b) if heap.is_none_or(|h| h == b.heap) => {}
        _ => return Err(WinError::INVALID_PARAMETER),
    }
    r.blocks.remove(&address).ok_or(WinError::INVALID_PARAMETER)
}

/// Changes the lock count of a block by `delta`; returns the new count.
pub fn lock_count(address: usize, delta: i32) -> Result<u32> {
    let mut r = registry();
    let b = r.blocks.get_mut(&address).ok_or(WinError::INVALID_HANDLE)?;
    b.locks = b.locks.saturating_add_signed(delta);
    Ok(b.locks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_belong_to_one_heap_and_die_with_it() {
        let heap = create_heap().unwrap();
        let b = Block {
            heap,
            size: 3,
            capacity: 16,
            movable: false,
            locks: 0,
        };
        insert(0x1000, b);
        assert_eq!(block(0x1000, Some(heap)), Ok(b));
        assert_eq!(
            block(0x1000, Some(PROCESS_HEAP)),
            Err(WinError::INVALID_PARAMETER)
        );
        assert_eq!(destroy_heap(heap).unwrap(), vec![(0x1000, b)]);
        assert_eq!(block(0x1000, None), Err(WinError::INVALID_PARAMETER));
        assert_eq!(destroy_heap(heap), Err(WinError::INVALID_HANDLE));
        assert_eq!(destroy_heap(PROCESS_HEAP), Err(WinError::INVALID_PARAMETER));
    }
}
