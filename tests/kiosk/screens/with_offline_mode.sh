#!/bin/sh
# Runs a kiosk script while `chairsync-cli offline-mode` holds the demo store,
# as an open offline imaging window would.
# Usage: with_offline_mode.sh BIN_DIR SCRIPT [more kiosk flags]
set -eu
bin=$1
script=$2
shift 2
work=$(mktemp -d)
cleanup() {
    [ -n "${holder:-}" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
# Build the demo store first, in a folder we know.
"$bin/chairsync" --demo --config /nonexistent/config.json --store "$work/store" --screenshot "$work/first.png"
"$bin/chairsync-cli" --store "$work/store" offline-mode > "$work/holder.out" 2>&1 &
holder=$!
i=0
until grep -q "Offline mode is on" "$work/holder.out"; do
    i=$((i + 1))
    [ $i -gt 300 ] && { echo "offline-mode did not start"; cat "$work/holder.out"; exit 1; }
    sleep 0.1
done
"$bin/chairsync" --demo --config /nonexistent/config.json --store "$work/store" --script "$script" "$@"
