"""Change over time said plainly, on every branch of the spec's rule (clinical-spec §10),
recovery (Kamper 2010), and which measurements are due when."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from painpath.catalog import get_catalog
from painpath.core.tracking import Measured, due_measures, recovery_statement, series_statement

CATALOG = get_catalog()
RMDQ = CATALOG.instruments["rmdq"].meta
HOOS12 = CATALOG.instruments["hoos12"].meta
DAY = date(2026, 10, 1)


def said(meta, baseline: float, latest: float):
    return series_statement(
        meta, [Measured(DAY, baseline), Measured(DAY + timedelta(days=42), latest)]
    )


@pytest.mark.parametrize(
    ("baseline", "latest", "label", "words"),
    [
        (
            14,
            7,
            "clinically important improvement",
            "has improved by more than the amount that matters to people: 7 points",
        ),
        (12, 8, "clinically important improvement", "amount that matters"),  # 4 pts is 33%
        (20, 16, "small improvement", "a little better (4 points"),  # 4 >= MDC, < 5 and 20%
        (14, 11, "no reliable change", "usual ups and downs"),  # 3 < MDC 4
        (10, 14, "possible deterioration", "a little worse (4 points"),
        (10, 15, "clinically important deterioration", "got worse by more than the amount"),
        (3, 1, "cannot show improvement from this baseline", "cannot reliably show more"),
        (21, 23, "cannot show deterioration from this baseline", "cannot reliably show it"),
    ],
)
def test_every_branch_of_the_change_rule_is_said_with_its_reasons(baseline, latest, label, words):
    change, statement = said(RMDQ, baseline, latest)
    assert change.label == label
    assert words in statement.text and "back-related disability" in statement.text
    assert "ostelo2008" in statement.sources and "stratford1996" in statement.sources
    assert any(f"{baseline}" in r and f"{latest}" in r for r in statement.reasons)


def test_worsening_is_labelled_as_the_mirrored_threshold():
    _, worse = said(RMDQ, 10, 15)
    _, better = said(RMDQ, 14, 7)
    assert "UNVERIFIED" in (worse.implementation_choice or "")
    assert better.implementation_choice is None


def test_higher_is_better_scales_are_read_the_right_way_round():
    # HOOS-12 has no agreed MCID (UNVERIFIED in the spec): the change is stated, never
    # called one that matters.
    change, statement = said(HOOS12, 40, 70)
    assert change.delta == 30 and "30 points better" in statement.text
    assert "no agreed amount" in statement.text and "matters to people" not in statement.text
    change, statement = said(HOOS12, 70, 40)
    assert change.delta == -30 and "30 points worse" in statement.text


def test_no_baseline_no_claim():
    assert series_statement(RMDQ, []) is None
    assert series_statement(RMDQ, [Measured(DAY, 12)]) is None


def test_the_baseline_is_the_first_measurement_whatever_the_order_given():
    series = [
        Measured(DAY + timedelta(days=84), 4),
        Measured(DAY, 16),
        Measured(DAY + timedelta(days=42), 9),
    ]
    change, _ = series_statement(RMDQ, series)
    assert change.delta == 12


def test_recovery_needs_both_low_disability_and_no_pain():
    assert recovery_statement(Measured(DAY, 2), Measured(DAY, 0)).sources == ("kamper2010",)
    assert recovery_statement(Measured(DAY, 3), Measured(DAY, 0)) is None
    assert recovery_statement(Measured(DAY, 1), Measured(DAY, 1)) is None
    assert recovery_statement(Measured(DAY, 1), None) is None


SCHEDULE = CATALOG.schedule


def statuses(today_offset: int, done: dict, regions=("back",), end=None, new_episode=False):
    found = due_measures(
        SCHEDULE,
        regions=regions,
        start=DAY,
        end=end,
        today=DAY + timedelta(days=today_offset),
        done={k: [DAY + timedelta(days=d) for d in v] for k, v in done.items()},
        new_episode=new_episode,
    )
    return {(d.instrument, d.occasion): d.status for d in found}


def test_baseline_is_due_at_the_start_and_then_done():
    assert statuses(0, {})[("rmdq", "baseline")] == "due"
    assert statuses(2, {"rmdq": [1]})[("rmdq", "baseline")] == "done"


def test_the_four_to_six_week_measurement_opens_on_day_21_and_closes_on_day_41():
    assert statuses(20, {"rmdq": [0]})[("rmdq", "weeks 4–6")] == "upcoming"
    assert statuses(21, {"rmdq": [0]})[("rmdq", "weeks 4–6")] == "due"
    assert statuses(41, {"rmdq": [0]})[("rmdq", "weeks 4–6")] == "due"
    assert statuses(42, {"rmdq": [0]})[("rmdq", "weeks 4–6")] == "overdue"
    assert statuses(50, {"rmdq": [0, 30]})[("rmdq", "weeks 4–6")] == "done"


def test_a_missed_window_gives_way_to_the_next():
    later = statuses(77, {"rmdq": [0]})
    assert ("rmdq", "weeks 4–6") not in later and later[("rmdq", "week 12")] == "due"


def test_region_decides_the_function_measure_and_sbst_waits_for_a_new_episode():
    back = statuses(0, {})
    assert ("rmdq", "baseline") in back and ("hoos12", "baseline") not in back
    assert ("sbst", "new episode") not in back
    assert statuses(0, {}, new_episode=True)[("sbst", "new episode")] == "due"
    hip = statuses(0, {}, regions=("hip",))
    assert ("hoos12", "baseline") in hip and ("sbst", "new episode") not in hip


def test_discharge_is_due_in_the_last_week_of_planned_care():
    end = DAY + timedelta(days=42)
    assert statuses(30, {"bipq": [0]}, end=end)[("bipq", "discharge")] == "upcoming"
    assert statuses(36, {"bipq": [0]}, end=end)[("bipq", "discharge")] == "due"
    assert ("bipq", "discharge") not in statuses(36, {"bipq": [0]})  # no planned end yet
