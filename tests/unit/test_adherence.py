"""Adherence arithmetic: weeks from the programme's start, the running week never
counted as missed, streaks, and a missed-weekday pattern only when it is clear."""

from __future__ import annotations

from datetime import date, timedelta

from painpath.core.adherence import adherence

START = date(2026, 11, 2)  # a Monday


def days(*offsets: int) -> set[date]:
    return {START + timedelta(days=n) for n in offsets}


def test_weeks_count_from_the_start_and_the_running_week_is_so_far():
    result = adherence(days(0, 2, 4, 7, 9), START, START + timedelta(days=10), 3)
    first, second = result.weeks
    assert (first.number, first.starts, first.done, first.complete) == (1, START, 3, True)
    assert (second.done, second.complete) == (2, False)
    assert (result.done, result.planned, result.rate) == (3, 3, 1.0)


def test_a_session_on_the_last_day_of_a_week_belongs_to_that_week():
    result = adherence(days(6, 7), START, START + timedelta(days=13), 3)
    assert [w.done for w in result.weeks] == [1, 1]


def test_a_week_ends_only_after_its_seventh_day():
    on_day_seven = adherence(days(0), START, START + timedelta(days=6), 3)
    assert not on_day_seven.weeks[0].complete and on_day_seven.rate is None
    after = adherence(days(0), START, START + timedelta(days=7), 3)
    assert after.weeks[0].complete and after.rate == 1 / 3


def test_streaks_of_weeks_and_days():
    # weeks 1 and 3 met the plan of 2, week 2 did not: the week streak is 1.
    result = adherence(days(0, 1, 8, 14, 15, 20, 21, 22), START, START + timedelta(days=22), 2)
    assert result.week_streak == 1
    assert result.day_streak == 3 and result.days_since_last == 0
    # Yesterday's session still counts towards today's run; two days ago does not.
    assert adherence(days(20, 21), START, START + timedelta(days=22), 2).day_streak == 2
    assert adherence(days(20), START, START + timedelta(days=22), 2).day_streak == 0


def test_no_sessions_yet():
    result = adherence(set(), START, START + timedelta(days=3), 3)
    assert result.days_since_last is None and result.day_streak == 0 and result.rate is None


def test_days_before_the_start_or_after_today_are_ignored():
    result = adherence(days(-3, 1, 40), START, START + timedelta(days=8), 2)
    assert result.done == 1 and result.days_since_last == 7


def test_a_clearly_missed_weekday_is_named_for_a_daily_plan_after_three_weeks():
    every_day_but_saturday = {START + timedelta(days=n) for n in range(21) if n % 7 != 5}
    result = adherence(every_day_but_saturday, START, START + timedelta(days=21), 7)
    assert result.often_missed == "Saturday"
    # Two weeks are not enough to call it a pattern; a 3-a-week plan has no pattern.
    assert (
        adherence(every_day_but_saturday, START, START + timedelta(days=14), 7).often_missed is None
    )
    assert (
        adherence(every_day_but_saturday, START, START + timedelta(days=21), 3).often_missed is None
    )
    # Missing at random across the week is not a pattern.
    scattered = {START + timedelta(days=n) for n in range(21) if n % 3}
    assert adherence(scattered, START, START + timedelta(days=21), 7).often_missed is None


def test_no_day_is_named_when_two_are_missed_as_often():
    weekdays_only = {
        START + timedelta(days=n) for n in range(28) if (START + timedelta(days=n)).weekday() < 5
    }
    assert adherence(weekdays_only, START, START + timedelta(days=28), 7).often_missed is None
