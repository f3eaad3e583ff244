//! Compiles the sample layered providers of examples/providers (C11, gcc -shared against
//! shims/include, as the loader tests build them) into OUT_DIR, for `ws2emu conform`'s default
//! run. They import the Winsock/Win32 functions from the hosting process (the `ws2emu`
//! executable, linked with -rdynamic).
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let repo = manifest.join("../..");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    let include = repo.join("shims/include");
    println!("cargo:rerun-if-changed={}", include.display());
    for (lib, source) in [
        ("libsample_lsp.so", "sample_lsp.c"),
        ("libsample_ifs_lsp.so", "sample_ifs_lsp.c"),
    ] {
        let source = repo.join("examples/providers").join(source);
        println!("cargo:rerun-if-changed={}", source.display());
        let status = Command::new("gcc")
            .args([
                "-std=c11", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror",
            ])
            .args([
                "-fvisibility=hidden",
                "-fshort-wchar",
                "-Wno-unknown-pragmas",
                "-I",
            ])
            .arg(&include)
            .arg(&source)
            .arg("-o")
            .arg(out.join(lib))
            .status()
            .expect("run gcc (ci/setup.sh installs it)");
        assert!(status.success(), "gcc failed for {}", source.display());
    }
}
