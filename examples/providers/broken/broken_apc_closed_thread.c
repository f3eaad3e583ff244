/*
 * broken_apc_closed_thread.c - a layered provider that queues an APC to a closed thread id.
 *
 * It is ../sample_lsp.c (a correct non-IFS LSP) with one bug: for an overlapped WSPRecv with
 * a completion routine it does not keep the WSATHREADID the caller passed; it opens its own
 * identity of the calling thread (WPUOpenCurrentThread), closes it at once (WPUCloseThread),
 * and hands that closed identity to the sample, whose worker later queues the completion
 * routine to it with WPUQueueApc.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), when the lower layer finishes the receive (in the
 * sample's worker thread, which works for this provider):
 *   ws2emu verifier: <entry>: WPUQueueApc: APC queued to WSATHREADID 0x..., which was already
 *     closed (WPUCloseThread); Windows fails with WSAEFAULT and the completion routine never
 *     runs; once the handle value is reused the APC runs in an unrelated thread
 * WPUQueueApc fails with WSAEFAULT: the application's completion routine never runs, and an
 * application waiting for it in SleepEx waits until its own time-out.
 */
#define SAMPLE_LSP_AS_LIBRARY
#include "../sample_lsp.c"

static int WSPAPI closed_thread_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received,
                                     LPDWORD flags, LPWSAOVERLAPPED ov,
                                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                                     LPWSATHREADID thread, LPINT err)
{
    WSATHREADID own, copy;
    if (ov == NULL || routine == NULL)
        return sample_recv(s, bufs, count, received, flags, ov, routine, thread, err);
    if (upcalls.lpWPUOpenCurrentThread(&own, err) != 0)
        return SOCKET_ERROR;
    copy = own;
    upcalls.lpWPUCloseThread(&own, err); /* the bug: closed before it is used */
    return sample_recv(s, bufs, count, received, flags, ov, routine, &copy, err);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = sample_startup(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    table->lpWSPRecv = closed_thread_recv;
    return 0;
}
