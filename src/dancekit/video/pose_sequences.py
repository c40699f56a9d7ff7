"""2-D keypoint sequences from motion capture, as a video pose estimator would report them.

The pose route to video classification needs training data that looks like a pose estimator's
output, but no dance video with labels can be had here, while real dance motion can (Tang et
al.). So the 3-D joints of a :class:`~dancekit.motion.clip.MotionClip` are reduced to the 13
keypoints every COCO-style 2-D estimator gives (nose, shoulders, elbows, wrists, hips, knees,
ankles), seen through a random pinhole camera (any azimuth, 0-30 deg elevation, distance,
small roll, focal length), and normalised per window so that what is left is the body's 2-D
motion: each frame centred on the mid-hip point, the window scaled by its median torso length
(mid-shoulder to mid-hip), which takes out camera distance and image resolution. Augmentations
model what differs between videos and estimators: body proportions, mirrored (selfie) videos,
keypoint jitter and missed joints.

Windows are 4 s at 15 fps by default: 4 s covers about two bars of every Tang dance (a
cha-cha basic is two bars, about 4 s at 120 BPM; a waltz bar is 2 s), and 15 fps sits in the
10-30 fps that estimators run at on video while still resolving the quarter-beat "cha-cha"
steps (about 0.25 s, four frames).

The Tang capture has no nose: the head point (middle of the two head-side joints) stands in for
it. Which capture side is the dancer's right is an assumption of :mod:`dancekit.motion.skeleton`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dancekit.errors import DancekitError
from dancekit.motion import load_tang_motion, tang_motion_folders
from dancekit.motion.clip import MotionClip
from dancekit.motion.skeleton import TANG_SKELETON

#: The keypoints used, in COCO order (COCO's eyes and ears left out: the Tang capture has no face).
KEYPOINTS = ("nose", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
             "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")
#: TANG_SKELETON joint each keypoint is read from.
TANG_JOINT_OF = {"nose": "head", **{name: name for name in KEYPOINTS[1:]}}
N_KEYPOINTS = len(KEYPOINTS)
#: keypoint index -> index of the same keypoint on the other side (what a mirror does to labels)
MIRROR_INDEX = tuple(KEYPOINTS.index(n.replace("left_", "@").replace("right_", "left_").replace("@", "right_"))
                     for n in KEYPOINTS)
_I = {name: i for i, name in enumerate(KEYPOINTS)}
HIPS = (_I["left_hip"], _I["right_hip"])
SHOULDERS = (_I["left_shoulder"], _I["right_shoulder"])
#: channels per frame of :func:`window_features`: x, y, velocity x, velocity y, visible per keypoint
FEATURE_CHANNELS = 5 * N_KEYPOINTS
DEFAULT_FPS = 15.0
DEFAULT_WINDOW = 60  # frames: 4 s at 15 fps


class PoseSequenceError(DancekitError):
    """Motion that cannot be turned into keypoint windows (too short, wrong joints)."""


# ------------------------------------------------------------------------------------- keypoints
def keypoints_3d(clip: MotionClip) -> np.ndarray:
    """World positions [T, 13, 3] (cm, y up) of :data:`KEYPOINTS` from a Tang-layout clip.

    Parameters
    ----------
    clip : MotionClip
        Joints in the Tang layout.

    Returns
    -------
    np.ndarray
    """
    joints = TANG_SKELETON.joint_positions(clip.world_joints())
    return joints[:, [TANG_SKELETON.index(TANG_JOINT_OF[n]) for n in KEYPOINTS]].astype(np.float32)


# ---------------------------------------------------------------------------------------- camera
@dataclass
class PinholeCamera:
    """A camera at ``distance_cm`` from ``target`` looking at it; image x right, y down, pixels.

    Azimuth 0 puts the camera on +z looking along -z; positive elevation looks down.
    The principal point is the image origin (normalisation removes it anyway).

    Parameters
    ----------
    azimuth_deg, elevation_deg : float
        Direction of the camera from the target.
    distance_cm : float
        Distance to the target.
    roll_deg : float
        Rotation about the viewing axis.
    focal_px : float
        Focal length in pixels.
    target : (float, float, float)
        The point looked at, in world cm.
    """

    azimuth_deg: float
    elevation_deg: float
    distance_cm: float
    roll_deg: float
    focal_px: float
    target: tuple[float, float, float]

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Camera position and its right, up and forward unit vectors in world coordinates."""
        az, el, roll = np.radians([self.azimuth_deg, self.elevation_deg, self.roll_deg])
        target = np.asarray(self.target, dtype=np.float64)
        position = target + self.distance_cm * np.array([np.cos(el) * np.sin(az), np.sin(el), np.cos(el) * np.cos(az)])
        forward = (target - position) / np.linalg.norm(target - position)
        right = np.cross(forward, [0.0, 1.0, 0.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, forward)
        c, s = np.cos(roll), np.sin(roll)
        return position, c * right + s * up, -s * right + c * up, forward

    def project(self, points: np.ndarray) -> np.ndarray:
        """Image coordinates [..., 2] of world points [..., 3] (points behind the camera clamp to 1 cm).

        Parameters
        ----------
        points : np.ndarray
            World points ``[..., 3]`` in cm.

        Returns
        -------
        np.ndarray
        """
        position, right, up, forward = self.axes()
        rel = np.asarray(points, dtype=np.float64) - position
        depth = np.maximum(rel @ forward, 1.0)
        return np.stack([self.focal_px * (rel @ right) / depth, -self.focal_px * (rel @ up) / depth], axis=-1)


@dataclass(frozen=True)
class PoseAugment:
    """How much the views and the estimator vary between windows (the defaults: training and testing).

    Parameters
    ----------
    elevation_deg, distance_cm, focal_px : (float, float)
        Ranges the camera is drawn from (uniform).
    roll_deg : float
        Camera roll, uniform in +-``roll_deg``.
    bone_scale : float
        Each limb group's length is scaled by U(1 - s, 1 + s): other dancers' builds.
    mirror_p : float
        Share of windows seen mirrored (selfie videos).
    jitter : float
        Keypoint noise, standard deviation in torso lengths.
    drop_p : float
        Share of keypoints the estimator misses.
    """

    elevation_deg: tuple[float, float] = (0.0, 30.0)
    distance_cm: tuple[float, float] = (300.0, 900.0)
    roll_deg: float = 5.0  # uniform in +-roll
    focal_px: tuple[float, float] = (400.0, 2000.0)
    bone_scale: float = 0.1  # each limb group's length x U(1 - s, 1 + s): other dancers' builds
    mirror_p: float = 0.5  # share of windows seen mirrored (selfie videos)
    jitter: float = 0.02  # keypoint noise, sd in torso lengths
    drop_p: float = 0.03  # share of keypoints the estimator misses


#: no variation at all besides the camera: for geometry checks
NO_NOISE = PoseAugment(bone_scale=0.0, mirror_p=0.0, jitter=0.0, drop_p=0.0)


def sample_camera(rng: np.random.Generator, pelvis: np.ndarray, augment: PoseAugment = PoseAugment()) -> PinholeCamera:
    """A random fixed camera aimed at the mean of a window's pelvis track.

    It is far enough that the dancer's travel in the window never reaches it.

    Parameters
    ----------
    rng : np.random.Generator
        Draws the view.
    pelvis : np.ndarray
        The pelvis track ``[T, 3]`` of the window.
    augment : PoseAugment
        Ranges of the view.

    Returns
    -------
    PinholeCamera
    """
    target = pelvis.mean(axis=0)
    travel = float(np.max(np.linalg.norm((pelvis - target)[:, [0, 2]], axis=1), initial=0.0))
    distance = max(float(rng.uniform(*augment.distance_cm)), travel + 200.0)
    return PinholeCamera(float(rng.uniform(0.0, 360.0)), float(rng.uniform(*augment.elevation_deg)), distance,
                         float(rng.uniform(-augment.roll_deg, augment.roll_deg)), float(rng.uniform(*augment.focal_px)),
                         tuple(float(v) for v in target))


def rescale_body(points: np.ndarray, rng: np.random.Generator, spread: float) -> np.ndarray:
    """Keypoints with each limb group lengthened or shortened by a random factor, both sides alike.

    So the classifier cannot tell dances apart by the build of the dancer who danced them.

    Parameters
    ----------
    points : np.ndarray
        World keypoints ``[T, 13, 3]``.
    rng : np.random.Generator
        Draws the factors.
    spread : float
        Factors are U(1 - spread, 1 + spread).

    Returns
    -------
    np.ndarray
    """
    if spread <= 0:
        return points
    s = {k: rng.uniform(1 - spread, 1 + spread) for k in
         ("hip_width", "torso", "shoulder_width", "neck", "upper_arm", "forearm", "thigh", "shin")}
    p, out = points, points.copy()
    mid_hip = p[:, list(HIPS)].mean(axis=1, keepdims=True)
    mid_sh = p[:, list(SHOULDERS)].mean(axis=1, keepdims=True)
    new_mid_sh = mid_hip + s["torso"] * (mid_sh - mid_hip)
    for side in ("left", "right"):
        hip, knee, ankle = _I[f"{side}_hip"], _I[f"{side}_knee"], _I[f"{side}_ankle"]
        sh, el, wr = _I[f"{side}_shoulder"], _I[f"{side}_elbow"], _I[f"{side}_wrist"]
        out[:, hip] = mid_hip[:, 0] + s["hip_width"] * (p[:, hip] - mid_hip[:, 0])
        out[:, knee] = out[:, hip] + s["thigh"] * (p[:, knee] - p[:, hip])
        out[:, ankle] = out[:, knee] + s["shin"] * (p[:, ankle] - p[:, knee])
        out[:, sh] = new_mid_sh[:, 0] + s["shoulder_width"] * (p[:, sh] - mid_sh[:, 0])
        out[:, el] = out[:, sh] + s["upper_arm"] * (p[:, el] - p[:, sh])
        out[:, wr] = out[:, el] + s["forearm"] * (p[:, wr] - p[:, el])
    nose = _I["nose"]
    out[:, nose] = new_mid_sh[:, 0] + s["neck"] * (p[:, nose] - mid_sh[:, 0])
    return out


# --------------------------------------------------------------------------------- normalisation
def mirror(keypoints: np.ndarray, visible: np.ndarray | None = None):
    """A mirrored video's keypoints: x negated and left/right labels swapped.

    The estimator names sides by what it sees, so a mirrored video swaps them.

    Parameters
    ----------
    keypoints : np.ndarray
        ``[T, 13, 2]``.
    visible : np.ndarray, optional
        ``[T, 13]`` flags, swapped alike.

    Returns
    -------
    np.ndarray or (np.ndarray, np.ndarray)
        The keypoints, or the pair if ``visible`` is given.
    """
    flipped = keypoints[:, list(MIRROR_INDEX)].copy()
    flipped[..., 0] *= -1
    return flipped if visible is None else (flipped, visible[:, list(MIRROR_INDEX)].copy())


def _fill_gaps(values: np.ndarray) -> np.ndarray:
    """NaN entries of a [T, D] track linearly interpolated over time (0 where a column is all NaN)."""
    out = values.copy()
    t = np.arange(len(values))
    for d in range(values.shape[1]):
        ok = np.isfinite(values[:, d])
        out[:, d] = np.interp(t, t[ok], values[ok, d]) if ok.any() else 0.0
    return out


def normalise_window(keypoints: np.ndarray, visible: np.ndarray | None = None) -> np.ndarray:
    """Keypoints centred per frame on the mid-hip point and divided by the window's median torso length.

    Uses only what an estimator gives, so video keypoints are normalised exactly like the training ones.

    Parameters
    ----------
    keypoints : np.ndarray
        Image keypoints ``[T, 13, 2]``.
    visible : np.ndarray, optional
        ``[T, 13]``; missed keypoints (False) are set to 0.

    Returns
    -------
    np.ndarray
    """
    kp = np.asarray(keypoints, dtype=np.float64)
    vis = np.ones(kp.shape[:2], bool) if visible is None else np.asarray(visible, bool)
    masked = np.where(vis[..., None], kp, np.nan)
    with warnings.catch_warnings():  # frames with both hips missed: NaN, filled below
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = _fill_gaps(np.nanmean(masked[:, list(HIPS)], axis=1))
        torso = np.linalg.norm(masked[:, list(SHOULDERS)].mean(axis=1) - masked[:, list(HIPS)].mean(axis=1), axis=-1)
    torso = torso[np.isfinite(torso) & (torso > 1e-6)]
    scale = float(np.median(torso)) if len(torso) else 1.0
    out = (kp - centre[:, None, :]) / scale
    return np.where(vis[..., None], out, 0.0).astype(np.float32)


def window_features(keypoints: np.ndarray, visible: np.ndarray, fps: float = DEFAULT_FPS) -> np.ndarray:
    """Network input ``[65, T]``: normalised keypoints, their velocities and the visibility flags.

    Velocities are in torso lengths per second / 10, and 0 where either frame missed the keypoint.

    Parameters
    ----------
    keypoints : np.ndarray
        Normalised keypoints ``[T, 13, 2]``.
    visible : np.ndarray
        ``[T, 13]`` bool.
    fps : float
        Frame rate of the window.

    Returns
    -------
    np.ndarray
    """
    vis = np.asarray(visible, dtype=np.float32)
    vel = np.zeros_like(keypoints)
    vel[1:] = (keypoints[1:] - keypoints[:-1]) * (fps / 10.0)
    both = np.zeros_like(vis)
    both[1:] = vis[1:] * vis[:-1]
    vel *= both[..., None]
    t = len(keypoints)
    feats = np.concatenate([keypoints.reshape(t, -1), vel.reshape(t, -1), vis], axis=1)
    return np.ascontiguousarray(feats.T, dtype=np.float32)


def view_window(points: np.ndarray, rng: np.random.Generator, augment: PoseAugment = PoseAugment()):
    """One window of world keypoints as an estimator would see it in a random video.

    Parameters
    ----------
    points : np.ndarray
        World keypoints ``[T, 13, 3]``.
    rng : np.random.Generator
        Draws camera, build, mirroring, noise and misses.
    augment : PoseAugment
        How much they vary.

    Returns
    -------
    keypoints : np.ndarray
        Normalised ``[T, 13, 2]``.
    visible : np.ndarray
        ``[T, 13]`` bool.
    camera : PinholeCamera
    """
    points = rescale_body(np.asarray(points, dtype=np.float64), rng, augment.bone_scale)
    pelvis = points[:, list(HIPS)].mean(axis=1)
    camera = sample_camera(rng, pelvis, augment)
    image = camera.project(points)
    visible = rng.random(image.shape[:2]) >= augment.drop_p
    if rng.random() < augment.mirror_p:
        image, visible = mirror(image, visible)
    kp = normalise_window(image, visible)
    if augment.jitter > 0:
        kp = np.where(visible[..., None], kp + rng.normal(0.0, augment.jitter, kp.shape), 0.0).astype(np.float32)
    return kp, visible, camera


# --------------------------------------------------------------------------------------- windows
@dataclass
class PoseSong:
    """One song's keypoint track: ``points`` [T, 13, 3] world cm at ``fps``.

    Parameters
    ----------
    name : str
        The song folder's name.
    dance : str
        Its dance.
    points : np.ndarray
        World keypoints ``[T, 13, 3]`` in cm.
    fps : float
        Frame rate of ``points``.
    """

    name: str
    dance: str
    points: np.ndarray
    fps: float = DEFAULT_FPS


def pose_song(clip: MotionClip, fps: float = DEFAULT_FPS) -> PoseSong:
    """A Tang clip resampled to ``fps`` as a :class:`PoseSong` (name and dance from its meta).

    Parameters
    ----------
    clip : MotionClip
        A Tang song's motion.
    fps : float
        Frame rate to resample to.

    Returns
    -------
    PoseSong
    """
    return PoseSong(str(clip.meta.get("song", "")), str(clip.meta.get("dance", "")),
                    keypoints_3d(clip.resampled(fps)), fps)


def load_tang_pose_songs(root: str | Path, fps: float = DEFAULT_FPS) -> list[PoseSong]:
    """Every Tang song with motion as a :class:`PoseSong`, sorted like ``tang_motion_folders``.

    Parameters
    ----------
    root : str or Path
        The Tang dataset folder.
    fps : float
        Frame rate to resample to.

    Returns
    -------
    list of PoseSong
    """
    return [pose_song(load_tang_motion(folder), fps) for folder in tang_motion_folders(root)]


def window_starts(n_frames: int, window: int, hop: int) -> list[int]:
    """Start frames of the windows that fit in a track, ``hop`` apart.

    Parameters
    ----------
    n_frames : int
        Length of the track.
    window : int
        Frames per window.
    hop : int
        Frames between starts.

    Returns
    -------
    list of int
        Empty when the track is shorter than a window.
    """
    if n_frames < window:
        return []
    return list(range(0, n_frames - window + 1, hop))


def song_windows(song: PoseSong, window: int = DEFAULT_WINDOW, hop: int = 15, seed: int = 0,
                 augment: PoseAugment = PoseAugment()) -> np.ndarray:
    """Feature windows of one song, ``hop`` frames apart, each seen by its own camera.

    The cameras are drawn from ``seed`` and the window index, so every run gets the same windows.

    Parameters
    ----------
    song : PoseSong
        The song.
    window : int
        Frames per window.
    hop : int
        Frames between window starts.
    seed : int
        Seeds the views.
    augment : PoseAugment
        How much the views vary.

    Returns
    -------
    np.ndarray
        ``[N, 65, window]``.
    """
    starts = window_starts(len(song.points), window, hop)
    if not starts:
        raise PoseSequenceError(f"{song.name}: {len(song.points)} frames, fewer than one window of {window}")
    out = np.empty((len(starts), FEATURE_CHANNELS, window), np.float32)
    for i, start in enumerate(starts):
        rng = np.random.default_rng([seed, i])
        kp, vis, _ = view_window(song.points[start:start + window], rng, augment)
        out[i] = window_features(kp, vis, song.fps)
    return out


def random_windows(songs: list[PoseSong], labels: list[int], per_class: int, rng: np.random.Generator,
                   window: int = DEFAULT_WINDOW, augment: PoseAugment = PoseAugment()):
    """A class-balanced batch of windows at random songs, start frames and cameras.

    Training draws fresh ones every epoch.

    Parameters
    ----------
    songs : list of PoseSong
        The songs to draw from.
    labels : list of int
        The class of each of them.
    per_class : int
        Windows per class.
    rng : np.random.Generator
        Draws songs, starts and views.
    window : int
        Frames per window.
    augment : PoseAugment
        How much the views vary.

    Returns
    -------
    X : np.ndarray
        ``[per_class * classes, 65, window]``.
    y : np.ndarray
        Class of each window.
    """
    by_class: dict[int, list[int]] = {}
    for i, (song, label) in enumerate(zip(songs, labels)):
        if len(song.points) >= window:
            by_class.setdefault(label, []).append(i)
    if not by_class:
        raise PoseSequenceError(f"no song has a full window of {window} frames")
    xs, ys = [], []
    for label in sorted(by_class):
        for _ in range(per_class):
            song = songs[by_class[label][rng.integers(len(by_class[label]))]]
            start = int(rng.integers(len(song.points) - window + 1))
            kp, vis, _ = view_window(song.points[start:start + window], rng, augment)
            xs.append(window_features(kp, vis, song.fps))
            ys.append(label)
    return np.stack(xs), np.asarray(ys, dtype=np.int64)


#: evaluation windows 1 s apart at the default 15 fps
EVALUATION_HOP = 15


def evaluation_windows(songs: list[PoseSong], seed: int, hop: int = EVALUATION_HOP,
                       window: int = DEFAULT_WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """The fixed windows of several songs, for validation and testing: the same ones every run.

    Song ``i`` draws its cameras from the seed ``seed * 100003 + 1000 + i``, so the windows of one
    song do not depend on which other songs are scored with it, and a split and a fold that share
    a seed still see different cameras.

    Parameters
    ----------
    songs : list of PoseSong
        Songs to cut, each at least one window long.
    seed : int
        Seed of the whole set.
    hop : int
        Frames between window starts.
    window : int
        Frames per window.

    Returns
    -------
    (np.ndarray, np.ndarray)
        Feature windows ``[N, 65, window]`` and the index (into ``songs``) of each window's song.
    """
    xs = [song_windows(s, window=window, hop=hop, seed=seed * 100_003 + 1000 + i) for i, s in enumerate(songs)]
    if not xs:
        return np.zeros((0, FEATURE_CHANNELS, window), np.float32), np.zeros(0, np.int64)
    return np.concatenate(xs), np.concatenate([np.full(len(x), i) for i, x in enumerate(xs)])
