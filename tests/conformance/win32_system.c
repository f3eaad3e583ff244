/*
 * Win32 system information: tick counts, performance counter, system time, GetSystemInfo,
 * GetVersionEx, FormatMessage for system codes, OutputDebugString.
 */
#include "wstest.h"

static void test_time(void)
{
    LARGE_INTEGER f, c1, c2;
    FILETIME ft;
    ULONGLONG t64 = GetTickCount64(), ticks;
    DWORD t = GetTickCount();
    BOOL b;

    ok(t64 > 0 && (DWORD)t64 <= t, "tick counts agree: %llu %u\n", t64, (unsigned)t);
    ok(QueryPerformanceFrequency(&f) && f.QuadPart > 0, "frequency\n");
    if (WST_IS_WS2EMU)
        ok(f.QuadPart == 10000000, "10 MHz like Windows 10: %lld\n", (long long)f.QuadPart);
    ok(QueryPerformanceCounter(&c1) && QueryPerformanceCounter(&c2) && c2.QuadPart >= c1.QuadPart,
       "monotonic counter\n");
    if (WST_IS_WS2EMU) {
        wst_sentinel();
        b = QueryPerformanceCounter(NULL);
        ok(!b && GetLastError() == ERROR_INVALID_PARAMETER, "NULL: %u\n",
           (unsigned)GetLastError());
    }
    GetSystemTimeAsFileTime(&ft);
    ticks = ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    /* After 2020-01-01 (132223104000000000) and before 2100. */
    ok(ticks > 132223104000000000ULL && ticks < 157469184000000000ULL, "FILETIME %llu\n", ticks);
}

static void test_system_info(void)
{
    SYSTEM_INFO si;
    OSVERSIONINFOW vw;
    OSVERSIONINFOEXW vx;
    OSVERSIONINFOA va;
    BOOL b;

    memset(&si, 0xcc, sizeof(si));
    GetSystemInfo(&si);
    ok(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64, "architecture %u\n",
       si.wProcessorArchitecture);
    ok(si.dwPageSize == 4096 && si.dwAllocationGranularity == 65536, "page %u, granularity %u\n",
       (unsigned)si.dwPageSize, (unsigned)si.dwAllocationGranularity);
    ok(si.dwNumberOfProcessors >= 1 && si.dwActiveProcessorMask != 0, "processors %u\n",
       (unsigned)si.dwNumberOfProcessors);

    memset(&vw, 0, sizeof(vw));
    vw.dwOSVersionInfoSize = sizeof(vw);
    b = GetVersionExW(&vw);
    ok(b && vw.dwPlatformId == VER_PLATFORM_WIN32_NT && vw.dwMajorVersion >= 6, "GetVersionExW\n");
    if (WST_IS_WS2EMU)
        ok(vw.dwMajorVersion == 10 && vw.dwMinorVersion == 0 && vw.dwBuildNumber == 19041,
           "10.0.19041: %u.%u.%u\n", (unsigned)vw.dwMajorVersion, (unsigned)vw.dwMinorVersion,
           (unsigned)vw.dwBuildNumber);
    memset(&vx, 0, sizeof(vx));
    vx.dwOSVersionInfoSize = sizeof(vx);
    ok(GetVersionExW((OSVERSIONINFOW *)&vx) && vx.wProductType == VER_NT_WORKSTATION,
       "OSVERSIONINFOEXW: product %u\n", vx.wProductType);
    memset(&va, 0, sizeof(va));
    va.dwOSVersionInfoSize = sizeof(va);
    ok(GetVersionExA(&va) && va.dwPlatformId == VER_PLATFORM_WIN32_NT, "GetVersionExA\n");
    wst_sentinel();
    vw.dwOSVersionInfoSize = sizeof(vw) - 1;
    b = GetVersionExW(&vw);
    ok(!b && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "bad size: %u\n",
       (unsigned)GetLastError());
}

static void test_format_message(void)
{
    WCHAR buf[256], *allocated = NULL;
    char abuf[256];
    DWORD n;

    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       ERROR_INVALID_HANDLE, 0, buf, 256, NULL);
    ok(n > 2 && buf[n - 2] == '\r' && buf[n - 1] == '\n' && buf[n] == 0,
       "ERROR_INVALID_HANDLE: %u\n", (unsigned)n);
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                           FORMAT_MESSAGE_ALLOCATE_BUFFER,
                       NULL, WSAENOTSOCK, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                       (LPWSTR)&allocated, 0, NULL);
    ok(n > 0 && allocated != NULL && allocated[n] == 0, "allocated: %u\n", (unsigned)n);
    ok(LocalFree(allocated) == NULL, "LocalFree of the message\n");
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       WSAECONNREFUSED, 0, abuf, sizeof(abuf), NULL);
    ok(n > 0 && abuf[n] == 0 && (DWORD)strlen(abuf) == n, "FormatMessageA: %s", abuf);
    wst_sentinel();
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       ERROR_INVALID_HANDLE, 0, buf, 5, NULL);
    ok(n == 0 && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "small buffer: %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       0x2badc0de, 0, buf, 256, NULL);
    ok(n == 0 && GetLastError() == ERROR_MR_MID_NOT_FOUND, "unknown code: %u\n",
       (unsigned)GetLastError());
    OutputDebugStringA("win32_system: OutputDebugStringA\n");
    OutputDebugStringW(L"win32_system: OutputDebugStringW");
    OutputDebugStringA(NULL);
}

int main(void)
{
    wst_start("win32_system");
    test_time();
    test_system_info();
    test_format_message();
    return wst_end();
}
