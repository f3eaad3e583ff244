/*
 * windows.h - the Win32 master header for ws2emu.
 *
 * Includes the Windows shim headers in their SDK order. As on Windows, windows.h does not
 * include winsock2.h: include it yourself (before or after windows.h). WIN32_LEAN_AND_MEAN
 * changes nothing here: ws2emu's windows.h never pulls in the old winsock.h (the SDK's reason
 * for that macro), and winuser.h is always included because WSAAsyncSelect needs it.
 */
#ifndef WS2EMU_WINDOWS_H
#define WS2EMU_WINDOWS_H

#include "ws2emu.h"
#include "sal.h"
#include "winnt.h"
#include "windef.h"
#include "winerror.h"
#include "winbase.h"
#include "winuser.h"

#endif /* WS2EMU_WINDOWS_H */
