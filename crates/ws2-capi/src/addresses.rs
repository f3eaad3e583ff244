//! Address conversion: `inet_addr`, `inet_ntoa`, `inet_pton`/`InetPtonW`,
//! `inet_ntop`/`InetNtopW`, `WSAAddressToStringA/W`, `WSAStringToAddressA/W` and
//! `WSAHtonl`/`WSAHtons`/`WSANtohl`/`WSANtohs`.
//!
//! Windows contract (Microsoft documentation; behaviour measured by Wine's and ReactOS's test
//! suites where the documentation is silent):
//! - `inet_addr` accepts "a", "a.b", "a.b.c" and "a.b.c.d" with decimal, octal (leading 0) and
//!   hex (0x) parts, the last part filling the remaining bytes; whitespace ends the address; a
//!   single space gives 0 (documented); NULL, "" and anything else give `INADDR_NONE` (NULL also
//!   sets WSAEFAULT). No WSAStartup is needed.
//! - `inet_ntoa` writes into a per-thread buffer the next call on that thread overwrites.
//! - `inet_pton` returns 1, 0 for a string that is not an address of the family, -1 with
//!   WSAEAFNOSUPPORT for another family and -1 with WSAEFAULT for a NULL string or buffer. IPv4
//!   must be four decimal parts. `InetPtonW` also sets WSAEINVAL when it returns 0.
//! - `inet_ntop` returns the buffer, or NULL with WSAEAFNOSUPPORT (family) or
//!   ERROR_INVALID_PARAMETER (NULL buffer, size 0, or a buffer too small for the text and its
//!   NUL). IPv6 text is RFC 5952's, with `::a.b.c.d` for IPv4-compatible addresses as Windows
//!   prints them.
//! - `WSAAddressToString`/`WSAStringToAddress` are answered by the provider of the catalog entry
//!   `lpProtocolInfo` names, or of the first entry of the address family (WSPAddressToString /
//!   WSPStringToAddress): WSANOTINITIALISED before WSAStartup, WSAEINVAL for a family no entry
//!   serves, otherwise the provider's error (WSAEFAULT with the needed length for a small
//!   buffer, WSAEINVAL for text that is not an address). The ANSI forms convert UTF-8 ⇄ UTF-16
//!   around the provider's Unicode slot; lengths stay in characters.
//! - `WSAHtonl` & co.: 0, or SOCKET_ERROR with WSANOTINITIALISED, WSAENOTSOCK (a handle no
//!   provider registered) or WSAEFAULT (NULL output).
//!
//! Divergences (each shown by a test in tests/addresses_exports.rs): a NULL `pAddr` of
//! `inet_ntop` or a NULL address of `WSAAddressToString` fails (ERROR_INVALID_PARAMETER /
//! WSAEFAULT) where Windows faults; the ANSI code page is UTF-8.
// The pointer contract is the same for every export (NULL or valid as the Winsock
// documentation of the function requires), so it is stated once.
#![allow(clippy::missing_safety_doc)]

use crate::boundary::{fail_api, ffi_boundary, trace_call};
use crate::loader::start_provider;
use std::cell::Cell;
use std::ffi::{c_char, c_void, CStr};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ptr::null_mut;
use ws2_abi::*;
use ws2_core::runtime::runtime;
use ws2_core::trace::{self, Channel};
use ws2_core::WinError;

// ---------------------------------------------------------------------------------------------
// Text forms (pure)
// ---------------------------------------------------------------------------------------------

/// Parses one `inet_addr` part: decimal, octal (leading 0) or hex (0x); it must start with a
/// digit. Values saturate at `u32::MAX` (then fail the range check).
fn classic_part(part: &[u8]) -> Option<u32> {
    if part.is_empty() || !part[0].is_ascii_digit() {
        return None;
    }
    let (digits, radix) = if part.len() > 1 && part[0] == b'0' && (part[1] | 0x20) == b'x' {
        (&part[2..], 16)
    } else if part.len() > 1 && part[0] == b'0' {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() && radix == 16 {
        return None;
    }
    let mut value: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(radix)?;
        value = (value * u64::from(radix) + u64::from(d)).min(u64::from(u32::MAX) + 1);
    }
    u32::try_from(value).ok()
}

/// The `inet_addr` forms "a", "a.b", "a.b.c", "a.b.c.d" (the last part fills the remaining
/// bytes); the address ends at the end of the text or at whitespace. Returns the address bytes
/// in network order.
pub fn parse_classic_v4(text: &[u8]) -> Option<[u8; 4]> {
    let end = text
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(text.len());
    let parts: Vec<&[u8]> = text[..end].split(|&c| c == b'.').collect();
    if parts.len() > 4 {
        return None;
    }
    let values: Vec<u32> = parts
        .iter()
        .map(|p| classic_part(p))
        .collect::<Option<_>>()?;
    let (last, leading) = values.split_last()?;
    if leading.iter().any(|&v| v > 0xff) {
        return None;
    }
    let room = 8 * (4 - leading.len() as u32);
    if room < 32 && u64::from(*last) >= 1u64 << room {
        return None;
    }
    let mut value = *last;
    for (i, &v) in leading.iter().enumerate() {
        value |= v << (24 - 8 * i as u32);
    }
    Some(value.to_be_bytes())
}

/// `inet_pton`'s IPv4 form: exactly four decimal parts of 1–3 digits, each at most 255.
pub fn parse_strict_v4(text: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (slot, part) in out.iter_mut().zip(parts) {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    Some(out)
}

/// `inet_pton`'s IPv6 form (hex groups, `::`, an embedded IPv4 tail; no scope).
pub fn parse_v6(text: &str) -> Option<[u8; 16]> {
    text.parse::<Ipv6Addr>().ok().map(|a| a.octets())
}

pub fn format_v4(b: [u8; 4]) -> String {
    Ipv4Addr::from(b).to_string()
}

/// RFC 5952 text, except that IPv4-compatible addresses (`::a.b.c.d` with a non-zero upper
/// half of the IPv4 part) print their IPv4 tail, as Windows does.
pub fn format_v6(b: [u8; 16]) -> String {
    let ip = Ipv6Addr::from(b);
    let s = ip.segments();
    if s[..6] == [0; 6] && s[6] != 0 {
        format!("::{}.{}.{}.{}", b[12], b[13], b[14], b[15])
    } else {
        ip.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// C strings
// ---------------------------------------------------------------------------------------------

/// A NUL-terminated UTF-16 string without its NUL.
///
/// # Safety
/// `s` is non-null and NUL-terminated.
pub(crate) unsafe fn wide_units<'a>(s: *const u16) -> &'a [u16] {
    let mut len = 0;
    // SAFETY: every unit up to the NUL is readable (contract).
    while unsafe { *s.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: the `len` units were just read.
    unsafe { std::slice::from_raw_parts(s, len) }
}

/// Copies `text` and a NUL into `out` when `capacity` (in units) holds them; returns whether it
/// did.
///
/// # Safety
/// `out` is NULL or writable for `capacity` units.
pub(crate) unsafe fn copy_out<T: Copy + Default>(text: &[T], out: *mut T, capacity: usize) -> bool {
    if out.is_null() || capacity < text.len() + 1 {
        return false;
    }
    // SAFETY: out holds at least text.len() + 1 units (checked).
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), out, text.len());
        out.add(text.len()).write(T::default());
    }
    true
}

// ---------------------------------------------------------------------------------------------
// inet_addr / inet_ntoa
// ---------------------------------------------------------------------------------------------

/// inet_addr: see the module documentation; the result is in network byte order.
#[export_name = "ws2emu_inet_addr"]
pub unsafe extern "system" fn inet_addr(cp: *const c_char) -> u32 {
    ffi_boundary("inet_addr", INADDR_NONE, || {
        if cp.is_null() {
            return fail_api(WinError::WSAEFAULT, INADDR_NONE);
        }
        // SAFETY: non-null and NUL-terminated (contract).
        let text = unsafe { CStr::from_ptr(cp) }.to_bytes();
        if text == b" " {
            return 0;
        }
        parse_classic_v4(text).map_or(INADDR_NONE, u32::from_ne_bytes)
    })
}

thread_local! {
    /// inet_ntoa's per-thread buffer ("255.255.255.255" and its NUL fit).
    static NTOA: [Cell<c_char>; 16] = const { [const { Cell::new(0) }; 16] };
}

/// inet_ntoa: "a.b.c.d" in a per-thread buffer (valid until the thread's next call).
#[export_name = "ws2emu_inet_ntoa"]
pub extern "system" fn inet_ntoa(addr: IN_ADDR) -> *mut c_char {
    ffi_boundary("inet_ntoa", null_mut(), || {
        // SAFETY: every view of the union is four plain bytes.
        let bytes: [u8; 4] = unsafe { addr.S_un.S_addr }.to_ne_bytes();
        let text = format_v4(bytes);
        NTOA.with(|buf| {
            for (cell, c) in buf.iter().zip(text.bytes().chain([0])) {
                cell.set(c as c_char);
            }
            buf.as_ptr() as *mut c_char
        })
    })
}

// ---------------------------------------------------------------------------------------------
// inet_pton / inet_ntop
// ---------------------------------------------------------------------------------------------

/// The address bytes of `text` for `family`: Ok(None) when the text is not such an address.
fn pton(family: i32, text: &str) -> ws2_core::Result<Option<Vec<u8>>> {
    match family {
        AF_INET => Ok(parse_strict_v4(text).map(|b| b.to_vec())),
        AF_INET6 => Ok(parse_v6(text).map(|b| b.to_vec())),
        _ => Err(WinError(WSAEAFNOSUPPORT as u32)),
    }
}

/// Shared body of inet_pton/InetPtonW once the string is text.
///
/// # Safety
/// `out` is non-null and writable for the family's address size.
unsafe fn pton_into(family: i32, text: &str, out: *mut c_void) -> i32 {
    match pton(family, text) {
        Ok(Some(bytes)) => {
            // SAFETY: out holds an IN_ADDR or IN6_ADDR (contract).
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast(), bytes.len()) };
            1
        }
        Ok(None) => 0,
        Err(e) => fail_api(e, -1),
    }
}

#[export_name = "ws2emu_inet_pton"]
pub unsafe extern "system" fn inet_pton(family: i32, text: *const c_char, out: *mut c_void) -> i32 {
    ffi_boundary("inet_pton", -1, || {
        if text.is_null() || out.is_null() {
            return fail_api(WinError::WSAEFAULT, -1);
        }
        // SAFETY: non-null, NUL-terminated (contract).
        let bytes = unsafe { CStr::from_ptr(text) }.to_bytes();
        let text = std::str::from_utf8(bytes).unwrap_or("\u{fffd}");
        // SAFETY: out is non-null and sized for the family (contract).
        unsafe { pton_into(family, text, out) }
    })
}

#[no_mangle]
pub unsafe extern "system" fn InetPtonW(family: i32, text: *const u16, out: *mut c_void) -> i32 {
    ffi_boundary("InetPtonW", -1, || {
        if text.is_null() || out.is_null() {
            return fail_api(WinError::WSAEFAULT, -1);
        }
        // SAFETY: non-null, NUL-terminated (contract).
        let text = String::from_utf16_lossy(unsafe { wide_units(text) });
        // SAFETY: as inet_pton.
        match unsafe { pton_into(family, &text, out) } {
            0 => fail_api(WinError::WSAEINVAL, 0),
            r => r,
        }
    })
}

/// The text of the address at `addr` for `family`.
///
/// # Safety
/// `addr` is non-null and readable for the family's address size.
unsafe fn ntop(family: i32, addr: *const c_void) -> ws2_core::Result<String> {
    // SAFETY (both arms): addr is readable for the family's size (contract).
    match family {
        AF_INET => Ok(format_v4(unsafe {
            addr.cast::<[u8; 4]>().read_unaligned()
        })),
        AF_INET6 => Ok(format_v6(unsafe {
            addr.cast::<[u8; 16]>().read_unaligned()
        })),
        _ => Err(WinError(WSAEAFNOSUPPORT as u32)),
    }
}

/// Shared body of inet_ntop/InetNtopW: the text as units of `T`, or the error.
unsafe fn ntop_units<T: Copy + Default>(
    family: i32,
    addr: *const c_void,
    out: *mut T,
    size: usize,
    units: impl Fn(&str) -> Vec<T>,
) -> *const T {
    if family != AF_INET && family != AF_INET6 {
        return fail_api(WinError(WSAEAFNOSUPPORT as u32), std::ptr::null());
    }
    if addr.is_null() || out.is_null() || size == 0 {
        return fail_api(WinError::INVALID_PARAMETER, std::ptr::null());
    }
    // SAFETY: addr non-null and sized for the family (contract).
    let text = match unsafe { ntop(family, addr) } {
        Ok(t) => units(&t),
        Err(e) => return fail_api(e, std::ptr::null()),
    };
    // SAFETY: out is writable for `size` units (contract).
    if unsafe { copy_out(&text, out, size) } {
        out
    } else {
        fail_api(WinError::INVALID_PARAMETER, std::ptr::null())
    }
}

#[export_name = "ws2emu_inet_ntop"]
pub unsafe extern "system" fn inet_ntop(
    family: i32,
    addr: *const c_void,
    out: *mut c_char,
    size: usize,
) -> *const c_char {
    ffi_boundary("inet_ntop", std::ptr::null(), || {
        // SAFETY: contract of the export.
        unsafe {
            ntop_units(family, addr, out, size, |t| {
                t.bytes().map(|b| b as c_char).collect()
            })
        }
    })
}

#[no_mangle]
pub unsafe extern "system" fn InetNtopW(
    family: i32,
    addr: *const c_void,
    out: *mut u16,
    size: usize,
) -> *const u16 {
    ffi_boundary("InetNtopW", std::ptr::null(), || {
        // SAFETY: contract of the export.
        unsafe { ntop_units(family, addr, out, size, |t| t.encode_utf16().collect()) }
    })
}

// ---------------------------------------------------------------------------------------------
// WSAAddressToString / WSAStringToAddress: the provider of the family's catalog entry
// ---------------------------------------------------------------------------------------------

/// The catalog entry that answers for `family` (or the one `catalog_id` names) and its started
/// provider.
fn address_provider(
    family: i32,
    catalog_id: Option<u32>,
) -> ws2_core::Result<(WSAPROTOCOL_INFOW, std::sync::Arc<ws2_loader::Provider>)> {
    if !runtime().is_started() {
        return Err(WinError::WSANOTINITIALISED);
    }
    let entry = {
        let catalog = runtime().catalog();
        match catalog_id {
            Some(id) => catalog.by_id(id).cloned(),
            None => catalog
                .entries()
                .iter()
                .find(|e| {
                    e.info.iAddressFamily == family
                        && e.info.ProtocolChain.ChainLen != LAYERED_PROTOCOL
                })
                .cloned(),
        }
    }
    .ok_or(WinError::WSAEINVAL)?;
    let provider = start_provider(entry.id())?;
    Ok((entry.info, provider))
}

fn provider_error(errno: i32) -> WinError {
    if errno == 0 {
        WinError(WSASYSCALLFAILURE as u32)
    } else {
        WinError(errno as u32)
    }
}

fn finish(name: &str, result: ws2_core::Result<()>) -> i32 {
    trace_call(
        Channel::Api,
        name,
        || "...".into(),
        || match result {
            Ok(()) => "0".into(),
            Err(e) => trace::outcome("SOCKET_ERROR", Some(e)),
        },
    );
    match result {
        Ok(()) => 0,
        Err(e) => fail_api(e, SOCKET_ERROR),
    }
}

/// Calls WSPAddressToString of the entry for the address's family.
///
/// # Safety
/// `addr` is readable for `len` bytes (non-null); `out` NULL or writable for `*out_len` units;
/// `out_len` non-null; `info` NULL or readable.
unsafe fn address_to_wide(
    addr: *const SOCKADDR,
    len: DWORD,
    info: Option<&WSAPROTOCOL_INFOW>,
    catalog_id: Option<u32>,
    out: *mut u16,
    out_len: *mut DWORD,
) -> ws2_core::Result<()> {
    // SAFETY: addr is non-null and holds at least the family (checked by the callers).
    let family = i32::from(unsafe { std::ptr::addr_of!((*addr).sa_family).read_unaligned() });
    let (mut entry_info, provider) = address_provider(family, catalog_id)?;
    let slot = provider
        .procs()
        .lpWSPAddressToString
        .expect("validated by the loader");
    let info_ptr = match info {
        Some(i) => i as *const WSAPROTOCOL_INFOW as *mut WSAPROTOCOL_INFOW,
        None => &mut entry_info,
    };
    let mut errno = 0;
    // SAFETY: validated slot; pointers per this function's contract.
    let r = unsafe { slot(addr.cast_mut(), len, info_ptr, out, out_len, &mut errno) };
    if r == SOCKET_ERROR {
        Err(provider_error(errno))
    } else {
        Ok(())
    }
}

/// The first checks both forms share: WSANOTINITIALISED, then WSAEFAULT for a NULL address or
/// length pointer or an address too short to hold its family.
fn address_args(addr: *const SOCKADDR, len: DWORD, out_len: *mut DWORD) -> ws2_core::Result<()> {
    if !runtime().is_started() {
        return Err(WinError::WSANOTINITIALISED);
    }
    if addr.is_null() || out_len.is_null() || len < 2 {
        return Err(WinError::WSAEFAULT);
    }
    Ok(())
}

#[no_mangle]
pub unsafe extern "system" fn WSAAddressToStringW(
    addr: LPSOCKADDR,
    len: DWORD,
    info: LPWSAPROTOCOL_INFOW,
    out: LPWSTR,
    out_len: LPDWORD,
) -> INT {
    ffi_boundary("WSAAddressToStringW", SOCKET_ERROR, || {
        let result = address_args(addr, len, out_len).and_then(|()| {
            // SAFETY: info is NULL or readable (contract).
            let info = unsafe { info.as_ref() };
            // SAFETY: arguments checked above; the rest is the caller's contract.
            unsafe {
                address_to_wide(
                    addr,
                    len,
                    info,
                    info.map(|i| i.dwCatalogEntryId),
                    out,
                    out_len,
                )
            }
        });
        finish("WSAAddressToStringW", result)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAAddressToStringA(
    addr: LPSOCKADDR,
    len: DWORD,
    info: LPWSAPROTOCOL_INFOA,
    out: LPSTR,
    out_len: LPDWORD,
) -> INT {
    ffi_boundary("WSAAddressToStringA", SOCKET_ERROR, || {
        let result = address_args(addr, len, out_len).and_then(|()| {
            // SAFETY: info is NULL or readable (contract).
            let id = unsafe { info.as_ref() }.map(|i| i.dwCatalogEntryId);
            let mut wide = [0u16; 256];
            let mut wide_len = wide.len() as DWORD;
            // SAFETY: local buffer and length; addr checked.
            unsafe { address_to_wide(addr, len, None, id, wide.as_mut_ptr(), &mut wide_len)? };
            let text = String::from_utf16_lossy(&wide[..(wide_len as usize).saturating_sub(1)]);
            let needed = text.len() + 1;
            // SAFETY: out_len non-null (checked); out writable for *out_len bytes (contract).
            unsafe {
                if copy_out(text.as_bytes(), out.cast::<u8>(), *out_len as usize) {
                    *out_len = needed as DWORD;
                    Ok(())
                } else {
                    *out_len = needed as DWORD;
                    Err(WinError::WSAEFAULT)
                }
            }
        });
        finish("WSAAddressToStringA", result)
    })
}

/// Calls WSPStringToAddress of the entry for `family`.
///
/// # Safety
/// `text` is a NUL-terminated UTF-16 string; `out` NULL or writable for `*out_len` bytes;
/// `out_len` non-null; `info` NULL or readable.
unsafe fn string_to_address(
    text: *mut u16,
    family: i32,
    info: Option<&WSAPROTOCOL_INFOW>,
    catalog_id: Option<u32>,
    out: *mut SOCKADDR,
    out_len: *mut i32,
) -> ws2_core::Result<()> {
    let (mut entry_info, provider) = address_provider(family, catalog_id)?;
    let slot = provider
        .procs()
        .lpWSPStringToAddress
        .expect("validated by the loader");
    let info_ptr = match info {
        Some(i) => i as *const WSAPROTOCOL_INFOW as *mut WSAPROTOCOL_INFOW,
        None => &mut entry_info,
    };
    let mut errno = 0;
    // SAFETY: validated slot; pointers per this function's contract.
    let r = unsafe { slot(text, family, info_ptr, out, out_len, &mut errno) };
    if r == SOCKET_ERROR {
        Err(provider_error(errno))
    } else {
        Ok(())
    }
}

fn string_args(text_null: bool, out_len: *mut i32) -> ws2_core::Result<()> {
    if !runtime().is_started() {
        return Err(WinError::WSANOTINITIALISED);
    }
    if out_len.is_null() {
        return Err(WinError::WSAEFAULT);
    }
    if text_null {
        return Err(WinError::WSAEINVAL);
    }
    Ok(())
}

#[no_mangle]
pub unsafe extern "system" fn WSAStringToAddressW(
    text: LPWSTR,
    family: INT,
    info: LPWSAPROTOCOL_INFOW,
    out: LPSOCKADDR,
    out_len: LPINT,
) -> INT {
    ffi_boundary("WSAStringToAddressW", SOCKET_ERROR, || {
        let result = string_args(text.is_null(), out_len).and_then(|()| {
            // SAFETY: info NULL or readable; the rest is the caller's contract.
            let info = unsafe { info.as_ref() };
            unsafe {
                string_to_address(
                    text,
                    family,
                    info,
                    info.map(|i| i.dwCatalogEntryId),
                    out,
                    out_len,
                )
            }
        });
        finish("WSAStringToAddressW", result)
    })
}

#[no_mangle]
pub unsafe extern "system" fn WSAStringToAddressA(
    text: LPSTR,
    family: INT,
    info: LPWSAPROTOCOL_INFOA,
    out: LPSOCKADDR,
    out_len: LPINT,
) -> INT {
    ffi_boundary("WSAStringToAddressA", SOCKET_ERROR, || {
        let result = string_args(text.is_null(), out_len).and_then(|()| {
            // SAFETY: NUL-terminated (contract).
            let narrow = unsafe { CStr::from_ptr(text) };
            let mut wide: Vec<u16> = narrow.to_string_lossy().encode_utf16().collect();
            wide.push(0);
            // SAFETY: info NULL or readable (contract).
            let id = unsafe { info.as_ref() }.map(|i| i.dwCatalogEntryId);
            // SAFETY: the wide copy is NUL-terminated; out/out_len are the caller's.
            unsafe { string_to_address(wide.as_mut_ptr(), family, None, id, out, out_len) }
        });
        finish("WSAStringToAddressA", result)
    })
}

// ---------------------------------------------------------------------------------------------
// WSAHtonl / WSAHtons / WSANtohl / WSANtohs
// ---------------------------------------------------------------------------------------------

/// Writes `value` to `out` after the checks the four functions share.
unsafe fn convert<T>(name: &str, s: SOCKET, out: *mut T, value: T) -> i32 {
    ffi_boundary(name, SOCKET_ERROR, || {
        let result = if !runtime().is_started() {
            Err(WinError::WSANOTINITIALISED)
        } else if runtime().socket(s).is_none() {
            Err(WinError::WSAENOTSOCK)
        } else if out.is_null() {
            Err(WinError::WSAEFAULT)
        } else {
            // SAFETY: non-null and writable (contract).
            unsafe { out.write_unaligned(value) };
            Ok(())
        };
        finish(name, result)
    })
}

/// WSAHtonl: a u_long in network (big-endian) order; the socket must be a live one.
#[no_mangle]
pub unsafe extern "system" fn WSAHtonl(s: SOCKET, host: u32, net: *mut u32) -> i32 {
    // SAFETY: the export's contract.
    unsafe { convert("WSAHtonl", s, net, host.to_be()) }
}

#[no_mangle]
pub unsafe extern "system" fn WSAHtons(s: SOCKET, host: u16, net: *mut u16) -> i32 {
    // SAFETY: the export's contract.
    unsafe { convert("WSAHtons", s, net, host.to_be()) }
}

#[no_mangle]
pub unsafe extern "system" fn WSANtohl(s: SOCKET, net: u32, host: *mut u32) -> i32 {
    // SAFETY: the export's contract.
    unsafe { convert("WSANtohl", s, host, u32::from_be(net)) }
}

#[no_mangle]
pub unsafe extern "system" fn WSANtohs(s: SOCKET, net: u16, host: *mut u16) -> i32 {
    // SAFETY: the export's contract.
    unsafe { convert("WSANtohs", s, host, u16::from_be(net)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_forms() {
        let v = |t: &str| parse_classic_v4(t.as_bytes());
        assert_eq!(v("1.2.3.4"), Some([1, 2, 3, 4]));
        assert_eq!(v("127.1"), Some([127, 0, 0, 1]));
        assert_eq!(v("10.0x10.020"), Some([10, 16, 0, 16]));
        assert_eq!(v("0x7f000001"), Some([127, 0, 0, 1]));
        assert_eq!(v("1.2.3.4 junk"), Some([1, 2, 3, 4]));
        assert_eq!(v("4294967295"), Some([255; 4]));
        for bad in [
            "",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.256",
            "1..2",
            "a",
            "1.2.3.08",
            "0x",
            "1.2.65536",
            "4294967296",
            " 1.2.3.4",
            "1.2.3.4x",
        ] {
            assert_eq!(v(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn strict_and_v6_forms() {
        assert_eq!(parse_strict_v4("192.168.0.1"), Some([192, 168, 0, 1]));
        for bad in [
            "127.1",
            "0x7f.0.0.1",
            "1.2.3.4 ",
            "1.2.3.256",
            "1.2.3.1234",
            "",
        ] {
            assert_eq!(parse_strict_v4(bad), None, "{bad:?}");
        }
        assert_eq!(format_v6(parse_v6("::1").unwrap()), "::1");
        assert_eq!(
            format_v6(parse_v6("::ffff:1.2.3.4").unwrap()),
            "::ffff:1.2.3.4"
        );
        assert_eq!(format_v6(parse_v6("::1.2.3.4").unwrap()), "::1.2.3.4");
        assert_eq!(
            format_v6(parse_v6("FE80:0:0:0:0:0:0:1").unwrap()),
            "fe80::1"
        );
        assert_eq!(parse_v6("fe80::1%1"), None);
        assert_eq!(parse_v6("1.2.3.4"), None);
    }
}
