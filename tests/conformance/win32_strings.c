/*
 * Win32 strings: MultiByteToWideChar / WideCharToMultiByte (UTF-8, -1 lengths, size queries,
 * small buffers, invalid input, flags), the lstr* functions and strsafe.h.
 */
#include "wstest.h"
#define STRSAFE_NO_DEPRECATE /* the lstr* functions are tested too */
#include <strsafe.h>

static const WCHAR hello_w[] = { 'h', 0xE9, 'l', 0x20AC, 0xD83D, 0xDE00, 0 }; /* hé l € 😀 */
static const char hello_u8[] = "h\xC3\xA9l\xE2\x82\xAC\xF0\x9F\x98\x80";

static void test_conversion(void)
{
    WCHAR w[32];
    char a[32];
    int n;

    n = MultiByteToWideChar(CP_UTF8, 0, hello_u8, -1, NULL, 0);
    ok(n == 7, "size with terminator: %d\n", n);
    n = MultiByteToWideChar(CP_UTF8, 0, hello_u8, -1, w, 32);
    ok(n == 7 && !memcmp(w, hello_w, sizeof(hello_w)), "MultiByteToWideChar: %d\n", n);
    n = MultiByteToWideChar(CP_UTF8, 0, hello_u8, 3, w, 32);
    ok(n == 2, "explicit length, no terminator: %d\n", n);
    wst_sentinel();
    n = MultiByteToWideChar(CP_UTF8, 0, hello_u8, -1, w, 3);
    ok(n == 0 && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "too small: %u\n",
       (unsigned)GetLastError());
    n = WideCharToMultiByte(CP_UTF8, 0, hello_w, -1, NULL, 0, NULL, NULL);
    ok(n == (int)sizeof(hello_u8), "bytes needed: %d\n", n);
    n = WideCharToMultiByte(CP_UTF8, 0, hello_w, -1, a, 32, NULL, NULL);
    ok(n == (int)sizeof(hello_u8) && !strcmp(a, hello_u8), "WideCharToMultiByte: %d\n", n);
    wst_sentinel();
    n = WideCharToMultiByte(CP_UTF8, 0, hello_w, -1, a, 4, NULL, NULL);
    ok(n == 0 && GetLastError() == ERROR_INSUFFICIENT_BUFFER, "too small: %u\n",
       (unsigned)GetLastError());

    /* Invalid input: U+FFFD, or an error with the flag. */
    n = MultiByteToWideChar(CP_UTF8, 0, "a\xFF" "b", 3, w, 32);
    ok(n == 3 && w[1] == 0xFFFD, "replacement: %d %#x\n", n, (unsigned)w[1]);
    wst_sentinel();
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "a\xFF" "b", 3, w, 32);
    ok(n == 0 && GetLastError() == ERROR_NO_UNICODE_TRANSLATION, "MB_ERR_INVALID_CHARS: %u\n",
       (unsigned)GetLastError());
    w[0] = 'x';
    w[1] = 0xD800;
    n = WideCharToMultiByte(CP_UTF8, 0, w, 2, a, 32, NULL, NULL);
    ok(n == 4 && (unsigned char)a[1] == 0xEF, "lone surrogate replaced: %d\n", n);
    wst_sentinel();
    n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, w, 2, a, 32, NULL, NULL);
    ok(n == 0 && GetLastError() == ERROR_NO_UNICODE_TRANSLATION, "WC_ERR_INVALID_CHARS: %u\n",
       (unsigned)GetLastError());

    /* Parameter checks. */
    {
        BOOL used = FALSE;
        wst_sentinel();
        n = WideCharToMultiByte(CP_UTF8, 0, hello_w, -1, a, 32, NULL, &used);
        ok(n == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "UTF-8 + used default: %u\n",
           (unsigned)GetLastError());
    }
    wst_sentinel();
    n = MultiByteToWideChar(CP_UTF8, 0, NULL, -1, w, 32);
    ok(n == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "NULL source: %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    n = MultiByteToWideChar(CP_UTF8, 0, "abc", 0, w, 32);
    ok(n == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "0 length: %u\n",
       (unsigned)GetLastError());
    wst_sentinel();
    n = MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "abc", -1, w, 32);
    ok(n == 0 && GetLastError() == ERROR_INVALID_FLAGS, "flags: %u\n", (unsigned)GetLastError());
    if (WST_IS_WS2EMU) {
        /* CP_ACP is UTF-8 on ws2emu. */
        n = MultiByteToWideChar(CP_ACP, 0, hello_u8, -1, w, 32);
        ok(n == 7 && !memcmp(w, hello_w, sizeof(hello_w)), "CP_ACP is UTF-8: %d\n", n);
        ok(GetACP() == CP_UTF8, "GetACP\n");
        wst_sentinel();
        n = MultiByteToWideChar(1252, 0, "abc", -1, w, 32);
        ok(n == 0 && GetLastError() == ERROR_INVALID_PARAMETER, "unknown code page: %u\n",
           (unsigned)GetLastError());
    }
}

static void test_lstr(void)
{
    WCHAR w[16];
    char a[16];
    static const WCHAR abc[] = { 'a', 'b', 'c', 0 }, ABC[] = { 'A', 'B', 'C', 0 };
    static const WCHAR abd[] = { 'a', 'b', 'd', 0 }, de[] = { 'd', 'e', 0 };

    ok(lstrlenW(abc) == 3 && lstrlenW(NULL) == 0, "lstrlenW\n");
    ok(lstrlenA("abcd") == 4 && lstrlenA(NULL) == 0, "lstrlenA\n");
    ok(lstrcpyW(w, abc) == w && lstrcmpW(w, abc) == 0, "lstrcpyW\n");
    ok(lstrcatW(w, de) == w && lstrlenW(w) == 5, "lstrcatW\n");
    ok(lstrcpynW(w, abc, 3) == w && lstrlenW(w) == 2 && w[1] == 'b', "lstrcpynW truncates\n");
    ok(lstrcmpW(abc, abd) < 0 && lstrcmpW(abd, abc) > 0, "lstrcmpW order\n");
    ok(lstrcmpW(abc, ABC) < 0, "lower case first\n");
    ok(lstrcmpiW(abc, ABC) == 0, "lstrcmpiW\n");
    ok(lstrcmpW(NULL, abc) < 0 && lstrcmpW(abc, NULL) > 0 && lstrcmpW(NULL, NULL) == 0,
       "NULL sorts first\n");
    ok(lstrcpyA(a, "xy") == a && lstrcatA(a, "z") == a && !strcmp(a, "xyz"), "lstrcpyA/catA\n");
    ok(lstrcpynA(a, "hello", 4) == a && !strcmp(a, "hel"), "lstrcpynA\n");
    ok(lstrcmpA("a", "b") < 0 && lstrcmpiA("HeLLo", "hello") == 0, "lstrcmpA/iA\n");
    ok(lstrcpyW(NULL, abc) == NULL, "lstrcpyW(NULL)\n");
}

static void test_strsafe(void)
{
    WCHAR w[8], big[64], expect[64];
    char a[8], buf[96];
    static const WCHAR abc[] = { 'a', 'b', 'c', 0 };
    static const WCHAR longer[] = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0 };
    static const WCHAR fmt[] = { '%', 's', '|', '%', '5', 'd', '|', '%', '-', '3', 'S', '|',
                                 '%', 'x', '|', '%', '%', 0 };
    size_t len = 99;
    HRESULT hr;

    hr = StringCchCopyW(w, 8, abc);
    ok(hr == S_OK && lstrcmpW(w, abc) == 0, "StringCchCopyW: %#x\n", (unsigned)hr);
    hr = StringCchCopyW(w, 8, longer);
    ok(hr == STRSAFE_E_INSUFFICIENT_BUFFER && lstrlenW(w) == 7, "truncated: %#x\n",
       (unsigned)hr);
    hr = StringCchCopyW(w, 0, abc);
    ok(hr == STRSAFE_E_INVALID_PARAMETER, "0 size: %#x\n", (unsigned)hr);
    hr = StringCchCopyA(a, 8, "abc");
    ok(hr == S_OK && !strcmp(a, "abc"), "StringCchCopyA\n");
    hr = StringCchCatA(a, 8, "defgh");
    ok(hr == STRSAFE_E_INSUFFICIENT_BUFFER && !strcmp(a, "abcdefg"), "StringCchCatA: %s\n", a);
    hr = StringCchCatW(w, 8, abc);
    ok(hr == STRSAFE_E_INSUFFICIENT_BUFFER, "cat to a full buffer: %#x\n", (unsigned)hr);
    hr = StringCchLengthW(abc, 8, &len);
    ok(hr == S_OK && len == 3, "StringCchLengthW: %u\n", (unsigned)len);
    hr = StringCchLengthA("abcdef", 3, &len);
    ok(hr == STRSAFE_E_INVALID_PARAMETER && len == 0, "not terminated within: %#x\n",
       (unsigned)hr);
    hr = StringCchLengthA(NULL, 3, &len);
    ok(hr == STRSAFE_E_INVALID_PARAMETER, "NULL: %#x\n", (unsigned)hr);
    hr = StringCbCopyW(w, sizeof(w), abc);
    ok(hr == S_OK && lstrlenW(w) == 3, "StringCbCopyW\n");
    hr = StringCbCopyA(a, 2, "abc");
    ok(hr == STRSAFE_E_INSUFFICIENT_BUFFER && !strcmp(a, "a"), "StringCbCopyA\n");

    hr = StringCchPrintfA(buf, sizeof(buf), "%s|%5d|%-4u|%04x|%X|%c|%%|%lld|%ld", "str", -42,
                          7u, 0xabu, 0xBEEFu, 'q', -5000000000LL, (long)-3);
    ok(hr == S_OK && !strcmp(buf, "str|  -42|7   |00ab|BEEF|q|%|-5000000000|-3"),
       "StringCchPrintfA: %s\n", buf);
    hr = StringCchPrintfA(buf, sizeof(buf), "[%.2s][%5s][%S]", "abcdef", "ab", abc);
    ok(hr == S_OK && !strcmp(buf, "[ab][   ab][abc]"), "strings: %s\n", buf);
    hr = StringCchPrintfA(buf, sizeof(buf), "%p", (void *)(ULONG_PTR)0x12ab);
    ok(hr == S_OK && !strcmp(buf, "00000000000012AB"), "%%p: %s\n", buf);
    hr = StringCchPrintfA(buf, 6, "%s", "truncate me");
    ok(hr == STRSAFE_E_INSUFFICIENT_BUFFER && !strcmp(buf, "trunc"), "truncated: %s\n", buf);
    hr = StringCchPrintfW(big, 64, fmt, abc, 12, "xy", 255u);
    MultiByteToWideChar(CP_UTF8, 0, "abc|   12|xy |ff|%", -1, expect, 64);
    ok(hr == S_OK && lstrcmpW(big, expect) == 0, "StringCchPrintfW: %#x %d\n", (unsigned)hr,
       lstrlenW(big));
}

int main(void)
{
    wst_start("win32_strings");
    test_conversion();
    test_lstr();
    test_strsafe();
    return wst_end();
}
