"""The access policy, rule by rule (core/access.py)."""

import pytest

from painpath.core.access import (
    PatientAction,
    PatientRelation,
    may_add_patient,
    may_administer,
    may_list_patients,
    patient_actions,
)
from painpath.core.accounts import Role

ALL = frozenset(PatientAction)
READ = frozenset({PatientAction.read})
NONE = frozenset()
STRANGER = PatientRelation()
THE_PATIENT = PatientRelation(is_the_patient=True)
CARE_TEAM = PatientRelation(on_care_team=True)


@pytest.mark.parametrize(
    ("role", "relation", "expected"),
    [
        # patients read their own record and do their own check-ins
        (Role.patient, THE_PATIENT, frozenset({PatientAction.read, PatientAction.checkin})),
        (Role.patient, STRANGER, NONE),  # and nobody else's
        (Role.clinician, CARE_TEAM, ALL),  # care team: read, change, invite
        (Role.clinician, STRANGER, NONE),  # other clinicians: nothing
        (Role.admin, STRANGER, READ),  # admins read (audited), never change
        (Role.patient, CARE_TEAM, NONE),  # a patient is never "care team", even if flagged
    ],
)
def test_patient_record_actions(role, relation, expected):
    assert patient_actions(role, relation) == expected


def test_only_clinicians_and_admins_list_patients():
    assert [r for r in Role if may_list_patients(r)] == [Role.clinician, Role.admin]


def test_only_clinicians_add_patients():
    assert [r for r in Role if may_add_patient(r)] == [Role.clinician]


def test_only_admins_administer():
    assert [r for r in Role if may_administer(r)] == [Role.admin]
