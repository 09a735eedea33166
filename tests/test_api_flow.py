"""The whole deliberation loop through the JSON API, as a client would drive it."""

from __future__ import annotations

from tests.conftest import Api


def test_a_whole_approval_round_reserves_what_it_funds(api: Api) -> None:
    fac = api.user("fac@aarhus.dk")
    group = api.group(fac, amount_minor=50_000_00)
    assert group["pot"] == {
        "currency": "DKK",
        "amount_minor": 50_000_00,
        "total_minor": 50_000_00,
        "reserved_minor": 0,
        "approved_minor": 0,
        "spent_minor": 0,
        "available_minor": 50_000_00,
    }
    workshop = api.workshop(fac, group["id"])
    assert len(workshop["code"]) == 6
    assert workshop["join_url"] == f"http://puljen.test/j/{workshop['code']}"
    assert workshop["screen_url"].startswith("http://puljen.test/screen/")

    round_ = api.round(fac, workshop["id"], budget_minor=20_000_00)
    assert round_["phase"] == "draft"
    assert round_["budget_minor"] == 20_000_00

    ali, bo, cy = (api.join(workshop["code"], name) for name in ("Ali", "Bo", "Cy"))
    api.phase(fac, round_["id"], "proposing")
    licence = api.propose(ali, round_["id"], "Kørekort", 15_000_00, category="licence")
    laptop = api.propose(bo, round_["id"], "Bærbar", 6_000_00, category="equipment")
    bus = api.propose(cy, round_["id"], "Buskort", 4_000_00, category="transport")
    api.phase(fac, round_["id"], "discussing")
    comment = api.ok("POST", f"/api/v1/proposals/{laptop}/comments", cy, json={"text": "God idé!"})
    assert comment["text"] == "God idé!"
    api.phase(fac, round_["id"], "voting")
    api.vote(ali, round_["id"], [licence, bus])
    api.vote(bo, round_["id"], [licence, laptop])
    api.vote(cy, round_["id"], [bus, laptop])

    seen = api.ok("GET", f"/api/v1/rounds/{round_['id']}", ali)
    assert seen["members"] == 3
    assert seen["ballots"] == 3
    assert seen["my_ballot"] == {"approvals": sorted([licence, bus])}
    assert [p["title"] for p in seen["proposals"]] == ["Kørekort", "Bærbar", "Buskort"]
    assert seen["proposals"][1]["comments"][0]["author"] == "Cy"

    assert api.call("GET", f"/api/v1/rounds/{round_['id']}/result", ali).status_code == 409
    closed = api.phase(fac, round_["id"], "closed")
    assert closed["phase"] == "closed"

    result = api.ok(
        "GET", f"/api/v1/rounds/{round_['id']}/result", ali, headers={"Accept-Language": "en"}
    )
    # All have 2 approvals: cheaper first, Buskort then Bærbar; Kørekort (15k) no longer fits.
    assert result["funded"] == [bus, laptop]
    assert result["spent_minor"] == 10_000_00
    assert result["leftover_minor"] == 10_000_00
    assert result["scores"] == {licence: 2, laptop: 2, bus: 2}
    assert result["reasons"][bus]["text"] == "Funded: 2 of 3 approved it."
    assert result["reasons"][licence]["code"] == "not_enough_left"
    assert "10,000.00" in result["reasons"][licence]["text"]

    pot = api.ok("GET", f"/api/v1/groups/{group['id']}", fac)["pot"]
    assert pot["reserved_minor"] == 10_000_00
    assert pot["available_minor"] == 40_000_00
    assert pot["total_minor"] == 50_000_00


def test_a_round_budget_defaults_to_what_the_pot_has_and_cannot_exceed_it(api: Api) -> None:
    fac = api.user("fac@herning.dk")
    group = api.group(fac, amount_minor=12_000_00)
    workshop = api.workshop(fac, group["id"])
    assert api.round(fac, workshop["id"])["budget_minor"] == 12_000_00
    too_much = api.call(
        "POST",
        f"/api/v1/workshops/{workshop['id']}/rounds",
        fac,
        json={"title": "x", "method": "approval", "budget_minor": 12_000_01},
    )
    assert too_much.status_code == 409
    assert too_much.json()["error"]["code"] == "budget_exceeds_pot"


def test_phases_move_one_step_forward_only(api: Api) -> None:
    fac = api.user("fac@randers.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"])["id"]
    skip = api.call("POST", f"/api/v1/rounds/{round_id}/phase", fac, json={"phase": "voting"})
    assert skip.status_code == 409
    assert skip.json()["error"]["code"] == "illegal_phase_move"
    for phase in ("proposing", "discussing", "voting", "closed"):
        api.phase(fac, round_id, phase)
    back = api.call("POST", f"/api/v1/rounds/{round_id}/phase", fac, json={"phase": "voting"})
    assert back.status_code == 409
    assert back.json()["error"]["code"] == "round_closed"
    unknown = api.call("POST", f"/api/v1/rounds/{round_id}/phase", fac, json={"phase": "done"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "phase"


def test_each_action_is_refused_outside_its_phase(api: Api) -> None:
    fac = api.user("fac@a.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"])["id"]
    member = api.join(workshop["code"], "Dina")
    early = api.call(
        "POST",
        f"/api/v1/rounds/{round_id}/proposals",
        member,
        json={"title": "t", "amount_minor": 100, "how_it_helps": "h", "category": "other"},
    )
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "wrong_phase"
    api.phase(fac, round_id, "proposing")
    proposal = api.propose(member, round_id, "Kursus", 1000)
    vote_early = api.call(
        "PUT", f"/api/v1/rounds/{round_id}/ballot", member, json={"approvals": [proposal]}
    )
    assert vote_early.status_code == 409
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    late_comment = api.call(
        "POST", f"/api/v1/proposals/{proposal}/comments", member, json={"text": "hej"}
    )
    assert late_comment.status_code == 409


def test_a_later_ballot_replaces_the_earlier_one(api: Api) -> None:
    fac = api.user("fac@b.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"])["id"]
    member = api.join(workshop["code"], "Emil")
    api.phase(fac, round_id, "proposing")
    first = api.propose(member, round_id, "A", 1000)
    second = api.propose(member, round_id, "B", 1000)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    api.vote(member, round_id, [first])
    api.vote(member, round_id, [second])
    seen = api.ok("GET", f"/api/v1/rounds/{round_id}", member)
    assert seen["ballots"] == 1
    assert seen["my_ballot"] == {"approvals": [second]}
    api.phase(fac, round_id, "closed")
    result = api.ok("GET", f"/api/v1/rounds/{round_id}/result", member)
    assert result["scores"] == {first: 0, second: 1}
    assert result["funded"] == [second]


def test_only_members_of_the_workshop_may_vote(api: Api) -> None:
    fac = api.user("fac@c.dk")
    group = api.group(fac)
    here = api.workshop(fac, group["id"])
    elsewhere = api.workshop(fac, group["id"])
    round_id = api.round(fac, here["id"])["id"]
    insider = api.join(here["code"], "Ida")
    outsider = api.join(elsewhere["code"], "Jon")
    api.phase(fac, round_id, "proposing")
    proposal = api.propose(insider, round_id, "Kursus", 1000)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    refused = api.call(
        "PUT", f"/api/v1/rounds/{round_id}/ballot", outsider, json={"approvals": [proposal]}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_in_workshop"
    by_facilitator = api.call(
        "PUT", f"/api/v1/rounds/{round_id}/ballot", fac, json={"approvals": [proposal]}
    )
    assert by_facilitator.status_code == 403
    assert api.ok("GET", f"/api/v1/rounds/{round_id}", fac)["ballots"] == 0


def test_nobody_reaches_another_organisations_data(api: Api) -> None:
    from app.usecases import accounts

    ours = api.user("fac@ours.dk")
    other_org = accounts.create_organisation(api.services, name="Other kommune")
    theirs = api.user("fac@theirs.dk", organisation_id=other_org.id)
    group = api.group(ours)
    workshop = api.workshop(ours, group["id"])
    round_id = api.round(ours, workshop["id"])["id"]
    for method, path, body in (
        ("GET", f"/api/v1/groups/{group['id']}", None),
        ("POST", f"/api/v1/groups/{group['id']}/workshops", {"title": "x"}),
        ("GET", f"/api/v1/rounds/{round_id}", None),
        ("POST", f"/api/v1/rounds/{round_id}/phase", {"phase": "proposing"}),
        ("POST", f"/api/v1/workshops/{workshop['id']}/rounds", {"title": "x"}),
    ):
        response = api.call(method, path, theirs, json=body)
        assert response.status_code == 404, (path, response.text)
    assert api.ok("GET", "/api/v1/groups", theirs) == []
    assert api.ok("GET", f"/api/v1/rounds/{round_id}", ours)["phase"] == "draft"


def test_roles_are_enforced(api: Api) -> None:
    fac = api.user("fac@d.dk")
    approver = api.user("app@d.dk", role="approver")
    group = api.group(fac)
    assert api.ok("GET", f"/api/v1/groups/{group['id']}", approver)["id"] == group["id"]
    refused = api.call(
        "POST", "/api/v1/groups", approver, json={"name": "x", "pot": {"amount_minor": 100}}
    )
    assert refused.status_code == 403
    workshop = api.workshop(fac, group["id"])
    member = api.join(workshop["code"], "Kim")
    assert api.call("GET", f"/api/v1/groups/{group['id']}", member).status_code == 403
    assert (
        api.call("POST", f"/api/v1/workshops/{workshop['id']}/rounds", member, json={"title": "x"})
    ).status_code == 403


def test_logout_revokes_the_token(api: Api) -> None:
    fac = api.user("fac@e.dk")
    assert api.call("GET", "/api/v1/groups", fac).status_code == 200
    assert api.call("POST", "/api/v1/auth/logout", fac).status_code == 204
    after = api.call("GET", "/api/v1/groups", fac)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "not_authenticated"


def test_a_wrong_password_or_a_forged_token_is_401(api: Api) -> None:
    api.user("fac@f.dk")
    wrong = api.call("POST", "/api/v1/auth/login", json={"email": "fac@f.dk", "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "wrong_credentials"
    assert api.call("GET", "/api/v1/groups", "forged.token.value").status_code == 401
    assert api.call("GET", "/api/v1/groups").status_code == 401


def test_repeated_wrong_join_codes_are_slowed_down(api: Api) -> None:
    from app.web.routes import api as api_routes

    api_routes.join_failures._failures.clear()
    statuses = [
        api.call("POST", "/api/v1/join", json={"code": "XXXXXX", "name": "Lo"}).status_code
        for _ in range(22)
    ]
    api_routes.join_failures._failures.clear()
    assert statuses[:20] == [404] * 20
    assert statuses[-1] == 429


def test_join_codes_are_unique_among_open_workshops(api: Api) -> None:
    fac = api.user("fac@g.dk")
    group = api.group(fac)
    codes = {api.workshop(fac, group["id"])["code"] for _ in range(30)}
    assert len(codes) == 30
    assert all(len(c) == 6 and c.isalnum() and c.isupper() for c in codes)


def test_two_members_cannot_take_the_same_name(api: Api) -> None:
    fac = api.user("fac@h.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    api.join(workshop["code"], "Maja")
    again = api.call("POST", "/api/v1/join", json={"code": workshop["code"], "name": " maja "})
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "name"


def test_join_accepts_the_code_as_people_type_it(api: Api) -> None:
    fac = api.user("fac@i.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    typed = workshop["code"][:3].lower() + " " + workshop["code"][3:].lower()
    joined = api.ok("POST", "/api/v1/join", json={"code": typed, "name": "Noah"})
    assert joined["workshop_id"] == workshop["id"]


def test_healthz_answers_ok(api: Api) -> None:
    response = api.call("GET", "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_closed_round_exports_as_a_pabulib_file_that_reads_back(api: Api) -> None:
    from app.deliberation.pabulib import read

    fac = api.user("fac@export.dk")
    workshop = api.workshop(fac, api.group(fac, amount_minor=10_000_00)["id"])
    round_id = api.round(fac, workshop["id"], budget_minor=5_000_00)["id"]
    members = [api.join(workshop["code"], name) for name in ("Aya", "Ben", "Cas")]
    api.phase(fac, round_id, "proposing")
    a = api.propose(members[0], round_id, "Kursus", 3_000_00)
    b = api.propose(members[1], round_id, "Buskort", 4_000_00)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    early = api.call("GET", f"/api/v1/rounds/{round_id}/pabulib", fac)
    assert early.status_code == 409
    api.vote(members[0], round_id, [a])
    api.vote(members[1], round_id, [a, b])
    api.vote(members[2], round_id, [])  # an empty ballot: left out of the file
    api.phase(fac, round_id, "closed")
    response = api.call("GET", f"/api/v1/rounds/{round_id}/pabulib", members[0])
    assert response.status_code == 200
    instance = read(response.text)
    assert instance.budget == 5_000_00
    assert instance.vote_type == "approval"
    assert [(p.id, p.cost, p.extra["selected"]) for p in instance.projects] == [
        (a, 3_000_00, "1"),
        (b, 4_000_00, "0"),
    ]
    assert sorted(v.projects for v in instance.votes) == sorted([(a,), tuple(sorted([a, b]))])
    assert "Aya" not in response.text
    assert "Ben" not in response.text
