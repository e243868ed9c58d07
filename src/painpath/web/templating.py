"""Rendering pages: every template gets the actor, the CSRF token and the request id."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from painpath import __version__
from painpath.web.auth import CSRF_COOKIE, page_csrf_token, request_context

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _date(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    return value.strftime("%d %b %Y, %H:%M UTC" if with_time else "%d %b %Y")


TEMPLATES.env.filters["when"] = _date
TEMPLATES.env.filters["todate"] = lambda iso: date.fromisoformat(iso)
TEMPLATES.env.globals["version"] = __version__


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    ctx = request_context(request)
    context.setdefault("errors", {})
    context.setdefault("values", {})
    response = TEMPLATES.TemplateResponse(
        request,
        name,
        {
            "actor": ctx.actor,
            "csrf_token": page_csrf_token(request),
            "request_id": ctx.request_id,
            **context,
        },
        status_code=status_code,
    )
    attach_csrf_cookie(request, response)
    return response


def attach_csrf_cookie(request: Request, response: Response) -> None:
    fresh = getattr(request.state, "new_csrf_cookie", None)
    if fresh:
        response.set_cookie(
            CSRF_COOKIE,
            fresh,
            httponly=True,
            samesite="strict",
            secure=request.app.state.services.settings.https,
            path="/",
        )


def redirect(url: str) -> RedirectResponse:
    # 303: after a POST, the browser follows with a GET (no resubmission on reload).
    return RedirectResponse(url, status_code=303)
