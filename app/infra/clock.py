"""Time and ids for the edge of the app; the core gets both passed in."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, aware, in UTC (the columns refuse naive datetimes)."""
    return datetime.now(UTC)


def new_id() -> str:
    """An opaque, unguessable id."""
    return secrets.token_urlsafe(12)
