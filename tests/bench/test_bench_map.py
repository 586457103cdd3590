"""Every benchmark is reachable from `python -m bench`, and the module maps cannot drift.

A benchmark is a bench module with a top-level `main`: it must be a subcommand, or be started by
another bench module (`python -m bench.memtrace`, which `--mem` runs). The maps are the package
docstrings of bench/ and bench/toys/, one "- `name`:" line a module (a subpackage as
`name/`), as for lambdaflow's packages; `python -m bench --help` shows each subcommand with its
module's own docstring.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from bench.__main__ import SUBCOMMANDS
from tests.bench.conftest import REPO

BENCH = REPO / "bench"
ENTRY = re.compile(r"^- `([\w.]+/?)`:", re.MULTILINE)


def dotted(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    return {dotted(path): ast.parse(path.read_text()) for path in sorted(BENCH.rglob("*.py"))}


def string_constants(tree: ast.Module) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_benchmark_is_a_subcommand_or_started_by_one() -> None:
    trees = modules()
    benchmarks = {
        name
        for name, tree in trees.items()
        if not name.startswith("bench.toys")  # toys are run by the benchmarks and the tests
        and name != "bench.__main__"
        and any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body)
    }
    started = {
        constant
        for name, tree in trees.items()
        for constant in string_constants(tree)
        if constant in trees and constant != name
    }
    unreachable = benchmarks - set(SUBCOMMANDS.values()) - started
    assert not unreachable, f"benchmarks `python -m bench` cannot run: {sorted(unreachable)}"
    assert "bench.memtrace" in started  # the rule's one exception today is seen as such


def test_every_subcommand_names_a_module_with_main() -> None:
    trees = modules()
    for subcommand, module in SUBCOMMANDS.items():
        assert module in trees, f"{subcommand}: no module {module}"
        names = {node.name for node in trees[module].body if isinstance(node, ast.FunctionDef)}
        assert "main" in names, f"{subcommand}: {module} has no main()"


def test_each_package_docstring_lists_exactly_its_modules() -> None:
    for package in (BENCH, BENCH / "toys"):
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
        modules = {path.stem for path in package.glob("*.py") if path.stem != "__init__"}
        subpackages = {f"{path.parent.name}/" for path in package.glob("*/__init__.py")}
        assert set(ENTRY.findall(docstring)) == modules | subpackages, package


def test_help_lists_every_subcommand_with_its_modules_docstring() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = dict(line.strip().split("  ", 1) for line in run.stdout.splitlines()[3:])
    trees = modules()
    assert list(rows) == list(SUBCOMMANDS)
    for subcommand, module in SUBCOMMANDS.items():
        docstring = ast.get_docstring(trees[module])
        assert docstring, f"{module} has no docstring to say what it measures"
        assert rows[subcommand].strip() == " ".join(docstring.split("\n\n")[0].split())


def test_unknown_subcommand_is_refused_with_the_usage() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", "no-such-benchmark"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "usage: python -m bench {" in run.stderr and "events" in run.stderr
