/*
 * broken_complete_twice.c - a layered provider that completes an overlapped request twice.
 *
 * What it does wrong: an overlapped WSPRecv without a completion routine is completed with
 * WPUCompleteOverlappedRequest (by the pass-through) and then once more, as an error path that
 * also "completes" the request would. Everything else is the pass-through of passthrough.h.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), during the application's WSARecv:
 *   ws2emu verifier: <entry>: socket 0x...: WPUCompleteOverlappedRequest: request 0x...
 *     completed twice (...); Windows completes it again: the event is signalled and a second
 *     port packet is queued
 * Both completions succeed, as on Windows: the application may see the request finish twice.
 */
#include "passthrough.h"

static int WSPAPI twice_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received,
                             LPDWORD flags, LPWSAOVERLAPPED ov,
                             LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                             LPINT err)
{
    int ignored;
    if (pt_recv(s, bufs, count, received, flags, ov, routine, thread, err) != 0)
        return SOCKET_ERROR;
    /* The bug: pt_recv already completed this request. */
    if (ov != NULL && routine == NULL)
        WPUCompleteOverlappedRequest(s, ov, 0, (DWORD)ov->InternalHigh, &ignored);
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
    table->lpWSPRecv = twice_recv;
    return 0;
}
