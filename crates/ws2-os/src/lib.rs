//! The OS layer: the only code in ws2emu that makes system calls.
//!
//! Everything above it (the object model, the catalog, the upcalls) is safe Rust built on three
//! primitives:
//! - [`Notifier`]: a wake-up hint any thread can raise, slept on through a futex word (one
//!   notifier) or polled through its descriptor by registered pollers (eventfd, with a
//!   pipe as the fallback where eventfd is unavailable);
//! - [`PollSet`]: waiting until any of a set of descriptors is readable or a deadline passes;
//! - [`current_thread_id`]: the kernel id of the calling thread;
//! - [`is_open_descriptor`], [`open_descriptor_count`]: descriptor checks (IFS handles, leak tests);
//! - [`SharedLibrary`]: dlopen of absolute paths, symbols of the library itself (the loader);
//! - [`wsa_error_from_errno`]: the one errno → Winsock error table;
//! - [`resolver`]: name resolution through the C library (hosts, services, protocols);
//! - [`read_file`], [`replace_file_atomically`], [`FileLock`]: crash-safe files (the catalog);
//! - [`check_trusted`]: whether only its owner and root can change a file (catalog files and
//!   provider libraries; [`INSECURE_ENV`] relaxes it).

mod descriptor;
mod errno;
mod file;
mod library;
mod notifier;
mod poll;
pub mod resolver;
mod thread;
mod trust;

pub use descriptor::{is_open_descriptor, open_descriptor_count};
pub use errno::{last_errno, last_wsa_error, wsa, wsa_error_from_errno};
pub use file::{read_file, replace_file_atomically, temporary_path, FileLock};
pub use library::{is_mapped, object_path_of, OpenError, SharedLibrary};
pub use notifier::{Notifier, PollRegistration};
pub use poll::{PollSet, Readiness};
pub use thread::current_thread_id;
pub use trust::{check_trusted, insecure_allowed, Untrusted, INSECURE_ENV};
