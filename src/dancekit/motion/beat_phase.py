"""Beat-phase locking: does a movement keep its place in the music's beat and bar?

Paper 5 counts motion beats (speed minima, :mod:`dancekit.motion.beats`) within 70 ms of a
music beat. Dancers do not put a speed minimum on every beat: they repeat a pattern every bar,
with its dips at a fixed offset from the beat, so that window misses them. Here every moment gets
its phase in the music instead: the beat phase (0 on a beat, 0.5 halfway to the next) and the bar
phase ((beat index mod beats per bar + beat phase) / beats per bar; the bar starts at the first
beat of the grid, since ``dancekit.rhythm`` finds the meter but no downbeat). Statistics:

* ``speed``: modulation depth of the bar-synchronous average of motion speed: the rms of the
  average speed profile over one bar (harmonics 1..2m of the bar, down to half-beats), relative to
  the mean speed. Speed that rises and falls at the same places in every bar scores high. Speed
  is first capped at its 99th percentile (``SPEED_CAP_PERCENTILE``): one glitch does not count.
* ``speed_beat``: the same for the beat alone (the first harmonic of the beat phase).
* ``events_beat``: the mean resultant length R (circular statistics) of the motion beats' beat
  phases, and their preferred phase.
* ``events_bar``: whether motion beats prefer some places in the bar (steps on 1 and 3, say): the
  resultant lengths of their bar phases at the bar harmonics that are not beat harmonics (k = 1..2m,
  k not a multiple of m), root-mean-square (in [0, 1]). A motion beat on every beat scores 0 here.

Each is judged against a null made from the same motion and beat grids that it cannot follow:
by default the song's own beats stretched in time (another tempo: 6-26 % beyond the clock
tolerance below, so 10-30 % at its default) and shifted at random. Shifting the song's own
beats is no null for these statistics: R and the depth do not change when every phase turns by
the same amount, and a steady grid shifted is that grid turned. Grids of other songs can be
passed as ``null_grids``. ``p = (1 + #null >= observed) / (1 + #null)``.

Clock tolerance: played at their nominal 25 fps, the Tang captures run 0.5-4 % fast against
their music (``clock``, the stretch of motion time that realigns them, is 1.005-1.04, median
1.015, in the waltzes that pass), so over a minute a dancer drifts up to a beat away from the
music although every bar is danced in time. With ``clock_tolerance`` each statistic is maximised
over a constant clock ratio within +/- tolerance (time scaled about the first frame); every null
grid gets the same search and is stretched beyond its reach, so the search wins nothing by
chance. Its price: motion with a steady tempo within the tolerance of the music's passes without
following it. Generated motion has an exact clock: score it with 0 as well, which also asks for
one phase over the whole clip.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from dancekit.errors import DancekitError
from dancekit.exit_codes import EXIT_USAGE
from dancekit.motion.beats import motion_beats, motion_speed
from dancekit.motion.clip import MotionClip

#: Largest clock ratio error searched (4 %: the Tang captures drift 0.5-4 %).
CLOCK_TOLERANCE = 0.04
#: Step of the clock search (over 60 s a step moves the last frame by 0.15 s).
CLOCK_STEP = 0.0025
#: Null grids are stretched by tolerance + this range (10-30 % at the default tolerance).
NULL_STRETCH = (0.06, 0.26)
#: Null grids per test (p-values down to 1/201).
N_NULL = 200
#: A song passes when p < ALPHA.
ALPHA = 0.05
#: The statistic a song passes or fails on.
PRIMARY = "speed"
STATISTICS = ("speed", "speed_beat", "events_beat", "events_bar")
#: Fewest music beats under the motion for a test.
MIN_BEATS = 8
#: Speed is capped at this percentile of its own values: the start-up snap of a generated figure
#: (one frame at 100 times its usual speed) or a capture glitch would otherwise fill every harmonic.
SPEED_CAP_PERCENTILE = 99.0


class BeatPhaseError(DancekitError):
    """Beats or motion that cannot be phase-tested (too few, not increasing, not finite)."""

    exit_code = EXIT_USAGE


def check_beats(beats) -> np.ndarray:
    """Beat times as a 1-D float array, finite and strictly increasing, at least ``MIN_BEATS``.

    Parameters
    ----------
    beats : array_like
        Music beat times, in seconds.

    Returns
    -------
    np.ndarray

    Raises
    ------
    BeatPhaseError
        Too few beats, or beats that are not finite and strictly increasing.
    """
    beats = np.asarray(beats, dtype=np.float64).ravel()
    if len(beats) < MIN_BEATS:
        raise BeatPhaseError(f"need at least {MIN_BEATS} music beats, got {len(beats)}")
    if not np.all(np.isfinite(beats)) or np.any(np.diff(beats) <= 0):
        raise BeatPhaseError("music beats must be finite and strictly increasing")
    return beats


def beat_phase(times, beats, beats_per_bar: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(valid, beat_phase, bar_phase)`` of each time (any shape) against a beat grid.

    ``valid`` marks times inside [first beat, last beat); phases are in [0, 1) there.

    Parameters
    ----------
    times : array_like
        Times in seconds, on the beats' clock.
    beats : array_like
        Increasing beat times (at least two).
    beats_per_bar : int
        Beats in a bar; the bar starts at the first beat of the grid.

    Returns
    -------
    (np.ndarray, np.ndarray, np.ndarray)
        ``valid`` (bool), beat phase and bar phase, each shaped as ``times``.
    """
    beats = np.asarray(beats, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    k = np.searchsorted(beats, times, side="right") - 1
    valid = (k >= 0) & (k < len(beats) - 1)
    k = np.clip(k, 0, len(beats) - 2)
    phase = np.clip((times - beats[k]) / (beats[k + 1] - beats[k]), 0.0, 1.0 - 1e-12)
    return valid, phase, ((k % beats_per_bar) + phase) / beats_per_bar


def circular_mean(phases, weights=None) -> tuple[float, float]:
    """Mean resultant length R in [0, 1] and mean phase in [0, 1) of phases (cycles).

    Parameters
    ----------
    phases : array_like
        Phases in cycles.
    weights : array_like, optional
        A weight per phase; equal by default.

    Returns
    -------
    (float, float)
        R (1: all phases equal, 0: no preferred phase) and the mean phase; ``(0, 0)`` for none.
    """
    phases = np.asarray(phases, dtype=np.float64)
    if phases.size == 0:
        return 0.0, 0.0
    w = np.ones_like(phases) if weights is None else np.asarray(weights, dtype=np.float64)
    z = np.sum(w * np.exp(2j * np.pi * phases)) / max(np.sum(w), 1e-300)
    return float(abs(z)), float(np.angle(z) / (2 * np.pi) % 1.0)


def rayleigh_p(r: float, n: int) -> float:
    """Rayleigh test p-value that n phases with resultant R are uniform (Zar's approximation).

    Descriptive only: it assumes independent phases, which the motion beats of one dancer are not.

    Parameters
    ----------
    r : float
        Mean resultant length.
    n : int
        Number of phases.

    Returns
    -------
    float
        The p-value (1 for fewer than two phases).
    """
    if n < 2:
        return 1.0
    nr = n * r
    return float(min(1.0, np.exp(np.sqrt(1 + 4 * n + 4 * (n * n - nr * nr)) - (1 + 2 * n))))


def harmonic_coefficients(signal, phases, harmonics) -> np.ndarray:
    """``C_k = mean((x - mean x) exp(-2 pi i k phase)) / mean x`` for each k (relative Fourier terms).

    Relative to the mean, so a slow and a fast dancer who vary their speed alike score alike.

    Parameters
    ----------
    signal : array_like
        Samples ``x`` (a speed curve).
    phases : array_like
        Phase of each sample, in cycles.
    harmonics : sequence of int
        The ``k`` to compute.

    Returns
    -------
    np.ndarray of complex
        One coefficient per harmonic; zeros for an empty or zero-mean signal.
    """
    x = np.asarray(signal, dtype=np.float64)
    mean = float(np.mean(x)) if x.size else 0.0
    if x.size == 0 or mean <= 1e-12:
        return np.zeros(len(harmonics), dtype=complex)
    z = np.exp(-2j * np.pi * np.asarray(phases, dtype=np.float64))
    return np.array([np.mean((x - mean) * z**k) for k in harmonics]) / mean


def modulation_depth(coefficients) -> float:
    """rms of the phase-average profile relative to its mean: ``sqrt(2 sum |C_k|^2)``.

    Parameters
    ----------
    coefficients : array_like of complex
        The relative Fourier terms of :func:`harmonic_coefficients`.

    Returns
    -------
    float
        0 for a flat profile; about 0.71 for a sine that dips to zero speed.
    """
    return float(np.sqrt(2 * np.sum(np.abs(coefficients) ** 2)))


def synchronous_profile(signal, phases, bins: int) -> np.ndarray:
    """Average of a signal in ``bins`` equal phase bins, divided by its overall mean (NaN: empty bin).

    Shows where in the bar the speed dips, for the report.

    Parameters
    ----------
    signal : array_like
        Samples.
    phases : array_like
        Phase of each sample, in [0, 1).
    bins : int
        Bins over one cycle.

    Returns
    -------
    np.ndarray [shape=(bins,)]
    """
    x = np.asarray(signal, dtype=np.float64)
    index = np.minimum((np.asarray(phases) * bins).astype(int), bins - 1)
    total = np.bincount(index, x, minlength=bins)
    count = np.bincount(index, minlength=bins)
    mean = max(float(np.mean(x)), 1e-12) if x.size else 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1) / mean, np.nan)


def clock_ratios(tolerance: float, step: float = CLOCK_STEP) -> np.ndarray:
    """Clock ratios searched: 1 and every ``step`` within +/- ``tolerance``.

    Parameters
    ----------
    tolerance : float
        Largest relative clock error, in [0, 0.5).
    step : float
        Spacing of the ratios.

    Returns
    -------
    np.ndarray
        Increasing ratios, symmetric about 1.

    Raises
    ------
    BeatPhaseError
        ``tolerance`` outside [0, 0.5).
    """
    if tolerance < 0 or tolerance >= 0.5:
        raise BeatPhaseError(f"clock tolerance must be in [0, 0.5), got {tolerance}")
    n = int(round(tolerance / step))
    return 1.0 + step * np.arange(-n, n + 1)


def _scan(speed, times, events, beats, m: int, ratios, anchor: float) -> dict:
    """Every statistic at every clock ratio ``[S]``, with what is needed for phases at the best one."""
    harmonics = np.arange(1, 2 * m + 1)
    bar_only = harmonics[harmonics % m != 0]  # bar harmonics that are not beat harmonics
    out = {name: np.zeros(len(ratios)) for name in STATISTICS}
    coef = np.zeros((len(ratios), len(harmonics)), dtype=complex)
    ev_phase = np.zeros(len(ratios))
    ev_bar_phase = np.zeros(len(ratios))
    for i, s in enumerate(ratios):
        valid, _, bar = beat_phase(anchor + (times - anchor) * s, beats, m)
        if valid.sum() >= 2:
            coef[i] = harmonic_coefficients(speed[valid], bar[valid], harmonics)
            out["speed"][i] = modulation_depth(coef[i])
            out["speed_beat"][i] = modulation_depth(coef[i, m - 1:m])
        if len(events):
            ok, ph, bar_ev = beat_phase(anchor + (events - anchor) * s, beats, m)
            out["events_beat"][i], ev_phase[i] = circular_mean(ph[ok])
            if ok.any() and len(bar_only):
                resultants = np.exp(2j * np.pi * np.outer(bar_ev[ok], bar_only)).mean(axis=0)
                out["events_bar"][i] = float(np.sqrt(np.mean(np.abs(resultants) ** 2)))
                ev_bar_phase[i] = float(np.angle(resultants[0]) / (2 * np.pi) % 1.0)
    out["_coef"], out["_events_beat_phase"], out["_events_bar_phase"] = coef, ev_phase, ev_bar_phase
    return out


def extend_grid(beats, start: float, stop: float) -> np.ndarray:
    """The grid continued at its median interval so that it covers [start, stop] (for null grids).

    Parameters
    ----------
    beats : array_like
        Increasing beat times (at least two).
    start, stop : float
        The span to cover, in seconds.

    Returns
    -------
    np.ndarray
        The beats with extra beats before and after (at least one on each side).
    """
    beats = np.asarray(beats, dtype=np.float64)
    step = float(np.median(np.diff(beats)))
    before = beats[0] - step * np.arange(max(0, int(np.ceil((beats[0] - start) / step)) + 1), 0, -1)
    after = beats[-1] + step * np.arange(1, max(0, int(np.ceil((stop - beats[-1]) / step))) + 2)
    return np.concatenate([before, beats, after])


def stretched_grids(beats, anchor: float, stop: float, n: int, rng: np.random.Generator,
                    clock_tolerance: float = CLOCK_TOLERANCE, stretch=NULL_STRETCH) -> list[np.ndarray]:
    """``n`` null grids: the beats stretched about ``anchor`` by tolerance + ``stretch`` (either way), shifted.

    The grid is first continued (:func:`extend_grid`) so every null grid covers the motion.

    Parameters
    ----------
    beats : array_like
        The song's beat times.
    anchor : float
        Time the stretch is about (the motion's first sample).
    stop : float
        The motion's last time.
    n : int
        Grids to make.
    rng : np.random.Generator
        Source of the stretches, directions and shifts.
    clock_tolerance : float
        The clock search's reach, which every stretch goes beyond.
    stretch : (float, float)
        Range of the stretch beyond the tolerance.

    Returns
    -------
    list of np.ndarray
    """
    beats = np.asarray(beats, dtype=np.float64)
    period = float(np.median(np.diff(beats)))
    reach = anchor + (stop - anchor) * (1 + clock_tolerance)
    base = extend_grid(beats, anchor - 2 * period, anchor + 2.0 * (reach - anchor) + 2 * period)
    lo, hi = clock_tolerance + stretch[0], clock_tolerance + stretch[1]
    grids = []
    for _ in range(n):
        factor = 1 + rng.uniform(lo, hi) * rng.choice((-1.0, 1.0))
        grids.append(anchor + (base - anchor) * factor + rng.uniform(0, period))
    return grids


@dataclass
class LockingStat:
    """One statistic: observed value (best clock), the clock ratio, preferred phase and its null.

    Parameters
    ----------
    value : float
        The statistic, at the clock ratio that maximises it.
    clock : float
        That ratio.
    phase : float or None
        Preferred phase in cycles (None where there is none, e.g. no motion beats).
    null_mean, null_sd : float
        Mean and standard deviation of the statistic over the null grids.
    z : float
        ``(value - null_mean) / null_sd`` (0 when the null does not vary).
    p : float
        ``(1 + #null >= value) / (1 + #null)``.
    """

    value: float
    clock: float
    phase: float | None
    null_mean: float
    null_sd: float
    z: float
    p: float

    @property
    def passed(self) -> bool:
        """Whether ``p < ALPHA``.

        Returns
        -------
        bool
        """
        return self.p < ALPHA


@dataclass
class BeatPhaseResult:
    """The statistics of one motion against one beat grid; ``passed`` is the primary statistic's verdict.

    ``profile``: the bar-synchronous average speed (4 bins a beat, relative to the mean) at the
    primary statistic's best clock; ``phase`` of a speed statistic is where the speed dips.

    Parameters
    ----------
    stats : dict of str to LockingStat
        One entry per name of ``STATISTICS``.
    beats_per_bar : int
        The bar tested.
    clock_tolerance : float
        The clock search's reach.
    n_null : int
        Null grids used.
    seconds : float
        Span of the motion tested.
    motion_beats : int
        Motion beats in that span.
    music_beats : int
        Music beats in that span.
    profile : list of float
        The bar-synchronous speed profile (NaN for an empty bin).
    """

    stats: dict[str, LockingStat]
    beats_per_bar: int
    clock_tolerance: float
    n_null: int
    seconds: float
    motion_beats: int
    music_beats: int
    profile: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """The verdict of the primary statistic (``PRIMARY``).

        Returns
        -------
        bool
        """
        return self.stats[PRIMARY].passed

    def to_dict(self) -> dict:
        """Plain data for JSON reports: every statistic with its verdict, NaN profile bins as None.

        Returns
        -------
        dict
        """
        out = asdict(self)
        out["passed"] = self.passed
        for name, stat in self.stats.items():
            out["stats"][name]["passed"] = stat.passed
        out["profile"] = [None if not np.isfinite(v) else round(float(v), 4) for v in self.profile]
        return out


def beat_phase_locking(speed, times, beats, beats_per_bar: int, events=None, *,
                       clock_tolerance: float = CLOCK_TOLERANCE, null_grids=None, n_null: int = N_NULL,
                       seed: int = 0) -> BeatPhaseResult:
    """Test a speed curve (and its motion beats ``events``) for locking to ``beats`` (see the module doc).

    ``times``: the song time of each speed sample. ``null_grids``: beat grids to use as the null
    instead of ``n_null`` stretched copies of ``beats`` (e.g. other songs' beats moved to this span).

    Parameters
    ----------
    speed : array_like
        Motion speed samples (at least 4).
    times : array_like
        Song time of each sample, in seconds.
    beats : array_like
        Music beat times (see :func:`check_beats`); at least ``MIN_BEATS`` under the motion.
    beats_per_bar : int
        Beats in a bar (the meter).
    events : array_like, optional
        Motion beat times; without them the event statistics are 0.
    clock_tolerance : float
        Reach of the clock search; 0 for motion with an exact clock (generated).
    null_grids : sequence of array_like, optional
        Beat grids for the null, instead of stretched copies of ``beats``.
    n_null : int
        Stretched null grids to draw when ``null_grids`` is None.
    seed : int
        Seeds those draws.

    Returns
    -------
    BeatPhaseResult

    Raises
    ------
    BeatPhaseError
        Inputs that cannot be tested (too short, not finite, too few beats under the motion).
    """
    beats = check_beats(beats)
    speed = np.asarray(speed, dtype=np.float64).ravel()
    times = np.asarray(times, dtype=np.float64).ravel()
    events = np.zeros(0) if events is None else np.asarray(events, dtype=np.float64).ravel()
    if len(speed) != len(times) or len(speed) < 4:
        raise BeatPhaseError(f"need one time per speed sample and at least 4 samples, got {len(speed)}, {len(times)}")
    if not (np.all(np.isfinite(speed)) and np.all(np.isfinite(times)) and np.all(np.isfinite(events))):
        raise BeatPhaseError("speed, times and motion beats must be finite")
    if int(beats_per_bar) < 1:
        raise BeatPhaseError(f"beats per bar must be at least 1, got {beats_per_bar}")
    m = int(beats_per_bar)
    speed = np.minimum(speed, np.percentile(speed, SPEED_CAP_PERCENTILE))
    covered = int(np.sum((beats >= times[0]) & (beats <= times[-1])))
    if covered < MIN_BEATS:
        raise BeatPhaseError(f"only {covered} music beats under the motion ({times[0]:.1f}-{times[-1]:.1f} s); "
                             f"need {MIN_BEATS}")
    ratios = clock_ratios(clock_tolerance)
    anchor = float(times[0])
    observed = _scan(speed, times, events, beats, m, ratios, anchor)
    if null_grids is None:
        rng = np.random.default_rng(seed)
        null_grids = stretched_grids(beats, anchor, float(times[-1]), n_null, rng, clock_tolerance)
    null = {name: [] for name in STATISTICS}
    for grid in null_grids:
        grid = np.asarray(grid, dtype=np.float64)
        if len(grid) < 2 or np.any(np.diff(grid) <= 0):
            raise BeatPhaseError("a null grid is not strictly increasing")
        scan = _scan(speed, times, events, grid, m, ratios, anchor)
        for name in STATISTICS:
            null[name].append(float(scan[name].max()))
    stats = {}
    for name in STATISTICS:
        best = int(np.argmax(observed[name]))
        value = float(observed[name][best])
        values = np.asarray(null[name])
        sd = float(values.std()) if len(values) > 1 else 0.0
        if name == "speed_beat":  # the beat harmonic's phase is where speed peaks; the dip is half a beat on
            c = observed["_coef"][best, m - 1]
            phase = float((-np.angle(c) / (2 * np.pi) + 0.5) % 1.0) if abs(c) > 0 else None
        elif name == "speed":
            phase = None  # filled from the profile below
        else:
            phase = float(observed[f"_{name}_phase"][best]) if len(events) else None
        stats[name] = LockingStat(value, float(ratios[best]), phase, float(values.mean()) if len(values) else 0.0,
                                  sd, float((value - values.mean()) / sd) if sd > 0 else 0.0,
                                  float((1 + np.sum(values >= value)) / (1 + len(values))))
    best = stats[PRIMARY].clock
    valid, _, bar = beat_phase(anchor + (times - anchor) * best, beats, m)
    profile = synchronous_profile(speed[valid], bar[valid], 4 * m)
    if np.any(np.isfinite(profile)):
        stats[PRIMARY].phase = float((np.nanargmin(profile) + 0.5) / len(profile))
    span = (times[0], times[-1])
    return BeatPhaseResult(stats, m, float(clock_tolerance), len(null_grids), float(times[-1] - times[0]),
                           int(np.sum((events >= span[0]) & (events <= span[1]))), covered, profile.tolist())


def clip_beat_phase(clip: MotionClip, beats, beats_per_bar: int, joints=None, **options) -> BeatPhaseResult:
    """:func:`beat_phase_locking` of a clip's mean joint speed and motion beats (song clock) against ``beats``.

    ``joints`` as in :func:`dancekit.motion.beats.motion_speed` (``TANG_FEET``: the steps only).

    Parameters
    ----------
    clip : MotionClip
        The motion, its ``start_s`` on the song's clock.
    beats : array_like
        The song's beat times, in seconds.
    beats_per_bar : int
        Beats in a bar.
    joints : sequence of int, optional
        Joints whose speed counts; all by default.
    **options
        Passed to :func:`beat_phase_locking` (``clock_tolerance``, ``null_grids``, ``n_null``, ``seed``).

    Returns
    -------
    BeatPhaseResult
    """
    speed = motion_speed(clip, joints=joints)
    times = clip.start_s + np.arange(len(speed)) / clip.fps
    return beat_phase_locking(speed, times, beats, beats_per_bar, motion_beats(clip, joints=joints), **options)


def capture_clock(clip: MotionClip, beats, beats_per_bar: int, joints=None, *, tolerance: float = CLOCK_TOLERANCE,
                  n_null: int = 100, alpha: float = 0.05, seed: int = 0) -> float | None:
    """The clock ratio that puts a danced capture back on its music's bars, or None where the
    dancer's bar-synchronous speed is not significant (p >= ``alpha``) and the clock is a guess.

    Feed it to :meth:`MotionClip.retimed` before training on the capture.

    Parameters
    ----------
    clip, beats, beats_per_bar, joints
        As in :func:`clip_beat_phase` (``clip`` a captured dance).
    tolerance : float
        Largest clock error searched.
    n_null : int
        Null grids of the significance test.
    alpha : float
        Significance level.
    seed : int
        Seeds the null grids.

    Returns
    -------
    float or None
        Song seconds per nominal capture second (as :meth:`MotionClip.retimed` takes it), or None
        when the capture does not lock to the music.
    """
    result = clip_beat_phase(clip, beats, beats_per_bar, joints=joints, clock_tolerance=tolerance, n_null=n_null,
                             seed=seed)
    stat = result.stats[PRIMARY]
    return stat.clock if stat.p < alpha else None
