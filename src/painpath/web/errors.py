"""Turning failures into answers: JSON for the API, pages for people. Never a trace."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from painpath.services import audit
from painpath.services.accounts import SignInFailed
from painpath.services.context import Context
from painpath.services.errors import (
    Forbidden,
    InvalidInput,
    InviteUnusable,
    NotFound,
    NotSignedIn,
    OnHold,
    ServiceError,
    Throttled,
    Unavailable,
)
from painpath.web.auth import BadApiToken, CsrfFailed
from painpath.web.middleware import security_headers
from painpath.web.templating import TEMPLATES, redirect, render

log = logging.getLogger("painpath.web")

STATUS = {
    NotSignedIn: 401,
    BadApiToken: 401,
    SignInFailed: 401,
    Forbidden: 403,
    CsrfFailed: 403,
    NotFound: 404,
    OnHold: 409,
    InviteUnusable: 410,
    InvalidInput: 422,
    Throttled: 429,
    Unavailable: 503,
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def status_of(error: ServiceError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


# Refusals raised by the web layer itself (services audit their own refusals).
WEB_REFUSALS = {CsrfFailed: "web.csrf", BadApiToken: "auth.api_token"}


async def _audit_web_refusal(request: Request, error: ServiceError) -> None:
    for kind, action in WEB_REFUSALS.items():
        if isinstance(error, kind):
            ctx = request_context_or_anonymous(request)
            await run_in_threadpool(
                audit.record_now,
                ctx,
                action,
                outcome=audit.DENIED,
                detail=f"{request.method} {request.url.path}"[:200],
            )


def request_context_or_anonymous(request: Request) -> Context:
    cached = getattr(request.state, "ctx", None)
    if cached is not None:
        return cached
    return Context(
        request.app.state.services,
        client_address=request.client.host if request.client else None,
        request_id=getattr(request.state, "request_id", None),
    )


async def service_error(request: Request, error: ServiceError) -> Response:
    await _audit_web_refusal(request, error)
    status = status_of(error)
    if is_api(request):
        headers = {}
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, Throttled):
            headers["Retry-After"] = str(error.retry_after_seconds)
        if isinstance(error, InvalidInput):
            detail = [
                {"loc": ["body", *field.split(".")], "msg": message, "type": "value_error"}
                for field, message in error.errors.items()
            ]
            return JSONResponse({"detail": detail}, status_code=422, headers=headers)
        return JSONResponse({"detail": error.describe()}, status_code=status, headers=headers)
    if isinstance(error, NotSignedIn):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(f"/signin?next={quote(target, safe='')}")
    return render(
        request, "error.html", status_code=status, status=status, message=error.describe()
    )


BODY_UNREADABLE = "There was an error parsing the body"


async def http_error(request: Request, error: HTTPException) -> Response:
    if is_api(request) and error.status_code == 400 and error.detail == BODY_UNREADABLE:
        # A body too deeply nested or with a number too long to read: like malformed
        # JSON, a 422 that says what is wrong (README, API).
        detail = [
            {
                "loc": ["body"],
                "msg": "The JSON body cannot be read: it is nested too deeply or holds a "
                "number with too many digits.",
                "type": "json_invalid",
            }
        ]
        return JSONResponse({"detail": detail}, status_code=422)
    if is_api(request):
        return JSONResponse(
            {"detail": error.detail}, status_code=error.status_code, headers=error.headers
        )
    messages = {
        404: "There is no page at this address.",
        405: "This page cannot be used that way.",
        413: str(error.detail),
    }
    return render(
        request,
        "error.html",
        status_code=error.status_code,
        status=error.status_code,
        message=messages.get(error.status_code, str(error.detail)),
    )


async def validation_error(request: Request, error: RequestValidationError) -> Response:
    if is_api(request):
        from painpath.services.schemas import friendly_message

        detail = [
            {"loc": list(item["loc"]), "msg": friendly_message(item), "type": item["type"]}
            for item in error.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)
    # A page address with a malformed part (e.g. /patients/abc) is simply not a page.
    return render(
        request,
        "error.html",
        status_code=404,
        status=404,
        message="There is no page at this address.",
    )


async def unexpected_error(request: Request, error: Exception) -> Response:
    request_id = _request_id(request) or "unknown"
    log.exception(
        "unexpected error (request %s) on %s %s", request_id, request.method, request.url.path
    )
    headers = dict(
        (k.decode(), v.decode())
        for k, v in security_headers(request.url.path, request_id, https=False)
    )
    if is_api(request):
        return JSONResponse(
            {
                "detail": "Something went wrong on our side. Nothing was half-saved.",
                "request_id": request_id,
            },
            status_code=500,
            headers=headers,
        )
    # Rendered without the session machinery: that may be what failed.
    body = TEMPLATES.get_template("500.html").render(request_id=request_id)
    return HTMLResponse(body, status_code=500, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
