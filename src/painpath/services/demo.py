"""Demo data for trying painpath on one machine. Safe to run again: it never duplicates
anything, and it keeps the demo passwords it generated the first time."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from painpath.core.accounts import Role, Sex
from painpath.services import audit
from painpath.services.accounts import password_hasher
from painpath.services.context import Services
from painpath.services.runtime import system_context
from painpath.store.db import transaction
from painpath.store.models import CareTeam, Patient, User

DEMO_DOMAIN = "demo.painpath.example"
LOGINS_FILE = "demo-logins.json"

# (key, role, display name); a patient's record is linked to its account.
DEMO_USERS = [
    ("admin", Role.admin, "Demo Administrator"),
    ("clinician", Role.clinician, "Sam Okafor (physiotherapist)"),
    ("clinician2", Role.clinician, "Lee Varga (physiotherapist)"),
    ("patient", Role.patient, "Alex Morgan"),
    ("patient2", Role.patient, "Jordan Reyes"),
]
# (display name, birth year, sex, linked demo account or None, clinician key)
DEMO_PATIENTS = [
    ("Alex Morgan", 1979, Sex.female, "patient", "clinician"),
    ("Jordan Reyes", 1988, Sex.male, "patient2", "clinician2"),
    ("Priya Shah", 1961, Sex.female, None, "clinician"),
    ("Tom Becker", 1994, None, None, "clinician"),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    created: bool
    logins: list[DemoLogin]


def _email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


def _load_passwords(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _save_passwords(path: Path, passwords: dict[str, str]) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)
    os.replace(tmp, path)


def load_demo(services: Services) -> DemoResult:
    ctx = system_context(services)
    path = services.settings.ensure_data_dir() / LOGINS_FILE
    passwords = _load_passwords(path)
    ph = password_hasher(services)
    created = False
    now = ctx.now()
    with transaction(services.db) as session:
        users: dict[str, User] = {}
        for key, role, name in DEMO_USERS:
            user = session.scalar(select(User).where(User.email == _email(key)))
            # A password we can't print (file lost) is replaced by a new one we can.
            if user is None or key not in passwords:
                passwords[key] = "demo-" + secrets.token_urlsafe(9)
                if user is None:
                    user = User(
                        email=_email(key), role=role, display_name=name, active=True, created_at=now
                    )
                    session.add(user)
                    created = True
                user.password_hash = ph.hash(passwords[key])
            users[key] = user
        session.flush()
        for name, year, sex, account, clinician in DEMO_PATIENTS:
            query = select(Patient).where(Patient.display_name == name)
            if session.scalar(query) is not None:
                continue
            patient = Patient(
                display_name=name,
                birth_year=year,
                sex=sex,
                created_at=now,
                user_id=users[account].id if account else None,
                created_by_id=users[clinician].id,
            )
            session.add(patient)
            session.flush()
            session.add(
                CareTeam(clinician_id=users[clinician].id, patient_id=patient.id, added_at=now)
            )
            created = True
        if created:
            audit.record(session, ctx, "demo.load")
    _save_passwords(path, passwords)
    logins = [DemoLogin(role.value, _email(key), passwords[key]) for key, role, _ in DEMO_USERS]
    return DemoResult(created=created, logins=logins)
