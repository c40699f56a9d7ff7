"""Every model shipped inside the package loads, verifies its hash, and says what it was measured on."""

import pytest

from dancekit.models.files import builtin_models, load_model

BUILTIN = sorted(builtin_models())


@pytest.mark.skipif(not BUILTIN, reason="no built-in model in this checkout")
@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_model_loads_and_has_a_card_with_real_metrics(name):
    model = load_model(name)
    card = model.card
    assert card.sha256 and card.classes and card.training
    assert card.metrics, "a shipped model states what it was measured on"
    assert (model.path / "model.safetensors").stat().st_size < 50e6
