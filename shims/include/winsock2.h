/*
 * winsock2.h - the Windows Sockets 2 application interface.
 * Part of the ws2emu Windows shims (see ws2emu.h).
 *
 * Layout and values are those of Windows x64. Linux-specific notes:
 *
 *  - Names that glibc also uses (fd_set, struct timeval, u_long, select, gethostname) are
 *    renamed to ws2emu_* by macros in ws2emu.h, so in a file that includes this header they mean
 *    the Winsock ones, whatever the include order with the C library headers.
 *  - Winsock functions whose name is also a libc function (socket, send, recv, connect, ...) are
 *    declared with an assembler label (WS2EMU_SYMBOL) and link to ws2emu_<name>; the ws2emu
 *    library never exports a libc name. Winsock-only names (WSA*, closesocket, ...) keep theirs.
 *  - WSAAPI is the native C calling convention.
 */
#ifndef _WINSOCK2API_
#define _WINSOCK2API_
/* Winsock 2 supersedes winsock.h: mark it as included, as the SDK does. */
#ifndef _WINSOCKAPI_
#define _WINSOCKAPI_
#endif

#include <ws2emu.h>
#include <windows.h>
#include <winnt.h>
#include <winbase.h>
#include <winerror.h>
#include <ws2def.h>
#include <inaddr.h>
#include <qos.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINSOCK_API_LINKAGE
#define WINSOCK_API_LINKAGE
#endif
#ifndef WSAAPI
#define WSAAPI
#endif

#ifndef MAKEWORD
#define MAKEWORD(a, b) ((WORD)(((BYTE)(a)) | (((WORD)((BYTE)(b))) << 8)))
#endif
#define WINSOCK_VERSION MAKEWORD(2, 2)

/* --------------------------------------------------------------------------------------------
 * Basic types. u_long is 32-bit as on Windows (the name is macro-renamed by ws2emu.h, because
 * glibc's <sys/types.h> has a 64-bit u_long).
 * ------------------------------------------------------------------------------------------ */
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned int u_long;
typedef unsigned __int64 u_int64;

typedef UINT_PTR SOCKET;

#define INVALID_SOCKET ((SOCKET)(~0))
#define SOCKET_ERROR   (-1)

/* --------------------------------------------------------------------------------------------
 * fd_set: a counted array of sockets, not a bitmap. FD_SETSIZE may be defined by the
 * application before this header to enlarge it.
 * ------------------------------------------------------------------------------------------ */
#ifndef FD_SETSIZE
#define FD_SETSIZE 64
#endif

typedef struct fd_set {
    u_int fd_count;
    SOCKET fd_array[FD_SETSIZE];
} fd_set, FD_SET, *PFD_SET, *LPFD_SET;

/* Nonzero when s is in set (FD_ISSET); ws2emu exports it under this name. */
WINSOCK_API_LINKAGE int WSAAPI __WSAFDIsSet(SOCKET s, fd_set *set);

#undef FD_CLR
#undef FD_SET
#undef FD_ZERO
#undef FD_ISSET

/* Removes fd from set, keeping the order of the others. */
#define FD_CLR(fd, set)                                                                 \
    do {                                                                                \
        fd_set *ws2emu_fds_ = (fd_set *)(set);                                          \
        SOCKET ws2emu_fdv_ = (SOCKET)(fd);                                              \
        u_int ws2emu_fdi_;                                                              \
        for (ws2emu_fdi_ = 0; ws2emu_fdi_ < ws2emu_fds_->fd_count; ws2emu_fdi_++) {     \
            if (ws2emu_fds_->fd_array[ws2emu_fdi_] == ws2emu_fdv_) {                    \
                for (; ws2emu_fdi_ + 1 < ws2emu_fds_->fd_count; ws2emu_fdi_++)          \
                    ws2emu_fds_->fd_array[ws2emu_fdi_] =                                \
                        ws2emu_fds_->fd_array[ws2emu_fdi_ + 1];                         \
                ws2emu_fds_->fd_count--;                                                \
                break;                                                                  \
            }                                                                           \
        }                                                                               \
    } while (0)

/* Appends fd to set unless it is already there or the set is full. */
#define FD_SET(fd, set)                                                                 \
    do {                                                                                \
        fd_set *ws2emu_fds_ = (fd_set *)(set);                                          \
        SOCKET ws2emu_fdv_ = (SOCKET)(fd);                                              \
        u_int ws2emu_fdi_;                                                              \
        for (ws2emu_fdi_ = 0; ws2emu_fdi_ < ws2emu_fds_->fd_count; ws2emu_fdi_++) {     \
            if (ws2emu_fds_->fd_array[ws2emu_fdi_] == ws2emu_fdv_)                      \
                break;                                                                  \
        }                                                                               \
        if (ws2emu_fdi_ == ws2emu_fds_->fd_count && ws2emu_fdi_ < (u_int)FD_SETSIZE) {  \
            ws2emu_fds_->fd_array[ws2emu_fdi_] = ws2emu_fdv_;                           \
            ws2emu_fds_->fd_count++;                                                    \
        }                                                                               \
    } while (0)

#define FD_ZERO(set) (((fd_set *)(set))->fd_count = 0)

#define FD_ISSET(fd, set) __WSAFDIsSet((SOCKET)(fd), (fd_set *)(set))

/* --------------------------------------------------------------------------------------------
 * struct timeval: two 32-bit LONGs (8 bytes), unlike glibc's (renamed by ws2emu.h).
 * ------------------------------------------------------------------------------------------ */
typedef struct timeval {
    LONG tv_sec;
    LONG tv_usec;
} TIMEVAL, *PTIMEVAL, *LPTIMEVAL;

#undef timerisset
#undef timercmp
#undef timerclear
#define timerisset(tvp) ((tvp)->tv_sec || (tvp)->tv_usec)
/* As on Windows, only correct for <, > and != (not for <=, >= or ==). */
#define timercmp(tvp, uvp, cmp)                 \
    (((tvp)->tv_sec cmp (uvp)->tv_sec) ||       \
     ((tvp)->tv_sec == (uvp)->tv_sec && (tvp)->tv_usec cmp (uvp)->tv_usec))
#define timerclear(tvp) ((tvp)->tv_sec = (tvp)->tv_usec = 0)

/* --------------------------------------------------------------------------------------------
 * BSD-style ioctl codes for ioctlsocket().
 * ------------------------------------------------------------------------------------------ */
#undef _IO
#undef _IOR
#undef _IOW
#define _IO(x, y)     (IOC_VOID | ((x) << 8) | (y))
#define _IOR(x, y, t) (IOC_OUT | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))
#define _IOW(x, y, t) (IOC_IN | (((LONG)sizeof(t) & IOCPARM_MASK) << 16) | ((x) << 8) | (y))

#define FIONREAD   _IOR('f', 127, u_long)   /* bytes ready to read */
#define FIONBIO    _IOW('f', 126, u_long)   /* set/clear non-blocking mode */
#define FIOASYNC   _IOW('f', 125, u_long)   /* set/clear async I/O */
#define SIOCSHIWAT _IOW('s', 0, u_long)
#define SIOCGHIWAT _IOR('s', 1, u_long)
#define SIOCSLOWAT _IOW('s', 2, u_long)
#define SIOCGLOWAT _IOR('s', 3, u_long)
#define SIOCATMARK _IOR('s', 7, u_long)     /* at out-of-band mark? */

/* --------------------------------------------------------------------------------------------
 * Database entries returned by the gethostby* / getservby* / getprotoby* functions.
 * ------------------------------------------------------------------------------------------ */
typedef struct hostent {
    char *h_name;
    char **h_aliases;
    short h_addrtype;
    short h_length;
    char **h_addr_list;
} HOSTENT, *PHOSTENT, *LPHOSTENT;
#define h_addr h_addr_list[0]

struct netent {
    char *n_name;
    char **n_aliases;
    short n_addrtype;
    u_long n_net;
};

/* x64 member order: s_proto comes before s_port. */
typedef struct servent {
    char *s_name;
    char **s_aliases;
    char *s_proto;
    short s_port;
} SERVENT, *PSERVENT, *LPSERVENT;

typedef struct protoent {
    char *p_name;
    char **p_aliases;
    short p_proto;
} PROTOENT, *PPROTOENT, *LPPROTOENT;

struct sockproto {
    u_short sp_family;
    u_short sp_protocol;
};

typedef struct linger {
    u_short l_onoff;
    u_short l_linger;
} LINGER, *PLINGER, *LPLINGER;

/* --------------------------------------------------------------------------------------------
 * WSAStartup data (x64 member order: the counters and the vendor pointer come first).
 * ------------------------------------------------------------------------------------------ */
#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN  128

typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

/* --------------------------------------------------------------------------------------------
 * Socket types, protocol families, options, flags.
 * ------------------------------------------------------------------------------------------ */
#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_RDM       4
#define SOCK_SEQPACKET 5

#define SO_PROTOCOL_INFOA 0x2004
#define SO_PROTOCOL_INFOW 0x2005
#ifdef UNICODE
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOW
#else
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOA
#endif
#define PVD_CONFIG 0x3001

#define FROM_PROTOCOL_INFO (-1)

#define PF_UNSPEC    AF_UNSPEC
#define PF_UNIX      AF_UNIX
#define PF_INET      AF_INET
#define PF_IMPLINK   AF_IMPLINK
#define PF_PUP       AF_PUP
#define PF_CHAOS     AF_CHAOS
#define PF_NS        AF_NS
#define PF_IPX       AF_IPX
#define PF_ISO       AF_ISO
#define PF_OSI       AF_OSI
#define PF_ECMA      AF_ECMA
#define PF_DATAKIT   AF_DATAKIT
#define PF_CCITT     AF_CCITT
#define PF_SNA       AF_SNA
#define PF_DECnet    AF_DECnet
#define PF_DLI       AF_DLI
#define PF_LAT       AF_LAT
#define PF_HYLINK    AF_HYLINK
#define PF_APPLETALK AF_APPLETALK
#define PF_VOICEVIEW AF_VOICEVIEW
#define PF_FIREFOX   AF_FIREFOX
#define PF_UNKNOWN1  AF_UNKNOWN1
#define PF_BAN       AF_BAN
#define PF_ATM       AF_ATM
#define PF_INET6     AF_INET6
#define PF_BTH       AF_BTH
#define PF_MAX       AF_MAX

#define SOMAXCONN 0x7fffffff
/* A backlog hint of b connections, for listen(). */
#define SOMAXCONN_HINT(b) (-(b))

#define MSG_OOB            0x1
#define MSG_PEEK           0x2
#define MSG_DONTROUTE      0x4
#define MSG_WAITALL        0x8
#define MSG_PUSH_IMMEDIATE 0x20
#define MSG_PARTIAL        0x8000
#define MSG_INTERRUPT      0x10
#define MSG_MAXIOVLEN      16

#define MAXGETHOSTSTRUCT 1024

/* --------------------------------------------------------------------------------------------
 * Network events (WSAAsyncSelect, WSAEventSelect): bit numbers and masks.
 * ------------------------------------------------------------------------------------------ */
#define FD_READ_BIT                     0
#define FD_READ                         (1 << FD_READ_BIT)
#define FD_WRITE_BIT                    1
#define FD_WRITE                        (1 << FD_WRITE_BIT)
#define FD_OOB_BIT                      2
#define FD_OOB                          (1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT                   3
#define FD_ACCEPT                       (1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT                  4
#define FD_CONNECT                      (1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT                    5
#define FD_CLOSE                        (1 << FD_CLOSE_BIT)
#define FD_QOS_BIT                      6
#define FD_QOS                          (1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT                7
#define FD_GROUP_QOS                    (1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE     (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT      9
#define FD_ADDRESS_LIST_CHANGE          (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS                   10
#define FD_ALL_EVENTS                   ((1 << FD_MAX_EVENTS) - 1)

/* Packing of the lParam of WSAAsyncSelect / WSAAsyncGetXByY messages: low word = event or
 * buffer length, high word = error code. */
#define WSAMAKEASYNCREPLY(buflen, error) ((LONG)MAKELONG(buflen, error))
#define WSAMAKESELECTREPLY(event, error) ((LONG)MAKELONG(event, error))
#define WSAGETASYNCBUFLEN(lParam)        LOWORD(lParam)
#define WSAGETASYNCERROR(lParam)         HIWORD(lParam)
#define WSAGETSELECTEVENT(lParam)        LOWORD(lParam)
#define WSAGETSELECTERROR(lParam)        HIWORD(lParam)

/* --------------------------------------------------------------------------------------------
 * Error-code aliases. The WSA* codes themselves are in winerror.h.
 * ------------------------------------------------------------------------------------------ */
#undef h_errno
#define h_errno        WSAGetLastError()
#define HOST_NOT_FOUND WSAHOST_NOT_FOUND
#define TRY_AGAIN      WSATRY_AGAIN
#define NO_RECOVERY    WSANO_RECOVERY
#define NO_DATA        WSANO_DATA
#define WSANO_ADDRESS  WSANO_DATA
#define NO_ADDRESS     WSANO_ADDRESS

/* --------------------------------------------------------------------------------------------
 * Event objects and overlapped I/O (Win32 objects under Winsock names).
 * ------------------------------------------------------------------------------------------ */
#define WSAEVENT      HANDLE
#define LPWSAEVENT    LPHANDLE
#define WSAOVERLAPPED OVERLAPPED
typedef OVERLAPPED *LPWSAOVERLAPPED;

#define WSA_IO_PENDING          (ERROR_IO_PENDING)
#define WSA_IO_INCOMPLETE       (ERROR_IO_INCOMPLETE)
#define WSA_INVALID_HANDLE      (ERROR_INVALID_HANDLE)
#define WSA_INVALID_PARAMETER   (ERROR_INVALID_PARAMETER)
#define WSA_NOT_ENOUGH_MEMORY   (ERROR_NOT_ENOUGH_MEMORY)
#define WSA_OPERATION_ABORTED   (ERROR_OPERATION_ABORTED)

#define WSA_INVALID_EVENT       ((WSAEVENT)NULL)
#define WSA_MAXIMUM_WAIT_EVENTS (MAXIMUM_WAIT_OBJECTS)
#define WSA_WAIT_FAILED         (WAIT_FAILED)
#define WSA_WAIT_EVENT_0        (WAIT_OBJECT_0)
#define WSA_WAIT_IO_COMPLETION  (WAIT_IO_COMPLETION)
#define WSA_WAIT_TIMEOUT        (WAIT_TIMEOUT)
#define WSA_INFINITE            (INFINITE)

/* --------------------------------------------------------------------------------------------
 * Quality of service, connection conditions, groups.
 * ------------------------------------------------------------------------------------------ */
typedef struct _QualityOfService {
    FLOWSPEC SendingFlowspec;
    FLOWSPEC ReceivingFlowspec;
    WSABUF ProviderSpecific;
} QOS, *LPQOS;

/* Return values of a WSAAccept condition function. */
#define CF_ACCEPT 0x0000
#define CF_REJECT 0x0001
#define CF_DEFER  0x0002

/* shutdown() directions. */
#define SD_RECEIVE 0x00
#define SD_SEND    0x01
#define SD_BOTH    0x02

typedef unsigned int GROUP;

#define SG_UNCONSTRAINED_GROUP 0x01
#define SG_CONSTRAINED_GROUP   0x02

typedef struct _WSANETWORKEVENTS {
    LONG lNetworkEvents;
    int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

/* --------------------------------------------------------------------------------------------
 * Protocol catalog entries.
 * ------------------------------------------------------------------------------------------ */
#define MAX_PROTOCOL_CHAIN 7
#define BASE_PROTOCOL      1
#define LAYERED_PROTOCOL   0

typedef struct _WSAPROTOCOLCHAIN {
    int ChainLen;                            /* 0: layered, 1: base, 2..7: chain */
    DWORD ChainEntries[MAX_PROTOCOL_CHAIN];  /* catalog ids, top layer first */
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

#define WSAPROTOCOL_LEN 255

typedef struct _WSAPROTOCOL_INFOA {
    DWORD dwServiceFlags1;
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder;
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;

typedef struct _WSAPROTOCOL_INFOW {
    DWORD dwServiceFlags1;
    DWORD dwServiceFlags2;
    DWORD dwServiceFlags3;
    DWORD dwServiceFlags4;
    DWORD dwProviderFlags;
    GUID ProviderId;
    DWORD dwCatalogEntryId;
    WSAPROTOCOLCHAIN ProtocolChain;
    int iVersion;
    int iAddressFamily;
    int iMaxSockAddr;
    int iMinSockAddr;
    int iSocketType;
    int iProtocol;
    int iProtocolMaxOffset;
    int iNetworkByteOrder;
    int iSecurityScheme;
    DWORD dwMessageSize;
    DWORD dwProviderReserved;
    WCHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

#ifdef UNICODE
typedef WSAPROTOCOL_INFOW WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOW LPWSAPROTOCOL_INFO;
#else
typedef WSAPROTOCOL_INFOA WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOA LPWSAPROTOCOL_INFO;
#endif

/* dwProviderFlags */
#define PFL_MULTIPLE_PROTO_ENTRIES  0x00000001
#define PFL_RECOMMENDED_PROTO_ENTRY 0x00000002
#define PFL_HIDDEN                  0x00000004
#define PFL_MATCHES_PROTOCOL_ZERO   0x00000008
#define PFL_NETWORKDIRECT_PROVIDER  0x00000010

/* dwServiceFlags1 */
#define XP1_CONNECTIONLESS           0x00000001
#define XP1_GUARANTEED_DELIVERY      0x00000002
#define XP1_GUARANTEED_ORDER         0x00000004
#define XP1_MESSAGE_ORIENTED         0x00000008
#define XP1_PSEUDO_STREAM            0x00000010
#define XP1_GRACEFUL_CLOSE           0x00000020
#define XP1_EXPEDITED_DATA           0x00000040
#define XP1_CONNECT_DATA             0x00000080
#define XP1_DISCONNECT_DATA          0x00000100
#define XP1_SUPPORT_BROADCAST        0x00000200
#define XP1_SUPPORT_MULTIPOINT       0x00000400
#define XP1_MULTIPOINT_CONTROL_PLANE 0x00000800
#define XP1_MULTIPOINT_DATA_PLANE    0x00001000
#define XP1_QOS_SUPPORTED            0x00002000
#define XP1_INTERRUPT                0x00004000
#define XP1_UNI_SEND                 0x00008000
#define XP1_UNI_RECV                 0x00010000
#define XP1_IFS_HANDLES              0x00020000
#define XP1_PARTIAL_MESSAGE          0x00040000
#define XP1_SAN_SUPPORT_SDP          0x00080000

/* iNetworkByteOrder, iSecurityScheme */
#define BIGENDIAN              0x0000
#define LITTLEENDIAN           0x0001
#define SECURITY_PROTOCOL_NONE 0x0000

/* WSAJoinLeaf flags */
#define JL_SENDER_ONLY   0x01
#define JL_RECEIVER_ONLY 0x02
#define JL_BOTH          0x04

/* WSASocket flags */
#define WSA_FLAG_OVERLAPPED             0x01
#define WSA_FLAG_MULTIPOINT_C_ROOT      0x02
#define WSA_FLAG_MULTIPOINT_C_LEAF      0x04
#define WSA_FLAG_MULTIPOINT_D_ROOT      0x08
#define WSA_FLAG_MULTIPOINT_D_LEAF      0x10
#define WSA_FLAG_ACCESS_SYSTEM_SECURITY 0x40
#define WSA_FLAG_NO_HANDLE_INHERIT      0x80
#define WSA_FLAG_REGISTERED_IO          0x100

/* --------------------------------------------------------------------------------------------
 * Callbacks.
 * ------------------------------------------------------------------------------------------ */
typedef int (CALLBACK *LPCONDITIONPROC)(LPWSABUF lpCallerId, LPWSABUF lpCallerData,
                                        LPQOS lpSQOS, LPQOS lpGQOS, LPWSABUF lpCalleeId,
                                        LPWSABUF lpCalleeData, GROUP *g,
                                        DWORD_PTR dwCallbackData);

typedef void (CALLBACK *LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                            LPWSAOVERLAPPED lpOverlapped,
                                                            DWORD dwFlags);

/* --------------------------------------------------------------------------------------------
 * WSAPoll.
 * ------------------------------------------------------------------------------------------ */
#define POLLRDNORM 0x0100
#define POLLRDBAND 0x0200
#define POLLIN     (POLLRDNORM | POLLRDBAND)
#define POLLPRI    0x0400
#define POLLWRNORM 0x0010
#define POLLOUT    (POLLWRNORM)
#define POLLWRBAND 0x0020
#define POLLERR    0x0001
#define POLLHUP    0x0002
#define POLLNVAL   0x0004

typedef struct pollfd {
    SOCKET fd;
    SHORT events;
    SHORT revents;
} WSAPOLLFD, *PWSAPOLLFD, *LPWSAPOLLFD;

/* --------------------------------------------------------------------------------------------
 * BSD-style functions. Those whose name libc also has link to ws2emu_<name> (see top);
 * select and gethostname are renamed to ws2emu_* by ws2emu.h already.
 * ------------------------------------------------------------------------------------------ */
WINSOCK_API_LINKAGE SOCKET WSAAPI accept(SOCKET s, struct sockaddr *addr, int *addrlen)
    WS2EMU_SYMBOL(accept);
WINSOCK_API_LINKAGE int WSAAPI bind(SOCKET s, const struct sockaddr *name, int namelen)
    WS2EMU_SYMBOL(bind);
WINSOCK_API_LINKAGE int WSAAPI closesocket(SOCKET s);
WINSOCK_API_LINKAGE int WSAAPI connect(SOCKET s, const struct sockaddr *name, int namelen)
    WS2EMU_SYMBOL(connect);
WINSOCK_API_LINKAGE int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long *argp);
WINSOCK_API_LINKAGE int WSAAPI getpeername(SOCKET s, struct sockaddr *name, int *namelen)
    WS2EMU_SYMBOL(getpeername);
WINSOCK_API_LINKAGE int WSAAPI getsockname(SOCKET s, struct sockaddr *name, int *namelen)
    WS2EMU_SYMBOL(getsockname);
WINSOCK_API_LINKAGE int WSAAPI getsockopt(SOCKET s, int level, int optname, char *optval,
                                          int *optlen) WS2EMU_SYMBOL(getsockopt);

/* Byte-order conversions behave exactly like libc's, so these are plain declarations that
 * resolve to the C library's htonl/htons/ntohl/ntohs (u_long is 32-bit, like uint32_t); the
 * ws2emu library does not export them. */
WINSOCK_API_LINKAGE u_long WSAAPI htonl(u_long hostlong);
WINSOCK_API_LINKAGE u_short WSAAPI htons(u_short hostshort);
WINSOCK_API_LINKAGE u_long WSAAPI ntohl(u_long netlong);
WINSOCK_API_LINKAGE u_short WSAAPI ntohs(u_short netshort);

WINSOCK_API_LINKAGE ULONG WSAAPI inet_addr(const char *cp) WS2EMU_SYMBOL(inet_addr);
WINSOCK_API_LINKAGE char *WSAAPI inet_ntoa(struct in_addr in) WS2EMU_SYMBOL(inet_ntoa);
WINSOCK_API_LINKAGE int WSAAPI listen(SOCKET s, int backlog) WS2EMU_SYMBOL(listen);
WINSOCK_API_LINKAGE int WSAAPI recv(SOCKET s, char *buf, int len, int flags)
    WS2EMU_SYMBOL(recv);
WINSOCK_API_LINKAGE int WSAAPI recvfrom(SOCKET s, char *buf, int len, int flags,
                                        struct sockaddr *from, int *fromlen)
    WS2EMU_SYMBOL(recvfrom);
WINSOCK_API_LINKAGE int WSAAPI select(int nfds, fd_set *readfds, fd_set *writefds,
                                      fd_set *exceptfds, const struct timeval *timeout);
WINSOCK_API_LINKAGE int WSAAPI send(SOCKET s, const char *buf, int len, int flags)
    WS2EMU_SYMBOL(send);
WINSOCK_API_LINKAGE int WSAAPI sendto(SOCKET s, const char *buf, int len, int flags,
                                      const struct sockaddr *to, int tolen)
    WS2EMU_SYMBOL(sendto);
WINSOCK_API_LINKAGE int WSAAPI setsockopt(SOCKET s, int level, int optname, const char *optval,
                                          int optlen) WS2EMU_SYMBOL(setsockopt);
WINSOCK_API_LINKAGE int WSAAPI shutdown(SOCKET s, int how) WS2EMU_SYMBOL(shutdown);
WINSOCK_API_LINKAGE SOCKET WSAAPI socket(int af, int type, int protocol) WS2EMU_SYMBOL(socket);

WINSOCK_API_LINKAGE struct hostent *WSAAPI gethostbyaddr(const char *addr, int len, int type)
    WS2EMU_SYMBOL(gethostbyaddr);
WINSOCK_API_LINKAGE struct hostent *WSAAPI gethostbyname(const char *name)
    WS2EMU_SYMBOL(gethostbyname);
WINSOCK_API_LINKAGE int WSAAPI gethostname(char *name, int namelen);
WINSOCK_API_LINKAGE int WSAAPI GetHostNameW(PWSTR name, int namelen);
WINSOCK_API_LINKAGE struct servent *WSAAPI getservbyport(int port, const char *proto)
    WS2EMU_SYMBOL(getservbyport);
WINSOCK_API_LINKAGE struct servent *WSAAPI getservbyname(const char *name, const char *proto)
    WS2EMU_SYMBOL(getservbyname);
WINSOCK_API_LINKAGE struct protoent *WSAAPI getprotobynumber(int number)
    WS2EMU_SYMBOL(getprotobynumber);
WINSOCK_API_LINKAGE struct protoent *WSAAPI getprotobyname(const char *name)
    WS2EMU_SYMBOL(getprotobyname);

/* --------------------------------------------------------------------------------------------
 * Winsock 1.1 extensions.
 * ------------------------------------------------------------------------------------------ */
WINSOCK_API_LINKAGE int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
WINSOCK_API_LINKAGE int WSAAPI WSACleanup(void);
WINSOCK_API_LINKAGE void WSAAPI WSASetLastError(int iError);
WINSOCK_API_LINKAGE int WSAAPI WSAGetLastError(void);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAIsBlocking(void);
WINSOCK_API_LINKAGE int WSAAPI WSAUnhookBlockingHook(void);
WINSOCK_API_LINKAGE FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc);
WINSOCK_API_LINKAGE int WSAAPI WSACancelBlockingCall(void);
WINSOCK_API_LINKAGE HANDLE WSAAPI WSAAsyncGetServByName(HWND hWnd, u_int wMsg, const char *name,
                                                        const char *proto, char *buf,
                                                        int buflen);
WINSOCK_API_LINKAGE HANDLE WSAAPI WSAAsyncGetServByPort(HWND hWnd, u_int wMsg, int port,
                                                        const char *proto, char *buf,
                                                        int buflen);
WINSOCK_API_LINKAGE HANDLE WSAAPI WSAAsyncGetProtoByName(HWND hWnd, u_int wMsg, const char *name,
                                                         char *buf, int buflen);
WINSOCK_API_LINKAGE HANDLE WSAAPI WSAAsyncGetProtoByNumber(HWND hWnd, u_int wMsg, int number,
                                                           char *buf, int buflen);
WINSOCK_API_LINKAGE HANDLE WSAAPI WSAAsyncGetHostByName(HWND hWnd, u_int wMsg, const char *name,
                                                        char *buf, int buflen);
WINSOCK_API_LINKAGE HANDLE WSAAPI WSAAsyncGetHostByAddr(HWND hWnd, u_int wMsg, const char *addr,
                                                        int len, int type, char *buf,
                                                        int buflen);
WINSOCK_API_LINKAGE int WSAAPI WSACancelAsyncRequest(HANDLE hAsyncTaskHandle);
WINSOCK_API_LINKAGE int WSAAPI WSAAsyncSelect(SOCKET s, HWND hWnd, u_int wMsg, LONG lEvent);

/* --------------------------------------------------------------------------------------------
 * Winsock 2 functions.
 * ------------------------------------------------------------------------------------------ */
WINSOCK_API_LINKAGE SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                            LPCONDITIONPROC lpfnCondition,
                                            DWORD_PTR dwCallbackData);
WINSOCK_API_LINKAGE BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE int WSAAPI WSAConnect(SOCKET s, const struct sockaddr *name, int namelen,
                                          LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
                                          LPQOS lpSQOS, LPQOS lpGQOS);
WINSOCK_API_LINKAGE WSAEVENT WSAAPI WSACreateEvent(void);
WINSOCK_API_LINKAGE int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD dwProcessId,
                                                   LPWSAPROTOCOL_INFOA lpProtocolInfo);
WINSOCK_API_LINKAGE int WSAAPI WSADuplicateSocketW(SOCKET s, DWORD dwProcessId,
                                                   LPWSAPROTOCOL_INFOW lpProtocolInfo);
WINSOCK_API_LINKAGE int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject,
                                                    LPWSANETWORKEVENTS lpNetworkEvents);
WINSOCK_API_LINKAGE int WSAAPI WSAEnumProtocolsA(LPINT lpiProtocols,
                                                 LPWSAPROTOCOL_INFOA lpProtocolBuffer,
                                                 LPDWORD lpdwBufferLength);
WINSOCK_API_LINKAGE int WSAAPI WSAEnumProtocolsW(LPINT lpiProtocols,
                                                 LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                                                 LPDWORD lpdwBufferLength);
WINSOCK_API_LINKAGE int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject,
                                              LONG lNetworkEvents);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                       LPDWORD lpcbTransfer, BOOL fWait,
                                                       LPDWORD lpdwFlags);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAGetQOSByName(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS);
WINSOCK_API_LINKAGE int WSAAPI WSAHtonl(SOCKET s, u_long hostlong, u_long *lpnetlong);
WINSOCK_API_LINKAGE int WSAAPI WSAHtons(SOCKET s, u_short hostshort, u_short *lpnetshort);
WINSOCK_API_LINKAGE int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                                        DWORD cbInBuffer, LPVOID lpvOutBuffer,
                                        DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                                        LPWSAOVERLAPPED lpOverlapped,
                                        LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE SOCKET WSAAPI WSAJoinLeaf(SOCKET s, const struct sockaddr *name, int namelen,
                                              LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
                                              LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags);
WINSOCK_API_LINKAGE int WSAAPI WSANtohl(SOCKET s, u_long netlong, u_long *lphostlong);
WINSOCK_API_LINKAGE int WSAAPI WSANtohs(SOCKET s, u_short netshort, u_short *lphostshort);
WINSOCK_API_LINKAGE int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                       LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                       LPWSAOVERLAPPED lpOverlapped,
                                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSARecvDisconnect(SOCKET s, LPWSABUF lpInboundDisconnectData);
WINSOCK_API_LINKAGE int WSAAPI WSARecvFrom(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                           LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                           struct sockaddr *lpFrom, LPINT lpFromlen,
                                           LPWSAOVERLAPPED lpOverlapped,
                                           LPWSAOVERLAPPED_COMPLETION_ROUTINE
                                               lpCompletionRoutine);
WINSOCK_API_LINKAGE BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                       LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                       LPWSAOVERLAPPED lpOverlapped,
                                       LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSASendMsg(SOCKET Handle, LPWSAMSG lpMsg, DWORD dwFlags,
                                          LPDWORD lpNumberOfBytesSent,
                                          LPWSAOVERLAPPED lpOverlapped,
                                          LPWSAOVERLAPPED_COMPLETION_ROUTINE
                                              lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSASendDisconnect(SOCKET s, LPWSABUF lpOutboundDisconnectData);
WINSOCK_API_LINKAGE int WSAAPI WSASendTo(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                         LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                         const struct sockaddr *lpTo, int iTolen,
                                         LPWSAOVERLAPPED lpOverlapped,
                                         LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINSOCK_API_LINKAGE BOOL WSAAPI WSASetEvent(WSAEVENT hEvent);
WINSOCK_API_LINKAGE SOCKET WSAAPI WSASocketA(int af, int type, int protocol,
                                             LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g,
                                             DWORD dwFlags);
WINSOCK_API_LINKAGE SOCKET WSAAPI WSASocketW(int af, int type, int protocol,
                                             LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g,
                                             DWORD dwFlags);
WINSOCK_API_LINKAGE DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents,
                                                          const WSAEVENT *lphEvents,
                                                          BOOL fWaitAll, DWORD dwTimeout,
                                                          BOOL fAlertable);
WINSOCK_API_LINKAGE INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress,
                                                   DWORD dwAddressLength,
                                                   LPWSAPROTOCOL_INFOA lpProtocolInfo,
                                                   LPSTR lpszAddressString,
                                                   LPDWORD lpdwAddressStringLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress,
                                                   DWORD dwAddressLength,
                                                   LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                                   LPWSTR lpszAddressString,
                                                   LPDWORD lpdwAddressStringLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                                                   LPWSAPROTOCOL_INFOA lpProtocolInfo,
                                                   LPSOCKADDR lpAddress, LPINT lpAddressLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                                                   LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                                   LPSOCKADDR lpAddress, LPINT lpAddressLength);
WINSOCK_API_LINKAGE INT WSAAPI WSAProviderConfigChange(LPHANDLE lpNotificationHandle,
                                                       LPWSAOVERLAPPED lpOverlapped,
                                                       LPWSAOVERLAPPED_COMPLETION_ROUTINE
                                                           lpCompletionRoutine);
WINSOCK_API_LINKAGE int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout);

/* ANSI / Unicode selection. */
#ifdef UNICODE
#define WSADuplicateSocket  WSADuplicateSocketW
#define WSAEnumProtocols    WSAEnumProtocolsW
#define WSASocket           WSASocketW
#define WSAAddressToString  WSAAddressToStringW
#define WSAStringToAddress  WSAStringToAddressW
#else
#define WSADuplicateSocket  WSADuplicateSocketA
#define WSAEnumProtocols    WSAEnumProtocolsA
#define WSASocket           WSASocketA
#define WSAAddressToString  WSAAddressToStringA
#define WSAStringToAddress  WSAStringToAddressA
#endif

#ifdef __cplusplus
}
#endif

#endif /* _WINSOCK2API_ */
