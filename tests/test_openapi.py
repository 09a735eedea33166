"""The typed API: ``/openapi.json`` describes every JSON answer field by field and every file
by its media type; real answers are exactly what their models say; the old spellings of a
path still work beside the new ones; the pages' login cookie reaches the same export routes
as a bearer token."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from starlette.testclient import TestClient

from app.web.routes import api as api_routes
from app.web.routes import api_decisions
from app.web.routes.public import ErrorPublic
from tests.conftest import Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CSRF = "a-csrf-token-long-enough-42"
FILES = {  # path suffix -> the media type its 200 answer declares
    ".csv": "text/csv",
    "/pabulib": "text/plain",
    "/receipts/{receipt_id}": "image/png",
}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _described(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """An object with its properties listed, or a list of such objects."""
    schema = _resolve(spec, schema)
    if schema.get("type") == "array":
        return _described(spec, schema.get("items", {}))
    return bool(schema.get("properties"))


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def test_every_json_answer_is_described_field_by_field(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    undescribed = []
    for method, path, operation in _operations(spec):
        for status, answer in operation["responses"].items():
            json_schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if status.startswith("2") and any(path.endswith(end) for end in FILES):
                continue
            if status != "204" and (json_schema is None or not _described(spec, json_schema)):
                undescribed.append(f"{method} {path} {status}")
    assert undescribed == []
    assert len(_operations(spec)) >= 35


def test_files_declare_their_media_type_not_json(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    files = {
        f"{method} {path}": sorted(operation["responses"]["200"]["content"])
        for method, path, operation in _operations(spec)
        if any(path.endswith(end) for end in FILES)
    }
    assert len(files) == 5
    for name, media_types in files.items():
        expected = next(kind for end, kind in FILES.items() if name.endswith(end))
        assert expected in media_types, name
        assert "application/json" not in media_types, name


def test_api_errors_are_documented_in_the_contracts_shape(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for method, path, operation in _operations(spec):
        if not path.startswith("/api/v1/"):
            continue
        for status in ("401", "404", "422"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorPublic"}, (method, path)
    error = _resolve(spec, {"$ref": "#/components/schemas/ErrorPublic"})
    detail = _resolve(spec, error["properties"]["error"])
    assert set(detail["properties"]) == {"code", "message", "field"}
    assert detail["required"] == ["code", "message"]


def test_old_spellings_are_hidden_from_the_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/rounds/{round_id}/show-live" in paths
    assert "/api/v1/rounds/{round_id}/show_live" not in paths
    assert not [path for path in paths if path.startswith("/f/")]


class Checked:
    """Each answer of a story, checked against the model its route declares: it validates,
    and dumping it again gives the very same JSON (no key the model does not know of, no
    ``null`` where the answer leaves a key out)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        routes = [*api_routes.router.routes, *api_decisions.router.routes]
        self.routes = [r for r in routes if isinstance(r, APIRoute)]
        self.seen: set[str] = set()

    def __call__(self, method: str, template: str, token: str | None = None, **kwargs: Any) -> Any:
        path = template.format(**kwargs.pop("ids", {}))
        response = self.api.call(method, path, token, **kwargs)
        answer = response.json()
        if response.status_code >= 400:
            model: Any = ErrorPublic
        else:
            route = next(
                r for r in self.routes if r.path == template and method in (r.methods or ())
            )
            model = route.response_model
            self.seen.add(f"{method} {template}")
        adapter = TypeAdapter(model)
        assert adapter.dump_python(adapter.validate_python(answer), mode="json") == answer
        return answer


def test_a_stories_answers_are_exactly_what_their_models_say(api: Api) -> None:
    check = Checked(api)
    fac = api.user("fac@aarhus.dk")
    approver = api.user("sag@aarhus.dk", role="approver")
    admin = api.user("admin@aarhus.dk", role="admin")
    group = check(
        "POST", "/api/v1/groups", fac, json={"name": "H", "pot": {"amount_minor": 9_000_00}}
    )
    g = {"group_id": group["id"]}
    check("GET", "/api/v1/groups", fac)
    check("GET", "/api/v1/groups/{group_id}", fac, ids=g)
    check("GET", "/api/v1/groups/{group_id}", fac, ids={"group_id": "nope"})  # 404
    workshop = check("POST", "/api/v1/groups/{group_id}/workshops", fac, ids=g, json={"title": "W"})
    w = {"workshop_id": workshop["id"]}
    check("POST", "/api/v1/workshops/{workshop_id}/screen-token", fac, ids=w)
    member = check("POST", "/api/v1/join", json={"code": workshop["code"], "name": "Asta"})
    check("POST", "/api/v1/join", json={"code": 1, "name": "Asta"})  # 422 with a field
    token = member["token"]
    round_ = check(
        "POST", "/api/v1/workshops/{workshop_id}/rounds", fac, ids=w, json={"title": "R"}
    )
    r = {"round_id": round_["id"]}
    assert "screen_url" in check("GET", "/api/v1/workshops/{workshop_id}", fac, ids=w)
    assert "screen_url" not in check("GET", "/api/v1/workshops/{workshop_id}", token, ids=w)
    check("POST", "/api/v1/rounds/{round_id}/show-live", fac, ids=r, json={"show_live": True})
    check("POST", "/api/v1/rounds/{round_id}/phase", fac, ids=r, json={"phase": "proposing"})
    proposal = check(
        "POST",
        "/api/v1/rounds/{round_id}/proposals",
        token,
        ids=r,
        json={
            "title": "Kørekort",
            "amount_minor": 2_000_00,
            "how_it_helps": "Job",
            "category": "course",
        },
    )
    p = {"proposal_id": proposal["id"]}
    check("POST", "/api/v1/proposals/{proposal_id}/comments", token, ids=p, json={"text": "Ja"})
    assert "my_ballot" not in check("GET", "/api/v1/rounds/{round_id}", token, ids=r)
    for phase in ("discussing", "voting"):
        check("POST", "/api/v1/rounds/{round_id}/phase", fac, ids=r, json={"phase": phase})
    ballot = {"approvals": [proposal["id"]]}
    check("PUT", "/api/v1/rounds/{round_id}/ballot", token, ids=r, json=ballot)
    assert check("GET", "/api/v1/rounds/{round_id}", token, ids=r)["my_ballot"] == ballot
    assert check("GET", "/api/v1/rounds/{round_id}/result", fac, ids=r)["provisional"] is True
    check("POST", "/api/v1/rounds/{round_id}/phase", fac, ids=r, json={"phase": "closed"})
    result = check("GET", "/api/v1/rounds/{round_id}/result", token, ids=r)
    assert result["reasons"][proposal["id"]]["approvals"] == 1  # a figure beside code, text

    decision = check("GET", "/api/v1/groups/{group_id}/decisions", approver, ids=g)[0]
    d = {"decision_id": decision["id"]}
    check("POST", "/api/v1/decisions/{decision_id}/approve", approver, ids=d, json={})
    pay = {"amount_minor": 2_000_00, "paid_to": "Skolen", "method": "invoice"}
    payment = check("POST", "/api/v1/decisions/{decision_id}/payments", approver, ids=d, json=pay)
    check("POST", "/api/v1/decisions/{decision_id}/payments", approver, ids=d, json=pay)  # 409
    api.call(
        "POST",
        f"/api/v1/payments/{payment['id']}/receipts",
        approver,
        files={"file": ("bon.png", PNG, "image/png")},
    )
    check("GET", "/api/v1/decisions/{decision_id}", approver, ids=d)
    check("POST", "/api/v1/decisions/{decision_id}/complete", approver, ids=d, json={})
    check(
        "POST", "/api/v1/decisions/{decision_id}/refunds", approver, ids=d, json={"amount_minor": 1}
    )
    check("POST", "/api/v1/decisions/{decision_id}/hold", approver, ids=d, json={"question": "?"})
    check(
        "POST",
        "/api/v1/groups/{group_id}/adjustments",
        admin,
        ids=g,
        json={"amount_minor": 5, "reason": "Fejl"},
    )
    check("PUT", "/api/v1/organisation/settings", admin, json={"second_approver_above_minor": 1})
    check("GET", "/api/v1/groups/{group_id}/ledger", approver, ids=g)
    check("GET", "/api/v1/audit", approver)
    check("POST", "/api/v1/auth/login", json={"email": "fac@aarhus.dk", "password": "wrong"})
    assert len(check.seen) >= 25


def _closed_with_a_decision(api: Api) -> dict[str, Any]:
    fac = api.user("fac@vejle.dk")
    approver = api.user("sag@vejle.dk", role="approver")
    group = api.group(fac, amount_minor=10_000_00)
    workshop = api.workshop(fac, group["id"])
    member = api.join(workshop["code"], "Bo")
    round_id = api.round(fac, workshop["id"])["id"]
    api.phase(fac, round_id, "proposing")
    proposal = api.propose(member, round_id, "Cykel", 3_000_00)
    for phase in ("discussing", "voting"):
        api.phase(fac, round_id, phase)
    api.vote(member, round_id, [proposal])
    api.phase(fac, round_id, "closed")
    decision = api.ok("GET", f"/api/v1/groups/{group['id']}/decisions", approver)[0]
    api.ok("POST", f"/api/v1/decisions/{decision['id']}/approve", approver, json={})
    return {"fac": fac, "approver": approver, "member": member, "group": group,
            "round_id": round_id, "decision_id": decision["id"]}  # fmt: skip


@pytest.mark.parametrize("spelling", ["show-live", "show_live"])
def test_show_live_answers_under_both_spellings(api: Api, spelling: str) -> None:
    fac = api.user("fac@kolding.dk")
    workshop = api.workshop(fac, api.group(fac)["id"])
    round_id = api.round(fac, workshop["id"])["id"]
    path = f"/api/v1/rounds/{round_id}/{spelling}"
    shown = api.ok("POST", path, fac, json={"show_live": True})
    assert shown["show_live"] is True
    assert shown["id"] == round_id
    assert api.ok("GET", f"/api/v1/rounds/{round_id}", fac)["show_live"] is True


@pytest.mark.parametrize(("pay", "refund"), [("payments", "refunds"), ("pay", "refund")])
def test_the_pages_pay_and_refund_under_both_spellings(api: Api, pay: str, refund: str) -> None:
    s = _closed_with_a_decision(api)
    api.client.cookies.set("puljen_user", s["approver"])
    api.client.cookies.set("puljen_csrf", CSRF)
    base = f"/f/decisions/{s['decision_id']}"
    paid = api.client.post(
        f"{base}/{pay}",
        data={"csrf": CSRF, "amount": "3.000", "paid_to": "Cykelsmeden", "method": "card"},
        follow_redirects=False,
    )
    assert paid.status_code == 303
    api.ok("POST", f"/api/v1/decisions/{s['decision_id']}/complete", s["approver"], json={})
    back = api.client.post(
        f"{base}/{refund}", data={"csrf": CSRF, "amount": "500"}, follow_redirects=False
    )
    assert back.status_code == 303
    ledger = api.ok("GET", f"/api/v1/groups/{s['group']['id']}/ledger", s["approver"])
    assert [e["amount_minor"] for e in ledger if e["kind"] == "refund"] == [500_00]


def test_one_export_route_answers_a_bearer_token_and_the_pages_cookie(api: Api) -> None:
    s = _closed_with_a_decision(api)
    group = s["group"]["id"]
    paths = ("/audit.csv", f"/groups/{group}/ledger.csv", f"/groups/{group}/decisions.csv")
    by_token = [api.call("GET", f"/api/v1{p}?decimal=comma", s["approver"]) for p in paths]
    api.client.cookies.set("puljen_user", s["approver"])
    by_cookie = [api.client.get(f"/api/v1{p}?decimal=comma") for p in paths]
    on_pages = [api.client.get(f"/f{p}") for p in paths]  # the pages' default: a comma
    for token, cookie, page in zip(by_token, by_cookie, on_pages, strict=True):
        assert token.status_code == cookie.status_code == page.status_code == 200
        assert token.content == cookie.content == page.content
        assert token.headers["content-type"] == "text/csv; charset=utf-8"
    point = api.client.get(f"/f/groups/{group}/ledger.csv?decimal=point").content
    assert b"3000.00" in point
    assert b"3000,00" in by_cookie[1].content


def test_the_pages_cookie_changes_nothing_without_the_pages_csrf_token(api: Api) -> None:
    s = _closed_with_a_decision(api)
    api.client.cookies.set("puljen_user", s["fac"])
    api.client.cookies.set("puljen_csrf", CSRF)
    body = {"name": "Nyt hold", "pot": {"amount_minor": 100}}
    forged = api.client.post("/api/v1/groups", json=body)
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "csrf_failed"
    made = api.client.post("/api/v1/groups", json=body, headers={"x-csrf-token": CSRF})
    assert made.status_code == 201
    assert made.json()["name"] == "Nyt hold"


def test_a_members_token_in_the_staff_cookie_is_not_a_login(api: Api) -> None:
    s = _closed_with_a_decision(api)
    api.client.cookies.set("puljen_user", s["member"])
    assert api.client.get(f"/api/v1/rounds/{s['round_id']}").status_code == 401
    assert api.call("GET", f"/api/v1/rounds/{s['round_id']}", s["member"]).status_code == 200
