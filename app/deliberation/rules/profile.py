"""Approval ballots grouped: voters with the same approvals count once, with a weight."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .outcome import Candidate

__all__ = ["Profile"]


class Profile:
    """Voters grouped by identical approvals; per candidate, the groups that support it."""

    def __init__(self, candidates: Sequence[Candidate], ballots: Sequence[Collection[str]]):
        known = {c.id for c in candidates}
        groups: dict[frozenset[str], int] = {}
        for ballot in ballots:
            key = frozenset(ballot) & known
            if key:
                groups[key] = groups.get(key, 0) + 1
        self.sets = list(groups)
        self.counts = [groups[s] for s in self.sets]
        self.supporters: dict[str, list[int]] = {c.id: [] for c in candidates}
        for index, approved in enumerate(self.sets):
            for candidate_id in approved:
                self.supporters[candidate_id].append(index)
        self.approvals = {
            cid: sum(self.counts[g] for g in groups_) for cid, groups_ in self.supporters.items()
        }
