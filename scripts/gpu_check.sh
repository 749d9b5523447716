#!/usr/bin/env bash
# The one prepared check for a GPU machine (issue #16), well inside 10 minutes: with the copied
# release binary and that machine's python3 (numpy, numba, cupy already there), verify the CuPy
# rule's (AX020) rewrites of eval/gpu/kernels.py against the original loops with `aiaccel check`,
# time them per size against the loops and against the CPU rewrite (AX012), and write the
# results file eval/results/DATE-gpu.md (and .json). Without a GPU it runs as well: the GPU
# columns stay empty and the verdicts are the CPU path's.
#
#   bash scripts/gpu_check.sh [--quick] [--out FILE.md]
#   AIACCEL_BIN (default target/release/aiaccel), PYTHON (default python3)
#
# The verifier's sandbox limits address space (CUDA reserves far more than it uses), so `check`
# runs here with a 1 TiB limit; where CUDA still cannot start inside the sandbox, the rewrite
# takes its CPU path there, and the "results agree" column (measured outside the sandbox, on the
# GPU) is what shows the device path right.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${AIACCEL_BIN:-target/release/aiaccel}
PY=${PYTHON:-python3}
QUICK=""
OUT="eval/results/$(date -u +%F)-gpu.md"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK="--quick" ;;
        --out) OUT="$2"; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
BIN=$(readlink -f "$BIN")
[ -x "$BIN" ] || { echo "no aiaccel binary at $BIN (cargo build --release, or set AIACCEL_BIN)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp eval/gpu/kernels.py "$work/"
(cd "$work" && git init -q && git add kernels.py && git -c user.name=aiaccel -c user.email=aiaccel@localhost commit -qm kernels)
AIACCEL_PYTHON=$(command -v "$PY") "$BIN" doctor >"$work/doctor.txt" 2>&1 || true
fns="gemm two_mm three_mm atax mvt gesummv doitgen syr2k_full"
[ -n "$QUICK" ] && fns="gemm mvt"
start=$(date +%s)
for f in $fns; do
    "$BIN" rule AX012 --apply "$work/kernels.py::$f" >"$work/${f}_cpu.py"
    "$BIN" rule AX020 --apply "$work/kernels.py::$f" >"$work/${f}_gpu.py"
    (cd "$work" && AIACCEL_PYTHON=$(command -v "$PY") AIACCEL_GPU_MIN_WORK=0 timeout 120 "$BIN" check "kernels.py::$f" --candidate "${f}_gpu.py" \
        --reorders-sums --json --no-capture --memory-limit 1048576 >"check_$f.json" 2>"check_$f.err") || true
    echo "$f: $("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); t=(d.get("timing") or {}).get("sizes") or [{}]; print(d.get("verdict",{}).get("verdict"), "%.0fx over the loops" % t[-1].get("speedup", 0))' "$work/check_$f.json" 2>/dev/null || tail -1 "$work/check_$f.err") ($(( $(date +%s) - start )) s)"
done
mkdir -p "$(dirname "$OUT")"
"$PY" eval/gpu/timing.py "$work" "$OUT" $QUICK
echo "wrote $OUT ($(( $(date +%s) - start )) s)"
