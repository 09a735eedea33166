"""Dependencies shared by the routes: the services and who is asking."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from app.deliberation.errors import NotAuthenticated
from app.deliberation.permissions import Actor
from app.usecases import accounts
from app.usecases.unit import Services

SESSION_COOKIE = "puljen_session"


def get_services(connection: HTTPConnection) -> Services:
    services: Services = connection.app.state.services
    return services


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
