/*
 * Mock provider: a well-behaved WSPStartup by default, and the broken variants by macro.
 *   (default)                 good provider; also the mock base provider of the layered test
 *   -DNULL_SLOT=n             leaves WSPPROC_TABLE slot n NULL          -> WSAEINVALIDPROCTABLE
 *   -DSTARTUP_RESULT=code     WSPStartup returns `code`                 -> WSAEPROVIDERFAILEDINIT
 *   -DNEGOTIATED=0x0101       negotiates Winsock 1.1                    -> WSAEINVALIDPROVIDER
 *   -DHOST_ATTACH=result      exports ws2emu_attach_host (the ws2emu host-services extension,
 *                             ws2_abi::ext), keeps the table and returns `result`
 * Counters and what WSPStartup received are exported for the Rust test to read.
 */
#include "provider_kit.h"

#ifndef NULL_SLOT
#define NULL_SLOT (-1)
#endif
#ifndef STARTUP_RESULT
#define STARTUP_RESULT 0
#endif
#ifndef NEGOTIATED
#define NEGOTIATED 0x0202
#endif

EXPORT int startup_calls;
EXPORT int cleanup_calls;
EXPORT WORD version_requested;
EXPORT WSAPROTOCOL_INFOW info_seen;
EXPORT WSPUPCALLTABLE upcalls_seen[16];
EXPORT int upcalls_count;

static int WSPAPI mock_cleanup(LPINT err)
{
    (void)err;
    cleanup_calls++;
    return 0;
}

EXPORT int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                             WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table)
{
    startup_calls++;
    version_requested = version;
    info_seen = *info;
    RECORD_UPCALLS(upcalls_seen, upcalls_count, upcalls);
    if (STARTUP_RESULT != 0)
        return STARTUP_RESULT;
    data->wVersion = NEGOTIATED;
    data->wHighVersion = NEGOTIATED;
    fill_proc_table(table);
    table->lpWSPCleanup = mock_cleanup;
    if (NULL_SLOT >= 0)
        memset((char *)table + NULL_SLOT * sizeof(void *), 0, sizeof(void *));
    return 0;
}

#ifdef HOST_ATTACH
/* The ws2emu host-services table (ws2_abi::ext::WS2EMU_HOST_TABLE). */
typedef struct {
    DWORD cbSize;
    int (WSPAPI *lpCompleteIo)(SOCKET s, LPWSAOVERLAPPED ov, DWORD error, DWORD bytes);
    void (WSPAPI *lpSetLastError)(int error);
} WS2EMU_HOST_TABLE;

EXPORT int host_attached;
EXPORT DWORD host_table_size;
static WS2EMU_HOST_TABLE host;

EXPORT int WSPAPI ws2emu_attach_host(const WS2EMU_HOST_TABLE *table)
{
    host_attached++;
    host_table_size = table->cbSize;
    host = *table;
    return HOST_ATTACH;
}

/* What the built-in base provider does when an overlapped request on its IFS socket finishes. */
EXPORT int host_complete(SOCKET s, LPWSAOVERLAPPED ov, DWORD error, DWORD bytes)
{
    return host.lpCompleteIo(s, ov, error, bytes);
}
#endif
