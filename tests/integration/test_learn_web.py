"""Learning on the web: the article library, an article's footnotes, sources and update
log, readers' feedback with moderation, the search page and the JSON API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from painpath.catalog import get_catalog
from painpath.services import feedback, programmes
from painpath.store.models import ArticleFeedback, Assessment
from tests.factories import finished_checkin, make_world
from tests.web_helpers import client_for, sign_in

ARTICLE = "mri-what-a-scan-can-tell-you"
EXAMPLE = json.loads((Path(__file__).parents[2] / "docs/examples/checkin-answers.json").read_text())


def test_library_lists_articles_by_audience_and_topic(sqlite_services):
    client = client_for(sqlite_services)
    page = client.get("/learn")
    assert page.status_code == 200
    assert f'href="/learn/{ARTICLE}"' in page.text
    assert "For clinicians" in page.text
    first = re.search(r'href="/learn/([a-z-]+)"', page.text.split('class="article-list"')[1])
    assert get_catalog().articles[first.group(1)].meta.featured  # start-here articles first
    imaging = client.get("/learn", params={"topic": "imaging"}).text
    assert f'href="/learn/{ARTICLE}"' in imaging
    assert 'href="/learn/hip-flexor-strain"' not in imaging
    assert client.get("/learn", params={"topic": "<script>"}).status_code == 200


def test_an_article_has_two_way_footnotes_sources_log_and_reading_grade(sqlite_services):
    page = client_for(sqlite_services).get(f"/learn/{ARTICLE}").text
    # Each footnote marker links down to its note, and each note links back up.
    markers = re.findall(r'<a href="#(fn\d+)" id="(fnref\d+)">', page)
    assert len(markers) >= 5
    for note, back in markers:
        assert f'id="{note}"' in page and f'href="#{back}"' in page
    # A footnote's citation links to the numbered source list, which links out.
    assert 'href="#ref-brinjikji2015"' in page and 'id="ref-brinjikji2015"' in page
    assert "https://www.ajnr.org" in page or "doi.org" in page
    assert "Last reviewed" in page and "Update log" in page and "new article" in page
    grade = float(re.search(r"reading grade (\d+\.\d)", page).group(1))
    assert grade <= 8.0
    assert 'id="scans-find-changes-in-people-with-no-pain-at-all"' in page  # section anchors
    assert 'href="/exercises/walking"' in page  # related exercises
    assert client_for(sqlite_services).get("/learn/no-such-article").status_code == 404


def test_feedback_is_kept_private_until_a_clinician_approves_the_comment(sqlite_services):
    world = make_world(sqlite_services)
    reader = client_for(sqlite_services)
    csrf = sign_in(reader, world.patient_a.email, world.patient_a.password)
    sent = reader.post(
        f"/learn/{ARTICLE}/feedback",
        data={"helpful": "yes", "comment": "This calmed me down.", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    again = reader.post(  # the same reader again: one answer, updated
        f"/learn/{ARTICLE}/feedback",
        data={"helpful": "yes", "comment": "This calmed me down a lot.", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert again.status_code == 303
    with sqlite_services.db() as session:
        assert session.scalar(select(func.count(ArticleFeedback.id))) == 1
    public = client_for(sqlite_services).get(f"/learn/{ARTICLE}").text
    assert "calmed me down" not in public and "1 reader found it helpful" in public

    clinician = client_for(sqlite_services)
    ccsrf = sign_in(clinician, world.clinician_a.email, world.clinician_a.password)
    queue = clinician.get("/moderation").text
    assert "This calmed me down a lot." in queue
    fid = re.search(r'action="/moderation/(\d+)"', queue).group(1)
    version = re.search(r'name="version" value="(\w+)"', queue).group(1)
    done = clinician.post(
        f"/moderation/{fid}",
        data={"decision": "approve", "version": version, "csrf_token": ccsrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "This calmed me down a lot." in client_for(sqlite_services).get(f"/learn/{ARTICLE}").text
    assert world.patient_a.email not in client_for(sqlite_services).get(f"/learn/{ARTICLE}").text


def test_feedback_errors_are_named_and_nothing_is_saved(sqlite_services):
    world = make_world(sqlite_services)
    reader = client_for(sqlite_services)
    csrf = sign_in(reader, world.patient_a.email, world.patient_a.password)
    no_choice = reader.post(
        f"/learn/{ARTICLE}/feedback", data={"comment": "hm", "csrf_token": csrf}
    )
    assert no_choice.status_code == 422 and "Please choose yes or no." in no_choice.text
    assert ">hm</textarea>" in no_choice.text  # what was typed is kept
    too_long = reader.post(
        f"/learn/{ARTICLE}/feedback",
        data={"helpful": "no", "comment": "x" * 1001, "csrf_token": csrf},
    )
    assert too_long.status_code == 422 and "1000 characters (it has 1001)" in too_long.text
    with sqlite_services.db() as session:
        assert session.scalar(select(func.count(ArticleFeedback.id))) == 0
    anonymous = client_for(sqlite_services).get(f"/learn/{ARTICLE}").text
    assert 'href="/signin">Sign in</a> to tell us' in anonymous


def test_patients_cannot_moderate_and_a_rejected_comment_stays_hidden(sqlite_services):
    world = make_world(sqlite_services)
    feedback.submit(
        world.patient_a.ctx(sqlite_services), ARTICLE, False, "Buy my pills at spam.example"
    )
    patient = client_for(sqlite_services)
    sign_in(patient, world.patient_b.email, world.patient_b.password)
    assert patient.get("/moderation").status_code == 403
    admin = client_for(sqlite_services)
    csrf = sign_in(admin, world.admin.email, world.admin.password)
    queue = admin.get("/moderation").text
    fid = re.search(r'action="/moderation/(\d+)"', queue).group(1)
    version = re.search(r'name="version" value="(\w+)"', queue).group(1)
    admin.post(
        f"/moderation/{fid}", data={"decision": "reject", "version": version, "csrf_token": csrf}
    )
    assert "spam.example" not in client_for(sqlite_services).get(f"/learn/{ARTICLE}").text
    assert "Nothing waiting." in admin.get("/moderation").text


def test_search_page_understands_lay_words_and_explains_results(sqlite_services):
    client = client_for(sqlite_services)
    page = client.get("/search", params={"q": "slipped disc"}).text
    assert 'href="/learn/slipped-disc-explained' in page
    assert "Why this result" in page and "<mark>" in page
    scan = client.get("/search", params={"q": "do I need an MRI?"}).text
    assert "Do I need a scan for back pain?" in scan  # the answer card
    assert 'href="/learn/mri-what-a-scan-can-tell-you"' in scan
    hostile = client.get("/search", params={"q": "<script>alert(1)</script> back"}).text
    assert "<script>alert(1)" not in hostile
    assert 'role="search"' in client.get("/").text  # reachable from every page


def test_result_and_programme_pages_link_to_the_articles_that_explain_them(sqlite_services):
    world = make_world(sqlite_services)
    record = world.record_a
    finished_checkin(sqlite_services, record.id, EXAMPLE)
    programmes.create_from_checkin(world.patient_a.ctx(sqlite_services), record.id)
    with sqlite_services.db() as session:
        assessment = session.scalar(select(func.max(Assessment.id)))
    patient = client_for(sqlite_services)
    sign_in(patient, world.patient_a.email, world.patient_a.password)
    result = patient.get(f"/patients/{record.id}/checkins/{assessment}").text
    assert "Read more:" in result and 'href="/learn/mri-what-a-scan-can-tell-you"' in result
    programme = patient.get(f"/patients/{record.id}/programme").text
    assert 'href="/learn/pacing-and-flare-ups"' in programme
    assert 'href="/learn/functional-exercise"' in programme


def test_api_lists_articles_and_searches(sqlite_services):
    client = client_for(sqlite_services)
    articles = client.get("/api/v1/articles").json()
    assert len(articles) >= 18
    one = client.get(f"/api/v1/articles/{ARTICLE}").json()
    assert one["reading_grade"] <= 8 and one["updates"][0]["kind"] == "new article"
    assert "[^" in one["markdown"]
    found = client.get("/api/v1/search", params={"q": "pain down my leg"}).json()
    assert found["results"] and found["results"][0]["why"]
    assert client.get("/api/v1/search", params={"q": ""}).status_code == 422
    assert client.get("/api/v1/articles/nope").status_code == 404


def test_a_comment_changed_after_the_moderator_read_it_is_not_approved(sqlite_services):
    world = make_world(sqlite_services)
    reader = world.patient_a.ctx(sqlite_services)
    feedback.submit(reader, ARTICLE, True, "Helpful, thank you.")
    clinician = client_for(sqlite_services)
    csrf = sign_in(clinician, world.clinician_a.email, world.clinician_a.password)
    queue = clinician.get("/moderation").text
    fid = re.search(r'action="/moderation/(\d+)"', queue).group(1)
    seen = re.search(r'name="version" value="(\w+)"', queue).group(1)
    feedback.submit(reader, ARTICLE, True, "Call me on 07700 900123")  # changed meanwhile
    stale = clinician.post(
        f"/moderation/{fid}", data={"decision": "approve", "version": seen, "csrf_token": csrf}
    )
    assert stale.status_code == 409 and "changed or already reviewed" in stale.text
    assert "07700" not in client_for(sqlite_services).get(f"/learn/{ARTICLE}").text
    assert "Call me on 07700 900123" in stale.text  # shown again for review


def test_nobody_approves_their_own_comment(sqlite_services):
    from painpath.services.errors import Forbidden

    world = make_world(sqlite_services)
    own = world.clinician_a.ctx(sqlite_services)
    feedback.submit(own, ARTICLE, True, "My own note.")
    pending = feedback.queue(own)[0]
    with pytest.raises(Forbidden):
        feedback.moderate(own, pending.id, True, pending.version)


def test_a_rejected_comment_is_its_authors_to_know_about(sqlite_services):
    world = make_world(sqlite_services)
    feedback.submit(world.patient_a.ctx(sqlite_services), ARTICLE, False, "spam spam")
    pending = feedback.queue(world.admin.ctx(sqlite_services))[0]
    feedback.moderate(world.admin.ctx(sqlite_services), pending.id, False, pending.version)
    reader = client_for(sqlite_services)
    sign_in(reader, world.patient_a.email, world.patient_a.password)
    assert "Your comment was not published" in reader.get(f"/learn/{ARTICLE}").text


def test_search_setup_notes_are_for_administrators_only(sqlite_services):
    world = make_world(sqlite_services)
    public = client_for(sqlite_services).get("/search", params={"q": "back pain"}).text
    assert "PAINPATH_SEARCH_MODEL" not in public
    admin = client_for(sqlite_services)
    sign_in(admin, world.admin.email, world.admin.password)
    assert "PAINPATH_SEARCH_MODEL=none" in admin.get("/search", params={"q": "back pain"}).text
    assert client_for(sqlite_services).get("/api/v1/search", params={"q": "   "}).status_code == 422
