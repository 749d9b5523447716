#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export AIACCEL_PYTHON="$PWD/.venv-ci/bin/python"

# A headless browser for the HTML report test (Debian's chromium). Without one the test checks
# the page's text and says that it skipped the browser half (CI must have one).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the HTML report test" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "setup: chromium could not be installed; the report test skips its browser half" >&2
fi
# The wheel (`pip install aiaccel`), from the release build above; tests/wheel.rs installs it
rm -f target/wheels/aiaccel-*.whl
.venv-ci/bin/maturin build --release --locked -o target/wheels 2>&1 | tail -n 1 >&2

cargo test --release --locked -- --test-threads=2
