#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine: the C toolchain the
# header and ABI checks drive, pkg-config, and the mingw-w64 cross compiler that measures the
# Windows x64 golden values. Does nothing when everything is present.
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v g++ >/dev/null || need+=(g++)
command -v objcopy >/dev/null || need+=(binutils)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v valgrind >/dev/null || need+=(valgrind)

if [ ${#need[@]} -gt 0 ]; then
  echo "ci/setup.sh: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "ci/setup.sh: cargo (Rust stable) is required" >&2; exit 1; }
