"""Every way a person might name something in painpath's vocabulary leads them to the
article that answers it: each term of each entry that names an article, searched over
painpath's own content, finds that article near the top."""

from __future__ import annotations

import pytest

from painpath.catalog import get_catalog
from painpath.search.engine import SearchEngine
from painpath.search.language import Reader
from painpath.search.lexical import LexicalIndex, build_index
from painpath.services.evidence import content_documents

CATALOG = get_catalog()
CASES = [
    (entry.id, term, entry.article)
    for entry in CATALOG.vocabulary.entries
    if entry.article
    for term in entry.terms
]
TOP = 5


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    docs = content_documents(CATALOG)
    folder = tmp_path_factory.mktemp("content-index") / "index"
    build_index(folder, docs)
    return SearchEngine(docs, LexicalIndex(folder), Reader(CATALOG.vocabulary, CATALOG.intents))


def test_enough_entries_lead_to_articles():
    assert len({a for _, _, a in CASES}) >= 15


@pytest.mark.parametrize(("entry", "term", "article"), CASES, ids=[f"{e}:{t}" for e, t, _ in CASES])
def test_each_term_finds_its_article(engine, entry, term, article):
    found = engine.search(term, limit=TOP, kinds={"article"})
    urls = [r.doc.url.split("#")[0] for r in found.results]
    assert f"/learn/{article}" in urls, f"{term!r} ({entry}) found {urls}"
