/*
 * ws2tcpip.h - Winsock 2 TCP/IP extensions: protocol-independent name resolution (getaddrinfo,
 * getnameinfo), address text conversion (inet_pton/inet_ntop), IPv6 address tests and the
 * TCP/IP ioctls. Part of the ws2emu Windows shims (see ws2emu.h).
 *
 * getaddrinfo, freeaddrinfo, getnameinfo, inet_pton and inet_ntop are also libc names: they are
 * declared with assembler labels and link to ws2emu_<name> (the ws2emu library never exports a
 * libc name). The wide-character variants keep their Windows names.
 */
#ifndef _WS2TCPIP_H_
#define _WS2TCPIP_H_

#include <ws2emu.h>
#include <winsock2.h>
#include <ws2ipdef.h>
#include <mstcpip.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Interface list and multicast filter ioctls. */
#define SIO_GET_INTERFACE_LIST    _IOR('t', 127, u_long)
#define SIO_GET_INTERFACE_LIST_EX _IOR('t', 126, u_long)
#define SIO_SET_MULTICAST_FILTER  _IOW('t', 125, u_long)
#define SIO_GET_MULTICAST_FILTER  _IOW('t', 124 | IOC_IN, u_long)

/* Port of a sockaddr_in or sockaddr_in6 held in a SOCKADDR_STORAGE. */
#define SS_PORT(ssp) (((struct sockaddr_in *)(ssp))->sin_port)

/* socklen_t is a signed int on Windows (glibc's is unsigned; ws2emu.h renames it). */
typedef int socklen_t;

/* --------------------------------------------------------------------------------------------
 * getaddrinfo / getnameinfo. Their error codes are Winsock error codes.
 * ------------------------------------------------------------------------------------------ */
#define EAI_AGAIN    WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL     WSANO_RECOVERY
#define EAI_FAMILY   WSAEAFNOSUPPORT
#define EAI_MEMORY   WSA_NOT_ENOUGH_MEMORY
#define EAI_NONAME   WSAHOST_NOT_FOUND
#define EAI_SERVICE  WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_NODATA   WSANO_DATA

typedef ADDRINFOA ADDRINFO, *LPADDRINFO;

WINSOCK_API_LINKAGE INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName,
                                           const ADDRINFOA *pHints, PADDRINFOA *ppResult)
    WS2EMU_SYMBOL(getaddrinfo);
WINSOCK_API_LINKAGE INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName,
                                            const ADDRINFOW *pHints, PADDRINFOW *ppResult);
#define GetAddrInfoA getaddrinfo

WINSOCK_API_LINKAGE VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo) WS2EMU_SYMBOL(freeaddrinfo);
WINSOCK_API_LINKAGE VOID WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo);
#define FreeAddrInfoA freeaddrinfo

WINSOCK_API_LINKAGE INT WSAAPI getnameinfo(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                           PCHAR pNodeBuffer, DWORD NodeBufferSize,
                                           PCHAR pServiceBuffer, DWORD ServiceBufferSize,
                                           INT Flags) WS2EMU_SYMBOL(getnameinfo);
WINSOCK_API_LINKAGE INT WSAAPI GetNameInfoW(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                            PWCHAR pNodeBuffer, DWORD NodeBufferSize,
                                            PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                                            INT Flags);
#define GetNameInfoA getnameinfo

typedef INT (WSAAPI *LPFN_GETADDRINFO)(PCSTR pNodeName, PCSTR pServiceName,
                                       const ADDRINFOA *pHints, PADDRINFOA *ppResult);
typedef INT (WSAAPI *LPFN_GETADDRINFOW)(PCWSTR pNodeName, PCWSTR pServiceName,
                                        const ADDRINFOW *pHints, PADDRINFOW *ppResult);
typedef VOID (WSAAPI *LPFN_FREEADDRINFO)(PADDRINFOA pAddrInfo);
typedef VOID (WSAAPI *LPFN_FREEADDRINFOW)(PADDRINFOW pAddrInfo);
typedef INT (WSAAPI *LPFN_GETNAMEINFO)(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                       PCHAR pNodeBuffer, DWORD NodeBufferSize,
                                       PCHAR pServiceBuffer, DWORD ServiceBufferSize,
                                       INT Flags);
typedef INT (WSAAPI *LPFN_GETNAMEINFOW)(const SOCKADDR *pSockaddr, socklen_t SockaddrLength,
                                        PWCHAR pNodeBuffer, DWORD NodeBufferSize,
                                        PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                                        INT Flags);
#define LPFN_GETADDRINFOA  LPFN_GETADDRINFO
#define LPFN_FREEADDRINFOA LPFN_FREEADDRINFO
#define LPFN_GETNAMEINFOA  LPFN_GETNAMEINFO

#define NI_MAXHOST 1025
#define NI_MAXSERV 32

/* --------------------------------------------------------------------------------------------
 * gai_strerror: a short English text for a getaddrinfo error code. Defined here (as in the SDK,
 * where it is an inline function); the text lives in a per-thread buffer that the next call on
 * the same thread overwrites.
 * ------------------------------------------------------------------------------------------ */
#define GAI_STRERROR_BUFFER_SIZE 1024

static inline const char *ws2emu_gai_text_(int ecode)
{
    switch (ecode) {
    case 0: return "The operation completed successfully.";
    case WSATRY_AGAIN: return "A temporary failure occurred in name resolution; try again later.";
    case WSAEINVAL: return "An invalid value was given for the flags.";
    case WSANO_RECOVERY: return "A nonrecoverable failure occurred in name resolution.";
    case WSAEAFNOSUPPORT: return "The address family is not supported.";
    case WSA_NOT_ENOUGH_MEMORY: return "Not enough memory was available.";
    case WSAHOST_NOT_FOUND: return "The host name is unknown.";
    case WSANO_DATA: return "The name has no address of the requested kind.";
    case WSATYPE_NOT_FOUND: return "The service is not known for this socket type.";
    case WSAESOCKTNOSUPPORT: return "The socket type is not supported.";
    default: return "An unknown name resolution error occurred.";
    }
}

static inline char *gai_strerrorA(int ecode)
{
    static __thread char text[GAI_STRERROR_BUFFER_SIZE + 1];
    const char *from = ws2emu_gai_text_(ecode);
    size_t i;
    for (i = 0; from[i] != '\0' && i < GAI_STRERROR_BUFFER_SIZE; i++)
        text[i] = from[i];
    text[i] = '\0';
    return text;
}

static inline WCHAR *gai_strerrorW(int ecode)
{
    static __thread WCHAR text[GAI_STRERROR_BUFFER_SIZE + 1];
    const char *from = ws2emu_gai_text_(ecode);
    size_t i;
    for (i = 0; from[i] != '\0' && i < GAI_STRERROR_BUFFER_SIZE; i++)
        text[i] = (WCHAR)(unsigned char)from[i];
    text[i] = 0;
    return text;
}

/* --------------------------------------------------------------------------------------------
 * Address text conversion.
 * ------------------------------------------------------------------------------------------ */
#define INET_ADDRSTRLEN  22
#define INET6_ADDRSTRLEN 65

WINSOCK_API_LINKAGE INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf)
    WS2EMU_SYMBOL(inet_pton);
WINSOCK_API_LINKAGE INT WSAAPI InetPtonW(INT Family, PCWSTR pszAddrString, PVOID pAddrBuf);
WINSOCK_API_LINKAGE PCSTR WSAAPI inet_ntop(INT Family, const VOID *pAddr, PSTR pStringBuf,
                                           size_t StringBufSize) WS2EMU_SYMBOL(inet_ntop);
WINSOCK_API_LINKAGE PCWSTR WSAAPI InetNtopW(INT Family, const VOID *pAddr, PWSTR pStringBuf,
                                            size_t StringBufSize);
#define InetPtonA inet_pton
#define InetNtopA inet_ntop

/* --------------------------------------------------------------------------------------------
 * IPv6 address tests and setters. Functions (not macros), as on Windows, so they can be passed
 * around; each name is also defined as a macro for "#ifdef" tests.
 * ------------------------------------------------------------------------------------------ */
static inline int IN6_IS_ADDR_UNSPECIFIED(const struct in6_addr *a)
{
    int i;
    for (i = 0; i < 8; i++) {
        if (a->s6_words[i] != 0)
            return 0;
    }
    return 1;
}

static inline int IN6_IS_ADDR_LOOPBACK(const struct in6_addr *a)
{
    int i;
    for (i = 0; i < 15; i++) {
        if (a->s6_bytes[i] != 0)
            return 0;
    }
    return a->s6_bytes[15] == 1;
}

static inline int IN6_IS_ADDR_MULTICAST(const struct in6_addr *a)
{
    return a->s6_bytes[0] == 0xff;
}

static inline int IN6_IS_ADDR_LINKLOCAL(const struct in6_addr *a)
{
    return a->s6_bytes[0] == 0xfe && (a->s6_bytes[1] & 0xc0) == 0x80;
}

static inline int IN6_IS_ADDR_SITELOCAL(const struct in6_addr *a)
{
    return a->s6_bytes[0] == 0xfe && (a->s6_bytes[1] & 0xc0) == 0xc0;
}

/* ::ffff:a.b.c.d */
static inline int IN6_IS_ADDR_V4MAPPED(const struct in6_addr *a)
{
    int i;
    for (i = 0; i < 10; i++) {
        if (a->s6_bytes[i] != 0)
            return 0;
    }
    return a->s6_bytes[10] == 0xff && a->s6_bytes[11] == 0xff;
}

/* ::a.b.c.d, excluding :: and ::1 */
static inline int IN6_IS_ADDR_V4COMPAT(const struct in6_addr *a)
{
    int i;
    for (i = 0; i < 12; i++) {
        if (a->s6_bytes[i] != 0)
            return 0;
    }
    return !(a->s6_bytes[12] == 0 && a->s6_bytes[13] == 0 && a->s6_bytes[14] == 0 &&
             (a->s6_bytes[15] == 0 || a->s6_bytes[15] == 1));
}

static inline int ws2emu_in6_mc_scope_(const struct in6_addr *a, int scope)
{
    return IN6_IS_ADDR_MULTICAST(a) && (a->s6_bytes[1] & 0x0f) == scope;
}

static inline int IN6_IS_ADDR_MC_NODELOCAL(const struct in6_addr *a)
{
    return ws2emu_in6_mc_scope_(a, 0x1);
}

static inline int IN6_IS_ADDR_MC_LINKLOCAL(const struct in6_addr *a)
{
    return ws2emu_in6_mc_scope_(a, 0x2);
}

static inline int IN6_IS_ADDR_MC_SITELOCAL(const struct in6_addr *a)
{
    return ws2emu_in6_mc_scope_(a, 0x5);
}

static inline int IN6_IS_ADDR_MC_ORGLOCAL(const struct in6_addr *a)
{
    return ws2emu_in6_mc_scope_(a, 0x8);
}

static inline int IN6_IS_ADDR_MC_GLOBAL(const struct in6_addr *a)
{
    return ws2emu_in6_mc_scope_(a, 0xe);
}

static inline void IN6_SET_ADDR_UNSPECIFIED(struct in6_addr *a)
{
    int i;
    for (i = 0; i < 16; i++)
        a->s6_bytes[i] = 0;
}

static inline void IN6_SET_ADDR_LOOPBACK(struct in6_addr *a)
{
    IN6_SET_ADDR_UNSPECIFIED(a);
    a->s6_bytes[15] = 1;
}

static inline int IN6ADDR_ISANY(const struct sockaddr_in6 *a)
{
    return a->sin6_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr);
}

static inline int IN6ADDR_ISLOOPBACK(const struct sockaddr_in6 *a)
{
    return a->sin6_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
}

static inline void IN6ADDR_SETANY(struct sockaddr_in6 *a)
{
    a->sin6_family = AF_INET6;
    a->sin6_port = 0;
    a->sin6_flowinfo = 0;
    IN6_SET_ADDR_UNSPECIFIED(&a->sin6_addr);
    a->sin6_scope_id = 0;
}

static inline void IN6ADDR_SETLOOPBACK(struct sockaddr_in6 *a)
{
    a->sin6_family = AF_INET6;
    a->sin6_port = 0;
    a->sin6_flowinfo = 0;
    IN6_SET_ADDR_LOOPBACK(&a->sin6_addr);
    a->sin6_scope_id = 0;
}

#define IN6_IS_ADDR_UNSPECIFIED  IN6_IS_ADDR_UNSPECIFIED
#define IN6_IS_ADDR_LOOPBACK     IN6_IS_ADDR_LOOPBACK
#define IN6_IS_ADDR_MULTICAST    IN6_IS_ADDR_MULTICAST
#define IN6_IS_ADDR_LINKLOCAL    IN6_IS_ADDR_LINKLOCAL
#define IN6_IS_ADDR_SITELOCAL    IN6_IS_ADDR_SITELOCAL
#define IN6_IS_ADDR_V4MAPPED     IN6_IS_ADDR_V4MAPPED
#define IN6_IS_ADDR_V4COMPAT     IN6_IS_ADDR_V4COMPAT
#define IN6_IS_ADDR_MC_NODELOCAL IN6_IS_ADDR_MC_NODELOCAL
#define IN6_IS_ADDR_MC_LINKLOCAL IN6_IS_ADDR_MC_LINKLOCAL
#define IN6_IS_ADDR_MC_SITELOCAL IN6_IS_ADDR_MC_SITELOCAL
#define IN6_IS_ADDR_MC_ORGLOCAL  IN6_IS_ADDR_MC_ORGLOCAL
#define IN6_IS_ADDR_MC_GLOBAL    IN6_IS_ADDR_MC_GLOBAL

/* ANSI / Unicode selection. */
#ifdef UNICODE
#define GetAddrInfo      GetAddrInfoW
#define FreeAddrInfo     FreeAddrInfoW
#define GetNameInfo      GetNameInfoW
#define gai_strerror     gai_strerrorW
#define InetPton         InetPtonW
#define InetNtop         InetNtopW
#define ADDRINFOT        ADDRINFOW
#define PADDRINFOT       PADDRINFOW
#define LPFN_GETADDRINFOT  LPFN_GETADDRINFOW
#define LPFN_FREEADDRINFOT LPFN_FREEADDRINFOW
#define LPFN_GETNAMEINFOT  LPFN_GETNAMEINFOW
#else
#define GetAddrInfo      GetAddrInfoA
#define FreeAddrInfo     FreeAddrInfoA
#define GetNameInfo      GetNameInfoA
#define gai_strerror     gai_strerrorA
#define InetPton         InetPtonA
#define InetNtop         InetNtopA
#define ADDRINFOT        ADDRINFOA
#define PADDRINFOT       PADDRINFOA
#define LPFN_GETADDRINFOT  LPFN_GETADDRINFOA
#define LPFN_FREEADDRINFOT LPFN_FREEADDRINFOA
#define LPFN_GETNAMEINFOT  LPFN_GETNAMEINFOA
#endif

#ifdef __cplusplus
}
#endif

#endif /* _WS2TCPIP_H_ */
