#!/bin/sh
# Runs a kiosk script on the demo store while its practice server does not
# answer (nothing listens at the address), after `demo` signed in there once
# with the server up; then checks that the offline sign-in was audited.
# Usage: with_server_down.sh BIN_DIR SCRIPT [more kiosk flags]
. "$(dirname "$0")/demo_store.sh"
# The demo store, and demo's sign-in with the embedded server up.
printf 'wait-for "Offline images were found" 120\n' > "$work/first.script"
kiosk --demo --script "$work/first.script"
# Port 9 (discard) on loopback: nothing listens there on a build machine.
kiosk --server http://127.0.0.1:9 \
    --location loc-1 --script "$script" "$@"
"$bin/chairsync-cli" --store "$work/store" audit > "$work/audit.txt"
grep -q "offline: the server did not answer; PIN checked on this workstation" "$work/audit.txt" ||
    { echo "the offline sign-in is not in the audit trail:"; cat "$work/audit.txt"; exit 1; }
