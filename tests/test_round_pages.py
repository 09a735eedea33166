"""Figures on a member's phone come from the core: a cumulative ballot's points left."""

from __future__ import annotations

from tests.conftest import Api


def test_the_phone_shows_the_points_left_from_the_cast_ballot(api: Api) -> None:
    fac = api.user("fac@points.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"], method="cumulative", params={"points": 12})["id"]
    client = api.client
    client.get(f"/j/{workshop['code']}")
    client.post(
        "/j", data={"code": workshop["code"], "name": "Emil", "csrf": client.cookies["puljen_csrf"]}
    )
    emil = client.cookies["puljen_member"]
    api.phase(fac, round_id, "proposing")
    course = api.propose(emil, round_id, "Kursus", 1_000_00)
    licence = api.propose(emil, round_id, "Kørekort", 2_000_00)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    api.ok(
        "PUT",
        f"/api/v1/rounds/{round_id}/ballot",
        emil,
        json={"points": {course: 5, licence: 2}},
    )
    page = client.get("/m").text
    assert '<output id="points-left" data-allowance="12">5</output>' in page
