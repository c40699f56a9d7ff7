"""The numpy beat tracker finds librosa's beats, frame for frame."""

import librosa
import numpy as np
import pytest

from dancekit.rhythm.beat_dp import beat_frames
from real_envelopes import CLIPS, real_mel_and_envelope


def _librosa_beats(env, bpm, tightness=100.0, trim=True, sr=22050, hop_length=512):
    return librosa.beat.beat_track(onset_envelope=env, sr=sr, hop_length=hop_length, bpm=bpm, tightness=tightness,
                                   trim=trim)[1]


@pytest.mark.parametrize("clip", CLIPS)
def test_beats_are_librosas_at_any_tempo(shared_data, clip):
    _, env = real_mel_and_envelope(shared_data / clip)
    for bpm in (50.0, 87.4, 100.0, 128.9, 176.0, 203.3, 290.0):
        assert np.array_equal(beat_frames(env, 22050, 512, bpm), _librosa_beats(env, bpm)), bpm
    assert np.array_equal(beat_frames(env, 22050, 512, 120.0, tightness=30.0), _librosa_beats(env, 120.0, 30.0))
    assert np.array_equal(beat_frames(env, 22050, 512, 120.0, trim=False), _librosa_beats(env, 120.0, trim=False))
    assert np.array_equal(beat_frames(env, 44100, 256, 96.0), _librosa_beats(env, 96.0, sr=44100, hop_length=256))


def test_a_click_track_is_tracked_on_its_clicks():
    env = np.zeros(1500)
    env[30::26] = 1.0  # 22050 / 512 * 60 / 26 = 99.4 BPM
    beats = beat_frames(env, 22050, 512, 99.4)
    assert np.array_equal(beats, _librosa_beats(env, 99.4))
    assert set(beats.tolist()) <= set(range(30, 1500, 26)) and len(beats) > 50


def test_silence_has_no_beats_and_bad_arguments_are_refused():
    assert beat_frames(np.zeros(500), 22050, 512, 120.0).size == 0
    env = np.random.default_rng(0).random(500)
    with pytest.raises(ValueError):
        beat_frames(env, 22050, 512, 0.0)
    with pytest.raises(ValueError):
        beat_frames(env, 22050, 512, 120.0, tightness=0.0)
    with pytest.raises(ValueError):
        beat_frames(env[None, :], 22050, 512, 120.0)
