"""The clinical JSON API: stateless assessment, check-in history, instrument scores."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from painpath.services import accounts
from painpath.store.models import InstrumentResponse
from tests.factories import finished_checkin, make_world
from tests.web_helpers import client_for

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "checkin-answers.json"


def _api(services, person):
    _, secret = accounts.create_api_token(
        person.ctx(services), {"name": "t", "scopes": ["read", "write"]}
    )
    client = client_for(services)
    client.headers["Authorization"] = f"Bearer {secret}"
    return client


def test_assess_returns_an_explained_result_and_stores_nothing(services):
    world = make_world(services)
    api = _api(services, world.clinician_a)
    answers = json.loads(EXAMPLE.read_text())
    response = api.post("/api/v1/assess", json={"answers": answers, "on": "2026-11-26"})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["screening"]["highest_tier"] is None
    assert result["content_version"]
    for statements in result["sections"].values():
        assert all(s["reasons"] and s["sources"] for s in statements)


def test_assess_refuses_bad_answers_item_by_item(services):
    world = make_world(services)
    api = _api(services, world.patient_a)
    response = api.post(
        "/api/v1/assess", json={"answers": {"age": 300, "region": "back", "colour": "red"}}
    )
    assert response.status_code == 422
    body = response.text
    assert "age" in body and "300 is out of range" in body and "colour" in body


def test_instrument_scores_through_the_api_are_idempotent_and_listed(services):
    world = make_world(services)
    api = _api(services, world.clinician_a)
    pid = world.record_a.id
    body = {
        "instrument": "odi",
        "responses": {str(i): 2 for i in range(1, 11)},
        "administered_on": "2026-11-01",
        "submission_key": "odi-1",
    }
    first = api.post(f"/api/v1/patients/{pid}/instrument-responses", json=body)
    again = api.post(f"/api/v1/patients/{pid}/instrument-responses", json=body)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["value"] == 40.0 and first.json()["band"] == "moderate disability"
    later = {**body, "responses": {str(i): 0 for i in range(1, 11)}, "submission_key": "odi-2"}
    later["administered_on"] = "2026-11-20"
    api.post(f"/api/v1/patients/{pid}/instrument-responses", json=later)
    listed = api.get(f"/api/v1/patients/{pid}/instrument-responses").json()
    assert [r["value"] for r in listed] == [40.0, 0.0]
    assert listed[1]["change"] == "clinically important improvement"
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(InstrumentResponse)) == 2


def test_bad_item_scores_are_refused_with_every_item_named(services):
    world = make_world(services)
    api = _api(services, world.clinician_a)
    body = {
        "instrument": "sbst",
        "responses": {"1": 3, "2": "x", "10": 1},
        "administered_on": "2026-11-01",
        "submission_key": "bad",
    }
    response = api.post(f"/api/v1/patients/{world.record_a.id}/instrument-responses", json=body)
    assert response.status_code == 422
    errors = response.json()
    text = json.dumps(errors)
    assert '"1"' in text and '"2"' in text and '"10"' in text
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(InstrumentResponse)) == 0


def test_open_red_flags_and_their_review_through_the_api(services):
    world = make_world(services)
    answers = {**json.loads(EXAMPLE.read_text()), "saddle_numbness": True}
    finished_checkin(services, world.record_a.id, answers)
    url = f"/api/v1/patients/{world.record_a.id}/safety"
    mine = _api(services, world.patient_a).get(url).json()
    assert mine["on_hold"] is True
    (flag,) = mine["open"]
    assert flag["tier"] == "EMERGENCY" and flag["flags"][0]["rule"] == "ces_saddle_numbness"
    assert flag["flags"][0]["action"] and flag["flags"][0]["sources"]

    clinician = _api(services, world.clinician_a)
    review = {"kind": "checkin", "event_id": flag["event_id"], "action_taken": "Seen in ED."}
    bad = clinician.post(f"{url}/reviews", json={**review, "outcome": "all_clear"})
    assert bad.status_code == 422 and "outcome" in bad.text
    assert (
        _api(services, world.patient_a)
        .post(f"{url}/reviews", json={**review, "outcome": "other"})
        .status_code
        == 403
    )
    done = clinician.post(f"{url}/reviews", json={**review, "outcome": "emergency_care"})
    assert done.status_code == 201, done.text
    assert done.json()["on_hold"] is False and done.json()["reviews"][0]["outcome"] == (
        "emergency_care"
    )


def test_a_year_one_date_is_refused_and_nothing_is_saved(services):
    """Review 10.12: a score dated 0001-01-01 was accepted."""
    world = make_world(services)
    api = _api(services, world.clinician_a)
    body = {
        "instrument": "sbst",
        "responses": {str(i): 0 for i in range(1, 10)},
        "administered_on": "0001-01-01",
        "submission_key": "year-one",
    }
    response = api.post(f"/api/v1/patients/{world.record_a.id}/instrument-responses", json=body)
    assert response.status_code == 422 and "1900 or later" in response.text
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(InstrumentResponse)) == 0


def test_unreadable_json_bodies_are_422_like_malformed_ones(services):
    world = make_world(services)
    api = _api(services, world.clinician_a)
    for body in ("{bad", "[" * 5000 + "]" * 5000, '{"answers": {"age": ' + "9" * 5000 + "}}"):
        response = api.post(
            "/api/v1/assess", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, (body[:20], response.text[:200])
        assert response.json()["detail"][0]["type"] == "json_invalid"
