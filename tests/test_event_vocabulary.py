"""A change is recorded once, as one event: the audit trail's action and the outbox's type
are the same name, for the same thing, written by the same use case; stored entries with
the old action strings are renamed by migration 0009."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from app.deliberation.events import NAMES
from app.infra.db import alembic_config
from app.infra.tables import AuditRow, EventRow
from app.usecases import accounts, facilitation
from app.usecases.audit import AuditView
from app.usecases.models import AuditEntry
from app.web import sentences
from tests.conftest import Api
from tests.support import OLD_WORKSHOP_ROWS


def _workshop_story(api: Api) -> None:
    fac = api.user("fac@odense.dk")
    approver = api.user("sagsbehandler@odense.dk", role="approver")
    group = api.group(fac)
    workshop = api.workshop(fac, group["id"])
    member = api.join(workshop["code"], "Asta")
    round_id = api.round(fac, workshop["id"], budget_minor=10_000_00)["id"]
    api.ok("POST", f"/api/v1/rounds/{round_id}/show_live", fac, json={"show_live": True})
    api.phase(fac, round_id, "proposing")
    proposal = api.propose(member, round_id, "Kørekort", 5_000_00)
    comment = api.ok(
        "POST", f"/api/v1/proposals/{proposal}/comments", member, json={"text": "God idé"}
    )
    facilitator = accounts.authenticate(api.services, fac)
    facilitation.hide_comment(api.services, facilitator, comment["id"])
    facilitation.start_timer(api.services, facilitator, workshop["id"], seconds=60)
    facilitation.spotlight(api.services, facilitator, workshop["id"], proposal_id=proposal)
    api.phase(fac, round_id, "discussing")
    api.phase(fac, round_id, "voting")
    api.vote(member, round_id, [proposal])
    api.phase(fac, round_id, "closed")
    [decision] = api.ok("GET", f"/api/v1/groups/{group['id']}/decisions", approver)
    api.ok("POST", f"/api/v1/decisions/{decision['id']}/approve", approver, json={})


def test_audit_rows_and_outbox_rows_of_a_use_case_carry_the_same_name(api: Api) -> None:
    _workshop_story(api)
    with api.services.db.reading() as session:
        trail = session.exec(select(AuditRow)).all()
        outbox = session.exec(select(EventRow)).all()
    names = set(NAMES.values())
    assert {row.action for row in trail} <= names, "an audit action that is no event's name"
    assert {row.type for row in outbox} <= names, "an outbox type that is no event's name"
    sent = {(row.type, value) for row in outbox for value in row.payload.values()}
    in_a_workshop = [
        row
        for row in trail
        if row.subject_type in {"round", "proposal", "comment", "member", "decision"}
    ]
    assert {row.action for row in in_a_workshop} >= {
        "round.created",
        "round.show_live",
        "round.phase",
        "proposal.created",
        "comment.created",
        "comment.hidden",
        "member.joined",
        "decision.approved",
    }
    for row in in_a_workshop:  # the same event, about the same thing, in both
        assert (row.action, row.subject_id) in sent, (row.action, row.subject_type)
    timer = next(row for row in trail if row.action == "timer.changed")
    assert timer.after == {"seconds": 60}
    assert any(row.type == "timer.changed" and row.payload["ends_at"] for row in outbox)


def test_migration_0009_renames_stored_actions_to_event_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0008")
    engine = sa.create_engine(url)
    old = {
        "a1": ("proposal.submit", '{"title": "Kørekort"}'),
        "a2": ("comment.hide", '{"hidden": true}'),
        "a3": ("comment.show", '{"hidden": false}'),
        "a4": ("decision.approve", '{"status": "approved"}'),
        "a5": ("member.rejoin", '{"name": "Emil"}'),
        "a6": ("round.phase", '{"phase": "voting"}'),
    }
    with engine.begin() as db:
        for sql in OLD_WORKSHOP_ROWS:
            db.execute(sa.text(sql), {"now": "2026-03-01 10:00:00.000000"})
        for key, (action, after) in old.items():
            db.execute(
                sa.text(
                    "INSERT INTO audit_entry (id, organisation_id, at, actor_id, actor_role,"
                    " action, subject_type, subject_id, after) VALUES (:id, 'o',"
                    " '2026-03-01 10:00:00.000000', 'u', 'facilitator', :action, 'x', 'y', :after)"
                ),
                {"id": key, "action": action, "after": after},
            )

    def actions() -> dict[str, str]:
        with engine.connect() as db:
            return dict(db.execute(sa.text("SELECT id, action FROM audit_entry")).all())

    command.upgrade(alembic_config(url), "0009")
    assert actions() == {
        "a1": "proposal.created",
        "a2": "comment.hidden",
        "a3": "comment.hidden",
        "a4": "decision.approved",
        "a5": "member.rejoined",
        "a6": "round.phase",
    }
    command.downgrade(alembic_config(url), "0008")
    assert actions() == {key: action for key, (action, _) in old.items()}
    engine.dispose()


def _said(action: str, after: dict[str, object], before: dict[str, object] | None = None) -> str:
    entry = AuditRow(
        organisation_id="o",
        actor_id="u",
        actor_role="facilitator",
        action=action,
        subject_type="x",
        subject_id="s",
        before=before,
        after=after,
    )
    view = AuditView(AuditEntry.of(entry), "Sara", {"s": "Kørekort", "p": "Kørekort"})
    return sentences.audit_sentence(view, "en")


def test_the_trail_reads_the_same_under_the_event_names() -> None:
    assert _said("comment.hidden", {"hidden": True}) == "Sara hid a comment on “Kørekort”."
    assert _said("comment.hidden", {"hidden": False}) == (
        "Sara showed a comment on “Kørekort” again."
    )
    assert _said("member.rejoined", {"name": "Emil"}) == (
        "Emil came back to the workshop on the same phone."
    )
    assert _said("member.resumed", {"name": "Emil"}) == "Emil continued on the same phone."
    assert _said("join_code.changed", {"shown": False}) == (
        "Sara took the join code off the shared screen."
    )
    assert _said("timer.changed", {"seconds": 0}) == "Sara stopped the timer."
    assert _said("spotlight.changed", {"proposal_id": "p"}) == (
        "Sara put “Kørekort” in the spotlight."
    )
    assert _said("proposal.created", {"title": "Kørekort", "amount_minor": 100_00}) == (
        "Sara proposed “Kørekort” for DKK 100.00."
    )
