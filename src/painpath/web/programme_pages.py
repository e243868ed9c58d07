"""The patient's programme: today's session, the guided player (one exercise at a time,
then pain during and after), and the next-morning check that adapts the programme.
Works without JavaScript; a small script adds the hold timer, rep counter and spoken
cues."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.core.access import PatientAction
from painpath.core.accounts import Role
from painpath.core.articles import explainers
from painpath.core.progression import PAIN_MONITORING_SOURCES, Thresholds, pain_advice
from painpath.services import patients, programmes, safety
from painpath.services.checkins import catalog_for
from painpath.services.errors import InvalidInput, NotFound, OnHold
from painpath.web import figure_assets
from painpath.web.auth import FormFields, checked_form, request_context
from painpath.web.citations import Citations
from painpath.web.library_pages import svg
from painpath.web.params import RecordId
from painpath.web.safety_view import safety_context
from painpath.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


def _url(pid: int) -> str:
    return f"/patients/{pid}/programme"


def _sources(ctx, view) -> dict:
    """Footnote numbers for every reason on the programme page, and the reference list."""
    cite = Citations(catalog_for(ctx).references)
    if view is None:
        return {"item_cites": {}, "left_cites": [], "model_cites": [], "references": []}
    item_cites = {i.id: cite(i.sources) for i in view.items}
    left_cites = [cite(x.get("sources", ())) for x in view.left_out]
    model_cites = cite(PAIN_MONITORING_SOURCES)
    return {
        "item_cites": item_cites,
        "left_cites": left_cites,
        "model_cites": model_cites,
        "references": cite.listing(),
    }


def _explained(ctx) -> dict:
    """The articles that explain the programme and the pain-monitoring model."""
    audience = "patient" if ctx.actor.role is Role.patient else "clinician"
    return explainers(catalog_for(ctx).articles, audience)


def _int(form: FormFields, name: str) -> int | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput({name: f"{value!r} is not a whole number"}) from None


def _pain_advice(view) -> list:
    """Advice for each exercise done today that hurt more than the patient's limits."""
    if view is None:
        return []
    limits = Thresholds.model_validate(view.thresholds)
    found = []
    for item in view.items:
        log = item.log_today or {}
        advice = pain_advice(
            item.exercise.name, log.get("pain_during"), log.get("pain_after"), limits
        )
        if advice is not None:
            found.append(advice)
    return found


def _overview(request: Request, ctx, patient_id: int, status: int = 200, **extra):
    """The programme page; also re-shown, with the problems, when a form on it fails."""
    overview = patients.get_patient(ctx, patient_id)
    view = programmes.current(ctx, patient_id)
    figures = {}
    catalog = catalog_for(ctx)
    for item in view.items if view else ():
        if item.exercise.figure:
            figures[item.id] = svg(figure_assets.thumb(catalog, item.exercise, 0.5))
    return render(
        request,
        "programme/overview.html",
        status_code=status,
        overview=overview,
        view=view,
        figures=figures,
        today=ctx.today().isoformat(),
        **_sources(ctx, view),
        **_builder_context(ctx),
        **safety_context(ctx, patient_id),
        recheck=catalog_for(ctx).redflags.recheck,
        morning_signs=programmes.morning_signs(ctx, patient_id) if view else (),
        advice=_pain_advice(view),
        explained=_explained(ctx),
        **extra,
    )


def _player(request: Request, ctx, view, item, status: int = 200, **extra):
    figure = item.exercise.figure
    catalog = catalog_for(ctx)
    extra.setdefault("submission_key", secrets.token_urlsafe(16))
    return render(
        request,
        "programme/player.html",
        status_code=status,
        view=view,
        item=item,
        number=view.items.index(item) + 1,
        anim=svg(figure_assets.anim(catalog, item.exercise)) if figure else None,
        stills=[svg(s) for s in figure_assets.stills(catalog, item.exercise, 0.6)],
        cites=Citations(catalog_for(ctx).references),
        today=ctx.today().isoformat(),
        advice=_pain_advice(view),
        explained=_explained(ctx),
        **extra,
    )


@router.get("/patients/{patient_id}/programme")
def programme_page(request: Request, patient_id: RecordId):
    ctx = request_context(request)
    return _overview(request, ctx, patient_id, changed=request.query_params.get("changed"))


@router.post("/patients/{patient_id}/programme")
def programme_create(
    request: Request, patient_id: RecordId, _form: FormFields = Depends(checked_form)
):
    ctx = request_context(request)
    try:
        programmes.create_from_checkin(ctx, patient_id)
    except InvalidInput as error:
        return _overview(request, ctx, patient_id, 422, errors=error.errors)
    except OnHold as error:
        return _overview(request, ctx, patient_id, 409, errors={"_form": error.describe()})
    return redirect(_url(patient_id))


@router.get("/patients/{patient_id}/programme/play/{item_id}")
def player(request: Request, patient_id: RecordId, item_id: RecordId):
    ctx = request_context(request)
    view = programmes.current(ctx, patient_id)
    if view is None:
        raise NotFound("programme")
    index = next((n for n, i in enumerate(view.items) if i.id == item_id), None)
    if index is None:
        raise NotFound("programme exercise")
    if view.status != "active" or safety.status(ctx, patient_id).on_hold:
        # A paused programme is not played: its page says why and what to do.
        return redirect(f"{_url(patient_id)}#safety")
    return _player(request, ctx, view, view.items[index])


@router.post("/patients/{patient_id}/programme/items/{item_id}/log")
def log_exercise(
    request: Request,
    patient_id: RecordId,
    item_id: RecordId,
    form: FormFields = Depends(checked_form),
):
    ctx = request_context(request)
    completed = form.get("outcome", "done") == "done"
    try:
        view = programmes.log_exercise(
            ctx,
            patient_id,
            item_id,
            day=ctx.today(),
            completed=completed,
            pain_during=_int(form, "pain_during") if completed else None,
            pain_after=_int(form, "pain_after") if completed else None,
            submission_key=form.get("submission_key", ""),
        )
    except OnHold as error:
        return _overview(request, ctx, patient_id, 409, errors={"_form": error.describe()})
    except InvalidInput as error:
        current = programmes.current(ctx, patient_id)
        item = next((i for i in current.items if i.id == item_id), None) if current else None
        if current is None or item is None:
            raise NotFound("programme exercise") from None
        return _player(
            request,
            ctx,
            current,
            item,
            422,
            submission_key=form.get("submission_key", ""),
            errors=error.errors,
            values=dict(form),
        )
    remaining = [i for i in view.items if not i.done_today and i.id != item_id]
    if remaining:
        return redirect(f"{_url(patient_id)}/play/{remaining[0].id}")
    return redirect(f"{_url(patient_id)}?changed=session-done")


@router.post("/patients/{patient_id}/programme/morning")
def morning(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    try:
        _, changes = programmes.morning_check(
            ctx,
            patient_id,
            day=ctx.today(),
            pain=_int(form, "pain"),
            stiffness=_int(form, "stiffness"),
            warning_signs=form.getlist("warning_signs"),
        )
    except InvalidInput as error:
        return _overview(request, ctx, patient_id, 422, errors=error.errors, values=dict(form))
    return redirect(f"{_url(patient_id)}?changed={len(changes)}#changes")


@router.get("/patients/{patient_id}/programme/handout.pdf")
def handout(request: Request, patient_id: RecordId):
    name, pdf = programmes.handout(request_context(request), patient_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


# --- the clinician's builder ---------------------------------------------------------------


def _builder_action(request: Request, patient_id: int, action) -> object:
    ctx = request_context(request)
    try:
        action(ctx)
    except InvalidInput as error:
        # The form is read before the service checks access: a reader who may not edit
        # gets the refusal (403/404), never a list of what was wrong with the form.
        patients.require(ctx, patient_id, PatientAction.change)
        return _overview(request, ctx, patient_id, 422, errors=error.errors)
    except OnHold as error:
        return _overview(request, ctx, patient_id, 409, errors={"_form": error.describe()})
    return redirect(f"{_url(patient_id)}#builder")


def _builder_context(ctx) -> dict:
    if ctx.actor.role is not Role.clinician:
        return {}
    catalog = catalog_for(ctx)
    return {
        "library": sorted(catalog.exercises.values(), key=lambda e: e.name),
        "protocols": list(catalog.protocols.values()),
        "templates": programmes.templates(ctx),
    }


@router.post("/patients/{patient_id}/programme/protocol")
def assign_protocol(
    request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)
):
    return _builder_action(
        request,
        patient_id,
        lambda ctx: programmes.assign_protocol(ctx, patient_id, form.get("protocol", "")),
    )


@router.post("/patients/{patient_id}/programme/items")
def add_item(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    return _builder_action(
        request,
        patient_id,
        lambda ctx: programmes.add_item(ctx, patient_id, form.get("exercise", "")),
    )


@router.post("/patients/{patient_id}/programme/items/{item_id}/remove")
def remove_item(
    request: Request,
    patient_id: RecordId,
    item_id: RecordId,
    _form: FormFields = Depends(checked_form),
):
    return _builder_action(
        request, patient_id, lambda ctx: programmes.remove_item(ctx, patient_id, item_id)
    )


@router.post("/patients/{patient_id}/programme/items/{item_id}/move")
def move_item(
    request: Request,
    patient_id: RecordId,
    item_id: RecordId,
    form: FormFields = Depends(checked_form),
):
    return _builder_action(
        request,
        patient_id,
        lambda ctx: programmes.move_item(ctx, patient_id, item_id, form.get("direction", "")),
    )


@router.post("/patients/{patient_id}/programme/items/{item_id}/dose")
def set_dose(
    request: Request,
    patient_id: RecordId,
    item_id: RecordId,
    form: FormFields = Depends(checked_form),
):
    names = ("sets", "reps", "hold_seconds", "minutes", "days_per_week")
    return _builder_action(
        request,
        patient_id,
        lambda ctx: programmes.set_dosage(
            ctx, patient_id, item_id, {k: _int(form, k) for k in names}
        ),
    )


@router.post("/patients/{patient_id}/programme/changes/{change_id}/override")
def override_change(
    request: Request,
    patient_id: RecordId,
    change_id: RecordId,
    _form: FormFields = Depends(checked_form),
):
    return _builder_action(
        request, patient_id, lambda ctx: programmes.override_change(ctx, patient_id, change_id)
    )


@router.post("/patients/{patient_id}/programme/template")
def save_template(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    return _builder_action(
        request,
        patient_id,
        lambda ctx: programmes.save_template(ctx, patient_id, form.get("name", "")),
    )


@router.post("/patients/{patient_id}/programme/from-template")
def from_template(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    return _builder_action(
        request,
        patient_id,
        lambda ctx: programmes.assign_template(ctx, patient_id, _int(form, "template") or 0),
    )


@router.post("/patients/{patient_id}/programme/resume")
def resume(request: Request, patient_id: RecordId, _form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    try:
        safety.resume_programme(ctx, patient_id)
    except (InvalidInput, OnHold) as error:
        errors = error.errors if isinstance(error, InvalidInput) else {"_form": error.describe()}
        return _overview(request, ctx, patient_id, 409, errors=errors)
    return redirect(f"{_url(patient_id)}?changed=resumed")


@router.post("/patients/{patient_id}/programme/thresholds")
def set_thresholds(
    request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)
):
    names = ("during_max", "after_max", "morning_tolerance", "sessions_to_progress")
    return _builder_action(
        request,
        patient_id,
        lambda ctx: programmes.set_thresholds(ctx, patient_id, {k: _int(form, k) for k in names}),
    )
