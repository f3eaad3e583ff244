/*
 * Event upcalls: WPUCreateEvent (slot 2), WPUSetEvent (12), WPUResetEvent (11) and
 * WPUCloseEvent (0), and how their events behave in waits.
 * Spec: wpu-semantics.md §5.1, §5.3, §5.12, §5.13, §9; checklist items 9-17.
 */
#include "wstest.h"

#define U wst_upcalls

static WSAEVENT create_event(void)
{
    int err = WST_SENTINEL;
    WSAEVENT h = U.lpWPUCreateEvent(&err);
    ok(h != NULL, "WPUCreateEvent returned NULL, err %d\n", err);
    return h;
}

static void close_event(WSAEVENT h)
{
    int err = WST_SENTINEL;
    BOOL ret = U.lpWPUCloseEvent(h, &err);
    ok(ret == TRUE, "WPUCloseEvent(%#llx) returned %d, err %d\n", wst_ptr(h), ret, err);
}

/* Polls an event with a 0-ms WSAWaitForMultipleEvents. */
static DWORD poll_event(WSAEVENT h)
{
    return WSAWaitForMultipleEvents(1, &h, FALSE, 0, FALSE);
}

/* Items 9 and 16: a new event is manual-reset and not signalled; NULL lpErrno is fine. */
static void test_create(void)
{
    WSAEVENT a = create_event(), b = create_event();
    DWORD r;

    ok(a != b, "two events share the handle %#llx\n", wst_ptr(a));
    ok(((ULONG_PTR)a & 3) == 0, "event handle %#llx is not a multiple of 4\n", wst_ptr(a));
    r = poll_event(a);
    ok(r == WSA_WAIT_TIMEOUT, "a new event is signalled: wait returned %u\n", (unsigned)r);
    r = WaitForSingleObject(a, 0);
    ok(r == WAIT_TIMEOUT, "WaitForSingleObject on a new event returned %u\n", (unsigned)r);
    close_event(a);
    close_event(b);

    /* Item 16 (INF): a NULL lpErrno does not crash the successful path. */
    a = U.lpWPUCreateEvent(NULL);
    ok(a != NULL, "WPUCreateEvent(NULL) returned NULL\n");
    if (a) {
        BOOL ret = U.lpWPUSetEvent(a, NULL);
        ok(ret == TRUE, "WPUSetEvent(h, NULL) returned %d\n", ret);
        ret = U.lpWPUResetEvent(a, NULL);
        ok(ret == TRUE, "WPUResetEvent(h, NULL) returned %d\n", ret);
        ret = U.lpWPUCloseEvent(a, NULL);
        ok(ret == TRUE, "WPUCloseEvent(h, NULL) returned %d\n", ret);
    }
}

/* Items 10 and 11: set and reset are idempotent; the event is manual-reset. */
static void test_set_reset(void)
{
    WSAEVENT h = create_event();
    int err;
    BOOL ret;
    DWORD r;

    err = WST_SENTINEL;
    ret = U.lpWPUSetEvent(h, &err);
    ok(ret == TRUE, "WPUSetEvent returned %d, err %d\n", ret, err);
    r = poll_event(h);
    ok(r == WSA_WAIT_EVENT_0, "first wait after set returned %u\n", (unsigned)r);
    r = poll_event(h);
    ok(r == WSA_WAIT_EVENT_0, "second wait returned %u: not manual-reset\n", (unsigned)r);
    r = WaitForSingleObject(h, 0);
    ok(r == WAIT_OBJECT_0, "WaitForSingleObject returned %u\n", (unsigned)r);

    err = WST_SENTINEL;
    ret = U.lpWPUSetEvent(h, &err);
    ok(ret == TRUE, "WPUSetEvent on a signalled event returned %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = U.lpWPUResetEvent(h, &err);
    ok(ret == TRUE, "WPUResetEvent returned %d, err %d\n", ret, err);
    r = poll_event(h);
    ok(r == WSA_WAIT_TIMEOUT, "wait after reset returned %u\n", (unsigned)r);
    err = WST_SENTINEL;
    ret = U.lpWPUResetEvent(h, &err);
    ok(ret == TRUE, "WPUResetEvent on a reset event returned %d, err %d\n", ret, err);
    r = poll_event(h);
    ok(r == WSA_WAIT_TIMEOUT, "wait after the second reset returned %u\n", (unsigned)r);

    /* The application-level calls act on the same object. */
    ret = WSASetEvent(h);
    ok(ret == TRUE, "WSASetEvent on a WPU event returned %d\n", ret);
    r = poll_event(h);
    ok(r == WSA_WAIT_EVENT_0, "wait after WSASetEvent returned %u\n", (unsigned)r);
    ret = WSAResetEvent(h);
    ok(ret == TRUE, "WSAResetEvent on a WPU event returned %d\n", ret);
    r = poll_event(h);
    ok(r == WSA_WAIT_TIMEOUT, "wait after WSAResetEvent returned %u\n", (unsigned)r);
    close_event(h);
}

/* §5.1/§5.13: the WPU event calls work on any event, whoever created it. */
static void test_other_events(void)
{
    WSAEVENT wsa = WSACreateEvent();
    HANDLE autoreset = CreateEventW(NULL, FALSE, FALSE, NULL);
    int err;
    BOOL ret;
    DWORD r;

    ok(wsa != WSA_INVALID_EVENT, "WSACreateEvent failed: %d\n", WSAGetLastError());
    ok(autoreset != NULL, "CreateEventW failed: %u\n", (unsigned)GetLastError());

    err = WST_SENTINEL;
    ret = U.lpWPUSetEvent(wsa, &err);
    ok(ret == TRUE, "WPUSetEvent on a WSACreateEvent event returned %d, err %d\n", ret, err);
    r = poll_event(wsa);
    ok(r == WSA_WAIT_EVENT_0, "WSACreateEvent event: wait returned %u\n", (unsigned)r);
    err = WST_SENTINEL;
    ret = U.lpWPUCloseEvent(wsa, &err);
    ok(ret == TRUE, "WPUCloseEvent on a WSACreateEvent event returned %d, err %d\n", ret, err);

    /* An auto-reset event set through the upcall releases one wait and resets. */
    err = WST_SENTINEL;
    ret = U.lpWPUSetEvent(autoreset, &err);
    ok(ret == TRUE, "WPUSetEvent on an auto-reset event returned %d, err %d\n", ret, err);
    r = WaitForSingleObject(autoreset, 0);
    ok(r == WAIT_OBJECT_0, "auto-reset event: first wait returned %u\n", (unsigned)r);
    r = WaitForSingleObject(autoreset, 0);
    ok(r == WAIT_TIMEOUT, "auto-reset event: second wait returned %u\n", (unsigned)r);
    err = WST_SENTINEL;
    ret = U.lpWPUCloseEvent(autoreset, &err);
    ok(ret == TRUE, "WPUCloseEvent on a CreateEventW event returned %d, err %d\n", ret, err);
}

static void check_invalid(HANDLE h, const char *what)
{
    int err;
    BOOL ret;

    err = WST_SENTINEL;
    ret = U.lpWPUSetEvent(h, &err);
    ok(ret == FALSE && err == WSA_INVALID_HANDLE, "WPUSetEvent(%s) returned %d, err %d\n", what,
       ret, err);
    err = WST_SENTINEL;
    ret = U.lpWPUResetEvent(h, &err);
    ok(ret == FALSE && err == WSA_INVALID_HANDLE, "WPUResetEvent(%s) returned %d, err %d\n", what,
       ret, err);
    /* A NULL lpErrno on the failure path: the failure value, no crash. */
    ret = U.lpWPUSetEvent(h, NULL);
    ok(ret == FALSE, "WPUSetEvent(%s, NULL) returned %d\n", what, ret);
    ret = U.lpWPUResetEvent(h, NULL);
    ok(ret == FALSE, "WPUResetEvent(%s, NULL) returned %d\n", what, ret);
}

/* Items 12 and 13: NULL, forged and non-event handles are WSA_INVALID_HANDLE. */
static void test_invalid_handles(void)
{
    WSATHREADID tid = {0};
    HANDLE semaphore;
    SOCKET s;
    int err;
    BOOL ret;

    check_invalid(NULL, "NULL");
    check_invalid((HANDLE)0x1234, "0x1234");
    check_invalid((HANDLE)(ULONG_PTR)0xDEAD0, "0xDEAD0");
    check_invalid(GetCurrentThread(), "GetCurrentThread()");

    err = WST_SENTINEL;
    ret = U.lpWPUCloseEvent(NULL, &err);
    ok(ret == FALSE && err == WSA_INVALID_HANDLE, "WPUCloseEvent(NULL) returned %d, err %d\n",
       ret, err);
    err = WST_SENTINEL;
    ret = U.lpWPUCloseEvent((HANDLE)0x1234, &err);
    ok(ret == FALSE && err == WSA_INVALID_HANDLE, "WPUCloseEvent(0x1234) returned %d, err %d\n",
       ret, err);
    ret = U.lpWPUCloseEvent((HANDLE)0x1234, NULL);
    ok(ret == FALSE, "WPUCloseEvent(0x1234, NULL) returned %d\n", ret);

    /* Item 13: a thread handle is not an event. */
    err = WST_SENTINEL;
    ok(U.lpWPUOpenCurrentThread(&tid, &err) == 0, "WPUOpenCurrentThread failed, err %d\n", err);
    check_invalid(tid.ThreadHandle, "thread handle");
    err = WST_SENTINEL;
    ok(U.lpWPUCloseThread(&tid, &err) == 0, "WPUCloseThread failed, err %d\n", err);

    /* §5.13 (INF): neither is a socket handle nor a semaphore (NT's type mismatch). */
    err = WST_SENTINEL;
    s = U.lpWPUCreateSocketHandle(1001, 0, &err);
    ok(s != INVALID_SOCKET, "WPUCreateSocketHandle failed, err %d\n", err);
    check_invalid((HANDLE)s, "socket handle");
    err = WST_SENTINEL;
    ok(U.lpWPUCloseSocketHandle(s, &err) == 0, "WPUCloseSocketHandle failed, err %d\n", err);

    semaphore = CreateSemaphoreW(NULL, 0, 1, NULL);
    ok(semaphore != NULL, "CreateSemaphoreW failed: %u\n", (unsigned)GetLastError());
    check_invalid(semaphore, "semaphore");
    ok(WaitForSingleObject(semaphore, 0) == WAIT_TIMEOUT, "the semaphore was changed\n");
    ok(CloseHandle(semaphore), "CloseHandle(semaphore) failed: %u\n", (unsigned)GetLastError());
}

/* Item 14: a closed event handle is invalid everywhere. */
static void test_close(void)
{
    WSAEVENT h = create_event();
    int err;
    BOOL ret;
    DWORD r;

    close_event(h);
    err = WST_SENTINEL;
    ret = U.lpWPUCloseEvent(h, &err);
    ok(ret == FALSE && err == WSA_INVALID_HANDLE, "second WPUCloseEvent returned %d, err %d\n",
       ret, err);
    check_invalid(h, "closed event");
    WSASetLastError(WST_SENTINEL);
    r = poll_event(h);
    ok(r == WSA_WAIT_FAILED && WSAGetLastError() == WSA_INVALID_HANDLE,
       "wait on a closed event returned %#x, error %d\n", (unsigned)r, WSAGetLastError());
}

struct waiter {
    WSAEVENT event;
    DWORD timeout;
    WSAEVENT ready; /* set by the waiter just before it waits */
    volatile DWORD tid;
    volatile DWORD result;
    volatile DWORD error;
};

static void waiter_thread(void *arg)
{
    struct waiter *w = arg;
    w->tid = GetCurrentThreadId();
    WSASetEvent(w->ready);
    WSASetLastError(WST_SENTINEL);
    w->result = WSAWaitForMultipleEvents(1, &w->event, FALSE, w->timeout, FALSE);
    w->error = WSAGetLastError();
}

static int start_waiter(wst_thread *thread, struct waiter *w, WSAEVENT event, DWORD timeout)
{
    DWORD r;
    w->event = event;
    w->timeout = timeout;
    w->ready = WSACreateEvent();
    w->result = 0xdead;
    if (!ok(wst_thread_start(thread, waiter_thread, w), "cannot start a thread\n"))
        return 0;
    r = WSAWaitForMultipleEvents(1, &w->ready, FALSE, 20000, FALSE);
    ok(r == WSA_WAIT_EVENT_0, "the waiter did not start: %u\n", (unsigned)r);
    return 1;
}

/* Item 15 (and §5.13: a manual-reset set releases every waiter): WPUSetEvent from this thread
 * wakes two threads blocked in infinite waits. */
static void test_set_wakes_waiters(void)
{
    WSAEVENT h = create_event();
    struct waiter w[2];
    wst_thread thread[2];
    int started[2], i, err;
    BOOL ret;

    for (i = 0; i < 2; i++)
        started[i] = start_waiter(&thread[i], &w[i], h, WSA_INFINITE);
    for (i = 0; i < 2; i++) {
        if (started[i]) {
            int blocked = wst_wait_until_blocked(w[i].tid);
            ok(blocked != 0, "waiter %d never blocked in its wait\n", i);
        }
    }
    err = WST_SENTINEL;
    ret = U.lpWPUSetEvent(h, &err);
    ok(ret == TRUE, "WPUSetEvent returned %d, err %d\n", ret, err);
    for (i = 0; i < 2; i++) {
        if (!started[i])
            continue;
        wst_thread_join(thread[i]);
        ok(w[i].result == WSA_WAIT_EVENT_0, "waiter %d: wait returned %#x, error %u\n", i,
           (unsigned)w[i].result, (unsigned)w[i].error);
        WSACloseEvent(w[i].ready);
    }
    close_event(h);
}

/* Item 17 (INF): closing the handle does not wake a thread that waits on it; the wait ends at
 * its timeout. */
static void test_close_while_waiting(void)
{
    WSAEVENT h = create_event();
    struct waiter w;
    wst_thread thread;
    int blocked;

    if (!start_waiter(&thread, &w, h, 1000))
        return;
    blocked = wst_wait_until_blocked(w.tid);
    if (blocked < 0)
        skip("cannot tell when the waiter blocks; closing anyway\n");
    else
        ok(blocked == 1, "the waiter never blocked\n");
    close_event(h);
    wst_thread_join(thread);
    ok(w.result == WSA_WAIT_TIMEOUT, "wait on an event closed under it returned %#x, error %u\n",
       (unsigned)w.result, (unsigned)w.error);
    WSACloseEvent(w.ready);
}

int main(void)
{
    wst_start("upcall_events");
    wst_startup();
    wst_load_upcalls();

    test_create();
    test_set_reset();
    test_other_events();
    test_invalid_handles();
    test_close();
    test_set_wakes_waiters();
    test_close_while_waiting();

    wst_cleanup();
    return wst_end();
}
