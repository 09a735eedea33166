"""Liveness: 200 once the database answers."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.usecases import health

from .deps import ServicesDep
from .public import HealthPublic

router = APIRouter()


@router.get(
    "/healthz",
    responses={503: {"model": HealthPublic, "description": "The database does not answer."}},
)
def healthz(services: ServicesDep, response: Response) -> HealthPublic:
    if not health.database_answers(services):
        response.status_code = 503
        return HealthPublic(status="unavailable")
    return HealthPublic(status="ok")
