"""Who is asking: a bearer API token (API only) or a session cookie; and CSRF checks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from painpath.core.accounts import TokenScope
from painpath.services import audit
from painpath.services.accounts import actor_for_api_token, actor_for_session
from painpath.services.context import ANONYMOUS, Context, Services
from painpath.services.errors import Forbidden, NotSignedIn, ServiceError

SESSION_COOKIE = "pp_session"
CSRF_COOKIE = "pp_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class BadApiToken(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message)


class CsrfFailed(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            "This form had expired or did not come from painpath. Nothing was changed: "
            "go back, reload the page and try again."
        )


def services_of(request: Request) -> Services:
    return request.app.state.services


def request_context(request: Request) -> Context:
    """The Context for this request, resolved once and kept on request.state."""
    cached = getattr(request.state, "ctx", None)
    if cached is not None:
        return cached
    services = services_of(request)
    actor, session_csrf, via = ANONYMOUS, None, None
    authorization = request.headers.get("authorization")
    if authorization and request.url.path.startswith("/api/"):
        scheme, _, raw = authorization.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise BadApiToken("Send the token as 'Authorization: Bearer <token>'.")
        found = actor_for_api_token(services, raw.strip())
        if found is None:
            raise BadApiToken("This API token is not valid: it is unknown, expired or revoked.")
        actor, via = found, "token"
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        found_session = actor_for_session(services, raw) if raw else None
        if found_session is not None:
            (actor, session_csrf), via = found_session, "cookie"
    ctx = Context(
        services,
        actor=actor,
        client_address=request.client.host if request.client else None,
        request_id=getattr(request.state, "request_id", None),
    )
    request.state.ctx = ctx
    request.state.session_csrf = session_csrf
    request.state.auth_via = via
    return ctx


def _signed(request: Request, value: str) -> str:
    secret = request.app.state.secret_key.encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:32]


def _mint_presession_token(request: Request) -> str:
    value = secrets.token_urlsafe(24)
    return f"{value}.{_signed(request, value)}"


def _presession_token_valid(request: Request, token: str) -> bool:
    """Pre-sign-in tokens carry an HMAC made with the installation's secret, so a cookie
    planted by someone else (who lacks the secret) does not pass the double-submit check."""
    value, _, signature = token.partition(".")
    return bool(value) and _equal(signature, _signed(request, value))


def page_csrf_token(request: Request) -> str:
    """The token forms must echo: the session's when signed in, else the pre-sign-in
    cookie's (double-submit), minted here if the browser has none yet."""
    request_context(request)
    if request.state.session_csrf:
        return request.state.session_csrf
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not token or not _presession_token_valid(request, token):
        token = _mint_presession_token(request)
        request.state.new_csrf_cookie = token
    return token


def _same_origin(request: Request) -> bool:
    """Refuse form posts that a browser says came from another site. Sec-Fetch-Site is the
    browser's own word; Origin is the fallback (older browsers); neither: not a browser."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc == request.headers.get("host", "")


class FormFields(dict[str, str]):
    """Submitted fields: one string per name (the last one sent), plus ``getlist`` for
    fields that are meant to repeat, such as a group of checkboxes."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self._pairs = pairs

    def getlist(self, key: str) -> list[str]:
        return [value for name, value in self._pairs if name == key]


async def checked_form(request: Request) -> FormFields:
    """The submitted form, after the CSRF check (a dependency of every form handler, so
    the check runs before the handler does anything)."""
    submitted = await request.form()
    # painpath's forms have no file fields; anything that is not text is dropped.
    data = FormFields([(k, v) for k, v in submitted.multi_items() if isinstance(v, str)])
    # The session lookup touches the database: keep it off the event loop.
    await run_in_threadpool(request_context, request)
    given = data.pop(CSRF_FIELD, "")
    expected = request.state.session_csrf
    if expected is None:
        expected = request.cookies.get(CSRF_COOKIE)
        if expected and not _presession_token_valid(request, expected):
            expected = None
    if not expected or not given or not _equal(expected, given):
        raise CsrfFailed()
    if not _same_origin(request):
        raise CsrfFailed()
    return data


def _equal(a: str, b: str) -> bool:
    """Constant-time comparison that also copes with non-ASCII input (as bytes)."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


bearer = HTTPBearer(
    auto_error=False,
    description="A personal access token (create one under Account → API tokens).",
)


def api_context(
    request: Request, _credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Context:
    """For /api/v1 routes: a signed-in actor, with the token scope the method needs and,
    for cookie sessions, the CSRF header on every state-changing request."""
    ctx = request_context(request)
    if not ctx.actor.signed_in:
        raise NotSignedIn()
    needed = TokenScope.read if request.method in SAFE_METHODS else TokenScope.write
    if needed not in ctx.actor.scopes:
        audit.record_now(
            ctx,
            "auth.api_token",
            outcome=audit.DENIED,
            detail=f"lacks scope {needed}: {request.method} {request.url.path}",
        )
        raise Forbidden(f"This API token lacks the '{needed}' scope.")
    if request.method not in SAFE_METHODS and request.state.auth_via == "cookie":
        given = request.headers.get(CSRF_HEADER, "")
        if not given or not _equal(given, request.state.session_csrf):
            raise CsrfFailed()
    return ctx
