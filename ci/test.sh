#!/usr/bin/env bash
# The full test suite, exactly as CI runs it (.ci/run calls this script).
# Installs its own prerequisites, then: formatting, clippy with warnings as errors, and every
# Rust and C test (the C suites are driven by cargo test, which prints each suite's summary).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
# Provider libraries the tests build must pass the loader's trust check (README "Trust model"):
# not group- or world-writable, and in directories only their owner can change. A checkout
# under a directory others may write to builds into a private directory instead.
umask 022
unsafe_dir=""
dir="$PWD"
while [ "$dir" != "/" ]; do
    mode=$((8#$(stat -c '%a' "$dir")))
    owner=$(stat -c '%u' "$dir")
    if { [ $((mode & 8#022)) -ne 0 ] && [ $((mode & 8#1000)) -eq 0 ]; } ||
        { [ "$owner" -ne 0 ] && [ "$owner" -ne "$(id -u)" ]; }; then unsafe_dir="$dir"; fi
    dir=$(dirname "$dir")
done
if [ -n "$unsafe_dir" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
    echo "ci/test.sh: $unsafe_dir could be changed by others; building in a private target directory"
    CARGO_TARGET_DIR=$(mktemp -d /tmp/ws2emu-target.XXXXXX)
    export CARGO_TARGET_DIR
fi
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The ABI golden-file and valgrind checks must run, not skip, wherever this script runs. Tests
# never touch a user's catalog: they use the in-memory default or private temporary files.
env -u WS2EMU_CATALOG -u WS2EMU_INSECURE_CATALOG WS2EMU_REQUIRE_MINGW=1 WS2EMU_REQUIRE_VALGRIND=1 cargo test --workspace
