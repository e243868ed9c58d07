"""Printable programme handouts (HTML -> PDF with WeasyPrint): one block per exercise
with its frames, steps, dose and when to stop, then a log table with a blank cell for
each day. Large type; the clinic's name at the top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from painpath.core.exercises import Dosage, Exercise
from painpath.figures.svg import still_frames

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def css_string(value: object) -> Markup:
    """Text for a CSS string inside <style> (e.g. a page footer's `content:`). HTML
    escaping is wrong there: entities are not decoded in <style>, so "Smith & Jones"
    would print as "Smith &amp; Jones". CSS escapes instead, which also keep the text
    from closing the string or the <style> element."""
    out = []
    for char in str(value):
        if char in '\\"\'<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup("".join(out))  # noqa: S704 - every character that matters is escaped


TEMPLATES.filters["css_string"] = css_string


@dataclass(frozen=True)
class HandoutItem:
    exercise: Exercise
    dosage: Dosage
    reasons: tuple[str, ...] = ()


def dose_words(exercise: Exercise, d: Dosage) -> str:
    amount = (
        f"{d.reps} repetitions"
        if d.reps
        else f"hold {d.hold_seconds} seconds"
        if d.hold_seconds
        else f"{d.minutes} minutes"
        if d.minutes
        else f"{d.breaths} breaths"
    )
    sides = ", each side" if exercise.laterality.value == "each_side" else ""
    return f"{d.sets} × {amount}{sides} · rest {d.rest_seconds} s · {d.days_per_week} days a week"


def handout_html(
    items: list[HandoutItem],
    *,
    clinic_name: str,
    person: str | None,
    start: date,
    days: int = 14,
    left_out: list[dict] | None = None,
) -> str:
    blocks = []
    for n, item in enumerate(items, start=1):
        frames = (
            # Our own renderer writes only numbers and escaped text.
            [Markup(svg) for svg in still_frames(item.exercise.figure, item.exercise.name, 0.62)]  # noqa: S704
            if item.exercise.figure
            else []
        )
        blocks.append(
            {
                "n": n,
                "ex": item.exercise,
                "dose": dose_words(item.exercise, item.dosage),
                "frames": frames,
                "reasons": item.reasons,
            }
        )
    day_list = [start + timedelta(days=i) for i in range(days)]
    return TEMPLATES.get_template("handout.html").render(
        blocks=blocks,
        clinic_name=clinic_name,
        person=person,
        start=start,
        days=day_list,
        left_out=left_out or [],
    )


PANGO_MISSING = (
    "Printing handouts needs the Pango text library, which this machine does not have. "
    "On Debian or Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
)


def handout_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint needs Pango, and only handouts need WeasyPrint, so the
    # rest of painpath runs on a machine without it.
    try:
        from weasyprint import HTML
    except OSError as error:
        from painpath.services.errors import Unavailable

        raise Unavailable(PANGO_MISSING) from error

    return HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf()
