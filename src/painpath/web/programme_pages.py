"""The patient's programme: today's session, the guided player (one exercise at a time,
then pain during and after), and the next-morning check that adapts the programme.
Works without JavaScript; a small script adds the hold timer, rep counter and spoken
cues."""

from __future__ import annotations

import secrets
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.figures.svg import animation, still_frames
from painpath.services import patients, programmes
from painpath.services.errors import InvalidInput, NotFound
from painpath.web.auth import FormFields, checked_form, request_context
from painpath.web.library_pages import svg
from painpath.web.params import RecordId
from painpath.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


def _url(pid: int) -> str:
    return f"/patients/{pid}/programme"


def _int(form: FormFields, name: str) -> int | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return -1  # reported as out of range by the service


@router.get("/patients/{patient_id}/programme")
def programme_page(request: Request, patient_id: RecordId):
    ctx = request_context(request)
    overview = patients.get_patient(ctx, patient_id)
    view = programmes.current(ctx, patient_id)
    figures = {}
    if view:
        for item in view.items:
            if item.exercise.figure:
                figures[item.id] = svg(
                    still_frames(item.exercise.figure, item.exercise.name, 0.5)[-1]
                )
    return render(
        request,
        "programme/overview.html",
        overview=overview,
        view=view,
        figures=figures,
        changed=request.query_params.get("changed"),
        today=ctx.now().date().isoformat(),
        **_builder_context(ctx),
    )


@router.post("/patients/{patient_id}/programme")
def programme_create(
    request: Request, patient_id: RecordId, _form: FormFields = Depends(checked_form)
):
    ctx = request_context(request)
    try:
        programmes.create_from_checkin(ctx, patient_id)
    except InvalidInput as error:
        overview = patients.get_patient(ctx, patient_id)
        return render(
            request,
            "programme/overview.html",
            status_code=422,
            overview=overview,
            view=None,
            figures={},
            errors=error.errors,
            today=ctx.now().date().isoformat(),
        )
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
    item = view.items[index]
    figure = item.exercise.figure
    return render(
        request,
        "programme/player.html",
        view=view,
        item=item,
        number=index + 1,
        anim=svg(animation(figure, item.exercise.name)) if figure else None,
        stills=[svg(s) for s in still_frames(figure, item.exercise.name, 0.6)] if figure else [],
        submission_key=secrets.token_urlsafe(16),
        today=ctx.now().date().isoformat(),
    )


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
            day=ctx.now().date(),
            completed=completed,
            pain_during=_int(form, "pain_during") if completed else None,
            pain_after=_int(form, "pain_after") if completed else None,
            submission_key=form.get("submission_key", ""),
        )
    except InvalidInput as error:
        current = programmes.current(ctx, patient_id)
        item = next((i for i in current.items if i.id == item_id), None) if current else None
        if current is None or item is None:
            raise NotFound("programme exercise") from None
        figure = item.exercise.figure
        return render(
            request,
            "programme/player.html",
            status_code=422,
            view=current,
            item=item,
            number=current.items.index(item) + 1,
            anim=svg(animation(figure, item.exercise.name)) if figure else None,
            stills=[svg(s) for s in still_frames(figure, item.exercise.name, 0.6)]
            if figure
            else [],
            submission_key=form.get("submission_key", ""),
            errors=error.errors,
            values=dict(form),
            today=ctx.now().date().isoformat(),
        )
    remaining = [i for i in view.items if not i.done_today and i.id != item_id]
    if remaining:
        return redirect(f"{_url(patient_id)}/play/{remaining[0].id}")
    return redirect(f"{_url(patient_id)}?changed=session-done")


@router.post("/patients/{patient_id}/programme/morning")
def morning(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    pain = _int(form, "pain")
    try:
        _, changes = programmes.morning_check(
            ctx,
            patient_id,
            day=ctx.now().date(),
            pain=pain,
            stiffness=_int(form, "stiffness"),
            warning_sign=form.get("warning_sign") == "yes",
        )
    except InvalidInput as error:
        overview = patients.get_patient(ctx, patient_id)
        view = programmes.current(ctx, patient_id)
        return render(
            request,
            "programme/overview.html",
            status_code=422,
            overview=overview,
            view=view,
            figures={},
            errors=error.errors,
            values=dict(form),
            today=date.today().isoformat(),
        )
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
        overview = patients.get_patient(ctx, patient_id)
        view = programmes.current(ctx, patient_id)
        return render(
            request,
            "programme/overview.html",
            status_code=422,
            overview=overview,
            view=view,
            figures={},
            errors=error.errors,
            today=ctx.now().date().isoformat(),
            **_builder_context(ctx),
        )
    return redirect(f"{_url(patient_id)}#builder")


def _builder_context(ctx) -> dict:
    from painpath.core.accounts import Role
    from painpath.services.checkins import catalog_for

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
    values = {
        k: _int(form, k) for k in ("sets", "reps", "hold_seconds", "minutes", "days_per_week")
    }
    return _builder_action(
        request, patient_id, lambda ctx: programmes.set_dosage(ctx, patient_id, item_id, values)
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
    template_id = _int(form, "template") or 0
    return _builder_action(
        request, patient_id, lambda ctx: programmes.assign_template(ctx, patient_id, template_id)
    )


@router.post("/patients/{patient_id}/programme/thresholds")
def set_thresholds(
    request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)
):
    names = ("during_max", "after_max", "morning_tolerance", "sessions_to_progress")
    values = {k: _int(form, k) for k in names}
    return _builder_action(
        request, patient_id, lambda ctx: programmes.set_thresholds(ctx, patient_id, values)
    )
