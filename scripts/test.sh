#!/usr/bin/env bash
# Install everything, then run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# numba's compiled-function cache in site-packages can be left corrupt by processes that compiled the
# same librosa function at once (a later run then segfaults reading it): each test run gets its own.
NUMBA_CACHE_DIR="$(mktemp -d)"
export NUMBA_CACHE_DIR
trap 'rm -rf "$NUMBA_CACHE_DIR"' EXIT
python3 -m pytest -q
