"""Groups and their pots."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from app.deliberation.errors import InvalidInput, NotFound
from app.deliberation.events import GroupCreated
from app.deliberation.fields import require_amount, require_text
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.pots import Balance, EntryKind
from app.deliberation.text import N_
from app.infra.tables import GroupRow

from . import ledger, models
from .unit import Services, unit_of_work

_CURRENCY = re.compile(r"^[A-Z]{3}$")
POT_MAX_MINOR = 100_000_000_00  # a hundred million: a typo guard, not a policy


@dataclass(frozen=True)
class GroupView:
    group: models.Group
    balance: Balance


def create_group(
    services: Services, actor: Actor, *, name: str, amount_minor: int, currency: str
) -> GroupView:
    require(actor, Action.CREATE_GROUP, organisation_id=actor.organisation_id)
    clean_name = require_text("name", name, maximum=120)
    require_amount("pot.amount_minor", amount_minor, maximum=POT_MAX_MINOR)
    if not _CURRENCY.fullmatch(currency):
        raise InvalidInput(
            N_("The currency is a three-letter code such as DKK."), field="pot.currency"
        )
    with unit_of_work(services) as uow:
        group = GroupRow(organisation_id=actor.organisation_id, name=clean_name, currency=currency)
        uow.session.add(group)
        uow.session.flush()
        balance = ledger.append(
            uow.session,
            group.id,
            [ledger.Posting(EntryKind.GRANT, amount_minor, note="the pot")],
            actor=actor.user_id or "",
        )
        after = {"name": clean_name, "pot_minor": amount_minor, "currency": currency}
        uow.happened(actor, GroupCreated(group.id, after=after))
    return GroupView(models.Group.of(group), balance)


def get_group(services: Services, actor: Actor, group_id: str) -> GroupView:
    with services.db.reading() as session:
        group = session.get(GroupRow, group_id)
        if group is None:
            raise NotFound(N_("There is no such group."))
        require(actor, Action.VIEW_GROUP, organisation_id=group.organisation_id)
        return GroupView(models.Group.of(group), ledger.balance(session, group.id))


def list_groups(services: Services, actor: Actor) -> Sequence[GroupView]:
    require(actor, Action.VIEW_GROUP, organisation_id=actor.organisation_id)
    with services.db.reading() as session:
        groups = session.exec(
            select(GroupRow)
            .where(GroupRow.organisation_id == actor.organisation_id)
            .order_by(col(GroupRow.created_at))
        ).all()
        return [GroupView(models.Group.of(g), ledger.balance(session, g.id)) for g in groups]
