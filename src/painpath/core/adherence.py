"""Adherence: sessions done against sessions planned, week by week, streaks, and the days
sessions tend to be missed. Pure: callers pass the days (in the clinic's time zone, as
the exercise logs store them) and `today`.

A *session day* is a day with at least one exercise logged as done. Weeks count from the
programme's start (week 1 is its first seven days), as the programme page shows them.
The plan is the programme's sessions per week; the current week is reported "so far"
and is never counted as missed before it ends (implementation choice)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Patterns need enough weeks to mean anything (implementation choice).
PATTERN_MIN_WEEKS = 3


@dataclass(frozen=True, slots=True)
class Week:
    number: int  # 1 = the programme's first seven days
    starts: date
    planned: int
    done: int
    complete: bool  # False for the week still running

    @property
    def met(self) -> bool:
        return self.done >= self.planned


@dataclass(frozen=True, slots=True)
class Adherence:
    weeks: tuple[Week, ...]
    done: int  # session days in complete weeks
    planned: int  # planned sessions in complete weeks
    week_streak: int  # complete weeks in a row, up to the last one, that met the plan
    day_streak: int  # days in a row with a session, ending today or yesterday
    days_since_last: int | None  # None: no session yet
    often_missed: str | None  # the weekday sessions are missed on most, if clear

    @property
    def rate(self) -> float | None:
        """Done / planned over complete weeks (None before a week has ended)."""
        return self.done / self.planned if self.planned else None


def adherence(
    session_days: Collection[date], start: date, today: date, planned_per_week: int
) -> Adherence:
    days = {d for d in session_days if start <= d <= today}
    weeks: list[Week] = []
    number = 1
    starts = start
    while starts <= today:
        ends = starts + timedelta(days=6)
        done = sum(1 for d in days if starts <= d <= ends)
        weeks.append(Week(number, starts, planned_per_week, done, ends < today))
        number += 1
        starts += timedelta(days=7)
    complete = [w for w in weeks if w.complete]
    streak = 0
    for week in reversed(complete):
        if not week.met:
            break
        streak += 1
    run = 0
    day = today if today in days else today - timedelta(days=1)
    while day in days:
        run += 1
        day -= timedelta(days=1)
    last = max(days, default=None)
    return Adherence(
        weeks=tuple(weeks),
        done=sum(w.done for w in complete),
        planned=sum(w.planned for w in complete),
        week_streak=streak,
        day_streak=run,
        days_since_last=(today - last).days if last else None,
        often_missed=_often_missed(days, start, today, planned_per_week, len(complete)),
    )


def _often_missed(
    days: set[date], start: date, today: date, per_week: int, complete_weeks: int
) -> str | None:
    """The weekday with clearly fewer sessions than the others, for a daily plan only:
    with fewer sessions a week, which days are skipped is the person's choice."""
    if per_week < 7 or complete_weeks < PATTERN_MIN_WEEKS:
        return None
    end = start + timedelta(days=7 * complete_weeks - 1)
    counts = [0] * 7
    seen = [0] * 7
    day = start
    while day <= min(end, today):
        seen[day.weekday()] += 1
        counts[day.weekday()] += day in days
        day += timedelta(days=1)
    rates = [c / s for c, s in zip(counts, seen, strict=True) if s]
    if len(rates) < 7:
        return None
    lowest = min(range(7), key=lambda i: rates[i])
    if sum(1 for r in rates if r == rates[lowest]) > 1:
        return None  # two days as often missed: no single day to name
    others = [r for i, r in enumerate(rates) if i != lowest]
    # "Clearly": missed at least half the time, and at least 0.3 below the others' mean.
    if rates[lowest] <= 0.5 and sum(others) / len(others) - rates[lowest] >= 0.3:
        return WEEKDAYS[lowest]
    return None
