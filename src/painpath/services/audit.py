"""The audit trail: who read or changed what, when, from where, and with what outcome."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from painpath.core.access import may_administer
from painpath.services.context import Context
from painpath.services.errors import Forbidden, NotSignedIn
from painpath.services.schemas import AuditEventView
from painpath.store.db import transaction
from painpath.store.models import AuditEvent

# Ids are 32-bit in both databases; nine digits always fit.
USER_ID = re.compile(r"[0-9]{1,9}")

OK = "ok"
DENIED = "denied"
FAILED = "failed"


def record(
    session: Session,
    ctx: Context,
    action: str,
    *,
    subject_type: str | None = None,
    subject_id: object = None,
    outcome: str = OK,
    detail: str | None = None,
) -> None:
    """Add an event to the caller's transaction: it lands if and only if the change does."""
    session.add(
        AuditEvent(
            at=ctx.now(),
            actor_id=ctx.actor.user_id,
            actor_email=ctx.actor.email,
            action=action,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            client_address=ctx.client_address,
            outcome=outcome,
            request_id=ctx.request_id,
            detail=detail,
        )
    )


def record_now(ctx: Context, action: str, **fields) -> None:
    """Record in a transaction of its own: for refusals and failures, whose work is
    rolled back but which must still be on the record."""
    with transaction(ctx.services.db) as session:
        record(session, ctx, action, **fields)


def list_events(
    ctx: Context,
    *,
    actor: str | None = None,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    outcome: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEventView]:
    """Newest first. ``actor`` matches an email (case-insensitive) or a user id."""
    require_admin(ctx, "audit.list")
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(max(1, min(limit, 500)))
    if actor:
        actor = actor.strip().lower()
        query = query.where(
            AuditEvent.actor_id == int(actor)
            if USER_ID.fullmatch(actor)
            else AuditEvent.actor_email == actor
        )
    if action:
        query = query.where(AuditEvent.action.startswith(action.strip()))
    if subject_type:
        query = query.where(AuditEvent.subject_type == subject_type)
    if subject_id:
        query = query.where(AuditEvent.subject_id == subject_id)
    if outcome:
        query = query.where(AuditEvent.outcome == outcome)
    if since:
        query = query.where(AuditEvent.at >= _as_utc(since))
    if until:
        query = query.where(AuditEvent.at < _as_utc(until))
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    with transaction(ctx.services.db) as session:
        rows = session.scalars(query).all()
        record(session, ctx, "audit.list", detail=f"{len(rows)} events")
        return [AuditEventView.model_validate(row, from_attributes=True) for row in rows]


def _as_utc(moment: datetime) -> datetime:
    """A time without a zone is taken as UTC, the zone the log is kept in."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def require_signed_in(ctx: Context) -> None:
    if not ctx.actor.signed_in and not ctx.actor.is_system:
        raise NotSignedIn()


def require_admin(ctx: Context, action: str) -> None:
    require_signed_in(ctx)
    if ctx.actor.role is None or not may_administer(ctx.actor.role):
        record_now(ctx, action, outcome=DENIED)
        raise Forbidden()
