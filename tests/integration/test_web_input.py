"""Bad input through the web and the API: a clear error, and nothing changed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from painpath.core.accounts import Role
from painpath.services import accounts
from painpath.store.db import transaction
from painpath.store.models import Patient, User
from tests.factories import PASSWORD, invite, make_patient, make_user
from tests.web_helpers import client_for, csrf_from, post_form, sign_in


def count(services, model) -> int:
    with transaction(services.db) as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def api(services):
    """A TestClient with a clinician's read+write bearer token."""
    clinician = make_user(services, Role.clinician)
    _, secret = accounts.create_api_token(
        clinician.ctx(services), {"name": "t", "scopes": ["read", "write"]}
    )
    client = client_for(services)
    client.headers["Authorization"] = f"Bearer {secret}"
    return client


def test_malformed_json_is_a_422_naming_the_body(services, api):
    response = api.post(
        "/api/v1/patients",
        content=b'{"display_name": "Ada", ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"
    assert count(services, Patient) == 0


def test_wrong_type_names_the_field(services, api):
    response = api.post("/api/v1/patients", json={"display_name": "Ada", "birth_year": "old"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "birth_year"], "msg": "Enter a whole number.", "type": "int_parsing"}
    ]
    assert count(services, Patient) == 0


def test_unknown_fields_are_refused(services, api):
    response = api.post(
        "/api/v1/patients", json={"display_name": "Ada", "birth_year": 1980, "role": "admin"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "role"]
    assert response.json()["detail"][0]["msg"] == "This field is not recognised."
    assert count(services, Patient) == 0


def test_oversized_body_is_refused_before_it_is_read(services, api):
    limit = services.settings.max_body_bytes
    response = api.post(
        "/api/v1/patients",
        content=b'{"display_name": "' + b"a" * limit + b'", "birth_year": 1980}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert count(services, Patient) == 0


def test_duplicate_email_through_the_api(services):
    admin = make_user(services, Role.admin)
    make_user(services, Role.clinician, email="sam@clinic.example.org")
    _, secret = accounts.create_api_token(
        admin.ctx(services), {"name": "t", "scopes": ["read", "write"]}
    )
    client = client_for(services)
    before = count(services, User)
    response = client.post(
        "/api/v1/users",
        headers={"Authorization": f"Bearer {secret}"},
        json={
            "email": "Sam@Clinic.example.org",
            "role": "clinician",
            "password": "long enough password",
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "email"],
            "type": "value_error",
            "msg": "An account with this email already exists.",
        }
    ]
    assert count(services, User) == before


def test_page_form_errors_are_inline_and_keep_what_was_typed(services):
    clinician = make_user(services, Role.clinician)
    client = client_for(services)
    csrf = sign_in(client, clinician.email, clinician.password)
    response = post_form(
        client, "/patients/new", {"display_name": "Keep My Name", "birth_year": "1800"}, csrf
    )
    assert response.status_code == 422
    assert 'value="Keep My Name"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert "Enter 1900 or more." in response.text
    assert count(services, Patient) == 0


def test_reused_invite_link_gets_a_clear_page(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    client = client_for(services)
    page = client.get(f"/invite/{token}")
    form = {"password": "a quiet river bend", "password_confirm": "a quiet river bend"}
    assert (
        client.post(
            f"/invite/{token}", data={**form, "csrf_token": csrf_from(page.text)}
        ).status_code
        == 303
    )
    other = client_for(services)
    again = other.get(f"/invite/{token}")
    assert again.status_code == 410
    assert "already been used" in again.text
    users_before = count(services, User)
    resubmitted = other.post(
        f"/invite/{token}", data={**form, "csrf_token": csrf_from(other.get("/signin").text)}
    )
    assert resubmitted.status_code == 410
    assert count(services, User) == users_before


def test_expired_invite_link_gets_a_clear_page(services):
    clinician = make_user(services, Role.clinician)
    token = invite(services, clinician, make_patient(services, clinician), "ada@home.example.org")
    later = services.clock() + timedelta(days=services.settings.invite_days, minutes=1)
    from dataclasses import replace

    client = client_for(replace(services, clock=lambda: later))
    response = client.get(f"/invite/{token}")
    assert response.status_code == 410
    assert "expired" in response.text


def test_sign_in_failure_keeps_the_email_and_reveals_nothing(services):
    make_user(services, Role.patient, email="ada@home.example.org")
    bodies = []
    for email in ("ada@home.example.org", "nobody@home.example.org"):
        client = client_for(services)
        csrf = csrf_from(client.get("/signin").text)
        response = client.post(
            "/signin", data={"email": email, "password": "wrong password!", "csrf_token": csrf}
        )
        assert response.status_code == 401
        assert f'value="{email}"' in response.text
        bodies.append(response.text.replace(email, "EMAIL").replace(csrf, "CSRF"))
    assert bodies[0] == bodies[1]


def test_throttled_sign_in_page_says_when_to_try_again(services):
    person = make_user(services, Role.patient)
    client = client_for(services)
    csrf = csrf_from(client.get("/signin").text)
    for _ in range(services.settings.signin_max_failures_per_account):
        client.post(
            "/signin",
            data={"email": person.email, "password": "nope nope nope", "csrf_token": csrf},
        )
    response = client.post(
        "/signin", data={"email": person.email, "password": PASSWORD, "csrf_token": csrf}
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "pp_session" not in response.headers.get("set-cookie", "")
