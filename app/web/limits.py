"""Request-size limit (ASGI middleware) and a small in-process attempt limiter."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.deliberation.errors import TooManyAttempts


class RequestLimits:
    """Refuse, before any route sees them, request bodies over ``max_bytes`` (413) and NUL
    characters in the path or query (400: PostgreSQL cannot store them, SQLite would)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, uploads: tuple[re.Pattern[str], int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = uploads  # paths that take files, and how large those bodies may be

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            if scope["type"] == "http":
                await self._refuse(send, 400, "invalid_characters", "The address is not valid.")
            else:
                await send({"type": "websocket.close", "code": 4400})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if self.uploads is not None and self.uploads[0].fullmatch(scope.get("path", "")):
            limit = self.uploads[1]
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, *self._too_large(limit))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, *self._too_large(limit))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self, limit: int) -> tuple[int, str, str]:
        return (413, "body_too_large", f"The request is too large (at most {limit // 1024} KiB).")

    async def _refuse(self, send: Send, status: int, code: str, message: str) -> None:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class AttemptLimiter:
    """At most ``limit`` failed attempts per key in a sliding window of ``window`` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            failures = self._failures.get(key)
            if failures is None:
                return
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if not failures:
                del self._failures[key]
            elif len(failures) >= self.limit:
                raise TooManyAttempts()

    def fail(self, key: str) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())
