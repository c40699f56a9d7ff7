"""Real-audio accuracy pooled over a K-fold rotation of the Tang songs, each song tested once.

Why by fold model: the shipped model trained on most Tang songs, so its own answers on them say
nothing; each fold model (``recipes/default_dance.py --tang-folds K --tang-fold I``) names in its
card the songs it never saw (``training.tang_sides``), and each of those is identified with the
full pipeline and scored with the network alone and with the tempo and meter prior. The pooled
figures can be recorded in the shipped model's card (``metrics.tang_crossval``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from dancekit.data.tang import tang_recordings
from dancekit.errors import DancekitError
from dancekit.evaluation.fusion_weights import labels_by_fusion_weights
from dancekit.inference.pipeline import Identifier
from dancekit.inference.result import IdentifyResult
from dancekit.inference.tempo_prior import fuse
from dancekit.models.card import ModelCard, read_card, update_card


def held_out_songs(card: ModelCard, songs: Iterable[str] = ()) -> list[str]:
    """The Tang songs a model never saw: its card's ``training.tang_sides`` test side.

    A model whose card records that it trained on no Tang data at all (``training.data.tang`` is
    null) never saw any Tang song, so every one of ``songs`` is held out: that is how a network
    trained on synthetic music alone is tested on all the real songs.

    Parameters
    ----------
    card : ModelCard
        The fold model's card.
    songs : iterable of str
        Every song folder name of the Tang collection (used only for a model trained without Tang).

    Returns
    -------
    list of str
        Song folder names, sorted.
    """
    sides = card.training.get("tang_sides") or {}
    if sides:
        return sorted(song for song, side in sides.items() if side == "test")
    data = card.training.get("data") or {}
    if "tang" in data and data["tang"] is None:
        return sorted(songs)
    raise DancekitError(f"model {card.name!r} records no Tang split (train it with --tang-folds)")


def answer_row(result: IdentifyResult, classes: list[str], song: str, truth: str, model: str) -> dict:
    """One held-out song's answers: network alone, fused, and under each fusion weighting.

    Parameters
    ----------
    result : IdentifyResult
        The full pipeline's answer for the song.
    classes : list of str
        The model's classes.
    song, truth, model : str
        Song folder name, its dance, and the fold model's name.

    Returns
    -------
    dict
        ``network`` and ``fused`` answers with their top-2, top probability and all probabilities;
        tempo and bar length found; ``weights`` (weighting -> answer).
    """
    rhythm = result.rhythm
    row = {"model": model, "song": song, "truth": truth,
           "tempo_bpm": float(rhythm.tempo_bpm) if rhythm else None,
           "beats_per_bar": int(rhythm.beats_per_bar) if rhythm else None}
    for key, probs in (("network", result.network_probabilities),
                       ("fused", fuse(result.network_probabilities, classes, rhythm))):
        order = np.argsort(-np.asarray(probs))
        row[key], row[f"{key}_top2"] = classes[order[0]], [classes[i] for i in order[:2]]
        row[f"{key}_probability"] = round(float(probs[order[0]]), 4)
        row[f"{key}_probabilities"] = {c: round(float(p), 5) for c, p in zip(classes, probs)}
    row["weights"] = labels_by_fusion_weights(result, classes)
    return row


def identify_held_out(models: list[str | Path], tang_root: str | Path, device: str = "cpu",
                      progress: Callable[[dict], None] | None = None) -> list[dict]:
    """Identify every song each fold model held out (all of them for a model trained without Tang), and score its answers.

    Parameters
    ----------
    models : list of str or Path
        Fold model folders (or names).
    tang_root : str or Path
        The Tang folder of ``DANCE_<C|R|T|W>_<n>`` songs.
    device : str
        Torch device.
    progress : callable, optional
        Called with each row as it is made.

    Returns
    -------
    list of dict
        One ``answer_row`` per held-out song, in model order.
    """
    recordings = {r.group: r for r in tang_recordings(tang_root)}
    rows = []
    for model in models:
        identifier = Identifier(model, device=device)
        for song in held_out_songs(identifier.card, recordings):
            if song not in recordings:
                raise DancekitError(f"song {song} of {model} is not in {tang_root}")
            result = identifier.identify(recordings[song].path)
            row = answer_row(result, identifier.classes, song, recordings[song].label, Path(model).name)
            rows.append(row)
            if progress:
                progress(row)
    return rows


def merged_rows(files: list[Path]) -> list[dict]:
    """The song rows of several per-fold results files, to be pooled.

    Parameters
    ----------
    files : list of Path
        Results files written from ``summarise_crossval`` runs (``{"songs": [...]}``).

    Returns
    -------
    list of dict
    """
    try:
        return [row for f in files for row in json.loads(Path(f).read_text())["songs"]]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DancekitError(f"cannot read per-fold results: {err}") from None


def score_answers(rows: list[dict], key: str) -> dict:
    """Top-1, top-2, per-dance recall and confusion of one kind of answer.

    Parameters
    ----------
    rows : list of dict
        ``answer_row`` rows.
    key : str
        ``"network"`` or ``"fused"``.

    Returns
    -------
    dict
        ``n``, ``top1``, ``top2``, ``per_dance`` (dance -> recall) and ``confusion`` (dance -> answer counts).
    """
    truth = [r["truth"] for r in rows]
    pred = [r[key] for r in rows]
    dances = sorted(set(truth))
    return {"n": len(rows), "top1": float(np.mean([t == p for t, p in zip(truth, pred)])),
            "top2": float(np.mean([r["truth"] in r[f"{key}_top2"] for r in rows])),
            "per_dance": {t: float(np.mean([p == t for tt, p in zip(truth, pred) if tt == t])) for t in dances},
            "confusion": {t: dict(Counter(p for tt, p in zip(truth, pred) if tt == t)) for t in dances}}


def summarise_crossval(rows: list[dict], n_models: int) -> dict:
    """The pooled figures; refuses rows that test one song twice.

    Parameters
    ----------
    rows : list of dict
        ``answer_row`` rows of every fold.
    n_models : int
        How many fold models made them.

    Returns
    -------
    dict
        ``songs``, ``models``, ``network`` and ``fused`` scores (``score_answers``) and, when every row
        has them, ``top1_by_fusion_weights``.
    """
    twice = sorted(s for s, n in Counter(r["song"] for r in rows).items() if n > 1)
    if twice:
        raise DancekitError(f"songs tested by more than one model: {', '.join(twice)}")
    summary = {"songs": len(rows), "models": n_models, "network": score_answers(rows, "network"),
               "fused": score_answers(rows, "fused")}
    if all("weights" in r for r in rows):
        summary["top1_by_fusion_weights"] = {key: float(np.mean([r["weights"][key] == r["truth"] for r in rows]))
                                             for key in rows[0]["weights"]}
    return summary


def record_in_card(model_dir: str | Path, summary: dict) -> None:
    """Put the pooled figures into a model's card (``metrics.tang_crossval``) and its one-line summary.

    Parameters
    ----------
    model_dir : str or Path
        The shipped model's folder (trained on all folds).
    summary : dict
        ``summarise_crossval``'s result.

    Returns
    -------
    None
    """
    card = read_card(model_dir)
    figures = {"about": "Tang songs held out by song: K-fold rotation, each song identified by the fold model "
                        "that never saw it (dancekit.identify, original audio)", **summary}
    update_card(model_dir, metrics={**card.metrics, "tang_crossval": figures},
                summary=f"{card.summary.split('; ')[0]}; cross-validated by song over {summary['songs']} real "
                        f"Tang songs: {summary['fused']['top1']:.0%} top-1 with the tempo prior "
                        f"({summary['network']['top1']:.0%} network alone)")
