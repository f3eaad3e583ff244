/*
 * Win32 synchronisation: critical sections (recursion, TryEnter from another thread, contention
 * between threads, leaving a section one does not own) and mutexes (recursion, ReleaseMutex by
 * a non-owner, abandonment, CloseHandle, named mutexes), DuplicateHandle of a mutex.
 */
#include "wstest.h"

static CRITICAL_SECTION cs;
static LONG counter;
static volatile LONG in_section;

static DWORD WINAPI try_enter_thread(LPVOID arg)
{
    (void)arg;
    return (DWORD)TryEnterCriticalSection(&cs);
}

static DWORD WINAPI contend_thread(LPVOID arg)
{
    long i, n = (long)(LONG_PTR)arg;
    for (i = 0; i < n; i++) {
        EnterCriticalSection(&cs);
        if (InterlockedIncrement(&in_section) != 1)
            InterlockedExchange(&counter, -1000000);
        counter++;
        InterlockedDecrement(&in_section);
        LeaveCriticalSection(&cs);
    }
    return 0;
}

static DWORD WINAPI leave_not_owned_thread(LPVOID arg)
{
    (void)arg;
    LeaveCriticalSection(&cs); /* undefined on Windows; ignored by ws2emu */
    return 0;
}

static void test_critical_section(void)
{
    HANDLE threads[4];
    DWORD code = 99, r;
    long per = wst_scaled(20000);
    int i;
    BOOL b;

    ok(sizeof(CRITICAL_SECTION) == 40, "size %u\n", (unsigned)sizeof(CRITICAL_SECTION));
    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    EnterCriticalSection(&cs);
    ok(cs.RecursionCount == 2, "recursion %d\n", (int)cs.RecursionCount);
    ok((DWORD)(ULONG_PTR)cs.OwningThread == GetCurrentThreadId(), "owner %#llx\n",
       wst_ptr(cs.OwningThread));
    ok(TryEnterCriticalSection(&cs), "TryEnter by the owner recurses\n");
    threads[0] = CreateThread(NULL, 0, try_enter_thread, NULL, 0, NULL);
    WaitForSingleObject(threads[0], INFINITE);
    ok(GetExitCodeThread(threads[0], &code) && code == FALSE, "TryEnter by another: %u\n",
       (unsigned)code);
    CloseHandle(threads[0]);
    /* Leaving a section one does not own must not release it. */
    if (WST_IS_WS2EMU) {
        threads[0] = CreateThread(NULL, 0, leave_not_owned_thread, NULL, 0, NULL);
        WaitForSingleObject(threads[0], INFINITE);
        CloseHandle(threads[0]);
        ok(cs.RecursionCount == 3, "still owned: recursion %d\n", (int)cs.RecursionCount);
    }
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    ok(cs.OwningThread == NULL && cs.RecursionCount == 0, "free again\n");
    threads[0] = CreateThread(NULL, 0, try_enter_thread, NULL, 0, NULL);
    WaitForSingleObject(threads[0], INFINITE);
    ok(GetExitCodeThread(threads[0], &code) && code == TRUE, "TryEnter of a free one: %u\n",
       (unsigned)code);
    CloseHandle(threads[0]);
    DeleteCriticalSection(&cs);

    /* Contention: no two threads inside at once, no lost increments. */
    b = InitializeCriticalSectionAndSpinCount(&cs, 100);
    ok(b, "InitializeCriticalSectionAndSpinCount\n");
    counter = 0;
    for (i = 0; i < 4; i++)
        threads[i] = CreateThread(NULL, 0, contend_thread, (LPVOID)(LONG_PTR)per, 0, NULL);
    r = WaitForMultipleObjects(4, threads, TRUE, INFINITE);
    ok(r == WAIT_OBJECT_0, "wait %#x\n", (unsigned)r);
    ok(counter == 4 * per, "counter %ld, expected %ld\n", (long)counter, 4 * per);
    for (i = 0; i < 4; i++)
        CloseHandle(threads[i]);
    DeleteCriticalSection(&cs);

    b = InitializeCriticalSectionEx(&cs, 0, CRITICAL_SECTION_NO_DEBUG_INFO);
    ok(b, "InitializeCriticalSectionEx\n");
    DeleteCriticalSection(&cs);
    wst_sentinel();
    b = InitializeCriticalSectionEx(&cs, 0, 0x1);
    ok(!b && GetLastError() == ERROR_INVALID_PARAMETER, "bad flags: %d, %u\n", b,
       (unsigned)GetLastError());
}

static HANDLE mutex;

static DWORD WINAPI mutex_other_thread(LPVOID arg)
{
    DWORD r, error;
    (void)arg;
    r = WaitForSingleObject(mutex, 0);
    SetLastError(WST_LAST_ERROR_SENTINEL);
    if (!ReleaseMutex(mutex))
        error = GetLastError();
    else
        error = 0;
    return r == WAIT_TIMEOUT && error == ERROR_NOT_OWNER;
}

static DWORD WINAPI mutex_abandon_thread(LPVOID arg)
{
    (void)arg;
    return WaitForSingleObject(mutex, 0);
}

static void test_mutex(void)
{
    HANDLE thread, dup = NULL, handles[2];
    DWORD r, code = 0;
    BOOL b;

    wst_sentinel();
    mutex = CreateMutexW(NULL, TRUE, NULL);
    ok(mutex != NULL, "CreateMutexW: %u\n", (unsigned)GetLastError());
    r = WaitForSingleObject(mutex, 0);
    ok(r == WAIT_OBJECT_0, "owner recursion: %#x\n", (unsigned)r);
    thread = CreateThread(NULL, 0, mutex_other_thread, NULL, 0, NULL);
    WaitForSingleObject(thread, INFINITE);
    ok(GetExitCodeThread(thread, &code) && code == 1, "busy for others, ERROR_NOT_OWNER\n");
    CloseHandle(thread);
    ok(ReleaseMutex(mutex), "release 1\n");
    ok(ReleaseMutex(mutex), "release 2\n");
    wst_sentinel();
    b = ReleaseMutex(mutex);
    ok(!b && GetLastError() == ERROR_NOT_OWNER, "release 3: %d, %u\n", b,
       (unsigned)GetLastError());

    /* A mutex whose owner exits is abandoned; the next wait says so, then owns it. */
    thread = CreateThread(NULL, 0, mutex_abandon_thread, NULL, 0, NULL);
    WaitForSingleObject(thread, INFINITE);
    ok(GetExitCodeThread(thread, &code) && code == WAIT_OBJECT_0, "thread acquired: %#x\n",
       (unsigned)code);
    CloseHandle(thread);
    handles[0] = CreateEventW(NULL, TRUE, FALSE, NULL);
    handles[1] = mutex;
    r = WaitForMultipleObjects(2, handles, FALSE, 0);
    ok(r == WAIT_ABANDONED_0 + 1, "abandoned: %#x\n", (unsigned)r);
    ok(ReleaseMutex(mutex), "the abandoned wait owns it\n");
    r = WaitForSingleObject(mutex, 0);
    ok(r == WAIT_OBJECT_0, "normal afterwards: %#x\n", (unsigned)r);
    ok(ReleaseMutex(mutex), "release\n");
    CloseHandle(handles[0]);

    /* Duplicates refer to the same mutex. */
    b = DuplicateHandle(GetCurrentProcess(), mutex, GetCurrentProcess(), &dup, 0, FALSE,
                        DUPLICATE_SAME_ACCESS);
    ok(b && dup != NULL && dup != mutex, "DuplicateHandle: %d\n", b);
    ok(WaitForSingleObject(dup, 0) == WAIT_OBJECT_0, "acquire through the duplicate\n");
    ok(ReleaseMutex(mutex), "release through the original\n");
    ok(CloseHandle(dup), "close the duplicate\n");

    /* Wrong kinds, names, closed handles. */
    wst_sentinel();
    b = ReleaseMutex(handles[0]);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "ReleaseMutex(closed event): %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    b = SetEvent(mutex);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "SetEvent(mutex): %u\n",
       (unsigned)GetLastError());
    ok(CloseHandle(mutex), "CloseHandle(mutex)\n");
    wst_sentinel();
    b = ReleaseMutex(mutex);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "stale: %u\n", (unsigned)GetLastError());
    wst_sentinel();
    b = ReleaseMutex(NULL);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "NULL: %u\n", (unsigned)GetLastError());
    if (WST_IS_WS2EMU) {
        wst_sentinel();
        mutex = CreateMutexA(NULL, FALSE, "named");
        ok(mutex == NULL && GetLastError() == ERROR_NOT_SUPPORTED, "named: %u\n",
           (unsigned)GetLastError());
    }
    mutex = CreateMutexA(NULL, FALSE, NULL);
    ok(mutex && WaitForSingleObject(mutex, 0) == WAIT_OBJECT_0, "CreateMutexA, free\n");
    ok(ReleaseMutex(mutex) && CloseHandle(mutex), "release and close\n");
}

int main(void)
{
    wst_start("win32_sync");
    test_critical_section();
    test_mutex();
    return wst_end();
}
