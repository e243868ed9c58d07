"""Reminders in the calendars people already use: a private, revocable iCalendar feed
per patient, with the programme's session days and the dates measures are due.

The feed's address holds a random token; only its SHA-256 is stored, the address is
shown once, and making a new one or revoking it ends the old one for good. Calendar
apps sync feeds to third-party servers, so events say only "Home exercises" and
"Questionnaire due" with a link back: no name, diagnosis, score or pain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vRecur
from sqlalchemy import select, update

from painpath.core.access import PatientAction
from painpath.services import audit, tracking
from painpath.services.context import Context
from painpath.services.errors import NotFound
from painpath.services.patients import patient_transaction
from painpath.services.tokens import digest, new_secret
from painpath.store.db import transaction
from painpath.store.models import CalendarFeed, Programme

PREFIX = "cal_"
# Which weekdays a programme of n sessions a week falls on (implementation choice:
# spread out, with rest days between).
SESSION_DAYS = {
    1: ("WE",),
    2: ("TU", "FR"),
    3: ("MO", "WE", "FR"),
    4: ("MO", "TU", "TH", "FR"),
    5: ("MO", "TU", "WE", "TH", "FR"),
    6: ("MO", "TU", "WE", "TH", "FR", "SA"),
    7: ("MO", "TU", "WE", "TH", "FR", "SA", "SU"),
}


@dataclass(frozen=True)
class FeedStatus:
    active: bool
    created_at: datetime | None


def status(ctx: Context, patient_id: int) -> FeedStatus:
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, _patient):
        row = session.scalar(_active_feed(patient_id))
        return FeedStatus(row is not None, row.created_at if row else None)


def _active_feed(patient_id: int):
    return select(CalendarFeed).where(
        CalendarFeed.patient_id == patient_id, CalendarFeed.revoked_at.is_(None)
    )


def create_feed(ctx: Context, patient_id: int) -> str:
    """A new feed token (shown once); any earlier feed of this patient stops working."""
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, _patient):
        now = ctx.now()
        session.execute(
            update(CalendarFeed)
            .where(CalendarFeed.patient_id == patient_id, CalendarFeed.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        token = new_secret(PREFIX)
        session.add(CalendarFeed(patient_id=patient_id, token_hash=digest(token), created_at=now))
        session.flush()
        audit.record(session, ctx, "calendar.create", subject_type="patient", subject_id=patient_id)
        return token


def revoke_feed(ctx: Context, patient_id: int) -> bool:
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, _patient):
        done = session.execute(
            update(CalendarFeed)
            .where(CalendarFeed.patient_id == patient_id, CalendarFeed.revoked_at.is_(None))
            .values(revoked_at=ctx.now())
        ).rowcount
        audit.record(session, ctx, "calendar.revoke", subject_type="patient", subject_id=patient_id)
        return bool(done)


def feed(ctx: Context, token: str, base_url: str) -> bytes:
    """The iCalendar text for a feed token; NotFound for an unknown or revoked one."""
    if not token.startswith(PREFIX) or len(token) > 100:
        raise NotFound("calendar")
    with transaction(ctx.services.db) as session:
        row = session.scalar(
            select(CalendarFeed).where(
                CalendarFeed.token_hash == digest(token), CalendarFeed.revoked_at.is_(None)
            )
        )
        if row is None:
            raise NotFound("calendar")
        patient_id = row.patient_id
        programme = session.scalar(
            select(Programme)
            .where(Programme.patient_id == patient_id, Programme.status == "active")
            .order_by(Programme.id.desc())
        )
        audit.record(session, ctx, "calendar.read", subject_type="patient", subject_id=patient_id)
        plan = (
            (programme.id, programme.created_at, programme.weeks, programme.sessions_per_week)
            if programme is not None
            else None
        )
    due = tracking.due_for_feed(ctx, patient_id)
    return build_ics(patient_id, plan, due, base_url, ctx.now())


def build_ics(
    patient_id: int,
    plan: tuple[int, datetime, int, int] | None,
    due: list[tuple[date, date]],
    base_url: str,
    now: datetime,
) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//painpath//progress reminders//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "painpath reminders")
    link = f"{base_url.rstrip('/')}/patients/{patient_id}"
    if plan is not None:
        programme_id, created, weeks, per_week = plan
        first = created.date()
        event = Event()
        event.add("uid", f"programme-{programme_id}@painpath")
        event.add("dtstamp", now)
        event.add("summary", "Home exercises")
        event.add("description", f"Today's session: {link}/programme")
        event.add("dtstart", first)
        event.add("dtend", first + timedelta(days=1))
        days = SESSION_DAYS.get(max(1, min(7, per_week)), SESSION_DAYS[3])
        until = first + timedelta(days=7 * weeks)
        event.add("rrule", vRecur(freq="WEEKLY", byday=list(days), until=until))
        cal.add_component(event)
    for n, (opens, closes) in enumerate(due):
        event = Event()
        event.add("uid", f"measure-{patient_id}-{n}-{opens.isoformat()}@painpath")
        event.add("dtstamp", now)
        event.add("summary", "Questionnaire due")
        event.add("description", f"Due until {closes:%d %b %Y}. See: {link}/progress")
        event.add("dtstart", opens)
        event.add("dtend", opens + timedelta(days=1))
        cal.add_component(event)
    return cal.to_ical()
