"""The ASGI application: pages, API, docs, static files, errors, security headers."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from painpath import __version__
from painpath.services.context import Services
from painpath.services.runtime import open_services
from painpath.settings import Settings
from painpath.web import (
    api,
    clinical_pages,
    errors,
    learn_api,
    learn_pages,
    library_pages,
    pages,
    programme_pages,
    progress_pages,
)
from painpath.web.middleware import EdgeMiddleware
from painpath.web.templating import TEMPLATES

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    services = services or open_services(settings)
    # Only painpath's own logger: an embedding program keeps its own logging set-up.
    _configure_logging(services.settings.log_level)
    app = FastAPI(
        title="painpath API",
        version=__version__,
        description="Evidence-based care for low back pain and hip pain. "
        "Authenticate with a personal access token: `Authorization: Bearer pp_…`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.services = services
    app.state.secret_key = services.settings.resolved_secret_key()
    app.include_router(pages.router)
    app.include_router(clinical_pages.router)
    app.include_router(library_pages.router)
    app.include_router(programme_pages.router)
    app.include_router(progress_pages.router)
    app.include_router(learn_pages.router)
    app.include_router(api.router)
    app.include_router(learn_api.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        # Swagger UI from our own static files, started by an external script (CSP).
        return TEMPLATES.TemplateResponse(request, "api_docs.html", {})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    errors.install(app)
    app.add_middleware(
        EdgeMiddleware,
        max_body_bytes=services.settings.max_body_bytes,
        https=services.settings.https,
    )
    return app


def _configure_logging(level: str) -> None:
    log = logging.getLogger("painpath")
    log.setLevel(level.upper())
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        log.addHandler(handler)


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, sub-routers included. The access-matrix test
    is generated from this, so a new route without an expected policy fails the suite."""
    found: list[tuple[str, str]] = []

    def walk(routes) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:  # FastAPI's included-router wrapper
                walk(inner.routes)
            elif hasattr(route, "methods") and route.methods:
                found.extend((m, route.path) for m in sorted(route.methods) if m != "HEAD")
            elif hasattr(route, "path"):
                found.append(("GET", route.path.rstrip("/") + "/{path}"))  # a mount

    walk(app.router.routes)
    return sorted(set(found), key=lambda item: (item[1], item[0]))
