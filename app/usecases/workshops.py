"""Workshops: starting one, joining it by code, and its shared screen."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.deliberation.codes import make_code, normalise_code
from app.deliberation.errors import Conflict, InvalidInput, NotFound
from app.deliberation.events import (
    MemberJoined,
    MemberLeft,
    MemberRejoined,
    MemberResumed,
    ScreenRotated,
    WorkshopStarted,
)
from app.deliberation.fields import require_text
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.text import N_
from app.infra.clock import utcnow
from app.infra.tables import GroupRow, MemberRow, RoundRow, SessionRow, WorkshopRow

from . import models
from .accounts import end_logins, start_member_session
from .queries import present
from .unit import Services, lock_workshop, unit_of_work

LANGUAGES = ("da", "en")
NAME_MAX = 40
_CODE_TRIES = 20


@dataclass(frozen=True)
class WorkshopView:
    workshop: models.Workshop
    rounds: Sequence[models.Round]
    members: int


@dataclass(frozen=True)
class Joined:
    member: models.Member
    token: str
    workshop: models.Workshop


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
) -> models.Workshop:
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
                started = WorkshopStarted(
                    workshop.id,
                    after={"title": clean_title, "group_id": group.id, "language": language},
                )
                uow.happened(actor, started)
            return models.Workshop.of(workshop)
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
        .where(MemberRow.workshop_id == workshop_id, present())
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
        return WorkshopView(
            models.Workshop.of(workshop),
            [models.Round.of(r) for r in rounds],
            active_member_count(session, workshop.id),
        )


def require_live_viewer(services: Services, actor: Actor, workshop_id: str) -> None:
    """That ``actor`` may watch this workshop's live pages: one of its members, or a
    facilitator of its organisation (who manages it)."""
    with services.db.reading() as session:
        workshop = session.get(WorkshopRow, workshop_id)
    if workshop is None:
        raise NotFound()
    action = Action.MANAGE_WORKSHOP if actor.is_user else Action.FOLLOW_EVENTS
    require(actor, action, organisation_id=workshop.organisation_id, workshop_id=workshop_id)


def device_hash(services: Services, workshop_id: str, device: str) -> str:
    """What is kept of a phone's device cookie: a keyed hash for this one workshop, never the
    cookie itself. Keyed per workshop, the same phone leaves no trace that links a young
    person's workshops (or organisations) together; it only recognises them within one."""
    if not device:
        return ""
    key = services.settings.secret_key.encode()
    return hmac.new(key, f"{workshop_id}:{device}".encode(), hashlib.sha256).hexdigest()


def _open_workshop(session: Session, code: str) -> WorkshopRow:
    found = session.exec(
        select(WorkshopRow).where(WorkshopRow.code == code, col(WorkshopRow.closed_at).is_(None))
    ).first()
    if found is None:
        raise NotFound(
            N_("No open workshop has that code. Check the code on the screen."),
            code="unknown_code",
            field="code",
        )
    return lock_workshop(session, found.id)


def join_workshop(
    services: Services, *, code: str, name: str, device: str = "", signed_in: str | None = None
) -> Joined:
    """A young person joins with the code on the screen and a display name: nothing else.

    ``device`` is the phone's random device cookie. The same phone typing a name it already
    joined with (this workshop, not removed) is that member again, with a new login: after
    Back, an expired login or leaving, never a second member whose ballot counts twice.
    ``signed_in`` is the member this browser is still logged in as: if they are in this
    workshop, a second tab or a stale join form (whatever name it types) is that member
    again, not a second one. Another phone typing the name of a present member is told the
    name is taken; the name of a member who left is free.
    """
    clean_code = normalise_code(code)
    clean_name = require_text("name", name, maximum=NAME_MAX)
    with unit_of_work(services) as uow:
        session = uow.session
        workshop = _open_workshop(session, clean_code)
        mine = device_hash(services, workshop.id, device)
        own = None
        if mine:
            known = session.exec(
                select(MemberRow)
                .where(
                    MemberRow.workshop_id == workshop.id,
                    MemberRow.device_hash == mine,
                    col(MemberRow.removed_at).is_(None),
                )
                .order_by(col(MemberRow.joined_at).desc())
            ).all()
            own = next((m for m in known if m.name.casefold() == clean_name.casefold()), None)
        if signed_in is not None:
            current = session.get(MemberRow, signed_in)
            if (
                current is not None
                and current.workshop_id == workshop.id
                and current.removed_at is None
                and current.left_at is None
            ):
                own = current  # this browser is in here already: never a second member
        others = session.exec(
            select(MemberRow.name).where(
                MemberRow.workshop_id == workshop.id,
                present(),
                MemberRow.id != (own.id if own else ""),
            )
        ).all()
        if clean_name.casefold() in {name.casefold() for name in others}:
            raise Conflict(
                N_("Someone here already uses that name. Add an initial or a nickname."),
                code="name_taken",
                field="name",
            )
        if own is not None:
            member = own
            joined: type[MemberJoined] = (
                MemberRejoined if own.left_at is not None else MemberResumed
            )
            member.left_at = None
            session.add(member)
        else:
            member = MemberRow(workshop_id=workshop.id, name=clean_name, device_hash=mine or None)
            session.add(member)
            joined = MemberJoined
        session.flush()
        token = start_member_session(session, services, member.id)
        uow.happened(
            None,
            joined(
                member_id=member.id,
                members=active_member_count(session, workshop.id),
                after={"name": member.name, "workshop_id": workshop.id},
            ),
            workshop_id=workshop.id,
            organisation_id=workshop.organisation_id,
        )
    return Joined(models.Member.of(member), token, models.Workshop.of(workshop))


@dataclass(frozen=True)
class Known:
    """Someone this phone has been in an open workshop: the join page offers to go on."""

    name: str
    code: str
    workshop: str


def device_members(services: Services, device: str, code: str = "") -> list[Known]:
    """Whom the join page of the workshop with ``code`` offers this phone to continue as: its
    members there (not removed, and not left: after an explicit Leave a shared phone must
    not offer the next person one tap into that member; typing the same name still brings
    them back), newest first. The device hash is keyed per workshop, so without a code
    there is nothing to find (by design: see ``device_hash``)."""
    if not device or not code:
        return []
    try:
        wanted = normalise_code(code)
    except InvalidInput:
        return []
    with services.db.reading() as session:
        workshop = session.exec(
            select(WorkshopRow.id).where(
                WorkshopRow.code == wanted, col(WorkshopRow.closed_at).is_(None)
            )
        ).first()
    if workshop is None:
        return []
    mine = device_hash(services, workshop, device)
    query = (
        select(MemberRow.name, WorkshopRow.code, WorkshopRow.title)
        .join(WorkshopRow, col(WorkshopRow.id) == col(MemberRow.workshop_id))
        .where(
            MemberRow.device_hash == mine,
            col(MemberRow.removed_at).is_(None),
            col(MemberRow.left_at).is_(None),
            col(WorkshopRow.closed_at).is_(None),
        )
        .order_by(col(MemberRow.joined_at).desc())
    )
    with services.db.reading() as session:
        return [Known(name, code, title) for name, code, title in session.exec(query).all()]


def leave_workshop(services: Services, actor: Actor) -> models.Member:
    """The member leaves by themselves: every login of theirs ends, they stop counting in
    "N of M" (see ``queries.present``), and their name is free again. Unlike a removal it
    is undone by joining again from the same phone with the same name."""
    with unit_of_work(services) as uow:
        found = uow.session.get(MemberRow, actor.member_id)
        if found is None:
            raise NotFound(N_("There is no such member."))
        workshop = lock_workshop(uow.session, found.workshop_id)
        # Read again under the workshop's lock: two tabs leaving at once (or a leave racing a
        # removal) must not both see the member as present (PostgreSQL: read committed).
        member = uow.session.get(MemberRow, found.id, populate_existing=True)
        assert member is not None
        end_logins(uow.session, col(SessionRow.member_id) == member.id)
        if member.left_at is None and member.removed_at is None:
            member.left_at = utcnow()
            uow.session.add(member)
            uow.session.flush()
            left = MemberLeft(
                member_id=member.id,
                members=active_member_count(uow.session, workshop.id),
                after={"name": member.name, "workshop_id": workshop.id},
            )
            uow.happened(actor, left, workshop_id=workshop.id)
    return models.Member.of(member)


def rotate_screen_token(services: Services, actor: Actor, workshop_id: str) -> models.Workshop:
    """A new screen URL; the old one stops working at once."""
    with unit_of_work(services) as uow:
        workshop = lock_workshop(uow.session, workshop_id)
        require(actor, Action.MANAGE_WORKSHOP, organisation_id=workshop.organisation_id)
        workshop.screen_token = secrets.token_urlsafe(24)
        uow.session.add(workshop)
        uow.happened(actor, ScreenRotated(workshop_id=workshop.id), workshop_id=workshop.id)
    return models.Workshop.of(workshop)


def open_workshops(services: Services, actor: Actor) -> dict[str, list[models.Workshop]]:
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
    by_group: dict[str, list[models.Workshop]] = {}
    for row in rows:
        by_group.setdefault(row.group_id, []).append(models.Workshop.of(row))
    return by_group
