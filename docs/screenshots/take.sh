#!/bin/sh
# Takes every screen's screenshot by running the kiosk's scripted walks of the
# demo (tests/kiosk/screens) under Xvfb, at 1280x800 into
# docs/screenshots/ and at 1920x1080 and 1024x768 into docs/screenshots/SIZE/.
# Usage: docs/screenshots/take.sh [BIN_DIR]   (./dev screenshots runs it)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/build/bin}" && pwd)
for size in 1280x800 1920x1080 1024x768; do
    out=$root/docs/screenshots
    [ "$size" = 1280x800 ] || out=$out/$size
    mkdir -p "$out"
    work=$(mktemp -d)
    for script in tests/kiosk/screens/exact_match tests/kiosk/screens/twins tests/kiosk/screens/edit_search \
                  tests/kiosk/screens/failure_hide tests/kiosk/screens/remind_sign_in tests/kiosk/screens/preview \
                  tests/kiosk/screens/patient_back; do
        echo "screenshots: $size $script"
        (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" "$bin/chairsync" --demo \
            --config /nonexistent/config.json --size "$size" --script "$root/$script.script" > "$work/log" 2>&1) ||
            { tail -20 "$work/log"; exit 1; }
    done
    (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" sh "$root/tests/kiosk/screens/with_offline_mode.sh" "$bin" \
        "$root/tests/kiosk/screens/offline_open.script" --size "$size" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }
    (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" sh "$root/tests/kiosk/screens/with_long_sync.sh" "$bin" \
        "$root/tests/kiosk/screens/long_lists.script" --size "$size" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }
    # Gate mode (the patient the user came from), and 60 offline patients (the Patient list's search).
    (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" "$bin/chairsync" --demo --config /nonexistent/config.json \
        --size "$size" --patient p-1001 --proceed-command "/bin/true {patient_id}" \
        --script "$root/tests/kiosk/screens/gate.script" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }
    (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" sh "$root/tests/kiosk/screens/with_many_patients.sh" "$bin" \
        "$root/tests/kiosk/screens/many_patients.script" --size "$size" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }
    (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" "$bin/chairsync" --demo --config /nonexistent/config.json \
        --size "$size" --signout-minutes 0.15 --demo-server-delay 2 \
        --script "$root/tests/kiosk/screens/privacy_cover.script" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }
    (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" sh "$root/tests/kiosk/screens/with_server_down.sh" "$bin" \
        "$root/tests/kiosk/screens/offline_sign_in.script" --size "$size" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }
    (cd "$work" && xvfb-run -a -s "-screen 0 ${size}x24" sh "$root/tests/kiosk/screens/with_server_faults.sh" "$bin" \
        "$root/tests/kiosk/screens/server_status.script" --size "$size" > "$work/log" 2>&1) || { tail -20 "$work/log"; exit 1; }
    cp "$work"/*.png "$out"/
    rm -rf "$work"
done
echo "screenshots: in $root/docs/screenshots/"
