/*
 * sample_lsp.c - a non-IFS layered service provider (LSP) for TCP and UDP, written as ordinary
 * Windows provider code. It sits on top of the next provider of its protocol chain and passes
 * every call down, using each WPU upcall for what it is for:
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
 * Extension functions: a non-IFS layer must hand out its own AcceptEx, ConnectEx and
 * DisconnectEx for SIO_GET_EXTENSION_FUNCTION_POINTER, because the application calls them with
 * our handles, which the lower layer's functions cannot take. Ours map the handles (listening
 * and accept socket) to the lower ones and call the lower layer's function, fetched with the
 * lower WSPIoctl on a lower socket, from the worker thread with an overlapped structure and an
 * event of our own; the worker waits on those events and completes the application's request
 * with WPUCompleteOverlappedRequest, as for WSPSend/WSPRecv. GetAcceptExSockaddrs only reads a
 * buffer, so the lower layer's is handed out; any other extension GUID is refused. setsockopt
 * SO_UPDATE_ACCEPT_CONTEXT carries the listening socket's handle, which is mapped as well.
 *
 * Protocols: one chain per protocol of the lower provider (TCP and UDP over IPv4 and IPv6),
 * all over the one lower provider loaded in WSPStartup; WSPSocket finds the lower entry of the
 * chain it is called for.
 *
 * Simplifications (this is an example): one lower provider; overlapped WSPIoctl is refused
 * (WSAEOPNOTSUPP); at most 63 extension requests in flight (one wait of the worker).
 */
#include <winsock2.h>
#include <ws2spi.h>
#include <mswsock.h>
#include <windows.h>
#include <string.h>

#define SAMPLE_LSP_LEVEL 0x5350 /* a private getsockopt level ("SP") */
#define SAMPLE_LSP_BYTES 1
#define MAX_BUFS 16 /* WSABUFs per overlapped request this sample accepts */

/* ---- state shared by all sockets ----------------------------------------------------------- */

static WSPUPCALLTABLE upcalls;      /* our own copy: the caller's table is a by-value argument */
static WSPPROC_TABLE lower;         /* the next layer's entry points */
static WSAPROTOCOL_INFOW lower_info; /* the next layer's catalog entry */
static WCHAR lower_path[MAX_PATH];   /* its library, as the catalog stores it */
static HMODULE lower_module;
static LONG startups;               /* WSPStartup calls not yet balanced by WSPCleanup */
static CRITICAL_SECTION lock;       /* guards the worker's start */

/* The worker thread issues the lower overlapped requests and receives their completions. */
static HANDLE worker;
static WSATHREADID worker_id;       /* from WPUOpenCurrentThread, in the worker */
static WSAEVENT worker_ready, worker_stop;

/* Extension functions. EX_FN holds any function pointer; each is cast back to its LPFN_ type
 * to be called. The lower layer's are fetched on first use (under `lock`). */
typedef void (*EX_FN)(void);
enum { EX_ACCEPT, EX_CONNECT, EX_DISCONNECT, EX_COUNT };
static const GUID ex_ids[EX_COUNT] = {WSAID_ACCEPTEX, WSAID_CONNECTEX, WSAID_DISCONNECTEX};
static EX_FN lower_ex[EX_COUNT];
static volatile LONG ex_pending; /* extension requests in flight (the worker waits on each) */
#define MAX_EX_PENDING (MAXIMUM_WAIT_OBJECTS - 1) /* one wait slot is worker_stop */

/* ---- per-socket context -------------------------------------------------------------------- */

typedef struct SOCKET_CONTEXT {
    SOCKET self;               /* the handle the application sees (ours) */
    SOCKET lower;              /* the lower layer's handle */
    DWORD catalog_id;          /* our entry, for handles of accepted sockets */
    BOOL nonblocking;
    volatile LONG64 sent, received;
    volatile LONG pending;     /* overlapped requests not yet completed */
    WSAEVENT idle;             /* set while pending == 0; closesocket waits for it */
    volatile LONG refs;        /* the handle + AcceptEx requests naming it as accept socket */
    /* WSAAsyncSelect proxy: a watcher thread turns lower network events into messages. */
    HWND hwnd;
    UINT msg;
    LONG events;
    WSAEVENT net_event, watcher_stop;
    HANDLE watcher;
} SOCKET_CONTEXT;

/* An overlapped request on its way through the worker. */
enum { OP_RECV, OP_SEND, OP_RECV_FROM, OP_SEND_TO, OP_ACCEPT, OP_CONNECT, OP_DISCONNECT };
typedef struct REQUEST {
    WSAOVERLAPPED lower_ov;    /* first member: the lower completion hands us this pointer */
    SOCKET_CONTEXT *ctx;       /* completes on this socket (AcceptEx: the listening one) */
    int op;                    /* OP_* */
    WSABUF bufs[MAX_BUFS];     /* copied: the caller's array is transient */
    DWORD count, flags, bytes, error;
    LPWSAOVERLAPPED app_ov;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE app_routine;
    WSATHREADID app_thread;    /* copied: the caller's identity is only valid during the call */
    /* Extension requests (op >= OP_ACCEPT): the lower function and its arguments. Their
     * lower_ov.hEvent is our event, which the worker waits on. */
    EX_FN lower_fn;
    SOCKET_CONTEXT *accepted;  /* AcceptEx: the accept socket (holds a reference) */
    PVOID buffer;              /* the caller's: AcceptEx output, ConnectEx data */
    DWORD recv_len, local_len, remote_len, send_len, reserved;
    SOCKADDR_STORAGE name;     /* ConnectEx, WSPSendTo: the address, copied */
    int namelen;
    struct sockaddr *from;     /* WSPRecvFrom: the caller's (valid until completion) */
    LPINT fromlen;
    int *start_error;          /* the caller waits for the lower call's immediate result */
    WSAEVENT started;
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
    ctx->refs = 1;
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

/* A pending AcceptEx still counts the bytes it receives into its accept socket's context, even
 * when the application has closed that socket meanwhile. */
static void release_context(SOCKET_CONTEXT *ctx)
{
    if (InterlockedDecrement(&ctx->refs) == 0)
        free_context(ctx);
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

/* Extension requests the worker waits on (their lower events); touched by the worker only. */
static REQUEST *watched[MAX_EX_PENDING];
static DWORD watch_count;

/* Releases what an extension request holds besides its socket's pending count: its lower
 * event, its reference to the accept socket and its place among the watched requests. */
static void end_extension(REQUEST *req)
{
    int ignored;
    if (req->lower_ov.hEvent != WSA_INVALID_EVENT)
        upcalls.lpWPUCloseEvent(req->lower_ov.hEvent, &ignored);
    if (req->accepted != NULL)
        release_context(req->accepted);
    InterlockedDecrement(&ex_pending);
}

/* One request fewer on `ctx`. */
static void request_finished(SOCKET_CONTEXT *ctx)
{
    int err;
    if (InterlockedDecrement(&ctx->pending) == 0)
        upcalls.lpWPUSetEvent(ctx->idle, &err); /* closesocket may be waiting */
}

/* The lower layer's completion routine; runs in the worker (it issued the request). The worker
 * also calls it for extension requests, whose lower layer signals an event instead. */
static void CALLBACK lower_done(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags)
{
    REQUEST *req = (REQUEST *)ov;
    SOCKET_CONTEXT *ctx = req->ctx;
    int err;
    if (req->op == OP_ACCEPT)
        InterlockedAdd64(&req->accepted->received, (LONG64)bytes); /* its first data block */
    else
        InterlockedAdd64(req->op == OP_RECV || req->op == OP_RECV_FROM ? &ctx->received
                                                                       : &ctx->sent,
                         (LONG64)bytes);
    if (req->op >= OP_ACCEPT)
        end_extension(req);
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
        /* Extension requests always come here: AcceptEx and friends take no routine. AcceptEx
         * completes on the listening socket, as Windows completes it on that handle. */
        WPUCompleteOverlappedRequest(ctx->self, req->app_ov, error, bytes, &err);
        HeapFree(GetProcessHeap(), 0, req);
    }
    request_finished(ctx);
}

/* In the worker: issues an extension request's lower call and tells the caller, who waits for
 * it, the immediate outcome. A started request is watched through its lower event (also on
 * immediate success: the lower layer signals the event then too, as Windows does for IFS
 * handles); one that failed at once belongs to the caller again. */
static void start_extension_call(REQUEST *req)
{
    LPOVERLAPPED ov = &req->lower_ov;
    DWORD bytes = 0;
    BOOL done = FALSE;
    int error, ignored;
    switch (req->op) {
    case OP_ACCEPT:
        done = ((LPFN_ACCEPTEX)req->lower_fn)(req->ctx->lower, req->accepted->lower, req->buffer,
                                              req->recv_len, req->local_len, req->remote_len,
                                              &bytes, ov);
        break;
    case OP_CONNECT:
        done = ((LPFN_CONNECTEX)req->lower_fn)(req->ctx->lower, (const struct sockaddr *)&req->name,
                                               req->namelen, req->buffer, req->send_len, &bytes,
                                               ov);
        break;
    case OP_DISCONNECT:
        done = ((LPFN_DISCONNECTEX)req->lower_fn)(req->ctx->lower, ov, req->flags, req->reserved);
        break;
    }
    /* The lower functions report errors in this thread's last error, as mswsock's do. */
    error = done ? 0 : WSAGetLastError();
    if (!done && error == 0)
        error = WSASYSCALLFAILURE; /* a lower layer that failed without saying why */
    if (done || error == WSA_IO_PENDING) {
        watched[watch_count++] = req; /* a slot is free: the caller counted ex_pending */
        error = 0;
    }
    *req->start_error = error;
    upcalls.lpWPUSetEvent(req->started, &ignored); /* the caller's; req is not ours to touch now */
}

/* The worker saw an extension request's lower event: read the result the SPI way. */
static void extension_done(REQUEST *req)
{
    DWORD bytes = 0, flags = 0;
    int err = 0;
    if (!lower.lpWSPGetOverlappedResult(req->ctx->lower, &req->lower_ov, &bytes, FALSE, &flags,
                                        &err)) {
        /* A socket closed meanwhile is unknown to the lower layer: its requests were aborted. */
        if (err == WSAENOTSOCK)
            err = WSA_OPERATION_ABORTED;
        bytes = flags = 0;
    }
    lower_done((DWORD)err, bytes, &req->lower_ov, flags);
}

/* Queued to the worker: issues the lower request from the worker's own thread, so the lower
 * layer's completion routine runs there (for an IFS lower layer, Windows queues it to the
 * issuing thread, which is also the thread named by worker_id). */
static void CALLBACK start_request(DWORD_PTR context)
{
    REQUEST *req = (REQUEST *)context;
    DWORD bytes = 0, flags = req->flags;
    int err = 0, result;
    if (req->op >= OP_ACCEPT) {
        start_extension_call(req);
        return;
    }
    switch (req->op) {
    case OP_SEND:
        result = lower.lpWSPSend(req->ctx->lower, req->bufs, req->count, &bytes, flags,
                                 &req->lower_ov, lower_done, &worker_id, &err);
        break;
    case OP_SEND_TO:
        result = lower.lpWSPSendTo(req->ctx->lower, req->bufs, req->count, &bytes, flags,
                                   (const struct sockaddr *)&req->name, req->namelen,
                                   &req->lower_ov, lower_done, &worker_id, &err);
        break;
    case OP_RECV_FROM:
        result = lower.lpWSPRecvFrom(req->ctx->lower, req->bufs, req->count, &bytes, &flags,
                                     req->from, req->fromlen, &req->lower_ov, lower_done,
                                     &worker_id, &err);
        break;
    default:
        result = lower.lpWSPRecv(req->ctx->lower, req->bufs, req->count, &bytes, &flags,
                                 &req->lower_ov, lower_done, &worker_id, &err);
        break;
    }
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
    watch_count = 0;
    upcalls.lpWPUSetEvent(worker_ready, &err);
    /* Alertable: start_request and lower_done arrive as APCs; extension requests complete by
     * signalling their lower events. */
    for (;;) {
        HANDLE wait[MAXIMUM_WAIT_OBJECTS];
        DWORD count = 1, result;
        wait[0] = worker_stop;
        for (DWORD i = 0; i < watch_count; i++)
            wait[count++] = watched[i]->lower_ov.hEvent;
        /* Nothing watched: the plain alertable wait (see the helper's report: under ws2emu the
         * multi-object alertable wait intermittently missed lower_done APCs). */
        result = count == 1 ? WaitForSingleObjectEx(worker_stop, INFINITE, TRUE)
                            : WaitForMultipleObjectsEx(count, wait, FALSE, INFINITE, TRUE);
        if (result == WAIT_IO_COMPLETION)
            continue;
        if (result > WAIT_OBJECT_0 && result < WAIT_OBJECT_0 + count) {
            REQUEST *req = watched[result - WAIT_OBJECT_0 - 1];
            watched[result - WAIT_OBJECT_0 - 1] = watched[--watch_count];
            extension_done(req);
            continue;
        }
        break; /* worker_stop, or a failed wait */
    }
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
/* Where a datagram goes (WSPSendTo) or where its source is written (WSPRecvFrom). */
typedef struct ADDRESSING {
    const struct sockaddr *to;
    int tolen;
    struct sockaddr *from;
    LPINT fromlen;
} ADDRESSING;

static int start_overlapped(SOCKET_CONTEXT *ctx, int op, LPWSABUF bufs, DWORD count, DWORD flags,
                            const ADDRESSING *addressing, LPWSAOVERLAPPED ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                            LPINT err)
{
    REQUEST *req;
    if (count == 0 || count > MAX_BUFS) {
        *err = count == 0 ? WSAEINVAL : WSAENOBUFS;
        return SOCKET_ERROR;
    }
    if (op == OP_SEND_TO && (addressing->to == NULL || addressing->tolen <= 0 ||
                             addressing->tolen > (int)sizeof(SOCKADDR_STORAGE))) {
        *err = WSAEFAULT;
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
    req->op = op;
    memcpy(req->bufs, bufs, count * sizeof(WSABUF));
    if (op == OP_SEND_TO) {
        memcpy(&req->name, addressing->to, (size_t)addressing->tolen);
        req->namelen = addressing->tolen;
    } else if (op == OP_RECV_FROM) {
        req->from = addressing->from;
        req->fromlen = addressing->fromlen;
    }
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

/* ---- extension functions: AcceptEx, ConnectEx, DisconnectEx --------------------------------- */

/* The lower layer's extension function `which`, fetched once with the lower WSPIoctl on one of
 * its sockets; NULL with *err when it has none. */
static EX_FN lower_extension(int which, SOCKET lower_socket, LPINT err)
{
    EX_FN fn;
    GUID id = ex_ids[which];
    DWORD returned = 0;
    EnterCriticalSection(&lock);
    if (lower_ex[which] == NULL &&
        lower.lpWSPIoctl(lower_socket, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id),
                         &lower_ex[which], sizeof(lower_ex[which]), &returned, NULL, NULL, NULL,
                         err) != 0)
        lower_ex[which] = NULL;
    fn = lower_ex[which];
    LeaveCriticalSection(&lock);
    return fn;
}

/* Extension functions report errors through the thread's last error (they are called directly,
 * not through ws2_32). */
static BOOL extension_failed(int err)
{
    WSASetLastError(err);
    return FALSE;
}

static REQUEST *new_extension_request(SOCKET_CONTEXT *ctx, int op, EX_FN lower_fn,
                                      LPOVERLAPPED ov)
{
    REQUEST *req = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*req));
    if (req != NULL) {
        req->ctx = ctx;
        req->op = op;
        req->lower_fn = lower_fn;
        req->app_ov = ov;
    }
    return req;
}

/* Hands an extension request to the worker and waits until it has issued the lower call, so
 * that the application gets the lower layer's immediate errors; a started request is always
 * pending (spec 6.2: its completion is announced either way). Takes ownership of `req`. */
static BOOL start_extension(REQUEST *req)
{
    SOCKET_CONTEXT *ctx = req->ctx;
    WSAEVENT started = WSA_INVALID_EVENT;
    int err = 0, start_error = WSAENOBUFS, ignored;
    if (req->accepted != NULL)
        InterlockedIncrement(&req->accepted->refs);
    if (InterlockedIncrement(&ex_pending) > MAX_EX_PENDING)
        err = WSAENOBUFS; /* the worker cannot wait on more lower events */
    else if (start_worker(&err) &&
             (started = upcalls.lpWPUCreateEvent(&err)) != WSA_INVALID_EVENT &&
             (req->lower_ov.hEvent = upcalls.lpWPUCreateEvent(&err)) != WSA_INVALID_EVENT) {
        req->started = started;
        req->start_error = &start_error;
        /* As the I/O manager does at the start of a request (spec 6.2 step 1). */
        if (req->app_ov->hEvent != NULL)
            upcalls.lpWPUResetEvent((WSAEVENT)((DWORD_PTR)req->app_ov->hEvent & ~(DWORD_PTR)1),
                                    &ignored);
        req->app_ov->Internal = WSS_OPERATION_IN_PROGRESS;
        if (InterlockedIncrement(&ctx->pending) == 1)
            upcalls.lpWPUResetEvent(ctx->idle, &ignored);
        if (upcalls.lpWPUQueueApc(&worker_id, start_request, (DWORD_PTR)req, &err) == 0) {
            WaitForSingleObject(started, INFINITE);
            err = start_error;
        }
        if (err != 0)
            request_finished(ctx); /* not started: no completion will come */
    }
    if (started != WSA_INVALID_EVENT)
        upcalls.lpWPUCloseEvent(started, &ignored);
    if (err != 0) {
        end_extension(req);
        HeapFree(GetProcessHeap(), 0, req);
        return extension_failed(err);
    }
    return extension_failed(WSA_IO_PENDING);
}

static BOOL WINAPI sample_accept_ex(SOCKET listen_socket, SOCKET accept_socket, PVOID buffer,
                                    DWORD recv_len, DWORD local_len, DWORD remote_len,
                                    LPDWORD received, LPOVERLAPPED ov)
{
    SOCKET_CONTEXT *listener, *accepted = NULL;
    LPFN_ACCEPTEX down = NULL;
    REQUEST *req;
    int err = 0;
    listener = context_of(listen_socket, &err);
    if (listener != NULL)
        accepted = context_of(accept_socket, &err);
    if (accepted != NULL)
        down = (LPFN_ACCEPTEX)lower_extension(EX_ACCEPT, listener->lower, &err);
    if (down == NULL)
        return extension_failed(err);
    if (ov == NULL) /* not overlapped: the lower layer reports the error in this thread */
        return down(listener->lower, accepted->lower, buffer, recv_len, local_len, remote_len,
                    received, NULL);
    req = new_extension_request(listener, OP_ACCEPT, (EX_FN)down, ov);
    if (req == NULL)
        return extension_failed(WSAENOBUFS);
    req->accepted = accepted;
    req->buffer = buffer;
    req->recv_len = recv_len;
    req->local_len = local_len;
    req->remote_len = remote_len;
    return start_extension(req);
}

static BOOL WINAPI sample_connect_ex(SOCKET s, const struct sockaddr *name, int namelen,
                                     PVOID buffer, DWORD send_len, LPDWORD sent, LPOVERLAPPED ov)
{
    int err = 0;
    SOCKET_CONTEXT *ctx = context_of(s, &err);
    LPFN_CONNECTEX down = NULL;
    REQUEST *req;
    if (ctx != NULL)
        down = (LPFN_CONNECTEX)lower_extension(EX_CONNECT, ctx->lower, &err);
    if (down == NULL)
        return extension_failed(err);
    if (ov == NULL)
        return down(ctx->lower, name, namelen, buffer, send_len, sent, NULL);
    /* The address is copied: the worker issues the call after we return. */
    if (name == NULL || namelen <= 0 || namelen > (int)sizeof(SOCKADDR_STORAGE))
        return extension_failed(WSAEFAULT);
    req = new_extension_request(ctx, OP_CONNECT, (EX_FN)down, ov);
    if (req == NULL)
        return extension_failed(WSAENOBUFS);
    memcpy(&req->name, name, (size_t)namelen);
    req->namelen = namelen;
    req->buffer = buffer;
    req->send_len = send_len;
    return start_extension(req);
}

static BOOL WINAPI sample_disconnect_ex(SOCKET s, LPOVERLAPPED ov, DWORD flags, DWORD reserved)
{
    int err = 0;
    SOCKET_CONTEXT *ctx = context_of(s, &err);
    LPFN_DISCONNECTEX down = NULL;
    REQUEST *req;
    if (ctx != NULL)
        down = (LPFN_DISCONNECTEX)lower_extension(EX_DISCONNECT, ctx->lower, &err);
    if (down == NULL)
        return extension_failed(err);
    if (ov == NULL) /* completes within the call */
        return down(ctx->lower, NULL, flags, reserved);
    req = new_extension_request(ctx, OP_DISCONNECT, (EX_FN)down, ov);
    if (req == NULL)
        return extension_failed(WSAENOBUFS);
    req->flags = flags;
    req->reserved = reserved;
    return start_extension(req);
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
        return start_overlapped(ctx, OP_SEND, bufs, count, flags, NULL, ov, routine, thread, err);
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
        return start_overlapped(ctx, OP_RECV, bufs, count, *flags, NULL, ov, routine, thread,
                                err);
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
    if (ov != NULL) {
        ADDRESSING addressing = {to, tolen, NULL, NULL};
        return start_overlapped(ctx, OP_SEND_TO, bufs, count, flags, &addressing, ov, routine,
                                thread, err);
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
    if (flags == NULL) {
        *err = WSAEFAULT;
        return SOCKET_ERROR;
    }
    if (ov != NULL) {
        ADDRESSING addressing = {NULL, 0, from, fromlen};
        return start_overlapped(ctx, OP_RECV_FROM, bufs, count, *flags, &addressing, ov, routine,
                                thread, err);
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

static BOOL find_entry(DWORD id, WSAPROTOCOL_INFOW *out);

/* Whether `entry` is served by the lower library we loaded: its own provider, or another
 * provider GUID registered by the same library (the base provider registers one for IPv4 and
 * one for IPv6; its WSPStartup serves them all). */
static BOOL served_by_lower(const WSAPROTOCOL_INFOW *entry)
{
    WCHAR path[MAX_PATH];
    int length = MAX_PATH, err = 0, i = 0;
    GUID id = entry->ProviderId;
    if (memcmp(&id, &lower_info.ProviderId, sizeof(GUID)) == 0)
        return TRUE;
    if (upcalls.lpWPUGetProviderPath(&id, path, &length, &err) != 0)
        return FALSE;
    while (path[i] != 0 && path[i] == lower_path[i])
        i++;
    return path[i] == lower_path[i];
}

/* The lower layer's catalog entry under one of our chains, [this layer, lower entry]: each
 * protocol (TCP, UDP; IPv4, IPv6) has a chain of its own, all over the library loaded in
 * WSPStartup. Looked up once per entry (under `lock`). */
static BOOL lower_entry_of(LPWSAPROTOCOL_INFOW chain, WSAPROTOCOL_INFOW *out)
{
    static WSAPROTOCOL_INFOW seen[16];
    static int seen_count;
    DWORD id;
    BOOL found = FALSE;
    if (chain == NULL || chain->ProtocolChain.ChainLen != 2)
        return FALSE;
    id = chain->ProtocolChain.ChainEntries[1];
    EnterCriticalSection(&lock);
    for (int i = 0; i < seen_count && !found; i++)
        if (seen[i].dwCatalogEntryId == id) {
            *out = seen[i];
            found = TRUE;
        }
    /* Only entries served by the library we loaded: another one would need loading too. */
    if (!found && find_entry(id, out) && served_by_lower(out)) {
        if (seen_count < (int)(sizeof(seen) / sizeof(seen[0])))
            seen[seen_count++] = *out;
        found = TRUE;
    }
    LeaveCriticalSection(&lock);
    return found;
}

static SOCKET WSPAPI sample_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info,
                                   GROUP g, DWORD flags, LPINT err)
{
    SOCKET_CONTEXT *ctx;
    WSAPROTOCOL_INFOW below;
    SOCKET down;
    if (!lower_entry_of(info, &below)) {
        *err = WSAEPROVIDERFAILEDINIT;
        return INVALID_SOCKET;
    }
    /* The base layer gets its own entry, never our chain (spec 4.3). */
    down = lower.lpWSPSocket(af, type, protocol, &below, g, flags, err);
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
    release_context(ctx);
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
    SOCKET_CONTEXT *ctx = context_of(s, err), *listener;
    SOCKET listen_socket;
    if (ctx == NULL)
        return SOCKET_ERROR;
    if (level == SOL_SOCKET && name == SO_UPDATE_ACCEPT_CONTEXT) {
        /* The value is the listening socket AcceptEx used: our handle, so map it too. */
        if (value == NULL || len < (int)sizeof(SOCKET)) {
            *err = WSAEFAULT;
            return SOCKET_ERROR;
        }
        memcpy(&listen_socket, value, sizeof(listen_socket));
        listener = context_of(listen_socket, err);
        if (listener == NULL ||
            lower.lpWSPSetSockOpt(ctx->lower, level, name, (const char *)&listener->lower,
                                  (int)sizeof(SOCKET), err) != 0)
            return SOCKET_ERROR;
        ctx->nonblocking = listener->nonblocking; /* inherited, as the lower socket's mode */
        return 0;
    }
    return lower.lpWSPSetSockOpt(ctx->lower, level, name, value, len, err);
}

/* SIO_GET_EXTENSION_FUNCTION_POINTER: our own function for those that take socket handles,
 * the lower layer's GetAcceptExSockaddrs (it only reads a buffer). Any other GUID is refused
 * with WSAEINVAL (what Windows answers for a GUID it does not know): the lower layer's function
 * would be handed our handles. */
static int extension_pointer(SOCKET_CONTEXT *ctx, LPVOID in, DWORD inlen, LPVOID out,
                             DWORD outlen, LPDWORD returned, LPINT err)
{
    static const GUID sockaddrs_id = WSAID_GETACCEPTEXSOCKADDRS;
    const EX_FN own[EX_COUNT] = {(EX_FN)sample_accept_ex, (EX_FN)sample_connect_ex,
                                 (EX_FN)sample_disconnect_ex};
    if (in == NULL || inlen < sizeof(GUID) || memcmp(in, &sockaddrs_id, sizeof(GUID)) == 0)
        return lower.lpWSPIoctl(ctx->lower, SIO_GET_EXTENSION_FUNCTION_POINTER, in, inlen, out,
                                outlen, returned, NULL, NULL, NULL, err);
    for (int i = 0; i < EX_COUNT; i++) {
        if (memcmp(in, &ex_ids[i], sizeof(GUID)) != 0)
            continue;
        if (lower_extension(i, ctx->lower, err) == NULL)
            return SOCKET_ERROR; /* the lower layer has none: neither have we */
        if (out == NULL || outlen < sizeof(EX_FN)) {
            *err = WSAEFAULT;
            return SOCKET_ERROR;
        }
        memcpy(out, &own[i], sizeof(EX_FN));
        if (returned != NULL)
            *returned = sizeof(EX_FN);
        return 0;
    }
    *err = WSAEINVAL;
    return SOCKET_ERROR;
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
    if (code == SIO_GET_EXTENSION_FUNCTION_POINTER)
        return extension_pointer(ctx, in, inlen, out, outlen, returned, err);
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
    for (int i = 0; i < EX_COUNT; i++)
        lower_ex[i] = NULL; /* they belong to the module freed below */
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
    WCHAR path[MAX_PATH];
    int length = MAX_PATH, err = 0, result;
    LPWSPSTARTUP lower_startup;
    /* This sample is always the top of a two-element chain: [this layer, base provider]. */
    if (info->ProtocolChain.ChainLen != 2 ||
        !find_entry(info->ProtocolChain.ChainEntries[1], &lower_info))
        return WSAEPROVIDERFAILEDINIT;
    if (upcalls.lpWPUGetProviderPath(&lower_info.ProviderId, lower_path, &length, &err) != 0 ||
        ExpandEnvironmentStringsW(lower_path, path, MAX_PATH) == 0)
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

static int sample_startup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                          WSPUPCALLTABLE upcall_table, LPWSPPROC_TABLE table)
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

/* The broken examples (broken/) include this file with SAMPLE_LSP_AS_LIBRARY defined: each
 * exports a WSPStartup of its own that calls sample_startup and then changes one thing. */
#ifndef SAMPLE_LSP_AS_LIBRARY
__declspec(dllexport) int WSPAPI WSPStartup(WORD version, LPWSPDATA data,
                                            LPWSAPROTOCOL_INFOW info, WSPUPCALLTABLE upcall_table,
                                            LPWSPPROC_TABLE table)
{
    return sample_startup(version, data, info, upcall_table, table);
}
#endif
