"""The approver's pages: the queue across groups, a decision with its timeline and its
actions, receipts, and a group's pot with its ledger and a chart of the pot over time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from app.deliberation.decisions import PaymentMethod
from app.deliberation.errors import DeliberationError
from app.deliberation.permissions import Actor, Role
from app.usecases import accounts, audit, decisions, groups, receipts
from app.web import labels
from app.web.charts import PotPoint, pot_chart
from app.web.forms import parse_day, parse_kroner
from app.web.i18n import format_day, format_money, translate
from app.web.templating import render_page

from . import api_decisions
from .browser import (
    CsrfDep,
    UserDep,
    optional,
    page_of,
    remember_csrf,
    user_actor,
)
from .deps import ServicesDep, language_of
from .errors import error_message as message
from .errors import status_of

router = APIRouter(prefix="/f", include_in_schema=False)

# The pages' downloads are the API's own routes (their login cookie is accepted there);
# under /f/ the CSV exports write a decimal comma unless asked for ``decimal=point``.
for path, export in (
    ("/audit.csv", api_decisions.audit_export),
    ("/groups/{group_id}/ledger.csv", api_decisions.ledger_export),
    ("/groups/{group_id}/decisions.csv", api_decisions.decisions_export),
    ("/receipts/{receipt_id}", api_decisions.get_receipt),
):
    router.add_api_route(path, export, methods=["GET"], response_class=Response)


def _viewer(request: Request, services: ServicesDep) -> Actor | None:
    """The logged-in user, or ``None``: a page then sends them to log in."""
    return optional(user_actor, services, request)


def _to_login() -> Response:
    return RedirectResponse("/f/login", status_code=303)


def _page(
    request: Request,
    services: ServicesDep,
    actor: Actor,
    template: str,
    status: int = 200,
    **context: Any,
) -> Response:
    page = page_of(request)
    user = accounts.current_user(services, actor)
    may_decide = actor.role in (Role.APPROVER, Role.ADMIN)
    html = render_page(
        template,
        page.language,
        {"csrf": page.csrf, "user": user, "may_decide": may_decide, **context},
    )
    return remember_csrf(request, HTMLResponse(html, status_code=status))


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, services: ServicesDep) -> Response:
    actor = _viewer(request, services)
    if actor is None:
        return _to_login()
    entries = audit.trail(services, actor, limit=500)
    return _page(request, services, actor, "audit.html", entries=entries)


@router.get("/decisions", response_class=HTMLResponse)
def queue(request: Request, services: ServicesDep) -> Response:
    actor = _viewer(request, services)
    if actor is None:
        return _to_login()
    return _page(request, services, actor, "decisions.html", items=decisions.queue(services, actor))


# The fields of each form on a decision's page (by the name an error gives them): an
# error about one of them is shown at that field, with what was typed kept.
FORM_FIELDS = {
    "approve": {"amount_minor"},
    "reject": {"reason"},
    "hold": {"question"},
    "pay": {"amount_minor", "paid_to", "method", "paid_on"},
    "complete": {"note"},
    "refund": {"amount_minor", "note"},
}


def _decision_page(
    request: Request,
    services: ServicesDep,
    actor: Actor,
    decision_id: str,
    error: str = "",
    status: int = 200,
    **form: Any,
) -> Response:
    """The decision's page; ``form``: the form that failed (``failed``), what was typed in
    it (``typed``) and the reasons by field (``errors``), or a partial approval to confirm
    (``confirm``)."""
    detail = decisions.decision_detail(services, actor, decision_id)
    return _page(
        request,
        services,
        actor,
        "decision.html",
        status,
        d=detail,
        error=error,
        methods=[m.value for m in PaymentMethod],
        today=date.today().isoformat(),
        failed=form.get("failed", ""),
        typed=form.get("typed", {}),
        errors=form.get("errors", {}),
        confirm=form.get("confirm"),
    )


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
def decision(decision_id: str, request: Request, services: ServicesDep) -> Response:
    actor = _viewer(request, services)
    if actor is None:
        return _to_login()
    return _decision_page(request, services, actor, decision_id)


def _act(
    request: Request,
    services: ServicesDep,
    actor: Actor,
    decision_id: str,
    step: Callable[[], object],
    failed: str = "",
    typed: dict[str, str] | None = None,
) -> Response:
    """Take a step; back to the decision (PRG), or the page again with the reason it failed."""
    try:
        step()
    except DeliberationError as error:
        return _refused(request, services, actor, decision_id, error, failed, typed or {})
    return RedirectResponse(f"/f/decisions/{decision_id}", status_code=303)


def _refused(
    request: Request,
    services: ServicesDep,
    actor: Actor,
    decision_id: str,
    error: DeliberationError,
    failed: str,
    typed: dict[str, str],
) -> Response:
    """The page again with the status the JSON API would give and the reason: at the field
    of form ``failed`` it concerns (what was ``typed`` kept), else at the top."""
    reason = message(error, page_of(request).language)
    at_field = error.field is not None and error.field in FORM_FIELDS.get(failed, ())
    return _decision_page(
        request,
        services,
        actor,
        decision_id,
        "" if at_field else reason,
        status_of(error),
        failed=failed,
        typed=typed,
        errors={error.field: reason} if at_field else {},
    )


@router.post("/decisions/{decision_id}/approve", dependencies=[CsrfDep])
def approve(
    decision_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    amount: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    """Approve it; less than the group decided is asked about first, with the numbers
    (the rest goes back to the pot), unless ``confirmed``."""
    typed = {"amount": amount}
    try:
        amount_minor = parse_kroner(amount, language=language_of(request), optional=True)
    except DeliberationError as error:
        return _refused(request, services, actor, decision_id, error, "approve", typed)
    if amount_minor is not None and confirmed != "1":
        funded = decisions.decision_detail(services, actor, decision_id).view.decision
        if amount_minor < funded.funded_minor:
            confirm = {"amount_minor": amount_minor, "amount": amount}
            return _decision_page(request, services, actor, decision_id, confirm=confirm)
    return _act(
        request,
        services,
        actor,
        decision_id,
        lambda: decisions.approve(services, actor, decision_id, amount_minor),
        "approve",
        typed,
    )


@router.post("/decisions/{decision_id}/reject", dependencies=[CsrfDep])
def reject(
    decision_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    return _act(
        request,
        services,
        actor,
        decision_id,
        lambda: decisions.reject(services, actor, decision_id, reason),
        "reject",
        {"reason": reason},
    )


@router.post("/decisions/{decision_id}/hold", dependencies=[CsrfDep])
def hold(
    decision_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    question: Annotated[str, Form()] = "",
) -> Response:
    return _act(
        request,
        services,
        actor,
        decision_id,
        lambda: decisions.hold(services, actor, decision_id, question),
        "hold",
        {"question": question},
    )


@router.post("/decisions/{decision_id}/payments", dependencies=[CsrfDep])
@router.post("/decisions/{decision_id}/pay", dependencies=[CsrfDep])  # the first spelling
def pay(
    decision_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    amount: Annotated[str, Form()] = "",
    paid_to: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
    paid_on: Annotated[str, Form()] = "",
) -> Response:
    def step() -> object:
        return decisions.pay(
            services,
            actor,
            decision_id,
            amount_minor=parse_kroner(amount, language=language_of(request)),
            paid_to=paid_to,
            method=method,
            paid_on=parse_day(paid_on, "paid_on"),
        )

    typed = {"amount": amount, "paid_to": paid_to, "method": method, "paid_on": paid_on}
    return _act(request, services, actor, decision_id, step, "pay", typed)


@router.post("/decisions/{decision_id}/complete", dependencies=[CsrfDep])
def complete(
    decision_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    note: Annotated[str, Form()] = "",
) -> Response:
    return _act(
        request,
        services,
        actor,
        decision_id,
        lambda: decisions.complete(services, actor, decision_id, note),
        "complete",
        {"note": note},
    )


@router.post("/decisions/{decision_id}/refunds", dependencies=[CsrfDep])
@router.post("/decisions/{decision_id}/refund", dependencies=[CsrfDep])  # the first spelling
def refund(
    decision_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    amount: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    return _act(
        request,
        services,
        actor,
        decision_id,
        lambda: decisions.refund(
            services,
            actor,
            decision_id,
            parse_kroner(amount, language=language_of(request)),
            note,
        ),
        "refund",
        {"amount": amount, "note": note},
    )


@router.post("/payments/{payment_id}/receipts", dependencies=[CsrfDep])
async def add_receipt(
    payment_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    file: UploadFile,
    decision_id: Annotated[str, Form()] = "",
) -> Response:
    data = await file.read()
    return await run_in_threadpool(
        _act,
        request,
        services,
        actor,
        decision_id,
        lambda: receipts.add_receipt(services, actor, payment_id, data),
    )


@router.get("/groups/{group_id}/pot", response_class=HTMLResponse)
def pot(group_id: str, request: Request, services: ServicesDep) -> Response:
    actor = _viewer(request, services)
    if actor is None:
        return _to_login()
    view = groups.get_group(services, actor, group_id)
    lines = decisions.ledger_lines(services, actor, group_id)
    language = page_of(request).language
    currency = view.group.currency
    points = [
        PotPoint(
            e.spent_after_minor,
            e.reserved_after_minor + e.approved_after_minor,
            e.total_after_minor
            - e.reserved_after_minor
            - e.approved_after_minor
            - e.spent_after_minor,
            e.at.date(),
        )
        for e in (line.entry for line in lines)
    ]
    chart = pot_chart(
        points,
        money=lambda minor: format_money(minor, currency, language, whole=True),
        title=translate(language, labels.POT_CHART),
        legend=(
            translate(language, labels.POT_SPENT),
            translate(language, labels.POT_HELD),
            translate(language, labels.POT_AVAILABLE),
        ),
        day=lambda day: format_day(day, language),
        axes=(
            translate(language, labels.POT_AXIS_DAYS),
            translate(language, labels.POT_AXIS_MONEY),
        ),
    )
    return _page(request, services, actor, "pot.html", group=view, entries=lines, chart=chart)
