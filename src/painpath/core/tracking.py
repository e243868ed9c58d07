"""Am I getting better? Change over time in words a person can act on, recovery, and
which measures are due (clinical-spec §10). Pure: scores, dates and `today` come in.

Every statement carries its reasons (the two scores compared, the threshold used) and
its sources (the instrument's MCID/MDC references). Red flags are not judged here: an
open flag overrides any trend, and callers show it first (services/safety.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from painpath.core.instruments.base import InstrumentMeta
from painpath.core.progress import Change, classify_change
from painpath.core.statements import Statement


@dataclass(frozen=True, slots=True)
class Measured:
    on: date
    value: float


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def change_statement(
    meta: InstrumentMeta, baseline: Measured, latest: Measured, *, what: str | None = None
) -> tuple[Change, Statement]:
    """Latest against baseline, classified by the spec's rule and said plainly: e.g.
    "Your back-related disability has improved by more than the amount that matters to
    people: 7 points (from 14 to 7)."  `what` names the measure when it is not the
    instrument's own plain name (e.g. "morning pain (7-day average)")."""
    interp = meta.interpretation
    change = classify_change(baseline.value, latest.value, meta.direction, interp)
    name = what or meta.plain_name
    points = _num(abs(change.delta))
    # "7 points (from 14 to 7)": the unit once, unless it is not points (e.g. "%").
    unit_after = "" if meta.unit in ("", "points", "point") else f" {meta.unit}"
    span = f"from {_num(baseline.value)} to {_num(latest.value)}{unit_after}"
    unit = "point" if points == "1" else "points"
    texts = {
        "clinically important improvement": (
            f"Your {name} has improved by more than the amount that matters to people: "
            f"{points} {unit} ({span})."
        ),
        "small improvement": (
            f"Your {name} is a little better ({points} {unit}, {span}), but not yet by the "
            "amount that matters to most people."
        ),
        "no reliable change": (
            f"Your {name} has not changed by more than a measure's usual ups and downs ({span})."
        ),
        "possible deterioration": (
            f"Your {name} is a little worse ({points} {unit}, {span}). Tell your clinician "
            "if it keeps going this way."
        ),
        "clinically important deterioration": (
            f"Your {name} has got worse by more than the amount that matters: {points} "
            f"{unit} ({span}). Please talk to your clinician about it."
        ),
        "cannot show improvement from this baseline": (
            f"Your {name} started close to the best score, so this measure cannot reliably "
            f"show more improvement ({span})."
        ),
        "cannot show deterioration from this baseline": (
            f"Your {name} started close to the worst score, so this measure cannot reliably "
            f"show it getting worse ({span})."
        ),
    }
    text = texts[change.label]
    if interp.mcid is None and change.label in ("small improvement", "possible deterioration"):
        # No agreed threshold (e.g. HOOS-12): say the change, never whether it matters.
        way = "better" if change.delta > 0 else "worse"
        text = (
            f"Your {name} is {points} {unit} {way} ({span}). There is no agreed amount of "
            "change that matters for this measure, so painpath does not say whether the "
            "change is large; your clinician can tell you what it means for you."
        )
    reasons = [
        f"{meta.short_name} on {baseline.on:%d %b %Y}: {_num(baseline.value)}; "
        f"on {latest.on:%d %b %Y}: {_num(latest.value)}.",
    ]
    if change.mcid_points is not None:
        pct = f" or {interp.mcid.percent:.0f}%" if interp.mcid and interp.mcid.percent else ""
        reasons.append(
            f"The smallest change that matters to people is {_num(change.mcid_points)} points{pct}."
        )
    if change.mdc_points is not None:
        reasons.append(f"Changes under {_num(change.mdc_points)} points can be measurement error.")
    reasons.extend(change.notes)
    if interp.no_threshold_note:
        reasons.append(interp.no_threshold_note)
    sources = tuple(
        dict.fromkeys(
            [
                *(interp.mcid.sources if interp.mcid else ()),
                *(interp.mdc.sources if interp.mdc else ()),
                *meta.scoring_sources,
            ]
        )
    )
    unverified = "; ".join(
        t.unverified for t in (interp.mcid, interp.mdc) if t is not None and t.unverified
    )
    return change, Statement(
        kind="progress",
        text=text,
        reasons=tuple(reasons),
        sources=sources,
        rule=meta.id,
        unverified=unverified or None,
        implementation_choice=(
            "Getting worse is judged by the improvement threshold mirrored (UNVERIFIED)."
            if change.delta < 0
            else None
        ),
    )


def series_statement(
    meta: InstrumentMeta, series: Sequence[Measured], *, what: str | None = None
) -> tuple[Change, Statement] | None:
    """The latest of a series against its first (the baseline); None until there are two
    scored measurements: one score alone says nothing about change."""
    scored = sorted((m for m in series if m.value is not None), key=lambda m: m.on)
    if len(scored) < 2:
        return None
    return change_statement(meta, scored[0], scored[-1], what=what)


def recovery_statement(rmdq: Measured | None, pain: Measured | None) -> Statement | None:
    """Kamper 2010: an RMDQ of 2 or less, with pain at 0, best matches people who say
    they have recovered. Both must be measured."""
    if rmdq is None or pain is None or rmdq.value > 2 or pain.value != 0:
        return None
    return Statement(
        kind="progress",
        text=(
            "Your scores now match what people who feel recovered report: little or no "
            "back-related disability and no pain."
        ),
        reasons=(
            f"Roland-Morris {_num(rmdq.value)} (2 or less) on {rmdq.on:%d %b %Y}, and "
            f"pain 0 on {pain.on:%d %b %Y}.",
            "A study of people with back pain found these scores best matched feeling recovered.",
        ),
        sources=("kamper2010",),
        rule="recovery",
    )


# --- when to measure again ------------------------------------------------------------------

Occasion = Literal["baseline", "discharge", "new_episode"]


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    weeks: tuple[int, int]  # from the start of care: due from week a to the end of week b

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if not 0 < self.weeks[0] <= self.weeks[1]:
            raise ValueError("weeks must be 1 or more, the first no later than the second")
        return self


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    instrument: str
    regions: tuple[Literal["back", "hip"], ...] = ("back", "hip")
    at: tuple[Occasion | Window, ...] = Field(min_length=1)


class Schedule(BaseModel):
    """Re-measurement defaults (content/tracking.yaml), which a clinician can change."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    implementation_choice: str
    sources: tuple[str, ...] = Field(min_length=1)
    baseline_days: int = Field(14, ge=1, le=60)  # a baseline counts up to this long after start
    measures: tuple[Measure, ...] = Field(min_length=1)


Status = Literal["due", "overdue", "upcoming", "done"]


@dataclass(frozen=True, slots=True)
class Due:
    instrument: str
    occasion: str  # "baseline", "weeks 4–6", "discharge", "new episode"
    opens: date
    closes: date
    status: Status
    done_on: date | None = None


def due_measures(
    schedule: Schedule,
    *,
    regions: Sequence[str],
    start: date,
    end: date | None,
    today: date,
    done: Mapping[str, Sequence[date]],
    new_episode: bool = False,
) -> list[Due]:
    """Each scheduled measurement for care that started on `start` (and is planned to
    end on `end`, the discharge): done (a score inside its window), due (its window is
    open), overdue (its window has closed without a score; until the next one opens) or
    upcoming."""
    out: list[Due] = []
    for measure in schedule.measures:
        if not set(measure.regions) & set(regions):
            continue
        dates = sorted(done.get(measure.instrument, ()))
        windows: list[tuple[str, date, date]] = []
        for at in measure.at:
            if at == "baseline":
                windows.append(("baseline", start, start + timedelta(days=schedule.baseline_days)))
            elif at == "discharge":
                if end is not None:
                    windows.append(("discharge", end - timedelta(days=7), end + timedelta(days=14)))
            elif at == "new_episode":
                if new_episode:
                    windows.append(
                        ("new episode", start, start + timedelta(days=schedule.baseline_days))
                    )
            else:
                a, b = at.weeks
                label = f"week {a}" if a == b else f"weeks {a}–{b}"
                # Week n runs from day 7(n-1) to day 7n-1 after the start.
                windows.append(
                    (label, start + timedelta(days=7 * (a - 1)), start + timedelta(days=7 * b - 1))
                )
        windows.sort(key=lambda w: w[1])
        for n, (label, opens, closes) in enumerate(windows):
            hit = next((d for d in dates if opens <= d <= closes), None)
            following = windows[n + 1][1] if n + 1 < len(windows) else None
            if hit is not None:
                status: Status = "done"
            elif today < opens:
                status = "upcoming"
            elif today <= closes:
                status = "due"
            elif following is None or today < following:
                status = "overdue"
            else:
                continue  # missed, and a later measurement is now the one to do
            out.append(Due(measure.instrument, label, opens, closes, status, hit))
    return out
