"""One ASGI middleware for what every response needs: a request id, security headers
and a cap on request body size. Pure ASGI (not BaseHTTPMiddleware) to stay cheap."""

from __future__ import annotations

import json
import secrets

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets style attributes from its scripts; styles only, scripts stay 'self'.
CSP_API_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def security_headers(path: str, request_id: str, *, https: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-request-id", request_id.encode()),
        (b"content-security-policy", (CSP_API_DOCS if path == "/api/docs" else CSP).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    # Health data must not linger in shared caches or the back-forward cache.
    if not path.startswith("/static/"):
        headers.append((b"cache-control", b"no-store"))
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


class BodyTooLarge(HTTPException):
    """Raised while a body is read, so the app's HTTP error handlers answer with 413."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(413, f"The request is too large: the limit is {limit_bytes // 1024} KB.")


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, https: bool) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope["path"]

        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(path, send, request_id)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    header
                    for header in security_headers(path, request_id, https=self.https)
                    if header[0] not in present
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)

    async def _too_large(self, path: str, send: Send, request_id: str) -> None:
        message = BodyTooLarge(self.max_body_bytes).detail
        body = json.dumps({"detail": message, "request_id": request_id}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *security_headers(path, request_id, https=self.https),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
