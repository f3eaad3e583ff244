#!/usr/bin/env bash
# Builds everything in release mode (libws2_32 shared and static, the pkg-config file, the
# ws2emu command), prints the flags a C provider or client uses, shows the Winsock catalog, and
# runs the conformance suite against the base provider and the sample layered providers
# (`ws2emu conform`; it exits non-zero on any failure).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
source ci/trusted-build.sh
cargo build --release --workspace
pc_dir="$(realpath "${CARGO_TARGET_DIR:-target}")/release"
echo "libws2_32:  $pc_dir/libws2_32.so, $pc_dir/libws2_32.a"
echo "pkg-config: PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs ws2emu"
PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs ws2emu
echo
"$pc_dir/ws2emu" catalog list
echo
# A private catalog per run: never the caller's WS2EMU_CATALOG.
"$pc_dir/ws2emu" conform
