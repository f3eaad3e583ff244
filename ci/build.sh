#!/usr/bin/env bash
# Builds libws2_32 (shared and static) and the pkg-config file, and prints the flags a C provider
# or client uses. The project's main job (`ws2emu conform`) does not exist yet.
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
cargo build --release -p ws2-capi
pc_dir="$(pwd)/target/release"
echo "libws2_32:  $pc_dir/libws2_32.so, $pc_dir/libws2_32.a"
echo "pkg-config: PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs ws2emu"
PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs ws2emu
