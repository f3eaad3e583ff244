/*
 * winsock.h - Windows Sockets 1.1. Part of the ws2emu Windows shims (see ws2emu.h).
 *
 * ws2emu provides the Winsock 1.1 interface through winsock2.h, which is a superset of it (as
 * with the SDK, including both headers is harmless in either order), plus the few mswsock.h
 * declarations that the SDK's winsock.h also makes (WSARecvEx, TransmitFile, AcceptEx, ...).
 *
 * Documented divergence: Winsock 1.1 numbered some IPPROTO_IP options differently
 * (IP_MULTICAST_IF 2, IP_MULTICAST_TTL 3, IP_MULTICAST_LOOP 4, IP_ADD_MEMBERSHIP 5,
 * IP_DROP_MEMBERSHIP 6, IP_TTL 7, IP_TOS 8, IP_DONTFRAGMENT 9), which Windows still maps for
 * programs linked against wsock32.dll. ws2emu does not provide those numbers: this header
 * defines no IP_* options, and the Winsock 2 ones (ws2ipdef.h) are what ws2emu understands.
 * Programs using IP options must include ws2tcpip.h/ws2ipdef.h.
 */
#ifndef WS2EMU_WINSOCK_H
#define WS2EMU_WINSOCK_H

#include <ws2emu.h>
#include <winsock2.h>
#include <mswsock.h>

#endif /* WS2EMU_WINSOCK_H */
