"""Decisions: each funded proposal becomes a decision that an approver approves (all or
part), rejects, puts on hold, pays in parts and completes; every step moves the money with
ledger entries in the same transaction, under the pot's lock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from app.deliberation import decisions as rules
from app.deliberation.decisions import Decision, PaymentMethod, Status, Step
from app.deliberation.errors import InvalidInput, NotFound
from app.deliberation.events import (
    DecisionApproved,
    DecisionCompleted,
    DecisionEvent,
    DecisionHeld,
    DecisionPaid,
    DecisionRefunded,
    DecisionRejected,
    OrganisationSettingsChanged,
    PotAdjusted,
)
from app.deliberation.fields import clean_text, require_amount, require_choice, require_text
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.pots import Balance, EntryKind
from app.deliberation.text import N_
from app.infra.clock import utcnow
from app.infra.db import retrying
from app.infra.tables import (
    AuditRow,
    DecisionRow,
    GroupRow,
    MemberRow,
    OrganisationRow,
    PaymentRow,
    ProposalRow,
    ReceiptRow,
    ResultRow,
    RoundRow,
    UserRow,
)

from . import ledger, models
from .audit import AuditView, named
from .groups import POT_MAX_MINOR
from .unit import Services, lock_workshop, unit_of_work


@dataclass(frozen=True)
class DecisionView:
    decision: models.Decision
    title: str


def open_decisions(
    session: Session, round_: RoundRow, group_id: str, funded: Sequence[str]
) -> dict[str, str]:
    """At a round's close: one decision per funded proposal, in the caller's transaction.
    Returns each proposal's decision id."""
    opened: dict[str, str] = {}
    for proposal_id in funded:
        proposal = session.get(ProposalRow, proposal_id)
        assert proposal is not None
        row = DecisionRow(
            group_id=group_id,
            round_id=round_.id,
            proposal_id=proposal.id,
            funded_minor=proposal.amount_minor,
            proposed_by=proposal.user_id,
        )
        session.add(row)
        opened[proposal_id] = row.id
    session.flush()
    return opened


def _group(session: Session, actor: Actor, group_id: str, action: Action) -> GroupRow:
    group = session.get(GroupRow, group_id)
    if group is None:
        raise NotFound(N_("There is no such group."))
    require(actor, action, organisation_id=group.organisation_id)
    return group


def list_decisions(services: Services, actor: Actor, group_id: str) -> list[DecisionView]:
    """A group's decisions, oldest first."""
    with services.db.reading() as session:
        _group(session, actor, group_id, Action.VIEW_DECISIONS)
        rows = session.exec(
            select(DecisionRow, ProposalRow.title)
            .join(ProposalRow, col(ProposalRow.id) == col(DecisionRow.proposal_id))
            .where(DecisionRow.group_id == group_id)
            .order_by(col(DecisionRow.created_at), col(DecisionRow.id))
        ).all()
        return [DecisionView(models.Decision.of(row), title) for row, title in rows]


def _domain(row: DecisionRow) -> Decision:
    return Decision(
        Status(row.status),
        row.funded_minor,
        approved_minor=row.approved_minor,
        paid_minor=row.paid_minor,
        proposed_by=row.proposed_by,
        approvals=tuple(row.approvals),
        pending_minor=row.pending_minor,
    )


def _step(
    services: Services,
    actor: Actor,
    decision_id: str,
    make: Callable[[Decision, str, int | None], Step],
    event: type[DecisionEvent],
    note: str = "",
    said: tuple[str, str] | None = None,
    after: Callable[[Session, DecisionRow], None] | None = None,
) -> DecisionView:
    """Run one step of the state machine on a decision, under its pot's lock: the row and
    the ledger entries change together, or nothing does. ``said``: what the approver wrote
    for the group (the row's ``reason``, ``question`` or ``note``), kept cleaned on the row
    and as the ledger's note."""
    written = ""
    if said is not None:
        written = require_text(said[0], said[1], maximum=rules.REASON_MAX, required=False)
        note = note or written[:200]
    with unit_of_work(services) as uow:
        session = uow.session
        row = session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFound(N_("There is no such decision."))
        group = _group(session, actor, row.group_id, Action.DECIDE)
        round_ = session.get(RoundRow, row.round_id)
        assert round_ is not None
        # Locks in the order closing a round takes them (workshop, then pot): never a
        # deadlock between an approver and a facilitator on PostgreSQL.
        lock_workshop(session, round_.workshop_id)
        ledger.lock_pot(session, group.id)
        session.refresh(row)  # as it is now that the pot is ours
        organisation = session.get(OrganisationRow, group.organisation_id)
        threshold = organisation.second_approver_above_minor if organisation else None
        before = _figures(row)
        step = make(_domain(row), actor.user_id or "", threshold)
        ledger.append(
            session,
            group.id,
            [
                ledger.Posting(
                    kind,
                    amount,
                    round_id=row.round_id,
                    proposal_id=row.proposal_id,
                    decision_id=row.id,
                    note=note,
                )
                for kind, amount in step.postings
            ],
            actor=actor.user_id or "",
        )
        row.status = step.decision.status.value
        row.approved_minor = step.decision.approved_minor
        row.paid_minor = step.decision.paid_minor
        row.approvals = list(step.decision.approvals)
        row.pending_minor = step.decision.pending_minor
        row.updated_at = utcnow()
        if said is not None:
            setattr(row, said[0], written)
        if after is not None:
            after(session, row)
        session.add(row)
        session.flush()
        taken = event(
            round_id=row.round_id,
            decision_id=row.id,
            status=row.status,
            before=before,
            after={**_figures(row), **({"note": note} if note else {})},
        )
        # In the trail, and on the group's phones, which show what became of it, live.
        uow.happened(actor, taken, workshop_id=round_.workshop_id)
        title = session.get(ProposalRow, row.proposal_id)
        return DecisionView(models.Decision.of(row), title.title if title else "")


def _figures(row: DecisionRow) -> dict[str, object]:
    figures: dict[str, object] = {
        "status": row.status,
        "approved_minor": row.approved_minor,
        "paid_minor": row.paid_minor,
        "approvals": len(row.approvals),
    }
    if row.pending_minor:  # the first of two approvers' amount, for the trail's sentence
        figures["pending_minor"] = row.pending_minor
    return figures


@retrying
def approve(
    services: Services, actor: Actor, decision_id: str, amount_minor: int | None = None
) -> DecisionView:
    return _step(
        services,
        actor,
        decision_id,
        lambda d, who, above: rules.approve(
            d, who, amount_minor, second_approver_above_minor=above
        ),
        DecisionApproved,
    )


@retrying
def reject(services: Services, actor: Actor, decision_id: str, reason: str) -> DecisionView:
    return _step(
        services,
        actor,
        decision_id,
        lambda d, who, _above: rules.reject(d, who, reason),
        DecisionRejected,
        said=("reason", reason),
    )


@retrying
def hold(services: Services, actor: Actor, decision_id: str, question: str) -> DecisionView:
    return _step(
        services,
        actor,
        decision_id,
        lambda d, who, _above: rules.hold(d, who, question),
        DecisionHeld,
        said=("question", question),
    )


@retrying
def pay(
    services: Services,
    actor: Actor,
    decision_id: str,
    *,
    amount_minor: int,
    paid_to: str,
    method: str,
    paid_on: date | None,
) -> tuple[DecisionView, models.Payment]:
    """Record a payment (to whom, how, when); all together never exceed the approved."""
    if not clean_text(paid_to):  # asked for in words, like a rejection's reason
        raise InvalidInput(N_("Write who was paid."), field="paid_to")
    to = require_text("paid_to", paid_to, maximum=200)
    how = require_choice("method", method, PaymentMethod, N_("Choose how it was paid: {choices}."))
    payment = PaymentRow(
        decision_id=decision_id,
        amount_minor=amount_minor,
        paid_to=to,
        method=how.value,
        paid_on=paid_on or utcnow().date(),
        actor=actor.user_id or "",
    )

    def record(session: Session, row: DecisionRow) -> None:
        session.add(payment)

    view = _step(
        services,
        actor,
        decision_id,
        lambda d, who, _above: rules.pay(d, who, amount_minor),
        DecisionPaid,
        note=to,
        after=record,
    )
    return view, models.Payment.of(payment)


@retrying
def refund(
    services: Services, actor: Actor, decision_id: str, amount_minor: int, note: str = ""
) -> DecisionView:
    return _step(
        services,
        actor,
        decision_id,
        lambda d, who, _above: rules.refund(d, who, amount_minor),
        DecisionRefunded,
        note=require_text("note", note, maximum=200, required=False),
    )


@retrying
def complete(services: Services, actor: Actor, decision_id: str, note: str = "") -> DecisionView:
    return _step(
        services,
        actor,
        decision_id,
        lambda d, who, _above: rules.complete(d, who),
        DecisionCompleted,
        said=("note", note),
    )


def ledger_of(services: Services, actor: Actor, group_id: str) -> list[models.LedgerEntry]:
    """A pot's ledger, oldest entry first (append-only)."""
    with services.db.reading() as session:
        _group(session, actor, group_id, Action.VIEW_DECISIONS)
        return [models.LedgerEntry.of(e) for e in ledger.entries(session, group_id)]


@dataclass(frozen=True)
class LedgerLine:
    entry: models.LedgerEntry
    proposal: str  # the title of the proposal the money moved for, or ""

    @property
    def after(self) -> Balance:
        """The pot right after this line, from the ledger's own running balances."""
        return ledger.balance_after(self.entry)


def ledger_lines(services: Services, actor: Actor, group_id: str) -> list[LedgerLine]:
    """A pot's ledger, oldest first, each line with the proposal it concerns (by title)."""
    with services.db.reading() as session:
        _group(session, actor, group_id, Action.VIEW_DECISIONS)
        entries = ledger.entries(session, group_id)
        ids = {e.proposal_id for e in entries if e.proposal_id}
        titles = dict(
            session.exec(
                select(ProposalRow.id, ProposalRow.title).where(col(ProposalRow.id).in_(ids))
            ).all()
        )
        return [
            LedgerLine(models.LedgerEntry.of(e), titles.get(e.proposal_id or "", ""))
            for e in entries
        ]


@dataclass(frozen=True)
class PaymentView:
    payment: models.Payment
    receipts: list[models.Receipt]


@dataclass(frozen=True)
class Proposed:
    """What the group decided on, for the caseworker: who proposed it, why, and how the
    round's vote went for it (the result's reason, never who voted how)."""

    by: str  # the member's display name (or the user's e-mail)
    description: str
    how_it_helps: str
    round_title: str
    reason: dict[str, Any] | None  # the round's reason for funding it
    titles: dict[str, str]  # the round's proposals by id, for a reason that names others


@dataclass(frozen=True)
class DecisionDetail:
    view: DecisionView
    group: models.Group
    payments: list[PaymentView]
    timeline: list[AuditView]  # every step, oldest first, with who took it
    proposed: Proposed | None = None


def decision_detail(services: Services, actor: Actor, decision_id: str) -> DecisionDetail:
    with services.db.reading() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFound(N_("There is no such decision."))
        group = _group(session, actor, row.group_id, Action.VIEW_DECISIONS)
        proposal = session.get(ProposalRow, row.proposal_id)
        payments = session.exec(
            select(PaymentRow)
            .where(PaymentRow.decision_id == row.id)
            .order_by(col(PaymentRow.created_at))
        ).all()
        receipts = session.exec(
            select(ReceiptRow).where(col(ReceiptRow.payment_id).in_([p.id for p in payments]))
        ).all()
        subjects = [("decision", row.id), *(("payment", p.id) for p in payments)]
        steps = session.exec(
            select(AuditRow)
            .where(
                or_(
                    *(
                        and_(col(AuditRow.subject_type) == kind, col(AuditRow.subject_id) == sid)
                        for kind, sid in subjects
                    )
                )
            )
            .order_by(col(AuditRow.at), col(AuditRow.id))
        ).all()
        return DecisionDetail(
            DecisionView(models.Decision.of(row), proposal.title if proposal else ""),
            models.Group.of(group),
            [
                PaymentView(
                    models.Payment.of(p),
                    [models.Receipt.of(r) for r in receipts if r.payment_id == p.id],
                )
                for p in payments
            ],
            named(session, steps),
            _proposed(session, proposal) if proposal else None,
        )


def _proposed(session: Session, proposal: ProposalRow) -> Proposed:
    member = session.get(MemberRow, proposal.member_id) if proposal.member_id else None
    user = session.get(UserRow, proposal.user_id) if proposal.user_id else None
    round_ = session.get(RoundRow, proposal.round_id)
    result = session.get(ResultRow, proposal.round_id)
    titles = session.exec(
        select(ProposalRow.id, ProposalRow.title).where(ProposalRow.round_id == proposal.round_id)
    ).all()
    return Proposed(
        by=member.name if member else (user.email if user else ""),
        description=proposal.description,
        how_it_helps=proposal.how_it_helps,
        round_title=round_.title if round_ else "",
        reason=result.reasons.get(proposal.id) if result else None,
        titles=dict(titles),
    )


@dataclass(frozen=True)
class QueueItem:
    view: DecisionView
    group: models.Group


OPEN = ("funded", "on_hold", "approved", "paid")


def queue(services: Services, actor: Actor) -> list[QueueItem]:
    """What awaits an approver across the organisation's groups, oldest first."""
    require(actor, Action.VIEW_DECISIONS, organisation_id=actor.organisation_id)
    with services.db.reading() as session:
        rows = session.exec(
            select(DecisionRow, ProposalRow.title, GroupRow)
            .join(ProposalRow, col(ProposalRow.id) == col(DecisionRow.proposal_id))
            .join(GroupRow, col(GroupRow.id) == col(DecisionRow.group_id))
            .where(
                GroupRow.organisation_id == actor.organisation_id,
                col(DecisionRow.status).in_(OPEN),
            )
            .order_by(col(DecisionRow.created_at), col(DecisionRow.id))
        ).all()
        return [
            QueueItem(DecisionView(models.Decision.of(row), title), models.Group.of(group))
            for row, title, group in rows
        ]


@retrying
def adjust(
    services: Services, actor: Actor, group_id: str, *, amount_minor: int, reason: str
) -> models.LedgerEntry:
    """An administrator's correction of a pot's total (signed), with the reason why."""
    why = require_text("reason", reason, maximum=rules.REASON_MAX)
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor == 0:
        raise InvalidInput(
            N_("A correction is a whole number of øre, not zero."), field="amount_minor"
        )
    require_amount("amount_minor", abs(amount_minor), maximum=POT_MAX_MINOR)
    with unit_of_work(services) as uow:
        group = _group(uow.session, actor, group_id, Action.ADMINISTER)
        ledger.lock_pot(uow.session, group.id)
        before = ledger.balance(uow.session, group.id)
        after = ledger.append(
            uow.session,
            group.id,
            [ledger.Posting(EntryKind.ADJUST, amount_minor, note=why)],
            actor=actor.user_id or "",
        )
        uow.happened(
            actor,
            PotAdjusted(
                group.id,
                before={"total_minor": before.total_minor},
                after={"total_minor": after.total_minor, "reason": why},
            ),
        )
        return models.LedgerEntry.of(ledger.entries(uow.session, group.id)[-1])


def set_second_approver_threshold(
    services: Services, actor: Actor, above_minor: int | None
) -> models.Organisation:
    """Above this amount two different approvers must approve (``None``: one is enough)."""
    if above_minor is not None and (
        isinstance(above_minor, bool)
        or not isinstance(above_minor, int)
        or not 0 <= above_minor <= POT_MAX_MINOR
    ):
        raise InvalidInput(
            N_("The amount must be zero or more, and at most {maximum}."),
            field="second_approver_above_minor",
            params={"maximum_minor": POT_MAX_MINOR},
        )
    require(actor, Action.ADMINISTER, organisation_id=actor.organisation_id)
    with unit_of_work(services) as uow:
        organisation = uow.session.get(OrganisationRow, actor.organisation_id)
        assert organisation is not None
        uow.happened(
            actor,
            OrganisationSettingsChanged(
                organisation.id,
                before={"second_approver_above_minor": organisation.second_approver_above_minor},
                after={"second_approver_above_minor": above_minor},
            ),
        )
        organisation.second_approver_above_minor = above_minor
        uow.session.add(organisation)
        return models.Organisation.of(organisation)
