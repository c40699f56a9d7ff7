"""Every public function and class of the covered packages has a numpydoc docstring that names its parameters.

Read statically with ``ast`` (nothing is imported, so torch and librosa stay out of this test). A
definition is public when its name and its module's name do not start with ``_`` (``__init__.py`` is
public, ``__main__.py`` is not). Checked:

* module-level functions and classes (also under ``if``/``try``), and the public methods and
  properties of public classes; ``@overload`` stubs and ``@x.setter``/``@x.deleter`` are skipped;
* a definition that takes parameters (other than ``self``/``cls``; ``*args``/``**kwargs`` may be left
  out) has a ``Parameters`` (or ``Other Parameters``) section naming each one;
* a method that overrides a documented method of a base class inherits its docstring (as sphinx and
  numpydoc do) and is not checked; the base is found by name, named in the class statement and
  defined in any module of ``src/dancekit`` or in the checked file itself;
* a class documents its constructor's parameters -- those of ``__init__``, or the fields of a
  dataclass or ``NamedTuple`` -- in its own docstring (or in ``__init__``'s); a dataclass may list
  its fields under ``Attributes`` instead.

To see what is missing in a folder that is not covered yet::

    python tests/test_public_docstrings.py src/dancekit/audio
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "src" / "dancekit"

COVERED = (".", "audio", "data", "evaluation", "features", "fuzzing", "inference", "models", "motion", "rhythm",
           "scan", "synth", "training", "video", "web")
"""Folders of ``src/dancekit`` that must stay documented (``"."`` is the top-level modules only)."""

NOT_YET_COVERED: frozenset[str] = frozenset()
"""Files of covered folders that are still to be documented, relative to ``src/dancekit``."""

_SECTION_NAMES = {"Parameters", "Other Parameters", "Attributes"}
_UNDERLINE = re.compile(r"^-{3,}\s*$")
_NAME_LINE = re.compile(r"^(\*{0,2}\w+(?:\s*,\s*\*{0,2}\w+)*)\s*(?::.*)?$")


def documented_names(docstring: str, sections=("Parameters", "Other Parameters")) -> set[str]:
    """Names listed in the numpydoc ``sections`` of a docstring.

    Parameters
    ----------
    docstring : str
        The cleaned docstring (as ``ast.get_docstring`` returns it).
    sections : iterable of str
        Section titles to read (``"Parameters"``, ``"Other Parameters"``, ``"Attributes"``).

    Returns
    -------
    set of str
        The names, with leading ``*`` removed; ``a, b : int`` gives both ``a`` and ``b``.
    """
    lines = docstring.splitlines()
    names: set[str] = set()
    current = None
    for i, line in enumerate(lines):
        underlined = i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1])
        if underlined and line.strip() in _SECTION_NAMES | {"Returns", "Yields", "Raises", "Notes", "Examples",
                                                           "See Also", "Warns", "References"}:
            current = line.strip()
            continue
        if current not in sections or _UNDERLINE.match(line) or not line.strip() or line[:1].isspace():
            continue
        match = _NAME_LINE.match(line.strip())
        if match:
            names.update(name.strip().lstrip("*") for name in match.group(1).split(","))
    return names


def _parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> list[str]:
    args = fn.args
    positional = [a.arg for a in args.posonlyargs + args.args]
    if method and positional and not _is_static(fn):
        positional = positional[1:]
    return positional + [a.arg for a in args.kwonlyargs]


def _decorator_names(node) -> list[str]:
    names = []
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.append(ast.unparse(target))
    return names


def _is_static(fn) -> bool:
    return "staticmethod" in _decorator_names(fn)


def _skipped_method(fn) -> bool:
    return any(name.endswith((".setter", ".deleter")) or name.split(".")[-1] == "overload"
               for name in _decorator_names(fn))


def _fields(cls: ast.ClassDef) -> list[str]:
    """Constructor parameters of a dataclass or NamedTuple: annotated, non-ClassVar, init fields."""
    is_record = any(name.split(".")[-1] == "dataclass" for name in _decorator_names(cls)) or any(
        ast.unparse(base).split(".")[-1] == "NamedTuple" for base in cls.bases)
    if not is_record:
        return []
    fields = []
    for node in cls.body:
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            continue
        if "ClassVar" in ast.unparse(node.annotation) or node.target.id.startswith("_"):
            continue
        value = node.value
        if isinstance(value, ast.Call) and any(k.arg == "init" and isinstance(k.value, ast.Constant)
                                               and k.value.value is False for k in value.keywords):
            continue
        fields.append(node.target.id)
    return fields


def _problem(kind: str, docstring: str | None, parameters: list[str], sections) -> str | None:
    if not docstring:
        return f"{kind} has no docstring"
    missing = [p for p in parameters if p not in documented_names(docstring, sections)]
    if missing:
        return f"{kind} lacks Parameters for {', '.join(missing)}"
    return None


def _base_names(cls: ast.ClassDef) -> list[str]:
    return [ast.unparse(base).split(".")[-1] for base in cls.bases]


def _class_index(tree: ast.Module) -> dict[str, tuple[list[str], set[str]]]:
    """Class name -> (its base names, names of its methods that have a docstring), for every class of a module."""
    index = {}
    for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        documented = {n.name for n in cls.body
                      if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and ast.get_docstring(n)}
        index[cls.name] = (_base_names(cls), documented)
    return index


@functools.cache
def _package_class_index() -> dict[str, tuple[list[str], set[str]]]:
    # By name only, to stay simple: of two classes of one name in different modules, the last read wins.
    index = {}
    for path in sorted(PACKAGE_ROOT.rglob("*.py")):
        index.update(_class_index(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    return index


def _inherited_docs(cls: ast.ClassDef, index: dict[str, tuple[list[str], set[str]]]) -> set[str]:
    """Names of the methods documented in any base class of ``cls`` (followed through ``index``)."""
    documented, seen, todo = set(), set(), _base_names(cls)
    while todo:
        name = todo.pop()
        if name in seen or name not in index:
            continue
        seen.add(name)
        bases, methods = index[name]
        documented |= methods
        todo += bases
    return documented


def _class_problems(cls: ast.ClassDef, index: dict[str, tuple[list[str], set[str]]]) -> list[tuple[int, str, str]]:
    out = []
    inherited = _inherited_docs(cls, index)
    init = next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and n.name == "__init__"), None)
    parameters = _parameters(init, method=True) if init else _fields(cls)
    docstring = ast.get_docstring(cls)
    if init and ast.get_docstring(init):
        docstring = (docstring or "") + "\n\n" + ast.get_docstring(init)
    sections = ("Parameters", "Other Parameters") if init else ("Parameters", "Other Parameters", "Attributes")
    problem = _problem("class", docstring, parameters, sections)
    if problem:
        out.append((cls.lineno, cls.name, problem))
    for node in cls.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name.startswith("_") \
                or _skipped_method(node):
            continue
        if node.name in inherited and not ast.get_docstring(node):
            continue  # the override shows its base's docstring
        problem = _problem("method", ast.get_docstring(node), _parameters(node, method=True),
                           ("Parameters", "Other Parameters"))
        if problem:
            out.append((node.lineno, f"{cls.name}.{node.name}", problem))
    return out


def _module_definitions(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node
        elif isinstance(node, ast.If):
            yield from _module_definitions(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from _module_definitions(node.body + node.orelse + node.finalbody
                                           + [s for h in node.handlers for s in h.body])


def file_problems(path: Path) -> list[str]:
    """What a module lacks: one ``file:line name: problem`` line per public definition at fault.

    Parameters
    ----------
    path : Path
        A Python source file.

    Returns
    -------
    list of str
        Empty when every public definition is documented.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    index = {**_package_class_index(), **_class_index(tree)}
    out = []
    for node in _module_definitions(tree.body):
        if node.name.startswith("_"):
            continue
        if isinstance(node, ast.ClassDef):
            found = _class_problems(node, index)
        elif _skipped_method(node):
            found = []
        else:
            problem = _problem("function", ast.get_docstring(node), _parameters(node, method=False),
                               ("Parameters", "Other Parameters"))
            found = [(node.lineno, node.name, problem)] if problem else []
        out += [f"{path}:{line} {name}: {problem}" for line, name, problem in found]
    return out


def public_modules(folder: Path, recursive: bool = True) -> list[Path]:
    """The public modules of a folder (``__init__.py`` counts; other names starting with ``_`` do not).

    Parameters
    ----------
    folder : Path
        The folder to list.
    recursive : bool
        Also list the modules of sub-folders.

    Returns
    -------
    list of Path
        Sorted paths.
    """
    paths = folder.rglob("*.py") if recursive else folder.glob("*.py")
    return sorted(p for p in paths if p.stem == "__init__" or not p.stem.startswith("_"))


def missing_docstrings(folder: str | Path, recursive: bool = True) -> list[str]:
    """Every public definition of a folder's modules that lacks a docstring or a parameter entry.

    Parameters
    ----------
    folder : str or Path
        A package folder, e.g. ``src/dancekit/audio``.
    recursive : bool
        Also read sub-folders.

    Returns
    -------
    list of str
        ``file:line name: problem`` lines, empty when everything is documented.
    """
    return [line for path in public_modules(Path(folder), recursive) for line in file_problems(path)]


def print_missing(*folders: str | Path) -> int:
    """Print what :func:`missing_docstrings` finds in each folder, and return how many were found.

    Parameters
    ----------
    *folders : str or Path
        Package folders; ``src/dancekit`` itself is read without its sub-folders.

    Returns
    -------
    int
        The number of lines printed for definitions at fault.
    """
    total = 0
    for folder in folders:
        recursive = Path(folder).resolve() != PACKAGE_ROOT
        lines = missing_docstrings(folder, recursive)
        print("\n".join(lines + [f"{folder}: {len(lines)} missing"]))
        total += len(lines)
    return total


def _covered_modules() -> list[Path]:
    paths = []
    for folder in COVERED:
        paths += public_modules(PACKAGE_ROOT / folder, recursive=folder != ".")
    return [p for p in paths if p.relative_to(PACKAGE_ROOT).as_posix() not in NOT_YET_COVERED]


@pytest.mark.parametrize("path", _covered_modules(), ids=lambda p: p.relative_to(PACKAGE_ROOT).as_posix())
def test_public_definitions_are_documented(path):
    assert file_problems(path) == []


def package_folders(root: Path = PACKAGE_ROOT) -> list[str]:
    """The folders right below ``root`` that hold Python modules: each must be in :data:`COVERED`.

    Parameters
    ----------
    root : Path
        The package's source folder.

    Returns
    -------
    list of str
        Folder names, sorted; ``__pycache__`` and folders without a ``.py`` file are left out.
    """
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and p.name != "__pycache__" and next(p.rglob("*.py"), None) is not None)


def test_every_package_folder_is_covered():
    # A new sub-package must not start life undocumented because nobody added it here.
    assert [name for name in package_folders() if name not in COVERED] == []


def test_covered_folders_exist():
    assert [name for name in COVERED if not (PACKAGE_ROOT / name).is_dir()] == []


def test_package_folders_finds_module_folders_only(tmp_path):
    for folder, module in (("audio", "__init__.py"), ("web/static", "app.py"), ("builtin", "model.json"),
                           ("__pycache__", "x.py")):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / module).write_text("")
    assert package_folders(tmp_path) == ["audio", "web"]


def test_not_yet_covered_files_exist():
    # A stale entry would silently exempt a file that someone later creates under that name.
    stale = [name for name in NOT_YET_COVERED if not (PACKAGE_ROOT / name).exists()]
    assert stale == []


def test_checker_finds_undocumented_parameters(tmp_path):
    module = tmp_path / "example.py"
    module.write_text('''
from dataclasses import dataclass

def documented(a, b, *args, **kwargs):
    """Add.

    Parameters
    ----------
    a, b : int
        Terms.
    """

def half(x, y):
    """Half.

    Parameters
    ----------
    x : int
        Only x.
    """

def bare(z):
    pass

def _private(q):
    pass

@dataclass
class Record:
    """A record.

    Attributes
    ----------
    name : str
        Its name.
    """
    name: str
    size: int = 0

class Thing:
    """A thing."""

    def __init__(self, width):
        self.width = width

    @property
    def area(self):
        return 1

    @staticmethod
    def make(height):
        """Make one.

        Parameters
        ----------
        height : int
            How tall.
        """
''')
    found = [line.split(" ", 1)[1] for line in file_problems(module)]
    assert found == [
        "half: function lacks Parameters for y",
        "bare: function has no docstring",
        "Record: class lacks Parameters for size",
        "Thing: class lacks Parameters for width",
        "Thing.area: method has no docstring",
    ]


def test_overrides_inherit_the_docstring_of_a_documented_base_method(tmp_path):
    module = tmp_path / "example.py"
    module.write_text('''
class Base:
    """A base."""

    def run(self, n):
        """Run.

        Parameters
        ----------
        n : int
            How often.
        """

    def bare(self, n):
        pass

class Child(Base):
    """A child."""

    def run(self, n):
        return n

    def bare(self, n):
        return n

    def extra(self, n):
        return n

class Grandchild(Child):
    """Bases of bases count too."""

    def run(self, n):
        """Run once, whatever ``n`` says."""

class Stranger(Unknown):
    """Its base is defined nowhere that is read."""

    def run(self, n):
        return n

class Plan(loop.TrainingPlan):
    """Its base is defined in src/dancekit/training/loop.py."""

    def batch(self, step):
        return step
''')
    found = [line.split(" ", 1)[1] for line in file_problems(module)]
    assert found == [
        "Base.bare: method has no docstring",
        "Child.bare: method has no docstring",
        "Child.extra: method has no docstring",
        "Grandchild.run: method lacks Parameters for n",
        "Stranger.run: method has no docstring",
    ]


if __name__ == "__main__":
    sys.exit(1 if print_missing(*(sys.argv[1:] or [PACKAGE_ROOT])) else 0)
