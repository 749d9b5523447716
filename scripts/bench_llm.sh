#!/usr/bin/env bash
# Local model benchmark: load time, prefill and decode tok/s, one full propose step and peak RSS
# for each shipped model (fetched on first use into $AIACCEL_CACHE_DIR or ~/.cache/aiaccel).
# Usage: scripts/bench_llm.sh [MODEL...]   e.g. scripts/bench_llm.sh qwen2.5-coder-1.5b
# Run it on an otherwise idle machine: candle splits every matmul across the cores, so another
# busy process slows decoding far more than its share of the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench --bench llm -- "$@"
