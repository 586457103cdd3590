"""No bench module or class shares a name with one of the runtime's or the emulator's.

A name should say which side it belongs to: `report.py` in two packages sends readers (and
greps) to the wrong one. Module names count without their package; classes are top-level ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.bench.conftest import REPO

BENCH = REPO / "bench"
OTHERS = (REPO / "lambdaflow", REPO / "lambdaflow" / "emulator")
PACKAGE_FILES = {"__init__", "__main__"}


def _modules(folder: Path, recursive: bool) -> list[Path]:
    paths = folder.rglob("*.py") if recursive else folder.glob("*.py")
    return [path for path in paths if path.stem not in PACKAGE_FILES]


def _classes(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def _names(modules: list[Path]) -> tuple[dict[str, Path], dict[str, Path]]:
    module_names = {path.stem: path for path in modules}
    class_names = {name: path for path in modules for name in _classes(path)}
    return module_names, class_names


def test_bench_names_are_its_own() -> None:
    bench_modules, bench_classes = _names(_modules(BENCH, recursive=True))
    other_modules, other_classes = _names([p for o in OTHERS for p in _modules(o, False)])
    clashes = [
        f"{kind} {name}: {mine.relative_to(REPO)} and {theirs[name].relative_to(REPO)}"
        for kind, ours, theirs in (("module", bench_modules, other_modules),
                                   ("class", bench_classes, other_classes))
        for name, mine in sorted(ours.items())
        if name in theirs
    ]
    assert clashes == []


def test_runtime_and_emulator_names_are_their_own() -> None:
    runtime_modules, runtime_classes = _names(_modules(OTHERS[0], False))
    emulator_modules, emulator_classes = _names(_modules(OTHERS[1], False))
    clashes = sorted(
        {*runtime_modules.keys() & emulator_modules.keys()}
        | {f"class {name}" for name in runtime_classes.keys() & emulator_classes.keys()}
    )
    assert clashes == []
