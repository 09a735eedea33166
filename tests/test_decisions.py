"""From decision to money spent, through the JSON API: approve (all or part), reject, hold,
pay in parts, complete; the pot's figures exact at every step, also under concurrency."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.deliberation.pots import Balance, EntryKind
from app.infra.db import Database
from app.infra.tables import DecisionRow, LedgerEntryRow
from app.usecases import accounts, decisions, rounds
from tests.conftest import Api
from tests.support import PNG, closed_round, collide


def _pot(api: Api, s: dict[str, Any]) -> dict[str, int]:
    pot: dict[str, int] = api.ok("GET", f"/api/v1/groups/{s['group']['id']}", s["fac"])["pot"]
    return {k: v for k, v in pot.items() if k.endswith("_minor") and k != "amount_minor"}


def test_a_decision_from_approval_to_completion_keeps_the_pot_exact(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00, "Bærbar": 6_000_00})
    licence = s["decisions"]["Kørekort"]
    assert licence["status"] == "funded"
    assert licence["amount_minor"] == 12_000_00
    assert _pot(api, s) == {
        "total_minor": 50_000_00,
        "reserved_minor": 18_000_00,
        "approved_minor": 0,
        "spent_minor": 0,
        "available_minor": 32_000_00,
    }
    base = f"/api/v1/decisions/{licence['id']}"
    approved = api.ok("POST", f"{base}/approve", s["approver"], json={"amount_minor": 11_000_00})
    assert approved["status"] == "approved"
    assert approved["approved_minor"] == 11_000_00
    assert _pot(api, s)["available_minor"] == 33_000_00  # the 1.000 kr. not approved is back

    payment = {"paid_to": "Køreskolen", "method": "invoice", "paid_on": "2026-03-12"}
    first = api.call(
        "POST", f"{base}/payments", s["approver"], json={**payment, "amount_minor": 6_000_00}
    )
    assert first.status_code == 201
    assert first.json()["decision"]["status"] == "paid"
    api.ok("POST", f"{base}/payments", s["approver"], json={**payment, "amount_minor": 3_150_00})
    too_much = api.call(
        "POST", f"{base}/payments", s["approver"], json={**payment, "amount_minor": 1_850_01}
    )
    assert too_much.status_code == 409
    assert too_much.json()["error"]["code"] == "over_approved"
    assert _pot(api, s) == {
        "total_minor": 50_000_00,
        "reserved_minor": 6_000_00,
        "approved_minor": 1_850_00,
        "spent_minor": 9_150_00,
        "available_minor": 33_000_00,
    }
    done = api.ok("POST", f"{base}/complete", s["approver"], json={"note": "Bestod!"})
    assert done["status"] == "completed"
    assert done["paid_minor"] == 9_150_00
    assert _pot(api, s)["available_minor"] == 34_850_00  # 1.850 kr. went back to the pot

    entries = api.ok("GET", f"/api/v1/groups/{s['group']['id']}/ledger", s["fac"])
    mine = [(e["kind"], e["amount_minor"]) for e in entries if e["decision_id"] == licence["id"]]
    assert mine == [
        ("reserve", 12_000_00),
        ("approve", 11_000_00),
        ("release", 1_000_00),
        ("pay", 6_000_00),
        ("pay", 3_150_00),
        ("return", 1_850_00),
    ]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))


def test_rejecting_needs_a_reason_and_gives_the_money_back(api: Api) -> None:
    s = closed_round(api, {"Bærbar": 6_000_00})
    base = f"/api/v1/decisions/{s['decisions']['Bærbar']['id']}"
    empty = api.call("POST", f"{base}/reject", s["approver"], json={"reason": "  "})
    assert empty.status_code == 422
    assert empty.json()["error"]["field"] == "reason"
    assert _pot(api, s)["reserved_minor"] == 6_000_00  # the refused step changed nothing
    held = api.ok("POST", f"{base}/hold", s["approver"], json={"question": "Hvilken model?"})
    assert held["status"] == "on_hold"
    assert held["question"] == "Hvilken model?"
    rejected = api.ok("POST", f"{base}/reject", s["approver"], json={"reason": "For dyr."})
    assert rejected["status"] == "rejected"
    assert rejected["reason"] == "For dyr."
    assert _pot(api, s)["available_minor"] == 50_000_00
    again = api.call("POST", f"{base}/approve", s["approver"], json={})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "wrong_status"


def test_only_approvers_decide_and_nobody_approves_their_own_proposal(api: Api) -> None:
    s = closed_round(api, {"Kursus": 3_000_00})
    base = f"/api/v1/decisions/{s['decisions']['Kursus']['id']}"
    assert api.call("POST", f"{base}/approve", s["fac"], json={}).status_code == 403
    other = api.user("fremmed@aalborg.dk", role="approver", organisation_id=_other_org(api))
    assert api.call("POST", f"{base}/approve", other, json={}).status_code == 404
    # A proposal an approver submitted themselves: someone else must approve it.
    with api.services.db.writing() as session:
        row = session.get(DecisionRow, s["decisions"]["Kursus"]["id"])
        assert row is not None
        row.proposed_by = accounts.authenticate(api.services, s["approver"]).user_id
        session.add(row)
    own = api.call("POST", f"{base}/approve", s["approver"], json={})
    assert own.status_code == 403
    assert own.json()["error"]["code"] == "own_proposal"


def _other_org(api: Api) -> str:
    return accounts.create_organisation(api.services, name="Aalborg Kommune").id


def test_two_approvers_paying_the_same_decision_at_once_never_pay_more_than_approved(
    api: Api,
) -> None:
    s = closed_round(api, {"Tandlæge": 8_000_00})
    decision_id = s["decisions"]["Tandlæge"]["id"]
    api.ok("POST", f"/api/v1/decisions/{decision_id}/approve", s["approver"], json={})
    second = api.user("sagsbehandler2@odense.dk", role="approver")
    actors = [accounts.authenticate(api.services, t) for t in (s["approver"], second)] * 4
    # Each call on its own engine: a stand-in for separate server processes, so only the
    # database transaction keeps them apart. Eight payments of 1.500 kr. against 8.000 kr.
    processes = [replace(api.services, db=Database(api.services.db.url)) for _ in actors]
    outcomes = collide(
        *[
            (
                lambda a=a, p=p: decisions.pay(
                    p,
                    a,
                    decision_id,
                    amount_minor=1_500_00,
                    paid_to="Tandklinikken",
                    method="invoice",
                    paid_on=None,
                )
            )
            for a, p in zip(actors, processes, strict=True)
        ]
    )
    for process in processes:
        process.db.dispose()
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 3, outcomes  # five fit in 8.000 kr.; the rest are refused
    assert all(getattr(o, "code", "") == "over_approved" for o in refused), refused
    decision = next(
        d
        for d in api.ok("GET", f"/api/v1/groups/{s['group']['id']}/decisions", s["fac"])
        if d["id"] == decision_id
    )
    assert decision["paid_minor"] == 7_500_00
    pot = _pot(api, s)
    assert pot["spent_minor"] == 7_500_00
    assert pot["approved_minor"] == 500_00
    entries = api.ok("GET", f"/api/v1/groups/{s['group']['id']}/ledger", s["fac"])
    assert sum(e["amount_minor"] for e in entries if e["kind"] == "pay") == 7_500_00
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))


def test_twenty_releases_and_four_reserves_at_once_keep_the_ledger_exact(api: Api) -> None:
    amounts = {f"Forslag {i}": (i + 1) * 100_00 for i in range(20)}
    s = closed_round(api, amounts, pot=100_000_00)
    actor = accounts.authenticate(api.services, s["approver"])
    facilitator = accounts.authenticate(api.services, s["fac"])
    engines: list[Database] = []

    def svc() -> Any:
        engine = Database(api.services.db.url)  # each call its own "process"
        engines.append(engine)
        return replace(api.services, db=engine)

    def halve(decision_id: str, amount: int) -> Callable[[], Any]:
        return lambda: decisions.approve(svc(), actor, decision_id, amount // 2)

    def refuse(decision_id: str) -> Callable[[], Any]:
        return lambda: decisions.reject(svc(), actor, decision_id, "Nej tak")

    def close(round_id: str) -> Callable[[], Any]:
        return lambda: rounds.move_phase(svc(), facilitator, round_id, phase="closed")

    # Half are approved in half (the rest released), half rejected (all released) ...
    calls = [
        halve(s["decisions"][title]["id"], amount) if i % 2 else refuse(s["decisions"][title]["id"])
        for i, (title, amount) in enumerate(amounts.items())
    ]
    # ... while four other workshops of the group close rounds that reserve 1.000 kr. each.
    for n in range(4):
        other = api.workshop(s["fac"], s["group"]["id"])
        member = api.join(other["code"], f"M{n}")
        round_id = api.round(s["fac"], other["id"], budget_minor=1_000_00)["id"]
        api.phase(s["fac"], round_id, "proposing")
        proposal = api.propose(member, round_id, "Buskort", 1_000_00)
        api.phase(s["fac"], round_id, "discussing")
        api.phase(s["fac"], round_id, "voting")
        api.vote(member, round_id, [proposal])
        calls.append(close(round_id))
    outcomes = collide(*calls)
    for engine in engines:
        engine.dispose()
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    approved = sum(a // 2 for i, a in enumerate(amounts.values()) if i % 2)
    pot = _pot(api, s)
    assert pot == {
        "total_minor": 100_000_00,
        "reserved_minor": 4_000_00,
        "approved_minor": approved,
        "spent_minor": 0,
        "available_minor": 100_000_00 - approved - 4_000_00,
    }
    with api.services.db.reading() as session:
        entries = session.exec(
            select(LedgerEntryRow)
            .where(LedgerEntryRow.group_id == s["group"]["id"])
            .order_by(LedgerEntryRow.seq)  # type: ignore[arg-type]
        ).all()
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    running = Balance()
    for entry in entries:  # every row's balance is the fold of the rows before it
        running = running.apply(EntryKind(entry.kind), entry.amount_minor)
        assert (
            entry.total_after_minor,
            entry.reserved_after_minor,
            entry.approved_after_minor,
            entry.spent_after_minor,
        ) == (
            running.total_minor,
            running.reserved_minor,
            running.approved_minor,
            running.spent_minor,
        )


def test_the_database_refuses_a_decision_paid_beyond_its_approval(api: Api) -> None:
    s = closed_round(api, {"Bærbar": 6_000_00})
    try:
        with api.services.db.writing() as session:
            row = session.get(DecisionRow, s["decisions"]["Bærbar"]["id"])
            assert row is not None
            row.approved_minor, row.paid_minor = 1_000_00, 1_000_01
            session.add(row)
    except IntegrityError:
        pass
    else:
        raise AssertionError("the CHECK constraint let an overpayment through")


def test_every_step_is_in_the_audit_trail_newest_first(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00})
    base = f"/api/v1/decisions/{s['decisions']['Kørekort']['id']}"
    api.ok("POST", f"{base}/approve", s["approver"], json={"amount_minor": 10_000_00})
    api.ok(
        "POST",
        f"{base}/payments",
        s["approver"],
        json={"amount_minor": 4_000_00, "paid_to": "Køreskolen", "method": "invoice"},
    )
    trail = api.ok("GET", "/api/v1/audit", s["fac"])
    actions = [e["action"] for e in trail]
    assert actions[:2] == ["decision.paid", "decision.approved"]
    for expected in (
        "round.phase",
        "proposal.created",
        "member.joined",
        "round.created",
        "workshop.started",
        "group.created",
        "user.created",
    ):
        assert expected in actions, expected
    approved = trail[1]
    assert approved["actor"] == "sagsbehandler@odense.dk"
    assert approved["actor_role"] == "approver"
    assert approved["before"]["status"] == "funded"
    assert approved["after"] == {
        "status": "approved",
        "approved_minor": 10_000_00,
        "paid_minor": 0,
        "approvals": 1,
    }
    closing = next(e for e in trail if e["action"] == "round.phase")
    assert closing["before"] == {"phase": "voting"}
    assert closing["after"] == {"phase": "closed"}
    joined = next(e for e in trail if e["action"] == "member.joined")
    assert joined["after"]["name"] == "Asta"
    # Members never read it; another organisation sees none of it.
    other = api.user("revisor@aalborg.dk", role="approver", organisation_id=_other_org(api))
    theirs = api.ok("GET", "/api/v1/audit", other)
    assert {e["action"] for e in theirs} == {"organisation.created", "user.created"}


def test_exports_open_in_danish_excel(api: Api) -> None:
    s = closed_round(api, {'=HYPERLINK("x") Kursus': 1_234_50, "Bærbar": 6_000_00})
    group = s["group"]["id"]
    answer = api.call("GET", f"/api/v1/groups/{group}/decisions.csv?decimal=comma", s["fac"])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    raw = answer.content
    assert raw.startswith("\ufeff".encode())  # the BOM: Excel reads it as UTF-8
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";")[:3] == ["id", "title", "status"]
    assert any(";Bærbar;funded;6000,00;0,00;0,00;" in line for line in lines)
    assert "'=HYPERLINK" in text  # stays text, never runs as a formula
    point = api.call("GET", f"/api/v1/groups/{group}/ledger.csv", s["fac"]).content.decode(
        "utf-8-sig"
    )
    assert point.splitlines()[1].split(",")[2:4] == ["grant", "50000.00"]
    audit_csv = api.call("GET", "/api/v1/audit.csv", s["approver"])
    assert audit_csv.status_code == 200
    assert "round.phase" in audit_csv.content.decode("utf-8-sig")
    odd = api.call("GET", f"/api/v1/groups/{group}/ledger.csv?decimal=semicolon", s["fac"])
    assert odd.status_code == 422


PDF = b"%PDF-1.7\n" + b"x" * 64


def _paid_course(api: Api, amount_minor: int) -> tuple[dict[str, Any], str]:
    """A course of 3.000 kr. approved and paid ``amount_minor`` by card; the payment's
    receipts URL."""
    s = closed_round(api, {"Kursus": 3_000_00})
    base = f"/api/v1/decisions/{s['decisions']['Kursus']['id']}"
    api.ok("POST", f"{base}/approve", s["approver"], json={})
    payment = api.ok(
        "POST",
        f"{base}/payments",
        s["approver"],
        json={"amount_minor": amount_minor, "paid_to": "AOF", "method": "card"},
    )
    return s, f"/api/v1/payments/{payment['id']}/receipts"


def test_receipts_are_checked_by_content_stored_under_random_names_and_shown_to_staff(
    api: Api,
) -> None:
    s, upload = _paid_course(api, 3_000_00)
    photo = api.call("POST", upload, s["approver"], files={"file": ("kvittering.pdf", PNG)})
    assert photo.status_code == 201
    assert photo.json()["content_type"] == "image/png"
    pdf = api.call("POST", upload, s["approver"], files={"file": ("x.jpg", PDF)})
    assert pdf.json()["content_type"] == "application/pdf"
    fake = api.call(
        "POST", upload, s["approver"], files={"file": ("kvittering.png", b"<script>alert(1)")}
    )
    assert fake.status_code == 422
    assert fake.json()["error"]["field"] == "file"
    stored = sorted(p.name for p in api.services.settings.receipts_dir.iterdir())
    assert len(stored) == 2
    assert not any("kvittering" in name for name in stored)

    shown = api.call("GET", f"/api/v1/receipts/{photo.json()['id']}", s["fac"])
    assert shown.status_code == 200
    assert shown.content == PNG
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["x-content-type-options"] == "nosniff"
    workshop_member = api.join(
        api.ok(
            "POST", f"/api/v1/groups/{s['group']['id']}/workshops", s["fac"], json={"title": "W2"}
        )["code"],
        "Bo",
    )
    assert (
        api.call("GET", f"/api/v1/receipts/{photo.json()['id']}", workshop_member).status_code
        == 403
    )
    stranger = api.user("x@aalborg.dk", role="approver", organisation_id=_other_org(api))
    assert api.call("GET", f"/api/v1/receipts/{photo.json()['id']}", stranger).status_code == 404


def test_a_receipt_over_ten_megabytes_is_refused_and_nothing_is_kept(api: Api) -> None:
    s, upload = _paid_course(api, 1_00)
    big = PDF + b"x" * (10 * 1024 * 1024)
    refused = api.call(
        "POST",
        upload,
        s["approver"],
        files={"file": ("big.pdf", big)},
    )
    assert refused.status_code in (413, 422)
    folder = api.services.settings.receipts_dir
    assert not folder.exists() or list(folder.iterdir()) == []


def test_an_administrator_corrects_a_pot_with_a_reason(api: Api) -> None:
    s = closed_round(api, {"Kursus": 3_000_00})
    admin = api.user("admin@odense.dk", role="admin")
    path = f"/api/v1/groups/{s['group']['id']}/adjustments"
    assert (
        api.call("POST", path, s["approver"], json={"amount_minor": 100, "reason": "x"}).status_code
        == 403
    )
    no_reason = api.call("POST", path, admin, json={"amount_minor": 100, "reason": " "})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["field"] == "reason"
    too_far = api.call("POST", path, admin, json={"amount_minor": -47_000_01, "reason": "Fejl"})
    assert too_far.status_code == 409
    assert too_far.json()["error"]["code"] == "pot_overspent"
    entry = api.ok("POST", path, admin, json={"amount_minor": -2_000_00, "reason": "Tastefejl"})
    assert entry["kind"] == "adjust"
    assert entry["note"] == "Tastefejl"
    assert _pot(api, s)["total_minor"] == 48_000_00
    assert api.ok("GET", "/api/v1/audit", admin)[0]["action"] == "pot.adjusted"


def test_above_the_organisations_threshold_two_approvers_must_agree(api: Api) -> None:
    s = closed_round(api, {"Kørekort": 12_000_00})
    admin = api.user("admin@odense.dk", role="admin")
    settings = {"second_approver_above_minor": 10_000_00}
    assert (
        api.call("PUT", "/api/v1/organisation/settings", s["approver"], json=settings).status_code
        == 403
    )
    assert api.ok("PUT", "/api/v1/organisation/settings", admin, json=settings) == settings
    base = f"/api/v1/decisions/{s['decisions']['Kørekort']['id']}"
    first = api.ok("POST", f"{base}/approve", s["approver"], json={})
    assert first["status"] == "funded"
    assert first["approvals"] == 1
    assert _pot(api, s)["approved_minor"] == 0  # nothing moves on one approval
    again = api.call("POST", f"{base}/approve", s["approver"], json={})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "second_approver_needed"
    second = api.user("sagsbehandler2@odense.dk", role="approver")
    done = api.ok("POST", f"{base}/approve", second, json={})
    assert done["status"] == "approved"
    assert _pot(api, s)["approved_minor"] == 12_000_00
    detail = api.ok("GET", base, s["fac"])
    assert [step["action"] for step in detail["timeline"]] == ["decision.approved"] * 2
    assert {step["actor"] for step in detail["timeline"]} == {
        "sagsbehandler@odense.dk",
        "sagsbehandler2@odense.dk",
    }


def test_money_that_comes_back_after_completion_is_recorded_as_a_refund(api: Api) -> None:
    s = closed_round(api, {"Kursus": 3_000_00})
    base = f"/api/v1/decisions/{s['decisions']['Kursus']['id']}"
    api.ok("POST", f"{base}/approve", s["approver"], json={})
    payment = {"amount_minor": 3_000_00, "paid_to": "AOF", "method": "invoice"}
    api.ok("POST", f"{base}/payments", s["approver"], json=payment)
    early = api.call("POST", f"{base}/refunds", s["approver"], json={"amount_minor": 100})
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "wrong_status"
    api.ok("POST", f"{base}/complete", s["approver"], json={})
    back = api.ok(
        "POST", f"{base}/refunds", s["approver"], json={"amount_minor": 1_000_00, "note": "Aflyst"}
    )
    assert back["paid_minor"] == 2_000_00
    assert back["status"] == "completed"
    assert _pot(api, s)["spent_minor"] == 2_000_00
    assert _pot(api, s)["available_minor"] == 48_000_00


def test_odd_values_get_a_clear_answer_not_a_500(api: Api) -> None:
    s = closed_round(api, {"Kursus": 3_000_00})
    admin = api.user("admin@odense.dk", role="admin")
    naive = api.call("GET", "/api/v1/audit?before=2030-01-01T00:00:00", s["fac"])
    assert naive.status_code == 200
    assert naive.json()
    huge = api.call(
        "POST",
        f"/api/v1/groups/{s['group']['id']}/adjustments",
        admin,
        json={"amount_minor": 10**20, "reason": "x"},
    )
    assert huge.status_code == 422
    threshold = api.call(
        "PUT", "/api/v1/organisation/settings", admin, json={"second_approver_above_minor": 2**63}
    )
    assert threshold.status_code == 422


def test_nobody_outside_the_decision_can_make_the_server_write_a_receipt(api: Api) -> None:
    s, upload = _paid_course(api, 1_00)
    refused = api.call(
        "POST",
        upload,
        s["fac"],
        files={"file": ("a.pdf", PDF)},
    )
    assert refused.status_code == 403
    folder = api.services.settings.receipts_dir
    assert not folder.exists() or list(folder.iterdir()) == []
