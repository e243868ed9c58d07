"""Am I getting better? Everything a person logged over time, gathered for one patient,
with the change statements, adherence and due measures of core/tracking.py and
core/adherence.py. One read for the progress page, the progress report and the
calendar feed; flare-ups and clinician notes are written here too (audited)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from painpath.catalog import get_catalog
from painpath.core.access import PatientAction
from painpath.core.accounts import Role
from painpath.core.adherence import Adherence, adherence
from painpath.core.statements import Statement
from painpath.core.tracking import Due, Measured, due_measures, recovery_statement, series_statement
from painpath.services import audit
from painpath.services.context import Context
from painpath.services.errors import Forbidden, InvalidInput
from painpath.services.patients import patient_transaction
from painpath.store.db import transaction
from painpath.store.models import (
    Assessment,
    ClinicianNote,
    ExerciseLog,
    FlareUp,
    InstrumentResponse,
    MorningCheck,
    Programme,
    User,
)

NOTE_LIMIT = 4000
FLARE_NOTE_LIMIT = 1000
# Weekly averages of morning pain: a week needs this many ratings to count (implementation
# choice: one bad morning is not a trend).
MIN_RATINGS_PER_WEEK = 3


@dataclass(frozen=True)
class ScoreSeries:
    instrument: str
    name: str  # the instrument's short name
    plain_name: str
    unit: str
    score_range: tuple[float, float]
    higher_better: bool
    mcid_points: float | None
    points: tuple[Measured, ...]


@dataclass(frozen=True)
class Activity:
    name: str
    first: Measured
    latest: Measured


@dataclass(frozen=True)
class FlareView:
    id: int
    started_on: date
    pain: int
    note: str | None


@dataclass(frozen=True)
class NoteView:
    id: int
    text: str
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class Progress:
    patient_id: int
    display_name: str
    regions: tuple[str, ...]
    start: date | None  # start of care: the first check-in or the programme, if any
    morning_pain: tuple[Measured, ...]
    session_pain: tuple[Measured, ...]  # the highest pain during exercise on each day
    pain_limit: int | None  # the programme's limit for pain during exercise
    scores: tuple[ScoreSeries, ...]
    activities: tuple[Activity, ...]
    statements: tuple[Statement, ...]
    adherence: Adherence | None
    sessions_per_week: int | None
    due: tuple[Due, ...]
    flare_ups: tuple[FlareView, ...]
    notes: tuple[NoteView, ...] = field(default_factory=tuple)  # clinicians only

    @property
    def due_now(self) -> tuple[Due, ...]:
        return tuple(d for d in self.due if d.status in ("due", "overdue"))

    @property
    def has_data(self) -> bool:
        return bool(self.morning_pain or self.session_pain or self.scores or self.activities)


def progress(ctx: Context, patient_id: int) -> Progress:
    """The patient's progress, as the patient or their clinician reads it (audited)."""
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, patient):
        audit.record(session, ctx, "progress.read", subject_type="patient", subject_id=patient_id)
        return _gather(session, ctx, patient_id, patient.display_name)


def due_for_feed(ctx: Context, patient_id: int) -> list[tuple[date, date]]:
    """When each upcoming or open measure is due, for the patient's calendar feed (the
    feed's token is the access check, made by the caller; the read is audited there)."""
    with transaction(ctx.services.db) as session:
        found = _gather(session, ctx, patient_id, "")
    return [(d.opens, d.closes) for d in found.due if d.status in ("due", "upcoming")]


def _gather(session: Session, ctx: Context, patient_id: int, name: str) -> Progress:
    catalog = get_catalog(ctx.settings.content_overrides)
    today = ctx.today()
    checkins = session.scalars(
        select(Assessment)
        .where(Assessment.patient_id == patient_id, Assessment.status != "in_progress")
        .order_by(Assessment.completed_at, Assessment.id)
    ).all()
    programme = session.scalar(
        select(Programme)
        .where(Programme.patient_id == patient_id)
        .order_by(Programme.id.desc())
        .limit(1)
    )
    rows = session.execute(
        select(
            InstrumentResponse.instrument,
            InstrumentResponse.value,
            InstrumentResponse.administered_on,
        )
        .where(InstrumentResponse.patient_id == patient_id)
        .order_by(InstrumentResponse.administered_on, InstrumentResponse.id)
    ).all()
    by_instrument: dict[str, list[Measured]] = defaultdict(list)
    for instrument, value, on in rows:
        if value is not None and instrument in catalog.instruments:
            by_instrument[instrument].append(Measured(_day(on, ctx), float(value)))

    morning: list[Measured] = []
    session_pain: list[Measured] = []
    session_days: set[date] = set()
    if programme is not None:
        morning = [
            Measured(day, float(pain))
            for day, pain in session.execute(
                select(MorningCheck.day, MorningCheck.pain)
                .where(MorningCheck.programme_id == programme.id)
                .order_by(MorningCheck.day, MorningCheck.id)
            ).all()
        ]
        worst: dict[date, int] = {}
        for day, done, during in session.execute(
            select(ExerciseLog.day, ExerciseLog.completed, ExerciseLog.pain_during).where(
                ExerciseLog.programme_id == programme.id
            )
        ).all():
            if done:
                session_days.add(day)
            if during is not None:
                worst[day] = max(worst.get(day, 0), during)
        session_pain = [Measured(d, float(v)) for d, v in sorted(worst.items())]

    regions = _regions(checkins)
    start_candidates = [_day(a.completed_at, ctx) for a in checkins[:1] if a.completed_at]
    if programme is not None:
        start_candidates.append(_day(programme.created_at, ctx))
    start = min(start_candidates) if start_candidates else None

    scores = tuple(
        _series(catalog.instruments[i].meta, points) for i, points in by_instrument.items()
    )
    activities = _activities(checkins, ctx)
    statements = _statements(catalog, by_instrument, morning, activities)

    plan = None
    due: list[Due] = []
    if programme is not None:
        plan = adherence(
            session_days, _day(programme.created_at, ctx), today, programme.sessions_per_week
        )
    if start is not None and catalog.schedule is not None and regions:
        end = (
            _day(programme.created_at, ctx) + timedelta(days=7 * programme.weeks)
            if programme is not None
            else None
        )
        due = due_measures(
            catalog.schedule,
            regions=regions,
            start=start,
            end=end,
            today=today,
            done={i: [m.on for m in pts] for i, pts in by_instrument.items()},
            new_episode=True,
        )
    flares = tuple(
        FlareView(f.id, f.started_on, f.pain, f.note)
        for f in session.scalars(
            select(FlareUp)
            .where(FlareUp.patient_id == patient_id)
            .order_by(FlareUp.started_on.desc(), FlareUp.id.desc())
        ).all()
    )
    notes: tuple[NoteView, ...] = ()
    if ctx.actor.role in (Role.clinician, Role.admin):
        notes = tuple(
            NoteView(n.id, n.text, author, n.created_at)
            for n, author in session.execute(
                select(ClinicianNote, User.display_name)
                .outerjoin(User, User.id == ClinicianNote.author_id)
                .where(ClinicianNote.patient_id == patient_id)
                .order_by(ClinicianNote.created_at.desc(), ClinicianNote.id.desc())
            ).all()
        )
    limit = programme.thresholds.get("during_max") if programme is not None else None
    return Progress(
        patient_id=patient_id,
        display_name=name,
        regions=regions,
        start=start,
        morning_pain=tuple(morning),
        session_pain=tuple(session_pain),
        pain_limit=limit,
        scores=scores,
        activities=activities,
        statements=statements,
        adherence=plan,
        sessions_per_week=programme.sessions_per_week if programme is not None else None,
        due=tuple(due),
        flare_ups=flares,
        notes=notes,
    )


def _day(moment: datetime, ctx: Context) -> date:
    return moment.astimezone(ctx.settings.zone()).date() if moment.tzinfo else moment.date()


def _regions(checkins: Sequence[Assessment]) -> tuple[str, ...]:
    for a in reversed(checkins):
        region = (a.answers or {}).get("region")
        if region == "both":
            return ("back", "hip")
        if region in ("back", "hip"):
            return (region,)
    return ()


def _series(meta, points: list[Measured]) -> ScoreSeries:
    mcid = meta.interpretation.mcid
    return ScoreSeries(
        instrument=meta.id,
        name=meta.short_name,
        plain_name=meta.plain_name,
        unit=meta.unit,
        score_range=tuple(meta.score_range),
        higher_better=meta.direction.value == "higher_better",
        mcid_points=mcid.points if mcid is not None else None,
        points=tuple(points),
    )


def _activities(checkins: Sequence[Assessment], ctx: Context) -> tuple[Activity, ...]:
    """Each activity the person chose, first and latest rating (0 = cannot, 10 = as
    before), matched by name across check-ins."""
    seen: dict[str, tuple[str, Measured, Measured]] = {}
    for a in checkins:
        if a.completed_at is None:
            continue
        on = _day(a.completed_at, ctx)
        for entry in (a.answers or {}).get("activities") or ():
            name = str(entry.get("activity", "")).strip()
            score = entry.get("score")
            if not name or score is None:
                continue
            key = name.casefold()
            now = Measured(on, float(score))
            seen[key] = (seen[key][0], seen[key][1], now) if key in seen else (name, now, now)
    return tuple(Activity(n, first, latest) for n, first, latest in seen.values())


def _weekly_average(points: Sequence[Measured]) -> list[Measured]:
    if not points:
        return []
    first = points[0].on
    weeks: dict[int, list[float]] = defaultdict(list)
    for p in points:
        weeks[(p.on - first).days // 7].append(p.value)
    return [
        Measured(first + timedelta(days=7 * w), round(sum(v) / len(v), 1))
        for w, v in sorted(weeks.items())
        if len(v) >= MIN_RATINGS_PER_WEEK
    ]


def _statements(catalog, by_instrument, morning, activities) -> tuple[Statement, ...]:
    out: list[Statement] = []
    for instrument, points in by_instrument.items():
        found = series_statement(catalog.instruments[instrument].meta, points)
        if found is not None:
            out.append(found[1])
    nprs = catalog.instruments.get("nprs")
    weekly = _weekly_average(morning)
    if nprs is not None and len(weekly) >= 2:
        found = series_statement(nprs.meta, weekly, what="morning pain (weekly average)")
        if found is not None:
            out.append(found[1])
    psfs = catalog.instruments.get("psfs")
    rated = [a for a in activities if a.first.on != a.latest.on]
    if psfs is not None and rated:
        first = Measured(min(a.first.on for a in rated), _mean(a.first.value for a in rated))
        latest = Measured(max(a.latest.on for a in rated), _mean(a.latest.value for a in rated))
        found = series_statement(
            psfs.meta, [first, latest], what="ability in the activities you chose (average)"
        )
        if found is not None:
            out.append(found[1])
    rmdq = by_instrument.get("rmdq")
    pain = [*by_instrument.get("nprs", []), *morning]
    recovered = recovery_statement(
        rmdq[-1] if rmdq else None, max(pain, key=lambda m: m.on) if pain else None
    )
    if recovered is not None:
        out.append(recovered)
    return tuple(out)


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 1)


# --- flare-ups and notes ---------------------------------------------------------------------


def log_flare_up(
    ctx: Context,
    patient_id: int,
    *,
    started_on: date | None,
    pain: int | None,
    note: str | None,
    submission_key: str,
) -> FlareView:
    """A flare-up with how bad it is and a note; the same form sent twice is saved once."""
    text = (note or "").strip() or None
    errors = {}
    if started_on is None:
        errors["started_on"] = "Say when the flare-up started."
    elif started_on > ctx.today():
        errors["started_on"] = "The start of a flare-up cannot be in the future."
    elif started_on < ctx.today() - timedelta(days=366):
        errors["started_on"] = "Give a start date within the last year."
    if pain is None:
        errors["pain"] = "Say how bad the pain is (0–10)."
    elif not 0 <= pain <= 10:
        errors["pain"] = f"{pain} is out of range 0–10"
    if text and len(text) > FLARE_NOTE_LIMIT:
        errors["note"] = f"Keep the note to {FLARE_NOTE_LIMIT} characters (it has {len(text)})."
    if not submission_key or len(submission_key) > 64:
        errors["submission_key"] = "is required"
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, _patient):
        if errors:
            raise InvalidInput(errors)
        existing = session.scalar(
            select(FlareUp).where(
                FlareUp.submission_key == submission_key, FlareUp.patient_id == patient_id
            )
        )
        if existing is not None:
            return FlareView(existing.id, existing.started_on, existing.pain, existing.note)
        row = FlareUp(
            patient_id=patient_id,
            started_on=started_on,
            pain=pain,
            note=text,
            logged_at=ctx.now(),
            submission_key=submission_key,
        )
        session.add(row)
        session.flush()
        audit.record(session, ctx, "flare_up.create", subject_type="flare_up", subject_id=row.id)
        return FlareView(row.id, row.started_on, row.pain, row.note)


def add_note(ctx: Context, patient_id: int, text: str) -> NoteView:
    """A clinician's note on the record (audited, without its text)."""
    body = (text or "").strip()
    if ctx.actor.role is not Role.clinician:
        raise Forbidden("Only a clinician of the care team writes notes.")
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        if len(body) < 2:
            raise InvalidInput({"text": "Write the note first."})
        if len(body) > NOTE_LIMIT:
            raise InvalidInput({"text": f"Keep a note to {NOTE_LIMIT} characters ({len(body)})."})
        row = ClinicianNote(
            patient_id=patient_id, author_id=ctx.actor.user_id, text=body, created_at=ctx.now()
        )
        session.add(row)
        session.flush()
        audit.record(
            session, ctx, "clinician_note.create", subject_type="patient", subject_id=patient_id
        )
        return NoteView(row.id, row.text, None, row.created_at)
