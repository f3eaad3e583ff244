/*
 * ExitThread inside callbacks that the runtime calls: a CreateThread thread ends itself with
 * ExitThread(7) in a QueueUserAPC routine run by SleepEx(INFINITE, TRUE), in an overlapped
 * WSARecv completion routine (a connected TCP pair through the base provider), and in a window
 * procedure run by DispatchMessageW and by SendMessageW. Each time the thread handle is
 * signalled, GetExitCodeThread gives 7, the code after ExitThread never ran and the process
 * goes on.
 */
#include "wstest.h"

static volatile LONG after_exit;

static void CALLBACK exiting_apc(ULONG_PTR value)
{
    (void)value;
    ExitThread(7);
    after_exit = 1;
}

static DWORD WINAPI apc_thread(LPVOID arg)
{
    (void)arg;
    QueueUserAPC(exiting_apc, GetCurrentThread(), 0);
    SleepEx(INFINITE, TRUE);
    after_exit = 2;
    return 1;
}

static void CALLBACK exiting_completion(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    (void)error;
    (void)bytes;
    (void)ov;
    (void)flags;
    ExitThread(7);
    after_exit = 3;
}

static SOCKET receiver;

static DWORD WINAPI recv_thread(LPVOID arg)
{
    static char buf[16];
    static WSAOVERLAPPED ov;
    WSABUF wb;
    DWORD got = 0, flags = 0;
    int r;
    (void)arg;
    wb.buf = buf;
    wb.len = sizeof buf;
    memset(&ov, 0, sizeof ov);
    r = WSARecv(receiver, &wb, 1, &got, &flags, &ov, exiting_completion);
    if (r != 0 && WSAGetLastError() != WSA_IO_PENDING)
        return 2;
    /* Runs the completion routine (data is sent once this thread waits). */
    SleepEx(INFINITE, TRUE);
    after_exit = 4;
    return 1;
}

#define WM_EXIT_NOW (WM_APP + 1)

static LRESULT CALLBACK exiting_proc(HWND hwnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    if (msg == WM_EXIT_NOW) {
        ExitThread(7);
        after_exit = 5;
    }
    return DefWindowProcW(hwnd, msg, wparam, lparam);
}

static const WCHAR class_name[] = L"wstest_exit_thread";

static DWORD WINAPI window_thread(LPVOID arg)
{
    MSG msg;
    HWND hwnd = CreateWindowExW(0, class_name, L"x", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    if (hwnd == NULL)
        return 2;
    if (arg != NULL) {
        SendMessageW(hwnd, WM_EXIT_NOW, 0, 0);
        after_exit = 6;
        return 1;
    }
    PostMessageW(hwnd, WM_EXIT_NOW, 0, 0);
    while (GetMessageW(&msg, NULL, 0, 0) > 0)
        DispatchMessageW(&msg);
    after_exit = 7;
    return 1;
}

/* Waits for the thread and checks its exit code and that nothing after ExitThread ran. */
static void check_exited(HANDLE thread, const char *what)
{
    DWORD code = 0, r;
    ok(thread != NULL, "%s: CreateThread: %u\n", what, (unsigned)GetLastError());
    if (thread == NULL)
        return;
    r = WaitForSingleObject(thread, INFINITE);
    ok(r == WAIT_OBJECT_0, "%s: wait %#x\n", what, (unsigned)r);
    ok(GetExitCodeThread(thread, &code) && code == 7, "%s: exit code %u\n", what, (unsigned)code);
    ok(after_exit == 0, "%s: code after ExitThread ran (%ld)\n", what, (long)after_exit);
    CloseHandle(thread);
    after_exit = 0;
}

static void test_apc(void)
{
    check_exited(CreateThread(NULL, 0, apc_thread, NULL, 0, NULL), "QueueUserAPC");
}

static void test_completion_routine(void)
{
    WSADATA data;
    SOCKADDR_IN addr;
    int len = sizeof addr;
    SOCKET l, c;
    HANDLE thread;

    ok(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup: %d\n", WSAGetLastError());
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ok(l != INVALID_SOCKET, "socket: %d\n", WSAGetLastError());
    ok(bind(l, (SOCKADDR *)&addr, sizeof addr) == 0 && listen(l, 1) == 0 &&
           getsockname(l, (SOCKADDR *)&addr, &len) == 0,
       "listen: %d\n", WSAGetLastError());
    c = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    ok(c != INVALID_SOCKET, "WSASocketW: %d\n", WSAGetLastError());
    ok(connect(c, (SOCKADDR *)&addr, sizeof addr) == 0, "connect: %d\n", WSAGetLastError());
    receiver = accept(l, NULL, NULL);
    ok(receiver != INVALID_SOCKET, "accept: %d\n", WSAGetLastError());

    thread = CreateThread(NULL, 0, recv_thread, NULL, 0, NULL);
    ok(send(c, "ping", 4, 0) == 4, "send: %d\n", WSAGetLastError());
    check_exited(thread, "completion routine");

    /* The process goes on: the pair still works. */
    ok(send(c, "pong", 4, 0) == 4, "send after: %d\n", WSAGetLastError());
    closesocket(receiver);
    closesocket(c);
    closesocket(l);
    ok(WSACleanup() == 0, "WSACleanup: %d\n", WSAGetLastError());
}

static void test_window_procedure(void)
{
    WNDCLASSEXW wc;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = exiting_proc;
    wc.lpszClassName = class_name;
    ok(RegisterClassExW(&wc) != 0, "RegisterClassExW: %u\n", (unsigned)GetLastError());
    check_exited(CreateThread(NULL, 0, window_thread, NULL, 0, NULL), "DispatchMessageW");
    check_exited(CreateThread(NULL, 0, window_thread, (LPVOID)1, 0, NULL), "SendMessageW");
}

int main(void)
{
    wst_start("exit_thread_callbacks");
    test_apc();
    test_completion_routine();
    test_window_procedure();
    return wst_end();
}
