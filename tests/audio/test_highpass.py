"""The music-band high-pass without scipy.signal: scipy's design and scipy's output, bit for bit."""

import subprocess
import sys

import numpy as np
import pytest
import scipy.signal

from dancekit.audio.highpass import butter_highpass_sos, sosfilt


@pytest.mark.parametrize("order, cutoff, sr", [(4, 50.0, 22050), (4, 50.0, 16000), (2, 30.0, 44100),
                                               (6, 100.0, 8000), (8, 1000.0, 48000)])
def test_design_is_scipys_butter(order, cutoff, sr):
    theirs = scipy.signal.butter(order, cutoff, btype="highpass", fs=sr, output="sos")
    assert np.array_equal(butter_highpass_sos(order, cutoff, sr), theirs)


def test_filtering_in_chunks_is_scipys_sosfilt():
    x = np.random.default_rng(0).standard_normal(50_001).astype(np.float32)
    sos = butter_highpass_sos(4, 50.0, 22050)
    state, ours = np.zeros((2, 2)), []
    for part in np.array_split(x, 7):
        y, state = sosfilt(sos, part, state)
        ours.append(y)
    theirs, final = scipy.signal.sosfilt(sos, x.astype(np.float64), zi=np.zeros((2, 2)))
    assert np.array_equal(np.concatenate(ours), theirs)
    assert np.array_equal(state, final)


def test_bad_designs_are_refused():
    for args in ((3, 50.0, 22050), (4, 0.0, 22050), (4, 11025.0, 22050)):
        with pytest.raises(ValueError):
            butter_highpass_sos(*args)


def test_filtering_imports_no_scipy_signal():
    code = ("import sys, numpy as np; from dancekit.audio.highpass import butter_highpass_sos, sosfilt; "
            "sosfilt(butter_highpass_sos(4, 50.0, 22050), np.ones(100), np.zeros((2, 2))); "
            "print('scipy.signal' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"
