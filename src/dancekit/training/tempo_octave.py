"""Fit the tempo-octave scorer where exact tempi exist, and measure it by held-out folds.

Why these data: synthetic songs carry the tempo a dancer counts exactly (MMA renders the MIDI at
the dance's tempo: a quickstep at 200, a samba at 100), and the annotated GTZAN clips carry real
production, with tempi tapped by people. Training on both keeps the scorer from learning either
world alone. A recording whose tempo is not among its candidates teaches nothing and is left out.
GTZAN figures are reported by K-fold over clips (:func:`cross_validate_octave`), never on clips the
scorer was fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from dancekit.rhythm.octave_model import OctaveModel
from dancekit.rhythm.tempo_candidates import FEATURE_NAMES, TempoCandidates

#: A candidate within this relative distance of the reference tempo is "the right one" (Acc1's 4 %).
MATCH_TOLERANCE = 0.04
#: Hidden units of the scorer (a linear model when 0).
HIDDEN_UNITS = 16
#: L2 penalty of the scorer.
ALPHA = 1e-2
#: Networks averaged (different seeds and resamples); their mean logit is again one two-layer network.
MEMBERS = 5


@dataclass
class OctaveExample:
    """One recording's candidates and its reference tempo.

    Parameters
    ----------
    candidates : TempoCandidates
    reference_bpm : float
        The tempo a dancer (or an annotator) counts.
    source : str
        Which data it comes from (e.g. ``"synthetic"``, ``"gtzan"``).
    name : str
        The recording, for reports.
    weight : float
        Its weight in the fit.
    """

    candidates: TempoCandidates
    reference_bpm: float
    source: str
    name: str
    weight: float = 1.0


@dataclass
class OctaveFold:
    """Held-out answers of one cross-validation run.

    Parameters
    ----------
    names : list of str
    chosen_bpm : list of float
    reference_bpm : list of float
    confidence : list of float
    scores : list of np.ndarray
        The scorer's raw scores of each recording's candidates.
    right : list of int
        Index of the candidate matching the reference (-1 when none does).
    """

    names: list = field(default_factory=list)
    chosen_bpm: list = field(default_factory=list)
    reference_bpm: list = field(default_factory=list)
    confidence: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    right: list = field(default_factory=list)


def candidate_labels(candidates: TempoCandidates, reference_bpm: float) -> np.ndarray:
    """Which candidates lie within ``MATCH_TOLERANCE`` of the reference.

    Parameters
    ----------
    candidates : TempoCandidates
    reference_bpm : float

    Returns
    -------
    np.ndarray
        ``[K]`` booleans.
    """
    if len(candidates.bpm) == 0 or reference_bpm <= 0:
        return np.zeros(len(candidates.bpm), dtype=bool)
    return np.abs(np.log(candidates.bpm / reference_bpm)) <= np.log1p(MATCH_TOLERANCE)


def fit_octave_model(examples: Sequence[OctaveExample], hidden: int = HIDDEN_UNITS, alpha: float = ALPHA,
                     seed: int = 0, members: int = MEMBERS, info: dict | None = None) -> OctaveModel:
    """Fit the candidate scorer: each candidate row is a positive when it is the reference tempo.

    Parameters
    ----------
    examples : sequence of OctaveExample
    hidden : int
        Hidden units (0: logistic regression).
    alpha : float
        L2 penalty.
    seed : int
        Initialisation seed.
    members : int
        Networks of different seeds whose logits are averaged (hidden > 0 only).
    info : dict, optional
        Stored in the model (data, split, figures).

    Returns
    -------
    OctaveModel

    Raises
    ------
    ValueError
        When no example has its reference among its candidates.
    """
    from sklearn.linear_model import LogisticRegression  # scikit-learn only where a scorer is fitted
    from sklearn.neural_network import MLPClassifier

    rows, targets, weights = [], [], []
    for ex in examples:
        labels = candidate_labels(ex.candidates, ex.reference_bpm)
        if not labels.any():
            continue
        rows.append(ex.candidates.features)
        targets.append(labels)
        weights.append(np.full(len(labels), ex.weight))
    if not rows:
        raise ValueError("no recording has its reference tempo among its candidates")
    x, y, w = np.vstack(rows), np.concatenate(targets), np.concatenate(weights)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    if hidden:
        nets = [_resampled_fit(MLPClassifier((hidden,), alpha=alpha, max_iter=3000, random_state=seed + m), z, y, w,
                               seed + m) for m in range(max(members, 1))]
        layers = _averaged_network(nets)
    else:
        net = LogisticRegression(C=1.0 / max(alpha, 1e-9), max_iter=5000).fit(z, y, sample_weight=w)
        layers = [(net.coef_.T.copy(), net.intercept_.copy())]
    return OctaveModel(mean, scale, layers, FEATURE_NAMES, dict(info or {}))


def _averaged_network(nets) -> list:
    """Several one-hidden-layer networks as one wider network whose logit is their mean logit."""
    w1 = np.hstack([n.coefs_[0] for n in nets])
    b1 = np.concatenate([n.intercepts_[0] for n in nets])
    w2 = np.vstack([n.coefs_[1] for n in nets]) / len(nets)
    b2 = np.mean([n.intercepts_[1] for n in nets], axis=0)
    return [(w1, b1), (w2, b2)]


def _resampled_fit(net, z: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int):
    """Fit a model without sample weights by drawing rows in proportion to their weight."""
    if np.allclose(w, w[0]):
        return net.fit(z, y)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(z), size=len(z), p=w / w.sum())
    return net.fit(z[idx], y[idx])


def choose(model: OctaveModel, candidates: TempoCandidates) -> tuple[float, float]:
    """The candidate the scorer believes most, and its probability.

    Parameters
    ----------
    model : OctaveModel
    candidates : TempoCandidates

    Returns
    -------
    (float, float)
        Tempo (0.0 without candidates) and confidence.
    """
    p = model.posterior(candidates)
    if len(p) == 0:
        return 0.0, 0.0
    k = int(np.argmax(p))
    return float(candidates.bpm[k]), float(p[k])


def cross_validate_octave(held: Sequence[OctaveExample], always: Sequence[OctaveExample], folds: int = 10,
                          seed: int = 0, **fit_args) -> OctaveFold:
    """K-fold over ``held``: each fold's scorer is fitted on ``always`` plus the other folds.

    Parameters
    ----------
    held : sequence of OctaveExample
        Recordings to report (e.g. GTZAN clips); each is answered once by a scorer that never saw it.
    always : sequence of OctaveExample
        Recordings every fold trains on (e.g. synthetic songs).
    folds : int
    seed : int
        Fold assignment and initialisation.
    **fit_args
        Passed to :func:`fit_octave_model`.

    Returns
    -------
    OctaveFold
    """
    order = np.random.default_rng(seed).permutation(len(held))
    out = OctaveFold()
    for k in range(folds):
        test = [held[i] for i in order[k::folds]]
        train = [held[i] for j in range(folds) if j != k for i in order[j::folds]]
        model = fit_octave_model(list(always) + train, seed=seed, **fit_args)
        for ex in test:
            bpm, conf = choose(model, ex.candidates)
            out.names.append(ex.name)
            out.chosen_bpm.append(bpm)
            out.reference_bpm.append(ex.reference_bpm)
            out.confidence.append(conf)
            labels = candidate_labels(ex.candidates, ex.reference_bpm)
            out.scores.append(model.scores(ex.candidates.features) if len(labels) else np.zeros(0))
            out.right.append(int(np.argmax(labels)) if labels.any() else -1)
    return out


def fit_temperature(folds: OctaveFold, grid: np.ndarray = np.geomspace(0.25, 40.0, 200)) -> float:
    """The temperature that makes held-out octave probabilities honest (least negative log-likelihood).

    Parameters
    ----------
    folds : OctaveFold
        Held-out scores, e.g. from :func:`cross_validate_octave`.
    grid : np.ndarray
        Temperatures tried.

    Returns
    -------
    float
        1.0 when no held-out recording has its reference among its candidates.
    """
    pairs = [(s, k) for s, k in zip(folds.scores, folds.right) if k >= 0 and len(s) > 1]
    if not pairs:
        return 1.0

    def nll(t: float) -> float:
        total = 0.0
        for s, k in pairs:
            z = s / t
            total += float(np.log(np.exp(z - z.max()).sum()) + z.max() - z[k])
        return total

    return float(grid[int(np.argmin([nll(t) for t in grid]))])


def recording_evidence(path, start_s: float = 0.0, stop_s: float | None = None):
    """Candidate evidence of one audio file (or an excerpt), as identification would compute it.

    Parameters
    ----------
    path : path
        An audio file any dancekit decoder reads.
    start_s, stop_s : float
        The excerpt, in seconds (``stop_s`` None: to the end).

    Returns
    -------
    CandidateEvidence
    """
    from dancekit.audio import load  # decoding and the mel front end only where evidence is computed
    from dancekit.rhythm.onsets import HOP_LENGTH, SR, mel_db, onset_envelope
    from dancekit.rhythm.tempo_candidates import candidate_evidence

    y = load(path, sr=SR)
    y = y[int(start_s * SR): None if stop_s is None else int(stop_s * SR)]
    S = mel_db(y)
    return candidate_evidence(onset_envelope(S=S), SR, HOP_LENGTH, S=S)


def evidence_table(jobs: Sequence[tuple], workers: int = 1, progress: bool = False) -> list:
    """:func:`recording_evidence` of many ``(path, start_s, stop_s)`` jobs, in order, over processes.

    Parameters
    ----------
    jobs : sequence of tuple
    workers : int
        Processes (1: in this process).
    progress : bool
        Show a progress bar.

    Returns
    -------
    list of CandidateEvidence
    """
    from concurrent.futures import ProcessPoolExecutor

    from tqdm import tqdm

    if workers <= 1:
        return [recording_evidence(*job) for job in tqdm(jobs, disable=not progress, unit="file")]
    with ProcessPoolExecutor(workers) as pool:
        return list(tqdm(pool.map(recording_evidence, *zip(*jobs), chunksize=4), total=len(jobs),
                         disable=not progress, unit="file"))


def octave_accuracy(chosen: Sequence[float], reference: Sequence[float]) -> dict:
    """Acc1 (the reference octave within 4 %) and Acc2 (also x2, x3, x1/2, x1/3) of chosen tempi.

    Parameters
    ----------
    chosen, reference : sequence of float

    Returns
    -------
    dict
        ``{"n", "acc1", "acc2"}``.
    """
    from dancekit.evaluation.rhythm_metrics import tempo_acc1, tempo_acc2  # one definition of the metrics

    pairs = list(zip(chosen, reference))
    return {"n": len(pairs),
            "acc1": float(np.mean([tempo_acc1(c, r) for c, r in pairs])) if pairs else float("nan"),
            "acc2": float(np.mean([tempo_acc2(c, r) for c, r in pairs])) if pairs else float("nan")}
