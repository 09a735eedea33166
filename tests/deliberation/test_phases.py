"""A round moves draft → proposing → discussing → voting → closed, one step, only forward."""

from __future__ import annotations

import itertools

import pytest

from app.deliberation.errors import Conflict, PhaseConflict
from app.deliberation.phases import Phase, advance, require_phase

ORDER = [Phase.DRAFT, Phase.PROPOSING, Phase.DISCUSSING, Phase.VOTING, Phase.CLOSED]
LEGAL = list(itertools.pairwise(ORDER))
ILLEGAL = [
    (current, target)
    for current, target in itertools.product(ORDER, ORDER)
    if (current, target) not in LEGAL
]
ILLEGAL_BEFORE_CLOSED = [(c, t) for c, t in ILLEGAL if c is not Phase.CLOSED]


def move_id(move: tuple[Phase, Phase]) -> str:
    return f"{move[0]}->{move[1]}"


def test_the_phases_are_the_contract_s_five_in_order() -> None:
    assert list(Phase) == ORDER
    assert [p.value for p in Phase] == ["draft", "proposing", "discussing", "voting", "closed"]


def test_each_phase_knows_the_one_after_it_and_closed_has_none() -> None:
    assert [p.next for p in ORDER] == [*ORDER[1:], None]


@pytest.mark.parametrize("move", LEGAL, ids=move_id)
def test_a_round_may_take_one_step_forward(move: tuple[Phase, Phase]) -> None:
    current, target = move
    assert advance(current, target) is target


def test_a_round_can_walk_from_draft_to_closed_step_by_step() -> None:
    phase = Phase.DRAFT
    for target in ORDER[1:]:
        phase = advance(phase, target)
    assert phase is Phase.CLOSED


def test_there_are_exactly_four_legal_moves_and_twenty_one_illegal_ones() -> None:
    assert len(LEGAL) == 4
    assert len(ILLEGAL) == 21


@pytest.mark.parametrize("move", ILLEGAL_BEFORE_CLOSED, ids=move_id)
def test_an_illegal_move_before_closed_is_an_illegal_phase_move(
    move: tuple[Phase, Phase],
) -> None:
    current, target = move
    with pytest.raises(PhaseConflict) as caught:
        advance(current, target)
    assert caught.value.code == "illegal_phase_move"
    assert caught.value.field == "phase"
    following = ORDER[ORDER.index(current) + 1]
    assert caught.value.params == {"current": current.value, "next": following.value}
    assert isinstance(caught.value, Conflict)


@pytest.mark.parametrize("target", ORDER, ids=str)
def test_nothing_leaves_closed_because_a_published_result_stands(target: Phase) -> None:
    with pytest.raises(PhaseConflict) as caught:
        advance(Phase.CLOSED, target)
    assert caught.value.code == "round_closed"


def test_a_round_cannot_skip_from_proposing_to_voting() -> None:
    with pytest.raises(PhaseConflict, match="the next phase is discussing"):
        advance(Phase.PROPOSING, Phase.VOTING)


def test_a_round_cannot_skip_from_draft_to_closed() -> None:
    with pytest.raises(PhaseConflict) as caught:
        advance(Phase.DRAFT, Phase.CLOSED)
    assert caught.value.code == "illegal_phase_move"


def test_a_round_cannot_step_back_from_voting_to_discussing() -> None:
    with pytest.raises(PhaseConflict) as caught:
        advance(Phase.VOTING, Phase.DISCUSSING)
    assert caught.value.code == "illegal_phase_move"


def test_a_round_cannot_move_to_the_phase_it_is_in() -> None:
    for phase in ORDER[:-1]:
        with pytest.raises(PhaseConflict) as caught:
            advance(phase, phase)
        assert caught.value.code == "illegal_phase_move"


def test_reopening_voting_from_closed_is_refused_as_closed() -> None:
    with pytest.raises(PhaseConflict) as caught:
        advance(Phase.CLOSED, Phase.VOTING)
    assert caught.value.code == "round_closed"


@pytest.mark.parametrize(
    ("phase", "proposals", "comments", "ballots"),
    [
        (Phase.DRAFT, False, False, False),
        (Phase.PROPOSING, True, True, False),
        (Phase.DISCUSSING, False, True, False),
        (Phase.VOTING, False, False, True),
        (Phase.CLOSED, False, False, False),
    ],
    ids=str,
)
def test_each_phase_accepts_only_what_the_contract_allows(
    phase: Phase, proposals: bool, comments: bool, ballots: bool
) -> None:
    assert phase.accepts_proposals is proposals
    assert phase.accepts_comments is comments
    assert phase.accepts_ballots is ballots


def test_require_phase_passes_when_allowed() -> None:
    require_phase(Phase.VOTING, Phase.VOTING.accepts_ballots, "Ballots only while voting.")


def test_require_phase_raises_a_wrong_phase_conflict_naming_the_phase() -> None:
    with pytest.raises(PhaseConflict) as caught:
        require_phase(Phase.DISCUSSING, Phase.DISCUSSING.accepts_ballots, "Not in {phase}.")
    assert caught.value.code == "wrong_phase"
    assert caught.value.params == {"phase": "discussing"}
    assert caught.value.text() == "Not in discussing."
