"""Small factories: each test builds exactly the people and records it needs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy import update

from painpath.core.accounts import Role
from painpath.services import accounts, invites, patients
from painpath.services.context import Actor, Context, Services
from painpath.services.runtime import system_context
from painpath.services.schemas import PatientView, UserView
from painpath.store.db import transaction
from painpath.store.models import Patient

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@dataclass(frozen=True)
class Person:
    user: UserView
    password: str = PASSWORD

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def email(self) -> str:
        return self.user.email

    def ctx(self, services: Services, address: str = "127.0.0.1") -> Context:
        actor = Actor(user_id=self.user.id, role=self.user.role, email=self.user.email)
        return Context(services, actor=actor, client_address=address)


def make_user(services: Services, role: Role | str, email: str | None = None) -> Person:
    role = Role(role)
    email = email or f"{role.value}{next(_counter)}@clinic.example.org"
    user = accounts.create_user(
        system_context(services),
        {"email": email, "role": role, "display_name": f"Test {role.value}", "password": PASSWORD},
    )
    return Person(user)


def make_patient(
    services: Services, clinician: Person, name: str = "Pat Example", birth_year: int = 1980
) -> PatientView:
    return patients.add_patient(
        clinician.ctx(services), {"display_name": name, "birth_year": birth_year}
    )


def link_account(services: Services, patient: PatientView, person: Person) -> None:
    """Link a patient record to a patient account (as an accepted invite would)."""
    with transaction(services.db) as session:
        session.execute(update(Patient).where(Patient.id == patient.id).values(user_id=person.id))


def invite(services: Services, clinician: Person, patient: PatientView, email: str) -> str:
    return invites.create_invite(clinician.ctx(services), patient.id, {"email": email}).token


@dataclass(frozen=True)
class World:
    """The six actors of the access matrix, and patient A's record."""

    clinician_a: Person
    other_clinician: Person
    admin: Person
    patient_a: Person
    patient_b: Person
    record_a: PatientView
    record_b: PatientView


def make_world(services: Services) -> World:
    clinician_a = make_user(services, Role.clinician)
    other = make_user(services, Role.clinician)
    admin = make_user(services, Role.admin)
    patient_a = make_user(services, Role.patient)
    patient_b = make_user(services, Role.patient)
    record_a = make_patient(services, clinician_a, "Ada Patient")
    record_b = make_patient(services, other, "Bea Patient")
    link_account(services, record_a, patient_a)
    link_account(services, record_b, patient_b)
    return World(clinician_a, other, admin, patient_a, patient_b, record_a, record_b)


def finished_checkin(services: Services, patient_id: int, answers: dict, day=None) -> None:
    """A check-in already finished (its stored result), as the web flow would leave it."""
    from datetime import UTC, date, datetime

    from painpath.catalog import get_catalog
    from painpath.core.accounts import Role
    from painpath.services.checkins import evaluate
    from painpath.store.models import Assessment

    day = day or date(2026, 11, 20)
    result = evaluate(get_catalog(), answers, {}, day)
    now = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    with services.db.begin() as session:
        session.add(
            Assessment(
                patient_id=patient_id,
                status="stopped" if result.screening.stop else "complete",
                answers=answers,
                result=result.model_dump(mode="json"),
                highest_tier=(
                    result.screening.highest_tier.value if result.screening.highest_tier else None
                ),
                content_version=result.content_version,
                revision=10,
                entered_as=Role.patient,
                created_at=now,
                updated_at=now,
                completed_at=now,
            )
        )
