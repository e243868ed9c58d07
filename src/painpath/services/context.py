"""Who is asking, from where, and what the services need to answer them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from painpath.core.accounts import Role, TokenScope
from painpath.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """A signed-in user (or the system, for CLI and demo set-up: ``user_id`` None)."""

    user_id: int | None
    role: Role | None
    email: str | None = None
    display_name: str = ""
    # For API tokens: the scopes granted. Cookie sessions and the CLI have all scopes.
    scopes: frozenset[TokenScope] = frozenset(TokenScope)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None

    @property
    def is_system(self) -> bool:
        return self.user_id is None and self.role is Role.admin


ANONYMOUS = Actor(user_id=None, role=None)
SYSTEM = Actor(user_id=None, role=Role.admin, email="system")


@dataclass(frozen=True)
class Services:
    """Process-wide: settings and the database. Built once per process."""

    settings: Settings
    db: sessionmaker[Session]
    clock: Callable[[], datetime] = utc_now


@dataclass(frozen=True)
class Context:
    """One request's view: the services plus who is asking and from where."""

    services: Services
    actor: Actor = ANONYMOUS
    client_address: str | None = None
    request_id: str | None = None

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def now(self) -> datetime:
        return self.services.clock()

    def today(self) -> date:
        """The date at the clinic (its time zone, else the server's): a session done late
        in the evening belongs to that evening, not to tomorrow in UTC."""
        return self.now().astimezone(self.settings.zone()).date()
