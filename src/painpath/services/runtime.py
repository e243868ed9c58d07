"""Building the process-wide services from settings."""

from __future__ import annotations

from painpath.services.context import SYSTEM, Context, Services
from painpath.settings import Settings, get_settings
from painpath.store.db import make_engine, make_session_factory
from painpath.store.migrate import current_revision, head_revision


def open_services(settings: Settings | None = None) -> Services:
    settings = settings or get_settings()
    settings.ensure_data_dir()
    engine = make_engine(settings.resolved_database_url())
    return Services(settings=settings, db=make_session_factory(engine))


def system_context(services: Services) -> Context:
    """For the CLI and set-up tasks run by whoever operates this installation."""
    return Context(services, actor=SYSTEM, client_address="cli")


def check_schema_current(settings: Settings) -> str | None:
    """Why the database can't be served yet, or None when it is at the latest revision."""
    engine = make_engine(settings.resolved_database_url(), one_off=True)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if current != head:
        return (
            f"the database is at revision {current or '(none)'} but painpath needs {head}. "
            "Run `painpath db upgrade` first."
        )
    return None
