"""The JSON API for learning: articles and the evidence search (open to all, like the
pages)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from painpath.core.accounts import Role
from painpath.services import evidence
from painpath.services.checkins import catalog_for
from painpath.services.errors import InvalidInput, NotFound
from painpath.web.auth import request_context

router = APIRouter(prefix="/api/v1")


class ArticleUpdate(BaseModel):
    date: date
    kind: str
    note: str


class ArticleSummary(BaseModel):
    id: str
    title: str
    summary: str
    audience: str
    topics: list[str]
    reviewer: str
    reviewed: date
    reading_grade: float
    url: str


class ArticleDetail(ArticleSummary):
    markdown: str
    sources: list[str]
    updates: list[ArticleUpdate]
    related_articles: list[str]
    related_exercises: list[str]
    evidence_note: str | None


def _summary(article) -> dict:
    m = article.meta
    return {
        "id": m.id,
        "title": m.title,
        "summary": m.summary,
        "audience": m.audience.value,
        "topics": [t.value for t in m.topics],
        "reviewer": m.reviewer,
        "reviewed": m.reviewed,
        "reading_grade": article.reading_grade,
        "url": f"/learn/{m.id}",
    }


@router.get("/articles", response_model=list[ArticleSummary], tags=["learn"])
def list_articles(request: Request, topic: str | None = Query(None, max_length=40)):
    articles = catalog_for(request_context(request)).articles.values()
    return [
        _summary(a)
        for a in sorted(articles, key=lambda a: a.id)
        if topic is None or topic in {t.value for t in a.meta.topics}
    ]


@router.get("/articles/{article_id}", response_model=ArticleDetail, tags=["learn"])
def get_article(request: Request, article_id: str):
    article = catalog_for(request_context(request)).articles.get(article_id)
    if article is None:
        raise NotFound("article")
    m = article.meta
    return {
        **_summary(article),
        "markdown": article.body,
        "sources": list(m.sources),
        "updates": [u.model_dump() for u in m.updates],
        "related_articles": list(m.related_articles),
        "related_exercises": list(m.related_exercises),
        "evidence_note": m.evidence_note,
    }


class AnswerOut(BaseModel):
    id: str
    title: str
    text: str
    article: str | None
    sources: list[str]


class ResultOut(BaseModel):
    id: str
    kind: str
    title: str
    heading: str | None
    url: str | None
    source: str
    licence: str | None
    score: float
    snippet_html: str
    why: list[str]


class SearchOut(BaseModel):
    query: str
    semantic: bool
    answers: list[AnswerOut]
    results: list[ResultOut]
    notes: list[str]


@router.get("/search", response_model=SearchOut, tags=["learn"])
def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=200, description="A question, in your words."),
    kind: str | None = Query(None, pattern="^(article|exercise|explanation|imported)$"),
    limit: int = Query(10, ge=1, le=50),
):
    if not q.strip():
        raise InvalidInput({"q": "Type a question or some words to search for."})
    ctx = request_context(request)
    found = evidence.search(ctx, q, limit, {kind} if kind else None)
    data = evidence.as_dict(found)
    if ctx.actor.role is not Role.admin:
        data["notes"] = []  # how the search is set up is for whoever runs painpath
    return data
