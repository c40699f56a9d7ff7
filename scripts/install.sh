#!/usr/bin/env bash
# Install dancekit and everything it needs on a fresh Debian machine (run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# ffmpeg decodes every audio/video format; mma + fluidsynth + General MIDI soundfonts render
# the synthetic training corpus (dancekit synth); chromium runs the web page tests (headless).
packages="ffmpeg mma fluidsynth fluid-soundfont-gm timgm6mb-soundfont musescore-general-soundfont chromium"
missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
