"""Render a motion clip as video frames of a solid, shaded dancer with a varied look.

Real dance videos at scale cannot be had here, but real dance motion can (Tang et al.). To
train image classifiers that must ignore everything except the motion, each rendered video
draws one random *look*: body proportions and limb thickness, clothes (trousers or skirt),
camera azimuth/elevation/distance/framing with a lagging follow-cam, a background (gradient,
noise texture, or a room with a textured floor), and TikTok-like filters (noise, colour
grading, vignette, a colour-cycling "disco" wash, a "clone" filter, mirroring, vertical 9:16
framing). Drawing is plain numpy + PIL at 2x and downsampled, a few ms per frame.

The 23-joint Tang skeleton has no published joint list; the tree below was derived from
bone-length constancy over all captures (a bone's length varies by < 3 cm, other pairs by more).
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image, ImageDraw

from dancekit.motion.clip import MotionClip
from dancekit.video.frames import write_video

#: parent of each Tang joint (-1: the root, at the origin of the root-relative joints)
TANG_PARENTS = (1, 2, -1, 2, 3, 4, 4, -1, 7, 8, 9, 9, 2, 12, 15, 13, -1, 16, 17, 18, 18, 13, 6)
#: joint index of each named landmark (sides as the capture calls them is unknown; "a"/"b" sides)
HEAD_TOP, HEAD, SPINE = 0, 1, 2
SHOULDERS, ELBOWS, WRISTS, HANDS = (3, 12), (4, 13), (6, 15), (22, 14)
HIPS, KNEES, ANKLES, HEELS, TOES = (7, 16), (8, 17), (9, 18), (10, 19), (11, 20)
#: bone -> proportion group (scaled together when a body shape is drawn)
_GROUP_OF_JOINT = {0: "head", 1: "neck", 2: "torso", 3: "shoulders", 12: "shoulders", 4: "upper_arm", 13: "upper_arm",
                   5: "forearm", 6: "forearm", 15: "forearm", 21: "forearm", 22: "hand", 14: "hand",
                   7: "hips", 16: "hips", 8: "thigh", 17: "thigh", 9: "shin", 18: "shin",
                   10: "foot", 11: "foot", 19: "foot", 20: "foot"}
N_JOINTS = 23
FIGURE_HEIGHT_CM = 175.0


# ----------------------------------------------------------------------------------------- looks
@dataclass
class FigureLook:
    """Body shape and clothes.

    Parameters
    ----------
    scales : dict
        Proportion group (``torso``, ``thigh``...) -> length factor.
    radii_cm : dict
        Limb half-thickness per body part.
    colours : dict
        RGB of skin, top, bottom, shoes and hair.
    skirt : bool
        A skirt instead of trousers.
    """

    scales: dict[str, float]  # proportion group -> length factor
    radii_cm: dict[str, float]  # limb half-thickness
    colours: dict[str, tuple[int, int, int]]  # skin, top, bottom, shoes, hair
    skirt: bool = False


@dataclass
class CameraLook:
    """How one video is filmed.

    Parameters
    ----------
    azimuth_deg : float
        Direction around the dancer (0 looks along -z).
    elevation_deg : float
        Camera above (+) or below (-) the dancer's middle.
    distance_cm : float
        Perspective strength.
    fill : float
        Share of the frame height a standing figure takes.
    orbit_deg_per_s : float
        Slow drift around the dancer.
    lag_s : float
        Follow-cam smoothing of the dancer's travel.
    offset : (float, float)
        Framing offset, in fractions of width and height.
    """
    azimuth_deg: float  # 0 = looking along -z
    elevation_deg: float  # camera above (+) or below (-) the dancer's middle
    distance_cm: float  # perspective strength
    fill: float  # share of the frame height a standing figure takes
    orbit_deg_per_s: float  # slow drift around the dancer
    lag_s: float  # follow-cam smoothing of the dancer's travel
    offset: tuple[float, float]  # framing offset (fractions of width, height)


@dataclass
class SceneLook:
    """Everything random about one rendered video; JSON-ready (``asdict``).

    Parameters
    ----------
    figure : FigureLook
        Body and clothes.
    camera : CameraLook
        Camera and framing.
    background : dict
        Background kind (gradient, noise, spots, room) and its colours.
    filters : dict
        Which filters apply, and how strongly.
    aspect : {"square", "portrait", "landscape"}
        Frame shape (1:1, 9:16, 16:9).
    mirror : bool
        Mirror every frame.
    light : (float, float)
        Screen-space direction the light comes from.
    seed : int
        Seeds per-frame randomness (noise).
    """

    figure: FigureLook
    camera: CameraLook
    background: dict
    filters: dict
    aspect: str = "square"  # "square", "portrait" (9:16) or "landscape" (16:9)
    mirror: bool = False
    light: tuple[float, float] = (-0.6, -0.8)  # screen-space direction the light comes from
    seed: int = 0

    def to_dict(self) -> dict:
        """The look as nested JSON-ready dicts (``look_from_dict`` inverts it).

        Returns
        -------
        dict
        """
        return asdict(self)


ASPECTS = {"square": 1.0, "portrait": 9 / 16, "landscape": 16 / 9}


def _colour(rng, s=(0.2, 0.9), v=(0.25, 0.95), h=None) -> tuple[int, int, int]:
    hue = rng.uniform(0, 1) if h is None else h
    r, g, b = colorsys.hsv_to_rgb(hue, rng.uniform(*s), rng.uniform(*v))
    return int(r * 255), int(g * 255), int(b * 255)


def sample_look(rng: np.random.Generator | int) -> SceneLook:
    """A random look: each draw is one "participant" filmed one way.

    Parameters
    ----------
    rng : np.random.Generator or int
        A generator, or a seed.

    Returns
    -------
    SceneLook
    """
    rng = np.random.default_rng(rng)
    seed = int(rng.integers(2**31))
    build = rng.uniform(0.8, 1.35)
    scales = {g: float(rng.uniform(0.88, 1.12)) for g in
              ("head", "neck", "torso", "shoulders", "upper_arm", "forearm", "hand", "hips", "thigh", "shin", "foot")}
    radii = {"limb": 5.0 * build, "thigh": 7.5 * build, "torso": 15.0 * build * rng.uniform(0.85, 1.2),
             "head": 11.0 * rng.uniform(0.9, 1.15), "hand": 4.0, "foot": 4.5}
    skin = _colour(rng, s=(0.25, 0.6), v=(0.3, 0.95), h=rng.uniform(0.03, 0.1))
    figure = FigureLook(scales, {k: float(v) for k, v in radii.items()},
                        {"skin": skin, "top": _colour(rng), "bottom": _colour(rng), "shoes": _colour(rng, v=(0.05, 0.5)),
                         "hair": _colour(rng, s=(0.2, 0.8), v=(0.05, 0.6), h=rng.uniform(0.0, 0.12))},
                        skirt=bool(rng.random() < 0.35))
    camera = CameraLook(azimuth_deg=float(rng.uniform(0, 360)), elevation_deg=float(rng.uniform(-8, 35)),
                        distance_cm=float(rng.uniform(250, 700)), fill=float(rng.uniform(0.45, 0.9)),
                        orbit_deg_per_s=float(rng.normal(0, 6)), lag_s=float(rng.uniform(0.2, 2.0)),
                        offset=(float(rng.uniform(-0.15, 0.15)), float(rng.uniform(-0.08, 0.08))))
    kind = rng.choice(["room", "room", "gradient", "noise", "spots"])
    background = {"kind": str(kind), "a": _colour(rng), "b": _colour(rng), "c": _colour(rng, v=(0.1, 0.9)),
                  "angle": float(rng.uniform(0, 2 * math.pi)), "scale": float(rng.uniform(30, 120)),
                  "pattern": str(rng.choice(["checker", "planks", "plain"])), "room_cm": float(rng.uniform(500, 1200))}
    filters = {"noise": float(rng.choice([0, 0, rng.uniform(2, 25)])),
               "contrast": float(rng.uniform(0.75, 1.3)), "brightness": float(rng.uniform(-25, 25)),
               "gamma": float(rng.uniform(0.75, 1.35)), "saturation": float(rng.uniform(0.3, 1.5)),
               "tint": [float(rng.uniform(0.85, 1.15)) for _ in range(3)],
               "vignette": float(rng.choice([0, rng.uniform(0.2, 0.7)])),
               "disco": bool(rng.random() < 0.12), "clones": int(rng.choice([1] * 9 + [2, 3])),
               "blur": bool(rng.random() < 0.1)}
    return SceneLook(figure, camera, background, filters, aspect=str(rng.choice(["square", "portrait", "portrait",
                                                                                  "landscape"])),
                     mirror=bool(rng.random() < 0.5), light=(float(rng.uniform(-1, 1)), float(rng.uniform(-1, -0.2))),
                     seed=seed)


def look_from_dict(data: dict) -> SceneLook:
    """The look :meth:`SceneLook.to_dict` wrote (e.g. read back from a dataset manifest).

    Parameters
    ----------
    data : dict
        A look as JSON.

    Returns
    -------
    SceneLook
    """
    fig = data["figure"]
    figure = FigureLook(fig["scales"], fig["radii_cm"], {k: tuple(v) for k, v in fig["colours"].items()}, fig["skirt"])
    camera = CameraLook(**{**data["camera"], "offset": tuple(data["camera"]["offset"])})
    return SceneLook(figure, camera, data["background"], data["filters"], data["aspect"], data["mirror"],
                     tuple(data["light"]), data["seed"])


# ------------------------------------------------------------------------------------ geometry
def reshape_body(joints: np.ndarray, scales: dict[str, float]) -> np.ndarray:
    """Lengthen or shorten each bone by its group's factor, keeping the joint angles ([T, 23, 3]).

    Parameters
    ----------
    joints : np.ndarray
        Root-relative joint positions ``[T, 23, 3]``.
    scales : dict
        Proportion group -> length factor.

    Returns
    -------
    np.ndarray
    """
    out = np.empty_like(joints)
    order = sorted(range(N_JOINTS), key=_depth_in_tree)
    for j in order:
        parent = TANG_PARENTS[j]
        base = joints[:, parent] if parent >= 0 else 0.0
        start = out[:, parent] if parent >= 0 else 0.0
        out[:, j] = start + scales.get(_GROUP_OF_JOINT[j], 1.0) * (joints[:, j] - base)
    return out


def _depth_in_tree(j: int) -> int:
    d = 0
    while TANG_PARENTS[j] >= 0:
        j, d = TANG_PARENTS[j], d + 1
    return d


def _sample(clip_array: np.ndarray, fps: float, times_s: np.ndarray) -> np.ndarray:
    """Linear interpolation of a [T, ...] array at ``times_s`` (clamped to the clip)."""
    pos = np.clip(np.asarray(times_s, dtype=np.float64) * fps, 0, len(clip_array) - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(clip_array) - 1)
    w = (pos - lo).reshape((-1,) + (1,) * (clip_array.ndim - 1))
    return (1 - w) * clip_array[lo] + w * clip_array[hi]


def _follow(root: np.ndarray, fps: float, lag_s: float) -> np.ndarray:
    """Where a camera operator aims: the root's floor track, smoothed forward and backward."""
    alpha = 1.0 - math.exp(-1.0 / max(lag_s * fps, 1e-3))
    track = root.astype(np.float64).copy()
    for t in range(1, len(track)):
        track[t] = track[t - 1] + alpha * (root[t] - track[t - 1])
    for t in range(len(track) - 2, -1, -1):  # backward pass: no phase lag overall
        track[t] = track[t + 1] + alpha * (track[t] - track[t + 1])
    return track


@dataclass
class Camera:
    """A pinhole camera in world coordinates (cm).

    Parameters
    ----------
    position : np.ndarray
        ``[3]``.
    right, up, forward : np.ndarray
        Unit axes of the camera.
    focal_px : float
        Focal length in pixels.
    centre : (float, float)
        Principal point in pixels.
    """
    position: np.ndarray  # [3]
    right: np.ndarray
    up: np.ndarray
    forward: np.ndarray
    focal_px: float
    centre: tuple[float, float]

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points [..., 3] -> pixel coordinates [..., 2] and depth [...] (cm).

        Parameters
        ----------
        points : np.ndarray
            World points ``[..., 3]``.

        Returns
        -------
        pixels : np.ndarray
        depth : np.ndarray
        """
        v = points - self.position
        z = np.maximum(v @ self.forward, 1.0)
        x, y = v @ self.right, v @ self.up
        return np.stack([self.centre[0] + self.focal_px * x / z, self.centre[1] - self.focal_px * y / z], -1), z

    def rays(self, width: int, height: int) -> np.ndarray:
        """Unnormalised world direction of every pixel [H, W, 3].

        Parameters
        ----------
        width, height : int
            Image size in pixels.

        Returns
        -------
        np.ndarray
        """
        u = (np.arange(width) + 0.5 - self.centre[0]) / self.focal_px
        v = (np.arange(height) + 0.5 - self.centre[1]) / self.focal_px
        return (self.forward[None, None] + u[None, :, None] * self.right[None, None]
                - v[:, None, None] * self.up[None, None])


def _camera(look: CameraLook, target: np.ndarray, t_s: float, width: int, height: int) -> Camera:
    az = math.radians(look.azimuth_deg + look.orbit_deg_per_s * t_s)
    el = math.radians(look.elevation_deg)
    direction = np.array([math.cos(el) * math.sin(az), math.sin(el), math.cos(el) * math.cos(az)])
    position = target + look.distance_cm * direction
    forward = -direction
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    focal = look.fill * height * look.distance_cm / FIGURE_HEIGHT_CM
    centre = (width * (0.5 + look.offset[0]), height * (0.5 + look.offset[1]))
    return Camera(position, right, up, forward, focal, centre)


# ---------------------------------------------------------------------------------- backgrounds
def _value_noise(rng, height: int, width: int, cells: int) -> np.ndarray:
    """Smooth random texture in [0, 1]: a coarse random grid, bilinearly enlarged."""
    grid = rng.random((cells + 1, max(2, int(cells * width / height)) + 1))
    img = Image.fromarray((grid * 255).astype(np.uint8)).resize((width, height), Image.BILINEAR)
    return np.asarray(img, dtype=np.float32) / 255.0


def static_background(bg: dict, height: int, width: int, rng) -> np.ndarray:
    """Screen-space backgrounds (gradient, noise, spots) as float RGB [H, W, 3] in 0..255.

    Parameters
    ----------
    bg : dict
        The look's background (kind and colours ``a``, ``b``, ``c``).
    height, width : int
        Size in pixels.
    rng : np.random.Generator
        Draws noise and spots.

    Returns
    -------
    np.ndarray
    """
    a, b, c = (np.asarray(bg[k], dtype=np.float32) for k in ("a", "b", "c"))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    if bg["kind"] == "gradient":
        t = (xx * math.cos(bg["angle"]) + yy * math.sin(bg["angle"]))
        t = (t - t.min()) / max(float(np.ptp(t)), 1.0)
        return a * (1 - t[..., None]) + b * t[..., None]
    if bg["kind"] == "noise":
        t = 0.6 * _value_noise(rng, height, width, 4) + 0.4 * _value_noise(rng, height, width, 16)
        return a * (1 - t[..., None]) + b * t[..., None]
    # "spots": bokeh lights over a dark gradient
    img = Image.fromarray((c * 0.35 + 0 * xx[..., None]).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(6, 20))):
        r = rng.uniform(0.03, 0.12) * height
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=_colour(rng, v=(0.5, 1.0)))
    return np.asarray(img, dtype=np.float32)


def room_background(bg: dict, cam: Camera, floor_y: float, centre: np.ndarray, width: int, height: int,
                    ) -> np.ndarray:
    """A box room around the dance floor seen through ``cam``: textured floor, walls, ceiling.

    Parameters
    ----------
    bg : dict
        The look's background (colours and textures).
    cam : Camera
        The camera of this frame.
    floor_y : float
        Height of the floor in world cm.
    centre : np.ndarray
        Centre of the dance floor.
    width, height : int
        Size in pixels.

    Returns
    -------
    np.ndarray
        Float RGB ``[H, W, 3]`` in 0..255.
    """
    rays = cam.rays(width, height)
    half = bg["room_cm"] / 2
    o = cam.position - np.array([centre[0], 0.0, centre[2]])
    with np.errstate(divide="ignore", invalid="ignore"):
        t_walls = []
        for axis in (0, 2):
            for side in (-half, half):
                t = (side - o[axis]) / rays[..., axis]
                t_walls.append(np.where(t > 0, t, np.inf))
        t_wall = np.min(np.stack(t_walls), axis=0)
        t_floor = np.where(rays[..., 1] < 0, (floor_y - o[1]) / rays[..., 1], np.inf)
        t_ceil = np.where(rays[..., 1] > 0, (floor_y + 300.0 - o[1]) / rays[..., 1], np.inf)
    hit = o + np.minimum(np.minimum(t_wall, t_floor), t_ceil)[..., None] * rays
    a, b, c = (np.asarray(bg[k], dtype=np.float32) for k in ("a", "b", "c"))
    out = np.empty((height, width, 3), dtype=np.float32)
    # walls: colour a, darker towards the floor, a skirting band
    h = np.clip((hit[..., 1] - floor_y) / 300.0, 0, 1)[..., None]
    out[:] = a * (0.65 + 0.35 * h)
    out[(hit[..., 1] - floor_y < 12)] = c * 0.6
    floor = (t_floor <= t_wall) & (t_floor <= t_ceil)
    ceil = (t_ceil < t_wall) & (t_ceil < t_floor)
    fx, fz = hit[..., 0][floor], hit[..., 2][floor]
    scale = bg["scale"]
    if bg["pattern"] == "checker":
        t = ((np.floor(fx / scale) + np.floor(fz / scale)) % 2)[:, None]
    elif bg["pattern"] == "planks":
        plank = np.floor(fz / (scale * 0.3))
        t = (0.5 + 0.5 * np.sin(plank * 12.9898) * np.cos(plank * 4.1414))[:, None]
        t = np.where((np.abs(fz / (scale * 0.3) - plank - 0.5) > 0.46)[:, None], 1.0, t * 0.6)
    else:
        t = np.zeros((len(fx), 1))
    out[floor] = b * (0.75 + 0.35 * t)
    out[ceil] = np.float32(235.0)
    return out


def _shadow(img: Image.Image, cam: Camera, floor_y: float, root: np.ndarray, scale: float) -> None:
    angles = np.linspace(0, 2 * math.pi, 20, endpoint=False)
    ring = np.stack([root[0] + 40 * scale * np.cos(angles), np.full(20, floor_y),
                     root[2] + 30 * scale * np.sin(angles)], -1)
    pts, _ = cam.project(ring)
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).polygon([tuple(p) for p in pts], fill=90)
    img.paste((0, 0, 0), mask=mask)


# -------------------------------------------------------------------------------------- figure
def _shade(colour, factor) -> tuple[int, int, int]:
    return tuple(int(min(255, max(0, c * factor))) for c in colour)


def _capsule(draw: ImageDraw.ImageDraw, p, q, radius: float, colour, light: np.ndarray) -> None:
    """A limb as a cylinder seen from the side: dark rim, mid tone, highlight toward the light."""
    for width_frac, shift, factor in ((1.0, 0.0, 0.55), (0.72, 0.22, 0.9), (0.3, 0.45, 1.25)):
        r = max(radius * width_frac, 0.5)
        dp = -light * radius * shift
        a, b = (p[0] + dp[0], p[1] + dp[1]), (q[0] + dp[0], q[1] + dp[1])
        col = _shade(colour, factor)
        draw.line([a, b], fill=col, width=max(1, int(round(2 * r))))
        for x, y in (a, b):
            draw.ellipse([x - r, y - r, x + r, y + r], fill=col)


def _blob(draw: ImageDraw.ImageDraw, p, radius: float, colour, light: np.ndarray, hair=None) -> None:
    for frac, shift, factor in ((1.0, 0.0, 0.6), (0.82, 0.15, 0.95), (0.35, 0.45, 1.2)):
        r = radius * frac
        c = (p[0] - light[0] * radius * shift, p[1] - light[1] * radius * shift)
        draw.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=_shade(colour, factor))
    if hair is not None:
        draw.chord([p[0] - radius, p[1] - radius * 1.08, p[0] + radius, p[1] + radius * 0.9], 180, 360, fill=hair)


def _polygon(draw: ImageDraw.ImageDraw, pts: np.ndarray, colour, light: np.ndarray, radius: float) -> None:
    centre = pts.mean(0)
    draw.polygon([tuple(p) for p in pts], fill=_shade(colour, 0.6))
    inner = centre + 0.8 * (pts - centre) - light * radius * 0.15
    draw.polygon([tuple(p) for p in inner], fill=_shade(colour, 0.92))
    hi = centre + 0.35 * (pts - centre) - light * radius * 0.4
    draw.polygon([tuple(p) for p in hi], fill=_shade(colour, 1.15))


def draw_figure(img: Image.Image, pts: np.ndarray, depth: np.ndarray, look: FigureLook, px_per_cm: np.ndarray,
                light: np.ndarray) -> None:
    """Draw one posed figure (pixel coordinates ``pts`` [23, 2]) back to front.

    Parameters
    ----------
    img : PIL.Image.Image
        Drawn on in place.
    pts : np.ndarray
        Pixel coordinates ``[23, 2]``.
    depth : np.ndarray
        Depth of each joint ``[23]`` (far limbs are drawn first).
    look : FigureLook
        Body and clothes.
    px_per_cm : np.ndarray
        Scale at each joint, for limb thickness under perspective.
    light : np.ndarray
        Screen-space light direction ``[2]``.
    """
    draw = ImageDraw.Draw(img)
    col, rad = look.colours, look.radii_cm
    items = []  # (depth, kind, args)

    def limb(a, b, r_key, colour):
        r = rad[r_key] * 0.5 * (px_per_cm[a] + px_per_cm[b])
        items.append(((depth[a] + depth[b]) / 2, "capsule", (pts[a], pts[b], r, colour)))

    for s in (0, 1):
        limb(SHOULDERS[s], ELBOWS[s], "limb", col["top"])
        limb(ELBOWS[s], WRISTS[s], "limb", col["skin"])
        limb(WRISTS[s], HANDS[s], "hand", col["skin"])
        limb(HIPS[s], KNEES[s], "thigh", col["bottom"])
        limb(KNEES[s], ANKLES[s], "limb", col["bottom"] if not look.skirt else col["skin"])
        limb(HEELS[s], TOES[s], "foot", col["shoes"])
        limb(ANKLES[s], TOES[s], "foot", col["shoes"])
    mid_sh = (pts[SHOULDERS[0]] + pts[SHOULDERS[1]]) / 2
    neck_r = rad["limb"] * 1.1 * px_per_cm[HEAD]
    items.append((depth[HEAD] + 1, "capsule", (mid_sh, pts[HEAD], neck_r, col["skin"])))
    torso_r = rad["torso"] * px_per_cm[SPINE]
    quad = np.stack([pts[SHOULDERS[0]], pts[SHOULDERS[1]], pts[HIPS[1]], pts[HIPS[0]]])
    across = quad[0] - quad[1]
    n = np.linalg.norm(across)
    widen = (across / n) * torso_r * 0.35 if n > 1e-3 else np.zeros(2)
    quad = quad + np.stack([widen, -widen, -widen * 0.6, widen * 0.6])
    torso_depth = depth[[SHOULDERS[0], SHOULDERS[1], HIPS[0], HIPS[1]]].mean()
    mid_hip = (pts[HIPS[0]] + pts[HIPS[1]]) / 2  # a body seen edge-on still has depth
    items.append((torso_depth + 0.5, "capsule", (mid_hip, mid_sh, torso_r * 0.6, col["top"])))
    items.append((torso_depth, "torso", (quad, col["top"], torso_r)))
    if look.skirt:
        hem = np.stack([pts[KNEES[1]], pts[KNEES[0]]])
        hem_mid = hem.mean(0)
        hem = hem_mid + 1.6 * (hem - hem_mid) + np.array([[-1], [1]]) * np.array([torso_r * 0.6, 0])
        skirt = np.stack([quad[3], quad[2], hem[0], hem[1]])
        items.append((min(depth[HIPS[0]], depth[HIPS[1]], depth[KNEES[0]], depth[KNEES[1]]) - 2, "torso",
                      (skirt, col["bottom"], torso_r)))
    head_c = pts[HEAD] + 0.35 * (pts[HEAD_TOP] - pts[HEAD])
    items.append((depth[HEAD], "head", (head_c, rad["head"] * px_per_cm[HEAD], col["skin"], col["hair"])))
    for _, kind, args in sorted(items, key=lambda it: -it[0]):
        if kind == "capsule":
            _capsule(draw, *args, light)
        elif kind == "torso":
            _polygon(draw, args[0], args[1], light, args[2])
        else:
            _blob(draw, args[0], args[1], args[2], light, hair=args[3])


# ------------------------------------------------------------------------------------- filters
def apply_filters(frame: np.ndarray, filters: dict, t_s: float, rng) -> np.ndarray:
    """Colour grading, disco wash, vignette, blur and sensor noise on a float RGB frame.

    Parameters
    ----------
    frame : np.ndarray
        Float RGB ``[H, W, 3]`` in 0..255.
    filters : dict
        The look's filters.
    t_s : float
        Time in the video (the disco wash cycles).
    rng : np.random.Generator
        Draws the sensor noise.

    Returns
    -------
    np.ndarray
    """
    x = frame
    if filters.get("disco"):
        hue = (t_s * 0.7) % 1.0
        wash = np.asarray(colorsys.hsv_to_rgb(hue, 1.0, 1.0), dtype=np.float32) * 255
        x = 0.6 * x + 0.4 * wash * (x.mean(-1, keepdims=True) / 255 + 0.3)
    x = (x - 128.0) * filters["contrast"] + 128.0 + filters["brightness"]
    x = x * np.asarray(filters["tint"], dtype=np.float32)
    grey = x.mean(-1, keepdims=True)
    x = grey + (x - grey) * filters["saturation"]
    x = 255.0 * (np.clip(x, 0, 255) / 255.0) ** filters["gamma"]
    if filters.get("vignette"):
        h, w = x.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
        x = x * (1 - filters["vignette"] * np.clip(r2 / 2, 0, 1))[..., None]
    if filters.get("blur"):
        x = (x + np.roll(x, 1, 0) + np.roll(x, -1, 0) + np.roll(x, 1, 1) + np.roll(x, -1, 1)) / 5
    if filters.get("noise"):
        x = x + rng.normal(0, filters["noise"], x.shape)
    return x


# -------------------------------------------------------------------------------------- render
class FigureRenderer:
    """One clip filmed with one look; ``render(times_s)`` gives its frames (uint8 [N, H, W, 3]).

    The width follows the look's aspect (square, 9:16 or 16:9); resizing to a network's input
    happens downstream, as for a real video.

    Parameters
    ----------
    clip : MotionClip
        The motion (Tang layout).
    look : SceneLook
        How it is filmed.
    height : int
        Frame height in pixels.
    supersample : int
        Drawing scale before downsampling (anti-aliasing).
    """

    def __init__(self, clip: MotionClip, look: SceneLook, height: int = 128, supersample: int = 2):
        self.clip, self.look, self.height, self.ss = clip, look, height, supersample
        self.width = int(round(height * ASPECTS[look.aspect] / 2)) * 2
        self.rng = np.random.default_rng(look.seed)
        joints = reshape_body(clip.joints, look.figure.scales)
        self.world = joints + clip.root[:, None, :]
        feet = self.world[:, list(HEELS + TOES)][..., 1]
        self.floor_y = float(np.percentile(feet, 2)) - look.figure.radii_cm["foot"]
        self.track = _follow(clip.root, clip.fps, look.camera.lag_s)
        self.track[:, 1] = float(np.median(clip.root[:, 1]))
        big = (height * supersample, self.width * supersample)
        self.static = (None if look.background["kind"] == "room"
                       else static_background(look.background, big[0], big[1], self.rng))
        light = np.asarray(look.light, dtype=np.float64)
        self.light = light / (np.linalg.norm(light) + 1e-9)
        self.centre = clip.root.mean(0)

    def render_one(self, t: float) -> np.ndarray:
        """The frame at clip time ``t``.

        Parameters
        ----------
        t : float
            Seconds from the clip start.

        Returns
        -------
        np.ndarray
            uint8 ``[H, W, 3]``.
        """
        look, fps = self.look, self.clip.fps
        big_h, big_w = self.height * self.ss, self.width * self.ss
        pose = _sample(self.world, fps, np.array([t]))[0]
        cam = _camera(look.camera, _sample(self.track, fps, np.array([t]))[0], float(t), big_w, big_h)
        if self.static is None:
            bg = room_background(look.background, cam, self.floor_y, self.centre, big_w, big_h)
        else:
            bg = self.static
        img = Image.fromarray(np.clip(bg, 0, 255).astype(np.uint8))
        if self.static is None:
            _shadow(img, cam, self.floor_y, _sample(self.clip.root, fps, np.array([t]))[0], 1.0)
        clones = int(look.filters.get("clones", 1))
        pts, depth = cam.project(pose)
        for k in range(clones):
            shift = (k - (clones - 1) / 2) * 0.55 * look.camera.fill * big_h
            draw_figure(img, pts + np.array([shift, 0.0]), depth, look.figure, cam.focal_px / depth, self.light)
        img = img.resize((self.width, self.height), Image.BOX)
        x = apply_filters(np.asarray(img, dtype=np.float32), look.filters, float(t), self.rng)
        if look.mirror:
            x = x[:, ::-1]
        return np.clip(x, 0, 255).astype(np.uint8)

    def render(self, times_s) -> np.ndarray:
        """The frames at ``times_s``.

        Parameters
        ----------
        times_s : array-like
            Seconds from the clip start.

        Returns
        -------
        np.ndarray
            uint8 ``[N, H, W, 3]``.
        """
        times_s = np.atleast_1d(np.asarray(times_s, dtype=np.float64))
        out = np.empty((len(times_s), self.height, self.width, 3), dtype=np.uint8)
        for i, t in enumerate(times_s):
            out[i] = self.render_one(float(t))
        return out


def render_frames(clip: MotionClip, look: SceneLook, times_s, height: int = 128) -> np.ndarray:
    """Frames of ``clip`` at ``times_s`` (seconds from the clip start), uint8 [N, H, W, 3].

    Parameters
    ----------
    clip : MotionClip
        The motion.
    look : SceneLook
        How it is filmed.
    times_s : array-like
        Frame times.
    height : int
        Frame height in pixels.

    Returns
    -------
    np.ndarray
    """
    return FigureRenderer(clip, look, height).render(times_s)


def render_video(clip: MotionClip, path, look: SceneLook | None = None, fps: float = 25.0, height: int = 360,
                 start_s: float = 0.0, duration_s: float | None = None, seed: int = 0):
    """Write ``clip`` (from ``start_s``, ``duration_s`` long) as an H.264 MP4 of the figure.

    Parameters
    ----------
    clip : MotionClip
        The motion.
    path : str or os.PathLike
        The MP4 to write.
    look : SceneLook, optional
        Default: ``sample_look(seed)``.
    fps : float
        Frame rate.
    height : int
        Frame height in pixels.
    start_s : float
        Where in the clip the video starts.
    duration_s : float, optional
        Length (default: to the clip's end).
    seed : int
        Seeds the look when none is given.

    Returns
    -------
    Path
    """
    renderer = FigureRenderer(clip, look or sample_look(seed), height)
    end = clip.duration_s if duration_s is None else min(clip.duration_s, start_s + duration_s)
    times = np.arange(start_s, end, 1.0 / fps)
    return write_video(path, (renderer.render_one(float(t)) for t in times), fps=fps)
