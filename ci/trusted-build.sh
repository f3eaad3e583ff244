# Sourced by ci/build.sh and ci/test.sh.
#
# Provider libraries the build makes must pass the loader's trust check (README "Trust model"):
# not group- or world-writable, and in directories only their owner can change. So: umask 022,
# and a checkout under a directory others may write to builds into a private directory instead
# (CARGO_TARGET_DIR, unless the caller chose one).
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
    echo "$0: $unsafe_dir could be changed by others; building in a private target directory"
    CARGO_TARGET_DIR=$(mktemp -d /tmp/ws2emu-target.XXXXXX)
    export CARGO_TARGET_DIR
fi
