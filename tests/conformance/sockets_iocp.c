/*
 * An overlapped echo client on an I/O completion port, as Windows servers and clients write it:
 * WSASocket(WSA_FLAG_OVERLAPPED), CreateIoCompletionPort on the socket, overlapped WSARecv and
 * WSASend, GetQueuedCompletionStatus, WSAGetOverlappedResult; through the client API, the
 * catalog and the built-in base provider.
 * Spec: wpu-semantics.md §6; checklist items 83-84, 90, 97-100.
 */
#include "wstest.h"
#include <mswsock.h>

#define KEY ((ULONG_PTR)0x4b4b)

static SOCKADDR_IN loopback(void)
{
    SOCKADDR_IN a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A connected pair (client overlapped-capable, server accepted). */
static int connect_pair(SOCKET *client, SOCKET *server)
{
    SOCKADDR_IN a = loopback();
    int len = sizeof a;
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
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

static void CALLBACK never_called(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)error; (void)bytes; (void)ov; (void)flags;
    ok(0, "a refused request's routine ran\n");
}

static void test_echo_on_a_port(void)
{
    SOCKET client, server;
    HANDLE port;
    WSAOVERLAPPED rov, sov, aov;
    WSABUF rbuf, sbuf;
    char in[64], out[] = "world", echo[16];
    DWORD flags = 0, bytes = 0, received = 7, xfer = 0, rflags = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED done = NULL;
    int r;

    if (!ok(connect_pair(&client, &server), "connected pair: %d\n", WSAGetLastError()))
        return;
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    ok(port != NULL, "port: %lu\n", (unsigned long)GetLastError());
    ok(CreateIoCompletionPort((HANDLE)client, port, KEY, 0) == port, "associate: %lu\n",
       (unsigned long)GetLastError());

    /* Item 83: a receive with nothing to read is pending; the count is not written. */
    memset(&rov, 0, sizeof rov);
    rbuf.len = sizeof in;
    rbuf.buf = in;
    WSASetLastError(WST_SENTINEL);
    r = WSARecv(client, &rbuf, 1, &received, &flags, &rov, NULL);
    ok(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "pending recv: %d, %d\n", r,
       WSAGetLastError());
    ok(received == 7, "count untouched while pending: %lu\n", (unsigned long)received);
    /* Item 84. */
    WSASetLastError(WST_SENTINEL);
    ok(!WSAGetOverlappedResult(client, &rov, &xfer, FALSE, &rflags) &&
           WSAGetLastError() == WSA_IO_INCOMPLETE,
       "incomplete: %d\n", WSAGetLastError());

    /* Item 90: the completion arrives on the port. */
    ok(send(server, "hello", 5, 0) == 5, "server send: %d\n", WSAGetLastError());
    ok(GetQueuedCompletionStatus(port, &bytes, &key, &done, 5000), "dequeue: %lu\n",
       (unsigned long)GetLastError());
    ok(bytes == 5 && key == KEY && done == &rov, "packet: %lu bytes, key %#llx\n",
       (unsigned long)bytes, wst_u64(key));
    ok(memcmp(in, "hello", 5) == 0, "data received\n");
    ok(WSAGetOverlappedResult(client, &rov, &xfer, FALSE, &rflags) && xfer == 5,
       "result: %lu bytes\n", (unsigned long)xfer);

    /* A send completes on the port too, even when it completes at once. */
    memset(&sov, 0, sizeof sov);
    sbuf.len = 5;
    sbuf.buf = out;
    r = WSASend(client, &sbuf, 1, &bytes, 0, &sov, NULL);
    ok(r == 0 || WSAGetLastError() == WSA_IO_PENDING, "send: %d, %d\n", r, WSAGetLastError());
    done = NULL;
    ok(GetQueuedCompletionStatus(port, &bytes, &key, &done, 5000) && done == &sov && bytes == 5,
       "send packet: %lu bytes\n", (unsigned long)bytes);
    ok(recv(server, echo, sizeof echo, 0) == 5 && memcmp(echo, "world", 5) == 0, "echoed\n");

    /* Item 100: a completion routine on a port-bound socket is refused. */
    memset(&aov, 0, sizeof aov);
    WSASetLastError(WST_SENTINEL);
    ok(WSARecv(client, &rbuf, 1, &received, &flags, &aov, never_called) == SOCKET_ERROR &&
           WSAGetLastError() == WSAEINVAL,
       "routine on a port-bound socket: %d\n", WSAGetLastError());

    /* Item 99: closing with a pending request completes it with 995 on the port. */
    memset(&rov, 0, sizeof rov);
    flags = 0;
    r = WSARecv(client, &rbuf, 1, &received, &flags, &rov, NULL);
    ok(r == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "second pending recv: %d\n",
       WSAGetLastError());
    closesocket(client);
    done = NULL;
    SetLastError(WST_LAST_ERROR_SENTINEL);
    ok(!GetQueuedCompletionStatus(port, &bytes, &key, &done, 5000) && done == &rov &&
           GetLastError() == ERROR_OPERATION_ABORTED,
       "aborted: overlapped %p, error %lu\n", (void *)done, (unsigned long)GetLastError());

    closesocket(server);
    CloseHandle(port);
}

static DWORD routine_error = 0xffff, routine_bytes, routine_thread;

static void CALLBACK on_recv(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)ov; (void)flags;
    routine_error = error;
    routine_bytes = bytes;
    routine_thread = GetCurrentThreadId();
}

/* Items 97-98: a completion routine runs on the issuing thread in an alertable wait only. */
static void test_completion_routine(void)
{
    SOCKET client, server;
    WSAOVERLAPPED ov;
    WSABUF buf;
    char in[16];
    DWORD received = 0, flags = 0;
    int r;

    if (!ok(connect_pair(&client, &server), "connected pair\n"))
        return;
    ok(send(server, "abc", 3, 0) == 3, "server send\n");
    memset(&ov, 0, sizeof ov);
    buf.len = sizeof in;
    buf.buf = in;
    r = WSARecv(client, &buf, 1, &received, &flags, &ov, on_recv);
    ok(r == 0 || WSAGetLastError() == WSA_IO_PENDING, "recv with routine: %d, %d\n", r,
       WSAGetLastError());
    ok(routine_error == 0xffff, "the routine does not run inside WSARecv\n");
    ok(SleepEx(5000, TRUE) == WAIT_IO_COMPLETION, "alertable wait runs it\n");
    ok(routine_error == 0 && routine_bytes == 3 && routine_thread == GetCurrentThreadId(),
       "routine: error %lu, %lu bytes\n", (unsigned long)routine_error,
       (unsigned long)routine_bytes);
    closesocket(client);
    closesocket(server);
}

/* AcceptEx and GetAcceptExSockaddrs as exported by mswsock, with an event. */
static void test_accept_ex(void)
{
    SOCKADDR_IN a, mine, *local = NULL, *remote = NULL;
    int len = sizeof a, local_len = 0, remote_len = 0;
    char buffer[2 * (sizeof(SOCKADDR_IN) + 16)], got[8];
    DWORD bytes = 0, xfer = 0, flags = 0;
    WSAOVERLAPPED ov;
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0), as, c;
    BOOL done;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok(bind(l, (SOCKADDR *)&a, sizeof a) == 0 && listen(l, 1) == 0 &&
           getsockname(l, (SOCKADDR *)&a, &len) == 0,
       "listener: %d\n", WSAGetLastError());
    as = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = WSACreateEvent();
    done = AcceptEx(l, as, buffer, 0, sizeof(SOCKADDR_IN) + 16, sizeof(SOCKADDR_IN) + 16, &bytes,
                    &ov);
    ok(done || WSAGetLastError() == ERROR_IO_PENDING, "AcceptEx: %d\n", WSAGetLastError());
    c = socket(AF_INET, SOCK_STREAM, 0);
    ok(connect(c, (SOCKADDR *)&a, sizeof a) == 0, "connect: %d\n", WSAGetLastError());
    ok(WSAWaitForMultipleEvents(1, &ov.hEvent, FALSE, 5000, FALSE) == WSA_WAIT_EVENT_0,
       "accepted\n");
    ok(WSAGetOverlappedResult(l, &ov, &xfer, FALSE, &flags), "result: %d\n", WSAGetLastError());
    ok(setsockopt(as, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&l, sizeof l) == 0,
       "SO_UPDATE_ACCEPT_CONTEXT: %d\n", WSAGetLastError());
    GetAcceptExSockaddrs(buffer, 0, sizeof(SOCKADDR_IN) + 16, sizeof(SOCKADDR_IN) + 16,
                         (SOCKADDR **)&local, &local_len, (SOCKADDR **)&remote, &remote_len);
    len = sizeof mine;
    getsockname(c, (SOCKADDR *)&mine, &len);
    ok(local && remote && local_len == sizeof(SOCKADDR_IN) && remote_len == sizeof(SOCKADDR_IN),
       "sockaddrs: %d, %d\n", local_len, remote_len);
    ok(remote && remote->sin_family == AF_INET && remote->sin_port == mine.sin_port,
       "the remote address is the client's\n");
    ok(local && local->sin_port == a.sin_port, "the local address is the listener's\n");
    ok(send(c, "hi", 2, 0) == 2 && recv(as, got, sizeof got, 0) == 2, "data over it\n");
    closesocket(c);
    closesocket(as);
    closesocket(l);
    WSACloseEvent(ov.hEvent);
}

int main(void)
{
    wst_start("sockets_iocp");
    wst_startup();
    test_echo_on_a_port();
    test_completion_routine();
    test_accept_ex();
    return wst_end();
}
