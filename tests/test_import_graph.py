"""No import cycles anywhere in ``src/dancekit``: a cycle means two modules that cannot be understood,
tested or loaded one without the other, and in-function imports that "dodge" a cycle only hide it.

The graph is read statically with ``ast``, from every ``import`` statement at any depth (module level,
inside functions, under ``if TYPE_CHECKING``), relative imports resolved. Nodes are the modules of
``dancekit``; ``pkg/__init__.py`` is the module ``pkg``; imports of other packages are left out.

Edges are only what the code writes:

* ``import a.b.c`` is an edge to ``a.b.c``; Python also runs ``a`` and ``a.b`` (their ``__init__``)
  first, but that parent-package relationship is implied, not written, and is not counted — otherwise
  every package whose ``__init__`` re-exports a submodule would be a "cycle" with that submodule.
* ``from a.b import name`` is an edge to ``a.b.name`` when ``name`` is a submodule, else to ``a.b``
  (the ``__init__``). So a submodule that takes a sibling's name from its own package's ``__init__``
  (``from dancekit.models import load_model`` inside a module that ``dancekit/models/__init__.py``
  re-exports from) *is* a cycle through the ``__init__``: import the sibling module directly.
  ``from dancekit import __version__`` is an edge to ``dancekit`` (its ``__init__``).
* A lazy re-export (``__getattr__`` importing on first use) is an import like any other.
"""

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "src" / "dancekit"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path) -> dict[str, Path]:
    return {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from ... import`` names, relative levels resolved."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    anchor = package[: len(package) - node.level + 1]
    return ".".join(anchor + ([node.module] if node.module else []))


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ``dancekit`` that ``module`` imports, as written in its code."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _base(node, module, path.stem == "__init__")
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in known else base)
    return {t for t in targets if t in known and t != module}


def import_graph(root: Path = PACKAGE_ROOT) -> dict[str, set[str]]:
    """Each module of the package at ``root`` and the package modules it imports.

    A module's ``.pyi`` stub counts as its code: ``lazy_loader.attach_stub`` turns the stub's
    imports into the package's lazy re-exports, imported on first use.
    """
    modules = _modules(root)
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        stub = path.with_suffix(".pyi")
        graph[name] = _imports(name, path, known) | (_imports(name, stub, known) if stub.is_file() else set())
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit); components of one node are left out."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _shortest_cycle(graph: dict[str, set[str]], members: set[str], start: str) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``members`` (breadth first)."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    return paths[node] + [start]
                if child not in paths:
                    paths[child] = paths[node] + [child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # cannot happen inside a component


def cycles_of(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """The shortest cycle through each module of a component, each once, written ``a -> b -> a``."""
    found = []
    for start in component:
        cycle = _shortest_cycle(graph, set(component), start)[:-1]
        first = cycle.index(min(cycle))  # one rotation, so that a cycle found from two starts is kept once
        text = " -> ".join(cycle[first:] + cycle[:first] + [cycle[first]])
        if text not in found:
            found.append(text)
    return found


def test_tarjan_finds_cycles_and_only_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    components = strongly_connected(graph)
    assert sorted(components) == [["a", "b", "c"], ["d", "e"]]
    assert cycles_of(graph, ["a", "b", "c"]) == ["a -> b -> c -> a"]
    assert cycles_of({"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}, ["a", "b", "c"]) == ["a -> b -> a", "a -> c -> a"]


def test_edges_follow_what_the_code_writes(tmp_path):
    files = {
        "__init__.py": "from pkg.sub import thing\n",
        "sub/__init__.py": "from .leaf import thing\n",
        "sub/leaf.py": "def f():\n    from .. import other\n    import pkg.sub.deep\nthing = 1\n",
        "sub/deep.py": "from pkg.sub import thing\nfrom . import leaf\n",
        "other.py": "import os\nfrom pkg import sub\n",
    }
    for name, text in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text)
    assert import_graph(tmp_path / "pkg") == {
        "pkg": {"pkg.sub"},  # a name from a package's __init__ is an edge to the __init__
        "pkg.sub": {"pkg.sub.leaf"},
        "pkg.sub.leaf": {"pkg.other", "pkg.sub.deep"},  # in-function imports count; no edge to parents
        "pkg.sub.deep": {"pkg.sub", "pkg.sub.leaf"},  # a submodule named in ``from`` is that submodule
        "pkg.other": {"pkg.sub"},
    }


def test_no_import_cycles():
    graph = import_graph()
    cycles = [cycle for component in strongly_connected(graph) for cycle in cycles_of(graph, component)]
    if cycles:
        pytest.fail("import cycles in src/dancekit:\n" + "\n".join(f"  {cycle}" for cycle in cycles), pytrace=False)


def test_lazy_stubs_count_as_imports():
    """``dancekit/models/__init__.pyi`` names ``.files``: the package imports it, lazily."""
    graph = import_graph()
    assert "dancekit.models.files" in graph["dancekit.models"]
    assert (PACKAGE_ROOT / "models" / "__init__.pyi").is_file()
