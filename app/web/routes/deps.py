"""Dependencies shared by the routes: the services and who is asking."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from app.deliberation.errors import NotAllowed, NotAuthenticated
from app.deliberation.permissions import Actor
from app.deliberation.text import N_
from app.usecases import accounts
from app.usecases.unit import Services
from app.web.i18n import LANGUAGES, negotiate

LANGUAGE_COOKIE = "puljen_lang"
USER_COOKIE = "puljen_user"  # a logged-in user's token, set by the pages' login
CSRF_COOKIE = "puljen_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_services(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services


def language_of(connection: HTTPConnection) -> str:
    """The language a person chose on the page (cookie), else their browser's."""
    chosen = connection.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return negotiate(connection.headers.get("accept-language"))


def base_url(connection: HTTPConnection, services: Services) -> str:
    """Where people reach the app: the configured public URL, else this request's own."""
    if services.settings.public_url:
        return services.settings.public_url.rstrip("/")
    url = str(connection.base_url).rstrip("/")
    return "http" + url[2:] if url.startswith("ws") else url  # ws:// -> http://, wss:// -> https://


def bearer_token(connection: HTTPConnection) -> str | None:
    """The token from ``Authorization: Bearer …``."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def require_csrf(request: Request, given: str | None) -> None:
    """The pages' double-submit check: the token a page sends (header or form field) must
    equal its cookie."""
    expected = request.cookies.get(CSRF_COOKIE)
    if not expected or not given or not secrets.compare_digest(expected, given):
        raise NotAllowed(
            N_("This page has expired. Please reload it and try again."), code="csrf_failed"
        )


def require_token(request: Request) -> str:
    """The caller's token: a bearer token (scripts, integrations, the tests), else the pages'
    login cookie, so a download link on a staff page and a script reach the same route.

    A browser sends its cookie whoever made the page that asks, so with the cookie alone
    only reading is allowed; a change also needs the page's CSRF token in the header."""
    token = bearer_token(request)
    if token is not None:
        return token
    token = request.cookies.get(USER_COOKIE)
    if not token:
        raise NotAuthenticated()
    if request.method not in SAFE_METHODS:
        require_csrf(request, request.headers.get(CSRF_HEADER))
    return token


def current_actor(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    token: Annotated[str, Depends(require_token)],
) -> Actor:
    """Who is asking. Only staff log in with the cookie: a member's token in it is refused."""
    actor = accounts.authenticate(services, token)
    if not actor.is_user and token != bearer_token(request):
        raise NotAuthenticated()
    return actor


ServicesDep = Annotated[Services, Depends(get_services)]
TokenDep = Annotated[str, Depends(require_token)]
ActorDep = Annotated[Actor, Depends(current_actor)]
