/* A library with an import that nothing defines: loading it must fail (10106 / 127). */
#include "provider_kit.h"

extern int ws2emu_test_symbol_defined_nowhere(void);

EXPORT int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW info,
                             WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE table)
{
    (void)version; (void)data; (void)info; (void)upcalls; (void)table;
    return ws2emu_test_symbol_defined_nowhere();
}
