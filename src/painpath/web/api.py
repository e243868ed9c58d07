"""The JSON API, /api/v1. Same services and policy as the pages; bearer tokens or the
session cookie (with an X-CSRF-Token header on changes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from painpath.core.accounts import Role
from painpath.core.exercises import matches
from painpath.core.pathway import AssessmentResult
from painpath.core.screening import FiredFlag
from painpath.core.statements import Audience
from painpath.services import accounts, audit, checkins, instruments, invites, patients, safety
from painpath.services.checkins import catalog_for
from painpath.services.context import Context
from painpath.services.schemas import (
    ApiTokenView,
    AuditEventView,
    InviteView,
    NewApiToken,
    NewInvite,
    NewPatient,
    NewUser,
    PatientOverview,
    PatientView,
    UserView,
)
from painpath.web.auth import api_context, request_context
from painpath.web.params import RecordId

router = APIRouter(prefix="/api/v1")


class Me(BaseModel):
    id: int
    email: str
    role: str
    display_name: str


class CreatedInvite(BaseModel):
    invite: InviteView
    link: str  # contains the one-time token: shown once, never retrievable again


class CreatedToken(BaseModel):
    token: ApiTokenView
    secret: str  # the bearer token itself: shown once, never retrievable again


@router.get("/me", response_model=Me, tags=["account"])
def me(ctx: Context = Depends(api_context)):
    actor = ctx.actor
    return Me(id=actor.user_id, email=actor.email, role=actor.role, display_name=actor.display_name)


@router.get("/patients", response_model=list[PatientView], tags=["patients"])
def list_patients(
    ctx: Context = Depends(api_context),
    q: str | None = Query(None, max_length=120, description="Part of a name."),
):
    return patients.list_patients(ctx, q)


@router.post("/patients", response_model=PatientView, status_code=201, tags=["patients"])
def add_patient(body: NewPatient, ctx: Context = Depends(api_context)):
    return patients.add_patient(ctx, body)


@router.get("/patients/{patient_id}", response_model=PatientOverview, tags=["patients"])
def get_patient(patient_id: RecordId, ctx: Context = Depends(api_context)):
    return patients.get_patient(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/invites",
    response_model=CreatedInvite,
    status_code=201,
    tags=["patients"],
)
def invite_patient(
    patient_id: RecordId, body: NewInvite, request: Request, ctx: Context = Depends(api_context)
):
    created = invites.create_invite(ctx, patient_id, body)
    return CreatedInvite(
        invite=created.invite,
        link=request.app.state.services.settings.public_url(f"/invite/{created.token}"),
    )


@router.get("/tokens", response_model=list[ApiTokenView], tags=["account"])
def list_tokens(ctx: Context = Depends(api_context)):
    return accounts.list_api_tokens(ctx)


@router.post("/tokens", response_model=CreatedToken, status_code=201, tags=["account"])
def create_token(body: NewApiToken, ctx: Context = Depends(api_context)):
    view, secret = accounts.create_api_token(ctx, body)
    return CreatedToken(token=view, secret=secret)


@router.delete("/tokens/{token_id}", response_model=ApiTokenView, tags=["account"])
def revoke_token(token_id: RecordId, ctx: Context = Depends(api_context)):
    return accounts.revoke_api_token(ctx, token_id)


@router.get("/users", response_model=list[UserView], tags=["admin"])
def list_users(ctx: Context = Depends(api_context)):
    return accounts.list_users(ctx)


@router.post("/users", response_model=UserView, status_code=201, tags=["admin"])
def create_user(body: NewUser, ctx: Context = Depends(api_context)):
    return accounts.create_user(ctx, body)


@router.get("/audit-events", response_model=list[AuditEventView], tags=["admin"])
def list_audit_events(
    ctx: Context = Depends(api_context),
    actor: str | None = Query(None, max_length=254),
    action: str | None = Query(None, max_length=64),
    subject_type: str | None = Query(None, max_length=32),
    subject_id: str | None = Query(None, max_length=64),
    outcome: str | None = Query(None, max_length=16),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(100, ge=1, le=500),
    before_id: int | None = Query(None, ge=1),
):
    return audit.list_events(
        ctx,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        outcome=outcome,
        since=since,
        until=until,
        limit=limit,
        before_id=before_id,
    )


# --- clinical -------------------------------------------------------------------------


class AssessRequest(BaseModel):
    model_config = {"extra": "forbid"}
    answers: dict[str, Any] = Field(description="Check-in answers keyed by item id.")
    on: date | None = Field(None, description="Assessment date; default today.")


class CheckinSummary(BaseModel):
    id: int
    status: str
    highest_tier: str | None
    content_version: str
    created_at: datetime
    completed_at: datetime | None
    result: AssessmentResult | None


class NewInstrumentResponse(BaseModel):
    model_config = {"extra": "forbid"}
    instrument: str = Field(description="Instrument id, e.g. sbst, odi, hoos.")
    responses: dict[str, Any] = Field(description="Item scores keyed by item id.")
    options: dict[str, str] = {}
    administered_on: date
    submission_key: str = Field(
        min_length=1, max_length=64, description="Repeat it to make a retry safe."
    )


class InstrumentScoreView(BaseModel):
    id: int
    instrument: str
    administered_on: date
    source: str
    value: float | None
    status: str
    category: str | None
    band: str | None
    change: str | None
    subscales: dict[str, float | None]
    rule_version: str


def _score_view(r) -> InstrumentScoreView:
    return InstrumentScoreView(
        id=r.id,
        instrument=r.instrument,
        administered_on=r.administered_on,
        source=r.source,
        value=r.score.value,
        status=r.score.status,
        category=r.score.category,
        band=r.reading.band,
        change=r.reading.change.label if r.reading.change else None,
        subscales=dict(r.score.subscales),
        rule_version=r.score.rule_version,
    )


@router.post("/assess", response_model=AssessmentResult, tags=["check-in"])
def assess_answers(body: AssessRequest, ctx: Context = Depends(api_context)):
    """Screen and assess a set of answers without saving anything. Invalid or unknown
    answers are refused with a message per item (nothing is guessed)."""
    return checkins.assess_answers(ctx, body.answers, body.on)


@router.get(
    "/patients/{patient_id}/checkins", response_model=list[CheckinSummary], tags=["check-in"]
)
def list_checkins(patient_id: RecordId, ctx: Context = Depends(api_context)):
    return [
        CheckinSummary(
            id=c.id,
            status=c.status,
            highest_tier=c.highest_tier,
            content_version=c.content_version,
            created_at=c.created_at,
            completed_at=c.completed_at,
            result=_for_audience(c.result, ctx),
        )
        for c in checkins.list_checkins(ctx, patient_id)
    ]


def _for_audience(result: AssessmentResult | None, ctx: Context) -> AssessmentResult | None:
    """Patients get the patient statements only, as on their result page."""
    if result is None or ctx.actor.role is not Role.patient:
        return result
    keep = {
        name: tuple(s for s in statements if s.for_audience(Audience.patient))
        for name, statements in result.sections.items()
    }
    scores = tuple(s.model_copy(update={"statements": ()}) for s in result.scores)
    return result.model_copy(update={"sections": keep, "scores": scores})


@router.get(
    "/patients/{patient_id}/instrument-responses",
    response_model=list[InstrumentScoreView],
    tags=["instruments"],
)
def list_instrument_responses(patient_id: RecordId, ctx: Context = Depends(api_context)):
    history = instruments.history(ctx, patient_id)
    return [_score_view(r) for series in history.values() for r in series]


@router.post(
    "/patients/{patient_id}/instrument-responses",
    response_model=InstrumentScoreView,
    status_code=201,
    tags=["instruments"],
)
def add_instrument_response(
    patient_id: RecordId, body: NewInstrumentResponse, ctx: Context = Depends(api_context)
):
    saved = instruments.record_instrument(
        ctx,
        patient_id,
        body.instrument,
        body.responses,
        options=body.options,
        administered_on=body.administered_on,
        source="paper",
        submission_key=body.submission_key,
    )
    return _score_view(saved)


# --- red flags that stand until a clinician records what was done -------------------------


class OpenFlagView(BaseModel):
    kind: str  # "checkin" or "morning_check"
    event_id: int
    raised_at: datetime
    tier: str
    flags: list[FiredFlag]  # most urgent first, each with its action, timeframe and reasons


class SafetyReviewView(BaseModel):
    kind: str
    event_id: int
    outcome: str
    action_taken: str | None  # the clinician's note; not shown to the patient
    programme_may_resume: bool
    reviewed_at: datetime
    reviewed_by: str | None


class SafetyStatusView(BaseModel):
    on_hold: bool  # an open flag: no programme is made, restarted or played
    programme_paused: bool
    open: list[OpenFlagView]
    reviews: list[SafetyReviewView]


class NewSafetyReview(BaseModel):
    kind: str = Field(pattern="^(checkin|morning_check)$")
    event_id: int = Field(ge=1, le=2_147_483_647)
    outcome: str = Field(description=f"one of: {', '.join(safety.OUTCOMES)}")
    action_taken: str = Field(min_length=1, max_length=safety.NOTE_LIMIT)
    resume_programme: bool = False


def _safety_view(status: safety.SafetyStatus) -> SafetyStatusView:
    return SafetyStatusView(
        on_hold=status.on_hold,
        programme_paused=status.programme_paused,
        open=[
            OpenFlagView(
                kind=f.kind,
                event_id=f.event_id,
                raised_at=f.raised_at,
                tier=f.tier.value,
                flags=list(f.flags),
            )
            for f in status.open
        ],
        reviews=[
            SafetyReviewView(
                kind=r.kind,
                event_id=r.event_id,
                outcome=r.outcome,
                action_taken=r.action_taken,
                programme_may_resume=r.programme_may_resume,
                reviewed_at=r.reviewed_at,
                reviewed_by=r.reviewed_by,
            )
            for r in status.reviews
        ],
    )


@router.get("/patients/{patient_id}/safety", response_model=SafetyStatusView, tags=["safety"])
def safety_status(patient_id: RecordId, ctx: Context = Depends(api_context)):
    """The patient's open red flags (each stands until a clinician of the care team
    records what was done) and the reviews recorded so far."""
    return _safety_view(safety.status(ctx, patient_id))


@router.post(
    "/patients/{patient_id}/safety/reviews",
    response_model=SafetyStatusView,
    status_code=201,
    tags=["safety"],
)
def record_safety_review(
    patient_id: RecordId, body: NewSafetyReview, ctx: Context = Depends(api_context)
):
    """A clinician of the care team records what was done about one open flag. The same
    review sent twice is recorded once."""
    return _safety_view(
        safety.record_review(
            ctx,
            patient_id,
            body.kind,
            body.event_id,
            outcome=body.outcome,
            action_taken=body.action_taken,
            resume_programme=body.resume_programme,
        )
    )


# --- exercise library (public content, no health data) -----------------------------------


class ExerciseSummary(BaseModel):
    id: str
    name: str
    aliases: list[str]
    summary: str
    region: str
    kind: str
    position: str
    level: int
    equipment: list[str]
    tracking: str
    dosage: dict[str, Any]
    steps: list[str]
    stop_if: list[str]
    cautions: list[str]
    progresses_to: list[str]
    regresses_to: list[str]
    sources: list[str]


@router.get("/exercises", response_model=list[ExerciseSummary], tags=["exercises"])
def list_exercises(
    request: Request,
    q: str = Query("", max_length=80, description="Words to find in names and aliases."),
    region: str | None = Query(None),
    kind: str | None = Query(None),
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    library = catalog_for(request_context(request)).exercises
    chosen = {k: v for k, v in (("region", region), ("kind", kind)) if v}
    found = sorted(
        (e for e in library.values() if matches(e, q.strip(), chosen)), key=lambda e: e.id
    )
    return [
        ExerciseSummary(
            id=e.id,
            name=e.name,
            aliases=list(e.aliases),
            summary=e.summary,
            region=e.region.value,
            kind=e.kind.value,
            position=e.position.value,
            level=int(e.level),
            equipment=[x.value for x in e.equipment],
            tracking=e.tracking.value,
            dosage=e.dosage.model_dump(mode="json"),
            steps=list(e.steps),
            stop_if=list(e.stop_if),
            cautions=[c.value for c in e.cautions],
            progresses_to=list(e.progresses_to),
            regresses_to=list(e.regresses_to),
            sources=list(e.sources),
        )
        for e in found[offset : offset + limit]
    ]
