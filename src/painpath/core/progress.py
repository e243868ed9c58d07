"""Change against the smallest change that matters (clinical-spec §10)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from painpath.core.instruments.base import Direction, Interpretation

ChangeLabel = Literal[
    "no reliable change",
    "clinically important improvement",
    "small improvement",
    "clinically important deterioration",
    "possible deterioration",
    "cannot show improvement from this baseline",
    "cannot show deterioration from this baseline",
]


@dataclass(frozen=True, slots=True)
class Change:
    label: ChangeLabel
    delta: float  # positive = better, whatever the scale's direction
    percent: float | None
    mcid_points: float | None
    mdc_points: float | None
    notes: tuple[str, ...]


def mcid_points_for(interp: Interpretation, baseline: float) -> float | None:
    """The MCID in points; baseline-dependent where the source gives bands (NPRS)."""
    if interp.mcid is None:
        return None
    for low, high, points in interp.mcid.by_baseline:
        if low <= baseline <= high:
            return points
    return interp.mcid.points


def classify_change(
    baseline: float, follow_up: float, direction: Direction, interp: Interpretation
) -> Change:
    """The spec's rule, in order: measurement error first, then MCID or 30%.

    Deterioration uses the same threshold as improvement (a symmetric MCID), which the
    spec labels UNVERIFIED; the note says so wherever the result is shown."""
    delta = follow_up - baseline if direction == Direction.higher_better else baseline - follow_up
    # Percent change (Ostelo's 30%) is defined on lower-is-better scales, where the
    # baseline measures how bad things were; painpath does not invent one for the others.
    percent = (
        delta / baseline * 100 if direction == Direction.lower_better and baseline > 0 else None
    )
    mcid = mcid_points_for(interp, baseline)
    mcid_percent = interp.mcid.percent if interp.mcid else None
    mdc = interp.mdc.points if interp.mdc else None
    notes = ["deterioration uses the improvement threshold mirrored (UNVERIFIED assumption)"]
    if delta > 0 and interp.floor_below is not None and _at_floor(baseline, direction, interp):
        return Change(
            "cannot show improvement from this baseline",
            delta,
            percent,
            mcid,
            mdc,
            (f"baseline beyond {interp.floor_below}: improvement cannot be shown reliably",),
        )
    if delta < 0 and interp.ceiling_above is not None and _at_ceiling(baseline, direction, interp):
        return Change(
            "cannot show deterioration from this baseline",
            delta,
            percent,
            mcid,
            mdc,
            (f"baseline beyond {interp.ceiling_above}: deterioration cannot be shown reliably",),
        )
    if mdc is not None and abs(delta) < mdc:
        label: ChangeLabel = "no reliable change"
    elif delta > 0 and (
        (mcid is not None and delta >= mcid)
        or (mcid_percent is not None and percent is not None and percent >= mcid_percent)
    ):
        label = "clinically important improvement"
    elif delta > 0:
        label = "small improvement"
    elif delta < 0 and mcid is not None and -delta >= mcid:
        label = "clinically important deterioration"
    elif delta < 0:
        label = "possible deterioration"
    else:
        label = "no reliable change"
    return Change(label, delta, percent, mcid, mdc, tuple(notes))


def _at_floor(baseline: float, direction: Direction, interp: Interpretation) -> bool:
    assert interp.floor_below is not None
    if direction == Direction.lower_better:
        return baseline < interp.floor_below
    return baseline > interp.floor_below


def _at_ceiling(baseline: float, direction: Direction, interp: Interpretation) -> bool:
    assert interp.ceiling_above is not None
    if direction == Direction.lower_better:
        return baseline > interp.ceiling_above
    return baseline < interp.ceiling_above
