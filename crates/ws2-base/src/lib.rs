//! ws2emu's built-in base provider: the counterpart of Windows' MSAFD.
//!
//! An IFS base provider (`XP1_IFS_HANDLES`) for TCP and UDP over IPv4 and IPv6, serving the
//! default catalog entries 1001 (TCP/IP), 1002 (UDP/IP), 1004 (TCP/IPv6) and 1005 (UDP/IPv6).
//! It is its own shared library, `libws2_base.so`, exporting only `WSPStartup` (and the ws2emu
//! extensions `ws2emu_attach_host` and `ws2emu_cancel_io`), and is loaded
//! like any other provider: it talks to ws2_32 only through the upcall table it receives and the
//! ws2emu host table (it does not link ws2-core or ws2-capi); when started without a host table,
//! as a layered provider starts it, it sets the thread's last error through the process's
//! exported `WSASetLastError` ([`host::set_last_error`]). Its socket handles are its Linux descriptors, each
//! registered with `WPUModifyIFSHandle` under the catalog entry's id.
//!
//! # Layout
//! - [`spi`]: the C boundary — `WSPStartup` and the 30 `WSPPROC_TABLE` slot functions
//!   (pointer checks, panic boundary, `*lpErrno`); `unsafe` lives here and in [`sys`] only.
//! - [`sys`]: the provider's syscalls (socket, connect, sendmsg, recvmsg, poll, ...).
//! - [`socket`]: Windows socket semantics on non-blocking Linux sockets (blocking emulation,
//!   connect state, shutdown, select) and the handle table.
//! - [`options`]: socket options, Windows numbers and layouts ⇄ Linux.
//! - [`addr`]: sockaddr layouts (Windows `AF_INET6` = 23 ⇄ Linux 10) and address strings.
//! - [`provider`]: WSPStartup/WSPCleanup reference count and the upcall table.
//! - errno → WSA: `ws2_os::wsa_error_from_errno` (crates/ws2-os/src/errno.rs).
//!
//! - [`reactor`]: one epoll thread for every socket with a selection or pending request.
//! - [`events`]: WSPAsyncSelect/WSPEventSelect/WSPEnumNetworkEvents (recording, re-enabling).
//! - [`overlapped`]: overlapped requests, AcceptEx/ConnectEx; [`host`]: completion delivery
//!   (WPUQueueApc for routines, the ws2emu host's `lpCompleteIo` otherwise) and the upcalls.
//!
//! # Unsupported
//! `WSPJoinLeaf` → `WSAEOPNOTSUPP`, `WSPGetQOSByName` → `WSAEINVAL`, `WSPCancelBlockingCall` →
//! `WSAEOPNOTSUPP`; TransmitFile/TransmitPackets are not offered (their GUIDs are `WSAEINVAL`).
//!
//! # Known divergences from Windows (each shown by a test in tests/base_divergences.rs)
//! - Conditional accept: Linux completes the TCP handshake before the condition function runs,
//!   so `CF_REJECT` resets an established connection (the peer sees its connect succeed, then a
//!   reset) and `CF_DEFER` keeps the established connection in the provider for the next
//!   accept. This is Windows' behaviour with `SO_CONDITIONAL_ACCEPT` FALSE (the default);
//!   setting that option is `WSAENOPROTOOPT`.
//! - `FIONREAD` on a UDP socket reports the size of the next datagram (Linux), where Windows
//!   reports all queued bytes.
//! - `SO_REUSEADDR` maps to Linux `SO_REUSEADDR` + `SO_REUSEPORT`: binding over another socket
//!   works only if that socket set it too (Windows needs only the second socket to set it).
//! - Without `SO_REUSEADDR`, binding to a port held by a connection in TIME_WAIT fails with
//!   `WSAEADDRINUSE` (Windows allows it).
//! - Linux delivers ICMP errors only to connected UDP sockets: an unconnected UDP socket never
//!   sees the `WSAECONNRESET` Windows reports after a port-unreachable.
//! - `SO_RCVBUF`/`SO_SNDBUF` are applied by Linux (which doubles them); get reports the value
//!   set, else Linux's.
//! - WSPDuplicateSocket works within the process only (another process id: `WSAEINVAL`;
//!   tests/base_overlapped.rs `duplicated_sockets_share_the_connection`).
//! - A completion routine on a socket associated with a completion port is not refused
//!   (Windows: `WSAEINVAL`): the association lives in ws2_32, which the provider cannot ask.
//! - Overlapped receives with `MSG_WAITALL` are `WSAEOPNOTSUPP`.

pub mod addr;
pub mod events;
pub mod host;
pub mod options;
pub mod overlapped;
pub mod provider;
pub mod reactor;
pub mod socket;
pub mod spi;
pub mod sys;

pub use spi::WSPStartup;
