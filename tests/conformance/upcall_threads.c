/*
 * Threads and APCs: WPUOpenCurrentThread (slot 13), WPUCloseThread (14), WPUQueueApc (10),
 * QueueUserAPC, and alertable waits (SleepEx, WaitForSingleObjectEx, WaitForMultipleObjectsEx,
 * WSAWaitForMultipleEvents).
 * Spec: wpu-semantics.md §5.11, §5.14, §5.15, §8; checklist items 69, 71-82. (Item 70 runs in
 * before_startup.c; item 81 proper needs WSARecv and is done here "in spirit".)
 */
#include "wstest.h"

#define U wst_upcalls

/* What the APCs record: context values in arrival order and the thread they ran on. */
#define MAX_LOG 64
static DWORD_PTR apc_log[MAX_LOG];
static DWORD apc_thread[MAX_LOG];
static volatile int apc_count;

static void reset_log(void)
{
    memset(apc_log, 0, sizeof(apc_log));
    memset(apc_thread, 0, sizeof(apc_thread));
    __atomic_store_n(&apc_count, 0, __ATOMIC_SEQ_CST);
}

static int log_count(void)
{
    return __atomic_load_n(&apc_count, __ATOMIC_SEQ_CST);
}

static void CALLBACK record_apc(DWORD_PTR context)
{
    int i = __atomic_fetch_add(&apc_count, 1, __ATOMIC_SEQ_CST);
    if (i < MAX_LOG) {
        apc_log[i] = context;
        apc_thread[i] = GetCurrentThreadId();
    }
}

static void CALLBACK record_user_apc(ULONG_PTR context)
{
    record_apc((DWORD_PTR)context);
}

static int open_thread(WSATHREADID *tid)
{
    int err = WST_SENTINEL;
    int ret;
    memset(tid, 0xcc, sizeof(*tid));
    ret = U.lpWPUOpenCurrentThread(tid, &err);
    ok(ret == 0, "WPUOpenCurrentThread returned %d, err %d\n", ret, err);
    ok(ret != 0 || tid->ThreadHandle != NULL, "WPUOpenCurrentThread gave a NULL ThreadHandle\n");
    return ret == 0;
}

static void close_thread(WSATHREADID *tid)
{
    int err = WST_SENTINEL;
    int ret = U.lpWPUCloseThread(tid, &err);
    ok(ret == 0, "WPUCloseThread returned %d, err %d\n", ret, err);
    ok(tid->ThreadHandle == NULL && tid->Reserved == 0,
       "WPUCloseThread left %#llx/%#llx in the identity\n", wst_ptr(tid->ThreadHandle),
       wst_u64(tid->Reserved));
}

static int queue_apc(WSATHREADID *tid, DWORD_PTR context)
{
    int err = WST_SENTINEL;
    int ret = U.lpWPUQueueApc(tid, record_apc, context, &err);
    ok(ret == 0, "WPUQueueApc(%#llx) returned %d, err %d\n", wst_u64(context), ret, err);
    return ret == 0;
}

/* Item 69 and §5.14/5.15: identities; NULL pointers. */
static void test_open_close(void)
{
    WSATHREADID a, b;
    int err, ret;

    if (!open_thread(&a))
        return;
    if (open_thread(&b)) {
        ok(a.ThreadHandle != b.ThreadHandle, "two opens gave the same handle %#llx\n",
           wst_ptr(a.ThreadHandle));
        close_thread(&b);
    }
    /* The first identity still works after the second was closed. */
    reset_log();
    queue_apc(&a, 69);
    ret = (int)SleepEx(0, TRUE);
    ok(ret == WAIT_IO_COMPLETION && log_count() == 1 && apc_log[0] == 69,
       "APC through the remaining identity: SleepEx %d, %d APCs\n", ret, log_count());
    /* §5.14 (ReactOS): ThreadHandle is a real thread handle: it is waitable, and not signalled
     * while the thread runs. */
    ret = (int)WaitForSingleObject(a.ThreadHandle, 0);
    ok(ret == WAIT_TIMEOUT, "waiting on the running thread's handle returned %d\n", ret);
    close_thread(&a);

    /* NULL pointers. */
    err = WST_SENTINEL;
    ret = U.lpWPUOpenCurrentThread(NULL, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "WPUOpenCurrentThread(NULL) returned %d, err %d\n",
       ret, err);
    ret = U.lpWPUOpenCurrentThread(NULL, NULL);
    ok(ret == SOCKET_ERROR, "WPUOpenCurrentThread(NULL, NULL) returned %d\n", ret);
    err = WST_SENTINEL;
    ret = U.lpWPUCloseThread(NULL, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "WPUCloseThread(NULL) returned %d, err %d\n", ret,
       err);
    /* A zeroed (already closed) identity is rejected (ReactOS: invalid parameter). */
    err = WST_SENTINEL;
    ret = U.lpWPUCloseThread(&a, &err);
    ok(ret == SOCKET_ERROR && (err == WSAEFAULT || err == WSAEINVAL),
       "WPUCloseThread on a closed identity returned %d, err %d\n", ret, err);
    /* NULL lpErrno on the success path. */
    ret = U.lpWPUOpenCurrentThread(&a, NULL);
    ok(ret == 0, "WPUOpenCurrentThread(&tid, NULL) returned %d\n", ret);
    if (ret == 0) {
        ret = U.lpWPUCloseThread(&a, NULL);
        ok(ret == 0, "WPUCloseThread(&tid, NULL) returned %d\n", ret);
    }
}

/* Items 71, 72, 75, 82: queued APCs run only in an alertable wait, all of them, in order, on
 * this thread, with their full-width context; the wait returns WAIT_IO_COMPLETION once. */
static void test_queue_and_run(void)
{
    WSATHREADID tid;
    WSAEVENT event = WSACreateEvent();
    const DWORD_PTR wide = (DWORD_PTR)0xFFFFFFFF00000001ull;
    DWORD r;

    if (!open_thread(&tid))
        return;

    /* Item 75. */
    r = SleepEx(0, TRUE);
    ok(r == 0, "SleepEx(0, TRUE) with no APC returned %u\n", (unsigned)r);

    /* Item 71. */
    reset_log();
    queue_apc(&tid, 42);
    ok(log_count() == 0, "the APC ran inside WPUQueueApc\n");
    r = WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE);
    ok(r == WSA_WAIT_TIMEOUT && log_count() == 0, "non-alertable wait: %u, %d APCs ran\n",
       (unsigned)r, log_count());
    r = WSAWaitForMultipleEvents(1, &event, FALSE, WSA_INFINITE, TRUE);
    ok(r == WSA_WAIT_IO_COMPLETION, "alertable wait returned %#x\n", (unsigned)r);
    ok(log_count() == 1 && apc_log[0] == 42, "%d APCs ran, first context %llu\n", log_count(),
       wst_u64(apc_log[0]));
    ok(apc_thread[0] == GetCurrentThreadId(), "the APC ran on thread %u, not %u\n",
       (unsigned)apc_thread[0], (unsigned)GetCurrentThreadId());

    /* Items 72, 82. */
    reset_log();
    queue_apc(&tid, 1);
    queue_apc(&tid, 2);
    queue_apc(&tid, wide);
    r = SleepEx(INFINITE, TRUE);
    ok(r == WAIT_IO_COMPLETION, "SleepEx returned %#x\n", (unsigned)r);
    ok(log_count() == 3, "%d APCs ran in one wait\n", log_count());
    ok(apc_log[0] == 1 && apc_log[1] == 2 && apc_log[2] == wide,
       "APC order/contexts: %#llx %#llx %#llx\n", wst_u64(apc_log[0]), wst_u64(apc_log[1]),
       wst_u64(apc_log[2]));
    r = SleepEx(0, TRUE);
    ok(r == 0 && log_count() == 3, "second SleepEx returned %u, %d APCs\n", (unsigned)r,
       log_count());

    /* The other alertable waits run APCs too. */
    reset_log();
    queue_apc(&tid, 7);
    r = WaitForSingleObjectEx(event, 0, TRUE);
    ok(r == WAIT_IO_COMPLETION && log_count() == 1, "WaitForSingleObjectEx: %#x, %d APCs\n",
       (unsigned)r, log_count());
    queue_apc(&tid, 8);
    r = WaitForMultipleObjectsEx(1, &event, FALSE, INFINITE, TRUE);
    ok(r == WAIT_IO_COMPLETION && log_count() == 2, "WaitForMultipleObjectsEx: %#x, %d APCs\n",
       (unsigned)r, log_count());

    close_thread(&tid);
    WSACloseEvent(event);
}

/* Items 73, 74: non-alertable waits never run APCs; a signalled object wins over APCs. */
static void test_pending_apcs_and_signalled_objects(void)
{
    WSATHREADID tid;
    WSAEVENT event = WSACreateEvent();
    DWORD r;

    if (!open_thread(&tid))
        return;
    reset_log();
    queue_apc(&tid, 73);
    queue_apc(&tid, 74);

    /* Item 73. */
    r = WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE);
    ok(r == WSA_WAIT_TIMEOUT, "non-alertable wait returned %#x\n", (unsigned)r);
    r = WaitForSingleObject(event, 0);
    ok(r == WAIT_TIMEOUT, "WaitForSingleObject returned %#x\n", (unsigned)r);
    r = SleepEx(0, FALSE);
    ok(r == 0, "SleepEx(0, FALSE) returned %#x\n", (unsigned)r);
    ok(log_count() == 0, "%d APCs ran in non-alertable waits\n", log_count());

    /* Item 74. */
    WSASetEvent(event);
    r = WSAWaitForMultipleEvents(1, &event, FALSE, 0, TRUE);
    ok(r == WSA_WAIT_EVENT_0, "alertable wait on a signalled event returned %#x\n", (unsigned)r);
    r = WaitForSingleObjectEx(event, INFINITE, TRUE);
    ok(r == WAIT_OBJECT_0, "WaitForSingleObjectEx on a signalled event returned %#x\n",
       (unsigned)r);
    ok(log_count() == 0, "%d APCs ran although the event was signalled\n", log_count());
    r = SleepEx(0, TRUE);
    ok(r == WAIT_IO_COMPLETION, "SleepEx(0, TRUE) returned %#x\n", (unsigned)r);
    ok(log_count() == 2 && apc_log[0] == 73 && apc_log[1] == 74, "%d APCs ran: %llu %llu\n",
       log_count(), wst_u64(apc_log[0]), wst_u64(apc_log[1]));

    close_thread(&tid);
    WSACloseEvent(event);
}

/* Item 81 in spirit: a provider copies the WSATHREADID of a call (here: a function's local
 * that is gone by the time the APC is queued) and queues through the copy, from the same
 * thread and from another one. */
static WSATHREADID *saved_identity;

static void provider_call(void)
{
    WSATHREADID during_call; /* the WSATHREADID ws2_32 passes to WSPRecv */
    if (open_thread(&during_call)) {
        saved_identity = malloc(sizeof(*saved_identity));
        if (saved_identity)
            *saved_identity = during_call;
    }
    memset(&during_call, 0xee, sizeof(during_call));
}

struct remote_queue {
    WSATHREADID tid; /* a copy */
    DWORD_PTR context;
    int result;
    int err;
};

static void remote_queue_thread(void *arg)
{
    struct remote_queue *q = arg;
    q->err = WST_SENTINEL;
    q->result = U.lpWPUQueueApc(&q->tid, record_apc, q->context, &q->err);
    memset(&q->tid, 0, sizeof(q->tid)); /* the copy may be discarded once queued */
}

static void test_copied_identity(void)
{
    struct remote_queue q;
    wst_thread thread;
    DWORD r;

    saved_identity = NULL;
    provider_call();
    if (!ok(saved_identity != NULL, "no identity was saved\n"))
        return;
    reset_log();
    queue_apc(saved_identity, 810);
    q.tid = *saved_identity;
    q.context = 811;
    q.result = -2;
    if (ok(wst_thread_start(&thread, remote_queue_thread, &q), "cannot start a thread\n")) {
        wst_thread_join(thread);
        ok(q.result == 0, "WPUQueueApc from another thread returned %d, err %d\n", q.result, q.err);
    }
    ok(log_count() == 0, "APCs ran before the alertable wait\n");
    r = SleepEx(0, TRUE);
    ok(r == WAIT_IO_COMPLETION, "SleepEx returned %#x\n", (unsigned)r);
    ok(log_count() == 2 && apc_log[0] == 810 && apc_log[1] == 811,
       "copied identity: %d APCs (%llu, %llu)\n", log_count(), wst_u64(apc_log[0]),
       wst_u64(apc_log[1]));
    ok(apc_thread[0] == GetCurrentThreadId() && apc_thread[1] == GetCurrentThreadId(),
       "the APCs ran on threads %u and %u, not %u\n", (unsigned)apc_thread[0],
       (unsigned)apc_thread[1], (unsigned)GetCurrentThreadId());
    close_thread(saved_identity);
    free(saved_identity);
}

/* Item 76: an APC queued from another thread wakes this thread out of an INFINITE alertable
 * WSAWaitForMultipleEvents, runs here, and the wait returns WSA_WAIT_IO_COMPLETION. */
struct waker {
    WSATHREADID tid;
    DWORD target;
    int blocked;
    int result;
    int err;
};

static void waker_thread(void *arg)
{
    struct waker *w = arg;
    w->blocked = wst_wait_until_blocked(w->target);
    w->err = WST_SENTINEL;
    w->result = U.lpWPUQueueApc(&w->tid, record_apc, 76, &w->err);
}

static void test_remote_apc_wakes_wait(void)
{
    struct waker w;
    wst_thread thread;
    WSAEVENT event = WSACreateEvent();
    DWORD r;

    if (!open_thread(&w.tid))
        return;
    w.target = GetCurrentThreadId();
    w.result = -2;
    reset_log();
    if (ok(wst_thread_start(&thread, waker_thread, &w), "cannot start a thread\n")) {
        r = WSAWaitForMultipleEvents(1, &event, FALSE, WSA_INFINITE, TRUE);
        wst_thread_join(thread);
        ok(w.blocked != 0, "this thread was never seen blocked\n");
        ok(w.result == 0, "WPUQueueApc returned %d, err %d\n", w.result, w.err);
        ok(r == WSA_WAIT_IO_COMPLETION, "the wait returned %#x\n", (unsigned)r);
        ok(log_count() == 1 && apc_log[0] == 76 && apc_thread[0] == GetCurrentThreadId(),
           "%d APCs, context %llu, thread %u\n", log_count(), wst_u64(apc_log[0]),
           (unsigned)apc_thread[0]);
    }
    close_thread(&w.tid);
    WSACloseEvent(event);
}

/* Items 77, 78 and §8: APCs pending when a thread exits never run; queueing to an exited
 * thread fails (WPUQueueApc: WSAEFAULT; QueueUserAPC: ERROR_GEN_FAILURE); the thread handle
 * is signalled. */
struct exiting {
    WSATHREADID tid;
    WSAEVENT opened;
    WSAEVENT go;
    int ok_open;
};

static void exiting_thread(void *arg)
{
    struct exiting *x = arg;
    int err = WST_SENTINEL;
    x->ok_open = U.lpWPUOpenCurrentThread(&x->tid, &err) == 0;
    WSASetEvent(x->opened);
    /* Non-alertable: the APC queued meanwhile stays pending until the thread exits. */
    WSAWaitForMultipleEvents(1, &x->go, FALSE, 20000, FALSE);
}

static void test_thread_exit(void)
{
    struct exiting x;
    wst_thread thread;
    int err, ret;
    DWORD r;

    memset(&x, 0, sizeof(x));
    x.opened = WSACreateEvent();
    x.go = WSACreateEvent();
    reset_log();
    if (!ok(wst_thread_start(&thread, exiting_thread, &x), "cannot start a thread\n"))
        return;
    r = WSAWaitForMultipleEvents(1, &x.opened, FALSE, 20000, FALSE);
    ok(r == WSA_WAIT_EVENT_0 && x.ok_open, "the thread did not open its identity\n");
    queue_apc(&x.tid, 78);
    WSASetEvent(x.go);
    wst_thread_join(thread);

    /* The exited thread's handle is signalled. */
    r = WaitForSingleObject(x.tid.ThreadHandle, 10000);
    ok(r == WAIT_OBJECT_0, "the exited thread's handle: wait returned %#x\n", (unsigned)r);
    /* Item 78. */
    SleepEx(0, TRUE);
    ok(log_count() == 0, "an APC pending at thread exit ran (%d)\n", log_count());
    /* Item 77. */
    err = WST_SENTINEL;
    ret = U.lpWPUQueueApc(&x.tid, record_apc, 77, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "WPUQueueApc to an exited thread returned %d, err %d\n",
       ret, err);
    ret = U.lpWPUQueueApc(&x.tid, record_apc, 77, NULL);
    ok(ret == SOCKET_ERROR, "WPUQueueApc to an exited thread, NULL errno: %d\n", ret);
    wst_sentinel();
    ret = (int)QueueUserAPC(record_user_apc, x.tid.ThreadHandle, 77);
    ok(ret == 0 && GetLastError() == ERROR_GEN_FAILURE,
       "QueueUserAPC to an exited thread returned %d, error %u\n", ret, (unsigned)GetLastError());
    SleepEx(0, TRUE);
    ok(log_count() == 0, "%d APCs ran\n", log_count());
    /* The identity is still closed normally. */
    if (x.ok_open)
        close_thread(&x.tid);
    WSACloseEvent(x.opened);
    WSACloseEvent(x.go);
}

/* Items 79, 80 and §5.15: a closed identity cannot be used; closing it does not cancel APCs
 * already queued (they belong to the thread); NULL routine or identity is rejected. */
static void test_closed_identity_and_null(void)
{
    WSATHREADID tid, copy;
    int err, ret;
    DWORD r;

    if (!open_thread(&tid))
        return;
    reset_log();
    queue_apc(&tid, 790);
    copy = tid;
    close_thread(&tid);

    /* Item 79: the zeroed identity, and a stale copy of the closed one. */
    err = WST_SENTINEL;
    ret = U.lpWPUQueueApc(&tid, record_apc, 791, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT,
       "WPUQueueApc through a zeroed identity returned %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = U.lpWPUQueueApc(&copy, record_apc, 792, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT,
       "WPUQueueApc through a closed identity returned %d, err %d\n", ret, err);

    /* The APC queued before the close still runs. */
    r = SleepEx(0, TRUE);
    ok(r == WAIT_IO_COMPLETION && log_count() == 1 && apc_log[0] == 790,
       "after WPUCloseThread: SleepEx %#x, %d APCs, first %llu\n", (unsigned)r, log_count(),
       wst_u64(apc_log[0]));

    /* Item 80 and NULL identity. */
    if (!open_thread(&tid))
        return;
    err = WST_SENTINEL;
    ret = U.lpWPUQueueApc(&tid, NULL, 0, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "WPUQueueApc(NULL routine) returned %d, err %d\n",
       ret, err);
    ret = U.lpWPUQueueApc(&tid, NULL, 0, NULL);
    ok(ret == SOCKET_ERROR, "WPUQueueApc(NULL routine, NULL errno) returned %d\n", ret);
    err = WST_SENTINEL;
    ret = U.lpWPUQueueApc(NULL, record_apc, 0, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "WPUQueueApc(NULL identity) returned %d, err %d\n",
       ret, err);
    /* A forged identity. */
    copy.ThreadHandle = (HANDLE)(ULONG_PTR)0xDEAD0;
    copy.Reserved = 0;
    err = WST_SENTINEL;
    ret = U.lpWPUQueueApc(&copy, record_apc, 0, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "WPUQueueApc(forged identity) returned %d, err %d\n",
       ret, err);
    r = SleepEx(0, TRUE);
    ok(r == 0 && log_count() == 1, "rejected APCs ran: SleepEx %#x, %d APCs\n", (unsigned)r,
       log_count());
    close_thread(&tid);
}

/* QueueUserAPC on GetCurrentThread()'s pseudo handle and on bad handles. */
static void test_queue_user_apc(void)
{
    DWORD ret, r;

    reset_log();
    wst_sentinel();
    ret = QueueUserAPC(record_user_apc, GetCurrentThread(), 0x51);
    ok(ret != 0, "QueueUserAPC(GetCurrentThread()) failed: %u\n", (unsigned)GetLastError());
    ret = QueueUserAPC(record_user_apc, GetCurrentThread(), 0x52);
    ok(ret != 0, "second QueueUserAPC failed: %u\n", (unsigned)GetLastError());
    ok(log_count() == 0, "QueueUserAPC ran the APC at once\n");
    r = SleepEx(INFINITE, TRUE);
    ok(r == WAIT_IO_COMPLETION, "SleepEx returned %#x\n", (unsigned)r);
    ok(log_count() == 2 && apc_log[0] == 0x51 && apc_log[1] == 0x52,
       "%d APCs ran: %#llx %#llx\n", log_count(), wst_u64(apc_log[0]), wst_u64(apc_log[1]));

    wst_sentinel();
    ret = QueueUserAPC(record_user_apc, (HANDLE)(ULONG_PTR)0xDEAD0, 1);
    ok(ret == 0 && GetLastError() == ERROR_INVALID_HANDLE,
       "QueueUserAPC(0xDEAD0) returned %u, error %u\n", (unsigned)ret, (unsigned)GetLastError());
    {
        WSAEVENT event = WSACreateEvent();
        wst_sentinel();
        ret = QueueUserAPC(record_user_apc, event, 1);
        ok(ret == 0 && GetLastError() == ERROR_INVALID_HANDLE,
           "QueueUserAPC(event handle) returned %u, error %u\n", (unsigned)ret,
           (unsigned)GetLastError());
        WSACloseEvent(event);
    }
    r = SleepEx(0, TRUE);
    ok(r == 0 && log_count() == 2, "rejected QueueUserAPC calls queued APCs (%d)\n", log_count());
}

/* WPUQueueApc and QueueUserAPC share the thread's one FIFO queue. */
static void test_shared_queue(void)
{
    WSATHREADID tid;
    DWORD r;

    if (!open_thread(&tid))
        return;
    reset_log();
    queue_apc(&tid, 1);
    QueueUserAPC(record_user_apc, GetCurrentThread(), 2);
    queue_apc(&tid, 3);
    QueueUserAPC(record_user_apc, tid.ThreadHandle, 4);
    r = SleepEx(0, TRUE);
    ok(r == WAIT_IO_COMPLETION, "SleepEx returned %#x\n", (unsigned)r);
    ok(log_count() == 4 && apc_log[0] == 1 && apc_log[1] == 2 && apc_log[2] == 3 &&
           apc_log[3] == 4,
       "mixed queue: %d APCs, %llu %llu %llu %llu\n", log_count(), wst_u64(apc_log[0]),
       wst_u64(apc_log[1]), wst_u64(apc_log[2]), wst_u64(apc_log[3]));
    close_thread(&tid);
}

int main(void)
{
    wst_start("upcall_threads");
    wst_startup();
    wst_load_upcalls();

    test_open_close();
    test_queue_and_run();
    test_pending_apcs_and_signalled_objects();
    test_copied_identity();
    test_remote_apc_wakes_wait();
    test_thread_exit();
    test_closed_identity_and_null();
    test_queue_user_apc();
    test_shared_queue();

    wst_cleanup();
    return wst_end();
}
