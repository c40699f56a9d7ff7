"""Extended Ballroom v1.1 (Marchand & Peeters 2016): 4180 previews of 30 s, 13 genres, with metadata.

Layout: ``<root>/<Genre>/<id>.mp3`` (``Chacha``, ``Foxtrot``, ... ``Wcswing``) and the metadata XML
``extendedballroom_v1.1.xml``: ``<ballroom><Genre><song id artist title album bpm hash>`` where a song
may carry links to other ids: ``<exact>`` (the same audio), ``<time>`` (the same recording at another
length or edit), ``<karaoke>`` (vocal and instrumental takes of one recording) and ``<version>``
(another version of the song: other arrangement or orchestra).

Groups, so that a split never puts one piece of audio on both sides: tracks are joined by their
(normalised) artist, unless the artist is a placeholder such as "Various", and by the ``links``
kinds (default exact, time and karaoke: near-identical audio). ``version`` links are left out by
default because chaining them with artists merges 659 tracks into one group; pass
``links=ALL_LINKS`` for the strictest grouping. The largest default group has 167 tracks (4 %).
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from dancekit.data.errors import DatasetLayoutError, DatasetWarning
from dancekit.data.labels import EXTENDED_BALLROOM, LabelMapping
from dancekit.data.recordings import Recording, is_audio_file
from dancekit.paths import shared_data_dir

XML_NAME = "extendedballroom_v1.1.xml"
ALL_LINKS = ("exact", "time", "karaoke", "version")
DEFAULT_LINKS = ("exact", "time", "karaoke")
#: Artist fields that name no artist (compilations): they must not join unrelated tracks into a group.
PLACEHOLDER_ARTISTS = frozenset({"", "various", "various artists", "unknown", "unknown artist", "n/a"})
MISSING_POLICIES = ("warn", "error", "keep")
_EXPECTED = "<root>/<Genre>/<id>.mp3 with Genre one of " + ", ".join(EXTENDED_BALLROOM)


@dataclass(frozen=True)
class ExtendedBallroomTrack:
    """One ``<song>`` of the XML.

    Parameters
    ----------
    id : str
        The track id (also its audio file name).
    genre, artist, title, album : str
        As written in the XML.
    bpm : float or None
        Tempo, when the XML gives one.
    md5 : str
        The XML's ``hash`` of the audio.
    links : tuple of (str, str)
        ``(kind, other id)`` for each link (``exact``, ``time``, ``karaoke``, ``version``).
    """

    id: str
    genre: str
    artist: str
    title: str
    album: str
    bpm: float | None
    md5: str
    links: tuple[tuple[str, str], ...]  # (kind, other id)


def read_extended_ballroom_xml(path: str | Path) -> list[ExtendedBallroomTrack]:
    """Every track of the v1.1 XML, in file order; a malformed file is a one-line ``DatasetLayoutError``.

    Parameters
    ----------
    path : str or Path
        The metadata XML.

    Returns
    -------
    list of ExtendedBallroomTrack
    """
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise DatasetLayoutError(f"cannot read Extended Ballroom XML {path}: {err}") from None
    if root.tag != "ballroom":
        raise DatasetLayoutError(f"{path} is not the Extended Ballroom XML (root <{root.tag}>, expected <ballroom>)")
    tracks = []
    for genre in root:
        if genre.tag not in EXTENDED_BALLROOM:
            raise DatasetLayoutError(f"{path}: unknown genre <{genre.tag}> (expected one of: "
                                     f"{', '.join(EXTENDED_BALLROOM)})")
        for song in genre:
            if song.tag != "song" or not song.get("id"):
                raise DatasetLayoutError(f"{path}: <{genre.tag}> holds a <{song.tag}> without an id "
                                         "(expected <song id=...>)")
            bpm = song.get("bpm")
            tracks.append(ExtendedBallroomTrack(
                id=song.get("id"), genre=genre.tag, artist=song.get("artist", ""), title=song.get("title", ""),
                album=song.get("album", ""), bpm=float(bpm) if bpm else None, md5=song.get("hash", ""),
                links=tuple((link.tag, link.get("id")) for link in song if link.get("id"))))
    if not tracks:
        raise DatasetLayoutError(f"{path} lists no songs")
    return tracks


def _normalised_artist(artist: str) -> str:
    return " ".join(artist.lower().replace("&", " and ").split())


def extended_ballroom_groups(tracks: list[ExtendedBallroomTrack], links: tuple[str, ...] = DEFAULT_LINKS,
                             by_artist: bool = True) -> dict[str, str]:
    """Track id -> group: connected parts of the graph joining linked tracks and tracks of one artist.

    Parameters
    ----------
    tracks : list of ExtendedBallroomTrack
        The tracks to group.
    links : tuple of str
        Link kinds that join tracks (``ALL_LINKS`` for the strictest grouping).
    by_artist : bool
        Also join the tracks of one artist (placeholder artists join nothing).
        ``by_artist=False, links=("exact",)`` gives the sets of identical audio alone.

    Returns
    -------
    dict
        Track id -> group name.
    """
    unknown = sorted(set(links) - set(ALL_LINKS))
    if unknown:
        raise ValueError(f"unknown link kinds {unknown}; known: {ALL_LINKS}")
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    ids = {t.id for t in tracks}
    for track in tracks:
        find(track.id)
        artist = _normalised_artist(track.artist)
        if by_artist and artist not in PLACEHOLDER_ARTISTS:
            union(track.id, "artist:" + artist)
        for kind, other in track.links:
            if kind in links and other in ids:
                union(track.id, other)
    names: dict[str, str] = {}  # a group is named by its first artist, or by its first track if it has none
    for key in sorted(parent, key=lambda k: (not k.startswith("artist:"), k)):
        names.setdefault(find(key), key if key.startswith("artist:") else f"track:{key}")
    return {t.id: names[find(t.id)] for t in tracks}


def find_extended_ballroom_xml(root: str | Path | None = None) -> Path:
    """The dataset's metadata XML, wherever it is.

    Parameters
    ----------
    root : str or Path, optional
        The dataset folder: ``<root>/extendedballroom_v1.1.xml``, else another ``<root>/*.xml``; with
        neither, the copy in the shared reference data (``$DANCEKIT_DATA/extended_ballroom_meta``).

    Returns
    -------
    Path
    """
    candidates = []
    if root is not None and Path(root).is_dir():
        candidates += [Path(root) / XML_NAME, *sorted(Path(root).glob("*.xml"))]
    candidates.append(shared_data_dir() / "extended_ballroom_meta" / XML_NAME)
    for path in candidates:
        if path.is_file():
            return path
    raise DatasetLayoutError(f"no Extended Ballroom metadata ({XML_NAME}) in {root}; pass its path")


def extended_ballroom_recordings(root: str | Path, *, xml: str | Path | None = None,
                                 mapping: LabelMapping | None = None, missing: str = "warn",
                                 links: tuple[str, ...] = DEFAULT_LINKS, by_artist: bool = True) -> list[Recording]:
    """Tracks of the XML with their audio under ``root``, sorted by genre then id.

    Parameters
    ----------
    root : str or Path
        The dataset folder (``<root>/<Genre>/<id>.mp3``).
    xml : str or Path, optional
        The metadata XML (default: :func:`find_extended_ballroom_xml`).
    mapping : LabelMapping, optional
        Relabel the 13 XML genres, e.g. ``EXTENDED_BALLROOM_TO_DANCE_CNN`` (paper 1's 10 classes).
    missing : {"warn", "error", "keep"}
        Tracks without an audio file are skipped with one warning, raise, or are returned anyway
        (for work on the metadata and splits alone).
    links, by_artist
        How tracks are grouped (see :func:`extended_ballroom_groups`).

    Returns
    -------
    list of Recording
        ``meta`` holds id, artist, title, album, bpm, md5 and links.
    """
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    root = Path(root)
    if missing != "keep" and not root.is_dir():
        raise DatasetLayoutError(f"Extended Ballroom folder not found: {root} (expected {_EXPECTED})")
    tracks = read_extended_ballroom_xml(xml if xml is not None else find_extended_ballroom_xml(root))
    groups = extended_ballroom_groups(tracks, links, by_artist)
    audio: dict[tuple[str, str], Path] = {}
    for genre in EXTENDED_BALLROOM:
        folder = root / genre
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if is_audio_file(path) and ((genre, path.stem) not in audio or path.suffix.lower() == ".mp3"):
                audio[(genre, path.stem)] = path
    if missing != "keep" and not audio:
        raise DatasetLayoutError(f"no Extended Ballroom audio in {root} (expected {_EXPECTED})")
    recordings, absent = [], []
    for track in sorted(tracks, key=lambda t: (EXTENDED_BALLROOM.index(t.genre), t.id)):
        path = audio.get((track.genre, track.id))
        if path is None:
            absent.append(track.id)
            if missing != "keep":
                continue
            path = root / track.genre / f"{track.id}.mp3"
        meta = {"id": track.id, "artist": track.artist, "title": track.title, "album": track.album,
                "bpm": track.bpm, "md5": track.md5, "links": track.links}
        recordings.append(Recording(path, track.genre, groups[track.id], meta))
    if absent and missing == "error":
        raise DatasetLayoutError(f"{len(absent)} of {len(tracks)} Extended Ballroom tracks have no audio in {root} "
                                 f"(first: {absent[0]}; expected {_EXPECTED})")
    if absent and missing == "warn":
        warnings.warn(f"{len(absent)} of {len(tracks)} Extended Ballroom tracks have no audio in {root} and are "
                      f"left out (first: {absent[0]})", DatasetWarning, stacklevel=2)
    return mapping.apply(recordings) if mapping is not None else recordings
