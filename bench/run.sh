#!/usr/bin/env bash
# ./dev bench runs this after a Release build into build/. Any arguments go
# to bench/run.py (e.g. --repeats 5, --only thumbs,upload, --build build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/run.py "$@"
