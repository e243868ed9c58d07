"""emergency_settled(): an emergency stops the check-in at once, unless it rests on a
same-step follow-up question not asked yet (then that question comes first)."""

from __future__ import annotations

from painpath.catalog import get_catalog
from painpath.core.screening import emergency_settled

CATALOG = get_catalog()
ITEMS = CATALOG.checkin.items


def test_an_emergency_that_rests_on_an_unasked_follow_up_waits_for_it():
    # "Is this pain new?" decides a known aneurysm: ask it before stopping.
    answers = {"age": 70, "region": "back", "known_aneurysm": True}
    assert not emergency_settled(answers, CATALOG.redflags, [ITEMS["pain_change"]])
    assert emergency_settled(answers, CATALOG.redflags, [])  # nothing left to ask


def test_an_emergency_that_holds_whatever_the_follow_up_says_stops_at_once():
    # A child's fever is an emergency whatever the thermometer said.
    answers = {"age": 6, "region": "hip", "fever": True}
    assert emergency_settled(answers, CATALOG.redflags, [ITEMS["temperature_c"]])
    # And an emergency elsewhere on the page does not wait for an unrelated follow-up.
    answers = {"age": 70, "region": "back", "known_aneurysm": True, "bladder_change": True}
    assert emergency_settled(answers, CATALOG.redflags, [ITEMS["pain_change"]])


def test_no_emergency_is_never_settled():
    assert not emergency_settled({"age": 40, "region": "back"}, CATALOG.redflags, [])
