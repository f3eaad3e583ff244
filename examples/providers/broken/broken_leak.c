/*
 * broken_leak.c - a layered provider that leaks its handles.
 *
 * What it does wrong: for each socket, WSPSocket also makes an internal event (WPUCreateEvent)
 * and opens the calling thread's identity (WPUOpenCurrentThread) that it never closes, and its
 * WSPCloseSocket closes the lower socket but forgets WPUCloseSocketHandle. Everything else is
 * the pass-through of passthrough.h.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), when the application's last WSACleanup runs the
 * provider's WSPCleanup, one line per object still open, e.g.
 *   ws2emu verifier: <entry>: socket 0x...: WSPCleanup: socket handle 0x... is still open
 *     when WSPCleanup returns (never passed to WPUCloseSocketHandle); ...
 *   ws2emu verifier: <entry>: WSPCleanup: event 0x... is still open ... (WPUCloseEvent)
 *   ws2emu verifier: <entry>: WSPCleanup: thread id 0x... is still open ... (WPUCloseThread)
 * Windows closes none of them: they stay allocated until the process exits.
 */
#include "passthrough.h"

static SOCKET WSPAPI leaky_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                  GROUP g, DWORD flags, LPINT err)
{
    WSATHREADID thread;
    /* The bug: both are made for the socket and never closed. */
    if (upcalls.lpWPUCreateEvent(err) == WSA_INVALID_EVENT ||
        upcalls.lpWPUOpenCurrentThread(&thread, err) != 0)
        return INVALID_SOCKET;
    return pt_socket(af, type, protocol, info, g, flags, err);
}

static int WSPAPI leaky_close_socket(SOCKET s, LPINT err)
{
    SOCKET down;
    if (!pt_lower(s, &down, err))
        return SOCKET_ERROR;
    /* The bug: no WPUCloseSocketHandle(s) after closing the lower socket. */
    return lower.lpWSPCloseSocket(down, err);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = pt_start(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    pt_fill(table);
    table->lpWSPSocket = leaky_socket;
    table->lpWSPCloseSocket = leaky_close_socket;
    return 0;
}
