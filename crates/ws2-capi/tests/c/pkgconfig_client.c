/* A Windows-style C client built only with `pkg-config --cflags --libs ws2emu`: proves the .pc
 * file is all a C program needs, and exercises the exports that exist so far. */
#include <stdio.h>
#include <stdlib.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>

static int passed, failed;
#define ok(cond, ...) do { if (cond) passed++; else { failed++; printf("%s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

int main(void)
{
    fd_set set;
    SOCKET a = (SOCKET)0x1004, b = (SOCKET)0x2008;

    FD_ZERO(&set);
    ok(!FD_ISSET(a, &set), "empty set has no members");
    FD_SET(a, &set);
    FD_SET(a, &set);
    ok(set.fd_count == 1, "FD_SET does not add a member twice, fd_count %u", set.fd_count);
    FD_SET(b, &set);
    ok(FD_ISSET(a, &set) && FD_ISSET(b, &set), "both members found");
    FD_CLR(a, &set);
    ok(!FD_ISSET(a, &set) && FD_ISSET(b, &set) && set.fd_count == 1, "FD_CLR removes one");

    SetLastError(0xdeadbeef);
    WSASetLastError(WSAENOTSOCK);
    ok(GetLastError() == WSAENOTSOCK, "one last error shared by both APIs, got %lu", (unsigned long)GetLastError());
    ok(WSAGetLastError() == 10038, "WSAGetLastError %d", WSAGetLastError());

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
