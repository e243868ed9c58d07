"""Learning: the article library (by topic), each article with its footnotes, sources,
update log, reading grade and readers' feedback; the moderation queue for that feedback;
and the evidence search. Articles and search are education, not health data: open to
all. Feedback needs a sign-in; moderation needs a clinician or admin."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Depends, Request

from painpath.core.accounts import Role
from painpath.core.articles import Topic, reading_order
from painpath.search.documents import KIND_WORDS
from painpath.services import evidence, feedback
from painpath.services.checkins import catalog_for
from painpath.services.errors import InvalidInput, NotFound
from painpath.web.article_html import article_html
from painpath.web.auth import FormFields, checked_form, request_context
from painpath.web.params import RecordId
from painpath.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

KINDS = {
    "article": "Articles",
    "exercise": "Exercises",
    "explanation": "Check-in explanations",
    "imported": "Clinic library",
}


@router.get("/learn")
def library(request: Request, topic: str = ""):
    catalog = catalog_for(request_context(request))
    topics = {t.value for t in Topic}
    chosen = topic if topic in topics else ""
    by_audience = defaultdict(list)
    for article in reading_order(catalog.articles.values()):
        if chosen and chosen not in {t.value for t in article.meta.topics}:
            continue
        by_audience[article.meta.audience.value].append(article)
    used = sorted({t.value for a in catalog.articles.values() for t in a.meta.topics})
    return render(
        request,
        "learn/library.html",
        patient_articles=by_audience["patient"],
        clinician_articles=by_audience["clinician"],
        topics=used,
        chosen=chosen,
    )


def _article_page(request: Request, article_id: str, status: int = 200, **extra):
    ctx = request_context(request)
    catalog = catalog_for(ctx)
    article = catalog.articles.get(article_id)
    if article is None:
        raise NotFound("article")
    meta = article.meta
    references = [(key, catalog.references[key]) for key in meta.sources]
    related = [catalog.articles[a] for a in meta.related_articles if a in catalog.articles]
    exercises = [catalog.exercises[e] for e in meta.related_exercises if e in catalog.exercises]
    extra.setdefault("mine", feedback.mine(ctx, article_id))
    return render(
        request,
        "learn/article.html",
        status_code=status,
        article=article,
        meta=meta,
        body=article_html(article, catalog.references),
        references=references,
        related=related,
        exercises=exercises,
        grade=article.reading_grade,
        words=article.words,
        summary=feedback.summary(ctx, article_id),
        **extra,
    )


@router.get("/learn/{article_id}")
def article_page(request: Request, article_id: str):
    return _article_page(request, article_id)


@router.post("/learn/{article_id}/feedback")
def article_feedback(request: Request, article_id: str, form: FormFields = Depends(checked_form)):
    ctx = request_context(request)
    helpful = form.get("helpful", "")
    if helpful not in ("yes", "no"):
        return _article_page(
            request,
            article_id,
            422,
            errors={"helpful": "Please choose yes or no."},
            values=dict(form),
        )
    try:
        feedback.submit(ctx, article_id, helpful == "yes", form.get("comment"))
    except InvalidInput as error:
        return _article_page(request, article_id, 422, errors=error.errors, values=dict(form))
    return redirect(f"/learn/{article_id}?thanks=1#feedback")


def _moderation_page(request: Request, status: int = 200, **extra):
    pending = feedback.queue(request_context(request))
    return render(request, "learn/moderation.html", status_code=status, pending=pending, **extra)


@router.get("/moderation")
def moderation(request: Request):
    return _moderation_page(request)


@router.post("/moderation/{feedback_id}")
def moderate(request: Request, feedback_id: RecordId, form: FormFields = Depends(checked_form)):
    decision = form.get("decision", "")
    try:
        if decision not in ("approve", "reject"):
            raise InvalidInput({"decision": "Choose approve or reject."})
        feedback.moderate(
            request_context(request), feedback_id, decision == "approve", form.get("version", "")
        )
    except InvalidInput as error:
        return _moderation_page(request, 409, errors=error.errors)
    return redirect("/moderation")


@router.get("/search")
def search_page(request: Request, q: str = "", kind: str = ""):
    ctx = request_context(request)
    q = q.strip()[:200]
    kinds = {kind} if kind in KINDS else None
    found = evidence.search(ctx, q, 20, kinds) if q else None
    references = catalog_for(ctx).references
    return render(
        request,
        "learn/search.html",
        q=q,
        kind=kind if kinds else "",
        kinds=KINDS,
        found=found,
        references=references,
        kind_words=KIND_WORDS,
        # How the search is set up is for whoever runs painpath, not for every reader.
        show_notes=ctx.actor.role is Role.admin,
    )
