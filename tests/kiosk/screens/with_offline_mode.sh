#!/bin/sh
# Runs a kiosk script while `chairsync-cli offline-mode` holds the demo store,
# as an open offline imaging window would.
# Usage: with_offline_mode.sh BIN_DIR SCRIPT [more kiosk flags]
. "$(dirname "$0")/demo_store.sh"
stop_children() { stop "${holder:-}"; }
# Build the demo store first, in a folder we know.
kiosk --demo --screenshot "$work/first.png"
"$bin/chairsync-cli" --store "$work/store" offline-mode > "$work/holder.out" 2>&1 &
holder=$!
wait_for "$work/holder.out" "Offline mode is on" offline-mode
kiosk --demo --script "$script" "$@"
