/*
 * ws2emu.h - the project header of the ws2emu Windows shims.
 *
 * Every shim header includes this file first. It does three things:
 *   1. identifies the emulation (WS2EMU, WS2EMU_VERSION_*) and checks the compiler setup;
 *   2. makes the Windows names coexist with glibc in one translation unit, in either include
 *      order (see "glibc coexistence" below);
 *   3. maps Microsoft compiler keywords (__declspec, __stdcall, __try, ...) onto GCC.
 *
 * Layout: the shims reproduce the Windows x64 (LLP64) layout on Linux x86-64 (LP64):
 * LONG/DWORD/u_long are 32-bit (int), WCHAR is 16-bit, pointers and SOCKET are 64-bit.
 */
#ifndef WS2EMU_H
#define WS2EMU_H

#define WS2EMU 1
#define WS2EMU_VERSION_MAJOR 0
#define WS2EMU_VERSION_MINOR 1

#if !defined(__GNUC__)
#error "ws2emu shims need GCC or a GCC-compatible compiler (clang)"
#endif
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "ws2emu shims reproduce the Windows x64 layout and need a 64-bit target"
#endif

/*
 * WCHAR strings. Windows source writes L"text" for WCHAR strings; on Linux wchar_t is 32-bit
 * unless the code is compiled with -fshort-wchar (pkg-config's ws2emu cflags include it). With
 * -fshort-wchar, WCHAR is wchar_t and L"..." literals are WCHAR strings, as on Windows. Without
 * it, WCHAR is a 16-bit unsigned integer and L"..." literals do not convert (a compile error, never
 * a silent mismatch). glibc's own wide-character functions (wcslen, wprintf, ...) assume 32-bit
 * wchar_t and must not be called on WCHAR strings.
 */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
#define WS2EMU_SHORT_WCHAR 1
#endif

/* Symbols of the ws2emu library whose Winsock name is also a libc symbol are exported with this
 * prefix; declarations bind the Winsock name to the prefixed symbol (see WS2EMU_SYMBOL). */
#define WS2EMU_SYMBOL(name) __asm__("ws2emu_" #name)

/* ---------------------------------------------------------------------------------------------
 * glibc coexistence.
 *
 * glibc defines its own fd_set, FD_SET, struct timeval, u_long, socklen_t, select and gethostname, with
 * Linux layouts. Windows source that also includes <stdio.h>/<stdlib.h>/<pthread.h> must see the
 * Winsock ones. We therefore include the glibc headers that declare those names *first* (their
 * include guards then keep later includes from declaring them again), and afterwards rename the
 * colliding Winsock names with macros (fd_set -> ws2emu_fd_set, ...). The result is the same in
 * either include order.
 *
 * The POSIX networking headers (<sys/socket.h>, <netinet/in.h>, <arpa/inet.h>, <netdb.h>,
 * <poll.h>, <sys/ioctl.h>, ...) declare socket, send, struct sockaddr, AF_INET6 and dozens of
 * other names with Linux values. A translation unit that uses Winsock cannot also use them: if
 * one was included before us, that is a compile error with a message; if one is included after
 * us, it is empty (we define its include guard), so the Winsock definitions stay in force.
 * ------------------------------------------------------------------------------------------- */
#if defined(_SYS_SOCKET_H) || defined(_NETINET_IN_H) || defined(_ARPA_INET_H) || \
    defined(_NETDB_H) || defined(_SYS_POLL_H) || defined(_SYS_IOCTL_H) || \
    defined(_NETINET_TCP_H) || defined(_SYS_UN_H) || defined(_NET_IF_H) || defined(_IFADDRS_H)
#error "ws2emu: a POSIX networking header (<sys/socket.h>, <netinet/in.h>, <arpa/inet.h>, <netdb.h>, <poll.h>, <sys/ioctl.h>, ...) was included before a Winsock header; Winsock and POSIX sockets cannot be mixed in one source file"
#endif

/* FD_SETSIZE: Windows code may define it before including winsock2.h to enlarge fd_set; glibc's
 * <sys/select.h> defines its own (1024). Keep the application's value across the glibc includes,
 * and otherwise use the Windows default of 64 (winsock2.h). */
#pragma push_macro("FD_SETSIZE")
#undef FD_SETSIZE

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h> /* with _GNU_SOURCE (always on in g++) it declares struct timex { struct timeval } */
#include <sys/resource.h>
#include <unistd.h>

#undef FD_SETSIZE
#pragma pop_macro("FD_SETSIZE")
#if defined(FD_SETSIZE) && defined(__FD_SETSIZE) && FD_SETSIZE == __FD_SETSIZE
/* glibc's value, inherited because glibc was included before us: not the application's. */
#undef FD_SETSIZE
#endif

/* Make later includes of the POSIX networking headers empty (see above). */
#define _SYS_SOCKET_H 1
#define _NETINET_IN_H 1
#define _NETINET_TCP_H 1
#define _ARPA_INET_H 1
#define _NETDB_H 1
#define _SYS_POLL_H 1
#define _POLL_H 1
#define _SYS_IOCTL_H 1
#define _SYS_UN_H 1
#define _NET_IF_H 1
#define _IFADDRS_H 1

/* Winsock names that glibc's already-included headers declare differently. */
#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO
#define fd_set ws2emu_fd_set
#define timeval ws2emu_timeval
#define u_long ws2emu_u_long
#define select ws2emu_select
#define gethostname ws2emu_gethostname
#define socklen_t ws2emu_socklen_t /* glibc's <unistd.h> declares an unsigned one */

/* ---------------------------------------------------------------------------------------------
 * Microsoft compiler keywords.
 * ------------------------------------------------------------------------------------------- */

/* Windows calling conventions are the native C convention here (x64 Windows has one convention
 * too; these keywords only matter on 32-bit x86). */
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __fastcall
#define __fastcall
#endif
#ifndef _stdcall
#define _stdcall
#endif
#ifndef _cdecl
#define _cdecl
#endif

/* __declspec(x) maps each known x onto a GCC attribute; dllexport means "visible from the
 * shared object", which is what a provider's WSPStartup needs. */
#ifndef __declspec
#define __declspec(x) WS2EMU_DECLSPEC_##x
#endif
#define WS2EMU_DECLSPEC_dllexport __attribute__((visibility("default")))
#define WS2EMU_DECLSPEC_dllimport
#define WS2EMU_DECLSPEC_noreturn __attribute__((noreturn))
#define WS2EMU_DECLSPEC_nothrow __attribute__((nothrow))
#define WS2EMU_DECLSPEC_noinline __attribute__((noinline))
#define WS2EMU_DECLSPEC_naked __attribute__((naked))
#define WS2EMU_DECLSPEC_selectany __attribute__((weak))
#define WS2EMU_DECLSPEC_thread __thread
#define WS2EMU_DECLSPEC_novtable
#define WS2EMU_DECLSPEC_deprecated __attribute__((deprecated))
#define WS2EMU_DECLSPEC_restrict
#define WS2EMU_DECLSPEC_align(n) __attribute__((aligned(n)))
#define WS2EMU_DECLSPEC_uuid(s)

#ifndef __forceinline
#define __forceinline inline __attribute__((always_inline))
#endif
#ifndef __int64
#define __int64 long long
#endif
#ifndef __int32
#define __int32 int
#endif
#ifndef __int16
#define __int16 short
#endif
#ifndef __int8
#define __int8 char
#endif
#ifndef __unaligned
#define __unaligned
#endif
#ifndef __w64
#define __w64
#endif
#ifndef __ptr64
#define __ptr64
#endif

/* Structured exception handling is not emulated: __try blocks run, __except blocks never run and
 * their filter is not evaluated, __finally blocks run after the __try block on normal exit only.
 * __leave is not supported (a compile error). A documented limitation. */
#ifndef __try
#define __try if (1)
#define __except(filter) else if (0)
#define __finally
#endif

/* #pragma comment(lib, ...), #pragma warning(...) and other MSVC pragmas are harmless: GCC
 * ignores unknown pragmas, and this keeps -Wall -Werror from turning that into an error in C.
 * g++ before 13 ignores this for pragmas seen by the preprocessor, so the documented flags
 * (pkg-config's ws2emu cflags) also carry -Wno-unknown-pragmas. */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"

#endif /* WS2EMU_H */
