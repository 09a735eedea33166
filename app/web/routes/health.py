"""Liveness: 200 once the database answers."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text

from .deps import ServicesDep
from .public import HealthPublic

router = APIRouter()


@router.get(
    "/healthz",
    responses={503: {"model": HealthPublic, "description": "The database does not answer."}},
)
def healthz(services: ServicesDep, response: Response) -> HealthPublic:
    try:
        with services.db.reading() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception:
        response.status_code = 503
        return HealthPublic(status="unavailable")
    return HealthPublic(status="ok")
