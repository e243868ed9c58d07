"""The HOOS family (clinical-spec §3): HOOS, HOOS-12, HOOS JR and HOOS-PS.

Scores run 0-100 with 100 = no hip problems, except HOOS-PS, whose direction depends
on the published table used and is therefore always stored with the score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import fmean
from typing import Any

from painpath.core.instruments.base import InstrumentMeta, ItemReader, Score


def _subscale_items(meta: InstrumentMeta) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for item in meta.items:
        groups.setdefault(item.domain, []).append(item.id)
    return {k: tuple(v) for k, v in groups.items()}


def score_hoos(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """Five independent subscales; no total (2013 instructions define none)."""
    rule = options.get("rule_version", meta.scoring["default_rule_version"])
    minimums: dict[str, int] = meta.scoring["min_answered"].get(rule)  # type: ignore[assignment]
    if minimums is None:
        raise ValueError(f"hoos rule_version must be one of {sorted(meta.scoring['min_answered'])}")
    # Two boxes marked: the more severe answer counts (HOOS scoring instructions).
    r, notes = reader.read(responses, multiple="max")
    subscales: dict[str, float | None] = {}
    missing: list[str] = []
    for name, ids in _subscale_items(meta).items():
        answered = [r[i] for i in ids if r[i] is not None]
        missing.extend(i for i in ids if r[i] is None)
        if len(answered) < minimums[name]:
            subscales[name] = None
        else:
            subscales[name] = 100 - fmean(answered) / 4 * 100  # type: ignore[arg-type]
    scored = [v for v in subscales.values() if v is not None]
    status = (
        "complete" if len(scored) == len(subscales) else ("partial" if scored else "incomplete")
    )
    return Score(
        "hoos", None, status, rule, subscales=subscales, missing=tuple(missing), notes=tuple(notes)
    )


def score_hoos12(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """Each 4-item scale needs 2 answers; missing items take the person's own mean."""
    r, notes = reader.read(responses, multiple="max")
    min_answered: int = meta.scoring["min_answered_per_scale"]
    subscales: dict[str, float | None] = {}
    missing: list[str] = []
    for name, ids in _subscale_items(meta).items():
        answered = [r[i] for i in ids if r[i] is not None]
        missing.extend(i for i in ids if r[i] is None)
        if len(answered) < min_answered:
            subscales[name] = None
            continue
        filled = answered + [fmean(answered)] * (len(ids) - len(answered))  # type: ignore[arg-type]
        subscales[name] = 100 - sum(filled) / (4 * len(ids)) * 100  # type: ignore[arg-type]
    scored = [v for v in subscales.values() if v is not None]
    # Summary: mean of the three scales, all required (UNVERIFIED rule; see metadata).
    summary = fmean(scored) if len(scored) == len(subscales) else None
    status = "complete" if summary is not None else ("partial" if scored else "incomplete")
    return Score(
        "hoos12",
        summary,
        status,
        meta.scoring["rule_version"],
        subscales=subscales,
        missing=tuple(missing),
        notes=tuple(notes),
    )


def score_hoos_jr(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """Raw sum 0-24 converted through the Rasch table (never a linear transform)."""
    r, notes = reader.read(responses, multiple="max")
    missing = tuple(k for k, v in r.items() if v is None)
    if missing:  # implementation choice: all 6 required (official rule UNVERIFIED)
        return Score("hoos_jr", None, "incomplete", meta.scoring["rule_version"], missing=missing)
    raw = sum(r.values())  # type: ignore[arg-type]
    table: Sequence[float] = meta.scoring["conversion_table"]
    return Score(
        "hoos_jr",
        float(table[raw]),
        "complete",
        meta.scoring["rule_version"],
        notes=tuple(notes),
        details={"raw": raw, "table_verified": meta.scoring["table_verified"]},
    )


def score_hoos_ps(
    meta: InstrumentMeta,
    reader: ItemReader,
    responses: Mapping[str, Any],
    options: Mapping[str, str],
) -> Score:
    """Raw 0-20; the interval score needs a configured nomogram table and direction."""
    r, notes = reader.read(responses, multiple="max")
    missing = tuple(k for k, v in r.items() if v is None)
    direction = meta.scoring["direction"]
    if missing:  # implementation choice: all 5 required
        return Score(
            "hoos_ps",
            None,
            "incomplete",
            meta.scoring["rule_version"],
            missing=missing,
            details={"direction": direction},
        )
    raw = sum(r.values())  # type: ignore[arg-type]
    table = meta.scoring.get("conversion_table")
    details = {"raw": raw, "direction": direction}
    if not table:
        # All items answered: the response is complete, only the conversion is missing.
        return Score(
            "hoos_ps",
            None,
            "complete",
            meta.scoring["rule_version"],
            details=details,
            notes=(*notes, "raw score only: no HOOS-PS conversion table is configured"),
        )
    return Score(
        "hoos_ps",
        float(table[raw]),
        "complete",
        meta.scoring["rule_version"],
        notes=tuple(notes),
        details=details,
    )
