"""Inputs and outputs of the use cases. Inputs refuse unknown fields; the API exposes
these same models, so a page and an API client get the same rules and messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from painpath.core.accounts import Role, Sex, TokenScope
from painpath.core.statements import Tier
from painpath.services.errors import InvalidInput
from painpath.services.passwords import password_problem


def normalise_email(raw: str) -> str:
    """Lower-cased and checked, so one person has one account whatever they type."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"Enter an email address like name@example.org ({error}).") from None
    return checked.normalized.lower()


def _acceptable_password(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Email = Annotated[str, Field(max_length=254), AfterValidator(normalise_email)]
# Passwords are taken exactly as typed: stripping spaces at creation but not at sign-in
# would lock people out.
Password = Annotated[str, StringConstraints(strip_whitespace=False, max_length=256)]
NewPassword = Annotated[Password, AfterValidator(_acceptable_password)]
def _visible(value: str) -> str:
    """A name someone can read: at least one letter or digit, so a name made only of
    spaces, invisible or direction marks (U+200B, U+202E ...) or punctuation is refused."""
    if not any(ch.isalnum() for ch in value):
        raise ValueError("Use letters or digits in the name (it cannot be only spaces or marks).")
    return value.strip()


def _visible_or_empty(value: str) -> str:
    return _visible(value) if value.strip() else ""


Name = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_visible)]
OptionalName = Annotated[str, Field(max_length=120), AfterValidator(_visible_or_empty)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NewUser(Input):
    email: Email
    role: Role
    display_name: OptionalName = ""
    password: NewPassword


class NewPatient(Input):
    display_name: Name = Field(description="How the patient likes to be addressed.")
    birth_year: int = Field(ge=1900, description="Four-digit year of birth.")
    sex: Sex | None = None

    @field_validator("birth_year")
    @classmethod
    def _not_in_future(cls, value: int) -> int:
        if value > datetime.now(UTC).year:
            raise ValueError("Year of birth cannot be in the future.")
        return value


class NewInvite(Input):
    email: Email = Field(description="The patient's email address; the link is for them.")


class AcceptInvite(Input):
    password: Password
    password_confirm: Password | None = None


class NewApiToken(Input):
    name: str = Field(min_length=1, max_length=80)
    scopes: list[TokenScope] = Field(min_length=1)
    # Every token expires: a forgotten token should not work for ever.
    expires_in_days: int = Field(default=90, ge=1, le=365)


class SetActive(Input):
    active: bool


class UserView(BaseModel):
    id: int
    email: str
    role: Role
    display_name: str
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None = None


class PatientView(BaseModel):
    id: int
    display_name: str
    birth_year: int
    sex: Sex | None
    has_account: bool
    created_at: datetime
    # In a clinician's list: an open red flag (the most urgent tier, how many, waiting
    # since) and a paused programme put the patient at the top.
    open_flag_tier: Tier | None = None
    open_flags: int = 0
    flag_since: datetime | None = None
    programme_paused: bool = False


class ClinicianView(BaseModel):
    id: int
    display_name: str
    email: str


class InviteView(BaseModel):
    id: int
    patient_id: int
    email: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    status: str


class PatientOverview(BaseModel):
    patient: PatientView
    care_team: list[ClinicianView]
    invites: list[InviteView]


class ApiTokenView(BaseModel):
    id: int
    name: str
    prefix: str
    scopes: list[TokenScope]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class AuditEventView(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str | None
    action: str
    subject_type: str | None
    subject_id: str | None
    client_address: str | None
    outcome: str
    request_id: str | None
    detail: str | None


M = TypeVar("M", bound=BaseModel)

_FRIENDLY = {
    "missing": "This is required.",
    "string_too_short": "This is required.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "enum": "Choose one of the options.",
    "extra_forbidden": "This field is not recognised.",
    "bool_parsing": "Enter true or false.",
}


def friendly_message(error: dict[str, Any]) -> str:
    kind = error["type"]
    limits = error.get("ctx", {})
    if kind == "greater_than_equal":
        return f"Enter {limits['ge']} or more."
    if kind == "less_than_equal":
        return f"Enter {limits['le']} or less."
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length", 1) > 1:
        return str(error["msg"])
    return _FRIENDLY.get(kind, str(error["msg"]))


def field_errors(error: ValidationError) -> dict[str, str]:
    messages: dict[str, str] = {}
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "input"
        messages.setdefault(name, friendly_message(item))
    return messages


def parse(model: type[M], data: dict[str, Any]) -> M:
    """Validate form data into an input model, or raise InvalidInput with field messages."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(field_errors(error)) from None
