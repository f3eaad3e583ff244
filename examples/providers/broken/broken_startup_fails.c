/*
 * broken_startup_fails.c - a layered provider whose WSPStartup fails.
 *
 * It is ../sample_lsp.c (a correct non-IFS LSP) with one bug: it starts its lower layer and then reports that its own initialisation
 * failed (here always, with WSASYSNOTREADY, as a provider does whose service is not running).
 * It cleans up properly (the lower layer is stopped and unloaded); only the failure remains.
 *
 * What the application sees: whatever non-zero code WSPStartup returns, ws2_32 (and ws2emu's
 * loader) unloads the provider and fails the call that started it (socket(), WSASocketW, ...)
 * with WSAEPROVIDERFAILEDINIT (10106). The verifier reports nothing: a failing WSPStartup is
 * allowed, the application is told.
 */
#define SAMPLE_LSP_AS_LIBRARY
#include "../sample_lsp.c"

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int err, result = sample_startup(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    /* The failure: undo the start-up and refuse to start. */
    sample_cleanup(&err);
    return WSASYSNOTREADY;
}
