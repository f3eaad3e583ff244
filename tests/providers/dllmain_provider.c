/*
 * A library with a DllMain. The calls are counted in environment variables (process-wide and
 * still readable after the library is unloaded): WS2EMU_TEST_<NAME>_ATTACH / _DETACH.
 * -DFAIL_ATTACH makes DLL_PROCESS_ATTACH return FALSE (LoadLibrary: ERROR_DLL_INIT_FAILED).
 */
#include "provider_kit.h"
#include <stdio.h>
#include <stdlib.h>

#ifndef NAME
#define NAME "DLLMAIN"
#endif

EXPORT HMODULE attach_module;

static void bump(const char *which)
{
    char name[64], value[16];
    snprintf(name, sizeof(name), "WS2EMU_TEST_%s_%s", NAME, which);
    const char *old = getenv(name);
    snprintf(value, sizeof(value), "%d", (old ? atoi(old) : 0) + 1);
    setenv(name, value, 1);
}

EXPORT BOOL WINAPI DllMain(HINSTANCE module, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        attach_module = module;
        bump("ATTACH");
#ifdef FAIL_ATTACH
        return FALSE;
#endif
    } else if (reason == DLL_PROCESS_DETACH) {
        bump("DETACH");
    }
    return TRUE;
}

EXPORT int dllmain_answer(void)
{
    return 42;
}
