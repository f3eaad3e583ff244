//! ABI verification support: the manifest, the C probe generated from it, and the values
//! extracted from compiled probes.
//!
//! The manifest (`manifest.txt`) lists every type, struct field and constant whose layout or value
//! must match Windows x64. Three witnesses are compared against each other:
//! - the golden file, extracted from a probe compiled by the mingw-w64 cross compiler against its
//!   own Windows headers (`ci/regen-abi-golden.sh`);
//! - the same probe compiled natively by gcc/g++ against `shims/include`;
//! - the Rust ABI crate, through code that `build.rs` generates from the manifest.
//!
//! Values are read out of the *object file* (a dedicated `.ws2abi` section holding one
//! `unsigned long long` per item, in manifest order), so the Windows probe never has to run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One manifest line kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `type NAME`: sizeof and alignof.
    Type(String),
    /// `struct`/`union NAME fields...`: sizeof, alignof and every field offset.
    Aggregate {
        name: String,
        is_union: bool,
        fields: Vec<Field>,
    },
    /// `const NAME`: value of an integer constant expression.
    Const(String),
    /// `pconst NAME`: value of a pointer-typed constant (an address constant, not an ICE).
    PointerConst(String),
}

/// A struct field as spelled in C and in Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub c_path: String,
    pub rust_path: String,
}

/// The C spelling of a manifest type name: `tag:NAME` stands for `struct NAME` (types the SDK
/// declares only as a struct tag, like `struct tcp_keepalive`); the Rust name is always `NAME`.
pub fn c_type(name: &str) -> String {
    match name.strip_prefix("tag:") {
        Some(tag) => format!("struct {tag}"),
        None => name.to_string(),
    }
}

/// The name used in keys and in Rust.
pub fn plain_name(name: &str) -> &str {
    name.strip_prefix("tag:").unwrap_or(name)
}

/// Root of the repository (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

pub fn manifest_path() -> PathBuf {
    repo_root().join("tests/abi/manifest.txt")
}

pub fn golden_path() -> PathBuf {
    repo_root().join("tests/abi/golden-x86_64-mingw.txt")
}

pub fn shims_include() -> PathBuf {
    repo_root().join("shims/include")
}

/// Parses the manifest text. Panics with the line number on malformed input.
pub fn parse_manifest(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let kind = words.next().unwrap_or_default();
        let rest: Vec<&str> = words.collect();
        match kind {
            "type" => items.extend(rest.iter().map(|n| Item::Type(n.to_string()))),
            "const" => items.extend(rest.iter().map(|n| Item::Const(n.to_string()))),
            "pconst" => items.extend(rest.iter().map(|n| Item::PointerConst(n.to_string()))),
            "struct" | "union" => {
                let (name, fields) = rest.split_first().unwrap_or_else(|| {
                    panic!("manifest line {}: {kind} without a name", index + 1)
                });
                let fields = fields
                    .iter()
                    .map(|f| match f.split_once('=') {
                        Some((c, r)) => Field {
                            c_path: c.into(),
                            rust_path: r.into(),
                        },
                        None => Field {
                            c_path: f.to_string(),
                            rust_path: f.to_string(),
                        },
                    })
                    .collect();
                items.push(Item::Aggregate {
                    name: name.to_string(),
                    is_union: kind == "union",
                    fields,
                });
            }
            other => panic!("manifest line {}: unknown kind {other:?}", index + 1),
        }
    }
    items
}

pub fn load_manifest() -> Vec<Item> {
    let path = manifest_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_manifest(&text)
}

/// A measured quantity: its key (`sizeof GUID`, `offsetof GUID.Data1`, `const FD_READ`) and the
/// C expression that computes it.
#[derive(Debug, Clone)]
pub struct Probe {
    pub key: String,
    pub c_expr: String,
}

/// Expands the manifest into the list of measured quantities, in a fixed order.
pub fn probes(items: &[Item]) -> Vec<Probe> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Type(name) => {
                out.push(Probe {
                    key: format!("sizeof {name}"),
                    c_expr: format!("sizeof({name})"),
                });
                out.push(Probe {
                    key: format!("alignof {name}"),
                    c_expr: format!("WS2ABI_ALIGNOF({name})"),
                });
            }
            Item::Aggregate { name, fields, .. } => {
                let (c, key) = (c_type(name), plain_name(name));
                out.push(Probe {
                    key: format!("sizeof {key}"),
                    c_expr: format!("sizeof({c})"),
                });
                out.push(Probe {
                    key: format!("alignof {key}"),
                    c_expr: format!("WS2ABI_ALIGNOF({c})"),
                });
                for field in fields {
                    out.push(Probe {
                        key: format!("offsetof {key}.{}", field.c_path),
                        c_expr: format!("offsetof({c}, {})", field.c_path),
                    });
                }
            }
            Item::Const(name) => out.push(Probe {
                key: format!("const {name}"),
                c_expr: format!("(unsigned long long)({name})"),
            }),
            Item::PointerConst(name) => out.push(Probe {
                key: format!("const {name}"),
                c_expr: format!("(unsigned long long)(uintptr_t)({name}) /*pointer*/"),
            }),
        }
    }
    out
}

/// The headers every probe includes, in the order a Windows program would.
pub const PROBE_HEADERS: &[&str] = &[
    "winsock2.h",
    "ws2tcpip.h",
    "ws2spi.h",
    "mswsock.h",
    "mstcpip.h",
    "windows.h",
];

/// C source of a probe: one `unsigned long long` per quantity in section `.ws2abi`.
/// `before` and `after` are inserted before and after the Windows headers (e.g. glibc includes,
/// to prove that the include order does not change the layout).
pub fn probe_source(probes: &[Probe], before: &str, after: &str) -> String {
    let mut s = String::new();
    s.push_str("/* Generated from tests/abi/manifest.txt; do not edit. */\n");
    s.push_str("#define WIN32_LEAN_AND_MEAN\n");
    s.push_str(before);
    for h in PROBE_HEADERS {
        let _ = writeln!(s, "#include <{h}>");
    }
    s.push_str(after);
    s.push_str("#include <stddef.h>\n#include <stdint.h>\n");
    s.push_str("#ifdef __cplusplus\n#define WS2ABI_ALIGNOF(t) alignof(t)\n#else\n#define WS2ABI_ALIGNOF(t) _Alignof(t)\n#endif\n");
    // An integer constant must be an integer constant expression: without this, a name that is
    // really a function (its address reads as 0 in an object file) would pass as the constant 0.
    // Case labels are where GCC demands a true ICE (a static assertion or `0 * x` folds it).
    // One switch per constant, so equal values never clash as duplicate case labels.
    s.push_str("__attribute__((unused)) static int ws2abi_ice_check(unsigned long long v)\n{\n    int n = 0;\n");
    for name in items_of_kind_const(probes) {
        let _ = writeln!(
            s,
            "    switch (v) {{ case (unsigned long long)({name}): n++; }}"
        );
    }
    s.push_str("    return n;\n}\n");
    s.push_str("#ifdef __cplusplus\nextern \"C\"\n#endif\n");
    // The first element is the count: object formats pad sections (COFF to 16 bytes), so the
    // section's size alone does not say how many values it holds.
    s.push_str("__attribute__((section(\".ws2abi\"), used)) const unsigned long long ws2abi_values[] = {\n");
    let _ = writeln!(s, "    {}ULL, /* count */", probes.len());
    for p in probes {
        let _ = writeln!(s, "    (unsigned long long)({}), /* {} */", p.c_expr, p.key);
    }
    s.push_str("};\n");
    s
}

/// Names of `const` items (integer constant expressions), recovered from their probe keys.
fn items_of_kind_const(probes: &[Probe]) -> impl Iterator<Item = &str> {
    probes
        .iter()
        .filter(|p| p.key.starts_with("const ") && !p.c_expr.contains("/*pointer*/"))
        .map(|p| &p.key["const ".len()..])
}

/// Compiles `source` to an object file with `compiler` and returns the values of `.ws2abi`.
/// `objcopy` must understand the object format the compiler produces.
pub fn compile_and_extract(
    compiler: &str,
    objcopy: &str,
    args: &[&str],
    source: &str,
    suffix: &str,
    workdir: &Path,
) -> Result<Vec<u64>, String> {
    std::fs::create_dir_all(workdir).map_err(|e| e.to_string())?;
    let src = workdir.join(format!("probe.{suffix}"));
    let obj = workdir.join("probe.o");
    let bin = workdir.join("probe.bin");
    std::fs::write(&src, source).map_err(|e| e.to_string())?;
    let out = Command::new(compiler)
        .args(args)
        .arg("-c")
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .output()
        .map_err(|e| format!("cannot run {compiler}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{compiler} failed on {}:\n{}",
            src.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let out = Command::new(objcopy)
        .args(["-O", "binary", "--only-section=.ws2abi"])
        .arg(&obj)
        .arg(&bin)
        .output()
        .map_err(|e| format!("cannot run {objcopy}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{objcopy} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let bytes = std::fs::read(&bin).map_err(|e| e.to_string())?;
    let words: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect();
    let (&count, values) = words.split_first().ok_or("empty .ws2abi section")?;
    values
        .get(..count as usize)
        .map(<[u64]>::to_vec)
        .ok_or_else(|| {
            format!(
                ".ws2abi holds {} values, its header says {count}",
                values.len()
            )
        })
}

/// Pairs probe keys with extracted values; fails if the counts differ.
pub fn keyed(probes: &[Probe], values: &[u64]) -> Result<BTreeMap<String, u64>, String> {
    if probes.len() != values.len() {
        return Err(format!(
            "{} probes but {} values extracted",
            probes.len(),
            values.len()
        ));
    }
    Ok(probes
        .iter()
        .map(|p| p.key.clone())
        .zip(values.iter().copied())
        .collect())
}

/// Golden file text: `key value` per line, in manifest order.
pub fn format_golden(probes: &[Probe], values: &[u64]) -> String {
    assert_eq!(probes.len(), values.len(), "one value per probe");
    let mut s = String::from(
        "# Windows x64 values measured from the mingw-w64 cross compiler's own headers.\n\
         # Generated by ci/regen-abi-golden.sh from tests/abi/manifest.txt; do not edit.\n",
    );
    for (p, v) in probes.iter().zip(values) {
        let _ = writeln!(s, "{} {v}", p.key);
    }
    s
}

pub fn parse_golden(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (key, value) = l.rsplit_once(' ').expect("golden line has a value");
            (
                key.to_string(),
                value.parse().expect("golden value is a u64"),
            )
        })
        .collect()
}

pub fn load_golden() -> BTreeMap<String, u64> {
    let path = golden_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_golden(&text)
}

/// Compares `actual` against `expected` key by key; returns one line per difference.
pub fn differences(
    what: &str,
    expected: &BTreeMap<String, u64>,
    actual: &BTreeMap<String, u64>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    for (key, want) in expected {
        match actual.get(key) {
            Some(got) if got == want => {}
            Some(got) => diffs.push(format!(
                "{what}: {key} = {got} ({got:#x}), Windows x64 has {want} ({want:#x})"
            )),
            None => diffs.push(format!("{what}: {key} is missing")),
        }
    }
    for key in actual.keys().filter(|k| !expected.contains_key(*k)) {
        diffs.push(format!(
            "{what}: {key} is not in the golden file (regenerate it)"
        ));
    }
    diffs
}

/// Runs `program --version` and reports whether it exists.
pub fn have_tool(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// A fresh scratch directory under the target directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/tmp"));
    let dir = base.join(format!("ws2abi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_renamed_fields() {
        let items =
            parse_manifest("# c\ntype A B\nstruct S x y.z=y_z # trailing\nunion U u\nconst K L\n");
        assert_eq!(items.len(), 6);
        assert_eq!(items[0], Item::Type("A".into()));
        match &items[2] {
            Item::Aggregate {
                name,
                is_union,
                fields,
            } => {
                assert_eq!(name, "S");
                assert!(!is_union);
                assert_eq!(
                    fields[1],
                    Field {
                        c_path: "y.z".into(),
                        rust_path: "y_z".into()
                    }
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(&items[3], Item::Aggregate { is_union: true, .. }));
        assert_eq!(items[5], Item::Const("L".into()));
    }

    #[test]
    #[should_panic(expected = "unknown kind")]
    fn rejects_unknown_kind() {
        parse_manifest("enum X\n");
    }

    #[test]
    fn golden_round_trips_and_differences_are_reported() {
        let probes = probes(&parse_manifest("type A\nconst K\n"));
        let text = format_golden(&probes, &[8, 8, u64::MAX]);
        let golden = parse_golden(&text);
        assert_eq!(golden["const K"], u64::MAX);
        let mut other = golden.clone();
        other.insert("sizeof A".into(), 4);
        other.remove("const K");
        let diffs = differences("test", &golden, &other);
        assert_eq!(diffs.len(), 2, "{diffs:?}");
    }
}
