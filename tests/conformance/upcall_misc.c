/*
 * The stateless upcalls: WPUFDIsSet (slot 4) and __WSAFDIsSet, WPUGetProviderPath (5),
 * WPUQueryBlockingCallback (8).
 * Spec: wpu-semantics.md §3.6, §5.5, §5.7, §5.9; checklist items 36-46, 120. (Item 47 compares
 * with WSCGetProviderPath, which arrives with the catalog.)
 *
 * This file is built with FD_SETSIZE 128 (item 39); it must be defined before any include.
 */
#define FD_SETSIZE 128
#include "wstest.h"

#define U wst_upcalls

/* The Windows default fd_set (FD_SETSIZE 64), for the checks that use the usual layout. */
typedef struct {
    u_int fd_count;
    SOCKET fd_array[64];
} fd_set64;

static int is_set(SOCKET s, void *set)
{
    int via_upcall = U.lpWPUFDIsSet(s, (fd_set *)set);
    int via_export = __WSAFDIsSet(s, (fd_set *)set);
    ok(!via_upcall == !via_export, "WPUFDIsSet says %d, __WSAFDIsSet says %d for %#llx\n",
       via_upcall, via_export, wst_u64(s));
    return via_upcall;
}

/* Items 36-40. */
static void test_fd_is_set(void)
{
    fd_set64 set;
    fd_set big;
    int i;

    ok(sizeof(fd_set) == 8 + 128 * sizeof(SOCKET), "FD_SETSIZE 128: sizeof(fd_set) is %u\n",
       (unsigned)sizeof(fd_set));

    /* Item 36. */
    memset(&set, 0, sizeof(set));
    set.fd_array[0] = 0x100;
    set.fd_count = 0;
    ok(!is_set(0x100, &set), "empty set has a member\n");

    /* Item 37. */
    set.fd_count = 3;
    set.fd_array[0] = 0x100;
    set.fd_array[1] = 0x104;
    set.fd_array[2] = 0x108;
    ok(is_set(0x100, &set), "member at index 0 not found\n");
    ok(is_set(0x108, &set), "member at index fd_count-1 not found\n");
    ok(is_set(0x104, &set), "member at index 1 not found\n");
    ok(!is_set(0x10c, &set), "non-member found\n");
    ok(!is_set(0, &set), "0 found\n");

    /* Item 38. */
    set.fd_count = 2;
    ok(!is_set(0x108, &set), "value at index fd_count found\n");
    set.fd_array[63] = 0x200;
    ok(!is_set(0x200, &set), "value at index 63 beyond fd_count found\n");

    /* Item 39: an application built with a larger FD_SETSIZE. */
    memset(&big, 0, sizeof(big));
    for (i = 0; i < 100; i++)
        big.fd_array[i] = (SOCKET)(0x1000 + 4 * i);
    big.fd_count = 100;
    ok(is_set(0x1000 + 4 * 99, &big), "member at index 99 of a 100-entry set not found\n");
    ok(is_set(0x1000 + 4 * 64, &big), "member at index 64 not found\n");
    ok(!is_set(0x1000 + 4 * 100, &big), "non-member found in the big set\n");

    /* Item 40 (INF). */
    ok(U.lpWPUFDIsSet(0x100, NULL) == 0, "WPUFDIsSet(s, NULL) is non-zero\n");
    ok(__WSAFDIsSet(0x100, NULL) == 0, "__WSAFDIsSet(s, NULL) is non-zero\n");

    /* The winsock2.h macros build the counted array (§3.6). */
    FD_ZERO(&big);
    ok(big.fd_count == 0, "FD_ZERO left %u\n", (unsigned)big.fd_count);
    FD_SET(0x10, &big);
    FD_SET(0x20, &big);
    FD_SET(0x10, &big); /* already present: not appended again */
    FD_SET(0x30, &big);
    ok(big.fd_count == 3 && big.fd_array[0] == 0x10 && big.fd_array[1] == 0x20 &&
           big.fd_array[2] == 0x30,
       "FD_SET built %u entries\n", (unsigned)big.fd_count);
    ok(FD_ISSET(0x20, &big), "FD_ISSET misses a member\n");
    FD_CLR(0x10, &big);
    ok(big.fd_count == 2 && big.fd_array[0] == 0x20 && big.fd_array[1] == 0x30,
       "FD_CLR left %u entries: %#llx %#llx\n", (unsigned)big.fd_count, wst_u64(big.fd_array[0]),
       wst_u64(big.fd_array[1]));
    ok(!FD_ISSET(0x10, &big), "FD_ISSET finds a cleared member\n");
    for (i = 0; i < FD_SETSIZE + 10; i++)
        FD_SET((SOCKET)(0x4000 + 4 * i), &big);
    ok(big.fd_count == FD_SETSIZE, "FD_SET overflowed: %u entries\n", (unsigned)big.fd_count);
}

/* {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}: MSAFD TCP/IP, catalog entry 1001. */
static GUID base_ipv4 = {0xE70F1AA0, 0xAB8B, 0x11CF, {0x8C, 0xA3, 0x00, 0x80, 0x5F, 0x48, 0xA1, 0x92}};
/* {F9EAB0C0-26D4-11D0-BBBF-00AA006C34E4}: MSAFD TCP/IPv6. */
static GUID base_ipv6 = {0xF9EAB0C0, 0x26D4, 0x11D0, {0xBB, 0xBF, 0x00, 0xAA, 0x00, 0x6C, 0x34, 0xE4}};

static const WCHAR expected_path[] = L"%WS2EMU_LIBDIR%/libws2_base.so";

#define FILL 0xAAAA

static int untouched(const WCHAR *buffer, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (buffer[i] != FILL)
            return 0;
    return 1;
}

static void fill(WCHAR *buffer, size_t count)
{
    for (size_t i = 0; i < count; i++)
        buffer[i] = FILL;
}

/* Items 41-46. */
static void test_provider_path(void)
{
    const int length = (int)wst_wcslen(expected_path);
    WCHAR path[260];
    char text[300];
    GUID unknown = {0x12345678, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};
    int len, err, ret;

    /* Item 41. */
    fill(path, 260);
    len = 260;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&base_ipv4, path, &len, &err);
    ok(ret == 0, "WPUGetProviderPath returned %d, err %d\n", ret, err);
    ok(path[length] == 0, "the path is not NUL-terminated where expected\n");
    ok(wst_wcseq(path, expected_path), "path is \"%s\"\n", wst_wstr(path, text, sizeof(text)));
    /* Item 45 (INF, ReactOS): on success the length is wcslen. */
    ok(len == length, "length on success is %d, expected %d\n", len, length);
    ok(untouched(path + length + 1, 260 - length - 1), "wrote past the terminator\n");

    /* The IPv6 provider lives in the same library. */
    fill(path, 260);
    len = 260;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&base_ipv6, path, &len, &err);
    ok(ret == 0 && wst_wcseq(path, expected_path), "IPv6 provider: %d, err %d, \"%s\"\n", ret, err,
       wst_wstr(path, text, sizeof(text)));

    /* Item 42. */
    fill(path, 260);
    len = 260;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&unknown, path, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "unknown GUID: %d, err %d\n", ret, err);
    ok(untouched(path, 260), "unknown GUID: the buffer was written\n");
    ok(len == 260, "unknown GUID: the length became %d\n", len);

    /* Item 43. */
    len = 0;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&base_ipv4, NULL, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "NULL buffer: %d, err %d\n", ret, err);
    ok(len == length + 1, "NULL buffer: required length %d, expected %d\n", len, length + 1);

    /* Item 44. */
    fill(path, 260);
    len = length;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&base_ipv4, path, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "len = wcslen: %d, err %d\n", ret, err);
    ok(untouched(path, 260), "len = wcslen: the buffer was written\n");
    ok(len == length + 1, "len = wcslen: required length %d\n", len);

    /* §5.7: a length <= 0 with a real GUID is "too small". */
    len = -5;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&base_ipv4, path, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT && len == length + 1,
       "negative length: %d, err %d, len %d\n", ret, err, len);

    /* Item 45. */
    fill(path, 260);
    len = length + 1;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&base_ipv4, path, &len, &err);
    ok(ret == 0 && wst_wcseq(path, expected_path) && len == length,
       "len = wcslen + 1: %d, err %d, len %d, \"%s\"\n", ret, err, len,
       wst_wstr(path, text, sizeof(text)));
    ok(untouched(path + length + 1, 260 - length - 1), "len = wcslen + 1: wrote past the end\n");

    /* Item 46. */
    len = 260;
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(NULL, path, &len, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "NULL GUID: %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = U.lpWPUGetProviderPath(&base_ipv4, path, NULL, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "NULL length: %d, err %d\n", ret, err);
    ret = U.lpWPUGetProviderPath(&base_ipv4, path, NULL, NULL);
    ok(ret == SOCKET_ERROR, "NULL length, NULL errno: %d\n", ret);
    len = 0;
    ret = U.lpWPUGetProviderPath(&base_ipv4, NULL, &len, NULL);
    ok(ret == SOCKET_ERROR && len == length + 1, "NULL buffer, NULL errno: %d, len %d\n", ret, len);
}

/* Item 120: a Winsock 2.2 application has no blocking hook. */
static void test_blocking_callback(void)
{
    LPBLOCKINGCALLBACK callback;
    DWORD_PTR context;
    int err, ret;

    callback = (LPBLOCKINGCALLBACK)(ULONG_PTR)0x1234;
    context = 0x5678;
    err = WST_SENTINEL;
    ret = U.lpWPUQueryBlockingCallback(1001, &callback, &context, &err);
    ok(ret == 0, "WPUQueryBlockingCallback returned %d, err %d\n", ret, err);
    ok(callback == NULL && context == 0, "callback %#llx, context %#llx\n",
       wst_u64((ULONG_PTR)callback), wst_u64(context));

    /* Unknown catalog id. */
    err = WST_SENTINEL;
    ret = U.lpWPUQueryBlockingCallback(0xFFFFFFF0u, &callback, &context, &err);
    ok(ret == SOCKET_ERROR && err == WSAEINVAL, "unknown id: %d, err %d\n", ret, err);

    /* NULL out-pointers. */
    err = WST_SENTINEL;
    ret = U.lpWPUQueryBlockingCallback(1001, NULL, &context, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "NULL lplpfnCallback: %d, err %d\n", ret, err);
    err = WST_SENTINEL;
    ret = U.lpWPUQueryBlockingCallback(1001, &callback, NULL, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT, "NULL lpdwContext: %d, err %d\n", ret, err);
    ret = U.lpWPUQueryBlockingCallback(1001, NULL, NULL, NULL);
    ok(ret == SOCKET_ERROR, "all NULL: %d\n", ret);
    ret = U.lpWPUQueryBlockingCallback(1002, &callback, &context, NULL);
    ok(ret == 0 && callback == NULL, "NULL errno: %d\n", ret);
}

/* Checklist item 64 (the part that needs no provider): the table is the same every time. */
static void test_table_is_stable(void)
{
    WSPUPCALLTABLE again;
    int ret;
    memset(&again, 0, sizeof(again));
    ret = ws2emu_upcall_table(&again);
    ok(ret == 0 && memcmp(&again, &wst_upcalls, sizeof(again)) == 0,
       "a second ws2emu_upcall_table differs (%d)\n", ret);
    ok(sizeof(WSPUPCALLTABLE) == 15 * sizeof(void *), "sizeof(WSPUPCALLTABLE) is %u\n",
       (unsigned)sizeof(WSPUPCALLTABLE));
    ret = ws2emu_upcall_table(NULL);
    ok(ret == WSAEFAULT, "ws2emu_upcall_table(NULL) returned %d\n", ret);
}

int main(void)
{
    wst_start("upcall_misc");
    wst_startup();
    wst_load_upcalls();

    test_fd_is_set();
    test_provider_path();
    test_blocking_callback();
    test_table_is_stable();

    wst_cleanup();
    return wst_end();
}
