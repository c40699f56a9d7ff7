"""Which dance each (tempo, meter) fusion weighting would answer, for the benchmarks that compare them.

Why: the tempo prior reweights the network's answer by tempo and meter evidence; whether each
kind of evidence helps is measured by scoring a few fixed weightings side by side. Weight (1, 1)
is the shipped default and (0, 0) the network alone.
"""

from __future__ import annotations

import numpy as np

from dancekit.inference.result import IdentifyResult
from dancekit.inference.tempo_prior import fuse

#: (tempo, meter) weights scored: network alone, tempo alone, meter alone, half of each, the default.
FUSION_WEIGHTS = ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.5, 0.5), (1.0, 1.0))


def weights_key(tempo_weight: float, meter_weight: float) -> str:
    """The name a weighting goes by in results files (``"tempo 0.5, meter 0.5"``).

    Parameters
    ----------
    tempo_weight, meter_weight : float
        The weights.

    Returns
    -------
    str
    """
    return f"tempo {tempo_weight:g}, meter {meter_weight:g}"


def labels_by_fusion_weights(result: IdentifyResult, classes: list[str],
                             weights=FUSION_WEIGHTS) -> dict[str, str]:
    """The answer of one identified recording under each weighting.

    Parameters
    ----------
    result : IdentifyResult
        An answer with its network probabilities and rhythm.
    classes : list of str
        The model's classes, in its output order.
    weights : sequence of (float, float)
        (tempo, meter) weightings.

    Returns
    -------
    dict
        ``weights_key`` -> class name.
    """
    return {weights_key(tw, mw): classes[int(np.argmax(fuse(result.network_probabilities, classes, result.rhythm,
                                                             tw, mw)))]
            for tw, mw in weights}
