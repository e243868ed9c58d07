"""The optional semantic tier (the `semantic` extra: a small embedding model run offline
on the CPU): passage vectors computed once and cached, and retrieval by meaning fused with
the lexical ranking."""

from __future__ import annotations

import pytest

from painpath.search import semantic
from painpath.search.documents import SearchDoc
from painpath.search.engine import SearchEngine, Weights
from painpath.search.language import Intents, Reader, Vocabulary
from painpath.search.lexical import LexicalIndex, build_index

DOCS = [
    SearchDoc(
        "coccyx",
        "imported",
        "Coccydynia",
        "Soreness at the very bottom of the spine, worse on hard chairs.",
    ),
    SearchDoc(
        "heel",
        "imported",
        "Plantar fasciitis",
        "A band under the foot is irritated; first steps after bed are the worst.",
    ),
    SearchDoc(
        "wrist",
        "imported",
        "Carpal tunnel syndrome",
        "A nerve at the wrist is squeezed; fingers go numb at night.",
    ),
]


@pytest.fixture(scope="module")
def embedder():
    try:
        return semantic.Embedder()
    except semantic.Unavailable as error:
        from tests.conftest import missing

        missing("Semantic search tier", str(error))


class Counting:
    """An embedder that counts the passages it was asked to embed."""

    def __init__(self, inner):
        self.inner, self.model, self._np, self.embedded = inner, inner.model, inner._np, 0

    def passages(self, texts):
        self.embedded += len(texts)
        return self.inner.passages(texts)


def test_an_unknown_model_is_refused_by_name():
    with pytest.raises(semantic.Unavailable, match="unknown embedding model 'bert:base'"):
        semantic.Embedder("bert:base")


def test_vectors_are_computed_once_and_only_for_changed_passages(embedder, tmp_path):
    cache = semantic.VectorCache(tmp_path / "vectors.sqlite3")
    counting = Counting(embedder)
    texts = [semantic.embed_text(d.title, d.text) for d in DOCS]
    first = semantic.ensure_vectors(counting, cache, texts)
    assert first.shape == (3, embedder.dim) and counting.embedded == 3
    again = semantic.ensure_vectors(counting, cache, texts)
    assert counting.embedded == 3 and (again == first).all()  # nothing recomputed
    semantic.ensure_vectors(counting, cache, [*texts[:2], "A changed passage about the hip."])
    assert counting.embedded == 4  # only the changed one
    norms = (first * first).sum(axis=1)
    assert norms == pytest.approx([1.0, 1.0, 1.0], abs=1e-3)


def test_meaning_finds_a_passage_that_shares_no_words_with_the_question(embedder, tmp_path):
    folder = tmp_path / "index"
    build_index(folder, DOCS)
    cache = semantic.VectorCache(tmp_path / "vectors.sqlite3")
    matrix = semantic.ensure_vectors(
        embedder, cache, [semantic.embed_text(d.title, d.text) for d in DOCS]
    )
    reader = Reader(Vocabulary(entries=()), Intents(intents=()))
    lexical_only = SearchEngine(DOCS, LexicalIndex(folder), reader)
    question = "my tailbone aches whenever I am seated"
    assert lexical_only.ranked_ids(question) == []  # no word in common
    fused = SearchEngine(
        DOCS,
        LexicalIndex(folder),
        reader,
        Weights(semantic=1.0),
        semantic.SemanticIndex(embedder, matrix),
    )
    found = fused.search(question, limit=3)
    assert found.semantic and found.results[0].doc.id == "coccyx"
    assert "Close in meaning to your question" in found.results[0].why
    assert fused.ranked_ids("numb fingers that wake me up")[0] == "wrist"
