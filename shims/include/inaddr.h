/*
 * inaddr.h - struct in_addr / IN_ADDR, the IPv4 address with the Windows member names.
 * Part of the ws2emu Windows shims (see ws2emu.h).
 *
 * The address is one 32-bit value in network byte order that can also be read as four bytes or
 * two 16-bit words; the classic BSD member names (s_addr, s_net, ...) are macros into the union.
 */
#ifndef WS2EMU_INADDR_H
#define WS2EMU_INADDR_H

#include <ws2emu.h>
#include <winnt.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct in_addr {
    union {
        struct {
            UCHAR s_b1, s_b2, s_b3, s_b4;
        } S_un_b;
        struct {
            USHORT s_w1, s_w2;
        } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;

/* BSD spellings of the parts of the address. */
#define s_addr  S_un.S_addr        /* the whole address */
#define s_net   S_un.S_un_b.s_b1   /* network */
#define s_host  S_un.S_un_b.s_b2   /* host on an IMP */
#define s_lh    S_un.S_un_b.s_b3   /* logical host */
#define s_impno S_un.S_un_b.s_b4   /* IMP number */
#define s_imp   S_un.S_un_w.s_w2   /* IMP */

#ifdef __cplusplus
}
#endif

#endif /* WS2EMU_INADDR_H */
