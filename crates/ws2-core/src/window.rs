//! Window classes, message-only windows and per-thread message queues: the user32 subset that
//! `WSAAsyncSelect` notifications travel through (`WPUPostMessage` → the owner thread's queue →
//! `GetMessage` → `DispatchMessage` → the window procedure).
//!
//! Windows contract (Microsoft's user32 documentation, spec §5.8 and §7.1):
//! - Each thread has at most one message queue, created when the thread first calls a user32
//!   function. `PostMessage(hwnd)` appends to the queue of the thread that created `hwnd`, from any
//!   thread, and never blocks; `PostMessage(NULL)` is `PostThreadMessage(GetCurrentThreadId())`.
//!   A queue holds at most 10000 posted messages (`USERPostMessageLimit`); beyond that posting
//!   fails with `ERROR_NOT_ENOUGH_QUOTA` (1816). A dead window gives `ERROR_INVALID_WINDOW_HANDLE`
//!   (1400); `PostThreadMessage` to a thread without a queue gives `ERROR_INVALID_THREAD_ID` (1444).
//! - `GetMessage`/`PeekMessage` return posted messages in FIFO order, restricted by a window
//!   filter (NULL: every message of the thread; a window: that window's messages; `(HWND)-1`:
//!   thread messages only) and a message range (`0, 0`: all; `min > max` wraps around, as Wine
//!   measures). `PostQuitMessage` sets a flag, not a queue entry: `WM_QUIT` is returned once no
//!   posted message matches the filter, whatever the range filter says.
//! - `DestroyWindow` works only on the creating thread (`ERROR_ACCESS_DENIED` otherwise), sends
//!   `WM_DESTROY` then `WM_NCDESTROY`, and the handle is dead afterwards; messages still queued for
//!   it are never retrieved. A thread's windows are destroyed when it exits.
//! - `MsgWaitForMultipleObjectsEx` ends with `WAIT_OBJECT_0 + nCount` when input of the wake mask
//!   is available: without `MWMO_INPUTAVAILABLE`, only input that arrived since the thread last
//!   looked at its queue (GetMessage, PeekMessage, MsgWait) counts.
//!
//! Emulation: a [`MessageQueue`] is a mutex-protected `VecDeque` plus a [`Notifier`] that the
//! wait engine sleeps on through [`WakeSource`]: a blocked `GetMessage` sleeps on its futex word
//! (MsgWait with objects polls its eventfd) and is woken by the poster, never by spinning. The queue also records which windows are alive,
//! so "post to a destroyed window" and "purge its queued messages" are decided under one lock.
//! Window procedures are Rust closures (`ws2-capi` wraps C procedures), called with no lock held so
//! that they may re-enter any function here.
//!
//! Divergences (each shown by a test in this module or in `tests/window_*.rs`):
//! - no display: every window is message-only whatever its parent, style or position; nothing is
//!   drawn, no input, paint, timer or hot-key messages are generated, and `HWND_BROADCAST`
//!   reaches nothing (1400) (`window_is_message_only`);
//! - classes are process-wide and keyed by name only (not by name and `hInstance`): registering
//!   a name twice fails even with another `hInstance` (`class_names_are_process_wide`);
//! - `SendMessage` and `DispatchMessage` to a window of another thread fail with
//!   `ERROR_NOT_SUPPORTED` (50): cross-thread sent messages are not implemented, and Windows would
//!   run the procedure on the calling thread (`cross_thread_send_and_dispatch_are_not_supported`);
//! - a thread's windows are destroyed at thread exit without `WM_DESTROY`/`WM_NCDESTROY`: the
//!   thread is gone and can run no code (`thread_exit_destroys_windows`);
//! - `MSG.time` counts milliseconds since ws2emu started, not since boot, and `MSG.pt` is always
//!   (0, 0): there is no cursor (`message_time_and_point`).

use crate::error::{Result, WinError};
use crate::handle::Kind;
use crate::runtime::{runtime, Object};
use crate::thread::{self, ThreadObject};
use crate::wait::{self, Wait, WaitOutcome, WakeSource};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};
use ws2_abi as abi;
use ws2_os::Notifier;

/// A window procedure: `(hwnd, message, wParam, lParam) -> LRESULT`.
pub type WindowProc = Arc<dyn Fn(usize, u32, usize, isize) -> isize + Send + Sync>;

/// A window procedure and the value `GetWindowLongPtr(GWLP_WNDPROC)` reports for it (the C
/// function's address when `ws2-capi` wrapped one).
#[derive(Clone)]
pub struct Procedure {
    pub id: isize,
    pub call: WindowProc,
}

impl Procedure {
    /// `call` as a window procedure that GWLP_WNDPROC reports as `id`.
    pub fn new(
        id: isize,
        call: impl Fn(usize, u32, usize, isize) -> isize + Send + Sync + 'static,
    ) -> Self {
        Self {
            id,
            call: Arc::new(call),
        }
    }

    /// [`def_window_proc`] as a procedure, with id 0.
    pub fn default_proc() -> Self {
        Self::new(0, def_window_proc)
    }
}

impl std::fmt::Debug for Procedure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Procedure({:#x})", self.id)
    }
}

/// Most posted messages one queue holds (Windows' default `USERPostMessageLimit`).
pub const POSTED_MESSAGE_QUOTA: usize = 10_000;
/// `HWND_MESSAGE`, the parent of message-only windows.
pub const HWND_MESSAGE: usize = usize::MAX - 2;
/// The window filter `(HWND)-1`: thread messages (hwnd NULL) only.
pub const THREAD_MESSAGES_ONLY: usize = usize::MAX;
/// `GWLP_HWNDPARENT` (winuser.h).
pub const GWLP_HWNDPARENT: i32 = -8;

/// `ERROR_CLASS_HAS_WINDOWS` (1412, winerror.h): UnregisterClass while windows of the class exist.
pub const CLASS_HAS_WINDOWS: WinError = WinError(ws2_abi::ERROR_CLASS_HAS_WINDOWS);
/// `ERROR_INVALID_THREAD_ID` (1444): PostThreadMessage to a thread without a message queue.
pub const INVALID_THREAD_ID: WinError = WinError(abi::ERROR_INVALID_THREAD_ID);
/// `ERROR_INVALID_INDEX` (1413): GetWindowLongPtr/SetWindowLongPtr with a bad index.
pub const INVALID_INDEX: WinError = WinError(abi::ERROR_INVALID_INDEX);
/// `ERROR_NOT_SUPPORTED` (50): cross-thread SendMessage and DispatchMessage (a divergence).
pub const NOT_SUPPORTED: WinError = WinError(abi::ERROR_NOT_SUPPORTED);
/// The "error" of a creation the window procedure refused (WM_NCCREATE FALSE, WM_CREATE -1):
/// Windows leaves the last error 0 then, as commonly observed.
pub const CREATION_REFUSED: WinError = WinError(abi::ERROR_SUCCESS);

/// Posted-message queue-status bits (a wake mask with neither ignores posted messages).
const QS_POSTED: u32 = abi::QS_POSTMESSAGE | abi::QS_ALLPOSTMESSAGE;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `GetTickCount`-style time stamp: milliseconds since ws2emu first stamped a message.
fn tick() -> u32 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u32
}

// ---------------------------------------------------------------------------------------------
// Messages and filters
// ---------------------------------------------------------------------------------------------

/// A posted message, as `MSG` carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    pub hwnd: usize,
    pub message: u32,
    pub wparam: usize,
    pub lparam: isize,
    pub time: u32,
    /// Cursor position when posted; always (0, 0) (no display).
    pub pt: (i32, i32),
}

impl Message {
    fn new(hwnd: usize, message: u32, wparam: usize, lparam: isize) -> Self {
        Self {
            hwnd,
            message,
            wparam,
            lparam,
            time: tick(),
            pt: (0, 0),
        }
    }
}

/// Which messages `GetMessage`/`PeekMessage` retrieve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filter {
    /// 0: any message of the thread; [`THREAD_MESSAGES_ONLY`]; or one window.
    pub hwnd: usize,
    /// Message range; `0, 0` is every message, `min > max` wraps (Wine's measured behaviour).
    pub min: u32,
    pub max: u32,
    /// `PM_QS_*` queue-status bits (PeekMessage's high word); 0 means all kinds.
    pub qs: u32,
}

impl Filter {
    /// Every message.
    pub const ALL: Self = Self {
        hwnd: 0,
        min: 0,
        max: 0,
        qs: 0,
    };

    /// A window filter and range with no `PM_QS_*` restriction.
    pub fn new(hwnd: usize, min: u32, max: u32) -> Self {
        Self {
            hwnd,
            min,
            max,
            qs: 0,
        }
    }

    fn in_range(&self, message: u32) -> bool {
        if self.min == 0 && self.max == 0 {
            true
        } else if self.min <= self.max {
            (self.min..=self.max).contains(&message)
        } else {
            message >= self.min || message <= self.max
        }
    }

    fn matches_hwnd(&self, hwnd: usize) -> bool {
        match self.hwnd {
            0 => true,
            THREAD_MESSAGES_ONLY => hwnd == 0,
            window => hwnd == window,
        }
    }

    fn wants_posted(&self) -> bool {
        self.qs == 0 || self.qs & abi::QS_POSTMESSAGE != 0
    }

    fn matches(&self, m: &Message) -> bool {
        self.matches_hwnd(m.hwnd) && self.in_range(m.message)
    }

    /// No window, range or kind restriction (clears the QS_ALLPOSTMESSAGE "new" bit).
    fn is_unfiltered(&self) -> bool {
        self.hwnd == 0 && self.min == 0 && self.max == 0 && self.qs == 0
    }

    /// Checks the window filter: a specific window must be alive (of any thread).
    fn validate(&self) -> Result<()> {
        if self.hwnd != 0 && self.hwnd != THREAD_MESSAGES_ONLY {
            window(self.hwnd)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The message queue
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct QueueState {
    posted: VecDeque<Message>,
    /// PostQuitMessage's flag and exit code.
    quit: Option<i32>,
    /// "Changed" bits: posted input arrived since the thread last looked (QS_POSTMESSAGE,
    /// QS_ALLPOSTMESSAGE).
    new_post: bool,
    new_allpost: bool,
    /// Live windows owned by this queue's thread.
    windows: HashSet<usize>,
    /// The owner thread has exited: nothing more is accepted.
    closed: bool,
    /// The owner sleeps (or is about to) on the notifier: the next post must raise it.
    sleeping: bool,
}

impl QueueState {
    fn has_input(&self) -> bool {
        !self.posted.is_empty() || self.quit.is_some()
    }

    fn find(&self, filter: &Filter) -> Option<usize> {
        if !filter.wants_posted() {
            return None;
        }
        self.posted.iter().position(|m| filter.matches(m))
    }

    fn has_match(&self, filter: &Filter) -> bool {
        self.find(filter).is_some() || (filter.wants_posted() && self.quit.is_some())
    }

    /// Marks the queue as looked at (GetMessage/PeekMessage).
    fn seen(&mut self, filter: &Filter) {
        self.new_post = false;
        if filter.is_unfiltered() {
            self.new_allpost = false;
        }
    }
}

/// A thread's message queue. Only its owner retrieves from it; any thread posts to it.
pub struct MessageQueue {
    tid: u32,
    state: Mutex<QueueState>,
    notifier: Notifier,
}

impl std::fmt::Debug for MessageQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageQueue")
            .field("tid", &self.tid)
            .field("posted", &self.lock().posted.len())
            .finish_non_exhaustive()
    }
}

impl MessageQueue {
    fn new(tid: u32) -> Result<Self> {
        Ok(Self {
            tid,
            state: Mutex::new(QueueState::default()),
            notifier: Notifier::new().map_err(|_| WinError::NOT_ENOUGH_MEMORY)?,
        })
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        lock(&self.state)
    }

    /// The owner thread's id.
    pub fn tid(&self) -> u32 {
        self.tid
    }

    /// Number of posted messages waiting (WM_QUIT not included).
    pub fn len(&self) -> usize {
        self.lock().posted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// New input arrived (called with the state locked); returns whether the owner sleeps and
    /// must be woken. The caller raises the notifier after unlocking, so the woken owner never
    /// finds the lock still held; a raise that arrives late is cleared by the owner's next
    /// [`check`](Self::check) before it sleeps again.
    #[must_use]
    fn arrived(&self, state: &mut QueueState) -> bool {
        state.new_post = true;
        state.new_allpost = true;
        std::mem::take(&mut state.sleeping)
    }

    fn post(&self, message: Message) -> Result<()> {
        let wake = {
            let mut state = self.lock();
            if message.hwnd == 0 {
                if state.closed {
                    return Err(INVALID_THREAD_ID);
                }
            } else if !state.windows.contains(&message.hwnd) {
                return Err(WinError::INVALID_WINDOW_HANDLE);
            }
            if state.posted.len() >= POSTED_MESSAGE_QUOTA {
                return Err(WinError::NOT_ENOUGH_QUOTA);
            }
            state.posted.push_back(message);
            self.arrived(&mut state)
        };
        if wake {
            self.notifier.raise();
        }
        Ok(())
    }

    fn post_quit(&self, code: i32) {
        let wake = {
            let mut state = self.lock();
            state.quit = Some(code);
            self.arrived(&mut state)
        };
        if wake {
            self.notifier.raise();
        }
    }

    /// The first message matching `filter` (then WM_QUIT), removed if `remove`.
    fn take(&self, filter: &Filter, remove: bool) -> Option<Message> {
        let mut state = self.lock();
        state.seen(filter);
        if let Some(index) = state.find(filter) {
            return if remove {
                state.posted.remove(index)
            } else {
                state.posted.get(index).copied()
            };
        }
        if !filter.wants_posted() {
            return None;
        }
        let code = state.quit?;
        if remove {
            state.quit = None;
        }
        Some(Message::new(0, abi::WM_QUIT, code as isize as usize, 0))
    }

    /// Whether `ready` holds; if not, arms the notifier for the next post.
    fn check(&self, ready: impl FnOnce(&QueueState) -> bool) -> bool {
        let mut state = self.lock();
        if ready(&state) {
            return true;
        }
        self.notifier.clear();
        state.sleeping = true;
        false
    }
}

/// What a blocked GetMessage waits for: a message matching its filter.
struct MessageWaiter<'a> {
    queue: &'a MessageQueue,
    filter: Filter,
}

impl WakeSource for MessageWaiter<'_> {
    fn notifier(&self) -> &Notifier {
        &self.queue.notifier
    }

    fn is_ready(&self) -> bool {
        self.queue.check(|s| s.has_match(&self.filter))
    }
}

/// What MsgWaitForMultipleObjectsEx waits for: posted input of the wake mask (new input only,
/// unless MWMO_INPUTAVAILABLE).
struct InputWaiter<'a> {
    queue: &'a MessageQueue,
    mask: u32,
    available: bool,
}

impl WakeSource for InputWaiter<'_> {
    fn notifier(&self) -> &Notifier {
        &self.queue.notifier
    }

    fn is_ready(&self) -> bool {
        self.queue.check(|s| {
            if self.available {
                self.mask & QS_POSTED != 0 && s.has_input()
            } else {
                (self.mask & abi::QS_POSTMESSAGE != 0 && s.new_post)
                    || (self.mask & abi::QS_ALLPOSTMESSAGE != 0 && s.new_allpost)
            }
        })
    }
}

/// The calling thread's message queue, created on first use (as user32 creates it on a thread's
/// first user32 call).
pub fn current_queue() -> Result<Arc<MessageQueue>> {
    let me = thread::current()?;
    queue_of(&me)
}

fn queue_of(me: &ThreadObject) -> Result<Arc<MessageQueue>> {
    if let Some(queue) = me.messages.get() {
        return Ok(queue.clone());
    }
    // Only the owner creates its queue, so no other initialiser can race this one.
    let queue = Arc::new(MessageQueue::new(me.tid())?);
    Ok(me.messages.get_or_init(|| queue).clone())
}

// ---------------------------------------------------------------------------------------------
// Classes
// ---------------------------------------------------------------------------------------------

/// A class name as the C API passes it: a string, or an atom (`MAKEINTATOM`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassName<'a> {
    /// UTF-16 without the terminating NUL.
    Name(&'a [u16]),
    Atom(u16),
}

/// What RegisterClass(Ex)W records.
#[derive(Clone, Debug)]
pub struct ClassSpec {
    /// UTF-16 without the terminating NUL.
    pub name: Vec<u16>,
    pub style: u32,
    pub procedure: Procedure,
    pub cls_extra: i32,
    pub wnd_extra: i32,
    pub instance: usize,
}

/// A registered window class.
#[derive(Debug)]
pub struct WindowClass {
    spec: ClassSpec,
    atom: u16,
    /// Live windows of this class (incremented under the registry lock).
    windows: AtomicUsize,
}

impl WindowClass {
    pub fn atom(&self) -> u16 {
        self.atom
    }

    pub fn name(&self) -> &[u16] {
        &self.spec.name
    }
}

#[derive(Default)]
struct Classes {
    by_key: HashMap<Vec<u16>, Arc<WindowClass>>,
    by_atom: HashMap<u16, Vec<u16>>,
    next_atom: u16,
}

fn classes() -> MutexGuard<'static, Classes> {
    static CLASSES: OnceLock<Mutex<Classes>> = OnceLock::new();
    lock(CLASSES.get_or_init(Default::default))
}

/// First atom of the string-atom range (winbase.h MAXINTATOM).
const FIRST_ATOM: u16 = 0xC000;

/// Case-folds a class name per UTF-16 unit, as user32 compares class names case-insensitively.
fn fold(name: &[u16]) -> Vec<u16> {
    name.iter()
        .map(|&unit| {
            let Some(c) = char::from_u32(unit as u32) else {
                return unit;
            };
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) if (u as u32) <= 0xFFFF => u as u32 as u16,
                _ => unit,
            }
        })
        .collect()
}

impl Classes {
    fn key(&self, name: ClassName<'_>) -> Option<Vec<u16>> {
        match name {
            ClassName::Name(name) => Some(fold(name)),
            ClassName::Atom(atom) => self.by_atom.get(&atom).cloned(),
        }
    }

    fn lookup(&self, name: ClassName<'_>) -> Option<&Arc<WindowClass>> {
        self.by_key.get(&self.key(name)?)
    }

    fn allocate_atom(&mut self) -> Option<u16> {
        let span = (u16::MAX - FIRST_ATOM) as u32 + 1;
        for step in 0..span {
            let atom = FIRST_ATOM + ((self.next_atom as u32 + step) % span) as u16;
            if !self.by_atom.contains_key(&atom) {
                self.next_atom = (((atom - FIRST_ATOM) as u32 + 1) % span) as u16;
                return Some(atom);
            }
        }
        None
    }
}

/// RegisterClassW / RegisterClassExW: registers a class; returns its atom (unique among live
/// classes, in 0xC000..=0xFFFF like Windows' string atoms).
///
/// Errors: an empty name or negative extra-byte counts give `ERROR_INVALID_PARAMETER` (Wine's
/// checks); a name already registered (case-insensitively) gives `ERROR_CLASS_ALREADY_EXISTS`.
/// Divergence: the key is the name alone, not (name, hInstance).
#[doc(alias = "RegisterClassExW")]
pub fn register_class(spec: ClassSpec) -> Result<u16> {
    if spec.name.is_empty() || spec.cls_extra < 0 || spec.wnd_extra < 0 {
        return Err(WinError::INVALID_PARAMETER);
    }
    let key = fold(&spec.name);
    let mut classes = classes();
    if classes.by_key.contains_key(&key) {
        return Err(WinError::CLASS_ALREADY_EXISTS);
    }
    let atom = classes.allocate_atom().ok_or(WinError::NOT_ENOUGH_MEMORY)?;
    classes.by_atom.insert(atom, key.clone());
    let class = Arc::new(WindowClass {
        spec,
        atom,
        windows: AtomicUsize::new(0),
    });
    classes.by_key.insert(key, class);
    Ok(atom)
}

/// UnregisterClassW: forgets a class. `ERROR_CLASS_DOES_NOT_EXIST` for an unknown name or atom,
/// `ERROR_CLASS_HAS_WINDOWS` (1412) while windows of the class exist.
#[doc(alias = "UnregisterClassW")]
pub fn unregister_class(name: ClassName<'_>) -> Result<()> {
    let mut classes = classes();
    let class = classes
        .lookup(name)
        .cloned()
        .ok_or(WinError::CLASS_DOES_NOT_EXIST)?;
    if class.windows.load(Ordering::SeqCst) > 0 {
        return Err(CLASS_HAS_WINDOWS);
    }
    classes.by_key.remove(&fold(&class.spec.name));
    classes.by_atom.remove(&class.atom);
    Ok(())
}

/// The registered class `name` (None if unknown).
pub fn find_class(name: ClassName<'_>) -> Option<Arc<WindowClass>> {
    classes().lookup(name).cloned()
}

// ---------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Alive,
    /// DestroyWindow is sending WM_DESTROY/WM_NCDESTROY: the handle is still valid.
    Destroying,
    Destroyed,
}

#[derive(Debug)]
struct WindowData {
    procedure: Procedure,
    user_data: isize,
    style: u32,
    ex_style: u32,
    id: usize,
    instance: usize,
    parent: usize,
    extra: Vec<u8>,
    phase: Phase,
}

/// A (message-only) window.
#[derive(Debug)]
pub struct Window {
    tid: u32,
    queue: Arc<MessageQueue>,
    class: Arc<WindowClass>,
    data: Mutex<WindowData>,
}

impl Window {
    /// The id of the thread that created the window.
    pub fn tid(&self) -> u32 {
        self.tid
    }

    pub fn class(&self) -> &Arc<WindowClass> {
        &self.class
    }

    fn data(&self) -> MutexGuard<'_, WindowData> {
        lock(&self.data)
    }

    fn procedure(&self) -> WindowProc {
        self.data().procedure.call.clone()
    }
}

/// The live window behind `hwnd`; `ERROR_INVALID_WINDOW_HANDLE` otherwise.
pub fn window(hwnd: usize) -> Result<Arc<Window>> {
    match runtime().handles.get(hwnd, &[Kind::Window]) {
        Some((_, Object::Window(w))) => Ok(w),
        _ => Err(WinError::INVALID_WINDOW_HANDLE),
    }
}

/// What CreateWindowExW receives (position and size are accepted and ignored).
#[derive(Clone, Copy, Debug)]
pub struct CreateParams<'a> {
    pub class: ClassName<'a>,
    pub ex_style: u32,
    pub style: u32,
    /// `HWND_MESSAGE`, NULL, or a live window (all give a message-only window).
    pub parent: usize,
    /// `hMenu`: the child id (`GWLP_ID`).
    pub id: usize,
    pub instance: usize,
    /// The lParam of WM_NCCREATE/WM_CREATE (the C layer's CREATESTRUCTW address).
    pub create_struct: isize,
}

/// CreateWindowExW: creates a window owned by the calling thread and sends it WM_NCCREATE and
/// WM_CREATE synchronously.
///
/// Errors: unknown class → `ERROR_CANNOT_FIND_WND_CLASS`; a parent that is neither NULL,
/// `HWND_MESSAGE` nor a live window → `ERROR_INVALID_WINDOW_HANDLE`; handle table full →
/// `ERROR_NOT_ENOUGH_MEMORY`. If WM_NCCREATE returns FALSE (then WM_NCDESTROY is sent) or WM_CREATE
/// returns -1 (then WM_DESTROY and WM_NCDESTROY are sent), or the procedure destroys the window
/// during creation, creation fails with [`CREATION_REFUSED`] (last error 0, as on Windows).
/// Divergence: every window is message-only (no display).
#[doc(alias = "CreateWindowExW")]
pub fn create_window(params: &CreateParams<'_>) -> Result<usize> {
    let me = thread::current()?;
    let queue = queue_of(&me)?;
    let parent = match params.parent {
        0 | HWND_MESSAGE => 0,
        parent => {
            window(parent)?;
            parent
        }
    };
    let class = {
        let classes = classes();
        let class = classes
            .lookup(params.class)
            .cloned()
            .ok_or(WinError::CANNOT_FIND_WND_CLASS)?;
        // Counted under the registry lock, so UnregisterClass cannot slip in between.
        class.windows.fetch_add(1, Ordering::SeqCst);
        class
    };
    let window = Arc::new(Window {
        tid: me.tid(),
        queue: queue.clone(),
        data: Mutex::new(WindowData {
            procedure: class.spec.procedure.clone(),
            user_data: 0,
            style: params.style,
            ex_style: params.ex_style,
            id: params.id,
            instance: params.instance,
            parent,
            extra: vec![0; class.spec.wnd_extra as usize],
            phase: Phase::Alive,
        }),
        class: class.clone(),
    });
    let Some(hwnd) = runtime().insert(Object::Window(window.clone())) else {
        class.windows.fetch_sub(1, Ordering::SeqCst);
        return Err(WinError::NOT_ENOUGH_MEMORY);
    };
    queue.lock().windows.insert(hwnd);

    let proc_ = window.procedure();
    if proc_(hwnd, abi::WM_NCCREATE, 0, params.create_struct) == 0 {
        abort_creation(hwnd, &window, false);
        return Err(CREATION_REFUSED);
    }
    if window.data().phase != Phase::Alive {
        // The procedure destroyed the window during WM_NCCREATE.
        return Err(CREATION_REFUSED);
    }
    let proc_ = window.procedure();
    if proc_(hwnd, abi::WM_CREATE, 0, params.create_struct) == -1 {
        abort_creation(hwnd, &window, true);
        return Err(CREATION_REFUSED);
    }
    if window.data().phase != Phase::Alive {
        return Err(CREATION_REFUSED);
    }
    Ok(hwnd)
}

/// Destroys a window whose creation the procedure refused, sending what Windows sends then
/// (WM_DESTROY only after WM_CREATE was sent). Nothing to do if the procedure destroyed it.
fn abort_creation(hwnd: usize, window: &Arc<Window>, send_destroy: bool) {
    {
        let mut data = window.data();
        if data.phase != Phase::Alive {
            return;
        }
        data.phase = Phase::Destroying;
    }
    if send_destroy {
        window.procedure()(hwnd, abi::WM_DESTROY, 0, 0);
    }
    window.procedure()(hwnd, abi::WM_NCDESTROY, 0, 0);
    finish_destroy(hwnd, window);
}

/// Makes `hwnd` dead: no more posts, queued messages purged, handle freed.
fn finish_destroy(hwnd: usize, window: &Window) {
    {
        let mut state = window.queue.lock();
        state.windows.remove(&hwnd);
        state.posted.retain(|m| m.hwnd != hwnd);
    }
    runtime().handles.remove(hwnd, &[Kind::Window]);
    let mut data = window.data();
    if data.phase != Phase::Destroyed {
        data.phase = Phase::Destroyed;
        window.class.windows.fetch_sub(1, Ordering::SeqCst);
    }
}

/// DestroyWindow: on the creating thread only (`ERROR_ACCESS_DENIED` otherwise, as Microsoft
/// documents: "A thread cannot use DestroyWindow to destroy a window created by a different
/// thread"); sends WM_DESTROY then WM_NCDESTROY, then the handle is dead and messages queued for it
/// are discarded. A nested call from within those messages succeeds without resending them.
#[doc(alias = "DestroyWindow")]
pub fn destroy_window(hwnd: usize) -> Result<()> {
    let window = window(hwnd)?;
    if window.tid != ws2_os::current_thread_id() {
        return Err(WinError::ACCESS_DENIED);
    }
    {
        let mut data = window.data();
        if data.phase != Phase::Alive {
            return Ok(());
        }
        data.phase = Phase::Destroying;
    }
    window.procedure()(hwnd, abi::WM_DESTROY, 0, 0);
    window.procedure()(hwnd, abi::WM_NCDESTROY, 0, 0);
    finish_destroy(hwnd, &window);
    Ok(())
}

/// IsWindow: whether `hwnd` is a live window (of any thread).
#[doc(alias = "IsWindow")]
pub fn is_window(hwnd: usize) -> bool {
    window(hwnd).is_ok()
}

/// GetWindowThreadProcessId: the creating thread's id; `ERROR_INVALID_WINDOW_HANDLE` if dead.
#[doc(alias = "GetWindowThreadProcessId")]
pub fn window_thread(hwnd: usize) -> Result<u32> {
    window(hwnd).map(|w| w.tid)
}

/// Reads 8 extra window bytes at `index`.
fn extra_slot(extra: &mut [u8], index: i32) -> Result<&mut [u8; 8]> {
    let start = usize::try_from(index).map_err(|_| INVALID_INDEX)?;
    extra
        .get_mut(start..start.checked_add(8).ok_or(INVALID_INDEX)?)
        .and_then(|s| s.try_into().ok())
        .ok_or(INVALID_INDEX)
}

/// GetWindowLongPtrW: `GWLP_WNDPROC` (the procedure's id), `GWLP_USERDATA`, `GWLP_ID`,
/// `GWLP_HINSTANCE`, `GWLP_HWNDPARENT`, `GWL_STYLE`, `GWL_EXSTYLE` (zero-extended, as Wine), or a
/// byte offset into the `cbWndExtra` bytes. Errors: dead window → 1400; other index →
/// `ERROR_INVALID_INDEX` (1413).
#[doc(alias = "GetWindowLongPtrW")]
pub fn get_window_long(hwnd: usize, index: i32) -> Result<isize> {
    let window = window(hwnd)?;
    let mut data = window.data();
    Ok(match index {
        abi::GWLP_WNDPROC => data.procedure.id,
        abi::GWLP_USERDATA => data.user_data,
        abi::GWLP_ID => data.id as isize,
        abi::GWLP_HINSTANCE => data.instance as isize,
        GWLP_HWNDPARENT => data.parent as isize,
        abi::GWL_STYLE => data.style as isize,
        abi::GWL_EXSTYLE => data.ex_style as isize,
        index => isize::from_ne_bytes(*extra_slot(&mut data.extra, index)?),
    })
}

/// SetWindowLongPtrW for every index but `GWLP_WNDPROC` (use [`set_window_proc`]); returns the
/// previous value. Allowed from any thread of the process, as on Windows. Errors as
/// [`get_window_long`]; `GWLP_WNDPROC` here gives `ERROR_INVALID_PARAMETER`.
#[doc(alias = "SetWindowLongPtrW")]
pub fn set_window_long(hwnd: usize, index: i32, value: isize) -> Result<isize> {
    let window = window(hwnd)?;
    let mut data = window.data();
    let old = match index {
        abi::GWLP_WNDPROC => return Err(WinError::INVALID_PARAMETER),
        abi::GWLP_USERDATA => std::mem::replace(&mut data.user_data, value),
        abi::GWLP_ID => std::mem::replace(&mut data.id, value as usize) as isize,
        abi::GWLP_HINSTANCE => std::mem::replace(&mut data.instance, value as usize) as isize,
        GWLP_HWNDPARENT => std::mem::replace(&mut data.parent, value as usize) as isize,
        abi::GWL_STYLE => std::mem::replace(&mut data.style, value as u32) as isize,
        abi::GWL_EXSTYLE => std::mem::replace(&mut data.ex_style, value as u32) as isize,
        index => {
            let slot = extra_slot(&mut data.extra, index)?;
            isize::from_ne_bytes(std::mem::replace(slot, value.to_ne_bytes()))
        }
    };
    Ok(old)
}

/// SetWindowLongPtrW(GWLP_WNDPROC): subclasses the window; returns the previous procedure's id.
#[doc(alias = "SetWindowLongPtrW")]
pub fn set_window_proc(hwnd: usize, procedure: Procedure) -> Result<isize> {
    let window = window(hwnd)?;
    let mut data = window.data();
    Ok(std::mem::replace(&mut data.procedure, procedure).id)
}

/// DefWindowProcW: WM_NCCREATE → TRUE; WM_CLOSE → DestroyWindow(hwnd), 0; everything else 0 (the
/// documented default for the messages a message-only window receives).
#[doc(alias = "DefWindowProcW")]
pub fn def_window_proc(hwnd: usize, message: u32, _wparam: usize, _lparam: isize) -> isize {
    match message {
        abi::WM_NCCREATE => 1,
        abi::WM_CLOSE => {
            let _ = destroy_window(hwnd);
            0
        }
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Posting, retrieving, dispatching
// ---------------------------------------------------------------------------------------------

/// PostMessageW / WPUPostMessage: appends to the queue of the thread owning `hwnd`, from any
/// thread, never blocking. `hwnd` NULL posts a thread message to the calling thread. Errors: a
/// dead or foreign handle → `ERROR_INVALID_WINDOW_HANDLE` (1400); queue full →
/// `ERROR_NOT_ENOUGH_QUOTA` (1816). Divergence: `HWND_BROADCAST` is not a window here (1400; there
/// are no top-level windows to broadcast to; test `window_is_message_only`).
#[doc(alias = "PostMessageW")]
#[doc(alias = "WPUPostMessage")]
pub fn post_message(hwnd: usize, msg: u32, wparam: usize, lparam: isize) -> Result<()> {
    let message = Message::new(hwnd, msg, wparam, lparam);
    if hwnd == 0 {
        return current_queue()?.post(message);
    }
    let target = window(hwnd)?;
    // The caller gets a queue too: it has called user32.
    let _ = current_queue();
    target.queue.post(message)
}

/// PostThreadMessageW: posts a thread message (hwnd NULL) to thread `tid`'s queue.
/// `ERROR_INVALID_THREAD_ID` (1444) if the thread is unknown, has exited, or has no message queue
/// yet (it has made no user32 call), as Microsoft documents.
#[doc(alias = "PostThreadMessageW")]
pub fn post_thread_message(tid: u32, msg: u32, wparam: usize, lparam: isize) -> Result<()> {
    let message = Message::new(0, msg, wparam, lparam);
    if tid == ws2_os::current_thread_id() {
        return current_queue()?.post(message);
    }
    let target = thread::by_tid(tid).ok_or(INVALID_THREAD_ID)?;
    let queue = target.messages.get().cloned().ok_or(INVALID_THREAD_ID)?;
    queue.post(message)
}

/// PostQuitMessage: sets the calling thread's quit flag; WM_QUIT (wParam = `code`) is retrieved
/// after the posted messages, once.
#[doc(alias = "PostQuitMessage")]
pub fn post_quit_message(code: i32) -> Result<()> {
    current_queue()?.post_quit(code);
    Ok(())
}

/// GetMessageW: blocks until a message matching `filter` is in the calling thread's queue and
/// removes it (WM_QUIT included: the C layer returns 0 for it). Non-alertable. Errors: a filter
/// window that is not a live window → `ERROR_INVALID_WINDOW_HANDLE` (GetMessage returns -1).
#[doc(alias = "GetMessageW")]
pub fn get_message(filter: &Filter) -> Result<Message> {
    filter.validate()?;
    let queue = current_queue()?;
    loop {
        if let Some(message) = queue.take(filter, true) {
            return Ok(message);
        }
        wait::wait(&Wait {
            objects: &[],
            wait_all: false,
            timeout: None,
            alertable: false,
            extra: Some(&MessageWaiter {
                queue: &queue,
                filter: *filter,
            }),
        })?;
    }
}

/// PeekMessageW: the first message matching `filter`, removed if `flags & PM_REMOVE`, without
/// blocking (PM_NOYIELD is accepted and ignored; a `PM_QS_*` high word without QS_POSTMESSAGE
/// excludes posted messages and WM_QUIT). Errors as [`get_message`].
#[doc(alias = "PeekMessageW")]
pub fn peek_message(filter: &Filter, flags: u32) -> Result<Option<Message>> {
    let filter = Filter {
        qs: flags >> 16,
        ..*filter
    };
    filter.validate()?;
    Ok(current_queue()?.take(&filter, flags & abi::PM_REMOVE != 0))
}

/// TranslateMessage: there is no keyboard, so no WM_CHAR is ever generated: returns false.
#[doc(alias = "TranslateMessage")]
pub fn translate_message(_message: &Message) -> bool {
    false
}

/// DispatchMessageW: calls the window procedure of `message.hwnd` on the calling thread and
/// returns its result; a thread message (hwnd NULL) returns 0. Errors: dead window (a stale
/// message) → `ERROR_INVALID_WINDOW_HANDLE`, nothing called; window of another thread →
/// `ERROR_NOT_SUPPORTED` (divergence: Windows calls the procedure on the calling thread).
#[doc(alias = "DispatchMessageW")]
pub fn dispatch_message(message: &Message) -> Result<isize> {
    if message.hwnd == 0 {
        return Ok(0);
    }
    let window = window(message.hwnd)?;
    if window.tid != ws2_os::current_thread_id() {
        return Err(NOT_SUPPORTED);
    }
    let proc_ = window.procedure();
    Ok(proc_(
        message.hwnd,
        message.message,
        message.wparam,
        message.lparam,
    ))
}

/// SendMessageW: on the owner thread, calls the window procedure directly and returns its
/// result. Errors: dead window → 1400; window of another thread → `ERROR_NOT_SUPPORTED` (50)
/// (divergence: cross-thread sent messages are not implemented).
#[doc(alias = "SendMessageW")]
pub fn send_message(hwnd: usize, msg: u32, wparam: usize, lparam: isize) -> Result<isize> {
    let window = window(hwnd)?;
    if window.tid != ws2_os::current_thread_id() {
        return Err(NOT_SUPPORTED);
    }
    let proc_ = window.procedure();
    Ok(proc_(hwnd, msg, wparam, lparam))
}

/// MsgWaitForMultipleObjectsEx: waits for the objects (wait-any, or wait-all with
/// `MWMO_WAITALL`), posted input of `wake_mask` (QS_POSTMESSAGE, QS_ALLPOSTMESSAGE or a mask that
/// includes them; other kinds of input never occur), APCs (`MWMO_ALERTABLE`) or the timeout.
///
/// Windows contract: `Object(i)` is WAIT_OBJECT_0 + i, `Extra` is WAIT_OBJECT_0 + count (input),
/// `IoCompletion` WAIT_IO_COMPLETION. A signalled object wins over input. Without
/// `MWMO_INPUTAVAILABLE` only input that arrived since the thread last called GetMessage,
/// PeekMessage or MsgWait counts; returning for input marks it as seen. With `MWMO_WAITALL` the
/// wait ends when every object is signalled and input is available at the same time
/// (WAIT_OBJECT_0). Errors: more than 63 handles → `ERROR_INVALID_PARAMETER`; a handle that is
/// not waitable → `ERROR_INVALID_HANDLE`; a duplicate in a wait-all → `ERROR_INVALID_PARAMETER`.
///
/// Emulation: the queue is the wait engine's extra source. Wait-all first waits for input (which
/// only this thread can consume, so it stays available), then for all objects atomically.
#[doc(alias = "MsgWaitForMultipleObjectsEx")]
pub fn msg_wait(
    handles: &[usize],
    timeout: Option<Duration>,
    wake_mask: u32,
    flags: u32,
) -> Result<WaitOutcome> {
    if handles.len() > wait::MAX_OBJECTS - 1 {
        return Err(WinError::INVALID_PARAMETER);
    }
    let waitables = handles
        .iter()
        .map(|&h| runtime().waitable(h).ok_or(WinError::INVALID_HANDLE))
        .collect::<Result<Vec<_>>>()?;
    let objects: Vec<&crate::signal::Signal> = waitables.iter().map(|w| w.signal()).collect();
    let wait_all = flags & abi::MWMO_WAITALL != 0;
    let alertable = flags & abi::MWMO_ALERTABLE != 0;
    if wait_all {
        for (i, a) in objects.iter().enumerate() {
            if objects[..i].iter().any(|b| std::ptr::eq(*a, *b)) {
                return Err(WinError::INVALID_PARAMETER);
            }
        }
    }
    let queue = current_queue()?;
    let waiter = InputWaiter {
        queue: &queue,
        mask: wake_mask,
        available: flags & abi::MWMO_INPUTAVAILABLE != 0,
    };
    let deadline = timeout.map(|t| Instant::now() + t);
    // A mask without posted-message bits is never satisfied by this queue.
    let extra = (wake_mask & QS_POSTED != 0).then_some(&waiter as &dyn WakeSource);
    let outcome = if wait_all {
        match wait::wait(&Wait {
            objects: &[],
            wait_all: false,
            timeout,
            alertable,
            extra,
        })? {
            WaitOutcome::Extra => wait::wait(&Wait {
                objects: &objects,
                wait_all: true,
                timeout: deadline.map(|d| d.saturating_duration_since(Instant::now())),
                alertable,
                extra: None,
            })?,
            other => other,
        }
    } else {
        wait::wait(&Wait {
            objects: &objects,
            wait_all: false,
            timeout,
            alertable,
            extra,
        })?
    };
    let input_consumed = matches!(outcome, WaitOutcome::Extra)
        || (wait_all && matches!(outcome, WaitOutcome::Object(_)));
    if input_consumed {
        let mut state = queue.lock();
        if wake_mask & abi::QS_POSTMESSAGE != 0 {
            state.new_post = false;
        }
        if wake_mask & abi::QS_ALLPOSTMESSAGE != 0 {
            state.new_allpost = false;
        }
    }
    Ok(outcome)
}

/// Thread exit: closes the thread's queue (later PostThreadMessage fails with 1444), drops its
/// messages and destroys its windows without sending messages (the thread can run no code).
pub(crate) fn thread_exited(thread: &ThreadObject) {
    let Some(queue) = thread.messages.get() else {
        return;
    };
    let hwnds = {
        let mut state = queue.lock();
        state.closed = true;
        state.posted.clear();
        state.quit = None;
        std::mem::take(&mut state.windows)
    };
    for hwnd in hwnds {
        if let Ok(window) = window(hwnd) {
            finish_destroy(hwnd, &window);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_fresh_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::spawn(f).join().unwrap()
    }

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn filters_select_by_window_and_range() {
        let f = Filter::new(0, 10, 20);
        assert!(f.in_range(10) && f.in_range(20) && !f.in_range(21) && !f.in_range(9));
        let wrap = Filter::new(0, 20, 10);
        assert!(wrap.in_range(5) && wrap.in_range(25) && !wrap.in_range(15));
        assert!(Filter::ALL.in_range(0) && Filter::ALL.in_range(u32::MAX));
        let threads = Filter::new(THREAD_MESSAGES_ONLY, 0, 0);
        assert!(threads.matches_hwnd(0) && !threads.matches_hwnd(0x4000_0004));
        let one = Filter::new(0x4000_0004, 0, 0);
        assert!(one.matches_hwnd(0x4000_0004) && !one.matches_hwnd(0));
    }

    #[test]
    fn class_names_fold_case() {
        assert_eq!(fold(&wide("MyClass_é")), fold(&wide("MYCLASS_É")));
        assert_ne!(fold(&wide("a")), fold(&wide("b")));
    }

    #[test]
    fn message_time_and_point() {
        on_fresh_thread(|| {
            post_message(0, abi::WM_USER, 0, 0).unwrap();
            post_message(0, abi::WM_USER + 1, 0, 0).unwrap();
            let a = get_message(&Filter::ALL).unwrap();
            let b = get_message(&Filter::ALL).unwrap();
            assert!(b.time >= a.time, "time stamps never go back");
            assert_eq!((a.pt, b.pt), ((0, 0), (0, 0)), "no cursor");
        });
    }
}
