#!/bin/sh
# First-run setup against a real practice-server (docs/setup.md): the kiosk
# with no settings at all, the server with the administrator PIN 2468. The
# script's @SERVER@ and @STORE@ become the server's address and an offline
# store; after the run the settings file must say what was chosen, or, with
# SETUP_MODE=down (the address typed answers nothing), not exist.
# Usage: with_setup_server.sh BIN_DIR SCRIPT [more kiosk flags]
. "$(dirname "$0")/demo_store.sh"
make_demo_store
printf '2468\n' | "$bin/practice-server" --db "$work/practice.db" --set-admin-pin > /dev/null
"$bin/practice-server" --db "$work/practice.db" --images "$work/images" --seed demo \
    > "$work/server.out" 2> "$work/server.err" &
server=$!
stop_children() { stop "$server"; }
wait_for "$work/server.out" "listening on" "practice-server" "$work/server.err"
url=$(sed -n 's/^listening on //p' "$work/server.out")
[ "${SETUP_MODE:-ok}" = down ] && url=http://127.0.0.1:9  # port 9 (discard): nothing listens there
sed -e "s|@SERVER@|$url|g" -e "s|@STORE@|$work/store|g" "$script" > "$work/run.script"
export CHAIRSYNC_SYSTEM_CONFIG="$work/etc/chairsync/config.json" XDG_CONFIG_HOME="$work/user-config"
"$bin/chairsync" --script "$work/run.script" "$@"
written="$CHAIRSYNC_SYSTEM_CONFIG"
if [ "${SETUP_MODE:-ok}" = down ]; then
    if [ -e "$written" ] || [ -e "$XDG_CONFIG_HOME/chairsync/config.json" ]; then
        echo "settings were written although the server did not answer"; exit 1
    fi
    exit 0
fi
for want in "\"server\": \"$url\"" '"location": "loc-2"' '"workstation": "OP-7"' "\"store\": \"$work/store\"" \
    '"proceed_command": "/usr/bin/true {patient_id}"'; do
    grep -qF "$want" "$written" || { echo "the settings file lacks $want:"; cat "$written"; exit 1; }
done
