"""Filling in the check-in through the web pages, as a person would, in-process."""

from __future__ import annotations

import re

from tests.web_helpers import post_form

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
        "leg_numbness": "none",
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
        "duration": "2_to_6_weeks",
        "course": "better",
    },
    "where": {"pain_areas": ["low_back_centre", "low_back_left"], "pain_elsewhere": "no"},
    "onset": {"onset": "gradual"},
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


def step_form(step: str, answers: dict, html: str, csrf: str) -> dict:
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    shown = re.findall(r'name="shown" value="(\w+)"', html)
    return {**answers, "revision": revision, "shown": shown, "csrf_token": csrf}


def start_own_checkin(client, csrf) -> str:
    response = post_form(client, "/me/checkin", {}, csrf)
    assert response.status_code == 303
    return response.headers["location"]


def answer_step(client, csrf, url: str, answers: dict):
    page = client.get(url)
    assert page.status_code == 200, page.text
    step = STEP_URL.search(url).group(3)
    return client.post(url, data=step_form(step, answers, page.text, csrf))


def run_checkin(client, csrf, url: str, changes: dict[str, dict] | None = None):
    """Answer each step from NO_FLAGS with `changes` on top (step -> answers), until the
    check-in ends or stops; the last response."""
    changes = changes or {}
    while True:
        step = STEP_URL.search(url).group(3)
        response = answer_step(
            client, csrf, url, {**NO_FLAGS.get(step, {}), **changes.get(step, {})}
        )
        assert response.status_code in (200, 303), response.text[:500]
        if response.status_code == 200:  # follow-up questions on the same step
            continue
        url = response.headers["location"]
        if not STEP_URL.search(url):
            return response
