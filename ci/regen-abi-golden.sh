#!/usr/bin/env bash
# Regenerates tests/abi/golden-x86_64-mingw.txt: compiles a probe generated from
# tests/abi/manifest.txt with the mingw-w64 cross compiler against its own Windows headers and
# reads the values out of the object file. Needs gcc-mingw-w64-x86-64 (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet -p ws2emu-abi-check --bin regen-golden -- "$@"
