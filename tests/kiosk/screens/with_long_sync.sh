#!/bin/sh
# Runs a kiosk script on a demo store where Noah Patel has 14 procedures and
# the one the demo server fails (his D0230, docs/demo-practice.md) is the 13th:
# 12 more are captured before it with `chairsync-cli capture`, a quarter of
# them photos with no default provider. Long lists, issue 13.
# Usage: with_long_sync.sh BIN_DIR SCRIPT [more kiosk flags]
. "$(dirname "$0")/demo_store.sh"
make_demo_store
png=$(find "$work/store/images" -name '*.png' | head -n 1)
jpg=$(find "$work/store/images" -name '*.jpg' | head -n 1)
day=$(date -u -d yesterday +%F)  # the demo's acquisition day: these come first, from 06:00
capture() {  # when, code, name, kind, file
    "$bin/chairsync-cli" --store "$work/store" capture --first Noah --last Patel --dob 1979-08-14 \
        --acquired-at "$1" --code "$2" --name "$3" --kind "$4" "$5" > /dev/null
}
i=0
while [ $i -lt 12 ]; do
    when="${day}T06:$(printf %02d $i):00Z"
    if [ $((i % 4)) -eq 1 ]; then
        capture "$when" D0350 "2D oral/facial photographic image" photo "$jpg"
    else
        capture "$when" D0220 "Intraoral - periapical first radiographic image" radiograph "$png"
    fi
    i=$((i + 1))
done
kiosk --demo --script "$script" "$@"
