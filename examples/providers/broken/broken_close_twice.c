/*
 * broken_close_twice.c - a layered provider that closes a socket handle twice.
 *
 * It is ../sample_lsp.c (a correct non-IFS LSP) with one bug: WSPCloseSocket calls
 * WPUCloseSocketHandle once more after the sample's closesocket already released the handle.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), during the application's closesocket:
 *   ws2emu verifier: <entry>: socket 0x...: WPUCloseSocketHandle: handle closed twice (it was
 *     already closed); Windows returns WSAENOTSOCK; once the value is reused the call closes
 *     another socket
 * The second call fails with WSAENOTSOCK, as on Windows; closesocket itself still succeeds.
 */
#define SAMPLE_LSP_AS_LIBRARY
#include "../sample_lsp.c"

static int WSPAPI twice_close_socket(SOCKET s, LPINT err)
{
    int ignored;
    if (sample_close_socket(s, err) != 0)
        return SOCKET_ERROR;
    /* The bug: the handle is already closed (sample_close_socket called WPUCloseSocketHandle). */
    upcalls.lpWPUCloseSocketHandle(s, &ignored);
    return 0;
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = sample_startup(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    table->lpWSPCloseSocket = twice_close_socket;
    return 0;
}
