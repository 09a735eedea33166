"""The demo the README's first command starts: a facilitator, a caseworker in the same
organisation, a group with its pot and a workshop in proposals, made once."""

from __future__ import annotations

from app import demo
from tests.conftest import Api


def test_the_demo_is_made_once_and_both_people_can_log_in(api: Api) -> None:
    first = demo.ensure_demo(api.services, email="fac@demo.dk", password="a demo password")
    again = demo.ensure_demo(api.services, email="fac@demo.dk", password="a demo password")
    assert again == first
    tokens = [
        api.ok("POST", "/api/v1/auth/login", json={"email": e, "password": "a demo password"})
        for e in ("fac@demo.dk", demo.DEMO_APPROVER)
    ]
    assert tokens[1]["user"]["role"] == "approver"
    groups = api.ok("GET", "/api/v1/groups", tokens[1]["token"])
    assert [g["name"] for g in groups] == [demo.DEMO_GROUP]  # the same organisation
