"""The access policy, in one place: who may do what to which resource.

Every route reaches these functions through the service layer, so the web pages, the
JSON API and the CLI answer the same question the same way. Pure: callers supply the
facts (the actor's role and how they relate to the record).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from painpath.core.accounts import Role


class PatientAction(enum.StrEnum):
    read = "read"
    change = "change"
    invite = "invite"
    checkin = "checkin"  # fill in a check-in (for oneself, or for a patient)


@dataclass(frozen=True)
class PatientRelation:
    """How the actor stands to one patient record."""

    is_the_patient: bool = False
    on_care_team: bool = False


def patient_actions(role: Role, relation: PatientRelation) -> frozenset[PatientAction]:
    """What an actor may do to one patient's record.

    - the patient themself: read their own record and do their own check-ins;
    - a clinician on the patient's care team: read, change, invite the patient in;
    - an admin: read (for oversight and support; every read is audited);
    - anyone else: nothing, and the record is reported as not found (no existence leak).
    """
    if role is Role.clinician and relation.on_care_team:
        return frozenset(PatientAction)
    if role is Role.admin:
        return frozenset({PatientAction.read})
    if role is Role.patient and relation.is_the_patient:
        return frozenset({PatientAction.read, PatientAction.checkin})
    return frozenset()


def may_list_patients(role: Role) -> bool:
    """Clinicians list their care team's patients; admins list everyone."""
    return role in (Role.clinician, Role.admin)


def may_add_patient(role: Role) -> bool:
    """Only clinicians add patients (the new patient joins their care team)."""
    return role is Role.clinician


def may_administer(role: Role) -> bool:
    """User management and the audit log."""
    return role is Role.admin


def may_moderate_feedback(role: Role) -> bool:
    """Readers' comments on articles are shown only after a clinician or admin approves
    them."""
    return role in (Role.clinician, Role.admin)
