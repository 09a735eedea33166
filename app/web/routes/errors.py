"""One place that turns every error into the contract's shape (``public.ErrorPublic``):
``{"error": {"code": ..., "message": ..., "field": ...}}`` with the right status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.deliberation.errors import (
    Conflict,
    DeliberationError,
    InvalidInput,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
    with_amounts,
)
from app.deliberation.text import N_
from app.web import labels
from app.web.i18n import format_money, translate
from app.web.templating import render_page

from .deps import language_of
from .public import ErrorDetailPublic, ErrorPublic

log = logging.getLogger(__name__)

STATUS: dict[type[DeliberationError], int] = {
    InvalidInput: 422,
    NotAuthenticated: 401,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyAttempts: 429,
}


def status_of(error: DeliberationError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The contract's error shape (``ErrorPublic``); ``field`` only when there is one."""
    detail = ErrorDetailPublic(code=code, message=message, field=field or None)
    return ErrorPublic(error=detail).model_dump(mode="json")


_CODES = {
    "method": labels.METHODS,
    "current": labels.PHASES,
    "next": labels.PHASES,
    "phase": labels.PHASES,
}


def field_words(field: str, language: str) -> str:
    """A field's machine name (``how_it_helps``, ``pot.amount_minor``) in words."""
    parts = field.split(".")
    tried = [field, parts[-1], *(".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1))]
    words = next((labels.FIELDS[f] for f in tried if f in labels.FIELDS), labels.FIELD_UNKNOWN)
    return translate(language, words)


def error_message(error: DeliberationError, language: str) -> str:
    """The error's message for a person, in ``language``: amounts written out, and fields
    and methods in words (a machine name like ``how_it_helps`` never reaches a person; an
    empty field is asked for with its own sentence)."""
    message = error.message
    if isinstance(error, InvalidInput) and error.missing:
        message = labels.FIELD_MISSING.get(error.field or "", labels.FIELD_MISSING_ANY)
    params = with_amounts(error.params, lambda minor: format_money(minor, "DKK", language))
    if "field" in params:
        params["field"] = field_words(str(params["field"]), language)
    for key, table in _CODES.items():  # a method's or a phase's code, in words
        if str(params.get(key)) in table:
            params[key] = translate(language, table[str(params[key])])
    return translate(language, message, params)


def _wants_page(request: Request) -> bool:
    """A plain browser navigation (not the JSON API, not htmx): answer with a page."""
    return (
        not request.url.path.startswith(("/api/", "/healthz"))
        and "hx-request" not in request.headers
        and "text/html" in request.headers.get("accept", "")
    )


def deliberation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DeliberationError)
    language = language_of(request)
    message = error_message(exc, language)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
    if _wants_page(request):
        if isinstance(exc, NotAuthenticated):
            to = "/f/login" if request.url.path.startswith("/f") else "/j"
            return RedirectResponse(to, status_code=303)
        return HTMLResponse(
            render_page("error.html", language, {"csrf": "", "message": message}),
            status_code=status_of(exc),
        )
    return JSONResponse(
        error_body(exc.code, message, exc.field), status_code=status_of(exc), headers=headers
    )


_TYPE_MESSAGES = {
    "missing": N_("{field} is required."),
    "int_type": N_("{field} must be a whole number."),
    "string_type": N_("{field} must be text."),
    "dict_type": N_("{field} must be an object."),
    "list_type": N_("{field} must be a list."),
    "model_type": N_("{field} must be an object."),
    "model_attributes_type": N_("{field} must be an object."),
}


def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """Pydantic's first complaint, as a sentence naming the field."""
    assert isinstance(exc, RequestValidationError)
    language = language_of(request)
    first = exc.errors()[0] if exc.errors() else {"type": "invalid", "loc": ()}
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    field = ".".join(loc) or None
    kind = str(first.get("type", ""))
    if kind == "json_invalid":
        message = translate(language, N_("The request body is not valid JSON."))
        return JSONResponse(error_body("invalid_json", message), status_code=400)
    if field is None:
        message = translate(language, N_("The request body must be a JSON object."))
        return JSONResponse(error_body("invalid_body", message), status_code=422)
    template = _TYPE_MESSAGES.get(kind, N_("{field} has a value we cannot use."))
    message = translate(language, template, {"field": field_words(field, language)})
    return JSONResponse(error_body("invalid_input", message, field), status_code=422)


def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}
    code = codes.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = translate(language_of(request), N_("Something went wrong on our side."))
    return JSONResponse(error_body("internal_error", message), status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DeliberationError, deliberation_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
