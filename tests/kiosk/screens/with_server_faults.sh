#!/bin/sh
# Runs a kiosk script against a practice-server process that the script can
# make fail: every image upload is refused (503) from the start, so the
# sync's failure never races the script; once the script has saved
# status-online.png, every health check is refused too; once it has saved
# status-offline-after-failure.png, the server answers again. The store is
# the demo's.
# Usage: with_server_faults.sh BIN_DIR SCRIPT [more kiosk flags]
set -eu
bin=$1
script=$2
shift 2
work=$(mktemp -d)
cleanup() {
    [ -n "${kiosk:-}" ] && kill "$kiosk" 2>/dev/null && wait "$kiosk" 2>/dev/null
    [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
rm -f status-online.png status-offline-after-failure.png  # the signals below, from an earlier run
"$bin/chairsync-cli" demo-data "$work/store" > /dev/null
"$bin/practice-server" --db "$work/server.db" --images "$work/images" --seed demo --allow-fault-admin \
    > "$work/server.out" 2> "$work/server.log" &
server=$!
i=0
until grep -q "listening on" "$work/server.out"; do
    i=$((i + 1))
    [ $i -gt 300 ] && { echo "practice-server did not start"; cat "$work/server.log"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/server.out")
admin() { curl -sf -X "$1" "$url/api/v1/admin/faults" -H 'Content-Type: application/json' ${2:+-d "$2"} > /dev/null; }
admin POST '{"action": "fail", "method": "PUT", "path_contains": "/images/", "count": -1, "status": 503}'

"$bin/chairsync" --config /nonexistent/config.json --store "$work/store" --server "$url" --location loc-1 \
    --script "$script" "$@" &
kiosk=$!
until [ -f status-online.png ]; do kill -0 "$kiosk" 2>/dev/null || break; sleep 0.1; done
admin POST '{"action": "fail", "method": "GET", "path_contains": "/health", "count": -1, "status": 503}'
until [ -f status-offline-after-failure.png ]; do kill -0 "$kiosk" 2>/dev/null || break; sleep 0.1; done
admin DELETE
wait "$kiosk"
status=$?
kiosk=
exit $status
