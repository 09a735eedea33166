"""The ASGI app: ``app.main:app``.

Settings are read when the app starts (not on import), the database is upgraded to the
newest migration, and the live hub starts on the server's event loop.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from app.infra.config import Settings, load_settings
from app.infra.db import Database
from app.infra.hub import LocalHub
from app.infra.security import TokenSigner
from app.usecases.unit import Services
from app.web.limits import RequestLimits
from app.web.rooms import Rooms
from app.web.routes import (
    api,
    api_decisions,
    console,
    decisions,
    errors,
    events,
    health,
    live,
    pages,
)

log = logging.getLogger("puljen")
STATIC_DIR = Path(__file__).parent / "static"


def build_services(settings: Settings) -> Services:
    return Services(
        settings=settings,
        db=Database(settings.database_url),
        hub=LocalHub(),
        tokens=TokenSigner(settings.secret_key),
    )


RECEIPT_UPLOAD_PATH = re.compile(r"/(api/v1|f)/payments/[A-Za-z0-9_-]+/receipts")


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings or load_settings())
        await run_in_threadpool(services.db.upgrade)
        await services.hub.start()
        app.state.services = services
        app.state.rooms = Rooms(services)
        try:
            yield
        finally:
            await app.state.rooms.close_all()
            await services.hub.stop()
            services.db.dispose()

    app = FastAPI(
        title="Puljen",
        version="1",
        summary="A group of young people decides together how to spend a shared pot.",
        lifespan=lifespan,
    )
    max_body = (settings.max_body_bytes if settings else None) or 64 * 1024
    receipt_max = (settings.receipt_max_bytes if settings else None) or 10 * 1024 * 1024
    # Receipts are files: their requests may carry one, plus the form around it.
    uploads = (RECEIPT_UPLOAD_PATH, receipt_max + 64 * 1024)
    app.add_middleware(RequestLimits, max_bytes=max_body, uploads=uploads)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(api_decisions.router)
    app.include_router(events.router)
    app.include_router(pages.router)
    app.include_router(console.router)
    app.include_router(decisions.router)
    app.include_router(live.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


app = create_app()
