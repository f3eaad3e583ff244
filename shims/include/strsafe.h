/*
 * strsafe.h - bounded string functions for ws2emu (the SDK's strsafe.h subset Winsock providers
 * use). As in the SDK they are inline functions, here in C with no library calls.
 *
 * Provided: StringCchCopy, StringCchCopyN, StringCchCat, StringCchLength, StringCchPrintf,
 * StringCchVPrintf, StringCbCopy, StringCbCat, StringCbLength, StringCbPrintf (A and W, and
 * the generic names under UNICODE). Results as the SDK defines them: S_OK;
 * STRSAFE_E_INSUFFICIENT_BUFFER when the result was truncated (the destination then holds the
 * truncated, NUL-terminated text); STRSAFE_E_INVALID_PARAMETER for a size of 0 or above
 * STRSAFE_MAX_CCH, a NULL destination, or (Cat, Length) a string not terminated within the size
 * (the destination is not changed then).
 *
 * StringCchPrintf formats with Microsoft's conventions (glibc's wide printf cannot be used: its
 * wchar_t is 32-bit). Supported: conversions d i u x X o c C s S p %; flags - 0 + space #;
 * width and precision (numbers or *); sizes h hh l (32-bit, as on Windows) ll I64 I32 I z t j
 * and w. In the W functions %s and %c take WCHAR strings/characters and %S/%C narrow ones; in
 * the A functions the reverse; %ls/%lc/%ws are always wide and %hs/%hc always narrow. Narrow
 * strings are UTF-8 (ws2emu's ANSI code page) and are converted when printed into wide output
 * and vice versa. %p prints 16 upper-case hex digits, as the Microsoft CRT does. Floating point
 * (%f, %e, %g) and %n are not supported: such a conversion stops formatting and the function
 * returns STRSAFE_E_INVALID_PARAMETER.
 */
#ifndef WS2EMU_STRSAFE_H
#define WS2EMU_STRSAFE_H

#include "winnt.h"
#include "winerror.h"
#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057L)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026L)

typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;
typedef WCHAR *STRSAFE_LPWSTR;
typedef const WCHAR *STRSAFE_LPCWSTR;

/* ---- copy, concatenate, measure ---------------------------------------------------------- */

#define WS2EMU_STRSAFE_DEFINE(SUFFIX, CH)                                                      \
    static inline HRESULT StringCchLength##SUFFIX(const CH *psz, size_t cchMax,                \
                                                  size_t *pcchLength)                          \
    {                                                                                          \
        size_t n = 0;                                                                          \
        if (psz == NULL || cchMax > STRSAFE_MAX_CCH) {                                         \
            if (pcchLength)                                                                    \
                *pcchLength = 0;                                                               \
            return STRSAFE_E_INVALID_PARAMETER;                                                \
        }                                                                                      \
        while (n < cchMax && psz[n])                                                           \
            n++;                                                                               \
        if (n == cchMax) {                                                                     \
            if (pcchLength)                                                                    \
                *pcchLength = 0;                                                               \
            return STRSAFE_E_INVALID_PARAMETER;                                                \
        }                                                                                      \
        if (pcchLength)                                                                        \
            *pcchLength = n;                                                                   \
        return S_OK;                                                                           \
    }                                                                                          \
    static inline HRESULT StringCchCopyN##SUFFIX(CH *pszDest, size_t cchDest, const CH *pszSrc, \
                                                 size_t cchToCopy)                             \
    {                                                                                          \
        size_t i = 0;                                                                          \
        if (pszDest == NULL || cchDest == 0 || cchDest > STRSAFE_MAX_CCH ||                    \
            cchToCopy > STRSAFE_MAX_CCH)                                                       \
            return STRSAFE_E_INVALID_PARAMETER;                                                \
        if (pszSrc == NULL) {                                                                  \
            *pszDest = 0;                                                                      \
            return S_OK;                                                                       \
        }                                                                                      \
        while (i < cchToCopy && pszSrc[i]) {                                                   \
            if (i + 1 == cchDest) {                                                            \
                pszDest[i] = 0;                                                                \
                return STRSAFE_E_INSUFFICIENT_BUFFER;                                          \
            }                                                                                  \
            pszDest[i] = pszSrc[i];                                                            \
            i++;                                                                               \
        }                                                                                      \
        pszDest[i] = 0;                                                                        \
        return S_OK;                                                                           \
    }                                                                                          \
    static inline HRESULT StringCchCopy##SUFFIX(CH *pszDest, size_t cchDest, const CH *pszSrc)  \
    {                                                                                          \
        return StringCchCopyN##SUFFIX(pszDest, cchDest, pszSrc, STRSAFE_MAX_CCH);              \
    }                                                                                          \
    static inline HRESULT StringCchCat##SUFFIX(CH *pszDest, size_t cchDest, const CH *pszSrc)   \
    {                                                                                          \
        size_t used;                                                                           \
        if (pszDest == NULL || cchDest == 0 || cchDest > STRSAFE_MAX_CCH)                      \
            return STRSAFE_E_INVALID_PARAMETER;                                                \
        if (StringCchLength##SUFFIX(pszDest, cchDest, &used) < 0)                          \
            return STRSAFE_E_INVALID_PARAMETER;                                                \
        return StringCchCopy##SUFFIX(pszDest + used, cchDest - used, pszSrc);                  \
    }                                                                                          \
    static inline HRESULT StringCbCopy##SUFFIX(CH *pszDest, size_t cbDest, const CH *pszSrc)    \
    {                                                                                          \
        return StringCchCopy##SUFFIX(pszDest, cbDest / sizeof(CH), pszSrc);                    \
    }                                                                                          \
    static inline HRESULT StringCbCat##SUFFIX(CH *pszDest, size_t cbDest, const CH *pszSrc)     \
    {                                                                                          \
        return StringCchCat##SUFFIX(pszDest, cbDest / sizeof(CH), pszSrc);                     \
    }                                                                                          \
    static inline HRESULT StringCbLength##SUFFIX(const CH *psz, size_t cbMax, size_t *pcbLength) \
    {                                                                                          \
        size_t n = 0;                                                                          \
        HRESULT hr = StringCchLength##SUFFIX(psz, cbMax / sizeof(CH), &n);                     \
        if (pcbLength)                                                                         \
            *pcbLength = n * sizeof(CH);                                                       \
        return hr;                                                                             \
    }

WS2EMU_STRSAFE_DEFINE(A, char)
WS2EMU_STRSAFE_DEFINE(W, WCHAR)
#undef WS2EMU_STRSAFE_DEFINE

/* ---- the formatter ------------------------------------------------------------------------ */

typedef struct {
    void *buffer;
    size_t cch;  /* capacity in code units, terminator included */
    size_t len;  /* code units written */
    int wide;    /* WCHAR output */
    int overflow;
} ws2emu_strsafe_out;

static inline void ws2emu_strsafe_unit(ws2emu_strsafe_out *o, unsigned unit)
{
    if (o->len + 1 >= o->cch) {
        o->overflow = 1;
        return;
    }
    if (o->wide)
        ((WCHAR *)o->buffer)[o->len++] = (WCHAR)unit;
    else
        ((char *)o->buffer)[o->len++] = (char)unit;
}

static inline void ws2emu_strsafe_code_point(ws2emu_strsafe_out *o, unsigned cp)
{
    if (o->wide) {
        if (cp >= 0x10000) {
            ws2emu_strsafe_unit(o, 0xD800 + ((cp - 0x10000) >> 10));
            ws2emu_strsafe_unit(o, 0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            ws2emu_strsafe_unit(o, cp);
        }
    } else if (cp < 0x80) {
        ws2emu_strsafe_unit(o, cp);
    } else if (cp < 0x800) {
        ws2emu_strsafe_unit(o, 0xC0 | (cp >> 6));
        ws2emu_strsafe_unit(o, 0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        ws2emu_strsafe_unit(o, 0xE0 | (cp >> 12));
        ws2emu_strsafe_unit(o, 0x80 | ((cp >> 6) & 0x3F));
        ws2emu_strsafe_unit(o, 0x80 | (cp & 0x3F));
    } else {
        ws2emu_strsafe_unit(o, 0xF0 | (cp >> 18));
        ws2emu_strsafe_unit(o, 0x80 | ((cp >> 12) & 0x3F));
        ws2emu_strsafe_unit(o, 0x80 | ((cp >> 6) & 0x3F));
        ws2emu_strsafe_unit(o, 0x80 | (cp & 0x3F));
    }
}

/* Decodes one code point from a narrow (UTF-8) or wide (UTF-16) string; returns the units used
 * (0 at the terminator). Malformed input gives U+FFFD. */
static inline size_t ws2emu_strsafe_decode(const void *s, int wide, unsigned *cp)
{
    if (wide) {
        const WCHAR *w = (const WCHAR *)s;
        unsigned u = (unsigned)w[0];
        if (u == 0)
            return 0;
        if (u >= 0xD800 && u < 0xDC00 && (unsigned)w[1] >= 0xDC00 && (unsigned)w[1] < 0xE000) {
            *cp = 0x10000 + ((u - 0xD800) << 10) + ((unsigned)w[1] - 0xDC00);
            return 2;
        }
        *cp = (u >= 0xD800 && u < 0xE000) ? 0xFFFD : u;
        return 1;
    } else {
        const unsigned char *b = (const unsigned char *)s;
        unsigned c = b[0], need, value, i;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            *cp = c;
            return 1;
        }
        if (c >= 0xC2 && c < 0xE0) {
            need = 1;
            value = c & 0x1F;
        } else if (c >= 0xE0 && c < 0xF0) {
            need = 2;
            value = c & 0x0F;
        } else if (c >= 0xF0 && c < 0xF5) {
            need = 3;
            value = c & 0x07;
        } else {
            *cp = 0xFFFD;
            return 1;
        }
        for (i = 1; i <= need; i++) {
            if ((b[i] & 0xC0) != 0x80) {
                *cp = 0xFFFD;
                return i;
            }
            value = (value << 6) | (b[i] & 0x3F);
        }
        *cp = value;
        return need + 1;
    }
}

static inline void ws2emu_strsafe_pad(ws2emu_strsafe_out *o, unsigned ch, long count)
{
    while (count-- > 0)
        ws2emu_strsafe_code_point(o, ch);
}

/* Prints a string: `precision` < 0 means all of it. */
static inline void ws2emu_strsafe_string(ws2emu_strsafe_out *o, const void *s, int wide,
                                         long width, long precision, int left)
{
    static const char null_text[] = "(null)";
    long n = 0, count;
    size_t at = 0, step;
    unsigned cp;
    if (s == NULL) {
        s = null_text;
        wide = 0;
    }
    while ((precision < 0 || n < precision) &&
           (step = ws2emu_strsafe_decode(wide ? (const void *)((const WCHAR *)s + at)
                                              : (const void *)((const char *)s + at),
                                         wide, &cp)) != 0) {
        at += step;
        n++;
    }
    if (!left)
        ws2emu_strsafe_pad(o, ' ', width - n);
    at = 0;
    for (count = n; count > 0; count--) {
        step = ws2emu_strsafe_decode(wide ? (const void *)((const WCHAR *)s + at)
                                          : (const void *)((const char *)s + at),
                                     wide, &cp);
        at += step;
        ws2emu_strsafe_code_point(o, cp);
    }
    if (left)
        ws2emu_strsafe_pad(o, ' ', width - n);
}

/* Decodes the next code point of the format; returns the units used (0 at its end). */
static inline size_t ws2emu_strsafe_next(const void *format, int wide, size_t *at, unsigned *cp)
{
    size_t step = ws2emu_strsafe_decode(wide ? (const void *)((const WCHAR *)format + *at)
                                             : (const void *)((const char *)format + *at),
                                        wide, cp);
    *at += step;
    if (step == 0)
        *cp = 0;
    return step;
}

static inline HRESULT ws2emu_strsafe_format(ws2emu_strsafe_out *o, const void *format,
                                            va_list args)
{
    size_t at = 0;
    unsigned cp;
    const int wide = o->wide;
#define WS2EMU_NEXT(cpvar) ws2emu_strsafe_next(format, wide, &at, &(cpvar))
    while (WS2EMU_NEXT(cp)) {
        int left = 0, zero = 0, plus = 0, space = 0, alt = 0, size = 32, text_wide = wide;
        long width = 0, precision = -1;
        char digits[72];
        int ndigits = 0, negative = 0, base = 10, upper = 0;
        unsigned long long value = 0;
        const char *prefix = "";
        if (cp != '%') {
            ws2emu_strsafe_code_point(o, cp);
            continue;
        }
        if (!WS2EMU_NEXT(cp))
            return STRSAFE_E_INVALID_PARAMETER;
        for (;; WS2EMU_NEXT(cp)) {
            if (cp == '-') left = 1;
            else if (cp == '0') zero = 1;
            else if (cp == '+') plus = 1;
            else if (cp == ' ') space = 1;
            else if (cp == '#') alt = 1;
            else break;
        }
        if (cp == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            WS2EMU_NEXT(cp);
        } else {
            while (cp >= '0' && cp <= '9') {
                width = width * 10 + (long)(cp - '0');
                WS2EMU_NEXT(cp);
            }
        }
        if (cp == '.') {
            precision = 0;
            WS2EMU_NEXT(cp);
            if (cp == '*') {
                precision = va_arg(args, int);
                WS2EMU_NEXT(cp);
            } else {
                while (cp >= '0' && cp <= '9') {
                    precision = precision * 10 + (long)(cp - '0');
                    WS2EMU_NEXT(cp);
                }
            }
        }
        /* Size prefixes. text_wide: -1 narrow, 1 wide (for s/c), else the default. */
        {
            int text = 0;
            for (;;) {
                if (cp == 'h') { text = -1; size = 32; WS2EMU_NEXT(cp); }
                else if (cp == 'l') {
                    text = 1;
                    WS2EMU_NEXT(cp);
                    if (cp == 'l') { size = 64; WS2EMU_NEXT(cp); }
                    else size = 32; /* long is 32-bit on Windows */
                }
                else if (cp == 'w') { text = 1; WS2EMU_NEXT(cp); }
                else if (cp == 'z' || cp == 't' || cp == 'j') { size = 64; WS2EMU_NEXT(cp); }
                else if (cp == 'I') {
                    WS2EMU_NEXT(cp);
                    if (cp == '6') { WS2EMU_NEXT(cp); WS2EMU_NEXT(cp); size = 64; }
                    else if (cp == '3') { WS2EMU_NEXT(cp); WS2EMU_NEXT(cp); size = 32; }
                    else size = 64;
                }
                else break;
            }
            switch (cp) {
            case 's': case 'c':
                text_wide = text ? text > 0 : wide;
                break;
            case 'S': case 'C':
                text_wide = text ? text > 0 : !wide;
                break;
            default:
                break;
            }
        }
        switch (cp) {
        case '%':
            ws2emu_strsafe_code_point(o, '%');
            continue;
        case 's': case 'S':
            if (text_wide)
                ws2emu_strsafe_string(o, va_arg(args, const WCHAR *), 1, width, precision, left);
            else
                ws2emu_strsafe_string(o, va_arg(args, const char *), 0, width, precision, left);
            continue;
        case 'c': case 'C': {
            int c = va_arg(args, int);
            if (!left) ws2emu_strsafe_pad(o, ' ', width - 1);
            ws2emu_strsafe_code_point(o, text_wide ? (unsigned)(WCHAR)c : (unsigned)(unsigned char)c);
            if (left) ws2emu_strsafe_pad(o, ' ', width - 1);
            continue;
        }
        case 'd': case 'i': {
            long long v = size == 64 ? va_arg(args, long long) : (long long)va_arg(args, int);
            negative = v < 0;
            value = negative ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            prefix = negative ? "-" : plus ? "+" : space ? " " : "";
            break;
        }
        case 'u': case 'x': case 'X': case 'o':
            value = size == 64 ? va_arg(args, unsigned long long)
                               : (unsigned long long)va_arg(args, unsigned int);
            base = cp == 'u' ? 10 : cp == 'o' ? 8 : 16;
            upper = cp == 'X';
            if (alt && value != 0)
                prefix = cp == 'x' ? "0x" : cp == 'X' ? "0X" : cp == 'o' ? "0" : "";
            break;
        case 'p':
            value = (unsigned long long)(ULONG_PTR)va_arg(args, void *);
            base = 16;
            upper = 1;
            precision = 16;
            break;
        default:
            return STRSAFE_E_INVALID_PARAMETER;
        }
        /* An integer: digits, precision zeros, prefix, padding. */
        do {
            unsigned d = (unsigned)(value % (unsigned)base);
            digits[ndigits++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
            value /= (unsigned)base;
        } while (value != 0 && ndigits < 64);
        {
            long prefix_len = 0, zeros, pad;
            while (prefix[prefix_len])
                prefix_len++;
            zeros = precision > ndigits ? precision - ndigits : 0;
            if (precision >= 0)
                zero = 0;
            pad = width - prefix_len - zeros - ndigits;
            if (!left && !zero) ws2emu_strsafe_pad(o, ' ', pad);
            for (long k = 0; k < prefix_len; k++)
                ws2emu_strsafe_code_point(o, (unsigned char)prefix[k]);
            if (!left && zero) ws2emu_strsafe_pad(o, '0', pad);
            ws2emu_strsafe_pad(o, '0', zeros);
            while (ndigits > 0)
                ws2emu_strsafe_code_point(o, (unsigned char)digits[--ndigits]);
            if (left) ws2emu_strsafe_pad(o, ' ', pad);
        }
    }
#undef WS2EMU_NEXT
    return S_OK;
}

static inline HRESULT ws2emu_strsafe_vprintf(void *dest, size_t cch, int wide, const void *format,
                                             va_list args)
{
    ws2emu_strsafe_out o;
    HRESULT hr;
    if (dest == NULL || cch == 0 || cch > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    o.buffer = dest;
    o.cch = cch;
    o.len = 0;
    o.wide = wide;
    o.overflow = 0;
    hr = format ? ws2emu_strsafe_format(&o, format, args) : STRSAFE_E_INVALID_PARAMETER;
    if (wide)
        ((WCHAR *)dest)[o.len] = 0;
    else
        ((char *)dest)[o.len] = 0;
    if (hr < 0)
        return hr;
    return o.overflow ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;
}

static inline HRESULT StringCchVPrintfW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszFormat,
                                        va_list argList)
{
    return ws2emu_strsafe_vprintf(pszDest, cchDest, 1, pszFormat, argList);
}
static inline HRESULT StringCchVPrintfA(char *pszDest, size_t cchDest, const char *pszFormat,
                                        va_list argList)
{
    return ws2emu_strsafe_vprintf(pszDest, cchDest, 0, pszFormat, argList);
}
static inline HRESULT StringCchPrintfW(WCHAR *pszDest, size_t cchDest, const WCHAR *pszFormat, ...)
{
    HRESULT hr;
    va_list args;
    va_start(args, pszFormat);
    hr = StringCchVPrintfW(pszDest, cchDest, pszFormat, args);
    va_end(args);
    return hr;
}
static inline HRESULT StringCchPrintfA(char *pszDest, size_t cchDest, const char *pszFormat, ...)
{
    HRESULT hr;
    va_list args;
    va_start(args, pszFormat);
    hr = StringCchVPrintfA(pszDest, cchDest, pszFormat, args);
    va_end(args);
    return hr;
}
static inline HRESULT StringCbPrintfW(WCHAR *pszDest, size_t cbDest, const WCHAR *pszFormat, ...)
{
    HRESULT hr;
    va_list args;
    va_start(args, pszFormat);
    hr = StringCchVPrintfW(pszDest, cbDest / sizeof(WCHAR), pszFormat, args);
    va_end(args);
    return hr;
}
static inline HRESULT StringCbPrintfA(char *pszDest, size_t cbDest, const char *pszFormat, ...)
{
    HRESULT hr;
    va_list args;
    va_start(args, pszFormat);
    hr = StringCchVPrintfA(pszDest, cbDest, pszFormat, args);
    va_end(args);
    return hr;
}

#ifdef UNICODE
#define StringCchCopy StringCchCopyW
#define StringCchCopyN StringCchCopyNW
#define StringCchCat StringCchCatW
#define StringCchLength StringCchLengthW
#define StringCchPrintf StringCchPrintfW
#define StringCchVPrintf StringCchVPrintfW
#define StringCbCopy StringCbCopyW
#define StringCbCat StringCbCatW
#define StringCbLength StringCbLengthW
#define StringCbPrintf StringCbPrintfW
#else
#define StringCchCopy StringCchCopyA
#define StringCchCopyN StringCchCopyNA
#define StringCchCat StringCchCatA
#define StringCchLength StringCchLengthA
#define StringCchPrintf StringCchPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCbCopy StringCbCopyA
#define StringCbCat StringCbCatA
#define StringCbLength StringCbLengthA
#define StringCbPrintf StringCbPrintfA
#endif

#ifdef __cplusplus
}
#endif

#endif /* WS2EMU_STRSAFE_H */
