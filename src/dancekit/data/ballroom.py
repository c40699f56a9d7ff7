"""ISMIR 2004 Ballroom (Cano et al. 2006): 698 excerpts of about 30 s from ballroomdancers.com.

Layout: ``<root>/BallroomData/<Folder>/<name>.wav`` (``root`` may also be ``BallroomData`` itself), with
the ten folders of ``BALLROOM_FOLDERS`` (ChaChaCha, Jive, Quickstep, Rumba-American,
Rumba-International, Rumba-Misc, Samba, Tango, VienneseWaltz, Waltz) and names such as
``Albums-Cafe_Paradiso-05.wav`` or ``Media-105901.wav`` (the names the Krebs beat annotations use).
Other folders in the release (e.g. an ``allwav`` copy) are not classes and are ignored.

Labels are the eight classes all papers use (the three Rumba folders merged, ``BALLROOM``);
``mapping=None`` keeps the folder names. The release names no artists, so each track is its own
group; ``meta['album']`` keeps the album of ``Albums-<album>-NN`` tracks for a stricter split.
"""

from __future__ import annotations

import re
from pathlib import Path

from dancekit.data.errors import DatasetLayoutError
from dancekit.data.labels import BALLROOM_FOLDERS, BALLROOM_FOLDERS_TO_BALLROOM, LabelMapping
from dancekit.data.recordings import Recording, is_audio_file

_ALBUM = re.compile(r"^Albums-(.+)-\d+$")
_EXPECTED = "BallroomData/<Dance>/<name>.wav with folders " + ", ".join(BALLROOM_FOLDERS)


def ballroom_recordings(root: str | Path, *, mapping: LabelMapping | None = BALLROOM_FOLDERS_TO_BALLROOM
                        ) -> list[Recording]:
    """Every track, sorted by folder then name; group = track name, label through ``mapping``.

    Parameters
    ----------
    root : str or Path
        The release folder, or its ``BallroomData`` folder.
    mapping : LabelMapping or None
        Folder names -> labels (default: the eight classes, Rumba merged); None keeps the folders.

    Returns
    -------
    list of Recording
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetLayoutError(f"Ballroom folder not found: {root} (expected {_EXPECTED})")
    base = root / "BallroomData" if (root / "BallroomData").is_dir() else root
    found = []
    for folder_name in BALLROOM_FOLDERS:
        folder = base / folder_name
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if is_audio_file(path):
                album = _ALBUM.match(path.stem)
                meta = {"folder": folder_name, **({"album": album.group(1)} if album else {})}
                found.append(Recording(path, folder_name, path.stem, meta))
    if not found:
        raise DatasetLayoutError(f"no Ballroom tracks in {root} (expected {_EXPECTED})")
    return mapping.apply(found) if mapping is not None else found
