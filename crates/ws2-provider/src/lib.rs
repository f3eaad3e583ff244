//! The provider kit: write a Windows Sockets 2 service provider in Rust.
//!
//! On Windows a provider is a DLL exporting `WSPStartup`, which negotiates the SPI version,
//! fills `WSPDATA` and a 30-slot `WSPPROC_TABLE`, and keeps the `WSPUPCALLTABLE` ws2_32 gives
//! it. On ws2emu it is a Linux shared library doing the same. This crate writes all of that C
//! boundary for you; a provider is a type implementing [`Provider`] and one macro call.
//!
//! # Writing a provider
//!
//! 1. A `cdylib` crate depending on `ws2-provider` and `ws2-abi`:
//!    ```toml
//!    [lib]
//!    crate-type = ["cdylib", "rlib"]
//!    ```
//! 2. A type implementing [`Provider`]: [`Provider::start`] builds it on the first
//!    `WSPStartup` (keep the [`Upcalls`] it receives), [`Provider::cleanup`] runs on the last
//!    `WSPCleanup`, and each slot you support is one method with Rust arguments — sockets as
//!    `SOCKET`, results as [`WsaResult`], addresses as the caller's sockaddr bytes (convert with
//!    [`addr::from_windows`]), WSABUF arrays as `IoSlice`/`IoSliceMut`, out-addresses as
//!    [`AddrOut`]; overlapped structures and completion routines stay raw in [`Overlapped`].
//!    Slots you leave out fail with the documented "not supported" error.
//! 3. Register every socket before returning it: a non-IFS provider mints handles with
//!    [`Upcalls::create_socket_handle`] (context = your key for the socket, read back with
//!    [`Upcalls::query_socket_handle_context`]; release with
//!    [`Upcalls::close_socket_handle`] in `close_socket`) and must not set `XP1_IFS_HANDLES`
//!    in its catalog entries; an IFS provider registers its own descriptors with
//!    [`Upcalls::modify_ifs_handle`].
//! 4. `ws2_provider::export_provider!(MyProvider);` at the crate root exports `WSPStartup`.
//!    Link the library with `-z nodelete` (a `build.rs` printing
//!    `cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete`): the Rust standard library inside it
//!    leaves thread-exit destructors on application threads, so a layered provider that frees
//!    it (FreeLibrary, as Windows LSPs do) must not unmap it.
//! 5. Install the library in the catalog (`ws2emu catalog`, `WSCInstallProvider`) with an
//!    absolute path; `socket()`/`WSASocketW` then reach it.
//!
//! ```ignore
//! use ws2_provider::{export_provider, Provider, Startup, Upcalls, WsaResult};
//!
//! struct Hello { upcalls: Upcalls }
//!
//! impl Provider for Hello {
//!     const DESCRIPTION: &'static str = "hello provider";
//!     fn start(startup: &Startup<'_>) -> WsaResult<Self> {
//!         Ok(Hello { upcalls: startup.upcalls.clone() })
//!     }
//!     // fn socket(...), fn close_socket(...), fn send(...), ...
//! }
//!
//! export_provider!(Hello);
//! ```
//!
//! crates/ws2-sample-provider is a complete non-IFS TCP provider written this way.
//!
//! # What the kit guarantees at the boundary
//!
//! - `WSPStartup` (spec §4.1): the error code itself as the result — `WSAEFAULT` for NULL
//!   `lpWSPData`/`lpProcTable`, `WSAVERNOTSUPPORTED` below 2.0; else `wVersion` =
//!   min(requested, 2.2), `wHighVersion` = 2.2, your description, all 30 slots. The upcall
//!   table is copied (never the caller's pointer) and the latest one wins; starts are counted
//!   and only the last `WSPCleanup` runs [`Provider::cleanup`]. A `WSPCleanup` without a start
//!   is `WSANOTINITIALISED`, and so is any slot called while not started.
//! - Every slot: NULL pointers are checked (`WSAEFAULT` where the call needs one), a NULL
//!   `lpErrno` is never written, out-parameters are written only on `Ok`, and a panic is
//!   caught and reported as `WSASYSCALLFAILURE` — it never unwinds into C. An `Err(WsaError(0))`
//!   is reported as `WSASYSCALLFAILURE` too.
//! - No lock of the kit is held while your code runs: methods may call upcalls, which may
//!   re-enter the provider.
//!
//! # Modules
//! [`error`] ([`WsaError`]), [`addr`] (Windows sockaddr ⇄ `SocketAddr`), [`upcalls`]
//! ([`Upcalls`]), [`provider`] (the trait), [`args`] (argument types), [`export`] (the
//! trampolines, [`export::negotiate`], the per-type [`export::State`]). `unsafe` lives in
//! `args`, `upcalls` and `export` only.

pub mod addr;
pub mod args;
pub mod error;
pub mod export;
pub mod provider;
pub mod upcalls;

pub use args::{AddrOut, IoctlBuffers, Overlapped};
pub use error::{WsaError, WsaResult};
pub use export::{instance, negotiate, upcalls as current_upcalls, Export, State};
pub use provider::{Provider, Startup};
pub use upcalls::Upcalls;
/// The ABI crate the macro's expansion names.
pub use ws2_abi as abi;

/// Exports `WSPStartup` for a [`Provider`] type: `export_provider!(MyProvider);` at the root
/// of a cdylib expands to the process-wide state of `MyProvider` and
///
/// ```ignore
/// #[no_mangle]
/// pub unsafe extern "system" fn WSPStartup(
///     wVersionRequested: WORD, lpWSPData: LPWSPDATA, lpProtocolInfo: LPWSAPROTOCOL_INFOW,
///     UpcallTable: WSPUPCALLTABLE, lpProcTable: LPWSPPROC_TABLE) -> INT
/// ```
///
/// which runs [`export::startup`]. `export_provider!(MyProvider, my_startup);` defines the same
/// function under the name `my_startup`, not exported (tests; several providers in one
/// binary). The type must be defined in the crate invoking the macro.
#[macro_export]
macro_rules! export_provider {
    ($provider:ty) => {
        $crate::export_provider!(@state $provider);

        /// The provider's entry point, exported by `ws2_provider::export_provider!`.
        ///
        /// # Safety
        /// `lpWSPData` and `lpProcTable` are NULL or writable for their structures;
        /// `lpProtocolInfo` is NULL or readable.
        #[no_mangle]
        #[allow(unsafe_code, non_snake_case)]
        pub unsafe extern "system" fn WSPStartup(
            wVersionRequested: $crate::abi::WORD,
            lpWSPData: $crate::abi::LPWSPDATA,
            lpProtocolInfo: $crate::abi::LPWSAPROTOCOL_INFOW,
            UpcallTable: $crate::abi::WSPUPCALLTABLE,
            lpProcTable: $crate::abi::LPWSPPROC_TABLE,
        ) -> $crate::abi::INT {
            // SAFETY: forwarded caller contract (above).
            unsafe {
                $crate::export::startup::<$provider>(
                    wVersionRequested,
                    lpWSPData,
                    lpProtocolInfo,
                    UpcallTable,
                    lpProcTable,
                )
            }
        }
    };
    ($provider:ty, $name:ident) => {
        $crate::export_provider!(@state $provider);

        /// A `WSPStartup` for the provider, defined by `ws2_provider::export_provider!`.
        ///
        /// # Safety
        /// As `WSPStartup`.
        #[allow(unsafe_code, non_snake_case, dead_code)]
        pub unsafe extern "system" fn $name(
            wVersionRequested: $crate::abi::WORD,
            lpWSPData: $crate::abi::LPWSPDATA,
            lpProtocolInfo: $crate::abi::LPWSAPROTOCOL_INFOW,
            UpcallTable: $crate::abi::WSPUPCALLTABLE,
            lpProcTable: $crate::abi::LPWSPPROC_TABLE,
        ) -> $crate::abi::INT {
            // SAFETY: forwarded caller contract (above).
            unsafe {
                $crate::export::startup::<$provider>(
                    wVersionRequested,
                    lpWSPData,
                    lpProtocolInfo,
                    UpcallTable,
                    lpProcTable,
                )
            }
        }
    };
    (@state $provider:ty) => {
        const _: () = {
            static STATE: $crate::State<$provider> = $crate::State::new();
            impl $crate::Export for $provider {
                fn state() -> &'static $crate::State<Self> {
                    &STATE
                }
            }
        };
    };
}
