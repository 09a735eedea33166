"""The voting methods a round can use, and the parameters each takes."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from .errors import InvalidInput
from .text import N_

__all__ = ["Method", "SUPPORTED_METHODS", "parse_method", "validate_params"]


class Method(enum.StrEnum):
    APPROVAL = "approval"
    EQUAL_SHARES = "equal_shares"
    KNAPSACK = "knapsack"
    CUMULATIVE = "cumulative"
    CONSENT = "consent"


SUPPORTED_METHODS: frozenset[Method] = frozenset({Method.APPROVAL})

_PARAMS: dict[Method, frozenset[str]] = {
    Method.APPROVAL: frozenset(),
}


def parse_method(value: str) -> Method:
    """The method named ``value``, if Puljen knows it and supports it yet."""
    try:
        method = Method(value)
    except ValueError:
        raise InvalidInput(
            N_("Unknown voting method. Choose one of: {choices}."),
            field="method",
            params={"choices": ", ".join(m.value for m in Method)},
        ) from None
    if method not in SUPPORTED_METHODS:
        raise InvalidInput(
            N_("The voting method {method} is not supported yet."),
            code="method_not_supported",
            field="method",
            params={"method": method.value},
        )
    return method


def validate_params(method: Method, params: Mapping[str, object]) -> dict[str, object]:
    """The method's parameters, with unknown keys refused so a typo is not silently ignored."""
    allowed = _PARAMS.get(method, frozenset())
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidInput(
            N_("The method {method} does not take the parameter {name}."),
            field=f"params.{unknown[0]}",
            params={"method": method.value, "name": unknown[0]},
        )
    return dict(params)
