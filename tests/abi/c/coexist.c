/*
 * glibc coexistence: this file includes the C library headers before the Winsock headers when
 * GLIBC_FIRST is defined and after them otherwise, and proves at compile time that the names
 * Windows source uses mean the Winsock ones. The test driver also compiles it as C++ and checks
 * the object file's undefined symbols: the Winsock functions whose names libc also exports must
 * bind to the ws2emu_-prefixed symbols, never to libc's.
 */
#ifdef GLIBC_FIRST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#endif

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>
#include <mswsock.h>

#ifndef GLIBC_FIRST
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#endif

#ifdef __cplusplus
#include <type_traits>
#define SAME_TYPE(a, b) (std::is_same<a, b>::value)
#define STATIC_ASSERT static_assert
#else
#define SAME_TYPE(a, b) __builtin_types_compatible_p(a, b)
#define STATIC_ASSERT _Static_assert
#endif

#ifdef EXPECT_FD_SETSIZE
STATIC_ASSERT(FD_SETSIZE == EXPECT_FD_SETSIZE, "FD_SETSIZE is the application's value");
STATIC_ASSERT(sizeof(fd_set) == 8 + EXPECT_FD_SETSIZE * sizeof(SOCKET), "fd_set follows FD_SETSIZE");
#else
STATIC_ASSERT(FD_SETSIZE == 64, "FD_SETSIZE is Winsock's default, not glibc's 1024");
STATIC_ASSERT(sizeof(fd_set) == 520, "fd_set is Winsock's counted array");
#endif
STATIC_ASSERT(sizeof(struct timeval) == 8, "struct timeval has two 32-bit LONGs");
STATIC_ASSERT(sizeof(u_long) == 4, "u_long is 32-bit as on Windows");
STATIC_ASSERT(sizeof(SOCKET) == 8 && (SOCKET)-1 == INVALID_SOCKET, "SOCKET is UINT_PTR");
STATIC_ASSERT(AF_INET6 == 23, "Windows value of AF_INET6");
STATIC_ASSERT(SAME_TYPE(__typeof__(socket(0, 0, 0)), SOCKET), "socket returns SOCKET");
STATIC_ASSERT(SAME_TYPE(__typeof__(&select),
                        int (*)(int, fd_set *, fd_set *, fd_set *, const struct timeval *)),
              "select takes Winsock fd_sets");
STATIC_ASSERT(SAME_TYPE(__typeof__(&send), int (*)(SOCKET, const char *, int, int)),
              "send is Winsock's");
STATIC_ASSERT(SAME_TYPE(__typeof__(&recv), int (*)(SOCKET, char *, int, int)), "recv is Winsock's");
STATIC_ASSERT(SAME_TYPE(__typeof__(&gethostname), int (*)(char *, int)), "gethostname is Winsock's");
STATIC_ASSERT(sizeof(WSPUPCALLTABLE) == 120 && sizeof(WSPPROC_TABLE) == 240, "SPI tables");

/* Calls every mapped name so that the object file references the symbols they bind to. */
int use_winsock_names(fd_set *set, struct timeval *tv, char *buf, int len)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    u_long on = 1;
    FD_ZERO(set);
    FD_SET(s, set);
    if (!FD_ISSET(s, set))
        return -1;
    FD_CLR(s, set);
    ioctlsocket(s, FIONBIO, &on);
    send(s, buf, len, 0);
    recv(s, buf, len, 0);
    gethostname(buf, len);
    printf("%d\n", (int)strlen(buf));
    return select(0, set, NULL, NULL, tv) + closesocket(s);
}
