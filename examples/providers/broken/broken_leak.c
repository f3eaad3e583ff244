/*
 * broken_leak.c - a layered provider that leaks what it creates.
 *
 * It is ../sample_lsp.c (a correct non-IFS LSP) with two bugs: WSPSocket makes an event
 * (WPUCreateEvent) and opens the calling thread's identity (WPUOpenCurrentThread) and never
 * closes either; WSPCloseSocket closes the lower socket but never calls WPUCloseSocketHandle,
 * so the handle (and its context, with the context's event) stays open.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), at the application's last WSACleanup, once per
 * object still open when WSPCleanup returns:
 *   ws2emu verifier: <entry>: socket 0x...: WSPCleanup: socket handle 0x... is still open when
 *     WSPCleanup returns (never passed to WPUCloseSocketHandle); Windows ...
 *   ws2emu verifier: <entry>: WSPCleanup: event 0x... is still open ... (never passed to
 *     WPUCloseEvent); ...
 *   ws2emu verifier: <entry>: WSPCleanup: thread id 0x... is still open ... (never passed to
 *     WPUCloseThread); ...
 */
#define SAMPLE_LSP_AS_LIBRARY
#include "../sample_lsp.c"

static SOCKET WSPAPI leaky_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                  GROUP g, DWORD flags, LPINT err)
{
    WSATHREADID thread;
    /* The bug: both are made for the socket and never closed. */
    if (upcalls.lpWPUCreateEvent(err) == WSA_INVALID_EVENT ||
        upcalls.lpWPUOpenCurrentThread(&thread, err) != 0)
        return INVALID_SOCKET;
    return sample_socket(af, type, protocol, info, g, flags, err);
}

static int WSPAPI leaky_close_socket(SOCKET s, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    stop_watcher(ctx);
    /* The bug: the lower socket is closed, but not our handle (no WPUCloseSocketHandle, no
     * free_context). */
    return lower.lpWSPCloseSocket(ctx->lower, err);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = sample_startup(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    table->lpWSPSocket = leaky_socket;
    table->lpWSPCloseSocket = leaky_close_socket;
    return 0;
}
