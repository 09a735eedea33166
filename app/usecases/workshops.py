"""Workshops: starting one, joining it by code, and its shared screen."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.deliberation.codes import make_code, normalise_code
from app.deliberation.errors import Conflict, InvalidInput, NotFound
from app.deliberation.events import MemberJoined, ScreenRotated
from app.deliberation.fields import require_text
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.text import N_
from app.tables import GroupRow, MemberRow, RoundRow, WorkshopRow

from .accounts import start_member_session
from .unit import Services, lock_workshop, unit_of_work

LANGUAGES = ("da", "en")
NAME_MAX = 40
_CODE_TRIES = 20


@dataclass(frozen=True)
class WorkshopView:
    workshop: WorkshopRow
    rounds: Sequence[RoundRow]
    members: int


@dataclass(frozen=True)
class Joined:
    member: MemberRow
    token: str
    workshop: WorkshopRow


def _code_in_use(session: Session, code: str) -> bool:
    return (
        session.exec(
            select(WorkshopRow.id).where(
                WorkshopRow.code == code, col(WorkshopRow.closed_at).is_(None)
            )
        ).first()
        is not None
    )


def start_workshop(
    services: Services, actor: Actor, *, group_id: str, title: str, language: str = "da"
) -> WorkshopRow:
    clean_title = require_text("title", title, maximum=120)
    if language not in LANGUAGES:
        raise InvalidInput(N_("The language must be da or en."), field="language")
    for _ in range(_CODE_TRIES):
        try:
            with unit_of_work(services) as uow:
                group = uow.session.get(GroupRow, group_id)
                if group is None:
                    raise NotFound(N_("There is no such group."))
                require(actor, Action.CREATE_WORKSHOP, organisation_id=group.organisation_id)
                code = make_code(secrets.choice)
                if _code_in_use(uow.session, code):
                    continue
                workshop = WorkshopRow(
                    organisation_id=group.organisation_id,
                    group_id=group.id,
                    title=clean_title,
                    code=code,
                    screen_token=secrets.token_urlsafe(24),
                    language=language,
                )
                uow.session.add(workshop)
                uow.session.flush()
                uow.audit(
                    actor,
                    "workshop.start",
                    ("workshop", workshop.id),
                    after={"title": clean_title, "group_id": group.id, "language": language},
                )
            return workshop
        except IntegrityError:  # another workshop took the code at the same instant
            continue
    raise Conflict(N_("Could not find a free join code. Please try again."))


def _load(session: Session, workshop_id: str) -> WorkshopRow:
    workshop = session.get(WorkshopRow, workshop_id)
    if workshop is None:
        raise NotFound(N_("There is no such workshop."))
    return workshop


def active_member_count(session: Session, workshop_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(MemberRow)
        .where(MemberRow.workshop_id == workshop_id, col(MemberRow.removed_at).is_(None))
    ).one()


def get_workshop(services: Services, actor: Actor, workshop_id: str) -> WorkshopView:
    with services.db.reading() as session:
        workshop = _load(session, workshop_id)
        require(
            actor,
            Action.VIEW_ROUND,
            organisation_id=workshop.organisation_id,
            workshop_id=workshop.id,
        )
        rounds = session.exec(
            select(RoundRow)
            .where(RoundRow.workshop_id == workshop.id)
            .order_by(col(RoundRow.created_at))
        ).all()
        return WorkshopView(workshop, rounds, active_member_count(session, workshop.id))


def join_workshop(services: Services, *, code: str, name: str) -> Joined:
    """A young person joins with the code on the screen and a display name: nothing else."""
    clean_code = normalise_code(code)
    clean_name = require_text("name", name, maximum=NAME_MAX)
    with unit_of_work(services) as uow:
        session = uow.session
        found = session.exec(
            select(WorkshopRow).where(
                WorkshopRow.code == clean_code, col(WorkshopRow.closed_at).is_(None)
            )
        ).first()
        if found is None:
            raise NotFound(
                N_("No open workshop has that code. Check the code on the screen."),
                code="unknown_code",
                field="code",
            )
        workshop = lock_workshop(session, found.id)
        names = session.exec(
            select(MemberRow.name).where(
                MemberRow.workshop_id == workshop.id, col(MemberRow.removed_at).is_(None)
            )
        ).all()
        if clean_name.casefold() in {name.casefold() for name in names}:
            raise Conflict(
                N_("Someone here already uses that name. Add an initial or a nickname."),
                code="name_taken",
                field="name",
            )
        member = MemberRow(workshop_id=workshop.id, name=clean_name)
        session.add(member)
        session.flush()
        token = start_member_session(session, services, member.id)
        uow.audit(
            None,
            "member.join",
            ("member", member.id),
            organisation_id=workshop.organisation_id,
            after={"name": clean_name, "workshop_id": workshop.id},
        )
        uow.record(
            workshop.id,
            [MemberJoined(member_id=member.id, members=active_member_count(session, workshop.id))],
        )
    return Joined(member, token, workshop)


def rotate_screen_token(services: Services, actor: Actor, workshop_id: str) -> WorkshopRow:
    """A new screen URL; the old one stops working at once."""
    with unit_of_work(services) as uow:
        workshop = lock_workshop(uow.session, workshop_id)
        require(actor, Action.MANAGE_WORKSHOP, organisation_id=workshop.organisation_id)
        workshop.screen_token = secrets.token_urlsafe(24)
        uow.session.add(workshop)
        uow.audit(actor, "workshop.screen_rotate", ("workshop", workshop.id))
        uow.record(workshop.id, [ScreenRotated()])
    return workshop


def open_workshops(services: Services, actor: Actor) -> dict[str, list[WorkshopRow]]:
    """The organisation's open workshops, by group, newest first."""
    require(actor, Action.VIEW_GROUP, organisation_id=actor.organisation_id)
    with services.db.reading() as session:
        rows = session.exec(
            select(WorkshopRow)
            .where(
                WorkshopRow.organisation_id == actor.organisation_id,
                col(WorkshopRow.closed_at).is_(None),
            )
            .order_by(col(WorkshopRow.created_at).desc())
        ).all()
    by_group: dict[str, list[WorkshopRow]] = {}
    for row in rows:
        by_group.setdefault(row.group_id, []).append(row)
    return by_group
