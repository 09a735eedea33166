"""Who may do what: permissions as (action, role) pairs, in one place.

An actor is a logged-in user (facilitator, approver, admin) of one organisation, a member of
one workshop, or a shared screen of one workshop (read-only). Things of another organisation
are reported as not found, so their ids reveal nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .errors import NotAllowed, NotFound
from .text import N_

__all__ = ["Action", "Actor", "Role", "require"]


class Role(enum.StrEnum):
    FACILITATOR = "facilitator"
    APPROVER = "approver"
    ADMIN = "admin"
    MEMBER = "member"
    SCREEN = "screen"


USER_ROLES = frozenset({Role.FACILITATOR, Role.APPROVER, Role.ADMIN})


class Action(enum.StrEnum):
    CREATE_GROUP = "create_group"
    VIEW_GROUP = "view_group"
    CREATE_WORKSHOP = "create_workshop"
    MANAGE_WORKSHOP = "manage_workshop"  # rounds, phases, screen token
    VIEW_ROUND = "view_round"
    SUBMIT_PROPOSAL = "submit_proposal"
    ADD_COMMENT = "add_comment"
    CAST_BALLOT = "cast_ballot"
    VIEW_RESULT = "view_result"
    FOLLOW_EVENTS = "follow_events"
    VIEW_DECISIONS = "view_decisions"  # what became of funded proposals, and the ledger
    DECIDE = "decide"  # approve, reject, hold, pay, complete
    VIEW_AUDIT = "view_audit"  # the organisation's audit trail
    ADMINISTER = "administer"  # corrections to a pot, the organisation's settings


_FACILITATING = frozenset({Role.FACILITATOR, Role.ADMIN})
_WORKSHOP_PEOPLE = frozenset({Role.FACILITATOR, Role.ADMIN, Role.MEMBER})

_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.CREATE_GROUP: _FACILITATING,
    Action.VIEW_GROUP: frozenset({Role.FACILITATOR, Role.APPROVER, Role.ADMIN}),
    Action.CREATE_WORKSHOP: _FACILITATING,
    Action.MANAGE_WORKSHOP: _FACILITATING,
    Action.VIEW_ROUND: _WORKSHOP_PEOPLE,
    Action.SUBMIT_PROPOSAL: _WORKSHOP_PEOPLE,
    Action.ADD_COMMENT: _WORKSHOP_PEOPLE,
    Action.CAST_BALLOT: frozenset({Role.MEMBER}),
    Action.VIEW_RESULT: _WORKSHOP_PEOPLE | {Role.SCREEN},
    Action.FOLLOW_EVENTS: _WORKSHOP_PEOPLE | {Role.SCREEN},
    Action.VIEW_DECISIONS: frozenset({Role.FACILITATOR, Role.APPROVER, Role.ADMIN}),
    Action.DECIDE: frozenset({Role.APPROVER, Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.FACILITATOR, Role.APPROVER, Role.ADMIN}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    organisation_id: str
    user_id: str | None = None
    member_id: str | None = None
    workshop_id: str | None = None  # members and screens belong to one workshop

    @property
    def is_user(self) -> bool:
        return self.role in USER_ROLES


def require(
    actor: Actor,
    action: Action,
    *,
    organisation_id: str,
    workshop_id: str | None = None,
) -> None:
    """Raise unless ``actor`` may do ``action`` on a thing of that organisation and workshop."""
    if actor.organisation_id != organisation_id:
        raise NotFound()
    if actor.role not in _ALLOWED[action]:
        raise NotAllowed(
            N_("Your role ({role}) may not do this."), params={"role": actor.role.value}
        )
    if not actor.is_user and workshop_id is not None and actor.workshop_id != workshop_id:
        raise NotAllowed(N_("You are not in this workshop."), code="not_in_workshop")
