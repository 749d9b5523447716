#!/usr/bin/env bash
# Benchmark: wall time of a rules-only `aiaccel rewrite` on the bundled example (after set-up,
# with the managed/CI venv already in place), and the speedups it found. Prints a table and
# writes the JSON report to bench-results/rewrite-<date>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export AIACCEL_PYTHON=${AIACCEL_PYTHON:-$PWD/.venv-ci/bin/python}
work=$(mktemp -d -t aiaccel-bench-XXXXXX)
cp -r examples/legacy_numeric "$work/repo"
(cd "$work/repo" && git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -q -m init)
mkdir -p bench-results
out="bench-results/rewrite-$(date -u +%Y%m%dT%H%M%SZ).json"
start=$(date +%s.%N)
./target/release/aiaccel rewrite "$work/repo" --no-llm --json --quiet > "$out"
end=$(date +%s.%N)
"$AIACCEL_PYTHON" - "$out" "$start" "$end" <<'PY'
import json, sys, math
r = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"machine: {__import__('os').cpu_count()} cores; rules-only rewrite of examples/legacy_numeric: {wall:.1f} s wall")
print(f"{'function':42} {'status':9} {'speedup':>8}  origin")
for f in r["functions"]:
    sp = f"{f['speedup']:.1f}x" if f.get("speedup") else ""
    print(f"{f['path'] + '::' + f['function']:42} {f['status']:9} {sp:>8}  {f.get('origin') or f['reason'][:60]}")
s = r["summary"]
print(f"accepted {s['accepted']} / {s['functions']}, geomean speedup {s['geomean_speedup'] or 0:.1f}x, report {sys.argv[1]}")
PY
