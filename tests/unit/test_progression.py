"""next_step(): every branch of the pain-monitoring model (clinical-spec §9.1)."""

from __future__ import annotations

from datetime import date, timedelta

from painpath.core.progression import SessionLog, Thresholds, next_step

TODAY = date(2026, 11, 26)


def log(days_ago: int, during=2, after=2, morning=2, stiffness=None, **extra) -> SessionLog:
    return SessionLog(
        on=TODAY - timedelta(days=days_ago),
        pain_during=during,
        pain_after=after,
        pain_next_morning=morning,
        stiffness_next_morning=stiffness,
        **extra,
    )


def test_no_logs_repeat_the_planned_dose():
    assert next_step([], 2, TODAY).decision == "repeat"


def test_red_flag_stops_and_escalates():
    assert next_step([log(1, red_flag=True)], 2, TODAY).decision == "stop_and_escalate"


def test_pain_during_above_5_regresses_and_5_itself_is_allowed():
    assert next_step([log(1, during=6)], 2, TODAY).decision == "regress"
    assert next_step([log(1, during=5)], 2, TODAY).decision != "regress"


def test_pain_after_above_5_regresses():
    step = next_step([log(1, during=3, after=6)], 2, TODAY)
    assert step.decision == "regress" and "after" in step.reason


def test_pain_not_settled_by_next_morning_regresses():
    assert next_step([log(1, morning=4)], 2, TODAY).decision == "regress"  # 4 > 2 + 1
    assert next_step([log(1, morning=3)], 2, TODAY).decision != "regress"  # within tolerance


def test_rising_week_on_week_holds_for_review():
    logs = [log(10, morning=1), log(9, morning=1), log(2, morning=3), log(1, morning=3)]
    assert next_step(logs, 2, TODAY).decision == "hold_and_review"


def test_rising_stiffness_also_holds():
    logs = [log(10, stiffness=1), log(2, stiffness=4)]
    assert next_step(logs, 2, TODAY).decision == "hold_and_review"


def test_two_good_sessions_in_a_row_progress():
    assert next_step([log(3), log(1)], 2, TODAY).decision == "progress"


def test_one_good_session_repeats():
    assert next_step([log(1)], 2, TODAY).decision == "repeat"


def test_an_unfinished_session_does_not_count_towards_progress():
    logs = [log(3), log(1, completed=False)]
    assert next_step(logs, 2, TODAY).decision == "repeat"


def test_thresholds_are_configurable_per_clinician():
    strict = Thresholds(during_max=3, sessions_to_progress=3)
    assert next_step([log(1, during=4)], 2, TODAY, strict).decision == "regress"
    assert next_step([log(3), log(1)], 2, TODAY, strict).decision == "repeat"


def test_every_decision_has_a_reason_and_sources():
    step = next_step([log(1, during=7)], 2, TODAY)
    assert "7/10" in step.reason and step.sources
