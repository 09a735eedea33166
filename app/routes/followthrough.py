"""The JSON API for follow-through: decisions, payments and the pot's ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from app.deliberation.errors import InvalidInput
from app.deliberation.text import N_
from app.tables import LedgerEntryRow, PaymentRow
from app.usecases import decisions
from app.usecases.decisions import DecisionView

from . import schemas
from .deps import ActorDep, ServicesDep

router = APIRouter(prefix="/api/v1")


def _decision(view: DecisionView) -> dict[str, Any]:
    row = view.decision
    return {
        "id": row.id,
        "proposal_id": row.proposal_id,
        "round_id": row.round_id,
        "title": view.title,
        "status": row.status,
        "amount_minor": row.funded_minor,
        "approved_minor": row.approved_minor,
        "paid_minor": row.paid_minor,
        "approvals": len(row.approvals),
        "reason": row.reason,
        "question": row.question,
        "note": row.note,
        "updated_at": row.updated_at.isoformat(),
    }


def _payment(row: PaymentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "decision_id": row.decision_id,
        "amount_minor": row.amount_minor,
        "paid_to": row.paid_to,
        "method": row.method,
        "paid_on": row.paid_on.isoformat(),
    }


def _entry(row: LedgerEntryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "seq": row.seq,
        "kind": row.kind,
        "amount_minor": row.amount_minor,
        "decision_id": row.decision_id,
        "round_id": row.round_id,
        "actor": row.actor,
        "at": row.at.isoformat(),
        "note": row.note,
    }


@router.get("/groups/{group_id}/decisions")
def list_decisions(group_id: str, services: ServicesDep, actor: ActorDep) -> list[dict[str, Any]]:
    return [_decision(v) for v in decisions.list_decisions(services, actor, group_id)]


@router.post("/decisions/{decision_id}/approve")
def approve(
    decision_id: str, body: schemas.ApproveBody, services: ServicesDep, actor: ActorDep
) -> dict[str, Any]:
    return _decision(decisions.approve(services, actor, decision_id, body.amount_minor))


@router.post("/decisions/{decision_id}/reject")
def reject(
    decision_id: str, body: schemas.RejectBody, services: ServicesDep, actor: ActorDep
) -> dict[str, Any]:
    return _decision(decisions.reject(services, actor, decision_id, body.reason))


@router.post("/decisions/{decision_id}/hold")
def hold(
    decision_id: str, body: schemas.HoldBody, services: ServicesDep, actor: ActorDep
) -> dict[str, Any]:
    return _decision(decisions.hold(services, actor, decision_id, body.question))


@router.post("/decisions/{decision_id}/payments", status_code=201)
def pay(
    decision_id: str, body: schemas.PaymentBody, services: ServicesDep, actor: ActorDep
) -> dict[str, Any]:
    try:
        paid_on = date.fromisoformat(body.paid_on) if body.paid_on else None
    except ValueError:
        raise InvalidInput(N_("Write the date as YYYY-MM-DD."), field="paid_on") from None
    view, payment = decisions.pay(
        services,
        actor,
        decision_id,
        amount_minor=body.amount_minor,
        paid_to=body.paid_to,
        method=body.method,
        paid_on=paid_on,
    )
    return {**_payment(payment), "decision": _decision(view)}


@router.post("/decisions/{decision_id}/complete")
def complete(
    decision_id: str, body: schemas.CompleteBody, services: ServicesDep, actor: ActorDep
) -> dict[str, Any]:
    return _decision(decisions.complete(services, actor, decision_id, body.note))


@router.get("/groups/{group_id}/ledger")
def ledger(group_id: str, services: ServicesDep, actor: ActorDep) -> list[dict[str, Any]]:
    return [_entry(row) for row in decisions.ledger_of(services, actor, group_id)]
