"""The music-to-dance field's metrics (AIST++, Bailando, EDGE) for joint positions, numpy and scipy only.

What each one is, as the published code computes it (so a figure here means what it means there):

* **Beat Align Score** (Bailando, Siyao et al. 2022, the form EDGE and Lodge report):
  ``BAS = 1/|B_m| sum_{t in B_m} exp(-min_{d in B_d} (t - d)^2 / (2 sigma^2))`` -- averaged over the
  *music* beats ``B_m``; ``B_d`` are the kinematic beats, the local minima (``argrelextrema``,
  ``np.less``) of the mean over joints of the frame-to-frame joint displacement, Gaussian-smoothed
  (``scipy.ndimage.gaussian_filter``, sigma 5 frames). Bailando's ``sigma^2`` is 9 frames^2. In frames,
  the published code ran at 60 fps (AIST++) and at 30 fps (EDGE); here the frame counts are those of
  30 fps motion (sigma 0.1 s, smoothing 5/30 s). AIST++ (Li et al. 2021) averaged the same kernel
  over the *kinematic* beats instead: :func:`dancekit.evaluation.motion_metrics.beat_alignment_score`.
* **Kinetic features** (fairmotion's ``extract_kinetic_features``, used by AIST++ and Bailando): per
  joint, the mean squared horizontal and vertical speed ("average kinetic energy"; each speed is the
  mean of the frame steps in a +/-2 frame window) and the mean magnitude of the windowed acceleration
  ("energy expenditure"): ``3 J`` numbers. The reference's acceleration has a misplaced parenthesis
  (``p[i] - p[i-1] / dt``) that makes a still figure expend energy; here it is the second difference
  it was meant to be, so a still figure's features are all 0.
* **Geometric features** (fairmotion's ``extract_manual_features`` after Mueller et al. 2005, as
  AIST++ and Bailando use it): 32 boolean relations per frame (a hand above the neck, a foot in front
  of the other leg's plane, a knee bent, a wrist moving fast ...), averaged over frames. Thresholds are
  in body lengths (humerus ``hl``, shoulder width ``sw``, hip width ``hw``). Faithful to the code,
  including its quirks: ``f_move`` tests the velocity of its *third* joint (the fourth is unused), and
  velocities divide a frame step by 1/120 s at 60 fps, i.e. twice the true speed (``velocity_scale``).
* **FID_k / FID_g** (Bailando's ``quantized_metrics``): both feature sets are normalised by the
  reference set's per-dimension mean and standard deviation, then
  ``|mu_1 - mu_2|^2 + tr(S_1 + S_2 - 2 sqrtm(S_1 S_2))``.
* **Diversity_k / Diversity_g** (Bailando): the mean Euclidean distance over all pairs of the
  (normalised) feature vectors of one set.
* **Physical Foot Contact** (EDGE, Tseng et al. 2023; lower is better): per frame, the smaller
  horizontal step (metres per frame) of each foot's two points (ankle, toe), the two feet's minima
  multiplied together and by the root's acceleration (its upward part clamped at 0, upward
  deceleration is free) divided by the clip's largest; averaged over frames, times 10,000.
  A dancer pushing off one foot while the other stands scores 0; both feet sliding while the body
  accelerates scores high.

Positions are in metres with y up (SMPL's units and EDGE's/AIST++'s scale); a Tang clip (cm) is converted
by :func:`tang_field_joints`.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from scipy.ndimage import gaussian_filter1d
from scipy.signal import argrelextrema

#: Kinematic-beat smoothing and BAS tolerance of Bailando's code, in frames (here: frames at 30 fps).
BAS_SMOOTH_FRAMES = 5.0
BAS_SIGMA_FRAMES = 3.0
#: Frame rate the frame counts above refer to here.
BAS_FPS = 30.0

#: The Tang joints (indices of :mod:`dancekit.motion.skeleton`'s layout) behind the names the geometric
#: features use. Side 3..11 is the dancer's right (the skeleton module's assumption). ``head``: midpoint of
#: the two head points; ``neck``: midpoint of the shoulders (the skeleton's neck sits there); ``belly`` and
#: ``chest`` (SMPL spine1 and spine3): one and two thirds of the way from the pelvis to that neck.
TANG_FIELD_JOINTS = {
    "root": (2,), "rhip": (7,), "lhip": (16,), "rknee": (8,), "lknee": (17,), "rankle": (9,), "lankle": (18,),
    "rtoes": (11,), "ltoes": (20,), "rshoulder": (3,), "lshoulder": (12,), "relbow": (4,), "lelbow": (13,),
    "rwrist": (6,), "lwrist": (15,), "head": (0, 1), "neck": (3, 12),
}
#: Tang body lengths in metres (mean bone lengths of :mod:`dancekit.motion.skeleton`): humerus, shoulder
#: width, hip width. AIST++'s code uses SMPL's rest pose (0.256, 0.391, 0.120 m); the Tang capture puts
#: the hip joints further apart (0.212 m), so its own lengths keep "feet apart" meaning the same.
TANG_BODY = {"hl": 0.296, "sw": 0.287, "hw": 0.212}


def tang_field_joints(world_cm: np.ndarray) -> dict[str, np.ndarray]:
    """The named joints the geometric features need, from Tang world positions, in metres.

    Parameters
    ----------
    world_cm : ndarray
        ``[T, 23, 3]`` world joint positions in cm, y up (``MotionClip.world_joints()``).

    Returns
    -------
    dict
        Name -> ``[T, 3]`` in metres (see :data:`TANG_FIELD_JOINTS`), plus ``belly`` and ``chest``
        and ``all`` (every joint, ``[T, 23, 3]``, for the lowest point of each frame).
    """
    world = np.asarray(world_cm, dtype=np.float64) / 100.0
    named = {name: world[:, list(idx)].mean(axis=1) for name, idx in TANG_FIELD_JOINTS.items()}
    named["belly"] = named["root"] + (named["neck"] - named["root"]) / 3
    named["chest"] = named["root"] + 2 * (named["neck"] - named["root"]) / 3
    named["all"] = world
    return named


def _windowed_sum(steps: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Sum of ``steps[first[i]:last[i] + 1]`` for every i (cumulative sums)."""
    c = np.concatenate([np.zeros((1,) + steps.shape[1:]), np.cumsum(steps, axis=0)])
    return c[last + 1] - c[first]


def kinetic_features(positions: np.ndarray, fps: float, up: int = 1, window: int = 2) -> np.ndarray:
    """fairmotion's kinetic features: per joint, horizontal and vertical kinetic energy and energy expenditure.

    For frames i = 1..T-1, the velocity is the mean of the frame steps ``p[k] - p[k-1]`` for k within
    ``window`` frames of i (k in 1..T-1), divided by the frame time; the acceleration the mean of the
    second differences ``(p[k+1] - 2 p[k] + p[k-1]) / dt^2`` for k within ``window`` of i (k in 1..T-2).
    Energies are the mean squared speeds over the T-1 frames (no factor 1/2, as in the reference).

    Parameters
    ----------
    positions : ndarray
        ``[T, J, 3]`` joint positions in metres (T >= 3).
    fps : float
        Frame rate.
    up : int
        The vertical axis (1: y up).
    window : int
        Half-width of the averaging window (the reference's ``sliding_window``).

    Returns
    -------
    ndarray
        ``[3 J]`` float64: for each joint, horizontal energy (m^2/s^2), vertical energy (m^2/s^2) and
        energy expenditure (mean acceleration, m/s^2).

    Raises
    ------
    ValueError
        Fewer than 3 frames or not ``[T, J, 3]``.
    """
    p = np.asarray(positions, dtype=np.float64)
    if p.ndim != 3 or p.shape[2] != 3 or len(p) < 3:
        raise ValueError(f"positions must be [T >= 3, J, 3], got {p.shape}")
    t, dt = len(p), 1.0 / fps
    i = np.arange(1, t)
    steps = np.diff(p, axis=0)  # steps[k - 1] = p[k] - p[k - 1], k = 1..T-1
    lo, hi = np.maximum(i - window, 1), np.minimum(i + window, t - 1)
    velocity = _windowed_sum(steps, lo - 1, hi - 1) / ((hi - lo + 1)[:, None, None] * dt)
    flat = [a for a in range(3) if a != up]
    e_h = (velocity[..., flat] ** 2).sum(-1).mean(axis=0)
    e_v = (velocity[..., up] ** 2).mean(axis=0)
    second = np.diff(p, n=2, axis=0) / dt**2  # second[k - 1] is centred on frame k = 1..T-2
    lo_a, hi_a = np.maximum(i - window, 1), np.minimum(i + window, t - 2)
    count = np.maximum(hi_a - lo_a + 1, 1)
    accel = _windowed_sum(second, lo_a - 1, np.maximum(hi_a, lo_a - 1) - 1) / count[:, None, None]
    expenditure = np.linalg.norm(accel, axis=-1).mean(axis=0)
    return np.stack([e_h, e_v, expenditure], axis=1).ravel()


def _unit_rows(v: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return v / np.linalg.norm(v, axis=-1, keepdims=True)


def geometric_features(joints: dict[str, np.ndarray], fps: float, body: dict | None = None,
                       velocity_scale: float = 2.0) -> np.ndarray:
    """fairmotion's 32 boolean (Mueller) features per frame, averaged over frames 1..T-1.

    Parameters
    ----------
    joints : dict
        Name -> ``[T, 3]`` positions in metres, y up, for ``root``, ``lhip``/``rhip``, ``lknee``/``rknee``,
        ``lankle``/``rankle``, ``ltoes``/``rtoes``, ``lshoulder``/``rshoulder``, ``lelbow``/``relbow``,
        ``lwrist``/``rwrist``, ``neck``, ``belly``, ``chest``; and ``all`` ``[T, J, 3]`` (lowest point of
        each frame). :func:`tang_field_joints` makes it from a Tang clip.
    fps : float
        Frame rate.
    body : dict, optional
        Body lengths in metres: ``hl`` (humerus), ``sw`` (shoulder width), ``hw`` (hip width); default
        :data:`TANG_BODY`.
    velocity_scale : float
        Speeds are the true speed times this; 2 reproduces the reference (a 60 fps frame step divided by
        1/120 s), so its thresholds mean the same body lengths per second.

    Returns
    -------
    ndarray
        ``[32]`` float64 in [0, 1], in the reference's order.
    """
    body = TANG_BODY if body is None else body
    hl, sw, hw = body["hl"], body["sw"], body["hw"]
    n = len(joints["root"])
    low = np.asarray(joints["all"])[..., 1].min(axis=1)[1:]
    fixed = {"zero": np.zeros((n - 1, 3)), "y_unit": np.tile([0.0, 1.0, 0.0], (n - 1, 1)),
             "minus_y_unit": np.tile([0.0, -1.0, 0.0], (n - 1, 1)),
             "y_min": np.stack([np.zeros(n - 1), low, np.zeros(n - 1)], axis=1)}
    speed_of = velocity_scale * fps

    def now(name):
        return fixed[name] if name in fixed else np.asarray(joints[name], dtype=np.float64)[1:]

    def before(name):
        return np.asarray(joints[name], dtype=np.float64)[:-1]

    def dot(a, b):
        return (a * b).sum(-1)

    def relative_step(j1, p):  # the step of p relative to j1 over one frame
        return (now(p) - now(j1)) - (before(p) - before(j1))

    def f_move(j1, j2, j3, j4, threshold):  # the reference tests j3's velocity (j4 is unused)
        return dot(relative_step(j1, j3), _unit_rows(now(j2) - now(j1))) * speed_of > threshold

    def f_nmove(j1, j2, j3, j4, threshold):
        normal = np.cross(now(j3) - now(j1), now(j2) - now(j1))
        return dot(relative_step(j1, j4), _unit_rows(normal)) * speed_of > threshold

    def f_plane(j1, j2, j3, j4, threshold):
        normal = np.cross(now(j3) - now(j1), now(j2) - now(j1))
        return dot(_unit_rows(normal), now(j4) - now(j1)) > threshold

    def f_nplane(j1, j2, j3, j4, threshold):
        return dot(_unit_rows(now(j2) - now(j1)), now(j4) - now(j3)) > threshold

    def f_angle(j1, j2, j3, j4, bounds):
        cos = dot(_unit_rows(now(j2) - now(j1)), _unit_rows(now(j4) - now(j3)))
        angle = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
        return (angle > bounds[0]) & (angle < bounds[1])

    def f_fast(j, threshold):
        return np.linalg.norm(now(j) - before(j), axis=-1) * speed_of > threshold

    with np.errstate(invalid="ignore"):
        features = [
            f_nmove("neck", "rhip", "lhip", "rwrist", 1.8 * hl), f_nmove("neck", "lhip", "rhip", "lwrist", 1.8 * hl),
            f_nplane("chest", "neck", "neck", "rwrist", 0.2 * hl), f_nplane("chest", "neck", "neck", "lwrist", 0.2 * hl),
            f_move("belly", "chest", "chest", "rwrist", 1.8 * hl), f_move("belly", "chest", "chest", "lwrist", 1.8 * hl),
            f_angle("relbow", "rshoulder", "relbow", "rwrist", (0, 110)),
            f_angle("lelbow", "lshoulder", "lelbow", "lwrist", (0, 110)),
            f_nplane("lshoulder", "rshoulder", "lwrist", "rwrist", 2.5 * sw),
            f_move("lwrist", "rwrist", "rwrist", "lwrist", 1.4 * hl),
            f_move("rwrist", "root", "lwrist", "root", 1.4 * hl), f_move("lwrist", "root", "rwrist", "root", 1.4 * hl),
            f_fast("rwrist", 2.5 * hl), f_fast("lwrist", 2.5 * hl),
            f_plane("root", "lhip", "ltoes", "rankle", 0.38 * hl), f_plane("root", "rhip", "rtoes", "lankle", 0.38 * hl),
            f_nplane("zero", "y_unit", "y_min", "rankle", 1.2 * hl), f_nplane("zero", "y_unit", "y_min", "lankle", 1.2 * hl),
            f_nplane("lhip", "rhip", "lankle", "rankle", 2.1 * hw),
            f_angle("rknee", "rhip", "rknee", "rankle", (0, 110)), f_angle("lknee", "lhip", "lknee", "lankle", (0, 110)),
            f_fast("rankle", 2.5 * hl), f_fast("lankle", 2.5 * hl),
            f_angle("neck", "root", "rshoulder", "relbow", (25, 180)),
            f_angle("neck", "root", "lshoulder", "lelbow", (25, 180)),
            f_angle("neck", "root", "rhip", "rknee", (50, 180)), f_angle("neck", "root", "lhip", "lknee", (50, 180)),
            f_plane("rankle", "neck", "lankle", "root", 0.5 * hl),
            f_angle("neck", "root", "zero", "y_unit", (70, 110)),
            f_nplane("zero", "minus_y_unit", "y_min", "rwrist", -1.2 * hl),
            f_nplane("zero", "minus_y_unit", "y_min", "lwrist", -1.2 * hl),
            f_fast("root", 2.3 * hl),
        ]
    return np.stack(features, axis=1).astype(np.float64).mean(axis=0)


def normalise_features(reference: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Every set scaled by the reference set's per-dimension mean and standard deviation (as Bailando).

    Parameters
    ----------
    reference : ndarray
        ``[N, D]`` features of the reference (real) set.
    *others : ndarray
        ``[M, D]`` feature sets to scale the same way.

    Returns
    -------
    list of ndarray
        The reference, then each other set, normalised. One departure from Bailando's ``std + 1e-10``: a
        dimension constant in the reference (a boolean relation its dancers never or always show, common
        with few samples) is divided by 1, not by 1e-10, so a set that differs there adds its plain
        difference instead of ~1e20.
    """
    reference = np.asarray(reference, dtype=np.float64)
    mean, std = reference.mean(axis=0), reference.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)
    return [(np.asarray(x, dtype=np.float64) - mean) / std for x in (reference, *others)]


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance of two feature sets' Gaussians: ``|mu_a - mu_b|^2 + tr(S_a + S_b - 2 sqrtm(S_a S_b))``.

    Parameters
    ----------
    a, b : ndarray
        ``[N, D]`` and ``[M, D]`` feature sets (N, M >= 2).

    Returns
    -------
    float
        >= 0 up to rounding; 0 for a set against itself.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    s_a, s_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    covmean = linalg.sqrtm(s_a @ s_b)
    if not np.isfinite(covmean).all():  # nearly singular product: the reference code's fix
        offset = np.eye(len(s_a)) * 1e-5
        covmean = linalg.sqrtm((s_a + offset) @ (s_b + offset))
    covmean = np.real(covmean)
    diff = mu_a - mu_b
    return max(float(diff @ diff + np.trace(s_a) + np.trace(s_b) - 2 * np.trace(covmean)), 0.0)  # no -1e-12


def diversity(features: np.ndarray) -> float:
    """Mean Euclidean distance over all pairs of feature vectors (Bailando's ``calculate_avg_distance``).

    Parameters
    ----------
    features : ndarray
        ``[N, D]`` (normalised) features.

    Returns
    -------
    float
        0 for identical vectors or fewer than two.
    """
    x = np.asarray(features, dtype=np.float64)
    if len(x) < 2:
        return 0.0
    d = np.sqrt(np.maximum(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1), 0.0))
    return float(d[np.triu_indices(len(x), 1)].mean())


def kinematic_beats(positions: np.ndarray, fps: float, smooth_frames: float = BAS_SMOOTH_FRAMES) -> np.ndarray:
    """Bailando's kinematic beats: local minima of the smoothed mean joint displacement per frame.

    Parameters
    ----------
    positions : ndarray
        ``[T, J, 3]`` world joint positions (any unit).
    fps : float
        Frame rate.
    smooth_frames : float
        Gaussian sigma in frames (Bailando: 5).

    Returns
    -------
    ndarray
        Beat times in seconds from frame 0 (frame k is the step from k to k + 1, as in the reference).
    """
    p = np.asarray(positions, dtype=np.float64)
    if len(p) < 3:
        return np.zeros(0)
    speed = np.linalg.norm(np.diff(p, axis=0), axis=-1).mean(axis=1)
    speed = gaussian_filter1d(speed, smooth_frames, mode="reflect")
    return argrelextrema(speed, np.less)[0] / fps


def beat_align_score(music_beats, dance_beats, sigma_s: float = BAS_SIGMA_FRAMES / BAS_FPS) -> float:
    """Bailando's Beat Align Score: mean over music beats of exp(-d^2 / 2 sigma^2), d to the nearest dance beat.

    Parameters
    ----------
    music_beats, dance_beats : array_like
        Beat times (s) on one clock.
    sigma_s : float
        Tolerance in seconds (3 frames at 30 fps by default).

    Returns
    -------
    float
        In [0, 1]; 0 where either list is empty.
    """
    music, dance = np.asarray(music_beats, dtype=np.float64), np.asarray(dance_beats, dtype=np.float64)
    if len(music) == 0 or len(dance) == 0:
        return 0.0
    d = np.min(np.abs(music[:, None] - dance[None, :]), axis=1)
    return float(np.mean(np.exp(-(d**2) / (2 * sigma_s**2))))


def beat_align_chance(music_beats, dance_beats, start_s: float, stop_s: float, rng: np.random.Generator,
                      shifts: int = 8, sigma_s: float = BAS_SIGMA_FRAMES / BAS_FPS) -> float:
    """BAS of the same dance beats shifted in time (circularly, by 1 s or more): what their density alone scores.

    BAS averages over music beats, so more kinematic beats (shaking included) raise it whatever their
    timing; this is the floor a BAS must clear, as :func:`dancekit.evaluation.motion_metrics.chance_f_score`
    is for the F-score.

    Parameters
    ----------
    music_beats, dance_beats : array_like
        Beat times (s, one clock).
    start_s, stop_s : float
        The span the dance beats are shifted around in.
    rng : numpy.random.Generator
        Draws the shifts.
    shifts : int
        How many shifted copies are averaged.
    sigma_s : float
        As in :func:`beat_align_score`.

    Returns
    -------
    float
        0 for a span of 2 s or less or no beats.
    """
    span, dance = stop_s - start_s, np.asarray(dance_beats, dtype=np.float64)
    if span <= 2.0 or len(dance) == 0:
        return 0.0
    offsets = rng.uniform(1.0, span - 1.0, shifts)
    return float(np.mean([beat_align_score(music_beats, start_s + (dance - start_s + o) % span, sigma_s)
                          for o in offsets]))


def physical_foot_contact(feet: np.ndarray, root: np.ndarray, fps: float, up: int = 1) -> float:
    """EDGE's Physical Foot Contact score of one clip (lower is better), times 10,000 as published.

    Parameters
    ----------
    feet : ndarray
        ``[T, 4, 3]`` in metres: left ankle, left toe, right ankle, right toe (EDGE: SMPL joints 7, 10, 8, 11).
    root : ndarray
        ``[T, 3]`` root (pelvis) positions in metres.
    fps : float
        Frame rate (EDGE: 30; foot steps are metres per frame, so the rate matters).
    up : int
        The vertical axis (1: y up; EDGE's SMPL data is z up).

    Returns
    -------
    float
        0 for a clip whose root never accelerates or where one foot always stands.
    """
    feet, root = np.asarray(feet, dtype=np.float64), np.asarray(root, dtype=np.float64)
    if len(root) < 3:
        return 0.0
    accel = np.diff(root, n=2, axis=0) * fps**2
    accel[:, up] = np.maximum(accel[:, up], 0.0)
    accel = np.linalg.norm(accel, axis=-1)
    if accel.max() <= 0:
        return 0.0
    accel /= accel.max()
    flat = [a for a in range(3) if a != up]
    step = np.linalg.norm(feet[2:][..., flat] - feet[1:-1][..., flat], axis=-1)  # [T-2, 4]
    left, right = step[:, :2].min(axis=1), step[:, 2:].min(axis=1)
    return float((left * right * accel).mean() * 10000)


#: The Tang points EDGE's score reads: left ankle, left toe, right ankle, right toe; and the pelvis as root.
TANG_PFC_FEET = (18, 20, 9, 11)
TANG_PFC_ROOT = 2


def windows(n_frames: int, length: int, hop: int | None = None) -> list[tuple[int, int]]:
    """Start and stop frames of whole windows of ``length`` frames every ``hop`` frames.

    Parameters
    ----------
    n_frames : int
        Frames in the clip.
    length : int
        Window length in frames.
    hop : int, optional
        Frames between window starts (default: ``length``, no overlap).

    Returns
    -------
    list of tuple of int
        Empty where the clip is shorter than one window.
    """
    hop = hop or length
    return [(s, s + length) for s in range(0, n_frames - length + 1, hop)]


def clip_field_measures(world_cm: np.ndarray, fps: float, start_s: float, music_beats, window_s: float = 5.0) -> dict:
    """Every per-clip measure of one Tang-layout clip: BAS, PFC and the per-window features.

    Parameters
    ----------
    world_cm : ndarray
        ``[T, 23, 3]`` world joint positions in cm, y up (``MotionClip.world_joints()``), at 30 fps for
        the published frame counts to mean what they mean here.
    fps : float
        Frame rate.
    start_s : float
        Song time of frame 0 (music beats are on the song clock).
    music_beats : array_like
        Music beats (s, song clock) inside the clip.
    window_s : float
        Length of the windows whose features (and PFC) are taken; whole windows only, no overlap.

    Returns
    -------
    dict
        ``bas`` (3 frames at 30 fps, smoothing 5 frames), ``bas_chance`` (:func:`beat_align_chance`,
        8 shifts seeded by the clip length), ``bas_60fps`` (the same frame counts at
        Bailando's 60 fps: sigma 0.05 s, smoothing 2.5 frames here), ``kinematic_beats`` (count),
        ``pfc`` (mean over windows), ``windows`` (count), ``kinetic`` ``[W, 69]`` and ``geometric``
        ``[W, 32]`` feature arrays.
    """
    world = np.asarray(world_cm, dtype=np.float64)
    dance = start_s + kinematic_beats(world, fps)
    half = start_s + kinematic_beats(world, fps, BAS_SMOOTH_FRAMES * fps / 60.0)
    named = tang_field_joints(world)
    metres = named["all"]
    kinetic, geometric, pfc = [], [], []
    for first, stop in windows(len(world), int(round(window_s * fps))):
        part = {k: v[first:stop] for k, v in named.items()}
        kinetic.append(kinetic_features(metres[first:stop], fps))
        geometric.append(geometric_features(part, fps))
        pfc.append(physical_foot_contact(metres[first:stop, list(TANG_PFC_FEET)],
                                         metres[first:stop, TANG_PFC_ROOT], fps))
    stop_s = start_s + len(world) / fps
    chance = beat_align_chance(music_beats, dance, start_s, stop_s, np.random.default_rng(len(world)))
    return {"bas": beat_align_score(music_beats, dance), "bas_chance": chance,
            "bas_60fps": beat_align_score(music_beats, half, 3 / 60),
            "kinematic_beats": len(dance), "pfc": float(np.mean(pfc)) if pfc else None, "windows": len(pfc),
            "kinetic": np.array(kinetic).reshape(-1, 3 * world.shape[1]), "geometric": np.array(geometric).reshape(-1, 32)}


def feature_set_scores(reference_k: np.ndarray, reference_g: np.ndarray, kinetic: np.ndarray,
                       geometric: np.ndarray) -> dict:
    """FID_k, FID_g, Diversity_k and Diversity_g of one set of windows against the reference windows.

    Both sets are normalised by the reference's mean and standard deviation first (Bailando).

    Parameters
    ----------
    reference_k, reference_g : ndarray
        ``[N, Dk]`` kinetic and ``[N, Dg]`` geometric features of the reference (real dancers).
    kinetic, geometric : ndarray
        ``[M, Dk]`` and ``[M, Dg]`` features of the set scored.

    Returns
    -------
    dict
        ``fid_k``, ``fid_g``, ``div_k``, ``div_g``, ``samples``.
    """
    ref_k, set_k = normalise_features(reference_k, kinetic)
    ref_g, set_g = normalise_features(reference_g, geometric)
    return {"fid_k": frechet_distance(set_k, ref_k), "fid_g": frechet_distance(set_g, ref_g),
            "div_k": diversity(set_k), "div_g": diversity(set_g), "samples": len(set_k)}
