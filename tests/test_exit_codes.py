"""One exit-code table: command-line modules take their numbers from ``dancekit.exit_codes`` only."""

import ast
from pathlib import Path

import pytest

from dancekit import exit_codes

SRC = Path(__file__).resolve().parents[1] / "src" / "dancekit"
CLI_MODULES = sorted([SRC / "cli.py", SRC / "cli_types.py", SRC / "errors.py", *SRC.glob("*/cli.py")])
TABLE = {name: value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}


def test_the_table_has_distinct_codes():
    assert len(set(TABLE.values())) == len(TABLE) == 6
    assert TABLE["EXIT_OK"] == 0 and TABLE["EXIT_USAGE"] == 2 and TABLE["EXIT_INTERRUPTED"] == 130


def _literal_codes(tree: ast.AST) -> list[str]:
    """Places that write an exit status as a bare number or define their own EXIT_ names."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and type(node.value.value) is int:
            found.append(f"line {node.lineno}: return {node.value.value}")
        if isinstance(node, ast.IfExp) and any(isinstance(v, ast.Constant) and type(v.value) is int
                                                for v in (node.body, node.orelse)):
            found.append(f"line {node.lineno}: a numeric status in a conditional")
        if isinstance(node, ast.Assign):
            names = [n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            if any(n.startswith("EXIT_") or n == "exit_code" for n in names) and any(
                    isinstance(c, ast.Constant) for c in ast.walk(node.value)):
                found.append(f"line {node.lineno}: {', '.join(names)} = a number")
    return found


@pytest.mark.parametrize("path", CLI_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_command_line_modules_use_the_table(path):
    assert _literal_codes(ast.parse(path.read_text())) == []


def test_every_error_class_names_its_code_from_the_table():
    """``exit_code = 2`` hides which row of the table is meant; every error class names it."""
    bare = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "exit_code" for t in node.targets)
                    and isinstance(node.value, ast.Constant)):
                bare.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert bare == []
