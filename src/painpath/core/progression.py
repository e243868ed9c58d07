"""next_step(): the pain-monitoring model (clinical-spec §9.1; Thomeé 1997, Silbernagel
2007) deciding, per exercise, whether to progress, repeat, hold or regress.

Rules, in the spec's order:
1. pain during the exercise may reach 5/10 (above it: regress the exercise);
2. pain after may reach 5/10 (above it: regress);
3. pain must settle by the next morning (above the usual morning pain plus a
   tolerance: regress);
4. pain and stiffness should not rise week on week (if they do: hold and review);
5. two sessions in a row within the limits: progress (an implementation choice);
otherwise repeat. A red-flag answer stops everything and goes to a human.
Thresholds are configurable per clinician; the zone boundaries are UNVERIFIED."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from statistics import fmean
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PAIN_MONITORING_SOURCES = ("thomee1997", "silbernagel2007")

Decision = Literal["stop_and_escalate", "regress", "hold_and_review", "progress", "repeat"]


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    during_max: int = Field(5, ge=0, le=10)
    after_max: int = Field(5, ge=0, le=10)
    morning_tolerance: int = Field(1, ge=0, le=3)  # implementation choice: 0-1 points
    sessions_to_progress: int = Field(2, ge=1, le=6)  # implementation choice


class SessionLog(BaseModel):
    """One logged session of one exercise."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    on: date
    completed: bool = True
    pain_during: int | None = Field(None, ge=0, le=10)
    pain_after: int | None = Field(None, ge=0, le=10)
    pain_next_morning: int | None = Field(None, ge=0, le=10)
    stiffness_next_morning: int | None = Field(None, ge=0, le=10)
    red_flag: bool = False


class Step(BaseModel):
    model_config = ConfigDict(frozen=True)
    decision: Decision
    reason: str
    sources: tuple[str, ...] = PAIN_MONITORING_SOURCES


def next_step(
    logs: Sequence[SessionLog],
    baseline_morning_pain: int,
    today: date,
    thresholds: Thresholds = Thresholds(),
) -> Step:
    """Decide from this exercise's logs (oldest first) what to do next time."""
    done = [log for log in logs if log.on <= today]
    if not done:
        return Step(decision="repeat", reason="No sessions logged yet: start at the planned dose.")
    last = done[-1]
    t = thresholds
    if any(log.red_flag for log in done[-3:]):
        return Step(
            decision="stop_and_escalate",
            reason="A warning sign was reported: stop the programme and speak to a clinician.",
        )
    if last.pain_during is not None and last.pain_during > t.during_max:
        return Step(
            decision="regress",
            reason=f"Pain during the exercise was {last.pain_during}/10, above {t.during_max}/10: "
            "make it easier next time.",
        )
    if last.pain_after is not None and last.pain_after > t.after_max:
        return Step(
            decision="regress",
            reason=f"Pain after the exercise was {last.pain_after}/10, above {t.after_max}/10: "
            "make it easier next time.",
        )
    limit = baseline_morning_pain + t.morning_tolerance
    if last.pain_next_morning is not None and last.pain_next_morning > limit:
        return Step(
            decision="regress",
            reason=f"Pain the next morning was {last.pain_next_morning}/10, more than your usual "
            f"{baseline_morning_pain}/10: it had not settled, so make it easier next time.",
        )
    if _rising_week_on_week(done, today):
        return Step(
            decision="hold_and_review",
            reason="Morning pain or stiffness rose this week compared with last week: keep the "
            "dose the same and review it with your clinician.",
        )
    recent = done[-t.sessions_to_progress :]
    if len(recent) == t.sessions_to_progress and all(_within(log, t, limit) for log in recent):
        return Step(
            decision="progress",
            reason=f"The last {t.sessions_to_progress} sessions stayed within the pain limits and "
            "settled by the next morning: ready for the next step.",
        )
    return Step(decision="repeat", reason="Within the limits: repeat the same dose next time.")


def _within(log: SessionLog, t: Thresholds, morning_limit: int) -> bool:
    return (
        log.completed
        and log.pain_during is not None
        and log.pain_during <= t.during_max
        and (log.pain_after is None or log.pain_after <= t.after_max)
        and log.pain_next_morning is not None
        and log.pain_next_morning <= morning_limit
    )


def _rising_week_on_week(logs: Sequence[SessionLog], today: date) -> bool:
    """Mean next-morning pain or stiffness in the last 7 days above the 7 days before."""

    def window(start: int, end: int, attr: str) -> list[int]:
        return [
            getattr(log, attr)
            for log in logs
            if start <= (today - log.on).days < end and getattr(log, attr) is not None
        ]

    for attr in ("pain_next_morning", "stiffness_next_morning"):
        this_week, last_week = window(0, 7, attr), window(7, 14, attr)
        if this_week and last_week and fmean(this_week) > fmean(last_week):
            return True
    return False


class PainAdvice(BaseModel):
    """What to do now, and what the model will do, after a session that hurt more than
    the pain-monitoring limits allow. Explained like every statement: reasons, sources."""

    model_config = ConfigDict(frozen=True)
    headline: str
    now: tuple[str, ...]
    next: str
    get_help: str
    reasons: tuple[str, ...]
    sources: tuple[str, ...] = PAIN_MONITORING_SOURCES


def pain_advice(
    exercise_name: str,
    pain_during: int | None,
    pain_after: int | None,
    thresholds: Thresholds = Thresholds(),
) -> PainAdvice | None:
    """None when the session stayed within the limits."""
    t = thresholds
    over = []
    if pain_during is not None and pain_during > t.during_max:
        over.append(f"{pain_during}/10 during it (your limit is {t.during_max}/10)")
    if pain_after is not None and pain_after > t.after_max:
        over.append(f"{pain_after}/10 afterwards (your limit is {t.after_max}/10)")
    if not over:
        return None
    return PainAdvice(
        headline=f"{exercise_name} hurt more than it should: {' and '.join(over)}.",
        now=(
            "Do not do it again today, and do not push through pain.",
            "Carry on with the other exercises only while they stay within your limits.",
            "Rest in a comfortable position, and keep gently moving through the day.",
        ),
        next=(
            "Tomorrow morning, tell us how you feel. Your plan will then make this exercise "
            "easier (or, if it is already as easy as it gets, keep it the same for your "
            "clinician to review). If the pain has not settled by then, or keeps getting "
            "worse, contact your clinician."
        ),
        get_help=(
            "Get help at once for new numbness, weakness, bladder or bowel changes, or a fever."
        ),
        reasons=(
            f"Exercise pain may reach {t.during_max}/10 during and {t.after_max}/10 after, "
            "and should settle by the next morning (the pain-monitoring model).",
            "Above those limits, the model makes the exercise easier at the next step.",
        ),
    )
