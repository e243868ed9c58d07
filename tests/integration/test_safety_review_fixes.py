"""The review of the red-flag care loop (issue 15), each finding as a case.

Morning checks, retaken check-ins, abandoned check-ins and what a patient reads of a
clinician's record: a warning sign is never dropped, never cleared by the patient, and
judged with everything painpath knows about the person. Both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from painpath.core.statements import Tier
from painpath.services import programmes, safety
from painpath.services.errors import OnHold
from painpath.store.models import MorningCheck, Programme
from tests.checkin_flow import NO_FLAGS, answer_step, run_checkin, start_own_checkin
from tests.factories import finished_checkin, make_world
from tests.integration.test_safety_loop import (
    DAY,
    EXAMPLE,
    _programme_with_a_session_yesterday,
    _review,
    _signed_in,
    at,
)

MORNING = DAY + timedelta(days=1)
# A woman of 55 with thin bones and long-standing back pain that is easing: no flag, a
# programme is made; new pain would be a warning sign for her.
THIN_BONES = {
    **EXAMPLE,
    "age": 55,
    "osteoporosis": True,
    "pain_change": "unchanged",
    "duration": "over_12_weeks",
    "course": "better",
    "age_at_onset": 60,
    "tried_care_6_weeks": True,
}


def _morning(services, world, signs=(), pain=2, day=MORNING):
    return programmes.morning_check(
        world.patient_a.ctx(at(services, day)),
        world.record_a.id,
        day=day,
        pain=pain,
        stiffness=None,
        warning_signs=list(signs),
    )


def _open(services, world, day=MORNING):
    return safety.status(world.clinician_a.ctx(at(services, day)), world.record_a.id).open


def test_a_sign_reported_after_todays_check_is_kept_and_raises_its_flag(services):
    world = make_world(services)
    _programme_with_a_session_yesterday(services, world)
    _morning(services, world)  # all well this morning
    assert _open(services, world) == []
    _morning(services, world, ["saddle_numbness"])  # later the same day
    [flag] = _open(services, world)
    assert flag.tier is Tier.emergency and flag.top.rule == "ces_saddle_numbness"
    _morning(services, world, ["saddle_numbness"])  # the same form sent twice: saved once
    with services.db() as session:
        assert len(session.scalars(select(MorningCheck)).all()) == 2
        assert session.scalars(select(Programme)).one().status == "paused"


def test_a_new_sign_after_a_review_the_same_day_is_open_again(services):
    world = make_world(services)
    _programme_with_a_session_yesterday(services, world)
    _morning(services, world, ["fever"])
    [first] = _open(services, world)
    _review(at(services, MORNING), world, first, resume_programme=True)
    assert _open(services, world) == []
    _morning(services, world, ["bladder_bowel"])
    [second] = _open(services, world)
    assert second.top.rule == "ces_bladder_bowel" and second.event_id != first.event_id


def test_only_a_clinician_replaces_a_paused_programme(services):
    world = make_world(services)
    _programme_with_a_session_yesterday(services, world)
    _morning(services, world, ["weaker_leg"])
    [flag] = _open(services, world)
    _review(at(services, MORNING), world, flag, resume_programme=False)  # kept paused
    client, csrf = _signed_in(services, world.patient_a)
    run_checkin(client, csrf, start_own_checkin(client, csrf))  # "no" to everything
    with pytest.raises(OnHold, match="Only your clinician"):
        programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)
    with services.db() as session:
        assert session.scalars(select(Programme)).one().status == "paused"
    programmes.create_from_checkin(world.clinician_a.ctx(services), world.record_a.id)
    with services.db() as session:
        statuses = sorted(session.scalars(select(Programme.status)).all())
    assert statuses == ["active", "ended"]


def test_a_paused_programme_does_not_adapt_on_a_check_without_a_sign(services):
    world = make_world(services)
    _programme_with_a_session_yesterday(services, world)
    _morning(services, world, ["fever"])
    [flag] = _open(services, world)
    _review(at(services, MORNING), world, flag, resume_programme=False)
    with pytest.raises(OnHold, match="paused"):
        _morning(services, world, day=MORNING + timedelta(days=1))


def test_morning_signs_are_judged_with_the_safety_answers_of_the_check_in(services):
    """Numbness in one leg at the check-in (a safety net), then a fever: the spinal
    infection emergency, not the fallback."""
    world = make_world(services)
    finished_checkin(services, world.record_a.id, {**EXAMPLE, "leg_numbness": "one_leg"})
    programmes.create_from_checkin(world.patient_a.ctx(at(services, DAY)), world.record_a.id)
    _morning(services, world, ["fever"])
    [flag] = _open(services, world)
    assert flag.tier is Tier.emergency and flag.top.rule == "spinal_infection_emergency"


def test_an_old_reviewed_flag_does_not_stand_in_for_a_new_sign(services):
    """The check-in's own flag was reviewed; 'something else' names the new sign."""
    world = make_world(services)
    finished_checkin(services, world.record_a.id, {**EXAMPLE, "fever": True})
    [checkin_flag] = _open(services, world, DAY)
    _review(at(services, MORNING), world, checkin_flag)
    programmes.assign_protocol(
        world.clinician_a.ctx(at(services, MORNING)),
        world.record_a.id,
        "acute_low_back_first_two_weeks",
    )
    _morning(services, world, ["something_else"])
    [flag] = _open(services, world)
    assert [f.rule for f in flag.flags] == ["recheck_fallback"]
    assert flag.top.answers == ("Something else new that worries you",)


def test_the_newest_check_in_is_the_context_not_the_programmes(services):
    """The programme came from a check-in without an aneurysm; a later one (long-standing,
    unchanged pain, a safety net) tells of one: changed pain is then an emergency."""
    world = make_world(services)
    _programme_with_a_session_yesterday(services, world)
    later = {
        **EXAMPLE,
        "age": 52,
        "known_aneurysm": True,
        "pain_change": "unchanged",
        "duration": "6_to_12_weeks",
        "course": "better",
    }
    finished_checkin(services, world.record_a.id, later, day=DAY)
    assert _open(services, world) == []  # a safety net does not hold the programme
    signs = programmes.morning_signs(world.patient_a.ctx(services), world.record_a.id)
    assert {"pain_changed", "fainting"} <= {s.id for s in signs}
    _morning(services, world, ["pain_changed"])
    [flag] = _open(services, world)
    assert flag.tier is Tier.emergency and flag.top.rule == "aortic_aneurysm_known_new_pain"


def test_a_marked_rise_in_morning_pain_with_thin_bones_is_judged_as_changed_pain(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, THIN_BONES)
    view = programmes.create_from_checkin(world.patient_a.ctx(at(services, DAY)), world.record_a.id)
    _morning(services, world, pain=view.baseline_morning_pain + 3)  # nothing ticked
    [flag] = _open(services, world)
    assert flag.top.rule == "fracture_osteoporotic_new_pain"


def test_a_rise_in_pain_is_not_a_warning_sign_for_everyone(services):
    world = make_world(services)
    view = _programme_with_a_session_yesterday(services, world)
    signs = programmes.morning_signs(world.patient_a.ctx(services), world.record_a.id)
    assert "pain_changed" not in {s.id for s in signs}
    _morning(services, world, pain=min(10, view.baseline_morning_pain + 5))
    assert _open(services, world) == []


def test_a_fall_and_cannot_stand_with_back_pain_is_an_emergency(services):
    world = make_world(services)
    _programme_with_a_session_yesterday(services, world)
    _morning(services, world, ["fall_cannot_stand"])
    [flag] = _open(services, world)
    assert flag.tier is Tier.emergency and "fall_cannot_stand" in {f.rule for f in flag.flags}


def test_a_check_in_left_after_an_urgent_answer_is_an_open_flag(services):
    world = make_world(services)
    client, csrf = _signed_in(services, world.patient_a)
    url = start_own_checkin(client, csrf)
    url = answer_step(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    spreading = {**NO_FLAGS["safety"], "leg_numbness": "one_leg_spreading"}
    assert answer_step(client, csrf, url, spreading).headers["location"].endswith("/steps/health")
    # ... and the person closes the page.
    [flag] = safety.status(world.clinician_a.ctx(services), world.record_a.id).open
    assert flag.unfinished and flag.tier is Tier.urgent
    assert flag.top.rule == "spreading_leg_numbness" and flag.source == "an unfinished check-in"
    with pytest.raises(OnHold):
        programmes.create_from_checkin(world.patient_a.ctx(services), world.record_a.id)


def test_a_check_in_left_before_the_aneurysm_follow_up_is_an_emergency(services):
    world = make_world(services)
    client, csrf = _signed_in(services, world.patient_a)
    url = start_own_checkin(client, csrf)
    start = {"respondent": "self", "age": "55", "sex": "male", "region": "back"}
    url = answer_step(client, csrf, url, start).headers["location"]
    url = answer_step(client, csrf, url, NO_FLAGS["safety"]).headers["location"]
    health = {
        **NO_FLAGS["health"],
        "known_aneurysm": "yes",
        "duration": "6_to_12_weeks",
        "course": "better",
    }
    assert answer_step(client, csrf, url, health).status_code == 200  # "is it new?"
    [flag] = safety.status(world.clinician_a.ctx(services), world.record_a.id).open
    assert flag.tier is Tier.emergency and flag.top.rule == "aortic_aneurysm_known_new_pain"


def test_a_reviewed_unfinished_check_in_that_goes_on_to_stop_is_open_again(services):
    world = make_world(services)
    client, csrf = _signed_in(services, world.patient_a)
    url = start_own_checkin(client, csrf)
    url = answer_step(client, csrf, url, NO_FLAGS["start"]).headers["location"]
    spreading = {**NO_FLAGS["safety"], "leg_numbness": "one_leg_spreading"}
    url = answer_step(client, csrf, url, spreading).headers["location"]
    [flag] = safety.status(world.clinician_a.ctx(services), world.record_a.id).open
    reviewer = at(services, DAY + timedelta(days=30))  # the clinic's clock: later than now
    _review(services, world, flag)
    assert safety.status(world.clinician_a.ctx(reviewer), world.record_a.id).open == []
    # The person comes back and finishes the health step: the check-in stops.
    thin_bones = {**NO_FLAGS["health"], "osteoporosis": "yes", "pain_change": "new"}
    assert answer_step(client, csrf, url, thin_bones).status_code == 303
    [again] = safety.status(world.clinician_a.ctx(reviewer), world.record_a.id).open
    assert not again.unfinished and again.event_id == flag.event_id


def test_a_patient_reads_no_clinician_instructions_or_notes_in_the_api(services):
    world = make_world(services)
    finished_checkin(services, world.record_a.id, {**EXAMPLE, "fever": True})
    finished_checkin(services, world.record_a.id, {**EXAMPLE, "saddle_numbness": True}, day=DAY)
    first, _second = _open(services, world, DAY)
    _review(at(services, DAY + timedelta(days=1)), world, first)
    client, csrf = _signed_in(services, world.patient_a)
    body = client.get(f"/api/v1/patients/{world.record_a.id}/safety").json()
    assert body["open"] and body["reviews"]
    assert all(f["clinician_action"] is None for o in body["open"] for f in o["flags"])
    assert all(r["action_taken"] is None for r in body["reviews"])
    assert "MRI normal" not in str(body)
    clinician, _ = _signed_in(services, world.clinician_a)
    seen = clinician.get(f"/api/v1/patients/{world.record_a.id}/safety").json()
    assert seen["reviews"][0]["action_taken"] == "Seen today; MRI normal."
    assert seen["open"][0]["flags"][0]["clinician_action"]
