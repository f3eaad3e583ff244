/*
 * A deliberately misbehaving non-IFS provider for the provider verifier
 * (crates/ws2-loader/tests/loader_verifier.rs). Each slot commits one misuse:
 *   WSPSocket      leaks an event and a thread id (still open at WSPCleanup)
 *   WSPBind        fails without setting *lpErrno
 *   WSPSend        completes one overlapped request twice
 *   WSPRecv        completes a request on an IFS handle
 *   WSPShutdown    queues an APC to a WSATHREADID it already closed
 *   WSPCloseSocket closes its handle twice and queries its context after the close
 * Built with -DKEEP_POINTER, WSPStartup keeps &UpcallTable instead of copying the table and
 * every upcall goes through that pointer.
 * Built with -DUNREGISTERED_IFS, WSPSocket instead returns a descriptor it never registered
 * with WPUModifyIFSHandle (its catalog entry says XP1_IFS_HANDLES).
 */
#include <ws2spi.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdint.h>

#define EXPORT __declspec(dllexport)

static WSPUPCALLTABLE upcalls;
#ifdef KEEP_POINTER
static WSPUPCALLTABLE *kept;
#define UP kept
#else
#define UP (&upcalls)
#endif
static DWORD own_entry; /* the catalog id WSPStartup was given */

typedef void (*any_function)(void);
static void stub_slot(void) {}

static SOCKET WSPAPI m_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g,
                              DWORD flags, LPINT err)
{
    (void)af; (void)type; (void)protocol; (void)g; (void)flags;
#ifdef UNREGISTERED_IFS
    (void)info; (void)err;
    return (SOCKET)open("/dev/null", O_RDONLY | O_CLOEXEC);
#else
    WSATHREADID leaked_thread;
    UP->lpWPUCreateEvent(err);
    UP->lpWPUOpenCurrentThread(&leaked_thread, err);
    return UP->lpWPUCreateSocketHandle(info->dwCatalogEntryId, 0xC0FFEE, err);
#endif
}

static int WSPAPI m_bind(SOCKET s, const struct sockaddr *name, int len, LPINT err)
{
    (void)s; (void)name; (void)len; (void)err;
    return SOCKET_ERROR; /* and no *lpErrno */
}

static int WSPAPI m_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                         LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                         LPWSATHREADID tid, LPINT err)
{
    (void)bufs; (void)count; (void)flags; (void)routine; (void)tid;
    ov->Internal = WSS_OPERATION_IN_PROGRESS;
    *sent = 0;
    if (WPUCompleteOverlappedRequest(s, ov, 0, 0, err) != 0)
        return SOCKET_ERROR;
    /* The misuse: the same request once more. */
    return WPUCompleteOverlappedRequest(s, ov, 0, 0, err);
}

static int WSPAPI m_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received, LPDWORD flags,
                         LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                         LPWSATHREADID tid, LPINT err)
{
    (void)s; (void)bufs; (void)count; (void)flags; (void)routine; (void)tid;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    SOCKET ifs = UP->lpWPUModifyIFSHandle(own_entry, (SOCKET)fd, err);
    *received = 0;
    ov->Internal = WSS_OPERATION_IN_PROGRESS;
    /* The misuse: WPUCompleteOverlappedRequest on an IFS handle (WSAEINVAL). */
    int r = WPUCompleteOverlappedRequest(ifs, ov, 0, 0, err);
    return r;
}

static int WSPAPI m_shutdown(SOCKET s, int how, LPINT err)
{
    WSATHREADID id, copy;
    (void)s; (void)how;
    if (UP->lpWPUOpenCurrentThread(&id, err) != 0)
        return SOCKET_ERROR;
    copy = id;
    UP->lpWPUCloseThread(&id, err);
    /* The misuse: an APC to the identity just closed. */
    return UP->lpWPUQueueApc(&copy, (LPWSAUSERAPC)(void *)stub_slot, 0, err);
}

static int WSPAPI m_close(SOCKET s, LPINT err)
{
    DWORD_PTR context;
    if (UP->lpWPUCloseSocketHandle(s, err) != 0)
        return SOCKET_ERROR;
    /* The misuses: use after close, then close again. */
    UP->lpWPUQuerySocketHandleContext(s, &context, err);
    UP->lpWPUCloseSocketHandle(s, err);
    return 0;
}

static int WSPAPI m_cleanup(LPINT err)
{
    (void)err;
    return 0;
}

EXPORT int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                             WSPUPCALLTABLE table, LPWSPPROC_TABLE procs)
{
    any_function stub = stub_slot;
    (void)version;
    own_entry = info->dwCatalogEntryId;
    upcalls = table;
#ifdef KEEP_POINTER
    {
        /* The misuse: keep the address of the by-value argument (laundered so that gcc's
         * -Wdangling-pointer does not see it). */
        volatile uintptr_t address = (uintptr_t)&table;
        kept = (WSPUPCALLTABLE *)address;
    }
#endif
    data->wVersion = data->wHighVersion = MAKEWORD(2, 2);
    for (size_t i = 0; i < sizeof(*procs) / sizeof(stub); i++)
        memcpy((char *)procs + i * sizeof(stub), &stub, sizeof(stub));
    procs->lpWSPSocket = m_socket;
    procs->lpWSPBind = m_bind;
    procs->lpWSPSend = m_send;
    procs->lpWSPRecv = m_recv;
    procs->lpWSPShutdown = m_shutdown;
    procs->lpWSPCloseSocket = m_close;
    procs->lpWSPCleanup = m_cleanup;
    return 0;
}
