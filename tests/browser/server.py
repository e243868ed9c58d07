"""A real painpath server on a throwaway data directory, with the demo data loaded.

Shared by the browser tests (tests/browser/conftest.py) and scripts/screenshots.py.
It runs the same commands a newcomer does (`painpath db upgrade`, `painpath demo`,
`painpath serve`) as subprocesses, so what the browser sees is the real app.
No pytest in here: the screenshot script imports this module too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]
DEMO_DOMAIN = "demo.painpath.example"
STARTUP_SECONDS = 30


def launch_chromium(playwright):
    """Debian's Chromium, driven by Playwright (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def demo_email(key: str) -> str:
    """Sign-in email of a demo user: admin, clinician, clinician2, patient, patient2."""
    return f"{key}@{DEMO_DOMAIN}"


class ServerFailed(RuntimeError):
    pass


@dataclass
class Server:
    base_url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path
    passwords: dict[str, str] = field(default_factory=dict)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def login(self, key: str) -> tuple[str, str]:
        """(email, password) of a demo user."""
        return demo_email(key), self.passwords[key]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def server_env(data_dir: Path) -> dict[str, str]:
    # Only our settings: a PAINPATH_* variable from the caller's shell must not leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAINPATH_")}
    env.update(
        PAINPATH_DATA_DIR=str(data_dir),
        PAINPATH_DATABASE_URL=f"sqlite:///{data_dir / 'painpath.sqlite3'}",
        # Same algorithm (Argon2id), lower cost: sign-ins stay fast.
        PAINPATH_ARGON2_TIME_COST="1",
        PAINPATH_ARGON2_MEMORY_KIB="1024",
        PAINPATH_LOG_LEVEL="warning",
        PAINPATH_SEARCH_MODEL="none",
        PAINPATH_TIMEZONE="UTC",
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _painpath(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "painpath", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise ServerFailed(
            f"`painpath {' '.join(args)}` exited with {done.returncode}:\n"
            f"{done.stdout}\n{done.stderr}"
        )


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(
                f"`painpath serve` exited with {server.process.returncode}:\n{server.log()}"
            )
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=2) as response:  # noqa: S310
                if response.status == 200 and json.load(response).get("status") == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise ServerFailed(
        f"no answer from {server.url('/healthz')} in {STARTUP_SECONDS}s:\n{server.log()}"
    )


def start_server(data_dir: Path) -> Server:
    """Migrate, load the demo data, serve on a free port; returns once /healthz answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(data_dir)
    _painpath(env, "db", "upgrade")
    _painpath(env, "demo")
    passwords = json.loads((data_dir / "demo-logins.json").read_text(encoding="utf-8"))
    log_path = data_dir / "server.log"
    # A free port can be taken between our check and the server's bind: try again then.
    for attempt in range(3):
        port = free_port()
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "painpath", "serve", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(f"http://127.0.0.1:{port}", data_dir, process, log_path, passwords)
        try:
            _wait_healthy(server)
            return server
        except ServerFailed:
            server.stop()
            if attempt == 2 or "address already in use" not in server.log().lower():
                raise
        except BaseException:
            server.stop()
            raise
    raise AssertionError("unreachable")


@contextmanager
def running_server(data_dir: Path) -> Iterator[Server]:
    server = start_server(data_dir)
    try:
        yield server
    finally:
        server.stop()


def fill_step(page, answers: dict[str, str] | None = None) -> None:
    """Answer every question on the page as a person with no warning signs would,
    then apply `answers` (item id -> value) on top, the way a person clicks."""
    answers = answers or {}
    for fieldset in page.locator("fieldset.question").all():
        item = fieldset.get_attribute("id").removeprefix("q-")
        want = answers.get(item)
        radios = fieldset.locator("input[type=radio]")
        boxes = fieldset.locator("input[type=checkbox]")
        numbers = fieldset.locator("input[type=number]")
        if radios.count():
            if want is not None:
                fieldset.locator(f"input[type=radio][value='{want}']").check()
            elif not fieldset.locator("input[type=radio]:checked").count():
                no = fieldset.locator(
                    "input[type=radio][value='no'], input[type=radio][value='none']"
                )
                (no.first if no.count() else radios.nth(min(3, radios.count() - 1))).check()
        elif boxes.count():
            for value in (want or "").split() or [boxes.first.get_attribute("value")]:
                fieldset.locator(f"input[type=checkbox][value='{value}']").check()
        elif item == "activities":
            fieldset.get_by_label("Activity 1", exact=True).fill("Walking the dog")
            fieldset.get_by_label("Score for activity 1, 0 to 10").fill("4")
        elif numbers.count() and (want is not None or not numbers.first.input_value()):
            numbers.first.fill(want or "8")
