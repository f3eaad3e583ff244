//! `ws2emu catalog ...`: show and change the transport catalog through the same code paths as
//! the WSC* functions (`ws2_core::catalog::Store`). The catalog is the one `WS2EMU_CATALOG`
//! names, or the built-in default (changes to which last only for the command's own process).

use crate::describe;
use std::fmt::Write as _;
use ws2_abi::{GUID, WSAPROTOCOL_INFOW};
use ws2_core::catalog::{self, guid_string, parse_guid, CatalogEntry, CatalogError};

pub const USAGE: &str = "\
usage: ws2emu catalog list [--json]
       ws2emu catalog install --guid {GUID} --chain-guid {GUID} --path PATH --name NAME
                              [--over ID]... [--ifs]
       ws2emu catalog remove {GUID}...
       ws2emu catalog order ID...
       ws2emu catalog reset";

pub fn run(args: &[&str]) -> Result<(), String> {
    match args {
        ["list"] => list(false),
        ["list", "--json"] => list(true),
        ["install", rest @ ..] => install(&InstallArgs::parse(rest)?),
        ["remove", guids @ ..] if !guids.is_empty() => remove(guids),
        ["order", ids @ ..] if !ids.is_empty() => order(ids),
        ["reset"] => reset(),
        _ => Err(format!("unknown or incomplete catalog command\n{USAGE}")),
    }
}

fn one_line(error: CatalogError) -> String {
    error.to_string()
}

fn list(json: bool) -> Result<(), String> {
    let catalog = catalog::store().load().map_err(one_line)?;
    let text = if json {
        to_json(catalog.entries())
    } else {
        to_text(catalog.entries())
    };
    print!("{text}");
    Ok(())
}

fn guid_arg(text: &str) -> Result<GUID, String> {
    parse_guid(text).ok_or_else(|| {
        format!("bad GUID {text:?} (expected {{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}})")
    })
}

fn id_arg(text: &str) -> Result<u32, String> {
    text.parse().map_err(|_| format!("bad catalog id {text:?}"))
}

/// `catalog install`: a layered provider the way LSP installers do it on Windows: one layered
/// ("dummy", ChainLen 0) entry under `--guid`, then, under `--chain-guid`, one two-element chain
/// [layered id, base id] per base entry named with `--over` (default: every base entry),
/// copying the base entry's protocol description. Both steps happen in one catalog change.
#[derive(Debug)]
struct InstallArgs {
    guid: GUID,
    chain_guid: GUID,
    path: String,
    name: String,
    over: Vec<u32>,
    ifs: bool,
}

impl InstallArgs {
    fn parse(args: &[&str]) -> Result<Self, String> {
        let (mut guid, mut chain_guid, mut path, mut name, mut over, mut ifs) =
            (None, None, None, None, Vec::new(), false);
        let mut rest = args.iter();
        while let Some(&flag) = rest.next() {
            let mut value = || {
                rest.next()
                    .copied()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag {
                "--guid" => guid = Some(guid_arg(value()?)?),
                "--chain-guid" => chain_guid = Some(guid_arg(value()?)?),
                "--path" => path = Some(value()?.to_string()),
                "--name" => name = Some(value()?.to_string()),
                "--over" => over.push(id_arg(value()?)?),
                "--ifs" => ifs = true,
                other => return Err(format!("unknown option {other:?}\n{USAGE}")),
            }
        }
        let missing = |what: &str| format!("catalog install needs {what}\n{USAGE}");
        Ok(Self {
            guid: guid.ok_or_else(|| missing("--guid"))?,
            chain_guid: chain_guid.ok_or_else(|| missing("--chain-guid"))?,
            path: path.ok_or_else(|| missing("--path"))?,
            name: name.ok_or_else(|| missing("--name"))?,
            over,
            ifs,
        })
    }
}

pub(crate) fn set_name(info: &mut WSAPROTOCOL_INFOW, name: &str) {
    info.szProtocol = [0; 256];
    for (dst, src) in info
        .szProtocol
        .iter_mut()
        .take(255)
        .zip(name.encode_utf16())
    {
        *dst = src;
    }
}

fn install(args: &InstallArgs) -> Result<(), String> {
    let wide_path: Vec<u16> = args.path.encode_utf16().collect();
    let file = catalog::expanded_path(&wide_path)
        .map_err(|p| format!("provider path {p:?} is not absolute"))?;
    if !file.is_file() {
        return Err(format!(
            "provider library {} does not exist",
            file.display()
        ));
    }
    let ids = catalog::store()
        .modify(|c| {
            let bases: Vec<CatalogEntry> = if args.over.is_empty() {
                c.entries()
                    .iter()
                    .filter(|e| e.info.ProtocolChain.ChainLen == 1)
                    .cloned()
                    .collect()
            } else {
                args.over
                    .iter()
                    .map(|&id| match c.by_id(id) {
                        Some(e) if e.info.ProtocolChain.ChainLen == 1 => Ok(e.clone()),
                        Some(_) => Err(CatalogError::call(
                            ws2_core::WinError::WSAEINVAL,
                            format!("catalog entry {id} is not a base entry"),
                        )),
                        None => Err(CatalogError::call(
                            ws2_core::WinError::WSAEINVAL,
                            format!("no catalog entry {id}"),
                        )),
                    })
                    .collect::<Result<_, _>>()?
            };
            let mut layered = catalog::blank_protocol_info();
            layered.ProtocolChain.ChainLen = 0;
            layered.iVersion = 2;
            set_name(&mut layered, &args.name);
            let layered_id = c.install(&args.guid, &wide_path, &[layered])?[0];
            let chains: Vec<WSAPROTOCOL_INFOW> = bases
                .iter()
                .map(|base| {
                    let mut info = base.info;
                    info.ProtocolChain.ChainLen = 2;
                    info.ProtocolChain.ChainEntries = [layered_id, base.id(), 0, 0, 0, 0, 0];
                    if !args.ifs {
                        info.dwServiceFlags1 &= !ws2_abi::XP1_IFS_HANDLES;
                    }
                    set_name(
                        &mut info,
                        &format!("{} over [{}]", args.name, describe::name(&base.info)),
                    );
                    info
                })
                .collect();
            let chain_ids = if chains.is_empty() {
                Vec::new()
            } else {
                c.install(&args.chain_guid, &wide_path, &chains)?
            };
            Ok((layered_id, chain_ids))
        })
        .map_err(one_line)?;
    let (layered_id, chain_ids) = ids;
    let chains: Vec<String> = chain_ids.iter().map(u32::to_string).collect();
    println!(
        "installed layered entry {layered_id} and chain entries [{}]",
        chains.join(", ")
    );
    Ok(())
}

fn remove(guids: &[&str]) -> Result<(), String> {
    let guids: Vec<GUID> = guids
        .iter()
        .map(|g| guid_arg(g))
        .collect::<Result<_, _>>()?;
    let removed = catalog::store()
        .modify(|c| {
            guids
                .iter()
                .map(|g| c.deinstall(g))
                .sum::<Result<usize, _>>()
        })
        .map_err(one_line)?;
    println!("removed {removed} catalog entries");
    Ok(())
}

fn order(ids: &[&str]) -> Result<(), String> {
    let ids: Vec<u32> = ids.iter().map(|i| id_arg(i)).collect::<Result<_, _>>()?;
    catalog::store().write_order(&ids).map_err(one_line)?;
    println!("catalog order written");
    Ok(())
}

fn reset() -> Result<(), String> {
    let reset = catalog::store().reset().map_err(one_line)?;
    match reset.backup {
        Some(backup) => println!(
            "catalog reset to the default; the previous one is saved as {}",
            backup.display()
        ),
        None => println!("catalog reset to the default"),
    }
    Ok(())
}

fn wide(path: &[u16]) -> String {
    String::from_utf16_lossy(path)
}

/// Why starting this entry's provider would be refused (WSAEPROVIDERFAILEDINIT): a path that is
/// not absolute after expansion, or a library others than its owner and root could change
/// (the loader's check, `ws2_loader`'s `trusted_library`). Shown even when
/// `WS2EMU_INSECURE_CATALOG=1` lets the loader go on, with a note saying so. A path still
/// holding a `%VAR%` this command cannot expand (the default `%WS2EMU_LIBDIR%`, which
/// libws2_32 defines for itself) is not judged: it depends on the process using the catalog.
fn refusal(entry: &CatalogEntry) -> Option<String> {
    let file = match catalog::expanded_path(&entry.path) {
        Err(p) if p.contains('%') => return None,
        Err(p) => return Some(format!("provider path {p:?} is not absolute")),
        Ok(file) => file,
    };
    let reason = ws2_os::check_trusted(&file).err()?.reason;
    Some(if ws2_os::insecure_allowed() {
        format!("{reason} (allowed by {}=1)", ws2_os::INSECURE_ENV)
    } else {
        reason
    })
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
            ("Provider ID", guid_string(&i.ProviderId)),
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
        if let Some(reason) = refusal(entry) {
            let _ = writeln!(out, "    would be refused: {reason}");
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
                 \"max_sockaddr\": {}, \"message_size\": {}, \"refused\": {}}}",
                entry.id(),
                json_string(&describe::name(i)),
                json_string(describe::entry_type(i)),
                json_string(&guid_string(&i.ProviderId)),
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
                refusal(entry).map_or("null".to_string(), |r| json_string(&r)),
            )
        })
        .collect();
    format!("[\n{}\n]\n", objects.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ws2_core::catalog::Catalog;

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

    #[test]
    fn install_arguments_are_checked() {
        assert!(InstallArgs::parse(&["--guid", "{1234}"])
            .unwrap_err()
            .contains("bad GUID"));
        let missing = InstallArgs::parse(&["--guid", "{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}"]);
        assert!(missing.unwrap_err().contains("--chain-guid"));
        assert!(InstallArgs::parse(&["--over"])
            .unwrap_err()
            .contains("needs a value"));
    }
}
