"""Puljen's voting rules against real elections: pabulib files and pabutools 1.2.3's outcomes
(tests/fixtures/pabulib/, see its README for provenance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.deliberation.interop import compute_pb
from app.deliberation.methods import Method
from app.deliberation.pabulib import Instance, read

FIXTURES = Path(__file__).parent / "fixtures" / "pabulib"
REFERENCE = json.loads((FIXTURES / "reference_outputs_pabutools_1.2.3.json").read_text())
APPROVAL = sorted(f for f, r in REFERENCE.items() if r["vote_type"] == "approval")
CUMULATIVE = sorted(f for f, r in REFERENCE.items() if r["vote_type"] == "cumulative")


def _instance(name: str) -> Instance:
    return read((FIXTURES / name).read_text(encoding="utf-8-sig"))


def _as_reference(funded: tuple[str, ...]) -> list[str]:
    """The reference lists projects sorted by (length, text)."""
    return sorted(funded, key=lambda pid: (len(pid), pid))


@pytest.mark.parametrize("name", APPROVAL)
def test_greedy_by_approvals_matches_the_reference(name: str) -> None:
    result = compute_pb(_instance(name), Method.APPROVAL)
    assert _as_reference(result.funded) == REFERENCE[name]["greedy"]


@pytest.mark.parametrize("name", CUMULATIVE)
def test_greedy_by_points_matches_the_reference(name: str) -> None:
    result = compute_pb(_instance(name), Method.CUMULATIVE)
    assert _as_reference(result.funded) == REFERENCE[name]["greedy"]


@pytest.mark.parametrize("name", APPROVAL)
def test_equal_shares_without_completion_matches_the_reference(name: str) -> None:
    result = compute_pb(_instance(name), Method.EQUAL_SHARES, "none")
    assert _as_reference(result.funded) == REFERENCE[name]["mes"]


@pytest.mark.parametrize("name", APPROVAL)
def test_equal_shares_with_add1_matches_the_reference_and_the_cities(name: str) -> None:
    result = compute_pb(_instance(name), Method.EQUAL_SHARES, "add1")
    assert _as_reference(result.funded) == REFERENCE[name]["mes_add1_no_exhaustive_stop"]
    if REFERENCE[name].get("add1_no_stop_matches_official"):
        assert _as_reference(result.funded) == REFERENCE[name]["official_selected"]


@pytest.mark.parametrize("name", CUMULATIVE)
def test_equal_shares_by_points_matches_the_reference_on_cumulative_files(name: str) -> None:
    """On a cumulative file, supporters pay in proportion to their points (pabutools'
    additive cardinal utility), with and without add1."""
    instance = _instance(name)
    none = compute_pb(instance, Method.EQUAL_SHARES, "none")
    assert _as_reference(none.funded) == REFERENCE[name]["mes"]
    add1 = compute_pb(instance, Method.EQUAL_SHARES, "add1")
    assert _as_reference(add1.funded) == REFERENCE[name]["mes_add1_no_exhaustive_stop"]


@pytest.mark.parametrize("name", APPROVAL + CUMULATIVE)
def test_no_rule_spends_more_than_the_budget(name: str) -> None:
    instance = _instance(name)
    method = Method.CUMULATIVE if name in CUMULATIVE else Method.EQUAL_SHARES
    result = compute_pb(instance, method, "greedy")
    costs = {p.id: p.cost for p in instance.projects}
    assert sum(costs[p] for p in result.funded) <= instance.budget
    assert result.spent_minor + result.leftover_minor == instance.budget
