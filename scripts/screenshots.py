"""Screenshots of painpath for the docs, taken from a real server with the demo data.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts painpath on a throwaway data directory (the same way the browser tests do, see
tests/browser/server.py), drives Debian's Chromium through Playwright and writes:

    clinician-patients.png  the demo clinician's patient list (desktop, 1280x800)
    patient-overview.png    a patient without an account, just after an invitation link
                            was made, so the one-time link box shows (desktop)
    signin-mobile.png       the sign-in page on a 360x740 phone screen
    home.png                the start page, signed out (desktop)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for the server helper shared with the browser tests

from tests.browser.server import CHROMIUM, launch_chromium, running_server  # noqa: E402

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
            desktop.close()

            mobile = browser.new_context(base_url=server.base_url, viewport=MOBILE)
            page = mobile.new_page()
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
