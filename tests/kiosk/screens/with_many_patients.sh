#!/bin/sh
# Runs a kiosk script on the demo store with 53 more offline patients
# (60 in all), each with one radiograph, captured as offline imaging would.
# Usage: with_many_patients.sh BIN_DIR SCRIPT [more kiosk flags]
. "$(dirname "$0")/demo_store.sh"
make_demo_store
image=$(find "$work/store/images" -name '*.png' | head -n 1)
i=0
for last in Adams Baker Carter Diaz Evans Foster Green Hughes; do
    for first in Ava Ben Chloe Dev Ella Finn Grace; do
        i=$((i + 1))
        [ $i -gt 53 ] && break 2
        "$bin/chairsync-cli" --store "$work/store" capture --first "$first" --last "$last" \
            --dob "19$((50 + i))-0$((1 + i % 9))-1$((i % 10))" --code D0220 "$image" > /dev/null
    done
done
kiosk --demo --script "$script" "$@"
