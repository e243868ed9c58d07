"""Edge cases found in review: each one once failed (a 500, a lock-out or a leak)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from painpath.core.accounts import Role
from painpath.services import accounts, patients
from painpath.services.context import Actor, Context
from painpath.services.errors import Forbidden, InvalidInput
from painpath.store.db import transaction
from painpath.store.models import AuditEvent
from tests.factories import invite, make_patient, make_user
from tests.web_helpers import client_for, csrf_from, sign_in


def test_password_with_surrounding_spaces_works_at_sign_in(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    client = client_for(services)
    page = client.get(f"/invite/{token}")
    spaced = "  my long passphrase  "
    accepted = client.post(
        f"/invite/{token}",
        data={"password": spaced, "password_confirm": spaced, "csrf_token": csrf_from(page.text)},
    )
    assert accepted.status_code == 303
    signed = accounts.sign_in(Context(services), "ada@home.example.org", spaced)
    assert signed.user.email == "ada@home.example.org"


def test_a_token_cannot_mint_a_stronger_token(services):
    clinician = make_user(services, Role.clinician)
    writer = Actor(
        user_id=clinician.id,
        role=Role.clinician,
        email=clinician.email,
        scopes=frozenset({"write"}),
    )
    with pytest.raises(Forbidden):
        accounts.create_api_token(
            Context(services, actor=writer), {"name": "escalate", "scopes": ["read", "write"]}
        )


def test_every_token_expires(services):
    clinician = make_user(services, Role.clinician)
    with pytest.raises(InvalidInput) as caught:
        accounts.create_api_token(
            clinician.ctx(services),
            {"name": "forever", "scopes": ["read"], "expires_in_days": None},
        )
    assert "expires_in_days" in caught.value.errors
    view, _ = accounts.create_api_token(clinician.ctx(services), {"name": "d", "scopes": ["read"]})
    assert view.expires_at - view.created_at == timedelta(days=90)


def test_token_name_longer_than_the_column_is_a_field_error(services):
    clinician = make_user(services, Role.clinician)
    with pytest.raises(InvalidInput) as caught:
        accounts.create_api_token(clinician.ctx(services), {"name": "n" * 81, "scopes": ["read"]})
    assert "name" in caught.value.errors


@pytest.mark.parametrize(
    "path", ["/patients/99999999999999999999999999999", "/patients/1099511627776", "/patients/0"]
)
def test_huge_or_zero_ids_are_not_found_on_both_databases(services, path):
    clinician = make_user(services, Role.clinician)
    client = client_for(services)
    sign_in(client, clinician.email, clinician.password)
    assert client.get(path).status_code == 404


def test_huge_ids_in_the_api_are_a_422(services):
    clinician = make_user(services, Role.clinician)
    _, secret = accounts.create_api_token(
        clinician.ctx(services), {"name": "t", "scopes": ["read"]}
    )
    response = client_for(services).get(
        "/api/v1/patients/1099511627776", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 422


def test_non_ascii_csrf_values_are_refused_not_errors(services):
    client = client_for(services)
    assert (
        client.post(
            "/signin", data={"email": "a@b.example.org", "password": "x", "csrf_token": "é"}
        ).status_code
        == 403
    )
    raw_cookie = [(b"cookie", "pp_csrf=a.é".encode())]  # bytes: httpx refuses non-ASCII str
    assert client.get("/signin", headers=raw_cookie).status_code == 200


def test_csrf_refusals_are_audited(services):
    client = client_for(services)
    client.post("/signin", data={"email": "a@b.example.org", "password": "x"})
    with transaction(services.db) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "web.csrf")).one()
    assert event.outcome == "denied" and event.detail == "POST /signin"


def test_audit_filters_take_naive_times_as_utc_and_odd_ids_as_emails(services):
    admin = make_user(services, Role.admin)
    _, secret = accounts.create_api_token(admin.ctx(services), {"name": "t", "scopes": ["read"]})
    client = client_for(services)
    headers = {"Authorization": f"Bearer {secret}"}
    for query in ("since=2024-01-01T00:00:00", "actor=%C2%B2", "actor=99999999999999999999"):
        assert client.get(f"/api/v1/audit-events?{query}", headers=headers).status_code == 200
    sign_in(client, admin.email, admin.password)
    assert client.get("/admin/audit?before=%C2%B2&actor=123456789012345").status_code == 200


def test_search_treats_percent_and_underscore_as_characters(services):
    clinician = make_user(services, Role.clinician)
    make_patient(services, clinician, "Ada Lovelace")
    assert patients.list_patients(clinician.ctx(services), "%") == []
    assert patients.list_patients(clinician.ctx(services), "_") == []


def test_two_clinicians_may_use_the_same_submission_key_for_different_patients(services):
    """Idempotency keys are per patient: once a 422 (and on PostgreSQL, in a race, a
    500). The same key for the same patient is still one record."""
    from datetime import date

    from painpath.services import instruments
    from tests.factories import make_world

    world = make_world(services)
    answers = {str(i): 1 for i in range(1, 10)}
    saved = []
    for person, record in (
        (world.clinician_a, world.record_a),
        (world.other_clinician, world.record_b),
    ):
        saved.append(
            instruments.record_instrument(
                person.ctx(services),
                record.id,
                "sbst",
                answers,
                administered_on=date(2026, 11, 20),
                source="paper",
                submission_key="visit-1",
            )
        )
    assert saved[0].id != saved[1].id
    again = instruments.record_instrument(
        world.clinician_a.ctx(services),
        world.record_a.id,
        "sbst",
        answers,
        administered_on=date(2026, 11, 20),
        source="paper",
        submission_key="visit-1",
    )
    assert again.id == saved[0].id


@pytest.mark.parametrize("form", ["dose", "thresholds"])
def test_a_reader_sending_a_bad_builder_form_is_refused_not_corrected(services, form):
    """Review 10.12: the dose and thresholds forms answered a reader 422 (with what was
    wrong in the form) instead of refusing them."""
    import json
    from pathlib import Path

    from painpath.services import programmes
    from tests.factories import finished_checkin, make_world
    from tests.web_helpers import post_form

    world = make_world(services)
    example = Path(__file__).parents[2] / "docs/examples/checkin-answers.json"
    finished_checkin(services, world.record_a.id, json.loads(example.read_text()))
    view = programmes.create_from_checkin(world.clinician_a.ctx(services), world.record_a.id)
    pid = world.record_a.id
    url, body = (
        (f"/patients/{pid}/programme/items/{view.items[0].id}/dose", {"sets": "many"})
        if form == "dose"
        else (f"/patients/{pid}/programme/thresholds", {"during_max": "lots"})
    )
    expected = {"admin": 403, "patient_a": 403, "other_clinician": 404, "clinician_a": 422}
    for name, status in expected.items():
        person = getattr(world, name)
        client = client_for(services)
        csrf = sign_in(client, person.email, person.password)
        assert post_form(client, url, body, csrf).status_code == status, name


@pytest.mark.parametrize("name", ["\u200b\u200b", "\u202e\u202c", "\u2066\u2069", "---", "\u00a0"])
def test_names_that_cannot_be_read_are_refused(services, name):
    """Review 10.12: invisible or direction-mark-only display names were accepted."""
    clinician = make_user(services, Role.clinician)
    with pytest.raises(InvalidInput) as error:
        patients.add_patient(clinician.ctx(services), {"display_name": name, "birth_year": 1980})
    assert "display_name" in error.value.errors
    if not name.strip():
        return  # a blank optional account name is simply no name
    with pytest.raises(InvalidInput):
        accounts.create_user(
            Context(services, actor=Actor(user_id=None, role=Role.admin, email="a@x.org")),
            {
                "email": "n@x.example.org",
                "role": "clinician",
                "display_name": name,
                "password": "a long enough passphrase",
            },
        )
