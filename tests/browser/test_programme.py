"""The programme loop in a real browser: a patient makes their programme from a check-in,
does a whole session in the guided player logging pain, answers the next-morning check,
and sees the programme adapt."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from painpath.services import programmes
from painpath.services.context import Services
from painpath.services.runtime import open_services
from painpath.settings import Settings
from painpath.store.models import Patient, User
from tests.browser.conftest import submit
from tests.factories import Person, finished_checkin

pytestmark = pytest.mark.browser

EXAMPLE = json.loads((Path(__file__).parents[2] / "docs/examples/checkin-answers.json").read_text())


def server_services(server) -> Services:
    return open_services(
        Settings(
            data_dir=server.data_dir,
            database_url=f"sqlite:///{server.data_dir / 'painpath.sqlite3'}",
        )
    )


def test_player_session_then_morning_check_adapts_the_programme(signed_in, server):
    services = server_services(server)
    email, _ = server.login("patient2")
    with services.db() as session:
        user = session.scalar(select(User).where(User.email == email))
        patient_id = session.scalar(select(Patient.id).where(Patient.user_id == user.id))
    finished_checkin(services, patient_id, EXAMPLE, day=datetime.now(UTC).date())

    page = signed_in("patient2")
    page.get_by_role("link", name="Today's exercises").click()
    submit(page, page.get_by_role("button", name="Make the programme from the latest check-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your home programme")
    items = page.locator(".programme-item")
    count = items.count()
    assert 3 <= count <= 6

    # Yesterday's session, logged earlier (the clock cannot be turned back in a browser):
    # the first exercise hurt 7/10 during it.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    past = Services(services.settings, services.db, lambda: yesterday)
    me = Person(user=_user_view(services, email))
    view = programmes.current(me.ctx(past), patient_id)
    programmes.log_exercise(
        me.ctx(past),
        patient_id,
        view.items[0].id,
        day=yesterday.date(),
        completed=True,
        pain_during=7,
        pain_after=5,
        submission_key="browser-yesterday",
    )

    # Today's session in the guided player: start the timer, then Done with pain 2/10.
    page.get_by_role("link", name=re.compile("today's session", re.I)).click()
    for n in range(count):
        expect(page.get_by_text(f"Exercise {n + 1} of {count}")).to_be_visible()
        page.get_by_role("button", name="Start").click()
        expect(page.locator("[data-status]")).not_to_have_text("Ready when you are.")
        page.locator("input[name=pain_during][value='2']").check(force=True)
        page.locator("input[name=pain_after][value='2']").check(force=True)
        submit(page, page.get_by_role("button", name="Done"))
    expect(page.get_by_role("status")).to_contain_text("today's session is logged")

    # Next morning (the check for yesterday's session is due): pain settled to 3/10.
    form = page.get_by_role("heading", name=re.compile("how do you feel after yesterday"))
    expect(form).to_be_visible()
    page.locator("input[name=pain][value='3']").check(force=True)
    submit(page, page.get_by_role("button", name="Save"))
    changes = page.locator("#changes")
    expect(changes).to_contain_text("Made easier")
    expect(changes).to_contain_text("7/10")


def _user_view(services: Services, email: str):
    from painpath.services.schemas import UserView

    with services.db() as session:
        user = session.scalar(select(User).where(User.email == email))
        return UserView.model_validate(user, from_attributes=True)
