//! Microsoft-specific socket extensions (mswsock.h, mstcpip.h): the extension functions fetched
//! with `SIO_GET_EXTENSION_FUNCTION_POINTER`, their GUIDs, `TRANSMIT_FILE_BUFFERS`,
//! `tcp_keepalive` and the related options and ioctls.

use crate::types::*;
use crate::win32::LPOVERLAPPED;
use crate::winsock::*;

// ---------------------------------------------------------------------------------------------
// Structures
// ---------------------------------------------------------------------------------------------

/// Data sent before and after the file by `TransmitFile` (mswsock.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct TRANSMIT_FILE_BUFFERS {
    pub Head: LPVOID,
    pub HeadLength: DWORD,
    pub Tail: LPVOID,
    pub TailLength: DWORD,
}

pub type PTRANSMIT_FILE_BUFFERS = *mut TRANSMIT_FILE_BUFFERS;
pub type LPTRANSMIT_FILE_BUFFERS = *mut TRANSMIT_FILE_BUFFERS;

/// Input of `SIO_KEEPALIVE_VALS`; times in milliseconds (mstcpip.h `struct tcp_keepalive`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct tcp_keepalive {
    pub onoff: u_long,
    pub keepalivetime: u_long,
    pub keepaliveinterval: u_long,
}

// ---------------------------------------------------------------------------------------------
// Extension functions and their GUIDs (`None` is the NULL pointer)
// ---------------------------------------------------------------------------------------------

pub type LPFN_TRANSMITFILE = Option<
    unsafe extern "system" fn(
        hSocket: SOCKET,
        hFile: HANDLE,
        nNumberOfBytesToWrite: DWORD,
        nNumberOfBytesPerSend: DWORD,
        lpOverlapped: LPOVERLAPPED,
        lpTransmitBuffers: LPTRANSMIT_FILE_BUFFERS,
        dwReserved: DWORD,
    ) -> BOOL,
>;
pub type LPFN_ACCEPTEX = Option<
    unsafe extern "system" fn(
        sListenSocket: SOCKET,
        sAcceptSocket: SOCKET,
        lpOutputBuffer: PVOID,
        dwReceiveDataLength: DWORD,
        dwLocalAddressLength: DWORD,
        dwRemoteAddressLength: DWORD,
        lpdwBytesReceived: LPDWORD,
        lpOverlapped: LPOVERLAPPED,
    ) -> BOOL,
>;
pub type LPFN_GETACCEPTEXSOCKADDRS = Option<
    unsafe extern "system" fn(
        lpOutputBuffer: PVOID,
        dwReceiveDataLength: DWORD,
        dwLocalAddressLength: DWORD,
        dwRemoteAddressLength: DWORD,
        LocalSockaddr: *mut *mut SOCKADDR,
        LocalSockaddrLength: LPINT,
        RemoteSockaddr: *mut *mut SOCKADDR,
        RemoteSockaddrLength: LPINT,
    ),
>;
pub type LPFN_CONNECTEX = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        name: *const SOCKADDR,
        namelen: INT,
        lpSendBuffer: PVOID,
        dwSendDataLength: DWORD,
        lpdwBytesSent: LPDWORD,
        lpOverlapped: LPOVERLAPPED,
    ) -> BOOL,
>;
pub type LPFN_DISCONNECTEX = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpOverlapped: LPOVERLAPPED,
        dwFlags: DWORD,
        dwReserved: DWORD,
    ) -> BOOL,
>;
pub type LPFN_WSARECVMSG = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpMsg: LPWSAMSG,
        lpdwNumberOfBytesRecvd: LPDWORD,
        lpOverlapped: LPWSAOVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> INT,
>;
pub type LPFN_WSASENDMSG = Option<
    unsafe extern "system" fn(
        s: SOCKET,
        lpMsg: LPWSAMSG,
        dwFlags: DWORD,
        lpNumberOfBytesSent: LPDWORD,
        lpOverlapped: LPWSAOVERLAPPED,
        lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE,
    ) -> INT,
>;
pub type LPFN_WSAPOLL =
    Option<unsafe extern "system" fn(fdarray: LPWSAPOLLFD, nfds: ULONG, timeout: INT) -> INT>;

pub const WSAID_TRANSMITFILE: GUID = GUID {
    Data1: 0xb5367df0,
    Data2: 0xcbac,
    Data3: 0x11cf,
    Data4: [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92],
};
pub const WSAID_ACCEPTEX: GUID = GUID {
    Data1: 0xb5367df1,
    Data2: 0xcbac,
    Data3: 0x11cf,
    Data4: [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92],
};
pub const WSAID_GETACCEPTEXSOCKADDRS: GUID = GUID {
    Data1: 0xb5367df2,
    Data2: 0xcbac,
    Data3: 0x11cf,
    Data4: [0x95, 0xca, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92],
};
pub const WSAID_CONNECTEX: GUID = GUID {
    Data1: 0x25a207b9,
    Data2: 0xddf3,
    Data3: 0x4660,
    Data4: [0x8e, 0xe9, 0x76, 0xe5, 0x8c, 0x74, 0x06, 0x3e],
};
pub const WSAID_DISCONNECTEX: GUID = GUID {
    Data1: 0x7fda2e11,
    Data2: 0x8630,
    Data3: 0x436f,
    Data4: [0xa0, 0x31, 0xf5, 0x36, 0xa6, 0xee, 0xc1, 0x57],
};
pub const WSAID_WSARECVMSG: GUID = GUID {
    Data1: 0xf689d7c8,
    Data2: 0x6f1f,
    Data3: 0x436b,
    Data4: [0x8a, 0x53, 0xe5, 0x4f, 0xe3, 0x51, 0xc3, 0x22],
};
pub const WSAID_WSASENDMSG: GUID = GUID {
    Data1: 0xa441e712,
    Data2: 0x754f,
    Data3: 0x43ca,
    Data4: [0x84, 0xa7, 0x0d, 0xee, 0x44, 0xcf, 0x60, 0x6d],
};
pub const WSAID_WSAPOLL: GUID = GUID {
    Data1: 0x18c76f85,
    Data2: 0xdc66,
    Data3: 0x4964,
    Data4: [0x97, 0x2e, 0x23, 0xc2, 0x72, 0x38, 0x31, 0x2b],
};

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

// Socket options (mswsock.h), int; SO_SYNCHRONOUS_* are values of SO_OPENTYPE.
pub const SO_CONNDATA: i32 = 0x7000;
pub const SO_CONNOPT: i32 = 0x7001;
pub const SO_DISCDATA: i32 = 0x7002;
pub const SO_DISCOPT: i32 = 0x7003;
pub const SO_CONNDATALEN: i32 = 0x7004;
pub const SO_CONNOPTLEN: i32 = 0x7005;
pub const SO_DISCDATALEN: i32 = 0x7006;
pub const SO_DISCOPTLEN: i32 = 0x7007;
pub const SO_OPENTYPE: i32 = 0x7008;
pub const SO_SYNCHRONOUS_ALERT: i32 = 0x10;
pub const SO_SYNCHRONOUS_NONALERT: i32 = 0x20;
pub const SO_MAXDG: i32 = 0x7009;
pub const SO_MAXPATHDG: i32 = 0x700a;
pub const SO_UPDATE_ACCEPT_CONTEXT: i32 = 0x700b;
pub const SO_CONNECT_TIME: i32 = 0x700c;
pub const SO_UPDATE_CONNECT_CONTEXT: i32 = 0x7010;
pub const TCP_BSDURGENT: i32 = 0x7000;

// ioctls (mswsock.h, mstcpip.h), DWORD.
pub const SIO_UDP_CONNRESET: u32 = IOC_IN | IOC_VENDOR | 12;
pub const SIO_BSP_HANDLE: u32 = IOC_OUT | IOC_WS2 | 27;
pub const SIO_BSP_HANDLE_SELECT: u32 = IOC_OUT | IOC_WS2 | 28;
pub const SIO_BSP_HANDLE_POLL: u32 = IOC_OUT | IOC_WS2 | 29;
pub const SIO_EXT_SELECT: u32 = IOC_INOUT | IOC_WS2 | 30;
pub const SIO_EXT_POLL: u32 = IOC_INOUT | IOC_WS2 | 31;
pub const SIO_EXT_SENDMSG: u32 = IOC_INOUT | IOC_WS2 | 32;
pub const SIO_BASE_HANDLE: u32 = IOC_OUT | IOC_WS2 | 34;
pub const SIO_KEEPALIVE_VALS: u32 = IOC_IN | IOC_VENDOR | 4;

// TransmitFile flags and DisconnectEx flags (mswsock.h), DWORD.
pub const TF_DISCONNECT: u32 = 0x01;
pub const TF_REUSE_SOCKET: u32 = 0x02;
pub const TF_WRITE_BEHIND: u32 = 0x04;
pub const TF_USE_DEFAULT_WORKER: u32 = 0x00;
pub const TF_USE_SYSTEM_THREAD: u32 = 0x10;
pub const TF_USE_KERNEL_APC: u32 = 0x20;
pub const DE_REUSE_SOCKET: u32 = TF_REUSE_SOCKET;

// TransmitPackets element and call flags (mswsock.h), ULONG / DWORD.
pub const TP_ELEMENT_MEMORY: u32 = 1;
pub const TP_ELEMENT_FILE: u32 = 2;
pub const TP_ELEMENT_EOP: u32 = 4;
pub const TP_DISCONNECT: u32 = TF_DISCONNECT;
pub const TP_REUSE_SOCKET: u32 = TF_REUSE_SOCKET;
pub const TP_USE_DEFAULT_WORKER: u32 = TF_USE_DEFAULT_WORKER;
pub const TP_USE_SYSTEM_THREAD: u32 = TF_USE_SYSTEM_THREAD;
pub const TP_USE_KERNEL_APC: u32 = TF_USE_KERNEL_APC;

// WSAMSG::dwFlags results (mswsock.h), int like the other MSG_* flags.
pub const MSG_TRUNC: i32 = 0x0100;
pub const MSG_CTRUNC: i32 = 0x0200;
pub const MSG_BCAST: i32 = 0x0400;
pub const MSG_MCAST: i32 = 0x0800;

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::size_of;

    #[test]
    fn layouts_and_values() {
        assert_eq!(size_of::<TRANSMIT_FILE_BUFFERS>(), 32);
        assert_eq!(size_of::<tcp_keepalive>(), 12);
        assert_eq!(SIO_KEEPALIVE_VALS, 0x98000004);
        assert_eq!(SIO_BASE_HANDLE, 0x48000022);
        assert_ne!(WSAID_ACCEPTEX, WSAID_TRANSMITFILE);
    }
}
