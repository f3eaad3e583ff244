//! Windows Sockets 2 ABI definitions for ws2emu.
//!
//! Rust declarations of the Windows types, constants, structures and function-pointer types that
//! the Winsock 2 service-provider interface (SPI) and the client API use: the `WSPPROC_TABLE` a
//! provider fills in, the `WSPUPCALLTABLE` of `WPU*` upcalls ws2_32 gives it, the catalog's
//! `WSAPROTOCOL_INFOW`, and the kernel32/user32 pieces (overlapped I/O, events, APCs, window
//! messages) those interfaces mention. The crate has no logic; the only functions are `const fn`
//! versions of SDK macros (`MAKEWORD`, `LOWORD`, `WSAMAKESELECTREPLY`, ...).
//!
//! # Layout rule
//!
//! Everything has the **Windows x64 (LLP64) layout**, whatever the host: `DWORD`, `LONG`,
//! `ULONG`, `BOOL` and `u_long` are 32-bit, `WCHAR` is `u16`, pointers, handles, `SOCKET` and the
//! `*_PTR` types are 64-bit. Structures are `#[repr(C)]` with the SDK's member order and names
//! (Windows spelling throughout); C anonymous unions are flattened to the member the SDK's users
//! use, which covers the same bytes (documented on each struct). Handles are `*mut c_void`;
//! function pointers are `Option<unsafe extern "system" fn(..)>` so that NULL is `None`.
//! Constants carry the signedness of their C definition (`SOCKET_ERROR` is `i32` -1,
//! `WSA_INFINITE` is `u32` 0xFFFFFFFF, `INVALID_SOCKET` is `SOCKET` `!0`); array lengths are
//! `usize`.
//!
//! # Verification
//!
//! `tests/abi/manifest.txt` lists every type, struct field and constant that must exist at this
//! crate's root, and `tests/abi/golden-x86_64-mingw.txt` holds their sizes, alignments, offsets
//! and values measured with the mingw-w64 cross compiler. The `ws2emu-abi-check` crate compares
//! this crate (and the C shim headers) against the golden file; each module also unit-tests the
//! facts the SPI specification calls out.
//!
//! # Modules
//!
//! Items are grouped by the SDK header family they come from and all re-exported at the root:
//! [`types`] (base typedefs, handles, `GUID`), [`errors`] (`ERROR_*`, `WSAE*`), [`win32`]
//! (kernel32/user32), [`winsock`] (winsock2.h, ws2def.h, ws2ipdef.h, ws2tcpip.h, qos.h), [`spi`]
//! (ws2spi.h) and [`mswsock`] (mswsock.h, mstcpip.h).

#![no_std]
#![allow(
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    clippy::upper_case_acronyms
)]

pub mod errors;
pub mod ext;
pub mod mswsock;
pub mod spi;
pub mod types;
pub mod win32;
pub mod winsock;

pub use errors::*;
pub use ext::*;
pub use mswsock::*;
pub use spi::*;
pub use types::*;
pub use win32::*;
pub use winsock::*;
