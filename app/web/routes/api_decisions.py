"""The JSON API of decisions: what became of each funded proposal (approval, payments,
receipts), the pot's ledger, the audit trail and their CSV exports."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from app.usecases import audit, decisions, receipts
from app.usecases.audit import AuditView
from app.usecases.decisions import DecisionView
from app.usecases.models import LedgerEntry, Payment
from app.web import exports
from app.web.forms import parse_day

from . import schemas
from .deps import ActorDep, ServicesDep
from .public import (
    ERRORS,
    AuditEntryPublic,
    DecisionDetailPublic,
    DecisionPublic,
    LedgerEntryPublic,
    OrganisationSettingsPublic,
    PaymentMadePublic,
    PaymentPublic,
    PaymentWithReceiptsPublic,
    ReceiptPublic,
    file_answer,
)

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def _decision(view: DecisionView) -> DecisionPublic:
    row = view.decision
    return DecisionPublic(
        id=row.id,
        proposal_id=row.proposal_id,
        round_id=row.round_id,
        title=view.title,
        status=row.status,
        amount_minor=row.funded_minor,
        approved_minor=row.approved_minor,
        paid_minor=row.paid_minor,
        approvals=len(row.approvals),
        reason=row.reason,
        question=row.question,
        note=row.note,
        updated_at=row.updated_at.isoformat(),
    )


def _payment(row: Payment) -> PaymentPublic:
    return PaymentPublic(
        id=row.id,
        decision_id=row.decision_id,
        amount_minor=row.amount_minor,
        paid_to=row.paid_to,
        method=row.method,
        paid_on=row.paid_on.isoformat(),
    )


def _entry(row: LedgerEntry) -> LedgerEntryPublic:
    return LedgerEntryPublic(
        id=row.id,
        seq=row.seq,
        kind=row.kind,
        amount_minor=row.amount_minor,
        decision_id=row.decision_id,
        round_id=row.round_id,
        actor=row.actor,
        at=row.at.isoformat(),
        note=row.note,
    )


@router.get("/groups/{group_id}/decisions")
def list_decisions(group_id: str, services: ServicesDep, actor: ActorDep) -> list[DecisionPublic]:
    return [_decision(v) for v in decisions.list_decisions(services, actor, group_id)]


@router.post("/decisions/{decision_id}/approve")
def approve(
    decision_id: str, body: schemas.ApproveBody, services: ServicesDep, actor: ActorDep
) -> DecisionPublic:
    return _decision(decisions.approve(services, actor, decision_id, body.amount_minor))


@router.post("/decisions/{decision_id}/reject")
def reject(
    decision_id: str, body: schemas.RejectBody, services: ServicesDep, actor: ActorDep
) -> DecisionPublic:
    return _decision(decisions.reject(services, actor, decision_id, body.reason))


@router.post("/decisions/{decision_id}/hold")
def hold(
    decision_id: str, body: schemas.HoldBody, services: ServicesDep, actor: ActorDep
) -> DecisionPublic:
    return _decision(decisions.hold(services, actor, decision_id, body.question))


@router.post("/decisions/{decision_id}/payments", status_code=201)
def pay(
    decision_id: str, body: schemas.PaymentBody, services: ServicesDep, actor: ActorDep
) -> PaymentMadePublic:
    view, payment = decisions.pay(
        services,
        actor,
        decision_id,
        amount_minor=body.amount_minor,
        paid_to=body.paid_to,
        method=body.method,
        paid_on=parse_day(body.paid_on or "", "paid_on"),
    )
    return PaymentMadePublic(**_payment(payment).model_dump(), decision=_decision(view))


@router.post("/decisions/{decision_id}/complete")
def complete(
    decision_id: str, body: schemas.CompleteBody, services: ServicesDep, actor: ActorDep
) -> DecisionPublic:
    return _decision(decisions.complete(services, actor, decision_id, body.note))


@router.get("/decisions/{decision_id}")
def get_decision(decision_id: str, services: ServicesDep, actor: ActorDep) -> DecisionDetailPublic:
    """A decision with its payments, their receipts and its timeline (oldest first)."""
    detail = decisions.decision_detail(services, actor, decision_id)
    return DecisionDetailPublic(
        **_decision(detail.view).model_dump(),
        group_id=detail.group.id,
        payments=[
            PaymentWithReceiptsPublic(
                **_payment(p.payment).model_dump(), receipts=[r.id for r in p.receipts]
            )
            for p in detail.payments
        ],
        timeline=[_audit(step) for step in detail.timeline],
    )


@router.post("/groups/{group_id}/adjustments", status_code=201)
def adjust(
    group_id: str, body: schemas.AdjustmentBody, services: ServicesDep, actor: ActorDep
) -> LedgerEntryPublic:
    """An administrator's correction of the pot's total (signed øre), with a reason."""
    row = decisions.adjust(
        services, actor, group_id, amount_minor=body.amount_minor, reason=body.reason
    )
    return _entry(row)


@router.put("/organisation/settings")
def organisation_settings(
    body: schemas.OrganisationSettingsBody, services: ServicesDep, actor: ActorDep
) -> OrganisationSettingsPublic:
    row = decisions.set_second_approver_threshold(services, actor, body.second_approver_above_minor)
    return OrganisationSettingsPublic(second_approver_above_minor=row.second_approver_above_minor)


@router.post("/decisions/{decision_id}/refunds")
def refund(
    decision_id: str, body: schemas.RefundBody, services: ServicesDep, actor: ActorDep
) -> DecisionPublic:
    """Money paid out came back after completion: available in the pot again."""
    return _decision(decisions.refund(services, actor, decision_id, body.amount_minor, body.note))


@router.get("/groups/{group_id}/ledger")
def ledger(group_id: str, services: ServicesDep, actor: ActorDep) -> list[LedgerEntryPublic]:
    return [_entry(row) for row in decisions.ledger_of(services, actor, group_id)]


# --- audit trail and exports ----------------------------------------------------------

DecimalMark = Annotated[
    str | None,
    Query(
        pattern="^(point|comma)$",
        description="point: 1234.50 and commas; comma: 1234,50 and semicolons (Danish Excel)."
        " Default: point; comma at the pages' addresses under /f/.",
    ),
]


def decimal_comma(request: Request, decimal: DecimalMark = None) -> bool:
    """Whether a CSV export writes ``1234,50`` with semicolons: as asked, else as its address
    suggests (the pages' links under ``/f/`` open in Danish Excel)."""
    if decimal is None:
        return request.url.path.startswith("/f/")
    return decimal == "comma"


CommaDep = Annotated[bool, Depends(decimal_comma)]
CSV = file_answer("A CSV file (UTF-8 with a BOM).", "text/csv")


def _audit(view: AuditView) -> AuditEntryPublic:
    row = view.entry
    return AuditEntryPublic(
        id=row.id,
        at=row.at.isoformat(),
        actor=view.actor_name,
        actor_role=row.actor_role,
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        before=row.before,
        after=row.after,
    )


@router.get("/audit")
def audit_trail(
    services: ServicesDep,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=audit.LIMIT_MAX)] = 200,
    before: datetime | None = None,
) -> list[AuditEntryPublic]:
    """The organisation's audit trail, newest first (``before``: page back in time)."""
    return [_audit(v) for v in audit.trail(services, actor, limit=limit, before=before)]


def _csv(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/audit.csv", response_class=Response, responses=CSV)
def audit_export(services: ServicesDep, actor: ActorDep, comma: CommaDep) -> Response:
    """The whole audit trail as CSV, codes and before/after as JSON."""
    rows = [
        [
            v.entry.at.isoformat(),
            exports.text(v.actor_name),
            v.entry.actor_role,
            v.entry.action,
            v.entry.subject_type,
            v.entry.subject_id,
            exports.text(json.dumps(v.entry.before, ensure_ascii=False) if v.entry.before else ""),
            exports.text(json.dumps(v.entry.after, ensure_ascii=False) if v.entry.after else ""),
        ]
        for v in audit.trail(services, actor, limit=None)
    ]
    header = ["at", "actor", "role", "action", "subject", "subject_id", "before", "after"]
    return _csv(exports.document(header, rows, decimal_comma=comma), "audit.csv")


@router.get("/groups/{group_id}/ledger.csv", response_class=Response, responses=CSV)
def ledger_export(
    group_id: str, services: ServicesDep, actor: ActorDep, comma: CommaDep
) -> Response:
    rows = [
        [
            str(e.seq),
            e.at.isoformat(),
            e.kind,
            exports.kroner(e.amount_minor, decimal_comma=comma),
            e.decision_id or "",
            e.round_id or "",
            exports.text(e.note),
            exports.kroner(e.total_after_minor, decimal_comma=comma),
            exports.kroner(e.reserved_after_minor, decimal_comma=comma),
            exports.kroner(e.approved_after_minor, decimal_comma=comma),
            exports.kroner(e.spent_after_minor, decimal_comma=comma),
        ]
        for e in decisions.ledger_of(services, actor, group_id)
    ]
    header = [
        "seq", "at", "kind", "amount_kr", "decision_id", "round_id", "note",
        "total_kr", "reserved_kr", "approved_kr", "spent_kr",
    ]  # fmt: skip
    return _csv(exports.document(header, rows, decimal_comma=comma), "ledger.csv")


@router.get("/groups/{group_id}/decisions.csv", response_class=Response, responses=CSV)
def decisions_export(
    group_id: str, services: ServicesDep, actor: ActorDep, comma: CommaDep
) -> Response:
    rows = [
        [
            v.decision.id,
            exports.text(v.title),
            v.decision.status,
            exports.kroner(v.decision.funded_minor, decimal_comma=comma),
            exports.kroner(v.decision.approved_minor, decimal_comma=comma),
            exports.kroner(v.decision.paid_minor, decimal_comma=comma),
            exports.text(v.decision.reason),
            v.decision.updated_at.isoformat(),
        ]
        for v in decisions.list_decisions(services, actor, group_id)
    ]
    header = ["id", "title", "status", "funded_kr", "approved_kr", "paid_kr", "reason", "updated"]
    return _csv(exports.document(header, rows, decimal_comma=comma), "decisions.csv")


# --- receipts ---------------------------------------------------------------------------


@router.post("/payments/{payment_id}/receipts", status_code=201)
async def add_receipt(
    payment_id: str, file: UploadFile, services: ServicesDep, actor: ActorDep
) -> ReceiptPublic:
    """A photo or PDF of the receipt (≤ 10 MB; its type is told by its content)."""
    data = await file.read()
    row = await run_in_threadpool(receipts.add_receipt, services, actor, payment_id, data)
    return ReceiptPublic(
        id=row.id,
        payment_id=row.payment_id,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
    )


RECEIPT = file_answer("The receipt, in the type read from its first bytes.", *receipts.KINDS)


@router.get("/receipts/{receipt_id}", response_class=Response, responses=RECEIPT)
def get_receipt(receipt_id: str, services: ServicesDep, actor: ActorDep) -> FileResponse:
    """A receipt as a download: its checked type, never sniffed again, never cached."""
    receipt = receipts.get_receipt(services, actor, receipt_id)
    return FileResponse(
        receipt.path,
        media_type=receipt.row.content_type,
        filename=f"receipt-{receipt.row.id}{receipts.KINDS[receipt.row.content_type]}",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
