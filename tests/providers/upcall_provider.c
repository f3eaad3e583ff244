/*
 * A good provider that calls upcalls from inside WSPStartup: WPUGetProviderPath (reads the
 * catalog), WPUCreateEvent/WPUCloseEvent and WPUCreateSocketHandle/WPUCloseSocketHandle. The
 * loader must hold no lock while WSPStartup runs, or this deadlocks.
 */
#include "provider_kit.h"

EXPORT int startup_calls;
EXPORT int cleanup_calls;
EXPORT int path_result = -1, path_errno, path_length;
EXPORT WCHAR path_seen[512];
EXPORT int event_ok, socket_ok;

static int WSPAPI up_cleanup(LPINT err)
{
    (void)err;
    cleanup_calls++;
    return 0;
}

EXPORT int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                             WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table)
{
    INT err = 0;
    (void)version;
    startup_calls++;
    path_length = 512;
    path_result = upcalls.lpWPUGetProviderPath(&info->ProviderId, path_seen, &path_length, &err);
    path_errno = err;

    WSAEVENT event = upcalls.lpWPUCreateEvent(&err);
    event_ok = event != NULL && upcalls.lpWPUSetEvent(event, &err) &&
               upcalls.lpWPUCloseEvent(event, &err);

    SOCKET s = upcalls.lpWPUCreateSocketHandle(info->dwCatalogEntryId, 0x1234, &err);
    DWORD_PTR context = 0;
    socket_ok = s != INVALID_SOCKET &&
                upcalls.lpWPUQuerySocketHandleContext(s, &context, &err) == 0 &&
                context == 0x1234 && upcalls.lpWPUCloseSocketHandle(s, &err) == 0;

    data->wVersion = 0x0202;
    data->wHighVersion = 0x0202;
    fill_proc_table(table);
    table->lpWSPCleanup = up_cleanup;
    return 0;
}
