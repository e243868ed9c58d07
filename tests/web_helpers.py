"""Driving the web app in-process (Starlette's TestClient): sign in, read CSRF tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from painpath.services.context import Services
from painpath.web.app import create_app

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def client_for(services: Services) -> TestClient:
    return TestClient(create_app(services=services), follow_redirects=False)


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_csrf(client: TestClient, path: str = "/signin") -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_from(response.text)


def sign_in(client: TestClient, email: str, password: str) -> str:
    """Sign in through the real form; returns the session's CSRF token for later forms."""
    token = page_csrf(client, "/signin")
    response = client.post(
        "/signin", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return page_csrf(client, "/account")


def post_form(client: TestClient, path: str, data: dict, csrf: str):
    return client.post(path, data={**data, "csrf_token": csrf})
