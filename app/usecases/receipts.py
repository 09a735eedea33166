"""Receipts for payments: images or PDFs, checked by their content (not their name), kept on
disk under random names and handed only to those who may see the group's money."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from app.deliberation.errors import InvalidInput, NotFound
from app.deliberation.events import ReceiptAdded
from app.deliberation.permissions import Action, Actor, require
from app.deliberation.text import N_
from app.infra.tables import DecisionRow, GroupRow, PaymentRow, ReceiptRow

from . import models
from .unit import Services, unit_of_work

# What a receipt may be, told by its first bytes, and the name its copy gets.
KINDS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
}


def sniff(data: bytes) -> str | None:
    """The file's type by its content: a PDF, or a photo (JPEG, PNG, WebP, HEIC)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "image/heic"
    return None


@dataclass(frozen=True)
class Receipt:
    row: models.Receipt
    path: Path


def _payment_of(session: Session, payment_id: str) -> tuple[PaymentRow, GroupRow]:
    payment = session.get(PaymentRow, payment_id)
    if payment is None:
        raise NotFound(N_("There is no such payment."))
    decision = session.get(DecisionRow, payment.decision_id)
    group = session.get(GroupRow, decision.group_id) if decision else None
    assert group is not None
    return payment, group


def add_receipt(services: Services, actor: Actor, payment_id: str, data: bytes) -> models.Receipt:
    """Keep ``data`` as a receipt of the payment; refused unless it is a PDF or a photo of
    at most the configured size. Nothing touches the disk before the actor may add it."""
    with services.db.reading() as session:
        _payment, group = _payment_of(session, payment_id)
        require(actor, Action.DECIDE, organisation_id=group.organisation_id)
    limit = services.settings.receipt_max_bytes
    if len(data) > limit:
        raise InvalidInput(
            N_("A receipt can be at most {megabytes} MB."),
            field="file",
            params={"megabytes": limit // (1024 * 1024)},
        )
    kind = sniff(data)
    if kind is None:
        raise InvalidInput(N_("Upload a photo (JPEG, PNG, WebP, HEIC) or a PDF."), field="file")
    folder = services.settings.receipts_dir
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + KINDS[kind]
    path = folder / stored
    temporary = folder / (stored + ".part")
    try:
        with open(temporary, "wb") as handle:  # written whole and synced before it is named
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        with unit_of_work(services) as uow:
            payment, group = _payment_of(uow.session, payment_id)
            require(actor, Action.DECIDE, organisation_id=group.organisation_id)
            row = ReceiptRow(
                payment_id=payment.id,
                stored_name=stored,
                content_type=kind,
                size_bytes=len(data),
                uploaded_by=actor.user_id or "",
            )
            uow.session.add(row)
            uow.session.flush()
            after = {"receipt_id": row.id, "content_type": kind, "size_bytes": len(data)}
            uow.happened(actor, ReceiptAdded(payment.id, after=after))
    except BaseException:
        temporary.unlink(missing_ok=True)  # nothing recorded: no file left behind either
        path.unlink(missing_ok=True)
        raise
    return models.Receipt.of(row)


def get_receipt(services: Services, actor: Actor, receipt_id: str) -> Receipt:
    with services.db.reading() as session:
        row = session.get(ReceiptRow, receipt_id)
        if row is None:
            raise NotFound(N_("There is no such receipt."))
        _payment, group = _payment_of(session, row.payment_id)
        require(actor, Action.VIEW_DECISIONS, organisation_id=group.organisation_id)
        return Receipt(models.Receipt.of(row), services.settings.receipts_dir / row.stored_name)
