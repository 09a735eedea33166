"""Voting rules: from a round's proposals and ballots to the proposals the pot funds.

Pure functions with exact arithmetic (integers and ``fractions.Fraction``). Ties are broken
the documented way: among equal scores the cheaper proposal first, then the one with more
approvals (or points), then the earlier submitted (``position``). No rule ever funds more
than the budget it is given, and every result carries a reason per proposal.
"""

from __future__ import annotations

from .outcome import Candidate, Reason, Result

__all__ = ["Candidate", "Reason", "Result", "compute_result"]

from .dispatch import compute_result
