"""Join codes, who may do what, and the events a workshop sends live."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deliberation import events
from app.deliberation.codes import ALPHABET, CODE_LENGTH, make_code, normalise_code
from app.deliberation.errors import InvalidInput, NotAllowed, NotFound
from app.deliberation.events import (
    BallotsChanged,
    CommentAdded,
    Event,
    MemberJoined,
    PhaseChanged,
    ProposalSubmitted,
    ResultPublished,
    RoundCreated,
)
from app.deliberation.permissions import Action, Actor, Role, require
from app.deliberation.phases import Phase

# Join codes


def test_a_code_is_six_characters_from_the_alphabet() -> None:
    code = make_code(random.Random(7).choice)
    assert len(code) == CODE_LENGTH == 6
    assert set(code) <= set(ALPHABET)


def test_the_same_seed_gives_the_same_code() -> None:
    assert make_code(random.Random(42).choice) == make_code(random.Random(42).choice)


def test_codes_draw_every_character_with_the_given_choice() -> None:
    drawn: list[str] = []

    def first(alphabet: str) -> str:
        drawn.append(alphabet)
        return alphabet[0]

    assert make_code(first) == ALPHABET[0] * 6
    assert drawn == [ALPHABET] * 6


@given(st.integers())
def test_a_new_code_is_already_normal(seed: int) -> None:
    code = make_code(random.Random(seed).choice)
    assert normalise_code(code) == code


def test_the_alphabet_has_no_look_alikes_no_vowels_and_no_repeats() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET)
    assert ALPHABET.upper() == ALPHABET
    assert not set(ALPHABET) & set("0O1IL2Z5S8BAEIOU")


@pytest.mark.parametrize(
    "typed",
    ["4KXR7M", "4kxr7m", "4kXr7M", "4KX-R7M", "4KX R7M", " 4kx-r7m ", "4-K-X-R-7-M", "\t4KXR7M"],
)
def test_a_typed_code_is_upper_cased_and_spaces_and_dashes_are_ignored(typed: str) -> None:
    assert normalise_code(typed) == "4KXR7M"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "4KXR7",  # too short
        "4KXR7MM",  # too long
        "0KXR7M",  # zero
        "OKXR7M",  # letter O
        "oKXR7M",
        "1KXR7M",  # one
        "IKXR7M",  # letter I
        "iKXR7M",
        "LKXR7M",  # letter L
        "lKXR7M",
        "AKXR7M",  # a vowel
        "4KX_R7M",
        "4KXR7M!",
        "\uff14KXR7M",  # a full-width digit
    ],
    ids=repr,
)
def test_a_code_of_the_wrong_length_or_with_a_look_alike_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_code(typed)
    assert caught.value.field == "code"
    assert caught.value.params["length"] == 6


@given(
    st.text(ALPHABET, min_size=6, max_size=6),
    st.lists(st.sampled_from([" ", "-", "\t", ""]), min_size=7, max_size=7),
    st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_any_code_survives_being_typed_sloppily(
    code: str, separators: list[str], lower: list[bool]
) -> None:
    typed = separators[0] + "".join(
        (ch.lower() if low else ch) + sep
        for ch, low, sep in zip(code, lower, separators[1:], strict=True)
    )
    assert normalise_code(typed) == code


# Permissions

ORG, OTHER_ORG = "org-1", "org-2"
WORKSHOP, OTHER_WORKSHOP = "ws-1", "ws-2"

FACILITATOR = Actor(Role.FACILITATOR, ORG, user_id="u-1")
APPROVER = Actor(Role.APPROVER, ORG, user_id="u-2")
ADMIN = Actor(Role.ADMIN, ORG, user_id="u-3")
MEMBER = Actor(Role.MEMBER, ORG, member_id="m-1", workshop_id=WORKSHOP)
SCREEN = Actor(Role.SCREEN, ORG, workshop_id=WORKSHOP)
EVERYONE = [FACILITATOR, APPROVER, ADMIN, MEMBER, SCREEN]


def role_of(actor: Actor) -> str:
    return actor.role.value


def refusal(actor: Actor, action: Action, workshop_id: str | None = WORKSHOP) -> str:
    with pytest.raises(NotAllowed) as caught:
        require(actor, action, organisation_id=ORG, workshop_id=workshop_id)
    return caught.value.code


@pytest.mark.parametrize("actor", EVERYONE, ids=role_of)
@pytest.mark.parametrize("action", list(Action), ids=str)
def test_things_of_another_organisation_are_not_found_whatever_the_role(
    actor: Actor, action: Action
) -> None:
    with pytest.raises(NotFound):
        require(actor, action, organisation_id=OTHER_ORG, workshop_id=WORKSHOP)


def test_a_member_may_cast_a_ballot_in_their_own_workshop() -> None:
    require(MEMBER, Action.CAST_BALLOT, organisation_id=ORG, workshop_id=WORKSHOP)


def test_a_member_may_not_cast_a_ballot_in_another_workshop() -> None:
    assert refusal(MEMBER, Action.CAST_BALLOT, OTHER_WORKSHOP) == "not_in_workshop"


@pytest.mark.parametrize(
    "action",
    [Action.VIEW_ROUND, Action.SUBMIT_PROPOSAL, Action.ADD_COMMENT, Action.VIEW_RESULT],
    ids=str,
)
def test_a_member_takes_part_only_in_their_own_workshop(action: Action) -> None:
    require(MEMBER, action, organisation_id=ORG, workshop_id=WORKSHOP)
    assert refusal(MEMBER, action, OTHER_WORKSHOP) == "not_in_workshop"


def test_a_member_without_a_workshop_is_in_none() -> None:
    drifter = Actor(Role.MEMBER, ORG, member_id="m-2")
    assert refusal(drifter, Action.CAST_BALLOT) == "not_in_workshop"


@pytest.mark.parametrize(
    "action",
    [Action.CREATE_GROUP, Action.VIEW_GROUP, Action.CREATE_WORKSHOP, Action.MANAGE_WORKSHOP],
    ids=str,
)
def test_a_member_may_not_run_the_organisation(action: Action) -> None:
    assert refusal(MEMBER, action) == "not_allowed"


@pytest.mark.parametrize("actor", [FACILITATOR, ADMIN, APPROVER, SCREEN], ids=role_of)
def test_only_a_member_casts_a_ballot(actor: Actor) -> None:
    assert refusal(actor, Action.CAST_BALLOT) == "not_allowed"


def test_a_refusal_names_the_role() -> None:
    with pytest.raises(NotAllowed) as caught:
        require(FACILITATOR, Action.CAST_BALLOT, organisation_id=ORG, workshop_id=WORKSHOP)
    assert caught.value.params == {"role": "facilitator"}


@pytest.mark.parametrize(
    "action",
    [
        Action.CREATE_GROUP,
        Action.VIEW_GROUP,
        Action.CREATE_WORKSHOP,
        Action.MANAGE_WORKSHOP,
        Action.VIEW_ROUND,
        Action.SUBMIT_PROPOSAL,
        Action.ADD_COMMENT,
        Action.VIEW_RESULT,
        Action.FOLLOW_EVENTS,
    ],
    ids=str,
)
def test_a_facilitator_may_run_any_workshop_of_their_organisation(action: Action) -> None:
    # Users are not tied to one workshop, so any workshop of the organisation is theirs.
    for workshop_id in (WORKSHOP, OTHER_WORKSHOP, None):
        require(FACILITATOR, action, organisation_id=ORG, workshop_id=workshop_id)


@pytest.mark.parametrize(
    "action", [Action.CREATE_WORKSHOP, Action.MANAGE_WORKSHOP, Action.CREATE_GROUP], ids=str
)
def test_an_approver_may_not_create_or_manage_workshops(action: Action) -> None:
    assert refusal(APPROVER, action) == "not_allowed"


def test_an_approver_may_view_the_group_and_its_pot() -> None:
    require(APPROVER, Action.VIEW_GROUP, organisation_id=ORG)


@pytest.mark.parametrize("action", [Action.VIEW_RESULT, Action.FOLLOW_EVENTS], ids=str)
def test_a_screen_may_show_results_and_follow_events_of_its_workshop(action: Action) -> None:
    require(SCREEN, action, organisation_id=ORG, workshop_id=WORKSHOP)
    assert refusal(SCREEN, action, OTHER_WORKSHOP) == "not_in_workshop"


@pytest.mark.parametrize(
    "action",
    [
        Action.SUBMIT_PROPOSAL,
        Action.ADD_COMMENT,
        Action.CAST_BALLOT,
        Action.MANAGE_WORKSHOP,
        Action.CREATE_WORKSHOP,
        Action.CREATE_GROUP,
        Action.VIEW_GROUP,
    ],
    ids=str,
)
def test_a_screen_is_read_only(action: Action) -> None:
    assert refusal(SCREEN, action) == "not_allowed"


def test_only_users_count_as_users() -> None:
    assert [actor.is_user for actor in EVERYONE] == [True, True, True, False, False]


def test_every_action_is_allowed_to_someone() -> None:
    for action in Action:
        allowed = []
        for actor in EVERYONE:
            try:
                require(actor, action, organisation_id=ORG, workshop_id=WORKSHOP)
            except NotAllowed:
                continue
            allowed.append(actor.role)
        assert allowed, f"nobody may {action}"


# Events

CONTRACT_EVENTS: list[tuple[Event, str, dict[str, object]]] = [
    (PhaseChanged("r-1", Phase.VOTING), "round.phase", {"round_id": "r-1", "phase": "voting"}),
    (
        ProposalSubmitted("r-1", "p-1"),
        "proposal.created",
        {"round_id": "r-1", "proposal_id": "p-1"},
    ),
    (
        CommentAdded("r-1", "p-1", "c-1"),
        "comment.created",
        {"round_id": "r-1", "proposal_id": "p-1", "comment_id": "c-1"},
    ),
    (
        BallotsChanged("r-1", ballots=3, members=7),
        "ballots.changed",
        {"round_id": "r-1", "ballots": 3, "members": 7},
    ),
    (ResultPublished("r-1"), "result.published", {"round_id": "r-1"}),
]


@pytest.mark.parametrize(
    ("event", "type_", "payload"), CONTRACT_EVENTS, ids=[t for _, t, _ in CONTRACT_EVENTS]
)
def test_an_event_has_the_contract_s_type_and_payload(
    event: Event, type_: str, payload: dict[str, object]
) -> None:
    assert event.type == type_
    assert type(event).type == type_
    assert event.payload() == payload
    assert json.loads(json.dumps(event.payload())) == payload


def test_the_other_events_carry_ids_and_counts_too() -> None:
    assert RoundCreated("r-1").type == "round.created"
    assert RoundCreated("r-1").payload() == {"round_id": "r-1"}
    assert MemberJoined("m-1", members=4).type == "member.joined"
    assert MemberJoined("m-1", members=4).payload() == {"member_id": "m-1", "members": 4}


def test_event_types_are_unique() -> None:
    classes = [getattr(events, name) for name in events.__all__ if name != "Event"]
    assert all(issubclass(cls, Event) for cls in classes)
    types = [cls.type for cls in classes]
    assert len(types) == len(set(types))
    assert "event" not in types


def test_an_event_cannot_be_changed_after_it_happened() -> None:
    event = BallotsChanged("r-1", ballots=1, members=2)
    with pytest.raises(AttributeError):
        event.ballots = 2  # type: ignore[misc]


def test_a_payload_is_a_fresh_dict_each_time() -> None:
    event = ResultPublished("r-1")
    event.payload()["round_id"] = "tampered"
    assert event.payload() == {"round_id": "r-1"}
