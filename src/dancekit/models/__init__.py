"""Networks and model files."""

from dancekit.models.dance_cnn import BACKBONES, build_dance_cnn
from dancekit.models.files import LoadedModel, ModelCard, builtin_models, load_model, save_model

__all__ = ["BACKBONES", "LoadedModel", "ModelCard", "build_dance_cnn", "builtin_models", "load_model", "save_model"]

#: The built-in model ``dancekit identify`` uses when no --model is given.
DEFAULT_DANCE_MODEL = "ballroom"

#: The built-in model ``dancekit genre`` uses when no --model is given.
DEFAULT_GENRE_MODEL = "genre"
