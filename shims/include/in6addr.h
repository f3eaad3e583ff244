/*
 * in6addr.h - struct in6_addr / IN6_ADDR, the IPv6 address with the Windows member names.
 * Part of the ws2emu Windows shims (see ws2emu.h).
 *
 * Sixteen bytes in network order, readable as bytes (u.Byte) or as 16-bit words (u.Word).
 * Unlike glibc's in6_addr there is no 32-bit view, so the structure is only 2-byte aligned.
 */
#ifndef WS2EMU_IN6ADDR_H
#define WS2EMU_IN6ADDR_H

#include <ws2emu.h>
#include <winnt.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;

/* Alternative spellings used by Windows and BSD sources. */
#define in_addr6 in6_addr
#define _S6_un   u
#define _S6_u8   Byte
#define s6_addr  _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word

#ifdef __cplusplus
}
#endif

#endif /* WS2EMU_IN6ADDR_H */
