"""Organisations, users, logins and who a bearer token belongs to."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.deliberation.errors import Conflict, InvalidInput, NotAuthenticated
from app.deliberation.events import (
    OrganisationCreated,
    UserCreated,
    UserPasswordChanged,
    UserRoleChanged,
)
from app.deliberation.permissions import USER_ROLES, Actor, Role
from app.deliberation.text import N_
from app.infra.clock import utcnow
from app.infra.security import hash_password, verify_password
from app.infra.tables import MemberRow, OrganisationRow, SessionRow, UserRow, WorkshopRow

from . import models
from .unit import Services, unit_of_work

DEFAULT_ORGANISATION = "Puljen"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN = 10


def default_organisation(session: Session) -> OrganisationRow:
    """The organisation for single-tenant use: the oldest one, created if there is none."""
    row = session.exec(select(OrganisationRow).order_by(col(OrganisationRow.created_at))).first()
    if row is None:
        row = OrganisationRow(name=DEFAULT_ORGANISATION)
        session.add(row)
        session.flush()
    return row


def create_organisation(services: Services, *, name: str) -> models.Organisation:
    with unit_of_work(services) as uow:
        row = OrganisationRow(name=name)
        uow.session.add(row)
        uow.session.flush()
        created = OrganisationCreated(row.id, after={"name": name})
        uow.happened(None, created, organisation_id=row.id)
    return models.Organisation.of(row)


def _email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(N_("That does not look like an e-mail address."), field="email")
    return email


def _password_hash(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(
            N_("The password must be at least {minimum} characters."),
            field="password",
            params={"minimum": PASSWORD_MIN},
        )
    return hash_password(password)  # slow on purpose: call it outside any transaction


def _role(role: str) -> Role:
    try:
        user_role = Role(role)
    except ValueError:
        user_role = Role.MEMBER
    if user_role not in USER_ROLES:
        raise InvalidInput(N_("The role must be facilitator, approver or admin."), field="role")
    return user_role


def _user(session: Session, email: str) -> UserRow:
    row = session.exec(select(UserRow).where(UserRow.email == email)).first()
    if row is None:
        raise InvalidInput(N_("There is no user with that e-mail."), field="email")
    return row


def create_user(
    services: Services,
    *,
    email: str,
    password: str,
    role: str,
    organisation_id: str | None = None,
) -> models.User:
    email = _email(email)
    user_role = _role(role)
    password_hash = _password_hash(password)
    try:
        with unit_of_work(services) as uow:
            if organisation_id is None:
                organisation_id = default_organisation(uow.session).id
            elif uow.session.get(OrganisationRow, organisation_id) is None:
                raise InvalidInput(N_("There is no such organisation."), field="organisation")
            row = UserRow(
                organisation_id=organisation_id,
                email=email,
                password_hash=password_hash,
                role=user_role.value,
            )
            uow.session.add(row)
            uow.session.flush()
            created = UserCreated(row.id, after={"email": email, "role": user_role.value})
            uow.happened(None, created, organisation_id=organisation_id)
    except IntegrityError:
        raise Conflict(
            N_("A user with that e-mail already exists."), code="email_taken", field="email"
        ) from None
    return models.User.of(row)


def set_role(services: Services, *, email: str, role: str) -> models.User:
    """Give a user another role; it holds from their next request (the role is read from
    the user on every request, so no token needs to change)."""
    email, user_role = _email(email), _role(role)
    with unit_of_work(services) as uow:
        row = _user(uow.session, email)
        before = row.role
        if before != user_role.value:
            row.role = user_role.value
            uow.session.add(row)
            changed = UserRoleChanged(
                row.id,
                before={"email": email, "role": before},
                after={"email": email, "role": user_role.value},
            )
            uow.happened(None, changed, organisation_id=row.organisation_id)
    return models.User.of(row)


def set_password(services: Services, *, email: str, password: str) -> int:
    """Give a user a new password and end every login they have (a password is changed
    when it may be known to someone else). Answers how many logins were ended."""
    email, password_hash = _email(email), _password_hash(password)
    with unit_of_work(services) as uow:
        row = _user(uow.session, email)
        row.password_hash = password_hash
        uow.session.add(row)
        ended = end_logins(uow.session, col(SessionRow.user_id) == row.id)
        changed = UserPasswordChanged(row.id, after={"email": email, "logins_ended": ended})
        uow.happened(None, changed, organisation_id=row.organisation_id)
    return ended


def end_logins(session: Session, whose: ColumnElement[bool]) -> int:
    """Revoke the open logins that ``whose`` picks (a user's, a member's); how many."""
    now = utcnow()
    open_rows = session.exec(
        select(SessionRow).where(whose, col(SessionRow.revoked_at).is_(None))
    ).all()
    for row in open_rows:
        row.revoked_at = now
        session.add(row)
    return len(open_rows)


def login(services: Services, *, email: str, password: str) -> tuple[str, models.User]:
    """A new bearer token for the user with that e-mail and password."""
    with services.db.reading() as session:
        user = session.exec(select(UserRow).where(UserRow.email == email.strip().lower())).first()
    # The slow hash check runs outside any transaction, so it never holds up other writers.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise NotAuthenticated(N_("Wrong e-mail or password."), code="wrong_credentials")
    with unit_of_work(services) as uow:
        session_row = SessionRow(
            user_id=user.id,
            expires_at=utcnow() + timedelta(seconds=services.settings.user_token_seconds),
        )
        uow.session.add(session_row)
    return services.tokens.issue(session_row.id), models.User.of(user)


def start_member_session(session: Session, services: Services, member_id: str) -> str:
    row = SessionRow(
        member_id=member_id,
        expires_at=utcnow() + timedelta(seconds=services.settings.member_token_seconds),
    )
    session.add(row)
    return services.tokens.issue(row.id)


def logout(services: Services, token: str) -> None:
    session_id = _session_id(services, token)
    with unit_of_work(services) as uow:
        row = uow.session.get(SessionRow, session_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()
            uow.session.add(row)


def _session_id(services: Services, token: str) -> str:
    longest = max(services.settings.user_token_seconds, services.settings.member_token_seconds)
    session_id = services.tokens.read(token, longest)
    if session_id is None:
        raise NotAuthenticated(N_("Your login has expired. Please log in again."))
    return session_id


def authenticate(services: Services, token: str) -> Actor:
    """Who holds ``token``: a user of an organisation or a member of a workshop."""
    session_id = _session_id(services, token)
    with services.db.reading() as session:
        row = session.get(SessionRow, session_id)
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            raise NotAuthenticated(N_("Your login has expired. Please log in again."))
        if row.user_id is not None:
            user = session.get(UserRow, row.user_id)
            if user is None:
                raise NotAuthenticated()
            return Actor(
                role=Role(user.role), organisation_id=user.organisation_id, user_id=user.id
            )
        member = session.get(MemberRow, row.member_id)
        if member is None or member.removed_at is not None or member.left_at is not None:
            raise NotAuthenticated(N_("You are no longer in this workshop."), code="member_removed")
        workshop = session.get(WorkshopRow, member.workshop_id)
        assert workshop is not None
        return Actor(
            role=Role.MEMBER,
            organisation_id=workshop.organisation_id,
            member_id=member.id,
            workshop_id=workshop.id,
        )


def current_user(services: Services, actor: Actor) -> models.User:
    """The logged-in user behind ``actor``, for the staff's bar on every page."""
    with services.db.reading() as session:
        user = session.get(UserRow, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotAuthenticated()
    return models.User.of(user)


def authenticate_screen(services: Services, screen_token: str) -> Actor:
    """The read-only actor behind a workshop's screen URL."""
    with services.db.reading() as session:
        workshop = session.exec(
            select(WorkshopRow).where(WorkshopRow.screen_token == screen_token)
        ).first()
    if workshop is None or not screen_token:
        raise NotAuthenticated(N_("This screen link is no longer valid."), code="screen_revoked")
    return Actor(
        role=Role.SCREEN, organisation_id=workshop.organisation_id, workshop_id=workshop.id
    )
