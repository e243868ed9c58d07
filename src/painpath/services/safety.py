"""Red flags that stand until a clinician has recorded what was done.

A check-in that stopped on a red flag, or a warning sign ticked at a next-morning
check, is an *open flag* until a clinician of the patient's care team records a
review (what was done, and whether the home programme may restart). painpath never
closes a flag itself: retaking the check-in and answering "no" to everything changes
nothing. While a flag is open no programme is made, assigned, resumed or played, the
patient leads their clinician's list, and every page of the care loop shows the flag
with its tier, action and timeframe.

Open flags are derived, not stored: a stopped check-in or a warning-sign morning check
without a review row is open."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from painpath.catalog import get_catalog
from painpath.core.access import PatientAction
from painpath.core.accounts import Role
from painpath.core.statements import Tier
from painpath.services import audit
from painpath.services.context import Context
from painpath.services.errors import InvalidInput, NotFound, OnHold
from painpath.services.open_flags import Kind, OpenFlag, open_flags
from painpath.services.patients import patient_transaction
from painpath.store.models import (
    Patient,
    Programme,
    ProgrammeChange,
    SafetyReview,
    User,
)

# What a clinician did about a flag: the choices of the review form (and the CHECK in
# the safety_reviews table).
OUTCOMES = {
    "emergency_care": "Sent for emergency care",
    "urgent_care": "Arranged a same-day or urgent medical review",
    "specialist_referral": "Referred to a specialist",
    "assessed_in_clinic": "Assessed in clinic",
    "advice_given": "Spoke with the person and gave advice",
    "other": "Something else (see the note)",
}
NOTE_LIMIT = 4000


@dataclass(frozen=True)
class ReviewView:
    kind: Kind
    event_id: int
    outcome: str
    outcome_label: str
    action_taken: str | None  # the clinician's note; None for the patient's own view
    programme_may_resume: bool
    reviewed_at: datetime
    reviewed_by: str | None


@dataclass(frozen=True)
class SafetyStatus:
    patient_id: int
    open: list[OpenFlag]
    reviews: list[ReviewView] = field(default_factory=list)
    programme_paused: bool = False

    @property
    def on_hold(self) -> bool:
        return bool(self.open)

    @property
    def highest_tier(self) -> Tier | None:
        return max((f.tier for f in self.open), key=lambda t: t.rank, default=None)

    def for_patient(self) -> SafetyStatus:
        """What the patient sees of it: each flag's action, timeframe and reasons, and
        what was decided, without the clinician's instructions and notes."""
        return replace(
            self,
            open=[
                replace(
                    f,
                    flags=tuple(x.model_copy(update={"clinician_action": None}) for x in f.flags),
                )
                for f in self.open
            ],
            reviews=[replace(r, action_taken=None) for r in self.reviews],
        )


def _reviews(session: Session, patient_id: int) -> list[ReviewView]:
    rows = session.execute(
        select(SafetyReview, User.display_name, User.email)
        .outerjoin(User, User.id == SafetyReview.reviewed_by_id)
        .where(SafetyReview.patient_id == patient_id)
        .order_by(SafetyReview.reviewed_at.desc(), SafetyReview.id.desc())
    ).all()
    return [
        ReviewView(
            kind="checkin" if r.assessment_id is not None else "morning_check",
            event_id=r.assessment_id if r.assessment_id is not None else r.morning_check_id,
            outcome=r.outcome,
            outcome_label=OUTCOMES.get(r.outcome, r.outcome),
            action_taken=r.action_taken,
            programme_may_resume=r.programme_may_resume,
            reviewed_at=r.reviewed_at,
            reviewed_by=name or email,
        )
        for r, name, email in rows
    ]


def _status(session: Session, ctx: Context, patient_id: int) -> SafetyStatus:
    paused = session.scalar(
        select(Programme.id).where(Programme.patient_id == patient_id, Programme.status == "paused")
    )
    return SafetyStatus(
        patient_id=patient_id,
        open=open_flags(session, get_catalog(ctx.settings.content_overrides), [patient_id])[
            patient_id
        ],
        reviews=_reviews(session, patient_id),
        programme_paused=paused is not None,
    )


def status(ctx: Context, patient_id: int) -> SafetyStatus:
    """The patient's open flags and what clinicians recorded about earlier ones."""
    with patient_transaction(ctx, patient_id, PatientAction.read) as (session, _patient):
        audit.record(session, ctx, "safety.read", subject_type="patient", subject_id=patient_id)
        found = _status(session, ctx, patient_id)
        return found.for_patient() if ctx.actor.role is Role.patient else found


def hold_message(
    flags: list[OpenFlag], role: Role | None, patient_name: str = "", zone: tzinfo | None = None
) -> str:
    first = max(flags, key=lambda f: f.tier.rank)
    day = first.raised_at.astimezone(zone)
    when = f"{day.day} {day:%b %Y}"
    if role is Role.patient:
        return (
            f"A warning sign from {first.source} on {when} is still open: {first.top.title}. "
            f"{first.top.action} Until a clinician has recorded what was done, painpath will "
            "not make, restart or play an exercise programme."
        )
    who = patient_name or "This patient"
    return (
        f"{who} has an open warning sign ({first.tier.value}, {first.source} on {when}): "
        f"{first.top.title}. Record what was done on the patient's record first; until "
        "then no programme is made, restarted or played."
    )


def require_clear(session: Session, ctx: Context, patient: Patient) -> None:
    """Refuse (OnHold) while any red flag of this patient stands."""
    flags = open_flags(session, get_catalog(ctx.settings.content_overrides), [patient.id])[
        patient.id
    ]
    if flags:
        raise OnHold(hold_message(flags, ctx.actor.role, patient.display_name, ctx.settings.zone()))


def pause_programme(
    session: Session, ctx: Context, patient_id: int, reason: str
) -> ProgrammeChange | None:
    """Pause the patient's active programme because a red flag was raised; the change
    recorded, or None if there was no active programme."""
    programme = session.scalar(
        select(Programme).where(Programme.patient_id == patient_id, Programme.status == "active")
    )
    if programme is None:
        return None
    programme.status = "paused"
    programme.updated_at = ctx.now()
    change = ProgrammeChange(
        programme_id=programme.id,
        item_id=None,
        at=ctx.now(),
        decision="stop_and_escalate",
        from_exercise=None,
        to_exercise=None,
        reason=reason,
        by_id=None,
    )
    session.add(change)
    session.flush()
    audit.record(session, ctx, "programme.pause", subject_type="programme", subject_id=programme.id)
    return change


def record_review(
    ctx: Context,
    patient_id: int,
    kind: str,
    event_id: int,
    *,
    outcome: str,
    action_taken: str,
    resume_programme: bool,
) -> SafetyStatus:
    """A clinician records what was done about one open flag (audited). With
    `resume_programme`, a paused programme restarts once no other flag stands."""
    note = (action_taken or "").strip()
    errors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = "Choose what was done."
    if len(note) < 3:
        errors["action_taken"] = "Say what was done (for example who saw the person, and when)."
    elif len(note) > NOTE_LIMIT:
        errors["action_taken"] = f"Keep the note to {NOTE_LIMIT} characters (it has {len(note)})."
    if kind not in ("checkin", "morning_check"):
        raise NotFound("warning sign")
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, _patient):
        flags = open_flags(session, get_catalog(ctx.settings.content_overrides), [patient_id])[
            patient_id
        ]
        target = next((f for f in flags if f.kind == kind and f.event_id == event_id), None)
        if target is None:
            if _already_reviewed(session, kind, event_id, patient_id):
                return _status(session, ctx, patient_id)  # a repeated submit: saved once
            raise NotFound("open warning sign")
        if errors:
            raise InvalidInput(errors)
        session.add(
            SafetyReview(
                patient_id=patient_id,
                assessment_id=event_id if kind == "checkin" else None,
                morning_check_id=event_id if kind == "morning_check" else None,
                outcome=outcome,
                action_taken=note,
                programme_may_resume=resume_programme,
                reviewed_by_id=ctx.actor.user_id,
                reviewed_at=ctx.now(),
            )
        )
        session.flush()
        audit.record(
            session,
            ctx,
            "safety.review",
            subject_type="assessment" if kind == "checkin" else "morning_check",
            subject_id=event_id,
            detail=f"{target.tier.value}: {outcome}",
        )
        if resume_programme and len(flags) == 1:
            _resume(session, ctx, patient_id, "Restarted by your clinician after a review.")
        return _status(session, ctx, patient_id)


def _already_reviewed(session: Session, kind: str, event_id: int, patient_id: int) -> bool:
    column = SafetyReview.assessment_id if kind == "checkin" else SafetyReview.morning_check_id
    return (
        session.scalar(
            select(SafetyReview.id).where(column == event_id, SafetyReview.patient_id == patient_id)
        )
        is not None
    )


def _resume(session: Session, ctx: Context, patient_id: int, reason: str) -> bool:
    programme = session.scalar(
        select(Programme).where(Programme.patient_id == patient_id, Programme.status == "paused")
    )
    if programme is None:
        return False
    programme.status = "active"
    programme.updated_at = ctx.now()
    session.add(
        ProgrammeChange(
            programme_id=programme.id,
            item_id=None,
            at=ctx.now(),
            decision="resumed",
            from_exercise=None,
            to_exercise=None,
            reason=reason,
            by_id=ctx.actor.user_id,
        )
    )
    audit.record(
        session, ctx, "programme.resume", subject_type="programme", subject_id=programme.id
    )
    return True


def resume_programme(ctx: Context, patient_id: int) -> None:
    """A clinician restarts a paused programme; refused while any flag stands."""
    with patient_transaction(ctx, patient_id, PatientAction.change) as (session, patient):
        require_clear(session, ctx, patient)
        if not _resume(session, ctx, patient_id, "Restarted by your clinician."):
            raise InvalidInput({"_form": "The programme is not paused."})
