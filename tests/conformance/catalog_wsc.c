/*
 * The protocol catalog from C: WSCEnumProtocols, WSAEnumProtocolsW, WSCInstallProvider,
 * WSCDeinstallProvider, WSCGetProviderPath (with WPUGetProviderPath), and the WSAStartup
 * snapshot.
 * Spec: wpu-semantics.md §4.2; checklist items 47-57. Built and run (natively and under valgrind)
 * by crates/ws2-capi/tests/catalog_c.rs with the conformance suite's harness (wstest.h); it can
 * move to tests/conformance once c_suite.rs lists it.
 *
 * On ws2emu the catalog is a private temporary file (WS2EMU_CATALOG is set before the first
 * Winsock call, so a user's catalog is never touched). On Windows only the read-only checks run:
 * installing providers there would change the machine's catalog.
 */
#include "wstest.h"

#ifdef WS2EMU
#include <unistd.h>
static char catalog_dir[] = "/tmp/ws2emu-catalog-wsc-XXXXXX";
static char catalog_file[sizeof(catalog_dir) + 16];
static GUID test_guid = {0x5ca7a106, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};
#endif

/* Items 48-50: sizes in both failure cases, then the exact size. Returns the entry count. */
static int enum_count(void)
{
    DWORD len = 0, needed;
    WSAPROTOCOL_INFOW *buffer;
    int err = WST_SENTINEL, ret;

    ret = WSCEnumProtocols(NULL, NULL, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAENOBUFS, "NULL buffer: %d, err %d\n", ret, err);
    ok(len > 0 && len % sizeof(WSAPROTOCOL_INFOW) == 0, "needed %lu\n", (unsigned long)len);
    needed = len;
    buffer = calloc(1, needed);
    len = needed - 1;
    err = WST_SENTINEL;
    ret = WSCEnumProtocols(NULL, buffer, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAENOBUFS && len == needed,
       "one byte short: %d, err %d, len %lu\n", ret, err, (unsigned long)len);
    err = WST_SENTINEL;
    ret = WSCEnumProtocols(NULL, buffer, &len, &err);
    ok(ret == (int)(needed / sizeof(WSAPROTOCOL_INFOW)) && err == WST_SENTINEL,
       "exact buffer: %d, err %d\n", ret, err);
    free(buffer);
    return ret;
}

static int app_count(void)
{
    DWORD len = 0;
    int ret;
    WSASetLastError(WST_SENTINEL);
    ret = WSAEnumProtocolsW(NULL, NULL, &len);
    ok(ret == SOCKET_ERROR && WSAGetLastError() == WSAENOBUFS, "WSAEnumProtocolsW: %d, %d\n", ret,
       WSAGetLastError());
    return (int)(len / sizeof(WSAPROTOCOL_INFOW));
}

static void test_enumeration(void)
{
    int stored = enum_count(), visible = app_count();
    ok(stored >= 1, "no catalog entries\n");
    ok(visible <= stored, "WSAEnumProtocols sees %d of %d entries\n", visible, stored);
}

#ifdef WS2EMU
/* Items 47, 53-57 (installing changes the catalog, so ws2emu only). */
static void test_install(WSPUPCALLTABLE *upcalls)
{
    static const WCHAR path[] = L"/opt/catalog_wsc/libx.so";
    WSAPROTOCOL_INFOW info;
    WCHAR buffer[64], buffer2[64];
    int err, ret, len, len2, err2, stored = enum_count(), visible = app_count();

    memset(&info, 0, sizeof(info));
    info.ProtocolChain.ChainLen = BASE_PROTOCOL;
    info.iAddressFamily = AF_INET;
    info.iSocketType = SOCK_STREAM;
    info.iProtocol = IPPROTO_TCP;
    info.dwCatalogEntryId = 5; /* ignored */

    err = WST_SENTINEL;
    ret = WSCInstallProvider(&test_guid, path, NULL, 1, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "item 55: %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = WSCInstallProvider(&test_guid, L"relative.so", &info, 1, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "relative path: %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = WSCInstallProvider(&test_guid, path, &info, 1, &err);
    ok(ret == 0 && err == WST_SENTINEL, "item 53: %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = WSCInstallProvider(&test_guid, path, &info, 1, &err);
    ok(ret == SOCKET_ERROR && err == WSANO_RECOVERY, "item 54: %d, err %d\n", ret, err);
    ok(enum_count() == stored + 1, "WSCEnumProtocols does not show the install\n");
    ok(app_count() == visible, "item 57: the WSAStartup snapshot changed\n");

    /* Item 47: both path functions agree. */
    len = len2 = 64;
    err = err2 = WST_SENTINEL;
    ret = WSCGetProviderPath(&test_guid, buffer, &len, &err);
    ok(ret == 0 && len == (int)(sizeof(path) / sizeof(WCHAR)) - 1 && !memcmp(buffer, path, sizeof(path)),
       "WSCGetProviderPath: %d, err %d, len %d\n", ret, err, len);
    ret = upcalls->lpWPUGetProviderPath(&test_guid, buffer2, &len2, &err2);
    ok(ret == 0 && len2 == len && !memcmp(buffer2, buffer, sizeof(path)),
       "WPUGetProviderPath differs: %d, len %d\n", ret, len2);

    /* Item 56. */
    err = WST_SENTINEL;
    ret = WSCDeinstallProvider(&test_guid, &err);
    ok(ret == 0 && err == WST_SENTINEL, "deinstall: %d, err %d\n", ret, err);
    len = 64;
    err = WST_SENTINEL;
    ret = WSCGetProviderPath(&test_guid, buffer, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "path after deinstall: %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = WSCDeinstallProvider(&test_guid, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "second deinstall: %d, err %d\n", ret, err);
    ok(enum_count() == stored, "the catalog did not shrink back\n");
}
#endif

int main(void)
{
    wst_start("catalog_wsc");
#ifdef WS2EMU
    if (!mkdtemp(catalog_dir)) {
        ok(0, "mkdtemp failed\n");
        return wst_end();
    }
    snprintf(catalog_file, sizeof(catalog_file), "%s/catalog", catalog_dir);
    setenv("WS2EMU_CATALOG", catalog_file, 1);
#endif
    wst_startup();
    wst_load_upcalls();

    test_enumeration();
#ifdef WS2EMU
    test_install(&wst_upcalls);
#else
    skip("installing providers would change this machine's catalog\n");
#endif

    wst_cleanup();
#ifdef WS2EMU
    {
        char path[sizeof(catalog_file) + 8];
        unlink(catalog_file);
        snprintf(path, sizeof(path), "%s.lock", catalog_file);
        unlink(path);
        rmdir(catalog_dir);
    }
#endif
    return wst_end();
}
