//! `ws2emu conform` runs the conformance suite in a child `ws2emu` process that hosts C
//! providers: they import the Winsock/Win32 functions (CreateThread, WSCEnumProtocols,
//! LoadLibraryW, ...) from the executable, so its symbols must be exported (-rdynamic), as in
//! the loader's provider tests.
fn main() {
    println!("cargo:rustc-link-arg-bins=-rdynamic");
}
