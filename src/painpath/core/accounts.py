"""Who someone is to painpath: roles and the closed vocabularies around people."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    patient = "patient"
    clinician = "clinician"
    admin = "admin"


class Sex(enum.StrEnum):
    female = "female"
    male = "male"
    other = "other"


class TokenScope(enum.StrEnum):
    read = "read"
    write = "write"
