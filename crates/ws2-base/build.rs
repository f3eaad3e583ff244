//! The integration tests load libws2_base.so into a Rust test executable that links ws2_32
//! statically; exporting the executable's symbols lets the provider find ws2_32's
//! `WSASetLastError` (how its extension functions report errors) as it does in a C program
//! linked with -lws2_32.
fn main() {
    println!("cargo:rustc-link-arg-tests=-rdynamic");
}
