"""Rules for the suite itself: a test module never imports another test module (shared
helpers live in tests/support.py or in conftest fixtures), so each runs alone and in any order
on any pytest-xdist worker."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_test_modules(source: str) -> list[str]:
    """The test modules (``tests.….test_…``) that ``source`` imports."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        found += [n for n in names if n.startswith("tests.") and "test_" in n.rsplit(".", 1)[-1]]
    return found


def test_no_test_module_imports_another() -> None:
    found = {
        str(path.relative_to(TESTS)): imported_test_modules(path.read_text(encoding="utf-8"))
        for path in TESTS.rglob("*.py")
    }
    assert {path: names for path, names in found.items() if names} == {}


def test_the_rule_sees_an_import_of_a_test_module() -> None:
    source = "from tests.test_decisions import closed_round\nimport tests.browser.test_x\n"
    assert imported_test_modules(source) == ["tests.test_decisions", "tests.browser.test_x"]
    assert imported_test_modules("from tests.support import closed_round") == []
