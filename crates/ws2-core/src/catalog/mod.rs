//! The transport protocol catalog.
//!
//! Windows contract (spec §4.2): an ordered list of `WSAPROTOCOL_INFOW` entries, each with a
//! catalog entry id assigned by the catalog, the GUID of the provider that serves it and that
//! provider's DLL path (stored *unexpanded*: `%SystemRoot%` stays in it). `ProtocolChain`
//! describes layering: `ChainLen` 0 is a layered ("dummy") entry that only names an LSP, 1 a base
//! protocol, 2..=7 a chain whose `ChainEntries[0]` is the top layer's id and
//! `ChainEntries[ChainLen-1]` the base entry's id. With no extra providers the catalog holds the
//! MSAFD base entries (TCP/IP 1001, UDP/IP 1002, TCP/IPv6 1004, UDP/IPv6 1005). Installers change
//! the stored catalog (`WSCInstallProvider`, ...); a process that has called `WSAStartup` keeps
//! the catalog it read then until its last `WSACleanup` and a new `WSAStartup` (item 57).
//!
//! Emulation:
//! - [`Catalog`] is the list itself with the operations of the `WSC*` functions, each all or
//!   nothing (a failing call changes nothing).
//! - [`Store`] is where the catalog is kept: a file named by `WS2EMU_CATALOG` (format in
//!   docs/catalog.md, written atomically under a lock), or, when the variable is unset, memory
//!   of this process (installs then live only in this process).
//! - The runtime's snapshot (`runtime().catalog()`) is what `WSAEnumProtocols`, socket creation
//!   and the loader read; `WSAStartup` refreshes it from the store when nothing is started.
//!
//! Divergences: Windows keeps the catalog in the registry; here it is a text file or memory.
//! Provider paths must be absolute after `%VAR%` expansion (a relative path is refused with
//! `WSAEINVAL`; Windows would search the DLL path). Chains are validated at install time (every
//! id must exist, the last must be a base entry, the others layered entries), which Windows
//! does not document.

mod format;
mod path;
mod store;

pub use format::{parse, serialize, FORMAT_VERSION};
pub use path::{
    expand_environment, expanded_path, set_library_dir, variable, LIBRARY_DIR_VARIABLE,
};
pub use store::{generation, store, CatalogError, Reset, Store, CATALOG_ENV};

use crate::error::{Result, WinError};
use ws2_abi as abi;
use ws2_abi::{GUID, WSAPROTOCOLCHAIN, WSAPROTOCOL_INFOW};

/// MSAFD's IPv4 provider id {E70F1AA0-AB8B-11CF-8CA3-00805F48A192}.
pub const BASE_PROVIDER_IPV4: GUID = GUID {
    Data1: 0xE70F_1AA0,
    Data2: 0xAB8B,
    Data3: 0x11CF,
    Data4: [0x8C, 0xA3, 0x00, 0x80, 0x5F, 0x48, 0xA1, 0x92],
};
/// MSAFD's IPv6 provider id {F9EAB0C0-26D4-11D0-BBBF-00AA006C34E4}.
pub const BASE_PROVIDER_IPV6: GUID = GUID {
    Data1: 0xF9EA_B0C0,
    Data2: 0x26D4,
    Data3: 0x11D0,
    Data4: [0xBB, 0xBF, 0x00, 0xAA, 0x00, 0x6C, 0x34, 0xE4],
};

/// Where the built-in base provider lives, as stored in the catalog (expanded at load time).
pub const BASE_PROVIDER_PATH: &str = "%WS2EMU_LIBDIR%/libws2_base.so";

/// The first catalog id a catalog assigns (Windows numbers its entries from 1001).
pub const FIRST_ID: u32 = 1001;

/// `WSANO_RECOVERY` (11003): "already installed" for `WSCInstallProvider` (spec item 54) and the
/// code of every catalog-storage failure (Microsoft: "error opening or writing a catalog entry").
pub const WSANO_RECOVERY: WinError = WinError(abi::WSANO_RECOVERY as u32);

/// One catalog entry: the protocol information, the provider's DLL path (UTF-16, no NUL,
/// unexpanded) and the entry's LSP categories (`LSP_*` flags, `WSCSetProviderInfo` with
/// `ProviderInfoLspCategories`; 0 = none set, Microsoft's "All Other" category).
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub info: WSAPROTOCOL_INFOW,
    pub path: Vec<u16>,
    pub lsp_categories: u32,
}

impl CatalogEntry {
    pub fn id(&self) -> u32 {
        self.info.dwCatalogEntryId
    }
}

impl PartialEq for CatalogEntry {
    /// Every field of the protocol information and the path.
    fn eq(&self, other: &Self) -> bool {
        same_info(&self.info, &other.info)
            && self.path == other.path
            && self.lsp_categories == other.lsp_categories
    }
}

/// Whether two `WSAPROTOCOL_INFOW` are equal in every field (the ABI struct has no `PartialEq`).
pub fn same_info(a: &WSAPROTOCOL_INFOW, b: &WSAPROTOCOL_INFOW) -> bool {
    a.dwServiceFlags1 == b.dwServiceFlags1
        && a.dwServiceFlags2 == b.dwServiceFlags2
        && a.dwServiceFlags3 == b.dwServiceFlags3
        && a.dwServiceFlags4 == b.dwServiceFlags4
        && a.dwProviderFlags == b.dwProviderFlags
        && a.ProviderId == b.ProviderId
        && a.dwCatalogEntryId == b.dwCatalogEntryId
        && a.ProtocolChain == b.ProtocolChain
        && a.iVersion == b.iVersion
        && a.iAddressFamily == b.iAddressFamily
        && a.iMaxSockAddr == b.iMaxSockAddr
        && a.iMinSockAddr == b.iMinSockAddr
        && a.iSocketType == b.iSocketType
        && a.iProtocol == b.iProtocol
        && a.iProtocolMaxOffset == b.iProtocolMaxOffset
        && a.iNetworkByteOrder == b.iNetworkByteOrder
        && a.iSecurityScheme == b.iSecurityScheme
        && a.dwMessageSize == b.dwMessageSize
        && a.dwProviderReserved == b.dwProviderReserved
        && a.szProtocol == b.szProtocol
}

/// A catalog: its entries in order and the next catalog id it will assign. Ids are never reused
/// within one catalog's life (the next id is stored with it), as on Windows.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
    next_id: u32,
}

/// Which entries an enumeration returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// `WSCEnumProtocols`: every entry.
    All,
    /// `WSAEnumProtocols`: no `PFL_HIDDEN` entries and no layered (`ChainLen` 0) entries.
    Application,
}

/// A `WSAPROTOCOL_INFOW` with every field zero.
pub fn blank_protocol_info() -> WSAPROTOCOL_INFOW {
    WSAPROTOCOL_INFOW {
        dwServiceFlags1: 0,
        dwServiceFlags2: 0,
        dwServiceFlags3: 0,
        dwServiceFlags4: 0,
        dwProviderFlags: 0,
        ProviderId: GUID {
            Data1: 0,
            Data2: 0,
            Data3: 0,
            Data4: [0; 8],
        },
        dwCatalogEntryId: 0,
        ProtocolChain: WSAPROTOCOLCHAIN {
            ChainLen: 0,
            ChainEntries: [0; 7],
        },
        iVersion: 0,
        iAddressFamily: 0,
        iMaxSockAddr: 0,
        iMinSockAddr: 0,
        iSocketType: 0,
        iProtocol: 0,
        iProtocolMaxOffset: 0,
        iNetworkByteOrder: 0,
        iSecurityScheme: 0,
        dwMessageSize: 0,
        dwProviderReserved: 0,
        szProtocol: [0; 256],
    }
}

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// One MSAFD-style base entry.
fn base_entry(
    id: u32,
    provider: GUID,
    af: i32,
    kind: i32,
    protocol: i32,
    name: &str,
) -> CatalogEntry {
    let stream = kind == abi::SOCK_STREAM;
    let mut info = blank_protocol_info();
    info.dwServiceFlags1 = if stream {
        abi::XP1_IFS_HANDLES
            | abi::XP1_GRACEFUL_CLOSE
            | abi::XP1_EXPEDITED_DATA
            | abi::XP1_GUARANTEED_ORDER
            | abi::XP1_GUARANTEED_DELIVERY
    } else {
        abi::XP1_IFS_HANDLES
            | abi::XP1_SUPPORT_MULTIPOINT
            | abi::XP1_SUPPORT_BROADCAST
            | abi::XP1_MESSAGE_ORIENTED
            | abi::XP1_CONNECTIONLESS
    };
    info.dwProviderFlags = abi::PFL_MATCHES_PROTOCOL_ZERO;
    info.ProviderId = provider;
    info.dwCatalogEntryId = id;
    info.ProtocolChain.ChainLen = abi::BASE_PROTOCOL;
    info.iVersion = 2;
    info.iAddressFamily = af;
    let sockaddr = if af == abi::AF_INET6 { 28 } else { 16 };
    info.iMaxSockAddr = sockaddr;
    info.iMinSockAddr = sockaddr;
    info.iSocketType = kind;
    info.iProtocol = protocol;
    info.iNetworkByteOrder = abi::BIGENDIAN;
    info.iSecurityScheme = abi::SECURITY_PROTOCOL_NONE;
    info.dwMessageSize = if stream { 0 } else { 65467 };
    for (dst, src) in info.szProtocol.iter_mut().zip(name.encode_utf16()) {
        *dst = src;
    }
    CatalogEntry {
        info,
        path: wide(BASE_PROVIDER_PATH),
        lsp_categories: 0,
    }
}

impl Default for Catalog {
    /// The built-in base provider's entries, in Windows' order; the next id is 1006 (Windows'
    /// 1003 is MSAFD's raw IPv4 entry, which ws2emu does not provide).
    fn default() -> Self {
        let (tcp, udp) = (abi::IPPROTO_TCP, abi::IPPROTO_UDP);
        Self {
            entries: vec![
                base_entry(
                    1001,
                    BASE_PROVIDER_IPV4,
                    abi::AF_INET,
                    abi::SOCK_STREAM,
                    tcp,
                    "MSAFD Tcpip [TCP/IP]",
                ),
                base_entry(
                    1002,
                    BASE_PROVIDER_IPV4,
                    abi::AF_INET,
                    abi::SOCK_DGRAM,
                    udp,
                    "MSAFD Tcpip [UDP/IP]",
                ),
                base_entry(
                    1004,
                    BASE_PROVIDER_IPV6,
                    abi::AF_INET6,
                    abi::SOCK_STREAM,
                    tcp,
                    "MSAFD Tcpip [TCP/IPv6]",
                ),
                base_entry(
                    1005,
                    BASE_PROVIDER_IPV6,
                    abi::AF_INET6,
                    abi::SOCK_DGRAM,
                    udp,
                    "MSAFD Tcpip [UDP/IPv6]",
                ),
            ],
            next_id: 1006,
        }
    }
}

/// A `WSAEINVAL` for an argument problem; the text is what the CLI prints.
fn invalid(problem: impl Into<String>) -> CatalogError {
    CatalogError::call(WinError::WSAEINVAL, problem)
}

/// Formats a GUID as `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`.
pub fn guid_string(g: &GUID) -> String {
    format!(
        "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
        g.Data1,
        g.Data2,
        g.Data3,
        g.Data4[0],
        g.Data4[1],
        g.Data4[2],
        g.Data4[3],
        g.Data4[4],
        g.Data4[5],
        g.Data4[6],
        g.Data4[7]
    )
}

/// Parses `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` (hex digits in either case).
pub fn parse_guid(text: &str) -> Option<GUID> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let groups: Vec<&str> = inner.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    if groups.len() != 5
        || groups
            .iter()
            .zip(lengths)
            .any(|(g, n)| g.len() != n || !g.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return None;
    }
    let tail = format!("{}{}", groups[3], groups[4]);
    let mut data4 = [0u8; 8];
    for (i, byte) in data4.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&tail[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(GUID {
        Data1: u32::from_str_radix(groups[0], 16).ok()?,
        Data2: u16::from_str_radix(groups[1], 16).ok()?,
        Data3: u16::from_str_radix(groups[2], 16).ok()?,
        Data4: data4,
    })
}

/// Whether protocol number `p` lies in the entry's range `iProtocol ..= iProtocol +
/// iProtocolMaxOffset` (computed without overflow; an entry with `iProtocol` 0 matches through
/// its offset like any other).
pub fn protocol_matches(info: &WSAPROTOCOL_INFOW, p: i32) -> bool {
    let low = i64::from(info.iProtocol);
    let high = low + i64::from(info.iProtocolMaxOffset);
    (low..=high).contains(&i64::from(p))
}

/// `szProtocol` with everything after the first NUL cleared, so that a stored entry and its
/// file form are equal field by field.
fn normalised(mut info: WSAPROTOCOL_INFOW) -> WSAPROTOCOL_INFOW {
    if let Some(nul) = info.szProtocol.iter().position(|&c| c == 0) {
        info.szProtocol[nul..].fill(0);
    }
    info
}

impl Catalog {
    /// A catalog with no entries whose first assigned id will be `next_id`.
    pub fn empty(next_id: u32) -> Self {
        Self {
            entries: Vec::new(),
            next_id,
        }
    }

    /// A catalog from stored parts (the file reader). The caller guarantees distinct ids below
    /// `next_id`.
    pub(crate) fn from_parts(entries: Vec<CatalogEntry>, next_id: u32) -> Self {
        Self { entries, next_id }
    }

    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    /// The id the next installed entry will get.
    pub fn next_id(&self) -> u32 {
        self.next_id
    }

    /// The entry `socket(af, type, protocol)` uses: the first, in catalog order, of the entries
    /// that can be selected this way (not layered, not PFL_HIDDEN) matching the triple, where
    /// `af` AF_UNSPEC and `type` 0 are wildcards and `protocol` matches when
    /// `iProtocol <= protocol <= iProtocol + iProtocolMaxOffset`. Protocol 0 picks the first
    /// entry flagged PFL_MATCHES_PROTOCOL_ZERO, else the first entry of that family and type.
    /// Chains installed ahead of base entries are therefore found first, as on Windows.
    ///
    /// Errors name the most specific mismatch over all entries: no entry of the family →
    /// WSAEAFNOSUPPORT; family but not type → WSAESOCKTNOSUPPORT; family and type but not
    /// protocol → WSAEPROTONOSUPPORT (spec checklist 66).
    pub fn select(
        &self,
        af: i32,
        kind: i32,
        protocol: i32,
    ) -> std::result::Result<&CatalogEntry, WinError> {
        let selectable = self.entries.iter().filter(|e| {
            e.info.ProtocolChain.ChainLen != abi::LAYERED_PROTOCOL
                && e.info.dwProviderFlags & abi::PFL_HIDDEN == 0
        });
        let family: Vec<&CatalogEntry> = selectable
            .filter(|e| af == abi::AF_UNSPEC || e.info.iAddressFamily == af)
            .collect();
        if family.is_empty() {
            return Err(WinError(abi::WSAEAFNOSUPPORT as u32));
        }
        let typed: Vec<&CatalogEntry> = family
            .into_iter()
            .filter(|e| kind == 0 || e.info.iSocketType == kind)
            .collect();
        if typed.is_empty() {
            return Err(WinError(abi::WSAESOCKTNOSUPPORT as u32));
        }
        let chosen = if protocol == 0 {
            typed
                .iter()
                .find(|e| e.info.dwProviderFlags & abi::PFL_MATCHES_PROTOCOL_ZERO != 0)
                .or_else(|| typed.first())
        } else {
            typed.iter().find(|e| protocol_matches(&e.info, protocol))
        };
        chosen
            .copied()
            .ok_or(WinError(abi::WSAEPROTONOSUPPORT as u32))
    }

    pub fn by_id(&self, id: u32) -> Option<&CatalogEntry> {
        self.entries.iter().find(|e| e.id() == id)
    }

    /// The unexpanded DLL path of the provider with this GUID.
    pub fn path_of(&self, provider: &GUID) -> Option<&[u16]> {
        self.entries
            .iter()
            .find(|e| e.info.ProviderId == *provider)
            .map(|e| e.path.as_slice())
    }

    /// Whether any entry belongs to this provider GUID.
    pub fn contains_provider(&self, provider: &GUID) -> bool {
        self.entries.iter().any(|e| e.info.ProviderId == *provider)
    }

    /// Appends an entry with the next catalog id (ids grow from 1001 and are never reused, as on
    /// Windows) and returns that id. The caller-supplied `dwCatalogEntryId` is ignored. No
    /// validation: installers go through [`install`](Self::install).
    pub fn push(&mut self, mut entry: CatalogEntry) -> u32 {
        let largest = self.entries.iter().map(CatalogEntry::id).max();
        let id = self
            .next_id
            .max(largest.map_or(FIRST_ID, |m| m.saturating_add(1)));
        entry.info.dwCatalogEntryId = id;
        self.entries.push(entry);
        self.next_id = id.saturating_add(1);
        id
    }

    /// The entries an enumeration returns, in catalog order: [`Visibility`] decides whether
    /// hidden and layered entries are included; `protocols` (the zero-terminated
    /// `lpiProtocols` list without its terminator) keeps only entries whose protocol range
    /// contains one of the numbers ([`protocol_matches`]).
    pub fn enumerate(
        &self,
        protocols: Option<&[i32]>,
        visibility: Visibility,
    ) -> Vec<WSAPROTOCOL_INFOW> {
        self.entries
            .iter()
            .map(|e| &e.info)
            .filter(|info| {
                visibility == Visibility::All
                    || (info.dwProviderFlags & abi::PFL_HIDDEN == 0
                        && info.ProtocolChain.ChainLen != abi::LAYERED_PROTOCOL)
            })
            .filter(|info| {
                protocols.is_none_or(|list| list.iter().any(|&p| protocol_matches(info, p)))
            })
            .copied()
            .collect()
    }

    /// Checks a provider path: not empty and absolute after `%VAR%` expansion.
    fn check_path(path: &[u16]) -> std::result::Result<(), CatalogError> {
        if path.is_empty() {
            return Err(invalid("the provider path is empty"));
        }
        expanded_path(path).map(drop).map_err(|expanded| {
            invalid(format!(
                "the provider path \"{}\" is not absolute after expansion (\"{}\")",
                String::from_utf16_lossy(path),
                expanded
            ))
        })
    }

    /// Checks one entry of an install or update list against this catalog.
    fn check_info(
        &self,
        index: usize,
        info: &WSAPROTOCOL_INFOW,
    ) -> std::result::Result<(), CatalogError> {
        let len = info.ProtocolChain.ChainLen;
        if !(0..=abi::MAX_PROTOCOL_CHAIN as i32).contains(&len) {
            return Err(invalid(format!(
                "lpProtocolInfoList[{index}]: ChainLen {len} is outside 0..=7"
            )));
        }
        if len < 2 {
            return Ok(());
        }
        let chain = &info.ProtocolChain.ChainEntries[..len as usize];
        for (position, &id) in chain.iter().enumerate() {
            let Some(target) = self.by_id(id) else {
                return Err(invalid(format!(
                    "lpProtocolInfoList[{index}]: ChainEntries[{position}] = {id} is not a catalog id"
                )));
            };
            let last = position + 1 == chain.len();
            let target_len = target.info.ProtocolChain.ChainLen;
            if last && target_len != abi::BASE_PROTOCOL {
                return Err(invalid(format!(
                    "lpProtocolInfoList[{index}]: the last chain element {id} is not a base entry (ChainLen {target_len})"
                )));
            }
            if !last && target_len != abi::LAYERED_PROTOCOL {
                return Err(invalid(format!(
                    "lpProtocolInfoList[{index}]: chain element {id} is not a layered entry (ChainLen {target_len})"
                )));
            }
        }
        Ok(())
    }

    /// WSCInstallProvider: appends one entry per element of `infos`, each with a fresh catalog
    /// id (caller-supplied ids ignored), `ProviderId` set to `provider` and the path `path`;
    /// returns the new ids.
    ///
    /// Errors (nothing changes): `WSANO_RECOVERY` when the GUID is already installed (spec item
    /// 54); `WSAEINVAL` for an empty list, an empty or relative path, `ChainLen` outside 0..=7,
    /// or a chain naming an id that is not in the catalog (or whose last element is not a base
    /// entry, or whose other elements are not layered entries).
    #[doc(alias = "WSCInstallProvider")]
    pub fn install(
        &mut self,
        provider: &GUID,
        path: &[u16],
        infos: &[WSAPROTOCOL_INFOW],
    ) -> std::result::Result<Vec<u32>, CatalogError> {
        if infos.is_empty() {
            return Err(invalid("no protocol entries to install"));
        }
        if self.contains_provider(provider) {
            return Err(CatalogError::call(
                WSANO_RECOVERY,
                format!("provider {} is already installed", guid_string(provider)),
            ));
        }
        Self::check_path(path)?;
        for (index, info) in infos.iter().enumerate() {
            self.check_info(index, info)?;
        }
        let ids = infos
            .iter()
            .map(|info| {
                let mut info = normalised(*info);
                info.ProviderId = *provider;
                self.push(CatalogEntry {
                    info,
                    path: path.to_vec(),
                    lsp_categories: 0,
                })
            })
            .collect();
        Ok(ids)
    }

    /// WSCDeinstallProvider: removes every entry of `provider` and returns how many. Chains of
    /// other providers that referenced them are left as they are (as on Windows, where the
    /// installer of the chain removes it). `WSAEINVAL` when no entry has that GUID.
    #[doc(alias = "WSCDeinstallProvider")]
    pub fn deinstall(&mut self, provider: &GUID) -> std::result::Result<usize, CatalogError> {
        let before = self.entries.len();
        self.entries.retain(|e| e.info.ProviderId != *provider);
        match before - self.entries.len() {
            0 => Err(invalid(format!(
                "provider {} is not installed",
                guid_string(provider)
            ))),
            n => Ok(n),
        }
    }

    /// WSCUpdateProvider: replaces the protocol information of existing entries of `provider`
    /// and sets the provider's path. Each element of `infos` names the entry it replaces by its
    /// `dwCatalogEntryId`; ids, order and `ProviderId` are kept. Entries of the provider that
    /// are not listed keep their information (and get the new path).
    ///
    /// Errors (nothing changes), all `WSAEINVAL`: unknown GUID, empty list, an id that is not an
    /// entry of this provider or is listed twice, a bad path or chain (as for
    /// [`install`](Self::install)). Microsoft documents the function without saying how entries
    /// are matched; matching by catalog id is ws2emu's reading.
    #[doc(alias = "WSCUpdateProvider")]
    pub fn update(
        &mut self,
        provider: &GUID,
        path: &[u16],
        infos: &[WSAPROTOCOL_INFOW],
    ) -> std::result::Result<(), CatalogError> {
        if !self.contains_provider(provider) {
            return Err(invalid(format!(
                "provider {} is not installed",
                guid_string(provider)
            )));
        }
        if infos.is_empty() {
            return Err(invalid("no protocol entries to update"));
        }
        Self::check_path(path)?;
        let mut seen = Vec::with_capacity(infos.len());
        for (index, info) in infos.iter().enumerate() {
            let id = info.dwCatalogEntryId;
            match self.by_id(id) {
                Some(e) if e.info.ProviderId == *provider => {}
                _ => {
                    return Err(invalid(format!(
                        "lpProtocolInfoList[{index}]: {id} is not a catalog id of provider {}",
                        guid_string(provider)
                    )))
                }
            }
            if seen.contains(&id) {
                return Err(invalid(format!(
                    "lpProtocolInfoList[{index}]: {id} is listed twice"
                )));
            }
            seen.push(id);
            self.check_info(index, info)?;
        }
        for info in infos {
            let mut info = normalised(*info);
            info.ProviderId = *provider;
            if let Some(entry) = self
                .entries
                .iter_mut()
                .find(|e| e.id() == info.dwCatalogEntryId)
            {
                entry.info = info;
            }
        }
        for entry in self
            .entries
            .iter_mut()
            .filter(|e| e.info.ProviderId == *provider)
        {
            entry.path = path.to_vec();
        }
        Ok(())
    }

    /// WSCWriteProviderOrder: reorders the catalog to `ids`, which must name every entry exactly
    /// once (`WSAEINVAL` otherwise: wrong count, unknown id, id listed twice; nothing changes).
    #[doc(alias = "WSCWriteProviderOrder")]
    pub fn write_order(&mut self, ids: &[u32]) -> std::result::Result<(), CatalogError> {
        if ids.len() != self.entries.len() {
            return Err(invalid(format!(
                "the order lists {} ids, the catalog has {} entries",
                ids.len(),
                self.entries.len()
            )));
        }
        let mut reordered = Vec::with_capacity(ids.len());
        for (position, &id) in ids.iter().enumerate() {
            if ids[..position].contains(&id) {
                return Err(invalid(format!("id {id} is listed twice")));
            }
            match self.by_id(id) {
                Some(entry) => reordered.push(entry.clone()),
                None => return Err(invalid(format!("id {id} is not a catalog id"))),
            }
        }
        self.entries = reordered;
        Ok(())
    }
}

/// A `WSANO_RECOVERY` for a call whose catalog cannot take the change.
fn no_recovery(problem: impl Into<String>) -> CatalogError {
    CatalogError::call(WSANO_RECOVERY, problem)
}

/// `text` as a `szProtocol` array, cut at 255 UTF-16 units (the last unit stays NUL).
fn protocol_name(text: &[u16]) -> [u16; 256] {
    let mut name = [0u16; 256];
    let len = text.len().min(abi::WSAPROTOCOL_LEN);
    name[..len].copy_from_slice(&text[..len]);
    name
}

/// `szProtocol` up to its first NUL.
fn name_of(info: &WSAPROTOCOL_INFOW) -> &[u16] {
    let len = info.szProtocol.iter().position(|&c| c == 0).unwrap_or(256);
    &info.szProtocol[..len]
}

impl Catalog {
    /// Moves the entries `ids` to the front of the catalog, in that order; the others keep
    /// their relative order behind them. Unknown ids are skipped. (The order
    /// `WSCInstallProviderAndChains` and `ws2emu conform` give new chains.)
    pub fn move_to_front(&mut self, ids: &[u32]) {
        let mut front: Vec<CatalogEntry> = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(position) = self.entries.iter().position(|e| e.id() == *id) {
                front.push(self.entries.remove(position));
            }
        }
        front.append(&mut self.entries);
        self.entries = front;
    }

    /// WSCInstallProviderAndChains (and `WSCInstallProviderAndChains64_32`, which does the same
    /// on ws2emu's single catalog): installs under `provider` with the DLL `path` a layered
    /// ("dummy", `ChainLen` 0) entry named `name` whose `dwServiceFlags1` is `service_flags`,
    /// and one protocol chain per lower entry, and returns the layered entry's id and the
    /// chain ids.
    ///
    /// The lower entries (Microsoft, Remarks): for `protocols` `None` (a NULL list) the first
    /// base entry (`ChainLen` 1) of each distinct (address family, socket type, protocol);
    /// otherwise, for each listed structure, the top-most entry of the catalog, in order, that
    /// can be selected (not layered, not `PFL_HIDDEN`) with the same `iAddressFamily` and
    /// `iSocketType` and whose protocol range contains `iProtocol`; every other member is
    /// ignored and a lower entry found twice gets one chain. That entry may itself be a chain:
    /// the new chain is then the layered entry on top of it (Microsoft's `MAX_PROTOCOL_CHAIN`
    /// error case).
    ///
    /// Each chain entry is a copy of its lower entry with `ChainLen` one more, `ChainEntries`
    /// = [layered id, the lower entry's chain], `ProviderId` = `provider`, the name
    /// "NAME over [LOWER NAME]" (as `ws2emu catalog install`), and `XP1_IFS_HANDLES` cleared
    /// unless `service_flags` has it (a non-IFS LSP's handles are not IFS handles, spec §4.3;
    /// Microsoft documents only the flag of the dummy entry). The chains are moved to the front
    /// of the catalog, in the order of their lower entries, with the layered entry right behind
    /// them (Microsoft: the chains are ordered at the beginning, so that no
    /// `WSCWriteProviderOrder` is needed; where the dummy goes is not documented).
    ///
    /// Errors (Microsoft's table; nothing changes): `WSAEINVAL` for an empty or over-long path
    /// (`MAX_PATH`) or one not absolute after expansion, an empty or over-long name
    /// (`WSAPROTOCOL_LEN`), a present but empty list, a `provider` GUID or an entry name
    /// `name` already in the catalog, or a listed triple no entry matches; `WSANO_RECOVERY`
    /// for a NULL list when the catalog has no base entry, and for a lower chain already
    /// `MAX_PROTOCOL_CHAIN` long.
    #[doc(alias = "WSCInstallProviderAndChains")]
    pub fn install_provider_and_chains(
        &mut self,
        provider: &GUID,
        path: &[u16],
        name: &[u16],
        service_flags: u32,
        protocols: Option<&[WSAPROTOCOL_INFOW]>,
    ) -> std::result::Result<(u32, Vec<u32>), CatalogError> {
        if path.len() >= abi::MAX_PATH {
            return Err(invalid(format!(
                "the provider path has {} characters, MAX_PATH is {}",
                path.len(),
                abi::MAX_PATH
            )));
        }
        Self::check_path(path)?;
        if name.is_empty() || name.len() > abi::WSAPROTOCOL_LEN {
            return Err(invalid(format!(
                "the LSP name has {} characters (1 to {} allowed)",
                name.len(),
                abi::WSAPROTOCOL_LEN
            )));
        }
        if protocols.is_some_and(<[WSAPROTOCOL_INFOW]>::is_empty) {
            return Err(invalid("the protocol list is empty"));
        }
        if self.contains_provider(provider) {
            return Err(invalid(format!(
                "provider {} is already installed",
                guid_string(provider)
            )));
        }
        if self.entries.iter().any(|e| name_of(&e.info) == name) {
            return Err(invalid(format!(
                "a catalog entry is already named \"{}\"",
                String::from_utf16_lossy(name)
            )));
        }
        let mut lower: Vec<CatalogEntry> = Vec::new();
        match protocols {
            None => {
                for entry in &self.entries {
                    let i = &entry.info;
                    let seen = lower.iter().any(|l| {
                        (l.info.iAddressFamily, l.info.iSocketType, l.info.iProtocol)
                            == (i.iAddressFamily, i.iSocketType, i.iProtocol)
                    });
                    if i.ProtocolChain.ChainLen == abi::BASE_PROTOCOL && !seen {
                        lower.push(entry.clone());
                    }
                }
                if lower.is_empty() {
                    return Err(no_recovery("the catalog has no base entry to layer over"));
                }
            }
            Some(list) => {
                for (index, wanted) in list.iter().enumerate() {
                    let found = self.entries.iter().find(|e| {
                        e.info.ProtocolChain.ChainLen != abi::LAYERED_PROTOCOL
                            && e.info.dwProviderFlags & abi::PFL_HIDDEN == 0
                            && e.info.iAddressFamily == wanted.iAddressFamily
                            && e.info.iSocketType == wanted.iSocketType
                            && protocol_matches(&e.info, wanted.iProtocol)
                    });
                    let Some(found) = found else {
                        return Err(invalid(format!(
                            "lpProtocolInfoList[{index}]: no catalog entry for family {}, type {}, protocol {}",
                            wanted.iAddressFamily, wanted.iSocketType, wanted.iProtocol
                        )));
                    };
                    if !lower.iter().any(|l| l.id() == found.id()) {
                        lower.push(found.clone());
                    }
                }
            }
        }
        if let Some(full) = lower
            .iter()
            .find(|l| l.info.ProtocolChain.ChainLen >= abi::MAX_PROTOCOL_CHAIN as i32)
        {
            return Err(no_recovery(format!(
                "entry {} is a chain of {} already: no layer fits on top",
                full.id(),
                abi::MAX_PROTOCOL_CHAIN
            )));
        }
        let mut layered = blank_protocol_info();
        layered.dwServiceFlags1 = service_flags;
        layered.ProviderId = *provider;
        layered.ProtocolChain.ChainLen = abi::LAYERED_PROTOCOL;
        layered.iVersion = 2;
        layered.szProtocol = protocol_name(name);
        let layered_id = self.push(CatalogEntry {
            info: layered,
            path: path.to_vec(),
            lsp_categories: 0,
        });
        let mut chain_ids = Vec::with_capacity(lower.len());
        for below in &lower {
            let mut info = below.info;
            let below_chain: Vec<u32> = if info.ProtocolChain.ChainLen == abi::BASE_PROTOCOL {
                vec![below.id()]
            } else {
                info.ProtocolChain.ChainEntries[..info.ProtocolChain.ChainLen as usize].to_vec()
            };
            info.ProtocolChain.ChainEntries = [0; 7];
            info.ProtocolChain.ChainEntries[0] = layered_id;
            info.ProtocolChain.ChainEntries[1..=below_chain.len()].copy_from_slice(&below_chain);
            info.ProtocolChain.ChainLen = below_chain.len() as i32 + 1;
            info.ProviderId = *provider;
            if service_flags & abi::XP1_IFS_HANDLES == 0 {
                info.dwServiceFlags1 &= !abi::XP1_IFS_HANDLES;
            }
            let mut full_name = name.to_vec();
            full_name.extend(" over [".encode_utf16());
            full_name.extend_from_slice(name_of(&below.info));
            full_name.push(u16::from(b']'));
            info.szProtocol = protocol_name(&full_name);
            chain_ids.push(self.push(CatalogEntry {
                info,
                path: path.to_vec(),
                lsp_categories: 0,
            }));
        }
        let mut front = chain_ids.clone();
        front.push(layered_id);
        self.move_to_front(&front);
        Ok((layered_id, chain_ids))
    }

    /// WSCSetProviderInfo with `ProviderInfoLspCategories`: sets the LSP categories of every
    /// entry of `provider` (Microsoft: the categories of "this LSP protocol entry"; one GUID
    /// may have several entries, which all get them). `WSAEINVAL` for an unknown GUID (the
    /// page lists no more specific code).
    #[doc(alias = "WSCSetProviderInfo")]
    pub fn set_lsp_categories(
        &mut self,
        provider: &GUID,
        categories: u32,
    ) -> std::result::Result<(), CatalogError> {
        let mut found = false;
        for entry in self
            .entries
            .iter_mut()
            .filter(|e| e.info.ProviderId == *provider)
        {
            entry.lsp_categories = categories;
            found = true;
        }
        if found {
            Ok(())
        } else {
            Err(invalid(format!(
                "provider {} is not installed",
                guid_string(provider)
            )))
        }
    }

    /// WSCGetProviderInfo with `ProviderInfoLspCategories`: the LSP categories of the
    /// provider's first entry in catalog order (0 when none were set).
    /// `WSAEINVALIDPROVIDER` (Microsoft: "the protocol entry could not be found") for an
    /// unknown GUID.
    #[doc(alias = "WSCGetProviderInfo")]
    pub fn lsp_categories(&self, provider: &GUID) -> std::result::Result<u32, CatalogError> {
        self.entries
            .iter()
            .find(|e| e.info.ProviderId == *provider)
            .map(|e| e.lsp_categories)
            .ok_or_else(|| {
                CatalogError::call(
                    WinError(abi::WSAEINVALIDPROVIDER as u32),
                    format!("provider {} is not installed", guid_string(provider)),
                )
            })
    }
}

/// `Result` conversion for callers that only need the Windows code.
impl From<CatalogError> for WinError {
    fn from(e: CatalogError) -> Self {
        e.code()
    }
}

/// The stored catalog's path of a provider, unexpanded (`WPUGetProviderPath` /
/// `WSCGetProviderPath`); `WSAEINVAL` for an unknown GUID, `WSANO_RECOVERY` when the store
/// cannot be read (reported once on stderr).
pub fn stored_provider_path(provider: &GUID) -> Result<Vec<u16>> {
    store()
        .provider_path(provider)
        .map_err(|e| e.reported().code())
}

#[cfg(test)]
mod select_tests {
    use super::*;

    #[test]
    fn socket_triples_select_the_first_matching_entry() {
        let c = Catalog::default();
        let id = |af, kind, protocol| c.select(af, kind, protocol).map(|e| e.id());
        assert_eq!(id(abi::AF_INET, abi::SOCK_STREAM, 0), Ok(1001));
        assert_eq!(id(abi::AF_INET, abi::SOCK_DGRAM, 17), Ok(1002));
        assert_eq!(id(abi::AF_INET6, 0, 6), Ok(1004));
        assert_eq!(id(abi::AF_UNSPEC, abi::SOCK_DGRAM, 0), Ok(1002));
        assert_eq!(
            id(99, abi::SOCK_STREAM, 0),
            Err(WinError(abi::WSAEAFNOSUPPORT as u32))
        );
        assert_eq!(
            id(abi::AF_INET, abi::SOCK_RAW, 0),
            Err(WinError(abi::WSAESOCKTNOSUPPORT as u32))
        );
        assert_eq!(
            id(abi::AF_INET, abi::SOCK_STREAM, 17),
            Err(WinError(abi::WSAEPROTONOSUPPORT as u32))
        );
    }

    #[test]
    fn layered_and_hidden_entries_are_never_selected_but_chains_are() {
        let mut c = Catalog::default();
        let mut hidden = c.by_id(1001).unwrap().clone();
        hidden.info.dwProviderFlags |= abi::PFL_HIDDEN;
        let mut layered = c.by_id(1001).unwrap().clone();
        layered.info.ProtocolChain.ChainLen = abi::LAYERED_PROTOCOL;
        let mut chain = c.by_id(1001).unwrap().clone();
        chain.info.ProtocolChain.ChainLen = 2;
        let hidden_id = c.push(hidden);
        let layered_id = c.push(layered);
        let chain_id = c.push(chain);
        c.write_order(&[hidden_id, layered_id, chain_id, 1001, 1002, 1004, 1005])
            .unwrap();
        assert_eq!(
            c.select(abi::AF_INET, abi::SOCK_STREAM, 6).map(|e| e.id()),
            Ok(chain_id)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_catalog_has_the_msafd_entries() {
        let catalog = Catalog::default();
        let ids: Vec<u32> = catalog.entries().iter().map(CatalogEntry::id).collect();
        assert_eq!(ids, [1001, 1002, 1004, 1005]);
        let tcp = catalog.by_id(1001).unwrap();
        assert_eq!(tcp.info.dwServiceFlags1, 0x20066, "spec §3.9");
        assert_eq!(catalog.by_id(1002).unwrap().info.dwServiceFlags1, 0x20609);
        assert_eq!(catalog.by_id(1002).unwrap().info.dwMessageSize, 65467);
        assert_eq!(catalog.by_id(1005).unwrap().info.iMaxSockAddr, 28);
        assert_eq!(tcp.info.dwProviderFlags, abi::PFL_MATCHES_PROTOCOL_ZERO);
        assert_eq!(
            catalog.path_of(&BASE_PROVIDER_IPV6),
            Some(wide(BASE_PROVIDER_PATH).as_slice())
        );
        assert!(catalog.by_id(1003).is_none());
    }

    #[test]
    fn push_assigns_fresh_ids() {
        let mut catalog = Catalog::default();
        let mut entry = catalog.by_id(1001).unwrap().clone();
        entry.info.dwCatalogEntryId = 5;
        assert_eq!(catalog.push(entry), 1006);
    }

    #[test]
    fn guids_round_trip() {
        let text = guid_string(&BASE_PROVIDER_IPV4);
        assert_eq!(text, "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}");
        assert_eq!(parse_guid(&text), Some(BASE_PROVIDER_IPV4));
        assert_eq!(
            parse_guid("{e70f1aa0-ab8b-11cf-8ca3-00805f48a192}"),
            Some(BASE_PROVIDER_IPV4)
        );
        for bad in [
            "",
            "{}",
            "E70F1AA0-AB8B-11CF-8CA3-00805F48A192",
            "{E70F1AA0-AB8B-11CF-8CA300805F48A192}",
            "{E70F1AA0-AB8B-11CF-8CA3-00805F48A19G}",
            "{+70F1AA0-AB8B-11CF-8CA3-00805F48A192}",
        ] {
            assert_eq!(parse_guid(bad), None, "{bad}");
        }
    }
}
