"""'Am I getting better?': the progress page (the patient's "My progress" and the
clinician's view of it), flare-ups, clinician notes and the progress report PDF. The
charts and statements come from services/tracking.py and reports/progress_charts.py,
the same as the PDF."""

from __future__ import annotations

import secrets
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.reports.progress_charts import progress_charts
from painpath.reports.progress_report import progress_pdf
from painpath.services import calendar, tracking
from painpath.services.checkins import catalog_for
from painpath.services.errors import InvalidInput
from painpath.web.auth import FormFields, checked_form, request_context
from painpath.web.citations import Citations
from painpath.web.params import RecordId
from painpath.web.safety_view import safety_context
from painpath.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


def _page(request: Request, patient_id: int, status: int = 200, **extra):
    ctx = request_context(request)
    found = tracking.progress(ctx, patient_id)
    cite = Citations(catalog_for(ctx).references)
    marks = [cite(s.sources) for s in found.statements]
    return render(
        request,
        "progress.html",
        status_code=status,
        progress=found,
        charts=progress_charts(found),
        marks=marks,
        references=cite.listing(),
        names={i: m.meta.short_name for i, m in catalog_for(ctx).instruments.items()},
        today=ctx.today().isoformat(),
        flare_key=secrets.token_urlsafe(16),
        calendar_status=calendar.status(ctx, patient_id),
        **safety_context(ctx, patient_id),
        **extra,
    )


@router.get("/patients/{patient_id}/progress")
def progress_page(request: Request, patient_id: RecordId):
    return _page(request, patient_id, changed=request.query_params.get("changed"))


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise InvalidInput({"started_on": f"{value[:20]!r} is not a date (YYYY-MM-DD)"}) from None


def _pain(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 2:
        raise InvalidInput({"pain": f"{value[:20]!r} is not a whole number from 0 to 10"})
    return int(value)


@router.post("/patients/{patient_id}/progress/flare-ups")
def flare_up(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    try:
        tracking.log_flare_up(
            ctx,
            patient_id,
            started_on=_day(form.get("started_on", "")),
            pain=_pain(form.get("pain", "")),
            note=form.get("note"),
            submission_key=form.get("submission_key", ""),
        )
    except InvalidInput as error:
        return _page(request, patient_id, 422, errors=error.errors, values=dict(form))
    return redirect(f"/patients/{patient_id}/progress?changed=flare-up#flare-ups")


@router.post("/patients/{patient_id}/progress/notes")
def note(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    try:
        tracking.add_note(ctx, patient_id, form.get("text", ""))
    except InvalidInput as error:
        return _page(request, patient_id, 422, errors=error.errors, values=dict(form))
    return redirect(f"/patients/{patient_id}/progress?changed=note#notes")


@router.get("/patients/{patient_id}/progress/report.pdf")
def report(request: Request, patient_id: RecordId):
    ctx = request_context(request)
    name, pdf = progress_pdf(ctx, patient_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


# --- calendar reminders ----------------------------------------------------------------------


@router.post("/patients/{patient_id}/calendar")
def make_calendar(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    token = calendar.create_feed(ctx, patient_id)
    # Shown once, on this response only: never in a redirect URL (which logs keep).
    link = ctx.settings.public_url(f"/calendar/{token}.ics")
    return _page(request, patient_id, calendar_link=link)


@router.post("/patients/{patient_id}/calendar/revoke")
def stop_calendar(request: Request, patient_id: RecordId, form: FormFields = Depends(checked_form)):
    calendar.revoke_feed(request_context(request), patient_id)
    return redirect(f"/patients/{patient_id}/progress?changed=calendar-stopped#calendar")


@router.get("/calendar/{token}.ics", name="calendar_feed")
def calendar_feed(request: Request, token: str):
    ctx = request_context(request)
    body = calendar.feed(ctx, token, ctx.settings.public_url("/"))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
    )
