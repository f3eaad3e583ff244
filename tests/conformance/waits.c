/*
 * Waits: WSAWaitForMultipleEvents, WaitForSingleObject(Ex), WaitForMultipleObjects(Ex),
 * SleepEx, events from CreateEventW and semaphores.
 * Spec: wpu-semantics.md §9; checklist items 116-119.
 */
#include "wstest.h"

#define COUNT 5

static DWORD wait_events(DWORD count, const WSAEVENT *events, BOOL all, DWORD ms, DWORD *error)
{
    DWORD r;
    WSASetLastError(WST_SENTINEL);
    r = WSAWaitForMultipleEvents(count, events, all, ms, FALSE);
    *error = (DWORD)WSAGetLastError();
    return r;
}

/* Item 116: 0 and more than 64 events. */
static void test_counts(void)
{
    WSAEVENT events[WSA_MAXIMUM_WAIT_EVENTS + 1];
    DWORD r, error;
    int i;

    for (i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++)
        events[i] = WSACreateEvent();
    WSASetEvent(events[0]);
    r = wait_events(0, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_FAILED && error == WSA_INVALID_PARAMETER, "0 events: %#x, error %u\n",
       (unsigned)r, (unsigned)error);
    r = wait_events(WSA_MAXIMUM_WAIT_EVENTS + 1, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_FAILED && error == WSA_INVALID_PARAMETER, "65 events: %#x, error %u\n",
       (unsigned)r, (unsigned)error);
    r = wait_events(WSA_MAXIMUM_WAIT_EVENTS, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_EVENT_0, "64 events: %#x, error %u\n", (unsigned)r, (unsigned)error);
    WSASetEvent(events[63]);
    WSAResetEvent(events[0]);
    r = wait_events(WSA_MAXIMUM_WAIT_EVENTS, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_EVENT_0 + 63, "64 events, last signalled: %#x\n", (unsigned)r);
    wst_sentinel();
    r = WaitForMultipleObjects(0, events, FALSE, 0);
    ok(r == WAIT_FAILED && GetLastError() == ERROR_INVALID_PARAMETER,
       "WaitForMultipleObjects(0): %#x, error %u\n", (unsigned)r, (unsigned)GetLastError());
    wst_sentinel();
    r = WaitForMultipleObjectsEx(MAXIMUM_WAIT_OBJECTS + 1, events, FALSE, 0, TRUE);
    ok(r == WAIT_FAILED && GetLastError() == ERROR_INVALID_PARAMETER,
       "WaitForMultipleObjectsEx(65): %#x, error %u\n", (unsigned)r, (unsigned)GetLastError());
    for (i = 0; i <= WSA_MAXIMUM_WAIT_EVENTS; i++)
        WSACloseEvent(events[i]);
}

/* Item 117: any invalid handle fails the whole wait with WSA_INVALID_HANDLE. */
static void test_invalid_handles(void)
{
    WSAEVENT events[3], closed = WSACreateEvent();
    DWORD r, error;

    WSACloseEvent(closed);
    events[0] = WSACreateEvent();
    events[1] = (WSAEVENT)0x1234;
    events[2] = WSACreateEvent();
    WSASetEvent(events[0]);
    r = wait_events(3, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_FAILED && error == WSA_INVALID_HANDLE, "forged handle: %#x, error %u\n",
       (unsigned)r, (unsigned)error);
    events[1] = closed;
    r = wait_events(3, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_FAILED && error == WSA_INVALID_HANDLE, "closed handle: %#x, error %u\n",
       (unsigned)r, (unsigned)error);
    events[1] = NULL;
    r = wait_events(3, events, TRUE, 0, &error);
    ok(r == WSA_WAIT_FAILED && error == WSA_INVALID_HANDLE, "NULL handle, wait-all: %#x, %u\n",
       (unsigned)r, (unsigned)error);
    wst_sentinel();
    r = WaitForSingleObject((HANDLE)0x1234, 0);
    ok(r == WAIT_FAILED && GetLastError() == ERROR_INVALID_HANDLE,
       "WaitForSingleObject(0x1234): %#x, error %u\n", (unsigned)r, (unsigned)GetLastError());
    ok(WSAWaitForMultipleEvents(1, &events[0], FALSE, 0, FALSE) == WSA_WAIT_EVENT_0,
       "the valid event lost its state\n");
    WSACloseEvent(events[0]);
    WSACloseEvent(events[2]);

    /* WSACloseEvent on a bad handle. */
    WSASetLastError(WST_SENTINEL);
    ok(!WSACloseEvent(closed) && WSAGetLastError() == WSA_INVALID_HANDLE,
       "WSACloseEvent(closed) error %d\n", WSAGetLastError());
    wst_sentinel();
    ok(!CloseHandle((HANDLE)0x1234) && GetLastError() == ERROR_INVALID_HANDLE,
       "CloseHandle(0x1234) error %u\n", (unsigned)GetLastError());
}

/* Item 118: wait-any returns the lowest signalled index; wait-all is atomic. */
static void test_any_and_all(void)
{
    WSAEVENT events[COUNT];
    HANDLE autoreset = CreateEventW(NULL, FALSE, TRUE, NULL);
    HANDLE mixed[3];
    DWORD r, error;
    int i;

    for (i = 0; i < COUNT; i++)
        events[i] = WSACreateEvent();
    WSASetEvent(events[1]);
    WSASetEvent(events[3]);
    r = wait_events(COUNT, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_EVENT_0 + 1, "events 1 and 3 set, wait-any: %#x\n", (unsigned)r);
    r = wait_events(COUNT, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_EVENT_0 + 1, "wait-any again (manual reset): %#x\n", (unsigned)r);
    r = wait_events(COUNT, events, TRUE, 0, &error);
    ok(r == WSA_WAIT_TIMEOUT, "wait-all with unsignalled events: %#x\n", (unsigned)r);
    r = wait_events(COUNT, events, TRUE, 30, &error);
    ok(r == WSA_WAIT_TIMEOUT, "30-ms wait-all with unsignalled events: %#x\n", (unsigned)r);
    for (i = 0; i < COUNT; i++) {
        DWORD state = WSAWaitForMultipleEvents(1, &events[i], FALSE, 0, FALSE);
        ok(state == ((i == 1 || i == 3) ? WSA_WAIT_EVENT_0 : WSA_WAIT_TIMEOUT),
           "event %d changed state in a failed wait-all: %#x\n", i, (unsigned)state);
    }
    for (i = 0; i < COUNT; i++)
        WSASetEvent(events[i]);
    r = wait_events(COUNT, events, TRUE, 0, &error);
    ok(r == WSA_WAIT_EVENT_0, "all signalled, wait-all: %#x\n", (unsigned)r);

    /* An auto-reset event is consumed only when the whole wait-all is satisfied. */
    WSAResetEvent(events[2]);
    mixed[0] = events[0];
    mixed[1] = autoreset;
    mixed[2] = events[2];
    r = WaitForMultipleObjects(3, mixed, TRUE, 0);
    ok(r == WAIT_TIMEOUT, "mixed wait-all, one unsignalled: %#x\n", (unsigned)r);
    ok(WaitForSingleObject(autoreset, 0) == WAIT_OBJECT_0, "a failed wait-all consumed the "
                                                           "auto-reset event\n");
    SetEvent(autoreset);
    WSASetEvent(events[2]);
    r = WaitForMultipleObjects(3, mixed, TRUE, 0);
    ok(r == WAIT_OBJECT_0, "mixed wait-all, all signalled: %#x\n", (unsigned)r);
    ok(WaitForSingleObject(autoreset, 0) == WAIT_TIMEOUT, "wait-all did not consume the "
                                                          "auto-reset event\n");
    ok(WaitForSingleObject(events[0], 0) == WAIT_OBJECT_0, "wait-all reset a manual event\n");

    for (i = 0; i < COUNT; i++)
        WSACloseEvent(events[i]);
    CloseHandle(autoreset);
}

/* Item 119: wait-all with a duplicated handle. */
static void test_duplicates(void)
{
    WSAEVENT events[3];
    DWORD r, error;

    events[0] = WSACreateEvent();
    events[1] = WSACreateEvent();
    events[2] = events[0];
    WSASetEvent(events[0]);
    WSASetEvent(events[1]);
    r = wait_events(3, events, TRUE, 0, &error);
    ok(r == WSA_WAIT_FAILED && error == WSA_INVALID_PARAMETER,
       "wait-all with a duplicate: %#x, error %u\n", (unsigned)r, (unsigned)error);
    /* Wait-any accepts duplicates. */
    r = wait_events(3, events, FALSE, 0, &error);
    ok(r == WSA_WAIT_EVENT_0, "wait-any with a duplicate: %#x, error %u\n", (unsigned)r,
       (unsigned)error);
    WSACloseEvent(events[0]);
    WSACloseEvent(events[1]);
}

/* Semaphores: counts, maximum, and waits that take one unit each. */
static void test_semaphores(void)
{
    HANDLE sem;
    LONG previous = -1;
    BOOL ret;
    DWORD r;

    wst_sentinel();
    sem = CreateSemaphoreW(NULL, 1, 2, NULL);
    ok(sem != NULL, "CreateSemaphoreW failed: %u\n", (unsigned)GetLastError());
    r = WaitForSingleObject(sem, 0);
    ok(r == WAIT_OBJECT_0, "first unit: %#x\n", (unsigned)r);
    r = WaitForSingleObject(sem, 0);
    ok(r == WAIT_TIMEOUT, "empty semaphore: %#x\n", (unsigned)r);
    ret = ReleaseSemaphore(sem, 2, &previous);
    ok(ret && previous == 0, "ReleaseSemaphore(2) returned %d, previous %d\n", ret, (int)previous);
    previous = -1;
    wst_sentinel();
    ret = ReleaseSemaphore(sem, 1, &previous);
    ok(!ret && GetLastError() == ERROR_TOO_MANY_POSTS && previous == -1,
       "release beyond the maximum returned %d, error %u, previous %d\n", ret,
       (unsigned)GetLastError(), (int)previous);
    ok(WaitForSingleObject(sem, 0) == WAIT_OBJECT_0 && WaitForSingleObject(sem, 0) == WAIT_OBJECT_0,
       "two units were not available\n");
    ok(WaitForSingleObject(sem, 0) == WAIT_TIMEOUT, "a third unit appeared\n");
    wst_sentinel();
    ok(CreateSemaphoreW(NULL, 3, 2, NULL) == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
       "initial > maximum: error %u\n", (unsigned)GetLastError());
    ok(CloseHandle(sem), "CloseHandle(semaphore) failed\n");
}

/* Timeouts: a 0-ms poll and a short real timeout end with WAIT_TIMEOUT; SleepEx returns 0. */
static void test_timeouts(void)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    DWORD r;

    r = WaitForSingleObject(event, 0);
    ok(r == WAIT_TIMEOUT, "0-ms wait: %#x\n", (unsigned)r);
    r = WaitForSingleObject(event, 20);
    ok(r == WAIT_TIMEOUT, "20-ms wait: %#x\n", (unsigned)r);
    r = WaitForSingleObjectEx(event, 20, TRUE);
    ok(r == WAIT_TIMEOUT, "20-ms alertable wait: %#x\n", (unsigned)r);
    r = SleepEx(10, FALSE);
    ok(r == 0, "SleepEx(10, FALSE): %#x\n", (unsigned)r);
    r = SleepEx(10, TRUE);
    ok(r == 0, "SleepEx(10, TRUE) without APCs: %#x\n", (unsigned)r);
    SetEvent(event);
    r = WaitForSingleObject(event, INFINITE);
    ok(r == WAIT_OBJECT_0, "INFINITE wait on a signalled event: %#x\n", (unsigned)r);
    CloseHandle(event);
}

/* A thread blocked in a wait-all wakes only when the last object is signalled. */
struct all_waiter {
    HANDLE events[2];
    DWORD tid;
    WSAEVENT ready;
    volatile DWORD result;
};

static void all_waiter_thread(void *arg)
{
    struct all_waiter *w = arg;
    w->tid = GetCurrentThreadId();
    WSASetEvent(w->ready);
    w->result = WaitForMultipleObjects(2, w->events, TRUE, INFINITE);
}

static void test_blocked_wait_all(void)
{
    struct all_waiter w;
    wst_thread thread;

    w.events[0] = CreateEventW(NULL, FALSE, FALSE, NULL);
    w.events[1] = CreateEventW(NULL, FALSE, FALSE, NULL);
    w.ready = WSACreateEvent();
    w.result = 0xdead;
    if (!ok(wst_thread_start(&thread, all_waiter_thread, &w), "cannot start a thread\n"))
        return;
    WSAWaitForMultipleEvents(1, &w.ready, FALSE, 20000, FALSE);
    ok(wst_wait_until_blocked(w.tid) != 0, "the waiter never blocked\n");
    SetEvent(w.events[0]);
    ok(wst_wait_until_blocked(w.tid) != 0, "the waiter did not block again\n");
    ok(w.result == 0xdead, "wait-all returned %#x with one object signalled\n",
       (unsigned)w.result);
    SetEvent(w.events[1]);
    wst_thread_join(thread);
    ok(w.result == WAIT_OBJECT_0, "wait-all returned %#x\n", (unsigned)w.result);
    ok(WaitForSingleObject(w.events[0], 0) == WAIT_TIMEOUT &&
           WaitForSingleObject(w.events[1], 0) == WAIT_TIMEOUT,
       "the wait-all did not consume both auto-reset events\n");
    CloseHandle(w.events[0]);
    CloseHandle(w.events[1]);
    WSACloseEvent(w.ready);
}

int main(void)
{
    wst_start("waits");
    wst_startup();

    test_counts();
    test_invalid_handles();
    test_any_and_all();
    test_duplicates();
    test_semaphores();
    test_timeouts();
    test_blocked_wait_all();

    wst_cleanup();
    return wst_end();
}
