#!/usr/bin/env bash
# Download and unpack the freely licensed Debian music packages that make the real "Other" class.
#
#   bash scripts/fetch_other_music.sh DEST
#
# Reads the accepted packages from src/dancekit/data/debian_music.json, fetches each with
# `apt-get download PKG=VERSION` (the current version, with a warning, when apt no longer offers
# the pinned one), unpacks it with `dpkg-deb -x` into DEST, and unpacks the game archives the table
# names ("unpack") next to themselves as <archive>.d. No root needed; needs apt's package lists
# (`apt-get update`), dpkg-deb and python3. Idempotent: a package already unpacked (stamp under
# DEST/.debs) is skipped, a .deb already downloaded is not fetched again.
# Then: dancekit.data.debian_music.debian_music_recordings(DEST).
set -euo pipefail

if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $0 DEST" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
table="$here/../src/dancekit/data/debian_music.json"
for tool in apt-get dpkg-deb python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found (Debian or Ubuntu needed)" >&2; exit 1; }
done
[ -f "$table" ] || { echo "error: table not found: $table" >&2; exit 1; }

mkdir -p "$1/.debs"
dest="$(cd "$1" && pwd)"
debs="$dest/.debs"

# One line per accepted package: name, version, archive to unpack (or "-").
python3 - "$table" > "$debs/packages.txt" <<'EOF'
import json, sys
for entry in json.load(open(sys.argv[1], encoding="utf-8"))["accepted"]:
    print(entry["package"], entry["version"], entry.get("unpack") or "-")
EOF

while read -r pkg version archive; do
    stamp="$debs/$pkg.unpacked"
    if [ -f "$stamp" ]; then
        echo "$pkg: already unpacked ($(cat "$stamp"))"
    else
        deb="$(ls "$debs/${pkg}"_*.deb 2>/dev/null | head -n 1 || true)"
        if [ -z "$deb" ]; then
            echo "$pkg: downloading $version"
            if ! (cd "$debs" && apt-get download -q "$pkg=$version" >/dev/null 2>&1); then
                echo "warning: $pkg=$version not offered by apt; taking the current version" >&2
                (cd "$debs" && apt-get download -q "$pkg" >/dev/null)
            fi
            deb="$(ls "$debs/${pkg}"_*.deb | head -n 1)"
        fi
        got="$(dpkg-deb -f "$deb" Version)"
        [ "$got" = "$version" ] || echo "warning: $pkg is $got, the table describes $version" >&2
        dpkg-deb -x "$deb" "$dest"
        echo "$got" > "$stamp"
        echo "$pkg: unpacked $got"
    fi
    if [ "$archive" != "-" ] && [ ! -d "$dest/$archive.d" ]; then
        rm -rf "$dest/$archive.d.part"
        python3 -m zipfile -e "$dest/$archive" "$dest/$archive.d.part"
        mv "$dest/$archive.d.part" "$dest/$archive.d"
        echo "$pkg: unpacked $archive"
    fi
done < "$debs/packages.txt"
echo "done: $dest"
