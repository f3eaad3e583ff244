/*
 * A layered provider (LSP) that loads its lower layer the Windows way (spec §4.3):
 * own position in the chain -> next catalog id -> WPUGetProviderPath -> ExpandEnvironmentStringsW
 * -> LoadLibraryW -> GetProcAddress("WSPStartup") -> the lower WSPStartup with the SAME upcall
 * table, and, when the lower layer is the base provider, the base's own entry (ChainLen 1)
 * instead of the chain. Built twice: -DSELF_INDEX=0 (LSP A, top) and -DSELF_INDEX=1 (LSP B).
 *
 * Step 2 of §4.3 (catalog id -> GUID and protocol info of the next layer) would use
 * WSCEnumProtocols; the test catalog lives in memory, so the ids come from the environment
 * (WS2EMU_TEST_LSP_IDS = "<A> <B> <base>") and the GUIDs from provider_kit.h.
 */
#include "provider_kit.h"
#include <stdlib.h>

#ifndef SELF_INDEX
#error SELF_INDEX must be 0 or 1
#endif

EXPORT int startup_calls;
EXPORT int cleanup_calls;
EXPORT int lower_result = -1;
EXPORT WSAPROTOCOL_INFOW info_seen;
EXPORT WSPUPCALLTABLE upcalls_seen[16];
EXPORT int upcalls_count;
EXPORT HMODULE lower_module;
EXPORT WCHAR lower_path[1024];

static WSPPROC_TABLE lower;

static int WSPAPI lsp_cleanup(LPINT err)
{
    cleanup_calls++;
    int result = lower.lpWSPCleanup(err);
    FreeLibrary(lower_module);
    lower_module = NULL;
    return result;
}

EXPORT int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                             WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table)
{
    startup_calls++;
    info_seen = *info;
    RECORD_UPCALLS(upcalls_seen, upcalls_count, upcalls);

    DWORD ids[3] = {0, 0, 0};
    const char *text = getenv("WS2EMU_TEST_LSP_IDS");
    for (int i = 0; text && i < 3; i++) {
        char *end;
        ids[i] = (DWORD)strtoul(text, &end, 10);
        text = end;
    }

    /* 1. Own position in the chain; the next element is the lower layer. */
    int length = info->ProtocolChain.ChainLen, position = -1;
    for (int i = 0; i < length && i < MAX_PROTOCOL_CHAIN; i++)
        if (info->ProtocolChain.ChainEntries[i] == ids[SELF_INDEX])
            position = i;
    if (position < 0 || position + 1 >= length)
        return WSAEPROVIDERFAILEDINIT;
    DWORD next = info->ProtocolChain.ChainEntries[position + 1];
    int next_index = next == ids[0] ? 0 : next == ids[1] ? 1 : next == ids[2] ? 2 : -1;
    if (next_index < 0)
        return WSAEPROVIDERFAILEDINIT;
    GUID next_guid = test_guids[next_index];

    /* 3. Path, expansion, load, entry point. */
    WCHAR stored[512];
    INT stored_length = 512, err = 0;
    if (upcalls.lpWPUGetProviderPath(&next_guid, stored, &stored_length, &err) != 0)
        return WSAEPROVIDERFAILEDINIT;
    DWORD needed = ExpandEnvironmentStringsW(stored, lower_path, 1024);
    if (needed == 0 || needed > 1024)
        return WSAEPROVIDERFAILEDINIT;
    lower_module = LoadLibraryW(lower_path);
    if (lower_module == NULL)
        return WSAEPROVIDERFAILEDINIT;
    LPWSPSTARTUP lower_startup =
        (LPWSPSTARTUP)(any_function)GetProcAddress(lower_module, "WSPStartup");
    if (lower_startup == NULL) {
        FreeLibrary(lower_module);
        return WSAEPROVIDERFAILEDINIT;
    }

    /* 4. The base provider gets its own entry, never the chain. */
    WSAPROTOCOL_INFOW base_entry = *info;
    LPWSAPROTOCOL_INFOW lower_info = info;
    if (position + 1 == length - 1) {
        base_entry.ProtocolChain.ChainLen = BASE_PROTOCOL;
        memset(base_entry.ProtocolChain.ChainEntries, 0,
               sizeof(base_entry.ProtocolChain.ChainEntries));
        base_entry.dwCatalogEntryId = next;
        base_entry.ProviderId = next_guid;
        lower_info = &base_entry;
    }
    WSPDATA lower_data;
    memset(&lower, 0, sizeof(lower));
    lower_result = lower_startup(version, &lower_data, lower_info, upcalls, &lower);
    if (lower_result != 0) {
        FreeLibrary(lower_module);
        lower_module = NULL;
        return lower_result;
    }

    /* 5. Our table: the lower one, with the slots we intercept. */
    *table = lower;
    table->lpWSPCleanup = lsp_cleanup;
    data->wVersion = 0x0202;
    data->wHighVersion = 0x0202;
    return 0;
}
