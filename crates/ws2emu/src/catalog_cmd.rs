//! `ws2emu catalog ...`: show and change the transport catalog through the same code paths as
//! the WSC* functions.

use crate::describe;
use std::fmt::Write as _;
use ws2_core::catalog::{Catalog, CatalogEntry};

pub fn run(args: &[&str]) -> Result<(), String> {
    match args {
        ["list"] => list(false),
        ["list", "--json"] => list(true),
        _ => Err(format!("unknown catalog command\n{}", super::USAGE)),
    }
}

/// The catalog the WSC* functions see.
fn stored_catalog() -> Result<Catalog, String> {
    Ok(ws2_core::runtime().catalog().clone())
}

fn list(json: bool) -> Result<(), String> {
    let catalog = stored_catalog()?;
    let text = if json {
        to_json(catalog.entries())
    } else {
        to_text(catalog.entries())
    };
    print!("{text}");
    Ok(())
}

fn wide(path: &[u16]) -> String {
    String::from_utf16_lossy(path)
}

/// One block per entry, in catalog order.
fn to_text(entries: &[CatalogEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        let i = &entry.info;
        let chain: Vec<String> = describe::chain(i).iter().map(u32::to_string).collect();
        let _ = writeln!(
            out,
            "Catalog entry {} ({})",
            entry.id(),
            describe::entry_type(i)
        );
        let rows = [
            ("Name", describe::name(i)),
            ("Provider ID", describe::guid(&i.ProviderId)),
            ("Provider path", wide(&entry.path)),
            ("Address family", describe::address_family(i.iAddressFamily)),
            ("Socket type", describe::socket_type(i.iSocketType)),
            ("Protocol", describe::protocol(i.iProtocol)),
            ("Protocol max offset", i.iProtocolMaxOffset.to_string()),
            (
                "Service flags",
                format!(
                    "{:#x} {}",
                    i.dwServiceFlags1,
                    describe::service_flags(i.dwServiceFlags1)
                ),
            ),
            (
                "Provider flags",
                format!(
                    "{:#x} {}",
                    i.dwProviderFlags,
                    describe::provider_flags(i.dwProviderFlags)
                ),
            ),
            (
                "Protocol chain",
                format!("length {} [{}]", i.ProtocolChain.ChainLen, chain.join(", ")),
            ),
            ("Version", i.iVersion.to_string()),
            (
                "Address length",
                format!("{}..{}", i.iMinSockAddr, i.iMaxSockAddr),
            ),
            ("Message size", i.dwMessageSize.to_string()),
        ];
        for (label, value) in rows {
            let _ = writeln!(out, "    {label:<22}{value}");
        }
        out.push('\n');
    }
    out
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON array with one object per entry, in catalog order.
fn to_json(entries: &[CatalogEntry]) -> String {
    let objects: Vec<String> = entries
        .iter()
        .map(|entry| {
            let i = &entry.info;
            let chain: Vec<String> = describe::chain(i).iter().map(u32::to_string).collect();
            format!(
                "  {{\"id\": {}, \"name\": {}, \"type\": {}, \"provider_id\": {}, \"path\": {}, \
                 \"address_family\": {}, \"socket_type\": {}, \"protocol\": {}, \"protocol_max_offset\": {}, \
                 \"service_flags\": {}, \"service_flags_decoded\": {}, \"provider_flags\": {}, \
                 \"chain_length\": {}, \"chain\": [{}], \"version\": {}, \"min_sockaddr\": {}, \
                 \"max_sockaddr\": {}, \"message_size\": {}}}",
                entry.id(),
                json_string(&describe::name(i)),
                json_string(describe::entry_type(i)),
                json_string(&describe::guid(&i.ProviderId)),
                json_string(&wide(&entry.path)),
                i.iAddressFamily,
                i.iSocketType,
                i.iProtocol,
                i.iProtocolMaxOffset,
                i.dwServiceFlags1,
                json_string(&describe::service_flags(i.dwServiceFlags1)),
                i.dwProviderFlags,
                i.ProtocolChain.ChainLen,
                chain.join(", "),
                i.iVersion,
                i.iMinSockAddr,
                i.iMaxSockAddr,
                i.dwMessageSize,
            )
        })
        .collect();
    format!("[\n{}\n]\n", objects.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_default_catalog() {
        let catalog = Catalog::default();
        let text = to_text(catalog.entries());
        assert!(text.contains("Catalog entry 1001 (base provider)"));
        assert!(text.contains("MSAFD Tcpip [UDP/IPv6]"));
        assert!(text.contains("{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"));
        let json = to_json(catalog.entries());
        assert_eq!(json.matches("\"id\":").count(), 4);
        assert!(json.contains("\"socket_type\": 2"));
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
