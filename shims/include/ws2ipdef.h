/*
 * ws2ipdef.h - TCP/IP-specific Winsock definitions: IPv4/IPv6 socket options (Winsock 2
 * numbering), multicast requests, sockaddr_in6, interface lists and TCP options.
 * Part of the ws2emu Windows shims (see ws2emu.h).
 *
 * The IP_* option numbers are the Winsock 2 ones (IP_MULTICAST_IF is 9); Winsock 1.1 used
 * different numbers, which ws2emu does not provide (see winsock.h).
 */
#ifndef WS2EMU_WS2IPDEF_H
#define WS2EMU_WS2IPDEF_H

#include <ws2emu.h>
#include <winnt.h>
#include <ws2def.h>
#include <in6addr.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------------------------------------
 * Options at level IPPROTO_IP.
 * ------------------------------------------------------------------------------------------ */
#define IP_OPTIONS                1
#define IP_HDRINCL                2
#define IP_TOS                    3
#define IP_TTL                    4
#define IP_MULTICAST_IF           9
#define IP_MULTICAST_TTL          10
#define IP_MULTICAST_LOOP         11
#define IP_ADD_MEMBERSHIP         12
#define IP_DROP_MEMBERSHIP        13
#define IP_DONTFRAGMENT           14
#define IP_ADD_SOURCE_MEMBERSHIP  15
#define IP_DROP_SOURCE_MEMBERSHIP 16
#define IP_BLOCK_SOURCE           17
#define IP_UNBLOCK_SOURCE         18
#define IP_PKTINFO                19
#define IP_HOPLIMIT               21
#define IP_RECVTTL                21
#define IP_RECEIVE_BROADCAST      22
#define IP_RECVIF                 24
#define IP_RECVDSTADDR            25
#define IP_IFLIST                 28
#define IP_ADD_IFLIST             29
#define IP_DEL_IFLIST             30
#define IP_UNICAST_IF             31
#define IP_RTHDR                  32
#define IP_GET_IFLIST             33
#define IP_RECVRTHDR              38
#define IP_TCLASS                 39
#define IP_RECVTCLASS             40
#define IP_RECVTOS                40
#define IP_ORIGINAL_ARRIVAL_IF    47
#define IP_ECN                    50
#define IP_PKTINFO_EX             51
#define IP_WFP_REDIRECT_RECORDS   60
#define IP_WFP_REDIRECT_CONTEXT   70
#define IP_MTU_DISCOVER           71
#define IP_MTU                    73
#define IP_NRT_INTERFACE          74
#define IP_RECVERR                75
#define IP_USER_MTU               76

#define IP_UNSPECIFIED_TYPE_OF_SERVICE (-1)
#define IP_UNSPECIFIED_USER_MTU        0xffffffffU

#define IPV6_ADDRESS_BITS (sizeof(IN6_ADDR) * 8)

/* --------------------------------------------------------------------------------------------
 * Options at level IPPROTO_IPV6.
 * ------------------------------------------------------------------------------------------ */
#define IPV6_HOPOPTS              1
#define IPV6_HDRINCL              2
#define IPV6_UNICAST_HOPS         4
#define IPV6_MULTICAST_IF         9
#define IPV6_MULTICAST_HOPS       10
#define IPV6_MULTICAST_LOOP       11
#define IPV6_ADD_MEMBERSHIP       12
#define IPV6_JOIN_GROUP           IPV6_ADD_MEMBERSHIP
#define IPV6_DROP_MEMBERSHIP      13
#define IPV6_LEAVE_GROUP          IPV6_DROP_MEMBERSHIP
#define IPV6_DONTFRAG             14
#define IPV6_PKTINFO              19
#define IPV6_HOPLIMIT             21
#define IPV6_PROTECTION_LEVEL     23
#define IPV6_RECVIF               24
#define IPV6_RECVDSTADDR          25
#define IPV6_CHECKSUM             26
#define IPV6_V6ONLY               27
#define IPV6_IFLIST               28
#define IPV6_ADD_IFLIST           29
#define IPV6_DEL_IFLIST           30
#define IPV6_UNICAST_IF           31
#define IPV6_RTHDR                32
#define IPV6_GET_IFLIST           33
#define IPV6_RECVRTHDR            38
#define IPV6_TCLASS               39
#define IPV6_RECVTCLASS           40
#define IPV6_ECN                  50
#define IPV6_PKTINFO_EX           51
#define IPV6_WFP_REDIRECT_RECORDS 60
#define IPV6_WFP_REDIRECT_CONTEXT 70
#define IPV6_MTU_DISCOVER         71
#define IPV6_MTU                  72
#define IPV6_NRT_INTERFACE        74
#define IPV6_RECVERR              75
#define IPV6_USER_MTU             76

#define IP_UNSPECIFIED_HOP_LIMIT (-1)

#define IP_PROTECTION_LEVEL IPV6_PROTECTION_LEVEL
#define PROTECTION_LEVEL_UNRESTRICTED   10
#define PROTECTION_LEVEL_EDGERESTRICTED 20
#define PROTECTION_LEVEL_RESTRICTED     30
#define PROTECTION_LEVEL_DEFAULT        ((UINT)-1)

/* IP_MTU_DISCOVER / IPV6_MTU_DISCOVER values. */
typedef enum _PMTUD_STATE {
    IP_PMTUDISC_NOT_SET,
    IP_PMTUDISC_DO,
    IP_PMTUDISC_DONT,
    IP_PMTUDISC_PROBE,
    IP_PMTUDISC_MAX
} PMTUD_STATE, *PPMTUD_STATE;

/* --------------------------------------------------------------------------------------------
 * Options at level IPPROTO_TCP (TCP_NODELAY is in ws2def.h).
 * ------------------------------------------------------------------------------------------ */
#define TCP_OFFLOAD_NO_PREFERENCE 0
#define TCP_OFFLOAD_NOT_PREFERRED 1
#define TCP_OFFLOAD_PREFERRED     2

#define TCP_EXPEDITED_1122       0x0002
#define TCP_KEEPALIVE            3
#define TCP_MAXSEG               4
#define TCP_MAXRT                5
#define TCP_STDURG               6
#define TCP_NOURG                7
#define TCP_ATMARK               8
#define TCP_NOSYNRETRIES         9
#define TCP_TIMESTAMPS           10
#define TCP_OFFLOAD_PREFERENCE   11
#define TCP_CONGESTION_ALGORITHM 12
#define TCP_DELAY_FIN_ACK        13
#define TCP_MAXRTMS              14
#define TCP_FASTOPEN             15
#define TCP_KEEPCNT              16
#define TCP_KEEPIDLE             TCP_KEEPALIVE
#define TCP_KEEPINTVL            17

/* --------------------------------------------------------------------------------------------
 * Options at level IPPROTO_UDP.
 * ------------------------------------------------------------------------------------------ */
#define UDP_NOCHECKSUM        1
#define UDP_CHECKSUM_COVERAGE 20

/* --------------------------------------------------------------------------------------------
 * IPv6 socket address. The scope is a ULONG that can also be read as a SCOPE_ID.
 * ------------------------------------------------------------------------------------------ */
typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    union {
        ULONG sin6_scope_id;
        SCOPE_ID sin6_scope_struct;
    };
} SOCKADDR_IN6, SOCKADDR_IN6_LH, *PSOCKADDR_IN6, *PSOCKADDR_IN6_LH, *LPSOCKADDR_IN6,
    *LPSOCKADDR_IN6_LH;

/* The RFC 2133 form without a scope, still used by INTERFACE_INFO. */
struct sockaddr_in6_old {
    SHORT sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
};

typedef union sockaddr_gen {
    struct sockaddr Address;
    struct sockaddr_in AddressIn;
    struct sockaddr_in6_old AddressIn6;
} sockaddr_gen;

typedef struct _sockaddr_in6_pair {
    PSOCKADDR_IN6 SourceAddress;
    PSOCKADDR_IN6 DestinationAddress;
} SOCKADDR_IN6_PAIR, *PSOCKADDR_IN6_PAIR;

typedef union _SOCKADDR_INET {
    SOCKADDR_IN Ipv4;
    SOCKADDR_IN6 Ipv6;
    ADDRESS_FAMILY si_family;
} SOCKADDR_INET, *PSOCKADDR_INET;

/* Static initializers of the unspecified (::) and loopback (::1) addresses. */
#define IN6ADDR_ANY_INIT      { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } } }
#define IN6ADDR_LOOPBACK_INIT { { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } }

/* These two objects have the same 16 bytes in glibc, which exports them under the same names:
 * the declarations resolve to the C library's objects (ws2emu does not define them). */
extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;

/* Nonzero when the two addresses are equal. */
static inline int IN6_ADDR_EQUAL(const IN6_ADDR *a, const IN6_ADDR *b)
{
    int i;
    for (i = 0; i < 8; i++) {
        if (a->u.Word[i] != b->u.Word[i])
            return 0;
    }
    return 1;
}
#define IN6_ARE_ADDR_EQUAL IN6_ADDR_EQUAL

/* --------------------------------------------------------------------------------------------
 * Multicast group requests.
 * ------------------------------------------------------------------------------------------ */
typedef struct ip_mreq {
    IN_ADDR imr_multiaddr;
    IN_ADDR imr_interface;
} IP_MREQ, *PIP_MREQ;

typedef struct ip_mreq_source {
    IN_ADDR imr_multiaddr;
    IN_ADDR imr_sourceaddr;
    IN_ADDR imr_interface;
} IP_MREQ_SOURCE, *PIP_MREQ_SOURCE;

typedef enum _MULTICAST_MODE_TYPE {
    MCAST_INCLUDE = 0,
    MCAST_EXCLUDE
} MULTICAST_MODE_TYPE;

typedef struct ip_msfilter {
    IN_ADDR imsf_multiaddr;
    IN_ADDR imsf_interface;
    MULTICAST_MODE_TYPE imsf_fmode;
    ULONG imsf_numsrc;
    IN_ADDR imsf_slist[1];
} IP_MSFILTER, *PIP_MSFILTER;

#define IP_MSFILTER_SIZE(NumSources) \
    (sizeof(IP_MSFILTER) - sizeof(IN_ADDR) + (NumSources) * sizeof(IN_ADDR))

typedef struct ipv6_mreq {
    IN6_ADDR ipv6mr_multiaddr;
    ULONG ipv6mr_interface;
} IPV6_MREQ, *PIPV6_MREQ;

/* Protocol-independent multicast options (level IPPROTO_IP or IPPROTO_IPV6). */
#define MCAST_JOIN_GROUP         41
#define MCAST_LEAVE_GROUP        42
#define MCAST_BLOCK_SOURCE       43
#define MCAST_UNBLOCK_SOURCE     44
#define MCAST_JOIN_SOURCE_GROUP  45
#define MCAST_LEAVE_SOURCE_GROUP 46

typedef struct group_req {
    ULONG gr_interface;
    SOCKADDR_STORAGE gr_group;
} GROUP_REQ, *PGROUP_REQ;

typedef struct group_source_req {
    ULONG gsr_interface;
    SOCKADDR_STORAGE gsr_group;
    SOCKADDR_STORAGE gsr_source;
} GROUP_SOURCE_REQ, *PGROUP_SOURCE_REQ;

typedef struct group_filter {
    ULONG gf_interface;
    SOCKADDR_STORAGE gf_group;
    MULTICAST_MODE_TYPE gf_fmode;
    ULONG gf_numsrc;
    SOCKADDR_STORAGE gf_slist[1];
} GROUP_FILTER, *PGROUP_FILTER;

#define GROUP_FILTER_SIZE(numsrc) \
    (sizeof(GROUP_FILTER) - sizeof(SOCKADDR_STORAGE) + (numsrc) * sizeof(SOCKADDR_STORAGE))

/* --------------------------------------------------------------------------------------------
 * Packet information (IP_PKTINFO / IPV6_PKTINFO control messages).
 * ------------------------------------------------------------------------------------------ */
typedef struct in_pktinfo {
    IN_ADDR ipi_addr;
    ULONG ipi_ifindex;
} IN_PKTINFO, *PIN_PKTINFO;

typedef struct in6_pktinfo {
    IN6_ADDR ipi6_addr;
    ULONG ipi6_ifindex;
} IN6_PKTINFO, *PIN6_PKTINFO;

/* --------------------------------------------------------------------------------------------
 * Interface lists (SIO_GET_INTERFACE_LIST, SIO_GET_INTERFACE_LIST_EX).
 * ------------------------------------------------------------------------------------------ */
typedef struct _INTERFACE_INFO {
    ULONG iiFlags;
    sockaddr_gen iiAddress;
    sockaddr_gen iiBroadcastAddress;
    sockaddr_gen iiNetmask;
} INTERFACE_INFO, *LPINTERFACE_INFO;

typedef struct _INTERFACE_INFO_EX {
    ULONG iiFlags;
    SOCKET_ADDRESS iiAddress;
    SOCKET_ADDRESS iiBroadcastAddress;
    SOCKET_ADDRESS iiNetmask;
} INTERFACE_INFO_EX, *LPINTERFACE_INFO_EX;

/* iiFlags */
#define IFF_UP           0x00000001
#define IFF_BROADCAST    0x00000002
#define IFF_LOOPBACK     0x00000004
#define IFF_POINTTOPOINT 0x00000008
#define IFF_MULTICAST    0x00000010

#ifdef __cplusplus
}
#endif

#endif /* WS2EMU_WS2IPDEF_H */
