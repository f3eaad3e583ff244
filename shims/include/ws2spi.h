/*
 * ws2spi.h - the Winsock 2 service provider interface: what a transport service provider
 * exports (WSPStartup), the dispatch table it fills (WSPPROC_TABLE, 30 slots) and the upcall
 * table it receives (WSPUPCALLTABLE, 15 slots), plus the catalog functions (WSC*).
 * Part of the ws2emu Windows shims (see ws2emu.h).
 *
 * The order of the table members is part of the ABI and must never change. WSPAPI is the
 * native C calling convention; WSPStartup receives the upcall table by value, as on Windows.
 */
#ifndef _WINSOCK2SPI_
#define _WINSOCK2SPI_

#include <ws2emu.h>
#include <winsock2.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WSPAPI
#define WSPAPI WSAAPI
#endif

#define WSPDESCRIPTION_LEN 255

/* Status a provider stores in WSAOVERLAPPED.Internal while an operation is in progress. */
#define WSS_OPERATION_IN_PROGRESS 0x00000103

typedef struct WSPData {
    WORD wVersion;
    WORD wHighVersion;
    WCHAR szDescription[WSPDESCRIPTION_LEN + 1];
} WSPDATA, *LPWSPDATA;

/* Identifies the thread that issued an overlapped request (for WPUQueueApc). */
typedef struct _WSATHREADID {
    HANDLE ThreadHandle;
    DWORD_PTR Reserved;
} WSATHREADID, *LPWSATHREADID;

typedef BOOL (CALLBACK *LPBLOCKINGCALLBACK)(DWORD_PTR dwContext);
typedef VOID (CALLBACK *LPWSAUSERAPC)(DWORD_PTR dwContext);

/* --------------------------------------------------------------------------------------------
 * Provider entry points (the dispatch table). Every one reports failure through *lpErrno.
 * ------------------------------------------------------------------------------------------ */
typedef SOCKET (WSPAPI *LPWSPACCEPT)(SOCKET s, struct sockaddr *addr, LPINT addrlen,
                                     LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData,
                                     LPINT lpErrno);
typedef INT (WSPAPI *LPWSPADDRESSTOSTRING)(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                                           LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                           LPWSTR lpszAddressString,
                                           LPDWORD lpdwAddressStringLength, LPINT lpErrno);
typedef int (WSPAPI *LPWSPASYNCSELECT)(SOCKET s, HWND hWnd, unsigned int wMsg, LONG lEvent,
                                       LPINT lpErrno);
typedef int (WSPAPI *LPWSPBIND)(SOCKET s, const struct sockaddr *name, int namelen,
                                LPINT lpErrno);
typedef int (WSPAPI *LPWSPCANCELBLOCKINGCALL)(LPINT lpErrno);
typedef int (WSPAPI *LPWSPCLEANUP)(LPINT lpErrno);
typedef int (WSPAPI *LPWSPCLOSESOCKET)(SOCKET s, LPINT lpErrno);
typedef int (WSPAPI *LPWSPCONNECT)(SOCKET s, const struct sockaddr *name, int namelen,
                                   LPWSABUF lpCallerData, LPWSABUF lpCalleeData, LPQOS lpSQOS,
                                   LPQOS lpGQOS, LPINT lpErrno);
typedef int (WSPAPI *LPWSPDUPLICATESOCKET)(SOCKET s, DWORD dwProcessId,
                                           LPWSAPROTOCOL_INFOW lpProtocolInfo, LPINT lpErrno);
typedef int (WSPAPI *LPWSPENUMNETWORKEVENTS)(SOCKET s, WSAEVENT hEventObject,
                                             LPWSANETWORKEVENTS lpNetworkEvents, LPINT lpErrno);
typedef int (WSPAPI *LPWSPEVENTSELECT)(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents,
                                       LPINT lpErrno);
typedef BOOL (WSPAPI *LPWSPGETOVERLAPPEDRESULT)(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                LPDWORD lpcbTransfer, BOOL fWait,
                                                LPDWORD lpdwFlags, LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETPEERNAME)(SOCKET s, struct sockaddr *name, LPINT namelen,
                                       LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKNAME)(SOCKET s, struct sockaddr *name, LPINT namelen,
                                       LPINT lpErrno);
typedef int (WSPAPI *LPWSPGETSOCKOPT)(SOCKET s, int level, int optname, char *optval,
                                      LPINT optlen, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWSPGETQOSBYNAME)(SOCKET s, LPWSABUF lpQOSName, LPQOS lpQOS,
                                         LPINT lpErrno);
typedef int (WSPAPI *LPWSPIOCTL)(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                                 DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
                                 LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                                 LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                 LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWSPJOINLEAF)(SOCKET s, const struct sockaddr *name, int namelen,
                                       LPWSABUF lpCallerData, LPWSABUF lpCalleeData,
                                       LPQOS lpSQOS, LPQOS lpGQOS, DWORD dwFlags, LPINT lpErrno);
typedef int (WSPAPI *LPWSPLISTEN)(SOCKET s, int backlog, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECV)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                LPWSAOVERLAPPED lpOverlapped,
                                LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECVDISCONNECT)(SOCKET s, LPWSABUF lpInboundDisconnectData,
                                          LPINT lpErrno);
typedef int (WSPAPI *LPWSPRECVFROM)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                    LPDWORD lpNumberOfBytesRecvd, LPDWORD lpFlags,
                                    struct sockaddr *lpFrom, LPINT lpFromlen,
                                    LPWSAOVERLAPPED lpOverlapped,
                                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                    LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSELECT)(int nfds, fd_set *readfds, fd_set *writefds,
                                  fd_set *exceptfds, const struct timeval *timeout,
                                  LPINT lpErrno);
typedef int (WSPAPI *LPWSPSEND)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                LPWSAOVERLAPPED lpOverlapped,
                                LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSENDDISCONNECT)(SOCKET s, LPWSABUF lpOutboundDisconnectData,
                                          LPINT lpErrno);
typedef int (WSPAPI *LPWSPSENDTO)(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount,
                                  LPDWORD lpNumberOfBytesSent, DWORD dwFlags,
                                  const struct sockaddr *lpTo, int iTolen,
                                  LPWSAOVERLAPPED lpOverlapped,
                                  LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine,
                                  LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSETSOCKOPT)(SOCKET s, int level, int optname, const char *optval,
                                      int optlen, LPINT lpErrno);
typedef int (WSPAPI *LPWSPSHUTDOWN)(SOCKET s, int how, LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWSPSOCKET)(int af, int type, int protocol,
                                     LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g, DWORD dwFlags,
                                     LPINT lpErrno);
typedef INT (WSPAPI *LPWSPSTRINGTOADDRESS)(LPWSTR AddressString, INT AddressFamily,
                                           LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                           LPSOCKADDR lpAddress, LPINT lpAddressLength,
                                           LPINT lpErrno);

/* The dispatch table, filled by WSPStartup. Slot order is fixed (GetSockOpt precedes
 * GetQOSByName). */
typedef struct _WSPPROC_TABLE {
    LPWSPACCEPT lpWSPAccept;                          /*  0 */
    LPWSPADDRESSTOSTRING lpWSPAddressToString;        /*  1 */
    LPWSPASYNCSELECT lpWSPAsyncSelect;                /*  2 */
    LPWSPBIND lpWSPBind;                              /*  3 */
    LPWSPCANCELBLOCKINGCALL lpWSPCancelBlockingCall;  /*  4 */
    LPWSPCLEANUP lpWSPCleanup;                        /*  5 */
    LPWSPCLOSESOCKET lpWSPCloseSocket;                /*  6 */
    LPWSPCONNECT lpWSPConnect;                        /*  7 */
    LPWSPDUPLICATESOCKET lpWSPDuplicateSocket;        /*  8 */
    LPWSPENUMNETWORKEVENTS lpWSPEnumNetworkEvents;    /*  9 */
    LPWSPEVENTSELECT lpWSPEventSelect;                /* 10 */
    LPWSPGETOVERLAPPEDRESULT lpWSPGetOverlappedResult; /* 11 */
    LPWSPGETPEERNAME lpWSPGetPeerName;                /* 12 */
    LPWSPGETSOCKNAME lpWSPGetSockName;                /* 13 */
    LPWSPGETSOCKOPT lpWSPGetSockOpt;                  /* 14 */
    LPWSPGETQOSBYNAME lpWSPGetQOSByName;              /* 15 */
    LPWSPIOCTL lpWSPIoctl;                            /* 16 */
    LPWSPJOINLEAF lpWSPJoinLeaf;                      /* 17 */
    LPWSPLISTEN lpWSPListen;                          /* 18 */
    LPWSPRECV lpWSPRecv;                              /* 19 */
    LPWSPRECVDISCONNECT lpWSPRecvDisconnect;          /* 20 */
    LPWSPRECVFROM lpWSPRecvFrom;                      /* 21 */
    LPWSPSELECT lpWSPSelect;                          /* 22 */
    LPWSPSEND lpWSPSend;                              /* 23 */
    LPWSPSENDDISCONNECT lpWSPSendDisconnect;          /* 24 */
    LPWSPSENDTO lpWSPSendTo;                          /* 25 */
    LPWSPSETSOCKOPT lpWSPSetSockOpt;                  /* 26 */
    LPWSPSHUTDOWN lpWSPShutdown;                      /* 27 */
    LPWSPSOCKET lpWSPSocket;                          /* 28 */
    LPWSPSTRINGTOADDRESS lpWSPStringToAddress;        /* 29 */
} WSPPROC_TABLE, *LPWSPPROC_TABLE;

/* --------------------------------------------------------------------------------------------
 * Upcalls (services of the Winsock DLL for providers).
 * ------------------------------------------------------------------------------------------ */
typedef BOOL (WSPAPI *LPWPUCLOSEEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWPUCLOSESOCKETHANDLE)(SOCKET s, LPINT lpErrno);
typedef WSAEVENT (WSPAPI *LPWPUCREATEEVENT)(LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWPUCREATESOCKETHANDLE)(DWORD dwCatalogEntryId, DWORD_PTR dwContext,
                                                 LPINT lpErrno);
typedef int (WSPAPI *LPWPUFDISSET)(SOCKET s, fd_set *fdset);
typedef int (WSPAPI *LPWPUGETPROVIDERPATH)(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                                           LPINT lpProviderDllPathLen, LPINT lpErrno);
typedef SOCKET (WSPAPI *LPWPUMODIFYIFSHANDLE)(DWORD dwCatalogEntryId, SOCKET ProposedHandle,
                                              LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPUPOSTMESSAGE)(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
typedef int (WSPAPI *LPWPUQUERYBLOCKINGCALLBACK)(DWORD dwCatalogEntryId,
                                                 LPBLOCKINGCALLBACK *lplpfnCallback,
                                                 PDWORD_PTR lpdwContext, LPINT lpErrno);
typedef int (WSPAPI *LPWPUQUERYSOCKETHANDLECONTEXT)(SOCKET s, PDWORD_PTR lpContext,
                                                    LPINT lpErrno);
typedef int (WSPAPI *LPWPUQUEUEAPC)(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc,
                                    DWORD_PTR dwContext, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPURESETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef BOOL (WSPAPI *LPWPUSETEVENT)(WSAEVENT hEvent, LPINT lpErrno);
typedef int (WSPAPI *LPWPUOPENCURRENTTHREAD)(LPWSATHREADID lpThreadId, LPINT lpErrno);
typedef int (WSPAPI *LPWPUCLOSETHREAD)(LPWSATHREADID lpThreadId, LPINT lpErrno);
/* Not a table slot: an ordinary export of the Winsock DLL. */
typedef int (WSPAPI *LPWPUCOMPLETEOVERLAPPEDREQUEST)(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                     DWORD dwError, DWORD cbTransferred,
                                                     LPINT lpErrno);

/* The upcall table, passed by value to WSPStartup. Slots 0-12 are alphabetical; the two thread
 * functions were appended later. */
typedef struct _WSPUPCALLTABLE {
    LPWPUCLOSEEVENT lpWPUCloseEvent;                             /*  0 */
    LPWPUCLOSESOCKETHANDLE lpWPUCloseSocketHandle;               /*  1 */
    LPWPUCREATEEVENT lpWPUCreateEvent;                           /*  2 */
    LPWPUCREATESOCKETHANDLE lpWPUCreateSocketHandle;             /*  3 */
    LPWPUFDISSET lpWPUFDIsSet;                                   /*  4 */
    LPWPUGETPROVIDERPATH lpWPUGetProviderPath;                   /*  5 */
    LPWPUMODIFYIFSHANDLE lpWPUModifyIFSHandle;                   /*  6 */
    LPWPUPOSTMESSAGE lpWPUPostMessage;                           /*  7 */
    LPWPUQUERYBLOCKINGCALLBACK lpWPUQueryBlockingCallback;       /*  8 */
    LPWPUQUERYSOCKETHANDLECONTEXT lpWPUQuerySocketHandleContext; /*  9 */
    LPWPUQUEUEAPC lpWPUQueueApc;                                 /* 10 */
    LPWPURESETEVENT lpWPUResetEvent;                             /* 11 */
    LPWPUSETEVENT lpWPUSetEvent;                                 /* 12 */
    LPWPUOPENCURRENTTHREAD lpWPUOpenCurrentThread;               /* 13 */
    LPWPUCLOSETHREAD lpWPUCloseThread;                           /* 14 */
} WSPUPCALLTABLE, *LPWSPUPCALLTABLE;

/* --------------------------------------------------------------------------------------------
 * The provider's single required export.
 * ------------------------------------------------------------------------------------------ */
typedef int (WSPAPI *LPWSPSTARTUP)(WORD wVersionRequested, LPWSPDATA lpWSPData,
                                   LPWSAPROTOCOL_INFOW lpProtocolInfo,
                                   WSPUPCALLTABLE UpcallTable, LPWSPPROC_TABLE lpProcTable);

/* Declared with default visibility so that a provider's definition is exported from its shared
 * object even when it is built with -fvisibility=hidden (on Windows a .def file or
 * __declspec(dllexport) does this). */
__attribute__((visibility("default")))
int WSPAPI WSPStartup(WORD wVersionRequested, LPWSPDATA lpWSPData,
                      LPWSAPROTOCOL_INFOW lpProtocolInfo, WSPUPCALLTABLE UpcallTable,
                      LPWSPPROC_TABLE lpProcTable);

/* --------------------------------------------------------------------------------------------
 * Catalog management (exported by the Winsock DLL).
 * ------------------------------------------------------------------------------------------ */
typedef int (WSPAPI *LPWSCENUMPROTOCOLS)(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                                         LPDWORD lpdwBufferLength, LPINT lpErrno);
typedef int (WSPAPI *LPWSCDEINSTALLPROVIDER)(LPGUID lpProviderId, LPINT lpErrno);
typedef int (WSPAPI *LPWSCINSTALLPROVIDER)(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                           const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                           DWORD dwNumberOfEntries, LPINT lpErrno);
typedef int (WSPAPI *LPWSCGETPROVIDERPATH)(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                                           LPINT lpProviderDllPathLen, LPINT lpErrno);
typedef int (WSPAPI *LPWSCUPDATEPROVIDER)(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                                          const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                          DWORD dwNumberOfEntries, LPINT lpErrno);

int WSPAPI WSCEnumProtocols(LPINT lpiProtocols, LPWSAPROTOCOL_INFOW lpProtocolBuffer,
                            LPDWORD lpdwBufferLength, LPINT lpErrno);
int WSPAPI WSCDeinstallProvider(LPGUID lpProviderId, LPINT lpErrno);
int WSPAPI WSCInstallProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                              const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                              DWORD dwNumberOfEntries, LPINT lpErrno);
int WSPAPI WSCGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                              LPINT lpProviderDllPathLen, LPINT lpErrno);
int WSPAPI WSCUpdateProvider(LPGUID lpProviderId, const WCHAR *lpszProviderDllPath,
                             const LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                             DWORD dwNumberOfEntries, LPINT lpErrno);
/* Reorders the catalog; the SDK declares it in sporder.h, which ws2emu does not provide. */
int WSPAPI WSCWriteProviderOrder(LPDWORD lpwdCatalogEntryId, DWORD dwNumberOfEntries);

/* Layered-provider categories (WSCSetApplicationCategory / provider info). */
#define LSP_SYSTEM          0x80000000
#define LSP_INSPECTOR       0x00000001
#define LSP_REDIRECTOR      0x00000002
#define LSP_PROXY           0x00000004
#define LSP_FIREWALL        0x00000008
#define LSP_INBOUND_MODIFY  0x00000010
#define LSP_OUTBOUND_MODIFY 0x00000020
#define LSP_CRYPTO_COMPRESS 0x00000040
#define LSP_LOCAL_CACHE     0x00000080

/* Information classes of WSCGetProviderInfo / WSCSetProviderInfo (Windows Vista). */
typedef enum _WSC_PROVIDER_INFO_TYPE {
    ProviderInfoLspCategories,
    ProviderInfoAudit
} WSC_PROVIDER_INFO_TYPE;

typedef struct _WSC_PROVIDER_AUDIT_INFO {
    DWORD RecordSize;
    PVOID Reserved;
} WSC_PROVIDER_AUDIT_INFO;

/* Installs a layered entry and its protocol chains, the chains first in the catalog order.
 * ws2emu has one catalog: the 64_32 variant does the same and ignores lpszProviderDllPath32. */
int WSPAPI WSCInstallProviderAndChains(LPGUID lpProviderId, const LPWSTR lpszProviderDllPath,
                                       const LPWSTR lpszLspName, DWORD dwServiceFlags,
                                       LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                       DWORD dwNumberOfEntries, LPDWORD lpdwCatalogEntryId,
                                       LPINT lpErrno);
int WSPAPI WSCInstallProviderAndChains64_32(LPGUID lpProviderId,
                                            const LPWSTR lpszProviderDllPath,
                                            const LPWSTR lpszProviderDllPath32,
                                            const LPWSTR lpszLspName, DWORD dwServiceFlags,
                                            LPWSAPROTOCOL_INFOW lpProtocolInfoList,
                                            DWORD dwNumberOfEntries,
                                            LPDWORD lpdwCatalogEntryId, LPINT lpErrno);
int WSPAPI WSCGetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                              size_t *InfoSize, DWORD Flags, LPINT lpErrno);
int WSPAPI WSCSetProviderInfo(LPGUID lpProviderId, WSC_PROVIDER_INFO_TYPE InfoType, PBYTE Info,
                              size_t InfoSize, DWORD Flags, LPINT lpErrno);

/* --------------------------------------------------------------------------------------------
 * The WPU functions as the SDK declares them. Only WPUCompleteOverlappedRequest is exported by
 * the ws2emu library (as by ws2_32.dll); the others exist only as slots of the upcall table that
 * WSPStartup receives: call them through that table, never by name.
 * ------------------------------------------------------------------------------------------ */
BOOL WSPAPI WPUCloseEvent(WSAEVENT hEvent, LPINT lpErrno);
int WSPAPI WPUCloseSocketHandle(SOCKET s, LPINT lpErrno);
WSAEVENT WSPAPI WPUCreateEvent(LPINT lpErrno);
SOCKET WSPAPI WPUCreateSocketHandle(DWORD dwCatalogEntryId, DWORD_PTR dwContext, LPINT lpErrno);
int WSPAPI WPUFDIsSet(SOCKET s, fd_set *fdset);
int WSPAPI WPUGetProviderPath(LPGUID lpProviderId, WCHAR *lpszProviderDllPath,
                              LPINT lpProviderDllPathLen, LPINT lpErrno);
SOCKET WSPAPI WPUModifyIFSHandle(DWORD dwCatalogEntryId, SOCKET ProposedHandle, LPINT lpErrno);
BOOL WSPAPI WPUPostMessage(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
int WSPAPI WPUQueryBlockingCallback(DWORD dwCatalogEntryId, LPBLOCKINGCALLBACK *lplpfnCallback,
                                    PDWORD_PTR lpdwContext, LPINT lpErrno);
int WSPAPI WPUQuerySocketHandleContext(SOCKET s, PDWORD_PTR lpContext, LPINT lpErrno);
int WSPAPI WPUQueueApc(LPWSATHREADID lpThreadId, LPWSAUSERAPC lpfnUserApc, DWORD_PTR dwContext,
                       LPINT lpErrno);
BOOL WSPAPI WPUResetEvent(WSAEVENT hEvent, LPINT lpErrno);
BOOL WSPAPI WPUSetEvent(WSAEVENT hEvent, LPINT lpErrno);
int WSPAPI WPUOpenCurrentThread(LPWSATHREADID lpThreadId, LPINT lpErrno);
int WSPAPI WPUCloseThread(LPWSATHREADID lpThreadId, LPINT lpErrno);
int WSPAPI WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED lpOverlapped, DWORD dwError,
                                        DWORD cbTransferred, LPINT lpErrno);

/* Replaces the routine used to post WSAAsyncSelect messages (for hosts without a message loop
 * of their own). */
int WSPAPI WSApSetPostRoutine(LPWPUPOSTMESSAGE lpPostRoutine);

#ifdef __cplusplus
}
#endif

#endif /* _WINSOCK2SPI_ */
