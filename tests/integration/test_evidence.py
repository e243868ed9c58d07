"""The evidence search as a service: a clinic's corpus imported (bad rows reported, good
rows searchable, nothing half-stored or half-indexed if interrupted), painpath's own
content indexed, and the command line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from painpath.cli import app
from painpath.search import lexical
from painpath.services import evidence
from painpath.services.errors import Forbidden, InvalidInput
from painpath.services.runtime import system_context
from painpath.settings import get_settings
from painpath.store.models import AuditEvent, EvidenceDocument
from tests.factories import make_user


def rows(*items) -> list[str]:
    return [i if isinstance(i, str) else json.dumps(i) for i in items]


GOOD = [
    {
        "_id": "p1",
        "title": "Piriformis syndrome",
        "text": "Buttock pain from the piriformis muscle pressing on the sciatic nerve.",
        "url": "https://example.org/p1",
        "licence": "CC-BY-4.0",
    },
    {
        "id": "p2",
        "title": "Coccydynia",
        "text": "Tailbone pain is often eased by a cushion with a gap at the back.",
        "source": "Clinic leaflets",
        "license": "CC0",
    },
]


def count(services) -> int:
    with services.db() as session:
        return session.scalar(select(func.count(EvidenceDocument.id)))


def test_bad_rows_are_reported_by_line_and_the_good_ones_become_searchable(services):
    ctx = system_context(services)
    report = evidence.import_corpus(
        ctx,
        rows(
            GOOD[0],
            "{not json",
            {"_id": "x1", "title": "", "text": "no title"},
            {"_id": "x2", "title": "T", "text": "t", "url": "ftp://nope"},
            {"title": "No id", "text": "text"},
            [1, 2],
            GOOD[1],
            {"_id": "p1", "title": "Again", "text": "same id twice"},
            {"_id": 7, "title": "T", "text": "a number is not an id"},
            {"_id": "z", "title": "T", "text": "a NUL \u0000 in the text"},
        ),
        "clinic",
    )
    assert (report.read, report.added, report.updated) == (10, 2, 0)
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons[2].startswith("not valid JSON")
    assert reasons[3] == "title: empty"
    assert reasons[4] == "url: not a web address (http:// or https://)"
    assert reasons[5] == "_id: missing"
    assert reasons[6] == "not a JSON object"
    assert reasons[8] == "repeats the id of line 1"
    assert reasons[9] == "_id: must be text"
    assert reasons[10] == "text: contains a NUL character"
    assert count(services) == 2
    found = evidence.search(ctx, "tailbone cushion", 5)
    top = found.results[0]
    assert top.doc.id == "imported:clinic:p2"
    assert (top.doc.source, top.doc.licence) == ("Clinic leaflets", "CC0")
    with services.db() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "evidence.import")
        ).one()
    assert "added 2" in event.detail and "rejected 8" in event.detail


def test_importing_again_updates_and_replace_removes_what_the_file_no_longer_has(services):
    ctx = system_context(services)
    evidence.import_corpus(ctx, rows(*GOOD), "clinic")
    changed = {**GOOD[0], "text": "Now about hip rotation stretches for the piriformis."}
    again = evidence.import_corpus(ctx, rows(changed, GOOD[1]), "clinic")
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 1, 1, 0)
    with pytest.raises(InvalidInput, match="nothing was replaced"):
        evidence.import_corpus(ctx, rows('{"_id": "broken"', changed), "clinic", replace=True)
    assert count(services) == 2
    assert count(services) == 2
    replaced = evidence.import_corpus(ctx, rows(changed), "clinic", replace=True)
    assert replaced.removed == 1 and count(services) == 1
    found = [r.doc.id for r in evidence.search(ctx, "tailbone cushion", 5).results]
    assert "imported:clinic:p2" not in found  # removed from the index too, not only the table
    assert (
        evidence.search(ctx, "piriformis rotation stretches", 3).results[0].doc.id
        == "imported:clinic:p1"
    )


def test_an_import_that_fails_midway_stores_nothing(services, monkeypatch):
    ctx = system_context(services)
    evidence.import_corpus(ctx, rows(GOOD[0]), "clinic")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(evidence.audit, "record", broken)  # fails after the rows are written
    with pytest.raises(RuntimeError):
        evidence.import_corpus(ctx, rows(GOOD[1], {**GOOD[0], "title": "Changed"}), "clinic")
    with services.db() as session:
        titles = session.scalars(select(EvidenceDocument.title)).all()
    assert titles == ["Piriformis syndrome"]


def test_an_index_build_that_is_killed_leaves_the_working_index_in_place(services, monkeypatch):
    ctx = system_context(services)
    evidence.import_corpus(ctx, rows(*GOOD), "clinic")
    assert evidence.search(ctx, "tailbone", 3).results
    root = services.settings.data_dir / "search"
    before = sorted(p.name for p in root.iterdir())
    original = lexical.tantivy.Document.add_text
    calls = {"n": 0}

    def dies_halfway(self, field, value):
        calls["n"] += 1
        if calls["n"] > 50:
            raise KeyboardInterrupt  # as if the process were stopped mid-build
        return original(self, field, value)

    monkeypatch.setattr(lexical.tantivy.Document, "add_text", dies_halfway, raising=False)
    with pytest.raises(KeyboardInterrupt):
        evidence.reindex(ctx)
    monkeypatch.undo()
    assert sorted(p.name for p in root.iterdir()) == before  # no half-built folder left
    assert evidence.search(ctx, "tailbone", 3).results[0].doc.id == "imported:clinic:p2"


def test_only_an_administrator_imports_or_reindexes(services):
    clinician = make_user(services, "clinician")
    with pytest.raises(Forbidden):
        evidence.import_corpus(clinician.ctx(services), rows(*GOOD), "clinic")
    with pytest.raises(Forbidden):
        evidence.reindex(clinician.ctx(services))
    assert count(services) == 0


def test_a_corpus_name_must_be_a_simple_slug(services):
    for bad in ("../etc", "clinic\n", "Clinic", ""):
        with pytest.raises(ValueError, match="corpus name"):
            evidence.import_corpus(system_context(services), rows(*GOOD), bad)


def test_painpaths_own_content_is_indexed_articles_by_section(sqlite_services):
    ctx = system_context(sqlite_services)
    found = evidence.search(ctx, "do I need an MRI for my back", 5)
    assert found.answers and found.answers[0].id == "imaging"
    assert found.results[0].doc.kind in ("article", "explanation")
    assert any(
        r.doc.url and r.doc.url.startswith("/learn/mri-what-a-scan-can-tell-you")
        for r in found.results
    )
    exercise = evidence.search(ctx, "clam shell exercise", 3, {"exercise"}).results
    assert exercise[0].doc.url == "/exercises/clamshell"


# --- the command line --------------------------------------------------------------------


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PAINPATH_SEARCH_MODEL", "none")
    monkeypatch.delenv("PAINPATH_DATABASE_URL", raising=False)
    get_settings.cache_clear()

    def invoke(*args):
        get_settings.cache_clear()
        return CliRunner().invoke(app, list(args))

    assert invoke("db", "upgrade").exit_code == 0
    yield invoke
    get_settings.cache_clear()


def test_cli_import_reports_rejected_rows_then_search_finds_the_good_ones(run, tmp_path):
    corpus = tmp_path / "Leaflets 2026.jsonl"
    corpus.write_text("\n".join(rows(*GOOD, '{"_id": "bad"}')) + "\n")
    result = run("evidence", "import", str(corpus))
    assert result.exit_code == 0, result.output
    assert (
        "Corpus 'leaflets-2026': read 3 row(s): 2 added, 0 updated, 0 unchanged, 0 removed, "
        "1 rejected." in result.output
    )
    assert "line 3 (bad): title: missing; text: missing" in result.output
    assert "passages searchable" in result.output
    found = run("search", "tailbone cushion", "--json")
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    assert data["results"][0]["id"] == "imported:leaflets-2026:p2"
    assert data["results"][0]["why"]
    shown = run("search", "slipped disc")
    assert shown.exit_code == 0 and "1." in shown.output


def test_cli_import_of_nothing_good_fails_and_says_why(run, tmp_path):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_bytes(b'{"_id": "a"}\n\xff\xfe not text\n')
    result = run("evidence", "import", str(corpus))
    assert result.exit_code == 1
    assert "not UTF-8 text" in result.output


def test_cli_reindex_says_what_it_built(run):
    result = run("evidence", "reindex")
    assert result.exit_code == 0, result.output
    assert "passages searchable (lexical)" in result.output
    assert "turned off" in result.output


LEAFLETS = [
    {
        "_id": f"l{n}",
        "title": f"Back stretch leaflet {n}",
        "text": "A back stretch for stiff backs, held gently.",
    }
    for n in range(150)
]


def test_a_large_corpus_does_not_hide_painpaths_own_answers(sqlite_services):
    ctx = system_context(sqlite_services)
    evidence.import_corpus(ctx, rows(*LEAFLETS), "leaflets")
    exercises = evidence.search(ctx, "back stretch", 10, {"exercise"}).results
    assert exercises and all(r.doc.kind == "exercise" for r in exercises)
    everything = evidence.search(ctx, "back stretch", 10).results
    assert any(r.doc.kind != "imported" for r in everything[:3])


def test_warning_signs_in_everyday_words_come_first(sqlite_services):
    ctx = system_context(sqlite_services)
    for question in (
        "can't pee and back pain",
        "fell and cant stand on my leg",
        "wet myself back pain",
    ):
        found = evidence.search(ctx, question, 5)
        assert [a.id for a in found.answers] == ["red-flags"], question
        top = found.results[0].doc
        assert top.url and top.url.startswith("/learn/red-flags-when-to-get-help"), (
            question,
            top.id,
        )


def test_no_personal_check_in_verdict_is_searchable(sqlite_services):
    """Out of a check-in, "Your answers did not show ..." would clear a stranger."""
    ctx = system_context(sqlite_services)
    for question in (
        "worried something is badly wrong",
        "do I need an x-ray",
        "what kind of back pain",
    ):
        for result in evidence.search(ctx, question, 10).results:
            if result.doc.kind == "explanation":  # only what each warning sign means
                assert result.doc.id.startswith("explanation:redflag.")
                assert not result.doc.text.startswith(("You ", "Your ")), result.doc.id


def test_a_long_passage_is_searched_with_bounded_work(sqlite_services):
    ctx = system_context(sqlite_services)
    long_text = "zebra " + "filler words about nothing much " * 1500  # about 48,000 characters
    evidence.import_corpus(ctx, rows({"_id": "long", "title": "Long", "text": long_text}), "big")
    result = evidence.search(ctx, "zebra", 3).results[0]
    assert result.doc.id == "imported:big:long" and len(result.snippet) < 400
    too_long = evidence.import_corpus(
        ctx, rows({"_id": "x", "title": "X", "text": "a" * 60_000}), "big"
    )
    assert "split it into passages" in too_long.rejected[0].reason


def test_if_a_rebuild_fails_the_previous_index_keeps_serving(sqlite_services, monkeypatch):
    ctx = system_context(sqlite_services)
    evidence.import_corpus(ctx, rows(*GOOD), "clinic")
    assert evidence.search(ctx, "tailbone", 3).results
    evidence.import_corpus(ctx, rows({"_id": "p3", "title": "Hip", "text": "new text"}), "clinic")

    def fails(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(evidence, "build_index", fails)
    assert evidence.search(ctx, "tailbone", 3).results[0].doc.id == "imported:clinic:p2"


def test_new_passage_vectors_are_noticed_without_a_restart(sqlite_services):
    ctx = system_context(sqlite_services)
    first = evidence.engine_for(ctx)
    assert evidence.engine_for(ctx) is first
    (sqlite_services.settings.data_dir / "search" / "vectors.sqlite3").write_bytes(b"")
    assert evidence.engine_for(ctx) is not first  # the vector store changed: look again
