"""One event vocabulary: every event class has exactly one name, used on the wire, in the
outbox and in the audit trail; payloads never carry what only the trail may hold."""

from __future__ import annotations

import pytest

from app.deliberation import events
from app.deliberation.events import NAMES, Event


def _concrete_events() -> set[type[Event]]:
    """Every event class that is ever recorded: the subclasses of Event, but not the bases
    that only share fields (DecisionEvent, Changed)."""
    found: set[type[Event]] = set()
    todo = list(Event.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        # (a slots dataclass replaces the class it decorates: the module's class is the one)
        if getattr(events, cls.__name__) is cls and cls not in (
            events.DecisionEvent,
            events.Changed,
        ):
            found.add(cls)
    return found


def test_every_event_class_has_exactly_one_name() -> None:
    classes = _concrete_events()
    assert set(classes) == set(NAMES), "an event class without a name, or a name for none"
    for cls in classes:
        assert cls.type == NAMES[cls]
    names = list(NAMES.values())
    assert len(names) == len(set(names)), "two event classes share a name"
    assert set(events.__all__) - {"Event"} == {cls.__name__ for cls in classes}


def test_the_contracts_wire_names_stay() -> None:
    assert NAMES[events.PhaseChanged] == "round.phase"
    assert NAMES[events.ProposalSubmitted] == "proposal.created"
    assert NAMES[events.CommentAdded] == "comment.created"
    assert NAMES[events.BallotsChanged] == "ballots.changed"
    assert NAMES[events.ResultPublished] == "result.published"


def test_a_name_is_what_changed_dot_how() -> None:
    for name in NAMES.values():
        what, how = name.split(".")
        assert what, name
        assert how, name
    assert "proposal.submit" not in NAMES.values()


def test_what_only_the_audit_trail_holds_is_never_in_the_payload() -> None:
    submitted = events.ProposalSubmitted(
        round_id="r", proposal_id="p", after={"title": "Kørekort", "amount_minor": 100}
    )
    assert submitted.payload() == {"round_id": "r", "proposal_id": "p"}
    assert submitted.audit().after == {"title": "Kørekort", "amount_minor": 100}
    timer = events.TimerChanged(ends_at=None, workshop_id="w", after={"seconds": 0})
    assert timer.payload() == {"ends_at": None}
    assert (timer.audit().subject_type, timer.audit().subject_id) == ("workshop", "w")
    joined = events.MemberRejoined(member_id="m", members=3, after={"name": "Emil"})
    assert joined.payload() == {"member_id": "m", "members": 3}
    assert joined.name == ("member.rejoined")


def test_a_consequence_is_never_written_to_the_trail_on_its_own() -> None:
    for event in (
        events.ResultPublished(round_id="r"),
        events.BallotsChanged(round_id="r", ballots=1, members=2),
    ):
        with pytest.raises(TypeError, match="not written to the audit trail"):
            event.audit()
