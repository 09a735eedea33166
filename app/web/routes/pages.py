"""The browser pages of members and the shared screen: join, the phone view, the screen."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from app.deliberation.errors import DeliberationError, InvalidInput, NotAuthenticated
from app.deliberation.methods import parse_method
from app.deliberation.text import N_
from app.usecases import accounts, rounds, workshops
from app.usecases.live import load_snapshot, own_ballot_of
from app.web.forms import parse_kroner
from app.web.i18n import LANGUAGES, translate
from app.web.templating import render_blocks, render_page
from app.web.views import ballot_state, member_page, methods_page, proposal_form, screen_page

from .browser import (
    DEVICE_COOKIE,
    MEMBER_COOKIE,
    YEAR,
    CsrfDep,
    MemberDep,
    device_of,
    forget_session,
    member_actor,
    optional,
    page_of,
    remember_csrf,
    set_cookie,
)
from .deps import LANGUAGE_COOKIE, ServicesDep, base_url
from .errors import error_message as message

router = APIRouter(include_in_schema=False)
DEVICE_YEARS = 2


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/j", status_code=303)


@router.get("/j", response_class=HTMLResponse)
@router.get("/j/{code}", response_class=HTMLResponse)
def join_page(request: Request, services: ServicesDep, code: str = "") -> Response:
    """A phone that is in a workshop goes straight back to it; one that was (its login
    ended, or it left) is offered to continue as that member. Never cached: Back must ask
    the server again, not show a stale join form that would make a second member."""
    if optional(member_actor, services, request) is not None:
        response: Response = RedirectResponse("/m", status_code=303)
    else:
        page = page_of(request)
        context = {
            "csrf": page.csrf,
            "code": code.upper(),
            "name": "",
            "error": "",
            "error_field": "",
            "known": workshops.device_members(services, device_of(request), code),
        }
        response = remember_csrf(
            request, HTMLResponse(render_page("join.html", page.language, context))
        )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/j", dependencies=[CsrfDep])
def join(
    request: Request,
    services: ServicesDep,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
) -> Response:
    page = page_of(request)
    device = device_of(request) or secrets.token_urlsafe(32)
    try:
        signed_in = optional(member_actor, services, request)
        joined = workshops.join_workshop(
            services,
            code=code,
            name=name,
            device=device,
            signed_in=signed_in.member_id if signed_in else None,
        )
    except DeliberationError as error:
        html = render_blocks(
            "join.html",
            ["join_form"],
            page.language,
            {
                "csrf": page.csrf,
                "code": code,
                "name": name,
                "error": message(error, page.language),
                "error_field": error.field or "",
                "known": [],
            },
        )
        return HTMLResponse(html)
    response: Response = Response(status_code=204, headers={"HX-Redirect": "/m"})
    if "hx-request" not in request.headers:  # the "continue as" form works without JS too
        response = RedirectResponse("/m", status_code=303)
    set_cookie(
        request, response, MEMBER_COOKIE, joined.token, services.settings.member_token_seconds
    )
    if device != request.cookies.get(DEVICE_COOKIE):
        set_cookie(request, response, DEVICE_COOKIE, device, DEVICE_YEARS * YEAR)
    return response


@router.get("/m/leave", response_class=HTMLResponse)
def leave_page(request: Request, services: ServicesDep) -> Response:
    """Leaving asks first, on a page of its own (works without JS; nothing typed is lost:
    drafts and unsent votes stay in the browser until the member really leaves)."""
    try:
        actor = member_actor(services, request)
    except NotAuthenticated:
        return RedirectResponse("/j", status_code=303)
    assert actor.workshop_id is not None
    page = page_of(request)
    snap = load_snapshot(services, actor.workshop_id)
    me = next(m for m in snap.members if m.id == actor.member_id)
    context = {"csrf": page.csrf, "snap": snap, "me": me}
    return remember_csrf(request, HTMLResponse(render_page("leave.html", page.language, context)))


@router.post("/m/leave", dependencies=[CsrfDep])
def leave(request: Request, services: ServicesDep) -> Response:
    """Leave: the member stops counting and this browser forgets them (and, in JS, their
    drafts); the same phone typing the same name brings them back."""
    actor = optional(member_actor, services, request)
    if actor is not None:
        workshops.leave_workshop(services, actor)
    return forget_session(request, services, MEMBER_COOKIE, "/j")


@router.post("/language", dependencies=[CsrfDep])
def choose_language(request: Request, lang: Annotated[str, Form()] = "da") -> Response:
    """Switching language reloads the page (drafts are kept in the browser)."""
    response = Response(status_code=204, headers={"HX-Refresh": "true"})
    if lang in LANGUAGES:
        set_cookie(request, response, LANGUAGE_COOKIE, lang, YEAR)
    if "hx-request" not in request.headers:
        response = RedirectResponse(request.headers.get("referer") or "/", status_code=303)
        if lang in LANGUAGES:
            set_cookie(request, response, LANGUAGE_COOKIE, lang, YEAR)
    return response


@router.get("/m", response_class=HTMLResponse)
def member_home(request: Request, services: ServicesDep) -> Response:
    try:
        actor = member_actor(services, request)
    except NotAuthenticated:
        return RedirectResponse("/j", status_code=303)
    assert actor.workshop_id is not None
    assert actor.member_id is not None
    page = page_of(request)
    snap = load_snapshot(services, actor.workshop_id)
    me = next(m for m in snap.members if m.id == actor.member_id)
    ballot = own_ballot_of(services, snap.round.id, actor.member_id) if snap.round else None
    return remember_csrf(request, HTMLResponse(member_page(page, snap, me, ballot)))


@router.post("/m/rounds/{round_id}/proposals", dependencies=[CsrfDep])
def member_proposal(
    round_id: str,
    request: Request,
    services: ServicesDep,
    actor: MemberDep,
    title: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
    how_it_helps: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Every wrong field is named at once, next to its field, in words; what was typed stays."""
    page = page_of(request)
    assert actor.workshop_id is not None
    form = {
        "title": title,
        "amount": amount,
        "how_it_helps": how_it_helps,
        "category": category,
        "description": description,
    }
    unreadable: InvalidInput | None = None
    try:
        amount_minor = parse_kroner(amount, language=page.language)
    except InvalidInput as error:
        unreadable, amount_minor = error, 0  # the other fields are still checked
    try:
        rounds.submit_proposal(
            services,
            actor,
            round_id,
            title=title,
            description=description,
            amount_minor=amount_minor,
            how_it_helps=how_it_helps,
            category=category,
            idempotency_key=idempotency_key,
        )
    except InvalidInput as error:
        problems = [p for p in error.all if not (unreadable and p.field == "amount_minor")]
        errors = {p.field or "title": message(p, page.language) for p in problems}
        if unreadable is not None:
            errors["amount_minor"] = message(unreadable, page.language)
        snap = load_snapshot(services, actor.workshop_id)
        return HTMLResponse(proposal_form(page, snap, form=form, errors=errors))
    snap = load_snapshot(services, actor.workshop_id)
    notice = translate(page.language, N_("Thanks! Your proposal is on the screen."))
    return HTMLResponse(proposal_form(page, snap, form={}, errors={}, notice=notice))


@router.post("/m/proposals/{proposal_id}/comments", dependencies=[CsrfDep], status_code=204)
def member_comment(
    proposal_id: str,
    services: ServicesDep,
    actor: MemberDep,
    text: Annotated[str, Form()] = "",
    idempotency_key: Annotated[str, Form()] = "",
) -> Response:
    rounds.add_comment(services, actor, proposal_id, text=text, idempotency_key=idempotency_key)
    return Response(status_code=204)


@router.post("/m/rounds/{round_id}/ballot", dependencies=[CsrfDep])
async def member_ballot(
    round_id: str, request: Request, services: ServicesDep, actor: MemberDep
) -> HTMLResponse:
    """Answers only ``#ballot-state``: the ballot just cast is all it shows, so nothing
    else is read (the vote counts and live result reach the page through its room)."""
    page = page_of(request)
    body = ballot_body((await request.form()).multi_items())
    try:
        ballot = await run_in_threadpool(rounds.cast_ballot, services, actor, round_id, body)
    except InvalidInput as error:  # e.g. too many points: say so where the vote is
        return HTMLResponse(ballot_state(page, None, message(error, page.language)))
    return HTMLResponse(ballot_state(page, ballot.body))


def ballot_body(fields: Sequence[tuple[str, object]]) -> dict[str, object]:
    """A ballot form as the JSON ballot of its method: approvals, points or choices."""
    approvals = [str(v) for k, v in fields if k == "approvals"]
    points: dict[str, object] = {}
    choices = {k.removeprefix("choice-"): str(v) for k, v in fields if k.startswith("choice-")}
    for key, value in fields:
        if key.startswith("points-"):
            text = str(value).strip() or "0"
            points[key.removeprefix("points-")] = int(text) if text.isdecimal() else text
    if points:
        return {"points": points}
    if choices:
        return {"choices": choices}
    return {"approvals": approvals}


@router.get("/methods", response_class=HTMLResponse)
@router.get("/methods/{method}", response_class=HTMLResponse)
def methods(request: Request, method: str = "") -> Response:
    """How each voting method works, in plain words (no login: for anyone in the group)."""
    if method:
        parse_method(method)  # an unknown method is a clear 422, not an empty page
    page = page_of(request)
    return remember_csrf(request, HTMLResponse(methods_page(page, method)))


@router.get("/screen/{token}", response_class=HTMLResponse)
def screen(token: str, request: Request, services: ServicesDep) -> Response:
    actor = accounts.authenticate_screen(services, token)
    assert actor.workshop_id is not None
    snap = load_snapshot(services, actor.workshop_id)
    page = page_of(request)
    page = type(page)(csrf=page.csrf, language=snap.workshop.language)
    return HTMLResponse(screen_page(page, snap, base_url(request, services)))
