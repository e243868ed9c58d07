"""Check-in, result and instrument pages. Server-rendered and free of JavaScript: a
follow-up question (e.g. "below the knee?") appears on the same step after it is saved."""

from __future__ import annotations

import secrets
from datetime import date

from fastapi import APIRouter, Depends, Request

from painpath.core.accounts import Role
from painpath.core.articles import result_explainers
from painpath.core.statements import Audience
from painpath.services import checkins, instruments, patients
from painpath.services.checkins import catalog_for
from painpath.services.errors import InvalidInput, NotFound
from painpath.web.auth import FormFields, checked_form, request_context
from painpath.web.citations import Citations
from painpath.web.params import RecordId
from painpath.web.safety_view import safety_context
from painpath.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

SECTION_TITLES = {
    "stratification": "What kind of care fits you",
    "care_level": "Recommended care",
    "imaging": "Do I need a scan?",
    "category": "What kind of back pain this is likely to be",
    "medicines": "Medicines",
    "beliefs": "Things worth talking about",
}


def _base(pid: int, aid: int) -> str:
    return f"/patients/{pid}/checkins/{aid}"


@router.post("/me/checkin")
def own_checkin_start(request: Request, _form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    pid = checkins.own_patient_id(ctx)
    view = checkins.start_checkin(ctx, pid)
    return redirect(f"{_base(pid, view.id)}/steps/{view.step}")


@router.post("/patients/{patient_id}/checkins")
def checkin_start(
    request: Request, patient_id: RecordId, _form: FormFields = Depends(checked_form)
):
    view = checkins.start_checkin(request_context(request), patient_id)
    if view.step is None:
        return redirect(_base(patient_id, view.id))
    return redirect(f"{_base(patient_id, view.id)}/steps/{view.step}")


@router.get("/patients/{patient_id}/checkins/{assessment_id}")
def checkin_result(request: Request, patient_id: RecordId, assessment_id: RecordId):
    ctx = request_context(request)
    view = checkins.get_checkin(ctx, patient_id, assessment_id)
    if view.status == "in_progress":
        return redirect(f"{_base(patient_id, assessment_id)}/steps/{view.step}")
    catalog = catalog_for(ctx)
    clinician = ctx.actor.role in (Role.clinician, Role.admin)
    audience = Audience.clinician if clinician else Audience.patient
    result = view.result
    assert result is not None
    cite = Citations(catalog.references)

    # Footnotes are numbered in reading order, and only for what the page shows: a
    # stopped check-in shows a patient the safety advice and the scan advice only.
    flags = [(f, cite(f.sources)) for f in result.screening.flags]
    safety = [(s, cite(s.sources)) for s in result.screening.statements if s.kind == "safety_net"]
    shown = SECTION_TITLES
    if result.screening.stop:
        # A check-in that stopped on a red flag shows the flag and the scan it calls
        # for, nothing judged from the unfinished rest (also for results stored before
        # painpath stopped computing them).
        shown = {"imaging": SECTION_TITLES["imaging"]}
    sections = []
    for name, title in shown.items():
        statements = [s for s in result.sections.get(name, ()) if s.for_audience(audience)]
        if statements:
            sections.append((name, title, [(s, cite(s.sources)) for s in statements]))
    scores = [(s, [(st, cite(st.sources)) for st in s.statements]) for s in result.scores]
    references = cite.listing()
    return render(
        request,
        "checkin/result_clinician.html" if clinician else "checkin/result_patient.html",
        view=view,
        result=result,
        flags=flags,
        safety=safety,
        sections=sections,
        scores=scores,
        references=references,
        clinic_name=ctx.settings.clinic_name,
        explained=result_explainers(catalog.articles, audience.value),
        **safety_context(ctx, patient_id),
    )


def _step_page(
    request, ctx, view, step_id: str, *, errors=None, values=None, more=(), status=200, notice=None
):
    catalog = catalog_for(ctx)
    q = catalog.checkin
    step = q.step(step_id)
    if step is None:
        raise NotFound("check-in step")
    clinician = ctx.actor.role is Role.clinician
    answers = dict(view.answers)
    if values:
        answers.update(values)
    items = checkins.step_items(catalog, step, answers, clinician=clinician)
    if not items:
        raise NotFound("check-in step")
    step_ids = [
        s.id for s in q.steps if checkins.step_items(catalog, s, answers, clinician=clinician)
    ]
    position = step_ids.index(step_id) + 1 if step_id in step_ids else 1
    back = checkins.previous_step(q, step_id, view.answers, clinician=clinician)
    return render(
        request,
        "checkin/step.html",
        status_code=status,
        view=view,
        step=step,
        items=items,
        answers=answers,
        errors=errors or {},
        more=set(more),
        position=position,
        total=len(step_ids),
        back=back,
        notice=notice,
        for_patient=view.patient_name if ctx.actor.role is not Role.patient else None,
        # An open red flag is shown first: a new check-in cannot clear it.
        **safety_context(ctx, view.patient_id),
    )


@router.get("/patients/{patient_id}/checkins/{assessment_id}/steps/{step_id}")
def checkin_step(request: Request, patient_id: RecordId, assessment_id: RecordId, step_id: str):
    ctx = request_context(request)
    view = checkins.get_checkin(ctx, patient_id, assessment_id)
    if view.status != "in_progress":
        return redirect(_base(patient_id, assessment_id))
    catalog = catalog_for(ctx)
    order = [s.id for s in catalog.checkin.steps]
    if step_id not in order:
        raise NotFound("check-in step")
    if view.step in order and order.index(step_id) > order.index(view.step):
        return redirect(
            f"{_base(patient_id, assessment_id)}/steps/{view.step}"
        )  # no skipping ahead
    return _step_page(request, ctx, view, step_id)


@router.post("/patients/{patient_id}/checkins/{assessment_id}/steps/{step_id}")
def checkin_step_save(
    request: Request,
    patient_id: RecordId,
    assessment_id: RecordId,
    step_id: str,
    form: FormFields = Depends(checked_form),
):
    ctx = request_context(request)
    try:
        revision = int(form.get("revision", "-1"))
    except ValueError:
        revision = -1
    shown = form.getlist("shown")
    try:
        outcome = checkins.save_step(
            ctx, patient_id, assessment_id, step_id, revision, shown, form, form.getlist
        )
    except InvalidInput as error:
        view = checkins.get_checkin(ctx, patient_id, assessment_id)
        if view.status != "in_progress":
            return redirect(_base(patient_id, assessment_id))
        step = catalog_for(ctx).checkin.step(step_id)
        typed = checkins.parse_step_form(list(step.items), form, form.getlist)[0] if step else {}
        # Show back what was typed, even where it was wrong, so nothing has to be retyped.
        kept = {k: form[k] for k in error.errors if k in form and k not in typed}
        typed = {**kept, **typed}
        return _step_page(
            request, ctx, view, step_id, errors=error.errors, values=typed, status=422
        )
    view = outcome.checkin
    if outcome.more_questions:
        return _step_page(
            request,
            ctx,
            view,
            step_id,
            more=outcome.more_questions,
            notice="Thanks. A few more questions follow from your answers.",
        )
    if view.status != "in_progress":
        return redirect(_base(patient_id, assessment_id))
    return redirect(f"{_base(patient_id, assessment_id)}/steps/{view.step}")


# --- instruments (clinicians) -----------------------------------------------------------


@router.get("/patients/{patient_id}/instruments/{instrument_id}/new")
def instrument_form(request: Request, patient_id: RecordId, instrument_id: str):
    ctx = request_context(request)
    return _instrument_page(request, ctx, patient_id, instrument_id)


def _instrument_page(
    request, ctx, patient_id, instrument_id, *, errors=None, values=None, status=200
):
    catalog = catalog_for(ctx)
    instrument = catalog.instruments.get(instrument_id)
    if instrument is None:
        raise NotFound("instrument")
    overview = patients.get_patient(ctx, patient_id)
    if ctx.actor.role is not Role.clinician:
        from painpath.services.errors import Forbidden

        raise Forbidden("Only the patient's clinicians enter instrument scores.")
    text = instruments.loaded_text(ctx, instrument_id)
    return render(
        request,
        "instruments/entry.html",
        status_code=status,
        overview=overview,
        meta=instrument.meta,
        text=text,
        errors=errors or {},
        values=values or {},
        submission_key=secrets.token_urlsafe(16),
        today=ctx.today().isoformat(),
    )


@router.post("/patients/{patient_id}/instruments/{instrument_id}")
def instrument_save(
    request: Request,
    patient_id: RecordId,
    instrument_id: str,
    form: FormFields = Depends(checked_form),
):
    ctx = request_context(request)
    catalog = catalog_for(ctx)
    instrument = catalog.instruments.get(instrument_id)
    if instrument is None:
        raise NotFound("instrument")
    responses: dict = {}
    if instrument_id == "psfs":
        acts = []
        for n in range(1, 6):
            name = form.get(f"activity_{n}", "").strip()
            score = form.get(f"score_{n}", "").strip()
            if name or score:
                acts.append({"activity": name, "score": score})
        responses = {"activities": acts}
    else:
        for item in instrument.meta.items:
            value = form.get(f"item_{item.id}", "").strip()
            if value:
                responses[item.id] = value
    options = {k[4:]: v for k, v in form.items() if k.startswith("opt_") and v}
    try:
        on = date.fromisoformat(form.get("administered_on", ""))
    except ValueError:
        return _instrument_page(
            request,
            ctx,
            patient_id,
            instrument_id,
            errors={"administered_on": "Enter the date it was filled in (YYYY-MM-DD)."},
            values=dict(form),
            status=422,
        )
    try:
        instruments.record_instrument(
            ctx,
            patient_id,
            instrument_id,
            responses,
            options=options,
            administered_on=on,
            source=form.get("source", "paper"),
            submission_key=form.get("submission_key", ""),
        )
    except InvalidInput as error:
        return _instrument_page(
            request,
            ctx,
            patient_id,
            instrument_id,
            errors=error.errors,
            values=dict(form),
            status=422,
        )
    return redirect(f"/patients/{patient_id}?scored={instrument_id}#scores")
