"""Home programmes: made from a check-in, done day by day, adapted by the
pain-monitoring model after each next-morning check, every change explained."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from painpath.core.access import PatientAction
from painpath.core.exercises import Dosage, Exercise, Tracking
from painpath.core.pathway import AssessmentResult
from painpath.core.programs import Programme as BuiltProgramme
from painpath.core.programs import build_programme
from painpath.core.progression import SessionLog, Thresholds, next_step
from painpath.services import audit
from painpath.services.checkins import catalog_for
from painpath.services.context import Context
from painpath.services.errors import InvalidInput, NotFound
from painpath.services.patients import patient_transaction
from painpath.store.models import (
    Assessment,
    ExerciseLog,
    MorningCheck,
    Programme,
    ProgrammeChange,
    ProgrammeItem,
)

# Baseline for "settled by the next morning": the average pain reported at check-in
# (implementation choice; the spec compares with the usual morning pain).
DEFAULT_BASELINE = 2


@dataclass(frozen=True)
class ItemView:
    id: int
    position: int
    exercise: Exercise
    dosage: Dosage
    reasons: tuple[str, ...]
    sources: tuple[str, ...]
    done_today: bool
    log_today: dict[str, Any] | None


@dataclass(frozen=True)
class ChangeView:
    at: Any
    decision: str
    from_exercise: str | None
    to_exercise: str | None
    reason: str


@dataclass(frozen=True)
class ProgrammeView:
    id: int
    patient_id: int
    status: str
    title: str
    source: str
    items: list[ItemView]
    left_out: list[dict[str, Any]]
    sessions_per_week: int
    weeks: int
    created_at: Any
    baseline_morning_pain: int
    morning_check_due: bool
    morning_checked_today: bool
    changes: list[ChangeView] = field(default_factory=list)
    days_logged: list[date] = field(default_factory=list)


def _dose(data: dict[str, Any]) -> Dosage:
    return Dosage.model_validate(data)


def _view(session: Session, ctx: Context, programme: Programme, today: date) -> ProgrammeView:
    library = catalog_for(ctx).exercises
    items = session.scalars(
        select(ProgrammeItem)
        .where(ProgrammeItem.programme_id == programme.id, ProgrammeItem.active.is_(True))
        .order_by(ProgrammeItem.position, ProgrammeItem.id)
    ).all()
    logs = session.scalars(
        select(ExerciseLog).where(ExerciseLog.programme_id == programme.id)
    ).all()
    today_logs = {log.item_id: log for log in logs if log.day == today}
    checks = session.scalars(
        select(MorningCheck).where(MorningCheck.programme_id == programme.id)
    ).all()
    checked = {c.day for c in checks}
    yesterday = today - timedelta(days=1)
    changes = session.scalars(
        select(ProgrammeChange)
        .where(ProgrammeChange.programme_id == programme.id)
        .order_by(ProgrammeChange.at.desc(), ProgrammeChange.id.desc())
        .limit(20)
    ).all()
    return ProgrammeView(
        id=programme.id,
        patient_id=programme.patient_id,
        status=programme.status,
        title=programme.title,
        source=programme.source,
        items=[
            ItemView(
                id=i.id,
                position=i.position,
                exercise=library[i.exercise_id],
                dosage=_dose(i.dosage),
                reasons=tuple(i.reasons),
                sources=tuple(i.sources),
                done_today=i.id in today_logs and today_logs[i.id].completed,
                log_today=(
                    {
                        "pain_during": today_logs[i.id].pain_during,
                        "pain_after": today_logs[i.id].pain_after,
                    }
                    if i.id in today_logs
                    else None
                ),
            )
            for i in items
            if i.exercise_id in library
        ],
        left_out=list(programme.rationale.get("left_out", [])),
        sessions_per_week=programme.sessions_per_week,
        weeks=programme.weeks,
        created_at=programme.created_at,
        baseline_morning_pain=programme.baseline_morning_pain,
        morning_check_due=any(log.day == yesterday for log in logs) and today not in checked,
        morning_checked_today=today in checked,
        changes=[
            ChangeView(c.at, c.decision, c.from_exercise, c.to_exercise, c.reason) for c in changes
        ],
        days_logged=sorted({log.day for log in logs if log.completed}),
    )


def _active(session: Session, patient_id: int) -> Programme | None:
    return session.scalar(
        select(Programme)
        .where(Programme.patient_id == patient_id, Programme.status.in_(("active", "paused")))
        .order_by(Programme.id.desc())
    )


def current(ctx: Context, patient_id: int) -> ProgrammeView | None:
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, _patient):
        programme = _active(session, patient_id)
        audit.record(session, ctx, "programme.read", subject_type="patient", subject_id=patient_id)
        return _view(session, ctx, programme, ctx.now().date()) if programme else None


def create_from_checkin(ctx: Context, patient_id: int) -> ProgrammeView:
    """A programme from the patient's latest finished check-in. A check-in that stopped on
    a red flag gets no programme: the person must see a clinician first."""
    catalog = catalog_for(ctx)
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, _patient):
        latest = session.scalar(
            select(Assessment)
            .where(Assessment.patient_id == patient_id, Assessment.status != "in_progress")
            .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
        )
        if latest is None or latest.result is None:
            raise InvalidInput(
                {"_form": "Finish a check-in first: the programme is built from it."}
            )
        result = AssessmentResult.model_validate(latest.result)
        if result.programme_inputs is None or latest.status == "stopped":
            raise InvalidInput(
                {
                    "_form": "The latest check-in found a warning sign, so there is no home "
                    "programme until a clinician has seen you. Please follow the advice on "
                    "your check-in result."
                }
            )
        assert catalog.programme_rules is not None
        built = build_programme(
            result.programme_inputs, catalog.exercises, catalog.programme_rules, catalog.version
        )
        baseline = result.pain.get("average", DEFAULT_BASELINE)
        programme = _store(session, ctx, patient_id, built, baseline, "checkin", latest.id)
        audit.record(
            session, ctx, "programme.create", subject_type="programme", subject_id=programme.id
        )
        return _view(session, ctx, programme, ctx.now().date())


def _store(
    session: Session,
    ctx: Context,
    patient_id: int,
    built: BuiltProgramme,
    baseline: int,
    source: str,
    assessment_id: int | None,
    title: str = "Home programme",
) -> Programme:
    now = ctx.now()
    previous = _active(session, patient_id)
    if previous is not None:
        previous.status = "ended"
        previous.updated_at = now
    programme = Programme(
        patient_id=patient_id,
        status="active",
        title=title,
        source=source,
        assessment_id=assessment_id,
        rationale={
            "left_out": [x.model_dump(mode="json") for x in built.left_out],
            "facts": built.facts,
            "max_level": built.max_level,
        },
        thresholds=Thresholds().model_dump(),
        baseline_morning_pain=int(baseline),
        sessions_per_week=built.sessions_per_week,
        weeks=built.weeks,
        content_version=built.content_version,
        created_by_id=ctx.actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(programme)
    session.flush()
    for n, choice in enumerate(built.items, start=1):
        session.add(
            ProgrammeItem(
                programme_id=programme.id,
                position=n,
                exercise_id=choice.exercise,
                dosage=choice.dosage.model_dump(mode="json"),
                reasons=list(choice.reasons),
                sources=list(choice.sources),
                active=True,
            )
        )
    session.flush()
    return programme


def log_exercise(
    ctx: Context,
    patient_id: int,
    item_id: int,
    *,
    day: date,
    completed: bool,
    pain_during: int | None,
    pain_after: int | None,
    submission_key: str,
) -> ProgrammeView:
    """Record one exercise; the same submission twice is saved once."""
    errors = {}
    for name, value in (("pain_during", pain_during), ("pain_after", pain_after)):
        if value is not None and not 0 <= value <= 10:
            errors[name] = f"{value} is out of range 0–10"
    if completed and pain_during is None:
        errors["pain_during"] = "Say how much it hurt during the exercise (0–10)."
    if day > ctx.now().date():
        errors["day"] = "cannot be in the future"
    if not submission_key or len(submission_key) > 64:
        errors["submission_key"] = "is required"
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, _patient):
        if errors:  # checked after access, so a refusal never depends on the input
            raise InvalidInput(errors)
        programme = _active(session, patient_id)
        item = session.get(ProgrammeItem, item_id)
        if programme is None or item is None or item.programme_id != programme.id:
            raise NotFound("programme exercise")
        if session.scalar(select(ExerciseLog).where(ExerciseLog.submission_key == submission_key)):
            return _view(session, ctx, programme, ctx.now().date())
        session.add(
            ExerciseLog(
                programme_id=programme.id,
                item_id=item.id,
                exercise_id=item.exercise_id,
                day=day,
                completed=completed,
                pain_during=pain_during,
                pain_after=pain_after,
                logged_at=ctx.now(),
                submission_key=submission_key,
            )
        )
        session.flush()
        audit.record(
            session, ctx, "exercise.log", subject_type="programme", subject_id=programme.id
        )
        return _view(session, ctx, programme, ctx.now().date())


def morning_check(
    ctx: Context,
    patient_id: int,
    *,
    day: date,
    pain: int | None,
    stiffness: int | None,
    warning_sign: bool,
) -> tuple[ProgrammeView, list[ChangeView]]:
    """Record the next-morning check and adapt each exercise (pain-monitoring model)."""
    errors = {}
    if pain is None:
        errors["pain"] = "Say how much it hurts this morning (0–10)."
    elif not 0 <= pain <= 10:
        errors["pain"] = f"{pain} is out of range 0–10"
    if stiffness is not None and not 0 <= stiffness <= 10:
        errors["stiffness"] = f"{stiffness} is out of range 0–10"
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, _patient):
        if errors:
            raise InvalidInput(errors)
        programme = _active(session, patient_id)
        if programme is None:
            raise NotFound("programme")
        existing = session.scalar(
            select(MorningCheck).where(
                MorningCheck.programme_id == programme.id, MorningCheck.day == day
            )
        )
        if existing is not None:  # answered already today: keep the first, change nothing
            return _view(session, ctx, programme, ctx.now().date()), []
        session.add(
            MorningCheck(
                programme_id=programme.id,
                day=day,
                pain=pain,
                stiffness=stiffness,
                warning_sign=warning_sign,
                logged_at=ctx.now(),
            )
        )
        session.flush()
        changes = _adapt(session, ctx, programme, day)
        audit.record(
            session,
            ctx,
            "programme.morning_check",
            subject_type="programme",
            subject_id=programme.id,
            detail=f"{len(changes)} change(s)",
        )
        return _view(session, ctx, programme, ctx.now().date()), changes


def _adapt(session: Session, ctx: Context, programme: Programme, today: date) -> list[ChangeView]:
    library = catalog_for(ctx).exercises
    thresholds = Thresholds.model_validate(programme.thresholds)
    checks = {
        c.day: c
        for c in session.scalars(
            select(MorningCheck).where(MorningCheck.programme_id == programme.id)
        ).all()
    }
    changes: list[ChangeView] = []
    items = session.scalars(
        select(ProgrammeItem).where(
            ProgrammeItem.programme_id == programme.id, ProgrammeItem.active.is_(True)
        )
    ).all()
    for item in items:
        rows = session.scalars(
            select(ExerciseLog)
            .where(ExerciseLog.item_id == item.id, ExerciseLog.exercise_id == item.exercise_id)
            .order_by(ExerciseLog.day, ExerciseLog.id)
        ).all()
        rows = [r for r in rows if r.day < today]  # today's session waits for tomorrow
        if not rows or rows[-1].day != today - timedelta(days=1):
            continue  # only the exercises done yesterday are judged this morning
        logs = []
        for row in rows:
            morning = checks.get(row.day + timedelta(days=1))
            logs.append(
                SessionLog(
                    on=row.day,
                    completed=row.completed,
                    pain_during=row.pain_during,
                    pain_after=row.pain_after,
                    pain_next_morning=morning.pain if morning else None,
                    stiffness_next_morning=morning.stiffness if morning else None,
                    red_flag=bool(morning and morning.warning_sign),
                )
            )
        step = next_step(logs, programme.baseline_morning_pain, today, thresholds)
        if step.decision == "repeat":
            continue
        before = item.exercise_id
        exercise = library.get(item.exercise_id)
        if step.decision == "stop_and_escalate":
            programme.status = "paused"
        elif step.decision in ("progress", "regress") and exercise is not None:
            _move(item, exercise, library, step.decision)
        change = ProgrammeChange(
            programme_id=programme.id,
            item_id=item.id,
            at=ctx.now(),
            decision=step.decision,
            from_exercise=before,
            to_exercise=item.exercise_id,
            reason=step.reason,
            by_id=None,
        )
        session.add(change)
        changes.append(
            ChangeView(change.at, change.decision, before, item.exercise_id, step.reason)
        )
        if programme.status == "paused":
            break
    programme.updated_at = ctx.now()
    session.flush()
    return changes


def _move(item: ProgrammeItem, exercise: Exercise, library: dict, decision: str) -> None:
    """Progress or regress: to the linked exercise when there is one, else the dose."""
    target = (exercise.progresses_to if decision == "progress" else exercise.regresses_to) or ()
    target = tuple(t for t in target if t in library)
    if target:
        new = library[target[0]]
        item.exercise_id = new.id
        item.dosage = new.dosage.model_dump(mode="json")
        return
    dose = dict(item.dosage)
    step = 1 if decision == "progress" else -1
    if exercise.tracking == Tracking.reps and dose.get("reps"):
        dose["reps"] = max(5, min(15, dose["reps"] + 2 * step))
    elif exercise.tracking == Tracking.hold_seconds and dose.get("hold_seconds"):
        dose["hold_seconds"] = max(10, min(60, dose["hold_seconds"] + 5 * step))
    elif exercise.tracking == Tracking.minutes and dose.get("minutes"):
        dose["minutes"] = max(5, min(60, dose["minutes"] + 5 * step))
    item.dosage = dose


def handout(ctx: Context, patient_id: int) -> tuple[str, bytes]:
    """The patient's current programme as a printable PDF: (file name, bytes)."""
    from painpath.reports.handout import HandoutItem, handout_html, handout_pdf

    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, patient):
        programme = _active(session, patient_id)
        if programme is None:
            raise NotFound("programme")
        view = _view(session, ctx, programme, ctx.now().date())
        audit.record(
            session, ctx, "programme.handout", subject_type="programme", subject_id=programme.id
        )
        name = patient.display_name
    html = handout_html(
        [HandoutItem(i.exercise, i.dosage, i.reasons) for i in view.items],
        clinic_name=ctx.settings.clinic_name,
        person=name,
        start=ctx.now().date(),
        left_out=view.left_out,
    )
    return f"programme-{patient_id}.pdf", handout_pdf(html)
