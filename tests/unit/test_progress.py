"""Change from baseline (clinical-spec §10), with concrete numbers.

The thresholds are written out here (not read from content) so each test reads like a
clinician's worked example: 'RMDQ-like: MCID 5 points or 30%, MDC 4'."""

from __future__ import annotations

import pytest

from painpath.core.instruments.base import Direction, Interpretation, Threshold
from painpath.core.progress import classify_change, mcid_points_for

LOWER = Direction.lower_better
HIGHER = Direction.higher_better

# RMDQ-like: MCID 5 points or 30% (Ostelo 2008), MDC 4 (Stratford 1996).
RMDQ_LIKE = Interpretation(
    mcid=Threshold(points=5, percent=30, sources=("ostelo2008",)),
    mdc=Threshold(points=4, sources=("stratford1996",)),
)
# LEFS-like: higher is better, MCID 9, MDC 9 (Binkley 1999).
LEFS_LIKE = Interpretation(
    mcid=Threshold(points=9, sources=("binkley1999",)),
    mdc=Threshold(points=9, sources=("binkley1999",)),
)
# NPRS-like: 2 points or 30%, 1/2/3 by baseline, MDC 2.
NPRS_LIKE = Interpretation(
    mcid=Threshold(
        points=2,
        percent=30,
        by_baseline=((1, 4, 1), (5, 7, 2), (8, 10, 3)),
        sources=("ostelo2008",),
    ),
    mdc=Threshold(points=2, sources=("childs2005",)),
)


def label(baseline, follow_up, direction=LOWER, interp=RMDQ_LIKE) -> str:
    return classify_change(baseline, follow_up, direction, interp).label


# --- no reliable change -----------------------------------------------------------------------


def test_change_smaller_than_the_mdc_is_no_reliable_change():
    assert label(12, 9) == "no reliable change"  # 3 points < MDC 4


def test_change_under_the_mdc_is_no_reliable_change_even_at_30_percent():
    # 10 -> 7 is a 30% fall, but 3 points may be measurement error.
    assert label(10, 7) == "no reliable change"


def test_worsening_under_the_mdc_is_no_reliable_change():
    assert label(10, 13) == "no reliable change"


def test_no_change_at_all_is_no_reliable_change():
    assert label(10, 10) == "no reliable change"
    no_thresholds = Interpretation()
    assert label(10, 10, interp=no_thresholds) == "no reliable change"


def test_change_equal_to_the_mdc_is_reliable():
    assert label(20, 16) == "small improvement"  # exactly 4 points, 20%


# --- clinically important improvement -----------------------------------------------------------


def test_improvement_of_the_mcid_in_points_is_clinically_important():
    assert label(20, 15) == "clinically important improvement"  # 5 points, 25%


def test_improvement_of_30_percent_is_clinically_important_below_the_mcid_points():
    assert label(12, 8) == "clinically important improvement"  # 4 points, 33%
    assert label(13, 9) == "clinically important improvement"  # 4 points, 30.8%


def test_improvement_of_exactly_30_percent_is_enough():
    low_mdc = Interpretation(
        mcid=Threshold(points=5, percent=30, sources=("ostelo2008",)),
        mdc=Threshold(points=2, sources=("x",)),
    )
    assert label(10, 7, interp=low_mdc) == "clinically important improvement"  # 3 points, 30%


def test_improvement_just_under_30_percent_and_under_the_mcid_is_small():
    assert label(14, 10) == "small improvement"  # 4 points, 28.6%


def test_improvement_on_a_higher_is_better_scale():
    assert label(40, 49, HIGHER, LEFS_LIKE) == "clinically important improvement"
    assert label(40, 48, HIGHER, LEFS_LIKE) == "no reliable change"


# --- small improvement ------------------------------------------------------------------------


def test_reliable_improvement_below_the_mcid_and_30_percent_is_small():
    assert label(24, 20) == "small improvement"  # 4 points, 16.7%


def test_without_an_mcid_any_reliable_improvement_is_small():
    mdc_only = Interpretation(mdc=Threshold(points=2, sources=("stratford1995",)))
    assert label(3, 8, HIGHER, mdc_only) == "small improvement"  # PSFS-like, 5 points


# --- deterioration ------------------------------------------------------------------------------


def test_worsening_of_the_mcid_is_clinically_important_deterioration():
    assert label(10, 15) == "clinically important deterioration"
    assert label(40, 31, HIGHER, LEFS_LIKE) == "clinically important deterioration"


def test_reliable_worsening_below_the_mcid_is_possible_deterioration():
    assert label(10, 14) == "possible deterioration"  # 4 points = MDC, < MCID 5


def test_worsening_by_30_percent_alone_is_not_important_deterioration():
    # 30% applies to improvement only (spec §10); 13 -> 17 is 4 points (31%).
    assert label(13, 17) == "possible deterioration"


def test_deterioration_uses_the_improvement_threshold_and_says_so():
    change = classify_change(10, 15, LOWER, RMDQ_LIKE)
    assert any("UNVERIFIED" in note for note in change.notes)


# --- the numbers behind the label --------------------------------------------------------------


def test_delta_is_positive_for_improvement_in_either_direction():
    assert classify_change(20, 15, LOWER, RMDQ_LIKE).delta == 5
    assert classify_change(20, 25, LOWER, RMDQ_LIKE).delta == -5
    assert classify_change(40, 49, HIGHER, LEFS_LIKE).delta == 9
    assert classify_change(40, 31, HIGHER, LEFS_LIKE).delta == -9


def test_percent_is_change_over_baseline_on_lower_is_better_scales():
    assert classify_change(20, 15, LOWER, RMDQ_LIKE).percent == pytest.approx(25.0)
    assert classify_change(0, 5, LOWER, RMDQ_LIKE).percent is None  # no baseline to divide


def test_change_reports_the_thresholds_it_used():
    change = classify_change(20, 15, LOWER, RMDQ_LIKE)
    assert (change.mcid_points, change.mdc_points) == (5, 4)


@pytest.mark.parametrize(
    ("baseline", "points"),
    [(0, 2), (1, 1), (4, 1), (5, 2), (7, 2), (8, 3), (10, 3)],
)
def test_baseline_dependent_mcid(baseline, points):
    # baseline 0 is outside every band, so the general 2 points applies
    assert mcid_points_for(NPRS_LIKE, baseline) == points


def test_baseline_dependent_mcid_changes_the_label_for_the_same_2_point_fall():
    assert label(7, 5, interp=NPRS_LIKE) == "clinically important improvement"  # needs 2
    assert label(8, 6, interp=NPRS_LIKE) == "small improvement"  # needs 3; 25%


def test_no_mcid_configured_means_no_mcid_points():
    assert mcid_points_for(Interpretation(), 5) is None


# --- floor and ceiling (RMDQ: Stratford 1996) ---------------------------------------------------

RMDQ_WITH_LIMITS = Interpretation(
    mcid=RMDQ_LIKE.mcid, mdc=RMDQ_LIKE.mdc, floor_below=4, ceiling_above=20
)


def test_improvement_from_a_baseline_below_the_floor_is_not_claimed():
    assert label(3, 0, interp=RMDQ_WITH_LIMITS) == "cannot show improvement from this baseline"


def test_deterioration_from_a_baseline_above_the_ceiling_is_not_claimed():
    assert label(21, 24, interp=RMDQ_WITH_LIMITS) == "cannot show deterioration from this baseline"


def test_floor_and_ceiling_only_suppress_one_direction():
    assert label(3, 8, interp=RMDQ_WITH_LIMITS) == "clinically important deterioration"
    assert label(21, 16, interp=RMDQ_WITH_LIMITS) == "clinically important improvement"


def test_baselines_at_the_floor_and_ceiling_values_themselves_are_not_suppressed():
    assert label(4, 0, interp=RMDQ_WITH_LIMITS) == "clinically important improvement"
    assert label(20, 24, interp=RMDQ_WITH_LIMITS) == "possible deterioration"
