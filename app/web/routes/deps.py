"""Dependencies shared by the routes: the services and who is asking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from app.deliberation.errors import NotAuthenticated
from app.deliberation.permissions import Actor
from app.usecases import accounts
from app.usecases.unit import Services
from app.web.i18n import LANGUAGES, negotiate

SESSION_COOKIE = "puljen_session"
LANGUAGE_COOKIE = "puljen_lang"


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
    """The token from ``Authorization: Bearer …``, else from the browser's session cookie."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return connection.cookies.get(SESSION_COOKIE) or None


def require_token(request: Request) -> str:
    token = bearer_token(request)
    if token is None:
        raise NotAuthenticated()
    return token


def current_actor(
    services: Annotated[Services, Depends(get_services)],
    token: Annotated[str, Depends(require_token)],
) -> Actor:
    return accounts.authenticate(services, token)


ServicesDep = Annotated[Services, Depends(get_services)]
TokenDep = Annotated[str, Depends(require_token)]
ActorDep = Annotated[Actor, Depends(current_actor)]
