/*
 * basetsd.h - fixed-size and pointer-sized integer types (Windows x64 meaning) for ws2emu.
 *
 * On Windows x64 "long" is 32 bits; on Linux x86-64 it is 64 bits. Every 32-bit Windows type
 * below is therefore spelled with int, never long; the pointer-sized ones use (unsigned) long long,
 * which has the size of a pointer on both.
 */
#ifndef WS2EMU_BASETSD_H
#define WS2EMU_BASETSD_H

#include "ws2emu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* exact-width integers */
typedef signed char INT8, *PINT8;
typedef short INT16, *PINT16;
typedef int INT32, *PINT32;
typedef long long INT64, *PINT64;
typedef unsigned char UINT8, *PUINT8;
typedef unsigned short UINT16, *PUINT16;
typedef unsigned int UINT32, *PUINT32;
typedef unsigned long long UINT64, *PUINT64;
typedef int LONG32, *PLONG32;
typedef unsigned int ULONG32, *PULONG32;
typedef unsigned int DWORD32, *PDWORD32;
typedef long long LONG64, *PLONG64;
typedef unsigned long long ULONG64, *PULONG64;
typedef unsigned long long DWORD64, *PDWORD64;

/* pointer-sized integers */
typedef long long INT_PTR, *PINT_PTR;
typedef unsigned long long UINT_PTR, *PUINT_PTR;
typedef long long LONG_PTR, *PLONG_PTR;
typedef unsigned long long ULONG_PTR, *PULONG_PTR;
typedef ULONG_PTR DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef LONG_PTR SSIZE_T, *PSSIZE_T;
typedef ULONG_PTR KAFFINITY, *PKAFFINITY;
typedef int HALF_PTR, *PHALF_PTR;
typedef unsigned int UHALF_PTR, *PUHALF_PTR;

#define MAXUINT_PTR (~(UINT_PTR)0)
#define MAXINT_PTR ((INT_PTR)(MAXUINT_PTR >> 1))
#define MININT_PTR (~MAXINT_PTR)
#define MAXULONG_PTR (~(ULONG_PTR)0)
#define MAXLONG_PTR ((LONG_PTR)(MAXULONG_PTR >> 1))
#define MINLONG_PTR (~MAXLONG_PTR)
#define MAXSIZE_T ((SIZE_T)~(SIZE_T)0)
#define MAXSSIZE_T ((SSIZE_T)(MAXSIZE_T >> 1))
#define MINSSIZE_T ((SSIZE_T)~MAXSSIZE_T)
#define MAXUINT8 ((UINT8)0xff)
#define MAXUINT16 ((UINT16)0xffff)
#define MAXUINT32 ((UINT32)0xffffffffU)
#define MAXUINT64 ((UINT64)0xffffffffffffffffULL)
#define MAXINT32 ((INT32)0x7fffffff)
#define MININT32 ((INT32)~MAXINT32)
#define MAXINT64 ((INT64)0x7fffffffffffffffLL)
#define MININT64 ((INT64)~MAXINT64)

/* conversions between pointers and the integer types (Windows names) */
#define HandleToULong(h) ((ULONG32)(ULONG_PTR)(h))
#define HandleToLong(h) ((LONG32)(LONG_PTR)(h))
#define ULongToHandle(v) ((void *)(UINT_PTR)(ULONG32)(v))
#define LongToHandle(v) ((void *)(INT_PTR)(LONG32)(v))
#define PtrToUlong(p) ((ULONG32)(ULONG_PTR)(p))
#define PtrToLong(p) ((LONG32)(LONG_PTR)(p))
#define PtrToUint(p) ((UINT32)(UINT_PTR)(p))
#define PtrToInt(p) ((INT32)(INT_PTR)(p))
#define PtrToUshort(p) ((unsigned short)(ULONG_PTR)(p))
#define PtrToShort(p) ((short)(LONG_PTR)(p))
#define IntToPtr(i) ((void *)(INT_PTR)(int)(i))
#define UIntToPtr(u) ((void *)(UINT_PTR)(unsigned int)(u))
#define LongToPtr(l) ((void *)(LONG_PTR)(int)(l))
#define ULongToPtr(u) ((void *)(ULONG_PTR)(unsigned int)(u))
#define Ptr32ToPtr(p) ((void *)(p))
#define PtrToPtr32(p) ((void *)(p))

#ifdef __cplusplus
}
#endif

#endif /* WS2EMU_BASETSD_H */
