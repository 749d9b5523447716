#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export AIACCEL_PYTHON="$PWD/.venv-ci/bin/python"
cargo test --release --locked -- --test-threads=2
