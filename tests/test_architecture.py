"""Import direction: every module under osintkit/ imports only its own layer or lower ones, and no import cycle.

The graph is read from the source with ``ast``, so imports inside functions and under ``TYPE_CHECKING`` count as
much as module-level ones: a lazy import still makes the lower module depend on the higher one, and only hides a
cycle from the interpreter. Importing ``a.b.c`` is recorded as an edge to ``a.b.c`` alone: the parent packages'
``__init__`` modules are facades that re-export their own submodules, and ``osintkit/__init__.py`` re-exports every
layer by design.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "osintkit"

# Lowest first. A module belongs to the layer of the longest prefix that names it (a package name covers its
# submodules). The gazetteer is its own layer beneath the entity tagger, which merges gazetteer regions into its
# mentions; the rest of osintkit.geo (geoparsing, distances, maps, online geocoders) sits above entities.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("osintkit.errors", "osintkit.model", "osintkit.text", "osintkit.admiralty_scale", "osintkit.paths")),
    (
        "gazetteer",
        (
            "osintkit.geo.normalise",
            "osintkit.geo.gazetteer",
            "osintkit.geo.geocoder",
            "osintkit.geo.cyrillic",
            "osintkit.geo.toponyms",
            "osintkit.geo.build",
        ),
    ),
    ("store", ("osintkit.store",)),
    ("sources", ("osintkit.sources",)),
    ("entities", ("osintkit.entities",)),
    ("geo", ("osintkit.geo",)),
    ("claims", ("osintkit.claims", "osintkit.images")),
    ("assess", ("osintkit.assess",)),
    ("findings", ("osintkit.findings",)),
    ("export", ("osintkit.export",)),
    (
        "application",
        (
            "osintkit.pipeline",
            "osintkit.cli",
            "osintkit.widgets",
            "osintkit.exercise",
            "osintkit.demo",
            "osintkit.bundle",
            "osintkit.timestamp",
            "osintkit.provenance",
            "osintkit.tables",
            "osintkit.__main__",
            "osintkit",  # the root package alone (see layer_of), which re-exports every layer's public names
        ),
    ),
    # Training may import any runtime module; no runtime module may import training (it is the top layer).
    ("training", ("osintkit.training",)),
)

# Edges that break the rule today, each in a file another engineer is changing; the test fails when one is fixed
# (so the entry is deleted) as well as when a new one appears. Remove entries, never add them.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()


# Cycles present today in files another engineer is changing; same rule as above.
KNOWN_CYCLES: tuple[tuple[str, ...], ...] = ()


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool, known: Iterable[str]) -> set[str]:
    """The osintkit modules that ``source`` (the text of ``module``) imports anywhere in its body.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module, else ``pkg`` itself.
    """
    modules = set(known)
    here = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name.split(".")[0] == "osintkit")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "osintkit":
                continue
            submodules = {f"{target}.{alias.name}" for alias in node.names} & modules
            out.update(submodules)
            if len(submodules) < len(node.names):
                out.add(target)
    out.discard(module)
    return out


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    files = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", files)
        for name, path in files.items()
    }


def layer_of(module: str, layers: tuple[tuple[str, tuple[str, ...]], ...] = LAYERS) -> int:
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, prefixes) in enumerate(layers):
        for prefix in prefixes:
            # "osintkit" names the root package only: a new module must be given a layer, not fall into the top.
            if module == prefix or (module.startswith(prefix + ".") and prefix != "osintkit"):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), index)
    if best is None:
        raise AssertionError(f"{module} is in no layer; add it to LAYERS in tests/test_architecture.py")
    return best[1]


def upward_imports(
    graph: Mapping[str, set[str]], layers: tuple[tuple[str, tuple[str, ...]], ...] = LAYERS
) -> set[tuple[str, str]]:
    """Every (importer, imported) pair where the imported module sits in a higher layer than its importer."""
    return {(a, b) for a, targets in graph.items() for b in targets if layer_of(b, layers) > layer_of(a, layers)}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted; a cycle's members."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            members = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                members.append(top)
                if top == node:
                    break
            if len(members) > 1:
                found.append(sorted(members))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _describe(pairs: Iterable[tuple[str, str]]) -> str:
    names = [name for name, _ in LAYERS]
    return "\n".join(f"  {a} ({names[layer_of(a)]}) imports {b} ({names[layer_of(b)]})" for a, b in sorted(pairs))


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    for module in graph:
        layer_of(module)
    with pytest.raises(AssertionError, match="in no layer"):
        layer_of("osintkit.newly_added")


def test_no_lower_layer_imports_a_higher_one(graph: dict[str, set[str]]) -> None:
    upward = upward_imports(graph)
    new = upward - KNOWN_VIOLATIONS
    order = ", ".join(name for name, _ in LAYERS)
    assert not new, f"imports against the layer order (lowest first: {order}):\n" + _describe(new)
    fixed = KNOWN_VIOLATIONS - upward
    assert not fixed, "fixed, so delete from KNOWN_VIOLATIONS:\n" + _describe(fixed)


def test_the_runtime_never_imports_training(graph: dict[str, set[str]]) -> None:
    training = {m for m in graph if m.startswith("osintkit.training")}
    assert training, "osintkit.training not found: the check below would pass vacuously"
    assert not {(a, b) for a, targets in graph.items() if a not in training for b in targets if b in training}


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    found = {tuple(members) for members in cycles(graph)}
    assert not found - set(KNOWN_CYCLES), "import cycles: " + "; ".join(" <-> ".join(c) for c in sorted(found))
    assert not set(KNOWN_CYCLES) - found, "fixed, so delete from KNOWN_CYCLES"


def test_the_graph_sees_function_level_relative_and_type_checking_imports() -> None:
    source = """
from __future__ import annotations
from typing import TYPE_CHECKING
from . import sibling
from ..store import Case
if TYPE_CHECKING:
    from osintkit.claims import Claim
def f():
    import osintkit.geo.maps
    from .. import errors
"""
    known = ["osintkit.entities.sibling", "osintkit.store", "osintkit.claims", "osintkit.geo.maps", "osintkit.errors"]
    got = imports_of(source, "osintkit.entities.model", False, known)
    assert got == {
        "osintkit.entities.sibling",
        "osintkit.store",
        "osintkit.claims",
        "osintkit.geo.maps",
        "osintkit.errors",
    }


def test_the_checks_catch_a_planted_upward_import_and_cycle() -> None:
    planted = {
        "osintkit.store": {"osintkit.model", "osintkit.sources.text"},  # store reading a loader: upward
        "osintkit.sources.text": {"osintkit.store"},  # and back: a cycle
        "osintkit.model": set(),
        "osintkit.entities.tagger": {"osintkit.geo.toponyms", "osintkit.model"},  # down to the gazetteer: fine
        "osintkit.geo.toponyms": {"osintkit.geo.gazetteer"},
        "osintkit.geo.gazetteer": set(),
        "osintkit.geo._geoparse": {"osintkit.entities.tagger"},  # geo above entities: fine
        "osintkit.entities.model": {"osintkit.training.lora"},  # the runtime reaching training: upward
        "osintkit.training.lora": {"osintkit.entities.model"},
    }
    assert upward_imports(planted) == {
        ("osintkit.store", "osintkit.sources.text"),
        ("osintkit.entities.model", "osintkit.training.lora"),
    }
    assert cycles(planted) == [
        ["osintkit.entities.model", "osintkit.training.lora"],
        ["osintkit.sources.text", "osintkit.store"],
    ]
    # And the entities -> geo edge that used to run through strings would now be caught as a plain import.
    assert upward_imports({"osintkit.entities.tagger": {"osintkit.geo._geoparse"}}) == {
        ("osintkit.entities.tagger", "osintkit.geo._geoparse")
    }


def test_no_module_is_shadowed_by_a_same_named_attribute_of_its_package(graph: dict[str, set[str]]) -> None:
    """``osintkit.geo.geoparse`` was the function, not the module, once the package had imported it: a submodule
    and a public name of its package must not share a name (``osintkit.tag`` and ``osintkit.load`` had the same
    trouble)."""
    import importlib

    clashes = []
    for name in sorted(graph):
        package, _, leaf = name.rpartition(".")
        if not package:
            continue
        value = getattr(importlib.import_module(package), leaf, None)
        if value is not None and not isinstance(value, type(importlib)):
            clashes.append(f"{package}.{leaf} is a {type(value).__name__}, not the module {name}")
    assert not clashes, "\n".join(clashes)
