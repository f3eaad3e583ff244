/*
 * guiddef.h - GUID and its helpers for ws2emu.
 *
 * Data1 is a 32-bit "unsigned long" on Windows; here it is unsigned int (same size). DEFINE_GUID
 * declares the GUID extern unless INITGUID is defined, in which case it also defines it (as a weak
 * symbol, so several translation units with INITGUID link together, like __declspec(selectany)).
 */
#ifndef WS2EMU_GUIDDEF_H
#define WS2EMU_GUIDDEF_H

#include "ws2emu.h"

#include <string.h>

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    unsigned int Data1;
    unsigned short Data2;
    unsigned short Data3;
    unsigned char Data4[8];
} GUID;
#endif

typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID IID;
typedef IID *LPIID;
typedef GUID CLSID;
typedef CLSID *LPCLSID;
typedef GUID FMTID;
typedef FMTID *LPFMTID;

#ifdef __cplusplus
#define REFGUID const GUID &
#define REFIID const IID &
#define REFCLSID const IID &
#define REFFMTID const IID &
#define WS2EMU_EXTERN_C extern "C"
#else
#define REFGUID const GUID *
#define REFIID const IID *
#define REFCLSID const IID *
#define REFFMTID const IID *
#define WS2EMU_EXTERN_C extern
#endif

#ifdef DEFINE_GUID
#undef DEFINE_GUID
#endif
#ifdef INITGUID
#ifdef __cplusplus
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    extern "C" __attribute__((weak)) const GUID name = \
        { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#else
/* A const object at file scope has external linkage in C: no extern needed (or wanted). */
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    __attribute__((weak)) const GUID name = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#endif
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    WS2EMU_EXTERN_C const GUID name
#endif
#define DEFINE_OLEGUID(name, l, w1, w2) \
    DEFINE_GUID(name, l, w1, w2, 0xC0, 0, 0, 0, 0, 0, 0, 0x46)

#define IsEqualGUID(a, b) WS2EMU_IsEqualGUID(WS2EMU_GUID_ADDR(a), WS2EMU_GUID_ADDR(b))
#define IsEqualIID(a, b) IsEqualGUID(a, b)
#define IsEqualCLSID(a, b) IsEqualGUID(a, b)
#define InlineIsEqualGUID(a, b) IsEqualGUID(a, b)

#ifdef __cplusplus
/* REFGUID is a reference in C++: IsEqualGUID(a, b) takes GUID lvalues. */
#define WS2EMU_GUID_ADDR(g) (&(g))
static inline int WS2EMU_IsEqualGUID(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof(GUID)) == 0;
}
static inline bool operator==(const GUID &a, const GUID &b)
{
    return memcmp(&a, &b, sizeof(GUID)) == 0;
}
static inline bool operator!=(const GUID &a, const GUID &b)
{
    return !(a == b);
}
#else
/* REFGUID is a pointer in C: IsEqualGUID(&a, &b) takes GUID pointers. */
#define WS2EMU_GUID_ADDR(g) (g)
static inline int WS2EMU_IsEqualGUID(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof(GUID)) == 0;
}
#endif

#endif /* WS2EMU_GUIDDEF_H */
