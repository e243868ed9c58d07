"""One test per red-flag rule that it fires, and one that it does not (the rule's own
examples in content/redflags.yaml), plus the promises every rule keeps."""

from __future__ import annotations

import pytest

from painpath.catalog import get_catalog
from painpath.core.questionnaire import validate_answers
from painpath.core.screening import screen
from painpath.core.statements import Tier

CATALOG = get_catalog()
RULES = CATALOG.redflags.rules


def _fired(answers: dict) -> frozenset[str]:
    clean, problems = validate_answers(CATALOG.checkin, answers, complete=False)
    assert not problems, problems
    return screen(clean, CATALOG.redflags, CATALOG.checkin.items).fired


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_fires_on_its_examples(rule):
    for answers in rule.examples.fires:
        assert rule.id in _fired(answers), answers


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_does_not_fire_on_its_counter_examples(rule):
    for answers in rule.examples.does_not_fire:
        assert rule.id not in _fired(answers), answers


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_says_what_to_do_and_how_fast_in_words(rule):
    # The schema makes these fields present; this checks they say something.
    assert len(rule.action.split()) >= 5 and rule.timeframe.strip()
    assert len(rule.clinician_action.split()) >= 5


def test_no_answers_means_no_flags_but_never_an_all_clear():
    result = screen({}, CATALOG.redflags, CATALOG.checkin.items)
    assert result.flags == () and result.highest_tier is None and not result.stop
    (net,) = [s for s in result.statements if s.kind == "safety_net"]
    assert "not an all-clear" in net.text
    assert "ask these questions again" in net.text


def test_no_rule_text_claims_to_clear_anyone():
    words = ("all clear", "you are fine", "nothing serious", "ruled out", "rule out any")
    for rule in RULES:
        text = f"{rule.title} {rule.action}".lower()
        assert not any(w in text for w in words), rule.id


def test_emergency_outranks_everything_and_stops_the_checkin():
    answers = {"region": "back", "saddle_numbness": True, "age": 64, "duration": "over_12_weeks"}
    result = screen(answers, CATALOG.redflags, CATALOG.checkin.items)
    assert result.highest_tier is Tier.emergency and result.stop
    assert result.flags[0].tier is Tier.emergency
    assert {"ces_saddle_numbness", "myeloma_persistent_pain_over_60"} <= result.fired


def test_cancer_history_with_new_neurology_is_an_emergency_not_just_urgent():
    alone = screen(
        {"region": "back", "cancer_history": True}, CATALOG.redflags, CATALOG.checkin.items
    )
    assert alone.highest_tier is Tier.urgent
    with_neuro = screen(
        {"region": "back", "cancer_history": True, "leg_weakness": "steady"},
        CATALOG.redflags,
        CATALOG.checkin.items,
    )
    assert with_neuro.highest_tier is Tier.emergency


def test_safety_net_alone_does_not_stop_the_checkin():
    result = screen({"region": "back", "age": 58}, CATALOG.redflags, CATALOG.checkin.items)
    assert result.highest_tier is Tier.safety_net and not result.stop
