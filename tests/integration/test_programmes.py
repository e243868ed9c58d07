"""Programmes end to end in the services: made from a check-in, logged, adapted."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from painpath.catalog import get_catalog
from painpath.services import programmes
from painpath.services.context import Services
from painpath.services.errors import InvalidInput, NotFound, OnHold
from painpath.store.models import ExerciseLog, ProgrammeChange
from tests.factories import finished_checkin, make_world

EXAMPLE = json.loads((Path(__file__).parents[2] / "docs/examples/checkin-answers.json").read_text())
DAY = date(2026, 11, 20)


def at(services: Services, day: date) -> Services:
    return Services(
        services.settings,
        services.db,
        lambda: datetime(day.year, day.month, day.day, 8, tzinfo=UTC),
    )


def test_programme_is_built_from_the_latest_checkin_with_reasons(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    view = programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    assert 3 <= len(view.items) <= 6
    assert all(i.reasons and i.sources for i in view.items)


def test_no_programme_after_a_red_flag(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, {**EXAMPLE, "saddle_numbness": True})
    with pytest.raises(OnHold, match="warning sign"):
        programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)


def test_other_people_cannot_see_or_log_a_programme(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    view = programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    with pytest.raises(NotFound):
        programmes.current(world.patient_b.ctx(services), world.record_a.id)
    with pytest.raises(NotFound):
        programmes.log_exercise(
            world.patient_b.ctx(services),
            world.record_a.id,
            view.items[0].id,
            day=DAY,
            completed=True,
            pain_during=2,
            pain_after=2,
            submission_key="x",
        )


def test_two_good_days_progress_and_a_bad_morning_regresses(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    view = programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    item = next(i for i in view.items if i.exercise.progresses_to)
    first = item.exercise.id
    for n, day in enumerate((DAY, DAY + timedelta(days=1))):
        changes = _good_day(services, world, item.id, day, f"k{n}")
    assert [c.decision for c in changes] == ["progress"]
    after = programmes.current(world.patient_a.ctx(services), world.record_a.id)
    moved = next(i for i in after.items if i.id == item.id)
    assert moved.exercise.id == item.exercise.progresses_to[0] != first
    # A bad day on the new exercise: pain during 7/10 -> regress back.
    day = DAY + timedelta(days=2)
    programmes.log_exercise(
        world.patient_a.ctx(at(services, day)),
        world.record_a.id,
        item.id,
        day=day,
        completed=True,
        pain_during=7,
        pain_after=4,
        submission_key="k-bad",
    )
    _, changes = programmes.morning_check(
        world.patient_a.ctx(at(services, day + timedelta(days=1))),
        world.record_a.id,
        day=day + timedelta(days=1),
        pain=3,
        stiffness=2,
    )
    assert [c.decision for c in changes] == ["regress"] and "7/10" in changes[0].reason
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(ProgrammeChange)) == 2


def test_a_warning_sign_in_the_morning_pauses_the_programme(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    view = programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    programmes.log_exercise(
        world.patient_a.ctx(at(services, DAY)),
        world.record_a.id,
        view.items[0].id,
        day=DAY,
        completed=True,
        pain_during=2,
        pain_after=2,
        submission_key="w",
    )
    after, changes = programmes.morning_check(
        world.patient_a.ctx(at(services, DAY + timedelta(days=1))),
        world.record_a.id,
        day=DAY + timedelta(days=1),
        pain=2,
        stiffness=None,
        warning_signs=["bladder_bowel"],
    )
    assert after.status == "paused" and [c.decision for c in changes] == ["stop_and_escalate"]
    assert "New bladder or bowel problems" in changes[0].reason


def test_bad_pain_values_are_refused_and_double_logs_saved_once(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    view = programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    ctx = world.patient_a.ctx(at(services, DAY))
    with pytest.raises(InvalidInput) as error:
        programmes.log_exercise(
            ctx,
            world.record_a.id,
            view.items[0].id,
            day=DAY,
            completed=True,
            pain_during=11,
            pain_after=-1,
            submission_key="bad",
        )
    assert set(error.value.errors) == {"pain_during", "pain_after"}
    for _ in range(2):
        programmes.log_exercise(
            ctx,
            world.record_a.id,
            view.items[0].id,
            day=DAY,
            completed=True,
            pain_during=3,
            pain_after=2,
            submission_key="same",
        )
    with services.db() as session:
        assert session.scalar(select(func.count()).select_from(ExerciseLog)) == 1


def _good_day(services, world, item_id: int, day: date, key: str):
    """Log the exercise with pain 2/10 during and after, then a settled next morning;
    returns what the morning check changed."""
    programmes.log_exercise(
        world.patient_a.ctx(at(services, day)),
        world.record_a.id,
        item_id,
        day=day,
        completed=True,
        pain_during=2,
        pain_after=2,
        submission_key=key,
    )
    _, changes = programmes.morning_check(
        world.patient_a.ctx(at(services, day + timedelta(days=1))),
        world.record_a.id,
        day=day + timedelta(days=1),
        pain=2,
        stiffness=2,
    )
    return changes


def test_a_dose_step_restarts_the_count_and_never_lowers_a_dose_set_high(services):
    """Without a harder exercise, the dose steps up: then two more good sessions are
    needed before the next step; and a dose a clinician set above the range is never cut
    by a "step up"."""
    world = make_world(services)
    finished_checkin(services, world.record_a.id, EXAMPLE)
    clinician = world.clinician_a.ctx(at(services, DAY))
    view = programmes.create_from_checkin(clinician, world.record_a.id)
    catalog = get_catalog()
    plain = next(
        e
        for e in sorted(catalog.exercises.values(), key=lambda e: e.id)
        if e.tracking.value == "reps"
        and not e.progresses_to
        and e.dosage.reps
        and e.dosage.reps < 15
    )
    view = programmes.add_item(clinician, world.record_a.id, plain.id)
    item = next(i for i in view.items if i.exercise.id == plain.id)
    start = item.dosage.reps
    days = [DAY + timedelta(days=n) for n in range(5)]
    first = _good_day(services, world, item.id, days[0], "a")
    assert [c for c in first if c.from_exercise == plain.id] == []
    stepped = [
        c for c in _good_day(services, world, item.id, days[1], "b") if c.from_exercise == plain.id
    ]
    assert [c.decision for c in stepped] == ["progress"]
    now = next(i for i in programmes.current(clinician, world.record_a.id).items if i.id == item.id)
    assert now.dosage.reps == start + 2
    # One good session at the new dose is not yet two: no change.
    third = [
        c for c in _good_day(services, world, item.id, days[2], "c") if c.from_exercise == plain.id
    ]
    assert third == []
    # A clinician sets 20 reps; two good sessions later the step up keeps 20, and says why.
    programmes.set_dosage(
        world.clinician_a.ctx(at(services, days[3])), world.record_a.id, item.id, {"reps": 20}
    )
    _good_day(services, world, item.id, days[3], "d")
    held = [
        c for c in _good_day(services, world, item.id, days[4], "e") if c.from_exercise == plain.id
    ]
    assert [c.decision for c in held] == ["hold_and_review"]
    assert "top of its range" in held[0].reason
    after = next(
        i for i in programmes.current(clinician, world.record_a.id).items if i.id == item.id
    )
    assert after.dosage.reps == 20
