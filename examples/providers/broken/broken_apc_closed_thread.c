/*
 * broken_apc_closed_thread.c - a layered provider that queues an APC to a closed thread id.
 *
 * What it does wrong: for an overlapped WSPRecv with a completion routine it does not use the
 * WSATHREADID the caller passed; it opens its own identity of the calling thread
 * (WPUOpenCurrentThread), closes it too early (WPUCloseThread), and then queues the completion
 * routine to it with WPUQueueApc. Everything else is the pass-through of passthrough.h.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), during the application's WSARecv:
 *   ws2emu verifier: <entry>: WPUQueueApc: APC queued to WSATHREADID 0x..., which was already
 *     closed (WPUCloseThread); Windows fails with WSAEFAULT and the completion routine never
 *     runs; once the handle value is reused the APC runs in an unrelated thread
 * WPUQueueApc fails with WSAEFAULT, which this provider passes on: WSARecv fails with WSAEFAULT
 * and the completion routine never runs.
 */
#include "passthrough.h"

static int WSPAPI closed_thread_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received,
                                     LPDWORD flags, LPWSAOVERLAPPED ov,
                                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                                     LPWSATHREADID thread, LPINT err)
{
    WSATHREADID own, copy;
    if (ov == NULL || routine == NULL)
        return pt_recv(s, bufs, count, received, flags, ov, routine, thread, err);
    if (upcalls.lpWPUOpenCurrentThread(&own, err) != 0)
        return SOCKET_ERROR;
    copy = own;
    upcalls.lpWPUCloseThread(&own, err); /* the bug: closed before it is used */
    /* pt_recv queues the routine to the identity it is given: the closed one. */
    return pt_recv(s, bufs, count, received, flags, ov, routine, &copy, err);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = pt_start(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    pt_fill(table);
    table->lpWSPRecv = closed_thread_recv;
    return 0;
}
