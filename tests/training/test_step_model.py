"""A step dataset becomes a loadable model folder; a run ships with its held-out scores in the card."""

import json

import numpy as np
import pytest
from step_fixtures import random_songs

from dancekit.models.dance_rnn import load_dance_rnn
from dancekit.training.step_data import STEP_DANCES, write_step_dataset
from dancekit.training.step_model import StepModelError, ship_step_model, train_step_model
from dancekit.training.steps import StepTrainConfig

pytestmark = pytest.mark.usefixtures("one_torch_thread")
D = 4


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("steps")
    meta = {"dances": list(STEP_DANCES), "split": {"DANCE_W_0": "train", "DANCE_W_1": "val", "DANCE_W_2": "train"},
            "normaliser": {"kind": "test"}, "mean_pose": [0.1] * D}
    return write_step_dataset(folder / "steps.npz", random_songs((40, 30, 50), dim=D), meta)


def config(**kw):
    return StepTrainConfig(**{**dict(steps=3, batch_size=2, sequence=10, val_every=2, checkpoint_every=2,
                                     val_sequences=2), **kw})


@pytest.fixture(scope="module")
def run(dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "model"
    result = train_step_model(dataset, out, config(), size="tiny", half=True, progress=False)
    return out, result


def test_training_writes_a_model_that_loads_with_its_card(run):
    out, result = run
    model = load_dance_rnn(out)
    card = json.loads((out / "model.json").read_text())
    assert result.steps_done == 3 and card["training"]["steps_done"] == 3
    assert model.network.conditioned and model.card.classes == list(STEP_DANCES)
    assert card["name"] == "dance_steps_s2s_mc" and card["summary"].startswith("S2S-MC")
    assert card["frontend"]["motion"] == {"fps": 30, "dim": D, "normaliser": {"kind": "test"}, "mean_pose": [0.1] * D}
    assert card["training"]["trained_on"] == ["DANCE_W_0", "DANCE_W_2"]
    assert card["training"]["validated_on"] == ["DANCE_W_1"] and card["training"]["weights_stored_as"] == "float16"
    assert card["metrics"]["val_mse_5db"] == result.best_val_mse
    assert (out / "checkpoint.pt").is_file()


def test_a_run_can_start_from_another_models_weights(dataset, run, tmp_path):
    first, _ = run
    out = tmp_path / "again"
    train_step_model(dataset, out, config(variant="s2s", steps=1), size="tiny", condition=True, init=first,
                     fold_val=True, progress=False)
    card = json.loads((out / "model.json").read_text())
    assert card["name"] == "dance_steps_s2s" and card["training"]["initialised_from"]["steps_done"] == 3
    assert card["training"]["trained_on"] == ["DANCE_W_0", "DANCE_W_1", "DANCE_W_2"]


def test_an_unconditioned_model_knows_no_dances(dataset, tmp_path):
    train_step_model(dataset, tmp_path / "m", config(steps=1), size="tiny", condition=False, progress=False)
    model = load_dance_rnn(tmp_path / "m")
    assert not model.network.conditioned and model.card.classes == []
    assert "dance-conditioned" not in model.card.summary


def test_shipping_records_the_held_out_scores_and_renames(run, tmp_path):
    out, _ = run
    row = {"song": "DANCE_W_9", "dance": "Slow Waltz", "trained": False, "condition": "clean", "f_score": 0.2,
           "f_chance": 0.1, "motion_beats": 30, "seconds": 60.0, "bas": 0.4}
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{**row, "method": "Dancer"}]))
    with pytest.raises(StepModelError, match="no rows of S2S-MC"):
        ship_step_model(out, results, tmp_path / "dance_steps")
    trained = {**row, "method": "S2S-MC", "trained": True, "f_score": 0.9}  # not held out: left out
    results.write_text(json.dumps([{**row, "method": "Dancer"}, {**row, "method": "S2S-MC", "f_score": 0.15},
                                   trained]))
    assert ship_step_model(out, results, tmp_path / "dance_steps") == "S2S-MC"
    card = json.loads((tmp_path / "dance_steps" / "model.json").read_text())
    assert card["name"] == "dance_steps"
    assert card["metrics"]["evaluation"]["S2S-MC"]["clean"] == {"songs": 1, "f_score": 0.15, "f_chance": 0.1,
                                                               "motion_beats_per_min": 30.0, "bas": 0.4}
    assert card["metrics"]["evaluation"]["Dancer"]["clean"]["motion_beats_per_min"] == 30
    assert load_dance_rnn(tmp_path / "dance_steps").card.name == "dance_steps"


def test_a_phase_run_starts_from_a_plain_model_and_needs_beat_grids(dataset, run, tmp_path):
    first, _ = run
    with pytest.raises(StepModelError, match="beat grids"):
        train_step_model(dataset, tmp_path / "no", config(phase=True), size="tiny", progress=False)
    data = random_songs((40, 30, 50), dim=D)
    for s in data:
        n = len(s["motion"])
        s.update(beat_position=np.arange(n) / 15, beat_period=np.full(n, 0.5), beats_per_bar=3, downbeat=0)
    meta = json.loads((first / "model.json").read_text())["frontend"]["motion"]
    beats = write_step_dataset(tmp_path / "beats.npz", data, {"dances": list(STEP_DANCES), "split": {}, **meta})
    out = tmp_path / "phase"
    train_step_model(beats, out, config(variant="s2s", steps=1, phase=True, tempo_range=(0.9, 1.1)), size="tiny",
                     init=first, progress=False)
    card = json.loads((out / "model.json").read_text())
    assert card["architecture_args"]["phase_dim"] == 5 and card["frontend"]["phase"]["names"][0] == "beat_sin"
    assert card["summary"].endswith("beat and bar phase input") and card["training"]["recipe"]["tempo_range"] == [0.9, 1.1]
    assert load_dance_rnn(out).network.config.phase_dim == 5
