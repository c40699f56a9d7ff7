import numpy as np

from dancekit.inference.aggregate import IncrementalMean, top_k


def test_incremental_mean_equals_mean_of_all_segments_in_any_batching():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(10), size=37)
    agg = IncrementalMean(10)
    for chunk in np.array_split(probs, [1, 2, 10, 30]):
        agg.update(chunk)
    assert agg.count == 37
    np.testing.assert_allclose(agg.mean, probs.mean(axis=0), rtol=1e-12)


def test_mean_before_any_segment_is_nan():
    assert np.isnan(IncrementalMean(3).mean).all()


def test_top_k_orders_by_probability():
    assert top_k(np.array([0.1, 0.6, 0.3]), ["a", "b", "c"], 2) == [("b", 0.6), ("c", 0.3)]
