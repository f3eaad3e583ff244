//! The loader's integration tests host C providers in the test executable itself: the layered
//! providers call `LoadLibraryW`, `GetProcAddress`, `ExpandEnvironmentStringsW` and `FreeLibrary`,
//! which must be the test process's own ws2emu (the `ws2_32` rlib linked into the test), not a
//! second copy from libws2_32.so. `-rdynamic` puts the executable's exported C symbols in its
//! dynamic symbol table, where the providers' undefined references resolve, as they resolve to
//! libws2_32.so in a real client.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-link-arg-tests=-rdynamic");
}
