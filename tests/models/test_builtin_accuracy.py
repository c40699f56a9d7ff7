"""Regression floors for the shipped models on real audio they never trained on.

A single right answer proves little (a model that always says Slow Waltz recognises a waltz), so
these tests score every held-out recording of the real data, per recording and per class, against
floors set a little under what the shipped models measured. The held-out side comes from each
model's own card, never from a list written here. Recordings are cut the same way the floors were
measured, so the test stays under a minute on two CPU cores.
"""

from collections import defaultdict

import pytest

from dancekit.audio import load
from dancekit.data.gtzan import gtzan_recordings
from dancekit.data.splits import stratified_folds
from dancekit.data.tang import model_tang_sides, tang_recordings
from dancekit.inference import Identifier
from dancekit.models.files import builtin_models

BUILTIN = set(builtin_models())

# The ballroom model on the first 60 s of each Tang song its card keeps out of training (11 songs:
# 2 Cha Cha Cha, 2 Rumba, 1 Tango, 6 Slow Waltz), measured with the full identify pipeline:
# 10 of 11 right (0.909); top-1 recall 1.0 for Cha Cha Cha, Rumba and Slow Waltz, 0.0 for Tango (its
# one unseen song is taken for a Cha Cha Cha, with Tango second); every dance's truth in the top 2.
# Saying "Slow Waltz" to everything would score 0.545, balanced 0.25, and miss two dances' top 2.
TANG_SECONDS = 60.0
MIN_TANG_ACCURACY = 0.80
MIN_TANG_BALANCED_RECALL = 0.70  # mean over dances of top-1 recall; measured 0.75
MIN_TANG_TOP2_RECALL = 0.5  # per dance; measured 1.0 for every dance

# The genre model on the 10 GTZAN-mini clips that chose its epoch (one per genre) and were never
# trained on: 7 of 10 right (0.70). One clip per genre, so the floor also means "at least six genres
# recognised"; a constant answer scores 0.10.
MIN_GENRE_ACCURACY = 0.60


def _recall(rows, hit) -> dict[str, float]:
    """Share of each true class's recordings for which ``hit(row)`` holds."""
    per_class = defaultdict(list)
    for row in rows:
        per_class[row["truth"]].append(hit(row))
    return {label: sum(hits) / len(hits) for label, hits in per_class.items()}


@pytest.fixture(scope="module")
def unseen_tang_answers(shared_data):
    """``(every dance of the Tang data, one row per unseen song)`` from the shipped ballroom model."""

    identifier = Identifier("ballroom")
    recordings = tang_recordings(shared_data / "tang_dance")
    sides = model_tang_sides(identifier.model.card.training, recordings)
    unseen = [r for r in recordings if sides.get(r.group) in ("val", "test")]
    rows = []
    sr = identifier.model.card.frontend["sr"]
    for recording in unseen:
        result = identifier.identify(load(recording.path, sr=sr, duration=TANG_SECONDS), sample_rate=sr)
        rows.append({"song": recording.group, "truth": recording.label, "top2": [lab for lab, _ in result.top(2)]})
    return {r.label for r in recordings}, rows


@pytest.mark.skipif("ballroom" not in BUILTIN, reason="the default dance model is not installed")
def test_ballroom_model_scores_every_real_dance_on_songs_it_never_trained_on(unseen_tang_answers):
    dances, rows = unseen_tang_answers
    assert {row["truth"] for row in rows} == dances, "every dance of the real data has an unseen song"
    accuracy = sum(row["top2"][0] == row["truth"] for row in rows) / len(rows)
    top1 = _recall(rows, lambda row: row["top2"][0] == row["truth"])
    top2 = _recall(rows, lambda row: row["truth"] in row["top2"])
    answers = {row["song"]: row["top2"] for row in rows}
    assert accuracy >= MIN_TANG_ACCURACY, answers
    assert sum(top1.values()) / len(top1) >= MIN_TANG_BALANCED_RECALL, (top1, answers)
    assert min(top2.values()) >= MIN_TANG_TOP2_RECALL, (top2, answers)


@pytest.mark.skipif("genre" not in BUILTIN, reason="the genre model is not installed")
def test_genre_model_scores_gtzan_clips_it_never_trained_on(shared_data):

    identifier = Identifier("genre")
    card = identifier.model.card
    recordings = gtzan_recordings(shared_data / "gtzan_mini")
    assert len(recordings) == card.training["train_clips"] + card.training["validation_clips"]
    # recipes/genre_gtzan.py ship: fold 0's test part of the card's stratified folds picks the epoch,
    # the other 90 clips train; the card records the fold count, seed and clip counts
    folds = stratified_folds(recordings, card.metrics["cross_validation"]["folds"], seed=card.training["seed"])
    held_out = folds[0].test
    assert len(held_out) == card.training["validation_clips"]
    assert {r.label for r in held_out} == set(card.classes), "one held-out clip per genre"
    answers = {r.group: identifier.identify(r.path, rhythm=False, tempo_prior=False).label for r in held_out}
    accuracy = sum(answers[r.group] == r.label for r in held_out) / len(held_out)
    assert accuracy >= MIN_GENRE_ACCURACY, answers
