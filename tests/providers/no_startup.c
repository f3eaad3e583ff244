/*
 * A "provider" without WSPStartup, linked against libmock_good.so, which exports one. dlsym on
 * its handle would find the dependency's WSPStartup; the loader must still refuse it (10106).
 */
#include "provider_kit.h"

extern int startup_calls; /* from libmock_good.so: makes the dependency real */

EXPORT int no_startup_peek(void)
{
    return startup_calls;
}
