/*
 * wstest.h - the harness of the ws2emu conformance suite.
 *
 * Wine-style C tests (the ideas of Wine's test.h; the code is ws2emu's own):
 *
 *   ok(cond, fmt, ...)      one check; a failure prints "file:line: Test failed: <message>"
 *   todo_ws2emu ok(...)     a known ws2emu difference: a failure is counted as "todo", a success
 *                           inside the block is a failure (the todo must then be removed)
 *   todo_if(cond) ok(...)   the same, only when cond holds
 *   skip(fmt, ...)          a part that cannot run here (counted, never a failure)
 *   win_skip(fmt, ...)      a part that needs a feature some Windows versions lack: a skip on
 *                           Windows, a failure on ws2emu (which must implement it)
 *   wst_start(name) ... return wst_end();
 *                           main's frame; wst_end prints "<name>: N passed, N failed, ..." and
 *                           returns the exit status (non-zero when anything failed or nothing
 *                           was checked). A program that exits without wst_end reports itself
 *                           as failed.
 *
 * Every check of an API that reports errors sets a sentinel first (WST_SENTINEL in the
 * provider's int, wst_sentinel() for the thread's last error) and checks both the return value
 * and the error.
 *
 * WSTEST_VERBOSE=1 prints passing checks too. WSTEST_VALGRIND=1 (set by the driver under
 * valgrind) scales the stress loops down (wst_scaled).
 *
 * The same source compiles with the ws2emu shims (gcc -fshort-wchar -I shims/include, where
 * WS2EMU is defined) and with the mingw-w64 headers for Windows; Linux-only helpers are behind
 * #ifdef WS2EMU. Include this header before anything else.
 */
#ifndef WSTEST_H
#define WSTEST_H

#if defined(__MINGW32__)
#ifndef __USE_MINGW_ANSI_STDIO
#define __USE_MINGW_ANSI_STDIO 1 /* C99 printf formats (%llx, %zu) */
#endif
#else
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep under -std=c11 */
#endif
#endif

#include <winsock2.h>
#include <ws2spi.h>
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef WS2EMU
#include <pthread.h>
#include <sched.h>
#include <time.h>
#endif

#if defined(__MINGW_PRINTF_FORMAT)
#define WST_FORMAT(fmt, args) __attribute__((format(__MINGW_PRINTF_FORMAT, fmt, args)))
#else
#define WST_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

#ifdef WS2EMU
#define WST_IS_WS2EMU 1
#else
#define WST_IS_WS2EMU 0
#endif

/* ws2emu extension exported by libws2_32: copies the upcall table WSPStartup receives. Windows
 * has no such export (providers get the table only inside WSPStartup); it is declared for both
 * so that the sources compile unchanged against the mingw headers. */
int WSPAPI ws2emu_upcall_table(WSPUPCALLTABLE *table);
#ifndef WS2EMU
/* ws2_32 exports it; mingw's ws2spi.h does not declare it. */
int WSPAPI WSApSetPostRoutine(LPWPUPOSTMESSAGE lpPostRoutine);
#endif

/* Sentinels: the value put in *lpErrno and in the thread's last error before each call. */
#define WST_SENTINEL 0x7eadbeef
#define WST_LAST_ERROR_SENTINEL 0xdeadbeefu

/* ------------------------------------------------------------------------------------------
 * Counters and reporting.
 * ---------------------------------------------------------------------------------------- */

static const char *wst_name = "wstest";
static int wst_passed, wst_failed, wst_todo, wst_skipped;
static int wst_verbose, wst_ended;

/* Per-thread todo nesting: bit i of wst_todo_bits is set when level i is a todo. */
static _Thread_local unsigned wst_todo_bits;
static _Thread_local int wst_todo_depth;
static _Thread_local int wst_todo_loop_done[32];

static inline void wst_count(int *counter)
{
    __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
}

static inline int wst_read(int *counter)
{
    return __atomic_load_n(counter, __ATOMIC_SEQ_CST);
}

static inline const char *wst_basename(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    return base;
}

static inline void wst_print(const char *file, int line, const char *what, const char *fmt, va_list args)
{
    char message[1024];
    vsnprintf(message, sizeof(message), fmt, args);
    size_t n = strlen(message);
    /* One printf per report so that reports of concurrent threads do not interleave. */
    printf("%s:%d: %s: %s%s", wst_basename(file), line, what, message,
           n && message[n - 1] == '\n' ? "" : "\n");
    fflush(stdout);
}

static inline int wst_in_todo(void)
{
    return wst_todo_bits != 0;
}

static inline int wst_ok_at(const char *file, int line, int condition, const char *fmt, ...)
    WST_FORMAT(4, 5);

static inline int wst_ok_at(const char *file, int line, int condition, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (wst_in_todo()) {
        if (condition) {
            wst_print(file, line, "Test succeeded inside todo block", fmt, args);
            wst_count(&wst_failed);
        } else {
            wst_print(file, line, "Test marked todo", fmt, args);
            wst_count(&wst_todo);
        }
    } else if (condition) {
        if (wst_verbose)
            wst_print(file, line, "Test succeeded", fmt, args);
        wst_count(&wst_passed);
    } else {
        wst_print(file, line, "Test failed", fmt, args);
        wst_count(&wst_failed);
    }
    va_end(args);
    return condition;
}

static inline void wst_skip_at(const char *file, int line, int is_failure, const char *fmt, ...)
    WST_FORMAT(4, 5);

static inline void wst_skip_at(const char *file, int line, int is_failure, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (is_failure) {
        wst_print(file, line, "Test failed (win_skip on ws2emu)", fmt, args);
        wst_count(&wst_failed);
    } else {
        wst_print(file, line, "Tests skipped", fmt, args);
        wst_count(&wst_skipped);
    }
    va_end(args);
}

static inline void wst_todo_start(int is_todo)
{
    int depth = wst_todo_depth++;
    if (depth >= 32)
        abort();
    if (is_todo)
        wst_todo_bits |= 1u << depth;
    else
        wst_todo_bits &= ~(1u << depth);
    wst_todo_loop_done[depth] = 0;
}

/* The loop condition of todo_if: true once (the body runs), then pops the level. */
static inline int wst_todo_loop(void)
{
    int depth = wst_todo_depth - 1;
    if (!wst_todo_loop_done[depth]) {
        wst_todo_loop_done[depth] = 1;
        return 1;
    }
    wst_todo_bits &= ~(1u << depth);
    wst_todo_depth = depth;
    return 0;
}

#define ok(condition, ...) wst_ok_at(__FILE__, __LINE__, (condition) ? 1 : 0, __VA_ARGS__)
#define skip(...) wst_skip_at(__FILE__, __LINE__, 0, __VA_ARGS__)
#define win_skip(...) wst_skip_at(__FILE__, __LINE__, WST_IS_WS2EMU, __VA_ARGS__)
#define todo_if(condition) for (wst_todo_start(condition); wst_todo_loop();)
#define todo_ws2emu todo_if(WST_IS_WS2EMU)

static inline void wst_print_summary(const char *note)
{
    printf("%s: %d passed, %d failed, %d todo, %d skipped%s\n", wst_name, wst_read(&wst_passed),
           wst_read(&wst_failed), wst_read(&wst_todo), wst_read(&wst_skipped), note);
    fflush(stdout);
}

static inline void wst_at_exit(void)
{
    if (!wst_ended) {
        wst_count(&wst_failed);
        wst_print_summary(" (exited without reaching wst_end)");
    }
}

static inline void wst_start(const char *name)
{
    const char *verbose = getenv("WSTEST_VERBOSE");
    wst_name = name;
    wst_verbose = verbose && *verbose && strcmp(verbose, "0") != 0;
    atexit(wst_at_exit);
}

/* Prints the summary and returns main's exit status. */
static inline int wst_end(void)
{
    wst_ended = 1;
    if (wst_read(&wst_passed) == 0) {
        printf("%s: no check passed: the program tested nothing\n", wst_name);
        wst_count(&wst_failed);
    }
    wst_print_summary("");
    return wst_read(&wst_failed) ? 1 : 0;
}

/* Loop counts for stress parts: divided by 100 under valgrind (which serialises threads). */
static inline long wst_scaled(long count)
{
    const char *under_valgrind = getenv("WSTEST_VALGRIND");
    if (under_valgrind && *under_valgrind && strcmp(under_valgrind, "0") != 0) {
        count /= 100;
        return count > 0 ? count : 1;
    }
    return count;
}

/* ------------------------------------------------------------------------------------------
 * Sentinels and small helpers.
 * ---------------------------------------------------------------------------------------- */

/* Puts the sentinel in the thread's last error (kernel32 and Winsock share it). */
static inline void wst_sentinel(void)
{
    SetLastError(WST_LAST_ERROR_SENTINEL);
}

static inline unsigned long long wst_u64(ULONG_PTR value)
{
    return (unsigned long long)value;
}

static inline unsigned long long wst_ptr(const void *value)
{
    return (unsigned long long)(ULONG_PTR)value;
}

static inline size_t wst_wcslen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static inline int wst_wcseq(const WCHAR *a, const WCHAR *b)
{
    size_t i = 0;
    for (; a[i] && a[i] == b[i]; i++)
        ;
    return a[i] == b[i];
}

/* An ASCII rendering of a WCHAR string for messages (non-ASCII as '?'). */
static inline const char *wst_wstr(const WCHAR *s, char *buffer, size_t size)
{
    size_t i = 0;
    if (!s)
        return "(null)";
    for (; s[i] && i + 1 < size; i++)
        buffer[i] = s[i] < 0x80 ? (char)s[i] : '?';
    buffer[i] = 0;
    return buffer;
}

/* The upcall table, from the ws2emu extension export. */
static WSPUPCALLTABLE wst_upcalls;

static inline void wst_load_upcalls(void)
{
    memset(&wst_upcalls, 0, sizeof(wst_upcalls));
    int result = ws2emu_upcall_table(&wst_upcalls);
    ok(result == 0, "ws2emu_upcall_table returned %d\n", result);
    void **slot = (void **)&wst_upcalls;
    for (size_t i = 0; i < sizeof(wst_upcalls) / sizeof(void *); i++)
        ok(slot[i] != NULL, "upcall slot %u is NULL\n", (unsigned)i);
}

static inline void wst_startup(void)
{
    WSADATA data;
    int result = WSAStartup(MAKEWORD(2, 2), &data);
    ok(result == 0, "WSAStartup returned %d\n", result);
    ok(data.wVersion == MAKEWORD(2, 2), "WSAStartup negotiated %#x\n", (unsigned)data.wVersion);
}

static inline void wst_cleanup(void)
{
    wst_sentinel();
    int result = WSACleanup();
    ok(result == 0, "WSACleanup returned %d, error %u\n", result, (unsigned)GetLastError());
}

/* ------------------------------------------------------------------------------------------
 * Threads: pthreads on ws2emu (no CreateThread yet), CreateThread on Windows.
 * ---------------------------------------------------------------------------------------- */

typedef void (*wst_thread_fn)(void *arg);

struct wst_thread_start_block {
    wst_thread_fn fn;
    void *arg;
};

#ifdef WS2EMU
typedef pthread_t wst_thread;

static void *wst_thread_trampoline(void *p)
{
    struct wst_thread_start_block block = *(struct wst_thread_start_block *)p;
    free(p);
    block.fn(block.arg);
    return NULL;
}
#else
typedef HANDLE wst_thread;

static DWORD WINAPI wst_thread_trampoline(LPVOID p)
{
    struct wst_thread_start_block block = *(struct wst_thread_start_block *)p;
    free(p);
    block.fn(block.arg);
    return 0;
}
#endif

static inline int wst_thread_start(wst_thread *thread, wst_thread_fn fn, void *arg)
{
    struct wst_thread_start_block *block = malloc(sizeof(*block));
    if (!block)
        return 0;
    block->fn = fn;
    block->arg = arg;
#ifdef WS2EMU
    if (pthread_create(thread, NULL, wst_thread_trampoline, block) != 0) {
        free(block);
        return 0;
    }
#else
    *thread = CreateThread(NULL, 0, wst_thread_trampoline, block, 0, NULL);
    if (!*thread) {
        free(block);
        return 0;
    }
#endif
    return 1;
}

static inline void wst_thread_join(wst_thread thread)
{
#ifdef WS2EMU
    pthread_join(thread, NULL);
#else
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
#endif
}

/* One iteration of a spin-wait: lets the other thread run (valgrind runs one thread at a
 * time, so a spin that never yields would stall for a whole time slice). */
static inline void wst_spin_pause(void)
{
#ifdef WS2EMU
    sched_yield();
#else
    SwitchToThread();
#endif
}

/* Waits until the thread with id `tid` (its GetCurrentThreadId) is blocked in a wait.
 * Returns 1 when observed, 0 when not observed within 20 s, -1 when this platform cannot tell.
 * On ws2emu it reads /proc/self/task/<tid>/syscall: every ws2emu wait sleeps in poll(2). It is
 * used to make "wakes a blocked waiter" tests exercise the wake-up path rather than a race. */
static inline int wst_wait_until_blocked(DWORD tid)
{
#ifdef WS2EMU
    char path[64];
    struct timespec start, now, pause = {0, 200000};
    snprintf(path, sizeof(path), "/proc/self/task/%u/syscall", (unsigned)tid);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        FILE *f = fopen(path, "r");
        long number = -2;
        unsigned long address = 0, op = 0;
        if (!f)
            return -1;
        if (fscanf(f, "%ld %lx %lx", &number, &address, &op) < 1)
            number = -2;
        fclose(f);
        /* poll, ppoll, epoll_wait, epoll_pwait, epoll_pwait2 */
        if (number == 7 || number == 271 || number == 232 || number == 281 || number == 441)
            return 1;
        /* futex(FUTEX_WAIT_PRIVATE): a wait on one object sleeps on its notifier's futex word
         * (Rust's own locks use FUTEX_WAIT_BITSET, a different op) */
        if (number == 202 && op == 0x80)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 20)
            return 0;
        nanosleep(&pause, NULL); /* polling an observable state, not timing a race */
    }
#else
    (void)tid;
    return -1;
#endif
}

#endif /* WSTEST_H */
