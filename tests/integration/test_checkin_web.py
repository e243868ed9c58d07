"""The check-in on the web: step by step, saved each time, stopped by red flags,
safe against double submits and stale back buttons, and nothing saved half-way."""

from __future__ import annotations

import re

import textstat
from sqlalchemy import func, select

from painpath.store.models import Assessment, AuditEvent, InstrumentResponse
from tests.factories import make_world
from tests.web_helpers import client_for, post_form, sign_in

STEP_URL = re.compile(r"/patients/(\d+)/checkins/(\d+)/steps/(\w+)")

NO_FLAGS = {
    "start": {"respondent": "self", "age": "38", "sex": "female", "region": "back"},
    "safety": {
        "bladder_change": "no",
        "bowel_change": "no",
        "saddle_numbness": "no",
        "sexual_change": "no",
        "leg_pain": "none",
        "leg_weakness": "none",
        "walking_change": "no",
        "fever": "no",
        "sudden_severe_pain": "no",
        "fainting": "no",
        "pulsing_belly": "no",
        "urine_symptoms": "no",
        "belly_symptoms": "no",
    },
    "health": {
        "cancer_history": "no",
        "weight_loss": "no",
        "trauma": "none",
        "steroid_use": "no",
        "osteoporosis": "no",
        "immunosuppressed": "no",
        "recent_infection": "no",
        "injects_drugs": "no",
        "recent_procedure": "no",
        "prior_back_surgery": "no",
        "diabetes": "no",
        "alcohol_heavy": "no",
        "smoker": "no",
    },
    "where": {"pain_areas": ["low_back_centre", "low_back_left"], "pain_elsewhere": "no"},
    "onset": {"onset": "gradual", "duration": "2_to_6_weeks", "course": "better"},
    "pain": {"pain_now": "3", "pain_average": "4", "pain_worst": "6"},
    "pattern": {
        "night_pain": "when_moving",
        "rest_pain": "eases",
        "morning_stiffness_long": "no",
        "movement_effect": "changes",
    },
    "function": {"activities_1_activity": "Gardening", "activities_1_score": "4"},
    "beliefs": {
        "belief_consequences": "5",
        "belief_timeline": "8",
        "belief_personal_control": "2",
        "belief_treatment_control": "7",
        "belief_symptoms": "4",
        "belief_concern": "5",
        "belief_understanding": "6",
        "belief_emotional": "4",
    },
    "context": {
        "sitting_hours": "8",
        "sport": "none",
        "falls_or_unsteady": "no",
        "can_exercise_standing": "yes",
        "activities_liked": ["walking", "swimming"],
        "equipment": ["mat", "chair"],
        "minutes_per_day": "15",
    },
}


def _form(step: str, answers: dict, html: str, csrf: str) -> dict:
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    shown = re.findall(r'name="shown" value="(\w+)"', html)
    return {**answers, "revision": revision, "shown": shown, "csrf_token": csrf}


def _patient_client(services):
    world = make_world(services)
    client = client_for(services)
    csrf = sign_in(client, world.patient_a.email, world.patient_a.password)
    return world, client, csrf


def _start(client, csrf) -> str:
    response = post_form(client, "/me/checkin", {}, csrf)
    assert response.status_code == 303
    return response.headers["location"]


def _answer(client, csrf, url: str, answers: dict):
    page = client.get(url)
    assert page.status_code == 200, page.text
    step = STEP_URL.search(url).group(3)
    return client.post(url, data=_form(step, answers, page.text, csrf))


def test_patient_completes_a_checkin_and_sees_an_explained_result(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    for step, answers in NO_FLAGS.items():
        assert url.endswith(f"/steps/{step}"), (url, step)
        response = _answer(client, csrf, url, answers)
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
    url = _start(client, csrf)
    url = _answer(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    stop = _answer(client, csrf, url, {**NO_FLAGS["safety"], "saddle_numbness": "yes"})
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
    url = _start(client, csrf)
    url = _answer(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    response = _answer(client, csrf, url, {**NO_FLAGS["safety"], "leg_pain": "one_leg"})
    assert response.status_code == 200  # same step again, with the follow-up question
    assert "Does the leg pain go below the knee?" in response.text
    assert "A few more questions" in response.text
    again = client.post(
        url,
        data=_form(
            "safety",
            {**NO_FLAGS["safety"], "leg_pain": "one_leg", "leg_pain_below_knee": "no"},
            response.text,
            csrf,
        ),
    )
    assert again.status_code == 303 and again.headers["location"].endswith("/steps/health")


def test_out_of_range_and_missing_answers_are_named_and_nothing_is_saved(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    bad = _answer(client, csrf, url, {**NO_FLAGS["start"], "age": "170", "region": ""})
    assert bad.status_code == 422
    assert "170 is out of range 1–110" in bad.text
    assert "Please answer this question" in bad.text
    assert 'value="170"' in bad.text  # what was typed is kept on the page
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.revision == 0 and row.step == "start"


def test_double_submit_is_recognised_not_applied_twice(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    page = client.get(url)
    form = _form("start", NO_FLAGS["start"], page.text, csrf)
    first = client.post(url, data=form)
    second = client.post(url, data=form)  # the same form again (double click)
    assert first.status_code == 303 and second.status_code == 303
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.revision == 1 and row.step == "safety"


def test_stale_back_button_form_with_different_answers_is_refused(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    page = client.get(url)
    stale = _form("start", {**NO_FLAGS["start"], "age": "40"}, page.text, csrf)
    client.post(url, data=_form("start", NO_FLAGS["start"], page.text, csrf))
    refused = client.post(url, data=stale)
    assert refused.status_code == 422
    assert "changed in another window" in refused.text
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.answers["age"] == 38


def test_resume_later_continues_the_same_checkin(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    _answer(client, csrf, url, NO_FLAGS["start"])
    again = _start(client, csrf)
    assert again.endswith("/steps/safety")
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 1


def test_other_patient_cannot_open_or_answer_the_checkin(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
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
    url = _start(client, csrf)
    start = {"respondent": "someone_else", "age": "12", "sex": "male", "region": "hip"}
    after_start = _answer(client, csrf, url, start)
    assert after_start.headers["location"].endswith("/steps/safety")
    safety = {
        "leg_pain": "none",
        "leg_weakness": "none",
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
    stopped = _answer(client, csrf, after_start.headers["location"], safety)
    page = client.get(stopped.headers["location"])
    assert "Emergency" in page.text  # the limp made it SCFE: an emergency, not "urgent"
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.status == "stopped" and row.highest_tier == "EMERGENCY"


def test_a_form_for_a_later_step_cannot_skip_the_safety_questions(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    _answer(client, csrf, url, NO_FLAGS["start"])
    later = url.replace("/steps/start", "/steps/context")
    response = client.post(later, data={**NO_FLAGS["context"], "revision": "1", "csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/steps/safety")
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.status == "in_progress" and "sitting_hours" not in row.answers


def test_an_emergency_answer_stops_even_when_follow_up_questions_would_appear(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    url = _answer(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    response = _answer(
        client, csrf, url, {**NO_FLAGS["safety"], "bladder_change": "yes", "fever": "yes"}
    )
    assert response.status_code == 303  # not the follow-up page for the temperature
    with services.db() as session:
        row = session.scalars(select(Assessment)).one()
    assert row.status == "stopped" and row.highest_tier == "EMERGENCY"


def test_odd_numbers_are_refused_not_crashed_on(services):
    world, client, csrf = _patient_client(services)
    url = _start(client, csrf)
    for odd in ("--5", "5²", "²"):
        response = _answer(client, csrf, url, {**NO_FLAGS["start"], "age": odd})
        assert response.status_code == 422, odd
