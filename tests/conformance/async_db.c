/*
 * The asynchronous database functions as Windows GUI-era code uses them: WSAAsyncGetHostByName,
 * WSAAsyncGetHostByAddr, WSAAsyncGetProtoByName/Number, WSAAsyncGetServByName/Port and
 * WSACancelAsyncRequest, with the replies read from a message-only window. Only "localhost",
 * 127.0.0.1 and the services and protocols databases (no network).
 */
#include "wstest.h"

#define WM_DB (WM_USER + 3)

static LRESULT CALLBACK window_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    return DefWindowProcW(hwnd, msg, wparam, lparam);
}

/* Waits up to 5 s for the next WM_DB message of `hwnd`. */
static int next_reply(HWND hwnd, MSG *out)
{
    for (int round = 0; round < 50; round++) {
        if (PeekMessageW(out, hwnd, WM_DB, WM_DB, PM_REMOVE))
            return 1;
        MsgWaitForMultipleObjects(0, NULL, FALSE, 100, QS_ALLINPUT);
    }
    return 0;
}

/* Waits for the reply to `task`; returns its lParam, or -1 if none (or another) came. */
static LPARAM reply_to(HWND hwnd, HANDLE task)
{
    MSG msg;
    if (!next_reply(hwnd, &msg))
        return -1;
    ok(msg.wParam == (WPARAM)task, "wParam %p, expected task %p\n", (void *)msg.wParam, task);
    return msg.wParam == (WPARAM)task ? msg.lParam : -1;
}

static int inside(const char *buf, const void *p)
{
    return (const char *)p >= buf && (const char *)p < buf + MAXGETHOSTSTRUCT;
}

static void test_not_started(HWND hwnd, char *buf)
{
    HANDLE task;
    wst_sentinel();
    task = WSAAsyncGetHostByName(hwnd, WM_DB, "localhost", buf, MAXGETHOSTSTRUCT);
    ok(task == NULL && WSAGetLastError() == WSANOTINITIALISED,
       "before WSAStartup: %p, %d\n", task, WSAGetLastError());
    wst_sentinel();
    ok(WSACancelAsyncRequest((HANDLE)1) == SOCKET_ERROR &&
           WSAGetLastError() == WSANOTINITIALISED,
       "cancel before WSAStartup: %d\n", WSAGetLastError());
}

static void test_host(HWND hwnd)
{
    static char buf[MAXGETHOSTSTRUCT];
    static const unsigned char loopback[4] = {127, 0, 0, 1};
    HOSTENT *h = (HOSTENT *)buf;
    HANDLE task;
    LPARAM r;

    task = WSAAsyncGetHostByName(hwnd, WM_DB, "localhost", buf, sizeof buf);
    ok(task != NULL, "WSAAsyncGetHostByName: %d\n", WSAGetLastError());
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == 0, "localhost: error %d\n", WSAGETASYNCERROR(r));
    if (r != -1 && WSAGETASYNCERROR(r) == 0) {
        ok(h->h_addrtype == AF_INET && h->h_length == 4, "type %d length %d\n", h->h_addrtype,
           h->h_length);
        ok(inside(buf, h->h_name) && inside(buf, h->h_aliases) && inside(buf, h->h_addr_list),
           "the pointers lie in the buffer\n");
        ok(inside(buf, h->h_addr_list[0]) && !memcmp(h->h_addr_list[0], loopback, 4),
           "127.0.0.1 first\n");
    }

    task = WSAAsyncGetHostByAddr(hwnd, WM_DB, (const char *)loopback, 4, AF_INET, buf,
                                 sizeof buf);
    ok(task != NULL, "WSAAsyncGetHostByAddr: %d\n", WSAGetLastError());
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == 0, "127.0.0.1: error %d\n", WSAGETASYNCERROR(r));
    if (r != -1 && WSAGETASYNCERROR(r) == 0)
        ok(inside(buf, h->h_name) && h->h_addrtype == AF_INET, "hostent of 127.0.0.1\n");

    /* Too small: WSAENOBUFS and the size needed; that size is enough. */
    task = WSAAsyncGetHostByName(hwnd, WM_DB, "localhost", buf, 8);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == WSAENOBUFS && WSAGETASYNCBUFLEN(r) > sizeof(HOSTENT),
       "8 bytes: error %d, needed %d\n", WSAGETASYNCERROR(r), WSAGETASYNCBUFLEN(r));
    if (r != -1 && WSAGETASYNCERROR(r) == WSAENOBUFS) {
        task = WSAAsyncGetHostByName(hwnd, WM_DB, "localhost", buf, WSAGETASYNCBUFLEN(r));
        r = reply_to(hwnd, task);
        ok(r != -1 && WSAGETASYNCERROR(r) == 0, "the needed size: error %d\n",
           WSAGETASYNCERROR(r));
    }

    task = WSAAsyncGetHostByName(hwnd, WM_DB, "no-such-host.invalid", buf, sizeof buf);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == WSAHOST_NOT_FOUND, "unknown host: error %d\n",
       WSAGETASYNCERROR(r));
}

static void test_databases(HWND hwnd)
{
    static char buf[MAXGETHOSTSTRUCT];
    PROTOENT *p = (PROTOENT *)buf;
    SERVENT *s = (SERVENT *)buf;
    HANDLE task;
    LPARAM r;

    task = WSAAsyncGetProtoByName(hwnd, WM_DB, "tcp", buf, sizeof buf);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == 0 && p->p_proto == 6 && inside(buf, p->p_name) &&
           !strcmp(p->p_name, "tcp"),
       "tcp: error %d\n", WSAGETASYNCERROR(r));
    task = WSAAsyncGetProtoByNumber(hwnd, WM_DB, 17, buf, sizeof buf);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == 0 && inside(buf, p->p_name) &&
           !strcmp(p->p_name, "udp"),
       "17: error %d\n", WSAGETASYNCERROR(r));
    task = WSAAsyncGetProtoByName(hwnd, WM_DB, "no-such-protocol", buf, sizeof buf);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == WSANO_DATA, "unknown protocol: error %d\n",
       WSAGETASYNCERROR(r));

    task = WSAAsyncGetServByName(hwnd, WM_DB, "http", "tcp", buf, sizeof buf);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == 0 && s->s_port == htons(80) &&
           inside(buf, s->s_name) && inside(buf, s->s_proto) && !strcmp(s->s_proto, "tcp"),
       "http/tcp: error %d\n", WSAGETASYNCERROR(r));
    task = WSAAsyncGetServByPort(hwnd, WM_DB, htons(80), NULL, buf, sizeof buf);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == 0 && inside(buf, s->s_name) &&
           !strcmp(s->s_name, "http"),
       "port 80: error %d\n", WSAGETASYNCERROR(r));
    task = WSAAsyncGetServByName(hwnd, WM_DB, "no-such-service", NULL, buf, sizeof buf);
    r = reply_to(hwnd, task);
    ok(r != -1 && WSAGETASYNCERROR(r) == WSANO_DATA, "unknown service: error %d\n",
       WSAGETASYNCERROR(r));
}

static void test_cancel(HWND hwnd)
{
    static char buf[MAXGETHOSTSTRUCT], buf2[MAXGETHOSTSTRUCT];
    HANDLE doomed, later;
    LPARAM r;
    int c, error;

    /* A cancel succeeds while the request is unfinished; then no message comes. Otherwise it
     * fails (WSAEALREADY, or WSAEINVAL: the documentation lets either mean "finished") and the
     * message comes. Requests are served in order, so a later reply settles it. */
    doomed = WSAAsyncGetProtoByNumber(hwnd, WM_DB, 6, buf, sizeof buf);
    ok(doomed != NULL, "request: %d\n", WSAGetLastError());
    wst_sentinel();
    c = WSACancelAsyncRequest(doomed);
    error = WSAGetLastError();
    ok(c == 0 || (c == SOCKET_ERROR && (error == WSAEALREADY || error == WSAEINVAL)),
       "cancel: %d, %d\n", c, error);
    later = WSAAsyncGetProtoByNumber(hwnd, WM_DB, 17, buf2, sizeof buf2);
    if (c == 0) {
        r = reply_to(hwnd, later);
        ok(r != -1 && WSAGETASYNCERROR(r) == 0, "the later request replies alone\n");
    } else {
        r = reply_to(hwnd, doomed);
        ok(r != -1, "the finished request replied\n");
        r = reply_to(hwnd, later);
        ok(r != -1, "then the later one\n");
    }

    /* Finished or cancelled: cancelling again fails. */
    wst_sentinel();
    c = WSACancelAsyncRequest(doomed);
    error = WSAGetLastError();
    ok(c == SOCKET_ERROR && (error == WSAEALREADY || error == WSAEINVAL),
       "second cancel: %d, %d\n", c, error);
    wst_sentinel();
    c = WSACancelAsyncRequest(later);
    error = WSAGetLastError();
    ok(c == SOCKET_ERROR && (error == WSAEALREADY || error == WSAEINVAL),
       "cancel after the reply: %d, %d\n", c, error);
    if (WST_IS_WS2EMU)
        ok(error == WSAEALREADY, "ws2emu: a finished task is WSAEALREADY (%d)\n", error);

    /* Zero is never a task handle. */
    wst_sentinel();
    ok(WSACancelAsyncRequest(NULL) == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL,
       "cancel NULL: %d\n", WSAGetLastError());
}

int main(void)
{
    static char buf[MAXGETHOSTSTRUCT];
    WNDCLASSEXW wc;
    HWND hwnd;

    wst_start("async_db");

    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = window_proc;
    wc.lpszClassName = L"ws2emu async db";
    ok(RegisterClassExW(&wc) != 0, "class: %lu\n", (unsigned long)GetLastError());
    hwnd = CreateWindowExW(0, wc.lpszClassName, L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    ok(hwnd != NULL, "window: %lu\n", (unsigned long)GetLastError());

    test_not_started(hwnd, buf);
    wst_startup();
    test_host(hwnd);
    test_databases(hwnd);
    test_cancel(hwnd);

    DestroyWindow(hwnd);
    return wst_end();
}
