"""The progress report PDF (WeasyPrint): warning signs and their reviews first, then
change against baseline with its reasons, the same charts as the progress page,
adherence, the programme and flare-ups. Two readers: the patient (plain statements)
and the referring clinician (with reasons, thresholds, clinician actions and review
notes)."""

from __future__ import annotations

from painpath.core.accounts import Role
from painpath.reports.handout import TEMPLATES, dose_words, handout_pdf
from painpath.reports.progress_charts import progress_charts
from painpath.services import programmes, safety, tracking
from painpath.services.checkins import catalog_for
from painpath.services.context import Context


def progress_html(ctx: Context, patient_id: int) -> str:
    found = tracking.progress(ctx, patient_id)
    status = safety.status(ctx, patient_id)
    programme = programmes.current(ctx, patient_id)
    references = catalog_for(ctx).references
    keys: list[str] = []
    marks = []
    for statement in found.statements:
        numbers = []
        for key in statement.sources:
            if key not in keys:
                keys.append(key)
            numbers.append(keys.index(key) + 1)
        marks.append(numbers)
    return TEMPLATES.get_template("progress_report.html").render(
        p=found,
        status=status,
        programme=programme,
        charts=progress_charts(found),
        marks=marks,
        references=[(n, k, references.get(k)) for n, k in enumerate(keys, start=1)],
        for_patient=ctx.actor.role is Role.patient,
        clinic_name=ctx.settings.clinic_name,
        today=ctx.today(),
        dose=dose_words,
    )


def progress_pdf(ctx: Context, patient_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) for the signed-in reader; each read inside is audited."""
    return f"progress-{patient_id}.pdf", handout_pdf(progress_html(ctx, patient_id))
