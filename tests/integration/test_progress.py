"""'Am I getting better?' (issue 11): the progress page, its charts and statements, the
progress report PDF, flare-ups and clinician notes, on both databases."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfReader
from sqlalchemy import func, select

from painpath.services import instruments, programmes, tracking
from painpath.services.context import Services
from painpath.store.models import AuditEvent, ClinicianNote, FlareUp
from tests.factories import finished_checkin, make_world
from tests.integration.test_safety_loop import EXAMPLE
from tests.web_helpers import client_for, post_form, sign_in

START = date(2026, 11, 2)  # a Monday


def at(services: Services, day: date) -> Services:
    return Services(
        services.settings,
        services.db,
        lambda: datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
    )


def _rmdq(services, world, day: date, ticked: int, key: str):
    instruments.record_instrument(
        world.clinician_a.ctx(at(services, day)),
        world.record_a.id,
        "rmdq",
        {str(i): 1 if i <= ticked else 0 for i in range(1, 25)},
        administered_on=day,
        source="paper",
        submission_key=key,
    )


def _three_weeks(services, world):
    """Baseline RMDQ 14, a programme, three weeks of sessions and morning checks with
    pain falling from 6 to 2, then RMDQ 7."""
    finished_checkin(services, world.record_a.id, EXAMPLE, day=START)
    view = programmes.create_from_checkin(
        world.patient_a.ctx(at(services, START)), world.record_a.id
    )
    _rmdq(services, world, START, 14, "baseline")
    for n in range(21):
        day = START + timedelta(days=n)
        if day.weekday() < 5:  # weekdays
            programmes.log_exercise(
                world.patient_a.ctx(at(services, day)),
                world.record_a.id,
                view.items[0].id,
                day=day,
                completed=True,
                pain_during=3,
                pain_after=2,
                submission_key=f"s{n}",
            )
        if n:
            programmes.morning_check(
                world.patient_a.ctx(at(services, day)),
                world.record_a.id,
                day=day,
                pain=max(2, 6 - n // 5),
                stiffness=None,
            )
    _rmdq(services, world, START + timedelta(days=28), 7, "week5")
    return at(services, START + timedelta(days=29))


def test_progress_says_what_changed_by_the_amount_that_matters(services):
    world = make_world(services)
    later = _three_weeks(services, world)
    found = tracking.progress(world.patient_a.ctx(later), world.record_a.id)
    texts = [s.text for s in found.statements]
    assert (
        "Your back-related disability has improved by more than the amount that matters to "
        "people: 7 points (from 14 to 7)." in texts
    )
    pain = next(s for s in found.statements if "morning pain (weekly average)" in s.text)
    assert pain.sources and any("smallest change that matters" in r for r in pain.reasons)
    assert found.adherence is not None and found.adherence.weeks[0].done == 5
    assert {d.instrument for d in found.due} >= {"rmdq"}


def test_the_progress_page_shows_charts_with_their_numbers(services):
    world = make_world(services)
    later = _three_weeks(services, world)
    client = client_for(later)
    sign_in(client, world.patient_a.email, world.patient_a.password)
    page = client.get(f"/patients/{world.record_a.id}/progress")
    assert page.status_code == 200
    assert (
        "My progress" in page.text and "improved by more than the amount that matters" in page.text
    )
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', page.text)
    titles = [base64.b64decode(data).decode() for data, _ in images]
    assert any("Morning pain" in svg and "Limit during exercise" in svg for svg in titles)
    assert any(
        "RMDQ" in svg and "Baseline (14)" in svg and "Change that matters (9)" in svg
        for svg in titles
    )
    assert all(alt for _, alt in images)
    assert '<th scope="row">' in page.text  # the data table behind each chart
    assert "Clinician notes" not in page.text


def test_the_report_pdf_for_the_patient_and_for_the_referrer(services):
    world = make_world(services)
    later = _three_weeks(services, world)
    for person, version in (
        (world.patient_a, "For the patient"),
        (world.clinician_a, "For the referring"),
    ):
        client = client_for(later)
        sign_in(client, person.email, person.password)
        response = client.get(f"/patients/{world.record_a.id}/progress/report.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        text = " ".join(text.split())
        assert version in text and "Progress report: Ada Patient" in text
        assert "improved by more than the amount that matters" in text
        assert "Sources" in text


def test_flare_ups_are_checked_saved_once_and_shown(services):
    world = make_world(services)
    later = _three_weeks(services, world)
    client = client_for(later)
    csrf = sign_in(client, world.patient_a.email, world.patient_a.password)
    url = f"/patients/{world.record_a.id}/progress/flare-ups"
    bad = post_form(
        client, url, {"started_on": "2026-12-31", "pain": "11", "submission_key": "f1"}, csrf
    )
    assert bad.status_code == 422
    assert "cannot be in the future" in bad.text and "11 is out of range 0–10" in bad.text
    good = {
        "started_on": "2026-11-25",
        "pain": "7",
        "note": "Lifted a suitcase",
        "submission_key": "f1",
    }
    assert post_form(client, url, good, csrf).status_code == 303
    assert post_form(client, url, good, csrf).status_code == 303  # sent twice: saved once
    with later.db() as session:
        assert session.scalar(select(func.count()).select_from(FlareUp)) == 1
    assert "Lifted a suitcase" in client.get(f"/patients/{world.record_a.id}/progress").text


def test_clinician_notes_are_for_the_care_team_only_and_audited(services):
    world = make_world(services)
    later = _three_weeks(services, world)
    clinician = client_for(later)
    csrf = sign_in(clinician, world.clinician_a.email, world.clinician_a.password)
    url = f"/patients/{world.record_a.id}/progress/notes"
    assert post_form(clinician, url, {"text": "Discussed pacing at work."}, csrf).status_code == 303
    assert (
        "Discussed pacing at work." in clinician.get(f"/patients/{world.record_a.id}/progress").text
    )
    patient = client_for(later)
    pcsrf = sign_in(patient, world.patient_a.email, world.patient_a.password)
    assert "Discussed pacing" not in patient.get(f"/patients/{world.record_a.id}/progress").text
    assert post_form(patient, url, {"text": "Mine"}, pcsrf).status_code == 403
    other = client_for(later)
    sign_in(other, world.other_clinician.email, world.other_clinician.password)
    assert other.get(f"/patients/{world.record_a.id}/progress").status_code in (403, 404)
    with later.db() as session:
        assert session.scalar(select(func.count()).select_from(ClinicianNote)) == 1
        events = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "clinician_note.create")
        ).all()
    assert events and not any("pacing" in (d or "") for d in events)


def test_painpath_report_writes_the_pdf(services, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from painpath.cli import app

    world = make_world(services)
    _three_weeks(services, world)
    monkeypatch.setenv("PAINPATH_DATABASE_URL", services.settings.resolved_database_url())
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(services.settings.data_dir))
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(app, ["report", str(world.record_a.id), "--pdf", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Progress report: Ada Patient" in " ".join(text.split())
    missing = CliRunner().invoke(app, ["report", "999999", "--pdf", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_a_private_calendar_feed_parses_and_revoked_links_are_refused(services):
    from icalendar import Calendar

    world = make_world(services)
    later = _three_weeks(services, world)
    client = client_for(later)
    csrf = sign_in(client, world.patient_a.email, world.patient_a.password)
    made = post_form(client, f"/patients/{world.record_a.id}/calendar", {}, csrf)
    assert made.status_code == 200
    link = re.search(r"(http://[^<\s]+/calendar/cal_[^<\s]+\.ics)", made.text).group(1)
    assert link.startswith("http://127.0.0.1:8000/calendar/")  # PAINPATH_BASE_URL unset
    path = link.removeprefix("http://127.0.0.1:8000")
    anonymous = client_for(later)
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.content)
    events = [c for c in cal.walk("VEVENT")]
    summaries = {str(e.get("summary")) for e in events}
    assert {"Home exercises", "Questionnaire due"} <= summaries
    sessions = next(e for e in events if str(e.get("summary")) == "Home exercises")
    assert sessions.get("rrule")["FREQ"] == ["WEEKLY"]
    assert "Ada" not in feed.text and "RMDQ" not in feed.text and "back" not in feed.text.lower()
    # Only a hash is kept; a new link ends the old one, and stopping ends the new one.
    with later.db() as session:
        from painpath.store.models import CalendarFeed

        assert all(len(h) == 64 for h in session.scalars(select(CalendarFeed.token_hash)))
    again = post_form(client, f"/patients/{world.record_a.id}/calendar", {}, csrf)
    assert anonymous.get(path).status_code == 404
    newer = re.search(r"/calendar/(cal_[^<\s]+)\.ics", again.text).group(0)
    assert anonymous.get(newer).status_code == 200
    post_form(client, f"/patients/{world.record_a.id}/calendar/revoke", {}, csrf)
    assert anonymous.get(newer).status_code == 404
    assert anonymous.get("/calendar/cal_guess.ics").status_code == 404
    other = client_for(later)
    ocsrf = sign_in(other, world.patient_b.email, world.patient_b.password)
    assert post_form(other, f"/patients/{world.record_a.id}/calendar", {}, ocsrf).status_code in (
        403,
        404,
    )


def test_due_measures_are_on_the_patients_home_page(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE, day=START)
    today = at(services, START + timedelta(days=2))  # baseline window open, nothing scored
    client = client_for(today)
    sign_in(client, world.patient_a.email, world.patient_a.password)
    home = client.get("/me").text
    assert "Due now" in home and "RMDQ (baseline)" in home
    _rmdq(services, world, START + timedelta(days=1), 10, "b")
    assert "RMDQ (baseline)" not in client.get("/me").text
