#!/usr/bin/env bash
# The full test suite, exactly as CI runs it (.ci/run calls this script).
# Installs its own prerequisites, then: formatting, clippy with warnings as errors, and every
# Rust and C test (the C suites are driven by cargo test, which prints each suite's summary).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
source ci/trusted-build.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The ABI golden-file and valgrind checks must run, not skip, wherever this script runs. Tests
# never touch a user's catalog: they use the in-memory default or private temporary files.
env -u WS2EMU_CATALOG -u WS2EMU_INSECURE_CATALOG WS2EMU_REQUIRE_MINGW=1 WS2EMU_REQUIRE_VALGRIND=1 cargo test --workspace
