"""The exercise library pages: search and filters, an exercise's page, the contact sheet."""

from __future__ import annotations

from tests.web_helpers import client_for


def test_search_understands_aliases_and_filters(sqlite_services):
    client = client_for(sqlite_services)
    page = client.get("/exercises", params={"q": "thread the needle"})
    assert page.status_code == 200
    assert "Lying figure-four" in page.text or "figure-four" in page.text.lower()
    seated = client.get("/exercises", params={"position": "seated"})
    assert "Sit to stand" in seated.text and "Glute bridge<" not in seated.text
    none = client.get("/exercises", params={"q": "zzzz"})
    assert "No exercise matches" in none.text


def test_bad_filter_values_are_ignored_not_errors(sqlite_services):
    client = client_for(sqlite_services)
    page = client.get("/exercises", params={"kind": "<script>", "level": "9"})
    assert page.status_code == 200 and "<script>" not in page.text


def test_exercise_page_has_animation_steps_dose_and_sources(sqlite_services):
    client = client_for(sqlite_services)
    page = client.get("/exercises/glute_bridge")
    assert page.status_code == 200
    text = page.text
    assert "<animate" in text and "How to do it" in text and "Stop if" in text
    assert "Starting dose" in text and "Sources" in text
    assert 'href="/exercises/glute_bridge_march"' in text  # harder
    pigeon = client.get("/exercises/pigeon_pose").text
    assert "Bending the hip a long way, past a right angle." in pigeon  # not "deep_hip_flexion"
    assert "deep_hip_flexion" not in pigeon and "deep hip flexion" not in pigeon
    assert client.get("/exercises/no_such_thing").status_code == 404


def test_contact_sheet_shows_every_exercise(sqlite_services):
    client = client_for(sqlite_services)
    page = client.get("/exercises/contact-sheet")
    assert page.status_code == 200
    assert page.text.count('class="contact-row"') >= 60


def test_library_api_lists_details_and_searches(sqlite_services):
    client = client_for(sqlite_services)
    page = client.get("/api/v1/exercises", params={"limit": 20})
    assert page.status_code == 200
    rows = page.json()
    assert len(rows) == 20 and all(r["steps"] and r["sources"] for r in rows)
    found = client.get("/api/v1/exercises", params={"q": "thread the needle"}).json()
    assert [r["id"] for r in found] == ["lying_figure_four"]
    assert client.get("/api/v1/exercises", params={"limit": 1000}).status_code == 422
