/*
 * WPUPostMessage (slot 7) to message-only windows, WSApSetPostRoutine, and the message calls
 * it relies on (RegisterClassExW, CreateWindowExW(HWND_MESSAGE), PeekMessageW, GetMessageW,
 * DispatchMessageW, DestroyWindow).
 * Spec: wpu-semantics.md §5.8; checklist items 101, 102. (Items 103-109 need WSAAsyncSelect.)
 */
#include "wstest.h"

#define U wst_upcalls

#define WM_SOCKET (WM_USER + 1)

static const WCHAR class_name[] = L"wstest_upcall_messages";

/* What the window procedure saw. */
static struct {
    int calls;
    HWND hwnd;
    UINT msg;
    WPARAM wparam;
    LPARAM lparam;
} seen;

static LRESULT CALLBACK window_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    if (msg == WM_SOCKET) {
        seen.calls++;
        seen.hwnd = hwnd;
        seen.msg = msg;
        seen.wparam = wparam;
        seen.lparam = lparam;
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wparam, lparam);
}

static int register_class(void)
{
    WNDCLASSEXW wc;
    ATOM atom;
    memset(&wc, 0, sizeof(wc));
    wc.cbSize = sizeof(wc);
    wc.lpfnWndProc = window_proc;
    wc.lpszClassName = class_name;
    wst_sentinel();
    atom = RegisterClassExW(&wc);
    ok(atom != 0, "RegisterClassExW failed: %u\n", (unsigned)GetLastError());
    return atom != 0;
}

static HWND create_window(void)
{
    HWND hwnd;
    wst_sentinel();
    hwnd = CreateWindowExW(0, class_name, L"wstest", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    ok(hwnd != NULL, "CreateWindowExW(HWND_MESSAGE) failed: %u\n", (unsigned)GetLastError());
    return hwnd;
}

/* Item 101, same thread: the message arrives unchanged; PeekMessageW then finds nothing. */
static void test_post_and_peek(HWND hwnd)
{
    const WPARAM s = (WPARAM)0x1234567890ull;
    const LPARAM lparam = (LPARAM)WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNRESET);
    MSG msg;
    BOOL ret;

    memset(&msg, 0, sizeof(msg));
    ret = PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE);
    ok(!ret, "PeekMessageW found message %#x in a new queue\n", msg.message);

    wst_sentinel();
    ret = U.lpWPUPostMessage(hwnd, WM_SOCKET, s, 1);
    ok(ret == TRUE, "WPUPostMessage returned %d, error %u\n", ret, (unsigned)GetLastError());
    ret = U.lpWPUPostMessage(hwnd, WM_SOCKET, s, lparam);
    ok(ret == TRUE, "second WPUPostMessage returned %d, error %u\n", ret,
       (unsigned)GetLastError());

    memset(&msg, 0, sizeof(msg));
    ret = PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE);
    ok(ret, "PeekMessageW found nothing\n");
    ok(msg.hwnd == hwnd && msg.message == WM_SOCKET && msg.wParam == s && msg.lParam == 1,
       "first message: %#llx %#x %#llx %#llx\n", wst_ptr(msg.hwnd), msg.message,
       wst_u64(msg.wParam), wst_u64((ULONG_PTR)msg.lParam));

    memset(&msg, 0, sizeof(msg));
    ret = GetMessageW(&msg, NULL, 0, 0);
    ok(ret > 0, "GetMessageW returned %d\n", ret);
    ok(msg.hwnd == hwnd && msg.message == WM_SOCKET && msg.wParam == s && msg.lParam == lparam,
       "second message: %#llx %#x %#llx %#llx\n", wst_ptr(msg.hwnd), msg.message,
       wst_u64(msg.wParam), wst_u64((ULONG_PTR)msg.lParam));
    ok(msg.lParam == 0x27460020, "WSAMAKESELECTREPLY(FD_CLOSE, WSAECONNRESET) is %#llx\n",
       wst_u64((ULONG_PTR)msg.lParam));

    /* DispatchMessageW hands it to the window procedure. */
    memset(&seen, 0, sizeof(seen));
    DispatchMessageW(&msg);
    ok(seen.calls == 1 && seen.hwnd == hwnd && seen.wparam == s && seen.lparam == lparam,
       "window procedure saw %d calls, %#llx %#llx\n", seen.calls, wst_u64(seen.wparam),
       wst_u64((ULONG_PTR)seen.lparam));

    ret = PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE);
    ok(!ret, "PeekMessageW found an extra message %#x\n", msg.message);
}

/* Item 101 across threads: a provider thread posts; this thread, blocked in GetMessageW,
 * receives the messages in order. */
struct poster {
    HWND hwnd;
    DWORD owner;
    int blocked;
    int failures;
};

#define POSTS 100

static void poster_thread(void *arg)
{
    struct poster *p = arg;
    p->blocked = wst_wait_until_blocked(p->owner);
    for (int i = 0; i < POSTS; i++)
        if (!U.lpWPUPostMessage(p->hwnd, WM_SOCKET, (WPARAM)i, (LPARAM)(0x10000 + i)))
            p->failures++;
}

static void test_cross_thread(HWND hwnd)
{
    struct poster p;
    wst_thread thread;
    int out_of_order = 0, received = 0;
    MSG msg;

    p.hwnd = hwnd;
    p.owner = GetCurrentThreadId();
    p.failures = 0;
    if (!ok(wst_thread_start(&thread, poster_thread, &p), "cannot start a thread\n"))
        return;
    for (int i = 0; i < POSTS; i++) {
        BOOL ret = GetMessageW(&msg, NULL, 0, 0);
        if (!ok(ret > 0, "GetMessageW returned %d after %d messages\n", ret, i))
            break;
        received++;
        if (msg.hwnd != hwnd || msg.message != WM_SOCKET || msg.wParam != (WPARAM)i ||
            msg.lParam != (LPARAM)(0x10000 + i))
            out_of_order++;
    }
    wst_thread_join(thread);
    ok(p.blocked != 0, "this thread was never seen blocked in GetMessageW\n");
    ok(p.failures == 0, "%d posts failed\n", p.failures);
    ok(received == POSTS && out_of_order == 0, "received %d messages, %d out of order\n", received,
       out_of_order);
    ok(!PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE), "an extra message arrived\n");
}

/* WSApSetPostRoutine: WPUPostMessage posts through the installed routine. */
static struct {
    int calls;
    HWND hwnd;
    UINT msg;
    WPARAM wparam;
    LPARAM lparam;
} routed;

static BOOL WINAPI recording_post(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    routed.calls++;
    routed.hwnd = hwnd;
    routed.msg = msg;
    routed.wparam = wparam;
    routed.lparam = lparam;
    return TRUE;
}

static void test_post_routine(HWND hwnd)
{
    MSG msg;
    BOOL ret;
    int r;

    r = WSApSetPostRoutine(recording_post);
    ok(r == 0, "WSApSetPostRoutine returned %d\n", r);
    memset(&routed, 0, sizeof(routed));
    ret = U.lpWPUPostMessage(hwnd, WM_SOCKET, 7, 8);
    ok(ret == TRUE && routed.calls == 1 && routed.hwnd == hwnd && routed.msg == WM_SOCKET &&
           routed.wparam == 7 && routed.lparam == 8,
       "routed post: %d, %d calls\n", ret, routed.calls);
    ok(!PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE), "the routed message also reached the queue\n");
    /* Even a dead window goes to the routine: the routine decides. */
    ret = U.lpWPUPostMessage((HWND)(ULONG_PTR)0x1234, WM_SOCKET, 9, 10);
    ok(ret == TRUE && routed.calls == 2, "routed post to 0x1234: %d, %d calls\n", ret,
       routed.calls);

    /* PostMessageW itself as the routine: back to normal posting. */
    r = WSApSetPostRoutine(PostMessageW);
    ok(r == 0, "WSApSetPostRoutine(PostMessageW) returned %d\n", r);
    ret = U.lpWPUPostMessage(hwnd, WM_SOCKET, 11, 12);
    ok(ret == TRUE, "post through PostMessageW failed: %u\n", (unsigned)GetLastError());
    ret = PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE);
    ok(ret && msg.wParam == 11 && msg.lParam == 12, "message through PostMessageW: %d\n", ret);
    ok(routed.calls == 2, "the old routine was called again\n");
}

/* Item 102: a destroyed window, a forged handle. */
static void test_dead_window(void)
{
    HWND hwnd = create_window();
    BOOL ret;

    if (!hwnd)
        return;
    ok(DestroyWindow(hwnd), "DestroyWindow failed: %u\n", (unsigned)GetLastError());
    wst_sentinel();
    ret = U.lpWPUPostMessage(hwnd, WM_SOCKET, 1, 1);
    ok(ret == FALSE && GetLastError() == ERROR_INVALID_WINDOW_HANDLE,
       "WPUPostMessage to a destroyed window returned %d, error %u\n", ret,
       (unsigned)GetLastError());
    wst_sentinel();
    ret = U.lpWPUPostMessage((HWND)(ULONG_PTR)0x1234, WM_SOCKET, 1, 1);
    ok(ret == FALSE && GetLastError() == ERROR_INVALID_WINDOW_HANDLE,
       "WPUPostMessage to 0x1234 returned %d, error %u\n", ret, (unsigned)GetLastError());
    wst_sentinel();
    ret = PostMessageW(hwnd, WM_SOCKET, 1, 1);
    ok(ret == FALSE && GetLastError() == ERROR_INVALID_WINDOW_HANDLE,
       "PostMessageW to a destroyed window returned %d, error %u\n", ret,
       (unsigned)GetLastError());
}

/* Windows destroys a thread's windows when the thread exits: posting to them then fails like
 * posting to a destroyed window. */
static void window_owner_thread(void *arg)
{
    *(HWND *)arg = create_window(); /* never destroyed by this thread */
}

static void test_window_of_exited_thread(void)
{
    HWND hwnd = NULL;
    wst_thread thread;
    BOOL ret;

    if (!ok(wst_thread_start(&thread, window_owner_thread, &hwnd), "cannot start a thread\n"))
        return;
    wst_thread_join(thread);
    if (!hwnd)
        return;
    ok(!IsWindow(hwnd), "the window outlived its thread\n");
    wst_sentinel();
    ret = U.lpWPUPostMessage(hwnd, WM_SOCKET, 1, 1);
    ok(ret == FALSE && GetLastError() == ERROR_INVALID_WINDOW_HANDLE,
       "WPUPostMessage to the window of an exited thread returned %d, error %u\n", ret,
       (unsigned)GetLastError());
}

int main(void)
{
    HWND hwnd;

    wst_start("upcall_messages");
    wst_startup();
    wst_load_upcalls();

    if (register_class() && (hwnd = create_window()) != NULL) {
        test_post_and_peek(hwnd);
        test_cross_thread(hwnd);
        test_post_routine(hwnd);
        ok(DestroyWindow(hwnd), "DestroyWindow failed: %u\n", (unsigned)GetLastError());
        test_dead_window();
        test_window_of_exited_thread();
        ok(UnregisterClassW(class_name, NULL), "UnregisterClassW failed: %u\n",
           (unsigned)GetLastError());
    }

    wst_cleanup();
    return wst_end();
}
