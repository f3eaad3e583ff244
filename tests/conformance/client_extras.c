/*
 * client_extras.c - GetOverlappedResult on a socket request, SetHandleInformation /
 * GetHandleInformation, WSAPoll, WSASendMsg, WSARecvEx (mswsock), WSAGetQOSByName, WSAJoinLeaf
 * and WSAProviderConfigChange through the default catalog and the built-in base provider, with
 * the documented error codes.
 */
#define _WIN32_WINNT 0x0601
#include "wstest.h"

#include <mswsock.h>

static SOCKADDR_IN loopback(void)
{
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A socket of `type` bound to loopback; its address in *addr. */
static SOCKET bound(int type, SOCKADDR_IN *addr)
{
    int len = sizeof *addr;
    SOCKET s = socket(AF_INET, type, 0);
    *addr = loopback();
    ok(s != INVALID_SOCKET, "socket: %d\n", WSAGetLastError());
    ok(bind(s, (SOCKADDR *)addr, len) == 0, "bind: %d\n", WSAGetLastError());
    ok(getsockname(s, (SOCKADDR *)addr, &len) == 0, "getsockname: %d\n", WSAGetLastError());
    return s;
}

static void tcp_pair(SOCKET *client, SOCKET *server)
{
    SOCKADDR_IN a;
    SOCKET l = bound(SOCK_STREAM, &a);
    ok(listen(l, 4) == 0, "listen: %d\n", WSAGetLastError());
    *client = socket(AF_INET, SOCK_STREAM, 0);
    ok(connect(*client, (SOCKADDR *)&a, sizeof a) == 0, "connect: %d\n", WSAGetLastError());
    *server = accept(l, NULL, NULL);
    ok(*server != INVALID_SOCKET, "accept: %d\n", WSAGetLastError());
    closesocket(l);
}

static void test_get_overlapped_result(void)
{
    SOCKET c, s;
    char buf[16];
    WSABUF wsabuf;
    WSAOVERLAPPED ov;
    DWORD n = 0xdead, flags = 0;
    int rc;

    tcp_pair(&c, &s);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    wsabuf.len = sizeof buf;
    wsabuf.buf = buf;
    rc = WSARecv(s, &wsabuf, 1, &n, &flags, &ov, NULL);
    ok(rc == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "WSARecv: %d %d\n", rc,
       WSAGetLastError());
    wst_sentinel();
    n = 0xdead;
    ok(!GetOverlappedResult((HANDLE)s, &ov, &n, FALSE), "incomplete request reported done\n");
    ok(GetLastError() == ERROR_IO_INCOMPLETE, "error %lu\n", (unsigned long)GetLastError());
    ok(send(c, "abcd", 4, 0) == 4, "send: %d\n", WSAGetLastError());
    ok(GetOverlappedResult((HANDLE)s, &ov, &n, TRUE), "wait: %lu\n", (unsigned long)GetLastError());
    ok(n == 4, "%lu bytes\n", (unsigned long)n);
    WSACloseEvent(ov.hEvent);
    closesocket(c);
    closesocket(s);
}

static void test_handle_information(void)
{
    HANDLE e = CreateEventW(NULL, TRUE, FALSE, NULL);
    DWORD flags = 0xffff;

    ok(GetHandleInformation(e, &flags) && flags == 0, "flags %lu\n", (unsigned long)flags);
    ok(SetHandleInformation(e, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE),
       "set: %lu\n", (unsigned long)GetLastError());
    ok(GetHandleInformation(e, &flags) && flags == HANDLE_FLAG_PROTECT_FROM_CLOSE, "flags %lu\n",
       (unsigned long)flags);
#ifdef WS2EMU
    /* On Windows a protected CloseHandle raises an exception under a debugger. */
    wst_sentinel();
    ok(!CloseHandle(e), "protected handle closed\n");
    ok(GetLastError() == ERROR_INVALID_HANDLE, "error %lu\n", (unsigned long)GetLastError());
#endif
    ok(SetHandleInformation(e, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0), "clear: %lu\n",
       (unsigned long)GetLastError());
    ok(CloseHandle(e), "close: %lu\n", (unsigned long)GetLastError());
    wst_sentinel();
    ok(!GetHandleInformation(e, &flags), "closed handle accepted\n");
    ok(GetLastError() == ERROR_INVALID_HANDLE, "error %lu\n", (unsigned long)GetLastError());
}

static void test_poll(void)
{
    SOCKET c, s;
    WSAPOLLFD fds[2];
    int rc;

    tcp_pair(&c, &s);
    wst_sentinel();
    ok(WSAPoll(NULL, 1, 0) == SOCKET_ERROR && WSAGetLastError() == WSAEFAULT, "NULL array: %d\n",
       WSAGetLastError());
    fds[0].fd = c;
    fds[0].events = POLLOUT;
    fds[1].fd = s;
    fds[1].events = POLLIN;
    ok(WSAPoll(fds, 0, 0) == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL, "no entries: %d\n",
       WSAGetLastError());
    rc = WSAPoll(fds, 2, 0);
    ok(rc == 1 && fds[0].revents == POLLWRNORM && fds[1].revents == 0, "rc %d revents %#x %#x\n",
       rc, fds[0].revents, fds[1].revents);
    ok(send(c, "x", 1, 0) == 1, "send: %d\n", WSAGetLastError());
    rc = WSAPoll(&fds[1], 1, 5000);
    ok(rc == 1 && fds[1].revents == POLLRDNORM, "rc %d revents %#x\n", rc, fds[1].revents);
    closesocket(c);
    closesocket(s);
}

static void test_send_msg_and_recv_ex(void)
{
    SOCKADDR_IN to, from;
    SOCKET rx = bound(SOCK_DGRAM, &to), tx = bound(SOCK_DGRAM, &from);
    char a[] = "0123", b[] = "456789", buf[16];
    WSABUF bufs[2];
    WSAMSG msg;
    DWORD sent = 0;
    int flags = 0, n;

    bufs[0].len = 4;
    bufs[0].buf = a;
    bufs[1].len = 6;
    bufs[1].buf = b;
    memset(&msg, 0, sizeof msg);
    msg.name = (SOCKADDR *)&to;
    msg.namelen = sizeof to;
    msg.lpBuffers = bufs;
    msg.dwBufferCount = 2;
    ok(WSASendMsg(tx, &msg, 0, &sent, NULL, NULL) == 0, "WSASendMsg: %d\n", WSAGetLastError());
    ok(sent == 10, "sent %lu\n", (unsigned long)sent);
    n = WSARecvEx(rx, buf, 4, &flags);
    ok(n == 4 && (flags & MSG_PARTIAL), "WSARecvEx %d flags %#x error %d\n", n, flags,
       WSAGetLastError());
    ok(WSASendMsg(tx, &msg, 0, &sent, NULL, NULL) == 0, "WSASendMsg: %d\n", WSAGetLastError());
    flags = 0;
    n = WSARecvEx(rx, buf, sizeof buf, &flags);
    ok(n == 10 && !(flags & MSG_PARTIAL) && memcmp(buf, "0123456789", 10) == 0,
       "WSARecvEx %d flags %#x\n", n, flags);
    ok(WSASendMsg(tx, NULL, 0, &sent, NULL, NULL) == SOCKET_ERROR && WSAGetLastError() == WSAEFAULT,
       "NULL message: %d\n", WSAGetLastError());
    closesocket(rx);
    closesocket(tx);
}

static void test_qos_and_join_leaf(void)
{
    SOCKADDR_IN a;
    SOCKET s = bound(SOCK_DGRAM, &a);
    char name[] = "G711";
    WSABUF qos_name;
    QOS qos;

    qos_name.len = sizeof name;
    qos_name.buf = name;
    memset(&qos, 0, sizeof qos);
    ok(!WSAGetQOSByName(s, &qos_name, &qos) && WSAGetLastError() == WSAEINVAL,
       "WSAGetQOSByName: %d\n", WSAGetLastError());
    ok(WSAJoinLeaf(s, (SOCKADDR *)&a, sizeof a, NULL, NULL, NULL, NULL, JL_BOTH) == INVALID_SOCKET,
       "WSAJoinLeaf succeeded on a UDP socket\n");
    ok(WSAGetLastError() == WSAEOPNOTSUPP || WSAGetLastError() == WSAEINVAL, "WSAJoinLeaf: %d\n",
       WSAGetLastError());
    closesocket(s);
}

static void test_provider_config_change(void)
{
    HANDLE h = NULL;
    WSAOVERLAPPED ov;
    int rc;

    ok(WSAProviderConfigChange(&h, NULL, NULL) == 0, "first call: %d\n", WSAGetLastError());
    ok(h != NULL, "no notification handle\n");
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    rc = WSAProviderConfigChange(&h, &ov, NULL);
    ok(rc == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "overlapped: %d %d\n", rc,
       WSAGetLastError());
    ok(WaitForSingleObject(ov.hEvent, 100) == WAIT_TIMEOUT, "completed without a change\n");
    /* Closing the handle ends the request. */
    ok(CloseHandle(h), "close: %lu\n", (unsigned long)GetLastError());
    ok(WaitForSingleObject(ov.hEvent, 5000) == WAIT_OBJECT_0, "request not ended by the close\n");
    WSACloseEvent(ov.hEvent);
}

int main(void)
{
    wst_start("client_extras");
    wst_startup();

    test_get_overlapped_result();
    test_handle_information();
    test_poll();
    test_send_msg_and_recv_ex();
    test_qos_and_join_leaf();
    test_provider_config_change();

    wst_cleanup();
    return wst_end();
}
