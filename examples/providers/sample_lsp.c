/*
 * sample_lsp.c - a non-IFS layered service provider (LSP) for TCP, written as ordinary Windows
 * provider code. It sits on top of the next provider of its protocol chain and passes every call
 * down, using each WPU upcall for what it is for:
 *
 *   WPUGetProviderPath            find the next layer's DLL (then LoadLibraryW + GetProcAddress)
 *   WPUCreateSocketHandle         give the application a handle of our own, carrying our context
 *   WPUQuerySocketHandleContext   get back to that context on every call
 *   WPUCloseSocketHandle          release the handle in closesocket
 *   WPUOpenCurrentThread/Close    our worker thread's identity, for the lower overlapped calls
 *   WPUQueueApc                   hand requests to the worker; run completion routines in the
 *                                 application's thread (a copied WSATHREADID)
 *   WPUCompleteOverlappedRequest  complete event / completion-port requests (a ws2_32 export,
 *                                 not in the upcall table)
 *   WPUPostMessage                WSAAsyncSelect: post the application's message
 *   WPUFDIsSet                    WSPSelect: read the lower layer's result sets
 *   WPUCreateEvent/Set/Reset/Close  internal events (worker and watcher control)
 *   WPUQueryBlockingCallback      give a Winsock 1.1 blocking hook its turn before we block
 *
 * The per-socket context counts the bytes sent and received; an application reads them with
 * getsockopt(s, SAMPLE_LSP_LEVEL, SAMPLE_LSP_BYTES, ...) (two ULONGLONGs: sent, received).
 *
 * Simplifications (this is an example): one lower layer, TCP only, overlapped I/O for
 * WSPSend/WSPRecv only (WSPSendTo/WSPRecvFrom/WSPIoctl are passed down synchronously).
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <windows.h>
#include <string.h>

#define SAMPLE_LSP_LEVEL 0x5350 /* a private getsockopt level ("SP") */
#define SAMPLE_LSP_BYTES 1
#define MAX_BUFS 16 /* WSABUFs per overlapped request this sample accepts */

/* ---- state shared by all sockets ----------------------------------------------------------- */

static WSPUPCALLTABLE upcalls;      /* our own copy: the caller's table is a by-value argument */
static WSPPROC_TABLE lower;         /* the next layer's entry points */
static WSAPROTOCOL_INFOW lower_info; /* the next layer's catalog entry */
static HMODULE lower_module;
static LONG startups;               /* WSPStartup calls not yet balanced by WSPCleanup */
static CRITICAL_SECTION lock;       /* guards the worker's start */

/* The worker thread issues the lower overlapped requests and receives their completions. */
static HANDLE worker;
static WSATHREADID worker_id;       /* from WPUOpenCurrentThread, in the worker */
static WSAEVENT worker_ready, worker_stop;

/* ---- per-socket context -------------------------------------------------------------------- */

typedef struct SOCKET_CONTEXT {
    SOCKET self;               /* the handle the application sees (ours) */
    SOCKET lower;              /* the lower layer's handle */
    DWORD catalog_id;          /* our entry, for handles of accepted sockets */
    BOOL nonblocking;
    volatile LONG64 sent, received;
    volatile LONG pending;     /* overlapped requests not yet completed */
    WSAEVENT idle;             /* set while pending == 0; closesocket waits for it */
    /* WSAAsyncSelect proxy: a watcher thread turns lower network events into messages. */
    HWND hwnd;
    UINT msg;
    LONG events;
    WSAEVENT net_event, watcher_stop;
    HANDLE watcher;
} SOCKET_CONTEXT;

/* An overlapped request on its way through the worker. */
typedef struct REQUEST {
    WSAOVERLAPPED lower_ov;    /* first member: the lower completion hands us this pointer */
    SOCKET_CONTEXT *ctx;
    BOOL is_send;
    WSABUF bufs[MAX_BUFS];     /* copied: the caller's array is transient */
    DWORD count, flags, bytes, error;
    LPWSAOVERLAPPED app_ov;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE app_routine;
    WSATHREADID app_thread;    /* copied: the caller's identity is only valid during the call */
} REQUEST;

static SOCKET_CONTEXT *context_of(SOCKET s, LPINT err)
{
    DWORD_PTR value = 0;
    if (upcalls.lpWPUQuerySocketHandleContext(s, &value, err) == SOCKET_ERROR)
        return NULL; /* *err is WSAENOTSOCK: not one of our handles */
    return (SOCKET_CONTEXT *)value;
}

/* A Winsock 1.1 application may have a blocking hook; it runs before we block, and a FALSE
 * answer means WSACancelBlockingCall was called. Winsock 2 applications have none. */
static BOOL blocking_allowed(SOCKET_CONTEXT *ctx, LPINT err)
{
    LPBLOCKINGCALLBACK callback = NULL;
    DWORD_PTR context = 0;
    if (ctx->nonblocking)
        return TRUE;
    if (upcalls.lpWPUQueryBlockingCallback(ctx->catalog_id, &callback, &context, err) != 0)
        return FALSE;
    if (callback != NULL && !callback(context)) {
        *err = WSAEINTR;
        return FALSE;
    }
    return TRUE;
}

static SOCKET_CONTEXT *new_context(SOCKET lower_socket, DWORD catalog_id, LPINT err)
{
    SOCKET_CONTEXT *ctx = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*ctx));
    if (ctx == NULL) {
        *err = WSAENOBUFS;
        return NULL;
    }
    ctx->lower = lower_socket;
    ctx->catalog_id = catalog_id;
    ctx->idle = upcalls.lpWPUCreateEvent(err);
    if (ctx->idle == WSA_INVALID_EVENT) {
        HeapFree(GetProcessHeap(), 0, ctx);
        return NULL;
    }
    upcalls.lpWPUSetEvent(ctx->idle, err); /* no requests yet */
    ctx->self = upcalls.lpWPUCreateSocketHandle(catalog_id, (DWORD_PTR)ctx, err);
    if (ctx->self == INVALID_SOCKET) {
        upcalls.lpWPUCloseEvent(ctx->idle, err);
        HeapFree(GetProcessHeap(), 0, ctx);
        return NULL;
    }
    return ctx;
}

static void free_context(SOCKET_CONTEXT *ctx)
{
    int err;
    upcalls.lpWPUCloseEvent(ctx->idle, &err);
    HeapFree(GetProcessHeap(), 0, ctx);
}

/* ---- WSAAsyncSelect: a watcher thread per socket -------------------------------------------- */

static DWORD WINAPI watch_network_events(LPVOID param)
{
    SOCKET_CONTEXT *ctx = param;
    HANDLE wait[2] = {ctx->watcher_stop, ctx->net_event};
    int err;
    while (WaitForMultipleObjects(2, wait, FALSE, INFINITE) == WAIT_OBJECT_0 + 1) {
        WSANETWORKEVENTS events;
        /* Also resets net_event. The lower layer re-enables each event as Windows does. */
        if (lower.lpWSPEnumNetworkEvents(ctx->lower, ctx->net_event, &events, &err) != 0)
            break;
        for (int bit = 0; bit < FD_MAX_EVENTS; bit++)
            if (events.lNetworkEvents & (1L << bit))
                upcalls.lpWPUPostMessage(ctx->hwnd, ctx->msg, (WPARAM)ctx->self,
                                         WSAMAKESELECTREPLY(1L << bit, events.iErrorCode[bit]));
    }
    return 0;
}

/* Stops the watcher and the lower selection, if any. */
static void stop_watcher(SOCKET_CONTEXT *ctx)
{
    int err;
    if (ctx->watcher == NULL)
        return;
    upcalls.lpWPUSetEvent(ctx->watcher_stop, &err);
    WaitForSingleObject(ctx->watcher, INFINITE);
    CloseHandle(ctx->watcher);
    ctx->watcher = NULL;
    upcalls.lpWPUCloseEvent(ctx->net_event, &err);
    upcalls.lpWPUCloseEvent(ctx->watcher_stop, &err);
}

static int WSPAPI sample_async_select(SOCKET s, HWND hwnd, unsigned int msg, LONG events,
                                      LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    int ignored;
    if (ctx == NULL)
        return SOCKET_ERROR;
    stop_watcher(ctx); /* a new call replaces the previous selection */
    ctx->nonblocking = TRUE;
    if (events == 0)
        return lower.lpWSPEventSelect(ctx->lower, NULL, 0, err);
    ctx->hwnd = hwnd;
    ctx->msg = msg;
    ctx->events = events;
    ctx->net_event = upcalls.lpWPUCreateEvent(err);
    ctx->watcher_stop = upcalls.lpWPUCreateEvent(err);
    if (ctx->net_event != WSA_INVALID_EVENT && ctx->watcher_stop != WSA_INVALID_EVENT) {
        /* WPUCreateEvent returns a manual-reset event that is not signalled; the watcher runs
         * until watcher_stop is set, so make sure it starts out reset. */
        upcalls.lpWPUResetEvent(ctx->watcher_stop, err);
        if (lower.lpWSPEventSelect(ctx->lower, ctx->net_event, events, err) == 0) {
            ctx->watcher = CreateThread(NULL, 0, watch_network_events, ctx, 0, NULL);
            if (ctx->watcher != NULL)
                return 0;
            *err = WSAENOBUFS;
        }
    }
    /* Failed: release what was made. */
    if (ctx->net_event != WSA_INVALID_EVENT)
        upcalls.lpWPUCloseEvent(ctx->net_event, &ignored);
    if (ctx->watcher_stop != WSA_INVALID_EVENT)
        upcalls.lpWPUCloseEvent(ctx->watcher_stop, &ignored);
    return SOCKET_ERROR;
}

static int WSPAPI sample_event_select(SOCKET s, WSAEVENT event, LONG events, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    stop_watcher(ctx); /* replaces a WSAAsyncSelect */
    ctx->nonblocking = TRUE;
    return lower.lpWSPEventSelect(ctx->lower, event, events, err);
}

static int WSPAPI sample_enum_network_events(SOCKET s, WSAEVENT event,
                                             LPWSANETWORKEVENTS events, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    return ctx ? lower.lpWSPEnumNetworkEvents(ctx->lower, event, events, err) : SOCKET_ERROR;
}

/* ---- overlapped requests: the worker thread ------------------------------------------------ */

/* Runs in the application's thread (queued with WPUQueueApc to its copied WSATHREADID). */
static void CALLBACK run_completion_routine(DWORD_PTR context)
{
    REQUEST *req = (REQUEST *)context;
    req->app_routine(req->error, req->bytes, req->app_ov, req->flags);
    HeapFree(GetProcessHeap(), 0, req);
}

/* The lower layer's completion routine; runs in the worker (it issued the request). */
static void CALLBACK lower_done(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    REQUEST *req = (REQUEST *)ov;
    SOCKET_CONTEXT *ctx = req->ctx;
    int err;
    InterlockedAdd64(req->is_send ? &ctx->sent : &ctx->received, (LONG64)bytes);
    req->error = error;
    req->bytes = bytes;
    req->flags = flags;
    /* What WSPGetOverlappedResult reads (spec 6.2 step 4). */
    req->app_ov->Offset = flags;
    req->app_ov->OffsetHigh = error;
    if (req->app_routine != NULL) {
        /* No WPUCompleteOverlappedRequest for routine requests, so mark the request done
         * ourselves: bytes first, then a status that is not WSS_OPERATION_IN_PROGRESS
         * (0 = STATUS_SUCCESS, 0xC0000001 = STATUS_UNSUCCESSFUL; the WSA code is in OffsetHigh). */
        req->app_ov->InternalHigh = bytes;
        req->app_ov->Internal = error ? (ULONG_PTR)0xC0000001UL : 0;
        if (upcalls.lpWPUQueueApc(&req->app_thread, run_completion_routine, (DWORD_PTR)req, &err) != 0)
            HeapFree(GetProcessHeap(), 0, req); /* the thread has exited: nobody to tell */
    } else {
        WPUCompleteOverlappedRequest(ctx->self, req->app_ov, error, bytes, &err);
        HeapFree(GetProcessHeap(), 0, req);
    }
    if (InterlockedDecrement(&ctx->pending) == 0)
        upcalls.lpWPUSetEvent(ctx->idle, &err); /* closesocket may be waiting */
}

/* Queued to the worker: issues the lower request from the worker's own thread, so the lower
 * layer's completion routine runs there (for an IFS lower layer, Windows queues it to the
 * issuing thread, which is also the thread named by worker_id). */
static void CALLBACK start_request(DWORD_PTR context)
{
    REQUEST *req = (REQUEST *)context;
    DWORD bytes = 0, flags = req->flags;
    int err = 0, result;
    if (req->is_send)
        result = lower.lpWSPSend(req->ctx->lower, req->bufs, req->count, &bytes, flags,
                                 &req->lower_ov, lower_done, &worker_id, &err);
    else
        result = lower.lpWSPRecv(req->ctx->lower, req->bufs, req->count, &bytes, &flags,
                                 &req->lower_ov, lower_done, &worker_id, &err);
    /* Success and WSA_IO_PENDING are both announced through lower_done; any other error is not. */
    if (result != 0 && err != WSA_IO_PENDING)
        lower_done((DWORD)err, 0, &req->lower_ov, 0);
}

static DWORD WINAPI worker_main(LPVOID unused)
{
    int err;
    (void)unused;
    if (upcalls.lpWPUOpenCurrentThread(&worker_id, &err) != 0)
        return 1;
    upcalls.lpWPUSetEvent(worker_ready, &err);
    /* Alertable: start_request and lower_done arrive as APCs. */
    while (WaitForSingleObjectEx(worker_stop, INFINITE, TRUE) != WAIT_OBJECT_0)
        ;
    upcalls.lpWPUCloseThread(&worker_id, &err);
    return 0;
}

static BOOL start_worker(LPINT err)
{
    BOOL ok = TRUE;
    EnterCriticalSection(&lock);
    if (worker == NULL) {
        worker_ready = upcalls.lpWPUCreateEvent(err);
        worker_stop = upcalls.lpWPUCreateEvent(err);
        worker = CreateThread(NULL, 0, worker_main, NULL, 0, NULL);
        /* Requests are queued to worker_id, so wait until the worker has opened it. */
        ok = worker != NULL && WaitForSingleObject(worker_ready, INFINITE) == WAIT_OBJECT_0;
        if (!ok)
            *err = WSAENOBUFS;
    }
    LeaveCriticalSection(&lock);
    return ok;
}

static void stop_worker(void)
{
    int err;
    if (worker == NULL)
        return;
    upcalls.lpWPUSetEvent(worker_stop, &err);
    WaitForSingleObject(worker, INFINITE);
    CloseHandle(worker);
    worker = NULL;
    upcalls.lpWPUCloseEvent(worker_stop, &err);
    upcalls.lpWPUCloseEvent(worker_ready, &err);
}

/* Starts an overlapped send or receive (spec 6.2); always pending, completed by lower_done. */
static int start_overlapped(SOCKET_CONTEXT *ctx, BOOL is_send, LPWSABUF bufs, DWORD count,
                            DWORD flags, LPWSAOVERLAPPED ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                            LPINT err)
{
    REQUEST *req;
    if (count == 0 || count > MAX_BUFS) {
        *err = count == 0 ? WSAEINVAL : WSAENOBUFS;
        return SOCKET_ERROR;
    }
    if (routine != NULL && thread == NULL) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (!start_worker(err))
        return SOCKET_ERROR;
    req = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*req));
    if (req == NULL) {
        *err = WSAENOBUFS;
        return SOCKET_ERROR;
    }
    req->ctx = ctx;
    req->is_send = is_send;
    memcpy(req->bufs, bufs, count * sizeof(WSABUF));
    req->count = count;
    req->flags = flags;
    req->app_ov = ov;
    req->app_routine = routine;
    if (routine != NULL)
        req->app_thread = *thread;
    ov->Internal = WSS_OPERATION_IN_PROGRESS;
    if (InterlockedIncrement(&ctx->pending) == 1)
        upcalls.lpWPUResetEvent(ctx->idle, err);
    if (upcalls.lpWPUQueueApc(&worker_id, start_request, (DWORD_PTR)req, err) != 0) {
        if (InterlockedDecrement(&ctx->pending) == 0)
            upcalls.lpWPUSetEvent(ctx->idle, err);
        HeapFree(GetProcessHeap(), 0, req);
        return SOCKET_ERROR;
    }
    *err = WSA_IO_PENDING;
    return SOCKET_ERROR;
}

static BOOL WSPAPI sample_get_overlapped_result(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD bytes,
                                                BOOL wait, LPDWORD flags, LPINT err)
{
    if (context_of(s, err) == NULL)
        return FALSE;
    if (ov->Internal == WSS_OPERATION_IN_PROGRESS) {
        if (!wait) {
            *err = WSA_IO_INCOMPLETE;
            return FALSE;
        }
        if (WaitForSingleObject(ov->hEvent, INFINITE) != WAIT_OBJECT_0) {
            *err = WSA_INVALID_HANDLE;
            return FALSE;
        }
    }
    *flags = ov->Offset;
    if (ov->OffsetHigh != 0) {
        *err = (int)ov->OffsetHigh;
        return FALSE;
    }
    *bytes = (DWORD)ov->InternalHigh;
    return TRUE;
}

/* ---- data transfer ------------------------------------------------------------------------- */

static int WSPAPI sample_send(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                              LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                              LPWSATHREADID thread, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    if (ov != NULL)
        return start_overlapped(ctx, TRUE, bufs, count, flags, ov, routine, thread, err);
    if (!blocking_allowed(ctx, err))
        return SOCKET_ERROR;
    if (lower.lpWSPSend(ctx->lower, bufs, count, sent, flags, NULL, NULL, thread, err) != 0)
        return SOCKET_ERROR;
    InterlockedAdd64(&ctx->sent, (LONG64)*sent);
    return 0;
}

static int WSPAPI sample_recv(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received,
                              LPDWORD flags, LPWSAOVERLAPPED ov,
                              LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                              LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    if (flags == NULL) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (ov != NULL)
        return start_overlapped(ctx, FALSE, bufs, count, *flags, ov, routine, thread, err);
    if (!blocking_allowed(ctx, err))
        return SOCKET_ERROR;
    if (lower.lpWSPRecv(ctx->lower, bufs, count, received, flags, NULL, NULL, thread, err) != 0)
        return SOCKET_ERROR;
    InterlockedAdd64(&ctx->received, (LONG64)*received);
    return 0;
}

static int WSPAPI sample_send_to(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD sent, DWORD flags,
                                 const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov,
                                 LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                                 LPWSATHREADID thread, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    if (ov != NULL) { /* not in this sample */
        *err = WSAEOPNOTSUPP;
        return SOCKET_ERROR;
    }
    if (!blocking_allowed(ctx, err) ||
        lower.lpWSPSendTo(ctx->lower, bufs, count, sent, flags, to, tolen, NULL, routine, thread,
                          err) != 0)
        return SOCKET_ERROR;
    InterlockedAdd64(&ctx->sent, (LONG64)*sent);
    return 0;
}

static int WSPAPI sample_recv_from(SOCKET s, LPWSABUF bufs, DWORD count, LPDWORD received,
                                   LPDWORD flags, struct sockaddr *from, LPINT fromlen,
                                   LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                                   LPWSATHREADID thread, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    if (ov != NULL) { /* not in this sample */
        *err = WSAEOPNOTSUPP;
        return SOCKET_ERROR;
    }
    if (!blocking_allowed(ctx, err) ||
        lower.lpWSPRecvFrom(ctx->lower, bufs, count, received, flags, from, fromlen, NULL, routine,
                            thread, err) != 0)
        return SOCKET_ERROR;
    InterlockedAdd64(&ctx->received, (LONG64)*received);
    return 0;
}

/* ---- select: application handles in, lower handles down, and back ------------------------- */

/* Replaces our handles in `set` by lower handles (into `down`). */
static BOOL map_down(const fd_set *set, fd_set *down, LPINT err)
{
    down->fd_count = 0;
    if (set == NULL)
        return TRUE;
    for (u_int i = 0; i < set->fd_count; i++) {
        SOCKET_CONTEXT *ctx = context_of(set->fd_array[i], err);
        if (ctx == NULL)
            return FALSE;
        down->fd_array[down->fd_count++] = ctx->lower;
    }
    return TRUE;
}

/* Keeps in `set` the handles whose lower handle the lower layer left in `down`. */
static void map_up(fd_set *set, fd_set *down)
{
    u_int kept = 0;
    int err;
    if (set == NULL)
        return;
    for (u_int i = 0; i < set->fd_count; i++) {
        SOCKET_CONTEXT *ctx = context_of(set->fd_array[i], &err);
        if (ctx != NULL && upcalls.lpWPUFDIsSet(ctx->lower, down))
            set->fd_array[kept++] = set->fd_array[i];
    }
    set->fd_count = kept;
}

/* The Windows SDK declares the timeout `const struct timeval *`; mingw-w64's ws2spi.h declares
 * `const PTIMEVAL` (a constant pointer to a modifiable timeval). Match whichever is in use. */
#ifdef __MINGW32__
typedef const PTIMEVAL SELECT_TIMEOUT;
#else
typedef const struct timeval *SELECT_TIMEOUT;
#endif

static int WSPAPI sample_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                                SELECT_TIMEOUT timeout, LPINT err)
{
    fd_set down[3];
    int result;
    if (!map_down(readfds, &down[0], err) || !map_down(writefds, &down[1], err) ||
        !map_down(exceptfds, &down[2], err))
        return SOCKET_ERROR;
    result = lower.lpWSPSelect(nfds, readfds ? &down[0] : NULL, writefds ? &down[1] : NULL,
                               exceptfds ? &down[2] : NULL, timeout, err);
    if (result == SOCKET_ERROR)
        return SOCKET_ERROR;
    map_up(readfds, &down[0]);
    map_up(writefds, &down[1]);
    map_up(exceptfds, &down[2]);
    return result;
}

/* ---- socket life cycle --------------------------------------------------------------------- */

static SOCKET WSPAPI sample_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                   GROUP g, DWORD flags, LPINT err)
{
    SOCKET_CONTEXT *ctx;
    /* The base layer gets its own entry, never our chain (spec 4.3). */
    SOCKET down = lower.lpWSPSocket(af, type, protocol, &lower_info, g, flags, err);
    if (down == INVALID_SOCKET)
        return INVALID_SOCKET;
    ctx = new_context(down, info->dwCatalogEntryId, err);
    if (ctx == NULL) {
        int ignored;
        lower.lpWSPCloseSocket(down, &ignored);
        return INVALID_SOCKET;
    }
    return ctx->self;
}

static int WSPAPI sample_close_socket(SOCKET s, LPINT err);

static SOCKET WSPAPI sample_accept(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                   LPCONDITIONPROC condition, DWORD_PTR data, LPINT err)
{
    SOCKET_CONTEXT *listener = context_of(s, err), *ctx;
    SOCKET down;
    if (listener == NULL || !blocking_allowed(listener, err))
        return INVALID_SOCKET;
    down = lower.lpWSPAccept(listener->lower, addr, addrlen, condition, data, err);
    if (down == INVALID_SOCKET)
        return INVALID_SOCKET;
    ctx = new_context(down, listener->catalog_id, err);
    if (ctx == NULL) {
        int ignored;
        lower.lpWSPCloseSocket(down, &ignored);
        return INVALID_SOCKET;
    }
    ctx->nonblocking = listener->nonblocking;
    /* Accepted sockets inherit the listener's WSAAsyncSelect, so they need a watcher too. */
    if (listener->watcher != NULL &&
        sample_async_select(ctx->self, listener->hwnd, listener->msg, listener->events, err) != 0) {
        int ignored;
        sample_close_socket(ctx->self, &ignored);
        return INVALID_SOCKET;
    }
    return ctx->self;
}

static int WSPAPI sample_close_socket(SOCKET s, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    stop_watcher(ctx);
    /* Closing the lower socket aborts its pending requests; their completions still reach
     * lower_done, which needs this context and handle, so wait for them. */
    if (lower.lpWSPCloseSocket(ctx->lower, err) != 0)
        return SOCKET_ERROR;
    WaitForSingleObject(ctx->idle, INFINITE);
    if (upcalls.lpWPUCloseSocketHandle(s, err) != 0)
        return SOCKET_ERROR;
    free_context(ctx);
    return 0;
}

/* ---- calls that only need the handle mapped ------------------------------------------------ */

static int WSPAPI sample_bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    return ctx ? lower.lpWSPBind(ctx->lower, name, namelen, err) : SOCKET_ERROR;
}

static int WSPAPI sample_listen(SOCKET s, int backlog, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    return ctx ? lower.lpWSPListen(ctx->lower, backlog, err) : SOCKET_ERROR;
}

static int WSPAPI sample_connect(SOCKET s, const struct sockaddr *name, int namelen,
                                 LPWSABUF caller_data, LPWSABUF callee_data, LPQOS sqos,
                                 LPQOS gqos, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL || !blocking_allowed(ctx, err))
        return SOCKET_ERROR;
    return lower.lpWSPConnect(ctx->lower, name, namelen, caller_data, callee_data, sqos, gqos,
                              err);
}

static int WSPAPI sample_shutdown(SOCKET s, int how, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    return ctx ? lower.lpWSPShutdown(ctx->lower, how, err) : SOCKET_ERROR;
}

static int WSPAPI sample_get_sock_name(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    return ctx ? lower.lpWSPGetSockName(ctx->lower, name, namelen, err) : SOCKET_ERROR;
}

static int WSPAPI sample_get_peer_name(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    return ctx ? lower.lpWSPGetPeerName(ctx->lower, name, namelen, err) : SOCKET_ERROR;
}

static int WSPAPI sample_get_sock_opt(SOCKET s, int level, int name, char *value, LPINT len,
                                      LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    if (level == SAMPLE_LSP_LEVEL && name == SAMPLE_LSP_BYTES) {
        ULONGLONG counts[2] = {(ULONGLONG)ctx->sent, (ULONGLONG)ctx->received};
        if (value == NULL || len == NULL || *len < (int)sizeof(counts)) {
            *err = WSAEFAULT;
            return SOCKET_ERROR;
        }
        memcpy(value, counts, sizeof(counts));
        *len = sizeof(counts);
        return 0;
    }
    return lower.lpWSPGetSockOpt(ctx->lower, level, name, value, len, err);
}

static int WSPAPI sample_set_sock_opt(SOCKET s, int level, int name, const char *value, int len,
                                      LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    return ctx ? lower.lpWSPSetSockOpt(ctx->lower, level, name, value, len, err) : SOCKET_ERROR;
}

static int WSPAPI sample_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
                               DWORD outlen, LPDWORD returned, LPWSAOVERLAPPED ov,
                               LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                               LPINT err)
{
    SOCKET_CONTEXT *ctx = context_of(s, err);
    if (ctx == NULL)
        return SOCKET_ERROR;
    if (ov != NULL) { /* not in this sample */
        *err = WSAEOPNOTSUPP;
        return SOCKET_ERROR;
    }
    if (lower.lpWSPIoctl(ctx->lower, code, in, inlen, out, outlen, returned, NULL, routine, thread,
                         err) != 0)
        return SOCKET_ERROR;
    if (code == (DWORD)FIONBIO && in != NULL && inlen >= sizeof(u_long))
        ctx->nonblocking = *(u_long *)in != 0;
    return 0;
}

/* Slots this sample does not offer: duplicated handles, QOS, multipoint, disconnect data. */
static int not_supported(LPINT err)
{
    *err = WSAEOPNOTSUPP;
    return SOCKET_ERROR;
}

static int WSPAPI sample_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err)
{
    (void)s, (void)pid, (void)info;
    return not_supported(err);
}

static BOOL WSPAPI sample_get_qos_by_name(SOCKET s, LPWSABUF name, LPQOS qos, LPINT err)
{
    (void)s, (void)name, (void)qos;
    not_supported(err);
    return FALSE;
}

static SOCKET WSPAPI sample_join_leaf(SOCKET s, const struct sockaddr *name, int namelen,
                                      LPWSABUF caller_data, LPWSABUF callee_data, LPQOS sqos,
                                      LPQOS gqos, DWORD flags, LPINT err)
{
    (void)s, (void)name, (void)namelen, (void)caller_data, (void)callee_data, (void)sqos;
    (void)gqos, (void)flags;
    not_supported(err);
    return INVALID_SOCKET;
}

static int WSPAPI sample_recv_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    (void)s, (void)data;
    return not_supported(err);
}

static int WSPAPI sample_send_disconnect(SOCKET s, LPWSABUF data, LPINT err)
{
    (void)s, (void)data;
    return not_supported(err);
}

/* ---- start-up and clean-up ----------------------------------------------------------------- */

static int WSPAPI sample_cleanup(LPINT err)
{
    int result;
    if (InterlockedDecrement(&startups) > 0)
        return 0;
    stop_worker();
    result = lower.lpWSPCleanup(err);
    FreeLibrary(lower_module);
    lower_module = NULL;
    DeleteCriticalSection(&lock);
    return result;
}

/* The catalog entry with id `id`, from WSCEnumProtocols. */
static BOOL find_entry(DWORD id, WSAPROTOCOL_INFOW *out)
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

/* Loads the layer below us in `info`'s chain (spec 4.3). */
static int load_lower_layer(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info)
{
    WCHAR stored[MAX_PATH], path[MAX_PATH];
    int length = MAX_PATH, err = 0, result;
    LPWSPSTARTUP lower_startup;
    /* This sample is always the top of a two-element chain: [this layer, base provider]. */
    if (info->ProtocolChain.ChainLen != 2 ||
        !find_entry(info->ProtocolChain.ChainEntries[1], &lower_info))
        return WSAEPROVIDERFAILEDINIT;
    if (upcalls.lpWPUGetProviderPath(&lower_info.ProviderId, stored, &length, &err) != 0 ||
        ExpandEnvironmentStringsW(stored, path, MAX_PATH) == 0)
        return WSAEPROVIDERFAILEDINIT;
    lower_module = LoadLibraryW(path);
    if (lower_module == NULL)
        return WSAEPROVIDERFAILEDINIT;
    lower_startup = (LPWSPSTARTUP)(void *)GetProcAddress(lower_module, "WSPStartup");
    /* The same upcall table: the lower layer's upcalls go straight to ws2_32. */
    result = lower_startup ? lower_startup(version, data, &lower_info, upcalls, &lower)
                           : WSAEPROVIDERFAILEDINIT;
    if (result != 0) {
        FreeLibrary(lower_module);
        lower_module = NULL;
    }
    return result;
}

__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    if (data == NULL || info == NULL || table == NULL)
        return WSAEFAULT;
    if (InterlockedIncrement(&startups) == 1) {
        int result;
        upcalls = upcall_table;
        InitializeCriticalSection(&lock);
        result = load_lower_layer(version, data, info);
        if (result != 0) {
            DeleteCriticalSection(&lock);
            InterlockedDecrement(&startups);
            return result;
        }
    }
    /* Every slot that takes a socket must map our handle to the lower one. */
    *table = lower;
    table->lpWSPAccept = sample_accept;
    table->lpWSPAsyncSelect = sample_async_select;
    table->lpWSPBind = sample_bind;
    table->lpWSPCleanup = sample_cleanup;
    table->lpWSPCloseSocket = sample_close_socket;
    table->lpWSPConnect = sample_connect;
    table->lpWSPDuplicateSocket = sample_duplicate_socket;
    table->lpWSPEnumNetworkEvents = sample_enum_network_events;
    table->lpWSPEventSelect = sample_event_select;
    table->lpWSPGetOverlappedResult = sample_get_overlapped_result;
    table->lpWSPGetPeerName = sample_get_peer_name;
    table->lpWSPGetSockName = sample_get_sock_name;
    table->lpWSPGetSockOpt = sample_get_sock_opt;
    table->lpWSPGetQOSByName = sample_get_qos_by_name;
    table->lpWSPIoctl = sample_ioctl;
    table->lpWSPJoinLeaf = sample_join_leaf;
    table->lpWSPListen = sample_listen;
    table->lpWSPRecv = sample_recv;
    table->lpWSPRecvDisconnect = sample_recv_disconnect;
    table->lpWSPRecvFrom = sample_recv_from;
    table->lpWSPSelect = sample_select;
    table->lpWSPSend = sample_send;
    table->lpWSPSendDisconnect = sample_send_disconnect;
    table->lpWSPSendTo = sample_send_to;
    table->lpWSPSetSockOpt = sample_set_sock_opt;
    table->lpWSPShutdown = sample_shutdown;
    table->lpWSPSocket = sample_socket;
    return 0;
}
