#!/usr/bin/env bash
# Install everything, render a 30-second example waltz (synthetic, made here, nothing
# downloaded), and identify its dance, tempo and meter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
dancekit synth examples/demo --per-dance 1 --dances "Slow Waltz" --no-other --degrade-fraction 0 --workers 1
dancekit identify examples/demo/audio/000000_slowwaltz.flac --plot examples/demo/timeline.png
