"""A red flag stands until a clinician has recorded what was done (issue 15).

Tried the way a patient and a physiotherapist would: retaking the check-in, making a
programme, playing a paused one, and the clinician's list and record. Both databases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from painpath.services import patients, programmes, safety
from painpath.services.context import Services
from painpath.services.errors import Forbidden, InvalidInput, NotFound, OnHold
from painpath.store.models import AuditEvent, ExerciseLog, Programme, ProgrammeChange, SafetyReview
from tests.checkin_flow import run_checkin, start_own_checkin
from tests.factories import finished_checkin, make_patient, make_world
from tests.web_helpers import client_for, post_form, sign_in

EXAMPLE = json.loads((Path(__file__).parents[2] / "docs/examples/checkin-answers.json").read_text())
DAY = date(2026, 11, 20)
EMERGENCY = {**EXAMPLE, "saddle_numbness": True}
URGENT = {**EXAMPLE, "fever": True}  # back pain with a fever: same-day review


def at(services: Services, day: date, **settings) -> Services:
    return Services(
        services.settings.model_copy(update=settings) if settings else services.settings,
        services.db,
        lambda: datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
    )


def _signed_in(services: Services, person):
    client = client_for(services)
    return client, sign_in(client, person.email, person.password)


def _programme_with_a_session_yesterday(services, world):
    finished_checkin(services, world.record_a.id, EXAMPLE)
    view = programmes.create_from_checkin(world.patient_a.ctx(at(services, DAY)), world.record_a.id)
    programmes.log_exercise(
        world.patient_a.ctx(at(services, DAY)),
        world.record_a.id,
        view.items[0].id,
        day=DAY,
        completed=True,
        pain_during=2,
        pain_after=2,
        submission_key="yesterday",
    )
    return view


def _review(services, world, flag, **overrides):
    fields = {
        "outcome": "assessed_in_clinic",
        "action_taken": "Seen today; MRI normal.",
        "resume_programme": False,
        **overrides,
    }
    return safety.record_review(
        world.clinician_a.ctx(services), world.record_a.id, flag.kind, flag.event_id, **fields
    )


def test_retaking_the_checkin_does_not_clear_an_emergency(services):
    world = make_world(services)
    client, csrf = _signed_in(services, world.patient_a)
    pid = world.record_a.id
    stopped = run_checkin(
        client, csrf, start_own_checkin(client, csrf), {"safety": {"saddle_numbness": "yes"}}
    )
    assert "Emergency" in client.get(stopped.headers["location"]).text

    # A new check-in shows the open flag first ...
    url = start_own_checkin(client, csrf)
    first_step = client.get(url).text
    assert "A warning sign is waiting for a clinician" in first_step
    assert "Numbness around the back passage or genitals" in first_step
    assert "Taking the check-in again does not change this" in first_step
    # ... and answering "no" to everything does not make a programme possible.
    done = run_checkin(client, csrf, url)
    result = client.get(done.headers["location"]).text
    assert "A warning sign is waiting for a clinician" in result
    assert "See my home programme" not in result
    made = post_form(client, f"/patients/{pid}/programme", {}, csrf)
    assert made.status_code == 409
    assert "is still open" in made.text and "Make the programme" not in made.text
    home = client.get("/me").text
    assert "A warning sign is waiting for a clinician" in home and "Emergency" in home
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(Programme)) == 0


def test_a_clinician_review_is_recorded_once_audited_and_then_a_programme_can_be_made(services):
    world = make_world(services)
    pid = world.record_a.id
    finished_checkin(services, pid, EMERGENCY, day=DAY)
    finished_checkin(services, pid, EXAMPLE, day=DAY + timedelta(days=1))
    (flag,) = safety.status(world.clinician_a.ctx(services), pid).open
    assert flag.tier.value == "EMERGENCY" and flag.top.rule == "ces_saddle_numbness"
    with pytest.raises(OnHold, match="still open"):
        programmes.create_from_checkin(world.patient_a.ctx(services), pid)
    with pytest.raises(OnHold, match="Record what was done"):
        programmes.assign_protocol(world.clinician_a.ctx(services), pid, "desk_workers_hips")

    # Bad input names the problem and saves nothing.
    with pytest.raises(InvalidInput) as bad:
        _review(services, world, flag, outcome="cleared", action_taken=" ")
    assert set(bad.value.errors) == {"outcome", "action_taken"}
    # Only the care team records a review: not the patient, another clinician or an admin.
    for person, refusal in (
        (world.patient_a, Forbidden),
        (world.other_clinician, NotFound),
        (world.admin, Forbidden),
    ):
        with pytest.raises(refusal):
            safety.record_review(
                person.ctx(services),
                pid,
                flag.kind,
                flag.event_id,
                outcome="other",
                action_taken="Not mine to record.",
                resume_programme=False,
            )
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(SafetyReview)) == 0

    after = _review(services, world, flag)
    again = _review(services, world, flag)  # a double click: recorded once
    assert after.open == [] and len(again.reviews) == 1
    assert again.reviews[0].action_taken == "Seen today; MRI normal."
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(SafetyReview)) == 1
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "safety.review")
        ).all()
    assert len(events) == 1 and events[0].subject_id == str(flag.event_id)
    assert "MRI" not in (events[0].detail or "")  # the note is health data: not in the audit
    view = programmes.create_from_checkin(world.patient_a.ctx(services), pid)
    assert view.items


def test_a_morning_warning_sign_gets_its_rule_and_every_new_session_is_refused(services):
    world = make_world(services)
    pid = world.record_a.id
    view = _programme_with_a_session_yesterday(services, world)
    morning = at(services, DAY + timedelta(days=1), clinic_contact="Call 01632 960 123, 8am to 6pm")
    after, changes = programmes.morning_check(
        world.patient_a.ctx(morning),
        pid,
        day=DAY + timedelta(days=1),
        pain=3,
        stiffness=None,
        warning_signs=["fever"],
    )
    assert after.status == "paused" and [c.decision for c in changes] == ["stop_and_escalate"]
    (flag,) = safety.status(world.clinician_a.ctx(morning), pid).open
    # Back pain with a fever: the same rule, tier and timeframe as at a check-in.
    assert (flag.kind, flag.tier.value, flag.top.rule) == (
        "morning_check",
        "URGENT",
        "spinal_infection_urgent",
    )
    assert flag.top.timeframe == "Today"

    with pytest.raises(OnHold):
        programmes.log_exercise(
            world.patient_a.ctx(morning),
            pid,
            view.items[1].id,
            day=DAY + timedelta(days=1),
            completed=True,
            pain_during=1,
            pain_after=1,
            submission_key="after-the-sign",
        )
    client, csrf = _signed_in(morning, world.patient_a)
    player = client.get(f"/patients/{pid}/programme/play/{view.items[1].id}")
    assert player.status_code == 303 and player.headers["location"].endswith("#safety")
    logged = post_form(
        client,
        f"/patients/{pid}/programme/items/{view.items[1].id}/log",
        {
            "outcome": "done",
            "pain_during": "1",
            "pain_after": "1",
            "submission_key": "web-after-the-sign",
        },
        csrf,
    )
    assert logged.status_code == 409
    page = logged.text
    assert "Back pain with fever" in page and "Speak to a doctor today" in page
    assert "Call 01632 960 123, 8am to 6pm" in page  # how to reach the clinic
    assert "Start today&#39;s session" not in page and "Carry on with today" not in page
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(ExerciseLog)) == 1


def test_something_else_that_worries_a_person_still_goes_to_a_human(services):
    world = make_world(services)
    _programme_with_a_session_yesterday(services, world)
    morning = at(services, DAY + timedelta(days=1))
    programmes.morning_check(
        world.patient_a.ctx(morning),
        world.record_a.id,
        day=DAY + timedelta(days=1),
        pain=2,
        stiffness=None,
        warning_signs=["something_else"],
    )
    (flag,) = safety.status(world.patient_a.ctx(morning), world.record_a.id).open
    assert flag.tier.value == "URGENT" and flag.top.rule == "recheck_fallback"
    with pytest.raises(InvalidInput, match="Unknown warning sign"):
        programmes.morning_check(
            world.patient_a.ctx(morning),
            world.record_a.id,
            day=DAY + timedelta(days=2),
            pain=2,
            stiffness=None,
            warning_signs=["made_up"],
        )


def test_a_checkin_that_stops_pauses_the_programme_already_running(services):
    world = make_world(services)
    client, csrf = _signed_in(services, world.patient_a)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    run_checkin(client, csrf, start_own_checkin(client, csrf), {"safety": {"fever": "yes"}})
    with services.db() as session:
        programme = session.scalars(select(Programme)).one()
        change = session.scalars(select(ProgrammeChange)).all()[-1]
    assert programme.status == "paused" and change.decision == "stop_and_escalate"
    assert "A check-in found a warning sign" in change.reason


def test_restarting_waits_for_every_flag_and_is_the_clinicians_choice(services):
    world = make_world(services)
    pid = world.record_a.id
    _programme_with_a_session_yesterday(services, world)
    morning = at(services, DAY + timedelta(days=1))
    programmes.morning_check(
        world.patient_a.ctx(morning),
        pid,
        day=DAY + timedelta(days=1),
        pain=2,
        stiffness=None,
        warning_signs=["weaker_leg"],
    )
    finished_checkin(services, pid, URGENT, day=DAY + timedelta(days=1))
    later = at(services, DAY + timedelta(days=2))  # the clinician looks the next day
    first, second = safety.status(world.clinician_a.ctx(later), pid).open
    with pytest.raises(OnHold):
        safety.resume_programme(world.clinician_a.ctx(later), pid)
    _review(later, world, first, resume_programme=True)  # another flag still stands
    assert safety.status(world.patient_a.ctx(later), pid).programme_paused
    _review(later, world, second, outcome="urgent_care", resume_programme=False)
    status = safety.status(world.patient_a.ctx(later), pid)
    assert status.open == [] and status.programme_paused  # reviewed, not restarted
    with pytest.raises(Forbidden):  # the patient sees their record but cannot restart it
        safety.resume_programme(world.patient_a.ctx(later), pid)
    safety.resume_programme(world.clinician_a.ctx(later), pid)
    assert not safety.status(world.patient_a.ctx(later), pid).programme_paused
    with services.db() as session:
        decisions = session.scalars(select(ProgrammeChange.decision)).all()
    assert decisions[-1] == "resumed"


def test_open_flags_and_paused_programmes_lead_the_clinicians_list(services):
    world = make_world(services)
    calm = make_patient(services, world.clinician_a, "Aaron Calm")
    urgent = make_patient(services, world.clinician_a, "Zed Urgent")
    finished_checkin(services, urgent.id, URGENT, day=DAY)
    finished_checkin(services, world.record_a.id, EMERGENCY, day=DAY + timedelta(days=1))
    listed = patients.list_patients(world.clinician_a.ctx(services))
    assert [p.display_name for p in listed] == ["Ada Patient", "Zed Urgent", "Aaron Calm"]
    assert [p.open_flag_tier.value if p.open_flag_tier else None for p in listed] == [
        "EMERGENCY",
        "URGENT",
        None,
    ]
    client, _ = _signed_in(services, world.clinician_a)
    page = client.get("/patients").text
    assert page.index("Ada Patient") < page.index("Zed Urgent") < page.index("Aaron Calm")
    assert "1 open warning sign since" in page
    record = client.get(f"/patients/{calm.id}").text
    assert "Open warning sign" not in record
    record = client.get(f"/patients/{world.record_a.id}").text
    assert "Open warning sign" in record and "Record what was done" in record


def test_the_clinician_records_a_review_on_the_web(services):
    world = make_world(services)
    pid = world.record_a.id
    finished_checkin(services, pid, EMERGENCY)
    (flag,) = safety.status(world.clinician_a.ctx(services), pid).open
    client, csrf = _signed_in(services, world.clinician_a)
    url = f"/patients/{pid}/safety/checkin/{flag.event_id}/review"
    missing = post_form(client, url, {"outcome": "", "action_taken": ""}, csrf)
    assert missing.status_code == 422 and "Say what was done" in missing.text
    saved = post_form(
        client,
        url,
        {"outcome": "emergency_care", "action_taken": "Sent to A&E by ambulance."},
        csrf,
    )
    assert saved.status_code == 303
    record = client.get(saved.headers["location"]).text
    assert "Warning signs reviewed" in record and "Sent to A&amp;E by ambulance." in record
    assert "Open warning sign" not in record


def test_a_stopped_checkin_shows_clinicians_only_the_flag(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EMERGENCY)
    (flag,) = safety.status(world.clinician_a.ctx(services), world.record_a.id).open
    client, _ = _signed_in(services, world.clinician_a)
    page = client.get(f"/patients/{world.record_a.id}/checkins/{flag.event_id}").text
    assert "Numbness around the back passage or genitals" in page
    for judged_from_half_the_answers in (
        "Stratification",
        "support needs",
        "What kind of back pain",
        "Programme-ready",
    ):
        assert judged_from_half_the_answers not in page


@pytest.mark.parametrize(
    ("during", "after", "advised"), [(6, 2, True), (3, 6, True), (5, 5, False)]
)
def test_pain_above_the_limit_says_what_the_model_will_do_and_what_to_do_now(
    services, during, after, advised
):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    view = programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    client, csrf = _signed_in(services, world.patient_a)
    item = view.items[0]
    logged = post_form(
        client,
        f"/patients/{world.record_a.id}/programme/items/{item.id}/log",
        {
            "outcome": "done",
            "pain_during": str(during),
            "pain_after": str(after),
            "submission_key": "painful",
        },
        csrf,
    )
    assert logged.status_code == 303
    nxt = client.get(logged.headers["location"]).text
    overview = client.get(f"/patients/{world.record_a.id}/programme").text
    for page in (nxt, overview):
        assert ("hurt more than it should" in page) is advised
    if advised:
        assert f"{item.exercise.name} hurt more than it should" in overview
        assert "make this exercise easier" in overview and "Do not do it again today" in overview
