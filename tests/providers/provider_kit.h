/*
 * Shared helpers of the C test providers (compiled against shims/include with
 * -Wall -Wextra -Werror by crates/ws2-loader/tests/provider_kit).
 */
#ifndef WS2EMU_TEST_PROVIDER_KIT_H
#define WS2EMU_TEST_PROVIDER_KIT_H

#include <ws2spi.h>
#include <string.h>

#define EXPORT __declspec(dllexport)

/* The three GUIDs of the layered test (LSP A, LSP B, mock base), indexed as in
 * WS2EMU_TEST_LSP_IDS ("<id of A's layered entry> <id of B's layered entry> <id of the base>"). */
static const GUID test_guids[3] = {
    {0x5A5A0001, 0x1111, 0x4111, {0x81, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x01}},
    {0x5A5A0002, 0x2222, 0x4222, {0x82, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x02}},
    {0x5A5A0003, 0x3333, 0x4333, {0x83, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x03}},
};

typedef void (*any_function)(void);

static inline void stub_slot(void) {}

/* Fills all 30 WSPPROC_TABLE slots with a stub (never called by the loader tests). */
static inline void fill_proc_table(LPWSPPROC_TABLE table)
{
    any_function stub = stub_slot;
    for (size_t i = 0; i < sizeof(*table) / sizeof(stub); i++)
        memcpy((char *)table + i * sizeof(stub), &stub, sizeof(stub));
}

/* Records one upcall table received by WSPStartup (spec checklist 64). */
#define RECORD_UPCALLS(seen, count, table)                                                      \
    do {                                                                                        \
        if ((count) < (int)(sizeof(seen) / sizeof((seen)[0])))                                  \
            (seen)[(count)++] = (table);                                                        \
    } while (0)

#endif
