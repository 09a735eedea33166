"""Ballots are checked per voting method; methods and their parameters are checked first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.deliberation.ballots import ApprovalBallot, parse_ballot
from app.deliberation.errors import InvalidInput
from app.deliberation.methods import SUPPORTED_METHODS, Method, parse_method, validate_params

PROPOSALS = ["p1", "p2", "p3"]
UNSUPPORTED = [m for m in Method if m is not Method.APPROVAL]


# parse_ballot for approval


def test_an_approval_ballot_lists_the_proposals_it_approves() -> None:
    ballot = parse_ballot(Method.APPROVAL, {"approvals": ["p1", "p3"]}, PROPOSALS)
    assert ballot == ApprovalBallot(frozenset({"p1", "p3"}))


def test_an_empty_approval_ballot_is_a_valid_none_of_them() -> None:
    ballot = parse_ballot(Method.APPROVAL, {"approvals": []}, PROPOSALS)
    assert ballot.approvals == frozenset()


def test_approving_every_proposal_is_allowed() -> None:
    ballot = parse_ballot(Method.APPROVAL, {"approvals": PROPOSALS}, PROPOSALS)
    assert ballot.approvals == frozenset(PROPOSALS)


def test_naming_a_proposal_twice_counts_it_once() -> None:
    ballot = parse_ballot(Method.APPROVAL, {"approvals": ["p2", "p2", "p1", "p2"]}, PROPOSALS)
    assert ballot.approvals == frozenset({"p1", "p2"})
    assert ballot.to_json() == {"approvals": ["p1", "p2"]}


def test_a_ballot_s_json_lists_its_approvals_sorted() -> None:
    assert ApprovalBallot(frozenset({"b", "c", "a"})).to_json() == {"approvals": ["a", "b", "c"]}


def test_extra_keys_in_the_body_are_ignored() -> None:
    ballot = parse_ballot(Method.APPROVAL, {"approvals": ["p1"], "note": "hi"}, PROPOSALS)
    assert ballot.approvals == frozenset({"p1"})


def test_a_proposal_not_in_the_round_is_refused_naming_approvals() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_ballot(Method.APPROVAL, {"approvals": ["p1", "elsewhere"]}, PROPOSALS)
    assert caught.value.code == "invalid_input"
    assert caught.value.field == "approvals"
    assert caught.value.params == {"proposal_id": "elsewhere"}


def test_in_a_round_without_proposals_only_the_empty_ballot_is_valid() -> None:
    assert parse_ballot(Method.APPROVAL, {"approvals": []}, []).approvals == frozenset()
    with pytest.raises(InvalidInput):
        parse_ballot(Method.APPROVAL, {"approvals": ["p1"]}, [])


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
        parse_ballot(Method.APPROVAL, body, PROPOSALS)
    assert caught.value.code == "invalid_input"
    assert caught.value.field == "approvals"


@pytest.mark.parametrize("method", UNSUPPORTED, ids=str)
def test_a_ballot_for_a_method_not_supported_yet_is_refused(method: Method) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_ballot(method, {"approvals": ["p1"]}, PROPOSALS)
    assert caught.value.code == "method_not_supported"
    assert caught.value.field == "method"
    assert method.value in caught.value.text()


@given(st.lists(st.sampled_from(PROPOSALS)))
def test_any_list_of_known_ids_gives_the_set_of_those_ids(approvals: list[str]) -> None:
    ballot = parse_ballot(Method.APPROVAL, {"approvals": approvals}, PROPOSALS)
    assert ballot.approvals == frozenset(approvals)
    assert ballot.to_json() == {"approvals": sorted(set(approvals))}


@given(st.lists(st.text(max_size=4)))
def test_a_list_of_arbitrary_strings_is_accepted_only_if_all_are_known(
    approvals: list[str],
) -> None:
    if set(approvals) <= set(PROPOSALS):
        assert parse_ballot(Method.APPROVAL, {"approvals": approvals}, PROPOSALS)
    else:
        with pytest.raises(InvalidInput):
            parse_ballot(Method.APPROVAL, {"approvals": approvals}, PROPOSALS)


# parse_method


def test_approval_is_the_one_supported_method() -> None:
    assert parse_method("approval") is Method.APPROVAL
    assert frozenset({Method.APPROVAL}) == SUPPORTED_METHODS


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


@pytest.mark.parametrize("value", [m.value for m in UNSUPPORTED])
def test_a_known_method_not_supported_yet_says_so(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_method(value)
    assert caught.value.code == "method_not_supported"
    assert caught.value.field == "method"
    assert caught.value.params == {"method": value}


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
