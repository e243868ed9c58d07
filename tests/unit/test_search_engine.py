"""The evidence search engine on a small corpus: lay words found through the vocabulary,
the kind of answer a question asks for, title matches, snippets and reasons, and the
query builder's safety against whatever a person types."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.search.documents import SearchDoc
from painpath.search.engine import SearchEngine, Weights, build_query
from painpath.search.language import Intents, Reader, Vocabulary
from painpath.search.lexical import LexicalIndex, build_index

VOCABULARY = Vocabulary.model_validate(
    {
        "entries": [
            {"id": "herniated-disc", "terms": ["herniated disc", "slipped disc", "disc prolapse"]},
            {"id": "low-back-pain", "terms": ["low back pain", "lumbago", "backache"]},
            {"id": "sciatica", "terms": ["sciatica", "trapped nerve", "pain down the leg"]},
        ]
    }
)
INTENTS = Intents.model_validate(
    {
        "intents": [
            {
                "id": "treatment",
                "label": "what helps",
                "asks": ["treat", "what helps"],
                "answers": ["treatment", "exercise"],
            },
            {
                "id": "symptoms",
                "label": "symptoms",
                "asks": ["symptoms"],
                "answers": ["symptom", "sign"],
            },
        ]
    }
)
DOCS = [
    SearchDoc(
        "d1",
        "imported",
        "Herniated disc",
        "A herniated disc is when the soft centre pushes through the outer ring.",
    ),
    SearchDoc(
        "d2",
        "imported",
        "Herniated disc",
        "Treatment is mostly time and exercise; most people improve within weeks.",
    ),
    SearchDoc(
        "d3",
        "imported",
        "Low back pain",
        "Symptoms and signs of low back pain include stiffness and aching.",
    ),
    SearchDoc(
        "d4",
        "imported",
        "Sciatica",
        "Sciatica is pain that runs from the buttock down the back of the leg.",
    ),
    SearchDoc(
        "d5", "imported", "Kidney stones", "Kidney stones can cause pain in the side and back."
    ),
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("index") / "idx"
    build_index(folder, DOCS)
    return SearchEngine(DOCS, LexicalIndex(folder), Reader(VOCABULARY, INTENTS), Weights())


def test_lay_words_find_the_clinical_document(engine):
    assert engine.ranked_ids("what is a slipped disc")[0] in {"d1", "d2"}
    assert engine.ranked_ids("lumbago")[0] == "d3"
    assert engine.ranked_ids("I have a trapped nerve")[0] == "d4"


def test_the_kind_of_answer_asked_for_decides_between_passages_on_one_topic(engine):
    assert engine.ranked_ids("how do you treat a slipped disc")[0] == "d2"
    assert engine.ranked_ids("what is a herniated disc")[0] == "d1"


def test_results_say_why_they_matched_and_mark_the_words(engine):
    found = engine.search("how do you treat a slipped disc", limit=3)
    top = found.results[0]
    assert any("another name for \u201cslipped disc\u201d" in why for why in top.why)
    assert any("what helps" in why for why in top.why)
    assert "<mark>Treatment</mark>" in top.snippet
    assert found.read.expansions[0].entry.id == "herniated-disc"


def test_the_reader_takes_the_longest_term_and_each_entry_once():
    read = Reader(VOCABULARY, INTENTS).read("Low back pain and lumbago and low back pain")
    assert [e.entry.id for e in read.expansions] == ["low-back-pain"]
    assert read.expansions[0].matched == "low back pain"
    assert "lumbago" in read.expansions[0].others


def test_a_term_in_two_entries_is_refused():
    with pytest.raises(ValueError, match="'lumbago' is in both"):
        Vocabulary.model_validate(
            {
                "entries": [
                    {"id": "a", "terms": ["lumbago", "x"]},
                    {"id": "b", "terms": ["lumbago", "y"]},
                ]
            }
        )


def test_a_question_of_only_small_words_finds_nothing_rather_than_everything(engine):
    assert engine.ranked_ids("what is the") == []
    assert engine.search("   ").results == ()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_nothing_a_person_types_breaks_the_query(text):
    """Only [a-z0-9] words reach tantivy's query language, so quotes, colons, brackets,
    ^, AND/OR, accents or control characters cannot change the query's structure."""
    read = Reader(VOCABULARY, INTENTS).read(text)
    query = build_query(read, Weights())
    for part in query.split():
        field, _, rest = part.partition(":")
        assert field in ("title", "text")


def test_odd_input_searches_without_error(engine):
    for text in ['"unclosed', "title:(x OR", "ç^2 AND NOT", "🙂 back", "a" * 600, "\x00\x1f"]:
        engine.search(text)


def test_a_patient_sees_patient_articles_first_and_a_few_sections_of_each(tmp_path):
    docs = [
        SearchDoc(
            "c#a",
            "article",
            "Lumbago for clinicians",
            "Lumbago lumbago stratified care.",
            url="/learn/c#a",
            audience="clinician",
        ),
        SearchDoc(
            "p#a", "article", "Lumbago", "Lumbago is common.", url="/learn/p#a", audience="patient"
        ),
        SearchDoc(
            "p#b",
            "article",
            "Lumbago",
            "Lumbago: what helps.",
            url="/learn/p#b",
            audience="patient",
        ),
        SearchDoc(
            "p#c",
            "article",
            "Lumbago",
            "Lumbago: when to worry.",
            url="/learn/p#c",
            audience="patient",
        ),
    ]
    build_index(tmp_path / "i", docs)
    engine = SearchEngine(docs, LexicalIndex(tmp_path / "i"), Reader(VOCABULARY, INTENTS))
    for_patient = {r.doc.id: r.score for r in engine.search("lumbago", audience="patient").results}
    assert list(for_patient)[0].startswith("p#")
    assert sum(i.startswith("p#") for i in for_patient) == 2  # two sections of one article
    for_staff = {r.doc.id: r.score for r in engine.search("lumbago").results}
    assert for_staff["c#a"] - for_patient["c#a"] == pytest.approx(Weights().other_audience)
