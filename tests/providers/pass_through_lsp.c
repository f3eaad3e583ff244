/*
 * A pass-through layered provider over whatever base its chain names, loaded and loading its
 * lower layer exactly as Windows LSPs do (spec §4.3): its position in the chain gives the next
 * catalog id; WSCEnumProtocols gives that entry's GUID and protocol info; WPUGetProviderPath ->
 * ExpandEnvironmentStringsW -> LoadLibraryW -> GetProcAddress("WSPStartup"); the lower
 * WSPStartup gets the same upcall table and, since the lower layer is a base provider, the
 * base's own entry (ChainLen 1), not the chain. Its dispatch table is the base's.
 */
#include "provider_kit.h"
#include <stdlib.h>

EXPORT int startup_calls, cleanup_calls;
EXPORT WCHAR lower_path[MAX_PATH];
EXPORT WSAPROTOCOL_INFOW lower_info;
EXPORT int lower_startup_result = -1;

static HMODULE lower_module;
static WSPPROC_TABLE lower;

static int WSPAPI lsp_cleanup(LPINT err)
{
    int result;
    cleanup_calls++;
    result = lower.lpWSPCleanup(err);
    FreeLibrary(lower_module);
    lower_module = NULL;
    return result;
}

/* The catalog entry with id `id`, from WSCEnumProtocols. */
static int find_entry(DWORD id, WSAPROTOCOL_INFOW *out)
{
    DWORD size = 0;
    int err = 0, count, found = 0;
    WSAPROTOCOL_INFOW *all;
    if (WSCEnumProtocols(NULL, NULL, &size, &err) != SOCKET_ERROR || err != WSAENOBUFS)
        return 0;
    all = malloc(size);
    count = all ? WSCEnumProtocols(NULL, all, &size, &err) : SOCKET_ERROR;
    for (int i = 0; i < count; i++)
        if (all[i].dwCatalogEntryId == id) {
            *out = all[i];
            found = 1;
        }
    free(all);
    return found;
}

EXPORT int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                             WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table)
{
    WCHAR stored[MAX_PATH];
    int length = MAX_PATH, err = 0;
    LPWSPSTARTUP lower_startup;

    startup_calls++;
    /* The top of a two-element chain: the next element is the base. */
    if (info->ProtocolChain.ChainLen != 2 || !find_entry(info->ProtocolChain.ChainEntries[1], &lower_info))
        return WSAEPROVIDERFAILEDINIT;
    if (upcalls.lpWPUGetProviderPath(&lower_info.ProviderId, stored, &length, &err) != 0)
        return WSAEPROVIDERFAILEDINIT;
    if (ExpandEnvironmentStringsW(stored, lower_path, MAX_PATH) == 0)
        return WSAEPROVIDERFAILEDINIT;
    lower_module = LoadLibraryW(lower_path);
    if (lower_module == NULL)
        return WSAEPROVIDERFAILEDINIT;
    lower_startup = (LPWSPSTARTUP)(void *)GetProcAddress(lower_module, "WSPStartup");
    if (lower_startup == NULL) {
        FreeLibrary(lower_module);
        return WSAEPROVIDERFAILEDINIT;
    }
    lower_startup_result = lower_startup(version, data, &lower_info, upcalls, &lower);
    if (lower_startup_result != 0) {
        FreeLibrary(lower_module);
        return lower_startup_result;
    }
    *table = lower;
    table->lpWSPCleanup = lsp_cleanup;
    return 0;
}
