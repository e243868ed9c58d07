"""Screenshots of painpath for the docs, taken from a real server with the demo data.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts painpath on a throwaway data directory (the same way the browser tests do, see
tests/browser/server.py), drives Debian's Chromium through Playwright and writes:

    clinician-patients.png  the demo clinician's patient list (desktop, 1280x800)
    clinician-result.png    a clinician check-in for a demo patient, ending in the explained result
    checkin-safety-mobile.png   the safety questions of a patient check-in on a phone
    checkin-red-flag-mobile.png the page a red flag stops the check-in on (phone)
    patient-overview.png    a patient without an account, just after an invitation link
                            was made, so the one-time link box shows (desktop)
    signin-mobile.png       the sign-in page on a 360x740 phone screen
    home.png                the start page, signed out (desktop)
    programme-mobile.png    a patient's home programme made from their check-in (phone)
    player-mobile.png       the guided player with its timer started (phone)
    search-mobile.png       the evidence search answering "pain down my leg" (phone)
    article.png             the top of an article, and its footnotes and update log (desktop)
    exercise-clamshell.png  an exercise page with its three-dimensional figure (desktop)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for the server helper shared with the browser tests

from tests.browser.server import CHROMIUM, fill_step, launch_chromium, running_server  # noqa: E402
from tests.factories import finished_checkin  # noqa: E402

from painpath.services.runtime import open_services  # noqa: E402
from painpath.settings import Settings  # noqa: E402
from painpath.store.models import Patient, User  # noqa: E402

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}
# A demo patient of the demo clinician who has no account yet (see services/demo.py).
UNLINKED_PATIENT = "Priya Shah"
INVITE_EMAIL = "priya.shah@example.org"


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shot(page, name: str) -> None:
        path = out / name
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        saved.append(path)

    with (
        tempfile.TemporaryDirectory(prefix="painpath-shots-") as tmp,
        running_server(Path(tmp)) as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        try:
            desktop = browser.new_context(base_url=server.base_url, viewport=DESKTOP)
            page = desktop.new_page()

            page.goto("/")
            page.wait_for_load_state("networkidle")
            shot(page, "home.png")

            page.goto("/learn/sciatica-pain-down-the-leg")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / "article.png"), animations="disabled")
            saved.append(out / "article.png")
            page.goto("/exercises/clamshell")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / "exercise-clamshell.png"), animations="disabled")
            saved.append(out / "exercise-clamshell.png")

            email, password = server.login("clinician")
            page.goto("/signin")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/patients")
            shot(page, "clinician-patients.png")

            page.get_by_role("link", name=UNLINKED_PATIENT).click()
            page.get_by_label("Patient's email address").fill(INVITE_EMAIL)
            page.get_by_role("button", name="Create invitation link").click()
            page.get_by_label("One-time link").wait_for()
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            shot(page, "patient-overview.png")

            # A clinician check-in on behalf of a demo patient, to its result.
            page.goto("/patients")
            page.get_by_role("link", name="Alex Morgan").click()
            page.get_by_role("button", name=re.compile("check-in", re.I)).click()
            plan = {
                "start": {"respondent": "self", "age": "46", "sex": "female", "region": "back"},
                "where": {"pain_areas": "low_back_centre low_back_left buttock_left"},
                "onset": {"onset": "sudden", "duration": "2_to_6_weeks", "course": "better"},
                "pattern": {
                    "night_pain": "when_moving",
                    "rest_pain": "eases",
                    "movement_effect": "changes",
                },
                "beliefs": {
                    "belief_timeline": "8",
                    "belief_personal_control": "3",
                    "belief_concern": "7",
                },
                "context": {"equipment": "mat chair", "minutes_per_day": "20"},
            }
            for _ in range(15):
                match = re.search(r"/steps/(\w+)", page.url)
                if not match:
                    break
                fill_step(page, plan.get(match.group(1), {}))
                page.get_by_role("button", name="Save and continue").click()
                page.wait_for_load_state()
            shot(page, "clinician-result.png")
            desktop.close()

            # The patient's own check-in on a phone: a question page and a red-flag stop.
            phone = browser.new_context(base_url=server.base_url, viewport=MOBILE)
            page = phone.new_page()
            email, password = server.login("patient")
            page.goto("/signin")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/me*")
            page.get_by_role("button", name=re.compile("check-in", re.I)).click()
            fill_step(page, {"respondent": "self", "region": "back"})
            page.get_by_role("button", name="Save and continue").click()
            page.wait_for_load_state()
            fill_step(page, {"bladder_change": "yes"})
            shot(page, "checkin-safety-mobile.png")
            page.get_by_role("button", name="Save and continue").click()
            page.wait_for_load_state()
            shot(page, "checkin-red-flag-mobile.png")
            phone.close()

            # patient2: a programme from a finished check-in, then the guided player.
            services = open_services(
                Settings(
                    data_dir=server.data_dir,
                    database_url=f"sqlite:///{server.data_dir / 'painpath.sqlite3'}",
                )
            )
            email, password = server.login("patient2")
            with services.db() as session:
                uid = session.scalar(select(User.id).where(User.email == email))
                pid = session.scalar(select(Patient.id).where(Patient.user_id == uid))
            answers = json.loads((ROOT / "docs/examples/checkin-answers.json").read_text())
            finished_checkin(services, pid, answers, day=datetime.now(UTC).date())
            phone = browser.new_context(base_url=server.base_url, viewport=MOBILE)
            page = phone.new_page()
            page.goto("/signin")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/me*")
            page.goto(f"/patients/{pid}/programme")
            page.get_by_role("button", name="Make the programme from the latest check-in").click()
            page.wait_for_load_state()
            shot(page, "programme-mobile.png")
            page.get_by_role("link", name="Start today's session").click()
            page.wait_for_load_state()
            page.get_by_role("button", name="Start").click()
            page.wait_for_timeout(400)
            shot(page, "player-mobile.png")
            phone.close()

            mobile = browser.new_context(base_url=server.base_url, viewport=MOBILE)
            page = mobile.new_page()
            page.goto("/search?q=pain+down+my+leg")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / "search-mobile.png"), animations="disabled")
            saved.append(out / "search-mobile.png")
            page.goto("/signin")
            page.wait_for_load_state("networkidle")
            shot(page, "signin-mobile.png")
            mobile.close()
        finally:
            browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"screenshots: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 1
    for path in take(args.out):
        print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
