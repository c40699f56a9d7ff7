"""The SVM baseline of paper 1 as a model file: the card that lets ``load_model`` rebuild it.

The SVM itself (fitting, and the torch module that applies it) is
:mod:`dancekit.models.svm_baseline_network`, which the registry builds from a card; it is re-exported
here, where its users have always imported it from, so that networks stay free of cards.
"""

from __future__ import annotations

from typing import Any, Sequence

from dancekit.features.handcrafted import HOP_LENGTH, N_FFT, N_MFCC
from dancekit.models.card import ModelCard
from dancekit.models.svm_baseline_network import (  # noqa: F401  re-exported for the SVM's users
    ARCHITECTURE,
    N_FEATURES,
    RBFSVM,
    FeatureError,
    build_svm,
    fit_svm,
    resolve_gamma,
)

#: What a card says the SVM is fed: the hand-crafted vector, not a spectrogram front end.
HANDCRAFTED_FRONTEND = {"kind": "handcrafted", "n_features": N_FEATURES, "sr": 22050, "n_fft": N_FFT,
                        "hop_length": HOP_LENGTH, "n_mfcc": N_MFCC}


def svm_card(name: str, classes: Sequence[str], network: RBFSVM, task: str = "dance", **card_fields: Any) -> ModelCard:
    """A model card for a fitted :class:`RBFSVM`: enough to rebuild it with ``load_model``.

    Parameters
    ----------
    name : str
        The model's name.
    classes : sequence of str
        Class names, in the SVM's label order.
    network : RBFSVM
        The fitted SVM; its support counts and gamma go on the card.
    task : str
        The task the model serves (``"dance"``, ``"genre"``, ...).
    **card_fields
        Other :class:`ModelCard` fields; a ``training`` dict is merged with the SVM's own.

    Returns
    -------
    ModelCard
        The card, without its weights' sha256 (written when the model is saved).

    Raises
    ------
    ValueError
        When the number of names differs from the SVM's classes.
    """
    import sklearn

    if len(classes) != network.num_classes:
        raise ValueError(f"{len(classes)} class names for an SVM of {network.num_classes} classes")
    training = {"kernel": "rbf", "gamma": float(network.gamma), "scikit_learn": sklearn.__version__,
                **card_fields.pop("training", {})}
    return ModelCard(name=name, task=task, architecture=ARCHITECTURE, classes=list(classes),
                     frontend=dict(HANDCRAFTED_FRONTEND), segment_frames=0, default_stride=0,
                     architecture_args={"n_support": list(network.n_support), "n_features": network.n_features},
                     training=training, **card_fields)
