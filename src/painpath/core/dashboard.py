"""Which of my patients needs me today? The clinician dashboard's alerts and ordering,
as pure rules over a few facts per patient (kept up to date by services/summaries.py).

Order: patients with an alert first, by their most pressing alert (an open red flag by
its tier, then worsening beyond the smallest change that matters, then pain above the
pain-monitoring limits, then no sessions for N days); then by risk group (high first),
adherence (lowest first) and last activity (longest ago first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from painpath.core.statements import Tier

AlertKind = Literal["red_flag", "worsening", "pain_over_limit", "inactive"]
# Higher is more pressing; a red flag adds its tier's rank on top.
ALERT_RANK: dict[AlertKind, int] = {
    "red_flag": 40,
    "worsening": 30,
    "pain_over_limit": 20,
    "inactive": 10,
}
RISK_RANK = {"high": 3, "higher": 3, "medium": 2, "moderate": 2, "low": 1, "lower": 1}
INACTIVE_DAYS = 7  # default; a clinician can choose another


@dataclass(frozen=True, slots=True)
class PatientFacts:
    open_flag_tier: Tier | None = None
    open_flag_since: date | None = None
    worsening: tuple[str, ...] = ()  # measures worse by more than their MCID
    pain_over_limit_on: date | None = None  # last day a session hurt beyond the limits
    last_session: date | None = None
    programme_active: bool = False
    programme_started: date | None = None
    risk_group: str | None = None  # STarT Back (low/medium/high) or painpath's estimate
    adherence: float | None = None  # done / planned over the last four complete weeks
    last_activity: date | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    text: str
    since: date | None
    rank: int


def alerts(facts: PatientFacts, today: date, inactive_days: int = INACTIVE_DAYS) -> list[Alert]:
    """Every alert for one patient, most pressing first."""
    found: list[Alert] = []
    if facts.open_flag_tier is not None:
        found.append(
            Alert(
                "red_flag",
                f"Open red flag ({facts.open_flag_tier.value})",
                facts.open_flag_since,
                ALERT_RANK["red_flag"] + facts.open_flag_tier.rank,
            )
        )
    if facts.worsening:
        found.append(
            Alert(
                "worsening",
                "Worse beyond the change that matters: " + ", ".join(facts.worsening),
                None,
                ALERT_RANK["worsening"],
            )
        )
    if facts.pain_over_limit_on is not None and (today - facts.pain_over_limit_on).days <= 7:
        found.append(
            Alert(
                "pain_over_limit",
                "Pain above the pain-monitoring limits",
                facts.pain_over_limit_on,
                ALERT_RANK["pain_over_limit"],
            )
        )
    if facts.programme_active:
        since = facts.last_session or facts.programme_started
        if since is not None and (today - since).days >= inactive_days:
            found.append(
                Alert(
                    "inactive",
                    f"No sessions for {(today - since).days} days",
                    since,
                    ALERT_RANK["inactive"],
                )
            )
    found.sort(key=lambda a: -a.rank)
    return found


def order_key(facts: PatientFacts, found: list[Alert], name: str) -> tuple:
    """Sort key: most pressing alert, then risk, adherence, last activity, name."""
    top = found[0].rank if found else 0
    waiting = found[0].since.toordinal() if found and found[0].since else 0
    risk = RISK_RANK.get(facts.risk_group or "", 0)
    adherence = facts.adherence if facts.adherence is not None else 2.0
    last = facts.last_activity.toordinal() if facts.last_activity else 0
    return (-top, waiting, -risk, adherence, last, name.casefold())


Trend = Literal["better", "worse", "same"]


def trend(labels: list[str]) -> Trend | None:
    """An arrow for the list, from the change labels of a patient's measures."""
    if not labels:
        return None
    if any("deterioration" in label for label in labels):
        return "worse"
    if any("improvement" in label and "cannot" not in label for label in labels):
        return "better"
    return "same"
