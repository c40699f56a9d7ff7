"""Group near-identical images (the same photo resized, frames of one recording) before any split.

A photo folder gathered from the web often holds many frames of one recording next to single
photos. If frames of one recording sit on both sides of a split, validation measures recall of
that recording, not of the dance. Two cheap perceptual links join images into one group:

* **scene**: mean absolute difference of 16 x 16 colour thumbnails (0-255 scale) at or below
  ``scene_mad``: frames of one fixed camera share their background, whatever the dancer does;
* **copy**: the 64-bit perceptual hash of :mod:`dancekit.video.filtering` within
  ``copy_bits`` bits, of the image or of its mirror image (the same photo re-encoded, resized,
  lightly cropped or flipped).

Groups are the connected components of these links (single linkage) *within one class*: a
group must be one class, and on ``video_smoke/photos`` unrelated dark-stage photos of two
different dances come as close as 9.1 grey levels, so the scene link is no identity proof across
classes. A copy under another label cannot join a group; it is listed in ``conflicts`` (label
noise, for the report). The default thresholds sit in the gap of the single-linkage merge heights measured on
those 277 photos (see ``reports/video_photos/report.md``): frames of one recording merge at
<= 13.4, distinct photos of one class no closer than 18.7; hashes of distinct photos differ in
>= 12 bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform

from dancekit.video.datasets import FrameSet
from dancekit.video.filtering import grey, perceptual_hash
from dancekit.video.frames import resize

THUMB_SIDE = 16
DEFAULT_SCENE_MAD = 14.0
DEFAULT_COPY_BITS = 6


@dataclass
class DuplicateGroups:
    """Group index of every image, and the pairwise evidence that made the groups.

    Parameters
    ----------
    groups : np.ndarray
        int ``[N]``, 0 to G-1.
    distances : np.ndarray
        ``[N, N]`` thumbnail mean absolute difference (diagonal inf).
    hash_bits : np.ndarray
        ``[N, N]`` perceptual-hash Hamming distance, mirror included (diagonal 64).
    scene_mad : float
        The scene threshold used.
    copy_bits : int
        The copy threshold used.
    conflicts : list of (int, int)
        Copies (by hash) that carry different labels: label noise to report.
    """

    groups: np.ndarray  # [N] int, 0..G-1
    distances: np.ndarray  # [N, N] thumbnail mean absolute difference (diagonal inf)
    hash_bits: np.ndarray  # [N, N] perceptual-hash Hamming distance, mirror included (diagonal 64)
    scene_mad: float
    copy_bits: int
    conflicts: list[tuple[int, int]]  # copies (by hash) that carry different labels: label noise to report

    @property
    def count(self) -> int:
        """Number of groups."""
        return int(self.groups.max()) + 1 if len(self.groups) else 0

    def sizes(self) -> np.ndarray:
        """Images per group.

        Returns
        -------
        np.ndarray
        """
        return np.bincount(self.groups, minlength=self.count)


def thumbnails(images: np.ndarray, side: int = THUMB_SIDE) -> np.ndarray:
    """Area-averaged ``side`` x ``side`` RGB thumbnails, float32 [N, side * side * 3].

    Parameters
    ----------
    images : np.ndarray
        RGB uint8 ``[N, S, S, 3]``.
    side : int
        Thumbnail side in pixels.

    Returns
    -------
    np.ndarray
    """
    return np.stack([resize(im, side, side).astype(np.float32).ravel() for im in images]) if len(images) \
        else np.zeros((0, side * side * 3), np.float32)


def thumbnail_distances(images: np.ndarray) -> np.ndarray:
    """Pairwise mean absolute difference of the thumbnails (grey levels), diagonal set to inf.

    Parameters
    ----------
    images : np.ndarray
        RGB uint8 ``[N, S, S, 3]``.

    Returns
    -------
    np.ndarray
        ``[N, N]``.
    """
    t = thumbnails(images)
    out = np.empty((len(t), len(t)), np.float32)
    for i in range(len(t)):  # row by row: N x N x 768 at once would not fit for large folders
        out[i] = np.abs(t - t[i]).mean(axis=1)
    np.fill_diagonal(out, np.inf)
    return out


def _hashes(images) -> np.ndarray:
    return np.array([perceptual_hash(grey(np.ascontiguousarray(im))) for im in images], dtype=np.uint64)


def _bits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    x = a[:, None] ^ b[None, :]
    return np.unpackbits(x.view(np.uint8).reshape(len(a), len(b), 8), axis=-1).sum(-1).astype(np.int64)


def hash_distances(images: np.ndarray, mirrored: bool = True) -> np.ndarray:
    """Pairwise Hamming distance of the 64-bit perceptual hashes, diagonal set to 64.

    With ``mirrored`` the distance to the left-right mirrored image counts too: web collections
    hold flipped copies of one photo (on ``video_smoke/photos`` one such copy carries another label).

    Parameters
    ----------
    images : np.ndarray
        RGB uint8 frames ``[N, S, S, 3]``.
    mirrored : bool
        Also compare with each image's mirror and keep the smaller distance.

    Returns
    -------
    np.ndarray
        int ``[N, N]``.
    """
    hashes = _hashes(images)
    bits = _bits(hashes, hashes)
    if mirrored and len(images):
        bits = np.minimum(bits, _bits(hashes, _hashes(np.asarray(images)[:, :, ::-1])))
        bits = np.minimum(bits, bits.T)
    np.fill_diagonal(bits, 64)
    return bits


def group_near_duplicates(images: np.ndarray, labels: np.ndarray, scene_mad: float = DEFAULT_SCENE_MAD,
                          copy_bits: int = DEFAULT_COPY_BITS, videos: np.ndarray | None = None) -> DuplicateGroups:
    """Connected components of the scene and copy links between images of the same label.

    Parameters
    ----------
    images : np.ndarray
        RGB uint8 ``[N, S, S, 3]``.
    labels : np.ndarray
        Class of each image; images of different classes are never grouped.
    scene_mad : float
        Thumbnail distance below which two images show one scene (one recording).
    copy_bits : int
        Hash distance at or below which two images are copies.
    videos : np.ndarray, optional
        Source video of each image, if known: all frames of one video are linked as well.

    Returns
    -------
    DuplicateGroups
    """
    labels = np.asarray(labels)
    dist = thumbnail_distances(images)
    bits = hash_distances(images)
    same = labels[:, None] == labels[None, :]
    linked = same & ((dist <= scene_mad) | (bits <= copy_bits))
    if videos is not None:
        videos = np.asarray(videos)
        linked |= videos[:, None] == videos[None, :]
    _, groups = connected_components(linked, directed=False)
    # number groups in order of first appearance, so that names are stable for a given folder
    _, first = np.unique(groups, return_index=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(np.argsort(first))] = np.arange(len(first))
    conflicts = [(int(i), int(j)) for i, j in np.argwhere(np.triu(~same & (bits <= copy_bits), 1))]
    return DuplicateGroups(rank[groups], dist, bits, scene_mad, copy_bits, conflicts)


def merge_heights(distances: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Per label, the sorted single-linkage merge heights of the thumbnail distances.

    A gap between small heights (frames of one recording, copies) and large ones (distinct
    photos) is the evidence for a threshold; the report prints them.

    Parameters
    ----------
    distances : np.ndarray
        From :func:`thumbnail_distances`.
    labels : np.ndarray
        Class of each image.

    Returns
    -------
    dict
        Label -> sorted heights.
    """
    out = {}
    labels = np.asarray(labels)
    for y in np.unique(labels):
        idx = np.flatnonzero(labels == y)
        if len(idx) < 2:
            out[int(y)] = np.zeros(0)
            continue
        sub = distances[np.ix_(idx, idx)].astype(np.float64)
        np.fill_diagonal(sub, 0.0)
        out[int(y)] = np.sort(linkage(squareform(sub, checks=False), "single")[:, 2])
    return out


def regroup(data, found: DuplicateGroups):
    """The FrameSet with each image's group replaced by its near-duplicate group.

    Every image stays its own "video" (a photo); groups are named ``<first member>+<n-1>``.

    Parameters
    ----------
    data : FrameSet
        The photos.
    found : DuplicateGroups
        Their groups.

    Returns
    -------
    FrameSet
    """
    image_group = np.empty(len(data.video_names), np.int64)
    image_group[data.videos] = found.groups  # one group per video: group_near_duplicates(videos=...) links them
    first = {}
    for v, g in enumerate(image_group):
        first.setdefault(int(g), data.video_names[v])
    sizes = found.sizes()
    names = {g: (n if sizes[g] == 1 else f"{n}+{sizes[g] - 1}") for g, n in first.items()}
    return FrameSet(data.images, data.labels, data.videos, data.classes, data.video_names,
                    [names[int(g)] for g in image_group], data.times_s)


def group_summary(data, found: DuplicateGroups) -> dict:
    """Per class: images, groups, and the sizes of the largest groups.

    Parameters
    ----------
    data : FrameSet
        The photos, for their classes.
    found : DuplicateGroups
        The grouping to summarise.

    Returns
    -------
    dict
        Class -> ``images``, ``groups``, ``largest`` (four sizes) and ``singletons``.
    """
    out = {}
    for y, cls in enumerate(data.classes):
        groups = found.groups[data.labels == y]
        sizes = sorted(np.bincount(groups)[np.unique(groups)].tolist(), reverse=True)
        out[cls] = {"images": int((data.labels == y).sum()), "groups": len(sizes), "largest": sizes[:4],
                    "singletons": int(sum(s == 1 for s in sizes))}
    return out
