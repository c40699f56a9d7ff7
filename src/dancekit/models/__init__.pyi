from .card import ModelCard, builtin_models, read_card, update_card
from .dance_cnn import BACKBONES, build_dance_cnn
from .files import LoadedModel, load_model, save_model
from .registry import DEFAULT_MODELS, TASKS

__all__ = ["BACKBONES", "DEFAULT_MODELS", "LoadedModel", "ModelCard", "TASKS", "build_dance_cnn", "builtin_models",
           "load_model", "read_card", "save_model", "update_card"]
