"""Every route of the app x every kind of actor: who is let in and who is refused.

The expected table below is written by hand, one line per route. The test collects
the routes from the app's own route table, so a route added without a line here fails.
"Refused" means 401, 403, 404 or a redirect to sign-in; anything else means the route's
policy let the actor through (a 422 for a deliberately incomplete form counts as through).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from painpath.services import accounts, checkins, feedback, programmes
from painpath.store.models import ArticleFeedback, Assessment, ProgrammeChange
from painpath.web.app import create_app, route_table
from tests.factories import Person, finished_checkin, invite, make_patient, make_world
from tests.web_helpers import page_csrf, sign_in

EXAMPLE_ANSWERS = json.loads(
    (Path(__file__).parents[2] / "docs" / "examples" / "checkin-answers.json").read_text()
)
ARTICLE = "mri-what-a-scan-can-tell-you"
ACTORS = ["anonymous", "patient_a", "patient_b", "clinician_a", "other_clinician", "admin"]
EVERYONE = set(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
CLINICIANS = {"clinician_a", "other_clinician"}
STAFF = CLINICIANS | {"admin"}
ADMIN = {"admin"}
PATIENTS = {"patient_a", "patient_b"}
RECORD_A = {"patient_a", "clinician_a", "admin"}  # the patient, their care team, admin
CARE_TEAM_A = {"clinician_a"}
TOKEN_OWNER = {"patient_a"}
CHECKIN_A = {"patient_a", "clinician_a"}  # the patient, or their clinician on their behalf


@dataclass(frozen=True)
class Case:
    allowed: set[str]
    body: dict | None = None  # form fields (pages) or JSON (API)


EXPECTED: dict[tuple[str, str], Case] = {
    ("GET", "/"): Case(EVERYONE),
    ("GET", "/signin"): Case(EVERYONE),
    ("POST", "/signin"): Case(EVERYONE, {"email": "{patient_a_email}", "password": "{password}"}),
    ("POST", "/signout"): Case(EVERYONE, {}),
    ("GET", "/me"): Case(PATIENTS),
    ("GET", "/account"): Case(SIGNED_IN),
    ("POST", "/account/tokens"): Case(SIGNED_IN, {"name": "matrix", "scopes": "read"}),
    ("POST", "/account/tokens/{token_id}/revoke"): Case(TOKEN_OWNER, {}),
    ("GET", "/patients"): Case(STAFF),
    ("GET", "/patients/new"): Case(CLINICIANS),
    ("POST", "/patients/new"): Case(CLINICIANS, {"display_name": "New One", "birth_year": "1990"}),
    ("GET", "/patients/{patient_id}"): Case(RECORD_A),
    ("POST", "/patients/{patient_id}/invites"): Case(
        CARE_TEAM_A, {"email": "ada@home.example.org"}
    ),
    ("GET", "/invite/{token}"): Case(EVERYONE),
    ("POST", "/invite/{token}"): Case(
        EVERYONE, {"password": "long enough pw", "password_confirm": "differs"}
    ),
    ("GET", "/admin/users"): Case(ADMIN),
    ("POST", "/admin/users"): Case(ADMIN, {"email": "", "role": "clinician", "password": ""}),
    ("POST", "/admin/users/{user_id}/active"): Case(ADMIN, {"active": "false"}),
    ("GET", "/admin/audit"): Case(ADMIN),
    ("GET", "/healthz"): Case(EVERYONE),
    ("GET", "/static/{path}"): Case(EVERYONE),
    ("GET", "/api/docs"): Case(EVERYONE),
    ("GET", "/api/openapi.json"): Case(EVERYONE),
    ("GET", "/api/v1/me"): Case(SIGNED_IN),
    ("GET", "/api/v1/patients"): Case(STAFF),
    ("POST", "/api/v1/patients"): Case(CLINICIANS, {"display_name": "Api One", "birth_year": 1985}),
    ("GET", "/api/v1/patients/{patient_id}"): Case(RECORD_A),
    ("POST", "/api/v1/patients/{patient_id}/invites"): Case(
        CARE_TEAM_A, {"email": "c@home.example.org"}
    ),
    ("GET", "/api/v1/tokens"): Case(SIGNED_IN),
    ("POST", "/api/v1/tokens"): Case(SIGNED_IN, {"name": "matrix", "scopes": ["read"]}),
    ("DELETE", "/api/v1/tokens/{token_id}"): Case(TOKEN_OWNER),
    ("GET", "/api/v1/users"): Case(ADMIN),
    ("POST", "/api/v1/users"): Case(
        ADMIN,
        {
            "email": "new@clinic.example.org",
            "role": "clinician",
            "password": "long enough password",
        },
    ),
    ("GET", "/api/v1/audit-events"): Case(ADMIN),
    ("POST", "/me/checkin"): Case(PATIENTS, {}),
    ("GET", "/exercises"): Case(EVERYONE),
    ("GET", "/api/v1/exercises"): Case(EVERYONE),
    ("GET", "/patients/{patient_id}/programme"): Case(RECORD_A),
    ("POST", "/patients/{patient_id}/programme"): Case(CHECKIN_A, {}),
    ("GET", "/patients/{patient_id}/programme/play/{item_id}"): Case(RECORD_A),
    ("POST", "/patients/{patient_id}/programme/items/{item_id}/log"): Case(
        CHECKIN_A, {"outcome": "done", "pain_during": "2", "pain_after": "2"}
    ),
    ("POST", "/patients/{patient_id}/programme/morning"): Case(CHECKIN_A, {"pain": "2"}),
    ("GET", "/patients/{patient_id}/programme/handout.pdf"): Case(RECORD_A),
    ("POST", "/patients/{patient_id}/programme/protocol"): Case(
        CARE_TEAM_A, {"protocol": "desk_workers_hips"}
    ),
    ("POST", "/patients/{patient_id}/programme/items"): Case(CARE_TEAM_A, {"exercise": "bird_dog"}),
    ("POST", "/patients/{patient_id}/programme/items/{item_id}/remove"): Case(CARE_TEAM_A, {}),
    ("POST", "/patients/{patient_id}/programme/items/{item_id}/move"): Case(
        CARE_TEAM_A, {"direction": "down"}
    ),
    ("POST", "/patients/{patient_id}/programme/items/{item_id}/dose"): Case(
        CARE_TEAM_A, {"sets": "3"}
    ),
    ("POST", "/patients/{patient_id}/programme/changes/{change_id}/override"): Case(
        CARE_TEAM_A, {}
    ),
    ("POST", "/patients/{patient_id}/programme/resume"): Case(CARE_TEAM_A, {}),
    ("GET", "/patients/{patient_id}/progress"): Case(RECORD_A),
    ("GET", "/patients/{patient_id}/progress/report.pdf"): Case(RECORD_A),
    ("POST", "/patients/{patient_id}/progress/flare-ups"): Case(
        CHECKIN_A, {"started_on": "2026-11-20", "pain": "5", "submission_key": "matrix"}
    ),
    ("POST", "/patients/{patient_id}/progress/notes"): Case(CARE_TEAM_A, {"text": "Matrix note"}),
    ("POST", "/patients/{patient_id}/calendar"): Case(CHECKIN_A, {}),
    ("POST", "/patients/{patient_id}/calendar/revoke"): Case(CHECKIN_A, {}),
    # The feed's token is its own access check: a token that is not a live feed's is
    # refused to everyone, signed in or not (a real one: tests/integration/test_progress.py).
    ("GET", "/calendar/{token}.ics"): Case(set()),
    ("POST", "/patients/{patient_id}/safety/{kind}/{event_id}/review"): Case(
        CARE_TEAM_A, {"outcome": "advice_given", "action_taken": "Phoned; seen in clinic today."}
    ),
    ("POST", "/patients/{patient_id}/programme/template"): Case(CARE_TEAM_A, {"name": "Mine"}),
    ("POST", "/patients/{patient_id}/programme/thresholds"): Case(CARE_TEAM_A, {"during_max": "4"}),
    ("POST", "/patients/{patient_id}/programme/from-template"): Case(
        CARE_TEAM_A, {"template": "{template_id}"}
    ),
    ("GET", "/exercises/contact-sheet"): Case(EVERYONE),
    ("GET", "/exercises/{exercise_id}"): Case(EVERYONE),
    ("GET", "/figures/{version}/{exercise_id}/thumb.svg"): Case(EVERYONE),
    ("POST", "/api/v1/assess"): Case(SIGNED_IN, {"answers": {"region": "back"}}),
    ("GET", "/api/v1/patients/{patient_id}/checkins"): Case(RECORD_A),
    ("GET", "/api/v1/patients/{patient_id}/safety"): Case(RECORD_A),
    ("POST", "/api/v1/patients/{patient_id}/safety/reviews"): Case(
        CARE_TEAM_A,
        {"kind": "checkin", "event_id": "{flagged}", "outcome": "other", "action_taken": "Seen."},
    ),
    ("GET", "/api/v1/patients/{patient_id}/instrument-responses"): Case(RECORD_A),
    ("POST", "/api/v1/patients/{patient_id}/instrument-responses"): Case(
        CARE_TEAM_A,
        {
            "instrument": "nprs",
            "responses": {"pain": 4},
            "administered_on": "2026-11-20",
            "submission_key": "matrix",
        },
    ),
    ("POST", "/patients/{patient_id}/checkins"): Case(CHECKIN_A, {}),
    ("GET", "/patients/{patient_id}/checkins/{assessment_id}"): Case(RECORD_A),
    ("GET", "/patients/{patient_id}/checkins/{assessment_id}/steps/{step_id}"): Case(RECORD_A),
    ("POST", "/patients/{patient_id}/checkins/{assessment_id}/steps/{step_id}"): Case(
        CHECKIN_A, {"revision": "0"}
    ),
    ("GET", "/learn"): Case(EVERYONE),
    ("GET", "/learn/{article_id}"): Case(EVERYONE),
    ("POST", "/learn/{article_id}/feedback"): Case(SIGNED_IN, {"helpful": "yes", "comment": "ok"}),
    ("GET", "/moderation"): Case(STAFF),
    ("POST", "/moderation/{feedback_id}"): Case(STAFF, {"decision": "approve"}),
    ("GET", "/search"): Case(EVERYONE),
    ("GET", "/api/v1/articles"): Case(EVERYONE),
    ("GET", "/api/v1/articles/{article_id}"): Case(EVERYONE),
    ("GET", "/api/v1/search"): Case(EVERYONE),
    ("GET", "/patients/{patient_id}/instruments/{instrument_id}/new"): Case(CARE_TEAM_A),
    ("POST", "/patients/{patient_id}/instruments/{instrument_id}"): Case(CARE_TEAM_A, {}),
}


def test_every_route_has_an_expected_policy(sqlite_services):
    routes = set(route_table(create_app(services=sqlite_services)))
    missing = sorted(routes - set(EXPECTED))
    stale = sorted(set(EXPECTED) - routes)
    assert not missing, f"routes with no line in the access matrix: {missing}"
    assert not stale, f"matrix lines for routes that no longer exist: {stale}"


def refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (302, 303) and "/signin" in response.headers.get("location", "")


@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[0]} {r[1]}")
def test_access(services, route):
    method, path = route
    case = EXPECTED[route]
    world = make_world(services)
    people: dict[str, Person | None] = {
        "anonymous": None,
        "patient_a": world.patient_a,
        "patient_b": world.patient_b,
        "clinician_a": world.clinician_a,
        "other_clinician": world.other_clinician,
        "admin": world.admin,
    }
    unlinked = make_patient(services, world.clinician_a, "Cy Unlinked")
    token_of_a, _ = accounts.create_api_token(
        world.patient_a.ctx(services), {"name": "a's", "scopes": ["read"]}
    )
    finished_checkin(services, world.record_a.id, EXAMPLE_ANSWERS)
    programme = programmes.create_from_checkin(world.clinician_a.ctx(services), world.record_a.id)
    programmes.add_item(world.clinician_a.ctx(services), world.record_a.id, "bird_dog")
    template_id = programmes.save_template(world.clinician_a.ctx(services), world.record_a.id, "T")
    with services.db() as session:
        change_id = session.scalar(select(func.max(ProgrammeChange.id)))
    checkin = checkins.start_checkin(world.clinician_a.ctx(services), world.record_a.id)
    flagged = None
    if "/safety" in path:  # an open red flag to review (only here: it holds the programme)
        finished_checkin(services, world.record_a.id, {**EXAMPLE_ANSWERS, "saddle_numbness": True})
        with services.db() as session:
            flagged = session.scalar(select(func.max(Assessment.id)))
    feedback.submit(world.patient_b.ctx(services), ARTICLE, True, "Clear and calm.")
    with services.db() as session:
        feedback_id = session.scalar(select(func.max(ArticleFeedback.id)))
    params = {
        "{patient_id}": str(unlinked.id if path.endswith("/invites") else world.record_a.id),
        "{assessment_id}": str(checkin.id),
        "{step_id}": "start",
        "{instrument_id}": "sbst",
        "{exercise_id}": "glute_bridge",
        "{version}": "any-version",
        "{item_id}": str(programme.items[0].id),
        "{change_id}": str(change_id),
        "{token_id}": str(token_of_a.id),
        "{user_id}": str(world.patient_b.id),
        "{path}": "css/painpath.css",
        "{article_id}": ARTICLE,
        "{feedback_id}": str(feedback_id),
        "{kind}": "checkin",
        "{event_id}": str(flagged),
    }
    app = create_app(services=services)
    outcomes = {}
    for name in ACTORS:
        person = people[name]
        # Each actor gets a fresh invite, so one actor's use doesn't change the next one's.
        params["{token}"] = invite(services, world.clinician_a, unlinked, f"{name}@x.example.org")
        url = path
        for key, value in params.items():
            url = url.replace(key, value)
        body = None
        if case.body is not None:
            body = {
                k: v.format(
                    patient_a_email=world.patient_a.email,
                    password=world.patient_a.password,
                    template_id=template_id,
                    flagged=flagged,
                )
                if isinstance(v, str)
                else v
                for k, v in case.body.items()
            }
        response = _request(app, services, person, method, url, body)
        outcomes[name] = not refused(response)
        assert response.status_code < 500, (name, response.status_code, response.text[:300])
    expected = {name: name in case.allowed for name in ACTORS}
    assert outcomes == expected


def _request(app, services, person: Person | None, method: str, url: str, body):
    client = TestClient(app, follow_redirects=False)
    if url.startswith("/api/v1/"):
        headers = {}
        if person is not None:
            _, secret = accounts.create_api_token(
                person.ctx(services), {"name": "matrix", "scopes": ["read", "write"]}
            )
            headers["Authorization"] = f"Bearer {secret}"
        return client.request(method, url, json=body, headers=headers)
    csrf = sign_in(client, person.email, person.password) if person else page_csrf(client)
    if method == "GET":
        return client.get(url)
    return client.request(method, url, data={**(body or {}), "csrf_token": csrf})
