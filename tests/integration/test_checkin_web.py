"""The check-in on the web: step by step, saved each time, stopped by red flags,
safe against double submits and stale back buttons, and nothing saved half-way."""

from __future__ import annotations

import re

import textstat
from sqlalchemy import func, select

from painpath.store.models import Assessment, AuditEvent, InstrumentResponse
from tests.checkin_flow import NO_FLAGS, answer_step, start_own_checkin, step_form
from tests.factories import make_world
from tests.web_helpers import client_for, post_form, sign_in


def _patient_client(services):
    world = make_world(services)
    client = client_for(services)
    csrf = sign_in(client, world.patient_a.email, world.patient_a.password)
    return world, client, csrf


def test_patient_completes_a_checkin_and_sees_an_explained_result(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    for step, answers in NO_FLAGS.items():
        assert url.endswith(f"/steps/{step}"), (url, step)
        response = answer_step(client, csrf, url, answers)
        assert response.status_code == 303, response.text
        url = response.headers["location"]
    result = client.get(url)
    assert result.status_code == 200
    text = result.text
    assert "You do not need a scan now" in text
    assert "This is not an all-clear" in text  # never "cleared"
    assert "Sources" in text and 'id="ref-1"' in text
    # The page as the patient reads it (minus the list of sources) is plain English.
    main = re.search(r"<main.*?</main>", text, re.S).group(0)
    main = main.split('id="refs"')[0]
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
    assert textstat.flesch_kincaid_grade(words) <= 8, words[:400]
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
        assert row.status == "complete" and row.highest_tier is None
        assert row.result["content_version"] == row.content_version
        assert row.result["programme_inputs"]["equipment"] == ["mat", "chair"]
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"checkin.start", "checkin.step", "assessment.read"} <= actions


def test_red_flag_stops_the_checkin_at_once(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    url = answer_step(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    stop = answer_step(client, csrf, url, {**NO_FLAGS["safety"], "saddle_numbness": "yes"})
    assert stop.status_code == 303
    page = client.get(stop.headers["location"])
    assert "Emergency" in page.text and "emergency department now" in page.text
    assert "You said: numbness around the back passage or genitals: yes" in page.text
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.status == "stopped" and row.highest_tier == "EMERGENCY"
    assert "cancer_history" not in row.answers  # later steps never asked


def test_same_step_follow_up_appears_without_javascript(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    url = answer_step(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    response = answer_step(client, csrf, url, {**NO_FLAGS["safety"], "leg_pain": "one_leg"})
    assert response.status_code == 200  # same step again, with the follow-up question
    assert "Does the leg pain go below the knee?" in response.text
    assert "A few more questions" in response.text
    again = client.post(
        url,
        data=step_form(
            "safety",
            {**NO_FLAGS["safety"], "leg_pain": "one_leg", "leg_pain_below_knee": "no"},
            response.text,
            csrf,
        ),
    )
    assert again.status_code == 303 and again.headers["location"].endswith("/steps/health")


def test_out_of_range_and_missing_answers_are_named_and_nothing_is_saved(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    bad = answer_step(client, csrf, url, {**NO_FLAGS["start"], "age": "170", "region": ""})
    assert bad.status_code == 422
    assert "170 is out of range 1–110" in bad.text
    assert "Please answer this question" in bad.text
    assert 'value="170"' in bad.text  # what was typed is kept on the page
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.revision == 0 and row.step == "start"


def test_double_submit_is_recognised_not_applied_twice(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    page = client.get(url)
    form = step_form("start", NO_FLAGS["start"], page.text, csrf)
    first = client.post(url, data=form)
    second = client.post(url, data=form)  # the same form again (double click)
    assert first.status_code == 303 and second.status_code == 303
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.revision == 1 and row.step == "safety"


def test_stale_back_button_form_with_different_answers_is_refused(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    page = client.get(url)
    stale = step_form("start", {**NO_FLAGS["start"], "age": "40"}, page.text, csrf)
    client.post(url, data=step_form("start", NO_FLAGS["start"], page.text, csrf))
    refused = client.post(url, data=stale)
    assert refused.status_code == 422
    assert "changed in another window" in refused.text
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.answers["age"] == 38


def test_resume_later_continues_the_same_checkin(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    answer_step(client, csrf, url, NO_FLAGS["start"])
    again = start_own_checkin(client, csrf)
    assert again.endswith("/steps/safety")
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 1


def test_other_patient_cannot_open_or_answer_the_checkin(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    other = client_for(services)
    other_csrf = sign_in(other, world.patient_b.email, world.patient_b.password)
    assert other.get(url).status_code == 404
    assert (
        other.post(
            url, data={**NO_FLAGS["start"], "revision": "0", "csrf_token": other_csrf}
        ).status_code
        == 404
    )


def test_clinician_enters_a_paper_start_back_and_sees_it_in_history(services):
    world = make_world(services)
    client = client_for(services)
    csrf = sign_in(client, world.clinician_a.email, world.clinician_a.password)
    pid = world.record_a.id
    form = client.get(f"/patients/{pid}/instruments/sbst/new")
    assert form.status_code == 200 and "not loaded" in form.text
    key = re.search(r'name="submission_key" value="([^"]+)"', form.text).group(1)
    data = {f"item_{i}": "1" for i in range(1, 9)} | {"item_9": "4"}
    data |= {"administered_on": "2026-11-20", "submission_key": key, "source": "paper"}
    saved = post_form(client, f"/patients/{pid}/instruments/sbst", data, csrf)
    assert saved.status_code == 303
    twice = post_form(client, f"/patients/{pid}/instruments/sbst", data, csrf)
    assert twice.status_code == 303
    overview = client.get(f"/patients/{pid}")
    assert "STarT Back" in overview.text and "high" in overview.text
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(InstrumentResponse)) == 1


def test_clinician_bad_item_scores_name_every_item_and_save_nothing(services):
    world = make_world(services)
    client = client_for(services)
    csrf = sign_in(client, world.clinician_a.email, world.clinician_a.password)
    pid = world.record_a.id
    data = {
        "item_1": "1",
        "item_2": "7",
        "item_9": "9",
        "administered_on": "2026-11-20",
        "submission_key": "k1",
        "source": "paper",
    }
    response = post_form(client, f"/patients/{pid}/instruments/sbst", data, csrf)
    assert response.status_code == 422
    assert "Item 2" in response.text and "Item 9" in response.text
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(InstrumentResponse)) == 0


def test_loaded_licensed_text_is_shown_to_clinicians_when_administering(services):
    from painpath.services.instruments import load_text
    from painpath.services.runtime import system_context

    items = [
        {
            "linkId": str(n),
            "type": "choice",
            "text": f"Placeholder statement number {n}",
            "answerOption": [
                {"valueCoding": {"code": str(c), "display": f"answer {c}"}}
                for c in ((0, 1, 2, 3, 4) if n == 9 else (0, 1))
            ],
        }
        for n in range(1, 10)
    ]
    questionnaire = {"resourceType": "Questionnaire", "status": "active", "item": items}
    load_text(system_context(services), "sbst", questionnaire)
    world = make_world(services)
    client = client_for(services)
    sign_in(client, world.clinician_a.email, world.clinician_a.password)
    page = client.get(f"/patients/{world.record_a.id}/instruments/sbst/new")
    assert "Placeholder statement number 9" in page.text
    assert "answer 4" in page.text
    assert "not loaded" not in page.text


def test_an_urgent_flag_waits_for_the_safety_questions_before_stopping(services):
    # A 12-year-old with hip pain fires an URGENT rule on the first page, but the
    # check-in must still ask the safety questions, where an emergency could show.
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    start = {"respondent": "someone_else", "age": "12", "sex": "male", "region": "hip"}
    after_start = answer_step(client, csrf, url, start)
    assert after_start.headers["location"].endswith("/steps/safety")
    safety = {
        "leg_pain": "none",
        "leg_weakness": "none",
        "leg_numbness": "none",
        "walking_change": "no",
        "cannot_bear_weight": "no",
        "limp": "yes",
        "leg_short_turned_out": "no",
        "hot_swollen_hip": "no",
        "pale_cold_leg": "no",
        "groin_lump": "no",
        "fever": "no",
        "sudden_severe_pain": "no",
        "fainting": "no",
        "urine_symptoms": "no",
        "belly_symptoms": "no",
        "bladder_change": "no",
        "bowel_change": "no",
        "saddle_numbness": "no",
        "sexual_change": "no",
        "pulsing_belly": "no",
    }
    stopped = answer_step(client, csrf, after_start.headers["location"], safety)
    page = client.get(stopped.headers["location"])
    assert "Emergency" in page.text  # the limp made it SCFE: an emergency, not "urgent"
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.status == "stopped" and row.highest_tier == "EMERGENCY"


def test_a_form_for_a_later_step_cannot_skip_the_safety_questions(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    answer_step(client, csrf, url, NO_FLAGS["start"])
    later = url.replace("/steps/start", "/steps/context")
    response = client.post(later, data={**NO_FLAGS["context"], "revision": "1", "csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/steps/safety")
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.status == "in_progress" and "sitting_hours" not in row.answers


def test_an_emergency_answer_stops_even_when_follow_up_questions_would_appear(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    url = answer_step(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    response = answer_step(
        client, csrf, url, {**NO_FLAGS["safety"], "bladder_change": "yes", "fever": "yes"}
    )
    assert response.status_code == 303  # not the follow-up page for the temperature
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.status == "stopped" and row.highest_tier == "EMERGENCY"


def test_odd_numbers_are_refused_not_crashed_on(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    for odd in ("--5", "5²", "²"):
        response = answer_step(client, csrf, url, {**NO_FLAGS["start"], "age": odd})
        assert response.status_code == 422, odd


def test_a_known_aneurysm_asks_whether_the_pain_is_new_before_deciding(services):
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    start = {"respondent": "self", "age": "55", "sex": "male", "region": "back"}
    url = answer_step(client, csrf, url, start).headers["location"]
    url = answer_step(client, csrf, url, NO_FLAGS["safety"]).headers["location"]
    # Pain of 6 weeks to 3 months, getting better: only "is it new?" can make it urgent.
    health = {
        **NO_FLAGS["health"],
        "known_aneurysm": "yes",
        "duration": "6_to_12_weeks",
        "course": "better",
    }
    asked = answer_step(client, csrf, url, health)
    assert asked.status_code == 200  # the follow-up, not a stop
    assert "Is this pain new, or different from pain you have had before?" in asked.text
    # Long-standing and unchanged: the check-in carries on.
    unchanged = answer_step(client, csrf, url, {**health, "pain_change": "unchanged"})
    assert unchanged.status_code == 303 and unchanged.headers["location"].endswith("/steps/where")
    # Another man with a known aneurysm, whose pain is new: an emergency, however mild.
    client = client_for(services)
    csrf = sign_in(client, world.patient_b.email, world.patient_b.password)
    url = start_own_checkin(client, csrf)
    url = answer_step(client, csrf, url, start).headers["location"]
    url = answer_step(client, csrf, url, NO_FLAGS["safety"]).headers["location"]
    answer_step(client, csrf, url, health)
    stopped = answer_step(client, csrf, url, {**health, "pain_change": "new"})
    page = client.get(stopped.headers["location"]).text
    assert "New or changed pain with a known aortic aneurysm" in page
    assert "even if the pain is not severe" in page


def test_a_known_aneurysm_with_recent_pain_stops_whatever_the_follow_up_says(services):
    """'Long-standing and unchanged' contradicted by 'less than 2 weeks': recent wins."""
    world, client, csrf = _patient_client(services)
    url = start_own_checkin(client, csrf)
    start = {"respondent": "self", "age": "70", "sex": "male", "region": "back"}
    url = answer_step(client, csrf, url, start).headers["location"]
    url = answer_step(client, csrf, url, NO_FLAGS["safety"]).headers["location"]
    health = {
        **NO_FLAGS["health"],
        "known_aneurysm": "yes",
        "duration": "under_2_weeks",
        "course": "same",
        "pain_change": "unchanged",
    }
    stopped = answer_step(client, csrf, url, health)
    assert stopped.status_code == 303 and "/steps/" not in stopped.headers["location"]
    page = client.get(stopped.headers["location"]).text
    assert "New or changed pain with a known aortic aneurysm" in page
