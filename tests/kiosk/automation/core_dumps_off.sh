#!/bin/sh
# Runs a program with core dumps allowed as far as the hard limit lets us and
# checks that it turned them off itself (docs/offline-store.md, "Layout"):
# its "Max core file size" must read 0 0 while it runs. The program is meant
# to stay open (a script that waits): it is looked at until the limit reads
# 0 0 or it ends, for up to 120 s (a sanitizer build on a busy machine can be
# slow to start), then stopped.
ulimit -c "$(ulimit -H -c)"
"$@" >/dev/null 2>&1 &
pid=$!
off=no
i=0
while [ $i -lt 2400 ]; do
  if grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits" 2>/dev/null; then off=yes; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
  i=$((i + 1))
done
kill "$pid" 2>/dev/null
wait "$pid"
if [ "$off" = yes ]; then echo "core dumps are off in $1"; exit 0; fi
echo "core dumps are still on in $1"
exit 1
