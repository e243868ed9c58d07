"""Safety first, whatever the wording: every EMERGENCY and URGENT warning sign, typed
the ways people type it (content/search/safety_queries.yaml, typos included), brings
the warning-signs answer to the top of painpath's search, over painpath's own content
with the engine the app serves."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from painpath.catalog import CONTENT_DIR, get_catalog
from painpath.core.articles import explainers
from painpath.search.answers import AnswerCards
from painpath.search.engine import WARNING_SIGN_PREFIX, SearchEngine, article_of
from painpath.search.language import Reader
from painpath.search.lexical import LexicalIndex, build_index
from painpath.services.evidence import content_documents

CATALOG = get_catalog()
TABLE = yaml.safe_load((Path(CONTENT_DIR) / "search" / "safety_queries.yaml").read_text())
SIGNS = {r.id for r in CATALOG.redflags.rules if r.tier.value in ("EMERGENCY", "URGENT")}
WARNINGS = explainers(CATALOG.articles, "patient")["red_flags"].id
CASES = [(rule, q) for rule, queries in TABLE["queries"].items() for q in queries]
TOP = 3


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    docs = content_documents(CATALOG)
    folder = tmp_path_factory.mktemp("safety-index") / "index"
    build_index(folder, docs)
    return SearchEngine(
        docs,
        LexicalIndex(folder),
        Reader(CATALOG.vocabulary, CATALOG.intents),
        answers=AnswerCards(CATALOG),
        safety_articles=frozenset([WARNINGS]),
    )


def test_every_emergency_and_urgent_sign_has_five_lay_wordings():
    counts = {rule: len(set(TABLE["queries"].get(rule) or ())) for rule in SIGNS}
    assert {r: n for r, n in counts.items() if n < 5} == {}
    assert set(TABLE["queries"]) <= SIGNS | set(), "wordings for a rule that is not a sign"


@pytest.mark.parametrize(("rule", "query"), CASES, ids=[f"{r}:{q}" for r, q in CASES])
def test_a_warning_sign_in_everyday_words_surfaces_the_warning_signs(engine, rule, query):
    found = engine.search(query, limit=TOP, audience="patient")
    card = any(a.id == "red-flags" for a in found.answers)
    top = [r.doc for r in found.results[:TOP]]
    warned = any(
        article_of(d) == WARNINGS or d.id.startswith(WARNING_SIGN_PREFIX) for d in top
    )
    assert card or warned, (rule, query, [d.id for d in top])


def test_content_check_refuses_a_table_missing_a_sign_or_naming_a_non_sign():
    from painpath.catalog import _check_safety_queries

    short = {"queries": {"ces_bladder_bowel": ["cant pee back pain"] * 5, "made_up": ["a b"]}}
    problems = _check_safety_queries(CATALOG, short)
    assert any("made_up: not an EMERGENCY or URGENT rule" in p for p in problems)
    assert any("ces_bladder_bowel: needs 5 different wordings" in p for p in problems)
    assert any("hip_fracture: needs 5 different wordings" in p for p in problems)
    assert _check_safety_queries(CATALOG, TABLE) == []
