"""Instruments whose scoring is a sum or a mean: B-IPQ, LEFS, NPRS, PROMIS PI 4a."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from painpath.core.instruments.base import (
    InstrumentInputError,
    InstrumentMeta,
    ItemProblem,
    ItemReader,
    Score,
)


def score_bipq(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """Total 0-80 with items 3, 4 and 7 reversed; item scores are the primary result
    (Broadbent). Item 9 is free text about causes and is not scored."""
    causes = responses.get("9")
    scored = {k: v for k, v in responses.items() if k != "9"}
    problems: list[ItemProblem] = []
    if causes is not None and not isinstance(causes, str):
        problems.append(ItemProblem("9", "must be text (perceived causes)"))
    try:
        r, notes = reader.read(scored, items=tuple(i.id for i in meta.items if i.scored))
    except InstrumentInputError as error:
        raise InstrumentInputError("bipq", [*problems, *error.problems]) from None
    if problems:
        raise InstrumentInputError("bipq", problems)
    reversed_items = set(meta.scoring["reversed"])
    items = {k: float(v) for k, v in r.items() if v is not None}
    missing = tuple(k for k, v in r.items() if v is None)
    details = {"causes": causes.strip() if isinstance(causes, str) else None}
    if missing:  # implementation choice: the total needs all 8 scored items
        return Score(
            "bipq",
            None,
            "partial" if items else "incomplete",
            "broadbent-2006",
            subscales=items,
            missing=missing,
            notes=tuple(notes),
            details=details,
        )
    total = sum((10 - v) if k in reversed_items else v for k, v in items.items())
    return Score(
        "bipq",
        float(total),
        "complete",
        "broadbent-2006",
        subscales=items,
        notes=tuple(notes),
        details=details,
    )


def score_sum(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """A plain sum of all items, all required (LEFS)."""
    r, notes = reader.read(responses)
    missing = tuple(k for k, v in r.items() if v is None)
    rule = meta.scoring["rule_version"]
    if missing:
        return Score(meta.id, None, "incomplete", rule, missing=missing, notes=tuple(notes))
    return Score(meta.id, float(sum(r.values())), "complete", rule, notes=tuple(notes))  # type: ignore[arg-type]


def score_nprs(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    time_frame = options.get("time_frame", "now")
    allowed = meta.scoring["time_frames"]
    if time_frame not in allowed:
        raise ValueError(f"nprs time_frame must be one of {', '.join(allowed)}")
    r, notes = reader.read(responses)
    if r["pain"] is None:
        return Score(
            "nprs",
            None,
            "incomplete",
            "own-wording",
            missing=("pain",),
            details={"time_frame": time_frame},
        )
    return Score(
        "nprs",
        float(r["pain"]),
        "complete",
        "own-wording",
        notes=tuple(notes),
        details={"time_frame": time_frame},
    )


def score_promis_table(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """Raw sum (4-20 for the 4a form) to a T-score through the configured table."""
    r, notes = reader.read(responses)
    missing = tuple(k for k, v in r.items() if v is None)
    rule = meta.scoring["rule_version"]
    if missing:  # implementation choice: the short-form lookup needs every item
        return Score(meta.id, None, "incomplete", rule, missing=missing)
    raw = sum(r.values())  # type: ignore[arg-type]
    table = meta.scoring["t_score_table"]
    first = meta.scoring["table_starts_at_raw"]
    return Score(
        meta.id,
        float(table[raw - first]),
        "complete",
        rule,
        notes=tuple(notes),
        details={"raw": raw, "table_verified": meta.scoring["table_verified"]},
    )


def score_psfs(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """Mean of the person's own activities (1-5), each 0-10. Activity names are kept
    verbatim so the same activities can be re-rated at follow-up (Stratford 1995).

    Responses: {"activities": [{"activity": "...", "score": 0-10}, ...]}"""
    problems: list[ItemProblem] = []
    extra = set(responses) - {"activities"}
    problems.extend(
        ItemProblem(k, "is not an item of psfs (use 'activities')") for k in sorted(extra)
    )
    raw = responses.get("activities")
    limit = meta.scoring["max_activities"]
    if not isinstance(raw, list) or not 1 <= len(raw) <= limit:
        problems.append(ItemProblem("activities", f"must list 1 to {limit} activities"))
        raise InstrumentInputError("psfs", problems)
    activities = []
    for n, entry in enumerate(raw, start=1):
        name = entry.get("activity") if isinstance(entry, Mapping) else None
        value = entry.get("score") if isinstance(entry, Mapping) else None
        if isinstance(value, str):
            text = value.strip()
            # isdigit() accepts "²" and other digits int() refuses; ASCII only.
            value = int(text) if text.isascii() and text.isdigit() else value
        if not isinstance(name, str) or not name.strip():
            problems.append(ItemProblem(f"activity {n}", "needs the activity's name"))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            problems.append(
                ItemProblem(f"activity {n}", f"score {value!r} must be a whole number 0-10")
            )
        else:
            activities.append({"activity": str(name).strip(), "score": value})
    if problems:
        raise InstrumentInputError("psfs", problems)
    mean = sum(a["score"] for a in activities) / len(activities)
    notes = () if len(activities) >= 3 else ("fewer than the usual 3 activities",)
    return Score(
        "psfs", mean, "complete", "stratford-1995", notes=notes, details={"activities": activities}
    )
