"""Instrument scoring, checked the way a clinician checks a scoring sheet.

Every expected number here is worked out by hand from clinical-spec §§1–5 and §10, or
comes from published worked examples and external scoring vectors; none is read back
from painpath's own code or metadata."""

from __future__ import annotations

import csv
import itertools
import math

import pytest

from painpath.catalog import get_catalog
from painpath.core.instruments import InstrumentInputError, Score
from tests.conftest import missing, shared_dir

VECTORS_DIR = shared_dir() / "data/eval/scoring-vectors"
ODI_VECTOR_COLUMNS = (
    "pain",
    "personalCare",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sexLife",
    "socialLife",
    "travelling",
)  # sections 1..10 in published order


def instrument(name: str):
    return get_catalog().instruments[name]


def bad_items(name: str, responses, options=None) -> set[str]:
    with pytest.raises(InstrumentInputError) as caught:
        instrument(name).score(responses, options)
    return {p.item for p in caught.value.problems}


def sections(*codes) -> dict[str, int]:
    """ODI sections 1..n in order; None leaves a section unanswered."""
    return {str(n): c for n, c in enumerate(codes, start=1) if c is not None}


# --- Oswestry Disability Index (spec §2.2) -------------------------------------------------


def test_odi_worked_example_16_of_50_is_32_percent():
    score = instrument("odi").score(sections(2, 2, 2, 2, 2, 2, 1, 1, 1, 1))
    assert score.value == 32.0
    assert score.status == "complete"
    assert score.details["numerator"] == 16
    assert score.details["denominator"] == 50


def test_odi_one_section_missing_divides_by_45_not_50():
    # Sex life (section 8) left blank: 16 / 45 × 100 = 35.55…%; the standard scoring
    # sheet prints this as 35.5% (cut, not rounded, to one decimal).
    score = instrument("odi").score(sections(2, 2, 2, 2, 2, 2, 1, None, 2, 1))
    assert score.value == pytest.approx(100 * 16 / 45)
    assert math.floor(score.value * 10) / 10 == 35.5
    assert score.details["numerator"] == 16
    assert score.details["denominator"] == 45
    assert score.missing == ("8",)


def test_odi_two_boxes_ticked_in_a_section_scores_the_higher():
    one_box = instrument("odi").score(sections(2, 2, 4, 2, 2, 2, 1, 1, 1, 1))
    two_boxes = instrument("odi").score(sections(2, 2, [1, 4], 2, 2, 2, 1, 1, 1, 1))
    from_csv = instrument("odi").score(sections(2, 2, "4|1", 2, 2, 2, 1, 1, 1, 1))
    assert two_boxes.value == one_box.value == from_csv.value == 36.0
    assert any("two boxes" in note for note in two_boxes.notes)


def test_odi_eight_sections_answered_is_enough_for_a_score():
    score = instrument("odi").score(sections(3, 3, 3, 3, 3, 3, 3, 3))
    assert score.value == 60.0
    assert score.details["denominator"] == 40


def test_odi_fewer_than_8_sections_answered_gives_no_score():
    score = instrument("odi").score(sections(3, 3, 3, 3, 3, 3, 3))
    assert score.value is None
    assert score.status == "incomplete"
    assert set(score.missing) == {"8", "9", "10"}
    # The arithmetic is still shown so a clinician can see why.
    assert score.details["numerator"] == 21
    assert score.details["denominator"] == 35


def _odi_vector_rows():
    rows = []
    for name in ("odi_eng.csv", "odi_fr.csv"):
        path = VECTORS_DIR / name
        if not path.exists():
            return [pytest.param(None, id="scoring-vectors-not-found")]
        with path.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                if not any((v or "").strip() for v in row.values()):
                    continue  # blank trailing rows
                rows.append(pytest.param(row, id=f"{name}:line{number}:{row['id']}"))
    return rows


@pytest.mark.parametrize("row", _odi_vector_rows())
def test_odi_matches_external_scoring_vectors(row):
    if row is None:
        missing(
            "ODI scoring vectors",
            f"{VECTORS_DIR} not found (set PAINPATH_SHARED_DIR to the shared folder)",
        )
    responses = {
        str(n): row[col].strip()
        for n, col in enumerate(ODI_VECTOR_COLUMNS, start=1)
        if row[col].strip() != ""
    }
    score = instrument("odi").score(responses)
    assert score.details["numerator"] == int(row["numerator"])
    assert score.details["denominator"] == int(row["denominator"])
    # The vectors score with as few as 4 sections; painpath needs 8 of 10 (spec §2.2).
    if len(responses) >= 8:
        assert score.value == pytest.approx(float(row["oswestry"]))
    else:
        assert score.value is None
        assert score.status == "incomplete"


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "minimal disability"),
        (20, "minimal disability"),
        (20.5, "moderate disability"),
        (21, "moderate disability"),
        (35.5, "moderate disability"),
        (40, "moderate disability"),
        (40.5, "severe disability"),
        (60, "severe disability"),
        (61, "crippled"),
        (80, "crippled"),
        (80.5, "bed-bound or exaggerating"),
        (100, "bed-bound or exaggerating"),
    ],
)
def test_odi_fairbank_bands(percent, band):
    odi = instrument("odi")
    assert odi.interpret(Score("odi", percent, "complete", "fairbank-2000")).band == band


def test_odi_band_of_a_scored_form():
    odi = instrument("odi")
    assert odi.interpret(odi.score(sections(2, 2, 2, 2, 2, 2, 1, 1, 1, 1))).band == (
        "moderate disability"
    )
    assert odi.interpret(odi.score(sections(0, 0, 1, 0, 0, 1, 0, 0, 0, 0))).band == (
        "minimal disability"
    )


def test_odi_without_a_score_has_no_band():
    odi = instrument("odi")
    reading = odi.interpret(odi.score(sections(3, 3, 3)))
    assert reading.band is None
    assert reading.change is None


# --- Keele STarT Back (spec §1) ------------------------------------------------------------


def keele_start_back(agree: tuple[int, ...], bothersomeness: int) -> tuple[int, int, str]:
    """Written from Keele's 'Using & scoring' page as restated in spec §1.

    agree: items 1-8 (0 disagree, 1 agree); bothersomeness: item 9, 0 'Not at all' to
    4 'Extremely'. Returns (overall score, distress subscale, risk group)."""
    leg, elsewhere, dressing, walking, fear, anxiety, catastrophising, mood = agree
    very_bothered = bothersomeness in (3, 4)  # "Very much" or "Extremely"
    overall = sum(agree) + (1 if very_bothered else 0)
    distress = fear + anxiety + catastrophising + mood + (1 if very_bothered else 0)
    if distress >= 4:
        return overall, distress, "high"
    if overall <= 3:
        return overall, distress, "low"
    return overall, distress, "medium"


def test_sbst_all_1280_answer_combinations_match_keele_scoring():
    sbst = instrument("sbst")
    wrong = []
    combinations = 0
    for agree in itertools.product((0, 1), repeat=8):
        for bother in range(5):
            combinations += 1
            responses = {str(n): v for n, v in enumerate(agree, start=1)} | {"9": bother}
            score = sbst.score(responses)
            overall, distress, group = keele_start_back(agree, bother)
            got = (score.value, score.subscales.get("psychosocial"), score.category)
            if got != (overall, distress, group) or score.status != "complete":
                wrong.append((agree, bother, got, (overall, distress, group)))
    assert combinations == 2**8 * 5
    assert wrong == []


@pytest.mark.parametrize(
    ("bother", "counts"),
    [(0, False), (1, False), (2, False), (3, True), (4, True)],
    ids=["not at all", "slightly", "moderately", "very much", "extremely"],
)
def test_sbst_bothersomeness_counts_only_for_very_much_or_extremely(bother, counts):
    score = instrument("sbst").score({str(n): 0 for n in range(1, 9)} | {"9": bother})
    assert score.value == (1 if counts else 0)
    assert score.subscales["psychosocial"] == (1 if counts else 0)


def test_sbst_total_3_is_low_risk_and_total_4_is_medium():
    sbst = instrument("sbst")
    three = sbst.score({"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0, "7": 0, "8": 0, "9": 0})
    four = sbst.score({"1": 1, "2": 1, "3": 1, "4": 1, "5": 0, "6": 0, "7": 0, "8": 0, "9": 0})
    assert (three.value, three.category) == (3, "low")
    assert (four.value, four.category) == (4, "medium")


def test_sbst_distress_subscale_of_4_is_high_risk_even_with_total_4():
    score = instrument("sbst").score(
        {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1, "6": 1, "7": 1, "8": 0, "9": 4}
    )
    assert (score.value, score.subscales["psychosocial"], score.category) == (4, 4, "high")


def test_sbst_distress_subscale_of_3_with_total_9_minus_bother_is_medium():
    score = instrument("sbst").score(
        {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1, "6": 1, "7": 1, "8": 0, "9": 2}
    )
    assert (score.value, score.subscales["psychosocial"], score.category) == (7, 3, "medium")


@pytest.mark.parametrize("left_out", [str(n) for n in range(1, 10)])
def test_sbst_any_missing_item_gives_no_risk_group(left_out):
    responses = {str(n): 1 for n in range(1, 9)} | {"9": 4}
    del responses[left_out]
    score = instrument("sbst").score(responses)
    assert score.value is None
    assert score.category is None
    assert score.status == "incomplete"
    assert score.missing == (left_out,)
    assert instrument("sbst").interpret(score).band is None


def test_sbst_two_answers_to_one_item_are_refused():
    responses = {str(n): 0 for n in range(1, 9)} | {"9": [1, 3]}
    assert bad_items("sbst", responses) == {"9"}


# --- Roland-Morris (spec §2.1, §10) --------------------------------------------------------


def rmdq_ticks(n: int) -> Score:
    """A checklist form with the first n statements ticked."""
    return instrument("rmdq").score({str(i): 1 for i in range(1, n + 1)}, {"format": "checklist"})


def test_rmdq_checklist_counts_ticks_and_unticked_statements_score_0():
    score = instrument("rmdq").score({"2": 1, "7": 1, "13": 1, "24": 1}, {"format": "checklist"})
    assert score.value == 4.0
    assert score.status == "complete"


def test_rmdq_checklist_with_nothing_ticked_scores_0():
    score = instrument("rmdq").score({}, {"format": "checklist"})
    assert score.value == 0.0
    assert score.status == "complete"


def test_rmdq_yes_no_counts_yes_answers():
    responses = {str(i): (1 if i % 3 == 0 else 0) for i in range(1, 25)}
    assert instrument("rmdq").score(responses, {"format": "yes_no"}).value == 8.0


def test_rmdq_yes_no_with_a_blank_answer_is_incomplete_and_not_prorated():
    responses = {str(i): 1 for i in range(1, 25)}
    del responses["17"]
    for options in ({"format": "yes_no"}, {}):  # yes/no is the default
        score = instrument("rmdq").score(responses, options)
        assert score.value is None
        assert score.status == "incomplete"
        assert score.missing == ("17",)


def test_rmdq_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        instrument("rmdq").score({}, {"format": "paper"})


def change_label(name: str, baseline: Score, follow_up: Score) -> str:
    reading = instrument(name).interpret(follow_up, baseline=baseline)
    assert reading.change is not None
    return reading.change.label


def test_rmdq_5_point_improvement_is_clinically_important_even_under_30_percent():
    # 20 -> 15: 5 points, 25%.
    assert change_label("rmdq", rmdq_ticks(20), rmdq_ticks(15)) == (
        "clinically important improvement"
    )


def test_rmdq_30_percent_improvement_is_clinically_important_even_under_5_points():
    # 12 -> 8: 4 points (= MDC), 33%.
    assert change_label("rmdq", rmdq_ticks(12), rmdq_ticks(8)) == (
        "clinically important improvement"
    )


def test_rmdq_4_points_and_under_30_percent_is_a_small_improvement():
    # 20 -> 16: 4 points, 20%.
    assert change_label("rmdq", rmdq_ticks(20), rmdq_ticks(16)) == "small improvement"


def test_rmdq_3_point_change_is_within_measurement_error():
    # 10 -> 7 is 30%, but 3 points is under the MDC of 4, so it may be noise.
    assert change_label("rmdq", rmdq_ticks(10), rmdq_ticks(7)) == "no reliable change"


def test_rmdq_baseline_under_4_cannot_show_improvement():
    assert change_label("rmdq", rmdq_ticks(3), rmdq_ticks(0)) == (
        "cannot show improvement from this baseline"
    )
    # 4 is not under 4: a fall to 0 is a reliable, important improvement.
    assert change_label("rmdq", rmdq_ticks(4), rmdq_ticks(0)) == (
        "clinically important improvement"
    )


def test_rmdq_baseline_under_4_can_still_show_deterioration():
    assert change_label("rmdq", rmdq_ticks(3), rmdq_ticks(8)) == (
        "clinically important deterioration"
    )


def test_rmdq_baseline_over_20_cannot_show_deterioration():
    assert change_label("rmdq", rmdq_ticks(21), rmdq_ticks(24)) == (
        "cannot show deterioration from this baseline"
    )
    # 20 is not over 20: a 4-point rise is reliable but under the MCID.
    assert change_label("rmdq", rmdq_ticks(20), rmdq_ticks(24)) == "possible deterioration"


def test_rmdq_baseline_over_20_can_still_show_improvement():
    assert change_label("rmdq", rmdq_ticks(21), rmdq_ticks(16)) == (
        "clinically important improvement"
    )


# --- HOOS (spec §3.1) ----------------------------------------------------------------------

HOOS_ITEMS = {
    "symptoms": [f"S{i}" for i in range(1, 6)],
    "pain": [f"P{i}" for i in range(1, 11)],
    "adl": [f"A{i}" for i in range(1, 18)],
    "sport_recreation": [f"SP{i}" for i in range(1, 5)],
    "qol": [f"Q{i}" for i in range(1, 5)],
}
HOOS_MINIMUM_2013 = {"pain": 5, "symptoms": 3, "adl": 9, "sport_recreation": 2, "qol": 2}


def all_hoos(code: int = 1) -> dict[str, int]:
    return {item: code for items in HOOS_ITEMS.values() for item in items}


def test_hoos_each_subscale_is_100_minus_mean_over_4_times_100():
    responses = {}
    responses |= dict(zip(HOOS_ITEMS["symptoms"], [1, 1, 1, 1, 2], strict=True))  # mean 1.2
    responses |= {item: 0 for item in HOOS_ITEMS["pain"]} | {"P1": 4}  # mean 0.4
    responses |= {item: 2 for item in HOOS_ITEMS["adl"]}  # mean 2
    responses |= dict(zip(HOOS_ITEMS["sport_recreation"], [4, 4, 4, 0], strict=True))  # mean 3
    responses |= {item: 4 for item in HOOS_ITEMS["qol"]}  # mean 4
    score = instrument("hoos").score(responses)
    assert score.subscales == pytest.approx(
        {"symptoms": 70.0, "pain": 90.0, "adl": 50.0, "sport_recreation": 25.0, "qol": 0.0}
    )
    assert score.status == "complete"


def test_hoos_no_problems_scores_100_and_extreme_problems_score_0():
    assert set(instrument("hoos").score(all_hoos(0)).subscales.values()) == {100.0}
    assert set(instrument("hoos").score(all_hoos(4)).subscales.values()) == {0.0}


def test_hoos_subscales_are_never_summed_into_a_total():
    score = instrument("hoos").score(all_hoos(2))
    assert score.status == "complete"
    assert score.value is None
    assert len(score.subscales) == 5


@pytest.mark.parametrize("subscale", sorted(HOOS_MINIMUM_2013))
def test_hoos_2013_exactly_the_minimum_answered_is_scored(subscale):
    minimum = HOOS_MINIMUM_2013[subscale]
    responses = all_hoos(1)
    kept = HOOS_ITEMS[subscale][:minimum]
    for item in HOOS_ITEMS[subscale]:
        responses[item] = 3 if item in kept else None
    score = instrument("hoos").score(responses, {"rule_version": "2013"})
    assert score.subscales[subscale] == pytest.approx(25.0)  # mean 3 of those answered
    assert score.status == "complete"


@pytest.mark.parametrize("subscale", sorted(HOOS_MINIMUM_2013))
def test_hoos_2013_one_fewer_than_the_minimum_is_not_scored(subscale):
    minimum = HOOS_MINIMUM_2013[subscale]
    responses = all_hoos(1)
    for item in HOOS_ITEMS[subscale][minimum - 1 :]:
        del responses[item]
    score = instrument("hoos").score(responses, {"rule_version": "2013"})
    assert score.subscales[subscale] is None
    assert score.status == "partial"
    others = {k: v for k, v in score.subscales.items() if k != subscale}
    assert set(others.values()) == {75.0}  # the other subscales stand on their own


@pytest.mark.parametrize(("subscale", "needed"), [("pain", 8), ("adl", 15)])
def test_hoos_pre_2013_rule_allows_only_2_missing(subscale, needed):
    enough = all_hoos(1)
    for item in HOOS_ITEMS[subscale][needed:]:
        del enough[item]
    too_few = dict(enough)
    del too_few[HOOS_ITEMS[subscale][0]]
    hoos = instrument("hoos")
    assert hoos.score(enough, {"rule_version": "pre-2013"}).subscales[subscale] == 75.0
    assert hoos.score(too_few, {"rule_version": "pre-2013"}).subscales[subscale] is None
    # The same answers pass the more lenient 2013 rule.
    assert hoos.score(too_few, {"rule_version": "2013"}).subscales[subscale] == 75.0


def test_hoos_rule_version_is_stored_with_the_score():
    hoos = instrument("hoos")
    assert hoos.score(all_hoos()).rule_version == "2013"  # the default
    assert hoos.score(all_hoos(), {"rule_version": "2013"}).rule_version == "2013"
    assert hoos.score(all_hoos(), {"rule_version": "pre-2013"}).rule_version == "pre-2013"


def test_hoos_unknown_rule_version_is_refused():
    with pytest.raises(ValueError, match="rule_version"):
        instrument("hoos").score(all_hoos(), {"rule_version": "2030"})


def test_hoos_two_boxes_marked_takes_the_more_severe():
    responses = {item: 0 for item in HOOS_ITEMS["pain"]} | {"P1": [1, 3]}
    score = instrument("hoos").score(responses)
    assert score.subscales["pain"] == pytest.approx(100 - (3 / 10) / 4 * 100)


def test_hoos_nothing_answered_is_incomplete():
    score = instrument("hoos").score({})
    assert score.status == "incomplete"
    assert set(score.subscales.values()) == {None}


def test_hoos_complete_form_is_not_reported_as_failing_the_missing_answer_rule():
    hoos = instrument("hoos")
    score = hoos.score(all_hoos(1))
    assert score.status == "complete"
    texts = [s.text for s in hoos.interpret(score).statements]
    assert not any("missing-answer rule was not met" in t for t in texts), texts


# --- HOOS-12 (spec §3.2) -------------------------------------------------------------------


def hoos12(pain=(1, 1, 1, 1), function=(1, 1, 1, 1), qol=(1, 1, 1, 1)) -> Score:
    responses = {}
    for prefix, codes in (("P", pain), ("F", function), ("Q", qol)):
        responses |= {f"{prefix}{n}": c for n, c in enumerate(codes, start=1) if c is not None}
    return instrument("hoos12").score(responses)


def test_hoos12_full_scale_is_100_minus_sum_over_16_times_100():
    assert hoos12(pain=(0, 1, 2, 3)).subscales["pain"] == pytest.approx(62.5)  # 6/16


def test_hoos12_one_missing_item_takes_the_persons_own_mean():
    # P1=1, P2=2, P3=4, P4 blank: mean 7/3 is filled in, sum = 7 + 7/3 = 28/3,
    # 100 - (28/3)/16 × 100 = 100 - 58.33 = 41.67.
    score = hoos12(pain=(1, 2, 4, None))
    assert score.subscales["pain"] == pytest.approx(41.6667, abs=1e-4)
    assert score.missing == ("P4",)


def test_hoos12_two_missing_items_are_still_scored():
    # F1=0, F2=4: mean 2 filled twice, sum 8, 100 - 8/16 × 100 = 50.
    assert hoos12(function=(0, 4, None, None)).subscales["function"] == pytest.approx(50.0)


def test_hoos12_fewer_than_2_answered_gives_no_scale_score():
    score = hoos12(qol=(3, None, None, None))
    assert score.subscales["qol"] is None
    assert score.subscales["pain"] == 75.0
    assert score.status == "partial"


def test_hoos12_summary_is_the_mean_of_the_three_scales():
    # pain 0,1,2,3 -> 62.5; function all 1 -> 75; qol all 4 -> 0; mean = 137.5/3
    score = hoos12(pain=(0, 1, 2, 3), qol=(4, 4, 4, 4))
    assert score.subscales == pytest.approx({"pain": 62.5, "function": 75.0, "qol": 0.0})
    assert score.value == pytest.approx(137.5 / 3)
    assert score.status == "complete"


def test_hoos12_summary_needs_all_three_scales():
    score = hoos12(function=(2, None, None, None))
    assert score.value is None
    assert score.subscales["pain"] == 75.0 and score.subscales["qol"] == 75.0


# --- HOOS JR (spec §3.3) -------------------------------------------------------------------


def hoos_jr(*codes: int | None) -> Score:
    return instrument("hoos_jr").score(
        {str(n): c for n, c in enumerate(codes, start=1) if c is not None}
    )


@pytest.mark.parametrize(
    ("codes", "raw", "interval"),
    [
        ((0, 0, 0, 0, 0, 0), 0, 100.0),
        ((2, 2, 2, 2, 2, 2), 12, 52.965),
        ((4, 4, 4, 0, 0, 0), 12, 52.965),
        ((4, 4, 4, 4, 4, 4), 24, 0.0),
        ((1, 0, 0, 0, 0, 0), 1, 92.340),
        ((4, 4, 4, 4, 4, 3), 23, 8.104),
    ],
)
def test_hoos_jr_uses_the_lyman_conversion_table(codes, raw, interval):
    score = hoos_jr(*codes)
    assert score.details["raw"] == raw
    assert score.value == pytest.approx(interval, abs=1e-9)
    assert score.status == "complete"


def test_hoos_jr_is_not_a_linear_transform_of_the_raw_sum():
    for codes, linear in [((2,) * 6, 50.0), ((1, 0, 0, 0, 0, 0), 100 - 1 / 24 * 100)]:
        assert hoos_jr(*codes).value != pytest.approx(linear, abs=0.5)


def test_hoos_jr_records_that_the_table_is_unverified():
    assert hoos_jr(1, 1, 1, 1, 1, 1).details["table_verified"] is False


@pytest.mark.parametrize("left_out", range(6))
def test_hoos_jr_needs_all_6_items(left_out):
    codes: list[int | None] = [1] * 6
    codes[left_out] = None
    score = hoos_jr(*codes)
    assert score.value is None
    assert score.status == "incomplete"
    assert score.missing == (str(left_out + 1),)


# --- HOOS-PS (spec §3.4) -------------------------------------------------------------------


def test_hoos_ps_reports_the_raw_sum_only_without_a_nomogram():
    score = instrument("hoos_ps").score({"1": 1, "2": 2, "3": 3, "4": 4, "5": 0})
    assert score.details["raw"] == 10
    assert score.value is None  # no conversion table is configured
    assert any("raw score only" in note for note in score.notes)


def test_hoos_ps_stores_the_scoring_direction():
    complete = instrument("hoos_ps").score({str(n): 2 for n in range(1, 6)})
    partial = instrument("hoos_ps").score({"1": 2})
    for score in (complete, partial):
        assert score.details["direction"] == "davis2008: 0 = no difficulty"


def test_hoos_ps_missing_item_gives_no_raw_sum():
    score = instrument("hoos_ps").score({"1": 2, "2": 2, "3": 2, "4": 2})
    assert score.value is None
    assert "raw" not in score.details
    assert score.missing == ("5",)


def test_hoos_ps_complete_form_is_not_reported_as_failing_the_missing_answer_rule():
    hoos_ps = instrument("hoos_ps")
    score = hoos_ps.score({str(n): 2 for n in range(1, 6)})
    texts = [s.text for s in hoos_ps.interpret(score).statements]
    assert not any("missing-answer rule was not met" in t for t in texts), texts


# --- Brief IPQ (spec §4.1) -----------------------------------------------------------------


def test_bipq_all_5s_total_40():
    score = instrument("bipq").score({str(n): 5 for n in range(1, 9)})
    assert score.value == 40.0
    assert score.status == "complete"


def test_bipq_items_3_4_and_7_are_reversed():
    # All 0: items 3, 4 and 7 each count 10 - 0 = 10, so the total is 30.
    assert instrument("bipq").score({str(n): 0 for n in range(1, 9)}).value == 30.0


def test_bipq_most_threatening_view_scores_80_and_least_scores_0():
    worst = {str(n): 10 for n in (1, 2, 5, 6, 8)} | {"3": 0, "4": 0, "7": 0}
    best = {str(n): 0 for n in (1, 2, 5, 6, 8)} | {"3": 10, "4": 10, "7": 10}
    assert instrument("bipq").score(worst).value == 80.0
    assert instrument("bipq").score(best).value == 0.0


def test_bipq_item_scores_are_reported_as_answered_not_reversed():
    responses = {"1": 7, "2": 9, "3": 2, "4": 3, "5": 6, "6": 8, "7": 1, "8": 5}
    score = instrument("bipq").score(responses)
    assert score.subscales == {k: float(v) for k, v in responses.items()}
    # 7 + 9 + 8 + 7 + 6 + 8 + 9 + 5
    assert score.value == 59.0


def test_bipq_item_scores_are_kept_when_the_total_cannot_be_given():
    score = instrument("bipq").score({"1": 7, "2": 9, "3": 2, "5": 6, "6": 8, "7": 1, "8": 5})
    assert score.value is None
    assert score.status == "partial"
    assert score.missing == ("4",)
    assert score.subscales == {"1": 7, "2": 9, "3": 2, "5": 6, "6": 8, "7": 1, "8": 5}


def test_bipq_nothing_answered_is_incomplete():
    score = instrument("bipq").score({})
    assert score.status == "incomplete"
    assert score.subscales == {}


def test_bipq_item_9_causes_are_free_text_and_not_scored():
    answers = {str(n): 5 for n in range(1, 9)}
    with_causes = instrument("bipq").score(answers | {"9": "  stress at work, lifting  "})
    assert with_causes.value == 40.0
    assert with_causes.details["causes"] == "stress at work, lifting"
    assert "9" not in with_causes.subscales
    assert instrument("bipq").score(answers).details["causes"] is None


def test_bipq_a_number_for_item_9_is_refused():
    assert bad_items("bipq", {str(n): 5 for n in range(1, 9)} | {"9": 3}) == {"9"}


def test_bipq_error_names_item_9_and_every_other_bad_item():
    responses = {"1": 11, "2": "x", "3": 5, "4": 5, "5": 5, "6": 5, "7": 5, "8": 5, "9": 3}
    assert bad_items("bipq", responses) == {"1", "2", "9"}


# --- LEFS (spec §3.5, §10) -----------------------------------------------------------------


def lefs_total(total: int) -> Score:
    """A complete LEFS whose items add up to `total` (0-80)."""
    codes = [min(4, max(0, total - 4 * i)) for i in range(20)]
    return instrument("lefs").score({str(n): c for n, c in enumerate(codes, start=1)})


def test_lefs_total_is_the_sum_of_20_items():
    responses = {str(n): n % 5 for n in range(1, 21)}  # 1,2,3,4,0 four times = 40
    assert instrument("lefs").score(responses).value == 40.0
    assert lefs_total(80).value == 80.0
    assert lefs_total(0).value == 0.0
    assert lefs_total(37).value == 37.0


def test_lefs_missing_item_gives_no_total():
    responses = {str(n): 3 for n in range(1, 20)}
    score = instrument("lefs").score(responses)
    assert score.value is None
    assert score.status == "incomplete"
    assert score.missing == ("20",)


def test_lefs_9_point_gain_is_clinically_important():
    assert change_label("lefs", lefs_total(40), lefs_total(49)) == (
        "clinically important improvement"
    )


def test_lefs_8_point_gain_is_within_measurement_error():
    assert change_label("lefs", lefs_total(40), lefs_total(48)) == "no reliable change"


def test_lefs_9_point_loss_is_clinically_important_deterioration():
    assert change_label("lefs", lefs_total(40), lefs_total(31)) == (
        "clinically important deterioration"
    )


# --- NPRS (spec §5.1, §10) -----------------------------------------------------------------


def nprs(value: int, time_frame: str = "now") -> Score:
    return instrument("nprs").score({"pain": value}, {"time_frame": time_frame})


@pytest.mark.parametrize(("baseline", "mcid"), [(1, 1), (4, 1), (5, 2), (7, 2), (8, 3), (10, 3)])
def test_nprs_mcid_depends_on_baseline(baseline, mcid):
    change = instrument("nprs").interpret(nprs(baseline - 1), baseline=nprs(baseline)).change
    assert change is not None
    assert change.mcid_points == mcid


@pytest.mark.parametrize(
    ("baseline", "follow_up", "label"),
    [
        # the same 2-point fall: important from 5-7, small from 8-10 (needs 3)
        (7, 5, "clinically important improvement"),
        (8, 6, "small improvement"),
        (9, 6, "clinically important improvement"),
        (10, 8, "small improvement"),
        (4, 2, "clinically important improvement"),
        # the same 2-point rise: important from 1-4 and 5-7, possible from 8-10
        (3, 5, "clinically important deterioration"),
        (5, 7, "clinically important deterioration"),
        (8, 10, "possible deterioration"),
        # 1 point is under the MDC of 2 whatever the baseline
        (4, 3, "no reliable change"),
        (2, 3, "no reliable change"),
    ],
)
def test_nprs_change_labels_use_the_baseline_dependent_mcid(baseline, follow_up, label):
    assert change_label("nprs", nprs(baseline), nprs(follow_up)) == label


@pytest.mark.parametrize("time_frame", ["now", "average_24h", "worst_24h"])
def test_nprs_time_frame_is_stored(time_frame):
    score = nprs(6, time_frame)
    assert score.value == 6.0
    assert score.details["time_frame"] == time_frame


def test_nprs_unknown_time_frame_is_refused():
    with pytest.raises(ValueError, match="time_frame"):
        nprs(6, "last_week")


def test_nprs_blank_is_incomplete():
    score = instrument("nprs").score({})
    assert (score.value, score.status, score.missing) == (None, "incomplete", ("pain",))


# --- PSFS (spec §5.2) ----------------------------------------------------------------------


def psfs(*ratings, names=None):
    names = names or [f"activity {n}" for n in range(1, len(ratings) + 1)]
    return {
        "activities": [
            {"activity": name, "score": rating} for name, rating in zip(names, ratings, strict=True)
        ]
    }


def test_psfs_score_is_the_mean_of_the_activity_ratings():
    score = instrument("psfs").score(psfs(3, 5, 8))
    assert score.value == pytest.approx(16 / 3)
    assert score.status == "complete"


def test_psfs_keeps_activity_names_for_re_rating():
    score = instrument("psfs").score(
        psfs(2, 6, 7, names=["  tying shoelaces ", "walking the dog", "gardening"])
    )
    assert [a["activity"] for a in score.details["activities"]] == [
        "tying shoelaces",
        "walking the dog",
        "gardening",
    ]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_psfs_accepts_1_to_5_activities(count):
    ratings = list(range(count))
    score = instrument("psfs").score(psfs(*ratings))
    assert score.value == pytest.approx(sum(ratings) / count)
    assert any("fewer than the usual 3" in n for n in score.notes) == (count < 3)


@pytest.mark.parametrize("count", [0, 6])
def test_psfs_refuses_no_activities_or_more_than_5(count):
    assert bad_items("psfs", psfs(*([5] * count))) == {"activities"}


def test_psfs_accepts_a_numeric_string_rating():
    assert instrument("psfs").score(psfs("7", " 3 ")).value == 5.0


def test_psfs_error_names_every_bad_activity():
    responses = {
        "activities": [
            {"activity": "stairs", "score": 4},
            {"activity": "running", "score": 11},
            {"activity": "", "score": 5},
            {"activity": "cycling", "score": True},
            {"activity": "lifting", "score": "seven"},
        ]
    }
    assert bad_items("psfs", responses) == {"activity 2", "activity 3", "activity 4", "activity 5"}
    assert bad_items("psfs", psfs(6.5, 3)) == {"activity 1"}
    assert bad_items("psfs", psfs(4) | {"pain": 3}) == {"pain"}


def test_psfs_superscript_digit_is_refused_as_bad_input():
    assert bad_items("psfs", psfs("²", 3)) == {"activity 1"}


# --- PROMIS Pain Interference 4a (spec §5.3) -----------------------------------------------

# Spec §5.3, raw 4..20 (UNVERIFIED table; raw 20 may be 75.8 in another version).
PROMIS_PI_4A = [41.6, 49.6, 52.0, 53.9, 55.6, 57.1, 58.5, 59.9, 61.2,
                62.5, 63.8, 65.2, 66.6, 68.0, 69.7, 71.6, 75.6]  # fmt: skip


def promis_raw(raw: int) -> dict[str, int]:
    """Four items (1-5 each) adding up to raw (4-20)."""
    extra = raw - 4
    return {str(n): 1 + min(4, max(0, extra - 4 * (n - 1))) for n in range(1, 5)}


def test_promis_pi_4a_raw_4_is_t_41_6_and_raw_20_is_t_75_6():
    promis = instrument("promis_pi_4a")
    assert promis.score({"1": 1, "2": 1, "3": 1, "4": 1}).value == 41.6
    assert promis.score({"1": 5, "2": 5, "3": 5, "4": 5}).value == 75.6


@pytest.mark.parametrize(("raw", "t_score"), list(zip(range(4, 21), PROMIS_PI_4A, strict=True)))
def test_promis_pi_4a_lookup_table(raw, t_score):
    score = instrument("promis_pi_4a").score(promis_raw(raw))
    assert score.details["raw"] == raw
    assert score.value == t_score
    assert score.details["table_verified"] is False


def test_promis_pi_4a_needs_all_4_items():
    score = instrument("promis_pi_4a").score({"1": 3, "2": 3, "3": 3})
    assert (score.value, score.status, score.missing) == (None, "incomplete", ("4",))


def test_promis_pi_4a_3_5_t_points_is_the_smallest_important_change():
    promis = instrument("promis_pi_4a")
    # raw 12 -> 10: 61.2 -> 58.5 (2.7); raw 12 -> 9: 61.2 -> 57.1 (4.1)
    assert (
        change_label("promis_pi_4a", promis.score(promis_raw(12)), promis.score(promis_raw(10)))
        == "small improvement"
    )
    assert (
        change_label("promis_pi_4a", promis.score(promis_raw(12)), promis.score(promis_raw(9)))
        == "clinically important improvement"
    )


# --- Bad input: the error names every bad item ---------------------------------------------

BAD_VALUES = {
    "out of range": 99,
    "negative": -1,
    "boolean": True,
    "a JSON object": {"value": 2},
    "not a number": "severe",
    "a fraction": 1.5,
}

MULTI_ITEM = ["odi", "sbst", "rmdq", "hoos", "hoos12", "hoos_jr", "hoos_ps", "bipq", "lefs",
              "promis_pi_4a"]  # fmt: skip


def valid_answers(name: str) -> dict[str, int]:
    meta = instrument(name).meta
    return {i.id: meta.scales[i.scale].codes[0] for i in meta.items if i.scored}


@pytest.mark.parametrize("name", MULTI_ITEM)
def test_every_bad_item_is_named_in_one_error(name):
    responses: dict[str, object] = valid_answers(name)
    ids = list(responses)
    bad = {
        ids[0]: 99,
        ids[1]: True,
        ids[2]: {"value": 2},
        ids[3]: "severe",
    }
    responses |= bad | {"not_an_item": 1}
    assert bad_items(name, responses) == set(bad) | {"not_an_item"}


@pytest.mark.parametrize("name", MULTI_ITEM)
@pytest.mark.parametrize("kind", sorted(BAD_VALUES))
def test_each_kind_of_bad_value_is_refused(name, kind):
    responses: dict[str, object] = valid_answers(name)
    first = next(iter(responses))
    responses[first] = BAD_VALUES[kind]
    assert bad_items(name, responses) == {first}


@pytest.mark.parametrize("kind", sorted(BAD_VALUES))
def test_nprs_bad_value_is_refused(kind):
    assert bad_items("nprs", {"pain": BAD_VALUES[kind]}) == {"pain"}


def test_nprs_unknown_item_is_refused():
    assert bad_items("nprs", {"pain": 3, "stiffness": 4}) == {"stiffness"}


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_never_read_as_a_0_or_1_tick(value):
    # True == 1 and False == 0 in Python; a yes/no widget must not slip through.
    assert bad_items("sbst", {"1": value}) == {"1"}
    assert bad_items("rmdq", {"1": value}, {"format": "checklist"}) == {"1"}


def test_numeric_strings_and_whole_floats_score_like_integers():
    as_int = instrument("odi").score(sections(2, 2, 2, 2, 2, 2, 1, 1, 1, 1))
    as_str = instrument("odi").score(sections("2", "2", "2", "2", "2", "2", "1", "1", "1", "1"))
    as_float = instrument("odi").score(sections(2.0, 2, 2, 2, 2, 2, 1, 1, 1, 1.0))
    assert as_int.value == as_str.value == as_float.value == 32.0


def test_a_blank_string_is_an_unanswered_item():
    score = instrument("odi").score(sections(2, 2, 2, 2, 2, 2, 1, "", 2, 1))
    assert score.missing == ("8",)
    assert score.details["denominator"] == 45


def test_two_marks_with_a_bad_one_are_refused():
    assert bad_items("odi", sections(2, 2, [1, 7], 2, 2, 2, 1, 1, 1, 1)) == {"3"}
    assert bad_items("odi", sections(2, 2, [], 2, 2, 2, 1, 1, 1, 1)) == {"3"}


def test_two_marks_with_a_json_object_among_them_are_refused_as_bad_input():
    # Regression: before commit 9205960, ItemReader.read raised a bare TypeError here
    # (the lookup of each mark was not guarded against unhashable values).
    assert bad_items("odi", sections(2, 2, [1, {"value": 2}], 2, 2, 2, 1, 1, 1, 1)) == {"3"}


def test_odi_problems_name_every_bad_section_and_unknown_id_together():
    responses = sections(2, 6, True, {"a": 1}, "abc", 2, 1, 1, 1, 1) | {"11": 2}
    assert bad_items("odi", responses) == {"2", "3", "4", "5", "11"}
