/*
 * broken_ifs_no_modify.c - an IFS layered provider that never calls WPUModifyIFSHandle.
 *
 * It is ../sample_ifs_lsp.c (a correct IFS LSP) with one bug: it returns the lower layer's own
 * (IFS) handles to the application without WPUModifyIFSHandle, so the handles stay registered under the
 * lower layer's catalog entry: ws2_32 sends every later call on them straight to the lower
 * layer, past this one (its WSPCloseSocket, WSPSend, ... are never called).
 *
 * What ws2emu should report (WS2EMU_VERIFIER=1), during the application's socket():
 *   ws2emu verifier: <entry>: socket 0x...: WSPSocket: returned a socket of an IFS provider
 *     (XP1_IFS_HANDLES) that was never registered with WPUModifyIFSHandle; ...
 * (See docs/verifier.md, "The broken examples", for what the verifier reports today.)
 */
#define SAMPLE_IFS_LSP_AS_LIBRARY
#include "../sample_ifs_lsp.c"

static SOCKET WSPAPI unregistered_socket(int af, int type, int protocol,
                                         LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags,
                                         LPINT err)
{
    WSAPROTOCOL_INFOW below;
    if (!lower_entry_of(info, &below)) {
        *err = WSAEPROVIDERFAILEDINIT;
        return INVALID_SOCKET;
    }
    /* The bug: the lower handle is returned as it is, without
     * upcalls.lpWPUModifyIFSHandle(self_id, down, err). */
    return lower.lpWSPSocket(af, type, protocol, &below, g, flags, err);
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
    int result = ifs_startup(version, data, info, upcall_table, table);
    if (result != 0)
        return result;
    table->lpWSPSocket = unregistered_socket;
    table->lpWSPAccept = unregistered_accept;
    return 0;
}
