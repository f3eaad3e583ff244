#!/usr/bin/env bash
# Builds everything in release mode (libws2_32 shared and static, the pkg-config file, the
# ws2emu command), prints the flags a C provider or client uses, and shows the Winsock catalog.
# The project's eventual main job (`ws2emu conform`) does not exist yet.
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
cargo build --release --workspace
pc_dir="$(pwd)/target/release"
echo "libws2_32:  $pc_dir/libws2_32.so, $pc_dir/libws2_32.a"
echo "pkg-config: PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs ws2emu"
PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs ws2emu
echo
"$pc_dir/ws2emu" catalog list
