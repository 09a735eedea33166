"""The facilitator's browser pages: login, groups and pots, the workshop console."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deliberation.errors import (
    DeliberationError,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    NotFound,
)
from app.deliberation.permissions import Role
from app.deliberation.text import N_
from app.usecases import accounts, facilitation, groups, rounds, workshops
from app.usecases.live import load_snapshot
from app.web.forms import method_params, parse_kroner
from app.web.templating import render_page
from app.web.views import console_page, round_form

from .browser import (
    CsrfDep,
    UserDep,
    forget_session,
    optional,
    page_of,
    remember_csrf,
    set_cookie,
    user_actor,
)
from .deps import USER_COOKIE, ServicesDep, base_url
from .errors import error_message as message

router = APIRouter(prefix="/f", include_in_schema=False)

BUDGET_MISSING = N_("Write the round's budget in kroner. The pot has {available} available.")


def _login_page(request: Request, email: str = "", error: str = "") -> Response:
    page = page_of(request)
    context = {"csrf": page.csrf, "email": email, "error": error}
    return remember_csrf(request, HTMLResponse(render_page("login.html", page.language, context)))


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _login_page(request)


@router.post("/login", dependencies=[CsrfDep])
def login(
    request: Request,
    services: ServicesDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    try:
        token, user = accounts.login(services, email=email, password=password)
    except DeliberationError as error:
        return _login_page(request, email, message(error, page_of(request).language))
    response = RedirectResponse(home_of(Role(user.role)), status_code=303)
    set_cookie(request, response, USER_COOKIE, token, services.settings.user_token_seconds)
    return response


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request, services: ServicesDep) -> Response:
    return forget_session(request, services, USER_COOKIE, "/f/login")


@router.get("", response_class=HTMLResponse)
def home(request: Request, services: ServicesDep) -> Response:
    return _home_page(request, services)


def home_of(role: Role) -> str:
    """Where a user starts: a caseworker (approver) at the decisions waiting for them, a
    facilitator or an administrator (who may do both) at the groups and their workshops."""
    return "/f/decisions" if role is Role.APPROVER else "/f"


def _home_page(request: Request, services: ServicesDep, error: str = "") -> Response:
    actor = optional(user_actor, services, request)
    if actor is None:
        return RedirectResponse("/f/login", status_code=303)
    if home_of(actor.role) != "/f":
        return RedirectResponse(home_of(actor.role), status_code=303)
    page = page_of(request)
    views = groups.list_groups(services, actor)
    by_group = workshops.open_workshops(services, actor)
    context = {
        "csrf": page.csrf,
        "user": accounts.current_user(services, actor),
        "groups": views,
        "workshops": by_group,
        "error": error,
    }
    return remember_csrf(request, HTMLResponse(render_page("home.html", page.language, context)))


@router.post("/groups", dependencies=[CsrfDep])
def create_group(
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    name: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
) -> Response:
    try:
        groups.create_group(
            services,
            actor,
            name=name,
            amount_minor=parse_kroner(
                amount, "pot.amount_minor", language=page_of(request).language
            ),
            currency="DKK",
        )
    except DeliberationError as error:
        return _home_page(request, services, message(error, page_of(request).language))
    return RedirectResponse("/f", status_code=303)


@router.post("/groups/{group_id}/workshops", dependencies=[CsrfDep])
def start_workshop(
    group_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    title: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "da",
) -> Response:
    try:
        workshop = workshops.start_workshop(
            services, actor, group_id=group_id, title=title, language=language
        )
    except DeliberationError as error:
        return _home_page(request, services, message(error, page_of(request).language))
    return RedirectResponse(f"/f/workshops/{workshop.id}", status_code=303)


@router.get("/workshops/{workshop_id}", response_class=HTMLResponse)
def console(workshop_id: str, request: Request, services: ServicesDep) -> Response:
    try:
        actor = user_actor(services, request)
    except NotAuthenticated:
        return RedirectResponse("/f/login", status_code=303)
    workshops.get_workshop(services, actor, workshop_id)  # may this user see it?
    snap = load_snapshot(services, workshop_id)
    connected = request.app.state.rooms.connected(workshop_id)
    page = page_of(request)
    html = console_page(
        page, snap, accounts.current_user(services, actor), base_url(request, services), connected
    )
    return remember_csrf(request, HTMLResponse(html))


@router.post("/workshops/{workshop_id}/rounds", dependencies=[CsrfDep])
def create_round(
    workshop_id: str,
    request: Request,
    services: ServicesDep,
    actor: UserDep,
    title: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "approval",
    budget: Annotated[str, Form()] = "",
    points: Annotated[str, Form()] = "",
    threshold: Annotated[str, Form()] = "",
    max_no: Annotated[str, Form()] = "",
    completion: Annotated[str, Form()] = "",
    show_live: Annotated[str, Form()] = "",
) -> Response:
    """The form again: empty when the round is made, else with what was typed and each
    reason at its field. The budget is required here: a round
    spends what the facilitator chose, never silently the whole pot (the JSON API keeps
    its documented default)."""
    fields = {"points": points, "threshold": threshold, "max_no": max_no, "completion": completion}
    workshops.get_workshop(services, actor, workshop_id)  # may this user see it?
    snap = load_snapshot(services, workshop_id)
    try:
        if not budget.strip():
            raise InvalidInput(
                BUDGET_MISSING,
                field="budget_minor",
                params={"available_minor": snap.balance.available_minor},
            )
        rounds.create_round(
            services,
            actor,
            workshop_id=workshop_id,
            title=title,
            method=method,
            params=method_params(method, fields),
            budget_minor=parse_kroner(budget, "budget_minor", language=page_of(request).language),
            show_live=show_live == "1",
        )
    except DeliberationError as error:
        if isinstance(error, NotAuthenticated | NotAllowed | NotFound):
            raise
        typed = {"title": title, "method": method, "budget": budget, "show_live": show_live}
        said = {error.field or "": message(error, page_of(request).language)}
        form = round_form(page_of(request), snap, form={**typed, **fields}, errors=said)
        return HTMLResponse(form)
    return HTMLResponse(round_form(page_of(request), load_snapshot(services, workshop_id)))


@router.post("/rounds/{round_id}/show-live", dependencies=[CsrfDep], status_code=204)
def show_live(
    round_id: str, services: ServicesDep, actor: UserDep, show_live: Annotated[str, Form()] = ""
) -> Response:
    rounds.set_show_live(services, actor, round_id, show_live=show_live == "1")
    return Response(status_code=204)


@router.post("/rounds/{round_id}/phase", dependencies=[CsrfDep], status_code=204)
def move_phase(
    round_id: str, services: ServicesDep, actor: UserDep, phase: Annotated[str, Form()] = ""
) -> Response:
    rounds.move_phase(services, actor, round_id, phase=phase)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/timer", dependencies=[CsrfDep], status_code=204)
def timer(
    workshop_id: str, services: ServicesDep, actor: UserDep, minutes: Annotated[str, Form()] = "0"
) -> Response:
    seconds = int(minutes) * 60 if re.fullmatch(r"[0-9]{1,3}", minutes) else -1
    if seconds == 0:
        facilitation.stop_timer(services, actor, workshop_id)
    else:
        facilitation.start_timer(services, actor, workshop_id, seconds=seconds)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/spotlight", dependencies=[CsrfDep], status_code=204)
def spotlight(
    workshop_id: str,
    services: ServicesDep,
    actor: UserDep,
    proposal_id: Annotated[str, Form()] = "",
) -> Response:
    facilitation.spotlight(services, actor, workshop_id, proposal_id=proposal_id or None)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/join-code", dependencies=[CsrfDep], status_code=204)
def join_code(
    workshop_id: str, services: ServicesDep, actor: UserDep, shown: Annotated[str, Form()] = ""
) -> Response:
    facilitation.show_join_code(services, actor, workshop_id, shown=shown == "1")
    return Response(status_code=204)


@router.post("/comments/{comment_id}/hide", dependencies=[CsrfDep], status_code=204)
def hide_comment(
    comment_id: str, services: ServicesDep, actor: UserDep, hidden: Annotated[str, Form()] = "1"
) -> Response:
    facilitation.hide_comment(services, actor, comment_id, hidden=hidden != "0")
    return Response(status_code=204)


@router.post("/members/{member_id}/remove", dependencies=[CsrfDep], status_code=204)
def remove_member(member_id: str, services: ServicesDep, actor: UserDep) -> Response:
    facilitation.remove_member(services, actor, member_id)
    return Response(status_code=204)
