//! Heaps and the Global/Local memory functions.
//!
//! Every block comes from Rust's global allocator (malloc), 16-byte aligned as on Windows x64,
//! and is recorded in `ws2_core::heap` with its heap, requested size and capacity, so that:
//! HeapSize/GlobalSize/LocalSize report the requested size; HEAP_REALLOC_IN_PLACE_ONLY succeeds
//! up to the capacity (the size rounded up to 16); HeapDestroy frees a private heap's blocks;
//! and a double free, a foreign pointer or a block of another heap fails cleanly
//! (FALSE/NULL/the handle back, ERROR_INVALID_PARAMETER or ERROR_INVALID_HANDLE) where Windows
//! behaviour is undefined. Global and Local memory lives on the process heap, as on Windows
//! (HeapFree(GetProcessHeap(), 0, LocalAlloc(...)) works).
//!
//! Divergences (tested in win32_memory.c): movable memory (GMEM_MOVEABLE/LMEM_MOVEABLE) is never
//! moved while locked and its handle *is* its address, so GlobalLock returns the handle itself
//! (Windows returns a different, opaque handle); the lock count is kept. HeapCreate's sizes,
//! HEAP_NO_SERIALIZE and HEAP_GENERATE_EXCEPTIONS are ignored (no structured exceptions); the
//! functions Windows documents as not setting the last error (HeapAlloc, HeapReAlloc, HeapSize)
//! set it on failure anyway.

use crate::boundary::{fail_api, ffi_boundary};
use std::alloc::Layout;
use ws2_abi::{BOOL, DWORD, FALSE, HANDLE, LPCVOID, LPVOID, SIZE_T, TRUE, UINT};
use ws2_core::heap::{self, Block, PROCESS_HEAP};
use ws2_core::WinError;

const HEAP_ZERO_MEMORY: DWORD = 0x08;
const HEAP_REALLOC_IN_PLACE_ONLY: DWORD = 0x10;
const GMEM_MOVEABLE: UINT = 0x02;
const GMEM_ZEROINIT: UINT = 0x40;
const GMEM_MODIFY: UINT = 0x80;
const ALIGN: usize = 16;
/// winerror.h (not in ws2-abi).
const ERROR_NOT_LOCKED: u32 = 158;

fn layout(capacity: usize) -> ws2_core::Result<Layout> {
    Layout::from_size_align(capacity, ALIGN).map_err(|_| WinError::NOT_ENOUGH_MEMORY)
}

fn capacity_for(size: usize) -> ws2_core::Result<usize> {
    size.max(1)
        .checked_next_multiple_of(ALIGN)
        .filter(|&c| c <= isize::MAX as usize)
        .ok_or(WinError::NOT_ENOUGH_MEMORY)
}

/// Allocates and records a block.
pub(crate) fn allocate(
    heap: usize,
    size: usize,
    zero: bool,
    movable: bool,
) -> ws2_core::Result<*mut u8> {
    let capacity = capacity_for(size)?;
    let layout = layout(capacity)?;
    // SAFETY: the layout has a non-zero size.
    let p = unsafe {
        if zero {
            std::alloc::alloc_zeroed(layout)
        } else {
            std::alloc::alloc(layout)
        }
    };
    if p.is_null() {
        return Err(WinError::NOT_ENOUGH_MEMORY);
    }
    heap::insert(
        p as usize,
        Block {
            heap,
            size,
            capacity,
            movable,
            locks: 0,
        },
    );
    Ok(p)
}

/// Frees a recorded block of `heap` (any heap when `None`).
pub(crate) fn release(address: usize, heap: Option<usize>) -> ws2_core::Result<()> {
    let block = heap::remove(address, heap)?;
    free_block(address, &block);
    Ok(())
}

fn free_block(address: usize, block: &Block) {
    if let Ok(layout) = layout(block.capacity) {
        // SAFETY: the registry held this block, allocated with exactly this layout, and removing
        // it from the registry made this the only release.
        unsafe { std::alloc::dealloc(address as *mut u8, layout) };
    }
}

/// Resizes a recorded block; returns its (possibly new) address.
fn reallocate(
    address: usize,
    heap: Option<usize>,
    size: usize,
    zero: bool,
    in_place_only: bool,
) -> ws2_core::Result<usize> {
    let block = heap::block(address, heap)?;
    if size <= block.capacity && size > 0 || in_place_only {
        if size > block.capacity || size == 0 && block.capacity < ALIGN {
            return Err(WinError::NOT_ENOUGH_MEMORY);
        }
        if zero && size > block.size {
            // SAFETY: [block.size, size) lies within the block's capacity.
            unsafe {
                std::ptr::write_bytes((address + block.size) as *mut u8, 0, size - block.size)
            };
        }
        heap::insert(address, Block { size, ..block });
        return Ok(address);
    }
    let capacity = capacity_for(size)?;
    let old = layout(block.capacity)?;
    // SAFETY: the block was allocated with `old`; the new size is non-zero and fits isize.
    let p = unsafe { std::alloc::realloc(address as *mut u8, old, capacity) };
    if p.is_null() {
        return Err(WinError::NOT_ENOUGH_MEMORY);
    }
    if zero && size > block.size {
        // SAFETY: [block.size, size) lies within the new block.
        unsafe { std::ptr::write_bytes(p.add(block.size), 0, size - block.size) };
    }
    let _ = heap::remove(address, heap);
    heap::insert(
        p as usize,
        Block {
            size,
            capacity,
            ..block
        },
    );
    Ok(p as usize)
}

fn known_heap(heap: HANDLE) -> ws2_core::Result<usize> {
    let heap = heap as usize;
    if heap::is_heap(heap) {
        Ok(heap)
    } else {
        Err(WinError::INVALID_HANDLE)
    }
}

#[no_mangle]
pub extern "system" fn GetProcessHeap() -> HANDLE {
    PROCESS_HEAP as HANDLE
}

/// HeapCreate: a private heap (its sizes are ignored).
#[no_mangle]
pub extern "system" fn HeapCreate(_options: DWORD, _initial: SIZE_T, _maximum: SIZE_T) -> HANDLE {
    ffi_boundary(
        "HeapCreate",
        std::ptr::null_mut(),
        || match heap::create_heap() {
            Ok(h) => h as HANDLE,
            Err(e) => fail_api(e, std::ptr::null_mut()),
        },
    )
}

/// HeapDestroy: frees every block of a private heap. ERROR_INVALID_HANDLE for an unknown heap,
/// ERROR_INVALID_PARAMETER for the process heap.
#[no_mangle]
pub extern "system" fn HeapDestroy(heap: HANDLE) -> BOOL {
    ffi_boundary("HeapDestroy", FALSE, || {
        match heap::destroy_heap(heap as usize) {
            Ok(blocks) => {
                for (address, block) in &blocks {
                    free_block(*address, block);
                }
                TRUE
            }
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// HeapAlloc: NULL when the heap is unknown or memory is short.
#[no_mangle]
pub extern "system" fn HeapAlloc(heap: HANDLE, flags: DWORD, bytes: SIZE_T) -> LPVOID {
    ffi_boundary("HeapAlloc", std::ptr::null_mut(), || {
        match known_heap(heap)
            .and_then(|h| allocate(h, bytes, flags & HEAP_ZERO_MEMORY != 0, false))
        {
            Ok(p) => p.cast(),
            Err(e) => fail_api(e, std::ptr::null_mut()),
        }
    })
}

/// HeapFree: TRUE for NULL; FALSE with ERROR_INVALID_PARAMETER for a pointer that is not a live
/// block of this heap (a double free, a foreign pointer).
#[no_mangle]
pub extern "system" fn HeapFree(heap: HANDLE, _flags: DWORD, mem: LPVOID) -> BOOL {
    ffi_boundary("HeapFree", FALSE, || {
        let heap = match known_heap(heap) {
            Ok(h) => h,
            Err(e) => return fail_api(e, FALSE),
        };
        if mem.is_null() {
            return TRUE;
        }
        match release(mem as usize, Some(heap)) {
            Ok(()) => TRUE,
            Err(e) => fail_api(e, FALSE),
        }
    })
}

/// HeapReAlloc: HEAP_ZERO_MEMORY zeroes the added bytes; HEAP_REALLOC_IN_PLACE_ONLY fails with
/// ERROR_NOT_ENOUGH_MEMORY when the block would have to move (it is unchanged then).
#[no_mangle]
pub extern "system" fn HeapReAlloc(
    heap: HANDLE,
    flags: DWORD,
    mem: LPVOID,
    bytes: SIZE_T,
) -> LPVOID {
    ffi_boundary("HeapReAlloc", std::ptr::null_mut(), || {
        let result = known_heap(heap).and_then(|h| {
            if mem.is_null() {
                return Err(WinError::INVALID_PARAMETER);
            }
            reallocate(
                mem as usize,
                Some(h),
                bytes,
                flags & HEAP_ZERO_MEMORY != 0,
                flags & HEAP_REALLOC_IN_PLACE_ONLY != 0,
            )
        });
        match result {
            Ok(p) => p as LPVOID,
            Err(e) => fail_api(e, std::ptr::null_mut()),
        }
    })
}

/// HeapSize: the requested size; (SIZE_T)-1 for a pointer that is not a live block of the heap.
#[no_mangle]
pub extern "system" fn HeapSize(heap: HANDLE, _flags: DWORD, mem: LPCVOID) -> SIZE_T {
    ffi_boundary("HeapSize", SIZE_T::MAX, || {
        match known_heap(heap).and_then(|h| heap::block(mem as usize, Some(h))) {
            Ok(b) => b.size,
            Err(e) => fail_api(e, SIZE_T::MAX),
        }
    })
}

fn global_alloc(flags: UINT, bytes: SIZE_T) -> HANDLE {
    match allocate(
        PROCESS_HEAP,
        bytes,
        flags & GMEM_ZEROINIT != 0,
        flags & GMEM_MOVEABLE != 0,
    ) {
        Ok(p) => p.cast(),
        Err(e) => fail_api(e, std::ptr::null_mut()),
    }
}

fn global_free(mem: HANDLE) -> HANDLE {
    if mem.is_null() {
        return mem;
    }
    match release(mem as usize, Some(PROCESS_HEAP)) {
        Ok(()) => std::ptr::null_mut(),
        Err(_) => fail_api(WinError::INVALID_HANDLE, mem),
    }
}

fn global_lock(mem: HANDLE) -> LPVOID {
    match heap::block(mem as usize, Some(PROCESS_HEAP)) {
        Ok(b) => {
            if b.movable {
                let _ = heap::lock_count(mem as usize, 1);
            }
            mem
        }
        Err(_) => fail_api(WinError::INVALID_HANDLE, std::ptr::null_mut()),
    }
}

fn global_unlock(mem: HANDLE) -> BOOL {
    match heap::block(mem as usize, Some(PROCESS_HEAP)) {
        Ok(b) if !b.movable => TRUE,
        Ok(b) if b.locks == 0 => fail_api(WinError(ERROR_NOT_LOCKED), FALSE),
        Ok(_) => match heap::lock_count(mem as usize, -1) {
            Ok(0) => fail_api(WinError(0), FALSE),
            Ok(_) => TRUE,
            Err(e) => fail_api(e, FALSE),
        },
        Err(_) => fail_api(WinError::INVALID_HANDLE, FALSE),
    }
}

fn global_size(mem: HANDLE) -> SIZE_T {
    match heap::block(mem as usize, Some(PROCESS_HEAP)) {
        Ok(b) => b.size,
        Err(_) => fail_api(WinError::INVALID_HANDLE, 0),
    }
}

fn global_realloc(mem: HANDLE, bytes: SIZE_T, flags: UINT) -> HANDLE {
    let block = match heap::block(mem as usize, Some(PROCESS_HEAP)) {
        Ok(b) => b,
        Err(_) => return fail_api(WinError::INVALID_HANDLE, std::ptr::null_mut()),
    };
    if flags & GMEM_MODIFY != 0 {
        let movable = flags & GMEM_MOVEABLE != 0;
        heap::insert(mem as usize, Block { movable, ..block });
        return mem;
    }
    // Fixed blocks and locked movable blocks may only grow in place without GMEM_MOVEABLE.
    let may_move = flags & GMEM_MOVEABLE != 0 || block.movable && block.locks == 0;
    match reallocate(
        mem as usize,
        Some(PROCESS_HEAP),
        bytes,
        flags & GMEM_ZEROINIT != 0,
        !may_move,
    ) {
        Ok(p) => p as HANDLE,
        Err(e) => fail_api(e, std::ptr::null_mut()),
    }
}

/// GlobalAlloc: GMEM_FIXED, GMEM_MOVEABLE (its handle is its address), GMEM_ZEROINIT/GPTR/GHND.
#[no_mangle]
pub extern "system" fn GlobalAlloc(flags: UINT, bytes: SIZE_T) -> HANDLE {
    ffi_boundary("GlobalAlloc", std::ptr::null_mut(), || {
        global_alloc(flags, bytes)
    })
}

/// GlobalFree: NULL on success (and for NULL); the handle with ERROR_INVALID_HANDLE otherwise.
#[no_mangle]
pub extern "system" fn GlobalFree(mem: HANDLE) -> HANDLE {
    ffi_boundary("GlobalFree", mem, || global_free(mem))
}

/// GlobalLock: the block's address (counts locks of movable memory); NULL with
/// ERROR_INVALID_HANDLE for anything else.
#[no_mangle]
pub extern "system" fn GlobalLock(mem: HANDLE) -> LPVOID {
    ffi_boundary("GlobalLock", std::ptr::null_mut(), || global_lock(mem))
}

/// GlobalUnlock: nonzero while still locked; FALSE with NO_ERROR once unlocked, with
/// ERROR_NOT_LOCKED when it was not locked. Fixed memory: TRUE (as Wine measures).
#[no_mangle]
pub extern "system" fn GlobalUnlock(mem: HANDLE) -> BOOL {
    ffi_boundary("GlobalUnlock", FALSE, || global_unlock(mem))
}

/// GlobalSize: the requested size; 0 with ERROR_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn GlobalSize(mem: HANDLE) -> SIZE_T {
    ffi_boundary("GlobalSize", 0, || global_size(mem))
}

/// GlobalReAlloc: see LocalReAlloc.
#[no_mangle]
pub extern "system" fn GlobalReAlloc(mem: HANDLE, bytes: SIZE_T, flags: UINT) -> HANDLE {
    ffi_boundary("GlobalReAlloc", std::ptr::null_mut(), || {
        global_realloc(mem, bytes, flags)
    })
}

/// LocalAlloc: LMEM_FIXED, LMEM_MOVEABLE (its handle is its address), LMEM_ZEROINIT/LPTR/LHND.
#[no_mangle]
pub extern "system" fn LocalAlloc(flags: UINT, bytes: SIZE_T) -> HANDLE {
    ffi_boundary("LocalAlloc", std::ptr::null_mut(), || {
        global_alloc(flags, bytes)
    })
}

/// LocalFree: NULL on success (and for NULL); the handle with ERROR_INVALID_HANDLE otherwise.
#[no_mangle]
pub extern "system" fn LocalFree(mem: HANDLE) -> HANDLE {
    ffi_boundary("LocalFree", mem, || global_free(mem))
}

/// LocalLock: see GlobalLock.
#[no_mangle]
pub extern "system" fn LocalLock(mem: HANDLE) -> LPVOID {
    ffi_boundary("LocalLock", std::ptr::null_mut(), || global_lock(mem))
}

/// LocalUnlock: see GlobalUnlock.
#[no_mangle]
pub extern "system" fn LocalUnlock(mem: HANDLE) -> BOOL {
    ffi_boundary("LocalUnlock", FALSE, || global_unlock(mem))
}

/// LocalSize: the requested size; 0 with ERROR_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn LocalSize(mem: HANDLE) -> SIZE_T {
    ffi_boundary("LocalSize", 0, || global_size(mem))
}

/// LocalReAlloc: LMEM_MOVEABLE lets the block move; without it a fixed (or locked) block only
/// changes in place (ERROR_NOT_ENOUGH_MEMORY when it cannot); LMEM_ZEROINIT zeroes added bytes;
/// LMEM_MODIFY changes the movable flag only. NULL with ERROR_INVALID_HANDLE for a bad handle.
#[no_mangle]
pub extern "system" fn LocalReAlloc(mem: HANDLE, bytes: SIZE_T, flags: UINT) -> HANDLE {
    ffi_boundary("LocalReAlloc", std::ptr::null_mut(), || {
        global_realloc(mem, bytes, flags)
    })
}
