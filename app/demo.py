"""Demo data: an organisation, a facilitator, a caseworker (approver) and a group with a pot
and an open workshop."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from app.deliberation.permissions import Actor, Role
from app.infra.tables import GroupRow, UserRow, WorkshopRow
from app.usecases import accounts, groups, models, rounds, workshops
from app.usecases.unit import Services
from app.web.i18n import format_money

DEMO_GROUP = "Ungepuljen Aarhus (demo)"
DEMO_POT_MINOR = 60_000_00
DEMO_APPROVER = "sagsbehandler@demo.puljen.dk"


@dataclass(frozen=True)
class DemoInfo:
    group_name: str
    pot_text: str
    code: str
    screen_token: str


def ensure_demo(services: Services, *, email: str, password: str) -> DemoInfo:
    """Create the demo once; on later runs, find it again."""
    with services.db.reading() as session:
        found = session.exec(select(UserRow).where(UserRow.email == email)).first()
    user = (
        models.User.of(found)
        if found is not None
        else accounts.create_user(services, email=email, password=password, role="facilitator")
    )
    with services.db.reading() as session:
        approver = session.exec(select(UserRow).where(UserRow.email == DEMO_APPROVER)).first()
    if approver is None:  # the caseworker who approves and pays what the group decides
        accounts.create_user(
            services,
            email=DEMO_APPROVER,
            password=password,
            role="approver",
            organisation_id=user.organisation_id,
        )
    actor = Actor(role=Role(user.role), organisation_id=user.organisation_id, user_id=user.id)
    with services.db.reading() as session:
        group_row = session.exec(
            select(GroupRow).where(
                GroupRow.organisation_id == user.organisation_id, GroupRow.name == DEMO_GROUP
            )
        ).first()
        workshop_row = (
            session.exec(
                select(WorkshopRow).where(
                    WorkshopRow.group_id == group_row.id, col(WorkshopRow.closed_at).is_(None)
                )
            ).first()
            if group_row
            else None
        )
    group = (
        models.Group.of(group_row)
        if group_row is not None
        else groups.create_group(
            services, actor, name=DEMO_GROUP, amount_minor=DEMO_POT_MINOR, currency="DKK"
        ).group
    )
    workshop = models.Workshop.of(workshop_row) if workshop_row is not None else None
    if workshop is None:
        workshop = workshops.start_workshop(
            services, actor, group_id=group.id, title="Workshop 1: Drømme og skridt"
        )
        round_ = rounds.create_round(
            services,
            actor,
            workshop_id=workshop.id,
            title="Hvad skal puljen bruges til?",
            method="approval",
            params=None,
            budget_minor=None,
        )
        rounds.move_phase(services, actor, round_.id, phase="proposing")
    return DemoInfo(
        group_name=group.name,
        pot_text=format_money(DEMO_POT_MINOR, "DKK", "da"),
        code=workshop.code,
        screen_token=workshop.screen_token,
    )
