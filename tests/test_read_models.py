"""Use cases hand the web read models, never table rows; the web never opens a session.

``tests/test_layers.py`` checks the imports; this checks what crosses the border anyway: the
return types of every use case the web can call (one that takes ``Services``), followed
through the dataclasses they return, and any ``….db`` the web reaches for by itself.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel

import app.usecases
import app.web
from app.infra.tables import RoundRow
from app.usecases import models


def _use_cases() -> Iterator[tuple[str, Any]]:
    """Every public function of ``app.usecases`` that a caller with ``Services`` can call."""
    for info in pkgutil.iter_modules(app.usecases.__path__):
        module = importlib.import_module(f"app.usecases.{info.name}")
        for name, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and function.__module__ == module.__name__
                and not name.startswith("_")
                and "services" in inspect.signature(function).parameters
            ):
                yield f"{module.__name__}.{name}", function


def rows_in(hint: Any, seen: set[Any] | None = None) -> set[str]:
    """The table classes anywhere in a type: in its arguments, in a dataclass's fields."""
    seen = set() if seen is None else seen
    if hint in seen:
        return set()
    seen.add(hint)
    if isinstance(hint, type) and issubclass(hint, SQLModel) and hasattr(hint, "__table__"):
        return {hint.__name__}
    found: set[str] = set()
    for argument in typing.get_args(hint):
        found |= rows_in(argument, seen)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        for field_type in typing.get_type_hints(hint).values():
            found |= rows_in(field_type, seen)
    return found


USE_CASES = sorted(_use_cases())


def test_there_are_use_cases_to_check() -> None:
    names = {name for name, _ in USE_CASES}
    assert {"app.usecases.live.load_snapshot", "app.usecases.rounds.cast_ballot"} <= names


@pytest.mark.parametrize(("name", "function"), USE_CASES, ids=[n for n, _ in USE_CASES])
def test_a_use_case_hands_out_no_table_row(name: str, function: Any) -> None:
    returned = typing.get_type_hints(function).get("return")
    assert not rows_in(returned), f"{name} returns {returned}"


@dataclasses.dataclass
class _Inner:
    rounds: list[RoundRow]


@dataclasses.dataclass
class _Outer:
    inner: _Inner | None


def test_the_check_finds_a_row_deep_inside_what_is_returned() -> None:
    assert rows_in(tuple[str, _Outer]) == {"RoundRow"}
    assert rows_in(dict[str, list[models.Round]]) == set()


def test_a_read_model_is_a_frozen_copy_of_its_row() -> None:
    row = RoundRow(workshop_id="w", title="t", method="approval", budget_minor=100, params={})
    read = models.Round.of(row)
    assert (read.id, read.title, read.phase, read.show_live) == (row.id, "t", "draft", False)
    row.params["points"] = 10  # the row changes later: the read model does not
    assert read.params == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.phase = "voting"  # type: ignore[misc]


def _db_reached_for(source: str) -> list[int]:
    """Lines where the code reaches for a database of its own (``services.db``, ``.engine``)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in {"db", "engine"}
    ]


WEB_ROOT = Path(app.web.__file__).parent
WEB = sorted(WEB_ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", WEB, ids=lambda p: str(p.relative_to(WEB_ROOT)))
def test_the_web_never_opens_a_database_session(path: Path) -> None:
    assert not _db_reached_for(path.read_text(encoding="utf-8"))


def test_the_session_check_sees_one() -> None:
    source = "def f(services):\n    with services.db.reading() as s:\n        pass\n"
    assert _db_reached_for(source) == [2]
