"""Patient records on both databases: who sees which, and the audit of every look."""

import pytest
from sqlalchemy import select

from painpath.core.accounts import Role
from painpath.services import patients
from painpath.services.errors import Forbidden, InvalidInput, NotFound
from painpath.store.db import transaction
from painpath.store.models import AuditEvent, CareTeam, Patient
from tests.factories import make_patient, make_user, make_world


def events(services, action):
    with transaction(services.db) as session:
        return session.execute(
            select(AuditEvent.actor_id, AuditEvent.subject_id, AuditEvent.outcome)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        ).all()


def test_clinician_lists_only_their_care_team(services):
    world = make_world(services)
    names = [p.display_name for p in patients.list_patients(world.clinician_a.ctx(services))]
    assert names == ["Ada Patient"]


def test_admin_lists_everyone(services):
    world = make_world(services)
    listed = patients.list_patients(world.admin.ctx(services))
    assert {p.display_name for p in listed} == {"Ada Patient", "Bea Patient"}


def test_list_search_is_case_insensitive(services):
    clinician = make_user(services, Role.clinician)
    for name in ("Ada Lovelace", "Grace Hopper", "Adam Smith"):
        make_patient(services, clinician, name)
    found = patients.list_patients(clinician.ctx(services), "ADA")
    assert [p.display_name for p in found] == ["Ada Lovelace", "Adam Smith"]


def test_patients_cannot_list_patients(services):
    world = make_world(services)
    with pytest.raises(Forbidden):
        patients.list_patients(world.patient_a.ctx(services))
    assert events(services, "patient.list")[-1].outcome == "denied"


def test_adding_a_patient_puts_them_on_the_care_team_and_is_audited(services):
    clinician = make_user(services, Role.clinician)
    record = make_patient(services, clinician, "New Person", 1990)
    with transaction(services.db) as session:
        assert session.get(CareTeam, (clinician.id, record.id)) is not None
    assert events(services, "patient.create") == [(clinician.id, str(record.id), "ok")]


def test_invalid_patient_saves_nothing(services):
    clinician = make_user(services, Role.clinician)
    with pytest.raises(InvalidInput):
        patients.add_patient(clinician.ctx(services), {"display_name": "X", "birth_year": 1800})
    with transaction(services.db) as session:
        assert session.scalars(select(Patient)).all() == []


@pytest.mark.parametrize("who", ["patient_a", "clinician_a", "admin"])
def test_allowed_reads_are_audited(services, who):
    world = make_world(services)
    person = getattr(world, who)
    overview = patients.get_patient(person.ctx(services), world.record_a.id)
    assert overview.patient.id == world.record_a.id
    assert events(services, "patient.read")[-1] == (person.id, str(world.record_a.id), "ok")


@pytest.mark.parametrize("who", ["patient_b", "other_clinician"])
def test_refused_reads_look_like_not_found_and_are_audited(services, who):
    world = make_world(services)
    person = getattr(world, who)
    with pytest.raises(NotFound):
        patients.get_patient(person.ctx(services), world.record_a.id)
    with pytest.raises(NotFound):
        patients.get_patient(person.ctx(services), 999_999)  # same answer as a missing record
    assert events(services, "patient.read")[0] == (person.id, str(world.record_a.id), "denied")


def test_patients_do_not_see_invite_history(services):
    world = make_world(services)
    assert patients.get_patient(world.patient_a.ctx(services), world.record_a.id).invites == []
