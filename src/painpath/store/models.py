"""Database tables. Typed SQLAlchemy 2 models; Alembic migrations must match them
(tests/store/test_migrations.py compares the two)."""

from __future__ import annotations

import enum
from datetime import date as date_type
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from painpath.core.accounts import Role, Sex
from painpath.store.types import UTCDateTime

# Stable constraint names, so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK: portable, and readable in SQL.
    return Enum(kind, name=name, native_enum=False, validate_strings=True, length=16)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (the CHECK enforces it), so the unique index is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None]


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(120))
    birth_year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[Sex | None] = mapped_column(_enum(Sex, "sex"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class CareTeam(Base):
    """A clinician responsible for a patient. Access to a patient's record follows it."""

    __tablename__ = "care_team"

    clinician_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime]


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    # SHA-256 of the one-time token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class AuditEvent(Base):
    """Append-only: the migration adds triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)  # no FK: history outlives users
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell their tokens apart; not enough to use.
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, e.g. "read write"
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored,
    so signing out (or an admin deactivating the user) ends the session for real."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    client_address: Mapped[str | None] = mapped_column(String(64))


class SignInAttempt(Base):
    """Failed sign-ins, kept in the database so throttling holds across workers."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))  # "email:<addr>" or "ip:<addr>"
    at: Mapped[datetime]


class Assessment(Base):
    """One check-in: answers saved step by step, then the result that explains them.

    `revision` goes up with every saved step, so a form submitted twice (double click,
    back button) is recognised instead of applied twice. `content_version` is the hash
    of the rules that produced `result`."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("status IN ('in_progress', 'stopped', 'complete')", name="status_known"),
        Index("ix_assessments_patient_created", "patient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    step: Mapped[str | None] = mapped_column(String(32))
    answers: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON)
    highest_tier: Mapped[str | None] = mapped_column(String(16))
    content_version: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_as: Mapped[Role] = mapped_column(_enum(Role, "entered_as"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class InstrumentResponse(Base):
    """A scored validated instrument (STarT Back, ODI, HOOS, ...) for one patient.

    `submission_key` makes a repeated submission of the same form a no-op."""

    __tablename__ = "instrument_responses"
    __table_args__ = (
        CheckConstraint("source IN ('paper', 'questionnaire')", name="source_known"),
        Index("ix_instrument_responses_patient", "patient_id", "instrument", "administered_on"),
        # Idempotency per patient: another patient's form may carry the same key.
        UniqueConstraint(
            "patient_id", "submission_key", name="uq_instrument_responses_patient_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    instrument: Mapped[str] = mapped_column(String(32))
    responses: Mapped[dict] = mapped_column(JSON)
    options: Mapped[dict] = mapped_column(JSON)
    score: Mapped[dict] = mapped_column(JSON)
    value: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    rule_version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    content_version: Mapped[str] = mapped_column(String(32))
    administered_on: Mapped[datetime]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    submission_key: Mapped[str] = mapped_column(String(64))


class InstrumentText(Base):
    """A clinic's licensed item text for one instrument, as a checked FHIR Questionnaire.

    Third-party item text never ships with painpath (clinical-spec §0); it lives here,
    loaded by `painpath instruments load`."""

    __tablename__ = "instrument_texts"

    instrument: Mapped[str] = mapped_column(String(32), primary_key=True)
    questionnaire: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[str | None] = mapped_column(String(254))


class Programme(Base):
    """A patient's home programme. The items change as the pain-monitoring model
    progresses or regresses them; `programme_changes` keeps the history."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused', 'ended')", name="status_known"),
        Index("ix_programmes_patient", "patient_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(16))  # checkin | clinician | protocol
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL")
    )
    rationale: Mapped[dict] = mapped_column(JSON)
    thresholds: Mapped[dict] = mapped_column(JSON)
    baseline_morning_pain: Mapped[int] = mapped_column(Integer)
    sessions_per_week: Mapped[int] = mapped_column(Integer)
    weeks: Mapped[int] = mapped_column(Integer)
    content_version: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProgrammeItem(Base):
    __tablename__ = "programme_items"
    __table_args__ = (Index("ix_programme_items_programme", "programme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(64))
    dosage: Mapped[dict] = mapped_column(JSON)
    reasons: Mapped[list] = mapped_column(JSON)
    sources: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)


class ProgrammeChange(Base):
    """Why an item changed: progressed, regressed, held, edited by a clinician."""

    __tablename__ = "programme_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_items.id", ondelete="SET NULL")
    )
    at: Mapped[datetime]
    decision: Mapped[str] = mapped_column(String(24))
    from_exercise: Mapped[str | None] = mapped_column(String(64))
    to_exercise: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ExerciseLog(Base):
    """One exercise done (or not) on one day, with the pain it brought."""

    __tablename__ = "exercise_logs"
    __table_args__ = (
        CheckConstraint("pain_during BETWEEN 0 AND 10", name="pain_during_range"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after_range"),
        Index("ix_exercise_logs_item_day", "item_id", "day"),
        UniqueConstraint("programme_id", "submission_key", name="uq_exercise_logs_programme_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("programme_items.id", ondelete="CASCADE"))
    exercise_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[date_type]
    completed: Mapped[bool]
    pain_during: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    logged_at: Mapped[datetime]
    submission_key: Mapped[str] = mapped_column(String(64))


class MorningCheck(Base):
    """The next-morning check: has yesterday's exercise pain settled?"""

    __tablename__ = "morning_checks"
    __table_args__ = (
        CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),
        CheckConstraint("stiffness BETWEEN 0 AND 10", name="stiffness_range"),
        # One ordinary check a day (a repeat changes nothing); a check that reports a
        # warning sign is always kept, even a second one the same day.
        Index(
            "uq_morning_checks_programme_day_plain",
            "programme_id",
            "day",
            unique=True,
            sqlite_where=text("warning_sign = 0"),
            postgresql_where=text("NOT warning_sign"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    day: Mapped[date_type]
    pain: Mapped[int] = mapped_column(Integer)
    stiffness: Mapped[int | None] = mapped_column(Integer)
    warning_sign: Mapped[bool]
    # Which warning signs were ticked (ids of redflags.yaml `recheck.signs`) and the
    # flags they raised, as shown to the person: kept so the alert explains itself
    # even after the rules change.
    signs: Mapped[list | None] = mapped_column(JSON)
    flags: Mapped[list | None] = mapped_column(JSON)
    highest_tier: Mapped[str | None] = mapped_column(String(16))
    logged_at: Mapped[datetime]


class SafetyReview(Base):
    """A clinician's record of what was done about a red flag: a check-in that stopped
    on one, or a warning sign at a next-morning check. Until a review exists the flag
    stands: no programme is made, resumed or played, and it tops the clinician's list.
    painpath itself never closes a flag."""

    __tablename__ = "safety_reviews"
    __table_args__ = (
        CheckConstraint(
            "(assessment_id IS NULL) <> (morning_check_id IS NULL)", name="one_subject"
        ),
        CheckConstraint(
            "outcome IN ('emergency_care', 'urgent_care', 'specialist_referral', "
            "'assessed_in_clinic', 'advice_given', 'other')",
            name="outcome_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    # A review covers what its subject showed when it was made: a check-in that goes on
    # (or stops) after a review is reviewed again, so several rows may share a subject.
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    morning_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("morning_checks.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(32))
    action_taken: Mapped[str] = mapped_column(Text)
    programme_may_resume: Mapped[bool]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime]


class ProgrammeTemplate(Base):
    """A clinician's saved programme (or a ready-made protocol copied in) to reuse."""

    __tablename__ = "programme_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    items: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime]


class EvidenceDocument(Base):
    """A passage a clinic imported into the evidence search (`painpath evidence import`).
    The search index is built from these and painpath's own content; it can always be
    rebuilt from them."""

    __tablename__ = "evidence_documents"
    __table_args__ = (UniqueConstraint("corpus", "doc_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    corpus: Mapped[str] = mapped_column(String(80), index=True)
    doc_id: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    source: Mapped[str | None] = mapped_column(String(200))
    licence: Mapped[str | None] = mapped_column(String(200))
    imported_at: Mapped[datetime]


class FeedbackStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class ArticleFeedback(Base):
    """'Was this helpful?' from a signed-in reader, with an optional comment that is
    shown to others only after a clinician or admin approves it."""

    __tablename__ = "article_feedback"
    __table_args__ = (UniqueConstraint("article_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[str] = mapped_column(String(120), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    helpful: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[FeedbackStatus] = mapped_column(_enum(FeedbackStatus, "feedback_status"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    moderated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None]


class FlareUp(Base):
    """A flare-up the person logged: when it started, how bad, and what they noticed."""

    __tablename__ = "flare_ups"
    __table_args__ = (
        CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),
        Index("ix_flare_ups_patient_started", "patient_id", "started_on"),
        UniqueConstraint("patient_id", "submission_key", name="uq_flare_ups_patient_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    started_on: Mapped[date_type]
    pain: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[datetime]
    # Idempotency is per patient: another patient's form may carry the same key.
    submission_key: Mapped[str] = mapped_column(String(64))


class ClinicianNote(Base):
    """A clinician's note on a patient's record (audited; never shown to the patient)."""

    __tablename__ = "clinician_notes"
    __table_args__ = (Index("ix_clinician_notes_patient_at", "patient_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class CalendarFeed(Base):
    """A patient's private calendar feed (sessions and re-measure dates). Only a hash of
    its token is kept: the link is shown once, and revoking it ends it for good."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
