"""Home programmes: made from a check-in, done day by day, adapted by the
pain-monitoring model after each next-morning check, every change explained."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from painpath.core.access import PatientAction
from painpath.core.accounts import Role
from painpath.core.exercises import Dosage, Exercise, Tracking
from painpath.core.pathway import AssessmentResult
from painpath.core.programs import Choice, build_programme
from painpath.core.programs import Programme as BuiltProgramme
from painpath.core.progression import SessionLog, Thresholds, next_step
from painpath.core.screening import recheck
from painpath.services import audit, safety
from painpath.services.checkins import catalog_for
from painpath.services.context import Context
from painpath.services.errors import InvalidInput, NotFound, OnHold
from painpath.services.patients import patient_transaction
from painpath.store.db import transaction
from painpath.store.models import (
    Assessment,
    ExerciseLog,
    MorningCheck,
    Patient,
    Programme,
    ProgrammeChange,
    ProgrammeItem,
    ProgrammeTemplate,
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
    id: int | None
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
    thresholds: dict[str, int]
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
        thresholds=dict(programme.thresholds),
        morning_check_due=any(log.day == yesterday for log in logs) and today not in checked,
        morning_checked_today=today in checked,
        changes=[_change_view(c) for c in changes],
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
        return _view(session, ctx, programme, ctx.today()) if programme else None


def create_from_checkin(ctx: Context, patient_id: int) -> ProgrammeView:
    """A programme from the patient's latest finished check-in. A check-in that stopped on
    a red flag gets no programme: the person must see a clinician first."""
    catalog = catalog_for(ctx)
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, patient):
        safety.require_clear(session, ctx, patient)
        previous = _active(session, patient_id)
        if previous is not None and previous.status == "paused" and ctx.actor.role is Role.patient:
            # A clinician paused it, or chose not to restart it after a review: only a
            # clinician restarts or replaces it.
            raise OnHold(
                "Your programme is paused after a warning sign. Only your clinician can "
                "restart it or make a new one; contact them if you are not sure what to do."
            )
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
        return _view(session, ctx, programme, ctx.today())


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
    if day > ctx.today():
        errors["day"] = "cannot be in the future"
    if not submission_key or len(submission_key) > 64:
        errors["submission_key"] = "is required"
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, patient):
        if errors:  # checked after access, so a refusal never depends on the input
            raise InvalidInput(errors)
        programme = _active(session, patient_id)
        item = session.get(ProgrammeItem, item_id)
        if programme is None or item is None or item.programme_id != programme.id:
            raise NotFound("programme exercise")
        repeat = select(ExerciseLog.id).where(
            ExerciseLog.programme_id == programme.id, ExerciseLog.submission_key == submission_key
        )
        if session.scalar(repeat):
            return _view(session, ctx, programme, ctx.today())
        _require_playable(session, ctx, patient, programme)
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
        return _view(session, ctx, programme, ctx.today())


def _require_playable(session: Session, ctx: Context, patient, programme: Programme) -> None:
    """No new session while a red flag stands or the programme is paused."""
    safety.require_clear(session, ctx, patient)
    if programme.status == "paused":
        raise OnHold(
            "This programme is paused. Your clinician restarts it when it is safe to carry "
            "on; contact them if you are not sure what to do."
            if ctx.actor.role is Role.patient
            else "This programme is paused: restart it from the builder before sessions are logged."
        )


def morning_check(
    ctx: Context,
    patient_id: int,
    *,
    day: date,
    pain: int | None,
    stiffness: int | None,
    warning_signs: Sequence[str] = (),
) -> tuple[ProgrammeView, list[ChangeView]]:
    """Record the next-morning check and adapt each exercise (pain-monitoring model).

    Any warning sign (ticked, or implied by a marked rise in pain for those for whom
    changed pain is itself a sign) pauses the whole programme and raises a flag with
    the tier, action and timeframe the red-flag rules give it; nothing is stepped up or
    down that day. A sign is never dropped: a second check the same day that reports
    one is kept as its own record. A check without a sign changes nothing the second
    time in a day, and is refused while the programme waits for a clinician."""
    catalog = catalog_for(ctx)
    recheck_rules = catalog.redflags.recheck
    known = {sign.id for sign in recheck_rules.signs}
    ticked = list(dict.fromkeys(warning_signs))
    errors = {}
    unknown = [s for s in ticked if s not in known]
    if unknown:
        errors["warning_signs"] = f"Unknown warning sign: {', '.join(unknown)[:200]}"
    if pain is None:
        errors["pain"] = "Say how much it hurts this morning (0–10)."
    elif not 0 <= pain <= 10:
        errors["pain"] = f"{pain} is out of range 0–10"
    if stiffness is not None and not 0 <= stiffness <= 10:
        errors["stiffness"] = f"{stiffness} is out of range 0–10"
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, patient):
        if errors:
            raise InvalidInput(errors)
        programme = _active(session, patient_id)
        if programme is None:
            raise NotFound("programme")
        context = recheck_context(session, ctx, patient_id)
        implied = recheck_rules.implied_signs(context, pain, programme.baseline_morning_pain)
        signs = list(dict.fromkeys([*ticked, *implied]))
        today_checks = session.scalars(
            select(MorningCheck).where(
                MorningCheck.programme_id == programme.id, MorningCheck.day == day
            )
        ).all()
        if not signs:
            if today_checks:  # answered already today: keep the first, change nothing
                return _view(session, ctx, programme, ctx.today()), []
            _require_playable(session, ctx, patient, programme)
        elif any(set(signs) <= set(c.signs or ()) for c in today_checks if c.warning_sign):
            # The same signs sent twice (double click, back button): saved once. A
            # later review does not hide them: the first record stays on the record.
            return _view(session, ctx, programme, ctx.today()), []
        flags = recheck(context, signs, catalog.redflags, catalog.checkin.items) if signs else ()
        session.add(
            MorningCheck(
                programme_id=programme.id,
                day=day,
                pain=pain,
                stiffness=stiffness,
                warning_sign=bool(signs),
                signs=signs or None,
                flags=[f.model_dump(mode="json") for f in flags] or None,
                highest_tier=flags[0].tier.value if flags else None,
                logged_at=ctx.now(),
            )
        )
        session.flush()
        if flags:
            paused = safety.pause_programme(
                session,
                ctx,
                patient_id,
                f"A warning sign at the morning check ({flags[0].title}): the programme waits "
                "until a clinician has looked at it.",
            )
            changes = [_change_view(paused)] if paused else []
        else:
            changes = _adapt(session, ctx, programme, day)
        audit.record(
            session,
            ctx,
            "programme.morning_check",
            subject_type="programme",
            subject_id=programme.id,
            detail=f"{len(changes)} change(s)",
        )
        return _view(session, ctx, programme, ctx.today()), changes


def recheck_context(session: Session, ctx: Context, patient_id: int) -> dict[str, Any]:
    """The answers of the patient's newest finished check-in that still hold, so a
    morning warning sign is judged by the same rules as at a check-in (the signs then
    stand for the safety answers that changed)."""
    catalog = catalog_for(ctx)
    latest = session.scalar(
        select(Assessment)
        .where(Assessment.patient_id == patient_id, Assessment.status != "in_progress")
        .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
    )
    q = catalog.checkin
    keep = {
        item.id
        for step_id in catalog.redflags.recheck.context_steps
        if (step := q.step(step_id)) is not None
        for item in step.items
    }
    context = {k: v for k, v in (latest.answers if latest else {}).items() if k in keep}
    if "age" not in context:
        patient = session.get(Patient, patient_id)
        if patient is not None and patient.birth_year:
            context["age"] = max(1, ctx.today().year - patient.birth_year)
    return context


def morning_signs(ctx: Context, patient_id: int) -> tuple:
    """The warning signs to ask this patient between check-ins (some are asked only
    of people for whom they matter, e.g. changed pain with a known aneurysm)."""
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, _patient):
        context = recheck_context(session, ctx, patient_id)
        audit.record(
            session, ctx, "checkin.context_read", subject_type="patient", subject_id=patient_id
        )
        return catalog_for(ctx).redflags.recheck.signs_for(context)


def _change_view(c: ProgrammeChange) -> ChangeView:
    return ChangeView(c.id, c.at, c.decision, c.from_exercise, c.to_exercise, c.reason)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


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
        # Only sessions at the current dose count: after a step up or down (or a
        # clinician's edit), the count of good sessions starts again.
        changed = session.scalar(
            select(func.max(ProgrammeChange.at)).where(
                ProgrammeChange.item_id == item.id, ProgrammeChange.decision.in_(DOSE_CHANGES)
            )
        )
        if changed is not None:
            rows = [r for r in rows if r.day >= _as_utc(changed).date()]
            if not rows:
                continue
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
        decision, reason = step.decision, step.reason
        if decision == "stop_and_escalate":
            programme.status = "paused"
        elif (
            decision in ("progress", "regress")
            and exercise is not None
            and not _move(item, exercise, library, decision)
        ):
            decision = "hold_and_review"
            reason = (
                f"{step.reason.rstrip('.')}, but this exercise is already at the "
                f"{'top' if step.decision == 'progress' else 'bottom'} of its range and has "
                f"no {'harder' if step.decision == 'progress' else 'easier'} version: "
                "keep the same dose and ask your clinician about the next step."
            )
        change = ProgrammeChange(
            programme_id=programme.id,
            item_id=item.id,
            at=ctx.now(),
            decision=decision,
            from_exercise=before,
            to_exercise=item.exercise_id,
            reason=reason,
            by_id=None,
        )
        session.add(change)
        changes.append(ChangeView(None, change.at, decision, before, item.exercise_id, reason))
        if programme.status == "paused":
            break
    programme.updated_at = ctx.now()
    session.flush()
    return changes


# Changes after which an item is at a new dose (or a new exercise).
DOSE_CHANGES = ("progress", "regress", "edited", "overridden")

# How a dose steps when there is no harder or easier exercise: (field, step, low, high).
DOSE_STEPS = {
    Tracking.reps: ("reps", 2, 5, 15),
    Tracking.hold_seconds: ("hold_seconds", 5, 10, 60),
    Tracking.minutes: ("minutes", 5, 5, 60),
}


def _move(item: ProgrammeItem, exercise: Exercise, library: dict, decision: str) -> bool:
    """Progress or regress: to the linked exercise when there is one, else the dose.
    False when neither can move (the dose is at the end of its range, or a clinician set
    it beyond the range: a step up never lowers a dose, nor a step down raise it)."""
    target = (exercise.progresses_to if decision == "progress" else exercise.regresses_to) or ()
    target = tuple(t for t in target if t in library)
    if target:
        new = library[target[0]]
        item.exercise_id = new.id
        item.dosage = new.dosage.model_dump(mode="json")
        return True
    rule = DOSE_STEPS.get(exercise.tracking)
    dose = dict(item.dosage)
    if rule is None or not dose.get(rule[0]):
        return False
    field_name, size, low, high = rule
    value = dose[field_name]
    moved = min(high, value + size) if decision == "progress" else max(low, value - size)
    if (decision == "progress" and moved <= value) or (decision == "regress" and moved >= value):
        return False
    dose[field_name] = moved
    item.dosage = dose
    return True


def patient_of_programme(ctx: Context, programme_id: int) -> int:
    """Which patient a programme belongs to (access is then checked on that patient)."""
    audit.require_signed_in(ctx)
    with transaction(ctx.services.db) as session:
        programme = session.get(Programme, programme_id)
        if programme is None:
            raise NotFound("programme")
        return programme.patient_id


def handout(ctx: Context, patient_id: int, programme_id: int | None = None) -> tuple[str, bytes]:
    """A programme as a printable PDF: (file name, bytes). Default: the current one."""
    from painpath.reports.handout import HandoutItem, handout_html, handout_pdf

    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, patient):
        programme = (
            session.get(Programme, programme_id) if programme_id else _active(session, patient_id)
        )
        if programme is None or programme.patient_id != patient_id:
            raise NotFound("programme")
        view = _view(session, ctx, programme, ctx.today())
        audit.record(
            session, ctx, "programme.handout", subject_type="programme", subject_id=programme.id
        )
        name = patient.display_name
    html = handout_html(
        [HandoutItem(i.exercise, i.dosage, i.reasons) for i in view.items],
        clinic_name=ctx.settings.clinic_name,
        person=name,
        start=ctx.today(),
        left_out=view.left_out,
    )
    return f"programme-{patient_id}.pdf", handout_pdf(html)


# --- the clinician's builder ----------------------------------------------------------------


def _clinician_programme(session: Session, ctx: Context, patient) -> Programme:
    """The patient's active programme, or a new empty one for the clinician to fill
    (not while a red flag stands)."""
    programme = _active(session, patient.id)
    if programme is not None:
        return programme
    safety.require_clear(session, ctx, patient)
    patient_id = patient.id
    now = ctx.now()
    programme = Programme(
        patient_id=patient_id,
        status="active",
        title="Home programme",
        source="clinician",
        assessment_id=None,
        rationale={"left_out": []},
        thresholds=Thresholds().model_dump(),
        baseline_morning_pain=DEFAULT_BASELINE,
        sessions_per_week=3,
        weeks=6,
        content_version=catalog_for(ctx).version,
        created_by_id=ctx.actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(programme)
    session.flush()
    return programme


def _items(session: Session, programme: Programme) -> list[ProgrammeItem]:
    return list(
        session.scalars(
            select(ProgrammeItem)
            .where(ProgrammeItem.programme_id == programme.id, ProgrammeItem.active.is_(True))
            .order_by(ProgrammeItem.position, ProgrammeItem.id)
        ).all()
    )


def _edit(
    session: Session,
    ctx: Context,
    programme: Programme,
    item: ProgrammeItem | None,
    decision: str,
    reason: str,
    before: str | None = None,
) -> None:
    session.add(
        ProgrammeChange(
            programme_id=programme.id,
            item_id=item.id if item else None,
            at=ctx.now(),
            decision=decision,
            from_exercise=before,
            to_exercise=item.exercise_id if item else None,
            reason=reason,
            by_id=ctx.actor.user_id,
        )
    )
    programme.updated_at = ctx.now()
    audit.record(
        session, ctx, f"programme.{decision}", subject_type="programme", subject_id=programme.id
    )


def assign_protocol(ctx: Context, patient_id: int, protocol_id: str) -> ProgrammeView:
    catalog = catalog_for(ctx)
    protocol = catalog.protocols.get(protocol_id)
    if protocol is None:
        raise InvalidInput({"protocol": "Choose one of the ready-made programmes."})
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, patient):
        safety.require_clear(session, ctx, patient)
        built = BuiltProgramme(
            items=tuple(
                Choice(
                    exercise=i.exercise,
                    name=catalog.exercises[i.exercise].name,
                    slot="protocol",
                    dosage=catalog.exercises[i.exercise].dosage,
                    reasons=(i.reason,),
                    sources=tuple(
                        dict.fromkeys((*protocol.sources, *catalog.exercises[i.exercise].sources))
                    ),
                )
                for i in protocol.items
            ),
            left_out=(),
            sessions_per_week=3,
            weeks=6,
            stage_weeks=2,
            max_level=4,
            facts={"protocol": protocol.id},
            content_version=catalog.version,
        )
        programme = _store(
            session, ctx, patient_id, built, DEFAULT_BASELINE, "protocol", None, protocol.name
        )
        _edit(session, ctx, programme, None, "assigned", f"Ready-made programme: {protocol.name}.")
        return _view(session, ctx, programme, ctx.today())


def add_item(ctx: Context, patient_id: int, exercise_id: str) -> ProgrammeView:
    library = catalog_for(ctx).exercises
    exercise = library.get(exercise_id)
    if exercise is None:
        raise InvalidInput({"exercise": "Choose an exercise from the library."})
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, patient):
        programme = _clinician_programme(session, ctx, patient)
        items = _items(session, programme)
        if any(i.exercise_id == exercise_id for i in items):
            raise InvalidInput({"exercise": f"{exercise.name} is already in the programme."})
        if len(items) >= 8:
            raise InvalidInput({"exercise": "Keep it short: at most 8 exercises."})
        item = ProgrammeItem(
            programme_id=programme.id,
            position=len(items) + 1,
            exercise_id=exercise_id,
            dosage=exercise.dosage.model_dump(mode="json"),
            reasons=["Chosen by your clinician."],
            sources=list(exercise.sources),
            active=True,
        )
        session.add(item)
        session.flush()
        _edit(session, ctx, programme, item, "edited", f"Added {exercise.name}.")
        return _view(session, ctx, programme, ctx.today())


def _owned_item(session: Session, patient_id: int, item_id: int) -> tuple[Programme, ProgrammeItem]:
    programme = _active(session, patient_id)
    item = session.get(ProgrammeItem, item_id)
    if programme is None or item is None or item.programme_id != programme.id or not item.active:
        raise NotFound("programme exercise")
    return programme, item


def remove_item(ctx: Context, patient_id: int, item_id: int) -> ProgrammeView:
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        programme, item = _owned_item(session, patient_id, item_id)
        item.active = False
        for n, other in enumerate(_items(session, programme), start=1):
            other.position = n
        _edit(
            session,
            ctx,
            programme,
            item,
            "edited",
            f"Removed {item.exercise_id.replace('_', ' ')}.",
        )
        return _view(session, ctx, programme, ctx.today())


def move_item(ctx: Context, patient_id: int, item_id: int, direction: str) -> ProgrammeView:
    if direction not in ("up", "down"):
        raise InvalidInput({"direction": "must be up or down"})
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        programme, item = _owned_item(session, patient_id, item_id)
        items = _items(session, programme)
        index = items.index(item)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            for n, row in enumerate(items, start=1):
                row.position = n
            programme.updated_at = ctx.now()
            audit.record(
                session, ctx, "programme.reorder", subject_type="programme", subject_id=programme.id
            )
        return _view(session, ctx, programme, ctx.today())


def set_dosage(
    ctx: Context, patient_id: int, item_id: int, values: dict[str, Any]
) -> ProgrammeView:
    """Change an exercise's dose; the new dose is checked like the library's."""
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        programme, item = _owned_item(session, patient_id, item_id)
        merged = {**item.dosage, **{k: v for k, v in values.items() if v is not None}}
        merged["implementation_choice"] = "Dose set by your clinician."
        try:
            dose = Dosage.model_validate(merged)
        except ValueError as error:
            raise InvalidInput({"dosage": str(error).splitlines()[0]}) from None
        item.dosage = dose.model_dump(mode="json")
        _edit(
            session,
            ctx,
            programme,
            item,
            "edited",
            "Dose changed by your clinician.",
            item.exercise_id,
        )
        return _view(session, ctx, programme, ctx.today())


def override_change(ctx: Context, patient_id: int, change_id: int) -> ProgrammeView:
    """Undo a progression or regression the model made: back to the exercise before it."""
    library = catalog_for(ctx).exercises
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        change = session.get(ProgrammeChange, change_id)
        programme = _active(session, patient_id)
        if change is None or programme is None or change.programme_id != programme.id:
            raise NotFound("programme change")
        item = session.get(ProgrammeItem, change.item_id) if change.item_id else None
        if (
            item is None
            or change.from_exercise not in library
            or change.from_exercise == item.exercise_id
        ):
            raise InvalidInput({"change": "There is nothing to undo for this change."})
        before = item.exercise_id
        item.exercise_id = change.from_exercise
        item.dosage = library[change.from_exercise].dosage.model_dump(mode="json")
        _edit(
            session,
            ctx,
            programme,
            item,
            "overridden",
            f"Your clinician kept {library[item.exercise_id].name} instead.",
            before,
        )
        return _view(session, ctx, programme, ctx.today())


def save_template(ctx: Context, patient_id: int, name: str) -> int:
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise InvalidInput({"name": "Give the template a name (1–120 characters)."})
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        programme = _active(session, patient_id)
        if programme is None:
            raise InvalidInput({"name": "There is no programme to save yet."})
        template = ProgrammeTemplate(
            name=name,
            owner_id=ctx.actor.user_id,
            created_at=ctx.now(),
            items=[
                {"exercise": i.exercise_id, "dosage": i.dosage} for i in _items(session, programme)
            ],
        )
        session.add(template)
        session.flush()
        audit.record(
            session, ctx, "template.create", subject_type="template", subject_id=template.id
        )
        return template.id


def templates(ctx: Context) -> list[tuple[int, str, int]]:
    """The clinician's own templates: (id, name, number of exercises)."""
    audit.require_signed_in(ctx)
    with transaction(ctx.services.db) as session:
        rows = session.scalars(
            select(ProgrammeTemplate)
            .where(ProgrammeTemplate.owner_id == ctx.actor.user_id)
            .order_by(ProgrammeTemplate.name)
        ).all()
        return [(t.id, t.name, len(t.items)) for t in rows]


def assign_template(ctx: Context, patient_id: int, template_id: int) -> ProgrammeView:
    library = catalog_for(ctx).exercises
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, patient):
        template = session.get(ProgrammeTemplate, template_id)
        if template is None or template.owner_id != ctx.actor.user_id:
            raise NotFound("template")
        safety.require_clear(session, ctx, patient)
        built = BuiltProgramme(
            items=tuple(
                Choice(
                    exercise=row["exercise"],
                    name=library[row["exercise"]].name,
                    slot="template",
                    dosage=Dosage.model_validate(row["dosage"]),
                    reasons=(f"Part of your clinician's programme “{template.name}”.",),
                    sources=library[row["exercise"]].sources,
                )
                for row in template.items
                if row["exercise"] in library
            ),
            left_out=(),
            sessions_per_week=3,
            weeks=6,
            stage_weeks=2,
            max_level=4,
            facts={"template": template.id},
            content_version=catalog_for(ctx).version,
        )
        programme = _store(
            session, ctx, patient_id, built, DEFAULT_BASELINE, "clinician", None, template.name
        )
        _edit(session, ctx, programme, None, "assigned", f"Template: {template.name}.")
        return _view(session, ctx, programme, ctx.today())


def set_thresholds(ctx: Context, patient_id: int, values: dict[str, int | None]) -> ProgrammeView:
    """The pain-monitoring limits for this patient, set by their clinician."""
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        programme = _active(session, patient_id)
        if programme is None:
            raise InvalidInput({"thresholds": "There is no programme yet."})
        merged = {**programme.thresholds, **{k: v for k, v in values.items() if v is not None}}
        try:
            thresholds = Thresholds.model_validate(merged)
        except ValueError as error:
            raise InvalidInput({"thresholds": str(error).splitlines()[0]}) from None
        programme.thresholds = thresholds.model_dump()
        _edit(
            session,
            ctx,
            programme,
            None,
            "edited",
            f"Pain limits set by your clinician: during {thresholds.during_max}/10, after "
            f"{thresholds.after_max}/10, next morning up to {thresholds.morning_tolerance} above "
            f"usual, {thresholds.sessions_to_progress} good sessions before stepping up.",
        )
        return _view(session, ctx, programme, ctx.today())
