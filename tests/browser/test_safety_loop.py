"""The care loop keeps a red flag, in a real browser (issue 15): after an emergency a
patient on a phone retakes the check-in and answers "no" to everything, and still gets
no programme; the clinician finds them at the top of the list, records what was done,
and only then can a programme be made."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from painpath.core.accounts import Role
from painpath.services import programmes
from painpath.services.context import Services
from tests.browser.conftest import sign_in, submit
from tests.browser.server import fill_step
from tests.browser.test_programme import EXAMPLE, server_services
from tests.factories import PASSWORD, finished_checkin, link_account, make_patient, make_user

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
# A check-in with no warning sign at all (the rest as fill_step answers it).
NOTHING_WORRYING = {
    "start": {"respondent": "self", "age": "44", "sex": "female", "region": "back"},
    "health": {"duration": "2_to_6_weeks", "course": "better"},
    "onset": {"onset": "gradual"},
    "pattern": {"night_pain": "when_moving", "rest_pain": "eases", "movement_effect": "changes"},
}


def _answer_to_the_end(page, plan: dict | None = None) -> None:
    plan = plan or {}
    for _ in range(20):
        match = re.search(r"/steps/(\w+)", page.url)
        if not match:
            return
        fill_step(page, plan.get(match.group(1), {}))
        submit(page, page.get_by_role("button", name="Save and continue"))
    pytest.fail("the check-in did not end")


def test_an_emergency_stands_until_a_clinician_records_what_was_done(new_context, server):
    services = server_services(server)
    clinician = make_user(services, Role.clinician)
    person = make_user(services, Role.patient)
    record = make_patient(services, clinician, "Robin Flagged")
    link_account(services, record, person)

    patient = new_context(viewport=PHONE).new_page()
    sign_in(patient, person.email, PASSWORD, lands_on="/me")
    submit(patient, patient.get_by_role("button", name="Start a check-in"))
    _answer_to_the_end(patient, {**NOTHING_WORRYING, "safety": {"bladder_change": "yes"}})
    expect(patient.get_by_role("alert")).to_contain_text("emergency department now")

    # Minutes later: a new check-in, "no" to everything. The flag is shown first ...
    patient.goto("/me")
    expect(
        patient.get_by_role("heading", name="A warning sign is waiting for a clinician")
    ).to_be_visible()
    submit(patient, patient.get_by_role("button", name="Start a check-in"))
    expect(patient.locator("#safety")).to_contain_text("New bladder or bowel problems")
    _answer_to_the_end(patient, NOTHING_WORRYING)
    expect(patient.get_by_role("heading", level=1)).to_have_text("Your check-in result")
    expect(patient.locator("#safety")).to_be_visible()
    expect(patient.get_by_role("link", name="See my home programme")).to_have_count(0)
    # ... and no programme can be made.
    patient.goto(f"/patients/{record.id}/programme")
    expect(patient.get_by_text("No programme is made while a warning sign is open")).to_be_visible()
    expect(patient.get_by_role("button", name=re.compile("Make the programme"))).to_have_count(0)
    assert patient.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The clinician sees the patient first, with the tier, and records what was done.
    desk = new_context().new_page()
    sign_in(desk, clinician.email, PASSWORD, lands_on="/patients")
    first_row = desk.locator("tbody tr").first
    expect(first_row).to_contain_text("Robin Flagged")
    expect(first_row).to_contain_text("EMERGENCY")
    first_row.get_by_role("link", name="Robin Flagged").click()
    desk.get_by_label("What was done", exact=True).select_option("emergency_care")
    desk.get_by_label(re.compile("Note for the record")).fill(
        "Phoned at 10:05; sent to A&E; MRI showed no compression."
    )
    submit(desk, desk.get_by_role("button", name="Record what was done"))
    expect(desk.get_by_role("status")).to_contain_text("Recorded")
    expect(desk.locator("#safety-reviews")).to_contain_text("Sent for emergency care")

    # Now the latest (clean) check-in can become a programme.
    patient.reload()
    submit(patient, patient.get_by_role("button", name=re.compile("Make the programme")))
    expect(patient.get_by_role("heading", level=1)).to_have_text("Your home programme")
    expect(patient.locator(".programme-item").first).to_be_visible()


def _programme_done_yesterday(server, name: str):
    """A linked patient whose programme had a session yesterday: the morning check is due."""
    services = server_services(server)
    clinician = make_user(services, Role.clinician)
    person = make_user(services, Role.patient)
    record = make_patient(services, clinician, name)
    link_account(services, record, person)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    past = Services(services.settings, services.db, lambda: yesterday)
    finished_checkin(services, record.id, EXAMPLE, day=yesterday.date())
    view = programmes.create_from_checkin(person.ctx(past), record.id)
    programmes.log_exercise(
        person.ctx(past),
        record.id,
        view.items[0].id,
        day=yesterday.date(),
        completed=True,
        pain_during=2,
        pain_after=2,
        submission_key=f"browser-{name}",
    )
    return person, record, view


def test_a_morning_warning_sign_pauses_with_its_tier_action_and_timeframe(new_context, server):
    person, record, view = _programme_done_yesterday(server, "Sam Morning")

    page = new_context(viewport=PHONE).new_page()
    sign_in(page, person.email, PASSWORD, lands_on="/me")
    page.goto(f"/patients/{record.id}/programme")
    page.locator("input[name=pain][value='3']").check(force=True)
    page.get_by_label("A leg getting weaker, or new trouble walking").check()
    submit(page, page.get_by_role("button", name="Save"))
    flag = page.locator("#safety")
    expect(flag).to_contain_text("Emergency")
    expect(flag).to_contain_text("Leg weakness that is getting worse")
    expect(flag).to_contain_text("Today – within hours")
    expect(flag).to_contain_text("How to reach your clinic")
    expect(page.get_by_role("link", name=re.compile("today's session", re.I))).to_have_count(0)
    # The player refuses too, and says why.
    page.goto(f"/patients/{record.id}/programme/play/{view.items[1].id}")
    expect(page).to_have_url(re.compile(r"/programme#safety$"))


def test_a_sign_noticed_after_the_morning_check_can_still_be_reported(new_context, server):
    """All well at the morning check; at lunchtime a new warning sign: the page always
    offers a way to report it, and it is kept and raised, not dropped."""
    person, record, _view = _programme_done_yesterday(server, "Lee Later")
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, person.email, PASSWORD, lands_on="/me")
    page.goto(f"/patients/{record.id}/programme")
    page.locator("input[name=pain][value='2']").check(force=True)
    submit(page, page.get_by_role("button", name="Save"))
    expect(page.locator("#safety")).to_have_count(0)
    # Later the same day.
    page.get_by_text("Noticed a warning sign since your last session?").click()
    report = page.locator("#report-sign")
    report.locator("input[name=pain][value='4']").check(force=True)
    report.get_by_label("New trouble passing urine, or leaking urine or stools").check()
    submit(page, report.get_by_role("button", name="Report it"))
    flag = page.locator("#safety")
    expect(flag).to_contain_text("Emergency")
    expect(flag).to_contain_text("New bladder or bowel problems")
    expect(page.get_by_role("link", name=re.compile("today's session", re.I))).to_have_count(0)
