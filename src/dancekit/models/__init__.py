"""Networks and model files.

The names below load on first use, so that importing one module of the package (a network that
needs torch alone, on a bare training machine) does not also pull in torchvision and safetensors.
"""

__all__ = ["BACKBONES", "LoadedModel", "ModelCard", "build_dance_cnn", "builtin_models", "load_model", "save_model"]

#: The built-in model ``dancekit identify`` uses when no --model is given.
DEFAULT_DANCE_MODEL = "ballroom"

#: The built-in model ``dancekit genre`` uses when no --model is given.
DEFAULT_GENRE_MODEL = "genre"


def __getattr__(name):
    if name in ("BACKBONES", "build_dance_cnn"):
        from dancekit.models import dance_cnn as module
    elif name in ("LoadedModel", "ModelCard", "builtin_models", "load_model", "save_model"):
        from dancekit.models import files as module
    else:
        raise AttributeError(name)
    return getattr(module, name)
