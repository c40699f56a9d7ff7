"""Where the recipes live: tests run them as commands (a subprocess), never import them by path."""

from pathlib import Path

RECIPES = Path(__file__).resolve().parents[1] / "recipes"
