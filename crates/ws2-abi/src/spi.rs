//! The service-provider interface (ws2spi.h): `WSPDATA`, `WSATHREADID`, the provider's
//! `WSPPROC_TABLE` (30 slots), the `WSPUPCALLTABLE` of upcalls ws2_32 hands to providers
//! (15 slots), every slot's function-pointer type and the `WSPStartup` entry point type.
//!
//! Slot order is normative (spec §3.1–3.2): `WSPPROC_TABLE` is alphabetical except that
//! `lpWSPGetSockOpt` precedes `lpWSPGetQOSByName`; `WSPUPCALLTABLE` is alphabetical for slots
//! 0–12 followed by the two thread functions, and `WPUCompleteOverlappedRequest` has no slot.
//!
//! Every function-pointer type is an `Option` so that a NULL slot is representable; all use the
//! `WSPAPI` convention, spelled `extern "system"`.

use crate::types::*;
use crate::winsock::*;

pub const WSPDESCRIPTION_LEN: usize = 255;

/// `Internal` of an overlapped request a provider has started but not completed (ws2spi.h;
/// numerically `STATUS_PENDING`). A `long` in C; `ULONG_PTR` here, the type of
/// `OVERLAPPED::Internal` it is stored in.
pub const WSS_OPERATION_IN_PROGRESS: ULONG_PTR = 0x00000103;

// Layered service provider categories (ws2spi.h), DWORD.
pub const LSP_SYSTEM: u32 = 0x80000000;
pub const LSP_INSPECTOR: u32 = 0x00000001;
pub const LSP_REDIRECTOR: u32 = 0x00000002;
pub const LSP_PROXY: u32 = 0x00000004;
pub const LSP_FIREWALL: u32 = 0x00000008;
pub const LSP_INBOUND_MODIFY: u32 = 0x00000010;
pub const LSP_OUTBOUND_MODIFY: u32 = 0x00000020;
pub const LSP_CRYPTO_COMPRESS: u32 = 0x00000040;
pub const LSP_LOCAL_CACHE: u32 = 0x00000080;

// WSC_PROVIDER_INFO_TYPE (ws2spi.h, an enum): the information classes of
// WSCGetProviderInfo/WSCSetProviderInfo.
pub type WSC_PROVIDER_INFO_TYPE = i32;
pub const ProviderInfoLspCategories: WSC_PROVIDER_INFO_TYPE = 0;
pub const ProviderInfoAudit: WSC_PROVIDER_INFO_TYPE = 1;

/// What a provider reports from `WSPStartup` (ws2spi.h); 516 bytes, 2-aligned.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSPDATA {
    pub wVersion: WORD,
    pub wHighVersion: WORD,
    pub szDescription: [WCHAR; WSPDESCRIPTION_LEN + 1],
}

pub type LPWSPDATA = *mut WSPDATA;

/// Identifies the thread that issued an overlapped request, for `WPUQueueApc` (ws2spi.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSATHREADID {
    pub ThreadHandle: HANDLE,
    pub Reserved: DWORD_PTR,
}

pub type LPWSATHREADID = *mut WSATHREADID;

// ---------------------------------------------------------------------------------------------
// Callbacks
// ---------------------------------------------------------------------------------------------

/// Blocking hook returned by `WPUQueryBlockingCallback` (ws2spi.h).
pub type LPBLOCKINGCALLBACK = Option<unsafe extern "system" fn(dwContext: DWORD_PTR) -> BOOL>;
/// APC routine queued by `WPUQueueApc` (ws2spi.h).
pub type LPWSAUSERAPC = Option<unsafe extern "system" fn(dwContext: DWORD_PTR)>;

// ---------------------------------------------------------------------------------------------
// WSPPROC_TABLE slot types, in slot order
// ---------------------------------------------------------------------------------------------

pub type LPWSPACCEPT = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        addr: *mut SOCKADDR,
        addrlen: LPINT,
        lpfnCondition: LPCONDITIONPROC,
        dwCallbackData: DWORD_PTR,
        lpErrno: LPINT,
    ) -> SOCKET,
>;
pub type LPWSPADDRESSTOSTRING = Option<
    unsafe extern "system" fn(
        lpsaAddress: LPSOCKADDR,
        dwAddressLength: DWORD,
        lpProtocolInfo: LPWSAPROTOCOL_INFOW,
        lpszAddressString: LPWSTR,
        lpdwAddressStringLength: LPDWORD,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPASYNCSELECT = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        hWnd: HWND,
        wMsg: UINT,
        lEvent: LONG,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPBIND = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        name: *const SOCKADDR,
        namelen: INT,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPCANCELBLOCKINGCALL = Option<unsafe extern "system" fn(lpErrno: LPINT) -> INT>;
pub type LPWSPCLEANUP = Option<unsafe extern "system" fn(lpErrno: LPINT) -> INT>;
pub type LPWSPCLOSESOCKET = Option<unsafe extern "system" fn(s: SOCKET, lpErrno: LPINT) -> INT>;
pub type LPWSPCONNECT = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        name: *const SOCKADDR,
        namelen: INT,
        lpCallerData: LPWSABUF,
        lpCalleeData: LPWSABUF,
        lpSQOS: LPQOS,
        lpGQOS: LPQOS,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPDUPLICATESOCKET = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        dwProcessId: DWORD,
        lpProtocolInfo: LPWSAPROTOCOL_INFOW,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPENUMNETWORKEVENTS = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        hEventObject: WSAEVENT,
        lpNetworkEvents: LPWSANETWORKEVENTS,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPEVENTSELECT = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        hEventObject: WSAEVENT,
        lNetworkEvents: LONG,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPGETOVERLAPPEDRESULT = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpOverlapped: LPWSAOVERLAPPED,
        lpcbTransfer: LPDWORD,
        fWait: BOOL,
        lpdwFlags: LPDWORD,
        lpErrno: LPINT,
    ) -> BOOL,
>;
pub type LPWSPGETPEERNAME = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        name: *mut SOCKADDR,
        namelen: LPINT,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPGETSOCKNAME = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        name: *mut SOCKADDR,
        namelen: LPINT,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPGETSOCKOPT = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        level: INT,
        optname: INT,
        optval: *mut CHAR,
        optlen: LPINT,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPGETQOSBYNAME = Option<
    unsafe extern "system" fn(s: SOCKET, lpQOSName: LPWSABUF, lpQOS: LPQOS, lpErrno: LPINT) -> BOOL,
>;
pub type LPWSPIOCTL = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        dwIoControlCode: DWORD,
        lpvInBuffer: LPVOID,
        cbInBuffer: DWORD,
        lpvOutBuffer: LPVOID,
        cbOutBuffer: DWORD,
        lpcbBytesReturned: LPDWORD,
        lpOverlapped: LPWSAOVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        lpThreadId: LPWSATHREADID,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPJOINLEAF = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        name: *const SOCKADDR,
        namelen: INT,
        lpCallerData: LPWSABUF,
        lpCalleeData: LPWSABUF,
        lpSQOS: LPQOS,
        lpGQOS: LPQOS,
        dwFlags: DWORD,
        lpErrno: LPINT,
    ) -> SOCKET,
>;
pub type LPWSPLISTEN =
    Option<unsafe extern "system" fn(s: SOCKET, backlog: INT, lpErrno: LPINT) -> INT>;
pub type LPWSPRECV = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpBuffers: LPWSABUF,
        dwBufferCount: DWORD,
        lpNumberOfBytesRecvd: LPDWORD,
        lpFlags: LPDWORD,
        lpOverlapped: LPWSAOVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        lpThreadId: LPWSATHREADID,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPRECVDISCONNECT = Option<
    unsafe extern "system" fn(s: SOCKET, lpInboundDisconnectData: LPWSABUF, lpErrno: LPINT) -> INT,
>;
pub type LPWSPRECVFROM = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpBuffers: LPWSABUF,
        dwBufferCount: DWORD,
        lpNumberOfBytesRecvd: LPDWORD,
        lpFlags: LPDWORD,
        lpFrom: *mut SOCKADDR,
        lpFromlen: LPINT,
        lpOverlapped: LPWSAOVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        lpThreadId: LPWSATHREADID,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPSELECT = Option<
    unsafe extern "system" fn(
        nfds: INT,
        readfds: *mut fd_set,
        writefds: *mut fd_set,
        exceptfds: *mut fd_set,
        timeout: *const TIMEVAL,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPSEND = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpBuffers: LPWSABUF,
        dwBufferCount: DWORD,
        lpNumberOfBytesSent: LPDWORD,
        dwFlags: DWORD,
        lpOverlapped: LPWSAOVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        lpThreadId: LPWSATHREADID,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPSENDDISCONNECT = Option<
    unsafe extern "system" fn(s: SOCKET, lpOutboundDisconnectData: LPWSABUF, lpErrno: LPINT) -> INT,
>;
pub type LPWSPSENDTO = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpBuffers: LPWSABUF,
        dwBufferCount: DWORD,
        lpNumberOfBytesSent: LPDWORD,
        dwFlags: DWORD,
        lpTo: *const SOCKADDR,
        iTolen: INT,
        lpOverlapped: LPWSAOVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
        lpThreadId: LPWSATHREADID,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPSETSOCKOPT = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        level: INT,
        optname: INT,
        optval: *const CHAR,
        optlen: INT,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSPSHUTDOWN =
    Option<unsafe extern "system" fn(s: SOCKET, how: INT, lpErrno: LPINT) -> INT>;
pub type LPWSPSOCKET = Option<
    unsafe extern "system" fn(
        af: INT,
        r#type: INT,
        protocol: INT,
        lpProtocolInfo: LPWSAPROTOCOL_INFOW,
        g: GROUP,
        dwFlags: DWORD,
        lpErrno: LPINT,
    ) -> SOCKET,
>;
pub type LPWSPSTRINGTOADDRESS = Option<
    unsafe extern "system" fn(
        AddressString: LPWSTR,
        AddressFamily: INT,
        lpProtocolInfo: LPWSAPROTOCOL_INFOW,
        lpAddress: LPSOCKADDR,
        lpAddressLength: LPINT,
        lpErrno: LPINT,
    ) -> INT,
>;

/// The provider's entry points, filled in by `WSPStartup` (ws2spi.h); 30 slots, 240 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSPPROC_TABLE {
    pub lpWSPAccept: LPWSPACCEPT,
    pub lpWSPAddressToString: LPWSPADDRESSTOSTRING,
    pub lpWSPAsyncSelect: LPWSPASYNCSELECT,
    pub lpWSPBind: LPWSPBIND,
    pub lpWSPCancelBlockingCall: LPWSPCANCELBLOCKINGCALL,
    pub lpWSPCleanup: LPWSPCLEANUP,
    pub lpWSPCloseSocket: LPWSPCLOSESOCKET,
    pub lpWSPConnect: LPWSPCONNECT,
    pub lpWSPDuplicateSocket: LPWSPDUPLICATESOCKET,
    pub lpWSPEnumNetworkEvents: LPWSPENUMNETWORKEVENTS,
    pub lpWSPEventSelect: LPWSPEVENTSELECT,
    pub lpWSPGetOverlappedResult: LPWSPGETOVERLAPPEDRESULT,
    pub lpWSPGetPeerName: LPWSPGETPEERNAME,
    pub lpWSPGetSockName: LPWSPGETSOCKNAME,
    pub lpWSPGetSockOpt: LPWSPGETSOCKOPT,
    pub lpWSPGetQOSByName: LPWSPGETQOSBYNAME,
    pub lpWSPIoctl: LPWSPIOCTL,
    pub lpWSPJoinLeaf: LPWSPJOINLEAF,
    pub lpWSPListen: LPWSPLISTEN,
    pub lpWSPRecv: LPWSPRECV,
    pub lpWSPRecvDisconnect: LPWSPRECVDISCONNECT,
    pub lpWSPRecvFrom: LPWSPRECVFROM,
    pub lpWSPSelect: LPWSPSELECT,
    pub lpWSPSend: LPWSPSEND,
    pub lpWSPSendDisconnect: LPWSPSENDDISCONNECT,
    pub lpWSPSendTo: LPWSPSENDTO,
    pub lpWSPSetSockOpt: LPWSPSETSOCKOPT,
    pub lpWSPShutdown: LPWSPSHUTDOWN,
    pub lpWSPSocket: LPWSPSOCKET,
    pub lpWSPStringToAddress: LPWSPSTRINGTOADDRESS,
}

pub type LPWSPPROC_TABLE = *mut WSPPROC_TABLE;

// ---------------------------------------------------------------------------------------------
// WSPUPCALLTABLE slot types, in slot order, and WPUCompleteOverlappedRequest
// ---------------------------------------------------------------------------------------------

pub type LPWPUCLOSEEVENT =
    Option<unsafe extern "system" fn(hEvent: WSAEVENT, lpErrno: LPINT) -> BOOL>;
pub type LPWPUCLOSESOCKETHANDLE =
    Option<unsafe extern "system" fn(s: SOCKET, lpErrno: LPINT) -> INT>;
pub type LPWPUCREATEEVENT = Option<unsafe extern "system" fn(lpErrno: LPINT) -> WSAEVENT>;
pub type LPWPUCREATESOCKETHANDLE = Option<
    unsafe extern "system" fn(
        dwCatalogEntryId: DWORD,
        dwContext: DWORD_PTR,
        lpErrno: LPINT,
    ) -> SOCKET,
>;
pub type LPWPUFDISSET = Option<unsafe extern "system" fn(s: SOCKET, fdset: *mut fd_set) -> INT>;
pub type LPWPUGETPROVIDERPATH = Option<
    unsafe extern "system" fn(
        lpProviderId: LPGUID,
        lpszProviderDllPath: *mut WCHAR,
        lpProviderDllPathLen: LPINT,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWPUMODIFYIFSHANDLE = Option<
    unsafe extern "system" fn(
        dwCatalogEntryId: DWORD,
        ProposedHandle: SOCKET,
        lpErrno: LPINT,
    ) -> SOCKET,
>;
pub type LPWPUPOSTMESSAGE = Option<
    unsafe extern "system" fn(hWnd: HWND, Msg: UINT, wParam: WPARAM, lParam: LPARAM) -> BOOL,
>;
pub type LPWPUQUERYBLOCKINGCALLBACK = Option<
    unsafe extern "system" fn(
        dwCatalogEntryId: DWORD,
        lplpfnCallback: *mut LPBLOCKINGCALLBACK,
        lpdwContext: PDWORD_PTR,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWPUQUERYSOCKETHANDLECONTEXT =
    Option<unsafe extern "system" fn(s: SOCKET, lpContext: PDWORD_PTR, lpErrno: LPINT) -> INT>;
pub type LPWPUQUEUEAPC = Option<
    unsafe extern "system" fn(
        lpThreadId: LPWSATHREADID,
        lpfnUserApc: LPWSAUSERAPC,
        dwContext: DWORD_PTR,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWPURESETEVENT =
    Option<unsafe extern "system" fn(hEvent: WSAEVENT, lpErrno: LPINT) -> BOOL>;
pub type LPWPUSETEVENT =
    Option<unsafe extern "system" fn(hEvent: WSAEVENT, lpErrno: LPINT) -> BOOL>;
pub type LPWPUOPENCURRENTTHREAD =
    Option<unsafe extern "system" fn(lpThreadId: LPWSATHREADID, lpErrno: LPINT) -> INT>;
pub type LPWPUCLOSETHREAD =
    Option<unsafe extern "system" fn(lpThreadId: LPWSATHREADID, lpErrno: LPINT) -> INT>;
/// `WPUCompleteOverlappedRequest`, exported by ws2_32 but not part of `WSPUPCALLTABLE`.
pub type LPWPUCOMPLETEOVERLAPPEDREQUEST = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpOverlapped: LPWSAOVERLAPPED,
        dwError: DWORD,
        cbTransferred: DWORD,
        lpErrno: LPINT,
    ) -> INT,
>;

/// The upcalls ws2_32 gives a provider in `WSPStartup` (ws2spi.h); 15 slots, 120 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSPUPCALLTABLE {
    pub lpWPUCloseEvent: LPWPUCLOSEEVENT,
    pub lpWPUCloseSocketHandle: LPWPUCLOSESOCKETHANDLE,
    pub lpWPUCreateEvent: LPWPUCREATEEVENT,
    pub lpWPUCreateSocketHandle: LPWPUCREATESOCKETHANDLE,
    pub lpWPUFDIsSet: LPWPUFDISSET,
    pub lpWPUGetProviderPath: LPWPUGETPROVIDERPATH,
    pub lpWPUModifyIFSHandle: LPWPUMODIFYIFSHANDLE,
    pub lpWPUPostMessage: LPWPUPOSTMESSAGE,
    pub lpWPUQueryBlockingCallback: LPWPUQUERYBLOCKINGCALLBACK,
    pub lpWPUQuerySocketHandleContext: LPWPUQUERYSOCKETHANDLECONTEXT,
    pub lpWPUQueueApc: LPWPUQUEUEAPC,
    pub lpWPUResetEvent: LPWPURESETEVENT,
    pub lpWPUSetEvent: LPWPUSETEVENT,
    pub lpWPUOpenCurrentThread: LPWPUOPENCURRENTTHREAD,
    pub lpWPUCloseThread: LPWPUCLOSETHREAD,
}

pub type LPWSPUPCALLTABLE = *mut WSPUPCALLTABLE;

// ---------------------------------------------------------------------------------------------
// Entry point and catalog functions
// ---------------------------------------------------------------------------------------------

/// A provider's `WSPStartup`. The upcall table is passed BY VALUE (on x64 Windows that means a
/// pointer to a caller-owned copy; with `extern "system"` on Linux it is whatever the C
/// compiler does for a 120-byte struct argument, matching the C side).
pub type LPWSPSTARTUP = Option<
    unsafe extern "system" fn(
        wVersionRequested: WORD,
        lpWSPData: LPWSPDATA,
        lpProtocolInfo: LPWSAPROTOCOL_INFOW,
        UpcallTable: WSPUPCALLTABLE,
        lpProcTable: LPWSPPROC_TABLE,
    ) -> INT,
>;

pub type LPWSCENUMPROTOCOLS = Option<
    unsafe extern "system" fn(
        lpiProtocols: LPINT,
        lpProtocolBuffer: LPWSAPROTOCOL_INFOW,
        lpdwBufferLength: LPDWORD,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSCDEINSTALLPROVIDER =
    Option<unsafe extern "system" fn(lpProviderId: LPGUID, lpErrno: LPINT) -> INT>;
pub type LPWSCINSTALLPROVIDER = Option<
    unsafe extern "system" fn(
        lpProviderId: LPGUID,
        lpszProviderDllPath: *const WCHAR,
        lpProtocolInfoList: LPWSAPROTOCOL_INFOW,
        dwNumberOfEntries: DWORD,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSCGETPROVIDERPATH = Option<
    unsafe extern "system" fn(
        lpProviderId: LPGUID,
        lpszProviderDllPath: *mut WCHAR,
        lpProviderDllPathLen: LPINT,
        lpErrno: LPINT,
    ) -> INT,
>;
pub type LPWSCUPDATEPROVIDER = Option<
    unsafe extern "system" fn(
        lpProviderId: LPGUID,
        lpszProviderDllPath: *const WCHAR,
        lpProtocolInfoList: LPWSAPROTOCOL_INFOW,
        dwNumberOfEntries: DWORD,
        lpErrno: LPINT,
    ) -> INT,
>;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn spec_layouts() {
        // Spec §13 items 1, 2, 6.
        assert_eq!(size_of::<WSPUPCALLTABLE>(), 120);
        assert_eq!(offset_of!(WSPUPCALLTABLE, lpWPUCloseThread), 112);
        assert_eq!(size_of::<WSPPROC_TABLE>(), 240);
        assert_eq!(offset_of!(WSPPROC_TABLE, lpWSPGetQOSByName), 15 * 8);
        assert_eq!(offset_of!(WSPPROC_TABLE, lpWSPStringToAddress), 29 * 8);
        assert_eq!(size_of::<WSPDATA>(), 516);
        assert_eq!(align_of::<WSPDATA>(), 2);
        assert_eq!(size_of::<WSATHREADID>(), 16);
        // A NULL slot is a None, at no size cost.
        assert_eq!(size_of::<LPWSPSTARTUP>(), 8);
    }
}
