"""Tempo, beats and meter on synthetic click tracks of known tempo and meter, and bad input."""

import librosa
import numpy as np
import pytest

from dancekit.errors import AudioError, EmptyAudioError
from dancekit.features import DANCE_CNN_MEL, NumpyFrontEnd
from dancekit.rhythm import analyze, mel_db, onset_envelope

SR = 22050


def click_track(bpm, beats_per_bar, seconds=30.0, sr=SR):
    """Clicks on every beat; the downbeat is louder and lower, as a bar's first beat usually is."""
    period = 60.0 / bpm
    times = np.arange(0.25, seconds - 0.2, period)
    y = np.zeros(int(seconds * sr), dtype=np.float32)
    for i, t in enumerate(times):
        down = i % beats_per_bar == 0
        click = librosa.clicks(times=[0.0], sr=sr, click_freq=660.0 if down else 1320.0, click_duration=0.08)
        click = (1.0 if down else 0.35) * click
        start = int(t * sr)
        y[start : start + len(click)] += click[: len(y) - start]
    return y, times


@pytest.mark.parametrize("bpm, beats_per_bar", [(87, 3), (128, 4), (176, 3), (104, 4)])
def test_click_track_tempo_and_meter(bpm, beats_per_bar):
    y, times = click_track(bpm, beats_per_bar)
    r = analyze(y, SR)
    assert r.tempo_bpm == pytest.approx(bpm, rel=0.02)
    assert r.beats_per_bar == beats_per_bar
    assert 0.5 < r.meter_confidence <= 1.0
    # Every tracked beat lies on a click (within 70 ms), and most clicks are found.
    nearest = np.min(np.abs(r.beats[:, None] - times[None, :]), axis=1)
    assert np.all(nearest < 0.07)
    assert len(r.beats) >= 0.8 * len(times)


def test_analyze_resamples_and_downmixes():
    y, _ = click_track(128, 4, seconds=20.0, sr=44100)
    r = analyze(np.stack([y, y]), 44100)
    assert r.tempo_bpm == pytest.approx(128, rel=0.02)


def test_onset_envelope_of_audio_or_spectrogram_matches_librosa():
    y, _ = click_track(100, 4, seconds=8.0)
    y = y + 0.01 * np.random.default_rng(0).standard_normal(len(y)).astype(np.float32)
    expected = librosa.onset.onset_strength(y=y, sr=SR, n_mels=224)
    np.testing.assert_allclose(onset_envelope(S=mel_db(y)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(onset_envelope(y), expected, rtol=1e-5, atol=1e-5)


def test_rhythm_reads_the_dance_classifiers_spectrogram():
    """One mel: what rhythm computes from audio is identification's CPU front end's output, bit for bit."""
    y, _ = click_track(100, 4, seconds=6.0)
    np.testing.assert_array_equal(mel_db(y), NumpyFrontEnd(DANCE_CNN_MEL)(y))


def test_analyze_of_audio_spectrogram_or_envelope_agree():
    y, _ = click_track(87, 3)
    spec = mel_db(y)
    a = analyze(y, SR)
    b = analyze(S=spec, sr=SR, hop_length=512)
    c = analyze(onset_envelope=onset_envelope(S=spec), S=spec, sr=SR, hop_length=512)
    for other in (b, c):
        assert other.tempo_bpm == a.tempo_bpm and other.beats_per_bar == a.beats_per_bar
        np.testing.assert_array_equal(a.beats, other.beats)


def test_analyze_needs_some_input():
    with pytest.raises(ValueError, match="give the audio"):
        analyze()
    with pytest.raises(ValueError, match="give the audio"):
        onset_envelope()


def test_silence_has_no_beat():
    r = analyze(np.zeros(SR * 5, dtype=np.float32), SR)
    assert r.tempo_bpm == 0.0 and len(r.beats) == 0
    assert r.describe() == "no steady beat found"


@pytest.mark.parametrize(
    "y, error",
    [
        (np.zeros(0, dtype=np.float32), EmptyAudioError),
        (np.zeros(100, dtype=np.float32), EmptyAudioError),
        (np.full(SR, np.nan, dtype=np.float32), AudioError),
    ],
)
def test_bad_audio_raises_one_line_error(y, error):
    with pytest.raises(error) as info:
        analyze(y, SR)
    assert "\n" not in str(info.value)


def test_bad_onset_envelope_raises():
    with pytest.raises(EmptyAudioError):
        analyze(onset_envelope=np.zeros((3, 3)), sr=SR, hop_length=512)
    with pytest.raises(EmptyAudioError):
        onset_envelope(S=np.zeros(10))
