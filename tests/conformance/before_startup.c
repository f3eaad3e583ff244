/*
 * The process before WSAStartup, and WSAStartup/WSACleanup balance.
 * Spec: wpu-semantics.md §5 common rules, §5.14, §5.15; checklist item 70.
 * Must run in a fresh process: nothing may call WSAStartup before main's first checks.
 */
#include "wstest.h"

#define U wst_upcalls

static void check_not_started(const char *when)
{
    WSATHREADID tid;
    int err, ret;

    /* Item 70. */
    memset(&tid, 0xcc, sizeof(tid));
    err = WST_SENTINEL;
    ret = U.lpWPUOpenCurrentThread(&tid, &err);
    ok(ret == SOCKET_ERROR && err == WSANOTINITIALISED,
       "%s: WPUOpenCurrentThread returned %d, err %d\n", when, ret, err);
    ok(tid.ThreadHandle == (HANDLE)(ULONG_PTR)0xcccccccccccccccc,
       "%s: WPUOpenCurrentThread wrote its output on failure\n", when);
    ret = U.lpWPUOpenCurrentThread(&tid, NULL);
    ok(ret == SOCKET_ERROR, "%s: WPUOpenCurrentThread(NULL errno) returned %d\n", when, ret);
    memset(&tid, 0, sizeof(tid));
    err = WST_SENTINEL;
    ret = U.lpWPUCloseThread(&tid, &err);
    ok(ret == SOCKET_ERROR && err == WSANOTINITIALISED, "%s: WPUCloseThread returned %d, err %d\n",
       when, ret, err);

    /* WSACleanup without a matching WSAStartup. */
    WSASetLastError(WST_SENTINEL);
    ret = WSACleanup();
    ok(ret == SOCKET_ERROR && WSAGetLastError() == WSANOTINITIALISED,
       "%s: WSACleanup returned %d, error %d\n", when, ret, WSAGetLastError());
}

static int startup(WORD version, WSADATA *data)
{
    memset(data, 0xcc, sizeof(*data));
    return WSAStartup(version, data);
}

int main(void)
{
    WSADATA data;
    WSATHREADID tid;
    int ret, err;

    wst_start("before_startup");
    wst_load_upcalls();

    check_not_started("before WSAStartup");

    /* Refused requests start nothing. */
    ret = WSAStartup(MAKEWORD(2, 2), NULL);
    ok(ret == WSAEFAULT, "WSAStartup(NULL data) returned %d\n", ret);
    ret = startup(MAKEWORD(1, 0), &data);
    ok(ret == WSAVERNOTSUPPORTED, "WSAStartup(1.0) returned %d\n", ret);
    ok(data.wHighVersion == MAKEWORD(2, 2), "refused WSAStartup: wHighVersion %#x\n",
       (unsigned)data.wHighVersion);
    check_not_started("after refused WSAStartup calls");

    /* Two startups need two cleanups. */
    ret = startup(MAKEWORD(2, 2), &data);
    ok(ret == 0 && data.wVersion == MAKEWORD(2, 2) && data.wHighVersion == MAKEWORD(2, 2),
       "WSAStartup(2.2) returned %d, version %#x/%#x\n", ret, (unsigned)data.wVersion,
       (unsigned)data.wHighVersion);
    ret = startup(MAKEWORD(1, 1), &data);
    ok(ret == 0 && data.wVersion == MAKEWORD(1, 1), "WSAStartup(1.1) returned %d, version %#x\n",
       ret, (unsigned)data.wVersion);
    ret = startup(MAKEWORD(3, 3), &data);
    ok(ret == 0 && data.wVersion == MAKEWORD(2, 2), "WSAStartup(3.3) returned %d, version %#x\n",
       ret, (unsigned)data.wVersion);

    err = WST_SENTINEL;
    ret = U.lpWPUOpenCurrentThread(&tid, &err);
    ok(ret == 0 && tid.ThreadHandle != NULL, "started: WPUOpenCurrentThread returned %d, err %d\n",
       ret, err);
    if (ret == 0) {
        err = WST_SENTINEL;
        ret = U.lpWPUCloseThread(&tid, &err);
        ok(ret == 0, "started: WPUCloseThread returned %d, err %d\n", ret, err);
    }

    for (int i = 0; i < 3; i++) {
        WSASetLastError(WST_SENTINEL);
        ret = WSACleanup();
        ok(ret == 0, "WSACleanup %d of 3 returned %d, error %d\n", i + 1, ret, WSAGetLastError());
        if (i < 2) {
            err = WST_SENTINEL;
            ret = U.lpWPUOpenCurrentThread(&tid, &err);
            ok(ret == 0, "still started after cleanup %d: WPUOpenCurrentThread %d, err %d\n", i + 1,
               ret, err);
            if (ret == 0)
                U.lpWPUCloseThread(&tid, NULL);
        }
    }
    check_not_started("after the last WSACleanup");

    /* A new startup works again. */
    ret = startup(MAKEWORD(2, 2), &data);
    ok(ret == 0, "WSAStartup after a full cleanup returned %d\n", ret);
    err = WST_SENTINEL;
    ret = U.lpWPUOpenCurrentThread(&tid, &err);
    ok(ret == 0, "restarted: WPUOpenCurrentThread returned %d, err %d\n", ret, err);
    if (ret == 0)
        U.lpWPUCloseThread(&tid, NULL);
    ret = WSACleanup();
    ok(ret == 0, "final WSACleanup returned %d\n", ret);

    return wst_end();
}
