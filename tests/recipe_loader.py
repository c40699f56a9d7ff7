"""Recipes are scripts, not package modules: tests load them from ``recipes/`` by file name."""

import importlib.util
from pathlib import Path

RECIPES = Path(__file__).resolve().parents[1] / "recipes"


def load_recipe(name: str, module_name: str | None = None):
    """``recipes/<name>.py`` as a fresh module (``module_name`` keeps two loads apart)."""
    spec = importlib.util.spec_from_file_location(module_name or f"{name}_recipe", RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
