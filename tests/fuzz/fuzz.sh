#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses of tests/fuzz (docs/fuzzing.md).
#   fuzz.sh [--build DIR] build
#   fuzz.sh [--build DIR] run [--minutes N | --seconds N] [--smoke] [--no-build] [HARNESS...]
# `run` splits the time between the harnesses (all of them by default).
# Without --smoke each harness keeps its corpus in DIR/corpus/<harness> and
# goes on after a finding (fork mode), so one crash does not hide the next;
# with --smoke (ctest) it starts from the seeds in a throwaway corpus, with a
# fixed random seed, and stops at the first finding. Findings land in
# DIR/findings/; the exit code is 1 when there are any.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build-fuzz
if [ "${1:-}" = --build ]; then build=$2; shift 2; fi
shared=${CHAIRSYNC_SHARED:-$root/../shared}
# As ./dev test sets them (a harness stops at the first finding of any sanitizer).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

build_harnesses() {
  if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang CXX=clang++ cmake -S "$here" -B "$build" >/dev/null
  fi
  cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >"$build/build.log" 2>&1 ||
    { tail -40 "$build/build.log" >&2; echo "fuzz: the clang build failed (log: $build/build.log)" >&2; exit 2; }
  rm -rf "$build/seeds"
  "$build/make_seeds" "$build/seeds"
}

# The read-only seed folders of a harness: generated seeds, kept regression
# inputs, and the shared test data (read where it is, never copied).
seed_dirs() {
  local h=$1 d
  for d in "$build/seeds/$h" "$here/regressions/$h"; do [ -d "$d" ] && echo "$d"; done
  case $h in
    image) for d in pngsuite jpeg; do [ -d "$shared/testdata/$d" ] && echo "$shared/testdata/$d"; done ;;
  esac
  return 0
}

cmd=${1:-}; shift || true
case $cmd in
  build) mkdir -p "$build"; build_harnesses ;;
  run)
    seconds=600; smoke=0; rebuild=1; harnesses=()
    while [ $# -gt 0 ]; do
      case $1 in
        --minutes) seconds=$(awk "BEGIN{print int($2*60)}"); shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --smoke) smoke=1; shift ;;
        --no-build) rebuild=0; shift ;;
        *) harnesses+=("$1"); shift ;;
      esac
    done
    mkdir -p "$build"
    [ $rebuild -eq 1 ] && build_harnesses
    if [ ${#harnesses[@]} -eq 0 ]; then
      for f in "$here"/fuzz_*.cpp; do
        h=$(basename "$f" .cpp); h=${h#fuzz_}
        [ "$h" = support ] || harnesses+=("$h")
      done
    fi
    each=$(( seconds / ${#harnesses[@]} )); [ "$each" -ge 1 ] || each=1
    mkdir -p "$build/findings" "$build/logs"
    stamp=$(mktemp); scratch=$(mktemp -d); trap 'rm -rf "$stamp" "$scratch"' EXIT
    status=0
    for h in "${harnesses[@]}"; do
      mapfile -t seeds < <(seed_dirs "$h")
      opts=(-max_total_time="$each" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -print_funcs=0
            -artifact_prefix="$build/findings/$h-")
      if [ $smoke -eq 1 ]; then
        corpus=$scratch/$h; mkdir -p "$corpus"
        opts+=(-seed=1)  # the same mutations every time: a check that nothing rotted, not a search
      else
        corpus=$build/corpus/$h; mkdir -p "$corpus"
        opts+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
      fi
      case $h in api|dicomweb|manifest|config) opts+=(-dict="$here/json.dict") ;; esac
      log=$build/logs/$h.log
      echo "fuzz: $h for ${each}s (corpus $corpus; seeds: ${seeds[*]:-none})"
      rc=0
      "$build/fuzz_$h" "${opts[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
      { grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$log"; grep -E "^#[0-9]+(:| +DONE) +cov:" "$log" | tail -1; } |
        sed "s/^/fuzz: $h: /" || true
      if [ $rc -ne 0 ] || grep -q "==FUZZ FINDING==\|ERROR: \(AddressSanitizer\|libFuzzer\|LeakSanitizer\)\|runtime error:" "$log"; then
        status=1
        echo "fuzz: $h FOUND something (log: $log):" >&2
        grep -m5 -E "==FUZZ FINDING==|SUMMARY|ERROR:|runtime error:|Test unit written" "$log" >&2 || tail -20 "$log" >&2
      fi
    done
    found=$(find "$build/findings" -type f -newer "$stamp")
    if [ -n "$found" ]; then
      status=1
      echo "fuzz: inputs found in this run (reproduce: $build/fuzz_HARNESS FILE):"; echo "$found"
    fi
    exit $status
    ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
