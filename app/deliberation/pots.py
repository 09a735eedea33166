"""Pot arithmetic: balances derived from an append-only ledger, in øre.

Each ledger entry moves money between the pot's columns; the balance after an entry is the
fold of every entry before it. ``available = total - reserved - approved - spent`` and no
entry may take ``available`` (or any column) below zero.

The money of a funded proposal goes *reserved* (the round funded it) → *approved* (the
caseworker approved it) → *spent* (paid out); what is released or returned is available
again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import InvalidInput, PotOverspent
from .text import N_

__all__ = ["Balance", "EntryKind", "effective_budget", "share_percent"]


def share_percent(part_minor: int, whole_minor: int) -> float:
    """How much of ``whole`` ``part`` is, in percent to two decimals (a bar's width); a
    whole of nothing counts as one øre, so nothing divides by zero."""
    return round(100 * part_minor / (whole_minor or 1), 2)


class EntryKind(enum.StrEnum):
    GRANT = "grant"  # money put into the pot
    RESERVE = "reserve"  # a round funded a proposal
    RELEASE = "release"  # a reservation given back (rejected, or approved for less)
    APPROVE = "approve"  # a reservation approved by a caseworker
    PAY = "pay"  # approved money paid out
    RETURN = "return"  # approved money not spent, back in the pot when a decision completes
    REFUND = "refund"  # paid money came back
    ADJUST = "adjust"  # a correction of the total (signed)


@dataclass(frozen=True, slots=True)
class Balance:
    total_minor: int = 0
    reserved_minor: int = 0
    spent_minor: int = 0
    approved_minor: int = 0

    @property
    def available_minor(self) -> int:
        return self.total_minor - self.reserved_minor - self.approved_minor - self.spent_minor

    @property
    def parts(self) -> tuple[tuple[str, int], ...]:
        """The pot split into the four columns that add up to it, as views show them: what
        is spent, approved, reserved, and available (names as in ``<name>_minor``)."""
        return (
            ("spent", self.spent_minor),
            ("approved", self.approved_minor),
            ("reserved", self.reserved_minor),
            ("available", self.available_minor),
        )

    def percent(self, amount_minor: int) -> float:
        """``amount_minor`` as a share of the pot, in percent (0 for an empty pot): the width
        of a part in a pot meter."""
        if self.total_minor <= 0:
            return 0.0
        return round(100 * max(0, amount_minor) / self.total_minor, 2)

    def apply(self, kind: EntryKind, amount_minor: int) -> Balance:
        """The balance after one entry; raises if the entry is malformed or overspends."""
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
            raise InvalidInput(N_("Amounts are whole numbers of øre."), field="amount_minor")
        if kind is not EntryKind.ADJUST and amount_minor <= 0:
            raise InvalidInput(N_("The amount must be above zero."), field="amount_minor")
        total, reserved = self.total_minor, self.reserved_minor
        approved, spent = self.approved_minor, self.spent_minor
        if kind in (EntryKind.GRANT, EntryKind.ADJUST):
            total += amount_minor
        elif kind is EntryKind.RESERVE:
            reserved += amount_minor
        elif kind is EntryKind.RELEASE:
            reserved -= amount_minor
        elif kind is EntryKind.APPROVE:
            reserved -= amount_minor
            approved += amount_minor
        elif kind is EntryKind.PAY:
            approved -= amount_minor
            spent += amount_minor
        elif kind is EntryKind.RETURN:
            approved -= amount_minor
        elif kind is EntryKind.REFUND:
            spent -= amount_minor
        else:
            raise InvalidInput(N_("Unknown kind of ledger entry."), field="kind")
        after = Balance(total, reserved, spent, approved)
        if min(total, reserved, approved, spent, after.available_minor) < 0:
            raise PotOverspent(
                N_("The pot has {available} available; that needs {amount}."),
                params={"available_minor": self.available_minor, "amount_minor": amount_minor},
            )
        return after

    @classmethod
    def of(cls, entries: Iterable[tuple[EntryKind, int]]) -> Balance:
        balance = cls()
        for kind, amount_minor in entries:
            balance = balance.apply(kind, amount_minor)
        return balance


def effective_budget(round_budget_minor: int, balance: Balance) -> int:
    """What a round can fund when it closes: its budget, or less if the pot has less now."""
    return max(0, min(round_budget_minor, balance.available_minor))
