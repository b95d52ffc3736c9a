# Sourced by the with_*.sh wrappers (`. "$(dirname "$0")/demo_store.sh"`),
# with their arguments: BIN_DIR SCRIPT [more kiosk flags]. Sets $bin and
# $script, leaves the kiosk flags in "$@", makes a work folder $work that is
# removed at exit after stop_children (a wrapper that starts processes
# redefines it), and gives the helpers below.
set -eu
bin=$1
script=$2
shift 2
work=$(mktemp -d)
stop_children() { :; }
trap 'stop_children; rm -rf "$work"' EXIT

# stop PID: ends a process this wrapper started, if it still runs.
stop() { [ -n "$1" ] && kill "$1" 2>/dev/null && wait "$1" 2>/dev/null; return 0; }

# wait_for FILE TEXT WHAT [LOG]: waits up to 30 s for TEXT in FILE, the output
# of a process just started; otherwise says WHAT did not start, shows LOG.
wait_for() {
    i=0
    until grep -q "$2" "$1"; do
        i=$((i + 1))
        [ $i -gt 300 ] && { echo "$3 did not start"; cat "${4:-$1}"; exit 1; }
        sleep 0.1
    done
}

# The demo's offline store, as `chairsync-cli demo-data` makes it, in $work/store.
make_demo_store() { "$bin/chairsync-cli" demo-data "$work/store" > /dev/null; }

# kiosk [flags]: the kiosk on $work/store with no configuration of this machine.
kiosk() { "$bin/chairsync" --config /nonexistent/config.json --store "$work/store" "$@"; }
