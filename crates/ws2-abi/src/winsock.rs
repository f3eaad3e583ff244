//! The Windows Sockets 2 client API types and constants (winsock2.h, ws2def.h, ws2ipdef.h,
//! ws2tcpip.h, qos.h, inaddr.h, in6addr.h).
//!
//! Constant types follow the C macro or, where the macro is a bare literal, the parameter that
//! takes it: socket-level `int` arguments (`AF_*`, `SOCK_*`, `IPPROTO_*`, `SO_*`, `IP_*`, `MSG_*`,
//! `FD_*` event masks, `AI_*`, `NI_*`) are `i32`; `DWORD` ones (ioctl codes, `XP1_*`, `PFL_*`,
//! `WSA_FLAG_*`, waits) are `u32`. Array lengths (`FD_SETSIZE`, `WSAPROTOCOL_LEN`, the `FD_*_BIT`
//! indices, ...) are `usize`.

use core::ffi::c_void;

use crate::types::*;
use crate::win32::OVERLAPPED;

// ---------------------------------------------------------------------------------------------
// Base socket types
// ---------------------------------------------------------------------------------------------

pub type u_char = u8;
pub type u_short = u16;
pub type u_int = u32;
pub type u_long = u32;
/// A socket handle (`UINT_PTR`).
pub type SOCKET = UINT_PTR;
pub type WSAEVENT = HANDLE;
pub type LPWSAEVENT = *mut WSAEVENT;
pub type GROUP = u32;
pub type ADDRESS_FAMILY = USHORT;
pub type SERVICETYPE = ULONG;
pub type socklen_t = i32;

/// `OVERLAPPED` under its winsock name (winsock2.h `#define WSAOVERLAPPED OVERLAPPED`).
pub type WSAOVERLAPPED = OVERLAPPED;
pub type LPWSAOVERLAPPED = *mut OVERLAPPED;

pub const INVALID_SOCKET: SOCKET = !0;
pub const SOCKET_ERROR: i32 = -1;

/// `MAKEWORD(2, 2)`.
pub const WINSOCK_VERSION: u16 = crate::MAKEWORD(2, 2);

// ---------------------------------------------------------------------------------------------
// select
// ---------------------------------------------------------------------------------------------

pub const FD_SETSIZE: usize = 64;

/// A counted array of sockets for `select` (winsock2.h) — not a bitmap.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct fd_set {
    pub fd_count: u_int,
    pub fd_array: [SOCKET; FD_SETSIZE],
}

pub type PFD_SET = *mut fd_set;
pub type LPFD_SET = *mut fd_set;

/// A timeout for `select` with 32-bit fields (winsock2.h `struct timeval`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TIMEVAL {
    pub tv_sec: LONG,
    pub tv_usec: LONG,
}

pub type PTIMEVAL = *mut TIMEVAL;
pub type LPTIMEVAL = *mut TIMEVAL;

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

/// The four bytes of an IPv4 address (inaddr.h, `S_un.S_un_b`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IN_ADDR_S_un_b {
    pub s_b1: UCHAR,
    pub s_b2: UCHAR,
    pub s_b3: UCHAR,
    pub s_b4: UCHAR,
}

/// The two 16-bit halves of an IPv4 address (inaddr.h, `S_un.S_un_w`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IN_ADDR_S_un_w {
    pub s_w1: USHORT,
    pub s_w2: USHORT,
}

/// The views of an IPv4 address (inaddr.h, the `S_un` member).
#[repr(C)]
#[derive(Clone, Copy)]
pub union IN_ADDR_S_un {
    pub S_un_b: IN_ADDR_S_un_b,
    pub S_un_w: IN_ADDR_S_un_w,
    /// The address in network byte order.
    pub S_addr: ULONG,
}

/// An IPv4 address (inaddr.h `struct in_addr`, whose only member is the `S_un` union).
#[repr(C)]
#[derive(Clone, Copy)]
pub union IN_ADDR {
    pub S_un: IN_ADDR_S_un,
}

pub type PIN_ADDR = *mut IN_ADDR;
pub type LPIN_ADDR = *mut IN_ADDR;

/// The views of an IPv6 address (in6addr.h, the `u` member).
#[repr(C)]
#[derive(Clone, Copy)]
pub union IN6_ADDR_u {
    pub Byte: [UCHAR; 16],
    pub Word: [USHORT; 8],
}

/// An IPv6 address (in6addr.h `struct in6_addr`, whose only member is the `u` union).
#[repr(C)]
#[derive(Clone, Copy)]
pub union IN6_ADDR {
    pub u: IN6_ADDR_u,
}

pub type PIN6_ADDR = *mut IN6_ADDR;
pub type LPIN6_ADDR = *mut IN6_ADDR;

/// A generic socket address (ws2def.h `struct sockaddr`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SOCKADDR {
    pub sa_family: ADDRESS_FAMILY,
    pub sa_data: [CHAR; 14],
}

pub type PSOCKADDR = *mut SOCKADDR;
pub type LPSOCKADDR = *mut SOCKADDR;

/// An IPv4 socket address (ws2def.h `struct sockaddr_in`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SOCKADDR_IN {
    pub sin_family: ADDRESS_FAMILY,
    pub sin_port: USHORT,
    pub sin_addr: IN_ADDR,
    pub sin_zero: [CHAR; 8],
}

pub type PSOCKADDR_IN = *mut SOCKADDR_IN;
pub type LPSOCKADDR_IN = *mut SOCKADDR_IN;

/// An IPv6 socket address (ws2ipdef.h `struct sockaddr_in6`).
///
/// In C, `sin6_scope_id` shares an anonymous union with `SCOPE_ID sin6_scope_struct` (a 32-bit
/// bit-field struct); the `ULONG` covers it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SOCKADDR_IN6 {
    pub sin6_family: ADDRESS_FAMILY,
    pub sin6_port: USHORT,
    pub sin6_flowinfo: ULONG,
    pub sin6_addr: IN6_ADDR,
    pub sin6_scope_id: ULONG,
}

pub type PSOCKADDR_IN6 = *mut SOCKADDR_IN6;
pub type LPSOCKADDR_IN6 = *mut SOCKADDR_IN6;

/// Storage large and aligned enough for any socket address (ws2def.h `struct sockaddr_storage`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SOCKADDR_STORAGE {
    pub ss_family: ADDRESS_FAMILY,
    pub __ss_pad1: [CHAR; 6],
    pub __ss_align: i64,
    pub __ss_pad2: [CHAR; 112],
}

pub type PSOCKADDR_STORAGE = *mut SOCKADDR_STORAGE;
pub type LPSOCKADDR_STORAGE = *mut SOCKADDR_STORAGE;

/// A socket address and its length (ws2def.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SOCKET_ADDRESS {
    pub lpSockaddr: LPSOCKADDR,
    pub iSockaddrLength: INT,
}

pub type PSOCKET_ADDRESS = *mut SOCKET_ADDRESS;
pub type LPSOCKET_ADDRESS = *mut SOCKET_ADDRESS;

/// A variable-length list of socket addresses (ws2def.h); `Address` really has `iAddressCount`
/// entries.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SOCKET_ADDRESS_LIST {
    pub iAddressCount: INT,
    pub Address: [SOCKET_ADDRESS; 1],
}

pub type PSOCKET_ADDRESS_LIST = *mut SOCKET_ADDRESS_LIST;
pub type LPSOCKET_ADDRESS_LIST = *mut SOCKET_ADDRESS_LIST;

/// IPv4 multicast group membership request (ws2ipdef.h `struct ip_mreq`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct IP_MREQ {
    pub imr_multiaddr: IN_ADDR,
    pub imr_interface: IN_ADDR,
}

/// IPv6 multicast group membership request (ws2ipdef.h `struct ipv6_mreq`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct IPV6_MREQ {
    pub ipv6mr_multiaddr: IN6_ADDR,
    pub ipv6mr_interface: ULONG,
}

// ---------------------------------------------------------------------------------------------
// Options, database entries, startup data
// ---------------------------------------------------------------------------------------------

/// The `SO_LINGER` option value (winsock2.h `struct linger`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LINGER {
    pub l_onoff: u_short,
    pub l_linger: u_short,
}

pub type PLINGER = *mut LINGER;
pub type LPLINGER = *mut LINGER;

/// A host database entry (winsock2.h `struct hostent`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HOSTENT {
    pub h_name: *mut CHAR,
    pub h_aliases: *mut *mut CHAR,
    pub h_addrtype: SHORT,
    pub h_length: SHORT,
    pub h_addr_list: *mut *mut CHAR,
}

pub type PHOSTENT = *mut HOSTENT;
pub type LPHOSTENT = *mut HOSTENT;

/// A service database entry, in the Win64 member order (winsock2.h `struct servent`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SERVENT {
    pub s_name: *mut CHAR,
    pub s_aliases: *mut *mut CHAR,
    pub s_proto: *mut CHAR,
    pub s_port: SHORT,
}

pub type PSERVENT = *mut SERVENT;
pub type LPSERVENT = *mut SERVENT;

/// A protocol database entry (winsock2.h `struct protoent`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PROTOENT {
    pub p_name: *mut CHAR,
    pub p_aliases: *mut *mut CHAR,
    pub p_proto: SHORT,
}

pub type PPROTOENT = *mut PROTOENT;
pub type LPPROTOENT = *mut PROTOENT;

pub const WSADESCRIPTION_LEN: usize = 256;
pub const WSASYS_STATUS_LEN: usize = 128;

/// What `WSAStartup` reports, in the Win64 member order (winsock2.h `struct WSAData`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSADATA {
    pub wVersion: WORD,
    pub wHighVersion: WORD,
    pub iMaxSockets: u16,
    pub iMaxUdpDg: u16,
    pub lpVendorInfo: *mut CHAR,
    pub szDescription: [CHAR; WSADESCRIPTION_LEN + 1],
    pub szSystemStatus: [CHAR; WSASYS_STATUS_LEN + 1],
}

pub type LPWSADATA = *mut WSADATA;

// ---------------------------------------------------------------------------------------------
// Buffers, messages, poll, network events
// ---------------------------------------------------------------------------------------------

/// A buffer for scatter/gather I/O (ws2def.h); `len` is 32-bit.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSABUF {
    pub len: ULONG,
    pub buf: *mut CHAR,
}

pub type LPWSABUF = *mut WSABUF;

/// A message for `WSARecvMsg`/`WSASendMsg` (ws2def.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSAMSG {
    pub name: LPSOCKADDR,
    pub namelen: INT,
    pub lpBuffers: LPWSABUF,
    pub dwBufferCount: ULONG,
    pub Control: WSABUF,
    pub dwFlags: ULONG,
}

pub type PWSAMSG = *mut WSAMSG;
pub type LPWSAMSG = *mut WSAMSG;

/// One socket's entry for `WSAPoll` (winsock2.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSAPOLLFD {
    pub fd: SOCKET,
    pub events: SHORT,
    pub revents: SHORT,
}

pub type PWSAPOLLFD = *mut WSAPOLLFD;
pub type LPWSAPOLLFD = *mut WSAPOLLFD;

/// Number of `FD_*` network events, the length of `WSANETWORKEVENTS::iErrorCode`.
pub const FD_MAX_EVENTS: usize = 10;

/// Recorded network events and their error codes, from `WSAEnumNetworkEvents` (winsock2.h);
/// `iErrorCode[FD_x_BIT]` belongs to event `FD_x`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSANETWORKEVENTS {
    pub lNetworkEvents: LONG,
    pub iErrorCode: [INT; FD_MAX_EVENTS],
}

pub type LPWSANETWORKEVENTS = *mut WSANETWORKEVENTS;

// ---------------------------------------------------------------------------------------------
// Protocol information (the catalog entry)
// ---------------------------------------------------------------------------------------------

pub const MAX_PROTOCOL_CHAIN: usize = 7;
pub const WSAPROTOCOL_LEN: usize = 255;

/// The layering of a catalog entry (winsock2.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WSAPROTOCOLCHAIN {
    /// 0: layered entry, 1: base protocol, 2..=7: a chain.
    pub ChainLen: INT,
    pub ChainEntries: [DWORD; MAX_PROTOCOL_CHAIN],
}

pub type LPWSAPROTOCOLCHAIN = *mut WSAPROTOCOLCHAIN;

/// A protocol catalog entry, ANSI variant (winsock2.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSAPROTOCOL_INFOA {
    pub dwServiceFlags1: DWORD,
    pub dwServiceFlags2: DWORD,
    pub dwServiceFlags3: DWORD,
    pub dwServiceFlags4: DWORD,
    pub dwProviderFlags: DWORD,
    pub ProviderId: GUID,
    pub dwCatalogEntryId: DWORD,
    pub ProtocolChain: WSAPROTOCOLCHAIN,
    pub iVersion: INT,
    pub iAddressFamily: INT,
    pub iMaxSockAddr: INT,
    pub iMinSockAddr: INT,
    pub iSocketType: INT,
    pub iProtocol: INT,
    pub iProtocolMaxOffset: INT,
    pub iNetworkByteOrder: INT,
    pub iSecurityScheme: INT,
    pub dwMessageSize: DWORD,
    pub dwProviderReserved: DWORD,
    pub szProtocol: [CHAR; WSAPROTOCOL_LEN + 1],
}

pub type LPWSAPROTOCOL_INFOA = *mut WSAPROTOCOL_INFOA;

/// A protocol catalog entry, UTF-16 variant (winsock2.h); 628 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WSAPROTOCOL_INFOW {
    pub dwServiceFlags1: DWORD,
    pub dwServiceFlags2: DWORD,
    pub dwServiceFlags3: DWORD,
    pub dwServiceFlags4: DWORD,
    pub dwProviderFlags: DWORD,
    pub ProviderId: GUID,
    pub dwCatalogEntryId: DWORD,
    pub ProtocolChain: WSAPROTOCOLCHAIN,
    pub iVersion: INT,
    pub iAddressFamily: INT,
    pub iMaxSockAddr: INT,
    pub iMinSockAddr: INT,
    pub iSocketType: INT,
    pub iProtocol: INT,
    pub iProtocolMaxOffset: INT,
    pub iNetworkByteOrder: INT,
    pub iSecurityScheme: INT,
    pub dwMessageSize: DWORD,
    pub dwProviderReserved: DWORD,
    pub szProtocol: [WCHAR; WSAPROTOCOL_LEN + 1],
}

pub type LPWSAPROTOCOL_INFOW = *mut WSAPROTOCOL_INFOW;

// ---------------------------------------------------------------------------------------------
// Quality of service (qos.h, winsock2.h)
// ---------------------------------------------------------------------------------------------

/// One direction's traffic parameters (qos.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FLOWSPEC {
    pub TokenRate: ULONG,
    pub TokenBucketSize: ULONG,
    pub PeakBandwidth: ULONG,
    pub Latency: ULONG,
    pub DelayVariation: ULONG,
    pub ServiceType: SERVICETYPE,
    pub MaxSduSize: ULONG,
    pub MinimumPolicedSize: ULONG,
}

pub type PFLOWSPEC = *mut FLOWSPEC;
pub type LPFLOWSPEC = *mut FLOWSPEC;

/// Quality-of-service parameters for both directions (winsock2.h).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct QOS {
    pub SendingFlowspec: FLOWSPEC,
    pub ReceivingFlowspec: FLOWSPEC,
    pub ProviderSpecific: WSABUF,
}

pub type LPQOS = *mut QOS;

// ---------------------------------------------------------------------------------------------
// getaddrinfo (ws2def.h, ws2tcpip.h)
// ---------------------------------------------------------------------------------------------

/// A `getaddrinfo` result, ANSI variant (ws2def.h `struct addrinfo`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ADDRINFOA {
    pub ai_flags: INT,
    pub ai_family: INT,
    pub ai_socktype: INT,
    pub ai_protocol: INT,
    pub ai_addrlen: SIZE_T,
    pub ai_canonname: *mut CHAR,
    pub ai_addr: *mut SOCKADDR,
    pub ai_next: *mut ADDRINFOA,
}

pub type PADDRINFOA = *mut ADDRINFOA;

/// A `GetAddrInfoW` result (ws2def.h `struct addrinfoW`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ADDRINFOW {
    pub ai_flags: INT,
    pub ai_family: INT,
    pub ai_socktype: INT,
    pub ai_protocol: INT,
    pub ai_addrlen: SIZE_T,
    pub ai_canonname: PWSTR,
    pub ai_addr: *mut SOCKADDR,
    pub ai_next: *mut ADDRINFOW,
}

pub type PADDRINFOW = *mut ADDRINFOW;

// ---------------------------------------------------------------------------------------------
// Callbacks (`None` is the NULL pointer)
// ---------------------------------------------------------------------------------------------

/// Completion routine of an overlapped socket operation (winsock2.h).
pub type LPWSAOVERLAPPED_COMPLETION_ROUTINE = Option<
    unsafe extern "system" fn(
        dwError: DWORD,
        cbTransferred: DWORD,
        lpOverlapped: LPWSAOVERLAPPED,
        dwFlags: DWORD,
    ),
>;

/// Condition function of `WSAAccept`/`WSPAccept`; returns `CF_ACCEPT`, `CF_REJECT` or
/// `CF_DEFER` (winsock2.h).
pub type LPCONDITIONPROC = Option<
    unsafe extern "system" fn(
        lpCallerId: LPWSABUF,
        lpCallerData: LPWSABUF,
        lpSQOS: LPQOS,
        lpGQOS: LPQOS,
        lpCalleeId: LPWSABUF,
        lpCalleeData: LPWSABUF,
        g: *mut GROUP,
        dwCallbackData: DWORD_PTR,
    ) -> INT,
>;

// ---------------------------------------------------------------------------------------------
// Macros as const fns (winsock2.h)
// ---------------------------------------------------------------------------------------------

/// `WSAMAKESELECTREPLY(event, error)`: the `lParam` of a `WSAAsyncSelect` message, event in the
/// low word and error in the high word (`MAKELONG`).
pub const fn WSAMAKESELECTREPLY(event: i32, error: i32) -> LONG {
    crate::MAKELONG(event as u16, error as u16)
}

/// `WSAGETSELECTEVENT(lParam)`: the `FD_*` event of a `WSAAsyncSelect` message.
pub const fn WSAGETSELECTEVENT(lParam: LPARAM) -> WORD {
    crate::LOWORD(lParam as usize)
}

/// `WSAGETSELECTERROR(lParam)`: the error code of a `WSAAsyncSelect` message.
pub const fn WSAGETSELECTERROR(lParam: LPARAM) -> WORD {
    crate::HIWORD(lParam as usize)
}

/// `WSAMAKEASYNCREPLY(buflen, error)`: the `lParam` of a `WSAAsyncGetXByY` message.
pub const fn WSAMAKEASYNCREPLY(buflen: u16, error: i32) -> LONG {
    crate::MAKELONG(buflen, error as u16)
}

/// `WSAGETASYNCBUFLEN(lParam)`.
pub const fn WSAGETASYNCBUFLEN(lParam: LPARAM) -> WORD {
    crate::LOWORD(lParam as usize)
}

/// `WSAGETASYNCERROR(lParam)`.
pub const fn WSAGETASYNCERROR(lParam: LPARAM) -> WORD {
    crate::HIWORD(lParam as usize)
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

// ioctl code construction and the BSD ioctls (winsock2.h), DWORD.
pub const IOCPARM_MASK: u32 = 0x7f;
pub const IOC_VOID: u32 = 0x20000000;
pub const IOC_OUT: u32 = 0x40000000;
pub const IOC_IN: u32 = 0x80000000;
pub const IOC_INOUT: u32 = IOC_IN | IOC_OUT;
pub const FIONREAD: u32 = 0x4004667f;
pub const FIONBIO: u32 = 0x8004667e;
pub const FIOASYNC: u32 = 0x8004667d;
pub const SIOCSHIWAT: u32 = 0x80047300;
pub const SIOCGHIWAT: u32 = 0x40047301;
pub const SIOCSLOWAT: u32 = 0x80047302;
pub const SIOCGLOWAT: u32 = 0x40047303;
pub const SIOCATMARK: u32 = 0x40047307;

// ioctl families and the WinSock 2 ioctls (winsock2.h), DWORD.
pub const IOC_UNIX: u32 = 0x00000000;
pub const IOC_WS2: u32 = 0x08000000;
pub const IOC_PROTOCOL: u32 = 0x10000000;
pub const IOC_VENDOR: u32 = 0x18000000;
pub const SIO_ASSOCIATE_HANDLE: u32 = IOC_IN | IOC_WS2 | 1;
pub const SIO_ENABLE_CIRCULAR_QUEUEING: u32 = IOC_VOID | IOC_WS2 | 2;
pub const SIO_FIND_ROUTE: u32 = IOC_OUT | IOC_WS2 | 3;
pub const SIO_FLUSH: u32 = IOC_VOID | IOC_WS2 | 4;
pub const SIO_GET_BROADCAST_ADDRESS: u32 = IOC_OUT | IOC_WS2 | 5;
pub const SIO_GET_EXTENSION_FUNCTION_POINTER: u32 = IOC_INOUT | IOC_WS2 | 6;
pub const SIO_GET_QOS: u32 = IOC_INOUT | IOC_WS2 | 7;
pub const SIO_GET_GROUP_QOS: u32 = IOC_INOUT | IOC_WS2 | 8;
pub const SIO_MULTIPOINT_LOOPBACK: u32 = IOC_IN | IOC_WS2 | 9;
pub const SIO_MULTICAST_SCOPE: u32 = IOC_IN | IOC_WS2 | 10;
pub const SIO_SET_QOS: u32 = IOC_IN | IOC_WS2 | 11;
pub const SIO_SET_GROUP_QOS: u32 = IOC_IN | IOC_WS2 | 12;
pub const SIO_TRANSLATE_HANDLE: u32 = IOC_INOUT | IOC_WS2 | 13;
pub const SIO_ROUTING_INTERFACE_QUERY: u32 = IOC_INOUT | IOC_WS2 | 20;
pub const SIO_ROUTING_INTERFACE_CHANGE: u32 = IOC_IN | IOC_WS2 | 21;
pub const SIO_ADDRESS_LIST_QUERY: u32 = IOC_OUT | IOC_WS2 | 22;
pub const SIO_ADDRESS_LIST_CHANGE: u32 = IOC_VOID | IOC_WS2 | 23;
pub const SIO_QUERY_TARGET_PNP_HANDLE: u32 = IOC_OUT | IOC_WS2 | 24;
pub const SIO_ADDRESS_LIST_SORT: u32 = IOC_INOUT | IOC_WS2 | 25;
pub const SIO_NSP_NOTIFY_CHANGE: u32 = IOC_IN | IOC_WS2 | 25;
pub const SIO_RESERVED_1: u32 = IOC_IN | IOC_WS2 | 26;
pub const SIO_RESERVED_2: u32 = IOC_IN | IOC_WS2 | 33;

// BSD-style ioctls of ws2tcpip.h, DWORD.
pub const SIO_GET_INTERFACE_LIST: u32 = 0x4004747f;
pub const SIO_GET_INTERFACE_LIST_EX: u32 = 0x4004747e;
pub const SIO_SET_MULTICAST_FILTER: u32 = 0x8004747d;
pub const SIO_GET_MULTICAST_FILTER: u32 = 0x8004747c;

// Protocols (ws2def.h `IPPROTO`), int.
pub const IPPROTO_IP: i32 = 0;
pub const IPPROTO_HOPOPTS: i32 = 0;
pub const IPPROTO_ICMP: i32 = 1;
pub const IPPROTO_IGMP: i32 = 2;
pub const IPPROTO_GGP: i32 = 3;
pub const IPPROTO_IPV4: i32 = 4;
pub const IPPROTO_ST: i32 = 5;
pub const IPPROTO_TCP: i32 = 6;
pub const IPPROTO_CBT: i32 = 7;
pub const IPPROTO_EGP: i32 = 8;
pub const IPPROTO_IGP: i32 = 9;
pub const IPPROTO_PUP: i32 = 12;
pub const IPPROTO_UDP: i32 = 17;
pub const IPPROTO_IDP: i32 = 22;
pub const IPPROTO_RDP: i32 = 27;
pub const IPPROTO_IPV6: i32 = 41;
pub const IPPROTO_ROUTING: i32 = 43;
pub const IPPROTO_FRAGMENT: i32 = 44;
pub const IPPROTO_ESP: i32 = 50;
pub const IPPROTO_AH: i32 = 51;
pub const IPPROTO_ICMPV6: i32 = 58;
pub const IPPROTO_NONE: i32 = 59;
pub const IPPROTO_DSTOPTS: i32 = 60;
pub const IPPROTO_ND: i32 = 77;
pub const IPPROTO_ICLFXBM: i32 = 78;
pub const IPPROTO_PIM: i32 = 103;
pub const IPPROTO_PGM: i32 = 113;
pub const IPPROTO_L2TP: i32 = 115;
pub const IPPROTO_SCTP: i32 = 132;
pub const IPPROTO_RAW: i32 = 255;
pub const IPPROTO_MAX: i32 = 256;

// IPv4 special addresses, host byte order (winsock2.h), u_long.
pub const INADDR_ANY: u32 = 0x00000000;
pub const INADDR_LOOPBACK: u32 = 0x7f000001;
pub const INADDR_BROADCAST: u32 = 0xffffffff;
pub const INADDR_NONE: u32 = 0xffffffff;
pub const ADDR_ANY: u32 = INADDR_ANY;

// Socket types (ws2def.h), int; FROM_PROTOCOL_INFO stands for "take it from the protocol info".
pub const FROM_PROTOCOL_INFO: i32 = -1;
pub const SOCK_STREAM: i32 = 1;
pub const SOCK_DGRAM: i32 = 2;
pub const SOCK_RAW: i32 = 3;
pub const SOCK_RDM: i32 = 4;
pub const SOCK_SEQPACKET: i32 = 5;

// Socket-level options (ws2def.h, winsock2.h), int.
pub const SOL_SOCKET: i32 = 0xffff;
pub const SO_DEBUG: i32 = 0x0001;
pub const SO_ACCEPTCONN: i32 = 0x0002;
pub const SO_REUSEADDR: i32 = 0x0004;
pub const SO_KEEPALIVE: i32 = 0x0008;
pub const SO_DONTROUTE: i32 = 0x0010;
pub const SO_BROADCAST: i32 = 0x0020;
pub const SO_USELOOPBACK: i32 = 0x0040;
pub const SO_LINGER: i32 = 0x0080;
pub const SO_OOBINLINE: i32 = 0x0100;
pub const SO_DONTLINGER: i32 = !SO_LINGER;
pub const SO_EXCLUSIVEADDRUSE: i32 = !SO_REUSEADDR;
pub const SO_SNDBUF: i32 = 0x1001;
pub const SO_RCVBUF: i32 = 0x1002;
pub const SO_SNDLOWAT: i32 = 0x1003;
pub const SO_RCVLOWAT: i32 = 0x1004;
pub const SO_SNDTIMEO: i32 = 0x1005;
pub const SO_RCVTIMEO: i32 = 0x1006;
pub const SO_ERROR: i32 = 0x1007;
pub const SO_TYPE: i32 = 0x1008;
pub const SO_GROUP_ID: i32 = 0x2001;
pub const SO_GROUP_PRIORITY: i32 = 0x2002;
pub const SO_MAX_MSG_SIZE: i32 = 0x2003;
pub const SO_PROTOCOL_INFOA: i32 = 0x2004;
pub const SO_PROTOCOL_INFOW: i32 = 0x2005;
pub const PVD_CONFIG: i32 = 0x3001;
pub const SO_CONDITIONAL_ACCEPT: i32 = 0x3002;

// TCP and UDP options (ws2def.h, ws2tcpip.h), int.
pub const TCP_NODELAY: i32 = 0x0001;
pub const TCP_EXPEDITED_1122: i32 = 0x0002;
pub const UDP_NOCHECKSUM: i32 = 1;
pub const UDP_CHECKSUM_COVERAGE: i32 = 20;

// Address families (ws2def.h), int.
pub const AF_UNSPEC: i32 = 0;
pub const AF_UNIX: i32 = 1;
pub const AF_INET: i32 = 2;
pub const AF_IMPLINK: i32 = 3;
pub const AF_PUP: i32 = 4;
pub const AF_CHAOS: i32 = 5;
pub const AF_NS: i32 = 6;
pub const AF_IPX: i32 = AF_NS;
pub const AF_ISO: i32 = 7;
pub const AF_OSI: i32 = AF_ISO;
pub const AF_ECMA: i32 = 8;
pub const AF_DATAKIT: i32 = 9;
pub const AF_CCITT: i32 = 10;
pub const AF_SNA: i32 = 11;
pub const AF_DECnet: i32 = 12;
pub const AF_DLI: i32 = 13;
pub const AF_LAT: i32 = 14;
pub const AF_HYLINK: i32 = 15;
pub const AF_APPLETALK: i32 = 16;
pub const AF_NETBIOS: i32 = 17;
pub const AF_VOICEVIEW: i32 = 18;
pub const AF_FIREFOX: i32 = 19;
pub const AF_UNKNOWN1: i32 = 20;
pub const AF_BAN: i32 = 21;
pub const AF_ATM: i32 = 22;
pub const AF_INET6: i32 = 23;
pub const AF_CLUSTER: i32 = 24;
pub const AF_12844: i32 = 25;
pub const AF_IRDA: i32 = 26;
pub const AF_NETDES: i32 = 28;
pub const AF_TCNPROCESS: i32 = 29;
pub const AF_TCNMESSAGE: i32 = 30;
pub const AF_ICLFXBM: i32 = 31;
pub const AF_BTH: i32 = 32;
pub const AF_MAX: i32 = 33;

// Protocol families (winsock2.h), int: the same numbers as the address families.
pub const PF_UNSPEC: i32 = AF_UNSPEC;
pub const PF_UNIX: i32 = AF_UNIX;
pub const PF_INET: i32 = AF_INET;
pub const PF_IMPLINK: i32 = AF_IMPLINK;
pub const PF_PUP: i32 = AF_PUP;
pub const PF_CHAOS: i32 = AF_CHAOS;
pub const PF_NS: i32 = AF_NS;
pub const PF_IPX: i32 = AF_IPX;
pub const PF_ISO: i32 = AF_ISO;
pub const PF_OSI: i32 = AF_OSI;
pub const PF_ECMA: i32 = AF_ECMA;
pub const PF_DATAKIT: i32 = AF_DATAKIT;
pub const PF_CCITT: i32 = AF_CCITT;
pub const PF_SNA: i32 = AF_SNA;
pub const PF_DECnet: i32 = AF_DECnet;
pub const PF_DLI: i32 = AF_DLI;
pub const PF_LAT: i32 = AF_LAT;
pub const PF_HYLINK: i32 = AF_HYLINK;
pub const PF_APPLETALK: i32 = AF_APPLETALK;
pub const PF_VOICEVIEW: i32 = AF_VOICEVIEW;
pub const PF_FIREFOX: i32 = AF_FIREFOX;
pub const PF_UNKNOWN1: i32 = AF_UNKNOWN1;
pub const PF_BAN: i32 = AF_BAN;
pub const PF_ATM: i32 = AF_ATM;
pub const PF_INET6: i32 = AF_INET6;
pub const PF_BTH: i32 = AF_BTH;
pub const PF_MAX: i32 = AF_MAX;

// listen backlog and send/recv flags (winsock2.h), int.
pub const SOMAXCONN: i32 = 0x7fffffff;
pub const MSG_OOB: i32 = 0x1;
pub const MSG_PEEK: i32 = 0x2;
pub const MSG_DONTROUTE: i32 = 0x4;
pub const MSG_WAITALL: i32 = 0x8;
pub const MSG_INTERRUPT: i32 = 0x10;
pub const MSG_PUSH_IMMEDIATE: i32 = 0x20;
pub const MSG_PARTIAL: i32 = 0x8000;
pub const MSG_MAXIOVLEN: i32 = 16;
pub const MAXGETHOSTSTRUCT: i32 = 1024;

// Network events: FD_x_BIT indexes WSANETWORKEVENTS::iErrorCode (usize), FD_x = 1 << FD_x_BIT is
// the event mask bit (int, the `long` lNetworkEvents of WSAEventSelect).
pub const FD_READ_BIT: usize = 0;
pub const FD_READ: i32 = 1 << FD_READ_BIT;
pub const FD_WRITE_BIT: usize = 1;
pub const FD_WRITE: i32 = 1 << FD_WRITE_BIT;
pub const FD_OOB_BIT: usize = 2;
pub const FD_OOB: i32 = 1 << FD_OOB_BIT;
pub const FD_ACCEPT_BIT: usize = 3;
pub const FD_ACCEPT: i32 = 1 << FD_ACCEPT_BIT;
pub const FD_CONNECT_BIT: usize = 4;
pub const FD_CONNECT: i32 = 1 << FD_CONNECT_BIT;
pub const FD_CLOSE_BIT: usize = 5;
pub const FD_CLOSE: i32 = 1 << FD_CLOSE_BIT;
pub const FD_QOS_BIT: usize = 6;
pub const FD_QOS: i32 = 1 << FD_QOS_BIT;
pub const FD_GROUP_QOS_BIT: usize = 7;
pub const FD_GROUP_QOS: i32 = 1 << FD_GROUP_QOS_BIT;
pub const FD_ROUTING_INTERFACE_CHANGE_BIT: usize = 8;
pub const FD_ROUTING_INTERFACE_CHANGE: i32 = 1 << FD_ROUTING_INTERFACE_CHANGE_BIT;
pub const FD_ADDRESS_LIST_CHANGE_BIT: usize = 9;
pub const FD_ADDRESS_LIST_CHANGE: i32 = 1 << FD_ADDRESS_LIST_CHANGE_BIT;
pub const FD_ALL_EVENTS: i32 = (1 << FD_MAX_EVENTS) - 1;

// Event objects and waits (winsock2.h): DWORD results and timeouts, a NULL event.
pub const WSA_INVALID_EVENT: WSAEVENT = core::ptr::null_mut::<c_void>();
pub const WSA_MAXIMUM_WAIT_EVENTS: u32 = crate::win32::MAXIMUM_WAIT_OBJECTS;
pub const WSA_WAIT_FAILED: u32 = crate::win32::WAIT_FAILED;
pub const WSA_WAIT_EVENT_0: u32 = crate::win32::WAIT_OBJECT_0;
pub const WSA_WAIT_IO_COMPLETION: u32 = crate::win32::WAIT_IO_COMPLETION;
pub const WSA_WAIT_TIMEOUT: u32 = crate::win32::WAIT_TIMEOUT;
pub const WSA_INFINITE: u32 = crate::win32::INFINITE;

// Condition-function results (int), shutdown directions (int), group kinds (GROUP)
// (winsock2.h).
pub const CF_ACCEPT: i32 = 0x0000;
pub const CF_REJECT: i32 = 0x0001;
pub const CF_DEFER: i32 = 0x0002;
pub const SD_RECEIVE: i32 = 0x00;
pub const SD_SEND: i32 = 0x01;
pub const SD_BOTH: i32 = 0x02;
pub const SG_UNCONSTRAINED_GROUP: GROUP = 0x01;
pub const SG_CONSTRAINED_GROUP: GROUP = 0x02;

// WSAPROTOCOLCHAIN::ChainLen values (winsock2.h), int.
pub const LAYERED_PROTOCOL: i32 = 0;
pub const BASE_PROTOCOL: i32 = 1;

// WSAPROTOCOL_INFO::dwProviderFlags (winsock2.h), DWORD.
pub const PFL_MULTIPLE_PROTO_ENTRIES: u32 = 0x00000001;
pub const PFL_RECOMMENDED_PROTO_ENTRY: u32 = 0x00000002;
pub const PFL_HIDDEN: u32 = 0x00000004;
pub const PFL_MATCHES_PROTOCOL_ZERO: u32 = 0x00000008;
pub const PFL_NETWORKDIRECT_PROVIDER: u32 = 0x00000010;

// WSAPROTOCOL_INFO::dwServiceFlags1 (winsock2.h), DWORD.
pub const XP1_CONNECTIONLESS: u32 = 0x00000001;
pub const XP1_GUARANTEED_DELIVERY: u32 = 0x00000002;
pub const XP1_GUARANTEED_ORDER: u32 = 0x00000004;
pub const XP1_MESSAGE_ORIENTED: u32 = 0x00000008;
pub const XP1_PSEUDO_STREAM: u32 = 0x00000010;
pub const XP1_GRACEFUL_CLOSE: u32 = 0x00000020;
pub const XP1_EXPEDITED_DATA: u32 = 0x00000040;
pub const XP1_CONNECT_DATA: u32 = 0x00000080;
pub const XP1_DISCONNECT_DATA: u32 = 0x00000100;
pub const XP1_SUPPORT_BROADCAST: u32 = 0x00000200;
pub const XP1_SUPPORT_MULTIPOINT: u32 = 0x00000400;
pub const XP1_MULTIPOINT_CONTROL_PLANE: u32 = 0x00000800;
pub const XP1_MULTIPOINT_DATA_PLANE: u32 = 0x00001000;
pub const XP1_QOS_SUPPORTED: u32 = 0x00002000;
pub const XP1_INTERRUPT: u32 = 0x00004000;
pub const XP1_UNI_SEND: u32 = 0x00008000;
pub const XP1_UNI_RECV: u32 = 0x00010000;
pub const XP1_IFS_HANDLES: u32 = 0x00020000;
pub const XP1_PARTIAL_MESSAGE: u32 = 0x00040000;
pub const XP1_SAN_SUPPORT_SDP: u32 = 0x00080000;

// WSAPROTOCOL_INFO::iNetworkByteOrder and ::iSecurityScheme (winsock2.h), int.
pub const BIGENDIAN: i32 = 0x0000;
pub const LITTLEENDIAN: i32 = 0x0001;
pub const SECURITY_PROTOCOL_NONE: i32 = 0x0000;

// WSAJoinLeaf roles (winsock2.h), DWORD.
pub const JL_SENDER_ONLY: u32 = 0x01;
pub const JL_RECEIVER_ONLY: u32 = 0x02;
pub const JL_BOTH: u32 = 0x04;

// WSASocket flags (winsock2.h), DWORD.
pub const WSA_FLAG_OVERLAPPED: u32 = 0x01;
pub const WSA_FLAG_MULTIPOINT_C_ROOT: u32 = 0x02;
pub const WSA_FLAG_MULTIPOINT_C_LEAF: u32 = 0x04;
pub const WSA_FLAG_MULTIPOINT_D_ROOT: u32 = 0x08;
pub const WSA_FLAG_MULTIPOINT_D_LEAF: u32 = 0x10;
pub const WSA_FLAG_ACCESS_SYSTEM_SECURITY: u32 = 0x40;
pub const WSA_FLAG_NO_HANDLE_INHERIT: u32 = 0x80;
pub const WSA_FLAG_REGISTERED_IO: u32 = 0x100;

// WSAPOLLFD events (winsock2.h), SHORT.
pub const POLLRDNORM: i16 = 0x0100;
pub const POLLRDBAND: i16 = 0x0200;
pub const POLLIN: i16 = POLLRDNORM | POLLRDBAND;
pub const POLLPRI: i16 = 0x0400;
pub const POLLWRNORM: i16 = 0x0010;
pub const POLLOUT: i16 = POLLWRNORM;
pub const POLLWRBAND: i16 = 0x0020;
pub const POLLERR: i16 = 0x0001;
pub const POLLHUP: i16 = 0x0002;
pub const POLLNVAL: i16 = 0x0004;

// QoS service types (SERVICETYPE) and object types (ULONG) (qos.h).
pub const SERVICETYPE_NOTRAFFIC: SERVICETYPE = 0x00000000;
pub const SERVICETYPE_BESTEFFORT: SERVICETYPE = 0x00000001;
pub const SERVICETYPE_CONTROLLEDLOAD: SERVICETYPE = 0x00000002;
pub const SERVICETYPE_GUARANTEED: SERVICETYPE = 0x00000003;
pub const SERVICETYPE_NETWORK_UNAVAILABLE: SERVICETYPE = 0x00000004;
pub const SERVICETYPE_GENERAL_INFORMATION: SERVICETYPE = 0x00000005;
pub const SERVICETYPE_NOCHANGE: SERVICETYPE = 0x00000006;
pub const SERVICETYPE_NONCONFORMING: SERVICETYPE = 0x00000009;
pub const SERVICETYPE_NETWORK_CONTROL: SERVICETYPE = 0x0000000a;
pub const SERVICETYPE_QUALITATIVE: SERVICETYPE = 0x0000000d;
pub const QOS_NOT_SPECIFIED: u32 = 0xffffffff;
pub const POSITIVE_INFINITY_RATE: u32 = 0xfffffffe;
pub const QOS_GENERAL_ID_BASE: u32 = 2000;
pub const QOS_OBJECT_END_OF_LIST: u32 = QOS_GENERAL_ID_BASE + 1;
pub const QOS_OBJECT_SD_MODE: u32 = QOS_GENERAL_ID_BASE + 2;
pub const QOS_OBJECT_SHAPING_RATE: u32 = QOS_GENERAL_ID_BASE + 3;
pub const QOS_OBJECT_DESTADDR: u32 = QOS_GENERAL_ID_BASE + 4;
pub const TC_NONCONF_BORROW: u32 = 0;
pub const TC_NONCONF_SHAPE: u32 = 1;
pub const TC_NONCONF_DISCARD: u32 = 2;
pub const TC_NONCONF_BORROW_PLUS: u32 = 3;

// IPv4 options (ws2ipdef.h), int.
pub const IP_OPTIONS: i32 = 1;
pub const IP_HDRINCL: i32 = 2;
pub const IP_TOS: i32 = 3;
pub const IP_TTL: i32 = 4;
pub const IP_MULTICAST_IF: i32 = 9;
pub const IP_MULTICAST_TTL: i32 = 10;
pub const IP_MULTICAST_LOOP: i32 = 11;
pub const IP_ADD_MEMBERSHIP: i32 = 12;
pub const IP_DROP_MEMBERSHIP: i32 = 13;
pub const IP_DONTFRAGMENT: i32 = 14;
pub const IP_ADD_SOURCE_MEMBERSHIP: i32 = 15;
pub const IP_DROP_SOURCE_MEMBERSHIP: i32 = 16;
pub const IP_BLOCK_SOURCE: i32 = 17;
pub const IP_UNBLOCK_SOURCE: i32 = 18;
pub const IP_PKTINFO: i32 = 19;
pub const IP_HOPLIMIT: i32 = 21;
pub const IP_RECVTTL: i32 = 21;
pub const IP_RECEIVE_BROADCAST: i32 = 22;
pub const IP_RECVIF: i32 = 24;
pub const IP_RECVDSTADDR: i32 = 25;
pub const IP_IFLIST: i32 = 28;
pub const IP_ADD_IFLIST: i32 = 29;
pub const IP_DEL_IFLIST: i32 = 30;
pub const IP_UNICAST_IF: i32 = 31;
pub const IP_RTHDR: i32 = 32;
pub const IP_GET_IFLIST: i32 = 33;
pub const IP_RECVRTHDR: i32 = 38;
pub const IP_TCLASS: i32 = 39;
pub const IP_RECVTCLASS: i32 = 40;
pub const IP_RECVTOS: i32 = 40;
pub const IP_ORIGINAL_ARRIVAL_IF: i32 = 47;
pub const IP_ECN: i32 = 50;
pub const IP_PKTINFO_EX: i32 = 51;
pub const IP_WFP_REDIRECT_RECORDS: i32 = 60;
pub const IP_WFP_REDIRECT_CONTEXT: i32 = 70;
pub const IP_MTU_DISCOVER: i32 = 71;
pub const IP_MTU: i32 = 73;
pub const IP_NRT_INTERFACE: i32 = 74;
pub const IP_RECVERR: i32 = 75;
pub const IP_USER_MTU: i32 = 76;
pub const IP_UNSPECIFIED_TYPE_OF_SERVICE: i32 = -1;

// IPv6 options (ws2ipdef.h), int; IPV6_ADDRESS_BITS is a size_t in C.
pub const IPV6_ADDRESS_BITS: usize = 128;
pub const IPV6_HOPOPTS: i32 = 1;
pub const IPV6_HDRINCL: i32 = 2;
pub const IPV6_UNICAST_HOPS: i32 = 4;
pub const IPV6_MULTICAST_IF: i32 = 9;
pub const IPV6_MULTICAST_HOPS: i32 = 10;
pub const IPV6_MULTICAST_LOOP: i32 = 11;
pub const IPV6_ADD_MEMBERSHIP: i32 = 12;
pub const IPV6_JOIN_GROUP: i32 = IPV6_ADD_MEMBERSHIP;
pub const IPV6_DROP_MEMBERSHIP: i32 = 13;
pub const IPV6_LEAVE_GROUP: i32 = IPV6_DROP_MEMBERSHIP;
pub const IPV6_DONTFRAG: i32 = 14;
pub const IPV6_PKTINFO: i32 = 19;
pub const IPV6_HOPLIMIT: i32 = 21;
pub const IPV6_PROTECTION_LEVEL: i32 = 23;
pub const IPV6_RECVIF: i32 = 24;
pub const IPV6_RECVDSTADDR: i32 = 25;
pub const IPV6_CHECKSUM: i32 = 26;
pub const IPV6_V6ONLY: i32 = 27;
pub const IPV6_IFLIST: i32 = 28;
pub const IPV6_ADD_IFLIST: i32 = 29;
pub const IPV6_DEL_IFLIST: i32 = 30;
pub const IPV6_UNICAST_IF: i32 = 31;
pub const IPV6_RTHDR: i32 = 32;
pub const IPV6_GET_IFLIST: i32 = 33;
pub const IPV6_RECVRTHDR: i32 = 38;
pub const IPV6_TCLASS: i32 = 39;
pub const IPV6_RECVTCLASS: i32 = 40;
pub const IPV6_ECN: i32 = 50;
pub const IPV6_PKTINFO_EX: i32 = 51;
pub const IPV6_WFP_REDIRECT_RECORDS: i32 = 60;
pub const IPV6_WFP_REDIRECT_CONTEXT: i32 = 70;
pub const IPV6_MTU_DISCOVER: i32 = 71;
pub const IPV6_MTU: i32 = 72;
pub const IPV6_NRT_INTERFACE: i32 = 74;
pub const IPV6_RECVERR: i32 = 75;
pub const IPV6_USER_MTU: i32 = 76;
pub const IP_UNSPECIFIED_HOP_LIMIT: i32 = -1;
pub const IP_PROTECTION_LEVEL: i32 = IPV6_PROTECTION_LEVEL;

// IPV6_PROTECTION_LEVEL values (ws2ipdef.h), UINT.
pub const PROTECTION_LEVEL_UNRESTRICTED: u32 = 10;
pub const PROTECTION_LEVEL_EDGERESTRICTED: u32 = 20;
pub const PROTECTION_LEVEL_RESTRICTED: u32 = 30;
pub const PROTECTION_LEVEL_DEFAULT: u32 = u32::MAX;

// Interface flags (ws2ipdef.h), ULONG.
pub const IFF_UP: u32 = 0x00000001;
pub const IFF_BROADCAST: u32 = 0x00000002;
pub const IFF_LOOPBACK: u32 = 0x00000004;
pub const IFF_POINTTOPOINT: u32 = 0x00000008;
pub const IFF_MULTICAST: u32 = 0x00000010;

// Protocol-independent multicast options (ws2ipdef.h), int.
pub const MCAST_JOIN_GROUP: i32 = 41;
pub const MCAST_LEAVE_GROUP: i32 = 42;
pub const MCAST_BLOCK_SOURCE: i32 = 43;
pub const MCAST_UNBLOCK_SOURCE: i32 = 44;
pub const MCAST_JOIN_SOURCE_GROUP: i32 = 45;
pub const MCAST_LEAVE_SOURCE_GROUP: i32 = 46;

// getaddrinfo flags (ws2def.h), int.
pub const AI_PASSIVE: i32 = 0x00000001;
pub const AI_CANONNAME: i32 = 0x00000002;
pub const AI_NUMERICHOST: i32 = 0x00000004;
pub const AI_NUMERICSERV: i32 = 0x00000008;
pub const AI_ALL: i32 = 0x00000100;
pub const AI_ADDRCONFIG: i32 = 0x00000400;
pub const AI_V4MAPPED: i32 = 0x00000800;
pub const AI_NON_AUTHORITATIVE: i32 = 0x00004000;
pub const AI_SECURE: i32 = 0x00008000;
pub const AI_RETURN_PREFERRED_NAMES: i32 = 0x00010000;
pub const AI_FQDN: i32 = 0x00020000;
pub const AI_FILESERVER: i32 = 0x00040000;
pub const AI_DISABLE_IDN_ENCODING: i32 = 0x00080000;

// getnameinfo buffer lengths (usize) and flags (int) (ws2def.h, ws2ipdef.h).
pub const NI_MAXHOST: usize = 1025;
pub const NI_MAXSERV: usize = 32;
pub const INET_ADDRSTRLEN: usize = 22;
pub const INET6_ADDRSTRLEN: usize = 65;
pub const NI_NOFQDN: i32 = 0x01;
pub const NI_NUMERICHOST: i32 = 0x02;
pub const NI_NAMEREQD: i32 = 0x04;
pub const NI_NUMERICSERV: i32 = 0x08;
pub const NI_DGRAM: i32 = 0x10;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::WSAECONNRESET;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn spec_layouts() {
        // Spec §13 items 3, 5, 6.
        assert_eq!(size_of::<WSAPROTOCOL_INFOW>(), 628);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, dwCatalogEntryId), 36);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, ProtocolChain), 40);
        assert_eq!(offset_of!(WSAPROTOCOL_INFOW, szProtocol), 116);
        assert_eq!(size_of::<WSAPROTOCOL_INFOA>(), 372);
        assert_eq!(size_of::<fd_set>(), 520);
        assert_eq!(offset_of!(fd_set, fd_array), 8);
        assert_eq!(size_of::<WSANETWORKEVENTS>(), 44);
        assert_eq!(size_of::<WSABUF>(), 16);
        assert_eq!(size_of::<WSAOVERLAPPED>(), 32);
        assert_eq!(size_of::<SOCKADDR_STORAGE>(), 128);
        assert_eq!(align_of::<SOCKADDR_IN6>(), 4);
        assert_eq!(size_of::<WSADATA>(), 408);
    }

    #[test]
    fn spec_values() {
        // Spec §13 item 8.
        assert_eq!(WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNRESET), 0x27460020);
        assert_eq!(WSAGETSELECTEVENT(0x27460020), FD_CLOSE as u16);
        assert_eq!(WSAGETSELECTERROR(0x27460020), WSAECONNRESET as u16);
        assert_eq!(FD_ALL_EVENTS, 0x3ff);
        assert_eq!(XP1_IFS_HANDLES, 0x20000);
        assert_eq!(FIONBIO, 0x8004667e);
        assert_eq!(SIO_GET_EXTENSION_FUNCTION_POINTER, 0xc8000006);
        assert_eq!(INVALID_SOCKET, usize::MAX);
        assert_eq!(WINSOCK_VERSION, 0x0202);
    }
}
