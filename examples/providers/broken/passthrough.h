/*
 * passthrough.h - what every broken example shares: a minimal, correct, non-IFS layered
 * provider for TCP that passes each call down to the next layer of its protocol chain (the base
 * provider), found and loaded the Windows way (WSCEnumProtocols, WPUGetProviderPath,
 * LoadLibraryW, GetProcAddress). Each broken_*.c file includes it, takes this table and changes
 * one thing: the misbehaviour it demonstrates.
 *
 * Handles: the application gets handles of our own (WPUCreateSocketHandle) whose context is the
 * lower layer's handle (WPUQuerySocketHandleContext); closesocket releases them
 * (WPUCloseSocketHandle). Overlapped WSPSend/WSPRecv are done synchronously and completed at
 * once: events and completion ports with WPUCompleteOverlappedRequest, a completion routine with
 * WPUQueueApc to the caller's WSATHREADID. Slots the examples do not need (select,
 * WSAAsyncSelect, sendto/recvfrom, QOS, multipoint, disconnect data, duplication) fail with
 * WSAEOPNOTSUPP. For the full-size version of this provider see ../sample_lsp.c.
 *
 * Define PASSTHROUGH_IFS before including it for an IFS layer (no handle mapping: only the
 * loading of the lower layer and the clean-up, see broken_ifs_no_modify.c).
 */
#ifndef PASSTHROUGH_H
#define PASSTHROUGH_H

#include <winsock2.h>
#include <ws2spi.h>
#include <windows.h>

static WSPUPCALLTABLE upcalls;       /* our own copy: the caller's table is a by-value argument */
static WSPPROC_TABLE lower;          /* the next layer's entry points */
static WSAPROTOCOL_INFOW lower_info; /* the next layer's catalog entry */
static HMODULE lower_module;
static LONG startups; /* WSPStartup calls not yet balanced by WSPCleanup */

/* ---- loading the lower layer and cleaning up ------------------------------------------------ */

/* The catalog entry with id `id`, from WSCEnumProtocols. */
static BOOL pt_find_entry(DWORD id, WSAPROTOCOL_INFOW *out)
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

/* Loads and starts the layer below us: we are the top of [this layer, base provider]. */
static int pt_load_lower(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info)
{
    WCHAR stored[MAX_PATH], path[MAX_PATH];
    int length = MAX_PATH, err = 0, result;
    LPWSPSTARTUP lower_startup;
    if (info->ProtocolChain.ChainLen != 2 ||
        !pt_find_entry(info->ProtocolChain.ChainEntries[1], &lower_info))
        return WSAEPROVIDERFAILEDINIT;
    if (upcalls.lpWPUGetProviderPath(&lower_info.ProviderId, stored, &length, &err) != 0 ||
        ExpandEnvironmentStringsW(stored, path, MAX_PATH) == 0)
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

/* The first half of WSPStartup: copy the upcall table, start the lower layer once. */
static int pt_start(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                    WSPUPCALLTABLE upcall_table, LPWSPPROC_TABLE table)
{
    if (data == NULL || info == NULL || table == NULL)
        return WSAEFAULT;
    if (InterlockedIncrement(&startups) == 1) {
        int result;
        upcalls = upcall_table;
        result = pt_load_lower(version, data, info);
        if (result != 0) {
            InterlockedDecrement(&startups);
            return result;
        }
    }
    return 0;
}

/* Balances one pt_start: the last one cleans up and unloads the lower layer. */
static int WSPAPI pt_cleanup(LPINT err)
{
    int result;
    if (InterlockedDecrement(&startups) > 0)
        return 0;
    result = lower.lpWSPCleanup(err);
    FreeLibrary(lower_module);
    lower_module = NULL;
    return result;
}

#ifndef PASSTHROUGH_IFS

/* ---- handles: ours to the application, the lower layer's as context ------------------------- */

/* The lower handle behind one of ours (FALSE with *err WSAENOTSOCK for anything else). */
static BOOL pt_lower(SOCKET s, SOCKET *down, LPINT err)
{
    DWORD_PTR context = 0;
    if (upcalls.lpWPUQuerySocketHandleContext(s, &context, err) == SOCKET_ERROR)
        return FALSE;
    *down = (SOCKET)context;
    return TRUE;
}

/* Wraps a new lower handle in one of ours (the catalog entry is our chain entry). */
static SOCKET pt_wrap(SOCKET down, DWORD catalog_id, LPINT err)
{
    SOCKET s;
    int ignored;
    if (down == INVALID_SOCKET)
        return INVALID_SOCKET;
    s = upcalls.lpWPUCreateSocketHandle(catalog_id, (DWORD_PTR)down, err);
    if (s == INVALID_SOCKET)
        lower.lpWSPCloseSocket(down, &ignored);
    return s;
}

static DWORD self_id; /* our chain entry, for accepted sockets */

static SOCKET WSPAPI pt_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                               DWORD flags, LPINT err)
{
    self_id = info->dwCatalogEntryId;
    /* The lower layer gets its own catalog entry, never our chain (spec 4.3). */
    return pt_wrap(lower.lpWSPSocket(af, type, protocol, &lower_info, g, flags, err), self_id,
                   err);
}

static SOCKET WSPAPI pt_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                               LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    SOCKET down;
    if (!pt_lower(s, &down, err))
        return INVALID_SOCKET;
    return pt_wrap(lower.lpWSPAccept(down, addr, addrlen, condition, data, err), self_id, err);
}

static int WSPAPI pt_close_socket(SOCKET s, LPINT err)
{
    SOCKET down;
    if (!pt_lower(s, &down, err) || lower.lpWSPCloseSocket(down, err) != 0)
        return SOCKET_ERROR;
    return upcalls.lpWPUCloseSocketHandle(s, err);
}

/* ---- calls that only map the handle --------------------------------------------------------- */

static int WSPAPI pt_bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPBind(down, name, namelen, err) : SOCKET_ERROR;
}

static int WSPAPI pt_listen(SOCKET s, int backlog, LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPListen(down, backlog, err) : SOCKET_ERROR;
}

static int WSPAPI pt_connect(SOCKET s, const struct sockaddr *name, int namelen,
                             LPWSABUF caller_data, LPWSABUF callee_data, LPQOS sqos, LPQOS gqos,
                             LPINT err)
{
    SOCKET down;
    if (!pt_lower(s, &down, err))
        return SOCKET_ERROR;
    return lower.lpWSPConnect(down, name, namelen, caller_data, callee_data, sqos, gqos, err);
}

static int WSPAPI pt_shutdown(SOCKET s, int how, LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPShutdown(down, how, err) : SOCKET_ERROR;
}

static int WSPAPI pt_get_sock_name(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPGetSockName(down, name, namelen, err)
                                   : SOCKET_ERROR;
}

static int WSPAPI pt_get_peer_name(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPGetPeerName(down, name, namelen, err)
                                   : SOCKET_ERROR;
}

static int WSPAPI pt_get_sock_opt(SOCKET s, int level, int name, char *value, LPINT len,
                                  LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPGetSockOpt(down, level, name, value, len, err)
                                   : SOCKET_ERROR;
}

static int WSPAPI pt_set_sock_opt(SOCKET s, int level, int name, const char *value, int len,
                                  LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPSetSockOpt(down, level, name, value, len, err)
                                   : SOCKET_ERROR;
}

static int WSPAPI pt_event_select(SOCKET s, WSAEVENT event, LONG events, LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPEventSelect(down, event, events, err)
                                   : SOCKET_ERROR;
}

static int WSPAPI pt_enum_network_events(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events,
                                         LPINT err)
{
    SOCKET down;
    return pt_lower(s, &down, err) ? lower.lpWSPEnumNetworkEvents(down, event, events, err)
                                   : SOCKET_ERROR;
}

static int WSPAPI pt_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
                           DWORD outlen, LPDWORD returned, LPWSAOVERLAPPED ov,
                           LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                           LPINT err)
{
    SOCKET down;
    if (ov != NULL) { /* not in these examples */
        *err = WSAEOPNOTSUPP;
        return SOCKET_ERROR;
    }
    if (!pt_lower(s, &down, err))
        return SOCKET_ERROR;
    return lower.lpWSPIoctl(down, code, in, inlen, out, outlen, returned, NULL, routine, thread,
                            err);
}

/* ---- send and receive: overlapped requests complete at once --------------------------------- */

/* A completion routine on its way to the application's thread. */
typedef struct ROUTINE_CALL {
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    LPWSAOVERLAPPED ov;
    DWORD bytes, flags;
} ROUTINE_CALL;

/* Runs in the application's thread, queued there with WPUQueueApc. */
static void CALLBACK pt_run_routine(DWORD_PTR context)
{
    ROUTINE_CALL *call = (ROUTINE_CALL *)context;
    call->routine(0, call->bytes, call->ov, call->flags);
    HeapFree(GetProcessHeap(), 0, call);
}

/* Announces a request the lower layer finished synchronously (spec 6.2): the routine through an
 * APC to the caller's thread, anything else with WPUCompleteOverlappedRequest. */
static int pt_complete(SOCKET s, LPWSAOVERLAPPED ov, DWORD bytes, DWORD flags,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                       LPINT err)
{
    ROUTINE_CALL *call;
    ov->Offset = flags;  /* what WSPGetOverlappedResult reads */
    ov->OffsetHigh = 0;
    if (routine == NULL)
        return WPUCompleteOverlappedRequest(s, ov, 0, bytes, err);
    ov->InternalHigh = bytes;
    ov->Internal = 0;
    call = HeapAlloc(GetProcessHeap(), 0, sizeof(*call));
    if (call == NULL) {
        *err = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    call->routine = routine;
    call->ov = ov;
    call->bytes = bytes;
    call->flags = flags;
    if (upcalls.lpWPUQueueApc(thread, pt_run_routine, (DWORD_PTR)call, err) != 0) {
        HeapFree(GetProcessHeap(), 0, call);
        return SOCKET_ERROR;
    }
    return 0;
}

static int WSPAPI pt_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID thread, LPINT err)
{
    SOCKET down;
    DWORD bytes = 0;
    if (!pt_lower(s, &down, err))
        return SOCKET_ERROR;
    if (ov != NULL)
        ov->Internal = WSS_OPERATION_IN_PROGRESS;
    if (lower.lpWSPSend(down, bufs, count, &bytes, flags, NULL, NULL, thread, err) != 0)
        return SOCKET_ERROR;
    if (sent != NULL)
        *sent = bytes;
    return ov ? pt_complete(s, ov, bytes, 0, routine, thread, err) : 0;
}

static int WSPAPI pt_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received, LPDWORD flags,
                          LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                          LPWSATHREADID thread, LPINT err)
{
    SOCKET down;
    DWORD bytes = 0;
    if (!pt_lower(s, &down, err))
        return SOCKET_ERROR;
    if (ov != NULL)
        ov->Internal = WSS_OPERATION_IN_PROGRESS;
    if (lower.lpWSPRecv(down, bufs, count, &bytes, flags, NULL, NULL, thread, err) != 0)
        return SOCKET_ERROR;
    if (received != NULL)
        *received = bytes;
    return ov ? pt_complete(s, ov, bytes, flags ? *flags : 0, routine, thread, err) : 0;
}

static BOOL WSPAPI pt_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
                                            BOOL wait, LPDWORD flags, LPINT err)
{
    SOCKET down;
    (void)wait; /* requests are complete when WSPSend/WSPRecv return */
    if (!pt_lower(s, &down, err))
        return FALSE;
    *bytes = (DWORD)ov->InternalHigh;
    *flags = ov->Offset;
    return TRUE;
}

/* ---- slots these examples do not offer ------------------------------------------------------ */

static int pt_unsupported(LPINT err)
{
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI pt_async_select(SOCKET s, HWND hwnd, unsigned int msg, LONG events, LPINT err)
{
    (void)s, (void)hwnd, (void)msg, (void)events;
    return pt_unsupported(err);
}

#ifdef __MINGW32__ /* mingw-w64 declares the timeout `const PTIMEVAL` (see ../sample_lsp.c) */
typedef const PTIMEVAL PT_TIMEOUT;
#else
typedef const struct timeval *PT_TIMEOUT;
#endif

static int WSPAPI pt_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                            PT_TIMEOUT timeout, LPINT err)
{
    (void)nfds, (void)readfds, (void)writefds, (void)exceptfds, (void)timeout;
    return pt_unsupported(err);
}

static int WSPAPI pt_send_to(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                             const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                             LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                             LPINT err)
{
    (void)s, (void)bufs, (void)count, (void)sent, (void)flags, (void)to, (void)tolen, (void)ov;
    (void)routine, (void)thread;
    return pt_unsupported(err);
}

static int WSPAPI pt_recv_from(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received,
                               LPDWORD flags, struct sockaddr *from, LPINT fromlen,
                               LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                               LPWSATHREADID thread, LPINT err)
{
    (void)s, (void)bufs, (void)count, (void)received, (void)flags, (void)from, (void)fromlen;
    (void)ov, (void)routine, (void)thread;
    return pt_unsupported(err);
}

static int WSPAPI pt_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err)
{
    (void)s, (void)pid, (void)info;
    return pt_unsupported(err);
}

static BOOL WSPAPI pt_get_qos_by_name(SOCKET s, LPWSABUF name, LPQOS qos, LPINT err)
{
    (void)s, (void)name, (void)qos;
    pt_unsupported(err);
    return FALSE;
}

static SOCKET WSPAPI pt_join_leaf(SOCKET s, const struct sockaddr *name, int namelen,
                                  LPWSABUF caller_data, LPWSABUF callee_data, LPQOS sqos,
                                  LPQOS gqos, DWORD flags, LPINT err)
{
    (void)s, (void)name, (void)namelen, (void)caller_data, (void)callee_data, (void)sqos;
    (void)gqos, (void)flags;
    pt_unsupported(err);
    return INVALID_SOCKET;
}

static int WSPAPI pt_recv_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    (void)s, (void)data;
    return pt_unsupported(err);
}

static int WSPAPI pt_send_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    (void)s, (void)data;
    return pt_unsupported(err);
}

/* The second half of WSPStartup: our table (every slot that takes a socket maps the handle;
 * WSPAddressToString, WSPStringToAddress and WSPCancelBlockingCall are the lower layer's). */
static void pt_fill(LPWSPPROC_TABLE table)
{
    *table = lower;
    table->lpWSPAccept = pt_accept;
    table->lpWSPAsyncSelect = pt_async_select;
    table->lpWSPBind = pt_bind;
    table->lpWSPCleanup = pt_cleanup;
    table->lpWSPCloseSocket = pt_close_socket;
    table->lpWSPConnect = pt_connect;
    table->lpWSPDuplicateSocket = pt_duplicate_socket;
    table->lpWSPEnumNetworkEvents = pt_enum_network_events;
    table->lpWSPEventSelect = pt_event_select;
    table->lpWSPGetOverlappedResult = pt_get_overlapped_result;
    table->lpWSPGetPeerName = pt_get_peer_name;
    table->lpWSPGetSockName = pt_get_sock_name;
    table->lpWSPGetSockOpt = pt_get_sock_opt;
    table->lpWSPGetQOSByName = pt_get_qos_by_name;
    table->lpWSPIoctl = pt_ioctl;
    table->lpWSPJoinLeaf = pt_join_leaf;
    table->lpWSPListen = pt_listen;
    table->lpWSPRecv = pt_recv;
    table->lpWSPRecvDisconnect = pt_recv_disconnect;
    table->lpWSPRecvFrom = pt_recv_from;
    table->lpWSPSelect = pt_select;
    table->lpWSPSend = pt_send;
    table->lpWSPSendDisconnect = pt_send_disconnect;
    table->lpWSPSendTo = pt_send_to;
    table->lpWSPSetSockOpt = pt_set_sock_opt;
    table->lpWSPShutdown = pt_shutdown;
    table->lpWSPSocket = pt_socket;
}

#endif /* PASSTHROUGH_IFS */
#endif /* PASSTHROUGH_H */
