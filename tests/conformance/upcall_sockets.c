/*
 * Socket-handle upcalls: WPUCreateSocketHandle (slot 3), WPUQuerySocketHandleContext (9),
 * WPUCloseSocketHandle (1) and WPUModifyIFSHandle (6).
 * Spec: wpu-semantics.md §5.2, §5.4, §5.6, §5.10; checklist items 18-24, 28, 29, 31-34.
 * (Items 25-27, 35 and the dispatch halves of 31/34 need a provider and the socket layer.)
 */
#include "wstest.h"

#define U wst_upcalls

#define BASE_TCP 1001
#define BASE_UDP 1002
#define UNKNOWN_ID 0xFFFFFFF0u

/* A live OS handle an IFS provider could propose: a pipe descriptor on ws2emu. */
static SOCKET open_proposed_handle(void)
{
#ifdef WS2EMU
    int fds[2];
    if (pipe(fds) != 0)
        return INVALID_SOCKET;
    close(fds[1]);
    return (SOCKET)fds[0];
#else
    return (SOCKET)CreateEventW(NULL, TRUE, FALSE, NULL);
#endif
}

static void close_proposed_handle(SOCKET h)
{
#ifdef WS2EMU
    close((int)h);
#else
    CloseHandle((HANDLE)h);
#endif
}

static SOCKET create_socket(DWORD id, DWORD_PTR context)
{
    int err = WST_SENTINEL;
    SOCKET s = U.lpWPUCreateSocketHandle(id, context, &err);
    ok(s != INVALID_SOCKET && s != 0, "WPUCreateSocketHandle(%u, %#llx) returned %#llx, err %d\n",
       (unsigned)id, wst_u64(context), wst_u64(s), err);
    return s;
}

static void close_socket(SOCKET s)
{
    int err = WST_SENTINEL;
    int ret = U.lpWPUCloseSocketHandle(s, &err);
    ok(ret == 0, "WPUCloseSocketHandle(%#llx) returned %d, err %d\n", wst_u64(s), ret, err);
}

static void check_context(SOCKET s, DWORD_PTR expected)
{
    DWORD_PTR context = (DWORD_PTR)0xcccccccccccccccc;
    int err = WST_SENTINEL;
    int ret = U.lpWPUQuerySocketHandleContext(s, &context, &err);
    ok(ret == 0, "WPUQuerySocketHandleContext(%#llx) returned %d, err %d\n", wst_u64(s), ret, err);
    ok(context == expected, "context of %#llx is %#llx, expected %#llx\n", wst_u64(s),
       wst_u64(context), wst_u64(expected));
}

static void check_not_socket(SOCKET s, const char *what)
{
    DWORD_PTR context = 0x5a5a5a5a;
    int err = WST_SENTINEL;
    int ret = U.lpWPUQuerySocketHandleContext(s, &context, &err);
    ok(ret == SOCKET_ERROR && err == WSAENOTSOCK,
       "WPUQuerySocketHandleContext(%s) returned %d, err %d\n", what, ret, err);
    ok(context == 0x5a5a5a5a, "WPUQuerySocketHandleContext(%s) wrote %#llx on failure\n", what,
       wst_u64(context));
    ret = U.lpWPUQuerySocketHandleContext(s, &context, NULL);
    ok(ret == SOCKET_ERROR, "WPUQuerySocketHandleContext(%s, NULL errno) returned %d\n", what, ret);
    err = WST_SENTINEL;
    ret = U.lpWPUCloseSocketHandle(s, &err);
    ok(ret == SOCKET_ERROR && err == WSAENOTSOCK, "WPUCloseSocketHandle(%s) returned %d, err %d\n",
       what, ret, err);
    ret = U.lpWPUCloseSocketHandle(s, NULL);
    ok(ret == SOCKET_ERROR, "WPUCloseSocketHandle(%s, NULL errno) returned %d\n", what, ret);
}

/* Items 18-20: handle values and their full-width contexts. */
static void test_create_and_query(void)
{
    const DWORD_PTR big = (DWORD_PTR)0x1122334455667788ull;
    SOCKET a = create_socket(BASE_TCP, big);
    SOCKET b = create_socket(BASE_TCP, 2);
    SOCKET c = create_socket(BASE_UDP, 0);
    SOCKET d = create_socket(1005, ~(DWORD_PTR)0);
    SOCKET e;
    DWORD_PTR context;
    int err, ret;

    ok(a % 4 == 0 && b % 4 == 0 && c % 4 == 0 && d % 4 == 0,
       "handles are not multiples of 4: %#llx %#llx %#llx %#llx\n", wst_u64(a), wst_u64(b),
       wst_u64(c), wst_u64(d));
    ok(a != b && a != c && a != d && b != c && b != d && c != d, "handles are not distinct\n");
    check_context(a, big);
    check_context(b, 2);
    check_context(c, 0);
    check_context(d, ~(DWORD_PTR)0);
    check_context(a, big); /* unaffected by the others */

    /* NULL lpErrno on the success path. */
    e = U.lpWPUCreateSocketHandle(BASE_TCP, 77, NULL);
    ok(e != INVALID_SOCKET, "WPUCreateSocketHandle(NULL errno) failed\n");
    context = 0;
    ret = U.lpWPUQuerySocketHandleContext(e, &context, NULL);
    ok(ret == 0 && context == 77, "query with NULL errno returned %d, context %#llx\n", ret,
       wst_u64(context));
    ret = U.lpWPUCloseSocketHandle(e, NULL);
    ok(ret == 0, "WPUCloseSocketHandle(NULL errno) returned %d\n", ret);

    /* A NULL context pointer is a bad pointer (WSAEFAULT), not a crash. */
    err = WST_SENTINEL;
    ret = U.lpWPUQuerySocketHandleContext(a, NULL, &err);
    ok(ret == SOCKET_ERROR && err == WSAEFAULT,
       "WPUQuerySocketHandleContext(NULL context) returned %d, err %d\n", ret, err);
    check_context(a, big);

    close_socket(a);
    close_socket(b);
    close_socket(c);
    close_socket(d);
}

/* Items 21, 23, 24: forged, stale and foreign handles are WSAENOTSOCK. */
static void test_not_sockets(void)
{
    SOCKET s = create_socket(BASE_TCP, 0x42);
    WSAEVENT event;
    WSATHREADID tid = {0};
    int err;

    check_not_socket((SOCKET)0xDEAD0, "0xDEAD0");
    check_not_socket(0, "0");
    check_not_socket(INVALID_SOCKET, "INVALID_SOCKET");
    check_not_socket(s + 4, "handle + 4");

    /* Items 23, 24: closed handles. */
    close_socket(s);
    check_not_socket(s, "closed handle");

    /* Other kinds of handle are not sockets, and WPUCloseSocketHandle leaves them alone. */
    err = WST_SENTINEL;
    event = U.lpWPUCreateEvent(&err);
    ok(event != NULL, "WPUCreateEvent failed, err %d\n", err);
    check_not_socket((SOCKET)event, "event handle");
    err = WST_SENTINEL;
    ok(U.lpWPUSetEvent(event, &err) == TRUE, "the event died in WPUCloseSocketHandle: err %d\n",
       err);
    err = WST_SENTINEL;
    ok(U.lpWPUCloseEvent(event, &err) == TRUE, "WPUCloseEvent failed, err %d\n", err);

    err = WST_SENTINEL;
    ok(U.lpWPUOpenCurrentThread(&tid, &err) == 0, "WPUOpenCurrentThread failed, err %d\n", err);
    check_not_socket((SOCKET)tid.ThreadHandle, "thread handle");
    err = WST_SENTINEL;
    ok(U.lpWPUCloseThread(&tid, &err) == 0, "the thread handle died: err %d\n", err);
}

/* Item 28 (INF): an unknown catalog id is WSAEINVAL. */
static void test_unknown_catalog_id(void)
{
    static const DWORD ids[] = {UNKNOWN_ID, 0, 1003, 1000};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        int err = WST_SENTINEL;
        SOCKET s = U.lpWPUCreateSocketHandle(ids[i], 1, &err);
        ok(s == INVALID_SOCKET && err == WSAEINVAL,
           "WPUCreateSocketHandle(%#x) returned %#llx, err %d\n", (unsigned)ids[i], wst_u64(s), err);
        if (s != INVALID_SOCKET)
            U.lpWPUCloseSocketHandle(s, NULL);
    }
    ok(U.lpWPUCreateSocketHandle(UNKNOWN_ID, 1, NULL) == INVALID_SOCKET,
       "WPUCreateSocketHandle(unknown id, NULL errno) succeeded\n");
}

/* Item 29: when no handle is left, INVALID_SOCKET with WSAENOBUFS (and WPUCreateEvent fails
 * with WSA_NOT_ENOUGH_MEMORY, §5.3); closing one makes room again. */
static void test_exhaustion(void)
{
    const size_t limit = 1u << 18;
    SOCKET *handles = malloc(limit * sizeof(SOCKET));
    size_t count = 0, i, bad_shape = 0;
    int err = 0, exhausted = 0;

    if (!ok(handles != NULL, "out of memory\n"))
        return;
    while (count < limit) {
        err = WST_SENTINEL;
        SOCKET s = U.lpWPUCreateSocketHandle(BASE_TCP, (DWORD_PTR)count, &err);
        if (s == INVALID_SOCKET) {
            exhausted = 1;
            break;
        }
        if (s == 0 || s % 4 != 0)
            bad_shape++;
        handles[count++] = s;
    }
    if (!exhausted) {
        win_skip("no exhaustion after %u handles\n", (unsigned)count);
    } else {
        WSAEVENT event;
        ok(err == WSAENOBUFS, "exhausted after %u handles with err %d\n", (unsigned)count, err);
        ok(count > 1000, "only %u socket handles could be created\n", (unsigned)count);
        err = WST_SENTINEL;
        event = U.lpWPUCreateEvent(&err);
        ok(event == NULL && err == WSA_NOT_ENOUGH_MEMORY,
           "WPUCreateEvent with a full handle table returned %#llx, err %d\n", wst_ptr(event), err);
        if (event)
            U.lpWPUCloseEvent(event, NULL);
        /* The contexts survived the pressure. */
        check_context(handles[0], 0);
        check_context(handles[count - 1], (DWORD_PTR)(count - 1));
        if (count > 0) {
            close_socket(handles[--count]);
            handles[count] = create_socket(BASE_TCP, 0xabc);
            if (handles[count] != INVALID_SOCKET)
                check_context(handles[count++], 0xabc);
        }
    }
    ok(bad_shape == 0, "%u handles were 0 or not multiples of 4\n", (unsigned)bad_shape);
    for (i = 0; i < count; i++) {
        if (U.lpWPUCloseSocketHandle(handles[i], &err) != 0) {
            ok(0, "closing handle %u (%#llx) failed, err %d\n", (unsigned)i, wst_u64(handles[i]),
               err);
            break;
        }
    }
    free(handles);
    /* Everything is usable again. */
    close_socket(create_socket(BASE_TCP, 1));
}

/* Items 22, 24, 31-34: IFS registrations. */
static void test_modify_ifs_handle(void)
{
    SOCKET p = open_proposed_handle(), closed, r, s;
    int err;

    if (!ok(p != INVALID_SOCKET, "cannot open a descriptor to propose\n"))
        return;

    /* Item 31: the proposed handle comes back. */
    err = WST_SENTINEL;
    r = U.lpWPUModifyIFSHandle(BASE_TCP, p, &err);
    ok(r == p, "WPUModifyIFSHandle(%#llx) returned %#llx, err %d\n", wst_u64(p), wst_u64(r), err);
    /* Items 22, 24 (strict): an IFS handle has no context and is not WPUCloseSocketHandle's. */
    check_not_socket(p, "IFS handle");

    /* Item 34: re-registration under another entry. */
    err = WST_SENTINEL;
    r = U.lpWPUModifyIFSHandle(BASE_UDP, p, &err);
    ok(r == p, "re-registration returned %#llx, err %d\n", wst_u64(r), err);
    check_not_socket(p, "re-registered IFS handle");
    r = U.lpWPUModifyIFSHandle(BASE_TCP, p, NULL);
    ok(r == p, "WPUModifyIFSHandle(NULL errno) returned %#llx\n", wst_u64(r));

    /* Item 32: INVALID_SOCKET is not a handle. */
    err = WST_SENTINEL;
    r = U.lpWPUModifyIFSHandle(BASE_TCP, INVALID_SOCKET, &err);
    ok(r == INVALID_SOCKET && err == WSAEINVAL,
       "WPUModifyIFSHandle(INVALID_SOCKET) returned %#llx, err %d\n", wst_u64(r), err);
    err = WST_SENTINEL;
    r = U.lpWPUModifyIFSHandle(BASE_TCP, 0, &err);
    ok(r == INVALID_SOCKET && err == WSAEINVAL, "WPUModifyIFSHandle(0) returned %#llx, err %d\n",
       wst_u64(r), err);

    /* Item 33: unknown catalog id. */
    err = WST_SENTINEL;
    r = U.lpWPUModifyIFSHandle(UNKNOWN_ID, p, &err);
    ok(r == INVALID_SOCKET && err == WSAEINVAL,
       "WPUModifyIFSHandle(unknown id) returned %#llx, err %d\n", wst_u64(r), err);
    r = U.lpWPUModifyIFSHandle(UNKNOWN_ID, p, NULL);
    ok(r == INVALID_SOCKET, "WPUModifyIFSHandle(unknown id, NULL errno) returned %#llx\n",
       wst_u64(r));

    /* §5.6 (CE: the proposed handle must be valid): a handle that is not open. */
    closed = open_proposed_handle();
    close_proposed_handle(closed);
    err = WST_SENTINEL;
    r = U.lpWPUModifyIFSHandle(BASE_TCP, closed, &err);
    ok(r == INVALID_SOCKET && err == WSAEINVAL,
       "WPUModifyIFSHandle(closed handle %#llx) returned %#llx, err %d\n", wst_u64(closed),
       wst_u64(r), err);

    /* An IFS registration never turns a minted socket's context into someone else's. */
    s = create_socket(BASE_TCP, 0x600d);
    check_context(s, 0x600d);
    check_not_socket(p, "IFS handle next to a minted one");
    close_socket(s);

    close_proposed_handle(p);
}

int main(void)
{
    wst_start("upcall_sockets");
    wst_startup();
    wst_load_upcalls();

    test_create_and_query();
    test_not_sockets();
    test_unknown_catalog_id();
    test_modify_ifs_handle();
    test_exhaustion();

    wst_cleanup();
    return wst_end();
}
