/*
 * sample_ifs_lsp.c - an IFS layered service provider (TCP and UDP), written as ordinary Windows
 * provider code. It returns the lower layer's own (IFS) handles to the application after
 * registering them under its own catalog entry with WPUModifyIFSHandle, so ws2_32 sends every
 * socket call to this layer first (spec 4.3, handle strategy (b)).
 *
 * Because the handle is the lower layer's, an IFS layer needs no handle mapping and passes
 * overlapped requests through unchanged: the lower layer completes them itself. The price is
 * that there is no per-socket context (WPUQuerySocketHandleContext is for WPUCreateSocketHandle
 * handles), and ReadFile/WriteFile or completion ports on the handle bypass the layer.
 *
 * To show it is in the path, it counts calls; an application reads the counters with
 * getsockopt(s, SAMPLE_IFS_LEVEL, SAMPLE_IFS_COUNTERS, ...) (three LONGs: sockets registered,
 * WSPSend calls, WSPRecv calls).
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <windows.h>
#include <string.h>

#define SAMPLE_IFS_LEVEL 0x5349 /* a private getsockopt level ("SI") */
#define SAMPLE_IFS_COUNTERS 1

static WSPUPCALLTABLE upcalls;       /* our own copy: the caller's table is a by-value argument */
static WSPPROC_TABLE lower;          /* the next layer's entry points */
static WSAPROTOCOL_INFOW lower_info; /* the next layer's catalog entry */
static WCHAR lower_path[MAX_PATH];   /* its library, as the catalog stores it */
static HMODULE lower_module;
static DWORD self_id;                /* our chain entry: the owner of the handles we register */
static LONG startups;
static volatile LONG registered, sends, recvs;

/* Makes a lower handle ours: from now on ws2_32 dispatches it to this layer. */
static SOCKET take_over(SOCKET down, LPINT err)
{
    SOCKET s;
    if (down == INVALID_SOCKET)
        return INVALID_SOCKET;
    s = upcalls.lpWPUModifyIFSHandle(self_id, down, err);
    if (s == INVALID_SOCKET) {
        int ignored;
        lower.lpWSPCloseSocket(down, &ignored);
        return INVALID_SOCKET;
    }
    InterlockedIncrement(&registered);
    return s; /* use only the returned value from now on */
}

static BOOL find_entry(DWORD id, WSAPROTOCOL_INFOW *out);

/* Whether `entry` is served by the lower library we loaded: its own provider, or another
 * provider GUID registered by the same library (the base provider registers one for IPv4 and
 * one for IPv6; its WSPStartup serves them all). */
static BOOL served_by_lower(const WSAPROTOCOL_INFOW *entry)
{
    WCHAR path[MAX_PATH];
    int length = MAX_PATH, err = 0, i = 0;
    GUID id = entry->ProviderId;
    if (memcmp(&id, &lower_info.ProviderId, sizeof(GUID)) == 0)
        return TRUE;
    if (upcalls.lpWPUGetProviderPath(&id, path, &length, &err) != 0)
        return FALSE;
    while (path[i] != 0 && path[i] == lower_path[i])
        i++;
    return path[i] == lower_path[i];
}

/* The lower layer's catalog entry under `chain`, one of ours: each protocol (TCP, UDP; IPv4,
 * IPv6) has a chain [this layer, lower entry] of its own, all over the library loaded in
 * WSPStartup. The lower layer gets that entry, never our chain (spec 4.3). */
static BOOL lower_entry_of(LPWSAPROTOCOL_INFOW chain, WSAPROTOCOL_INFOW *out)
{
    return chain != NULL && chain->ProtocolChain.ChainLen == 2 &&
           find_entry(chain->ProtocolChain.ChainEntries[1], out) && served_by_lower(out);
}

static SOCKET WSPAPI ifs_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                                DWORD flags, LPINT err)
{
    WSAPROTOCOL_INFOW below;
    if (!lower_entry_of(info, &below)) {
        *err = WSAEPROVIDERFAILEDINIT;
        return INVALID_SOCKET;
    }
    return take_over(lower.lpWSPSocket(af, type, protocol, &below, g, flags, err), err);
}

static SOCKET WSPAPI ifs_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    return take_over(lower.lpWSPAccept(s, addr, addrlen, condition, data, err), err);
}

/* Send and receive go straight down, overlapped parameters included. */
static int WSPAPI ifs_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                           LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                           LPWSATHREADID thread, LPINT err)
{
    InterlockedIncrement(&sends);
    return lower.lpWSPSend(s, bufs, count, sent, flags, ov, routine, thread, err);
}

static int WSPAPI ifs_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received, LPDWORD flags,
                           LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                           LPWSATHREADID thread, LPINT err)
{
    InterlockedIncrement(&recvs);
    return lower.lpWSPRecv(s, bufs, count, received, flags, ov, routine, thread, err);
}

static int WSPAPI ifs_get_sock_opt(SOCKET s, int level, int name, char *value, LPINT len,
                                   LPINT err)
{
    if (level == SAMPLE_IFS_LEVEL && name == SAMPLE_IFS_COUNTERS) {
        LONG counters[3] = {registered, sends, recvs};
        if (value == NULL || len == NULL || *len < (int)sizeof(counters)) {
            *err = WSAEFAULT;
            return SOCKET_ERROR;
        }
        memcpy(value, counters, sizeof(counters));
        *len = sizeof(counters);
        return 0;
    }
    return lower.lpWSPGetSockOpt(s, level, name, value, len, err);
}

static int WSPAPI ifs_cleanup(LPINT err)
{
    int result;
    if (InterlockedDecrement(&startups) > 0)
        return 0;
    result = lower.lpWSPCleanup(err);
    FreeLibrary(lower_module);
    lower_module = NULL;
    return result;
}

/* The catalog entry with id `id`, from WSCEnumProtocols. */
static BOOL find_entry(DWORD id, WSAPROTOCOL_INFOW *out)
{
    DWORD size = 0;
    int err = 0, count;
    BOOL found = FALSE;
    WSAPROTOCOL_INFOW *all;
    if (WSCEnumProtocols(NULL, NULL, &size, &err) != SOCKET_ERROR || err != WSAENOBUFS)
        return FALSE;
    all = HeapAlloc(GetProcessHeap(), 0, size);
    count = all ? WSCEnumProtocols(NULL, all, &size, &err) : SOCKET_ERROR;
    for (int i = 0; i < count; i++)
        if (all[i].dwCatalogEntryId == id) {
            *out = all[i];
            found = TRUE;
        }
    if (all)
        HeapFree(GetProcessHeap(), 0, all);
    return found;
}

/* Loads the layer below us in `info`'s chain (spec 4.3). */
static int load_lower_layer(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info)
{
    WCHAR path[MAX_PATH];
    int length = MAX_PATH, err = 0, result;
    LPWSPSTARTUP lower_startup;
    /* This sample is always the top of a two-element chain: [this layer, base provider]. */
    if (info->ProtocolChain.ChainLen != 2 ||
        !find_entry(info->ProtocolChain.ChainEntries[1], &lower_info))
        return WSAEPROVIDERFAILEDINIT;
    if (upcalls.lpWPUGetProviderPath(&lower_info.ProviderId, lower_path, &length, &err) != 0 ||
        ExpandEnvironmentStringsW(lower_path, path, MAX_PATH) == 0)
        return WSAEPROVIDERFAILEDINIT;
    lower_module = LoadLibraryW(path);
    if (lower_module == NULL)
        return WSAEPROVIDERFAILEDINIT;
    lower_startup = (LPWSPSTARTUP)(void *)GetProcAddress(lower_module, "WSPStartup");
    result = lower_startup ? lower_startup(version, data, &lower_info, upcalls, &lower)
                           : WSAEPROVIDERFAILEDINIT;
    if (result != 0) {
        FreeLibrary(lower_module);
        lower_module = NULL;
    }
    return result;
}

static int ifs_startup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                       WSPUPCALLTABLE upcall_table, LPWSPPROC_TABLE table)
{
    if (data == NULL || info == NULL || table == NULL)
        return WSAEFAULT;
    if (InterlockedIncrement(&startups) == 1) {
        int result;
        upcalls = upcall_table;
        self_id = info->dwCatalogEntryId;
        result = load_lower_layer(version, data, info);
        if (result != 0) {
            InterlockedDecrement(&startups);
            return result;
        }
    }
    /* The handles are the lower layer's, so every other slot is the lower layer's own. */
    *table = lower;
    table->lpWSPSocket = ifs_socket;
    table->lpWSPAccept = ifs_accept;
    table->lpWSPSend = ifs_send;
    table->lpWSPRecv = ifs_recv;
    table->lpWSPGetSockOpt = ifs_get_sock_opt;
    table->lpWSPCleanup = ifs_cleanup;
    return 0;
}

/* The broken examples (broken/) include this file with SAMPLE_IFS_LSP_AS_LIBRARY defined: each
 * exports a WSPStartup of its own that calls ifs_startup and then changes one thing. */
#ifndef SAMPLE_IFS_LSP_AS_LIBRARY
__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    return ifs_startup(version, data, info, upcall_table, table);
}
#endif
