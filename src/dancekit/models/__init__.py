"""Networks, model cards and model files.

Cards (:mod:`~dancekit.models.card`), tasks and the default model of each
(:mod:`~dancekit.models.registry`) load at once, needing no torch. Networks and model files load on
first use, so that importing one module of the package (a network that needs torch alone, on a
bare training machine) does not also pull in torchvision and safetensors.
"""

import lazy_loader as lazy

from dancekit.models.card import ModelCard, builtin_models, read_card, update_card
from dancekit.models.registry import DEFAULT_MODELS, TASKS

__all__ = ["BACKBONES", "DEFAULT_MODELS", "LoadedModel", "ModelCard", "TASKS", "build_dance_cnn", "builtin_models",
           "load_model", "read_card", "save_model", "update_card"]


# The lazy names (networks, model files) are declared once, in __init__.pyi, as librosa does.
__getattr__, __dir__, _ = lazy.attach_stub(__name__, __file__)
