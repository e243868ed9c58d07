"""The web shell's protections: CSRF, cookies, headers, redirects, error pages."""

import pytest
from sqlalchemy import func, select

from painpath.core.accounts import Role
from painpath.services import accounts
from painpath.store.db import transaction
from painpath.store.models import Patient
from painpath.web.app import create_app
from tests.factories import make_user
from tests.web_helpers import client_for, csrf_from, page_csrf, sign_in


def patients(services) -> int:
    with transaction(services.db) as session:
        return session.scalar(select(func.count()).select_from(Patient))


@pytest.fixture
def clinician_client(services):
    clinician = make_user(services, Role.clinician)
    client = client_for(services)
    csrf = sign_in(client, clinician.email, clinician.password)
    return client, csrf


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_forms_without_the_right_csrf_token_change_nothing(services, clinician_client, token):
    client, _ = clinician_client
    data = {"display_name": "Ada", "birth_year": "1980"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/patients/new", data=data)
    assert response.status_code == 403
    assert "Nothing was changed" in response.text
    assert patients(services) == 0


def test_cross_origin_form_post_is_refused(services, clinician_client):
    client, csrf = clinician_client
    response = client.post(
        "/patients/new",
        headers={"Origin": "https://evil.example.org"},
        data={"display_name": "Ada", "birth_year": "1980", "csrf_token": csrf},
    )
    assert response.status_code == 403
    assert patients(services) == 0


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "null"}],
)
def test_browser_says_cross_site_form_post_is_refused(services, clinician_client, headers):
    client, csrf = clinician_client
    response = client.post(
        "/patients/new",
        headers=headers,
        data={"display_name": "Ada", "birth_year": "1980", "csrf_token": csrf},
    )
    assert response.status_code == 403
    assert patients(services) == 0


def test_same_origin_browser_post_with_null_origin_is_accepted(services, clinician_client):
    # Chromium sends Origin: null under strict referrer policies, but says same-origin here.
    client, csrf = clinician_client
    response = client.post(
        "/patients/new",
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"},
        data={"display_name": "Ada", "birth_year": "1980", "csrf_token": csrf},
    )
    assert response.status_code == 303
    assert patients(services) == 1


def test_sign_in_form_needs_the_signed_cookie_token(services):
    person = make_user(services, Role.patient)
    client = client_for(services)
    client.get("/signin")
    client.cookies.set("pp_csrf", "planted.0000")
    response = client.post(
        "/signin",
        data={"email": person.email, "password": person.password, "csrf_token": "planted.0000"},
    )
    assert response.status_code == 403


def test_api_with_cookie_session_needs_the_csrf_header(services, clinician_client):
    client, csrf = clinician_client
    body = {"display_name": "Ada", "birth_year": 1980}
    assert client.post("/api/v1/patients", json=body).status_code == 403
    assert patients(services) == 0
    response = client.post("/api/v1/patients", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 201


def test_api_bearer_problems_are_401_with_a_reason(services):
    client = client_for(services)
    for header in ("Basic abc", "Bearer", "Bearer pp_unknown"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["detail"]


def test_read_only_token_cannot_write(services):
    clinician = make_user(services, Role.clinician)
    _, secret = accounts.create_api_token(
        clinician.ctx(services), {"name": "r", "scopes": ["read"]}
    )
    client = client_for(services)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/patients", headers=headers).status_code == 200
    response = client.post(
        "/api/v1/patients", headers=headers, json={"display_name": "Ada", "birth_year": 1980}
    )
    assert response.status_code == 403
    assert "write" in response.json()["detail"]
    assert patients(services) == 0


def test_session_cookie_flags(services):
    person = make_user(services, Role.patient)
    client = client_for(services)
    csrf = page_csrf(client)
    response = client.post(
        "/signin", data={"email": person.email, "password": person.password, "csrf_token": csrf}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "pp_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie


def test_session_cookie_is_secure_when_served_over_tls(services):
    from dataclasses import replace

    tls = replace(services, settings=services.settings.model_copy(update={"https": True}))
    person = make_user(tls, Role.patient)
    client = client_for(tls)
    csrf = page_csrf(client)
    response = client.post(
        "/signin", data={"email": person.email, "password": person.password, "csrf_token": csrf}
    )
    assert "secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize(
    "path", ["/", "/signin", "/api/v1/me", "/no-such-page", "/static/css/painpath.css"]
)
def test_security_headers_on_every_kind_of_response(services, path):
    response = client_for(services).get(path)
    csp = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-request-id"]


def test_pages_have_no_inline_script(services, clinician_client):
    client, _ = clinician_client
    for path in ("/", "/patients", "/patients/new", "/account", "/api/docs"):
        html = client.get(path).text
        assert "<script>" not in html and "onclick=" not in html and "style=" not in html, path


@pytest.mark.parametrize(
    "target", ["https://evil.example.org/", "//evil.example.org", "/\\evil.example.org"]
)
def test_sign_in_never_redirects_off_site(services, target):
    person = make_user(services, Role.clinician)
    client = client_for(services)
    csrf = page_csrf(client)
    response = client.post(
        "/signin",
        data={
            "email": person.email,
            "password": person.password,
            "csrf_token": csrf,
            "next": target,
        },
    )
    assert response.headers["location"] == "/patients"


def test_sign_in_returns_to_the_page_asked_for(services):
    person = make_user(services, Role.clinician)
    client = client_for(services)
    assert client.get("/patients/new").headers["location"] == "/signin?next=%2Fpatients%2Fnew"
    csrf = csrf_from(client.get("/signin?next=%2Fpatients%2Fnew").text)
    response = client.post(
        "/signin",
        data={
            "email": person.email,
            "password": person.password,
            "csrf_token": csrf,
            "next": "/patients/new",
        },
    )
    assert response.headers["location"] == "/patients/new"


def test_sign_out_really_ends_the_session(services, clinician_client):
    client, csrf = clinician_client
    cookie = client.cookies.get("pp_session")
    assert client.post("/signout", data={"csrf_token": csrf}).status_code == 303
    replay = client_for(services)
    replay.cookies.set("pp_session", cookie)
    assert replay.get("/patients").status_code == 303


def test_not_found_pages_are_friendly(services, clinician_client):
    client, _ = clinician_client
    for path in ("/no-such-page", "/patients/not-a-number", "/patients/424242"):
        response = client.get(path)
        assert response.status_code == 404
        assert "We could not find that" in response.text


def test_unexpected_errors_show_a_reference_not_a_trace(services):
    app = create_app(services=services)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    from fastapi.testclient import TestClient

    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert request_id in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    api = client.get("/api/v1/boom")
    assert api.status_code == 404  # unknown API path: JSON 404, not a page
    assert api.json() == {"detail": "Not Found"}


def test_openapi_documents_bearer_tokens_and_docs_use_local_assets(services):
    client = client_for(services)
    spec = client.get("/api/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "/api/v1/patients" in spec["paths"]
    docs = client.get("/api/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "/static/js/api-docs.js" in docs
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
