"""Which of my patients needs me today? The clinician's list puts alerts first (red
flag, worse beyond the change that matters, pain above the limits, no sessions), then
risk, adherence and last activity; filters and pages; one query per kind of fact."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from painpath.services import dashboard, programmes
from tests.factories import finished_checkin, make_patient, make_world
from tests.integration.test_progress import EXAMPLE, _rmdq, at

START = date(2026, 11, 2)


def _programme(services, clinician, record, *, sessions: int, pain: int = 2):
    finished_checkin(services, record.id, EXAMPLE, day=START)
    view = programmes.create_from_checkin(clinician.ctx(at(services, START)), record.id)
    for n in range(sessions):
        day = START + timedelta(days=n)
        programmes.log_exercise(
            clinician.ctx(at(services, day)),
            record.id,
            view.items[0].id,
            day=day,
            completed=True,
            pain_during=pain,
            pain_after=pain,
            submission_key=f"{record.id}-{n}",
        )
    return view


def _names(page) -> list[str]:
    return [r.patient.display_name for r in page.rows]


def test_alerts_come_first_in_their_order(services):
    world = make_world(services)
    c = world.clinician_a
    calm = make_patient(services, c, "Aaron Calm")
    idle = make_patient(services, c, "Ivy Idle")
    sore = make_patient(services, c, "Sam Sore")
    _programme(services, c, calm, sessions=30)
    _programme(services, c, idle, sessions=3)  # then nothing for weeks
    _programme(services, c, sore, sessions=30, pain=7)  # above the limit of 5
    today = at(services, START + timedelta(days=30))
    page = dashboard.dashboard(c.ctx(today))
    names = _names(page)
    assert names.index("Sam Sore") < names.index("Ivy Idle") < names.index("Aaron Calm")
    sore_row = next(r for r in page.rows if r.patient.display_name == "Sam Sore")
    assert [a.kind for a in sore_row.alerts] == ["pain_over_limit"]
    idle_row = next(r for r in page.rows if r.patient.display_name == "Ivy Idle")
    assert idle_row.alerts[0].text == "No sessions for 28 days"
    calm_row = next(r for r in page.rows if r.patient.display_name == "Aaron Calm")
    assert calm_row.alerts == () and calm_row.facts.adherence is not None
    # A red flag beats everything; getting worse beyond the MCID comes next.
    _rmdq(services, world, START, 6, "w1")
    _rmdq(services, world, START + timedelta(days=20), 14, "w2")  # worse by 8 (MCID 5)
    finished_checkin(
        services, calm.id, {**EXAMPLE, "saddle_numbness": True}, day=START + timedelta(days=29)
    )
    page = dashboard.dashboard(c.ctx(today))
    assert _names(page)[:2] == ["Aaron Calm", "Ada Patient"]
    ada = next(r for r in page.rows if r.patient.display_name == "Ada Patient")
    assert ada.alerts[0].kind == "worsening" and "RMDQ" in ada.alerts[0].text
    assert ada.trend == "worse"


def test_filters_and_pages(services):
    world = make_world(services)
    c = world.clinician_a
    for n in range(7):
        make_patient(services, c, f"Pat {n:02d}")
    sore = make_patient(services, c, "Sam Sore")
    _programme(services, c, sore, sessions=5, pain=8)
    today = at(services, START + timedelta(days=5))
    only = dashboard.dashboard(c.ctx(today), show="pain_over_limit")
    assert _names(only) == ["Sam Sore"] and only.total == 1
    first = dashboard.dashboard(c.ctx(today), per_page=3)
    assert first.pages == 3 and len(first.rows) == 3 and _names(first)[0] == "Sam Sore"
    last = dashboard.dashboard(c.ctx(today), per_page=3, page=99)  # past the end: the last
    assert last.page == 3 and len(last.rows) == 3
    searched = dashboard.dashboard(c.ctx(today), search="pat 0")
    assert searched.total == 7
    assert dashboard.dashboard(c.ctx(today), show="nonsense").show == "all"


def test_the_list_costs_the_same_queries_for_ten_patients_as_for_two(services):
    world = make_world(services)
    c = world.clinician_a
    engine = services.db.kw["bind"]

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            dashboard.dashboard(c.ctx(at(services, START + timedelta(days=9))))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    _programme(services, c, make_patient(services, c, "One"), sessions=3)
    few = statements()
    for n in range(8):
        _programme(services, c, make_patient(services, c, f"More {n}"), sessions=3)
    assert statements() == few
