#!/usr/bin/env bash
# Fuzz discovery + rule engine + splice with arbitrary Python text (cargo-fuzz, libFuzzer).
#
#   scripts/fuzz.sh [SECONDS]        # default 180
#
# Builds fuzz/fuzz_targets/discover_splice_rules.rs and runs it for SECONDS (-max_total_time),
# starting from the hand-written seeds in fuzz/corpus/discover_splice_rules/seed_* (the corpus
# the fuzzer grows there is git-ignored), then prints the number of runs and any crash files.
# Exit status: 0 when nothing was found, 1 when libFuzzer saved a crash/timeout/OOM input.
# A finding goes into tests/fuzz_regressions.rs (plain `cargo test`); reproduce one with
#   cargo +nightly fuzz run discover_splice_rules fuzz/artifacts/discover_splice_rules/<file>
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Runs at nice 19 in
# fuzz/target (never ./target); the first build takes 20-40 minutes (candle). Environment:
#   FUZZ_SANITIZER  address (default) | none     AddressSanitizer or a plain build (switching
#                   rebuilds every dependency, candle included: 30+ minutes on 2 cores)
#   FUZZ_JOBS       parallel fuzzing processes (default 1)
#   FUZZ_ARGS       extra libFuzzer flags, e.g. "-max_len=65536"
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-180}"
target=discover_splice_rules
sanitizer="${FUZZ_SANITIZER:-address}"
jobs="${FUZZ_JOBS:-1}"

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install cargo-fuzz" >&2; exit 2; }
rustup run nightly rustc --version >/dev/null 2>&1 || { echo "no nightly toolchain: rustup toolchain install nightly" >&2; exit 2; }
# pin the fuzz build to the main crate's dependency versions (cargo then adds libfuzzer-sys)
[ fuzz/Cargo.lock -nt Cargo.lock ] || cp Cargo.lock fuzz/Cargo.lock

artifacts="fuzz/artifacts/$target"
mkdir -p "$artifacts" "fuzz/corpus/$target"
log="$(mktemp "${TMPDIR:-/tmp}/aiaccel-fuzz.XXXXXX")"
marker="$(mktemp "${TMPDIR:-/tmp}/aiaccel-fuzz-start.XXXXXX")"
trap 'rm -f "$marker"' EXIT

echo "building $target (sanitizer: $sanitizer) ..."
nice -n 19 cargo +nightly fuzz build -s "$sanitizer" "$target"

echo "fuzzing for ${secs}s (log: $log) ..."
set +e
nice -n 19 cargo +nightly fuzz run -s "$sanitizer" "$target" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -dict=fuzz/python.dict $([ "$jobs" -gt 1 ] && echo "-jobs=$jobs -workers=$jobs") ${FUZZ_ARGS:-} >"$log" 2>&1
rc=$?
set -e
# with -jobs>1 each worker logs to fuzz-N.log in the current directory
if [ "$jobs" -gt 1 ]; then cat fuzz-*.log >>"$log" 2>/dev/null || true; rm -f fuzz-*.log; fi

runs="$( (grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" || true) | awk '{s += $2} END {print s + 0}')"
corpus="$(find "fuzz/corpus/$target" -type f | wc -l)"
new="$(find "$artifacts" -type f -newer "$marker" | sort)"
echo "runs: $runs in ${secs}s; corpus: $corpus inputs; libFuzzer exit status: $rc"
if [ -n "$new" ]; then
    echo "FINDINGS (see $log):"
    grep -E "^thread .* panicked|^==[0-9]+==ERROR|^SUMMARY|ALARM|Test unit written" "$log" | head -20 || true
    echo "$new" | sed 's/^/  /'
    exit 1
fi
if [ "$rc" -ne 0 ]; then
    echo "libFuzzer failed without writing an artifact:" >&2
    tail -30 "$log" >&2
    exit "$rc"
fi
echo "no crashes"
rm -f "$log"
