//! The [`Provider`] trait: one method per `WSPPROC_TABLE` slot, Rust-typed.
//!
//! Every method but [`Provider::start`] has a default that fails the way Microsoft documents
//! for a provider without that feature: `WSAEOPNOTSUPP` ("the attempted operation is not
//! supported for the type of object referenced"), except `get_sock_opt`/`set_sock_opt`
//! (`WSAENOPROTOOPT`: "the option is unknown or unsupported"), `get_qos_by_name` (`WSAEINVAL`:
//! no QOS template names exist) and `cleanup` (nothing to release). The kit has already checked
//! the pointers a method's arguments come from (`WSAEFAULT` for NULL where the call needs
//! one) and writes out-parameters only when a method returns `Ok`.
#![forbid(unsafe_code)]

use crate::args::{AddrOut, IoctlBuffers, Overlapped};
use crate::upcalls::Upcalls;
use crate::{WsaError, WsaResult};
use std::io::{IoSlice, IoSliceMut};
use std::time::Duration;
use ws2_abi::{
    GROUP, HWND, LPCONDITIONPROC, LPQOS, LPWSABUF, LPWSAOVERLAPPED, SOCKET, WSAEVENT,
    WSANETWORKEVENTS, WSAPROTOCOL_INFOW,
};

const NOT_SUPPORTED: WsaError = WsaError::WSAEOPNOTSUPP;

/// What `WSPStartup` was called with, after the kit negotiated the version.
#[derive(Debug)]
pub struct Startup<'a> {
    /// The negotiated version (`MAKEWORD(2, x)`).
    pub version: u16,
    /// The catalog entry being started (`None` if ws2_32 passed NULL).
    pub protocol_info: Option<&'a WSAPROTOCOL_INFOW>,
    /// The upcalls; this handle always calls the most recently supplied table.
    pub upcalls: Upcalls,
}

/// A Winsock service provider written in Rust. Implement it, then export it with
/// [`export_provider!`](crate::export_provider).
///
/// One instance lives from the first `WSPStartup` to the matching last `WSPCleanup` (then
/// [`cleanup`](Self::cleanup) runs and it is dropped); methods are called from any thread,
/// concurrently, and may be re-entered through upcalls, so the kit holds no lock while they
/// run. Sockets are the handles the provider registered (`Upcalls::create_socket_handle` for a
/// non-IFS provider, `Upcalls::modify_ifs_handle` for an IFS one) — every socket it returns
/// from `socket`, `accept` or `join_leaf` must be registered first.
#[allow(unused_variables)]
pub trait Provider: Send + Sync + 'static {
    /// `WSPDATA::szDescription` (at most 255 UTF-16 units are kept).
    const DESCRIPTION: &'static str;

    /// The first `WSPStartup` (or the first after the last `WSPCleanup`): build the instance.
    /// An error fails that `WSPStartup` with its code (e.g. `WSASYSNOTREADY`).
    fn start(startup: &Startup<'_>) -> WsaResult<Self>
    where
        Self: Sized;

    /// The last `WSPCleanup`: release what the provider holds (open sockets included).
    fn cleanup(&self) {}

    /// `WSPAccept`. `addr` is optional (checked by the provider before accepting, see
    /// [`AddrOut::check`]); `condition`/`callback_data` are `WSAAccept`'s condition function.
    #[doc(alias = "WSPAccept")]
    fn accept(
        &self,
        s: SOCKET,
        addr: AddrOut<'_>,
        condition: LPCONDITIONPROC,
        callback_data: usize,
    ) -> WsaResult<SOCKET> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPAddressToString`: the text without a terminator (the kit writes it, or the size
    /// needed with `WSAEFAULT`).
    #[doc(alias = "WSPAddressToString")]
    fn address_to_string(
        &self,
        addr: &[u8],
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WsaResult<Vec<u16>> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPAsyncSelect`.
    #[doc(alias = "WSPAsyncSelect")]
    fn async_select(&self, s: SOCKET, hwnd: HWND, msg: u32, events: i32) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPBind` with the caller's `namelen` bytes.
    #[doc(alias = "WSPBind")]
    fn bind(&self, s: SOCKET, addr: &[u8]) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPCancelBlockingCall` (Winsock 1.1 blocking hooks).
    #[doc(alias = "WSPCancelBlockingCall")]
    fn cancel_blocking_call(&self) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPCloseSocket`. A non-IFS provider calls `Upcalls::close_socket_handle` here.
    #[doc(alias = "WSPCloseSocket")]
    fn close_socket(&self, s: SOCKET) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPConnect` with the caller's `namelen` bytes; connect data and QOS stay raw.
    #[doc(alias = "WSPConnect")]
    fn connect(
        &self,
        s: SOCKET,
        addr: &[u8],
        caller_data: LPWSABUF,
        callee_data: LPWSABUF,
        sqos: LPQOS,
        gqos: LPQOS,
    ) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPDuplicateSocket`: fill `info` for process `process_id`.
    #[doc(alias = "WSPDuplicateSocket")]
    fn duplicate_socket(
        &self,
        s: SOCKET,
        process_id: u32,
        info: &mut WSAPROTOCOL_INFOW,
    ) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPEnumNetworkEvents`: the recorded events (the kit writes them).
    #[doc(alias = "WSPEnumNetworkEvents")]
    fn enum_network_events(&self, s: SOCKET, event: WSAEVENT) -> WsaResult<WSANETWORKEVENTS> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPEventSelect`.
    #[doc(alias = "WSPEventSelect")]
    fn event_select(&self, s: SOCKET, event: WSAEVENT, events: i32) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPGetOverlappedResult`: `(bytes, flags)` of a completed request (spec §6.3); the
    /// overlapped structure is the caller's (non-NULL).
    #[doc(alias = "WSPGetOverlappedResult")]
    fn get_overlapped_result(
        &self,
        s: SOCKET,
        overlapped: LPWSAOVERLAPPED,
        wait: bool,
    ) -> WsaResult<(u32, u32)> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPGetPeerName`.
    #[doc(alias = "WSPGetPeerName")]
    fn get_peer_name(&self, s: SOCKET, name: AddrOut<'_>) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPGetSockName`.
    #[doc(alias = "WSPGetSockName")]
    fn get_sock_name(&self, s: SOCKET, name: AddrOut<'_>) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPGetSockOpt`: fill `value` (the caller's `*optlen` bytes); return the length used.
    #[doc(alias = "WSPGetSockOpt")]
    fn get_sock_opt(&self, s: SOCKET, level: i32, name: i32, value: &mut [u8]) -> WsaResult<usize> {
        Err(WsaError::WSAENOPROTOOPT)
    }

    /// `WSPGetQOSByName`: `WSAEINVAL` by default (no QOS templates).
    #[doc(alias = "WSPGetQOSByName")]
    fn get_qos_by_name(&self, s: SOCKET, name: LPWSABUF, qos: LPQOS) -> WsaResult<()> {
        Err(WsaError::WSAEINVAL)
    }

    /// `WSPIoctl`: return the value for `*lpcbBytesReturned`.
    #[doc(alias = "WSPIoctl")]
    fn ioctl(
        &self,
        s: SOCKET,
        code: u32,
        buffers: IoctlBuffers<'_>,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPJoinLeaf`.
    #[doc(alias = "WSPJoinLeaf")]
    #[allow(clippy::too_many_arguments)]
    fn join_leaf(
        &self,
        s: SOCKET,
        addr: &[u8],
        caller_data: LPWSABUF,
        callee_data: LPWSABUF,
        sqos: LPQOS,
        gqos: LPQOS,
        flags: u32,
    ) -> WsaResult<SOCKET> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPListen`.
    #[doc(alias = "WSPListen")]
    fn listen(&self, s: SOCKET, backlog: i32) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPRecv`: the WSABUF array as slices; `flags` is in/out; returns the byte count. An
    /// overlapped request that is still running returns `Err(WSA_IO_PENDING)`.
    #[doc(alias = "WSPRecv")]
    fn recv(
        &self,
        s: SOCKET,
        buffers: &mut [IoSliceMut<'_>],
        flags: &mut u32,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPRecvDisconnect`.
    #[doc(alias = "WSPRecvDisconnect")]
    fn recv_disconnect(&self, s: SOCKET, data: LPWSABUF) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPRecvFrom`: as `recv`, plus the optional source address.
    #[doc(alias = "WSPRecvFrom")]
    fn recv_from(
        &self,
        s: SOCKET,
        buffers: &mut [IoSliceMut<'_>],
        flags: &mut u32,
        from: AddrOut<'_>,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPSelect`: each set as the handles it holds (`None` for NULL); keep the ready ones
    /// (the kit writes the sets back) and return their total. `timeout` `None` waits forever.
    #[doc(alias = "WSPSelect")]
    fn select(
        &self,
        read: Option<&mut Vec<SOCKET>>,
        write: Option<&mut Vec<SOCKET>>,
        except: Option<&mut Vec<SOCKET>>,
        timeout: Option<Duration>,
    ) -> WsaResult<usize> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPSend`: returns the byte count.
    #[doc(alias = "WSPSend")]
    fn send(
        &self,
        s: SOCKET,
        buffers: &[IoSlice<'_>],
        flags: u32,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPSendDisconnect`.
    #[doc(alias = "WSPSendDisconnect")]
    fn send_disconnect(&self, s: SOCKET, data: LPWSABUF) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPSendTo`: `to` is `None` when the caller passed NULL (connected sockets).
    #[doc(alias = "WSPSendTo")]
    fn send_to(
        &self,
        s: SOCKET,
        buffers: &[IoSlice<'_>],
        flags: u32,
        to: Option<&[u8]>,
        overlapped: Overlapped,
    ) -> WsaResult<usize> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPSetSockOpt` with the caller's `optlen` bytes.
    #[doc(alias = "WSPSetSockOpt")]
    fn set_sock_opt(&self, s: SOCKET, level: i32, name: i32, value: &[u8]) -> WsaResult<()> {
        Err(WsaError::WSAENOPROTOOPT)
    }

    /// `WSPShutdown`.
    #[doc(alias = "WSPShutdown")]
    fn shutdown(&self, s: SOCKET, how: i32) -> WsaResult<()> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPSocket` for catalog entry `info` (`af`/`kind`/`protocol` already resolved from
    /// `FROM_PROTOCOL_INFO` by ws2_32). Register the new handle before returning it.
    #[doc(alias = "WSPSocket")]
    fn socket(
        &self,
        af: i32,
        kind: i32,
        protocol: i32,
        info: &WSAPROTOCOL_INFOW,
        group: GROUP,
        flags: u32,
    ) -> WsaResult<SOCKET> {
        Err(NOT_SUPPORTED)
    }

    /// `WSPStringToAddress`: the text without its terminator; return the sockaddr bytes (the
    /// kit writes them, or the size needed with `WSAEFAULT`).
    #[doc(alias = "WSPStringToAddress")]
    fn string_to_address(
        &self,
        text: &[u16],
        family: i32,
        info: Option<&WSAPROTOCOL_INFOW>,
    ) -> WsaResult<Vec<u8>> {
        Err(NOT_SUPPORTED)
    }
}
