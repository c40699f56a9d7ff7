"""End to end on generated audio with a tiny model trained inside the tests (see toy_audio.py).

If training, segmentation or aggregation were broken, held-out recordings would not be recognised.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch
from toy_audio import CLASSES, SR, toy_recording

from dancekit.features import DANCE_CNN_MEL, build_frontend
from dancekit.inference import Identifier
from dancekit.inference.segments import segment_starts
from dancekit.inference.tempo_prior import fuse


@pytest.mark.parametrize("label", [0, 1])
def test_held_out_recordings_are_identified_from_files(toy_model, tmp_path, label):
    path = tmp_path / f"toy{label}.wav"
    sf.write(path, toy_recording(label, 30.0, seed=100 + label), SR)
    result = Identifier(toy_model).identify(path)
    assert result.label == CLASSES[label]
    assert result.confidence > 0.8
    assert result.status == "ok"
    assert len(result.segment_starts_s) == len(segment_starts(1 + 30 * SR // 512, 224, 200))


def test_offline_result_equals_reference_and_live_increments(toy_model):
    """Offline identify == full spectrogram + every segment + mean == live session in small chunks."""
    y = toy_recording(0, 40.0, seed=7)
    identifier = Identifier(toy_model)
    offline = identifier.identify(y, sample_rate=SR, rhythm=False)

    frontend = build_frontend(DANCE_CNN_MEL)
    with torch.inference_mode():
        mel = frontend(torch.from_numpy(y))
        starts = segment_starts(mel.shape[-1], 224, 200)
        segments = torch.stack([mel[:, s : s + 224] for s in starts])
        reference = torch.softmax(toy_model.network(segments), dim=-1).numpy()
    np.testing.assert_allclose(offline.segment_probabilities, reference, atol=1e-5)
    np.testing.assert_allclose(offline.probabilities, reference.mean(axis=0), atol=1e-5)

    live = identifier.session(rhythm=False)
    running = []
    for i in range(0, y.size, 4096):  # microphone-sized chunks
        if len(live.push(y[i : i + 4096])):
            running.append(live.probabilities.copy())
    final = live.result()
    np.testing.assert_allclose(final.probabilities, offline.probabilities, atol=1e-5)
    np.testing.assert_allclose(running[-1], offline.probabilities, atol=1e-5)
    assert len(running) == len(starts)  # the live result updated once per new segment


def test_stride_changes_the_number_of_segments(toy_model):
    y = toy_recording(1, 30.0, seed=3)
    identifier = Identifier(toy_model)
    dense = identifier.identify(y, sample_rate=SR, stride=50, rhythm=False)
    sparse = identifier.identify(y, sample_rate=SR, stride=200, rhythm=False)
    assert len(dense.segment_starts_s) > 3 * len(sparse.segment_starts_s)
    assert dense.label == sparse.label == CLASSES[1]
    with pytest.raises(ValueError, match="stride"):
        identifier.identify(y, sample_rate=SR, stride=-3)


def test_options_are_per_call_on_one_identifier(toy_model):
    """One Identifier serves every switch combination; each call's options alone decide its answer."""
    y = toy_recording(0, 30.0, seed=13)
    identifier = Identifier(toy_model)
    fused = identifier.identify(y, sample_rate=SR)
    network_only = identifier.identify(y, sample_rate=SR, tempo_prior=False)
    no_tempo = identifier.identify(y, sample_rate=SR, rhythm=False)
    assert fused.rhythm is not None and network_only.rhythm is not None and no_tempo.rhythm is None
    np.testing.assert_allclose(network_only.probabilities, network_only.network_probabilities)
    np.testing.assert_allclose(no_tempo.probabilities, fused.network_probabilities, atol=1e-6)
    np.testing.assert_array_equal(fused.probabilities, fuse(fused.network_probabilities, CLASSES, fused.rhythm))
    again = identifier.identify(y, sample_rate=SR)
    np.testing.assert_array_equal(again.probabilities, fused.probabilities)  # no state left by other calls


def test_segment_times_come_from_the_identifier(toy_model):
    identifier = Identifier(toy_model)
    result = identifier.identify(toy_recording(1, 12.0, seed=4), sample_rate=SR, rhythm=False, stride=100)
    assert result.segment_length_s == identifier.segment_seconds == pytest.approx(224 * 512 / SR)
    np.testing.assert_allclose(result.segment_starts_s, np.arange(len(result.segment_starts_s)) * 100 * 512 / SR)


def test_short_and_silent_recordings_are_reported(toy_model):
    identifier = Identifier(toy_model)
    short = identifier.identify(toy_recording(0, 2.0, seed=5), sample_rate=SR, rhythm=False)
    assert short.status == "short" and len(short.segment_starts_s) == 1
    assert any("shorter than one" in w for w in short.warnings)
    silent = identifier.identify(np.zeros(SR * 10, np.float32), sample_rate=SR, rhythm=False)
    assert silent.status == "no_music" and silent.label is None
    assert silent.to_dict()["top"] == []


def test_result_json_is_serialisable_and_names_the_model(toy_model):
    import json

    result = Identifier(toy_model).identify(toy_recording(0, 20.0, seed=9), sample_rate=SR)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["model"]["name"] == "toy"
    assert abs(sum(data["probabilities"].values()) - 1) < 1e-4
    assert data["segments"]["probabilities"] and data["tempo"]["tempo_bpm"] > 0


def test_tempo_in_the_result_is_the_rhythm_modules_answer_on_the_same_audio(toy_model):
    from dancekit.rhythm import analyze

    y = toy_recording(0, 30.0, seed=11)
    result = Identifier(toy_model).identify(y, sample_rate=SR)
    direct = analyze(y, SR)
    assert result.rhythm.tempo_bpm == pytest.approx(direct.tempo_bpm, rel=1e-3)
    assert result.rhythm.beats_per_bar == direct.beats_per_bar
    assert 85 < result.rhythm.tempo_bpm < 96  # the toy waltz is played at 90 BPM +- 5 %


def test_weak_evidence_is_reported_as_not_sure(toy_model):
    result = Identifier(toy_model).identify(toy_recording(0, 20.0, seed=21), sample_rate=SR, rhythm=False)
    assert result.sure
    result.probabilities = np.array([0.55, 0.45])
    assert not result.sure
    assert result.describe() == "not sure: Toy Waltz (55%) or Toy Jive (45%)?"
    assert result.to_dict()["sure"] is False
