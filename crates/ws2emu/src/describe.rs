//! Human-readable decoding of catalog entries: flags, address families, socket types, chains.

use ws2_abi as abi;
use ws2_abi::WSAPROTOCOL_INFOW;

/// Names of the set bits of `value` from `table`, joined by `|`; unknown bits in hex.
fn flags(value: u32, table: &[(u32, &str)]) -> String {
    let mut parts: Vec<String> = table
        .iter()
        .filter(|(bit, _)| value & bit != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    let known = table.iter().fold(0, |acc, (bit, _)| acc | bit);
    if value & !known != 0 {
        parts.push(format!("{:#x}", value & !known));
    }
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join("|")
    }
}

pub fn service_flags(value: u32) -> String {
    flags(
        value,
        &[
            (abi::XP1_CONNECTIONLESS, "XP1_CONNECTIONLESS"),
            (abi::XP1_GUARANTEED_DELIVERY, "XP1_GUARANTEED_DELIVERY"),
            (abi::XP1_GUARANTEED_ORDER, "XP1_GUARANTEED_ORDER"),
            (abi::XP1_MESSAGE_ORIENTED, "XP1_MESSAGE_ORIENTED"),
            (abi::XP1_PSEUDO_STREAM, "XP1_PSEUDO_STREAM"),
            (abi::XP1_GRACEFUL_CLOSE, "XP1_GRACEFUL_CLOSE"),
            (abi::XP1_EXPEDITED_DATA, "XP1_EXPEDITED_DATA"),
            (abi::XP1_CONNECT_DATA, "XP1_CONNECT_DATA"),
            (abi::XP1_DISCONNECT_DATA, "XP1_DISCONNECT_DATA"),
            (abi::XP1_SUPPORT_BROADCAST, "XP1_SUPPORT_BROADCAST"),
            (abi::XP1_SUPPORT_MULTIPOINT, "XP1_SUPPORT_MULTIPOINT"),
            (
                abi::XP1_MULTIPOINT_CONTROL_PLANE,
                "XP1_MULTIPOINT_CONTROL_PLANE",
            ),
            (abi::XP1_MULTIPOINT_DATA_PLANE, "XP1_MULTIPOINT_DATA_PLANE"),
            (abi::XP1_QOS_SUPPORTED, "XP1_QOS_SUPPORTED"),
            (abi::XP1_INTERRUPT, "XP1_INTERRUPT"),
            (abi::XP1_UNI_SEND, "XP1_UNI_SEND"),
            (abi::XP1_UNI_RECV, "XP1_UNI_RECV"),
            (abi::XP1_IFS_HANDLES, "XP1_IFS_HANDLES"),
            (abi::XP1_PARTIAL_MESSAGE, "XP1_PARTIAL_MESSAGE"),
            (abi::XP1_SAN_SUPPORT_SDP, "XP1_SAN_SUPPORT_SDP"),
        ],
    )
}

pub fn provider_flags(value: u32) -> String {
    flags(
        value,
        &[
            (
                abi::PFL_MULTIPLE_PROTO_ENTRIES,
                "PFL_MULTIPLE_PROTO_ENTRIES",
            ),
            (
                abi::PFL_RECOMMENDED_PROTO_ENTRY,
                "PFL_RECOMMENDED_PROTO_ENTRY",
            ),
            (abi::PFL_HIDDEN, "PFL_HIDDEN"),
            (abi::PFL_MATCHES_PROTOCOL_ZERO, "PFL_MATCHES_PROTOCOL_ZERO"),
            (
                abi::PFL_NETWORKDIRECT_PROVIDER,
                "PFL_NETWORKDIRECT_PROVIDER",
            ),
        ],
    )
}

pub fn address_family(af: i32) -> String {
    match af {
        abi::AF_UNSPEC => "AF_UNSPEC".into(),
        abi::AF_INET => "AF_INET".into(),
        abi::AF_INET6 => "AF_INET6".into(),
        abi::AF_UNIX => "AF_UNIX".into(),
        other => other.to_string(),
    }
}

pub fn socket_type(kind: i32) -> String {
    match kind {
        abi::SOCK_STREAM => "SOCK_STREAM".into(),
        abi::SOCK_DGRAM => "SOCK_DGRAM".into(),
        abi::SOCK_RAW => "SOCK_RAW".into(),
        abi::SOCK_RDM => "SOCK_RDM".into(),
        abi::SOCK_SEQPACKET => "SOCK_SEQPACKET".into(),
        0 => "any".into(),
        other => other.to_string(),
    }
}

pub fn protocol(p: i32) -> String {
    match p {
        6 => "IPPROTO_TCP".into(),
        17 => "IPPROTO_UDP".into(),
        0 => "0".into(),
        other => other.to_string(),
    }
}

/// What kind of entry this is, from its chain length.
pub fn entry_type(info: &WSAPROTOCOL_INFOW) -> &'static str {
    match info.ProtocolChain.ChainLen {
        0 => "layered (LSP) entry",
        1 => "base provider",
        _ => "protocol chain",
    }
}

/// The chain as catalog ids, top first (empty for base and layered entries, whose
/// ChainEntries are unused).
pub fn chain(info: &WSAPROTOCOL_INFOW) -> Vec<u32> {
    match info.ProtocolChain.ChainLen {
        len @ 2..=7 => info.ProtocolChain.ChainEntries[..len as usize].to_vec(),
        _ => Vec::new(),
    }
}

/// The entry's name (szProtocol up to its terminator).
pub fn name(info: &WSAPROTOCOL_INFOW) -> String {
    let end = info
        .szProtocol
        .iter()
        .position(|&c| c == 0)
        .unwrap_or(info.szProtocol.len());
    String::from_utf16_lossy(&info.szProtocol[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_windows_tools() {
        assert_eq!(
            service_flags(0x20066),
            "XP1_GUARANTEED_DELIVERY|XP1_GUARANTEED_ORDER|XP1_GRACEFUL_CLOSE|XP1_EXPEDITED_DATA|XP1_IFS_HANDLES"
        );
        assert_eq!(
            provider_flags(0x8 | 0x1000_0000),
            "PFL_MATCHES_PROTOCOL_ZERO|0x10000000"
        );
        assert_eq!(address_family(23), "AF_INET6");
        assert_eq!(socket_type(2), "SOCK_DGRAM");
    }
}
