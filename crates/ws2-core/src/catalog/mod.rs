//! The transport protocol catalog (the part the upcall runtime needs).
//!
//! Windows contract: an ordered list of `WSAPROTOCOL_INFOW` entries, each with a catalog entry
//! id and the path of the provider DLL that serves it; with no extra providers installed it
//! holds the MSAFD base entries (TCP/IP 1001, UDP/IP 1002, TCP/IPv6 1004, UDP/IPv6 1005).
//! `WPUGetProviderPath` returns a provider's path *unexpanded* (environment variables such as
//! `%SystemRoot%` stay in it).
//!
//! Emulation: an in-memory list seeded with the built-in base provider's entries, with the
//! values of Windows' MSAFD entries (spec §3.9). The persistent catalog, installation and
//! layered chains arrive with the catalog issue; this module is the lookup core they extend.

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

/// One catalog entry: the protocol information and the provider's DLL path (UTF-16, no NUL).
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub info: WSAPROTOCOL_INFOW,
    pub path: Vec<u16>,
}

impl CatalogEntry {
    pub fn id(&self) -> u32 {
        self.info.dwCatalogEntryId
    }
}

/// The catalog of one process.
#[derive(Clone, Debug)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
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
    }
}

impl Default for Catalog {
    /// The built-in base provider's entries, in Windows' order.
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
        }
    }
}

impl Catalog {
    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
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

    /// Appends an entry with the next free catalog id (ids grow from 1001, as on Windows) and
    /// returns that id. The caller-supplied `dwCatalogEntryId` is ignored.
    pub fn push(&mut self, mut entry: CatalogEntry) -> u32 {
        let id = self
            .entries
            .iter()
            .map(CatalogEntry::id)
            .max()
            .unwrap_or(1000)
            + 1;
        entry.info.dwCatalogEntryId = id;
        self.entries.push(entry);
        id
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
}
