"""The layers you can see in the tree, and the one direction their imports point.

    web  →  usecases  →  deliberation (the core)
      ↘        ↓
        infra (settings, database, tables, hub, tokens)

The entry points (``app.main``, ``app.cli``, ``app.demo``) wire the layers together and may
import any of them. Tables are storage: only infrastructure and use cases touch them, and the
web layer never opens a database session itself. The core's own purity (standard library
only, no clock) is checked in ``tests/deliberation/test_purity.py``.

The source is read with ``ast``, so an import inside a function or a ``TYPE_CHECKING`` block
counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app

ROOT = Path(app.__file__).parent
ENTRY_POINTS = {"app", "app.main", "app.cli", "app.demo"}

# What each layer may import from the app, besides itself.
ALLOWED: dict[str, set[str]] = {
    "app.deliberation": set(),
    "app.infra": {"app.deliberation"},
    "app.usecases": {"app.deliberation", "app.infra"},
    "app.web": {"app.deliberation", "app.infra", "app.usecases"},
}
# Modules that only the layers below the web may import, even where the package is allowed.
BELOW_THE_WEB = {"app.infra.db", "app.infra.tables"}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import of an ``app`` module in ``source``."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # ``from app.web import labels`` imports the module ``app.web.labels``.
            found.extend((node.lineno, f"{target}.{alias.name}") for alias in node.names)
            found.append((node.lineno, target))
    return [(line, name) for line, name in found if name == "app" or name.startswith("app.")]


def layer_of(module: str) -> str | None:
    for layer in ALLOWED:
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def wrong_way_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """What ``module`` imports that its layer may not, as readable complaints."""
    layer = layer_of(module)
    if layer is None:
        return []
    complaints = []
    for line, target in imported_modules(source, module, is_package):
        if target in {"app", module} or target.startswith(module + "."):
            continue
        other = layer_of(target)
        if other == layer:
            continue
        if other is None and target not in ENTRY_POINTS:
            continue  # a name imported from a package (``from app.web import labels``)
        if other not in ALLOWED[layer]:
            complaints.append(f"{module}:{line} ({layer}) imports {target}")
        elif layer == "app.web" and any(
            target == hidden or target.startswith(hidden + ".") for hidden in BELOW_THE_WEB
        ):
            complaints.append(f"{module}:{line} (web) imports {target}: use a use case")
    return complaints


MODULES = sorted(ROOT.rglob("*.py"))


def test_every_module_of_the_app_is_in_a_layer_or_an_entry_point() -> None:
    names = {module_name(path) for path in MODULES}
    loose = {n for n in names if layer_of(n) is None and n not in ENTRY_POINTS}
    assert not loose, f"modules outside the layers: {sorted(loose)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not wrong_way_imports(source, module_name(path), path.stem == "__init__")


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("app.usecases.rounds", "from app.web import views\n", "imports app.web"),
        ("app.usecases.rounds", "from app.web.views import phone\n", "imports app.web"),
        ("app.infra.hub", "from app.usecases.unit import Services\n", "imports app.usecases"),
        ("app.deliberation.pots", "import app.infra.clock\n", "imports app.infra.clock"),
        ("app.web.routes.api", "from app.infra.tables import RoundRow\n", "use a use case"),
        ("app.web.routes.api", "from app.infra import db\n", "use a use case"),
        ("app.web.routes.api", "from ...infra.tables import RoundRow\n", "use a use case"),
        ("app.web.views", "from app.main import create_app\n", "imports app.main"),
    ],
)
def test_the_layer_check_catches_a_wrong_way_import(
    module: str, source: str, complaint: str
) -> None:
    complaints = wrong_way_imports(source, module)
    assert complaints
    assert complaint in complaints[0]


def test_the_layer_check_lets_the_right_way_through() -> None:
    source = (
        "from app.usecases import rounds\n"
        "from app.deliberation.errors import NotFound\n"
        "from app.infra.config import Settings\n"
        "from .deps import Services\n"
    )
    assert wrong_way_imports(source, "app.web.routes.api") == []
