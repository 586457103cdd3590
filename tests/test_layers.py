"""The package's imports run one way: a graph of every import in lambdaflow (module-level and
inside functions; `if TYPE_CHECKING:` blocks left out, since they never run) has no cycle and no
arrow against the layer order below.

    leaves (errors, limits, settings)  <-  observability  <-  framework  <-  runtime
                                       <-  runtime_api (the logger front only)  <-  runtime
    the emulator imports limits and itself only; public modules (testing, events, batch, ...)
    sit on top, and the test client never reaches the Runtime API client.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lambdaflow"

LEAVES = {"lambdaflow", "lambdaflow.errors", "lambdaflow.limits", "lambdaflow.settings"}
#: Where each part of the package may import from (prefixes; a part may import itself).
ALLOWED = {
    "lambdaflow.observability": (*LEAVES,),
    "lambdaflow.metrics": (*LEAVES, "lambdaflow.observability"),
    "lambdaflow.runtime_api": (
        *LEAVES,
        "lambdaflow.observability.runtime_log",
        "lambdaflow.observability.log_state",
    ),
    "lambdaflow.framework": (*LEAVES, "lambdaflow.observability", "lambdaflow.metrics"),
    "lambdaflow.runtime": (
        *LEAVES,
        "lambdaflow.observability",
        "lambdaflow.metrics",
        "lambdaflow.framework",
        "lambdaflow.runtime_api",
    ),
    "lambdaflow.emulator": ("lambdaflow.limits",),
    "lambdaflow.events": (*LEAVES, "lambdaflow.observability", "lambdaflow.framework"),
    "lambdaflow.batch": (*LEAVES, "lambdaflow.observability", "lambdaflow.framework"),
    "lambdaflow.http": (
        *LEAVES, "lambdaflow.observability", "lambdaflow.framework", "lambdaflow.events"
    ),
    "lambdaflow.testing": (
        *LEAVES,
        "lambdaflow.observability",
        "lambdaflow.metrics",
        "lambdaflow.framework",
        "lambdaflow.runtime.init",
        "lambdaflow.runtime.lifecycle",
        "lambdaflow.runtime.loader",
    ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def arrows(name: str) -> set[str]:
    """The package's modules that module `name` imports."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in _imports(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            names: list[str] = []
        else:
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                bases = [".".join([*base, *([node.module] if node.module else [])])]
            else:
                bases = [node.module or ""]
            names = [alias.name for alias in node.names]
        for base in bases:
            if not base.startswith("lambdaflow"):
                continue
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            targets.update(submodules or [base])
    targets.discard(name)
    return {t for t in targets if t in MODULES}


GRAPH = {name: arrows(name) for name in MODULES}
#: Public packages whose names resolve on first use (PEP 562): their `__init__` maps names to
#: modules with importlib, importing none of them itself.
LAZY_FACES = {"lambdaflow.events", "lambdaflow.http", "lambdaflow.durable"}


def _within(name: str, part: str) -> bool:
    """`name` is `part` or inside it (the package root itself holds nothing but its face)."""
    return name == part or (part != "lambdaflow" and name.startswith(part + "."))


def _part(name: str) -> str | None:
    return next((p for p in sorted(ALLOWED, key=len, reverse=True) if _within(name, p)), None)


def test_the_graph_sees_function_level_imports_and_skips_type_checking_blocks() -> None:
    assert "lambdaflow.framework.streaming" in GRAPH["lambdaflow.framework.app"]  # in a function
    assert "lambdaflow.metrics" not in GRAPH["lambdaflow.observability.emf"]  # TYPE_CHECKING only


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            connect(node)
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_run_one_way(name: str) -> None:
    part = _part(name)
    if part is None:
        return  # the public face (__main__, testing_plugin, http, durable ...): may use any part
    allowed = ALLOWED[part]
    against = sorted(
        target for target in GRAPH[name]
        if not _within(target, part) and not any(_within(target, a) for a in allowed)
    )
    assert against == [], f"{name} imports against the layer order"


def test_nothing_in_the_package_imports_the_emulator_or_the_test_client() -> None:
    """Test clients aside: the durable one runs the emulator's durable backend in process."""
    clients = ("lambdaflow.emulator", "lambdaflow.testing", "lambdaflow.durable.testing")
    for name, targets in GRAPH.items():
        if not name.startswith(clients):
            assert not {t for t in targets if t.startswith("lambdaflow.emulator")}, name
            assert "lambdaflow.testing" not in targets, name


def _reachable(name: str) -> set[str]:
    seen, pending = set(), [name]
    while pending:
        for target in GRAPH[pending.pop()]:
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


def test_nothing_reaches_the_emulator_but_the_test_clients_even_through_others() -> None:
    clients = ("lambdaflow.emulator", "lambdaflow.testing", "lambdaflow.durable.testing")
    for name in GRAPH:
        if not name.startswith(clients):
            assert not {t for t in _reachable(name) if t.startswith("lambdaflow.emulator")}, name


def test_lazy_faces_import_only_the_resolver() -> None:
    """events, http and durable name their modules in `_EXPORTS`; their `__init__` loads none."""
    for name in LAZY_FACES:
        assert GRAPH[name] <= {"lambdaflow"}, name


def test_subpackage_inits_import_nothing() -> None:
    """Cold start: importing `lambdaflow.runtime` for one module must not load its siblings."""
    for name, path in MODULES.items():
        if path.name == "__init__.py" and name.count(".") >= 1 and name not in LAZY_FACES:
            assert _imports(ast.parse(path.read_text())) == [], name
