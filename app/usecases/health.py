"""Whether the app can serve: its database answers."""

from __future__ import annotations

from sqlalchemy import text

from .unit import Services


def database_answers(services: Services) -> bool:
    try:
        with services.db.reading() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    except Exception:
        return False
    return True
