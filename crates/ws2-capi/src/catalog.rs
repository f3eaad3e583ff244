//! The catalog exports: `WSCEnumProtocols`, `WSAEnumProtocolsW/A`, `WSCInstallProvider`,
//! `WSCDeinstallProvider`, `WSCUpdateProvider`, `WSCWriteProviderOrder`, `WSCGetProviderPath`,
//! the Windows Vista LSP installer functions (`WSCInstallProviderAndChains`, its `64_32`
//! variant, `WSCGetProviderInfo`, `WSCSetProviderInfo`) and `WSAProviderConfigChange`
//! (notification of catalog changes).
//!
//! Windows contract (spec §4.2, Microsoft's reference pages): the `WSC*` functions act on the
//! stored catalog and return 0 / a count, or `SOCKET_ERROR` with the code in `*lpErrno`
//! (`WSCWriteProviderOrder` returns the code itself); `WSAEnumProtocols` is the application view
//! of the process's catalog and reports through `WSAGetLastError`.
//!
//! Emulation: every function is a thin shell over `ws2_core::catalog` ([`store()`] for the
//! stored catalog, `runtime().catalog()` for the process's WSAStartup snapshot): pointers are
//! checked here (NULL is never dereferenced), out-parameters are written only on success, except
//! the documented "size needed" of a too-small buffer. Catalog-file problems give
//! `WSANO_RECOVERY` and are printed once on stderr with the file, line and problem.
//!
//! Divergences: a NULL `lpErrno` makes a failing call return its failure value without a code
//! instead of faulting; see docs/catalog.md for the catalog's own divergences.
//!
//! # Safety (every export)
//! Each pointer argument is NULL or valid as Microsoft documents it: `lpiProtocols` a
//! zero-terminated `int` list, a buffer valid for `*lpdwBufferLength` bytes, a protocol-info
//! list of `dwNumberOfEntries` structures, NUL-terminated path strings. NULL is checked; the rest
//! is trusted, as ws2_32 does.
// The contract above applies to all exports alike, so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::boundary::{fail_api, ffi_boundary, spi_call, trace_call};
use ws2_abi::{DWORD, GUID, SOCKET_ERROR, WSAPROTOCOL_INFOA, WSAPROTOCOL_INFOW};
use ws2_core::catalog::{store, CatalogError, Visibility};
use ws2_core::runtime::runtime;
use ws2_core::trace::{self, Channel};
use ws2_core::WinError;

/// Traces one call on the `api` channel.
fn code(e: CatalogError) -> WinError {
    e.reported().code()
}

/// Runs a WSC* body with the SPI convention, traced on the `api` channel.
///
/// # Safety
/// `errno` is NULL or writable.
unsafe fn spi(
    name: &str,
    errno: *mut i32,
    args: impl FnOnce() -> String,
    body: impl FnOnce() -> Result<i32, WinError>,
) -> i32 {
    // SAFETY: forwarded caller contract on errno.
    unsafe { spi_call(Channel::Api, name, errno, args, body) }
}

/// The `lpiProtocols` filter without its terminator; `None` for a NULL list.
///
/// # Safety
/// `protocols` is NULL or a zero-terminated readable `int` list.
unsafe fn filter(protocols: *const i32) -> Option<Vec<i32>> {
    if protocols.is_null() {
        return None;
    }
    let mut list = Vec::new();
    // SAFETY: the list is readable up to and including its zero terminator (contract).
    unsafe {
        let mut p = protocols;
        while p.read() != 0 {
            list.push(p.read());
            p = p.add(1);
        }
    }
    Some(list)
}

/// A NUL-terminated UTF-16 string without its terminator.
///
/// # Safety
/// `s` is non-null and NUL-terminated.
unsafe fn wide_str(s: *const u16) -> Vec<u16> {
    let mut out = Vec::new();
    // SAFETY: readable up to and including the terminator (contract).
    unsafe {
        let mut p = s;
        while p.read() != 0 {
            out.push(p.read());
            p = p.add(1);
        }
    }
    out
}

/// Copies `entries` into a caller's buffer of `*length` bytes, or reports the size needed.
///
/// Contract of both enumerations (spec item 48–50): a NULL buffer or a length below
/// `count × sizeof(entry)` fails with WSAENOBUFS and writes that size into `*length`;
/// otherwise the entries are copied and their count returned (`*length` unchanged).
///
/// # Safety
/// `length` is non-null and readable/writable; `buffer` is NULL or valid for `*length` bytes.
unsafe fn copy_out<T: Copy>(
    entries: &[T],
    buffer: *mut T,
    length: *mut DWORD,
) -> Result<i32, WinError> {
    let needed = std::mem::size_of_val(entries);
    let needed = DWORD::try_from(needed).map_err(|_| WinError::WSAENOBUFS)?;
    // SAFETY: length is non-null and readable (contract).
    let room = unsafe { length.read() };
    if buffer.is_null() || room < needed {
        // SAFETY: as above, writable.
        unsafe { length.write(needed) };
        return Err(WinError::WSAENOBUFS);
    }
    // SAFETY: buffer holds at least `needed` bytes (contract); T is plain data. The caller's
    // buffer need not be aligned, so each entry is written unaligned.
    unsafe {
        for (i, entry) in entries.iter().enumerate() {
            buffer.add(i).write_unaligned(*entry);
        }
    }
    Ok(entries.len() as i32)
}

/// WSCEnumProtocols: every entry of the *stored* catalog (hidden and layered ones included),
/// optionally filtered by `lpiProtocols` (an entry matches a protocol p when `iProtocol ≤ p ≤
/// iProtocol + iProtocolMaxOffset`). Errors: WSAEFAULT for a NULL `lpdwBufferLength`,
/// WSAENOBUFS with the size needed, WSANO_RECOVERY when the catalog file cannot be read.
#[no_mangle]
pub unsafe extern "system" fn WSCEnumProtocols(
    protocols: *mut i32,
    buffer: *mut WSAPROTOCOL_INFOW,
    length: *mut DWORD,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCEnumProtocols",
            errno,
            || format!("{protocols:p}, {buffer:p}, {length:p}"),
            || {
                if length.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                let catalog = store().load().map_err(code)?;
                let entries = catalog.enumerate(filter(protocols).as_deref(), Visibility::All);
                copy_out(&entries, buffer, length)
            },
        )
    }
}

/// The application view of the process's snapshot (no hidden or layered entries).
///
/// # Safety
/// As for WSAEnumProtocolsW.
unsafe fn application_entries(
    protocols: *const i32,
    length: *mut DWORD,
) -> Result<Vec<WSAPROTOCOL_INFOW>, WinError> {
    if !runtime().is_started() {
        return Err(WinError::WSANOTINITIALISED);
    }
    if length.is_null() {
        return Err(WinError::WSAEFAULT);
    }
    // SAFETY: forwarded caller contract.
    let filter = unsafe { filter(protocols) };
    Ok(runtime()
        .catalog()
        .enumerate(filter.as_deref(), Visibility::Application))
}

/// WSAEnumProtocolsW: the entries of the catalog this process read at WSAStartup, without
/// `PFL_HIDDEN` and layered (`ChainLen` 0) entries, optionally filtered like WSCEnumProtocols.
/// SOCKET_ERROR with the last error WSANOTINITIALISED (no WSAStartup), WSAEFAULT (NULL
/// `lpdwBufferLength`) or WSAENOBUFS (buffer too small; `*lpdwBufferLength` = size needed).
#[no_mangle]
pub unsafe extern "system" fn WSAEnumProtocolsW(
    protocols: *mut i32,
    buffer: *mut WSAPROTOCOL_INFOW,
    length: *mut DWORD,
) -> i32 {
    ffi_boundary("WSAEnumProtocolsW", SOCKET_ERROR, || {
        // SAFETY: forwarded caller contract.
        let result = unsafe { application_entries(protocols, length) }
            // SAFETY: length is non-null (checked), buffer per contract.
            .and_then(|entries| unsafe { copy_out(&entries, buffer, length) });
        trace_call(
            Channel::Api,
            "WSAEnumProtocolsW",
            || format!("{protocols:p}, {buffer:p}, {length:p}"),
            || match result {
                Ok(n) => n.to_string(),
                Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
            },
        );
        result.unwrap_or_else(|e| fail_api(e, SOCKET_ERROR))
    })
}

/// The ANSI form of an entry: `szProtocol` in UTF-8 (ws2emu's ANSI code page), cut at a
/// character boundary to fit 255 bytes and the terminator.
pub fn to_ansi(info: &WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOA {
    let len = info.szProtocol.iter().position(|&c| c == 0).unwrap_or(256);
    let text = String::from_utf16_lossy(&info.szProtocol[..len]);
    let mut name = [0 as ws2_abi::CHAR; 256];
    let mut used = 0;
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let bytes = c.encode_utf8(&mut buf).as_bytes();
        if used + bytes.len() > 255 {
            break;
        }
        for &b in bytes {
            name[used] = b as ws2_abi::CHAR;
            used += 1;
        }
    }
    WSAPROTOCOL_INFOA {
        dwServiceFlags1: info.dwServiceFlags1,
        dwServiceFlags2: info.dwServiceFlags2,
        dwServiceFlags3: info.dwServiceFlags3,
        dwServiceFlags4: info.dwServiceFlags4,
        dwProviderFlags: info.dwProviderFlags,
        ProviderId: info.ProviderId,
        dwCatalogEntryId: info.dwCatalogEntryId,
        ProtocolChain: info.ProtocolChain,
        iVersion: info.iVersion,
        iAddressFamily: info.iAddressFamily,
        iMaxSockAddr: info.iMaxSockAddr,
        iMinSockAddr: info.iMinSockAddr,
        iSocketType: info.iSocketType,
        iProtocol: info.iProtocol,
        iProtocolMaxOffset: info.iProtocolMaxOffset,
        iNetworkByteOrder: info.iNetworkByteOrder,
        iSecurityScheme: info.iSecurityScheme,
        dwMessageSize: info.dwMessageSize,
        dwProviderReserved: info.dwProviderReserved,
        szProtocol: name,
    }
}

/// The UTF-16 form of an ANSI entry (`szProtocol` read as UTF-8, ws2emu's ANSI code page).
pub fn from_ansi(info: &WSAPROTOCOL_INFOA) -> WSAPROTOCOL_INFOW {
    let len = info.szProtocol.iter().position(|&c| c == 0).unwrap_or(256);
    let bytes: Vec<u8> = info.szProtocol[..len].iter().map(|&c| c as u8).collect();
    let mut wide = ws2_core::catalog::blank_protocol_info();
    for (dst, src) in wide
        .szProtocol
        .iter_mut()
        .take(255)
        .zip(String::from_utf8_lossy(&bytes).encode_utf16())
    {
        *dst = src;
    }
    WSAPROTOCOL_INFOW {
        dwServiceFlags1: info.dwServiceFlags1,
        dwServiceFlags2: info.dwServiceFlags2,
        dwServiceFlags3: info.dwServiceFlags3,
        dwServiceFlags4: info.dwServiceFlags4,
        dwProviderFlags: info.dwProviderFlags,
        ProviderId: info.ProviderId,
        dwCatalogEntryId: info.dwCatalogEntryId,
        ProtocolChain: info.ProtocolChain,
        iVersion: info.iVersion,
        iAddressFamily: info.iAddressFamily,
        iMaxSockAddr: info.iMaxSockAddr,
        iMinSockAddr: info.iMinSockAddr,
        iSocketType: info.iSocketType,
        iProtocol: info.iProtocol,
        iProtocolMaxOffset: info.iProtocolMaxOffset,
        iNetworkByteOrder: info.iNetworkByteOrder,
        iSecurityScheme: info.iSecurityScheme,
        dwMessageSize: info.dwMessageSize,
        dwProviderReserved: info.dwProviderReserved,
        szProtocol: wide.szProtocol,
    }
}

/// WSAEnumProtocolsA: WSAEnumProtocolsW with 372-byte `WSAPROTOCOL_INFOA` entries (sizes in
/// the WSAENOBUFS case count those). Divergence: the ANSI code page is UTF-8.
#[no_mangle]
pub unsafe extern "system" fn WSAEnumProtocolsA(
    protocols: *mut i32,
    buffer: *mut WSAPROTOCOL_INFOA,
    length: *mut DWORD,
) -> i32 {
    ffi_boundary("WSAEnumProtocolsA", SOCKET_ERROR, || {
        // SAFETY: forwarded caller contract.
        let result = unsafe { application_entries(protocols, length) }.and_then(|entries| {
            let ansi: Vec<WSAPROTOCOL_INFOA> = entries.iter().map(to_ansi).collect();
            // SAFETY: length is non-null (checked), buffer per contract.
            unsafe { copy_out(&ansi, buffer, length) }
        });
        trace_call(
            Channel::Api,
            "WSAEnumProtocolsA",
            || format!("{protocols:p}, {buffer:p}, {length:p}"),
            || match result {
                Ok(n) => n.to_string(),
                Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
            },
        );
        result.unwrap_or_else(|e| fail_api(e, SOCKET_ERROR))
    })
}

/// The GUID, path and list arguments of WSCInstallProvider/WSCUpdateProvider, checked:
/// WSAEFAULT for a NULL GUID, path or list (spec item 55).
///
/// # Safety
/// Non-null pointers are valid (contract).
unsafe fn provider_arguments(
    provider: *const GUID,
    path: *const u16,
    list: *const WSAPROTOCOL_INFOW,
    count: DWORD,
) -> Result<(GUID, Vec<u16>, Vec<WSAPROTOCOL_INFOW>), WinError> {
    if provider.is_null() || path.is_null() || list.is_null() {
        return Err(WinError::WSAEFAULT);
    }
    // SAFETY: provider is readable, path NUL-terminated, list holds `count` entries (contract;
    // read unaligned because C callers owe us no alignment beyond the struct's own).
    unsafe {
        let infos = (0..count as usize)
            .map(|i| list.add(i).read_unaligned())
            .collect();
        Ok((provider.read_unaligned(), wide_str(path), infos))
    }
}

/// WSCInstallProvider: adds one catalog entry per element of the list, with fresh catalog ids
/// (the caller's `dwCatalogEntryId` is ignored) and `ProviderId` = `*lpProviderId`. Visible to
/// this process after its next first WSAStartup (snapshot semantics, item 57).
/// Errors (nothing changes): WSAEFAULT (NULL GUID, path or list), WSANO_RECOVERY (GUID already
/// installed, item 54; catalog file problem), WSAEINVAL (no entries, relative or empty path,
/// bad chain).
#[no_mangle]
pub unsafe extern "system" fn WSCInstallProvider(
    provider: *mut GUID,
    path: *const u16,
    list: *const WSAPROTOCOL_INFOW,
    count: DWORD,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCInstallProvider",
            errno,
            || format!("{provider:p}, {path:p}, {list:p}, {count}"),
            || {
                let (guid, path, infos) = provider_arguments(provider, path, list, count)?;
                store().install(&guid, &path, &infos).map_err(code)?;
                Ok(0)
            },
        )
    }
}

/// WSCDeinstallProvider: removes every entry of the provider. WSAEFAULT for a NULL GUID,
/// WSAEINVAL for an unknown one (item 56), WSANO_RECOVERY for a catalog file problem.
#[no_mangle]
pub unsafe extern "system" fn WSCDeinstallProvider(provider: *mut GUID, errno: *mut i32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCDeinstallProvider",
            errno,
            || format!("{provider:p}"),
            || {
                if provider.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                // SAFETY: non-null and readable (contract).
                let guid = provider.read_unaligned();
                store().deinstall(&guid).map_err(code)?;
                Ok(0)
            },
        )
    }
}

/// WSCUpdateProvider: replaces the information of the listed entries of the provider (matched
/// by `dwCatalogEntryId`) and its path. WSAEFAULT (NULL GUID, path or list), WSAEINVAL (unknown
/// GUID, no entries, an id not of this provider or listed twice, bad path or chain),
/// WSANO_RECOVERY (catalog file problem).
#[no_mangle]
pub unsafe extern "system" fn WSCUpdateProvider(
    provider: *mut GUID,
    path: *const u16,
    list: *const WSAPROTOCOL_INFOW,
    count: DWORD,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCUpdateProvider",
            errno,
            || format!("{provider:p}, {path:p}, {list:p}, {count}"),
            || {
                let (guid, path, infos) = provider_arguments(provider, path, list, count)?;
                store().update(&guid, &path, &infos).map_err(code)?;
                Ok(0)
            },
        )
    }
}

/// WSCWriteProviderOrder: reorders the stored catalog. Returns the error code itself:
/// ERROR_SUCCESS (0), WSAEINVAL (NULL list, a count other than the number of entries, an
/// unknown id or one listed twice; nothing changes), WSANO_RECOVERY (catalog file problem).
#[no_mangle]
pub unsafe extern "system" fn WSCWriteProviderOrder(ids: *mut DWORD, count: DWORD) -> i32 {
    ffi_boundary("WSCWriteProviderOrder", ws2_abi::WSANO_RECOVERY, || {
        let result = if ids.is_null() {
            Err(WinError::WSAEINVAL)
        } else {
            // SAFETY: non-null, `count` readable DWORDs (contract).
            let list: Vec<DWORD> = (0..count as usize)
                .map(|i| unsafe { ids.add(i).read_unaligned() })
                .collect();
            store().write_order(&list).map_err(code)
        };
        trace_call(
            Channel::Api,
            "WSCWriteProviderOrder",
            || format!("{ids:p}, {count}"),
            || match result {
                Ok(()) => "0".into(),
                Err(e) => trace::outcome(e.as_i32(), Some(e)),
            },
        );
        result.map_or_else(WinError::as_i32, |()| 0)
    })
}

/// WSCGetProviderPath: the same contract and code as WPUGetProviderPath (items 41–47): the
/// stored catalog's path, NUL-terminated and unexpanded; WSAEINVAL for an unknown GUID,
/// WSAEFAULT for NULL pointers or a too-small buffer (then `*lpProviderDllPathLen` = length +
/// 1); on success `*lpProviderDllPathLen` = length without the terminator.
#[no_mangle]
pub unsafe extern "system" fn WSCGetProviderPath(
    provider: *mut GUID,
    path: *mut u16,
    length: *mut i32,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCGetProviderPath",
            errno,
            || format!("{provider:p}, {path:p}, {length:p}"),
            || crate::upcalls::copy_provider_path(provider, path, length).map(|()| 0),
        )
    }
}

/// WSCInstallProviderAndChains (Windows Vista): installs a layered ("dummy", `ChainLen` 0)
/// entry named `lpszLspName` with `dwServiceFlags` and one protocol chain [layered entry, lower
/// entry...] per lower entry, all under `lpProviderId` and its path, in one atomic change of the
/// stored catalog; the chains go to the front of the catalog order, the layered entry right
/// behind them. A NULL list layers over the first base entry of each distinct (family, type,
/// protocol); a list names lower entries by `iAddressFamily`, `iSocketType` and `iProtocol`
/// only (the top-most selectable match). `*lpdwCatalogEntryId` (optional) receives the layered
/// entry's id. Details: `Catalog::install_provider_and_chains`.
///
/// Errors (Microsoft's table, nothing changes): WSAEINVAL for a NULL GUID, path or name (the
/// page names a NULL `lpProviderId` WSAEINVAL, and "invalid" path and name), a bad or too long
/// path or name, a non-NULL list with `dwNumberOfEntries` 0, a GUID or name already in the
/// catalog, a triple without a match; WSANO_RECOVERY for a NULL list without base entries, a
/// lower chain of `MAX_PROTOCOL_CHAIN` entries, a catalog file problem.
#[no_mangle]
pub unsafe extern "system" fn WSCInstallProviderAndChains(
    provider: *mut GUID,
    path: *const u16,
    name: *const u16,
    service_flags: DWORD,
    list: *mut WSAPROTOCOL_INFOW,
    count: DWORD,
    catalog_id: *mut DWORD,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCInstallProviderAndChains",
            errno,
            || {
                format!(
                    "{provider:p}, {path:p}, {name:p}, {service_flags:#x}, {list:p}, {count}, {catalog_id:p}"
                )
            },
            || install_and_chains(provider, path, name, service_flags, list, count, catalog_id),
        )
    }
}

/// WSCInstallProviderAndChains64_32: on Windows it installs into both the 64-bit and the
/// 32-bit catalog (`lpszProviderDllPath32` names the 32-bit DLL). ws2emu has one catalog, so
/// this is [`WSCInstallProviderAndChains`] with `lpszProviderDllPath32` ignored (a divergence:
/// Windows' rule that a NULL 32-bit path requires a `%windir%\system32` 64-bit path is not
/// applied).
#[no_mangle]
pub unsafe extern "system" fn WSCInstallProviderAndChains64_32(
    provider: *mut GUID,
    path: *const u16,
    path32: *const u16,
    name: *const u16,
    service_flags: DWORD,
    list: *mut WSAPROTOCOL_INFOW,
    count: DWORD,
    catalog_id: *mut DWORD,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCInstallProviderAndChains64_32",
            errno,
            || {
                format!(
                    "{provider:p}, {path:p}, {path32:p}, {name:p}, {service_flags:#x}, {list:p}, {count}, {catalog_id:p}"
                )
            },
            || install_and_chains(provider, path, name, service_flags, list, count, catalog_id),
        )
    }
}

/// The body of both WSCInstallProviderAndChains exports.
///
/// # Safety
/// Non-null pointers are valid (contract).
unsafe fn install_and_chains(
    provider: *const GUID,
    path: *const u16,
    name: *const u16,
    service_flags: DWORD,
    list: *const WSAPROTOCOL_INFOW,
    count: DWORD,
    catalog_id: *mut DWORD,
) -> Result<i32, WinError> {
    if provider.is_null() || path.is_null() || name.is_null() {
        return Err(WinError::WSAEINVAL);
    }
    // SAFETY: provider readable, path and name NUL-terminated, list NULL or `count` entries
    // (contract; read unaligned, C callers owe us no more alignment than the struct's own).
    let (guid, path, name, infos) = unsafe {
        let infos: Option<Vec<WSAPROTOCOL_INFOW>> = (!list.is_null()).then(|| {
            (0..count as usize)
                .map(|i| list.add(i).read_unaligned())
                .collect()
        });
        (
            provider.read_unaligned(),
            wide_str(path),
            wide_str(name),
            infos,
        )
    };
    let (layered_id, _) = store()
        .modify(|c| {
            c.install_provider_and_chains(&guid, &path, &name, service_flags, infos.as_deref())
        })
        .map_err(code)?;
    if !catalog_id.is_null() {
        // SAFETY: non-null and writable (contract).
        unsafe { catalog_id.write_unaligned(layered_id) };
    }
    Ok(0)
}

/// WSCSetProviderInfo (Windows Vista): `ProviderInfoLspCategories` stores the DWORD at `Info`
/// as the LSP categories of every entry of the provider, in the stored catalog (the file's
/// `LspCategories` key, docs/catalog.md); enumerations do not show them. `Flags` is not
/// examined (Microsoft defines none).
///
/// Errors: ERROR_CALL_NOT_IMPLEMENTED for `ProviderInfoAudit` (Microsoft); WSAEFAULT for a NULL
/// GUID or `Info`; WSAEINVAL for another information class, an `InfoSize` other than
/// sizeof(DWORD) or an unknown GUID; WSANO_RECOVERY for a catalog file problem.
#[no_mangle]
pub unsafe extern "system" fn WSCSetProviderInfo(
    provider: *mut GUID,
    info_type: ws2_abi::WSC_PROVIDER_INFO_TYPE,
    info: *mut u8,
    info_size: usize,
    flags: DWORD,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCSetProviderInfo",
            errno,
            || format!("{provider:p}, {info_type}, {info:p}, {info_size}, {flags:#x}"),
            || {
                if info_type == ws2_abi::ProviderInfoAudit {
                    return Err(WinError(ws2_abi::ERROR_CALL_NOT_IMPLEMENTED));
                }
                if provider.is_null() || info.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                if info_type != ws2_abi::ProviderInfoLspCategories
                    || info_size != std::mem::size_of::<DWORD>()
                {
                    return Err(WinError::WSAEINVAL);
                }
                // SAFETY: both non-null and readable (contract).
                let (guid, categories) = (
                    provider.read_unaligned(),
                    info.cast::<DWORD>().read_unaligned(),
                );
                store()
                    .modify(|c| c.set_lsp_categories(&guid, categories))
                    .map_err(code)?;
                Ok(0)
            },
        )
    }
}

/// WSCGetProviderInfo (Windows Vista): `ProviderInfoLspCategories` gives the provider's LSP
/// categories (0 when none were set) as a DWORD in `Info` and sets `*InfoSize` to its size.
///
/// Errors: ERROR_CALL_NOT_IMPLEMENTED for `ProviderInfoAudit` (Microsoft); WSAEFAULT for a NULL
/// GUID or `InfoSize`, and for a NULL `Info` or an `*InfoSize` below sizeof(DWORD), which
/// also set `*InfoSize` to the size needed (Microsoft: "returns failure and the size
/// required"; the code is ws2emu's choice, as for WSCGetProviderPath); WSAEINVAL for another
/// information class; WSAEINVALIDPROVIDER for an unknown GUID; WSANO_RECOVERY for a catalog
/// file problem.
#[no_mangle]
pub unsafe extern "system" fn WSCGetProviderInfo(
    provider: *mut GUID,
    info_type: ws2_abi::WSC_PROVIDER_INFO_TYPE,
    info: *mut u8,
    info_size: *mut usize,
    flags: DWORD,
    errno: *mut i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        spi(
            "WSCGetProviderInfo",
            errno,
            || format!("{provider:p}, {info_type}, {info:p}, {info_size:p}, {flags:#x}"),
            || {
                if info_type == ws2_abi::ProviderInfoAudit {
                    return Err(WinError(ws2_abi::ERROR_CALL_NOT_IMPLEMENTED));
                }
                if provider.is_null() || info_size.is_null() {
                    return Err(WinError::WSAEFAULT);
                }
                if info_type != ws2_abi::ProviderInfoLspCategories {
                    return Err(WinError::WSAEINVAL);
                }
                // SAFETY: non-null and readable (contract).
                let guid = provider.read_unaligned();
                let categories = store()
                    .load()
                    .and_then(|c| c.lsp_categories(&guid))
                    .map_err(code)?;
                let needed = std::mem::size_of::<DWORD>();
                // SAFETY: info_size non-null, readable and writable (contract).
                if info.is_null() || info_size.read_unaligned() < needed {
                    info_size.write_unaligned(needed);
                    return Err(WinError::WSAEFAULT);
                }
                // SAFETY: info holds at least `needed` bytes (checked above, contract).
                info.cast::<DWORD>().write_unaligned(categories);
                info_size.write_unaligned(needed);
                Ok(0)
            },
        )
    }
}

/// What WSAProviderConfigChange compares to see a catalog change: the number of changes this
/// process stored in an in-memory catalog, and the identity of the catalog file (device, inode,
/// modification and change times, size), which every write changes, by this process or another
/// (the store renames a new file over it).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct ConfigStamp {
    generation: u64,
    file: Option<(u64, u64, i64, i64, i64, u64)>,
}

fn config_stamp() -> ConfigStamp {
    use std::os::unix::fs::MetadataExt;
    let file = store()
        .path()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            (
                m.dev(),
                m.ino(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime_nsec(),
                m.len(),
            )
        });
    ConfigStamp {
        generation: ws2_core::catalog::generation(),
        file,
    }
}

/// The notification handles WSAProviderConfigChange made, with the catalog state each last
/// reported (a change after it completes the next call).
static NOTIFICATIONS: std::sync::Mutex<std::collections::BTreeMap<usize, ConfigStamp>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

fn notifications() -> std::sync::MutexGuard<'static, std::collections::BTreeMap<usize, ConfigStamp>>
{
    NOTIFICATIONS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether `handle` is a notification handle that is still open (CloseHandle closes it).
fn notification_open(handle: usize) -> bool {
    runtime()
        .signal(handle, &[ws2_core::handle::Kind::Event])
        .is_some()
        && notifications().contains_key(&handle)
}

/// How often a waiting WSAProviderConfigChange looks at the catalog.
const CONFIG_POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// Waits until the catalog differs from what `handle` last reported, then records the new
/// state. False when the handle was closed meanwhile.
fn wait_for_change(handle: usize) -> bool {
    loop {
        if !notification_open(handle) {
            notifications().remove(&handle);
            return false;
        }
        let now = config_stamp();
        {
            let mut table = notifications();
            if let Some(seen) = table.get_mut(&handle) {
                if *seen != now {
                    *seen = now;
                    return true;
                }
            }
        }
        std::thread::sleep(CONFIG_POLL);
    }
}

/// WSAProviderConfigChange: notification of catalog changes. With `*lpNotificationHandle`
/// NULL, returns a new notification handle at once (close it with CloseHandle). With that
/// handle, completes when the catalog changed since the handle was made or last reported a
/// change (WSCInstallProvider, WSCDeinstallProvider, WSCUpdateProvider, WSCWriteProviderOrder
/// in this process, or another process writing the `WS2EMU_CATALOG` file: seen within 20 ms):
/// blocking without `lpOverlapped`; with it, SOCKET_ERROR/WSA_IO_PENDING and the completion
/// later by `hEvent` (bit 0 masked) and/or `lpCompletionRoutine` (an APC to the calling
/// thread, run in an alertable wait), `Internal` 0. Closing the handle ends a pending request
/// with WSA_OPERATION_ABORTED (STATUS_CANCELLED in `Internal`). Errors: WSANOTINITIALISED
/// before WSAStartup; WSA_INVALID_HANDLE for a value that is not an open notification handle;
/// WSAEFAULT for a NULL `lpNotificationHandle` (Windows faults). A completion port is not
/// notified (the handle cannot be associated with one here).
///
/// # Safety
/// `handle` is NULL or readable and writable; `overlapped` is NULL or a WSAOVERLAPPED that
/// stays valid until the request completes.
#[no_mangle]
pub unsafe extern "system" fn WSAProviderConfigChange(
    handle: *mut ws2_abi::HANDLE,
    overlapped: ws2_abi::LPWSAOVERLAPPED,
    routine: ws2_abi::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32 {
    ffi_boundary("WSAProviderConfigChange", SOCKET_ERROR, || {
        // SAFETY: forwarded contract.
        let result = unsafe { provider_config_change(handle, overlapped, routine) };
        trace_call(
            Channel::Api,
            "WSAProviderConfigChange",
            || format!("{handle:p}, {overlapped:p}, ..."),
            || match result {
                Ok(()) => "0".into(),
                Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
            },
        );
        result.map_or_else(|e| fail_api(e, SOCKET_ERROR), |()| 0)
    })
}

/// The body of [`WSAProviderConfigChange`].
///
/// # Safety
/// As [`WSAProviderConfigChange`].
unsafe fn provider_config_change(
    handle: *mut ws2_abi::HANDLE,
    overlapped: ws2_abi::LPWSAOVERLAPPED,
    routine: ws2_abi::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> ws2_core::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use ws2_core::upcalls;
    if !runtime().is_started() {
        return Err(WinError::WSANOTINITIALISED);
    }
    if handle.is_null() {
        return Err(WinError::WSAEFAULT);
    }
    // SAFETY: non-null, readable (contract).
    let current = unsafe { handle.read() } as usize;
    if current == 0 {
        let stamp = config_stamp();
        let new = upcalls::create_signal(ws2_core::signal::SignalKind::ManualReset, 0)?;
        notifications().insert(new, stamp);
        // SAFETY: non-null, writable (contract).
        unsafe { handle.write(new as ws2_abi::HANDLE) };
        return Ok(());
    }
    if !notification_open(current) {
        return Err(WinError(ws2_abi::WSA_INVALID_HANDLE as u32));
    }
    if overlapped.is_null() {
        return if wait_for_change(current) {
            Ok(())
        } else {
            Err(WinError(ws2_abi::WSA_OPERATION_ABORTED as u32))
        };
    }
    let ov = overlapped as usize;
    // SAFETY: a valid WSAOVERLAPPED (contract), 8-byte aligned; read concurrently by
    // GetOverlappedResult/WSAGetOverlappedResult, hence the atomics.
    let event = unsafe {
        AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*overlapped).InternalHigh))
            .store(0, Ordering::Relaxed);
        AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*overlapped).Internal))
            .store(ws2_abi::STATUS_PENDING as usize, Ordering::Release);
        (*overlapped).hEvent as usize & !1
    };
    if event != 0 {
        let _ = upcalls::reset_event(event);
    }
    let thread = match routine {
        Some(_) => Some(upcalls::open_current_thread()?.0),
        None => None,
    };
    std::thread::spawn(move || {
        let changed = wait_for_change(current);
        let (status, error) = if changed {
            (0, 0)
        } else {
            (
                ws2_abi::STATUS_CANCELLED as usize,
                ws2_abi::WSA_OPERATION_ABORTED as u32,
            )
        };
        let ov = ov as ws2_abi::LPWSAOVERLAPPED;
        // SAFETY: the overlapped stays valid until the request completes (contract).
        unsafe {
            AtomicUsize::from_ptr(std::ptr::addr_of_mut!((*ov).Internal))
                .store(status, Ordering::Release);
        }
        if event != 0 {
            let _ = upcalls::set_event(event);
        }
        if let (Some(routine), Some(thread)) = (routine, thread) {
            let ov = ov as usize;
            let apc = Box::new(move || {
                // SAFETY: the application's completion routine with its overlapped.
                unsafe { routine(error, 0, ov as ws2_abi::LPWSAOVERLAPPED, 0) };
            });
            let _ = upcalls::queue_user_apc(thread, apc);
            let _ = upcalls::close_handle(thread);
        }
    });
    Err(WinError(ws2_abi::WSA_IO_PENDING as u32))
}
