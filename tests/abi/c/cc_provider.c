/*
 * Calling-convention probe provider, compiled against shims/include as a shared library.
 *
 * Upcall direction: WSPStartup receives the upcall table BY VALUE and calls each of the 15 slots
 * once with sentinel arguments (S64/S32/SINT below, distinct per slot and parameter); the Rust
 * host records what arrives, and this file records what each upcall returned in
 * cc_upcall_returns[] for the host to check.
 *
 * Dispatch direction: WSPStartup fills all 30 WSPPROC_TABLE slots with recorders; the host calls
 * each slot with sentinels, and each recorder stores its slot number and every argument (widened
 * to 64 bits: pointers and unsigned values zero-extended, signed values sign-extended) and returns
 * a value that identifies the slot.
 */
#include <ws2spi.h>
#include <stdint.h>

#define S64(slot, arg) (0x5A5A000000000000ULL | ((unsigned long long)(slot) << 8) | (arg))
#define S32(slot, arg) (0xC3000000U | ((unsigned)(slot) << 8) | (unsigned)(arg))
#define SINT(slot, arg) (-(int)(1000 + (slot) * 16 + (arg)))
#define PTR(slot, arg) ((void *)(uintptr_t)S64(slot, arg))

#define EXPORT __declspec(dllexport)

EXPORT unsigned long long cc_upcall_returns[15];
EXPORT unsigned long long cc_startup_args[4];
EXPORT int cc_proc_slot = -1;
EXPORT unsigned long long cc_proc_args[12];
EXPORT int cc_proc_nargs;

#define P(j, v) (cc_proc_args[j] = (unsigned long long)(uintptr_t)(v))
#define U(j, v) (cc_proc_args[j] = (unsigned long long)(v))
#define I(j, v) (cc_proc_args[j] = (unsigned long long)(long long)(v))
#define ENTER(slot, n) (cc_proc_slot = (slot), cc_proc_nargs = (n))
/* Value each recorder returns: distinct per slot, so a call landing in the wrong slot shows. */
#define RET_INT(slot) (0x100 + (slot))
#define RET_SOCKET(slot) ((SOCKET)S64(slot, 15))

static SOCKET WSPAPI rec_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                LPCONDITIONPROC cond, DWORD_PTR data, LPINT err)
{
    ENTER(0, 6); U(0, s); P(1, addr); P(2, addrlen); P(3, cond); U(4, data); P(5, err);
    return RET_SOCKET(0);
}
static INT WSPAPI rec_address_to_string(LPSOCKADDR addr, DWORD len, LPWSAPROTOCOL_INFOW info,
                                        LPWSTR str, LPDWORD strlen, LPINT err)
{
    ENTER(1, 6); P(0, addr); U(1, len); P(2, info); P(3, str); P(4, strlen); P(5, err);
    return RET_INT(1);
}
static int WSPAPI rec_async_select(SOCKET s, HWND hwnd, unsigned int msg, LONG events, LPINT err)
{
    ENTER(2, 5); U(0, s); P(1, hwnd); U(2, msg); I(3, events); P(4, err);
    return RET_INT(2);
}
static int WSPAPI rec_bind(SOCKET s, const struct sockaddr *name, int len, LPINT err)
{
    ENTER(3, 4); U(0, s); P(1, name); I(2, len); P(3, err);
    return RET_INT(3);
}
static int WSPAPI rec_cancel_blocking_call(LPINT err)
{
    ENTER(4, 1); P(0, err);
    return RET_INT(4);
}
static int WSPAPI rec_cleanup(LPINT err)
{
    ENTER(5, 1); P(0, err);
    return RET_INT(5);
}
static int WSPAPI rec_close_socket(SOCKET s, LPINT err)
{
    ENTER(6, 2); U(0, s); P(1, err);
    return RET_INT(6);
}
static int WSPAPI rec_connect(SOCKET s, const struct sockaddr *name, int len, LPWSABUF caller,
                              LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT err)
{
    ENTER(7, 8); U(0, s); P(1, name); I(2, len); P(3, caller); P(4, callee); P(5, sqos);
    P(6, gqos); P(7, err);
    return RET_INT(7);
}
static int WSPAPI rec_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err)
{
    ENTER(8, 4); U(0, s); U(1, pid); P(2, info); P(3, err);
    return RET_INT(8);
}
static int WSPAPI rec_enum_network_events(SOCKET s, WSAEVENT ev, LPWSANETWORKEVENTS ne, LPINT err)
{
    ENTER(9, 4); U(0, s); P(1, ev); P(2, ne); P(3, err);
    return RET_INT(9);
}
static int WSPAPI rec_event_select(SOCKET s, WSAEVENT ev, LONG events, LPINT err)
{
    ENTER(10, 4); U(0, s); P(1, ev); I(2, events); P(3, err);
    return RET_INT(10);
}
static BOOL WSPAPI rec_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD cb, BOOL wait,
                                             LPDWORD flags, LPINT err)
{
    ENTER(11, 6); U(0, s); P(1, ov); P(2, cb); I(3, wait); P(4, flags); P(5, err);
    return RET_INT(11);
}
static int WSPAPI rec_get_peer_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err)
{
    ENTER(12, 4); U(0, s); P(1, name); P(2, len); P(3, err);
    return RET_INT(12);
}
static int WSPAPI rec_get_sock_name(SOCKET s, struct sockaddr *name, LPINT len, LPINT err)
{
    ENTER(13, 4); U(0, s); P(1, name); P(2, len); P(3, err);
    return RET_INT(13);
}
static int WSPAPI rec_get_sock_opt(SOCKET s, int level, int name, char *val, LPINT len, LPINT err)
{
    ENTER(14, 6); U(0, s); I(1, level); I(2, name); P(3, val); P(4, len); P(5, err);
    return RET_INT(14);
}
static BOOL WSPAPI rec_get_qos_by_name(SOCKET s, LPWSABUF name, LPQOS qos, LPINT err)
{
    ENTER(15, 4); U(0, s); P(1, name); P(2, qos); P(3, err);
    return RET_INT(15);
}
static int WSPAPI rec_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out, DWORD outlen,
                            LPDWORD ret, LPWSAOVERLAPPED ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                            LPINT err)
{
    ENTER(16, 11); U(0, s); U(1, code); P(2, in); U(3, inlen); P(4, out); U(5, outlen); P(6, ret);
    P(7, ov); P(8, routine); P(9, tid); P(10, err);
    return RET_INT(16);
}
static SOCKET WSPAPI rec_join_leaf(SOCKET s, const struct sockaddr *name, int len, LPWSABUF caller,
                                   LPWSABUF callee, LPQOS sqos, LPQOS gqos, DWORD flags, LPINT err)
{
    ENTER(17, 9); U(0, s); P(1, name); I(2, len); P(3, caller); P(4, callee); P(5, sqos);
    P(6, gqos); U(7, flags); P(8, err);
    return RET_SOCKET(17);
}
static int WSPAPI rec_listen(SOCKET s, int backlog, LPINT err)
{
    ENTER(18, 3); U(0, s); I(1, backlog); P(2, err);
    return RET_INT(18);
}
static int WSPAPI rec_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received, LPDWORD flags,
                           LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                           LPWSATHREADID tid, LPINT err)
{
    ENTER(19, 9); U(0, s); P(1, bufs); U(2, count); P(3, received); P(4, flags); P(5, ov);
    P(6, routine); P(7, tid); P(8, err);
    return RET_INT(19);
}
static int WSPAPI rec_recv_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    ENTER(20, 3); U(0, s); P(1, data); P(2, err);
    return RET_INT(20);
}
static int WSPAPI rec_recv_from(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received,
                                LPDWORD flags, struct sockaddr *from, LPINT fromlen,
                                LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                                LPWSATHREADID tid, LPINT err)
{
    ENTER(21, 11); U(0, s); P(1, bufs); U(2, count); P(3, received); P(4, flags); P(5, from);
    P(6, fromlen); P(7, ov); P(8, routine); P(9, tid); P(10, err);
    return RET_INT(21);
}
static int WSPAPI rec_select(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timeval *t,
                             LPINT err)
{
    ENTER(22, 6); I(0, nfds); P(1, r); P(2, w); P(3, e); P(4, t); P(5, err);
    return RET_INT(22);
}
static int WSPAPI rec_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                           LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                           LPWSATHREADID tid, LPINT err)
{
    ENTER(23, 9); U(0, s); P(1, bufs); U(2, count); P(3, sent); U(4, flags); P(5, ov);
    P(6, routine); P(7, tid); P(8, err);
    return RET_INT(23);
}
static int WSPAPI rec_send_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    ENTER(24, 3); U(0, s); P(1, data); P(2, err);
    return RET_INT(24);
}
static int WSPAPI rec_send_to(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                              const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID tid,
                              LPINT err)
{
    ENTER(25, 11); U(0, s); P(1, bufs); U(2, count); P(3, sent); U(4, flags); P(5, to);
    I(6, tolen); P(7, ov); P(8, routine); P(9, tid); P(10, err);
    return RET_INT(25);
}
static int WSPAPI rec_set_sock_opt(SOCKET s, int level, int name, const char *val, int len,
                                   LPINT err)
{
    ENTER(26, 6); U(0, s); I(1, level); I(2, name); P(3, val); I(4, len); P(5, err);
    return RET_INT(26);
}
static int WSPAPI rec_shutdown(SOCKET s, int how, LPINT err)
{
    ENTER(27, 3); U(0, s); I(1, how); P(2, err);
    return RET_INT(27);
}
static SOCKET WSPAPI rec_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                                DWORD flags, LPINT err)
{
    ENTER(28, 7); I(0, af); I(1, type); I(2, protocol); P(3, info); U(4, g); U(5, flags);
    P(6, err);
    return RET_SOCKET(28);
}
static INT WSPAPI rec_string_to_address(LPWSTR str, INT af, LPWSAPROTOCOL_INFOW info,
                                        LPSOCKADDR addr, LPINT len, LPINT err)
{
    ENTER(29, 6); P(0, str); I(1, af); P(2, info); P(3, addr); P(4, len); P(5, err);
    return RET_INT(29);
}

/* Calls every upcall slot once with sentinels; returns 0 or the first slot found NULL + 1. */
static int call_every_upcall(WSPUPCALLTABLE t)
{
    unsigned long long *r = cc_upcall_returns;
    if (!t.lpWPUCloseEvent || !t.lpWPUCloseSocketHandle || !t.lpWPUCreateEvent ||
        !t.lpWPUCreateSocketHandle || !t.lpWPUFDIsSet || !t.lpWPUGetProviderPath ||
        !t.lpWPUModifyIFSHandle || !t.lpWPUPostMessage || !t.lpWPUQueryBlockingCallback ||
        !t.lpWPUQuerySocketHandleContext || !t.lpWPUQueueApc || !t.lpWPUResetEvent ||
        !t.lpWPUSetEvent || !t.lpWPUOpenCurrentThread || !t.lpWPUCloseThread)
        return WSAEINVALIDPROCTABLE;
    r[0] = (unsigned long long)(long long)t.lpWPUCloseEvent((WSAEVENT)PTR(0, 0), (LPINT)PTR(0, 1));
    r[1] = (unsigned long long)(long long)t.lpWPUCloseSocketHandle((SOCKET)S64(1, 0), (LPINT)PTR(1, 1));
    r[2] = (unsigned long long)(uintptr_t)t.lpWPUCreateEvent((LPINT)PTR(2, 0));
    r[3] = (unsigned long long)t.lpWPUCreateSocketHandle(S32(3, 0), (DWORD_PTR)S64(3, 1), (LPINT)PTR(3, 2));
    r[4] = (unsigned long long)(long long)t.lpWPUFDIsSet((SOCKET)S64(4, 0), (fd_set *)PTR(4, 1));
    r[5] = (unsigned long long)(long long)t.lpWPUGetProviderPath((LPGUID)PTR(5, 0), (WCHAR *)PTR(5, 1),
                                                                 (LPINT)PTR(5, 2), (LPINT)PTR(5, 3));
    r[6] = (unsigned long long)t.lpWPUModifyIFSHandle(S32(6, 0), (SOCKET)S64(6, 1), (LPINT)PTR(6, 2));
    r[7] = (unsigned long long)(long long)t.lpWPUPostMessage((HWND)PTR(7, 0), S32(7, 1),
                                                             (WPARAM)S64(7, 2), (LPARAM)S64(7, 3));
    r[8] = (unsigned long long)(long long)t.lpWPUQueryBlockingCallback(
        S32(8, 0), (LPBLOCKINGCALLBACK *)PTR(8, 1), (PDWORD_PTR)PTR(8, 2), (LPINT)PTR(8, 3));
    r[9] = (unsigned long long)(long long)t.lpWPUQuerySocketHandleContext(
        (SOCKET)S64(9, 0), (PDWORD_PTR)PTR(9, 1), (LPINT)PTR(9, 2));
    r[10] = (unsigned long long)(long long)t.lpWPUQueueApc((LPWSATHREADID)PTR(10, 0), (LPWSAUSERAPC)PTR(10, 1),
                                                           (DWORD_PTR)S64(10, 2), (LPINT)PTR(10, 3));
    r[11] = (unsigned long long)(long long)t.lpWPUResetEvent((WSAEVENT)PTR(11, 0), (LPINT)PTR(11, 1));
    r[12] = (unsigned long long)(long long)t.lpWPUSetEvent((WSAEVENT)PTR(12, 0), (LPINT)PTR(12, 1));
    r[13] = (unsigned long long)(long long)t.lpWPUOpenCurrentThread((LPWSATHREADID)PTR(13, 0), (LPINT)PTR(13, 1));
    r[14] = (unsigned long long)(long long)t.lpWPUCloseThread((LPWSATHREADID)PTR(14, 0), (LPINT)PTR(14, 1));
    return 0;
}

EXPORT int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                             LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                             LPWSPPROC_TABLE lpProcTable)
{
    static const char description[] = "ws2emu calling-convention probe";
    unsigned i;
    int rc;

    cc_startup_args[0] = wVersionRequested;
    cc_startup_args[1] = (unsigned long long)(uintptr_t)lpWSPData;
    cc_startup_args[2] = (unsigned long long)(uintptr_t)lpProtocolInfo;
    cc_startup_args[3] = (unsigned long long)(uintptr_t)lpProcTable;
    if (lpWSPData == NULL || lpProcTable == NULL)
        return WSAEFAULT;

    rc = call_every_upcall(UpcallTable);
    if (rc != 0)
        return rc;

    lpWSPData->wVersion = MAKEWORD(2, 2);
    lpWSPData->wHighVersion = MAKEWORD(2, 2);
    for (i = 0; i < sizeof description; i++)
        lpWSPData->szDescription[i] = (WCHAR)description[i];

    lpProcTable->lpWSPAccept = rec_accept;
    lpProcTable->lpWSPAddressToString = rec_address_to_string;
    lpProcTable->lpWSPAsyncSelect = rec_async_select;
    lpProcTable->lpWSPBind = rec_bind;
    lpProcTable->lpWSPCancelBlockingCall = rec_cancel_blocking_call;
    lpProcTable->lpWSPCleanup = rec_cleanup;
    lpProcTable->lpWSPCloseSocket = rec_close_socket;
    lpProcTable->lpWSPConnect = rec_connect;
    lpProcTable->lpWSPDuplicateSocket = rec_duplicate_socket;
    lpProcTable->lpWSPEnumNetworkEvents = rec_enum_network_events;
    lpProcTable->lpWSPEventSelect = rec_event_select;
    lpProcTable->lpWSPGetOverlappedResult = rec_get_overlapped_result;
    lpProcTable->lpWSPGetPeerName = rec_get_peer_name;
    lpProcTable->lpWSPGetSockName = rec_get_sock_name;
    lpProcTable->lpWSPGetSockOpt = rec_get_sock_opt;
    lpProcTable->lpWSPGetQOSByName = rec_get_qos_by_name;
    lpProcTable->lpWSPIoctl = rec_ioctl;
    lpProcTable->lpWSPJoinLeaf = rec_join_leaf;
    lpProcTable->lpWSPListen = rec_listen;
    lpProcTable->lpWSPRecv = rec_recv;
    lpProcTable->lpWSPRecvDisconnect = rec_recv_disconnect;
    lpProcTable->lpWSPRecvFrom = rec_recv_from;
    lpProcTable->lpWSPSelect = rec_select;
    lpProcTable->lpWSPSend = rec_send;
    lpProcTable->lpWSPSendDisconnect = rec_send_disconnect;
    lpProcTable->lpWSPSendTo = rec_send_to;
    lpProcTable->lpWSPSetSockOpt = rec_set_sock_opt;
    lpProcTable->lpWSPShutdown = rec_shutdown;
    lpProcTable->lpWSPSocket = rec_socket;
    lpProcTable->lpWSPStringToAddress = rec_string_to_address;
    return 0;
}
