//! The catalog file format, versions 1 and 2 (documented in docs/catalog.md).
//!
//! A UTF-8 text file of `key = value` lines. `#` starts a comment line; blank lines are ignored.
//! The first setting is `format = ws2emu-catalog N`, then `next-id = N`; each entry starts with
//! a `[entry]` line followed by every `WSAPROTOCOL_INFOW` field under its Windows name plus
//! `path`; the file ends with `[end]`, so that a truncated copy is recognised. The reader is
//! strict: an unknown, missing or repeated key, a bad number, GUID or string, a duplicate
//! catalog id or a `next-id` not above every id is an error naming the line.
//!
//! Version 2 adds one optional entry key, `LspCategories` (the entry's `LSP_*` flags, set by
//! `WSCSetProviderInfo`). The writer uses version 1 whenever no entry has categories, so such
//! files stay readable by a ws2emu that only knows version 1; a version 1 file with the key is
//! refused (unknown key), as that older reader would.

use super::{guid_string, parse_guid, Catalog, CatalogEntry, CatalogError};
use crate::catalog::blank_protocol_info;
use std::fmt::Write as _;
use std::path::Path;
use ws2_abi::WSAPROTOCOL_INFOW;

/// The newest format version this ws2emu reads and writes (it reads 1 and 2, and writes 2 only
/// when an entry has LSP categories).
pub const FORMAT_VERSION: u32 = 2;

/// The oldest format version this ws2emu reads.
const OLDEST_VERSION: u32 = 1;

/// The optional key of format version 2.
const CATEGORIES_KEY: &str = "LspCategories";

const MAGIC: &str = "ws2emu-catalog";

/// The keys of an entry, in the order they are written.
const KEYS: [&str; 22] = [
    "dwCatalogEntryId",
    "ProviderId",
    "path",
    "szProtocol",
    "dwServiceFlags1",
    "dwServiceFlags2",
    "dwServiceFlags3",
    "dwServiceFlags4",
    "dwProviderFlags",
    "ChainLen",
    "ChainEntries",
    "iVersion",
    "iAddressFamily",
    "iMaxSockAddr",
    "iMinSockAddr",
    "iSocketType",
    "iProtocol",
    "iProtocolMaxOffset",
    "iNetworkByteOrder",
    "iSecurityScheme",
    "dwMessageSize",
    "dwProviderReserved",
];

/// A UTF-16 string as a quoted value: `"` and `\` escaped, control characters and unpaired
/// surrogates as `\uXXXX`, everything else as UTF-8.
fn quote(units: &[u16]) -> String {
    let mut out = String::from("\"");
    for item in char::decode_utf16(units.iter().copied()) {
        match item {
            Ok('"') => out.push_str("\\\""),
            Ok('\\') => out.push_str("\\\\"),
            Ok(c) if c.is_control() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            Ok(c) => out.push(c),
            Err(e) => {
                let _ = write!(out, "\\u{:04X}", e.unpaired_surrogate());
            }
        }
    }
    out.push('"');
    out
}

/// The text of a catalog file.
pub fn serialize(catalog: &Catalog) -> String {
    let mut out = String::new();
    out.push_str("# ws2emu protocol catalog (format: docs/catalog.md).\n");
    out.push_str(
        "# Change it with `ws2emu catalog` or the WSC* functions; it is rewritten whole.\n",
    );
    let categories = catalog.entries().iter().any(|e| e.lsp_categories != 0);
    let version = if categories {
        FORMAT_VERSION
    } else {
        OLDEST_VERSION
    };
    let _ = writeln!(out, "format = {MAGIC} {version}");
    let _ = writeln!(out, "next-id = {}", catalog.next_id());
    for entry in catalog.entries() {
        let i = &entry.info;
        let name_len = i.szProtocol.iter().position(|&c| c == 0).unwrap_or(256);
        let chain: Vec<String> = i
            .ProtocolChain
            .ChainEntries
            .iter()
            .map(u32::to_string)
            .collect();
        out.push_str("\n[entry]\n");
        let _ = writeln!(out, "dwCatalogEntryId = {}", i.dwCatalogEntryId);
        let _ = writeln!(out, "ProviderId = {}", guid_string(&i.ProviderId));
        let _ = writeln!(out, "path = {}", quote(&entry.path));
        let _ = writeln!(out, "szProtocol = {}", quote(&i.szProtocol[..name_len]));
        let _ = writeln!(out, "dwServiceFlags1 = 0x{:08X}", i.dwServiceFlags1);
        let _ = writeln!(out, "dwServiceFlags2 = 0x{:08X}", i.dwServiceFlags2);
        let _ = writeln!(out, "dwServiceFlags3 = 0x{:08X}", i.dwServiceFlags3);
        let _ = writeln!(out, "dwServiceFlags4 = 0x{:08X}", i.dwServiceFlags4);
        let _ = writeln!(out, "dwProviderFlags = 0x{:08X}", i.dwProviderFlags);
        let _ = writeln!(out, "ChainLen = {}", i.ProtocolChain.ChainLen);
        let _ = writeln!(out, "ChainEntries = {}", chain.join(" "));
        let _ = writeln!(out, "iVersion = {}", i.iVersion);
        let _ = writeln!(out, "iAddressFamily = {}", i.iAddressFamily);
        let _ = writeln!(out, "iMaxSockAddr = {}", i.iMaxSockAddr);
        let _ = writeln!(out, "iMinSockAddr = {}", i.iMinSockAddr);
        let _ = writeln!(out, "iSocketType = {}", i.iSocketType);
        let _ = writeln!(out, "iProtocol = {}", i.iProtocol);
        let _ = writeln!(out, "iProtocolMaxOffset = {}", i.iProtocolMaxOffset);
        let _ = writeln!(out, "iNetworkByteOrder = {}", i.iNetworkByteOrder);
        let _ = writeln!(out, "iSecurityScheme = {}", i.iSecurityScheme);
        let _ = writeln!(out, "dwMessageSize = {}", i.dwMessageSize);
        let _ = writeln!(out, "dwProviderReserved = {}", i.dwProviderReserved);
        if entry.lsp_categories != 0 {
            let _ = writeln!(out, "{CATEGORIES_KEY} = 0x{:08X}", entry.lsp_categories);
        }
    }
    out.push_str("\n[end]\n");
    out
}

/// Parses a quoted value into UTF-16 units.
fn unquote(value: &str) -> Result<Vec<u16>, String> {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|_| value.len() >= 2)
        .ok_or_else(|| format!("expected a quoted string, found {value}"))?;
    let mut out = Vec::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push(u16::from(b'\\')),
                Some('"') => out.push(u16::from(b'"')),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let unit = (hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                        .then(|| u16::from_str_radix(&hex, 16).ok())
                        .flatten()
                        .ok_or_else(|| format!("bad escape \\u{hex} in {value}"))?;
                    if unit == 0 {
                        return Err(format!("NUL character in {value}"));
                    }
                    out.push(unit);
                }
                other => {
                    return Err(format!(
                        "bad escape \\{} in {value}",
                        other.map(String::from).unwrap_or_default()
                    ))
                }
            },
            '"' => return Err(format!("unescaped quote inside {value}")),
            c if c.is_control() => return Err(format!("control character in {value}")),
            c => {
                let mut buf = [0u16; 2];
                out.extend_from_slice(c.encode_utf16(&mut buf));
            }
        }
    }
    Ok(out)
}

fn parse_u32(value: &str) -> Result<u32, String> {
    let (digits, radix) = match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (value, 10),
    };
    Some(digits)
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_digit(radix)))
        .and_then(|d| u32::from_str_radix(d, radix).ok())
        .ok_or_else(|| {
            format!("bad number \"{value}\" (expected 0..4294967295, decimal or 0x hex)")
        })
}

fn parse_i32(value: &str) -> Result<i32, String> {
    value
        .parse::<i32>()
        .ok()
        .filter(|_| !value.starts_with('+'))
        .ok_or_else(|| format!("bad number \"{value}\" (expected a decimal int)"))
}

/// An entry being read: the line of its `[entry]` header and the keys seen so far.
struct Partial {
    line: usize,
    info: WSAPROTOCOL_INFOW,
    path: Option<Vec<u16>>,
    lsp_categories: Option<u32>,
    seen: Vec<&'static str>,
}

impl Partial {
    fn new(line: usize) -> Self {
        Self {
            line,
            info: blank_protocol_info(),
            path: None,
            lsp_categories: None,
            seen: Vec::new(),
        }
    }

    fn set(&mut self, key: &str, value: &str, version: u32) -> Result<(), String> {
        if key == CATEGORIES_KEY && version >= 2 {
            if self.lsp_categories.is_some() {
                return Err(format!("{key} is given twice in this entry"));
            }
            self.lsp_categories = Some(parse_u32(value)?);
            return Ok(());
        }
        let Some(&known) = KEYS.iter().find(|k| **k == key) else {
            return Err(format!("unknown key \"{key}\" in an entry"));
        };
        if self.seen.contains(&known) {
            return Err(format!("{key} is given twice in this entry"));
        }
        self.seen.push(known);
        let i = &mut self.info;
        match known {
            "dwCatalogEntryId" => i.dwCatalogEntryId = parse_u32(value)?,
            "ProviderId" => {
                i.ProviderId = parse_guid(value).ok_or_else(|| format!("bad GUID \"{value}\""))?
            }
            "path" => {
                let path = unquote(value)?;
                if path.is_empty() {
                    return Err("empty path".into());
                }
                self.path = Some(path);
            }
            "szProtocol" => {
                let name = unquote(value)?;
                if name.len() > i.szProtocol.len() {
                    return Err(format!(
                        "szProtocol has {} UTF-16 units, at most 256 fit",
                        name.len()
                    ));
                }
                i.szProtocol[..name.len()].copy_from_slice(&name);
            }
            "dwServiceFlags1" => i.dwServiceFlags1 = parse_u32(value)?,
            "dwServiceFlags2" => i.dwServiceFlags2 = parse_u32(value)?,
            "dwServiceFlags3" => i.dwServiceFlags3 = parse_u32(value)?,
            "dwServiceFlags4" => i.dwServiceFlags4 = parse_u32(value)?,
            "dwProviderFlags" => i.dwProviderFlags = parse_u32(value)?,
            "ChainLen" => {
                let len = parse_i32(value)?;
                if !(0..=7).contains(&len) {
                    return Err(format!("ChainLen {len} is outside 0..=7"));
                }
                i.ProtocolChain.ChainLen = len;
            }
            "ChainEntries" => {
                let ids: Vec<&str> = value.split_whitespace().collect();
                if ids.len() != 7 {
                    return Err(format!("ChainEntries needs 7 ids, found {}", ids.len()));
                }
                for (slot, id) in i.ProtocolChain.ChainEntries.iter_mut().zip(ids) {
                    *slot = parse_u32(id)?;
                }
            }
            "iVersion" => i.iVersion = parse_i32(value)?,
            "iAddressFamily" => i.iAddressFamily = parse_i32(value)?,
            "iMaxSockAddr" => i.iMaxSockAddr = parse_i32(value)?,
            "iMinSockAddr" => i.iMinSockAddr = parse_i32(value)?,
            "iSocketType" => i.iSocketType = parse_i32(value)?,
            "iProtocol" => i.iProtocol = parse_i32(value)?,
            "iProtocolMaxOffset" => i.iProtocolMaxOffset = parse_i32(value)?,
            "iNetworkByteOrder" => i.iNetworkByteOrder = parse_i32(value)?,
            "iSecurityScheme" => i.iSecurityScheme = parse_i32(value)?,
            "dwMessageSize" => i.dwMessageSize = parse_u32(value)?,
            "dwProviderReserved" => i.dwProviderReserved = parse_u32(value)?,
            _ => unreachable!("every key in KEYS is handled"),
        }
        Ok(())
    }

    fn finish(self) -> Result<CatalogEntry, String> {
        if let Some(missing) = KEYS.iter().find(|k| !self.seen.contains(k)) {
            return Err(format!("the entry starting here lacks {missing}"));
        }
        Ok(CatalogEntry {
            info: self.info,
            path: self.path.unwrap_or_default(),
            lsp_categories: self.lsp_categories.unwrap_or(0),
        })
    }
}

/// Reads a catalog file's bytes; `file` names it in errors (`WSANO_RECOVERY` with the line and
/// the problem).
pub fn parse(bytes: &[u8], file: &Path) -> Result<Catalog, CatalogError> {
    let fail = |line: Option<usize>, problem: String| CatalogError::file(file, line, problem);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        fail(Some(line), "not UTF-8 text".into())
    })?;
    if text.trim().is_empty() {
        return Err(fail(None, "the file is empty".into()));
    }
    let mut version_seen = false;
    let mut version = OLDEST_VERSION;
    let mut next_id: Option<u32> = None;
    let mut entries: Vec<CatalogEntry> = Vec::new();
    let mut current: Option<Partial> = None;
    let mut ended = false;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |problem: String| fail(Some(number), problem);
        if ended {
            return Err(at(format!("\"{line}\" after [end]")));
        }
        if line == "[entry]" || line == "[end]" {
            if !version_seen || next_id.is_none() {
                return Err(at("the header (format, next-id) must come first".into()));
            }
            if let Some(partial) = current.take() {
                let start = partial.line;
                entries.push(partial.finish().map_err(|p| fail(Some(start), p))?);
            }
            if line == "[entry]" {
                current = Some(Partial::new(number));
            } else {
                ended = true;
            }
            continue;
        }
        if line.starts_with('[') {
            return Err(at(format!("unknown section {line}")));
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(at(format!("expected \"key = value\", found \"{line}\"")));
        };
        let (key, value) = (key.trim(), value.trim());
        match current.as_mut() {
            Some(partial) => partial.set(key, value, version).map_err(at)?,
            None if key == "format" => {
                if version_seen {
                    return Err(at("format is given twice".into()));
                }
                let text = value
                    .strip_prefix(MAGIC)
                    .map(str::trim)
                    .ok_or_else(|| at(format!("not a ws2emu catalog (format = {value})")))?;
                version = match text.parse::<u32>() {
                    Ok(v) if (OLDEST_VERSION..=FORMAT_VERSION).contains(&v) => v,
                    _ => {
                        return Err(at(format!(
                            "unsupported format version {text} (this ws2emu reads versions {OLDEST_VERSION} to {FORMAT_VERSION})"
                        )))
                    }
                };
                version_seen = true;
            }
            None if !version_seen => {
                return Err(at(format!(
                "the first setting must be \"format = {MAGIC} {OLDEST_VERSION}\" (or a later version), found \"{line}\""
            )))
            }
            None if key == "next-id" => {
                if next_id.is_some() {
                    return Err(at("next-id is given twice".into()));
                }
                next_id = Some(parse_u32(value).map_err(at)?);
            }
            None => return Err(at(format!("unknown key \"{key}\" in the header"))),
        }
    }
    if !ended {
        return Err(fail(
            None,
            "the file ends without [end] (truncated?)".into(),
        ));
    }
    let next_id = next_id.unwrap_or_default();
    let mut ids: Vec<u32> = Vec::with_capacity(entries.len());
    for entry in &entries {
        if ids.contains(&entry.id()) {
            return Err(fail(
                None,
                format!("catalog id {} appears twice", entry.id()),
            ));
        }
        if entry.id() >= next_id {
            return Err(fail(
                None,
                format!(
                    "next-id {next_id} is not above catalog id {} (ids would be reused)",
                    entry.id()
                ),
            ));
        }
        ids.push(entry.id());
    }
    Ok(Catalog::from_parts(entries, next_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_with_escapes() {
        let units: Vec<u16> = "a\"b\\c\té €😀"
            .encode_utf16()
            .chain([0xD800, u16::from(b'x')])
            .collect();
        let quoted = quote(&units);
        assert_eq!(quoted, "\"a\\\"b\\\\c\\u0009é €😀\\uD800x\"");
        assert_eq!(unquote(&quoted).unwrap(), units);
        for bad in [
            "",
            "\"",
            "abc",
            "\"a\\q\"",
            "\"\\u12\"",
            "\"\\u0000\"",
            "\"a\"b\"",
        ] {
            assert!(unquote(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u32("0x20066"), Ok(0x20066));
        assert_eq!(parse_u32("4294967295"), Ok(u32::MAX));
        for bad in ["-1", "+1", "x", "0x", "0x+5", "4294967296", ""] {
            assert!(parse_u32(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_i32("-5"), Ok(-5));
        assert!(parse_i32("2147483648").is_err());
    }
}
