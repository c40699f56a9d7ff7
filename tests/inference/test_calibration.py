"""A model card's calibration reaches the answer: temperature on the final probabilities, its own threshold."""

import numpy as np
import pytest

from dancekit.inference.calibration import SURE_FROM, Calibration, apply_temperature
from dancekit.inference.result import IdentifyResult
from dancekit.models.card import ModelCard


def test_temperature_softens_and_sharpens_without_reordering():
    p = np.array([0.7, 0.2, 0.1])
    soft, sharp = apply_temperature(p, 2.0), apply_temperature(p, 0.5)
    assert np.allclose(soft.sum(), 1) and np.allclose(sharp.sum(), 1)
    assert soft[0] < p[0] < sharp[0] and list(np.argsort(soft)) == list(np.argsort(p))
    assert np.allclose(soft, np.sqrt(p) / np.sqrt(p).sum())
    assert apply_temperature(p, 1.0) is not None and np.allclose(apply_temperature(p, 1.0), p)
    with pytest.raises(ValueError):
        apply_temperature(p, 0.0)


def test_a_card_without_calibration_keeps_the_defaults_and_one_with_it_is_read():
    card = ModelCard(name="m", task="dance", architecture="resnet18", classes=["a", "b"], frontend={})
    assert Calibration.from_card(card) == Calibration(1.0, SURE_FROM)
    card.calibration = {"temperature": 2.5, "sure_from": 0.45}
    assert Calibration.from_card(ModelCard.from_dict(card.to_dict())) == Calibration(2.5, 0.45)


def test_the_threshold_decides_sure_and_not_sure():
    result = IdentifyResult(source="x", classes=["a", "b"], probabilities=np.array([0.5, 0.5]),
                            segment_starts_s=np.zeros(1), segment_probabilities=np.full((1, 2), 0.5),
                            segment_length_s=5.2, duration_s=10.0)
    result.probabilities = np.array([0.55, 0.45])
    assert not result.sure and result.describe().startswith("not sure")
    result.sure_from = 0.5
    assert result.sure and result.to_dict()["sure"] is True
