/*
 * Overlapped completion: the exported WPUCompleteOverlappedRequest on handles from
 * WPUCreateSocketHandle, events and I/O completion ports (CreateIoCompletionPort,
 * GetQueuedCompletionStatus(Ex), PostQueuedCompletionStatus).
 * Spec: wpu-semantics.md §5.16, §6.4; checklist items 30, 85, 88-96. (Items 83, 84, 86, 87,
 * 97-100 go through WSARecv/WSAGetOverlappedResult and a provider.)
 */
#include "wstest.h"

#define U wst_upcalls

#define BASE_TCP 1001
#define PENDING 0x103 /* WSS_OPERATION_IN_PROGRESS / STATUS_PENDING */
#define KEY ((ULONG_PTR)0x4b4b00000000004bull)

static SOCKET create_socket(DWORD_PTR context)
{
    int err = WST_SENTINEL;
    SOCKET s = U.lpWPUCreateSocketHandle(BASE_TCP, context, &err);
    ok(s != INVALID_SOCKET, "WPUCreateSocketHandle failed, err %d\n", err);
    return s;
}

static void close_socket(SOCKET s)
{
    int err = WST_SENTINEL;
    int ret = U.lpWPUCloseSocketHandle(s, &err);
    ok(ret == 0, "WPUCloseSocketHandle returned %d, err %d\n", ret, err);
}

/* An overlapped structure as a provider leaves it while the request runs: Internal pending,
 * provider-private Offset/OffsetHigh with recognisable values. */
static void prepare(WSAOVERLAPPED *ov, WSAEVENT event)
{
    memset(ov, 0, sizeof(*ov));
    ov->Internal = PENDING;
    ov->InternalHigh = 0x77;
    ov->Offset = 0x0ff5e7;
    ov->OffsetHigh = 0x0ff5e7ff;
    ov->hEvent = event;
}

static int complete(SOCKET s, WSAOVERLAPPED *ov, DWORD error, DWORD bytes, int *err)
{
    *err = WST_SENTINEL;
    return WPUCompleteOverlappedRequest(s, ov, error, bytes, err);
}

static HANDLE create_port(void)
{
    HANDLE port;
    wst_sentinel();
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    ok(port != NULL, "CreateIoCompletionPort(new) failed: %u\n", (unsigned)GetLastError());
    return port;
}

/* Checks that the port holds no packet: a 0-ms dequeue times out with a NULL overlapped. */
static void check_port_empty(HANDLE port, const char *when)
{
    DWORD bytes = 0xdead;
    ULONG_PTR key = 0xdead;
    LPOVERLAPPED ov = (LPOVERLAPPED)(ULONG_PTR)0xdead0;
    BOOL ret;
    wst_sentinel();
    ret = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0);
    ok(!ret && ov == NULL && GetLastError() == WAIT_TIMEOUT,
       "%s: dequeue returned %d, ov %#llx, error %u\n", when, ret, wst_ptr(ov),
       (unsigned)GetLastError());
}

static void check_packet(HANDLE port, DWORD bytes_expected, ULONG_PTR key_expected,
                         WSAOVERLAPPED *ov_expected, const char *when)
{
    DWORD bytes = 0xdead;
    ULONG_PTR key = 0xdead;
    LPOVERLAPPED ov = NULL;
    BOOL ret;
    wst_sentinel();
    ret = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000);
    ok(ret == TRUE, "%s: dequeue failed: %u\n", when, (unsigned)GetLastError());
    ok(bytes == bytes_expected && key == key_expected && ov == (LPOVERLAPPED)ov_expected,
       "%s: packet (%u, %#llx, %#llx), expected (%u, %#llx, %#llx)\n", when, (unsigned)bytes,
       wst_u64(key), wst_ptr(ov), (unsigned)bytes_expected, wst_u64(key_expected),
       wst_ptr(ov_expected));
}

/* GetQueuedCompletionStatus itself: timeout, posted packets in FIFO order, bad ports. */
static void test_port_basics(void)
{
    HANDLE port = create_port();
    WSAOVERLAPPED ov1, ov2;
    OVERLAPPED_ENTRY entries[4];
    ULONG removed = 0xdead;
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    BOOL ret;

    check_port_empty(port, "new port");
    /* A short real timeout also ends with WAIT_TIMEOUT and a NULL overlapped. */
    ov = (LPOVERLAPPED)&ov1;
    wst_sentinel();
    ret = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 20);
    ok(!ret && ov == NULL && GetLastError() == WAIT_TIMEOUT,
       "20-ms dequeue returned %d, ov %#llx, error %u\n", ret, wst_ptr(ov),
       (unsigned)GetLastError());

    ok(PostQueuedCompletionStatus(port, 1, 11, (LPOVERLAPPED)&ov1), "post 1 failed\n");
    ok(PostQueuedCompletionStatus(port, 2, 22, (LPOVERLAPPED)&ov2), "post 2 failed\n");
    ok(PostQueuedCompletionStatus(port, 3, 33, NULL), "post 3 failed\n");
    check_packet(port, 1, 11, &ov1, "first posted packet");
    check_packet(port, 2, 22, &ov2, "second posted packet");
    check_packet(port, 3, 33, NULL, "third posted packet");
    check_port_empty(port, "after three dequeues");

    /* The Ex form removes several at once, oldest first. */
    ok(PostQueuedCompletionStatus(port, 4, 44, (LPOVERLAPPED)&ov1), "post 4 failed\n");
    ok(PostQueuedCompletionStatus(port, 5, 55, (LPOVERLAPPED)&ov2), "post 5 failed\n");
    memset(entries, 0, sizeof(entries));
    ret = GetQueuedCompletionStatusEx(port, entries, 4, &removed, 1000, FALSE);
    ok(ret == TRUE && removed == 2, "GetQueuedCompletionStatusEx returned %d, %u entries\n", ret,
       (unsigned)removed);
    ok(entries[0].dwNumberOfBytesTransferred == 4 && entries[0].lpCompletionKey == 44 &&
           entries[0].lpOverlapped == (LPOVERLAPPED)&ov1,
       "first entry (%u, %#llx)\n", (unsigned)entries[0].dwNumberOfBytesTransferred,
       wst_u64(entries[0].lpCompletionKey));
    ok(entries[1].dwNumberOfBytesTransferred == 5 && entries[1].lpCompletionKey == 55 &&
           entries[1].lpOverlapped == (LPOVERLAPPED)&ov2,
       "second entry (%u, %#llx)\n", (unsigned)entries[1].dwNumberOfBytesTransferred,
       wst_u64(entries[1].lpCompletionKey));
    wst_sentinel();
    ret = GetQueuedCompletionStatusEx(port, entries, 4, &removed, 0, FALSE);
    ok(!ret && GetLastError() == WAIT_TIMEOUT, "empty Ex dequeue returned %d, error %u\n", ret,
       (unsigned)GetLastError());

    /* Not a port. */
    ov = (LPOVERLAPPED)&ov1;
    wst_sentinel();
    ret = GetQueuedCompletionStatus((HANDLE)0x1234, &bytes, &key, &ov, 0);
    ok(!ret && GetLastError() == ERROR_INVALID_HANDLE && ov == NULL,
       "dequeue from 0x1234 returned %d, error %u\n", ret, (unsigned)GetLastError());
    wst_sentinel();
    ret = PostQueuedCompletionStatus((HANDLE)0x1234, 0, 0, NULL);
    ok(!ret && GetLastError() == ERROR_INVALID_HANDLE, "post to 0x1234 returned %d, error %u\n",
       ret, (unsigned)GetLastError());

    ok(CloseHandle(port), "CloseHandle(port) failed: %u\n", (unsigned)GetLastError());
    wst_sentinel();
    ret = PostQueuedCompletionStatus(port, 0, 0, NULL);
    ok(!ret && GetLastError() == ERROR_INVALID_HANDLE,
       "post to a closed port returned %d, error %u\n", ret, (unsigned)GetLastError());
}

/* Item 30: a WPUCreateSocketHandle handle associates with a port like a file handle. */
static void test_association(void)
{
    HANDLE port = create_port(), other = create_port(), r;
    SOCKET s = create_socket(1), t = create_socket(2);

    wst_sentinel();
    r = CreateIoCompletionPort((HANDLE)s, port, KEY, 0);
    ok(r == port, "associating a socket returned %#llx, error %u\n", wst_ptr(r),
       (unsigned)GetLastError());
    /* A handle associates once. */
    wst_sentinel();
    r = CreateIoCompletionPort((HANDLE)s, other, 1, 0);
    ok(r == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
       "second association returned %#llx, error %u\n", wst_ptr(r), (unsigned)GetLastError());
    /* Associating with no existing port creates one. */
    wst_sentinel();
    r = CreateIoCompletionPort((HANDLE)t, NULL, 7, 0);
    ok(r != NULL && r != port && r != other, "association with a new port returned %#llx, %u\n",
       wst_ptr(r), (unsigned)GetLastError());
    if (r) {
        WSAOVERLAPPED ov;
        int err;
        prepare(&ov, NULL);
        ok(complete(t, &ov, 0, 9, &err) == 0, "completion failed, err %d\n", err);
        check_packet(r, 9, 7, &ov, "port made by the association");
        ok(CloseHandle(r), "CloseHandle failed\n");
    }
    /* A forged handle cannot be associated. */
    wst_sentinel();
    r = CreateIoCompletionPort((HANDLE)(ULONG_PTR)0xDEAD0, port, 1, 0);
    ok(r == NULL && GetLastError() == ERROR_INVALID_HANDLE,
       "associating 0xDEAD0 returned %#llx, error %u\n", wst_ptr(r), (unsigned)GetLastError());

    close_socket(s);
    close_socket(t);
    ok(CloseHandle(port) && CloseHandle(other), "CloseHandle(port) failed\n");
}

/* Items 85, 93: completion without a port. */
static void test_complete_event_only(void)
{
    SOCKET s = create_socket(3);
    WSAEVENT event = WSACreateEvent();
    WSAOVERLAPPED ov, expected;
    int err, ret;
    DWORD r;

    /* Item 85. */
    prepare(&ov, event);
    ret = complete(s, &ov, 0, 123, &err);
    ok(ret == 0, "WPUCompleteOverlappedRequest returned %d, err %d\n", ret, err);
    ok(ov.InternalHigh == 123, "InternalHigh is %llu\n", wst_u64(ov.InternalHigh));
    ok(ov.Internal != PENDING, "Internal is still STATUS_PENDING\n");
    ok(ov.Internal == 0, "Internal is %#llx for a success (STATUS_SUCCESS recommended)\n",
       wst_u64(ov.Internal));
    ok(ov.Offset == 0x0ff5e7 && ov.OffsetHigh == 0x0ff5e7ff && ov.hEvent == event,
       "provider-owned fields changed: %#x %#x %#llx\n", (unsigned)ov.Offset,
       (unsigned)ov.OffsetHigh, wst_ptr(ov.hEvent));
    r = WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE);
    ok(r == WSA_WAIT_EVENT_0, "the event is not signalled: %u\n", (unsigned)r);
    WSAResetEvent(event);

    /* A failed request still completes; Internal is a failure status. */
    prepare(&ov, event);
    ret = complete(s, &ov, WSAECONNRESET, 5, &err);
    ok(ret == 0, "failed-request completion returned %d, err %d\n", ret, err);
    ok(ov.InternalHigh == 5 && ov.Internal != PENDING && ov.Internal != 0,
       "failed request: Internal %#llx, InternalHigh %llu\n", wst_u64(ov.Internal),
       wst_u64(ov.InternalHigh));
    r = WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE);
    ok(r == WSA_WAIT_EVENT_0, "failed request: event not signalled: %u\n", (unsigned)r);
    WSAResetEvent(event);

    /* Item 93: no event, no port: only Internal and InternalHigh change. */
    prepare(&ov, NULL);
    expected = ov;
    expected.Internal = 0;
    expected.InternalHigh = 4096;
    ret = complete(s, &ov, 0, 4096, &err);
    ok(ret == 0, "completion without event returned %d, err %d\n", ret, err);
    ok(memcmp(&ov, &expected, sizeof(ov)) == 0,
       "fields after completion: %#llx %llu %#x %#x %#llx\n", wst_u64(ov.Internal),
       wst_u64(ov.InternalHigh), (unsigned)ov.Offset, (unsigned)ov.OffsetHigh,
       wst_ptr(ov.hEvent));

    /* NULL lpErrno on the success path. */
    prepare(&ov, NULL);
    ret = WPUCompleteOverlappedRequest(s, &ov, 0, 1, NULL);
    ok(ret == 0 && ov.InternalHigh == 1, "completion with NULL errno returned %d\n", ret);

    close_socket(s);
    WSACloseEvent(event);
}

/* Items 88, 89, 94: what cannot be completed is left untouched. */
static void test_complete_errors(void)
{
    SOCKET s = create_socket(4);
    WSAEVENT event = WSACreateEvent();
    WSAOVERLAPPED ov, before;
    SOCKET ifs = INVALID_SOCKET;
    int err, ret;
#ifdef WS2EMU
    int fds[2];
    if (pipe(fds) == 0) {
        close(fds[1]);
        ifs = (SOCKET)fds[0];
    }
#endif

    /* Item 89 (CE): NULL overlapped. */
    ret = complete(s, NULL, 0, 0, &err);
    ok(ret == SOCKET_ERROR && err == WSA_INVALID_PARAMETER,
       "completion of a NULL overlapped returned %d, err %d\n", ret, err);
    ret = WPUCompleteOverlappedRequest(s, NULL, 0, 0, NULL);
    ok(ret == SOCKET_ERROR, "NULL overlapped, NULL errno returned %d\n", ret);

    /* Item 88: unknown and IFS handles. */
    prepare(&ov, event);
    before = ov;
    ret = complete((SOCKET)0xDEAD0, &ov, 0, 1, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "completion on 0xDEAD0 returned %d, err %d\n",
       ret, err);
    ok(memcmp(&ov, &before, sizeof(ov)) == 0, "a failed completion changed the overlapped\n");
    ret = WPUCompleteOverlappedRequest((SOCKET)0xDEAD0, &ov, 0, 1, NULL);
    ok(ret == SOCKET_ERROR, "completion on 0xDEAD0 with NULL errno returned %d\n", ret);
    if (ifs != INVALID_SOCKET) {
        SOCKET r = U.lpWPUModifyIFSHandle(BASE_TCP, ifs, &err);
        ok(r == ifs, "WPUModifyIFSHandle failed, err %d\n", err);
        ret = complete(ifs, &ov, 0, 1, &err);
        ok(ret == SOCKET_ERROR && err == WSAEINVAL,
           "completion on an IFS handle returned %d, err %d\n", ret, err);
        ok(memcmp(&ov, &before, sizeof(ov)) == 0, "IFS completion changed the overlapped\n");
    } else {
        skip("no descriptor to register as an IFS handle\n");
    }
    /* An event handle is not a socket either. */
    ret = complete((SOCKET)event, &ov, 0, 1, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "completion on an event returned %d, err %d\n",
       ret, err);
    ok(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT,
       "a failed completion signalled the event\n");

    /* Item 94: after WPUCloseSocketHandle. */
    close_socket(s);
    ret = complete(s, &ov, 0, 1, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL,
       "completion on a closed handle returned %d, err %d\n", ret, err);
    ok(memcmp(&ov, &before, sizeof(ov)) == 0, "completion on a closed handle changed ov\n");
    ok(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT,
       "completion on a closed handle signalled the event\n");

    WSACloseEvent(event);
#ifdef WS2EMU
    if (ifs != INVALID_SOCKET)
        close((int)ifs);
#endif
}

/* Items 90-92, 94, 95: completions on a handle associated with a port. */
static void test_complete_with_port(void)
{
    HANDLE port = create_port();
    SOCKET s = create_socket(5);
    WSAEVENT event = WSACreateEvent();
    WSAOVERLAPPED ov;
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED got;
    int err, ret;
    BOOL dequeued;
    DWORD r;
    static const struct {
        DWORD error;
        DWORD win32;
    } failures[] = {
        {WSAECONNRESET, ERROR_NETNAME_DELETED},
        {WSAECONNABORTED, ERROR_CONNECTION_ABORTED},
        {WSA_OPERATION_ABORTED, ERROR_OPERATION_ABORTED},
    };

    ok(CreateIoCompletionPort((HANDLE)s, port, KEY, 0) == port, "association failed: %u\n",
       (unsigned)GetLastError());

    /* Item 90. */
    prepare(&ov, NULL);
    ret = complete(s, &ov, 0, 123, &err);
    ok(ret == 0, "completion returned %d, err %d\n", ret, err);
    check_packet(port, 123, KEY, &ov, "item 90");
    ok(ov.InternalHigh == 123 && ov.Internal == 0, "item 90: Internal %#llx, InternalHigh %llu\n",
       wst_u64(ov.Internal), wst_u64(ov.InternalHigh));
    check_port_empty(port, "after item 90");

    /* Item 91 (INF): event and port are both notified, once. */
    prepare(&ov, event);
    ret = complete(s, &ov, 0, 91, &err);
    ok(ret == 0, "completion returned %d, err %d\n", ret, err);
    r = WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE);
    ok(r == WSA_WAIT_EVENT_0, "item 91: event not signalled: %u\n", (unsigned)r);
    check_packet(port, 91, KEY, &ov, "item 91");
    check_port_empty(port, "after item 91");
    WSAResetEvent(event);

    /* Item 92 (INF): bit 0 of hEvent: the event is signalled, no packet is queued. */
    prepare(&ov, (WSAEVENT)((ULONG_PTR)event | 1));
    ret = complete(s, &ov, 0, 92, &err);
    ok(ret == 0, "completion returned %d, err %d\n", ret, err);
    r = WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE);
    ok(r == WSA_WAIT_EVENT_0, "item 92: event not signalled: %u\n", (unsigned)r);
    check_port_empty(port, "item 92");
    ok(ov.hEvent == (WSAEVENT)((ULONG_PTR)event | 1), "item 92: hEvent changed\n");
    WSAResetEvent(event);

    /* Item 95 and §6.4: a failed request dequeues as FALSE with the overlapped, the byte count
     * and the Win32 view of the error. */
    for (size_t i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
        prepare(&ov, NULL);
        ret = complete(s, &ov, failures[i].error, 17, &err);
        ok(ret == 0, "completion with error %u returned %d, err %d\n", (unsigned)failures[i].error,
           ret, err);
        bytes = 0xdead;
        key = 0;
        got = NULL;
        wst_sentinel();
        dequeued = GetQueuedCompletionStatus(port, &bytes, &key, &got, 5000);
        ok(!dequeued && got == (LPOVERLAPPED)&ov && GetLastError() == failures[i].win32,
           "error %u: dequeue returned %d, ov %#llx, error %u (expected %u)\n",
           (unsigned)failures[i].error, dequeued, wst_ptr(got), (unsigned)GetLastError(),
           (unsigned)failures[i].win32);
        ok(bytes == 17 && key == KEY, "error %u: bytes %u, key %#llx\n",
           (unsigned)failures[i].error, (unsigned)bytes, wst_u64(key));
        ok(ov.Internal != PENDING && ov.Internal != 0 && ov.InternalHigh == 17,
           "error %u: Internal %#llx, InternalHigh %llu\n", (unsigned)failures[i].error,
           wst_u64(ov.Internal), wst_u64(ov.InternalHigh));
    }

    /* Item 94 and §5.2: the association ends with the handle. */
    close_socket(s);
    prepare(&ov, NULL);
    ret = complete(s, &ov, 0, 1, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "completion after close returned %d, err %d\n",
       ret, err);
    check_port_empty(port, "after the socket was closed");

    WSACloseEvent(event);
    ok(CloseHandle(port), "CloseHandle(port) failed\n");
}

/* Completions made by another thread reach a thread blocked on the port. */
struct completer {
    SOCKET s;
    WSAOVERLAPPED *ov;
    DWORD main_tid;
    int result;
    int err;
};

static void completer_thread(void *arg)
{
    struct completer *c = arg;
    int blocked = wst_wait_until_blocked(c->main_tid);
    ok(blocked != 0, "the main thread never blocked in GetQueuedCompletionStatus\n");
    c->err = WST_SENTINEL;
    c->result = WPUCompleteOverlappedRequest(c->s, c->ov, 0, 555, &c->err);
}

static void test_completion_wakes_dequeue(void)
{
    HANDLE port = create_port();
    SOCKET s = create_socket(6);
    WSAOVERLAPPED ov;
    struct completer c;
    wst_thread thread;

    ok(CreateIoCompletionPort((HANDLE)s, port, KEY, 0) == port, "association failed\n");
    prepare(&ov, NULL);
    c.s = s;
    c.ov = &ov;
    c.main_tid = GetCurrentThreadId();
    c.result = -2;
    if (ok(wst_thread_start(&thread, completer_thread, &c), "cannot start a thread\n")) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED got = NULL;
        BOOL ret = GetQueuedCompletionStatus(port, &bytes, &key, &got, INFINITE);
        ok(ret && bytes == 555 && key == KEY && got == (LPOVERLAPPED)&ov,
           "blocked dequeue returned %d (%u, %#llx, %#llx)\n", ret, (unsigned)bytes, wst_u64(key),
           wst_ptr(got));
        wst_thread_join(thread);
        ok(c.result == 0, "the completion returned %d, err %d\n", c.result, c.err);
    }
    close_socket(s);
    CloseHandle(port);
}

/* Item 96: a reader that sees Internal != STATUS_PENDING also sees the final InternalHigh.
 * The completer completes one request per round (bytes = round number); the reader re-arms
 * the overlapped, hands it over, and checks what it reads once Internal changes. */
struct race {
    SOCKET s;
    WSAOVERLAPPED ov;
    long rounds;
    volatile long turn; /* written by the reader (release), read by the completer (acquire) */
    int errors;
};

static void race_completer(void *arg)
{
    struct race *r = arg;
    for (long round = 1; round <= r->rounds; round++) {
        while (__atomic_load_n(&r->turn, __ATOMIC_ACQUIRE) != round)
            wst_spin_pause();
        if (WPUCompleteOverlappedRequest(r->s, &r->ov, 0, (DWORD)round, NULL) != 0)
            r->errors++;
    }
}

static void test_completion_ordering(void)
{
    struct race r;
    wst_thread thread;
    long torn = 0, first_torn = 0;

    memset(&r, 0, sizeof(r));
    r.s = create_socket(7);
    r.rounds = wst_scaled(1000000);
    if (!ok(wst_thread_start(&thread, race_completer, &r), "cannot start a thread\n"))
        return;
    for (long round = 1; round <= r.rounds; round++) {
        ULONG_PTR internal;
        r.ov.InternalHigh = 0;
        r.ov.Internal = PENDING;
        __atomic_store_n(&r.turn, round, __ATOMIC_RELEASE);
        while ((internal = __atomic_load_n(&r.ov.Internal, __ATOMIC_ACQUIRE)) == PENDING)
            wst_spin_pause();
        if (__atomic_load_n(&r.ov.InternalHigh, __ATOMIC_RELAXED) != (ULONG_PTR)round) {
            if (!torn++)
                first_torn = round;
        }
    }
    wst_thread_join(thread);
    ok(r.errors == 0, "%d completions failed\n", r.errors);
    ok(torn == 0, "%ld of %ld readers saw the final Internal before InternalHigh (first: round %ld)\n",
       torn, r.rounds, first_torn);
    close_socket(r.s);
}

int main(void)
{
    wst_start("upcall_completion");
    wst_startup();
    wst_load_upcalls();

    test_port_basics();
    test_association();
    test_complete_event_only();
    test_complete_errors();
    test_complete_with_port();
    test_completion_wakes_dequeue();
    test_completion_ordering();

    wst_cleanup();
    return wst_end();
}
