"""build_programme(): one test per selection rule, and properties every programme keeps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.catalog import get_catalog
from painpath.core.pathway import ProgrammeInputs
from painpath.core.programs import build_programme

CATALOG = get_catalog()
LIBRARY = CATALOG.exercises
RULES = CATALOG.programme_rules


def inputs(**changes) -> ProgrammeInputs:
    base = dict(
        region="back",
        age=40,
        irritability="low",
        leg_symptoms=False,
        balance_concern=False,
        chair_based=False,
        sitting_hours=3,
        sport=None,
        playing_through_pain=False,
        activities_liked=(),
        equipment=(),
        minutes_per_day=20,
    )
    return ProgrammeInputs(**{**base, **changes})


def plan(**changes):
    return build_programme(inputs(**changes), LIBRARY, RULES, CATALOG.version)


def ids(programme) -> set[str]:
    return {c.exercise for c in programme.items}


def test_every_choice_carries_reasons_and_sources():
    for choice in plan(sitting_hours=9, activities_liked=("walking",)).items:
        assert choice.reasons and choice.sources
        assert all(s in CATALOG.references for s in choice.sources)


def test_irritable_hip_leaves_out_impact_and_says_so_for_a_runner():
    programme = plan(region="hip", irritability="moderate", activities_liked=("running",))
    assert all("high_impact" not in LIBRARY[i].cautions for i in ids(programme))
    (running,) = [x for x in programme.left_out if x.exercise == "running"]
    assert "walking, cycling or swimming" in running.reason


def test_running_is_not_mentioned_when_the_hip_is_calm():
    programme = plan(region="hip", irritability="low", activities_liked=("running",))
    assert not [x for x in programme.left_out if x.exercise == "running"]


def test_chair_based_programme_is_all_seated_and_explains_what_was_left_out():
    programme = plan(region="hip", chair_based=True, age=78)
    assert programme.items
    assert all(LIBRARY[i].position.value == "seated" for i in ids(programme))
    assert any(x.rule == "chair_based" for x in programme.left_out)


def test_balance_concern_leaves_out_one_leg_work():
    programme = plan(region="hip", balance_concern=True, sport="football")
    assert all("balance_demand" not in LIBRARY[i].cautions for i in ids(programme))


def test_long_sitting_brings_in_hip_flexor_stretch_and_glute_work():
    programme = plan(region="back", sitting_hours=9)
    chosen = ids(programme)
    assert chosen & {"hip_flexor_stretch_standing", "hip_flexor_stretch_kneeling"} or any(
        "hip flexor" in " ".join(c.reasons) for c in programme.items
    )
    assert chosen & {"glute_bridge", "glute_bridge_small", "standing_hip_extension"}


def test_sport_brings_in_functional_patterns():
    programme = plan(region="hip", sport="football")
    functional = {
        "box_squat",
        "bodyweight_squat",
        "split_squat",
        "supported_split_squat",
        "step_up_low",
        "step_up",
        "reverse_lunge",
    }
    assert ids(programme) & functional


def test_missing_equipment_leaves_exercises_out_with_the_reason():
    programme = plan(activities_liked=("cycling",))
    assert "cycling_stationary" not in ids(programme)
    (bike,) = [x for x in programme.left_out if x.exercise == "cycling_stationary"]
    assert "exercise bike" in bike.reason
    assert "cycling_stationary" in ids(
        plan(activities_liked=("cycling",), equipment=("exercise_bike",))
    )


def test_no_pool_means_no_water_exercise():
    programme = plan(region="hip", activities_liked=("swimming",))
    assert not ids(programme) & {"swimming", "water_walking", "water_exercise_hip"}
    with_pool = plan(region="hip", activities_liked=("swimming",), equipment=("pool",))
    assert ids(with_pool) & {"swimming", "water_walking", "water_exercise_hip"}


def test_high_irritability_starts_at_the_gentlest_level_without_weights():
    programme = plan(irritability="high")
    assert programme.max_level == 1
    assert all(LIBRARY[i].level <= 1 for i in ids(programme))
    assert all("external_load" not in LIBRARY[i].cautions for i in ids(programme))


def test_older_adults_get_the_older_adult_dose():
    programme = plan(age=72)
    for choice in programme.items:
        older = LIBRARY[choice.exercise].older_adult_dosage
        if older is not None:
            assert choice.dosage == older


def test_time_available_sets_the_programme_length():
    assert len(plan(minutes_per_day=10).items) == 3
    assert len(plan(minutes_per_day=60).items) >= 5


regions = st.sampled_from(["back", "hip", "both"])
likes = st.lists(
    st.sampled_from(["walking", "cycling", "swimming", "running", "yoga"]), unique=True
)
kit = st.lists(
    st.sampled_from(["mat", "chair", "step", "dumbbells", "band", "exercise_bike", "pool"]),
    unique=True,
)


@settings(max_examples=150)
@given(
    region=regions,
    age=st.integers(16, 95),
    irritability=st.sampled_from(["low", "moderate", "high"]),
    balance=st.booleans(),
    chair=st.booleans(),
    sitting=st.integers(0, 16),
    liked=likes,
    equipment=kit,
    minutes=st.integers(5, 120),
)
def test_programme_properties(
    region, age, irritability, balance, chair, sitting, liked, equipment, minutes
):
    made = inputs(
        region=region,
        age=age,
        irritability=irritability,
        balance_concern=balance,
        chair_based=chair,
        sitting_hours=sitting,
        activities_liked=tuple(liked),
        equipment=tuple(equipment),
        minutes_per_day=minutes,
    )
    programme = build_programme(made, LIBRARY, RULES, CATALOG.version)
    again = build_programme(made, LIBRARY, RULES, CATALOG.version)
    assert programme == again  # deterministic
    assert len(programme.items) <= RULES.session.max_exercises
    assert len(ids(programme)) == len(programme.items)  # no exercise twice
    facts = programme.facts
    for rule in RULES.leave_out:
        if rule.when.holds(facts, frozenset()):
            for ex_id in ids(programme):
                ex = LIBRARY[ex_id]
                assert not set(ex.cautions) & set(rule.cautions), (rule.id, ex_id)
                assert ex.position not in rule.positions, (rule.id, ex_id)
    for ex_id in ids(programme):
        assert LIBRARY[ex_id].level <= programme.max_level
