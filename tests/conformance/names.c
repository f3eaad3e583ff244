/*
 * Name resolution and address conversion as Windows code calls them: getaddrinfo/GetAddrInfoW,
 * getnameinfo, gethostname, gethostbyname, the services and protocols databases, inet_addr,
 * inet_ntoa, inet_pton/inet_ntop, WSAAddressToString/WSAStringToAddress (answered by the base
 * provider of the default catalog) and WSAHtonl. Only numeric names, "localhost" and /etc/hosts
 * (no network). Every error path checks the return value and the last error, set to a
 * sentinel before the call.
 */
#define _WIN32_WINNT 0x0601
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

#define SENTINEL 0x5eed

static void test_not_started(void)
{
    ADDRINFOA *res = (ADDRINFOA *)0x10;
    char name[64];
    int r;
    WSASetLastError(SENTINEL);
    r = getaddrinfo("127.0.0.1", "80", NULL, &res);
    ok(r == WSANOTINITIALISED, "getaddrinfo before WSAStartup: %d", r);
    ok(WSAGetLastError() == WSANOTINITIALISED, "last error %d", WSAGetLastError());
    ok(res == (ADDRINFOA *)0x10, "result untouched");
    WSASetLastError(SENTINEL);
    ok(gethostname(name, sizeof name) == SOCKET_ERROR, "gethostname before WSAStartup");
    ok(WSAGetLastError() == WSANOTINITIALISED, "last error %d", WSAGetLastError());
    ok(inet_addr("10.0.0.1") == htonl(0x0a000001), "inet_addr needs no WSAStartup");
}

static void test_inet_addr(void)
{
    struct in_addr a;
    char *text, *again;
    ok(inet_addr("127.0.0.1") == htonl(INADDR_LOOPBACK), "dotted");
    ok(inet_addr("127.1") == htonl(INADDR_LOOPBACK), "a.b form");
    ok(inet_addr("0x7f.0.0.010") == htonl(0x7f000008), "hex and octal parts");
    ok(inet_addr("1.2.3.4 rest") == htonl(0x01020304), "whitespace ends the address");
    ok(inet_addr(" ") == 0, "a single space is 0");
    ok(inet_addr("") == INADDR_NONE, "empty");
    ok(inet_addr("1.2.3.256") == INADDR_NONE, "part above 255");
    ok(inet_addr("host") == INADDR_NONE, "not numeric");
    WSASetLastError(SENTINEL);
    ok(inet_addr(NULL) == INADDR_NONE, "NULL");
    ok(WSAGetLastError() == WSAEFAULT, "NULL: %d", WSAGetLastError());

    a.s_addr = htonl(0xc0a80114);
    text = inet_ntoa(a);
    ok(text != NULL && strcmp(text, "192.168.1.20") == 0, "inet_ntoa: %s", text);
    a.s_addr = INADDR_BROADCAST;
    again = inet_ntoa(a);
    ok(again == text && strcmp(text, "255.255.255.255") == 0, "per-thread buffer reused");
}

static void test_pton_ntop(void)
{
    IN_ADDR a4;
    IN6_ADDR a6;
    char buf[INET6_ADDRSTRLEN];
    WCHAR wbuf[INET6_ADDRSTRLEN];
    const char *p;

    ok(inet_pton(AF_INET, "192.0.2.1", &a4) == 1 && a4.s_addr == htonl(0xc0000201), "pton v4");
    ok(inet_pton(AF_INET6, "2001:db8::1", &a6) == 1 && a6.u.Byte[0] == 0x20 && a6.u.Byte[15] == 1,
       "pton v6");
    ok(inet_pton(AF_INET, "127.1", &a4) == 0, "inet_pton is strict");
    ok(inet_pton(AF_INET6, "1:2:3:4:5:6:7:8:9", &a6) == 0, "too many groups");
    WSASetLastError(SENTINEL);
    ok(inet_pton(AF_UNIX, "1.2.3.4", &a4) == -1, "bad family");
    ok(WSAGetLastError() == WSAEAFNOSUPPORT, "bad family: %d", WSAGetLastError());
    WSASetLastError(SENTINEL);
    ok(inet_pton(AF_INET, NULL, &a4) == -1, "NULL string");
    ok(WSAGetLastError() == WSAEFAULT, "NULL string: %d", WSAGetLastError());
    WSASetLastError(SENTINEL);
    ok(InetPtonW(AF_INET, L"1.2.3", &a4) == 0, "InetPtonW invalid");
    ok(WSAGetLastError() == WSAEINVAL, "InetPtonW invalid: %d", WSAGetLastError());

    p = inet_ntop(AF_INET6, &a6, buf, sizeof buf);
    ok(p == buf && strcmp(buf, "2001:db8::1") == 0, "ntop v6: %s", buf);
    a4.s_addr = htonl(0x0a141e28);
    ok(inet_ntop(AF_INET, &a4, buf, 12) == buf && strcmp(buf, "10.20.30.40") == 0, "exact fit");
    WSASetLastError(SENTINEL);
    ok(inet_ntop(AF_INET, &a4, buf, 11) == NULL, "buffer too small");
    ok(WSAGetLastError() == ERROR_INVALID_PARAMETER, "too small: %d", WSAGetLastError());
    WSASetLastError(SENTINEL);
    ok(inet_ntop(AF_UNIX, &a4, buf, sizeof buf) == NULL, "bad family");
    ok(WSAGetLastError() == WSAEAFNOSUPPORT, "bad family: %d", WSAGetLastError());
    ok(InetNtopW(AF_INET, &a4, wbuf, INET6_ADDRSTRLEN) == wbuf && wbuf[0] == L'1' && wbuf[11] == 0,
       "InetNtopW");
}

static void test_getaddrinfo(void)
{
    ADDRINFOA hints, *res = NULL, *ai;
    ADDRINFOW hintsw, *resw = NULL;
    SOCKADDR_IN *sin;
    int r, n;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    WSASetLastError(SENTINEL);
    r = getaddrinfo("1.2.3.010", "80", &hints, &res);
    ok(r == 0 && res != NULL, "numeric: %d", r);
    ok(WSAGetLastError() == 0, "success sets 0: %d", WSAGetLastError());
    if (res) {
        sin = (SOCKADDR_IN *)res->ai_addr;
        ok(res->ai_flags == AI_NUMERICHOST, "flags %#x", res->ai_flags);
        ok(res->ai_family == AF_INET && res->ai_socktype == 0 && res->ai_protocol == 0,
           "family %d type %d protocol %d", res->ai_family, res->ai_socktype, res->ai_protocol);
        ok(res->ai_addrlen == sizeof(SOCKADDR_IN), "addrlen %d", (int)res->ai_addrlen);
        ok(sin->sin_family == AF_INET && sin->sin_port == htons(80) &&
               sin->sin_addr.s_addr == htonl(0x01020308),
           "address");
        ok(res->ai_canonname == NULL && res->ai_next == NULL, "one entry, no name");
        freeaddrinfo(res);
    }

    hints.ai_flags = AI_CANONNAME;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    res = NULL;
    r = getaddrinfo("localhost", "http", &hints, &res);
    ok(r == 0 && res != NULL, "localhost: %d", r);
    for (ai = res, n = 0; ai; ai = ai->ai_next, n++) {
        sin = (SOCKADDR_IN *)ai->ai_addr;
        ok(sin->sin_port == htons(80), "http port");
        ok(ai->ai_socktype == SOCK_STREAM && ai->ai_protocol == IPPROTO_TCP, "as hinted");
        ok((n == 0) == (ai->ai_canonname != NULL), "canonical name on the first entry only");
    }
    ok(n >= 1, "entries %d", n);
    freeaddrinfo(res);

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET6;
    hints.ai_flags = AI_NUMERICHOST;
    res = NULL;
    r = getaddrinfo("::1", "0", &hints, &res);
    ok(r == 0 && res && res->ai_family == AF_INET6 && res->ai_addrlen == sizeof(SOCKADDR_IN6),
       "v6: %d", r);
    if (res)
        ok(((SOCKADDR_IN6 *)res->ai_addr)->sin6_family == 23, "AF_INET6 is 23");
    freeaddrinfo(res);

    WSASetLastError(SENTINEL);
    res = (ADDRINFOA *)0x10;
    r = getaddrinfo(NULL, NULL, NULL, &res);
    ok(r == EAI_NONAME && WSAGetLastError() == WSAHOST_NOT_FOUND && res == NULL,
       "no names: %d %d", r, WSAGetLastError());
    WSASetLastError(SENTINEL);
    r = getaddrinfo("localhost", NULL, &hints, &res);
    ok(r == WSAHOST_NOT_FOUND && WSAGetLastError() == r, "AI_NUMERICHOST with a name: %d", r);
    hints.ai_flags = 0;
    hints.ai_family = AF_INET;
    WSASetLastError(SENTINEL);
    r = getaddrinfo("127.0.0.1", "no-such-service", &hints, &res);
    ok(r == EAI_SERVICE && WSAGetLastError() == WSATYPE_NOT_FOUND, "service: %d", r);
    hints.ai_family = 10;
    WSASetLastError(SENTINEL);
    r = getaddrinfo("127.0.0.1", NULL, &hints, &res);
    ok(r == EAI_FAMILY && WSAGetLastError() == WSAEAFNOSUPPORT, "family: %d", r);
    hints.ai_family = AF_INET;
    hints.ai_socktype = 42;
    WSASetLastError(SENTINEL);
    r = getaddrinfo("127.0.0.1", NULL, &hints, &res);
    ok(r == EAI_SOCKTYPE && WSAGetLastError() == WSAESOCKTNOSUPPORT, "socktype: %d", r);
    hints.ai_socktype = 0;
    hints.ai_flags = AI_CANONNAME | AI_FQDN;
    WSASetLastError(SENTINEL);
    r = getaddrinfo("127.0.0.1", NULL, &hints, &res);
    ok(r == EAI_BADFLAGS && WSAGetLastError() == WSAEINVAL, "flags: %d", r);
    hints.ai_flags = 0;
    hints.ai_addrlen = 1;
    WSASetLastError(SENTINEL);
    r = getaddrinfo("127.0.0.1", NULL, &hints, &res);
    ok(r == EAI_FAIL && WSAGetLastError() == WSANO_RECOVERY, "dirty hints: %d", r);
    ok(strlen(gai_strerrorA(EAI_NONAME)) > 0, "gai_strerror");

    memset(&hintsw, 0, sizeof hintsw);
    hintsw.ai_family = AF_INET;
    r = GetAddrInfoW(L"localhost", L"25", &hintsw, &resw);
    ok(r == 0 && resw && ((SOCKADDR_IN *)resw->ai_addr)->sin_port == htons(25), "GetAddrInfoW: %d", r);
    FreeAddrInfoW(resw);
}

static void test_getnameinfo(void)
{
    SOCKADDR_IN sin;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    WCHAR whost[NI_MAXHOST];
    int r;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r = getnameinfo((SOCKADDR *)&sin, sizeof sin, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    ok(r == 0 && strcmp(host, "127.0.0.1") == 0 && strcmp(serv, "80") == 0, "numeric: %d", r);
    r = getnameinfo((SOCKADDR *)&sin, sizeof sin, NULL, 0, serv, sizeof serv, 0);
    ok(r == 0 && strcmp(serv, "http") == 0, "service name: %d %s", r, serv);
    WSASetLastError(SENTINEL);
    r = getnameinfo((SOCKADDR *)&sin, sizeof sin - 1, host, sizeof host, NULL, 0, 0);
    ok(r == WSAEFAULT && WSAGetLastError() == WSAEFAULT, "short sockaddr: %d", r);
    WSASetLastError(SENTINEL);
    r = getnameinfo((SOCKADDR *)&sin, sizeof sin, host, 9, NULL, 0, NI_NUMERICHOST);
    ok(r == WSAEFAULT && WSAGetLastError() == WSAEFAULT, "small host buffer: %d", r);
    WSASetLastError(SENTINEL);
    r = getnameinfo((SOCKADDR *)&sin, sizeof sin, host, 0, NULL, 0, 0);
    ok(r == EAI_BADFLAGS && WSAGetLastError() == WSAEINVAL, "zero size: %d", r);
    WSASetLastError(SENTINEL);
    r = getnameinfo((SOCKADDR *)&sin, sizeof sin, NULL, 0, NULL, 0, 0);
    ok(r == EAI_NONAME && WSAGetLastError() == WSAHOST_NOT_FOUND, "no buffers: %d", r);
    sin.sin_family = AF_UNIX;
    WSASetLastError(SENTINEL);
    r = getnameinfo((SOCKADDR *)&sin, sizeof sin, host, sizeof host, NULL, 0, 0);
    ok(r == EAI_FAMILY && WSAGetLastError() == WSAEAFNOSUPPORT, "family: %d", r);
    sin.sin_family = AF_INET;
    r = GetNameInfoW((SOCKADDR *)&sin, sizeof sin, whost, NI_MAXHOST, NULL, 0, NI_NUMERICHOST);
    ok(r == 0 && whost[0] == L'1' && whost[9] == 0, "GetNameInfoW: %d", r);
}

static void test_databases(void)
{
    char name[256];
    struct hostent *h;
    struct servent *s;
    struct protoent *p;

    ok(gethostname(name, sizeof name) == 0, "gethostname: %d", WSAGetLastError());
    WSASetLastError(SENTINEL);
    ok(gethostname(name, (int)strlen(name)) == SOCKET_ERROR, "no room for the NUL");
    ok(WSAGetLastError() == WSAEFAULT, "gethostname small: %d", WSAGetLastError());
    WSASetLastError(SENTINEL);
    ok(gethostname(NULL, 256) == SOCKET_ERROR && WSAGetLastError() == WSAEFAULT, "NULL name");

    h = gethostbyname("localhost");
    ok(h != NULL, "gethostbyname: %d", WSAGetLastError());
    if (h) {
        ok(h->h_addrtype == AF_INET && h->h_length == 4, "type %d length %d", h->h_addrtype,
           h->h_length);
        ok(((IN_ADDR *)h->h_addr_list[0])->s_addr == htonl(INADDR_LOOPBACK), "address");
    }
    WSASetLastError(SENTINEL);
    h = gethostbyname("no-such-host.invalid");
    ok(h == NULL && WSAGetLastError() == WSAHOST_NOT_FOUND, "unknown host: %d", WSAGetLastError());
    WSASetLastError(SENTINEL);
    ok(gethostbyaddr(name, 3, AF_INET) == NULL && WSAGetLastError() == WSAEFAULT, "short address");

    s = getservbyname("http", "tcp");
    ok(s != NULL && s->s_port == htons(80) && strcmp(s->s_proto, "tcp") == 0, "getservbyname");
    s = getservbyport(htons(80), NULL);
    ok(s != NULL && strcmp(s->s_name, "http") == 0, "getservbyport");
    WSASetLastError(SENTINEL);
    ok(getservbyname("no-such-service", NULL) == NULL && WSAGetLastError() == WSANO_DATA,
       "unknown service: %d", WSAGetLastError());
    p = getprotobyname("udp");
    ok(p != NULL && p->p_proto == IPPROTO_UDP, "getprotobyname");
    p = getprotobynumber(IPPROTO_TCP);
    ok(p != NULL && strcmp(p->p_name, "tcp") == 0, "getprotobynumber");
    WSASetLastError(SENTINEL);
    ok(getprotobynumber(4242) == NULL && WSAGetLastError() == WSANO_DATA, "unknown protocol");
}

static void test_address_strings(void)
{
    SOCKADDR_IN sin;
    SOCKADDR_STORAGE out;
    char text[64];
    WCHAR wtext[64];
    DWORD len;
    INT outlen;
    SOCKET s;
    u_long l = 0;

    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(8080);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof text;
    ok(WSAAddressToStringA((SOCKADDR *)&sin, sizeof sin, NULL, text, &len) == 0, "to string: %d",
       WSAGetLastError());
    ok(strcmp(text, "127.0.0.1:8080") == 0 && len == 15, "%s %d", text, (int)len);
    len = 14;
    WSASetLastError(SENTINEL);
    ok(WSAAddressToStringA((SOCKADDR *)&sin, sizeof sin, NULL, text, &len) == SOCKET_ERROR,
       "too small");
    ok(WSAGetLastError() == WSAEFAULT && len == 15, "needed length %d, error %d", (int)len,
       WSAGetLastError());
    len = 64;
    ok(WSAAddressToStringW((SOCKADDR *)&sin, sizeof sin, NULL, wtext, &len) == 0 && len == 15,
       "wide");

    outlen = sizeof out;
    ok(WSAStringToAddressA((char *)"[::1]:80", AF_INET6, NULL, (SOCKADDR *)&out, &outlen) == 0,
       "from string: %d", WSAGetLastError());
    ok(outlen == sizeof(SOCKADDR_IN6) && out.ss_family == AF_INET6, "v6 %d", outlen);
    outlen = sizeof out;
    WSASetLastError(SENTINEL);
    ok(WSAStringToAddressA((char *)"not an address", AF_INET, NULL, (SOCKADDR *)&out, &outlen) ==
           SOCKET_ERROR && WSAGetLastError() == WSAEINVAL,
       "bad text: %d", WSAGetLastError());
    outlen = 4;
    WSASetLastError(SENTINEL);
    ok(WSAStringToAddressA((char *)"1.2.3.4", AF_INET, NULL, (SOCKADDR *)&out, &outlen) ==
           SOCKET_ERROR && WSAGetLastError() == WSAEFAULT && outlen == sizeof(SOCKADDR_IN),
       "small buffer: %d %d", WSAGetLastError(), outlen);

    WSASetLastError(SENTINEL);
    ok(WSAHtonl((SOCKET)0x1234, 1, &l) == SOCKET_ERROR && WSAGetLastError() == WSAENOTSOCK,
       "WSAHtonl on a non-socket: %d", WSAGetLastError());
    s = socket(AF_INET, SOCK_DGRAM, 0);
    ok(s != INVALID_SOCKET, "socket: %d", WSAGetLastError());
    ok(WSAHtonl(s, 0x01020304, &l) == 0 && l == htonl(0x01020304), "WSAHtonl");
    WSASetLastError(SENTINEL);
    ok(WSAHtonl(s, 1, NULL) == SOCKET_ERROR && WSAGetLastError() == WSAEFAULT, "NULL output");
    closesocket(s);
}

int main(void)
{
    WSADATA data;
    test_not_started();
    ok(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup");
    test_inet_addr();
    test_pton_ntop();
    test_getaddrinfo();
    test_getnameinfo();
    test_databases();
    test_address_strings();
    WSACleanup();
    printf("names: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
