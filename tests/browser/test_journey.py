"""End-to-end in a real browser: the acceptance journey, and what only a browser can see
(layout at 360px, CSP violations, keyboard focus, Swagger UI actually rendering)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, submit
from tests.browser.server import Server

pytestmark = pytest.mark.browser

PATIENT_PATH = re.compile(r"/patients/(\d+)\?added=1$")


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def add_patient(page, name: str, birth_year: str):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Add patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a patient")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Year of birth").fill(birth_year)
    return submit(page, page.get_by_role("button", name="Add patient"))


def test_invited_patient_journey_and_isolation(new_context, signed_in, server: Server):
    """Clinician adds a patient and invites them; the patient joins through the one-time
    link, signs out and in again; another patient cannot see the record, page or API."""
    name = unique("Robin Test")
    email = f"robin-{uuid.uuid4().hex[:8]}@example.org"
    password = "quiet river lantern 42"

    # The clinician signs in through the form and adds the patient.
    clinician = signed_in("clinician")
    add_patient(clinician, name, "1985")
    match = PATIENT_PATH.search(clinician.url)
    assert match, clinician.url
    patient_id = int(match.group(1))
    expect(clinician.get_by_role("status")).to_have_text(f"{name} was added to your patients.")
    expect(clinician.get_by_role("heading", level=1)).to_have_text(name)

    # On the patient's page: an invitation for a new email, and its one-time link.
    clinician.get_by_label("Patient's email address").fill(email)
    submit(clinician, clinician.get_by_role("button", name="Create invitation link"))
    expect(clinician.get_by_role("heading", name=f"Invitation link for {email}")).to_be_visible()
    link = clinician.get_by_label("One-time link").input_value()
    assert link.startswith(server.url("/invite/")), link

    # Someone else, in their own browser, opens the link and chooses a password.
    patient = new_context().new_page()
    patient.goto(link)
    expect(patient.get_by_role("heading", level=1)).to_have_text(f"Welcome to painpath, {name}")
    expect(patient.get_by_text(email)).to_be_visible()
    patient.get_by_label("New password").fill(password)
    patient.get_by_label("Repeat password").fill(password)
    submit(patient, patient.get_by_role("button", name="Create my account"))
    patient.wait_for_url(re.compile(r"/me\?welcome=1$"))
    expect(patient.get_by_role("status")).to_have_text("Your account is ready. Welcome!")
    expect(patient.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")

    # They sign out, then back in with email and password, and see their home again.
    submit(patient, patient.get_by_role("button", name="Sign out"))
    patient.wait_for_url(re.compile(r"/\?signed_out=1$"))
    expect(patient.get_by_role("status")).to_have_text("You have signed out.")
    assert patient.goto("/me").url.startswith(server.url("/signin?next="))
    sign_in(patient, email, password, lands_on="/me")
    expect(patient.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")

    # The link worked once: opening it again says so.
    patient.goto(link)
    expect(patient.get_by_role("heading", level=1)).not_to_contain_text("Welcome")

    # The clinician's page now shows the account as active, and the API agrees (200):
    # proof that the refusals below are about access, not a broken request.
    clinician.reload()
    expect(clinician.locator("dt:text-is('Patient account') + dd")).to_have_text("Active")
    expect(clinician.get_by_role("row", name=email)).to_contain_text("Used")
    own = clinician.context.request.get(f"/api/v1/patients/{patient_id}")
    assert own.status == 200 and own.json()["patient"]["display_name"] == name

    # Another patient (demo patient2, own browser) reaches neither the page nor the API.
    other = signed_in("patient2")
    expect(other.get_by_role("heading", level=1)).to_have_text("Hello, Jordan Reyes")
    response = other.goto(f"/patients/{patient_id}")
    assert response is not None and response.status in (403, 404), response
    expect(other.get_by_role("heading", level=1)).to_have_text(
        re.compile("We could not find that|You do not have access to this")
    )
    expect(other.locator("body")).not_to_contain_text(name)

    api = other.context.request.get(f"/api/v1/patients/{patient_id}")
    assert api.status in (401, 403, 404), (api.status, api.text())
    assert name not in api.text()
    fetched = other.evaluate(
        """async (url) => {
            const r = await fetch(url, {headers: {Accept: "application/json"}});
            return {status: r.status, body: await r.text()};
        }""",
        f"/api/v1/patients/{patient_id}",
    )
    assert fetched["status"] in (401, 403, 404), fetched
    assert name not in fetched["body"]


def test_add_patient_error_keeps_typed_input(signed_in):
    """A birth year of 1800 is refused inline: message shown, name kept, nothing saved."""
    clinician = signed_in("clinician")
    name = unique("Casey Typo")
    response = add_patient(clinician, name, "1800")
    assert response.status == 422
    expect(clinician.get_by_role("heading", level=1)).to_have_text("Add a patient")
    summary = clinician.get_by_role("alert")
    expect(summary).to_contain_text("Year of birth")
    birth_year = clinician.get_by_label("Year of birth")
    expect(birth_year).to_have_attribute("aria-invalid", "true")
    expect(birth_year).to_have_value("1800")
    expect(clinician.get_by_label("Name", exact=True)).to_have_value(name)
    # The summary's link leads to the field that needs fixing.
    summary.get_by_role("link").first.click()
    expect(birth_year).to_be_focused()

    clinician.goto(f"/patients?q={name.split()[-1]}")
    expect(clinician.locator("#patient-rows")).to_contain_text("No patient matches")


@pytest.mark.parametrize("path", ["/signin", "/patients"])
def test_no_horizontal_scroll_at_360px(signed_in, new_context, path):
    mobile = {"viewport": {"width": 360, "height": 740}}
    page = (
        signed_in("clinician", **mobile)
        if path == "/patients"
        else new_context(**mobile).new_page()
    )
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth]"
    )
    assert max(widths) <= 360, f"{path} is {widths} px wide at a 360 px viewport"


def test_content_security_policy_blocks_nothing(signed_in):
    """The pages' own scripts, styles, images and Swagger UI all live within the CSP."""
    page = signed_in("clinician")
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" or "content security policy" in message.text.lower():
            problems.append(f"{page.url}: console {message.type}: {message.text}")

    def on_request_failed(request) -> None:
        # Requests cut short by the next navigation are aborted; that is not a block.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"{page.url}: {request.url} failed: {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: page error: {error}"))
    page.on("requestfailed", on_request_failed)

    for path in ("/", "/signin", "/patients", "/api/docs"):
        response = page.goto(path, wait_until="networkidle")
        assert response is not None and response.ok, (path, response)
        if path == "/api/docs":
            # Swagger UI's bundle is large: give it time on a busy 2-core CI machine.
            expect(page.locator(".swagger-ui .info").first).to_contain_text(
                "painpath API", timeout=30_000
            )
            page.wait_for_load_state("networkidle")
    # htmx (loaded with `defer`) runs the live search without eval or inline styles.
    page.goto("/patients")
    page.get_by_label("Find a patient").fill("priya")
    expect(page.locator("#patient-rows tbody tr")).to_have_count(1)
    assert problems == []


def test_tab_from_page_load_focuses_skip_link(new_context):
    page = new_context().new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, f"focused skip link is off-screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_api_docs_render_swagger_ui(new_context):
    page = new_context().new_page()
    page.goto("/api/docs")
    ui = page.locator(".swagger-ui").first
    expect(ui).to_contain_text("painpath API", timeout=30_000)
    expect(ui.get_by_text("/api/v1/patients/{patient_id}").first).to_be_visible()
