/*
 * windef.h - basic Windows definitions for ws2emu: GUI handle types, POINT/RECT/SIZE, FILETIME,
 * MAX_PATH, the word/byte packing macros and min/max.
 *
 * The SDK splits these between minwindef.h and windef.h; ws2emu keeps the basic integer types in
 * winnt.h (so that every header compiles alone) and the rest here.
 */
#ifndef WS2EMU_WINDEF_H
#define WS2EMU_WINDEF_H

#include "ws2emu.h"
#include "winnt.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MAX_PATH 260

/* ------------------------------------------------------------------------------------------ */
/* Packing and unpacking words and bytes                                                       */
/* ------------------------------------------------------------------------------------------ */
#define MAKEWORD(lo, hi) ((WORD)(((BYTE)((DWORD_PTR)(lo) & 0xff)) | (((WORD)((BYTE)((DWORD_PTR)(hi) & 0xff))) << 8)))
#define MAKELONG(lo, hi) ((LONG)(((WORD)((DWORD_PTR)(lo) & 0xffff)) | (((DWORD)((WORD)((DWORD_PTR)(hi) & 0xffff))) << 16)))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l) ((WORD)(((DWORD_PTR)(l) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w) ((BYTE)(((DWORD_PTR)(w) >> 8) & 0xff))
#define MAKEWPARAM(lo, hi) ((WPARAM)(DWORD)MAKELONG(lo, hi))
#define MAKELPARAM(lo, hi) ((LPARAM)(DWORD)MAKELONG(lo, hi))
#define MAKELRESULT(lo, hi) ((LRESULT)(DWORD)MAKELONG(lo, hi))

/* min and max, as windef.h defines them. Not in C++ (they break <algorithm>, <limits> and other
 * standard headers, which is also why Windows C++ code defines NOMINMAX) and not with NOMINMAX. */
#if !defined(NOMINMAX) && !defined(__cplusplus)
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#endif

/* ------------------------------------------------------------------------------------------ */
/* Handle types of the window manager and GDI (opaque: only used as identities here)           */
/* ------------------------------------------------------------------------------------------ */
DECLARE_HANDLE(HICON);
typedef HICON HCURSOR;
DECLARE_HANDLE(HBRUSH);
DECLARE_HANDLE(HMENU);
DECLARE_HANDLE(HDC);
DECLARE_HANDLE(HFONT);
DECLARE_HANDLE(HBITMAP);
DECLARE_HANDLE(HPEN);
DECLARE_HANDLE(HRGN);
DECLARE_HANDLE(HPALETTE);
DECLARE_HANDLE(HMONITOR);
DECLARE_HANDLE(HDESK);
DECLARE_HANDLE(HWINSTA);
DECLARE_HANDLE(HHOOK);
DECLARE_HANDLE(HACCEL);
DECLARE_HANDLE(HKL);
typedef HANDLE HGDIOBJ;
typedef DWORD COLORREF, *LPCOLORREF;
typedef HWND *PHWND, *LPHWND;

/* ------------------------------------------------------------------------------------------ */
/* Geometry                                                                                    */
/* ------------------------------------------------------------------------------------------ */
typedef struct tagPOINT {
    LONG x;
    LONG y;
} POINT, *PPOINT, *NPPOINT, *LPPOINT;

typedef struct _POINTL {
    LONG x;
    LONG y;
} POINTL, *PPOINTL;

typedef struct tagPOINTS {
    SHORT x;
    SHORT y;
} POINTS, *PPOINTS, *LPPOINTS;

typedef struct tagRECT {
    LONG left;
    LONG top;
    LONG right;
    LONG bottom;
} RECT, *PRECT, *NPRECT, *LPRECT;
typedef const RECT *LPCRECT;

typedef struct _RECTL {
    LONG left;
    LONG top;
    LONG right;
    LONG bottom;
} RECTL, *PRECTL, *LPRECTL;
typedef const RECTL *LPCRECTL;

typedef struct tagSIZE {
    LONG cx;
    LONG cy;
} SIZE, *PSIZE, *LPSIZE;
typedef SIZE SIZEL, *PSIZEL, *LPSIZEL;

/* ------------------------------------------------------------------------------------------ */
/* File time: 100 ns intervals since 1601-01-01 UTC, as two 32-bit halves                      */
/* ------------------------------------------------------------------------------------------ */
typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

#ifdef __cplusplus
}
#endif

#endif /* WS2EMU_WINDEF_H */
