"""The domain core is pure: standard library only, no clock, no randomness of its own.

These tests read the source with ``ast`` rather than importing it, so a forbidden import is
caught even in a branch that never runs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import app.deliberation

CORE = Path(app.deliberation.__file__).parent
MODULES = sorted(CORE.rglob("*.py"))

# Named explicitly as well, so the message says what went wrong even if one of them were ever
# to shadow a standard-library name.
FRAMEWORKS = {
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "jinja2",
    "jinja2_fragments",
    "httpx",
    "redis",
    "pydantic",
    "uvicorn",
    "babel",
    "app",
}
# Standard-library modules that would give the core a clock, randomness or the outside world.
IMPURE_STDLIB = {
    "random",
    "secrets",
    "time",
    "uuid",
    "os",
    "socket",
    "subprocess",
    "threading",
    "asyncio",
    "sqlite3",
    "logging",
    "gettext",
    "importlib",
}
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def imports_of(path: Path) -> list[tuple[int, str, int]]:
    """(line, top-level module name, relative level) for each import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split(".")[0], 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            top = (node.module or "").split(".")[0]
            found.append((node.lineno, top, node.level))
    return found


def test_the_core_has_modules_to_check() -> None:
    names = {path.stem for path in MODULES} | {path.parent.name for path in MODULES}
    assert {"phases", "proposals", "rules", "pots", "permissions", "errors"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_a_core_module_imports_only_the_standard_library_or_its_siblings(path: Path) -> None:
    for line, top, level in imports_of(path):
        where = f"{path.name}:{line}"
        if level:
            # Relative imports stay in the core: at most as many dots as the module is deep.
            depth = len(path.relative_to(CORE).parts)
            assert level <= depth, f"{where} reaches out of app.deliberation with a relative import"
            continue
        assert top not in FRAMEWORKS, f"{where} imports {top}"
        assert top in sys.stdlib_module_names, f"{where} imports {top}, not standard library"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_a_core_module_brings_no_clock_or_randomness_of_its_own(path: Path) -> None:
    for line, top, level in imports_of(path):
        if not level:
            assert top not in IMPURE_STDLIB, f"{path.name}:{line} imports {top}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_a_core_module_never_reads_the_clock_or_imports_dynamically(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                assert func.attr not in CLOCK_CALLS, (
                    f"{path.name}:{node.lineno} calls .{func.attr}()"
                )
            if isinstance(func, ast.Name):
                assert func.id not in {"__import__", "exec", "eval", "open"}, (
                    f"{path.name}:{node.lineno} calls {func.id}()"
                )


def test_the_purity_check_would_catch_a_framework_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from __future__ import annotations\n"
        "import json\n"
        "from fastapi import HTTPException\n"
        "from ..db import engine\n"
        "from .errors import NotFound\n",
        encoding="utf-8",
    )
    assert imports_of(bad) == [
        (1, "__future__", 0),
        (2, "json", 0),
        (3, "fastapi", 0),
        (4, "db", 2),
        (5, "errors", 1),
    ]


def test_importing_the_whole_core_loads_no_framework() -> None:
    names = ", ".join(
        "app.deliberation." + ".".join(path.relative_to(CORE).with_suffix("").parts)
        for path in MODULES
        if path.stem != "__init__"
    )
    program = (
        "import sys\n"
        "before = set(sys.modules)\n"
        f"import {names}\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=CORE.parent.parent,
    ).stdout.split()
    outside = {name for name in loaded if name not in sys.stdlib_module_names} - {"app"}
    assert "app" in loaded
    assert not outside, f"importing the core also loaded {sorted(outside)}"
