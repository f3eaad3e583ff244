/*
 * broken_ifs_no_modify.c - an IFS layered provider that never calls WPUModifyIFSHandle.
 *
 * What it does wrong: like ../sample_ifs_lsp.c it returns the lower layer's own (IFS) handles to
 * the application, but it skips WPUModifyIFSHandle, so the handles stay registered under the
 * lower layer's catalog entry: ws2_32 sends every later call on them straight to the lower
 * layer, past this one (its WSPCloseSocket, WSPSend, ... are never called).
 *
 * What ws2emu should report (WS2EMU_VERIFIER=1), during the application's socket():
 *   ws2emu verifier: <entry>: socket 0x...: WSPSocket: returned a socket of an IFS provider
 *     (XP1_IFS_HANDLES) that was never registered with WPUModifyIFSHandle; ...
 * (See docs/verifier.md, "The broken examples", for what the verifier reports today.)
 */
#define PASSTHROUGH_IFS
#include "passthrough.h"

static SOCKET WSPAPI unregistered_socket(int af, int type, int protocol,
                                         LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags,
                                         LPINT err)
{
    (void)info; /* our chain entry: the one WPUModifyIFSHandle should have been given */
    /* The bug: the lower handle is returned as it is, without
     * upcalls.lpWPUModifyIFSHandle(info->dwCatalogEntryId, down, err). */
    return lower.lpWSPSocket(af, type, protocol, &lower_info, g, flags, err);
}

static SOCKET WSPAPI unregistered_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                         LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    /* The same bug for accepted sockets. */
    return lower.lpWSPAccept(s, addr, addrlen, condition, data, err);
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    int result = pt_start(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    /* The handles are the lower layer's, so every other slot is the lower layer's own. */
    *table = lower;
    table->lpWSPSocket = unregistered_socket;
    table->lpWSPAccept = unregistered_accept;
    table->lpWSPCleanup = pt_cleanup;
    return 0;
}
