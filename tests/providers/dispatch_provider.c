/*
 * Dispatch provider: a non-IFS provider that mints its handles with WPUCreateSocketHandle and
 * records which of its slots the client API reached, with which socket (spec checklist 25-27,
 * 35, 67). WSPBind fails without setting *lpErrno, to show ws2_32's WSASYSCALLFAILURE.
 */
#include "provider_kit.h"

static WSPUPCALLTABLE upcalls;

EXPORT DWORD socket_entry_seen;  /* dwCatalogEntryId of the info WSPSocket received */
EXPORT SOCKET last_socket;       /* the handle a slot was called with */
EXPORT int close_calls, send_calls;

static SOCKET WSPAPI d_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                              DWORD flags, LPINT err)
{
    (void)af; (void)type; (void)protocol; (void)g; (void)flags;
    socket_entry_seen = info->dwCatalogEntryId;
    return upcalls.lpWPUCreateSocketHandle(info->dwCatalogEntryId, 0xC0FFEE, err);
}

static int WSPAPI d_close(SOCKET s, LPINT err)
{
    close_calls++;
    last_socket = s;
    return upcalls.lpWPUCloseSocketHandle(s, err);
}

static int WSPAPI d_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                         LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                         LPWSATHREADID tid, LPINT err)
{
    DWORD total = 0;
    (void)flags; (void)ov; (void)routine; (void)tid; (void)err;
    send_calls++;
    last_socket = s;
    for (DWORD i = 0; i < count; i++)
        total += bufs[i].len;
    *sent = total;
    return 0;
}

static int WSPAPI d_bind(SOCKET s, const struct sockaddr *name, int len, LPINT err)
{
    (void)name; (void)len; (void)err;
    last_socket = s;
    return SOCKET_ERROR; /* and no *lpErrno */
}

static int WSPAPI d_cleanup(LPINT err)
{
    (void)err;
    return 0;
}

EXPORT int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                             WSPUPCALLTABLE table, LPWSPPROC_TABLE procs)
{
    (void)version; (void)info;
    upcalls = table;
    data->wVersion = data->wHighVersion = MAKEWORD(2, 2);
    fill_proc_table(procs);
    procs->lpWSPSocket = d_socket;
    procs->lpWSPCloseSocket = d_close;
    procs->lpWSPSend = d_send;
    procs->lpWSPBind = d_bind;
    procs->lpWSPCleanup = d_cleanup;
    return 0;
}
