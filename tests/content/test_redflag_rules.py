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


# --- issue 15: known conditions that make new pain dangerous, and the morning re-check ---


def _tier(answers: dict) -> str | None:
    clean, problems = validate_answers(CATALOG.checkin, answers, complete=False)
    assert not problems, problems
    tier = screen(clean, CATALOG.redflags, CATALOG.checkin.items).highest_tier
    return tier.value if tier else None


@pytest.mark.parametrize("pain_change", ["new", "changed", None])
@pytest.mark.parametrize("pain_now", [1, 9])
def test_a_known_aneurysm_with_new_pain_is_an_emergency_whatever_its_severity(
    pain_change, pain_now
):
    answers = {
        "age": 70,
        "sex": "male",
        "region": "back",
        "sudden_severe_pain": False,
        "pain_now": pain_now,
        **({"pain_change": pain_change} if pain_change else {}),
    }
    no_aneurysm = {k: v for k, v in answers.items() if k != "pain_change"}
    assert _tier({**no_aneurysm, "known_aneurysm": False}) != "EMERGENCY"
    aneurysm = {**answers, "known_aneurysm": True}
    assert _tier(aneurysm) == "EMERGENCY"
    assert "aortic_aneurysm_known_new_pain" in _fired(aneurysm)


@pytest.mark.parametrize(
    "contradiction",
    [
        {"duration": "under_2_weeks"},
        {"duration": "2_to_6_weeks"},
        {"duration": "over_12_weeks", "course": "worse"},
        {"fainting": True},
    ],
)
def test_unchanged_pain_with_a_known_aneurysm_does_not_outweigh_the_other_answers(
    contradiction,
):
    calm = {
        "age": 55,
        "sex": "male",
        "region": "back",
        "known_aneurysm": True,
        "pain_change": "unchanged",
        "duration": "6_to_12_weeks",
        "course": "better",
        "fainting": False,
    }
    assert _tier(calm) == "SAFETY-NET"
    assert _tier({**calm, **contradiction}) == "EMERGENCY"


@pytest.mark.parametrize(
    ("known", "new_pain", "tier"),
    [
        (
            {"region": "hip", "hip_replacement": True, "fever": True, "pain_change": "unchanged"},
            {},
            "EMERGENCY",
        ),
        ({"region": "hip", "hip_replacement": True}, {"pain_change": "new"}, "URGENT"),
        (
            {"region": "back", "osteoporosis": True, "pain_areas": ["upper_back"]},
            {"pain_change": "new"},
            "URGENT",
        ),
        ({"region": "back", "steroid_use": True}, {"pain_change": "changed"}, "URGENT"),
        ({"region": "back", "age": 45, "cancer_history": True}, {}, "URGENT"),
    ],
)
def test_no_known_condition_waits_for_the_pain_to_be_severe(known, new_pain, tier):
    # The same shape as the aneurysm: the known condition plus new pain is enough, with
    # no sudden or severe pain and no injury.
    base = {"age": 45, "sex": "female", "sudden_severe_pain": False, "trauma": "none"}
    assert _tier({**base, **known, **new_pain}) == tier


@pytest.mark.parametrize("age", range(9, 17))
@pytest.mark.parametrize("limp", [True, False])
def test_a_painful_hip_at_9_to_16_is_seen_the_same_day_whatever_the_weight(age, limp):
    # Why the SCFE rules need no body weight: every young person with a painful hip is
    # already URGENT (same-day X-ray) or, with a limp, EMERGENCY.
    answers = {
        "age": age,
        "region": "hip",
        "limp": limp,
        "cannot_bear_weight": False,
        "leg_short_turned_out": False,
    }
    assert _tier(answers) == ("EMERGENCY" if limp else "URGENT")
    scfe = next(r for r in RULES if r.id == "scfe_suspected")
    assert "Body weight is not asked" in (scfe.implementation_choice or "")


@pytest.mark.parametrize(
    ("numbness", "tier", "rule"),
    [
        ("both_legs", "EMERGENCY", "ces_bilateral_leg_symptoms"),
        (
            {"leg_numbness": "both_legs", "leg_numbness_onset": "recent"},
            "EMERGENCY",
            "ces_bilateral_leg_symptoms",
        ),
        (
            {"leg_numbness": "both_legs", "leg_numbness_onset": "worsening"},
            "EMERGENCY",
            "ces_bilateral_leg_symptoms",
        ),
        (
            {"leg_numbness": "both_legs", "leg_numbness_onset": "long_standing"},
            "SAFETY-NET",
            "bilateral_numbness_long_standing",
        ),
        ("one_leg_spreading", "URGENT", "spreading_leg_numbness"),
        ("one_leg", "SAFETY-NET", "sciatica_safety_net"),
    ],
)
def test_leg_numbness_is_heard(numbness, tier, rule):
    said = numbness if isinstance(numbness, dict) else {"leg_numbness": numbness}
    answers = {"age": 40, "region": "back", **said}
    assert _tier(answers) == tier and rule in _fired(answers)


SIGNS = CATALOG.redflags.recheck.signs


@pytest.mark.parametrize("sign", SIGNS, ids=[s.id for s in SIGNS])
@pytest.mark.parametrize("region", ["back", "hip"])
def test_every_morning_warning_sign_routes_to_a_human_with_a_tier_and_a_timeframe(sign, region):
    from painpath.core.screening import recheck

    # A sign asked only of some people is tried on such a person.
    who = {"known_aneurysm": True} if sign.ask_when is not None else {}
    flags = recheck(
        {"age": 50, "sex": "male", "region": region, **who},
        [sign.id],
        CATALOG.redflags,
        CATALOG.checkin.items,
    )
    top = flags[0]
    # Judged by a rule, or (no rule for it in this person) the fallback naming the sign.
    if top.rule == "recheck_fallback":
        assert top.answers == (sign.text,)
    else:  # a rule's flag says which of the person's answers raised it
        assert sign.answers and top.answers
    assert CATALOG.redflags.tiers[top.tier].stops_checkin
    assert top.action and top.timeframe and top.reasons and top.sources


def test_a_morning_sign_is_judged_with_what_still_holds_from_the_checkin():
    from painpath.core.screening import recheck

    # Sudden severe pain in someone with a known aneurysm: the aneurysm rule, not the
    # general "sudden pain" one.
    context = {
        "age": 72,
        "sex": "male",
        "region": "back",
        "known_aneurysm": True,
        "pain_change": "unchanged",
    }
    flags = recheck(context, ["sudden_severe_pain"], CATALOG.redflags, CATALOG.checkin.items)
    assert flags[0].tier is Tier.emergency
    assert {"aortic_aneurysm_suspected", "aortic_aneurysm_known_new_pain"} & {f.rule for f in flags}
