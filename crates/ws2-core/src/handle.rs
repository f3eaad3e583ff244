//! The process-wide handle table: one handle space for events, threads, completion ports,
//! windows and sockets, as on Windows.
//!
//! Windows contract: handles are opaque, non-zero, never `INVALID_HANDLE_VALUE`/`INVALID_SOCKET`,
//! multiples of 4 (kernel handles keep bits 0-1 free; bit 0 of `OVERLAPPED.hEvent` is a flag), and
//! a stale or forged handle is an error (6 / 10038), never someone else's object.
//!
//! Emulation: a generational slot map. A value is `TAG | generation << 18 | index << 2`:
//! - bit 30 set and bit 31 clear: values lie in [2^30, 2^31), so they survive a cast to `int`
//!   and never equal a file descriptor (Linux caps descriptors far below 2^30);
//! - 16 index bits (65536 live handles; past that, allocation fails like a full handle table);
//! - 12 generation bits, bumped when a slot is freed, and freed slots wait in a FIFO quarantine
//!   of at least [`QUARANTINE`] entries before reuse: a closed value comes back only after
//!   millions of other allocations, so stale use fails instead of reaching a new object.
//!
//! Socket contexts (`WPUQuerySocketHandleContext`, called by providers on every SPI entry) are
//! read without locks: the slot's state word and context are a seqlock (see [`Slot`]).

use std::collections::VecDeque;
use std::sync::atomic::{fence, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// How many handles can be open at once.
pub const CAPACITY: usize = 1 << INDEX_BITS;
/// Freed slots are reused only when more than this many are waiting.
pub const QUARANTINE: usize = 1024;

const INDEX_BITS: u32 = 16;
const GENERATION_BITS: u32 = 12;
const INDEX_SHIFT: u32 = 2;
const GENERATION_SHIFT: u32 = INDEX_SHIFT + INDEX_BITS;
const TAG: usize = 1 << 30;
const CHUNK: usize = 4096;
const CHUNKS: usize = CAPACITY / CHUNK;

/// What a handle refers to (kept in the slot's state word for lock-free type checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Kind {
    Event = 1,
    Thread = 2,
    Port = 3,
    /// A socket minted by `WPUCreateSocketHandle`, with a provider context.
    Socket = 4,
    Window = 5,
    Semaphore = 6,
    /// A mutex (CreateMutex; see `mutex.rs`).
    Mutex = 7,
}

impl Kind {
    fn from_bits(bits: u32) -> Option<Self> {
        Some(match bits {
            1 => Self::Event,
            2 => Self::Thread,
            3 => Self::Port,
            4 => Self::Socket,
            5 => Self::Window,
            6 => Self::Semaphore,
            7 => Self::Mutex,
            _ => return None,
        })
    }
}

// State word: generation (12 bits) | live (1 bit) | kind (4 bits).
const LIVE: u32 = 1 << GENERATION_BITS;
const KIND_SHIFT: u32 = GENERATION_BITS + 1;
const GENERATION_MASK: u32 = (1 << GENERATION_BITS) - 1;

fn live_state(generation: u32, kind: Kind) -> u32 {
    generation | LIVE | (kind as u32) << KIND_SHIFT
}

/// One table entry.
///
/// `state` and `context` form a seqlock for [`HandleTable::context`]: writers (allocate/free)
/// hold the slot's `object` mutex; a freed slot's state gets a new generation *before* a later
/// allocation overwrites `context` behind a release fence, so a reader that sees the new
/// context also sees a changed state and rejects what it read.
struct Slot<T> {
    state: AtomicU32,
    context: AtomicUsize,
    object: Mutex<Option<T>>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self {
            state: AtomicU32::new(0),
            context: AtomicUsize::new(0),
            object: Mutex::new(None),
        }
    }
}

struct FreeList {
    /// Freed indices, oldest first.
    freed: VecDeque<u32>,
    /// Indices never used yet start here.
    next_fresh: u32,
    live: usize,
}

/// A table of objects of type `T` addressed by handle values.
pub struct HandleTable<T> {
    /// Slots in chunks allocated on first use; a fixed array so that a lookup is one indexed load.
    chunks: [OnceLock<Box<[Slot<T>]>>; CHUNKS],
    free: Mutex<FreeList>,
    capacity: u32,
}

/// Locks a mutex, ignoring poisoning: table state stays consistent because no code panics
/// while holding these locks with a half-written entry.
fn lock<U>(m: &Mutex<U>) -> MutexGuard<'_, U> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Splits a handle value into (index, generation) if it has the shape of one of ours.
#[inline]
pub fn decode(value: usize) -> Option<(u32, u32)> {
    if value & 0b11 != 0 || value & TAG == 0 || value >> 31 != 0 {
        return None;
    }
    let index = (value >> INDEX_SHIFT) as u32 & ((1 << INDEX_BITS) - 1);
    let generation = (value >> GENERATION_SHIFT) as u32 & GENERATION_MASK;
    Some((index, generation))
}

fn encode(index: u32, generation: u32) -> usize {
    TAG | (generation as usize) << GENERATION_SHIFT | (index as usize) << INDEX_SHIFT
}

impl<T> HandleTable<T> {
    /// A table holding at most [`CAPACITY`] handles (usable in a `static`).
    pub const fn new() -> Self {
        Self::with_capacity(CAPACITY)
    }

    /// A smaller table (tests of exhaustion).
    pub const fn with_capacity(capacity: usize) -> Self {
        let capacity = if capacity < CAPACITY {
            capacity
        } else {
            CAPACITY
        };
        Self {
            chunks: [const { OnceLock::new() }; CHUNKS],
            free: Mutex::new(FreeList {
                freed: VecDeque::new(),
                next_fresh: 0,
                live: 0,
            }),
            capacity: capacity as u32,
        }
    }
}

impl<T: Clone> HandleTable<T> {
    #[inline]
    fn slot(&self, index: u32) -> Option<&Slot<T>> {
        let chunk = self.chunks.get(index as usize / CHUNK)?.get()?;
        chunk.get(index as usize % CHUNK)
    }

    fn slot_or_create(&self, index: u32) -> &Slot<T> {
        let chunk = self.chunks[index as usize / CHUNK]
            .get_or_init(|| (0..CHUNK).map(|_| Slot::default()).collect());
        &chunk[index as usize % CHUNK]
    }

    /// Stores `object` under a new handle. `None` when the table is full.
    pub fn insert(&self, kind: Kind, object: T, context: usize) -> Option<usize> {
        let index = {
            let mut free = lock(&self.free);
            let index = if free.freed.len() > QUARANTINE || free.next_fresh >= self.capacity {
                free.freed.pop_front()?
            } else {
                free.next_fresh += 1;
                free.next_fresh - 1
            };
            free.live += 1;
            index
        };
        let slot = self.slot_or_create(index);
        let mut guard = lock(&slot.object);
        let generation = slot.state.load(Ordering::Relaxed) & GENERATION_MASK;
        fence(Ordering::Release);
        slot.context.store(context, Ordering::Relaxed);
        *guard = Some(object);
        slot.state
            .store(live_state(generation, kind), Ordering::Release);
        Some(encode(index, generation))
    }

    /// The object behind `value` if it is a live handle of one of `kinds`.
    pub fn get(&self, value: usize, kinds: &[Kind]) -> Option<(Kind, T)> {
        let (index, generation) = decode(value)?;
        let slot = self.slot(index)?;
        let guard = lock(&slot.object);
        let kind = self.live_kind(slot, generation)?;
        if !kinds.contains(&kind) {
            return None;
        }
        guard.clone().map(|object| (kind, object))
    }

    fn live_kind(&self, slot: &Slot<T>, generation: u32) -> Option<Kind> {
        let state = slot.state.load(Ordering::Acquire);
        if state & LIVE == 0 || state & GENERATION_MASK != generation {
            return None;
        }
        Kind::from_bits(state >> KIND_SHIFT)
    }

    /// The context stored with a live handle of `kind`, without taking any lock.
    #[inline]
    pub fn context(&self, value: usize, kind: Kind) -> Option<usize> {
        let (index, generation) = decode(value)?;
        let slot = self.slot(index)?;
        let before = slot.state.load(Ordering::Acquire);
        if before != live_state(generation, kind) {
            return None;
        }
        let context = slot.context.load(Ordering::Relaxed);
        fence(Ordering::Acquire);
        // A handle lives once: if the state changed, it was closed, and the context read may
        // belong to a later object.
        (slot.state.load(Ordering::Relaxed) == before).then_some(context)
    }

    /// Removes `value` if it is a live handle of one of `kinds`; returns its object.
    pub fn remove(&self, value: usize, kinds: &[Kind]) -> Option<(Kind, T)> {
        let (index, generation) = decode(value)?;
        let slot = self.slot(index)?;
        let mut guard = lock(&slot.object);
        let kind = self.live_kind(slot, generation)?;
        if !kinds.contains(&kind) {
            return None;
        }
        let next_generation = (generation + 1) & GENERATION_MASK;
        slot.state.store(next_generation, Ordering::Release);
        let object = guard.take();
        drop(guard);
        let mut free = lock(&self.free);
        free.freed.push_back(index);
        free.live -= 1;
        object.map(|object| (kind, object))
    }

    /// Whether `value` is a handle this table issued and has since closed (stale), as opposed
    /// to a value it never issued (forged): its slot has been allocated and its generation lies
    /// behind the slot's current one (within half the generation space, for wrap-around).
    pub fn is_stale(&self, value: usize) -> bool {
        let Some((index, generation)) = decode(value) else {
            return false;
        };
        let Some(slot) = self.slot(index) else {
            return false;
        };
        let current = slot.state.load(Ordering::Acquire) & GENERATION_MASK;
        let behind = current.wrapping_sub(generation) & GENERATION_MASK;
        behind != 0 && behind <= GENERATION_MASK / 2 + 1
    }

    /// Number of live handles.
    pub fn len(&self) -> usize {
        lock(&self.free).live
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Default for HandleTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn values_have_the_windows_shape() {
        let table = HandleTable::<u32>::new();
        let h = table.insert(Kind::Event, 7, 0).unwrap();
        assert_ne!(h, 0);
        assert_eq!(h % 4, 0, "multiple of 4");
        assert!(h < 1 << 31, "survives a cast to int");
        assert!(h >= 1 << 30, "never a file descriptor");
        assert_eq!(table.get(h, &[Kind::Event]), Some((Kind::Event, 7)));
    }

    #[test]
    fn forged_stale_and_wrong_kind_handles_are_rejected() {
        let table = HandleTable::<u32>::new();
        let h = table.insert(Kind::Event, 1, 0).unwrap();
        for forged in [0, 4, 0x1234, 0xDEAD0, h + 1, h + 4, usize::MAX, h | 1 << 31] {
            assert_eq!(table.get(forged, &[Kind::Event]), None, "{forged:#x}");
        }
        assert_eq!(table.get(h, &[Kind::Thread]), None, "wrong kind");
        assert_eq!(
            table.remove(h, &[Kind::Thread]),
            None,
            "wrong kind is not removed"
        );
        assert_eq!(table.remove(h, &[Kind::Event]), Some((Kind::Event, 1)));
        assert_eq!(table.get(h, &[Kind::Event]), None, "stale");
        assert_eq!(table.remove(h, &[Kind::Event]), None, "double close");
        assert!(table.is_stale(h), "closed: stale");
        let live = table.insert(Kind::Event, 2, 0).unwrap();
        assert!(!table.is_stale(live), "live: not stale");
        for forged in [0, 4, 0x1234, 0xDEAD0, live + 4, usize::MAX] {
            assert!(!table.is_stale(forged), "{forged:#x} was never issued");
        }
    }

    #[test]
    fn a_closed_value_is_not_handed_out_again_soon() {
        let table = HandleTable::<u32>::new();
        let first = table.insert(Kind::Event, 0, 0).unwrap();
        table.remove(first, &[Kind::Event]).unwrap();
        let mut seen = HashSet::new();
        for i in 0..200_000u32 {
            let h = table.insert(Kind::Event, i, 0).unwrap();
            assert_ne!(h, first, "value reused after {i} allocations");
            assert!(
                seen.insert(h),
                "value {h:#x} repeated after {i} allocations"
            );
            table.remove(h, &[Kind::Event]).unwrap();
        }
        assert!(table.is_empty());
    }

    #[test]
    fn exhaustion_fails_then_recovers() {
        let table = HandleTable::<u32>::with_capacity(8);
        let handles: Vec<_> = (0..8)
            .map(|i| table.insert(Kind::Event, i, 0).unwrap())
            .collect();
        assert_eq!(table.insert(Kind::Event, 9, 0), None);
        table.remove(handles[3], &[Kind::Event]).unwrap();
        let again = table.insert(Kind::Event, 10, 0).unwrap();
        assert_ne!(again, handles[3], "new generation");
        assert_eq!(table.len(), 8);
    }

    #[test]
    fn context_is_read_for_live_sockets_only() {
        let table = HandleTable::<u32>::new();
        let s = table
            .insert(Kind::Socket, 0, 0x1122_3344_5566_7788)
            .unwrap();
        let e = table.insert(Kind::Event, 0, 99).unwrap();
        assert_eq!(table.context(s, Kind::Socket), Some(0x1122_3344_5566_7788));
        assert_eq!(table.context(e, Kind::Socket), None, "not a socket");
        table.remove(s, &[Kind::Socket]).unwrap();
        assert_eq!(table.context(s, Kind::Socket), None, "stale");
    }

    #[test]
    fn concurrent_readers_never_see_another_handles_context() {
        use std::sync::atomic::AtomicBool;
        use std::sync::Arc;
        const ROUNDS: usize = 50_000;
        let table = Arc::new(HandleTable::<()>::with_capacity(64));
        // Allocation i stores context i and records its handle in issued[i]; a reader that gets
        // context c for handle h checks issued[c] == h, so a context from another handle shows.
        let issued: Arc<Vec<AtomicUsize>> =
            Arc::new((0..ROUNDS).map(|_| AtomicUsize::new(0)).collect());
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (table, issued, stop) = (table.clone(), issued.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0..ROUNDS {
                    let h = table.insert(Kind::Socket, (), i).unwrap();
                    issued[i].store(h, Ordering::SeqCst);
                    table.remove(h, &[Kind::Socket]).unwrap();
                }
                stop.store(true, Ordering::SeqCst);
            })
        };
        let mut checked = 0u64;
        while !stop.load(Ordering::SeqCst) {
            for index in 0..64u32 {
                for generation in 0..64u32 {
                    let h = encode(index, generation);
                    if let Some(context) = table.context(h, Kind::Socket) {
                        let owner = issued[context].load(Ordering::SeqCst);
                        assert!(
                            owner == 0 || owner == h,
                            "handle {h:#x} answered context {context} of {owner:#x}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        writer.join().unwrap();
        assert!(table.is_empty());
        let _ = checked; // how many lookups raced a live handle varies; correctness is the assert
    }
}
