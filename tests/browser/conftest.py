"""Browser tests: one real server and one headless Chromium per session (per xdist worker).

Each test gets fresh browser contexts (separate cookie jars: separate people) from
``new_context``; contexts are closed after the test, the browser and server at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.server import CHROMIUM, Server, launch_chromium, running_server
from tests.conftest import missing

DEFAULT_TIMEOUT_MS = 20_000
# Assertions wait as long as actions: CI machines are small and run two workers.
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("browser-server")) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(
            "Browser tests (Chromium)", f"{CHROMIUM} is not installed (`make test` installs it)"
        )
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, server: Server) -> Iterator[Callable[..., object]]:
    """Make a fresh browser context (one person) against the test server."""
    made = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=server.base_url, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def submit(page, button):
    """Click a form's submit button; returns the response the browser navigated to.
    A CSRF refusal fails here, with the page's words, rather than as a later timeout."""
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None
    if response.status == 403 and response.request.method == "POST":
        pytest.fail(
            f"POST {response.url} was refused (403): {page.locator('main').inner_text()!r} "
            f"(Origin header sent: {response.request.all_headers().get('origin')!r})",
            pytrace=False,
        )
    return response


def sign_in(page, email: str, password: str, lands_on: str) -> None:
    """Sign in through the real form and check where it lands (a path)."""
    page.goto("/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    submit(page, page.get_by_role("button", name="Sign in"))
    page.wait_for_url(re.compile(re.escape(lands_on) + r"(\?.*)?$"))


@pytest.fixture
def signed_in(new_context, server: Server) -> Callable[..., object]:
    """A page of a new context, signed in as a demo user (admin, clinician, patient2, ...)."""
    homes = {"clinician": "/patients", "clinician2": "/patients", "admin": "/admin/users"}

    def make(key: str, **options):
        page = new_context(**options).new_page()
        email, password = server.login(key)
        sign_in(page, email, password, lands_on=homes.get(key, "/me"))
        return page

    return make
