"""The check-in in a real browser: a red flag stops it at once; a full check-in ends in
an explained result with a programme-ready summary; a clinician enters a paper
STarT Back and sees it in the patient's scores."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import submit
from tests.browser.server import fill_step

pytestmark = pytest.mark.browser


def test_checkin_stops_at_once_on_a_red_flag(signed_in):
    page = signed_in("patient")
    submit(page, page.get_by_role("button", name=re.compile("check-in", re.I)))
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    fill_step(page, {"respondent": "self", "age": "47", "sex": "male", "region": "back"})
    submit(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety questions")
    fill_step(page, {"saddle_numbness": "yes"})
    submit(page, page.get_by_role("button", name="Save and continue"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Emergency")
    expect(alert).to_contain_text("emergency department now")
    expect(
        page.get_by_text("You said: numbness around the back passage or genitals: yes")
    ).to_be_visible()
    # The footnote opens the reference it points to.
    page.locator(".flag .cites a").first.click()
    expect(page.locator("li:target")).to_contain_text("http")
    # The patient's home shows the stopped check-in; no more questions are asked.
    page.goto("/me")
    expect(page.get_by_text("Stopped (needs a clinician)")).to_be_visible()


def test_clinician_checkin_ends_in_result_with_programme_summary(signed_in):
    page = signed_in("clinician")
    page.get_by_role("link", name="Alex Morgan").first.click()
    submit(page, page.get_by_role("button", name=re.compile("check-in", re.I)))
    plan = {
        "start": {"respondent": "self", "age": "52", "sex": "female", "region": "hip"},
        "where": {"pain_areas": "outer_hip_left thigh_front_left"},
        "health": {"duration": "6_to_12_weeks", "course": "same"},
        "onset": {"onset": "gradual"},
        "context": {"sitting_hours": "9", "equipment": "mat chair", "minutes_per_day": "20"},
    }
    for _ in range(15):
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading.startswith("Check-in:"):
            break
        step = re.search(r"/steps/(\w+)", page.url).group(1)
        fill_step(page, plan.get(step, {}))
        submit(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check-in:")
    expect(page.get_by_role("heading", name="Programme-ready summary")).to_be_visible()
    expect(page.get_by_text("not a validated tool").first).to_be_visible()
    expect(page.get_by_text("STarT Back is not recommended for hip pain")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()


def test_clinician_enters_paper_start_back(signed_in):
    page = signed_in("clinician")
    page.get_by_role("link", name="Alex Morgan").first.click()
    page.get_by_text("Enter a questionnaire").click()
    page.get_by_role("link", name="Keele STarT Back Screening Tool").click()
    expect(page.get_by_text("enter the item scores from the paper form")).to_be_visible()
    for item in range(1, 9):
        page.get_by_label(re.compile(rf"^{item}\. ")).select_option(
            "1" if item in (1, 5, 6, 7) else "0"
        )
    page.get_by_label(re.compile(r"^9\. ")).select_option("3")
    submit(page, page.get_by_role("button", name="Score and save"))
    expect(page.get_by_role("status")).to_contain_text("Score saved")
    scores = page.locator("#scores")
    expect(scores.get_by_role("heading", name="STarT Back")).to_be_visible()
    # items 1, 5, 6, 7 agree and item 9 "very much": total 5, psychosocial 4 -> high
    expect(scores.locator("tbody tr").last).to_contain_text("high")
