//! Links this provider library with `-z nodelete`: the Rust standard library inside it registers
//! thread-exit destructors on application threads (thread handles, channels), so
//! unmapping it when a layered provider frees its lower layer (FreeLibrary, as LSPs do on
//! Windows) would make those threads crash at exit. The library stays mapped instead;
//! FreeLibrary still balances the reference count.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
}
