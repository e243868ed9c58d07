"""Check-ins: start, answer step by step (saved each time), stop on a red flag, finish.

Every step is one transaction that locks the patient row: the answers, the next step
and (when finished or stopped) the explained result are saved together or not at
all. A form carries the revision it was made from, so a double submit or a stale back
button is recognised instead of applied twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from painpath.catalog import Catalog, get_catalog
from painpath.core.access import PatientAction
from painpath.core.accounts import Role
from painpath.core.instruments import Score
from painpath.core.pathway import AssessmentResult, assess
from painpath.core.questionnaire import (
    Item,
    ItemType,
    Questionnaire,
    Step,
    coerce_answer,
    enabled_items,
    prune_disabled,
)
from painpath.core.screening import emergency_settled, stops_now
from painpath.services import audit, safety
from painpath.services.context import Context
from painpath.services.errors import Forbidden, InvalidInput, NotFound
from painpath.services.patients import patient_transaction
from painpath.store.db import transaction
from painpath.store.models import Assessment, InstrumentResponse, Patient

# STarT Back is for the current episode: a score entered up to this long before the
# check-in finishes is used for stratification (implementation choice).
SBST_EPISODE_DAYS = 30


def catalog_for(ctx: Context) -> Catalog:
    return get_catalog(ctx.settings.content_overrides)


def evaluate(
    catalog: Catalog, answers: Mapping[str, Any], scores: Mapping[str, Score], today: date
) -> AssessmentResult:
    """The pure assessment with this catalog's rules (CLI, web and API all use this)."""
    return assess(
        answers,
        scores,
        today,
        checkin=catalog.checkin,
        redflags=catalog.redflags,
        guidance=catalog.guidance,
        instruments=catalog.instruments,
        content_version=catalog.version,
    )


def assess_answers(ctx: Context, raw: Mapping[str, Any], on: date | None) -> AssessmentResult:
    """Assess answers without saving them (API, integrations). Refuses bad answers."""
    from painpath.core.questionnaire import validate_answers

    audit.require_signed_in(ctx)
    catalog = catalog_for(ctx)
    clean, problems = validate_answers(
        catalog.checkin, raw, complete=False, clinician=ctx.actor.role is not Role.patient
    )
    if problems:
        raise InvalidInput({p.item: p.message for p in problems})
    audit.record_now(ctx, "assess.stateless", detail=f"{len(clean)} answers, nothing stored")
    return evaluate(catalog, clean, {}, on or ctx.today())


@dataclass(frozen=True)
class CheckinView:
    id: int
    patient_id: int
    patient_name: str
    status: str
    step: str | None
    answers: dict[str, Any]
    revision: int
    highest_tier: str | None
    content_version: str
    created_at: Any
    completed_at: Any
    entered_as: str
    result: AssessmentResult | None


def _view(a: Assessment, patient: Patient) -> CheckinView:
    return CheckinView(
        id=a.id,
        patient_id=a.patient_id,
        patient_name=patient.display_name,
        status=a.status,
        step=a.step,
        answers=dict(a.answers),
        revision=a.revision,
        highest_tier=a.highest_tier,
        content_version=a.content_version,
        created_at=a.created_at,
        completed_at=a.completed_at,
        entered_as=a.entered_as.value,
        result=AssessmentResult.model_validate(a.result) if a.result else None,
    )


def own_patient_id(ctx: Context) -> int:
    audit.require_signed_in(ctx)
    if ctx.actor.role is not Role.patient:
        raise Forbidden("This page is for patients.")
    with transaction(ctx.services.db) as session:
        pid = session.scalar(select(Patient.id).where(Patient.user_id == ctx.actor.user_id))
    if pid is None:
        raise NotFound("patient record")
    return pid


def _prefill(patient: Patient, today: date, role: Role) -> dict[str, Any]:
    answers: dict[str, Any] = {"respondent": "self"} if role is Role.patient else {}
    if patient.birth_year:
        # Year of birth only: the age may be one year high before the birthday.
        answers["age"] = max(1, today.year - patient.birth_year)
    if patient.sex is not None and patient.sex.value in ("female", "male"):
        answers["sex"] = patient.sex.value
    return answers


def start_checkin(ctx: Context, patient_id: int) -> CheckinView:
    """Resume the patient's unfinished check-in, or start a new one."""
    catalog = catalog_for(ctx)
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, patient):
        current = session.scalar(
            select(Assessment)
            .where(Assessment.patient_id == patient_id, Assessment.status == "in_progress")
            .order_by(Assessment.id.desc())
        )
        if current is None:
            now = ctx.now()
            current = Assessment(
                patient_id=patient_id,
                status="in_progress",
                step=catalog.checkin.steps[0].id,
                answers=_prefill(patient, now.date(), ctx.actor.role or Role.patient),
                content_version=catalog.version,
                revision=0,
                entered_by_id=ctx.actor.user_id,
                entered_as=ctx.actor.role,
                created_at=now,
                updated_at=now,
            )
            session.add(current)
            session.flush()
            audit.record(
                session, ctx, "checkin.start", subject_type="assessment", subject_id=current.id
            )
        else:
            audit.record(
                session, ctx, "checkin.resume", subject_type="assessment", subject_id=current.id
            )
        return _view(current, patient)


def get_checkin(ctx: Context, patient_id: int, assessment_id: int) -> CheckinView:
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, patient):
        row = _assessment(session, patient_id, assessment_id)
        audit.record(session, ctx, "assessment.read", subject_type="assessment", subject_id=row.id)
        return _view(row, patient)


def list_checkins(ctx: Context, patient_id: int) -> list[CheckinView]:
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, patient):
        rows = session.scalars(
            select(Assessment)
            .where(Assessment.patient_id == patient_id)
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        ).all()
        audit.record(session, ctx, "assessment.list", subject_type="patient", subject_id=patient_id)
        return [_view(r, patient) for r in rows]


def _assessment(session: Session, patient_id: int, assessment_id: int) -> Assessment:
    row = session.get(Assessment, assessment_id)
    if row is None or row.patient_id != patient_id:
        raise NotFound("check-in")
    return row


# --- steps ---------------------------------------------------------------------------------


def step_items(
    catalog: Catalog, step: Step, answers: Mapping[str, Any], *, clinician: bool
) -> list[Item]:
    return enabled_items(catalog.checkin, step, answers, clinician=clinician)


def next_step(
    q: Questionnaire, after: str | None, answers: Mapping[str, Any], *, clinician: bool
) -> str | None:
    """The first step after `after` that has a question for this person."""
    ids = [s.id for s in q.steps]
    start = ids.index(after) + 1 if after in ids else 0
    for step in q.steps[start:]:
        if enabled_items(q, step, answers, clinician=clinician):
            return step.id
    return None


def previous_step(
    q: Questionnaire, before: str, answers: Mapping[str, Any], *, clinician: bool
) -> str | None:
    ids = [s.id for s in q.steps]
    for step in reversed(q.steps[: ids.index(before)]):
        if enabled_items(q, step, answers, clinician=clinician):
            return step.id
    return None


@dataclass(frozen=True)
class StepOutcome:
    """What happened to a submitted step: where to go next and why."""

    checkin: CheckinView
    more_questions: tuple[str, ...] = ()  # follow-up questions now shown on the same step
    duplicate: bool = False


def parse_step_form(
    items: list[Item], form: Mapping[str, Any], getlist: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Form fields (strings) -> typed answers for the shown items, plus field errors."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in items:
        raw: Any
        if item.type == ItemType.multi_choice:
            raw = list(getlist(item.id))
            if not raw:
                continue
        elif item.type == ItemType.rated_activities:
            raw = []
            for n in range(1, (item.max_entries or 0) + 1):
                name = (form.get(f"{item.id}_{n}_activity") or "").strip()
                score = (form.get(f"{item.id}_{n}_score") or "").strip()
                if not name and not score:
                    continue
                if not name or not score:
                    errors[item.id] = (
                        f"Activity {n}: give both the activity and a score from 0 to 10."
                    )
                    break
                try:
                    raw.append({"activity": name, "score": int(score)})
                except ValueError:
                    errors[item.id] = (
                        f"Activity {n}: the score must be a whole number from 0 to 10."
                    )
                    break
            if item.id in errors:
                continue
            if not raw:
                continue
        else:
            text = form.get(item.id)
            if text is None or str(text).strip() == "":
                continue
            text = str(text).strip()
            if item.type == ItemType.boolean:
                raw = {"yes": True, "no": False}.get(text, text)
            elif item.type == ItemType.integer:
                try:
                    raw = int(text)
                except ValueError:
                    raw = text
            elif item.type == ItemType.decimal:
                try:
                    raw = float(text.replace(",", "."))
                except ValueError:
                    raw = text
            else:
                raw = text
        value, problem = coerce_answer(item, raw)
        if problem:
            errors[item.id] = _friendly(item, problem)
        elif value is not None:
            answers[item.id] = value
    return answers, errors


def _friendly(item: Item, problem: str) -> str:
    if item.type == ItemType.boolean:
        return "Choose yes or no."
    if item.type in (ItemType.choice,):
        return "Choose one of the answers."
    return problem[0].upper() + problem[1:] + "."


def save_step(
    ctx: Context,
    patient_id: int,
    assessment_id: int,
    step_id: str,
    revision: int,
    shown: list[str],
    form: Mapping[str, Any],
    getlist: Any,
) -> StepOutcome:
    catalog = catalog_for(ctx)
    q = catalog.checkin
    step = q.step(step_id)
    if step is None:
        raise NotFound("check-in step")
    clinician = ctx.actor.role is Role.clinician
    with patient_transaction(ctx, patient_id, PatientAction.checkin) as (session, patient):
        row = _assessment(session, patient_id, assessment_id)
        if row.status != "in_progress":
            return StepOutcome(_view(row, patient), duplicate=True)
        order = [s.id for s in q.steps]
        if row.step in order and order.index(step_id) > order.index(row.step):
            # A form for a later step (crafted, or from another tab): earlier questions,
            # the safety questions among them, must be answered first.
            return StepOutcome(_view(row, patient), duplicate=True)
        stored = dict(row.answers)
        # Which questions of this step apply, given the other steps' answers and what
        # was typed here. Same-step follow-ups (e.g. "below the knee?") appear once the
        # answer they depend on is given: a second pass without JavaScript.
        all_step_items = [i for i in step.items if clinician or i.audience.value == "everyone"]
        # Answers this person cannot see on the page (e.g. blood results a clinician
        # entered) are kept as they are.
        others = {k: v for k, v in stored.items() if k not in {i.id for i in all_step_items}}
        typed, errors = parse_step_form(all_step_items, form, getlist)
        merged = prune_disabled(q, {**others, **typed})
        applicable = step_items(catalog, step, merged, clinician=clinician)
        if revision != row.revision:
            same = all(stored.get(k) == v for k, v in typed.items())
            if same:
                return StepOutcome(_view(row, patient), duplicate=True)
            raise InvalidInput(
                {
                    "_form": "This check-in was changed in another window or tab since this "
                    "page was opened. The page now shows the saved answers; please check "
                    "them and submit again."
                }
            )
        new_questions = [i.id for i in applicable if i.id not in shown and i.id not in merged]
        for item in applicable:
            if (
                item.required
                and item.id not in merged
                and item.id in shown
                and item.id not in errors
            ):
                errors[item.id] = "Please answer this question."
        if errors:
            raise InvalidInput(errors)
        row.answers = merged
        row.revision += 1
        row.updated_at = ctx.now()
        today = ctx.today()
        screening_result = evaluate(catalog, merged, {}, today).screening
        # An emergency stops the check-in at once, unless it rests on a follow-up
        # question of this step that is still to be asked (then that is asked first).
        pending = [i for i in applicable if i.id in new_questions]
        emergency = emergency_settled(merged, catalog.redflags, pending)
        if new_questions and not emergency:
            session.flush()
            audit.record(
                session,
                ctx,
                "checkin.step",
                subject_type="assessment",
                subject_id=row.id,
                detail=f"{step_id} (follow-up questions)",
            )
            return StepOutcome(_view(row, patient), more_questions=tuple(new_questions))
        following = next_step(q, step_id, merged, clinician=clinician)
        if stops_now(screening_result, q, step_id) or following is None:
            scores = _episode_scores(session, catalog, patient_id, today)
            result = evaluate(catalog, merged, scores, today)
            row.result = result.model_dump(mode="json")
            row.highest_tier = (
                result.screening.highest_tier.value if result.screening.highest_tier else None
            )
            row.status = "stopped" if result.screening.stop else "complete"
            row.step = None
            row.completed_at = ctx.now()
            row.content_version = catalog.version
            if result.screening.stop:
                top = result.screening.flags[0]
                safety.pause_programme(
                    session,
                    ctx,
                    patient_id,
                    f"A check-in found a warning sign ({top.title}): the programme waits "
                    "until a clinician has looked at it.",
                )
        else:
            row.step = following
        session.flush()
        audit.record(
            session,
            ctx,
            "checkin.step",
            subject_type="assessment",
            subject_id=row.id,
            detail=f"{step_id} -> {row.step or row.status}",
        )
        return StepOutcome(_view(row, patient))


def _episode_scores(
    session: Session, catalog: Catalog, patient_id: int, today: date
) -> dict[str, Score]:
    """The latest STarT Back scored for this episode, if any."""
    since = today - timedelta(days=SBST_EPISODE_DAYS)
    row = session.scalar(
        select(InstrumentResponse)
        .where(
            InstrumentResponse.patient_id == patient_id,
            InstrumentResponse.instrument == "sbst",
            InstrumentResponse.value.is_not(None),
        )
        .order_by(InstrumentResponse.administered_on.desc(), InstrumentResponse.id.desc())
    )
    if row is None or row.administered_on.date() < since:
        return {}
    return {"sbst": catalog.instruments["sbst"].score(row.responses, row.options)}


def go_back(ctx: Context, patient_id: int, assessment_id: int, step_id: str) -> str | None:
    """The step before `step_id` that applies (for the Back link)."""
    view = get_checkin(ctx, patient_id, assessment_id)
    catalog = catalog_for(ctx)
    return previous_step(
        catalog.checkin, step_id, view.answers, clinician=ctx.actor.role is Role.clinician
    )
