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


@pytest.mark.skipif("ballroom" not in BUILTIN, reason="the default dance model is not installed")
def test_default_model_recognises_a_real_waltz_it_never_trained_on(shared_data):
    import dancekit
    from dancekit.data import tang_recordings

    sides = load_model("ballroom").card.training["tang_sides"]  # validation songs chose the step, never trained
    unseen = [r for r in tang_recordings(shared_data / "tang_dance")
              if r.label == "Slow Waltz" and sides.get(r.group) != "train"]
    assert unseen
    result = dancekit.identify(unseen[0].path)
    assert result.label == "Slow Waltz"
    assert result.rhythm.beats_per_bar == 3 and 80 < result.rhythm.tempo_bpm < 95
