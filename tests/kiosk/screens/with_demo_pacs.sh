#!/bin/sh
# Runs `chairsync --demo --pacs` with a script that syncs (pacs_sync.script)
# and, once the script has saved pacs-synced.png, asks the demo's Orthanc
# through its own REST API (user demo, password demo, at the address the
# kiosk's log names) for what it holds of the online patient p-1001: a study
# for each of Maria's two procedures, six images in all.
# Usage: with_demo_pacs.sh BIN_DIR SCRIPT [more kiosk flags]
. "$(dirname "$0")/demo_store.sh"
stop_children() { stop "${kiosk_pid:-}"; }
rm -f pacs-synced.png  # the signal below, from an earlier run
"$bin/chairsync" --demo --pacs --config /nonexistent/config.json --script "$script" "$@" > "$work/kiosk.log" 2>&1 &
kiosk_pid=$!
until [ -f pacs-synced.png ]; do kill -0 "$kiosk_pid" 2>/dev/null || break; sleep 0.1; done
if [ -f pacs-synced.png ]; then
    orthanc=$(sed -n 's/.*Orthanc Explorer \(http:\/\/127\.0\.0\.1:[0-9]*\)\/app.*/\1/p' "$work/kiosk.log" | head -1)
    [ -n "$orthanc" ] || { echo "the kiosk's log does not name Orthanc's address"; cat "$work/kiosk.log"; exit 1; }
    python3 - "$orthanc" <<'PY' || { stop "$kiosk_pid"; kiosk_pid=; exit 1; }
import base64, json, sys, urllib.request
base = sys.argv[1]
auth = "Basic " + base64.b64encode(b"demo:demo").decode()
def find(level):
    body = json.dumps({"Level": level, "Query": {"PatientID": "p-1001"}}).encode()
    req = urllib.request.Request(base + "/tools/find", data=body, headers={"Authorization": auth})
    return json.load(urllib.request.urlopen(req, timeout=10))
studies, instances = find("Study"), find("Instance")
print(f"Orthanc at {base} holds {len(studies)} studies, {len(instances)} images of p-1001")
if len(studies) != 2 or len(instances) != 6:
    sys.exit("expected Maria's 2 procedures (2 studies) with 6 images in the archive")
PY
fi
status=0
wait "$kiosk_pid" || status=$?
kiosk_pid=
[ $status -eq 0 ] || tail -30 "$work/kiosk.log"
exit $status
