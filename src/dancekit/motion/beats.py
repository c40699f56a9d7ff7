"""Motion beats (paper 5, after Ho et al. 2013, its ref. [1]) and their F-score against music beats.

A motion beat is a moment where the movement changes direction, so the body's speed dips
towards zero. Here: joint positions in world coordinates are smoothed over time with a
Gaussian (``smooth_s``, to keep the capture's jitter from making dips), the speed of every
joint is averaged over the joints (``joints``: all by default, as in the paper; ``TANG_FEET``
times the steps only and finds about one beat per music beat in the Tang Waltz, where the
whole body finds one per two), and each local minimum of that mean speed is a beat when it
is a real dip: at least ``min_prominence`` of the clip's median speed below its surroundings
and at least ``min_interval_s`` after the previous beat. The minimum is placed between frames
by a parabola through the three frames around it, so the 40 ms frame grid of a 25 fps clip
does not dominate the 70 ms tolerance of the evaluation.

Times are seconds on the song's clock (``clip.start_s`` added), ready to compare with music
beats of the song.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from dancekit import audio
from dancekit.errors import AudioError
from dancekit.motion.clip import MotionClip
from dancekit.rhythm import analyze

#: Gaussian smoothing of the joint trajectories (standard deviation, seconds).
SMOOTH_S = 0.05
#: Shortest gap between two motion beats (seconds): 0.25 s allows up to 240 beats per minute.
MIN_INTERVAL_S = 0.25
#: A dip must be this fraction of the clip's median speed deep to count.
MIN_PROMINENCE = 0.1
#: The feet of the Tang layout (ankles, heels, toes): pass as ``joints`` to time steps only.
TANG_FEET = (9, 10, 11, 18, 19, 20)
#: Tolerance of a hit in the F-score (paper 5 and the MIREX beat evaluation: 70 ms).
F_SCORE_WINDOW_S = 0.07


def motion_speed(clip: MotionClip, smooth_s: float = SMOOTH_S, joints=None) -> np.ndarray:
    """Mean joint speed per frame [T] in cm/s after Gaussian smoothing of the positions.

    Parameters
    ----------
    clip : MotionClip
        The motion.
    smooth_s : float
        Standard deviation of the Gaussian over time, in seconds; 0 = no smoothing.
    joints : sequence of int, optional
        Joints to average (e.g. ``TANG_FEET``); default all.

    Returns
    -------
    np.ndarray [shape=(T,)]
        Speed in cm/s (zeros for a clip of one frame).
    """
    world = clip.world_joints().astype(np.float64)
    if joints is not None:
        world = world[:, list(joints)]
    if smooth_s > 0 and len(world) > 1:
        world = gaussian_filter1d(world, sigma=smooth_s * clip.fps, axis=0, mode="nearest")
    if len(world) < 2:
        return np.zeros(len(world))
    velocity = np.gradient(world, axis=0) * clip.fps
    return np.linalg.norm(velocity, axis=-1).mean(axis=1)


def motion_beats(clip: MotionClip, smooth_s: float = SMOOTH_S, min_interval_s: float = MIN_INTERVAL_S,
                 min_prominence: float = MIN_PROMINENCE, joints=None) -> np.ndarray:
    """Times (s, song clock) of the local minima of the smoothed mean joint speed.

    Parameters
    ----------
    clip : MotionClip
        The motion.
    smooth_s : float
        See :func:`motion_speed`.
    min_interval_s : float
        Shortest gap between two beats, in seconds.
    min_prominence : float
        Depth of a dip, as a fraction of the clip's median speed.
    joints : sequence of int, optional
        See :func:`motion_speed`.

    Returns
    -------
    np.ndarray
        Beat times in seconds on the song's clock, placed between frames; empty for a clip
        shorter than three frames.
    """
    speed = motion_speed(clip, smooth_s, joints)
    if len(speed) < 3:
        return np.zeros(0)
    distance = max(1, int(round(min_interval_s * clip.fps)))
    prominence = min_prominence * max(float(np.median(speed)), 1e-6)
    frames, _ = find_peaks(-speed, distance=distance, prominence=prominence)
    frames = frames.astype(np.float64)
    inner = (frames > 0) & (frames < len(speed) - 1)
    k = frames[inner].astype(int)
    left, mid, right = speed[k - 1], speed[k], speed[k + 1]
    curvature = left - 2 * mid + right
    shift = np.where(curvature > 1e-12, 0.5 * (left - right) / np.where(curvature > 1e-12, curvature, 1.0), 0.0)
    frames[inner] += np.clip(shift, -0.5, 0.5)
    return clip.start_s + frames / clip.fps


def beat_f_score(motion_beats, music_beats, window: float = F_SCORE_WINDOW_S) -> float:
    """F-measure of ``motion_beats`` against reference ``music_beats`` (one-to-one hits within ``window`` s).

    The same definition as ``mir_eval.beat.f_measure`` (maximum matching of events closer
    than the window; 0 when either list is empty), without needing mir_eval at run time.

    Parameters
    ----------
    motion_beats : array_like
        Estimated beat times, in seconds.
    music_beats : array_like
        Reference beat times, in seconds.
    window : float
        Largest distance of a hit, in seconds.

    Returns
    -------
    float
        In [0, 1].
    """
    est = np.sort(np.asarray(motion_beats, dtype=np.float64).ravel())
    ref = np.sort(np.asarray(music_beats, dtype=np.float64).ravel())
    if len(est) == 0 or len(ref) == 0:
        return 0.0
    lo = np.searchsorted(est, ref - window, side="left")
    hi = np.searchsorted(est, ref + window, side="right")
    rows = np.repeat(np.arange(len(ref)), hi - lo)
    if len(rows) == 0:
        return 0.0
    cols = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ref), len(est)))
    hits = int(np.sum(maximum_bipartite_matching(graph, perm_type="column") >= 0))
    precision, recall = hits / len(est), hits / len(ref)
    return 0.0 if hits == 0 else 2 * precision * recall / (precision + recall)


def beats_in_span(beats, start_s: float, stop_s: float) -> np.ndarray:
    """The beats inside [start_s, stop_s] (music beats of a song restricted to a danced span).

    Parameters
    ----------
    beats : array_like
        Beat times, in seconds.
    start_s, stop_s : float
        The span, both ends included.

    Returns
    -------
    np.ndarray
    """
    beats = np.asarray(beats, dtype=np.float64)
    return beats[(beats >= start_s) & (beats <= stop_s)]


def song_rhythm(clip: MotionClip, audio_path=None):
    """:func:`dancekit.rhythm.analyze` of the whole song a clip belongs to (beats on the song clock, meter).

    The whole song is analysed (a beat tracker needs the context; on the danced span alone it
    lost whole stretches of beats in a Tang Cha-cha); ``audio_path`` defaults to ``clip.meta["audio"]``.

    Parameters
    ----------
    clip : MotionClip
        The motion (its ``meta["audio"]`` names the song).
    audio_path : str or Path, optional
        The song's audio, when the clip does not name it.

    Returns
    -------
    RhythmResult

    Raises
    ------
    AudioError
        No audio file is named, or it cannot be read.
    """
    path = audio_path or clip.meta.get("audio")
    if not path:
        raise AudioError("the clip names no audio file; pass audio_path")
    return analyze(audio.load(path, sr=22050), 22050)


def music_beats_for_clip(clip: MotionClip, audio_path=None) -> np.ndarray:
    """Music beats (s, song clock) inside the span a clip covers (see :func:`song_rhythm`).

    Parameters
    ----------
    clip : MotionClip
        The motion.
    audio_path : str or Path, optional
        As in :func:`song_rhythm`.

    Returns
    -------
    np.ndarray
        Beat times in seconds.
    """
    beats = song_rhythm(clip, audio_path).beats
    return beats_in_span(beats, clip.start_s, clip.start_s + clip.duration_s)


def dancer_f_score(clip: MotionClip, audio_path=None, **beat_options) -> dict:
    """The dancer baseline of paper 5, Table III, for one clip: its motion beats against the music's.

    Parameters
    ----------
    clip : MotionClip
        A captured dance.
    audio_path : str or Path, optional
        As in :func:`song_rhythm`.
    **beat_options
        Passed to :func:`motion_beats`.

    Returns
    -------
    dict
        ``song``, ``dance``, ``f_score`` and the counts ``motion_beats`` and ``music_beats``.
    """
    music = music_beats_for_clip(clip, audio_path)
    motion = motion_beats(clip, **beat_options)
    return {"song": clip.meta.get("song"), "dance": clip.meta.get("dance"), "f_score": beat_f_score(motion, music),
            "motion_beats": len(motion), "music_beats": len(music)}
