"""Invitations: a clinician invites a patient to their record with a one-time link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from painpath.core.access import PatientAction
from painpath.core.accounts import Role
from painpath.services import audit
from painpath.services.accounts import SignedIn, password_hasher, start_session
from painpath.services.context import Context
from painpath.services.errors import InvalidInput, InviteUnusable
from painpath.services.passwords import password_problem
from painpath.services.patients import invite_view, patient_transaction
from painpath.services.schemas import AcceptInvite, InviteView, NewInvite, parse
from painpath.services.tokens import digest, new_secret
from painpath.store.db import transaction
from painpath.store.models import Invite, Patient, User


@dataclass(frozen=True)
class CreatedInvite:
    invite: InviteView
    token: str  # shown once to the clinician, as part of the link; never stored


@dataclass(frozen=True)
class InviteDetails:
    """What the person holding a link is told before accepting it."""

    patient_name: str
    email: str


def create_invite(ctx: Context, patient_id: int, data: NewInvite | dict) -> CreatedInvite:
    token = new_secret()
    now = ctx.now()
    # Policy before validation: an outsider learns nothing from the error they get.
    with patient_transaction(ctx, patient_id, PatientAction.invite) as (session, patient):
        new = data if isinstance(data, NewInvite) else parse(NewInvite, data)
        if patient.user_id is not None:
            raise InvalidInput({"email": "This patient already has an account."})
        # Only the newest link works: an older one may have gone to a wrong address.
        session.execute(
            update(Invite)
            .where(
                Invite.patient_id == patient.id, Invite.used_at.is_(None), Invite.expires_at > now
            )
            .values(expires_at=now)
        )
        invite = Invite(
            patient_id=patient.id,
            email=new.email,
            token_hash=digest(token),
            created_by_id=ctx.actor.user_id,
            created_at=now,
            expires_at=now + timedelta(days=ctx.settings.invite_days),
        )
        session.add(invite)
        session.flush()
        audit.record(
            session,
            ctx,
            "invite.create",
            subject_type="patient",
            subject_id=patient.id,
            detail=f"invite {invite.id}",
        )
        return CreatedInvite(invite=invite_view(invite, now), token=token)


def _usable_invite(session, ctx: Context, token: str) -> Invite:
    invite = session.scalar(select(Invite).where(Invite.token_hash == digest(token or "")))
    if invite is None:
        raise InviteUnusable("unknown")
    if invite.used_at is not None:
        raise InviteUnusable("used")
    if invite.expires_at <= ctx.now():
        raise InviteUnusable("expired")
    return invite


def describe_invite(ctx: Context, token: str) -> InviteDetails:
    with transaction(ctx.services.db) as session:
        invite = _usable_invite(session, ctx, token)
        patient = session.get(Patient, invite.patient_id)
        # The link shows the patient's name: a read of patient data by whoever holds it.
        audit.record(
            session,
            ctx,
            "invite.view",
            subject_type="patient",
            subject_id=patient.id,
            detail=f"invite {invite.id}",
        )
        return InviteDetails(patient_name=patient.display_name, email=invite.email)


# One answer for every email that already has an account, whatever kind: the link holder
# learns nothing about which accounts exist, and no password can be tried through a link.
EXISTING_ACCOUNT = (
    "This link can only create a new account. If you already have a painpath account, "
    "sign in first, then open this link again."
)


def accept_invite(ctx: Context, token: str, data: AcceptInvite | dict | None = None) -> SignedIn:
    """Link the invited patient record to an account and sign the person in.

    Signed out: a new patient account is made for the invited email with the password
    chosen here. Signed in (as a patient whose email the invite names, without a record
    of their own): the record is linked to that account. Nothing else is accepted.
    Everything happens in one transaction; a second submission finds the link used.
    """
    try:
        return _accept(ctx, token, data or {})
    except (InvalidInput, InviteUnusable) as error:
        audit.record_now(ctx, "invite.accept", outcome=audit.FAILED, detail=error.describe()[:200])
        raise


def _accept(ctx: Context, token: str, data: AcceptInvite | dict) -> SignedIn:
    now = ctx.now()
    try:
        with transaction(ctx.services.db) as session:
            invite = _usable_invite(session, ctx, token)
            if ctx.actor.signed_in:
                user = session.get(User, ctx.actor.user_id)
                if user is None or user.role is not Role.patient or user.email != invite.email:
                    raise InvalidInput(
                        {
                            "email": "This invitation is for a different email address. Sign out, "
                            "then open the link again."
                        }
                    )
                if session.scalar(select(Patient.id).where(Patient.user_id == user.id)):
                    raise InvalidInput(
                        {
                            "email": "Your account already has its own patient record. Ask your "
                            "clinician to use that record instead."
                        }
                    )
            else:
                form = data if isinstance(data, AcceptInvite) else parse(AcceptInvite, data)
                problem = password_problem(form.password)
                if problem:
                    raise InvalidInput({"password": problem})
                if form.password != form.password_confirm:
                    raise InvalidInput({"password_confirm": "The two passwords are not the same."})
                if session.scalar(select(User.id).where(User.email == invite.email)):
                    raise InvalidInput({"password": EXISTING_ACCOUNT})
                user = User(
                    email=invite.email,
                    role=Role.patient,
                    password_hash=password_hasher(ctx.services).hash(form.password),
                    display_name=session.get(Patient, invite.patient_id).display_name,
                    active=True,
                    created_at=now,
                )
                session.add(user)
                session.flush()
            # Claim the invite only if nobody else did in the meantime.
            claimed = session.execute(
                update(Invite)
                .where(Invite.id == invite.id, Invite.used_at.is_(None))
                .values(used_at=now, used_by_id=user.id)
            ).rowcount
            if claimed != 1:
                raise InviteUnusable("used")
            patient = session.get(Patient, invite.patient_id)
            if patient.user_id is not None:
                raise InviteUnusable("used")
            patient.user_id = user.id
            session.flush()
            audit.record(
                session,
                ctx,
                "invite.accept",
                subject_type="patient",
                subject_id=patient.id,
                detail=f"invite {invite.id}, user {user.id}",
            )
            user_id = user.id
    except IntegrityError:
        # The patient record or account was linked concurrently: nothing was saved.
        raise InviteUnusable("used") from None
    return start_session(ctx, user_id, action="auth.sign_in")
