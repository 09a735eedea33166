"""The approver's pages and the group's phones after a round: the queue, a decision with its
actions and timeline, receipts, the pot page with its chart, and what became of it."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.conftest import Api
from tests.support import PNG, closed_round

CSRF = "the-token-is-long-enough-1234"


def _as(api: Api, token: str) -> None:
    api.client.cookies.set("puljen_user", token)
    api.client.cookies.set("puljen_csrf", CSRF)


def _form(api: Api, path: str, **fields: Any) -> Any:
    return api.client.post(
        path, data={"csrf": CSRF, **fields}, headers={"Accept": "text/html"}, follow_redirects=False
    )


def test_an_approver_works_a_decision_through_in_the_browser(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00})
    decision_id = s["decisions"]["Kørekort"]["id"]
    _as(api, s["approver"])
    queue = api.client.get("/f/decisions")
    assert queue.status_code == 200
    assert "Kørekort" in queue.text
    assert "Venter på godkendelse" in queue.text

    path = f"/f/decisions/{decision_id}"
    asked = _form(api, f"{path}/approve", amount="11.000")  # less than funded: asked first
    assert asked.status_code == 200
    assert "Resten, 1.000,00\xa0kr., går tilbage" in asked.text
    assert _form(api, f"{path}/approve", amount="11.000", confirmed="1").status_code == 303
    page = api.client.get(path).text
    assert "Godkendt" in page
    assert "11.000,00" in page
    paid = _form(
        api,
        f"{path}/pay",
        amount="4.000",
        paid_to="Køreskolen",
        method="invoice",
        paid_on="2026-03-12",
    )
    assert paid.status_code == 303
    page = api.client.get(path).text
    payment_id = re.search(r'action="/f/payments/([^/]+)/receipts"', page)
    assert payment_id is not None
    uploaded = api.client.post(
        f"/f/payments/{payment_id.group(1)}/receipts",
        data={"csrf": CSRF, "decision_id": decision_id},
        files={"file": ("bon.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    page = api.client.get(path).text
    receipt = re.search(r'href="/f/receipts/([^"]+)"', page)
    assert receipt is not None
    assert api.client.get(f"/f/receipts/{receipt.group(1)}").content == PNG
    assert "sagsbehandler@odense.dk godkendte" in page
    assert "betalte" in page

    refused = _form(api, f"{path}/reject", reason="Nej")
    assert refused.status_code == 409
    assert 'id="decision-error"' in refused.text
    too_much = _form(api, f"{path}/pay", amount="7.000,01", paid_to="X", method="card")
    assert too_much.status_code == 409
    assert "7.000,00" in too_much.text

    done = _form(api, f"{path}/complete", note="Bestået")
    assert done.status_code == 303
    pot = api.client.get(f"/f/groups/{s['group']['id']}/pot")
    assert pot.status_code == 200
    assert pot.text.count('<polygon class="area') == 3
    assert "<title>Puljen over tid" in pot.text
    # 50.000 in the pot, 4.000 spent; the 1.000 not approved and the 7.000 not paid are back.
    assert "Tilbage i puljen" in pot.text
    assert "46.000,00" in pot.text


def test_a_facilitator_sees_decisions_but_cannot_act_on_them(api: Api) -> None:
    s = closed_round(api, {"Bærbar": 6_000_00})
    _as(api, s["fac"])
    page = api.client.get(f"/f/decisions/{s['decisions']['Bærbar']['id']}")
    assert page.status_code == 200
    assert "Bærbar" in page.text
    assert "/approve" not in page.text
    refused = _form(api, f"/f/decisions/{s['decisions']['Bærbar']['id']}/approve")
    assert refused.status_code == 403


def test_the_groups_phones_show_what_became_of_each_funded_proposal_live(api: Api) -> None:
    s = closed_round(api, {"Kursus": 3_000_00})
    with api.services.db.reading() as session:
        from sqlmodel import select

        from app.infra.tables import MemberRow, WorkshopRow

        member = session.exec(select(MemberRow)).first()
        workshop = session.exec(select(WorkshopRow)).first()
    assert member is not None
    assert workshop is not None
    token = api.ok("POST", "/api/v1/join", json={"code": workshop.code, "name": "Eva"})["token"]
    phone = {"cookie": f"puljen_member={token}"}
    with api.client.websocket_connect(f"/ws/live/{workshop.id}", headers=phone) as ws:
        first = ws.receive_text()
        assert "Venter på, at kommunen godkender det." in first
        ws.receive_text()
        time.sleep(0.3)
        base = f"/api/v1/decisions/{s['decisions']['Kursus']['id']}"
        api.ok("POST", f"{base}/hold", s["approver"], json={"question": "Hvornår starter det?"})
        pushed = ws.receive_text()
        assert 'id="fates"' in pushed
        assert "Sagsbehandleren spørger: Hvornår starter det?" in pushed
        api.ok("POST", f"{base}/approve", s["approver"], json={})
        api.ok(
            "POST",
            f"{base}/payments",
            s["approver"],
            json={"amount_minor": 2_400_00, "paid_to": "AOF", "method": "card"},
        )
        api.ok("POST", f"{base}/complete", s["approver"], json={})
        last = ws.receive_text()
        while "Færdig" not in last:
            last = ws.receive_text()
    assert "Færdig. 600,00\xa0kr. gik tilbage til puljen." in last


def test_the_audit_trail_page_shows_every_step_newest_first(api: Api) -> None:
    s = closed_round(api, {"Bærbar": 6_000_00})
    api.ok(
        "POST",
        f"/api/v1/decisions/{s['decisions']['Bærbar']['id']}/reject",
        s["approver"],
        json={"reason": "For dyr."},
    )
    _as(api, s["fac"])
    page = api.client.get("/f/audit")
    assert page.status_code == 200
    assert "Logbog" in page.text
    first_row = page.text.index("<tbody>")
    rejected = page.text.index("afviste “Bærbar”: For dyr.", first_row)  # in words (issue 10)
    assert rejected < page.text.index("lukkede runden", first_row)
    assert "sagsbehandler@odense.dk" in page.text


def test_the_pages_exports_work_with_the_pages_login(api: Api) -> None:
    s = closed_round(api, {"Bærbar": 6_000_00})
    _as(api, s["fac"])
    for path in (
        f"/f/groups/{s['group']['id']}/ledger.csv",
        f"/f/groups/{s['group']['id']}/decisions.csv",
        "/f/audit.csv",
    ):
        answer = api.client.get(path)
        assert answer.status_code == 200, path
        assert answer.content.startswith("\ufeff".encode())
        assert b";" in answer.content


def test_text_a_person_types_is_cleaned_before_it_reaches_the_ledger(api: Api) -> None:
    s = closed_round(api, {"Bærbar": 6_000_00})
    _as(api, s["approver"])
    decision_id = s["decisions"]["Bærbar"]["id"]
    rejected = _form(api, f"/f/decisions/{decision_id}/reject", reason="Nej\x00 tak\u202e")
    assert rejected.status_code == 303
    entries = api.ok("GET", f"/api/v1/groups/{s['group']['id']}/ledger", s["fac"])
    assert entries[-1]["note"] == "Nej tak"
