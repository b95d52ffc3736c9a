#!/bin/sh
# Takes every screen's screenshot by running the kiosk's scripted walks of the
# demo (tests/kiosk/screens) under Xvfb, at 1280x800 into
# docs/screenshots/ and at 1920x1080 and 1024x768 into docs/screenshots/SIZE/.
# Usage: docs/screenshots/take.sh [BIN_DIR]   (./dev screenshots runs it)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
# shot CMD...: runs CMD under Xvfb at $size in $work; shows its log if it fails.
shot() { (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" "$@" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }; }
# demo SCRIPT [flags]: the kiosk on the demo, walking tests/kiosk/screens/SCRIPT.script.
demo() { s=$1; shift; echo "screenshots: $size $s"; shot "$bin/chairsync" --demo --config /nonexistent/config.json \
    --size "$size" --script "$root/tests/kiosk/screens/$s.script" "$@"; }
# wrapped WRAPPER SCRIPT: the kiosk run by tests/kiosk/screens/WRAPPER.sh (a store or server of its own).
wrapped() { echo "screenshots: $size $2 ($1)"; shot sh "$root/tests/kiosk/screens/$1.sh" "$bin" \
    "$root/tests/kiosk/screens/$2.script" --size "$size"; }
for size in 1280x800 1920x1080 1024x768; do
    out=$root/docs/screenshots
    [ "$size" = 1280x800 ] || out=$out/$size
    mkdir -p "$out"
    work=$(mktemp -d)
    for script in exact_match twins edit_search failure_hide remind_sign_in preview patient_back; do
        demo "$script"
    done
    wrapped with_offline_mode offline_open
    wrapped with_long_sync long_lists
    # Gate mode (the patient the user came from), and 60 offline patients (the Patient list's search).
    demo gate --patient p-1001 --proceed-command "/bin/true {patient_id}"
    wrapped with_many_patients many_patients
    demo privacy_cover --signout-minutes 0.25 --demo-server-delay 2
    wrapped with_server_down offline_sign_in
    wrapped with_server_faults server_status
    demo home_pacs --pacs
    wrapped with_demo_pacs pacs_sync
    # First-run setup against a real practice-server, and with an address that answers nothing.
    wrapped with_setup_server setup
    (export SETUP_MODE=down; wrapped with_setup_server setup_unreachable) || exit 1
    # A damaged settings file (the system file): setup opens and says so.
    (export CHAIRSYNC_SYSTEM_CONFIG="$root/tests/kiosk/screens/fixtures/damaged-config.json" XDG_CONFIG_HOME=/nonexistent/xdg
     echo "screenshots: $size damaged_settings"; shot "$bin/chairsync" --config /nonexistent/config.json --size "$size" \
         --script "$root/tests/kiosk/screens/damaged_settings.script") || exit 1
    cp "$work"/*.png "$out"/
    rm -rf "$work"
done
echo "screenshots: in $root/docs/screenshots/"
