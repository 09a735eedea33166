"""What the browser pages share: cookies, CSRF, language, who is asking."""

from __future__ import annotations

import contextlib
import re
import secrets
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.requests import HTTPConnection

from app.deliberation.errors import DeliberationError, NotAuthenticated
from app.deliberation.permissions import Actor
from app.usecases import accounts
from app.usecases.unit import Services
from app.web.views import Page

from .deps import (
    CSRF_COOKIE,
    CSRF_HEADER,
    USER_COOKIE,
    get_services,
    language_of,
    require_csrf,
)

MEMBER_COOKIE = "puljen_member"
DEVICE_COOKIE = "puljen_device"  # random, long-lived: which phone this is (see join_workshop)
YEAR = 365 * 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def page_of(request: Request) -> Page:
    """The page's CSRF token (a new one if the browser has none) and language."""
    token = request.cookies.get(CSRF_COOKIE) or ""
    if not _TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(24)
    request.state.csrf = token
    return Page(csrf=token, language=language_of(request))


def device_of(request: Request) -> str:
    """This browser's device cookie ("" if it has none yet, or a malformed one)."""
    token = request.cookies.get(DEVICE_COOKIE) or ""
    return token if _TOKEN.fullmatch(token) else ""


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def remember_csrf(request: Request, response: Response) -> Response:
    token = getattr(request.state, "csrf", None)
    if token and request.cookies.get(CSRF_COOKIE) != token:
        set_cookie(request, response, CSRF_COOKIE, token, YEAR)
    return response


async def check_csrf(request: Request) -> None:
    """Double-submit check: the header (htmx) or form field must match the cookie."""
    given = request.headers.get(CSRF_HEADER)
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get("csrf") or "")
    require_csrf(request, given)


def forget_session(request: Request, services: Services, cookie: str, to: str) -> Response:
    """Log out this browser: revoke the session behind ``cookie``, drop it, go to ``to``."""
    from fastapi.responses import RedirectResponse

    token = request.cookies.get(cookie)
    if token:
        # Already expired or revoked: forgetting it is all that is left.
        with contextlib.suppress(DeliberationError):
            accounts.logout(services, token)
    response = RedirectResponse(to, status_code=303)
    response.delete_cookie(cookie, path="/")
    return response


def member_actor(services: Services, connection: HTTPConnection) -> Actor:
    token = connection.cookies.get(MEMBER_COOKIE)
    if not token:
        raise NotAuthenticated()
    return accounts.authenticate(services, token)


def user_actor(services: Services, connection: HTTPConnection) -> Actor:
    token = connection.cookies.get(USER_COOKIE)
    if not token:
        raise NotAuthenticated()
    actor = accounts.authenticate(services, token)
    if not actor.is_user:
        raise NotAuthenticated()
    return actor


def optional(call: object, *args: object) -> Actor | None:
    try:
        return call(*args)  # type: ignore[operator,no-any-return]
    except DeliberationError:
        return None


def _member(request: Request, services: Annotated[Services, Depends(get_services)]) -> Actor:
    return member_actor(services, request)


def _user(request: Request, services: Annotated[Services, Depends(get_services)]) -> Actor:
    return user_actor(services, request)


MemberDep = Annotated[Actor, Depends(_member)]
UserDep = Annotated[Actor, Depends(_user)]
CsrfDep = Depends(check_csrf)
