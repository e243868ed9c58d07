"""The JSON API, /api/v1. Same services and policy as the pages; bearer tokens or the
session cookie (with an X-CSRF-Token header on changes)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from painpath.services import accounts, audit, invites, patients
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
from painpath.web.auth import api_context
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
        invite=created.invite, link=str(request.url_for("invite_page", token=created.token))
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
