#!/usr/bin/env bash
# One-time set-up on a fresh machine: the Python packages the tests use, and the release build.
# Idempotent: a second run reuses .venv-ci and target/.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "error: cargo not found; hint: install Rust (https://rustup.rs)" >&2; exit 2; }
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || { echo "error: $PY not found; hint: install Python 3.9+ or set PYTHON" >&2; exit 2; }

# The interpreter the test suite runs originals and candidates with.
# maturin builds the `pip install aiaccel` wheel the tests install into a fresh venv.
if [ ! -x .venv-ci/bin/python ] || ! .venv-ci/bin/python -c "import numpy, numba, pytest" 2>/dev/null; then
  echo "setup: creating .venv-ci with numpy, numba, pytest and maturin (from PyPI)" >&2
  "$PY" -m venv .venv-ci
  .venv-ci/bin/python -m pip install -q --disable-pip-version-check numpy numba pytest maturin
fi
if [ ! -x .venv-ci/bin/maturin ]; then
  .venv-ci/bin/python -m pip install -q --disable-pip-version-check maturin
fi

echo "setup: building aiaccel (release)" >&2
cargo build --release --locked 2>&1 | tail -n 3 >&2
