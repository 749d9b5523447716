#!/usr/bin/env bash
# The sandbox's overhead on verification: `aiaccel check --no-bench` on the right rewrites of
# the mutant suite, with and without the sandbox, interleaved, N rounds (default 3). Prints the
# median wall time per fixture each way and the median ratio.
#   usage: scripts/bench_sandbox.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
bin=target/release/aiaccel
[ -x "$bin" ] || cargo build --release
export AIACCEL_PYTHON="${AIACCEL_PYTHON:-$PWD/.venv-ci/bin/python}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/legacy_numeric "$work/repo"
(cd "$work/repo" && git init -q && git add -A && git -c user.name=b -c user.email=b@b commit -qm init)
python3 - "$work" "$rounds" "$PWD/$bin" <<'PY'
import statistics, subprocess, sys, time, tomllib
work, rounds, binary = sys.argv[1], int(sys.argv[2]), sys.argv[3]
root = __import__("os").getcwd()
cases = [c for c in tomllib.load(open(root + "/tests/fixtures/check/MANIFEST.toml", "rb"))["case"] if c["expect"] == "accept"]
rows = []
for c in cases:
    t = {"sandbox": [], "none": []}
    for r in range(rounds):
        order = ["sandbox", "none"] if r % 2 == 0 else ["none", "sandbox"]
        for mode in order:
            cmd = [binary, "check", c["target"], "--candidate", root + "/tests/fixtures/check/" + c["file"], "--no-bench", "--no-capture"]
            if mode == "none":
                cmd.append("--unsafe-no-sandbox")
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=work + "/repo", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t[mode].append(time.perf_counter() - t0)
    s, n = statistics.median(t["sandbox"]), statistics.median(t["none"])
    rows.append((c["file"], s, n))
    print("%-60s sandbox %6.2f s   none %6.2f s   %.3fx" % (c["file"], s, n, s / n), flush=True)
print("median per-fixture verify time: sandbox %.2f s, none %.2f s; median ratio %.3f" % (
    statistics.median(r[1] for r in rows), statistics.median(r[2] for r in rows), statistics.median(r[1] / r[2] for r in rows)))
PY
