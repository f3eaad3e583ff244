/*
 * A Winsock client as Windows code writes it (with its own minimal ok(), as a ported program
 * would have), run through the whole stack: libws2_32's client
 * API, the default catalog, the loader and the built-in base provider (libws2_base.so).
 * TCP and UDP echo over loopback (IPv4, and IPv6 when the machine has ::1), blocking and
 * non-blocking, and the documented error codes.
 */
#include <stdio.h>
#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>

static int passed, failed;
#define ok(cond, ...)                                                                           \
    do {                                                                                        \
        if (cond)                                                                               \
            passed++;                                                                           \
        else {                                                                                  \
            failed++;                                                                           \
            printf("%s:%d: ", __FILE__, __LINE__);                                              \
            printf(__VA_ARGS__);                                                                \
            printf("\n");                                                                       \
        }                                                                                       \
    } while (0)

static SOCKADDR_IN loopback4(u_short port)
{
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A listening socket on loopback port 0; its address in *bound. */
static SOCKET listener(int af, SOCKADDR_STORAGE *bound)
{
    SOCKADDR_STORAGE addr;
    int len = af == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6);
    SOCKET s = socket(af, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    if (af == AF_INET) {
        SOCKADDR_IN a = loopback4(0);
        memcpy(&addr, &a, sizeof a);
    } else {
        SOCKADDR_IN6 *a6 = (SOCKADDR_IN6 *)&addr;
        a6->sin6_family = AF_INET6;
        a6->sin6_addr.u.Byte[15] = 1;
    }
    if (s == INVALID_SOCKET || bind(s, (SOCKADDR *)&addr, len) != 0 || listen(s, SOMAXCONN) != 0) {
        if (s != INVALID_SOCKET)
            closesocket(s);
        return INVALID_SOCKET;
    }
    len = sizeof *bound;
    getsockname(s, (SOCKADDR *)bound, &len);
    return s;
}

static void tcp_echo(int af)
{
    SOCKADDR_STORAGE addr;
    char buf[64];
    int n, len = af == AF_INET ? (int)sizeof(SOCKADDR_IN) : (int)sizeof(SOCKADDR_IN6);
    SOCKET l = listener(af, &addr), c, a;
    if (l == INVALID_SOCKET && af == AF_INET6) {
        printf("skipped: no IPv6 loopback (%d)\n", WSAGetLastError());
        return;
    }
    ok(l != INVALID_SOCKET, "listener af %d: %d", af, WSAGetLastError());
    c = socket(af, SOCK_STREAM, IPPROTO_TCP);
    ok(c != INVALID_SOCKET, "client socket: %d", WSAGetLastError());
    ok(connect(c, (SOCKADDR *)&addr, len) == 0, "connect: %d", WSAGetLastError());
    a = accept(l, NULL, NULL);
    ok(a != INVALID_SOCKET, "accept: %d", WSAGetLastError());
    ok(send(c, "hello", 5, 0) == 5, "send: %d", WSAGetLastError());
    n = recv(a, buf, sizeof buf, 0);
    ok(n == 5 && memcmp(buf, "hello", 5) == 0, "server recv %d", n);
    ok(send(a, buf, n, 0) == n, "echo: %d", WSAGetLastError());
    n = recv(c, buf, sizeof buf, 0);
    ok(n == 5 && memcmp(buf, "hello", 5) == 0, "client recv %d", n);
    ok(shutdown(a, SD_SEND) == 0, "shutdown: %d", WSAGetLastError());
    ok(recv(c, buf, sizeof buf, 0) == 0, "graceful close reads 0");
    closesocket(a);
    closesocket(c);
    closesocket(l);
}

static void udp_echo(void)
{
    SOCKADDR_IN a = loopback4(0), b = loopback4(0), from;
    int len = sizeof a, fromlen = sizeof from, n;
    char buf[64];
    SOCKET x = socket(AF_INET, SOCK_DGRAM, 0), y = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ok(x != INVALID_SOCKET && y != INVALID_SOCKET, "udp sockets: %d", WSAGetLastError());
    ok(bind(x, (SOCKADDR *)&a, sizeof a) == 0 && bind(y, (SOCKADDR *)&b, sizeof b) == 0, "bind: %d",
       WSAGetLastError());
    getsockname(y, (SOCKADDR *)&b, &len);
    ok(sendto(x, "ping", 4, 0, (SOCKADDR *)&b, sizeof b) == 4, "sendto: %d", WSAGetLastError());
    n = recvfrom(y, buf, sizeof buf, 0, (SOCKADDR *)&from, &fromlen);
    ok(n == 4 && memcmp(buf, "ping", 4) == 0, "recvfrom %d", n);
    ok(fromlen == sizeof(SOCKADDR_IN) && from.sin_family == AF_INET, "from %d", fromlen);
    closesocket(x);
    closesocket(y);
}

static void errors_and_modes(void)
{
    SOCKADDR_STORAGE addr;
    SOCKADDR_IN refused;
    u_long on = 1;
    char buf[8];
    fd_set r;
    struct timeval zero = {0, 0};
    SOCKET l = listener(AF_INET, &addr), c = socket(AF_INET, SOCK_STREAM, 0), a;

    memcpy(&refused, &addr, sizeof refused);
    closesocket(l); /* nothing listens there any more */
    WSASetLastError(0xdead);
    ok(connect(c, (SOCKADDR *)&refused, sizeof refused) == SOCKET_ERROR &&
           WSAGetLastError() == WSAECONNREFUSED,
       "refused: %d", WSAGetLastError());
    closesocket(c);

    c = socket(AF_INET, SOCK_STREAM, 0);
    WSASetLastError(0xdead);
    ok(recv(c, buf, sizeof buf, 0) == SOCKET_ERROR && WSAGetLastError() == WSAENOTCONN,
       "recv unconnected: %d", WSAGetLastError());
    closesocket(c);

    WSASetLastError(0xdead);
    ok(socket(AF_INET, SOCK_RAW, 0) == INVALID_SOCKET && WSAGetLastError() == WSAESOCKTNOSUPPORT,
       "raw: %d", WSAGetLastError());
    WSASetLastError(0xdead);
    ok(socket(99, SOCK_STREAM, 0) == INVALID_SOCKET && WSAGetLastError() == WSAEAFNOSUPPORT,
       "family: %d", WSAGetLastError());
    WSASetLastError(0xdead);
    ok(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) == INVALID_SOCKET &&
           WSAGetLastError() == WSAEPROTONOSUPPORT,
       "protocol: %d", WSAGetLastError());
    WSASetLastError(0xdead);
    ok(closesocket(c) == SOCKET_ERROR && WSAGetLastError() == WSAENOTSOCK, "closed: %d",
       WSAGetLastError());

    /* Non-blocking receive, then select readiness. */
    l = listener(AF_INET, &addr);
    c = socket(AF_INET, SOCK_STREAM, 0);
    ok(connect(c, (SOCKADDR *)&addr, sizeof(SOCKADDR_IN)) == 0, "connect: %d", WSAGetLastError());
    a = accept(l, NULL, NULL);
    ok(ioctlsocket(a, FIONBIO, &on) == 0, "FIONBIO: %d", WSAGetLastError());
    WSASetLastError(0xdead);
    ok(recv(a, buf, sizeof buf, 0) == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK,
       "would block: %d", WSAGetLastError());
    FD_ZERO(&r);
    FD_SET(a, &r);
    ok(select(0, &r, NULL, NULL, &zero) == 0, "nothing readable yet");
    send(c, "x", 1, 0);
    FD_ZERO(&r);
    FD_SET(a, &r);
    ok(select(0, &r, NULL, NULL, NULL) == 1 && FD_ISSET(a, &r), "readable after data");
    closesocket(a);
    closesocket(c);
    closesocket(l);
}

/* WSASocketA from an ANSI protocol info, and WSADuplicateSocketA. */
static void ansi_protocol_info(void)
{
    WSAPROTOCOL_INFOA infos[8], dup;
    DWORD size = sizeof infos;
    int n = WSAEnumProtocolsA(NULL, infos, &size), type = 0, len = sizeof type, udp = -1;
    SOCKET s, t;
    ok(n == 4, "WSAEnumProtocolsA: %d (%d)", n, WSAGetLastError());
    for (int i = 0; i < n; i++)
        if (infos[i].iProtocol == IPPROTO_UDP && infos[i].iAddressFamily == AF_INET)
            udp = i;
    ok(udp >= 0 && strcmp(infos[udp].szProtocol, "MSAFD Tcpip [UDP/IP]") == 0, "UDP entry");
    s = WSASocketA(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &infos[udp], 0, 0);
    ok(s != INVALID_SOCKET, "WSASocketA: %d", WSAGetLastError());
    ok(getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0 && type == SOCK_DGRAM,
       "SO_TYPE %d", type);
    closesocket(s);

    t = socket(AF_INET, SOCK_STREAM, 0);
    ok(WSADuplicateSocketA(t, GetCurrentProcessId(), &dup) == 0, "WSADuplicateSocketA: %d",
       WSAGetLastError());
    ok(dup.iSocketType == SOCK_STREAM && dup.iAddressFamily == AF_INET, "duplicate info");
    WSASetLastError(0xdead);
    ok(WSADuplicateSocketA(t, GetCurrentProcessId(), NULL) == SOCKET_ERROR &&
           WSAGetLastError() == WSAEFAULT,
       "NULL info: %d", WSAGetLastError());
    closesocket(t);
}

int main(void)
{
    WSADATA data;
    DWORD size = 0;

    WSASetLastError(0xdead);
    ok(socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET && WSAGetLastError() == WSANOTINITIALISED,
       "before WSAStartup: %d", WSAGetLastError());
    ok(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup");
    ok(WSAEnumProtocolsW(NULL, NULL, &size) == SOCKET_ERROR && WSAGetLastError() == WSAENOBUFS &&
           size == 4 * sizeof(WSAPROTOCOL_INFOW),
       "default catalog: %lu bytes", (unsigned long)size);

    tcp_echo(AF_INET);
    tcp_echo(AF_INET6);
    udp_echo();
    errors_and_modes();
    ansi_protocol_info();

    ok(WSACleanup() == 0, "WSACleanup");
    WSASetLastError(0xdead);
    ok(socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET && WSAGetLastError() == WSANOTINITIALISED,
       "after WSACleanup: %d", WSAGetLastError());
    printf("sockets_client: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
