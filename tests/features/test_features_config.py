import json

import pytest

from dancekit.errors import ModelError
from dancekit.features import BBNN_MEL, DANCE_CNN_MEL, PRCNN_STFT, PRESETS, FrontEndConfig


@pytest.mark.parametrize("config", list(PRESETS.values()), ids=list(PRESETS))
def test_config_json_round_trip(config):
    text = json.dumps(config.to_dict())
    assert FrontEndConfig.from_dict(json.loads(text)) == config


def test_presets_follow_the_papers():
    assert (DANCE_CNN_MEL.sr, DANCE_CNN_MEL.n_fft, DANCE_CNN_MEL.hop_length) == (22050, 2048, 512)
    assert (DANCE_CNN_MEL.n_mels, DANCE_CNN_MEL.fmax, DANCE_CNN_MEL.log) == (224, 11025.0, "db")
    assert (BBNN_MEL.n_mels, BBNN_MEL.n_fft, BBNN_MEL.hop_length) == (128, 2048, 1024)
    assert BBNN_MEL.n_frames(661_794) == 647  # paper 2: 647 x 128 for a GTZAN clip (30.01 s)
    assert (PRCNN_STFT.kind, PRCNN_STFT.n_fft, PRCNN_STFT.hop_length, PRCNN_STFT.n_bins) == ("stft", 1024, 512, 513)
    assert (PRCNN_STFT.power, PRCNN_STFT.log) == (1.0, "none")  # paper 3: absolute value of each FFT frame
    assert all(c.top_db is None for c in PRESETS.values())


def test_frame_count_is_librosas():
    assert DANCE_CNN_MEL.n_frames(22050) == 1 + 22050 // 512
    assert DANCE_CNN_MEL.n_frames(1) == 1
    odd = FrontEndConfig(kind="stft", n_fft=1023, hop_length=256, n_mels=None)
    assert odd.n_frames(1000) == 1 + (1000 + 2 * 511 - 1023) // 256


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({**DANCE_CNN_MEL.to_dict(), "window": "hamming"}, "unknown field"),
        ({**DANCE_CNN_MEL.to_dict(), "kind": "cqt"}, "kind"),
        ({**DANCE_CNN_MEL.to_dict(), "n_mels": 0}, "n_mels"),
        ({**DANCE_CNN_MEL.to_dict(), "fmax": 20000.0}, "fmax"),
        ({**DANCE_CNN_MEL.to_dict(), "hop_length": "512"}, "hop_length"),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_config_dict_is_a_one_line_model_error(data, fragment):
    with pytest.raises(ModelError, match=fragment) as info:
        FrontEndConfig.from_dict(data)
    assert "\n" not in str(info.value)


def test_stft_config_rejects_n_mels():
    with pytest.raises(ValueError, match="n_mels"):
        FrontEndConfig(kind="stft", n_mels=128)
