/*
 * WSAEventSelect / WSAEnumNetworkEvents and overlapped I/O completed by event objects, through
 * the client API and the built-in base provider.
 * Spec: wpu-semantics.md §6.1, §6.3, §7.2; checklist items 83-87, 110-115.
 */
#include "wstest.h"

static int connect_pair(SOCKET *client, SOCKET *server)
{
    SOCKADDR_IN a;
    int len = sizeof a;
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l == INVALID_SOCKET || bind(l, (SOCKADDR *)&a, sizeof a) || listen(l, 1) ||
        getsockname(l, (SOCKADDR *)&a, &len))
        return 0;
    *client = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (*client == INVALID_SOCKET || connect(*client, (SOCKADDR *)&a, sizeof a))
        return 0;
    *server = accept(l, NULL, NULL);
    closesocket(l);
    return *server != INVALID_SOCKET;
}

static void test_event_select(void)
{
    SOCKET c, s;
    WSAEVENT ev = WSACreateEvent();
    WSANETWORKEVENTS ne;
    char buf[16];
    int i;

    if (!ok(connect_pair(&c, &s), "pair: %d\n", WSAGetLastError()))
        return;
    ok(WSAEventSelect(s, ev, FD_READ | FD_CLOSE) == 0, "select: %d\n", WSAGetLastError());
    ok(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT, "quiet at first\n");

    /* Items 110 and 112: data sets the event; the record holds FD_READ, other codes untouched. */
    send(c, "data", 4, 0);
    ok(WSAWaitForMultipleEvents(1, &ev, FALSE, 5000, FALSE) == WSA_WAIT_EVENT_0, "signalled\n");
    for (i = 0; i < FD_MAX_EVENTS; i++)
        ne.iErrorCode[i] = WST_SENTINEL;
    ok(WSAEnumNetworkEvents(s, ev, &ne) == 0, "enum: %d\n", WSAGetLastError());
    ok(ne.lNetworkEvents == FD_READ && ne.iErrorCode[FD_READ_BIT] == 0, "record %#lx\n",
       (unsigned long)ne.lNetworkEvents);
    ok(ne.iErrorCode[FD_CLOSE_BIT] == WST_SENTINEL, "unreported codes untouched\n");
    ok(WSAWaitForMultipleEvents(1, &ev, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT, "event reset\n");

    /* Item 111: no new activity, empty record. */
    ok(WSAEnumNetworkEvents(s, NULL, &ne) == 0 && ne.lNetworkEvents == 0, "empty record\n");

    /* Item 114: bad socket and NULL record. */
    WSASetLastError(WST_SENTINEL);
    ok(WSAEnumNetworkEvents((SOCKET)0x4000abcd, ev, &ne) == SOCKET_ERROR &&
           WSAGetLastError() == WSAENOTSOCK,
       "bad socket: %d\n", WSAGetLastError());
    WSASetLastError(WST_SENTINEL);
    ok(WSAEnumNetworkEvents(s, ev, NULL) == SOCKET_ERROR && WSAGetLastError() == WSAEFAULT,
       "NULL record: %d\n", WSAGetLastError());

    /* Graceful close after the data is read: FD_CLOSE with error 0. */
    ok(recv(s, buf, sizeof buf, 0) == 4, "read the data\n");
    closesocket(c);
    ok(WSAWaitForMultipleEvents(1, &ev, FALSE, 5000, FALSE) == WSA_WAIT_EVENT_0, "close event\n");
    ok(WSAEnumNetworkEvents(s, ev, &ne) == 0 && (ne.lNetworkEvents & FD_CLOSE) &&
           ne.iErrorCode[FD_CLOSE_BIT] == 0,
       "FD_CLOSE %#lx, error %d\n", (unsigned long)ne.lNetworkEvents, ne.iErrorCode[FD_CLOSE_BIT]);
    closesocket(s);
    WSACloseEvent(ev);
}

static void test_overlapped_by_event(void)
{
    SOCKET c, s;
    WSAOVERLAPPED ov;
    WSABUF buf;
    char in[16];
    DWORD received = 99, flags = 0, xfer = 0, rflags = 0;
    int r;

    if (!ok(connect_pair(&c, &s), "pair\n"))
        return;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    buf.len = sizeof in;
    buf.buf = in;
    WSASetLastError(WST_SENTINEL);
    r = WSARecv(c, &buf, 1, &received, &flags, &ov, NULL);
    ok(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "pending: %d\n",
       WSAGetLastError());
    ok(received == 99, "item 83: count untouched\n");
    WSASetLastError(WST_SENTINEL);
    ok(!WSAGetOverlappedResult(c, &ov, &xfer, FALSE, &rflags) &&
           WSAGetLastError() == WSA_IO_INCOMPLETE,
       "item 84: %d\n", WSAGetLastError());
    send(s, "xyz", 3, 0);
    ok(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 5000, FALSE) == WSA_WAIT_EVENT_0,
       "the event is signalled\n");
    ok(WSAGetOverlappedResult(c, &ov, &xfer, FALSE, &rflags) && xfer == 3 && rflags == 0,
       "item 86: %lu bytes\n", (unsigned long)xfer);
    ok(memcmp(in, "xyz", 3) == 0, "data\n");

    /* fWait TRUE waits for a request still running. */
    WSAResetEvent(ov.hEvent);
    r = WSARecv(c, &buf, 1, &received, &flags, &ov, NULL);
    ok(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "pending again\n");
    send(s, "1234", 4, 0);
    ok(WSAGetOverlappedResult(c, &ov, &xfer, TRUE, &rflags) && xfer == 4, "fWait: %lu\n",
       (unsigned long)xfer);

    /* Item 87: a reset during a pending receive is reported with the WSA error. */
    WSAResetEvent(ov.hEvent);
    r = WSARecv(c, &buf, 1, &received, &flags, &ov, NULL);
    ok(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "pending for the reset\n");
    {
        LINGER abort_now = {1, 0};
        setsockopt(s, SOL_SOCKET, SO_LINGER, (const char *)&abort_now, sizeof abort_now);
        closesocket(s);
    }
    ok(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 5000, FALSE) == WSA_WAIT_EVENT_0,
       "completed by the reset\n");
    xfer = 0xdead;
    WSASetLastError(WST_SENTINEL);
    ok(!WSAGetOverlappedResult(c, &ov, &xfer, FALSE, &rflags) &&
           WSAGetLastError() == WSAECONNRESET && xfer == 0xdead,
       "item 87: %d, cb %lu\n", WSAGetLastError(), (unsigned long)xfer);
    closesocket(c);
    WSACloseEvent(ov.hEvent);
}

int main(void)
{
    wst_start("sockets_events");
    wst_startup();
    test_event_select();
    test_overlapped_by_event();
    return wst_end();
}
