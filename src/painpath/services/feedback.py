"""Readers' feedback on articles: "was this helpful?" and an optional comment.

Any signed-in reader may answer, once per article (answering again changes their
answer). A comment is shown to others only after a clinician or admin approves it;
changing a comment sends it back for approval. Votes are shown only as totals."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from painpath.core.access import may_moderate_feedback
from painpath.services import audit
from painpath.services.checkins import catalog_for
from painpath.services.context import Context
from painpath.services.errors import Forbidden, InvalidInput, NotFound
from painpath.store.db import transaction
from painpath.store.models import ArticleFeedback, FeedbackStatus

MAX_COMMENT = 1000


@dataclass(frozen=True)
class MyFeedback:
    helpful: bool
    comment: str | None
    status: str


@dataclass(frozen=True)
class Comment:
    text: str
    helpful: bool
    at: datetime


@dataclass(frozen=True)
class Summary:
    helpful: int
    not_helpful: int
    comments: list[Comment]


@dataclass(frozen=True)
class Pending:
    id: int
    article_id: str
    article_title: str
    helpful: bool
    comment: str
    at: datetime
    version: str  # what the moderator saw: a decision applies only to this text


def _article(ctx: Context, article_id: str):
    article = catalog_for(ctx).articles.get(article_id)
    if article is None:
        raise NotFound("article")
    return article


def submit(ctx: Context, article_id: str, helpful: bool, comment: str | None) -> MyFeedback:
    audit.require_signed_in(ctx)
    if ctx.actor.user_id is None:  # the system account does not read articles
        raise Forbidden("Feedback comes from signed-in readers.")
    _article(ctx, article_id)
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT:
        raise InvalidInput(
            {
                "comment": f"Please keep your comment to {MAX_COMMENT} characters "
                f"(it has {len(text)})."
            }
        )
    try:
        return _store(ctx, article_id, helpful, text)
    except IntegrityError:  # a double click raced the first answer in: update it instead
        return _store(ctx, article_id, helpful, text)


def _store(ctx: Context, article_id: str, helpful: bool, text: str | None) -> MyFeedback:
    now = ctx.now()
    with transaction(ctx.services.db) as session:
        row = session.scalar(
            select(ArticleFeedback)
            .where(
                ArticleFeedback.article_id == article_id,
                ArticleFeedback.user_id == ctx.actor.user_id,
            )
            .with_for_update()
        )
        if row is None:
            row = ArticleFeedback(
                article_id=article_id,
                user_id=ctx.actor.user_id,
                helpful=helpful,
                comment=text,
                status=FeedbackStatus.pending if text else FeedbackStatus.approved,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
        else:
            if text != row.comment:
                row.comment = text
                row.status = FeedbackStatus.pending if text else FeedbackStatus.approved
                row.moderated_by = row.moderated_at = None
            row.helpful = helpful
            row.updated_at = now
        session.flush()
        audit.record(
            session,
            ctx,
            "article.feedback",
            subject_type="article",
            subject_id=article_id,
            detail=f"helpful={'yes' if helpful else 'no'}, comment={'yes' if text else 'no'}",
        )
        return MyFeedback(row.helpful, row.comment, row.status.value)


def mine(ctx: Context, article_id: str) -> MyFeedback | None:
    if ctx.actor.user_id is None:
        return None
    with ctx.services.db() as session:
        row = session.scalar(
            select(ArticleFeedback).where(
                ArticleFeedback.article_id == article_id,
                ArticleFeedback.user_id == ctx.actor.user_id,
            )
        )
        return None if row is None else MyFeedback(row.helpful, row.comment, row.status.value)


def summary(ctx: Context, article_id: str) -> Summary:
    """Totals of every answer, and the approved comments (no names: "a reader")."""
    with ctx.services.db() as session:
        counts = dict(
            session.execute(
                select(ArticleFeedback.helpful, func.count())
                .where(ArticleFeedback.article_id == article_id)
                .group_by(ArticleFeedback.helpful)
            ).all()
        )
        rows = session.execute(
            select(ArticleFeedback.comment, ArticleFeedback.helpful, ArticleFeedback.updated_at)
            .where(
                ArticleFeedback.article_id == article_id,
                ArticleFeedback.status == FeedbackStatus.approved,
                ArticleFeedback.comment.is_not(None),
            )
            .order_by(ArticleFeedback.updated_at.desc())
            .limit(50)
        ).all()
    return Summary(
        counts.get(True, 0), counts.get(False, 0), [Comment(c, h, at) for c, h, at in rows]
    )


def _require_moderator(ctx: Context, action: str) -> None:
    audit.require_signed_in(ctx)
    if ctx.actor.role is None or not may_moderate_feedback(ctx.actor.role):
        audit.record_now(ctx, action, outcome=audit.DENIED)
        raise Forbidden()


def queue(ctx: Context) -> list[Pending]:
    _require_moderator(ctx, "feedback.queue")
    titles = {a.id: a.meta.title for a in catalog_for(ctx).articles.values()}
    with transaction(ctx.services.db) as session:
        rows = session.scalars(
            select(ArticleFeedback)
            .where(ArticleFeedback.status == FeedbackStatus.pending)
            .order_by(ArticleFeedback.updated_at)
            .limit(200)
        ).all()
        audit.record(session, ctx, "feedback.queue", detail=f"{len(rows)} waiting")
        return [
            Pending(
                r.id,
                r.article_id,
                titles.get(r.article_id, r.article_id),
                r.helpful,
                r.comment or "",
                r.updated_at,
                _version(r.comment),
            )
            for r in rows
        ]


def _version(comment: str | None) -> str:
    return hashlib.sha256((comment or "").encode()).hexdigest()[:16]


def moderate(ctx: Context, feedback_id: int, approve: bool, version: str) -> None:
    """Approve or reject the comment as the moderator saw it (`version`): if it has been
    changed since, or already decided, nothing happens and they are told why."""
    _require_moderator(ctx, "feedback.moderate")
    with transaction(ctx.services.db) as session:
        row = session.get(ArticleFeedback, feedback_id, with_for_update=True)
        if row is None or row.comment is None:
            raise NotFound("comment")
        if row.user_id == ctx.actor.user_id:
            raise Forbidden("Someone else reviews your own comments.")
        if row.status != FeedbackStatus.pending or _version(row.comment) != version:
            raise InvalidInput(
                {"comment": "This comment was changed or already reviewed; please look again."}
            )
        row.status = FeedbackStatus.approved if approve else FeedbackStatus.rejected
        row.moderated_by = ctx.actor.user_id
        row.moderated_at = ctx.now()
        audit.record(
            session,
            ctx,
            "feedback.moderate",
            subject_type="feedback",
            subject_id=feedback_id,
            detail=f"{'approved' if approve else 'rejected'} version {version}",
        )
