"""A workshop round per voting method through the JSON API, with outcomes worked by hand,
and the facilitator's choice to show the result live while the group votes."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

# Five members, four proposals, a 20.000 kr. budget: the same story for every method.
PROPOSALS = {"licence": 12_000_00, "laptop": 6_000_00, "bus": 3_000_00, "course": 5_000_00}


def _round(api: Api, method: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
    fac = api.user(f"fac-{method}@aarhus.dk")
    group = api.group(fac, amount_minor=50_000_00)
    workshop = api.workshop(fac, group["id"])
    body: dict[str, Any] = {"method": method, "budget_minor": 20_000_00, **extra}
    if params is not None:
        body["params"] = params
    round_ = api.round(fac, workshop["id"], **body)
    members = [api.join(workshop["code"], f"M{i}") for i in range(1, 6)]
    api.phase(fac, round_["id"], "proposing")
    ids = {
        name: api.propose(members[i % 5], round_["id"], name, amount)
        for i, (name, amount) in enumerate(PROPOSALS.items())
    }
    api.phase(fac, round_["id"], "discussing")
    api.phase(fac, round_["id"], "voting")
    return {"fac": fac, "group": group, "round": round_, "members": members, "ids": ids}


def _cast(api: Api, story: Any, bodies: list[dict[str, Any]]) -> None:
    ids = story["ids"]

    def named(value: Any) -> Any:  # proposal names in the bodies become their ids
        if isinstance(value, list):
            return [ids[v] for v in value]
        if isinstance(value, dict):
            return {ids[k]: v for k, v in value.items()}
        return value

    for member, body in zip(story["members"], bodies, strict=True):
        api.ok(
            "PUT",
            f"/api/v1/rounds/{story['round']['id']}/ballot",
            member,
            json={k: named(v) for k, v in body.items()},
        )


def _close(api: Api, story: Any, language: str = "en") -> tuple[list[str], dict[str, Any]]:
    api.phase(story["fac"], story["round"]["id"], "closed")
    result = api.ok(
        "GET",
        f"/api/v1/rounds/{story['round']['id']}/result",
        story["members"][0],
        headers={"Accept-Language": language},
    )
    names = {v: k for k, v in story["ids"].items()}
    reasons = {names[pid]: reason for pid, reason in result["reasons"].items()}
    return [names[pid] for pid in result["funded"]], reasons


def _reserved(api: Api, story: Any) -> int:
    pot = api.ok("GET", f"/api/v1/groups/{story['group']['id']}", story["fac"])["pot"]
    reserved: int = pot["reserved_minor"]
    return reserved


APPROVALS = [
    {"approvals": ["licence", "laptop"]},
    {"approvals": ["licence", "laptop"]},
    {"approvals": ["licence"]},
    {"approvals": ["bus", "course"]},
    {"approvals": ["bus", "course"]},
]


def test_approval_funds_the_most_approved_while_they_fit(api: Api) -> None:
    story = _round(api, "approval")
    _cast(api, story, APPROVALS)
    funded, reasons = _close(api, story)
    # licence 3; then the 2s, cheaper first: bus, course; laptop no longer fits (0 left).
    assert funded == ["licence", "bus", "course"]
    assert reasons["licence"]["text"] == "Funded: 3 of 5 approved it."
    assert reasons["laptop"]["code"] == "not_enough_left"
    assert _reserved(api, story) == 20_000_00


def test_knapsack_refuses_a_ballot_over_the_budget_and_counts_like_approval(api: Api) -> None:
    story = _round(api, "knapsack")
    over = api.call(
        "PUT",
        f"/api/v1/rounds/{story['round']['id']}/ballot",
        story["members"][0],
        json={"approvals": [story["ids"][n] for n in ("licence", "laptop", "bus")]},
    )
    assert over.status_code == 422  # 21.000 kr. of picks against a 20.000 kr. budget
    assert over.json()["error"]["code"] == "over_budget"
    _cast(api, story, APPROVALS)
    funded, _ = _close(api, story)
    assert funded == ["licence", "bus", "course"]


def test_cumulative_funds_by_points_with_the_rounds_own_allowance(api: Api) -> None:
    story = _round(api, "cumulative", {"points": 5})
    too_many = api.call(
        "PUT",
        f"/api/v1/rounds/{story['round']['id']}/ballot",
        story["members"][0],
        json={"points": {story["ids"]["licence"]: 6}},
    )
    assert too_many.status_code == 422
    _cast(
        api,
        story,
        [
            {"points": {"licence": 5}},
            {"points": {"licence": 3, "laptop": 2}},
            {"points": {"laptop": 5}},
            {"points": {"bus": 5}},
            {"points": {"course": 4, "bus": 1}},
        ],
    )
    funded, reasons = _close(api, story, language="da")
    # licence 8, laptop 7, bus 6, course 4: licence and laptop take 18.000; bus (3.000) no.
    assert funded == ["licence", "laptop"]
    assert reasons["licence"]["text"] == "Får penge: det fik 8 point."
    assert reasons["bus"]["code"] == "not_enough_left"


def test_consent_needs_enough_yes_and_few_enough_no(api: Api) -> None:
    story = _round(api, "consent", {"threshold": "0.5", "max_no": 1})
    yes, no, skip = "yes", "no", "abstain"
    _cast(
        api,
        story,
        [
            {"choices": {"licence": yes, "laptop": yes, "course": yes, "bus": yes}},
            {"choices": {"licence": yes, "laptop": no, "course": yes, "bus": yes}},
            {"choices": {"licence": yes, "laptop": no, "course": yes, "bus": no}},
            {"choices": {"licence": no, "laptop": skip, "course": skip, "bus": skip}},
            {"choices": {"licence": no, "laptop": skip, "course": skip, "bus": skip}},
        ],
    )
    funded, reasons = _close(api, story)
    # course 3:0 and bus 2:1 pass (all yes first); licence 3:2 has too many no; laptop 1:2.
    assert funded == ["course", "bus"]
    assert reasons["licence"]["code"] == "too_many_no"
    assert reasons["licence"]["text"] == "Not funded: 2 said no, and at most 1 may."
    assert reasons["laptop"]["code"] == "not_consented"


def test_equal_shares_funds_the_minoritys_proposal_where_approval_would_not(api: Api) -> None:
    ballots = [{"approvals": ["licence", "laptop"]}] * 3 + [{"approvals": ["bus"]}] * 2
    by_approval = _round(api, "approval")
    _cast(api, by_approval, ballots)
    assert _close(api, by_approval)[0] == ["laptop", "licence"]  # the three take it all

    story = _round(api, "equal_shares")
    _cast(api, story, ballots)
    funded, reasons = _close(api, story)
    # Shares of 4.000 kr.: the three pay 2.000 kr. each for the laptop, the two 1.500 kr.
    # each for the bus; the licence (12.000 kr.) would take the shares past the budget.
    assert funded == ["laptop", "bus"]
    assert reasons["laptop"]["text"] == (
        "Funded: its 3 supporters could pay DKK 2,000.00 each from their shares."
    )
    assert reasons["bus"]["text"] == (
        "Funded: its 2 supporters could pay DKK 1,500.00 each from their shares."
    )
    assert reasons["licence"]["text"] == (
        "Not funded: its supporters had spent their shares on laptop."
    )
    assert _reserved(api, story) == 9_000_00


def test_equal_shares_with_greedy_completion_spends_what_is_left_by_approvals(api: Api) -> None:
    story = _round(api, "equal_shares", {"completion": "greedy"})
    _cast(api, story, [{"approvals": ["licence", "laptop"]}] * 3 + [{"approvals": ["course"]}] * 2)
    funded, reasons = _close(api, story)
    # Equal Shares buys laptop and course; 9.000 kr. are left and the licence costs 12.000.
    assert funded == ["laptop", "course"]
    assert reasons["licence"]["code"] == "shares_spent"


# --- show live ------------------------------------------------------------------------


def test_the_result_stays_hidden_while_voting_unless_the_facilitator_shows_it(api: Api) -> None:
    story = _round(api, "approval")
    round_id = story["round"]["id"]
    assert story["round"]["show_live"] is False
    member = story["members"][0]
    assert api.call("GET", f"/api/v1/rounds/{round_id}/result", member).status_code == 409

    shown = api.ok(
        "POST", f"/api/v1/rounds/{round_id}/show_live", story["fac"], json={"show_live": True}
    )
    assert shown["show_live"] is True
    empty = api.ok("GET", f"/api/v1/rounds/{round_id}/result", member)
    assert empty["provisional"] is True
    assert empty["funded"] == []
    assert empty["voters"] == 0

    _cast(api, story, APPROVALS[:1] + [{"approvals": ["bus"]}] * 4)
    live = api.ok("GET", f"/api/v1/rounds/{round_id}/result", member)
    names = {v: k for k, v in story["ids"].items()}
    assert [names[p] for p in live["funded"]] == ["bus", "laptop"]
    assert live["voters"] == 5
    assert _reserved(api, story) == 0  # nothing is reserved until the round closes

    # A member may not switch it; after the close it is the result, no longer provisional.
    refused = api.call(
        "POST", f"/api/v1/rounds/{round_id}/show_live", member, json={"show_live": False}
    )
    assert refused.status_code == 403
    api.phase(story["fac"], round_id, "closed")
    final = api.ok("GET", f"/api/v1/rounds/{round_id}/result", member)
    assert final["provisional"] is False
    assert final["funded"] == live["funded"]
    late = api.call(
        "POST", f"/api/v1/rounds/{round_id}/show_live", story["fac"], json={"show_live": False}
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "round_closed"


def test_show_live_is_a_yes_or_no(api: Api) -> None:
    story = _round(api, "approval")
    odd = api.call(
        "POST",
        f"/api/v1/rounds/{story['round']['id']}/show_live",
        story["fac"],
        json={"show_live": "yes"},
    )
    assert odd.status_code == 422
    assert odd.json()["error"]["field"] == "show_live"
