#!/usr/bin/env bash
# Install dancekit and everything it needs on a fresh Debian machine (run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if ! command -v ffmpeg >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq ffmpeg >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
