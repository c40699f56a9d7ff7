"""SVM baseline: the stored arrays reproduce scikit-learn exactly, and the model file holds no pickle."""

import numpy as np
import pytest
import torch
from safetensors import safe_open

from dancekit.errors import DancekitError, ModelError
from dancekit.models.files import load_model, save_model
from dancekit.models.registry import architectures, build_network
from dancekit.models.svm_baseline import N_FEATURES, FeatureError, RBFSVM, fit_svm, svm_card


def _blobs(n_classes, per_class=25, seed=0, spread=1.0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=1.5, size=(n_classes, N_FEATURES))
    y = np.repeat(np.arange(n_classes), per_class)
    x = centres[y] + rng.normal(scale=spread, size=(len(y), N_FEATURES)) * rng.uniform(0.5, 20, size=N_FEATURES)
    return x, y


@pytest.mark.parametrize("n_classes", [2, 4])
def test_decision_function_and_predictions_equal_scikit_learns(n_classes):
    x, y = _blobs(n_classes)
    pipeline = fit_svm(x, y, C=2.0)
    net = RBFSVM.from_sklearn(pipeline)
    x_new = _blobs(n_classes, per_class=10, seed=1, spread=3.0)[0]  # far off: many close calls
    with torch.inference_mode():
        ours = net.decision_function(torch.from_numpy(x_new)).numpy()
        predicted = net(torch.from_numpy(x_new)).argmax(1).numpy()
    np.testing.assert_allclose(ours, pipeline.decision_function(x_new), rtol=0, atol=1e-9)
    assert np.array_equal(predicted, pipeline.predict(x_new))


def test_fits_separable_classes():
    x, y = _blobs(3, per_class=30)
    train = np.arange(len(y)) % 3 != 0
    pipeline = fit_svm(x[train], y[train])
    assert (pipeline.predict(x[train]) == y[train]).mean() == 1.0
    assert (pipeline.predict(x[~train]) == y[~train]).mean() >= 0.9


def test_round_trip_through_model_files_without_pickle(tmp_path):
    x, y = _blobs(3)
    pipeline = fit_svm(x, y)
    net = RBFSVM.from_sklearn(pipeline)
    save_model(net, svm_card("svm-toy", ["Waltz", "Tango", "Jive"], net, training={"C": 1.0}), tmp_path / "svm")
    assert sorted(p.name for p in (tmp_path / "svm").iterdir()) == ["model.json", "model.safetensors"]
    with safe_open(str(tmp_path / "svm" / "model.safetensors"), "pt") as fh:
        assert set(fh.keys()) == {"mean", "scale", "support_vectors", "dual_coef", "intercept", "gamma"}
        assert fh.get_tensor("support_vectors").dtype == torch.float64
    loaded = load_model(tmp_path / "svm")
    assert loaded.card.architecture == "svm_rbf" and loaded.card.training["gamma"] == pipeline["svc"].gamma
    x_new = _blobs(3, per_class=20, seed=5, spread=2.0)[0]
    with torch.inference_mode():
        scores = loaded.network(torch.from_numpy(x_new))
    assert np.array_equal(scores.argmax(1).numpy(), pipeline.predict(x_new))
    np.testing.assert_allclose(scores.numpy(), pipeline.decision_function(x_new), rtol=0, atol=1e-9)


def test_on_handcrafted_features_of_generated_audio():
    from dancekit.features.handcrafted import handcrafted_features

    sr, rng = 22050, np.random.default_rng(3)
    t = np.arange(sr // 2) / sr

    def clip(kind):
        if kind == 0:  # low tone
            y = np.sin(2 * np.pi * rng.uniform(180, 260) * t)
        elif kind == 1:  # high tone
            y = np.sin(2 * np.pi * rng.uniform(1800, 2600) * t)
        else:  # noise
            y = rng.normal(size=t.size)
        return (0.3 * y + 0.01 * rng.normal(size=t.size)).astype(np.float32)

    y = np.repeat(np.arange(3), 6)
    x = np.stack([handcrafted_features(clip(k), sr) for k in y])
    assert x.shape == (18, 72)
    train = np.arange(18) % 3 != 0
    pipeline = fit_svm(x[train], y[train])
    net = RBFSVM.from_sklearn(pipeline)
    with torch.inference_mode():
        assert np.array_equal(net(torch.from_numpy(x[~train])).argmax(1).numpy(), y[~train])


def test_bad_features_and_labels_are_clear_errors():
    x, y = _blobs(3)
    for bad_x, bad_y, match in [(x[:, :10], y, None), (x, y[:-1], "labels"), (x[y < 2], y[y < 2] * 2, "missing"),
                                (np.full_like(x, np.nan), y, "NaN")]:
        with pytest.raises(FeatureError, match=match):
            if match is None:  # right training shape, wrong at prediction
                RBFSVM.from_sklearn(fit_svm(x, y))(torch.from_numpy(bad_x))
            else:
                fit_svm(bad_x, bad_y)
    assert issubclass(FeatureError, DancekitError)


def test_every_new_architecture_is_registered():
    assert {"bbnn", "prcnn", "svm_rbf", "resnet18", "densenet161", "small_cnn"} <= set(architectures())
    net = RBFSVM.from_sklearn(fit_svm(*_blobs(2)))
    card = svm_card("x", ["a", "b"], net)
    assert isinstance(build_network(card), RBFSVM)
    card.architecture_args["n_support"] = [3]
    with pytest.raises(ModelError):
        build_network(card)
