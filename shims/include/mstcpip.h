/*
 * mstcpip.h - Microsoft-specific TCP/IP extensions: keep-alive parameters (SIO_KEEPALIVE_VALS),
 * promiscuous receive (SIO_RCVALL) and the other vendor ioctls of the TCP/IP provider.
 * Part of the ws2emu Windows shims (see ws2emu.h).
 */
#ifndef WS2EMU_MSTCPIP_H
#define WS2EMU_MSTCPIP_H

#include <ws2emu.h>
#include <winnt.h>
#include <ws2def.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Input of SIO_KEEPALIVE_VALS: on/off, idle time and probe interval in milliseconds. */
struct tcp_keepalive {
    ULONG onoff;
    ULONG keepalivetime;
    ULONG keepaliveinterval;
};

#define SIO_RCVALL                  _WSAIOW(IOC_VENDOR, 1)
#define SIO_RCVALL_MCAST            _WSAIOW(IOC_VENDOR, 2)
#define SIO_RCVALL_IGMPMCAST        _WSAIOW(IOC_VENDOR, 3)
#define SIO_KEEPALIVE_VALS          _WSAIOW(IOC_VENDOR, 4)
#define SIO_ABSORB_RTRALERT         _WSAIOW(IOC_VENDOR, 5)
#define SIO_UCAST_IF                _WSAIOW(IOC_VENDOR, 6)
#define SIO_LIMIT_BROADCASTS        _WSAIOW(IOC_VENDOR, 7)
#define SIO_INDEX_BIND              _WSAIOW(IOC_VENDOR, 8)
#define SIO_INDEX_MCASTIF           _WSAIOW(IOC_VENDOR, 9)
#define SIO_INDEX_ADD_MCAST         _WSAIOW(IOC_VENDOR, 10)
#define SIO_INDEX_DEL_MCAST         _WSAIOW(IOC_VENDOR, 11)
#define SIO_RCVALL_MCAST_IF         _WSAIOW(IOC_VENDOR, 13)
#define SIO_RCVALL_IF               _WSAIOW(IOC_VENDOR, 14)
#define SIO_LOOPBACK_FAST_PATH      _WSAIOW(IOC_VENDOR, 16)
#define SIO_TCP_INITIAL_RTO         _WSAIOW(IOC_VENDOR, 17)
#define SIO_APPLY_TRANSPORT_SETTING _WSAIOW(IOC_VENDOR, 19)
#define SIO_QUERY_TRANSPORT_SETTING _WSAIOW(IOC_VENDOR, 20)
#define SIO_TCP_SET_ICW             _WSAIOW(IOC_VENDOR, 22)
#define SIO_TCP_SET_ACK_FREQUENCY   _WSAIOW(IOC_VENDOR, 23)
#define SIO_TCP_INFO                _WSAIORW(IOC_VENDOR, 39)

/* SIO_RCVALL modes. */
typedef enum {
    RCVALL_OFF = 0,
    RCVALL_ON = 1,
    RCVALL_SOCKETLEVELONLY = 2,
    RCVALL_IPLEVEL = 3
} RCVALL_VALUE, *PRCVALL_VALUE;

#define RCVALL_MAX RCVALL_IPLEVEL

typedef struct {
    RCVALL_VALUE Mode;
    ULONG Interface;
} RCVALL_IF, *PRCVALL_IF;

#ifdef __cplusplus
}
#endif

#endif /* WS2EMU_MSTCPIP_H */
