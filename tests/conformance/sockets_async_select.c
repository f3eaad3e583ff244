/*
 * A WSAAsyncSelect client with a message loop, as Windows GUI-era code writes it: a
 * message-only window, WSAAsyncSelect on a listener and an accepted socket, and the
 * notifications read with a message loop; through the client API into the built-in base
 * provider, whose messages travel through WPUPostMessage.
 * Spec: wpu-semantics.md §7.1; checklist items 103-107.
 */
#include "wstest.h"

#define WM_LISTENER (WM_USER + 1)
#define WM_SERVER (WM_USER + 2)

static LRESULT CALLBACK window_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    return DefWindowProcW(hwnd, msg, wparam, lparam);
}

/* Waits up to 5 s for the next message `id` and returns it in *out. */
static int next_message(UINT id, MSG *out)
{
    for (int round = 0; round < 50; round++) {
        if (PeekMessageW(out, NULL, id, id, PM_REMOVE))
            return 1;
        MsgWaitForMultipleObjects(0, NULL, FALSE, 100, QS_ALLINPUT);
    }
    return 0;
}

static int no_message(UINT id)
{
    MSG msg;
    return !PeekMessageW(&msg, NULL, id, id, PM_REMOVE);
}

int main(void)
{
    WNDCLASSEXW wc;
    HWND hwnd;
    MSG msg;
    SOCKADDR_IN a;
    int len = sizeof a;
    SOCKET l, c, s;
    char buf[100];
    u_long off = 0;

    wst_start("sockets_async_select");
    wst_startup();

    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = window_proc;
    wc.lpszClassName = L"ws2emu async select";
    ok(RegisterClassExW(&wc) != 0, "class: %lu\n", (unsigned long)GetLastError());
    hwnd = CreateWindowExW(0, wc.lpszClassName, L"", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    ok(hwnd != NULL, "window: %lu\n", (unsigned long)GetLastError());

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l = socket(AF_INET, SOCK_STREAM, 0);
    ok(bind(l, (SOCKADDR *)&a, sizeof a) == 0 && listen(l, 1) == 0 &&
           getsockname(l, (SOCKADDR *)&a, &len) == 0,
       "listener: %d\n", WSAGetLastError());

    /* Item 107: a connection already pending when FD_ACCEPT is selected is reported at once. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    ok(connect(c, (SOCKADDR *)&a, sizeof a) == 0, "connect: %d\n", WSAGetLastError());
    ok(WSAAsyncSelect(l, hwnd, WM_LISTENER, FD_ACCEPT) == 0, "select FD_ACCEPT: %d\n",
       WSAGetLastError());
    ok(next_message(WM_LISTENER, &msg) && msg.wParam == (WPARAM)l &&
           WSAGETSELECTEVENT(msg.lParam) == FD_ACCEPT && WSAGETSELECTERROR(msg.lParam) == 0,
       "FD_ACCEPT message: lParam %#lx\n", (unsigned long)msg.lParam);
    s = accept(l, NULL, NULL);
    ok(s != INVALID_SOCKET, "accept: %d\n", WSAGetLastError());

    /* Items 103-104: one FD_READ until a recv re-enables it; level-triggered after that. */
    ok(WSAAsyncSelect(s, hwnd, WM_SERVER, FD_READ | FD_CLOSE) == 0, "select: %d\n",
       WSAGetLastError());
    memset(buf, 'x', sizeof buf);
    ok(send(c, buf, sizeof buf, 0) == (int)sizeof buf, "send 100\n");
    ok(next_message(WM_SERVER, &msg) && msg.lParam == FD_READ, "FD_READ: lParam %#lx\n",
       (unsigned long)msg.lParam);
    MsgWaitForMultipleObjects(0, NULL, FALSE, 100, QS_ALLINPUT);
    ok(no_message(WM_SERVER), "no second FD_READ before a recv\n");
    ok(recv(s, buf, 50, 0) == 50, "recv 50\n");
    ok(next_message(WM_SERVER, &msg) && msg.lParam == FD_READ, "FD_READ again with data left\n");

    /* Item 106: the socket cannot go back to blocking while selected. */
    WSASetLastError(WST_SENTINEL);
    ok(ioctlsocket(s, FIONBIO, &off) == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL,
       "FIONBIO 0 while selected: %d\n", WSAGetLastError());

    /* Item 105: a graceful close after all data is read gives FD_CLOSE with error 0. */
    ok(recv(s, buf, 50, 0) == 50, "recv the rest\n");
    closesocket(c);
    ok(next_message(WM_SERVER, &msg) && msg.lParam == FD_CLOSE, "FD_CLOSE: lParam %#lx\n",
       (unsigned long)msg.lParam);

    ok(WSAAsyncSelect(s, hwnd, 0, 0) == 0, "selection cleared\n");
    ok(ioctlsocket(s, FIONBIO, &off) == 0, "blocking again: %d\n", WSAGetLastError());

    closesocket(s);
    closesocket(l);
    DestroyWindow(hwnd);
    return wst_end();
}
