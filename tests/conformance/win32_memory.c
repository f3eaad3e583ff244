/*
 * Win32 memory: process and private heaps (HEAP_ZERO_MEMORY, HeapSize, HeapReAlloc with
 * HEAP_REALLOC_IN_PLACE_ONLY, double free, foreign pointers, HeapDestroy), GlobalAlloc and
 * LocalAlloc with their lock, size and reallocation functions.
 */
#include "wstest.h"

static int all_zero(const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_heaps(void)
{
    HANDLE heap = GetProcessHeap(), priv;
    unsigned char *p, *q;
    int local = 0;
    SIZE_T size;
    BOOL b;

    ok(heap != NULL, "GetProcessHeap\n");
    p = HeapAlloc(heap, HEAP_ZERO_MEMORY, 100);
    ok(p != NULL && all_zero(p, 100), "HEAP_ZERO_MEMORY\n");
    ok(((ULONG_PTR)p & 15) == 0, "16-byte aligned\n");
    ok(HeapSize(heap, 0, p) == 100, "HeapSize %llu\n", (unsigned long long)HeapSize(heap, 0, p));
    memset(p, 0xAB, 100);
    q = HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 5000);
    ok(q != NULL && q[99] == 0xAB && all_zero(q + 100, 4900), "grown, tail zeroed\n");
    ok(HeapSize(heap, 0, q) == 5000, "new size\n");
    p = HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, q, 10);
    ok(p == q && HeapSize(heap, 0, p) == 10, "shrunk in place\n");
    wst_sentinel();
    q = HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, p, 1 << 20);
    ok(q == NULL && HeapSize(heap, 0, p) == 10, "cannot grow in place; block unchanged\n");
    ok(HeapFree(heap, 0, p), "HeapFree\n");
    ok(HeapFree(heap, 0, NULL), "HeapFree(NULL)\n");
    p = HeapAlloc(heap, 0, 0);
    ok(p != NULL && HeapSize(heap, 0, p) == 0, "zero-size block\n");
    ok(HeapFree(heap, 0, p), "free it\n");

    priv = HeapCreate(0, 0, 0);
    ok(priv != NULL && priv != heap, "HeapCreate\n");
    p = HeapAlloc(priv, 0, 32);
    q = HeapAlloc(priv, 0, 64);
    ok(p && q, "private blocks\n");
    ok(HeapFree(priv, 0, q), "free one\n");
    if (WST_IS_WS2EMU) {
        /* Undefined on Windows (heap corruption); ws2emu detects it. */
        wst_sentinel();
        b = HeapFree(priv, 0, q);
        ok(!b && GetLastError() == ERROR_INVALID_PARAMETER, "double free: %u\n",
           (unsigned)GetLastError());
        wst_sentinel();
        b = HeapFree(heap, 0, p);
        ok(!b && GetLastError() == ERROR_INVALID_PARAMETER, "other heap's block: %u\n",
           (unsigned)GetLastError());
        wst_sentinel();
        b = HeapFree(heap, 0, &local);
        ok(!b && GetLastError() == ERROR_INVALID_PARAMETER, "foreign pointer: %u\n",
           (unsigned)GetLastError());
        wst_sentinel();
        size = HeapSize(heap, 0, &local);
        ok(size == (SIZE_T)-1, "HeapSize(foreign): %llu\n", (unsigned long long)size);
        wst_sentinel();
        b = HeapDestroy(heap);
        ok(!b, "the process heap cannot be destroyed\n");
        wst_sentinel();
        p = HeapAlloc((HANDLE)(ULONG_PTR)0x1234, 0, 8);
        ok(p == NULL && GetLastError() == ERROR_INVALID_HANDLE, "HeapAlloc(bad heap): %u\n",
           (unsigned)GetLastError());
    }
    ok(HeapDestroy(priv), "HeapDestroy frees the rest\n");
    wst_sentinel();
    b = CloseHandle(heap);
    ok(!b && GetLastError() == ERROR_INVALID_HANDLE, "a heap is not a kernel handle: %u\n",
       (unsigned)GetLastError());
}

static void test_global_local(void)
{
    HGLOBAL g;
    HLOCAL l, l2;
    unsigned char *p;
    BOOL b;

    g = GlobalAlloc(GPTR, 50);
    ok(g != NULL && all_zero((unsigned char *)g, 50), "GPTR zeroed\n");
    ok(GlobalSize(g) == 50, "GlobalSize\n");
    ok(GlobalLock(g) == (LPVOID)g, "fixed: GlobalLock is the pointer\n");
    ok(GlobalUnlock(g), "fixed: GlobalUnlock nonzero\n");
    ok(HeapFree(GetProcessHeap(), 0, g), "Global memory is process-heap memory\n");

    g = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, 20);
    p = GlobalLock(g);
    ok(p != NULL && all_zero(p, 20), "movable: lock\n");
    ok(GlobalLock(g) == p, "lock twice\n");
    ok(GlobalUnlock(g), "still locked\n");
    wst_sentinel();
    b = GlobalUnlock(g);
    ok(!b && GetLastError() == NO_ERROR, "unlocked: %u\n", (unsigned)GetLastError());
    wst_sentinel();
    b = GlobalUnlock(g);
    ok(!b && GetLastError() == ERROR_NOT_LOCKED, "not locked: %u\n", (unsigned)GetLastError());
    ok(GlobalFree(g) == NULL, "GlobalFree\n");
    wst_sentinel();
    ok(GlobalFree(NULL) == NULL, "GlobalFree(NULL)\n");

    l = LocalAlloc(LPTR, 8);
    ok(l != NULL && LocalSize(l) == 8, "LocalAlloc\n");
    memset(l, 0x5A, 8);
    l2 = LocalReAlloc(l, 4096, LMEM_MOVEABLE | LMEM_ZEROINIT);
    ok(l2 != NULL && LocalSize(l2) == 4096 && ((unsigned char *)l2)[7] == 0x5A &&
           all_zero((unsigned char *)l2 + 8, 4088),
       "LocalReAlloc grows, zeroes the tail\n");
    wst_sentinel();
    l = LocalReAlloc(l2, 1 << 20, 0);
    ok(l == NULL && LocalSize(l2) == 4096, "fixed, no LMEM_MOVEABLE: only in place\n");
    ok(LocalFree(l2) == NULL, "LocalFree\n");
    if (WST_IS_WS2EMU) {
        wst_sentinel();
        l = LocalFree(l2);
        ok(l == l2 && GetLastError() == ERROR_INVALID_HANDLE, "double LocalFree: %u\n",
           (unsigned)GetLastError());
        wst_sentinel();
        ok(GlobalSize(l2) == 0 && GetLastError() == ERROR_INVALID_HANDLE, "GlobalSize(freed)\n");
    }
}

int main(void)
{
    wst_start("win32_memory");
    test_heaps();
    test_global_local();
    return wst_end();
}
