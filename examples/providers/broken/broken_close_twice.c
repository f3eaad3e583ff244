/*
 * broken_close_twice.c - a layered provider that closes its socket handle twice.
 *
 * What it does wrong: WSPCloseSocket releases the application's handle with
 * WPUCloseSocketHandle and then, from a second clean-up path, releases it again. Everything
 * else is the pass-through of passthrough.h.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), during the application's closesocket:
 *   ws2emu verifier: <entry>: socket 0x...: WPUCloseSocketHandle: handle closed twice (it was
 *     already closed); Windows returns WSAENOTSOCK; once the value is reused the call closes
 *     another socket
 * The second call fails with WSAENOTSOCK, as on Windows; closesocket itself still succeeds.
 */
#include "passthrough.h"

static int WSPAPI twice_close_socket(SOCKET s, LPINT err)
{
    int ignored;
    if (pt_close_socket(s, err) != 0)
        return SOCKET_ERROR;
    /* The bug: the handle is already closed (pt_close_socket called WPUCloseSocketHandle). */
    upcalls.lpWPUCloseSocketHandle(s, &ignored);
    return 0;
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = pt_start(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    pt_fill(table);
    table->lpWSPCloseSocket = twice_close_socket;
    return 0;
}
