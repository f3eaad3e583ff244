/*
 * broken_complete_twice.c - a layered provider that completes an overlapped request twice.
 *
 * It is ../sample_lsp.c (a correct non-IFS LSP) with one bug: every call it makes to
 * WPUCompleteOverlappedRequest goes through a "retry" wrapper that calls it a second time
 * without looking at the first result. Only requests without a completion routine (event or
 * completion port) are completed that way; routine requests get an APC.
 *
 * What ws2emu reports (WS2EMU_VERIFIER=1), when the lower layer finishes the application's
 * overlapped WSARecv/WSASend (in the sample's worker thread):
 *   ws2emu verifier: <entry>: socket 0x...: WPUCompleteOverlappedRequest: request 0x...
 *     completed twice (...); Windows completes it again: the event is signalled and a second
 *     port packet is queued
 * Both completions succeed, as on Windows: a completion port sees the request finish twice.
 */
#include <winsock2.h>
#include <ws2spi.h>

/* The bug: the first completion succeeded, and the request is completed again. */
static int complete_with_retry(SOCKET s, LPWSAOVERLAPPED ov, DWORD error, DWORD bytes,
                               LPINT err)
{
    WPUCompleteOverlappedRequest(s, ov, error, bytes, err);
    return WPUCompleteOverlappedRequest(s, ov, error, bytes, err);
}

/* The sample calls the wrapper wherever it completes a request. */
#define WPUCompleteOverlappedRequest complete_with_retry
#define SAMPLE_LSP_AS_LIBRARY
#include "../sample_lsp.c"

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    return sample_startup(version, data, info, upcall_table, table);
}
