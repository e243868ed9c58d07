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


def test_library_thumbnails_are_cacheable_images_drawn_as_before(sqlite_services):
    import re

    from painpath.catalog import get_catalog
    from painpath.figures.svg import still_frames

    catalog = get_catalog()
    client = client_for(sqlite_services)
    page = client.get("/exercises")
    images = re.findall(r'<img src="(/figures/[^"]+/thumb\.svg)"[^>]*loading="(\w+)"', page.text)
    with_figure = [e for e in catalog.exercises.values() if e.figure]
    assert len(images) == len(with_figure)  # every exercise with a figure has its thumbnail
    assert {how for _, how in images} == {"eager", "lazy"}  # the first ones at once
    assert "<svg" not in page.text.split('class="exercise-grid"')[1]  # no drawings inline
    url = f"/figures/{catalog.version}/clamshell/thumb.svg"
    assert url in dict(images)
    first = client.get(url)
    assert first.status_code == 200 and first.headers["content-type"] == "image/svg+xml"
    ex = catalog.exercises["clamshell"]
    def same(svg: str) -> str:  # marker ids count drawings; only their uniqueness matters
        return re.sub(r"pp-arrow-\d+", "pp-arrow-n", svg)

    assert same(first.text) == same(still_frames(ex.figure, ex.name, 0.55)[-1])
    assert "immutable" in first.headers["cache-control"]
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    # An address from another content version: today's drawing, not kept for a year.
    old = client.get("/figures/0000000000000000/clamshell/thumb.svg")
    assert old.status_code == 200 and old.headers["cache-control"] == "no-cache"
    assert old.headers["etag"] == first.headers["etag"]
    assert client.get(f"/figures/{catalog.version}/no_such/thumb.svg").status_code == 404
