/*
 * Win32 threads: CreateThread (thread id, CREATE_SUSPENDED + ResumeThread, APCs queued before
 * the start run first), ExitThread, GetExitCodeThread, waiting on thread handles,
 * DuplicateHandle (pseudo handles, DUPLICATE_CLOSE_SOURCE), GetThreadId, process identity,
 * SwitchToThread, TLS.
 */
#include "wstest.h"

static LONG log_order[4];
static LONG log_count;

static void CALLBACK log_apc(ULONG_PTR value)
{
    log_order[InterlockedIncrement(&log_count) - 1] = (LONG)value;
}

static DWORD WINAPI logging_thread(LPVOID arg)
{
    log_order[InterlockedIncrement(&log_count) - 1] = 100;
    return (DWORD)(ULONG_PTR)arg;
}

static DWORD WINAPI exit_thread(LPVOID arg)
{
    ExitThread((DWORD)(ULONG_PTR)arg);
}

static HANDLE gate;

static DWORD WINAPI gated_thread(LPVOID arg)
{
    (void)arg;
    WaitForSingleObject(gate, INFINITE);
    return 7;
}

static void test_create_thread(void)
{
    HANDLE thread;
    DWORD tid = 0, code = 0, r;
    BOOL b;

    /* Suspended: APCs queued before it starts run before its start routine. */
    thread = CreateThread(NULL, 0, logging_thread, (LPVOID)42, CREATE_SUSPENDED, &tid);
    ok(thread != NULL && tid != 0, "CreateThread: %p, tid %u\n", thread, (unsigned)tid);
    ok(GetThreadId(thread) == tid, "GetThreadId %u\n", (unsigned)GetThreadId(thread));
    ok(QueueUserAPC(log_apc, thread, 1) && QueueUserAPC(log_apc, thread, 2), "QueueUserAPC\n");
    ok(GetExitCodeThread(thread, &code) && code == STILL_ACTIVE, "still active: %u\n",
       (unsigned)code);
    r = WaitForSingleObject(thread, 0);
    ok(r == WAIT_TIMEOUT, "not signalled while suspended: %#x\n", (unsigned)r);
    ok(log_count == 0, "nothing ran while suspended\n");
    r = ResumeThread(thread);
    ok(r == 1, "ResumeThread: previous count %u\n", (unsigned)r);
    r = WaitForSingleObject(thread, INFINITE);
    ok(r == WAIT_OBJECT_0, "thread handle signalled at exit: %#x\n", (unsigned)r);
    ok(log_count == 3 && log_order[0] == 1 && log_order[1] == 2 && log_order[2] == 100,
       "APCs first: %ld %ld %ld (%ld)\n", (long)log_order[0], (long)log_order[1],
       (long)log_order[2], (long)log_count);
    ok(GetExitCodeThread(thread, &code) && code == 42, "exit code %u\n", (unsigned)code);
    ok(ResumeThread(thread) == 0, "ResumeThread of an exited thread: 0\n");
    wst_sentinel();
    r = QueueUserAPC(log_apc, thread, 3);
    ok(r == 0, "QueueUserAPC to an exited thread fails\n");
    ok(CloseHandle(thread), "CloseHandle(thread)\n");
    wst_sentinel();
    b = GetExitCodeThread(thread, &code);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "stale: %u\n", (unsigned)GetLastError());

    /* ExitThread */
    thread = CreateThread(NULL, 64 * 1024, exit_thread, (LPVOID)1234, 0, NULL);
    ok(WaitForSingleObject(thread, INFINITE) == WAIT_OBJECT_0, "ExitThread ends the thread\n");
    ok(GetExitCodeThread(thread, &code) && code == 1234, "ExitThread code %u\n", (unsigned)code);
    CloseHandle(thread);

    /* A running thread is STILL_ACTIVE until it returns. */
    gate = CreateEventW(NULL, TRUE, FALSE, NULL);
    thread = CreateThread(NULL, 0, gated_thread, NULL, 0, NULL);
    ok(ResumeThread(thread) == 0, "ResumeThread of a running thread: 0\n");
    ok(GetExitCodeThread(thread, &code) && code == STILL_ACTIVE, "running: %u\n",
       (unsigned)code);
    SetEvent(gate);
    WaitForSingleObject(thread, INFINITE);
    ok(GetExitCodeThread(thread, &code) && code == 7, "returned: %u\n", (unsigned)code);
    CloseHandle(thread);
    CloseHandle(gate);

    /* Errors */
    wst_sentinel();
    r = ResumeThread(NULL);
    ok(r == (DWORD)-1 && GetLastError() == ERROR_INVALID_HANDLE, "ResumeThread(NULL): %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    r = GetThreadId((HANDLE)(ULONG_PTR)0xdead0);
    ok(r == 0 && GetLastError() == ERROR_INVALID_HANDLE, "GetThreadId(forged): %u\n",
       (unsigned)GetLastError());
    ok(GetThreadId(GetCurrentThread()) == GetCurrentThreadId(), "pseudo handle id\n");
    if (WST_IS_WS2EMU) {
        wst_sentinel();
        thread = CreateThread(NULL, 0, NULL, NULL, 0, NULL);
        ok(thread == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "NULL start: %u\n",
           (unsigned)GetLastError());
    }
}

static void test_duplicate(void)
{
    HANDLE self = NULL, event, dup = NULL;
    DWORD r;
    BOOL b;

    ok(GetCurrentProcess() == (HANDLE)(LONG_PTR)-1, "GetCurrentProcess\n");
    ok(GetCurrentProcessId() != 0, "GetCurrentProcessId\n");
    ok(SwitchToThread() || TRUE, "SwitchToThread returns\n");
    b = DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &self, 0,
                        FALSE, DUPLICATE_SAME_ACCESS);
    ok(b && self != NULL && self != GetCurrentThread(), "current thread: %d %p\n", b, self);
    ok(GetThreadId(self) == GetCurrentThreadId(), "real handle of this thread\n");
    r = WaitForSingleObject(self, 0);
    ok(r == WAIT_TIMEOUT, "this thread is running: %#x\n", (unsigned)r);
    CloseHandle(self);

    event = CreateEventW(NULL, TRUE, FALSE, NULL);
    b = DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(), &dup, 0, FALSE,
                        DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE);
    ok(b && dup != NULL, "duplicate + close source\n");
    wst_sentinel();
    b = SetEvent(event);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "source closed: %u\n",
       (unsigned)GetLastError());
    ok(SetEvent(dup) && WaitForSingleObject(dup, 0) == WAIT_OBJECT_0, "duplicate works\n");
    wst_sentinel();
    b = DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(), &self, 0, FALSE,
                        DUPLICATE_SAME_ACCESS);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "stale source: %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    b = DuplicateHandle((HANDLE)(ULONG_PTR)0x1234, dup, GetCurrentProcess(), &self, 0, FALSE,
                        DUPLICATE_SAME_ACCESS);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "bad process: %u\n",
       (unsigned)GetLastError());
    CloseHandle(dup);
}

static DWORD tls_index;

static DWORD WINAPI tls_thread(LPVOID arg)
{
    LPVOID before;
    (void)arg;
    SetLastError(WST_LAST_ERROR_SENTINEL);
    before = TlsGetValue(tls_index);
    if (before != NULL || GetLastError() != ERROR_SUCCESS)
        return 1;
    TlsSetValue(tls_index, (LPVOID)0x5678);
    return TlsGetValue(tls_index) == (LPVOID)0x5678 ? 0 : 2;
}

static void test_tls(void)
{
    HANDLE thread;
    DWORD code = 99, again;
    LPVOID v;
    BOOL b;

    tls_index = TlsAlloc();
    ok(tls_index != TLS_OUT_OF_INDEXES, "TlsAlloc\n");
    wst_sentinel();
    v = TlsGetValue(tls_index);
    ok(v == NULL && GetLastError() == ERROR_SUCCESS, "fresh slot: %p, %u\n", v,
       (unsigned)GetLastError());
    ok(TlsSetValue(tls_index, (LPVOID)0x1234), "TlsSetValue\n");
    thread = CreateThread(NULL, 0, tls_thread, NULL, 0, NULL);
    WaitForSingleObject(thread, INFINITE);
    ok(GetExitCodeThread(thread, &code) && code == 0, "per thread: %u\n", (unsigned)code);
    CloseHandle(thread);
    ok(TlsGetValue(tls_index) == (LPVOID)0x1234, "ours unchanged\n");
    ok(TlsFree(tls_index), "TlsFree\n");
    again = TlsAlloc();
    ok(again == tls_index, "lowest free index again: %u %u\n", (unsigned)again,
       (unsigned)tls_index);
    ok(TlsGetValue(again) == NULL, "a reallocated slot reads NULL\n");
    ok(TlsFree(again), "TlsFree\n");
    wst_sentinel();
    v = TlsGetValue(1088);
    ok(v == NULL && GetLastError() == ERROR_INVALID_PARAMETER, "index 1088: %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    b = TlsSetValue(TLS_OUT_OF_INDEXES, NULL);
    ok(!b && GetLastError() == ERROR_INVALID_PARAMETER, "TlsSetValue(bad): %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    b = TlsFree(5000);
    ok(!b && GetLastError() == ERROR_INVALID_PARAMETER, "TlsFree(bad): %u\n",
       (unsigned)GetLastError());
}

int main(void)
{
    wst_start("win32_threads");
    test_create_thread();
    test_duplicate();
    test_tls();
    return wst_end();
}
