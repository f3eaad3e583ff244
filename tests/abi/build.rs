//! Generates, from tests/abi/manifest.txt, Rust code that measures the ws2-abi crate:
//! `rust_values()` (size_of/align_of/offset_of!/constant values keyed like the golden file) and
//! one destructuring pattern per struct, which fails to compile if the Rust struct has a field the
//! manifest does not list or lacks one it lists.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifest.txt");
    println!("cargo:rerun-if-changed={}", manifest.display());
    let text = std::fs::read_to_string(&manifest).expect("manifest.txt");

    let mut values = String::from(
        "/// Every manifest quantity measured on the Rust side, keyed like the golden file.\n\
         pub fn rust_values() -> Vec<(&'static str, u64)> {\n    vec![\n",
    );
    let mut patterns = String::new();
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        let Some(kind) = words.next() else { continue };
        let rest: Vec<&str> = words.collect();
        match kind {
            "type" => {
                for name in rest {
                    let _ = writeln!(values, "        (\"sizeof {name}\", core::mem::size_of::<ws2_abi::{name}>() as u64),");
                    let _ = writeln!(values, "        (\"alignof {name}\", core::mem::align_of::<ws2_abi::{name}>() as u64),");
                }
            }
            "const" | "pconst" => {
                for name in rest {
                    let _ = writeln!(
                        values,
                        "        (\"const {name}\", ws2_abi::{name} as usize as u64),"
                    );
                }
            }
            "struct" | "union" => {
                let (name, fields) = rest.split_first().expect("aggregate name");
                let name = name.strip_prefix("tag:").unwrap_or(name);
                let _ = writeln!(
                    values,
                    "        (\"sizeof {name}\", core::mem::size_of::<ws2_abi::{name}>() as u64),"
                );
                let _ = writeln!(values, "        (\"alignof {name}\", core::mem::align_of::<ws2_abi::{name}>() as u64),");
                let mut rust_fields = Vec::new();
                for field in fields {
                    let (c_path, rust_path) = field.split_once('=').unwrap_or((field, field));
                    let _ = writeln!(values, "        (\"offsetof {name}.{c_path}\", core::mem::offset_of!(ws2_abi::{name}, {rust_path}) as u64),");
                    rust_fields.push(rust_path.split('.').next().unwrap_or(rust_path).to_string());
                }
                rust_fields.dedup();
                if kind == "struct" {
                    let list: Vec<String> = rust_fields.iter().map(|f| format!("{f}: _")).collect();
                    let _ = writeln!(
                        patterns,
                        "#[allow(dead_code)]\nfn complete_{name}(v: &ws2_abi::{name}) {{ let ws2_abi::{name} {{ {} }} = v; }}",
                        list.join(", ")
                    );
                }
            }
            other => panic!("manifest: unknown kind {other:?}"),
        }
    }
    values.push_str("    ]\n}\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("rust_layout.rs");
    std::fs::write(out, values + &patterns).expect("write rust_layout.rs");
}
