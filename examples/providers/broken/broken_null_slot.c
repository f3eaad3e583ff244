/*
 * broken_null_slot.c - a layered provider whose WSPPROC_TABLE has a NULL slot.
 *
 * It is ../sample_lsp.c (a correct non-IFS LSP) with one bug: it does not do multipoint, so it
 * leaves lpWSPJoinLeaf NULL instead of filling it with a function that fails with
 * WSAEOPNOTSUPP. Every slot must be filled.
 *
 * What the application sees: ws2_32 (and ws2emu's loader) refuses the provider when it starts:
 * it calls the provider's WSPCleanup once, unloads it, and the call that started it (socket(),
 * WSASocketW, ...) fails with WSAEINVALIDPROCTABLE (10104). The verifier reports nothing: this
 * is the loader's check, made with or without it.
 */
#define SAMPLE_LSP_AS_LIBRARY
#include "../sample_lsp.c"

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = sample_startup(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    table->lpWSPJoinLeaf = NULL; /* the bug */
    return 0;
}
