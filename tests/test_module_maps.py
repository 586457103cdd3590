"""The module maps cannot drift: each package's `__init__` docstring lists exactly its modules
and subpackages (`- \\`name\\`:` lines, a subpackage as `name/`), and the README's Layout names
every subpackage of lambdaflow."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lambdaflow"
#: events and http map their names to modules in code (`_EXPORTS`), which their tests check.
MAPPED = sorted(
    init.parent for init in PACKAGE.rglob("__init__.py")
    if init.parent.name not in ("events", "http")
)
ENTRY = re.compile(r"^- `([\w.]+/?)`:", re.MULTILINE)


def contents(package: Path) -> set[str]:
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    subpackages = {f"{p.parent.name}/" for p in package.glob("*/__init__.py")}
    return {m for m in modules if not m.startswith("_") or m == "__main__"} | subpackages


@pytest.mark.parametrize("package", MAPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_package_docstring_lists_exactly_its_modules(package: Path) -> None:
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    assert set(ENTRY.findall(docstring)) == contents(package)


def test_the_readme_layout_names_every_subpackage() -> None:
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"lambdaflow/([\w]+)/", layout))
    assert named == {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
