"""Patient records: listing, adding, reading — always through the access policy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from painpath.catalog import get_catalog
from painpath.core.access import (
    PatientAction,
    PatientRelation,
    may_add_patient,
    may_list_patients,
    patient_actions,
)
from painpath.core.accounts import Role
from painpath.services import audit, open_flags
from painpath.services.context import Context
from painpath.services.errors import Forbidden, NotFound
from painpath.services.schemas import (
    ClinicianView,
    InviteView,
    NewPatient,
    PatientOverview,
    PatientView,
    parse,
)
from painpath.store.db import transaction
from painpath.store.models import CareTeam, Invite, Patient, User


def patient_view(patient: Patient) -> PatientView:
    return PatientView(
        id=patient.id,
        display_name=patient.display_name,
        birth_year=patient.birth_year,
        sex=patient.sex,
        has_account=patient.user_id is not None,
        created_at=patient.created_at,
    )


def invite_view(invite: Invite, now: datetime) -> InviteView:
    if invite.used_at is not None:
        status = "used"
    elif invite.expires_at <= now:
        status = "expired"
    else:
        status = "pending"
    return InviteView(
        id=invite.id,
        patient_id=invite.patient_id,
        email=invite.email,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
        used_at=invite.used_at,
        status=status,
    )


def relation_to(session: Session, ctx: Context, patient: Patient) -> PatientRelation:
    user_id = ctx.actor.user_id
    on_team = user_id is not None and session.get(CareTeam, (user_id, patient.id)) is not None
    return PatientRelation(
        is_the_patient=user_id is not None and patient.user_id == user_id,
        on_care_team=on_team,
    )


@contextmanager
def patient_transaction(
    ctx: Context, patient_id: int, action: PatientAction
) -> Iterator[tuple[Session, Patient]]:
    """A transaction holding the patient, if the actor may do ``action`` to them.

    Otherwise the transaction is closed first, then the refusal is audited and raised
    as "not found": to an outsider, a record they may not see and a record that does not
    exist look the same. Changes lock the patient row, so concurrent changes to one
    patient (e.g. two invitations) happen one after the other.
    """
    audit.require_signed_in(ctx)
    with transaction(ctx.services.db) as session:
        patient = session.get(Patient, patient_id, with_for_update=action is not PatientAction.read)
        granted = (
            patient_actions(ctx.actor.role, relation_to(session, ctx, patient))
            if patient is not None and ctx.actor.role is not None
            else frozenset()
        )
        if action in granted:
            yield session, patient
            return
    audit.record_now(
        ctx,
        f"patient.{action}",
        subject_type="patient",
        subject_id=patient_id,
        outcome=audit.DENIED,
    )
    if PatientAction.read in granted:
        raise Forbidden("You can see this patient's record but not change it.")
    raise NotFound("patient")


def require(ctx: Context, patient_id: int, action: PatientAction) -> None:
    """Refuse (as patient_transaction does, audited) unless the actor may do `action` to
    the patient: for shells that must check access before they judge the input, so a
    refusal never depends on what was typed."""
    with patient_transaction(ctx, patient_id, action):
        pass


def list_patients(ctx: Context, search: str | None = None) -> list[PatientView]:
    audit.require_signed_in(ctx)
    if ctx.actor.role is None or not may_list_patients(ctx.actor.role):
        audit.record_now(ctx, "patient.list", outcome=audit.DENIED)
        raise Forbidden("Only clinicians and administrators can list patients.")
    query = select(Patient).order_by(func.lower(Patient.display_name), Patient.id)
    if ctx.actor.role is Role.clinician:
        query = query.join(CareTeam, CareTeam.patient_id == Patient.id).where(
            CareTeam.clinician_id == ctx.actor.user_id
        )
    if search and search.strip():
        # autoescape: a % or _ typed by a person is a character, not a wildcard.
        term = search.strip().lower()
        query = query.where(func.lower(Patient.display_name).contains(term, autoescape=True))
    with transaction(ctx.services.db) as session:
        patients = session.scalars(query).all()
        audit.record(
            session,
            ctx,
            "patient.list",
            subject_type="patient",
            detail=f"{len(patients)} patients" + (f", search {search.strip()!r}" if search else ""),
        )
        needs = open_flags.attention(
            session, get_catalog(ctx.settings.content_overrides), [p.id for p in patients]
        )
        # Patients with an open red flag first (most urgent, then waiting longest), then
        # paused programmes, then everyone else by name (the query's order).
        ranked = sorted(
            patients, key=lambda p: needs[p.id].sort_key() if needs[p.id].needed else (1,)
        )
        return [
            patient_view(p).model_copy(
                update={
                    "open_flag_tier": needs[p.id].tier,
                    "open_flags": needs[p.id].open_flags,
                    "flag_since": needs[p.id].since,
                    "programme_paused": needs[p.id].programme_paused,
                }
            )
            for p in ranked
        ]


def check_may_add(ctx: Context) -> None:
    audit.require_signed_in(ctx)
    if ctx.actor.role is None or not may_add_patient(ctx.actor.role):
        audit.record_now(ctx, "patient.create", outcome=audit.DENIED)
        raise Forbidden("Only clinicians can add patients.")


def add_patient(ctx: Context, data: NewPatient | dict) -> PatientView:
    check_may_add(ctx)
    new = data if isinstance(data, NewPatient) else parse(NewPatient, data)
    now = ctx.now()
    with transaction(ctx.services.db) as session:
        patient = Patient(
            display_name=new.display_name,
            birth_year=new.birth_year,
            sex=new.sex,
            created_at=now,
            created_by_id=ctx.actor.user_id,
        )
        session.add(patient)
        session.flush()
        session.add(CareTeam(clinician_id=ctx.actor.user_id, patient_id=patient.id, added_at=now))
        audit.record(session, ctx, "patient.create", subject_type="patient", subject_id=patient.id)
        return patient_view(patient)


def get_patient(ctx: Context, patient_id: int) -> PatientOverview:
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, patient):
        overview = _overview(session, ctx, patient)
        audit.record(session, ctx, "patient.read", subject_type="patient", subject_id=patient.id)
        return overview


def own_record(ctx: Context) -> PatientOverview | None:
    """The signed-in patient's own record (None if their account has no record yet)."""
    audit.require_signed_in(ctx)
    if ctx.actor.role is not Role.patient:
        raise Forbidden("This page is for patients.")
    with transaction(ctx.services.db) as session:
        patient = session.scalar(select(Patient).where(Patient.user_id == ctx.actor.user_id))
        if patient is None:
            return None
        audit.record(session, ctx, "patient.read", subject_type="patient", subject_id=patient.id)
        return _overview(session, ctx, patient)


def _overview(session: Session, ctx: Context, patient: Patient) -> PatientOverview:
    clinicians = session.scalars(
        select(User)
        .join(CareTeam, CareTeam.clinician_id == User.id)
        .where(CareTeam.patient_id == patient.id)
        .order_by(User.display_name)
    ).all()
    invites: list[InviteView] = []
    if ctx.actor.role is not Role.patient:
        rows = session.scalars(
            select(Invite).where(Invite.patient_id == patient.id).order_by(Invite.id.desc())
        ).all()
        invites = [invite_view(i, ctx.now()) for i in rows]
    return PatientOverview(
        patient=patient_view(patient),
        care_team=[
            ClinicianView(id=c.id, display_name=c.display_name or c.email, email=c.email)
            for c in clinicians
        ],
        invites=invites,
    )
