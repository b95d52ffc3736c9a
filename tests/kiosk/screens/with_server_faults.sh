#!/bin/sh
# Runs a kiosk script against a practice-server process that the script can
# make fail: every image upload is refused (503) from the start, so the
# sync's failure never races the script; once the script has saved
# status-online.png, every health check is refused too, and the file
# health-fails tells the script so (wait-file); once it has saved
# status-offline-after-failure.png, the server answers again. The store is
# the demo's.
# Usage: with_server_faults.sh BIN_DIR SCRIPT [more kiosk flags]
. "$(dirname "$0")/demo_store.sh"
stop_children() { stop "${kiosk_pid:-}"; stop "${server:-}"; }
rm -f status-online.png health-fails status-offline-after-failure.png  # the signals below, from an earlier run
make_demo_store
"$bin/practice-server" --db "$work/server.db" --images "$work/images" --seed demo --allow-fault-admin \
    > "$work/server.out" 2> "$work/server.log" &
server=$!
wait_for "$work/server.out" "listening on" practice-server "$work/server.log"
url=$(sed -n 's/^listening on //p' "$work/server.out")
admin() { curl -sf -X "$1" "$url/api/v1/admin/faults" -H 'Content-Type: application/json' ${2:+-d "$2"} > /dev/null; }
admin POST '{"action": "fail", "method": "PUT", "path_contains": "/images/", "count": -1, "status": 503}'

# Started directly, not through kiosk(): $! must be the kiosk's own pid for stop.
"$bin/chairsync" --config /nonexistent/config.json --store "$work/store" --server "$url" --location loc-1 \
    --script "$script" "$@" &
kiosk_pid=$!
until [ -f status-online.png ]; do kill -0 "$kiosk_pid" 2>/dev/null || break; sleep 0.1; done
admin POST '{"action": "fail", "method": "GET", "path_contains": "/health", "count": -1, "status": 503}'
: > health-fails
until [ -f status-offline-after-failure.png ]; do kill -0 "$kiosk_pid" 2>/dev/null || break; sleep 0.1; done
admin DELETE
wait "$kiosk_pid"
status=$?
kiosk_pid=
exit $status
