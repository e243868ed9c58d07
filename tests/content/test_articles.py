"""The education articles, checked the way an editor would: every one valid, sourced,
dated, logged and readable, the required subjects covered; broken articles refused with
the problem named; and every vocabulary entry's lay words lead to its article."""

from __future__ import annotations

import pytest
import textstat

from painpath.catalog import CONTENT_DIR, get_catalog
from painpath.core.articles import EXPLAINS, ArticleError, parse_article
from tests.content.test_content_check import problems

CATALOG = get_catalog()
ARTICLES = sorted(CATALOG.articles.values(), key=lambda a: a.id)

# The subjects the library must cover (issue 5), each with the article that does.
REQUIRED = {
    "why most back pain is not dangerous": "most-back-pain-is-not-dangerous",
    "the red flags that are": "red-flags-when-to-get-help",
    "three kinds of back pain by cause": "three-kinds-of-back-pain",
    "what an MRI can and cannot tell you": "mri-what-a-scan-can-tell-you",
    "how beliefs about pain affect recovery": "beliefs-and-recovery",
    "hip flexors and long sitting": "hip-flexors-and-sitting",
    "hip flexor strain": "hip-flexor-strain",
    "running and walking with hip pain": "running-and-walking-with-hip-pain",
    "swimming and water exercise": "swimming-and-water-exercise",
    "chair yoga for older adults with osteoarthritis": "chair-yoga-for-older-adults",
    "functional versus repetitive exercise": "functional-exercise",
    "medicines": "medicines-for-back-pain",
    "when and why to see a physiotherapist": "when-to-see-a-physiotherapist",
    "athletes who play through pain": "athletes-playing-through-pain",
    "what the STarT Back groups mean": "what-your-startback-group-means",
    "pacing and flare-ups": "pacing-and-flare-ups",
}


def test_at_least_eighteen_articles_cover_every_required_subject():
    assert len(ARTICLES) >= 18
    missing = {subject: a for subject, a in REQUIRED.items() if a not in CATALOG.articles}
    assert not missing


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.id)
def test_each_article_is_sourced_footnoted_dated_and_logged(article):
    meta = article.meta
    assert all(key in CATALOG.references for key in meta.sources)
    assert {k for f in article.footnotes for k in f.keys} == set(meta.sources)
    assert len(article.footnotes) >= 3
    assert meta.updates[0].kind == "new article" and meta.reviewed >= meta.updates[0].date
    assert len(article.sections) >= 3  # long-form, in sections the search can point to
    assert 400 <= len(article.plain_text().split()) <= 2000


@pytest.mark.parametrize(
    "article", [a for a in ARTICLES if a.meta.audience == "patient"], ids=lambda a: a.id
)
def test_patient_articles_read_at_grade_8_or_below(article):
    grade = textstat.flesch_kincaid_grade(article.plain_text())
    assert grade <= 8.0, f"{article.id}: grade {grade:.1f}"


def test_every_part_of_the_result_and_programme_pages_has_an_article():
    explained = {part for a in ARTICLES for part in a.meta.explains}
    assert explained == set(EXPLAINS)


def article(body: str, **front) -> str:
    meta = {
        "id": "test-article",
        "title": "A test article",
        "summary": "A summary long enough to pass the check.",
        "audience": "patient",
        "topics": "[back]",
        "reviewer": "someone",
        "reviewed": "2026-12-04",
        "sources": "[nice_ng59]",
        "updates": "[{date: 2026-12-04, kind: new article, note: First published.}]",
        **front,
    }
    head = "\n".join(f"{k}: {v}" for k, v in meta.items())
    return f"---\n{head}\n---\n{body}"


@pytest.mark.parametrize(
    ("body", "front", "message"),
    [
        ("Text.[^a]\n\n[^b]: @nice_ng59", {}, "footnote [^a] is used but never defined"),
        (
            "Text.[^a]\n\n[^a]: @nice_ng59\n[^b]: spare",
            {},
            "footnote [^b] is defined but never used",
        ),
        ("Text.[^a]\n\n[^a]: @nice_ng59\n[^a]: @nice_ng59", {}, "defined twice"),
        (
            "Text.[^a]\n\n[^a]: @deyo2001",
            {},
            "cites @deyo2001 in a footnote but not in its sources",
        ),
        (
            "Text.[^a]\n\n[^a]: a note only",
            {},
            "lists nice_ng59 in its sources but no footnote cites it",
        ),
        (
            "Text.[^a]\n\n[^a]: @nice_ng59",
            {"updates": "[{date: 2026-12-04, kind: correction, note: Fixed.}]"},
            "the first update must be the 'new article' entry",
        ),
        (
            "Text.[^a]\n\n[^a]: @nice_ng59",
            {
                "updates": "[{date: 2026-12-04, kind: new article, note: New.}, "
                "{date: 2026-01-01, kind: correction, note: Fixed.}]"
            },
            "oldest first",
        ),
        (
            "Text.[^a]\n\n[^a]: @nice_ng59",
            {"updates": "[{date: 2026-12-04, kind: rumour, note: Eh.}]"},
            "kind",
        ),
        ("Text.[^a]\n\n[^a]: @nice_ng59", {"explains": "[horoscope]"}, "not a part of a page"),
    ],
)
def test_a_broken_article_is_refused_with_the_problem_named(body, front, message):
    with pytest.raises(ArticleError, match=message.replace("[", r"\[").replace("^", r"\^")):
        parse_article(article(body, **front))


def test_content_check_refuses_hard_reading_unknown_sources_and_missing_links(tmp_path):
    dense = (
        "Nonspecific lumbosacral symptomatology demonstrates considerable heterogeneity "
        "regarding pathophysiological mechanisms and prognostic trajectories.[^a] " * 20
    )
    text = article(
        dense + "\n\n## More\n\nSee [this](no-such-article) and [that](/exercises/clamshell)."
        "\n\n## Yet more\n\nMore.\n\n[^a]: @nice_ng59",
        id="mri-what-a-scan-can-tell-you",
        related_articles="[no-such-article]",
        related_exercises="[no_such_exercise]",
    )
    target = tmp_path / "articles" / "mri-what-a-scan-can-tell-you.md"
    target.parent.mkdir()
    target.write_text(text)
    out = problems(tmp_path)
    assert "patient articles must be 8 or below" in out
    assert "related_articles: no other article 'no-such-article'" in out
    assert "related_exercises: no exercise 'no_such_exercise'" in out
    assert "link (no-such-article): leads to no article or exercise" in out
    assert "link (/exercises/clamshell)" not in out


def test_an_article_whose_id_is_not_its_file_name_is_refused(tmp_path):
    source = (CONTENT_DIR / "articles" / "mri-what-a-scan-can-tell-you.md").read_text()
    target = tmp_path / "articles" / "mri-what-a-scan-can-tell-you.md"
    target.parent.mkdir()
    target.write_text(source.replace("id: mri-what-a-scan-can-tell-you", "id: another-id", 1))
    assert "id 'another-id' must match the file name" in problems(tmp_path)
