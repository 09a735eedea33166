"""The voting methods a round can use, and the parameters each takes."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from fractions import Fraction

from .errors import InvalidInput
from .text import N_

__all__ = ["POINTS", "Method", "parse_method", "validate_params"]

POINTS = 10  # what each member shares out in a cumulative round, unless the round says


_PARAMS: dict[str, frozenset[str]] = {
    "cumulative": frozenset({"points"}),
    "consent": frozenset({"threshold", "max_no"}),
    "equal_shares": frozenset({"completion"}),
}


class Method(enum.StrEnum):
    APPROVAL = "approval"
    EQUAL_SHARES = "equal_shares"
    KNAPSACK = "knapsack"
    CUMULATIVE = "cumulative"
    CONSENT = "consent"


COMPLETIONS = ("add1", "greedy", "none")


def parse_method(value: str) -> Method:
    """The method named ``value``, if Puljen knows it."""
    try:
        return Method(value)
    except ValueError:
        raise InvalidInput(
            N_("Unknown voting method. Choose one of: {choices}."),
            field="method",
            params={"choices": ", ".join(m.value for m in Method)},
        ) from None


def _whole(value: object, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            N_("{field} must be a whole number from {low} to {high}."),
            field=f"params.{name}",
            params={"field": f"params.{name}", "low": low, "high": high},
        )
    return value


def _share(value: object) -> str:
    """A threshold between 0 and 1, kept exact as a decimal string (e.g. "0.5", "2/3")."""
    try:
        share = Fraction(str(value)) if not isinstance(value, bool) else None
    except (ValueError, ZeroDivisionError):
        share = None
    if share is None or not 0 < share <= 1:
        raise InvalidInput(
            N_("The share that must say yes is a number above 0 and at most 1, such as 0.5."),
            field="params.threshold",
        )
    return str(value)


def validate_params(method: Method, params: Mapping[str, object]) -> dict[str, object]:
    """The method's parameters with defaults filled in; unknown keys are refused so that a
    typo is not silently ignored."""
    allowed = _PARAMS.get(method, frozenset())
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(
            N_("The method {method} does not take the parameter {name}."),
            field=f"params.{unknown[0]}",
            params={"method": method.value, "name": unknown[0]},
        )
    if method is Method.CUMULATIVE:
        return {"points": _whole(params.get("points", POINTS), "points", 1, 100)}
    if method is Method.CONSENT:
        checked: dict[str, object] = {"threshold": _share(params.get("threshold", "0.5"))}
        if params.get("max_no") is not None:
            checked["max_no"] = _whole(params["max_no"], "max_no", 0, 1000)
        return checked
    if method is Method.EQUAL_SHARES:
        completion = params.get("completion", "add1")
        if completion not in COMPLETIONS:
            raise InvalidInput(
                N_("How money left over is used must be one of: {choices}."),
                field="params.completion",
                params={"choices": ", ".join(COMPLETIONS)},
            )
        return {"completion": completion}
    return {}
