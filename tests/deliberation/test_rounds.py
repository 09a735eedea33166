"""A round's moves: one phase at a time, closing publishes, the live result until closed."""

from __future__ import annotations

import pytest

from app.deliberation.errors import Conflict, PhaseConflict
from app.deliberation.events import LiveResultsChanged, PhaseChanged, ResultPublished, RoundCreated
from app.deliberation.phases import Phase
from app.deliberation.rounds import Round, budget_within, next_phase


def _round(phase: Phase = Phase.DRAFT, *, show_live: bool = False) -> Round:
    return Round("r-1", "Runde 1", "approval", 50_000_00, phase=phase, show_live=show_live)


def test_a_new_round_is_a_draft_and_says_so_once() -> None:
    created = Round.create(
        "r-1", title="Runde 1", method="approval", params={}, budget_minor=500, show_live=True
    )
    assert created.round.phase is Phase.DRAFT
    assert created.round.show_live
    [event] = created.events
    assert isinstance(event, RoundCreated)
    assert event.payload() == {"round_id": "r-1"}
    assert event.audit().after == {
        "title": "Runde 1",
        "method": "approval",
        "params": {},
        "budget_minor": 500,
        "show_live": True,
    }


@pytest.mark.parametrize(
    ("phase", "following"),
    [
        (Phase.DRAFT, Phase.PROPOSING),
        (Phase.PROPOSING, Phase.DISCUSSING),
        (Phase.DISCUSSING, Phase.VOTING),
        (Phase.VOTING, Phase.CLOSED),
        (Phase.CLOSED, None),
    ],
)
def test_the_next_phase_map_lives_in_the_core(phase: Phase, following: Phase | None) -> None:
    assert _round(phase).next_phase is following
    assert next_phase(phase.value) == (following.value if following else None)


def test_a_move_returns_the_new_round_and_the_change_with_before_and_after() -> None:
    draft = _round()
    change = draft.open_for_proposals()
    assert change.round.phase is Phase.PROPOSING
    assert draft.phase is Phase.DRAFT
    [event] = change.events
    assert isinstance(event, PhaseChanged)
    assert event.payload() == {"round_id": "r-1", "phase": "proposing"}
    audit = event.audit()
    assert (audit.subject_type, audit.subject_id) == ("round", "r-1")
    assert audit.before == {"phase": "draft"}
    assert audit.after == {"phase": "proposing"}


def test_closing_publishes_the_result_after_the_phase_change() -> None:
    change = _round(Phase.VOTING).close()
    assert change.round.closed
    assert [type(e) for e in change.events] == [PhaseChanged, ResultPublished]
    assert change.events[1].payload() == {"round_id": "r-1"}


@pytest.mark.parametrize(
    ("phase", "target"),
    [
        (Phase.DRAFT, Phase.DISCUSSING),
        (Phase.DRAFT, Phase.CLOSED),
        (Phase.PROPOSING, Phase.DRAFT),
        (Phase.VOTING, Phase.DISCUSSING),
        (Phase.DISCUSSING, Phase.DISCUSSING),
    ],
)
def test_a_round_never_skips_or_goes_back(phase: Phase, target: Phase) -> None:
    with pytest.raises(PhaseConflict) as refused:
        _round(phase).move_to(target)
    assert refused.value.code == "illegal_phase_move"


def test_a_closed_round_stands() -> None:
    with pytest.raises(PhaseConflict) as refused:
        _round(Phase.CLOSED).move_to(Phase.VOTING)
    assert refused.value.code == "round_closed"


def test_showing_the_result_live_changes_once_and_not_after_the_close() -> None:
    change = _round(Phase.VOTING).show_result_live(True)
    assert change.round.show_live
    [event] = change.events
    assert isinstance(event, LiveResultsChanged)
    assert event.payload() == {"round_id": "r-1", "show_live": True}
    assert event.audit().before == {"show_live": False}
    same = change.round.show_result_live(True)
    assert same.round == change.round
    assert same.events == ()
    with pytest.raises(Conflict) as refused:
        _round(Phase.CLOSED).show_result_live(True)
    assert refused.value.code == "round_closed"


@pytest.mark.parametrize("phase", list(Phase))
def test_each_phase_takes_what_it_takes(phase: Phase) -> None:
    checks = {
        "proposals": (_round(phase).require_proposals_open, {Phase.PROPOSING}),
        "comments": (_round(phase).require_comments_open, {Phase.PROPOSING, Phase.DISCUSSING}),
        "ballots": (_round(phase).require_voting_open, {Phase.VOTING}),
    }
    for check, open_in in checks.values():
        if phase in open_in:
            check()
        else:
            with pytest.raises(PhaseConflict):
                check()


def test_a_budget_is_at_most_what_the_pot_has() -> None:
    assert budget_within(None, 700) == 700
    assert budget_within(300, 700) == 300
    with pytest.raises(Conflict) as empty:
        budget_within(None, 0)
    assert empty.value.code == "pot_empty"
    with pytest.raises(Conflict) as over:
        budget_within(701, 700)
    assert over.value.code == "budget_exceeds_pot"
    assert over.value.field == "budget_minor"
