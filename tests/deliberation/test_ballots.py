"""Ballots are checked per voting method; methods and their parameters are checked first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deliberation.ballots import ApprovalBallot, parse_ballot
from app.deliberation.errors import InvalidInput
from app.deliberation.methods import Method, parse_method, validate_params

PROPOSALS = {"p1": 100, "p2": 200, "p3": 300}  # id -> cost in øre


def approve(body: dict[str, object], costs: dict[str, int] = PROPOSALS) -> ApprovalBallot:
    ballot = parse_ballot(Method.APPROVAL, body, costs)
    assert isinstance(ballot, ApprovalBallot)
    return ballot


UNSUPPORTED = [m for m in Method if m is not Method.APPROVAL]


# parse_ballot for approval


def test_an_approval_ballot_lists_the_proposals_it_approves() -> None:
    ballot = approve({"approvals": ["p1", "p3"]})
    assert ballot == ApprovalBallot(frozenset({"p1", "p3"}))


def test_an_empty_approval_ballot_is_a_valid_none_of_them() -> None:
    ballot = approve({"approvals": []})
    assert ballot.approvals == frozenset()


def test_approving_every_proposal_is_allowed() -> None:
    ballot = approve({"approvals": list(PROPOSALS)})
    assert ballot.approvals == frozenset(PROPOSALS)


def test_naming_a_proposal_twice_counts_it_once() -> None:
    ballot = approve({"approvals": ["p2", "p2", "p1", "p2"]})
    assert ballot.approvals == frozenset({"p1", "p2"})
    assert ballot.to_json() == {"approvals": ["p1", "p2"]}


def test_a_ballot_s_json_lists_its_approvals_sorted() -> None:
    assert ApprovalBallot(frozenset({"b", "c", "a"})).to_json() == {"approvals": ["a", "b", "c"]}


def test_extra_keys_in_the_body_are_ignored() -> None:
    ballot = approve({"approvals": ["p1"], "note": "hi"})
    assert ballot.approvals == frozenset({"p1"})


def test_a_proposal_not_in_the_round_is_refused_naming_approvals() -> None:
    with pytest.raises(InvalidInput) as caught:
        approve({"approvals": ["p1", "elsewhere"]})
    assert caught.value.code == "invalid_input"
    assert caught.value.field == "approvals"
    assert caught.value.params == {"proposal_id": "elsewhere"}


def test_in_a_round_without_proposals_only_the_empty_ballot_is_valid() -> None:
    assert approve({"approvals": []}, {}).approvals == frozenset()
    with pytest.raises(InvalidInput):
        approve({"approvals": ["p1"]}, {})


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"approvals": None},
        {"approvals": "p1"},
        {"approvals": {"p1": True}},
        {"approvals": ("p1",)},
        {"approvals": {"p1"}},
        {"approvals": 1},
        {"approvals": [1, 2]},
        {"approvals": ["p1", None]},
        {"approvals": [["p1"]]},
        {"points": {"p1": 3}},
    ],
    ids=repr,
)
def test_approvals_that_are_not_a_list_of_ids_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as caught:
        approve(body)
    assert caught.value.code == "invalid_input"
    assert caught.value.field == "approvals"


@given(st.lists(st.sampled_from(sorted(PROPOSALS))))
def test_any_list_of_known_ids_gives_the_set_of_those_ids(approvals: list[str]) -> None:
    ballot = approve({"approvals": approvals})
    assert ballot.approvals == frozenset(approvals)
    assert ballot.to_json() == {"approvals": sorted(set(approvals))}


@given(st.lists(st.text(max_size=4)))
def test_a_list_of_arbitrary_strings_is_accepted_only_if_all_are_known(
    approvals: list[str],
) -> None:
    if set(approvals) <= set(PROPOSALS):
        assert approve({"approvals": approvals})
    else:
        with pytest.raises(InvalidInput):
            approve({"approvals": approvals})


# parse_method


def test_every_method_of_the_contract_is_supported() -> None:
    for method in Method:
        assert parse_method(method.value) is method


def test_the_contract_s_methods_are_all_known() -> None:
    assert {m.value for m in Method} == {
        "approval",
        "equal_shares",
        "knapsack",
        "cumulative",
        "consent",
    }


@pytest.mark.parametrize(
    "value", ["", "Approval", "APPROVAL", " approval", "borda", "equal shares"]
)
def test_an_unknown_method_is_invalid_input_listing_the_choices(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_method(value)
    assert caught.value.code == "invalid_input"
    assert caught.value.field == "method"
    for method in Method:
        assert method.value in caught.value.text()


# validate_params


def test_approval_takes_no_parameters() -> None:
    assert validate_params(Method.APPROVAL, {}) == {}


def test_validated_params_are_a_copy() -> None:
    given_params: dict[str, object] = {}
    assert validate_params(Method.APPROVAL, given_params) is not given_params


@pytest.mark.parametrize("name", ["completion", "points", "threshold", "budget"])
def test_an_unknown_parameter_is_refused_naming_it(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_params(Method.APPROVAL, {name: 1})
    assert caught.value.code == "invalid_input"
    assert caught.value.field == f"params.{name}"
    assert caught.value.params == {"method": "approval", "name": name}


def test_of_several_unknown_parameters_the_first_in_alphabetical_order_is_named() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_params(Method.APPROVAL, {"zeta": 1, "alpha": 2})
    assert caught.value.field == "params.alpha"


def test_a_knapsack_ballot_over_the_budget_is_refused_with_its_total() -> None:
    assert parse_ballot(Method.KNAPSACK, {"approvals": ["p1", "p2"]}, PROPOSALS, budget_minor=300)
    with pytest.raises(InvalidInput) as caught:
        parse_ballot(Method.KNAPSACK, {"approvals": ["p2", "p3"]}, PROPOSALS, budget_minor=400)
    assert caught.value.code == "over_budget"
    assert caught.value.params == {"total_minor": 500, "budget_minor": 400}


def test_cumulative_points_must_be_whole_and_within_the_allowance() -> None:
    ballot = parse_ballot(
        Method.CUMULATIVE, {"points": {"p1": 7, "p2": 3, "p3": 0}}, PROPOSALS, params={"points": 10}
    )
    assert ballot.to_json() == {"points": {"p1": 7, "p2": 3}}
    for body in (
        {"points": {"p1": 11}},
        {"points": {"p1": -1}},
        {"points": {"p1": 1.5}},
        {"points": ["p1"]},
        {"points": {"nope": 1}},
    ):
        with pytest.raises(InvalidInput) as caught:
            parse_ballot(Method.CUMULATIVE, body, PROPOSALS, params={"points": 10})
        assert caught.value.field == "points"


def test_consent_choices_are_yes_no_or_abstain() -> None:
    ballot = parse_ballot(
        Method.CONSENT, {"choices": {"p1": "yes", "p2": "no", "p3": "abstain"}}, PROPOSALS
    )
    assert ballot.to_json() == {"choices": {"p1": "yes", "p2": "no"}}
    with pytest.raises(InvalidInput) as caught:
        parse_ballot(Method.CONSENT, {"choices": {"p1": "maybe"}}, PROPOSALS)
    assert caught.value.field == "choices"


def test_method_parameters_get_defaults_and_are_checked() -> None:
    assert validate_params(Method.CUMULATIVE, {}) == {"points": 10}
    assert validate_params(Method.CONSENT, {"max_no": 2}) == {"threshold": "0.5", "max_no": 2}
    assert validate_params(Method.EQUAL_SHARES, {}) == {"completion": "add1"}
    for method, params in (
        (Method.CUMULATIVE, {"points": 0}),
        (Method.CONSENT, {"threshold": "1.5"}),
        (Method.CONSENT, {"threshold": True}),
        (Method.EQUAL_SHARES, {"completion": "add2"}),
    ):
        with pytest.raises(InvalidInput):
            validate_params(method, params)
